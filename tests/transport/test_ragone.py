"""Ragone generator: the Ragone conflict (heterostructure above bulk-only at high power),
charge conservation over both reservoirs, and the rate/energy bookkeeping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.transport.cellconfig import load_cell_config
from interstore.transport.ragone import ragone_curve, reference_capacity_mAh_g

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "transport" / "vox_rgo.toml"
RATES = tuple(np.geomspace(0.1, 60.0, 10))


@pytest.fixture(scope="module")
def curves():
    cfg = load_cell_config(EXAMPLE)
    return cfg, ragone_curve(cfg, RATES), ragone_curve(cfg, RATES, bulk_only=True)


def test_heterostructure_above_bulk_only_at_high_power(curves):
    _, het, bulk = curves
    p_high = 0.8 * bulk.column("power_W_kg").max()
    assert het.energy_at_power(p_high) > 2.0 * bulk.energy_at_power(p_high)
    # at high rate the interface reservoir carries most of the delivered charge
    last = het.points[-1]
    assert last.interface_capacity_mAh_g > 0.5 * last.capacity_mAh_g


def test_charge_conservation_over_both_reservoirs(curves):
    _, het, bulk = curves
    for curve in (het, bulk):
        assert curve.column("charge_balance_rel_error").max() < 1e-6
        total = curve.column("bulk_capacity_mAh_g") + curve.column("interface_capacity_mAh_g")
        np.testing.assert_allclose(total, curve.column("capacity_mAh_g"), rtol=1e-6)


def test_energy_power_bookkeeping(curves):
    cfg, het, _ = curves
    for p in het.points:
        # mean power = E/Δt and capacity = I·Δt/3.6 on the same basis
        assert p.power_W_kg == pytest.approx(3600 * p.energy_Wh_kg / p.duration_s, rel=1e-9)
        assert p.capacity_mAh_g == pytest.approx(p.current_A_g * p.duration_s / 3.6, rel=1e-9)
        # mean discharge voltage between the cut-off and the start OCV
        assert cfg.cell.v_min_V < p.energy_Wh_kg / p.capacity_mAh_g < 1.6
    q_ref = reference_capacity_mAh_g(cfg)   # 8 e- per V8O16 = 323.1 mAh/g active, on VOx + rGO
    assert q_ref == pytest.approx(323.1 * 1.0 / 1.25, rel=1e-3)
    assert het.points[0].c_rate == pytest.approx(0.1 / (q_ref / 1000))
    e = het.column("energy_Wh_kg")
    assert np.all(np.diff(e) < 0)        # energy falls with rate


def test_to_dict_keys(curves):
    _, het, _ = curves
    d = het.to_dict()
    assert d["mass_basis"] == "composite" and d["variant"] == "heterostructure"
    assert {"c_rate", "current_A_g", "capacity_mAh_g", "energy_Wh_kg", "power_W_kg"} <= set(d["points"][0])


def test_bad_rates_rejected():
    cfg = load_cell_config(EXAMPLE)
    with pytest.raises(InputError):
        ragone_curve(cfg, [1.0, -2.0])


def test_rate_test_measurement_through_echem_cycling_analysis():
    from interstore.echem.galvanostatic import analyze_cycling
    from interstore.transport.electrode import simulate_galvanostatic, simulate_rate_test

    cfg = load_cell_config(EXAMPLE).updated(**{"numerics.n_cells": 12, "numerics.points_per_segment": 80})
    m = simulate_rate_test(cfg, [0.5, 5.0], cycles_per_rate=2)
    masses = cfg.cell.masses
    res = analyze_cycling(m, masses)
    assert len(res.cycles) == 4 and len(res.rate_steps) == 2
    basis_g = masses.mass_g(cfg.cell.mass_basis)
    first = simulate_galvanostatic(cfg, 0.5)       # same initial state as the rate test's first discharge
    assert res.cycles[0].discharge.capacity_mAh / basis_g == pytest.approx(first.capacity_mAh_g[-1], rel=2e-3)
    # the second cycle at each rate is closed (same start and end state): CE = 100 % (no side reactions)
    for c in (res.cycles[1], res.cycles[3]):
        assert c.coulombic_efficiency_pct == pytest.approx(100.0, abs=0.5)
    assert res.rate_steps[1].discharge_capacity_mAh < res.rate_steps[0].discharge_capacity_mAh


def test_job_sharing_transport_limits_interface_storage_at_high_rate():
    # σ_eon → 0 kills the ambipolar conductivity, so D^δ and the high-rate interface share collapse
    from interstore.transport.electrode import simulate_galvanostatic
    from interstore.transport.model import interface_diffusivity_m2_s

    cfg = load_cell_config(EXAMPLE).updated(**{"numerics.n_cells": 12})
    poor = cfg.updated(**{"interface.sigma_eon_S_m": 1e-7})
    assert interface_diffusivity_m2_s(poor) < 1e-4 * interface_diffusivity_m2_s(cfg)
    fast, slow = simulate_galvanostatic(cfg, 20.0), simulate_galvanostatic(poor, 20.0)
    assert slow.interface_capacity_mAh_g[-1] < 0.5 * fast.interface_capacity_mAh_g[-1]
    assert slow.charge_balance_rel_error < 1e-6


def test_design_map_on_an_existing_scheduler():
    from dask.distributed import LocalCluster

    from interstore.transport.designmap import design_map

    cfg = load_cell_config(EXAMPLE).updated(**{"numerics.n_cells": 10, "numerics.points_per_segment": 40})
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        dm = design_map(cfg, "interface_density", "sigma_eon", 2, 3000.0, scheduler=cluster.scheduler_address)
    e = dm.energy_Wh_kg
    assert e.shape == (2, 2) and np.all(np.isfinite(e)) and dm.failed_points == 0
    assert e[1, 1] > e[1, 0]          # more interface coverage -> more energy at 3 kW/kg (good σ_eon row)


@pytest.mark.parametrize("x, y, scheduler, fragment", [
    ("sigma_ion", "sigma_ion", None, "both axes"),            # one parameter on both axes
    ("interface_density", "sigma_eon", "foo", "--scheduler"),  # malformed scheduler address
])
def test_design_map_bad_axes_and_scheduler_are_input_errors(x, y, scheduler, fragment):
    from interstore.transport.designmap import design_map

    cfg = load_cell_config(EXAMPLE)
    with pytest.raises(InputError, match=fragment):
        design_map(cfg, x, y, 2, 3000.0, scheduler=scheduler)


def test_design_map_figure_keeps_the_lowest_log_row_in_view():
    from interstore.transport.designmap import DesignMap, sweep_axis
    from interstore.transport.plots_simulation import designmap_figure

    x_axis, xs = sweep_axis("interface_density", 3, None)
    y_axis, ys = sweep_axis("sigma_eon", 3, None)  # 1e-4 ... 1e3 S/m, log-spaced
    dm = DesignMap("interface_density", x_axis, xs, "sigma_eon", y_axis, ys, 3000.0,
                   np.arange(9.0).reshape(3, 3), "composite", "composite", 0)
    ax = designmap_figure(dm).axes[0]
    lo, hi = ax.get_ylim()
    assert lo < ys[0] < ys[1] < hi  # each row's centre is inside the plotted cells
    assert np.log10(ys[0]) - np.log10(lo) == pytest.approx(np.log10(hi) - np.log10(ys[-1]), rel=1e-6)
