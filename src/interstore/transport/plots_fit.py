"""Figures of a rate-capability fit: measured capacity with its σ against current, each fitted
model beside it, and the weighted residuals by rate underneath; and, when they were fitted, the
discharge curves.  Draws on given axes (``ax=``) or on a new figure of the shared figure layer
(:func:`interstore.plotting.new_figure`: fixed margins, saved in one draw); never saves."""

from __future__ import annotations

from typing import Sequence

from matplotlib.figure import Figure

from ..plotting import label_decades, new_figure
from .fit import FitResult, RateData
from .fit_curves import DischargeCurves
from .plots_simulation import VARIANT_STYLE


def fit_figure(data: RateData, fits: Sequence[FitResult], *, axes=None, title: str = "") -> Figure:
    """Capacity (mAh g⁻¹, data basis) against specific current (A g⁻¹, log axis), measured ± σ
    and each model's fitted capacity; residuals (r = (model − data)/σ) in a lower panel.

    ``axes``: a pair (capacity, residual) of existing Axes; by default a new figure."""
    if axes is None:
        fig = new_figure((6.0, 5.8))
        top, bottom = fig.subplots(2, 1, height_ratios=(3, 1))
        fig.subplots_adjust(hspace=0.45)  # room for the upper panel's own x labels
    else:
        top, bottom = axes
        fig = top.figure
    top.errorbar(data.current_A_g, data.capacity_mAh_g, yerr=data.sigma_mAh_g, fmt="ko", capsize=3,
                 label="measured ± σ", zorder=3)
    for f in fits:
        color, marker, label = VARIANT_STYLE.get(f.model, ("k", ".", f.model))
        top.plot(f.current_A_g, f.predicted_mAh_g, color=color, marker=marker, mfc="none",
                 label=f"{label}: χ² = {f.chi2:.3g}, BIC = {f.bic:.3g}")
        bottom.plot(f.current_A_g, f.residual_sigma, color=color, marker=marker, mfc="none")
    top.set_xscale("log")
    top.set_ylabel(f"discharge capacity (mAh g⁻¹, {data.mass_basis})")
    top.legend(fontsize="small")
    top.set_title(title or "Rate capability: which model explains it?")
    bottom.axhline(0.0, color="0.5", lw=0.8)
    for level in (-2.0, 2.0):
        bottom.axhline(level, color="0.7", lw=0.6, ls="--")
    bottom.set_xscale("log")
    bottom.set_xlim(top.get_xlim())
    for ax in (top, bottom):
        ax.set_xlabel(f"specific current (A g⁻¹, {data.mass_basis})")
        label_decades(ax)
    bottom.set_ylabel("residual (σ)")
    return fig


def curves_figure(curves: DischargeCurves, fits: Sequence[FitResult], *, ax=None, title: str = "") -> Figure:
    """Measured discharge-curve points (potential V against capacity, mAh g⁻¹ on the curves' basis)
    at each rate, and each fitted model's simulated discharge at the same rates."""
    if ax is None:
        fig = new_figure((6.4, 4.6))
        ax = fig.subplots()
    else:
        fig = ax.figure
    colors = [f"C{k}" for k in range(len(curves.current_A_g))]
    for color, i, q, v in zip(colors, curves.current_A_g, curves.capacity_mAh_g, curves.potential_V):
        ax.plot(q, v, "o", color=color, mfc="none", ms=4, label=f"{i:.3g} A g⁻¹ measured")
    for f in fits:
        style = "--" if f.model == "bulk_only" else "-"
        for color, (q, v) in zip(colors, f.predicted_curves):
            ax.plot(q, v, style, color=color, lw=1.2)
        ax.plot([], [], style, color="k", label=VARIANT_STYLE.get(f.model, ("k", ".", f.model))[2] + " fit")
    ax.set_xlabel(f"capacity (mAh g⁻¹, {curves.mass_basis})")
    ax.set_ylabel("potential (V vs Zn²⁺/Zn)")
    ax.set_title(title or f"Discharge curves fitted with the capacities (σ_V = {1e3 * curves.sigma_V:.3g} mV)")
    ax.legend(fontsize="x-small", ncol=2)
    return fig
