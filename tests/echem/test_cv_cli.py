"""``interstore cv analyze`` end to end on CSV exports of synthetic CVs with known kinetics."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from synthetic_cv import concatenate_cvs, k1_profile_F, k2_profile, power_law_current, synthetic_cv

RATES = [0.1, 0.2, 0.5, 1.0]


def _write_csv(path, m, *, current_unit="mA"):
    scale = {"mA": 1e3, "A": 1.0}[current_unit]
    pd.DataFrame({"time/s": m.time_s, "Ewe/V": m.potential_V, f"<I>/{current_unit}": m.current_A * scale}
                 ).to_csv(path, index=False)
    return path


def _write_mpt(path, m, scan_rate_mV_s):
    """An EC-Lab 11.x CV export (French locale: decimal comma, Latin-1, CRLF) of ``m``."""
    settings = ["EC-Lab ASCII FILE", "", "", "Cyclic Voltammetry", "",
                "Characteristic mass : 1,000 mg", "Cycle Definition : Charge/Discharge alternance",
                "Ei (V)              0,900               ", f"dE/dt               {scan_rate_mV_s:.3f}".replace(".", ","),
                "dE/dt unit          mV/s                ", "E1 (V)              1,600               ",
                "E2 (V)              0,200               ", "nc cycles           1                   ", ""]
    settings[1] = f"Nb header lines : {len(settings) + 1}"
    table = ["mode\tox/red\ttime/s\tcontrol/V\tEwe/V\t<I>/mA\tcycle number\t"]
    for t, e, i, c in zip(m.time_s, m.potential_V, m.current_A * 1e3, m.cycle - 1):
        table.append(f"2\t{int(i > 0)}\t{t:.9E}\t{e:.7E}\t{e:.7E}\t{i:.15E}\t{c:.15E}\t".replace(".", ","))
    path.write_bytes("\r\n".join(settings + table).encode("latin-1") + b"\r\n")
    return path


def test_biologic_exports_carry_their_scan_rates(run_cli, tmp_path):
    """EC-Lab .mpt files at four rates, no --scan-rates: rates come from dE/dt in the headers."""
    files = [_write_mpt(tmp_path / f"V8O16-rGO_CV_{v:g}mVs_C03.mpt",
                        synthetic_cv(v, n_cycles=2, start_mid=True, cycle_column=True, points_per_sweep=800), v)
             for v in RATES]
    js = tmp_path / "mpt.json"
    code, _, stderr = run_cli("cv", "analyze", *files, "--mass-mg", "1.0", "--cycle", "1", "--json", js)
    assert code == 0, stderr
    result = json.loads(js.read_text())
    assert [f["scan_rate_source"] for f in result["files"]] == ["file"] * 4
    assert [f["cycle"] for f in result["files"]] == [1] * 4  # EC-Lab counts cycles from 0
    assert result["scan_rates_mV_s"] == RATES
    e = np.linspace(0.2, 1.6, 20001)
    assert result["trasatti"]["q_outer_C_g"] == pytest.approx(np.trapezoid(k1_profile_F(e, 1), e) / 1e-3, rel=5e-3)
    assert not result["warnings"]


@pytest.fixture()
def cv_files(tmp_path):
    return [_write_csv(tmp_path / f"cv_{v:g}mVs.csv", synthetic_cv(v)) for v in RATES]


def test_analyze_recovers_dunn_fractions_and_trasatti(run_cli, cv_files, tmp_path):
    out, js = tmp_path / "figs", tmp_path / "out.json"
    code, stdout, stderr = run_cli("cv", "analyze", *cv_files, "--scan-rates", "0.1,0.2,0.5,1.0",
                                   "--mass-mg", "1.0", "--json", js, "--out", out)
    assert code == 0, stderr
    result = json.loads(js.read_text())
    # analytic capacitive fraction of i = k1·v + k2·v^½ over the analysed window
    g = np.linspace(0.2 + 0.028, 1.6 - 0.028, 4001)  # the window less the 2 % vertex trims
    v = np.array(RATES) * 1e-3
    cap = np.trapezoid(k1_profile_F(g, 1), g) * v
    expected = cap / (cap + np.trapezoid(k2_profile(g, 1), g) * np.sqrt(v))
    got = [d["capacitive_fraction"] for d in result["dunn"]]
    np.testing.assert_allclose(got, expected, rtol=0.01)
    assert [d["scan_rate_mV_s"] for d in result["dunn"]] == RATES
    assert result["dunn_flags"]["flagged_fraction"] == 0.0
    e = np.linspace(0.2, 1.6, 20001)
    assert result["trasatti"]["q_outer_C_g"] == pytest.approx(np.trapezoid(k1_profile_F(e, 1), e) / 1e-3, rel=3e-3)
    assert result["mass_basis"]["mass_mg"] == pytest.approx(1.0)
    assert {b["peak"] for b in result["b_values"]} == {"A1", "A2", "C1", "C2"}
    names = {p.name for p in out.iterdir()}
    assert {"cv_b_value.png", "cv_dunn_profiles.png", "cv_capacitive_fraction.png", "cv_trasatti.png",
            "cv_b_profile.png", "cv_profiles.csv", "cv_capacitive_fraction.csv", "cv_peaks.csv"} <= names
    assert sum(n.startswith("cv_capacitive_0") for n in names) == len(RATES)
    profiles = pd.read_csv(out / "cv_profiles.csv")
    assert {"potential_V", "k1_anodic_F", "k2_cathodic_A_s05_V05", "b_anodic"} <= set(profiles.columns)
    assert profiles["b_anodic"].between(0.5, 1.0).all()  # i = k1·v + k2·v^½ lies between the two limits
    peaks = pd.read_csv(out / "cv_peaks.csv")
    assert len(peaks) == 4 * len(RATES) and set(peaks["peak"]) == {"A1", "A2", "C1", "C2"}
    assert (peaks.loc[peaks["branch"] == "cathodic", "current_A"] < 0).all()
    assert "mV s⁻¹" in stdout and "C g⁻¹" in stdout


def test_power_law_b_and_estimated_scan_rates(run_cli, tmp_path):
    files = [_write_csv(tmp_path / f"pl_{v:g}.csv", synthetic_cv(v, power_law_current(0.75)), current_unit="A")
             for v in RATES]
    js = tmp_path / "b.json"
    code, stdout, stderr = run_cli("cv", "analyze", *files, "--json", js)
    assert code == 0, stderr
    result = json.loads(js.read_text())
    assert [f["scan_rate_source"] for f in result["files"]] == ["estimated from dE/dt"] * 4
    np.testing.assert_allclose(result["scan_rates_mV_s"], RATES, rtol=1e-3)
    for b in result["b_values"]:
        assert b["b"] == pytest.approx(0.75, abs=0.01)
    assert result["trasatti"]["q_outer_C_g"] is None and result["mass_basis"]["basis"] == "none"
    assert "estimated from dE/dt" in stderr  # warnings go to stderr


def test_one_file_with_all_rates(run_cli, tmp_path):
    path = _write_csv(tmp_path / "all.csv", concatenate_cvs([synthetic_cv(v) for v in RATES]))
    js = tmp_path / "all.json"
    code, stdout, stderr = run_cli("cv", "analyze", path, "--json", js)
    assert code == 0, stderr
    result = json.loads(js.read_text())
    np.testing.assert_allclose([d["scan_rate_mV_s"] for d in result["dunn"]], RATES, rtol=1e-3)
    assert "holds 4 scan rates" in stderr


def test_trasatti_rate_windows(run_cli, cv_files, tmp_path):
    """q = ∫k1 dV + ∫k2 dV·v^−½ exactly, so q_outer is the same from the fast rates alone."""
    js = tmp_path / "t.json"
    code, _, stderr = run_cli("cv", "analyze", *cv_files, "--scan-rates", "0.1,0.2,0.5,1.0", "--mass-mg", "1",
                              "--trasatti-outer-min", "0.2", "--trasatti-total-max", "0.5", "--json", js)
    assert code == 0, stderr
    t = json.loads(js.read_text())["trasatti"]
    assert t["outer_rates_mV_s"] == [0.2, 0.5, 1.0] and t["total_rates_mV_s"] == [0.1, 0.2, 0.5]
    e = np.linspace(0.2, 1.6, 20001)
    assert t["q_outer_C_g"] == pytest.approx(np.trapezoid(k1_profile_F(e, 1), e) / 1e-3, rel=3e-3)


def test_sweeps_command_reports_detected_sweeps(run_cli, tmp_path):
    path = _write_csv(tmp_path / "one.csv", synthetic_cv(0.5, n_cycles=3, start_mid=True))
    js, out = tmp_path / "sweeps.json", tmp_path / "sw"
    code, stdout, stderr = run_cli("cv", "sweeps", path, "--json", js, "--out", out)
    assert code == 0, stderr
    result = json.loads(js.read_text())
    assert len(result["sweeps"]) == 7 and result["sweeps"][0]["full"] is False
    assert [r["cycle"] for r in result["sweeps"][1:]] == [1, 1, 2, 2, 3, 3]
    np.testing.assert_allclose([r["scan_rate_mV_s"] for r in result["sweeps"]], 0.5, rtol=1e-3)
    assert (out / "cv_sweeps.png").exists() and len(pd.read_csv(out / "cv_sweeps.csv")) == 7
    assert "dE/dt" in stdout and "partial" in stdout


@pytest.mark.parametrize("args, fragment", [
    (["--scan-rates", "0.1,0.2"], "--scan-rates"),
    (["--scan-rates", "0.1,abc,0.5,1"], "--scan-rates"),
    (["--mass-mg", "-1"], "--mass-mg"),
    (["--rs-ohm", "-5"], "--rs-ohm"),
    (["--cycle", "5"], "cycle 5 not found"),
    (["--columns", "bogus"], "--columns"),
    (["--r2-threshold", "2"], "--r2-threshold"),
    (["--trasatti-outer-min", "-1"], "--trasatti-outer-min"),
    (["--trasatti-total-max", "0.1"], "total_max_rate_mV_s"),
])
def test_bad_options_give_one_line_and_exit_2(run_cli, cv_files, args, fragment):
    code, stdout, stderr = run_cli("cv", "analyze", *cv_files, *args)
    assert code == 2
    assert fragment in stderr and len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr


def test_missing_or_truncated_file_exits_2(run_cli, cv_files, tmp_path):
    code, _, stderr = run_cli("cv", "analyze", cv_files[0], tmp_path / "nope.csv")
    assert code == 2 and "nope.csv" in stderr
    bad = tmp_path / "trunc.csv"
    bad.write_text("time/s,Ewe/V,<I>/mA\n0,0.2,0.1\n")
    code, _, stderr = run_cli("cv", "analyze", cv_files[0], bad)
    assert code == 2 and "trunc.csv" in stderr and len(stderr.strip().splitlines()) == 1


def test_input_files_are_not_modified(run_cli, cv_files, tmp_path):
    before = [p.read_bytes() for p in cv_files]
    code, _, stderr = run_cli("cv", "analyze", *cv_files, "--json", tmp_path / "r.json")
    assert code == 0, stderr
    assert [p.read_bytes() for p in cv_files] == before


def test_cli_module_imports_no_heavy_library():
    """`interstore --help` stays fast: the cv commands import scipy/matplotlib only when run."""
    code = ("import sys, interstore.echem.cli_cv; "
            "print([m for m in ('scipy', 'matplotlib', 'interstore.echem.cv_analysis') if m in sys.modules])")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "[]"


def test_the_ir_correction_used_is_stated(run_cli, cv_files):
    code, out, err = run_cli("cv", "analyze", *cv_files, "--scan-rates", "0.1,0.2,0.5,1.0", "--mass-mg", "1")
    assert code == 0, err
    assert "not iR-corrected" in out and "--rs-ohm default 0" in out
    code, out, err = run_cli("cv", "analyze", *cv_files, "--scan-rates", "0.1,0.2,0.5,1.0", "--mass-mg", "1",
                             "--rs-ohm", "2.5")
    assert code == 0, err
    assert "R_s = 2.5 Ω" in out


def test_trasatti_window_error_names_the_option_and_rounds_the_rates(run_cli, cv_files):
    code, _, err = run_cli("cv", "analyze", *cv_files, "--scan-rates", "0.1,0.2,0.5,1.0",
                           "--trasatti-outer-min", "100")
    assert code == 2 and "--trasatti-outer-min" in err and "0.1, 0.2, 0.5, 1 mV/s" in err


def test_potential_and_current_only_with_scan_rates_recovers_dunn_split(run_cli, tmp_path):
    """Issue 9: CSVs of potential_V,current_A only (CHI exports, digitised curves) are timed
    from |dE|/v with the --scan-rates given; the known k1, k2 split comes back within 0.02."""
    files = []
    for v in RATES:
        m = synthetic_cv(v)
        files.append(tmp_path / f"no_clock_{v:g}.csv")
        pd.DataFrame({"potential_V": m.potential_V, "current_A": m.current_A}).to_csv(files[-1], index=False)
    js = tmp_path / "out.json"
    code, stdout, stderr = run_cli("cv", "analyze", *files, "--scan-rates", ",".join(map(str, RATES)), "--json", js)
    assert code == 0, stderr
    g = np.linspace(0.2 + 0.028, 1.6 - 0.028, 4001)
    v = np.array(RATES) * 1e-3
    cap = np.trapezoid(k1_profile_F(g, 1), g) * v
    expected = cap / (cap + np.trapezoid(k2_profile(g, 1), g) * np.sqrt(v))
    result = json.loads(js.read_text())
    np.testing.assert_allclose([d["capacitive_fraction"] for d in result["dunn"]], expected, atol=0.02)
    assert [(f["scan_rate_mV_s"], f["scan_rate_source"]) for f in result["files"]] == [(r, "option") for r in RATES]
    # without the scan rates the file cannot be timed: one line naming the way out, exit 2
    code, stdout, stderr = run_cli("cv", "analyze", *files)
    assert code == 2 and len(stderr.strip().splitlines()) == 1
    assert "no time column" in stderr and "--scan-rates" in stderr and "|dE|/v" in stderr


def test_time_from_sweep_is_distance_over_rate():
    from interstore.echem.readers.sweep_time import time_from_sweep

    e = np.array([0.0, 0.1, 0.2, 0.1, 0.1, 0.0])
    assert time_from_sweep(e, 10.0, "x").tolist() == pytest.approx([0, 10, 20, 30, 30, 40])
