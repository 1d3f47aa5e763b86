"""Trasatti analysis of voltammetric charge against scan rate.

(Ardizzone, Fregonara, Trasatti, Electrochim. Acta 1990, 35, 263)

    q(v)   = q_outer + k·v^−½          -> intercept at v → ∞ gives q_outer
    1/q(v) = 1/q_total + k′·v^½        -> intercept at v → 0 gives q_total
    q_inner = q_total − q_outer

q may be in C or C g⁻¹ (the results keep the unit of the input); v in mV s⁻¹.
The outer relation holds for fast sweeps and the total one for slow sweeps, so
each fit can be limited to its own range of scan rates.
Both relations are rarely linear over a wide scan-rate range, so each fit
reports R² and ``linear_warning`` is set when either R² falls below
``r2_threshold`` (default 0.98), when fewer than three scan rates leave
linearity untested, or when the charges are unphysical (q_outer < 0 or
q_inner < 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import trapezoid

from ..errors import InputError

R2_THRESHOLD = 0.98


@dataclass(frozen=True)
class TrasattiFit:
    """Outer, total and inner charge (unit of the input q) with the two fits' quality
    and the scan rates (mV s⁻¹) each fit used."""

    q_outer: float
    q_total: float
    slope_outer: float  # k, q-unit (mV s⁻¹)^½
    slope_total: float  # k′, (q-unit)⁻¹ (mV s⁻¹)^−½
    r2_outer: float
    r2_total: float
    r2_threshold: float
    outer_rates_mV_s: tuple[float, ...]
    total_rates_mV_s: tuple[float, ...]

    @property
    def q_inner(self) -> float:
        return self.q_total - self.q_outer

    @property
    def linear_warning(self) -> bool:
        """True unless both fits are linear (R² ≥ threshold over ≥ 3 rates each) and 0 ≤ q_outer ≤ q_total."""
        return bool(min(len(self.outer_rates_mV_s), len(self.total_rates_mV_s)) < 3
                    or not min(self.r2_outer, self.r2_total) >= self.r2_threshold
                    or not 0 <= self.q_outer <= self.q_total)


def voltammetric_charge_C(time_s, current_A) -> float:
    """q = ∫|i| dt over one sweep, C."""
    return float(trapezoid(np.abs(np.asarray(current_A, float)), np.asarray(time_s, float)))


def _window(v: np.ndarray, keep: np.ndarray, name: str) -> np.ndarray:
    if np.unique(v[keep]).size < 2:
        option = {"outer_min_rate_mV_s": "--trasatti-outer-min", "total_max_rate_mV_s": "--trasatti-total-max"}
        rates = ", ".join(f"{r:.4g}" for r in sorted(set(v.tolist())))
        raise InputError(f"parameter '{name}' (CLI {option.get(name, name)})",
                         f"leaves {np.unique(v[keep]).size} scan rate(s) of {rates} mV/s",
                         expected="a limit keeping at least two scan rates")
    return keep


def fit_trasatti(scan_rates_mV_s, charge, *, r2_threshold: float = R2_THRESHOLD,
                 outer_min_rate_mV_s: float | None = None,
                 total_max_rate_mV_s: float | None = None) -> TrasattiFit:
    """Fit q against v^−½ (q_outer) and 1/q against v^½ (q_total).

    The outer relation describes fast sweeps and the total relation slow ones: the
    outer fit can be limited to rates ≥ ``outer_min_rate_mV_s`` and the total fit to
    rates ≤ ``total_max_rate_mV_s`` (default: all rates).  Each fit needs ≥ 2 distinct rates.
    """
    from scipy.stats import linregress

    v = np.asarray(scan_rates_mV_s, float).ravel()
    q = np.asarray(charge, float).ravel()
    if v.size != q.size:
        raise InputError("Trasatti analysis", f"{v.size} scan rates but {q.size} charges",
                         expected="one charge per scan rate")
    if not (np.all(np.isfinite(v)) and np.all(v > 0)) or np.unique(v).size < 2:
        raise InputError("Trasatti analysis", f"scan rates {v.tolist()} mV/s",
                         expected="at least two distinct finite scan rates > 0 mV/s")
    if not (np.all(np.isfinite(q)) and np.all(q > 0)):
        raise InputError("Trasatti analysis", "zero, negative or non-finite voltammetric charge",
                         expected="charges > 0")
    if not 0 < r2_threshold <= 1:
        raise InputError("parameter 'r2_threshold'", f"got {r2_threshold!r}", expected="0 < R² threshold <= 1")
    fast = _window(v, v >= (outer_min_rate_mV_s or 0.0), "outer_min_rate_mV_s")
    slow = _window(v, v <= (total_max_rate_mV_s or np.inf), "total_max_rate_mV_s")
    outer = linregress(v[fast] ** -0.5, q[fast])
    total = linregress(v[slow] ** 0.5, 1.0 / q[slow])
    q_total = float(1.0 / total.intercept) if total.intercept != 0 else float("inf")
    return TrasattiFit(float(outer.intercept), q_total, float(outer.slope), float(total.slope),
                       float(outer.rvalue ** 2), float(total.rvalue ** 2), float(r2_threshold),
                       tuple(v[fast].tolist()), tuple(v[slow].tolist()))
