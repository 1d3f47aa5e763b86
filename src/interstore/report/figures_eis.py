"""Report figure of an impedance series: the figure ``interstore eis series`` draws
(:func:`interstore.echem.plots_eis.series_figure`), each fitted parameter ± standard error
against each sweep's mean DC potential when the file logs one, else the sweep number."""

from __future__ import annotations


def eis_series_figures(results) -> dict:
    """``{"eis_series": figure}`` for ``results.eis_series``; empty without a series."""
    series = results.eis_series
    if series is None:
        return {}
    from ..echem.plots_eis import series_figure

    return {"eis_series": series_figure(series.table(), series.x_name, series.x_label)}
