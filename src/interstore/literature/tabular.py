"""Delimited exports: Scopus CSV and Web of Science tab-delimited.

Both are one record per row with a header naming the fields; keywords are
'; '-separated inside one cell.  Parsed with :mod:`csv` so that quoted cells
may hold commas and line breaks and every row keeps its file line number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .records import Record, split_keywords


@dataclass(frozen=True)
class TableDialect:
    """Column names and delimiter of one delimited export format."""

    name: str
    delimiter: str
    title: str
    doi: str
    author_keywords: str
    index_keywords: str
    quoting: int

    @property
    def expected(self) -> str:
        sep = "tab" if self.delimiter == "\t" else repr(self.delimiter)
        return (f"{self.name}: a {sep}-delimited header with '{self.title}' and "
                f"'{self.author_keywords}' or '{self.index_keywords}'")


SCOPUS = TableDialect("Scopus CSV", ",", "Title", "DOI", "Author Keywords", "Index Keywords",
                      csv.QUOTE_MINIMAL)
WOS_TAB = TableDialect("Web of Science tab-delimited", "\t", "TI", "DI", "DE", "ID", csv.QUOTE_NONE)


def _cell(row: list[str], index: dict[str, int], name: str) -> str:
    i = index.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def read_table(lines: list[str], source: str | Path, dialect: TableDialect) -> list[Record]:
    """Records of a delimited export; raises :class:`InputError` on a wrong header or row."""
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
    records: list[Record] = []
    line = reader.line_num + 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                line = reader.line_num + 1
                continue
            short = len(row) <= max(index[c] for c in keyword_cols)
            if short or any(cell.strip() for cell in row[len(header):]):
                raise InputError(source, f"row has {len(row)} fields but the header has {len(header)}",
                                 where=f"line {line}", expected=dialect.expected)
            records.append(Record(title=_cell(row, index, dialect.title), doi=_cell(row, index, dialect.doi) or None,
                                  author_keywords=split_keywords(_cell(row, index, dialect.author_keywords)),
                                  index_keywords=split_keywords(_cell(row, index, dialect.index_keywords)),
                                  source=str(source), line=line))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(source, f"malformed row ({exc})", where=f"line {reader.line_num}",
                         expected=dialect.name) from None
    return records
