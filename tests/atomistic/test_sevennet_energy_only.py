"""SevenNet single points skip the force/stress stage but give the energy its ASE calculator gives."""

from __future__ import annotations

import pytest

pytest.importorskip("sevenn")

from interstore.atomistic.calculator import load_calculator, single_point, single_points  # noqa: E402
from interstore.atomistic.structures import load_structure  # noqa: E402


@pytest.mark.slow
def test_energy_only_single_points_equal_the_calculator_energy():
    cells = []
    for seed, name in enumerate(("vo2-ti3c2", "vo2-graphene")):
        atoms = load_structure(f"builtin:{name}")
        atoms.rattle(0.02, seed=seed)
        cells.append(atoms)
    expected = []
    for atoms in cells:
        full = atoms.copy()
        full.calc = load_calculator("sevennet-0")
        expected.append(full.get_potential_energy())
        assert "forces" in full.calc.results  # the ASE path did compute forces
    assert single_points(cells, "sevennet-0") == pytest.approx(expected, abs=1e-4)
    assert single_point(cells[0], "sevennet-0") == pytest.approx(expected[0], abs=1e-4)
