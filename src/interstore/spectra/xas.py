"""XAS (XANES): normalisation, edge position, pre-edge peak, linear combination, valence.

Everything numerical that XAS users expect from Athena/Larch is done by xraylarch:

* normalisation — ``larch.xafs.pre_edge``: E0 at the maximum of dμ/dE, pre-edge line and
  post-edge polynomial, edge step; ``norm`` is μ(E) normalised to a unit step;
* linear-combination fit — ``larch.math.lincombo_fit`` of the sample's normalised μ(E)
  against reference spectra between ``xmin`` and ``xmax`` (weights summing to one, each
  within [0, 1]), with the weights' standard errors from the fit.

interstore adds:

* the pre-edge peak (1s → 3d, intense for non-centrosymmetric V⁵⁺): a straight line through
  the normalised μ at the two ends of the window is subtracted, then
  centroid = ∫E·I dE / ∫I dE (eV) and intensity = ∫I dE (eV, normalised units);
* the edge position at half height (normalised μ = 0.5), beside larch's E0;
* the mean valence from the edge position with a *stated* calibration: a straight line
  E_edge = a + b·v fitted through reference spectra of known valence (e.g. V₂O₃ 3, VO₂ 4, V₂O₅ 5),
  inverted for the sample, with σ from the line's covariance.  No built-in slope: the
  calibration is the references the user gives (the edge position of V oxides moves by a few
  eV per unit of valence; J. Wong et al., Phys. Rev. B 30 (1984) 5596).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .calibration import ValenceCalibration, valence_from_position
from .record import Spectrum


EDGE_DEFINITIONS = ("half-height", "e0")


@dataclass(frozen=True, eq=False)
class XasNorm:
    """A normalised spectrum: E0 (eV), edge step, energy (eV) and normalised μ (–)."""

    name: str
    e0_eV: float
    edge_step: float
    energy: np.ndarray
    norm: np.ndarray
    source: str

    @property
    def half_height_eV(self) -> float:
        """Energy where the normalised μ first reaches 0.5 on the rising edge (linear interpolation),
        searched upwards from 30 eV below E0; less sensitive than E0 to pre-edge and shoulder features."""
        start = int(np.searchsorted(self.energy, self.e0_eV - 30.0))
        above = np.flatnonzero(self.norm[start:] >= 0.5)
        if above.size == 0 or start + above[0] == 0:
            return float("nan")
        k = start + int(above[0])
        e1, e2, m1, m2 = self.energy[k - 1], self.energy[k], self.norm[k - 1], self.norm[k]
        return float(e1 + (0.5 - m1) * (e2 - e1) / (m2 - m1))

    def edge_eV(self, definition: str = "half-height") -> float:
        """Edge position: ``half-height`` (normalised μ = 0.5) or ``e0`` (max of dμ/dE)."""
        if definition not in EDGE_DEFINITIONS:
            raise InputError("option --edge", f"unknown edge definition {definition!r}",
                             expected=f"one of {', '.join(EDGE_DEFINITIONS)}")
        return self.half_height_eV if definition == "half-height" else self.e0_eV

    def to_dict(self) -> dict:
        return {"name": self.name, "source": self.source, "e0_eV": self.e0_eV, "half_height_eV": self.half_height_eV,
                "edge_step": self.edge_step}


def normalise(spectrum: Spectrum, *, e0_eV: float | None = None, pre1: float | None = None, pre2: float | None = None,
              norm1: float | None = None, norm2: float | None = None) -> XasNorm:
    """larch ``pre_edge`` on one spectrum (ranges relative to E0 in eV; larch defaults when None)."""
    from larch import Group
    from larch.xafs import pre_edge

    g = Group(energy=np.asarray(spectrum.x, float), mu=np.asarray(spectrum.y, float))
    kwargs = {k: v for k, v in dict(e0=e0_eV, pre1=pre1, pre2=pre2, norm1=norm1, norm2=norm2).items() if v is not None}
    try:
        with np.errstate(all="ignore"):
            pre_edge(g, **kwargs)
    except Exception as exc:  # noqa: BLE001 - larch raises many kinds on unusable data
        raise InputError(spectrum.source, f"XAS normalisation failed ({type(exc).__name__}: {str(exc)[:60]})",
                         expected="μ(E) across an absorption edge") from None
    if not np.isfinite(g.edge_step) or g.edge_step <= 0:
        raise InputError(spectrum.source, f"edge step {g.edge_step!r}", expected="an absorption edge (μ rising with E)")
    return XasNorm(spectrum.name or spectrum.source, float(g.e0), float(g.edge_step), g.energy, g.norm,
                   spectrum.source)


@dataclass(frozen=True)
class PreEdge:
    centroid_eV: float
    intensity: float
    window_eV: tuple[float, float]


def pre_edge_peak(norm: XasNorm, *, window_eV: tuple[float, float] = (-18.0, -8.0)) -> PreEdge:
    """Centroid (eV) and integrated intensity (eV × normalised μ) of the pre-edge peak in
    E0 + window, after subtracting the straight line through the window's end points."""
    lo, hi = norm.e0_eV + window_eV[0], norm.e0_eV + window_eV[1]
    keep = (norm.energy >= lo) & (norm.energy <= hi)
    if keep.sum() < 5:
        raise InputError(norm.source, f"fewer than 5 points in the pre-edge window {lo:.1f}–{hi:.1f} eV",
                         expected="spectra sampled across the pre-edge")
    e, mu = norm.energy[keep], norm.norm[keep]
    peak = mu - (mu[0] + (mu[-1] - mu[0]) * (e - e[0]) / (e[-1] - e[0]))
    peak = np.clip(peak, 0, None)
    area = float(np.trapezoid(peak, e))
    centroid = float(np.trapezoid(e * peak, e) / area) if area > 0 else float("nan")
    return PreEdge(centroid, area, (float(lo), float(hi)))


@dataclass(frozen=True, eq=False)
class LinearCombination:
    weights: dict[str, float]
    weight_sigmas: dict[str, float]
    r_factor: float
    energy_range_eV: tuple[float, float]
    energy: np.ndarray
    data: np.ndarray
    fit: np.ndarray

    def to_dict(self) -> dict:
        return {"weights": self.weights, "weight_sigmas": self.weight_sigmas, "r_factor": self.r_factor,
                "energy_range_eV": list(self.energy_range_eV)}


def linear_combination(sample: XasNorm, references: list[XasNorm], *, xmin_eV: float = -20.0,
                       xmax_eV: float = 60.0) -> LinearCombination:
    """larch ``lincombo_fit`` of the sample's normalised μ against the references between
    E0 + xmin and E0 + xmax (weights sum to one, each in [0, 1])."""
    from larch import Group
    from larch.math import lincombo_fit

    if len(references) < 2:
        raise InputError("option --ref", f"{len(references)} reference spectrum", expected="two or more references")
    names = [r.name for r in references]
    if len(set(names)) != len(names):
        raise InputError("option --ref", "two references share a name", expected="distinct reference names")
    group = Group(energy=sample.energy, norm=sample.norm, filename=sample.name)
    comps = [Group(energy=r.energy, norm=np.interp(sample.energy, r.energy, r.norm), filename=r.name)
             for r in references]
    for c in comps:
        c.energy = sample.energy
    lo, hi = sample.e0_eV + xmin_eV, sample.e0_eV + xmax_eV
    with np.errstate(all="ignore"):
        out = lincombo_fit(group, comps, minvals=[0.0] * len(comps), maxvals=[1.0] * len(comps), xmin=lo, xmax=hi)
    weights = {k: float(v) for k, v in out.weights.items()}
    sig = {k: float(out.params[k].stderr) if out.params[k].stderr is not None else float("nan") for k in weights}
    return LinearCombination(weights, sig, float(out.rfactor), (lo, hi), out.xdata, out.ydata, out.yfit)


def valence_from_edge(sample: XasNorm, references: dict[str, tuple[XasNorm, float]], *,
                      e0_sigma_eV: float = 0.2, edge: str = "half-height") -> ValenceCalibration:
    """Mean valence from the edge position (``edge``: half-height or e0) by the line through
    (valence, edge) of the references (:func:`~.calibration.valence_from_position`); σ combines
    the line's covariance (at least ``e0_sigma_eV`` per reference) and the sample's own edge
    uncertainty ``e0_sigma_eV``."""
    points = {k: (float(val), float(n.edge_eV(edge))) for k, (n, val) in references.items()}
    return valence_from_position(sample.edge_eV(edge), points, position_sigma_eV=e0_sigma_eV, edge_definition=edge)


def plot_xas(sample: XasNorm, references: list[XasNorm] = (), lcf: LinearCombination | None = None, ax=None):
    """Normalised μ(E) of the sample and references, the LCF if given; returns the axes."""
    from ..plotting import new_axes

    ax = new_axes(ax, figsize=(6.4, 4.2))
    ax.plot(sample.energy, sample.norm, "k-", lw=1.5, label=f"{sample.name} (E0 {sample.e0_eV:.1f} eV)")
    for r in references:
        ax.plot(r.energy, r.norm, "--", lw=1, label=f"{r.name} (E0 {r.e0_eV:.1f} eV)")
    if lcf is not None:
        text = ", ".join(f"{k} {v:.2f}" for k, v in lcf.weights.items())
        ax.plot(lcf.energy, lcf.fit, ":", color="C3", lw=2, label=f"LCF: {text}")
    ax.set(xlabel="photon energy (eV)", ylabel="normalised μ(E) (–)", xlim=(sample.e0_eV - 30, sample.e0_eV + 70))
    ax.legend(fontsize=7)
    return ax
