"""CH Instruments (CHI 600/700 series) text exports.

Layout: date line / technique (``Cyclic Voltammetry``, ``Amperometric i-t Curve``,
``A.C. Impedance`` …) / ``Instrument Model:  CHI660E`` / parameters ``Name (unit) = value``
(``Scan Rate (V/s) = 0.001``, ``Init E (V) = 1.0``) / optional ``Results:`` / a header
``Potential/V, Current/A`` (or ``Time/sec, Current/A``; EIS ``Freq/Hz, Z'/ohm, Z"/ohm, …``)
and comma-separated rows.

CV/LSV exports carry no time column: time is rebuilt from the programmed sweep,
t = Σ|ΔE| / v, and the segment (step) number increases at every reversal of the
sweep direction; cycle = ⌈segment / 2⌉.  An i–t export carries no potential: it is
the constant ``Init E (V)``.  A chronopotentiometry (galvanostatic charge–discharge)
export carries no current: it is +|``Anodic Current (A)``| on segments where the
potential rises and −|``Cathodic Current (A)``| where it falls.

Currents are kept with the sign the CHI software wrote (its polarity option
decides whether anodic current is positive), except in
CV/LSV, where the convention is recognised from the data: in any voltammogram the
current on anodic sweeps (dE/dt > 0) exceeds the current on cathodic sweeps, so a
file with the opposite ordering was written cathodic-positive and is flipped
(``extra['current_sign_flipped']``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np

from ...errors import ReaderError
from ..record import ImpedanceSpectrum, Measurement
from .columns import (
    EIS_HINT, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, MEASUREMENT_KEYS, build_measurement, build_spectrum,
    choose_columns,
)
from .sweep_time import time_from_sweep
from .textfile import TextExport, open_text, read_columns, split_fields

SIGNATURES = ("Scan Rate (V/s)", "Instrument Model:  CHI", "Instrument Model: CHI")  # in a CHI export's head
_PARAM = re.compile(r"^\s*(?P<name>[^=]+?)\s*=\s*(?P<value>[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$")
_TABLE_HEADER = re.compile(r"^\s*(Potential/V|Time/s|Time/sec|Freq/Hz)\s*,", re.IGNORECASE)


def _layout(path: str | Path) -> tuple[TextExport, dict[str, float], int, str | None]:
    """The export, its numeric parameters, the index of the table header and the technique."""
    export = open_text(path, head_lines=20000)
    source, lines = export.source, export.lines
    header_at = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), None)
    if header_at is None:
        raise ReaderError(source, "no data header such as 'Potential/V, Current/A'",
                          expected="a CHI text export (File > Save As > Text)")
    params = {m.group("name"): float(m.group("value"))
              for m in (_PARAM.match(line) for line in lines[:header_at]) if m}
    technique = lines[1].strip() if len(lines) > 1 and lines[1].strip() else None
    return export, params, header_at, technique


def _table(path: str | Path, keys: Sequence[str], required: Sequence[str],
           columns: dict[str, str] | None) -> tuple[dict[str, np.ndarray], dict[str, float], str | None]:
    export, params, header_at, technique = _layout(path)
    lines = export.lines
    headers = split_fields(lines[header_at], ",")
    chosen = choose_columns(headers, export.source, keys=keys, required=required, mapping=columns)
    first = header_at + 1
    while first < len(lines) and not lines[first].strip():
        first += 1
    sep = "\t" if first < len(lines) and "\t" in lines[first] and "," not in lines[first] else ","  # CHI660D: tabs
    values = read_columns(export, first, chosen, sep=sep, decimal=".", n_fields=len(headers))
    return values, params, technique


def sweep_segments(potential_V: np.ndarray, hysteresis_V: float = 0.0) -> np.ndarray:
    """Segment number (1, 2, …) of each point of a potential trace: a new segment starts
    after each turning point, i.e. when the potential has moved back from its running
    extreme by more than ``hysteresis_V`` (0 for a clean CV staircase; a little more for
    noisy chronopotentiometry).  Points after the extreme go to the new segment.
    One pass over the data (each point re-labelled at most once)."""
    e = np.asarray(potential_V, float)
    segment = np.ones(e.size, int)
    number, direction, extreme_at = 1, 0.0, 0
    for k in range(1, e.size):
        move = e[k] - e[extreme_at]
        if direction == 0.0:
            if abs(move) > hysteresis_V:
                direction, extreme_at = np.sign(move), k
        elif direction * move >= 0:
            extreme_at = k
        elif -direction * move > hysteresis_V:
            number += 1
            segment[extreme_at + 1:k + 1] = number
            turn = extreme_at + 1 + (np.argmax(e[extreme_at + 1:k + 1]) if direction < 0
                                     else np.argmin(e[extreme_at + 1:k + 1]))
            direction, extreme_at = -direction, int(turn)
            continue
        segment[k] = number
    return segment


def anodic_positive(potential_V: np.ndarray, current_A: np.ndarray) -> bool:
    """True when mean current on anodic sweeps (ΔE > 0) exceeds that on cathodic sweeps,
    i.e. the data follow the IUPAC sign (anodic current positive)."""
    rising = np.diff(potential_V)
    mid_current = 0.5 * (current_A[1:] + current_A[:-1])
    if not (np.any(rising > 0) and np.any(rising < 0)):
        return True  # a single sweep cannot tell; keep the sign as written
    return bool(mid_current[rising > 0].mean() >= mid_current[rising < 0].mean())


def _programmed_current(potential_V: np.ndarray, segment: np.ndarray, params: dict[str, float],
                        source: str) -> np.ndarray:
    """Chronopotentiometry (CHI writes no current column): +|Anodic Current| on segments
    where the potential rises, −|Cathodic Current| where it falls."""
    if "Anodic Current (A)" not in params or "Cathodic Current (A)" not in params:
        raise ReaderError(source, "no current column and no 'Anodic Current (A) = …' / "
                                 "'Cathodic Current (A) = …' lines",
                          expected="a CV/LSV, i-t or chronopotentiometry export")
    first = potential_V[segment == 1]
    rising = (segment % 2 == 1) == (first[-1] >= first[0])
    return np.where(rising, abs(params["Anodic Current (A)"]), -abs(params["Cathodic Current (A)"]))


def read_chi(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a CHI text export: CV/LSV (time from the sweep),
    i–t (constant potential), chronopotentiometry (programmed current, segments found
    with a 1 % hysteresis) or any export with time, potential and current columns."""
    source = str(path)
    values, params, technique = _table(path, MEASUREMENT_KEYS, (), columns)
    rate_V_s = meta["scan_rate_mV_s"] * 1e-3 if meta.get("scan_rate_mV_s") else params.get("Scan Rate (V/s)")
    if "potential" not in values and "current" not in values:
        hint = EIS_HINT if technique and "Impedance" in technique else ""
        raise ReaderError(source, f"neither a potential nor a current column{hint}",
                          expected="a CV, i-t or CP export")
    segment = None
    if "potential" not in values:
        if "Init E (V)" not in params:
            raise ReaderError(source, "no potential column and no 'Init E (V) = …' line",
                              expected="a CV/LSV or i-t export")
        values["potential"] = np.full(len(values["current"]), params["Init E (V)"])
    e = values["potential"]
    if "current" not in values:
        segment = sweep_segments(e, 0.01 * np.ptp(e))
        values["current"] = _programmed_current(e, segment, params, source)
    if "time" not in values:
        if not rate_V_s or rate_V_s <= 0:
            raise ReaderError(source, "no time column and no positive 'Scan Rate (V/s) = …' line",
                              expected="a CV/LSV export with its scan rate")
        values["time"] = time_from_sweep(e, rate_V_s * 1e3, source)
        segment = sweep_segments(e)
        if not anodic_positive(e, values["current"]):
            values["current"] = -values["current"]
            meta.setdefault("extra", {})["current_sign_flipped"] = True
    if segment is not None:
        values.setdefault("step", segment)
        values.setdefault("cycle", (segment + 1) // 2)
    meta.setdefault("scan_rate_mV_s", rate_V_s * 1e3 if rate_V_s else None)
    return build_measurement(values, source, "chi", technique=technique, **meta)


def read_chi_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from a CHI ``A.C. Impedance`` export (Z″ as written, signed)."""
    values, _, _ = _table(path, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, columns)
    return build_spectrum(values, str(path), "chi")
