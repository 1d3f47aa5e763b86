"""Lin-KK (Schönleber 2014) through impedance.py's linKK under numpy 2.

- A noise-free Randles spectrum passes with residuals < 1 % of |Z|; the same circuit measured while
  its charge-transfer resistance drifts by 50 % over the sweep fails.
- The adapter's residuals equal an independent Lin-KK written here from the paper's equations
  (complex linear least squares on Z/|Z| with the same τ grid and number of elements).
- Each real spectrum in shared/data/eis gets a pinned verdict and largest residual (impedance.py 1.7.1).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interstore.echem.kramers_kronig import lin_kk
from interstore.echem.record import ImpedanceSpectrum
from interstore.errors import InputError

F = np.logspace(5, -2, 71)  # Hz
R0, R1, SIGMA, C1 = 5.0, 10.0, 1.5, 2e-5  # Ω, Ω, Ω s^-½, F


def randles(f, r1=R1):
    """Z = R0 + (R1 + σ(1−j)ω^-½) ∥ C1, written out (not impedance.py's elements)."""
    w = 2 * np.pi * f
    zf = r1 + SIGMA * (1 - 1j) / np.sqrt(w)
    return R0 + zf / (1 + 1j * w * C1 * zf)


def drifting(fraction):
    """R1 grows linearly with the elapsed measurement time (≥ 1 s or 3 periods per frequency,
    high to low frequency) by ``fraction`` over the sweep."""
    t = np.cumsum(np.maximum(3.0 / F, 1.0))
    return randles(F, R1 * (1 + fraction * t / t[-1]))


def spectrum(z, name="synthetic.csv"):
    return ImpedanceSpectrum(F, z.real, z.imag, source=name)


def independent_lin_kk(f, z, m):
    """Schönleber eq. 14 with R0, M RC elements (τ log-spaced 1/ω_max..1/ω_min), L and 1/C."""
    w = 2 * np.pi * f
    tau = np.logspace(np.log10(1 / w.max()), np.log10(1 / w.min()), m)
    basis = np.column_stack([np.ones_like(w), *(1 / (1 + 1j * w[:, None] * tau)).T, -1j / w, 1j * w])
    a = basis / np.abs(z)[:, None]
    b = z / np.abs(z)
    coef = np.linalg.lstsq(np.vstack([a.real, a.imag]), np.concatenate([b.real, b.imag]), rcond=None)[0]
    res = (z - basis @ coef) / np.abs(z)
    return 100 * res.real, 100 * res.imag


def test_valid_randles_passes_below_1_percent():
    kk = lin_kk(spectrum(randles(F)))
    assert kk.valid and kk.verdict == "pass"
    assert kk.max_residual_pct < 1.0
    assert kk.n_elements > 3 and kk.mu < 0.5


def test_drifting_resistance_fails():
    kk = lin_kk(spectrum(drifting(0.5)))
    assert not kk.valid and kk.verdict == "fail"
    assert kk.max_residual_pct > 2.0
    # the trend sits at the low-frequency end, where the drift has accumulated
    worst = np.argmax(np.abs(kk.residual_real_pct) + np.abs(kk.residual_imag_pct))
    assert F[worst] < 1.0


def test_adapter_equals_independent_lin_kk():
    z = drifting(0.3)
    kk = lin_kk(spectrum(z))
    re, im = independent_lin_kk(F, z, kk.n_elements)
    assert np.allclose(kk.residual_real_pct, re, atol=1e-6)
    assert np.allclose(kk.residual_imag_pct, im, atol=1e-6)


def test_bad_parameters_are_input_errors():
    with pytest.raises(InputError, match="mu_cutoff"):
        lin_kk(spectrum(randles(F)), mu_cutoff=1.5)
    with pytest.raises(InputError, match="threshold"):
        lin_kk(spectrum(randles(F)), threshold_pct=0.0)


def test_no_numpy_warning_or_stdout_leaks(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lin_kk(spectrum(randles(F)))
    assert capsys.readouterr().out == ""


# verdict and largest residual (% of |Z|), impedance.py 1.7.1 linKK, c = 0.5, series C, whole spectrum
REAL = {
    ("exampleDataBioLogic.mpt", None): ("fail", 7.26),
    ("exampleDataCHInstruments.txt", None): ("fail", 3.89),
    ("exampleDataGamry.DTA", None): ("fail", 10.03),
    ("exampleData.csv", None): ("pass", 0.365),
    ("peis.mpt", None): ("fail", 136.8),
    ("peis.issue_149.mpt", 1): ("pass", 0.123),
    ("peis.issue_149.mpt", 2): ("pass", 0.166),
    ("peis.issue_149.mpt", 3): ("pass", 0.095),
    ("peis.issue_149.mpt", 4): ("pass", 0.128),
}


@pytest.mark.parametrize("name, sweep", list(REAL))
def test_real_spectra_pinned_verdicts(shared_data, name, sweep):
    from interstore.echem.readers import read_impedance

    path = shared_data / "eis" / name
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    s = read_impedance(path, spectrum=sweep)
    kk = lin_kk(s)
    verdict, worst = REAL[(name, sweep)]
    assert kk.verdict == verdict
    assert kk.max_residual_pct == pytest.approx(worst, rel=0.01)
    re, im = independent_lin_kk(s.frequency_Hz, s.z_complex_ohm, kk.n_elements)
    assert max(np.abs(re).max(), np.abs(im).max()) == pytest.approx(kk.max_residual_pct, rel=1e-3)


def test_geis_sweeps_all_fail_lin_kk(shared_data):
    from interstore.echem.readers import read_impedance_sweeps

    path = shared_data / "eis" / "geis.mpt"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    sweeps = read_impedance_sweeps(path)
    assert len(sweeps) == 61 and sweeps[0].frequency_Hz.size == 41
    first = lin_kk(sweeps[0])
    assert first.verdict == "fail" and first.max_residual_pct == pytest.approx(23.53, rel=0.01)
    assert not any(lin_kk(s).valid for s in sweeps[1:])
