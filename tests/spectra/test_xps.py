"""XPS: Shirley background and V 2p3/2 oxidation-state fractions from envelopes of known composition."""

import numpy as np
import pytest

from interstore.spectra.synthetic import xps_envelope
from interstore.spectra.xps import O1S, V2P32, fit_region, pseudo_voigt, shirley_background

REF = {c.name: c.reference_eV for c in V2P32}


def test_pseudo_voigt_is_area_normalised():
    x = np.linspace(480, 560, 200001)
    for eta in (0.0, 0.3, 1.0):
        area = np.trapezoid(pseudo_voigt(x, 517.0, 1.3, eta), x)
        # the Lorentzian part inside [480, 560]: (atan(37/γ) + atan(43/γ))/π with γ = FWHM/2
        inside = (np.arctan(37 / 0.65) + np.arctan(43 / 0.65)) / np.pi
        assert area == pytest.approx(eta * inside + (1 - eta), abs=1e-6)


def test_shirley_recovers_a_step_proportional_to_the_peak_area():
    x = np.linspace(510, 522, 241)
    peak = 5000 * pseudo_voigt(x, 516.0, 1.2, 0.0)
    step = 0.1 * np.concatenate([[0], np.cumsum(0.5 * (peak[1:] + peak[:-1]) * np.diff(x))])
    bg = shirley_background(x, 200 + step + peak)
    np.testing.assert_allclose(bg, 200 + step, atol=0.5)


@pytest.mark.parametrize("f5, f4, f3", [(0.7, 0.3, 0.0), (0.4, 0.45, 0.15), (0.2, 0.8, 0.0), (1.0, 0.0, 0.0)])
def test_v2p_fractions_and_valence_from_known_envelopes(f5, f4, f3):
    fractions = {"V5+": f5, "V4+": f4, "V3+": f3}
    shift = 0.35  # charging: the whole region moved, spacings kept
    spec = xps_envelope(fractions, {k: v + shift for k, v in REF.items()}, seed=11)
    fit = fit_region(spec, "V2p3/2")
    for name, f in fractions.items():
        assert fit.fraction(name) == pytest.approx(f, abs=0.03), name
    assert fit.shift_eV == pytest.approx(shift, abs=0.05)
    assert fit.fwhm_eV == pytest.approx(1.3, abs=0.05)
    valence = 5 * f5 + 4 * f4 + 3 * f3
    assert fit.mean_valence == pytest.approx(valence, abs=0.05)
    assert 0 < fit.mean_valence_sigma < 0.05
    assert fit.to_dict()["components"][0]["name"] == "V5+"


def test_o1s_components():
    ref = {c.name: c.reference_eV for c in O1S}
    fractions = {"lattice O": 0.6, "OH": 0.2, "C–O / V–O–C": 0.15, "H2O": 0.05}
    spec = xps_envelope(fractions, ref, lo=526.0, hi=537.0, fwhm_eV=1.4, seed=2)
    fit = fit_region(spec, "O1s", fwhm_eV=1.4)
    for name, f in fractions.items():
        assert fit.fraction(name) == pytest.approx(f, abs=0.03), name
    assert fit.mean_valence is None


def test_tougaard_background_of_a_tougaard_loss_tail():
    """A peak plus its own universal-cross-section loss tail: the Tougaard background finds the tail and the
    V 2p fractions survive it."""
    from interstore.spectra.record import Spectrum
    from interstore.spectra.xps import TOUGAARD_C_EV2, tougaard_background

    x = np.arange(505.0, 530.0, 0.05)
    peaks = 20000 * (0.6 * pseudo_voigt(x, REF["V5+"], 1.3, 0.3) + 0.4 * pseudo_voigt(x, REF["V4+"], 1.3, 0.3))
    t = x[:, None] - x[None, :]
    kernel = np.where(t > 0, t / (TOUGAARD_C_EV2 + t ** 2) ** 2, 0.0)
    tail = 300.0 * kernel @ (peaks * 0.05)
    y = 400 + peaks + tail
    bg = tougaard_background(x, y)
    assert np.max(np.abs(bg - (400 + tail))) < 0.03 * peaks.max()
    fit = fit_region(Spectrum(x, y, "XPS", "tougaard"), "V2p3/2", window=(508, 527), background="tougaard")
    assert fit.fraction("V5+") == pytest.approx(0.6, abs=0.03) and fit.background_method == "tougaard"


def test_uncharged_region_is_refused_and_charge_shift_recovers_it():
    from interstore.errors import InputError

    fractions = {"V5+": 0.6, "V4+": 0.4, "V3+": 0.0}
    # 4 eV of uncorrected charging cannot be absorbed by the ±1 eV common shift: refused with the hint.
    # (About 2 eV can be: the fit then reads V5+/V4+ as V3+ — charge referencing is the user's job.)
    charged_up = xps_envelope(fractions, {k: v - 4.0 for k, v in REF.items()}, lo=504.0, hi=520.0, seed=4)
    with pytest.raises(InputError, match="--charge-shift"):
        fit_region(charged_up, "V2p3/2")
    fit = fit_region(charged_up, "V2p3/2", charge_shift_eV=4.0)
    assert fit.fraction("V5+") == pytest.approx(0.6, abs=0.03)
