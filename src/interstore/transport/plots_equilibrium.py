"""Matplotlib figures of the space-charge equilibrium (the article's Fig. 2b style) and of the
interfacial C–V curve.  Built on :class:`matplotlib.figure.Figure` (no pyplot state, any backend);
save with :func:`interstore.outputs.save_figure`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .spacecharge import SpaceChargeProfile

_LABELS = {"Zn_i": "Zn interstitial (Zn_i••)", "V_Zn": "Zn vacancy (V_Zn'')", "acceptor": "acceptor (immobile)",
           "electron": "electron (β)", "hole": "hole (β)"}


def _window(profile: SpaceChargeProfile) -> tuple[float, float]:
    """x range (nm) holding the space charge: twice the reach of 99.9 % of the potential change, >= 5 λ."""
    x_nm = profile.x_m * 1e9
    reach = [5 * profile.debye_length_m * 1e9, 5 * profile.debye_length_m * 1e9]
    for side, phi_far in ((x_nm >= 0, profile.phi_V[-1]), (x_nm <= 0, profile.phi_V[0])):
        dev = np.abs(profile.phi_V[side] - phi_far)
        if dev.max() > 0:
            far = np.abs(x_nm[side][dev > 1e-3 * dev.max()]).max()
            reach[int(x_nm[side][0] >= 0)] = max(reach[int(x_nm[side][0] >= 0)], 2 * far)
    return max(x_nm[0], -reach[0]), min(x_nm[-1], reach[1])


def profile_figure(profile: SpaceChargeProfile, title: str = "") -> Figure:
    """Potential φ(x) (V) and log-scale defect concentrations (mol m⁻³) against distance (nm)."""
    fig = Figure(figsize=(6.0, 6.0))
    ax_phi, ax_c = fig.subplots(2, 1, sharex=True)
    x_nm = profile.x_m * 1e9
    ax_phi.plot(x_nm, profile.phi_V, color="k")
    ax_phi.set_ylabel("potential φ − φ_α∞ (V)")
    for name, c in profile.concentrations_mol_m3.items():
        ok = np.isfinite(c) & (c > 0)
        ax_c.semilogy(x_nm[ok], c[ok], label=_LABELS.get(name, name))
    ax_c.set_ylabel("concentration (mol m⁻³)")
    ax_c.set_xlabel("distance from the α|β interface x (nm)")
    ax_c.legend(fontsize=8)
    for ax in (ax_phi, ax_c):
        ax.axvline(0.0, color="0.5", lw=0.8)
        if x_nm[0] < 0:
            ax.axvspan(x_nm[0], 0.0, color="0.92", zorder=0)
        ax.axvline(profile.debye_length_m * 1e9, color="0.5", lw=0.8, ls=":")
    ax_c.set_xlim(*_window(profile))
    ax_phi.set_title(title or f"space charge at Δφ = {profile.delta_phi_V:.3g} V "
                              f"(λ = {profile.debye_length_m * 1e9:.3g} nm, dotted)", fontsize=10)
    return fig


def capacitance_figure(potentials_V: np.ndarray, charge_C_m2: np.ndarray, capacitance_F_m2: np.ndarray,
                       reference: tuple[np.ndarray, np.ndarray] | None = None,
                       reference_label: str = "analytic") -> Figure:
    """Stored charge Q_α (C m⁻²) and differential capacitance (µF cm⁻², log scale) against Δφ (V).

    ``reference`` = (Q, C) in the same units as the inputs, drawn dashed.
    """
    fig = Figure(figsize=(6.0, 6.0))
    ax_q, ax_c = fig.subplots(2, 1, sharex=True)
    ax_q.plot(potentials_V, charge_C_m2, "o-", ms=3, label="Poisson–Boltzmann")
    ax_c.semilogy(potentials_V, capacitance_F_m2 * 100, "o-", ms=3, label="Poisson–Boltzmann")
    if reference is not None:
        ax_q.plot(potentials_V, reference[0], "k--", lw=1, label=reference_label)
        ax_c.semilogy(potentials_V, reference[1] * 100, "k--", lw=1, label=reference_label)
    ax_q.set_ylabel("stored ionic charge Q_α (C m⁻²)")
    ax_c.set_ylabel("differential capacitance (µF cm⁻²)")
    ax_c.set_xlabel("potential step Δφ = φ_β − φ_α∞ (V)")
    ax_q.legend(fontsize=8)
    ax_q.set_title("interfacial storage against potential (Zn²⁺ accumulates for Δφ < 0)", fontsize=10)
    return fig


def diffusivity_size_figure(size_nm: np.ndarray, D_m2_s: np.ndarray, chosen: tuple[float, float],
                            size_label: str, wagner_D_m2_s: float | None = None) -> Figure:
    """Job-sharing D^δ (m² s⁻¹) against the size that sets a_v (nm), log–log, the chosen point marked."""
    fig = Figure(figsize=(5.5, 4.2))
    ax = fig.add_subplot()
    ax.loglog(size_nm, D_m2_s, "-", label="D^δ = σ_amb/(c^δ_bulk + a_v·C_int)")
    ax.loglog(*chosen, "o", color="C3", label=f"this input: {chosen[1]:.3g} m² s⁻¹")
    if wagner_D_m2_s is not None and np.isfinite(wagner_D_m2_s):
        ax.axhline(wagner_D_m2_s, color="0.4", ls="--", lw=1, label="bulk only (Wagner, a_v → 0)")
    ax.set_xlabel(size_label)
    ax.set_ylabel("chemical diffusivity D^δ (m² s⁻¹)")
    ax.legend(fontsize=8)
    return fig


def transition_figure(transition) -> Figure:
    """Γ_Zn (log, mol m⁻²) and d lnΓ/d(zF|Δφ|/RT) against the accumulation step |Δφ| (V), one line
    per α thickness; the slopes ½ (interfacial capacitor) and 1 (chemical capacitor) dotted."""
    fig = Figure(figsize=(6.0, 6.0))
    ax_g, ax_s = fig.subplots(2, 1, sharex=True)
    lam_nm = transition.debye_length_m * 1e9
    for t, gamma, slope in zip(transition.thickness_m, transition.zinc_excess_mol_m2, transition.log_slope):
        label = "semi-infinite" if t is None else f"L = {t * 1e9:.3g} nm ({t * 1e9 / lam_nm:.2g} λ)"
        ax_g.semilogy(transition.step_V, gamma, label=label)
        ax_s.plot(transition.step_V, slope, label=label)
    for level, text in ((0.5, "interfacial capacitor, ½"), (1.0, "chemical capacitor, 1")):
        ax_s.axhline(level, color="0.5", ls=":", lw=1)
        ax_s.annotate(text, (transition.step_V[-1], level), ha="right", va="bottom", fontsize=8, color="0.4")
    ax_g.set_ylabel("Zn excess Γ_Zn (mol m⁻², interface area)")
    ax_s.set_ylabel("d lnΓ / d(zF|Δφ|/RT)")
    ax_s.set_ylim(0.3, 1.3)
    ax_s.set_xlabel("accumulation step |Δφ| (V), Zn²⁺ piled up in α")
    ax_g.legend(fontsize=8)
    ax_g.set_title(f"sinh → exp transition as the α thickness drops below λ = {lam_nm:.3g} nm", fontsize=10)
    return fig
