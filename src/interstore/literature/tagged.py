"""Field-tagged exports: Web of Science plain text and RIS.

Both hold one field per line behind a short tag, wrap long values onto
untagged continuation lines and close every record with ``ER``:

* WoS:  ``TI Title text`` / ``   continued`` / ``DE kw1; kw2`` / ``ER``
  (file header ``FN``/``VR``, trailer ``EF``).
* RIS:  ``TY  - JOUR`` / ``KW  - one keyword`` / ``ER  -`` (one KW per line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .records import Record, publication_year, split_keywords


@dataclass(frozen=True)
class TagDialect:
    """How one tagged format spells its lines."""

    name: str
    tag: re.Pattern[str]       # group 1 = tag, group 2 = value
    start: str                 # tag opening a record
    header_tags: frozenset[str]  # tags allowed outside records
    expected: str              # shown in error messages


WOS = TagDialect(
    name="Web of Science plain text",
    tag=re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$"),
    start="PT",
    header_tags=frozenset({"FN", "VR", "EF"}),
    expected="Web of Science plain text: 'PT ...' opening and 'ER' closing each record",
)
RIS = TagDialect(
    name="RIS",
    tag=re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$"),
    start="TY",
    header_tags=frozenset(),
    expected="RIS: 'TY  - ' opening and 'ER  - ' closing each record",
)


def parse_tagged(lines: list[str], source: str | Path, dialect: TagDialect) -> list[tuple[int, dict[str, list[str]]]]:
    """Split tagged lines into records: [(first line number, {tag: [values]})].

    Continuation lines are appended to the previous value with one space."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] | None = None
    start_line = 0
    last_tag: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        m = dialect.tag.match(line)
        if current is None:
            if not line.strip() or (m and m.group(1) in dialect.header_tags):
                continue
            if not (m and m.group(1) == dialect.start):
                raise InputError(source, f"unexpected text {line[:40]!r} outside a record",
                                 where=f"line {number}", expected=dialect.expected)
            current, start_line, last_tag = {}, number, None
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "ER":
                records.append((start_line, current))
                current = None
                continue
            current.setdefault(tag, []).append(value)
            last_tag = tag
        elif line.strip() and last_tag is not None:
            values = current[last_tag]
            values[-1] = f"{values[-1]} {line.strip()}".strip()
    if current is not None:
        raise InputError(source, f"record starting at line {start_line} is never closed by 'ER'",
                         where=f"line {len(lines)} (end of file)", expected=dialect.expected)
    return records


def _first(fields: dict[str, list[str]], *tags: str) -> str:
    for tag in tags:
        if fields.get(tag):
            return fields[tag][0]
    return ""


def read_wos_plain(lines: list[str], source: str | Path) -> list[Record]:
    """Records of a Web of Science plain-text export (TI, DI, PY, DE, ID; '; '-separated)."""
    return [
        Record(title=" ".join(f.get("TI", [])), doi=_first(f, "DI") or None,
               author_keywords=split_keywords(" ".join(f.get("DE", []))),
               index_keywords=split_keywords(" ".join(f.get("ID", []))),
               source=str(source), line=line, year=publication_year(_first(f, "PY", "EA")))
        for line, f in parse_tagged(lines, source, WOS)
    ]


def read_ris(lines: list[str], source: str | Path) -> list[Record]:
    """Records of an RIS export (TI/T1, DO, PY/Y1/DA, one KW per line, or ';'-separated)."""
    return [
        Record(title=_first(f, "TI", "T1"), doi=_first(f, "DO") or None,
               author_keywords=tuple(k for v in f.get("KW", []) for k in split_keywords(v)),
               index_keywords=(), source=str(source), line=line,
               year=publication_year(_first(f, "PY", "Y1", "DA")))
        for line, f in parse_tagged(lines, source, RIS)
    ]
