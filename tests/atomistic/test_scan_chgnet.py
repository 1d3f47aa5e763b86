"""Zn-loading scans with the embedded CHGNet potential (cheap relax settings for a 2-core CPU)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

pytest.importorskip("chgnet")

from interstore.atomistic.calculator import RelaxSettings, single_point  # noqa: E402
from interstore.atomistic.scan import ScanSettings, run_scan  # noqa: E402
from interstore.atomistic.sites import SiteSearch  # noqa: E402
from interstore.atomistic.structures import build_vo2_graphene  # noqa: E402
from interstore.atomistic.validation import REFERENCES, TOLERANCE  # noqa: E402


@pytest.fixture(scope="module")
def graphene_scan():
    """The vacancy-anchored variant (V–O–C bridges), cheap settings: points are unconverged on purpose."""
    settings = ScanSettings(max_zn=4, relax=RelaxSettings(fmax_eV_A=0.2, steps=5),
                            substrate_relax=RelaxSettings(fmax_eV_A=0.2, steps=15), sites=SiteSearch(max_sites=2))
    return run_scan(build_vo2_graphene(vacancies=2), settings, name="builtin:vo2-graphene-vac")


@pytest.mark.slow
def test_graphene_scan_n0_to_4_against_the_references(graphene_scan):
    r = graphene_scan
    assert len(r.substrate.atoms) == 96 <= 120
    assert [s.n_zn for s in r.steps] == [1, 2, 3, 4] and r.stopped_early is None
    assert r.curve.eb_eV[0] == 0.0
    assert all(math.isfinite(e) for e in r.curve.eb_eV + r.curve.voltage_V)
    # the Zn reference is the potential's relaxed hcp Zn: its a within 3 % of experiment (CRC)
    a_exp = REFERENCES["Zn"].parameters_A["a"]
    assert abs(r.reference.lattice_A[0] - a_exp) / a_exp <= TOLERANCE
    assert r.calculator["model"] == "CHGNet" and r.calculator["model_version"]
    assert len(r.bridges) > 0 and set(r.bridges.labels) == {"V–O–C"}
    # 5 steps to 0.2 eV/Å cannot converge a loaded 97–100-atom cell: every point is marked and
    # n_max stops at the first unconverged loading
    assert r.converged[1:] == [s.loaded.fmax_eV_A <= 0.2 for s in r.steps]
    first_bad = next((s.n_zn for s in r.steps if not s.loaded.converged), None)
    if first_bad is not None:
        assert r.limit.n_max < first_bad
    assert r.cost["relax_steps"] == r.substrate.steps + sum(s.loaded.steps + s.unloaded.steps for s in r.steps)
    # CPU time: the relaxations ran in this process (serial scan), so the scan's CPU covers them all
    relax_cpu = r.substrate.cpu_seconds + sum(s.loaded.cpu_seconds + s.unloaded.cpu_seconds for s in r.steps)
    assert 0 < relax_cpu <= r.cost["cpu_s"] and r.cost["single_point_cpu_s"] > 0


@pytest.mark.slow
def test_graphene_scan_energies_consistent_with_single_points(graphene_scan):
    r = graphene_scan
    e_ref = r.reference.energy_eV_per_atom
    energies = [r.substrate.energy_eV] + [s.loaded.energy_eV for s in r.steps]
    for n, atoms in enumerate(r.structures):
        assert atoms.get_chemical_symbols().count("Zn") == n
        assert single_point(atoms) == pytest.approx(energies[n], abs=2e-3)
        assert r.curve.eb_eV[n] == pytest.approx(energies[n] - energies[0] - n * e_ref, abs=1e-9)
    for k, step in enumerate(r.steps):
        # the relaxation starts from the screened single point and must not end higher
        assert step.loaded.energy_eV <= step.kept.screen_energy_eV + 1e-3
        assert r.curve.voltage_V[k] == pytest.approx(-(r.curve.eb_eV[k + 1] - r.curve.eb_eV[k]) / 2, abs=1e-9)
        # Zn removed (the cell has V–O–C bridges, so the removal relaxations ran): same atoms as the bare interface
        assert step.unloaded.atoms.get_chemical_formula() == r.substrate.atoms.get_chemical_formula()
    d = r.to_dict()
    assert d["n_max"] == r.limit.n_max and d["n_max_per_formula_unit"] == r.limit.n_max / 2
    assert set(d["capacity_mAh_g"]) == {"active", "composite", "electrode"}


@pytest.mark.slow
def test_scan_cli_end_to_end_committee(run_cli, tmp_path):
    pytest.importorskip("sevenn")
    out = tmp_path / "scan.json"
    code, stdout, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--max-zn", "2", "--steps", "3",
                                "--substrate-steps", "5", "--candidates", "2", "--json", out, "--out", tmp_path)
    assert code == 0, err
    d = json.loads(out.read_text())
    assert d["members"] == ["chgnet", "sevennet-0"]
    for m in d["members"]:
        per = d["per_member"][m]
        assert d["eb_eV"][m] == per["eb_eV"] and d["voltage_V"][m] == per["voltage_V"]
        assert d["eb_eV"][m][0] == 0.0 and len(d["eb_eV"][m]) == 3
        assert d["voltage_V"][m][0] == pytest.approx(-d["eb_eV"][m][1] / 2, abs=1e-9)
        assert d["converged"][m] == per["converged"] and len(d["converged"][m]) == 3
        assert d["n_max"][m] == per["n_max"]
        # 3 steps cannot converge: unconverged loadings are excluded, so n_max = 0, and the reason says so
        assert per["n_max"] == 0 and ("did not converge" in per["diagnosis"]["n_max_reason"]
                                      or "E_b/n" in per["diagnosis"]["n_max_reason"])
    for k in range(3):
        both = [d["eb_eV"][m][k] for m in d["members"]]
        assert d["spread_eV"][k] == pytest.approx(max(both) - min(both), abs=1e-9)
        assert d["eb_eV"]["committee_mean"][k] == pytest.approx(sum(both) / 2, abs=1e-9)
    # validation: each end-member lattice constant, its experimental value, source and error, per potential
    v = d["validation"]
    assert {e["calculator"] for e in v["lattice"]} == {"chgnet", "sevennet-0"}
    zn = next(e for e in v["lattice"] if e["member"] == "Zn" and e["parameter"] == "a" and e["calculator"] == "chgnet")
    assert zn["experiment_A"] == REFERENCES["Zn"].parameters_A["a"] and "CRC" in zn["source"]
    assert zn["error_percent"] == pytest.approx(100 * (zn["computed_A"] / zn["experiment_A"] - 1), abs=1e-9)
    assert "sevennet-0: Zn c" in " ".join(v["misses"]) and "MISSES" in stdout
    # reaction enthalpies of Zn with the V oxides, per potential, each with its source and error
    assert [(r["calculator"], r["reaction"]) for r in v["reactions"]] == [
        (c, r) for c in ("chgnet", "sevennet-0") for r in ("Zn+V2O5", "Zn+VO2")]
    for r in v["reactions"]:
        assert "Sci. Rep. 11, 15496" in r["source"] and r["experiment_eV_per_Zn"] < 0
        assert r["error_eV_per_Zn"] == pytest.approx(r["computed_eV_per_Zn"] - r["experiment_eV_per_Zn"], abs=1e-12)
    assert "reaction enthalpies per Zn" in stdout
    flat = " ".join(stdout.split())  # the console wraps long lines
    assert "per relaxation step" in flat and "worst case" in flat and "s CPU" in flat
    assert d["per_member"]["chgnet"]["settings"]["optimizer"] == "BFGS"  # the default
    assert d["per_member"]["chgnet"]["structure"]["bridge_types"] == ["V–O–Ti"]
    assert d["per_member"]["chgnet"]["adhesion"]["w_adh_J_m2"] > 0
    for name in ("interface_binding.png", "interface_voltage.png", "interface_bonds.png", "interface_scan.csv"):
        assert (tmp_path / "chgnet" / name).stat().st_size > 100
    assert (tmp_path / "interface_committee.csv").stat().st_size > 50
    from ase.io import read
    frames = read(tmp_path / "sevennet-0" / "interface_scan_structures.extxyz", index=":")
    assert [f.get_chemical_symbols().count("Zn") for f in frames] == [0, 1, 2]


@pytest.mark.slow
def test_no_removal_relaxation_without_bridges_to_reform():
    # a 3 Å gap: no O–C within the 1.7 Å bridge cut-off, so the relaxed bare interface has no bridge
    settings = ScanSettings(max_zn=2, relax=RelaxSettings(steps=2), substrate_relax=RelaxSettings(steps=1),
                            sites=SiteSearch(max_sites=1))
    r = run_scan(build_vo2_graphene(gap_A=3.0), settings)
    assert len(r.bridges) == 0
    assert all(s.unloaded is None and s.bonds_reform for s in r.steps)
    assert r.cost["relax_steps"] == r.substrate.steps + sum(s.loaded.steps for s in r.steps)
    d = r.to_dict()
    assert d["zn_removal_relaxed"] is False
    assert [p["energy_after_zn_removal_eV"] for p in d["per_n"]] == [None, None]


@pytest.mark.slow
def test_dask_workers_give_the_serial_result():
    from interstore.atomistic.structures import build_vo2_ti3c2

    settings = ScanSettings(max_zn=1, relax=RelaxSettings(steps=2), substrate_relax=RelaxSettings(steps=2),
                            sites=SiteSearch(max_sites=2))
    serial = run_scan(build_vo2_ti3c2(), settings)
    parallel = run_scan(build_vo2_ti3c2(), settings, workers=2)
    assert parallel.curve.eb_eV == pytest.approx(serial.curve.eb_eV, abs=1e-4)
    assert parallel.steps[0].unloaded.energy_eV == pytest.approx(serial.steps[0].unloaded.energy_eV, abs=1e-4)
    assert parallel.steps[0].kept.site_A == pytest.approx(serial.steps[0].kept.site_A)


@pytest.mark.slow
def test_scan_cli_with_a_dft_zn_reference_file(run_cli, tmp_path):
    from ase.build import bulk
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import write

    zn = bulk("Zn", "hcp", a=2.665, c=4.947)
    zn.calc = SinglePointCalculator(zn, energy=-2.6)
    write(tmp_path / "zn_bulk.extxyz", zn)
    out = tmp_path / "s.json"
    code, stdout, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--max-zn", "1", "--steps", "1",
                                "--substrate-steps", "1", "--candidates", "1", "--calculator", "chgnet",
                                "--no-validate", "--zn-reference", tmp_path / "zn_bulk.extxyz", "--json", out)
    assert code == 0, err
    d = json.loads(out.read_text())["per_member"]["chgnet"]
    assert d["reference"]["kind"] == "file" and d["reference"]["energy_eV_per_atom"] == pytest.approx(-1.3)
    e = d["binding"]["energy_eV"]
    assert d["eb_eV"][1] == pytest.approx(e[1] - e[0] + 1.3, abs=1e-9)
    assert "zn_bulk.extxyz" in stdout


def test_scan_without_room_for_zn_is_an_input_error_before_any_solve():
    from interstore.atomistic.structures import build_vo2_ti3c2
    from interstore.errors import InputError

    settings = ScanSettings(max_zn=1, relax=RelaxSettings(steps=1), substrate_relax=RelaxSettings(steps=1),
                            sites=SiteSearch(min_distance_A=3.5))
    with pytest.raises(InputError, match="no interfacial void"):
        run_scan(build_vo2_ti3c2(), settings, name="builtin:vo2-ti3c2")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["vo2-ruo2", "vo2-ti3c2"])
def test_ruo2_and_ti3c2_cells_give_n_max_or_a_diagnosed_reason(name):
    """RuO2: CHGNet keeps the opened rutile interface open (no cross-interface contact) and binds the first
    Zn (measured E_b(1) ≈ −1.6 eV, V̄ ≈ +0.8 V, converged) -> n_max >= 1.  Bare Ti3C2: either a finite n_max
    or the first failing criterion, named with its numbers."""
    from interstore.atomistic.diagnosis import diagnose
    from interstore.atomistic.structures import load_structure

    settings = ScanSettings(max_zn=1, relax=RelaxSettings(steps=120), substrate_relax=RelaxSettings(steps=120),
                            sites=SiteSearch(max_sites=2))
    r = run_scan(load_structure(f"builtin:{name}"), settings, name=name)
    d = diagnose(r)
    c = r.limit.criteria[0]
    assert d["interface"] in ("detached", "bonded", "locked")
    if d["interface"] == "locked":
        assert r.adhesion.w_adh_J_m2 > r.adhesion.locked_above_J_m2
    if name == "vo2-ruo2":
        from interstore.atomistic.committee import opening_energy
        from interstore.atomistic.structures import BUILTINS

        assert d["cross_interface_contacts"] == {} and d["interfacial_gap_A"] > 1.5
        assert r.converged == [True, True] and c.eb_per_zn_eV < 0 and c.voltage_V > 0 and r.limit.n_max == 1
        # ... but the open gap is metastable: the closed rutile stacking relaxes lower (measured 2.26 eV per
        # cell, 0.92 J/m²), and one Zn does not pay for opening it
        o = opening_energy(r, BUILTINS["vo2-ruo2"].closed_variant)
        assert o["closed_converged"] and o["opening_energy_eV"] > 1.0
        assert o["eb_vs_closed_eV"][1] == pytest.approx(r.curve.eb_eV[1] + o["opening_energy_eV"], abs=1e-9)
        assert o["eb_vs_closed_eV"][1] > 0
    if r.limit.n_max == 0:
        reason = d["n_max_reason"]
        assert reason.startswith("n = 1 fails")
        assert ("E_b/n" in reason) == (not c.eb_per_zn_ok) and ("V̄" in reason) == (not c.voltage_ok)
        assert ("did not converge" in reason) == (c.converged is False)
