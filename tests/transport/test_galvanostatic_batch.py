"""Batched galvanostatic runs: the same discharges as one call per current, with progress per current."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.transport.cellconfig import config_from_dict
from interstore.transport.electrode import simulate_galvanostatic, simulate_galvanostatic_batch


def test_batch_equals_one_call_per_current_and_reports_each_end():
    cfg = config_from_dict({"numerics": {"n_cells": 40}})          # one mesh for every current
    currents = (0.3, 3.0, 30.0)
    ticks = []
    batch = simulate_galvanostatic_batch(cfg, currents, progress=lambda: ticks.append(1))
    assert len(ticks) == len(currents)
    for current, b in zip(currents, batch):
        one = simulate_galvanostatic(cfg, current)
        assert b.hit_cutoff and one.hit_cutoff
        assert b.capacity_mAh_g[-1] == pytest.approx(one.capacity_mAh_g[-1], rel=1e-9)
        assert b.interface_capacity_mAh_g[-1] == pytest.approx(one.interface_capacity_mAh_g[-1], rel=1e-9)
        np.testing.assert_allclose(b.potential_V, one.potential_V, atol=1e-9)
        assert b.charge_balance_rel_error < 1e-9
