"""Simulation config of a heterostructure electrode in a Zn half-cell (TOML → pydantic).

Every key carries its unit in its name.  Sections: ``[cell]`` (masses, ohmic
resistance, cut-off voltages), ``[host]`` (bulk Zn insertion into the V oxide),
``[interface]`` (interface-storage reservoir, charged through the job-sharing
D^δ) and ``[numerics]``.  See docs/transport-simulator.md and
examples/transport/vox_rgo.toml.  Unknown keys, wrong types and non-physical
values raise :class:`~interstore.errors.ConfigError` naming the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import ConfigError
from ..inputs import MAX_CONFIG_BYTES, read_text_input
from ..massbasis import ElectrodeMasses
from ..tomlconfig import validation_error

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CellSection(BaseModel):
    """Cell-level parameters: masses (g), ohmic resistance (Ω), cut-offs (V vs Zn/Zn²⁺)."""

    model_config = _STRICT
    active_mass_g: float = Field(1.0e-3, gt=0)
    substrate_mass_g: float = Field(0.0, ge=0)
    other_mass_g: float = Field(0.0, ge=0)
    active_label: str = "VOx"
    substrate_label: str = "rGO"
    mass_basis: Literal["active", "composite", "electrode"] = "active"
    temperature_K: float = Field(298.15, gt=0, le=500)
    r_ohm_ohm: float = Field(0.0, ge=0)
    v_min_V: float = 0.2
    v_max_V: float = 1.6

    @model_validator(mode="after")
    def _window(self) -> "CellSection":
        if not self.v_min_V < self.v_max_V:
            raise ValueError(f"v_min_V={self.v_min_V} must be below v_max_V={self.v_max_V}")
        return self

    @property
    def masses(self) -> ElectrodeMasses:
        return ElectrodeMasses(self.active_mass_g, self.substrate_mass_g, self.other_mass_g,
                               active_label=self.active_label, substrate_label=self.substrate_label)


class HostSection(BaseModel):
    """Bulk reservoir: Zn insertion into the V oxide with solid diffusion and Butler–Volmer kinetics."""

    model_config = _STRICT
    formula: str = "V8O16"
    electrons: float = Field(14.0, gt=0)          # e⁻ per formula unit at x = 1
    density_g_cm3: float = Field(4.3, gt=0)
    ocp: str = "vo2"                              # built-in name or CSV path
    geometry: Literal["sphere", "slab"] = "sphere"
    size_m: float = Field(50e-9, gt=0)            # sphere radius or slab thickness (one face blocked)
    diffusivity_m2_s: float = Field(1e-17, gt=0)
    exchange_current_A_m2: float = Field(1e-2, gt=0)  # i0 at x = 0.5, per particle surface
    kinetic_electrons: float = Field(1.0, gt=0)   # n in i = 2 i0 sinh(nFη/2RT)
    initial_stoichiometry: float = Field(0.01, gt=0, lt=1)


class InterfaceSection(BaseModel):
    """Interface-storage reservoir at the VOx|substrate junction.

    Capacity (C g⁻¹ of active oxide) = z·e·n_max·(sites per m²)·(interface m² per g),
    filled linearly over ``window_V`` or by a Langmuir isotherm
    θ = 1/(1 + exp(n_id·F·(E − E_site)/RT)) (``atomistic``), or the integral of the
    space-charge capacitance C_int(E)·(m² g⁻¹) over the window (``spacecharge``).
    It is charged through the job-sharing chemical diffusivity D^δ over ``transport_length_m``;
    C_int in D^δ is ``interface_capacitance_F_m2`` or, when unset, the reservoir's own mean
    capacitance Q_area/ΔV_window (self-consistent with its capacity).
    """

    model_config = _STRICT
    enabled: bool = True
    capacity_source: Literal["atomistic", "spacecharge"] = "atomistic"
    # contact geometry (jobsharing.interface_area_per_volume): clusters of radius / sheets of thickness size_m
    contact_geometry: Literal["cluster", "sheet"] = "cluster"
    contact_size_m: float = Field(0.5e-9, gt=0)
    coverage: float = Field(0.5, gt=0, le=1)
    active_volume_fraction: float = Field(1.0, gt=0, le=1)  # V oxide volume fraction of the composite
    # atomistic limit: capacity = n_max·sites, filled over the window (``linear``: constant
    # capacitance) or by a Langmuir isotherm centred at site_potential_V (one binding energy)
    zn_per_site: float = Field(1.0, ge=0)          # n_max, Zn per interface site
    sites_per_nm2: float = Field(1.0, gt=0)
    isotherm: Literal["linear", "langmuir"] = "linear"
    window_V: tuple[float, float] | None = None     # default: the cell window [v_min_V, v_max_V]
    site_potential_V: float = 0.9
    site_ideality_electrons: float = Field(1.0, gt=0)
    # space-charge model: SpaceChargeParams fields (eps_r, c_bulk_mol_m3, ...) and the potential of zero charge
    spacecharge: dict = Field(default_factory=dict)
    pzc_V: float = 1.6
    # job-sharing transport
    sigma_ion_S_m: float = Field(1e-2, gt=0)
    sigma_eon_S_m: float = Field(1e2, gt=0)
    bulk_chemical_capacitance_F_m3: float = Field(1e7, ge=0)
    interface_capacitance_F_m2: float | None = Field(None, ge=0)  # C_int in D^δ; None: mean of the reservoir
    transport_length_m: float = Field(100e-9, gt=0)
    transport_geometry: Literal["sphere", "slab"] = "slab"
    exchange_current_A_m2: float = Field(1.0, gt=0)  # per interface area

    @model_validator(mode="after")
    def _window(self) -> "InterfaceSection":
        lo, hi = self.window_V or (0.0, 1.0)
        if not lo < hi:
            raise ValueError(f"window_V={list(self.window_V)} must be [low, high] with low < high")
        return self


class NumericsSection(BaseModel):
    """Finite-volume mesh and integrator tolerances."""

    model_config = _STRICT
    n_cells: int | None = Field(None, ge=4, le=2000)   # None: automatic (see transport.model.resolve_cells)
    rtol: float = Field(1e-6, gt=0, lt=0.1)
    atol: float = Field(1e-12, gt=0, lt=0.1)
    points_per_segment: int = Field(200, ge=10, le=100000)


class CellConfig(BaseModel):
    """The whole simulation config; ``base_dir`` resolves relative OCP table paths."""

    model_config = _STRICT
    name: str = "electrode"
    cell: CellSection = CellSection()
    host: HostSection = HostSection()
    interface: InterfaceSection = InterfaceSection()
    numerics: NumericsSection = NumericsSection()
    base_dir: Path | None = None

    @model_validator(mode="after")
    def _interface_window_covers_cell(self) -> "CellConfig":
        w = self.interface.window_V
        if w is not None and not (w[0] <= self.cell.v_min_V and w[1] >= self.cell.v_max_V):
            raise ValueError(f"interface.window_V={list(w)} must cover the cell window "
                             f"[{self.cell.v_min_V}, {self.cell.v_max_V}] V")
        return self

    @classmethod
    def from_toml(cls, path: str | Path) -> "CellConfig":
        """Read and validate a TOML simulation config (see :func:`load_cell_config`)."""
        return load_cell_config(path)

    @property
    def interface_window_V(self) -> tuple[float, float]:
        """Potential window (V) over which the interface sites fill (default: the cell window)."""
        return self.interface.window_V or (self.cell.v_min_V, self.cell.v_max_V)

    def updated(self, **changes: float) -> "CellConfig":
        """A copy with dotted keys replaced, e.g. ``updated(**{"host.diffusivity_m2_s": 1e-16})``;
        the result is validated like a loaded file."""
        data = self.model_dump()
        for key, value in changes.items():
            section, _, field = key.partition(".")
            if section not in data or not isinstance(data[section], dict) or field not in data[section]:
                raise ConfigError(f"parameter '{key}'", "unknown key", expected="section.key, e.g. host.size_m")
            data[section][field] = value
        return config_from_dict(data, source="parameter update")


def config_from_dict(data: dict, *, source: str | Path = "<config>", text: str = "") -> CellConfig:
    """Validate a nested dict into a :class:`CellConfig`; errors name the key (and its line in ``text``,
    the TOML it was read from)."""
    try:
        return CellConfig.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, text, error=ConfigError,
                               keys_documented_in="docs/transport-simulator.md") from None


def load_cell_config(path: str | Path) -> CellConfig:
    """Read and validate a TOML simulation config."""
    path = Path(path)
    text = read_text_input(path, limit_bytes=MAX_CONFIG_BYTES, what="a TOML simulation config")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}", expected="a TOML simulation config") from None
    if not data:
        raise ConfigError(path, "empty config", expected="at least a [host] section")
    data.setdefault("name", path.stem)
    data["base_dir"] = str(path.resolve().parent)
    return config_from_dict(data, source=path, text=text)
