"""EELS V L2,3 on model spectra of known edge positions, areas and background (Poisson counts),
the EMSA/MAS reader on files laid out as ISO 22029 specifies, and the CLI against the Python API.

The reference line used here (V L3 at 512.4 eV + 1.0 eV × valence) is this test's own choice of
known answer, not a physical calibration: interstore ships none (see interstore.spectra.eels)."""

import json

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.spectra.eels import analyse_v_l23, power_law_background
from interstore.spectra.readers import detect_format, read_spectrum
from interstore.spectra.synthetic import eels_v_l23


def l3_of(valence: float) -> float:
    return 512.4 + 1.0 * valence


@pytest.mark.parametrize("l3, ratio, seed", [(515.4, 1.1, 1), (516.4, 1.2, 2), (517.4, 1.35, 3)])
def test_edge_positions_ratio_and_background_recovered(l3, ratio, seed):
    res = analyse_v_l23(eels_v_l23(l3, l3_l2_ratio=ratio, spin_orbit_eV=7.2, background_r=3.0, seed=seed))
    assert res.background.r == pytest.approx(3.0, abs=0.08)
    assert res.l3_peak_eV == pytest.approx(l3, abs=0.05)
    assert res.l2_peak_eV == pytest.approx(l3 + 7.2, abs=0.1)
    assert res.l3_l2_ratio == pytest.approx(ratio, abs=0.12)
    assert abs(res.l3_l2_ratio - ratio) < 3 * res.l3_l2_ratio_sigma
    assert l3 - 2.5 < res.l3_onset_eV < l3 - 1.0  # 10 % of a ≈ 1.6 eV wide line, on its rising side


def test_power_law_exponent_of_a_pure_background():
    e = np.linspace(450.0, 520.0, 701)
    from interstore.spectra.record import Spectrum

    bg = power_law_background(Spectrum(e, 1e13 * e ** -3.4, "EELS", "pure power law"), (460, 500))
    assert (bg.r, bg.A) == (pytest.approx(3.4, rel=1e-9), pytest.approx(1e13, rel=1e-7))


@pytest.mark.parametrize("valence", [3.6, 4.4])
def test_valence_from_three_references_within_0_1(valence):
    refs = {name: (v, analyse_v_l23(eels_v_l23(l3_of(v), seed=10 + k)).l3_peak_eV)
            for k, (name, v) in enumerate([("V2O3", 3.0), ("VO2", 4.0), ("V2O5", 5.0)])}
    res = analyse_v_l23(eels_v_l23(l3_of(valence), seed=7)).with_valence(refs)
    assert res.valence.slope_eV == pytest.approx(1.0, abs=0.05)
    assert res.valence.valence == pytest.approx(valence, abs=0.1)
    assert 0 < res.valence.valence_sigma < 0.3


def test_bad_windows_are_input_errors():
    s = eels_v_l23(516.4)
    with pytest.raises(InputError, match="pre-edge window"):
        analyse_v_l23(s, background_window=(300, 400))
    with pytest.raises(InputError, match="ends inside the pre-edge window"):
        analyse_v_l23(s, background_window=(480, 508), fit_window=(470, 500))


def emsa(spectrum, *, datatype="Y", drop=()):
    """ISO 22029 layout as DigitalMicrograph writes it: CRLF, keyword lines, ``#SPECTRUM``, values, end marker."""
    head = {"FORMAT": "EMSA/MAS Spectral Data File", "VERSION": "1.0", "TITLE": "V2O5 flake",
            "NPOINTS": f"{spectrum.x.size}", "NCOLUMNS": "1", "XUNITS": "eV", "YUNITS": "counts",
            "DATATYPE": datatype, "XPERCHAN": "0.1", "OFFSET": f"{spectrum.x[0]:.1f}", "SIGNALTYPE": "ELS",
            "BEAMKV   -kV": "200.0"}
    lines = [f"#{k:<12}: {v}" for k, v in head.items() if k not in drop] + ["#SPECTRUM    : Spectral Data Starts Here"]
    if datatype == "XY":
        lines += [f"{x:.2f}, {y:.0f}" for x, y in zip(spectrum.x, spectrum.y)]
    else:
        lines += [", ".join(f"{y:.0f}" for y in spectrum.y[i:i + 5]) + "," for i in range(0, spectrum.y.size, 5)]
    return "\r\n".join(lines + ["#ENDOFDATA   : End Of Data and File"]) + "\r\n"


@pytest.mark.parametrize("datatype", ["Y", "XY"])
def test_emsa_reader_both_layouts(tmp_path, datatype):
    s = eels_v_l23(517.4, seed=4)
    p = tmp_path / "v2o5.txt"  # sniffed by content, not by suffix
    p.write_bytes(emsa(s, datatype=datatype).encode("ascii"))
    assert detect_format(p) == "emsa"
    got = read_spectrum(p)
    assert (got.technique, got.name, got.meta["signal_type"]) == ("EELS", "V2O5 flake", "ELS")
    np.testing.assert_allclose(got.x, s.x, atol=1e-6)
    np.testing.assert_allclose(got.y, s.y)


def test_emsa_errors_are_one_line(tmp_path):
    s = eels_v_l23(517.4)
    p = tmp_path / "no_axis.msa"
    p.write_text(emsa(s, drop=("XPERCHAN",)), encoding="ascii")
    with pytest.raises(InputError, match="#XPERCHAN"):
        read_spectrum(p)
    q = tmp_path / "bad.msa"
    q.write_text(emsa(s).replace("Starts Here\r\n", "Starts Here\r\n12, 1O3,\r\n"), encoding="ascii")
    with pytest.raises(InputError, match="line 14.*'1O3' is not a number"):
        read_spectrum(q)


def test_eels_cli_matches_python_api(run_cli, tmp_path):
    paths = {}
    for v in (3.0, 4.0, 5.0, 4.4):
        s = eels_v_l23(l3_of(v), seed=int(10 * v))
        paths[v] = tmp_path / f"v{v}.msa"
        paths[v].write_text(emsa(s), encoding="ascii")
    code, out, err = run_cli("spectra", "eels", paths[4.4], "--ref", f"{paths[3.0]}=3", "--ref", f"{paths[4.0]}=4",
                             "--ref", f"{paths[5.0]}=5", "--json", tmp_path / "e.json", "--out", tmp_path)
    assert code == 0, err
    got = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    refs = {str(paths[v]): (v, analyse_v_l23(read_spectrum(paths[v])).l3_peak_eV) for v in (3.0, 4.0, 5.0)}
    api = analyse_v_l23(read_spectrum(paths[4.4])).with_valence(refs)
    assert got["valence"]["valence"] == pytest.approx(api.valence.valence, rel=1e-12)
    assert got["valence"]["valence"] == pytest.approx(4.4, abs=0.1)
    assert "mean V valence" in out and (tmp_path / "eels.png").stat().st_size > 5000
    code, _, err = run_cli("spectra", "eels", paths[4.4], "--ref-energy", "5")
    assert code == 2 and err.count("\n") == 1 and "--ref-energy" in err
