"""``interstore spacecharge`` and ``interstore diffusion``: space-charge equilibrium at the α|β
junction and job-sharing chemical diffusion."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, console, emit, parse_float_list, table, warn
from ..constants import AVOGADRO, ROOM_TEMPERATURE, Z_ZINC
from ..errors import InputError, require_positive

TemperatureOption = Annotated[float, typer.Option("--temperature-K", help="Temperature in K.")]
ZOption = Annotated[int, typer.Option("--z", help="Charge number of the mobile ion (2 for Zn²⁺).")]
EpsROption = Annotated[float, typer.Option("--eps-r", help="Relative permittivity of α (the V oxide).")]
CBulkOption = Annotated[float, typer.Option(
    "--c-bulk-mol-m3", help="Bulk concentration of each mobile α defect (Gouy–Chapman) or of the dopant "
    "(Mott–Schottky), mol m⁻³.")]
ModeOption = Annotated[str, typer.Option("--mode", help="gouy-chapman or mott-schottky.")]
SiteOption = Annotated[Optional[float], typer.Option(
    "--site-conc-mol-m3", help="Sites per mobile α defect, mol m⁻³ (Fermi–Dirac); default dilute.")]

spacecharge_group = typer.Typer(help="Space-charge (interface) storage at the V-oxide | substrate junction.",
                                no_args_is_help=True)
diffusion_group = typer.Typer(help="Chemical diffusion in mixed conductors and job-sharing heterostructures.",
                              no_args_is_help=True)


def _analytic(params, delta_phi_V: float) -> dict[str, float]:
    """Closed-form references that apply to ``params`` (semi-infinite α on a metal)."""
    from . import spacecharge as sc

    if params.thickness_m is not None or not params.metallic_beta:
        return {}
    out = {"semi_infinite_charge_C_m2": sc.semi_infinite_charge_C_m2(params, delta_phi_V)}
    args = (params.eps_r, params.c_bulk_mol_m3, delta_phi_V)
    if params.mode == "gouy-chapman" and params.site_concentration_mol_m3 is None:
        out["gouy_chapman_charge_C_m2"] = sc.gouy_chapman_charge_C_m2(*args, z=params.z,
                                                                      temperature_K=params.temperature_K)
        out["gouy_chapman_capacitance_F_m2"] = sc.gouy_chapman_capacitance_F_m2(*args, z=params.z,
                                                                                temperature_K=params.temperature_K)
    elif params.mode == "mott-schottky" and delta_phi_V > 0:
        out["mott_schottky_width_m"] = sc.mott_schottky_width_m(*args, z=params.z)
        out["mott_schottky_capacitance_F_m2"] = sc.mott_schottky_capacitance_F_m2(*args, z=params.z)
    return out


def _profile_result(params, prof, potentials, charge, capacitance) -> dict:
    inputs = {"eps_r": params.eps_r, "c_bulk_mol_m3": params.c_bulk_mol_m3, "z": params.z, "mode": params.mode,
              "thickness_m": params.thickness_m, "site_concentration_mol_m3": params.site_concentration_mol_m3,
              "temperature_K": params.temperature_K, "beta": "metal" if params.metallic_beta else "semiconductor",
              "beta_eps_r": params.beta_eps_r, "beta_c_bulk_mol_m3": params.beta_c_bulk_mol_m3}
    return {
        "inputs": inputs,
        "debye_length_m": prof.debye_length_m,
        "delta_phi_V": prof.delta_phi_V,
        "delta_phi_alpha_V": prof.delta_phi_alpha_V,
        "alpha_thickness_m": params.thickness_m,
        "alpha_domain_length_m": prof.domain_length_m,
        "charge_C_m2": prof.charge_C_m2,
        "beta_charge_C_m2": prof.beta_charge_C_m2,
        "zinc_excess_mol_m2": prof.zinc_excess_mol_m2,
        "zinc_excess_per_nm2": prof.zinc_excess_mol_m2 * AVOGADRO * 1e-18,
        "excess_mol_m2": prof.excess_mol_m2,
        "capacitance_F_m2": prof.capacitance_F_m2,
        "capacitance_uF_cm2": prof.capacitance_F_m2 * 100,
        "neutrality_error_relative": prof.neutrality_error,
        "analytic": _analytic(params, prof.delta_phi_V),
        "cv_curve": {"delta_phi_V": potentials, "charge_C_m2": charge, "capacitance_F_m2": capacitance},
        "profile": _profile_columns(prof),
    }


def _profile_columns(prof) -> dict:
    """x (m), φ (V) and each concentration (mol m⁻³) as unit-named columns."""
    return {"x_m": prof.x_m, "phi_V": prof.phi_V} | {f"c_{name}_mol_m3": c
                                                      for name, c in prof.concentrations_mol_m3.items()}


_ANALYTIC_ROWS = {
    "semi_infinite_charge_C_m2": ("analytic Q_α (first integral, semi-infinite)", 1.0, "C m⁻²"),
    "gouy_chapman_charge_C_m2": ("analytic Gouy–Chapman Q_sc", 1.0, "C m⁻²"),
    "gouy_chapman_capacitance_F_m2": ("analytic Gouy–Chapman C_sc", 100.0, "µF cm⁻²"),
    "mott_schottky_width_m": ("analytic Mott–Schottky width ℓ", 1e9, "nm"),
    "mott_schottky_capacitance_F_m2": ("analytic Mott–Schottky C", 100.0, "µF cm⁻²"),
}


def _profile_tables(r: dict) -> list:
    rows = [
        ("Debye length λ_α", r["debye_length_m"] * 1e9, "nm"),
        ("potential step Δφ = φ_β − φ_α∞", r["delta_phi_V"], "V"),
        ("drop inside α, φ(0) − φ_α∞", r["delta_phi_alpha_V"], "V"),
        ("stored ionic charge Q_α", r["charge_C_m2"], "C m⁻² (interface area)"),
        ("Zn excess Γ_Zn", r["zinc_excess_mol_m2"], "mol m⁻² (interface area)"),
        ("Zn excess Γ_Zn", r["zinc_excess_per_nm2"], "Zn nm⁻²"),
        ("differential capacitance", r["capacitance_uF_cm2"], "µF cm⁻² (interface area)"),
        ("charge neutrality |Q_α + Q_β|/|Q_α|", r["neutrality_error_relative"], "—"),
    ]
    rows += [(label, r["analytic"][key] * scale, unit) for key, (label, scale, unit) in _ANALYTIC_ROWS.items()
             if key in r["analytic"]]
    cv = r["cv_curve"]
    stride = max(1, len(cv["delta_phi_V"]) // 10)
    cv_rows = [(v, q, c * 100) for v, q, c in zip(cv["delta_phi_V"][::stride], cv["charge_C_m2"][::stride],
                                                  cv["capacitance_F_m2"][::stride])]
    inp = r["inputs"]
    thick = "α semi-infinite" if inp["thickness_m"] is None else f"α {inp['thickness_m'] * 1e9:g} nm thick"
    sites = ("dilute (no site limit)" if inp["site_concentration_mol_m3"] is None
             else f"{inp['site_concentration_mol_m3']:g} mol m⁻³ sites")
    return [table(f"space charge ({inp['mode']}, z = {inp['z']}, β = {inp['beta']}, {thick}, {sites}, "
                  f"T = {inp['temperature_K']:g} K)",
                  ("quantity", "value", "unit"), rows),
            table("C–V curve", ("Δφ (V)", "Q_α (C m⁻²)", "C (µF cm⁻²)"), cv_rows)]


def _write_profile_outputs(out: Path, prof, potentials, charge, capacitance, analytic_curve) -> list[Path]:
    import pandas as pd

    from ..outputs import save_figure, write_csv
    from .plots_equilibrium import capacitance_figure, profile_figure

    frame = pd.DataFrame(_profile_columns(prof))
    curve = pd.DataFrame({"delta_phi_V": potentials, "charge_C_m2": charge, "capacitance_F_m2": capacitance})
    return [
        save_figure(profile_figure(prof), out / "spacecharge_profile.png"),
        save_figure(capacitance_figure(potentials, charge, capacitance, analytic_curve,
                                       "Gouy–Chapman (analytic)"), out / "spacecharge_cv.png"),
        write_csv(out / "spacecharge_profile.csv", frame),
        write_csv(out / "spacecharge_cv.csv", curve),
    ]


@spacecharge_group.command("profile")
def profile(
    eps_r: EpsROption,
    c_bulk_mol_m3: CBulkOption,
    delta_phi_V: Annotated[Optional[float], typer.Option(
        "--delta-phi-V", help="Galvani step φ_β − φ_α∞ in V; negative accumulates Zn²⁺ in α.")] = None,
    electrode_potential_V: Annotated[Optional[float], typer.Option(
        "--electrode-potential-V", help="Instead of --delta-phi-V: electrode potential E in V (with --pzc-V); "
        "Δφ = E − E_pzc.")] = None,
    pzc_V: Annotated[Optional[float], typer.Option(
        "--pzc-V", help="Potential of zero charge E_pzc in V, same reference as --electrode-potential-V.")] = None,
    z: ZOption = Z_ZINC,
    mode: ModeOption = "gouy-chapman",
    thickness_nm: Annotated[Optional[float], typer.Option(
        "--thickness-nm", help="α thickness in nm (zero-field far side); default semi-infinite.")] = None,
    site_conc_mol_m3: SiteOption = None,
    temperature_K: TemperatureOption = ROOM_TEMPERATURE,
    beta_eps_r: Annotated[Optional[float], typer.Option(
        "--beta-eps-r", help="Relative permittivity of a semiconducting β.")] = None,
    beta_c_bulk_mol_m3: Annotated[Optional[float], typer.Option(
        "--beta-c-bulk-mol-m3", help="Electron and hole concentration in β, mol m⁻³; default: metallic β.")] = None,
    cv_range_V: Annotated[Optional[float], typer.Option(
        "--cv-range-V", help="C–V curve from −range to +range in V (default max(|Δφ|, 0.1 V)).")] = None,
    cv_points: Annotated[int, typer.Option("--cv-points", help="Number of potentials on the C–V curve.")] = 41,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Potential and defect profiles (Fig. 2b style), Γ_Zn, stored charge, capacitance and the C–V curve."""
    import numpy as np
    from rich.progress import Progress

    from . import spacecharge as sc

    if (delta_phi_V is None) == (electrode_potential_V is None) or (electrode_potential_V is None) != (pzc_V is None):
        raise InputError("options --delta-phi-V / --electrode-potential-V / --pzc-V", "missing or conflicting",
                         expected="either --delta-phi-V, or both --electrode-potential-V and --pzc-V")
    if delta_phi_V is None:
        delta_phi_V = float(sc.galvani_step_V(electrode_potential_V, pzc_V))
    thickness_m = None if thickness_nm is None else require_positive("--thickness-nm", thickness_nm) * 1e-9
    params = sc.SpaceChargeParams(eps_r=eps_r, c_bulk_mol_m3=c_bulk_mol_m3, z=z, mode=mode, thickness_m=thickness_m,
                                  site_concentration_mol_m3=site_conc_mol_m3, temperature_K=temperature_K,
                                  beta_eps_r=beta_eps_r, beta_c_bulk_mol_m3=beta_c_bulk_mol_m3)
    span = max(abs(delta_phi_V), 0.1) if cv_range_V is None else require_positive("--cv-range-V", cv_range_V)
    if not 2 <= cv_points <= 2001:
        raise InputError("option --cv-points", f"got {cv_points}", expected="an integer between 2 and 2001")
    potentials = np.linspace(-span, span, cv_points)
    for v in (delta_phi_V, span):
        sc.validate_potential_V(v)

    prof = sc.solve_space_charge(params, delta_phi_V)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("C–V curve (Poisson–Boltzmann solves)", total=cv_points)
        charge, capacitance = sc.interface_capacitance_curve(params, potentials,
                                                             progress=lambda i: bar.advance(task))
    result = _profile_result(params, prof, potentials, charge, capacitance)
    written = []
    if out is not None:
        analytic = [_analytic(params, v) for v in potentials]
        curve = None
        if analytic and "gouy_chapman_charge_C_m2" in analytic[0]:
            curve = (np.array([a["gouy_chapman_charge_C_m2"] for a in analytic]),
                     np.array([a["gouy_chapman_capacitance_F_m2"] for a in analytic]))
        written = _write_profile_outputs(out, prof, potentials, charge, capacitance, curve)
    conc = [np.asarray(result["profile"][k], float) for k in ("c_Zn_i_mol_m3", "c_V_Zn_mol_m3")
            if k in result["profile"]]  # the mobile α defects that --site-conc-mol-m3 limits
    peak = max((float(np.nanmax(c)) for c in conc if np.isfinite(c).any()), default=0.0)  # NaN outside a phase
    result["warnings"] = [] if peak <= sc.MAX_BULK_CONC_MOL_M3 else [
        f"peak defect concentration {peak:.3g} mol m⁻³ exceeds the atom density of any solid "
        f"(> {sc.MAX_BULK_CONC_MOL_M3:g} mol m⁻³): the stored charge is beyond the model's range; "
        "limit the sites with --site-conc-mol-m3"]
    emit(result, json_path, *_profile_tables(result), written=written)
    for w in result["warnings"]:
        warn(w)


@spacecharge_group.command("transition")
def transition(
    eps_r: EpsROption,
    c_bulk_mol_m3: CBulkOption,
    thickness_nm: Annotated[str, typer.Option(
        "--thickness-nm", help="α thicknesses in nm, comma-separated; a semi-infinite α is always added.")
    ] = "0.001,0.01,0.1,1",
    max_step_V: Annotated[float, typer.Option("--max-step-V", help="Largest accumulation step |Δφ| in V.")] = 0.12,
    points: Annotated[int, typer.Option("--points", help="Number of steps from max/points to max.")] = 25,
    z: ZOption = Z_ZINC,
    mode: ModeOption = "gouy-chapman",
    site_conc_mol_m3: SiteOption = None,
    temperature_K: TemperatureOption = ROOM_TEMPERATURE,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Γ_Zn against the step for several α thicknesses: interfacial (sinh) → chemical (exp) capacitor."""
    import numpy as np
    from rich.progress import Progress

    from . import spacecharge as sc

    thick = parse_float_list(thickness_nm, "--thickness-nm") or []
    if not 2 <= points <= 501:
        raise InputError("option --points", f"got {points}", expected="an integer between 2 and 501")
    params = sc.SpaceChargeParams(eps_r=eps_r, c_bulk_mol_m3=c_bulk_mol_m3, z=z, mode=mode,
                                  site_concentration_mol_m3=site_conc_mol_m3, temperature_K=temperature_K)
    if require_positive("--max-step-V", max_step_V) > sc.MAX_ABS_DELTA_PHI_V:
        raise InputError("option --max-step-V", f"got {max_step_V:g} V",
                         expected=f"a step of at most {sc.MAX_ABS_DELTA_PHI_V} V")
    steps = np.linspace(max_step_V / points, max_step_V, points)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("Poisson–Boltzmann curves per thickness", total=len(thick) + 1)
        tr = sc.storage_transition(params, [t * 1e-9 for t in thick], steps, progress=lambda i: bar.advance(task))
    curves = [{"thickness_m": t, "thickness_over_debye_length": None if t is None else t / tr.debye_length_m,
               "zinc_excess_mol_m2": g, "log_slope_zF_RT": s}
              for t, g, s in zip(tr.thickness_m, tr.zinc_excess_mol_m2, tr.log_slope)]
    result = {"inputs": {"eps_r": eps_r, "c_bulk_mol_m3": c_bulk_mol_m3, "z": z, "mode": mode,
                         "site_concentration_mol_m3": site_conc_mol_m3, "temperature_K": temperature_K},
              "debye_length_m": tr.debye_length_m, "step_V": tr.step_V, "curves": curves}
    rows = [("semi-infinite" if c["thickness_m"] is None else f"{c['thickness_m'] * 1e9:.4g} nm",
             "∞" if c["thickness_m"] is None else c["thickness_over_debye_length"],
             c["zinc_excess_mol_m2"][-1], c["log_slope_zF_RT"][0], c["log_slope_zF_RT"][-1]) for c in curves]
    written = []
    if out is not None:
        from ..outputs import save_figure
        from .plots_equilibrium import transition_figure
        written.append(save_figure(transition_figure(tr), out / "spacecharge_transition.png"))
    emit(result, json_path, table(
        f"Zn storage against the step (λ = {tr.debye_length_m * 1e9:.3g} nm; slope ½: interfacial, 1: chemical)",
        ("α thickness", "L/λ", f"Γ_Zn at {max_step_V:g} V (mol m⁻²)", f"slope at {steps[0]:.3g} V",
         f"slope at {max_step_V:g} V"), rows), written=written)


def _fmt(value: float | None) -> str | float:
    if value is None:
        return "not given separately"
    return "∞ (no storage on this path)" if math.isinf(value) else value


def _write_diffusion_outputs(out: Path, rows, geometry, size_kw: dict, kw: dict, res) -> list[Path]:
    """CSV of the terms; with a geometry, the D^δ-against-size figure (0.3 nm … 1 µm) and its CSV."""
    import numpy as np
    import pandas as pd

    from ..outputs import save_figure, write_csv
    from .jobsharing import interface_area_per_volume, job_sharing_diffusivity
    from .plots_equilibrium import diffusivity_size_figure

    written = [write_csv(out / "jobsharing_terms.csv", pd.DataFrame(
        [(q, v if isinstance(v, str) else float(v), u) for q, v, u in rows], columns=["quantity", "value", "unit"]))]
    if geometry is None or res.interfacial_capacitance_F_m3 == 0:
        return written
    key = "radius_m" if geometry == "cluster" else "thickness_m"
    sizes_m = np.geomspace(3e-10, 1e-6, 120)
    d = np.array([job_sharing_diffusivity(**kw, a_v_m_inv=interface_area_per_volume(geometry, **(size_kw | {key: s})))
                  .D_m2_s for s in sizes_m])
    wagner = (kw["sigma_ion_S_m"] * kw["sigma_eon_S_m"] / (kw["sigma_ion_S_m"] + kw["sigma_eon_S_m"])
              / res.bulk_chemical_capacitance_F_m3) if res.bulk_chemical_capacitance_F_m3 > 0 else None
    label = "cluster radius r (nm)" if geometry == "cluster" else "sheet thickness d (nm)"
    written.append(save_figure(diffusivity_size_figure(sizes_m * 1e9, d, (size_kw[key] * 1e9, res.D_m2_s), label,
                                                       wagner), out / "jobsharing_D_vs_size.png"))
    written.append(write_csv(out / "jobsharing_D_vs_size.csv",
                             pd.DataFrame({f"{key[:-2]}_nm": sizes_m * 1e9, "D_m2_s": d})))
    return written


@diffusion_group.command("jobsharing")
def jobsharing(
    sigma_ion_S_m: Annotated[float, typer.Option("--sigma-ion-S-m", help="Ionic conductivity (of α), S m⁻¹.")],
    sigma_eon_S_m: Annotated[float, typer.Option("--sigma-eon-S-m", help="Electronic conductivity (of β), S m⁻¹.")],
    z: ZOption = Z_ZINC,
    geometry: Annotated[Optional[str], typer.Option(
        "--geometry", help="cluster (a_v = φ·f·3/r) or sheet (a_v = φ·2f/d); omit for a homogeneous phase.")] = None,
    radius_nm: Annotated[Optional[float], typer.Option("--radius-nm", help="Cluster radius r, nm.")] = None,
    thickness_nm: Annotated[Optional[float], typer.Option("--thickness-nm", help="Sheet thickness d, nm.")] = None,
    coverage: Annotated[float, typer.Option("--coverage", help="Fraction f of α surface touching β.")] = 1.0,
    volume_fraction: Annotated[float, typer.Option(
        "--volume-fraction", help="Volume fraction φ of α in the composite.")] = 1.0,
    c_int_uF_cm2: Annotated[float, typer.Option(
        "--c-int-uF-cm2", help="Interfacial capacitance C_int, µF cm⁻² (interface area).")] = 0.0,
    c_bulk_F_m3: Annotated[Optional[float], typer.Option(
        "--c-bulk-F-m3", help="Bulk chemical capacitance c^δ, F m⁻³ (or give --c-ion/--c-eon).")] = None,
    c_ion_mol_m3: Annotated[Optional[float], typer.Option(
        "--c-ion-mol-m3", help="Ionic carrier concentration for an ideal c^δ, mol m⁻³.")] = None,
    c_eon_mol_m3: Annotated[Optional[float], typer.Option(
        "--c-eon-mol-m3", help="Electronic carrier concentration for an ideal c^δ, mol m⁻³.")] = None,
    carrier_c_ion_mol_m3: Annotated[Optional[float], typer.Option(
        "--carrier-c-ion-mol-m3", help="Ions in α charged in series with the interface (mesoscopic), "
        "mol m⁻³; default: included in C_int.")] = None,
    carrier_c_eon_mol_m3: Annotated[Optional[float], typer.Option(
        "--carrier-c-eon-mol-m3", help="Electrons in β charged in series with the interface, mol m⁻³.")] = None,
    temperature_K: TemperatureOption = ROOM_TEMPERATURE,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """D^δ = σ_amb/(c^δ_bulk + c^δ_js) and the terms of ∂μ_Zn/∂c that set it (c^δ_js = a_v·C_int by default)."""
    from dataclasses import asdict

    from .jobsharing import ideal_chemical_capacitance, interface_area_per_volume, job_sharing_diffusivity

    if c_bulk_F_m3 is not None and (c_ion_mol_m3 is not None or c_eon_mol_m3 is not None):
        raise InputError("options --c-bulk-F-m3 / --c-ion-mol-m3 / --c-eon-mol-m3", "both forms given",
                         expected="either --c-bulk-F-m3 or both --c-ion-mol-m3 and --c-eon-mol-m3")
    for a, b, names in ((c_ion_mol_m3, c_eon_mol_m3, "--c-ion-mol-m3 / --c-eon-mol-m3"),
                        (carrier_c_ion_mol_m3, carrier_c_eon_mol_m3,
                         "--carrier-c-ion-mol-m3 / --carrier-c-eon-mol-m3")):
        if (a is None) != (b is None):
            raise InputError(f"options {names}", "only one given", expected="both or neither")
    carriers = None if carrier_c_ion_mol_m3 is None else ideal_chemical_capacitance(
        carrier_c_ion_mol_m3, carrier_c_eon_mol_m3, z=z, temperature_K=temperature_K)
    bulk = (ideal_chemical_capacitance(c_ion_mol_m3, c_eon_mol_m3, z=z, temperature_K=temperature_K)
            if c_ion_mol_m3 is not None else (0.0 if c_bulk_F_m3 is None else c_bulk_F_m3))
    size_kw = {"radius_m": None if radius_nm is None else radius_nm * 1e-9,
               "thickness_m": None if thickness_nm is None else thickness_nm * 1e-9,
               "coverage": coverage, "volume_fraction": volume_fraction}
    a_v = 0.0 if geometry is None else interface_area_per_volume(geometry, **size_kw)
    c_int = require_positive("--c-int-uF-cm2", c_int_uF_cm2, allow_zero=True) * 1e-2
    if c_int > 0 and geometry is None:  # a_v = 0: C_int would be silently ignored
        raise InputError("option --c-int-uF-cm2", f"{c_int_uF_cm2:g} µF cm⁻² given without --geometry "
                         "(no interface area, a_v = 0)",
                         expected="--geometry cluster --radius-nm R or --geometry sheet --thickness-nm D with it")
    if bulk == 0 and (a_v == 0 or c_int == 0):
        raise InputError("options --c-bulk-F-m3 / --c-int-uF-cm2", "no storage given: neither a bulk chemical "
                         "capacitance nor an interface capacitance", expected="--c-bulk-F-m3 (or --c-ion-mol-m3 "
                         "and --c-eon-mol-m3), and/or --geometry with --c-int-uF-cm2 > 0")
    res = job_sharing_diffusivity(sigma_ion_S_m, sigma_eon_S_m, z=z, bulk_chemical_capacitance_F_m3=bulk,
                                  a_v_m_inv=a_v, interface_capacitance_F_m2=c_int,
                                  carrier_chemical_capacitance=carriers)
    result = {"inputs": {"sigma_ion_S_m": sigma_ion_S_m, "sigma_eon_S_m": sigma_eon_S_m, "z": z,
                         "geometry": geometry, **size_kw, "interface_capacitance_F_m2": c_int, "temperature_K": temperature_K},
              "a_v_m_inv": a_v, "D_cm2_s": res.D_m2_s * 1e4} | asdict(res)
    dominant = "interface (job sharing)" if res.interfacial_storage_fraction > 0.5 else "bulk"
    result["dominant_storage_path"] = dominant
    rows = [
        ("D^δ", res.D_m2_s, "m² s⁻¹"),
        ("D^δ", res.D_m2_s * 1e4, "cm² s⁻¹"),
        ("σ_amb = σ_ionσ_eon/(σ_ion+σ_eon)", res.sigma_ambipolar_S_m, "S m⁻¹"),
        ("a_v (interface area per composite volume)", a_v, "m⁻¹"),
        ("job sharing: ∂μ_ion^α/∂c", _fmt(res.dmu_ion_dc_J_m3_mol2), "J m³ mol⁻²"),
        (f"job sharing: {z}·∂μ_eon^β/∂c", _fmt(res.dmu_eon_dc_J_m3_mol2), "J m³ mol⁻²"),
        (f"job sharing: {z}F·∂Δφ/∂c = z²F²/(a_v C_int)", _fmt(res.electrostatic_term_J_m3_mol2), "J m³ mol⁻²"),
        ("job-sharing path, sum of the three", _fmt(res.interface_path_term_J_m3_mol2), "J m³ mol⁻²"),
        ("bulk: ∂μ_ion/∂c", _fmt(res.bulk_dmu_ion_dc_J_m3_mol2), "J m³ mol⁻²"),
        (f"bulk: {z}·∂μ_eon/∂c", _fmt(res.bulk_dmu_eon_dc_J_m3_mol2), "J m³ mol⁻²"),
        ("bulk path z²F²/c^δ_bulk", _fmt(res.bulk_term_J_m3_mol2), "J m³ mol⁻²"),
        ("chemical capacitance c^δ_bulk + c^δ_js", res.total_chemical_capacitance_F_m3, "F m⁻³"),
        ("interfacial share of storage", 100 * res.interfacial_storage_fraction, f"% (dominant: {dominant})"),
    ]
    written = [] if out is None else _write_diffusion_outputs(out, rows, geometry, size_kw, dict(
        sigma_ion_S_m=sigma_ion_S_m, sigma_eon_S_m=sigma_eon_S_m, z=z, bulk_chemical_capacitance_F_m3=bulk,
        interface_capacitance_F_m2=c_int, carrier_chemical_capacitance=carriers), res)
    emit(result, json_path, table(f"job-sharing chemical diffusion (z = {z})", ("quantity", "value", "unit"), rows),
         written=written)


def register(app: typer.Typer) -> None:
    """Add the ``spacecharge`` and ``diffusion`` command groups to the root app."""
    app.add_typer(spacecharge_group, name="spacecharge")
    app.add_typer(diffusion_group, name="diffusion")
