"""Item density view of a keyword map (VOSviewer's "density visualization").

The density at a point x of the layout plane is a Gaussian kernel sum over the
drawn keywords, weighted by their occurrences o_i (documents):

    D(x) = Σ_i o_i · exp(−|x − x_i|² / (2 σ²)),      σ = h · d̄,

with d̄ the mean distance between two drawn keywords (layout units) and h the
kernel width (``kernel_width``, default 0.1, dimensionless).  D is in documents
(a keyword alone gives D = o_i at its own position); the figures show D / max D.
"""

from __future__ import annotations

import html

import numpy as np
from scipy.spatial.distance import pdist

from .network import KeywordMap, laid_out, top_subset
from .plot import MAX_NODES, labelled_nodes


def item_density(xy: np.ndarray, weights: np.ndarray, points: np.ndarray, sigma: float) -> np.ndarray:
    """D at each of ``points`` (k × 2) from items at ``xy`` (n × 2) with ``weights`` (see module docstring)."""
    d2 = ((points[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    return np.exp(-d2 / (2.0 * sigma ** 2)) @ weights


def density_grid(m: KeywordMap, *, max_nodes: int = MAX_NODES, kernel_width: float = 0.1,
                 resolution: int = 150) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(drawn nodes, grid x, grid y, D on the grid (resolution × resolution), documents)."""
    m = laid_out(m, None)
    nodes, _ = top_subset(m, max_nodes=max_nodes, max_links=0)
    xy = m.xy[nodes]
    mean_distance = float(pdist(xy).mean()) if len(nodes) > 1 else 1.0
    sigma = kernel_width * mean_distance
    lo, hi = xy.min(axis=0) - 3 * sigma, xy.max(axis=0) + 3 * sigma
    gx, gy = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    points = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    d = np.concatenate([item_density(xy, m.occurrences[nodes].astype(float), chunk, sigma)
                        for chunk in np.array_split(points, max(1, len(points) // 5000))])
    return nodes, gx, gy, d.reshape(resolution, resolution)


def density_figure(m: KeywordMap, *, max_nodes: int = MAX_NODES, max_labels: int = 40, kernel_width: float = 0.1,
                   title: str = "Keyword density"):
    """Matplotlib figure of the density view (the backend is the caller's; the CLI uses Agg)."""
    import matplotlib.pyplot as plt

    m = laid_out(m, None)
    nodes, gx, gy, d = density_grid(m, max_nodes=max_nodes, kernel_width=kernel_width)
    fig, ax = plt.subplots(figsize=(9, 7.5))
    shade = ax.imshow(d / d.max(), origin="lower", extent=(gx[0], gx[-1], gy[0], gy[-1]), cmap="YlGnBu_r",
                      vmin=0, vmax=1, aspect="equal")
    fig.colorbar(shade, ax=ax, shrink=0.6, label="item density D / max D (occurrence-weighted, dimensionless)")
    for k in labelled_nodes(m.xy[nodes], [m.labels[i] for i in nodes], max_labels=max_labels, width=400.0,
                            height=420.0, font=9.0, offset=-4.5):
        i = nodes[k]
        ax.annotate(m.labels[i], m.xy[i], ha="center", va="center", fontsize=9, color="black")
    ax.set_title(f"{title}: {len(nodes)} keywords (Gaussian kernel, σ = {kernel_width:g} × mean distance, "
                 f"weights = occurrences)", fontsize=9)
    ax.set_xlabel("layout x (arb. units)")
    ax.set_ylabel("layout y (arb. units)")
    return fig


def density_html(m: KeywordMap, *, max_nodes: int = MAX_NODES, max_labels: int = 60, kernel_width: float = 0.1,
                 title: str = "Keyword density") -> str:
    """Self-contained interactive HTML of the density view (plotly.js inlined)."""
    import plotly.graph_objects as go

    m = laid_out(m, None)
    nodes, gx, gy, d = density_grid(m, max_nodes=max_nodes, kernel_width=kernel_width)
    shown = labelled_nodes(m.xy[nodes], [m.labels[i] for i in nodes], max_labels=max_labels, offset=-6.5)
    idx = nodes[shown]
    fig = go.Figure(go.Heatmap(x=gx, y=gy, z=d / d.max(), colorscale="YlGnBu", reversescale=True, zmin=0, zmax=1,
                               colorbar={"title": "D / max D"}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=m.xy[idx, 0], y=m.xy[idx, 1], mode="text", showlegend=False,
                             text=[html.escape(m.labels[i]) for i in idx],
                             hovertext=[f"{html.escape(m.labels[i])}: {m.occurrences[i]} documents" for i in idx],
                             hoverinfo="text"))
    fig.update_layout(
        title=html.escape(f"{title}: {len(nodes)} keywords (Gaussian kernel, σ = {kernel_width:g} × mean distance, "
                          f"weights = occurrences)"),
        xaxis={"title": "layout x (arb. units)", "showgrid": False, "zeroline": False},
        yaxis={"title": "layout y (arb. units)", "showgrid": False, "zeroline": False, "scaleanchor": "x"},
        template="plotly_white", height=800)
    return fig.to_html(include_plotlyjs=True, full_html=True)
