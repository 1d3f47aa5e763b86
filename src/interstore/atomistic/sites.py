"""Candidate Zn sites in the interfacial gap: a grid-based void search.

The interfacial region along z runs from the top plane of the substrate
(90th percentile of the substrate-atom heights) to the bottom plane of the
oxide (10th percentile of the oxide-atom heights, Zn excluded), widened by
``margin_A`` (default 0 Å) on both sides.  A grid of spacing ``spacing_A`` fills that
region over the periodic in-plane cell; a point is a void when its distance
to the nearest atom (periodic images included) is at least
``min_distance_A``.  Sites are picked greedily from the emptiest void
downwards, keeping them ``min_separation_A`` apart, up to ``max_sites``.
The energetic ranking is left to the calculator (single-point screening).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, require_positive
from .structures import OXIDE_TAG, SUBSTRATE_TAG


@dataclass(frozen=True)
class SiteSearch:
    """Parameters of the void search (Å) and the number of sites kept."""

    spacing_A: float = 0.3
    min_distance_A: float = 1.5
    min_separation_A: float = 2.0
    margin_A: float = 0.0
    max_sites: int = 6

    def __post_init__(self) -> None:
        for name in ("spacing_A", "min_distance_A", "min_separation_A"):
            require_positive(f"site search {name}", getattr(self, name))
        require_positive("site search margin_A", self.margin_A, allow_zero=True)
        if int(self.max_sites) != self.max_sites or self.max_sites < 1:
            raise InputError("parameter 'candidate sites'", f"got {self.max_sites!r}", expected="an integer >= 1")


def interface_window(atoms, margin_A: float = 0.0, source: str = "structure") -> tuple[float, float]:
    """(z_low, z_high) in Å of the interfacial region (substrate top plane … oxide bottom plane)."""
    tags = atoms.get_tags()
    z = atoms.positions[:, 2]
    if not np.any(tags == SUBSTRATE_TAG) or not np.any(tags == OXIDE_TAG):
        raise InputError(source, "has no substrate or no oxide atoms",
                         expected="tags 1 (substrate) and 2 (oxide), or V-oxide on C/Ti/Ru")
    z_sub = float(np.percentile(z[tags == SUBSTRATE_TAG], 90))
    z_ox = float(np.percentile(z[tags == OXIDE_TAG], 10))
    if z_ox <= z_sub:
        raise InputError(source, f"oxide bottom plane (z = {z_ox:.2f} Å) is not above the substrate "
                         f"top plane (z = {z_sub:.2f} Å)", expected="substrate below the oxide along z")
    return z_sub - margin_A, z_ox + margin_A


def _lateral_images(positions: np.ndarray, cell: np.ndarray) -> np.ndarray:
    shifts = [i * cell[0] + j * cell[1] for i in (-1, 0, 1) for j in (-1, 0, 1)]
    return np.concatenate([positions + s for s in shifts])


def candidate_sites(atoms, search: SiteSearch = SiteSearch()) -> np.ndarray:
    """Cartesian positions (Å), shape (k, 3), of up to ``max_sites`` interfacial voids, emptiest first."""
    from scipy.spatial import cKDTree

    z_lo, z_hi = interface_window(atoms, search.margin_A)
    cell = np.asarray(atoms.cell)
    na = max(int(np.ceil(np.linalg.norm(cell[0]) / search.spacing_A)), 1)
    nb = max(int(np.ceil(np.linalg.norm(cell[1]) / search.spacing_A)), 1)
    nz = max(int(np.ceil((z_hi - z_lo) / search.spacing_A)), 1) + 1
    fa, fb, zz = np.meshgrid(np.arange(na) / na, np.arange(nb) / nb, np.linspace(z_lo, z_hi, nz), indexing="ij")
    grid = fa.reshape(-1, 1) * cell[0] + fb.reshape(-1, 1) * cell[1]
    grid[:, 2] += zz.ravel()
    clearance, _ = cKDTree(_lateral_images(atoms.positions, cell)).query(grid)
    keep = clearance >= search.min_distance_A
    points, clearance = grid[keep], clearance[keep]
    chosen: list[np.ndarray] = []
    for idx in np.argsort(-clearance, kind="stable"):
        p = points[idx]
        if chosen and np.linalg.norm(_lateral_images(np.array(chosen), cell) - p, axis=1).min() \
                < search.min_separation_A:
            continue
        chosen.append(p)
        if len(chosen) == search.max_sites:
            break
    return np.array(chosen).reshape(-1, 3)
