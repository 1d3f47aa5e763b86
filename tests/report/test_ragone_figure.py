"""The report's Ragone figure puts measured and simulated data on one mass basis."""

from types import SimpleNamespace as NS

import numpy as np

from interstore.massbasis import ElectrodeMasses
from interstore.plotting import new_figure
from interstore.report.figures import draw_ragone_comparison
from interstore.transport.ragone import RagoneCurve, RagonePoint

MASSES = ElectrodeMasses(1e-3, 2.5e-4, 3.1e-4)


def _results(sim_basis):
    points = [NS(basis=b, power_W_kg=p, energy_Wh_kg=e)
              for b, p, e in (("active", 100.0, 300.0), ("composite", 80.0, 240.0), ("electrode", 64.0, 192.0))]
    point = RagonePoint(1.0, 1.0, 100.0, 80.0, 20.0, 200.0, 50.0, 3600.0, 0.0)
    curve = RagoneCurve("heterostructure", sim_basis, sim_basis, 300.0, (point,))
    return NS(ragone_simulated={"bulk_only": curve, "heterostructure": curve},
              cycling=[NS(ragone=points, masses=MASSES)])


def _lines(ax) -> dict:
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.lines}


def test_measured_points_follow_the_simulation_basis():
    ax = draw_ragone_comparison(new_figure().add_subplot(), _results("composite"))
    measured = {k: v for k, v in _lines(ax).items() if k.startswith("measured")}
    assert list(measured) == [f"measured, {MASSES.label('composite')}"]
    assert measured.popitem()[1] == ([80.0], [240.0])
    assert "composite" in ax.get_xlabel() and "composite" in ax.get_ylabel()


def test_without_simulation_the_active_basis_is_used():
    res = _results("active")
    res.ragone_simulated = None
    ax = draw_ragone_comparison(new_figure().add_subplot(), res)
    assert list(_lines(ax)) == [f"measured, {MASSES.label('active')}"]
    assert np.array_equal(ax.lines[0].get_ydata(), [300.0])
    assert "active basis" in ax.get_xlabel()
