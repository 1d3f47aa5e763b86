"""Neware BTS Excel exports (``.xlsx``, BTSDA 8: sheets ``unit``, ``test``, ``step``, ``record``).

The ``record`` sheet (long tests continue in ``record_2``, ``record_3`` … or
``record1`` …, read in order) holds one row per data point: ``DataPoint``, ``Step Type``,
``Time`` (step time), ``Total Time`` (clock ``h:mm:ss``), ``Current(A)`` (signed,
discharge negative), ``Voltage(V)``, ``Capacity(Ah)`` (charge passed in the step,
unsigned), ``Energy(Wh)``, ``Date``; some versions add ``Cycle Index`` and ``Step Index``.
When they are missing, each record gets the cycle and step of the ``step`` sheet row
whose ``Oneset Date`` … ``End Date`` span holds its ``Date`` (as cellpy's Neware
loader does); without a usable ``step`` sheet the step is counted from changes of
``Step Type`` and restarts of ``Time``, and the cycle is 1.  BTSDA 7 exports
(``Detail_…`` sheets with a clock ``Realtime`` instead of ``Total Time``) are refused with
the list of sheets.  ``capacity_mAh`` is the step capacity signed like the current.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import ReaderError
from ..record import Measurement
from .columns import MEASUREMENT_KEYS, build_measurement
from .tabular import header_index, signed_like_current
from .workbook import is_xlsx, read_sheets, sheet_columns, sheet_names

RECORD = re.compile(r"^record[_ ]?\d*$", re.IGNORECASE)
NAMES = {
    "time": ("Total Time",),
    "potential": ("Voltage(V)",),
    "current": ("Current(A)", "Current(mA)"),
    "cycle": ("Cycle Index",),
    "step": ("Step Index",),
    "capacity": ("Capacity(Ah)", "Capacity(mAh)"),
}
STEP_SHEET = "step"


def sniff(head: bytes) -> bool:
    """Only the workbook signature is visible in the first bytes (see :func:`.workbook.is_xlsx`)."""
    return is_xlsx(head)


def record_sheets(names: list[str], source: str) -> list[str]:
    """The record sheets in order: ``record``, then ``record_2``/``record2`` … by number."""
    records = [n for n in names if RECORD.match(n.strip())]
    if not records:
        raise ReaderError(source, f"no Neware record sheet among {', '.join(repr(n) for n in names)}",
                          expected="a BTSDA 8 .xlsx export with a 'record' sheet")
    return sorted(records, key=lambda n: [int(x) for x in re.findall(r"\d+", n)] or [0])


def _by_step_sheet(path: str | Path, dates: pd.Series, kinds: pd.Series | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Cycle and step index of each record from the ``step`` sheet's date spans, or ``None``.
    A record stamped with the instant one step ends and the next begins goes to the step
    whose ``Step Type`` it carries."""
    headers, steps = read_sheets(path, [STEP_SHEET])
    at = {k: header_index(headers, [name]) for k, name in
          (("cycle", "Cycle Index"), ("step", "Step Index"), ("start", "Oneset Date"), ("kind", "Step Type"))}
    if any(at[k] is None for k in ("cycle", "step", "start")):
        return None
    start = pd.to_datetime(steps[at["start"]], errors="coerce").to_numpy("datetime64[ns]")
    when = pd.to_datetime(dates, errors="coerce").to_numpy("datetime64[ns]")
    if np.isnat(start).any() or np.isnat(when).any() or np.any(np.diff(start) < np.timedelta64(0)):
        return None
    row = np.clip(np.searchsorted(start, when, side="right") - 1, 0, len(start) - 1)
    if kinds is not None and at["kind"] is not None:
        step_kind = steps[at["kind"]].astype(str).to_numpy()
        record_kind = kinds.astype(str).to_numpy()
        tie = (when == start[row]) & (row > 0) & (record_kind != step_kind[row])
        row = row - tie
    return (pd.to_numeric(steps[at["cycle"]], errors="coerce").to_numpy(float)[row],
            pd.to_numeric(steps[at["step"]], errors="coerce").to_numpy(float)[row])


def _by_changes(frame: pd.DataFrame, headers: list[str]) -> np.ndarray | None:
    """Step numbers counted from changes of ``Step Type`` and restarts of the step ``Time``."""
    kind_at, time_at = header_index(headers, ["Step Type"]), header_index(headers, ["Time"])
    if kind_at is None:
        return None
    kind = frame[kind_at].astype(str).to_numpy()
    new = np.concatenate([[True], kind[1:] != kind[:-1]])
    if time_at is not None:
        step_time = pd.to_timedelta(frame[time_at].astype(str), errors="coerce").dt.total_seconds().to_numpy()
        new[1:] |= np.nan_to_num(np.diff(step_time)) < 0
    return np.cumsum(new)


def read_neware_xlsx(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from the record sheet(s) of a Neware BTSDA ``.xlsx`` export."""
    source = str(path)
    names = sheet_names(path)
    sheets = record_sheets(names, source)
    headers, frame = read_sheets(path, sheets)
    values = sheet_columns(headers, frame, source, sheets[0], keys=MEASUREMENT_KEYS,
                           required=("time", "potential", "current"), names=NAMES, columns=columns)
    extra = {"sheet": ", ".join(sheets)}
    if "cycle" not in values or "step" not in values:
        date_at, kind_at = header_index(headers, ["Date"]), header_index(headers, ["Step Type"])
        found = (_by_step_sheet(path, frame[date_at], None if kind_at is None else frame[kind_at])
                 if date_at is not None and STEP_SHEET in names else None)
        if found is not None and np.all(np.isfinite(found[0])) and np.all(np.isfinite(found[1])):
            values.setdefault("cycle", found[0])
            values.setdefault("step", found[1])
            extra["cycle_step_from"] = "the 'step' sheet (Oneset Date spans)"
        else:
            counted = _by_changes(frame, headers)
            if counted is not None:
                values.setdefault("step", counted)
                extra["cycle_step_from"] = "changes of 'Step Type' and restarts of 'Time' (cycle 1)"
    if "capacity" in values:
        values["capacity"] = signed_like_current(values["capacity"], values["current"])
    return build_measurement(values, source, "neware-xlsx", extra=extra, **meta)
