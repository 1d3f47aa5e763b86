"""The focus article's Table 1 systems (VOx-rGO, HVO@Ti3C2, ZVO/RuO2) as data.

The records live in ``data/table1.toml`` and state only what the sources say;
anything not stated is absent and read as unknown by the verdict rules.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from .manifest import Characterisation
from .verdict import EvidenceCase

SOURCE = "J. Chen, Y. Dai, H. Yang, G. He, Mater. Horiz. 2026, DOI 10.1039/d5mh02260f, Table 1"


class Table1System(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    active_phase: str
    substrate: str
    bonding: str
    claim: str
    table1_evidence: str
    reference: str
    architecture: Literal["2D/2D", "0D/2D", "1D/2D", "core-shell", "mixed", "unknown"] = "unknown"
    large_interface: Optional[bool] = None
    large_interface_note: str = ""
    apparent_capacity_note: str = ""
    limit_n_max: Optional[int] = None
    limit_capacity_mAh_g: Optional[float] = None
    limit_formula: Optional[str] = None
    characterisation: tuple[Characterisation, ...] = ()

    def case(self) -> EvidenceCase:
        """The verdict's view of this system (unknowns stay unknown)."""
        return EvidenceCase(name=self.name, bonding=self.bonding, large_interface=self.large_interface,
                            large_interface_note=self.large_interface_note or "not stated in the sources",
                            characterisation=self.characterisation)


@lru_cache(maxsize=1)
def table1_systems() -> tuple[Table1System, ...]:
    """The three Table 1 systems, validated."""
    text = resources.files("interstore.evidence").joinpath("data/table1.toml").read_text(encoding="utf-8")
    return tuple(Table1System.model_validate(s) for s in tomllib.loads(text)["system"])


def comparison_rows() -> list[dict]:
    """One row per Table 1 system with its verdict and tier (keys name the columns)."""
    from .verdict import evaluate

    rows = []
    for s in table1_systems():
        v = evaluate(s.case())
        rows.append({"system": s.name, "interface_bonding": s.bonding, "main_claim": s.claim,
                     "characterisation_evidence": s.table1_evidence, "reference": s.reference,
                     "apparent_capacity": s.apparent_capacity_note, "verdict": v.verdict, "tier": v.tier})
    return rows
