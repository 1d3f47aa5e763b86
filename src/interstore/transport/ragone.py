"""Ragone curves from simulated galvanostatic discharges.

For each specific current I (A g⁻¹ of the config's mass basis) one discharge from
the initial state to ``cell.v_min_V`` gives

    capacity  Q = I·Δt/3.6                         mAh g⁻¹
    energy    E = ∫V dQ                             Wh kg⁻¹ (= mWh g⁻¹)
    power     P = 3600·E/Δt                         W kg⁻¹ (mean over the discharge)

The C-rate is I / (Q_host/1000) with Q_host the host's theoretical capacity
(nF/3.6M) on the same basis.  ``bulk_only=True`` removes the interface reservoir:
the two curves on one plot show the Ragone conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..errors import InputError
from ..results import Result, rate, sig
from ..theoretical import theoretical_capacity
from .cellconfig import CellConfig
from .electrode import simulate_galvanostatic_batch

DEFAULT_RATES_A_G = tuple(float(v) for v in np.geomspace(0.1, 100.0, 12))


@dataclass(frozen=True)
class RagonePoint:
    """One discharge: rate, delivered capacity (total and per reservoir), energy and mean power."""

    c_rate: float
    current_A_g: float
    capacity_mAh_g: float
    bulk_capacity_mAh_g: float
    interface_capacity_mAh_g: float
    energy_Wh_kg: float
    power_W_kg: float
    duration_s: float
    charge_balance_rel_error: float


@dataclass(frozen=True, repr=False)
class RagoneCurve(Result):
    """Ragone points (ascending current) of one model variant on one mass basis."""

    variant: str                       # "heterostructure" or "bulk_only"
    mass_basis: str
    mass_basis_label: str
    reference_capacity_mAh_g: float    # host theoretical capacity on this basis (defines the C-rate)
    points: tuple[RagonePoint, ...]

    def headline(self) -> str:
        """Variant, basis, current range and the capacity, energy and power at its ends."""
        lo, hi = self.points[0], self.points[-1]
        return (f"{self.variant}, {len(self.points)} rates {rate(lo.current_A_g)}–{rate(hi.current_A_g)} A g⁻¹ "
                f"on {self.mass_basis_label}; capacity {sig(lo.capacity_mAh_g)}→{sig(hi.capacity_mAh_g)} mAh g⁻¹, "
                f"energy {sig(lo.energy_Wh_kg)}→{sig(hi.energy_Wh_kg)} Wh kg⁻¹, "
                f"power {sig(lo.power_W_kg)}→{sig(hi.power_W_kg)} W kg⁻¹")

    def to_frame(self):
        """One row per discharge (ascending current); units in the column names, values on the curve's basis."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["points"])

    def plot(self, ax=None):
        """Energy against power (Wh kg⁻¹ vs W kg⁻¹, log–log); returns the Axes, so two curves share one plot."""
        from ..plotting import new_axes
        from .plots_simulation import draw_ragone

        return draw_ragone(new_axes(ax), self)

    def column(self, name: str) -> np.ndarray:
        return np.array([getattr(p, name) for p in self.points], float)

    def to_dict(self) -> dict:
        """JSON-ready: basis, reference capacity and one dict per point (units in the keys)."""
        from dataclasses import asdict

        return {"variant": self.variant, "mass_basis": self.mass_basis, "mass_basis_label": self.mass_basis_label,
                "reference_capacity_mAh_g": self.reference_capacity_mAh_g,
                "points": [asdict(p) for p in self.points]}

    def energy_at_power(self, power_W_kg: float) -> float:
        """Energy (Wh kg⁻¹) at a given mean power, interpolated linearly in log E vs log P;
        NaN outside the simulated power range."""
        p, e = self.column("power_W_kg"), self.column("energy_Wh_kg")
        ok = (p > 0) & (e > 0)
        if ok.sum() < 2 or not (p[ok].min() <= power_W_kg <= p[ok].max()):
            return float("nan")
        order = np.argsort(p[ok])
        return float(10 ** np.interp(np.log10(power_W_kg), np.log10(p[ok][order]), np.log10(e[ok][order])))


def reference_capacity_mAh_g(config: CellConfig) -> float:
    """Host theoretical capacity (mAh g⁻¹) expressed on the config's mass basis."""
    q = theoretical_capacity(config.host.formula, config.host.electrons).capacity_mAh_g
    return q * config.cell.active_mass_g / config.cell.masses.mass_g(config.cell.mass_basis)


def ragone_curve(config: CellConfig, rates: Sequence[float] = DEFAULT_RATES_A_G, *, bulk_only: bool = False,
                 progress: Callable[[], None] | None = None) -> RagoneCurve:
    """Discharge at each specific current in ``rates`` (A g⁻¹, config basis) → :class:`RagoneCurve`.

    All discharges are integrated together (:func:`simulate_galvanostatic_batch`); ``progress`` is
    called once per discharge as it ends (for a progress bar)."""
    currents = sorted(float(r) for r in rates)
    if len(currents) < 2 or not all(np.isfinite(currents)) or currents[0] <= 0:
        raise InputError("rates", f"got {list(rates)!r}", expected="two or more currents > 0 A/g")
    q_ref = reference_capacity_mAh_g(config)
    points = []
    for i, d in zip(currents, simulate_galvanostatic_batch(config, currents, bulk_only=bulk_only, progress=progress)):
        points.append(RagonePoint(i / (q_ref / 1000.0), i, float(d.capacity_mAh_g[-1]),
                                  float(d.bulk_capacity_mAh_g[-1]), float(d.interface_capacity_mAh_g[-1]),
                                  d.energy_Wh_kg, d.power_W_kg, float(d.time_s[-1]), d.charge_balance_rel_error))
    b = config.cell.mass_basis
    return RagoneCurve("bulk_only" if bulk_only else "heterostructure", b, config.cell.masses.label(b), q_ref,
                       tuple(points))
