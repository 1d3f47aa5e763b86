"""EELS core loss at the V L2,3 edge: power-law background, L3 onset and peak, L3/L2, valence.

**Background.**  The pre-edge of a core-loss edge falls as a power law,
I_b(E) = A·E⁻ʳ (Egerton, *Electron Energy-Loss Spectroscopy in the Electron Microscope*,
3rd ed., Springer 2011, §4.4.2), fitted by least squares on ln I = ln A − r·ln E in a window
before the edge (default 480–508 eV; the V L3 onset lies near 513 eV), then extrapolated
under the edge and subtracted.

**White lines.**  In the fit window (default 508–527.5 eV, which ends before the O K edge at
≈ 530 eV) the background-subtracted signal is fitted (lmfit) as

    S(E) = a₃·pV(E; E₃, w₃, η) + a₂·pV(E; E₂, w₂, η)
           + h·[⅔·step(E − E₃) + ⅓·step(E − E₂)],   step(u) = ½ + arctan(u/s)/π,

pV an area-normalised pseudo-Voigt of FWHM w (eV) and Lorentzian share η; the continuum
steps sit at the white-line maxima with the statistical 2:1 heights (the method of Pearson
et al., Phys. Rev. B 47 (1993) 8471), step half-width s = 0.5 eV by default.  Reported:
the L3 and L2 peak energies E₃, E₂ (eV) with 1σ, the white-line areas a₃, a₂ above the
continuum (counts·eV) and their ratio L3/L2 = a₃/a₂ with first-order σ (covariance of the
fit); the L3 onset, the energy where the fitted model first reaches 10 % of its maximum.

**Valence.**  The mean V valence from the L3 peak energy by a straight line through
references of known valence (:func:`~.calibration.valence_from_position`): V₂O₃ (3),
VO₂ (4), V₂O₅ (5) measured on the *same energy scale* (same spectrometer, dispersion
and zero-loss calibration).  interstore ships no absolute calibration: EELS energy
scales differ between instruments by more than the ≈ 1 eV per valence unit that the V L3
edge moves (Tan et al., Ultramicroscopy 116 (2012) 24 compare the chemical-shift and
white-line-ratio methods for V, Mn and Fe oxides and stress the absolute energy scale).
The L3/L2 ratio is reported but not turned into a valence: for the early 3d metals it is
not monotonic in the d occupancy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .calibration import ValenceCalibration, valence_from_position
from .record import Spectrum
from .xps import pseudo_voigt

BACKGROUND_WINDOW_EV = (480.0, 508.0)
FIT_WINDOW_EV = (508.0, 527.5)
SPIN_ORBIT_GUESS_EV = 7.0    # V 2p spin–orbit splitting, starting value for E₂ − E₃
ONSET_FRACTION = 0.10


@dataclass(frozen=True)
class PowerLaw:
    """I_b(E) = A·E⁻ʳ fitted in ``window`` (eV); r ± σ from the log–log regression."""

    A: float
    r: float
    r_sigma: float
    window: tuple[float, float]

    def __call__(self, energy: np.ndarray) -> np.ndarray:
        return self.A * np.asarray(energy, float) ** (-self.r)


def power_law_background(spectrum: Spectrum, window: tuple[float, float] = BACKGROUND_WINDOW_EV) -> PowerLaw:
    """Least-squares power law through the pre-edge ``window`` (eV) on ln I against ln E."""
    lo, hi = sorted(window)
    keep = (spectrum.x >= lo) & (spectrum.x <= hi)
    if keep.sum() < 5:
        raise InputError(spectrum.source, f"fewer than 5 points in the pre-edge window {lo:g}–{hi:g} eV",
                         expected=f"a spectrum covering the window ({spectrum.x[0]:g}–{spectrum.x[-1]:g} eV here)")
    e, i = spectrum.x[keep], spectrum.y[keep]
    if (i <= 0).any() or (e <= 0).any():
        raise InputError(spectrum.source, f"zero or negative counts in the pre-edge window {lo:g}–{hi:g} eV",
                         expected="positive counts before the edge (a power-law background needs them)")
    A_ = np.vstack([np.ones_like(e), np.log(e)]).T
    coef, *_ = np.linalg.lstsq(A_, np.log(i), rcond=None)
    resid = np.log(i) - A_ @ coef
    cov = float(resid @ resid) / max(e.size - 2, 1) * np.linalg.inv(A_.T @ A_)
    return PowerLaw(float(np.exp(coef[0])), float(-coef[1]), float(np.sqrt(cov[1, 1])), (float(lo), float(hi)))


def edge_model(energy: np.ndarray, e3: float, e2: float, w3: float, w2: float, a3: float, a2: float, h: float,
               eta: float, step_eV: float = 0.5) -> np.ndarray:
    """Two pseudo-Voigt white lines on a 2:1 double arctan continuum (counts)."""
    def step(u):
        return 0.5 + np.arctan(u / step_eV) / np.pi

    return (a3 * pseudo_voigt(energy, e3, w3, eta) + a2 * pseudo_voigt(energy, e2, w2, eta)
            + h * (2 / 3 * step(energy - e3) + 1 / 3 * step(energy - e2)))


@dataclass(frozen=True, eq=False)
class VanadiumL23:
    """The V L2,3 analysis of one spectrum (energies eV, areas counts·eV, 1σ each)."""

    name: str
    source: str
    background: PowerLaw
    fit_window: tuple[float, float]
    l3_onset_eV: float
    l3_peak_eV: float
    l3_peak_sigma_eV: float
    l2_peak_eV: float
    l2_peak_sigma_eV: float
    l3_area: float
    l2_area: float
    l3_l2_ratio: float
    l3_l2_ratio_sigma: float
    continuum_height: float
    r_squared: float
    energy: np.ndarray
    counts: np.ndarray
    fitted_background: np.ndarray
    best_fit: np.ndarray
    valence: ValenceCalibration | None = None

    def to_dict(self) -> dict:
        b = self.background
        return {"name": self.name, "source": self.source,
                "background": {"model": "A·E^-r", "A": b.A, "r": b.r, "r_sigma": b.r_sigma,
                               "window_eV": list(b.window)},
                "fit_window_eV": list(self.fit_window), "l3_onset_eV": self.l3_onset_eV,
                "onset_definition": f"fitted edge first at {ONSET_FRACTION:.0%} of its maximum",
                "l3_peak_eV": self.l3_peak_eV, "l3_peak_sigma_eV": self.l3_peak_sigma_eV,
                "l2_peak_eV": self.l2_peak_eV, "l2_peak_sigma_eV": self.l2_peak_sigma_eV,
                "spin_orbit_splitting_eV": self.l2_peak_eV - self.l3_peak_eV,
                "l3_area_counts_eV": self.l3_area, "l2_area_counts_eV": self.l2_area,
                "l3_l2_ratio": self.l3_l2_ratio, "l3_l2_ratio_sigma": self.l3_l2_ratio_sigma,
                "continuum_height_counts": self.continuum_height, "r_squared": self.r_squared,
                "valence": None if self.valence is None else self.valence.to_dict()}

    def with_valence(self, references: dict[str, tuple[float, float]], *, position_sigma_eV: float | None = None
                     ) -> "VanadiumL23":
        """A copy with the mean valence from the L3 peak through ``references`` (name → (valence, L3 eV));
        σ of each position: ``position_sigma_eV``, by default the larger of this fit's σ and 0.1 eV."""
        from dataclasses import replace

        sig = max(self.l3_peak_sigma_eV, 0.1) if position_sigma_eV is None else position_sigma_eV
        cal = valence_from_position(self.l3_peak_eV, references, position_sigma_eV=sig,
                                    edge_definition="V L3 peak", source="option --ref")
        return replace(self, valence=cal)


def _sigma(param) -> float:
    return float(param.stderr) if param.stderr is not None and np.isfinite(param.stderr) else float("nan")


def analyse_v_l23(spectrum: Spectrum, *, background_window: tuple[float, float] = BACKGROUND_WINDOW_EV,
                  fit_window: tuple[float, float] = FIT_WINDOW_EV, step_eV: float = 0.5,
                  spin_orbit_eV: float = SPIN_ORBIT_GUESS_EV) -> VanadiumL23:
    """Power-law background, then the white-line fit of the V L2,3 edge (see the module docstring).
    With its windows and ``spin_orbit_eV`` (starting E₂ − E₃) moved, the same analysis fits any
    3d L2,3 edge, e.g. Mn (≈ 640 eV, E₂ − E₃ ≈ 11 eV)."""
    from lmfit import Model

    bg = power_law_background(spectrum, background_window)
    lo, hi = sorted(fit_window)
    if hi <= bg.window[1]:
        raise InputError("option --window", f"fit window {lo:g}–{hi:g} eV ends inside the pre-edge window",
                         expected="a fit window above the background window")
    sp = spectrum.window(lo, hi)
    signal = sp.y - bg(sp.x)
    peak = float(signal.max())
    if peak <= 0:
        raise InputError(spectrum.source, f"no edge above the power-law background in {lo:g}–{hi:g} eV",
                         expected="a V L2,3 edge in the fit window")
    e3 = float(sp.x[np.argmax(signal)])
    e3 = e3 if e3 < hi - spin_orbit_eV + 1 else lo + 0.3 * (hi - lo)
    model = Model(lambda x, e3, e2, w3, w2, a3, a2, h, eta: edge_model(x, e3, e2, w3, w2, a3, a2, h, eta, step_eV))
    tail = float(np.median(signal[-max(3, signal.size // 20):]))
    p = model.make_params(e3=e3, e2=e3 + spin_orbit_eV, w3=1.5, w2=2.0, a3=peak * 1.5, a2=peak * 1.0,
                          h=max(tail, 0.0), eta=0.3)
    p["e3"].set(min=lo + 1, max=hi - 4)
    p["e2"].set(min=lo + 4, max=hi - 0.5)
    p["w3"].set(min=0.2, max=6)
    p["w2"].set(min=0.2, max=8)
    p["a3"].set(min=0)
    p["a2"].set(min=0)
    p["h"].set(min=0)
    p["eta"].set(min=0, max=1)
    with np.errstate(all="ignore"):
        res = model.fit(signal, p, x=sp.x)
    pr = res.params
    if not pr["e2"].value > pr["e3"].value:
        raise InputError(spectrum.source, "the fit put L2 below L3", expected="a V L2,3 edge inside the fit window")
    a3, a2 = float(pr["a3"].value), float(pr["a2"].value)
    cov = res.covar
    names = list(res.var_names)
    if cov is not None and a2 > 0:
        i3, i2 = names.index("a3"), names.index("a2")
        g = np.array([1 / a2, -a3 / a2 ** 2])
        sub = cov[np.ix_([i3, i2], [i3, i2])]
        ratio_sigma = float(np.sqrt(g @ sub @ g))
    else:
        ratio_sigma = float("nan")
    fine = np.linspace(lo, hi, 4001)
    curve = res.eval(x=fine)
    onset = float(fine[np.argmax(curve >= ONSET_FRACTION * curve.max())])
    ss_res = float(np.sum((signal - res.best_fit) ** 2))
    ss_tot = float(np.sum((signal - signal.mean()) ** 2)) or 1.0
    return VanadiumL23(spectrum.name, spectrum.source, bg, (float(lo), float(hi)), onset,
                       float(pr["e3"].value), _sigma(pr["e3"]), float(pr["e2"].value), _sigma(pr["e2"]),
                       a3, a2, a3 / a2 if a2 > 0 else float("inf"), ratio_sigma, float(pr["h"].value),
                       1 - ss_res / ss_tot, spectrum.x, spectrum.y, bg(spectrum.x), res.best_fit + bg(sp.x))


def plot_eels(result: VanadiumL23, ax=None):
    """Counts, power-law background and the white-line fit with the L3 onset and peaks marked."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(6.4, 4.2))[1]
    lo = result.background.window[0] - 5
    hi = result.fit_window[1] + 10
    keep = (result.energy >= lo) & (result.energy <= hi)
    e = result.energy[keep]
    ax.plot(e, result.counts[keep], "k-", lw=1, label=result.name or "spectrum")
    ax.plot(e, result.fitted_background[keep], "--", color="C0",
            label=f"power law A·E⁻ʳ, r = {result.background.r:.2f}")
    fit_e = e[(e >= result.fit_window[0]) & (e <= result.fit_window[1])]
    ax.plot(fit_e, result.best_fit[:fit_e.size], "-", color="C3", lw=1.5,
            label=f"L3/L2 fit, ratio {result.l3_l2_ratio:.2f} ± {result.l3_l2_ratio_sigma:.2f}")
    ax.axvspan(*result.background.window, color="C0", alpha=0.08)
    for x, text in ((result.l3_onset_eV, "L3 onset"), (result.l3_peak_eV, "L3"), (result.l2_peak_eV, "L2")):
        ax.axvline(x, color="0.5", lw=0.8, ls=":")
        ax.annotate(f"{text} {x:.2f} eV", (x, 0.98), xycoords=("data", "axes fraction"), rotation=90,
                    va="top", ha="right", fontsize=7)
    title = "L2,3 white lines"
    if result.valence is not None:
        title += f": mean V valence {result.valence.valence:.2f} ± {result.valence.valence_sigma:.2f}"
    ax.set(xlabel="energy loss (eV)", ylabel="intensity (counts)", title=title)
    ax.legend(fontsize=7)
    return ax
