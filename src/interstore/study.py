"""A study, end to end: manifest → analyses → simulation → capacity ledger → verdict.

``Study.from_toml("study.toml").run()`` returns a typed :class:`StudyResults`, the way
``pybamm.Simulation(...).solve()`` returns a ``Solution``.  :func:`analyse_study` runs every
analysis the manifest asks for, in the stages of :data:`STAGES`; :mod:`interstore.report` only
renders a :class:`StudyResults` (HTML, PNG, JSON) and ``interstore evidence`` prints its verdict.
Inputs are only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from .errors import InputError, ManifestError
from .evidence.controls import analyse_controls, estimate_ledger_inputs
from .evidence.ledger import (CapacityLedger, RatePoint, StorageLimits, Uncertain, capacity_ledger,
                              interface_capacity_atomistic, interface_capacity_spacecharge,
                              interface_site_fraction, match_capacitive_fraction)
from .evidence.manifest import Study as Manifest
from .evidence.manifest import load_study
from .evidence.verdict import Verdict, case_from_study, evaluate
from .theoretical import TheoreticalCapacity, theoretical_capacity

if TYPE_CHECKING:  # result types only; the analyses import their heavy libraries when they run
    from .atomistic.binding import BindingCurve
    from .atomistic.committee import CommitteeSummary
    from .atomistic.limit import LimitCapacity
    from .echem.cv_analysis import CVAnalysis
    from .echem.eis import EisFit
    from .echem.eis_series import EisSeries
    from .echem.galvanostatic import CyclingAnalysis
    from .echem.gitt import GittAnalysis
    from .evidence.controls import ControlLedger
    from .spectra.evidence import SpectraResults
    from .study_fit import StudyFit
    from .massbasis import ElectrodeMasses
    from .transport.ragone import RagoneCurve

STAGES = ("manifest", "impedance", "GITT", "cyclic voltammetry", "galvanostatic cycling", "atomistic limit",
          "simulation", "capacity ledger", "spectra", "verdict", "rate fit")


@dataclass(frozen=True, eq=False, repr=False)
class StudyResults:
    """Everything computed for one study (``None`` where the manifest gave no input)."""

    study: Manifest
    bulk: TheoreticalCapacity
    eis: EisFit | None
    gitt: GittAnalysis | None
    r_s_ohm: float
    cv: CVAnalysis | None
    cycling: tuple[CyclingAnalysis, ...]
    rate_points: tuple[RatePoint, ...]
    binding: BindingCurve | None
    limit: LimitCapacity | None
    ragone_simulated: dict[str, RagoneCurve] | None  # "bulk_only", "heterostructure"
    ledger: CapacityLedger | None
    verdict: Verdict
    site_fraction: float
    controls: ControlLedger | None = None  # when the manifest has [controls]
    spectra: SpectraResults | None = None   # when the manifest has [spectra]
    rate_fit: StudyFit | None = None        # when it has a rate test and [simulation] (interstore.study_fit)
    eis_series: EisSeries | None = None     # when the EIS file holds several sweeps (``eis`` is sweep 1's fit)
    committee: CommitteeSummary | None = None  # when [atomistic] scan_json is a committee scan

    def __repr__(self) -> str:
        return (f"<StudyResults {self.study.name!r}: {self.verdict.verdict} (tier {self.verdict.tier}); "
                f"{self.capacity_note}>")

    def kinetics_summary(self) -> dict:
        """Mean b, b per peak and the Dunn capacitive fraction per scan rate (empty without CV)."""
        if self.cv is None:
            return {"b_mean": None, "b_values": [], "dunn": []}
        d = self.cv.to_dict()
        return {"b_mean": _b_mean(self.cv), "b_values": d["b_values"], "dunn": d["dunn"]}

    @property
    def capacity_note(self) -> str:
        """One line: lowest-rate measured capacity on the active basis, or 'no galvanostatic data'."""
        if not self.rate_points:
            return "no galvanostatic data"
        p = min(self.rate_points, key=lambda r: r.current_A_g)
        return (f"{p.capacity_mAh_g.value:.1f} mAh g⁻¹ (active {self.study.manifest.material.active_formula}) "
                f"at {p.current_A_g:.3g} A g⁻¹")

    def to_dict(self) -> dict:
        """The JSON written as report.json (keys documented in docs/study-manifest.md)."""
        from .study_fit import fit_skipped_because

        m, masses = self.study.manifest, self.study.masses
        return {
            "study": {"name": m.study.name, "description": m.study.description, "simulated_data": m.study.simulated,
                      "manifest": str(self.study.path)},
            "masses_mg": {"active": masses.active_g * 1e3, "substrate": masses.substrate_g * 1e3,
                          "binder_additive": masses.other_g * 1e3, "composite": masses.composite_g * 1e3,
                          "electrode": masses.electrode_g * 1e3},
            "basis_labels": masses.labels(),
            "areal_basis": masses.areal_dict(),
            "bulk_theoretical": {"formula": self.bulk.formula, "electrons_per_formula": self.bulk.electrons,
                                 "molar_mass_g_mol": self.bulk.molar_mass_g_mol,
                                 "capacity_mAh_g": masses.on_every_basis(self.bulk.capacity_mAh_g)},
            "interface_site_fraction": self.site_fraction,
            "kinetics": self.kinetics_summary(),
            "eis": self.eis.to_dict() if self.eis is not None else None,
            "gitt": self.gitt.to_dict() if self.gitt is not None else None,
            "r_s_ohm_used": self.r_s_ohm,
            "cv": self.cv.to_dict() if self.cv is not None else None,
            "rates": [{"current_A_g_active": p.current_A_g,
                       "discharge_capacity_mAh_g": masses.on_every_basis(p.capacity_mAh_g.value),
                       "discharge_capacity_mAh_cm2": masses.areal(p.capacity_mAh_g.value * masses.active_g),
                       "discharge_capacity_sigma_mAh_g_active": p.capacity_mAh_g.sigma,
                       "coulombic_efficiency_pct": None if p.coulombic_efficiency is None
                       else 100 * p.coulombic_efficiency,
                       "capacitive_fraction": None if p.capacitive_fraction is None else p.capacitive_fraction.value}
                      for p in self.rate_points],
            "cycling": [c.to_dict() for c in self.cycling],
            "atomistic": {"binding": self.binding.to_dict() if self.binding is not None else None,
                          "limit": self.limit.to_dict() if self.limit is not None else None,
                          "committee": self.committee.to_dict() if self.committee is not None else None},
            "simulation": None if self.ragone_simulated is None
            else {kind: curve.to_dict() for kind, curve in self.ragone_simulated.items()},
            "ledger": self.ledger.to_dict() if self.ledger is not None else None,
            "verdict": self.verdict.to_dict(),
            "controls": self.controls.to_dict() if self.controls is not None else None,
            "ledger_inputs": estimate_ledger_inputs(self),
            "spectra": self.spectra.to_dict() if self.spectra is not None else None,
            "rate_fit": self.rate_fit.to_dict() if self.rate_fit is not None else None,
            "rate_fit_skipped": None if self.rate_fit is not None else fit_skipped_because(self),
            "eis_series": self.eis_series.to_dict() if self.eis_series is not None else None,
        }


def _b_mean(cv) -> float | None:
    bs = [p.fit.b for p in cv.peaks if p.fit is not None and np.isfinite(p.fit.b)]
    return float(np.mean(bs)) if bs else None


def _analyse_eis(study: Manifest):
    """The EIS fit and, for a file of several sweeps, the series fitted as ``interstore eis series`` does
    (x: each sweep's mean DC potential when the file logs one, else the sweep number); the fit is then
    the series' first, whose R0 serves as R_s."""
    from .echem.eis import fit_eis
    from .echem.eis_series import fit_series
    from .echem.readers import read_impedance_sweeps

    d = study.manifest.data
    path = study.resolve(d.eis)
    spectra = read_impedance_sweeps(path, instrument=d.instrument)
    if len(spectra) == 1:
        return fit_eis(spectra[0], d.eis_circuit), None
    series = fit_series(spectra, circuit=d.eis_circuit, source=str(path))
    return series.fits[0], series


def gitt_length_cm(study: Manifest) -> float:
    """Diffusion length for GITT: the cluster/particle radius or the sheet thickness (cm)."""
    g = study.manifest.geometry
    return (g.size_nm if g.morphology == "sheet" else g.size_nm / 2) * 1e-7


def _analyse_gitt(study: Manifest):
    from .echem.gitt import GittGeometry, analyze_gitt
    from .echem.readers import read_measurement
    from .theoretical import molar_mass_g_mol

    d = study.manifest.data
    geometry = GittGeometry.from_length(gitt_length_cm(study), study.masses.active_g,
                                        molar_mass_g_mol(study.manifest.material.active_formula))
    return analyze_gitt(read_measurement(study.resolve(d.gitt), instrument=d.instrument,
                                         active_mass_g=study.masses.active_g), geometry)


def _analyse_cv(study: Manifest, r_s_ohm: float):
    from .echem.cv_analysis import analyze_cv
    from .echem.readers import read_measurement

    d = study.manifest.data
    ms = [read_measurement(study.resolve(f.path), instrument=d.instrument, active_mass_g=study.masses.active_g,
                           scan_rate_mV_s=f.scan_rate_mV_s) for f in d.cv]
    rates = [f.scan_rate_mV_s for f in d.cv]
    return analyze_cv(ms, rates if all(r is not None for r in rates) else None,
                      mass_g=study.masses.active_g, r_s_ohm=r_s_ohm)


def _analyse_cycling(study: Manifest) -> tuple:
    from .echem.galvanostatic import analyze_cycling
    from .echem.readers import read_measurement

    d = study.manifest.data
    return tuple(analyze_cycling(read_measurement(study.resolve(f.path), instrument=d.instrument,
                                                  active_mass_g=study.masses.active_g), study.masses)
                 for f in d.gcd)


def rate_points(cycling: Sequence[CyclingAnalysis], cv: CVAnalysis | None, masses: ElectrodeMasses, *,
                capacity_relative_sigma: float = 0.0,
                capacitive_fraction_sigma: float = 0.0) -> tuple[RatePoint, ...]:
    """The capacity ledger's input from the analyses alone (no manifest needed).

    One :class:`RatePoint` per rate step: mean discharge capacity (mAh g⁻¹, active) with
    σ² = (cycle-to-cycle SD)² + (``capacity_relative_sigma`` · Q)², CE, and the Dunn capacitive
    fraction at the CV sweep time ΔV/v closest to the discharge time; its σ is the larger of
    ``capacitive_fraction_sigma`` and the Dunn–Trasatti (q_outer/q(v)) difference when the
    Trasatti fits are linear."""
    m_a = masses.active_g
    if cv is not None:
        window_mV = 1e3 * float(np.ptp(cv.potential_V))
        sweep_s = window_mV / np.asarray(cv.scan_rates_mV_s, float)
        fractions = np.asarray(cv.capacitive_fraction, float)
        trasatti = None if cv.trasatti.linear_warning else cv.trasatti.q_outer / np.asarray(cv.charge_C, float)
    points = []
    for analysis in cycling:
        for step in analysis.rate_steps:
            caps = [c.discharge.capacity_mAh for c in analysis.cycles
                    if c.rate_step == step.rate_step and c.discharge is not None]
            q = step.discharge_capacity_mAh / m_a
            spread = float(np.std(caps, ddof=1)) / m_a if len(caps) > 1 else 0.0
            sigma = float(np.hypot(spread, capacity_relative_sigma * q))
            ce = step.coulombic_efficiency_pct / 100 if np.isfinite(step.coulombic_efficiency_pct) else None
            cap = None
            if cv is not None:
                f_dunn = match_capacitive_fraction(step.discharge_duration_s, sweep_s, fractions)
                spread = 0.0 if trasatti is None else \
                    abs(f_dunn - match_capacitive_fraction(step.discharge_duration_s, sweep_s, trasatti))
                cap = Uncertain(f_dunn, max(capacitive_fraction_sigma, spread))
            points.append(RatePoint(step.current_A / m_a, Uncertain(q, sigma), ce, cap))
    return tuple(sorted(points, key=lambda p: p.current_A_g))


def _scan_curve(path: Path):
    """Binding curve, n_max per formula unit and, for a committee scan, its summary (else None) from
    ``interstore interface scan/energies --json`` output."""
    import json

    from .atomistic.binding import binding_curve
    from .atomistic.committee import CommitteeSummary

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        committee = None
        if "per_member" in data:  # a committee scan: the member with the lowest n_max (conservative)
            committee = CommitteeSummary.from_json(data)
            data = data["per_member"][data["conservative_member"]]
        b = data["binding"]
        energies = {int(n): float(e) for n, e in zip(b["n_zn"], b["energy_eV"])}
        curve = binding_curve(energies, float(b["e_substrate_eV"]), float(b["e_zn_ref_eV_per_atom"]))
        return curve, float(data["n_max_per_formula_unit"]), committee
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(path, "not a JSON file", expected="the --json output of 'interstore interface scan'") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(path, f"missing or malformed key {exc}",
                         expected="binding.{n_zn, energy_eV, e_substrate_eV, e_zn_ref_eV_per_atom} and "
                                  "n_max_per_formula_unit") from None


def _atomistic(study: Manifest):
    """Binding curve (manifest E_b(n) list or a scan JSON), the limit capacity on every basis and the
    committee summary of a committee scan (else None)."""
    from .atomistic.binding import binding_curve
    from .atomistic.limit import limit_capacity
    from .atomistic.reversible import reversible_limit

    a = study.manifest.atomistic
    curve = n_max = committee = None
    if a.binding_energies_eV and a.scan_json is not None:
        raise ManifestError(study.path, "both binding_energies_eV and scan_json given", where="section [atomistic]",
                         expected="one source of E_b(n)")
    if a.binding_energies_eV:
        # E_b(n) given directly: energies relative to the substrate and the Zn reference (both 0 eV)
        curve = binding_curve({n + 1: e for n, e in enumerate(a.binding_energies_eV)}, 0.0, 0.0)
        n_max = reversible_limit(curve).n_max
    if a.scan_json is not None:
        curve, n_max, committee = _scan_curve(study.resolve(a.scan_json))
    if a.n_max is not None:
        n_max = a.n_max
    if n_max is None:
        raise ManifestError(study.path, "no reversible Zn count", where="section [atomistic]",
                         expected="n_max, binding_energies_eV or scan_json")
    formula = a.formula or study.manifest.material.active_formula
    return curve, limit_capacity(n_max, formula, masses=study.masses), committee


def _simulate(study: Manifest) -> dict[str, RagoneCurve]:
    """Simulated Ragone curves (``interstore.transport.ragone``), bulk-only vs heterostructure."""
    from .transport.cellconfig import load_cell_config
    from .transport.ragone import ragone_curve

    sim = study.manifest.simulation
    config = load_cell_config(study.resolve(sim.config))
    return {kind: ragone_curve(config, sim.rates_A_g, bulk_only=bulk_only)
            for kind, bulk_only in (("bulk_only", True), ("heterostructure", False))}


def _interface_limit(study: Manifest, bulk_mAh_g: float, limit, site_fraction: float) -> tuple[Uncertain, str]:
    """The larger of the atomistic and space-charge interface caps (mAh g⁻¹, active)."""
    m = study.manifest
    g, rel = m.geometry, m.ledger.interface_limit_relative_sigma
    options = []
    if limit is not None:
        q = interface_capacity_atomistic(limit.capacity_mAh_g["active"], bulk_mAh_g, site_fraction)
        options.append((q, f"atomistic: {100 * site_fraction:.0f} % interface sites × (limit "
                           f"{limit.capacity_mAh_g['active']:.1f} − bulk {bulk_mAh_g:.1f}) mAh g⁻¹"))
    if m.ledger.interface_charge_C_m2 is not None:
        if g.density_g_cm3 is None:
            raise ManifestError(study.path, "space-charge interface capacity needs the active-phase density",
                             where="key 'geometry.density_g_cm3'", expected="a density in g cm-3")
        q = interface_capacity_spacecharge(m.ledger.interface_charge_C_m2, g.morphology, g.size_nm,
                                           g.interface_coverage, g.density_g_cm3)
        options.append((q, f"space charge: {m.ledger.interface_charge_C_m2:g} C m⁻² × contact area"))
    if not options:
        return Uncertain(0.0), "none given (no [atomistic] section, no ledger.interface_charge_C_m2)"
    q, source = max(options)
    return Uncertain(q, rel * q), source


def _lowest_rate_excess(controls) -> tuple[float, float, float] | None:
    """(excess, 95 % low, high) in mAh g⁻¹ composite at the lowest rate of a control ledger, or None."""
    if controls is None or not controls.rows:
        return None
    row = min(controls.rows, key=lambda r: r.current_A_g)
    return (row.excess, *row.interval) if np.isfinite(row.excess) and np.isfinite(row.excess_half_width) else None


def analyse_study(path: str | Path | Manifest, *, simulate: bool = True,
                  progress: Callable[[str], None] | None = None) -> StudyResults:
    """Run every analysis the manifest asks for; ``progress(stage)`` is called after each stage."""
    tick = progress or (lambda stage: None)
    study = path if isinstance(path, Manifest) else load_study(path)
    m = study.manifest
    bulk = theoretical_capacity(m.material.active_formula, m.material.electrons_per_formula)
    g = m.geometry
    site_fraction = interface_site_fraction(g.morphology, g.size_nm, g.interface_coverage, g.interface_layer_nm)
    tick(STAGES[0])
    eis, eis_series = _analyse_eis(study) if m.data.eis is not None else (None, None)
    # series resistance for the CV ohmic correction: the manifest's, else the EIS fit's R0, else 0 Ω
    r_s = m.data.r_s_ohm if m.data.r_s_ohm is not None else (eis.parameter("R0") if eis is not None else 0.0)
    tick(STAGES[1])
    gitt = _analyse_gitt(study) if m.data.gitt is not None else None
    tick(STAGES[2])
    cv = _analyse_cv(study, r_s) if m.data.cv else None
    tick(STAGES[3])
    cycling = _analyse_cycling(study) if m.data.gcd else ()
    points = rate_points(cycling, cv, study.masses, capacity_relative_sigma=m.ledger.capacity_relative_sigma,
                         capacitive_fraction_sigma=m.ledger.capacitive_fraction_sigma)
    tick(STAGES[4])
    binding, limit, committee = _atomistic(study) if m.atomistic is not None else (None, None, None)
    tick(STAGES[5])
    ragone = _simulate(study) if (simulate and m.simulation is not None) else None
    tick(STAGES[6])
    ledger = None
    if points:
        interface, source = _interface_limit(study, bulk.capacity_mAh_g, limit, site_fraction)
        par = m.ledger.parasitic_fraction
        limits = StorageLimits(bulk.capacity_mAh_g, interface, source,
                               Uncertain(m.ledger.proton_fraction, m.ledger.proton_fraction_sigma),
                               None if par is None else Uncertain(par, m.ledger.parasitic_fraction_sigma))
        ledger = capacity_ledger(list(points), limits, study.masses)
    controls = analyse_controls(study) if m.controls is not None else None
    tick(STAGES[7])
    quantified = set()
    if any(p.coulombic_efficiency is not None for p in points) or m.ledger.parasitic_fraction is not None:
        quantified.add("parasitic")
    if cv is not None:
        quantified.add("pseudocapacitance")
    if points and (m.ledger.proton_fraction > 0 or m.ledger.proton_fraction_sigma > 0):
        quantified.add("proton")
    capacitive = float(cv.capacitive_fraction[int(np.argmin(cv.scan_rates_mV_s))]) if cv is not None else None
    spectra = None
    if m.spectra.operando or m.spectra.xps or m.spectra.xas or m.spectra.eels:
        from .spectra.evidence import analyse_spectra

        spectra = analyse_spectra(study)
    tick(STAGES[8])
    verdict = evaluate(case_from_study(study, b_mean=_b_mean(cv) if cv is not None else None,
                                       capacitive_fraction=capacitive, quantified=frozenset(quantified),
                                       ledger_interface_mAh_g=None if ledger is None
                                       else ledger.rows[0].shares["interface"].value,
                                       measured=spectra.records if spectra is not None else (),
                                       controls_excess_mAh_g=_lowest_rate_excess(controls)))
    tick(STAGES[9])
    results = StudyResults(study, bulk, eis, gitt, r_s, cv, cycling, points, binding, limit, ragone, ledger, verdict,
                           site_fraction, controls=controls, spectra=spectra, eis_series=eis_series,
                           committee=committee)
    if simulate:
        from dataclasses import replace

        from .study_fit import fit_study

        results = replace(results, rate_fit=fit_study(results))
    tick("rate fit")
    return results


def study_row(results: StudyResults) -> dict:
    """The study as a row beside the Table 1 systems (same keys as ``comparison_rows``)."""
    m = results.study.manifest
    chars = "; ".join(f"{c.technique} ({c.mode})" for c in m.evidence.characterisation)
    return {"system": f"{m.study.name} (this study)", "interface_bonding": m.material.bonding or "not stated",
            "main_claim": m.study.description or "not stated", "characterisation_evidence": chars or "none",
            "reference": str(results.study.path), "apparent_capacity": results.capacity_note,
            "verdict": results.verdict.headline, "tier": results.verdict.tier}


class Study:
    """A validated study manifest, ready to run.

    Parameters
    ----------
    manifest : interstore.evidence.manifest.Study
        The loaded manifest (paths resolve relative to its folder).
    """

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest

    @classmethod
    def from_toml(cls, path: str | Path) -> "Study":
        """Read and validate a study manifest (TOML, see docs/study-manifest.md); errors name the line."""
        return cls(load_study(path))

    @property
    def name(self) -> str:
        """The study's name from ``[study] name``."""
        return self.manifest.name

    @property
    def path(self) -> Path:
        """The manifest file."""
        return self.manifest.path

    def run(self, *, simulate: bool = True, progress: Callable[[str], None] | None = None):
        """Run every analysis the manifest asks for.

        Parameters
        ----------
        simulate : bool
            Run the transient simulator for the Ragone curves and, when the study has a rate test,
            the fit of both models to it (``[simulation.fit]``; the slowest stages, seconds each).
        progress : callable, optional
            Called with each stage name (see :data:`STAGES`) when it finishes.

        Returns
        -------
        StudyResults
            Analyses, simulated curves, the capacity ledger (mAh g⁻¹ on every mass basis) and the verdict.
        """
        return analyse_study(self.manifest, simulate=simulate, progress=progress)

    def __repr__(self) -> str:
        m = self.manifest.masses
        return (f"<Study {self.name!r}: {self.path.name}, active {m.active_g * 1e3:.4g} mg "
                f"({m.active_label}), electrode {m.electrode_g * 1e3:.4g} mg>")

