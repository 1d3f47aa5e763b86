"""LAND (Wuhan LAND / LANHE CT2001, CT3001) cycler Excel exports (``.xlsx``).

LANDdt / LANHE software export several sheets: ``Cycle-Tab`` (per-cycle charge and
discharge capacity), ``Step-Tab`` (per step) and ``Record-Tab``, the record of every
data point, which is the one read (its name is kept in ``extra['sheet']``).  Record
columns: ``TestTime/Sec``, ``Current/mA`` (signed, discharge negative), ``Voltage/V``,
``Capacity/mAh`` (charge passed in the step, unsigned), ``Cycle-Index``, ``Step-Index``,
``Step-State`` (``R``, ``RateC``, ``RateD`` …); the Chinese export names
(``测试时间/Sec``, ``电流/mA``, ``电压/V``, ``容量/mAh``, ``循环序号``, ``工步序号``) are
recognised as well, and the unit-less ``测试时间`` / ``步骤时间`` of other Chinese exports when
their cells are clock times.  The step time (``StepTime/Sec``, ``步骤时间/Sec``, ``步骤时间``)
becomes ``step_time_s`` through the generic names of :mod:`.columns`.  ``capacity_mAh`` is the step capacity signed like the current
(:func:`.tabular.signed_like_current`).

Text exports (``.txt``) hold the same record columns tab-separated under a one-line header, in
UTF-8 or, from the Chinese software, GBK (read with ``encoding='gbk'`` by users' converters, e.g.
GitHub Fredalively/libdada ``naming_standard.py``); the header is decoded as UTF-8, else GB18030
(a superset of GBK), and the numeric cells are ASCII either way.
"""

from __future__ import annotations

from pathlib import Path

from ..record import Measurement
from .columns import MEASUREMENT_KEYS, build_measurement
from .tabular import read_table_at, signed_like_current
from .textfile import open_text, split_fields
from .workbook import is_xlsx, pick_sheet, read_sheets, sheet_columns, sheet_names

RECORD_SHEETS = (r"Record-Tab", r"Record", r"记录层", r"Record.*", r"记录.*")
NAMES = {
    "time": ("TestTime/Sec", "TestTime/s", "TestTime/h", "测试时间/Sec", "测试时间/s",
             "测试时间"),  # unit-less: only as clock cells (Excel durations or h:mm:ss); a bare number is refused
    "potential": ("Voltage/V", "电压/V"),
    "current": ("Current/mA", "Current/A", "Current/uA", "电流/mA", "电流/A"),
    "cycle": ("Cycle-Index", "Cycle", "循环序号", "循环号"),
    "step": ("Step-Index", "Step", "工步序号", "工步号"),
    "capacity": ("Capacity/mAh", "Capacity/Ah", "Capacity/uAh", "容量/mAh", "容量/Ah"),
}


def sniff(head: bytes) -> bool:
    """Only the workbook signature can be seen in the first bytes: the record sheet is
    found when the file is read (``.xlsx`` files reach here by extension or ``--instrument``)."""
    return is_xlsx(head)


def read_landt(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from the record sheet of a LAND/LANHE ``.xlsx`` export."""
    source = str(path)
    sheet = pick_sheet(sheet_names(path), RECORD_SHEETS, source, "LAND record")
    headers, frame = read_sheets(path, [sheet])
    values = sheet_columns(headers, frame, source, sheet, keys=MEASUREMENT_KEYS,
                           required=("time", "potential", "current"), names=NAMES, columns=columns)
    if "capacity" in values:
        values["capacity"] = signed_like_current(values["capacity"], values["current"])
    return build_measurement(values, source, "landt", extra={"sheet": sheet}, **meta)


def _header_fields(line: bytes) -> list[str] | None:
    """Tab-separated fields of a header line decoded as UTF-8, else GB18030; ``None`` if neither."""
    line = line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
    for encoding in ("utf-8", "gb18030"):
        try:
            return split_fields(line.decode(encoding), "\t")
        except UnicodeDecodeError:
            continue
    return None


def sniff_text(head: bytes) -> bool:
    """A tab-separated first line holding a LAND time name and a LAND voltage name (see :data:`NAMES`)."""
    first = head.split(b"\n", 1)[0]
    fields = _header_fields(first) if b"\t" in first else None
    return fields is not None and any(n in fields for n in NAMES["time"]) and any(
        n in fields for n in NAMES["potential"])


def read_landt_text(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a LAND/LANHE tab-separated text export (UTF-8 or GBK header)."""
    export = open_text(path)
    headers = _header_fields(export.raw[export.starts[0]:export.starts[1]]) or export.lines[0].split("\t")
    values = read_table_at(export, 0, sep="\t", keys=MEASUREMENT_KEYS, required=("time", "potential", "current"),
                           names=NAMES, columns=columns, headers=headers)
    if "capacity" in values:
        values["capacity"] = signed_like_current(values["capacity"], values["current"])
    return build_measurement(values, export.source, "landt", **meta)
