"""Keyword normalisation, display labels and VOSviewer thesaurus files.

:func:`keyword_key` maps spelling variants onto one key:

1. Unicode NFKC; control characters removed;
2. hyphens, dashes and underscores → space; runs of white space → one space;
   surrounding punctuation stripped, brackets only when unbalanced
   (``"zinc-ion  batteries."`` → ``zinc ion batteries``, ``(R)-ketamine`` → ``(r) ketamine``);
3. case-folded; the LAST word is made singular with the ``inflect`` library
   (``batteries`` → ``battery``, ``analyses`` → ``analysis``, ``viruses`` → ``virus``)
   unless it ends in ``ss``, ``us``, ``is`` or ``ics`` (glass, status, analysis,
   kinetics), has 3 letters or fewer (``gas``), is *series, species, means, news*,
   or is written as an acronym or formula in the export:

   * it holds a digit (``V2O5``, ``Ti3C2Tx``),
   * it mixes case other than a capital first letter (``GaAs``, ``GANs``), unless the
     exports also hold its singular in the same case (``MXenes`` next to ``MXene``),
   * it is in capitals while the rest of the keyword is not (``SARS`` in ``SARS coronavirus``),
   * the whole keyword is in capitals (Web of Science Keywords Plus: case says
     nothing) and the word has at most 4 letters (``SARS``, ``AIDS``, ``MARS``),
     unless the exports also hold the singular in capitals (``RATS`` next to ``RAT``),
   * it is a capitalised keyword of one word (``Mars``, ``Humans``), unless the exports
     also hold its singular (``Carbohydrate``) or write it in lower case (``humans``).

   The last two cases depend on the whole set of exports read (:class:`Spellings`).

A thesaurus (VOSviewer format: tab-separated, header ``label<TAB>replace by``)
then maps keys onto a chosen label; an empty ``replace by`` drops the keyword.
Both columns are compared after :func:`keyword_key`.

:func:`display_label` chooses the label of a key among its spellings: the most
frequent spelling whose case a writer chose (Keywords Plus ``CATHODE MATERIALS``
is shown as ``cathode materials`` when an author wrote it so).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import InputError

_DASHES = re.compile(r"[\-\u2010-\u2015\u2212_]+")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_EDGE_PUNCT = " .,;:!?\"'`"
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_INVARIANT = frozenset({"series", "species", "means", "news"})
_SHORT_ACRONYM = 4  # letters: an all-capitals word this short in an all-capitals keyword is an acronym


@functools.cache
def _inflect_engine():
    """inflect's engine, imported without its run-time type checks.

    inflect wraps its methods in ``typeguard.typechecked``, which re-compiles them at
    import (1.5 s of CPU) and checks every call (80 µs instead of 20 µs); under
    ``python -O`` typeguard skips both.  The checks guard inflect's own callers'
    argument types, which :func:`singular` always passes as ``str``, so the
    decorator is made a no-op while inflect is imported (when it was not imported yet)."""
    import sys

    if "inflect" not in sys.modules:
        import typeguard

        checked = typeguard.typechecked
        typeguard.typechecked = lambda target=None, **_: target if target is not None else (lambda t: t)
        try:
            import inflect
        finally:
            typeguard.typechecked = checked
    import inflect

    return inflect.engine()


@functools.lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """Singular of one lower-case word (``inflect``), with the exceptions of the module docstring."""
    if len(word) <= 3 or not word.endswith("s") or word in _INVARIANT or word.endswith(("ss", "us", "is", "ics")):
        return word
    return _inflect_engine().singular_noun(word) or word


def clean_label(text: str) -> str:
    """A keyword as it may be shown and written: NFKC, no control characters, single spaces."""
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFKC", text)).split())


def _balanced(text: str, opening: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == opening) - (ch == _BRACKETS[opening])
        if depth < 0:
            return False
    return depth == 0


def _strip_edges(s: str) -> str:
    """Strip surrounding punctuation; a bracket only when unbalanced or wrapping the whole keyword."""
    closing = {v: k for k, v in _BRACKETS.items()}
    while True:
        t = s.strip(_EDGE_PUNCT)
        if t[:1] in _BRACKETS and t[-1:] == _BRACKETS[t[0]] and _balanced(t[1:-1], t[0]):
            t = t[1:-1]
        if t[:1] in _BRACKETS and t.count(t[0]) > t.count(_BRACKETS[t[0]]):
            t = t[1:]
        if t[-1:] in closing and t.count(t[-1]) > t.count(closing[t[-1]]):
            t = t[:-1]
        if t == s:
            return s
        s = t


def _is_capitals(text: str) -> bool:
    return any(c.isalpha() for c in text) and not any(c.islower() for c in text)


def _key_text(text: str) -> str:
    """Steps 1–2 of :func:`keyword_key` (case kept)."""
    return _strip_edges(_SPACE.sub(" ", _DASHES.sub(" ", clean_label(text))).strip())


_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Spellings:
    """What a whole set of exports says about its words (see :func:`keyword_key`).

    ``keys``: every keyword, case-folded (steps 1–2 only); ``capital_keys``: those written
    all in capitals; ``words``: every word as written (case kept)."""

    keys: frozenset[str] = frozenset()
    capital_keys: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, keywords: Iterable[str]) -> "Spellings":
        """Spellings of a collection of exported keywords."""
        texts = [t for t in map(_key_text, keywords) if t]
        return cls(frozenset(t.casefold() for t in texts), frozenset(t.casefold() for t in texts if _is_capitals(t)),
                   frozenset(w for t in texts for w in t.split(" ")))


def _keeps_plural(words: list[str], prefix: str, one: str, spellings: Spellings) -> bool:
    """Whether the spelling of the last of ``words`` marks it as an acronym, formula or name."""
    last = words[-1]
    if any(c.isdigit() for c in last):
        return True                                     # V2O5, Ti3C2Tx
    upper = [c.isupper() for c in last if c.isalpha()]
    if not any(upper):
        return False
    if not all(upper) and (not upper[0] or any(upper[1:])):
        # GaAs, GANs: kept unless the exports hold the singular in the same case (MXenes, MXene)
        return last[:len(one)].casefold() != one or last[:len(one)] not in spellings.words
    if all(upper) and len(upper) > 1:                   # SARS
        if not _is_capitals(" ".join(words)):
            return True                                 # SARS in "SARS coronavirus"
        return len(upper) <= _SHORT_ACRONYM and prefix + one not in spellings.capital_keys
    # capitalised: "Computer Simulations" is a plural; a word alone ("Mars", "Humans") only
    # when the exports also hold its singular as a keyword or the word in lower case
    return len(words) == 1 and not ({last.lower(), one} & spellings.words or one in spellings.keys)


def keyword_key(text: str, spellings: Spellings = Spellings()) -> str:
    """Normalised key of one keyword (see the module docstring); ``spellings`` of the whole
    export set decide the ambiguous cases (all-capitals or capitalised words)."""
    s = _key_text(text)
    if not s:
        return ""
    words = s.split(" ")
    prefix = " ".join(words[:-1]).casefold() + " " if len(words) > 1 else ""
    lower = words[-1].casefold()
    one = singular(lower)
    if one != lower and _keeps_plural(words, prefix, one, spellings):
        return prefix + lower
    return prefix + one


def display_label(written: Counter[str], shouted: Counter[str] = Counter(),
                  spellings: Spellings = Spellings()) -> str:
    """Label of one key from the counts of its spellings.

    ``written``: spellings whose case the writer chose (author keywords, Scopus index
    keywords), ``shouted``: all-capitals spellings of a database that capitalises every
    keyword (Web of Science Keywords Plus).  The label is the most frequent ``written``
    spelling (ties: alphabetical), so ``ELECTRE TRI`` stays as its authors write it while
    Keywords Plus ``CATHODE MATERIALS`` is shown as an author's ``cathode materials``.
    A key only ever shouted is lower-cased word by word, except words of at most 4
    letters that the exports never write in lower case (``spellings.words``):
    ``RADICAL PROSTATECTOMY`` → ``radical prostatectomy``, ``DNA REPAIR`` → ``DNA repair``."""
    pool = written or shouted
    label = min(pool.items(), key=lambda sn: (-sn[1], sn[0]))[0]
    if written:
        return label
    return _WORD.sub(lambda m: m.group(0).lower() if m.group(0).lower() in spellings.words
                     or len(m.group(0)) > _SHORT_ACRONYM else m.group(0), label)


def is_shouted(text: str) -> bool:
    """Whether a keyword is written all in capitals (letters present, none lower case)."""
    return _is_capitals(text)


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
        replace[keyword_key(cols[0])] = clean_label(cols[1])
    return Thesaurus(replace)
