"""Matplotlib figures for galvanostatic cycling, Ragone, GITT and EIS, shared by the CLI, the
result objects' ``plot()`` and the study report (see :mod:`interstore.plotting`).

Each function returns ``{name: Figure}``; the CLI saves them as ``<name>.png`` with
:func:`interstore.outputs.save_figure`.  Axis labels carry units and the mass basis.
"""

from __future__ import annotations

import matplotlib.cm
import matplotlib.colors
import numpy as np

from ..massbasis import BASES
from ..plotting import label_decades, literal, subplots
from .eis import EisFit
from .galvanostatic import CyclingAnalysis
from .gitt import GittAnalysis
from .kramers_kronig import KKResult


def cycling_figures(analysis: CyclingAnalysis) -> dict:
    """Voltage vs capacity per cycle, capacity and CE vs cycle, and the Ragone plot."""
    d = analysis.to_dict()
    loading = d["areal_basis"]["loading_mg_cm2"]["active"]
    active = d["mass_basis"]["active"]["label"] + ("" if loading is None else f", loading {loading:.3g} mg cm⁻²")
    cmap = matplotlib.colormaps["viridis"]
    ncyc = max(len(d["cycles"]), 1)

    fig_v, ax = subplots(figsize=(6, 4.5))
    for c in d["curves"]:
        colour = cmap((c["cycle"] - 1) / max(ncyc - 1, 1)) if ncyc > 1 else "C0"
        ax.plot(c["capacity_mAh_g"]["active"], c["potential_V"], color=colour, lw=1,
                ls="-" if c["kind"] == "discharge" else "--")
    ax.set_xlabel(literal(f"specific capacity (mAh g⁻¹, {active})"))
    ax.set_ylabel("potential (V)")
    ax.set_title("galvanostatic curves (solid: discharge, dashed: charge)")
    if ncyc > 1:
        sm = matplotlib.cm.ScalarMappable(cmap=cmap, norm=matplotlib.colors.Normalize(1, ncyc))
        fig_v.colorbar(sm, ax=ax, label="cycle")

    fig_c, ax1 = subplots(figsize=(6, 4.5))
    draw_capacity(ax1, analysis)
    cyc = [c["cycle"] for c in d["cycles"]]
    ax2 = ax1.twinx()
    ce = [np.nan if c["coulombic_efficiency_pct"] is None else c["coulombic_efficiency_pct"] for c in d["cycles"]]
    ax2.plot(cyc, ce, "k^", ms=3, label="Coulombic efficiency")
    ax2.set_ylabel("Coulombic efficiency (%)")
    handles = ax1.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax1.legend(handles=handles, loc="lower left")
    ax1.set_title(d["coulombic_efficiency_convention"], fontsize=8)

    fig_r, ax = subplots(figsize=(6, 4.5))
    draw_measured_ragone(ax, analysis)
    return {"gcd_voltage_capacity": fig_v, "gcd_capacity_ce": fig_c, "gcd_ragone": fig_r}


def draw_measured_ragone(ax, analysis: CyclingAnalysis, bases=BASES):
    """Energy (Wh kg⁻¹) against mean power (W kg⁻¹), log–log, of every measured discharge, one series
    per mass basis in ``bases``; with one basis the axis labels name it.  Returns ``ax``."""
    for basis, marker, colour in zip(BASES, "os^", ("k", "0.35", "0.6")):
        pts = [p for p in analysis.ragone if p.basis == basis]
        if basis in bases and pts:
            ax.loglog([p.power_W_kg for p in pts], [p.energy_Wh_kg for p in pts], marker + ":", color=colour,
                      mfc="none", ms=7, label=literal(f"measured, {analysis.masses.label(basis)}"))
    on = f", {bases[0]} basis" if len(bases) == 1 else ""
    ax.set_xlabel(f"power density (W kg⁻¹{on})")
    ax.set_ylabel(f"energy density (Wh kg⁻¹{on})")
    ax.set_title("Ragone plot from measured discharges" + ("" if on else " (per mass basis)"))
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    return label_decades(ax)


def draw_capacity(ax, analysis: CyclingAnalysis):
    """Discharge and charge capacity (mAh g⁻¹, active basis) against cycle number on ``ax``."""
    cycles = analysis.cycles
    for kind, marker in (("discharge", "o"), ("charge", "s")):
        q = [np.nan if getattr(c, kind) is None else getattr(c, kind).capacity_mAh / analysis.masses.active_g
             for c in cycles]
        ax.plot([c.cycle for c in cycles], q, marker, ms=4, label=f"{kind} capacity")
    ax.set_xlabel("cycle")
    ax.set_ylabel(literal(f"specific capacity (mAh g⁻¹, {analysis.masses.label('active')})"))
    ax.legend(loc="lower left")
    return ax


def draw_gitt_D(ax, analysis: GittAnalysis):
    """Weppner–Huggins D (cm² s⁻¹, log axis) against the depth of titration on ``ax``."""
    per_fu = all(p.x_Zn_per_formula_unit is not None for p in analysis.pulses)
    x = np.array([p.x_Zn_per_formula_unit if per_fu else p.depth_fraction for p in analysis.pulses])
    D = np.array([p.D_cm2_s for p in analysis.pulses])
    ok = np.array([p.valid for p in analysis.pulses], bool)
    ax.semilogy(x[ok], D[ok], "o", label="valid")
    if (~ok).any():
        ax.semilogy(x[~ok], D[~ok], "x", color="C3", label="flagged (√t, τ ≪ L²/D or relaxation check fails)")
    ax.set_xlabel("Δx (Zn per formula unit since the start)" if per_fu
                  else "depth of Zn insertion (0–1 over the titrated range)")
    ax.set_ylabel("D (cm² s⁻¹)")
    ax.set_title(f"Weppner–Huggins D, L = {analysis.geometry.length_cm * 1e4:.3g} µm")
    ax.legend()
    return label_decades(ax)


def draw_nyquist(ax, fit: EisFit):
    """Nyquist plot (Z′ against −Z″, Ω, equal axes) of the spectrum and the fitted circuit on ``ax``."""
    from impedance.visualization import plot_nyquist

    style = {"scale": 1, "units": "Ohms", "ax": ax, "labelsize": 11, "ticksize": 9}
    plot_nyquist(fit.z_measured_ohm, fmt="o", markersize=4, label="measured", **style)
    plot_nyquist(fit.z_fit_ohm, fmt="-", label=literal(f"fit {fit.circuit}"), **style)
    ax.set_xlabel("Z′ (Ω)")
    ax.set_ylabel("−Z″ (Ω)")
    ax.legend(fontsize=9)
    return ax


def gitt_figures(analysis: GittAnalysis) -> dict:
    """The E(t) transient with the pulses marked, and D vs depth of titration."""
    fig_t, ax = subplots(figsize=(7, 4))
    ax.plot(analysis.time_s / 3600.0, analysis.potential_V, lw=0.8)
    for p in analysis.pulses:
        ax.axvspan(p.start_s / 3600.0, (p.start_s + p.tau_s) / 3600.0,
                   color="C2" if p.valid else "C3", alpha=0.25, lw=0)
    ax.set_xlabel("time (h)")
    ax.set_ylabel("potential (V)")
    ax.set_title("GITT transient (green: valid pulse, red: flagged)")

    fig_d, ax = subplots(figsize=(6, 4.5))
    draw_gitt_D(ax, analysis)
    return {"gitt_transient": fig_t, "gitt_D_vs_soc": fig_d}


def eis_figures(fit: EisFit) -> dict:
    """Nyquist plot and Bode plots (|Z| and phase) with the fitted circuit."""
    f, z, zf = fit.frequency_Hz, fit.z_measured_ohm, fit.z_fit_ohm
    fig_n, ax = subplots(figsize=(5.5, 5.5))
    draw_nyquist(ax, fit)

    fig_b, (a1, a2) = subplots(2, 1, figsize=(6, 6), sharex=True)
    a1.loglog(f, np.abs(z), "o", ms=3, label="measured")
    a1.loglog(f, np.abs(zf), "-", label="fit")
    a1.set_ylabel("|Z| (Ω)")
    a1.legend()
    a2.semilogx(f, -np.angle(z, deg=True), "o", ms=3)
    a2.semilogx(f, -np.angle(zf, deg=True), "-")
    a2.set_ylabel("−phase (°)")
    a2.set_xlabel("frequency (Hz)")
    figures = {"eis_nyquist": fig_n, "eis_bode": fig_b}
    if fit.kk is not None:
        figures["eis_kk_residuals"] = kk_residual_figure(fit.kk)
    return figures


def kk_residual_figure(kk: KKResult):
    """Lin-KK residuals Δ′, Δ″ (% of |Z|) against frequency with the ± threshold band."""
    fig, ax = subplots(figsize=(6.5, 3.5))
    ax.semilogx(kk.frequency_Hz, kk.residual_real_pct, "o-", ms=3, label="Δ′ = (Z′ − Ẑ′)/|Z|")
    ax.semilogx(kk.frequency_Hz, kk.residual_imag_pct, "s-", ms=3, label="Δ″ = (Z″ − Ẑ″)/|Z|")
    ax.axhspan(-kk.threshold_pct, kk.threshold_pct, color="0.9", zorder=0, label=f"±{kk.threshold_pct:g} %")
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("Lin-KK residual (% of |Z|)")
    ax.set_title(f"Lin-KK: {kk.verdict} (M = {kk.n_elements} RC, max {kk.max_residual_pct:.2g} %)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
