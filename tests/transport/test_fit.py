"""Fitting the transient models to rate capability: parameter recovery within the reported
95 % intervals over noise draws, model comparison in both directions, a product of two
parameters reported as not identifiable, the profile likelihood, and the CLI end to end
(from `gcd analyze --json` of the demo's simulated rate test to the fitted parameters)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.transport.cellconfig import load_cell_config
from interstore.transport.fit import (FreeParameter, RateData, compare_models, fit_rate_capability,
                                      predict_capacity, profile_likelihood)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "transport" / "vox_rgo.toml"
DEMO = ROOT / "examples" / "demo_study"
RATES = np.array([0.1, 0.5, 2.0, 10.0, 46.0, 100.0])
REL_NOISE = 0.02
D_TRUE = 3e-18
SITES_TRUE = 2.0
D_FREE = FreeParameter("host.diffusivity_m2_s", 1e-20, 1e-15)
SITES_FREE = FreeParameter("interface.sites_per_nm2", 0.05, 20.0)


@pytest.fixture(scope="module")
def cfg():
    return load_cell_config(EXAMPLE)


def _noisy(q: np.ndarray, seed: int) -> RateData:
    rng = np.random.default_rng(seed)
    sigma = REL_NOISE * q
    return RateData.from_arrays(RATES, q + sigma * rng.standard_normal(q.size), mass_basis="composite",
                                sigma_mAh_g=sigma)


def test_bulk_only_diffusivity_inside_its_95_interval_in_9_of_10_draws(cfg):
    q = predict_capacity(cfg, RATES, {D_FREE.key: D_TRUE}, bulk_only=True)
    hits = 0
    for seed in range(10):
        fit = fit_rate_capability(cfg, _noisy(q, seed), [D_FREE], bulk_only=True, starts=1)
        (p,) = fit.parameters
        assert p.identifiable
        hits += p.ci95_low <= D_TRUE <= p.ci95_high
    assert hits >= 9


@pytest.mark.slow
def test_interface_site_density_inside_its_95_interval_in_9_of_10_draws(cfg):
    q = predict_capacity(cfg, RATES, {SITES_FREE.key: SITES_TRUE})
    hits = 0
    for seed in range(10):
        (p,) = fit_rate_capability(cfg, _noisy(q, 100 + seed), [SITES_FREE], starts=1).parameters
        hits += p.ci95_low <= SITES_TRUE <= p.ci95_high
    assert hits >= 9


@pytest.mark.slow
def test_model_comparison_picks_the_true_model_in_both_directions(cfg):
    free = [D_FREE, SITES_FREE]
    bulk_data = _noisy(predict_capacity(cfg, RATES, {D_FREE.key: D_TRUE}, bulk_only=True), 7)
    het_data = _noisy(predict_capacity(cfg, RATES, {D_FREE.key: D_TRUE, SITES_FREE.key: SITES_TRUE}), 8)
    on_bulk = compare_models(cfg, bulk_data, free, starts=2)
    on_het = compare_models(cfg, het_data, free, starts=2)
    assert on_bulk.preferred == "bulk_only" and on_bulk.delta_bic < 0
    assert on_het.preferred == "heterostructure" and on_het.delta_bic > 6
    d = {p.key: p for p in on_het.heterostructure.parameters}
    assert d[D_FREE.key].ci95_low <= D_TRUE <= d[D_FREE.key].ci95_high
    assert d[SITES_FREE.key].ci95_low <= SITES_TRUE <= d[SITES_FREE.key].ci95_high
    assert "prefer bulk insertion plus an interface reservoir" in on_het.verdict


def test_two_parameters_entering_only_as_a_product_are_reported_not_identifiable(cfg):
    # interface capacity ∝ sites_per_nm2 × zn_per_site: the data fix the product only
    q = predict_capacity(cfg, RATES, {SITES_FREE.key: SITES_TRUE})
    free = [SITES_FREE, FreeParameter("interface.zn_per_site", 0.1, 10.0)]
    fit = fit_rate_capability(cfg, _noisy(q, 3), free, starts=1)
    assert not any(p.identifiable for p in fit.parameters)
    assert all("only their combination is determined" in p.note for p in fit.parameters)
    assert abs(fit.correlation[0, 1]) > 0.95
    product = fit.values[SITES_FREE.key] * fit.values["interface.zn_per_site"]
    assert product == pytest.approx(SITES_TRUE * 1.0, rel=0.1)    # the combination is still found


def test_profile_likelihood_interval_agrees_with_the_jacobian_interval(cfg):
    q = predict_capacity(cfg, RATES, {D_FREE.key: D_TRUE}, bulk_only=True)
    data = _noisy(q, 11)
    (p,) = fit_rate_capability(cfg, data, [D_FREE], bulk_only=True, starts=1).parameters
    narrow = FreeParameter(D_FREE.key, p.value / 3, p.value * 3)
    grid, dchi2, (low, high) = profile_likelihood(cfg, data, [narrow], D_FREE.key, bulk_only=True, points=13)
    assert dchi2.min() == 0.0 and dchi2.max() > 3.84
    assert low == pytest.approx(p.ci95_low, rel=0.15) and high == pytest.approx(p.ci95_high, rel=0.15)


def test_bad_inputs_name_what_was_expected(cfg):
    data = RateData.from_arrays([0.1, 1.0, 10.0], [300.0, 250.0, 100.0], mass_basis="active")
    with pytest.raises(InputError, match="composite"):
        fit_rate_capability(cfg, data, [D_FREE])
    with pytest.raises(InputError, match="KEY=LOWER:UPPER"):
        FreeParameter.parse("host.diffusivity_m2_s=1e-20")
    with pytest.raises(InputError, match="0 < lower < upper"):
        FreeParameter("host.size_m", 1e-8, 1e-9)
    ok = RateData.from_arrays([0.1, 1.0, 10.0], [300.0, 250.0, 100.0], mass_basis="composite")
    with pytest.raises(InputError, match="unknown config key"):
        fit_rate_capability(cfg, ok, [FreeParameter("host.nonsense", 1.0, 2.0)])
    with pytest.raises(InputError, match="fewer free parameters"):
        fit_rate_capability(cfg, ok, [D_FREE, SITES_FREE, FreeParameter("host.size_m", 1e-9, 1e-6)])
    with pytest.raises(InputError, match="capacity"):
        RateData.from_arrays([0.1, 1.0], [300.0, float("nan")], mass_basis="composite")


@pytest.mark.slow
def test_cli_fits_the_demo_rate_test_and_recovers_the_simulated_parameters(run_cli, tmp_path):
    """The demo's gcd file was simulated from cell.toml (D = 2e-18 m² s⁻¹, 1 site nm⁻²):
    gcd analyze → simulate fit must prefer the interface model and bracket both values."""
    gcd_json, fit_json = tmp_path / "gcd.json", tmp_path / "fit.json"
    code, _, err = run_cli("gcd", "analyze", DEMO / "data" / "gcd_rates.csv", "--mass-mg", "1.0",
                           "--substrate-mg", "0.25", "--electrode-mg", "1.5625", "--json", gcd_json)
    assert code == 0, err
    code, out, err = run_cli("simulate", "fit", DEMO / "cell.toml", "--data", gcd_json,
                             "--free", "host.diffusivity_m2_s=1e-20:1e-15", "--free", "interface.sites_per_nm2=0.1:30",
                             "--starts", "2", "--json", fit_json, "--out", tmp_path / "fig")
    assert code == 0, err
    result = json.loads(fit_json.read_text())
    assert result["preferred"] == "heterostructure" and result["mass_basis"] == "active"
    het = {p["key"]: p for p in result["fits"]["heterostructure"]["parameters"]}
    assert het["host.diffusivity_m2_s"]["ci95_low"] <= 2e-18 <= het["host.diffusivity_m2_s"]["ci95_high"]
    assert het["interface.sites_per_nm2"]["ci95_low"] <= 1.0 <= het["interface.sites_per_nm2"]["ci95_high"]
    assert (tmp_path / "fig" / "fit.png").stat().st_size > 10_000
    assert "interface capacity" in " ".join(out.split())


def test_cli_and_python_api_give_the_same_fit(run_cli, tmp_path, cfg):
    table = tmp_path / "rates.csv"
    q = predict_capacity(cfg, RATES, {D_FREE.key: D_TRUE}, bulk_only=True)
    table.write_text("current_A_g,capacity_mAh_g\n" + "".join(f"{i},{c:.4f}\n" for i, c in zip(RATES, q)))
    code, _, err = run_cli("simulate", "fit", EXAMPLE, "--data", table, "--free", "host.diffusivity_m2_s=1e-20:1e-15",
                           "--model", "bulk_only", "--starts", "1", "--json", tmp_path / "f.json")
    assert code == 0, err
    cli = json.loads((tmp_path / "f.json").read_text())["fits"]["bulk_only"]
    data = RateData.from_arrays(RATES, np.round(q, 4), mass_basis="composite")
    api = fit_rate_capability(cfg, data, [D_FREE], bulk_only=True, starts=1)
    assert cli["parameters"][0]["value"] == pytest.approx(api.parameters[0].value, rel=1e-9)
    assert cli["parameters"][0]["value"] == pytest.approx(D_TRUE, rel=0.01)
    assert cli["noise_model"].startswith("σ = 3 %")


def test_cli_bad_free_parameter_is_one_line_exit_2(run_cli, tmp_path):
    table = tmp_path / "rates.csv"
    table.write_text("current_A_g,capacity_mAh_g\n0.1,300\n1,250\n10,100\n")
    code, out, err = run_cli("simulate", "fit", EXAMPLE, "--data", table, "--free", "host.diffusivity_m2_s")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "--free" in err and "KEY=LOWER:UPPER" in err


@pytest.mark.slow
def test_dai2021_rate_capability_needs_the_interface_reservoir(cfg):
    """The worked example of docs/transport-simulator.md: 443 and 174.4 mAh g⁻¹ (composite, digitised
    from the abstract) exceed what bulk insertion can deliver on that basis — 8 e⁻ per V8O16,
    323.1 mAh g⁻¹ of oxide × 1.00/1.25 g composite = 258.5 mAh g⁻¹ — so only the interface model fits."""
    from interstore.transport.fit import read_rate_table

    data = read_rate_table(ROOT / "examples" / "transport" / "dai2021_rates.csv", mass_basis="composite")
    result = compare_models(cfg, data, [SITES_FREE], starts=1)
    assert result.preferred == "heterostructure" and result.delta_bic > 100
    assert result.bulk_only.predicted_mAh_g.max() < 258.5 < data.capacity_mAh_g[0]
    assert np.all(np.abs(result.heterostructure.residual_sigma) < 3)
    assert result.heterostructure.interface_capacity_mAh_g > 443 - 258.5
