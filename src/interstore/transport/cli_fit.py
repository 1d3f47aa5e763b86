"""``interstore simulate fit``: fit the bulk-only and heterostructure models to measured rate
capability and say which one the data prefer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, console, emit, table, warn
from ..errors import InputError

MODELS = ("both", "bulk_only", "heterostructure")


def _ranges(items: list[str] | None, option: str) -> list:
    from .fit import FreeParameter

    try:
        return [FreeParameter.parse(t) for t in items or []]
    except InputError as exc:
        raise InputError(f"option {option}", exc.problem, expected=exc.expected) from None


def fit_command(
    config: Annotated[Path, typer.Argument(help="Simulation config (TOML); keys not freed stay fixed.")],
    data: Annotated[Path, typer.Option("--data", help="Measured rate capability: CSV with current_A_g, "
                                       "capacity_mAh_g[, sigma_mAh_g], or the --json of 'gcd analyze'.")],
    free: Annotated[list[str], typer.Option("--free", help="Free parameter KEY=LOWER:UPPER, fitted in log10 "
                                            "space; repeat, e.g. --free host.diffusivity_m2_s=1e-20:1e-14.")],
    model: Annotated[str, typer.Option("--model", help="both (compare), bulk_only or heterostructure.")] = "both",
    relative_sigma: Annotated[float, typer.Option("--relative-sigma", help="σ as a fraction of each capacity "
                                                  "when the data give none (default 0.03).")] = 0.03,
    starts: Annotated[int, typer.Option("--starts", help="Least-squares starts (centre + Latin hypercube).")] = 4,
    plausible: Annotated[Optional[list[str]], typer.Option(
        "--plausible", help="Range known from other evidence, KEY=LOWER:UPPER (e.g. the GITT diffusivity); "
        "fitted values outside it are listed.")] = None,
    profile: Annotated[Optional[list[str]], typer.Option(
        "--profile", help="Profile-likelihood interval for this free KEY (refits the others; repeatable).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Latin-hypercube starts.")] = 0,
    start: Annotated[str, typer.Option("--start", help="First start: centre (of the log box) or config (each "
                                       "free key's config value).")] = "centre",
    curves: Annotated[Optional[Path], typer.Option(
        "--curves", help="Also fit the discharge curves V(Q) at the same rates: the --json of 'gcd analyze' (last "
        "discharge of each rate step) or a CSV with current_A_g, capacity_mAh_g, potential_V.")] = None,
    sigma_v: Annotated[float, typer.Option("--sigma-v", help="Potential noise σ_V of the curve points, V "
                                           "(default 0.005).")] = 0.005,
    curve_points: Annotated[int, typer.Option("--curve-points", help="Curve points kept per rate "
                                              "(default 20).")] = 20,
    json_path: JsonOption = None, out: OutOption = None,
) -> None:
    """Fit the transient models to measured capacity vs rate; compare bulk-only and interface models (BIC)."""
    from contextlib import nullcontext

    from .cellconfig import load_cell_config
    from .cli_simulate import _progress
    from .fit import compare_models, fit_rate_capability, profile_likelihood, read_rate_table
    from .fit_curves import read_discharge_curves

    if model not in MODELS:
        raise InputError("option --model", f"unknown {model!r}", expected=" or ".join(MODELS))
    cfg = load_cell_config(config)
    rates = read_rate_table(data, mass_basis=cfg.cell.mass_basis, relative_sigma=relative_sigma)
    measured_curves = None if curves is None else read_discharge_curves(
        curves, mass_basis=cfg.cell.mass_basis, sigma_V=sigma_v, points=curve_points)
    free_params = _ranges(free, "--free")
    known = {p.key: (p.lower, p.upper) for p in _ranges(plausible, "--plausible")}
    n_fits = 2 if model == "both" else 1
    bar = _progress("fitting (starts)", n_fits * starts) if console.is_terminal else nullcontext(None)
    with bar as advance:
        if model == "both":
            comparison = compare_models(cfg, rates, free_params, starts=starts, seed=seed, plausible=known,
                                        progress=advance, curves=measured_curves, start=start)
            fits = [comparison.bulk_only, comparison.heterostructure]
            result = comparison.to_dict()
        else:
            fits = [fit_rate_capability(cfg, rates, free_params, bulk_only=model == "bulk_only", starts=starts,
                                        seed=seed, progress=advance, curves=measured_curves, start=start)]
            comparison, result = None, {"fits": {model: fits[0].to_dict()}}
    profiles = {}
    for key in profile or []:
        for f in fits:
            used = [p for p in free_params if p.key in f.values]
            if key in f.values:
                grid, dchi2, ci = profile_likelihood(cfg, rates, used, key, bulk_only=f.model == "bulk_only",
                                                     curves=measured_curves)
                profiles[f"{f.model}:{key}"] = {"grid": grid.tolist(), "delta_chi2": dchi2.tolist(),
                                                "ci95": list(ci)}
    result.update({"config": str(config), "data": str(data), "curves": None if curves is None else str(curves),
                   "mass_basis": rates.mass_basis,
                   "noise_model": rates.noise_model, "profiles": profiles})
    unit = f"mAh g⁻¹ ({rates.mass_basis})"
    short = {"bulk_only": "bulk", "heterostructure": "hetero"}
    t1 = table(f"Fitted parameters (config units); 95 % interval from the Jacobian; noise: {fits[0].noise_model}",
               ["model", "parameter", "value", "95 % interval", "pinned"],
               [[short[f.model], p.key, p.value, f"{p.ci95_low:.3g}–{p.ci95_high:.3g}",
                 "yes" if p.identifiable else "no"] for f in fits for p in f.parameters])
    points = f"{rates.current_A_g.size} rates" + ("" if measured_curves is None else
                                                  f" + {measured_curves.n_points} curve points")
    t_models = table(f"Goodness of fit ({points}); interface capacity in {unit}",
                     ["model", "χ²", "free k", "AIC", "BIC", "interface"]
                     + ([] if measured_curves is None else ["curve RMS (σ_V)"]),
                     [[short[f.model], f.chi2, len(f.parameters), f.aic, f.bic, f.interface_capacity_mAh_g]
                      + ([] if measured_curves is None else [f.curve_rms_residual]) for f in fits])
    t2 = table(f"Capacity by rate, {unit}",
               ["current (A g⁻¹)", "measured", "σ"] + [short[f.model] for f in fits],
               [[i, q, s, *[float(f.predicted_mAh_g[k]) for f in fits]]
                for k, (i, q, s) in enumerate(zip(rates.current_A_g, rates.capacity_mAh_g, rates.sigma_mAh_g))])
    for f in fits:
        for w in f.warnings:
            warn(f"{f.model}: {w}")
    for name, prof in profiles.items():
        console.print(f"profile {name}: 95 % interval {prof['ci95'][0]:.3g}–{prof['ci95'][1]:.3g}", highlight=False)
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import save_figure, write_csv
        from .plots_fit import curves_figure, fit_figure

        frame = pd.concat([pd.DataFrame(f.to_dict()["rates"]).assign(model=f.model) for f in fits])
        written = [write_csv(out / "fit_rates.csv", frame), save_figure(fit_figure(rates, fits), out / "fit.png")]
        if measured_curves is not None:
            written.append(save_figure(curves_figure(measured_curves, fits), out / "fit_curves.png"))
    emit(result, json_path, t1, t_models, t2, written=written)
    if comparison is not None:
        console.print(comparison.verdict, highlight=False, markup=False)
