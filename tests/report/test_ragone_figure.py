"""The report's Ragone figure puts measured and simulated data on one mass basis."""

from types import SimpleNamespace as NS

from interstore.report.figures import ragone_figure
from interstore.transport.ragone import RagoneCurve, RagonePoint


def _results(sim_basis):
    points = [NS(basis=b, power_W_kg=p, energy_Wh_kg=e)
              for b, p, e in (("active", 100.0, 300.0), ("composite", 80.0, 240.0), ("electrode", 64.0, 192.0))]
    point = RagonePoint(1.0, 1.0, 100.0, 80.0, 20.0, 200.0, 50.0, 3600.0, 0.0)
    curve = RagoneCurve("heterostructure", sim_basis, sim_basis, 300.0, (point,))
    return NS(ragone_simulated={"bulk_only": curve, "heterostructure": curve}, cycling=[NS(ragone=points)])


def test_measured_points_follow_the_simulation_basis():
    spec = ragone_figure(_results("composite"))
    measured = [t for t in spec.traces if t.name.startswith("measured")]
    assert [t.name for t in measured] == ["measured (composite basis)"]
    assert list(measured[0].x) == [80.0] and list(measured[0].y) == [240.0]
    assert "composite basis" in spec.x_label and "composite basis" in spec.y_label


def test_without_simulation_the_active_basis_is_used():
    res = _results("active")
    res.ragone_simulated = None
    spec = ragone_figure(res)
    assert [t.name for t in spec.traces] == ["measured (active basis)"]
    assert list(spec.traces[0].y) == [300.0]
