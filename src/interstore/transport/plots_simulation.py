"""Figures of the electrode simulator: discharge curves, the Ragone conflict, simulated CVs and
design maps, shared by ``simulate --out``, ``RagoneCurve.plot()`` and the study report.  Built on :class:`matplotlib.figure.Figure` (no pyplot state); save with
:func:`interstore.outputs.save_figure`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..plotting import label_decades, literal
from .designmap import DesignMap
from .electrode import Discharge
from .ragone import RagoneCurve

VARIANT_STYLE = {  # model variant -> (colour, marker, legend label), shared by the Ragone and fit figures
    "heterostructure": ("tab:red", "o", "heterostructure (bulk + interface)"),
    "bulk_only": ("tab:blue", "s", "bulk only (no interface storage)"),
}


def discharge_figure(discharges: Sequence[Discharge], title: str = "") -> Figure:
    """Potential (V vs Zn/Zn²⁺) against delivered capacity (mAh g⁻¹ on the stated basis), one line per rate."""
    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.subplots()
    for d in discharges:
        ax.plot(d.capacity_mAh_g, d.potential_V, label=f"{d.current_A_g:.3g} A g⁻¹")
    basis = discharges[0].mass_basis_label if discharges else ""
    ax.set_xlabel(f"capacity (mAh g⁻¹, {basis})")
    ax.set_ylabel("potential (V vs Zn/Zn²⁺)")
    ax.legend(fontsize="small", title="current")
    ax.set_title(title)
    return fig


def ragone_figure(curves: Sequence[RagoneCurve], title: str = "") -> Figure:
    """Energy (Wh kg⁻¹) against mean power (W kg⁻¹), log–log, each variant on the same axes."""
    fig = Figure(figsize=(6.0, 4.5), layout="constrained")
    ax = fig.subplots()
    for c in curves:
        draw_ragone(ax, c)
    ax.set_title(title or "Ragone conflict: bulk-only vs heterostructure")
    return fig


def draw_ragone(ax, curve: RagoneCurve):
    """Add one Ragone curve (energy vs mean power, log–log, styled by variant) to ``ax`` and return it."""
    color, marker, label = VARIANT_STYLE.get(curve.variant, ("k", ".", curve.variant))
    p, e = curve.column("power_W_kg"), curve.column("energy_Wh_kg")
    ok = (p > 0) & (e > 0)
    ax.loglog(p[ok], e[ok], marker=marker, color=color, label=label)
    ax.set_xlabel(literal(f"mean power (W kg⁻¹, {curve.mass_basis_label})"))
    ax.set_ylabel(literal(f"energy (Wh kg⁻¹, {curve.mass_basis_label})"))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return label_decades(ax)


def cv_figure(measurements: Sequence, mass_g: float, title: str = "") -> Figure:
    """Simulated CVs (last cycle): specific current (A g⁻¹, active) against potential (V), one line per rate."""
    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.subplots()
    for m in measurements:
        last = m.cycle == m.cycle.max()
        ax.plot(m.potential_V[last], m.current_A[last] / mass_g, label=f"{m.scan_rate_mV_s:g} mV s⁻¹")
    ax.set_xlabel("potential (V vs Zn/Zn²⁺)")
    ax.set_ylabel("current (A g⁻¹, active)")
    ax.axhline(0.0, color="0.6", lw=0.5)
    ax.legend(fontsize="small", title="scan rate")
    ax.set_title(title)
    return fig


def _cell_edges(values, log: bool) -> np.ndarray:
    """Edges of the cells centred on ``values``, midway in log space on a log axis (a linear
    midpoint below a log-spaced first value is negative and squashes that row out of view)."""
    a = np.log10(np.asarray(values, float)) if log else np.asarray(values, float)
    mids = 0.5 * (a[1:] + a[:-1])
    edges = np.concatenate([[2 * a[0] - mids[0]], mids, [2 * a[-1] - mids[-1]]])
    return 10.0 ** edges if log else edges


def designmap_figure(dm: DesignMap, title: str = "") -> Figure:
    """Heat map of the energy (Wh kg⁻¹) at the target power over the two swept parameters."""
    fig = Figure(figsize=(6.2, 4.8), layout="constrained")
    ax = fig.subplots()
    energy = np.ma.masked_invalid(dm.energy_Wh_kg)
    mesh = ax.pcolormesh(_cell_edges(dm.x_values, dm.x_axis.log), _cell_edges(dm.y_values, dm.y_axis.log),
                         energy, shading="flat", cmap="viridis")
    if dm.x_axis.log:
        ax.set_xscale("log")
    if dm.y_axis.log:
        ax.set_yscale("log")
    ax.set_xlabel(dm.x_axis.label)
    ax.set_ylabel(dm.y_axis.label)
    fig.colorbar(mesh, ax=ax, label=f"energy at {dm.target_power_W_kg:g} W kg⁻¹ (Wh kg⁻¹, {dm.mass_basis_label})")
    ax.set_title(title)
    return fig
