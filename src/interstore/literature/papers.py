"""The papers behind a keyword map: which record holds which keyword, and each record's title, year, DOI.

From the map back to the papers: the records behind a keyword i are the rows
d with X_di = 1, behind a link (i, j) those with X_di X_dj = 1 (c_ij of them
with full counting), behind a cluster those holding at least one of its
keywords, ranked by how many of its keywords they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .records import Record


@dataclass(frozen=True)
class Papers:
    """``holds``: documents × keywords (0/1, CSR); ``title``, ``year`` (float, NaN when unknown)
    and ``doi`` of each document, in the order of the rows."""

    holds: sparse.csr_matrix
    title: tuple[str, ...]
    year: np.ndarray
    doi: tuple[str | None, ...]

    @classmethod
    def of(cls, records: Sequence[Record], holds: sparse.csr_matrix) -> "Papers":
        """Papers of ``records`` (rows of ``holds``)."""
        year = np.array([np.nan if r.year is None else r.year for r in records], dtype=np.float64)
        return cls(holds, tuple(r.title for r in records), year, tuple(r.doi for r in records))

    def documents(self, rows: np.ndarray) -> "Papers":
        """The papers of ``rows`` only (in that order)."""
        return Papers(self.holds[rows].tocsr(), tuple(self.title[r] for r in rows), self.year[rows],
                      tuple(self.doi[r] for r in rows))

    def keywords(self, columns: np.ndarray) -> "Papers":
        """The same papers with only the keyword ``columns`` (in that order)."""
        return Papers(self.holds[:, columns].tocsr(), self.title, self.year, self.doi)

    def mean_year(self) -> np.ndarray:
        """Average publication year of the documents holding each keyword (NaN when none has a year)."""
        known = ~np.isnan(self.year)
        total = self.holds.T @ np.where(known, self.year, 0.0)
        n = self.holds.T @ known.astype(np.float64)
        return np.divide(total, n, out=np.full(self.holds.shape[1], np.nan), where=n > 0)

    @cached_property
    def _by_keyword(self) -> sparse.csc_matrix:
        csc = self.holds.tocsc()
        csc.sort_indices()
        return csc

    def of_link(self, i: int, j: int) -> np.ndarray:
        """Documents holding keywords ``i`` and ``j``, newest first (ties: file order)."""
        csc = self._by_keyword
        small, big = sorted((csc.indices[csc.indptr[i]:csc.indptr[i + 1]],
                             csc.indices[csc.indptr[j]:csc.indptr[j + 1]]), key=len)
        pos = np.minimum(np.searchsorted(big, small), max(len(big) - 1, 0))  # big is sorted (canonical CSC)
        return self._newest_first(small[big[pos] == small] if len(big) else small[:0])

    def of_keyword(self, i: int) -> np.ndarray:
        """Documents holding keyword ``i``, newest first."""
        csc = self._by_keyword
        return self._newest_first(csc.indices[csc.indptr[i]:csc.indptr[i + 1]])

    def of_cluster(self, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Documents holding at least one of the keywords ``members`` and how many of them they hold,
        most first (ties: newest first, then file order)."""
        n = np.asarray(self._by_keyword[:, members].sum(axis=1)).ravel()
        docs = np.flatnonzero(n > 0)
        year = np.nan_to_num(self.year[docs], nan=-np.inf)
        order = np.lexsort((docs, -year, -n[docs]))
        return docs[order], n[docs][order].astype(np.int64)

    def _newest_first(self, docs: np.ndarray) -> np.ndarray:
        return docs[np.lexsort((docs, -np.nan_to_num(self.year[docs], nan=-np.inf)))]

    @cached_property
    def _text(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.title, dtype=object), np.asarray([d or "" for d in self.doi], dtype=object)

    def rows(self, docs: np.ndarray) -> pd.DataFrame:
        """title, year, doi of ``docs``."""
        title, doi = self._text
        year = pd.array(self.year[docs], dtype="Float64").round().astype("Int64")  # NaN → <NA>
        return pd.DataFrame({"title": title[docs], "year": year, "doi": doi[docs]})
