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
    from .plots import plot_binding, plot_voltage

    return [plot_binding(curve, out / "interface_binding.png", reference),
            plot_voltage(curve, out / "interface_voltage.png")]


@group.command("scan")
def scan_cmd(
    structure: Annotated[str, typer.Argument(help="Structure file (CIF, POSCAR, extxyz …) or builtin:NAME.")],
    max_zn: Annotated[int, typer.Option("--max-zn", help="Largest Zn count n to load.")] = 4,
    fmax: Annotated[float, typer.Option("--fmax", help="Relaxation force criterion (eV/Å).")] = 0.1,
    steps: Annotated[int, typer.Option("--steps", help="Max optimizer steps per loaded/unloaded relaxation.")] = 40,
    substrate_steps: Annotated[int, typer.Option("--substrate-steps", help="Max steps for the bare interface.")] = 150,
    maxstep: Annotated[float, typer.Option("--maxstep", help="Max displacement per step (Å).")] = 0.2,
    optimizer: Annotated[str, typer.Option("--optimizer", help="FIRE or BFGS.")] = "FIRE",
    candidates: Annotated[int, typer.Option("--candidates", help="Candidate sites screened per Zn.")] = 6,
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
    workers: Annotated[int, typer.Option("--workers", help="Parallel workers (dask LocalCluster) for "
                                                           "independent calculations.")] = 1,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Existing dask scheduler address.")] = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Greedy Zn loading n = 1…N with the embedded potential (CHGNet): E_b(n), V̄, bonds, n_max, capacity."""
    from .calculator import RelaxSettings
    from .scan import ScanSettings, run_scan
    from .sites import SiteSearch
    from .structures import load_structure

    settings = ScanSettings(max_zn=max_zn, relax=RelaxSettings(fmax, steps, maxstep, optimizer),
                            substrate_relax=RelaxSettings(fmax, substrate_steps, maxstep, optimizer),
                            sites=SiteSearch(min_distance_A=min_clearance, margin_A=site_margin, max_sites=candidates),
                            zn_reference=zn_reference,
                            eb_threshold_eV=threshold, formula=formula, locked_above_J_m2=locked_above,
                            detaches_below_J_m2=detaches_below)
    atoms = load_structure(structure)
    result = run_scan(atoms, settings, name=structure, workers=workers, scheduler=scheduler, show_progress=True)
    payload = result.to_dict()
    info = result.calculator
    console.print(f"calculator: {info['model']} {info['model_version']} (chgnet {info['package_version']}, CPU); "
                  f"Zn reference: {result.reference.description} = {result.reference.energy_eV_per_atom:.4f} eV/atom")
    adh = result.adhesion
    console.print(f"work of adhesion W_adh = {adh.w_adh_J_m2:.3f} J m⁻² → {adh.label}; "
                  f"{len(result.bridges)} interfacial bridges ({', '.join(sorted(set(result.bridges.labels))) or 'none'})")
    if result.stopped_early:
        console.print(f"[yellow]stopped early:[/yellow] {result.stopped_early}")
    bridge = ", ".join(sorted(set(result.bridges.labels))) or "interfacial"
    bonds = table(f"{bridge} bridges (count, of {len(result.bridges)})",
                  ["n Zn", "intact", "stretched", "broken", "broken after Zn removal", "relax converged"],
                  [(s.n_zn, s.bonds_loaded.intact, s.bonds_loaded.stretched, s.bonds_loaded.broken,
                    s.bonds_unloaded.broken, "yes" if s.loaded.converged else f"no (|F| {s.loaded.fmax_eV_A:.2f} eV/Å)")
                   for s in result.steps])
    console.print(result.capacity.comparison_text())
    written = _scan_outputs(result, out, payload) if out is not None else []
    emit(payload, json_path, _criteria_table(result.curve, result.limit), bonds,
         *_capacity_tables(result.capacity), written=written)


def _scan_outputs(result, out: Path, payload: dict) -> list[Path]:
    import io

    import pandas as pd
    from ase.io import write

    from ..outputs import write_csv, write_text
    from .plots import plot_bonds

    frame = pd.DataFrame([{"n_zn": c["n_zn"], "eb_eV": result.curve.eb_eV[k + 1], "eb_per_zn_eV": c["eb_per_zn_eV"],
                           "voltage_step_V": c["voltage_V"], "bridges_intact": p["bonds_loaded"]["intact"],
                           "bridges_stretched": p["bonds_loaded"]["stretched"],
                           "bridges_broken": p["bonds_loaded"]["broken"],
                           "bridges_broken_after_removal": p["bonds_after_zn_removal"]["broken"],
                           "bonds_reform": c["bonds_reform"], "passes": c["passes"]}
                          for k, (c, p) in enumerate(zip(payload["criteria"]["criteria"], payload["per_n"]))])
    buf = io.StringIO()
    write(buf, result.structures, format="extxyz")
    bridge = ", ".join(sorted(set(result.bridges.labels))) or "interfacial"
    return [write_csv(out / "interface_scan.csv", frame),
            write_text(out / "interface_scan_structures.extxyz", buf.getvalue()),
            *_binding_figures(result.curve, out, result.reference.description),
            plot_bonds(result.curve.n_zn[1:], [s.bonds_loaded.to_dict() for s in result.steps],
                       [s.bonds_unloaded.to_dict() for s in result.steps], out / "interface_bonds.png", bridge)]


@group.command("build")
def build_cmd(
    name: Annotated[str, typer.Argument(help="Built-in heterostructure: vo2-graphene or vo2-ti3c2.")],
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
