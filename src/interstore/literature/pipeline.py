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


@dataclass(frozen=True, repr=False)
class NetworkRun:
    """A keyword map and the record counts behind it."""

    map: KeywordMap
    records_read: int
    duplicates_removed: int
    records_used: int

    def __repr__(self) -> str:
        m = self.map
        top = ", ".join(m.labels[i] for i in sorted(range(len(m.labels)), key=lambda i: -m.occurrences[i])[:3])
        clusters = len(set(m.cluster.tolist()))
        return (f"<NetworkRun: {len(m.labels)} keywords in {clusters} clusters, {len(m.source)} links from "
                f"{self.records_used} records ({self.duplicates_removed} duplicates removed); most frequent: {top}>")

    def to_frame(self):
        """One row per keyword: occurrences (documents), links, total link strength, cluster, layout x, y."""
        from .export import keywords_frame

        return keywords_frame(self.map)


def build_network(exports: Sequence[str | Path], *, thesaurus: str | Path | None = None, keywords: str = "all",
                  min_occurrences: int = 2, max_keywords: int | None = None, counting: str = "full",
                  normalization: str = "association", resolution: float = 1.0, seed: int = 0,
                  on_stage: Callable[[str], None] | None = None) -> NetworkRun:
    """Read, de-duplicate, count, normalise, cluster and lay out; ``on_stage(name)`` is called
    after each file and each stage (for progress bars)."""
    from .cooccurrence import cooccurrence, incidence, strongest_keywords
    from .network import keyword_map
    from .normalize import read_thesaurus
    from .readers import read_export
    from .records import deduplicate

    def stage(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    thes = read_thesaurus(thesaurus) if thesaurus is not None else None
    records = []
    for path in exports:
        records.extend(read_export(path))
        stage(f"read {Path(path).name}")
    unique, removed = deduplicate(records)
    co = cooccurrence(incidence(unique, keywords, thes), min_occurrences=min_occurrences, counting=counting)
    co = strongest_keywords(co, max_keywords)
    stage("counted co-occurrences")
    m = keyword_map(co, normalization=normalization, resolution=resolution, seed=seed)
    stage("clustered and laid out")
    return NetworkRun(m, len(records), removed, len(unique))


def write_network_files(m: KeywordMap, out: str | Path, *, max_nodes: int = 300, max_links: int = 1000,
                        on_stage: Callable[[str], None] | None = None) -> list[Path]:
    """Write HTML, PNG, SVG, VOSviewer map + network + JSON, GraphML and CSV into ``out`` (atomically)."""
    import json

    import matplotlib

    from ..outputs import save_figure, write_csv, write_text
    from .export import graphml, keywords_frame, vosviewer_json, vosviewer_map, vosviewer_network
    from .plot import network_figure, network_html

    out = Path(out)
    written = [write_text(out / OUTPUT_FILES["html"], network_html(m, max_nodes=max_nodes, max_links=max_links))]
    if on_stage is not None:
        on_stage("wrote HTML")
    fig = network_figure(m, max_nodes=max_nodes, max_links=max_links)
    written.append(save_figure(fig, out / OUTPUT_FILES["png"]))
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep SVG text editable and searchable
        written.append(save_figure(fig, out / OUTPUT_FILES["svg"]))
    written.append(write_text(out / OUTPUT_FILES["vos_map"], vosviewer_map(m)))
    written.append(write_text(out / OUTPUT_FILES["vos_network"], vosviewer_network(m)))
    written.append(write_text(out / OUTPUT_FILES["vos_json"],  # compact, as VOSviewer writes it
                              json.dumps(vosviewer_json(m), ensure_ascii=False, separators=(",", ":"))))
    written.append(write_text(out / OUTPUT_FILES["graphml"], graphml(m)))
    written.append(write_csv(out / OUTPUT_FILES["csv"], keywords_frame(m)))
    if on_stage is not None:
        on_stage("wrote figures and tables")
    return written
