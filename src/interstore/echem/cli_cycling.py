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
SweepOption = Annotated[Optional[int], typer.Option(
    "--spectrum", help="Sweep number (1, 2, ...) in a multi-sweep file.")]
capacity = typer.Typer(help="Theoretical (Faradaic) capacity Q = nF/(3.6 M).", no_args_is_help=True)


CyclingFileArg = Annotated[Path, typer.Argument(
    help="Galvanostatic charge/discharge file (any format the readers know).")]
MassOption = Annotated[Optional[float], typer.Option("--mass-mg", help="Active-oxide mass in mg.")]
SubstrateMassOption = Annotated[float, typer.Option(
    "--substrate-mg", help="Substrate mass in mg (rGO, Ti3C2, RuO2) for the composite basis.")]
ElectrodeMassOption = Annotated[Optional[float], typer.Option(
    "--electrode-mg", help="Whole-electrode mass in mg (composite + binder + additive).")]
ActiveLabelOption = Annotated[str, typer.Option("--active-label", help="Name of the active oxide.")]
SubstrateLabelOption = Annotated[str, typer.Option("--substrate-label", help="Name of the substrate.")]


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


def _read(path: Path, columns: str | None, instrument: str | None, *, impedance: bool = False,
          sweep: int | None = None):
    from .readers import parse_column_mapping, read_impedance, read_measurement

    mapping = parse_column_mapping(columns) if columns else None
    if impedance:
        return read_impedance(path, columns=mapping, instrument=instrument, spectrum=sweep)
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


def _masses(mass_mg: float | None, measurement, substrate_mg: float, electrode_mg: float | None,
            active_label: str, substrate_label: str):
    """The electrode masses from the options, the active mass from ``--mass-mg`` or else from the file
    (``measurement``; ``None`` checks the options before a file is read).  EC-Lab's characteristic
    mass is never taken as the active mass."""
    from ..massbasis import ElectrodeMasses

    measured_g = None if measurement is None else measurement.active_mass_g
    if mass_mg is None and measured_g is None:
        characteristic_g = None if measurement is None else measurement.extra.get("characteristic_mass_g")
        if characteristic_g is not None:
            raise InputError("option --mass-mg", "no active mass given; the file's EC-Lab characteristic mass "
                             f"({1e3 * characteristic_g:g} mg) is not taken as the active mass",
                             expected="the active-oxide mass in mg, e.g. --mass-mg 1.2")
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
    from ..results import rate

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
    areal = result["areal_basis"]
    loading = areal["loading_mg_cm2"]["active"]
    at = (f"loading {loading:.3g} mg cm⁻² active" if loading is not None
          else "loading unknown: give --area-cm2 or --loading-mg-cm2")
    if areal["area_cm2"] is None:
        bases = table("Mass bases (electrode area unknown: --area-cm2 or --loading-mg-cm2 give loadings and areal values)",
                      ("mass basis", "mass (mg)", "note"),
                      [(v["label"], float(v["mass_mg"]), notes.get(b, "")) for b, v in mb.items()])
    else:
        bases = table(f"Mass bases, electrode area {areal['area_cm2']:.4g} cm²",
                      ("mass basis", "mass (mg)", "loading (mg cm⁻²)", "note"),
                      [(v["label"], float(v["mass_mg"]), v["loading_mg_cm2"], notes.get(b, "")) for b, v in mb.items()])

    rows = [(f"{c['cycle']}" + ("" if c["complete"] else " (unfinished)"), c["rate_step"], 1e3 * c["current_A"], on(c["discharge_capacity_mAh_g"]),
             num(c["discharge_capacity_mAh_cm2"]), on(c["charge_capacity_mAh_g"]), num(c["coulombic_efficiency_pct"]),
             on(c["energy_Wh_kg"]), num(c["average_voltage_V"])) for c in result["cycles"]]
    cycles = table(f"Cycles, per g of {labels['active']} ({at}) and per cm²; "
                   f"{result['coulombic_efficiency_convention']}",
                   ("cycle", "rate step", "|I| (mA)", "Q_dis (mAh g⁻¹)", "Q_dis (mAh cm⁻²)", "Q_ch (mAh g⁻¹)",
                    "CE (%)", "E_dis (Wh kg⁻¹)", "V̄_dis (V)"), _shown(rows))
    areal_steps = table(f"Rate steps per cm² of electrode beside the active mass basis ({at})",
                        ("rate step", "i (mA cm⁻²)", "Q_dis (mAh cm⁻²)", "E_dis (mWh cm⁻²)", "i (A g⁻¹)",
                         "Q_dis (mAh g⁻¹)"),
                        [(s["rate_step"], num(s["current_density_mA_cm2"]), num(s["discharge_capacity_mAh_cm2"]),
                          num(s["energy_mWh_cm2"]), on(s["current_density_A_g"]), on(s["discharge_capacity_mAh_g"]))
                         for s in result["rate_steps"]])
    steps = table(f"Rate steps on every mass basis (means of their discharges; {at})",
                  ("rate step", "cycles", "mass basis", "i (A g⁻¹)", "Q_dis (mAh g⁻¹)", "E_dis (Wh kg⁻¹)",
                   "V̄_dis (V)", "CE (%)"),
                  [(s["rate_step"], f"{s['cycles'][0]}–{s['cycles'][-1]}", labels[b],
                    rate(on(s["current_density_A_g"], b)),
                    on(s["discharge_capacity_mAh_g"], b), on(s["energy_Wh_kg"], b), num(s["average_voltage_V"]),
                    num(s["coulombic_efficiency_pct"])) for s in result["rate_steps"] for b in labels])
    ragone = table("Ragone points", ("mass basis", "|I| (mA)", "energy density (Wh kg⁻¹)", "power density (W kg⁻¹)"),
                   [(p["basis_label"], 1e3 * p["current_A"], p["energy_Wh_kg"], p["power_W_kg"])
                    for p in result["ragone"]])
    return [bases, cycles, steps, areal_steps, ragone]


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
    file: CyclingFileArg,
    mass_mg: MassOption = None,
    substrate_mg: SubstrateMassOption = 0.0,
    electrode_mg: ElectrodeMassOption = None,
    active_label: ActiveLabelOption = "active oxide",
    substrate_label: SubstrateLabelOption = "substrate",
    area_cm2: Annotated[Optional[float], typer.Option(
        "--area-cm2", help="Geometric electrode area in cm² (areal capacity, current, energy).")] = None,
    loading_mg_cm2: Annotated[Optional[float], typer.Option(
        "--loading-mg-cm2", help="Active-oxide mass loading in mg cm⁻² (instead of, or checked against, "
        "--area-cm2).")] = None,
    ce: Annotated[str, typer.Option(
        "--ce", help="Coulombic-efficiency convention: discharge/charge or charge/discharge.")] = "discharge/charge",
    rate_tolerance: Annotated[float, typer.Option(
        "--rate-tolerance", help="Relative change of |I| that starts a new rate step.")] = 0.05,
    cycles_from: Annotated[str, typer.Option(
        "--cycles-from", help="Cycle numbering: auto (file if it numbers cycles), file, or discharge "
        "(a new cycle at every discharge).")] = "auto",
    capacity_from: Annotated[str, typer.Option(
        "--capacity-from", help="integrated (∫|I|dt of the logged points) or instrument (the cycler's own "
        "capacity counter; for logging that does not resolve the current, e.g. pulses).")] = "integrated",
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Capacity, CE, energy and average voltage per cycle and rate step on every mass basis, and Ragone data."""
    from .galvanostatic import CAPACITY_SOURCES, CE_CONVENTIONS, CYCLE_SOURCES, analyze_cycling

    for option, value, allowed in (("--ce", ce, CE_CONVENTIONS), ("--cycles-from", cycles_from, CYCLE_SOURCES),
                                   ("--capacity-from", capacity_from, CAPACITY_SOURCES)):
        if value not in allowed:  # checked before the file is read
            raise InputError(f"option {option}", f"got {value!r}", expected=" | ".join(allowed))
    labels = (substrate_mg, electrode_mg, active_label, substrate_label)
    masses = None if mass_mg is None else _masses(mass_mg, None, *labels)
    measurement = _read(file, columns, instrument)
    masses = (masses or _masses(None, measurement, *labels)).with_area(area_cm2, loading_mg_cm2)
    analysis = _steps([("analysing cycles", lambda: analyze_cycling(
        measurement, masses, ce_convention=ce, rate_tolerance=rate_tolerance, cycles_from=cycles_from,
        capacity_from=capacity_from))])[0]
    result = analysis.to_dict()
    written = []
    if out is not None:
        from .plots_cycling import cycling_figures

        written = _figures(cycling_figures(analysis), out) + _gcd_csv(result, out)
    emit(result, json_path, *_gcd_tables(result), written=written)
    for warning in result["warnings"]:
        warn(warning)
    if result["areal_basis"]["low_loading_note"]:
        warn(result["areal_basis"]["low_loading_note"])


@gcd.command("dqdv")
def gcd_dqdv(
    file: CyclingFileArg,
    mass_mg: MassOption = None,
    substrate_mg: SubstrateMassOption = 0.0,
    electrode_mg: ElectrodeMassOption = None,
    active_label: ActiveLabelOption = "active oxide",
    substrate_label: SubstrateLabelOption = "substrate",
    cycles: Annotated[Optional[str], typer.Option(
        "--cycles", help="Comma-separated cycle numbers (default: every cycle).")] = None,
    kind: Annotated[str, typer.Option("--kind", help="discharge, charge or both.")] = "both",
    step_mv: Annotated[float, typer.Option("--step-mv", help="Potential grid spacing in mV.")] = 2.0,
    window_mv: Annotated[float, typer.Option(
        "--window-mv", help="Savitzky–Golay window on the potential grid in mV.")] = 20.0,
    polyorder: Annotated[int, typer.Option("--polyorder", help="Savitzky–Golay polynomial order.")] = 3,
    prominence: Annotated[float, typer.Option(
        "--prominence", help="Smallest peak prominence as a fraction of the largest dQ/dV.")] = 0.05,
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Differential capacity dQ/dV and dV/dQ per half-cycle, peak positions and areas, retention, CE and fade rate."""
    from ..cli_support import parse_float_list
    from .differential import DifferentialSettings, analyze_differential
    from .galvanostatic import analyze_cycling

    kinds = {"both": ("discharge", "charge"), "discharge": ("discharge",), "charge": ("charge",)}
    if kind not in kinds:
        raise InputError("option --kind", f"got {kind!r}", expected="discharge | charge | both")
    wanted = None if cycles is None else [int(c) for c in parse_float_list(cycles, "--cycles") or []]
    settings = DifferentialSettings(step_V=step_mv * 1e-3, window_V=window_mv * 1e-3, polyorder=polyorder,
                                    min_prominence=prominence)
    measurement = _read(file, columns, instrument)
    masses = _masses(mass_mg, measurement, substrate_mg, electrode_mg, active_label, substrate_label)
    diff = _steps([("analysing cycles and dQ/dV", lambda: analyze_differential(
        analyze_cycling(measurement, masses), cycles=wanted, kinds=kinds[kind], settings=settings))])[0]
    d = diff.to_dict()
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import write_csv
        from .plots_differential import differential_figures

        curves = pd.concat([pd.DataFrame({"cycle": c.cycle, "kind": c.kind, "potential_V": c.potential_V,
                                          "dqdv_mAh_V": c.dqdv_mAh_V,
                                          "dqdv_mAh_g_V_active": c.dqdv_mAh_V / masses.active_g})
                            for c in diff.curves], ignore_index=True)
        peaks = pd.DataFrame([{k: v for k, v in p.items() if k != "area_mAh_g"}
                              | {"area_mAh_g_active": p["area_mAh_g"]["active"]} for p in d["peaks"]])
        written = _figures(differential_figures(diff), out) + [
            write_csv(out / "dqdv_curves.csv", curves), write_csv(out / "dqdv_peaks.csv", peaks),
            write_csv(out / "cycle_trend.csv", pd.DataFrame(d["cycle_trend"]["cycles"]))]
    label = masses.label("active")
    rows = [(p["cycle"], p["kind"], p["potential_V"], p["height_mAh_V"] / masses.active_g,
             p["area_mAh_g"]["active"], f"{p['left_V']:.3f}–{p['right_V']:.3f}") for p in d["peaks"]]
    fades = d["cycle_trend"]["fade_pct_per_cycle"]
    trend = table("Capacity fade (" + d["cycle_trend"]["fade_definition"] + ")", ("rate step", "fade (% per cycle)"),
                  [(k, v) for k, v in fades.items()] or [("-", "no rate step with ≥ 3 discharges")])
    emit(d, json_path, table(f"dQ/dV peaks, per g of {label}; {d['method']}",
                             ("cycle", "half-cycle", "peak (V)", "height (mAh g⁻¹ V⁻¹)", "area (mAh g⁻¹)",
                              "bounds (V)"), _shown(rows, 40)), trend, written=written)


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
    start_time: Annotated[str, typer.Option(
        "--start-time", help="Pulse start t0 for the √t fit: auto (instrument step time if the file has it, "
        "else fit E = E0 + b√(t − t0) between the last rest and first pulse sample), step-time, fit, "
        "first-sample.")] = "auto",
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Weppner–Huggins D = 4L²/(πτ)·(ΔE_s/ΔE_t)² for each pulse, with the √t and τ ≪ L²/D checks."""
    from ..theoretical import molar_mass_g_mol
    from .gitt import START_TIMES, GittGeometry, analyze_gitt

    if start_time not in START_TIMES:
        raise InputError("option --start-time", f"got {start_time!r}", expected=" | ".join(START_TIMES))
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
        max_drift_fraction=max_drift, start_time=start_time))])[0]
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
    tau_from = (f"--pulse-s {pulse_s:g} s" if pulse_s is not None
                else "last pulse sample − t0, ±1 logging interval: give --pulse-s")
    emit(result, json_path, table(
        f"GITT, L = {geometry.length_cm * 1e4:.4g} µm, τ = {min(taus):.4g}–{max(taus):.4g} s ({tau_from}); "
        "median D of valid pulses = " + (f"{median:.3g} cm² s⁻¹" if median is not None else "none valid"),
        ("pulse", "depth (0–1)", "iR (mV)", "ΔE_s (mV)", "ΔE_t (mV)", "R² E~√t", "D (cm² s⁻¹)", "τD/L²", "checks"),
        _shown(rows)), table(
        f"Pulse start t0 of the √t fit (--start-time {start_time}): {result['t0_summary']}"
        + ("" if "step_time_s" in measurement.data else "; the file records no step time")
        + " — and its effect on D",
        ("pulse", "t0 from", "t0 (s)", "1st pulse sample − t0 (s)", "D with t0 = 1st sample (cm² s⁻¹)",
         "D ratio (1st sample / t0)"),
        _shown([(p["pulse"], p["t0_method"], p["t0_s"], p["t0_offset_s"], f"{p['D_first_sample_origin_cm2_s']:.3g}",
                 f"{p['D_first_sample_origin_cm2_s'] / p['D_cm2_s']:.3g}") for p in result["pulses"]])),
        *[f"pulse {p['pulse']}: {p['t0_note']}" for p in result["pulses"] if p["t0_note"]],
        written=written)


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
    weighting: Annotated[str, typer.Option(
        "--weighting", help="Least-squares weighting: modulus (1/|Z|, default), proportional (1/|Z′|, 1/|Z″|) "
        "or unit.")] = "modulus",
    force_kk: Annotated[bool, typer.Option(
        "--force-kk", help="Report D even when the spectrum fails the Lin-KK test (stated in the output).")] = False,
    kk_limit_pct: Annotated[float, typer.Option(
        "--kk-limit-pct", help="Lin-KK pass limit: largest residual in % of |Z| (default 2).")] = 2.0,
    spectrum_no: SweepOption = None,
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Lin-KK check, then a Randles fit with a Warburg element; D from σ_W (fit and Z′ vs ω^-½ slope)."""
    from .eis import WEIGHTINGS, fit_eis

    if weighting not in WEIGHTINGS:
        raise InputError("option --weighting", f"got {weighting!r}", expected=" | ".join(WEIGHTINGS))
    require_positive("--kk-limit-pct", kk_limit_pct)
    length_cm = None if length_um is None else require_positive("--length-um", length_um) * 1e-4
    spectrum = _read(file, columns, instrument, impedance=True, sweep=spectrum_no)
    fit = _steps([(f"Lin-KK check and {circuit} fit", lambda: fit_eis(
        spectrum, circuit, area_cm2=area_cm2, conc_mol_cm3=conc_mol_cm3, temperature_K=temperature_k,
        length_cm=length_cm, warburg_max_frequency_Hz=warburg_max_hz, weighting=weighting,
        force_kk=force_kk, kk_limit_pct=kk_limit_pct))])[0]
    result = fit.to_dict()
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import write_csv
        from .plots_cycling import eis_figures

        written = _figures(eis_figures(fit), out) + [
            write_csv(out / "eis_spectrum_fit.csv", pd.DataFrame(result["spectrum"])),
            write_csv(out / "eis_parameters.csv", pd.DataFrame(result["parameters"])),
            write_csv(out / "eis_kk_residuals.csv", pd.DataFrame(result["kramers_kronig"]["residuals"]))]
    w, kk = result["warburg"], result["kramers_kronig"]

    def val(x):
        if result["D_withheld_by_kk"]:
            return "- (withheld: spectrum fails Lin-KK; --force-kk overrides)"
        return "- (needs --area-cm2 and --conc-mol-cm3)" if x is None else x

    check = table(f"Lin-KK validity (Schönleber 2014; {kk['n_rc_elements']} RC elements, μ = {kk['mu']:.2f})",
                  ("verdict", "max residual (% of |Z|)", "RMS residual (% of |Z|)", "limit (% of |Z|)"),
                  [(kk["verdict"] + (" (overridden by --force-kk)" if result["kk_overridden"] else ""),
                    kk["max_residual_pct_of_abs_Z"], kk["rms_residual_pct_of_abs_Z"], kk["threshold_pct_of_abs_Z"])])
    params = table(f"{result['circuit_name']} = {result['circuit']} ({result['weighting']} weighting; relative "
                   f"RMS residual {100 * result['relative_rms_residual']:.2g} %; "
                   f"{result['n_inductive_points_dropped']} inductive point(s) dropped)",
                   ("parameter", "value", "± stderr", "rel. error (%)", "unit"),
                   [(p["name"], p["value"], p["stderr"], 100 * p["stderr"] / abs(p["value"]) if p["value"] else "-",
                     p["unit"]) for p in result["parameters"]])
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
    emit(result, json_path, check, params, warb, written=written)
    for warning in result["warnings"]:
        warn(warning)


@eis.command("drt")
def eis_drt(
    file: Annotated[Path, typer.Argument(help="Impedance spectrum (frequency, Z', Z'').")],
    lam: Annotated[Optional[float], typer.Option(
        "--lambda", help="Regularisation parameter λ (default: chosen by generalised cross-validation).")] = None,
    spectrum_no: SweepOption = None,
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Distribution of relaxation times (Tikhonov, non-negative, λ by GCV) and its peaks (τ, R)."""
    from .drt import compute_drt

    spectrum = _read(file, columns, instrument, impedance=True, sweep=spectrum_no)
    drt = _steps([("DRT inversion (GCV over λ)" if lam is None else "DRT inversion", lambda: compute_drt(
        spectrum, lam=lam))])[0]
    result = drt.to_dict()
    written = []
    if out is not None:
        import pandas as pd

        from ..outputs import write_csv
        from .plots_eis import drt_figures

        written = _figures(drt_figures(drt), out) + [
            write_csv(out / "eis_drt.csv", pd.DataFrame(result["distribution"])),
            write_csv(out / "eis_drt_peaks.csv", pd.DataFrame(result["peaks"]))]
    how = "fixed by --lambda" if lam is not None else "by generalised cross-validation"
    emit(result, json_path, table(
        f"DRT peaks (λ = {drt.lam:.3g}, {how}; R∞ = {drt.r_inf_ohm:.4g} Ω, total polarisation "
        f"{drt.polarisation_ohm:.4g} Ω, relative RMS residual {100 * drt.relative_rms:.2g} %)",
        ("peak", "τ (s)", "f = 1/(2πτ) (Hz)", "R (Ω)", "share of polarisation (%)", "note"),
        [(k, p.tau_s, p.frequency_Hz, p.resistance_ohm, 100 * p.resistance_ohm / drt.polarisation_ohm,
          "at the τ-range edge: not resolved" if p.at_range_edge else "")
         for k, p in enumerate(drt.peaks, start=1)]), written=written)


@eis.command("series")
def eis_series(
    path: Annotated[Path, typer.Argument(help="A multi-sweep EIS file, or a folder of spectra whose file names "
                                              "carry the cycle / potential (e.g. cycle_10.csv).")],
    circuit: Annotated[str, typer.Option(
        "--circuit", help="randles | randles-fl | randles-cpe | randles-fl-cpe.")] = "randles-cpe",
    weighting: Annotated[str, typer.Option(
        "--weighting", help="modulus (default), proportional or unit.")] = "modulus",
    x_name: Annotated[Optional[str], typer.Option(
        "--x-name", help="What the number in the file names is, with its unit, e.g. 'cycle' or 'E (V)' "
        "(default: 'number in file name' for a folder; for a file x is each sweep's mean DC potential, "
        "'E (V)', when the file logs one, else the sweep number).")] = None,
    force_kk: Annotated[bool, typer.Option(
        "--force-kk", help="Report D even for spectra that fail the Lin-KK test.")] = False,
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """The same circuit fitted to every spectrum (warm-started from the previous one): parameters vs x."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .eis import CIRCUITS, WEIGHTINGS
    from .eis_series import POTENTIAL_X, fit_series, spectra_from_folder
    from .readers import read_impedance_sweeps

    for option, value, allowed in (("--circuit", circuit, CIRCUITS), ("--weighting", weighting, WEIGHTINGS)):
        if value not in allowed:
            raise InputError(f"option {option}", f"got {value!r}", expected=" | ".join(allowed))
    if path.is_dir():
        x, spectra = spectra_from_folder(path, lambda p: _read(p, columns, instrument, impedance=True))
        x_name, x_source = x_name or "number in file name", "the last number in each file name"
    else:
        from .readers import parse_column_mapping

        spectra = read_impedance_sweeps(path, columns=parse_column_mapping(columns) if columns else None,
                                        instrument=instrument)
        x, x_source = None, None  # each sweep's mean DC potential when the file logs it, else the sweep number
    with Progress(TextColumn("fitting {task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(f"{circuit} to {len(spectra)} spectra", total=len(spectra))
        series = fit_series(spectra, x, circuit, x_name=x_name, x_source=x_source, source=str(path),
                            weighting=weighting, force_kk=force_kk, progress=lambda _: bar.advance(task))
    frame = series.table()
    result = series.to_dict()
    units = frame.attrs["units"]
    written = []
    if out is not None:
        from ..outputs import write_csv
        from .plots_eis import series_figure

        written = _figures({"eis_series": series_figure(frame, series.x_name, series.x_label)}, out) + [
            write_csv(out / "eis_series.csv", frame)]
    x_name, names = series.x_name, list(units)
    x_fmt = (lambda v: f"{v:.4f}") if x_name == POTENTIAL_X else (lambda v: f"{v:g}")
    rows = [(r["sweep"], x_fmt(r[x_name]), *(f"{r[n]:.4g} ± {r[n + '_stderr']:.2g}" for n in names),
             f"{100 * r['relative_rms_residual']:.2g}", f"{r['kk_verdict']} ({r['kk_max_residual_pct']:.2g} %)")
            for _, r in frame.iterrows()]
    emit(result, json_path, table(
        f"{circuit} = {result['circuit']} fitted to {len(spectra)} spectra of {path.name} ({weighting} weighting; "
        f"each fit warm-started from the previous); x = {series.x_label} — {series.x_source}",
        ("#", x_name, *(f"{n} ({units[n]})" for n in names), "RMS residual (%)", "Lin-KK (max residual)"),
        _shown(rows)), written=written)
    for spectrum in result["spectra"]:
        for warning in spectrum["warnings"]:
            warn(f"{x_name} {spectrum[x_name]:g}: {warning}")


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
