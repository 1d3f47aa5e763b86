"""EIS: equivalent-circuit fit (impedance.py) and the Warburg diffusion coefficient.

Circuits (impedance.py notation), all with a Warburg element in the charge-transfer branch:

    randles         R0-p(R1-W1,C1)      W:  Z = σ_W (1 − j) ω^-½
    randles-fl      R0-p(R1-Wo1,C1)     Wo: Z = Z0 coth(√(jωτ_d))/√(jωτ_d), τ_d = L²/D; σ_W = Z0/√(2τ_d)
    randles-cpe, randles-fl-cpe         the same with C1 replaced by a constant-phase element

Diffusion coefficient from the Warburg coefficient σ_W (Ω s^-½):

    D = R² T² / (2 A² n⁴ F⁴ C² σ_W²)       cm² s⁻¹  (A in cm², C in mol cm⁻³, n = 2 for Zn²⁺)

σ_W is also taken from the slope of Z′ against ω^-½ in the low-frequency (diffusion) region
as a cross-check of the fitted value.

Before fitting, the spectrum is checked with the Lin-KK test (:mod:`.kramers_kronig`); a spectrum
that fails it is not linear, causal and stable, and no diffusion coefficient is reported from it
unless ``force_kk=True`` (CLI ``--force-kk``), which is stated in the warnings.

Weighting of the complex least squares (residuals r = Z_fit − Z, real and imaginary parts stacked):

    unit          r′, r″ as they are
    modulus       r′/|Z|, r″/|Z|       (default: every decade of |Z| counts alike)
    proportional  r′/|Z′|, r″/|Z″|

Standard errors and correlations come from the covariance of the weighted fit,
cov = s²(JᵀJ)⁻¹ with J the Jacobian of the weighted residuals and s² = Σr²/(2N − p), so that
ρ_ij = cov_ij/√(cov_ii cov_jj).  A parameter with |ρ| > 0.95 to another, or a relative standard
error above 100 %, is not identifiable from the spectrum and is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import FARADAY, GAS_CONSTANT, ROOM_TEMPERATURE, Z_ZINC
from ..errors import InputError, parameter_error, require_positive
from ..results import Result, sig
from .kramers_kronig import RESIDUAL_MAX_PCT, KKResult, lin_kk
from .record import ImpedanceSpectrum

MAX_EVALUATIONS = 500  # circuit evaluations per least-squares start (1-5 ms each in impedance.py)
FIT_RMS_MAX = 0.1  # a fit further than 10 % RMS from the spectrum does not describe it
WARBURG_SHARE_MIN = 0.01  # a Warburg below 1 % of |Z| at the lowest frequency is not measured
SLOPE_R2_MIN = 0.9  # below this R², Z' vs ω^-½ is not a Warburg line and its σ_W is not reported as reliable
WEIGHTINGS = ("modulus", "proportional", "unit")
CORRELATION_MAX = 0.95  # |ρ| above this: the two parameters are not separately identifiable
RELATIVE_ERROR_MAX = 1.0  # stderr/|value| above this: the parameter is not determined
CIRCUITS = {
    "randles": "R0-p(R1-W1,C1)",
    "randles-fl": "R0-p(R1-Wo1,C1)",
    "randles-cpe": "R0-p(R1-W1,CPE1)",
    "randles-fl-cpe": "R0-p(R1-Wo1,CPE1)",
}


def warburg_D_cm2_s(sigma_ohm_s_half: float, area_cm2: float, conc_mol_cm3: float, *,
                    temperature_K: float = ROOM_TEMPERATURE, electrons: int = Z_ZINC) -> float:
    """D = R²T²/(2 A² n⁴ F⁴ C² σ_W²) in cm² s⁻¹ (A cm², C mol cm⁻³, σ_W Ω s^-½)."""
    return (GAS_CONSTANT * temperature_K) ** 2 / (
        2.0 * area_cm2 ** 2 * electrons ** 4 * FARADAY ** 4 * conc_mol_cm3 ** 2 * sigma_ohm_s_half ** 2)


def warburg_sigma_for_D(D_cm2_s: float, area_cm2: float, conc_mol_cm3: float, *,
                        temperature_K: float = ROOM_TEMPERATURE, electrons: int = Z_ZINC) -> float:
    """Inverse of :func:`warburg_D_cm2_s`: σ_W = RT/(√2 A n² F² C √D) in Ω s^-½."""
    return GAS_CONSTANT * temperature_K / (
        np.sqrt(2.0) * area_cm2 * electrons ** 2 * FARADAY ** 2 * conc_mol_cm3 * np.sqrt(D_cm2_s))


@dataclass(frozen=True)
class WarburgSlope:
    """σ_W from Z′ = a + σ_W·ω^-½ over ``frequency_range_Hz`` (lowest, highest)."""

    sigma_ohm_s_half: float
    r2: float
    n_points: int
    frequency_range_Hz: tuple[float, float]


def warburg_slope(frequency_Hz, z_real_ohm, z_imag_ohm, *, max_frequency_Hz: float | None = None,
                   min_frequency_Hz: float = 0.0) -> WarburgSlope:
    """Fit Z′ against ω^-½ (ω = 2πf) for ``min_frequency_Hz`` ≤ f ≤ ``max_frequency_Hz``.

    By default the region starts below the local minimum of −Z″ that separates the
    charge-transfer arc from the diffusion tail (the lowest third of the points if there is none).
    For a finite-length element pass ``min_frequency_Hz`` ≈ 10/(2πτ_d) to stay in the √ω region."""
    f = np.asarray(frequency_Hz, float)
    order = np.argsort(f)[::-1]  # high -> low frequency
    f, zr, mzi = f[order], np.asarray(z_real_ohm, float)[order], -np.asarray(z_imag_ohm, float)[order]
    if max_frequency_Hz is None:
        interior = np.flatnonzero((mzi[1:-1] < mzi[:-2]) & (mzi[1:-1] <= mzi[2:])) + 1
        max_frequency_Hz = f[interior[-1]] if interior.size else f[int(2 * f.size / 3)]
    sel = (f <= max_frequency_Hz) & (f >= min_frequency_Hz)
    if sel.sum() < 3:
        raise InputError("Warburg region", f"only {int(sel.sum())} point(s) between {min_frequency_Hz:g} "
                         f"and {max_frequency_Hz:g} Hz",
                         expected="at least 3 low-frequency points in the diffusion tail")
    x = (2 * np.pi * f[sel]) ** -0.5
    slope, icpt = np.polyfit(x, zr[sel], 1)
    resid = zr[sel] - (icpt + slope * x)
    ss = float(np.sum((zr[sel] - zr[sel].mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid ** 2)) / ss if ss > 0 else 0.0
    return WarburgSlope(float(slope), r2, int(sel.sum()), (float(f[sel].min()), float(f[sel].max())))


def _initial_guess(circuit: str, f: np.ndarray, z: np.ndarray, slope: WarburgSlope | None) -> list[list[float]]:
    """Starting values from the spectrum's shape: R0 from the high-frequency intercept, R1 and C1
    from the arc's apex, σ_W from the low-frequency slope; three τ_d for the finite element."""
    hi = np.argmax(f)
    r0 = max(float(z.real[hi]), 1e-6)
    mzi = -z.imag
    arc = f >= (slope.frequency_range_Hz[1] if slope else f.min())
    apex = np.flatnonzero(arc)[np.argmax(mzi[arc])]
    r1 = max(2.0 * (float(z.real[apex]) - r0), 1e-3 * r0)
    c1 = 1.0 / (2 * np.pi * f[apex] * r1)
    sigma = slope.sigma_ohm_s_half if slope and slope.sigma_ohm_s_half > 0 else r1
    cap = [c1, 0.9] if "CPE" in circuit else [c1]
    if "Wo" not in circuit:
        return [[r0, r1, sigma, *cap]]
    guesses = []
    for tau in np.logspace(np.log10(1.0 / f.max()), np.log10(1.0 / f.min()), 3):
        guesses.append([r0, r1, sigma * np.sqrt(2 * tau), tau, *cap])
    return guesses


def weighting_sigma(z: np.ndarray, weighting: str) -> np.ndarray | None:
    """σ of the stacked (Z′, Z″) residuals for ``weighting`` (module doc); None for unit weights."""
    if weighting == "unit":
        return None
    if weighting == "modulus":
        return np.hstack([np.abs(z), np.abs(z)])
    floor = 1e-9 * float(np.max(np.abs(z)))  # a zero Z′ or Z″ would get infinite weight
    return np.hstack([np.maximum(np.abs(z.real), floor), np.maximum(np.abs(z.imag), floor)])


def fit_covariance(circuit: str, f: np.ndarray, z: np.ndarray, values: np.ndarray,
                   sigma: np.ndarray | None) -> np.ndarray:
    """cov = s²(JᵀJ)⁻¹ of the weighted residuals at ``values`` (module doc); J by central differences
    with a relative step of 10⁻⁶.  Entries are NaN where JᵀJ is singular."""
    from impedance.models.circuits.fitting import wrapCircuit

    model = wrapCircuit(circuit, {})
    w = np.ones(2 * f.size) if sigma is None else 1.0 / sigma
    data = np.hstack([z.real, z.imag])

    def residual(p):
        return w * (np.asarray(model(f, *p), float) - data)

    jac = np.empty((2 * f.size, values.size))
    for k in range(values.size):
        h = 1e-6 * max(abs(values[k]), 1e-12)
        up, down = values.copy(), values.copy()
        up[k] += h
        down[k] -= h
        jac[:, k] = (residual(up) - residual(down)) / (2 * h)
    dof = max(2 * f.size - values.size, 1)
    s2 = float(np.sum(residual(values) ** 2)) / dof
    try:
        return s2 * np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:
        return np.full((values.size, values.size), np.nan)


@dataclass(frozen=True, eq=False, repr=False)
class EisFit(Result):
    """Fitted circuit, its Warburg coefficient and the diffusion coefficient(s) it implies."""

    source: str
    circuit_name: str
    circuit: str
    parameter_names: tuple[str, ...]
    parameter_units: tuple[str, ...]
    values: np.ndarray
    stderr: np.ndarray
    frequency_Hz: np.ndarray
    z_measured_ohm: np.ndarray
    z_fit_ohm: np.ndarray
    sigma_fit_ohm_s_half: float
    slope: WarburgSlope | None
    area_cm2: float | None
    conc_mol_cm3: float | None
    temperature_K: float
    electrons: int
    length_cm: float | None
    n_inductive_dropped: int = 0
    weighting: str = "modulus"
    correlation: np.ndarray | None = None  # ρ_ij of the fitted parameters
    kk: KKResult | None = None  # Lin-KK test of the spectrum as measured
    force_kk: bool = False  # report D even though the spectrum fails Lin-KK

    @property
    def d_withheld(self) -> bool:
        """True when the spectrum failed Lin-KK and D is therefore not reported (no ``force_kk``)."""
        return self.kk is not None and not self.kk.valid and not self.force_kk

    @property
    def identifiability(self) -> list[str]:
        """Parameters not determined by the spectrum: |ρ| > 0.95 or relative stderr > 100 %."""
        out = []
        for name, value, err in zip(self.parameter_names, self.values, self.stderr):
            if not np.isfinite(err) or err > RELATIVE_ERROR_MAX * abs(value):
                out.append(f"{name} = {value:.3g} ± {err:.3g}: relative standard error "
                           f"{'undefined' if not np.isfinite(err) else f'{100 * err / abs(value):.3g} %'} "
                           f"> {100 * RELATIVE_ERROR_MAX:g} %")
        if self.correlation is not None:
            n = len(self.parameter_names)
            for i in range(n):
                for j in range(i + 1, n):
                    rho = self.correlation[i, j]
                    if abs(rho) > CORRELATION_MAX:
                        out.append(f"{self.parameter_names[i]} and {self.parameter_names[j]} are correlated "
                                   f"(ρ = {rho:+.3f}, |ρ| > {CORRELATION_MAX})")
        return out

    @property
    def relative_rms(self) -> float:
        """RMS of |Z_fit − Z|/|Z| over the spectrum (dimensionless)."""
        return float(np.sqrt(np.mean(np.abs(self.z_fit_ohm - self.z_measured_ohm) ** 2
                                     / np.abs(self.z_measured_ohm) ** 2)))

    def parameter(self, name: str) -> float:
        return float(self.values[self.parameter_names.index(name)])

    def D_cm2_s(self, sigma: float | None) -> float | None:
        """Warburg D for σ_W, or None without area and concentration or when Lin-KK withholds it."""
        if self.d_withheld or sigma is None or sigma <= 0 or self.area_cm2 is None or self.conc_mol_cm3 is None:
            return None
        return warburg_D_cm2_s(sigma, self.area_cm2, self.conc_mol_cm3,
                               temperature_K=self.temperature_K, electrons=self.electrons)

    @property
    def warnings(self) -> list[str]:
        """Why a D printed from this fit should not be trusted (empty when nothing is suspect)."""
        out = []
        kk = self.kk
        if kk is not None and not kk.valid:
            head = (f"the spectrum fails the Lin-KK test (largest residual {kk.max_residual_pct:.3g} % of |Z| > "
                    f"{kk.threshold_pct:g} %): it is not linear, causal and stable")
            out.append(head + (": D is reported only because the Lin-KK check was overridden (--force-kk)"
                               if self.force_kk else ": no diffusion coefficient is reported "
                               "(override with --force-kk / force_kk=True)"))
        out += [f"not identifiable: {m}" for m in self.identifiability]
        if not self.relative_rms <= FIT_RMS_MAX:
            out.append(f"the {self.circuit_name} circuit misses the spectrum (relative RMS residual "
                       f"{100 * self.relative_rms:.3g} % > {100 * FIT_RMS_MAX:g} %): every fitted value is unreliable")
        name = "W1" if "W1" in self.parameter_names else "Wo1_0"
        k = self.parameter_names.index(name)
        value, err = float(self.values[k]), float(self.stderr[k])
        lowest = int(np.argmin(self.frequency_Hz))  # |Z_W| = σ_W √(2/ω) at the lowest frequency
        z_w = self.sigma_fit_ohm_s_half * np.sqrt(2.0 / (2 * np.pi * self.frequency_Hz[lowest]))
        share = z_w / abs(self.z_measured_ohm[lowest])
        if not np.isfinite(err) or err >= abs(value):
            out.append(f"the fitted Warburg parameter {name} = {value:.3g} ± {err:.3g} is not determined by "
                       "the spectrum (no diffusion tail?): D from the fitted σ_W is not meaningful")
        elif not share >= WARBURG_SHARE_MIN:
            out.append(f"the fitted Warburg impedance is {100 * share:.2g} % of |Z| at the lowest frequency "
                       f"({self.frequency_Hz[lowest]:.3g} Hz) (no diffusion tail?): "
                       "D from the fitted σ_W is not meaningful")
        s = self.slope
        if s is not None and s.r2 < SLOPE_R2_MIN:
            out.append(f"Z′ vs ω^-½ is not linear (R² = {s.r2:.3g} < {SLOPE_R2_MIN} over "
                       f"{s.frequency_range_Hz[0]:.3g}–{s.frequency_range_Hz[1]:.3g} Hz): "
                       "D from the slope σ_W is not meaningful")
        return out

    def headline(self) -> str:
        """Circuit, each fitted parameter with its unit, the residual and the fitted-σ_W diffusion coefficient."""
        params = ", ".join(f"{n} = {sig(v, 3)} {u}" for n, u, v in
                           zip(self.parameter_names, self.parameter_units, self.values))
        D = self.D_cm2_s(self.sigma_fit_ohm_s_half)
        text = f"{self.circuit_name}: {params}; rel. RMS residual {sig(100 * self.relative_rms, 2)} %"
        text += f"; D (fitted σ_W) = {sig(D, 3)} cm² s⁻¹" if D is not None else ""
        return text + (f" [{len(self.warnings)} warning(s)]" if self.warnings else "")

    def to_frame(self, table: str = "parameters"):
        """``"parameters"``: name, unit, value, stderr; ``"spectrum"``: measured and fitted Z per frequency."""
        import pandas as pd

        d = self.to_dict()
        if table == "parameters":
            return pd.DataFrame(d["parameters"])
        if table == "spectrum":
            return pd.DataFrame(d["spectrum"])
        raise InputError("parameter 'table'", f"got {table!r}", expected="parameters | spectrum")

    def plot(self, ax=None):
        """Nyquist plot of the spectrum and the fitted circuit; returns the Axes."""
        from ..plotting import new_axes
        from .plots_cycling import draw_nyquist

        return draw_nyquist(new_axes(ax, figsize=(5.5, 5.5)), self)

    def to_dict(self) -> dict:
        s = self.slope
        tau = self.parameter("Wo1_1") if "Wo1_1" in self.parameter_names else None
        return {
            "source": self.source,
            "circuit_name": self.circuit_name,
            "circuit": self.circuit,
            "parameters": [{"name": n, "unit": u, "value": float(v), "stderr": float(e)}
                           for n, u, v, e in zip(self.parameter_names, self.parameter_units,
                                                 self.values, self.stderr)],
            "relative_rms_residual": self.relative_rms,
            "n_inductive_points_dropped": self.n_inductive_dropped,
            "weighting": self.weighting,
            "correlation": None if self.correlation is None else {
                "parameters": list(self.parameter_names), "matrix": self.correlation},
            "identifiability_problems": self.identifiability,
            "kramers_kronig": None if self.kk is None else self.kk.to_dict(),
            "D_withheld_by_kk": self.d_withheld,
            "kk_overridden": bool(self.force_kk and self.kk is not None and not self.kk.valid),
            "warburg": {
                "equation": "D = R^2 T^2 / (2 A^2 n^4 F^4 C^2 sigma_W^2)",
                "area_cm2": self.area_cm2, "conc_mol_cm3": self.conc_mol_cm3,
                "temperature_K": self.temperature_K, "electrons_n": self.electrons,
                "sigma_fit_ohm_s_half": self.sigma_fit_ohm_s_half,
                "D_fit_cm2_s": self.D_cm2_s(self.sigma_fit_ohm_s_half),
                "sigma_slope_ohm_s_half": s.sigma_ohm_s_half if s else None,
                "slope_r2": s.r2 if s else None,
                "slope_frequency_range_Hz": list(s.frequency_range_Hz) if s else None,
                "D_slope_cm2_s": self.D_cm2_s(s.sigma_ohm_s_half) if s else None,
                "tau_d_s": tau,
                "length_cm": self.length_cm,
                "D_from_tau_cm2_s": self.length_cm ** 2 / tau if tau and self.length_cm else None,
            },
            "warnings": self.warnings,
            "spectrum": {
                "frequency_Hz": self.frequency_Hz,
                "z_real_ohm": self.z_measured_ohm.real, "z_imag_ohm": self.z_measured_ohm.imag,
                "fit_z_real_ohm": self.z_fit_ohm.real, "fit_z_imag_ohm": self.z_fit_ohm.imag,
            },
        }


def fit_eis(spectrum: ImpedanceSpectrum, circuit: str = "randles", *, area_cm2: float | None = None,
            conc_mol_cm3: float | None = None, temperature_K: float = ROOM_TEMPERATURE,
            electrons: int = Z_ZINC, length_cm: float | None = None,
            warburg_max_frequency_Hz: float | None = None, drop_inductive: bool = True,
            weighting: str = "modulus", kk_check: bool = True, force_kk: bool = False,
            kk_limit_pct: float = RESIDUAL_MAX_PCT, initial_guess: list[float] | None = None) -> EisFit:
    """Fit a Randles circuit with a (finite-length) Warburg element and derive D (module doc).

    D = R²T² / (2 A² n⁴ F⁴ C² σ_W²), from the fitted σ_W and from the slope of Z′ against ω^-½.

    Parameters
    ----------
    spectrum : ImpedanceSpectrum
        Frequencies (Hz) and Z′, Z″ (Ω) as measured.
    circuit : {"randles", "randles-fl", "randles-cpe", "randles-fl-cpe"}
        The equivalent circuit (impedance.py ``CustomCircuit``).
    area_cm2 : float, optional
        Electrode area A (cm²); with ``conc_mol_cm3`` it gives D.
    conc_mol_cm3 : float, optional
        Concentration C of the diffusing ion (mol cm⁻³).
    temperature_K : float
        Temperature T (K).
    electrons : int
        Charge number n of the diffusing ion (2 for Zn²⁺).
    length_cm : float, optional
        Diffusion length L (cm): D = L²/τ_d from the finite-length element as well.
    warburg_max_frequency_Hz : float, optional
        Upper frequency (Hz) of the Z′ vs ω^-½ region (default: automatic).
    drop_inductive : bool
        Remove points with Z″ ≥ 0 before fitting (impedance.py's ``ignoreBelowX``).
    weighting : {"modulus", "proportional", "unit"}
        Residual weights (module doc); modulus by default.
    kk_check : bool
        Run Lin-KK on the spectrum first: it passes when every residual is ≤ ``kk_limit_pct`` % of |Z|.
    force_kk : bool
        Report D even from a spectrum that fails Lin-KK (said so in the result).
    kk_limit_pct : float
        Lin-KK pass limit, % of |Z|.
    initial_guess : list of float, optional
        One value per circuit parameter (e.g. the previous spectrum's result), tried before the
        shape-based guesses.

    Returns
    -------
    EisFit
        Parameters with units and standard errors, the fitted spectrum, σ_W (Ω s^-½) and D (cm² s⁻¹).
    """
    from impedance.models.circuits import CustomCircuit
    from impedance.models.circuits.fitting import set_default_bounds

    if circuit not in CIRCUITS:
        raise parameter_error("circuit", circuit, expected=" | ".join(CIRCUITS))
    area = None if area_cm2 is None else require_positive("electrode area (cm2)", area_cm2)
    conc = None if conc_mol_cm3 is None else require_positive("concentration (mol/cm3)", conc_mol_cm3)
    require_positive("temperature (K)", temperature_K)
    if length_cm is not None:
        require_positive("diffusion length (cm)", length_cm)
    if warburg_max_frequency_Hz is not None:
        require_positive("Warburg region upper frequency (Hz)", warburg_max_frequency_Hz)
    from impedance.preprocessing import ignoreBelowX

    if weighting not in WEIGHTINGS:  # checked before the (slow) Lin-KK test
        raise InputError("option --weighting", f"unknown weighting {weighting!r}", expected=" | ".join(WEIGHTINGS))
    kk = lin_kk(spectrum, threshold_pct=kk_limit_pct) if kk_check else None
    f = np.asarray(spectrum.frequency_Hz, float)
    z = spectrum.z_complex_ohm
    n_measured = f.size
    if drop_inductive:  # points with Z″ >= 0 (cable inductance) are outside any Randles circuit
        f, z = ignoreBelowX(f, z)
    if f.size < 6:
        raise InputError(spectrum.source, f"only {f.size} frequencies with Z'' < 0 (capacitive)",
                         expected="at least 6 for a Randles fit")
    try:
        slope = warburg_slope(f, z.real, z.imag, max_frequency_Hz=warburg_max_frequency_Hz)
    except InputError:
        if warburg_max_frequency_Hz is not None:
            raise
        slope = None
    string = CIRCUITS[circuit]
    bounds = set_default_bounds(string)
    if "Wo" in string:  # τ_d far beyond the lowest measured frequency is semi-infinite: cap it
        bounds[1][3] = 1e4 / (2 * np.pi * f.min())
    sigma_w = weighting_sigma(z, weighting)
    weights = np.ones(2 * f.size) if sigma_w is None else 1.0 / sigma_w
    guesses = _initial_guess(string, f, z, slope)
    if initial_guess is not None:
        if len(initial_guess) != len(guesses[0]):
            raise InputError("initial guess", f"{len(initial_guess)} values",
                             expected=f"{len(guesses[0])} values for {string}")
        lo, hi = np.asarray(bounds[0], float), np.asarray(bounds[1], float)
        guesses = [list(np.clip(np.asarray(initial_guess, float), lo + 1e-12 * np.abs(lo), hi * (1 - 1e-12)))] \
            + guesses
    # impedance.py's defaults (maxfev 1e5, ftol 1e-13) can run for minutes on a bad start.  The parameters
    # span 1e-9 (F s^(n-1)) to 1e4 (Ω): with unit x_scale the trust region stops early along the small ones
    # (Gamry example: 16.5 % relative RMS where the minimum is 8.9 %), with x_scale = |guess| it reaches the
    # minimum but hinders some finite-length fits.  The first start is therefore run both ways, the others
    # unscaled, and the lowest weighted χ² is kept.
    attempts = [(guesses[0], np.maximum(np.abs(np.asarray(guesses[0], float)), 1e-12))] + [(g, 1.0) for g in guesses]
    best, best_cost = None, np.inf
    for guess, scale in attempts:
        model = CustomCircuit(string, initial_guess=guess)
        try:
            model.fit(f, z, bounds=bounds, maxfev=MAX_EVALUATIONS, ftol=1e-10, x_scale=scale,
                      **({} if sigma_w is None else {"sigma": sigma_w}))
        except (RuntimeError, ValueError):  # no convergence from this start
            continue
        r = model.predict(f) - z
        cost = float(np.sum((weights * np.hstack([r.real, r.imag])) ** 2))
        if cost < best_cost:
            best, best_cost = model, cost
    if best is None:
        hint = (" (τ_d may lie beyond the lowest frequency: try --circuit randles)" if "Wo" in string else "")
        raise InputError(spectrum.source, f"the {circuit} circuit ({string}) did not converge{hint}",
                         expected="a spectrum with a charge-transfer arc and a diffusion tail")
    names, units = best.get_param_names()
    values = np.asarray(best.parameters_, float)
    with np.errstate(all="ignore"):
        cov = fit_covariance(string, f, z, values, sigma_w)
        stderr = np.sqrt(np.where(np.diag(cov) >= 0, np.diag(cov), np.nan))
        correlation = cov / np.outer(stderr, stderr)
    params = dict(zip(names, values))
    if "W1" in params:
        sigma = params["W1"]
    else:  # finite length: σ_W = Z0/√(2τ_d), and the slope only where ωτ_d > 10
        sigma = params["Wo1_0"] / np.sqrt(2.0 * params["Wo1_1"])
        try:
            slope = warburg_slope(f, z.real, z.imag, max_frequency_Hz=warburg_max_frequency_Hz,
                                  min_frequency_Hz=10.0 / (2 * np.pi * params["Wo1_1"]))
        except InputError:
            slope = None
    return EisFit(spectrum.source, circuit, string, tuple(names), tuple(units), values, stderr, f, z,
                  best.predict(f), float(sigma), slope, area, conc, float(temperature_K), int(electrons),
                  length_cm, n_measured - f.size, weighting, correlation, kk, bool(force_kk))
