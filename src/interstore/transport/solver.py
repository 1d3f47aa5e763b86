"""One programme step of the electrode model: a constant current or a potential ramp.

Galvanostatic steps (any number of reservoirs, many currents at once) go through the
exponential integrator on the Laplacian's eigenmodes, with φ and the currents solved by Newton
on the analytic kinetics (:mod:`interstore.transport.expintegrator`; exact for one reservoir).
Potentiostatic steps (CV sweeps, holds) go through scipy BDF with an analytic sparse Jacobian
(charge-conserving), φ from safeguarded Newton (:func:`~interstore.transport.kinetics.solve_potential`),
and terminal events at the cut-offs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import numpy as np

from ..errors import SimulationError
from .kinetics import solve_potential
from .mesh import SURFACE_WEIGHTS, Mesh
from .model import ElectrodeModel


@dataclass(frozen=True)
class Step:
    """One programme step: galvanostatic (insertion current, A g⁻¹) or a potential ramp V(t)."""

    current_A_g: float | None = None
    v_start_V: float | None = None
    sweep_V_s: float = 0.0

    def potential(self, t: float) -> float | None:
        return None if self.v_start_V is None else self.v_start_V + self.sweep_V_s * t


def _state(model: ElectrodeModel, y: np.ndarray, t, step: Step):
    """(φ, V, insertion currents i_k) for one state vector y (n_state,) or for columns y (n_state, n_t)
    at times t (V, V, list of A g⁻¹)."""
    x_s = [Mesh.surface_value(y[s]) for s in model.slices]
    v_app = step.potential(t)
    phi = solve_potential(model, x_s, current_A_g=step.current_A_g, potential_V=v_app)
    i_k = [r.kinetics(phi, xs, model.f)[0] for r, xs in zip(model.reservoirs, x_s)]
    v = v_app if v_app is not None else phi - model.r_ohm_g * cast(float, step.current_A_g)  # galvanostatic
    return phi, v, i_k


def _coupling(model: ElectrodeModel, y: np.ndarray, t: float, step: Step) -> np.ndarray:
    """d i_k / d x_s,j (A g⁻¹) through the shared potential (implicit-function theorem):
    dφ/dx_j = −b_j / (Σ a_k − D'), with a = ∂i/∂φ, b = ∂i/∂x_s and D' = d(demand)/dφ
    (0 galvanostatic, 1/(R m) potentiostatic).  Galvanostatic columns sum to zero, so the
    Jacobian keeps the charge invariant exact in the Newton iterations."""
    phi, _, _ = _state(model, y, t, step)
    x_s = [Mesh.surface_value(y[s]) for s in model.slices]
    ab = np.array([r.kinetics(phi, xs, model.f)[1:] for r, xs in zip(model.reservoirs, x_s)], float)
    a, b = ab[:, 0], ab[:, 1]
    if step.current_A_g is None and model.r_ohm_g == 0.0:
        dphi = np.zeros_like(b)
    else:
        demand_slope = 0.0 if step.current_A_g is not None else 1.0 / model.r_ohm_g
        dphi = -b / (a.sum() - demand_slope)
    return np.outer(a, dphi) + np.diag(b)


def _jacobian_factory(model: ElectrodeModel, step: Step, lap, gain: list[float]):
    """Callable J(t, y) = Laplacian + surface-coupling block, as a CSC matrix."""
    from scipy.sparse import coo_matrix

    surf = [s.stop - 1 for s in model.slices]
    rows = np.repeat(surf, 3 * len(surf))
    cols = np.tile(np.concatenate([np.arange(s.stop - 3, s.stop) for s in model.slices]), len(surf))
    shape = lap.shape

    def jac(t, y):
        block = _coupling(model, y, t, step) * np.asarray(gain)[:, None]      # (k, j)
        vals = (block[:, :, None] * SURFACE_WEIGHTS[None, None, :]).ravel()
        return (lap + coo_matrix((vals, (rows, cols)), shape=shape)).tocsc()

    return jac


@dataclass(frozen=True)
class Trajectory:
    """Raw integrator output for one step: times (s), states, potentials (V), insertion currents (A g⁻¹)."""

    time_s: np.ndarray
    y: np.ndarray = field(repr=False)
    potential_V: np.ndarray
    currents_A_g: np.ndarray          # (n_reservoirs, n_times)
    hit_cutoff: bool


def run_step(model: ElectrodeModel, y0: np.ndarray, step: Step, duration_s: float,
             cutoff_V: float | None = None) -> Trajectory:
    """Integrate one programme step; stops early at ``cutoff_V`` (terminal event).

    Galvanostatic steps go through the exponential integrator
    (:func:`~interstore.transport.expintegrator.run_galvanostatic`, exact for one reservoir);
    potentiostatic steps through BDF."""
    from scipy.integrate import solve_ivp

    if step.current_A_g is not None:
        from .expintegrator import run_galvanostatic

        return run_galvanostatic(model, y0, [step.current_A_g], [duration_s], cutoff_V)[0]
    if cutoff_V is not None:
        v0 = _state(model, y0, 0.0, step)[1]
        if (v0 - cutoff_V) * (1.0 if (step.current_A_g or 0.0) >= 0 else -1.0) <= 0:   # past the cut-off at t = 0
            _, _, i0 = _state(model, y0, 0.0, step)
            return Trajectory(np.zeros(1), y0[:, None], np.array([v0]), np.array(i0)[:, None], True)
    mats = [r.rate_s_inv * r.mesh.laplacian() for r in model.reservoirs]
    from scipy.sparse import block_diag

    lap = block_diag(mats, format="csr")
    surf = [s.stop - 1 for s in model.slices]
    gain = [1.0 / (r.capacity_C_g * r.mesh.volumes[-1]) for r in model.reservoirs]

    def rhs(t, y):
        _, _, i_k = _state(model, y, t, step)
        dy = lap @ y
        for j, ik, gk in zip(surf, i_k, gain):
            dy[j] += ik * gk
        return dy

    events = None
    if cutoff_V is not None:
        def cutoff(t, y):
            return _state(model, y, t, step)[1] - cutoff_V
        cutoff.terminal = True  # type: ignore[attr-defined]  # solve_ivp reads this attribute
        events = [cutoff]
    try:
        sol = solve_ivp(rhs, (0.0, duration_s), y0, method="BDF", dense_output=True, events=events,
                        jac=_jacobian_factory(model, step, lap, gain), rtol=model.rtol, atol=model.atol)
    except (ArithmeticError, RuntimeError, ValueError, np.linalg.LinAlgError) as exc:   # e.g. singular Jacobian
        raise SimulationError("simulation", f"BDF integrator failed: {exc} (states or potentials not finite?)",
                              expected="an OCP finite over 0..1 and physically sensible parameters: check "
                              "host.diffusivity_m2_s and the exchange currents, or loosen numerics.rtol/atol") from None
    if sol.status == -1:
        raise SimulationError("simulation", f"BDF integrator failed at t = {sol.t[-1]:.4g} s: {sol.message}",
                              expected="physically sensible parameters: check host.diffusivity_m2_s, the "
                              "exchange currents and the cut-offs, or loosen numerics.rtol/atol")
    t_end = float(sol.t[-1])                       # the cut-off time when the event fired
    n = model.points_per_segment
    if step.v_start_V is not None and step.sweep_V_s == 0.0:   # a hold: resolve the fast initial decay
        t = np.concatenate([[0.0], np.geomspace(1e-7 * t_end, t_end, n - 1)])
    else:
        t = np.linspace(0.0, t_end, n)
    y = sol.sol(t)
    y[:, 0], y[:, -1] = y0, sol.y[:, -1]
    _, v, i_k = _state(model, y, t, step)
    hit = bool(events is not None and sol.t_events[0].size)
    return Trajectory(t, y, np.broadcast_to(v, t.shape).astype(float), np.array(i_k), hit)
