"""Space-charge equilibrium at an ion-conducting (α, the V oxide) | electron-conducting (β, the
substrate) junction: 1-D Poisson–Boltzmann with site-restricted occupancy.

Poisson (x from the interface, α at x > 0, β at x < 0)::

    d/dx(ε dφ/dx) = −ρ,   ρ = F·Σ_k z_k c_k                        (C m⁻³)

Site-restricted (Fermi–Dirac) occupancy of a mobile defect k::

    c_k = c_k∞ e^{−z_k F Δφ/RT} / [1 + x_k(e^{−z_k F Δφ/RT} − 1)],   x_k = c_k∞ / c_site

(x_k = 0: dilute Boltzmann).  Δφ = φ − φ∞ of the defect's own phase; the β bulk sits at
``delta_phi_V`` above the α bulk.  Modes of phase α:

- ``gouy-chapman``: mobile Zn interstitials (+z) and Zn vacancies (−z), both at c∞;
- ``mott-schottky``: mobile Zn interstitials (+z) against an immobile acceptor (−z) at c∞.

Phase β is a metal (no field inside, all of ``delta_phi_V`` falls in α) or, when
``beta_c_bulk_mol_m3`` is given, a semiconductor with electrons and holes at that bulk
concentration (its own space charge in series).

Discretisation: vertex-centred finite volumes on a geometric mesh graded from the interface
(first cell a small fraction of the local screening length), Newton iteration with a tridiagonal
Jacobian (scipy.linalg.solve_banded) and updates clipped to one thermal voltage RT/F.  The far
α boundary (x = thickness) is a zero-field (symmetry) plane: a film of thickness L on β, or a
2L slab between two β contacts.  ``thickness_m=None`` means semi-infinite.

The differential capacitance C = −dQ_α/dΔφ (F m⁻²) comes from the exact sensitivity of the
discrete solution (one extra banded solve), not from finite differences.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, cast

import numpy as np
from scipy.linalg import solve_banded

from ..constants import FARADAY, GAS_CONSTANT, ROOM_TEMPERATURE, VACUUM_PERMITTIVITY, Z_ZINC
from ..errors import InputError, SimulationError, require_positive

MODES = ("gouy-chapman", "mott-schottky")
MAX_ABS_DELTA_PHI_V = 1.5  # beyond this the continuum model is meaningless (and exp overflows)
MAX_BULK_CONC_MOL_M3 = 1e6  # a bulk defect or carrier concentration above the atom density of any solid
MAX_ACCUMULATION = 1e20  # largest c_peak/c∞ of a dilute defect: beyond it the model (and the mesh) breaks down
SEMI_INFINITE_DEBYE_LENGTHS = 30.0  # domain length of a "semi-infinite" phase, in Debye lengths
_MESH_RATIO = 1.05  # geometric growth of the cell size away from the interface
_CELLS_PER_LOCAL_LENGTH = 40.0  # first cell = local screening length / this
_CELLS_PER_DEBYE_LENGTH = 12.0  # largest cell = λ / this
_FAR_RATIO = 1.3  # cell growth beyond the space-charge zone of a thick phase


def _optional_positive(name: str, value: float | None) -> float | None:
    return None if value is None else require_positive(name, value)


@dataclass(frozen=True)
class SpaceChargeParams:
    """Inputs of the α|β junction (SI units; concentrations in mol m⁻³).

    ``c_bulk_mol_m3`` is the bulk concentration of each mobile α defect (Gouy–Chapman) or of the
    dopant (Mott–Schottky); ``site_concentration_mol_m3`` the concentration of sites available to
    each mobile α defect (``None``: dilute).  ``thickness_m`` is the α thickness (``None``:
    semi-infinite).  ``beta_c_bulk_mol_m3`` ``None`` means a metallic β.
    """

    eps_r: float
    c_bulk_mol_m3: float
    z: int = Z_ZINC
    mode: str = "gouy-chapman"
    thickness_m: float | None = None
    site_concentration_mol_m3: float | None = None
    temperature_K: float = ROOM_TEMPERATURE
    beta_eps_r: float | None = None
    beta_c_bulk_mol_m3: float | None = None

    def __post_init__(self) -> None:
        require_positive("eps_r", self.eps_r)
        require_positive("c_bulk_mol_m3", self.c_bulk_mol_m3)
        for name, c in (("c_bulk_mol_m3", self.c_bulk_mol_m3), ("beta_c_bulk_mol_m3", self.beta_c_bulk_mol_m3)):
            if c is not None and c > MAX_BULK_CONC_MOL_M3:
                raise InputError(f"parameter '{name}'", f"got {c:g} mol m⁻³",
                                 expected=f"at most {MAX_BULK_CONC_MOL_M3:g} mol m⁻³ (solids hold ~1e5 mol m⁻³ "
                                 "of atoms)")
        if isinstance(self.z, bool) or not float(self.z).is_integer() or int(self.z) < 1:
            raise InputError("parameter 'z'", f"got {self.z!r}", expected="a positive integer (2 for Zn2+)")
        if self.mode not in MODES:
            raise InputError("parameter 'mode'", f"unknown mode {self.mode!r}", expected=" or ".join(MODES))
        _optional_positive("thickness_m", self.thickness_m)
        site = _optional_positive("site_concentration_mol_m3", self.site_concentration_mol_m3)
        if site is not None and site <= self.c_bulk_mol_m3:
            raise InputError("parameter 'site_concentration_mol_m3'", f"got {site} <= c_bulk {self.c_bulk_mol_m3}",
                             expected="more sites than bulk defects")
        require_positive("temperature_K", self.temperature_K)
        _optional_positive("beta_c_bulk_mol_m3", self.beta_c_bulk_mol_m3)
        _optional_positive("beta_eps_r", self.beta_eps_r)
        if (self.beta_c_bulk_mol_m3 is None) != (self.beta_eps_r is None):
            raise InputError("parameters 'beta_eps_r' / 'beta_c_bulk_mol_m3'", "only one of them given",
                             expected="both for a semiconducting β, neither for a metallic β")

    @classmethod
    def coerce(cls, params: "SpaceChargeParams | Mapping[str, Any]", source: str = "space-charge parameters"
               ) -> "SpaceChargeParams":
        """Accept a SpaceChargeParams or a mapping of its field names (e.g. a config section)."""
        if isinstance(params, cls):
            return params
        if not isinstance(params, Mapping):
            raise InputError(source, f"got {type(params).__name__}", expected="SpaceChargeParams or a mapping")
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(params) - set(names))
        missing = [n for n in ("eps_r", "c_bulk_mol_m3") if n not in params]
        if unknown or missing:
            raise InputError(source, f"unknown keys {unknown}" if unknown else f"missing keys {missing}",
                             expected=f"keys among {', '.join(names)} (eps_r and c_bulk_mol_m3 required)")
        return cls(**params)

    @property
    def metallic_beta(self) -> bool:
        return self.beta_c_bulk_mol_m3 is None

    @property
    def thermal_voltage_V(self) -> float:
        """RT/F (V)."""
        return GAS_CONSTANT * self.temperature_K / FARADAY

    @property
    def debye_length_m(self) -> float:
        """λ_α = √(ε RT / (F² Σ_k z_k² c_k∞ (1 − x_k))) over the mobile α defects (m)."""
        return _debye_length(self, "alpha")


@dataclass(frozen=True)
class Species:
    """One charged species: signed charge number, bulk and site concentration (mol m⁻³)."""

    name: str
    phase: str  # "alpha" or "beta"
    z: int
    c_bulk_mol_m3: float
    c_site_mol_m3: float = math.inf
    mobile: bool = True
    zinc_sign: int = 0  # +1: carries Zn (interstitial), −1: missing Zn (vacancy), 0: not Zn

    def concentration(self, phi_rel_V: np.ndarray, temperature_K: float) -> tuple[np.ndarray, np.ndarray]:
        """c (mol m⁻³) and dc/dφ (mol m⁻³ V⁻¹) at potentials φ − φ∞ of its phase (V)."""
        if not self.mobile:
            return np.full_like(phi_rel_V, self.c_bulk_mol_m3), np.zeros_like(phi_rel_V)
        f = FARADAY / (GAS_CONSTANT * temperature_K)
        x = self.c_bulk_mol_m3 / self.c_site_mol_m3
        boltz = np.exp(np.clip(self.z * f * phi_rel_V, -700.0, 700.0))
        c = self.c_bulk_mol_m3 / (x + (1.0 - x) * boltz)
        return c, -self.z * f * c * (1.0 - c / self.c_site_mol_m3)


def species_of(params: SpaceChargeParams) -> tuple[Species, ...]:
    """The charged species of the junction described by ``params``."""
    z, c, site = int(params.z), params.c_bulk_mol_m3, params.site_concentration_mol_m3 or math.inf
    interstitial = Species("Zn_i", "alpha", z, c, site, True, +1)
    if params.mode == "gouy-chapman":
        alpha = (interstitial, Species("V_Zn", "alpha", -z, c, site, True, -1))
    else:
        alpha = (interstitial, Species("acceptor", "alpha", -z, c, math.inf, False, 0))
    if params.metallic_beta:
        return alpha
    cb = cast(float, params.beta_c_bulk_mol_m3)   # set whenever beta is not metallic
    return alpha + (Species("electron", "beta", -1, cb), Species("hole", "beta", +1, cb))


def _eps(params: SpaceChargeParams, phase: str) -> float:
    return VACUUM_PERMITTIVITY * (params.eps_r if phase == "alpha" else cast(float, params.beta_eps_r))


def _debye_length(params: SpaceChargeParams, phase: str) -> float:
    s = sum(sp.z**2 * sp.c_bulk_mol_m3 * (1.0 - sp.c_bulk_mol_m3 / sp.c_site_mol_m3)
            for sp in species_of(params) if sp.phase == phase and sp.mobile)
    return math.sqrt(_eps(params, phase) * GAS_CONSTANT * params.temperature_K / (FARADAY**2 * s))


# ---------------------------------------------------------------- analytic references
def debye_length_m(eps_r: float, c_bulk_mol_m3: float, *, z: int = Z_ZINC,
                   temperature_K: float = ROOM_TEMPERATURE, carriers: int = 2) -> float:
    """λ = √(ε_rε_0RT / (n z²F²c∞)) (m) for n mobile carriers of charge ±z at c∞ (n = 2: Gouy–Chapman)."""
    return math.sqrt(eps_r * VACUUM_PERMITTIVITY * GAS_CONSTANT * temperature_K
                     / (carriers * z * z * FARADAY**2 * c_bulk_mol_m3))


def gouy_chapman_charge_C_m2(eps_r: float, c_bulk_mol_m3: float, delta_phi_V: float, *, z: int = Z_ZINC,
                             temperature_K: float = ROOM_TEMPERATURE) -> float:
    """Ionic space charge in α (C m⁻²): Q = −√(8εRTc∞)·sinh(zFΔφ₀/2RT) (positive when Zn²⁺ accumulates)."""
    rt = GAS_CONSTANT * temperature_K
    return -math.sqrt(8 * eps_r * VACUUM_PERMITTIVITY * rt * c_bulk_mol_m3) * math.sinh(
        z * FARADAY * delta_phi_V / (2 * rt))


def gouy_chapman_capacitance_F_m2(eps_r: float, c_bulk_mol_m3: float, delta_phi_V: float, *, z: int = Z_ZINC,
                                  temperature_K: float = ROOM_TEMPERATURE) -> float:
    """C_sc = (ε/λ)·cosh(zFΔφ₀/2RT) (F m⁻²)."""
    lam = debye_length_m(eps_r, c_bulk_mol_m3, z=z, temperature_K=temperature_K)
    return eps_r * VACUUM_PERMITTIVITY / lam * math.cosh(
        z * FARADAY * delta_phi_V / (2 * GAS_CONSTANT * temperature_K))


def gouy_chapman_potential_V(x_m: np.ndarray, eps_r: float, c_bulk_mol_m3: float, delta_phi_V: float, *,
                             z: int = Z_ZINC, temperature_K: float = ROOM_TEMPERATURE) -> np.ndarray:
    """Δφ(x) = (4RT/zF)·artanh[tanh(zFΔφ₀/4RT)·e^{−x/λ}] (V)."""
    vt = GAS_CONSTANT * temperature_K / (z * FARADAY)
    lam = debye_length_m(eps_r, c_bulk_mol_m3, z=z, temperature_K=temperature_K)
    return 4 * vt * np.arctanh(np.tanh(delta_phi_V / (4 * vt)) * np.exp(-np.asarray(x_m) / lam))


def mott_schottky_width_m(eps_r: float, c_dopant_mol_m3: float, delta_phi_V: float, *,
                          z: int = Z_ZINC) -> float:
    """Depletion width ℓ = √(2ε|Δφ₀| / (zFc_d)) (m)."""
    return math.sqrt(2 * eps_r * VACUUM_PERMITTIVITY * abs(delta_phi_V) / (z * FARADAY * c_dopant_mol_m3))


def mott_schottky_capacitance_F_m2(eps_r: float, c_dopant_mol_m3: float, delta_phi_V: float, *,
                                   z: int = Z_ZINC) -> float:
    """C = √(εzFc_d / (2|Δφ₀|)) = ε/ℓ (F m⁻²), depletion approximation."""
    return eps_r * VACUUM_PERMITTIVITY / mott_schottky_width_m(eps_r, c_dopant_mol_m3, delta_phi_V, z=z)


def semi_infinite_charge_C_m2(params: SpaceChargeParams, phase_drop_V: float, phase: str = "alpha") -> float:
    """Exact first integral of Poisson–Boltzmann for a semi-infinite phase (C m⁻²).

    (ε/2)E₀² = RT·Σ_k g_k with g_k = c_site ln[1 + x_k(e^{−z_k u} − 1)] (mobile; c∞(e^{−z_k u} − 1)
    when dilute) and g_k = −z_k c_k u (immobile), u = FΔφ₀/RT.  Returns the charge of that phase,
    −sign(Δφ₀)·√(2εRT Σ g_k); covers Gouy–Chapman, Mott–Schottky and site restriction.
    """
    u = phase_drop_V / params.thermal_voltage_V
    g = 0.0
    for sp in species_of(params):
        if sp.phase != phase:
            continue
        if not sp.mobile:
            g += -sp.z * sp.c_bulk_mol_m3 * u
        elif math.isinf(sp.c_site_mol_m3):
            g += sp.c_bulk_mol_m3 * math.expm1(-sp.z * u)
        else:
            g += sp.c_site_mol_m3 * math.log1p(sp.c_bulk_mol_m3 / sp.c_site_mol_m3 * math.expm1(-sp.z * u))
    rt = GAS_CONSTANT * params.temperature_K
    return -math.copysign(math.sqrt(max(2 * _eps(params, phase) * rt * g, 0.0)), phase_drop_V)


# ---------------------------------------------------------------- numerical solution
@dataclass(frozen=True)
class SpaceChargeProfile:
    """Solution at one potential step.  Arrays run from β (x < 0) through the interface (x = 0) into α.

    ``concentrations_mol_m3[name]`` is NaN outside the species' phase.  ``charge_C_m2`` is the
    ionic charge stored in α per interface area (> 0 when Zn²⁺ accumulates) and ``beta_charge_C_m2``
    the compensating electronic charge in β.  ``zinc_excess_mol_m2`` Γ_Zn = Σ ±∫(c − c∞)dx over
    interstitials (+) and vacancies (−) = Q_α/(zF).  ``capacitance_F_m2`` = −dQ_α/dΔφ.
    ``domain_length_m`` is the α extent solved: the thickness, or the semi-infinite stand-in.
    """

    x_m: np.ndarray
    phi_V: np.ndarray
    concentrations_mol_m3: dict[str, np.ndarray]
    excess_mol_m2: dict[str, float]
    zinc_excess_mol_m2: float
    charge_C_m2: float
    beta_charge_C_m2: float
    capacitance_F_m2: float
    debye_length_m: float
    delta_phi_V: float
    delta_phi_alpha_V: float
    domain_length_m: float
    neutrality_error: float
    newton_iterations: int


@dataclass(frozen=True)
class _Grid:
    x_m: np.ndarray  # nodes
    cell_eps: np.ndarray  # permittivity of each cell (F m⁻¹)
    h_m: np.ndarray  # cell sizes
    volume: dict[str, np.ndarray]  # control-volume length of each node inside each phase (m)
    dirichlet: bool  # node 0 is the metallic interface


def _graded(length: float, h0: float, h_max: float, resolved: float) -> np.ndarray:
    """Nodes 0 … length: first cell h0 growing geometrically (ratio _MESH_RATIO) up to h_max within
    ``resolved`` (the space-charge zone); beyond it, where the potential is flat, cells keep growing
    by _FAR_RATIO, so a thick phase costs a few nodes more, not millions."""
    h0 = min(h0, h_max)
    n_geo = max(int(math.ceil(math.log(h_max / h0) / math.log(_MESH_RATIO))), 0)
    cells = np.minimum(h0 * _MESH_RATIO ** np.arange(n_geo + 1), h_max)
    x = np.concatenate(([0.0], np.cumsum(cells)))
    end = min(length, resolved)
    if x[-1] < end:
        x = np.concatenate((x, x[-1] + h_max * np.arange(1, int(math.ceil((end - x[-1]) / h_max)) + 1)))
    if x[-1] < length:
        n_far = int(math.ceil(math.log1p((length - x[-1]) * (_FAR_RATIO - 1) / h_max) / math.log(_FAR_RATIO)))
        x = np.concatenate((x, x[-1] + h_max * np.cumsum(_FAR_RATIO ** np.arange(1, n_far + 1))))
    x = x[x < length]
    if length - x[-1] < 0.5 * (x[-1] - x[-2] if x.size > 1 else length):
        x = x[:-1] if x.size > 1 else x
    return np.append(x, length)


def _phase_mesh(params: SpaceChargeParams, phase: str, potentials_V: Sequence[float],
                length: float | None) -> np.ndarray:
    """Graded nodes of one phase for every step in ``potentials_V``: the first cell resolves the
    screening length at the interface, where the accumulating defect is at most c∞·e^{|z u|}
    (or c_site), u = FΔφ/RT; a semi-infinite phase extends 30 λ plus the depletion width."""
    lam = _debye_length(params, phase)
    sign = 1.0 if phase == "alpha" else -1.0  # sign of this phase's own drop
    u = [sign * v / params.thermal_voltage_V for v in potentials_V]
    mobile = [sp for sp in species_of(params) if sp.phase == phase and sp.mobile]
    peak = max(sum(sp.z**2 * min(sp.c_bulk_mol_m3 * math.exp(min(-sp.z * ui, 600.0)), sp.c_site_mol_m3)
                   for sp in mobile) for ui in u)
    bulk = sum(sp.z**2 * sp.c_bulk_mol_m3 * (1.0 - sp.c_bulk_mol_m3 / sp.c_site_mol_m3) for sp in mobile)
    if peak > MAX_ACCUMULATION * bulk:
        raise InputError(f"parameter 'delta_phi_V' ({phase} phase)",
                         f"a step of {max(potentials_V, key=abs):.3g} V piles dilute defects up by a factor "
                         f"{peak / bulk:.1e}, beyond any lattice",
                         expected=f"an accumulation below {MAX_ACCUMULATION:.0e} (a smaller step, or "
                                  "site_concentration_mol_m3 for site-restricted occupancy)")
    local = lam * math.sqrt(bulk / max(peak, bulk))
    u_max = max(abs(ui) for ui in u)
    zone = (SEMI_INFINITE_DEBYE_LENGTHS + math.sqrt(2 * max(abs(sp.z) for sp in mobile) * u_max)) * lam
    length = zone if length is None else length
    return _graded(length, min(local / _CELLS_PER_LOCAL_LENGTH, length / 400),
                   min(lam / _CELLS_PER_DEBYE_LENGTH, length / 60), zone)


def _grid(params: SpaceChargeParams, potentials_V: Sequence[float]) -> _Grid:
    xa = _phase_mesh(params, "alpha", potentials_V, params.thickness_m)
    if params.metallic_beta:
        x = xa
    else:
        xb = _phase_mesh(params, "beta", potentials_V, None)
        x = np.concatenate((-xb[:0:-1], xa))
    h = np.diff(x)
    in_alpha = x[:-1] >= 0.0
    cell_eps = np.where(in_alpha, _eps(params, "alpha"), _eps(params, "beta") if not params.metallic_beta else 0.0)
    volume = {}
    for phase, mask in (("alpha", in_alpha), ("beta", ~in_alpha)):
        half = 0.5 * h * mask
        v = np.zeros_like(x)
        v[:-1] += half
        v[1:] += half
        volume[phase] = v
    return _Grid(x, cell_eps, h, volume, params.metallic_beta)


def _charge(params: SpaceChargeParams, grid: _Grid, phi: np.ndarray, delta_phi_V: float):
    """Charge density per phase at the nodes: {phase: (ρ C m⁻³, dρ/dφ C m⁻³ V⁻¹, {name: c})}."""
    out = {}
    for phase, ref in (("alpha", 0.0), ("beta", delta_phi_V)):
        rho = np.zeros_like(phi)
        drho = np.zeros_like(phi)
        conc = {}
        for sp in species_of(params):
            if sp.phase != phase:
                continue
            c, dc = sp.concentration(phi - ref, params.temperature_K)
            rho += FARADAY * sp.z * c
            drho += FARADAY * sp.z * dc
            conc[sp.name] = c
        out[phase] = (rho, drho, conc)
    return out


def _system(params, grid, phi, delta_phi_V):
    """Residual R (C m⁻²) and banded Jacobian of the finite-volume Poisson equations."""
    g = grid.cell_eps / grid.h_m
    flux = g * np.diff(phi)
    res = np.zeros_like(phi)
    res[:-1] += flux
    res[1:] -= flux
    diag = np.zeros_like(phi)
    diag[:-1] -= g
    diag[1:] -= g
    charge = _charge(params, grid, phi, delta_phi_V)
    for phase, (rho, drho, _) in charge.items():
        res += grid.volume[phase] * rho
        diag += grid.volume[phase] * drho
    ab = np.zeros((3, phi.size))
    ab[0, 1:] = g
    ab[1] = diag
    ab[2, :-1] = g
    if grid.dirichlet:
        res[0] = phi[0] - delta_phi_V
        ab[1, 0] = 1.0
        ab[0, 1] = 0.0
    return res, ab, charge


def galvani_step_V(electrode_potential_V: float | np.ndarray, pzc_V: float) -> float | np.ndarray:
    """Δφ = φ_β∞ − φ_α∞ = E − E_pzc (V).

    With μ_Zn = μ̃_Zn²⁺(α) + 2μ̃_e⁻(β) and the α bulk fixed, Δμ_Zn = −zF·Δφ, and the electrode
    potential sets Δμ_Zn = −zF·ΔE: the step is the electrode potential counted from the potential
    of zero charge E_pzc (both vs the same reference, e.g. Zn²⁺/Zn).  Lowering E (discharge) makes
    Δφ < 0 and piles Zn²⁺ up in α.
    """
    return np.subtract(electrode_potential_V, pzc_V)


def validate_potential_V(delta_phi_V: float) -> float:
    """Return the potential step (V) if finite and |Δφ| <= MAX_ABS_DELTA_PHI_V, else raise InputError."""
    try:
        v = float(delta_phi_V)
    except (TypeError, ValueError):
        raise InputError("parameter 'delta_phi_V'", f"got {delta_phi_V!r}", expected="a number in V") from None
    if not math.isfinite(v) or abs(v) > MAX_ABS_DELTA_PHI_V:
        raise InputError("parameter 'delta_phi_V'", f"got {v!r}",
                         expected=f"a finite potential step with |Δφ| <= {MAX_ABS_DELTA_PHI_V} V")
    return v


def solve_space_charge(params: SpaceChargeParams | Mapping[str, Any], delta_phi_V: float, *,
                       max_iterations: int = 300) -> SpaceChargeProfile:
    """Solve Poisson–Boltzmann across α|β for a Galvani step φ_β∞ − φ_α∞ = ``delta_phi_V`` (V).

    Negative ``delta_phi_V`` lowers the interface potential and accumulates Zn²⁺ in α (storage).
    ``params`` may be a mapping of :class:`SpaceChargeParams` field names.
    """
    params = SpaceChargeParams.coerce(params)
    dphi = validate_potential_V(delta_phi_V)
    return _solve(params, _grid(params, [dphi]), dphi, None, max_iterations)


def _solve(params: SpaceChargeParams, grid: _Grid, dphi: float, phi_start: np.ndarray | None,
           max_iterations: int = 300) -> SpaceChargeProfile:
    """Newton iteration on ``grid`` from ``phi_start`` (default: the bulk potential of each phase),
    updates clipped to RT/F, until the update is below 1e-12 RT/F."""
    vt = params.thermal_voltage_V
    phi = np.where(grid.x_m < 0, dphi, 0.0) if phi_start is None else phi_start.copy()
    if grid.dirichlet:
        phi[0] = dphi
    for iteration in range(1, max_iterations + 1):
        res, ab, _ = _system(params, grid, phi, dphi)
        step = np.clip(solve_banded((1, 1), ab, -res), -vt, vt)
        phi += step
        if np.max(np.abs(step)) < 1e-12 * vt:
            break
    else:
        raise SimulationError(f"parameter 'delta_phi_V' ({dphi:g} V)", "the Poisson–Boltzmann Newton iteration "
                              f"did not converge in {max_iterations} steps",
                              expected="a smaller potential step, a larger max_iterations, or "
                              "site_concentration_mol_m3 to bound the accumulation")
    res, ab, charge = _system(params, grid, phi, dphi)
    rho_a, drho_a, conc_a = charge["alpha"]
    rho_b, drho_b, conc_b = charge["beta"]
    q_alpha = float(np.sum(grid.volume["alpha"] * rho_a))
    if grid.dirichlet:
        # Gauss's law on the half-box at the metal surface gives the metal's screening charge
        q_beta = float(-grid.cell_eps[0] * (phi[1] - phi[0]) / grid.h_m[0] - grid.volume["alpha"][0] * rho_a[0])
        rhs = np.zeros_like(phi)
        rhs[0] = 1.0
    else:
        q_beta = float(np.sum(grid.volume["beta"] * rho_b))
        rhs = grid.volume["beta"] * drho_b
    sensitivity = solve_banded((1, 1), ab, rhs)  # dφ/dΔφ at fixed bulk references
    capacitance = -float(np.sum(grid.volume["alpha"] * drho_a * sensitivity))
    lam = params.debye_length_m
    scale = max(abs(q_alpha), _eps(params, "alpha") * vt / lam)
    concentrations, excess = {}, {}
    for sp in species_of(params):
        vol = grid.volume[sp.phase]
        c = (conc_a if sp.phase == "alpha" else conc_b)[sp.name]
        concentrations[sp.name] = np.where(vol > 0, c, np.nan)
        excess[sp.name] = float(np.sum(vol * (c - sp.c_bulk_mol_m3)))
    zinc = sum(sp.zinc_sign * excess[sp.name] for sp in species_of(params))
    i0 = int(np.argmin(np.abs(grid.x_m)))
    return SpaceChargeProfile(
        x_m=grid.x_m, phi_V=phi, concentrations_mol_m3=concentrations, excess_mol_m2=excess,
        zinc_excess_mol_m2=float(zinc), charge_C_m2=q_alpha, beta_charge_C_m2=q_beta,
        capacitance_F_m2=capacitance, debye_length_m=lam, delta_phi_V=dphi,
        delta_phi_alpha_V=float(phi[i0]), domain_length_m=float(grid.x_m[-1]),
        neutrality_error=abs(q_alpha + q_beta) / scale, newton_iterations=iteration,
    )


class CapacitanceCurve(NamedTuple):
    """Q_α (C m⁻²) and −dQ_α/dΔφ (F m⁻²) per potential; unpacks as ``charge, capacitance``."""

    charge_C_m2: np.ndarray
    capacitance_F_m2: np.ndarray


def interface_capacitance_curve(params: SpaceChargeParams | Mapping[str, Any],
                                potentials_V: Sequence[float] | np.ndarray, *,
                                progress: Callable[[int], None] | None = None) -> CapacitanceCurve:
    """Stored charge Q_α (C m⁻²) and differential capacitance −dQ_α/dΔφ (F m⁻²) at each Galvani step
    Δφ = E − E_pzc (V, see :func:`solve_space_charge`, :func:`galvani_step_V`).

    ``progress(i)`` is called after each solve (for a progress bar).
    """
    params = SpaceChargeParams.coerce(params)
    potentials = [validate_potential_V(v) for v in potentials_V]
    if not potentials:
        raise InputError("parameter 'potentials_V'", "is empty", expected="at least one potential in V")
    grid = _grid(params, [min(potentials), max(potentials)])  # one mesh: Q(Δφ) is smooth along the curve
    charge = np.empty(len(potentials))
    capacitance = np.empty(len(potentials))
    phi = None
    for i, v in enumerate(potentials):
        prof = _solve(params, grid, v, phi)  # warm start from the previous potential
        phi = prof.phi_V
        charge[i], capacitance[i] = prof.charge_C_m2, prof.capacitance_F_m2
        if progress is not None:
            progress(i)
    return CapacitanceCurve(charge, capacitance)


@dataclass(frozen=True)
class StorageTransition:
    """Zn stored against the accumulation step for several α thicknesses (rows), semi-infinite last.

    ``log_slope`` = d lnΓ / d(zF|Δφ|/RT) = (RT/zF)·C/Q (dimensionless, exact from the capacitance):
    → ½ for an interfacial capacitor (Γ ∝ sinh(zF|Δφ|/2RT), thickness ≫ λ) and → 1 for a chemical
    (intercalation) capacitor (Γ ∝ sinh(zF|Δφ|/RT), overlapping zones, thickness ≪ λ).
    """

    step_V: np.ndarray  # |Δφ| (V), accumulation of Zn²⁺ (Δφ = −step)
    thickness_m: tuple[float | None, ...]  # None: semi-infinite
    zinc_excess_mol_m2: np.ndarray  # (n_thickness, n_step)
    log_slope: np.ndarray  # (n_thickness, n_step)
    debye_length_m: float


def storage_transition(params: SpaceChargeParams | Mapping[str, Any], thicknesses_m: Sequence[float],
                       steps_V: Sequence[float], *,
                       progress: Callable[[int], None] | None = None) -> StorageTransition:
    """Γ_Zn (mol m⁻²) and d lnΓ/d(zF|Δφ|/RT) at accumulation steps |Δφ| (V) for each α thickness (m)
    and for a semi-infinite α: the interfacial-capacitor → chemical-capacitor transition."""
    from dataclasses import replace

    params = SpaceChargeParams.coerce(params)
    steps = np.asarray([validate_potential_V(v) for v in steps_V], float)
    if steps.size == 0 or np.any(steps <= 0):
        raise InputError("parameter 'steps_V'", f"got {list(steps_V)!r}", expected="accumulation steps |Δφ| > 0 V")
    thicknesses = tuple(require_positive("thickness_m", t) for t in thicknesses_m) + (None,)
    cases = [replace(params, thickness_m=t) for t in thicknesses]
    for case in cases:  # validate every case before the first solve
        _grid(case, [-steps.max()])
    gamma, slope = [], []
    for i, case in enumerate(cases):
        q, c = interface_capacitance_curve(case, -steps)
        gamma.append(q / (params.z * FARADAY))
        slope.append(params.thermal_voltage_V / params.z * c / q)
        if progress is not None:
            progress(i)
    return StorageTransition(steps, thicknesses, np.array(gamma), np.array(slope), params.debye_length_m)
