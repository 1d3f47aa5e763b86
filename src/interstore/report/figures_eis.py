"""Report figures of an impedance series: each fitted parameter (± standard error) against the
series' x, which is each sweep's mean DC potential when the file logs one (as ``interstore eis series``
plots it), else the sweep number."""

from __future__ import annotations

import numpy as np

from .figures import FigureSpec, Trace


def eis_series_figures(results) -> list[FigureSpec]:
    """One figure per circuit parameter of ``results.eis_series`` (none without a series)."""
    series = results.eis_series
    if series is None:
        return []
    x = np.asarray(series.x, float)
    first = series.fits[0]
    specs = []
    for k, (name, unit) in enumerate(zip(first.parameter_names, first.parameter_units)):
        y = np.array([fit.values[k] for fit in series.fits], float)
        err = np.array([fit.stderr[k] for fit in series.fits], float)
        specs.append(FigureSpec(f"eis_series_{name}", f"{name} of {first.circuit_name} over the series",
                                series.x_label, f"{name} ({unit or '–'})",
                                (Trace(name, x, y, "lines+markers", np.where(np.isfinite(err), err, 0.0)),)))
    return specs
