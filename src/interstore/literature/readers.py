"""Read bibliographic exports: detect the format (extension + content) and dispatch.

Formats: Scopus CSV, Web of Science plain text and tab-delimited, RIS, BibTeX.
Text may be UTF-8 (with or without BOM), UTF-16 with BOM (old WoS exports) or
Latin-1.  Empty, binary and unrecognised files raise :class:`InputError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import InputError
from ..inputs import HEAD_BYTES, check_input_file, decode_text, read_head, refuse_binary
from .bibtex import read_bibtex
from .records import Record
from .tabular import SCOPUS, WOS_TAB, read_table
from .tagged import read_ris, read_wos_plain

FORMATS = ("scopus-csv", "wos-plain", "wos-tab", "ris", "bibtex")
_EXTENSIONS = {".csv": "scopus-csv", ".ris": "ris", ".bib": "bibtex", ".bibtex": "bibtex",
               ".tsv": "wos-tab", ".txt": "wos-plain"}


_TEXT_EXPORT = "a text export (CSV, tab-delimited, WoS plain text, RIS or BibTeX)"


def decode(data: bytes, source: str | Path) -> str:
    """Bytes of an export → text; raises :class:`InputError` for empty or binary content."""
    if not data.strip():
        raise InputError(source, "file is empty", where="line 1", expected="a bibliographic export")
    refuse_binary(source, data[:HEAD_BYTES], expected=_TEXT_EXPORT, controls=False)  # a stray ESC is text
    return decode_text(data, source)  # BOM, UTF-8, then Windows-1252 / Latin-1 with a warning


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


_SNIFF: dict[str, Callable[[str], bool]] = {
    "wos-plain": lambda t: bool(re.match(r"(?:FN |PT )", _first_line(t))),
    "ris": lambda t: bool(re.search(r"^TY  -", t, re.MULTILINE)),
    "bibtex": lambda t: bool(re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", t, re.MULTILINE)),
    "wos-tab": lambda t: "\t" in _first_line(t) and bool({"DE", "ID", "TI"} & set(_first_line(t).split("\t"))),
    "scopus-csv": lambda t: any(c in _first_line(t) for c in ("Author Keywords", "Index Keywords", "Title")),
}


def detect_format(path: str | Path, text: str) -> str:
    """Format name from content sniffing, the extension breaking ties; InputError if unknown."""
    guess = _EXTENSIONS.get(Path(path).suffix.lower())
    if guess is not None and guess.startswith("wos"):
        guess = "wos-tab" if _SNIFF["wos-tab"](text) else "wos-plain"
    if guess is not None and _SNIFF[guess](text):
        return guess
    for name, sniff in _SNIFF.items():
        if sniff(text):
            return name
    raise InputError(path, f"unrecognised export format (first line {_first_line(text)[:40]!r})",
                     where="line 1", expected="Scopus CSV, Web of Science plain text or tab-delimited, RIS or BibTeX")


@dataclass(frozen=True)
class Export:
    """One export file as read: its ``records``, the detected ``format`` and ``ragged_rows``
    (delimited rows with more fields than the header, read by the header's column positions)."""

    path: Path
    format: str
    records: list[Record]
    ragged_rows: int = 0

    @property
    def note(self) -> str | None:
        """One line for the user about what was tolerated while reading, or ``None``."""
        if not self.ragged_rows:
            return None
        return (f"{self.path.name}: {self.ragged_rows} of {len(self.records)} rows have more fields than the "
                f"header (extra, header-less columns ignored; the named columns are read by position)")


def open_export(path: str | Path, fmt: str | None = None) -> Export:
    """Read one export file (format detected unless ``fmt`` names one of FORMATS)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a folder", expected="an export file")
    if not path.exists():
        raise InputError(path, "file not found", expected="an existing export file")
    if path.stat().st_size:  # the size limit and a binary head before the whole file is read
        check_input_file(path, what=_TEXT_EXPORT)
        refuse_binary(path, read_head(path), expected=_TEXT_EXPORT, controls=False)
    text = decode(path.read_bytes(), path)
    if fmt is None:
        fmt = detect_format(path, text)
    elif fmt not in FORMATS:
        raise InputError("option --format", f"unknown format {fmt!r}", expected=" | ".join(FORMATS))
    ragged = 0
    if fmt == "bibtex":
        records = read_bibtex(text, path)
    elif fmt in ("scopus-csv", "wos-tab"):
        records, ragged = read_table(text, path, SCOPUS if fmt == "scopus-csv" else WOS_TAB)
    else:
        lines = text.splitlines(keepends=True)
        records = read_wos_plain(lines, path) if fmt == "wos-plain" else read_ris(lines, path)
    if not records:
        raise InputError(path, f"no records found in this {fmt} export", where="end of file",
                         expected="at least one record")
    return Export(path, fmt, records, ragged)


def read_export(path: str | Path, fmt: str | None = None) -> list[Record]:
    """All records of one export file (see :func:`open_export`)."""
    return open_export(path, fmt).records
