"""The shipped machine-learned potentials, relaxation and the Zn reference energy.

Members (all pretrained weights ship inside the installed wheels; nothing is
downloaded; torch, chgnet and sevenn are imported only when a calculator is
first requested, so the rest of interstore works without the ``[atomistic]``
extra):

- ``chgnet``: CHGNet 0.3.0 (Deng et al., Nat. Mach. Intell. 5, 1031 (2023)),
  trained on MPtrj (PBE/PBE+U).
- ``sevennet-0``: SevenNet-0 (11 Jul 2024) (Park et al., J. Chem. Theory
  Comput. 20, 4857 (2024)), equivariant NequIP-type network trained on MPtrj.
- ``sevennet-l3i5``: SevenNet-l3i5, the l_max = 3, 5-interaction variant
  (same data; ≈ 3× the cost of SevenNet-0).

The models run on the GPU when torch sees one (``torch.cuda.is_available()``),
else on the CPU with one thread.  Single points ask for the energy alone
(CHGNet: about 3× cheaper than energy + forces + stress + magnetic moments);
:func:`single_points` predicts a list of structures in batched calls where
the model supports it (CHGNet) and a GPU is present.

Relaxation (:class:`RelaxSettings`): ``BFGS`` (default, ASE) to max |F| ≤
``fmax_eV_A`` within ``steps``; ``FIRE+BFGS`` runs FIRE until max |F| ≤
``switch_factor``·fmax, then BFGS; each step moves an atom at most
``maxstep_A``.  ``cell=True`` also relaxes the in-plane cell vectors (ASE
``FrechetCellFilter`` with the out-of-plane components masked, for slab cells
whose normal is z).

Why BFGS (measured on ``vo2-graphene``, 98 atoms, fmax 0.05 eV Å⁻¹, force
calls, CHGNet): FIRE+BFGS took 131 for the bare interface and 95 with one Zn,
BFGS 56 and 68, FIRE2 57 (one Zn), ASE's PreconLBFGS 83 and 70 (with
line-search failures on the float32 energies).  The initial Hessian α·I
(``bfgs_alpha_eV_A2``) stays at ASE's 70 eV Å⁻²: α = 20 took 41 and 41 calls
here and cut a whole CHGNet scan from 371 to 241 steps, but raised SevenNet-0's
from 205 to 322.  On this flat landscape (a detached VO₂ layer) the optimizers
stop in different minima, up to 0.17 eV apart, each within fmax: that is the
resolution of a greedy relaxation of this cell, whichever optimizer.

Hessian transfer: :func:`relax` returns the approximate Hessian BFGS ended
with (``Relaxed.hessian``, eV Å⁻², over the 3N positions) and accepts one to
start from.  A scan starts the relaxation of n Zn from the Hessian of n − 1
with the new Zn block set to α·I (:func:`hessian_with_atoms_added`), and the
Zn-removal relaxation from the loaded Hessian without the Zn rows
(:func:`hessian_without_atoms`): the soft sliding modes of the interface,
which cost most of the steps, are then known from the start.  Measured with
CHGNet on ``vo2-graphene`` (4 Zn, BFGS, fmax 0.05 eV Å⁻¹): 371 → 271 steps.
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from ..errors import InputError, require_positive

CALCULATORS = ("chgnet", "sevennet-0", "sevennet-l3i5")
COMMITTEE = ("chgnet", "sevennet-0")  # default committee: the two members cheap enough for a CPU scan
OPTIMIZERS = ("BFGS", "FIRE+BFGS", "FIRE")
ZN_HCP_A, ZN_HCP_C = 2.665, 4.947  # Å, experimental hcp Zn lattice constants (starting point)
SLAB_CELL_MASK = (1, 1, 0, 0, 0, 1)  # Voigt xx, yy, zz, yz, xz, xy: in-plane cell only
_SEVENNET_MODELS = {"sevennet-0": ("7net-0", "SevenNet-0 (11Jul2024)"),
                    "sevennet-l3i5": ("7net-l3i5", "SevenNet-l3i5")}


@dataclass(frozen=True)
class RelaxSettings:
    """Relaxation controls: force criterion (eV Å⁻¹), total step cap, per-step displacement cap (Å),
    optimizer, FIRE→BFGS switch at ``switch_factor``·fmax, whether the in-plane cell relaxes, and the
    initial BFGS Hessian α·I (``bfgs_alpha_eV_A2``, eV Å⁻²; ASE's default is 70)."""

    fmax_eV_A: float = 0.05
    steps: int = 300
    maxstep_A: float = 0.2
    optimizer: str = "BFGS"
    cell: bool = False
    switch_factor: float = 3.0
    bfgs_alpha_eV_A2: float = 70.0

    def __post_init__(self) -> None:
        require_positive("fmax (eV/Å)", self.fmax_eV_A)
        require_positive("maxstep (Å)", self.maxstep_A)
        if self.maxstep_A > 1.0:
            raise InputError("parameter 'maxstep (Å)'", f"got {self.maxstep_A}", expected="0 < maxstep <= 1 Å")
        if int(self.steps) != self.steps or self.steps < 0:
            raise InputError("parameter 'relax steps'", f"got {self.steps!r}", expected="an integer >= 0")
        if self.optimizer not in OPTIMIZERS:
            raise InputError("parameter 'optimizer'", f"got {self.optimizer!r}", expected=" / ".join(OPTIMIZERS))
        require_positive("BFGS initial Hessian alpha (eV/Å²)", self.bfgs_alpha_eV_A2)
        if not self.switch_factor >= 1:
            raise InputError("parameter 'switch factor'", f"got {self.switch_factor!r}", expected=">= 1")


@dataclass(frozen=True)
class Relaxed:
    """Outcome of one relaxation: final structure, energy (eV), steps taken, max |F| (eV Å⁻¹), wall time (s),
    CPU time of the process during it (s) and the approximate Hessian BFGS ended with (None when BFGS did
    not run or the cell relaxed too)."""

    atoms: object
    energy_eV: float
    steps: int
    fmax_eV_A: float
    converged: bool
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    hessian: np.ndarray | None = field(default=None, repr=False, compare=False)  # BFGS's final, eV Å⁻² (3N × 3N)


def check_calculator(name: str) -> str:
    """Validate a calculator name (cheap; nothing is loaded)."""
    if name not in CALCULATORS:
        raise InputError("parameter 'calculator'", f"got {name!r}", expected=" / ".join(CALCULATORS))
    return name


def torch_device() -> str:
    """"cuda" when torch sees a GPU, else "cpu" (torch is imported here, not at module import)."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _import_error(name: str) -> InputError:
    return InputError(f"calculator '{name}'", "torch/chgnet/sevenn are not installed",
                      expected="pip install 'interstore[atomistic]'")


@lru_cache(maxsize=None)
def load_calculator(name: str = "chgnet"):
    """The ASE calculator ``name`` (loaded once per process from the installed wheel)."""
    check_calculator(name)
    import warnings

    try:
        import torch
    except ImportError:
        raise _import_error(name) from None
    if torch_device() == "cpu":
        torch.set_num_threads(1)
    # chgnet converts a grad-tracking tensor to a scalar on every call; sevenn warns that no
    # tensor-product accelerator is installed (it runs, slower); both harmless, silenced.
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad", category=UserWarning)
    warnings.filterwarnings("ignore", message="No tensor product accelerator", category=UserWarning)
    warnings.filterwarnings("ignore", message="`torch.jit.script` is deprecated", category=DeprecationWarning)
    if name == "chgnet":
        return _load_chgnet()
    return _load_sevennet(name)


def _load_chgnet():
    try:
        from chgnet.model import CHGNet
        from chgnet.model.dynamics import CHGNetCalculator
    except ImportError:
        raise _import_error("chgnet") from None

    class _Calculator(CHGNetCalculator):
        """CHGNet predicting only what ASE asks for (chgnet's default, "efsm", costs 3× an energy)."""

        def calculate(self, atoms=None, properties=None, system_changes=None, task=None) -> None:
            super().calculate(atoms, properties, system_changes, task=task or chgnet_task(properties))

    with contextlib.redirect_stdout(io.StringIO()):  # chgnet prints banners even with verbose=False
        return _Calculator(model=CHGNet.load(verbose=False), use_device=torch_device(), on_isolated_atoms="ignore")


def _load_sevennet(name: str):
    try:
        from sevenn.calculator import SevenNetCalculator
    except ImportError:
        raise _import_error(name) from None
    with contextlib.redirect_stdout(io.StringIO()):
        return SevenNetCalculator(_SEVENNET_MODELS[name][0], device=torch_device())


def chgnet_task(properties) -> str:
    """CHGNet prediction task for the ASE properties requested: energy only -> "e",
    energy and forces -> "ef", anything else (stress, magnetic moments) -> "efsm"."""
    props = set(properties or ("energy", "forces", "stress", "magmoms"))
    if props <= {"energy", "free_energy"}:
        return "e"
    if props <= {"energy", "free_energy", "forces"}:
        return "ef"
    return "efsm"


@lru_cache(maxsize=None)
def calculator_info(name: str = "chgnet") -> dict:
    """Model name, weights version, package, torch version and device of calculator ``name``."""
    from importlib.metadata import version

    calc = load_calculator(name)
    if name == "chgnet":
        return {"name": name, "model": "CHGNet", "model_version": str(calc.model.version),
                "package_version": version("chgnet"), "torch_version": version("torch"), "device": torch_device(),
                "weights": "pretrained, shipped in the chgnet wheel (MPtrj, PBE/PBE+U)"}
    return {"name": name, "model": _SEVENNET_MODELS[name][1], "model_version": _SEVENNET_MODELS[name][0],
            "package_version": version("sevenn"), "torch_version": version("torch"), "device": torch_device(),
            "weights": "pretrained, shipped in the sevenn wheel (MPtrj, PBE/PBE+U)"}


def single_point(atoms, calculator: str = "chgnet") -> float:
    """Potential energy (eV) of ``atoms`` without moving them (energy only: no forces are computed)."""
    if calculator != "chgnet":
        return _sevennet_energy(atoms, calculator)
    a = atoms.copy()
    a.calc = load_calculator(calculator)
    return float(a.get_potential_energy())


@lru_cache(maxsize=None)
def _sevennet_energy_model(name: str):
    """SevenNet ``name`` without its force/stress stage.  Its ASE calculator always differentiates the
    energy (an autograd backward pass, about 2/3 of a call); a single point needs the energy alone."""
    import copy

    model = copy.deepcopy(load_calculator(name).model)
    model.delete_module_by_key("force_output")
    return model


def _sevennet_energy(atoms, name: str) -> float:
    """The energy (eV) SevenNetCalculator would return, from the same graph, without forces."""
    import sevenn._keys as KEY
    import torch
    from sevenn.atom_graph_data import AtomGraphData
    from sevenn.train.dataload import unlabeled_atoms_to_graph

    calc = load_calculator(name)
    data = AtomGraphData.from_numpy_dict(unlabeled_atoms_to_graph(atoms, calc.cutoff, with_shift=False))
    if calc.modal:
        data[KEY.DATA_MODALITY] = calc.modal
    data.to(calc.device)
    with torch.no_grad():
        return float(_sevennet_energy_model(name)(data)[KEY.PRED_TOTAL_ENERGY])


def single_points(structures, calculator: str = "chgnet", batch: bool | None = None,
                  batch_size: int = 16) -> list[float]:
    """Potential energies (eV) of many structures.

    ``batch``: predict them in batched CHGNet calls; default (None) batches on a GPU only: on
    one CPU thread a batch of 3 cells of 48–98 atoms took 0.72–1.06× the time of one call each
    (``benchmarks/atomistic.py``), so the CPU path calls the model per structure."""
    structures = list(structures)  # SevenNet: energy-only calls (single_point), one per structure
    if batch is None:
        batch = torch_device() == "cuda"
    if calculator != "chgnet" or not batch or len(structures) < 2:
        return [single_point(a, calculator) for a in structures]
    from pymatgen.io.ase import AseAtomsAdaptor

    model = load_calculator("chgnet").model
    preds = model.predict_structure([AseAtomsAdaptor.get_structure(a) for a in structures], task="e",
                                    batch_size=batch_size)
    per_atom = [float(p["e"]) for p in preds]  # CHGNet predicts energy per atom
    return [e * len(a) if model.is_intensive else e for e, a in zip(per_atom, structures)]


def relax(atoms, settings: RelaxSettings = RelaxSettings(), calculator: str = "chgnet",
          on_step: Callable[[], None] | None = None, hessian: np.ndarray | None = None) -> Relaxed:
    """Relax atomic positions (and the in-plane cell if ``settings.cell``) with the configured optimizer.

    ``on_step`` is called after every optimizer step (progress bars).  ``hessian``: the initial
    Hessian of the BFGS stage (eV Å⁻², shape (3N, 3N) for N atoms; default α·I), ignored when the
    cell relaxes too; the one BFGS ends with is returned (module docstring: Hessian transfer)."""
    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS, FIRE

    start, cpu_start = time.perf_counter(), time.process_time()
    a = atoms.copy()
    a.calc = load_calculator(calculator)
    target = FrechetCellFilter(a, mask=list(SLAB_CELL_MASK)) if settings.cell else a
    if hessian is not None and not settings.cell and np.shape(hessian) != (3 * len(a), 3 * len(a)):
        raise ValueError(f"initial Hessian of shape {np.shape(hessian)} for {len(a)} atoms")
    stages = {"FIRE": [(FIRE, settings.fmax_eV_A)], "BFGS": [(BFGS, settings.fmax_eV_A)],
              "FIRE+BFGS": [(FIRE, settings.switch_factor * settings.fmax_eV_A), (BFGS, settings.fmax_eV_A)]}
    taken, converged = 0, settings.steps == 0 and _fmax(target) <= settings.fmax_eV_A
    final_hessian = None
    for optimizer, fmax in stages[settings.optimizer]:
        if taken >= settings.steps:
            break
        extra = {"alpha": settings.bfgs_alpha_eV_A2} if optimizer is BFGS else {}
        opt = optimizer(target, logfile=None, maxstep=settings.maxstep_A, **extra)
        if optimizer is BFGS and hessian is not None and not settings.cell:
            opt.H0 = np.array(hessian, dtype=float)  # BFGS updates its Hessian in place: a copy
        if on_step is not None:
            opt.attach(on_step, interval=1)
        opt.run(fmax=fmax, steps=settings.steps - taken)
        taken += int(opt.nsteps)
        if optimizer is BFGS and not settings.cell:
            final_hessian = opt.H0 if opt.state is None else opt.state.hessian
    fmax_final = _fmax(target)
    converged = converged or fmax_final <= settings.fmax_eV_A
    energy = float(a.get_potential_energy())
    a.calc = None
    return Relaxed(a, energy, taken, fmax_final, bool(converged), time.perf_counter() - start,
                   time.process_time() - cpu_start, final_hessian)


def hessian_with_atoms_added(hessian: np.ndarray | None, count: int = 1, alpha_eV_A2: float = 70.0) -> np.ndarray | None:
    """The Hessian (eV Å⁻²) of a cell with ``count`` atoms appended: the old block, α·I for the new atoms,
    no coupling between them (BFGS learns it).  None stays None."""
    if hessian is None:
        return None
    k = hessian.shape[0]
    out = np.eye(k + 3 * count) * alpha_eV_A2
    out[:k, :k] = hessian
    return out


def hessian_without_atoms(hessian: np.ndarray | None, keep: np.ndarray) -> np.ndarray | None:
    """The Hessian (eV Å⁻²) restricted to the atoms where ``keep`` (boolean, one per atom) is True."""
    if hessian is None:
        return None
    rows = np.repeat(np.asarray(keep, dtype=bool), 3)
    return hessian[np.ix_(rows, rows)]


def _fmax(target) -> float:
    """max |F| (eV Å⁻¹) over the atoms (and the cell degrees of freedom of a filter)."""
    forces = target.get_forces()
    return float(np.linalg.norm(forces, axis=1).max()) if len(forces) else 0.0


@dataclass(frozen=True)
class ZnReference:
    """Zn reference energy per atom (eV) and how it was obtained."""

    kind: str
    energy_eV_per_atom: float
    description: str
    lattice_A: tuple[float, float] | None = None  # relaxed hcp a, c (bulk reference only)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "energy_eV_per_atom": self.energy_eV_per_atom, "description": self.description,
                "lattice_A": None if self.lattice_A is None else list(self.lattice_A)}


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
                       f"bulk hcp Zn per atom, {calculator}, cell relaxed (a = {a:.3f} Å, c = {c:.3f} Å)",
                       (float(a), float(c)))
