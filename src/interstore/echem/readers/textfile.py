"""Text exports: loading a file safely and parsing its numeric table with pandas,
reporting bad cells by file line number.

Every loop here is bounded by the number of lines in the file; nothing waits
on input, so a damaged file gives an :class:`InputError`, never a hang.
"""

from __future__ import annotations

import io
import re
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, ReaderError
from ...inputs import CODEC_NAMES, FALLBACK_CODECS, check_input_file, guess_codec, refuse_binary
from ...outputs import note_input
from .columns import Column
from .units import known_unit

_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")
_SNIFF_BYTES = 8192
_BLOCK = 1 << 18
# {source: encoding name} of the text files decoded inside :func:`noting_encodings`
_DECODED: ContextVar[dict[str, str] | None] = ContextVar("decoded_text", default=None)


@contextmanager
def noting_encodings() -> Iterator[dict[str, str]]:
    """Collect, for each text file read inside the block, the encoding its text was decoded
    with (``{source: "UTF-8" | "Windows-1252" | "Latin-1"}``): the reader registry puts it in
    the record's metadata without every reader passing it along."""
    found: dict[str, str] = {}
    token = _DECODED.set(found)
    try:
        yield found
    finally:
        _DECODED.reset(token)


def _note_encoding(source: str, codec: str) -> None:
    found = _DECODED.get()
    if found is not None:
        found[source] = CODEC_NAMES[codec]


def _check(p: Path) -> None:
    """Missing, folder, empty and oversized files raise :class:`InputError` (nothing is read)."""
    if not p.exists():
        raise ReaderError(p, "file not found", expected="an existing instrument file")
    if not p.is_file():
        raise ReaderError(p, "not a regular file", expected="an instrument data file")
    check_input_file(p, what="an instrument export with a header and data rows")
    note_input(p)


def load_bytes(path: str | Path) -> bytes:
    """File contents; missing, folder, empty and oversized files raise :class:`InputError`."""
    p = Path(path)
    _check(p)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ReaderError(p, f"cannot be read ({exc.strerror})", expected="a readable file") from None
    if not raw or raw.isspace():  # no stripped copy of a large file
        raise ReaderError(p, "file is empty", expected="an instrument export with a header and data rows")
    return raw


def binary(head: bytes) -> bool:
    """NUL bytes or more than 1 % control characters in the first bytes: not a text export."""
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return b"\x00" in head or controls > 0.01 * len(head)


def read_head(path: str | Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes (for recognising a format); missing, empty or oversized files raise."""
    p = Path(path)
    _check(p)
    with open(p, "rb") as fh:
        return fh.read(size)


@dataclass(frozen=True)
class TextExport:
    """A text export: the bytes read so far (the whole file when ``complete``, else its
    first lines), those lines decoded, and the byte offset where each of them starts
    (``starts`` has one more entry: where the next line starts).  The data rows of a large
    file are never held as bytes: pandas streams them from ``path`` (:func:`read_columns`).
    ``encoding`` is the codec the lines were decoded with (see :func:`~interstore.inputs.guess_codec`)."""

    source: str
    raw: bytes
    lines: list[str]
    starts: list[int]
    path: Path
    complete: bool = True
    encoding: str = "utf-8"


def _read_lines(p: Path, head_lines: int | None) -> tuple[bytes, bool]:
    """The first ``head_lines`` complete lines of ``p`` (at least; all with ``None``) and
    whether that is the whole file.  Reads 256 KiB blocks: bounded by the file size."""
    with open(p, "rb") as fh:
        if head_lines is None:
            return fh.read(), True
        chunks: list[bytes] = []
        newlines = 0
        while newlines <= head_lines:
            block = fh.read(_BLOCK)
            if not block:
                return b"".join(chunks), True
            chunks.append(block)
            newlines += block.count(b"\n")
        return b"".join(chunks), fh.read(1) == b""


def open_text(path: str | Path, head_lines: int | None = 2000) -> TextExport:
    """Open a text export and decode its first ``head_lines`` lines (all with ``None``):
    UTF-8 when the head is valid UTF-8, else Windows-1252 (EC-Lab on Windows writes ``°C``
    and ``µ`` so), else Latin-1.  Binary content raises.  Only the head is read here; the
    data rows go from the file to pandas (see :func:`read_columns`), which falls back from
    UTF-8 the same way when a later row is not UTF-8."""
    p = Path(path)
    refuse_binary(p, read_head(p, _SNIFF_BYTES),  # missing, folder, empty or binary: before reading lines
                  expected="a text file (or the instrument's binary format with its own extension)")
    try:
        raw, complete = _read_lines(p, head_lines)
    except OSError as exc:
        raise ReaderError(p, f"cannot be read ({exc.strerror})", expected="a readable file") from None
    if complete and raw.isspace():
        raise ReaderError(p, "file is empty", expected="an instrument export with a header and data rows")
    if binary(raw[:_SNIFF_BYTES]):
        raise ReaderError(path, "binary content where a text export was expected",
                          expected="a text file (or the instrument's binary format with its own extension)")
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    line_starts = np.concatenate([[bom], np.flatnonzero(np.frombuffer(raw, np.uint8) == 10) + 1])
    n_lines = len(line_starts) - (line_starts[-1] == len(raw)) if complete else len(line_starts) - 1
    n = n_lines if head_lines is None else min(head_lines, n_lines)
    starts = [int(x) for x in line_starts[:n + 1]] + ([len(raw)] if n == len(line_starts) else [])
    head = raw[bom:starts[n]]
    codec, _ = guess_codec(head)
    text = [line.rstrip("\r") for line in head.decode(codec).split("\n")[:n]]
    _note_encoding(str(path), codec)
    return TextExport(str(path), raw, text, starts, p, complete, codec)


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
    return next(iter(same or present), None)


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
    raise ReaderError(source, "no header row followed by numeric data rows", where=f"lines 1-{stop + 1}",
                      expected="a table: one header row of column names (with units), then numeric rows")


def sniff_decimal(sample: str, sep: str) -> str:
    """``','`` when numbers use a decimal comma (EC-Lab in many locales), else ``'.'``."""
    if sep == ",":
        return "."
    return "," if re.search(r"\d,\d", sample) and not re.search(r"\d\.\d", sample) else "."


def _data_extent(export: TextExport, first: int, stop: int | None) -> tuple[int, int | None, int, bytes]:
    """Byte start of the data (line ``first``), the number of data rows (``None`` for a file
    read only in part: pandas counts them), the number of blank lines after the last data
    row and that row's bytes.  ``stop`` is the index of the line after the table (``None``:
    the end of the file).  A file read in part is looked at only in its head and its tail,
    never counted line by line.  Each pass of the loop moves ``end`` back by one line, so it ends."""
    start = export.starts[min(first, len(export.starts) - 1)]
    if export.complete or stop is not None:
        buf, offset = export.raw, 0
        end = len(buf) if stop is None else export.starts[stop]
    else:
        size = export.path.stat().st_size
        offset = max(start, size - _BLOCK)
        with open(export.path, "rb") as fh:
            fh.seek(offset)
            buf = fh.read()
        end = offset + len(buf)
    file_end = end
    while end > start:
        body_end = end - 1 if buf[end - 1 - offset:end - offset] == b"\n" else end
        last = max(buf.rfind(b"\n", max(start, offset) - offset, body_end - offset) + 1 + offset, start)
        if last == offset and offset > start:  # a blank tail longer than one block: read it all
            return _data_extent(replace(export, raw=export.path.read_bytes(), complete=True), first, stop)
        if buf[last - offset:body_end - offset].strip():
            after = buf[body_end - offset + 1:file_end - offset]
            trailing = after.count(b"\n") + (1 if after and not after.endswith(b"\n") else 0)
            rows = buf.count(b"\n", start - offset, last - offset) + 1 if offset == 0 else None
            return start, rows, trailing, buf[last - offset:body_end - offset]
        end = last
    return start, 0, 0, b""


def _skippable(lines_before: bytes) -> bool:
    """Whether pandas' ``skiprows=N`` skips exactly these lines: no quote (pandas honours
    quotes in skipped lines, so one could swallow line breaks) and no lone CR (a line
    break to pandas, not to :func:`open_text`)."""
    return b'"' not in lines_before and re.search(rb"\r(?!\n)", lines_before) is None


def _parse_rows(export: TextExport, first: int, start: int, options: dict) -> pd.DataFrame:
    """pandas' C parser on the rows from line ``first`` (byte ``start``) on.  A large file
    whose head pandas would skip as interstore counts it is given to pandas by path (pandas
    reads a large UTF-8 file in parallel then, and skipped lines are not decoded); otherwise
    a stream positioned at ``start``."""
    with warnings.catch_warnings():  # mixed types in a column: read_columns names the bad cell itself
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)
        if not export.complete and _skippable(export.raw[:start]):
            return pd.read_csv(export.path, skiprows=first, **options)
        with (io.BytesIO(export.raw) if export.complete else open(export.path, "rb")) as stream:
            stream.seek(start)
            return pd.read_csv(stream, **options)


def read_columns(export: TextExport, first: int, columns: dict[str, Column], *, sep: str, decimal: str,
                 n_fields: int, stop: int | None = None) -> dict[str, np.ndarray]:
    """Parse the data rows from line index ``first`` (to ``stop`` or the end of the file)
    with pandas' C parser and return each chosen column in canonical units (value·factor).

    A row with more fields than the header, an incomplete last row, an empty row or a
    non-numeric cell raises :class:`InputError` with the file line number."""
    source = export.source
    start, n_rows, trailing, last_bytes = _data_extent(export, first, stop)
    if n_rows is not None and n_rows < 2:
        raise ReaderError(source, f"only {n_rows} data row(s) after the header", where=f"line {first + 1}",
                          expected="at least 2 data rows")
    first_row = split_fields(export.raw[start:export.raw.find(b"\n", start)].decode("latin-1"), sep)
    if len(first_row) > n_fields:  # pandas would drop the extra fields of a first row silently
        if any(first_row[n_fields:]):
            raise ReaderError(source, f"row has {len(first_row)} fields where the header has {n_fields}",
                              where=f"line {first + 1}", expected="the same number of fields in every row")
        n_fields = len(first_row)  # empty trailing fields (a separator at the end of each row)
    # all columns: with usecols pandas would drop the extra fields of a bad row silently.
    # The rows are decoded as UTF-8 first, in pandas' C parser, whatever the head's encoding:
    # rows of ASCII numbers (the rule) read the same in all three encodings.  Decoding is strict:
    # a row that is not UTF-8 (a Windows-1252 '°C' in a text cell) makes pandas raise and the rows
    # are parsed again as Windows-1252, else Latin-1, so no byte becomes U+FFFD.
    options = dict(sep=sep, header=None, names=range(n_fields), nrows=n_rows, decimal=decimal,
                   skip_blank_lines=False, index_col=False, engine="c", encoding_errors="strict")
    head_codec = export.encoding
    fallbacks = FALLBACK_CODECS[FALLBACK_CODECS.index(head_codec) if head_codec in FALLBACK_CODECS else 0:]
    try:
        *tried, last = ("utf-8", *fallbacks)  # Latin-1, the last, decodes every byte
        for codec in tried:
            try:
                frame = _parse_rows(export, first, start, dict(options, encoding=codec))
                break
            except UnicodeDecodeError:
                continue
        else:
            codec = last
            frame = _parse_rows(export, first, start, dict(options, encoding=codec))
        _note_encoding(source, head_codec if codec == "utf-8" else codec)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        where = f"line {first + int(m.group(1))}" if m else None
        raise ReaderError(source, f"row has {m.group(2) if m else 'more'} fields where the header has {n_fields}",
                          where=where, expected="the same number of fields in every row") from None
    if n_rows is None:  # the blank lines after the last row are rows of NaN to pandas: cut them off
        n_rows = len(frame) - trailing
        frame = frame.iloc[:n_rows]
        if n_rows < 2:
            raise ReaderError(source, f"only {n_rows} data row(s) after the header", where=f"line {first + 1}",
                              expected="at least 2 data rows")
    if len(split_fields(last_bytes.decode("latin-1"), sep)) < len(first_row):
        raise ReaderError(source, "last data row is incomplete (file truncated?)",
                          where=f"line {first + n_rows}", expected="complete rows")
    out: dict[str, np.ndarray] = {}
    for key, col in columns.items():
        cells = frame[col.index]
        if col.clock:
            values = pd.to_timedelta(cells.astype(str).str.strip(), errors="coerce").dt.total_seconds().to_numpy(float)
        elif pd.api.types.is_numeric_dtype(cells):
            values = cells.to_numpy()  # a view of pandas' parse
        else:  # text somewhere in the column (or a decimal comma)
            cells = cells.astype(str).str.strip().str.replace(decimal, ".", regex=False)
            if col.optional and not is_number(str(cells.iloc[0])):
                continue  # a column of words under a name like 'Step': not the step index
            values = pd.to_numeric(cells, errors="coerce").to_numpy(float)
        if not np.isfinite([values.min(), values.max()]).all():  # NaN carries through min and max
            raise _bad_cell(source, col, cells, values, first)
        # one pass: a contiguous float64 copy in canonical units, so the record does not keep
        # pandas' parse of every column of the file alive
        out[key] = np.multiply(values, col.factor, dtype=float)
    return out


def _bad_cell(source: str, col: Column, cells: pd.Series, values: np.ndarray, first: int) -> ReaderError:
    """The error for the first cell of ``col`` that is not a finite number, with its line."""
    bad = int(np.argmin(np.isfinite(values)))
    cell = cells.iloc[bad]
    text = "" if pd.isna(cell) else str(cell).strip()
    if text.lower() in ("", "nan"):
        problem = f"empty, missing or NaN value in column '{col.header}'"
    elif text.lower().lstrip("+-") in ("inf", "infinity") or is_number(text):  # 'inf', '1e400'
        problem = f"infinite or out-of-range value {text[:30]!r} in column '{col.header}'"
    else:
        problem = f"non-numeric value {text[:30]!r} in column '{col.header}'"
    return ReaderError(source, problem, where=f"line {first + 1 + bad}", expected="a finite number in every row")
