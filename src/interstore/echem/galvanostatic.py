"""Galvanostatic cycling: capacity, Coulombic efficiency, energy and average voltage per cycle
and per rate step, on every mass basis.

Sign convention (Zn half-cell, V-oxide cathode): discharge = negative current (Zn²⁺ insertion),
charge = positive current.  For one half-cycle (a maximal run of one current sign, rests
inside it included):

    Q = ∫|I| dt / 3.6          mAh    (I in A, t in s)
    E = ∫V·|I| dt / 3.6        mWh
    V̄ = E / Q                  V      (average voltage)
    CE = Q_discharge / Q_charge × 100 %  (or the inverse; see :data:`CE_CONVENTIONS`)

Rate steps are runs of consecutive cycles whose discharge current magnitude stays within a
relative tolerance of the step's first cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import trapezoid

from ..errors import InputError, require_positive
from ..massbasis import BASES, ElectrodeMasses
from .energy_power import RagonePoint, ragone_points
from .record import Measurement

CE_CONVENTIONS = {
    "discharge/charge": "coulombic efficiency = discharge capacity / charge capacity of the same cycle × 100 %",
    "charge/discharge": "coulombic efficiency = charge capacity / discharge capacity of the same cycle × 100 %",
}
CYCLE_SOURCES = ("auto", "file", "discharge")
CONSTANT_CURRENT_TOLERANCE = 0.05  # |I| within ±5 % of its half-cycle median counts as held constant
MIN_CONSTANT_FRACTION = 0.5        # below this share of constant-current rows the file is not galvanostatic
CURVE_POINTS = 400  # points kept per half-cycle curve in to_dict()


@dataclass(frozen=True, eq=False)
class HalfCycle:
    """One discharge or charge: integrals plus the curve (capacity in mAh vs potential in V)."""

    kind: str  # "discharge" | "charge"
    cycle: int
    current_A: float  # median |I| over the half-cycle, A
    capacity_mAh: float
    energy_mWh: float
    duration_s: float
    capacity_curve_mAh: np.ndarray
    potential_V: np.ndarray

    @property
    def average_voltage_V(self) -> float:
        """V̄ = E/Q, V."""
        return self.energy_mWh / self.capacity_mAh if self.capacity_mAh > 0 else float("nan")


@dataclass(frozen=True, eq=False)
class CycleResult:
    cycle: int
    discharge: HalfCycle | None
    charge: HalfCycle | None
    rate_step: int
    coulombic_efficiency_pct: float  # NaN unless both half-cycles are present


@dataclass(frozen=True, eq=False)
class RateStep:
    """Consecutive cycles at one current: means of their discharges."""

    rate_step: int
    cycles: tuple[int, ...]
    current_A: float
    discharge_capacity_mAh: float
    discharge_energy_mWh: float
    discharge_duration_s: float
    coulombic_efficiency_pct: float


@dataclass(frozen=True, eq=False)
class CyclingAnalysis:
    """Result of :func:`analyze_cycling`; :meth:`to_dict` gives the JSON form (units in keys)."""

    source: str
    masses: ElectrodeMasses
    ce_convention: str
    cycles: tuple[CycleResult, ...]
    rate_steps: tuple[RateStep, ...]
    ragone: tuple[RagonePoint, ...] = field(default=())
    settings: dict = field(default_factory=dict)  # detection parameters, for reproducibility
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """JSON-ready results; missing or undefined values (no charge in a cycle, ...) are None."""
        m = self.masses

        def spec(x: float) -> dict | None:
            return m.specific(x) if np.isfinite(x) else None

        def half(h: HalfCycle | None, key: str) -> dict | None:
            if h is None:
                return None
            return spec(getattr(h, key))

        retention = capacity_retention_pct(
            [c.discharge.capacity_mAh if c.discharge else np.nan for c in self.cycles],
            [c.rate_step for c in self.cycles])
        cycles = []
        for c, kept in zip(self.cycles, retention):
            d, ch = c.discharge, c.charge
            cycles.append({
                "cycle": c.cycle,
                "rate_step": c.rate_step,
                "current_A": (d or ch).current_A,
                "current_density_A_g": spec((d or ch).current_A),
                "discharge_capacity_mAh_g": half(d, "capacity_mAh"),
                "charge_capacity_mAh_g": half(ch, "capacity_mAh"),
                "coulombic_efficiency_pct": _finite(c.coulombic_efficiency_pct),
                "capacity_retention_pct": _finite(kept),
                "energy_Wh_kg": half(d, "energy_mWh"),
                "charge_energy_Wh_kg": half(ch, "energy_mWh"),
                "energy_efficiency_pct": (100.0 * d.energy_mWh / ch.energy_mWh
                                          if d is not None and ch is not None and ch.energy_mWh > 0
                                          else None),
                "average_voltage_V": _finite(d.average_voltage_V) if d is not None else None,
                "charge_average_voltage_V": _finite(ch.average_voltage_V) if ch is not None else None,
                "discharge_duration_s": d.duration_s if d is not None else None,
            })
        steps = [{
            "rate_step": s.rate_step,
            "cycles": list(s.cycles),
            "current_A": s.current_A,
            "current_density_A_g": spec(s.current_A),
            "discharge_capacity_mAh_g": spec(s.discharge_capacity_mAh),
            "coulombic_efficiency_pct": _finite(s.coulombic_efficiency_pct),
            "energy_Wh_kg": spec(s.discharge_energy_mWh),
            "average_voltage_V": _finite(s.discharge_energy_mWh / s.discharge_capacity_mAh)
            if s.discharge_capacity_mAh > 0 else None,
        } for s in self.rate_steps]
        curves = []
        for c in self.cycles:
            for h in (c.discharge, c.charge):
                if h is None:
                    continue
                keep = _decimate(h.capacity_curve_mAh.size, CURVE_POINTS)
                curves.append({
                    "cycle": c.cycle, "kind": h.kind,
                    "capacity_mAh_g": {b: h.capacity_curve_mAh[keep] / m.mass_g(b) for b in BASES},
                    "potential_V": h.potential_V[keep],
                })
        return {
            "source": self.source,
            "settings": self.settings,
            "warnings": list(self.warnings),
            "sign_convention": "discharge = negative current (Zn2+ insertion), charge = positive current",
            "coulombic_efficiency_convention": CE_CONVENTIONS[self.ce_convention],
            "mass_basis": {b: {"label": m.label(b), "mass_mg": 1000.0 * m.mass_g(b)} for b in BASES},
            "cycles": cycles,
            "rate_steps": steps,
            "ragone": [{"basis": p.basis, "basis_label": p.basis_label, "current_A": p.current_A,
                        "energy_Wh_kg": p.energy_Wh_kg, "power_W_kg": p.power_W_kg} for p in self.ragone],
            "curves": curves,
        }


def coulombic_efficiency_pct(discharge: HalfCycle | None, charge: HalfCycle | None, convention: str) -> float:
    """CE in % of one cycle under ``convention`` (a key of :data:`CE_CONVENTIONS`); NaN if a half is missing."""
    if discharge is None or charge is None or min(discharge.capacity_mAh, charge.capacity_mAh) <= 0:
        return float("nan")
    d, c = discharge.capacity_mAh, charge.capacity_mAh
    return 100.0 * (d / c if convention == "discharge/charge" else c / d)


def capacity_retention_pct(discharge_mAh, rate_step) -> np.ndarray:
    """Q_dis / Q_dis(first cycle with a discharge in the same rate step) × 100 %; NaN without a discharge."""
    q = np.asarray(discharge_mAh, float)
    steps = np.asarray(rate_step)
    out = np.full(q.size, np.nan)
    for s in np.unique(steps):
        member = steps == s
        with_q = np.flatnonzero(member & np.isfinite(q))
        if with_q.size and q[with_q[0]] > 0:
            out[member] = 100.0 * q[member] / q[with_q[0]]
    return out


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _decimate(n: int, most: int) -> np.ndarray:
    """Indices of at most ``most`` evenly spread points out of ``n`` (first and last kept)."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, most).round().astype(int))


def segment_half_cycles(current_A: np.ndarray, rest_current_A: float) -> list[tuple[str, int, int]]:
    """Split a current trace into half-cycles ``(kind, first, last)`` (inclusive indices).

    A half-cycle runs from the first point whose |I| exceeds ``rest_current_A`` with one sign
    to the last such point before the opposite sign appears; rests inside it are included.
    Negative current = discharge."""
    sign = np.where(current_A > rest_current_A, 1, np.where(current_A < -rest_current_A, -1, 0))
    active = np.flatnonzero(sign)
    if active.size == 0:
        return []
    signs = sign[active]
    breaks = np.flatnonzero(np.diff(signs) != 0) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks - 1, [active.size - 1]))
    return [("discharge" if signs[s] < 0 else "charge", int(active[s]), int(active[e]))
            for s, e in zip(starts, ends)]


def constant_current_fraction(current_A: np.ndarray, segments: list[tuple[str, int, int]]) -> float:
    """Share of the half-cycles' rows whose |I| lies within ``CONSTANT_CURRENT_TOLERANCE`` of the
    half-cycle's median |I|: about 1 for galvanostatic steps (less with a CV hold at the end of
    charge), low for a cyclic voltammogram, whose current follows the sweep."""
    held = total = 0
    for _, a, b in segments:
        mag = np.abs(current_A[a:b + 1])
        held += int(np.sum(np.abs(mag / np.median(mag) - 1.0) <= CONSTANT_CURRENT_TOLERANCE))
        total += mag.size
    return held / total if total else 0.0


def drop_blips(segments: list[tuple[str, int, int]], time_s: np.ndarray, current_A: np.ndarray,
               min_fraction: float) -> list[tuple[str, int, int]]:
    """Remove segments passing less than ``min_fraction`` of the largest segment's charge
    (∫|I|dt) and join the neighbours of one kind that they separated."""
    charge = [abs(float(trapezoid(current_A[a:b + 1], time_s[a:b + 1]))) for _, a, b in segments]
    if not charge:
        return []
    keep = [seg for seg, q in zip(segments, charge) if q > min_fraction * max(charge)]
    joined: list[tuple[str, int, int]] = []
    for kind, a, b in keep:
        if joined and joined[-1][0] == kind:
            joined[-1] = (kind, joined[-1][1], b)
        else:
            joined.append((kind, a, b))
    return joined


def half_cycle_integrals(time_s: np.ndarray, potential_V: np.ndarray, current_A: np.ndarray
                         ) -> tuple[np.ndarray, float]:
    """Cumulative capacity Q(t) = ∫|I|dt/3.6 (mAh) and energy E = ∫V|I|dt/3.6 (mWh), trapezoidal."""
    from scipy.integrate import cumulative_trapezoid

    absI = np.abs(current_A)
    q = cumulative_trapezoid(absI, time_s, initial=0.0) / 3.6
    return q, float(trapezoid(potential_V * absI, time_s) / 3.6)


def detect_rate_steps(currents_A, rel_tol: float = 0.05) -> np.ndarray:
    """Rate-step number (from 1) for each cycle: a new step starts when |I| leaves
    ±``rel_tol`` of the current step's first cycle."""
    currents = np.abs(np.asarray(currents_A, float))
    steps = np.ones(currents.size, int)
    ref = currents[0] if currents.size else 0.0
    for i in range(1, currents.size):
        if abs(currents[i] - ref) > rel_tol * ref:
            ref = currents[i]
            steps[i] = steps[i - 1] + 1
        else:
            steps[i] = steps[i - 1]
    return steps


def _assign_cycles(kinds: list[str], file_cycles: list[int], use_file: bool) -> list[int]:
    """Cycle number per half-cycle: the file's cycle column if it numbers several cycles,
    otherwise a new cycle starts at every discharge (the first half-cycle opens cycle 1)."""
    if use_file:
        return list(file_cycles)
    out, n = [], 1
    for i, kind in enumerate(kinds):
        if i > 0 and kind == "discharge":
            n += 1
        out.append(n)
    return out


def _merge(parts: list[HalfCycle]) -> HalfCycle:
    """Join half-cycles of the same kind within one cycle (capacity curves chained)."""
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0.0] + [p.capacity_mAh for p in parts[:-1]])
    return HalfCycle(
        parts[0].kind, parts[0].cycle, float(np.median([p.current_A for p in parts])),
        float(sum(p.capacity_mAh for p in parts)), float(sum(p.energy_mWh for p in parts)),
        float(sum(p.duration_s for p in parts)),
        np.concatenate([p.capacity_curve_mAh + o for p, o in zip(parts, offsets)]),
        np.concatenate([p.potential_V for p in parts]))


def analyze_cycling(measurement: Measurement, masses: ElectrodeMasses, *,
                    ce_convention: str = "discharge/charge", rest_current_A: float | None = None,
                    rate_tolerance: float = 0.05, min_fraction: float = 0.01,
                    cycles_from: str = "auto") -> CyclingAnalysis:
    """Capacity, CE, energy and average voltage per cycle and per rate step (see module doc).

    ``rest_current_A``: |I| at or below this counts as rest (default 10⁻³ × max |I|).
    ``min_fraction``: half-cycles passing less charge than this fraction of the largest one
    (noise spikes, current switching transients) are dropped and their neighbours rejoined.
    ``cycles_from``: ``file`` (the cycle column), ``discharge`` (a new cycle at every discharge) or
    ``auto`` (the file's numbering when it has more than one cycle, else ``discharge``)."""
    if cycles_from not in CYCLE_SOURCES:
        raise InputError("cycle numbering", f"got {cycles_from!r}", expected=" | ".join(CYCLE_SOURCES))
    if ce_convention not in CE_CONVENTIONS:
        raise InputError("coulombic efficiency convention", f"got {ce_convention!r}",
                         expected=" or ".join(CE_CONVENTIONS))
    if not 0 <= min_fraction < 1:
        raise InputError("parameter 'min_fraction'", f"got {min_fraction!r}", expected="0 <= fraction < 1")
    if not 0 < rate_tolerance < 1:
        raise InputError("parameter 'rate_tolerance'", f"got {rate_tolerance!r}", expected="0 < tolerance < 1")
    t, v, i = measurement.time_s, measurement.potential_V, measurement.current_A
    imax = float(np.max(np.abs(i)))
    if imax == 0:
        raise InputError(measurement.source, "current is zero everywhere",
                         expected="galvanostatic charge/discharge data with non-zero current")
    rest = 1e-3 * imax if rest_current_A is None else require_positive("rest current (A)", rest_current_A)
    segments = drop_blips(segment_half_cycles(i, rest), t, i, min_fraction)
    if not segments:
        raise InputError(measurement.source, "no charge or discharge segment lasting > 0 s",
                         expected="galvanostatic data with at least one current step")
    technique = measurement.technique or ""
    if "voltam" in technique.lower() or technique.upper() == "CV":
        raise InputError(measurement.source, f"the file records the technique '{technique}'",
                         expected="galvanostatic charge/discharge data (use 'interstore cv analyze' for CVs)")
    held = constant_current_fraction(i, segments)
    warnings = []
    if held < MIN_CONSTANT_FRACTION:
        warnings.append(f"{measurement.source}: the current is not held constant (only {100 * held:.0f} % of rows "
                        f"within ±{100 * CONSTANT_CURRENT_TOLERANCE:g} % of their step current): this looks like "
                        "a CV or a potentiostatic run; capacities and CE below assume constant-current steps")
    file_cycle = measurement.cycle
    cycles_of = _assign_cycles([s[0] for s in segments], [int(file_cycle[s[1]]) for s in segments],
                               use_file=cycles_from == "file"
                               or (cycles_from == "auto" and np.unique(file_cycle).size > 1))
    halves: dict[tuple[int, str], list[HalfCycle]] = {}
    for (kind, a, b), cyc in zip(segments, cycles_of):
        q, e = half_cycle_integrals(t[a:b + 1], v[a:b + 1], i[a:b + 1])
        halves.setdefault((cyc, kind), []).append(HalfCycle(
            kind, cyc, float(np.median(np.abs(i[a:b + 1]))), float(q[-1]), e, float(t[b] - t[a]),
            q, v[a:b + 1].copy()))
    numbers = sorted({c for c, _ in halves})
    merged = {k: _merge(p) for k, p in halves.items()}
    currents = [(merged.get((c, "discharge")) or merged[(c, "charge")]).current_A for c in numbers]
    step_of = detect_rate_steps(currents, rate_tolerance)
    cycles = []
    for c, s in zip(numbers, step_of):
        d, ch = merged.get((c, "discharge")), merged.get((c, "charge"))
        cycles.append(CycleResult(c, d, ch, int(s), coulombic_efficiency_pct(d, ch, ce_convention)))
    steps = []
    for s in np.unique(step_of):
        members = [c for c in cycles if c.rate_step == s]
        dis = [c.discharge for c in members if c.discharge is not None]
        ce = [c.coulombic_efficiency_pct for c in members if np.isfinite(c.coulombic_efficiency_pct)]
        steps.append(RateStep(
            int(s), tuple(c.cycle for c in members),
            float(np.median([(c.discharge or c.charge).current_A for c in members])),
            float(np.mean([h.capacity_mAh for h in dis])) if dis else float("nan"),
            float(np.mean([h.energy_mWh for h in dis])) if dis else float("nan"),
            float(np.mean([h.duration_s for h in dis])) if dis else float("nan"),
            float(np.mean(ce)) if ce else float("nan")))
    with_dis = [s for s in steps if np.isfinite(s.discharge_energy_mWh) and s.discharge_duration_s > 0]
    ragone = ragone_points([s.discharge_energy_mWh / 1000.0 for s in with_dis],
                           [s.discharge_duration_s for s in with_dis],
                           [s.current_A for s in with_dis], masses) if with_dis else []
    settings = {"rest_current_A": rest, "min_fraction": min_fraction, "rate_tolerance": rate_tolerance,
                "cycles_from": cycles_from}
    return CyclingAnalysis(measurement.source, masses, ce_convention, tuple(cycles), tuple(steps),
                          tuple(ragone), settings, tuple(warnings))
