"""Time slices: one keyword network per period and the mapping of clusters from one period to the next
(bibliometrix's thematic evolution).

Keywords are normalised once over all records, so a keyword has the same key
and label in every period.  The records of each period (by publication year;
records without a year are left out) give a keyword network with its own
Leiden clusters, named by their most frequent keyword.  Cluster A of one
period and cluster B of the next are linked when they share keywords, with
the inclusion index

    I(A, B) = |A ∩ B| / min(|A|, |B|)        (1 = one cluster contains the other)

(Callon et al. 1991; bibliometrix ``thematicEvolution``, unweighted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .cooccurrence import Incidence, cooccurrence
from .network import KeywordMap, keyword_map


@dataclass(frozen=True)
class Period:
    """One time slice: ``label`` (e.g. ``2016–2020``), first and last year, and its keyword map."""

    label: str
    first: int
    last: int
    map: KeywordMap


def periods_of(years: np.ndarray, cuts: Sequence[int]) -> list[tuple[int, int]]:
    """(first, last) year of each period: ``cuts`` are the last years of all periods but the last."""
    known = years[~np.isnan(years)]
    if len(known) == 0:
        raise InputError("exports", "no record has a publication year", expected="records with a year for time slices")
    lo, hi = int(known.min()), int(known.max())
    edges = sorted(int(c) for c in cuts)
    if any(not lo <= c < hi for c in edges) or len(set(edges)) != len(edges):
        raise InputError("option --cuts", f"{edges}", expected=f"distinct years from {lo} to {hi - 1} "
                                                               f"(the exports span {lo}–{hi})")
    starts = [lo] + [c + 1 for c in edges]
    return list(zip(starts, edges + [hi]))


def time_slices(inc: Incidence, cuts: Sequence[int], *, min_occurrences: int = 2, counting: str = "full",
                normalization: str = "association", resolution: float = 1.0, seed: int = 0) -> list[Period]:
    """Keyword maps of the periods ending at ``cuts`` (and the last year)."""
    years = inc.papers.year
    out = []
    for first, last in periods_of(years, cuts):
        rows = np.flatnonzero((years >= first) & (years <= last))
        sub = Incidence(inc.labels, inc.matrix[rows].tocsr(), inc.doc_sizes[rows], inc.papers.documents(rows))
        try:
            co = cooccurrence(sub, min_occurrences=min_occurrences, counting=counting)
        except InputError as exc:
            raise InputError(f"period {first}–{last}", exc.problem, expected="a lower --min-occurrences "
                             "or longer periods (--cuts)") from None
        out.append(Period(f"{first}–{last}" if first != last else str(first), first, last,
                          keyword_map(co, normalization=normalization, resolution=resolution, seed=seed)))
    return out


def cluster_names(m: KeywordMap) -> dict[int, str]:
    """Cluster number → its most frequent keyword (nodes are sorted by occurrences)."""
    names: dict[int, str] = {}
    for label, c in zip(m.labels, m.cluster.tolist()):
        names.setdefault(c, label)
    return names


def cluster_mapping(periods: Sequence[Period]) -> pd.DataFrame:
    """Links between the clusters of consecutive periods: from/to period and cluster (number and name),
    shared keywords (count and up to 5 labels, most frequent first) and the inclusion index."""
    rows = []
    for a, b in zip(periods, periods[1:]):
        names_a, names_b = cluster_names(a.map), cluster_names(b.map)
        members_b = {c: {lab for lab, cc in zip(b.map.labels, b.map.cluster.tolist()) if cc == c} for c in names_b}
        for ca in names_a:
            members_a = [lab for lab, cc in zip(a.map.labels, a.map.cluster.tolist()) if cc == ca]
            for cb, mb in members_b.items():
                shared = [lab for lab in members_a if lab in mb]
                if shared:
                    rows.append((a.label, ca, names_a[ca], b.label, cb, names_b[cb], len(shared),
                                 "; ".join(shared[:5]), len(shared) / min(len(members_a), len(mb))))
    return pd.DataFrame(rows, columns=["from_period", "from_cluster", "from_name", "to_period", "to_cluster",
                                       "to_name", "shared_keywords", "shared_examples", "inclusion_index"])
