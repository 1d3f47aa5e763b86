"""Report figures: one renderer-neutral :class:`FigureSpec` per figure, drawn either with
plotly (interactive, inline in the HTML report) or with matplotlib (PNG beside it).

Builders read a :class:`~interstore.study.StudyResults`; axis labels carry units
and the mass basis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..evidence.ledger import COMPONENTS
from ..massbasis import BASES


@dataclass(frozen=True)
class Trace:
    """One data series; ``mode`` is ``lines``, ``markers``, ``lines+markers`` or ``bar``."""

    name: str
    x: np.ndarray
    y: np.ndarray
    mode: str = "lines"
    error_y: np.ndarray | None = None
    dash: bool = False


@dataclass(frozen=True)
class FigureSpec:
    key: str
    title: str
    x_label: str
    y_label: str
    traces: tuple[Trace, ...]
    log_x: bool = False
    log_y: bool = False
    stacked: bool = False
    note: str = ""


def _arr(values) -> np.ndarray:
    return np.asarray(values, float)


def cv_figure(cv, active_label: str) -> FigureSpec:
    """Anodic and cathodic branches of every scan rate on the common (IR-corrected) grid."""
    traces = []
    for k, v in enumerate(cv.scan_rates_mV_s):
        i = np.concatenate([cv.anodic.current_A[k], -cv.cathodic.current_A[k][::-1]]) / cv.mass_g
        e = np.concatenate([cv.potential_V, cv.potential_V[::-1]])
        traces.append(Trace(f"{v:g} mV s⁻¹", e, i))
    return FigureSpec("cv", "Cyclic voltammograms", "potential E − i·R_s (V vs Zn²⁺/Zn)",
                      f"current (A g⁻¹, active {active_label})", tuple(traces))


def bvalue_figure(cv) -> FigureSpec:
    """|i_p| against v on log–log axes with the fitted i = a·v^b."""
    traces = []
    for p in cv.peaks:
        if p.fit is None:
            continue
        traces.append(Trace(f"{p.name} (b = {p.fit.b:.2f})", _arr(p.scan_rates_mV_s), np.abs(_arr(p.current_A)) * 1e3,
                            "markers"))
        v = np.geomspace(min(p.scan_rates_mV_s), max(p.scan_rates_mV_s), 30)
        traces.append(Trace(f"{p.name} fit", v, p.fit.predict_current_A(v) * 1e3, dash=True))
    return FigureSpec("b_value", "Peak current vs scan rate (i = a·v^b)", "scan rate v (mV s⁻¹)",
                      "|peak current| (mA)", tuple(traces), log_x=True, log_y=True)


def dunn_figure(cv) -> FigureSpec:
    """Dunn split of the voltammetric charge per scan rate (fractions, both branches)."""
    v = _arr(cv.scan_rates_mV_s)
    f = _arr(cv.capacitive_fraction)
    labels = np.array([f"{r:g}" for r in v])
    return FigureSpec("dunn", "Dunn split: capacitive k₁v vs diffusive k₂v^½", "scan rate (mV s⁻¹)",
                      "fraction of voltammetric charge (–)",
                      (Trace("capacitive (k₁v)", labels, f, "bar"), Trace("diffusive (k₂v^½)", labels, 1 - f, "bar")),
                      stacked=True)


def capacity_figure(results) -> FigureSpec:
    """Measured discharge capacity vs current on every mass basis, with the bulk limit."""
    masses = results.study.masses
    pts = results.rate_points
    i = _arr([p.current_A_g for p in pts])
    traces = []
    for b in BASES:
        f = masses.from_active(b)
        traces.append(Trace(masses.label(b), i, _arr([p.capacity_mAh_g.value for p in pts]) * f, "lines+markers",
                            _arr([p.capacity_mAh_g.sigma for p in pts]) * f))
    traces.append(Trace(f"bulk limit {results.bulk.capacity_mAh_g:.1f} mAh g⁻¹ (active {results.bulk.formula})",
                        i[[0, -1]], np.full(2, results.bulk.capacity_mAh_g), dash=True))
    if results.limit is not None:
        q = results.limit.capacity_mAh_g["active"]
        traces.append(Trace(f"atomistic limit capacity {q:.1f} mAh g⁻¹ (active, n_max = {results.limit.n_max:g})",
                            i[[0, -1]], np.full(2, q), dash=True))
    return FigureSpec("capacity", "Discharge capacity on every mass basis", "current density (A g⁻¹, active)",
                      "discharge capacity (mAh g⁻¹ of the basis)", tuple(traces), log_x=True)


def ragone_figure(results) -> FigureSpec:
    """Measured Ragone points over the simulated bulk-only and heterostructure curves, all on one
    mass basis: the simulation config's basis when there is a simulation, else the active basis."""
    simulated = results.ragone_simulated or {}
    bases = {curve.mass_basis for curve in simulated.values()}
    basis = bases.pop() if len(bases) == 1 else "active"
    traces = []
    for kind, curve in simulated.items():
        traces.append(Trace(f"simulated {kind.replace('_', '-')} ({curve.mass_basis} basis)",
                            curve.column("power_W_kg"), curve.column("energy_Wh_kg"), "lines+markers",
                            dash=kind == "bulk_only"))
    for c in results.cycling:
        pts = [p for p in c.ragone if p.basis == basis]
        if pts:
            traces.append(Trace(f"measured ({basis} basis)", _arr([p.power_W_kg for p in pts]),
                                _arr([p.energy_Wh_kg for p in pts]), "markers"))
    return FigureSpec("ragone", "Ragone plot", f"specific power (W kg⁻¹, {basis} basis)",
                      f"specific energy (Wh kg⁻¹, {basis} basis)", tuple(traces), log_x=True, log_y=True)


def binding_figure(results) -> FigureSpec:
    """E_b(n) and E_b(n)/n of Zn at the interface; the limit capacity in the note."""
    curve, limit = results.binding, results.limit
    n = _arr(curve.n_zn[1:])
    note = "" if limit is None else limit.comparison_text()
    return FigureSpec("binding", "Zn binding energy at the interface", "Zn count n (per model cell)",
                      "energy (eV)", (Trace("E_b(n)", n, _arr(curve.eb_eV[1:]), "lines+markers"),
                                      Trace("E_b(n)/n", n, _arr(curve.eb_per_zn_eV[1:]), "lines+markers")),
                      note=note)


def ledger_figure(results, basis: str = "active") -> FigureSpec:
    """Stacked capacity ledger per rate on one basis, with 1σ error bars on each non-zero share
    (a share that is zero at a rate has no segment to hang a bar on)."""
    from ..results import rate

    led = results.ledger
    f = led.factor(basis)
    labels = np.array([rate(r.current_A_g) for r in led.rows])
    traces = []
    for c in COMPONENTS:
        value = _arr([r.shares[c].value for r in led.rows]) * f
        sigma = _arr([r.shares[c].sigma for r in led.rows]) * f
        traces.append(Trace(c, labels, value, "bar", np.where(value > 0, sigma, np.nan)))
    traces = tuple(traces)
    return FigureSpec("ledger", f"Capacity ledger ({results.study.masses.label(basis)} basis)",
                      "current density (A g⁻¹, active)", f"capacity (mAh g⁻¹, {basis})", traces, stacked=True)


def nyquist_figure(eis) -> FigureSpec:
    """Measured and fitted spectrum, −Z″ against Z′ (Ω)."""
    z, fit = eis.z_measured_ohm, eis.z_fit_ohm
    return FigureSpec("nyquist", f"Impedance ({eis.circuit_name}: {eis.circuit})", "Z′ (Ω)", "−Z″ (Ω)",
                      (Trace("measured", z.real, -z.imag, "markers"), Trace("fit", fit.real, -fit.imag)))


def gitt_figure(gitt) -> FigureSpec:
    """Weppner–Huggins D per pulse against the pulse's share of the titrated charge."""
    pulses = [p for p in gitt.pulses if np.isfinite(p.D_cm2_s) and p.D_cm2_s > 0]
    traces = tuple(Trace(name, _arr([p.depth_fraction for p in sel]), _arr([p.D_cm2_s for p in sel]), "markers")
                   for name, sel in (("valid pulses", [p for p in pulses if p.valid]),
                                     ("flagged pulses", [p for p in pulses if not p.valid])) if sel)
    return FigureSpec("gitt", "GITT diffusion coefficient (Weppner–Huggins)", "fraction of titrated charge (–)",
                      "D (cm² s⁻¹)", traces, log_y=True)


def mcr_figures(mcr, key: str, label: str) -> list[FigureSpec]:
    """MCR-ALS of an operando series: the component spectra, and the concentration profiles against
    state of charge (discharge and charge branches) or, without one, against time (h)."""
    comps = tuple(Trace(f"component {k + 1}", mcr.x, s) for k, s in enumerate(mcr.spectra))
    if mcr.soc is not None:
        turn = int(np.argmin(mcr.soc))
        profiles = tuple(t for k in range(mcr.concentrations.shape[1]) for t in (
            Trace(f"component {k + 1}, discharge", mcr.soc[:turn + 1], mcr.concentrations[:turn + 1, k],
                  "lines+markers"),
            Trace(f"component {k + 1}, charge", mcr.soc[turn:], mcr.concentrations[turn:, k], "lines+markers",
                  dash=True)))
        x_label = "state of charge (–, 1 = start of discharge)"
    else:
        profiles = tuple(Trace(f"component {k + 1}", mcr.time_s / 3600, mcr.concentrations[:, k], "lines+markers")
                         for k in range(mcr.concentrations.shape[1]))
        x_label = "time (h)"
    return [FigureSpec(f"{key}_components", f"{label}: MCR-ALS component spectra (lack of fit "
                       f"{mcr.lack_of_fit_pct:.2f} %)", mcr.x_label, "intensity (counts)", comps),
            FigureSpec(f"{key}_profiles", f"{label}: MCR-ALS concentration profiles", x_label,
                       "concentration (–, components sum to 1)", profiles)]


def spectra_figures(spectra) -> list[FigureSpec]:
    """Per operando series: band area / initial area against SOC (both branches) and the first
    spectrum's band fit; per XPS entry: each state's points and fitted envelope."""
    figs = []
    for k, a in enumerate(spectra.operando):
        t, rev = a.track, a.reversibility
        turn = int(np.argmin(t.soc))
        rel, err = t.area / rev.f0, t.area_sigma / rev.f0
        figs.append(FigureSpec(f"spectra_track_{k}", f"{a.technique} ({a.mode}): {a.feature} against state of charge",
                               "state of charge (–, 1 = start of discharge)", f"{a.feature} area / initial area (–)",
                               (Trace("discharge", t.soc[:turn + 1], rel[:turn + 1], "lines+markers", err[:turn + 1]),
                                Trace("charge", t.soc[turn:], rel[turn:], "lines+markers", err[turn:], dash=True)),
                               note=a.record.summary()))
        f = a.first_fit
        figs.append(FigureSpec(f"spectra_fit_{k}", f"{a.technique}: first spectrum, {f.shape} fit of the {a.feature}",
                               f.x_label, "intensity (counts)",
                               (Trace("measured", f.x, f.y, "markers"), Trace(f"baseline ({f.baseline_method})", f.x,
                                                                               f.baseline, dash=True),
                                Trace("fit", f.x, f.best_fit))))
        if getattr(a, "mcr", None) is not None:
            figs += mcr_figures(a.mcr, f"spectra_mcr_{k}", f"{a.technique} ({a.mode})")
    for k, a in enumerate(spectra.xps):
        traces = []
        for state, fit in a.fits.items():
            label = (f"{state} (mean valence {fit.mean_valence:.2f} ± {fit.mean_valence_sigma:.2f})"
                     if fit.mean_valence is not None else state)
            traces += [Trace(label, fit.x, fit.y, "markers"), Trace(f"{state} envelope", fit.x, fit.envelope)]
        figs.append(FigureSpec(f"spectra_xps_{k}", f"XPS {a.region} ({a.mode}), Shirley background + components",
                               "binding energy (eV)", "intensity (counts s⁻¹)", tuple(traces), note=a.record.summary()))
    return figs


def report_figures(results) -> list[FigureSpec]:
    """Every figure the study's results support, in report order."""
    label = results.study.manifest.material.active_formula
    figs = [nyquist_figure(results.eis)] if results.eis is not None else []
    if results.gitt is not None:
        figs.append(gitt_figure(results.gitt))
    if results.cv is not None:
        figs += [cv_figure(results.cv, label), bvalue_figure(results.cv), dunn_figure(results.cv)]
    if results.rate_points:
        figs.append(capacity_figure(results))
    if results.ragone_simulated or any(c.ragone for c in results.cycling):
        figs.append(ragone_figure(results))
    if results.binding is not None:
        figs.append(binding_figure(results))
    if results.ledger is not None:
        figs.append(ledger_figure(results))
    if getattr(results, "spectra", None) is not None:
        figs += spectra_figures(results.spectra)
    from .figures_controls import controls_figures
    from .figures_eis import eis_series_figures

    return figs + controls_figures(results) + eis_series_figures(results)


def to_plotly(spec: FigureSpec):
    """The spec as a plotly figure; titles, labels and names are HTML-escaped (plotly renders
    a subset of HTML in text)."""
    from html import escape

    import plotly.graph_objects as go

    fig = go.Figure()
    for t in spec.traces:
        err = None if t.error_y is None else {"type": "data", "array": t.error_y.tolist(), "visible": True}
        if t.mode == "bar":
            fig.add_trace(go.Bar(x=list(t.x), y=t.y.tolist(), name=escape(t.name), error_y=err))
        else:
            fig.add_trace(go.Scatter(x=list(t.x), y=t.y.tolist(), name=escape(t.name), mode=t.mode, error_y=err,
                                     line={"dash": "dash"} if t.dash else None,
                                     marker={"size": 10, "symbol": "circle-open"} if t.mode == "markers" else None))
    fig.update_layout(title=escape(spec.title), xaxis_title=escape(spec.x_label), yaxis_title=escape(spec.y_label),
                      barmode="stack" if spec.stacked else None, template="plotly_white",
                      height=420, margin={"l": 70, "r": 20, "t": 50, "b": 60})
    if spec.log_x:
        fig.update_xaxes(type="log", **decade_ticks(t.x for t in spec.traces))
    if spec.log_y:
        fig.update_yaxes(type="log", **decade_ticks(t.y for t in spec.traces))
    return fig


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_ticks(columns) -> dict:
    """Plotly tick settings labelling a log axis at whole decades only, as 10⁻¹, 10⁰, 10¹, ...
    (an axis spanning less than one decade gets the decades on either side)."""
    values = np.concatenate([np.asarray(list(c), float).ravel() for c in columns] or [np.ones(1)])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return {}
    lo, hi = int(np.floor(np.log10(values.min()))), int(np.ceil(np.log10(values.max())))
    decades = range(lo, max(hi, lo + 1) + 1)
    return {"tickvals": [10.0 ** k for k in decades], "ticktext": [f"10{str(k).translate(_SUPERSCRIPT)}" for k in decades]}


def to_matplotlib(spec: FigureSpec):
    """The spec as a matplotlib figure (the backend is the caller's; the CLI uses Agg) with fixed
    margins: save it with ``save_figure(fig, path, crop=False)`` (one draw)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator, NullFormatter

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.13, top=0.91)   # fixed margins: saved in one draw
    bottom = None
    for t in spec.traces:
        if t.mode == "bar":
            pos = np.arange(len(t.x))
            ax.bar(pos, t.y, bottom=bottom if spec.stacked else None, yerr=t.error_y, label=t.name, capsize=2)
            ax.set_xticks(pos, list(t.x))
            bottom = t.y if bottom is None else bottom + t.y
        else:
            style = "--" if t.dash else "-"
            fmt = {"markers": "o", "lines": style, "lines+markers": "o" + style}[t.mode]
            ax.errorbar(t.x, t.y, yerr=t.error_y, fmt=fmt, label=t.name, capsize=2,
                        markersize=7 if t.mode == "markers" else 4, mfc="none" if t.mode == "markers" else None)
    ax.set(title=spec.title, xlabel=spec.x_label, ylabel=spec.y_label)
    if spec.log_x:
        ax.set_xscale("log")
    if spec.log_y:
        ax.set_yscale("log")
    for on, axis in ((spec.log_x, ax.xaxis), (spec.log_y, ax.yaxis)):
        if on:  # labels at decades only (10⁻¹, 10⁰, 10¹ ...), unlabelled minor ticks
            axis.set_major_locator(LogLocator(base=10))
            axis.set_minor_formatter(NullFormatter())
    if spec.traces:
        ax.legend(fontsize=7)
    return fig
