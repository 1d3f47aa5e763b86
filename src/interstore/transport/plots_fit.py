"""Figure of a rate-capability fit: measured capacity with its σ against current, each fitted
model beside it, and the weighted residuals by rate underneath.  Draws on given axes
(``ax=``) or on a new :class:`matplotlib.figure.Figure`; never saves."""

from __future__ import annotations

from typing import Sequence

from matplotlib.figure import Figure

from .fit import FitResult, RateData
from .plots_simulation import VARIANT_STYLE


def fit_figure(data: RateData, fits: Sequence[FitResult], *, axes=None, title: str = "") -> Figure:
    """Capacity (mAh g⁻¹, data basis) against specific current (A g⁻¹, log axis), measured ± σ
    and each model's fitted capacity; residuals (r = (model − data)/σ) in a lower panel.

    ``axes``: a pair (capacity, residual) of existing Axes; by default a new figure."""
    if axes is None:
        fig = Figure(figsize=(6.0, 5.2), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
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
    bottom.set_xlabel(f"specific current (A g⁻¹, {data.mass_basis})")
    bottom.set_ylabel("residual (σ)")
    return fig
