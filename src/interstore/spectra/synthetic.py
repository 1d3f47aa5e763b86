"""Spectra with known answers: for tests, benchmarks and the demo study (always labelled simulated).

* :func:`operando_band_series` — an operando Raman series over one galvanostatic
  discharge–charge cycle in which one band's area falls linearly with the discharged
  charge to ``f_discharged``·A₀ and returns linearly with the charge to ``f_charged``·A₀
  (so RI = (f_charged − f_discharged)/(1 − f_discharged)), on a curved background, with a
  constant reference band and Gaussian noise; plus the electrochemistry of the same run.
* :func:`xps_envelope` — a V 2p3/2 (or any) region from known component fractions on a
  Shirley-like step background.
* :func:`xanes_reference` — a model K-edge (arctan step + white line + pre-edge peak).
* :func:`eels_v_l23` — a V L2,3 core-loss spectrum: power-law background, two Voigt white
  lines of known positions and areas on a 2:1 continuum step, Poisson counts.
"""

from __future__ import annotations

import numpy as np

from ..echem.record import Measurement, from_arrays
from .record import Spectrum
from .series import SpectrumSeries


def lorentzian(x: np.ndarray, area: float, center: float, fwhm: float) -> np.ndarray:
    """Area-normalised Lorentzian × area."""
    g = fwhm / 2
    return area * g / np.pi / ((x - center) ** 2 + g ** 2)


def linear_cycle(current_A: float = 1e-4, half_cycle_s: float = 3600.0) -> Measurement:
    """A galvanostatic discharge then charge of equal charge, the potential linear in charge."""
    # the cycler logs the last discharge point and the first charge point at the same time
    t = np.concatenate([np.linspace(0.0, half_cycle_s, 361), np.linspace(half_cycle_s, 2 * half_cycle_s, 361)])
    discharging = np.arange(t.size) < 361
    current = np.where(discharging, -current_A, current_A)
    frac = np.where(discharging, t / half_cycle_s, 2 - t / half_cycle_s)
    potential = np.where(discharging, 1.5 - 0.9 * frac, 0.7 + 0.9 * (1 - frac))
    return from_arrays(t, potential, current, step=np.where(discharging, 1, 2), source="synthetic cycle")


def band_area_path(echem: Measurement, times_s: np.ndarray, f_discharged: float, f_charged: float) -> np.ndarray:
    """A/A₀ at ``times_s``: falls linearly with the discharged charge to ``f_discharged`` at the end of
    discharge, then returns linearly with the charge put back to ``f_charged`` at the end."""
    t, i = echem.time_s, echem.current_A
    q = -np.concatenate([[0.0], np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))])
    qs = np.interp(times_s, t, q) - np.interp(times_s[0], t, q)
    turn = int(np.argmax(qs))
    q_max, q_end = qs[turn], qs[-1]
    out = 1 - (1 - f_discharged) * qs / q_max
    back = (q_max - qs[turn:]) / (q_max - q_end)
    out[turn:] = f_discharged + (f_charged - f_discharged) * back
    return out


def operando_band_series(*, f_discharged: float = 0.6, f_charged: float = 0.92, n_spectra: int = 41,
                         center_cm1: float = 880.0, fwhm_cm1: float = 30.0, area0: float = 3000.0,
                         noise: float = 0.5, center_shift_cm1: float = 0.0, echem: Measurement | None = None,
                         x: np.ndarray | None = None, seed: int = 0) -> tuple[SpectrumSeries, Measurement]:
    """(series, electrochemistry) of one discharge–charge cycle with the known band-area path
    (:func:`band_area_path`); the cycle is :func:`linear_cycle` unless ``echem`` is given, and the
    spectra are evenly spaced over it."""
    rng = np.random.default_rng(seed)
    echem = linear_cycle() if echem is None else echem
    x = np.linspace(600.0, 1100.0, 501) if x is None else np.asarray(x, float)
    t_spec = np.linspace(echem.time_s[0], echem.time_s[-1], n_spectra)
    path = band_area_path(echem, t_spec, f_discharged, f_charged)
    area = path * area0
    # the centre moves with the same path: by center_shift_cm1 at f_discharged, back with the area
    centers = center_cm1 + center_shift_cm1 * (1 - path) / (1 - f_discharged)
    background = 40 + 30 * ((x - 600) / 500) ** 2 + 15 * np.exp(-(x - 600) / 200)
    y = np.array([background + lorentzian(x, a, c, fwhm_cm1) + lorentzian(x, 1500.0, 995.0, 18.0)
                  + rng.normal(0, noise, x.size) for a, c in zip(area, centers)])
    series = SpectrumSeries(x, y, t_spec, "Raman", "synthetic operando Raman",
                            meta={"true_area": area, "true_center": centers, "simulated": True})
    return series, echem


# V 2p3/2 of the synthetic envelope: the same reference energies and width the fit uses by default
def xps_envelope(fractions: dict[str, float], centers_eV: dict[str, float], *, fwhm_eV: float = 1.3,
                 total_area: float = 2e4, eta: float = 0.3, lo: float = 510.0, hi: float = 522.0,
                 noise: float = 20.0, step: float = 0.05, seed: int = 0) -> Spectrum:
    """Pseudo-Voigt components (Lorentzian share ``eta``) of the given area fractions on a
    flat background plus a step (Shirley-like) proportional to the integrated peak area above
    each energy; counts s⁻¹ with Gaussian noise."""
    from .xps import pseudo_voigt

    rng = np.random.default_rng(seed)
    be = np.arange(lo, hi + step / 2, step)
    peaks = sum(total_area * f * pseudo_voigt(be, centers_eV[k], fwhm_eV, eta) for k, f in fractions.items())
    # Shirley: background at BE ∝ peak area at lower binding energy (inelastic tail on the high-BE side)
    cumulative = np.concatenate([[0.0], np.cumsum(0.5 * (peaks[1:] + peaks[:-1]) * np.diff(be))])
    background = 500.0 + 0.08 * cumulative
    return Spectrum(be, peaks + background + rng.normal(0, noise, be.size), "XPS", "synthetic V 2p3/2",
                    meta={"simulated": True, "fractions": fractions})


def xanes_reference(e0_eV: float, *, pre_edge_eV: float | None = None, pre_edge_height: float = 0.1,
                    white_line: float = 0.4, energy: np.ndarray | None = None) -> Spectrum:
    """Model μ(E): pre-edge slope + arctan edge step at e0 + Gaussian white line 8 eV above +
    optional Gaussian pre-edge peak; edge step 1."""
    e = np.arange(5400.0, 5600.0, 0.25) if energy is None else np.asarray(energy, float)
    mu = 0.2 + 1e-4 * (e - e[0]) + 0.5 + np.arctan((e - e0_eV) / 1.5) / np.pi
    mu += white_line * np.exp(-0.5 * ((e - e0_eV - 8) / 3.0) ** 2)
    if pre_edge_eV is not None:
        mu += pre_edge_height * np.exp(-0.5 * ((e - pre_edge_eV) / 1.0) ** 2)
    return Spectrum(e, mu, "XAS", f"synthetic edge E0 = {e0_eV:g} eV", meta={"simulated": True})


def eels_v_l23(l3_eV: float, *, l3_l2_ratio: float = 1.2, spin_orbit_eV: float = 7.2, l3_area: float = 6000.0,
               background_A: float = 2.5e12, background_r: float = 3.0, continuum: float = 250.0,
               dispersion_eV: float = 0.1, lo: float = 460.0, hi: float = 540.0, seed: int = 0,
               name: str = "") -> Spectrum:
    """Counts of a model V L2,3 edge: A·E⁻ʳ + Voigt L3 (σ 0.45 eV, γ 0.35 eV) at ``l3_eV`` and a broader
    L2 (σ 0.6 eV, γ 0.6 eV) ``spin_orbit_eV`` higher with area ``l3_area``/``l3_l2_ratio``, on a 2:1
    continuum step of height ``continuum`` (steps 0.8 eV wide, not the 0.5 eV the fit assumes), Poisson noise."""
    from scipy.special import voigt_profile

    rng = np.random.default_rng(seed)
    e = np.arange(lo, hi + dispersion_eV / 2, dispersion_eV)
    l2_eV = l3_eV + spin_orbit_eV
    step = (2 / 3 * (0.5 + np.arctan((e - l3_eV) / 0.8) / np.pi) + 1 / 3 * (0.5 + np.arctan((e - l2_eV) / 0.8) / np.pi))
    mean = (background_A * e ** (-background_r) + l3_area * voigt_profile(e - l3_eV, 0.45, 0.35)
            + l3_area / l3_l2_ratio * voigt_profile(e - l2_eV, 0.6, 0.6) + continuum * step)
    return Spectrum(e, rng.poisson(mean).astype(float), "EELS", name or f"synthetic V L2,3, L3 at {l3_eV:g} eV",
                    meta={"simulated": True, "l3_eV": l3_eV, "l3_l2_ratio": l3_l2_ratio})
