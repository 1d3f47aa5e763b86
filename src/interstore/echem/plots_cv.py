"""Matplotlib figures of a :class:`~interstore.echem.cv_analysis.CVAnalysis`, shared by
``cv analyze --out``, ``CVAnalysis.plot()`` and the study report (see :mod:`interstore.plotting`).

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot state, any
backend); save them with :func:`interstore.outputs.save_figure`.  Currents are
shown per gram of active material when the mass is known, else in mA.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..plotting import label_decades, literal, new_figure
from .cv_analysis import CVAnalysis


def _current_scale(analysis: CVAnalysis) -> tuple[float, str]:
    """Factor turning A into the plotted unit, and the axis label."""
    if analysis.mass_g is None:
        return 1e3, "current (mA)"
    return 1.0 / analysis.mass_g, "current (A g⁻¹, active)"


def b_value_figure(analysis: CVAnalysis) -> Figure:
    """log|i_p| against log v for each tracked peak with its power-law fit."""
    fig = Figure(figsize=(5.5, 4.2))
    draw_b_values(fig.add_subplot(), analysis)
    return fig


def draw_b_values(ax, analysis: CVAnalysis):
    """Draw the b-value figure on ``ax`` and return it."""
    for p in analysis.peaks:
        if p.fit is None:
            continue
        line, = ax.loglog(p.scan_rates_mV_s, np.abs(p.current_A) * 1e3, "o")
        v = np.geomspace(p.scan_rates_mV_s.min(), p.scan_rates_mV_s.max(), 50)
        ax.loglog(v, p.fit.predict_current_A(v) * 1e3, "-", color=line.get_color(),
                  label=literal(f"{p.name} ({p.potential_V[0]:.2f} V): b = {p.fit.b:.3f} ± {p.fit.stderr:.3f}"))
    fitted = [p for p in analysis.peaks if p.fit is not None]
    if fitted:  # guide lines of slope 1/2 (diffusion) and 1 (capacitive) through the first peak's slowest point
        p = fitted[0]
        v = np.geomspace(p.scan_rates_mV_s.min(), p.scan_rates_mV_s.max(), 2)
        for b, style in ((0.5, ":"), (1.0, "--")):
            ax.loglog(v, abs(p.current_A[0]) * 1e3 * (v / v[0]) ** b, style, color="grey", lw=0.8,
                      label=f"slope b = {b:g}")
    ax.set_xlabel("scan rate v (mV s⁻¹)")
    ax.set_ylabel("|peak current| (mA)")
    ax.set_title("b-value: i_p = a·v^b")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return label_decades(ax)


def voltammograms_figure(analysis: CVAnalysis) -> Figure:
    """Every scan rate's CV on the common grid (see :func:`draw_voltammograms`)."""
    fig = new_figure((5.5, 4.2))
    draw_voltammograms(fig.add_subplot(), analysis)
    return fig


def draw_voltammograms(ax, analysis: CVAnalysis):
    """Anodic and (reversed) cathodic branch of every scan rate on the common IR-corrected potential
    grid, current per gram of active material (mA without a mass), on ``ax``; returns it."""
    scale, label = _current_scale(analysis)
    e = np.concatenate([analysis.potential_V, analysis.potential_V[::-1]])
    for k, v in enumerate(analysis.scan_rates_mV_s):
        i = np.concatenate([analysis.anodic.current_A[k], -analysis.cathodic.current_A[k][::-1]])
        ax.plot(e, i * scale, label=f"{v:g} mV s⁻¹")
    ax.set_xlabel("potential E − i·R_s (V vs Zn²⁺/Zn)")
    ax.set_ylabel(label)
    ax.set_title("Cyclic voltammograms")
    ax.legend(fontsize=8, title="scan rate", title_fontsize=8)
    return ax


def dunn_profiles_figure(analysis: CVAnalysis) -> Figure:
    """k1(V) and k2(V) of both branches, flagged points marked."""
    fig = Figure(figsize=(6, 6), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    for fit, style, name in ((analysis.anodic, "-", "anodic"), (analysis.cathodic, "--", "cathodic (−i)")):
        for ax, k, scale in ((ax1, fit.k1_F, 1e3), (ax2, fit.k2_A_s05_V05, 1e3)):
            ax.plot(fit.potential_V, k * scale, style, label=name)
            ax.plot(fit.potential_V[fit.flagged], k[fit.flagged] * scale, "x", color="red", ms=3)
    ax1.set_ylabel("k1 (mF)")
    ax2.set_ylabel("k2 (mA s^½ V^−½)")
    ax2.set_xlabel("potential (V)")
    ax1.set_title("Dunn split i = k1·v + k2·v^½ (× = k1 or k2 < 0)")
    ax1.legend(fontsize=8)
    return fig


def b_profile_figure(analysis: CVAnalysis) -> Figure:
    """b(V): the power-law exponent at every grid potential, both branches, with b = ½ and 1 marked."""
    fig = Figure(figsize=(5.5, 4.2))
    ax = fig.add_subplot()
    for branch, style in (("anodic", "-"), ("cathodic", "--")):
        ax.plot(analysis.potential_V, analysis.b_of_potential(branch), style, label=branch)
    for b in (0.5, 1.0):
        ax.axhline(b, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("potential (V)")
    ax.set_ylabel("b (dimensionless)")
    ax.set_title("b-value at each potential, |i(V)| = a(V)·v^b(V)")
    ax.legend(fontsize=8)
    return fig


def sweeps_figure(m, sweeps: list[dict]) -> Figure:
    """Potential against time with each sweep coloured by direction (partial sweeps grey)."""
    fig = Figure(figsize=(7, 3.5))
    ax = fig.add_subplot()
    t, e = m.time_s, m.potential_V
    colours = {"anodic": "tab:red", "cathodic": "tab:blue"}
    for s in sweeps:
        rows = slice(s["first_row"] - 1, s["last_row"])
        ax.plot(t[rows], e[rows], color=colours[s["direction"]] if s["full"] else "grey", lw=1)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("potential (V)")
    ax.set_title(f"{len(sweeps)} sweeps: anodic red, cathodic blue, partial grey")
    return fig


def capacitive_cv_figure(analysis: CVAnalysis, rate_index: int) -> Figure:
    """Measured CV at one scan rate with the capacitive current k1·v shaded."""
    scale, label = _current_scale(analysis)
    fig = Figure(figsize=(5.5, 4.2))
    ax = fig.add_subplot()
    e = analysis.potential_V
    for fit, sign in ((analysis.anodic, 1.0), (analysis.cathodic, -1.0)):
        ax.plot(e, sign * fit.current_A[rate_index] * scale, color="black", lw=1.2)
        ax.fill_between(e, 0, sign * fit.capacitive_current_A[rate_index] * scale, color="tab:blue", alpha=0.4)
    v = analysis.scan_rates_mV_s[rate_index]
    frac = analysis.capacitive_fraction[rate_index]
    ax.set_title(f"{v:g} mV s⁻¹: capacitive {100 * frac:.1f} % (shaded)")
    ax.set_xlabel("potential (V)")
    ax.set_ylabel(label)
    return fig


def capacitive_fraction_figure(analysis: CVAnalysis) -> Figure:
    """Stacked bars: capacitive and diffusion-controlled share of charge per scan rate."""
    fig = Figure(figsize=(5.5, 4.2))
    draw_capacitive_fraction(fig.add_subplot(), analysis)
    return fig


def draw_capacitive_fraction(ax, analysis: CVAnalysis):
    """The Dunn split as stacked bars per scan rate: capacitive (k₁v) and diffusion-controlled
    (k₂v^½) share of the voltammetric charge, both branches, in %, on ``ax``; returns it."""
    pos = np.arange(analysis.scan_rates_mV_s.size)
    cap = 100 * analysis.capacitive_fraction
    ax.bar(pos, cap, color="tab:blue", label="capacitive (k₁·v)")
    ax.bar(pos, 100 - cap, bottom=cap, color="tab:orange", label="diffusion-controlled (k₂·v^½)")
    ax.set_xticks(pos, [f"{v:g}" for v in analysis.scan_rates_mV_s])
    ax.set_xlabel("scan rate (mV s⁻¹)")
    ax.set_ylabel("share of voltammetric charge (%)")
    ax.set_title("Dunn split i = k₁·v + k₂·v^½")
    ax.legend(fontsize=8)
    return ax


def trasatti_figure(analysis: CVAnalysis) -> Figure:
    """q against v^−½ (→ q_outer) and 1/q against v^½ (→ q_total) with the linear fits."""
    t = analysis.trasatti
    scale, unit, inverse = (1.0, "C", "C⁻¹") if analysis.mass_g is None else (1.0 / analysis.mass_g, "C g⁻¹", "g C⁻¹")
    q = analysis.charge_C * scale
    v = analysis.scan_rates_mV_s
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    used_outer = np.isin(v, t.outer_rates_mV_s)
    used_total = np.isin(v, t.total_rates_mV_s)
    x1 = np.linspace(0, (v ** -0.5).max(), 50)
    ax1.plot(v[used_outer] ** -0.5, q[used_outer], "o", label="fitted")
    ax1.plot(v[~used_outer] ** -0.5, q[~used_outer], "o", mfc="none", color="grey", label="not fitted")
    ax1.plot(x1, (t.q_outer + t.slope_outer * x1) * scale, "-")
    ax1.set_xlabel("v^−½ ((mV s⁻¹)^−½)")
    ax1.set_ylabel(f"q ({unit})")
    ax1.set_title(f"q_outer = {t.q_outer * scale:.4g} {unit} (R² {t.r2_outer:.3f})")
    ax1.legend(fontsize=8)
    x2 = np.linspace(0, (v ** 0.5).max(), 50)
    ax2.plot(v[used_total] ** 0.5, 1 / q[used_total], "o")
    ax2.plot(v[~used_total] ** 0.5, 1 / q[~used_total], "o", mfc="none", color="grey")
    ax2.plot(x2, (1 / t.q_total + t.slope_total * x2) / scale, "-")
    ax2.set_xlabel("v^½ ((mV s⁻¹)^½)")
    ax2.set_ylabel(f"1/q ({inverse})")
    ax2.set_title(f"q_total = {t.q_total * scale:.4g} {unit} (R² {t.r2_total:.3f})")
    if t.linear_warning:
        fig.suptitle("warning: linearity not shown (R², < 3 rates) or charges unphysical — values indicative only",
                     color="red")
    return fig


def cv_figures(analysis: CVAnalysis) -> dict[str, Figure]:
    """All CV figures by file stem: the CVs, b-value, b(V), k1/k2 profiles, shaded CV per rate, fractions,
    Trasatti."""
    figures = {"cv_voltammograms": voltammograms_figure(analysis), "cv_b_value": b_value_figure(analysis),
               "cv_b_profile": b_profile_figure(analysis), "cv_dunn_profiles": dunn_profiles_figure(analysis)}
    for k, v in enumerate(analysis.scan_rates_mV_s):
        figures[f"cv_capacitive_{k + 1:02d}_{v:g}mV_s"] = capacitive_cv_figure(analysis, k)
    figures["cv_capacitive_fraction"] = capacitive_fraction_figure(analysis)
    figures["cv_trasatti"] = trasatti_figure(analysis)
    return figures
