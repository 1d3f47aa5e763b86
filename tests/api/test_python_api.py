"""The README's command table done from Python in a few lines each, against the CLI's own
``--json`` output for the same input: one set of numbers whichever door a researcher uses.

Real files come from ``../shared/data`` (listed in its SOURCES.md); a listed file that is
missing fails the test.  The study, CVs and cell config are the repository's examples.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import interstore as ist

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "demo_study"
CV_RATES = (0.5, 1.0, 2.0, 5.0, 10.0)


def _cli_json(run_cli, tmp_path, *args) -> dict:
    out = tmp_path / "result.json"
    code, _, err = run_cli(*map(str, args), "--json", out)
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


def _cv_files() -> list[Path]:
    return [DEMO / "data" / f"cv_{r:g}mV_s.csv" for r in CV_RATES]


def test_read(run_cli, tmp_path, shared_data):
    path = shared_data / "biologic" / "gcpl.pr_182.1.mpt"
    cli = _cli_json(run_cli, tmp_path, "read", path)
    m = ist.read(path)
    assert cli["rows"] == m.time_s.size
    assert cli["duration_s"] == pytest.approx(m.time_s[-1] - m.time_s[0])
    assert cli["instrument"] == m.instrument


def test_cv_analyze(run_cli, tmp_path):
    cli = _cli_json(run_cli, tmp_path, "cv", "analyze", *_cv_files(), "--instrument", "csv",
                    "--scan-rates", ",".join(f"{r:g}" for r in CV_RATES), "--mass-mg", "1.0")
    cv = ist.analyze_cv([ist.read(f, instrument="csv") for f in _cv_files()], CV_RATES, mass_g=1e-3)
    b = cv.to_frame("b_values")
    assert [x["b"] for x in cli["b_values"]] == pytest.approx(b["b"].tolist(), rel=1e-12)
    assert [x["capacitive_fraction"] for x in cli["dunn"]] == \
        pytest.approx(cv.to_frame()["capacitive_fraction"].tolist(), rel=1e-12)
    assert cli["trasatti"]["q_outer_C_g"] == pytest.approx(cv.trasatti.q_outer / 1e-3, rel=1e-12)
    assert cli["dunn_flags"]["flagged_fraction"] == pytest.approx(cv.flagged_fraction)


def test_gcd_analyze(run_cli, tmp_path, shared_data):
    path = shared_data / "biologic" / "gcpl.pr_182.1.mpt"
    cli = _cli_json(run_cli, tmp_path, "gcd", "analyze", path, "--mass-mg", "2.5")
    cycling = ist.analyze_cycling(ist.read(path), ist.ElectrodeMasses(active_g=2.5e-3))
    frame = cycling.to_frame()
    q_cli = [np.nan if c["discharge_capacity_mAh_g"] is None else c["discharge_capacity_mAh_g"]["active"]
             for c in cli["cycles"]]
    assert np.isfinite(q_cli).sum() >= 3
    assert q_cli == pytest.approx(frame["discharge_capacity_mAh_g_active"].tolist(), rel=1e-12, nan_ok=True)


def test_gcd_dqdv(run_cli, tmp_path, shared_data):
    path = shared_data / "biologic" / "gcpl.pr_182.1.mpt"
    cli = _cli_json(run_cli, tmp_path, "gcd", "dqdv", path, "--mass-mg", "2.5")
    dqdv = ist.analyze_differential(ist.analyze_cycling(ist.read(path), ist.ElectrodeMasses(active_g=2.5e-3)))
    peaks = dqdv.to_dict()["peaks"]
    assert len(cli["peaks"]) == len(peaks) > 0
    assert [p["potential_V"] for p in cli["peaks"]] == pytest.approx([p["potential_V"] for p in peaks], rel=1e-12)
    assert [p["area_mAh_g"]["active"] for p in cli["peaks"]] == \
        pytest.approx([p["area_mAh_g"]["active"] for p in peaks], rel=1e-12)


def test_gitt_analyze(run_cli, tmp_path):
    # two current pulses with √t transients and flat rests; the same CSV goes through both doors
    from interstore.echem.record import from_arrays

    t, v, i = [], [], []
    t0, e0 = 0.0, 1.0
    for D in (1e-12, 2e-12):
        rest = np.linspace(0, 3600, 200)[1:]
        pulse = np.linspace(0, 600, 200)[1:]
        t += [t0 + pulse, t0 + 600 + rest]
        v += [e0 - 0.002 - 0.0005 * np.sqrt(pulse) * np.sqrt(D / 1e-12), np.full(rest.size, e0 - 0.004)]
        i += [np.full(pulse.size, -1e-4), np.zeros(rest.size)]
        t0, e0 = t0 + 4200, e0 - 0.004
    m = from_arrays(np.concatenate([[0.0], *t]), np.concatenate([[1.0], *v]), np.concatenate([[0.0], *i]))
    path = tmp_path / "gitt.csv"
    m.data.rename(columns={"time_s": "time/s", "potential_V": "Ewe/V", "current_A": "I/A"}) \
        .drop(columns=["cycle", "step"], errors="ignore").to_csv(path, index=False)
    cli = _cli_json(run_cli, tmp_path, "gitt", "analyze", path, "--length-um", "2")
    gitt = ist.analyze_gitt(ist.read(path), ist.GittGeometry.from_length(2e-4))
    assert [p["D_cm2_s"] for p in cli["pulses"]] == pytest.approx(gitt.to_frame()["D_cm2_s"].tolist(), rel=1e-12)
    assert len(cli["pulses"]) == 2


def test_eis_fit(run_cli, tmp_path, shared_data):
    path = shared_data / "eis" / "exampleDataBioLogic.mpt"
    cli = _cli_json(run_cli, tmp_path, "eis", "fit", path, "--area-cm2", "1", "--conc-mol-cm3", "1e-3")
    fit = ist.fit_eis(ist.read_impedance(path), area_cm2=1.0, conc_mol_cm3=1e-3)
    params = fit.to_frame()
    assert [p["value"] for p in cli["parameters"]] == pytest.approx(params["value"].tolist(), rel=1e-9)
    # this spectrum fails Lin-KK (7.3 % of |Z|): both front ends withhold D, and both give it with the override
    assert cli["kramers_kronig"]["verdict"] == fit.to_dict()["kramers_kronig"]["verdict"] == "fail"
    assert cli["warburg"]["D_fit_cm2_s"] is None and fit.to_dict()["warburg"]["D_fit_cm2_s"] is None
    forced = _cli_json(run_cli, tmp_path, "eis", "fit", path, "--area-cm2", "1", "--conc-mol-cm3", "1e-3",
                       "--force-kk")
    forced_fit = ist.fit_eis(ist.read_impedance(path), area_cm2=1.0, conc_mol_cm3=1e-3, force_kk=True)
    assert forced["warburg"]["D_fit_cm2_s"] == pytest.approx(
        forced_fit.D_cm2_s(forced_fit.sigma_fit_ohm_s_half), rel=1e-9)


def test_capacity_theoretical(run_cli, tmp_path):
    cli = _cli_json(run_cli, tmp_path, "capacity", "theoretical", "V8O16", "--electrons", "14")
    q = ist.theoretical_capacity("V8O16", 14)
    assert cli["capacity_mAh_g"] == pytest.approx(q.capacity_mAh_g, rel=1e-12)
    assert q.capacity_mAh_g == pytest.approx(565.5, abs=0.05)  # 14·96485/(3.6·663.52), README's number


def test_interface_capacity(run_cli, tmp_path):
    cli = _cli_json(run_cli, tmp_path, "interface", "capacity", "--n-zn", "7")
    limit = ist.limit_capacity(7, "V8O16")
    assert cli["capacity_mAh_g"]["active"] == pytest.approx(limit.capacity_mAh_g["active"], rel=1e-12)
    assert limit.capacity_mAh_g["active"] == pytest.approx(565.5, abs=0.05)  # README: 7 Zn, 14 e⁻ per V8O16


def test_simulate_ragone(run_cli, tmp_path):
    config = REPO / "examples" / "transport" / "vox_rgo.toml"
    cli = _cli_json(run_cli, tmp_path, "simulate", "ragone", config, "--rates", "0.5,5")
    cfg = ist.CellConfig.from_toml(config)
    for variant, bulk_only in (("heterostructure", False), ("bulk_only", True)):
        curve = ist.simulate(cfg, "ragone", rates_A_g=[0.5, 5], bulk_only=bulk_only).to_frame()
        for column in ("capacity_mAh_g", "energy_Wh_kg", "power_W_kg"):
            assert [p[column] for p in cli["curves"][variant]] == pytest.approx(curve[column].tolist(), rel=1e-9)


def test_evidence_verdict(run_cli, tmp_path):
    cli = _cli_json(run_cli, tmp_path, "evidence", "verdict", DEMO / "study.toml")
    results = ist.Study.from_toml(DEMO / "study.toml").run(simulate=False)
    assert (cli["verdict"], cli["tier"]) == (results.verdict.verdict, results.verdict.tier)
    assert cli["kinetics"]["b_mean"] == pytest.approx(results.kinetics_summary()["b_mean"], rel=1e-12)


def test_literature_network(run_cli, tmp_path):
    export = REPO / "examples" / "literature" / "demo_scopus.csv"
    cli = _cli_json(run_cli, tmp_path, "literature", "network", export, "--min-occurrences", "2")
    run = ist.literature.network(export, min_occurrences=2)
    nodes = {n["keyword"]: (n["count"], n["cluster"]) for n in cli["nodes"]}
    assert nodes == {k: (int(c), int(g)) for k, c, g in zip(run.map.labels, run.map.occurrences, run.map.cluster)}
    frame = run.to_frame()
    assert dict(zip(frame["keyword"], frame["occurrences_documents"])) == {k: c for k, (c, _) in nodes.items()}
    assert f"<NetworkRun: {len(nodes)} keywords" in repr(run)


def test_report(run_cli, tmp_path):
    out = tmp_path / "report"
    code, _, err = run_cli("report", DEMO / "study.toml", "--out", out)
    assert code == 0, err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    results = ist.Study.from_toml(DEMO / "study.toml").run()
    assert isinstance(results, ist.StudyResults)
    rows = results.ledger.to_dict()["rows"]
    for cli_row, row in zip(report["ledger"]["rows"], rows, strict=True):
        for component, share in row["shares"].items():
            assert cli_row["shares"][component]["active"]["value_mAh_g"] == \
                pytest.approx(share["active"]["value_mAh_g"], rel=1e-12)
    assert report["verdict"]["verdict"] == results.verdict.verdict
