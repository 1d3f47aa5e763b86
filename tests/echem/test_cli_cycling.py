"""End to end: ``interstore gcd | gitt | eis | capacity`` on realistic instrument-style CSV files
(BioLogic-like headers, current in mA); numbers are checked in the JSON output."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from test_eis import AREA, CONC, D_TRUE, spectrum
from test_galvanostatic import synthetic_cycles
from test_gitt import wh_titration

from interstore.echem.eis import warburg_sigma_for_D


def _write_measurement(measurement, path):
    d = measurement.data.rename(columns={"time_s": "time/s", "potential_V": "Ewe/V", "current_A": "I/mA",
                                         "cycle": "cycle number", "step": "Ns"})
    d["I/mA"] *= 1e3
    d.to_csv(path, index=False)
    return path


@pytest.fixture()
def gcd_file(tmp_path):
    plan = [(1e-3, 3600.0, 3700.0)] * 2 + [(2e-3, 1700.0, 1750.0)] * 2
    return _write_measurement(synthetic_cycles(plan, with_cycle_column=True), tmp_path / "gcd.csv")


def test_gcd_analyze_json_figures_and_csv(run_cli, gcd_file, tmp_path):
    before = hashlib.sha256(gcd_file.read_bytes()).hexdigest()
    code, out, err = run_cli("gcd", "analyze", gcd_file, "--mass-mg", "1", "--substrate-mg", "0.25",
                             "--electrode-mg", "1.5", "--active-label", "V8O16", "--substrate-label", "rGO",
                             "--json", tmp_path / "r.json", "--out", tmp_path / "out")
    assert code == 0, err
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["mass_basis"]["composite"]["label"] == "composite (V8O16 + rGO)"
    assert r["mass_basis"]["electrode"]["mass_mg"] == pytest.approx(1.5)
    c1 = r["cycles"][0]
    # 1 mA × 1 h on 1 mg = 1000 mAh/g (active), 800 (composite 1.25 mg), 666.7 (electrode 1.5 mg)
    assert c1["discharge_capacity_mAh_g"] == pytest.approx({"active": 1000, "composite": 800,
                                                            "electrode": 1000 / 1.5})
    assert c1["coulombic_efficiency_pct"] == pytest.approx(100 * 3600 / 3700)
    assert c1["energy_Wh_kg"]["active"] == pytest.approx(900.0)
    assert c1["average_voltage_V"] == pytest.approx(0.9)
    assert [s["cycles"] for s in r["rate_steps"]] == [[1, 2], [3, 4]]
    fast = [p for p in r["ragone"] if p["basis"] == "active" and p["current_A"] == pytest.approx(2e-3)]
    assert fast[0]["power_W_kg"] == pytest.approx(2e-3 * 0.9 / 1e-6)
    assert "discharge capacity / charge capacity" in r["coulombic_efficiency_convention"]
    assert "per g of active (V8O16)" in out and "mAh" in out  # the basis is printed
    for name in ("gcd_voltage_capacity.png", "gcd_capacity_ce.png", "gcd_ragone.png"):
        assert (tmp_path / "out" / name).stat().st_size > 5000
    table = pd.read_csv(tmp_path / "out" / "gcd_cycles.csv")
    assert table["discharge_capacity_electrode_mAh_g"].iloc[0] == pytest.approx(1000 / 1.5)
    assert hashlib.sha256(gcd_file.read_bytes()).hexdigest() == before  # input untouched


def _write_eclab_gcpl(path, plan, n=120):
    """An EC-Lab GCPL .mpt export (decimal comma, tab-separated, 0-based cycle number, OCV rest
    first), discharge at -I then charge at +I with V linear in time, as in _synthetic_ cycles."""
    header = ["mode", "ox/red", "error", "control changes", "Ns changes", "counter inc.", "Ns", "time/s",
              "control/mA", "Ewe/V", "<I>/mA", "cycle number", "(Q-Qo)/mA.h"]
    rows, now = [], 0.0
    for k in range(5):  # OCV rest
        rows.append((3, 0, 0, 0, 0, 0, 0, now, 0.0, 1.30, 0.0, 0, 0.0)); now += 10.0
    for cyc, (current_mA, td, tc) in enumerate(plan):
        for ns, sign, dur, v0, v1 in ((1, -1, td, 1.6, 0.2), (2, 1, tc, 0.2, 1.6)):
            for t, v in zip(np.linspace(0, dur, n), np.linspace(v0, v1, n)):
                rows.append((1, int(sign > 0), 0, 0, int(t == 0), 0, ns, now + t, sign * current_mA, v,
                             sign * current_mA, cyc, sign * current_mA * t / 3600))
            now += dur
    settings = ["EC-Lab ASCII FILE", "Nb header lines : 6", "", "Galvanostatic Cycling with Potential Limitation",
                "Characteristic mass : 1,000 mg"]
    body = ["\t".join(f"{x:.6f}".replace(".", ",") if isinstance(x, float) else str(x) for x in r) for r in rows]
    path.write_text("\n".join(settings + ["\t".join(header)] + body) + "\n", encoding="latin-1")
    return path


def test_gcd_on_an_eclab_export(run_cli, tmp_path):
    path = _write_eclab_gcpl(tmp_path / "gcpl.mpt", [(1.0, 3600.0, 3700.0), (1.0, 3500.0, 3600.0)])
    code, _, err = run_cli("gcd", "analyze", path, "--mass-mg", "2", "--json", tmp_path / "r.json")
    assert code == 0, err
    r = json.loads((tmp_path / "r.json").read_text())
    assert [c["cycle"] for c in r["cycles"]] == [1, 2]
    # 1 mA for 3600 s on 2 mg = 500 mAh/g; CE = 3600/3700
    assert r["cycles"][0]["discharge_capacity_mAh_g"]["active"] == pytest.approx(500.0, rel=1e-6)
    assert r["cycles"][1]["coulombic_efficiency_pct"] == pytest.approx(100 * 3500 / 3600, rel=1e-6)
    assert r["cycles"][0]["average_voltage_V"] == pytest.approx(0.9, rel=1e-6)


def test_gcd_half_cycle_only_gives_nulls_not_a_crash(run_cli, tmp_path):
    t = np.linspace(0, 3600, 50)
    pd.DataFrame({"time/s": t, "Ewe/V": np.linspace(0.2, 1.6, 50), "I/mA": np.ones(50)}).to_csv(
        tmp_path / "charge_only.csv", index=False)
    code, _, err = run_cli("gcd", "analyze", tmp_path / "charge_only.csv", "--mass-mg", "1",
                           "--json", tmp_path / "r.json", "--out", tmp_path / "o")
    assert code == 0, err
    c = json.loads((tmp_path / "r.json").read_text())["cycles"][0]
    assert c["charge_capacity_mAh_g"]["active"] == pytest.approx(1000.0)
    assert c["discharge_capacity_mAh_g"] is None and c["coulombic_efficiency_pct"] is None


def test_gcd_ce_convention_option(run_cli, gcd_file, tmp_path):
    code, _, err = run_cli("gcd", "analyze", gcd_file, "--mass-mg", "1", "--ce", "charge/discharge",
                           "--json", tmp_path / "r.json")
    assert code == 0, err
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["cycles"][0]["coulombic_efficiency_pct"] == pytest.approx(100 * 3700 / 3600)


@pytest.mark.parametrize("args, fragment", [
    ((), "--mass-mg"),
    (("--mass-mg", "-1"), "--mass-mg"),
    (("--mass-mg", "1", "--electrode-mg", "0.5"), "--electrode-mg"),
    (("--mass-mg", "1", "--ce", "in/out"), "--ce"),
    (("--mass-mg", "1", "--cycles-from", "loop"), "--cycles-from"),
])
def test_gcd_bad_options_exit_2_with_one_line(run_cli, gcd_file, args, fragment):
    code, out, err = run_cli("gcd", "analyze", gcd_file, *args)
    assert code == 2
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_gcd_options_are_checked_before_the_file_is_read(run_cli, tmp_path):
    code, _, err = run_cli("gcd", "analyze", tmp_path / "nope.csv", "--mass-mg", "1", "--electrode-mg", "0.1")
    assert code == 2 and "--electrode-mg" in err


def test_gcd_missing_and_truncated_files(run_cli, tmp_path):
    code, _, err = run_cli("gcd", "analyze", tmp_path / "nope.csv", "--mass-mg", "1")
    assert code == 2 and "nope.csv" in err
    bad = tmp_path / "nan.csv"
    bad.write_text("time/s,Ewe/V,I/mA\n0,1.0,-1\n1,nan,-1\n2,0.9,-1\n")
    code, _, err = run_cli("gcd", "analyze", bad, "--mass-mg", "1")
    assert code == 2 and "nan.csv" in err and len(err.strip().splitlines()) == 1


def test_gitt_analyze_recovers_D(run_cli, tmp_path):
    D_true = np.logspace(-12, -11.5, 4)  # all with τD/L² < 0.1
    path = _write_measurement(wh_titration(D_true), tmp_path / "gitt.csv")
    code, out, err = run_cli("gitt", "analyze", path, "--mass-mg", "1", "--molar-mass", "663.5",
                             "--molar-volume-cm3", "140", "--area-cm2", "1", "--pulse-s", "600",
                             "--json", tmp_path / "g.json", "--out", tmp_path / "out")
    assert code == 0, err
    r = json.loads((tmp_path / "g.json").read_text())
    assert r["geometry"]["length_cm"] == pytest.approx(1e-3 * 140 / 663.5)
    assert np.allclose([p["D_cm2_s"] for p in r["pulses"]], D_true, rtol=0.05)
    assert r["n_valid"] == 4 and "cm² s⁻¹" in out
    assert "(0–1)" in out  # the titration depth column states its scale
    assert (tmp_path / "out" / "gitt_D_vs_soc.png").exists()
    # the L-form with the same length gives the same D
    code, _, err = run_cli("gitt", "analyze", path, "--length-um", str(1e-3 * 140 / 663.5 * 1e4),
                           "--json", tmp_path / "g2.json")
    assert code == 0, err
    r2 = json.loads((tmp_path / "g2.json").read_text())
    assert r2["pulses"][0]["D_cm2_s"] == pytest.approx(r["pulses"][0]["D_cm2_s"], rel=1e-9)


def test_gitt_missing_geometry_is_named(run_cli, tmp_path):
    path = _write_measurement(wh_titration([1e-11]), tmp_path / "gitt.csv")
    code, _, err = run_cli("gitt", "analyze", path, "--mass-mg", "1", "--area-cm2", "1")
    assert code == 2 and "--molar-volume-cm3" in err and "--molar-mass" in err


def _write_spectrum(spec, path):
    pd.DataFrame({"freq/Hz": spec.frequency_Hz, "Re(Z)/Ohm": spec.z_real_ohm,
                  "-Im(Z)/Ohm": -spec.z_imag_ohm}).to_csv(path, index=False)
    return path


def test_eis_fit_recovers_warburg_D(run_cli, tmp_path):
    sigma = warburg_sigma_for_D(D_TRUE, AREA, CONC)
    path = _write_spectrum(spectrum("R0-p(R1-W1,C1)", [5.0, 10.0, sigma, 2e-5]), tmp_path / "eis.csv")
    code, out, err = run_cli("eis", "fit", path, "--circuit", "randles", "--area-cm2", str(AREA),
                             "--conc-mol-cm3", str(CONC), "--json", tmp_path / "e.json", "--out", tmp_path / "o")
    assert code == 0, err
    r = json.loads((tmp_path / "e.json").read_text())
    params = {p["name"]: p["value"] for p in r["parameters"]}
    assert params["R1"] == pytest.approx(10.0, rel=0.03)
    assert r["warburg"]["D_fit_cm2_s"] == pytest.approx(D_TRUE, rel=0.06)
    assert r["warburg"]["area_cm2"] == AREA and r["warburg"]["electrons_n"] == 2
    assert (tmp_path / "o" / "eis_nyquist.png").exists() and (tmp_path / "o" / "eis_bode.png").exists()
    import pandas as pd
    table = pd.read_csv(tmp_path / "o" / "eis_spectrum_fit.csv")
    assert list(table.columns) == ["frequency_Hz", "z_real_ohm", "z_imag_ohm", "fit_z_real_ohm", "fit_z_imag_ohm"]
    assert len(table) == len(r["spectrum"]["frequency_Hz"])
    fitted = pd.read_csv(tmp_path / "o" / "eis_parameters.csv").set_index("name")["value"]
    assert fitted["R1"] == pytest.approx(params["R1"])


def test_eis_fit_runs_lin_kk_and_refuses_D_from_a_failing_spectrum(run_cli, tmp_path):
    from test_eis import drifting_randles

    path = _write_spectrum(drifting_randles(0.5), tmp_path / "drift.csv")
    args = ("eis", "fit", path, "--area-cm2", str(AREA), "--conc-mol-cm3", str(CONC))
    code, out, err = run_cli(*args, "--json", tmp_path / "d.json", "--out", tmp_path / "o")
    assert code == 0, err
    r = json.loads((tmp_path / "d.json").read_text())
    assert r["kramers_kronig"]["verdict"] == "fail" and r["warburg"]["D_fit_cm2_s"] is None
    assert "Lin-KK" in out and "withheld" in out and "modulus weighting" in out
    assert "fails the Lin-KK test" in err and "--force-kk" in err    # the one-line warning: stderr
    assert (tmp_path / "o" / "eis_kk_residuals.png").exists()
    kk_csv = pd.read_csv(tmp_path / "o" / "eis_kk_residuals.csv")
    assert np.abs(kk_csv[["real_pct", "imag_pct"]].to_numpy()).max() == pytest.approx(
        r["kramers_kronig"]["max_residual_pct_of_abs_Z"])
    code, out, err = run_cli(*args, "--force-kk", "--json", tmp_path / "f.json")
    assert code == 0, err
    forced = json.loads((tmp_path / "f.json").read_text())
    assert forced["warburg"]["D_fit_cm2_s"] > 0 and "overridden (--force-kk)" in " ".join((out + err).split())
    # a looser limit (the drift's residual is 4.1 %) passes it, and D is reported without --force-kk
    code, out, err = run_cli(*args, "--kk-limit-pct", "5", "--json", tmp_path / "l.json")
    loose = json.loads((tmp_path / "l.json").read_text())
    assert code == 0 and loose["kramers_kronig"]["verdict"] == "pass" and loose["warburg"]["D_fit_cm2_s"] > 0
    code, _, err = run_cli(*args, "--kk-limit-pct", "0")
    assert code == 2 and "--kk-limit-pct" in err
    code, _, err = run_cli(*args, "--weighting", "chi2")
    assert code == 2 and "modulus" in err


def test_eis_unknown_circuit(run_cli, tmp_path):
    path = _write_spectrum(spectrum("R0-p(R1-W1,C1)", [5.0, 10.0, 2.0, 2e-5]), tmp_path / "eis.csv")
    code, _, err = run_cli("eis", "fit", path, "--circuit", "tlm")
    assert code == 2 and "randles" in err


@pytest.mark.parametrize("formula, electrons, q", [("V8O16", 14, 565.5), ("V2O5", 2, 294.7),
                                                   ("H2V3O8", 5, 473.8)])
def test_capacity_theoretical_matches_published_table(run_cli, tmp_path, formula, electrons, q):
    code, out, err = run_cli("capacity", "theoretical", formula, "--electrons", electrons,
                             "--json", tmp_path / "q.json")
    assert code == 0, err
    r = json.loads((tmp_path / "q.json").read_text())
    assert r["capacity_mAh_g"] == pytest.approx(q, abs=0.1)
    assert r["zinc_per_formula_unit"] == pytest.approx(electrons / 2)
    assert "mAh g⁻¹" in out


@pytest.mark.parametrize("args", [("Xx9Q", "--electrons", "2"), ("V2O5", "--electrons", "-1")])
def test_capacity_bad_input(run_cli, args):
    code, _, err = run_cli("capacity", "theoretical", *args)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_gcd_states_the_mass_of_every_basis_and_the_defaults(run_cli, gcd_file):
    # without --substrate-mg / --electrode-mg the three bases coincide: the output must say so
    code, out, err = run_cli("gcd", "analyze", gcd_file, "--mass-mg", "1")
    assert code == 0, err
    assert "Mass bases" in out and "mass (mg)" in out
    words = out.split()  # the note may wrap at a space inside its cell at 80 columns
    assert "(--substrate-mg" in words and "(--electrode-mg" in words and "given):" in words
    code, out, err = run_cli("gcd", "analyze", gcd_file, "--mass-mg", "1", "--substrate-mg", "0.25",
                             "--electrode-mg", "1.5")
    assert code == 0, err
    assert "1.25" in out and "1.5" in out and "not given" not in out


def test_missing_mass_explains_that_the_eclab_characteristic_mass_is_not_used(run_cli):
    from pathlib import Path

    path = Path(__file__).parent / "data" / "biologic_gcpl.mpt"  # "Characteristic mass : 1.000 mg"
    for command in ("analyze", "dqdv"):
        code, _, err = run_cli("gcd", command, path)
        assert code == 2 and "--mass-mg" in err and "characteristic mass (1 mg) is not taken" in err, command
