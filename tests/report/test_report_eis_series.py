"""A study whose EIS file holds several sweeps: the report fits the series against each sweep's mean
DC potential, as ``interstore eis series`` does, with the numbers pinned by tests/echem/test_eis_series.py
(potentials read from the file's <Ewe>/V column per loop; parameters from independent impedance.py fits)."""

from __future__ import annotations

import json

import numpy as np
import pytest

POTENTIAL_V = [3.4221, 3.4308, 3.4362, 3.4403]      # mean <Ewe>/V of loops 0-20, 21-41, 42-62, 63-83
R0_R1_OHM = [(12.16, 85.4), (12.11, 83.8), (12.02, 82.9), (11.97, 82.2)]


def test_report_fits_the_series_against_the_dc_potential(minimal_study, shared_data, tmp_path):
    from interstore.report.build import build_report

    path = shared_data / "eis" / "peis.issue_149.mpt"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    study = minimal_study(extra=f'\n[data]\ninstrument = "biologic"\neis = "{path}"\neis_circuit = "randles-cpe"\n')
    written = build_report(study, tmp_path / "out")
    rep = json.loads((tmp_path / "out" / "report.json").read_text())
    series = rep["eis_series"]
    assert series["x_name"] == "E (V)" and "potential the file logs" in series["x_source"]
    assert [s["E (V)"] for s in series["spectra"]] == pytest.approx(POTENTIAL_V, abs=5e-5)
    for s, (r0, r1) in zip(series["spectra"], R0_R1_OHM):
        p = {q["name"]: q["value"] for q in s["parameters"]}
        assert p["R0"] == pytest.approx(r0, abs=0.01) and p["R1"] == pytest.approx(r1, abs=0.1)
    # the single-fit section and R_s are sweep 1's
    assert {q["name"]: q["value"] for q in rep["eis"]["parameters"]}["R0"] == pytest.approx(12.16, abs=0.01)
    assert rep["r_s_ohm_used"] == pytest.approx(12.16, abs=0.01)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Impedance series</h2>" in html
    assert "<th>mean DC potential E (V; reference not stated in the file)</th>" in html
    for e in POTENTIAL_V:
        assert f"<td class=\"num\">{e:.4f}</td>" in html
    assert "eis_series.png" in written  # the figure `interstore eis series` draws: one panel per parameter


def test_series_without_potentials_is_against_the_sweep_number(minimal_study, tmp_path):
    """Two Randles–CPE sweeps (R0 = 5 Ω, R1 = 40 then 60 Ω, W1 = 30 Ω s⁻¹ᐟ², Q = 3e-5, α = 0.85) in one
    CSV without a potential column: x is the sweep number, and the fits recover R1 of each sweep."""
    from interstore.report.build import build_report

    f = np.logspace(5, -2, 50)
    w = 2 * np.pi * f
    lines = ["freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm"]
    for r1 in (40.0, 60.0):
        zf = r1 + 30.0 * (1 - 1j) / np.sqrt(w)
        zc = 1 / (3e-5 * (1j * w) ** 0.85)
        z = 5.0 + zf * zc / (zf + zc)
        lines += [f"{fi:.6g},{zi.real:.8g},{-zi.imag:.8g}" for fi, zi in zip(f, z)]
    data = tmp_path / "two_sweeps.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    study = minimal_study(extra=f'\n[data]\ninstrument = "csv"\neis = "{data}"\neis_circuit = "randles-cpe"\n')
    build_report(study, tmp_path / "out")
    series = json.loads((tmp_path / "out" / "report.json").read_text())["eis_series"]
    assert series["x_name"] == "sweep" and [s["sweep"] for s in series["spectra"]] == [1, 2]
    r1 = [{q["name"]: q["value"] for q in s["parameters"]}["R1"] for s in series["spectra"]]
    assert r1 == pytest.approx([40.0, 60.0], rel=1e-3)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<th>sweep</th><th>R0 (Ohm)</th>" in html
