"""Fitting the transient electrode models to measured rate capability.

A measured rate test gives the delivered discharge capacity Q_i (mAh g⁻¹ on a stated
mass basis) at specific currents I_i (A g⁻¹ on the same basis).  The question of the
article is whether bulk insertion alone explains Q(I), or whether an interface
reservoir is needed.  Both models of :mod:`interstore.transport.electrode` are fitted
by weighted least squares,

    χ²(θ) = Σ_i [(Q_model(I_i; θ) − Q_i) / σ_i]²,

over the free parameters θ (dotted config keys, e.g. ``host.diffusivity_m2_s``),
each searched in log10 space between user bounds, from several Latin-hypercube
starts (the best minimum is kept; how many starts reached it is reported).  The Jacobian is
taken by forward differences (a step of 10⁻³ of each log box), and a start stops once a
Gauss–Newton step from its current point would lower χ² by less than :data:`CHI2_TOL`: the
parameters are then within √0.01 = 0.1 standard errors (in the metric of their covariance)
of the minimum, a tolerance set by the data's σ rather than by round-off.

Uncertainty.  With the noise model N(0, σ_i²) stated by the user, the covariance of
the log10 parameters is (JᵀJ)⁻¹ at the optimum (J the Jacobian of the weighted
residuals), so a 95 % interval is 10^(log10 θ ± 1.96 s).  A parameter is reported as
*not identifiable* when its relative standard error exceeds 100 % (s > 0.434 in
log10), when it is correlated with another beyond |r| = 0.95 (only a combination is
determined), or when the fit ends on a bound.  Profile likelihoods (refit the others
with one parameter held on a grid; the 95 % interval is where Δχ² < 3.84) are
available for the parameters that matter.

Model comparison.  Both models share the Gaussian likelihood, so −2 ln L = χ² + const,
AIC = χ² + 2k and BIC = χ² + k ln n; the model with the lower BIC is preferred, and
ΔBIC > 6 is called strong evidence (Kass & Raftery, JASA 1995, 90, 773).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence, TypeVar

import numpy as np

from ..errors import InputError, SimulationError
from .cellconfig import CellConfig

if TYPE_CHECKING:
    from .fit_curves import DischargeCurves

T = TypeVar("T")
Z95 = 1.959963984540054          # two-sided 95 % normal quantile
DCHI2_95 = 3.841458820694124     # χ²(1) 95 % quantile: profile-likelihood interval
CORRELATION_LIMIT = 0.95
LOG10_SE_LIMIT = 1.0 / math.log(10.0)  # 100 % relative standard error, in log10 units
STRONG_DELTA_BIC = 6.0
DEFAULT_RELATIVE_SIGMA = 0.03    # 3 % of the measured capacity when no σ is given
FAILED_RESIDUAL = 1e3            # weighted residual given to a rate the simulator cannot run
CHI2_TOL = 0.01                  # stop when a Gauss–Newton step would lower χ² by less (0.1 σ from the minimum)
DIFF_STEP = 1e-3                 # forward-difference step of the Jacobian, in units of each log10 box
REMEMBERED_EVALUATIONS = 16      # model evaluations kept, so the Jacobian and the final result reuse them


@dataclass(frozen=True)
class RateData:
    """Measured rate capability on one mass basis.

    Attributes
    ----------
    current_A_g, capacity_mAh_g, sigma_mAh_g : ndarray
        Specific current (A g⁻¹), delivered discharge capacity (mAh g⁻¹) and its standard
        deviation (mAh g⁻¹), ascending in current, all on ``mass_basis``.
    mass_basis : str
        ``active``, ``composite`` or ``electrode``; it must equal the cell config's basis.
    noise_model : str
        How σ was obtained, printed with every fit.
    source : str
        Where the numbers came from.
    """

    current_A_g: np.ndarray
    capacity_mAh_g: np.ndarray
    sigma_mAh_g: np.ndarray
    mass_basis: str
    noise_model: str
    source: str = "<data>"

    def __post_init__(self) -> None:
        i, q, s = (np.asarray(a, float) for a in (self.current_A_g, self.capacity_mAh_g, self.sigma_mAh_g))
        if not (i.shape == q.shape == s.shape and i.ndim == 1):
            raise InputError(self.source, "current, capacity and sigma differ in length",
                             expected="one capacity and one sigma per current")
        if i.size < 2:
            raise InputError(self.source, f"{i.size} rate(s)", expected="capacities at two or more currents")
        for name, arr, lo, hi in (("current", i, 1e-6, 1e4), ("capacity", q, 0.0, 1e4), ("sigma", s, 1e-9, 1e4)):
            bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi) | ((arr <= 0) if name != "capacity" else False)
            if bad.any():
                raise InputError(self.source, f"{name} {arr[bad][0]!r} out of range",
                                 expected=f"finite {name} in ({lo:g}, {hi:g}]")
        if np.unique(i).size != i.size:
            raise InputError(self.source, "a current appears twice", expected="one capacity per current")
        order = np.argsort(i)
        object.__setattr__(self, "current_A_g", i[order])
        object.__setattr__(self, "capacity_mAh_g", q[order])
        object.__setattr__(self, "sigma_mAh_g", s[order])

    @classmethod
    def from_arrays(cls, current_A_g: Sequence[float] | np.ndarray, capacity_mAh_g: Sequence[float] | np.ndarray, *,
                    mass_basis: str,
                    sigma_mAh_g: Sequence[float] | None = None, relative_sigma: float = DEFAULT_RELATIVE_SIGMA,
                    source: str = "<data>") -> "RateData":
        """Rate data with per-point σ, or σ = ``relative_sigma`` × capacity when none is given."""
        q = np.asarray(capacity_mAh_g, float)
        if sigma_mAh_g is None:
            if not 0 < relative_sigma < 1:
                raise InputError("relative_sigma", f"got {relative_sigma!r}", expected="a fraction in (0, 1)")
            sigma = np.maximum(relative_sigma * np.abs(q), 1e-6)
            noise = f"σ = {100 * relative_sigma:.3g} % of each capacity (assumed; no σ given)"
        else:
            sigma = np.asarray(sigma_mAh_g, float)
            noise = "σ per rate as given"
        return cls(np.asarray(current_A_g, float), q, sigma, mass_basis, noise, source)


@dataclass(frozen=True)
class FreeParameter:
    """A config key fitted in log10 space between ``lower`` and ``upper`` (config units)."""

    key: str
    lower: float
    upper: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lower) and math.isfinite(self.upper) and 0 < self.lower < self.upper):
            raise InputError(f"parameter '{self.key}'", f"bounds {self.lower!r}:{self.upper!r}",
                             expected="0 < lower < upper (fitted in log10 space)")

    @classmethod
    def parse(cls, text: str) -> "FreeParameter":
        """``"host.diffusivity_m2_s=1e-19:1e-14"`` → FreeParameter."""
        key, eq, bounds = text.partition("=")
        lo, colon, hi = bounds.partition(":")
        try:
            if not (eq and colon):
                raise ValueError
            return cls(key.strip(), float(lo), float(hi))
        except ValueError:
            raise InputError(f"free parameter {text!r}", "could not parse",
                             expected="KEY=LOWER:UPPER, e.g. host.diffusivity_m2_s=1e-19:1e-14") from None

    @property
    def log_bounds(self) -> tuple[float, float]:
        return math.log10(self.lower), math.log10(self.upper)


@dataclass(frozen=True)
class ParameterEstimate:
    """Fitted value, 95 % interval, log10 standard error and identifiability of one parameter."""

    key: str
    value: float
    ci95_low: float
    ci95_high: float
    log10_stderr: float
    lower_bound: float
    upper_bound: float
    identifiable: bool
    note: str = ""
    profile_ci95: tuple[float, float] | None = None


@dataclass(frozen=True)
class FitResult:
    """One model fitted to :class:`RateData`.

    ``model`` is ``heterostructure`` or ``bulk_only``; χ², AIC and BIC use the stated
    noise model; ``predicted_mAh_g`` and ``residual_sigma`` are per rate."""

    model: str
    parameters: tuple[ParameterEstimate, ...]
    fixed: dict[str, float]
    chi2: float
    n_points: int
    aic: float
    bic: float
    correlation: np.ndarray
    current_A_g: np.ndarray
    measured_mAh_g: np.ndarray
    predicted_mAh_g: np.ndarray
    residual_sigma: np.ndarray
    n_evaluations: int
    starts: int
    starts_at_best: int
    mass_basis: str
    noise_model: str
    interface_capacity_mAh_g: float = 0.0
    warnings: tuple[str, ...] = ()
    curve_points: int = 0                    # discharge-curve points fitted besides the capacities
    curve_rms_residual: float | None = None  # RMS of their weighted residuals (σ_V units)
    predicted_curves: tuple[tuple[np.ndarray, np.ndarray], ...] = ()  # (Q mAh g⁻¹, V) per rate, best fit

    @property
    def values(self) -> dict[str, float]:
        return {p.key: p.value for p in self.parameters}

    def __repr__(self) -> str:
        pars = ", ".join(f"{p.key}={p.value:.3g}" for p in self.parameters)
        return (f"FitResult({self.model}: {pars}; χ²={self.chi2:.3g} for {self.n_points} points, "
                f"BIC={self.bic:.3g}, {self.mass_basis} basis)")

    def to_dict(self) -> dict:
        """JSON-ready form, units in the keys."""
        return {
            "model": self.model, "mass_basis": self.mass_basis, "noise_model": self.noise_model,
            "parameters": [asdict(p) for p in self.parameters], "fixed": dict(self.fixed),
            "chi2": self.chi2, "n_points": self.n_points, "k_free": len(self.parameters),
            "aic": self.aic, "bic": self.bic,
            "correlation": {"keys": [p.key for p in self.parameters], "matrix": self.correlation.tolist()},
            "rates": [{"current_A_g": float(i), "measured_mAh_g": float(m), "predicted_mAh_g": float(p),
                       "residual_sigma": float(r)} for i, m, p, r in
                      zip(self.current_A_g, self.measured_mAh_g, self.predicted_mAh_g, self.residual_sigma)],
            "interface_capacity_mAh_g": self.interface_capacity_mAh_g,
            "n_evaluations": self.n_evaluations, "starts": self.starts, "starts_at_best": self.starts_at_best,
            "warnings": list(self.warnings),
            "curves": None if not self.curve_points else {
                "points": self.curve_points, "rms_residual_sigma": self.curve_rms_residual,
                "predicted": [{"capacity_mAh_g": q.tolist(), "potential_V": v.tolist()}
                              for q, v in self.predicted_curves]},
        }


@dataclass(frozen=True)
class ModelComparison:
    """Bulk-only against heterostructure on the same data, with the verdict in words."""

    bulk_only: FitResult
    heterostructure: FitResult
    delta_bic: float          # BIC(bulk_only) − BIC(heterostructure); > 0 favours the interface model
    delta_aic: float
    preferred: str
    verdict: str
    plausibility: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"preferred": self.preferred, "delta_bic_bulk_minus_hetero": self.delta_bic,
                "delta_aic_bulk_minus_hetero": self.delta_aic, "verdict": self.verdict,
                "plausibility": list(self.plausibility),
                "fits": {"bulk_only": self.bulk_only.to_dict(), "heterostructure": self.heterostructure.to_dict()}}


def predict_capacity(config: CellConfig, current_A_g: Sequence[float] | np.ndarray,
                     values: dict[str, float] | None = None, *, bulk_only: bool = False) -> np.ndarray:
    """Simulated discharge capacity (mAh g⁻¹, config basis) at each current, with ``values``
    replacing config keys; the order of ``current_A_g`` is kept.  All currents are integrated
    together (:func:`~interstore.transport.electrode.simulate_galvanostatic_batch`, one mesh
    resolved for the highest current)."""
    return np.array([d.capacity_mAh_g[-1] for d in simulate_rates(config, current_A_g, values, bulk_only=bulk_only)])


def simulate_rates(config: CellConfig, current_A_g: Sequence[float] | np.ndarray, values: dict[str, float] | None = None,
                   *, bulk_only: bool = False) -> list:
    """The simulated discharges (:class:`~interstore.transport.electrode.Discharge`) behind
    :func:`predict_capacity`, one per current, in the given order."""
    from .electrode import simulate_galvanostatic_batch

    cfg = config.updated(**values) if values else config
    return simulate_galvanostatic_batch(cfg, np.asarray(current_A_g, float), bulk_only=bulk_only)


def weighted_residuals(config: CellConfig, data: RateData, values: dict[str, float] | None = None, *,
                       bulk_only: bool = False, curves: DischargeCurves | None = None) -> tuple[np.ndarray, list]:
    """(Q_model − Q)/σ per rate, then (V_model − V)/σ_V per kept curve point when ``curves`` is
    given; and the simulated discharges."""
    runs = simulate_rates(config, data.current_A_g, values, bulk_only=bulk_only)
    q = np.array([d.capacity_mAh_g[-1] for d in runs])
    r = (q - data.capacity_mAh_g) / data.sigma_mAh_g
    return (r if curves is None else np.concatenate([r, curves.residuals(runs)])), runs


def _check(config: CellConfig, data: RateData, free: Sequence[FreeParameter]) -> None:
    if data.mass_basis != config.cell.mass_basis:
        raise InputError(data.source, f"capacities are on the {data.mass_basis!r} basis but the config simulates "
                         f"{config.cell.mass_basis!r}", expected="the same mass basis (set cell.mass_basis)")
    keys = [p.key for p in free]
    if len(set(keys)) != len(keys):
        raise InputError("free parameters", "a key is given twice", expected="each key once")
    if len(free) >= data.current_A_g.size:
        raise InputError("free parameters", f"{len(free)} free parameters for {data.current_A_g.size} rates",
                         expected="fewer free parameters than measured rates")
    dump = config.model_dump()
    for p in free:
        section, _, name = p.key.partition(".")
        if not isinstance(dump.get(section), dict) or name not in dump[section]:
            raise InputError(f"parameter '{p.key}'", "unknown config key", expected="section.key, e.g. host.size_m")


START_CHOICES = ("centre", "config")


def _config_value(dump: dict, key: str) -> float:
    """The value of ``section.key`` in a config's ``model_dump()``."""
    section, _, name = key.partition(".")
    return float(dump[section][name])


def _latin_starts(free: Sequence[FreeParameter], n: int, seed: int, first: np.ndarray | None = None) -> np.ndarray:
    """``n`` start points in unit coordinates: ``first`` (default the centre of the box), then a
    Latin hypercube."""
    from scipy.stats import qmc

    centre = np.full((1, len(free)), 0.5) if first is None else np.atleast_2d(first)
    if n <= 1:
        return centre
    return np.vstack([centre, qmc.LatinHypercube(d=len(free), seed=seed).random(n - 1)])


def _estimates(free, u_best, jac, result_at_bound) -> tuple[tuple[ParameterEstimate, ...], np.ndarray, list[str]]:
    spans = np.array([hi - lo for lo, hi in (p.log_bounds for p in free)])
    j_log = jac / spans                                  # d r / d log10 θ
    cov = np.linalg.pinv(j_log.T @ j_log)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(se, se)
    corr = np.where(np.isfinite(corr), corr, 0.0)
    np.fill_diagonal(corr, 1.0)
    sv = np.linalg.svd(j_log, compute_uv=False)
    rank_deficient = sv.size and sv[-1] <= 1e-8 * sv[0]
    notes: list[str] = []
    warnings: list[str] = []
    out = []
    for k, p in enumerate(free):
        lo, hi = p.log_bounds
        log_v = lo + u_best[k] * (hi - lo)
        reasons = []
        if se[k] > LOG10_SE_LIMIT or not np.isfinite(se[k]):
            reasons.append(f"relative standard error > 100 % (±{se[k]:.2g} decades)")
        partners = [free[m].key for m in range(len(free)) if m != k and abs(corr[k, m]) > CORRELATION_LIMIT]
        if partners or rank_deficient:
            with_ = ", ".join(partners) if partners else "the other parameters"
            reasons.append(f"|correlation| > {CORRELATION_LIMIT} with {with_}: only their combination is determined")
        if result_at_bound[k]:
            reasons.append("ends on a bound")
        note = "; ".join(reasons)
        out.append(ParameterEstimate(p.key, float(10 ** log_v), float(10 ** (log_v - Z95 * se[k])),
                                     float(10 ** (log_v + Z95 * se[k])), float(se[k]), p.lower, p.upper,
                                     not reasons, note))
        if reasons:
            warnings.append(f"{p.key} is not identifiable from these data: {note}")
    return tuple(out), corr, warnings


def _remembered(fn: Callable[[np.ndarray], T]) -> Callable[[np.ndarray], T]:
    """``fn(u)`` remembered for the last :data:`REMEMBERED_EVALUATIONS` distinct u (keyed by its bytes)."""
    seen: dict[bytes, T] = {}

    def call(u: np.ndarray) -> T:
        key = np.asarray(u, float).tobytes()
        if key not in seen:
            if len(seen) >= REMEMBERED_EVALUATIONS:
                del seen[next(iter(seen))]
            seen[key] = fn(u)
        return seen[key]
    return call


def minimise_chi2(residuals: Callable[[np.ndarray], np.ndarray], u0: Sequence[float] | np.ndarray, *,
                  max_nfev: int = 200):
    """Minimise Σ r(u)² over the unit box [0, 1]ᵏ (each coordinate a parameter's log10 box).

    scipy's trust-region-reflective ``least_squares`` with a forward-difference Jacobian (step
    :data:`DIFF_STEP`, backward where it would leave the box, reusing r(u)); a start ends once a
    Gauss–Newton step would lower χ² by less than :data:`CHI2_TOL` (coordinates held on a bound by
    the gradient excluded), or at scipy's own tolerances; a start that already meets that returns at
    once (with the Jacobian there).  ``residuals`` is called once per distinct u.  Returns scipy's
    ``OptimizeResult`` (``x``, ``cost``, ``fun``, ``jac`` at ``x``, ``active_mask``, ``nfev``)."""
    from scipy.optimize import least_squares

    fun = _remembered(lambda u: np.asarray(residuals(u), float))
    jacobians: list[np.ndarray] = []

    def jacobian(u: np.ndarray) -> np.ndarray:
        r0 = fun(u)
        columns = []
        for k in range(u.size):
            up = u.copy()
            up[k] += DIFF_STEP if u[k] + DIFF_STEP <= 1.0 else -DIFF_STEP
            columns.append((fun(up) - r0) / (up[k] - u[k]))
        jacobians.append(np.column_stack(columns))
        return jacobians[-1]

    def stop_when_converged(intermediate_result) -> None:
        if _gauss_newton_gain(intermediate_result.x, intermediate_result.fun, jacobians[-1]) < CHI2_TOL:
            raise StopIteration

    u0 = np.asarray(u0, float)
    at_start = _gauss_newton_gain(u0, fun(u0), jacobian(u0)) < CHI2_TOL   # then scipy returns u0 and its J
    return least_squares(fun, u0, jac=jacobian, bounds=(0.0, 1.0), x_scale=1.0, xtol=1e-8, ftol=1e-10, gtol=1e-10,
                         max_nfev=1 if at_start else max_nfev, callback=stop_when_converged)


def _gauss_newton_gain(u: np.ndarray, r: np.ndarray, jac: np.ndarray) -> float:
    """Decrease of χ² = Σ r² a Gauss–Newton step from u would give, ‖J δ‖² with δ the least-squares
    solution of J δ = r, over the coordinates not held on a bound (u ∈ [0, 1]) by the gradient Jᵀr."""
    grad = jac.T @ r
    held = ((u <= 1e-6) & (grad > 0)) | ((u >= 1.0 - 1e-6) & (grad < 0))
    free_cols = jac[:, ~held]
    if not free_cols.shape[1] or not np.all(np.isfinite(free_cols)):
        return 0.0 if not free_cols.shape[1] else math.inf
    step = np.linalg.lstsq(free_cols, r, rcond=None)[0]
    return float(np.sum((free_cols @ step) ** 2))


def fit_rate_capability(config: CellConfig, data: RateData, free: Sequence[FreeParameter], *,
                        bulk_only: bool = False, starts: int = 4, seed: int = 0,
                        progress: Callable[[], None] | None = None,
                        curves: DischargeCurves | None = None, start: str = "centre") -> FitResult:
    """Fit one model (heterostructure, or ``bulk_only``) to measured rate capability.

    Parameters
    ----------
    config : CellConfig
        The cell; every key not in ``free`` stays fixed at its config value.
    data : RateData
        Capacities (mAh g⁻¹) with σ, on the config's mass basis.
    free : sequence of FreeParameter
        Keys and bounds; fitted in log10 space.  Interface keys are dropped (and listed
        as unused) for the bulk-only model.
    starts : int
        Number of least-squares starts (centre of the box + Latin hypercube).
    progress : callable, optional
        Called once per finished start.
    curves : DischargeCurves, optional
        Discharge curves at the same currents: their potentials are fitted too
        (:mod:`interstore.transport.fit_curves`), and χ², AIC and BIC count their points.
    start : str
        First start: ``centre`` of the log box, or ``config`` (each free key's config value,
        clipped into its bounds); the other starts are the Latin hypercube.

    Returns
    -------
    FitResult
    """
    model = "bulk_only" if bulk_only else "heterostructure"
    used = [p for p in free if not (bulk_only and p.key.startswith("interface."))]
    if not free:
        raise InputError("free parameters", "none given", expected="one or more KEY=LOWER:UPPER")
    _check(config, data, used)
    if curves is not None and (curves.mass_basis != data.mass_basis or not curves.matches(data.current_A_g)):
        raise InputError(curves.source, "the curves are not at the rates (or on the mass basis) of the capacities",
                         expected=f"one discharge curve per current {', '.join(f'{i:.3g}' for i in data.current_A_g)} "
                                  f"A/g ({data.mass_basis})")
    if not 1 <= starts <= 100:
        raise InputError("starts", f"got {starts!r}", expected="1 to 100 least-squares starts")
    if start not in START_CHOICES:
        raise InputError("start", f"got {start!r}", expected=" or ".join(START_CHOICES))
    spans = [p.log_bounds for p in used]
    n_eval = 0
    failures: list[str] = []
    n_res = data.current_A_g.size + (0 if curves is None else curves.n_points)

    def to_values(u: np.ndarray) -> dict[str, float]:
        return {p.key: 10 ** (lo + float(np.clip(x, 0, 1)) * (hi - lo)) for p, (lo, hi), x in zip(used, spans, u)}

    def simulate(u: np.ndarray) -> tuple[np.ndarray, list]:
        """Weighted residuals and simulated discharges at unit coordinates u."""
        nonlocal n_eval
        n_eval += 1
        try:
            return weighted_residuals(config, data, to_values(u), bulk_only=bulk_only, curves=curves)
        except InputError as exc:           # e.g. a rate this parameter set cannot reach in bounded time
            failures.append(exc.one_line())
            return np.full(n_res, FAILED_RESIDUAL), []

    evaluate = _remembered(simulate)        # the final result reuses the best point's discharges

    def residuals(u: np.ndarray) -> np.ndarray:
        return evaluate(u)[0]

    if not used:                            # nothing left to fit: the fixed config is the model
        starts = 1
    best, costs = None, []
    first = None
    if start == "config" and used:
        dump = config.model_dump()
        first = np.clip([(math.log10(_config_value(dump, p.key)) - lo) / (hi - lo) for p, (lo, hi) in zip(used, spans)],
                        0.0, 1.0)
    for u0 in (_latin_starts(used, starts, seed, first) if used else ()):
        res = minimise_chi2(residuals, u0)
        costs.append(2 * res.cost)
        if best is None or res.cost < best.cost:
            best = res
        if progress is not None:
            progress()
    if used:
        assert best is not None             # at least one start ran
        u_best, best_residuals = best.x, best.fun
        chi2 = 2.0 * float(best.cost)
        params, corr, warnings = _estimates(used, u_best, best.jac, [bool(b != 0) for b in best.active_mask])
    else:
        u_best = np.zeros(0)
        best_residuals = residuals(u_best)
        chi2 = float(np.sum(best_residuals ** 2))
        params, corr, warnings = (), np.zeros((0, 0)), []
        costs = [chi2]
    if failures and np.all(best_residuals == FAILED_RESIDUAL):
        keys = ", ".join(p.key for p in used) or "the fixed config"
        raise SimulationError("free parameters", f"no start of the fit could be simulated: {len(failures)} of "
                              f"{n_eval} parameter sets failed, the best one too (last: {failures[-1]})",
                              expected=f"bounds of {keys} (or a config) for which the model runs at every rate")
    at_best = int(sum(c <= chi2 + 0.5 for c in costs))   # starts within Δχ² < 0.5 of the best
    dropped = [p.key for p in free if p not in used]
    if dropped:
        warnings.append(f"not used by the bulk-only model: {', '.join(dropped)}")
    n = n_res
    k = len(used)
    r_best, runs = evaluate(u_best)
    predicted = np.array([d.capacity_mAh_g[-1] for d in runs])
    r_curves = r_best[data.current_A_g.size:]
    fixed_keys = {"host.diffusivity_m2_s", "host.size_m", "host.exchange_current_A_m2",
                  "interface.sites_per_nm2", "interface.zn_per_site", "interface.sigma_ion_S_m"}
    dump = config.model_dump()
    fixed = {key: _config_value(dump, key) for key in sorted(fixed_keys)
             if key not in {p.key for p in used} and not (bulk_only and key.startswith("interface."))}
    return FitResult(model, params, fixed, chi2, n, chi2 + 2 * k, chi2 + k * math.log(n), corr,
                     data.current_A_g, data.capacity_mAh_g, predicted, (predicted - data.capacity_mAh_g)
                     / data.sigma_mAh_g, n_eval, starts, at_best, data.mass_basis,
                     data.noise_model if curves is None else f"{data.noise_model}; {curves.noise_model}",
                     0.0 if bulk_only else interface_capacity_mAh_g(config.updated(**to_values(u_best))),
                     tuple(warnings), int(r_curves.size),
                     float(np.sqrt(np.mean(r_curves ** 2))) if r_curves.size else None,
                     tuple((d.capacity_mAh_g, d.potential_V) for d in runs) if curves is not None else ())


def interface_capacity_mAh_g(config: CellConfig) -> float:
    """Capacity of the interface reservoir (mAh g⁻¹ on the config's mass basis); 0 when disabled."""
    from .model import build_model

    model = build_model(config)
    cell = config.cell
    q_active = sum(r.capacity_C_g for r in model.reservoirs if r.name == "interface") / 3.6
    return float(q_active * cell.active_mass_g / cell.masses.mass_g(cell.mass_basis))


def profile_likelihood(config: CellConfig, data: RateData, free: Sequence[FreeParameter], key: str, *,
                       bulk_only: bool = False, points: int = 9, starts: int = 1,
                       curves: DischargeCurves | None = None) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """Profile of χ² along ``key``: hold it on a log grid, refit the others.

    Returns the grid (config units), Δχ² above the best point on the grid, and the 95 %
    profile interval (where Δχ² < 3.84, interpolated in log10; a bound when the profile
    does not rise that far, which says the data do not pin the parameter there)."""
    target = next((p for p in free if p.key == key), None)
    if target is None:
        raise InputError("profile", f"{key!r} is not a free parameter", expected="one of the fitted keys")
    others = [p for p in free if p.key != key]
    grid = np.geomspace(target.lower, target.upper, points)
    chi2 = []
    for v in grid:
        held = config.updated(**{key: float(v)})
        if others:
            chi2.append(fit_rate_capability(held, data, others, bulk_only=bulk_only, starts=starts,
                                            curves=curves).chi2)
        else:
            chi2.append(float(np.sum(weighted_residuals(held, data, bulk_only=bulk_only, curves=curves)[0] ** 2)))
    d = np.asarray(chi2) - min(chi2)
    inside = np.flatnonzero(d < DCHI2_95)
    lg = np.log10(grid)

    def crossing(a: int, b: int) -> float:
        return float(10 ** np.interp(DCHI2_95, [d[a], d[b]], [lg[a], lg[b]]) if d[b] != d[a] else grid[a])

    lo_i, hi_i = inside[0], inside[-1]
    low = target.lower if lo_i == 0 else crossing(lo_i, lo_i - 1) if d[lo_i - 1] > d[lo_i] else grid[lo_i]
    high = target.upper if hi_i == points - 1 else crossing(hi_i, hi_i + 1) if d[hi_i + 1] > d[hi_i] else grid[hi_i]
    return grid, d, (float(low), float(high))


def _interval_text(p: ParameterEstimate) -> str:
    if not p.identifiable:
        return f"{p.key} not pinned down ({p.note})"
    return f"{p.key} = {p.value:.2g} (95 % {p.ci95_low:.2g}–{p.ci95_high:.2g})"


@dataclass(frozen=True)
class PlausibleRange:
    """A range (config units) known from other evidence, and where it came from."""

    lower: float
    upper: float
    source: str = "you gave"


@dataclass(frozen=True)
class RangeCheck:
    """One fitted (or derived) value checked against a :class:`PlausibleRange`."""

    model: str
    quantity: str
    value: float
    range: PlausibleRange
    identifiable: bool = True

    @property
    def agrees(self) -> bool:
        return self.range.lower <= self.value <= self.range.upper

    @property
    def text(self) -> str:
        """The disagreement in words (or the agreement)."""
        where = "inside" if self.agrees else "outside"
        pinned = "" if self.identifiable else " (not pinned down by the data)"
        return (f"{self.model}: {self.quantity} = {self.value:.2g}{pinned} is {where} the plausible range "
                f"{self.range.lower:.2g}–{self.range.upper:.2g} {self.range.source}")

    def to_dict(self) -> dict:
        return {"model": self.model, "quantity": self.quantity, "value": self.value, "lower": self.range.lower,
                "upper": self.range.upper, "source": self.range.source, "identifiable": self.identifiable,
                "agrees": self.agrees, "text": self.text}


def check_ranges(model: str, values: dict[str, float],
                 plausible: Mapping[str, PlausibleRange | tuple[float, float]] | None,
                 identifiable: dict[str, bool] | None = None) -> list[RangeCheck]:
    """Every value of ``values`` that has a range in ``plausible`` (a ``(lower, upper)`` pair means
    a range the user gave), checked: ``RangeCheck.agrees`` is False outside it."""
    out = []
    for key, value in values.items():
        rng = (plausible or {}).get(key)
        if rng is None:
            continue
        rng = rng if isinstance(rng, PlausibleRange) else PlausibleRange(float(rng[0]), float(rng[1]))
        out.append(RangeCheck(model, key, float(value), rng, (identifiable or {}).get(key, True)))
    return out


def parameter_checks(fit: FitResult, plausible) -> list[RangeCheck]:
    """The fitted parameters of ``fit`` against ``plausible`` (see :func:`check_ranges`)."""
    return check_ranges(fit.model, fit.values, plausible, {p.key: p.identifiable for p in fit.parameters})


def compare_models(config: CellConfig, data: RateData, free: Sequence[FreeParameter], *, starts: int = 4,
                   seed: int = 0, plausible: Mapping[str, PlausibleRange | tuple[float, float]] | None = None,
                   progress: Callable[[], None] | None = None,
                   curves: DischargeCurves | None = None, start: str = "centre") -> ModelComparison:
    """Fit bulk-only and heterostructure models to the same data and say which the data prefer.

    ``plausible`` maps config keys to ranges known from other evidence (GITT/EIS
    diffusivity, atomistic n_max, geometry): ``(lower, upper)`` pairs or
    :class:`PlausibleRange`; a fitted value outside its range is listed as a
    disagreement and named in the verdict."""
    bulk = fit_rate_capability(config, data, free, bulk_only=True, starts=starts, seed=seed, progress=progress,
                               curves=curves, start=start)
    het = fit_rate_capability(config, data, free, starts=starts, seed=seed, progress=progress, curves=curves,
                              start=start)
    d_bic, d_aic = bulk.bic - het.bic, bulk.aic - het.aic
    preferred = "heterostructure" if d_bic > 0 else "bulk_only"
    strength = "strongly" if abs(d_bic) > STRONG_DELTA_BIC else "weakly"
    issues = [c.text for fit in (bulk, het) for c in parameter_checks(fit, plausible) if not c.agrees]
    words = {"bulk_only": "bulk insertion alone", "heterostructure": "bulk insertion plus an interface reservoir"}
    verdict = (f"The data {strength} prefer {words[preferred]} (ΔBIC = {d_bic:+.1f}, bulk − interface; "
               f"χ² {bulk.chi2:.3g} vs {het.chi2:.3g} for {data.current_A_g.size} rates"
               f"{'' if curves is None else ' and their discharge curves'}, noise: {data.noise_model}"
               f"{'' if curves is None else '; ' + curves.noise_model}). "
               f"Bulk-only needs {'; '.join(_interval_text(p) for p in bulk.parameters) or 'no free parameter'}; "
               f"the interface model fits with {'; '.join(_interval_text(p) for p in het.parameters)}, "
               f"an interface capacity of {het.interface_capacity_mAh_g:.3g} mAh g⁻¹ ({data.mass_basis}).")
    if issues:
        verdict += " Disagreements with other evidence: " + "; ".join(issues) + "."
    return ModelComparison(bulk, het, float(d_bic), float(d_aic), preferred, verdict, tuple(issues))


def read_rate_table(path: str | Path, *, mass_basis: str, relative_sigma: float = DEFAULT_RELATIVE_SIGMA) -> RateData:
    """Rate data from a CSV with ``current_A_g`` and ``capacity_mAh_g`` columns (optional
    ``sigma_mAh_g``), or from the JSON of ``interstore gcd analyze`` (its ``rate_steps``
    on ``mass_basis``)."""
    import json

    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", expected="a CSV rate table or a gcd analyze JSON")
    if path.suffix.lower() == ".json":
        try:
            steps = json.loads(path.read_text(encoding="utf-8"))["rate_steps"]
            cur = [s["current_density_A_g"][mass_basis] for s in steps]
            cap = [s["discharge_capacity_mAh_g"][mass_basis] for s in steps]
        except (ValueError, KeyError, TypeError):
            raise InputError(path, f"no rate_steps with {mass_basis!r} values",
                             expected="the --json output of 'interstore gcd analyze'") from None
        return RateData.from_arrays(np.abs(cur), cap, mass_basis=mass_basis, relative_sigma=relative_sigma,
                                    source=str(path))
    try:
        frame = pd.read_csv(path, comment="#")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a readable CSV ({exc})", expected="columns current_A_g,capacity_mAh_g") from None
    missing = {"current_A_g", "capacity_mAh_g"} - set(frame.columns)
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(sorted(missing))}",
                         expected="columns current_A_g,capacity_mAh_g[,sigma_mAh_g]")
    try:
        cols = {c: pd.to_numeric(frame[c]).to_numpy(float) for c in frame.columns
                if c in ("current_A_g", "capacity_mAh_g", "sigma_mAh_g")}
    except ValueError:
        raise InputError(path, "a non-numeric cell", expected="numbers in every row") from None
    return RateData.from_arrays(cols["current_A_g"], cols["capacity_mAh_g"], mass_basis=mass_basis,
                                sigma_mAh_g=cols.get("sigma_mAh_g"), relative_sigma=relative_sigma, source=str(path))
