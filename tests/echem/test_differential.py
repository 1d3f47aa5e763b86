"""Differential capacity dQ/dV, dV/dQ, peaks and cycle trends.

Synthetic: a galvanostatic curve with two plateaus (tanh steps of known centre and capacity) must give
dQ/dV peaks at the plateau voltages (within 5 mV) with areas equal to the plateau capacities.
Real: the LG INR21700-M50T cell in ../shared/data (NMC811 | graphite–SiOx, 2.5–4.2 V, ~4.7 Ah; the file
name and capacity identify it) compared with PyBaMM's DFN with the Chen2020 parameter set, which
was measured on this cell type (C.-H. Chen et al., J. Electrochem. Soc. 167, 080534 (2020)).
"""

from __future__ import annotations

import numpy as np
import pytest

from interstore.echem.differential import DifferentialSettings, analyze_differential, differential_capacity
from interstore.echem.galvanostatic import HalfCycle, analyze_cycling
from interstore.echem.record import from_arrays
from interstore.errors import InputError
from interstore.massbasis import ElectrodeMasses

PLATEAUS_V = (1.05, 0.62)        # discharge plateau centres, V
PLATEAU_mAh = (0.6, 0.9)         # capacity of each plateau, mAh
SLOPE_mAh_V = 0.05               # a small capacitive background, mAh/V
WIDTH_V = 0.012                  # tanh width of each plateau, V


def _q_of_v(v):
    """Discharged capacity (mAh) at potential v: two tanh steps plus a linear background from 1.6 V."""
    q = SLOPE_mAh_V * (1.6 - v)
    for v0, dq in zip(PLATEAUS_V, PLATEAU_mAh):
        q = q + dq * 0.5 * (1 - np.tanh((v - v0) / WIDTH_V))
    return q - q[0]


def two_plateau_discharge(n=3000, noise_V=0.0, seed=0):
    v = np.linspace(1.6, 0.2, 20001)
    q = _q_of_v(v)
    q_grid = np.linspace(0, q[-1], n)
    v_q = np.interp(q_grid, q, v) + np.random.default_rng(seed).normal(0, noise_V, n)
    return HalfCycle("discharge", 1, 1e-3, float(q_grid[-1]), 0.0, 3.6 * q_grid[-1] / 1e-3, q_grid, v_q)


@pytest.mark.parametrize("noise_V", [0.0, 0.5e-3])
def test_two_plateaus_recovered_within_5_mV_with_their_capacities(noise_V):
    curve = differential_capacity(two_plateau_discharge(noise_V=noise_V))
    big = sorted(curve.peaks, key=lambda p: -p.height_mAh_V)[:2]
    found = sorted(p.potential_V for p in big)
    assert found == pytest.approx(sorted(PLATEAUS_V), abs=5e-3)
    for p in big:
        dq = PLATEAU_mAh[int(np.argmin([abs(p.potential_V - v0) for v0 in PLATEAUS_V]))]
        assert p.area_mAh == pytest.approx(dq, rel=0.1)  # plus a little background under the peak
    # ∫ dQ/dV dV over the whole curve is the capacity of the half-cycle
    total = np.trapezoid(curve.dqdv_mAh_V, curve.potential_V)
    assert total == pytest.approx(float(_q_of_v(np.linspace(1.6, 0.2, 20001))[-1]), rel=0.02)


def test_dvdq_is_the_inverse_slope_on_a_linear_curve():
    q = np.linspace(0, 2.0, 500)  # mAh
    v = 1.5 - 0.4 * q             # V: dV/dQ = -0.4 V/mAh, dQ/dV = 2.5 mAh/V
    curve = differential_capacity(HalfCycle("discharge", 1, 1e-3, 2.0, 0.0, 7200.0, q, v))
    assert np.allclose(curve.dvdq_V_mAh, -0.4, atol=1e-6)
    inner = (curve.potential_V > 0.75) & (curve.potential_V < 1.45)
    assert np.allclose(curve.dqdv_mAh_V[inner], 2.5, rtol=1e-3)


def _cycles(fade_per_cycle, n=6):
    """n cycles of 1 mA: discharge capacity falls by fade_per_cycle (fraction of the first) each cycle."""
    t, v, i, now = [], [], [], 0.0
    for k in range(n):
        td = 3600.0 * (1 - fade_per_cycle * k)
        for sign, dur, v0, v1 in ((-1, td, 1.6, 0.2), (1, 3600.0, 0.2, 1.6)):
            tt = now + np.linspace(0, dur, 101)
            t.append(tt); v.append(np.linspace(v0, v1, 101)); i.append(np.full(101, sign * 1e-3))
            now = tt[-1] + 10.0
    return from_arrays(np.concatenate(t), np.concatenate(v), np.concatenate(i))


def test_retention_ce_and_fade_rate_per_cycle():
    a = analyze_cycling(_cycles(0.01), ElectrodeMasses(1e-3))
    d = analyze_differential(a).to_dict()["cycle_trend"]
    assert d["fade_pct_per_cycle"]["1"] == pytest.approx(-1.0, rel=1e-6)   # 1 % of the first cycle per cycle
    assert [c["capacity_retention_pct"] for c in d["cycles"]] == pytest.approx([100, 99, 98, 97, 96, 95])
    assert d["cycles"][2]["coulombic_efficiency_pct"] == pytest.approx(98.0)


def test_bad_settings_and_cycles_are_input_errors():
    with pytest.raises(InputError, match="window_V"):
        DifferentialSettings(step_V=0.01, window_V=0.005)
    a = analyze_cycling(_cycles(0.0, n=2), ElectrodeMasses(1e-3))
    with pytest.raises(InputError, match="no cycle 7"):
        analyze_differential(a, cycles=[7])


M50T = "neware/TESTCELL0001-B2-2025-M50T_NewareNDA_Investigation.ndax"


def _pybamm_dfn_peaks(current_A):
    """dQ/dV peak voltages of PyBaMM's DFN (Chen2020 = LG M50) discharged at current_A from full charge."""
    import pybamm

    params = pybamm.ParameterValues("Chen2020")
    params["Current function [A]"] = current_A
    sol = pybamm.Simulation(pybamm.lithium_ion.DFN(), parameter_values=params).solve([0, 1.2 * 3600 * 5 / current_A])
    v, q = sol["Voltage [V]"].entries, sol["Discharge capacity [A.h]"].entries * 1e3
    half = HalfCycle("discharge", 1, current_A, float(q[-1]), 0.0, 0.0, q, v)
    return differential_capacity(half).peaks


@pytest.mark.slow
def test_m50t_discharge_peaks_match_the_chen2020_cell_model(shared_data):
    from interstore.echem.readers import read_measurement

    a = analyze_cycling(read_measurement(shared_data / M50T), ElectrodeMasses(1.0))
    one_c = [c for c in a.cycles if c.discharge is not None and abs(c.discharge.current_A - 5.0) < 0.05]
    assert len(one_c) >= 5  # cycles 3–8 are 5 A (≈1C) discharges
    d = analyze_differential(a, cycles=[c.cycle for c in one_c], kinds=("discharge",))
    model = sorted(p.potential_V for p in _pybamm_dfn_peaks(5.0))
    assert len(model) == 3
    for curve, cyc in zip(d.curves, one_c):
        found = sorted(p.potential_V for p in curve.peaks if p.height_mAh_V > 0.2 * curve.dqdv_mAh_V.max())
        assert len(found) == 3
        # NMC811 | graphite-SiOx staging features, within 70 mV of the published cell model
        assert found == pytest.approx(model, abs=0.07)
        # ∫ dQ/dV dV = the ∫|I|dt capacity of the same discharge (≈ 4.72 Ah at 1C)
        area = np.trapezoid(curve.dqdv_mAh_V, curve.potential_V)
        assert area == pytest.approx(cyc.discharge.capacity_mAh, rel=0.01)


def test_cli_dqdv_json_csv_and_figures_match_the_python_api(run_cli, tmp_path):
    from test_cli_cycling import _write_measurement

    half = two_plateau_discharge(n=800)
    t = half.capacity_curve_mAh * 3.6 / 1e-3
    path = _write_measurement(from_arrays(t, half.potential_V, np.full(t.size, -1e-3)), tmp_path / "two.csv")
    code, out, err = run_cli("gcd", "dqdv", path, "--mass-mg", "2", "--json", tmp_path / "r.json",
                             "--out", tmp_path / "out")
    assert code == 0, err
    import json

    r = json.loads((tmp_path / "r.json").read_text())
    big = sorted(r["peaks"], key=lambda p: -p["height_mAh_V"])[:2]
    assert sorted(p["potential_V"] for p in big) == pytest.approx(sorted(PLATEAUS_V), abs=5e-3)
    # 0.9 mAh plateau on 2 mg of active: ≈ 450 mAh/g
    assert max(p["area_mAh_g"]["active"] for p in big) == pytest.approx(450, rel=0.1)
    assert "Savitzky" in r["method"]
    for name in ("dqdv.png", "dvdq.png", "retention.png", "dqdv_curves.csv", "dqdv_peaks.csv", "cycle_trend.csv"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    code, _, err = run_cli("gcd", "dqdv", path, "--mass-mg", "2", "--kind", "sideways")
    assert code == 2 and "--kind" in err
