"""Bulk-only limit against PyBaMM (six rates)'s single-particle half-cell model with identical parameters."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.transport.cellconfig import config_from_dict
from interstore.transport.electrode import simulate_galvanostatic

pybamm = pytest.importorskip("pybamm")

RATES_A_G = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


@pytest.mark.slow
def test_bulk_only_matches_pybamm_spm_capacity_and_voltage():
    from interstore.transport.pybamm_reference import pybamm_discharges

    cfg = config_from_dict({"host": {"ocp": "vo2", "size_m": 1e-6, "diffusivity_m2_s": 1e-14,
                                     "exchange_current_A_m2": 1.0},
                            "interface": {"enabled": False}, "numerics": {"n_cells": 30}})
    ref = pybamm_discharges(cfg, RATES_A_G)
    ours = [simulate_galvanostatic(cfg, i, bulk_only=True) for i in RATES_A_G]
    caps = [d.capacity_mAh_g[-1] for d in ours]
    assert caps[0] > 1.5 * caps[-1]                      # the rates really are diffusion-limited
    for r, d in zip(ref, ours):
        assert d.capacity_mAh_g[-1] == pytest.approx(r.capacity_mAh_g[-1], rel=0.01)
        q = np.linspace(0.0, 0.98 * min(r.capacity_mAh_g[-1], d.capacity_mAh_g[-1]), 300)
        rms = np.sqrt(np.mean((np.interp(q, r.capacity_mAh_g, r.potential_V)
                               - np.interp(q, d.capacity_mAh_g, d.potential_V)) ** 2))
        assert rms < 5e-3
