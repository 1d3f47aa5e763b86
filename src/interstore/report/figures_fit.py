"""Report figure of the rate-capability fit (:mod:`interstore.study_fit`): measured capacity ± σ
with both fitted models against current."""

from __future__ import annotations

from .figures import FigureSpec, Trace

NAMES = {"bulk_only": "bulk-only fit", "heterostructure": "heterostructure fit"}


def rate_fit_figures(results) -> list[FigureSpec]:
    """Capacity vs current: data ± σ and each fit (χ² and BIC in the legend); the residuals by
    rate are a table of the report section."""
    fit = getattr(results, "rate_fit", None)
    if fit is None:
        return []
    data, c = fit.data, fit.comparison
    basis = f"{data.mass_basis} basis"
    capacity = (Trace("measured ± σ", data.current_A_g, data.capacity_mAh_g, "markers", data.sigma_mAh_g),
                *(Trace(f"{NAMES[f.model]}: χ² = {f.chi2:.3g}, BIC = {f.bic:.3g}", f.current_A_g, f.predicted_mAh_g,
                        "lines+markers", dash=f.model == "bulk_only") for f in (c.bulk_only, c.heterostructure)))
    return [FigureSpec("rate_fit", "Rate capability: which model explains it?", f"specific current (A g⁻¹, {basis})",
                       f"discharge capacity (mAh g⁻¹, {basis})", capacity, log_x=True, note=c.verdict)]
