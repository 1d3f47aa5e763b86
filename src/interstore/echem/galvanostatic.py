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
from .capacity_check import CapacityCheck, check_capacity, counter_charge_mAh
from ..results import Result, rate, sig
from .energy_power import RagonePoint, ragone_points
from .record import Measurement

CE_CONVENTIONS = {
    "discharge/charge": "coulombic efficiency = discharge capacity / charge capacity of the same cycle × 100 %",
    "charge/discharge": "coulombic efficiency = charge capacity / discharge capacity of the same cycle × 100 %",
}
CYCLE_SOURCES = ("auto", "file", "discharge")
CAPACITY_SOURCES = ("integrated", "instrument")
CONSTANT_CURRENT_TOLERANCE = 0.05  # |I| within ±5 % of its half-cycle median counts as held constant
MIN_CONSTANT_FRACTION = 0.5        # below this share of constant-current rows the file is not galvanostatic
CURVE_POINTS = 400  # points kept per half-cycle curve in to_dict()
BLIP_ROWS = 5  # a segment this long at a strong current is a half-cycle, however little charge it passes
BLIP_CURRENT_SHARE = 0.1
UNFINISHED_FRACTION = 0.9  # a last half-cycle cut by the end of the file below this share of its kind's median


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
    coulombic_efficiency_pct: float  # NaN unless both half-cycles are present and the cycle is complete
    complete: bool = True  # False: the file ends during this cycle's last half-cycle (see unfinished_half)


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


@dataclass(frozen=True, eq=False, repr=False)
class CyclingAnalysis(Result):
    """Result of :func:`analyze_cycling`; :meth:`to_dict` gives the JSON form (units in keys)."""

    source: str
    masses: ElectrodeMasses
    ce_convention: str
    cycles: tuple[CycleResult, ...]
    rate_steps: tuple[RateStep, ...]
    ragone: tuple[RagonePoint, ...] = field(default=())
    settings: dict = field(default_factory=dict)  # detection parameters, for reproducibility
    capacity_check: CapacityCheck | None = None  # ∫I dt against the file's own capacity column
    warnings: tuple[str, ...] = ()

    def headline(self) -> str:
        """Cycles, rate steps, first discharge capacity (active basis) with its rate, last CE."""
        first = next((c for c in self.cycles if c.discharge is not None), None)
        if first is None:
            return f"{len(self.cycles)} cycles, no discharge"
        m = self.masses
        ces = [c.coulombic_efficiency_pct for c in self.cycles if np.isfinite(c.coulombic_efficiency_pct)]
        return (f"{len(self.cycles)} cycles, {len(self.rate_steps)} rate step(s); first discharge "
                f"{sig(first.discharge.capacity_mAh / m.active_g)} mAh g⁻¹ on {m.label('active')} at "
                f"{rate(first.discharge.current_A / m.active_g)} A g⁻¹; "
                f"last CE {sig(ces[-1]) + ' %' if ces else 'n/a'}")

    def to_frame(self, table: str = "cycles"):
        """``"cycles"``: one row per cycle; ``"rate_steps"``: one row per rate step.  Values on every
        mass basis get the basis after the unit, e.g. ``discharge_capacity_mAh_g_active``."""
        import pandas as pd

        if table not in ("cycles", "rate_steps"):
            raise InputError("parameter 'table'", f"got {table!r}", expected="cycles | rate_steps")
        records = self.to_dict()[table]
        per_basis = {k for r in records for k, v in r.items() if isinstance(v, dict)}  # None: no such half-cycle
        rows = []
        for row in records:
            flat = {}
            for key, value in row.items():
                if key in per_basis:
                    flat.update({f"{key}_{b}": None if value is None else value[b] for b in BASES})
                else:
                    flat[key] = value
            rows.append(flat)
        return pd.DataFrame(rows)

    def plot(self, ax=None):
        """Discharge and charge capacity (active basis) against cycle number; returns the Axes."""
        from ..plotting import new_axes
        from .plots_cycling import draw_capacity

        return draw_capacity(new_axes(ax), self)

    def to_dict(self) -> dict:
        """JSON-ready results; missing or undefined values (no charge in a cycle, ...) are None."""
        m = self.masses

        def spec(x: float) -> dict | None:
            return m.specific(x) if np.isfinite(x) else None

        def half(h: HalfCycle | None, key: str) -> dict | None:
            if h is None:
                return None
            return spec(getattr(h, key))

        def areal(h: HalfCycle | None, key: str) -> float | None:
            return None if h is None or not np.isfinite(getattr(h, key)) else m.areal(getattr(h, key))

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
                "current_density_mA_cm2": m.areal(1e3 * (d or ch).current_A),
                "discharge_capacity_mAh_g": half(d, "capacity_mAh"),
                "discharge_capacity_mAh_cm2": areal(d, "capacity_mAh"),
                "charge_capacity_mAh_cm2": areal(ch, "capacity_mAh"),
                "energy_mWh_cm2": areal(d, "energy_mWh"),
                "charge_capacity_mAh_g": half(ch, "capacity_mAh"),
                "coulombic_efficiency_pct": _finite(c.coulombic_efficiency_pct),
                "complete": c.complete,
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
            "current_density_mA_cm2": m.areal(1e3 * s.current_A),
            "discharge_capacity_mAh_g": spec(s.discharge_capacity_mAh),
            "discharge_capacity_mAh_cm2": m.areal(s.discharge_capacity_mAh),
            "energy_mWh_cm2": m.areal(s.discharge_energy_mWh),
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
                    "capacity_mAh_g": m.specific(h.capacity_curve_mAh[keep]),
                    "potential_V": h.potential_V[keep],
                })
        return {
            "source": self.source,
            "settings": self.settings,
            "warnings": list(self.warnings),
            "sign_convention": "discharge = negative current (Zn2+ insertion), charge = positive current",
            "coulombic_efficiency_convention": CE_CONVENTIONS[self.ce_convention],
            "mass_basis": {b: {"label": m.label(b), "mass_mg": 1000.0 * m.mass_g(b),
                               "loading_mg_cm2": m.loading_mg_cm2(b)} for b in BASES},
            "areal_basis": m.areal_dict(),
            "cycles": cycles,
            "rate_steps": steps,
            "ragone": [{"basis": p.basis, "basis_label": p.basis_label, "current_A": p.current_A,
                        "energy_Wh_kg": p.energy_Wh_kg, "power_W_kg": p.power_W_kg} for p in self.ragone],
            "curves": curves,
            "capacity_check": None if self.capacity_check is None else self.capacity_check.to_dict(),
            "warnings": list(self.warnings),
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
    """Remove blips, segments passing less than ``min_fraction`` of the largest segment's
    charge (∫|I|dt) that are also brief (fewer than :data:`BLIP_ROWS` rows) or weak (median |I|
    below :data:`BLIP_CURRENT_SHARE` of the largest |I|), and join the neighbours of one kind
    that they separated.  Short half-cycles at the full test current (the seconds-long
    high-rate cycles of a rate test) are kept."""
    charge = [abs(float(trapezoid(current_A[a:b + 1], time_s[a:b + 1]))) for _, a, b in segments]
    if not charge:
        return []
    strong = BLIP_CURRENT_SHARE * float(np.max(np.abs(current_A)))
    keep = [seg for seg, q in zip(segments, charge) if q > min_fraction * max(charge)
            or (seg[2] - seg[1] + 1 >= BLIP_ROWS and np.median(np.abs(current_A[seg[1]:seg[2] + 1])) >= strong)]
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


def unfinished_half(segments: list[tuple[str, int, int]], capacities_mAh: list[float], currents_A: list[float],
                    n_rows: int, fraction: float = UNFINISHED_FRACTION, rel_tol: float = 0.05) -> bool:
    """True when the file ends during its last half-cycle (its last segment reaches the last
    row) and that half-cycle holds less than ``fraction`` of the median capacity of the
    earlier half-cycles of its kind at the same current (within ``rel_tol``): the record
    stopped mid-step, so that cycle's CE and capacity are not a cycle's.  Without such an
    earlier half-cycle nothing can be told and nothing is flagged."""
    if not segments or segments[-1][2] != n_rows - 1:
        return False
    kind, current = segments[-1][0], currents_A[-1]
    earlier = [q for (k, _, _), q, i in zip(segments[:-1], capacities_mAh[:-1], currents_A[:-1])
               if k == kind and abs(i - current) <= rel_tol * current]
    return bool(earlier) and capacities_mAh[-1] < fraction * float(np.median(earlier))


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
    otherwise a new cycle starts at every discharge (the first half-cycle opens cycle 1).

    A file cycle holding more than one alternation (Neware counts a rate-test loop inside
    one 'Cycle Index': discharge, charge, discharge, charge) is split where the kind that
    opened it comes back after the other kind; the cycles are then renumbered 1, 2, …
    (see :func:`split_file_cycles`)."""
    if use_file:
        return split_file_cycles(kinds, file_cycles)
    out, n = [], 1
    for i, kind in enumerate(kinds):
        if i > 0 and kind == "discharge":
            n += 1
        out.append(n)
    return out


def split_file_cycles(kinds: list[str], file_cycles: list[int]) -> list[int]:
    """The file's cycle numbers, unchanged unless a file cycle repeats its opening kind after
    the other kind; then every cycle is renumbered in order of appearance (1, 2, …)."""
    out, n, opened, previous, split = [], 0, None, None, False
    for i, (kind, fc) in enumerate(zip(kinds, file_cycles)):
        if i == 0 or fc != file_cycles[i - 1]:
            n, opened = n + 1, kind
        elif kind == opened and previous != kind:
            n, split = n + 1, True
        out.append(n)
        previous = kind
    return out if split else list(file_cycles)


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
                    cycles_from: str = "auto", capacity_from: str = "integrated") -> CyclingAnalysis:
    """Capacity, CE, energy and average voltage per cycle and per rate step (see module doc).

    Q = ∫|I| dt / 3.6 (mAh), E = ∫V·|I| dt / 3.6 (mWh), V̄ = E/Q (V); specific values divide by
    each basis mass of ``masses``.

    Parameters
    ----------
    measurement : Measurement
        Galvanostatic charge/discharge record (current in A, discharge negative).
    masses : ElectrodeMasses
        Active, substrate and binder/additive masses (g): the three mass bases.
    ce_convention : {"discharge/charge", "charge/discharge"}
        Coulombic efficiency = first / second capacity of the same cycle × 100 %.
    rest_current_A : float, optional
        |I| (A) at or below this counts as rest (default 10⁻³ × max |I|).
    rate_tolerance : float
        Relative change of |I| that starts a new rate step.
    min_fraction : float
        Half-cycles passing less charge than this fraction of the largest one (noise spikes,
        current-switching transients) are dropped and their neighbours rejoined.
    cycles_from : {"auto", "file", "discharge"}
        ``file``: the cycle column; ``discharge``: a new cycle at every discharge; ``auto``: the
        file's numbering when it has more than one cycle, else ``discharge``.
    capacity_from : {"integrated", "instrument"}
        ``integrated``: Q = ∫|I|dt/3.6 of the logged points; ``instrument``: the cycler's own
        counter over each half-cycle's steps, for files whose logging does not resolve the
        current (e.g. short pulses); energy is then E = V̄·Q with V̄ from the logged points.

    Returns
    -------
    CyclingAnalysis
        Per cycle and per rate step; ``to_frame()`` gives mAh g⁻¹, Wh kg⁻¹ and % on every basis.
    """
    if capacity_from not in CAPACITY_SOURCES:
        raise InputError("capacity source", f"got {capacity_from!r}", expected=" | ".join(CAPACITY_SOURCES))
    if capacity_from == "instrument" and "capacity_mAh" not in measurement.data.columns:
        raise InputError(measurement.source, "no capacity column of the instrument's own",
                         expected="a file with the cycler's capacity counter, or capacities integrated from the "
                                  "current (--capacity-from integrated)")
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
    warnings: list[str] = []
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
        if capacity_from == "instrument" and q[-1] > 0:  # the counter's charge; ∫V|I|dt scaled alike (V̄ kept)
            scale = counter_charge_mAh(measurement, a, b) / q[-1]
            q, e = q * scale, e * scale
        halves.setdefault((cyc, kind), []).append(HalfCycle(
            kind, cyc, float(np.median(np.abs(i[a:b + 1]))), float(q[-1]), e, float(t[b] - t[a]),
            q, v[a:b + 1].copy()))
    file_numbers = [int(file_cycle[s[1]]) for s in segments]
    if cycles_of != file_numbers and len(set(file_numbers)) > 1:
        warnings.append("a cycle of the file's cycle column holds more than one discharge-charge alternation "
                        "(a rate-test loop inside one cycle index); it is split and the cycles renumbered 1-"
                        f"{max(cycles_of)}")
    segment_mAh = [float(trapezoid(np.abs(i[a:b + 1]), t[a:b + 1]) / 3.6) for _, a, b in segments]
    segment_A = [float(np.median(np.abs(i[a:b + 1]))) for _, a, b in segments]
    cut = cycles_of[-1] if unfinished_half(segments, segment_mAh, segment_A, t.size, rel_tol=rate_tolerance) else None
    if cut is not None:
        warnings.append(f"cycle {cut} is unfinished: the file ends during its {segments[-1][0]} "
                        f"(rows {segments[-1][1] + 1}-{t.size}); its coulombic efficiency is not reported and it "
                        "is left out of the rate-step means")
    numbers = sorted({c for c, _ in halves})
    merged = {k: _merge(p) for k, p in halves.items()}
    currents = [(merged.get((c, "discharge")) or merged[(c, "charge")]).current_A for c in numbers]
    step_of = detect_rate_steps(currents, rate_tolerance)
    cycles = []
    for c, s in zip(numbers, step_of):
        d, ch = merged.get((c, "discharge")), merged.get((c, "charge"))
        ce = float("nan") if c == cut else coulombic_efficiency_pct(d, ch, ce_convention)
        cycles.append(CycleResult(c, d, ch, int(s), ce, complete=c != cut))
    steps = []
    for s in np.unique(step_of):
        members = [c for c in cycles if c.rate_step == s and c.complete] or [c for c in cycles if c.rate_step == s]
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
                "cycles_from": cycles_from, "capacity_from": capacity_from}
    check = check_capacity(measurement)
    warnings += [] if check is None else check.warnings()
    return CyclingAnalysis(measurement.source, masses, ce_convention, tuple(cycles), tuple(steps),
                          tuple(ragone), settings, check, tuple(warnings))
