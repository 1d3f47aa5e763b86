"""Dunn split i = k1·v + k2·v^½: exact recovery, flags, capacitive fraction, iR correction."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_cv import k1_profile_F, k2_profile, synthetic_cv

from interstore.echem.cv_analysis import analyze_cv
from interstore.echem.dunn import combined_capacitive_fraction, fit_dunn, flagged_ranges_V
from interstore.errors import InputError

RATES = np.array([0.1, 0.2, 0.5, 1.0, 2.0])
GRID = np.linspace(0.0, 1.0, 201)


def _exact_currents(k1, k2, rates=RATES):
    v = rates[:, None] * 1e-3
    return k1 * v + k2 * np.sqrt(v)


def test_fit_recovers_profiles_exactly_on_a_grid():
    k1 = 1e-3 * (1 + GRID)
    k2 = 2e-4 * np.exp(-((GRID - 0.5) / 0.1) ** 2) + 1e-5
    fit = fit_dunn(GRID, RATES, _exact_currents(k1, k2))
    np.testing.assert_allclose(fit.k1_F, k1, rtol=1e-9)
    np.testing.assert_allclose(fit.k2_A_s05_V05, k2, rtol=1e-9)
    assert not fit.flagged.any()


def test_capacitive_fraction_matches_analytic_value():
    """Constant k1, k2: fraction = k1·v / (k1·v + k2·v^½) at every rate."""
    k1, k2 = 2e-3, 1e-4
    fit = fit_dunn(GRID, RATES, _exact_currents(np.full(GRID.size, k1), np.full(GRID.size, k2)))
    v = RATES * 1e-3
    np.testing.assert_allclose(fit.capacitive_fraction, k1 * v / (k1 * v + k2 * np.sqrt(v)), rtol=1e-9)
    np.testing.assert_allclose(combined_capacitive_fraction([fit, fit]), fit.capacitive_fraction)


def test_negative_k1_is_flagged_with_its_potential_range():
    k1 = np.where((GRID > 0.3) & (GRID < 0.4), -5e-4, 1e-3)
    fit = fit_dunn(GRID, RATES, _exact_currents(k1, np.full(GRID.size, 5e-4)))
    ranges = flagged_ranges_V(GRID, fit.flagged)
    assert len(ranges) == 1
    assert ranges[0][0] == pytest.approx(0.305, abs=0.006) and ranges[0][1] == pytest.approx(0.395, abs=0.006)
    assert fit.flagged.mean() == pytest.approx(19 / 201)


def test_flagged_ranges_of_runs():
    assert flagged_ranges_V([0, 1, 2, 3, 4], [True, False, True, True, False]) == [(0.0, 0.0), (2.0, 3.0)]
    assert flagged_ranges_V([0, 1, 2], [False] * 3) == []


@pytest.mark.parametrize("rates, shape", [([1.0, 1.0], (2, 5)), ([1.0, 2.0], (3, 5)), ([0.0, 2.0], (2, 5))])
def test_bad_input_raises(rates, shape):
    with pytest.raises(InputError, match="Dunn analysis"):
        fit_dunn(np.linspace(0, 1, 5), rates, np.ones(shape))


def _max_rel_error(fit, direction):
    g = fit.potential_V
    k1, k2 = k1_profile_F(g, direction), k2_profile(g, direction)
    return (np.max(np.abs(fit.k1_F - k1)) / k1.max(), np.max(np.abs(fit.k2_A_s05_V05 - k2)) / k2.max())


NOISY = {"noise_A": 1e-8, "points_per_sweep": 10000, "start_mid": True}


@pytest.mark.parametrize("kwargs", [{}, NOISY, {"staircase_V": 0.002}])
def test_synthetic_cvs_recover_k1_k2_within_1_percent(kwargs):
    """Full pipeline (segmentation, binning, fit) on CVs built from known k1(E), k2(E):
    within 1 % at every potential for clean data, within 1 % of the profile's peak with noise."""
    a = analyze_cv([synthetic_cv(v, **kwargs) for v in RATES], RATES)
    for fit, direction in ((a.anodic, 1), (a.cathodic, -1)):
        e1, e2 = _max_rel_error(fit, direction)
        assert e1 < 0.01 and e2 < 0.01
        if kwargs is not NOISY:
            g = fit.potential_V
            np.testing.assert_allclose(fit.k1_F, k1_profile_F(g, direction), rtol=0.01)
            np.testing.assert_allclose(fit.k2_A_s05_V05, k2_profile(g, direction), rtol=0.01)
    # the capacitive fraction from k1 and k2 integrated over the grid
    g = a.potential_V
    v = RATES * 1e-3
    cap = np.trapezoid(k1_profile_F(g, 1), g) * v
    dif = np.trapezoid(k2_profile(g, 1), g) * np.sqrt(v)
    np.testing.assert_allclose(a.anodic.capacitive_fraction, cap / (cap + dif), rtol=0.01)


def test_ohmic_correction_restores_k1_k2():
    """CVs recorded through R_s = 25 ohm: E − i·R_s recovers k1, k2 within 1 %; without it they are off."""
    ms = [synthetic_cv(v, r_s_ohm=25.0) for v in RATES]
    corrected = analyze_cv(ms, RATES, r_s_ohm=25.0)
    assert max(_max_rel_error(corrected.anodic, 1)) < 0.01
    uncorrected = analyze_cv(ms, RATES)
    assert max(_max_rel_error(uncorrected.anodic, 1)) > 0.03
