"""Mean valence from an edge position through references of known valence.

A straight line E = a + b·v is fitted through the (valence, edge energy) of the references
(e.g. V₂O₃ 3, VO₂ 4, V₂O₅ 5, measured on the same energy scale as the sample) and
inverted for the sample, v = (E − a)/b.  The σ of v combines the line's covariance (its
residual variance when there are three or more references, never less than
``position_sigma_eV`` per reference) and the sample's own position uncertainty:

    σ_v² = ∇v · Cov(a, b) · ∇v + (σ_E / b)²,   ∇v = (−1/b, −(E − a)/b²).

Used for the XANES K-edge position (:mod:`.xas`) and the EELS V L3 position (:mod:`.eels`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError


@dataclass(frozen=True)
class ValenceCalibration:
    """E = intercept + slope · valence through references; the sample's valence ± σ."""

    slope_eV: float
    intercept_eV: float
    references: dict[str, tuple[float, float]]
    valence: float
    valence_sigma: float
    edge_eV: float
    edge_definition: str

    def to_dict(self) -> dict:
        return {"edge_definition": self.edge_definition, "slope_eV_per_valence": self.slope_eV,
                "intercept_eV": self.intercept_eV,
                "references": {k: {"valence": v, "edge_eV": e} for k, (v, e) in self.references.items()},
                "sample_edge_eV": self.edge_eV, "valence": self.valence, "valence_sigma": self.valence_sigma}


def valence_from_position(position_eV: float, references: dict[str, tuple[float, float]], *,
                          position_sigma_eV: float = 0.2, edge_definition: str = "edge",
                          source: str = "option --valence-ref") -> ValenceCalibration:
    """Valence ± σ of a sample whose edge lies at ``position_eV``; ``references`` maps a name to
    (valence, edge energy in eV) on the same energy scale (two or more, different valences,
    edge rising with valence)."""
    if len(references) < 2:
        raise InputError(source, f"{len(references)} reference", expected="two or more references "
                         "of known valence, e.g. V2O3=3, VO2=4, V2O5=5")
    v = np.array([val for val, _ in references.values()], float)
    e = np.array([en for _, en in references.values()], float)
    if np.ptp(v) == 0:
        raise InputError(source, "all references have the same valence", expected="different valences")
    A = np.vstack([np.ones_like(v), v]).T
    coef, *_ = np.linalg.lstsq(A, e, rcond=None)
    b, m = float(coef[0]), float(coef[1])
    if m <= 0:
        raise InputError(source, f"the edge falls with valence (slope {m:.2f} eV)",
                         expected="references whose edge moves to higher energy with valence")
    resid = e - A @ coef
    s2 = max(float(resid @ resid) / max(v.size - 2, 1), position_sigma_eV ** 2) if v.size > 2 \
        else position_sigma_eV ** 2
    cov = s2 * np.linalg.inv(A.T @ A)
    val = (position_eV - b) / m
    grad = np.array([-1 / m, -(position_eV - b) / m ** 2])
    sigma = float(np.sqrt(grad @ cov @ grad + (position_sigma_eV / m) ** 2))
    return ValenceCalibration(m, b, {k: (float(a), float(c)) for k, (a, c) in references.items()},
                              float(val), sigma, float(position_eV), edge_definition)
