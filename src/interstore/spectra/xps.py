"""XPS: Shirley background and chemical-state components at constrained spacings and widths.

Shirley background (D. A. Shirley, Phys. Rev. B 5 (1972) 4709; iterative form of
Proctor & Sherwood, Anal. Chem. 54 (1982) 13): on an ascending binding-energy axis,

    B(E) = I_lo + (I_hi − I_lo) · ∫_{E_lo}^{E} [y − B] dE′ / ∫_{E_lo}^{E_hi} [y − B] dE′

iterated to convergence; I_lo, I_hi are the means of ``end_points`` points at each end.

Tougaard background (optional): the universal cross-section K(T) = B·T/(C + T²)², C = 1643 eV²
(S. Tougaard, Surf. Interface Anal. 14 (1989) 730), B scaled to meet the high-BE end.

Components: area-normalised pseudo-Voigt lines (Lorentzian share η, CasaXPS "GL(30)" for
η = 0.3) at the reference energies of :data:`V2P32` or :data:`O1S`, all moved by one
common shift (charge referencing, bounded by ``max_shift_eV``) so that their *spacings* stay
those of the references, with one shared FWHM; only the areas are free per component.
Fractions f_i = A_i/ΣA and the mean valence v̄ = Σ f_i v_i carry 1σ from the fit
covariance (first-order propagation through f_i).

Reference energies (eV, binding energy):

* V 2p3/2 — V⁵⁺ 517.0, V⁴⁺ 515.8, V³⁺ 515.3: G. Silversmit, D. Depla, H. Poelman,
  G. B. Marin, R. De Gryse, J. Electron Spectrosc. Relat. Phenom. 135 (2004) 167, O 1s of
  the oxide set to 530.0 eV.  Spacings V⁵⁺−V⁴⁺ = 1.2 eV and V⁵⁺−V³⁺ = 1.7 eV are what
  the fit keeps; the absolute energies float together.
* O 1s — lattice O²⁻ 530.0, OH⁻ 531.4, C–O / V–O–C 532.2, adsorbed H₂O 533.3: typical
  ranges of the vanadium-oxide literature (e.g. Silversmit et al. 2004; M. C. Biesinger
  et al., Appl. Surf. Sci. 257 (2010) 887), midpoints chosen by interstore — ours to
  change with ``components=``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .record import Spectrum


@dataclass(frozen=True)
class Component:
    """A chemical state: name, reference binding energy (eV) and formal valence (None for O 1s)."""

    name: str
    reference_eV: float
    valence: float | None = None


V2P32 = (Component("V5+", 517.0, 5.0), Component("V4+", 515.8, 4.0), Component("V3+", 515.3, 3.0))
O1S = (Component("lattice O", 530.0), Component("OH", 531.4), Component("C–O / V–O–C", 532.2),
       Component("H2O", 533.3))
REGIONS = {"V2p3/2": (V2P32, (512.5, 519.5)), "O1s": (O1S, (527.5, 535.5))}


def pseudo_voigt(x: np.ndarray, center: float, fwhm: float, eta: float) -> np.ndarray:
    """Area-normalised pseudo-Voigt: η·Lorentzian + (1 − η)·Gaussian of the same FWHM (eV⁻¹)."""
    g = fwhm / 2
    lor = g / np.pi / ((x - center) ** 2 + g ** 2)
    s = fwhm / (2 * np.sqrt(2 * np.log(2)))
    gau = np.exp(-0.5 * ((x - center) / s) ** 2) / (s * np.sqrt(2 * np.pi))
    return eta * lor + (1 - eta) * gau


def shirley_background(x: np.ndarray, y: np.ndarray, *, end_points: int = 5, tol: float = 1e-6,
                       max_iter: int = 100) -> np.ndarray:
    """Iterative Shirley background on an ascending binding-energy axis (see module docstring)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 2 * end_points + 3:
        raise InputError("XPS region", f"only {x.size} points", expected=f"at least {2 * end_points + 3} points")
    lo, hi = float(y[:end_points].mean()), float(y[-end_points:].mean())
    b = np.full_like(y, lo)
    for _ in range(max_iter):
        signal = y - b
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (signal[1:] + signal[:-1]) * np.diff(x))])
        total = cum[-1]
        if total <= 0:
            return np.full_like(y, lo) + (hi - lo) * (x - x[0]) / (x[-1] - x[0])
        new = lo + (hi - lo) * cum / total
        if np.max(np.abs(new - b)) < tol * max(abs(hi), abs(lo), 1.0):
            return new
        b = new
    return b


TOUGAARD_C_EV2 = 1643.0  # universal cross-section (Tougaard, Surf. Interface Anal. 14 (1989) 730)


def tougaard_background(x: np.ndarray, y: np.ndarray, *, end_points: int = 5, c_eV2: float = TOUGAARD_C_EV2) -> np.ndarray:
    """Tougaard background with the universal cross-section K(T) = B·T/(C + T²)² on an ascending
    binding-energy axis: electrons from E′ that lose T appear at E = E′ + T, so

        bg(E) = I_lo + B·∫_{E_lo}^{E} K(E − E′)/B · [y(E′) − I_lo] dE′

    with B scaled so that bg meets the mean of the ``end_points`` highest-BE points."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 2 * end_points + 3:
        raise InputError("XPS region", f"only {x.size} points", expected=f"at least {2 * end_points + 3} points")
    lo, hi = float(y[:end_points].mean()), float(y[-end_points:].mean())
    j = y - lo
    t = x[:, None] - x[None, :]
    kernel = np.where(t > 0, t / (c_eV2 + t ** 2) ** 2, 0.0)
    dx = np.gradient(x)
    loss = kernel @ (j * dx)
    scale = (hi - lo) / loss[-end_points:].mean() if loss[-end_points:].mean() > 0 else 0.0
    return lo + scale * loss


BACKGROUNDS = {"shirley": shirley_background, "tougaard": tougaard_background}


@dataclass(frozen=True)
class ComponentResult:
    name: str
    center_eV: float
    area: float
    area_sigma: float
    fraction: float
    fraction_sigma: float
    valence: float | None


@dataclass(frozen=True, eq=False)
class XpsFit:
    """Components of one region: fractions (of the fitted area) and, for valence states, the
    mean valence, each with 1σ; arrays for the figure."""

    region: str
    background_method: str
    components: tuple[ComponentResult, ...]
    shift_eV: float
    shift_sigma_eV: float
    fwhm_eV: float
    fwhm_sigma_eV: float
    eta: float
    mean_valence: float | None
    mean_valence_sigma: float | None
    r_squared: float
    x: np.ndarray
    y: np.ndarray
    background: np.ndarray
    envelope: np.ndarray
    source: str

    def fraction(self, name: str) -> float:
        return next(c.fraction for c in self.components if c.name == name)

    def to_dict(self) -> dict:
        return {"source": self.source, "region": self.region, "background": self.background_method,
                "lineshape": f"pseudo-Voigt, Lorentzian share {self.eta:g}",
                "shift_eV": self.shift_eV, "shift_sigma_eV": self.shift_sigma_eV, "fwhm_eV": self.fwhm_eV,
                "fwhm_sigma_eV": self.fwhm_sigma_eV, "mean_valence": self.mean_valence,
                "mean_valence_sigma": self.mean_valence_sigma, "r_squared": self.r_squared,
                "components": [c.__dict__ for c in self.components]}


def _covariance(x, signal, comps, shift, fwhm, areas, eta) -> np.ndarray:
    """s²·(JᵀJ)⁺ of (shift, FWHM, areas…) at the solution (also when an area sits on its bound,
    where lmfit reports no covariance); J by central differences for shift and FWHM."""
    def model(sh, fw):
        return sum(a * pseudo_voigt(x, c.reference_eV + sh, fw, eta) for a, c in zip(areas, comps))

    h = 1e-4
    cols = [(model(shift + h, fwhm) - model(shift - h, fwhm)) / (2 * h),
            (model(shift, fwhm + h) - model(shift, fwhm - h)) / (2 * h)]
    cols += [pseudo_voigt(x, c.reference_eV + shift, fwhm, eta) for c in comps]
    jac = np.column_stack(cols)
    resid = signal - model(shift, fwhm)
    s2 = float(resid @ resid) / max(x.size - jac.shape[1], 1)
    return s2 * np.linalg.pinv(jac.T @ jac)


def fit_region(spectrum: Spectrum, region: str = "V2p3/2", *, components: tuple[Component, ...] | None = None,
               window: tuple[float, float] | None = None, fwhm_eV: float = 1.3, eta: float = 0.3,
               max_shift_eV: float = 1.0, background: str = "shirley", charge_shift_eV: float = 0.0,
               min_r_squared: float = 0.9) -> XpsFit:
    """Shirley (or Tougaard) background + components at fixed spacings, one shared FWHM and a common shift.

    ``charge_shift_eV`` is added to the binding energies first (charge referencing, e.g. +2.3 eV when
    adventitious C 1s sits at 282.5 instead of 284.8 eV); the fitted common shift then only absorbs
    what is left (± ``max_shift_eV``).  A fit whose R² is below ``min_r_squared``, or whose common
    shift runs to its bound, is refused: its fractions would mean nothing."""
    from lmfit import Minimizer, Parameters

    if region not in REGIONS and components is None:
        raise InputError("option --region", f"unknown region {region!r}", expected=f"one of {', '.join(REGIONS)}")
    comps = components or REGIONS[region][0]
    window = window or REGIONS[region][1]
    if charge_shift_eV:
        spectrum = Spectrum(spectrum.x + charge_shift_eV, spectrum.y, spectrum.technique, spectrum.source,
                            spectrum.name, dict(spectrum.meta))
    sp = spectrum.window(*window)
    x, y = sp.x, sp.y
    if background not in BACKGROUNDS:
        raise InputError("option --background", f"unknown background {background!r}",
                         expected=f"one of {', '.join(BACKGROUNDS)}")
    bg = BACKGROUNDS[background](x, y)
    signal = y - bg
    params = Parameters()
    params.add("shift", value=0.0, min=-max_shift_eV, max=max_shift_eV)
    params.add("fwhm", value=fwhm_eV, min=0.3, max=4.0)
    total = max(float(np.trapezoid(signal, x)), float(np.ptp(y)) * fwhm_eV)
    for k, c in enumerate(comps):
        params.add(f"a{k}", value=total / len(comps), min=0)

    def model(p) -> np.ndarray:
        return sum(p[f"a{k}"].value * pseudo_voigt(x, c.reference_eV + p["shift"].value, p["fwhm"].value, eta)
                   for k, c in enumerate(comps))

    # trust-region reflective (scipy least_squares) keeps the bounds as bounds: a state that is absent
    # (area at 0) ends the fit in tens of evaluations, where MINPACK's bound transform crawled thousands
    with np.errstate(all="ignore"):
        result = Minimizer(lambda p: model(p) - signal, params).minimize(method="least_squares")
    p = result.params
    areas = np.array([p[f"a{k}"].value for k in range(len(comps))])
    cov_all = _covariance(x, signal, comps, p["shift"].value, p["fwhm"].value, areas, eta)
    cov = cov_all[2:, 2:]
    s = areas.sum()
    if s <= 0:
        raise InputError(spectrum.source, f"no {region} signal above the Shirley background",
                         expected=f"a {region} region between {window[0]:g} and {window[1]:g} eV")
    jac = (np.eye(len(comps)) * s - areas[:, None]) / s ** 2  # ∂f_i/∂a_j
    cov_f = jac @ cov @ jac.T
    fractions = areas / s
    frac_sigma = np.sqrt(np.clip(np.diag(cov_f), 0, None))
    valences = [c.valence for c in comps]
    mean_v = mean_v_sigma = None
    if all(v is not None for v in valences):
        v = np.array(valences, float)
        mean_v = float(fractions @ v)
        mean_v_sigma = float(np.sqrt(max(v @ cov_f @ v, 0.0)))

    results = tuple(ComponentResult(c.name, c.reference_eV + p["shift"].value, float(areas[k]),
                                    float(np.sqrt(max(cov[k, k], 0.0))), float(fractions[k]), float(frac_sigma[k]),
                                    c.valence) for k, c in enumerate(comps))
    fit = model(p)
    r2 = 1 - float(np.sum((signal - fit) ** 2)) / (float(np.sum((signal - signal.mean()) ** 2)) or 1.0)
    at_bound = abs(p["shift"].value) >= 0.98 * max_shift_eV
    if not r2 >= min_r_squared or at_bound:
        top = float(x[np.argmax(y)])
        why = f"the common shift ran to its bound ±{max_shift_eV:g} eV" if at_bound else f"R² = {r2:.2f}"
        raise InputError(spectrum.source, f"{region} components do not line up with the spectrum ({why}; "
                         f"maximum at {top:.1f} eV in {window[0]:g}–{window[1]:g} eV)",
                         expected="a charge-referenced region: give the charge shift (--charge-shift, e.g. the "
                                  "difference of adventitious C 1s from 284.8 eV) or another window")
    return XpsFit(region, background, results, float(p["shift"].value), float(np.sqrt(max(cov_all[0, 0], 0))),
                  float(p["fwhm"].value), float(np.sqrt(max(cov_all[1, 1], 0))), eta,
                  mean_v, mean_v_sigma, r2, x, y, bg, fit + bg, spectrum.source)


def plot_xps_fit(fit: XpsFit, ax=None):
    """Measured points, Shirley background, components and envelope on a reversed BE axis."""
    from ..plotting import literal, new_axes

    ax = new_axes(ax, figsize=(6.4, 4.2))
    ax.plot(fit.x, fit.y, ".", ms=3, color="k", label="measured")
    ax.plot(fit.x, fit.background, "--", color="0.5", label=f"{fit.background_method} background")
    for c in fit.components:
        ax.fill_between(fit.x, fit.background, fit.background + c.area * pseudo_voigt(fit.x, c.center_eV, fit.fwhm_eV,
                                                                                     fit.eta),
                        alpha=0.35, label=literal(f"{c.name} {100 * c.fraction:.0f} ± {100 * c.fraction_sigma:.0f} %"))
    ax.plot(fit.x, fit.envelope, "-", color="C3", label="envelope")
    title = fit.region
    if fit.mean_valence is not None:
        title += f": mean V valence {fit.mean_valence:.2f} ± {fit.mean_valence_sigma:.2f}"
    ax.set(xlabel="binding energy (eV)", ylabel="intensity (counts s⁻¹)", title=literal(title))
    ax.invert_xaxis()
    ax.legend(fontsize=7)
    return ax
