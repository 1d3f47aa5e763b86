"""``interstore interface …``: Zn at heterointerfaces (scan, energies, capacity, build)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, console, emit, table
from ..errors import InputError

group = typer.Typer(help="Zn binding at V-oxide heterointerfaces: E_b(n), voltages, breathing, limit capacity.",
                    no_args_is_help=True)

FormulaOption = Annotated[str, typer.Option("--formula", help="Oxide formula unit for the capacity (e.g. V8O16).")]
ThresholdOption = Annotated[float, typer.Option("--threshold", help="E_b(n)/n must be below this (eV per Zn).")]


def _capacity_rows(cap) -> list[tuple]:
    return [(cap.basis_labels[b], cap.capacity_mAh_g[b]) for b in cap.capacity_mAh_g]


def _capacity_tables(cap):
    t1 = table(f"Limit capacity for {cap.n_max:.4g} Zn per {cap.formula} ({cap.electrons:.4g} e⁻, "
               f"M = {cap.molar_mass_g_mol:.2f} g mol⁻¹)", ["mass basis", "capacity (mAh g⁻¹)"], _capacity_rows(cap))
    c = cap.to_dict()["quoted_comparison"]
    t2 = table(f"Quoted limit capacity ({c['quoted_zn_per_formula']:g} Zn per {cap.formula}) vs recomputed",
               ["quantity", "value"], [
        ("quoted, mAh g⁻¹", f"{c['quoted_mAh_g']:.2f}"),
        (f"recomputed for {c['quoted_electrons_per_formula']:g} e⁻, mAh g⁻¹ (active)", f"{c['recomputed_quoted_mAh_g']:.2f}"),
        (f"quoted needs e⁻ per {cap.formula}", f"{c['quoted_requires_electrons_per_formula']:.2f}"),
        (f"quoted needs M (g mol⁻¹) with {c['quoted_electrons_per_formula']:g} e⁻",
         f"{c['quoted_requires_molar_mass_g_mol']:.2f}"),
        ("match?", "yes" if c["matches"] else "NO — the two numbers do not match"),
    ])
    return t1, t2


def _criteria_table(curve, limit):
    rows = []
    for k, c in enumerate(limit.criteria):
        reform = "n/a" if c.bonds_reform is None else ("yes" if c.bonds_reform else "no")
        rows.append((c.n_zn, curve.eb_eV[k + 1], c.eb_per_zn_eV, c.voltage_V, reform, "yes" if c.passes else "no"))
    bound = " (lower bound: every n computed passed; load more Zn)" if limit.is_lower_bound else ""
    return table(f"Binding curve and reversibility criteria — n_max = {limit.n_max} Zn per cell{bound}",
                 ["n Zn", "E_b (eV)", "E_b/n (eV/Zn)", "V̄ into n (V)", "bonds reform", "passes"], rows)


@group.command("capacity")
def capacity_cmd(
    n_zn: Annotated[float, typer.Option("--n-zn", help="Reversible Zn count per oxide formula unit (n_max).")],
    formula: FormulaOption = "V8O16",
    electrons_per_zn: Annotated[float, typer.Option("--electrons-per-zn", help="e⁻ per Zn (2 for Zn²⁺).")] = 2.0,
    substrate_formula: Annotated[Optional[str], typer.Option(
        "--substrate-formula", help="Substrate formula; alone: amount per oxide formula unit (e.g. C24).")] = None,
    substrate_mass_fraction: Annotated[Optional[float], typer.Option(
        "--substrate-mass-fraction", help="Substrate share of the composite (oxide + substrate) mass, 0–1.")] = None,
    binder_mass_fraction: Annotated[float, typer.Option(
        "--binder-mass-fraction", help="Binder + conductive additive share of the whole electrode mass, 0–1.")] = 0.0,
    quoted: Annotated[float, typer.Option("--quoted", help="Quoted capacity to compare with (mAh g⁻¹).")] = 717.06,
    quoted_zn: Annotated[float, typer.Option("--quoted-zn", help="Zn per formula unit behind the quoted value.")] = 7,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Limit capacity Q = z·n·F/(3.6·M) on every mass basis, beside the article's 717.06 mAh g⁻¹."""
    from .limit import limit_capacity

    cap = limit_capacity(n_zn, formula, electrons_per_zn=electrons_per_zn, substrate_formula=substrate_formula,
                         substrate_mass_fraction=substrate_mass_fraction, other_mass_fraction=binder_mass_fraction,
                         quoted_mAh_g=quoted, quoted_zn_per_formula=quoted_zn)
    result = cap.to_dict()
    console.print(cap.comparison_text())
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import write_csv
        written.append(write_csv(out / "limit_capacity.csv", pd.DataFrame(
            {"basis": list(cap.capacity_mAh_g), "basis_label": list(cap.basis_labels.values()),
             "capacity_mAh_g": list(cap.capacity_mAh_g.values())})))
    emit(result, json_path, *_capacity_tables(cap), written=written)


def _numbered_files(items: list[str] | None, option: str) -> dict[int, Path]:
    """Parse repeated ``n=FILE`` options."""
    files: dict[int, Path] = {}
    for item in items or []:
        n_text, sep, file_text = item.partition("=")
        if not sep or not n_text.strip().isdigit() or int(n_text) < 1 or not file_text:
            raise InputError(f"option {option}", f"got {item!r}", expected="n=FILE with an integer n >= 1")
        if int(n_text) in files:
            raise InputError(f"option {option}", f"n = {int(n_text)} is given twice", expected="one file per n")
        files[int(n_text)] = Path(file_text)
    return files


@group.command("energies")
def energies_cmd(
    substrate: Annotated[Path, typer.Option("--substrate", help="DFT output of the bare interface (n = 0).")],
    zn_ref: Annotated[Path, typer.Option("--zn-ref", help="DFT output of the Zn reference (bulk hcp Zn or one atom).")],
    loaded: Annotated[list[str], typer.Option("--loaded", help="n=FILE for each loaded cell (repeat).")],
    unloaded: Annotated[Optional[list[str]], typer.Option(
        "--unloaded", help="n=FILE: the cell relaxed again after removing the n Zn (repeat; for the bond check).")] = None,
    oxide_slab: Annotated[Optional[Path], typer.Option(
        "--oxide-slab", help="DFT output of the oxide slab alone (with --substrate-slab: work of adhesion).")] = None,
    substrate_slab: Annotated[Optional[Path], typer.Option(
        "--substrate-slab", help="DFT output of the substrate slab alone.")] = None,
    formula: FormulaOption = "V8O16",
    threshold: ThresholdOption = 0.0,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """E_b(n), voltage steps, bridge metrics, n_max and W_adh from DFT outputs (VASP, QE, CP2K)."""
    from .dft_binding import adhesion_from_files, binding_from_files

    if (oxide_slab is None) != (substrate_slab is None):
        raise InputError("options --oxide-slab/--substrate-slab", "only one of the two slabs given",
                         expected="both slab files, or neither")
    res = binding_from_files(substrate, zn_ref, _numbered_files(loaded, "--loaded"),
                             _numbered_files(unloaded, "--unloaded"), formula=formula, eb_threshold_eV=threshold)
    result = res.to_dict()
    if oxide_slab is not None:
        adh = adhesion_from_files(substrate, oxide_slab, substrate_slab)
        result["adhesion"] = adh.to_dict()
        console.print(f"work of adhesion W_adh = {adh.w_adh_J_m2:.3f} J m⁻² → {adh.label}")
    console.print(f"Zn reference: {res.zn_ref_eV:.4f} eV per atom from {zn_ref}; E(substrate) = "
                  f"{res.substrate.energy_eV:.4f} eV ({res.substrate.formula}, {res.formula_units:g} {formula}); "
                  f"{len(res.bridges)} interfacial bridges")
    console.print(res.capacity.comparison_text())
    written = _binding_figures(res.curve, out, f"file {zn_ref.name}") if out is not None else []
    emit(result, json_path, _criteria_table(res.curve, res.limit), *_capacity_tables(res.capacity), written=written)


def _binding_figures(curve, out: Path, reference: str) -> list[Path]:
    from ..outputs import save_figure
    from .plots import binding_figure, voltage_figure

    return [save_figure(binding_figure(curve, reference), out / "interface_binding.png"),
            save_figure(voltage_figure(curve), out / "interface_voltage.png")]


@group.command("scan")
def scan_cmd(
    structure: Annotated[str, typer.Argument(help="Structure file (CIF, POSCAR, extxyz …) or builtin:NAME.")],
    max_zn: Annotated[int, typer.Option("--max-zn", help="Largest Zn count n to load.")] = 4,
    calculator: Annotated[Optional[list[str]], typer.Option(
        "--calculator", help="Committee member (repeat): chgnet, sevennet-0, sevennet-l3i5. "
                             "Default: chgnet and sevennet-0.")] = None,
    fmax: Annotated[float, typer.Option("--fmax", help="Relaxation force criterion (eV/Å).")] = 0.05,
    steps: Annotated[int, typer.Option("--steps", help="Max optimizer steps per loaded/unloaded relaxation.")] = 300,
    substrate_steps: Annotated[int, typer.Option("--substrate-steps", help="Max steps for the bare interface.")] = 300,
    substrate_cell: Annotated[bool, typer.Option("--substrate-cell/--fixed-cell", help="Also relax the in-plane "
                                                 "cell of the bare interface.")] = False,
    maxstep: Annotated[float, typer.Option("--maxstep", help="Max displacement per step (Å).")] = 0.2,
    optimizer: Annotated[str, typer.Option("--optimizer", help="BFGS, FIRE+BFGS or FIRE.")] = "BFGS",
    accept_unconverged: Annotated[bool, typer.Option("--accept-unconverged", help="Count loadings whose "
                                                     "relaxation did not reach fmax towards n_max.")] = False,
    candidates: Annotated[int, typer.Option("--candidates", help="Candidate sites screened per Zn.")] = 6,
    paths: Annotated[int, typer.Option("--paths", help="Relax the K lowest-screened sites per Zn and keep the "
                                       "lowest; reports the spread over these paths (1: one relaxation).")] = 1,
    path_optimizer: Annotated[Optional[list[str]], typer.Option(
        "--path-optimizer", help="Also relax every sampled site with this optimizer (repeat): BFGS, FIRE+BFGS, "
                                 "FIRE.")] = None,
    min_clearance: Annotated[float, typer.Option("--min-clearance", help="Min void radius for a site (Å).")] = 1.5,
    site_margin: Annotated[float, typer.Option("--site-margin", help="Widen the interfacial search window "
                                                                     "beyond the two planes (Å).")] = 0.0,
    zn_reference: Annotated[str, typer.Option("--zn-reference", help="bulk, atom or a DFT file.")] = "bulk",
    threshold: ThresholdOption = 0.0,
    formula: FormulaOption = "V8O16",
    locked_above: Annotated[float, typer.Option("--locked-above", help="W_adh above this is 'too strong (locked)' "
                                                                       "(J m⁻²).")] = 2.0,
    detaches_below: Annotated[float, typer.Option("--detaches-below", help="W_adh below this is 'too weak "
                                                                           "(detaches)' (J m⁻²).")] = 0.3,
    validate: Annotated[bool, typer.Option("--validate/--no-validate", help="Relax the end members with each "
                                           "potential and compare lattice constants with experiment.")] = True,
    dft_substrate: Annotated[Optional[Path], typer.Option("--dft-substrate", help="DFT reference member: output "
                                                          "of the bare interface.")] = None,
    dft_zn_ref: Annotated[Optional[Path], typer.Option("--dft-zn-ref", help="DFT reference member: Zn "
                                                       "reference output.")] = None,
    dft_loaded: Annotated[Optional[list[str]], typer.Option("--dft-loaded", help="DFT reference member: n=FILE "
                                                            "per loaded cell (repeat).")] = None,
    budget_min: Annotated[float, typer.Option("--budget-min", help="Warn before starting when the worst-case "
                                              "scan time exceeds this (minutes).")] = 30.0,
    workers: Annotated[int, typer.Option("--workers", help="Parallel workers (dask LocalCluster) for "
                                                           "independent calculations.")] = 1,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Existing dask scheduler address.")] = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Greedy Zn loading n = 1…N with a committee of shipped potentials: E_b(n), V̄, n_max per potential,
    mean ± spread, disagreement flags, lattice-constant validation, bonds, capacity."""
    from .calculator import COMMITTEE, RelaxSettings, check_calculator
    from .committee import run_committee
    from .parallel import TaskRunner
    from .scan import ScanSettings, check_scan_input
    from .sites import SiteSearch
    from .structures import BUILTINS, load_structure

    members = tuple(calculator or COMMITTEE)
    for c in members:
        check_calculator(c)
    TaskRunner(workers, scheduler, show_progress=False)  # validates --workers before anything loads
    settings = ScanSettings(max_zn=max_zn, relax=RelaxSettings(fmax, steps, maxstep, optimizer),
                            substrate_relax=RelaxSettings(fmax, substrate_steps, maxstep, optimizer, cell=substrate_cell),
                            sites=SiteSearch(min_distance_A=min_clearance, margin_A=site_margin, max_sites=candidates),
                            zn_reference=zn_reference,
                            eb_threshold_eV=threshold, formula=formula, locked_above_J_m2=locked_above,
                            detaches_below_J_m2=detaches_below, accept_unconverged=accept_unconverged,
                            paths=paths, path_optimizers=tuple(path_optimizer or ()))
    reference = _dft_reference(dft_substrate, dft_zn_ref, dft_loaded, formula, threshold)
    atoms = load_structure(structure)
    check_scan_input(atoms, settings, structure)
    _announce_budget(atoms, settings, members, budget_min, workers, scheduler)
    builtin = BUILTINS.get(structure.removeprefix("builtin:")) if structure.startswith("builtin:") else None
    result = run_committee(atoms, settings, members, name=structure, reference=reference, validate=validate,
                           closed=builtin.closed_variant if builtin else None, workers=workers, scheduler=scheduler,
                           show_progress=True)
    payload = result.to_dict()
    for name, scan in result.scans.items():
        _print_member(name, scan)
        if name in result.opening:
            o = result.opening[name]
            eb = ", ".join(f"{x:+.3f}" for x in o["eb_vs_closed_eV"][1:])
            console.print(f"  opening: the pre-opened cell lies {o['opening_energy_eV']:+.3f} eV "
                          f"({o['opening_energy_J_m2']:+.3f} J m⁻²) above the same interface relaxed closed; "
                          f"E_b(n) against the closed interface: {eb} eV", highlight=False)
    written = _scan_outputs(result, out) if out is not None else []
    from .limit import limit_capacity

    low = limit_capacity(result.n_max_range[0] / result.formula_units, formula,
                         substrate_formula=result.substrate_formula)  # the committee's lower end
    emit(payload, json_path, _committee_table(result), *_validation_tables(result), *_capacity_tables(low),
         written=written)


def _dft_reference(substrate, zn_ref, loaded, formula: str, threshold: float):
    """The DFT reference member from files, or None when no --dft-* option is given."""
    given = [x is not None and x != [] for x in (substrate, zn_ref, loaded)]
    if not any(given):
        return None
    if not all(given):
        raise InputError("options --dft-substrate/--dft-zn-ref/--dft-loaded", "only some given",
                         expected="all three for a DFT reference member, or none")
    from .dft_binding import binding_from_files

    return binding_from_files(substrate, zn_ref, _numbered_files(loaded, "--dft-loaded"), formula=formula,
                              eb_threshold_eV=threshold)


def _announce_budget(atoms, settings, members, budget_min: float, workers: int, scheduler) -> None:
    """Measure the cost per single point and per step for each member and say so before starting."""
    from dataclasses import replace

    from .scan import estimate_scan_seconds

    total = 0.0
    for c in members:
        est = estimate_scan_seconds(atoms, replace(settings, calculator=c))
        total += est["worst_case_s"]
        console.print(f"{c}: {est['single_point_s']:.2f} s ({est['single_point_cpu_s']:.2f} s CPU) per single point, "
                      f"{est['relax_step_s']:.2f} s ({est['relax_step_cpu_s']:.2f} s CPU) per relaxation step "
                      f"({len(atoms)} atoms); worst case {est['worst_case_relax_steps']} steps + "
                      f"{est['worst_case_single_points']} single points ≈ {est['worst_case_s'] / 60:.1f} min")
    parallel = workers > 1 or bool(scheduler)
    if total > 60 * budget_min:
        hint = "" if parallel else (" — spread the independent relaxations with --workers N (local dask cluster) "
                                    "or --scheduler tcp://HOST:PORT, or lower --steps / --max-zn")
        console.print(f"[yellow]budget:[/yellow] this scan may take up to {total / 60:.0f} min, more than the "
                      f"{budget_min:g} min budget (--budget-min){hint}", highlight=False)


def _print_member(name: str, result) -> None:
    info, adh, cost = result.calculator, result.adhesion, result.cost
    console.print(f"[bold]{name}[/bold]: {info['model']} (package {info['package_version']}, {info['device']}); "
                  f"Zn reference: {result.reference.description} = {result.reference.energy_eV_per_atom:.4f} eV/atom")
    console.print(f"  W_adh = {adh.w_adh_J_m2:.3f} J m⁻² → {adh.label}; {len(result.bridges)} interfacial bridges "
                  f"({', '.join(sorted(set(result.bridges.labels))) or 'none'}); n_max = {result.limit.n_max} Zn "
                  f"per cell", highlight=False)
    from .diagnosis import diagnose

    d = diagnose(result)
    contacts = ", ".join(f"{k}: {v}" for k, v in d["cross_interface_contacts"].items()) or "none"
    console.print(f"  interface {d['interface']}: gap {d['interfacial_gap_A']:.2f} Å, cross-interface contacts "
                  f"{contacts}; n_max: {d['n_max_reason']}", highlight=False)
    sp, step = (_or_na(cost.get(k)) for k in ("single_point_cpu_s", "relax_step_cpu_s"))
    console.print(f"  cost: {cost['cpu_s']:.0f} s CPU ({cost['wall_s']:.0f} s wall) in this process; per single "
                  f"point {sp} s CPU, per relaxation step {step} s CPU ({cost['relax_steps']} steps, "
                  f"{result.settings.relax.optimizer})", highlight=False)
    unconverged = [n for n, ok in enumerate(result.converged) if not ok]
    if unconverged:
        excluded = "accepted (--accept-unconverged)" if result.settings.accept_unconverged else "excluded from n_max"
        console.print(f"  [yellow]unconverged[/yellow] (max |F| > {result.settings.relax.fmax_eV_A} eV/Å) at n = "
                      f"{unconverged}: {excluded}", highlight=False)
    console.print(f"  {_paths_line(result)}", highlight=False)
    if not len(result.bridges):
        console.print("  no Zn-removal relaxations: the relaxed bare interface has no V–O–X bridge, so none can "
                      "break or reform (the bond criterion holds by construction)", highlight=False)
    if result.stopped_early:
        console.print(f"  [yellow]stopped early:[/yellow] {result.stopped_early}", highlight=False)


def _paths_line(result) -> str:
    """What the path sampling of one member's scan found (or that it was not sampled)."""
    k, optimizers = result.settings.paths, result.settings.optimizers
    if k * len(optimizers) == 1:
        return ("relaxation paths: one per loading (--paths 1), so the dependence on the path is not sampled; on "
                "the bonded vo2-graphene-vac cell two optimizers from the same start ended up to 1.6 eV apart: "
                "--paths 2 --path-optimizer FIRE+BFGS samples it")
    per_n = "; ".join(f"n = {s.n_zn}: {_or_na(s.path_gain_eV, '.3f')} / {_or_na(s.path_spread_eV, '.3f')}"
                      for s in result.steps)
    return (f"relaxation paths: the {k} lowest-screened site(s) × {' and '.join(optimizers)}, lowest converged "
            f"kept; below the first path by / spread of the ends (eV, n/a: not converged): {per_n}")


def _or_na(value: float | None, fmt: str = ".2f") -> str:
    """``value`` formatted, or "n/a" where there is none."""
    return "n/a" if value is None else format(value, fmt)


def _committee_table(result):
    ns = result.n_zn
    pots = result.potentials
    rows = []
    conv = {m.name: dict(zip(m.n_zn, m.converged)) for m in pots}
    for k, n in enumerate(ns):
        cells = []
        for m in pots:
            eb = m.at(ns)[0][k]
            cells.append(f"{eb:.3f}" + ("" if conv[m.name].get(n) else " (unconverged)"))
        volt = "" if k == 0 else f"{result.voltage_mean_V[k - 1]:.3f} ± {result.voltage_spread_V[k - 1] / 2:.3f}"
        flag = "SIGN DISAGREES" if n in result.voltage_sign_disagreement else ""
        gain, spread = result.path_gain_eV[k], result.path_spread_eV[k]
        path_cell = "" if k == 0 else ("not sampled" if result.paths_sampled == 1 else
                                       f"{_or_na(gain, '.3f')} / {_or_na(spread, '.3f')}")
        rows.append((n, *cells, f"{result.eb_mean_eV[k]:.3f}", f"{result.spread_eV[k]:.3f}", path_cell, volt, flag))
    low, high = result.n_max_range
    q_low, q_high = result.capacity_range_mAh_g()
    nmax = ", ".join(f"{m.name} {m.n_max}" for m in result.members)
    title = (f"Committee E_b(n) (eV, vs bulk-Zn reference of each member) — n_max: {nmax}; range {low}–{high} Zn "
             f"per cell → {q_low:.0f}–{q_high:.0f} mAh g⁻¹ (active {result.formula})"
             + (" — members DISAGREE on n_max" if result.n_max_disagreement else ""))
    return table(title, ["n Zn", *[f"E_b {m.name}" for m in pots], "mean E_b", "spread (max−min)",
                         f"{result.paths_sampled} path(s): below the first / spread (eV)",
                         "V̄ into n, mean ± half-spread (V)", "flag"],
                 rows)


def _validation_tables(result):
    v = result.validation
    if v.get("skipped"):
        return []
    rows = [(c["calculator"], c["member"], c["parameter"], c["experiment_A"], c["computed_A"],
             f"{c['error_percent']:+.2f}", c["status"], c["source"]) for c in v["lattice"]]
    t = table(f"Validation: end-member lattice constants vs experiment ({v['method']}); miss = |error| > "
              f"{v['tolerance_percent']:g} %", ["potential", "end member", "param", "experiment (Å)",
                                                 "computed (Å)", "error (%)", "status", "source"], rows)
    tables = [t]
    if v.get("reactions"):
        rows = [(r["calculator"], r["equation"],
                 f"{r['experiment_eV_per_Zn']:.3f} ± {r['experiment_uncertainty_eV']:.3f}",
                 f"{r['computed_eV_per_Zn']:.3f}", f"{r['error_eV_per_Zn']:+.3f}", f"{r['error_V']:+.3f}", r["status"])
                for r in v["reactions"]]
        tables.append(table(f"Validation: reaction enthalpies per Zn vs experiment (ΔH° 298 K; "
                            f"{v['reactions'][0]['source']}); miss = |error| > {v['reaction_tolerance_eV']:g} eV",
                            ["potential", "reaction", "ΔH° exp. (eV/Zn)", "ΔE potential (eV/Zn)", "error (eV/Zn)",
                             "error (V, z = 2)", "status"], rows))
    if v["misses"]:
        console.print("[yellow]potentials missing an end member by > 3 % or a reaction by > "
                      f"{v.get('reaction_tolerance_eV', 0.2):g} eV:[/yellow] " + "; ".join(v["misses"]),
                      highlight=False)
    return tables


def _scan_outputs(result, out: Path) -> list[Path]:
    import io

    import pandas as pd
    from ase.io import write

    from ..outputs import save_figure, write_csv, write_text
    from .plots import bonds_figure

    payload = result.to_dict()
    rows = []
    for k, n in enumerate(payload["n_zn"]):
        row = {"n_zn": n, "eb_mean_eV": payload["eb_eV"]["committee_mean"][k], "spread_eV": payload["spread_eV"][k],
               "path_spread_eV": payload["path_spread_eV"]["largest"][k],
               "path_gain_eV": payload["path_gain_eV"]["largest"][k]}
        for m in result.members:
            eb = dict(zip(m.n_zn, m.eb_eV))
            row[f"eb_{m.name}_eV"] = eb.get(n)  # a DFT reference may lack some n
        rows.append(row)
    written = [write_csv(out / "interface_committee.csv", pd.DataFrame(rows))]
    for name, scan in result.scans.items():
        d = payload["per_member"][name]
        frame = pd.DataFrame([{"n_zn": c["n_zn"], "eb_eV": scan.curve.eb_eV[k + 1], "eb_per_zn_eV": c["eb_per_zn_eV"],
                               "voltage_step_V": c["voltage_V"], "converged": c["converged"],
                               "paths": len(p["paths"]), "path_gain_eV": p["path_gain_eV"],
                               "path_spread_eV": p["path_spread_eV"],
                               "bridges_intact": p["bonds_loaded"]["intact"],
                               "bridges_stretched": p["bonds_loaded"]["stretched"],
                               "bridges_broken": p["bonds_loaded"]["broken"],
                               "bridges_broken_after_removal": p["bonds_after_zn_removal"]["broken"],
                               "bonds_reform": c["bonds_reform"], "passes": c["passes"]}
                              for k, (c, p) in enumerate(zip(d["criteria"]["criteria"], d["per_n"]))])
        buf = io.StringIO()
        write(buf, scan.structures, format="extxyz")
        bridge = ", ".join(sorted(set(scan.bridges.labels))) or "interfacial"
        sub = out / name
        written += [write_csv(sub / "interface_scan.csv", frame),
                    write_text(sub / "interface_scan_structures.extxyz", buf.getvalue()),
                    *_binding_figures(scan.curve, sub, scan.reference.description),
                    save_figure(bonds_figure(scan.curve.n_zn[1:], [s.bonds_loaded.to_dict() for s in scan.steps],
                                             [s.bonds_unloaded.to_dict() for s in scan.steps], bridge),
                                sub / "interface_bonds.png")]
    return written


@group.command("build")
def build_cmd(
    name: Annotated[str, typer.Argument(help="Built-in heterostructure: vo2-graphene, vo2-graphene-vac, vo2-ti3c2, "
                                                "vo2-ti3c2tx or vo2-ruo2.")],
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Write a built-in heterostructure as extxyz and CIF (unrelaxed, as built)."""
    import io

    from ase.io import write

    from ..outputs import write_text
    from .bonds import find_bridges
    from .structures import BUILTINS, load_structure

    key = name.removeprefix("builtin:")
    if key not in BUILTINS:  # load_structure would ask for 'builtin:NAME', which is the scan's syntax
        raise InputError("argument NAME", f"unknown built-in heterostructure {name!r}", expected=" / ".join(BUILTINS))
    atoms = load_structure(f"builtin:{key}")
    bridges = find_bridges(atoms)
    result = {"name": key, "description": BUILTINS[key].description, "n_atoms": len(atoms),
              "formula": atoms.get_chemical_formula(), "cell_lengths_A": atoms.cell.lengths().tolist(),
              "cell_angles_deg": atoms.cell.angles().tolist(),
              "interfacial_bridges": len(bridges), "bridge_type": BUILTINS[key].bridge, "files": []}
    written = []
    if out is not None:
        for fmt, suffix in (("extxyz", "extxyz"), ("cif", "cif")):
            buf = io.StringIO() if fmt == "extxyz" else io.BytesIO()
            write(buf, atoms, format=fmt)
            text = buf.getvalue() if fmt == "extxyz" else buf.getvalue().decode()
            written.append(write_text(out / f"{key}.{suffix}", text))
        result["files"] = [str(p) for p in written]
    t = table(f"Built {key}", ["quantity", "value"], [
        ("atoms", len(atoms)), ("formula", result["formula"]),
        ("cell a, b, c (Å)", ", ".join(f"{v:.3f}" for v in result["cell_lengths_A"])),
        ("cell α, β, γ (°)", ", ".join(f"{v:.1f}" for v in result["cell_angles_deg"])),
        (f"{BUILTINS[key].bridge} bridges (as built)", len(bridges))])
    emit(result, json_path, t, written=written)


def register(app: typer.Typer) -> None:
    """Add the ``interface`` command group to the root app."""
    app.add_typer(group, name="interface")
