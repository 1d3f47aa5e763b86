"""Bad input that used to pass: duplicates, absurd magnitudes, a CV analysed as cycling data.
Each gives one line on stderr naming what is wrong and the bound, exit code 2, and no
numpy/scipy warning, or (a CV without a technique record given to ``gcd``) a stated warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "examples" / "demo_study"
CV = {rate: DEMO / "data" / f"cv_{rate}mV_s.csv" for rate in ("0.5", "1", "2", "5")}


def _one_line_error(code, err, *needles):
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Warning" not in err and "Traceback" not in err
    for n in needles:
        assert n in err, (n, err)


@pytest.mark.parametrize("args, needles", [
    (("cv", "analyze", CV["1"], CV["1"], CV["2"]), ["the same file is given twice"]),
    (("cv", "analyze", CV["1"], CV["1"].parent / ".." / "data" / CV["1"].name, CV["2"]),
     ["the same file is given twice"]),
    (("cv", "analyze", CV["1"], CV["2"], CV["5"], "--scan-rates", "1,1,2"), ["scan rate (mV/s) 1 appears twice"]),
    (("cv", "analyze", CV["1"], CV["2"], "--mass-mg", "1e-300"), ["--mass-mg", "from 1e-06 to 1e+07 mg"]),
    (("cv", "analyze", CV["1"], CV["2"], "--mass-mg", "1e308"), ["--mass-mg", "from 1e-06 to 1e+07 mg"]),
    (("cv", "analyze", CV["1"], CV["2"], "--rs-ohm", "1e308"), ["--rs-ohm", "from 0 to 1e+07 Ω"]),
    (("cv", "analyze", CV["1"], CV["2"], "--rs-ohm", "1e4"), ["IR drop", "more than its whole"]),
    (("cv", "analyze", CV["1"], CV["2"], "--scan-rates", "1,1e300"), ["--scan-rates", "to 1e+07 mV/s"]),
    (("capacity", "theoretical", "V8O16", "--electrons", "1e308"), ["--electrons", "1e+308"]),
    (("gcd", "analyze", DEMO / "data" / "gcd_rates.csv", "--mass-mg", "1e-300"), ["--mass-mg"]),
    (("read", DEMO / "data" / "gcd_rates.csv", "--mass-mg", "1e308"), ["--mass-mg"]),
], ids=["same file", "same file other spelling", "duplicate rates", "mass tiny", "mass huge", "rs huge",
        "rs beyond the window", "scan rate huge", "electrons huge", "gcd mass", "read mass"])
def test_absurd_or_duplicated_options_are_refused(run_cli, args, needles):
    code, out, err = run_cli(*args)
    _one_line_error(code, err, *needles)


@pytest.mark.parametrize("column, value, needle", [
    ("current_A", "1e308", "1e+308 A in 'current_A' (expected a finite number from -10000 to 10000 A)"),
    ("potential_V", "-1e300", "-1e+300 V in 'potential_V' (expected a finite number from -1000 to 1000 V)"),
])
def test_absurd_data_values_are_refused_with_the_row(run_cli, tmp_path, column, value, needle):
    rows = {"time_s": ["0", "1", "2"], "potential_V": ["0.5", "0.6", "0.7"], "current_A": ["1e-3", "2e-3", "1e-3"]}
    rows[column][1] = value
    f = tmp_path / "bad.csv"
    f.write_text("time_s,potential_V,current_A\n" + "".join(
        f"{rows['time_s'][k]},{rows['potential_V'][k]},{rows['current_A'][k]}\n" for k in range(3)))
    code, _, err = run_cli("read", f)
    _one_line_error(code, err, "bad.csv", "row 2", needle)


def test_two_manifest_cvs_with_one_scan_rate_are_refused(run_cli, tmp_path):
    study = tmp_path / "s"
    shutil.copytree(DEMO, study)
    manifest = study / "study.toml"
    text = manifest.read_text()
    assert "scan_rate_mV_s = 2.0" in text
    manifest.write_text(text.replace("scan_rate_mV_s = 2.0", "scan_rate_mV_s = 1.0", 1))
    code, _, err = run_cli("evidence", "verdict", manifest)
    _one_line_error(code, err, "data.cv", "scan_rate_mV_s 1 appears twice")


def test_the_same_manifest_cv_twice_is_refused(run_cli, tmp_path):
    study = tmp_path / "s"
    shutil.copytree(DEMO, study)
    manifest = study / "study.toml"
    text = manifest.read_text()
    manifest.write_text(text.replace("data/cv_2mV_s.csv", "./data/../data/cv_1mV_s.csv", 1)
                        .replace("scan_rate_mV_s = 2.0", "scan_rate_mV_s = 1.5", 1))
    code, _, err = run_cli("evidence", "verdict", manifest)
    _one_line_error(code, err, "data.cv", "the same file is given twice")


def test_gcd_analyze_refuses_a_recorded_cv_and_warns_on_a_cv_shaped_csv(run_cli, tmp_path):
    code, _, err = run_cli("gcd", "analyze", HERE / "echem" / "data" / "chi_cv_5mVs.txt", "--mass-mg", "1")
    _one_line_error(code, err, "Cyclic Voltammetry", "cv analyze")
    code, out, err = run_cli("gcd", "analyze", CV["1"], "--mass-mg", "1", "--json", tmp_path / "g.json")
    assert code == 0
    assert "looks like a CV" in err and "looks like a CV" not in out  # a warning, on stderr
    import json

    assert any("looks like a CV" in w for w in json.loads((tmp_path / "g.json").read_text())["warnings"])


def test_real_cycling_files_are_not_taken_for_cvs(run_cli):
    code, out, err = run_cli("gcd", "analyze", DEMO / "data" / "gcd_rates.csv", "--mass-mg", "1")
    assert code == 0 and "looks like a CV" not in err + out


def test_warnings_go_to_stderr_so_stdout_stays_clean(run_cli):
    code, out, err = run_cli("cv", "analyze", CV["1"], CV["2"], CV["5"])
    assert code == 0
    assert "scan rate estimated from dE/dt" in err and "warning:" not in out


def test_python_warnings_are_one_line_on_stderr(run_cli, monkeypatch):
    import warnings

    import interstore.echem.readers as readers

    real = readers.read_measurement

    def noisy(*a, **k):
        import numpy as np

        np.log(np.zeros(1))  # RuntimeWarning: divide by zero
        warnings.warn("something odd\nacross two lines", UserWarning)
        return real(*a, **k)

    monkeypatch.setattr(readers, "read_measurement", noisy)
    code, out, err = run_cli("read", CV["1"])
    assert code == 0 and "warning" not in out.lower()
    lines = [ln for ln in err.splitlines() if ln.startswith("warning:")]
    assert any("divide by zero" in ln and "RuntimeWarning" in ln for ln in lines)
    assert any("something odd across two lines (UserWarning)" in ln for ln in lines)
    assert "np.log" not in err  # no source excerpt


@pytest.mark.parametrize("value", [1e-300, 1e308, 1e41])
def test_every_positive_parameter_refuses_absurd_magnitudes(value):
    """The shared check behind ~50 parameters (lengths, areas, conductivities, ...) refuses 1e-300 and 1e308."""
    from interstore.errors import InputError, require_positive

    with pytest.raises(InputError, match=r"parameter 'sigma_ion_S_m'.*from 1e-40 to 1e\+40"):
        require_positive("sigma_ion_S_m", value)
    assert require_positive("sigma_ion_S_m", 1e-35) == 1e-35 and require_positive("x", 0.0, allow_zero=True) == 0.0


def test_an_absurd_gitt_length_is_refused(run_cli):
    code, _, err = run_cli("gitt", "analyze", DEMO / "data" / "gcd_rates.csv", "--mass-mg", "1", "--length-um", "1e308")
    _one_line_error(code, err, "--length-um")


def test_the_same_literature_export_twice_is_refused(run_cli, tmp_path):
    export = HERE.parent / "examples" / "literature" / "demo_scopus.csv"
    code, _, err = run_cli("literature", "network", export, export.parent / "." / export.name)
    _one_line_error(code, err, "the same file is given twice")


def test_json_to_stdout_keeps_stdout_for_the_json_alone(run_cli, tmp_path):
    import json

    code, out, err = run_cli("cv", "analyze", CV["1"], CV["2"], CV["5"], "--json", "-")
    assert code == 0, err
    piped = json.loads(out)  # nothing but the JSON on stdout: tables and warnings went to stderr
    assert "b-values" in err and "scan rate estimated" in err
    code, _, _ = run_cli("cv", "analyze", CV["1"], CV["2"], CV["5"], "--json", tmp_path / "r.json")
    assert piped == json.loads((tmp_path / "r.json").read_text()) and not (Path.cwd() / "-").exists()
