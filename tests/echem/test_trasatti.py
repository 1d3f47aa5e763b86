"""Trasatti q_outer / q_total: exact relations, a Dunn-model CV set, and the linearity warning."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_cv import k1_profile_F, synthetic_cv

from interstore.echem.cv_analysis import analyze_cv
from interstore.echem.trasatti import fit_trasatti, voltammetric_charge_C
from interstore.errors import InputError

RATES = np.array([0.1, 0.2, 0.5, 1.0, 2.0, 5.0])


def test_outer_relation_recovers_q_outer():
    q_outer, k = 40.0, 25.0
    fit = fit_trasatti(RATES, q_outer + k * RATES ** -0.5)
    assert fit.q_outer == pytest.approx(q_outer, rel=1e-9)
    assert fit.slope_outer == pytest.approx(k, rel=1e-9)
    assert fit.r2_outer == pytest.approx(1.0)


def test_total_relation_recovers_q_total():
    q_total, kp = 300.0, 4e-3
    fit = fit_trasatti(RATES, 1.0 / (1.0 / q_total + kp * RATES ** 0.5))
    assert fit.q_total == pytest.approx(q_total, rel=1e-9)
    assert fit.r2_total == pytest.approx(1.0)


def test_q_inner_and_warning_on_a_two_regime_set():
    """q from known q_outer and q_total: low rates obey the total relation, high rates the outer one."""
    q_outer, q_total = 50.0, 250.0
    low, high = RATES[:3], np.array([10.0, 20.0, 50.0, 100.0])
    q_low = 1 / (1 / q_total + 2e-3 * low ** 0.5)
    q_high = q_outer + 150.0 * high ** -0.5
    fit_low, fit_high = fit_trasatti(low, q_low), fit_trasatti(high, q_high)
    assert fit_low.q_total == pytest.approx(q_total, rel=1e-9)
    assert fit_high.q_outer == pytest.approx(q_outer, rel=1e-9)
    rates, q = np.concatenate([low, high]), np.concatenate([q_low, q_high])
    assert fit_trasatti(rates, q).linear_warning  # one line cannot serve both regimes
    split = fit_trasatti(rates, q, outer_min_rate_mV_s=10.0, total_max_rate_mV_s=0.5)
    assert split.q_outer == pytest.approx(q_outer, rel=1e-9) and split.q_total == pytest.approx(q_total, rel=1e-9)
    assert split.q_inner == pytest.approx(q_total - q_outer, rel=1e-9)
    assert split.outer_rates_mV_s == tuple(high) and split.total_rates_mV_s == tuple(low)
    assert not split.linear_warning
    with pytest.raises(InputError, match="outer_min_rate_mV_s"):
        fit_trasatti(rates, q, outer_min_rate_mV_s=60.0)  # leaves one rate


def test_linear_data_give_no_warning_and_threshold_is_a_parameter():
    q = 40.0 + 25.0 * RATES ** -0.5
    assert fit_trasatti(RATES, q).q_inner == pytest.approx(fit_trasatti(RATES, q).q_total - 40.0)
    r2_total = fit_trasatti(RATES, q).r2_total
    assert fit_trasatti(RATES, q, r2_threshold=r2_total - 1e-6).linear_warning is False
    assert fit_trasatti(RATES, q, r2_threshold=min(1.0, r2_total + 1e-6)).linear_warning is True


def test_two_rates_or_unphysical_charges_are_warned_about():
    assert fit_trasatti([1.0, 4.0], [3.0, 2.0]).linear_warning  # R² = 1 trivially: linearity untested
    q_rising = 10.0 - 2.0 * RATES ** -0.5  # q falls at slow rates: q_outer > q_total
    fit = fit_trasatti(RATES, q_rising)
    assert fit.r2_outer == pytest.approx(1.0) and fit.q_inner < 0 and fit.linear_warning


def test_dunn_model_cv_gives_q_outer_equal_to_integral_of_k1():
    """For i = k1·v + k2·v^½, q(v) = ∫|i|dV / v = ∫k1 dV + ∫k2 dV · v^−½ exactly,
    so Trasatti's q_outer is the capacitive charge ∫k1 dV over the sweep."""
    a = analyze_cv([synthetic_cv(v) for v in RATES], RATES)
    e = np.linspace(0.2, 1.6, 20001)
    assert a.trasatti.q_outer == pytest.approx(np.trapezoid(k1_profile_F(e, 1), e), rel=2e-3)
    assert a.trasatti.r2_outer > 0.9999


def test_voltammetric_charge_of_constant_current():
    assert voltammetric_charge_C([0.0, 1.0, 3.0], [-2e-3, -2e-3, -2e-3]) == pytest.approx(6e-3)


@pytest.mark.parametrize("rates, q, kw", [
    ([0.1, 0.2], [1.0], {}),
    ([0.1, 0.1], [1.0, 2.0], {}),
    ([0.1, 0.2], [1.0, -2.0], {}),
    ([0.1, 0.2], [1.0, 2.0], {"r2_threshold": 1.5}),
])
def test_bad_input_raises(rates, q, kw):
    with pytest.raises(InputError):
        fit_trasatti(rates, q, **kw)
