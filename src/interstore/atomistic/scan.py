"""Greedy Zn loading of a heterointerface with an interatomic potential: E_b(n), voltages, breathing.

For n = 1 … N:
  1. find interfacial voids in the current relaxed cell (:mod:`.sites`);
  2. single-point screen a Zn at each candidate (one batched call, or in parallel);
  3. relax the ``paths`` lowest-screened candidates (path sampling; default 1),
     each with the scan's optimizer and every one of ``path_optimizers``, and
     keep the lowest converged relaxed energy -> E(sub + nZn), bond state of
     the V–O–X bridges; the next n builds on that cell.
The first path (lowest-screened site, the scan's optimizer) is the one a
single-path scan relaxes.  Per n the scan reports ``path_gain_eV`` = E(first
path) − E(kept) ≥ 0, how much lower sampling went than one relaxation would
have, and ``path_spread_eV``, the spread of the converged ends (eV).  These
interfaces are flat: the same start relaxed by BFGS and by FIRE then BFGS ended
up to 1.6 eV apart on the bonded ``vo2-graphene-vac``, so one relaxation per
loading gives *a* low minimum; a gain > 0 shows that it was not the lowest, a
gain of 0 only that none of the sampled paths went lower.
Each relaxation starts from the approximate Hessian of the cell it grew from
(:func:`~.calculator.hessian_with_atoms_added`).
Then, for every n (independent -> parallel), remove the Zn, relax again and
check whether the broken bridges reform (skipped when the relaxed bare
interface has no V–O–X bridge: nothing can break or reform, and these
relaxations were about 40 % of a scan's force calls on ``vo2-graphene``).  The binding curve, the per-n
reversibility criteria, n_max, the work of adhesion of the bare interface and
the limit capacity on every mass basis follow.  A loading whose relaxation did
not reach fmax is marked (``converged``) and does not count towards n_max
unless ``accept_unconverged``.  The wall time per single point and per
relaxation step is recorded (``cost``); :func:`estimate_scan_seconds` gives
an upper bound before a scan starts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import InputError
from .adhesion import (DETACHES_BELOW_J_m2, LOCKED_ABOVE_J_m2, Adhesion, adhesion_label, interface_area_A2,
                       work_of_adhesion)
from .binding import BindingCurve, binding_curve
from .bonds import BondState, Bridges, bond_state, find_bridges
from .calculator import (OPTIMIZERS, ZN_REFERENCES, Relaxed, RelaxSettings, ZnReference, calculator_info, check_calculator,
                         hessian_with_atoms_added, hessian_without_atoms, load_calculator, relax, single_point,
                         single_points, zn_reference)
from .diagnosis import diagnose
from .limit import LimitCapacity, limit_capacity
from .parallel import TaskRunner
from .reversible import ReversibleLimit, check_eb_threshold, reversible_limit
from .sites import SiteSearch, candidate_sites, interface_window
from .structures import OXIDE_TAG, SUBSTRATE_TAG, ZN_TAG


@dataclass(frozen=True)
class ScanSettings:
    """Everything a scan needs besides the structure; validated on construction (before any solve)."""

    max_zn: int = 4
    relax: RelaxSettings = field(default_factory=RelaxSettings)
    substrate_relax: RelaxSettings = field(default_factory=RelaxSettings)
    sites: SiteSearch = field(default_factory=SiteSearch)
    zn_reference: str = "bulk"  # "bulk", "atom" or a DFT output file of a Zn-only cell
    eb_threshold_eV: float = 0.0
    locked_above_J_m2: float = LOCKED_ABOVE_J_m2
    detaches_below_J_m2: float = DETACHES_BELOW_J_m2
    formula: str = "V8O16"
    calculator: str = "chgnet"
    accept_unconverged: bool = False
    paths: int = 1  # lowest-screened sites relaxed per loading; the lowest relaxed one is kept
    path_optimizers: tuple[str, ...] = ()  # further optimizers each sampled site is also relaxed with

    def __post_init__(self) -> None:
        if int(self.max_zn) != self.max_zn or not 1 <= self.max_zn <= 60:
            raise InputError("option --max-zn", f"got {self.max_zn!r}", expected="an integer from 1 to 60")
        if int(self.paths) != self.paths or not 1 <= self.paths <= self.sites.max_sites:
            raise InputError("option --paths", f"got {self.paths!r}",
                             expected=f"an integer from 1 to the candidate sites ({self.sites.max_sites})")
        for name in self.path_optimizers:
            if name not in OPTIMIZERS:
                raise InputError("option --path-optimizer", f"got {name!r}", expected=" / ".join(OPTIMIZERS))
        if self.zn_reference not in ZN_REFERENCES and not Path(self.zn_reference).is_file():
            raise InputError("option --zn-reference", f"got {self.zn_reference!r} (no such file)",
                             expected="bulk / atom / a DFT output file of a Zn-only cell")
        check_calculator(self.calculator)
        check_eb_threshold(self.eb_threshold_eV)
        adhesion_label(0.0, locked_above_J_m2=self.locked_above_J_m2, detaches_below_J_m2=self.detaches_below_J_m2)

    @property
    def optimizers(self) -> tuple[str, ...]:
        """The optimizers every sampled site is relaxed with: the scan's first, then the others."""
        return tuple(dict.fromkeys((self.relax.optimizer, *self.path_optimizers)))


@dataclass(frozen=True)
class LoadingPath:
    """One relaxation path of a loading step: the screened site (Å) it started from, the single-point
    energy there (eV), the optimizer and the relaxation it ended in."""

    site_A: tuple[float, float, float]
    screen_energy_eV: float
    relaxed: Relaxed
    optimizer: str = "BFGS"

    def to_dict(self) -> dict:
        return {"site_A": list(self.site_A), "screen_energy_eV": self.screen_energy_eV, "optimizer": self.optimizer,
                "energy_eV": self.relaxed.energy_eV, "relax_steps": self.relaxed.steps,
                "relax_fmax_eV_A": self.relaxed.fmax_eV_A, "relax_converged": self.relaxed.converged}


def lowest_path(paths: tuple[LoadingPath, ...]) -> int:
    """Index of the path kept: the lowest relaxed energy among the converged paths (all paths if none
    converged; the step is then marked unconverged)."""
    pool = [k for k, p in enumerate(paths) if p.relaxed.converged] or list(range(len(paths)))
    return min(pool, key=lambda k: paths[k].relaxed.energy_eV)


def path_spread_eV(paths: tuple[LoadingPath, ...]) -> float | None:
    """max − min relaxed energy (eV) over the converged paths; None with fewer than two."""
    energies = [p.relaxed.energy_eV for p in paths if p.relaxed.converged]
    return float(max(energies) - min(energies)) if len(energies) >= 2 else None


def path_gain_eV(paths: tuple[LoadingPath, ...]) -> float | None:
    """E(first path) − E(kept path) (eV): how much lower the sampled paths went than the single path a
    one-path scan relaxes; None with one path, or when the first or the kept path did not converge."""
    first, kept = paths[0].relaxed, paths[lowest_path(paths)].relaxed
    if len(paths) < 2 or not (first.converged and kept.converged):
        return None
    return float(first.energy_eV - kept.energy_eV)


@dataclass(frozen=True)
class ZnStep:
    """One loading step n: the relaxation paths tried (one per screened site), the one kept (lowest),
    the number of candidate sites and the bond metrics.

    ``unloaded`` is None when the relaxed bare interface has no V–O–X bridges: there is nothing to
    reform, so the Zn-removal relaxation is not run (``bonds_reform`` holds by construction)."""

    n_zn: int
    paths: tuple[LoadingPath, ...]
    candidates: int
    bonds_loaded: BondState
    unloaded: Relaxed | None
    bonds_unloaded: BondState

    @property
    def kept(self) -> LoadingPath:
        return self.paths[lowest_path(self.paths)]

    @property
    def loaded(self) -> Relaxed:
        return self.kept.relaxed

    @property
    def path_spread_eV(self) -> float | None:
        return path_spread_eV(self.paths)

    @property
    def path_gain_eV(self) -> float | None:
        return path_gain_eV(self.paths)

    @property
    def bonds_reform(self) -> bool:
        return self.bonds_unloaded.broken == 0

    def to_dict(self) -> dict:
        return {"n_zn": self.n_zn, "site_A": list(self.kept.site_A), "candidate_sites": self.candidates,
                "screen_energy_eV": self.kept.screen_energy_eV, "energy_eV": self.loaded.energy_eV,
                "relax_steps": self.loaded.steps, "relax_fmax_eV_A": self.loaded.fmax_eV_A,
                "relax_converged": self.loaded.converged, "paths": [p.to_dict() for p in self.paths],
                "path_kept": lowest_path(self.paths), "path_spread_eV": self.path_spread_eV,
                "path_gain_eV": self.path_gain_eV,
                "bonds_loaded": self.bonds_loaded.to_dict(),
                "zn_removal_relaxed": self.unloaded is not None,
                "energy_after_zn_removal_eV": None if self.unloaded is None else self.unloaded.energy_eV,
                "removal_relax_steps": 0 if self.unloaded is None else self.unloaded.steps,
                "bonds_after_zn_removal": self.bonds_unloaded.to_dict(), "bonds_reform": self.bonds_reform}


@dataclass(frozen=True)
class ScanResult:
    """A finished scan; ``structures[n]`` is the relaxed cell with n Zn (index 0: bare interface)."""

    name: str
    calculator: dict
    reference: ZnReference
    substrate: Relaxed
    bridges: Bridges
    adhesion: Adhesion
    steps: tuple[ZnStep, ...]
    curve: BindingCurve
    limit: ReversibleLimit
    formula_units: float
    capacity: LimitCapacity
    settings: ScanSettings
    stopped_early: str | None
    cost: dict = field(default_factory=dict)

    @property
    def converged(self) -> list[bool]:
        """Whether each point n = 0 (bare interface), 1, … reached fmax."""
        return [self.substrate.converged] + [s.loaded.converged for s in self.steps]

    @property
    def structures(self) -> list:
        return [self.substrate.atoms] + [s.loaded.atoms for s in self.steps]

    @property
    def path_spread_eV(self) -> list[float | None]:
        """Spread of E(sub + nZn) over the converged relaxation paths (eV) for n = 1, …; None where
        fewer than two paths were relaxed or converged."""
        return [s.path_spread_eV for s in self.steps]

    @property
    def path_gain_eV(self) -> list[float | None]:
        """E(first path) − E(kept) (eV) for n = 1, …: how much lower than a one-path scan's relaxation the
        sampled paths went; None where not sampled or not converged."""
        return [s.path_gain_eV for s in self.steps]

    def to_dict(self) -> dict:
        labels = sorted(set(self.bridges.labels))
        return {
            "structure": {"name": self.name, "n_atoms": len(self.substrate.atoms),
                          "formula": self.substrate.atoms.get_chemical_formula(),
                          "oxide_formula_units": self.formula_units, "oxide_formula": self.settings.formula,
                          "interfacial_bridges": len(self.bridges), "bridge_types": labels},
            "calculator": self.calculator,
            "reference": self.reference.to_dict(),
            "eb_eV": list(self.curve.eb_eV),
            "eb_per_zn_eV": list(self.curve.eb_per_zn_eV),
            "voltage_V": list(self.curve.voltage_V),
            "converged": self.converged,
            "path_spread_eV": self.path_spread_eV,
            "path_gain_eV": self.path_gain_eV,
            "n_max": self.limit.n_max,
            "n_max_per_formula_unit": self.limit.n_max / self.formula_units,
            "capacity_mAh_g": dict(self.capacity.capacity_mAh_g),
            "capacity": self.capacity.to_dict(),
            "binding": self.curve.to_dict(),
            "criteria": self.limit.to_dict(),
            "per_n": [s.to_dict() for s in self.steps],
            "substrate": {"energy_eV": self.substrate.energy_eV, "relax_steps": self.substrate.steps,
                          "relax_fmax_eV_A": self.substrate.fmax_eV_A, "relax_converged": self.substrate.converged},
            "adhesion": self.adhesion.to_dict(),
            "diagnosis": diagnose(self),
            "settings": {"max_zn": self.settings.max_zn, "fmax_eV_A": self.settings.relax.fmax_eV_A,
                         "relax_steps": self.settings.relax.steps,
                         "substrate_relax_steps": self.settings.substrate_relax.steps,
                         "substrate_cell_relaxed": self.settings.substrate_relax.cell,
                         "accept_unconverged": self.settings.accept_unconverged,
                         "paths": self.settings.paths, "path_optimizers": list(self.settings.optimizers),
                         "maxstep_A": self.settings.relax.maxstep_A,
                         "optimizer": self.settings.relax.optimizer,
                         "bfgs_alpha_eV_A2": self.settings.relax.bfgs_alpha_eV_A2,
                         "candidate_sites": self.settings.sites.max_sites,
                         "site_min_distance_A": self.settings.sites.min_distance_A,
                         "eb_threshold_eV": self.settings.eb_threshold_eV},
            "stopped_early": self.stopped_early,
            "zn_removal_relaxed": bool(len(self.bridges)),
            "cost": dict(self.cost),
        }


def _oxide_formula_units(atoms, formula: str) -> tuple[float, str]:
    """Number of ``formula`` units in the oxide part and the substrate formula per unit."""
    from pymatgen.core import Composition

    from ..theoretical import molar_mass_g_mol

    molar_mass_g_mol(formula)  # validates the formula
    tags = atoms.get_tags()
    sym = np.array(atoms.get_chemical_symbols())
    oxide = Composition(" ".join(sym[tags == OXIDE_TAG]))
    target = Composition(formula)
    if oxide.reduced_formula != target.reduced_formula:
        raise InputError("option --formula", f"{formula} does not match the cell's oxide {oxide.formula}",
                         expected=f"a formula of composition {oxide.reduced_formula}")
    units = oxide.num_atoms / target.num_atoms
    substrate = Composition(" ".join(sym[tags == SUBSTRATE_TAG])) / units
    return units, substrate.formula.replace(" ", "")


def _with_zn(atoms, position) -> object:
    from ase import Atom

    out = atoms.copy()
    out.append(Atom("Zn", position, tag=ZN_TAG))
    return out


def _without_zn(atoms) -> object:
    return atoms[atoms.get_tags() != ZN_TAG]


def _energy_task(job: tuple) -> float:
    atoms, calculator = job
    return single_point(atoms, calculator)


def _relax_task(job: tuple) -> Relaxed:
    atoms, settings, calculator, hessian = job
    return relax(atoms, settings, calculator, hessian=hessian)


def _adhesion(atoms, settings: ScanSettings, e_interface: float) -> Adhesion:
    tags = atoms.get_tags()
    e_alpha = single_point(atoms[tags == OXIDE_TAG], settings.calculator)
    e_beta = single_point(atoms[tags == SUBSTRATE_TAG], settings.calculator)
    return work_of_adhesion(e_alpha, e_beta, e_interface, interface_area_A2(atoms.cell), locked_above_J_m2=settings.locked_above_J_m2,
                            detaches_below_J_m2=settings.detaches_below_J_m2)


def scan_reference(settings: ScanSettings) -> ZnReference:
    """The Zn reference of a scan: computed with its calculator, or read from a DFT file."""
    from .dft_io import zn_energy_per_atom

    if settings.zn_reference in ZN_REFERENCES:
        return zn_reference(settings.zn_reference, settings.calculator, settings.relax)
    return ZnReference("file", zn_energy_per_atom(settings.zn_reference),
                       f"per-atom energy read from {settings.zn_reference} (it must come from the same "
                       f"level of theory as the {settings.calculator} energies)")


def estimate_scan_seconds(atoms, settings: ScanSettings) -> dict:
    """Measured cost of one single point and one relaxation step on ``atoms`` and the worst-case scan time.

    Worst case: every relaxation uses all its steps (the bare interface, then per Zn each loaded
    path and the Zn-removed cell) and every candidate site is screened; a converging relaxation stops
    earlier.  Seconds of wall time on this machine with one worker (``*_cpu_s``: CPU time of the
    process for the same calls; on a busy machine the wall time is the larger)."""
    calc = load_calculator(settings.calculator)
    probe = atoms.copy()
    probe.calc = calc
    probe.get_potential_energy()  # warm-up (graph construction, lazy initialisation)
    single_point(probe, settings.calculator)  # warm-up of the energy-only path
    probe.rattle(1e-3, seed=0)  # new positions: the calculator must not answer from its cache
    start, cpu = time.perf_counter(), time.process_time()
    single_point(probe, settings.calculator)
    t_sp, c_sp = time.perf_counter() - start, time.process_time() - cpu
    probe.rattle(1e-3, seed=1)
    start, cpu = time.perf_counter(), time.process_time()
    probe.get_forces()
    t_step, c_step = time.perf_counter() - start, time.process_time() - cpu
    per_zn = settings.paths * len(settings.optimizers) + 1
    steps = settings.substrate_relax.steps + per_zn * settings.max_zn * settings.relax.steps
    points = settings.max_zn * settings.sites.max_sites
    return {"single_point_s": t_sp, "relax_step_s": t_step, "single_point_cpu_s": c_sp, "relax_step_cpu_s": c_step,
            "worst_case_relax_steps": steps, "worst_case_single_points": points,
            "worst_case_s": steps * t_step + points * t_sp}


def run_scan(atoms, settings: ScanSettings = ScanSettings(), *, name: str = "structure", workers: int = 1,
             scheduler: str | None = None, show_progress: bool = False) -> ScanResult:
    """Greedy Zn loading n = 1…max_zn of ``atoms`` (tags: 1 substrate, 2 oxide); see module docstring.

    Inputs are checked before anything is computed; ``workers``/``scheduler`` as in :class:`TaskRunner`."""
    check_scan_input(atoms, settings, name)
    runner = TaskRunner(workers, scheduler, show_progress=show_progress)
    with runner:
        return _scan(atoms, settings, name, runner)


def check_scan_input(atoms, settings: ScanSettings, name: str) -> None:
    """Every check that needs no potential: no Zn yet, an interface, the formula, room for Zn."""
    if np.any(atoms.get_tags() == ZN_TAG) or "Zn" in atoms.get_chemical_symbols():
        raise InputError(name, "already contains Zn", expected="the bare interface (n = 0)")
    interface_window(atoms, source=name)  # raises unless there are substrate atoms below oxide atoms
    _oxide_formula_units(atoms, settings.formula)
    if len(candidate_sites(atoms, settings.sites)) == 0:
        raise InputError(name, f"no interfacial void of clearance >= {settings.sites.min_distance_A} Å",
                         expected="an interfacial gap with room for Zn (or a smaller --min-clearance)")


def _screen(trials: list, calc: str, runner: TaskRunner, n: int) -> list[float]:
    """Single-point energies of the trial cells: one batched call in-process, else on the cluster."""
    if runner.distributed:
        return runner.map(_energy_task, [(t, calc) for t in trials], f"screening {len(trials)} sites for Zn {n}")
    return single_points(trials, calc)


def _relax_tracked(atoms, settings: RelaxSettings, calc: str, runner: TaskRunner, what: str,
                   hessian=None) -> Relaxed:
    with runner.steps(f"{calc}: relaxing {what} (≤ {settings.steps} steps to {settings.fmax_eV_A} eV/Å)",
                      settings.steps) as advance:
        return relax(atoms, settings, calc, on_step=advance, hessian=hessian)


def _relax_paths(jobs: list[tuple], start_hessian, calc: str, runner: TaskRunner, n: int) -> list[Relaxed]:
    """Relax each path (trial cell, relax settings) from the same Hessian: in parallel on a cluster, else
    one by one."""
    if runner.distributed and len(jobs) > 1:
        return runner.map(_relax_task, [(t, rs, calc, start_hessian) for t, rs in jobs],
                          f"{calc}: relaxing {len(jobs)} paths for {n} Zn")

    def label(k: int, rs: RelaxSettings) -> str:
        return f"{n} Zn" if len(jobs) == 1 else f"{n} Zn, path {k + 1}/{len(jobs)} ({rs.optimizer})"

    return [_relax_tracked(t, rs, calc, runner, label(k, rs), start_hessian) for k, (t, rs) in enumerate(jobs)]


def _scan(atoms, settings: ScanSettings, name: str, runner: TaskRunner) -> ScanResult:
    units, substrate_formula = _oxide_formula_units(atoms, settings.formula)
    calc = settings.calculator
    start, cpu_start = time.perf_counter(), time.process_time()
    info = calculator_info(calc)
    reference = scan_reference(settings)
    substrate = _relax_tracked(atoms, settings.substrate_relax, calc, runner, "the bare interface")
    bridges = find_bridges(substrate.atoms)
    adhesion = _adhesion(substrate.atoms, settings, substrate.energy_eV)
    loaded_steps: list[tuple[int, tuple[LoadingPath, ...], int]] = []
    kept: list[Relaxed] = []  # the lowest converged path of each loading, the cell the next n builds on
    current, stopped = substrate, None
    screen_s, screen_cpu_s, screened = 0.0, 0.0, 0
    relaxations = [substrate]
    alpha = settings.relax.bfgs_alpha_eV_A2
    for n in runner.track(range(1, settings.max_zn + 1), f"{calc}: loading Zn (screen + relax)"):
        sites = candidate_sites(current.atoms, settings.sites)
        if len(sites) == 0:
            stopped = f"no interfacial void of clearance >= {settings.sites.min_distance_A} Å for Zn number {n}"
            break
        trials = [_with_zn(current.atoms, p) for p in sites]
        t0, c0 = time.perf_counter(), time.process_time()
        energies = _screen(trials, calc, runner, n)
        screen_s, screened = screen_s + time.perf_counter() - t0, screened + len(trials)
        screen_cpu_s += time.process_time() - c0
        tried = [(int(k), replace(settings.relax, optimizer=opt))
                 for k in np.argsort(energies, kind="stable")[:settings.paths] for opt in settings.optimizers]
        relaxed = _relax_paths([(trials[k], rs) for k, rs in tried],
                               hessian_with_atoms_added(current.hessian, 1, alpha), calc, runner, n)
        relaxations += relaxed
        paths = tuple(LoadingPath(tuple(float(x) for x in sites[k]), float(energies[k]), r, rs.optimizer)
                      for (k, rs), r in zip(tried, relaxed))
        loaded_steps.append((n, paths, len(sites)))
        current = paths[lowest_path(paths)].relaxed
        kept.append(current)
    if len(bridges):
        unloaded = runner.map(_relax_task, [(_without_zn(r.atoms), settings.relax, calc,
                                             hessian_without_atoms(r.hessian, r.atoms.get_tags() != ZN_TAG))
                                            for r in kept], f"{calc}: relaxing after Zn removal")
    else:  # no bridge to reform: the removal relaxations could not change the criterion
        unloaded = [None] * len(loaded_steps)
    relaxations += [u for u in unloaded if u is not None]
    steps = tuple(ZnStep(n, paths, k, bond_state(bridges, loaded.atoms), un, bond_state(bridges, (un or loaded).atoms))
                  for (n, paths, k), loaded, un in zip(loaded_steps, kept, unloaded))
    if not steps:
        raise InputError(name, stopped or "no Zn could be placed", expected="an interfacial gap with room for Zn")
    curve = binding_curve({s.n_zn: s.loaded.energy_eV for s in steps}, substrate.energy_eV,
                          reference.energy_eV_per_atom)
    limit = reversible_limit(curve, {s.n_zn: s.bonds_reform for s in steps}, eb_threshold_eV=settings.eb_threshold_eV,
                             converged={s.n_zn: s.loaded.converged for s in steps},
                             accept_unconverged=settings.accept_unconverged)
    capacity = limit_capacity(limit.n_max / units, settings.formula, substrate_formula=substrate_formula)
    relax_steps = sum(r.steps for r in relaxations)

    def per_step(total_s: float) -> float | None:
        return total_s / relax_steps if relax_steps else None

    cost = {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu_start,
            "single_points": screened, "single_point_s": screen_s / screened if screened else None,
            "single_point_cpu_s": screen_cpu_s / screened if screened else None, "relax_steps": relax_steps,
            "relax_step_s": per_step(sum(r.seconds for r in relaxations)),
            "relax_step_cpu_s": per_step(sum(r.cpu_seconds for r in relaxations)),
            "device": info["device"], "workers": runner.workers,
            "cpu_note": "CPU time of this process (time.process_time); with --workers the relaxations run in "
                        "worker processes and are not included"}
    return ScanResult(name, info, reference, substrate, bridges, adhesion, steps, curve, limit, units,
                      capacity, settings, stopped, cost)
