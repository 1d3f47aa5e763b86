"""Exports → keyword map in one call, and writing every output file (used by the CLI and the report)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .network import KeywordMap

OUTPUT_FILES = {
    "html": "keyword_network.html", "png": "keyword_network.png", "svg": "keyword_network.svg",
    "vos_map": "vosviewer_map.txt", "vos_network": "vosviewer_network.txt", "vos_json": "vosviewer.json",
    "graphml": "keyword_network.graphml", "csv": "keywords.csv",
}


@dataclass(frozen=True)
class NetworkRun:
    """A keyword map, the record counts behind it and notes on what reading tolerated."""

    map: KeywordMap
    records_read: int
    duplicates_removed: int
    records_used: int
    notes: tuple[str, ...] = ()


def build_network(exports: Sequence[str | Path], *, thesaurus: str | Path | None = None, keywords: str = "all",
                  min_occurrences: int = 2, max_keywords: int | None = None, counting: str = "full",
                  normalization: str = "association", resolution: float = 1.0, seed: int = 0,
                  layout: str | None = None, on_stage: Callable[[str], None] | None = None) -> NetworkRun:
    """Read, de-duplicate, count, normalise and cluster (and lay out when ``layout`` names a
    method); ``on_stage(name)`` is called after each file and each stage (for progress bars)."""
    from .cooccurrence import cooccurrence, incidence, strongest_keywords
    from .network import keyword_map
    from .normalize import read_thesaurus
    from .readers import open_export
    from .records import deduplicate

    def stage(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    thes = read_thesaurus(thesaurus) if thesaurus is not None else None
    records, notes = [], []
    for path in exports:
        export = open_export(path)
        records.extend(export.records)
        if export.note:
            notes.append(export.note)
        stage(f"read {Path(path).name}")
    unique, removed = deduplicate(records)
    co = cooccurrence(incidence(unique, keywords, thes), min_occurrences=min_occurrences, counting=counting)
    co = strongest_keywords(co, max_keywords)
    stage("counted co-occurrences")
    m = keyword_map(co, normalization=normalization, resolution=resolution, seed=seed, layout=layout)
    stage("clustered" + (" and laid out" if layout else ""))
    return NetworkRun(m, len(records), removed, len(unique), tuple(notes))


def render_network_files(m: KeywordMap, *, max_nodes: int = 300, max_links: int = 1000,
                         layout: str = "force") -> dict[str, bytes]:
    """Every output file's name → content (HTML, PNG, SVG, VOSviewer map + network + JSON, GraphML,
    CSV), rendered in memory so that a failure leaves no partial set behind."""
    import io
    import json

    import matplotlib
    import matplotlib.pyplot as plt

    from .export import graphml, keywords_frame, vosviewer_json, vosviewer_map, vosviewer_network
    from .network import laid_out
    from .plot import network_figure, network_html

    m = laid_out(m, layout)
    files = {"html": network_html(m, max_nodes=max_nodes, max_links=max_links).encode()}
    fig = network_figure(m, max_nodes=max_nodes, max_links=max_links)
    for kind in ("png", "svg"):
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep SVG text editable and searchable
            fig.savefig(buf, format=kind, dpi=200, bbox_inches="tight")
        files[kind] = buf.getvalue()
    plt.close(fig)
    files["vos_map"] = vosviewer_map(m).encode()
    files["vos_network"] = vosviewer_network(m).encode()
    files["vos_json"] = json.dumps(vosviewer_json(m), ensure_ascii=False, separators=(",", ":")).encode()
    files["graphml"] = graphml(m).encode()
    files["csv"] = keywords_frame(m).to_csv(index=False).encode()
    return {OUTPUT_FILES[kind]: data for kind, data in files.items()}


def write_network_files(m: KeywordMap, out: str | Path, *, max_nodes: int = 300, max_links: int = 1000,
                        layout: str = "force", on_stage: Callable[[str], None] | None = None) -> list[Path]:
    """Render every output (:func:`render_network_files`), then write them into ``out``, each atomically."""
    from ..outputs import write_bytes

    files = render_network_files(m, max_nodes=max_nodes, max_links=max_links, layout=layout)
    if on_stage is not None:
        on_stage("rendered figures and tables")
    written = [write_bytes(Path(out) / name, data) for name, data in files.items()]
    if on_stage is not None:
        on_stage("wrote files")
    return written
