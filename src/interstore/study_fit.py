"""A study's rate test fitted with both transport models, checked against the study's other evidence.

When a study has a rate test (``[[data.gcd]]``) and a simulation config (``[simulation]``),
:func:`fit_study` fits the bulk-only and heterostructure models to the measured capacities
(:func:`interstore.transport.fit.compare_models`, the function behind ``interstore simulate
fit``) with the free parameters of ``[simulation.fit]`` and checks the fitted values against
what the study already knows (:func:`interstore.transport.fit.check_ranges`, the logic of
``--plausible``):

* host diffusivity against the GITT (valid pulses) and EIS (Warburg) values, each widened by a
  factor :data:`DIFFUSIVITY_FACTOR` either way and rescaled to the config's host size, since a
  transient measures D/L²: D_equiv = D_measured · (L_config / L_measured)²;
* interface Zn density (sites nm⁻² × Zn per site) against the atomistic ceiling
  Q_int / (2e · A), with Q_int = f·(Q_limit − Q_bulk) the ledger's atomistic interface cap
  (mAh g⁻¹ active) and A the geometry's contact area (m² g⁻¹ active);
* the fitted config's interface area against the manifest geometry's, within a factor
  :data:`AREA_FACTOR`;
* the fitted interface capacity delivered at the lowest measured rate against the ledger's
  interface share there (± 1.96 σ).

The measured capacities are moved to the config's mass basis with the study's masses
(q_basis = q_active · m_active / m_basis); σ per rate is the ledger's (cycle-to-cycle SD ⊕
``ledger.capacity_relative_sigma`` × Q), or 3 % of Q where that is zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .constants import ELEMENTARY_CHARGE, MAH_PER_COULOMB, Z_ZINC
from .transport.fit import (DEFAULT_RELATIVE_SIGMA, FreeParameter, ModelComparison, PlausibleRange, RangeCheck,
                            RateData, check_ranges, compare_models, parameter_checks)
from .transport.fit_curves import DischargeCurves, gcd_discharge_curves

if TYPE_CHECKING:
    from .study import StudyResults
    from .transport.cellconfig import CellConfig

DIFFUSIVITY_FACTOR = 3.0   # GITT/EIS D range widened ×/÷ 3 (uncertainty of L² and of the contact area S)
AREA_FACTOR = 2.0          # the config's interface area may differ from the geometry's by ×/÷ 2
LEDGER_Z = 1.96            # ledger interface share ± 1.96 σ
DIFFUSIVITY_KEY = "host.diffusivity_m2_s"
ZN_DENSITY = "interface Zn density (Zn nm⁻²)"
AREA = "interface area (m² g⁻¹, active)"
LOWEST_RATE_INTERFACE = "interface capacity at the lowest rate (mAh g⁻¹, active)"


@dataclass(frozen=True)
class StudyFit:
    """Both models fitted to a study's rate test, and the fitted values against the other evidence.

    Attributes
    ----------
    comparison : ModelComparison
        Bulk-only and heterostructure fits, ΔBIC and the verdict in words.
    data : RateData
        The capacities fitted (mAh g⁻¹) with σ, on the config's mass basis.
    free : tuple of FreeParameter
        Free keys and bounds (config units); ``defaults`` says whether they are the stated defaults.
    checks : tuple of RangeCheck
        Every fitted or derived value that other evidence constrains; ``agrees`` False = disagreement.
    unchecked : tuple of str
        Evidence the study lacks, so a check could not be made.
    """

    comparison: ModelComparison
    data: RateData
    free: tuple[FreeParameter, ...]
    checks: tuple[RangeCheck, ...]
    unchecked: tuple[str, ...]
    config_path: Path
    starts: int
    seed: int
    defaults: bool
    start: str = "config"
    curves: DischargeCurves | None = None
    curve_source: tuple[tuple[float, np.ndarray, np.ndarray], ...] = ()  # (A g⁻¹, Q, V) per rate, unthinned

    @property
    def disagreements(self) -> tuple[str, ...]:
        """The checks that fail, in words."""
        return tuple(c.text for c in self.checks if not c.agrees)

    def command(self, data_csv: str = "rate_fit_data.csv") -> str:
        """The ``interstore simulate fit`` call that gives the same fit from ``data_csv`` (the
        fitted capacities, written beside the report); parameter ranges become ``--plausible``."""
        free = " ".join(f"--free {p.key}={p.lower:g}:{p.upper:g}" for p in self.free)
        keys = {p.key for p in self.free}
        known = {(c.quantity, c.range.lower, c.range.upper) for c in self.checks if c.quantity in keys}
        plausible = "".join(f" --plausible {k}={lo:.6g}:{hi:.6g}" for k, lo, hi in sorted(known))
        curves = "" if self.curves is None else \
            f" --curves {data_csv.replace('data', 'curves')} --sigma-v {self.curves.sigma_V:g}"
        return (f"interstore simulate fit {self.config_path} --data {data_csv} {free} --starts {self.starts} "
                f"--start {self.start} --seed {self.seed}{plausible}{curves}")

    def data_frame(self):
        """The fitted data as a DataFrame (current_A_g, capacity_mAh_g, sigma_mAh_g; config basis)."""
        import pandas as pd

        return pd.DataFrame({"current_A_g": self.data.current_A_g, "capacity_mAh_g": self.data.capacity_mAh_g,
                             "sigma_mAh_g": self.data.sigma_mAh_g})

    def curves_frame(self):
        """The discharge curves the fit thinned (≤ 400 points each, as ``gcd analyze --json`` writes
        them) as a long DataFrame (current_A_g, capacity_mAh_g, potential_V), or None."""
        import pandas as pd

        if self.curves is None:
            return None
        return pd.DataFrame({"current_A_g": np.concatenate([np.full(q.size, i) for i, q, _ in self.curve_source]),
                             "capacity_mAh_g": np.concatenate([q for _, q, _ in self.curve_source]),
                             "potential_V": np.concatenate([v for _, _, v in self.curve_source])})

    def to_dict(self) -> dict:
        return {"config": str(self.config_path), "mass_basis": self.data.mass_basis,
                "noise_model": self.data.noise_model, "starts": self.starts, "start": self.start, "seed": self.seed,
                "free": [{"key": p.key, "lower": p.lower, "upper": p.upper} for p in self.free],
                "free_are_defaults": self.defaults,
                "data": self.data_frame().to_dict(orient="list"),
                "comparison": self.comparison.to_dict(),
                "checks": [c.to_dict() for c in self.checks], "disagreements": list(self.disagreements),
                "unchecked": list(self.unchecked), "command": self.command(),
                "curves": None if self.curves is None else {
                    "sigma_V": self.curves.sigma_V, "noise_model": self.curves.noise_model,
                    "current_A_g": self.curves.current_A_g, "capacity_mAh_g": list(self.curves.capacity_mAh_g),
                    "potential_V": list(self.curves.potential_V)}}


def study_rate_data(results: StudyResults, basis: str) -> RateData:
    """The study's measured rate points (active basis) on ``basis``, with the ledger's σ per rate."""
    pts = results.rate_points
    f = results.study.masses.from_active(basis)
    q = np.array([p.capacity_mAh_g.value for p in pts])
    sigma = np.array([p.capacity_mAh_g.sigma for p in pts])
    rel = results.study.manifest.ledger.capacity_relative_sigma
    noise = (f"σ per rate from the study: cycle-to-cycle SD ⊕ {100 * rel:.3g} % of Q "
             f"(ledger.capacity_relative_sigma)")
    if np.any(sigma <= 0):
        sigma = np.where(sigma > 0, sigma, DEFAULT_RELATIVE_SIGMA * q)
        noise += f"; {100 * DEFAULT_RELATIVE_SIGMA:g} % of Q where that is zero"
    return RateData(np.array([p.current_A_g for p in pts]) * f, q * f, sigma * f, basis, noise,
                    source=f"rate test of {results.study.path.name}")


def study_curves(results: StudyResults, basis: str) -> tuple[tuple[float, np.ndarray, np.ndarray], ...]:
    """The last discharge of each rate step of the study's rate test on ``basis`` (A g⁻¹, mAh g⁻¹,
    V), as ``gcd analyze --json`` writes them (≤ 400 points each)."""
    out: list[tuple[float, np.ndarray, np.ndarray]] = []
    for analysis in results.cycling:
        out += zip(*gcd_discharge_curves(analysis.to_dict(), basis))
    return tuple(out)


def _diffusivity_range(results: StudyResults, config: CellConfig) -> tuple[PlausibleRange | None, str]:
    from .study import gitt_length_cm

    values, names = [], []
    length_m = gitt_length_cm(results.study) * 1e-2
    if results.gitt is not None:
        valid = [p.D_cm2_s for p in results.gitt.pulses if p.valid and np.isfinite(p.D_cm2_s) and p.D_cm2_s > 0]
        if valid:
            values += [min(valid) * 1e-4, max(valid) * 1e-4]
            names.append(f"GITT ({len(valid)} valid pulses)")
    if results.eis is not None:
        w = results.eis.to_dict()
        d = None if w["D_withheld_by_kk"] else w["warburg"]["D_fit_cm2_s"]
        if d is not None and np.isfinite(d) and d > 0:
            values.append(d * 1e-4)
            names.append("EIS Warburg")
    if not values:
        return None, "host diffusivity: no GITT or EIS diffusivity in the study"
    scale = (config.host.size_m / length_m) ** 2
    lo, hi = min(values) * scale / DIFFUSIVITY_FACTOR, max(values) * scale * DIFFUSIVITY_FACTOR
    rescaled = "" if abs(scale - 1) < 1e-9 else f", rescaled to the config's host size by (L_config/L)² = {scale:.3g}"
    return PlausibleRange(lo, hi, f"from {' and '.join(names)} ×/÷ {DIFFUSIVITY_FACTOR:g}{rescaled}"), ""


def _geometry_area_m2_g(results: StudyResults, config: CellConfig) -> float:
    from .evidence.ledger import contact_area_m2_g

    g = results.study.manifest.geometry
    return contact_area_m2_g(g.morphology, g.size_nm, g.interface_coverage,
                             g.density_g_cm3 or config.host.density_g_cm3)


def _derived_checks(results: StudyResults, config: CellConfig, het_values: dict[str, float],
                    identifiable: bool) -> tuple[list[RangeCheck], list[str]]:
    """Zn density vs the atomistic ceiling, interface area vs the geometry, lowest-rate interface
    capacity vs the ledger's interface share (heterostructure fit)."""
    from .evidence.ledger import interface_capacity_atomistic
    from .transport.electrode import simulate_galvanostatic
    from .transport.model import interface_area_m2_g

    fitted = config.updated(**het_values)
    geometry_area = _geometry_area_m2_g(results, config)
    g = results.study.manifest.geometry
    values, ranges, unchecked = {}, {}, []
    values[AREA] = interface_area_m2_g(fitted)
    ranges[AREA] = PlausibleRange(geometry_area / AREA_FACTOR, geometry_area * AREA_FACTOR,
                                  f"from the geometry ({g.morphology}, {g.size_nm:g} nm, coverage "
                                  f"{g.interface_coverage:g}) ×/÷ {AREA_FACTOR:g}")
    if fitted.interface.capacity_source == "atomistic":
        values[ZN_DENSITY] = fitted.interface.sites_per_nm2 * fitted.interface.zn_per_site
        if results.limit is not None:
            q_int = interface_capacity_atomistic(results.limit.capacity_mAh_g["active"], results.bulk.capacity_mAh_g,
                                                 results.site_fraction)               # mAh g⁻¹ active
            ceiling = q_int / MAH_PER_COULOMB / (Z_ZINC * ELEMENTARY_CHARGE * geometry_area * 1e18)
            ranges[ZN_DENSITY] = PlausibleRange(
                0.0, ceiling, f"from the atomistic n_max = {results.limit.n_max:g} (interface cap {q_int:.3g} "
                "mAh g⁻¹ active over the geometry's area)")
        else:
            unchecked.append("interface Zn density: no [atomistic] n_max in the study")
    if results.ledger is not None and results.ledger.rows:
        row = min(results.ledger.rows, key=lambda r: r.current_A_g)
        share = row.shares["interface"]
        f = results.study.masses.from_active(config.cell.mass_basis)
        run = simulate_galvanostatic(fitted, row.current_A_g * f)
        values[LOWEST_RATE_INTERFACE] = float(run.interface_capacity_mAh_g[-1]) / f
        ranges[LOWEST_RATE_INTERFACE] = PlausibleRange(
            max(share.value - LEDGER_Z * share.sigma, 0.0), share.value + LEDGER_Z * share.sigma,
            f"from the ledger's interface share at {row.current_A_g:.3g} A g⁻¹ (± {LEDGER_Z} σ)")
    return check_ranges("heterostructure", values, ranges, {k: identifiable for k in values}), unchecked


def fit_skipped_because(results: StudyResults) -> str | None:
    """Why a study with a simulation config and a rate test gets no rate fit (said in the report),
    else ``None``: switched off, or no more measured rates than free parameters."""
    sim = results.study.manifest.simulation
    if sim is None or not results.rate_points:
        return None
    if not sim.fit.enabled:
        return "switched off in the manifest ([simulation.fit] enabled = false)"
    n_rates, n_free = len(results.rate_points), max(len(sim.fit.free), 1)
    if n_rates <= n_free:
        return (f"{n_rates} measured rate(s) for {n_free} free parameter(s): a fit needs more rates than free "
                "parameters to test a model (free fewer parameters in [simulation.fit] free, or measure more rates)")
    return None


def fit_study(results: StudyResults) -> StudyFit | None:
    """Fit both models to the study's rate test and check them against its other evidence; ``None``
    when the study has no rate test or no simulation config, or :func:`fit_skipped_because` says why
    not (switched off, or no more measured rates than free parameters: nothing could be tested)."""
    from .evidence.manifest import DEFAULT_FIT_FREE
    from .transport.cellconfig import load_cell_config

    sim = results.study.manifest.simulation
    if sim is None or not results.rate_points or fit_skipped_because(results) is not None:
        return None
    path = results.study.resolve(sim.config)
    config = load_cell_config(path)
    data = study_rate_data(results, config.cell.mass_basis)
    free = tuple(FreeParameter(k, lo, hi) for k, (lo, hi) in sim.fit.free.items())
    source = study_curves(results, config.cell.mass_basis) if sim.fit.curves else ()
    curves = None if not source else DischargeCurves.from_arrays(
        *zip(*source), mass_basis=config.cell.mass_basis, sigma_V=sim.fit.sigma_V,
        source=f"discharge curves of {results.study.path.name}")
    d_range, d_missing = _diffusivity_range(results, config)
    plausible = {} if d_range is None else {DIFFUSIVITY_KEY: d_range}
    comparison = compare_models(config, data, free, starts=sim.fit.starts, seed=sim.fit.seed, plausible=plausible,
                                start=sim.fit.start, curves=curves)
    het = comparison.heterostructure
    derived, unchecked = _derived_checks(results, config, het.values, all(p.identifiable for p in het.parameters))
    checks = [c for fit in (comparison.bulk_only, het) for c in parameter_checks(fit, plausible)] + derived
    return StudyFit(comparison, data, free, tuple(checks), tuple(u for u in (d_missing, *unchecked) if u), path,
                    sim.fit.starts, sim.fit.seed,
                    {k: tuple(v) for k, v in sim.fit.free.items()} == DEFAULT_FIT_FREE, sim.fit.start, curves,
                    source)
