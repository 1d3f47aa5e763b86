"""The report's impedance section states the Lin-KK verdict and withholds D from a failing spectrum."""

from __future__ import annotations

import json


def test_report_states_lin_kk_verdict(minimal_study, shared_data, tmp_path):
    from interstore.report.build import build_report

    path = shared_data / "eis" / "exampleDataBioLogic.mpt"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    study = minimal_study(extra=f'\n[data]\ninstrument = "biologic"\neis = "{path}"\n')
    build_report(study, tmp_path / "out")
    rep = json.loads((tmp_path / "out" / "report.json").read_text())
    kk = rep["eis"]["kramers_kronig"]
    assert kk["verdict"] == "fail" and kk["max_residual_pct_of_abs_Z"] > 2.0  # 7.26 %, test_kramers_kronig
    assert rep["eis"]["D_withheld_by_kk"] and rep["eis"]["weighting"] == "modulus"
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Lin-KK validity: <b>fail</b>" in html and "no diffusion coefficient is reported" in html
