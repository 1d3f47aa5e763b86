"""Keyword normalisation and VOSviewer thesaurus files.

:func:`keyword_key` maps spelling variants onto one key:

1. Unicode NFKC, case-folded (``ZIBs`` → ``zibs``);
2. hyphens, dashes and underscores → space; runs of white space → one space;
   surrounding punctuation stripped (``"zinc-ion  batteries."`` → ``zinc ion batteries``);
3. the LAST word is made singular by simple English rules: ``-ies`` → ``-y``,
   ``-sses``/``-xes``/``-zes``/``-ches``/``-shes`` lose ``es``, other ``-s`` are dropped,
   except after ``s``, ``u``, ``i`` or ``ic`` (glass, status, analysis, kinetics) and
   in words of 3 letters or fewer (``gas``).

A thesaurus (VOSviewer format: tab-separated, header ``label<TAB>replace by``)
then maps keys onto a chosen label; an empty ``replace by`` drops the keyword.
Both columns are compared after :func:`keyword_key`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

_DASHES = re.compile(r"[\-\u2010-\u2015\u2212_]+")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = " .,;:!?\"'`()[]{}"
_INVARIANT = frozenset({"series", "species", "means", "news"})


def singular(word: str) -> str:
    """Simple English singular of one lower-case word (see module docstring)."""
    if len(word) <= 3 or not word.endswith("s") or word in _INVARIANT:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "ics")):
        return word
    return word[:-1]


def keyword_key(text: str) -> str:
    """Normalised key of one keyword (case, dashes, white space, plural of the last word)."""
    s = unicodedata.normalize("NFKC", text).casefold()
    s = _SPACE.sub(" ", _DASHES.sub(" ", s)).strip(_EDGE_PUNCT)
    if not s:
        return ""
    head, _, last = s.rpartition(" ")
    last = singular(last)
    return f"{head} {last}" if head else last


@dataclass(frozen=True)
class Thesaurus:
    """Key → replacement label (``""`` = drop the keyword)."""

    replace: dict[str, str] = field(default_factory=dict)

    def apply(self, key: str) -> str | None:
        """Replacement label for ``key``, or ``None`` when the thesaurus does not list it."""
        return self.replace.get(key)


def read_thesaurus(path: str | Path) -> Thesaurus:
    """Read a VOSviewer thesaurus file (``label<TAB>replace by``; UTF-8, UTF-16 or Latin-1)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "thesaurus file not found", expected="a tab-separated 'label<TAB>replace by' file")
    from .readers import decode

    expected = "VOSviewer thesaurus: header 'label<TAB>replace by', then 'term<TAB>replacement' lines"
    data = path.read_bytes()
    if not data.strip():  # decode() would ask for "a bibliographic export"
        raise InputError(path, "file is empty", where="line 1", expected=expected)
    lines = decode(data, path).splitlines()
    if not lines or [c.strip().lower() for c in lines[0].split("\t")] != ["label", "replace by"]:
        raise InputError(path, f"header is {lines[0][:40]!r}" if lines else "file is empty",
                         where="line 1", expected=expected)
    replace: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) != 2 or not cols[0].strip():
            raise InputError(path, f"{len(cols)} tab-separated column(s) in {line[:40]!r}",
                             where=f"line {number}", expected=expected)
        replace[keyword_key(cols[0])] = " ".join(cols[1].split())
    return Thesaurus(replace)
