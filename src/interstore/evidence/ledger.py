"""Capacity ledger: split a measured capacity into the storage modes that could explain it.

For each rate the measured discharge capacity Q (mAh g⁻¹, active basis) is
allocated, in this order, each share capped by what is still unexplained:

1. parasitic      f_par · Q, with f_par given or 1 − CE (Coulombic efficiency)
2. proton         f_H · Q (user estimate of H⁺ co-insertion)
3. surface        f_cap · Q (Dunn / Trasatti capacitive fraction)
4. bulk           ≤ Q_bulk = n·F/(3.6·M) of the active phase
5. interface      ≤ Q_int (atomistic limit × interface sites, or space charge × contact area)
6. unaccounted    whatever is left

Conventional modes are allocated first, so the interface share is the least
interface storage needed to explain the measurement.  Values are the
allocation at the central inputs; 1σ uncertainties come from a fixed-seed
Monte-Carlo propagation of every input's 1σ through the same allocation (so
the caps are respected).  Shares in mAh g⁻¹ convert between mass bases by
m_active / m_basis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..massbasis import BASES, ElectrodeMasses
from ..results import Result, rate, sig

COMPONENTS = ("parasitic", "proton", "surface", "bulk", "interface", "unaccounted")


@dataclass(frozen=True)
class Uncertain:
    """A value with its 1σ standard uncertainty (same unit)."""

    value: float
    sigma: float = 0.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.value) and np.isfinite(self.sigma)) or self.sigma < 0:
            raise InputError("ledger input", f"value={self.value}, sigma={self.sigma}",
                             expected="finite value and sigma >= 0")


@dataclass(frozen=True)
class RatePoint:
    """One measured rate: current (A g⁻¹, active), discharge capacity (mAh g⁻¹, active),
    Coulombic efficiency (0–1, None if unknown) and capacitive fraction (0–1, None if unknown)."""

    current_A_g: float
    capacity_mAh_g: Uncertain
    coulombic_efficiency: float | None = None
    capacitive_fraction: Uncertain | None = None


@dataclass(frozen=True)
class StorageLimits:
    """Caps and estimates shared by every rate; capacities in mAh g⁻¹ of the active phase."""

    bulk_mAh_g: float
    interface_mAh_g: Uncertain
    interface_source: str
    proton_fraction: Uncertain = Uncertain(0.0)
    parasitic_fraction: Uncertain | None = None


@dataclass(frozen=True)
class LedgerRow:
    """The split of one rate; ``shares`` in mAh g⁻¹ (active basis)."""

    current_A_g: float
    measured: Uncertain
    shares: dict[str, Uncertain]
    exceeds_bulk: dict[str, bool]

    @property
    def flag_cleared_on(self) -> list[str]:
        """Mass bases on which the apparent capacity no longer exceeds the bulk limit."""
        return [b for b, flag in self.exceeds_bulk.items() if not flag]


@dataclass(frozen=True, repr=False)
class CapacityLedger(Result):
    """The split of the measured capacity at every rate into the :data:`COMPONENTS` (mAh g⁻¹, active, ±1σ)."""

    rows: tuple[LedgerRow, ...]
    limits: StorageLimits
    masses: ElectrodeMasses

    def headline(self) -> str:
        """Rates, limits and the interface share at the lowest rate (active basis)."""
        low = self.rows[0]
        i = low.shares["interface"]
        return (f"{len(self.rows)} rates from {rate(low.current_A_g)} A g⁻¹ (active); bulk limit "
                f"{sig(self.limits.bulk_mAh_g)}, interface limit {sig(self.limits.interface_mAh_g.value)} ± "
                f"{sig(self.limits.interface_mAh_g.sigma, 2)} mAh g⁻¹; interface share at the lowest rate "
                f"{sig(i.value)} ± {sig(i.sigma, 2)} of {sig(low.measured.value)} mAh g⁻¹, {self.masses.label('active')}")

    def to_frame(self, basis: str = "active"):
        """One row per rate: measured capacity and each share with its 1σ, mAh g⁻¹ of ``basis``."""
        import pandas as pd

        f = self.factor(basis)
        rows = []
        for r in self.rows:
            row = {"current_A_g_active": r.current_A_g, f"measured_mAh_g_{basis}": r.measured.value * f}
            for c in COMPONENTS:
                row[f"{c}_mAh_g_{basis}"] = r.shares[c].value * f
                row[f"{c}_sigma_mAh_g_{basis}"] = r.shares[c].sigma * f
            rows.append(row)
        return pd.DataFrame(rows)

    def factor(self, basis: str) -> float:
        """mAh g⁻¹(active) → mAh g⁻¹(basis): m_active / m_basis."""
        return self.masses.from_active(basis)

    def to_dict(self) -> dict:
        """JSON form: every share on every basis as {value_mAh_g, sigma_mAh_g}."""
        def on_bases(u: Uncertain) -> dict:
            return {b: {"value_mAh_g": u.value * self.factor(b), "sigma_mAh_g": u.sigma * self.factor(b)}
                    for b in BASES}

        return {
            "bulk_limit_mAh_g_active": self.limits.bulk_mAh_g,
            "interface_limit_mAh_g_active": self.limits.interface_mAh_g.value,
            "interface_limit_sigma_mAh_g_active": self.limits.interface_mAh_g.sigma,
            "interface_limit_source": self.limits.interface_source,
            "basis_labels": self.masses.labels(),
            "rows": [{
                "current_A_g_active": r.current_A_g,
                "measured": on_bases(r.measured),
                "shares": {c: on_bases(r.shares[c]) for c in COMPONENTS},
                "exceeds_bulk_on_basis": r.exceeds_bulk,
                "flag_cleared_on_basis": r.flag_cleared_on,
            } for r in self.rows],
        }


def _allocate(q, f_par, f_h, f_cap, bulk, interface) -> dict[str, np.ndarray]:
    """The allocation rule on arrays (central values or Monte-Carlo samples), mAh g⁻¹."""
    remaining = np.asarray(q, float).copy()
    out = {}
    for name, amount in (("parasitic", f_par * q), ("proton", f_h * q), ("surface", f_cap * q),
                         ("bulk", bulk), ("interface", interface)):
        share = np.minimum(remaining, np.maximum(amount, 0.0))
        out[name] = share
        remaining = remaining - share
    out["unaccounted"] = remaining
    return out


def _samples(u: Uncertain | None, n: int, rng, lo: float, hi: float = np.inf) -> np.ndarray:
    if u is None:
        return np.zeros(n)
    return np.clip(rng.normal(u.value, u.sigma, n) if u.sigma > 0 else np.full(n, u.value), lo, hi)


def capacity_ledger(points: list[RatePoint], limits: StorageLimits, masses: ElectrodeMasses, *,
                    samples: int = 4000, seed: int = 0) -> CapacityLedger:
    """Allocate each measured capacity to the storage modes (see module docstring)."""
    if not points:
        raise InputError("capacity ledger", "no measured rates", expected="at least one galvanostatic rate")
    if limits.bulk_mAh_g <= 0:
        raise InputError("capacity ledger", f"bulk limit {limits.bulk_mAh_g} mAh/g",
                         expected="a theoretical bulk capacity > 0 mAh g-1")
    rng = np.random.default_rng(seed)
    rows = []
    for p in points:
        ce = 1.0 if p.coulombic_efficiency is None else min(max(p.coulombic_efficiency, 0.0), 1.0)
        par = limits.parasitic_fraction or Uncertain(1.0 - ce, 0.5 * (1.0 - ce))
        central = _allocate(p.capacity_mAh_g.value, par.value, limits.proton_fraction.value,
                            p.capacitive_fraction.value if p.capacitive_fraction else 0.0,
                            limits.bulk_mAh_g, limits.interface_mAh_g.value)
        mc = _allocate(_samples(p.capacity_mAh_g, samples, rng, 0.0),
                       _samples(par, samples, rng, 0.0, 1.0),
                       _samples(limits.proton_fraction, samples, rng, 0.0, 1.0),
                       _samples(p.capacitive_fraction, samples, rng, 0.0, 1.0),
                       limits.bulk_mAh_g, _samples(limits.interface_mAh_g, samples, rng, 0.0))
        shares = {c: Uncertain(float(central[c]), float(np.std(mc[c]))) for c in COMPONENTS}
        exceeds = {b: q > limits.bulk_mAh_g for b, q in masses.on_every_basis(p.capacity_mAh_g.value).items()}
        rows.append(LedgerRow(p.current_A_g, p.capacity_mAh_g, shares, exceeds))
    return CapacityLedger(tuple(rows), limits, masses)


def _area_per_volume_m(morphology: str, size_nm: float, coverage: float) -> float:
    """Contact area per volume of active phase, θ·(A/V) in m⁻¹, from the job-sharing geometry
    (:func:`~interstore.transport.jobsharing.interface_area_per_volume`): clusters and particles
    of diameter d give θ·6/d, sheets of thickness L give θ·2/L."""
    from ..transport.jobsharing import interface_area_per_volume

    if morphology == "sheet":
        return interface_area_per_volume("sheet", thickness_m=size_nm * 1e-9, coverage=coverage)
    return interface_area_per_volume("cluster", radius_m=0.5 * size_nm * 1e-9, coverage=coverage)


def interface_site_fraction(morphology: str, size_nm: float, coverage: float, layer_nm: float) -> float:
    """Fraction of the active phase within ``layer_nm`` of the contact: f = min(1, θ·(A/V)·δ),
    A/V = 6/d for clusters/particles (diameter d) and 2/L for sheets (thickness L)."""
    return min(1.0, _area_per_volume_m(morphology, size_nm, coverage) * layer_nm * 1e-9)


def interface_capacity_atomistic(limit_mAh_g: float, bulk_mAh_g: float, site_fraction: float) -> float:
    """Extra capacity of the interface region: Q_int = f·max(Q_limit − Q_bulk, 0), mAh g⁻¹ (active)."""
    return site_fraction * max(limit_mAh_g - bulk_mAh_g, 0.0)


def contact_area_m2_g(morphology: str, size_nm: float, coverage: float, density_g_cm3: float) -> float:
    """Contact area per gram of active phase, θ·(A/V)/ρ in m² g⁻¹ (A/V in m⁻¹, ρ in g m⁻³)."""
    return _area_per_volume_m(morphology, size_nm, coverage) / (density_g_cm3 * 1e6)


def interface_capacity_spacecharge(charge_C_m2: float, morphology: str, size_nm: float, coverage: float,
                                   density_g_cm3: float) -> float:
    """Space-charge storage of the contact area: Q_int = q·θ·(A/V)/ρ / 3.6, mAh g⁻¹ (active);
    q in C m⁻², A/V in m⁻¹, ρ in g m⁻³."""
    return charge_C_m2 * contact_area_m2_g(morphology, size_nm, coverage, density_g_cm3) / 3.6


def match_capacitive_fraction(discharge_time_s: float, sweep_times_s, fractions) -> float:
    """Capacitive fraction at the CV sweep time closest to a galvanostatic discharge time
    (linear interpolation in log t, clamped at the ends): a CV sweep over ΔV at v lasts ΔV/v."""
    t = np.asarray(sweep_times_s, float)
    f = np.asarray(fractions, float)
    order = np.argsort(t)
    return float(np.interp(np.log(discharge_time_s), np.log(t[order]), f[order]))
