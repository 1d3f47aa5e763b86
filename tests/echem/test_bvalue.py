"""b-value fit i_p = a·v^b: exact power laws, noisy power laws, and the stderr it reports."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.echem.bvalue import b_profile, fit_b_value
from interstore.errors import InputError

RATES = np.array([0.1, 0.2, 0.5, 1.0, 2.0, 5.0])


@pytest.mark.parametrize("b", [0.5, 0.62, 0.85, 1.0])
def test_exact_power_law_recovers_b_and_a(b):
    a = 3.2e-5
    fit = fit_b_value(RATES, -a * RATES ** b)  # cathodic sign is ignored
    assert fit.b == pytest.approx(b, abs=1e-12)
    assert 10 ** fit.log10_a == pytest.approx(a, rel=1e-10)
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
    assert fit.n_rates == RATES.size
    np.testing.assert_allclose(fit.predict_current_A(RATES), a * RATES ** b, rtol=1e-10)


def test_noisy_power_law_b_within_0_01_and_stderr_matches_scatter():
    """2 % lognormal noise: b within 0.01, and the reported stderr matches the scatter of b."""
    rng = np.random.default_rng(7)
    rates = np.geomspace(0.1, 10.0, 8)
    bs, errs = [], []
    for _ in range(400):
        fit = fit_b_value(rates, 1e-4 * rates ** 0.7 * np.exp(rng.normal(0, 0.02, rates.size)))
        bs.append(fit.b)
        errs.append(fit.stderr)
    assert abs(np.mean(bs) - 0.7) < 0.01
    assert np.std(bs) == pytest.approx(np.sqrt(np.mean(np.square(errs))), rel=0.15)


def test_two_rates_give_nan_stderr():
    fit = fit_b_value([1.0, 4.0], [1e-4, 2e-4])
    assert fit.b == pytest.approx(0.5)
    assert np.isnan(fit.stderr)


@pytest.mark.parametrize("rates, currents", [
    ([0.1, 0.2], [1e-4]),                # length mismatch
    ([0.1, -0.2], [1e-4, 2e-4]),         # negative rate
    ([0.1, 0.2], [1e-4, 0.0]),           # zero current
    ([0.1, 0.2], [1e-4, np.nan]),        # NaN
    ([0.5, 0.5], [1e-4, 2e-4]),          # one distinct rate
])
def test_bad_input_raises_input_error(rates, currents):
    with pytest.raises(InputError, match="b-value fit"):
        fit_b_value(rates, currents)


def test_b_profile_recovers_a_potential_dependent_exponent():
    """b(V) rising linearly from 0.5 to 1 across the grid comes back at every potential;
    a potential where the current changes sign between rates is NaN."""
    b_true = np.linspace(0.5, 1.0, 50)
    current = 2e-4 * RATES[:, None] ** b_true[None, :]
    current[2, 10] *= -1
    b = b_profile(RATES, current)
    assert np.isnan(b[10])
    np.testing.assert_allclose(np.delete(b, 10), np.delete(b_true, 10), atol=1e-12)
    np.testing.assert_allclose(b_profile(RATES, -current)[:5], b_true[:5], atol=1e-12)  # cathodic sign


def test_b_profile_from_power_law_cvs():
    from synthetic_cv import power_law_current, synthetic_cv

    from interstore.echem.cv_analysis import analyze_cv

    rates = [0.1, 0.3, 1.0]
    a = analyze_cv([synthetic_cv(v, power_law_current(0.8)) for v in rates], rates)
    for branch in ("anodic", "cathodic"):
        np.testing.assert_allclose(a.b_of_potential(branch), 0.8, atol=1e-3)
