"""``interstore gcd | gitt | eis | capacity``: galvanostatic cycling and Ragone data, GITT,
EIS circuit fits and theoretical capacity."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from ..cli_support import ColumnsOption, InstrumentOption, JsonOption, OutOption, console, emit, table, warn
from ..bounds import require_in_range
from ..errors import InputError, require_positive


gcd = typer.Typer(help="Galvanostatic cycling: capacity, CE, energy, average voltage, rate steps, Ragone.",
                  no_args_is_help=True)
gitt = typer.Typer(help="GITT: Weppner-Huggins diffusion coefficient per pulse.", no_args_is_help=True)
eis = typer.Typer(help="EIS: Randles / finite-length Warburg fits and the Warburg diffusion coefficient.",
                  no_args_is_help=True)
capacity = typer.Typer(help="Theoretical (Faradaic) capacity Q = nF/(3.6 M).", no_args_is_help=True)


def _steps(steps: list[tuple[str, Callable[[], Any]]]) -> list[Any]:
    """Run labelled steps one after the other behind a rich progress bar; return their results."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(steps[0][0], total=len(steps))
        for label, fn in steps:
            progress.update(task, description=label)
            results.append(fn())
            progress.advance(task)
    return results


def _read(path: Path, columns: str | None, instrument: str | None, *, impedance: bool = False):
    from .readers import parse_column_mapping, read_impedance, read_measurement

    mapping = parse_column_mapping(columns) if columns else None
    if impedance:
        return read_impedance(path, columns=mapping, instrument=instrument)
    return read_measurement(path, columns=mapping, instrument=instrument)


def _figures(figures: dict, out: Path | None) -> list[Path]:
    from ..outputs import save_figure

    return [] if out is None else [save_figure(fig, out / f"{name}.png") for name, fig in figures.items()]


def _shown(rows: list, most: int = 20) -> list:
    """First and last ``most``/2 rows of a long table, with an ellipsis row between."""
    if len(rows) <= most:
        return rows
    half = most // 2
    return rows[:half] + [tuple("…" for _ in rows[0])] + rows[-half:]


def _masses(mass_mg: float | None, measured_g: float | None, substrate_mg: float, electrode_mg: float | None,
            active_label: str, substrate_label: str):
    from ..massbasis import ElectrodeMasses

    if mass_mg is None and measured_g is None:
        raise InputError("option --mass-mg", "no active mass given and none in the file",
                         expected="the active-oxide mass in mg, e.g. --mass-mg 1.2")
    active = require_in_range("--mass-mg", mass_mg, "mass_mg") * 1e-3 if mass_mg is not None else measured_g
    substrate = require_positive("--substrate-mg", substrate_mg, allow_zero=True) * 1e-3
    other = 0.0
    if electrode_mg is not None:
        other = require_positive("--electrode-mg", electrode_mg) * 1e-3 - active - substrate
        if other < -1e-12:
            raise InputError("option --electrode-mg", f"{electrode_mg} mg is less than active + substrate "
                             f"({1e3 * (active + substrate):.4g} mg)", expected="the whole electrode mass")
    return ElectrodeMasses(active, substrate, max(other, 0.0), active_label=active_label,
                           substrate_label=substrate_label)


def _gcd_tables(result: dict) -> list:
    labels = {b: v["label"] for b, v in result["mass_basis"].items()}

    def on(per_basis: dict | None, basis: str = "active"):
        return "-" if per_basis is None else per_basis[basis]

    def num(x):
        return "-" if x is None else x

    mb = result["mass_basis"]
    notes = {"active": "", "composite": "", "electrode": ""}
    if abs(mb["composite"]["mass_mg"] - mb["active"]["mass_mg"]) < 1e-12:
        notes["composite"] = "no substrate mass (--substrate-mg default 0): same as active"
    if abs(mb["electrode"]["mass_mg"] - mb["composite"]["mass_mg"]) < 1e-12:
        notes["electrode"] = "no binder/additive mass (--electrode-mg not given): same as composite"
    bases = table("Mass bases", ("mass basis", "mass (mg)", "note"),
                  [(v["label"], float(v["mass_mg"]), notes.get(b, "")) for b, v in mb.items()])

    rows = [(c["cycle"], c["rate_step"], 1e3 * c["current_A"], on(c["discharge_capacity_mAh_g"]),
             on(c["charge_capacity_mAh_g"]), num(c["coulombic_efficiency_pct"]), on(c["energy_Wh_kg"]),
             num(c["average_voltage_V"])) for c in result["cycles"]]
    cycles = table(f"Cycles, per g of {labels['active']}; {result['coulombic_efficiency_convention']}",
                   ("cycle", "rate step", "|I| (mA)", "Q_dis (mAh g⁻¹)", "Q_ch (mAh g⁻¹)", "CE (%)",
                    "E_dis (Wh kg⁻¹)", "V̄_dis (V)"), _shown(rows))
    steps = table("Rate steps on every mass basis (means of their discharges)",
                  ("rate step", "cycles", "mass basis", "i (A g⁻¹)", "Q_dis (mAh g⁻¹)", "E_dis (Wh kg⁻¹)",
                   "V̄_dis (V)", "CE (%)"),
                  [(s["rate_step"], f"{s['cycles'][0]}–{s['cycles'][-1]}", labels[b], on(s["current_density_A_g"], b),
                    on(s["discharge_capacity_mAh_g"], b), on(s["energy_Wh_kg"], b), num(s["average_voltage_V"]),
                    num(s["coulombic_efficiency_pct"])) for s in result["rate_steps"] for b in labels])
    ragone = table("Ragone points", ("mass basis", "|I| (mA)", "energy density (Wh kg⁻¹)", "power density (W kg⁻¹)"),
                   [(p["basis_label"], 1e3 * p["current_A"], p["energy_Wh_kg"], p["power_W_kg"])
                    for p in result["ragone"]])
    return [bases, cycles, steps, ragone]


def _gcd_csv(result: dict, out: Path) -> list[Path]:
    import pandas as pd

    from ..outputs import write_csv

    rows = []
    for c in result["cycles"]:
        row = {}
        for key, value in c.items():
            if isinstance(value, dict):  # {basis: value}: the unit stays last in the column name
                stem, unit = key.rsplit("_", 2)[0], "_".join(key.rsplit("_", 2)[1:])
                row |= {f"{stem}_{basis}_{unit}": v for basis, v in value.items()}
            else:
                row[key] = value
        rows.append(row)
    return [write_csv(out / "gcd_cycles.csv", pd.DataFrame(rows)),
            write_csv(out / "gcd_ragone.csv", pd.DataFrame(result["ragone"]))]


@gcd.command("analyze")
def gcd_analyze(
    file: Annotated[Path, typer.Argument(help="Galvanostatic charge/discharge file (any format the readers know).")],
    mass_mg: Annotated[Optional[float], typer.Option("--mass-mg", help="Active-oxide mass in mg.")] = None,
    substrate_mg: Annotated[float, typer.Option(
        "--substrate-mg", help="Substrate mass in mg (rGO, Ti3C2, RuO2) for the composite basis.")] = 0.0,
    electrode_mg: Annotated[Optional[float], typer.Option(
        "--electrode-mg", help="Whole-electrode mass in mg (composite + binder + additive).")] = None,
    active_label: Annotated[str, typer.Option("--active-label", help="Name of the active oxide.")] = "active oxide",
    substrate_label: Annotated[str, typer.Option("--substrate-label", help="Name of the substrate.")] = "substrate",
    ce: Annotated[str, typer.Option(
        "--ce", help="Coulombic-efficiency convention: discharge/charge or charge/discharge.")] = "discharge/charge",
    rate_tolerance: Annotated[float, typer.Option(
        "--rate-tolerance", help="Relative change of |I| that starts a new rate step.")] = 0.05,
    cycles_from: Annotated[str, typer.Option(
        "--cycles-from", help="Cycle numbering: auto (file if it numbers cycles), file, or discharge "
        "(a new cycle at every discharge).")] = "auto",
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Capacity, CE, energy and average voltage per cycle and rate step on every mass basis, and Ragone data."""
    from .galvanostatic import CE_CONVENTIONS, CYCLE_SOURCES, analyze_cycling

    for option, value, allowed in (("--ce", ce, CE_CONVENTIONS), ("--cycles-from", cycles_from, CYCLE_SOURCES)):
        if value not in allowed:  # checked before the file is read
            raise InputError(f"option {option}", f"got {value!r}", expected=" | ".join(allowed))
    labels = (substrate_mg, electrode_mg, active_label, substrate_label)
    masses = None if mass_mg is None else _masses(mass_mg, None, *labels)
    measurement = _read(file, columns, instrument)
    if masses is None and measurement.active_mass_g is None and "characteristic_mass_g" in measurement.extra:
        raise InputError("option --mass-mg", "no active mass given; the file's EC-Lab characteristic mass "
                         f"({1e3 * measurement.extra['characteristic_mass_g']:g} mg) is not taken as the active mass",
                         expected="the active-oxide mass in mg, e.g. --mass-mg 1.2")
    masses = masses or _masses(None, measurement.active_mass_g, *labels)
    analysis = _steps([("analysing cycles", lambda: analyze_cycling(
        measurement, masses, ce_convention=ce, rate_tolerance=rate_tolerance, cycles_from=cycles_from))])[0]
    result = analysis.to_dict()
    written = []
    if out is not None:
        from .plots_cycling import cycling_figures

        written = _figures(cycling_figures(analysis), out) + _gcd_csv(result, out)
    emit(result, json_path, *_gcd_tables(result), written=written)
    for w in result["warnings"]:
        warn(w)


@gitt.command("analyze")
def gitt_analyze(
    file: Annotated[Path, typer.Argument(help="GITT file: rest, pulse, rest, ... (any format the readers know).")],
    mass_mg: Annotated[Optional[float], typer.Option("--mass-mg", help="Active mass m_B in mg.")] = None,
    molar_mass: Annotated[Optional[float], typer.Option(
        "--molar-mass", help="Molar mass M_B of the active formula in g/mol.")] = None,
    formula: Annotated[Optional[str], typer.Option(
        "--formula", help="Active formula (e.g. V8O16) to compute M_B instead of --molar-mass.")] = None,
    molar_volume_cm3: Annotated[Optional[float], typer.Option(
        "--molar-volume-cm3", help="Molar volume V_M in cm3/mol.")] = None,
    area_cm2: Annotated[Optional[float], typer.Option("--area-cm2", help="Electrode area S in cm2.")] = None,
    length_um: Annotated[Optional[float], typer.Option(
        "--length-um", help="Diffusion length L in µm (instead of m_B V_M/(M_B S)).")] = None,
    pulse_s: Annotated[Optional[float], typer.Option(
        "--pulse-s", help="Nominal pulse length in s; current steps more than 20 % off are ignored.")] = None,
    r2_min: Annotated[float, typer.Option("--r2-min", help="Minimum R² of E vs √t during a pulse.")] = 0.98,
    max_tau_ratio: Annotated[float, typer.Option(
        "--max-tau-ratio", help="Largest τ·D/L² accepted as τ ≪ L²/D.")] = 0.1,
    max_drift: Annotated[float, typer.Option(
        "--max-drift", help="Largest potential drift over the last fifth of a rest, as a fraction of ΔE_s.")] = 0.05,
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Weppner–Huggins D = 4L²/(πτ)·(ΔE_s/ΔE_t)² for each pulse, with the √t and τ ≪ L²/D checks."""
    from ..theoretical import molar_mass_g_mol
    from .gitt import GittGeometry, analyze_gitt

    if formula is not None and molar_mass is not None:
        raise InputError("options --formula/--molar-mass", "both given", expected="one of them")
    mm = molar_mass_g_mol(formula) if formula is not None else molar_mass
    mass_g = None if mass_mg is None else require_in_range("--mass-mg", mass_mg, "mass_mg") * 1e-3
    if length_um is not None:
        if area_cm2 is not None:
            raise InputError("options --length-um/--area-cm2", "both given",
                             expected="--length-um, or --mass-mg --molar-mass --molar-volume-cm3 --area-cm2")
        geometry = GittGeometry.from_length(require_positive("--length-um", length_um) * 1e-4, mass_g, mm)
    else:
        missing = [n for n, v in (("--mass-mg", mass_g), ("--molar-mass or --formula", mm),
                                  ("--molar-volume-cm3", molar_volume_cm3), ("--area-cm2", area_cm2)) if v is None]
        if missing:
            raise InputError("GITT geometry", f"missing {', '.join(missing)}",
                             expected="--mass-mg --molar-mass --molar-volume-cm3 --area-cm2, or --length-um")
        geometry = GittGeometry.from_electrode(mass_g, mm, molar_volume_cm3, area_cm2)
    measurement = _read(file, columns, instrument)
    analysis = _steps([("analysing pulses", lambda: analyze_gitt(
        measurement, geometry, pulse_s=pulse_s, r2_min=r2_min, max_tau_ratio=max_tau_ratio,
        max_drift_fraction=max_drift))])[0]
    result = analysis.to_dict()
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import write_csv
        from .plots_cycling import gitt_figures

        written = _figures(gitt_figures(analysis), out) + [
            write_csv(out / "gitt_pulses.csv", pd.DataFrame(result["pulses"]).assign(
                flags=lambda f: f["flags"].map(";".join)))]
    short = {"sqrt_t_nonlinear": "E≁√t", "tau_not_small_vs_L2_over_D": "τ≮L²/D", "no_potential_change": "ΔE=0",
             "relaxation_incomplete": "not relaxed"}
    rows = [(p["pulse"], p["depth_fraction"], 1e3 * p["iR_drop_V"], 1e3 * p["delta_Es_V"], 1e3 * p["delta_Et_V"],
             f"{p['sqrt_t_r2']:.3f}", f"{p['D_cm2_s']:.3g}", f"{p['tau_D_over_L2']:.2g}",
             " ".join(short[f] for f in p["flags"]) or "ok")
            for p in result["pulses"]]
    median = result["D_cm2_s_median_valid"]
    taus = [p["tau_s"] for p in result["pulses"]]
    emit(result, json_path, table(
        f"GITT, L = {geometry.length_cm * 1e4:.4g} µm, τ = {min(taus):.4g}–{max(taus):.4g} s; median D of valid "
        "pulses = " + (f"{median:.3g} cm² s⁻¹" if median is not None else "none valid"),
        ("pulse", "depth (0–1)", "iR (mV)", "ΔE_s (mV)", "ΔE_t (mV)", "R² E~√t", "D (cm² s⁻¹)", "τD/L²", "checks"),
        _shown(rows)), written=written)


@eis.command("fit")
def eis_fit(
    file: Annotated[Path, typer.Argument(help="Impedance spectrum (frequency, Z', Z'').")],
    circuit: Annotated[str, typer.Option(
        "--circuit", help="randles | randles-fl | randles-cpe | randles-fl-cpe.")] = "randles",
    area_cm2: Annotated[Optional[float], typer.Option(
        "--area-cm2", help="Electrode area A in cm2 (geometric unless stated; enters D squared).")] = None,
    conc_mol_cm3: Annotated[Optional[float], typer.Option(
        "--conc-mol-cm3", help="Concentration C of the diffusing Zn in mol/cm3.")] = None,
    temperature_k: Annotated[float, typer.Option("--temperature-k", help="Temperature in K.")] = 298.15,
    length_um: Annotated[Optional[float], typer.Option(
        "--length-um", help="Diffusion length in µm for D = L²/τ_d (finite-length circuits).")] = None,
    warburg_max_hz: Annotated[Optional[float], typer.Option(
        "--warburg-max-hz", help="Upper frequency (Hz) of the Z' vs ω^-½ region (default: automatic).")] = None,
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Fit a Randles circuit with a Warburg element; D from σ_W (fit and Z′ vs ω^-½ slope)."""
    from .eis import fit_eis

    length_cm = None if length_um is None else require_positive("--length-um", length_um) * 1e-4
    spectrum = _read(file, columns, instrument, impedance=True)
    fit = _steps([(f"fitting {circuit}", lambda: fit_eis(
        spectrum, circuit, area_cm2=area_cm2, conc_mol_cm3=conc_mol_cm3, temperature_K=temperature_k,
        length_cm=length_cm, warburg_max_frequency_Hz=warburg_max_hz))])[0]
    result = fit.to_dict()
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import write_csv
        from .plots_cycling import eis_figures

        written = _figures(eis_figures(fit), out) + [
            write_csv(out / "eis_spectrum_fit.csv", pd.DataFrame(result["spectrum"])),
            write_csv(out / "eis_parameters.csv", pd.DataFrame(result["parameters"]))]
    w = result["warburg"]

    def val(x):
        return "- (needs --area-cm2 and --conc-mol-cm3)" if x is None else x

    params = table(f"{result['circuit_name']} = {result['circuit']} (relative RMS residual "
                   f"{100 * result['relative_rms_residual']:.2g} %; {result['n_inductive_points_dropped']} "
                   "inductive point(s) dropped)", ("parameter", "value", "± stderr", "unit"),
                   [(p["name"], p["value"], p["stderr"], p["unit"]) for p in result["parameters"]])
    rows = [("σ_W from fit", w["sigma_fit_ohm_s_half"], "Ω s^-½"),
            ("D from fitted σ_W", val(w["D_fit_cm2_s"]), "cm² s⁻¹"),
            ("σ_W from Z′ vs ω^-½ slope", w["sigma_slope_ohm_s_half"] or "-", "Ω s^-½"),
            ("R² of that slope", w["slope_r2"] or "-", ""),
            ("D from slope σ_W", val(w["D_slope_cm2_s"]), "cm² s⁻¹")]
    if w["tau_d_s"] is not None:
        rows += [("τ_d = L²/D", w["tau_d_s"], "s"),
                 ("D = L²/τ_d", w["D_from_tau_cm2_s"] or "- (needs --length-um)", "cm² s⁻¹")]
    area = "not given" if area_cm2 is None else f"{area_cm2:g} cm²"
    conc = "not given" if conc_mol_cm3 is None else f"{conc_mol_cm3:g} mol cm⁻³"
    warb = table(f"Warburg diffusion (A = {area}, C = {conc}, n = {w['electrons_n']}, T = {temperature_k:g} K)",
                 ("quantity", "value", "unit"), rows)
    emit(result, json_path, params, warb, written=written)
    for warning in result["warnings"]:
        warn(warning)


@capacity.command("theoretical")
def capacity_theoretical(
    formula: Annotated[str, typer.Argument(help="Host formula, e.g. V8O16, V2O5, H2V3O8.")],
    electrons: Annotated[float, typer.Option("--electrons", help="Electrons transferred per formula unit.")],
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Q = n·F/(3.6·M) in mAh g⁻¹ of the host as written (active-material basis)."""
    from ..outputs import write_json
    from ..theoretical import theoretical_capacity

    require_in_range("--electrons", electrons, "electrons")
    require_positive("--electrons", electrons)
    q = theoretical_capacity(formula, electrons)
    result = {"formula": q.formula, "molar_mass_g_mol": q.molar_mass_g_mol, "electrons": q.electrons,
              "zinc_per_formula_unit": q.zinc_per_formula, "capacity_mAh_g": q.capacity_mAh_g,
              "mass_basis": f"active ({q.formula} as written, no substrate, binder or water)",
              "equation": "Q = n F / (3.6 M)"}
    written = [write_json(out / "capacity_theoretical.json", result)] if out is not None else []
    emit(result, json_path, table(
        "Theoretical capacity Q = nF/(3.6 M)",
        ("formula", "M (g mol⁻¹)", "electrons (e⁻ per f.u.)", "Zn per f.u.", f"Q (mAh g⁻¹, active {q.formula})"),
        [(q.formula, q.molar_mass_g_mol, q.electrons, q.zinc_per_formula, q.capacity_mAh_g)]), written=written)


def register(app: typer.Typer) -> None:
    """Add the ``gcd``, ``gitt``, ``eis`` and ``capacity`` command groups to the root app."""
    app.add_typer(gcd, name="gcd")
    app.add_typer(gitt, name="gitt")
    app.add_typer(eis, name="eis")
    app.add_typer(capacity, name="capacity")
