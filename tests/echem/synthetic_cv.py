"""Synthetic cyclic voltammograms with known kinetics, for tests and benchmarks.

The potentiostat applies a triangular potential E_app(t) (linear in time at
scan rate v).  The electrode sees E = E_app − i·R_s and draws a current
i = f(E, direction, v) given by a model:

- :func:`dunn_current`: i = ±(k1(E)·v + k2(E)·v^½) with known k1, k2 profiles;
- :func:`power_law_current`: i = ±a·v^b·shape(E), so every peak current ∝ v^b.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from interstore.echem.record import Measurement, from_arrays

E_LOW_V, E_HIGH_V = 0.2, 1.6
ANODIC_PEAKS_V = (0.90, 1.25)
CATHODIC_PEAKS_V = (0.75, 1.10)
PEAK_WIDTH_V = 0.06

CurrentModel = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def _gaussians(e: np.ndarray, centres, width: float = PEAK_WIDTH_V) -> np.ndarray:
    return sum(np.exp(-0.5 * ((e - c) / width) ** 2) for c in centres)


def k1_profile_F(e, direction) -> np.ndarray:
    """Capacitive k1(E), F: a double-layer plateau plus a broad surface-redox hump."""
    return 2.0e-3 + 1.0e-3 * np.exp(-0.5 * ((np.asarray(e) - 1.0) / 0.3) ** 2) + 0.0 * np.asarray(direction)


def k2_profile(e, direction) -> np.ndarray:
    """Diffusive k2(E), A s^½ V^−½: Gaussian redox peaks, anodic and cathodic at different E."""
    e = np.asarray(e, float)
    return 1.0e-3 * np.where(np.asarray(direction) > 0, _gaussians(e, ANODIC_PEAKS_V),
                             _gaussians(e, CATHODIC_PEAKS_V)) + 5.0e-5


def dunn_current(k1=k1_profile_F, k2=k2_profile) -> CurrentModel:
    """i = direction·(k1(E)·v + k2(E)·v^½), v in V s⁻¹."""
    return lambda e, d, v: d * (k1(e, d) * v + k2(e, d) * np.sqrt(v))


def power_law_current(b: float, a: float = 1e-2, shift_V_per_decade: float = 0.0) -> CurrentModel:
    """i = direction·a·v^b·shape(E): every peak current scales exactly as v^b.

    With ``shift_V_per_decade`` the anodic peaks move up and the cathodic peaks down by
    that much per decade of scan rate (from their positions at 1 mV s⁻¹), as for
    quasi-reversible kinetics; the peak heights still scale as v^b."""
    def model(e, d, v):
        shift = shift_V_per_decade * np.log10(v / 1e-3)
        anodic = _gaussians(e, np.add(ANODIC_PEAKS_V, shift))
        cathodic = _gaussians(e, np.subtract(CATHODIC_PEAKS_V, shift))
        return d * a * v ** b * (np.where(d > 0, anodic, cathodic) + 0.05)
    return model


def synthetic_cv(scan_rate_mV_s: float, model: CurrentModel | None = None, *, n_cycles: int = 2,
                 points_per_sweep: int = 2000, r_s_ohm: float = 0.0, noise_A: float = 0.0,
                 start_mid: bool = False, staircase_V: float = 0.0, seed: int = 0,
                 record_rate: bool = False, cycle_column: bool = False,
                 active_mass_g: float | None = None, e_low_V: float = E_LOW_V,
                 e_high_V: float = E_HIGH_V) -> Measurement:
    """A CV of ``n_cycles`` triangular cycles from ``e_low_V`` to ``e_high_V`` at ``scan_rate_mV_s``.

    ``start_mid`` prepends a partial sweep from mid-window (as when starting at open
    circuit); ``staircase_V`` quantises the applied potential; ``record_rate`` stores
    the scan rate on the Measurement; ``cycle_column`` fills the cycle column.
    """
    model = model or dunn_current()
    v = scan_rate_mV_s * 1e-3
    if start_mid:  # partial sweep up from mid-window, then cycles swept down first
        vertices = [0.5 * (e_low_V + e_high_V)] + [e_high_V, e_low_V] * n_cycles + [e_high_V]
    else:
        vertices = [e_low_V, e_high_V] * n_cycles + [e_low_V]
    pieces, direction, cycles = [], [], []
    for k, (a, b) in enumerate(zip(vertices[:-1], vertices[1:])):
        n = points_per_sweep if not (start_mid and k == 0) else points_per_sweep // 2
        pieces.append(np.linspace(a, b, n, endpoint=False))
        direction.append(np.full(n, np.sign(b - a)))
        cycles.append(np.full(n, 1 + (k - (1 if start_mid else 0)) // 2 if k or not start_mid else 1))
    e_app = np.concatenate(pieces + [[vertices[-1]]])
    direction = np.concatenate(direction + [direction[-1][-1:]])
    cycles = np.concatenate(cycles + [cycles[-1][-1:]])
    t = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(e_app)))]) / v
    if staircase_V > 0:
        e_app = np.round(e_app / staircase_V) * staircase_V

    e_true = e_app.copy()
    for _ in range(200 if r_s_ohm > 0 else 1):  # fixed point of E = E_app − i(E)·R_s
        i = model(e_true, direction, v)
        e_true = e_app - i * r_s_ohm
    i = model(e_true, direction, v)
    if noise_A > 0:
        i = i + np.random.default_rng(seed).normal(0.0, noise_A, i.size)
    return from_arrays(t, e_app, i, cycle=cycles if cycle_column else None,
                       source=f"synthetic_{scan_rate_mV_s:g}mV_s.csv",
                       scan_rate_mV_s=scan_rate_mV_s if record_rate else None, active_mass_g=active_mass_g)


def concatenate_cvs(ms: list[Measurement], source: str = "all_rates.csv") -> Measurement:
    """One record of the CVs ``ms`` run one after the other (time continues)."""
    t0 = np.cumsum([0.0] + [m.time_s[-1] + 1.0 for m in ms[:-1]])
    return from_arrays(np.concatenate([m.time_s + t for m, t in zip(ms, t0)]),
                       np.concatenate([m.potential_V for m in ms]), np.concatenate([m.current_A for m in ms]),
                       source=source)
