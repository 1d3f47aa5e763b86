"""``interstore interface …`` end to end (no ML potential): capacity, energies, build, bad input."""

from __future__ import annotations

import json

import pytest

F = 96485.33212
M_V8O16 = 8 * 50.9415 + 16 * 15.9994


def test_capacity_cli_every_basis_and_717(run_cli, tmp_path):
    out = tmp_path / "cap.json"
    code, stdout, err = run_cli("interface", "capacity", "--n-zn", "7", "--formula", "V8O16",
                                "--substrate-formula", "C", "--substrate-mass-fraction", "0.25",
                                "--json", out, "--out", tmp_path)
    assert code == 0, err
    data = json.loads(out.read_text())
    q = 14 * F / (3.6 * M_V8O16)
    assert data["capacity_mAh_g"]["active"] == pytest.approx(q, rel=1e-9)
    assert data["capacity_mAh_g"]["composite"] == pytest.approx(0.75 * q, rel=1e-9)
    assert data["quoted_comparison"]["quoted_mAh_g"] == 717.06
    assert data["quoted_comparison"]["matches"] is False
    assert data["quoted_comparison"]["quoted_requires_electrons_per_formula"] == pytest.approx(17.75, abs=0.005)
    assert "565.5" in stdout and "717.06" in stdout and "523.28" in stdout
    assert (tmp_path / "limit_capacity.csv").read_text().startswith("basis,basis_label,capacity_mAh_g")


def _dft_cell(path, symbols, energy):
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import write

    atoms = Atoms(symbols, cell=[30, 30, 30], pbc=True)
    atoms.positions = [[2.5 * (i % 10), 2.5 * (i // 10 % 10), 2.5 * (i // 100)] for i in range(len(atoms))]
    atoms.calc = SinglePointCalculator(atoms, energy=energy)
    write(path, atoms, format="extxyz")
    return path


def _with_energy(atoms, path, energy):
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import write

    atoms = atoms.copy()
    atoms.calc = SinglePointCalculator(atoms, energy=energy)
    write(path, atoms, format="extxyz")
    return path


def test_energies_cli_from_files_with_bond_check(run_cli, tmp_path):
    """Built VO2/graphene cell (V16O32 = 2 V8O16, 24 V–O–C bridges as built) with synthetic energies:
    E_Zn = -1.25 eV; E_b(1..3) = -1.0, -1.6, -1.5 eV -> V = 0.5, 0.3, -0.05 V (n = 3 fails on voltage);
    after removing 2 Zn the oxide is left 1.5 Å higher -> bridges broken -> n = 2 fails -> n_max = 1."""
    from ase import Atoms

    from interstore.atomistic.structures import OXIDE_TAG, build_vo2_graphene

    base = build_vo2_graphene()
    base.set_tags(0)  # DFT files carry no tags
    sub = _with_energy(base, tmp_path / "sub.extxyz", -800.0)
    zn = _dft_cell(tmp_path / "zn.extxyz", "Zn2", -2.5)
    args = []
    for n, eb in ((1, -1.0), (2, -1.6), (3, -1.5)):
        cell = base + Atoms(f"Zn{n}", positions=[[1.0 + 2.5 * k, 1.0, 30.0] for k in range(n)])
        args += ["--loaded", f"{n}={_with_energy(cell, tmp_path / f'n{n}.extxyz', -800.0 - 1.25 * n + eb)}"]
    lifted = base.copy()
    lifted.positions[build_vo2_graphene().get_tags() == OXIDE_TAG, 2] += 1.5
    args += ["--unloaded", f"1={_with_energy(base, tmp_path / 'u1.extxyz', -800.0)}",
             "--unloaded", f"2={_with_energy(lifted, tmp_path / 'u2.extxyz', -799.0)}"]
    out = tmp_path / "e.json"
    code, stdout, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, *args,
                                "--json", out, "--out", tmp_path)
    assert code == 0, err
    data = json.loads(out.read_text())
    assert data["eb_eV"] == pytest.approx([0.0, -1.0, -1.6, -1.5], abs=1e-9)
    assert data["voltage_V"] == pytest.approx([0.5, 0.3, -0.05], abs=1e-9)
    assert data["structure"]["interfacial_bridges"] == 24 and data["structure"]["oxide_formula_units"] == 2
    crit = data["criteria"]["criteria"]
    assert [c["bonds_reform"] for c in crit] == [True, False, None]
    assert [c["voltage_ok"] for c in crit] == [True, True, False]
    assert data["n_max"] == 1 and data["n_max_per_formula_unit"] == 0.5
    assert data["per_n"][0]["bonds_loaded"]["intact"] == 24
    assert data["per_n"][1]["bonds_after_zn_removal"]["broken"] == 24
    assert data["capacity_mAh_g"]["active"] == pytest.approx(1 * F / (3.6 * M_V8O16), rel=1e-9)
    assert data["reference"]["energy_eV_per_atom"] == pytest.approx(-1.25)
    assert (tmp_path / "interface_binding.png").stat().st_size > 1000


def test_energies_cli_energy_only(run_cli, tmp_path):
    sub = _dft_cell(tmp_path / "sub.extxyz", "V16O32", -800.0)
    zn = _dft_cell(tmp_path / "zn.extxyz", "Zn", -1.25)
    n2 = _dft_cell(tmp_path / "n2.extxyz", "V16O32Zn2", -800.0 - 2.5 - 1.0)
    out = tmp_path / "e.json"
    code, _, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"2={n2}",
                           "--json", out)
    assert code == 0, err
    data = json.loads(out.read_text())
    assert data["voltage_V"] == pytest.approx([0.25]) and data["n_max"] == 2
    assert data["criteria"]["bonds_assessed"] is False and data["per_n"][0]["bonds_reform"] is None


@pytest.mark.parametrize("loaded_arg,match", [("x=foo", "n=FILE"), ("1=missing.xml", "not found")])
def test_energies_cli_bad_input_is_one_line(run_cli, tmp_path, loaded_arg, match):
    sub = _dft_cell(tmp_path / "sub.extxyz", "V2O4", -50.0)
    zn = _dft_cell(tmp_path / "zn.extxyz", "Zn", -1.2)
    code, stdout, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", loaded_arg)
    assert code == 2
    assert match in err and len(err.strip().splitlines()) == 1


def test_energies_cli_wrong_composition(run_cli, tmp_path):
    sub = _dft_cell(tmp_path / "sub.extxyz", "V2O4", -50.0)
    zn = _dft_cell(tmp_path / "zn.extxyz", "Zn", -1.2)
    bad = _dft_cell(tmp_path / "n1.extxyz", "V2O5Zn", -60.0)
    code, _, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"1={bad}")
    assert code == 2 and "n1.extxyz" in err and "O4V2Zn1" in err


def test_build_cli_writes_readable_structures(run_cli, tmp_path):
    from ase.io import read

    out = tmp_path / "b.json"
    code, stdout, err = run_cli("interface", "build", "vo2-ti3c2", "--out", tmp_path, "--json", out)
    assert code == 0, err
    data = json.loads(out.read_text())
    assert data["n_atoms"] == 72 and data["interfacial_bridges"] == 27 and data["bridge_type"] == "V–O–Ti"
    assert len(read(tmp_path / "vo2-ti3c2.cif")) == 72
    assert read(tmp_path / "vo2-ti3c2.extxyz").get_chemical_formula() == "C18O18Ti27V9"
    code, _, err = run_cli("interface", "build", "nothing")
    assert code == 2 and "unknown built-in" in err


@pytest.mark.parametrize("args,match", [
    (["--n-zn", "-1"], "n_max"),
    (["--n-zn", "7", "--formula", "Qq2"], "Qq2"),
    (["--n-zn", "7", "--substrate-mass-fraction", "1.5"], "substrate mass fraction"),
])
def test_capacity_cli_nonsense(run_cli, args, match):
    code, _, err = run_cli("interface", "capacity", *args)
    assert code == 2 and match in err


def test_scan_cli_rejects_bad_parameters_before_any_solve(run_cli):
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--max-zn", "0")
    assert code == 2 and "--max-zn" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--fmax", "-1")
    assert code == 2 and "fmax" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--formula", "V2O5")
    assert code == 2 and "V2O5" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--workers", "0")
    assert code == 2 and "--workers" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--zn-reference", "no_such_OUTCAR")
    assert code == 2 and "--zn-reference" in err and "no_such_OUTCAR" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--optimizer", "LBFGS")
    assert code == 2 and "optimizer" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--locked-above", "0.1")
    assert code == 2 and "adhesion thresholds" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--calculator", "mace")
    assert code == 2 and "calculator" in err and "sevennet-0" in err
    code, _, err = run_cli("interface", "scan", "builtin:vo2-ruo2", "--dft-substrate", "OUTCAR")
    assert code == 2 and "--dft-zn-ref" in err and len(err.strip().splitlines()) == 1


def test_scan_cli_rejects_structures_without_an_interface(run_cli, tmp_path):
    from ase.build import graphene
    from ase.io import write

    path = tmp_path / "graphene_only.extxyz"
    write(path, graphene(vacuum=10.0))
    code, _, err = run_cli("interface", "scan", path, "--max-zn", "1", "--workers", "2")
    assert code == 2 and "graphene_only.extxyz" in err and "no substrate or no oxide" in err


def test_energies_atom_order(run_cli, tmp_path):
    from ase import Atoms

    from interstore.atomistic.dft_binding import binding_from_files
    from interstore.atomistic.structures import build_vo2_ti3c2

    base = build_vo2_ti3c2()
    base.set_tags(0)
    sub = _with_energy(base, tmp_path / "sub.extxyz", -650.0)
    zn = _dft_cell(tmp_path / "zn.extxyz", "Zn", -1.25)
    shuffled = (base + Atoms("Zn", positions=[[0, 0, 25.0]]))[::-1]
    n1 = _with_energy(shuffled, tmp_path / "n1.extxyz", -652.0)
    res = binding_from_files(sub, zn, {1: n1}, formula="V8O16")
    assert res.to_dict()["per_n"][0]["bonds_loaded"] is None  # order differs: no bond metrics
    assert res.formula_units == pytest.approx(9 / 8)
    u1 = _with_energy(base[::-1], tmp_path / "u1.extxyz", -650.0)
    code, _, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"1={n1}",
                           "--unloaded", f"1={u1}")
    assert code == 2 and "u1.extxyz" in err and "order" in err
    code, _, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"1={n1}",
                           "--unloaded", f"2={u1}")
    assert code == 2 and "no loaded cell" in err


def test_build_cli_cell_geometry(run_cli, tmp_path):
    out = tmp_path / "g.json"
    code, _, err = run_cli("interface", "build", "builtin:vo2-graphene", "--json", out)
    assert code == 0, err
    data = json.loads(out.read_text())
    assert data["cell_lengths_A"][:2] == pytest.approx([12.3, 12.3])  # 5 × 2.46 Å graphene
    assert data["cell_angles_deg"][2] == pytest.approx(120.0)
    assert data["n_atoms"] == 98 and data["formula"] == "C50O32V16"  # pristine graphene (no vacancy)


def test_energies_cli_work_of_adhesion_from_slabs(run_cli, tmp_path):
    """Ti3C2 cell (area 9 · 3.07² · √3/2 Å²) with E_ox + E_sub − E_int = 5 eV -> W = 5 eV / A in J/m²."""
    from ase import Atoms

    from interstore.atomistic.structures import OXIDE_TAG, build_vo2_ti3c2

    cell = build_vo2_ti3c2()
    tags = cell.get_tags()
    cell.set_tags(0)
    sub = _with_energy(cell, tmp_path / "int.extxyz", -650.0)
    ox = _with_energy(cell[tags == OXIDE_TAG], tmp_path / "ox.extxyz", -200.0)
    mx = _with_energy(cell[tags != OXIDE_TAG], tmp_path / "mx.extxyz", -445.0)
    zn = _dft_cell(tmp_path / "zn.extxyz", "Zn", -1.25)
    n1 = _with_energy(cell + Atoms("Zn", positions=[[0, 0, 25.0]]), tmp_path / "n1.extxyz", -652.0)
    out = tmp_path / "a.json"
    code, stdout, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"1={n1}",
                                "--oxide-slab", ox, "--substrate-slab", mx, "--json", out)
    assert code == 0, err
    area = 9 * 3.07 ** 2 * 3 ** 0.5 / 2
    adh = json.loads(out.read_text())["adhesion"]
    assert adh["area_A2"] == pytest.approx(area, rel=1e-9)
    assert adh["w_adh_J_m2"] == pytest.approx(5.0 / area * 16.02176634, rel=1e-9)
    assert adh["label"] == "moderate (can breathe)"  # 1.10 J/m² between 0.3 and 2.0
    code, _, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"1={n1}",
                           "--oxide-slab", ox, "--substrate-slab", ox)
    assert code == 2 and "ox.extxyz" in err and "is not the interface" in err
    code, _, err = run_cli("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"1={n1}",
                           "--oxide-slab", ox)
    assert code == 2 and "only one of the two slabs" in err


@pytest.mark.parametrize("command", ["energies", "scan"])
def test_nan_threshold_is_refused_before_any_work(run_cli, tmp_path, command):
    # E_b/n < NaN is false for every n: n_max silently became 0
    if command == "scan":
        args = ("interface", "scan", "builtin:vo2-graphene", "--threshold", "nan")
    else:
        sub = _dft_cell(tmp_path / "sub.extxyz", "V2O4", -40.0)
        zn = _dft_cell(tmp_path / "zn.extxyz", "Zn", -1.25)
        n1 = _dft_cell(tmp_path / "n1.extxyz", "V2O4Zn", -42.0)
        args = ("interface", "energies", "--substrate", sub, "--zn-ref", zn, "--loaded", f"1={n1}",
                "--formula", "VO2", "--threshold", "nan")
    code, _, err = run_cli(*args)
    assert code == 2 and "--threshold" in err and len(err.strip().splitlines()) == 1


def test_build_unknown_name_lists_the_names_build_takes(run_cli):
    code, _, err = run_cli("interface", "build", "foo")
    assert code == 2 and "vo2-graphene / vo2-graphene-vac / vo2-ti3c2 / vo2-ti3c2tx / vo2-ruo2" in err and "builtin:" not in err
