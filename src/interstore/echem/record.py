"""The canonical in-memory record of one electrochemical measurement.

Every reader returns a :class:`Measurement`.  Units live in the column names:

==============  ======================================================
``time_s``       elapsed time, s
``potential_V``  working-electrode potential, V (vs the cell's reference)
``current_A``    current, A (positive = anodic / charge)
``cycle``        cycle index (int, starting at 1; 1 if unknown)
``step``         step / segment index (int; changes when the programme step changes)
==============  ======================================================

Optional columns: ``capacity_mAh`` (the cycler's own charge counter) and ``step_time_s``
(time since the programme step began, s, as the instrument logs it: Arbin, Maccor,
Neware, BaSyTec, Novonix, LAND exports; :mod:`.gitt` takes each pulse's current switch
from it).  Formats that log only the total time (BioLogic, whose ``Ns`` numbers the steps)
leave ``step_time_s`` out rather than reconstructing it from the first sample of each step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..bounds import BOUNDS, require_column_in_range
from ..errors import InputError

COLUMNS = ("time_s", "potential_V", "current_A", "cycle", "step")


@dataclass(frozen=True, repr=False)
class Measurement:
    """One measurement: a data table with unit-named columns plus metadata.

    ``active_mass_g`` is the mass of the active oxide (g) when known;
    ``scan_rate_mV_s`` is set by readers whose files record it (CV); ``extra`` holds what a
    format adds (e.g. ``text_encoding``: ``UTF-8``, ``Windows-1252`` or ``Latin-1`` for a text export).
    """

    data: pd.DataFrame
    source: str
    instrument: str
    active_mass_g: float | None = None
    scan_rate_mV_s: float | None = None
    technique: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate_frame(self.data, self.source)

    def __repr__(self) -> str:
        """One line: instrument, file, rows, duration, potential range and cycles (never the table)."""
        from ..results import sig

        t, e = self.time_s, self.potential_V
        hours = (t[-1] - t[0]) / 3600 if t.size else 0.0
        rate = f", {sig(self.scan_rate_mV_s, 3)} mV s⁻¹" if self.scan_rate_mV_s is not None else ""
        return (f"<Measurement {self.instrument} {Path(self.source).name}: {t.size} rows, {sig(hours, 3)} h, "
                f"{sig(e.min(), 3)}–{sig(e.max(), 3)} V, {np.unique(self.cycle).size} cycle(s){rate}>")

    @property
    def time_s(self) -> np.ndarray:
        return self.data["time_s"].to_numpy(float)

    @property
    def potential_V(self) -> np.ndarray:
        return self.data["potential_V"].to_numpy(float)

    @property
    def current_A(self) -> np.ndarray:
        return self.data["current_A"].to_numpy(float)

    @property
    def cycle(self) -> np.ndarray:
        return self.data["cycle"].to_numpy(int)

    @property
    def step(self) -> np.ndarray:
        return self.data["step"].to_numpy(int)


def validate_frame(frame: pd.DataFrame, source: str | Path) -> None:
    """Raise :class:`InputError` unless ``frame`` has the canonical columns, at least
    two rows, finite time/potential/current and non-decreasing time.

    A clean table is recognised from one minimum and one maximum per column (NaN carries
    through both, so finite extremes within the bounds mean every value is) and one
    comparison of neighbouring times; only a faulty one is searched row by row for the
    first bad value, which the error names."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(source, f"missing column(s) {', '.join(missing)}",
                         expected=f"columns {', '.join(COLUMNS)}")
    if len(frame) < 2:
        raise InputError(source, f"only {len(frame)} data row(s)", expected="at least 2 data rows")
    values = {col: frame[col].to_numpy(float) for col in ("time_s", "potential_V", "current_A")}
    bounds = {col: (BOUNDS[col].low, BOUNDS[col].high) for col in ("potential_V", "current_A")}
    clean = all(_within(v.min(), v.max(), *bounds.get(col, (-np.inf, np.inf))) for col, v in values.items())
    t = values["time_s"]
    if not (clean and np.all(t[1:] >= t[:-1])):
        _raise_first_fault(values, source)


def _within(lowest: float, highest: float, low: float, high: float) -> bool:
    """Whether a column's extremes are finite and inside ``[low, high]`` (False for NaN)."""
    return bool(np.isfinite(lowest) and np.isfinite(highest) and low <= lowest and highest <= high)


def _raise_first_fault(values: dict[str, np.ndarray], source: str | Path) -> None:
    """The :class:`InputError` for the first non-finite value, value out of bounds or step
    back in time, in that order of checks, naming its data row."""
    for col, v in values.items():
        finite = np.isfinite(v)
        if not finite.all():
            raise InputError(source, f"non-numeric or NaN value in '{col}'",
                             where=f"data row {int(np.argmin(finite)) + 1}", expected="finite numbers")
    require_column_in_range(source, "potential_V", values["potential_V"], "potential_V")
    require_column_in_range(source, "current_A", values["current_A"], "current_A")
    t = values["time_s"]
    back = np.flatnonzero(t[1:] < t[:-1])
    raise InputError(source, "time goes backwards", where=f"data row {int(back[0]) + 2}",
                     expected="non-decreasing time")


def from_arrays(time_s, potential_V, current_A, *, cycle=None, step=None, source="<arrays>",
                instrument="synthetic", **meta) -> Measurement:
    """Build a :class:`Measurement` from arrays (used by simulators and tests)."""
    n = len(time_s)
    frame = pd.DataFrame({
        "time_s": np.asarray(time_s, float),
        "potential_V": np.asarray(potential_V, float),
        "current_A": np.asarray(current_A, float),
        "cycle": np.ones(n, int) if cycle is None else np.asarray(cycle, int),
        "step": np.ones(n, int) if step is None else np.asarray(step, int),
    })
    return Measurement(frame, source=str(source), instrument=instrument, **meta)


@dataclass(frozen=True, repr=False)
class ImpedanceSpectrum:
    """An impedance spectrum: Z = z_real_ohm + j·z_imag_ohm at each frequency_Hz.

    Sign convention: ``z_imag_ohm`` is the imaginary part as measured (negative
    for capacitive behaviour); Nyquist plots show −Z″.  ``zero_frequency_rows_dropped``
    counts the rows at f = 0 Hz a reader left out (time-domain rows that EC-Lab GEIS and
    Parstat exports write between sweeps).  ``potential_V`` is the DC potential logged with
    each frequency (EC-Lab ``<Ewe>/V``, Gamry ``Vdc``; ``None`` when the file has none) and
    ``reference_electrode`` the reference it is measured against when the file names one.
    ``text_encoding`` names the encoding a text export was decoded with (``UTF-8``,
    ``Windows-1252`` or ``Latin-1``; ``None`` for a binary file).
    """

    frequency_Hz: np.ndarray
    z_real_ohm: np.ndarray
    z_imag_ohm: np.ndarray
    source: str
    instrument: str = "unknown"
    zero_frequency_rows_dropped: int = 0
    potential_V: np.ndarray | None = None
    reference_electrode: str | None = None
    text_encoding: str | None = None

    def __post_init__(self) -> None:
        n = len(self.frequency_Hz)
        if not (len(self.z_real_ohm) == len(self.z_imag_ohm) == n) or n < 3:
            raise InputError(self.source, f"{n} frequency points with mismatched impedance columns",
                             expected="at least 3 rows of frequency, Z', Z''")
        if self.potential_V is not None and len(self.potential_V) != n:
            raise InputError(self.source, f"{len(self.potential_V)} potentials for {n} frequencies",
                             expected="one DC potential per frequency")
        for name, arr in (("frequency_Hz", self.frequency_Hz), ("z_real_ohm", self.z_real_ohm),
                          ("z_imag_ohm", self.z_imag_ohm), ("potential_V", self.potential_V)):
            if arr is None:
                continue
            bad = np.flatnonzero(~np.isfinite(np.asarray(arr, float)))
            if bad.size:
                raise InputError(self.source, f"non-numeric or NaN value in '{name}'",
                                 where=f"data row {int(bad[0]) + 1}", expected="finite numbers")
        if np.any(np.asarray(self.frequency_Hz, float) <= 0):
            raise InputError(self.source, "non-positive frequency", expected="frequencies > 0 Hz")

    def __repr__(self) -> str:
        from ..results import sig

        f = np.asarray(self.frequency_Hz, float)
        return (f"<ImpedanceSpectrum {self.instrument} {Path(self.source).name}: {f.size} frequencies "
                f"{sig(f.min(), 3)}–{sig(f.max(), 3)} Hz>")

    @property
    def dc_potential_V(self) -> float | None:
        """Mean DC potential over the spectrum (V vs :attr:`reference_electrode`), or ``None``."""
        return None if self.potential_V is None else float(np.mean(self.potential_V))

    @property
    def z_complex_ohm(self) -> np.ndarray:
        return np.asarray(self.z_real_ohm, float) + 1j * np.asarray(self.z_imag_ohm, float)
