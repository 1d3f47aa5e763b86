"""Report figures of the rate-capability fit (:mod:`interstore.study_fit`): the same figures
``interstore simulate fit`` draws (:mod:`interstore.transport.plots_fit`), keyed by PNG stem."""

from __future__ import annotations


def rate_fit_figures(results) -> dict:
    """Capacity against current with both fitted models and the residuals by rate; the discharge
    curves when they were fitted.  Empty when the study ran no fit."""
    fit = results.rate_fit
    if fit is None:
        return {}
    from ..transport.plots_fit import curves_figure, fit_figure

    fits = (fit.comparison.bulk_only, fit.comparison.heterostructure)
    figs = {"rate_fit": fit_figure(fit.data, fits)}
    if fit.curves is not None:
        figs["rate_fit_curves"] = curves_figure(fit.curves, fits)
    return figs
