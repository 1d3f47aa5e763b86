"""Series fits: the 4 sweeps of the real EC-Lab file peis.issue_149.mpt, each checked against an
independent impedance.py fit of that sweep alone, and a folder of synthetic spectra whose
charge-transfer resistance changes with the cycle number in the file name."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from interstore.echem.eis_series import fit_series, number_in_name, spectra_from_folder
from interstore.echem.record import ImpedanceSpectrum
from interstore.errors import InputError

CIRCUIT = "R0-p(R1-W1,CPE1)"
# independent impedance.py fits (modulus weighting) of each sweep, rounded: R0 Ω, R1 Ω, CPE1_0 F s^(a-1), CPE1_1
PINNED = [(12.16, 85.4, 4.45e-5, 0.672), (12.11, 83.8, 4.31e-5, 0.675),
          (12.02, 82.9, 4.20e-5, 0.677), (11.97, 82.2, 4.11e-5, 0.680)]


def independent_fit(spectrum):
    from impedance.models.circuits import CustomCircuit

    model = CustomCircuit(CIRCUIT, initial_guess=[10.0, 80.0, 50.0, 5e-5, 0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(spectrum.frequency_Hz, spectrum.z_complex_ohm, weight_by_modulus=True)
    return np.asarray(model.parameters_), np.asarray(model.conf_)


def test_four_sweeps_of_peis_issue_149(shared_data):
    from interstore.echem.readers import read_impedance_sweeps

    path = shared_data / "eis" / "peis.issue_149.mpt"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    spectra = read_impedance_sweeps(path)
    assert [s.frequency_Hz.size for s in spectra] == [21, 21, 21, 21]
    series = fit_series(spectra, [1, 2, 3, 4], "randles-cpe")
    frame = series.table()
    assert list(frame["sweep"]) == [1, 2, 3, 4]
    for k, (fit, spectrum) in enumerate(zip(series.fits, spectra)):
        ref, ref_err = independent_fit(spectrum)
        # the same optimum as impedance.py alone, to a tenth of its standard error
        assert np.all(np.abs(fit.values - ref) <= 0.1 * ref_err), k
        r0, r1, q, a = PINNED[k]
        assert fit.parameter("R0") == pytest.approx(r0, abs=0.01)
        assert fit.parameter("R1") == pytest.approx(r1, abs=0.1)
        assert fit.parameter("CPE1_0") == pytest.approx(q, rel=0.005)
        assert fit.parameter("CPE1_1") == pytest.approx(a, abs=0.001)
        assert fit.kk.verdict == "pass"
    assert np.all(np.diff(frame["R1"]) < 0)  # R_ct falls from sweep to sweep in this file


def _write(spectrum, path):
    pd.DataFrame({"freq/Hz": spectrum.frequency_Hz, "Re(Z)/Ohm": spectrum.z_real_ohm,
                  "-Im(Z)/Ohm": -spectrum.z_imag_ohm}).to_csv(path, index=False)


def randles_cpe(r1, seed):
    f = np.logspace(5, -2, 50)
    w = 2 * np.pi * f
    zf = r1 + 30.0 * (1 - 1j) / np.sqrt(w)
    zc = 1 / (3e-5 * (1j * w) ** 0.85)
    z = 5.0 + zf * zc / (zf + zc)
    rng = np.random.default_rng(seed)
    z = z * (1 + 0.002 * rng.standard_normal(f.size))
    return ImpedanceSpectrum(f, z.real, z.imag, source=f"seed{seed}")


def test_folder_series_follows_r_ct_with_cycle_number(run_cli, tmp_path):
    r1_by_cycle = {1: 40.0, 10: 55.0, 50: 80.0, 100: 120.0}
    folder = tmp_path / "spectra"
    folder.mkdir()
    for cycle, r1 in r1_by_cycle.items():  # written in an order unlike the numeric one
        _write(randles_cpe(r1, cycle), folder / f"cell3_cycle_{cycle:03d}.csv")
    code, out, err = run_cli("eis", "series", folder, "--x-name", "cycle", "--json", tmp_path / "s.json",
                             "--out", tmp_path / "o")
    assert code == 0, err
    r = json.loads((tmp_path / "s.json").read_text())
    assert [s["cycle"] for s in r["spectra"]] == [1, 10, 50, 100]
    r1 = [next(p["value"] for p in s["parameters"] if p["name"] == "R1") for s in r["spectra"]]
    assert r1 == pytest.approx(list(r1_by_cycle.values()), rel=0.03)
    flat = " ".join(out.split())  # titles wrap at the terminal width
    assert "warm-started" in flat and "modulus weighting" in flat
    table = pd.read_csv(tmp_path / "o" / "eis_series.csv")
    assert list(table["cycle"]) == [1, 10, 50, 100] and "R1_stderr" in table
    assert (tmp_path / "o" / "eis_series.png").exists()


def test_warm_start_is_used():
    spectra = [randles_cpe(40.0, 1), randles_cpe(42.0, 2)]
    series = fit_series(spectra, [1, 2], "randles-cpe", kk_check=False)
    again = fit_series(spectra[1:], [2], "randles-cpe", kk_check=False)
    assert series.fits[1].values == pytest.approx(again.fits[0].values, rel=1e-3)


def test_file_names_and_bad_folders(tmp_path):
    from pathlib import Path

    assert number_in_name(Path("E_0.85V.csv")) == 0.85 and number_in_name(Path("cycle_050.mpt")) == 50
    assert number_in_name(Path("spectrum.csv")) is None
    (tmp_path / "a.csv").write_text("x")
    with pytest.raises(InputError, match="no number in the file name"):
        spectra_from_folder(tmp_path, lambda p: None)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no spectrum files"):
        spectra_from_folder(tmp_path / "empty", lambda p: None)
    with pytest.raises(InputError, match="one x value"):
        fit_series([], [])


# ---------------------------------------------------------------- x = each sweep's mean DC potential
def mpt_table(path):
    """The data table of an EC-Lab .mpt read by pandas alone, and the settings lines above it."""
    lines = path.read_text(encoding="latin-1").splitlines()
    n = int(lines[1].split(":")[1])
    return pd.read_csv(path, sep="\t", skiprows=n - 1, encoding="latin-1", index_col=False), lines[:n - 1]


def test_series_against_the_dc_potential_of_each_sweep(shared_data, run_cli, tmp_path):
    """peis.issue_149.mpt logs <Ewe>/V with every frequency: x is each loop's mean of that column
    (loops as the file's header states them: points 0-20, 21-41, 42-62, 63-83)."""
    from interstore.echem.readers import read_impedance_sweeps

    path = shared_data / "eis" / "peis.issue_149.mpt"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    table, settings = mpt_table(path)
    loops = [tuple(map(int, re.findall(r"\d+", line)[1:])) for line in settings if line.startswith("Loop ")]
    assert loops == [(0, 20), (21, 41), (42, 62), (63, 83)]
    expected = [table["<Ewe>/V"].iloc[a:b + 1].mean() for a, b in loops]
    assert expected == pytest.approx([3.4221, 3.4308, 3.4362, 3.4403], abs=5e-5)  # rises 18 mV over the run
    series = fit_series(read_impedance_sweeps(path), circuit="randles-cpe")
    assert series.x_name == "E (V)" and series.x == pytest.approx(expected, abs=1e-9)
    assert "reference not stated" in series.x_label and series.reference_electrode is None
    frame = series.table()
    assert list(frame["sweep"]) == [1, 2, 3, 4]
    assert list(frame["E_dc_min_V"]) == pytest.approx([table["<Ewe>/V"].iloc[a:b + 1].min() for a, b in loops])
    for k, fit in enumerate(series.fits):  # the same fits as against the sweep number
        r0, r1, _, _ = PINNED[k]
        assert fit.parameter("R0") == pytest.approx(r0, abs=0.01) and fit.parameter("R1") == pytest.approx(r1, abs=0.1)
    code, out, err = run_cli("eis", "series", path, "--json", tmp_path / "s.json", "--out", tmp_path / "o")
    assert code == 0, err
    r = json.loads((tmp_path / "s.json").read_text())
    assert r["x_name"] == "E (V)" and "potential the file logs" in r["x_source"]
    assert [s["E (V)"] for s in r["spectra"]] == pytest.approx(expected, abs=1e-9)
    assert "mean DC potential E (V; reference not stated in the file)" in " ".join(out.split())
    assert list(pd.read_csv(tmp_path / "o" / "eis_series.csv")["E (V)"]) == pytest.approx(expected, abs=1e-9)


def test_reference_electrode_named_by_the_file(shared_data):
    from interstore.echem.readers import read_impedance

    path = shared_data / "eis" / "peis.mpt"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    table, settings = mpt_table(path)
    assert "Reference electrode : SCE Saturated Calomel Electrode (0.241 V)" in [s.strip() for s in settings]
    spectrum = read_impedance(path)
    assert spectrum.reference_electrode == "SCE Saturated Calomel Electrode (0.241 V)"
    assert spectrum.dc_potential_V == pytest.approx(table["<Ewe>/V"].mean(), abs=1e-12)
    series = fit_series([spectrum], circuit="randles", kk_check=False)
    assert series.x_label == "mean DC potential E (V vs SCE Saturated Calomel Electrode (0.241 V))"


def test_gamry_vdc_and_geis_potentials(shared_data):
    from interstore.echem.readers import read_impedance, read_impedance_sweeps

    path = shared_data / "eis" / "exampleDataGamry.DTA"
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    lines = path.read_text(encoding="latin-1").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("ZCURVE"))
    zcurve = pd.read_csv(path, sep="\t", skiprows=[*range(at + 1), at + 2], encoding="latin-1")
    assert read_impedance(path).potential_V.tolist() == zcurve["Vdc"].tolist()
    geis = read_impedance_sweeps(shared_data / "eis" / "geis.mpt")  # 0 Hz rows dropped with their potentials
    assert len(geis) == 61 and all(s.potential_V.size == s.frequency_Hz.size for s in geis)


def test_series_without_potentials_falls_back_to_the_sweep_number_and_says_so():
    series = fit_series([randles_cpe(40.0, 1), randles_cpe(44.0, 2)], circuit="randles-cpe", kk_check=False)
    assert series.x_name == "sweep" and series.x == (1.0, 2.0)
    assert series.x_source == "the sweep number: the file logs no DC potential"
    assert series.to_dict()["x_source"] == series.x_source
