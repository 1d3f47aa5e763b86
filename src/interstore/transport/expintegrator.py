"""Galvanostatic steps of coupled reservoirs, many currents at once, by an exponential integrator.

Each reservoir k diffuses linearly and takes Zn at its surface cell,

    dy_k/dt = r_k·M_k y_k + e_N·γ_k·i_k,      γ_k = 1/(Q_k·V_N)   (V_N: surface-cell volume),

and in the eigenbasis of its Laplacian, M = S·diag(λ)·S⁻¹, z_k = S⁻¹y_k, the diffusion is diagonal.
Over a step of length h with the current held at its end-of-step value the solution is exact:

    z_k(t + h) = e^{Λh}·z_k(t) + h·φ1(Λh)·c_k·i_k,     Λ = r_k·λ,  c_k = γ_k·S⁻¹e_N,  φ1(a) = (eᵃ − 1)/a,

so the surface value x_k = s_k·z_k (quadratic extrapolation, s_k = w·S[-3:]) is affine in i_k and
the step closes with the kinetics (exponential Euler, implicit in the currents):

    i_k = 2 i0_k g_k(x_k) sinh(n f (U_k(x_k) − φ)/2),      Σ_k i_k = I,

solved for (φ, i_1, …) by Newton on the analytic derivatives (eliminating the i_k leaves one
scalar equation in φ per current).  The step is L-stable and exact for a single reservoir.
Richardson extrapolation of one step and two half steps, 2·z_{h/2,h/2} − z_h, makes it second order;
their difference in the surface stoichiometry is the local error that sets the step size, per current.
All currents advance together as arrays, so the cost grows far more slowly than the number of currents.
Linear combinations of steps keep the total stored charge Σ_k Q_k⟨x_k⟩ = Q_0 + I·t exact.

The cut-off time is the root of V(t) = φ − R·m·I inside the step that crosses it (Illinois
regula falsi), and the output points are evaluated by the same extrapolated step from the preceding
node, so dense output has the accuracy of the scheme itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, cast

import numpy as np

from ..blas import single_threaded_blas
from ..errors import SimulationError
from .kinetics import Reservoir, _single_phi, solve_potential
from .mesh import SURFACE_WEIGHTS, Mesh
from .model import ElectrodeModel
from .solver import Trajectory

LOCAL_ERROR_PER_RTOL = 100.0   # local error allowed to one exponential-Euler step in the surface stoichiometry,
# per unit of numerics.rtol: 1e-4 at the default 1e-6 (the extrapolated step is second order; on the shipped
# example the curves then agree with a 500× tighter run to < 1e-4 in capacity and < 0.3 mV)
FIRST_STEP = 1e-7        # first step as a fraction of the longest possible duration
NEWTON_TOL_V = 1e-6      # Newton stops after a step |Δφ| below this (V): quadratic convergence leaves < 1e-11 V
MAX_NEWTON_STEP_V = 0.05     # largest Newton step in φ (sinh kinetics)
NEWTON_ITERATIONS = 15       # a step that needs more is retried shorter
MAX_STEPS = 20000
MIN_STEP = 1e-13         # a step rejected at this fraction of the duration: the kinetics have no solution
CROSSING_GRID = 256      # times (half log-spaced from FIRST_STEP, half uniform, as fractions of the duration) on
# which one reservoir's exact V(t) is searched for its first cut-off crossing
CUTOFF_TOL_V = 1e-9      # the cut-off time is refined until |V − cut-off| is below this (V)


@dataclass(frozen=True)
class _Modes:
    """One reservoir in its eigenbasis: rates Λ (s⁻¹), S, S⁻¹, forcing c (per A g⁻¹) and surface row s."""

    reservoir: Reservoir
    lam: np.ndarray
    s_mat: np.ndarray
    s_inv: np.ndarray
    c: np.ndarray
    s_row: np.ndarray
    sc: np.ndarray           # s·c elementwise (the surface response per mode)

    @classmethod
    def of(cls, r: Reservoir) -> _Modes:
        lam, s_mat, s_inv = r.mesh.modes
        c = s_inv[:, -1] / (r.capacity_C_g * r.mesh.volumes[-1])
        s_row = SURFACE_WEIGHTS @ s_mat[-3:]
        return cls(r, r.rate_s_inv * lam, s_mat, s_inv, c, s_row, s_row * c)


def _phi1(a: np.ndarray, em1: np.ndarray) -> np.ndarray:
    """φ1(a) = (eᵃ − 1)/a from em1 = eᵃ − 1, with the limit 1 at a = 0."""
    small = np.abs(a) < 1e-12
    return np.where(small, 1.0 + 0.5 * a, em1 / np.where(small, 1.0, a))


class _Stepper:
    """Exponential-Euler and extrapolated steps for a batch of states (one row per current)."""

    def __init__(self, model: ElectrodeModel) -> None:
        self.modes = [_Modes.of(r) for r in model.reservoirs]
        self.f = model.f

    def euler(self, z: list[np.ndarray], h: np.ndarray, phi: np.ndarray, i: list[np.ndarray],
              demand: np.ndarray):
        """One implicit exponential-Euler step of length h (B,) from z (list of (B, n)); (φ, i_k)
        are the Newton starting values.  Returns the new z, φ, i_k and a mask of the rows whose Newton
        iteration converged (a step so long that the surface leaves (0, 1) does not: it is retried shorter)."""
        base, resp, a_k, b_k = [], [], [], []
        for m, zk in zip(self.modes, z):
            lh = m.lam[None, :] * h[:, None]
            em1 = np.expm1(lh)
            bz = zk + em1 * zk
            p = h[:, None] * _phi1(lh, em1)
            base.append(bz)
            resp.append(p)
            a_k.append(bz @ m.s_row)
            b_k.append(p @ m.sc)
        i = list(i)
        for _ in range(NEWTON_ITERATIONS):
            num, den, parts = sum(i) - demand, 0.0, []
            for m, ik, ak, bk in zip(self.modes, i, a_k, b_k):
                cur, d_phi, d_x = m.reservoir.kinetics(phi, ak + bk * ik, self.f)
                res, inv_dk = ik - cur, 1.0 / (1.0 - bk * d_x)
                num, den = num - res * inv_dk, den - d_phi * inv_dk
                parts.append((res, inv_dk, d_phi))
            step = np.minimum(np.maximum(num / den, -MAX_NEWTON_STEP_V), MAX_NEWTON_STEP_V)
            i = [ik - (res - d_phi * step) * inv_dk for ik, (res, inv_dk, d_phi) in zip(i, parts)]
            phi = phi + step
            converged = np.abs(step) < NEWTON_TOL_V
            if converged.all():
                break
        z_new = [bz + p * m.c[None, :] * ik[:, None] for m, bz, p, ik in zip(self.modes, base, resp, i)]
        return z_new, phi, i, converged

    def extrapolated(self, z, h, phi, i, demand, slopes=None):
        """Richardson-extrapolated step: (z, φ, i_k at the new node, local error estimate in x_s;
        inf where a Newton iteration did not converge).  ``slopes`` = (dφ/dt, [di_k/dt]) of the
        previous step predict the Newton starting values."""
        n = h.size
        d_phi, d_i = slopes if slopes is not None else (np.zeros(n), [np.zeros(n) for _ in i])
        hh = np.concatenate([h, 0.5 * h])
        both = self.euler([np.concatenate([zk, zk]) for zk in z], hh,
                          np.concatenate([phi, phi]) + np.concatenate([d_phi, d_phi]) * hh,
                          [np.concatenate([ik, ik]) + np.concatenate([dk, dk]) * hh for ik, dk in zip(i, d_i)],
                          np.concatenate([demand, demand]))
        full = [zk[:n] for zk in both[0]]
        half, phi_h, i_h, conv_h = self.euler([zk[n:] for zk in both[0]], 0.5 * h, both[1][n:] + 0.5 * h * d_phi,
                                              [ik[n:] + 0.5 * h * dk for ik, dk in zip(both[2], d_i)], demand)
        z_new = [2.0 * zh - zf for zh, zf in zip(half, full)]
        err = np.max([np.abs((zh - zf) @ m.s_row) for m, zh, zf in zip(self.modes, half, full)], axis=0)
        phi_new = 2.0 * phi_h - both[1][:n]          # φ and i_k extrapolated alike (second order)
        i_new = [2.0 * ih - ik[:n] for ih, ik in zip(i_h, both[2])]
        ok = conv_h & both[3][:n] & both[3][n:]
        return z_new, phi_new, i_new, np.where(ok, err, np.inf)


@single_threaded_blas
def run_galvanostatic(model: ElectrodeModel, y0: np.ndarray, currents_A_g, durations_s,
                      cutoff_V: float | None, progress: Callable[[], None] | None = None) -> list[Trajectory]:
    """Constant insertion currents (A g⁻¹ active, one trajectory each, all from ``y0``) until
    ``cutoff_V`` or the duration; ``model.points_per_segment`` output points per trajectory.
    ``progress()`` is called once for each current as it reaches its end.  One reservoir (the
    bulk-only model) takes no time steps: :func:`_one_reservoir` evaluates its exact solution."""
    if len(model.reservoirs) == 1:
        return _one_reservoir(model, y0, currents_A_g, durations_s, cutoff_V, progress)
    stepper = _Stepper(model)
    demand = np.asarray(currents_A_g, float)
    dur = np.asarray(durations_s, float)
    nb = demand.size
    sign = np.where(demand >= 0, 1.0, -1.0)
    z = [np.repeat((m.s_inv @ y0[s])[None, :], nb, axis=0) for m, s in zip(stepper.modes, model.slices)]
    x0 = [Mesh.surface_value(y0[s]) for s in model.slices]
    phi = solve_potential(model, x0, current_A_g=demand)
    if not np.isfinite(phi).all():
        raise SimulationError("simulation", "the electrode potential at the start of the step is not finite "
                              f"(surface fill {', '.join(f'{x:.4g}' for x in x0)})",
                              expected="an OCP and exchange currents that are finite at the initial state")
    i = [m.reservoir.kinetics(phi, x, model.f)[0] for m, x in zip(stepper.modes, x0)]
    t = np.zeros(nb)
    nodes = [(t.copy(), [zk.copy() for zk in z], phi.copy(), [ik.copy() for ik in i], np.ones(nb, bool))]
    crossing = np.full(nb, np.nan)                  # step length that crosses the cut-off
    cross_v = np.full(nb, np.nan)
    # already past the cut-off at t = 0: a one-point trajectory
    active = np.ones(nb, bool) if cutoff_V is None else (phi - model.r_ohm_g * demand - cutoff_V) * sign > 0
    if progress is not None:
        for _ in range(int((~active).sum())):
            progress()
    h = FIRST_STEP * dur
    dphi_dt, di_dt = np.zeros(nb), [np.zeros(nb) for _ in i]      # Newton predictors
    for _ in range(MAX_STEPS):
        a = np.flatnonzero(active)
        if not a.size:
            break
        hh = np.minimum(h[a], dur[a] - t[a])
        z_new, phi_new, i_new, err = stepper.extrapolated([zk[a] for zk in z], hh, phi[a], [ik[a] for ik in i],
                                                          demand[a], (dphi_dt[a], [dk[a] for dk in di_dt]))
        ratio = err / (LOCAL_ERROR_PER_RTOL * model.rtol)
        ok = ratio <= 1.0
        past = np.zeros(a.size, bool) if cutoff_V is None else \
            (phi_new - model.r_ohm_g * demand[a] - cutoff_V) * sign[a] <= 0
        take = ok & ~past
        cross = ok & past
        crossing[a[cross]], cross_v[a[cross]] = hh[cross], phi_new[cross] - model.r_ohm_g * demand[a[cross]]
        upd = a[take]
        dphi_dt[upd] = (phi_new[take] - phi[upd]) / hh[take]
        for dk, ink, ik in zip(di_dt, i_new, i):
            dk[upd] = (ink[take] - ik[upd]) / hh[take]
        t[upd] += hh[take]
        for zk, znk in zip(z, z_new):
            zk[upd] = znk[take]
        phi[upd] = phi_new[take]
        for ik, ink in zip(i, i_new):
            ik[upd] = ink[take]
        accepted = np.zeros(nb, bool)
        accepted[upd] = True
        if upd.size:
            nodes.append((t.copy(), [zk.copy() for zk in z], phi.copy(), [ik.copy() for ik in i], accepted))
        finished = np.zeros(nb, bool)
        finished[a[cross]] = True
        finished[upd[t[upd] >= dur[upd] * (1.0 - 1e-12)]] = True
        if progress is not None:
            for _ in range(int((finished & active).sum())):
                progress()
        active &= ~finished
        stuck = ~ok & ~(hh >= MIN_STEP * dur[a])      # also NaN: a state or potential that is not finite
        if stuck.any():
            k = a[np.flatnonzero(stuck)[0]]
            raise SimulationError("simulation", f"at {demand[k]:.4g} A/g (active) Newton's iteration for the "
                                  f"electrode potential found no solution at t = {t[k]:.4g} s, even for a step of "
                                  f"{hh[np.flatnonzero(stuck)[0]]:.3g} s (states or potentials not finite, or the "
                                  "surface driven out of 0..1)", expected="a smaller current or larger exchange "
                                  "currents (host/interface exchange_current_A_m2), or an OCP finite over 0..1")
        h[a] = hh * np.clip(0.9 / np.sqrt(np.maximum(ratio, 1e-12)), 0.2, 5.0)
    else:
        raise SimulationError("simulation", f"more than {MAX_STEPS} time steps in one galvanostatic step",
                              expected="physically sensible parameters: check host.diffusivity_m2_s, the exchange "
                              "currents and the cut-offs, or loosen numerics.rtol")
    times = np.array([n[0] for n in nodes])                     # (n_nodes, nb)
    mask = np.array([n[4] for n in nodes])
    zs = [np.array([n[1][k] for n in nodes]) for k in range(len(z))]
    phis = np.array([n[2] for n in nodes])
    cs = [np.array([n[3][k] for n in nodes]) for k in range(len(z))]

    at_once = ~np.isfinite(crossing) & (t == 0.0)       # past the cut-off at t = 0 (or a zero duration)
    hit = np.isfinite(crossing) | (at_once & (cutoff_V is not None))
    t_end = t.copy()
    if np.isfinite(crossing).any():
        idx = np.flatnonzero(np.isfinite(crossing))
        tau = _cutoff_roots(model, stepper, [zk[idx] for zk in z], phi[idx], [ik[idx] for ik in i], demand[idx],
                            (dphi_dt[idx], [dk[idx] for dk in di_dt]), crossing[idx], cross_v[idx], cutoff_V, t[idx])
        t_end[idx] = t[idx] + tau
    # dense output: the extrapolated step from the last node at or before each output time
    n_out = model.points_per_segment
    out_t = np.linspace(0.0, 1.0, n_out)[None, :] * t_end[:, None]             # (nb, n_out)
    row_parts, node_parts, next_parts = [], [], []
    for b in range(nb):
        nb_rows = np.flatnonzero(mask[:, b])
        k = np.clip(np.searchsorted(times[nb_rows, b], out_t[b], side="right") - 1, 0, nb_rows.size - 1)
        node_parts.append(nb_rows[k])
        next_parts.append(nb_rows[np.minimum(k + 1, nb_rows.size - 1)])
        row_parts.append(np.full(n_out, b))
    node_of, node_next, rows = np.concatenate(node_parts), np.concatenate(next_parts), np.concatenate(row_parts)
    tau = out_t.ravel() - times[node_of, rows]
    gap = times[node_next, rows] - times[node_of, rows]
    gap = np.where(gap > 0, gap, np.inf)                      # after the last node: no predictor
    slopes = ((phis[node_next, rows] - phis[node_of, rows]) / gap,
              [(ck[node_next, rows] - ck[node_of, rows]) / gap for ck in cs])
    zo, phio, io, _ = stepper.extrapolated([zk[node_of, rows] for zk in zs], tau, phis[node_of, rows],
                                           [ck[node_of, rows] for ck in cs], demand[rows], slopes)
    y_out = np.concatenate([zk @ m.s_mat.T for zk, m in zip(zo, stepper.modes)], axis=1)   # (nb·n_out, n_state)
    v_out = phio - model.r_ohm_g * demand[rows]
    trajectories = []
    for b in range(nb):
        sl = slice(b * n_out, (b + 1) * n_out) if not at_once[b] else slice(b * n_out, b * n_out + 1)
        y = y_out[sl].T.copy()
        y[:, 0] = y0
        trajectories.append(Trajectory(out_t[b, :y.shape[1]], y, v_out[sl], np.array([ik[sl] for ik in io]),
                                       bool(hit[b])))
    return trajectories


def _one_reservoir(model: ElectrodeModel, y0: np.ndarray, currents_A_g, durations_s, cutoff_V: float | None,
                   progress: Callable[[], None] | None) -> list[Trajectory]:
    """Exact galvanostatic trajectories of a model with one reservoir, without time steps.

    The one reservoir carries the whole applied current, i = I, so its modal equations are linear
    with constant forcing and

        z(t) = e^{Λt}·z0 + t·φ1(Λt)·c·I

    holds at every t (the formula of one exponential-Euler step, exact here); the potential follows
    in closed form from the Butler–Volmer inversion φ = U(x_s) − (2/(n f))·asinh(I/(2 i0 g(x_s))),
    and V = φ − R·m·I.  The cut-off time is the first crossing of V(t) on :data:`CROSSING_GRID`
    times, refined by Illinois regula falsi to |V − cut-off| < :data:`CUTOFF_TOL_V`; the output
    points are evenly spaced up to it, as in :func:`run_galvanostatic`."""
    m = _Modes.of(model.reservoirs[0])
    r = m.reservoir
    demand = np.asarray(currents_A_g, float)
    dur = np.asarray(durations_s, float)
    nb = demand.size
    z0 = m.s_inv @ y0

    def modes(t: np.ndarray, current: np.ndarray) -> np.ndarray:
        lt = m.lam * t[..., None]
        em1 = np.expm1(lt)
        return z0 + em1 * z0 + (t * current)[..., None] * _phi1(lt, em1) * m.c

    def volts(z: np.ndarray, current: np.ndarray) -> np.ndarray:
        x_s = z @ m.s_row
        return _single_phi(r, x_s, r.ocp(x_s), current, model.f) - model.r_ohm_g * current

    def cut(t: np.ndarray, current: np.ndarray) -> np.ndarray:
        return volts(modes(t, current), current) - cast(float, cutoff_V)

    sign = np.where(demand >= 0, 1.0, -1.0)
    t_end = dur.copy()
    at_once = ~(dur > 0)
    hit = np.zeros(nb, bool)
    if cutoff_V is not None:
        past_at_start = cut(np.zeros(nb), demand) * sign <= 0
        at_once |= past_at_start
        hit |= past_at_start
        frac = np.union1d(np.geomspace(FIRST_STEP, 1.0, CROSSING_GRID // 2), np.linspace(0.0, 1.0, CROSSING_GRID // 2))
        grid = frac[None, :] * dur[:, None]                                          # (nb, n_grid)
        f_grid = cut(grid, demand[:, None])
        past = (f_grid * sign[:, None] <= 0) | ~np.isfinite(f_grid)
        idx = np.flatnonzero(past.any(axis=1) & ~at_once)
        if idx.size:
            k = np.argmax(past[idx], axis=1)                                         # first grid time past it
            hi = grid[idx, k]
            lo = np.where(k > 0, grid[idx, np.maximum(k - 1, 0)], 0.0)
            holey = ~np.isfinite(f_grid[idx, k])
            if holey.any():             # V stops being finite first, or later: bisect to what comes first
                j = np.flatnonzero(holey)
                lo[j], hi[j] = _first_stop(lambda t: cut(t, demand[idx[j]]) * sign[idx[j]], lo[j], hi[j])
                bad = j[~np.isfinite(cut(hi[j], demand[idx[j]]))]
                if bad.size:
                    b, t_bad = idx[bad[0]], hi[bad[0]]
                    raise _not_finite(demand[b], t_bad, float(modes(np.array(t_bad), demand[b]) @ m.s_row))
            t_end[idx] = _illinois(lambda t: cut(t, demand[idx]), lo, hi, iterations=100)
            hit[idx] = True
    n_out = model.points_per_segment
    out_t = np.linspace(0.0, 1.0, n_out)[None, :] * t_end[:, None]                 # (nb, n_out)
    z = modes(out_t, demand[:, None])                                                # (nb, n_out, n)
    v_out = volts(z, demand[:, None])
    if not np.isfinite(v_out).all():
        b, k = (int(a[0]) for a in np.nonzero(~np.isfinite(v_out)))
        raise _not_finite(demand[b], out_t[b, k], float(z[b, k] @ m.s_row))
    y_out = z @ m.s_mat.T
    trajectories = []
    for b in range(nb):
        n = 1 if at_once[b] else n_out
        y = y_out[b, :n].T.copy()
        y[:, 0] = y0
        trajectories.append(Trajectory(out_t[b, :n], y, v_out[b, :n], np.full((1, n), demand[b]), bool(hit[b])))
        if progress is not None:
            progress()
    return trajectories


def _not_finite(current_A_g: float, t: float, x_s: float) -> SimulationError:
    return SimulationError("simulation", f"at {current_A_g:.4g} A/g (active) the electrode potential is not finite "
                           f"from t = {t:.4g} s (surface fill {x_s:.4g})", expected="an OCP and exchange currents "
                           "(host/interface exchange_current_A_m2) finite over the fill range 0..1")


def _first_stop(g: Callable[[np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bisect [lo, hi] (one bracket per element) to where g first becomes ≤ 0 or not finite, given
    g(lo) > 0 and g(hi) ≤ 0 or not finite; returns the narrowed (lo, hi)."""
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        g_mid = g(mid)
        on = np.isfinite(g_mid) & (g_mid > 0)
        lo, hi = np.where(on, mid, lo), np.where(on, hi, mid)
    return lo, hi


def _illinois(f: Callable[[np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray,
              f_lo: np.ndarray | None = None, f_hi: np.ndarray | None = None, t0: np.ndarray | float = 0.0,
              iterations: int = 60) -> np.ndarray:
    """Roots of f (one per element) bracketed by [lo, hi], f(lo) on the other side of 0 from f(hi)
    (Illinois regula falsi, until |f| < CUTOFF_TOL_V or the bracket is below 1e-13 of t0 + hi)."""
    f_lo = f(lo) if f_lo is None else f_lo
    f_hi = f(hi) if f_hi is None else f_hi
    tau, last = hi.copy(), np.zeros(hi.size, bool)
    for k in range(iterations):
        tau = np.clip(hi - f_hi * (hi - lo) / np.where(f_hi == f_lo, 1.0, f_hi - f_lo), lo, hi)
        f_t = f(tau)
        same = np.sign(f_t) == np.sign(f_hi)           # the new point replaces hi (else lo)
        again_hi, again_lo = same & last, ~same & ~last & (k > 0)   # Illinois: the same side twice
        f_lo = np.where(again_hi, 0.5 * f_lo, f_lo)
        f_hi = np.where(again_lo, 0.5 * f_hi, f_hi)
        hi, f_hi = np.where(same, tau, hi), np.where(same, f_t, f_hi)
        lo, f_lo = np.where(same, lo, tau), np.where(same, f_lo, f_t)
        last = same
        if np.all((np.abs(f_t) < CUTOFF_TOL_V) | (hi - lo <= 1e-13 * (t0 + hi))):
            break
    return tau


def _cutoff_roots(model, stepper, z, phi, i, demand, slopes, h_cross, v_cross, cutoff_V, t0) -> np.ndarray:
    """Step length τ ∈ (0, h_cross] from the last node at which V = cutoff (Illinois regula falsi)."""
    def f(tau: np.ndarray) -> np.ndarray:
        return stepper.extrapolated(z, tau, phi, i, demand, slopes)[1] - model.r_ohm_g * demand - cutoff_V

    return _illinois(f, np.zeros_like(h_cross), h_cross.copy(), phi - model.r_ohm_g * demand - cutoff_V,
                     v_cross - cutoff_V, t0)
