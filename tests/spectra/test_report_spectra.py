"""The report's spectra section escapes user strings from the [spectra] manifest section."""

import json
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo_study"


def test_spectra_feature_names_are_escaped(tmp_path):
    from interstore.report.build import build_report

    text = (DEMO / "study.toml").read_text(encoding="utf-8")
    text = text.replace('path = "data/', f'path = "{DEMO}/data/').replace('"data/operando', f'"{DEMO}/data/operando')
    text = text.replace('"data/xps', f'"{DEMO}/data/xps').replace('config = "cell.toml"', f'config = "{DEMO}/cell.toml"')
    text = text.replace('feature = "V–O–C band"', 'feature = "<script>alert(1)</script>"')
    text = text[:text.index("[simulation]")] + text[text.index("[ledger]"):]  # no simulation: faster
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    written = build_report(tmp_path / "s.toml", tmp_path / "out")
    page = written["report.html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    report = json.loads(written["report.json"].read_text(encoding="utf-8"))
    assert report["spectra"]["records"][0]["feature"].startswith("<script>")  # JSON keeps the user's text
