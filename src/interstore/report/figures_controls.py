"""Report figures of the ledger from controls: shares and interfacial excess per rate with their
95 % intervals, and the excess dQ/dV of the heterostructure over its controls (matplotlib, drawn
once for the PNG and the HTML like every report figure)."""

from __future__ import annotations

import numpy as np

from ..plotting import label_decades, new_figure


def draw_excess(ax, ledger):
    """Heterostructure capacity, oxide and substrate shares and the interfacial excess per rate (± 95 %)."""
    rows = ledger.rows
    x = np.array([r.current_A_g for r in rows])
    for name, pairs, marker in (
            ("heterostructure (measured)", [(r.heterostructure.mean, r.heterostructure.half_width) for r in rows], "o"),
            ("oxide share w_ox·Q_oxide", [r.oxide_share for r in rows], "s"),
            ("substrate share w_sub·Q_substrate", [r.substrate_share for r in rows], "^"),
            ("interfacial excess", [(r.excess, r.excess_half_width) for r in rows], "D")):
        value, half = np.array(pairs, float).T
        ax.errorbar(x, value, yerr=half, fmt=marker + "-", ms=5, capsize=2, label=name)
    ax.set_xscale("log")
    ax.set(title="Ledger from controls (error bars: 95 % t-intervals over replicate cells)",
           xlabel="current density (A g⁻¹, composite)", ylabel="capacity (mAh g⁻¹, composite)")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7)
    return label_decades(ax)


def draw_excess_dqdv(ax, ledger):
    """Mean dQ/dV of the heterostructure, of the mass-weighted controls, and their difference."""
    names = {"heterostructure": "heterostructure", "oxide_plus_substrate": "w_ox·oxide + w_sub·substrate",
             "excess": "excess (heterostructure − controls)"}
    for k, v in ledger.dqdv_mAh_g_V.items():
        ax.plot(ledger.grid_V, v, "--" if k == "oxide_plus_substrate" else "-", label=names[k])
    ax.set(title="Excess dQ/dV: where in potential the extra capacity sits", xlabel="potential (V)",
           ylabel="dQ/dV (mAh g⁻¹ V⁻¹, composite), first discharge")
    ax.legend(fontsize=7)
    return ax


def controls_figures(results) -> dict:
    """``controls_excess`` and, with dQ/dV curves, ``excess_dqdv``; empty without controls."""
    led = results.controls
    if led is None or not led.rows:
        return {}
    figs = {}
    for key, draw in (("controls_excess", draw_excess), ("excess_dqdv", draw_excess_dqdv)):
        if key == "excess_dqdv" and led.grid_V is None:
            continue
        figs[key] = new_figure((6.4, 4.2))
        draw(figs[key].add_subplot(), led)
    return figs
