"""Protocols of the transient electrode simulator: galvanostatic discharge and charge (one
current or a batch integrated together), cyclic voltammetry, potential holds and rate tests.

Each protocol builds the model (:mod:`interstore.transport.model`: reservoirs, OCPs, mesh),
runs its steps (:mod:`interstore.transport.solver`) and refuses a result that breaks the
capacity bounds or the charge balance (:mod:`interstore.transport.protocol_checks`).
Capacities, energies and powers are on the config's mass basis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from ..errors import InputError, SimulationError
from .cellconfig import CellConfig
from .model import ElectrodeModel, build_model, equilibrium_state, resolve_cells
from .protocol_checks import check_protocol
from .solver import Step, Trajectory, run_step

if TYPE_CHECKING:
    from ..echem.record import Measurement

MAX_CV_CYCLES = 50  # a simulated CV reaches its periodic state in a few cycles
MAX_NOMINAL_HOURS = 1e4  # slowest galvanostatic run: ~C/10000 (the capacity at 1e-4 A/g in about 4000 h)


@dataclass(frozen=True)
class Discharge:
    """One galvanostatic discharge (or charge) on the config's mass basis.

    Capacities in mAh g⁻¹ of ``mass_basis``; ``charge_balance_rel_error`` is
    |∫I dt − ΔQ_stored| / |∫I dt| over both reservoirs (conservation check)."""

    time_s: np.ndarray
    potential_V: np.ndarray
    capacity_mAh_g: np.ndarray
    bulk_capacity_mAh_g: np.ndarray
    interface_capacity_mAh_g: np.ndarray
    current_A_g: float
    mass_basis: str
    mass_basis_label: str
    basis_mass_g: float
    charge_balance_rel_error: float
    hit_cutoff: bool
    active_mass_g: float | None = None
    direction: str = "discharge"  # "discharge" (Zn insertion) or "charge"

    @property
    def energy_Wh_kg(self) -> float:
        """E = ∫V·|I| dt on the basis mass: Wh kg⁻¹ (= mWh g⁻¹)."""
        from scipy.integrate import trapezoid

        return float(trapezoid(self.potential_V, self.capacity_mAh_g))

    @property
    def power_W_kg(self) -> float:
        """Mean power over the step: 3600·E/Δt in W kg⁻¹."""
        duration = float(self.time_s[-1] - self.time_s[0])
        return 3600.0 * self.energy_Wh_kg / duration if duration > 0 else float("nan")

    def to_measurement(self, *, source: str = "simulated galvanostatic step") -> Measurement:
        """The step as a canonical :class:`~interstore.echem.record.Measurement` (current in A,
        positive = anodic; discharge is negative)."""
        from ..echem.record import from_arrays

        sign = -1.0 if self.direction == "discharge" else 1.0
        current = np.full(self.time_s.size, sign * abs(self.current_A_g) * self.basis_mass_g)
        return from_arrays(self.time_s, self.potential_V, current, source=source, instrument="interstore simulator",
                           active_mass_g=self.active_mass_g, technique="galvanostatic")


def _run_to_cutoff(model: ElectrodeModel, y0: np.ndarray, i_active, cutoff_V: float,
                   progress: Callable[[], None] | None = None) -> list[Trajectory]:
    """Constant insertion currents (A g⁻¹ active; < 0 charges), one trajectory each from ``y0``, until
    ``cutoff_V`` or until the reservoirs are full/empty (bounded at 1.05× the time to fill/empty them).
    All currents are integrated together (:func:`~interstore.transport.expintegrator.run_galvanostatic`)."""
    from .expintegrator import run_galvanostatic

    currents = np.atleast_1d(np.asarray(i_active, float))
    stored0 = model.stored_C_g(y0).sum()
    room = np.where(currents > 0, sum(r.capacity_C_g for r in model.reservoirs) - stored0, stored0)
    return run_galvanostatic(model, y0, currents, 1.05 * np.maximum(room, 1e-9) / np.abs(currents), cutoff_V,
                             progress)


def _basis(config: CellConfig) -> tuple[str, str, float]:
    masses = config.cell.masses
    b = config.cell.mass_basis
    return b, masses.label(b), masses.mass_g(b)


def simulate_galvanostatic(config: CellConfig, current_A_g: float, *, bulk_only: bool = False,
                           direction: str = "discharge") -> Discharge:
    """Constant-current discharge (Zn insertion, from the host's initial stoichiometry down to
    ``cell.v_min_V``) or charge (from equilibrium at ``v_min_V`` up to ``v_max_V``).

    ``current_A_g`` is the magnitude in A per g of the config's mass basis."""
    return simulate_galvanostatic_batch(config, [current_A_g], bulk_only=bulk_only, direction=direction)[0]


def simulate_galvanostatic_batch(config: CellConfig, currents_A_g, *, bulk_only: bool = False,
                                 direction: str = "discharge",
                                 progress: Callable[[], None] | None = None) -> list[Discharge]:
    """:func:`simulate_galvanostatic` at several currents (A g⁻¹ of the config basis), integrated
    together as one batch: the same discharges, for much less than one call per current.
    ``progress()`` is called once per current as its run ends (for a progress bar)."""
    if direction not in ("discharge", "charge"):
        raise InputError("direction", f"unknown {direction!r}", expected="discharge or charge")
    currents = []
    for current_A_g in currents_A_g:
        current = float(current_A_g)
        if not math.isfinite(current) or current <= 0:
            raise InputError("current_A_g", f"got {current_A_g!r}", expected="a current > 0 A/g")
        currents.append(current)
    basis, label, m_basis = _basis(config)
    model = build_model(config, reservoirs="bulk" if bulk_only else "all")
    q_total = sum(r.capacity_C_g for r in model.reservoirs)
    for current in currents:
        hours = q_total / (current * m_basis / config.cell.active_mass_g) / 3600.0
        if hours > MAX_NOMINAL_HOURS:  # the stiff solve then takes minutes to hours for no physical insight
            raise SimulationError("current_A_g", f"{current:g} A/g would take ~{hours:.3g} h to fill the "
                                  "reservoirs", expected=f"a current giving at most {MAX_NOMINAL_HOURS:g} h (>= "
                                  f"{current * hours / MAX_NOMINAL_HOURS:.2g} A/g on this basis)")
    i_active = np.array(currents) * m_basis / config.cell.active_mass_g          # A per g active
    config = resolve_cells(config, float(i_active.max()), reservoirs="bulk" if bulk_only else "all")
    model = build_model(config, reservoirs="bulk" if bulk_only else "all")
    if direction == "discharge":
        v0 = float(model.reservoirs[0].ocp(config.host.initial_stoichiometry))
        cutoff = config.cell.v_min_V
        if not v0 > cutoff:
            raise SimulationError("parameter 'cell.v_min_V'", f"cut-off {cutoff} V is not below the starting "
                                  f"open-circuit potential {v0:.4f} V: the discharge cannot start",
                                  expected="v_min_V below the initial OCV (or a smaller host.initial_stoichiometry)")
    else:
        v0, cutoff, i_active = config.cell.v_min_V, config.cell.v_max_V, -i_active
    y0 = equilibrium_state(model, v0)
    if direction == "discharge":
        y0[model.slices[0]] = config.host.initial_stoichiometry
    out = []
    for current, i_act, traj in zip(currents, i_active, _run_to_cutoff(model, y0, i_active, cutoff, progress)):
        stored = model.stored_C_g(traj.y)                                  # (n_res, n_t) C g⁻¹ active
        delta = stored - stored[:, :1]
        passed = i_act * traj.time_s[-1]
        balance = abs(delta[:, -1].sum() - passed) / abs(passed) if passed else 0.0
        to_mAh_g = config.cell.active_mass_g / m_basis / 3.6 * (1 if i_act > 0 else -1)
        by_name = {r.name: d * to_mAh_g for r, d in zip(model.reservoirs, delta)}
        check_protocol(model, [traj.y], traj.time_s, np.full(traj.time_s.size, -i_act * model.active_mass_g),
                       protocol=f"galvanostatic {direction} at {current:g} A/g")
        zero = np.zeros_like(traj.time_s)
        out.append(Discharge(traj.time_s, traj.potential_V, abs(i_act) * traj.time_s / 3.6
                             * config.cell.active_mass_g / m_basis, by_name.get("bulk", zero),
                             by_name.get("interface", zero), current, basis, label, m_basis, float(balance),
                             traj.hit_cutoff, config.cell.active_mass_g, direction))
    return out


def _potentiostatic(config: CellConfig, segments: list[tuple[float, float, float]], *, reservoirs: str,
                    v_initial_V: float, source: str, **meta):
    """Run potential segments (v_start V, sweep V s⁻¹, duration s) from equilibrium at
    ``v_initial_V``; return a Measurement (current in A, anodic positive; step = segment)."""
    from ..echem.record import from_arrays

    model = build_model(config, reservoirs=reservoirs)
    y = equilibrium_state(model, v_initial_V)
    t0, parts, states = 0.0, [], []
    for k, (v_start, sweep, duration) in enumerate(segments):
        traj = run_step(model, y, Step(v_start_V=v_start, sweep_V_s=sweep), duration)
        states.append(traj.y)
        keep = slice(0 if k == 0 else 1, None)          # segment ends are shared
        # current from the charge balance, I = −dQ_stored/dt (not amplified by stiff kinetics)
        rate = np.gradient(model.stored_C_g(traj.y).sum(axis=0), traj.time_s, edge_order=2)
        parts.append((t0 + traj.time_s[keep], traj.potential_V[keep], -rate[keep] * model.active_mass_g, k + 1))
        y, t0 = traj.y[:, -1], t0 + traj.time_s[-1]
    t = np.concatenate([p[0] for p in parts])
    check_protocol(model, states, t, np.concatenate([p[2] for p in parts]), protocol=source)
    return from_arrays(t, np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts]),
                       step=np.concatenate([np.full(p[0].size, p[3]) for p in parts]),
                       cycle=np.concatenate([np.full(p[0].size, (p[3] + 1) // 2) for p in parts]),
                       source=source, instrument="interstore simulator", active_mass_g=model.active_mass_g,
                       **meta)


def simulate_cv(config: CellConfig, scan_rate_mV_s: float, *, cycles: int = 2,
                reservoirs: str = "all") -> Measurement:
    """Cyclic voltammogram between ``cell.v_max_V`` and ``cell.v_min_V``, starting in
    equilibrium at v_max and sweeping down first; ``cycles`` full cycles (cycle = 1, 2, ...).
    Returns a :class:`~interstore.echem.record.Measurement` (A, anodic positive)."""
    v = float(scan_rate_mV_s)
    if not math.isfinite(v) or v <= 0:
        raise InputError("scan rate", f"got {scan_rate_mV_s!r}", expected="a scan rate > 0 mV/s")
    if not 1 <= int(cycles) <= MAX_CV_CYCLES:
        raise InputError("cycles", f"got {cycles!r}", expected=f"an integer from 1 to {MAX_CV_CYCLES}")
    lo, hi = config.cell.v_min_V, config.cell.v_max_V
    rate = v / 1000.0
    half = (hi - lo) / rate
    segments = [(hi, -rate, half), (lo, rate, half)] * int(cycles)
    return _potentiostatic(config, segments, reservoirs=reservoirs, v_initial_V=hi,
                           source=f"simulated CV {v:g} mV/s", scan_rate_mV_s=v, technique="CV")


def simulate_hold(config: CellConfig, potential_V: float, duration_s: float, *, from_potential_V: float | None = None,
                  reservoirs: str = "all") -> Measurement:
    """Constant-voltage hold at ``potential_V`` for ``duration_s`` s, starting in equilibrium at
    ``from_potential_V`` (default ``cell.v_max_V``).  Returns a Measurement (A, anodic positive)."""
    lo, hi = config.cell.v_min_V, config.cell.v_max_V
    if not lo <= float(potential_V) <= hi:
        raise InputError("hold potential", f"{potential_V} V is outside the cell window {lo}..{hi} V",
                         expected="cell.v_min_V <= potential <= cell.v_max_V")
    if not (math.isfinite(float(duration_s)) and float(duration_s) > 0):
        raise InputError("hold duration", f"got {duration_s!r}", expected="a duration > 0 s")
    start = hi if from_potential_V is None else float(from_potential_V)
    return _potentiostatic(config, [(float(potential_V), 0.0, float(duration_s))], reservoirs=reservoirs,
                           v_initial_V=start, source=f"simulated hold at {potential_V:g} V",
                           technique="potentiostatic hold")


def simulate_rate_test(config: CellConfig, currents_A_g, *, cycles_per_rate: int = 1,
                       bulk_only: bool = False) -> Measurement:
    """Galvanostatic rate test: at each current (A g⁻¹ of the config basis) ``cycles_per_rate`` cycles of
    discharge to ``v_min_V`` then charge to ``v_max_V``, each step starting from the state the previous
    one left.  Returns a Measurement (A, anodic positive; cycle = running cycle, step = running step)."""
    from ..echem.record import from_arrays

    currents = [float(i) for i in currents_A_g]
    if not currents or not all(math.isfinite(i) and i > 0 for i in currents) or int(cycles_per_rate) < 1:
        raise InputError("rate test", f"currents {currents_A_g!r}, cycles {cycles_per_rate!r}",
                         expected="currents > 0 A/g and cycles_per_rate >= 1")
    _, _, m_basis = _basis(config)
    config = resolve_cells(config, max(currents) * m_basis / config.cell.active_mass_g,
                           reservoirs="bulk" if bulk_only else "all")
    model = build_model(config, reservoirs="bulk" if bulk_only else "all")
    y = equilibrium_state(model, float(model.reservoirs[0].ocp(config.host.initial_stoichiometry)))
    y[model.slices[0]] = config.host.initial_stoichiometry
    t0, cycle, step, states = 0.0, 0, 0, []
    parts: list[tuple[np.ndarray, ...]] = []
    for current in currents:
        i_active = current * m_basis / config.cell.active_mass_g
        for _ in range(int(cycles_per_rate)):
            cycle += 1
            for sign, cutoff in ((1.0, config.cell.v_min_V), (-1.0, config.cell.v_max_V)):
                step += 1
                traj = _run_to_cutoff(model, y, sign * i_active, cutoff)[0]
                states.append(traj.y)
                keep = slice(0 if not parts else 1, None)
                n = traj.time_s[keep].size
                parts.append((t0 + traj.time_s[keep], traj.potential_V[keep],
                              np.full(n, -sign * i_active * model.active_mass_g), np.full(n, cycle), np.full(n, step)))
                y, t0 = traj.y[:, -1], t0 + traj.time_s[-1]
    cols = [np.concatenate([p[k] for p in parts]) for k in range(5)]
    check_protocol(model, states, cols[0], cols[2], protocol="simulated rate test")
    return from_arrays(cols[0], cols[1], cols[2], cycle=cols[3], step=cols[4], source="simulated rate test",
                       instrument="interstore simulator", active_mass_g=model.active_mass_g, technique="galvanostatic")
