"""DFT output readers against the VASP test files that ship with the installed ASE package."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import ase
from interstore.atomistic.dft_io import check_loaded_composition, read_dft_energy, zn_energy_per_atom
from interstore.errors import InputError

VASP_DIR = Path(ase.__file__).parent / "test" / "testdata" / "vasp"


def _vasp_file(name: str) -> Path:
    path = VASP_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} not shipped with this ASE")
    return path


def test_vasprun_final_energy_matches_xml():
    path = _vasp_file("vasprun_pstress.xml")
    # independent parse: last <calculation>, last <scstep>, e_0_energy (energy sigma -> 0)
    calc = ET.parse(path).getroot().findall("calculation")[-1]
    last_scf = calc.findall("scstep")[-1]
    expected = float(last_scf.find("energy/i[@name='e_0_energy']").text)
    got = read_dft_energy(path)
    assert got.energy_eV == pytest.approx(expected, abs=1e-6)
    assert got.counts == {"C": 2}


def test_outcar_final_energy_matches_text():
    path = _vasp_file("OUTCAR_example_1")
    values = re.findall(r"energy\(sigma->0\)\s*=\s*(-?\d+\.\d+)", path.read_text())
    got = read_dft_energy(path)
    assert got.energy_eV == pytest.approx(float(values[-1]), abs=1e-6)
    assert got.counts == {"Ni": 18}
    with pytest.raises(InputError, match="Zn-only"):
        zn_energy_per_atom(path)


def test_truncated_and_empty_files_raise_one_line(tmp_path):
    text = _vasp_file("vasprun_pstress.xml").read_text()
    cut = tmp_path / "vasprun.xml"
    cut.write_text(text[: len(text) // 3])
    with pytest.raises(InputError) as err:
        read_dft_energy(cut)
    assert "\n" not in str(err.value) and "vasprun.xml" in str(err.value)
    empty = tmp_path / "OUTCAR"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_dft_energy(empty)
    with pytest.raises(InputError, match="not found"):
        read_dft_energy(tmp_path / "missing.xml")


def test_composition_check(tmp_path):
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import write

    def cell(symbols, energy, name):
        atoms = Atoms(symbols, cell=[20, 20, 20], pbc=True)
        atoms.positions[:, 0] = 2.0 * np.arange(len(atoms))
        atoms.calc = SinglePointCalculator(atoms, energy=energy)
        write(tmp_path / name, atoms, format="extxyz")
        return read_dft_energy(tmp_path / name)

    sub = cell("V2O4C2", -50.0, "sub.extxyz")
    check_loaded_composition(sub, cell("V2O4C2Zn", -52.0, "n1.extxyz"), 1)
    with pytest.raises(InputError, match="substrate \\+ 2 Zn"):
        check_loaded_composition(sub, cell("V2O4C2Zn", -52.0, "n1b.extxyz"), 2)
    cell("Zn2", -2.5, "zn.extxyz")
    assert zn_energy_per_atom(tmp_path / "zn.extxyz") == pytest.approx(-1.25)


def test_quantum_espresso_output_from_ase_test_suite(tmp_path):
    """pw.x output text carried by the installed ASE's own tests (skips if that module is absent)."""
    espresso = pytest.importorskip("ase.test.fio.test_espresso")
    path = tmp_path / "pw.out"
    path.write_text(espresso.pw_output_cell)
    ry = [float(x) for x in re.findall(r"!\s+total energy\s+=\s+(-?\d+\.\d+) Ry", espresso.pw_output_cell)]
    got = read_dft_energy(path)
    assert got.energy_eV == pytest.approx(ry[-1] * 13.605693122994, abs=1e-3)  # Ry -> eV (CODATA)
    assert got.counts == {"Si": 2}
