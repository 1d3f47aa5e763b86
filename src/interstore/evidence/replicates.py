"""Replicate cells of one electrode analysed together: mean, standard deviation and a t-based
95 % interval of every figure, with n stated.

For n values x_i:

    x̄ = Σ x_i / n,    s = √(Σ (x_i − x̄)² / (n − 1)),    SE = s / √n,
    95 % interval = x̄ ± t₀.₉₇₅(n − 1) · SE            (Student's t, two-sided)

With n = 1 the standard deviation and the interval are undefined (None in JSON), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95


@dataclass(frozen=True)
class ReplicateStat:
    """Summary of one figure over n replicate cells (``unit`` names the unit and mass basis)."""

    values: tuple[float, ...]
    unit: str

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values)) if self.values else float("nan")

    @property
    def sd(self) -> float:
        """Sample standard deviation (n − 1 in the denominator); NaN for n < 2."""
        return float(np.std(self.values, ddof=1)) if self.n > 1 else float("nan")

    @property
    def sem(self) -> float:
        """Standard error of the mean s/√n; NaN for n < 2."""
        return self.sd / np.sqrt(self.n) if self.n > 1 else float("nan")

    @property
    def half_width(self) -> float:
        """t₀.₉₇₅(n − 1)·s/√n, the half-width of the 95 % interval; NaN for n < 2."""
        from scipy.stats import t

        return float(t.ppf(0.5 + CONFIDENCE / 2, self.n - 1) * self.sem) if self.n > 1 else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        return (self.mean - self.half_width, self.mean + self.half_width)

    def to_dict(self) -> dict:
        def fin(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        lo, hi = self.interval
        return {"unit": self.unit, "n": self.n, "mean": fin(self.mean), "sd": fin(self.sd),
                "ci95_low": fin(lo), "ci95_high": fin(hi), "ci95_half_width": fin(self.half_width),
                "values": [float(v) for v in self.values]}


def replicate_stat(values, unit: str) -> ReplicateStat:
    """A :class:`ReplicateStat` of the finite ``values`` (non-finite ones are dropped)."""
    vals = tuple(float(v) for v in values if v is not None and np.isfinite(v))
    return ReplicateStat(vals, unit)


def welch_interval(terms: list[tuple[float, ReplicateStat]]) -> tuple[float, float, float]:
    """Mean, standard error and 95 % half-width of Σ c_i·x̄_i over independent replicate sets.

    SE² = Σ c_i² s_i²/n_i; the degrees of freedom follow Welch–Satterthwaite,
    ν = SE⁴ / Σ (c_i² s_i²/n_i)²/(n_i − 1).  Sets with n = 1 make SE and the interval NaN."""
    from scipy.stats import t

    value = float(sum(c * s.mean for c, s in terms))
    if any(s.n < 2 for c, s in terms if c != 0):
        return value, float("nan"), float("nan")
    parts = [(c * s.sem) ** 2 for c, s in terms if c != 0]
    var = float(sum(parts))
    if var == 0:
        return value, 0.0, 0.0
    dof = var ** 2 / sum(p ** 2 / (s.n - 1) for p, (c, s) in zip(parts, [ts for ts in terms if ts[0] != 0]))
    se = float(np.sqrt(var))
    return value, se, float(t.ppf(0.5 + CONFIDENCE / 2, dof) * se)
