"""MCR-ALS of a two-component operando series with known concentration profiles."""

import numpy as np
import pytest

from interstore.spectra.mcr import resolve
from interstore.spectra.series import SpectrumSeries
from interstore.spectra.synthetic import lorentzian


def test_mcr_recovers_two_components_and_their_return(capsys):
    x = np.linspace(700, 1050, 351)
    s1 = lorentzian(x, 3000.0, 880.0, 25.0) + lorentzian(x, 800.0, 995.0, 15.0)  # pristine: V–O–C band
    s2 = lorentzian(x, 2500.0, 840.0, 35.0) + lorentzian(x, 800.0, 1005.0, 15.0)  # discharged: shifted bands
    t = np.linspace(0, 7200, 41)
    depth = np.where(t <= 3600, t / 3600, 1 - 0.9 * (t - 3600) / 3600)  # 90 % comes back
    c2 = depth  # fully converted at the end of discharge: both pure spectra occur, so MCR is unique
    rng = np.random.default_rng(5)
    y = np.array([(1 - c) * s1 + c * s2 + rng.normal(0, 0.2, x.size) for c in c2])
    soc = 1 - np.where(t <= 3600, t / 3600, 1 - (t - 3600) / 3600)
    res = resolve(SpectrumSeries(x, y, t, "Raman", "synthetic", soc=soc), 2)
    # match components by their correlation with the true spectra
    k2 = int(np.argmax([np.corrcoef(s, s2)[0, 1] for s in res.spectra]))
    assert np.corrcoef(res.spectra[k2], s2)[0, 1] > 0.99
    np.testing.assert_allclose(res.concentrations[:, k2], c2, atol=0.03)
    rec = res.recovery()[k2]
    assert rec["end_of_discharge"] == pytest.approx(1.0, abs=0.03)
    assert rec["returned_fraction"] == pytest.approx(0.9, abs=0.05)
    # what is left is the noise: LOF = 100·‖noise‖/‖D‖ (σ = 0.2 counts per point)
    assert res.lack_of_fit_pct == pytest.approx(100 * 0.2 * np.sqrt(y.size) / np.linalg.norm(y), rel=0.1)
    assert capsys.readouterr().out == ""  # pymcr's progress prints are kept off the terminal
