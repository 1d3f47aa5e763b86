"""One bibliographic record, and de-duplication of records across exports.

Two records are the same publication when their DOIs match (case-insensitive,
without a ``https://doi.org/`` prefix) or, when one of them has no DOI, when
their titles match after :func:`title_key` (case-folded, letters and digits only).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[\W_]+")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class Record:
    """A publication's title, DOI and keywords as exported (not yet normalised).

    ``author_keywords`` are the authors' own (Scopus "Author Keywords", WoS DE,
    RIS KW, BibTeX ``keywords``); ``index_keywords`` are assigned by the
    database (Scopus "Index Keywords", WoS ID = KeyWords Plus).
    ``source`` and ``line`` locate the record's first line in its file;
    ``year`` is the publication year (``None`` when the export has none).
    """

    title: str
    doi: str | None
    author_keywords: tuple[str, ...]
    index_keywords: tuple[str, ...]
    source: str
    line: int
    year: int | None = None

    def keywords(self, kind: str = "all") -> tuple[str, ...]:
        """Keywords of one ``kind``: ``author``, ``index`` or ``all`` (both)."""
        if kind == "author":
            return self.author_keywords
        if kind == "index":
            return self.index_keywords
        return self.author_keywords + self.index_keywords


def doi_key(doi: str | None) -> str | None:
    """Canonical DOI: lower case, no resolver prefix; ``None`` if empty."""
    if not doi:
        return None
    key = _DOI_PREFIX.sub("", doi.strip()).strip().lower()
    return key or None


def title_key(title: str) -> str:
    """Canonical title: NFKC, case-folded, runs of non-alphanumerics removed."""
    return _NON_ALNUM.sub("", unicodedata.normalize("NFKC", title).casefold())


def deduplicate(records: Iterable[Record]) -> tuple[list[Record], int]:
    """Keep the first of each publication; return (kept records, number removed).

    A record is a duplicate when its DOI key was already seen, or when its
    (non-empty) title key was seen and one of the two records has no DOI
    (two different DOIs under one title, e.g. two "Editorial"s, stay apart)."""
    seen_doi: set[str] = set()
    seen_title: dict[str, set[str | None]] = {}
    kept: list[Record] = []
    removed = 0
    for rec in records:
        d, t = doi_key(rec.doi), title_key(rec.title)
        dois = seen_title.get(t) if t else None
        if (d is not None and d in seen_doi) or (dois is not None and (d is None or None in dois)):
            removed += 1
            continue
        if d is not None:
            seen_doi.add(d)
        if t:
            seen_title.setdefault(t, set()).add(d)
        kept.append(rec)
    return kept, removed


def publication_year(text: str) -> int | None:
    """First four-digit year 1500–2099 in an exported date field (``2024``, ``2024/05/01/``,
    ``MAY 2024``), or ``None``."""
    m = _YEAR.search(text) if text else None
    return int(m.group(1)) if m else None


def split_keywords(text: str, separators: str = ";") -> tuple[str, ...]:
    """Split an exported keyword field on any of ``separators``; drop blanks."""
    if not text:
        return ()
    parts = text.split(separators) if len(separators) == 1 else re.split("[" + re.escape(separators) + "]", text)
    return tuple([p for p in map(str.strip, parts) if p])
