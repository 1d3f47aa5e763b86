"""E_b(n), voltage steps, V–O–X bridge metrics and n_max from DFT output files (no calculator).

Inputs: the relaxed bare interface, a Zn-only reference cell, the relaxed
loaded cells (n = 1, 2, …) and, optionally, the cells relaxed again after the
Zn were removed.  Each loaded file must hold exactly the substrate's atoms
plus n Zn.  Bridge metrics (see :mod:`.bonds`) need the substrate atoms first
and in the same order (Zn appended), as in a POSCAR whose species line is
extended by Zn: loaded cells in another order are reported without bond
metrics; unloaded cells in another order are an input error, since their only
use is the bond check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .adhesion import DETACHES_BELOW_J_m2, LOCKED_ABOVE_J_m2, Adhesion, interface_area_A2, work_of_adhesion
from .binding import BindingCurve, binding_curve
from .bonds import BondState, Bridges, bond_state, find_bridges
from .dft_io import DftEnergy, check_loaded_composition, read_dft_energy, zn_energy_per_atom
from .limit import LimitCapacity, limit_capacity
from .reversible import ReversibleLimit, reversible_limit
from .structures import tag_by_element


@dataclass(frozen=True)
class DftBinding:
    """Binding curve, bridge metrics, reversible limit and capacity from DFT files."""

    substrate: DftEnergy
    zn_ref_eV: float
    zn_ref_source: str
    loaded: dict[int, DftEnergy]
    bridges: Bridges
    bonds_loaded: dict[int, BondState]
    bonds_unloaded: dict[int, BondState]
    curve: BindingCurve
    limit: ReversibleLimit
    formula_units: float
    capacity: LimitCapacity

    def to_dict(self) -> dict:
        per_n = []
        for n, dft in sorted(self.loaded.items()):
            loaded, unloaded = self.bonds_loaded.get(n), self.bonds_unloaded.get(n)
            per_n.append({"n_zn": n, "file": dft.source, "energy_eV": dft.energy_eV,
                          "bonds_loaded": loaded.to_dict() if loaded else None,
                          "bonds_after_zn_removal": unloaded.to_dict() if unloaded else None,
                          "bonds_reform": None if unloaded is None else unloaded.broken == 0})
        return {
            "eb_eV": list(self.curve.eb_eV), "eb_per_zn_eV": list(self.curve.eb_per_zn_eV),
            "voltage_V": list(self.curve.voltage_V), "n_max": self.limit.n_max,
            "n_max_per_formula_unit": self.limit.n_max / self.formula_units,
            "capacity_mAh_g": dict(self.capacity.capacity_mAh_g), "capacity": self.capacity.to_dict(),
            "reference": {"kind": "file", "file": self.zn_ref_source, "energy_eV_per_atom": self.zn_ref_eV},
            "calculator": {"name": "DFT output files", "readers": sorted({d.reader for d in self.loaded.values()}),
                           "substrate_file": self.substrate.source},
            "structure": {"formula": self.substrate.formula, "oxide_formula_units": self.formula_units,
                          "oxide_formula": self.capacity.formula, "interfacial_bridges": len(self.bridges),
                          "bridge_types": sorted(set(self.bridges.labels))},
            "binding": self.curve.to_dict(), "criteria": self.limit.to_dict(), "per_n": per_n,
        }


def formula_units(counts: dict[str, int], formula: str, source: str | Path) -> float:
    """Number of ``formula`` units in a cell, counted by the formula's first non-O element."""
    from pymatgen.core import Composition

    from ..theoretical import molar_mass_g_mol

    molar_mass_g_mol(formula)  # validates the formula
    comp = Composition(formula)
    cation = next((str(el) for el in comp.elements if str(el) != "O"), None)
    if cation is None or counts.get(cation, 0) == 0:
        raise InputError(source, f"contains no {cation or 'cation'} of {formula}",
                         expected=f"a cell containing the {formula} oxide")
    return counts[cation] / comp[cation]


def _substrate_first(substrate: DftEnergy, other: DftEnergy) -> bool:
    ref = substrate.atoms.get_chemical_symbols()
    sym = other.atoms.get_chemical_symbols()
    return sym[:len(ref)] == ref and all(s == "Zn" for s in sym[len(ref):])


def binding_from_files(substrate: str | Path, zn_ref: str | Path, loaded: dict[int, Path],
                       unloaded: dict[int, Path] | None = None, *, formula: str = "V8O16",
                       eb_threshold_eV: float = 0.0) -> DftBinding:
    """Read every file, check compositions and atom order, and assemble the per-n criteria."""
    unloaded = unloaded or {}
    if not loaded:
        raise InputError("loaded cells", "none given", expected="at least one n=FILE")
    extra = sorted(set(unloaded) - set(loaded))
    if extra:
        raise InputError("unloaded cells", f"n = {extra} have no loaded cell", expected="the same n as the loaded cells")
    sub = read_dft_energy(substrate)
    units = formula_units(sub.counts, formula, substrate)
    e_zn = zn_energy_per_atom(zn_ref)
    sub.atoms.set_tags(tag_by_element(sub.atoms))
    bridges = find_bridges(sub.atoms)
    cells, bonds_loaded, bonds_unloaded = {}, {}, {}
    for n, path in sorted(loaded.items()):
        cells[n] = read_dft_energy(path)
        check_loaded_composition(sub, cells[n], n)
        if _substrate_first(sub, cells[n]):
            bonds_loaded[n] = bond_state(bridges, cells[n].atoms)
    for n, path in sorted(unloaded.items()):
        cell = read_dft_energy(path)
        check_loaded_composition(sub, cell, 0)
        if not _substrate_first(sub, cell):
            raise InputError(path, "atoms are not in the substrate file's order",
                             expected=f"the same atom order as {substrate}")
        bonds_unloaded[n] = bond_state(bridges, cell.atoms)
    curve = binding_curve({n: c.energy_eV for n, c in cells.items()}, sub.energy_eV, e_zn)
    reform = {n: s.broken == 0 for n, s in bonds_unloaded.items()}
    limit = reversible_limit(curve, reform or None, eb_threshold_eV=eb_threshold_eV)
    cap = limit_capacity(limit.n_max / units, formula)
    return DftBinding(sub, e_zn, str(zn_ref), cells, bridges, bonds_loaded, bonds_unloaded, curve, limit, units, cap)


def adhesion_from_files(interface: str | Path, oxide_slab: str | Path, substrate_slab: str | Path, *,
                        locked_above_J_m2: float = LOCKED_ABOVE_J_m2,
                        detaches_below_J_m2: float = DETACHES_BELOW_J_m2) -> Adhesion:
    """W_adh = (E_oxide + E_substrate − E_interface)/A from three DFT runs; A from the interface cell.

    The two slab cells must together hold exactly the interface's atoms."""
    joined = read_dft_energy(interface)
    alpha, beta = read_dft_energy(oxide_slab), read_dft_energy(substrate_slab)
    total = dict(alpha.counts)
    for el, k in beta.counts.items():
        total[el] = total.get(el, 0) + k
    if total != joined.counts:
        raise InputError(oxide_slab, f"{alpha.formula} + {beta.formula} is not the interface {joined.formula}",
                         expected="oxide slab + substrate slab = the interface cell's atoms")
    return work_of_adhesion(alpha.energy_eV, beta.energy_eV, joined.energy_eV, interface_area_A2(joined.atoms.cell),
                            locked_above_J_m2=locked_above_J_m2, detaches_below_J_m2=detaches_below_J_m2)
