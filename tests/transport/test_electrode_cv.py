"""Simulated CVs through the echem analysis: capacitive interface b = 1, diffusion-limited bulk b = 0.5."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.echem.cv_analysis import analyze_cv
from interstore.transport.cellconfig import config_from_dict
from interstore.transport.electrode import simulate_cv, simulate_hold

RATES_mV_s = (0.5, 1.0, 2.0, 5.0, 10.0)


def _main_peak_b(analysis, branch):
    peaks = [p for p in analysis.peaks if p.branch == branch and p.fit is not None]
    return max(peaks, key=lambda p: np.max(np.abs(p.current_A))).fit.b


def test_capacitive_interface_gives_b_one_and_capacitive_dunn_split():
    # Langmuir interface sites, fast kinetics and transport: a surface-confined (capacitive) store
    cfg = config_from_dict({"cell": {"v_min_V": 0.5, "v_max_V": 1.3},
                            "interface": {"isotherm": "langmuir", "site_potential_V": 0.9,
                                          "exchange_current_A_m2": 1.0}, "numerics": {"n_cells": 20}})
    cvs = [simulate_cv(cfg, v, cycles=1, reservoirs="interface") for v in RATES_mV_s]
    a = analyze_cv(cvs)
    for branch in ("anodic", "cathodic"):
        assert _main_peak_b(a, branch) == pytest.approx(1.0, abs=0.02)
    assert np.all(a.capacitive_fraction > 0.95)
    # peak current of an ideal Langmuir layer: i_p = Q·n·F·v/(4RT) (A g⁻¹ with Q in C g⁻¹)
    from interstore.transport.model import build_model

    q = build_model(cfg, reservoirs="interface").reservoirs[0].capacity_C_g
    ip = q * 96485.33212 / (8.314462618 * 298.15) * 10e-3 / 4 * cfg.cell.active_mass_g
    assert np.max(cvs[-1].current_A) == pytest.approx(ip, rel=0.01)


def test_diffusion_limited_bulk_gives_b_one_half():
    # window ±0.25 V around E0 = 0.8 V: the surface never gets closer than 1e-8 to x = 0 or 1
    cfg = config_from_dict({"cell": {"v_min_V": 0.55, "v_max_V": 1.05},
                            "host": {"ocp": "ideal", "geometry": "slab", "size_m": 5e-6, "diffusivity_m2_s": 1e-15,
                                     "exchange_current_A_m2": 1e4},
                            "interface": {"enabled": False}, "numerics": {"n_cells": 250}})
    cvs = [simulate_cv(cfg, v, cycles=1, reservoirs="bulk") for v in RATES_mV_s]
    a = analyze_cv(cvs)
    for branch in ("anodic", "cathodic"):
        assert _main_peak_b(a, branch) == pytest.approx(0.5, abs=0.03)
    assert np.all(a.capacitive_fraction < 0.1)


def test_cv_measurement_is_canonical_and_deterministic():
    cfg = config_from_dict({"numerics": {"n_cells": 12, "points_per_segment": 50}})
    m1, m2 = simulate_cv(cfg, 5.0, cycles=2), simulate_cv(cfg, 5.0, cycles=2)
    assert m1.scan_rate_mV_s == 5.0 and m1.active_mass_g == cfg.cell.active_mass_g
    assert set(np.unique(m1.cycle)) == {1, 2} and set(np.unique(m1.step)) == {1, 2, 3, 4}
    assert np.array_equal(m1.current_A, m2.current_A)
    assert m1.potential_V.max() == pytest.approx(cfg.cell.v_max_V)
    assert m1.potential_V.min() == pytest.approx(cfg.cell.v_min_V)


def test_hold_current_decays_and_charge_matches_capacity_between_potentials():
    cfg = config_from_dict({"interface": {"isotherm": "linear", "window_V": [0.2, 1.6]},
                            "numerics": {"n_cells": 12}})
    hold = simulate_hold(cfg, 1.0, 5.0, from_potential_V=1.4, reservoirs="interface")
    i = hold.current_A
    assert i[0] < 0 and abs(i[-1]) < 1e-3 * abs(i).max()            # cathodic, relaxes to zero
    from scipy.integrate import trapezoid

    from interstore.transport.model import build_model

    q = build_model(cfg, reservoirs="interface").reservoirs[0].capacity_C_g * cfg.cell.active_mass_g
    expected = q * (1.4 - 1.0) / (1.6 - 0.2)                          # linear isotherm, C
    assert -trapezoid(i, hold.time_s) == pytest.approx(expected, rel=5e-3)


def test_hold_through_series_resistance_decays_with_rc_time_constant():
    # a linear (constant-capacitance) interface behind R: i(t) = (ΔV/R)·exp(−t/RC), C = Q·m/ΔV_window
    r_ohm = 20.0
    cfg = config_from_dict({"cell": {"r_ohm_ohm": r_ohm}, "interface": {"isotherm": "linear"},
                            "numerics": {"n_cells": 12}})
    from interstore.transport.model import build_model

    q_c = build_model(cfg, reservoirs="interface").reservoirs[0].capacity_C_g * cfg.cell.active_mass_g
    cap_F = q_c / (cfg.cell.v_max_V - cfg.cell.v_min_V)
    tau = r_ohm * cap_F
    hold = simulate_hold(cfg, 1.0, 5 * tau, from_potential_V=1.4, reservoirs="interface")
    t, i = hold.time_s, hold.current_A
    sel = (t > 0.2 * tau) & (t < 3 * tau)
    slope = np.polyfit(t[sel], np.log(-i[sel]), 1)[0]
    assert -1 / slope == pytest.approx(tau, rel=0.01)
    assert -i[sel][0] == pytest.approx(0.4 / r_ohm * np.exp(-t[sel][0] / tau), rel=0.01)
