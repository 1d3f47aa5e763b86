"""Ragone data from measured discharges: energy density vs power density on each mass basis.

For one discharge with energy E (Wh, E = ∫V·|I| dt) lasting Δt (s) and a basis mass m (g):

    energy density  e = E / (m / 1000)                    Wh kg⁻¹
    power density   p = E · 3600 / Δt / (m / 1000)        W kg⁻¹   (mean power over the discharge)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..massbasis import BASES, ElectrodeMasses


@dataclass(frozen=True)
class RagonePoint:
    """One point of a Ragone plot on one mass basis."""

    basis: str
    basis_label: str
    current_A: float
    energy_Wh_kg: float
    power_W_kg: float


def energy_density_Wh_kg(energy_Wh, mass_g: float) -> np.ndarray:
    """e = E / (m/1000): energy E in Wh, basis mass m in g -> Wh kg⁻¹."""
    return np.asarray(energy_Wh, float) / (mass_g / 1000.0)


def power_density_W_kg(energy_Wh, duration_s, mass_g: float) -> np.ndarray:
    """p = 3600·E / Δt / (m/1000): mean power over a discharge of Δt s, in W kg⁻¹."""
    duration = np.asarray(duration_s, float)
    if np.any(duration <= 0):
        raise InputError("Ragone data", "a discharge of zero or negative duration",
                         expected="discharges lasting > 0 s")
    return 3600.0 * np.asarray(energy_Wh, float) / duration / (mass_g / 1000.0)


def ragone_points(energy_Wh, duration_s, current_A, masses: ElectrodeMasses) -> list[RagonePoint]:
    """One Ragone point per discharge and per mass basis (active, composite, electrode).

    ``energy_Wh``, ``duration_s`` and ``current_A`` are equal-length arrays, one entry per
    discharge (or per rate step, already averaged)."""
    energy = np.atleast_1d(np.asarray(energy_Wh, float))
    duration = np.atleast_1d(np.asarray(duration_s, float))
    current = np.atleast_1d(np.asarray(current_A, float))
    if not (energy.shape == duration.shape == current.shape):
        raise InputError("Ragone data", f"{energy.size} energies, {duration.size} durations, "
                         f"{current.size} currents", expected="one of each per discharge")
    points = []
    for basis in BASES:
        mass = masses.mass_g(basis)
        e = energy_density_Wh_kg(energy, mass)
        p = power_density_W_kg(energy, duration, mass)
        points += [RagonePoint(basis, masses.label(basis), float(i), float(ei), float(pi))
                   for i, ei, pi in zip(current, e, p)]
    return points
