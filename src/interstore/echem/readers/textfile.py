"""Text exports: loading a file safely and parsing its numeric table with pandas,
reporting bad cells by file line number.

Every loop here is bounded by the number of lines in the file; nothing waits
on input, so a damaged file gives an :class:`InputError`, never a hang.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ...errors import InputError
from ...inputs import check_input_file, refuse_binary
from ...outputs import note_input
from .columns import Column
from .units import known_unit

_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")
_SNIFF_BYTES = 8192


def _check(p: Path) -> None:
    """Missing, folder, empty and oversized files raise :class:`InputError` (nothing is read)."""
    if not p.exists():
        raise InputError(p, "file not found", expected="an existing instrument file")
    if not p.is_file():
        raise InputError(p, "not a regular file", expected="an instrument data file")
    check_input_file(p, what="an instrument export with a header and data rows")
    note_input(p)


def load_bytes(path: str | Path) -> bytes:
    """File contents; missing, folder, empty and oversized files raise :class:`InputError`."""
    p = Path(path)
    _check(p)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot be read ({exc.strerror})", expected="a readable file") from None
    if not raw.strip():
        raise InputError(p, "file is empty", expected="an instrument export with a header and data rows")
    return raw


def read_head(path: str | Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes (for recognising a format); missing, empty or oversized files raise."""
    p = Path(path)
    _check(p)
    with open(p, "rb") as fh:
        return fh.read(size)


@dataclass(frozen=True)
class TextExport:
    """A text export: its bytes, its first lines decoded, and the byte offset where each
    of those lines starts (``starts`` has one more entry: where the next line starts)."""

    source: str
    raw: bytes
    lines: list[str]
    starts: list[int]


def open_text(path: str | Path, head_lines: int | None = 2000) -> TextExport:
    """Open a text export and decode its first ``head_lines`` lines (all with ``None``):
    UTF-8 when the head is valid UTF-8, else Latin-1 as EC-Lab writes.  Binary content raises.
    The data rows stay bytes and go to pandas without copies (see :func:`read_columns`)."""
    refuse_binary(path, read_head(path, _SNIFF_BYTES),  # before reading a 2 GiB file of zeros whole
                  expected="a text file (or the instrument's binary format with its own extension)")
    raw = load_bytes(path)
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    line_starts = np.concatenate([[bom], np.flatnonzero(np.frombuffer(raw, np.uint8) == 10) + 1])
    n_lines = len(line_starts) - (line_starts[-1] == len(raw))
    n = n_lines if head_lines is None else min(head_lines, n_lines)
    starts = [int(x) for x in line_starts[:n + 1]] + ([len(raw)] if n == len(line_starts) else [])
    head = raw[bom:starts[n]]
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        decoded = head.decode("latin-1")
    text = [line.rstrip("\r") for line in decoded.split("\n")[:n]]
    return TextExport(str(path), raw, text, starts)


def is_number(token: str) -> bool:
    """True for ``'1.5'``, ``'-2,0E-03'`` (decimal comma) and the like."""
    return bool(_NUMBER.match(token.strip()))


def split_fields(line: str, sep: str) -> list[str]:
    """Fields of one line, stripped."""
    return [f.strip() for f in line.split(sep)]


def sniff_separator(header: str, sample: str) -> str | None:
    """Tab, semicolon or comma: the one that splits header and first data row alike (else ``None``)."""
    present = [sep for sep in ("\t", ";", ",") if sep in header]
    same = [sep for sep in present if len(split_fields(header, sep)) == len(split_fields(sample, sep))]
    return (same or present or [None])[0]


def _units_row(fields: list[str]) -> bool:
    """A row of units under the header (``s, V, mA`` …): every field blank, ``#`` or a known unit."""
    return any(known_unit(f) for f in fields if f) and all(not f or f == "#" or known_unit(f) for f in fields)


def find_header(lines: Sequence[str], source: str, *, max_lines: int = 500) -> tuple[int, str, list[str] | None]:
    """Index and separator of the first row of names followed by a row of mostly numbers,
    and the units row between them when there is one (Origin-style ``time,E,I`` / ``s,V,mA``).
    Field counts are checked later, row by row, by :func:`read_columns`."""
    stop = min(len(lines) - 1, max_lines)
    for i in range(stop):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        sep = sniff_separator(line, lines[i + 1])
        if sep is None:
            continue
        head, units = split_fields(line, sep), split_fields(lines[i + 1], sep)
        has_units = len(units) == len(head) and _units_row(units) and i + 2 < len(lines)
        data = split_fields(lines[i + 2 if has_units else i + 1], sep)
        numeric = sum(is_number(d) for d in data)
        if len(head) >= 2 and numeric >= max(2, len(data) / 2) and sum(is_number(h) for h in head) < len(head) / 2:
            return i, sep, units if has_units else None
    raise InputError(source, "no header row followed by numeric data rows", where=f"lines 1-{stop + 1}",
                     expected="a table: one header row of column names (with units), then numeric rows")


def sniff_decimal(sample: str, sep: str) -> str:
    """``','`` when numbers use a decimal comma (EC-Lab in many locales), else ``'.'``."""
    if sep == ",":
        return "."
    return "," if re.search(r"\d,\d", sample) and not re.search(r"\d\.\d", sample) else "."


def _data_extent(export: TextExport, first: int, stop: int | None) -> tuple[int, int, int, int]:
    """Byte start of the data (line ``first``), byte span of the last non-blank data line
    and the number of data rows, trailing blank lines dropped.  ``stop`` is the index of
    the line after the table (``None``: the end of the file).  Each pass of the loop
    moves ``end`` back by one line, so it ends."""
    raw = export.raw
    start = export.starts[min(first, len(export.starts) - 1)]
    end = len(raw) if stop is None else export.starts[stop]
    while end > start:
        body_end = end - 1 if raw[end - 1:end] == b"\n" else end
        last = max(raw.rfind(b"\n", start, body_end) + 1, start)
        if raw[last:body_end].strip():
            return start, last, body_end, raw.count(b"\n", start, last) + 1
        end = last
    return start, start, start, 0


def read_columns(export: TextExport, first: int, columns: dict[str, Column], *, sep: str, decimal: str,
                 n_fields: int, stop: int | None = None) -> dict[str, np.ndarray]:
    """Parse the data rows from line index ``first`` (to ``stop`` or the end of the file)
    with pandas' C parser and return each chosen column in canonical units (value·factor).

    A row with more fields than the header, an incomplete last row, an empty row or a
    non-numeric cell raises :class:`InputError` with the file line number."""
    source = export.source
    start, last, last_end, n_rows = _data_extent(export, first, stop)
    if n_rows < 2:
        raise InputError(source, f"only {n_rows} data row(s) after the header", where=f"line {first + 1}",
                         expected="at least 2 data rows")
    first_row = split_fields(export.raw[start:export.raw.find(b"\n", start)].decode("latin-1"), sep)
    if len(first_row) > n_fields:  # pandas would drop the extra fields of a first row silently
        if any(first_row[n_fields:]):
            raise InputError(source, f"row has {len(first_row)} fields where the header has {n_fields}",
                             where=f"line {first + 1}", expected="the same number of fields in every row")
        n_fields = len(first_row)  # empty trailing fields (a separator at the end of each row)
    last_row = export.raw[last:last_end].decode("latin-1")
    if len(split_fields(last_row, sep)) < len(first_row):
        raise InputError(source, "last data row is incomplete (file truncated?)",
                         where=f"line {first + n_rows}", expected="complete rows")
    stream = io.BytesIO(export.raw)
    stream.seek(start)
    try:
        frame = pd.read_csv(stream, sep=sep, header=None, names=range(n_fields), nrows=n_rows, decimal=decimal,
                            skip_blank_lines=False, index_col=False, engine="c", encoding="latin-1")
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        where = f"line {first + int(m.group(1))}" if m else None
        raise InputError(source, f"row has {m.group(2) if m else 'more'} fields where the header has {n_fields}",
                         where=where, expected="the same number of fields in every row") from None
    out: dict[str, np.ndarray] = {}
    for key, col in columns.items():
        cells = frame[col.index]
        if col.clock:
            values = pd.to_timedelta(cells.astype(str).str.strip(), errors="coerce").dt.total_seconds().to_numpy(float)
        else:
            if not pd.api.types.is_numeric_dtype(cells):  # text somewhere in the column (or a decimal comma)
                cells = cells.astype(str).str.strip().str.replace(decimal, ".", regex=False)
                if col.optional and not is_number(str(cells.iloc[0])):
                    continue  # a column of words under a name like 'Step': not the step index
            values = pd.to_numeric(cells, errors="coerce").to_numpy(float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            cell = cells.iloc[int(bad[0])]
            text = "" if pd.isna(cell) else str(cell).strip()
            if text.lower() in ("", "nan"):
                problem = f"empty, missing or NaN value in column '{col.header}'"
            elif text.lower().lstrip("+-") in ("inf", "infinity") or is_number(text):  # 'inf', '1e400'
                problem = f"infinite or out-of-range value {text[:30]!r} in column '{col.header}'"
            else:
                problem = f"non-numeric value {text[:30]!r} in column '{col.header}'"
            raise InputError(source, problem, where=f"line {first + 1 + int(bad[0])}",
                             expected="a finite number in every row")
        out[key] = values * col.factor
    return out
