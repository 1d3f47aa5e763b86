"""BibTeX exports: a small brace-matching reader for ``@type{key, field = value, ...}``.

Values may be ``{braced {nested}}``, ``"quoted"`` or bare (numbers, macros).
``@comment``, ``@string`` and ``@preamble`` blocks are skipped.  A dedicated
reader (rather than ``bibtexparser``) keeps line numbers for error messages and
adds no dependency; only ``title``, ``doi``, ``year``, ``keywords``,
``author_keywords`` (Scopus) and ``keywords-plus`` (Web of Science) are needed,
and any other field (whatever its name: ``funding_text 1`` with a NO-BREAK
SPACE, ``Early Access Date``) is read past.  Keywords are split on ';' when the
field holds one, else on ','.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .records import Record, publication_year, split_keywords

_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
# A field name is anything up to '=' without delimiters: exports write names with spaces
# (Web of Science "Early Access Date") and NO-BREAK SPACEs (Scopus "funding_text\u00a01").
_FIELD = re.compile(r"\s*([^\s=,{}\"#()][^=,{}\"#()]*?)\s*=\s*")
_SKIP = {"comment", "string", "preamble"}
_EXPECTED = "BibTeX: '@type{key, field = {value}, ...}' with balanced braces"


def _matching_close(text: str, start: int, open_ch: str) -> int:
    """Index of the delimiter closing the one at ``start`` (braces nest), or -1."""
    close_ch = "}" if open_ch == "{" else ")"
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in "{(" and (ch == "{" or open_ch == "("):
            depth += 1
        elif ch in "})" and (ch == "}" or open_ch == "("):
            depth -= 1
            if depth == 0:
                return i if ch == close_ch else -1
    return -1


def _fields(body: str, source: str | Path, line: int) -> dict[str, str]:
    """Parse ``key, name = value, ...`` (body without the outer delimiters)."""
    comma = body.find(",")
    fields: dict[str, str] = {}
    pos = len(body) if comma < 0 else comma + 1
    while pos < len(body):
        if not body[pos:].strip():
            break
        m = _FIELD.match(body, pos)
        if not m:
            raise InputError(source, f"cannot read field near {body[pos:pos + 30].strip()!r}",
                             where=f"entry at line {line}", expected=_EXPECTED)
        name, pos = " ".join(m.group(1).split()).lower(), m.end()
        parts: list[str] = []
        while True:  # value = part # part # ...
            ch = body[pos:pos + 1]
            if ch == "{":
                end = _matching_close(body, pos, "{")
                if end < 0:
                    raise InputError(source, f"unbalanced braces in field '{name}'",
                                     where=f"entry at line {line}", expected=_EXPECTED)
                parts.append(body[pos + 1:end])
                pos = end + 1
            elif ch == '"':
                end = body.find('"', pos + 1)
                if end < 0:
                    raise InputError(source, f"unterminated quoted value of field '{name}'",
                                     where=f"entry at line {line}", expected=_EXPECTED)
                parts.append(body[pos + 1:end])
                pos = end + 1
            else:
                m_bare = re.match(r"[^,#\s]+", body[pos:])
                parts.append(m_bare.group(0) if m_bare else "")
                pos += m_bare.end() if m_bare else 0
            rest = re.match(r"\s*#\s*", body[pos:])
            if not rest:
                break
            pos += rest.end()
        fields[name] = " ".join("".join(parts).replace("{", "").replace("}", "").split())
        sep = re.match(r"\s*,?", body[pos:])
        pos += sep.end()
    return fields


def read_bibtex(text: str, source: str | Path) -> list[Record]:
    """Records of a BibTeX file."""
    records: list[Record] = []
    pos, line, counted_to = 0, 1, 0
    while (m := _ENTRY.search(text, pos)) is not None:
        line += text.count("\n", counted_to, m.start())
        counted_to = m.start()
        kind, open_at = m.group(1).lower(), m.end() - 1
        end = _matching_close(text, open_at, m.group(2))
        if end < 0:
            raise InputError(source, f"@{kind} entry is never closed (unbalanced braces)",
                             where=f"line {line}", expected=_EXPECTED)
        pos = end + 1
        if kind in _SKIP:
            continue
        f = _fields(text[open_at + 1:end], source, line)

        def kw(name: str) -> tuple[str, ...]:
            value = f.get(name, "")
            return split_keywords(value, ";" if ";" in value else ",")

        # Scopus: author_keywords + keywords (index); Web of Science: keywords + keywords-plus (index)
        index = (kw("keywords") if "author_keywords" in f else ()) + kw("keywords-plus")
        records.append(Record(title=f.get("title", ""), doi=f.get("doi") or None,
                              author_keywords=kw("author_keywords") or kw("keywords"),
                              index_keywords=index, source=str(source), line=line,
                              year=publication_year(f.get("year", ""))))
    return records
