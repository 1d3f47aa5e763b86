"""Clusters, layout determinism and the exported files of a keyword map."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from interstore.errors import InputError
from interstore.literature.cooccurrence import cooccurrence, incidence
from interstore.literature.export import graphml, keywords_frame, network_payload, vosviewer_map, vosviewer_network
from interstore.literature.network import keyword_map, laid_out, top_subset
from interstore.literature.records import Record

# Two topics: {a, b, c, d} always together (4 documents), {x, y, z} always together (3 documents),
# and one document bridging d and x.
DOCS = [["a", "b", "c", "d"]] * 4 + [["x", "y", "z"]] * 3 + [["d", "x"]]


def _map(docs=DOCS, **kw):
    recs = [Record(f"t{i}", None, tuple(d), (), "mem", i + 1) for i, d in enumerate(docs)]
    return keyword_map(cooccurrence(incidence(recs)), **{"layout": "force", **kw})


def test_two_topics_give_two_clusters_numbered_by_size():
    m = _map()
    cl = dict(zip(m.labels, m.cluster.tolist()))
    assert {cl[k] for k in "abcd"} == {1} and {cl[k] for k in "xyz"} == {2}


def test_resolution_controls_the_number_of_clusters():
    assert _map(resolution=0.05).cluster.max() == 1     # γ → 0: one community
    assert _map(resolution=50.0).cluster.max() == 7     # γ large: every keyword alone
    with pytest.raises(InputError, match="--resolution"):
        _map(resolution=0)
    with pytest.raises(InputError, match="--seed"):
        _map(seed=-1)


def test_layout_is_computed_only_when_asked_for():
    m = _map(layout=None)
    assert m.xy is None and m.layout is None and "x" not in network_payload(m)["nodes"][0]
    np.testing.assert_array_equal(laid_out(m).xy, _map().xy)  # same seed, same coordinates


def test_same_input_and_seed_give_identical_layout():
    a, b = _map(seed=7), _map(seed=7)
    np.testing.assert_array_equal(a.xy, b.xy)
    np.testing.assert_array_equal(a.cluster, b.cluster)
    assert not np.array_equal(a.xy, _map(seed=8).xy)
    # normalised: centred, unit RMS radius
    np.testing.assert_allclose(a.xy.mean(axis=0), 0, atol=1e-12)
    assert np.sqrt((a.xy ** 2).sum(axis=1).mean()) == pytest.approx(1.0)


def test_layout_places_linked_topics_together():
    m = _map(seed=3)
    idx = {k: i for i, k in enumerate(m.labels)}
    d = lambda p, q: np.linalg.norm(m.xy[idx[p]] - m.xy[idx[q]])  # noqa: E731
    within = np.mean([d("a", "b"), d("a", "c"), d("b", "c"), d("x", "y"), d("y", "z")])
    across = np.mean([d("a", "y"), d("b", "z"), d("c", "y")])
    assert within < 0.6 * across


def test_strongest_links_for_hover():
    from interstore.literature.plot import strongest_links

    m = _map()
    d = m.labels.index("d")
    # k: a = b = c = 4+4+4 = 12, d = 13, x = 1+3+3 = 7, y = z = 6; 2m = 3·12 + 13 + 7 + 2·6 = 68
    # s(d,a) = 68·4/(13·12) = 1.744 > s(d,x) = 68·1/(13·7) = 0.747
    [top] = strongest_links(m, np.array([d]), k=4)
    assert [t[0] for t in top] == ["a", "b", "c", "x"]
    assert top[0][1] == pytest.approx(68 * 4 / (13 * 12)) and top[0][2] == 4
    assert top[3][1] == pytest.approx(68 / (13 * 7)) and top[3][2] == 1


def test_single_keyword_map_draws():
    from interstore.literature.plot import network_figure, network_html

    m = _map([["solo"], ["solo"]])
    assert m.cluster.tolist() == [1] and len(m.source) == 0
    assert "solo" in network_html(m)
    network_figure(m)


def test_top_subset_keeps_frequent_nodes_and_largest_links():
    m = _map()
    nodes, links = top_subset(m, max_nodes=4, max_links=3)
    assert [m.labels[i] for i in nodes] == ["d", "a", "b", "c"]  # d is in 5 documents
    assert len(links) == 3 and all(m.source[k] < 4 and m.target[k] < 4 for k in links)
    assert (m.count[links] == 4).all()
    nodes, links = top_subset(m, max_nodes=100, max_links=0)
    assert len(nodes) == 7 and len(links) == 0


def test_vosviewer_files_round_trip():
    m = _map()
    mp = pd.read_csv(io.StringIO(vosviewer_map(m)), sep="\t")
    assert list(mp.columns) == ["id", "label", "x", "y", "cluster", "weight<Links>",
                                "weight<Total link strength>", "weight<Occurrences>"]
    row = mp.set_index("label").loc["d"]
    # d: 4 documents with a,b,c (count 4 each) + 1 with x -> 4 links, total link strength 13, 5 occurrences
    assert (row["weight<Links>"], row["weight<Total link strength>"], row["weight<Occurrences>"]) == (4, 13, 5)
    net = pd.read_csv(io.StringIO(vosviewer_network(m)), sep="\t", header=None, names=["id1", "id2", "strength"])
    assert len(net) == 6 + 3 + 1
    ids = dict(zip(mp["label"], mp["id"]))
    bridge = net[(net.id1 == min(ids["d"], ids["x"])) & (net.id2 == max(ids["d"], ids["x"]))]
    assert bridge["strength"].tolist() == [1]


def test_vosviewer_json_matches_map_and_network_files():
    from interstore.literature.export import vosviewer_json

    m = _map()
    net = vosviewer_json(m)["network"]
    mp = pd.read_csv(io.StringIO(vosviewer_map(m)), sep="\t")
    d = next(it for it in net["items"] if it["label"] == "d")
    assert d["weights"] == {"Links": 4, "Total link strength": 13, "Occurrences": 5}
    assert [it["cluster"] for it in net["items"]] == mp["cluster"].tolist()
    lines = vosviewer_network(m).splitlines()
    assert [f"{lk['source_id']}\t{lk['target_id']}\t{lk['strength']:g}" for lk in net["links"]] == lines


def test_graphml_csv_and_payload_agree():
    import networkx as nx

    m = _map()
    g = nx.read_graphml(io.StringIO(graphml(m)))
    assert g.number_of_nodes() == 7 and g.number_of_edges() == 10
    labels = {d["label"]: d for _, d in g.nodes(data=True)}
    assert labels["d"]["occurrences"] == 5 and labels["x"]["cluster"] == 2
    frame = keywords_frame(m)
    assert frame.loc[frame.keyword == "d", "total_link_strength_documents"].item() == 13
    payload = network_payload(m)
    assert payload["n_keywords"] == 7 and payload["n_links"] == 10 and payload["n_clusters"] == 2
    edge = next(e for e in payload["edges"] if {e["source"], e["target"]} == {"d", "x"})
    assert edge["count"] == 1


def test_backbone_keeps_each_keywords_strongest_links():
    from interstore.literature.network import backbone

    rng = np.random.default_rng(4)
    n = 30
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.5])
    w = rng.random(len(pairs))
    expected = set()
    for node in range(n):  # brute force: each node's 5 strongest links
        mine = [e for e in range(len(pairs)) if node in pairs[e]]
        expected |= set(sorted(mine, key=lambda e: (-w[e], e))[:5])
    assert backbone(n, pairs[:, 0], pairs[:, 1], w, k=5).tolist() == sorted(expected)
    assert len(backbone(n, pairs[:, 0], pairs[:, 1], w, k=n)) == len(pairs)
