"""The embedded machine-learned potential (CHGNet), relaxation and the Zn reference energy.

CHGNet (Deng et al., Nat. Mach. Intell. 5, 1031 (2023)) is a universal graph
potential trained on the Materials Project relaxation trajectories (PBE/PBE+U,
MPtrj).  Its pretrained weights ship inside the ``chgnet`` wheel and are loaded
from there (no download); torch runs on the CPU.  torch and chgnet are
imported only when a calculator is first requested, so the rest of
interstore works without the ``[atomistic]`` extra.

Only the requested properties are predicted: single points ask for the
energy alone (about 3× cheaper than chgnet's default energy + forces +
stress + magnetic moments), relaxations for energy and forces.

Relaxation: ASE FIRE (default) or BFGS on the atomic positions, stopped at
max |F| ≤ ``fmax_eV_A`` or after ``steps``; each step moves an atom at most
``maxstep_A``.  The defaults are deliberately cheap for a CPU.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import InputError, require_positive

CALCULATORS = ("chgnet",)
OPTIMIZERS = ("FIRE", "BFGS")
ZN_HCP_A, ZN_HCP_C = 2.665, 4.947  # Å, experimental hcp Zn lattice constants (starting point)


@dataclass(frozen=True)
class RelaxSettings:
    """Relaxation controls: force criterion (eV Å⁻¹), step cap, per-step displacement cap (Å)."""

    fmax_eV_A: float = 0.1
    steps: int = 40
    maxstep_A: float = 0.2
    optimizer: str = "FIRE"

    def __post_init__(self) -> None:
        require_positive("fmax (eV/Å)", self.fmax_eV_A)
        require_positive("maxstep (Å)", self.maxstep_A)
        if self.maxstep_A > 1.0:
            raise InputError("parameter 'maxstep (Å)'", f"got {self.maxstep_A}", expected="0 < maxstep <= 1 Å")
        if int(self.steps) != self.steps or self.steps < 0:
            raise InputError("parameter 'relax steps'", f"got {self.steps!r}", expected="an integer >= 0")
        if self.optimizer not in OPTIMIZERS:
            raise InputError("parameter 'optimizer'", f"got {self.optimizer!r}", expected=" / ".join(OPTIMIZERS))


@dataclass(frozen=True)
class Relaxed:
    """Outcome of one relaxation: final structure, energy (eV), steps taken, max |F| (eV Å⁻¹)."""

    atoms: object
    energy_eV: float
    steps: int
    fmax_eV_A: float
    converged: bool


def check_calculator(name: str) -> str:
    """Validate a calculator name (cheap; nothing is loaded)."""
    if name not in CALCULATORS:
        raise InputError("parameter 'calculator'", f"got {name!r}", expected=" / ".join(CALCULATORS))
    return name


@lru_cache(maxsize=None)
def load_calculator(name: str = "chgnet"):
    """The ASE calculator ``name`` (loaded once per process from the installed wheel)."""
    check_calculator(name)
    try:
        import torch
        from chgnet.model import CHGNet
        from chgnet.model.dynamics import CHGNetCalculator
    except ImportError:
        raise InputError("calculator 'chgnet'", "torch/chgnet are not installed",
                         expected="pip install 'interstore[atomistic]'") from None
    import warnings

    # chgnet converts a grad-tracking tensor to a scalar on every call; harmless, silenced.
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad", category=UserWarning)
    torch.set_num_threads(1)

    class _Calculator(CHGNetCalculator):
        """CHGNet predicting only what ASE asks for (chgnet's default, "efsm", costs 3× an energy)."""

        def calculate(self, atoms=None, properties=None, system_changes=None, task=None) -> None:
            super().calculate(atoms, properties, system_changes, task=task or chgnet_task(properties))

    with contextlib.redirect_stdout(io.StringIO()):  # chgnet prints banners even with verbose=False
        return _Calculator(model=CHGNet.load(verbose=False), use_device="cpu", on_isolated_atoms="ignore")


def chgnet_task(properties) -> str:
    """CHGNet prediction task for the ASE properties requested: energy only -> "e",
    energy and forces -> "ef", anything else (stress, magnetic moments) -> "efsm"."""
    props = set(properties or ("energy", "forces", "stress", "magmoms"))
    if props <= {"energy", "free_energy"}:
        return "e"
    if props <= {"energy", "free_energy", "forces"}:
        return "ef"
    return "efsm"


def calculator_info(name: str = "chgnet") -> dict:
    """Model name, weights version and package version of calculator ``name``."""
    from importlib.metadata import version

    calc = load_calculator(name)
    return {"name": name, "model": "CHGNet", "model_version": str(calc.model.version),
            "package_version": version("chgnet"), "torch_version": version("torch"), "device": "cpu",
            "weights": "pretrained, shipped in the chgnet wheel (MPtrj, PBE/PBE+U)"}


def single_point(atoms, calculator: str = "chgnet") -> float:
    """Potential energy (eV) of ``atoms`` without moving them."""
    a = atoms.copy()
    a.calc = load_calculator(calculator)
    return float(a.get_potential_energy())


def relax(atoms, settings: RelaxSettings = RelaxSettings(), calculator: str = "chgnet") -> Relaxed:
    """Relax atomic positions (cell fixed) with the configured optimizer."""
    from ase.optimize import BFGS, FIRE

    a = atoms.copy()
    a.calc = load_calculator(calculator)
    opt = {"FIRE": FIRE, "BFGS": BFGS}[settings.optimizer](a, logfile=None, maxstep=settings.maxstep_A)
    converged = bool(opt.run(fmax=settings.fmax_eV_A, steps=settings.steps))
    fmax = float(np.linalg.norm(a.get_forces(), axis=1).max()) if len(a) else 0.0
    energy = float(a.get_potential_energy())
    a.calc = None
    return Relaxed(a, energy, int(opt.nsteps), fmax, converged)


@dataclass(frozen=True)
class ZnReference:
    """Zn reference energy per atom (eV) and how it was obtained."""

    kind: str
    energy_eV_per_atom: float
    description: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "energy_eV_per_atom": self.energy_eV_per_atom, "description": self.description}


ZN_REFERENCES = ("bulk", "atom")


def zn_reference(kind: str = "bulk", calculator: str = "chgnet",
                 settings: RelaxSettings = RelaxSettings()) -> ZnReference:
    """Per-atom energy of relaxed bulk hcp Zn (cell and positions) or of an isolated Zn atom."""
    from ase import Atoms
    from ase.build import bulk
    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS

    if kind == "atom":
        atom = Atoms("Zn", positions=[[7.5, 7.5, 7.5]], cell=[15.0] * 3, pbc=True)
        return ZnReference("atom", single_point(atom, calculator),
                           f"isolated Zn atom in a 15 Å box, {calculator} single point (an ML potential sees "
                           "no neighbours here: this is its composition baseline, not a physical atom "
                           "energy; prefer a DFT atom energy from a file)")
    if kind != "bulk":
        raise InputError("parameter 'zn reference'", f"got {kind!r}", expected=" / ".join(ZN_REFERENCES) + " or a file")
    zn = bulk("Zn", "hcp", a=ZN_HCP_A, c=ZN_HCP_C)
    zn.calc = load_calculator(calculator)
    BFGS(FrechetCellFilter(zn), logfile=None).run(fmax=min(settings.fmax_eV_A, 0.02), steps=100)
    a, c = zn.cell.cellpar()[[0, 2]]
    return ZnReference("bulk", float(zn.get_potential_energy()) / len(zn),
                       f"bulk hcp Zn per atom, {calculator}, cell relaxed (a = {a:.3f} Å, c = {c:.3f} Å)")
