"""Capacity ledger: constructed inputs whose split is known by hand."""

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.evidence.ledger import (COMPONENTS, RatePoint, StorageLimits, Uncertain, capacity_ledger,
                                        interface_capacity_atomistic, interface_capacity_spacecharge,
                                        interface_site_fraction, match_capacitive_fraction)
from interstore.massbasis import ElectrodeMasses

MASSES = ElectrodeMasses(1e-3, 0.25e-3, 0.25e-3)  # active 1 mg, composite 1.25 mg, electrode 1.5 mg


def _ledger(q=443.0, ce=0.98, f_cap=0.1, f_h=0.05, bulk=300.0, interface=100.0, **kw):
    point = RatePoint(0.1, Uncertain(q), ce, Uncertain(f_cap))
    limits = StorageLimits(bulk, Uncertain(interface), "test", Uncertain(f_h), **kw)
    return capacity_ledger([point], limits, MASSES)


def test_split_in_allocation_order():
    row = _ledger().rows[0]
    s = {c: row.shares[c].value for c in COMPONENTS}
    assert s["parasitic"] == pytest.approx(0.02 * 443)
    assert s["proton"] == pytest.approx(0.05 * 443)
    assert s["surface"] == pytest.approx(0.10 * 443)
    assert s["bulk"] == pytest.approx(300.0)  # capped at the bulk limit
    assert s["interface"] == pytest.approx(443 * (1 - 0.17) - 300)  # 67.69, below its 100 cap
    assert s["unaccounted"] == pytest.approx(0.0, abs=1e-9)
    assert sum(s.values()) == pytest.approx(443.0)
    # CE-derived parasitic fraction carries a 50 % uncertainty; the bulk share stays pinned at its cap
    assert row.shares["parasitic"].sigma > 0
    assert row.shares["bulk"].sigma == pytest.approx(0.0, abs=1e-9)
    exact = _ledger(parasitic_fraction=Uncertain(0.02)).rows[0]
    assert all(exact.shares[c].sigma < 1e-9 for c in COMPONENTS)  # no input uncertainty -> none out


def test_unaccounted_when_modes_cannot_explain():
    row = _ledger(interface=20.0).rows[0]
    assert row.shares["interface"].value == pytest.approx(20.0)
    assert row.shares["unaccounted"].value == pytest.approx(443 * 0.83 - 320)


def test_below_bulk_needs_no_interface():
    row = _ledger(q=200.0, ce=1.0, f_cap=0.0, f_h=0.0).rows[0]
    assert row.shares["bulk"].value == pytest.approx(200.0)
    assert row.shares["interface"].value == 0.0


def test_given_parasitic_fraction_overrides_ce():
    row = _ledger(parasitic_fraction=Uncertain(0.1)).rows[0]
    assert row.shares["parasitic"].value == pytest.approx(44.3)


def test_bulk_flag_and_the_basis_that_clears_it():
    # 443 mAh/g(active) = 354.4 mAh/g(composite) = 295.3 mAh/g(electrode) vs a 300 mAh/g bulk limit
    row = _ledger().rows[0]
    assert row.exceeds_bulk == {"active": True, "composite": True, "electrode": False}
    assert row.flag_cleared_on == ["electrode"]


def test_every_basis_in_json():
    d = _ledger().to_dict()["rows"][0]
    assert d["shares"]["bulk"]["composite"]["value_mAh_g"] == pytest.approx(300 / 1.25)
    assert d["measured"]["electrode"]["value_mAh_g"] == pytest.approx(443 / 1.5)


def test_uncertainty_propagates_through_uncapped_share():
    point = RatePoint(1.0, Uncertain(100.0, 5.0), 1.0, None)
    led = capacity_ledger([point], StorageLimits(1000.0, Uncertain(0.0), "none"), MASSES)
    assert led.rows[0].shares["bulk"].sigma == pytest.approx(5.0, rel=0.08)
    # a share pinned at its cap carries no uncertainty from the capacity
    point = RatePoint(1.0, Uncertain(500.0, 5.0), 1.0, None)
    led = capacity_ledger([point], StorageLimits(300.0, Uncertain(0.0), "none"), MASSES)
    assert led.rows[0].shares["bulk"].sigma == pytest.approx(0.0, abs=1e-9)
    assert led.rows[0].shares["unaccounted"].sigma == pytest.approx(5.0, rel=0.08)


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError):
        capacity_ledger([], StorageLimits(300.0, Uncertain(0.0), "none"), MASSES)
    with pytest.raises(InputError):
        Uncertain(1.0, -1.0)
    with pytest.raises(InputError):
        Uncertain(float("nan"))


def test_interface_site_fraction_geometry():
    assert interface_site_fraction("sheet", 10.0, 1.0, 0.5) == pytest.approx(0.1)  # 2/L · δ
    assert interface_site_fraction("cluster", 1.0, 0.9, 0.5) == 1.0  # sub-nm cluster: all interface
    assert interface_site_fraction("particle", 60.0, 0.5, 0.5) == pytest.approx(0.5 * 6 / 60 * 0.5)


def test_spacecharge_capacity_matches_physics_notes_table():
    # r = 1 nm, rho = 3.36 g/cm3: S = 3/(rho r) = 893 m2/g; q = 1 C/m2 -> 248 mAh/g; 5 nm, 0.1 C/m2 -> 5 mAh/g
    assert interface_capacity_spacecharge(1.0, "cluster", 2.0, 1.0, 3.36) == pytest.approx(248, rel=0.01)
    assert interface_capacity_spacecharge(0.1, "particle", 10.0, 1.0, 3.36) == pytest.approx(4.96, rel=0.01)


def test_atomistic_interface_capacity_is_the_excess_over_bulk():
    assert interface_capacity_atomistic(717.06, 565.5, 1.0) == pytest.approx(151.56)
    assert interface_capacity_atomistic(400.0, 565.5, 1.0) == 0.0


def test_capacitive_fraction_matched_on_time_scale():
    t, f = [100.0, 1000.0, 10000.0], [0.8, 0.5, 0.2]
    assert match_capacitive_fraction(1000.0, t, f) == pytest.approx(0.5)
    assert match_capacitive_fraction(np.sqrt(1000.0 * 10000.0), t, f) == pytest.approx(0.35)
    assert match_capacitive_fraction(1e6, t, f) == pytest.approx(0.2)  # clamped
