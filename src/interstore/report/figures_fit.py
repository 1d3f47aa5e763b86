"""Report figures of the rate-capability fit (:mod:`interstore.study_fit`): measured capacity ± σ
with both fitted models against current, and the discharge curves when they were fitted."""

from __future__ import annotations

import numpy as np

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
    figs = [FigureSpec("rate_fit", "Rate capability: which model explains it?", f"specific current (A g⁻¹, {basis})",
                       f"discharge capacity (mAh g⁻¹, {basis})", capacity, log_x=True, note=c.verdict)]
    if fit.curves is not None:
        figs.append(curves_figure(fit))
    return figs


def _joined(curves) -> tuple[np.ndarray, np.ndarray]:
    """Several (Q, V) curves as one trace, separated by NaN (a break in the line)."""
    curves = list(curves)
    q = np.concatenate([np.append(np.asarray(x, float), np.nan) for x, _ in curves])
    v = np.concatenate([np.append(np.asarray(y, float), np.nan) for _, y in curves])
    return q, v


def curves_figure(fit) -> FigureSpec:
    """Measured discharge-curve points at every rate and both fitted models' discharges (V against
    mAh g⁻¹), one trace each: the curves run from the highest rate (left) to the lowest (right)."""
    cur, c = fit.curves, fit.comparison
    rates = ", ".join(f"{i:.3g}" for i in cur.current_A_g)
    traces = [Trace(f"measured ({rates} A g⁻¹)", *_joined(zip(cur.capacity_mAh_g, cur.potential_V)), "markers")]
    traces += [Trace(NAMES[f.model], *_joined(f.predicted_curves), dash=f.model == "bulk_only")
               for f in (c.bulk_only, c.heterostructure)]
    return FigureSpec("rate_fit_curves", f"Discharge curves fitted with the capacities (σ_V = "
                      f"{1e3 * cur.sigma_V:.3g} mV)", f"capacity (mAh g⁻¹, {cur.mass_basis} basis)",
                      "potential (V vs Zn²⁺/Zn)", tuple(traces))
