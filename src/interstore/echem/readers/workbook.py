"""Excel workbooks (``.xlsx``) that cyclers export: finding the record sheet among
several (cycle and step summaries sit beside it) and reading its columns.

The workbook is opened with openpyxl in read-only mode (no formulas evaluated, no
macros); the record sheet's first row of names is its header; columns are chosen by
:func:`.columns.choose_columns` from the vendor's names, so units come from the headers
(``Current/mA``, ``Voltage(V)``) as in text exports.  Cells holding clock times
(``0:01:00``, or Excel times and durations) are converted to seconds.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from pathlib import Path
from typing import Sequence, cast

import numpy as np
import pandas as pd

from ...errors import InputError, ReaderError
from .columns import Column, choose_columns
from .tabular import NameTable, vendor_mapping
from .textfile import load_bytes

_ZIP = b"PK\x03\x04"


def is_xlsx(head: bytes) -> bool:
    """An Office Open XML workbook: a zip archive whose first entries are the package parts."""
    return head.startswith(_ZIP) and (b"[Content_Types].xml" in head or b"xl/" in head)


def sheet_names(path: str | Path) -> list[str]:
    """Names of the sheets of an ``.xlsx`` workbook, in workbook order."""
    book = _open(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _open(path: str | Path):
    import openpyxl

    source = str(path)
    raw = load_bytes(path)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReaderError(source, "an Excel 97-2003 workbook (.xls)",
                          expected="an .xlsx workbook (save as .xlsx in Excel)")
    if not raw.startswith(_ZIP):
        raise ReaderError(source, "not an .xlsx workbook (no zip signature)", expected="an Excel .xlsx export")
    if not zipfile.is_zipfile(path):
        raise ReaderError(source, "damaged .xlsx workbook (incomplete zip archive: truncated?)",
                          expected="a complete .xlsx file")
    try:
        with warnings.catch_warnings():  # openpyxl's notes on vendor styles are not the user's business
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl signals damage with assorted exceptions
        raise ReaderError(source, f"damaged or unsupported workbook ({type(exc).__name__})",
                          expected="an .xlsx workbook that Excel opens") from None


def pick_sheet(names: Sequence[str], patterns: Sequence[str], source: str, what: str) -> str:
    """The first sheet whose name matches one of ``patterns`` (regular expressions, tried in
    order, case-insensitive); none is an error listing the sheets."""
    for pattern in patterns:
        found = next((n for n in names if re.fullmatch(pattern, n.strip(), re.IGNORECASE)), None)
        if found is not None:
            return found
    raise ReaderError(source, f"no {what} sheet among {', '.join(repr(n) for n in names)}",
                      expected=f"a sheet named like {patterns[0]!r}")


def read_sheets(path: str | Path, sheets: Sequence[str]) -> tuple[list[str], pd.DataFrame]:
    """Header (first row) and data rows of one or more sheets with the same header,
    concatenated in the order given (Neware splits long records over ``record``,
    ``record_2`` …).  Empty trailing rows are dropped."""
    book = _open(path)
    source = str(path)
    headers: list[str] | None = None
    parts = []
    try:
        with warnings.catch_warnings():  # openpyxl notes on unknown vendor extensions
            warnings.simplefilter("ignore")
            for name in sheets:
                rows = book[name].iter_rows(values_only=True)
                head = next(rows, None)
                if head is None:
                    raise ReaderError(source, f"sheet '{name}' is empty", expected="a header row and data rows")
                names = ["" if h is None else str(h).strip() for h in head]
                if headers is not None and names != headers:
                    raise ReaderError(source, f"sheet '{name}' has other columns than sheet '{sheets[0]}'",
                                      expected="record sheets with one header")
                headers = names
                frame = pd.DataFrame.from_records(list(rows), columns=range(len(names)))
                parts.append(frame.dropna(how="all"))
    finally:
        book.close()
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(frame) < 2:
        raise ReaderError(source, f"sheet '{sheets[0]}' has {len(frame)} data row(s)", expected="at least 2 data rows")
    return cast(list[str], headers), frame   # set by the first sheet


def _clock_seconds(cells: pd.Series) -> np.ndarray:
    """Seconds of a column of clock cells: durations, times of day (Excel's clock format),
    ``[d days, ]h:mm:ss[.f]`` strings (converted by pandas in one pass) or plain numbers
    of seconds; anything else is NaN."""
    out = np.full(len(cells), np.nan)
    is_text = cells.map(lambda c: isinstance(c, str)).to_numpy(bool)
    if is_text.any():
        text = cells[is_text].str.strip()
        out[is_text] = pd.to_timedelta(text, errors="coerce").dt.total_seconds().to_numpy(float)
    for k in np.flatnonzero(~is_text):
        cell = cells.iloc[k]
        if isinstance(cell, dt.timedelta):
            out[k] = cell.total_seconds()
        elif isinstance(cell, dt.time):
            out[k] = cell.hour * 3600 + cell.minute * 60 + cell.second + cell.microsecond * 1e-6
        elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
            out[k] = float(cell)
    return out


def sheet_columns(headers: Sequence[str], frame: pd.DataFrame, source: str, sheet: str, *, keys: Sequence[str],
                  required: Sequence[str], names: NameTable, columns: dict[str, str] | None,
                  extra: Sequence[Column] = ()) -> dict[str, np.ndarray]:
    """The chosen columns (and ``extra`` ones, see :func:`.tabular.extra_column`) of a
    record sheet in canonical units; a cell that is not a finite number raises
    :class:`InputError` naming the sheet, row and column."""
    sample = ["" if v is None else str(v) for v in frame.iloc[0].tolist()]
    chosen = choose_columns(headers, source, keys=keys, required=required,
                            mapping=vendor_mapping(headers, names, columns, keys), sample=sample)
    chosen.update({col.key: col for col in extra})
    out: dict[str, np.ndarray] = {}
    for key, col in chosen.items():
        cells = frame[col.index]
        clock = col.clock or _is_clock(cells)
        values = _clock_seconds(cells) if clock else pd.to_numeric(cells, errors="coerce").to_numpy(float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            if col.optional:
                continue
            raise ReaderError(source, f"non-numeric or empty cell {str(cells.iloc[bad[0]])[:30]!r} in column "
                                     f"'{col.header}'", where=f"sheet '{sheet}', row {int(frame.index[bad[0]]) + 2}",
                              expected="a number in every row")
        out[key] = values * (1.0 if clock else col.factor)
    return out


def _is_clock(cells: pd.Series) -> bool:
    """Excel wrote the first cell as a time or duration (a clock-formatted column)."""
    return isinstance(cells.iloc[0], (dt.time, dt.timedelta))

