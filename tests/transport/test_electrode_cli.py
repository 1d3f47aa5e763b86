"""``interstore simulate ...`` end to end: numbers in the JSON, files written, one-line input errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "transport" / "vox_rgo.toml"


def _small_config(tmp_path: Path, extra: str = "", numerics: str = "n_cells = 12\npoints_per_segment = 60\n") -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    head, _, _ = text.partition("[numerics]")
    path = tmp_path / "cell.toml"
    path.write_text(head + extra + "\n[numerics]\n" + numerics, encoding="utf-8")
    return path


def test_ragone_cli_shows_the_conflict(run_cli, tmp_path):
    cfg = _small_config(tmp_path)
    code, out, err = run_cli("simulate", "ragone", cfg, "--rates", "0.1,1,5,20,50", "--json", tmp_path / "r.json",
                             "--out", tmp_path / "fig")
    assert code == 0, err
    res = json.loads((tmp_path / "r.json").read_text())
    assert res["mass_basis"] == "composite"
    het, bulk = res["curves"]["heterostructure"], res["curves"]["bulk_only"]
    assert [p["current_A_g"] for p in het] == [0.1, 1.0, 5.0, 20.0, 50.0]
    assert het[-1]["energy_Wh_kg"] > 2 * bulk[-1]["energy_Wh_kg"]
    assert res["comparison"]["heterostructure_energy_Wh_kg"] > res["comparison"]["bulk_only_energy_Wh_kg"]
    assert all(p["charge_balance_rel_error"] < 1e-6 for p in het + bulk)
    assert (tmp_path / "fig" / "ragone.png").stat().st_size > 10_000
    assert "Ragone conflict" in out and "composite" in out


def test_discharge_cli_reports_reservoir_split(run_cli, tmp_path):
    cfg = _small_config(tmp_path)
    code, _, err = run_cli("simulate", "discharge", cfg, "--rates", "0.5,30", "--json", tmp_path / "d.json")
    assert code == 0, err
    runs = json.loads((tmp_path / "d.json").read_text())["runs"]
    for r in runs:
        assert r["bulk_capacity_mAh_g"] + r["interface_capacity_mAh_g"] == pytest.approx(r["capacity_mAh_g"],
                                                                                       rel=1e-6)
        assert r["curve"]["potential_V"][-1] == pytest.approx(0.2, abs=1e-6)
    assert runs[1]["capacity_mAh_g"] < runs[0]["capacity_mAh_g"]
    # the interface share grows with rate
    share = [r["interface_capacity_mAh_g"] / r["capacity_mAh_g"] for r in runs]
    assert share[1] > share[0]


def test_cv_cli_b_value_and_csv_round_trip(run_cli, tmp_path):
    cfg = _small_config(tmp_path, numerics="n_cells = 12\n")
    text = cfg.read_text().replace('isotherm = "linear"', 'isotherm = "langmuir"\nsite_potential_V = 0.9')
    text = text.replace("v_min_V = 0.2 ", "v_min_V = 0.5 ").replace("v_max_V = 1.6 ", "v_max_V = 1.3 ")
    text = text.replace("r_ohm_ohm = 1.0", "r_ohm_ohm = 0.0")
    cfg.write_text(text)
    code, _, err = run_cli("simulate", "cv", cfg, "--scan-rates", "1,2,5,10", "--cycles", "1", "--reservoirs",
                           "interface", "--write-cv", "--json", tmp_path / "c.json", "--out", tmp_path / "o")
    assert code == 0, err
    res = json.loads((tmp_path / "c.json").read_text())
    bs = [b["b"] for b in res["cv_analysis"]["b_values"]]
    assert bs and all(abs(b - 1.0) < 0.02 for b in bs)
    from interstore.echem.readers.dispatch import read_measurement

    m = read_measurement(tmp_path / "o" / "cv_10mV_s.csv")
    assert np.abs(m.current_A).max() > 0 and m.potential_V.max() == pytest.approx(1.3)


def test_designmap_cli_grid(run_cli, tmp_path):
    cfg = _small_config(tmp_path, numerics="n_cells = 10\npoints_per_segment = 40\n")
    code, _, err = run_cli("simulate", "designmap", cfg, "--x", "bond_strength", "--y", "sigma_ion", "--n", "2",
                           "--target-power-W-kg", "3000", "--json", tmp_path / "m.json", "--out", tmp_path / "o")
    assert code == 0, err
    res = json.loads((tmp_path / "m.json").read_text())
    e = np.array(res["energy_Wh_kg"], float)
    assert e.shape == (2, 2) and np.all(np.isfinite(e))
    assert np.all(e[:, 1] > e[:, 0])            # more Zn per interface site -> more energy at that power
    assert res["x"]["config_key"] == "interface.zn_per_site"
    assert (tmp_path / "o" / "designmap.png").exists()


@pytest.mark.parametrize("edit,fragment", [
    (("sigma_ion_S_m = 1e-2", "sigma_ion_S_m = -1e-2"), "interface.sigma_ion_S_m"),
    (("size_m = 20e-9", "size_m = 0.0"), "host.size_m"),
    (("v_min_V = 0.2 ", "v_min_V = 1.3 "), "v_min_V"),
    (("[host]", "[host]\nbogus = 1"), "host.bogus"),
    (("formula = \"V8O16\"", "formula = \"Qq9\""), "Qq9"),
    (("[cell]", "[cell"), "invalid TOML"),
])
def test_bad_config_gives_one_line_error(run_cli, tmp_path, edit, fragment):
    cfg = _small_config(tmp_path)
    cfg.write_text(cfg.read_text().replace(*edit, 1))
    code, out, err = run_cli("simulate", "discharge", cfg, "--rates", "1")
    assert code == 2
    assert fragment in err and len(err.strip().splitlines()) == 1


def test_missing_config_and_bad_options(run_cli, tmp_path):
    code, _, err = run_cli("simulate", "ragone", tmp_path / "nope.toml")
    assert code == 2 and "nope.toml" in err
    cfg = _small_config(tmp_path)
    code, _, err = run_cli("simulate", "cv", cfg, "--scan-rates", "5")
    assert code == 2 and "--scan-rates" in err
    code, _, err = run_cli("simulate", "designmap", cfg, "--x", "host.size_m")
    assert code == 2 and "host.size_m" in err


def test_absurdly_slow_current_is_refused_not_a_hang(run_cli, tmp_path):
    # 1e-9 A/g = a ~4e8 h discharge: the stiff solve used to run for hours
    import time

    cfg = _small_config(tmp_path)
    start = time.perf_counter()
    code, _, err = run_cli("simulate", "discharge", cfg, "--rates", "1e-9")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "1e-09 A/g" in err and "h" in err
    assert time.perf_counter() - start < 30


def test_cv_cli_prints_the_analysis_warnings_and_bounds_cycles(run_cli, tmp_path):
    cfg = _small_config(tmp_path, numerics="n_cells = 10\npoints_per_segment = 60\n")
    code, out, err = run_cli("simulate", "cv", cfg, "--scan-rates", "1,1000", "--cycles", "1",
                             "--json", tmp_path / "c.json")
    assert code == 0, err
    warnings = json.loads((tmp_path / "c.json").read_text())["cv_analysis"]["warnings"]
    assert warnings and all(w.split(";")[0] in err.replace("\n", " ") for w in warnings)  # warnings: stderr
    assert "capacitive (%)" in out
    code, _, err = run_cli("simulate", "cv", cfg, "--cycles", "100000")
    assert code == 2 and "cycles" in err


def test_discharge_past_the_cutoff_at_once_is_explained(run_cli, tmp_path):
    cfg = _small_config(tmp_path)
    code, out, err = run_cli("simulate", "discharge", cfg, "--rates", "1e9", "--json", tmp_path / "d.json")
    assert code == 0, err
    res = json.loads((tmp_path / "d.json").read_text())
    assert res["runs"][0]["capacity_mAh_g"] == 0.0 and len(res["warnings"]) == 1
    assert "past its cut-off at once" in err  # warnings go to stderr


def test_rates_help_states_the_defaults(run_cli):
    for command in ("discharge", "ragone"):
        code, out, _ = run_cli("simulate", command, "--help")
        flat = " ".join(out.replace("│", " ").split())
        assert code == 0 and "default: discharge 0.1,1,10; ragone 12 currents from 0.1 to 100" in flat
