"""Areal basis: area and mass loading beside the three mass bases.

Independent numbers: a 1 mA discharge lasting 1 h holds 1 mAh (and 1 mA × mean V × 1 h of energy);
on 0.5 cm² that is 2 mAh cm⁻², 2 mA cm⁻²; with 1 mg of active oxide the loading is 2 mg cm⁻².
Every areal value must equal mass-specific × loading / 1000 in the CLI, the JSON and the report.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from test_galvanostatic import V_HI, V_LO, synthetic_cycles

from interstore.errors import InputError
from interstore.massbasis import BASES, ElectrodeMasses

REPO = Path(__file__).resolve().parents[2]


def test_area_from_loading_and_consistency():
    m = ElectrodeMasses(1e-3, 0.25e-3, 0.25e-3)
    assert m.areal(1.0) is None and m.loading_mg_cm2() is None and m.low_loading_note is None
    a = m.with_area(loading_mg_cm2=2.0)
    assert a.area_cm2 == pytest.approx(0.5)
    assert [a.loading_mg_cm2(b) for b in BASES] == pytest.approx([2.0, 2.5, 3.0])
    assert m.with_area(area_cm2=0.5, loading_mg_cm2=2.01).area_cm2 == 0.5  # within 1 %
    with pytest.raises(InputError, match="area and loading"):
        m.with_area(area_cm2=0.5, loading_mg_cm2=3.0)
    with pytest.raises(InputError, match="area"):
        m.with_area(area_cm2=-1.0)
    assert m.with_area(area_cm2=2.0).low_loading_note.startswith("active loading 0.5 mg cm⁻² < 1 mg cm⁻²")


def _write(measurement, path):
    import pandas as pd

    pd.DataFrame({"time/s": measurement.time_s, "Ewe/V": measurement.potential_V,
                  "I/mA": 1e3 * measurement.current_A, "cycle number": measurement.cycle}).to_csv(path, index=False)
    return path


def _numbers(text):
    return {float(x) for x in re.findall(r"\d+\.\d+|\d+", text)}


def test_cli_and_json_areal_equal_specific_times_loading(run_cli, tmp_path):
    path = _write(synthetic_cycles([(1e-3, 3600.0, 3700.0)] * 2, with_cycle_column=True), tmp_path / "gcd.csv")
    code, out, err = run_cli("gcd", "analyze", path, "--mass-mg", "1", "--substrate-mg", "0.25", "--electrode-mg",
                             "1.5", "--area-cm2", "0.5", "--json", tmp_path / "r.json", "--out", tmp_path / "o")
    assert code == 0, err
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["areal_basis"]["area_cm2"] == 0.5 and r["areal_basis"]["low_loading_note"] is None
    loading = r["areal_basis"]["loading_mg_cm2"]
    assert loading == pytest.approx({"active": 2.0, "composite": 2.5, "electrode": 3.0})
    c = r["cycles"][0]
    # independent: 1 mAh, 1 mA, E = 1 mA x mean V x 1 h on 0.5 cm2
    assert c["discharge_capacity_mAh_cm2"] == pytest.approx(2.0, rel=1e-3)
    assert c["current_density_mA_cm2"] == pytest.approx(2.0, rel=1e-9)
    assert c["energy_mWh_cm2"] == pytest.approx((V_HI + V_LO) / 2 / 0.5, rel=1e-3)
    for b in BASES:  # areal = specific x loading / 1000 on every basis
        assert c["discharge_capacity_mAh_g"][b] * loading[b] / 1000 == pytest.approx(c["discharge_capacity_mAh_cm2"])
        assert c["energy_Wh_kg"][b] * loading[b] / 1000 == pytest.approx(c["energy_mWh_cm2"])
        assert c["current_density_A_g"][b] * loading[b] == pytest.approx(c["current_density_mA_cm2"])
    s = r["rate_steps"][0]
    assert s["discharge_capacity_mAh_cm2"] == pytest.approx(s["discharge_capacity_mAh_g"]["active"] * 2.0 / 1000)
    flat = " ".join(out.split())
    assert flat.count("loading 2 mg cm⁻² active") >= 3  # every table with a specific capacity
    assert "Rate steps per cm² of electrode" in flat
    assert re.search(r"┃ i \(mA +┃.*\n┃ step +┃ cm⁻²\) ", out)       # the header wraps between words only
    # the printed areal capacity is the JSON value to the 4 significant digits of the table
    assert float(f"{c['discharge_capacity_mAh_cm2']:.4g}") in _numbers(out)
    assert "not comparable" not in flat + err
    import pandas as pd

    table = pd.read_csv(tmp_path / "o" / "gcd_cycles.csv")
    assert table["discharge_capacity_mAh_cm2"].iloc[0] == pytest.approx(c["discharge_capacity_mAh_cm2"])


def test_cli_low_loading_note_and_bad_options(run_cli, tmp_path):
    path = _write(synthetic_cycles([(1e-3, 3600.0, 3700.0)], with_cycle_column=True), tmp_path / "gcd.csv")
    code, out, err = run_cli("gcd", "analyze", path, "--mass-mg", "1", "--loading-mg-cm2", "0.4")
    assert code == 0, err
    flat = " ".join((out + err).split())   # the note is a warning: stderr
    assert "not comparable with practical electrodes" in flat and "loading 0.4 mg cm⁻² active" in flat
    code, _, err = run_cli("gcd", "analyze", path, "--mass-mg", "1", "--loading-mg-cm2", "0.4", "--area-cm2", "1")
    assert code == 2 and "area and loading" in err and len(err.strip().splitlines()) == 1


def test_report_areal_equals_specific_times_loading(tmp_path):
    from interstore.report.build import build_report

    study = tmp_path / "demo"
    shutil.copytree(REPO / "examples" / "demo_study", study)
    toml = study / "study.toml"
    toml.write_text(toml.read_text().replace("[electrode]\n", "[electrode]\narea_cm2 = 2.0\n"))
    build_report(toml, tmp_path / "out")
    rep = json.loads((tmp_path / "out" / "report.json").read_text())
    areal = rep["areal_basis"]
    assert areal["area_cm2"] == 2.0
    assert areal["loading_mg_cm2"]["active"] == pytest.approx(rep["masses_mg"]["active"] / 2.0)
    assert areal["low_loading_note"] is not None  # 1 mg on 2 cm2
    assert rep["rates"]
    for p in rep["rates"]:
        assert p["discharge_capacity_mAh_cm2"] == pytest.approx(
            p["discharge_capacity_mAh_g"]["active"] * areal["loading_mg_cm2"]["active"] / 1000)
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Q (mAh cm⁻²)" in html and "not comparable with practical electrodes" in html
    first = rep["rates"][0]["discharge_capacity_mAh_cm2"]
    assert f"{first:.4g}" in html
    assert np.isfinite(first)


def test_manifest_inconsistent_area_and_loading_is_one_line(run_cli, tmp_path):
    from interstore.evidence.manifest import load_study

    study = tmp_path / "demo"
    shutil.copytree(REPO / "examples" / "demo_study", study)
    toml = study / "study.toml"
    toml.write_text(toml.read_text().replace("[electrode]\n", "[electrode]\narea_cm2 = 2.0\n"
                                                              "active_loading_mg_cm2 = 5.0\n"))
    with pytest.raises(InputError, match="electrode.area_cm2"):
        load_study(toml)
