"""Distribution of relaxation times (DRT) by Tikhonov-regularised, non-negative inversion.

The impedance is written as an ohmic resistance, an optional series inductance and a continuous
distribution γ(ln τ) (Ω) of RC relaxations,

    Z(ω) = R∞ + jωL + ∫ γ(ln τ) / (1 + jωτ) d ln τ,

with γ piecewise linear (hat functions) on a log-uniform τ grid that extends one decade beyond
1/ω_max and 1/ω_min.  The coefficients x = (R∞, L, γ_k) solve

    min_{x ≥ 0}  ‖W(A x − Z)‖² + λ ‖D₂ γ‖²          (Re and Im stacked; W = 1/|Z|)

as one non-negative least-squares problem (scipy.optimize.nnls on the augmented matrix);
D₂ is the second difference of γ per (Δ ln τ)².  λ is chosen by generalised cross-validation
(Golub, Heath & Wahba 1979) of the unconstrained ridge problem,

    GCV(λ) = n ‖(I − H_λ) W Z‖² / tr(I − H_λ)²,   H_λ = WA (AᵀW²A + λ D₂ᵀD₂)⁻¹ AᵀW,

minimised over 10⁻⁸ … 10⁰ (as in DRTtools, Wan et al., Electrochim. Acta 184 (2015) 483 and
Saccoccio et al., Electrochim. Acta 147 (2014) 470).  Peaks of γ are reported with their time
constant τ_p (maximum, refined by a parabola in ln τ), frequency 1/(2πτ_p) and polarisation
resistance R_p = ∫ γ d ln τ between the minima that bound the peak (Ω); a maximum at either end
of the τ grid (e.g. a diffusion tail that does not close within the measured frequencies) is
marked as not resolved.

pyDRTtools (the DRTtools port) is not used: version 0.2 imports PyQt5 and cvxopt in its package
``__init__`` without declaring them, and ``numpy.matlib``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .record import ImpedanceSpectrum

POINTS_PER_DECADE = 20  # τ grid density
EXTEND_DECADES = 1.0  # grid beyond 1/ω_max and 1/ω_min
LAMBDAS = np.logspace(-8, 0, 33)  # GCV candidates
PEAK_MIN_FRACTION = 0.01  # peaks carrying less than 1 % of the total polarisation are not reported
QUADRATURE = 16  # sub-points per grid interval for the hat-function integrals


@dataclass(frozen=True)
class DrtPeak:
    """One DRT peak: time constant (s), characteristic frequency (Hz), polarisation resistance (Ω)."""

    tau_s: float
    frequency_Hz: float
    resistance_ohm: float
    gamma_max_ohm: float
    at_range_edge: bool  # the maximum is the first or last τ of the grid: the process is not resolved


@dataclass(frozen=True, eq=False)
class DrtResult:
    source: str
    tau_s: np.ndarray
    gamma_ohm: np.ndarray  # γ(ln τ) at tau_s
    r_inf_ohm: float
    inductance_H: float
    lam: float
    lambda_grid: np.ndarray
    gcv: np.ndarray
    frequency_Hz: np.ndarray
    z_measured_ohm: np.ndarray
    z_fit_ohm: np.ndarray
    peaks: tuple[DrtPeak, ...]

    @property
    def polarisation_ohm(self) -> float:
        """∫ γ d ln τ over the whole grid (Ω)."""
        return float(np.trapezoid(self.gamma_ohm, np.log(self.tau_s)))

    @property
    def relative_rms(self) -> float:
        return float(np.sqrt(np.mean(np.abs(self.z_fit_ohm - self.z_measured_ohm) ** 2
                                     / np.abs(self.z_measured_ohm) ** 2)))

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "method": "Tikhonov (2nd derivative), non-negative, piecewise-linear gamma(ln tau), weights 1/|Z|, "
                      "lambda by generalised cross-validation",
            "lambda": self.lam,
            "r_inf_ohm": self.r_inf_ohm,
            "inductance_H": self.inductance_H,
            "polarisation_ohm": self.polarisation_ohm,
            "relative_rms_residual": self.relative_rms,
            "peaks": [p.__dict__ for p in self.peaks],
            "distribution": {"tau_s": self.tau_s, "gamma_ohm": self.gamma_ohm},
            "gcv": {"lambda": self.lambda_grid, "gcv": self.gcv},
            "spectrum": {"frequency_Hz": self.frequency_Hz, "z_real_ohm": self.z_measured_ohm.real,
                         "z_imag_ohm": self.z_measured_ohm.imag, "fit_z_real_ohm": self.z_fit_ohm.real,
                         "fit_z_imag_ohm": self.z_fit_ohm.imag},
        }


def _kernel(omega: np.ndarray, ln_tau: np.ndarray) -> np.ndarray:
    """∫ hat_k(ln τ)/(1 + jωτ) d ln τ for every frequency (rows) and grid point k (columns)."""
    h = ln_tau[1] - ln_tau[0]
    s = np.linspace(-1.0, 1.0, 2 * QUADRATURE + 1)  # offsets in units of h
    hat = 1.0 - np.abs(s)
    weights = np.full(s.size, 2.0 / (s.size - 1)) * hat * h
    weights[[0, -1]] *= 0.5
    tau = np.exp(ln_tau[None, :, None] + h * s[None, None, :])
    return np.sum(weights / (1.0 + 1j * omega[:, None, None] * tau), axis=2)


def _second_difference(n: int, h: float) -> np.ndarray:
    d = np.zeros((n - 2, n))
    for k in range(n - 2):
        d[k, k:k + 3] = (1.0, -2.0, 1.0)
    return d / h ** 2


def _peaks(ln_tau: np.ndarray, gamma: np.ndarray) -> tuple[DrtPeak, ...]:
    from scipy.signal import find_peaks

    total = float(np.trapezoid(gamma, ln_tau))
    if total <= 0:
        return ()
    idx, _ = find_peaks(np.concatenate(([0.0], gamma, [0.0])))
    idx = idx - 1
    minima = [0] + [int(np.argmin(gamma[a:b + 1]) + a) for a, b in zip(idx[:-1], idx[1:])] + [gamma.size - 1]
    out = []
    for k, i in enumerate(idx):
        lo, hi = minima[k], minima[k + 1]
        r = float(np.trapezoid(gamma[lo:hi + 1], ln_tau[lo:hi + 1]))
        if r < PEAK_MIN_FRACTION * total:
            continue
        x = ln_tau[i]
        if 0 < i < gamma.size - 1:  # parabola through the three points around the maximum
            g0, g1, g2 = gamma[i - 1], gamma[i], gamma[i + 1]
            den = g0 - 2 * g1 + g2
            if den < 0:
                x += 0.5 * (g0 - g2) / den * (ln_tau[1] - ln_tau[0])
        out.append(DrtPeak(float(np.exp(x)), float(1.0 / (2 * np.pi * np.exp(x))), r, float(gamma[i]),
                           bool(i in (0, gamma.size - 1))))
    return tuple(out)


def compute_drt(spectrum: ImpedanceSpectrum, *, lam: float | None = None, inductance: bool = True,
                points_per_decade: int = POINTS_PER_DECADE) -> DrtResult:
    """DRT of ``spectrum`` (module doc).  ``lam`` fixes λ instead of choosing it by GCV;
    ``inductance`` adds a non-negative series inductance (for cable inductance at high frequency)."""
    from scipy.optimize import nnls

    if lam is not None and not lam > 0:
        raise InputError("option --lambda", f"got {lam!r}", expected="a regularisation parameter > 0")
    if points_per_decade < 2:
        raise InputError("points per decade", f"got {points_per_decade!r}", expected=">= 2")
    f = np.asarray(spectrum.frequency_Hz, float)
    z = spectrum.z_complex_ohm
    if f.size < 5:
        raise InputError(spectrum.source, f"only {f.size} frequencies", expected="at least 5 for a DRT")
    if np.any(np.abs(z) == 0):
        raise InputError(spectrum.source, "|Z| = 0 at some frequency", expected="non-zero impedance")
    omega = 2 * np.pi * f
    lo = np.log(1.0 / omega.max()) - EXTEND_DECADES * np.log(10)
    hi = np.log(1.0 / omega.min()) + EXTEND_DECADES * np.log(10)
    n_tau = int(round((hi - lo) / np.log(10) * points_per_decade)) + 1
    ln_tau = np.linspace(lo, hi, n_tau)
    h = ln_tau[1] - ln_tau[0]
    k = _kernel(omega, ln_tau)
    cols = [np.ones_like(omega, dtype=complex)] + ([1j * omega] if inductance else [])
    n_extra = len(cols)
    a = np.column_stack(cols + [k])
    w = 1.0 / np.abs(z)
    scale = np.ones(a.shape[1])  # column scaling keeps R∞ and L comparable with γ in the solver
    if inductance:
        scale[1] = 1.0 / omega.max()
    aw = np.vstack([(a * w[:, None]).real, (a * w[:, None]).imag]) * scale
    bw = np.concatenate([(z * w).real, (z * w).imag])
    d2 = np.zeros((n_tau - 2, a.shape[1]))
    d2[:, n_extra:] = _second_difference(n_tau, h) * h ** 2  # dimensionless second difference
    gcv = np.full(LAMBDAS.size, np.nan)
    if lam is None:
        ata, atb = aw.T @ aw, aw.T @ bw
        p = d2.T @ d2
        n = bw.size
        for i, candidate in enumerate(LAMBDAS):
            try:
                m = np.linalg.inv(ata + candidate * p)
            except np.linalg.LinAlgError:
                continue
            x = m @ atb
            trace = n - float(np.sum(m * ata))  # tr(H) = tr(M AᵀA), M and AᵀA symmetric
            gcv[i] = n * float(np.sum((aw @ x - bw) ** 2)) / trace ** 2
        lam = float(LAMBDAS[int(np.nanargmin(gcv))])
    x, _ = nnls(np.vstack([aw, np.sqrt(lam) * d2]), np.concatenate([bw, np.zeros(n_tau - 2)]), maxiter=50 * aw.shape[1])
    x = x * scale
    gamma = x[n_extra:]
    return DrtResult(spectrum.source, np.exp(ln_tau), gamma, float(x[0]), float(x[1]) if inductance else 0.0,
                     float(lam), LAMBDAS.copy(), gcv, f, z, a @ x, _peaks(ln_tau, gamma))
