"""Matplotlib (Agg) figures for differential capacity: dQ/dV per half-cycle with its peaks, dV/dQ,
and retention / CE over cycles.  Returns ``{name: Figure}`` like :mod:`.plots_cycling`."""

from __future__ import annotations

import matplotlib

from ..plotting import subplots
from .differential import DifferentialAnalysis


def differential_figures(result: DifferentialAnalysis) -> dict:
    """``dqdv`` (mAh g⁻¹ V⁻¹, active basis, peaks marked), ``dvdq`` and ``retention`` (% and CE %)."""
    masses = result.cycling.masses
    m_g, label = masses.active_g, masses.label("active")
    cmap = matplotlib.colormaps["viridis"]
    cycles = sorted({c.cycle for c in result.curves})
    colour = {c: cmap(k / max(len(cycles) - 1, 1)) for k, c in enumerate(cycles)}

    fig_q, ax = subplots(figsize=(6.5, 4.5))
    for c in result.curves:
        sign = -1 if c.kind == "discharge" else 1
        ax.plot(c.potential_V, sign * c.dqdv_mAh_V / m_g, color=colour[c.cycle], lw=1)
        for p in c.peaks:
            ax.plot(p.potential_V, sign * p.height_mAh_V / m_g, "v" if sign < 0 else "^", color=colour[c.cycle], ms=4)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("potential (V)")
    ax.set_ylabel(f"dQ/dV (mAh g⁻¹ V⁻¹, {label}); discharge drawn negative")
    ax.set_title(f"Differential capacity, cycles {cycles[0]}–{cycles[-1]}", fontsize=9)

    fig_v, ax = subplots(figsize=(6.5, 4.5))
    for c in result.curves:
        ax.plot(c.capacity_mAh / m_g, c.dvdq_V_mAh * m_g, color=colour[c.cycle], lw=1,
                ls="-" if c.kind == "discharge" else "--")
    ax.set_xlabel(f"capacity within the half-cycle (mAh g⁻¹, {label})")
    ax.set_ylabel(f"dV/dQ (V g mAh⁻¹, {label}); discharge solid, charge dashed")

    t = result.trend
    fig_r, ax = subplots(figsize=(6.5, 4.5))
    ax.plot(t.cycles, t.retention_pct, "o-", ms=3, label="capacity retention (%)")
    ax.plot(t.cycles, t.coulombic_efficiency_pct, "s--", ms=3, label="Coulombic efficiency (%)")
    ax.set_xlabel("cycle")
    ax.set_ylabel("%")
    fades = ", ".join(f"step {s}: {v:.3g} % per cycle" for s, v in t.fade_pct_per_cycle.items())
    ax.set_title("fade: " + (fades or "no rate step with ≥ 3 discharges"), fontsize=9)
    ax.legend(fontsize=8)
    return {"dqdv": fig_q, "dvdq": fig_v, "retention": fig_r}
