"""Differential capacity dQ/dV and differential voltage dV/dQ per half-cycle, their peaks, and
capacity retention / Coulombic efficiency over cycles with the fade rate.

Smoothing (stated in every result, see :class:`DifferentialSettings`), the capacity-interpolated
Savitzky–Golay route of cellpy's ICA and navani:

1. the half-cycle curve V(Q) is resampled on a uniform capacity grid of ``points`` points;
2. V(Q) is smoothed by a Savitzky–Golay filter (``scipy.signal.savgol_filter``, polynomial order
   ``polyorder``, window ``window_fraction`` of the points); dV/dQ is that filter's first derivative;
3. the smoothed V(Q) is made monotonic (running max for a charge, running min for a discharge)
   and inverted onto a uniform potential grid of spacing ``step_V``: Q(V);
4. dQ/dV = d Q(V)/dV, again a Savitzky–Golay derivative over ``window_V``.

dQ/dV is reported as a magnitude (mAh V⁻¹, positive for charge and discharge), so a plateau at
V₀ of capacity ΔQ appears as a peak at V₀ of area ΔQ.  Peaks are ``scipy.signal.find_peaks``
maxima with a prominence ≥ ``min_prominence`` × the curve's maximum; a peak's area is
∫ dQ/dV dV between the minima that bound it (mAh).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import InputError
from .galvanostatic import CyclingAnalysis, HalfCycle


@dataclass(frozen=True)
class DifferentialSettings:
    """Smoothing and peak-detection parameters (see module docstring)."""

    points: int = 1000             # uniform capacity grid, points per half-cycle
    window_fraction: float = 0.02  # Savitzky–Golay window on the capacity grid, fraction of the points
    step_V: float = 0.002          # potential grid spacing, V
    window_V: float = 0.02         # Savitzky–Golay window on the potential grid, V
    polyorder: int = 3             # Savitzky–Golay polynomial order
    min_prominence: float = 0.05   # peak prominence, fraction of max dQ/dV

    def __post_init__(self) -> None:
        checks = (("points", self.points >= 20, "an integer >= 20"),
                  ("window_fraction", 0 < self.window_fraction < 0.5, "0 < fraction < 0.5"),
                  ("step_V", 0 < self.step_V <= 0.1, "0 < step <= 0.1 V"),
                  ("window_V", self.window_V >= 2 * self.step_V, "a window >= 2 × step_V"),
                  ("polyorder", 1 <= self.polyorder <= 5, "an integer 1-5"),
                  ("min_prominence", 0 < self.min_prominence < 1, "0 < fraction < 1"))
        for name, ok, expected in checks:
            if not ok:
                raise InputError(f"parameter '{name}'", f"got {getattr(self, name)!r}", expected=expected)

    @property
    def method(self) -> str:
        return (f"Savitzky–Golay (order {self.polyorder}) on V(Q) resampled to {self.points} points "
                f"(window {100 * self.window_fraction:g} % of Q), then on Q(V) over {1e3 * self.window_V:g} mV "
                f"windows on a {1e3 * self.step_V:g} mV grid (capacity-interpolated, as cellpy ICA / navani)")


@dataclass(frozen=True)
class Peak:
    """One dQ/dV maximum: position (V), height (mAh V⁻¹), area between its bounding minima (mAh)."""

    potential_V: float
    height_mAh_V: float
    area_mAh: float
    left_V: float
    right_V: float


@dataclass(frozen=True, eq=False)
class DifferentialCurve:
    """dQ/dV on a potential grid and dV/dQ on a capacity grid for one half-cycle."""

    cycle: int
    kind: str
    potential_V: np.ndarray        # uniform grid, ascending
    dqdv_mAh_V: np.ndarray         # |dQ/dV| on that grid
    capacity_mAh: np.ndarray       # uniform capacity grid
    dvdq_V_mAh: np.ndarray         # dV/dQ on the capacity grid (sign of the potential change)
    peaks: tuple[Peak, ...]

    def on_grid(self, grid_V: np.ndarray) -> np.ndarray:
        """dQ/dV (mAh V⁻¹) interpolated onto ``grid_V``; 0 outside the half-cycle's potential range."""
        return np.interp(grid_V, self.potential_V, self.dqdv_mAh_V, left=0.0, right=0.0)


def _savgol(y: np.ndarray, window: int, polyorder: int, deriv: int = 0, delta: float = 1.0) -> np.ndarray:
    from scipy.signal import savgol_filter

    window = max(window | 1, polyorder + 2 | 1)  # odd, longer than the polynomial
    if window > y.size:
        window = y.size if y.size % 2 else y.size - 1
    if window <= polyorder:
        return np.gradient(y, delta) if deriv else y.copy()
    return savgol_filter(y, window, polyorder, deriv=deriv, delta=delta, mode="interp")


def find_dqdv_peaks(potential_V: np.ndarray, dqdv: np.ndarray, min_prominence: float) -> tuple[Peak, ...]:
    """Maxima of a dQ/dV curve with prominence ≥ ``min_prominence`` × max; area between the bounding minima."""
    from scipy.integrate import trapezoid
    from scipy.signal import find_peaks

    if dqdv.size < 3 or not np.any(dqdv > 0):
        return ()
    idx, props = find_peaks(dqdv, prominence=min_prominence * float(np.max(dqdv)))
    peaks = []
    for k, i in enumerate(idx):
        # bounding minima: lowest point between the peak and its prominence base, never past a neighbour
        lo = max(int(props["left_bases"][k]), int(idx[k - 1]) if k > 0 else 0)
        hi = min(int(props["right_bases"][k]), int(idx[k + 1]) if k + 1 < idx.size else dqdv.size - 1)
        lo += int(np.argmin(dqdv[lo:i + 1]))
        hi = i + int(np.argmin(dqdv[i:hi + 1]))
        area = float(trapezoid(dqdv[lo:hi + 1], potential_V[lo:hi + 1]))
        peaks.append(Peak(float(potential_V[i]), float(dqdv[i]), area, float(potential_V[lo]), float(potential_V[hi])))
    return tuple(peaks)


def differential_capacity(half: HalfCycle, settings: DifferentialSettings = DifferentialSettings()
                          ) -> DifferentialCurve:
    """dQ/dV and dV/dQ of one half-cycle (method in the module docstring)."""
    q, v = np.asarray(half.capacity_curve_mAh, float), np.asarray(half.potential_V, float)
    keep = np.isfinite(q) & np.isfinite(v)
    q, v = q[keep], v[keep]
    if q.size < 5 or q[-1] <= 0 or np.ptp(v) < 2 * settings.step_V:
        raise InputError(f"cycle {half.cycle} {half.kind}", "too few points or too small a potential range "
                         "for a differential capacity", expected=f"≥ 5 points spanning ≥ {2e3 * settings.step_V:g} mV")
    q, first = np.unique(q, return_index=True)  # capacity must increase for the resampling
    v = v[first]
    q_grid = np.linspace(0.0, q[-1], settings.points)
    v_q = _savgol(np.interp(q_grid, q, v), int(settings.window_fraction * settings.points), settings.polyorder)
    dq = q_grid[1] - q_grid[0]
    dvdq = _savgol(np.interp(q_grid, q, v), int(settings.window_fraction * settings.points),
                   settings.polyorder, deriv=1, delta=dq)
    rising = half.kind == "charge"
    mono = np.maximum.accumulate(v_q) if rising else np.minimum.accumulate(v_q)
    order = np.argsort(mono, kind="stable")
    v_sorted, q_sorted = mono[order], q_grid[order]
    v_sorted, first = np.unique(v_sorted, return_index=True)
    q_sorted = q_sorted[first]
    grid = np.arange(v_sorted[0], v_sorted[-1] + 0.5 * settings.step_V, settings.step_V)
    q_v = np.interp(grid, v_sorted, q_sorted)
    window = int(round(settings.window_V / settings.step_V))
    dqdv = np.abs(_savgol(q_v, window, settings.polyorder, deriv=1, delta=settings.step_V))
    return DifferentialCurve(half.cycle, half.kind, grid, dqdv, q_grid, dvdq,
                             find_dqdv_peaks(grid, dqdv, settings.min_prominence))


@dataclass(frozen=True, eq=False)
class CycleTrend:
    """Capacity retention and CE over cycles, with the fade rate fitted per rate step."""

    cycles: np.ndarray
    discharge_capacity_mAh: np.ndarray
    retention_pct: np.ndarray          # vs the first cycle with a discharge in the same rate step
    coulombic_efficiency_pct: np.ndarray
    rate_step: np.ndarray
    fade_pct_per_cycle: dict[int, float]  # slope of retention vs cycle per rate step (≥ 3 cycles), % per cycle


def cycle_trend(analysis: CyclingAnalysis) -> CycleTrend:
    """Retention (%), CE (%) per cycle and the fade rate: the least-squares slope of retention
    against cycle number in each rate step with ≥ 3 discharges, in % (of that step's first cycle) per cycle."""
    from .galvanostatic import capacity_retention_pct

    cycles = np.array([c.cycle for c in analysis.cycles])
    q = np.array([c.discharge.capacity_mAh if c.discharge else np.nan for c in analysis.cycles])
    steps = np.array([c.rate_step for c in analysis.cycles])
    kept = capacity_retention_pct(q, steps)
    fade = {}
    for s in np.unique(steps):
        ok = (steps == s) & np.isfinite(kept)
        if ok.sum() >= 3:
            fade[int(s)] = float(np.polyfit(cycles[ok], kept[ok], 1)[0])
    return CycleTrend(cycles, q, kept, np.array([c.coulombic_efficiency_pct for c in analysis.cycles]), steps, fade)


@dataclass(frozen=True, eq=False)
class DifferentialAnalysis:
    """dQ/dV of every selected half-cycle of one cycling analysis, plus the cycle trend."""

    cycling: CyclingAnalysis
    curves: tuple[DifferentialCurve, ...]
    trend: CycleTrend
    settings: DifferentialSettings = field(default_factory=DifferentialSettings)

    def to_dict(self) -> dict:
        """JSON form: curves and peaks in absolute units and per g on every mass basis."""
        m = self.cycling.masses
        t = self.trend

        def fin(x):
            return float(x) if np.isfinite(x) else None

        return {
            "source": self.cycling.source,
            "method": self.settings.method,
            "settings": asdict(self.settings),
            "dqdv_sign": "magnitude |dQ/dV| for charge and discharge",
            "mass_basis": m.describe(),
            "peaks": [{"cycle": c.cycle, "kind": c.kind, "potential_V": p.potential_V,
                       "height_mAh_V": p.height_mAh_V, "area_mAh": p.area_mAh,
                       "area_mAh_g": m.specific(p.area_mAh), "left_V": p.left_V, "right_V": p.right_V}
                      for c in self.curves for p in c.peaks],
            "curves": [{"cycle": c.cycle, "kind": c.kind, "potential_V": c.potential_V,
                        "dqdv_mAh_V": c.dqdv_mAh_V,
                        "dqdv_mAh_g_V": m.specific(c.dqdv_mAh_V)} for c in self.curves],
            "cycle_trend": {
                "cycles": [{"cycle": int(n), "rate_step": int(s), "discharge_capacity_mAh": fin(q),
                            "capacity_retention_pct": fin(r), "coulombic_efficiency_pct": fin(ce)}
                           for n, s, q, r, ce in zip(t.cycles, t.rate_step, t.discharge_capacity_mAh,
                                                     t.retention_pct, t.coulombic_efficiency_pct)],
                "fade_pct_per_cycle": {str(k): v for k, v in t.fade_pct_per_cycle.items()},
                "fade_definition": "least-squares slope of capacity retention vs cycle number within a rate step "
                                   "(≥ 3 discharges), % of the step's first discharge per cycle",
            },
        }


def analyze_differential(analysis: CyclingAnalysis, *, cycles: list[int] | None = None,
                         kinds: tuple[str, ...] = ("discharge", "charge"),
                         settings: DifferentialSettings = DifferentialSettings()) -> DifferentialAnalysis:
    """dQ/dV of the chosen cycles (default: all) and half-cycle kinds, plus retention/CE trends."""
    known = {c.cycle for c in analysis.cycles}
    if cycles is not None:
        missing = sorted(set(cycles) - known)
        if missing:
            raise InputError(analysis.source, f"no cycle {', '.join(map(str, missing))}",
                             expected=f"cycles {min(known)}–{max(known)}")
    curves = []
    for c in analysis.cycles:
        if cycles is not None and c.cycle not in cycles:
            continue
        for h in (c.discharge, c.charge):
            if h is not None and h.kind in kinds and h.capacity_mAh > 0 and np.ptp(h.potential_V) >= 2 * settings.step_V:
                curves.append(differential_capacity(h, settings))
    if not curves:
        raise InputError(analysis.source, "no half-cycle with a potential change to differentiate",
                         expected="galvanostatic data whose potential moves during charge/discharge")
    return DifferentialAnalysis(analysis, tuple(curves), cycle_trend(analysis), settings)
