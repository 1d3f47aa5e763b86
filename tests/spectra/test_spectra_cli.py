"""``interstore spectra`` end to end on the demo study's simulated spectra: same numbers as the Python API,
one-line errors with exit code 2."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "examples" / "demo_study" / "data"


def test_track_cli_matches_python_api(run_cli, tmp_path):
    from interstore.spectra.evidence import analyse_operando

    code, out, err = run_cli("spectra", "track", DATA / "operando_raman.csv", "--echem", DATA / "operando_echem.csv",
                             "--band", "880", "--window", "760,960", "--json", tmp_path / "t.json", "--out", tmp_path)
    assert code == 0, err
    got = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["reversibility"]
    api = analyse_operando(DATA / "operando_raman.csv", DATA / "operando_echem.csv", technique="Raman",
                           band_cm1=880, window=(760, 960)).reversibility
    assert got["index"] == pytest.approx(api.index, rel=1e-12)
    assert got["index"] == pytest.approx(0.80, abs=0.03)  # generate.py: 60 % on discharge, back to 92 %
    assert (tmp_path / "band_vs_soc.png").stat().st_size > 5000 and (tmp_path / "band_track.csv").is_file()
    assert "reversibility index" in out


def test_xps_cli(run_cli, tmp_path):
    code, out, err = run_cli("spectra", "xps", DATA / "xps_discharged.csv", "--json", tmp_path / "x.json",
                             "--out", tmp_path)
    assert code == 0, err
    res = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert res["mean_valence"] == pytest.approx(4.25, abs=0.05)  # generate.py: 0.35/0.55/0.10 V5+/V4+/V3+
    assert "mean V valence" in out and (tmp_path / "xps_fit.png").is_file()


def test_fit_and_mcr_cli(run_cli, tmp_path):
    code, out, err = run_cli("spectra", "read", DATA / "operando_raman.csv")
    assert code == 0 and "1 spectra" in out  # the matrix read as one two-column spectrum: first series column
    code, _, err = run_cli("spectra", "mcr", DATA / "operando_raman.csv", "--echem", DATA / "operando_echem.csv",
                           "--window", "700,1050", "--baseline", "arpls", "--json", tmp_path / "m.json")
    assert code == 0, err
    rec = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["recovery"]
    assert len(rec) == 2 and all(r["returned_fraction"] is not None for r in rec)


@pytest.mark.parametrize("args, needle", [
    (("spectra", "fit", "nope.csv", "--band", "880"), "file not found"),
    (("spectra", "fit", DATA / "xps_charged.csv", "--band", "880", "--window", "760"), "--window"),
    (("spectra", "xps", DATA / "xps_charged.csv", "--region", "Zn2p"), "unknown region"),
    (("spectra", "track", DATA / "operando_raman.csv", "--echem", DATA / "xps_charged.csv", "--band", "880"),
     "xps_charged.csv"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, args, needle):
    code, _, err = run_cli(*args)
    assert code == 2, err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
