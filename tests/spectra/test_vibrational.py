"""Raman band tracking against a synthetic operando series with a known answer."""

import numpy as np
import pytest

from interstore.spectra.series import link_electrochemistry
from interstore.spectra.synthetic import lorentzian, operando_band_series
from interstore.spectra.vibrational import fit_bands, reversibility, track_band
from interstore.spectra.record import Spectrum


def test_single_band_fit_recovers_position_width_and_area():
    x = np.linspace(700, 1050, 351)
    rng = np.random.default_rng(3)
    y = 50 + 0.05 * (x - 700) + lorentzian(x, 4000.0, 872.5, 28.0) + rng.normal(0, 1.0, x.size)
    fit = fit_bands(Spectrum(x, y, "Raman", "synthetic"), [880.0], window=(760, 1000))
    b = fit.band()
    assert b.center == pytest.approx(872.5, abs=0.3)
    assert b.fwhm == pytest.approx(28.0, rel=0.03)
    assert b.area == pytest.approx(4000.0, rel=0.03)
    assert 0 < b.area_sigma < 0.05 * b.area and 0 < b.center_sigma < 0.5
    assert fit.r_squared > 0.99



@pytest.mark.parametrize("shape", ["lorentzian", "voigt"])
def test_band_width_height_and_sigmas_are_those_of_lmfits_own_peak_models(shape):
    """The band model fits area, centre and σ only; its FWHM, height and FWHM σ must be what lmfit's
    LorentzianModel / VoigtModel (expression parameters, uncertainties propagation) give on the same data."""
    from lmfit.models import LorentzianModel, PolynomialModel, VoigtModel

    x = np.linspace(700, 1050, 351)
    rng = np.random.default_rng(5)
    y = 30 + lorentzian(x, 3000.0, 880.0, 24.0) + lorentzian(x, 900.0, 950.0, 16.0) + rng.normal(0, 1.5, x.size)
    fit = fit_bands(Spectrum(x, y, "Raman", "synthetic"), [880.0, 950.0], window=(780, 1020), shape=shape,
                    baseline="none")
    peak = LorentzianModel if shape == "lorentzian" else VoigtModel
    model = PolynomialModel(degree=2, prefix="bg_")
    params = model.make_params(c0=0.0, c1=0.0, c2=0.0)
    win = (x >= 780) & (x <= 1020)
    for k, c in enumerate((880.0, 950.0)):
        m = peak(prefix=f"b{k}_")
        p = m.make_params()
        p[f"b{k}_center"].set(value=c, min=c - 30, max=c + 30)
        p[f"b{k}_sigma"].set(value=10.0, min=240 / win.sum(), max=240)
        p[f"b{k}_amplitude"].set(value=max(float(np.interp(c, x, y)), 1e-12) * np.pi * 10.0, min=0)
        model, params = model + m, params + p
    ref = model.fit(y[win], params, x=x[win]).params
    for k, band in enumerate(fit.bands):
        assert band.area == pytest.approx(ref[f"b{k}_amplitude"].value, rel=1e-6)
        assert band.fwhm == pytest.approx(ref[f"b{k}_fwhm"].value, rel=1e-6)
        assert band.height == pytest.approx(ref[f"b{k}_height"].value, rel=1e-6)
        assert band.fwhm_sigma == pytest.approx(ref[f"b{k}_fwhm"].stderr, rel=1e-6)

@pytest.mark.parametrize("f_dis, f_ch, seed", [(0.6, 0.92, 1), (0.6, 0.92, 7), (0.3, 0.5, 7), (0.5, 0.95, 7)])
def test_reversibility_index_of_a_known_cycle(f_dis, f_ch, seed):
    series, echem = operando_band_series(f_discharged=f_dis, f_charged=f_ch, seed=seed)
    linked = link_electrochemistry(series, echem, mass_g=1e-3)
    assert linked.soc[0] == pytest.approx(1.0) and linked.soc.min() == pytest.approx(0.0, abs=1e-9)
    assert linked.soc[-1] == pytest.approx(1.0, abs=1e-6)  # same charge back
    assert linked.branch[1] == "discharge" and linked.branch[-2] == "charge"
    # 1e-4 A for 3600 s = 0.36 C = 0.1 mAh per mg
    assert linked.capacity_mAh_g.max() == pytest.approx(100.0, rel=1e-3)
    track = track_band(linked, 880.0, window=(760, 960))
    rev = reversibility(track.area, track.area_sigma, track.soc)
    expected_ri = (f_ch - f_dis) / (1 - f_dis)
    assert rev.index == pytest.approx(expected_ri, abs=0.03)
    assert rev.change == pytest.approx(f_dis - 1, abs=0.03)
    assert rev.recovery == pytest.approx(f_ch, abs=0.03)
    assert 0 < rev.index_sigma < 0.03
    assert abs(rev.index - expected_ri) < 3 * rev.index_sigma  # the stated σ covers the error
    # linear in charge both ways: the branches differ by (1 - f_ch)·SOC, whose mean over SOC is (1 - f_ch)/2
    assert rev.hysteresis == pytest.approx((1 - f_ch) / 2, abs=0.01)


def test_reversibility_needs_a_turning_point():
    series, echem = operando_band_series()
    linked = link_electrochemistry(series, echem)
    from interstore.errors import InputError

    with pytest.raises(InputError, match="lowest state of charge"):
        reversibility(np.arange(20.0), np.ones(20), np.linspace(1, 0, 20))
    with pytest.raises(InputError, match="no state of charge"):
        reversibility(np.arange(12.0), np.ones(12), None)
    with pytest.raises(InputError, match="outside the electrochemistry"):
        link_electrochemistry(type(series)(series.x, series.y, series.time_s + 1e5, "Raman", "s"), echem)
    assert linked.potential_V[0] == pytest.approx(1.5)


def test_band_position_shift_over_the_cycle():
    from interstore.spectra.vibrational import position_shift

    series, echem = operando_band_series(f_discharged=0.6, f_charged=0.92, center_shift_cm1=-8.0, seed=3)
    track = track_band(link_electrochemistry(series, echem), 880.0, window=(760, 960))
    pos = position_shift(track)
    assert pos["start"] == pytest.approx(880.0, abs=0.3)
    assert pos["shift_on_discharge"] == pytest.approx(-8.0, abs=0.5)
    # back with the area: (1 − 0.92)/(1 − 0.6) of the shift remains
    assert pos["shift_after_cycle"] == pytest.approx(-8.0 * 0.08 / 0.4, abs=0.5)
    assert 0 < pos["shift_on_discharge_sigma"] < 0.5
