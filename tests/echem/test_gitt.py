"""GITT checked against transients with a known diffusion coefficient.

1. Weppner–Huggins transients (E = E_s + IR + b·√t during the pulse, relaxation to a new E_s)
   built from chosen D values: every D comes back within 5 %.
2. The exact constant-flux diffusion solution in a slab of thickness L (Crank, eq. 4.55, linear
   E(c)): WH is recovered when τ ≪ L²/D and the τ-check flags it when τ ≈ L²/D.
"""

from __future__ import annotations

import numpy as np
import pytest

from interstore.echem.gitt import GittGeometry, analyze_gitt, sqrt_time_fit, weppner_huggins_D
from interstore.echem.record import from_arrays
from interstore.errors import InputError

TAU = 600.0        # s
I_PULSE = -1e-4    # A (discharge)
R_OHM = 50.0       # ohm -> IR jump of -5 mV
GEOM = GittGeometry.from_electrode(mass_g=1e-3, molar_mass_g_mol=663.5, molar_volume_cm3_mol=140.0,
                                   area_cm2=1.0)  # L = 2.11e-4 cm


def wh_titration(D_values, dEs=0.02, relax_s=3600.0, shape="sqrt", signs=None):
    """Pulses of ±|I_PULSE| (sign -1 = discharge: E falls by dEs after each pulse)."""
    L = GEOM.length_cm
    signs = [-1] * len(D_values) if signs is None else signs
    t, v, i = [np.linspace(0, 600, 10)], [np.full(10, 1.2)], [np.zeros(10)]
    now, es = 600.0, 1.2
    for D, sign in zip(D_values, signs):
        current = sign * abs(I_PULSE)
        dEt = dEs * np.sqrt(4 * L ** 2 / (np.pi * TAU * D))
        tp = np.linspace(0, TAU, 61)
        growth = np.sqrt(tp / TAU) if shape == "sqrt" else tp / TAU
        ep = es + current * R_OHM + sign * dEt * growth
        tr = np.linspace(0, relax_s, 121)[1:]
        es_new = es + sign * dEs
        er = es_new + (ep[-1] - current * R_OHM - es_new) * np.exp(-tr / 300.0)
        t += [now + tp, now + TAU + tr]; v += [ep, er]; i += [np.full(61, current), np.zeros(120)]
        now += TAU + relax_s
        es = es_new
    return from_arrays(np.concatenate(t), np.concatenate(v), np.concatenate(i), source="gitt.csv")


def test_weppner_huggins_transients_recover_D_within_5_percent():
    D_true = np.logspace(-12, -10, 8)  # cm^2/s, varying with state of charge
    res = analyze_gitt(wh_titration(D_true), GEOM, pulse_s=TAU)
    assert len(res.pulses) == 8
    D = np.array([p.D_cm2_s for p in res.pulses])
    assert np.allclose(D, D_true, rtol=0.05)
    p = res.pulses[0]
    assert p.iR_drop_V == pytest.approx(I_PULSE * R_OHM, abs=2e-4)
    assert p.ohmic_resistance_ohm == pytest.approx(R_OHM, rel=0.02)
    assert p.delta_Es_V == pytest.approx(0.02, rel=1e-3)
    assert p.sqrt_t_r2 > 0.999 and p.valid
    assert [q.depth_fraction for q in res.pulses][-1] == pytest.approx(1.0)
    # x per formula unit: Q = 0.06 C per pulse, M/(2 F m) = 663.5/(2*96485*1e-3)
    assert res.pulses[0].x_Zn_per_formula_unit == pytest.approx(0.06 * 663.5 / (2 * 96485.33212e-3), rel=1e-6)


def test_D_survives_0p1_mV_potential_noise():
    D_true = np.logspace(-12, -11.2, 6)
    clean = wh_titration(D_true)
    noisy = clean.potential_V + np.random.default_rng(7).normal(0, 1e-4, clean.potential_V.size)
    res = analyze_gitt(from_arrays(clean.time_s, noisy, clean.current_A), GEOM)
    assert np.allclose([p.D_cm2_s for p in res.pulses], D_true, rtol=0.05)
    assert all(p.valid for p in res.pulses)


def test_discharge_then_charge_titration_tracks_zn_content():
    D_true = [2e-12, 3e-12, 4e-12, 4e-12, 3e-12, 2e-12]
    res = analyze_gitt(wh_titration(D_true, signs=[-1, -1, -1, 1, 1, 1]), GEOM)
    assert np.allclose([p.D_cm2_s for p in res.pulses], D_true, rtol=0.05)
    assert [p.depth_fraction for p in res.pulses] == pytest.approx([1 / 3, 2 / 3, 1, 2 / 3, 1 / 3, 0], abs=1e-9)
    assert res.pulses[-1].x_Zn_per_formula_unit == pytest.approx(0.0, abs=1e-9)
    assert res.pulses[3].current_A > 0 and res.pulses[3].iR_drop_V > 0


def test_linear_in_time_pulse_fails_the_sqrt_t_check():
    res = analyze_gitt(wh_titration([1e-11], shape="linear"), GEOM)
    assert "sqrt_t_nonlinear" in res.pulses[0].flags
    assert res.to_dict()["n_valid"] == 0


def test_short_rest_is_flagged_as_not_relaxed():
    res = analyze_gitt(wh_titration([2e-12, 2e-12], relax_s=600.0), GEOM)
    assert all("relaxation_incomplete" in p.flags for p in res.pulses)
    assert all(p.valid for p in analyze_gitt(wh_titration([2e-12, 2e-12]), GEOM).pulses)


def test_l_form_equals_mass_volume_form():
    g2 = GittGeometry.from_length(GEOM.length_cm)
    assert weppner_huggins_D(TAU, 0.01, 0.05, g2.length_cm) == pytest.approx(
        4 / (np.pi * TAU) * (1e-3 * 140.0 / (663.5 * 1.0)) ** 2 * (0.01 / 0.05) ** 2)


def slab_surface_concentration(t, D, L, flux, terms=4000):
    """Crank 4.55: surface excess for constant flux into x=0 of a slab blocked at x=L."""
    t = np.atleast_1d(t)[:, None]
    n = np.arange(1, terms + 1)[None, :]
    series = np.sum(np.exp(-(n * np.pi) ** 2 * D * t / L ** 2) / n ** 2, axis=1)
    c = flux * L / D * (D * t[:, 0] / L ** 2 + 1 / 3 - 2 / np.pi ** 2 * series)
    return np.where(t[:, 0] > 0, c, 0.0)  # the truncated series is not exactly 0 at t = 0


def slab_titration(D, L, tau, dEdc=-1.0e-3, dEt=0.02):
    flux = dEt / (abs(dEdc) * 2 * np.sqrt(tau / (np.pi * D)))  # ~20 mV transient
    tp = tau * np.linspace(0, 1, 101) ** 2            # dense at the start of the pulse
    tr = tau + np.linspace(0, 6 * L ** 2 / D, 301)[1:]
    cp = slab_surface_concentration(tp, D, L, flux)
    cr = slab_surface_concentration(tr, D, L, flux) - slab_surface_concentration(tr - tau, D, L, flux)
    t = np.concatenate(([-10.0, -1e-9], tp, tr))
    v = 1.0 + dEdc * np.concatenate(([0.0, 0.0], cp, cr)) + np.concatenate(([0, 0], np.full(101, -0.004),
                                                                              np.zeros(300)))
    i = np.concatenate(([0, 0], np.full(101, -1e-4), np.zeros(300)))
    return from_arrays(t + 10.0, v, i)


@pytest.mark.parametrize("ratio, ok", [(0.01, True), (1.0, False)])
def test_exact_slab_diffusion(ratio, ok):
    D, L = 1e-10, 1e-4
    tau = ratio * L ** 2 / D
    res = analyze_gitt(slab_titration(D, L, tau), GittGeometry.from_length(L))
    p = res.pulses[0]
    if ok:
        assert p.D_cm2_s == pytest.approx(D, rel=0.05) and p.valid
        assert p.iR_drop_V == pytest.approx(-0.004, abs=5e-4)
    else:
        assert "tau_not_small_vs_L2_over_D" in p.flags or "sqrt_t_nonlinear" in p.flags


def test_sqrt_time_fit_is_exact_on_a_line():
    a, b, r2 = sqrt_time_fit(np.linspace(0, 100, 11), 1.0 + 0.01 * np.sqrt(np.linspace(0, 100, 11)))
    assert (a, b, r2) == pytest.approx((1.0, 0.01, 1.0))


def test_bad_parameters_and_data_are_input_errors():
    with pytest.raises(InputError, match="molar volume"):
        GittGeometry.from_electrode(1e-3, 663.5, -1.0, 1.0)
    with pytest.raises(InputError, match="no current pulse"):
        analyze_gitt(wh_titration([1e-11]), GEOM, pulse_s=60.0)
    flat = from_arrays(np.arange(5.0), np.ones(5), np.zeros(5), source="flat.csv")
    with pytest.raises(InputError, match="flat.csv"):
        analyze_gitt(flat, GEOM)


def test_real_pulse_file_that_is_not_gitt_is_refused(shared_data):
    """../shared/data holds no real GITT file (see its SOURCES.md); its Modulo Bat file has a
    current that ramps without rests, which must be refused with the reason, not analysed."""
    from interstore.echem.readers import read_measurement

    path = shared_data / "biologic" / "mb.issue_218.mpt"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    with pytest.raises(InputError, match="mb.issue_218.mpt: no current pulse followed by a rest"):
        analyze_gitt(read_measurement(path), GittGeometry.from_length(1e-4))
def pybamm_half_cell_gitt(D_m2_s, pulse_s, rest_h):
    """GITT from PyBaMM's single-particle half-cell model (Xu2019 NMC parameters, 400 radial
    points so the √(Dτ) diffusion layer is resolved); returns (measurement, particle radius m)."""
    pybamm = pytest.importorskip("pybamm")
    model = pybamm.lithium_ion.SPM({"working electrode": "positive"})
    params = pybamm.ParameterValues("Xu2019")
    params["Positive particle diffusivity [m2.s-1]"] = D_m2_s
    steps = [(f"Discharge at C/10 for {pulse_s} seconds (1 second period)",
              f"Rest for {rest_h} hours (30 second period)")] * 3
    sim = pybamm.Simulation(model, parameter_values=params, var_pts={**model.default_var_pts, "r_p": 400},
                            experiment=pybamm.Experiment([("Rest for 10 minutes",)] + steps))
    sol = sim.solve()
    # PyBaMM: positive current = discharge; interstore: discharge = negative current
    data = from_arrays(sol["Time [s]"].entries, sol["Voltage [V]"].entries, -sol["Current [A]"].entries)
    return data, params["Positive particle radius [m]"]


@pytest.mark.parametrize("D_m2_s, pulse_s, ok", [(1e-15, 30, True), (1e-14, 60, False)])
def test_pybamm_single_particle_gitt(D_m2_s, pulse_s, ok):
    """Spherical particles: L = V/S = R/3.  With τD/L² ≈ 0.01 WH is 7 % low (curvature and the
    concentration-dependent exchange current, which the planar WH model lacks); at τD/L² ≈ 0.2 it is
    ~30 % low and the τ ≪ L²/D check must flag it."""
    data, radius_m = pybamm_half_cell_gitt(D_m2_s, pulse_s, rest_h=2)
    res = analyze_gitt(data, GittGeometry.from_length(radius_m / 3 * 100))
    D = np.array([p.D_cm2_s for p in res.pulses]) / (D_m2_s * 1e4)
    assert len(res.pulses) == 3
    if ok:
        assert np.allclose(D, 1.0, rtol=0.10) and all(p.valid for p in res.pulses)
    else:
        assert np.all(D < 0.8) and all("tau_not_small_vs_L2_over_D" in p.flags for p in res.pulses)
