"""EIS fits checked on spectra generated from Randles circuits with known parameters
(impedance.py's own element equations, 0.5 % noise), and the Warburg D recovered."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.echem.eis import fit_eis, warburg_D_cm2_s, warburg_sigma_for_D, warburg_slope
from interstore.echem.record import ImpedanceSpectrum
from interstore.errors import InputError

F = np.logspace(5, -2, 71)  # Hz
AREA, CONC, D_TRUE = 1.0, 1e-3, 1e-9  # cm2, mol/cm3, cm2/s


def spectrum(circuit, params, noise=0.005, seed=1):
    import warnings

    from impedance.models.circuits import CustomCircuit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "simulating circuit based on initial parameters"
        z = CustomCircuit(circuit, initial_guess=params).predict(F, use_initial=True)
    rng = np.random.default_rng(seed)
    z = z * (1 + noise * rng.standard_normal(F.size)) + 1j * z.imag * noise * rng.standard_normal(F.size)
    return ImpedanceSpectrum(F, z.real, z.imag, source="synthetic.csv")


def test_warburg_D_formula_round_trip_and_magnitude():
    sigma = warburg_sigma_for_D(D_TRUE, AREA, CONC)
    # RT/(sqrt2 A n^2 F^2 C sqrt D) = 2478.96/(1.41421*4*9.3094e9*1e-3*3.1623e-5) = 1.489 ohm s^-1/2
    assert sigma == pytest.approx(1.4886, rel=1e-3)
    assert warburg_D_cm2_s(sigma, AREA, CONC) == pytest.approx(D_TRUE, rel=1e-12)


def test_randles_fit_recovers_parameters_and_D():
    sigma = warburg_sigma_for_D(D_TRUE, AREA, CONC)  # 1.49 ohm s^-1/2
    true = {"R0": 5.0, "R1": 10.0, "W1": sigma, "C1": 2e-5}
    fit = fit_eis(spectrum("R0-p(R1-W1,C1)", list(true.values())), "randles", area_cm2=AREA, conc_mol_cm3=CONC)
    for name, value in true.items():
        assert fit.parameter(name) == pytest.approx(value, rel=0.03), name
    d = fit.to_dict()["warburg"]
    assert d["D_fit_cm2_s"] == pytest.approx(D_TRUE, rel=0.06)
    assert d["D_slope_cm2_s"] == pytest.approx(D_TRUE, rel=0.20)
    # cross-check: slope of Z' vs omega^-1/2 in the diffusion tail
    assert d["sigma_slope_ohm_s_half"] == pytest.approx(sigma, rel=0.10)
    assert d["slope_r2"] > 0.98
    assert fit.relative_rms < 0.02


def test_finite_length_fit_recovers_tau_and_D():
    true = {"R0": 3.0, "R1": 20.0, "Wo1_0": 40.0, "Wo1_1": 10.0, "C1": 5e-5}
    spec = spectrum("R0-p(R1-Wo1,C1)", list(true.values()))
    fit = fit_eis(spec, "randles-fl", area_cm2=AREA, conc_mol_cm3=CONC, length_cm=1e-4)
    for name, value in true.items():
        assert fit.parameter(name) == pytest.approx(value, rel=0.05), name
    w = fit.to_dict()["warburg"]
    assert w["sigma_fit_ohm_s_half"] == pytest.approx(40.0 / np.sqrt(20.0), rel=0.05)
    assert w["D_from_tau_cm2_s"] == pytest.approx(1e-8 / 10.0, rel=0.05)
    assert w["sigma_slope_ohm_s_half"] == pytest.approx(40.0 / np.sqrt(20.0), rel=0.15)


def test_inductive_high_frequency_points_are_dropped():
    true = [5.0, 10.0, 1.5, 2e-5]
    spec = spectrum("R0-p(R1-W1,C1)", true, noise=0.0)
    z = spec.z_complex_ohm + 1j * 2 * np.pi * F * 2e-6  # 2 µH of cable inductance
    fit = fit_eis(ImpedanceSpectrum(F, z.real, z.imag, source="with_L.csv"))
    assert fit.to_dict()["n_inductive_points_dropped"] > 0
    assert fit.parameter("R1") == pytest.approx(10.0, rel=0.05)
    assert fit.parameter("W1") == pytest.approx(1.5, rel=0.05)


def test_cpe_variant_recovers_exponent():
    true = [5.0, 50.0, 30.0, 3e-5, 0.85]
    fit = fit_eis(spectrum("R0-p(R1-W1,CPE1)", true), "randles-cpe")
    assert fit.parameter("CPE1_1") == pytest.approx(0.85, rel=0.03)
    assert fit.to_dict()["warburg"]["D_fit_cm2_s"] is None  # no area/concentration given


def test_slope_on_pure_warburg_is_exact():
    z = 10 + 25.0 * (1 - 1j) / np.sqrt(2 * np.pi * F)
    s = warburg_slope(F, z.real, z.imag, max_frequency_Hz=1.0)
    assert s.sigma_ohm_s_half == pytest.approx(25.0) and s.r2 == pytest.approx(1.0)


def test_bad_options_are_input_errors():
    spec = spectrum("R0-p(R1-W1,C1)", [5.0, 50.0, 30.0, 2e-5])
    with pytest.raises(InputError, match="circuit"):
        fit_eis(spec, "transmission-line")
    with pytest.raises(InputError, match="area"):
        fit_eis(spec, area_cm2=-1.0)
    with pytest.raises(InputError, match="Warburg region"):
        fit_eis(spec, warburg_max_frequency_Hz=1e-3)


def test_real_spectra_are_fitted_or_refused(shared_data):
    from interstore.echem.readers import read_impedance_sweeps

    files = [p for p in sorted(shared_data.rglob("*")) if p.is_file()
             and any(k in p.name.lower() for k in ("eis", "imped", "peis"))]
    if not files:
        pytest.skip("no impedance files in shared data")
    for path in files:  # the first sweep of multi-sweep files
        fit = fit_eis(read_impedance_sweeps(path)[0], "randles-cpe", area_cm2=AREA, conc_mol_cm3=CONC)
        assert fit.parameter("R0") > 0 and fit.sigma_fit_ohm_s_half > 0
        if fit.kk.valid:  # a KK-valid spectrum is described by the circuit
            assert fit.relative_rms < 0.15, path
        else:  # no D from a spectrum that is not linear, causal and stable
            assert fit.to_dict()["warburg"]["D_fit_cm2_s"] is None, path
# impedance.py's CustomCircuit fit of the same R0-p(R1-W1,CPE1) reaches < 15 % relative RMS
# on the first five; on the last two it misses as well (38 %, 17 %): the circuit does not
# describe those spectra, and interstore must say so.


@pytest.mark.parametrize("name, spectrum", [
    ("eis/exampleDataBioLogic.mpt", None), ("eis/exampleData.csv", None), ("eis/peis.issue_149.mpt", 1),
    ("eis/exampleDataCHInstruments.txt", None),  # reached since the rescaled retry of fit_eis (issue 17)
    ("eis/exampleDataGamry.DTA", None),  # reached since the first start is also run with x_scale = |guess|
])
def test_real_spectra_are_fitted(shared_data, name, spectrum):
    """Real spectra (one sweep chosen in a multi-sweep file) are fitted within 15 % RMS."""
    from interstore.echem.readers import read_impedance

    path = shared_data / name
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    fit = fit_eis(read_impedance(path, spectrum=spectrum), "randles-cpe")
    assert fit.relative_rms < 0.15, path
    assert fit.parameter("R0") > 0 and fit.sigma_fit_ohm_s_half > 0


def test_gamry_fit_is_as_good_as_impedance_py(shared_data):
    """On impedance.py's Gamry example interstore's randles-cpe fit ends at a relative RMS no worse than the
    best of impedance.py's own modulus-weighted CustomCircuit fits (its defaults: maxfev 1e5, ftol 1e-13)
    from four generic starts, + 2 % (interstore used to stop at 16.5 %)."""
    import warnings

    from impedance.models.circuits import CustomCircuit
    from impedance.preprocessing import ignoreBelowX

    from interstore.echem.readers import read_impedance

    path = shared_data / "eis" / "exampleDataGamry.DTA"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    fit = fit_eis(read_impedance(path), "randles-cpe")
    f, z = ignoreBelowX(fit.frequency_Hz, fit.z_measured_ohm)
    span = float(np.ptp(z.real))
    starts = [[z.real.min(), span, 1e3, 1e-6, 0.8], [z.real.min(), span / 2, span / 2, 1e-8, 0.9],
              [0.01, 0.01, 0.01, 1e-3, 0.9], [10.0, 1e3, 1e3, 1e-8, 0.9]]
    reference = np.inf
    for start in starts:
        model = CustomCircuit("R0-p(R1-W1,CPE1)", initial_guess=start)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(f, z, weight_by_modulus=True)
        reference = min(reference, float(np.sqrt(np.mean(np.abs(model.predict(f) - z) ** 2 / np.abs(z) ** 2))))
    assert reference < 0.15  # impedance.py describes the spectrum with this circuit
    assert fit.relative_rms <= 1.02 * reference


@pytest.mark.parametrize("name, spectrum", [("eis/peis.mpt", None), ("eis/geis.mpt", 1)])
def test_real_spectra_the_circuit_cannot_describe_are_flagged(shared_data, name, spectrum):
    from interstore.echem.readers import read_impedance

    path = shared_data / name
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    fit = fit_eis(read_impedance(path, spectrum=spectrum), "randles-cpe")
    assert fit.relative_rms > 0.15
    assert any("randles-cpe circuit misses the spectrum" in w for w in fit.to_dict()["warnings"])


def test_d_from_a_spectrum_without_diffusion_tail_is_flagged():
    # a pure R0 + (R1 || C1) arc: the fitted W1 is noise and its D (tens of cm² s⁻¹) meaningless
    good = fit_eis(spectrum("R0-p(R1-W1,C1)", [5.0, 10.0, warburg_sigma_for_D(D_TRUE, AREA, CONC), 2e-5]),
                   "randles", area_cm2=AREA, conc_mol_cm3=CONC)
    assert good.to_dict()["warnings"] == []
    from pathlib import Path

    from interstore.echem.readers import read_impedance

    for name in ("chi_eis.txt", "gamry_eis.DTA"):  # the same arc; the fits land on different tiny W1
        arc = fit_eis(read_impedance(Path(__file__).parent / "data" / name), "randles",
                      area_cm2=AREA, conc_mol_cm3=CONC)
        warnings = arc.to_dict()["warnings"]
        assert any("D from the fitted σ_W is not meaningful" in w for w in warnings), name
        assert any("not linear" in w for w in warnings), name


def test_a_fit_that_misses_the_spectrum_is_flagged():
    # negative Z' everywhere: no Randles circuit fits it (the residual is ~100 %)
    f = np.logspace(3, -2, 12)
    spec = ImpedanceSpectrum(f, -np.linspace(5, 9, f.size), -np.full(f.size, 2.0), source="neg.csv")
    warnings = fit_eis(spec, "randles").to_dict()["warnings"]
    assert any("misses the spectrum" in w for w in warnings)


def drifting_randles(fraction=0.5):
    """Randles spectrum whose R1 grows linearly with the elapsed sweep time by ``fraction``
    (≥ 1 s or 3 periods per frequency): not stable, so it fails Lin-KK."""
    import warnings

    from impedance.models.circuits import CustomCircuit

    sigma = warburg_sigma_for_D(D_TRUE, AREA, CONC)
    t = np.cumsum(np.maximum(3.0 / F, 1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z = np.array([CustomCircuit("R0-p(R1-W1,C1)", initial_guess=[5.0, 10.0 * (1 + fraction * tk / t[-1]),
                                                                       sigma, 2e-5]).predict([fk], use_initial=True)[0]
                      for tk, fk in zip(t, F)])
    return ImpedanceSpectrum(F, z.real, z.imag, source="drift.csv")


def test_kk_failing_spectrum_withholds_D_unless_forced():
    spec = drifting_randles()
    fit = fit_eis(spec, "randles", area_cm2=AREA, conc_mol_cm3=CONC)
    d = fit.to_dict()
    assert d["kramers_kronig"]["verdict"] == "fail" and d["D_withheld_by_kk"]
    assert d["warburg"]["D_fit_cm2_s"] is None and d["warburg"]["D_slope_cm2_s"] is None
    assert any("fails the Lin-KK test" in w and "no diffusion coefficient" in w for w in d["warnings"])
    forced = fit_eis(spec, "randles", area_cm2=AREA, conc_mol_cm3=CONC, force_kk=True).to_dict()
    assert forced["kk_overridden"] and forced["warburg"]["D_fit_cm2_s"] > 0
    assert any("overridden (--force-kk)" in w for w in forced["warnings"])
    # a valid spectrum: KK passes and D is reported without any KK warning
    ok = fit_eis(spectrum("R0-p(R1-W1,C1)", [5.0, 10.0, 1.4886, 2e-5], noise=0.001), "randles",
                 area_cm2=AREA, conc_mol_cm3=CONC).to_dict()
    assert ok["kramers_kronig"]["verdict"] == "pass" and not ok["D_withheld_by_kk"]
    assert ok["warburg"]["D_fit_cm2_s"] == pytest.approx(D_TRUE, rel=0.05)


@pytest.mark.parametrize("weighting", ["modulus", "proportional", "unit"])
def test_weightings_recover_parameters(weighting):
    true = [5.0, 10.0, 1.4886, 2e-5]
    fit = fit_eis(spectrum("R0-p(R1-W1,C1)", true), "randles", weighting=weighting, kk_check=False)
    assert fit.values == pytest.approx(true, rel=0.03)
    assert fit.to_dict()["weighting"] == weighting


def test_stderr_matches_the_scatter_of_repeated_fits():
    """The covariance-based standard error equals the spread of the parameters fitted to 20 spectra
    with independent 0.5 % noise (Monte Carlo) within 35 %."""
    true = [5.0, 10.0, 1.4886, 2e-5]
    fits = [fit_eis(spectrum("R0-p(R1-W1,C1)", true, seed=s), "randles", kk_check=False) for s in range(10, 30)]
    scatter = np.std([f.values for f in fits], axis=0, ddof=1)
    stderr = np.mean([f.stderr for f in fits], axis=0)
    assert stderr == pytest.approx(scatter, rel=0.35)
    rho = fits[0].correlation
    assert np.allclose(np.diag(rho), 1.0) and np.allclose(rho, rho.T)


def test_correlated_cpe_parameters_are_flagged():
    fit = fit_eis(spectrum("R0-p(R1-W1,CPE1)", [5.0, 50.0, 30.0, 3e-5, 0.85]), "randles-cpe", kk_check=False)
    k, a = fit.parameter_names.index("CPE1_0"), fit.parameter_names.index("CPE1_1")
    assert abs(fit.correlation[k, a]) > 0.95
    assert any("CPE1_0 and CPE1_1 are correlated" in w for w in fit.to_dict()["warnings"])


def test_unknown_weighting_is_an_input_error():
    with pytest.raises(InputError, match="weighting"):
        fit_eis(spectrum("R0-p(R1-W1,C1)", [5.0, 10.0, 1.5, 2e-5]), weighting="chi2")


@pytest.mark.parametrize("circuit", ["randles", "randles-fl", "randles-cpe", "randles-fl-cpe"])
@pytest.mark.parametrize("name", ["exampleDataBioLogic.mpt", "exampleDataCHInstruments.txt", "exampleDataGamry.DTA"])
def test_every_circuit_converges_on_the_impedance_py_examples(shared_data, name, circuit):
    """Modulus-weighted fits of impedance.py's example spectra converge for every circuit (a start that
    exhausts its evaluations is retried with x_scale); all three fail Lin-KK, so D is withheld."""
    from interstore.echem.readers import read_impedance

    path = shared_data / "eis" / name
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    fit = fit_eis(read_impedance(path), circuit, area_cm2=AREA, conc_mol_cm3=CONC)
    assert fit.relative_rms < 0.2
    assert fit.d_withheld and fit.to_dict()["warburg"]["D_slope_cm2_s"] is None
