"""Interfacial V–O–X bridges (X = C, Ti, Ru) and their state under Zn loading.

A bridge is an O atom bonded to a V (d(V–O) ≤ ``VO_CUTOFF_A``) and to a
substrate atom X (d(O–X) ≤ ``BRIDGE_CUTOFF_A[X]``).  The bridges of the
unloaded, relaxed interface are the reference set; in a loaded (or unloaded
again) structure each reference bridge with O–X length d and reference d₀ is

- *intact*     if d ≤ (1 + ``stretch_tolerance``)·d₀   (default 5 %),
- *stretched*  if longer but still d ≤ (1 + ``break_tolerance``)·d₀ (default 25 %) and d(V–O) ≤ cut-off,
- *broken*     otherwise (O–X or V–O too long).

Cut-offs (Å): V–O 2.3; O–C 1.7 (C–O single bond 1.43); O–Ti 2.4 (Ti–O 1.9–2.3);
O–Ru 2.4 (Ru–O 1.9–2.1).  Distances use the minimum-image convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .structures import SUBSTRATE_TAG

VO_CUTOFF_A = 2.3
BRIDGE_CUTOFF_A = {"C": 1.7, "Ti": 2.4, "Ru": 2.4}
STRETCH_TOLERANCE = 0.05
BREAK_TOLERANCE = 0.25


@dataclass(frozen=True)
class Bridges:
    """Reference bridges: index arrays (V, O, X) and the reference O–X lengths d₀ (Å)."""

    v_index: np.ndarray
    o_index: np.ndarray
    x_index: np.ndarray
    d0_A: np.ndarray
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.o_index)


@dataclass(frozen=True)
class BondState:
    """Counts of intact / stretched / broken reference bridges and the boolean mask of broken ones."""

    intact: int
    stretched: int
    broken: int
    broken_mask: np.ndarray
    mean_stretch: float

    def to_dict(self) -> dict:
        return {"intact": self.intact, "stretched": self.stretched, "broken": self.broken,
                "mean_oxide_substrate_stretch_fraction": self.mean_stretch}


def find_bridges(atoms) -> Bridges:
    """All V–O–X bridges of ``atoms`` (substrate atoms are those tagged 1)."""
    from ase.neighborlist import neighbor_list

    sym = np.array(atoms.get_chemical_symbols())
    tags = atoms.get_tags()
    i, j, d = neighbor_list("ijd", atoms, max(VO_CUTOFF_A, *BRIDGE_CUTOFF_A.values()))
    v_of_o: dict[int, tuple[int, float]] = {}
    for a, b, dist in zip(i, j, d):
        if sym[a] == "O" and sym[b] == "V" and dist <= VO_CUTOFF_A and tags[a] != SUBSTRATE_TAG:
            if a not in v_of_o or dist < v_of_o[a][1]:
                v_of_o[a] = (int(b), float(dist))
    rows = []
    for a, b, dist in zip(i, j, d):
        if a in v_of_o and tags[b] == SUBSTRATE_TAG and dist <= BRIDGE_CUTOFF_A.get(str(sym[b]), 0.0):
            rows.append((v_of_o[a][0], int(a), int(b), float(dist)))
    rows.sort(key=lambda r: (r[1], r[2]))
    arr = np.array(rows, dtype=float).reshape(-1, 4)
    labels = tuple(f"V–O–{sym[int(x)]}" for x in arr[:, 2])
    return Bridges(arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2].astype(int), arr[:, 3], labels)


def bond_state(bridges: Bridges, atoms, *, stretch_tolerance: float = STRETCH_TOLERANCE,
               break_tolerance: float = BREAK_TOLERANCE) -> BondState:
    """Classify each reference bridge in ``atoms`` (same atom order as the reference, Zn appended)."""
    if len(bridges) == 0:
        return BondState(0, 0, 0, np.zeros(0, bool), 0.0)
    d_ox = np.array([atoms.get_distance(o, x, mic=True) for o, x in zip(bridges.o_index, bridges.x_index)])
    d_vo = np.array([atoms.get_distance(v, o, mic=True) for v, o in zip(bridges.v_index, bridges.o_index)])
    ratio = d_ox / bridges.d0_A
    intact = ratio <= 1 + stretch_tolerance
    broken = (ratio > 1 + break_tolerance) | (d_vo > VO_CUTOFF_A)
    stretched = ~intact & ~broken
    intact &= ~broken
    return BondState(int(intact.sum()), int(stretched.sum()), int(broken.sum()), broken,
                     float(np.mean(ratio - 1)))
