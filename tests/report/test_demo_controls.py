"""The demo study's simulated controls: three replicate cells of each electrode, and an interfacial
excess whose 95 % interval holds the interface capacity the simulator put in (w_ox × (Q_het − Q_bulk-only))."""

import json

import numpy as np
import pytest

from interstore.transport.cellconfig import load_cell_config
from interstore.transport.electrode import simulate_galvanostatic

from conftest import DEMO


@pytest.fixture(scope="module")
def report(demo_report):
    return json.loads((demo_report / "report.json").read_text(encoding="utf-8"))


def test_demo_controls_have_three_simulated_cells_per_electrode(report):
    e = report["controls"]["electrodes"]
    assert set(e) == {"heterostructure", "oxide", "substrate", "mixture"}
    assert all(x["n_cells"] == 3 and "(simulated)" in x["name"] for x in e.values())
    assert report["study"]["simulated_data"] is True


def test_demo_excess_interval_holds_the_simulated_interface_capacity(report):
    config = load_cell_config(DEMO.parent / "cell.toml")
    rows = report["controls"]["rows"]
    w_ox = report["controls"]["oxide_mass_fraction"]
    assert w_ox == pytest.approx(0.8, rel=1e-3)
    for row in rows:
        rate = round(row["current_A_g_composite"], 3)
        true = w_ox * (simulate_galvanostatic(config, rate).capacity_mAh_g[-1]
                       - simulate_galvanostatic(config, rate, bulk_only=True).capacity_mAh_g[-1])
        e = row["interfacial_excess"]
        assert e["ci95_low_mAh_g"] <= true <= e["ci95_high_mAh_g"], rate
        assert e["ci95_high_mAh_g"] - e["ci95_low_mAh_g"] < 0.5 * true  # an interval that says something
    dq = report["controls"]["excess_dqdv"]
    # the excess dQ/dV integrates to the excess of the first rate step (same discharges)
    area = np.trapezoid(dq["excess"], dq["potential_V"])
    assert area == pytest.approx(rows[0]["interfacial_excess"]["value_mAh_g"], rel=0.1)
