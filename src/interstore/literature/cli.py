"""``interstore literature network``: bibliographic exports → keyword association network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, console, emit, table

group = typer.Typer(help="Literature keyword association networks (VOSviewer-style).", no_args_is_help=True)

OUTPUT_FILES = {
    "html": "keyword_network.html", "png": "keyword_network.png", "svg": "keyword_network.svg",
    "vos_map": "vosviewer_map.txt", "vos_network": "vosviewer_network.txt",
    "graphml": "keyword_network.graphml", "csv": "keywords.csv",
}


@group.command("network")
def network_cmd(
    exports: Annotated[list[Path], typer.Argument(help="Scopus CSV, WoS plain/tab-delimited, RIS or BibTeX files.")],
    min_occurrences: Annotated[int, typer.Option(help="Keep keywords in at least N documents.")] = 2,
    max_keywords: Annotated[Optional[int], typer.Option(
        help="Keep only the N keywords with the largest total link strength (VOSviewer's selection).")] = None,
    thesaurus: Annotated[Optional[Path], typer.Option(help="VOSviewer thesaurus file (label<TAB>replace by).")] = None,
    counting: Annotated[str, typer.Option(help="full | fractional")] = "full",
    normalization: Annotated[str, typer.Option(help="association | cosine | jaccard")] = "association",
    keywords: Annotated[str, typer.Option(help="all | author | index keywords")] = "all",
    resolution: Annotated[float, typer.Option(help="Leiden resolution γ (> 0).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of clustering and layout.")] = 0,
    max_nodes: Annotated[int, typer.Option(help="Keywords drawn in HTML/PNG/SVG (most frequent).")] = 300,
    max_links: Annotated[int, typer.Option(help="Links drawn in HTML/PNG/SVG (largest counts).")] = 1000,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Build the keyword co-occurrence map: clusters, layout, HTML/PNG/SVG, VOSviewer, GraphML, CSV."""
    from rich.markup import escape
    from rich.progress import Progress

    from ..errors import InputError
    from ..outputs import save_figure, write_csv, write_text
    from .cooccurrence import cooccurrence, incidence, strongest_keywords
    from .export import graphml, keywords_frame, network_payload, vosviewer_map, vosviewer_network
    from .network import keyword_map
    from .normalize import read_thesaurus
    from .options import check_options
    from .readers import read_export
    from .records import deduplicate

    check_options(min_occurrences=min_occurrences, counting=counting, normalization=normalization,
                  keywords=keywords, resolution=resolution, seed=seed, max_nodes=max_nodes, max_links=max_links,
                  max_keywords=max_keywords)
    if out is not None and out.exists() and not out.is_dir():
        raise InputError("option --out", f"{out} is a file", expected="a folder (created if missing)")
    thes = read_thesaurus(thesaurus) if thesaurus is not None else None
    written: list[Path] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("reading exports", total=len(exports) + 2 + 2 * (out is not None))
        records = []
        for path in exports:
            records.extend(read_export(path))
            progress.advance(task)
        unique, removed = deduplicate(records)
        progress.update(task, description="counting co-occurrences")
        co = strongest_keywords(cooccurrence(incidence(unique, keywords, thes), min_occurrences=min_occurrences,
                                             counting=counting), max_keywords)
        progress.advance(task)
        progress.update(task, description="clustering and layout")
        m = keyword_map(co, normalization=normalization, resolution=resolution, seed=seed)
        progress.advance(task)
        result = {"exports": [str(p) for p in exports], "records_read": len(records),
                  "duplicates_removed": removed, "records_used": len(unique), "keywords": keywords,
                  "min_occurrences": min_occurrences, "max_keywords": max_keywords, **network_payload(m)}
        if out is not None:
            progress.update(task, description="writing figures and tables")
            import matplotlib

            from .plot import network_figure, network_html

            written.append(write_text(out / OUTPUT_FILES["html"], network_html(m, max_nodes=max_nodes,
                                                                               max_links=max_links)))
            progress.advance(task)
            fig = network_figure(m, max_nodes=max_nodes, max_links=max_links)
            written.append(save_figure(fig, out / OUTPUT_FILES["png"]))
            with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep SVG text editable and searchable
                written.append(save_figure(fig, out / OUTPUT_FILES["svg"]))
            written.append(write_text(out / OUTPUT_FILES["vos_map"], vosviewer_map(m)))
            written.append(write_text(out / OUTPUT_FILES["vos_network"], vosviewer_network(m)))
            written.append(write_text(out / OUTPUT_FILES["graphml"], graphml(m)))
            written.append(write_csv(out / OUTPUT_FILES["csv"], keywords_frame(m)))
            progress.advance(task)
    summary = table(
        f"Keyword network: {len(unique)} records ({removed} duplicates removed), {result['n_keywords']} keywords, "
        f"{result['n_links']} links, {result['n_clusters']} clusters",
        ["keyword", "occurrences (documents)", "cluster", f"total link strength ({counting} counting, documents)",
         "links (neighbour keywords)"],
        [(escape(n["keyword"]), n["count"], n["cluster"], n["total_link_strength"], n["links"])
         for n in result["nodes"][:20]])
    emit(result, json_path, summary, written=written)


def register(app: typer.Typer) -> None:
    """Add the ``literature`` command group to the root app."""
    app.add_typer(group, name="literature")
