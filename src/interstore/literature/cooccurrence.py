"""Keyword occurrence and co-occurrence counting (sparse), and link normalisations.

With the binary document × keyword incidence matrix X (a keyword counts once
per document), the co-occurrence matrix is

    full counting:        C = Xᵀ X,            off-diagonal c_ij = documents holding i and j
    fractional counting:  C = Xᵀ diag(f) X,    f_d = 1/(n_d − 1)  (0 when n_d < 2)

with n_d the number of distinct keywords of document d before the occurrence
threshold (Perianes-Rodriguez, Waltman & van Eck 2016: every document then
adds n_d/2 to the total link strength).  o_i = Σ_d X_di (occurrences,
documents) and k_i = Σ_j≠i c_ij (total link strength) are always taken over
the kept keywords.

Normalised link strengths s_ij (``normalize``):

    association  s_ij = 2m · c_ij / (k_i k_j),   2m = Σ_i k_i
                 (VOSviewer's association strength, van Eck & Waltman 2009/2014:
                 k_i = total link strength; s_ij = 1 when i and j co-occur as often
                 as expected if independent)
    cosine       s_ij = c_ij / √(o_i o_j)       (Salton)
    jaccard      s_ij = c_ij / (o_i + o_j − c_ij)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from ..errors import InputError
from .normalize import Spellings, Thesaurus, clean_label, display_label, is_shouted, keyword_key
from .papers import Papers
from .options import COUNTING, KEYWORD_KINDS, NORMALIZATIONS, check_choice, check_int
from .records import Record


@dataclass(frozen=True)
class Incidence:
    """Which document holds which keyword: ``matrix`` (documents × keywords, 0/1, CSR)."""

    labels: tuple[str, ...]
    matrix: sparse.csr_matrix
    doc_sizes: np.ndarray  # distinct keywords per document (int)
    papers: Papers | None = None  # the documents (rows of ``matrix``): titles, years, DOIs


@dataclass(frozen=True)
class Cooccurrence:
    """Kept keywords (sorted by occurrences, then label) and their co-occurrence counts.

    ``counts`` is symmetric with a zero diagonal; values are documents (full)
    or fractional documents."""

    labels: tuple[str, ...]
    occurrences: np.ndarray          # o_i, documents
    counts: sparse.csr_matrix        # c_ij
    counting: str
    papers: Papers | None = None     # which document holds which kept keyword; titles, years, DOIs

    @property
    def total_link_strength(self) -> np.ndarray:
        """k_i = Σ_j c_ij (same unit as ``counts``)."""
        return np.asarray(self.counts.sum(axis=1)).ravel()

    @property
    def links(self) -> np.ndarray:
        """Number of keywords each keyword co-occurs with."""
        return np.diff(self.counts.indptr)


def incidence(records: Iterable[Record], kind: str = "all", thesaurus: Thesaurus | None = None) -> Incidence:
    """Normalise every record's keywords (:func:`keyword_key`, then the thesaurus) into X.

    Each distinct exported spelling is normalised once; X is assembled from the
    (document, keyword) pairs in one sparse construction.  The label of a key is the
    thesaurus replacement when one applies, else :func:`display_label` of its spellings
    (the most frequent spelling whose case a writer chose)."""
    check_choice("--keywords", kind, KEYWORD_KINDS)
    records = records if isinstance(records, Sequence) else list(records)
    per_doc = [rec.keywords(kind) for rec in records]
    mentions = Counter(chain.from_iterable(per_doc))           # exported spelling → mentions
    spellings = Spellings.of(mentions)
    column: dict[str, int] = {}                                # key → column
    fixed: dict[int, str] = {}                                 # column → thesaurus label
    col_of: dict[str, int] = {}                                # exported spelling → column (−1 = dropped)
    for raw in mentions:
        key = keyword_key(raw, spellings)
        label = thesaurus.apply(key) if thesaurus is not None and key else None
        if label is not None:
            key = keyword_key(label, spellings)
        col_of[raw] = column.setdefault(key, len(column)) if key else -1
        if label and key:
            fixed[col_of[raw]] = label
    n_docs = len(per_doc)
    cols = np.fromiter((col_of[raw] for kws in per_doc for raw in kws), dtype=np.int64,
                       count=sum(map(len, per_doc)))
    rows = np.repeat(np.arange(n_docs, dtype=np.int64), [len(kws) for kws in per_doc])
    keep = cols >= 0
    matrix = sparse.csr_matrix((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n_docs, len(column)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0                                       # a keyword counts once per document
    # label spellings: Web of Science capitalises every Keywords Plus term, so those say nothing about case
    written: list[Counter[str]] = [Counter() for _ in column]
    shouted: list[Counter[str]] = [Counter() for _ in column]
    index_mentions = Counter(chain.from_iterable(rec.index_keywords for rec in records)) if kind != "author" else {}
    for raw, n in mentions.items():
        if col_of[raw] >= 0:
            loud = index_mentions.get(raw, 0) if is_shouted(raw) else 0
            label = clean_label(raw)
            if loud:
                shouted[col_of[raw]][label] += loud
            if n > loud:
                written[col_of[raw]][label] += n - loud
    labels = tuple(fixed.get(i) or display_label(written[i], shouted[i], spellings) for i in range(len(column)))
    return Incidence(labels, matrix, np.diff(matrix.indptr), Papers.of(records, matrix))


def cooccurrence(inc: Incidence, *, min_occurrences: int = 1, counting: str = "full") -> Cooccurrence:
    """Occurrences and co-occurrence counts of keywords with o_i ≥ ``min_occurrences``."""
    check_choice("--counting", counting, COUNTING)
    min_occurrences = check_int("--min-occurrences", min_occurrences, 1)
    occ = np.asarray(inc.matrix.sum(axis=0)).ravel()
    if len(occ) == 0:
        raise InputError("exports", f"no keywords in any of the {inc.matrix.shape[0]} records",
                         expected="records with keywords (Scopus Author/Index Keywords, WoS DE/ID, RIS KW, "
                                  "BibTeX keywords)")
    keep = np.flatnonzero(occ >= min_occurrences)
    if len(keep) == 0:
        raise InputError("option --min-occurrences", f"no keyword occurs in {min_occurrences} or more documents "
                         f"(the most frequent occurs in {int(occ.max())})", expected="a smaller threshold")
    order = keep[np.lexsort((np.asarray(inc.labels, dtype=object)[keep].astype(str), -occ[keep]))]
    x = inc.matrix[:, order].tocsr()
    if counting == "full":
        weights = np.ones(x.shape[0])
    else:
        n = inc.doc_sizes.astype(np.float64)
        weights = np.divide(1.0, n - 1.0, out=np.zeros_like(n), where=n > 1)
    c = (x.T @ sparse.diags(weights) @ x).tocsr()
    c.setdiag(0)
    c.eliminate_zeros()
    papers = None if inc.papers is None else Papers(x, inc.papers.title, inc.papers.year, inc.papers.doi)
    return Cooccurrence(tuple(inc.labels[i] for i in order), occ[order].astype(np.int64), c, counting, papers)


def strongest_keywords(co: Cooccurrence, max_keywords: int | None) -> Cooccurrence:
    """Keep the ``max_keywords`` keywords with the largest total link strength k_i (VOSviewer's
    "number of keywords to be selected"; ties: more occurrences first); ``None`` keeps all.
    k_i is then recomputed among the kept keywords."""
    if max_keywords is None or max_keywords >= len(co.labels):
        return co
    max_keywords = check_int("--max-keywords", max_keywords, 1)
    k = co.total_link_strength
    keep = np.sort(np.lexsort((np.arange(len(k)), -k))[:max_keywords])
    return Cooccurrence(tuple(co.labels[i] for i in keep), co.occurrences[keep],
                        co.counts[keep][:, keep].tocsr(), co.counting,
                        None if co.papers is None else co.papers.keywords(keep))


def normalize(co: Cooccurrence, method: str = "association") -> sparse.csr_matrix:
    """Normalised link strengths s_ij (same sparsity as ``co.counts``; see module docstring)."""
    check_choice("--normalization", method, NORMALIZATIONS)
    c = co.counts.tocoo()
    i, j, v = c.row, c.col, c.data
    if method == "association":
        k = co.total_link_strength
        s = k.sum() * v / (k[i] * k[j])
    elif method == "cosine":
        o = co.occurrences.astype(np.float64)
        s = v / np.sqrt(o[i] * o[j])
    else:
        o = co.occurrences.astype(np.float64)
        s = v / (o[i] + o[j] - v)
    return sparse.csr_matrix((s, (i, j)), shape=c.shape)


def edge_list(matrix: sparse.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle entries (i < j) of a symmetric sparse matrix: (i, j, value), sorted by (i, j)."""
    u = sparse.triu(matrix, k=1).tocoo()
    order = np.lexsort((u.col, u.row))
    return u.row[order].astype(np.int64), u.col[order].astype(np.int64), u.data[order]

