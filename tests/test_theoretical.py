"""Theoretical capacity against the table in ../shared/design/physics-notes.md (to 0.1 mAh/g)."""

import pytest

from interstore.errors import InputError
from interstore.massbasis import ElectrodeMasses
from interstore.theoretical import (electrons_for_capacity, molar_mass_for_capacity,
                                    theoretical_capacity)

# (formula, electrons, molar mass g/mol, capacity mAh/g) from physics-notes.md section (f)
TABLE = [
    ("V2O5", 2, 181.88, 294.7), ("V2O5", 4, 181.88, 589.4), ("VO2", 1, 82.94, 323.1),
    ("V8O16", 14, 663.52, 565.5), ("H2V3O8", 4, 282.83, 379.0), ("H2V3O8", 5, 282.83, 473.8),
    ("Zn0.25V2O5", 2, 198.22, 270.4), ("Zn0.25V2O5", 3.5, 198.22, 473.2),
    ("NH4V4O10", 4, 381.80, 280.8), ("NH4V4O10", 8, 381.80, 561.6), ("V6O13", 8, 513.64, 417.4),
]


@pytest.mark.parametrize("formula,n,molar,q", TABLE)
def test_matches_physics_notes_table(formula, n, molar, q):
    tc = theoretical_capacity(formula, n)
    assert tc.molar_mass_g_mol == pytest.approx(molar, abs=0.02)  # pymatgen vs IUPAC-2013 Zn
    assert tc.capacity_mAh_g == pytest.approx(q, abs=0.1)


def test_article_717_mismatch_inverse():
    # 717.06 mAh/g needs 523.28 g/mol with 14 e-, or 17.75 e- per V8O16 (physics notes)
    assert molar_mass_for_capacity(717.06, 14) == pytest.approx(523.28, abs=0.01)
    assert electrons_for_capacity(717.06, 663.52) == pytest.approx(17.75, abs=0.01)


def test_bad_formula_is_input_error():
    with pytest.raises(InputError, match="formula"):
        theoretical_capacity("Xx9Qq", 2)


def test_mass_bases():
    m = ElectrodeMasses.from_fractions(2.0e-3, active_fraction=0.6, substrate_fraction=0.2)
    spec = m.specific(1.2)  # mAh
    assert spec["active"] == pytest.approx(1000.0)
    assert spec["composite"] == pytest.approx(750.0)
    assert spec["electrode"] == pytest.approx(600.0)
    with pytest.raises(InputError):
        ElectrodeMasses(-1.0)
