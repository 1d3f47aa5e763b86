"""Draw a :class:`KeywordMap`: matplotlib (PNG/SVG) and interactive plotly HTML.

Both show the ``max_nodes`` most frequent keywords and the ``max_links``
links among them with the largest counts (as VOSviewer does): marker AREA
∝ occurrences, line width ∝ normalised strength s_ij, colour = cluster.
Labels are placed most frequent first and skipped where they would overlap
one already placed (:func:`labelled_nodes`); hover shows every keyword.
Every keyword placed in HTML is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html

import numpy as np
from scipy import sparse

from .network import KeywordMap, laid_out, top_subset

MAX_NODES = 300
MAX_LINKS = 1000
_PALETTE = ("#d62728", "#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
            "#bcbd22", "#7f7f7f", "#aec7e8", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2")


def cluster_colour(cluster: int) -> str:
    """Colour of cluster 1, 2, … (cycling through 16 colours; VOSviewer-like order: red, green, blue…)."""
    return _PALETTE[(int(cluster) - 1) % len(_PALETTE)]


def labelled_nodes(xy: np.ndarray, labels: list[str], *, max_labels: int = 40, width: float = 900.0,
                   height: float = 750.0, font: float | np.ndarray = 11.0,
                   offset: float | np.ndarray = 4.0) -> np.ndarray:
    """Positions (into ``labels``, in priority order) of the labels that can be drawn without overlap.

    The points are drawn with equal x and y scale into a ``width × height`` area (pixels
    or points); label k is a box ``0.6·font[k]`` per character wide and ``1.2·font[k]``
    high, centred ``offset[k]`` above its point.  Going down the list (most frequent
    first), a label is kept when its box overlaps no kept box, up to ``max_labels``."""
    n = len(labels)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    font, offset = np.broadcast_to(font, n), np.broadcast_to(offset, n)
    span = xy.max(axis=0) - xy.min(axis=0)
    scale = min(width / span[0] if span[0] > 0 else np.inf, height / span[1] if span[1] > 0 else np.inf)
    px = (xy - xy.min(axis=0)) * (scale if np.isfinite(scale) else 1.0)
    kept: list[int] = []
    boxes = np.zeros((0, 4))                       # x0, x1, y0, y1
    for i, label in enumerate(labels):
        w, h = 0.6 * font[i] * len(label), 1.2 * font[i]
        box = np.array([px[i, 0] - w / 2, px[i, 0] + w / 2, px[i, 1] + offset[i], px[i, 1] + offset[i] + h])
        clash = (box[0] < boxes[:, 1]) & (boxes[:, 0] < box[1]) & (box[2] < boxes[:, 3]) & (boxes[:, 2] < box[3])
        if not clash.any():
            kept.append(i)
            boxes = np.vstack([boxes, box])
            if len(kept) == max_labels:
                break
    return np.asarray(kept, dtype=np.int64)


def _widths(strength: np.ndarray, max_width: float) -> np.ndarray:
    return max_width * strength / strength.max() if len(strength) and strength.max() > 0 else strength


COLOURS = ("cluster", "year")


def network_figure(m: KeywordMap, *, max_nodes: int = MAX_NODES, max_links: int = MAX_LINKS,
                   max_labels: int = 40, title: str = "Keyword association network", colour: str = "cluster"):
    """Matplotlib figure of the map (Agg backend); ``colour="year"`` gives the overlay map
    (nodes coloured by the average publication year of their documents, grey when unknown)."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    m = laid_out(m, None)
    nodes, links = top_subset(m, max_nodes=max_nodes, max_links=max_links)
    fig, ax = plt.subplots(figsize=(9, 7.5))
    segs = np.stack([m.xy[m.source[links]], m.xy[m.target[links]]], axis=1) if len(links) else np.zeros((0, 2, 2))
    ax.add_collection(LineCollection(segs, linewidths=0.2 + _widths(m.strength[links], 3.0),
                                     colors="#9a9a9a", alpha=0.45, zorder=1))
    occ = m.occurrences[nodes].astype(float)
    area = 900.0 * occ / occ.max() if len(occ) else occ
    if colour == "year":
        year = m.mean_year[nodes]
        known = ~np.isnan(year)
        ax.scatter(m.xy[nodes[~known], 0], m.xy[nodes[~known], 1], s=area[~known] + 8, c="#bbbbbb",
                   edgecolors="white", linewidths=0.6, zorder=2)
        points = ax.scatter(m.xy[nodes[known], 0], m.xy[nodes[known], 1], s=area[known] + 8, c=year[known],
                            cmap="viridis", edgecolors="white", linewidths=0.6, zorder=2)
        if known.any():
            fig.colorbar(points, ax=ax, shrink=0.6, label="average publication year of the documents (year)")
    else:
        ax.scatter(m.xy[nodes, 0], m.xy[nodes, 1], s=area + 8, c=[cluster_colour(c) for c in m.cluster[nodes]],
                   edgecolors="white", linewidths=0.6, zorder=2)
    radius_pt = np.sqrt((area + 8) / np.pi)  # marker radius in points
    font_pt = 7 + 5 * occ / occ.max() if len(occ) else occ
    # the axes are about 400 x 420 points (9 x 7.5 in figure, legend on the right)
    for k in labelled_nodes(m.xy[nodes], [m.labels[i] for i in nodes], max_labels=max_labels, width=400.0,
                            height=420.0, font=font_pt, offset=radius_pt + 1):
        i = nodes[k]
        ax.annotate(m.labels[i], m.xy[i], xytext=(0, radius_pt[k] + 1), textcoords="offset points",
                    fontsize=font_pt[k], ha="center", va="bottom", zorder=3)
    shown = m.cluster[nodes]
    handles = [Line2D([], [], marker="o", linestyle="", color=cluster_colour(c),
                      label=f"{c} ({int((shown == c).sum())} keywords): {m.labels[nodes[np.argmax(shown == c)]]}")
               for c in np.unique(shown)[:12]]
    if handles and colour == "cluster":
        ax.legend(handles=handles, title="cluster (size): most frequent keyword", fontsize=7, title_fontsize=7,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title(f"{title}: {len(nodes)} keywords, {len(links)} links (marker area ∝ occurrences, "
                 f"line width ∝ {m.normalization} strength, colour = {_COLOUR_MEANING[colour]})", fontsize=9)
    ax.set_xlabel("layout x (arb. units)")
    ax.set_ylabel("layout y (arb. units)")
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    return fig


_COLOUR_MEANING = {"cluster": "cluster", "year": "average publication year"}


def strongest_links(m: KeywordMap, nodes: np.ndarray, k: int = 5) -> list[list[tuple[str, float, float]]]:
    """For each node, its ``k`` strongest links as (neighbour label, s_ij, c_ij)."""
    n = len(m.labels)
    s = sparse.coo_matrix((np.r_[m.strength, m.strength], (np.r_[m.source, m.target], np.r_[m.target, m.source])),
                          shape=(n, n)).tocsr()
    c = sparse.coo_matrix((np.r_[m.count, m.count], (np.r_[m.source, m.target], np.r_[m.target, m.source])),
                          shape=(n, n)).tocsr()
    out = []
    for i in nodes:
        lo, hi = s.indptr[i], s.indptr[i + 1]
        cols, vals = s.indices[lo:hi], s.data[lo:hi]
        top = np.lexsort((cols, -vals))[:k]
        out.append([(m.labels[cols[t]], float(vals[t]), float(c[i, cols[t]])) for t in top])
    return out


def network_html(m: KeywordMap, *, max_nodes: int = MAX_NODES, max_links: int = MAX_LINKS,
                 max_labels: int = 60, title: str = "Keyword association network", colour: str = "cluster",
                 records: bool = True) -> str:
    """Self-contained interactive HTML (plotly.js inlined, works offline); ``colour="year"``
    gives the overlay map (see :func:`network_figure`); ``records``: clicking a keyword or a
    link lists the records behind it (:func:`records_panel`; needs ``m.papers``)."""
    import plotly.graph_objects as go

    m = laid_out(m, None)
    nodes, links = top_subset(m, max_nodes=max_nodes, max_links=max_links)
    fig = go.Figure()
    widths = 0.5 + _widths(m.strength[links], 5.0)
    bins = np.digitize(widths, np.linspace(widths.min(), widths.max(), 6)[1:-1]) if len(links) else widths
    for b in np.unique(bins):
        sel = links[bins == b]
        x = np.column_stack([m.xy[m.source[sel], 0], m.xy[m.target[sel], 0], np.full(len(sel), np.nan)]).ravel()
        y = np.column_stack([m.xy[m.source[sel], 1], m.xy[m.target[sel], 1], np.full(len(sel), np.nan)]).ravel()
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", hoverinfo="skip", showlegend=False,
                                 line={"width": float(widths[bins == b].mean()), "color": "rgba(120,120,120,0.35)"}))
    hover = []
    mean_year = m.mean_year
    for i, top in zip(nodes, strongest_links(m, nodes)):
        lines = [f"<b>{html.escape(m.labels[i])}</b>", f"occurrences: {m.occurrences[i]} documents",
                 f"total link strength: {m.total_link_strength[i]:.4g}", f"cluster: {m.cluster[i]}",
                 f"average publication year: {mean_year[i]:.1f}" if np.isfinite(mean_year[i]) else
                 "average publication year: unknown",
                 f"strongest links ({html.escape(m.normalization)} strength, co-occurrences):"]
        lines += [f"&nbsp;&nbsp;{html.escape(lab)}: {s:.3g} ({c:.4g})" for lab, s, c in top]
        hover.append("<br>".join(lines))
    hover = np.asarray(hover, dtype=object)
    size_ref = 2.0 * m.occurrences[0] / 60.0 ** 2 if len(nodes) else 1.0
    shown = np.zeros(len(nodes), dtype=bool)
    shown[labelled_nodes(m.xy[nodes], [m.labels[i] for i in nodes], max_labels=max_labels)] = True
    if colour == "year":
        known = np.isfinite(mean_year[nodes])
        groups = [("year unknown", np.flatnonzero(~known), "#bbbbbb"),
                  ("average publication year", np.flatnonzero(known), None)]
    else:
        groups = [(f"cluster {cl}", np.flatnonzero(m.cluster[nodes] == cl), cluster_colour(cl))
                  for cl in np.unique(m.cluster[nodes])]
    for name, sel, fixed in groups:
        idx = nodes[sel]
        marker = {"size": m.occurrences[idx].tolist(), "sizemode": "area", "sizeref": size_ref, "sizemin": 3,
                  "color": fixed, "line": {"width": 0.5, "color": "white"}}
        if fixed is None:
            marker.update(color=mean_year[idx].tolist(), colorscale="Viridis",
                          colorbar={"title": "average publication year (year)"})
        fig.add_trace(go.Scatter(
            x=m.xy[idx, 0], y=m.xy[idx, 1], mode="markers+text", name=name,
            text=[html.escape(m.labels[i]) if shown[r] else "" for r, i in zip(sel, idx)],
            textposition="top center", hovertext=hover[sel].tolist(), hoverinfo="text",
            customdata=[f"n:{i}" for i in idx.tolist()], marker=marker))
    if len(links):  # a clickable point in the middle of every drawn link
        mid = (m.xy[m.source[links]] + m.xy[m.target[links]]) / 2
        fig.add_trace(go.Scatter(
            x=mid[:, 0], y=mid[:, 1], mode="markers", showlegend=False, hoverinfo="text",
            hovertext=[f"{html.escape(m.labels[m.source[k]])} — {html.escape(m.labels[m.target[k]])}: "
                       f"{m.count[k]:.4g} co-occurrences, {html.escape(m.normalization)} strength {m.strength[k]:.3g}"
                       for k in links.tolist()],
            customdata=[f"l:{k}" for k in links.tolist()],
            marker={"size": 7, "color": "rgba(0,0,0,0)"}))
    fig.update_layout(
        title=html.escape(f"{title}: {len(nodes)} keywords, {len(links)} links ({m.counting} counting, "
                          f"{m.normalization} strength, colour = {_COLOUR_MEANING[colour]})"),
        xaxis={"title": "layout x (arb. units)", "showgrid": False, "zeroline": False},
        yaxis={"title": "layout y (arb. units)", "showgrid": False, "zeroline": False, "scaleanchor": "x"},
        plot_bgcolor="white", hovermode="closest", template="plotly_white", height=800)
    records = records and m.papers is not None
    page = fig.to_html(include_plotlyjs=True, full_html=True, div_id="interstore-map",
                       post_script=_CLICK_SCRIPT if records else None)
    if not records:
        return page
    return page.replace("<body>", "<body>\n" + records_panel(m, nodes, links), 1)


MAX_RECORDS = 50  # records listed per keyword and link on click (all of them are in the CSV tables)


def records_panel(m: KeywordMap, nodes: np.ndarray, links: np.ndarray) -> str:
    """The records behind the drawn keywords, links and clusters as embedded JSON, and the panel
    that lists them (title, year, DOI) when a keyword or the middle of a link is clicked."""
    import json

    papers = m.papers
    refs: dict[int, int] = {}

    def cite(docs: np.ndarray, cap: int) -> list[int]:
        return [refs.setdefault(int(d), len(refs)) for d in docs[:cap]]

    node, link, cluster = {}, {}, {}
    for i in nodes.tolist():
        docs = papers.of_keyword(i)
        node[i] = {"label": m.labels[i], "cluster": int(m.cluster[i]), "docs": cite(docs, MAX_RECORDS), "n": len(docs)}
    for k in links.tolist():
        docs = papers.of_link(int(m.source[k]), int(m.target[k]))
        link[k] = {"label": f"{m.labels[m.source[k]]} — {m.labels[m.target[k]]}", "docs": cite(docs, MAX_RECORDS),
                   "n": len(docs)}
    for c in np.unique(m.cluster[nodes]).tolist():
        docs, held = papers.of_cluster(np.flatnonzero(m.cluster == c))
        cluster[c] = {"docs": cite(docs, 2 * MAX_RECORDS), "held": held[:2 * MAX_RECORDS].tolist(), "n": len(docs)}
    order = sorted(refs, key=refs.get)
    year = papers.year[order]
    data = {"papers": [[papers.title[d], None if np.isnan(y) else int(y), papers.doi[d]]
                       for d, y in zip(order, year.tolist())],
            "node": node, "link": link, "cluster": cluster}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # '<', '>', '&' as JSON escapes:
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")  # inert in HTML
    return (f'<script type="application/json" id="interstore-records">{text}</script>\n'
            '<div id="interstore-panel" style="font-family:sans-serif;font-size:13px;margin:0 2em">'
            "Click a keyword or the middle of a link to list the records behind it.</div>\n")


_CLICK_SCRIPT = """
var data = JSON.parse(document.getElementById('interstore-records').textContent);
var panel = document.getElementById('interstore-panel');
function recordTable(title, refs, total, held) {
  var h = document.createElement('h3'); h.textContent = title; panel.appendChild(h);
  var t = document.createElement('table'), head = t.insertRow();
  ['title', 'year', 'DOI'].concat(held ? ['cluster keywords held'] : []).forEach(function (x) {
    var th = document.createElement('th'); th.textContent = x; head.appendChild(th); });
  refs.forEach(function (r, k) {
    var p = data.papers[r], row = t.insertRow();
    row.insertCell().textContent = p[0];
    row.insertCell().textContent = p[1] === null ? '' : p[1];
    var cell = row.insertCell();
    if (p[2]) { var a = document.createElement('a'); a.href = 'https://doi.org/' + encodeURI(p[2]);
                a.rel = 'noopener'; a.textContent = p[2]; cell.appendChild(a); }
    if (held) { row.insertCell().textContent = held[k]; }
  });
  panel.appendChild(t);
  var note = document.createElement('p');
  note.textContent = refs.length + ' of ' + total + ' records shown' + (held ? ' (most cluster keywords first)' : ' (newest first)');
  panel.appendChild(note);
}
document.getElementById('interstore-map').on('plotly_click', function (ev) {
  var key = ev.points[0].customdata;
  if (typeof key !== 'string') { return; }
  var id = key.slice(2);
  panel.textContent = '';
  if (key[0] === 'n') {
    var n = data.node[id], c = data.cluster[n.cluster];
    recordTable(n.label + ': ' + n.n + ' records', n.docs, n.n);
    recordTable('cluster ' + n.cluster + ': ' + c.n + ' records', c.docs, c.n, c.held);
  } else if (key[0] === 'l') {
    var l = data.link[id];
    recordTable(l.label + ': ' + l.n + ' records', l.docs, l.n);
  }
});
"""
