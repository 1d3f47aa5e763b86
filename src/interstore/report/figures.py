"""The study report's figures, one matplotlib :class:`~matplotlib.figure.Figure` per key.

Where the CLI or a result object already draws a figure, the report calls that same function
(:mod:`interstore.plotting`): the Nyquist plot, the GITT diffusivity, the CVs, the b-value and Dunn
figures, the Ragone curves, the binding energies, the impedance series and the rate fit.  Defined
here are only the figures a study alone has: capacity against rate on every mass basis and the
stacked capacity ledger (:mod:`.figures_controls` holds those of the controls).  Each figure is drawn once: the PNG file
and the HTML page get the same bytes (:func:`interstore.report.build.write_report`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..evidence.ledger import COMPONENTS
from ..massbasis import BASES
from ..plotting import label_decades, literal, new_figure


def draw_capacity_by_rate(ax, results):
    """Measured discharge capacity (mAh g⁻¹ of each basis, ± 1σ) against current (A g⁻¹, active, log
    axis) on every mass basis, with the bulk and, when there is one, the atomistic limit capacity."""
    masses, pts = results.study.masses, results.rate_points
    i = np.array([p.current_A_g for p in pts])
    q = np.array([p.capacity_mAh_g.value for p in pts])
    sigma = np.array([p.capacity_mAh_g.sigma for p in pts])
    for b, marker in zip(BASES, "os^"):
        f = masses.from_active(b)
        ax.errorbar(i, q * f, yerr=sigma * f, fmt=marker + "-", ms=5, capsize=2, label=literal(masses.label(b)))
    bulk = results.bulk
    ax.axhline(bulk.capacity_mAh_g, color="0.3", ls="--", lw=1,
               label=literal(f"bulk limit {bulk.capacity_mAh_g:.1f} mAh g⁻¹ (active {bulk.formula})"))
    if results.limit is not None:
        lim = results.limit.capacity_mAh_g["active"]
        ax.axhline(lim, color="C3", ls=":", lw=1, label=f"atomistic limit capacity {lim:.1f} mAh g⁻¹ "
                                                        f"(active, n_max = {results.limit.n_max:g})")
    ax.set_xscale("log")
    ax.set(title="Discharge capacity on every mass basis", xlabel="current density (A g⁻¹, active)",
           ylabel="discharge capacity (mAh g⁻¹ of the basis)")
    ax.legend(fontsize=7)
    return label_decades(ax)


def draw_ledger(ax, results, basis: str = "active"):
    """The capacity ledger per rate on one basis as stacked bars, with 1σ error bars on each non-zero
    share (a share that is zero at a rate has no segment to hang a bar on)."""
    from ..results import rate

    led = results.ledger
    f = led.factor(basis)
    pos = np.arange(len(led.rows))
    bottom = np.zeros(pos.size)
    for c in COMPONENTS:
        value = np.array([r.shares[c].value for r in led.rows]) * f
        sigma = np.array([r.shares[c].sigma for r in led.rows]) * f
        ax.bar(pos, value, bottom=bottom, yerr=np.where(value > 0, sigma, np.nan), capsize=2, label=c)
        bottom = bottom + value
    ax.set_xticks(pos, [rate(r.current_A_g) for r in led.rows])
    ax.set(title=literal(f"Capacity ledger ({results.study.masses.label(basis)} basis)"),
           xlabel="current density (A g⁻¹, active)", ylabel=f"capacity (mAh g⁻¹, {basis})")
    ax.legend(fontsize=7)
    return ax


def draw_ragone_comparison(ax, results):
    """Measured Ragone points under the simulated bulk-only and heterostructure curves, on one mass
    basis: the simulation config's when there is a simulation, else the active basis."""
    from ..echem.plots_cycling import draw_measured_ragone
    from ..transport.plots_simulation import draw_ragone

    simulated = results.ragone_simulated or {}
    bases = {curve.mass_basis for curve in simulated.values()}
    basis = bases.pop() if len(bases) == 1 else "active"
    for c in results.cycling:
        draw_measured_ragone(ax, c, bases=(basis,))
    for curve in simulated.values():
        draw_ragone(ax, curve)
    ax.set_title("Ragone plot: measured points, simulated curves")
    return ax


def _spectra(spectra) -> dict:
    """Per operando series the band area against state of charge and the first spectrum's band fit;
    per XPS entry one panel per state with its components and envelope."""
    from ..spectra.mcr import plot_mcr
    from ..spectra.vibrational import plot_band_fit, plot_reversibility
    from ..spectra.xps import plot_xps_fit

    figs = {}
    for k, a in enumerate(spectra.operando):
        figs[f"spectra_track_{k}"] = _one(lambda ax, a=a: plot_reversibility(a.track, a.reversibility, ax=ax))
        figs[f"spectra_fit_{k}"] = _one(lambda ax, a=a: plot_band_fit(a.first_fit, ax=ax))
        if a.mcr is not None:
            fig = new_figure((10, 4))
            plot_mcr(a.mcr, axes=fig.subplots(1, 2))
            figs[f"spectra_mcr_{k}"] = fig
    for k, a in enumerate(spectra.xps):
        fig = new_figure((4.8 * len(a.fits), 3.8), top_in=0.65)
        for ax, fit in zip(fig.subplots(1, len(a.fits), squeeze=False)[0], a.fits.values()):
            plot_xps_fit(fit, ax=ax)
        fig.suptitle(literal(f"XPS {a.region} ({a.mode}): " + ", ".join(a.fits)), fontsize=9)
        figs[f"spectra_xps_{k}"] = fig
    return figs


def _one(draw: Callable, *args, figsize: tuple[float, float] = (6.4, 4.2)):
    """A one-panel figure drawn by ``draw(ax, *args)``."""
    fig = new_figure(figsize)
    draw(fig.add_subplot(), *args)
    return fig


def report_figures(results) -> dict:
    """Every figure the study's results support, by key (the PNG file stem), in report order."""
    from ..atomistic.plots import binding_figure
    from ..echem.plots_cv import draw_b_values, draw_capacitive_fraction, draw_voltammograms
    from ..echem.plots_cycling import draw_gitt_D, draw_nyquist
    from ..echem.plots_eis import series_figure
    from ..transport.plots_fit import curves_figure, fit_figure
    from .figures_controls import controls_figures

    figs = {}
    if results.eis is not None:
        figs["nyquist"] = _one(draw_nyquist, results.eis, figsize=(5.5, 5.0))
    if results.gitt is not None:
        figs["gitt"] = _one(draw_gitt_D, results.gitt)
    if results.cv is not None:
        figs.update(cv=_one(draw_voltammograms, results.cv), b_value=_one(draw_b_values, results.cv),
                    dunn=_one(draw_capacitive_fraction, results.cv))
    if results.rate_points:
        figs["capacity"] = _one(draw_capacity_by_rate, results)
    if results.ragone_simulated or any(c.ragone for c in results.cycling):
        figs["ragone"] = _one(draw_ragone_comparison, results)
    if results.binding is not None:
        figs["binding"] = binding_figure(results.binding)
    if results.ledger is not None:
        figs["ledger"] = _one(draw_ledger, results)
    if results.spectra is not None:
        figs.update(_spectra(results.spectra))
    if results.eis_series is not None:  # the figure `interstore eis series` draws
        series = results.eis_series
        figs["eis_series"] = series_figure(series.table(), series.x_name, series.x_label)
    figs |= controls_figures(results)
    if results.rate_fit is not None:  # the figures `interstore simulate fit` draws
        fit = results.rate_fit
        fits = (fit.comparison.bulk_only, fit.comparison.heterostructure)
        figs["rate_fit"] = fit_figure(fit.data, fits)
        if fit.curves is not None:
            figs["rate_fit_curves"] = curves_figure(fit.curves, fits)
    return figs
