"""Controlled vocabulary of characterisation techniques.

The focus article's Table 1 names the techniques that can track an interfacial
bond (V–O–C, V–O–Ti, V–O–Ru) breaking and re-forming: Raman, FT-IR, XPS, XAFS
(XANES / EXAFS) and EELS, each paired with DFT.  Only these count as structural
tracking; microscopy and elemental mapping (HRTEM, STEM, EDS, ToF-SIMS) can show
Zn enrichment at the interface but not a bond.  Anything else (an "optical
photo", a typo) is unknown and counts for nothing.

A manifest's ``technique`` string may name several at once ("Raman/EELS/XPS",
"in situ FTIR"); :func:`recognised` returns the canonical names found in it.
"""

from __future__ import annotations

import re

BOND_TRACKING = ("Raman", "FT-IR", "XPS", "XAFS", "XANES", "EXAFS", "EELS")
ENRICHMENT_MAPPING = ("HRTEM", "TEM", "STEM", "EDS", "ToF-SIMS")

_PATTERNS = {
    "Raman": r"raman",
    "FT-IR": r"ft-?ir|infrared|(?<![a-z])ir(?![a-z])",
    "XPS": r"xps|photoelectron",
    "XAFS": r"(?<![a-z])xafs|(?<![a-z])xas(?![a-z])|x-ray absorption",
    "XANES": r"xanes",
    "EXAFS": r"exafs",
    "EELS": r"eels|energy[- ]loss",
    "HRTEM": r"hrtem",
    "TEM": r"(?<![a-z])tem(?![a-z])",
    "STEM": r"(?<![a-z])stem(?![a-z])|haadf",
    "EDS": r"(?<![a-z])ed[sx](?![a-z])",
    "ToF-SIMS": r"tof-?sims",
}


def recognised(technique: str) -> tuple[str, ...]:
    """Canonical names of every known technique named in ``technique`` (case-insensitive)."""
    text = technique.lower()
    return tuple(name for name, pattern in _PATTERNS.items() if re.search(pattern, text))


def tracks_bonds(technique: str) -> bool:
    """True when the technique string names at least one bond-tracking technique."""
    return any(t in BOND_TRACKING for t in recognised(technique))


def maps_enrichment(technique: str) -> bool:
    """True when the technique can locate Zn at the interface (microscopy, EELS, XPS, …)."""
    return any(t in BOND_TRACKING + ENRICHMENT_MAPPING for t in recognised(technique))
