"""Poisson–Boltzmann space charge: analytic Gouy–Chapman / Mott–Schottky limits, the notes' worked
numbers, the sinh → exp transition of overlapping zones, site saturation and charge neutrality."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from interstore.constants import FARADAY, GAS_CONSTANT
from interstore.errors import InputError
from interstore.transport.spacecharge import (
    SpaceChargeParams,
    galvani_step_V,
    storage_transition,
    debye_length_m,
    gouy_chapman_capacitance_F_m2,
    gouy_chapman_charge_C_m2,
    gouy_chapman_potential_V,
    interface_capacitance_curve,
    mott_schottky_capacitance_F_m2,
    mott_schottky_width_m,
    semi_infinite_charge_C_m2,
    solve_space_charge,
)

T = 298.15
VT = GAS_CONSTANT * T / FARADAY  # RT/F, V
DILUTE = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T)


# ---------------------------------------------------------------- the notes' worked numbers
def test_debye_length_worked_example():
    # ε_r = 20, c∞ = 10 mol m⁻³, 298 K: λ = 1.54 nm (z = 1), 0.77 nm (z = 2)
    assert debye_length_m(20, 10, z=1, temperature_K=298) == pytest.approx(1.54e-9, abs=0.005e-9)
    assert debye_length_m(20, 10, z=2, temperature_K=298) == pytest.approx(0.77e-9, abs=0.005e-9)
    assert DILUTE.debye_length_m == pytest.approx(debye_length_m(20, 10, z=2, temperature_K=T), rel=1e-12)


def test_worked_charge_and_capacitance_values_are_the_monovalent_ones():
    # The notes quote Q_sc = 0.020 C m⁻² (0.1 V), 1.0 C m⁻² (0.3 V) and C_sc = 41 µF cm⁻² (0.1 V):
    # those are the z = 1 numbers; for Zn²⁺ (z = 2) they are much larger.
    assert abs(gouy_chapman_charge_C_m2(20, 10, -0.1, z=1, temperature_K=298)) == pytest.approx(0.020, abs=5e-4)
    assert abs(gouy_chapman_charge_C_m2(20, 10, -0.3, z=1, temperature_K=298)) == pytest.approx(1.0, abs=0.03)
    c_uF_cm2 = gouy_chapman_capacitance_F_m2(20, 10, 0.1, z=1, temperature_K=298) * 100
    assert c_uF_cm2 == pytest.approx(41, abs=0.5)
    p1 = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=1, temperature_K=298)
    prof = solve_space_charge(p1, -0.1)
    assert prof.charge_C_m2 == pytest.approx(0.020, abs=5e-4)
    assert prof.capacitance_F_m2 * 100 == pytest.approx(41, abs=0.5)
    assert abs(gouy_chapman_charge_C_m2(20, 10, -0.1, z=2, temperature_K=298)) > 5 * 0.020


# ---------------------------------------------------------------- Gouy–Chapman (dilute, semi-infinite, metal β)
@pytest.mark.parametrize("dphi", [-0.25, -0.1, -0.01, 0.0, 0.03, 0.15, 0.25])
def test_gouy_chapman_charge_and_capacitance_within_half_percent(dphi):
    prof = solve_space_charge(DILUTE, dphi)
    q_ref = gouy_chapman_charge_C_m2(20, 10, dphi, z=2, temperature_K=T)
    c_ref = gouy_chapman_capacitance_F_m2(20, 10, dphi, z=2, temperature_K=T)
    assert prof.charge_C_m2 == pytest.approx(q_ref, rel=5e-3, abs=1e-12)
    assert prof.capacitance_F_m2 == pytest.approx(c_ref, rel=5e-3)
    # all of the step falls in α against a metal; Γ_Zn = Q/(zF); neutrality to 1e-8
    assert prof.delta_phi_alpha_V == pytest.approx(dphi, abs=1e-12)
    assert prof.zinc_excess_mol_m2 == pytest.approx(prof.charge_C_m2 / (2 * FARADAY), rel=1e-9, abs=1e-18)
    assert prof.neutrality_error < 1e-8


def test_gouy_chapman_potential_profile():
    prof = solve_space_charge(DILUTE, -0.15)
    x = prof.x_m
    inside = x < 10 * DILUTE.debye_length_m
    ref = gouy_chapman_potential_V(x[inside], 20, 10, -0.15, z=2, temperature_K=T)
    assert np.max(np.abs(prof.phi_V[inside] - ref)) < 5e-3 * 0.15
    # concentrations are Boltzmann factors of the local potential
    zn = prof.concentrations_mol_m3["Zn_i"]
    assert zn[0] == pytest.approx(10 * math.exp(2 * 0.15 / VT), rel=1e-9)
    assert prof.concentrations_mol_m3["V_Zn"][-1] == pytest.approx(10, rel=1e-6)


def test_capacitance_is_derivative_of_charge():
    pots = np.linspace(-0.2, 0.2, 9)
    q, c = interface_capacitance_curve(DILUTE, pots)
    h = 1e-5
    for v, cv in zip(pots, c):
        # one curve call shares one mesh, so the central difference sees the same discretisation
        qs, (cm, c0, cp) = interface_capacitance_curve(DILUTE, [v - h, v, v + h])
        assert c0 == pytest.approx(-(qs[2] - qs[0]) / (2 * h), rel=1e-6)
        assert c0 == pytest.approx(cv, rel=1e-3)
    assert np.all(np.diff(q) < 0)  # raising the interface potential expels Zn²⁺
    assert c.argmin() == 4  # minimum at the point of zero charge


# ---------------------------------------------------------------- Mott–Schottky
@pytest.mark.parametrize("dphi", [0.1, 0.3, 0.8])
def test_mott_schottky_depletion(dphi):
    p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, mode="mott-schottky", temperature_K=T)
    prof = solve_space_charge(p, dphi)
    u = 2 * dphi / VT
    # exact first integral for one mobile carrier against a fixed dopant: Q² = 2εc_dRT(u − 1 + e^{−u})
    eps = 20 * 8.8541878128e-12
    q_exact = -math.sqrt(2 * eps * 10 * GAS_CONSTANT * T * (u - 1 + math.exp(-u)))
    assert prof.charge_C_m2 == pytest.approx(q_exact, rel=5e-3)
    assert semi_infinite_charge_C_m2(p, dphi) == pytest.approx(q_exact, rel=1e-12)
    # equivalent depletion width Q/(zFc_d) → ℓ = √(2ε|Δφ|/zFc_d), with the −RT/zF correction
    width = -prof.charge_C_m2 / (2 * FARADAY * 10)
    ell = mott_schottky_width_m(20, 10, dphi, z=2)
    assert width / ell == pytest.approx(math.sqrt(1 - 1 / u), rel=5e-3)
    assert prof.capacitance_F_m2 == pytest.approx(mott_schottky_capacitance_F_m2(20, 10, dphi, z=2)
                                                  / math.sqrt(1 - 1 / u) * (1 - math.exp(-u)), rel=5e-3)
    # the mobile interstitials are depleted within ℓ (φ ≈ Δφ(1 − x/ℓ)², so c(ℓ/2) ≈ c_d e^{−u/4})
    # and back to c_d far beyond it
    zn = prof.concentrations_mol_m3["Zn_i"]
    assert zn[prof.x_m < 0.5 * ell].max() < 2 * 10 * math.exp(-u / 4)
    assert zn[prof.x_m > 3 * ell].min() > 0.95 * 10
    assert prof.neutrality_error < 1e-8


def test_mott_schottky_width_tends_to_depletion_formula():
    p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, mode="mott-schottky", temperature_K=T)
    ratios = [-solve_space_charge(p, v).charge_C_m2 / (2 * FARADAY * 10) / mott_schottky_width_m(20, 10, v, z=2)
              for v in (0.1, 0.4, 1.2)]
    assert ratios[0] < ratios[1] < ratios[2] < 1.0
    assert ratios[2] == pytest.approx(1.0, abs=6e-3)


# ---------------------------------------------------------------- finite thickness: sinh → exp
def _log_slope(params, u1, u2):
    """d lnΓ / d(zF|Δφ|/RT) between two accumulation steps."""
    g = [solve_space_charge(params, -u * VT / 2).zinc_excess_mol_m2 for u in (u1, u2)]
    return math.log(g[1] / g[0]) / (u2 - u1)


def test_overlapping_zones_transition_from_sinh_to_exp():
    lam = DILUTE.debye_length_m
    slopes = {}
    for ratio in (None, 1.0, 0.1, 1e-3):
        p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T,
                              thickness_m=None if ratio is None else ratio * lam)
        slopes[ratio] = _log_slope(p, 5.0, 6.0)
    # semi-infinite: Γ ∝ sinh(u/2) → slope zF/2RT; overlapping zones: Γ ∝ sinh(u) → zF/RT
    exact_semi = math.log(math.sinh(3.0) / math.sinh(2.5))
    exact_meso = math.log(math.sinh(6.0) / math.sinh(5.0))
    assert slopes[None] == pytest.approx(exact_semi, rel=2e-3)
    assert slopes[None] == pytest.approx(0.5, rel=0.02)
    assert slopes[1e-3] == pytest.approx(exact_meso, rel=2e-3)
    assert slopes[1e-3] == pytest.approx(1.0, rel=0.02)
    assert slopes[None] < slopes[1.0] < slopes[0.1] < slopes[1e-3]


def test_storage_transition_slopes_are_exact():
    lam = DILUTE.debye_length_m
    steps = np.linspace(0.01, 0.06, 6)
    tr = storage_transition(DILUTE, [1e-3 * lam, lam], steps)
    u = 2 * steps / VT
    assert tr.thickness_m == (1e-3 * lam, lam, None)
    np.testing.assert_allclose(tr.log_slope[0], 1 / np.tanh(u), rtol=2e-3)        # overlapping: Γ ∝ sinh u
    np.testing.assert_allclose(tr.log_slope[2], 0.5 / np.tanh(u / 2), rtol=2e-3)   # semi-infinite: ∝ sinh u/2
    assert np.all((tr.log_slope[1] > tr.log_slope[2]) & (tr.log_slope[1] < tr.log_slope[0]))
    np.testing.assert_allclose(tr.zinc_excess_mol_m2[2], [gouy_chapman_charge_C_m2(20, 10, -v, z=2, temperature_K=T)
                                                           / (2 * FARADAY) for v in steps], rtol=5e-3)
    with pytest.raises(InputError):
        storage_transition(DILUTE, [lam], [0.0, 0.1])
    with pytest.raises(InputError):
        storage_transition(DILUTE, [-lam], [0.1])


def test_thin_film_concentration_is_uniform_and_exponential():
    L = 1e-3 * DILUTE.debye_length_m
    p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T, thickness_m=L)
    prof = solve_space_charge(p, -0.1)
    u = 2 * 0.1 / VT
    zn = prof.concentrations_mol_m3["Zn_i"]
    assert np.ptp(zn) / zn.mean() < 1e-3
    assert zn.mean() == pytest.approx(10 * math.exp(u), rel=1e-3)
    assert prof.zinc_excess_mol_m2 == pytest.approx(2 * L * 10 * math.sinh(u), rel=1e-3)
    assert prof.domain_length_m == pytest.approx(L)
    assert prof.neutrality_error < 1e-8


# ---------------------------------------------------------------- site restriction and semiconducting β
def test_site_restriction_saturates_and_matches_first_integral():
    p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T, site_concentration_mol_m3=1000)
    for dphi in (-0.05, -0.3, -0.6):
        prof = solve_space_charge(p, dphi)
        assert prof.charge_C_m2 == pytest.approx(semi_infinite_charge_C_m2(p, dphi), rel=5e-3)
        assert np.nanmax(prof.concentrations_mol_m3["Zn_i"]) <= 1000 * (1 + 1e-12)
        assert prof.charge_C_m2 < gouy_chapman_charge_C_m2(20, 10, dphi, z=2, temperature_K=T)
    assert np.nanmax(solve_space_charge(p, -0.6).concentrations_mol_m3["Zn_i"]) == pytest.approx(1000, rel=1e-6)
    # sparse sites: the dilute limit is recovered
    wide = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T, site_concentration_mol_m3=1e9)
    assert solve_space_charge(wide, -0.1).charge_C_m2 == pytest.approx(
        gouy_chapman_charge_C_m2(20, 10, -0.1, z=2, temperature_K=T), rel=5e-3)


def test_semiconducting_beta_splits_the_step_like_series_capacitors():
    p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T, beta_eps_r=5, beta_c_bulk_mol_m3=1)
    dphi = -0.2
    prof = solve_space_charge(p, dphi)
    # analytic: φ(0) such that Q_α(φ(0)) + Q_β(φ(0) − Δφ) = 0, each from its Gouy–Chapman first integral
    phi0 = brentq(lambda v: semi_infinite_charge_C_m2(p, v) + semi_infinite_charge_C_m2(p, v - dphi, "beta"),
                  dphi, 0.0, xtol=1e-14)
    assert prof.delta_phi_alpha_V == pytest.approx(phi0, rel=5e-3)
    assert prof.charge_C_m2 == pytest.approx(semi_infinite_charge_C_m2(p, phi0), rel=5e-3)
    assert prof.charge_C_m2 + prof.beta_charge_C_m2 == pytest.approx(0.0, abs=1e-8 * abs(prof.charge_C_m2))
    assert prof.neutrality_error < 1e-8
    # near the point of zero charge 1/C = 1/C_α + 1/C_β
    small = solve_space_charge(p, 1e-4)
    c_a = 20 * 8.8541878128e-12 / debye_length_m(20, 10, z=2, temperature_K=T)
    c_b = 5 * 8.8541878128e-12 / debye_length_m(5, 1, z=1, temperature_K=T)
    assert small.capacitance_F_m2 == pytest.approx(1 / (1 / c_a + 1 / c_b), rel=5e-3)
    assert np.all(np.isnan(prof.concentrations_mol_m3["electron"][prof.x_m > 0]))


# ---------------------------------------------------------------- validation before solving
@pytest.mark.parametrize("kwargs", [
    dict(eps_r=0, c_bulk_mol_m3=10),
    dict(eps_r=20, c_bulk_mol_m3=-1),
    dict(eps_r=20, c_bulk_mol_m3=float("nan")),
    dict(eps_r=20, c_bulk_mol_m3=10, thickness_m=0.0),
    dict(eps_r=20, c_bulk_mol_m3=10, z=0),
    dict(eps_r=20, c_bulk_mol_m3=10, mode="debye"),
    dict(eps_r=20, c_bulk_mol_m3=10, site_concentration_mol_m3=5),
    dict(eps_r=20, c_bulk_mol_m3=10, beta_c_bulk_mol_m3=1.0),
    dict(eps_r=20, c_bulk_mol_m3=10, beta_eps_r=5.0),
    dict(eps_r=20, c_bulk_mol_m3=10, temperature_K=-5),
    dict(eps_r=20, c_bulk_mol_m3=1e30),  # denser than any solid: Debye length of 3e-15 nm
    dict(eps_r=20, c_bulk_mol_m3=10, beta_eps_r=5.0, beta_c_bulk_mol_m3=1e30),
])
def test_bad_parameters_raise_input_error(kwargs):
    with pytest.raises(InputError):
        SpaceChargeParams(**kwargs)


def test_absurd_dilute_accumulation_is_refused_but_site_restriction_solves():
    # dilute Zn²⁺ at −0.7 V would pile up by e^{54} ≈ 3e23 > 1e20: refused before any solve
    with pytest.raises(InputError, match="site_concentration_mol_m3"):
        solve_space_charge(DILUTE, -0.7)
    with pytest.raises(InputError):
        interface_capacitance_curve(DILUTE, np.linspace(-0.7, 0.0, 5))
    p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T, site_concentration_mol_m3=5e4)
    prof = solve_space_charge(p, -1.2)
    assert prof.charge_C_m2 == pytest.approx(semi_infinite_charge_C_m2(p, -1.2), rel=5e-3)
    # a semiconducting β at −1.0 V: its electrons stay within the bound, and the solve converges
    pb = SpaceChargeParams(eps_r=5, c_bulk_mol_m3=10, z=2, temperature_K=T, site_concentration_mol_m3=1e4,
                           beta_eps_r=40, beta_c_bulk_mol_m3=2000)
    assert solve_space_charge(pb, -1.0).neutrality_error < 1e-8


@pytest.mark.parametrize("dphi", [float("nan"), 3.0, "abc"])
def test_bad_potential_raises_input_error(dphi):
    with pytest.raises(InputError):
        solve_space_charge(DILUTE, dphi)
    with pytest.raises(InputError):
        interface_capacitance_curve(DILUTE, [0.1, dphi])


# ---------------------------------------------------------------- CLI end to end
def test_cli_profile_gouy_chapman(run_cli, tmp_path):
    import json
    out_json = tmp_path / "sc.json"
    code, out, err = run_cli("spacecharge", "profile", "--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V",
                             "-0.1", "--cv-points", "21", "--json", out_json, "--out", tmp_path / "figs")
    assert code == 0, err
    r = json.loads(out_json.read_text())
    q_ref = gouy_chapman_charge_C_m2(20, 10, -0.1, z=2)
    assert r["charge_C_m2"] == pytest.approx(q_ref, rel=5e-3)
    assert r["analytic"]["gouy_chapman_charge_C_m2"] == pytest.approx(q_ref, rel=1e-12)
    assert r["debye_length_m"] == pytest.approx(0.768e-9, rel=2e-3)
    assert r["zinc_excess_mol_m2"] == pytest.approx(q_ref / (2 * FARADAY), rel=5e-3)
    assert r["capacitance_uF_cm2"] == pytest.approx(100 * gouy_chapman_capacitance_F_m2(20, 10, -0.1, z=2), rel=5e-3)
    cv = r["cv_curve"]
    assert len(cv["delta_phi_V"]) == 21 and cv["delta_phi_V"][0] == pytest.approx(-0.1)
    assert cv["capacitance_F_m2"][10] == pytest.approx(20 * 8.8541878128e-12 / 0.7677e-9, rel=5e-3)
    assert len(r["profile"]["x_m"]) == len(r["profile"]["c_Zn_i_mol_m3"]) > 100
    assert "nm" in out and "C m⁻²" in out
    for name in ("spacecharge_profile.png", "spacecharge_cv.png", "spacecharge_profile.csv", "spacecharge_cv.csv"):
        assert (tmp_path / "figs" / name).stat().st_size > 100


def test_cli_profile_thin_mott_schottky(run_cli, tmp_path):
    import json
    out_json = tmp_path / "sc.json"
    code, _, err = run_cli("spacecharge", "profile", "--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V",
                           "0.3", "--mode", "mott-schottky", "--cv-points", "5", "--json", out_json)
    assert code == 0, err
    r = json.loads(out_json.read_text())
    assert r["analytic"]["mott_schottky_width_m"] == pytest.approx(mott_schottky_width_m(20, 10, 0.3, z=2))
    assert r["charge_C_m2"] == pytest.approx(r["analytic"]["semi_infinite_charge_C_m2"], rel=5e-3)
    code, _, err = run_cli("spacecharge", "profile", "--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V",
                           "-0.1", "--thickness-nm", "0.001", "--cv-points", "3", "--json", out_json)
    assert code == 0, err
    r = json.loads(out_json.read_text())
    assert r["analytic"] == {}
    assert r["zinc_excess_mol_m2"] == pytest.approx(2 * 1e-12 * 10 * math.sinh(2 * 0.1 / VT), rel=2e-3)


def test_electrode_potential_below_pzc_stores_zinc(run_cli, tmp_path):
    import json
    assert galvani_step_V(0.8, 0.9) == pytest.approx(-0.1)
    np.testing.assert_allclose(galvani_step_V(np.array([1.0, 0.9, 0.8]), 0.9), [0.1, 0.0, -0.1], atol=1e-15)
    out_json = tmp_path / "e.json"
    code, _, err = run_cli("spacecharge", "profile", "--eps-r", "20", "--c-bulk-mol-m3", "10",
                           "--electrode-potential-V", "0.8", "--pzc-V", "0.9", "--cv-points", "3", "--json", out_json)
    assert code == 0, err
    r = json.loads(out_json.read_text())
    assert r["delta_phi_V"] == pytest.approx(-0.1)
    assert r["zinc_excess_mol_m2"] > 0  # discharge below the pzc stores Zn
    for args in (("--delta-phi-V", "0.1", "--electrode-potential-V", "0.8", "--pzc-V", "0.9"),
                 ("--electrode-potential-V", "0.8"), ()):
        code, _, err = run_cli("spacecharge", "profile", "--eps-r", "20", "--c-bulk-mol-m3", "10", *args)
        assert code == 2 and err.startswith("error:")


def test_cli_transition(run_cli, tmp_path):
    import json
    out_json = tmp_path / "tr.json"
    code, out, err = run_cli("spacecharge", "transition", "--eps-r", "20", "--c-bulk-mol-m3", "10",
                             "--thickness-nm", "0.001,1", "--max-step-V", "0.06", "--points", "6",
                             "--json", out_json, "--out", tmp_path / "figs")
    assert code == 0, err
    r = json.loads(out_json.read_text())
    assert [c["thickness_m"] for c in r["curves"]] == [pytest.approx(1e-12), pytest.approx(1e-9), None]
    u = 2 * 0.06 / VT
    assert r["curves"][0]["log_slope_zF_RT"][-1] == pytest.approx(1 / math.tanh(u), rel=2e-3)
    assert r["curves"][2]["log_slope_zF_RT"][-1] == pytest.approx(0.5 / math.tanh(u / 2), rel=2e-3)
    assert r["step_V"][-1] == pytest.approx(0.06)
    assert (tmp_path / "figs" / "spacecharge_transition.png").stat().st_size > 1000
    code, _, err = run_cli("spacecharge", "transition", "--eps-r", "20", "--c-bulk-mol-m3", "10",
                           "--thickness-nm", "1,abc")
    assert code == 2 and err.startswith("error:")


@pytest.mark.parametrize("args", [
    ("--eps-r", "-20", "--c-bulk-mol-m3", "10", "--delta-phi-V", "0.1"),
    ("--eps-r", "20", "--c-bulk-mol-m3", "0", "--delta-phi-V", "0.1"),
    ("--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V", "0.1", "--thickness-nm", "0"),
    ("--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V", "9"),
    ("--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V", "0.1", "--mode", "stern"),
    ("--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V", "0.1", "--cv-points", "1"),
    ("--eps-r", "20", "--c-bulk-mol-m3", "10", "--delta-phi-V", "nan"),
])
def test_cli_profile_bad_input_is_one_line_exit_2(run_cli, args):
    code, _, err = run_cli("spacecharge", "profile", *args)
    assert code == 2
    assert err.strip().startswith("error:") and len(err.strip().splitlines()) == 1


def test_params_from_mapping():
    curve = interface_capacitance_curve({"eps_r": 20, "c_bulk_mol_m3": 10, "z": 2}, [-0.1])
    q, c = curve
    assert q[0] == curve.charge_C_m2[0] == pytest.approx(gouy_chapman_charge_C_m2(20, 10, -0.1, z=2), rel=5e-3)
    assert c[0] == curve.capacitance_F_m2[0] == pytest.approx(gouy_chapman_capacitance_F_m2(20, 10, -0.1, z=2),
                                                                rel=5e-3)
    for bad in ({"eps_r": 20}, {"eps_r": 20, "c_bulk_mol_m3": 10, "epsilon": 3}, [20, 10]):
        with pytest.raises(InputError):
            solve_space_charge(bad, 0.1)


def test_thick_film_equals_semi_infinite_with_few_nodes():
    semi = solve_space_charge(DILUTE, -0.12)
    thick = solve_space_charge(SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T,
                                                 thickness_m=1e-3), -0.12)  # 1 mm ≈ 1.3e6 λ
    assert thick.charge_C_m2 == pytest.approx(semi.charge_C_m2, rel=1e-6)
    assert thick.capacitance_F_m2 == pytest.approx(semi.capacitance_F_m2, rel=1e-6)
    assert thick.x_m[-1] == pytest.approx(1e-3) and thick.x_m.size < semi.x_m.size + 100


def test_intermediate_thickness_against_scipy_solve_bvp():
    # L = λ: no closed form; an independent adaptive collocation solution (scipy.integrate.solve_bvp)
    from scipy.integrate import solve_bvp

    lam = DILUTE.debye_length_m
    dphi, u_scale = -0.1, 2 / VT
    p = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2, temperature_K=T, thickness_m=lam)
    prof = solve_space_charge(p, dphi)
    # dimensionless: ψ = zFφ/RT, s = x/λ  →  ψ'' = sinh ψ, ψ(0) = zFΔφ/RT, ψ'(1) = 0
    s = np.concatenate(([0.0], np.geomspace(1e-4, 1, 200)))
    guess = gouy_chapman_potential_V(s * lam, 20, 10, dphi, z=2, temperature_K=T) * u_scale  # semi-infinite
    sol = solve_bvp(lambda s, y: np.vstack((y[1], np.sinh(y[0]))),
                    lambda ya, yb: np.array([ya[0] - u_scale * dphi, yb[1]]),
                    s, np.vstack((guess, np.gradient(guess, s))), tol=1e-6, max_nodes=100_000)
    assert sol.success
    eps = 20 * 8.8541878128e-12
    q_bvp = eps * sol.sol(0.0)[1] / (u_scale * lam)  # Q_α = ε φ'(0)
    assert prof.charge_C_m2 == pytest.approx(q_bvp, rel=5e-3)
    assert prof.phi_V[-1] == pytest.approx(sol.sol(1.0)[0] / u_scale, rel=5e-3)


def test_random_parameters_either_solve_cleanly_or_raise_input_error():
    rng = np.random.default_rng(7)
    solved = 0
    for _ in range(60):
        kw = dict(eps_r=10 ** rng.uniform(0, 2), c_bulk_mol_m3=10 ** rng.uniform(-3, 4), z=int(rng.integers(1, 4)),
                  mode=str(rng.choice(["gouy-chapman", "mott-schottky"])))
        if rng.random() < 0.4:
            kw["thickness_m"] = 10 ** rng.uniform(-11, -5)
        if rng.random() < 0.4:
            kw["site_concentration_mol_m3"] = kw["c_bulk_mol_m3"] * 10 ** rng.uniform(0.1, 5)
        if rng.random() < 0.3:
            kw["beta_eps_r"], kw["beta_c_bulk_mol_m3"] = 10 ** rng.uniform(0, 2), 10 ** rng.uniform(-3, 5)
        try:
            prof = solve_space_charge(SpaceChargeParams(**kw), rng.uniform(-1.5, 1.5))
        except InputError:
            continue
        solved += 1
        assert np.isfinite(prof.charge_C_m2) and prof.capacitance_F_m2 >= 0
        assert prof.neutrality_error < 1e-8
    assert solved > 35


def test_cli_transition_names_a_too_large_max_step(run_cli):
    code, _, err = run_cli("spacecharge", "transition", "--eps-r", "30", "--c-bulk-mol-m3", "10",
                           "--max-step-V", "5")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--max-step-V" in err and "got 5 V" in err and "np.float64" not in err


def test_cli_profile_states_its_defaults(run_cli):
    code, out, err = run_cli("spacecharge", "profile", "--eps-r", "20", "--c-bulk-mol-m3", "10",
                             "--delta-phi-V", "-0.1", "--cv-points", "5")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "α semi-infinite" in flat and "dilute (no site limit)" in flat and "T = 298.15 K" in flat


def test_cli_profile_warns_when_the_dilute_model_piles_up_more_than_a_solid_holds(run_cli, tmp_path):
    import json

    code, out, err = run_cli("spacecharge", "profile", "--eps-r", "30", "--c-bulk-mol-m3", "10",
                             "--delta-phi-V", "-0.2", "--cv-points", "5", "--json", tmp_path / "a.json")
    assert code == 0, err
    assert "exceeds the atom density" in err and json.loads((tmp_path / "a.json").read_text())["warnings"]
    for extra in (("--site-conc-mol-m3", "5e4"), ("--beta-eps-r", "10", "--beta-c-bulk-mol-m3", "10")):
        dphi = "-0.2" if extra[0] == "--site-conc-mol-m3" else "-0.05"  # NaN outside a phase: no false alarm
        code, out, err = run_cli("spacecharge", "profile", "--eps-r", "30", "--c-bulk-mol-m3", "10",
                                 "--delta-phi-V", dphi, "--cv-points", "5", *extra, "--json", tmp_path / "b.json")
        assert code == 0, err
        assert "warning" not in out + err and json.loads((tmp_path / "b.json").read_text())["warnings"] == []
