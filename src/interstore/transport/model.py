"""The transient model of a heterostructure electrode in a Zn half-cell, built from a
:class:`~interstore.transport.cellconfig.CellConfig`.

Two reservoirs k share one electrode potential φ (V vs Zn/Zn²⁺):

* ``bulk``: Zn insertion into the V oxide, solid diffusion in a sphere or slab,
  ∂x/∂t = D ∇²x, x = stoichiometry (fraction of the theoretical capacity Q_b);
* ``interface``: interface storage at the VOx|substrate junction (capacity Q_i from
  the atomistic limit or the space-charge capacitance), charged by the job-sharing
  chemical diffusivity D^δ = σ_amb/(a_v·C_int + c^δ_bulk) over a transport length.

Each reservoir takes Zn at its surface by Butler–Volmer kinetics
(:mod:`interstore.transport.kinetics`) and the volume average obeys Q_k·d⟨x_k⟩/dt = i_k.  The
terminal potential is V = φ + R·m·I_an (ohmic drop; I_an = −Σ i_k is the anodic current in
A g⁻¹, m the active mass in g).  Each reservoir diffuses on its own finite-volume mesh
(:mod:`interstore.transport.mesh`), sized from the diffusion length at the highest rate unless
set (:func:`resolve_cells`).  Steps are integrated by :mod:`interstore.transport.solver`; the
protocols (discharge, CV, hold, rate test) are in :mod:`interstore.transport.electrode`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np

from ..constants import ELEMENTARY_CHARGE, FARADAY, GAS_CONSTANT, Z_ZINC
from ..errors import InputError, InterstoreWarning, SimulationError
from ..theoretical import theoretical_capacity
from .cellconfig import CellConfig
from .kinetics import Reservoir
from .mesh import Mesh
from .ocp import X_CLIP, AnalyticOCP, LinearOCP, TableOCP, get_ocp

LANGMUIR_REACH = 18.0   # max n_id·F·|E − E_site|/RT in the window: θ stays > 1.5e-8 from 0 and 1
DEFAULT_CELLS = 30               # finite volumes per reservoir when nothing asks for more
CELLS_PER_DIFFUSION_LENGTH = 10  # cells across √(D t) at the highest rate: < 0.1 % capacity error vs a converged mesh
MAX_AUTO_CELLS = 400


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
    steps = cast(np.ndarray, galvani_step_V(e, pzc_V))
    return tuple(interface_capacitance_curve(json.loads(params_json), steps).capacitance_F_m2)


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
