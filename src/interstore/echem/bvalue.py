"""Power-law (b-value) analysis of CV peak currents: i_p = a·v^b.

log10|i_p| = b·log10(v) + log10(a), fitted by ordinary least squares
(scipy.stats.linregress).  b ≈ 0.5: semi-infinite diffusion control;
b ≈ 1: surface / capacitive control (Lindström et al., J. Phys. Chem. B 1997,
101, 7717).  v is in mV s⁻¹ and i in A, so ``log10_a`` is log10 of a in
A (mV s⁻¹)^−b.  Correct the potential for ohmic drop (E − i·R_s) before
locating peaks: uncorrected iR drop biases b downward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError


@dataclass(frozen=True)
class BValueFit:
    """Slope b of log10|i_p| against log10 v with its standard error and R²."""

    b: float
    stderr: float
    r2: float
    log10_a: float
    n_rates: int

    def predict_current_A(self, scan_rates_mV_s) -> np.ndarray:
        """|i_p| = a·v^b in A for scan rates in mV s⁻¹."""
        return 10.0 ** (self.log10_a + self.b * np.log10(np.asarray(scan_rates_mV_s, float)))


def fit_b_value(scan_rates_mV_s, peak_currents_A) -> BValueFit:
    """Fit i_p = a·v^b to peak currents (A, sign ignored) at scan rates (mV s⁻¹).

    Needs at least two distinct scan rates; the standard error is NaN for exactly two.
    """
    from scipy.stats import linregress

    v = np.asarray(scan_rates_mV_s, float).ravel()
    i = np.abs(np.asarray(peak_currents_A, float).ravel())
    if v.size != i.size:
        raise InputError("b-value fit", f"{v.size} scan rates but {i.size} peak currents",
                         expected="one peak current per scan rate")
    if not (np.all(np.isfinite(v)) and np.all(v > 0)):
        raise InputError("b-value fit", "non-positive or non-finite scan rate", expected="scan rates > 0 mV/s")
    if not (np.all(np.isfinite(i)) and np.all(i > 0)):
        raise InputError("b-value fit", "zero or non-finite peak current", expected="non-zero peak currents (A)")
    if np.unique(v).size < 2:
        raise InputError("b-value fit", f"only {np.unique(v).size} distinct scan rate(s)",
                         expected="at least two distinct scan rates")
    res = linregress(np.log10(v), np.log10(i))
    stderr = float(res.stderr) if v.size > 2 else float("nan")
    return BValueFit(float(res.slope), stderr, float(res.rvalue ** 2), float(res.intercept), int(v.size))


def b_profile(scan_rates_mV_s, current_A) -> np.ndarray:
    """b at every potential of a grid: slope of log10|i| against log10 v, one lstsq for all.

    ``current_A`` has shape (n_rates, n_grid); a potential where any current is
    zero or changes sign gets NaN."""
    v = np.asarray(scan_rates_mV_s, float).ravel()
    i = np.asarray(current_A, float)
    if i.ndim != 2 or i.shape[0] != v.size or np.unique(v).size < 2 or not np.all(v > 0):
        raise InputError("b-value profile", f"current array of shape {i.shape} for {v.size} scan rates",
                         expected="(n_rates, n_grid) currents at two or more distinct scan rates > 0")
    same_sign = np.all(i > 0, axis=0) | np.all(i < 0, axis=0)
    log_i = np.log10(np.where(same_sign, np.abs(i), 1.0))
    design = np.column_stack([np.log10(v), np.ones_like(v)])
    coef, *_ = np.linalg.lstsq(design, log_i, rcond=None)
    return np.where(same_sign, coef[0], np.nan)
