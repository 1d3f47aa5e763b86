"""The capacity ledger from control electrodes: heterostructure − (oxide + substrate) per rate.

Every electrode of a study's ``[controls]`` section (heterostructure, bare oxide, bare substrate,
physical mixture, proton-only / Zn-free cell) is analysed cell by cell, and its cells are
summarised with :mod:`.replicates` (mean, SD, t-based 95 % interval, n).  Rate steps are matched
by their order in the programme (the k-th rate step of every cell).  Capacities are divided by the
mass each role stores in (:data:`~.manifest.ROLE_BASIS`): oxide for the bare oxide, substrate for
the bare substrate, oxide + substrate (composite) for the others.

With w_ox = m_ox/(m_ox + m_sub) and w_sub = 1 − w_ox of the heterostructure (mean over its cells,
taken as exact), per rate and per g of composite:

    oxide share      = w_ox · Q̄_oxide        (Q̄_oxide in mAh per g oxide)
    substrate share  = w_sub · Q̄_substrate   (mAh per g substrate)
    interfacial excess  Δ = Q̄_het − w_ox·Q̄_oxide − w_sub·Q̄_substrate
    SE(Δ)² = s_het²/n_het + w_ox²·s_ox²/n_ox + w_sub²·s_sub²/n_sub,
    95 % interval = Δ ± t₀.₉₇₅(ν)·SE(Δ), ν by Welch–Satterthwaite

and Δ/w_ox per g of oxide.  A physical mixture gets the same excess (it should be ≈ 0: mixing
alone adds nothing); a proton-only cell's capacity (per g composite) is the proton share.
The excess dQ/dV is the same difference applied to the mean dQ/dV curves (first discharge of the
first rate step of each cell) on a common potential grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..massbasis import ElectrodeMasses
from .manifest import ROLE_BASIS, ControlElectrode, Study
from .replicates import ReplicateStat, replicate_stat, welch_interval

GRID_STEP_V = 0.002  # common potential grid of the excess dQ/dV, V


def _dqdv_settings():
    """dQ/dV settings of the electrode comparison: a 50 mV Savitzky–Golay window on Q(V), wider than the
    single-file default, because differences of noisy curves amplify the noise."""
    from ..echem.differential import DifferentialSettings

    return DifferentialSettings(window_V=0.05)


@dataclass(frozen=True, eq=False)
class CellResult:
    """One replicate cell: figures per rate step on its role's mass basis."""

    label: str
    oxide_g: float
    substrate_g: float
    basis_g: float
    current_A_g: tuple[float, ...]
    capacity_mAh_g: tuple[float, ...]
    ce_pct: tuple[float, ...]
    b_mean: float | None
    capacitive_fraction: float | None
    dqdv: object | None  # DifferentialCurve of the first discharge of rate step 1


@dataclass(frozen=True, eq=False)
class RateSummary:
    index: int
    current_A_g: ReplicateStat
    capacity_mAh_g: ReplicateStat
    ce_pct: ReplicateStat


@dataclass(frozen=True, eq=False)
class ElectrodeSummary:
    name: str
    role: str
    basis: str  # oxide | substrate | composite
    cells: tuple[CellResult, ...]
    rates: tuple[RateSummary, ...]
    b: ReplicateStat
    capacitive_fraction: ReplicateStat

    @property
    def oxide_fraction(self) -> float:
        """w_ox = m_ox/(m_ox + m_sub), mean over the cells."""
        return float(np.mean([c.oxide_g / (c.oxide_g + c.substrate_g) for c in self.cells]))

    def mean_dqdv(self, grid_V: np.ndarray) -> np.ndarray | None:
        """Mean over cells of dQ/dV per g of the basis (mAh g⁻¹ V⁻¹) on ``grid_V``."""
        curves = [c.dqdv.on_grid(grid_V) / c.basis_g for c in self.cells if c.dqdv is not None]
        return np.mean(curves, axis=0) if curves else None

    def to_dict(self) -> dict:
        basis = f"mAh g⁻¹ ({self.basis})"
        return {"name": self.name, "role": self.role, "basis": self.basis, "n_cells": len(self.cells),
                "cells": [c.label for c in self.cells],
                "rates": [{"rate_index": r.index, "current_A_g": r.current_A_g.to_dict(),
                           "capacity_mAh_g": r.capacity_mAh_g.to_dict(), "coulombic_efficiency_pct": r.ce_pct.to_dict()}
                          for r in self.rates],
                "b": self.b.to_dict(), "capacitive_fraction": self.capacitive_fraction.to_dict(),
                "capacity_unit": basis}


def _cell_masses(role: str, oxide_mg: float, substrate_mg: float, other_mg: float, oxide_label: str,
                 substrate_label: str) -> ElectrodeMasses:
    if role == "substrate":  # the substrate is the only storing material: it takes the 'active' slot
        return ElectrodeMasses(substrate_mg * 1e-3, 0.0, other_mg * 1e-3, active_label=substrate_label,
                               substrate_label=substrate_label)
    return ElectrodeMasses(oxide_mg * 1e-3, substrate_mg * 1e-3, other_mg * 1e-3, active_label=oxide_label,
                           substrate_label=substrate_label)


def analyse_cell(cycling, cv, *, role: str, oxide_g: float, substrate_g: float, label: str) -> CellResult:
    """Per-rate-step capacity, current density and CE of one cell on its role's basis, with b and
    the Dunn capacitive fraction at the slowest scan rate when a CV set is given."""
    from ..echem.differential import differential_capacity

    basis_g = {"oxide": oxide_g, "substrate": substrate_g}.get(ROLE_BASIS[role], oxide_g + substrate_g)
    first = next((c.discharge for c in cycling.cycles if c.discharge is not None and c.rate_step == 1
                  and np.ptp(c.discharge.potential_V) > 0.01), None)
    b = capacitive = None
    if cv is not None:
        bs = [p.fit.b for p in cv.peaks if p.fit is not None and np.isfinite(p.fit.b)]
        b = float(np.mean(bs)) if bs else None
        capacitive = float(cv.capacitive_fraction[int(np.argmin(cv.scan_rates_mV_s))])
    return CellResult(label, oxide_g, substrate_g, basis_g,
                      tuple(s.current_A / basis_g for s in cycling.rate_steps),
                      tuple(s.discharge_capacity_mAh / basis_g for s in cycling.rate_steps),
                      tuple(s.coulombic_efficiency_pct for s in cycling.rate_steps), b, capacitive,
                      differential_capacity(first, _dqdv_settings()) if first is not None else None)


def summarise_electrode(name: str, role: str, cells: list[CellResult]) -> ElectrodeSummary:
    """Replicate statistics per rate step (matched by order) over the electrode's cells."""
    basis = ROLE_BASIS[role]
    n_rates = min(len(c.capacity_mAh_g) for c in cells)
    rates = tuple(RateSummary(
        k + 1, replicate_stat([c.current_A_g[k] for c in cells], f"A g⁻¹ ({basis})"),
        replicate_stat([c.capacity_mAh_g[k] for c in cells], f"mAh g⁻¹ ({basis})"),
        replicate_stat([c.ce_pct[k] for c in cells], "%")) for k in range(n_rates))
    return ElectrodeSummary(name, role, basis, tuple(cells), rates,
                            replicate_stat([c.b_mean for c in cells], "–"),
                            replicate_stat([c.capacitive_fraction for c in cells], "– (Dunn, slowest scan)"))


def analyse_control_electrode(study: Study, electrode: ControlElectrode) -> ElectrodeSummary:
    """Read and analyse every cell of one manifest electrode."""
    from ..echem.cv_analysis import analyze_cv
    from ..echem.galvanostatic import analyze_cycling
    from ..echem.readers import read_measurement

    m = study.manifest
    instrument = m.data.instrument
    cells = []
    for j, c in enumerate(electrode.cells):
        masses = _cell_masses(electrode.role, c.oxide_mg, c.substrate_mg, c.other_mg, m.material.active_formula,
                              m.material.substrate)
        cycling = analyze_cycling(read_measurement(study.resolve(c.gcd), instrument=instrument,
                                                   active_mass_g=masses.active_g), masses)
        cv = None
        if len(c.cv) >= 2:
            rates = [f.scan_rate_mV_s for f in c.cv]
            cv = analyze_cv([read_measurement(study.resolve(f.path), instrument=instrument,
                                              active_mass_g=masses.active_g) for f in c.cv],
                            rates if all(r is not None for r in rates) else None, mass_g=masses.active_g)
        cells.append(analyse_cell(cycling, cv, role=electrode.role, oxide_g=c.oxide_mg * 1e-3,
                                  substrate_g=c.substrate_mg * 1e-3, label=c.label or f"cell {j + 1}"))
    return summarise_electrode(electrode.name, electrode.role, cells)


@dataclass(frozen=True)
class ExcessRow:
    """One rate: shares and the interfacial excess in mAh g⁻¹ of composite (± 95 % half-widths)."""

    rate_index: int
    current_A_g: float                 # heterostructure, per g composite
    heterostructure: ReplicateStat
    oxide_share: tuple[float, float]     # value, 95 % half-width
    substrate_share: tuple[float, float]
    excess: float
    excess_se: float
    excess_half_width: float
    oxide_fraction: float
    proton_share: tuple[float, float] | None = None
    mixture_excess: tuple[float, float] | None = None

    @property
    def interval(self) -> tuple[float, float]:
        return (self.excess - self.excess_half_width, self.excess + self.excess_half_width)

    def to_dict(self) -> dict:
        def fin(x):
            return float(x) if x is not None and np.isfinite(x) else None

        def pair(p):
            return None if p is None else {"value_mAh_g": fin(p[0]), "ci95_half_width_mAh_g": fin(p[1])}

        lo, hi = self.interval
        return {"rate_index": self.rate_index, "current_A_g_composite": self.current_A_g,
                "heterostructure_mAh_g": self.heterostructure.to_dict(),
                "oxide_share": pair(self.oxide_share), "substrate_share": pair(self.substrate_share),
                "interfacial_excess": {"value_mAh_g": fin(self.excess), "se_mAh_g": fin(self.excess_se),
                                       "ci95_low_mAh_g": fin(lo), "ci95_high_mAh_g": fin(hi),
                                       "value_mAh_g_oxide": fin(self.excess / self.oxide_fraction)},
                "proton_share": pair(self.proton_share), "mixture_excess": pair(self.mixture_excess)}


def _share(weight: float, stat: ReplicateStat) -> tuple[float, float]:
    value, _, half = welch_interval([(weight, stat)])
    return value, half


@dataclass(frozen=True, eq=False)
class ControlLedger:
    """Per-rate excess rows, the electrodes they came from and the excess dQ/dV."""

    electrodes: dict[str, ElectrodeSummary]
    rows: tuple[ExcessRow, ...]
    grid_V: np.ndarray | None
    dqdv_mAh_g_V: dict[str, np.ndarray]  # per g of composite for heterostructure, expected and excess
    notes: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "method": "interfacial excess = heterostructure − (w_ox·oxide + w_sub·substrate) per rate step "
                      "(matched by order); 95 % t-intervals, Welch–Satterthwaite degrees of freedom; "
                      "masses taken as exact",
            "unit": "mAh g⁻¹ (composite = oxide + substrate of the heterostructure)",
            "oxide_mass_fraction": self.rows[0].oxide_fraction if self.rows else None,
            "electrodes": {r: e.to_dict() for r, e in self.electrodes.items()},
            "rows": [r.to_dict() for r in self.rows],
            "excess_dqdv": None if self.grid_V is None else {
                "potential_V": self.grid_V, "unit": "mAh g⁻¹ V⁻¹ (composite), first discharge of rate step 1",
                "method": _dqdv_settings().method,
                **{k: v for k, v in self.dqdv_mAh_g_V.items()}},
            "notes": list(self.notes),
        }


def control_ledger(electrodes: dict[str, ElectrodeSummary]) -> ControlLedger:
    """The excess table (module docstring) from summarised electrodes keyed by role."""
    het = electrodes.get("heterostructure")
    if het is None:
        raise InputError("controls", "no heterostructure electrode", expected="one electrode with role 'heterostructure'")
    missing = [r for r in ("oxide", "substrate") if r not in electrodes]
    if missing:
        raise InputError("controls", f"no {' and no '.join(missing)} control",
                         expected="bare-oxide and bare-substrate control electrodes for the interfacial excess")
    w_ox = het.oxide_fraction
    w_sub = 1.0 - w_ox
    ox, sub = electrodes["oxide"], electrodes["substrate"]
    n = min(len(e.rates) for e in electrodes.values())
    notes = []
    if len({len(e.rates) for e in electrodes.values()}) > 1:
        notes.append(f"electrodes have different numbers of rate steps; the first {n} are compared")
    small = [f"{e.name} (n = {len(e.cells)})" for e in electrodes.values() if len(e.cells) < 2]
    if small:
        notes.append("no interval for electrodes with one cell: " + ", ".join(small))
    rows = []
    for k in range(n):
        q_het, q_ox, q_sub = het.rates[k].capacity_mAh_g, ox.rates[k].capacity_mAh_g, sub.rates[k].capacity_mAh_g
        value, se, half = welch_interval([(1.0, q_het), (-w_ox, q_ox), (-w_sub, q_sub)])
        proton = mixture = None
        if "proton-only" in electrodes and k < len(electrodes["proton-only"].rates):
            proton = _share(1.0, electrodes["proton-only"].rates[k].capacity_mAh_g)
        if "mixture" in electrodes and k < len(electrodes["mixture"].rates):
            mv, _, mh = welch_interval([(1.0, electrodes["mixture"].rates[k].capacity_mAh_g), (-w_ox, q_ox),
                                        (-w_sub, q_sub)])
            mixture = (mv, mh)
        rows.append(ExcessRow(k + 1, het.rates[k].current_A_g.mean, q_het, _share(w_ox, q_ox), _share(w_sub, q_sub),
                              value, se, half, w_ox, proton, mixture))
    grid, curves = _excess_dqdv(het, ox, sub, w_ox)
    return ControlLedger(dict(electrodes), tuple(rows), grid, curves, tuple(notes))


def _excess_dqdv(het: ElectrodeSummary, ox: ElectrodeSummary, sub: ElectrodeSummary, w_ox: float):
    """Mean dQ/dV per g composite of the heterostructure, of w_ox·oxide + w_sub·substrate, and their difference."""
    ranges = [(c.dqdv.potential_V[0], c.dqdv.potential_V[-1]) for e in (het, ox, sub) for c in e.cells
              if c.dqdv is not None]
    if not ranges:
        return None, {}
    grid = np.arange(min(r[0] for r in ranges), max(r[1] for r in ranges) + 0.5 * GRID_STEP_V, GRID_STEP_V)
    h, o, s = het.mean_dqdv(grid), ox.mean_dqdv(grid), sub.mean_dqdv(grid)
    if h is None or o is None or s is None:
        return None, {}
    expected = w_ox * o + (1 - w_ox) * s
    return grid, {"heterostructure": h, "oxide_plus_substrate": expected, "excess": h - expected}


def analyse_controls(study: Study) -> ControlLedger:
    """Analyse every electrode of the manifest's ``[controls]`` section and build the excess ledger."""
    c = study.manifest.controls
    if c is None:
        raise InputError(study.path, "no [controls] section", expected="[[controls.electrodes]] tables")
    return control_ledger({e.role: analyse_control_electrode(study, e) for e in c.electrodes})


def estimate_ledger_inputs(results) -> list[dict]:
    """Which inputs of the estimate-based ledger were measured, computed or typed into the manifest."""
    m = results.study.manifest
    led = m.ledger
    points = results.rate_points
    measured_ce = any(p.coulombic_efficiency is not None for p in points)
    controls = getattr(results, "controls", None)
    has_proton = controls is not None and "proton-only" in controls.electrodes
    rows = [
        {"input": "parasitic fraction", "source": "typed" if led.parasitic_fraction is not None
         else ("measured" if measured_ce else "none"),
         "detail": (f"ledger.parasitic_fraction = {led.parasitic_fraction:g}" if led.parasitic_fraction is not None
                    else "1 − CE of each rate step")},
        {"input": "proton fraction", "source": "typed" if (led.proton_fraction or led.proton_fraction_sigma) else "none",
         "detail": f"ledger.proton_fraction = {led.proton_fraction:g} ± {led.proton_fraction_sigma:g}"
                   + ("; a proton-only cell measures it: see the ledger from controls" if has_proton else "")},
        {"input": "capacitive fraction", "source": "measured" if results.cv is not None else "none",
         "detail": "Dunn i = k₁v + k₂v^½ on the CV set" if results.cv is not None else "no CV set"},
        {"input": "capacity per rate", "source": "measured",
         "detail": f"galvanostatic files; σ adds the typed ledger.capacity_relative_sigma = {led.capacity_relative_sigma:g}"},
        {"input": "bulk limit", "source": "computed",
         "detail": f"n F/(3.6 M) of {m.material.active_formula} with {m.material.electrons_per_formula:g} e⁻ (typed)"},
        {"input": "interface limit", "source": "computed" if results.ledger is not None else "none",
         "detail": results.ledger.limits.interface_source if results.ledger is not None else "no ledger"},
        {"input": "substrate share", "source": "none",
         "detail": "not in the estimate ledger" + ("; measured by the bare-substrate control, see the ledger "
                                                   "from controls" if controls is not None else
                                                   " (needs a bare-substrate control)")},
    ]
    return rows
