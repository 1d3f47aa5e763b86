"""Figures for the DRT and for circuit fits across a series of spectra (matplotlib, returned unsaved)."""

from __future__ import annotations

import numpy as np

from ..plotting import subplots
from .drt import DrtResult


def drt_figures(drt: DrtResult) -> dict:
    """γ(τ) with the reported peaks marked, and the spectrum with the DRT's reconstruction."""
    fig, ax = subplots(figsize=(6.5, 4))
    ax.semilogx(drt.tau_s, drt.gamma_ohm, "-", color="C0")
    for p in drt.peaks:
        ax.axvline(p.tau_s, color="C3", lw=0.8, ls="--")
        ax.annotate(f"τ = {p.tau_s:.3g} s\nR = {p.resistance_ohm:.3g} Ω", (p.tau_s, p.gamma_max_ohm),
                    textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel("relaxation time τ (s)")
    ax.set_ylabel("γ(ln τ) (Ω)")
    ax.set_title(f"DRT, λ = {drt.lam:.2g} (GCV); R∞ = {drt.r_inf_ohm:.3g} Ω", fontsize=10)
    fig.tight_layout()
    fig_n, an = subplots(figsize=(5.5, 5.5))
    an.plot(drt.z_measured_ohm.real, -drt.z_measured_ohm.imag, "o", ms=4, label="measured")
    an.plot(drt.z_fit_ohm.real, -drt.z_fit_ohm.imag, "-", label="DRT reconstruction")
    an.set_xlabel("Z′ (Ω)")
    an.set_ylabel("−Z″ (Ω)")
    an.set_aspect("equal", adjustable="datalim")
    an.legend(fontsize=9)
    return {"eis_drt": fig, "eis_drt_nyquist": fig_n}


def series_figure(table, x: str, x_label: str):
    """Every fitted parameter (one panel each, ± standard error) against ``x`` of the series ``table``
    (a DataFrame with columns NAME and NAME_stderr and a unit per parameter in ``table.attrs['units']``)."""
    units = table.attrs.get("units", {})
    names = list(units)
    cols = 2
    rows = int(np.ceil(len(names) / cols))
    fig, axes = subplots(rows, cols, figsize=(9, 2.6 * rows), sharex=True, squeeze=False)
    from matplotlib.ticker import MaxNLocator

    for ax, name in zip(axes.flat, names):
        ax.errorbar(table[x], table[name], yerr=table[f"{name}_stderr"], fmt="o-", ms=4, capsize=2)
        ax.set_ylabel(f"{name} ({units[name]})")
        ax.xaxis.set_major_locator(MaxNLocator(5))  # potentials such as 3.4225 V need room
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    for ax in axes.flat[max(len(names) - cols, 0):len(names)]:  # the lowest visible panel of each column
        ax.set_xlabel(x_label)
        ax.tick_params(labelbottom=True)
    fig.tight_layout()
    return fig
