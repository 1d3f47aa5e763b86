"""Exports → keyword map in one call, and writing every output file (used by the CLI and the report)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .network import KeywordMap
from .records import Record

OUTPUT_FILES = {
    "html": "keyword_network.html", "png": "keyword_network.png", "svg": "keyword_network.svg",
    "vos_map": "vosviewer_map.txt", "vos_network": "vosviewer_network.txt", "vos_json": "vosviewer.json",
    "graphml": "keyword_network.graphml", "csv": "keywords.csv",
    "overlay_html": "keyword_overlay.html", "overlay_png": "keyword_overlay.png", "overlay_svg": "keyword_overlay.svg",
    "density_html": "keyword_density.html", "density_png": "keyword_density.png", "density_svg": "keyword_density.svg",
    "link_records": "link_records.csv", "cluster_records": "cluster_records.csv",
}


@dataclass(frozen=True, repr=False)
class NetworkRun:
    """A keyword map, the record counts behind it and notes on what reading tolerated."""

    map: KeywordMap
    records_read: int
    duplicates_removed: int
    records_used: int
    notes: tuple[str, ...] = ()

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
                  layout: str | None = None, on_stage: Callable[[str], None] | None = None) -> NetworkRun:
    """Read, de-duplicate, count, normalise and cluster (and lay out when ``layout`` names a
    method); ``on_stage(name)`` is called after each file and each stage (for progress bars)."""
    from .cooccurrence import cooccurrence, incidence, strongest_keywords
    from .network import keyword_map
    from .normalize import read_thesaurus

    def stage(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    thes = read_thesaurus(thesaurus) if thesaurus is not None else None
    records, unique, notes = read_exports(exports, on_stage=on_stage)
    removed = len(records) - len(unique)
    co = cooccurrence(incidence(unique, keywords, thes), min_occurrences=min_occurrences, counting=counting)
    co = strongest_keywords(co, max_keywords)
    stage("counted co-occurrences")
    m = keyword_map(co, normalization=normalization, resolution=resolution, seed=seed, layout=layout)
    stage("clustered" + (" and laid out" if layout else ""))
    return NetworkRun(m, len(records), removed, len(unique), tuple(notes))


def read_exports(exports: Sequence[str | Path], *, on_stage: Callable[[str], None] | None = None
                 ) -> tuple[list[Record], list[Record], tuple[str, ...]]:
    """All records read, the de-duplicated ones and the readers' notes; ``on_stage`` after each file."""
    from .readers import open_export
    from .records import deduplicate

    records, notes = [], []
    for path in exports:
        export = open_export(path)
        records.extend(export.records)
        if export.note:
            notes.append(export.note)
        if on_stage is not None:
            on_stage(f"read {Path(path).name}")
    unique, _ = deduplicate(records)
    return records, unique, tuple(notes)


def write_network_files(m: KeywordMap, out: str | Path, *, max_nodes: int = 300, max_links: int = 1000,
                        layout: str | None = "force", on_stage: Callable[[str], None] | None = None) -> list[Path]:
    """Write the map (HTML, PNG, SVG), its overlay by publication year and its density view (HTML,
    PNG, SVG each), VOSviewer map + network + JSON, GraphML and CSV into ``out`` as one set.

    The files are written through :mod:`interstore.outputs` as one output set (the running
    command's, else one opened here): staged privately and moved into place only when every one
    is complete, so a failure leaves no partial set.  Large files are streamed, never held whole."""
    import io
    from contextlib import nullcontext

    import matplotlib
    import matplotlib.pyplot as plt

    from ..errors import InputError
    from ..fonts import use_fallback_fonts
    from ..outputs import active_output_set, neutralise_formulas, output_set, write_bytes, write_chunks
    from .export import (cluster_records_parts, csv_chunks, graphml_chunks, keywords_frame, link_records_frame,
                         vosviewer_json_chunks, vosviewer_map, vosviewer_network_chunks)
    from .network import laid_out, top_subset
    from .density import density_figure, density_html
    from .plot import network_figure, network_html

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file", expected="a folder (created if missing) for the outputs")
    m = laid_out(m, layout)
    written: list[Path] = []

    def text(kind: str, chunks) -> None:
        written.append(write_chunks(out / OUTPUT_FILES[kind], chunks))

    def figure(prefix: str, fig) -> None:
        use_fallback_fonts(fig)  # CJK and other non-Latin keywords without boxes
        with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep SVG text editable and searchable
            for kind in ("png", "svg"):
                buf = io.BytesIO()
                fig.savefig(buf, format=kind, dpi=200, bbox_inches="tight")
                written.append(write_bytes(out / OUTPUT_FILES[prefix + kind], buf.getvalue()))
        plt.close(fig)

    with nullcontext() if active_output_set() is not None else output_set():
        drawn = {"max_nodes": max_nodes, "max_links": max_links}
        text("html", [network_html(m, **drawn)])
        figure("", network_figure(m, **drawn))
        text("overlay_html", [network_html(m, **drawn, colour="year", title="Keyword overlay map", records=False)])
        figure("overlay_", network_figure(m, **drawn, colour="year", title="Keyword overlay map"))
        text("density_html", [density_html(m, max_nodes=max_nodes)])
        figure("density_", density_figure(m, max_nodes=max_nodes))
        if on_stage is not None:
            on_stage("drew network, overlay and density views")
        text("vos_map", [vosviewer_map(m)])
        text("vos_network", vosviewer_network_chunks(m))
        text("vos_json", vosviewer_json_chunks(m))  # compact, as VOSviewer writes it
        text("graphml", graphml_chunks(m))
        text("csv", [neutralise_formulas(keywords_frame(m)).to_csv(index=False)])  # CSV injection: text cells
        if m.papers is not None:
            text("link_records", [neutralise_formulas(link_records_frame(m, top_subset(m, **drawn)[1]))
                                  .to_csv(index=False)])
            text("cluster_records", csv_chunks(cluster_records_parts(m)))
    if on_stage is not None:
        on_stage("wrote VOSviewer, GraphML and CSV files")
    return sorted(written)
