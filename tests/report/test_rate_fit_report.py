"""The study report fits both transport models to the study's rate test and lists where the fitted
values disagree with the study's other evidence (GITT diffusivity, atomistic n_max, geometry, ledger).

The demo's rate test was simulated from its cell.toml (D = 2e-18 m² s⁻¹, 1 site nm⁻²), so the
known answer is inside the heterostructure fit's intervals.  The two small studies below reuse that
rate test with a GITT file made to agree or disagree with it: a transient measures D/L², so a GITT
D at L = 0.5 nm (1 nm clusters) corresponds to D·(50 nm / 0.5 nm)² = 1e4·D at the config's 50 nm
particles."""

from __future__ import annotations

import html
import json
import shlex
from pathlib import Path

import pytest

from test_report_cli import _gitt_csv

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "demo_study"
D_TRUE, SITES_TRUE = 2e-18, 1.0

STUDY = """
[study]
name = "rate fit check"

[material]
active_formula = "V8O16"
electrons_per_formula = 8
substrate = "rGO"
substrate_mass_fraction = 0.2

[electrode]
mass_mg = 1.5625
composite_fraction = 0.8

[geometry]
morphology = "cluster"
size_nm = 1.0
interface_coverage = 0.9
density_g_cm3 = 4.3

[data]
instrument = "csv"
gitt = "gitt.csv"

[[data.gcd]]
path = "{gcd}"

[atomistic]
formula = "V8O16"
n_max = {n_max}

[simulation]
config = "{config}"
rates_A_g = [0.1, 20.0]

[ledger]
proton_fraction = 0.0
parasitic_fraction = 0.0
"""


def _study(tmp_path: Path, *, gitt_D_cm2_s: float, n_max: int, tau_s: float = 600.0) -> Path:
    _gitt_csv(tmp_path / "gitt.csv", D_cm2_s=gitt_D_cm2_s, L_cm=5e-8, tau_s=tau_s)
    path = tmp_path / "study.toml"
    path.write_text(STUDY.format(gcd=(DEMO / "data" / "gcd_rates.csv").as_posix(), n_max=n_max,
                                 config=(DEMO / "cell.toml").as_posix()), encoding="utf-8")
    return path


def _report(run_cli, study: Path, out: Path) -> dict:
    code, _, err = run_cli("report", study, "--out", out)
    assert code == 0, err
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_demo_report_fits_both_models_and_recovers_the_simulated_parameters(demo_report):
    fit = json.loads((demo_report / "report.json").read_text(encoding="utf-8"))["rate_fit"]
    c = fit["comparison"]
    assert c["preferred"] == "heterostructure" and c["delta_bic_bulk_minus_hetero"] > 6
    het = {p["key"]: p for p in c["fits"]["heterostructure"]["parameters"]}
    for key, true in (("host.diffusivity_m2_s", D_TRUE), ("interface.sites_per_nm2", SITES_TRUE)):
        assert het[key]["identifiable"] and het[key]["ci95_low"] <= true <= het[key]["ci95_high"]
    assert fit["free_are_defaults"] and fit["mass_basis"] == "active"
    html = (demo_report / "report.html").read_text(encoding="utf-8")
    assert "Which model explains the rate capability?" in html and 'id="fig-rate_fit"' in html
    assert "95 % interval (Jacobian)" in html and "prefer bulk insertion plus an interface reservoir" in html
    assert (demo_report / "rate_fit.png").stat().st_size > 10_000


def test_demo_report_lists_the_ledger_disagreement(demo_report):
    """The demo's ledger gives the capacity above the bulk limit mostly to pseudocapacitance (its CV
    Dunn fraction), while the transport fit needs ~74 mAh g⁻¹ from the interface at 0.1 A g⁻¹."""
    fit = json.loads((demo_report / "report.json").read_text(encoding="utf-8"))["rate_fit"]
    ledger = [k for k in fit["checks"] if k["quantity"].startswith("interface capacity at the lowest rate")]
    assert len(ledger) == 1 and not ledger[0]["agrees"] and ledger[0]["value"] > ledger[0]["upper"]
    assert fit["disagreements"] == [ledger[0]["text"]]
    assert "ledger" in ledger[0]["text"] and "outside the plausible range" in ledger[0]["text"]
    html = (demo_report / "report.html").read_text(encoding="utf-8")
    assert "Disagreements with the study" in html and "interface share at 0.1 A g⁻¹" in html


@pytest.mark.slow
def test_study_whose_evidence_disagrees_lists_each_disagreement(run_cli, tmp_path):
    # GITT D equivalent to 1e4 × 2e-24 = 2e-20 m² s⁻¹ (100× below the truth); n_max = 1 Zn per V8O16
    # is below the 4 Zn of bulk insertion, so the atomistic interface cap, and with it the ceiling
    # on the interface Zn density, is zero
    rep = _report(run_cli, _study(tmp_path, gitt_D_cm2_s=2e-20, n_max=1), tmp_path / "out")
    fit = rep["rate_fit"]
    bad = {(k["model"], k["quantity"]) for k in fit["checks"] if not k["agrees"]}
    assert ("heterostructure", "host.diffusivity_m2_s") in bad and ("bulk_only", "host.diffusivity_m2_s") in bad
    assert ("heterostructure", "interface Zn density (Zn nm⁻²)") in bad
    d_range = next(k for k in fit["checks"] if k["quantity"] == "host.diffusivity_m2_s")
    assert d_range["lower"] == pytest.approx(2e-20 / 3, rel=0.05) and d_range["upper"] == pytest.approx(6e-20, rel=0.05)
    assert "GITT" in d_range["source"] and "rescaled" in d_range["source"]
    assert len(fit["disagreements"]) == len(bad) >= 3
    assert "Disagreements with other evidence" in fit["comparison"]["verdict"]   # named in the verdict too
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert all(f"<li>{html.escape(t)}</li>" in page for t in fit["disagreements"])


@pytest.mark.slow
def test_study_whose_evidence_agrees_lists_no_disagreement(run_cli, tmp_path):
    # GITT D equivalent to 4e-18 m² s⁻¹ (range 1.3e-18–1.2e-17 holds both fits' D); n_max = 7;
    # no CV and no proton/parasitic share, so the ledger gives the excess over bulk to the interface
    rep = _report(run_cli, _study(tmp_path, gitt_D_cm2_s=4e-18, n_max=7, tau_s=50.0), tmp_path / "out")
    fit = rep["rate_fit"]
    assert rep["gitt"]["n_valid"] == 3
    quantities = {k["quantity"] for k in fit["checks"]}
    assert {"host.diffusivity_m2_s", "interface Zn density (Zn nm⁻²)", "interface area (m² g⁻¹, active)",
            "interface capacity at the lowest rate (mAh g⁻¹, active)"} <= quantities
    assert all(k["agrees"] for k in fit["checks"]) and fit["disagreements"] == [] and fit["unchecked"] == []
    assert "None: every fitted value" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def _assert_cli_gives_the_same_fit(run_cli, fit: dict, report_dir: Path, tmp_path: Path) -> None:
    """Run the command the report prints on the CSV files it writes; compare every fitted number."""
    args = shlex.split(fit["command"])
    assert args[:3] == ["interstore", "simulate", "fit"]
    for option, name in (("--data", "rate_fit_data.csv"), ("--curves", "rate_fit_curves.csv")):
        if option in args:
            args[args.index(option) + 1] = str(report_dir / name)
    args[3] = str(DEMO / "cell.toml")
    code, _, err = run_cli(*args[1:], "--json", tmp_path / "cli.json")
    assert code == 0, err
    cli = json.loads((tmp_path / "cli.json").read_text(encoding="utf-8"))
    assert cli["preferred"] == fit["comparison"]["preferred"]
    for model in ("bulk_only", "heterostructure"):
        a, b = cli["fits"][model], fit["comparison"]["fits"][model]
        assert a["chi2"] == pytest.approx(b["chi2"], rel=1e-9, abs=1e-12) and a["n_points"] == b["n_points"]
        for p, q in zip(a["parameters"], b["parameters"], strict=True):
            assert p["key"] == q["key"]
            for field in ("value", "ci95_low", "ci95_high"):
                assert p[field] == pytest.approx(q[field], rel=1e-9)


def test_report_fit_equals_the_cli_fit_of_the_same_data(run_cli, demo_report, tmp_path):
    """The command the report prints, run on the rate_fit_data.csv it writes, gives the same numbers."""
    fit = json.loads((demo_report / "report.json").read_text(encoding="utf-8"))["rate_fit"]
    assert "--curves" not in fit["command"] and fit["curves"] is None
    _assert_cli_gives_the_same_fit(run_cli, fit, demo_report, tmp_path)


@pytest.mark.slow
def test_study_fit_of_the_discharge_curves_recovers_the_simulated_parameters(run_cli, tmp_path):
    """[simulation.fit] curves = true: the demo rate test's curves (1 mV noise) pin D and the site
    density to within a few per cent, around the values the demo was made with; the CLI agrees."""
    study = _study(tmp_path, gitt_D_cm2_s=4e-18, n_max=7, tau_s=50.0)
    study.write_text(study.read_text(encoding="utf-8") + "\n[simulation.fit]\ncurves = true\n", encoding="utf-8")
    out = tmp_path / "out"
    fit = _report(run_cli, study, out)["rate_fit"]
    assert fit["curves"] is not None and "--curves" in fit["command"]
    het = {p["key"]: p for p in fit["comparison"]["fits"]["heterostructure"]["parameters"]}
    for key, true in (("host.diffusivity_m2_s", D_TRUE), ("interface.sites_per_nm2", SITES_TRUE)):
        assert het[key]["ci95_low"] <= true <= het[key]["ci95_high"] and het[key]["ci95_high"] / het[key]["ci95_low"] < 1.1
    assert (out / "rate_fit_curves.png").stat().st_size > 10_000
    assert 'id="fig-rate_fit_curves"' in (out / "report.html").read_text(encoding="utf-8")
    _assert_cli_gives_the_same_fit(run_cli, fit, out, tmp_path)


def test_fit_can_be_switched_off_and_bad_bounds_name_the_key(minimal_study, tmp_path):
    from interstore.errors import InputError
    from interstore.evidence.manifest import load_study

    sim = f'[simulation]\nconfig = "{(DEMO / "cell.toml").as_posix()}"\n'
    off = minimal_study(extra=sim + "[simulation.fit]\nenabled = false\n")
    assert load_study(off).manifest.simulation.fit.enabled is False
    bad = minimal_study(extra=sim + '[simulation.fit]\nfree = {"host.diffusivity_m2_s" = [1e-14, 1e-20]}\n')
    with pytest.raises(InputError, match="simulation.fit.free"):
        load_study(bad)


def test_no_fit_when_the_rate_test_has_no_more_rates_than_free_parameters(tmp_path):
    from interstore.study import analyse_study

    study = _study(tmp_path, gitt_D_cm2_s=4e-18, n_max=7, tau_s=50.0)
    free = '\n[simulation.fit]\nfree = {"host.diffusivity_m2_s" = [1e-20, 1e-14], "interface.sites_per_nm2" = ' \
           '[0.05, 30], "interface.zn_per_site" = [0.1, 10], "host.size_m" = [1e-9, 1e-6], ' \
           '"interface.sigma_ion_S_m" = [1e-4, 1]}\n'
    study.write_text(study.read_text(encoding="utf-8") + free, encoding="utf-8")
    results = analyse_study(study)
    assert len(results.rate_points) == 5 and results.rate_fit is None and results.ragone_simulated is not None
    # not silently: the JSON and the report say why there is no fit
    assert results.to_dict()["rate_fit_skipped"].startswith("5 measured rate(s) for 5 free parameter(s)")
    from interstore.report.build import build_report

    page = build_report(study, tmp_path / "out")["report.html"].read_text(encoding="utf-8")
    assert "Not fitted: 5 measured rate(s) for 5 free parameter(s)" in page
