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
    layout: Annotated[str, typer.Option(help="Layout of the figures and map files (with --out): force | vos (VOSviewer's VOS mapping)")] = "force",
    max_nodes: Annotated[int, typer.Option(help="Keywords drawn in HTML/PNG/SVG (most frequent).")] = 300,
    max_links: Annotated[int, typer.Option(help="Links drawn in HTML/PNG/SVG (largest counts).")] = 1000,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Build the keyword co-occurrence map: clusters, layout, HTML/PNG/SVG, VOSviewer, GraphML, CSV."""
    from rich.progress import Progress

    from ..cli_support import warn
    from ..errors import InputError
    from ..outputs import write_chunks
    from .export import network_json_chunks
    from .network import LAYOUTS
    from .options import check_choice, check_options
    from .pipeline import build_network, write_network_files

    check_options(min_occurrences=min_occurrences, counting=counting, normalization=normalization,
                  keywords=keywords, resolution=resolution, seed=seed, max_nodes=max_nodes, max_links=max_links,
                  max_keywords=max_keywords)
    check_choice("--layout", layout, LAYOUTS)
    if out is not None and out.exists() and not out.is_dir():
        raise InputError("option --out", f"{out} is a file", expected="a folder (created if missing)")
    written: list[Path] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("keyword network", total=len(exports) + 2 + 2 * (out is not None))

        def advance(name: str) -> None:
            progress.update(task, advance=1, description=name)

        run = build_network(exports, thesaurus=thesaurus, keywords=keywords, min_occurrences=min_occurrences,
                            max_keywords=max_keywords, counting=counting, normalization=normalization,
                            resolution=resolution, seed=seed, layout=layout if out is not None else None,
                            on_stage=advance)
        if out is not None:
            written = write_network_files(run.map, out, max_nodes=max_nodes, max_links=max_links, layout=layout,
                                          on_stage=advance)
    for note in run.notes:
        warn(note)
    m = run.map
    header = {"exports": [str(p) for p in exports], "records_read": run.records_read,
              "duplicates_removed": run.duplicates_removed, "records_used": run.records_used,
              "notes": list(run.notes),
              "keywords": keywords, "min_occurrences": min_occurrences, "max_keywords": max_keywords}
    n_clusters = int(m.cluster.max()) if len(m.labels) else 0
    summary = table(
        f"Keyword network: {run.records_used} records ({run.duplicates_removed} duplicates removed), "
        f"{len(m.labels)} keywords, {len(m.source)} links, {n_clusters} clusters",
        ["keyword", "occurrences (documents)", "cluster", f"total link strength ({counting} counting, documents)",
         "links (neighbour keywords)"],
        [(m.labels[i], int(m.occurrences[i]), int(m.cluster[i]), float(m.total_link_strength[i]), int(m.links[i]))
         for i in range(min(20, len(m.labels)))])
    if json_path is not None:  # streamed: a map of 10⁵–10⁶ links is never held as Python objects at once
        written.append(write_chunks(json_path, network_json_chunks(m, header)))
    emit(header, None, summary, written=written)


def register(app: typer.Typer) -> None:
    """Add the ``literature`` command group to the root app."""
    app.add_typer(group, name="literature")
