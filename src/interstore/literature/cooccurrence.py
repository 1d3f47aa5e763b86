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
from typing import Iterable

import numpy as np
from scipy import sparse

from ..errors import InputError
from .normalize import Thesaurus, keyword_key
from .options import COUNTING, KEYWORD_KINDS, NORMALIZATIONS, check_choice, check_int
from .records import Record


@dataclass(frozen=True)
class Incidence:
    """Which document holds which keyword: ``matrix`` (documents × keywords, 0/1, CSR)."""

    labels: tuple[str, ...]
    matrix: sparse.csr_matrix
    doc_sizes: np.ndarray  # distinct keywords per document (int)


@dataclass(frozen=True)
class Cooccurrence:
    """Kept keywords (sorted by occurrences, then label) and their co-occurrence counts.

    ``counts`` is symmetric with a zero diagonal; values are documents (full)
    or fractional documents."""

    labels: tuple[str, ...]
    occurrences: np.ndarray          # o_i, documents
    counts: sparse.csr_matrix        # c_ij
    counting: str

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

    The label of a key is the thesaurus replacement when one applies, else its
    most frequent spelling as exported (ties: alphabetical)."""
    check_choice("--keywords", kind, KEYWORD_KINDS)
    key_of: dict[str, str | None] = {}      # raw spelling → key (None = dropped)
    fixed: dict[str, str] = {}              # key → thesaurus label
    spellings: Counter[tuple[str, str]] = Counter()
    column: dict[str, int] = {}
    indptr, indices = [0], []
    for rec in records:
        cols = set()
        for raw in rec.keywords(kind):
            if raw not in key_of:
                key = keyword_key(raw)
                label = thesaurus.apply(key) if thesaurus is not None else None
                if label is not None:
                    key = keyword_key(label)
                    fixed[key] = label
                key_of[raw] = key or None
            key = key_of[raw]
            if key is None:
                continue
            spellings[(key, " ".join(raw.split()))] += 1
            cols.add(column.setdefault(key, len(column)))
        indices.extend(sorted(cols))
        indptr.append(len(indices))
    n_docs = len(indptr) - 1
    data = np.ones(len(indices), dtype=np.float64)
    matrix = sparse.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                               shape=(n_docs, len(column)))
    best: dict[str, tuple[int, str]] = {}
    for (key, label), n in spellings.items():
        cur = best.get(key)
        if cur is None or n > cur[0] or (n == cur[0] and label < cur[1]):
            best[key] = (n, label)
    labels = [""] * len(column)
    for key, i in column.items():
        labels[i] = fixed.get(key) or best[key][1]
    return Incidence(tuple(labels), matrix, np.diff(matrix.indptr))


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
    return Cooccurrence(tuple(inc.labels[i] for i in order), occ[order].astype(np.int64), c, counting)


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
                        co.counts[keep][:, keep].tocsr(), co.counting)


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

