"""Report figures of the ledger from controls: shares and interfacial excess per rate with their
95 % intervals, and the excess dQ/dV of the heterostructure over its controls."""

from __future__ import annotations

import numpy as np

from .figures import FigureSpec, Trace


def excess_figure(ledger) -> FigureSpec:
    """Heterostructure capacity, oxide and substrate shares and the interfacial excess per rate (± 95 %)."""
    rows = ledger.rows
    x = np.array([r.current_A_g for r in rows])
    traces = (
        Trace("heterostructure (measured)", x, np.array([r.heterostructure.mean for r in rows]), "lines+markers",
              np.array([r.heterostructure.half_width for r in rows])),
        Trace("oxide share w_ox·Q_oxide", x, np.array([r.oxide_share[0] for r in rows]), "lines+markers",
              np.array([r.oxide_share[1] for r in rows])),
        Trace("substrate share w_sub·Q_substrate", x, np.array([r.substrate_share[0] for r in rows]), "lines+markers",
              np.array([r.substrate_share[1] for r in rows])),
        Trace("interfacial excess", x, np.array([r.excess for r in rows]), "lines+markers",
              np.array([r.excess_half_width for r in rows])),
    )
    return FigureSpec("controls_excess", "Ledger from controls (error bars: 95 % t-intervals over replicate cells)",
                      "current density (A g⁻¹, composite)", "capacity (mAh g⁻¹, composite)", traces, log_x=True)


def excess_dqdv_figure(ledger) -> FigureSpec:
    """Mean dQ/dV of the heterostructure, of the mass-weighted controls, and their difference."""
    names = {"heterostructure": "heterostructure", "oxide_plus_substrate": "w_ox·oxide + w_sub·substrate",
             "excess": "excess (heterostructure − controls)"}
    traces = tuple(Trace(names[k], ledger.grid_V, v, dash=k == "oxide_plus_substrate")
                   for k, v in ledger.dqdv_mAh_g_V.items())
    return FigureSpec("excess_dqdv", "Excess dQ/dV: where in potential the extra capacity sits",
                      "potential (V)", "dQ/dV (mAh g⁻¹ V⁻¹, composite), first discharge", traces)


def controls_figures(results) -> list[FigureSpec]:
    led = results.controls
    if led is None or not led.rows:
        return []
    return [excess_figure(led)] + ([excess_dqdv_figure(led)] if led.grid_V is not None else [])
