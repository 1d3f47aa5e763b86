"""`interstore report` and `interstore evidence` end to end: numbers in the JSON, one-line errors."""

import json

import pytest

from interstore.theoretical import theoretical_capacity


def _json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_report_numbers_on_every_basis(run_cli, minimal_study, tmp_path):
    code, out, err = run_cli("report", minimal_study(), "--out", tmp_path / "out", "--json", tmp_path / "s.json")
    assert code == 0, err
    assert "report.html" in out
    rep = _json(tmp_path / "out" / "report.json")
    # masses: active 1.0 mg, substrate 0.25 mg, electrode 1.5625 mg
    assert rep["masses_mg"]["active"] == pytest.approx(1.0)
    assert rep["masses_mg"]["composite"] == pytest.approx(1.25)
    bulk = rep["bulk_theoretical"]["capacity_mAh_g"]
    assert bulk["active"] == pytest.approx(323.1, abs=0.1)  # V8O16, 8 e- (physics notes, section f)
    assert bulk["electrode"] == pytest.approx(323.1 / 1.5625, abs=0.1)
    lim = rep["atomistic"]["limit"]
    assert lim["n_max"] == 7  # the 7 -> 8 step has a negative voltage
    assert lim["capacity_mAh_g"]["active"] == pytest.approx(565.5, abs=0.1)
    assert lim["capacity_mAh_g"]["composite"] == pytest.approx(565.5 / 1.25, abs=0.1)
    assert lim["quoted_comparison"]["quoted_mAh_g"] == pytest.approx(717.06)
    assert rep["ledger"] is None and rep["rates"] == []
    summary = _json(tmp_path / "s.json")
    assert summary["verdict"] == "interface-assisted bulk insertion"  # bond change, no reversibility
    assert (tmp_path / "out" / "binding.png").stat().st_size > 1000


@pytest.mark.parametrize("extra, fragment", [
    ('[[data.cv]]\npath = "nope.csv"\n', "file not found"),
    ("[ledger]\nproton_fraction = 0.1\nwizardry = 3\n", "unknown key"),
])
def test_bad_manifest_exit_2_one_line(run_cli, minimal_study, tmp_path, extra, fragment):
    code, out, err = run_cli("report", minimal_study(extra=extra), "--out", tmp_path / "out")
    assert code == 2
    assert fragment in err and "study.toml" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_negative_mass_exit_2(run_cli, minimal_study, tmp_path):
    p = minimal_study()
    p.write_text(p.read_text(encoding="utf-8").replace("mass_mg = 1.5625", "mass_mg = -2"), encoding="utf-8")
    code, _, err = run_cli("evidence", "verdict", p)
    assert code == 2
    assert "electrode.mass_mg" in err and len(err.strip().splitlines()) == 1


def test_evidence_table_json(run_cli, minimal_study, tmp_path):
    code, out, err = run_cli("evidence", "table", "--study", minimal_study(name="mine"), "--json", tmp_path / "t.json",
                             "--out", tmp_path / "t")
    assert code == 0, err
    rows = _json(tmp_path / "t.json")["systems"]
    assert [r["system"] for r in rows] == ["VOx-rGO", "HVO@Ti3C2", "ZVO/RuO2", "mine (this study)"]
    assert [r["tier"] for r in rows[:3]] == ["B", "C", "B"]
    assert rows[0]["verdict"] == "interface-assisted bulk insertion"  # no number for the V–O–C bond strength
    assert (tmp_path / "t" / "evidence_table.csv").is_file()


def test_evidence_verdict_json(run_cli, minimal_study, tmp_path):
    code, _, err = run_cli("evidence", "verdict", minimal_study(), "--json", tmp_path / "v.json",
                           "--out", tmp_path / "v")
    assert code == 0, err
    v = _json(tmp_path / "v.json")
    assert _json(tmp_path / "v" / "verdict.json") == v
    assert v["verdict"] == "interface-assisted bulk insertion" and v["tier"] == "C"
    assert v["kinetics"]["b_mean"] is None
    rule_i = next(r for r in v["reasons"] if r["rule"].startswith("(i)"))
    assert rule_i["met"] is True  # 1 nm clusters, coverage 0.9: every site within 0.5 nm of the interface


def test_theoretical_reference_is_independent():
    assert theoretical_capacity("V8O16", 8).capacity_mAh_g == pytest.approx(323.1, abs=0.1)


def _scan_json(path, n_max_per_fu):
    from interstore.atomistic.binding import binding_curve

    curve = binding_curve({1: -101.0, 2: -102.1, 3: -103.0}, -100.0, -0.2)
    path.write_text(json.dumps({"binding": curve.to_dict(), "n_max_per_formula_unit": n_max_per_fu}),
                    encoding="utf-8")


def test_scan_json_feeds_the_limit(run_cli, minimal_study, tmp_path):
    study = minimal_study()
    text = study.read_text(encoding="utf-8")
    start = text.index("binding_energies_eV")
    study.write_text(text[:start] + 'scan_json = "scan.json"\n' + text[text.index("\n", start) + 1:], encoding="utf-8")
    _scan_json(tmp_path / "scan.json", 3.5)
    code, _, err = run_cli("report", study, "--out", tmp_path / "out")
    assert code == 0, err
    rep = _json(tmp_path / "out" / "report.json")
    assert rep["atomistic"]["limit"]["n_max"] == 3.5
    # 3.5 Zn = 7 e- per V8O16 (663.52 g/mol): 7·96485.33/(3.6·663.52) = 282.8 mAh/g
    assert rep["atomistic"]["limit"]["capacity_mAh_g"]["active"] == pytest.approx(282.75, abs=0.05)
    # E_b(n) = E(n) - E(0) - n·E_Zn: -101 + 100 + 0.2 = -0.8 eV at n = 1
    assert rep["atomistic"]["binding"]["eb_eV"][1] == pytest.approx(-0.8)
    (tmp_path / "scan.json").write_text('{"binding": {}}', encoding="utf-8")
    code, _, err = run_cli("report", study, "--out", tmp_path / "out2")
    assert code == 2 and "scan.json" in err and "n_zn" in err


def test_committee_scan_json_is_summarised_in_the_report(run_cli, minimal_study, tmp_path):
    """The report uses the conservative member's curve and says what the committee gives (escaped)."""
    from dataclasses import replace
    from types import SimpleNamespace

    from interstore.atomistic.binding import binding_curve
    from interstore.atomistic.committee import CommitteeResult, Member

    curves = {"chgnet": binding_curve({1: -101.0, 2: -102.1}, -100.0, -0.2),
              "<b>7net</b>": binding_curve({1: -100.5, 2: -100.4}, -100.0, -0.2)}
    n_max = {"chgnet": 2, "<b>7net</b>": 1}
    members = tuple(replace(Member(k, tuple(c.n_zn), tuple(c.eb_eV), tuple(c.voltage_V), n_max[k], (True,) * 3,
                                   "potential"), path_gain_eV=(None, 0.25, 0.0)) for k, c in curves.items())
    scans = {k: SimpleNamespace(to_dict=lambda c=c, k=k: {"binding": c.to_dict(), "n_max_per_formula_unit": n_max[k] / 2})
             for k, c in curves.items()}
    result = CommitteeResult("cell", members, scans, {"skipped": True}, "V8O16", 2.0, "C25", paths_sampled=2)
    (tmp_path / "scan.json").write_text(json.dumps(result.to_dict()), encoding="utf-8")
    study = minimal_study()
    text = study.read_text(encoding="utf-8")
    start = text.index("binding_energies_eV")
    study.write_text(text[:start] + 'scan_json = "scan.json"\n' + text[text.index("\n", start) + 1:], encoding="utf-8")
    code, _, err = run_cli("report", study, "--out", tmp_path / "out")
    assert code == 0, err
    rep = _json(tmp_path / "out" / "report.json")
    c = rep["atomistic"]["committee"]
    assert c["used_member"] == "<b>7net</b>" and rep["atomistic"]["limit"]["n_max"] == 0.5
    assert c["n_max"] == n_max and c["paths_per_loading"] == 2 and c["path_gain_eV"] == [None, 0.25, 0.0]
    # 1 and 2 Zn per cell = 0.5 and 1 Zn per V8O16 (663.52 g/mol): 1 and 2 e- -> 40.4 and 80.8 mAh/g
    assert (c["limit_capacity_mAh_g"]["at_min_n_max"], c["limit_capacity_mAh_g"]["at_max_n_max"]) == \
        pytest.approx((40.39, 80.79), abs=0.01)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;7net&lt;/b&gt;" in page and "<b>7net</b>" not in page
    assert "n_max per cell chgnet 2, &lt;b&gt;7net&lt;/b&gt; 1" in page and "40–81 mAh g⁻¹ (active V8O16)" in page
    # spread max − min of E_b(n): n = 2: (−102.1 + 100 + 0.4) − (−100.4 + 100 + 0.4) = −1.7 − 0.0 = 1.70 eV
    assert "1.70 eV (n = 2)" in page and "at most 0.25 eV below the first" in page


@pytest.mark.filterwarnings("ignore:Simulating circuit based on initial parameters")
def test_eis_fit_sets_the_series_resistance(run_cli, minimal_study, tmp_path):
    import numpy as np
    from impedance.models.circuits import CustomCircuit

    f = np.logspace(5, -2, 50)
    z = CustomCircuit("R0-p(R1-W1,C1)", initial_guess=[12.0, 80.0, 40.0, 2e-5]).predict(f)
    lines = ["frequency_Hz,z_real_ohm,z_imag_ohm"] + [f"{a:.6g},{b.real:.6g},{b.imag:.6g}" for a, b in zip(f, z)]
    (tmp_path / "eis.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    study = minimal_study(extra='[data]\neis = "eis.csv"\n')
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (study, tmp_path / "eis.csv")}
    code, _, err = run_cli("report", study, "--out", tmp_path / "out")
    assert code == 0, err
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in before} == before  # inputs untouched
    rep = _json(tmp_path / "out" / "report.json")
    params = {p["name"]: p["value"] for p in rep["eis"]["parameters"]}
    assert params["R0"] == pytest.approx(12.0, rel=0.02)
    assert params["R1"] == pytest.approx(80.0, rel=0.02)
    assert rep["r_s_ohm_used"] == pytest.approx(params["R0"])
    assert (tmp_path / "out" / "nyquist.png").is_file()
    assert 'id="fig-nyquist"' in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def _gitt_csv(path, *, D_cm2_s, L_cm, tau_s=600.0, dEs_V=0.01, pulses=3):
    """Ideal Weppner–Huggins transients: E ∝ √t during each pulse (after a 5 mV IR jump),
    exponential relaxation to a plateau ΔE_s lower during each rest."""
    import numpy as np

    dEt = dEs_V * 2 * L_cm / np.sqrt(np.pi * tau_s * D_cm2_s)  # inverts D = 4L²/(πτ)·(ΔEs/ΔEt)²
    rows, t0, e_rest = [], 0.0, 1.0
    for t in np.arange(0, 300, 10.0):
        rows.append((t, e_rest, 0.0))
    t0 = 300.0
    for _ in range(pulses):
        tp = np.arange(0, tau_s + 1, 10.0)
        for t in tp:
            rows.append((t0 + t, e_rest - 0.005 - dEt * np.sqrt(t / tau_s), -1e-4))
        e_end, e_next = e_rest - dEt, e_rest - dEs_V
        t0 += tau_s + 10.0
        for t in np.arange(0, 1200, 10.0):
            rows.append((t0 + t, e_next + (e_end - e_next) * np.exp(-t / 60.0), 0.0))
        t0 += 1200.0
        e_rest = e_next
    path.write_text("time_s,potential_V,current_A\n" + "".join(f"{a:.1f},{b:.7f},{c:.6g}\n" for a, b, c in rows),
                    encoding="utf-8")


def test_gitt_diffusion_length_from_geometry(run_cli, minimal_study, tmp_path):
    study = minimal_study(extra='[data]\ngitt = "gitt.csv"\n')
    text = study.read_text(encoding="utf-8").replace('morphology = "cluster"', 'morphology = "sheet"')
    study.write_text(text.replace("size_nm = 1.0", "size_nm = 5.0"), encoding="utf-8")
    _gitt_csv(tmp_path / "gitt.csv", D_cm2_s=1e-17, L_cm=5e-7)  # 5 nm sheet: L = thickness; τD/L² = 0.024
    code, _, err = run_cli("report", study, "--out", tmp_path / "out")
    assert code == 0, err
    g = _json(tmp_path / "out" / "report.json")["gitt"]
    assert g["geometry"]["length_cm"] == pytest.approx(5e-7)
    assert g["n_pulses"] == 3
    assert g["D_cm2_s_median_valid"] == pytest.approx(1e-17, rel=0.05)
    assert g["n_valid"] == 3
    assert (tmp_path / "out" / "gitt.png").is_file()


def test_report_path_with_square_brackets_is_printed_intact(run_cli, minimal_study, tmp_path):
    code, out, err = run_cli("report", minimal_study(), "--out", tmp_path / "[run1]")
    assert code == 0, err
    assert "report: " in out and "[run1]/report.html" in out.replace("\n", "")
