"""GITT: galvanostatic intermittent titration (Weppner & Huggins, J. Electrochem. Soc. 1977).

For each current pulse of length τ (s) followed by a rest:

    D = 4/(π τ) · (m_B V_M / (M_B S))² · (ΔE_s / ΔE_t)²  =  4 L²/(π τ) · (ΔE_s / ΔE_t)²   (cm² s⁻¹)

m_B active mass (g), V_M molar volume (cm³ mol⁻¹), M_B molar mass (g mol⁻¹), S electrode area
(cm²), L = m_B V_M/(M_B S) the diffusion length (cm).  ΔE_s is the change of the relaxed
(steady-state) potential across the pulse, ΔE_t the potential change during the pulse with the
IR jump removed.  The IR jump is removed by fitting E = E(0⁺) + b·√t over the pulse and taking
ΔE_t = |b|·√τ (the fitted E(τ) − E(0⁺)); relaxed potentials are the mean of the last
``REST_POINTS`` points of each rest, so single noisy samples do not set D.  The method requires
E ∝ √t during the pulse (R² of that fit, flagged
below ``r2_min``) and τ ≪ L²/D (flagged when τ·D/L² exceeds ``max_tau_ratio``), and a relaxed
potential at the end of each rest (flagged when it still drifts by more than ``max_drift_fraction``·ΔE_s
over the rest's last fifth).

Pulse start t0: the √t fit needs the time of the current switch.  A logger that samples at fixed
intervals puts the first pulse sample up to one interval after the switch, and taking that sample as
t = 0 biases D (a first sample 0.9 interval late, 40 samples per pulse: +15 %).  t0 is taken, in order,

1. from the instrument's step time (column ``step_time_s``, filled by the readers of Arbin, Maccor,
   Neware, BaSyTec, Novonix and LAND files: time since the step began), t0 = t − t_step of the first
   pulse sample, when that t0 lies between the last sample of the step before and the first sample of
   the pulse's step (1 ms tolerance); a step time that contradicts the record falls back to the fit,
   with a note on the pulse;
2. by fitting E = E0 + b·√(t − t0) over the pulse with t0 between the last rest sample and the first
   pulse sample (linear least squares in E0, b for each t0; bounded scalar minimisation over t0);
3. as the first pulse sample (``start_time="first-sample"``, the former behaviour).

τ is the nominal pulse length when ``pulse_s`` is given, else the last pulse sample's time − t0 (short by
up to one logging interval: 40 samples per pulse and a sample at the switch give D 5 % high).
Every pulse reports t0, where it came from, its offset from the first sample and the D that the
first-sample origin gives; :meth:`GittAnalysis.t0_summary` counts the sources.

State of charge: the net Zn-insertion charge Q (discharge, negative current, counts positive)
from the start of the titration gives x = Q·M_B/(2F·m_B) Zn per formula unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import trapezoid

from ..constants import FARADAY, Z_ZINC
from ..errors import InputError, require_positive
from ..results import Result, sig
from .record import Measurement

REST_POINTS = 3  # points averaged for each relaxed potential
START_TIMES = ("auto", "step-time", "fit", "first-sample")
T0_SOURCES = {"step-time": "the instrument's step time", "fit": "the fit of E = E0 + b√(t − t0)",
              "first-sample": "the first pulse sample"}
STEP_TIME_TOLERANCE_S = 1e-3  # slack of the step-time consistency check (logging resolution)
TRANSIENT_POINTS = 4000  # points of the E(t) transient kept in to_dict()


@dataclass(frozen=True)
class GittGeometry:
    """Diffusion length ``length_cm`` = m_B V_M/(M_B S), or given directly.

    ``mass_g`` and ``molar_mass_g_mol`` (when known) also give the Zn content x per formula unit."""

    length_cm: float
    mass_g: float | None = None
    molar_mass_g_mol: float | None = None
    molar_volume_cm3_mol: float | None = None
    area_cm2: float | None = None

    @classmethod
    def from_electrode(cls, mass_g: float, molar_mass_g_mol: float, molar_volume_cm3_mol: float,
                       area_cm2: float) -> "GittGeometry":
        """L = m_B·V_M/(M_B·S) in cm (g, cm³ mol⁻¹, g mol⁻¹, cm²)."""
        m = require_positive("active mass (g)", mass_g)
        mm = require_positive("molar mass (g/mol)", molar_mass_g_mol)
        vm = require_positive("molar volume (cm3/mol)", molar_volume_cm3_mol)
        s = require_positive("electrode area (cm2)", area_cm2)
        return cls(m * vm / (mm * s), m, mm, vm, s)

    @classmethod
    def from_length(cls, length_cm: float, mass_g: float | None = None,
                    molar_mass_g_mol: float | None = None) -> "GittGeometry":
        """A diffusion length given directly (cm), e.g. particle radius or film thickness."""
        return cls(require_positive("diffusion length (cm)", length_cm),
                   None if mass_g is None else require_positive("active mass (g)", mass_g),
                   None if molar_mass_g_mol is None else require_positive("molar mass (g/mol)",
                                                                          molar_mass_g_mol))


def weppner_huggins_D(tau_s, delta_Es_V, delta_Et_V, length_cm):
    """D = 4 L²/(π τ) · (ΔE_s/ΔE_t)²  in cm² s⁻¹ (τ in s, L in cm, potentials in V)."""
    return 4.0 * np.asarray(length_cm) ** 2 / (np.pi * np.asarray(tau_s)) * \
        (np.asarray(delta_Es_V) / np.asarray(delta_Et_V)) ** 2


def sqrt_time_fit(t_s: np.ndarray, potential_V: np.ndarray) -> tuple[float, float, float]:
    """Least-squares E = a + b·√t over a pulse (t from the pulse start, s): (a in V, b in V s^-½, R²)."""
    x = np.sqrt(np.clip(t_s, 0.0, None))
    b, a = np.polyfit(x, potential_V, 1)
    resid = potential_V - (a + b * x)
    ss_tot = float(np.sum((potential_V - potential_V.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid ** 2)) / ss_tot if ss_tot > 0 else 0.0
    return float(a), float(b), r2


def fitted_start_time(t_s: np.ndarray, potential_V: np.ndarray, earliest_s: float) -> float:
    """t0 in [earliest_s, t_s[0]] minimising the residual of E = E0 + b·√(t − t0) over the pulse samples
    (t_s, potential_V); E0 and b by linear least squares for each t0."""
    from scipy.optimize import minimize_scalar

    if not earliest_s < t_s[0]:
        return float(t_s[0])

    def ssr(t0: float) -> float:
        x = np.sqrt(np.clip(t_s - t0, 0.0, None))
        design = np.column_stack([np.ones_like(x), x])
        coef = np.linalg.lstsq(design, potential_V, rcond=None)[0]
        return float(np.sum((potential_V - design @ coef) ** 2))

    best = minimize_scalar(ssr, bounds=(earliest_s, float(t_s[0])), method="bounded",
                           options={"xatol": 1e-6 * (t_s[0] - earliest_s)})
    # the bracket's ends are candidates too (a sample exactly at the switch sits at the upper end)
    return float(min((best.x, earliest_s, float(t_s[0])), key=ssr))


def step_time_start(time_s: np.ndarray, step_time_s: np.ndarray, step: np.ndarray, first: int) -> float | None:
    """Current switch t0 = t − t_step (s) of sample ``first`` from the instrument's step time, or ``None``
    when it contradicts the record: t0 must lie between the last sample of the previous step and the
    first sample of the step holding ``first`` (within :data:`STEP_TIME_TOLERANCE_S`)."""
    t0 = float(time_s[first] - step_time_s[first])
    earlier = np.flatnonzero(step[:first] != step[first])
    begins = int(earlier[-1]) + 1 if earlier.size else 0  # first sample of this step
    slack = STEP_TIME_TOLERANCE_S + 1e-9 * abs(float(time_s[first]))
    after_previous = begins == 0 or t0 >= time_s[begins - 1] - slack
    return t0 if np.isfinite(t0) and after_previous and t0 <= time_s[begins] + slack else None


def detect_pulses(time_s: np.ndarray, current_A: np.ndarray, rest_current_A: float,
                  pulse_s: float | None = None, tolerance: float = 0.2) -> list[tuple[int, int, int]]:
    """Titration pulses as ``(first, last, relax_last)`` indices: a run of one current sign with
    a rest point just before it and a rest after it (ending at ``relax_last``).  With ``pulse_s``,
    runs whose duration differs from it by more than ``tolerance`` (fraction) are skipped."""
    on = np.abs(current_A) > rest_current_A
    sign = np.sign(current_A) * on
    edges = np.flatnonzero(np.diff(sign) != 0) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges - 1, [sign.size - 1]))
    pulses = []
    for k, (a, b) in enumerate(zip(starts, ends)):
        if not on[a] or a == 0 or on[a - 1] or k + 1 >= len(starts) or on[starts[k + 1]]:
            continue
        if pulse_s is not None and abs((time_s[b] - time_s[a]) - pulse_s) > tolerance * pulse_s:
            continue
        pulses.append((int(a), int(b), int(ends[k + 1])))
    return pulses


def _rest_end(potential_V: np.ndarray, on: np.ndarray, last: int) -> float:
    """Mean potential of the last ``REST_POINTS`` rest points ending at index ``last``."""
    first = last
    while first > 0 and last - first + 1 < REST_POINTS and not on[first - 1]:
        first -= 1
    return float(np.mean(potential_V[first:last + 1]))


def relaxation_drift_V(time_s: np.ndarray, potential_V: np.ndarray) -> float:
    """Potential change over the last fifth of a rest, from a line fitted to that part (V);
    NaN with fewer than 3 points there.  Near zero when the cell has relaxed."""
    t_end = time_s[-1]
    tail = time_s >= t_end - 0.2 * (t_end - time_s[0])
    if tail.sum() < 3:
        return float("nan")
    slope = np.polyfit(time_s[tail], potential_V[tail], 1)[0]
    return float(abs(slope) * 0.2 * (t_end - time_s[0]))


@dataclass(frozen=True)
class GittPulse:
    """One titration pulse and its Weppner–Huggins diffusion coefficient."""

    pulse: int
    start_s: float
    tau_s: float
    current_A: float
    E_before_V: float        # relaxed potential before the pulse
    E_after_V: float         # relaxed potential at the end of the following rest
    E_zero_plus_V: float     # E(0⁺): √t-fit intercept (IR jump removed)
    E_end_V: float           # measured potential at the end of the pulse
    iR_drop_V: float         # E(0⁺) − E_before
    ohmic_resistance_ohm: float  # iR_drop / I
    delta_Es_V: float
    delta_Et_V: float
    sqrt_t_r2: float
    relaxation_drift_V: float  # change over the last fifth of the following rest
    D_cm2_s: float
    tau_D_over_L2: float     # τ·D/L² (must be ≪ 1)
    inserted_charge_C: float  # net Zn-insertion (discharge) charge from the start to this pulse's end
    depth_fraction: float    # inserted charge scaled to 0..1 over the titrated range (1 = most Zn inserted)
    x_Zn_per_formula_unit: float | None  # change of Zn content per formula unit since the start
    flags: tuple[str, ...]
    t0_s: float = float("nan")           # current switch time used as the √t origin
    t0_method: str = "first-sample"      # step-time | fit | first-sample
    t0_note: str = ""                    # why the requested t0 source was not used, if it was not
    t0_offset_s: float = 0.0             # first pulse sample − t0 (how late the first sample is)
    D_first_sample_origin_cm2_s: float = float("nan")  # D with t = 0 at the first pulse sample

    @property
    def valid(self) -> bool:
        return not self.flags


@dataclass(frozen=True, eq=False, repr=False)
class GittAnalysis(Result):
    source: str
    geometry: GittGeometry
    r2_min: float
    max_tau_ratio: float
    max_drift_fraction: float
    rest_current_A: float
    pulse_s: float | None
    pulses: tuple[GittPulse, ...]
    time_s: np.ndarray
    potential_V: np.ndarray
    current_A: np.ndarray
    start_time: str = "auto"

    def headline(self) -> str:
        """Pulses found and valid, and the median D of the valid ones."""
        valid = [p.D_cm2_s for p in self.pulses if p.valid]
        median = f"{sig(float(np.median(valid)), 3)} cm² s⁻¹" if valid else "n/a (no valid pulse)"
        return (f"{len(self.pulses)} pulses ({len(valid)} valid), median D {median}, "
                f"L = {sig(self.geometry.length_cm * 1e4, 3)} µm; {self.t0_summary()}")

    def t0_counts(self) -> dict[str, int]:
        """Pulses per t0 source (``step-time``, ``fit``, ``first-sample``)."""
        methods = [p.t0_method for p in self.pulses]
        return {m: methods.count(m) for m in T0_SOURCES if m in methods}

    def t0_summary(self) -> str:
        """Where the pulses' t0 came from, in words: "t0 from the instrument's step time (4 of 4 pulses)"."""
        n = len(self.pulses)
        return "t0 from " + ", ".join(f"{T0_SOURCES[m]} ({k} of {n} pulse{'s' if n > 1 else ''})"
                                      for m, k in self.t0_counts().items())

    def to_frame(self):
        """One row per pulse: timing, potentials (V), D (cm² s⁻¹), checks and flags."""
        import pandas as pd

        rows = self.to_dict()["pulses"]
        for r in rows:
            r["flags"] = "; ".join(r["flags"])
        return pd.DataFrame(rows)

    def plot(self, ax=None):
        """D (cm² s⁻¹, log axis) against the depth of titration, flagged pulses marked; returns the Axes."""
        from ..plotting import new_axes
        from .plots_cycling import draw_gitt_D

        return draw_gitt_D(new_axes(ax), self)

    def to_dict(self) -> dict:
        g = self.geometry
        keep = np.unique(np.linspace(0, self.time_s.size - 1,
                                     min(self.time_s.size, TRANSIENT_POINTS)).round().astype(int))
        valid = [p.D_cm2_s for p in self.pulses if p.valid]
        return {
            "source": self.source,
            "method": "Weppner-Huggins: D = 4 L^2/(pi tau) (dEs/dEt)^2, L = m_B V_M/(M_B S)",
            "geometry": {"length_cm": g.length_cm, "mass_g": g.mass_g, "molar_mass_g_mol": g.molar_mass_g_mol,
                         "molar_volume_cm3_mol": g.molar_volume_cm3_mol, "area_cm2": g.area_cm2},
            "checks": {"sqrt_t_r2_min": self.r2_min, "tau_D_over_L2_max": self.max_tau_ratio,
                       "relaxation_drift_max_fraction_of_dEs": self.max_drift_fraction},
            "settings": {"rest_current_A": self.rest_current_A, "pulse_s": self.pulse_s,
                         "start_time": self.start_time},
            "t0_sources": self.t0_counts(),
            "t0_summary": self.t0_summary(),
            "n_pulses": len(self.pulses),
            "n_valid": len(valid),
            "D_cm2_s_median_valid": float(np.median(valid)) if valid else None,
            "pulses": [{**p.__dict__, "flags": list(p.flags), "valid": p.valid} for p in self.pulses],
            "transient": {"time_s": self.time_s[keep], "potential_V": self.potential_V[keep],
                          "current_A": self.current_A[keep]},
        }


def analyze_gitt(measurement: Measurement, geometry: GittGeometry, *, pulse_s: float | None = None,
                 rest_current_A: float | None = None, r2_min: float = 0.98,
                 max_tau_ratio: float = 0.1, max_drift_fraction: float = 0.05,
                 start_time: str = "auto") -> GittAnalysis:
    """Weppner–Huggins D for every pulse of a GITT measurement (see module doc for the checks).

    D = 4/(π τ) · L² · (ΔE_s/ΔE_t)², valid for τ ≪ L²/D and E linear in √t during the pulse.

    Parameters
    ----------
    measurement : Measurement
        Rest, pulse, rest, ... record (current in A).
    geometry : GittGeometry
        Diffusion length L (cm), from ``GittGeometry.from_length`` or ``from_electrode``.
    pulse_s : float, optional
        Nominal pulse length (s); current steps more than 20 % off are ignored.
    rest_current_A : float, optional
        |I| (A) at or below this is rest (default 1 % of max |I|).
    r2_min : float
        Minimum R² of E against √t during a pulse.
    max_tau_ratio : float
        Largest τ·D/L² accepted as τ ≪ L²/D.
    max_drift_fraction : float
        A rest whose potential still moves by more than this fraction of ΔE_s over its last
        fifth has not relaxed (flag ``relaxation_incomplete``).
    start_time : str
        How each pulse's t0 is found (module doc): ``auto`` (the step time if the record has
        ``step_time_s``, else the fit), ``step-time``, ``fit`` or ``first-sample``.

    Returns
    -------
    GittAnalysis
        One :class:`GittPulse` per pulse with D (cm² s⁻¹) and its flags; ``to_frame()`` tabulates them.
    """
    if start_time not in START_TIMES:
        raise InputError("option --start-time", f"got {start_time!r}", expected=" | ".join(START_TIMES))
    step_time = measurement.data["step_time_s"].to_numpy(float) if "step_time_s" in measurement.data else None
    if start_time == "step-time" and step_time is None:
        raise InputError(measurement.source, "no step-time column",
                         expected="a file with the time since each step began (or --start-time fit)")
    if pulse_s is not None:
        require_positive("pulse length (s)", pulse_s)
    if not 0 < r2_min < 1:
        raise InputError("parameter 'r2_min'", f"got {r2_min!r}", expected="0 < R² threshold < 1")
    require_positive("tau ratio threshold", max_tau_ratio)
    require_positive("relaxation drift fraction", max_drift_fraction)
    t, v, i = measurement.time_s, measurement.potential_V, measurement.current_A
    imax = float(np.max(np.abs(i)))
    if imax == 0:
        raise InputError(measurement.source, "current is zero everywhere", expected="GITT current pulses")
    rest = 0.01 * imax if rest_current_A is None else float(rest_current_A)
    found = detect_pulses(t, i, rest, pulse_s)
    on = np.abs(i) > rest
    found = [p for p in found if p[1] - p[0] >= 3 and t[p[1]] > t[p[0]]]
    if not found:
        raise InputError(measurement.source, "no current pulse followed by a rest was found",
                         expected="GITT data: rest, pulse, rest, ... (pulses of >= 4 points"
                                  + (f" lasting {pulse_s:g} s" if pulse_s else "") + ")")
    inserted = np.cumsum([-float(trapezoid(i[a:b + 1], t[a:b + 1])) for a, b, _ in found])  # C
    low, high = min(0.0, inserted.min()), max(0.0, inserted.max())
    x_scale = (geometry.molar_mass_g_mol / (Z_ZINC * FARADAY * geometry.mass_g)
               if geometry.mass_g and geometry.molar_mass_g_mol else None)
    pulses = []
    for k, ((a, b, r), q) in enumerate(zip(found, inserted), start=1):
        method = "step-time" if start_time == "auto" and step_time is not None else start_time
        method, note = ("fit" if method == "auto" else method), ""
        t0 = None
        if method == "step-time" and step_time is not None:  # not None: refused above
            t0 = step_time_start(t, step_time, measurement.step, a)
            if t0 is None:
                method, note = "fit", ("no step time in the file for this step: t0 fitted instead"
                                       if not np.isfinite(step_time[a]) else
                                       f"step time {step_time[a]:.6g} s at t = {t[a]:.6g} s does not fall after "
                                       "the previous step's last sample: t0 fitted instead")
        if t0 is None:
            t0 = (fitted_start_time(t[a:b + 1], v[a:b + 1], float(t[a - 1])) if method == "fit" else float(t[a]))
        tau = float(pulse_s) if pulse_s is not None else float(t[b] - t0)
        e0, slope, r2 = sqrt_time_fit(t[a:b + 1] - t0, v[a:b + 1])
        e_before, e_after, e_end = _rest_end(v, on, a - 1), _rest_end(v, on, r), float(v[b])
        d_es, d_et = abs(e_after - e_before), abs(slope) * np.sqrt(tau)
        D = float(weppner_huggins_D(tau, d_es, d_et, geometry.length_cm)) if d_et > 0 else float("nan")
        naive_slope = sqrt_time_fit(t[a:b + 1] - t[a], v[a:b + 1])[1]
        naive_tau = float(pulse_s) if pulse_s is not None else float(t[b] - t[a])
        D_naive = (float(weppner_huggins_D(naive_tau, d_es, abs(naive_slope) * np.sqrt(naive_tau),
                                           geometry.length_cm)) if naive_slope != 0 else float("nan"))
        ratio = tau * D / geometry.length_cm ** 2
        drift = relaxation_drift_V(t[b + 1:r + 1], v[b + 1:r + 1])
        flags = tuple(f for f, bad in (("sqrt_t_nonlinear", r2 < r2_min),
                                       ("tau_not_small_vs_L2_over_D", not ratio <= max_tau_ratio),
                                       ("relaxation_incomplete", drift > max_drift_fraction * d_es),
                                       ("no_potential_change", not (d_es > 0 and d_et > 0))) if bad)
        current = float(np.median(i[a:b + 1]))
        pulses.append(GittPulse(
            k, float(t[a]), tau, current, e_before, e_after, e0, e_end, e0 - e_before, (e0 - e_before) / current,
            d_es, d_et, r2, drift, D, ratio, float(q), float((q - low) / (high - low)),
            None if x_scale is None else float(q * x_scale), flags, t0, method, note, float(t[a] - t0), D_naive))
    return GittAnalysis(measurement.source, geometry, r2_min, max_tau_ratio, max_drift_fraction, rest, pulse_s,
                        tuple(pulses), t, v, i, start_time)
