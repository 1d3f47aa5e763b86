"""Delimited exports: Scopus CSV and Web of Science tab-delimited.

Both are one record per row with a header naming the fields; keywords are
'; '-separated inside one cell.  Parsed with :mod:`csv` so that quoted cells
may hold commas and line breaks and every row keeps its file line number.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .records import Record, publication_year, split_keywords


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class TableDialect:
    """Column names and delimiter of one delimited export format."""

    name: str
    delimiter: str
    title: str
    doi: str
    author_keywords: str
    index_keywords: str
    year: str
    quoting: int

    @property
    def expected(self) -> str:
        sep = "tab" if self.delimiter == "\t" else repr(self.delimiter)
        return (f"{self.name}: a {sep}-delimited header with '{self.title}' and "
                f"'{self.author_keywords}' or '{self.index_keywords}'")


SCOPUS = TableDialect("Scopus CSV", ",", "Title", "DOI", "Author Keywords", "Index Keywords", "Year",
                      csv.QUOTE_MINIMAL)
WOS_TAB = TableDialect("Web of Science tab-delimited", "\t", "TI", "DI", "DE", "ID", "PY", csv.QUOTE_NONE)


def _cell(row: list[str], index: dict[str, int], name: str) -> str:
    i = index.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def read_table(text: str, source: str | Path, dialect: TableDialect) -> tuple[list[Record], int]:
    """Records of a delimited export and the number of ragged rows (more fields than the header).

    Columns are taken by their position in the header, so a row with extra,
    header-less fields after them (Scopus writes one in the funding block of
    some exports) is read as it is; a row too short to reach the keyword
    columns or a malformed quote raises :class:`InputError`."""
    # physical lines (\r\n, \r or \n) taken from the text one at a time, never all held as a list
    lines = (m.group(0) for m in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=dialect.delimiter, quoting=dialect.quoting, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(source, "no header row", where="line 1", expected=dialect.name) from None
    except csv.Error as exc:
        raise InputError(source, f"unreadable header ({exc})", where="line 1", expected=dialect.name) from None
    keyword_cols = [c for c in (dialect.author_keywords, dialect.index_keywords) if c in header]
    missing = ([dialect.title] if dialect.title not in header else []) + (
        [] if keyword_cols else [f"{dialect.author_keywords}' or '{dialect.index_keywords}"])
    if missing:
        hint = " (only one column: wrong delimiter?)" if len(header) == 1 else ""
        names = "', '".join(missing)
        raise InputError(source, f"header lacks column '{names}'{hint}",
                         where="line 1", expected=dialect.expected)
    index = {name: header.index(name) for name in header if name}
    needed = max(index[c] for c in keyword_cols)
    records: list[Record] = []
    ragged = 0
    line = reader.line_num + 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                line = reader.line_num + 1
                continue
            if len(row) <= needed:
                raise InputError(source, f"row has {len(row)} fields but the header has {len(header)}",
                                 where=f"line {line}", expected=dialect.expected)
            ragged += len(row) > len(header)
            records.append(Record(title=_cell(row, index, dialect.title), doi=_cell(row, index, dialect.doi) or None,
                                  author_keywords=split_keywords(_cell(row, index, dialect.author_keywords)),
                                  index_keywords=split_keywords(_cell(row, index, dialect.index_keywords)),
                                  source=str(source), line=line,
                                  year=publication_year(_cell(row, index, dialect.year))))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(source, f"malformed row ({exc})", where=f"line {reader.line_num}",
                         expected=dialect.name) from None
    return records, ragged
