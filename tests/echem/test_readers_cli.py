"""``interstore read`` end to end: exit codes, one-line errors, JSON numbers, written CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


def test_read_gcpl_json_and_csv(run_cli, tmp_path):
    code, out, err = run_cli("read", DATA / "biologic_gcpl.mpt", "--mass-mg", "1.0",
                             "--json", tmp_path / "r.json", "--out", tmp_path / "out")
    assert code == 0, err
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["instrument"] == "biologic" and r["rows"] == 47 and r["cycles"] == 2
    assert r["duration_s"] == pytest.approx(2418.0)
    assert r["potential_range_V"] == pytest.approx([0.3, 1.55])
    assert r["current_range_A"] == pytest.approx([-1e-4, 1e-4])
    assert r["scan_rate_mV_s"] is None and r["active_mass_g"] == pytest.approx(1e-3)
    assert r["columns"][:5] == ["time_s", "potential_V", "current_A", "cycle", "step"]
    csv = pd.read_csv(r["csv"])
    assert list(csv.columns) == r["columns"] and len(csv) == 47
    assert csv["current_A"].iloc[-1] == pytest.approx(1e-4)
    assert (tmp_path / "out" / "biologic_gcpl_overview.png").stat().st_size > 1000
    assert "0.6717 h" in out and "-0.1 – 0.1 mA" in out and "1 mg (active)" in out


def test_read_cv_scan_rate(run_cli, tmp_path):
    code, out, _ = run_cli("read", DATA / "gamry_cv_20mVs.DTA", "--json", tmp_path / "r.json")
    assert code == 0
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["scan_rate_mV_s"] == 20.0 and r["cycles"] == 3 and r["technique"] == "CV"
    assert "20 mV/s" in out


def test_read_columns_option(run_cli, tmp_path):
    f = tmp_path / "hand.csv"
    f.write_text("t,E,I\n0,1.0,2\n1,1.1,2\n3,1.2,-2\n")
    code, _, err = run_cli("read", f, "--columns", "time=t@h,potential=E@V,current=I@mA",
                           "--json", tmp_path / "r.json")
    assert code == 0, err
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["duration_s"] == pytest.approx(3 * 3600) and r["current_range_A"] == pytest.approx([-2e-3, 2e-3])


def test_read_impedance(run_cli, tmp_path):
    code, _, err = run_cli("read", DATA / "gamry_eis.DTA", "--impedance", "--json", tmp_path / "z.json",
                           "--out", tmp_path)
    assert code == 0, err
    r = json.loads((tmp_path / "z.json").read_text())
    assert r["rows"] == 25 and r["frequency_range_Hz"] == pytest.approx([0.1, 1e5])
    assert r["z_real_range_ohm"][0] == pytest.approx(5.0, abs=1e-3) and r["z_imag_range_ohm"][1] < 0
    assert list(pd.read_csv(r["csv"]).columns) == ["frequency_Hz", "z_real_ohm", "z_imag_ohm"]


def test_read_impedance_second_sweep(run_cli, tmp_path):
    lines = (DATA / "eis_semicolon.csv").read_text().splitlines()
    f = tmp_path / "two.csv"
    f.write_text("\n".join(lines + [ln.replace(";5,", ";6,") for ln in lines[2:]]) + "\n")
    code, _, err = run_cli("read", f, "--impedance", "--spectrum", "2", "--json", tmp_path / "z.json")
    assert code == 0, err
    r = json.loads((tmp_path / "z.json").read_text())
    assert r["rows"] == 25 and r["z_real_range_ohm"][0] == pytest.approx(6.0, abs=1e-3)
    code, _, err = run_cli("read", f, "--impedance")
    assert code == 2 and "2 frequency sweeps" in err


@pytest.mark.parametrize("args, message", [
    (("read", "missing.mpt"), "missing.mpt: file not found"),
    (("read", DATA / "chi_eis.txt"), "looks like an impedance spectrum"),
    (("read", DATA / "biologic_gcpl.mpt", "--columns", "speed=v"), "option --columns: unknown key 'speed'"),
    (("read", DATA / "biologic_gcpl.mpt", "--instrument", "keithley"), "unknown instrument 'keithley'"),
    (("read", DATA / "biologic_gcpl.mpt", "--mass-mg", "-2"), "parameter '--mass-mg'"),
])
def test_read_errors_are_one_line_exit_2(run_cli, args, message):
    code, out, err = run_cli(*args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("name, content, message", [
    ("junk.nda", b"NEWARE" + b"\x00" * 8 + bytes([77]) + b"\x00" * 300, "damaged or unsupported Neware file"),
    ("junk.mpr", b"BIO-LOGIC MODULAR FILE" + b"\x00" * 100, "damaged or unsupported .mpr file"),
    ("junk.DTA", b"EXPLAIN\nTAG\tCV\n", "no CURVE table"),
])
def test_read_damaged_binaries_one_line(run_cli, tmp_path, name, content, message):
    f = tmp_path / name
    f.write_bytes(content)
    code, _, err = run_cli("read", f)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_columns_help_shows_the_unit_syntax(run_cli):
    # the error for a unit-less header suggests KEY=HEADER@UNIT: the help must show it too
    code, out, _ = run_cli("read", "--help")
    assert code == 0 and "current=I@mA" in " ".join(out.split()).replace("│ ", "").replace(" │", "")
