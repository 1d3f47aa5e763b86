"""Design maps: energy (Wh kg⁻¹) at a target mean power (W kg⁻¹) over a 2-D parameter grid.

At each grid point the heterostructure is discharged at ``N_RATES`` currents
around I ≈ P/(1000·V̄) (V̄ = the middle of the cell window) and the energy at the
target power is read off the Ragone curve (log–log interpolation).  It is 0 when
no simulated rate reaches the target power and NaN when every rate exceeds it.
The points run as tasks on a dask.distributed cluster (a LocalCluster with threads
by default, or an existing scheduler address).

Sweep axes (name → config key, default range):

- ``interface_density``  → interface.coverage (fraction of cluster surface bonded), 0.05–1
- ``bond_strength``      → interface.zn_per_site (n_max, interfacial capacity limit), 0.1–3 Zn per site
- ``sigma_ion``          → interface.sigma_ion_S_m, 1e-6–1 S m⁻¹ (log)
- ``sigma_eon``          → interface.sigma_eon_S_m, 1e-4–1e3 S m⁻¹ (log)

Any other dotted config key (e.g. ``host.diffusivity_m2_s``) works with an explicit range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import InputError
from .cellconfig import CellConfig, config_from_dict
from .ragone import ragone_curve

N_RATES = 8
RATE_SPAN = 8.0     # rates from I/RATE_SPAN to I·RATE_SPAN around the first guess


@dataclass(frozen=True)
class SweepAxis:
    """One design-map axis: the config key it sets, a label with units, its default range, log spacing."""

    key: str
    label: str
    default_range: tuple[float, float] | None
    log: bool


SWEEPS = {
    "interface_density": SweepAxis("interface.coverage", "interface coverage (fraction of cluster surface)",
                                   (0.05, 1.0), False),
    "bond_strength": SweepAxis("interface.zn_per_site", "interfacial capacity limit n_max (Zn per site)",
                               (0.1, 3.0), False),
    "sigma_ion": SweepAxis("interface.sigma_ion_S_m", "σ_ion (S m⁻¹)", (1e-6, 1.0), True),
    "sigma_eon": SweepAxis("interface.sigma_eon_S_m", "σ_eon (S m⁻¹)", (1e-4, 1e3), True),
}


def sweep_axis(name: str, n: int, value_range: tuple[float, float] | None = None) -> tuple[SweepAxis, np.ndarray]:
    """The axis named ``name`` (a SWEEPS name or a dotted config key) and its n values."""
    if n < 2 or n > 64:
        raise InputError("option --n", f"got {n}", expected="2 to 64 points per axis")
    axis = SWEEPS.get(name) or SweepAxis(name, name, None, name.endswith(("_S_m", "_m2_s", "_A_m2")))
    lo_hi = value_range or axis.default_range
    if lo_hi is None:
        raise InputError(f"sweep axis '{name}'", "no default range",
                         expected=f"one of {', '.join(SWEEPS)}, or give --x-range/--y-range lo,hi")
    lo, hi = (float(v) for v in lo_hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi) or (axis.log and lo <= 0):
        raise InputError(f"range of sweep axis '{name}'", f"got {lo_hi!r}",
                         expected="lo,hi with lo < hi (and lo > 0 on a log axis)")
    values = np.geomspace(lo, hi, n) if axis.log else np.linspace(lo, hi, n)
    return axis, values


def energy_at_target_power(config: CellConfig, target_power_W_kg: float) -> float:
    """Energy (Wh kg⁻¹, config basis) the heterostructure delivers at a mean power of
    ``target_power_W_kg``: 0 if no simulated rate reaches it, NaN if all exceed it."""
    v_mid = 0.5 * (config.cell.v_min_V + config.cell.v_max_V)
    guess = target_power_W_kg / 1000.0 / v_mid                      # A g⁻¹
    curve = ragone_curve(config, guess * np.geomspace(1 / RATE_SPAN, RATE_SPAN, N_RATES))
    powers = curve.column("power_W_kg")
    if not np.any(powers >= target_power_W_kg):
        return 0.0
    return curve.energy_at_power(target_power_W_kg)


@dataclass(frozen=True)
class DesignMap:
    """Energy at the target power on an (ny, nx) grid of two swept parameters."""

    x_name: str
    x_axis: SweepAxis
    x_values: np.ndarray
    y_name: str
    y_axis: SweepAxis
    y_values: np.ndarray
    target_power_W_kg: float
    energy_Wh_kg: np.ndarray            # (ny, nx)
    mass_basis: str
    mass_basis_label: str
    failed_points: int

    def to_dict(self) -> dict:
        return {"x": {"name": self.x_name, "config_key": self.x_axis.key, "label": self.x_axis.label,
                      "values": self.x_values.tolist(), "log": self.x_axis.log},
                "y": {"name": self.y_name, "config_key": self.y_axis.key, "label": self.y_axis.label,
                      "values": self.y_values.tolist(), "log": self.y_axis.log},
                "target_power_W_kg": self.target_power_W_kg, "mass_basis": self.mass_basis,
                "mass_basis_label": self.mass_basis_label,
                "energy_Wh_kg": self.energy_Wh_kg.tolist(), "failed_points": self.failed_points}


def _point(config_data: dict, changes: dict, target: float) -> float:
    """One grid point (runs on a dask worker): NaN if the parameters make the solve fail."""
    try:
        return energy_at_target_power(config_from_dict(config_data).updated(**changes), target)
    except InputError:
        return float("nan")


def design_map(config: CellConfig, x: str, y: str, n: int, target_power_W_kg: float, *,
               x_range: tuple[float, float] | None = None, y_range: tuple[float, float] | None = None,
               scheduler: str | None = None, progress: Callable[[], None] | None = None) -> DesignMap:
    """Sweep ``x`` and ``y`` over n×n points and return the energy at ``target_power_W_kg``.

    Points run on dask.distributed: ``scheduler`` is an existing scheduler address, else a
    LocalCluster with one worker of two threads is started and closed."""
    if not (np.isfinite(target_power_W_kg) and target_power_W_kg > 0):
        raise InputError("option --target-power-W-kg", f"got {target_power_W_kg!r}", expected="a power > 0 W/kg")
    if not config.interface.enabled:
        raise InputError("parameter 'interface.enabled'", "design maps sweep the heterostructure",
                         expected="interface.enabled = true")
    x_axis, xs = sweep_axis(x, n, x_range)
    y_axis, ys = sweep_axis(y, n, y_range)
    if x_axis.key == y_axis.key:
        raise InputError("options --x/--y", f"both axes sweep '{x_axis.key}'", expected="two different parameters")
    data = config.model_dump()
    config.updated(**{x_axis.key: float(xs[0]), y_axis.key: float(ys[0])})   # validate keys before any solve
    from dask.distributed import as_completed

    from ..cluster import dask_client

    energy = np.full((ys.size, xs.size), np.nan)
    with dask_client(scheduler, n_workers=1, threads_per_worker=2, processes=False) as client:
        futures = {client.submit(_point, data, {x_axis.key: float(xv), y_axis.key: float(yv)},
                                 float(target_power_W_kg), pure=False): (iy, ix)
                   for iy, yv in enumerate(ys) for ix, xv in enumerate(xs)}
        for fut in as_completed(futures):
            energy[futures[fut]] = fut.result()
            if progress is not None:
                progress()
    b = config.cell.mass_basis
    failed = int(np.isnan(energy).sum())
    return DesignMap(x, x_axis, xs, y, y_axis, ys, float(target_power_W_kg), energy, b,
                     config.cell.masses.label(b), failed)
