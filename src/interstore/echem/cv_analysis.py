"""CV kinetics of one electrode at several scan rates: b-values, Dunn split, Trasatti.

Pipeline (one measurement per scan rate):

1. cut each CV into sweeps on the raw potential and pick one cycle
   (default: the last complete one);
2. correct the potential for ohmic drop, E_corr = E − i·R_s (before any v-analysis);
3. bin the anodic current i and the cathodic current −i of every rate onto one
   common potential grid (the overlap of all windows, 2 % trimmed at the vertices);
4. track the current peaks across rates and fit i_p = a·v^b (:mod:`.bvalue`);
5. fit i = k1·v + k2·v^½ on the grid (:mod:`.dunn`);
6. fit the voltammetric charge q(v) (mean of the anodic and cathodic |charge|) (:mod:`.trasatti`).

Scan rates come from ``scan_rates_mV_s``, else from each file
(``Measurement.scan_rate_mV_s``), else from the slope dE/dt of its sweeps.
Without ``scan_rates_mV_s``, a record holding CVs at several rates one after
the other is first cut into one block per rate (:func:`.cv_segments.split_by_scan_rate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..blas import single_threaded_blas
from ..bounds import require_distinct, require_in_range
from ..errors import InputError, parameter_error, require_positive
from ..results import Result, sig
from .bvalue import BValueFit, b_profile, fit_b_value
from .cv_segments import (RATE_SPREAD, bin_onto_grid, ramp_fit, select_cycle, smooth_branch, smoothed_branch_peaks,
                          split_by_scan_rate, split_sweeps)
from .dunn import DunnFit, combined_capacitive_fraction, fit_dunn, flagged_ranges_V
from .record import Measurement
from .trasatti import R2_THRESHOLD, TrasattiFit, fit_trasatti, voltammetric_charge_C

N_GRID = 500
VERTEX_TRIM_FRACTION = 0.02
MIN_SWEEP_POINTS = 20  # fewer points per sweep cannot fill a potential grid meaningfully
MIN_RAMP_R2 = 0.98  # below this a "sweep" is not a linear potential ramp (not a CV)
RATE_MISMATCH = 0.10  # relative difference between a given scan rate and dE/dt that is warned about
PEAK_TRACK_FRACTION = 0.15  # a peak may move by this fraction of the window between neighbouring rates
BRANCHES = ("anodic", "cathodic")


@dataclass(frozen=True)
class PeakTrack:
    """One redox peak followed across scan rates; ``current_A`` keeps its sign (cathodic < 0)."""

    name: str
    branch: str
    scan_rates_mV_s: np.ndarray
    potential_V: np.ndarray
    current_A: np.ndarray
    fit: BValueFit | None


@dataclass(frozen=True, repr=False)
class CVAnalysis(Result):
    """Results of :func:`analyze_cv`.

    Array fields for plotting: ``potential_V`` (common grid, V); ``anodic`` and
    ``cathodic`` are :class:`~interstore.echem.dunn.DunnFit` objects holding the
    measured current on the grid (rates × grid, A, cathodic stored as −i),
    ``k1_F``, ``k2_A_s05_V05``, ``capacitive_current_A`` and ``diffusive_current_A``.
    """

    sources: tuple[str, ...]
    scan_rates_mV_s: np.ndarray
    scan_rate_sources: tuple[str, ...]
    cycles: tuple[int, ...]
    r_s_ohm: float
    mass_g: float | None
    potential_V: np.ndarray
    anodic: DunnFit
    cathodic: DunnFit
    peaks: tuple[PeakTrack, ...]
    charge_C: np.ndarray
    trasatti: TrasattiFit
    warnings: tuple[str, ...]

    @property
    def capacitive_fraction(self) -> np.ndarray:
        """Whole-cycle capacitive fraction per scan rate (both branches)."""
        return combined_capacitive_fraction([self.anodic, self.cathodic])

    def b_of_potential(self, branch: str) -> np.ndarray:
        """b(V) on ``potential_V`` for the ``anodic`` or ``cathodic`` branch (NaN where i changes sign)."""
        return b_profile(self.scan_rates_mV_s, {"anodic": self.anodic, "cathodic": self.cathodic}[branch].current_A)

    @property
    def flagged_fraction(self) -> float:
        """Fraction of (branch, grid potential) points with k1 < 0 or k2 < 0."""
        return float(np.mean(np.concatenate([self.anodic.flagged, self.cathodic.flagged])))

    def mass_basis(self) -> dict:
        """The basis of every specific value: active material of ``mass_g``, or none (absolute)."""
        if self.mass_g is None:
            return {"basis": "none", "mass_mg": None, "label": "absolute (no mass given)"}
        return {"basis": "active", "mass_mg": self.mass_g * 1e3,
                "label": f"active material ({self.mass_g * 1e3:.4g} mg)"}

    def per_gram(self, value: float) -> float | None:
        """``value`` per gram of active material, or None without a mass."""
        return None if self.mass_g is None else value / self.mass_g

    def kinetics_warnings(self) -> list[str]:
        """Short qualifiers of the kinetics numbers: Dunn points with k1 < 0 or k2 < 0, and a
        Trasatti fit not shown to be linear (empty when neither applies)."""
        out = []
        if self.flagged_fraction > 0:
            out.append(f"Dunn k1 or k2 < 0 at {100 * self.flagged_fraction:.0f} % of grid points")
        if self.trasatti.linear_warning:
            out.append("Trasatti fits not linear: q_outer/q_total indicative")
        return out

    def headline(self) -> str:
        """Rates, b per peak, capacitive fraction range, Trasatti ratio and the warnings that qualify them."""
        v = self.scan_rates_mV_s
        b = ", ".join(f"{p.name} {p.fit.b:.2f}" for p in self.peaks if p.fit is not None) or "none"
        f = 100 * self.capacitive_fraction
        t = self.trasatti
        ratio = t.q_outer / t.q_total if t.q_total else float("nan")
        text = (f"{v.size} scan rates {sig(v.min(), 3)}–{sig(v.max(), 3)} mV s⁻¹; b = {b}; "
                f"capacitive {f.min():.0f}–{f.max():.0f} % (Dunn); q_outer/q_total = {sig(ratio, 2)} (Trasatti)")
        warnings = self.kinetics_warnings()
        return text + (f" [{'; '.join(warnings)}]" if warnings else "")

    def to_frame(self, table: str = "rates"):
        """``"rates"``: one row per scan rate (charge, Dunn capacitive fraction per branch);
        ``"b_values"``: one row per tracked peak with its b-value fit."""
        import pandas as pd

        d = self.to_dict()
        if table == "rates":
            frame = pd.DataFrame(d["dunn"])
            frame.insert(1, "charge_C", self.charge_C)
            if self.mass_g is not None:
                frame.insert(2, "charge_C_g", self.charge_C / self.mass_g)
            return frame
        if table == "b_values":
            return pd.DataFrame(d["b_values"], columns=["peak", "branch", "potential_V", "b", "stderr", "r2",
                                                        "log10_a", "n_rates"])
        raise InputError("parameter 'table'", f"got {table!r}", expected="rates | b_values")

    def plot(self, ax=None):
        """log|i_p| against log v for every tracked peak with its fit (the b-value figure); returns the Axes."""
        from ..plotting import new_axes
        from .plots_cv import draw_b_values

        return draw_b_values(new_axes(ax), self)

    def to_dict(self) -> dict:
        """JSON-ready results (units in every key)."""
        t = self.trasatti
        fits = dict(zip(BRANCHES, (self.anodic, self.cathodic)))
        return {
            "files": [{"source": s, "scan_rate_mV_s": float(v), "scan_rate_source": how, "cycle": c}
                      for s, v, how, c in zip(self.sources, self.scan_rates_mV_s, self.scan_rate_sources,
                                              self.cycles)],
            "mass_basis": self.mass_basis(),
            "r_s_ohm": self.r_s_ohm,
            "scan_rates_mV_s": self.scan_rates_mV_s.tolist(),
            "peaks": [{"peak": p.name, "branch": p.branch, "scan_rate_mV_s": p.scan_rates_mV_s.tolist(),
                       "potential_V": p.potential_V.tolist(), "current_A": p.current_A.tolist(),
                       "current_A_g": None if self.mass_g is None else (p.current_A / self.mass_g).tolist()}
                      for p in self.peaks],
            "b_values": [{"peak": p.name, "branch": p.branch, "potential_V": float(p.potential_V[0]),
                          "b": p.fit.b, "stderr": p.fit.stderr, "r2": p.fit.r2, "log10_a": p.fit.log10_a,
                          "n_rates": p.fit.n_rates}
                         for p in self.peaks if p.fit is not None],
            "dunn": [{"scan_rate_mV_s": float(v), "capacitive_fraction": float(f),
                      "capacitive_fraction_anodic": float(fa), "capacitive_fraction_cathodic": float(fc)}
                     for v, f, fa, fc in zip(self.scan_rates_mV_s, self.capacitive_fraction,
                                             self.anodic.capacitive_fraction, self.cathodic.capacitive_fraction)],
            "dunn_flags": {"flagged_fraction": self.flagged_fraction,
                           **{b: {"flagged_fraction": float(np.mean(f.flagged)),
                                  "ranges_V": [list(r) for r in flagged_ranges_V(f.potential_V, f.flagged)]}
                              for b, f in fits.items()}},
            "trasatti": {"q_outer_C_g": self.per_gram(t.q_outer), "q_total_C_g": self.per_gram(t.q_total),
                         "q_inner_C_g": self.per_gram(t.q_inner), "q_outer_C": t.q_outer, "q_total_C": t.q_total,
                         "q_inner_C": t.q_inner, "r2_outer": t.r2_outer, "r2_total": t.r2_total,
                         "r2_threshold": t.r2_threshold, "linear_warning": t.linear_warning,
                         "outer_rates_mV_s": list(t.outer_rates_mV_s), "total_rates_mV_s": list(t.total_rates_mV_s)},
            "voltammetric_charge": [{"scan_rate_mV_s": float(v), "charge_C": float(q),
                                     "charge_C_g": self.per_gram(float(q))}
                                    for v, q in zip(self.scan_rates_mV_s, self.charge_C)],
            "warnings": list(self.warnings),
        }


def dunn_warning(flags: dict) -> str:
    """The Dunn qualifier: the share of grid points where k1 < 0 or k2 < 0 ('' when none)."""
    share = flags["flagged_fraction"]
    return "" if not share > 0 else (
        f"Dunn fit: k1 < 0 or k2 < 0 at {100 * share:.0f} % of the potential grid (anodic "
        f"{100 * flags['anodic']['flagged_fraction']:.0f} %, cathodic {100 * flags['cathodic']['flagged_fraction']:.0f} %);"
        " the capacitive fractions are unreliable there.")


def trasatti_warning(t: dict) -> str:
    """The Trasatti qualifier when the q(v) fits are not shown to be linear ('' otherwise)."""
    return "" if not t["linear_warning"] else (
        f"Trasatti fits not shown to be linear (R² outer {t['r2_outer']:.3f}, total {t['r2_total']:.3f}, "
        f"threshold {t['r2_threshold']:g}): q_outer and q_total are indicative only.")


def _resolve_scan_rates(measurements: Sequence[Measurement], ramp_fits,
                        option) -> tuple[list[float], list[str], list[str]]:
    """Scan rate (mV s⁻¹) of each measurement, where it came from, and warnings.

    ``ramp_fits`` holds, per measurement, the :func:`ramp_fit` of its anodic and
    cathodic sweep; a given rate that disagrees with their dE/dt by more than
    RATE_MISMATCH is kept but warned about (a unit slip is the usual cause)."""
    if option is not None:
        option = [require_in_range("scan_rates_mV_s", r, "scan_rate_mV_s") for r in option]
        if len(option) != len(measurements):
            raise parameter_error("scan_rates_mV_s", option,
                                  problem=f"{len(option)} scan rate(s) for {len(measurements)} measurement(s)",
                                  expected="one scan rate in mV/s per measurement, in file order")
    rates, how, notes = [], [], []
    for k, (m, ramps) in enumerate(zip(measurements, ramp_fits)):
        est = [r for r, _ in ramps]
        consistent = all(np.isfinite(est)) and max(est) <= RATE_SPREAD * min(est)
        if option is not None:
            rate, source = option[k], "option"
        elif m.scan_rate_mV_s is not None:
            rate, source = require_in_range(f"scan rate of {m.source} (mV/s)", m.scan_rate_mV_s,
                                            "scan_rate_mV_s"), "file"
        elif consistent:
            rate, source = float(np.mean(est)), "estimated from dE/dt"
            notes.append(f"{m.source}: scan rate estimated from dE/dt of the data: {rate:.4g} mV/s")
        else:
            raise InputError(m.source, f"scan rate is ambiguous: dE/dt of the sweeps gives {est[0]:.4g} and "
                             f"{est[1]:.4g} mV/s", expected="a file with one scan rate, or give scan_rates_mV_s")
        if source != "estimated from dE/dt" and consistent and abs(np.mean(est) / rate - 1) > RATE_MISMATCH:
            notes.append(f"{m.source}: scan rate {rate:.4g} mV/s ({source}) but dE/dt of the data gives "
                         f"{np.mean(est):.4g} mV/s")
        rates.append(rate)
        how.append(source)
    return rates, how, notes


def _resolve_mass(measurements: Sequence[Measurement], mass_g: float | None) -> float | None:
    if mass_g is not None:
        return require_in_range("active mass (g)", mass_g, "mass_g")
    masses = {m.active_mass_g for m in measurements if m.active_mass_g is not None}
    if not masses:
        return None
    if len(masses) > 1 and max(masses) > 1.01 * min(masses):
        raise InputError("active mass", f"files record different masses {sorted(masses)} g",
                         expected="one electrode at all scan rates; give the mass explicitly (--mass-mg)")
    return require_in_range("active mass (g)", masses.pop(), "mass_g")


def _track_peaks(grid: np.ndarray, rates: np.ndarray, curves: np.ndarray, branch: str) -> list[PeakTrack]:
    """Follow the peaks of the slowest rate through faster rates.

    At each faster rate, the tracks and the peaks found there are paired closest
    first, each peak claimed by one track at most and only within the tolerance.
    Peak currents are read from the smoothed branch current.  A b-value is fitted
    only for a peak found at half of the scan rates or more (at least two), so a
    feature of one or two CVs (or noise) gets no b."""
    tol = PEAK_TRACK_FRACTION * float(grid[-1] - grid[0])
    order = np.argsort(rates)
    curves = smooth_branch(curves)                       # all scan rates in one call
    found = [smoothed_branch_peaks(curves[k]) for k in order]
    positions = grid[found[0]].astype(float)
    members = [[(order[0], j)] for j in found[0]]
    for k, cand in zip(order[1:], found[1:]):
        dist = np.abs(positions[:, None] - grid[cand][None, :])
        used_tracks, used_peaks = set(), set()
        for flat in np.argsort(dist, axis=None):
            t, c = divmod(int(flat), cand.size)
            if dist[t, c] > tol:
                break
            if t in used_tracks or c in used_peaks:
                continue
            used_tracks.add(t)
            used_peaks.add(c)
            members[t].append((k, cand[c]))
            positions[t] = grid[cand[c]]
    sign = 1.0 if branch == "anodic" else -1.0
    tracks = []
    for n, idx in enumerate(members, start=1):
        idx.sort(key=lambda kj: rates[kj[0]])
        v = np.array([rates[k] for k, _ in idx])
        i = np.array([sign * curves[k, j] for k, j in idx])
        enough = np.unique(v).size >= max(2, -(-rates.size // 2))
        fit = fit_b_value(v, i) if enough and np.all(i * sign > 0) else None
        tracks.append(PeakTrack(f"{branch[0].upper()}{n}", branch, v, np.array([grid[j] for _, j in idx]), i, fit))
    return tracks


@single_threaded_blas
def analyze_cv(measurements: Sequence[Measurement], scan_rates_mV_s: Sequence[float] | None = None, *,
               mass_g: float | None = None, r_s_ohm: float = 0.0, cycle: int | None = None,
               n_grid: int = N_GRID, r2_threshold: float = R2_THRESHOLD,
               trasatti_outer_min_rate_mV_s: float | None = None,
               trasatti_total_max_rate_mV_s: float | None = None) -> CVAnalysis:
    """b-values, Dunn split and Trasatti charges of CVs of one electrode at several scan rates.

    i_p = a·v^b per peak; i(V) = k1·v + k2·v^½ at each potential (Dunn); q(v) = q_outer + c·v^-½
    and 1/q = 1/q_total + c′·v^½ (Trasatti).

    Parameters
    ----------
    measurements : sequence of Measurement
        One CV per scan rate, or one record holding several rates one after the other.
    scan_rates_mV_s : sequence of float, optional
        Scan rate of each measurement (mV s⁻¹), in order; default: from each file, else dE/dt.
    mass_g : float, optional
        Active mass (g) for specific currents and charges (A g⁻¹, C g⁻¹).
    r_s_ohm : float
        Series resistance R_s (Ω) for the ohmic correction E_corr = E − i·R_s.
    cycle : int, optional
        Cycle analysed in every file (default: the last complete one).
    n_grid : int
        Points of the common potential grid.
    r2_threshold : float
        R² below which a Trasatti fit is reported as not linear.
    trasatti_outer_min_rate_mV_s, trasatti_total_max_rate_mV_s : float, optional
        Limit the outer fit to rates ≥ and the total fit to rates ≤ these (mV s⁻¹).

    Returns
    -------
    CVAnalysis
        b per peak, capacitive fraction per rate, q_outer/q_total and the warnings qualifying them.
    """
    r_s = require_in_range("series resistance R_s (ohm)", r_s_ohm, "resistance_ohm")
    for name, limit in (("trasatti_outer_min_rate_mV_s", trasatti_outer_min_rate_mV_s),
                        ("trasatti_total_max_rate_mV_s", trasatti_total_max_rate_mV_s)):
        if limit is not None:
            require_positive(name, limit)
    if int(n_grid) < 10:
        raise InputError("parameter 'n_grid'", f"got {n_grid!r}", expected="at least 10 grid points")
    if not 0 < r2_threshold <= 1:
        raise InputError("parameter 'r2_threshold'", f"got {r2_threshold!r}", expected="0 < R² threshold <= 1")
    measurements, split_notes = list(measurements), []
    if scan_rates_mV_s is None:
        blocks = [split_by_scan_rate(m) for m in measurements]
        split_notes = [f"{m.source}: holds {len(b)} scan rates, analysed as {len(b)} blocks"
                       for m, b in zip(measurements, blocks) if len(b) > 1]
        measurements = [block for b in blocks for block in b]
    if len(measurements) < 2:
        raise InputError("CV files", f"{len(measurements)} CV(s) at one scan rate given",
                         expected="CVs at two or more scan rates (one file per rate, or one file holding several)")
    mass = _resolve_mass(measurements, mass_g)

    sweeps = [select_cycle(split_sweeps(m.potential_V, m.cycle), cycle, m.source) for m in measurements]
    ramp_fits = [[ramp_fit(m.time_s[s.rows], m.potential_V[s.rows]) for s in pair]
                 for m, pair in zip(measurements, sweeps)]
    for m, ramps, pair in zip(measurements, ramp_fits, sweeps):
        fewest = min(s.stop - s.start for s in pair)
        if fewest < MIN_SWEEP_POINTS:
            raise InputError(m.source, f"only {fewest} data points in a sweep of the analysed cycle",
                             expected=f"at least {MIN_SWEEP_POINTS} points per sweep")
        worst = float(np.min([r2 for _, r2 in ramps]))  # NaN (flat E or t) fails too
        if not worst >= MIN_RAMP_R2:
            raise InputError(m.source, f"the potential is not swept linearly in time (R² of E(t) = {worst:.3f})",
                             expected="a cyclic voltammogram: potential ramps at a constant scan rate")
    rates, how, rate_notes = _resolve_scan_rates(measurements, ramp_fits, scan_rates_mV_s)
    warnings = split_notes + rate_notes
    order = np.argsort(rates, kind="stable")
    measurements, sweeps = [measurements[k] for k in order], [sweeps[k] for k in order]
    rates, how = np.asarray(rates)[order], [how[k] for k in order]
    if np.unique(rates).size < 2:
        raise InputError("scan rates", f"all files have the scan rate {rates[0]:.4g} mV/s",
                         expected="at least two distinct scan rates")
    require_distinct("scan rates", rates, "scan rate (mV/s)", labels=[m.source for m in measurements])

    charge = np.array([0.5 * (voltammetric_charge_C(m.time_s[an.rows], m.current_A[an.rows])
                              + voltammetric_charge_C(m.time_s[ca.rows], m.current_A[ca.rows]))
                       for m, (an, ca) in zip(measurements, sweeps)])
    for m, q in zip(measurements, charge):
        if not q > 0:
            raise InputError(m.source, "no current flows in the analysed cycle",
                             expected="a cyclic voltammogram with non-zero current")
    trasatti = fit_trasatti(rates, charge, r2_threshold=r2_threshold,
                            outer_min_rate_mV_s=trasatti_outer_min_rate_mV_s,
                            total_max_rate_mV_s=trasatti_total_max_rate_mV_s)

    for m, (an, ca) in zip(measurements, sweeps):  # an IR drop beyond the sweep folds E_corr back on itself
        e, i = (np.concatenate([x[an.rows], x[ca.rows]]) for x in (m.potential_V, m.current_A))
        window, drop = np.ptp(e), r_s * np.max(np.abs(i))
        if drop >= window:
            raise InputError("series resistance R_s (ohm)", f"{r_s:g} Ω × {np.max(np.abs(i)):.3g} A "
                             f"= {drop:.3g} V IR drop in {m.source}, more than its whole {window:.3g} V sweep",
                             expected="R_s such that i·R_s stays well inside the potential window")
    corrected = [m.potential_V - m.current_A * r_s for m in measurements]
    lows = [min(e[an.rows].min(), e[ca.rows].min()) for e, (an, ca) in zip(corrected, sweeps)]
    highs = [max(e[an.rows].max(), e[ca.rows].max()) for e, (an, ca) in zip(corrected, sweeps)]
    lo, hi = max(lows), min(highs)
    if not hi > lo:
        raise InputError("CV files", f"potential windows do not overlap ({lo:.4g} V > {hi:.4g} V)",
                         expected="CVs of one electrode over a common potential window")
    trim = VERTEX_TRIM_FRACTION * (hi - lo)
    grid = np.linspace(lo + trim, hi - trim, int(n_grid))

    curves = {b: np.empty((len(measurements), grid.size)) for b in BRANCHES}
    for k, (m, e, (an, ca)) in enumerate(zip(measurements, corrected, sweeps)):
        i = m.current_A
        curves["anodic"][k] = bin_onto_grid(e[an.rows], i[an.rows], grid)
        curves["cathodic"][k] = bin_onto_grid(e[ca.rows], -i[ca.rows], grid)

    anodic, cathodic = (fit_dunn(grid, rates, curves[b]) for b in BRANCHES)
    peaks = tuple(p for b in BRANCHES for p in _track_peaks(grid, rates, curves[b], b))

    flagged = np.concatenate([anodic.flagged, cathodic.flagged])
    if flagged.any():
        warnings.append(f"Dunn fit gives k1 < 0 or k2 < 0 at {100 * flagged.mean():.1f} % of grid points "
                        "(see dunn_flags); the split is unreliable there")
    if trasatti.linear_warning:
        warnings.append(f"Trasatti fits not shown to be linear (R² outer {trasatti.r2_outer:.3f}, total "
                        f"{trasatti.r2_total:.3f}, threshold {r2_threshold}, "
                        f"{len(trasatti.outer_rates_mV_s)}/{len(trasatti.total_rates_mV_s)} rates) or "
                        "q_outer/q_inner < 0; treat q_outer/q_total as indicative")
    if not any(p.fit for p in peaks):
        warnings.append("no current peak could be followed over half of the scan rates: no b-value")
    return CVAnalysis(tuple(m.source for m in measurements), rates, tuple(how),
                      tuple(an.cycle for an, _ in sweeps), r_s, mass, grid, anodic, cathodic, peaks,
                      charge, trasatti, tuple(warnings))
