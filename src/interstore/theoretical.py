"""Theoretical (Faradaic) capacity of a host:  Q = n·F / (3.6·M)  in mAh g⁻¹.

n is the number of electrons transferred per formula unit (2 per Zn²⁺) and M
the molar mass in g mol⁻¹ of the chosen formula (from pymatgen's standard
atomic weights).  Example: V8O16 with 14 e⁻ (7 Zn) -> 565.5 mAh g⁻¹.
"""

from __future__ import annotations

from dataclasses import dataclass

from .constants import FARADAY, Z_ZINC
from .bounds import require_in_range
from .errors import InputError


def molar_mass_g_mol(formula: str) -> float:
    """Molar mass (g mol⁻¹) of a formula string such as ``V8O16`` or ``H2V3O8``."""
    from pymatgen.core import Composition

    try:
        comp = Composition(formula)
        weight = float(comp.weight)
    except Exception:  # pymatgen raises several types for unparsable formulas
        raise InputError(f"formula {formula!r}", "could not be parsed",
                         expected="a chemical formula such as V8O16 or Zn0.25V2O5") from None
    if comp.num_atoms <= 0:
        raise InputError(f"formula {formula!r}", "has no atoms", expected="a chemical formula")
    return weight


def capacity_mAh_g(electrons: float, molar_mass: float) -> float:
    """Q = n·F/(3.6·M): electrons per formula unit and M in g mol⁻¹ -> mAh g⁻¹."""
    if electrons < 0 or molar_mass <= 0:
        raise InputError("theoretical capacity", f"n={electrons}, M={molar_mass}",
                         expected="n >= 0 electrons and M > 0 g/mol")
    return electrons * FARADAY / (3.6 * molar_mass)


@dataclass(frozen=True)
class TheoreticalCapacity:
    """A theoretical capacity with everything needed to defend it."""

    formula: str
    electrons: float
    molar_mass_g_mol: float
    capacity_mAh_g: float

    @property
    def zinc_per_formula(self) -> float:
        return self.electrons / Z_ZINC


def theoretical_capacity(formula: str, electrons: float) -> TheoreticalCapacity:
    """Theoretical capacity of ``formula`` for ``electrons`` e⁻ per formula unit."""
    require_in_range("electrons per formula unit", electrons, "electrons")
    m = molar_mass_g_mol(formula)
    return TheoreticalCapacity(formula, float(electrons), m, capacity_mAh_g(electrons, m))


def electrons_for_capacity(capacity: float, molar_mass: float) -> float:
    """Inverse: electrons per formula unit that a quoted capacity (mAh g⁻¹) would require."""
    return capacity * 3.6 * molar_mass / FARADAY


def molar_mass_for_capacity(capacity: float, electrons: float) -> float:
    """Inverse: molar mass (g mol⁻¹) that a quoted capacity would require for n electrons."""
    return electrons * FARADAY / (3.6 * capacity)
