"""Transient particle-scale model of a heterostructure electrode in a Zn half-cell.

Two reservoirs k share one electrode potential φ (V vs Zn/Zn²⁺):

* ``bulk``: Zn insertion into the V oxide, solid diffusion in a sphere or slab,
  ∂x/∂t = D ∇²x, x = stoichiometry (fraction of the theoretical capacity Q_b);
* ``interface``: interface storage at the VOx|substrate junction (capacity Q_i from
  the atomistic limit or the space-charge capacitance), charged by the job-sharing
  chemical diffusivity D^δ = σ_amb/(a_v·C_int + c^δ_bulk) over a transport length.

Each reservoir takes Zn at its surface by Butler–Volmer kinetics (insertion positive)

    i_k = 2·i0_k·g_k(x_s)·sinh(n·F·(U_k(x_s) − φ)/(2RT))        (A g⁻¹ of active oxide)

with g = 2√(x_s(1−x_s)) for the bulk and g = 1 for the interface, and the volume
average obeys Q_k·d⟨x_k⟩/dt = i_k.  The terminal potential is V = φ + R·m·I_an
(ohmic drop; I_an = −Σ i_k is the anodic current in A g⁻¹, m the active mass in g).
Galvanostatic steps fix Σ i_k; potentiostatic steps (CV, holds) fix V; φ follows
from the kinetics (Newton on analytic derivatives).

Numerics: cell-centred finite volumes on a uniform mesh (exactly conservative; its size from
the diffusion length at the highest rate unless set, :func:`resolve_cells`),
surface value by quadratic extrapolation of the last three cells.  Galvanostatic steps
(any number of reservoirs, many currents at once) go through an exponential integrator
on the Laplacian's eigenmodes with φ and the currents solved by Newton on the analytic
kinetics (:mod:`interstore.transport.expintegrator`; exact for one reservoir);
potentiostatic steps through scipy BDF with an analytic sparse Jacobian
(charge-conserving), φ from safeguarded Newton, and terminal events at the cut-offs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Callable

import numpy as np

from ..constants import ELEMENTARY_CHARGE, FARADAY, GAS_CONSTANT, Z_ZINC
from ..errors import InputError, InterstoreWarning, SimulationError
from ..theoretical import theoretical_capacity
from .cellconfig import CellConfig
from .ocp import X_CLIP, AnalyticOCP, LinearOCP, TableOCP, get_ocp
from .protocol_checks import check_protocol

if TYPE_CHECKING:
    from ..echem.record import Measurement

LANGMUIR_REACH = 18.0   # max n_id·F·|E − E_site|/RT in the window: θ stays > 1.5e-8 from 0 and 1
MAX_CV_CYCLES = 50  # a simulated CV reaches its periodic state in a few cycles
MAX_NOMINAL_HOURS = 1e4  # slowest galvanostatic run: ~C/10000 (the capacity at 1e-4 A/g in about 4000 h)
DEFAULT_CELLS = 30               # finite volumes per reservoir when nothing asks for more
CELLS_PER_DIFFUSION_LENGTH = 10  # cells across √(D t) at the highest rate: < 0.1 % capacity error vs a converged mesh
MAX_AUTO_CELLS = 400


@dataclass(frozen=True)
class Mesh:
    """Uniform cell-centred mesh on ξ = r/L ∈ [0, 1]; volumes normalised to sum to 1."""

    geometry: str
    n_cells: int

    @property
    def faces(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, self.n_cells + 1)

    @property
    def volumes(self) -> np.ndarray:
        f = self.faces
        return np.diff(f ** 3) if self.geometry == "sphere" else np.diff(f)

    def laplacian(self):
        """Sparse matrix M with d x/dt = (D/L²)·M x for zero flux at both ends."""
        from scipy.sparse import diags

        f = self.faces
        area = 3.0 * f ** 2 if self.geometry == "sphere" else np.ones_like(f)
        h = 1.0 / self.n_cells
        g = area[1:-1] / h                      # conductance of the inner faces
        vol = self.volumes
        main = np.zeros(self.n_cells)
        main[:-1] -= g
        main[1:] -= g
        return diags([g / vol[1:], main / vol, g / vol[:-1]], [-1, 0, 1], format="csr")

    @cached_property
    def modes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(λ, S, S⁻¹) with M = S·diag(λ)·S⁻¹ for the Laplacian M, from the symmetric form
        V^½·M·V^-½ (V = cell volumes); λ ≤ 0, one λ = 0 (conservation)."""
        from scipy.linalg import eigh

        root = np.sqrt(self.volumes)
        sym = self.laplacian().toarray() * root[:, None] / root[None, :]
        lam, q = eigh(0.5 * (sym + sym.T))
        return np.minimum(lam, 0.0), q / root[:, None], q.T * root[None, :]

    @staticmethod
    def surface_value(x: np.ndarray) -> float:
        """Quadratic extrapolation of the last three cell values to ξ = 1."""
        return 1.875 * x[-1] - 1.25 * x[-2] + 0.375 * x[-3]


@dataclass(frozen=True)
class Reservoir:
    """One Zn store: capacity (C g⁻¹ active), OCP U(x), diffusion D/L² (s⁻¹), kinetics i0 (A g⁻¹)."""

    name: str
    capacity_C_g: float
    ocp: Callable
    mesh: Mesh
    rate_s_inv: float                 # D/L²
    i0_A_g: float
    kinetic_electrons: float
    concentration_dependent_i0: bool

    def kinetics(self, phi, x_s, f: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Insertion current and its derivatives at potential φ (V) and surface stoichiometry x_s
        (arrays broadcast; f = F/RT):

            i = 2 i0 g(x_s) sinh(η),  η = n f (U(x_s) − φ)/2            (A g⁻¹)
            ∂i/∂φ = −n f i0 g cosh(η)                                    (A g⁻¹ V⁻¹)
            ∂i/∂x_s = 2 i0 (g′ sinh(η) + g cosh(η)·n f U′/2)              (A g⁻¹)

        with g = 2√(x(1−x)) (x clipped to [X_CLIP, 1 − X_CLIP]) or g = 1."""
        x = np.asarray(x_s, float)
        if self.concentration_dependent_i0:
            xc = np.minimum(np.maximum(x, X_CLIP), 1.0 - X_CLIP)
            root = np.sqrt(xc * (1.0 - xc))
            g, dg = 2.0 * root, np.where(xc == x, (1.0 - 2.0 * xc) / root, 0.0)
        else:
            g, dg = 1.0, 0.0
        half = 0.5 * self.kinetic_electrons * f
        u, du = self.ocp.with_slope(x)
        e = np.exp(np.minimum(np.maximum(half * (u - phi), -600.0), 600.0))
        sh, ch = 0.5 * (e - 1.0 / e), 0.5 * (e + 1.0 / e)
        two_i0 = 2.0 * self.i0_A_g
        return two_i0 * g * sh, -two_i0 * half * g * ch, two_i0 * (dg * sh + g * ch * half * du)


@dataclass(frozen=True)
class ElectrodeModel:
    """Reservoirs plus cell-level parameters; built from a :class:`CellConfig` by :func:`build_model`."""

    reservoirs: tuple[Reservoir, ...]
    r_ohm_g: float                    # R·m, Ω g (times A g⁻¹ gives V)
    temperature_K: float
    v_min_V: float
    v_max_V: float
    rtol: float
    atol: float
    points_per_segment: int
    active_mass_g: float

    @property
    def f(self) -> float:
        return FARADAY / (GAS_CONSTANT * self.temperature_K)

    @property
    def slices(self) -> list[slice]:
        out, start = [], 0
        for r in self.reservoirs:
            out.append(slice(start, start + r.mesh.n_cells))
            start += r.mesh.n_cells
        return out

    def stored_C_g(self, y: np.ndarray) -> np.ndarray:
        """Zn charge stored in each reservoir (C g⁻¹ active) for state(s) y (n_state[, n_times])."""
        return np.array([r.capacity_C_g * (r.mesh.volumes @ y[s]) for r, s in zip(self.reservoirs, self.slices)])


def _bulk_reservoir(config: CellConfig) -> Reservoir:
    host = config.host
    q = theoretical_capacity(host.formula, host.electrons).capacity_mAh_g * 3.6
    rho = host.density_g_cm3 * 1e6                         # g m⁻³
    area_m2_g = (3.0 if host.geometry == "sphere" else 1.0) / (rho * host.size_m)
    return Reservoir("bulk", q, get_ocp(host.ocp, base_dir=config.base_dir, temperature_K=config.cell.temperature_K),
                     Mesh(host.geometry, config.numerics.n_cells or DEFAULT_CELLS),
                     host.diffusivity_m2_s / host.size_m ** 2,
                     host.exchange_current_A_m2 * area_m2_g, host.kinetic_electrons, True)


def interface_area_m2_g(config: CellConfig) -> float:
    """Interface area per gram of active oxide: a_v(φ_α = 1) / ρ  (m² g⁻¹)."""
    from .jobsharing import interface_area_per_volume

    itf = config.interface
    size = {"radius_m" if itf.contact_geometry == "cluster" else "thickness_m": itf.contact_size_m}
    return interface_area_per_volume(itf.contact_geometry, coverage=itf.coverage, **size) \
        / (config.host.density_g_cm3 * 1e6)


def interface_diffusivity_m2_s(config: CellConfig) -> float:
    """Job-sharing chemical diffusivity D^δ = σ_amb/(c^δ_bulk + a_v·C_int) (m² s⁻¹), with a_v the
    interface area per composite volume (= φ_α·ρ·area per g) and C_int (F m⁻²) from the config or,
    when unset, the mean capacitance of the interface reservoir, Q/(area·ΔV_window)."""
    from .jobsharing import job_sharing_diffusivity

    itf = config.interface
    area = interface_area_m2_g(config)
    c_int = itf.interface_capacitance_F_m2
    if c_int is None:
        lo, hi = config.interface_window_V
        c_int = _interface_storage(config, area)[0] / (area * (hi - lo))
    a_v = itf.active_volume_fraction * area * config.host.density_g_cm3 * 1e6
    return float(job_sharing_diffusivity(
        itf.sigma_ion_S_m, itf.sigma_eon_S_m, z=Z_ZINC,
        bulk_chemical_capacitance_F_m3=itf.bulk_chemical_capacitance_F_m3,
        a_v_m_inv=a_v, interface_capacitance_F_m2=c_int).D_m2_s)


@lru_cache(maxsize=32)
def _spacecharge_capacitance(params_json: str, pzc_V: float, hi: float, lo: float, n: int) -> tuple[float, ...]:
    """C_int(E) (F m⁻²) on n potentials from hi to lo (cached: sweeps reuse one curve)."""
    import json

    from .spacecharge import galvani_step_V, interface_capacitance_curve

    e = np.linspace(hi, lo, n)
    return tuple(interface_capacitance_curve(json.loads(params_json), galvani_step_V(e, pzc_V)).capacitance_F_m2)


def _interface_storage(config: CellConfig, area_m2_g: float):
    """(capacity C g⁻¹, OCP of the filling fraction) of the interface reservoir."""
    itf = config.interface
    lo, hi = config.interface_window_V
    if itf.capacity_source == "atomistic":
        q = Z_ZINC * ELEMENTARY_CHARGE * itf.zn_per_site * itf.sites_per_nm2 * 1e18 * area_m2_g
        if q <= 0:
            raise InputError("parameter 'interface.zn_per_site'", "gives zero interface capacity",
                             expected="n_max > 0 (or interface.enabled = false)")
        if itf.isotherm == "linear":
            return q, LinearOCP("interface (constant capacitance)", lo, hi)
        ocp = AnalyticOCP("interface (Langmuir sites)", itf.site_potential_V, 0.0, itf.site_ideality_electrons,
                          temperature_K=config.cell.temperature_K)
        reach = itf.site_ideality_electrons * FARADAY / (GAS_CONSTANT * config.cell.temperature_K) * max(
            itf.site_potential_V - config.cell.v_min_V, config.cell.v_max_V - itf.site_potential_V)
        if reach > LANGMUIR_REACH:
            raise InputError("parameter 'interface.site_potential_V'", f"the cell window {config.cell.v_min_V}.."
                             f"{config.cell.v_max_V} V fills/empties the Langmuir sites to within "
                             f"exp(-{reach:.0f}) of saturation, which the integrator cannot resolve",
                             expected=f"n_id·F·|E_edge − E_site|/RT <= {LANGMUIR_REACH:g} (narrow the window, "
                             "lower site_ideality_electrons, or use isotherm = 'linear')")
        return q, ocp
    import json

    from scipy.integrate import cumulative_trapezoid

    e = np.linspace(hi, lo, 81)
    try:
        c = np.array(_spacecharge_capacitance(json.dumps(itf.spacecharge, sort_keys=True), itf.pzc_V, hi, lo, e.size))
    except InputError as exc:   # a SimulationError (Poisson–Boltzmann Newton failure) stays one
        raise type(exc)("parameter 'interface.spacecharge'", exc.one_line(),
                        expected="SpaceChargeParams fields, e.g. {eps_r = 20, c_bulk_mol_m3 = 10}") from None
    if not np.all(np.isfinite(c)) or np.any(c <= 0):
        raise InputError("parameter 'interface.spacecharge'", "capacitance curve is not finite and positive",
                         expected="space-charge parameters giving C_int > 0 over interface.window_V")
    q_e = cumulative_trapezoid(c, -e, initial=0.0) * area_m2_g                # C g⁻¹ stored from hi down to E
    return float(q_e[-1]), TableOCP("interface (space charge)", q_e / q_e[-1], e)


def _interface_reservoir(config: CellConfig) -> Reservoir:
    itf = config.interface
    area = interface_area_m2_g(config)
    q, ocp = _interface_storage(config, area)
    return Reservoir("interface", q, ocp, Mesh(itf.transport_geometry, config.numerics.n_cells or DEFAULT_CELLS),
                     interface_diffusivity_m2_s(config) / itf.transport_length_m ** 2,
                     itf.exchange_current_A_m2 * area, 1.0, False)


RESERVOIR_CHOICES = ("all", "bulk", "interface")


def build_model(config: CellConfig, *, reservoirs: str = "all") -> ElectrodeModel:
    """Turn a config into an :class:`ElectrodeModel` with ``all``, ``bulk`` or ``interface`` reservoirs."""
    if reservoirs not in RESERVOIR_CHOICES:
        raise InputError("reservoirs", f"unknown choice {reservoirs!r}", expected=" / ".join(RESERVOIR_CHOICES))
    use_interface = reservoirs != "bulk" and config.interface.enabled
    if reservoirs == "interface" and not use_interface:
        raise InputError("parameter 'interface.enabled'", "interface reservoir requested but disabled",
                         expected="interface.enabled = true")
    res = ([] if reservoirs == "interface" else [_bulk_reservoir(config)]) + \
        ([_interface_reservoir(config)] if use_interface else [])
    c, n = config.cell, config.numerics
    return ElectrodeModel(tuple(res), c.r_ohm_ohm * c.active_mass_g, c.temperature_K, c.v_min_V, c.v_max_V,
                          n.rtol, n.atol, n.points_per_segment, c.active_mass_g)


class MeshWarning(InterstoreWarning):
    """A user-set ``numerics.n_cells`` too coarse for the diffusion layer at the highest rate."""


def resolve_cells(config: CellConfig, max_current_A_g: float, *, reservoirs: str = "all") -> CellConfig:
    """The config with the mesh a galvanostatic run up to ``max_current_A_g`` (A g⁻¹ active) needs.

    At current I the reservoirs cannot take longer than t = ΣQ_k/I to fill, and the diffusion layer
    at the surface is ℓ_k = √(D_k t)/L_k thick (in units of the particle size L_k).  The mesh must
    put :data:`CELLS_PER_DIFFUSION_LENGTH` cells across the thinnest layer: n ≥ 10/min ℓ_k.
    ``numerics.n_cells`` unset: n = max(30, that), at most 400.  Set by the user and coarser: kept,
    with a :class:`MeshWarning` naming the cells it would take."""
    import warnings

    model = build_model(config, reservoirs=reservoirs)
    t = sum(r.capacity_C_g for r in model.reservoirs) / max_current_A_g
    ell = min(math.sqrt(r.rate_s_inv * t) for r in model.reservoirs)
    needed = math.ceil(CELLS_PER_DIFFUSION_LENGTH / ell)
    if config.numerics.n_cells is None:
        return config.updated(**{"numerics.n_cells": min(max(DEFAULT_CELLS, needed), MAX_AUTO_CELLS)})
    if config.numerics.n_cells < needed:
        warnings.warn(f"numerics.n_cells = {config.numerics.n_cells} puts {config.numerics.n_cells * ell:.1f} cells "
                      f"across the diffusion layer √(D t) at {max_current_A_g:.3g} A/g (active): capacities may be "
                      f"off by percents; use n_cells >= {needed} or leave it unset (automatic)", MeshWarning,
                      stacklevel=3)
    return config


# ---------------------------------------------------------------------------- the solver

def _single_phi(r: Reservoir, x_s, u, current_A_g, f: float):
    """φ = U − (2/(n f))·asinh(I/(2 i0 g(x_s))) when one reservoir carries the current I (arrays allowed)."""
    g = 1.0
    if r.concentration_dependent_i0:
        xs = np.clip(x_s, X_CLIP, 1.0 - X_CLIP)
        g = 2.0 * np.sqrt(xs * (1.0 - xs))
    return u - 2.0 / (r.kinetic_electrons * f) * np.arcsinh(current_A_g / (2.0 * r.i0_A_g * g))


def _solve_phi(model: ElectrodeModel, x_s, *, current_A_g: float | None, potential_V=None) -> np.ndarray:
    """Electrode potential φ (V) with Σ i_k(φ, x_s,k) = demand: the applied insertion current
    (galvanostatic) or (φ − V)/(R m) (potentiostatic).  ``x_s`` holds one surface stoichiometry
    (scalar or array) per reservoir; φ has the broadcast shape of these, the current and V.

    h(φ) = Σ i_k − demand decreases monotonically in φ: a bracket is widened from the mean OCP (or
    V) until it holds the root, then safeguarded Newton on the analytic ∂i/∂φ (bisection when a
    step leaves the bracket) converges to |Δφ| < 1e-12 V."""
    f, res = model.f, model.reservoirs
    x_s = [np.asarray(x, float) for x in x_s]
    shape = np.broadcast_shapes(*(x.shape for x in x_s), np.shape(current_A_g), np.shape(potential_V))
    if current_A_g is None and model.r_ohm_g == 0.0:
        return np.broadcast_to(np.asarray(potential_V, float), shape).copy()
    if current_A_g is not None and len(res) == 1:
        return np.broadcast_to(_single_phi(res[0], x_s[0], res[0].ocp(x_s[0]), current_A_g, f), shape).astype(float)
    slope = 0.0 if current_A_g is not None else 1.0 / model.r_ohm_g

    def h(phi):
        total, d_total = 0.0, 0.0
        for r, xs in zip(res, x_s):
            i, di, _ = r.kinetics(phi, xs, f)
            total, d_total = total + i, d_total + di
        demand = current_A_g if current_A_g is not None else (phi - potential_V) * slope
        return total - demand, d_total - slope

    centre = np.broadcast_to(potential_V if potential_V is not None
                             else sum(r.ocp(xs) for r, xs in zip(res, x_s)) / len(res), shape).astype(float)
    width = np.full(shape, 0.05)
    while True:
        lo, hi = centre - width, centre + width
        wide = (h(lo)[0] < 0) | (h(hi)[0] > 0)
        if not wide.any():
            break
        width = np.where(wide, 2.0 * width, width)
        if width.max() > 50.0:
            demand = "the requested current" if current_A_g is not None else "the applied potential"
            raise SimulationError("simulation", f"no electrode potential within ±50 V carries {demand} "
                                  "(the exchange currents are too small for it, or an OCP is not finite)",
                                  expected="a smaller current, or larger host/interface exchange_current_A_m2")
    phi = centre
    for _ in range(200):
        val, slope_h = h(phi)
        lo, hi = np.where(val > 0, phi, lo), np.where(val > 0, hi, phi)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = phi - val / slope_h
        new = np.where((new > lo) & (new < hi) & np.isfinite(new), new, 0.5 * (lo + hi))
        done = np.abs(new - phi) <= 1e-12 + 1e-12 * np.abs(phi)
        phi = new
        if done.all():
            break
    return phi


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
    phi = _solve_phi(model, x_s, current_A_g=step.current_A_g, potential_V=v_app)
    i_k = [r.kinetics(phi, xs, model.f)[0] for r, xs in zip(model.reservoirs, x_s)]
    v = v_app if v_app is not None else phi - model.r_ohm_g * step.current_A_g
    return phi, v, i_k


SURFACE_WEIGHTS = np.array([0.375, -1.25, 1.875])   # Mesh.surface_value on the last three cells


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
        cutoff.terminal = True
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


def equilibrium_state(model: ElectrodeModel, potential_V: float) -> np.ndarray:
    """Uniform state with every reservoir at open circuit U_k(x) = potential_V (x clipped to (0, 1))."""
    from scipy.optimize import brentq

    y = []
    for r in model.reservoirs:
        lo, hi = X_CLIP, 1.0 - X_CLIP
        g = lambda x: float(r.ocp(x)) - potential_V  # noqa: E731 - decreasing in x
        if not (math.isfinite(g(lo)) and math.isfinite(g(hi))):
            raise SimulationError("simulation", f"the {r.name} OCP is not finite at x = {lo:g} or {1 - lo:g}",
                                  expected=f"an OCP defined over the whole 0..1 fill range ({r.name} ocp)")
        x0 = lo if g(lo) <= 0 else hi if g(hi) >= 0 else brentq(g, lo, hi, xtol=1e-14)
        y.append(np.full(r.mesh.n_cells, x0))
    return np.concatenate(y)


# ---------------------------------------------------------------------------- public simulations

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
    t0, parts, cycle, step, states = 0.0, [], 0, 0, []
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
