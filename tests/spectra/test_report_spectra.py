"""The report's spectra section escapes user strings from the [spectra] manifest section."""

import json
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo_study"


def test_spectra_feature_names_are_escaped(tmp_path):
    from interstore.report.build import build_report

    text = (DEMO / "study.toml").read_text(encoding="utf-8")
    text = text.replace('"data/', f'"{DEMO}/data/').replace('config = "cell.toml"', f'config = "{DEMO}/cell.toml"')
    text = text.replace('feature = "V–O–C band"', 'feature = "<script>alert(1)</script>"')
    text = text[:text.index("[simulation]")] + text[text.index("[ledger]"):]  # no simulation: faster
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    written = build_report(tmp_path / "s.toml", tmp_path / "out")
    page = written["report.html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    report = json.loads(written["report.json"].read_text(encoding="utf-8"))
    assert report["spectra"]["records"][0]["feature"].startswith("<script>")  # JSON keeps the user's text


def _minimal(tmp_path, spectra: str) -> Path:
    head = (DEMO / "study.toml").read_text(encoding="utf-8")
    head = head[:head.index("[data]")]
    p = tmp_path / "s.toml"
    p.write_text(head + spectra, encoding="utf-8")
    return p


def test_xas_section_is_validated_and_analysed(tmp_path):
    import pytest

    from interstore.errors import InputError
    from interstore.evidence.manifest import load_study
    from interstore.study import analyse_study
    from interstore.spectra.synthetic import xanes_reference

    for name, h in (("p", 0.4), ("d", 0.2)):
        s = xanes_reference(5481.0, pre_edge_eV=5469.0, pre_edge_height=h)
        (tmp_path / f"{name}.csv").write_text("".join(f"{x},{y}\n" for x, y in zip(s.x, s.y)), encoding="utf-8")
    with pytest.raises(InputError, match=r"spectra.xas\[0\]"):
        load_study(_minimal(tmp_path, '[[spectra.xas]]\ndischarged = "d.csv"\npristine = "p.csv"\nfeature = "valence"\n'))
    with pytest.raises(InputError, match=r"spectra.xas\[0\].pristine.*file not found"):
        load_study(_minimal(tmp_path, '[[spectra.xas]]\ndischarged = "d.csv"\npristine = "nope.csv@V"\n'))
    res = analyse_study(_minimal(tmp_path, '[[spectra.xas]]\ndischarged = "d.csv"\npristine = "p.csv"\n'),
                        simulate=False)
    (rec,) = res.spectra.records
    assert rec.technique == "XANES" and rec.change_on_discharge == pytest.approx(-0.5, abs=0.05)
    # the pre-edge follows the V redox state: supporting evidence, not interfacial bond tracking
    tracked = next(r for r in res.verdict.reasons if r.rule.startswith("reversible interfacial"))
    redox = next(r for r in res.verdict.reasons if r.rule.startswith("V redox state"))
    assert tracked.met is False and redox.met is True and "XANES (ex situ)" in redox.detail


def test_eels_section_gives_an_eels_record_of_the_valence(tmp_path):
    import pytest

    from interstore.errors import InputError
    from interstore.evidence.manifest import load_study
    from interstore.spectra.synthetic import eels_v_l23
    from interstore.study import analyse_study

    # test line: V L3 at 512.4 eV + 1.0 eV × valence; pristine V⁵⁺-rich 4.8, discharged 4.2, charged 4.7
    for name, v in (("v3", 3.0), ("v5", 5.0), ("p", 4.8), ("d", 4.2), ("c", 4.7)):
        s = eels_v_l23(512.4 + v, seed=int(10 * v))
        (tmp_path / f"{name}.csv").write_text("".join(f"{x},{y}\n" for x, y in zip(s.x, s.y)), encoding="utf-8")
    states = 'discharged = "d.csv"\npristine = "p.csv"\ncharged = "c.csv"\n'
    with pytest.raises(InputError, match=r"spectra.eels\[0\]"):
        load_study(_minimal(tmp_path, f'[[spectra.eels]]\n{states}feature = "valence"\n'))
    res = analyse_study(_minimal(tmp_path, f'[[spectra.eels]]\n{states}feature = "valence"\n'
                                           'references = ["v3.csv", "v5.csv"]\nvalences = [3, 5]\n'), simulate=False)
    (rec,) = res.spectra.records
    assert rec.technique == "EELS" and rec.tracks == "redox state"
    # Δ = (4.2 − 4.8)/4.8 = −0.125; RI = (4.7 − 4.2)/(4.8 − 4.2) = 0.83
    assert rec.change_on_discharge == pytest.approx(-0.125, abs=0.02)
    assert rec.reversibility_index == pytest.approx(0.83, abs=0.2)
    redox = next(r for r in res.verdict.reasons if r.rule.startswith("V redox state"))
    assert redox.met is True and "EELS (ex situ)" in redox.detail
    assert res.spectra.to_dict()["eels"][0]["states"]["discharged"]["valence"]["valence"] == pytest.approx(4.2, abs=0.1)


def test_report_shows_mcr_of_the_operando_series(tmp_path):
    """The demo's simulated series (band area to 60 % on discharge, back to 92 %: RI 0.80) resolved in two
    components: the profiles come back by the same fraction, shown with units in a table and two figures."""
    import pytest

    from interstore.report.build import build_report

    text = (DEMO / "study.toml").read_text(encoding="utf-8")
    text = text.replace('"data/', f'"{DEMO}/data/').replace('config = "cell.toml"', f'config = "{DEMO}/cell.toml"')
    text = text[:text.index("[simulation]")] + text[text.index("[ledger]"):]
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    written = build_report(tmp_path / "s.toml", tmp_path / "out")
    report = json.loads(written["report.json"].read_text(encoding="utf-8"))
    mcr = report["spectra"]["operando"][0]["mcr"]
    assert mcr["n_components"] == 2 and mcr["lack_of_fit_pct"] < 5
    pristine = max(mcr["recovery"], key=lambda r: r["start"])
    assert pristine["start"] > 0.9 and pristine["end_of_discharge"] < 0.1
    assert pristine["returned_fraction"] == pytest.approx(0.80, abs=0.05)
    page = written["report.html"].read_text(encoding="utf-8")
    assert "MCR-ALS of Raman (operando), 2 components" in page and "returns after charge (≥ 0.80, ours)" in page
    assert "MCR-ALS concentration profiles" in page and "concentration (–, components sum to 1)" in page
    assert "MCR-ALS component spectra" in page and "Raman shift (cm⁻¹)" in page
