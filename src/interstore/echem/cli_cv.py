"""``interstore cv``: CV kinetics (b-value, Dunn split, Trasatti) of one electrode at several scan rates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import (ColumnsOption, InstrumentOption, JsonOption, OutOption, console, emit,
                           parse_float_list, table, warn)
from ..bounds import require_distinct_files, require_in_range
from ..errors import InputError, require_positive

group = typer.Typer(help="Cyclic voltammetry kinetics: b-values, Dunn capacitive split, Trasatti charges.",
                    no_args_is_help=True)


def _tables(result: dict) -> list:
    from .cv_analysis import dunn_warning, trasatti_warning

    basis = result["mass_basis"]
    per_g = basis["mass_mg"] is not None
    qunit = f"C g⁻¹, {basis['label']}" if per_g else "C, absolute: no mass given"
    b_rows = [(r["peak"], r["branch"], r["potential_V"], r["b"], r["stderr"], r["r2"], r["n_rates"])
              for r in result["b_values"]]
    t = result["trasatti"]
    q = [t[f"q_{k}_C_g"] if per_g else t[f"q_{k}_C"] for k in ("outer", "total", "inner")]
    ir = (f"E iR-corrected with R_s = {result['r_s_ohm']:g} Ω" if result["r_s_ohm"]
          else "E not iR-corrected (--rs-ohm default 0 Ω)")
    return [
        table(f"b-values, i_p = a·v^b; {ir}", ("peak", "branch", "E_p at slowest rate (V)", "b", "± stderr", "R²",
                                              "n rates"), b_rows),
        table("Dunn split i = k1·v + k2·v^½", ("scan rate (mV s⁻¹)", "capacitive (%)", "diffusive (%)"),
              [(d["scan_rate_mV_s"], 100 * d["capacitive_fraction"], 100 * (1 - d["capacitive_fraction"]))
               for d in result["dunn"]], caption=_warning(dunn_warning(result["dunn_flags"]))),
        table(f"Trasatti charges ({qunit})", ("q_outer", "q_total", "q_inner", "R² outer", "R² total", "linear?"),
              [(*q, t["r2_outer"], t["r2_total"], "no (warning)" if t["linear_warning"] else "yes")],
              caption=_warning(trasatti_warning(t))),
    ]


def _warning(text: str) -> str | None:
    """A table caption for a kinetics qualifier (None when there is nothing to qualify)."""
    return f"caution: {text}" if text else None


def _write_outputs(analysis, out: Path) -> list[Path]:
    """Figures (PNG) and CSV tables: k1/k2 and b(V) profiles, capacitive fractions, peaks per rate."""
    import pandas as pd
    from rich.progress import track

    from ..outputs import save_figure, write_csv
    from .plots_cv import cv_figures

    figures = cv_figures(analysis)
    written = [save_figure(fig, out / f"{name}.png") for name, fig in
               track(figures.items(), total=len(figures), description="writing figures", console=console,
                     transient=True)]
    profiles = {"potential_V": analysis.potential_V}
    for name, fit in (("anodic", analysis.anodic), ("cathodic", analysis.cathodic)):
        profiles |= {f"k1_{name}_F": fit.k1_F, f"k2_{name}_A_s05_V05": fit.k2_A_s05_V05,
                     f"flagged_{name}": fit.flagged, f"b_{name}": analysis.b_of_potential(name)}
    written.append(write_csv(out / "cv_profiles.csv", pd.DataFrame(profiles)))
    result = analysis.to_dict()
    written.append(write_csv(out / "cv_capacitive_fraction.csv", pd.DataFrame(result["dunn"])))
    written.append(write_csv(out / "cv_peaks.csv", pd.DataFrame(
        [{"peak": p["peak"], "branch": p["branch"], "scan_rate_mV_s": v, "potential_V": e, "current_A": i}
         for p in result["peaks"] for v, e, i in zip(p["scan_rate_mV_s"], p["potential_V"], p["current_A"])],
        columns=["peak", "branch", "scan_rate_mV_s", "potential_V", "current_A"])))
    return written


@group.command("analyze")
def analyze(
    files: Annotated[list[Path], typer.Argument(help="CV files, one per scan rate (any format the readers know).")],
    scan_rates: Annotated[Optional[str], typer.Option(
        "--scan-rates", help="Scan rates in mV/s, one per file in order, e.g. 0.1,0.2,0.5,1.0 "
        "(default: from the files, else estimated from dE/dt).")] = None,
    mass_mg: Annotated[Optional[float], typer.Option(
        "--mass-mg", help="Active-material mass in mg (specific currents and charges).")] = None,
    rs_ohm: Annotated[float, typer.Option("--rs-ohm", help="Series resistance R_s in ohm: E_corr = E - i·R_s.")] = 0.0,
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    cycle: Annotated[Optional[int], typer.Option("--cycle", help="Cycle to analyse (default: last complete).")] = None,
    r2_threshold: Annotated[float, typer.Option(
        "--r2-threshold", help="Trasatti fits with R² below this are flagged non-linear.")] = 0.98,
    trasatti_outer_min: Annotated[Optional[float], typer.Option(
        "--trasatti-outer-min", help="Fit q vs v^-1/2 (q_outer) only on scan rates >= this (mV/s).")] = None,
    trasatti_total_max: Annotated[Optional[float], typer.Option(
        "--trasatti-total-max", help="Fit 1/q vs v^1/2 (q_total) only on scan rates <= this (mV/s).")] = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """b-value of each peak, Dunn capacitive fraction per scan rate and Trasatti q_outer/q_total."""
    from rich.progress import track

    from .cv_analysis import analyze_cv
    from .readers import parse_column_mapping, read_measurement

    rates = parse_float_list(scan_rates, "--scan-rates")
    if rates is not None:  # bounded before any file is read with them
        rates = [require_in_range("--scan-rates", r, "scan_rate_mV_s") for r in rates]
    if rates is not None and len(rates) != len(files):
        raise InputError("option --scan-rates", f"{len(rates)} scan rate(s) for {len(files)} file(s)",
                         expected="one scan rate in mV/s per file, in file order")
    mass_g = None if mass_mg is None else require_in_range("--mass-mg", mass_mg, "mass_mg") * 1e-3
    require_in_range("--rs-ohm", rs_ohm, "resistance_ohm")
    require_distinct_files("CV files", files)
    for name, limit in (("--trasatti-outer-min", trasatti_outer_min), ("--trasatti-total-max", trasatti_total_max)):
        if limit is not None:
            require_positive(name, limit)
    if not 0 < r2_threshold <= 1:
        raise InputError("option --r2-threshold", f"got {r2_threshold}", expected="0 < R² threshold <= 1")
    if cycle is not None and cycle < 0:
        raise InputError("option --cycle", f"got {cycle}", expected="a cycle number >= 0")
    mapping = parse_column_mapping(columns) if columns else None

    given = rates or [None] * len(files)  # a given rate also times a file of potential and current only
    measurements = [read_measurement(f, columns=mapping, instrument=instrument, scan_rate_mV_s=v) for f, v in
                    track(list(zip(files, given)), description="reading CV files", console=console, transient=True)]
    analysis = analyze_cv(measurements, rates, mass_g=mass_g, r_s_ohm=rs_ohm, cycle=cycle,
                          r2_threshold=r2_threshold, trasatti_outer_min_rate_mV_s=trasatti_outer_min,
                          trasatti_total_max_rate_mV_s=trasatti_total_max)
    result = analysis.to_dict()
    written = _write_outputs(analysis, out) if out is not None else []
    emit(result, json_path, *_tables(result), written=written)
    for w in result["warnings"]:
        warn(w)


@group.command("sweeps")
def sweeps(
    file: Annotated[Path, typer.Argument(help="A CV file (any format the readers know).")],
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """List the sweeps and cycles found in a CV file, with the scan rate of each from dE/dt."""
    from .cv_segments import describe_sweeps
    from .readers import parse_column_mapping, read_measurement

    m = read_measurement(file, columns=parse_column_mapping(columns) if columns else None, instrument=instrument)
    records = describe_sweeps(m)
    result = {"source": m.source, "scan_rate_mV_s_recorded": m.scan_rate_mV_s, "sweeps": records}
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import save_figure, write_csv
        from .plots_cv import sweeps_figure

        written = [write_csv(out / "cv_sweeps.csv", pd.DataFrame(records)),
                   save_figure(sweeps_figure(m, records), out / "cv_sweeps.png")]
    rows = [(r["sweep"], r["direction"], f"{r['first_row']}–{r['last_row']}",
             f"{r['E_start_V']:.3f} → {r['E_end_V']:.3f}", r["scan_rate_mV_s"], r["ramp_r2"],
             r["cycle"] if r["full"] else "partial") for r in records]
    emit(result, json_path, table(f"Sweeps of {m.source}", ("#", "direction", "rows", "E (V)", "dE/dt (mV s⁻¹)",
                                                            "ramp R²", "cycle"), rows), written=written)


def register(app: typer.Typer) -> None:
    """Add the ``cv`` command group to the root app."""
    app.add_typer(group, name="cv")
