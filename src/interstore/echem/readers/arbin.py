"""Arbin cycler files: MITS Pro ``.res`` databases, and the CSV and Excel exports.

* ``.res`` is a Microsoft Access (Jet) database.  Its ``Channel_Normal_Table`` (one row
  per record: ``Test_Time`` s, ``Voltage`` V, ``Current`` A, ``Cycle_Index``,
  ``Step_Index``, ``Step_Time`` s, ``Charge_Capacity`` / ``Discharge_Capacity`` Ah, ``Data_Point``) is
  exported with ``mdb-export`` from mdbtools (Debian package ``mdbtools``), the tool
  galvani's ``res2sqlite`` and cellpy's Arbin loader use as well.
* CSV exports (``Data Point,Date Time,Test Time (s),Step Time (s),Cycle Index,Step
  Index,Current (A),Voltage (V),…,Charge Capacity (Ah),Discharge Capacity (Ah),…``) and
  ``.xlsx`` exports (record sheets ``Channel_11_1``, ``Channel_11_2`` … or ``Channel_1-006``
  beside ``Global_Info`` and ``Statistics_…``; headers ``Test_Time(s)``, ``Current(A)`` …)
  carry the same columns with units in the headers.

Arbin writes the current signed, charge positive.  Its charge and discharge capacities
count up from the start of each cycle, so ``capacity_mAh`` = (charge − discharge
capacity) · 1000 is the net charge since the cycle began.  A database holding several
tests (``Test_ID``) is refused: export each test on its own.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import InputError, ReaderError
from ..record import Measurement
from .columns import MEASUREMENT_KEYS, build_measurement
from .tabular import extra_column, read_table_at
from .textfile import load_bytes, open_text, read_head, split_fields
from .workbook import is_xlsx, pick_sheet, read_sheets, sheet_columns, sheet_names

JET_SIGNATURES = (b"Standard Jet DB", b"Standard ACE DB")
RECORD_TABLE = "Channel_Normal_Table"
RECORD_SHEETS = (r"Channel_\d.*", r"Channel.*")
CHARGE = ("Charge Capacity (Ah)", "Charge_Capacity(Ah)", "Charge_Capacity (Ah)", "Charge Capacity(Ah)")
DISCHARGE = ("Discharge Capacity (Ah)", "Discharge_Capacity(Ah)", "Discharge_Capacity (Ah)",
             "Discharge Capacity(Ah)")
NAMES: dict[str, tuple[str, ...]] = {}  # the generic names (Test Time, Current, Voltage, Cycle/Step Index) suffice
_KEYS = tuple(k for k in MEASUREMENT_KEYS if k != "capacity")
_REQUIRED = ("time", "potential", "current")


def sniff_res(head: bytes) -> bool:
    """An Access database: ``Standard Jet DB`` (or ``ACE``) at byte 4."""
    return head[4:19] in JET_SIGNATURES


def sniff_csv(head: bytes) -> bool:
    """An Arbin CSV export: the first line starts ``Data Point`` / ``Data_Point`` and names
    the test time and step index."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("latin-1").lower().replace("_", " ")
    return first.startswith("data point,") and "test time" in first and "step index" in first


def read_arbin(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from an Arbin ``.res`` database, ``.xlsx`` or CSV export
    (told apart by content)."""
    head = read_head(path)
    if sniff_res(head):
        return read_res(path, columns=columns, **meta)
    if is_xlsx(head):
        return read_arbin_xlsx(path, columns=columns, **meta)
    return read_arbin_csv(path, columns=columns, **meta)


def _net_capacity(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``capacity`` = charge − discharge capacity (mAh) when both were read."""
    if "charge" in values and "discharge" in values:
        values["capacity"] = values.pop("charge") - values.pop("discharge")
    return values


def read_arbin_csv(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from an Arbin CSV export."""
    export = open_text(path)
    headers = split_fields(export.lines[0], ",")
    found = [extra_column(headers, key, names, "capacity", export.source)
             for key, names in (("charge", CHARGE), ("discharge", DISCHARGE))]
    pair = [c for c in found if c is not None] if all(found) else []
    values = read_table_at(export, 0, sep=",", keys=_KEYS if pair else MEASUREMENT_KEYS, required=_REQUIRED,
                           names=NAMES, columns=columns, extra=pair)
    return build_measurement(_net_capacity(values), export.source, "arbin", **meta)


def read_arbin_xlsx(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from the ``Channel…`` record sheets of an Arbin ``.xlsx`` export
    (a long test continues over ``Channel_11_1``, ``Channel_11_2`` …; ``Channel_Chart`` is a chart)."""
    source = str(path)
    names = sheet_names(path)
    sheets = [n for n in names
              if re.fullmatch(RECORD_SHEETS[1], n.strip(), re.IGNORECASE) and "chart" not in n.lower()]
    sheets = sheets or [pick_sheet(names, RECORD_SHEETS, source, "Arbin channel record")]
    headers, frame = read_sheets(path, sheets)
    sheet = ", ".join(sheets)
    found = [extra_column(headers, key, names, "capacity", source)
             for key, names in (("charge", CHARGE), ("discharge", DISCHARGE))]
    pair = [c for c in found if c is not None] if all(found) else []
    values = sheet_columns(headers, frame, source, sheet, keys=_KEYS if pair else MEASUREMENT_KEYS,
                           required=_REQUIRED, names=NAMES, columns=columns, extra=pair)
    return build_measurement(_net_capacity(values), source, "arbin", extra={"sheet": sheet}, **meta)


def export_table(path: str | Path, table: str) -> pd.DataFrame:
    """One table of an Access database as a DataFrame, through ``mdb-export``."""
    source = str(path)
    load_bytes(path)  # missing / empty / folder: the precise error
    tool = shutil.which("mdb-export")
    if tool is None:
        raise ReaderError(source, "reading Arbin .res files needs mdbtools' mdb-export, which is not installed",
                          expected="mdbtools (Debian/Ubuntu: apt-get install mdbtools; macOS: brew install mdbtools)")
    run = subprocess.run([tool, str(path), table], capture_output=True, timeout=3600, check=False)
    if run.returncode != 0 or not run.stdout.strip():
        message = " ".join(run.stderr.decode("latin-1").split())[:120] or "no rows"
        raise ReaderError(source, f"mdb-export could not read table {table} ({message})",
                          expected="an Arbin .res database (MITS Pro 4-7)")
    return pd.read_csv(io.BytesIO(run.stdout), engine="c")


def read_res(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from the ``Channel_Normal_Table`` of an Arbin ``.res`` file."""
    source = str(path)
    if columns:
        raise InputError("option --columns", "does not apply to Arbin .res databases (their columns are fixed)",
                         expected="no --columns for .res")
    if not sniff_res(read_head(path)):
        raise ReaderError(source, "no Access database signature ('Standard Jet DB') at byte 4",
                          expected="an Arbin .res file (MITS Pro 4-7)")
    table = export_table(path, RECORD_TABLE)
    needed = ["Test_ID", "Data_Point", "Test_Time", "Voltage", "Current", "Cycle_Index", "Step_Index"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ReaderError(source, f"{RECORD_TABLE} has no column(s) {', '.join(missing)}",
                          expected="an Arbin .res file (MITS Pro 4-7)")
    tests = table["Test_ID"].unique()
    if len(tests) > 1:
        raise ReaderError(source, f"the database holds {len(tests)} tests (Test_ID {', '.join(map(str, tests[:5]))})",
                          expected="one test per file (export each test from MITS Pro)")
    table = table.sort_values("Data_Point", kind="stable")
    values = {
        "time": table["Test_Time"].to_numpy(float),
        "potential": table["Voltage"].to_numpy(float),
        "current": table["Current"].to_numpy(float),
        "cycle": table["Cycle_Index"].to_numpy(float),
        "step": table["Step_Index"].to_numpy(float),
    }
    if "Step_Time" in table.columns:
        values["step_time"] = table["Step_Time"].to_numpy(float)
    if {"Charge_Capacity", "Discharge_Capacity"} <= set(table.columns):
        values["capacity"] = (table["Charge_Capacity"].to_numpy(float)
                              - table["Discharge_Capacity"].to_numpy(float)) * 1e3
    return build_measurement(values, source, "arbin", technique="Arbin MITS Pro (.res)", **meta)
