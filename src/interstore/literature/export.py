"""Serialise a :class:`KeywordMap`: JSON payload, keyword table, VOSviewer map/network/JSON, GraphML.

VOSviewer map file (tab-separated, header):
``id  label  x  y  cluster  weight<Links>  weight<Total link strength>  weight<Occurrences>``;
network file (tab-separated, no header): ``id1  id2  strength`` with the
co-occurrence count c_ij as strength (VOSviewer normalises it itself).
Node ids are 1-based and follow the node order (most frequent first).
"""

from __future__ import annotations

import json
from typing import Iterator
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from .network import KeywordMap, laid_out
from .normalize import clean_label

UNITS = {
    "count": "documents (fractional documents with fractional counting) for links; documents for nodes",
    "total_link_strength": "sum of the node's link counts (same unit as a link count)",
    "strength": "dimensionless normalised link strength",
    "x": "arbitrary layout units (centred, unit RMS radius)",
    "y": "arbitrary layout units (centred, unit RMS radius)",
}
_COMPACT = (",", ":")
_CHUNK = 20_000  # links serialised per piece by the streaming writers


def _nodes(m: KeywordMap) -> list[dict]:
    nodes = [{"id": i + 1, "keyword": label, "count": o, "cluster": c, "total_link_strength": k, "links": n}
             for i, (label, o, c, k, n) in enumerate(zip(m.labels, m.occurrences.tolist(), m.cluster.tolist(),
                                                         m.total_link_strength.astype(float).tolist(),
                                                         m.links.tolist()))]
    if m.xy is not None:
        for node, (x, y) in zip(nodes, m.xy.tolist()):
            node["x"], node["y"] = x, y
    return nodes


def _edges(m: KeywordMap, lo: int, hi: int) -> list[dict]:
    labels = m.labels
    return [{"source": labels[a], "target": labels[b], "count": c, "strength": s}
            for a, b, c, s in zip(m.source[lo:hi].tolist(), m.target[lo:hi].tolist(),
                                  m.count[lo:hi].astype(float).tolist(), m.strength[lo:hi].astype(float).tolist())]


def _summary(m: KeywordMap) -> dict:
    return {"counting": m.counting, "normalization": m.normalization, "resolution": m.resolution, "seed": m.seed,
            "layout": m.layout, "n_keywords": len(m.labels), "n_links": len(m.source),
            "n_clusters": int(m.cluster.max()) if len(m.labels) else 0, "units": UNITS}


def network_payload(m: KeywordMap) -> dict:
    """JSON-ready dict: parameters, ``nodes`` [{id, keyword, count, cluster, total_link_strength,
    links, x, y}] (x, y only when laid out) and ``edges`` [{source, target, count, strength}]
    (keywords as source/target).  :func:`network_json_chunks` writes the same as text."""
    return {**_summary(m), "nodes": _nodes(m), "edges": _edges(m, 0, len(m.source))}


def _json_with_list(head: dict, key: str, n: int, items) -> Iterator[str]:
    """``{**head, key: [items(0, …), …]}`` as compact JSON pieces, ``items(lo, hi)`` per chunk."""
    text = json.dumps(head, ensure_ascii=False, separators=_COMPACT)
    yield text[:-1] + ("," if head else "") + json.dumps(key) + ":["
    for lo in range(0, n, _CHUNK):
        yield ("," if lo else "") + json.dumps(items(lo, min(n, lo + _CHUNK)), ensure_ascii=False,
                                               separators=_COMPACT)[1:-1]
    yield "]}"


def network_json_chunks(m: KeywordMap, header: dict | None = None) -> Iterator[str]:
    """``{**header, **network_payload(m)}`` as compact JSON text, piece by piece (the links are
    never all held as Python objects at once); ends with a newline."""
    from ..outputs import to_jsonable

    head = {**to_jsonable(header or {}), **_summary(m), "nodes": _nodes(m)}
    yield from _json_with_list(head, "edges", len(m.source), lambda lo, hi: _edges(m, lo, hi))
    yield "\n"


def keywords_frame(m: KeywordMap) -> pd.DataFrame:
    """One row per keyword: id, keyword, occurrences, links, total link strength, cluster, x, y
    (x, y only when laid out)."""
    frame = pd.DataFrame({
        "id": np.arange(1, len(m.labels) + 1), "keyword": list(m.labels),
        "occurrences_documents": m.occurrences, "links_count": m.links,
        "total_link_strength_documents": m.total_link_strength, "cluster": m.cluster,
    })
    if m.xy is not None:
        frame["x_arb"], frame["y_arb"] = m.xy[:, 0], m.xy[:, 1]
    return frame


def term_links(m: KeywordMap, terms_a: tuple[str, ...], terms_b: tuple[str, ...]) -> pd.DataFrame:
    """Links between keywords containing one of ``terms_a`` and keywords containing one of ``terms_b``
    (case-insensitive substrings; e.g. ("interface",) and ("capacity", "kinetic")): keyword_a, cluster_a,
    keyword_b, cluster_b, co_occurrences_documents, strength; largest counts first."""
    def matches(terms: tuple[str, ...]) -> np.ndarray:
        folded = [t.casefold() for t in terms]
        return np.array([any(t in label.casefold() for t in folded) for label in m.labels], dtype=bool)

    in_a, in_b = matches(terms_a), matches(terms_b)
    rows = []
    for k, (i, j) in enumerate(zip(m.source.tolist(), m.target.tolist())):
        for p, q in ((i, j), (j, i)):
            if in_a[p] and in_b[q] and not (in_a[q] and in_b[p] and p > q):
                rows.append((m.labels[p], int(m.cluster[p]), m.labels[q], int(m.cluster[q]), float(m.count[k]),
                             float(m.strength[k])))
                break
    frame = pd.DataFrame(rows, columns=["keyword_a", "cluster_a", "keyword_b", "cluster_b",
                                        "co_occurrences_documents", "strength"])
    return frame.sort_values(["co_occurrences_documents", "strength"], ascending=False, ignore_index=True)


def link_records_frame(m: KeywordMap, links: np.ndarray) -> pd.DataFrame:
    """The records behind each of ``links`` (indices into the map's links): one row per (link, record),
    newest first: source, target, co_occurrences_documents, title, year, doi."""
    if m.papers is None:
        raise ValueError("the map carries no papers (build it with cooccurrence.incidence from records)")
    docs = [m.papers.of_link(int(m.source[k]), int(m.target[k])) for k in links.tolist()]
    sizes = np.array([len(d) for d in docs], dtype=np.int64)
    rows = m.papers.rows(np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64))
    rows.insert(0, "co_occurrences_documents", np.repeat(sizes, sizes))
    rows.insert(0, "target", [m.labels[b] for b in np.repeat(m.target[links], sizes).tolist()])
    rows.insert(0, "source", [m.labels[a] for a in np.repeat(m.source[links], sizes).tolist()])
    return rows


def cluster_records_frame(m: KeywordMap) -> pd.DataFrame:
    """The records behind each cluster: one row per (cluster, record holding ≥ 1 of its keywords),
    most of the cluster's keywords first: cluster, cluster_keywords_held, title, year, doi."""
    parts = list(cluster_records_parts(m))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_CLUSTER_RECORD_COLUMNS)


_CLUSTER_RECORD_COLUMNS = ["cluster", "cluster_keywords_held", "title", "year", "doi"]


def cluster_records_parts(m: KeywordMap) -> Iterator[pd.DataFrame]:
    """:func:`cluster_records_frame` one cluster at a time."""
    if m.papers is None:
        raise ValueError("the map carries no papers (build it with cooccurrence.incidence from records)")
    for c in np.unique(m.cluster).tolist():
        docs, held = m.papers.of_cluster(np.flatnonzero(m.cluster == c))
        rows = m.papers.rows(docs)
        rows.insert(0, "cluster_keywords_held", held)
        rows.insert(0, "cluster", c)
        yield rows


def csv_chunks(parts) -> Iterator[str]:
    """CSV text of consecutive DataFrames with the same columns (one header); text cells that a
    spreadsheet would run as formulas are defused (:func:`interstore.outputs.neutralise_formulas`)."""
    from ..outputs import neutralise_formulas

    for k, part in enumerate(parts):
        yield neutralise_formulas(part).to_csv(index=False, header=k == 0)


def vosviewer_map(m: KeywordMap) -> str:
    """VOSviewer map file text (lays the map out first if it has no coordinates)."""
    m = laid_out(m, None)
    rows = ["id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tweight<Occurrences>"]
    for i, label in enumerate(m.labels):
        rows.append(f"{i + 1}\t{clean_label(label)}\t{m.xy[i, 0]:.6f}\t{m.xy[i, 1]:.6f}\t{m.cluster[i]}\t"
                    f"{m.links[i]}\t{m.total_link_strength[i]:g}\t{m.occurrences[i]}")
    return "\n".join(rows) + "\n"


def vosviewer_network(m: KeywordMap) -> str:
    """VOSviewer network file text (``id1<TAB>id2<TAB>c_ij``)."""
    return "".join(vosviewer_network_chunks(m))


def vosviewer_network_chunks(m: KeywordMap) -> Iterator[str]:
    """:func:`vosviewer_network` piece by piece."""
    for lo in range(0, len(m.source), _CHUNK):
        hi = lo + _CHUNK
        yield "".join(f"{a}\t{b}\t{c:g}\n" for a, b, c in zip((m.source[lo:hi] + 1).tolist(),
                                                             (m.target[lo:hi] + 1).tolist(), m.count[lo:hi].tolist()))


def _vos_items(m: KeywordMap) -> list[dict]:
    return [{"id": i + 1, "label": label, "x": x, "y": y, "cluster": c,
             "weights": {"Links": n, "Total link strength": k, "Occurrences": o}}
            for i, (label, (x, y), c, n, k, o) in enumerate(zip(
                m.labels, m.xy.tolist(), m.cluster.tolist(), m.links.tolist(),
                m.total_link_strength.astype(float).tolist(), m.occurrences.tolist()))]


def _vos_links(m: KeywordMap, lo: int, hi: int) -> list[dict]:
    return [{"source_id": a, "target_id": b, "strength": c}
            for a, b, c in zip((m.source[lo:hi] + 1).tolist(), (m.target[lo:hi] + 1).tolist(),
                               m.count[lo:hi].astype(float).tolist())]


def vosviewer_json(m: KeywordMap) -> dict:
    """VOSviewer JSON (opens in VOSviewer ≥ 1.6.16 and VOSviewer Online): ``network.items`` with
    x, y, cluster and ``weights`` {Links, Total link strength, Occurrences}; ``network.links``
    with ``source_id``, ``target_id`` and ``strength`` = c_ij.  Lays the map out first if needed."""
    m = laid_out(m, None)
    return {"network": {"items": _vos_items(m), "links": _vos_links(m, 0, len(m.source))}}


def vosviewer_json_chunks(m: KeywordMap) -> Iterator[str]:
    """:func:`vosviewer_json` as compact JSON text, piece by piece."""
    m = laid_out(m, None)
    yield '{"network":'
    yield from _json_with_list({"items": _vos_items(m)}, "links", len(m.source), lambda lo, hi: _vos_links(m, lo, hi))
    yield "}"


_GRAPHML_KEYS = (("d0", "graph", "counting", "string"), ("d1", "graph", "normalization", "string"),
                 ("d2", "node", "label", "string"), ("d3", "node", "occurrences", "long"),
                 ("d4", "node", "cluster", "long"), ("d5", "node", "total_link_strength", "double"),
                 ("d6", "node", "x", "double"), ("d7", "node", "y", "double"),
                 ("d8", "edge", "count", "double"), ("d9", "edge", "strength", "double"))


def graphml(m: KeywordMap) -> str:
    """GraphML with node attributes label, occurrences, cluster, total_link_strength,
    x, y and edge attributes count, strength (reads in networkx, igraph, Gephi, Cytoscape).
    Lays the map out first if needed."""
    return "".join(graphml_chunks(m))


def graphml_chunks(m: KeywordMap) -> Iterator[str]:
    """:func:`graphml` piece by piece (written directly: networkx needs 7 s and 170 MiB for 5·10⁵ links)."""
    m = laid_out(m, None)
    yield ('<?xml version=\'1.0\' encoding=\'utf-8\'?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/'
           'xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    yield "".join(f'<key id="{k}" for="{f}" attr.name="{n}" attr.type="{t}"/>\n' for k, f, n, t in _GRAPHML_KEYS)
    yield (f'<graph edgedefault="undirected">\n<data key="d0">{escape(m.counting)}</data>\n'
           f'<data key="d1">{escape(m.normalization)}</data>\n')
    yield "".join(
        f'<node id="{i + 1}"><data key="d2">{escape(clean_label(label))}</data><data key="d3">{o}</data>'
        f'<data key="d4">{c}</data><data key="d5">{k!r}</data><data key="d6">{x!r}</data>'
        f'<data key="d7">{y!r}</data></node>\n'
        for i, (label, o, c, k, (x, y)) in enumerate(zip(m.labels, m.occurrences.tolist(), m.cluster.tolist(),
                                                         m.total_link_strength.astype(float).tolist(), m.xy.tolist())))
    for lo in range(0, len(m.source), _CHUNK):
        hi = lo + _CHUNK
        yield "".join(f'<edge source="{a}" target="{b}"><data key="d8">{c!r}</data><data key="d9">{s!r}</data>'
                      f'</edge>\n'
                      for a, b, c, s in zip((m.source[lo:hi] + 1).tolist(), (m.target[lo:hi] + 1).tolist(),
                                            m.count[lo:hi].astype(float).tolist(),
                                            m.strength[lo:hi].astype(float).tolist()))
    yield "</graph>\n</graphml>\n"
