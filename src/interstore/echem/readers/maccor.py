"""Maccor text exports (MacTest/MIMS ``.txt``, tab-separated, or ``.csv``).

Layout: a few lines of test information (``Today's Date``, ``Date of Test``, ``Filename``,
``Procedure`` …), then a header whose first field is ``Rec`` or ``Rec#`` and one row per
record.  Maccor's export is configurable, so the same quantities come under several names:

==========  =====================================================================
time        ``Test Time (sec)``; ``TestTime`` as clock cells ``2d 02:52:51.57`` or
            as a number in a unit the header does not name (seconds, minutes, hours):
            the unit is found from the ``DPt Time`` date-time column beside it
potential   ``Volts``, ``Voltage [V]``, ``Voltage`` (V)
current     ``Amps``, ``Current [A]``, ``Current`` (A)
capacity    ``Amp-hr``, ``Cap. [Ah]``, ``Capacity`` (Ah, charge passed in the step)
cycle/step  ``Cyc#`` / ``Cycle C``, ``Step``
step time   ``Step Time (sec)``; ``StepTime`` as clock cells or as a number in the unit
            found for ``TestTime``
state       ``State`` / ``Md``: ``C`` charge, ``D`` discharge, ``R`` rest
==========  =====================================================================

Maccor writes current and capacity unsigned; the sign comes from the state column
(negative on ``D`` rows).  An export without a state column is kept as written and says
so in ``extra['current_sign']``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import ReaderError
from ..record import Measurement
from .columns import MEASUREMENT_KEYS, build_measurement, choose_columns
from .tabular import header_index, read_word_columns, signed_by_state, time_unit_from_clock, vendor_mapping
from .textfile import TextExport, open_text, read_columns, sniff_decimal, split_fields

_HEADER = re.compile(r"^\s*Rec#?\s*[\t,]\s*(Cyc#|Cycle)", re.IGNORECASE)
_CLOCK = re.compile(r"^\s*(?:(?P<d>\d+)d\s+)?(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d*)?)\s*$")
NAMES = {
    "potential": ("Volts@V", "Voltage [V]", "Voltage@V"),
    "current": ("Amps@A", "Current [A]", "Current@A"),
    "cycle": ("Cyc#", "Cycle C", "Cycle"),
    "step": ("Step",),
    "capacity": ("Amp-hr@Ah", "Cap. [Ah]", "Capacity@Ah"),
}
TIME_NAMES = ("Test Time (sec)", "Test Time (s)", "TestTime", "Test Time")
STEP_TIME_NAMES = ("StepTime", "Step Time")  # without a unit in the header (with one: a generic column)
STATE_NAMES = ("State", "Md")
STAMP_NAMES = ("DPt Time", "DPT Time")
DISCHARGE = ("D",)


def sniff(head: bytes) -> bool:
    """A Maccor export has a header line starting ``Rec`` / ``Rec#`` followed by the cycle column."""
    text = head.decode("latin-1")
    return any(_HEADER.match(line) for line in text.splitlines()[:40])


def clock_seconds(cells: np.ndarray, source: str, header: str, first_line: int) -> np.ndarray:
    """Seconds from Maccor clock cells ``[Nd ]HH:MM:SS[.s]`` (``2d 02:52:51.57``)."""
    parts = pd.Series(cells).str.extract(_CLOCK)
    bad = np.flatnonzero(parts["h"].isna().to_numpy())
    if bad.size:
        raise ReaderError(source, f"'{cells[bad[0]]}' in column '{header}' is not a clock time",
                          where=f"line {first_line + 1 + int(bad[0])}", expected="cells like 0d 01:18:07.16")
    seconds = parts[["d", "h", "m", "s"]].fillna("0").astype(float).to_numpy()
    return seconds @ np.array([86400.0, 3600.0, 60.0, 1.0])


def _complete_last_row(export: TextExport, n_header: int, sep: str) -> TextExport:
    """MIMS ends every row with a separator except the last one; that row has as many
    fields as the header and is complete, so the missing trailing separator is restored
    (in memory) for the row-length check of :func:`.textfile.read_columns`."""
    body_end = len(export.raw.rstrip())
    start = export.raw.rfind(b"\n", 0, body_end) + 1
    last = export.raw[start:body_end].decode("latin-1")
    if not last.endswith(sep) and len(split_fields(last, sep)) == n_header:
        return replace(export, raw=export.raw[:body_end] + sep.encode() + export.raw[body_end:])
    return export


def read_maccor(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a Maccor text export (see the module notes for the columns)."""
    export = open_text(path)
    source, lines = export.source, export.lines
    header_at = next((i for i, line in enumerate(lines[:40]) if _HEADER.match(line)), None)
    if header_at is None or header_at + 1 >= len(lines):
        raise ReaderError(source, "no 'Rec' / 'Rec#' header line followed by data rows", where="lines 1-40",
                          expected="a Maccor text export")
    sep = "\t" if "\t" in lines[header_at] else ","
    headers = split_fields(lines[header_at], sep)
    first = header_at + 1
    while first < len(lines) - 1 and not lines[first].strip():  # MIMS Client leaves a blank line
        first += 1
    mapping = vendor_mapping(headers, NAMES, columns, MEASUREMENT_KEYS)
    time_at = header_index(headers, TIME_NAMES) if "time" not in mapping else None
    timed_by_header = time_at is not None and "(" in headers[time_at]
    if timed_by_header:
        mapping["time"] = headers[time_at]
    keys = [k for k in MEASUREMENT_KEYS if k != "time" or time_at is None or timed_by_header]
    chosen = choose_columns(headers, source, keys=keys, required=[k for k in ("time", "potential", "current")
                                                                    if k in keys], mapping=mapping,
                            sample=split_fields(lines[first], sep))
    decimal = sniff_decimal("\n".join(lines[first:first + 5]), sep)
    if lines[first].endswith(sep):
        export = _complete_last_row(export, len(headers), sep)
    values = read_columns(export, first, chosen, sep=sep, decimal=decimal, n_fields=len(headers))
    n = len(values["potential"])
    extra = {}
    state_at, stamp_at = header_index(headers, STATE_NAMES), header_index(headers, STAMP_NAMES)
    step_at = header_index(headers, STEP_TIME_NAMES) if "step_time" not in values else None
    wanted = [state_at, step_at] + ([time_at, stamp_at] if "time" not in values else [])
    words = read_word_columns(export, first, [i for i in wanted if i is not None], sep=sep, n_rows=n)
    time_factor = None  # seconds per unit of a unit-less TestTime (StepTime is in the same unit)
    if "time" not in values:
        cells = words[time_at]
        if _CLOCK.match(cells[0]):
            values["time"] = clock_seconds(cells, source, headers[time_at], first)
        else:
            elapsed = pd.to_numeric(pd.Series(cells), errors="coerce").to_numpy(float)
            if stamp_at is None:
                raise ReaderError(source, f"no unit in column header '{headers[time_at]}' and no date-time column",
                                  expected=f"--columns time={headers[time_at]}@s (or @min, @h)")
            unit, factor = time_unit_from_clock(elapsed, words[stamp_at], source=source, header=headers[time_at])
            values["time"], time_factor = elapsed * factor, factor
            extra["time_unit"] = f"{unit} (from '{headers[time_at]}' against '{headers[stamp_at]}')"
    if step_at is not None:
        cells = words[step_at]
        if _CLOCK.match(cells[0]):
            values["step_time"] = clock_seconds(cells, source, headers[step_at], first)
        elif time_factor is not None:
            step_s = pd.to_numeric(pd.Series(cells), errors="coerce").to_numpy(float) * time_factor
            if np.isfinite(step_s).all():  # an unreadable optional column is left out
                values["step_time"] = step_s
    if state_at is None:
        extra["current_sign"] = "as written (no State/Md column)"
    else:
        state = words[state_at]
        for key in ("current", "capacity"):
            if key in values:
                values[key] = signed_by_state(values[key], state, discharge=DISCHARGE, source=source,
                                              column=chosen[key].header)
        extra["current_sign"] = f"from '{headers[state_at]}' (D = discharge, negative)"
    return build_measurement(values, source, "maccor", extra=extra, **meta)
