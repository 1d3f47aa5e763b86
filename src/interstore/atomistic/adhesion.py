"""Work of adhesion of an oxide|substrate interface and its "breathing" label.

    W_adh = (E_α + E_β − E_αβ) / A        (J m⁻², 1 eV Å⁻² = 16.0218 J m⁻²)

E_α, E_β: energies (eV) of the two slabs alone (here at their interface geometry,
i.e. the ideal work of separation); E_αβ: the joined cell; A: interface area (Å²).

Label (focus article's argument: a *moderate* interface bond lets the interface
breathe): W_adh > ``locked_above`` -> "too strong (locked)"; W_adh <
``detaches_below`` -> "too weak (detaches)"; otherwise "moderate (can breathe)".
A negative W_adh is labelled "unbound": physically the slabs would separate, and in
practice it usually means an unconverged relaxation, so it is not read as "too weak".
Defaults 2.0 and 0.3 J m⁻²: ~0.2–0.4 J m⁻² is typical of van-der-Waals contact
(graphite interlayer ≈ 0.2–0.4 J m⁻²), chemically bonded oxide|metal/carbide
interfaces reach 2–5 J m⁻².  They are heuristics, not fitted values: change them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import ELEMENTARY_CHARGE
from ..errors import InputError, require_positive

EV_PER_A2_TO_J_PER_M2 = ELEMENTARY_CHARGE * 1e20
LOCKED_ABOVE_J_m2 = 2.0
DETACHES_BELOW_J_m2 = 0.3


@dataclass(frozen=True)
class Adhesion:
    """Work of adhesion (J m⁻²), its label and the thresholds used."""

    w_adh_J_m2: float
    label: str
    area_A2: float
    locked_above_J_m2: float
    detaches_below_J_m2: float

    def to_dict(self) -> dict:
        return {"w_adh_J_m2": self.w_adh_J_m2, "label": self.label, "area_A2": self.area_A2,
                "locked_above_J_m2": self.locked_above_J_m2, "detaches_below_J_m2": self.detaches_below_J_m2}


def adhesion_label(w_adh_J_m2: float, *, locked_above_J_m2: float = LOCKED_ABOVE_J_m2,
                   detaches_below_J_m2: float = DETACHES_BELOW_J_m2) -> str:
    """"too strong (locked)", "moderate (can breathe)", "too weak (detaches)" or "unbound (…)" if < 0."""
    if not detaches_below_J_m2 < locked_above_J_m2:
        raise InputError("adhesion thresholds", f"detaches below {detaches_below_J_m2} J/m², "
                         f"locked above {locked_above_J_m2} J/m²", expected="detaches_below < locked_above")
    if w_adh_J_m2 < 0:
        return "unbound (W_adh < 0: joined cell above the separate slabs; check relaxation convergence)"
    if w_adh_J_m2 > locked_above_J_m2:
        return "too strong (locked)"
    if w_adh_J_m2 < detaches_below_J_m2:
        return "too weak (detaches)"
    return "moderate (can breathe)"


def work_of_adhesion(e_alpha_eV: float, e_beta_eV: float, e_interface_eV: float, area_A2: float, *,
                     locked_above_J_m2: float = LOCKED_ABOVE_J_m2,
                     detaches_below_J_m2: float = DETACHES_BELOW_J_m2) -> Adhesion:
    """W_adh = (E_α + E_β − E_αβ)/A in J m⁻² with its label; energies in eV, area in Å²."""
    area = require_positive("interface area (Å²)", area_A2)
    w = (e_alpha_eV + e_beta_eV - e_interface_eV) / area * EV_PER_A2_TO_J_PER_M2
    label = adhesion_label(w, locked_above_J_m2=locked_above_J_m2, detaches_below_J_m2=detaches_below_J_m2)
    return Adhesion(w, label, area, locked_above_J_m2, detaches_below_J_m2)


def interface_area_A2(cell) -> float:
    """Interface area |a × b| (Å²) of a slab cell whose normal is along c (rows a, b, c in Å)."""
    cell = np.asarray(cell, float)
    return float(np.linalg.norm(np.cross(cell[0], cell[1])))
