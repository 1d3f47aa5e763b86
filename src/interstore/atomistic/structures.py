"""Heterostructure models: built-in V-oxide | substrate cells and structure files.

Built-in cells (slab normal along z, substrate below the oxide, ≥ 15 Å vacuum):

- ``vo2-graphene``: a 1T-type VO₂ monolayer (edge-sharing VO₆ octahedra, one V
  plane between two O planes) strained onto *pristine* graphene.  The lower O
  plane starts ``gap_A`` (default 1.4 Å, C–O bonding distance) above the
  sheet, so the potential may form V–O–C bonds or push the layer away.  With
  CHGNet the layer relaxes to a ~2.9 Å van-der-Waals contact with no V–O–C
  bond: the scan reports it (no bridges, W_adh) rather than hiding it.
  Default 5×5 graphene (C50) + 4×4 VO₂ (V16O32 = two V8O16 units): 98 atoms,
  VO₂ in-plane constant 3.075 Å (≈ +5 % strain vs. ~2.93 Å for the free layer).
- ``vo2-graphene-vac`` (stated variant, rGO-like): the same with ``vacancies``
  C atoms (2, ≥ 5 Å apart) removed below V atoms; the dangling C bind the
  lower O of that V (relaxed: C–O ≈ 1.3 Å, V–O ≈ 2.1 Å), i.e. V–O–C bridges
  anchored at defects.  96 atoms.
- ``vo2-ti3c2``: the same VO₂ layer on a bare Ti₃C₂ MXene sheet (a = 3.07 Å,
  1:1 registry).  The lower O plane sits in the hollow sites above the top Ti
  plane at the height of an O termination (``gap_A`` default 1.1 Å), giving
  V–O–Ti bridges.  Default 3×3: Ti27C18 + V9O18 = 72 atoms.
- ``vo2-ti3c2tx``: VO₂ on terminated Ti₃C₂Tₓ.  Both faces carry terminations
  in the hollow sites above the middle Ti plane (the site of O in Ti₃C₂O₂),
  Ti–T 2.1 Å vertical 1.1 Å; per 3×3 face 5 O, 2 OH (O–H 0.97 Å, pointing
  out) and 2 F (O-rich mixture; ``terminations`` changes it).  The VO₂
  layer's lower O plane sits ``gap_A`` (default 1.9 Å, an H···O hydrogen
  bond) above the OH hydrogens, laterally shifted so its lower O sit over the
  termination-free hollows (above C): bonding across
  the interface is whatever the potential makes of V–O···T contacts (no
  V–O–Ti bridge is imposed).  Ti27C18 O14 H4 F4 + V9O18 = 94 atoms.
- ``vo2-ruo2``: rutile VO₂(110) on rutile RuO₂(110), the rutile-on-rutile
  construction: a RuO₂(110) slab of ``substrate_layers`` (default 2) M₂O₄
  trilayers (experimental RuO₂ cell, Bolzan et al. 1997), stoichiometric with
  bridging O on both faces, and above it ``oxide_layers`` (2) trilayers of the
  same lattice with Ru → V (VO₂(R) strained to RuO₂: +9.0 % along [001],
  −1.4 % along [1−10]), continuing the rutile stacking but opened by
  ``gap_A`` (default 2.0 Å): the interfacial O_br–M_cus contacts (V–O–Ru
  bridges in the closed, coherent interface) start stretched, and the
  relaxation decides whether the interface closes (locked) or stays open.
  2×1 surface cell (6.35 × 6.21 Å): Ru8O16 + V8O16 = 48 atoms.

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
                       vacancies: int = 0):
    """VO₂ monolayer on graphene, pristine by default (98 atoms); ``vacancies=2`` gives the
    vacancy-anchored (rGO-like) variant, 96 atoms.  See module docstring."""
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


TERMINATIONS = ("O", "O", "OH", "O", "F", "O", "OH", "F", "O")  # per 3×3 face, 5 O : 2 OH : 2 F
TERMINATION_HEIGHT_A = 1.1  # Å, T plane above/below the outer Ti plane
OH_BOND_A = 0.97


def _terminate(sheet, repeat: int, terminations: tuple[str, ...]):
    """Add O/OH/F in the hollow sites above the middle Ti plane (fractional 2/3, 1/3 of the
    primitive cell) on both faces of a ``repeat``×``repeat`` Ti₃C₂ sheet."""
    from ase import Atoms

    cell = np.asarray(sheet.cell)[:2, :2] / repeat  # primitive in-plane vectors
    z_top, z_bottom = sheet.positions[:, 2].max(), sheet.positions[:, 2].min()
    symbols, positions = [], []
    sites = [(i, j) for i in range(repeat) for j in range(repeat)]
    for face, (z0, sign) in enumerate(((z_top, 1), (z_bottom, -1))):
        for k, (i, j) in enumerate(sites):
            t = terminations[(k + face) % len(terminations)]
            x, y = (2 / 3 + i) * cell[0] + (1 / 3 + j) * cell[1]
            z = z0 + sign * TERMINATION_HEIGHT_A
            symbols.append("F" if t == "F" else "O")
            positions.append([x, y, z])
            if t == "OH":
                symbols.append("H")
                positions.append([x, y, z + sign * OH_BOND_A])
    return sheet + Atoms(symbols, positions=positions, cell=sheet.cell, pbc=True)


def build_vo2_ti3c2tx(repeat: int = 3, gap_A: float = 1.9, terminations: tuple[str, ...] = TERMINATIONS):
    """VO₂ monolayer on O/OH/F-terminated Ti₃C₂Tₓ; default 94 atoms.  See module docstring."""
    sheet = _terminate(ti3c2_sheet(repeat), repeat, terminations)
    oxide = vo2_layer(TI3C2_A, repeat)
    shift = (oxide.cell[0] + 2 * oxide.cell[1]) / (3 * repeat)  # lower O from the T sites to the hollows over C
    oxide.positions[:, :2] += shift[:2]
    oxide.wrap()
    return stack(sheet, oxide, gap_A)


def build_vo2_ruo2(repeat: int = 2, substrate_layers: int = 2, oxide_layers: int = 2, gap_A: float = 2.0):
    """Rutile VO₂(110) on RuO₂(110) opened by ``gap_A``; default 48 atoms.  See module docstring."""
    from ase.build import surface

    from .validation import REFERENCES

    layers = substrate_layers + oxide_layers
    slab = surface(REFERENCES["RuO2"].build(), (1, 1, 0), layers, vacuum=VACUUM_A / 2, periodic=True)
    sym = np.array(slab.get_chemical_symbols())
    z = slab.positions[:, 2]
    metal = z[sym == "Ru"]
    top, bottom = metal.max(), metal.min()
    bridge_height = z[(sym == "O") & (z > top + 0.5) & (z < top + 1.5)].max() - top
    # ASE's cut leaves the on-top O of the last plane above it: move it below the first plane (bridging O)
    slab.positions[(sym == "O") & (z > top + 1.5), 2] = bottom - bridge_height
    planes = np.unique(np.round(metal, 2))
    split = 0.5 * (planes[substrate_layers - 1] + planes[substrate_layers]) + 0.3  # that plane's O_br stays below
    upper = slab.positions[:, 2] > split
    sym[upper & (sym == "Ru")] = "V"
    slab.set_chemical_symbols(sym)
    slab.positions[upper, 2] += gap_A
    sub, ox = slab[~upper].repeat((1, repeat, 1)), slab[upper].repeat((1, repeat, 1))
    return stack(sub, ox, float(ox.positions[:, 2].min() - sub.positions[:, 2].max()))


@dataclass(frozen=True)
class Builtin:
    """A named built-in heterostructure: builder and the interfacial bridge it models."""

    name: str
    bridge: str
    description: str

    @property
    def closed_variant(self):
        """The same interface built closed (no pre-opened gap), or None: the reference for the opening energy."""
        return build_vo2_ruo2(gap_A=0.0) if self.name == "vo2-ruo2" else None

    def build(self):
        return {"vo2-graphene": build_vo2_graphene, "vo2-graphene-vac": lambda: build_vo2_graphene(vacancies=2),
                "vo2-ti3c2": build_vo2_ti3c2, "vo2-ti3c2tx": build_vo2_ti3c2tx,
                "vo2-ruo2": build_vo2_ruo2}[self.name]()


BUILTINS = {
    "vo2-graphene": Builtin("vo2-graphene", "V–O–C", "1T-VO2 monolayer (V16O32) on pristine 5×5 graphene, 98 atoms"),
    "vo2-graphene-vac": Builtin("vo2-graphene-vac", "V–O–C", "variant: 1T-VO2 monolayer (V16O32) on 5×5 graphene "
                                                           "with 2 C vacancies anchoring V–O–C, 96 atoms"),
    "vo2-ti3c2": Builtin("vo2-ti3c2", "V–O–Ti", "1T-VO2 monolayer (V9O18) on 3×3 bare Ti3C2, 72 atoms"),
    "vo2-ti3c2tx": Builtin("vo2-ti3c2tx", "V–O···T–Ti", "1T-VO2 monolayer (V9O18) on 3×3 Ti3C2Tx, T = 5 O, "
                                                       "2 OH, 2 F per face, 94 atoms"),
    "vo2-ruo2": Builtin("vo2-ruo2", "V–O–Ru", "rutile VO2(110) (V8O16) on RuO2(110) (Ru8O16), opened 2 Å, 48 atoms"),
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
