"""Choosing the time / potential / current / cycle / step (or frequency / Z′ / Z″)
columns of an instrument table from its headers, and the ``--columns`` mapping.

A column is found either by an explicit mapping (``time=Time (h)``; append
``@UNIT`` when the header carries no unit: ``time=t@min``) or by the header
names the instruments write (BioLogic ``Ewe/V``, ``<I>/mA``, ``cycle number``,
``Ns``; Neware ``Voltage(V)``; Gamry ``Vf``, ``Im``; generic ``time``,
``potential``, ``voltage``, ``current`` …).  The optional ``step_time`` is the time
since the programme step began, as cyclers log it (``Step Time (s)``, ``StepTime/Sec``,
``步骤时间/Sec`` of Chinese LAND exports, ``t-Step[s]``; a plain ``Time`` beside ``Total Time`` / ``Cumulative Time``, as Neware
BTSDA exports head it).  A leading ``-`` in a header
(``-Im(Z)/Ohm``, ``-Z''``) flips the sign, so values are always as measured.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, ReaderError
from ..record import ImpedanceSpectrum, Measurement
from .step_time import checked_step_time
from .units import CLOCK_CELL, CLOCK_UNIT, split_header, unit_factor

# key -> quantity whose unit the header must carry (None: a plain count).
QUANTITY = {
    "time": "time", "potential": "potential", "current": "current", "step_time": "time",
    "cycle": None, "step": None, "capacity": "capacity",
    "charge_capacity": "capacity", "discharge_capacity": "capacity",
    "frequency": "frequency", "z_real": "impedance", "z_imag": "impedance",
    "z_modulus": "impedance", "phase": "angle",
}
MEASUREMENT_KEYS = ("time", "potential", "current", "cycle", "step", "capacity", "charge_capacity",
                    "discharge_capacity", "step_time")
IMPEDANCE_KEYS = ("frequency", "z_real", "z_imag", "z_modulus", "phase",  # Z′, Z″ or else |Z|, phase
                  "potential")  # the DC potential of each row, when logged
IMPEDANCE_REQUIRED = ("frequency",)  # plus one of the pairs, checked by _impedance_pair
MAPPING_KEYS = MEASUREMENT_KEYS + tuple(k for k in IMPEDANCE_KEYS if k not in MEASUREMENT_KEYS)

# Header names (normalised by :func:`_normalise_name`) in order of preference.
ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("total time", "cumulative time", "test time", "elapsed time", "relative time", "run time", "time", "t"),
    "potential": ("ewe", "ecell", "potential", "voltage", "cell potential", "cell voltage",
                  "working electrode potential", "we potential", "e", "vf", "u", "v", "vdc"),
    "current": ("i", "current", "im", "cell current"),
    "cycle": ("cycle number", "cycle", "cycle index", "cycle count", "cycle no", "cycle id"),
    "step": ("ns", "step", "step index", "step number", "step no", "segment"),
    "step_time": ("step time", "steptime", "t-step", "time in step",
                  "步骤时间"),  # LAND/LANHE Chinese exports (步骤时间/Sec beside 测试时间/Sec)
    "capacity": ("capacity", "q charge/discharge", "(q-qo)"),
    "charge_capacity": ("charge capacity", "chg. cap.", "q charge"),
    "discharge_capacity": ("discharge capacity", "dchg. cap.", "q discharge"),
    "frequency": ("freq", "frequency", "f"),
    "z_real": ("re(z)", "z'", "zreal", "z real", "zre", "real(z)", "re z", "zr"),
    "z_imag": ("im(z)", "z''", 'z"', "zimag", "z imag", "zim", "imag(z)", "im z", "zi"),
    "z_modulus": ("|z|", "zmod", "mod(z)", "z", "impedance"),
    "phase": ("phase(z)", "phase", "zphz", "phz", "phase angle", "theta"),
}
# A plain 'Time' beside one of these is the step time (Neware BTSDA CSV and .xlsx exports).
TOTAL_TIME_NAMES = ("total time", "cumulative time")
EIS_HINT = "; this looks like an impedance spectrum: read it with read_impedance (CLI: --impedance)"
EXAMPLE_HEADER = {"time": "time/s", "potential": "Ewe/V", "current": "I/mA", "cycle": "cycle number",
                  "step": "Ns", "step_time": "Step Time (s)", "capacity": "Capacity (mAh)", "charge_capacity": "Charge Capacity (Ah)",
                  "discharge_capacity": "Discharge Capacity (Ah)", "frequency": "freq/Hz", "z_real": "Re(Z)/Ohm",
                  "z_imag": "-Im(Z)/Ohm", "z_modulus": "|Z|/Ohm", "phase": "Phase(Z)/deg"}


def _normalise_name(name: str) -> tuple[str, float]:
    """Lower-case name without ``<…>`` averaging marks, ``_`` as space; a leading ``-`` → sign −1."""
    n = name.strip()
    sign = 1.0
    if n.startswith("-") and len(n) > 1:
        sign, n = -1.0, n[1:]
    n = re.sub(r"[<>]", "", n).replace("_", " ").replace("’", "'").replace("′", "'").replace("″", "''")
    return " ".join(n.lower().split()), sign


@dataclass(frozen=True)
class Column:
    """Where one canonical quantity sits in a table and how to convert it: value·factor
    (``clock``: cells are clock times such as ``1:02:03.5``, converted to seconds;
    ``optional``: found by name only, so a column of words is left out rather than an error)."""

    key: str
    header: str
    index: int
    factor: float
    clock: bool = False
    optional: bool = False


def parse_column_mapping(text: str) -> dict[str, str]:
    """Parse ``"time=Time (h),potential=Ewe/V,current=<I>/mA"`` into a dict.

    Keys: time, potential, current, cycle, step, capacity, step_time (measurements) and
    frequency, z_real, z_imag, z_modulus, phase (impedance).  Values are header names,
    optionally ``HEADER@UNIT`` for headers without a unit.  A pair whose header holds a
    comma is written in double quotes: ``"time=Time, s",potential=E/V``."""
    source = "option --columns"
    try:
        parts = next(csv.reader([text], skipinitialspace=True, strict=True), [])
    except csv.Error as exc:
        raise InputError(source, f"cannot parse {text!r} ({exc})",
                         expected='KEY=HEADER pairs separated by commas; quote a pair holding a comma') from None
    mapping: dict[str, str] = {}
    for part in (p for p in parts if p.strip()):
        key, eq, header = part.partition("=")
        key = key.strip().lower()
        if not eq or not header.strip():
            raise InputError(source, f"cannot parse {part.strip()!r}",
                             expected="KEY=HEADER pairs separated by commas, e.g. time=time/s,potential=Ewe/V")
        if key not in MAPPING_KEYS:
            raise InputError(source, f"unknown key {key!r}", expected=f"one of {', '.join(MAPPING_KEYS)}")
        if key in mapping:
            raise InputError(source, f"key {key!r} given twice", expected="each key once")
        mapping[key] = header.strip()
    if not mapping:
        raise InputError(source, f"no KEY=HEADER pairs in {text!r}", expected="e.g. time=time/s,potential=Ewe/V")
    return mapping


def choose_columns(headers: Sequence[str], source: str, *, keys: Sequence[str], required: Sequence[str],
                   mapping: dict[str, str] | None = None, units: Sequence[str | None] | None = None,
                   sample: Sequence[str] | None = None) -> dict[str, Column]:
    """Pick the column for each key in ``keys`` (``required`` ones must exist).

    ``units`` gives per-column units for formats that keep them in a separate
    row (Gamry, Origin-style CSV); a blank entry falls back to the header's unit.
    ``sample`` (the first data row) lets a unit-less time column of clock cells
    (``0:01:00``, Neware's ``Total Time``) be read as a clock."""
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in keys]
    if unknown:
        raise InputError("option --columns", f"key(s) {', '.join(unknown)} do not apply here",
                         expected=f"keys among {', '.join(keys)}")
    parsed = [split_header(h) for h in headers]
    names = [_normalise_name(name) for name, _ in parsed]
    chosen: dict[str, Column] = {}
    for key in keys:
        if key in mapping:
            index, unit, sign = _mapped_index(mapping[key], headers, source, key)
            unit = unit or _unit_at(index, units, parsed)
        else:
            found = next(((i, s) for alias in ALIASES[key] for i, (n, s) in enumerate(names) if n == alias), None)
            if found is None and key == "step_time" and any(n in TOTAL_TIME_NAMES for n, _ in names):
                found = next(((i, s) for i, (n, s) in enumerate(names) if n == "time"), None)
            if found is None:
                if key in required:
                    eis = key in MEASUREMENT_KEYS and any(n in ALIASES["frequency"] for n, _ in names)
                    hint = EIS_HINT if eis else ""
                    raise ReaderError(source, f"no {key} column among the headers {_shown(headers)}{hint}",
                                      expected=f"a header such as {EXAMPLE_HEADER[key]!r} or --columns {key}=HEADER")
                continue
            index, sign = found[0], (found[1] if key in IMPEDANCE_KEYS else 1.0)
            twins = [i for i, h in enumerate(headers) if h.strip() == headers[index].strip()]
            if len(twins) > 1:
                raise ReaderError(source, f"{len(twins)} columns are headed {headers[index].strip()!r} "
                                  f"(columns {', '.join(str(i + 1) for i in twins)}); which is the {key}?",
                                  expected="unique headers; rename one in a copy of the file")
            unit = _unit_at(index, units, parsed)
        quantity = QUANTITY[key]
        optional = key not in required and key not in mapping
        clock_cells = unit is None and sample is not None and index < len(sample) and CLOCK_CELL.match(sample[index])
        if quantity == "time" and (clock_cells or unit and CLOCK_UNIT.match(unit.strip())):
            chosen[key] = Column(key, headers[index], index, 1.0, clock=True, optional=optional)
            continue
        try:
            factor = 1.0 if quantity is None else unit_factor(quantity, unit, source=source, header=headers[index])
        except InputError:
            if not optional:
                raise
            continue  # an optional column in other units (e.g. 'Capacity (mAh/g)') is left out
        chosen[key] = Column(key, headers[index], index, sign * factor, optional=optional)
    return _impedance_pair(chosen, headers, source) if "z_real" in keys else chosen


def _unit_at(index: int, units: Sequence[str | None] | None, parsed: list[tuple[str, str | None]]) -> str | None:
    """The unit of column ``index``: from the units row when it has one there, else from the header."""
    return (units[index] if units and index < len(units) else None) or parsed[index][1]


def _impedance_pair(chosen: dict[str, Column], headers: Sequence[str], source: str) -> dict[str, Column]:
    """Keep Z′, Z″ when both were found, else |Z|, phase (now required: their cells must be
    numbers); neither pair is an error."""
    for pair, other in ((("z_real", "z_imag"), ("z_modulus", "phase")), (("z_modulus", "phase"), ("z_real", "z_imag"))):
        if all(k in chosen for k in pair):
            return {k: replace(c, optional=False) if k in pair else c for k, c in chosen.items() if k not in other}
    raise ReaderError(source, f"no Z′ and Z″ (nor |Z| and phase) columns among the headers {_shown(headers)}",
                      expected="headers such as 'Re(Z)/Ohm' and '-Im(Z)/Ohm', or --columns z_real=…,z_imag=…")


def _mapped_index(spec: str, headers: Sequence[str], source: str, key: str) -> tuple[int, str | None, float]:
    """Column index, explicit unit (from ``HEADER@UNIT``) and sign for one mapping value."""
    header, at, unit = spec.rpartition("@") if "@" in spec else (spec, "", "")
    header = header.strip()
    sign = -1.0 if key in IMPEDANCE_KEYS and header.startswith("-") else 1.0
    stripped = [h.strip() for h in headers]
    lowered = [h.lower() for h in stripped]
    index = stripped.index(header) if header in stripped else \
        lowered.index(header.lower()) if header.lower() in lowered else None
    if index is not None:
        return index, (unit.strip() or None) if at else None, sign
    raise ReaderError(source, f"--columns {key}={spec!r}: no such column", expected=f"one of {_shown(headers)}")


def _shown(headers: Sequence[str]) -> str:
    """The first dozen headers, quoted, for error messages."""
    return ", ".join(repr(h) for h in headers[:12]) + (" …" if len(headers) > 12 else "")


def as_index(values: np.ndarray, source: str, name: str) -> np.ndarray:
    """Cycle/step numbers rounded to int; NaN or absurd values raise :class:`InputError`."""
    v = np.asarray(values, float)
    bad = np.flatnonzero(~(np.abs(v) < 2**31))
    if bad.size:
        raise ReaderError(source, f"value {v[bad[0]]!r} in '{name}' is not an index",
                          where=f"data row {int(bad[0]) + 1}", expected="integer indices")
    return np.rint(v).astype(np.int32)


def counters_agree_with_sign(current: np.ndarray, charge: np.ndarray | None, discharge: np.ndarray) -> bool:
    """Whether the file's charge/discharge counters grow under positive/negative current
    (interstore's convention).  Each growing step of a counter votes with its size:
    S = Σ_{Δ|q_ch|>0} sign(I)·Δ|q_ch| − Σ_{Δ|q_dis|>0} sign(I)·Δ|q_dis|;  S < 0 means the
    file counts discharge as positive current (Battery Data Format and some exports)."""
    current = np.asarray(current, float)
    score = 0.0
    for counter, vote in ((charge, 1.0), (discharge, -1.0)):
        if counter is None:
            continue
        grows = np.diff(np.abs(np.asarray(counter, float)), prepend=0.0)
        score += vote * float(np.sum(np.sign(current) * np.clip(grows, 0.0, None)))
    return score >= 0


def build_measurement(values: dict[str, np.ndarray], source: str, instrument: str, **meta) -> Measurement:
    """A :class:`Measurement` from converted columns (keys of :data:`MEASUREMENT_KEYS`).

    Missing cycle/step become 1; cycle numbers counted from 0 are shifted to start at 1.
    A ``step_time`` (s since the step began) becomes the optional ``step_time_s`` column where it
    agrees with the total time (:func:`.step_time.checked_step_time`; ``extra['step_time']`` says
    what was left out).
    Separate charge and discharge capacity columns give ``capacity_mAh`` = charge − discharge
    when the file has no single capacity column, and tell the sign convention: a file whose
    discharge counter grows under positive current has its current negated (recorded in
    ``extra['current_sign']``)."""
    n = len(values["time"])
    extra = dict(meta.pop("extra", None) or {})
    if "discharge_capacity" in values:
        if not counters_agree_with_sign(values["current"], values.get("charge_capacity"),
                                        values["discharge_capacity"]):
            values = {**values, "current": -np.asarray(values["current"], float)}
            extra["current_sign"] = ("negated: the file counts discharge as positive current (its discharge "
                                     "capacity grows while I > 0); interstore counts discharge as negative")
        if "capacity" not in values and "charge_capacity" in values:
            values = {**values, "capacity": np.abs(values["charge_capacity"]) - np.abs(values["discharge_capacity"])}
    cycle = as_index(values["cycle"], source, "cycle") if "cycle" in values else np.ones(n, np.int32)
    if cycle.size and cycle.min() == 0:
        cycle += 1
    step = as_index(values["step"], source, "step") if "step" in values else np.ones(n, np.int32)
    columns = {"time_s": values["time"], "potential_V": values["potential"], "current_A": values["current"],
               "cycle": cycle, "step": step}
    if "capacity" in values:
        columns["capacity_mAh"] = values["capacity"]
    if "step_time" in values:
        step_time, note = checked_step_time(values["time"], values["step_time"], step)
        if step_time is not None:
            columns["step_time_s"] = step_time
        if note is not None:
            extra["step_time"] = note
    # the parsed arrays become the record's columns as they are (no second frame is built)
    frame = pd.DataFrame({k: np.asarray(v, float) if k not in ("cycle", "step") else v for k, v in columns.items()},
                         copy=False)
    return Measurement(frame, source=source, instrument=instrument, extra=extra, **meta)


def build_spectrum(values: dict[str, np.ndarray], source: str, instrument: str,
                   reference_electrode: str | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from converted frequency and Z′, Z″ columns, or
    |Z| and phase φ (degrees): Z = |Z|·(cos φ + j sin φ), with the DC ``potential`` of each row
    when the file logs one.  Rows at exactly 0 Hz (time-domain rows between the sweeps of
    EC-Lab GEIS and Parstat exports) are dropped and counted."""
    if "z_real" in values:
        z = np.asarray(values["z_real"], float) + 1j * np.asarray(values["z_imag"], float)
    else:
        z = np.asarray(values["z_modulus"], float) * np.exp(1j * np.radians(np.asarray(values["phase"], float)))
    frequency = np.asarray(values["frequency"], float)
    keep = frequency != 0
    potential = np.asarray(values["potential"], float)[keep] if "potential" in values else None
    return ImpedanceSpectrum(frequency[keep], z.real[keep], z.imag[keep], source=source, instrument=instrument,
                             zero_frequency_rows_dropped=int(keep.size - keep.sum()), potential_V=potential,
                             reference_electrode=reference_electrode)
