"""Serialise a :class:`KeywordMap`: JSON payload, keyword table, VOSviewer map/network/JSON, GraphML.

VOSviewer map file (tab-separated, header):
``id  label  x  y  cluster  weight<Links>  weight<Total link strength>  weight<Occurrences>``;
network file (tab-separated, no header): ``id1  id2  strength`` with the
co-occurrence count c_ij as strength (VOSviewer normalises it itself).
Node ids are 1-based and follow the node order (most frequent first).
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from .network import KeywordMap

UNITS = {
    "count": "documents (fractional documents with fractional counting) for links; documents for nodes",
    "total_link_strength": "sum of the node's link counts (same unit as a link count)",
    "strength": "dimensionless normalised link strength",
    "x": "arbitrary layout units (centred, unit RMS radius)",
    "y": "arbitrary layout units (centred, unit RMS radius)",
}
_WS = re.compile(r"\s+")


def _clean(label: str) -> str:
    """Label safe for one cell of a tab-separated file."""
    return _WS.sub(" ", label).strip()


def network_payload(m: KeywordMap) -> dict:
    """JSON-ready dict: parameters, ``nodes`` [{id, keyword, count, cluster, total_link_strength,
    links, x, y}] and ``edges`` [{source, target, count, strength}] (keywords as source/target)."""
    nodes = [
        {"id": i + 1, "keyword": m.labels[i], "count": int(m.occurrences[i]), "cluster": int(m.cluster[i]),
         "total_link_strength": float(m.total_link_strength[i]), "links": int(m.links[i]),
         "x": float(m.xy[i, 0]), "y": float(m.xy[i, 1])}
        for i in range(len(m.labels))
    ]
    edges = [
        {"source": m.labels[a], "target": m.labels[b], "count": float(c), "strength": float(s)}
        for a, b, c, s in zip(m.source.tolist(), m.target.tolist(), m.count.tolist(), m.strength.tolist())
    ]
    return {
        "counting": m.counting, "normalization": m.normalization, "resolution": m.resolution, "seed": m.seed,
        "n_keywords": len(nodes), "n_links": len(edges),
        "n_clusters": int(m.cluster.max()) if len(nodes) else 0,
        "units": UNITS, "nodes": nodes, "edges": edges,
    }


def keywords_frame(m: KeywordMap) -> pd.DataFrame:
    """One row per keyword: id, keyword, occurrences, links, total link strength, cluster, x, y."""
    return pd.DataFrame({
        "id": np.arange(1, len(m.labels) + 1), "keyword": list(m.labels),
        "occurrences_documents": m.occurrences, "links_count": m.links,
        "total_link_strength_documents": m.total_link_strength, "cluster": m.cluster,
        "x_arb": m.xy[:, 0], "y_arb": m.xy[:, 1],
    })


def vosviewer_map(m: KeywordMap) -> str:
    """VOSviewer map file text."""
    rows = ["id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tweight<Occurrences>"]
    for i, label in enumerate(m.labels):
        rows.append(f"{i + 1}\t{_clean(label)}\t{m.xy[i, 0]:.6f}\t{m.xy[i, 1]:.6f}\t{m.cluster[i]}\t"
                    f"{m.links[i]}\t{m.total_link_strength[i]:g}\t{m.occurrences[i]}")
    return "\n".join(rows) + "\n"


def vosviewer_network(m: KeywordMap) -> str:
    """VOSviewer network file text (``id1<TAB>id2<TAB>c_ij``)."""
    return "".join(f"{a + 1}\t{b + 1}\t{c:g}\n" for a, b, c in zip(m.source, m.target, m.count))


def vosviewer_json(m: KeywordMap) -> dict:
    """VOSviewer JSON (opens in VOSviewer ≥ 1.6.16 and VOSviewer Online): ``network.items`` with
    x, y, cluster and ``weights`` {Links, Total link strength, Occurrences}; ``network.links``
    with ``source_id``, ``target_id`` and ``strength`` = c_ij."""
    items = [
        {"id": i + 1, "label": label, "x": float(m.xy[i, 0]), "y": float(m.xy[i, 1]), "cluster": int(m.cluster[i]),
         "weights": {"Links": int(m.links[i]), "Total link strength": float(m.total_link_strength[i]),
                     "Occurrences": int(m.occurrences[i])}}
        for i, label in enumerate(m.labels)
    ]
    links = [{"source_id": int(a) + 1, "target_id": int(b) + 1, "strength": float(c)}
             for a, b, c in zip(m.source, m.target, m.count)]
    return {"network": {"items": items, "links": links}}


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML 1.0 cannot hold


def graphml(m: KeywordMap) -> str:
    """GraphML (networkx) with node attributes label, occurrences, cluster, total_link_strength,
    x, y and edge attributes count, strength."""
    import networkx as nx

    g = nx.Graph(counting=m.counting, normalization=m.normalization)
    for i, label in enumerate(m.labels):
        g.add_node(i + 1, label=_XML_ILLEGAL.sub("\ufffd", label), occurrences=int(m.occurrences[i]), cluster=int(m.cluster[i]),
                   total_link_strength=float(m.total_link_strength[i]),
                   x=float(m.xy[i, 0]), y=float(m.xy[i, 1]))
    g.add_edges_from((int(a) + 1, int(b) + 1, {"count": float(c), "strength": float(s)})
                     for a, b, c, s in zip(m.source, m.target, m.count, m.strength))
    buf = io.BytesIO()
    nx.write_graphml(g, buf)  # lxml writer when available (5x faster than generate_graphml)
    return buf.getvalue().decode("utf-8")
