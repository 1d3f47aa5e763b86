"""Job-sharing chemical diffusion: Wagner limit, ion-limited limit, a_v → 0, the notes' illustration."""

from __future__ import annotations

import math

import pytest

from interstore.constants import FARADAY, GAS_CONSTANT
from interstore.errors import InputError
from interstore.transport.jobsharing import (
    ideal_chemical_capacitance,
    interface_area_per_volume,
    job_sharing_diffusivity,
)

T = 298.15
RT = GAS_CONSTANT * T


def _nernst_einstein_sigma(D, c, z):
    """σ = z²F²Dc/RT (S m⁻¹)."""
    return z * z * FARADAY**2 * D * c / RT


@pytest.mark.parametrize("z", [1, 2])
def test_homogeneous_reduces_to_wagner_transference_form(z):
    # Independent form: D^δ = t_eon·D_ion + t_ion·D_eon (ideal, χ = 1).
    D_ion, D_eon, c_ion, c_eon = 1e-14, 1e-9, 50.0, 3.0
    s_ion = _nernst_einstein_sigma(D_ion, c_ion, z)
    s_eon = _nernst_einstein_sigma(D_eon, c_eon, 1)
    t_ion = s_ion / (s_ion + s_eon)
    expected = (1 - t_ion) * D_ion + t_ion * D_eon
    res = job_sharing_diffusivity(s_ion, s_eon, z=z,
                                  bulk_chemical_capacitance_F_m3=ideal_chemical_capacitance(c_ion, c_eon, z=z,
                                                                                            temperature_K=T))
    assert res.D_m2_s == pytest.approx(expected, rel=1e-12)
    # the bulk terms are RT/c_ion and z²RT/c_eon; no interface path
    assert res.bulk_dmu_ion_dc_J_m3_mol2 == pytest.approx(RT / c_ion, rel=1e-12)
    assert res.bulk_dmu_eon_dc_J_m3_mol2 == pytest.approx(z * z * RT / c_eon, rel=1e-12)
    assert math.isinf(res.electrostatic_term_J_m3_mol2)
    assert res.dmu_dc_effective_J_m3_mol2 == pytest.approx(RT / c_ion + z * z * RT / c_eon, rel=1e-12)
    assert res.interfacial_storage_fraction == 0.0


def test_electron_rich_limit_gives_ionic_diffusivity_times_thermodynamic_factor():
    z, D_ion, c_ion, c_eon = 2, 3e-15, 100.0, 1e5
    s_ion = _nernst_einstein_sigma(D_ion, c_ion, z)
    res = job_sharing_diffusivity(s_ion, 1e6 * s_ion, z=z,
                                  bulk_chemical_capacitance_F_m3=ideal_chemical_capacitance(c_ion, c_eon, z=z,
                                                                                            temperature_K=T))
    chi_ion = 1 + z * z * c_ion / c_eon  # (c/RT)·∂μ_M/∂c with c_M = c_ion
    assert res.D_m2_s == pytest.approx(D_ion * chi_ion, rel=1e-5)
    assert res.D_m2_s == pytest.approx(D_ion, rel=5e-3)


def test_interfacial_term_vanishes_as_av_goes_to_zero():
    bulk = 2.0e7
    wagner = job_sharing_diffusivity(1.0, 0.2, bulk_chemical_capacitance_F_m3=bulk)
    prev = 0.0
    for a_v in (1e8, 1e6, 1e4, 1e2):
        d = job_sharing_diffusivity(1.0, 0.2, bulk_chemical_capacitance_F_m3=bulk, a_v_m_inv=a_v,
                                    interface_capacitance_F_m2=0.4)
        assert d.D_m2_s > prev
        prev = d.D_m2_s
        assert d.electrostatic_term_J_m3_mol2 == pytest.approx(4 * FARADAY**2 / (a_v * 0.4))
    assert prev == pytest.approx(wagner.D_m2_s, rel=1e-5)
    assert wagner.D_m2_s == pytest.approx((1.0 * 0.2 / 1.2) / bulk)


def test_article_bracket_sums_in_series_on_the_job_sharing_path():
    # ions in α and electrons in β charged in series with the interface: the article's bracket
    carriers = ideal_chemical_capacitance(20.0, 5.0, z=2, temperature_K=T)
    a_v, c_int = 1e9, 0.05
    res = job_sharing_diffusivity(1e-2, 1e2, bulk_chemical_capacitance_F_m3=0.0, a_v_m_inv=a_v,
                                  interface_capacitance_F_m2=c_int, carrier_chemical_capacitance=carriers)
    bracket = RT / 20.0 + 4 * RT / 5.0 + 4 * FARADAY**2 / (a_v * c_int)
    assert res.interface_path_term_J_m3_mol2 == pytest.approx(bracket, rel=1e-12)
    sigma_amb = 1e-2 * 1e2 / (1e-2 + 1e2)
    assert res.D_m2_s == pytest.approx(sigma_amb / (4 * FARADAY**2) * bracket, rel=1e-12)
    # a very large interfacial capacitance: only the chemical terms are left (chemical capacitor)
    big = job_sharing_diffusivity(1e-2, 1e2, bulk_chemical_capacitance_F_m3=0.0, a_v_m_inv=a_v,
                                  interface_capacitance_F_m2=1e9, carrier_chemical_capacitance=carriers)
    assert big.D_m2_s == pytest.approx(sigma_amb / carriers.total_F_m3, rel=1e-6)
    # and the path still vanishes with a_v → 0
    none = job_sharing_diffusivity(1e-2, 1e2, bulk_chemical_capacitance_F_m3=1e6, a_v_m_inv=0.0,
                                   interface_capacitance_F_m2=c_int, carrier_chemical_capacitance=carriers)
    assert none.interfacial_storage_fraction == 0.0
    assert none.D_m2_s == pytest.approx(sigma_amb / 1e6)


def test_notes_illustration_cluster_5nm():
    # σ_amb = 0.1 S m⁻¹, C_int = 40 µF cm⁻² = 0.4 F m⁻², r = 5 nm → D^δ ≈ 4e-10 m² s⁻¹
    a_v = interface_area_per_volume("cluster", radius_m=5e-9)
    assert a_v == pytest.approx(6e8)
    sigma = 0.2  # σ_ion = σ_eon = 0.2 → σ_amb = 0.1
    res = job_sharing_diffusivity(sigma, sigma, bulk_chemical_capacitance_F_m3=0.0, a_v_m_inv=a_v,
                                  interface_capacitance_F_m2=40e-6 * 1e4)
    assert res.sigma_ambipolar_S_m == pytest.approx(0.1)
    assert res.D_m2_s == pytest.approx(4.17e-10, rel=1e-2)
    assert res.interfacial_storage_fraction == 1.0


def test_interface_area_geometries():
    assert interface_area_per_volume("sheet", thickness_m=2e-9, coverage=0.5) == pytest.approx(0.5e9)
    assert interface_area_per_volume("sheet", thickness_m=2e-9) == pytest.approx(1e9)
    assert interface_area_per_volume("cluster", radius_m=1e-9, volume_fraction=0.3,
                                     coverage=0.5) == pytest.approx(0.45e9)


@pytest.mark.parametrize("kwargs", [
    dict(geometry="cube", radius_m=1e-9),
    dict(geometry="cluster"),
    dict(geometry="sheet", thickness_m=0.0),
    dict(geometry="sheet", thickness_m=1e-9, coverage=1.5),
    dict(geometry="cluster", radius_m=-1e-9),
])
def test_bad_geometry_raises_input_error(kwargs):
    with pytest.raises(InputError):
        interface_area_per_volume(**kwargs)


@pytest.mark.parametrize("args,kwargs", [
    ((-1.0, 1.0), dict(bulk_chemical_capacitance_F_m3=1.0)),
    ((1.0, float("nan")), dict(bulk_chemical_capacitance_F_m3=1.0)),
    ((1.0, 1.0), dict(bulk_chemical_capacitance_F_m3=0.0)),
    ((1.0, 1.0), dict(bulk_chemical_capacitance_F_m3=1.0, z=0)),
    ((1.0, 1.0), dict(bulk_chemical_capacitance_F_m3=1.0, z=1.5)),
])
def test_bad_parameters_raise_input_error(args, kwargs):
    with pytest.raises(InputError):
        job_sharing_diffusivity(*args, **kwargs)


# ---------------------------------------------------------------- CLI end to end
def test_cli_jobsharing_cluster_illustration(run_cli, tmp_path):
    out_json = tmp_path / "js.json"
    code, out, err = run_cli("diffusion", "jobsharing", "--sigma-ion-S-m", "0.2", "--sigma-eon-S-m", "0.2",
                             "--geometry", "cluster", "--radius-nm", "5", "--c-int-uF-cm2", "40",
                             "--json", out_json, "--out", tmp_path / "figs")
    assert code == 0, err
    import json
    r = json.loads(out_json.read_text())
    assert r["a_v_m_inv"] == pytest.approx(6e8)
    assert r["D_m2_s"] == pytest.approx(4.17e-10, rel=1e-2)
    assert r["sigma_ambipolar_S_m"] == pytest.approx(0.1)
    assert r["bulk_term_J_m3_mol2"] is None  # infinite: no bulk storage path
    assert r["electrostatic_term_J_m3_mol2"] == pytest.approx(4 * FARADAY**2 / (6e8 * 0.4))
    assert r["dominant_storage_path"].startswith("interface")
    assert "m² s⁻¹" in out
    assert (tmp_path / "figs" / "jobsharing_D_vs_size.png").stat().st_size > 1000
    assert (tmp_path / "figs" / "jobsharing_terms.csv").exists()


def test_cli_jobsharing_sheet_with_ideal_bulk_terms(run_cli, tmp_path):
    out_json = tmp_path / "js.json"
    code, _, err = run_cli("diffusion", "jobsharing", "--sigma-ion-S-m", "1e-3", "--sigma-eon-S-m", "10",
                           "--geometry", "sheet", "--thickness-nm", "2", "--coverage", "0.5",
                           "--c-int-uF-cm2", "40", "--c-ion-mol-m3", "1000", "--c-eon-mol-m3", "100",
                           "--json", out_json)
    assert code == 0, err
    import json
    r = json.loads(out_json.read_text())
    assert r["a_v_m_inv"] == pytest.approx(0.5e9)
    assert r["bulk_dmu_ion_dc_J_m3_mol2"] == pytest.approx(RT / 1000)
    assert r["bulk_dmu_eon_dc_J_m3_mol2"] == pytest.approx(4 * RT / 100)
    assert r["dmu_ion_dc_J_m3_mol2"] is None  # job-sharing chemical terms: included in C_int
    bulk = 4 * FARADAY**2 / (RT / 1000 + 4 * RT / 100)
    assert r["D_m2_s"] == pytest.approx((1e-3 * 10 / (10 + 1e-3)) / (bulk + 0.5e9 * 0.4), rel=1e-9)


@pytest.mark.parametrize("args", [
    ("--sigma-ion-S-m", "-1", "--sigma-eon-S-m", "1", "--c-bulk-F-m3", "1"),
    ("--sigma-ion-S-m", "1", "--sigma-eon-S-m", "1", "--geometry", "cube", "--radius-nm", "1"),
    ("--sigma-ion-S-m", "1", "--sigma-eon-S-m", "1", "--c-ion-mol-m3", "1"),
    ("--sigma-ion-S-m", "1", "--sigma-eon-S-m", "1"),
])
def test_cli_jobsharing_bad_input_is_one_line_exit_2(run_cli, args):
    code, _, err = run_cli("diffusion", "jobsharing", *args)
    assert code == 2
    assert err.strip().startswith("error:") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args, fragment", [
    # C_int without an interface geometry used to be dropped silently (a_v = 0)
    (("--c-bulk-F-m3", "1e5", "--c-int-uF-cm2", "50"), "without --geometry"),
    # no storage at all: the message names the CLI options, not the Python arguments
    ((), "--c-bulk-F-m3"),
])
def test_cli_jobsharing_storage_options_are_named(run_cli, args, fragment):
    code, _, err = run_cli("diffusion", "jobsharing", "--sigma-ion-S-m", "1e-3", "--sigma-eon-S-m", "10", *args)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert fragment in err and "bulk_chemical_capacitance_F_m3" not in err
