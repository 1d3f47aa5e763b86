"""Mass bases for specific capacity, energy and power.

A specific quantity is meaningless without its basis.  Three bases are used
throughout interstore, always printed with the quantity:

- ``active``     the active oxide alone (e.g. V8O16),
- ``composite``  active oxide + conductive substrate (rGO, Ti3C2, RuO2),
- ``electrode``  the whole electrode coating (composite + binder + conductive additive).
"""

from __future__ import annotations

from dataclasses import dataclass

from .bounds import require_in_range
from .errors import InputError, require_positive

BASES = ("active", "composite", "electrode")


@dataclass(frozen=True)
class ElectrodeMasses:
    """Masses in g.  ``substrate_g`` and ``other_g`` (binder, carbon black) may be zero."""

    active_g: float
    substrate_g: float = 0.0
    other_g: float = 0.0
    active_label: str = "active oxide"
    substrate_label: str = "substrate"

    def __post_init__(self) -> None:
        require_in_range("active mass (g)", self.active_g, "mass_g")
        require_positive("substrate mass (g)", self.substrate_g, allow_zero=True)
        require_positive("binder/additive mass (g)", self.other_g, allow_zero=True)

    @classmethod
    def from_fractions(cls, electrode_g: float, active_fraction: float, substrate_fraction: float = 0.0,
                       **labels) -> "ElectrodeMasses":
        """Build from the whole-electrode mass (g) and mass fractions of active oxide and substrate."""
        require_positive("electrode mass (g)", electrode_g)
        if not (0 < active_fraction <= 1) or not (0 <= substrate_fraction < 1) \
                or active_fraction + substrate_fraction > 1 + 1e-12:
            raise InputError("mass fractions", f"active={active_fraction}, substrate={substrate_fraction}",
                             expected="0 < active <= 1, 0 <= substrate, active + substrate <= 1")
        active = electrode_g * active_fraction
        substrate = electrode_g * substrate_fraction
        return cls(active, substrate, max(electrode_g - active - substrate, 0.0), **labels)

    @property
    def composite_g(self) -> float:
        return self.active_g + self.substrate_g

    @property
    def electrode_g(self) -> float:
        return self.active_g + self.substrate_g + self.other_g

    def mass_g(self, basis: str) -> float:
        """Mass (g) of one basis: ``active``, ``composite`` or ``electrode``."""
        if basis not in BASES:
            raise InputError("mass basis", f"unknown basis {basis!r}", expected=" / ".join(BASES))
        return {"active": self.active_g, "composite": self.composite_g, "electrode": self.electrode_g}[basis]

    def label(self, basis: str) -> str:
        """Human-readable basis label, e.g. ``composite (V8O16 + rGO)``."""
        return {
            "active": f"active ({self.active_label})",
            "composite": f"composite ({self.active_label} + {self.substrate_label})",
            "electrode": "whole electrode",
        }[basis]

    def specific(self, amount: float) -> dict[str, float]:
        """``amount`` (e.g. mAh, Wh, W) divided by each basis mass in g -> {basis: amount g^-1}."""
        return {b: amount / self.mass_g(b) for b in BASES}
