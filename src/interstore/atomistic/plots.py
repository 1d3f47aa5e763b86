"""PNG figures of a Zn-loading scan (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..outputs import save_figure
from .binding import BindingCurve


def _axes(ncols: int = 1):
    import matplotlib.pyplot as plt

    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, ncols, figsize=(4.2 * ncols, 3.4), constrained_layout=True)
    for ax in np.atleast_1d(axes):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # Zn counts
    return fig, axes


def plot_binding(curve: BindingCurve, path: Path, reference: str) -> Path:
    """E_b(n) and E_b(n)/n vs n (eV)."""
    fig, (ax1, ax2) = _axes(2)
    ax1.plot(curve.n_zn, curve.eb_eV, "o-")
    ax1.set_xlabel("Zn count n")
    ax1.set_ylabel("E_b(n) (eV)")
    per = [np.nan if v is None else v for v in curve.eb_per_zn_eV]
    ax2.plot(curve.n_zn[1:], per[1:], "s-", color="C1")
    ax2.axhline(0.0, color="0.5", lw=0.8)
    ax2.set_xlabel("Zn count n")
    ax2.set_ylabel("E_b(n)/n (eV per Zn)")
    fig.suptitle(f"Zn reference: {reference}", fontsize=8)
    return save_figure(fig, path)


def plot_voltage(curve: BindingCurve, path: Path) -> Path:
    """Average voltage of each step n₁ → n₂ as a staircase (V vs Zn²⁺/Zn for a bulk-Zn reference)."""
    fig, ax = _axes()
    edges = np.array(curve.n_zn, float)
    ax.stairs(curve.voltage_V, edges, baseline=None, lw=2)
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel("Zn count n")
    ax.set_ylabel("average voltage V̄ (V vs Zn²⁺/Zn)")
    return save_figure(fig, path)


def plot_bonds(n_zn, loaded: list[dict], unloaded: list[dict], path: Path, bridge: str) -> Path:
    """Intact / stretched / broken interfacial bridges per n, loaded and after Zn removal."""
    fig, (ax1, ax2) = _axes(2)
    x = np.asarray(n_zn)
    for ax, states, title in ((ax1, loaded, "with Zn"), (ax2, unloaded, "after Zn removal + relax")):
        bottom = np.zeros(len(x))
        for key, colour in (("intact", "C2"), ("stretched", "C1"), ("broken", "C3")):
            vals = np.array([s[key] for s in states], float)
            ax.bar(x, vals, bottom=bottom, color=colour, label=key)
            bottom += vals
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("Zn count n")
        ax.set_ylabel(f"{bridge} bridges (count)")
    ax1.legend(fontsize=8)
    return save_figure(fig, path)
