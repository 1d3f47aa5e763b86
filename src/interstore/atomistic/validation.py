"""Validation of each potential against experiment: lattice constants of the interfaces' end members.

Every end member is built from its experimental structure, its cell and
positions relaxed with the potential (ASE ``FrechetCellFilter``, BFGS,
max |F| and stress-scaled cell forces ≤ 0.02 eV Å⁻¹, ≤ 150 steps), and
each lattice parameter is compared with experiment:

    error = (x_potential − x_experiment) / x_experiment          (%)

A parameter off by more than ``TOLERANCE`` (3 %) is reported as a miss,
unless it is a declared *exception*: an interlayer spacing held by van der
Waals forces (graphite c, V₂O₅ c).  CHGNet and SevenNet learned from PBE/PBE+U
data, which has no dispersion, so these spacings are known to come out too
large (PBE graphite: c ≈ 8–9 Å); they are reported, never hidden, and they do
not enter the interface energies through the in-plane cells used here.

Experimental references (room temperature unless stated):

==========  =======================================  ==========================================
member      a, b, c (Å)                              source
==========  =======================================  ==========================================
Zn (hcp)    a 2.6649, c 4.9468                       CRC Handbook of Chemistry and Physics,
                                                     97th ed., "Crystal structures" (Zn, 298 K)
graphite    a 2.464, c 6.711                         Trucano & Chen, Nature 258, 136 (1975)
VO₂ (R)     a 4.5546, c 2.8514 (360 K), u 0.3001     McWhan et al., Phys. Rev. B 10, 490 (1974)
V₂O₅        a 11.512, b 3.564, c 4.368 (Pmmn)        Enjalbert & Galy, Acta Cryst. C42, 1467
                                                     (1986), ICSD 60767
ZnO         a 3.2496, c 5.2042, u 0.3819             Kisi & Elcombe, Acta Cryst. C45, 1867 (1989)
RuO₂        a 4.4919, c 3.1066, u 0.3058             Bolzan et al., Acta Cryst. B53, 373 (1997)
Ti₃C₂Tₓ     a 3.057 (in-plane)                       Naguib et al., Adv. Mater. 23, 4248 (2011)
VO₂(B)      a 12.03, b 3.693, c 6.42, β 106.6° (C2/m)  Théobald, Cabala & Bernard, J. Solid State
                                                     Chem. 17, 431 (1976) (PDF 31-1438)
V₂O₃        a 4.9515, c 14.003 (R-3c, hex. axes)     Dernier, J. Phys. Chem. Solids 31, 2569
                                                     (1970), room temperature
==========  =======================================  ==========================================

V₂O₅: V and the vanadyl O at the reported coordinates; the chain and bridge O
placed to reproduce the reported V–O distances (1.58, 1.78, 1.88 ×2, 2.02 Å).
Ti₃C₂: the measured a is of the terminated (Tₓ = O/OH/F) sheet; the bare
sheet is relaxed in-plane only (out-of-plane cell fixed, vacuum) and compared
with it, which is approximate to ~1 % (DFT: bare 3.10 Å, O-terminated 3.03 Å).
VO₂(B): the bronze (TiO₂(B)-type) framework, relaxed in its 12-atom primitive
cell and compared on the conventional C2/m axes (a = p₁ + p₂, b = p₂ − p₁,
c = p₃ for ASE's C-centred primitive vectors p₁ = (a − b)/2, p₂ = (a + b)/2);
the six 4i sites start from approximate TiO₂(B)-type coordinates
(after Feist & Davies, J. Solid State Chem. 101, 275 (1992); not a refined
VO₂(B) structure) placed in the measured VO₂(B) cell, which puts every V in
an octahedron (V–O 1.76–2.32 Å; tested) before the potential relaxes cell
and positions; a, b and c are compared, β is not.
V₂O₃ (corundum, V 12c z 0.3463, O 18e x 0.3116) is relaxed in its 10-atom
rhombohedral cell and compared on hexagonal axes; it is here as an end
member of the reaction-energy checks (:mod:`.reactions`).

Every relaxed end member also keeps its energy per atom
(:func:`relaxed_member`), so the reaction energies of :mod:`.reactions` use
the same relaxations as the lattice check.

Measured misses (> 3 %, not van der Waals), reported in every scan and pinned
in the tests as ``KNOWN_MISSES`` so that a change in either direction shows:

- rutile VO₂ c (the V–V distance along the edge-sharing chains), CHGNet
  +6.3 %: the MPtrj data are PBE+U (U_V = 3.25 eV), which localises the V 3d
  electron and lengthens c of the metallic rutile phase;
- hcp Zn c, SevenNet-0 +3.6 %: PBE overestimates the c/a of Zn (weak
  interlayer bonding of the hcp planes); CHGNet +1.1 %;
- corundum V₂O₃ a, CHGNet +3.9 %, SevenNet-0 +4.0 % (c within 0.4 %): the
  room-temperature reference is the paramagnetic metal, the PBE+U training
  data describe a magnetic insulator whose V–V pairs in the basal plane
  are pushed apart.

On the line (``ON_THE_LINE``: within 0.25 % of the tolerance, reported as a
miss whenever over 3 %, pinned in the tests to that band rather than to a
side):

- rutile VO₂ c, SevenNet-0 +3.0 % (+3.06 % with the FIRE-then-BFGS
  relaxation used before), the same PBE+U effect, smaller;
- VO₂(B) a, SevenNet-0 +3.1 % (b +1.4 %, c +1.5 %).  The stacking axis a is
  the softest: relaxed further, to 0.005 eV Å⁻¹, it ends at +3.01 % (FIRE
  then BFGS) and +3.02 % (BFGS), and the energies of these cells differ by
  < 3·10⁻⁵ eV per atom.  CHGNet is within 3 % (a +2.5 %, b +2.7 %, c +0.9 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

TOLERANCE = 0.03  # relative lattice-constant error above which a potential "misses" an end member
FMAX_eV_A = 0.02
STEPS = 150


@dataclass(frozen=True)
class LatticeReference:
    """An end member: experimental lattice parameters (Å), their source, and which ones are exceptions."""

    name: str
    parameters_A: dict[str, float]
    source: str
    exceptions: dict[str, str]
    in_plane_only: bool = False

    def build(self):
        return _BUILDERS[self.name](self)


@dataclass(frozen=True)
class LatticeCheck:
    """One lattice parameter of one end member with one potential."""

    member: str
    parameter: str
    experiment_A: float
    computed_A: float
    source: str
    calculator: str
    exception: str | None

    @property
    def error(self) -> float:
        """Relative error (computed − experiment)/experiment (fraction, not %)."""
        return (self.computed_A - self.experiment_A) / self.experiment_A

    @property
    def within_tolerance(self) -> bool:
        return abs(self.error) <= TOLERANCE

    @property
    def status(self) -> str:
        if self.within_tolerance:
            return "ok"
        if self.exception:
            return f"documented exception: {self.exception}"
        key = (self.calculator, self.member, self.parameter)
        known = KNOWN_MISSES.get(key) or ON_THE_LINE.get(key)
        return f"MISSES by more than {TOLERANCE:.0%}" + (f" (known: {known})" if known else "")

    def to_dict(self) -> dict:
        return {"member": self.member, "parameter": self.parameter, "experiment_A": self.experiment_A,
                "computed_A": self.computed_A, "error_percent": 100 * self.error, "source": self.source,
                "calculator": self.calculator, "within_3_percent": self.within_tolerance,
                "exception": self.exception, "status": self.status}


KNOWN_MISSES = {
    ("chgnet", "VO2-R", "c"): "PBE+U training data lengthen c of metallic rutile VO2",
    ("sevennet-0", "Zn", "c"): "PBE overestimates c/a of hcp Zn",
    ("chgnet", "V2O3", "a"): "PBE+U training data expand the basal plane of corundum V2O3",
    ("sevennet-0", "V2O3", "a"): "PBE+U training data expand the basal plane of corundum V2O3",
}
# within ON_THE_LINE_PERCENT of the tolerance: reported as a miss when over it, pinned in the tests to the band
ON_THE_LINE = {
    ("sevennet-0", "VO2-R", "c"): "on the 3 % line (+3.0 to +3.1 %); PBE+U lengthens c of metallic rutile VO2",
    ("sevennet-0", "VO2-B", "a"): "on the 3 % line (+3.0 to +3.1 %, depending on the last relaxation steps)",
}
ON_THE_LINE_PERCENT = 0.25
VDW = "interlayer spacing set by van der Waals forces, absent from the PBE training data"
REFERENCES = {
    "Zn": LatticeReference("Zn", {"a": 2.6649, "c": 4.9468},
                           "CRC Handbook of Chemistry and Physics, 97th ed. (hcp Zn, 298 K)", {}),
    "graphite": LatticeReference("graphite", {"a": 2.464, "c": 6.711},
                                 "Trucano & Chen, Nature 258, 136 (1975)", {"c": VDW}),
    "VO2-R": LatticeReference("VO2-R", {"a": 4.5546, "c": 2.8514},
                              "McWhan et al., Phys. Rev. B 10, 490 (1974), rutile VO2 at 360 K", {}),
    "V2O5": LatticeReference("V2O5", {"a": 11.512, "b": 3.564, "c": 4.368},
                             "Enjalbert & Galy, Acta Cryst. C42, 1467 (1986), ICSD 60767", {"c": VDW}),
    "ZnO": LatticeReference("ZnO", {"a": 3.2496, "c": 5.2042},
                            "Kisi & Elcombe, Acta Cryst. C45, 1867 (1989), wurtzite", {}),
    "RuO2": LatticeReference("RuO2", {"a": 4.4919, "c": 3.1066},
                             "Bolzan et al., Acta Cryst. B53, 373 (1997), rutile", {}),
    "Ti3C2": LatticeReference("Ti3C2", {"a": 3.057},
                              "Naguib et al., Adv. Mater. 23, 4248 (2011), Ti3C2Tx XRD (terminated sheet)", {},
                              in_plane_only=True),
    "VO2-B": LatticeReference("VO2-B", {"a": 12.03, "b": 3.693, "c": 6.42},
                              "Théobald, Cabala & Bernard, J. Solid State Chem. 17, 431 (1976), VO2(B), C2/m, "
                              "beta 106.6 deg (PDF 31-1438)", {}),
    "V2O3": LatticeReference("V2O3", {"a": 4.9515, "c": 14.003},
                             "Dernier, J. Phys. Chem. Solids 31, 2569 (1970), corundum V2O3, hexagonal axes", {}),
}
VO2B_BETA_DEG = 106.6


def _crystal(symbols, basis, spacegroup, cellpar, setting=1, primitive=True):
    from ase.spacegroup import crystal

    return crystal(symbols, basis, spacegroup=spacegroup, cellpar=cellpar, setting=setting, primitive_cell=primitive)


def _zn(ref):
    from ase.build import bulk

    return bulk("Zn", "hcp", a=ref.parameters_A["a"], c=ref.parameters_A["c"])


def _graphite(ref):
    p = ref.parameters_A
    return _crystal(["C", "C"], [(0, 0, 0.25), (1 / 3, 2 / 3, 0.25)], 194, [p["a"], p["a"], p["c"], 90, 90, 120])


def _rutile(metal: str, u: float):
    def build(ref):
        p = ref.parameters_A
        return _crystal([metal, "O"], [(0, 0, 0), (u, u, 0)], 136, [p["a"], p["a"], p["c"], 90, 90, 90])
    return build


def _v2o5(ref):
    p = ref.parameters_A
    return _crystal(["V", "O", "O", "O"], [(0.10118, 0.25, 0.89226), (0.10430, 0.25, 0.53086), (-0.07, 0.25, 0.0),
                                           (0.25, 0.25, -0.003)], 59, [p["a"], p["b"], p["c"], 90, 90, 90], setting=2)


def _zno(ref):
    p = ref.parameters_A
    return _crystal(["Zn", "O"], [(1 / 3, 2 / 3, 0), (1 / 3, 2 / 3, 0.3819)], 186, [p["a"], p["a"], p["c"], 90, 90, 120])


def _ti3c2(ref):
    from .structures import ti3c2_sheet

    sheet = ti3c2_sheet(1)
    sheet.set_cell([ref.parameters_A["a"] / sheet.cell.lengths()[0] * v if k < 2 else v
                    for k, v in enumerate(sheet.cell)], scale_atoms=True)
    return sheet


def _vo2_b(ref):
    """VO2(B), C2/m primitive cell (Z = 4; conventional Z = 8): approximate TiO2(B)-type 4i coordinates in the
    VO2(B) cell."""
    p = ref.parameters_A
    basis = [(0.3034, 0, 0.7145), (0.4004, 0, 0.2936), (0.3605, 0, 0.0023), (0.2350, 0, 0.3373),
             (0.1310, 0, 0.6964), (0.4355, 0, 0.6472)]
    return _crystal(["V", "V", "O", "O", "O", "O"], basis, 12, [p["a"], p["b"], p["c"], 90, VO2B_BETA_DEG, 90])


def vo2_b_conventional_cell(atoms) -> np.ndarray:
    """The conventional C2/m cell vectors (Å, rows a, b, c) of a VO₂(B) primitive cell built by :func:`_vo2_b`."""
    from ase.spacegroup import Spacegroup

    return np.linalg.solve(Spacegroup(12).scaled_primitive_cell, atoms.cell.array)


def _v2o3(ref):
    p = ref.parameters_A
    return _crystal(["V", "O"], [(0, 0, 0.3463), (0.3116, 0, 0.25)], 167, [p["a"], p["a"], p["c"], 90, 90, 120])


_BUILDERS = {"Zn": _zn, "graphite": _graphite, "VO2-R": _rutile("V", 0.3001), "V2O5": _v2o5, "ZnO": _zno,
             "RuO2": _rutile("Ru", 0.3058), "Ti3C2": _ti3c2, "VO2-B": _vo2_b, "V2O3": _v2o3}


def _lattice_parameters(atoms, ref: LatticeReference) -> dict[str, float]:
    lengths = atoms.cell.lengths()
    if ref.name == "V2O5":
        return dict(zip("abc", (float(x) for x in lengths)))
    if ref.name == "VO2-B":
        return dict(zip("abc", (float(x) for x in np.linalg.norm(vo2_b_conventional_cell(atoms), axis=1))))
    if ref.name == "V2O3":  # rhombohedral primitive vectors r1, r2, r3: a_hex = |r1 − r2|, c_hex = |r1 + r2 + r3|
        r = atoms.cell.array
        a_hex = np.mean([np.linalg.norm(r[i] - r[(i + 1) % 3]) for i in range(3)])
        return {"a": float(a_hex), "c": float(np.linalg.norm(r.sum(axis=0)))}
    return {"a": float(lengths[0]), **({"c": float(lengths[2])} if "c" in ref.parameters_A else {})}


def relax_cell(atoms, calculator: str, in_plane_only: bool = False):
    """Relax cell and positions of a bulk crystal (or only the in-plane cell of a sheet)."""
    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS

    from .calculator import SLAB_CELL_MASK, load_calculator

    a = atoms.copy()
    a.calc = load_calculator(calculator)
    target = FrechetCellFilter(a, mask=list(SLAB_CELL_MASK) if in_plane_only else None)
    BFGS(target, logfile=None).run(fmax=FMAX_eV_A, steps=STEPS)
    return a


@dataclass(frozen=True)
class RelaxedMember:
    """An end member relaxed by one potential: lattice parameters (Å), energy per atom (eV), atom count."""

    name: str
    calculator: str
    parameters_A: dict[str, float]
    energy_eV_per_atom: float
    n_atoms: int


@lru_cache(maxsize=None)
def relaxed_member(calculator: str, name: str) -> RelaxedMember:
    """Relax end member ``name`` with ``calculator`` once per process (lattice and reaction checks share it)."""
    ref = REFERENCES[name]
    relaxed = relax_cell(ref.build(), calculator, ref.in_plane_only)
    energy = float(relaxed.get_potential_energy())
    return RelaxedMember(name, calculator, _lattice_parameters(relaxed, ref), energy / len(relaxed), len(relaxed))


@lru_cache(maxsize=None)
def lattice_checks(calculator: str, members: tuple[str, ...] = tuple(REFERENCES)) -> tuple[LatticeCheck, ...]:
    """Relax every end member with ``calculator`` and compare its lattice parameters with experiment."""
    out = []
    for name in members:
        ref = REFERENCES[name]
        computed = relaxed_member(calculator, name).parameters_A
        for key, exp in ref.parameters_A.items():
            out.append(LatticeCheck(name, key, exp, computed[key], ref.source, calculator, ref.exceptions.get(key)))
    return tuple(out)


def misses(checks) -> list[LatticeCheck]:
    """Checks outside the 3 % tolerance that are not documented exceptions."""
    return [c for c in checks if not c.within_tolerance and not c.exception]


def validation_summary(checks, reactions=()) -> dict:
    """JSON-ready summary: every lattice check and reaction check (:mod:`.reactions`), the worst |error| per
    potential and the misses."""
    from .reactions import TOLERANCE_eV, reaction_misses

    checks, reactions = list(checks), list(reactions)
    by_calc: dict[str, list] = {}
    for c in checks:
        by_calc.setdefault(c.calculator, []).append(c)
    return {"tolerance_percent": 100 * TOLERANCE,
            "lattice": [c.to_dict() for c in checks],
            "max_abs_error_percent": {k: float(max(abs(100 * c.error) for c in v if not c.exception))
                                      for k, v in by_calc.items()},
            "reactions": [r.to_dict() for r in reactions],
            "reaction_tolerance_eV": TOLERANCE_eV,
            "misses": [f"{c.calculator}: {c.member} {c.parameter} off by {100 * c.error:+.1f} %"
                       for c in misses(checks)]
                      + [f"{r.calculator}: {r.equation} off by {r.error_eV:+.2f} eV per Zn" for r in
                         reaction_misses(reactions)],
            "method": f"cell + positions relaxed (FrechetCellFilter, BFGS, fmax {FMAX_eV_A} eV/Å, "
                      f"≤ {STEPS} steps); reaction energies from the same relaxed end members"}
