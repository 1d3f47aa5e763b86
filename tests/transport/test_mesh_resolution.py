"""Automatic mesh: the shipped example agrees with PyBaMM's SPM at every rate without hand-tuning,
and a user's mesh too coarse for the diffusion layer is flagged."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from interstore.transport.cellconfig import load_cell_config
from interstore.transport.electrode import simulate_galvanostatic_batch
from interstore.transport.model import MeshWarning, resolve_cells

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "transport" / "vox_rgo.toml"
RATES_A_G = tuple(np.geomspace(0.1, 100.0, 8))


@pytest.mark.slow
def test_shipped_example_matches_converged_pybamm_spm_within_one_percent_up_to_100_A_g():
    pytest.importorskip("pybamm")
    from interstore.transport.pybamm_reference import pybamm_discharges

    # the example as shipped, bulk reservoir only and without the series resistance (SPM has neither)
    cfg = load_cell_config(EXAMPLE).updated(**{"cell.r_ohm_ohm": 0.0, "interface.enabled": False})
    to_active = cfg.cell.masses.mass_g(cfg.cell.mass_basis) / cfg.cell.active_mass_g
    ref = pybamm_discharges(cfg, [i * to_active for i in RATES_A_G], n_cells=400)   # converged radial mesh
    ours = simulate_galvanostatic_batch(cfg, RATES_A_G, bulk_only=True)
    assert ours[0].capacity_mAh_g[-1] > 5 * ours[-1].capacity_mAh_g[-1]      # 100 A/g is deep in diffusion control
    for r, d in zip(ref, ours):
        assert d.capacity_mAh_g[-1] == pytest.approx(r.capacity_mAh_g[-1] / to_active, rel=0.01)


def test_coarse_user_mesh_warns_and_automatic_mesh_resolves_the_diffusion_layer():
    cfg = load_cell_config(EXAMPLE)
    assert cfg.numerics.n_cells is None                       # shipped without hand-tuning
    auto = resolve_cells(cfg, 100.0)
    # √(D·t) with t = ΣQ/I: 1e-18 m²/s, Q = 1163 (bulk) + 671 (interface) C/g at 100 A/g → 4.3 nm,
    # 0.214 of the 20 nm radius
    ell = np.sqrt(1e-18 * (1163.3 + 670.7) / 100.0) / 20e-9
    assert auto.numerics.n_cells == pytest.approx(10 / ell, abs=1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_cells(cfg, 0.1).numerics.n_cells == 30          # slow rates keep the 30-cell floor
        resolve_cells(auto, 100.0)                                      # enough cells: no warning
    with pytest.warns(MeshWarning, match="n_cells >= 47"):
        resolve_cells(cfg.updated(**{"numerics.n_cells": 30}), 100.0)


def test_cli_prints_the_coarse_mesh_warning_as_one_line(run_cli, tmp_path):
    text = EXAMPLE.read_text().replace("[numerics]\n", "[numerics]\nn_cells = 12\n")
    cfg = tmp_path / "coarse.toml"
    cfg.write_text(text)
    code, _, err = run_cli("simulate", "discharge", cfg, "--rates", "1,50")
    assert code == 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: numerics.n_cells = 12 ")
    assert "n_cells >= 37" in lines[0] and "Traceback" not in err
