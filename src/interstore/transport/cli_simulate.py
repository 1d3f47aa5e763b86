"""``interstore simulate``: transient electrode simulations from a TOML config
(discharge curves, the Ragone conflict, simulated CVs through the echem analysis, design maps)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, console, emit, parse_float_list, table, warn
from ..errors import InputError

group = typer.Typer(help="Transient electrode simulator: discharge, Ragone, CV and design maps.",
                    no_args_is_help=True)

ConfigArg = Annotated[Path, typer.Argument(help="Simulation config (TOML), e.g. examples/transport/vox_rgo.toml.")]
RatesOption = Annotated[Optional[str], typer.Option(
    "--rates", help="Comma-separated specific currents in A g⁻¹ of the config's mass basis (default: discharge "
    "0.1,1,10; ragone 12 currents from 0.1 to 100, log-spaced).")]


@contextmanager
def _progress(description: str, total: int):
    """A rich progress bar; yields a no-argument advance() callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


def _rates(text: str | None, default) -> list[float]:
    rates = parse_float_list(text, "--rates") or list(default)
    bad = [r for r in rates if not r > 0]
    if bad:
        raise InputError("option --rates", f"non-positive current {bad[0]!r}", expected="currents > 0 A/g")
    return rates


@group.command("discharge")
def discharge(config: ConfigArg, rates: RatesOption = None,
              bulk_only: Annotated[bool, typer.Option("--bulk-only", help="Switch the interface reservoir off.")]
              = False,
              charge: Annotated[bool, typer.Option("--charge", help="Charge from v_min instead of discharging.")]
              = False,
              json_path: JsonOption = None, out: OutOption = None) -> None:
    """Galvanostatic voltage–capacity curves at the given rates."""
    import pandas as pd

    from ..outputs import save_figure, write_csv
    from .cellconfig import load_cell_config
    from .electrode import simulate_galvanostatic_batch
    from .plots_simulation import discharge_figure

    cfg = load_cell_config(config)
    currents = _rates(rates, (0.1, 1.0, 10.0))
    direction = "charge" if charge else "discharge"
    with _progress(f"simulating {direction}s", len(currents)) as advance:
        runs = simulate_galvanostatic_batch(cfg, currents, bulk_only=bulk_only, direction=direction, progress=advance)
    d0 = runs[0]
    result = {
        "config": str(config), "direction": direction, "variant": "bulk_only" if bulk_only else "heterostructure",
        "mass_basis": d0.mass_basis, "mass_basis_label": d0.mass_basis_label,
        "runs": [{"current_A_g": d.current_A_g, "capacity_mAh_g": float(d.capacity_mAh_g[-1]),
                  "bulk_capacity_mAh_g": float(d.bulk_capacity_mAh_g[-1]),
                  "interface_capacity_mAh_g": float(d.interface_capacity_mAh_g[-1]),
                  "energy_Wh_kg": d.energy_Wh_kg, "power_W_kg": d.power_W_kg, "duration_s": float(d.time_s[-1]),
                  "reached_cutoff": d.hit_cutoff, "charge_balance_rel_error": d.charge_balance_rel_error,
                  "curve": {"time_s": d.time_s, "potential_V": d.potential_V, "capacity_mAh_g": d.capacity_mAh_g}}
                 for d in runs],
    }
    result["warnings"] = [f"at {r['current_A_g']:g} A g⁻¹ the cell is past its cut-off at once (iR drop and "
                          "overpotential): no capacity, and no mean power"
                          for r in result["runs"] if r["duration_s"] == 0.0]
    basis = f"mAh g⁻¹ ({d0.mass_basis_label})"
    t = table(f"Simulated {direction} ({result['variant']}), capacities in {basis}",
              ["current (A g⁻¹)", f"capacity ({basis})", "bulk (mAh g⁻¹)", "interface (mAh g⁻¹)",
               "energy (Wh kg⁻¹)", "mean power (W kg⁻¹)"],
              [[r["current_A_g"], r["capacity_mAh_g"], r["bulk_capacity_mAh_g"], r["interface_capacity_mAh_g"],
                r["energy_Wh_kg"], r["power_W_kg"]] for r in result["runs"]])
    written = []
    if out is not None:
        frame = pd.concat([pd.DataFrame({"current_A_g": d.current_A_g, "time_s": d.time_s,
                                         "potential_V": d.potential_V, "capacity_mAh_g": d.capacity_mAh_g,
                                         "bulk_capacity_mAh_g": d.bulk_capacity_mAh_g,
                                         "interface_capacity_mAh_g": d.interface_capacity_mAh_g}) for d in runs])
        written = [write_csv(out / f"{direction}_curves.csv", frame),
                   save_figure(discharge_figure(runs, cfg.name), out / f"{direction}_curves.png")]
    emit(result, json_path, t, written=written)
    for w in result["warnings"]:
        warn(w)


@group.command("ragone")
def ragone(config: ConfigArg, rates: RatesOption = None, json_path: JsonOption = None, out: OutOption = None) -> None:
    """Ragone curves (energy vs mean power) of the heterostructure and of the bulk-only host."""
    import pandas as pd

    from ..outputs import save_figure, write_csv
    from .cellconfig import load_cell_config
    from .plots_simulation import ragone_figure
    from ..results import rate
    from .ragone import DEFAULT_RATES_A_G, ragone_curve

    cfg = load_cell_config(config)
    currents = _rates(rates, DEFAULT_RATES_A_G)
    if len(currents) < 2:
        raise InputError("option --rates", "only one current", expected="two or more currents (10+ recommended)")
    with _progress("simulating discharges", 2 * len(currents)) as advance:
        het = ragone_curve(cfg, currents, progress=advance)
        bulk = ragone_curve(cfg, currents, bulk_only=True, progress=advance)
    p_cmp = float(bulk.column("power_W_kg").max()) * 0.8
    result = {
        "config": str(config), "mass_basis": het.mass_basis, "mass_basis_label": het.mass_basis_label,
        "reference_capacity_mAh_g": het.reference_capacity_mAh_g,
        "curves": {c.variant: c.to_dict()["points"] for c in (het, bulk)},
        "comparison": {"power_W_kg": p_cmp, "heterostructure_energy_Wh_kg": het.energy_at_power(p_cmp),
                       "bulk_only_energy_Wh_kg": bulk.energy_at_power(p_cmp)},
    }
    basis = het.mass_basis_label
    t = table(f"Ragone conflict ({basis})",
              ["A g⁻¹", "C-rate (h⁻¹)", "Q hetero", "E hetero", "P hetero", "Q bulk", "E bulk", "P bulk"],
              [[rate(h.current_A_g), h.c_rate, h.capacity_mAh_g, h.energy_Wh_kg, h.power_W_kg, b.capacity_mAh_g,
                b.energy_Wh_kg, b.power_W_kg] for h, b in zip(het.points, bulk.points)],
              caption=f"Q capacity (mAh g⁻¹), E energy (Wh kg⁻¹), P mean power (W kg⁻¹), all per g of {basis}; "
                      "hetero = heterostructure, bulk = bulk-only host; C-rate against the host's theoretical "
                      f"{het.reference_capacity_mAh_g:.4g} mAh g⁻¹")
    written = []
    if out is not None:
        frame = pd.concat([pd.DataFrame(c.to_dict()["points"]).assign(variant=c.variant) for c in (het, bulk)])
        written = [write_csv(out / "ragone.csv", frame), save_figure(ragone_figure([het, bulk]), out / "ragone.png")]
    emit(result, json_path, t, written=written)


@group.command("cv")
def cv(config: ConfigArg,
       scan_rates: Annotated[str, typer.Option("--scan-rates", help="Comma-separated scan rates in mV s⁻¹.")]
       = "0.5,1,2,5,10",
       cycles: Annotated[int, typer.Option("--cycles", help="Full cycles per scan rate (the last is analysed).")]
       = 2,
       reservoirs: Annotated[str, typer.Option("--reservoirs", help="all, bulk or interface.")] = "all",
       write_cv: Annotated[bool, typer.Option("--write-cv", help="Write each CV as CSV (time_s, potential_V, "
                                              "current_A, cycle, step) into --out for 'interstore cv analyze'.")]
       = False,
       json_path: JsonOption = None, out: OutOption = None) -> None:
    """Simulated CVs at several scan rates, analysed by the echem code (b-values, Dunn, Trasatti)."""
    from ..echem.cv_analysis import analyze_cv
    from ..outputs import save_figure, write_csv
    from .cellconfig import load_cell_config
    from .electrode import simulate_cv
    from .model import RESERVOIR_CHOICES
    from .plots_simulation import cv_figure

    rates = parse_float_list(scan_rates, "--scan-rates") or []
    if len(rates) < 2 or min(rates) <= 0:
        raise InputError("option --scan-rates", f"got {scan_rates!r}", expected="two or more scan rates > 0 mV/s")
    if reservoirs not in RESERVOIR_CHOICES:
        raise InputError("option --reservoirs", f"got {reservoirs!r}", expected=" / ".join(RESERVOIR_CHOICES))
    if write_cv and out is None:
        raise InputError("option --write-cv", "needs an output folder", expected="--out DIR")
    cfg = load_cell_config(config)
    cvs = []
    with _progress("simulating CVs", len(rates)) as advance:
        for v in rates:
            cvs.append(simulate_cv(cfg, v, cycles=cycles, reservoirs=reservoirs))
            advance()
    analysis = analyze_cv(cvs)
    result = {"config": str(config), "reservoirs": reservoirs, "cycles": cycles, "scan_rates_mV_s": rates,
              "active_mass_g": cfg.cell.active_mass_g, "cv_analysis": analysis.to_dict()}
    b_rows = [[b["peak"], b["branch"], b["potential_V"], b["b"], b["r2"]] for b in result["cv_analysis"]["b_values"]]
    t1 = table("b-values of the simulated CVs (i_p = a·v^b)", ["peak", "branch", "potential (V)", "b", "R²"], b_rows)
    t2 = table("Dunn split of the simulated CVs", ["scan rate (mV s⁻¹)", "capacitive (%)"],
               [[d["scan_rate_mV_s"], 100 * d["capacitive_fraction"]] for d in result["cv_analysis"]["dunn"]])
    written = []
    if out is not None:
        written.append(save_figure(cv_figure(cvs, cfg.cell.active_mass_g, cfg.name), out / "cv.png"))
        if write_cv:
            written += [write_csv(out / f"cv_{v:g}mV_s.csv", m.data) for v, m in zip(rates, cvs)]
    emit(result, json_path, t1, t2, written=written)
    for w in result["cv_analysis"]["warnings"]:  # as `interstore cv analyze` prints them
        warn(w)


@group.command("designmap")
def designmap(config: ConfigArg,
              x: Annotated[str, typer.Option("--x", help="Axis: interface_density, bond_strength, sigma_ion, "
                                             "sigma_eon or a dotted config key.")] = "interface_density",
              y: Annotated[str, typer.Option("--y", help="Second axis (same choices).")] = "sigma_eon",
              n: Annotated[int, typer.Option("--n", help="Points per axis.")] = 8,
              target_power: Annotated[float, typer.Option("--target-power-W-kg",
                                                          help="Mean power at which the energy is read, W kg⁻¹.")]
              = 5000.0,
              x_range: Annotated[Optional[str], typer.Option("--x-range", help="lo,hi of the x axis.")] = None,
              y_range: Annotated[Optional[str], typer.Option("--y-range", help="lo,hi of the y axis.")] = None,
              scheduler: Annotated[Optional[str], typer.Option(
                  "--scheduler", help="Address of an existing dask scheduler (default: a local cluster).")] = None,
              json_path: JsonOption = None, out: OutOption = None) -> None:
    """Energy at a target power over a 2-D grid of interface/transport parameters (dask)."""
    import numpy as np
    import pandas as pd

    from ..outputs import save_figure, write_csv
    from .cellconfig import load_cell_config
    from .designmap import design_map
    from .plots_simulation import designmap_figure

    ranges = []
    for name, text in (("--x-range", x_range), ("--y-range", y_range)):
        vals = parse_float_list(text, name)
        if vals is not None and len(vals) != 2:
            raise InputError(f"option {name}", f"got {text!r}", expected="two numbers lo,hi")
        ranges.append(tuple(vals) if vals else None)
    cfg = load_cell_config(config)
    with _progress("design-map points", n * n) as advance:
        dm = design_map(cfg, x, y, n, target_power, x_range=ranges[0], y_range=ranges[1], scheduler=scheduler,
                        progress=advance)
    result = {"config": str(config), **dm.to_dict()}
    best = np.unravel_index(np.nanargmax(dm.energy_Wh_kg), dm.energy_Wh_kg.shape) \
        if np.isfinite(dm.energy_Wh_kg).any() else None
    rows = [[dm.x_axis.label, float(dm.x_values[best[1]]) if best else "-"],
            [dm.y_axis.label, float(dm.y_values[best[0]]) if best else "-"],
            [f"energy at {target_power:g} W kg⁻¹ (Wh kg⁻¹, {dm.mass_basis_label})",
             float(dm.energy_Wh_kg[best]) if best else "-"],
            ["grid points without a value", dm.failed_points]]
    t = table(f"Design map {n}×{n}: best point", ["quantity", "value"], rows)
    written = []
    if out is not None:
        xx, yy = np.meshgrid(dm.x_values, dm.y_values)
        frame = pd.DataFrame({dm.x_axis.key: xx.ravel(), dm.y_axis.key: yy.ravel(),
                              "energy_Wh_kg": dm.energy_Wh_kg.ravel()})
        written = [write_csv(out / "designmap.csv", frame), save_figure(designmap_figure(dm, cfg.name),
                                                                      out / "designmap.png")]
    emit(result, json_path, t, written=written)


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` command group to the root app."""
    from .cli_fit import fit_command

    group.command("fit")(fit_command)
    app.add_typer(group, name="simulate")
