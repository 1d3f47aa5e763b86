"""Heterostructure models: built-in V-oxide | substrate cells and structure files.

Built-in cells (slab normal along z, substrate below the oxide, ≥ 15 Å vacuum):

- ``vo2-graphene``: a 1T-type VO₂ monolayer (edge-sharing VO₆ octahedra, one V
  plane between two O planes) strained onto a defective (rGO-like) graphene
  supercell.  On pristine graphene the layer relaxes to a ~2.9 Å van-der-Waals
  contact with no V–O–C bond (CHGNet); ``vacancies`` C atoms (default 2, ≥ 5 Å
  apart) are therefore removed below V atoms, and the dangling C bind the
  lower O of that V (relaxed: C–O ≈ 1.3 Å, V–O ≈ 2.1 Å), i.e. V–O–C bridges.
  The lower O plane starts ``gap_A`` (default 1.4 Å) above the sheet.  Default
  5×5 graphene (50 − 2 C) + 4×4 VO₂ (V16O32 = two V8O16 units): 96 atoms,
  VO₂ in-plane constant 3.075 Å (≈ +5 % strain vs. ~2.93 Å for the free layer).
- ``vo2-ti3c2``: the same VO₂ layer on a bare Ti₃C₂ MXene sheet (a = 3.07 Å,
  1:1 registry).  The lower O plane sits in the hollow sites above the top Ti
  plane at the height of an O termination (``gap_A`` default 1.1 Å), giving
  V–O–Ti bridges.  Default 3×3: Ti27C18 + V9O18 = 72 atoms.

Atom ``tags``: 1 = substrate, 2 = oxide.  Zn added later carries tag 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError

SUBSTRATE_TAG, OXIDE_TAG, ZN_TAG = 1, 2, 3
VACUUM_A = 15.0  # Å of vacuum above and below the slab (half on each side)
GRAPHENE_A = 2.46  # Å, graphene lattice constant
TI3C2_A = 3.07  # Å, bare Ti3C2 in-plane lattice constant
VO2_LAYER_HALF_THICKNESS_A = 1.0  # Å, V plane to each O plane in the 1T-VO2 layer


def vo2_layer(a: float, repeat: int):
    """1T-type VO₂ monolayer (hexagonal, in-plane constant ``a`` in Å) repeated ``repeat``×``repeat``.

    V at (0, 0, 0); O at (1/3, 2/3, +h) and (2/3, 1/3, −h) with h = 1.0 Å,
    so V–O = √(a²/3 + h²) ≈ 2.0 Å for a ≈ 3 Å."""
    from ase import Atoms

    h = VO2_LAYER_HALF_THICKNESS_A
    cell = [[a, 0, 0], [-a / 2, a * np.sqrt(3) / 2, 0], [0, 0, 2 * VACUUM_A]]
    unit = Atoms("VO2", scaled_positions=[[0, 0, 0.5], [1 / 3, 2 / 3, 0.5], [2 / 3, 1 / 3, 0.5]],
                 cell=cell, pbc=True)
    unit.positions[1, 2] += h
    unit.positions[2, 2] -= h
    return unit.repeat((repeat, repeat, 1))


def graphene_sheet(repeat: int):
    """Graphene ``repeat``×``repeat`` supercell (a = 2.46 Å), the sheet at z = 0."""
    from ase.build import graphene

    sheet = graphene(a=GRAPHENE_A, vacuum=VACUUM_A).repeat((repeat, repeat, 1))
    sheet.positions[:, 2] = 0.0
    return sheet


def ti3c2_sheet(repeat: int):
    """Bare Ti₃C₂ MXene (Ti–C–Ti–C–Ti, a = 3.07 Å, Ti–C ≈ 2.1 Å), top Ti plane at z = 0."""
    from ase import Atoms

    a, dz = TI3C2_A, 1.15
    cell = [[a, 0, 0], [-a / 2, a * np.sqrt(3) / 2, 0], [0, 0, 2 * VACUUM_A]]
    frac = [[0, 0], [1 / 3, 2 / 3], [2 / 3, 1 / 3], [0, 0], [1 / 3, 2 / 3]]
    unit = Atoms("TiCTiCTi", cell=cell, pbc=True)
    unit.set_scaled_positions([[x, y, 0.0] for x, y in frac])
    unit.positions[:, 2] = np.arange(-4, 1) * dz
    return unit.repeat((repeat, repeat, 1))


def stack(substrate, oxide, gap_A: float):
    """Put ``oxide`` on ``substrate`` (same lateral cell; the oxide is strained to it) with its
    lowest atom ``gap_A`` Å above the substrate's highest atom; centre the slab in z."""
    sub = substrate.copy()
    ox = oxide.copy()
    ox.set_cell(sub.cell, scale_atoms=True)
    ox.positions[:, 2] += sub.positions[:, 2].max() + gap_A - ox.positions[:, 2].min()
    sub.set_tags(SUBSTRATE_TAG)
    ox.set_tags(OXIDE_TAG)
    combined = sub + ox
    thickness = np.ptp(combined.positions[:, 2])
    combined.cell[2] = [0, 0, thickness + 2 * VACUUM_A]
    combined.positions[:, 2] += VACUUM_A - combined.positions[:, 2].min()
    combined.pbc = True
    return combined


def build_vo2_graphene(graphene_repeat: int = 5, oxide_repeat: int = 4, gap_A: float = 1.4,
                       vacancies: int = 2):
    """VO₂ monolayer on defective graphene (V–O–C); default 96 atoms.  See module docstring."""
    atoms = stack(graphene_sheet(graphene_repeat),
                  vo2_layer(GRAPHENE_A * graphene_repeat / oxide_repeat, oxide_repeat), gap_A)
    del atoms[_carbons_below_vanadium(atoms, vacancies)]
    return atoms


def _carbons_below_vanadium(atoms, count: int, min_separation_A: float = 5.0) -> list[int]:
    """Indices of up to ``count`` C atoms laterally closest to a V atom, ≥ ``min_separation_A`` apart."""
    flat = atoms.copy()
    flat.positions[:, 2] = 0.0
    sym = np.array(atoms.get_chemical_symbols())
    carbons, vanadiums = np.flatnonzero(sym == "C"), np.flatnonzero(sym == "V")
    lateral = np.array([flat.get_distances(c, vanadiums, mic=True).min() for c in carbons])
    chosen: list[int] = []
    for c in carbons[np.argsort(lateral, kind="stable")]:
        if len(chosen) == count:
            break
        if all(flat.get_distance(c, k, mic=True) >= min_separation_A for k in chosen):
            chosen.append(int(c))
    return chosen


def build_vo2_ti3c2(repeat: int = 3, gap_A: float = 1.1):
    """VO₂ monolayer on bare Ti₃C₂ (V–O–Ti); default 72 atoms.  See module docstring.

    In this registry the lower O plane (fractional 2/3, 1/3) sits in the hollows of the top Ti
    plane directly above the middle Ti plane, where an O termination of Ti₃C₂O₂ would sit."""
    return stack(ti3c2_sheet(repeat), vo2_layer(TI3C2_A, repeat), gap_A)


@dataclass(frozen=True)
class Builtin:
    """A named built-in heterostructure: builder and the interfacial bridge it models."""

    name: str
    bridge: str
    description: str

    def build(self):
        return {"vo2-graphene": build_vo2_graphene, "vo2-ti3c2": build_vo2_ti3c2}[self.name]()


BUILTINS = {
    "vo2-graphene": Builtin("vo2-graphene", "V–O–C", "1T-VO2 monolayer (V16O32) on 5×5 graphene with 2 C vacancies, 96 atoms"),
    "vo2-ti3c2": Builtin("vo2-ti3c2", "V–O–Ti", "1T-VO2 monolayer (V9O18) on 3×3 bare Ti3C2, 72 atoms"),
}


def load_structure(spec: str | Path):
    """``builtin:NAME`` or any file ASE reads (CIF, POSCAR, extxyz, vasprun.xml …) -> tagged Atoms.

    Files without tags are tagged by element: V -> oxide; O -> oxide when within 2.3 Å of a V,
    else substrate; everything else -> substrate."""
    text = str(spec)
    if text.startswith("builtin:"):
        name = text.split(":", 1)[1]
        if name not in BUILTINS:
            raise InputError("structure", f"unknown built-in {name!r}",
                             expected=" / ".join(f"builtin:{k}" for k in BUILTINS))
        return BUILTINS[name].build()
    path = Path(text)
    if not path.is_file():
        raise InputError(path, "file not found", expected="a structure file (CIF, POSCAR, extxyz) or builtin:NAME")
    from ase.io import read

    try:
        atoms = read(path, index=-1)
    except Exception as exc:  # ASE raises many types for unreadable files
        raise InputError(path, f"could not be read as a structure ({type(exc).__name__}: {exc})",
                         expected="a format ASE reads: CIF, POSCAR, extxyz, vasprun.xml, OUTCAR") from None
    if len(atoms) == 0:
        raise InputError(path, "contains no atoms", expected="a heterostructure")
    if not np.all(np.isfinite(atoms.positions)):
        raise InputError(path, "non-finite atomic positions", expected="finite coordinates in Å")
    if atoms.cell.rank < 3:
        raise InputError(path, "has no 3-D periodic cell", expected="a slab cell with vacuum along z")
    if not np.any(atoms.get_tags()):
        atoms.set_tags(tag_by_element(atoms))
    return atoms


def tag_by_element(atoms) -> np.ndarray:
    """Tags from elements: V -> oxide; O within 2.3 Å of a V -> oxide; Zn -> 3; the rest -> substrate."""
    symbols = np.array(atoms.get_chemical_symbols())
    tags = np.full(len(atoms), SUBSTRATE_TAG)
    tags[symbols == "V"] = OXIDE_TAG
    tags[symbols == "Zn"] = ZN_TAG
    v_idx = np.flatnonzero(symbols == "V")
    for i in np.flatnonzero(symbols == "O"):
        if v_idx.size and atoms.get_distances(i, v_idx, mic=True).min() <= 2.3:
            tags[i] = OXIDE_TAG
    return tags
