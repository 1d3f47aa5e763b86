"""Readers and analyses on real public spectra, once they are in ../shared/data/spectra (see docs/spectra.md
for origin, commit and licence).  A file listed in shared/data/SOURCES.md that is missing fails; a file not
yet listed there is skipped with a pointer to docs/spectra.md."""

import numpy as np
import pytest

from interstore.spectra.readers import read_spectra


def _real(shared_data, name):
    listed = name in (shared_data / "SOURCES.md").read_text(encoding="utf-8")
    path = shared_data / name
    if not path.is_file():
        if listed:
            pytest.fail(f"{name} is listed in SOURCES.md but missing")
        pytest.skip(f"{name} not yet in shared/data (origin and licence in docs/spectra.md)")
    return path


def test_casaxps_export_of_ni_and_nio(shared_data):
    spectra = {s.name: s for s in read_spectra(_real(shared_data, "spectra/xps/casaxps_ni_nio_export.txt"),
                                               technique="XPS")}
    assert list(spectra) == ["Cycle 3:Ni:Survey", "Cycle 4:Ni:Ni2p", "Cycle 15:NiO:Survey", "Cycle 14:NiO:Ni2p"]
    ni, nio = spectra["Cycle 4:Ni:Ni2p"], spectra["Cycle 14:NiO:Ni2p"]
    # Ni 2p3/2: metal 852.6 eV, NiO main line 853.7 eV (Biesinger et al., Surf. Interface Anal. 41 (2009) 324)
    assert ni.x[np.argmax(ni.y)] == pytest.approx(852.6, abs=0.2)
    assert nio.x[np.argmax(nio.y)] == pytest.approx(853.7, abs=0.2)


def test_kratos_vamas_with_leading_blank_lines(shared_data):
    spectra = read_spectra(_real(shared_data, "spectra/xps/kratos_ni_w_0-150W.vms"))
    peak = {s.name.split()[0]: s.x[np.argmax(s.y)] for s in spectra}
    assert len(spectra) == 5
    # one charging shift for every region: C 1s vs adventitious carbon at 284.8 eV, W 4f7/2 vs WO3 at 35.8 eV
    shift_c, shift_w = peak["C"] - 284.8, peak["W"] - 35.8
    assert shift_c == pytest.approx(shift_w, abs=0.3)


def test_vanadium_xanes_athena_project(shared_data):
    pytest.importorskip("larch")
    from interstore.spectra.record import Spectrum
    from interstore.spectra.xas import linear_combination, normalise

    groups = {s.name: s for s in read_spectra(_real(shared_data, "spectra/xas/Vathena.prj"))}
    assert len(groups) == 88
    foil = normalise(groups["V_XANES_VFoil_002"])
    assert foil.e0_eV == pytest.approx(5465.0, abs=2.0)  # V K edge 5465 eV (tabulated)
    v3, v5 = normalise(groups["merge_V_XANES_FAD_V3"]), normalise(groups["merge_V_XANES_FAD_V5_SS"])
    mu = 0.3 * v3.norm + 0.7 * np.interp(v3.energy, v5.energy, v5.norm)
    lcf = linear_combination(normalise(Spectrum(v3.energy, mu, "XAS", "mix", "mix")), [v3, v5])
    assert lcf.weights[v3.name] == pytest.approx(0.3, abs=0.03)


def test_renishaw_wire_single_spectrum(shared_data):
    from interstore.spectra.readers import read_spectrum
    from interstore.spectra.vibrational import fit_bands

    s = read_spectrum(_real(shared_data, "spectra/raman/renishaw_ex1.wdf"))
    assert (s.x.size, round(s.x[0]), round(s.x[-1])) == (1015, 1226, 2788)
    # graphene at 532 nm: G band ≈ 1580–1590 cm⁻¹, 2D band ≈ 2670–2700 cm⁻¹
    assert fit_bands(s, [1585], window=(1500, 1680)).band().center == pytest.approx(1585, abs=5)
    assert fit_bands(s, [2680], window=(2550, 2780)).band().center == pytest.approx(2680, abs=15)


def _fft_spacing_matches_the_laser(s):
    """OMNIC's digital spacing is the HeNe reference wavenumber over the FFT length (2¹⁴ points
    here): an instrument relation between header fields the reader takes independently.  A group
    (.spg) does not store the laser wavenumber: Nicolet's nominal 15 798 cm⁻¹ within 0.1 %."""
    spacing = (s.x[-1] - s.x[0]) / (s.x.size - 1)
    if s.meta["laser_cm1"] is None:
        return spacing == pytest.approx(15798.0 / 2**14, rel=1e-3)
    return spacing == pytest.approx(s.meta["laser_cm1"] / 2**14, rel=2e-4)


def test_omnic_spa_single_spectrum(shared_data):
    pytest.importorskip("spectrochempy_omnic")
    from interstore.spectra.readers import read_spectrum

    s = read_spectrum(_real(shared_data, "spectra/ftir/omnic_cz_pd_101.spa"))
    assert (s.technique, s.x.size, round(s.x[0]), round(s.x[-1])) == ("FT-IR", 5549, 650, 6000)
    assert s.meta["y_unit"] == "absorbance" and _fft_spacing_matches_the_laser(s)


def test_omnic_spg_group_of_co_on_sulfided_mo(shared_data):
    pytest.importorskip("spectrochempy_omnic")
    from interstore.spectra.vibrational import fit_bands

    spectra = read_spectra(_real(shared_data, "spectra/ftir/omnic_co_mo_al2o3.spg"))
    assert len(spectra) == 19 and all(s.x.size == 3112 for s in spectra)
    assert _fft_spacing_matches_the_laser(spectra[0])
    # the group runs from 1.004 down to 0.003 torr of CO, one spectrum per pressure, newest first
    assert "1.004torr" in spectra[0].name and "0.003torr" in spectra[-1].name
    assert spectra[0].meta["time_s"] > spectra[-1].meta["time_s"]
    # ν(CO) on the edge sites of MoS2 slabs: ≈ 2110 cm⁻¹ (Travert et al., J. Phys. Chem. B 106 (2002) 1350)
    band = fit_bands(spectra[0], [2110], window=(2040, 2180), baseline="none").band()
    assert band.center == pytest.approx(2110, abs=8)


def test_emsa_coreloss_spectrum_mn_l23(shared_data):
    """A DigitalMicrograph EMSA export of O K + Mn L2,3 (hyperspy's EELS fitting example): the reader's axis
    from #OFFSET/#XPERCHAN, then the white-line analysis moved to the Mn edge."""
    from interstore.spectra.eels import analyse_v_l23
    from interstore.spectra.readers import read_spectrum

    s = read_spectrum(_real(shared_data, "spectra/eels/hyperspy_coreloss_mn_o.msa"))
    assert (s.technique, s.x.size, s.x[0], s.x[-1]) == ("EELS", 2048, 360.0, pytest.approx(769.4))
    r = analyse_v_l23(s, background_window=(600, 640), fit_window=(642, 672), spin_orbit_eV=11.0)
    # Mn 2p spin–orbit splitting ≈ 11 eV: the L2 white line lies 10–11.5 eV above L3 in Mn oxides
    assert 10.0 < r.l2_peak_eV - r.l3_peak_eV < 11.5
    assert r.l3_l2_ratio > 1.5  # L3 dominates for every Mn valence (white-line ratios ≈ 2–4.5)
