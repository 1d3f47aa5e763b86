"""Figures of a Zn-loading scan, shared by ``interface binding/scan --out`` and the study report
(see :mod:`interstore.plotting`); returned unsaved, on no particular backend."""

from __future__ import annotations

import numpy as np

from ..plotting import literal, new_figure
from .binding import BindingCurve


def _panels(ncols: int = 1):
    """A constrained figure with ``ncols`` panels whose x axes count Zn atoms (integer ticks)."""
    from matplotlib.ticker import MaxNLocator

    fig = new_figure((4.2 * ncols, 3.4))
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # Zn counts
    return fig, axes


def binding_figure(curve: BindingCurve, reference: str = ""):
    """E_b(n) and E_b(n)/n vs n (eV); ``reference`` (the Zn reference energy's source) as a suptitle."""
    fig, (ax1, ax2) = _panels(2)
    ax1.plot(curve.n_zn, curve.eb_eV, "o-")
    ax1.set_xlabel("Zn count n (per model cell)")
    ax1.set_ylabel("E_b(n) (eV)")
    per = [np.nan if v is None else v for v in curve.eb_per_zn_eV]
    ax2.plot(curve.n_zn[1:], per[1:], "s-", color="C1")
    ax2.axhline(0.0, color="0.5", lw=0.8)
    ax2.set_xlabel("Zn count n (per model cell)")
    ax2.set_ylabel("E_b(n)/n (eV per Zn)")
    fig.suptitle("Zn binding energy at the interface" + (f"; Zn reference: {literal(reference)}" if reference else ""),
                 fontsize=9)
    return fig


def voltage_figure(curve: BindingCurve):
    """Average voltage of each step n₁ → n₂ as a staircase (V vs Zn²⁺/Zn for a bulk-Zn reference)."""
    fig, (ax,) = _panels()
    edges = np.array(curve.n_zn, float)
    ax.stairs(curve.voltage_V, edges, baseline=None, lw=2)
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel("Zn count n")
    ax.set_ylabel("average voltage V̄ (V vs Zn²⁺/Zn)")
    return fig


def bonds_figure(n_zn, loaded: list[dict], unloaded: list[dict], bridge: str):
    """Intact / stretched / broken interfacial bridges per n, loaded and after Zn removal."""
    fig, (ax1, ax2) = _panels(2)
    x = np.asarray(n_zn)
    for ax, states, title in ((ax1, loaded, "with Zn"), (ax2, unloaded, "after Zn removal + relax")):
        bottom = np.zeros(len(x))
        for key, colour in (("intact", "C2"), ("stretched", "C1"), ("broken", "C3")):
            vals = np.array([s[key] for s in states], float)
            ax.bar(x, vals, bottom=bottom, color=colour, label=key)
            bottom += vals
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("Zn count n")
        ax.set_ylabel(f"{literal(bridge)} bridges (count)")
    ax1.legend(fontsize=8)
    return fig
