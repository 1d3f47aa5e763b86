"""``interstore literature network``: bibliographic exports → keyword association network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, console, emit, table

ExportsArg = Annotated[list[Path], typer.Argument(help="Scopus CSV, WoS plain/tab-delimited, RIS or BibTeX files.")]
KeywordsOpt = Annotated[str, typer.Option(help="all | author | index keywords")]
ThesaurusOpt = Annotated[Optional[Path], typer.Option(help="VOSviewer thesaurus file (label<TAB>replace by).")]

group = typer.Typer(help="Literature keyword association networks (VOSviewer-style).", no_args_is_help=True)


@group.command("network")
def network_cmd(
    exports: ExportsArg,
    min_occurrences: Annotated[int, typer.Option(help="Keep keywords in at least N documents.")] = 2,
    max_keywords: Annotated[Optional[int], typer.Option(
        help="Keep only the N keywords with the largest total link strength (VOSviewer's selection).")] = None,
    thesaurus: ThesaurusOpt = None,
    counting: Annotated[str, typer.Option(help="full | fractional")] = "full",
    normalization: Annotated[str, typer.Option(help="association | cosine | jaccard")] = "association",
    keywords: KeywordsOpt = "all",
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
    from ..bounds import require_distinct_files
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
    require_distinct_files("exports", exports)  # a slip: every record would be read twice and dropped as a duplicate
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


@group.command("bursts")
def bursts_cmd(
    exports: ExportsArg,
    min_occurrences: Annotated[int, typer.Option(help="Keep keywords in at least N documents.")] = 2,
    keywords: KeywordsOpt = "all",
    thesaurus: ThesaurusOpt = None,
    scale: Annotated[float, typer.Option(help="Burst rate / base rate s (> 1).")] = 2.0,
    gamma: Annotated[float, typer.Option(help="Cost of entering a burst, γ ln n (γ > 0).")] = 1.0,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Kleinberg bursts of keywords over publication years (CiteSpace's burst detection)."""
    from ..errors import InputError
    from ..outputs import write_csv
    from .bursts import keyword_bursts
    from .options import check_choice, check_int, check_positive
    from .pipeline import build_network

    check_int("--min-occurrences", min_occurrences, 1)
    check_choice("--keywords", keywords, ("all", "author", "index"))
    if check_positive("--scale", scale) <= 1:
        raise InputError("option --scale", f"got {scale!r}", expected="a number > 1")
    check_positive("--gamma", gamma)
    run = build_network(exports, thesaurus=thesaurus, keywords=keywords, min_occurrences=min_occurrences)
    frame = keyword_bursts(run.map, scale=scale, gamma=gamma)
    written = [write_csv(out / "keyword_bursts.csv", frame)] if out is not None else []
    result = {"exports": [str(p) for p in exports], "records_used": run.records_used, "scale": scale,
              "gamma": gamma, "units": {"strength": "dimensionless (cost saved by the burst state, nats)",
                                        "burst_start_year": "year", "burst_end_year": "year"},
              "bursts": frame.to_dict(orient="records")}
    summary = table(f"Keyword bursts (Kleinberg, s = {scale:g}, γ = {gamma:g}): {len(frame)} bursts in "
                    f"{run.records_used} records", ["keyword", "occurrences (documents)", "burst start (year)",
                                                    "burst end (year)", "strength (dimensionless)"],
                    [tuple(r) for r in frame.head(25).itertuples(index=False)])
    emit(result, json_path, summary, written=written)


@group.command("evolution")
def evolution_cmd(
    exports: ExportsArg,
    cuts: Annotated[str, typer.Option(help="Last year of each period but the last, comma-separated (2015,2020).")],
    min_occurrences: Annotated[int, typer.Option(help="Keep keywords in at least N documents of a period.")] = 2,
    keywords: KeywordsOpt = "all",
    thesaurus: ThesaurusOpt = None,
    resolution: Annotated[float, typer.Option(help="Leiden resolution γ (> 0).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of clustering.")] = 0,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Keyword networks per period and the mapping of their clusters (thematic evolution)."""
    from ..errors import InputError
    from ..outputs import write_csv
    from .cooccurrence import incidence
    from .evolution import cluster_mapping, cluster_names, time_slices
    from .normalize import read_thesaurus
    from .options import check_choice, check_int, check_positive
    from .pipeline import read_exports

    try:
        years = [int(c) for c in cuts.split(",") if c.strip()]
    except ValueError:
        raise InputError("option --cuts", f"got {cuts!r}", expected="comma-separated years, e.g. 2015,2020") from None
    check_int("--min-occurrences", min_occurrences, 1)
    check_choice("--keywords", keywords, ("all", "author", "index"))
    check_positive("--resolution", resolution)
    check_int("--seed", seed, 0)
    thes = read_thesaurus(thesaurus) if thesaurus is not None else None
    _, unique, _ = read_exports(exports)
    periods = time_slices(incidence(unique, keywords, thes), years, min_occurrences=min_occurrences,
                          resolution=resolution, seed=seed)
    mapping = cluster_mapping(periods)
    written = [write_csv(out / "cluster_evolution.csv", mapping)] if out is not None else []
    result = {"exports": [str(p) for p in exports], "cuts": years,
              "periods": [{"period": p.label, "first_year": p.first, "last_year": p.last,
                           "records": int(p.map.papers.holds.shape[0]), "n_keywords": len(p.map.labels),
                           "clusters": {str(c): name for c, name in cluster_names(p.map).items()}} for p in periods],
              "units": {"inclusion_index": "dimensionless, |A∩B| / min(|A|, |B|)"},
              "mapping": mapping.to_dict(orient="records")}
    summary = table("Thematic evolution: clusters linked between consecutive periods",
                    ["from period", "from cluster", "to period", "to cluster", "shared keywords",
                     "inclusion index (dimensionless)"],
                    [(r.from_period, f"{r.from_cluster}: {r.from_name}", r.to_period, f"{r.to_cluster}: {r.to_name}",
                      r.shared_keywords, r.inclusion_index) for r in mapping.itertuples()][:30])
    emit(result, json_path, summary, written=written)


@group.command("draw")
def draw_cmd(
    map_file: Annotated[Path, typer.Argument(
        help="VOSviewer map file (id, label, x, y, cluster, weights) or VOSviewer JSON (.json).")],
    network_file: Annotated[Optional[Path], typer.Argument(help="VOSviewer network file (id1, id2, strength).")] = None,
    normalization: Annotated[str, typer.Option(help="association | cosine | jaccard")] = "association",
    layout: Annotated[Optional[str], typer.Option(
        help="force | vos; default: the map file's x, y (force when it has none)")] = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Draw a VOSviewer map (+ network) file with interstore: every --out file, clusters and coordinates kept."""
    from ..outputs import write_chunks
    from .export import network_json_chunks
    from .network import LAYOUTS
    from .options import NORMALIZATIONS, check_choice
    from .pipeline import write_network_files
    from .vosviewer import read_vosviewer

    check_choice("--normalization", normalization, NORMALIZATIONS)
    if layout is not None:
        check_choice("--layout", layout, LAYOUTS)
    m = read_vosviewer(map_file, network_file, normalization=normalization)
    written = write_network_files(m, out, layout=layout) if out is not None else []
    header = {"map_file": str(map_file), "network_file": None if network_file is None else str(network_file)}
    if json_path is not None:
        written.append(write_chunks(json_path, network_json_chunks(m, header)))
    summary = table(f"VOSviewer map: {len(m.labels)} items, {len(m.source)} links, "
                    f"{int(m.cluster.max()) if len(m.labels) else 0} clusters",
                    ["label", "occurrences (documents)", "cluster", "total link strength (as read)"],
                    [(m.labels[i], int(m.occurrences[i]), int(m.cluster[i]), float(m.total_link_strength[i]))
                     for i in range(min(20, len(m.labels)))])
    emit(header, None, summary, written=written)


def register(app: typer.Typer) -> None:
    """Add the ``literature`` command group to the root app."""
    app.add_typer(group, name="literature")
