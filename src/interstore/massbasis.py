"""Mass bases for specific capacity, energy and power.

A specific quantity is meaningless without its basis.  Three bases are used
throughout interstore, always printed with the quantity:

- ``active``     the active oxide alone (e.g. V8O16),
- ``composite``  active oxide + conductive substrate (rGO, Ti3C2, RuO2),
- ``electrode``  the whole electrode coating (composite + binder + conductive additive).

Areal basis: with the electrode's geometric area A (cm²) a capacity, current or energy is also given
per cm² (mAh cm⁻², mA cm⁻², mWh cm⁻²), and each basis has a mass loading m/A (mg cm⁻²), so that

    Q_areal (mAh cm⁻²) = Q_specific (mAh g⁻¹) × loading (mg cm⁻²) / 1000     on every basis.

"Loading" without a basis means the active-oxide loading.  Specific capacities measured at an active
loading below 1 mg cm⁻² are flagged: thin electrodes inflate mAh g⁻¹ and are not comparable with
practical electrodes (≳ 10 mg cm⁻²).
"""

from __future__ import annotations

from dataclasses import dataclass

from .bounds import require_in_range
from .errors import InputError, require_positive

BASES = ("active", "composite", "electrode")
LOW_LOADING_MG_CM2 = 1.0  # active loading below which a specific capacity gets the not-comparable note
LOADING_TOLERANCE = 0.01  # area and loading given together must agree with the active mass to 1 %


@dataclass(frozen=True)
class ElectrodeMasses:
    """Masses in g.  ``substrate_g`` and ``other_g`` (binder, carbon black) may be zero."""

    active_g: float
    substrate_g: float = 0.0
    other_g: float = 0.0
    active_label: str = "active oxide"
    substrate_label: str = "substrate"
    area_cm2: float | None = None  # geometric electrode area; None = no areal basis

    def __post_init__(self) -> None:
        require_in_range("active mass (g)", self.active_g, "mass_g")
        require_positive("substrate mass (g)", self.substrate_g, allow_zero=True)
        require_positive("binder/additive mass (g)", self.other_g, allow_zero=True)
        if self.area_cm2 is not None:
            require_positive("electrode area (cm2)", self.area_cm2)

    def with_area(self, area_cm2: float | None = None, loading_mg_cm2: float | None = None) -> "ElectrodeMasses":
        """A copy with the electrode area, given directly or as the active loading (mg cm⁻²):
        A = m_active/loading.  Both together must agree to 1 %; neither returns ``self``."""
        from dataclasses import replace

        if loading_mg_cm2 is not None:
            implied = 1000.0 * self.active_g / require_positive("active loading (mg/cm2)", loading_mg_cm2)
            if area_cm2 is not None and abs(implied - area_cm2) > LOADING_TOLERANCE * area_cm2:
                raise InputError("area and loading", f"{area_cm2:g} cm² and {loading_mg_cm2:g} mg cm⁻² imply "
                                 f"{1000 * self.active_g / area_cm2:.4g} mg cm⁻² for {1000 * self.active_g:g} mg "
                                 "of active oxide", expected="an area or a loading, or both consistent with the mass")
            area_cm2 = implied if area_cm2 is None else area_cm2
        return self if area_cm2 is None else replace(self, area_cm2=require_positive("electrode area (cm2)", area_cm2))

    def loading_mg_cm2(self, basis: str = "active") -> float | None:
        """Mass loading m/A of ``basis`` in mg cm⁻² (None without an area)."""
        return None if self.area_cm2 is None else 1000.0 * self.mass_g(basis) / self.area_cm2

    def areal(self, amount: float) -> float | None:
        """``amount`` (mAh, mA, mWh) per cm² of electrode, or None without an area."""
        return None if self.area_cm2 is None else amount / self.area_cm2

    @property
    def low_loading_note(self) -> str | None:
        """The not-comparable note for an active loading below 1 mg cm⁻² (None otherwise or without area)."""
        loading = self.loading_mg_cm2("active")
        if loading is None or loading >= LOW_LOADING_MG_CM2:
            return None
        return (f"active loading {loading:.3g} mg cm⁻² < {LOW_LOADING_MG_CM2:g} mg cm⁻²: specific capacities are "
                "not comparable with practical electrodes (≳ 10 mg cm⁻²)")

    def areal_dict(self) -> dict:
        """JSON form of the areal basis: area, loading on each basis, the low-loading note."""
        return {"area_cm2": self.area_cm2,
                "loading_mg_cm2": {b: self.loading_mg_cm2(b) for b in BASES},
                "relation": "Q_areal (mAh cm-2) = Q_specific (mAh g-1) x loading (mg cm-2) / 1000",
                "low_loading_note": self.low_loading_note}

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

    def specific(self, amount):
        """``amount`` (e.g. mAh, Wh, W; a number or an array) divided by each basis mass in g
        -> {basis: amount g⁻¹}."""
        return {b: amount / self.mass_g(b) for b in BASES}

    def from_active(self, basis: str) -> float:
        """Factor turning a specific value per g of active oxide into one per g of ``basis``:
        q_basis = q_active · m_active / m_basis (dimensionless, ≤ 1)."""
        return self.active_g / self.mass_g(basis)

    def on_every_basis(self, q_active):
        """A specific value per g of active oxide (mAh g⁻¹, Wh kg⁻¹, ...; a number or an array)
        on every basis: {basis: q_active · m_active / m_basis}."""
        return {b: q_active * self.from_active(b) for b in BASES}

    def labels(self) -> dict[str, str]:
        """{basis: human-readable label} for every basis."""
        return {b: self.label(b) for b in BASES}

    def describe(self) -> dict[str, dict]:
        """{basis: {label, mass_mg}} for every basis: the ``mass_basis`` block of a JSON result."""
        return {b: {"label": self.label(b), "mass_mg": 1e3 * self.mass_g(b)} for b in BASES}
