"""Cyclic-voltammetry segmentation: sweeps, cycles, common potential grid and peaks.

A CV is a triangular potential programme.  It is cut into *sweeps* at the
vertices (turning points) of the potential: an *anodic* sweep has dE/dt > 0
(direction +1), a *cathodic* sweep dE/dt < 0 (direction −1).  Vertices are found
on the raw (programmed) potential with a hysteresis threshold, so noise and
potentiostat staircases do not create false vertices.  A *cycle* is one full
anodic plus one full cathodic sweep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .record import Measurement

FULL_SWEEP_FRACTION = 0.9  # a sweep is "full" when it spans >= 90 % of the widest sweep
RATE_SPREAD = 1.10  # sweeps whose dE/dt differ by less than this factor run at one scan rate
_MAX_COARSE_POINTS = 4096  # vertices are searched on at most this many block means


@dataclass(frozen=True)
class Sweep:
    """Rows ``start:stop`` of a measurement swept in one direction (+1 anodic, −1 cathodic)."""

    start: int
    stop: int
    direction: int
    span_V: float
    cycle: int = 0
    full: bool = True

    @property
    def rows(self) -> slice:
        return slice(self.start, self.stop)


def vertex_indices(potential_V: np.ndarray, *, hysteresis_V: float | None = None) -> np.ndarray:
    """Indices of the potential vertices (direction reversals), first and last row included.

    A reversal is accepted once the potential has retreated by more than
    ``hysteresis_V`` (default 5 % of the potential span) from its running extreme.
    The search runs on block means (≤ 4096 blocks) and each vertex is then
    refined to the exact extreme row, so the cost is O(n).
    """
    e = np.asarray(potential_V, float)
    n = e.size
    span = float(np.ptp(e)) if n else 0.0
    h = 0.05 * span if hysteresis_V is None else float(hysteresis_V)
    block = max(1, -(-n // _MAX_COARSE_POINTS))
    m = -(-n // block)
    padded = np.concatenate([e, np.full(m * block - n, e[-1])])
    coarse = padded.reshape(m, block).mean(axis=1)

    turns: list[tuple[int, int]] = []  # (coarse index, +1 for a maximum / -1 for a minimum)
    hi = lo = 0
    direction = 0
    values = coarse.tolist()          # Python floats: this sequential scan is ~5× faster than on numpy scalars
    for j in range(1, m):
        v = values[j]
        if v > values[hi]:
            hi = j
        if v < values[lo]:
            lo = j
        if direction >= 0 and values[hi] - v > h:
            turns.append((hi, +1))
            direction, lo = -1, j
        elif direction <= 0 and v - values[lo] > h:
            turns.append((lo, -1))
            direction, hi = +1, j

    vertices = [0]
    for j, kind in turns:
        a, b = max(0, (j - 1) * block), min(n, (j + 2) * block)
        window = e[a:b]
        k = a + int(np.argmax(window) if kind > 0 else np.argmin(window))
        if k > vertices[-1]:
            vertices.append(k)
    if len(vertices) > 1 and abs(e[vertices[1]] - e[0]) <= h:
        del vertices[1]  # a "vertex" in the start-up noise, not a reversal of the programme
    if vertices[-1] != n - 1:
        vertices.append(n - 1)
    return np.asarray(vertices)


def split_sweeps(potential_V: np.ndarray, cycle_labels: np.ndarray | None = None, *,
                 hysteresis_V: float | None = None) -> list[Sweep]:
    """Cut a CV into sweeps and number the full ones by cycle.

    When ``cycle_labels`` (the instrument's cycle column) holds more than one
    value, a sweep takes the most common label of its rows; otherwise the k-th
    full anodic and the k-th full cathodic sweep form cycle k.
    Partial sweeps (e.g. the first one starting at open circuit) get ``full=False``.
    """
    e = np.asarray(potential_V, float)
    v = vertex_indices(e, hysteresis_V=hysteresis_V)
    raw = [(int(a), int(b) + 1, float(e[b] - e[a])) for a, b in zip(v[:-1], v[1:]) if b > a]
    if not raw:
        return []
    widest = max(abs(d) for *_, d in raw)
    labels = None if cycle_labels is None else np.asarray(cycle_labels)
    use_labels = labels is not None and labels.size > 0 and labels.min() != labels.max()
    counters = {+1: 0, -1: 0}
    sweeps = []
    for a, b, delta in raw:
        direction = 1 if delta > 0 else -1
        full = widest > 0 and abs(delta) >= FULL_SWEEP_FRACTION * widest
        if not full:
            cycle = 0
        elif use_labels:
            values, counts = np.unique(labels[a:b], return_counts=True)
            cycle = int(values[np.argmax(counts)])
        else:
            counters[direction] += 1
            cycle = counters[direction]
        sweeps.append(Sweep(a, b, direction, abs(delta), cycle, full))
    return sweeps


def select_cycle(sweeps: list[Sweep], cycle: int | None, source: str) -> tuple[Sweep, Sweep]:
    """The (anodic, cathodic) full sweeps of ``cycle``; ``None`` picks the last complete cycle."""
    complete = sorted({s.cycle for s in sweeps if s.full and s.direction > 0}
                      & {s.cycle for s in sweeps if s.full and s.direction < 0})
    if not complete:
        raise InputError(source, "no complete CV cycle (one full anodic and one full cathodic sweep) found",
                         expected="a cyclic voltammogram with at least one full cycle")
    chosen = complete[-1] if cycle is None else int(cycle)
    if chosen not in complete:
        raise InputError(source, f"cycle {cycle} not found", where="--cycle",
                         expected=f"one of the complete cycles {', '.join(map(str, complete))}")
    anodic = next(s for s in sweeps if s.full and s.direction > 0 and s.cycle == chosen)
    cathodic = next(s for s in sweeps if s.full and s.direction < 0 and s.cycle == chosen)
    return anodic, cathodic


def ramp_fit(time_s: np.ndarray, potential_V: np.ndarray) -> tuple[float, float]:
    """Least-squares line E(t) of one sweep: (|dE/dt| in mV s⁻¹, R² of the line).

    A CV sweep is a linear ramp (R² ≈ 1, also for staircases); a galvanostatic or
    potentiostatic-step record is not."""
    t = np.asarray(time_s, float)
    e = np.asarray(potential_V, float)
    tc, ec = t - t.mean(), e - e.mean()
    # element-wise sums, not np.dot: BLAS threads on 10⁵-element vectors oversubscribe a busy machine
    stt, see = float((tc * tc).sum()), float((ec * ec).sum())
    if stt <= 0 or see <= 0:
        return float("nan"), float("nan")
    ste = float((tc * ec).sum())
    return abs(ste / stt) * 1e3, ste * ste / (stt * see)


def split_by_scan_rate(m: Measurement, *, spread: float = RATE_SPREAD) -> list[Measurement]:
    """One measurement per block of consecutive full sweeps at one scan rate.

    A record of CVs run one after the other at several scan rates is cut into
    blocks (rows from the first to the last sweep of the block; rates within a
    factor ``spread`` of the block's first sweep), keeping the blocks that hold
    a complete cycle.  A record at one rate is returned unchanged.  Sweeps at
    different rates that form no complete cycle at one rate are ambiguous."""
    t, e = m.time_s, m.potential_V
    groups: list[tuple[float, list[Sweep]]] = []
    for s in (s for s in split_sweeps(e, m.cycle) if s.full):
        rate = ramp_fit(t[s.rows], e[s.rows])[0]
        if groups and groups[-1][0] / spread <= rate <= groups[-1][0] * spread:
            groups[-1][1].append(s)
        else:
            groups.append((rate, [s]))
    if len(groups) <= 1:
        return [m]
    blocks = [(rate, g) for rate, g in groups if {s.direction for s in g} == {1, -1}]
    if not blocks:
        raise InputError(m.source, "scan rate is ambiguous: its sweeps run at "
                         + ", ".join(f"{rate:.4g}" for rate, _ in groups) + " mV/s and form no complete cycle "
                         "at one rate", expected="a file with one scan rate, or give --scan-rates")
    return [Measurement(m.data.iloc[g[0].start:g[-1].stop].reset_index(drop=True),
                        source=f"{m.source} [block {k}: {rate:.4g} mV/s]", instrument=m.instrument,
                        active_mass_g=m.active_mass_g, technique=m.technique, extra=dict(m.extra))
            for k, (rate, g) in enumerate(blocks, start=1)]


MIN_SWEEP_SPAN_MV = 1.0  # a potential that moves less than this is held, not swept


def describe_sweeps(m: Measurement) -> list[dict]:
    """One record per sweep of ``m``: rows, direction, potential range (V), scan rate
    (mV s⁻¹, from dE/dt) with the R² of the ramp, cycle number and whether it is full."""
    t, e = m.time_s, m.potential_V
    span_mV = 1e3 * float(np.ptp(e))
    if span_mV < MIN_SWEEP_SPAN_MV:  # an i–t or OCV file: one "sweep" at 0 mV/s would be listed
        raise InputError(m.source, f"the potential does not sweep (it spans {span_mV:.3g} mV)",
                         expected="a cyclic voltammogram: the potential ramped between two limits")
    records = []
    for k, s in enumerate(split_sweeps(e, m.cycle), start=1):
        rate, r2 = ramp_fit(t[s.rows], e[s.rows])
        records.append({"sweep": k, "direction": "anodic" if s.direction > 0 else "cathodic",
                        "first_row": s.start + 1, "last_row": s.stop, "E_start_V": float(e[s.start]),
                        "E_end_V": float(e[s.stop - 1]), "scan_rate_mV_s": rate, "ramp_r2": r2,
                        "cycle": s.cycle if s.full else None, "full": s.full})
    return records


def bin_onto_grid(potential_V: np.ndarray, values: np.ndarray, grid_V: np.ndarray) -> np.ndarray:
    """Resample ``values`` onto the (uniform, increasing) ``grid_V`` by potential binning.

    Points are grouped in bins centred on the grid nodes; the mean potential and
    mean value of each bin are then linearly interpolated onto the nodes (using
    the bin's mean potential removes the first-order bias of uneven sampling).
    Binning needs no monotonic potential, so noisy, staircase or iR-corrected
    sweeps are handled, and noise is averaged out.
    """
    g = np.asarray(grid_V, float)
    e = np.asarray(potential_V, float)
    idx = np.rint((e - g[0]) / (g[1] - g[0])).astype(np.int64)
    inside = (idx >= -1) & (idx <= g.size)  # one extra bin at each end anchors the interpolation
    idx = idx[inside] + 1
    counts = np.bincount(idx, minlength=g.size + 2)
    filled = counts > 0
    if filled.sum() < 2:
        return np.full(g.size, np.nan)
    mean_e = np.bincount(idx, weights=e[inside], minlength=g.size + 2)[filled] / counts[filled]
    mean_v = np.bincount(idx, weights=np.asarray(values, float)[inside], minlength=g.size + 2)[filled]
    return np.interp(g, mean_e, mean_v / counts[filled])


def smooth_branch(current: np.ndarray, *, window_fraction: float = 0.02) -> np.ndarray:
    """Savitzky–Golay smoothing (cubic, window ≈ 2 % of the grid) of a gridded branch current
    (or of each row of a 2-D array of branches: one call for all scan rates)."""
    from scipy.signal import savgol_filter

    y = np.asarray(current, float)
    n = y.shape[-1]
    window = max(5, int(window_fraction * n) | 1)
    return y if n <= window else savgol_filter(y, window, 3, axis=-1)


def find_branch_peaks(current: np.ndarray, *, prominence_fraction: float = 0.05,
                      min_separation_fraction: float = 0.03) -> np.ndarray:
    """Grid indices of the current maxima of one branch (pass −i for a cathodic branch).

    Peaks are searched on the smoothed current (:func:`smooth_branch`); a peak must
    stand out by ``prominence_fraction`` of the branch's current range and lie at
    least ``min_separation_fraction`` of the grid from a higher one
    (scipy.signal.find_peaks ``prominence`` and ``distance``).
    """
    return smoothed_branch_peaks(smooth_branch(current), prominence_fraction=prominence_fraction,
                                 min_separation_fraction=min_separation_fraction)


def smoothed_branch_peaks(smoothed: np.ndarray, *, prominence_fraction: float = 0.05,
                          min_separation_fraction: float = 0.03) -> np.ndarray:
    """:func:`find_branch_peaks` on a branch current already smoothed by :func:`smooth_branch`."""
    from scipy.signal import find_peaks

    y = np.asarray(smoothed, float)
    peaks, _ = find_peaks(y, prominence=prominence_fraction * float(np.ptp(y)),
                          distance=max(1, int(min_separation_fraction * y.size)))
    return peaks
