"""``interstore spectra``: read spectra, fit bands, track them over a cycle, XPS and XAS, MCR-ALS."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, emit, parse_float_list, table
from ..errors import InputError

group = typer.Typer(help="Spectra (Raman, FT-IR, XPS, XAS, EELS): band fits, reversibility over a cycle, oxidation "
                         "states, XANES edge/LCF, EELS V L2,3, MCR-ALS.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(
    help="Spectrum file (CSV/TXT, VAMAS .vms, Athena .prj, WiRE .wdf, OMNIC .spa/.spg, EMSA .msa).")]
TechniqueOption = Annotated[Optional[str], typer.Option(
    "--technique", help="Raman, FT-IR, XPS or XAS (axis labels; default from the format, text: Raman).")]
FormatOption = Annotated[Optional[str], typer.Option(
    "--format", help="text, vamas, athena, wdf, omnic or emsa (default: detected).")]
BlockOption = Annotated[Optional[str], typer.Option("--block", help="Spectrum of a multi-spectrum file: number or name.")]
WindowOption = Annotated[Optional[str], typer.Option("--window", help="Fit window lo,hi in x units, e.g. 760,960.")]
BaselineOption = Annotated[str, typer.Option("--baseline", help="arpls, modpoly, asls or none (pybaselines).")]
ShapeOption = Annotated[str, typer.Option("--shape", help="Band shape: lorentzian or voigt.")]


def _pair(text: str | None, name: str) -> tuple[float, float] | None:
    values = parse_float_list(text, name)
    if values is not None and len(values) != 2:
        raise InputError(f"option {name}", f"got {text!r}", expected="two numbers lo,hi")
    return None if values is None else (values[0], values[1])


def _figure(plot, out: Path | None, name: str, *args) -> list[Path]:
    if out is None:
        return []
    from ..outputs import save_figure

    ax = plot(*args)
    fig = ax[0].figure if hasattr(ax, "__len__") else ax.figure
    return [save_figure(fig, out / f"{name}.png")]


@group.command("read")
def read_cmd(path: FileArg, technique: TechniqueOption = None, fmt: FormatOption = None,
             json_path: JsonOption = None, out: OutOption = None) -> None:
    """List the spectra in a file: name, points and x range."""
    from ..outputs import write_json
    from .readers import read_spectra

    spectra = read_spectra(path, technique=technique, fmt=fmt)
    rows = [{"block": k + 1, "name": s.name, "technique": s.technique, "points": int(s.x.size), "x_label": s.x_label,
             "x_min": float(s.x[0]), "x_max": float(s.x[-1])} for k, s in enumerate(spectra)]
    result = {"source": str(path), "spectra": rows}
    emit(result, json_path, table(f"{len(rows)} spectra in {path}", ("block", "name", "technique", "points",
                                                                     "x from", "x to", "x axis"),
                                  [(r["block"], r["name"], r["technique"], r["points"], r["x_min"], r["x_max"],
                                    r["x_label"]) for r in rows]),
         written=[write_json(out / "spectra.json", result)] if out is not None else [])


@group.command("fit")
def fit_cmd(path: FileArg,
            band: Annotated[str, typer.Option("--band", help="Band centre(s) in x units, e.g. 880 or 880,995.")],
            window: WindowOption = None, shape: ShapeOption = "lorentzian", baseline: BaselineOption = "arpls",
            technique: TechniqueOption = None, fmt: FormatOption = None, block: BlockOption = None,
            json_path: JsonOption = None, out: OutOption = None) -> None:
    """Fit named bands of one Raman / FT-IR spectrum: position, FWHM and area with standard errors."""
    from .readers import read_spectrum
    from .vibrational import fit_bands, plot_band_fit

    spectrum = read_spectrum(path, technique=technique, fmt=fmt, block=block)
    fit = fit_bands(spectrum, parse_float_list(band, "--band") or [], window=_pair(window, "--window"), shape=shape,
                    baseline=baseline)
    result = fit.to_dict()
    unit = spectrum.x_label.split("(")[-1].rstrip(")")
    emit(result, json_path,
         table(f"{shape} bands, baseline {baseline}, window {fit.window[0]:g}–{fit.window[1]:g} {unit}; "
               f"R² = {fit.r_squared:.4f}", ("band", f"centre ({unit})", "±", f"FWHM ({unit})", "±",
                                            f"area (counts·{unit})", "±"),
               [(b.name, b.center, b.center_sigma, b.fwhm, b.fwhm_sigma, b.area, b.area_sigma) for b in fit.bands]),
         written=_figure(plot_band_fit, out, "band_fit", fit))


@group.command("track")
def track_cmd(series: Annotated[Path, typer.Argument(help="Operando series: matrix CSV (x, then one column per "
                                                          "time stamp in s) or index CSV (file,time_s).")],
              echem: Annotated[Path, typer.Option("--echem", help="Electrochemistry file of the same run.")],
              band: Annotated[float, typer.Option("--band", help="Band centre in x units, e.g. 880.")],
              window: WindowOption = None, shape: ShapeOption = "lorentzian", baseline: BaselineOption = "arpls",
              technique: Annotated[str, typer.Option("--technique", help="Raman or FT-IR.")] = "Raman",
              instrument: Annotated[Optional[str], typer.Option(
                  "--instrument", help="Format of the electrochemistry file (default: detected).")] = None,
              mass_mg: Annotated[Optional[float], typer.Option(
                  "--mass-mg", help="Active mass (mg): capacity of every spectrum in mAh g⁻¹.")] = None,
              n_average: Annotated[int, typer.Option(
                  "--n-average", help="Spectra per end for F₀, F_dis and F_ch (straight-line fits).")] = 5,
              json_path: JsonOption = None, out: OutOption = None) -> None:
    """Band area over one discharge–charge cycle: change, recovery, reversibility index ± σ, hysteresis."""
    from ..errors import require_positive
    from .evidence import analyse_operando
    from .vibrational import plot_reversibility

    mass = None if mass_mg is None else require_positive("--mass-mg", mass_mg) * 1e-3
    a = analyse_operando(series, echem, technique=technique, band_cm1=band, window=_pair(window, "--window"),
                         shape=shape, baseline=baseline, n_average=n_average, instrument=instrument, mass_g=mass,
                         feature=f"band {band:g}")
    r = a.reversibility
    result = a.to_dict()
    written = _figure(plot_reversibility, out, "band_vs_soc", a.track, r)
    if out is not None:
        import pandas as pd

        from ..outputs import write_csv

        t = a.track
        written.append(write_csv(out / "band_track.csv", pd.DataFrame(
            {"time_s": t.time_s, "potential_V": t.potential_V, "soc": t.soc, "branch": t.branch, "area": t.area,
             "area_sigma": t.area_sigma, "center": t.center, "center_sigma": t.center_sigma, "fwhm": t.fwhm})))
    emit(result, json_path,
         table(f"{technique} band at {band:g}: {len(a.track.time_s)} spectra over one cycle",
               ("quantity", "value", "± 1σ"),
               [("area at start F₀ (counts·x)", r.f0, r.f0_sigma), ("area at end of discharge F_dis", r.f_dis,
                                                                     r.f_dis_sigma),
                ("area at end of charge F_ch", r.f_ch, r.f_ch_sigma),
                ("change on discharge Δ = F_dis/F₀ − 1 (–)", r.change, r.change_sigma),
                ("recovery R = F_ch/F₀ (–)", r.recovery, r.recovery_sigma),
                ("reversibility index RI (–)", r.index, r.index_sigma),
                ("hysteresis, mean |ΔF|/F₀ (–)", "–" if r.hysteresis is None else r.hysteresis, ""),
                ("band centre at start (cm⁻¹)", a.position["start"], a.position["start_sigma"]),
                ("centre shift on discharge (cm⁻¹)", a.position["shift_on_discharge"],
                 a.position["shift_on_discharge_sigma"]),
                ("centre shift after the cycle (cm⁻¹)", a.position["shift_after_cycle"],
                 a.position["shift_after_cycle_sigma"])]),
         written=written)


@group.command("xps")
def xps_cmd(path: FileArg, region: Annotated[str, typer.Option("--region", help="V2p3/2 or O1s.")] = "V2p3/2",
            window: WindowOption = None,
            fwhm: Annotated[float, typer.Option("--fwhm", help="Starting FWHM (eV), shared by all components.")] = 1.3,
            background: Annotated[str, typer.Option("--background", help="shirley or tougaard.")] = "shirley",
            charge_shift: Annotated[float, typer.Option(
                "--charge-shift", help="Added to every binding energy first (eV), e.g. 284.8 − measured C 1s.")] = 0.0,
            fmt: FormatOption = None, block: BlockOption = None,
            json_path: JsonOption = None, out: OutOption = None) -> None:
    """Shirley (or Tougaard) background and chemical-state components: fractions and the mean V valence with σ."""
    from .readers import read_spectrum
    from .xps import fit_region, plot_xps_fit

    fit = fit_region(read_spectrum(path, technique="XPS", fmt=fmt, block=block), region,
                     window=_pair(window, "--window"), fwhm_eV=fwhm, background=background,
                     charge_shift_eV=charge_shift)
    title = (f"{region}, {background} background, charge shift {charge_shift:+.2f} eV applied; fitted shift {fit.shift_eV:+.2f} ± {fit.shift_sigma_eV:.2f} eV, FWHM {fit.fwhm_eV:.2f} eV"
             + (f"; mean V valence {fit.mean_valence:.3f} ± {fit.mean_valence_sigma:.3f}"
                if fit.mean_valence is not None else ""))
    emit(fit.to_dict(), json_path,
         table(title, ("component", "BE (eV)", "area (counts s⁻¹·eV)", "fraction (%)", "± (%)"),
               [(c.name, c.center_eV, c.area, 100 * c.fraction, 100 * c.fraction_sigma) for c in fit.components]),
         written=_figure(plot_xps_fit, out, "xps_fit", fit))


def _ref(spec: str):
    """PATH or PATH@BLOCK → (name, spectrum)."""
    from .readers import read_spectrum

    path, _, block = spec.partition("@")
    s = read_spectrum(Path(path), technique="XAS", block=block or None)
    return block or Path(path).stem, s


@group.command("xas")
def xas_cmd(path: FileArg, block: BlockOption = None,
            ref: Annotated[Optional[list[str]], typer.Option(
                "--ref", help="Reference spectrum PATH or PATH@BLOCK (repeat) for the linear combination.")] = None,
            valence: Annotated[Optional[str], typer.Option(
                "--valence", help="Valences of the --ref spectra in order, e.g. 3,4,5: calibrates the edge.")] = None,
            edge: Annotated[str, typer.Option("--edge", help="Edge position for the valence: half-height or e0.")]
            = "half-height",
            json_path: JsonOption = None, out: OutOption = None) -> None:
    """XANES: E0, half-height edge, edge step, pre-edge centroid/intensity; LCF and valence against references."""
    from .readers import read_spectrum
    from .xas import linear_combination, normalise, plot_xas, pre_edge_peak, valence_from_edge

    sample = normalise(read_spectrum(path, technique="XAS", block=block))
    refs = []
    for spec in ref or []:
        name, s = _ref(spec)
        refs.append(normalise(type(s)(s.x, s.y, "XAS", s.source, name)))
    pe = pre_edge_peak(sample)
    result = {**sample.to_dict(), "pre_edge": pe.__dict__, "references": [r.to_dict() for r in refs],
              "linear_combination": None, "valence": None}
    rows = [("E0, max dμ/dE (eV)", sample.e0_eV), ("edge at half height (eV)", sample.half_height_eV),
            ("edge step (μ units)", sample.edge_step), ("pre-edge centroid (eV)", pe.centroid_eV),
            ("pre-edge intensity (eV, normalised)", pe.intensity)]
    lcf = None
    if len(refs) >= 2:
        lcf = linear_combination(sample, refs)
        result["linear_combination"] = lcf.to_dict()
        rows += [(f"LCF weight {k} (–)", f"{v:.3f} ± {lcf.weight_sigmas[k]:.3f}") for k, v in lcf.weights.items()]
        rows.append(("LCF R-factor (–)", lcf.r_factor))
    vals = parse_float_list(valence, "--valence")
    if vals is not None:
        if len(vals) != len(refs):
            raise InputError("option --valence", f"{len(vals)} valences for {len(refs)} references",
                             expected="one valence per --ref, in order")
        cal = valence_from_edge(sample, {r.name: (r, v) for r, v in zip(refs, vals)}, edge=edge)
        result["valence"] = cal.to_dict()
        rows += [(f"calibration: edge = {cal.intercept_eV:.2f} eV + {cal.slope_eV:.2f} eV × valence", ""),
                 ("mean valence (–)", f"{cal.valence:.2f} ± {cal.valence_sigma:.2f}")]
    emit(result, json_path, table(f"XANES of {sample.name}", ("quantity", "value"), rows),
         written=_figure(plot_xas, out, "xas", sample, refs, lcf))


def _eels_references(refs: list[str], energies: list[str], analyse) -> dict[str, tuple[float, float]]:
    """``PATH[@BLOCK]=VALENCE`` spectra (analysed like the sample) and ``VALENCE:ENERGY`` pairs
    → name → (valence, eV)."""
    from .readers import read_spectrum

    out: dict[str, tuple[float, float]] = {}
    for spec in refs:
        target, eq, val = spec.rpartition("=")
        valence = parse_float_list(val, "--ref") if eq else None
        if valence is None or len(valence) != 1:
            raise InputError("option --ref", f"got {spec!r}", expected="PATH[@BLOCK]=VALENCE, e.g. v2o5.msa=5")
        path, _, block = target.partition("@")
        out[target] = (valence[0], analyse(read_spectrum(Path(path), technique="EELS", block=block or None)).l3_peak_eV)
    for spec in energies:
        values = parse_float_list(spec.replace(":", ","), "--ref-energy")
        if values is None or len(values) != 2:
            raise InputError("option --ref-energy", f"got {spec!r}", expected="VALENCE:ENERGY_eV, e.g. 5:517.4")
        out[f"valence {values[0]:g} at {values[1]:g} eV"] = (values[0], values[1])
    return out


@group.command("eels")
def eels_cmd(path: FileArg, block: BlockOption = None, fmt: FormatOption = None,
             background: Annotated[str, typer.Option(
                 "--background", help="Pre-edge window lo,hi (eV) for the power-law background.")] = "480,508",
             window: Annotated[str, typer.Option(
                 "--window", help="White-line fit window lo,hi (eV); ends before O K (≈ 530 eV).")] = "508,527.5",
             spin_orbit: Annotated[float, typer.Option(
                 "--spin-orbit", help="Starting L2 − L3 separation (eV): 7 for V; e.g. 11 for Mn with moved windows.")]
             = 7.0,
             ref: Annotated[Optional[list[str]], typer.Option(
                 "--ref", help="Reference spectrum PATH[@BLOCK]=VALENCE on the same energy scale (repeat).")] = None,
             ref_energy: Annotated[Optional[list[str]], typer.Option(
                 "--ref-energy", help="Reference L3 peak VALENCE:ENERGY (eV) on the same scale (repeat).")] = None,
             json_path: JsonOption = None, out: OutOption = None) -> None:
    """EELS V L2,3: power-law background, L3 onset and peak, L2 peak, L3/L2 ratio; valence through references."""
    from ..errors import require_positive
    from .eels import analyse_v_l23, plot_eels
    from .readers import read_spectrum

    windows = {"background_window": _pair(background, "--background"), "fit_window": _pair(window, "--window"),
               "spin_orbit_eV": require_positive("--spin-orbit", spin_orbit)}

    def analyse(spectrum):
        return analyse_v_l23(spectrum, **windows)

    res = analyse(read_spectrum(path, technique="EELS", fmt=fmt, block=block))
    refs = _eels_references(ref or [], ref_energy or [], analyse)
    if refs:
        res = res.with_valence(refs)
    b = res.background
    rows = [(f"background A·E⁻ʳ in {b.window[0]:g}–{b.window[1]:g} eV: r (–)", b.r, b.r_sigma),
            ("L3 onset, fit at 10 % of its maximum (eV)", res.l3_onset_eV, ""),
            ("L3 peak (eV)", res.l3_peak_eV, res.l3_peak_sigma_eV), ("L2 peak (eV)", res.l2_peak_eV,
                                                                     res.l2_peak_sigma_eV),
            ("L2 − L3 splitting (eV)", res.l2_peak_eV - res.l3_peak_eV, ""),
            ("L3/L2 white-line area ratio (–)", res.l3_l2_ratio, res.l3_l2_ratio_sigma),
            ("fit R² (–)", res.r_squared, "")]
    if res.valence is not None:
        v = res.valence
        rows += [(f"calibration: L3 = {v.intercept_eV:.2f} eV + {v.slope_eV:.2f} eV × valence "
                  f"({len(v.references)} references)", "", ""), ("mean V valence (–)", v.valence, v.valence_sigma)]
    emit(res.to_dict(), json_path,
         table(f"EELS L2,3 white lines of {res.name or path}", ("quantity", "value", "± 1σ"), rows),
         written=_figure(plot_eels, out, "eels", res))


@group.command("mcr")
def mcr_cmd(series: Annotated[Path, typer.Argument(help="Operando series (matrix or index CSV).")],
            components: Annotated[int, typer.Option("--components", help="Number of components.")] = 2,
            echem: Annotated[Optional[Path], typer.Option(
                "--echem", help="Electrochemistry of the same run (SOC for 'end of discharge').")] = None,
            technique: Annotated[str, typer.Option("--technique", help="Raman, FT-IR, XPS or XAS.")] = "Raman",
            window: WindowOption = None, baseline: BaselineOption = "none",
            json_path: JsonOption = None, out: OutOption = None) -> None:
    """MCR-ALS of a series: component spectra, concentration profiles, and whether each comes back."""
    from .mcr import plot_mcr, resolve
    from .series import link_electrochemistry, read_series

    s = read_series(series, technique=technique)
    if echem is not None:
        from ..echem.readers import read_measurement

        s = link_electrochemistry(s, read_measurement(echem))
    res = resolve(s, components, window=_pair(window, "--window"), baseline=baseline)
    emit(res.to_dict(), json_path,
         table(f"MCR-ALS, {components} components, lack of fit {res.lack_of_fit_pct:.2f} % ({res.n_iter} iterations)",
               ("component", "c at start", "c at end of discharge", "c at end", "returned fraction"),
               [(r["component"], r["start"], r["end_of_discharge"], r["end"],
                 "–" if r["returned_fraction"] is None else r["returned_fraction"]) for r in res.recovery()]),
         written=_figure(plot_mcr, out, "mcr", res))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="spectra")
