"""Raman / FT-IR bands: baseline, band fit, band against state of charge, reversibility.

Baseline: pybaselines (``arpls`` by default, asymmetrically reweighted penalised least
squares, Baek et al., Analyst 140 (2015) 250; ``modpoly``; ``asls``; or ``none``).
The baseline is computed on the whole spectrum (the wings of a band need room), then
bands are fitted in the window as lmfit Lorentzian or Voigt peaks, one per named centre,
plus a quadratic term for what the baseline left (a stiff baseline, λ = 10⁷ by default, removes
only slow curvature: every baseline estimator takes part of a Lorentzian's long wings, here
≈ 2 % of the area of a 28 cm⁻¹ wide band in a 240 cm⁻¹ window, λ = 10⁵: ≈ 10 %; ratios
such as RI are insensitive to it); the area is the integrated intensity (lmfit ``amplitude``), the width the FWHM.

Reversibility of a feature F (band area or position) over one discharge–charge cycle,
from straight lines of F against SOC through ``n_average`` spectra next to the start (F₀),
on both sides of the lowest state of charge (F_dis, mean of the two branches) and next to
the end (F_ch), each evaluated at that state of charge (no bias from averaging on a slope):

    Δ  = (F_dis − F₀)/F₀                 change on discharge
    R  = F_ch / F₀                       recovery on charge
    RI = (F_ch − F_dis)/(F₀ − F_dis)     reversibility index (1: fully back)

with 1σ from first-order propagation of the σ of the three end values (each the larger
of the band-fit and the residual-scatter estimate of the line's value).  The hysteresis is the
mean |F_dis-branch − F_ch-branch|/F₀ on a common SOC grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..evidence.measured import state_changes
from .record import Spectrum
from .series import SpectrumSeries

BASELINES = ("arpls", "modpoly", "asls", "none")
SHAPES = ("lorentzian", "voigt")
BACKGROUND_DEGREE = 2  # residual polynomial fitted with the bands
# FWHM / σ and height · σ / area of lmfit's line shapes, as lmfit's LorentzianModel and VoigtModel
# define them (the Voigt's γ equal to its σ; FWHM by Olivero & Longbothum's approximation):
# Lorentzian FWHM = 2σ, height = A/(πσ); Voigt FWHM = (1.0692 + √(0.8664 + 5.545083)) σ,
# height = A·Re w(i/√2)/(σ√(2π)) with w the Faddeeva function, Re w(i/√2) = e^{1/2} erfc(1/√2)
FWHM_PER_SIGMA = {"lorentzian": 2.0, "voigt": 1.0692 + math.sqrt(0.8664 + 5.545083)}
HEIGHT_SIGMA_PER_AREA = {"lorentzian": 1 / math.pi,
                         "voigt": math.exp(0.5) * math.erfc(1 / math.sqrt(2)) / math.sqrt(2 * math.pi)}


def remove_baseline(x: np.ndarray, y: np.ndarray, method: str = "arpls", *, lam: float = 1e7,
                    poly_order: int = 2) -> np.ndarray:
    """The baseline (same length as y) by pybaselines' ``arpls``/``asls`` (smoothness ``lam``),
    ``modpoly`` (``poly_order``) or zeros for ``none``."""
    from pybaselines import Baseline

    if method not in BASELINES:
        raise InputError("option --baseline", f"unknown baseline {method!r}", expected=f"one of {', '.join(BASELINES)}")
    if method == "none":
        return np.zeros_like(y)
    fitter = Baseline(x_data=x)
    if method == "modpoly":
        return fitter.modpoly(y, poly_order=poly_order)[0]
    return getattr(fitter, method)(y, lam=lam)[0]


@dataclass(frozen=True)
class Band:
    """One fitted band: centre and FWHM in x units (cm⁻¹), area in intensity × cm⁻¹, 1σ each."""

    name: str
    center: float
    center_sigma: float
    fwhm: float
    fwhm_sigma: float
    area: float
    area_sigma: float
    height: float


@dataclass(frozen=True, eq=False)
class BandFit:
    """Bands fitted in one window, with the arrays needed to draw the fit."""

    bands: tuple[Band, ...]
    shape: str
    baseline_method: str
    window: tuple[float, float]
    r_squared: float
    x: np.ndarray
    y: np.ndarray
    baseline: np.ndarray
    best_fit: np.ndarray
    x_label: str
    source: str

    def band(self, name: str | None = None) -> Band:
        return self.bands[0] if name is None else next(b for b in self.bands if b.name == name)

    def to_dict(self) -> dict:
        return {"source": self.source, "shape": self.shape, "baseline": self.baseline_method,
                "window": list(self.window), "x_label": self.x_label, "r_squared": self.r_squared,
                "bands": [b.__dict__ for b in self.bands]}


def _sigma(param) -> float:
    return float(param.stderr) if param.stderr is not None and np.isfinite(param.stderr) else float("nan")


class BandModel:
    """One band per nominal centre (x units) in a window, plus the residual quadratic background: an
    lmfit model built once and fitted to any number of spectra (a series: :func:`track_band`).

    Each :meth:`fit` removes that spectrum's own baseline and starts from its own values (centre at
    the nominal one, FWHM ``width_guess``, height the spectrum's at the centre); the model and its
    parameter set are built once.  The bands are lmfit's ``lorentzian`` or ``voigt`` line shapes with
    only area, centre and σ as parameters: the FWHM and height (with the FWHM's σ) follow from σ and
    the area by :data:`FWHM_PER_SIGMA` and :data:`HEIGHT_SIGMA_PER_AREA` after the fit, instead of
    as lmfit expression parameters that would be re-evaluated at every step of it."""

    def __init__(self, centers: list[float], *, window: tuple[float, float] | None = None,
                 shape: str = "lorentzian", baseline: str = "arpls", lam: float = 1e7, width_guess: float = 20.0,
                 center_tolerance: float = 30.0, names: list[str] | None = None):
        from lmfit import Model
        from lmfit.lineshapes import lorentzian, voigt
        from lmfit.models import PolynomialModel

        if shape not in SHAPES:
            raise InputError("option --shape", f"unknown band shape {shape!r}", expected=f"one of {', '.join(SHAPES)}")
        if not centers:
            raise InputError("option --band", "no band centre given", expected="at least one centre, e.g. 880")
        self.centers = list(centers)
        self.window = window or (min(centers) - 5 * width_guess, max(centers) + 5 * width_guess)
        self.shape, self.baseline, self.lam = shape, baseline, lam
        self.width_guess, self.center_tolerance = width_guess, center_tolerance
        self.names = names or [f"{c:g}" for c in centers]
        line = lorentzian if shape == "lorentzian" else voigt  # voigt's γ defaults to its σ
        model = PolynomialModel(degree=BACKGROUND_DEGREE, prefix="bg_")
        params = model.make_params(**{f"c{k}": 0.0 for k in range(BACKGROUND_DEGREE + 1)})
        for k in range(len(centers)):
            band = Model(line, prefix=f"b{k}_", independent_vars=["x"])
            params = params + band.make_params()
            model = model + band
        self._model, self._params = model, params  # lmfit copies the parameters it is given: a template

    def fit(self, spectrum: Spectrum) -> BandFit:
        """Fit the bands in ``spectrum`` after removing its baseline."""
        window = self.window
        sp = spectrum.window(*window)
        for c in self.centers:
            if not sp.x[0] < c < sp.x[-1]:
                raise InputError("option --band", f"band centre {c:g} outside the window {window[0]:g}–{window[1]:g}",
                                 expected="a centre inside the fit window")
        # baseline of the whole spectrum (the band's wings need room), then a residual quadratic term in the fit
        full = remove_baseline(spectrum.x, spectrum.y, self.baseline, lam=self.lam)
        keep = (spectrum.x >= sp.x[0]) & (spectrum.x <= sp.x[-1])
        base = full[keep]
        y = sp.y - base
        params = self._params
        span = float(sp.x[-1] - sp.x[0])
        for k, c in enumerate(self.centers):
            height = max(float(np.interp(c, sp.x, y)), 1e-12 * max(float(np.abs(y).max()), 1e-300))
            sig = self.width_guess / 2
            params[f"b{k}_center"].set(value=c, min=c - self.center_tolerance, max=c + self.center_tolerance)
            params[f"b{k}_sigma"].set(value=sig, min=span / max(sp.x.size, 1), max=span)
            params[f"b{k}_amplitude"].set(value=height * np.pi * sig, min=0)
        with np.errstate(all="ignore"):
            result = self._model.fit(y, params, x=sp.x)
        bands = []
        to_fwhm, to_height = FWHM_PER_SIGMA[self.shape], HEIGHT_SIGMA_PER_AREA[self.shape]
        for k, name in enumerate(self.names):
            pr = result.params
            sigma, area = float(pr[f"b{k}_sigma"].value), float(pr[f"b{k}_amplitude"].value)
            bands.append(Band(name, float(pr[f"b{k}_center"].value), _sigma(pr[f"b{k}_center"]),
                              to_fwhm * sigma, to_fwhm * _sigma(pr[f"b{k}_sigma"]), area,
                              _sigma(pr[f"b{k}_amplitude"]), to_height * area / sigma))
        ss_res = float(np.sum((y - result.best_fit) ** 2))
        ss_tot = float(np.sum((y - y.mean()) ** 2)) or 1.0
        residual_background = result.eval_components(x=sp.x)["bg_"]
        return BandFit(tuple(bands), self.shape, self.baseline, (float(window[0]), float(window[1])),
                       1 - ss_res / ss_tot, sp.x, sp.y, base + residual_background, result.best_fit + base, sp.x_label,
                       spectrum.source)


def fit_bands(spectrum: Spectrum, centers: list[float], *, window: tuple[float, float] | None = None,
              shape: str = "lorentzian", baseline: str = "arpls", lam: float = 1e7, width_guess: float = 20.0,
              center_tolerance: float = 30.0, names: list[str] | None = None) -> BandFit:
    """Fit one band per centre (x units) in ``window`` after removing the baseline (:class:`BandModel`)."""
    return BandModel(centers, window=window, shape=shape, baseline=baseline, lam=lam, width_guess=width_guess,
                     center_tolerance=center_tolerance, names=names).fit(spectrum)


@dataclass(frozen=True, eq=False)
class BandTrack:
    """One band fitted in every spectrum of a series (arrays per spectrum); ``first_fit`` is the whole
    fit of the first spectrum (baseline and envelope, for its figure)."""

    name: str
    time_s: np.ndarray
    area: np.ndarray
    area_sigma: np.ndarray
    center: np.ndarray
    center_sigma: np.ndarray
    fwhm: np.ndarray
    soc: np.ndarray | None
    potential_V: np.ndarray | None
    branch: tuple[str, ...] | None
    source: str
    x_label: str
    first_fit: BandFit

    def to_dict(self) -> dict:
        return {"band": self.name, "source": self.source, "time_s": self.time_s, "area": self.area,
                "area_sigma": self.area_sigma, "center": self.center, "center_sigma": self.center_sigma,
                "fwhm": self.fwhm, "soc": self.soc, "potential_V": self.potential_V,
                "branch": list(self.branch) if self.branch else None}


def track_band(series: SpectrumSeries, center: float, *, window: tuple[float, float] | None = None,
               shape: str = "lorentzian", baseline: str = "arpls", lam: float = 1e7, width_guess: float = 20.0,
               name: str | None = None, progress=None) -> BandTrack:
    """Fit the band at ``center`` in every spectrum of the series; ``progress(k)`` after each."""
    label = name or f"{center:g}"
    model = BandModel([center], window=window, shape=shape, baseline=baseline, lam=lam, width_guess=width_guess,
                      names=[label])
    fits = []
    for k in range(len(series)):
        fits.append(model.fit(series.spectrum(k)))
        if progress is not None:
            progress(k)

    def arr(key):
        return np.array([getattr(f.bands[0], key) for f in fits], float)

    return BandTrack(label, np.asarray(series.time_s, float), arr("area"), arr("area_sigma"),
                     arr("center"), arr("center_sigma"), arr("fwhm"), series.soc, series.potential_V, series.branch,
                     series.source, series.x_label, fits[0])  # a series has >= 3 spectra


@dataclass(frozen=True)
class Reversibility:
    """Δ, R, RI and hysteresis of one feature (see module docstring), each with 1σ."""

    feature: str
    f0: float
    f0_sigma: float
    f_dis: float
    f_dis_sigma: float
    f_ch: float
    f_ch_sigma: float
    change: float
    change_sigma: float
    recovery: float
    recovery_sigma: float
    index: float
    index_sigma: float
    hysteresis: float | None
    n_average: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _end_value(values: np.ndarray, sigmas: np.ndarray, soc: np.ndarray, at: float) -> tuple[float, float]:
    """F at SOC = ``at`` from a straight line through (SOC, F) of a few spectra next to that end, and its 1σ
    (the larger of the fit-error and the residual-scatter estimate)."""
    if np.ptp(soc) == 0:
        return float(values.mean()), float(np.hypot(values.std(ddof=1) / np.sqrt(values.size), np.mean(sigmas)))
    A = np.vstack([np.ones_like(soc), soc - at]).T
    coef, res, *_ = np.linalg.lstsq(A, values, rcond=None)
    cov_unit = np.linalg.inv(A.T @ A)
    dof = max(values.size - 2, 1)
    scatter = float(np.sum((values - A @ coef) ** 2)) / dof
    fit = float(np.mean(np.nan_to_num(sigmas, nan=0.0) ** 2))
    return float(coef[0]), float(np.sqrt(max(scatter, fit) * cov_unit[0, 0]))


def _hysteresis(values: np.ndarray, soc: np.ndarray, turn: int, f0: float) -> float | None:
    dis, ch = slice(0, turn + 1), slice(turn, None)
    if turn < 2 or values.size - turn < 3:
        return None
    lo = max(soc[dis].min(), soc[ch].min())
    hi = min(soc[dis].max(), soc[ch].max())
    if hi <= lo:
        return None
    grid = np.linspace(lo, hi, 50)
    a = np.interp(grid, soc[dis][::-1], values[dis][::-1])  # SOC falls on discharge
    b = np.interp(grid, soc[ch], values[ch])
    return float(np.mean(np.abs(a - b)) / abs(f0))


def reversibility(values, sigmas, soc, *, feature: str = "band area", n_average: int = 5) -> Reversibility:
    """Δ, R and RI ± σ of a feature over one cycle: F₀, F_dis and F_ch from straight lines of F
    against SOC through ``n_average`` spectra at the start, on each side of the lowest SOC (mean
    of the two branches) and at the end, evaluated at those states of charge."""
    values, sigmas = np.asarray(values, float), np.asarray(sigmas, float)
    if soc is None:
        raise InputError("series", "no state of charge for the spectra",
                         expected="a series linked to its electrochemistry file (--echem)")
    soc = np.asarray(soc, float)
    n = values.size
    if n_average < 3:
        raise InputError("parameter 'n_average'", f"got {n_average}", expected="3 or more spectra per end")
    if n < 3 * n_average:
        raise InputError("series", f"{n} spectra for n_average = {n_average}",
                         expected=f"at least {3 * n_average} spectra over the cycle")
    turn = int(np.argmin(soc))
    if turn < n_average - 1 or n - turn < n_average:
        raise InputError("series", f"the lowest state of charge is at spectrum {turn + 1} of {n}",
                         expected="spectra before and after the end of discharge (one discharge–charge cycle)")
    seg = slice(0, n_average)
    f0, s0 = _end_value(values[seg], sigmas[seg], soc[seg], soc[0])
    dis, ch = slice(turn - n_average + 1, turn + 1), slice(turn, turn + n_average)
    fd1, sd1 = _end_value(values[dis], sigmas[dis], soc[dis], soc[turn])
    fd2, sd2 = _end_value(values[ch], sigmas[ch], soc[ch], soc[turn])
    fd, sd = (fd1 + fd2) / 2, float(np.hypot(sd1, sd2)) / 2
    seg = slice(n - n_average, n)
    fc, sc = _end_value(values[seg], sigmas[seg], soc[seg], soc[-1])
    try:
        ch = state_changes(f0, s0, fd, sd, fc, sc)
    except ValueError as exc:
        raise InputError("series", str(exc), expected="a feature that changes, for a reversibility index") from None
    return Reversibility(feature, f0, s0, fd, sd, fc, sc, ch["change"], ch["change_sigma"], ch["recovery"],
                         ch["recovery_sigma"], ch["index"], ch["index_sigma"],
                         _hysteresis(values, soc, turn, f0), n_average)


def position_shift(track: BandTrack, *, n_average: int = 5) -> dict[str, float]:
    """Band centre at the start, at the lowest SOC and at the end (x units, straight-line fits as in
    :func:`reversibility`) and the shifts on discharge and after the cycle, each with 1σ."""
    c, s, soc = track.center, track.center_sigma, track.soc
    if soc is None:
        raise InputError("series", "no state of charge for the spectra", expected="a series linked to its "
                         "electrochemistry file (--echem)")
    n, turn = c.size, int(np.argmin(soc))
    if n < 3 * n_average or turn < n_average - 1 or n - turn < n_average:
        raise InputError("series", f"{n} spectra, lowest SOC at spectrum {turn + 1}",
                         expected=f"at least {n_average} spectra before and after the end of discharge")
    p0, s0 = _end_value(c[:n_average], s[:n_average], soc[:n_average], soc[0])
    dis, ch = slice(turn - n_average + 1, turn + 1), slice(turn, turn + n_average)
    pd1, sd1 = _end_value(c[dis], s[dis], soc[dis], soc[turn])
    pd2, sd2 = _end_value(c[ch], s[ch], soc[ch], soc[turn])
    pd, sd = (pd1 + pd2) / 2, float(np.hypot(sd1, sd2)) / 2
    pc, sc = _end_value(c[-n_average:], s[-n_average:], soc[-n_average:], soc[-1])
    return {"start": p0, "start_sigma": s0, "end_of_discharge": pd, "end_of_discharge_sigma": sd, "end": pc,
            "end_sigma": sc, "shift_on_discharge": pd - p0, "shift_on_discharge_sigma": float(np.hypot(sd, s0)),
            "shift_after_cycle": pc - p0, "shift_after_cycle_sigma": float(np.hypot(sc, s0))}


def plot_band_fit(fit: BandFit, ax=None):
    """Measured window, baseline and fitted envelope; returns the axes."""
    from ..plotting import literal, new_axes

    ax = new_axes(ax, figsize=(6.4, 4.2))
    ax.plot(fit.x, fit.y, ".", ms=3, label="measured")
    ax.plot(fit.x, fit.baseline, "--", label=f"baseline ({fit.baseline_method})")
    ax.plot(fit.x, fit.best_fit, "-", label=f"fit ({fit.shape})")
    for b in fit.bands:
        ax.axvline(b.center, color="0.6", lw=0.8)
    ax.set(xlabel=literal(fit.x_label), ylabel="intensity (counts)",
           title=literal(", ".join(f"{b.name}: {b.center:.1f} ± {b.center_sigma:.1f}" for b in fit.bands)))
    ax.legend(fontsize=7)
    return ax


def plot_reversibility(track: BandTrack, rev: Reversibility, ax=None):
    """Band area / F₀ against state of charge, discharge and charge branches; returns the axes."""
    from ..plotting import literal, new_axes

    ax = new_axes(ax, figsize=(6.4, 4.2))
    turn = int(np.argmin(track.soc))
    rel, err = track.area / rev.f0, track.area_sigma / rev.f0
    ax.errorbar(track.soc[:turn + 1], rel[:turn + 1], yerr=err[:turn + 1], fmt="o-", ms=4, mfc="none",
                label="discharge")
    ax.errorbar(track.soc[turn:], rel[turn:], yerr=err[turn:], fmt="s--", ms=4, mfc="none", label="charge")
    ax.set(xlabel="state of charge (–, 1 = start of discharge)", ylabel=literal(f"{track.name} area / initial area (–)"),
           title=f"RI = {rev.index:.2f} ± {rev.index_sigma:.2f}, Δ = {100 * rev.change:+.1f} %")
    ax.legend(fontsize=7)
    return ax
