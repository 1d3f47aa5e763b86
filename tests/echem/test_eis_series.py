"""Series fits: the 4 sweeps of the real EC-Lab file peis.issue_149.mpt, each checked against an
independent impedance.py fit of that sweep alone, and a folder of synthetic spectra whose
charge-transfer resistance changes with the cycle number in the file name."""

from __future__ import annotations

import json
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
