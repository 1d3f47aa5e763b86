"""Lin-KK validity test of an impedance spectrum (Schönleber et al., Electrochim. Acta 131 (2014) 20).

A spectrum that is linear, causal and stable obeys the Kramers–Kronig relations, so it can be
reproduced by a KK-compliant model: an ohmic resistance, M RC elements with time constants fixed
log-uniformly between 1/ω_max and 1/ω_min, a series inductance and (for spectra without a
low-frequency intercept, e.g. a diffusion tail) a series capacitance,

    Ẑ(ω) = R₀ + Σ_k R_k / (1 + jωτ_k) + jωL + 1/(jωC).

Only R₀, R_k, L and 1/C are free, so the fit is linear (complex least squares on Z/|Z|, eq. 14 of
the paper).  M grows from 1 until the under/over-fit measure

    μ = 1 − Σ_{R_k < 0} |R_k| / Σ_{R_k ≥ 0} |R_k|

falls below the cutoff c; the relative residuals

    Δ′ = (Z′ − Ẑ′)/|Z|,  Δ″ = (Z″ − Ẑ″)/|Z|     (reported in % of |Z|)

are then at noise level for a valid spectrum and show a systematic trend (typically at low
frequency) when the system drifted during the sweep.

Stated choices (measured on synthetic Randles spectra, 71 points, 100 kHz–10 mHz):

- c = 0.5 instead of the paper's 0.85: with 0.85 a noise-free Randles spectrum stops at M = 12 and
  leaves 3.7 % residuals at its RC arc (a false failure); with 0.5, M = 32 and 0.09 %.
- verdict ``pass`` when every |Δ′|, |Δ″| ≤ 2 % of |Z|: 0.5 % Gaussian noise gives at most 1.0–1.6 %,
  a charge-transfer resistance drifting linearly by 30 % / 50 % over the sweep gives 2.5 % / 4.1 %.
  Smaller drifts (≤ 20 %) are within the noise of such a spectrum and are not detected.  The fit itself is impedance.py's
:func:`impedance.validation.linKK`; under numpy 2 its internal ``eval`` of a circuit string breaks
because scalars print as ``np.float64(…)``, which :func:`lin_kk` works around by printing numbers in
numpy's 1.25 style while it runs.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .record import ImpedanceSpectrum

MU_CUTOFF = 0.5  # μ threshold (Schönleber et al. suggest 0.85, which underfits a noise-free Randles spectrum)
MAX_ELEMENTS = 100  # most RC elements tried
RESIDUAL_MAX_PCT = 2.0  # a spectrum passes when every |Δ′|, |Δ″| is at most this (% of |Z|)


@dataclass(frozen=True, eq=False)
class KKResult:
    """Lin-KK fit of one spectrum: number of RC elements M, μ, the KK-compliant fit and residuals."""

    source: str
    frequency_Hz: np.ndarray
    z_measured_ohm: np.ndarray
    z_fit_ohm: np.ndarray
    n_elements: int
    mu: float
    residual_real_pct: np.ndarray  # 100·(Z′ − Ẑ′)/|Z|
    residual_imag_pct: np.ndarray  # 100·(Z″ − Ẑ″)/|Z|
    threshold_pct: float

    @property
    def max_residual_pct(self) -> float:
        """Largest |Δ′| or |Δ″| over the spectrum (% of |Z|)."""
        return float(max(np.max(np.abs(self.residual_real_pct)), np.max(np.abs(self.residual_imag_pct))))

    @property
    def rms_residual_pct(self) -> float:
        """RMS of Δ′ and Δ″ together (% of |Z|)."""
        return float(np.sqrt(np.mean(np.concatenate([self.residual_real_pct, self.residual_imag_pct]) ** 2)))

    @property
    def valid(self) -> bool:
        """True when every residual is within ``threshold_pct`` of |Z|."""
        return self.max_residual_pct <= self.threshold_pct

    @property
    def verdict(self) -> str:
        return "pass" if self.valid else "fail"

    def to_dict(self) -> dict:
        return {
            "method": "Lin-KK (Schoenleber 2014) via impedance.py linKK: complex fit, series C, mu cutoff "
                      f"{MU_CUTOFF}",
            "verdict": self.verdict,
            "n_rc_elements": self.n_elements,
            "mu": self.mu,
            "max_residual_pct_of_abs_Z": self.max_residual_pct,
            "rms_residual_pct_of_abs_Z": self.rms_residual_pct,
            "threshold_pct_of_abs_Z": self.threshold_pct,
            "residuals": {"frequency_Hz": self.frequency_Hz, "real_pct": self.residual_real_pct,
                          "imag_pct": self.residual_imag_pct},
        }


def lin_kk(spectrum: ImpedanceSpectrum, *, mu_cutoff: float = MU_CUTOFF, max_elements: int = MAX_ELEMENTS,
           threshold_pct: float = RESIDUAL_MAX_PCT, series_capacitance: bool = True) -> KKResult:
    """Lin-KK test of ``spectrum`` (module doc).  ``series_capacitance`` adds 1/(jωC) for spectra
    whose −Z″ does not return to zero at the lowest frequency (diffusion tails, blocking electrodes)."""
    from impedance.validation import linKK

    if not 0 < mu_cutoff < 1:
        raise InputError("parameter 'mu_cutoff'", f"got {mu_cutoff!r}", expected="0 < c < 1")
    if not threshold_pct > 0:
        raise InputError("parameter 'threshold_pct'", f"got {threshold_pct!r}", expected="a residual limit > 0 %")
    f = np.asarray(spectrum.frequency_Hz, float)
    z = spectrum.z_complex_ohm
    if np.any(np.abs(z) == 0):
        raise InputError(spectrum.source, "|Z| = 0 at some frequency", expected="non-zero impedance")
    # numpy 2 prints np.float64(x) inside the circuit string linKK evaluates; linKK prints progress
    with np.printoptions(legacy="1.25"), contextlib.redirect_stdout(io.StringIO()), \
            np.errstate(all="ignore"):
        m, mu, z_fit, res_re, res_im = linKK(f, z, c=mu_cutoff, max_M=max_elements, fit_type="complex",
                                             add_cap=series_capacitance)
    return KKResult(spectrum.source, f, z, np.asarray(z_fit, complex), int(m), float(mu),
                    100.0 * np.asarray(res_re, float), 100.0 * np.asarray(res_im, float), float(threshold_pct))
