"""The VOS mapping technique: known optima and the scale identity of its unconstrained form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.spatial.distance import pdist, squareform

from interstore.errors import InputError
from interstore.literature import vos
from interstore.literature.cooccurrence import cooccurrence, incidence
from interstore.literature.network import keyword_map
from interstore.literature.records import Record


def test_two_keywords_sit_at_the_distance_that_balances_attraction_and_repulsion():
    # V(d) = s d²/2 − d  →  d* = 1/s
    for s in (1.0, 4.0):
        x = vos.vos_coordinates(2, np.array([0]), np.array([1]), np.array([s]), seed=3)
        assert np.linalg.norm(x[0] - x[1]) == pytest.approx(1.0 / s, rel=1e-6)


def test_three_equally_similar_keywords_form_an_equilateral_triangle():
    x = vos.vos_coordinates(3, np.array([0, 0, 1]), np.array([1, 2, 2]), np.ones(3), seed=0)
    np.testing.assert_allclose(pdist(x), 1.0, rtol=1e-6)


def test_optimum_balances_the_weighted_squared_distances_and_the_distances():
    rng = np.random.default_rng(2)
    n = 12
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.4])
    s = rng.uniform(0.5, 3.0, len(pairs))
    x = vos.vos_coordinates(n, pairs[:, 0], pairs[:, 1], s, seed=1)
    w = np.full((n, n), vos.EPSILON * s.mean())
    w[pairs[:, 0], pairs[:, 1]] = w[pairs[:, 1], pairs[:, 0]] = s
    np.fill_diagonal(w, 0.0)
    d = squareform(pdist(x))

    def v(flat):
        dd = squareform(pdist(flat.reshape(n, 2)))
        return (w * dd ** 2).sum() / 4 - dd.sum() / 2

    assert (w * d ** 2).sum() / 2 == pytest.approx(d.sum() / 2, rel=1e-6)   # A = B at the optimum
    assert np.abs(approx_fprime(x.ravel(), v, 1e-7)).max() < 1e-4           # stationary point of V


def test_vos_layout_option_and_its_limit(monkeypatch):
    docs = [["a", "b", "c"]] * 3 + [["x", "y"]] * 2 + [["c", "x"]]
    recs = [Record(f"t{i}", None, tuple(d), (), "mem", i + 1) for i, d in enumerate(docs)]
    m = keyword_map(cooccurrence(incidence(recs)), layout="vos")
    assert m.layout == "vos" and np.sqrt((m.xy ** 2).sum(axis=1).mean()) == pytest.approx(1.0)
    idx = {k: i for i, k in enumerate(m.labels)}
    dist = lambda p, q: np.linalg.norm(m.xy[idx[p]] - m.xy[idx[q]])  # noqa: E731
    assert dist("a", "b") < dist("a", "y")
    monkeypatch.setattr(vos, "MAX_KEYWORDS", 3)
    with pytest.raises(InputError, match="--layout vos"):
        keyword_map(cooccurrence(incidence(recs)), layout="vos")
