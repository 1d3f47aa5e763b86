"""Dunn split of CV current into capacitive and diffusion-controlled parts.

At each potential V of a common grid,

    i(V) = k1(V)·v + k2(V)·v^½      (Wang, Polleux, Lim, Dunn, J. Phys. Chem. C 2007, 111, 14925)

is fitted as  i/v^½ = k1·v^½ + k2  by linear least squares over the scan rates,
vectorised: one ``numpy.linalg.lstsq`` call solves every grid potential at once.
With v in V s⁻¹ and i in A, k1 is in F (A s V⁻¹) and k2 in A s^½ V^−½.
Currents are passed sign-normalised (the cathodic branch as −i), so physical
fits have k1, k2 ≥ 0; grid points where either comes out negative are
*flagged*, not clipped — the fit at fixed V ignores peak shifts and can fail there.

Capacitive fraction at scan rate v:  ∫ k1·v dV / ∫ |i| dV  over the branch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import trapezoid

from ..errors import InputError

FLAG_RTOL = 1e-6


@dataclass(frozen=True)
class DunnFit:
    """k1, k2 profiles on ``potential_V`` fitted to ``current_A`` (rates × grid, sign-normalised)."""

    potential_V: np.ndarray
    scan_rates_mV_s: np.ndarray
    current_A: np.ndarray
    k1_F: np.ndarray
    k2_A_s05_V05: np.ndarray

    @property
    def capacitive_current_A(self) -> np.ndarray:
        """k1·v at each scan rate and grid potential, A (rates × grid)."""
        return np.outer(self.scan_rates_mV_s * 1e-3, self.k1_F)

    @property
    def diffusive_current_A(self) -> np.ndarray:
        """k2·v^½ at each scan rate and grid potential, A (rates × grid)."""
        return np.outer(np.sqrt(self.scan_rates_mV_s * 1e-3), self.k2_A_s05_V05)

    @property
    def capacitive_integral_A_V(self) -> np.ndarray:
        """∫ k1·v dV over the branch for each scan rate, A·V."""
        return trapezoid(self.capacitive_current_A, self.potential_V, axis=1)

    @property
    def total_integral_A_V(self) -> np.ndarray:
        """∫ |i| dV over the branch for each scan rate, A·V."""
        return trapezoid(np.abs(self.current_A), self.potential_V, axis=1)

    @property
    def capacitive_fraction(self) -> np.ndarray:
        """∫k1·v dV / ∫|i| dV for each scan rate (dimensionless)."""
        return self.capacitive_integral_A_V / self.total_integral_A_V

    @property
    def flagged(self) -> np.ndarray:
        """Grid points where k1 < 0 or k2 < 0 (unphysical split).

        A negative part counts when it exceeds FLAG_RTOL of the measured |i| at the
        fastest rate, so round-off around an exact zero is not flagged."""
        fast = int(np.argmax(self.scan_rates_mV_s))
        floor = -FLAG_RTOL * np.abs(self.current_A[fast])
        return (self.capacitive_current_A[fast] < floor) | (self.diffusive_current_A[fast] < floor)


def fit_dunn(potential_V, scan_rates_mV_s, current_A) -> DunnFit:
    """Fit i = k1·v + k2·v^½ at every grid potential (one lstsq for the whole grid).

    ``current_A`` has shape (n_rates, n_grid); scan rates in mV s⁻¹.
    """
    grid = np.asarray(potential_V, float)
    v_mV = np.asarray(scan_rates_mV_s, float).ravel()
    i = np.asarray(current_A, float)
    if i.shape != (v_mV.size, grid.size):
        raise InputError("Dunn analysis", f"current array of shape {i.shape}",
                         expected=f"shape (n_rates, n_grid) = ({v_mV.size}, {grid.size})")
    if not (np.all(np.isfinite(v_mV)) and np.all(v_mV > 0)) or np.unique(v_mV).size < 2:
        raise InputError("Dunn analysis", f"scan rates {v_mV.tolist()} mV/s",
                         expected="at least two distinct finite scan rates > 0 mV/s")
    if not np.all(np.isfinite(i)):
        raise InputError("Dunn analysis", "non-finite current on the potential grid", expected="finite currents")
    sqrt_v = np.sqrt(v_mV * 1e-3)
    design = np.column_stack([sqrt_v, np.ones_like(sqrt_v)])
    coef, *_ = np.linalg.lstsq(design, i / sqrt_v[:, None], rcond=None)
    return DunnFit(grid, v_mV, i, coef[0], coef[1])


def combined_capacitive_fraction(fits: list[DunnFit]) -> np.ndarray:
    """Capacitive fraction of whole cycles: Σ∫k1·v dV / Σ∫|i| dV over the branches, per scan rate."""
    return sum(f.capacitive_integral_A_V for f in fits) / sum(f.total_integral_A_V for f in fits)


def flagged_ranges_V(potential_V, mask) -> list[tuple[float, float]]:
    """Contiguous potential ranges (V_low, V_high) where ``mask`` is true."""
    g = np.asarray(potential_V, float)
    m = np.asarray(mask, bool).astype(np.int8)
    edges = np.diff(np.concatenate([[0], m, [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(g[a]), float(g[b])) for a, b in zip(starts, stops)]
