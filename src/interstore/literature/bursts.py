"""Kleinberg burst detection of keywords over publication years (as CiteSpace reports it).

Kleinberg's two-state automaton for batched arrivals (Kleinberg 2002, §4):
in year t, r_t of the d_t documents hold the keyword.  State 0 emits at the
base rate p₀ = Σr/Σd, state 1 at p₁ = min(s·p₀, 0.9999) (``scale`` s, default 2).
The cost of year t in state i is

    σ_i(t) = −ln[ C(d_t, r_t) p_i^{r_t} (1 − p_i)^{d_t − r_t} ],

entering the burst state costs τ = γ ln n (``gamma`` γ, default 1; n = number
of years), leaving it costs nothing.  The state sequence of least total cost
(Viterbi) gives the bursts: maximal runs of state 1.  A burst's **strength**
is Σ_t [σ₀(t) − σ₁(t)] over its years (the cost saved by the burst state,
dimensionless), as in CiteSpace's burst tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import gammaln

from .network import KeywordMap


@dataclass(frozen=True)
class Burst:
    """One burst: ``start`` and ``end`` years (inclusive) and its ``strength``."""

    start: int
    end: int
    strength: float


def _cost(r: np.ndarray, d: np.ndarray, p: float) -> np.ndarray:
    log_binom = gammaln(d + 1) - gammaln(r + 1) - gammaln(d - r + 1)
    return -(log_binom + r * np.log(p) + (d - r) * np.log1p(-p))


def kleinberg_bursts(relevant: np.ndarray, total: np.ndarray, years: np.ndarray, *, scale: float = 2.0,
                     gamma: float = 1.0) -> list[Burst]:
    """Bursts of one keyword: ``relevant[t]`` of ``total[t]`` documents of ``years[t]`` hold it."""
    r, d = np.asarray(relevant, dtype=float), np.asarray(total, dtype=float)
    keep = d > 0
    r, d, years = r[keep], d[keep], np.asarray(years)[keep]
    n = len(d)
    if n == 0 or r.sum() == 0:
        return []
    p0 = r.sum() / d.sum()
    p1 = min(scale * p0, 0.9999)
    if p1 <= p0:
        return []
    cost = np.stack([_cost(r, d, p0), _cost(r, d, p1)])          # (2 states, n years)
    tau = gamma * np.log(n)
    best = np.array([cost[0, 0], cost[1, 0] + tau])             # start in state 0 (the base rate)
    back = np.zeros((n, 2), dtype=np.int64)
    for t in range(1, n):
        stay0, from1_to0 = best[0], best[1]                     # leaving the burst costs nothing
        to1_from0, stay1 = best[0] + tau, best[1]
        back[t] = [0 if stay0 <= from1_to0 else 1, 0 if to1_from0 < stay1 else 1]
        best = np.array([min(stay0, from1_to0) + cost[0, t], min(to1_from0, stay1) + cost[1, t]])
    state = np.zeros(n, dtype=np.int64)
    state[-1] = int(np.argmin(best))
    for t in range(n - 1, 0, -1):
        state[t - 1] = back[t, state[t]]
    bursts, t = [], 0
    while t < n:
        if state[t] == 1:
            u = t
            while u + 1 < n and state[u + 1] == 1:
                u += 1
            bursts.append(Burst(int(years[t]), int(years[u]), float((cost[0, t:u + 1] - cost[1, t:u + 1]).sum())))
            t = u + 1
        else:
            t += 1
    return bursts


def keyword_bursts(m: KeywordMap, *, scale: float = 2.0, gamma: float = 1.0) -> pd.DataFrame:
    """Bursts of every keyword of the map over the publication years of its documents (documents
    without a year are left out): keyword, occurrences, burst start/end year, strength; strongest first."""
    if m.papers is None:
        raise ValueError("the map carries no papers (build it with cooccurrence.incidence from records)")
    year = m.papers.year
    dated = np.flatnonzero(~np.isnan(year))
    columns = ["keyword", "occurrences_documents", "burst_start_year", "burst_end_year", "strength"]
    if len(dated) == 0:
        return pd.DataFrame(columns=columns)
    span = np.arange(int(year[dated].min()), int(year[dated].max()) + 1)
    slot = year[dated].astype(np.int64) - span[0]
    total = np.bincount(slot, minlength=len(span))
    holds = m.papers.holds[dated].tocsc()
    rows = []
    for i, label in enumerate(m.labels):
        docs = holds.indices[holds.indptr[i]:holds.indptr[i + 1]]
        relevant = np.bincount(slot[docs], minlength=len(span))
        for b in kleinberg_bursts(relevant, total, span, scale=scale, gamma=gamma):
            rows.append((label, int(m.occurrences[i]), b.start, b.end, b.strength))
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["strength", "keyword"], ascending=[False, True], ignore_index=True)
