"""Kleinberg burst detection: against a brute-force search over all state sequences, and a planted burst."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import binom

from interstore.literature.bursts import kleinberg_bursts, keyword_bursts
from interstore.literature.cooccurrence import cooccurrence, incidence
from interstore.literature.network import keyword_map
from interstore.literature.records import Record


def _brute_force(r, d, scale=2.0, gamma=1.0):
    """Least-cost state sequence by enumerating all 2^n sequences (scipy's binomial pmf for the costs)."""
    n = len(d)
    p0 = r.sum() / d.sum()
    p = [p0, min(scale * p0, 0.9999)]
    cost = np.array([[-binom.logpmf(r[t], d[t], p[i]) for t in range(n)] for i in (0, 1)])
    tau = gamma * np.log(n)
    best = min(itertools.product((0, 1), repeat=n),
               key=lambda q: sum(cost[q[t], t] for t in range(n))
               + tau * sum(1 for t in range(n) if q[t] == 1 and (t == 0 or q[t - 1] == 0)))
    return best, cost


@pytest.mark.parametrize("seed", range(6))
def test_viterbi_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    d = rng.integers(5, 40, 8)
    rate = np.where(np.arange(8) >= rng.integers(2, 6), 0.5, 0.08)
    r = rng.binomial(d, rate)
    best, cost = _brute_force(r, d)
    years = np.arange(2000, 2008)
    expected = []
    for state, run in itertools.groupby(enumerate(best), key=lambda t: t[1]):
        run = [t for t, _ in run]
        if state == 1:
            expected.append((2000 + run[0], 2000 + run[-1], float((cost[0, run] - cost[1, run]).sum())))
    got = [(b.start, b.end, b.strength) for b in kleinberg_bursts(r, d, years)]
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    np.testing.assert_allclose([g[2] for g in got], [e[2] for e in expected], rtol=1e-10)


def test_planted_burst_in_a_keyword_map():
    recs, k = [], 0
    for year in range(2010, 2020):
        for j in range(20):
            burst = 2015 <= year <= 2017 and j < 12          # 60 % of the documents in 2015-2017
            steady = j < 2                                   # 10 % in every year
            kws = ("zinc anode", "interface") + (("MXene",) if burst or steady else ())
            recs.append(Record(f"t{k}", None, kws, (), "mem", k, year))
            k += 1
    m = keyword_map(cooccurrence(incidence(recs), min_occurrences=1))
    table = keyword_bursts(m)
    assert table["keyword"].tolist() == ["MXene"]            # the other two are in every document: no burst
    row = table.iloc[0]
    assert (row["burst_start_year"], row["burst_end_year"]) == (2015, 2017) and row["strength"] > 10


def test_bursts_command(run_cli, tmp_path):
    import csv
    import json

    path = tmp_path / "scopus.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Title", "Year", "DOI", "Author Keywords", "Index Keywords"])
        k = 0
        for year in range(2010, 2020):
            for j in range(20):
                mx = (2015 <= year <= 2017 and j < 12) or j < 2
                w.writerow([f"t{k}", year, f"10.1/{k}", "zinc anode; interface" + ("; MXene" if mx else ""), ""])
                k += 1
    code, out, err = run_cli("literature", "bursts", path, "--json", tmp_path / "b.json", "--out", tmp_path / "o")
    assert code == 0, err
    res = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert [(b["keyword"], b["burst_start_year"], b["burst_end_year"]) for b in res["bursts"]] == [("MXene", 2015, 2017)]
    assert (tmp_path / "o" / "keyword_bursts.csv").is_file()
    code, out, err = run_cli("literature", "bursts", path, "--scale", "1")
    assert code == 2 and "--scale" in err
