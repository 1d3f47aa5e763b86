"""Fitting whole discharge curves V(Q) with the capacities: known answers from simulator-made curves
with stated noise, and the CLI from `gcd analyze --json` of the demo's simulated rate test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.transport.cellconfig import load_cell_config
from interstore.transport.fit import FreeParameter, RateData, fit_rate_capability, simulate_rates
from interstore.transport.fit_curves import DischargeCurves, read_discharge_curves

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "transport" / "vox_rgo.toml"
DEMO = ROOT / "examples" / "demo_study"
RATES = np.array([0.1, 1.0, 10.0, 46.0])
TRUTH = {"host.diffusivity_m2_s": 3e-18, "interface.sites_per_nm2": 2.0}
FREE = [FreeParameter("host.diffusivity_m2_s", 1e-20, 1e-15), FreeParameter("interface.sites_per_nm2", 0.05, 20.0)]
SIGMA_V, REL_Q = 0.005, 0.02      # stated noise: 5 mV on each potential, 2 % on each capacity


@pytest.fixture(scope="module")
def cfg():
    return load_cell_config(EXAMPLE)


@pytest.fixture(scope="module")
def truth_runs(cfg):
    return simulate_rates(cfg, RATES, TRUTH)


def _measured(runs, seed: int) -> tuple[RateData, DischargeCurves]:
    """40 points of each simulated curve with N(0, σ_V²) on the potential; capacities with 2 % noise."""
    rng = np.random.default_rng(seed)
    qs, vs = [], []
    for d in runs:
        idx = np.unique(np.linspace(0, d.capacity_mAh_g.size - 1, 40).round().astype(int))
        qs.append(d.capacity_mAh_g[idx])
        vs.append(d.potential_V[idx] + SIGMA_V * rng.standard_normal(idx.size))
    q = np.array([d.capacity_mAh_g[-1] for d in runs])
    data = RateData.from_arrays(RATES, q * (1 + REL_Q * rng.standard_normal(q.size)), mass_basis="composite",
                                sigma_mAh_g=REL_Q * q)
    return data, DischargeCurves.from_arrays(RATES, qs, vs, mass_basis="composite", sigma_V=SIGMA_V)


@pytest.mark.slow
def test_curve_fit_recovers_both_parameters_inside_their_95_intervals(cfg, truth_runs):
    """Each parameter inside its 95 % interval in ≥ 9 of 10 noise draws (over 40 draws, seeds 0–29 and
    200–209, the coverage was 37/40 for D and 36/40 for the site density)."""
    hits = dict.fromkeys(TRUTH, 0)
    for seed in range(10):
        data, curves = _measured(truth_runs, seed)
        fit = fit_rate_capability(cfg, data, FREE, starts=1, curves=curves)
        assert fit.curve_points == curves.n_points > 60 and fit.n_points == RATES.size + curves.n_points
        for p in fit.parameters:
            assert p.identifiable
            hits[p.key] += p.ci95_low <= TRUTH[p.key] <= p.ci95_high
    assert all(h >= 9 for h in hits.values()), hits


def test_curves_pin_the_parameters_tighter_than_the_capacities_alone(cfg, truth_runs):
    data, curves = _measured(truth_runs, 7)
    with_curves = fit_rate_capability(cfg, data, FREE, starts=1, curves=curves)
    alone = fit_rate_capability(cfg, data, FREE, starts=1)
    for a, b in zip(with_curves.parameters, alone.parameters):
        assert a.ci95_low <= TRUTH[a.key] <= a.ci95_high
        assert np.log(a.ci95_high / a.ci95_low) < 0.5 * np.log(b.ci95_high / b.ci95_low)
    assert 0.7 < with_curves.curve_rms_residual < 1.3          # the stated σ_V is the noise that was added
    assert len(with_curves.predicted_curves) == RATES.size and "σ_V = 5 mV" in with_curves.noise_model


def test_curves_at_other_rates_or_malformed_are_refused(cfg, truth_runs, tmp_path):
    data, curves = _measured(truth_runs, 1)
    other = DischargeCurves.from_arrays(RATES * 2, curves.capacity_mAh_g, curves.potential_V, mass_basis="composite")
    with pytest.raises(InputError, match="not at the rates"):
        fit_rate_capability(cfg, data, FREE, curves=other)
    with pytest.raises(InputError, match="capacity ascending"):
        DischargeCurves.from_arrays([1.0], [[0.0, 2.0, 1.0]], [[1.0, 0.9, 0.8]], mass_basis="composite")
    bad = tmp_path / "c.csv"
    bad.write_text("current_A_g,capacity_mAh_g\n1,0\n1,10\n1,20\n")
    with pytest.raises(InputError, match="potential_V"):
        read_discharge_curves(bad, mass_basis="composite")


@pytest.mark.slow
def test_cli_fits_the_demo_curves_and_recovers_the_simulated_parameters(run_cli, tmp_path):
    """The demo's rate test was simulated from cell.toml (D = 2e-18 m² s⁻¹, 1 site nm⁻²) with noise:
    gcd analyze → simulate fit --curves brackets both within their (narrower) intervals."""
    gcd_json, fit_json = tmp_path / "gcd.json", tmp_path / "fit.json"
    code, _, err = run_cli("gcd", "analyze", DEMO / "data" / "gcd_rates.csv", "--mass-mg", "1.0",
                           "--substrate-mg", "0.25", "--electrode-mg", "1.5625", "--json", gcd_json)
    assert code == 0, err
    code, out, err = run_cli("simulate", "fit", DEMO / "cell.toml", "--data", gcd_json, "--curves", gcd_json,
                             "--free", "host.diffusivity_m2_s=1e-20:1e-15", "--free", "interface.sites_per_nm2=0.1:30",
                             "--starts", "1", "--json", fit_json, "--out", tmp_path / "fig")
    assert code == 0, err
    result = json.loads(fit_json.read_text())
    het = result["fits"]["heterostructure"]
    assert result["preferred"] == "heterostructure" and het["curves"]["points"] >= 5 * 15
    p = {q["key"]: q for q in het["parameters"]}
    assert p["host.diffusivity_m2_s"]["ci95_low"] <= 2e-18 <= p["host.diffusivity_m2_s"]["ci95_high"]
    assert p["interface.sites_per_nm2"]["ci95_low"] <= 1.0 <= p["interface.sites_per_nm2"]["ci95_high"]
    assert p["interface.sites_per_nm2"]["ci95_high"] / p["interface.sites_per_nm2"]["ci95_low"] < 1.1
    assert (tmp_path / "fig" / "fit_curves.png").stat().st_size > 10_000
    assert "curve points" in " ".join(out.split())


def test_cli_curves_file_without_potentials_is_one_line_exit_2(run_cli, tmp_path):
    table = tmp_path / "rates.csv"
    table.write_text("current_A_g,capacity_mAh_g\n0.1,300\n1,250\n10,100\n")
    code, _, err = run_cli("simulate", "fit", EXAMPLE, "--data", table, "--curves", table,
                           "--free", "host.diffusivity_m2_s=1e-20:1e-15")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "potential_V" in err
