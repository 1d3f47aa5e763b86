"""``interstore batch``: every supported cycling file of a folder or glob → one tidy per-cycle table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, console, emit, table, warn
from ..errors import InputError


def batch(
    target: Annotated[str, typer.Argument(help="Folder (searched recursively), glob pattern (quote it) or file.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for cycles.parquet, cycles.csv and files.csv.")],
    pattern: Annotated[Optional[str], typer.Option(
        "--pattern", help="Regex with named groups electrode, cell, rate applied to each file name, "
        "e.g. '(?P<electrode>[^_]+)_(?P<cell>\\d+)_(?P<rate>[\\d.]+)Ag'.")] = None,
    table_path: Annotated[Optional[Path], typer.Option(
        "--table", help="CSV with a 'file' column and any of electrode, cell, rate, mass_mg (mg of active).")] = None,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Address of a running dask scheduler (default: a local cluster on 127.0.0.1).")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", help="Local dask worker processes (1 thread each); 0 runs in this process.")] = 2,
    instrument: Annotated[Optional[str], typer.Option(
        "--instrument", help="Force the file format of every file (biologic, csv, ...); default: detected.")] = None,
    json_path: JsonOption = None,
) -> None:
    """Per-cycle capacity, CE, retention, energy and average voltage of every file, as one Parquet + CSV table."""
    from contextlib import nullcontext

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..cluster import dask_client
    from .batch import Grouping, find_files, run_batch, write_tables

    if workers < 0:
        raise InputError("option --workers", f"got {workers}", expected="0 (in this process) or more worker processes")
    grouping = Grouping.from_options(pattern, table_path)
    files = find_files(target)
    local = scheduler is None and workers == 0
    where = "this process" if local else (scheduler or f"local dask cluster, {workers} worker process(es) on 127.0.0.1")
    console.print(f"{len(files)} file(s); running on {where}", highlight=False, markup=False)
    context = nullcontext(None) if local else dask_client(scheduler, n_workers=workers, threads_per_worker=1,
                                                          processes=True)
    with context as client, Progress(TextColumn("analysing files"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("files", total=len(files))
        result = run_batch(files, grouping, client=client, instrument=instrument,
                           advance=lambda n: progress.advance(task, n))
    written = write_tables(result, out)
    t = result.table
    per_file = (t.groupby("file", sort=True).agg(cycles=("cycle", "size"), first=("discharge_capacity_mAh", "first"),
                                                   last=("discharge_capacity_mAh", "last")).reset_index()
                if len(t) else t)
    summary = {"files_found": len(files), "files_analysed": result.n_files, "cycles": int(len(t)),
               "skipped": [{"file": f, "reason": r} for f, r in result.skipped],
               "errors": [{"file": f, "error": e} for f, e in result.errors],
               "columns": list(t.columns), "run_on": where}
    rows = [(Path(r["file"]).name, int(r["cycles"]), r["first"], r["last"]) for r in per_file.to_dict("records")]
    emit(summary, json_path, table(f"{result.n_files} of {len(files)} file(s) analysed; {len(t)} cycles "
                                   "(capacities in mAh, absolute; per g where a mass is known)",
                                   ("file", "cycles", "first Q_dis (mAh)", "last Q_dis (mAh)"), rows), written=written)
    for f, r in result.skipped:
        warn(f"skipped {f}: {r}")
    for f, e in result.errors:
        warn(f"not analysed: {e}")


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command to the root app."""
    app.command("batch")(batch)
