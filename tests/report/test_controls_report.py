"""The report of a study with a [controls] section: the excess table, both ledgers side by side
and the provenance of the estimate ledger's inputs; user strings escaped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence"))
from synthetic_controls import write_study  # noqa: E402

from interstore.report.build import build_report  # noqa: E402


def test_report_shows_the_excess_with_its_interval_and_both_ledgers(tmp_path):
    study = write_study(tmp_path / "s", [40.0, 25.0, 10.0], seed=7)
    text = study.read_text().replace('name = "heterostructure electrode"', 'name = "<b>VOx|rGO</b>"')
    text += '\n[[data.gcd]]\npath = "heterostructure_1.csv"\n'
    study.write_text(text)
    written = build_report(study, tmp_path / "out")
    r = json.loads(written["report.json"].read_text())
    rows = r["controls"]["rows"]
    assert len(rows) == 3
    for row, true in zip(rows, (40.0, 25.0, 10.0)):
        e = row["interfacial_excess"]
        assert e["ci95_low_mAh_g"] <= true <= e["ci95_high_mAh_g"]
    sources = {i["input"]: i["source"] for i in r["ledger_inputs"]}
    assert sources["parasitic fraction"] == "measured" and sources["proton fraction"] == "none"
    assert "proton-only cell measures it" in next(i["detail"] for i in r["ledger_inputs"] if i["input"] == "proton fraction")
    html = written["report.html"].read_text()
    assert "Capacity ledger from controls" in html and "Estimate-based ledger beside the ledger from controls" in html
    assert "&lt;b&gt;VOx|rGO&lt;/b&gt;" in html and "<b>VOx|rGO</b>" not in html
    assert {"controls_excess.png", "excess_dqdv.png"} <= set(written)


def test_a_study_without_controls_has_no_controls_section(minimal_study, tmp_path):
    written = build_report(minimal_study(), tmp_path / "out")
    assert json.loads(written["report.json"].read_text())["controls"] is None
    assert "Capacity ledger from controls" not in written["report.html"].read_text()
