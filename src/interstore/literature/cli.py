"""``interstore literature network``: bibliographic exports → keyword association network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, console, emit, table

group = typer.Typer(help="Literature keyword association networks (VOSviewer-style).", no_args_is_help=True)


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
    from rich.progress import Progress

    from ..bounds import require_distinct_files
    from ..errors import InputError
    from .export import network_payload
    from .options import check_options
    from .pipeline import build_network, write_network_files

    check_options(min_occurrences=min_occurrences, counting=counting, normalization=normalization,
                  keywords=keywords, resolution=resolution, seed=seed, max_nodes=max_nodes, max_links=max_links,
                  max_keywords=max_keywords)
    if out is not None and out.exists() and not out.is_dir():
        raise InputError("option --out", f"{out} is a file", expected="a folder (created if missing)")
    require_distinct_files("exports", exports)  # a slip: every record would be read twice and dropped as a duplicate
    written: list[Path] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("keyword network", total=len(exports) + 2 + 2 * (out is not None))

        def advance(name: str) -> None:
            progress.update(task, advance=1, description=name)

        run = build_network(exports, thesaurus=thesaurus, keywords=keywords, min_occurrences=min_occurrences,
                            max_keywords=max_keywords, counting=counting, normalization=normalization,
                            resolution=resolution, seed=seed, on_stage=advance)
        if out is not None:
            written = write_network_files(run.map, out, max_nodes=max_nodes, max_links=max_links, on_stage=advance)
    result = {"exports": [str(p) for p in exports], "records_read": run.records_read,
              "duplicates_removed": run.duplicates_removed, "records_used": run.records_used,
              "keywords": keywords, "min_occurrences": min_occurrences, "max_keywords": max_keywords,
              **network_payload(run.map)}
    summary = table(
        f"Keyword network: {run.records_used} records ({run.duplicates_removed} duplicates removed), {result['n_keywords']} keywords, "
        f"{result['n_links']} links, {result['n_clusters']} clusters",
        ["keyword", "occurrences (documents)", "cluster", f"total link strength ({counting} counting, documents)",
         "links (neighbour keywords)"],
        [(n["keyword"], n["count"], n["cluster"], n["total_link_strength"], n["links"])
         for n in result["nodes"][:20]])
    emit(result, json_path, summary, written=written)


def register(app: typer.Typer) -> None:
    """Add the ``literature`` command group to the root app."""
    app.add_typer(group, name="literature")
