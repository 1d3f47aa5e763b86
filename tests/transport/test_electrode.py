"""Electrode simulator: analytic limits, conservation, and bad-parameter errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from interstore.errors import InputError
from interstore.transport.cellconfig import CellConfig, config_from_dict
from interstore.transport.electrode import simulate_galvanostatic
from interstore.transport.mesh import Mesh
from interstore.transport.model import build_model
from interstore.transport.solver import Step, run_step


def crank_sphere_surface(tau: np.ndarray, n_terms: int = 200) -> np.ndarray:
    """Dimensionless surface rise (C_s − C_0)·D/(F_0·a) for constant flux F_0 into a sphere of
    radius a (Crank, The Mathematics of Diffusion, 1975, §6.3.4):
    3τ + 1/5 − 2 Σ exp(−λ_n² τ)/λ_n², tan λ_n = λ_n, τ = Dt/a²."""
    lam = np.array([brentq(lambda x: np.sin(x) - x * np.cos(x), n * np.pi + 1e-9, n * np.pi + np.pi / 2 - 1e-9)
                    for n in range(1, n_terms + 1)])
    tau = np.asarray(tau, float)[:, None]
    return 3 * tau[:, 0] + 0.2 - 2 * np.sum(np.exp(-lam ** 2 * tau) / lam ** 2, axis=1)


def _bulk_config(**host) -> CellConfig:
    base = {"ocp": "ideal", "geometry": "sphere", "size_m": 100e-9, "diffusivity_m2_s": 1e-16,
            "exchange_current_A_m2": 10.0, "initial_stoichiometry": 0.05}
    base.update(host)
    return config_from_dict({"host": base, "interface": {"enabled": False},
                             "numerics": {"n_cells": 60, "rtol": 1e-8, "atol": 1e-12}})


def test_sphere_constant_flux_matches_crank_series():
    cfg = _bulk_config()
    model = build_model(cfg, reservoirs="bulk")
    res = model.reservoirs[0]
    i = 0.02 * res.capacity_C_g * res.rate_s_inv * 3        # A/g: a modest surface rise
    y0 = np.full(res.mesh.n_cells, 0.05)
    traj = run_step(model, y0, Step(current_A_g=i), duration_s=0.3 / res.rate_s_inv)
    tau = traj.time_s * res.rate_s_inv
    rise = np.array([Mesh.surface_value(traj.y[:, k]) for k in range(tau.size)]) - 0.05
    scale = i / (3 * res.capacity_C_g * res.rate_s_inv)     # F_0·a/D in stoichiometry units
    exact = scale * crank_sphere_surface(tau)
    sel = tau >= 0.02
    rel = np.abs(rise[sel] - exact[sel]) / exact[sel]
    assert rel.max() < 5e-3, rel.max()


def test_mesh_volumes_and_conservation_of_laplacian():
    for geometry in ("sphere", "slab"):
        mesh = Mesh(geometry, 17)
        assert mesh.volumes.sum() == pytest.approx(1.0)
        lap = mesh.laplacian()
        # zero-flux walls: d/dt Σ vol·x = 0 for any x
        x = np.random.default_rng(0).random(17)
        assert abs(mesh.volumes @ (lap @ x)) < 1e-12


def test_bulk_discharge_slow_rate_reaches_ocv_capacity_and_conserves_charge():
    cfg = _bulk_config(ocp="vo2", diffusivity_m2_s=1e-14)
    d = simulate_galvanostatic(cfg, 0.05, bulk_only=True)
    res = build_model(cfg, reservoirs="bulk").reservoirs[0]
    x_cut = brentq(lambda x: float(res.ocp(x)) - cfg.cell.v_min_V, 1e-6, 1 - 1e-12)
    # near-equilibrium: delivered capacity = (x_cut − x0)·Q_theoretical within 1 %
    q_expected = (x_cut - 0.05) * res.capacity_C_g / 3.6
    assert d.capacity_mAh_g[-1] == pytest.approx(q_expected, rel=1e-2)
    assert d.charge_balance_rel_error < 1e-6
    assert d.hit_cutoff
    assert d.potential_V[-1] == pytest.approx(cfg.cell.v_min_V, abs=1e-6)


def test_to_measurement_signs_discharge_negative_and_charge_positive():
    cfg = _bulk_config()
    for direction, sign in (("discharge", -1.0), ("charge", 1.0)):
        d = simulate_galvanostatic(cfg, 1.0, bulk_only=True, direction=direction)
        current = d.to_measurement().current_A
        assert np.allclose(current, sign * 1.0 * d.basis_mass_g)  # A = A/g x g of the basis


def test_capacity_falls_with_rate_when_diffusion_limited():
    cfg = _bulk_config()
    caps = [simulate_galvanostatic(cfg, i, bulk_only=True).capacity_mAh_g[-1] for i in (1.0, 10.0, 100.0)]
    assert caps[0] > caps[1] > caps[2]


@pytest.mark.parametrize("section,key,value,fragment", [
    ("host", "diffusivity_m2_s", -1e-15, "host.diffusivity_m2_s"),
    ("host", "size_m", 0.0, "host.size_m"),
    ("interface", "sigma_eon_S_m", -5.0, "interface.sigma_eon_S_m"),
    ("cell", "active_mass_g", float("nan"), "cell.active_mass_g"),
    ("host", "bogus_key", 1.0, "host.bogus_key"),
])
def test_bad_parameters_name_the_key(section, key, value, fragment):
    with pytest.raises(InputError, match=fragment.replace(".", r"\.")):
        config_from_dict({section: {key: value}})


def test_cutoff_above_initial_ocv_is_rejected_before_solving():
    cfg = _bulk_config().updated(**{"cell.v_min_V": 1.0})  # ideal OCP at x0 = 0.05 is 0.838 V
    with pytest.raises(InputError, match="v_min_V"):
        simulate_galvanostatic(cfg, 1.0, bulk_only=True)


def test_user_ocp_table_is_monotone_and_used_by_the_host(tmp_path):
    from interstore.transport.ocp import read_ocp_table

    x = np.linspace(0.0, 1.0, 11)
    u = 1.2 - 0.8 * x ** 1.5
    (tmp_path / "ocp.csv").write_text("stoichiometry,potential_V\n" + "\n".join(f"{a},{b}" for a, b in zip(x, u)))
    table = read_ocp_table(tmp_path / "ocp.csv")
    fine = np.linspace(0, 1, 501)
    assert np.all(np.diff(table(fine)) <= 0)                      # PCHIP never overshoots
    np.testing.assert_allclose(table(x), u)
    (tmp_path / "cell.toml").write_text('[host]\nocp = "ocp.csv"\n[interface]\nenabled = false\n')
    from interstore.transport.cellconfig import load_cell_config

    cfg = load_cell_config(tmp_path / "cell.toml")               # relative path: next to the config
    res = build_model(cfg, reservoirs="bulk").reservoirs[0]
    assert float(res.ocp(0.5)) == pytest.approx(float(table(0.5)))


@pytest.mark.parametrize("body,fragment", [
    ("stoichiometry,potential_V\n0,1.2\n0.5,1.3\n1,0.4\n", "decreasing"),
    ("stoichiometry,potential_V\n0,1.2\n0.5,nan\n1,0.4\n", "line 3"),
    ("x,potential_V\n0,1.2\n0.5,1.0\n1,0.4\n", "stoichiometry"),
    ("stoichiometry,potential_V\n0,1.2\n", "at least 3"),
    ("", "could not be read"),
])
def test_bad_ocp_tables(tmp_path, body, fragment):
    from interstore.transport.ocp import read_ocp_table

    (tmp_path / "ocp.csv").write_text(body)
    with pytest.raises(InputError, match=fragment):
        read_ocp_table(tmp_path / "ocp.csv")


def test_spacecharge_interface_capacity_equals_stored_charge_times_area():
    from interstore.transport.model import interface_area_m2_g
    from interstore.transport.spacecharge import galvani_step_V, interface_capacitance_curve

    sc = {"eps_r": 20.0, "c_bulk_mol_m3": 10.0, "site_concentration_mol_m3": 3e4}
    cfg = config_from_dict({"interface": {"capacity_source": "spacecharge", "spacecharge": sc, "pzc_V": 1.6}})
    res = build_model(cfg).reservoirs[1]
    ends = interface_capacitance_curve(sc, galvani_step_V(np.array([1.6, 0.2]), 1.6)).charge_C_m2
    expected = abs(ends[1] - ends[0]) * interface_area_m2_g(cfg)      # C per g active
    assert res.capacity_C_g == pytest.approx(expected, rel=2e-3)
    assert float(res.ocp(0.0)) == pytest.approx(1.6) and float(res.ocp(1.0)) == pytest.approx(0.2)


def test_bdf_path_agrees_with_exact_modal_path():
    # a vanishing interface reservoir sends the discharge through BDF (two reservoirs); the bulk-only
    # discharge is integrated exactly by eigenmodes: both must give the same curve
    cfg = config_from_dict({"host": {"ocp": "vo2", "size_m": 1e-6, "diffusivity_m2_s": 1e-14,
                                     "exchange_current_A_m2": 1.0},
                            "interface": {"zn_per_site": 1e-6}, "numerics": {"n_cells": 20}})
    for current in (1.0, 30.0):
        exact = simulate_galvanostatic(cfg, current, bulk_only=True)
        bdf = simulate_galvanostatic(cfg, current)
        assert bdf.capacity_mAh_g[-1] == pytest.approx(exact.capacity_mAh_g[-1], rel=1e-3)
        q = np.linspace(0.01, 0.95, 100) * exact.capacity_mAh_g[-1]   # skip the instant the tiny interface fills
        diff = np.interp(q, bdf.capacity_mAh_g, bdf.potential_V) - np.interp(q, exact.capacity_mAh_g,
                                                                              exact.potential_V)
        assert np.abs(diff).max() < 1e-3
