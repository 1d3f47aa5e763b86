"""Binding curve, reversible limit, limit capacity and adhesion from synthetic energies (no calculator).

Expected numbers are worked out by hand below each case, not by calling the code under test."""

from __future__ import annotations

import math

import pytest

from interstore.atomistic.adhesion import adhesion_label, work_of_adhesion
from interstore.atomistic.binding import binding_curve
from interstore.atomistic.limit import limit_capacity
from interstore.atomistic.reversible import reversible_limit
from interstore.errors import InputError
from interstore.massbasis import ElectrodeMasses

F = 96485.33212
M_V8O16 = 8 * 50.9415 + 16 * 15.9994  # 663.5224 g/mol (IUPAC standard weights)

# E(sub) = -100 eV, E_Zn(bulk) = -1.25 eV/atom; E_b(n) chosen as -1.0, -1.6, -1.8, -1.0 eV
E_SUB, E_ZN = -100.0, -1.25
EB = {1: -1.0, 2: -1.6, 3: -1.8, 4: -1.0}
ENERGIES = {n: E_SUB + n * E_ZN + eb for n, eb in EB.items()}


def test_binding_curve_matches_hand_values():
    curve = binding_curve(ENERGIES, E_SUB, E_ZN)
    assert curve.n_zn == (0, 1, 2, 3, 4)
    assert curve.eb_eV == pytest.approx([0.0, -1.0, -1.6, -1.8, -1.0], abs=1e-12)
    assert curve.eb_per_zn_eV[0] is None
    assert curve.eb_per_zn_eV[1:] == pytest.approx([-1.0, -0.8, -0.6, -0.25], abs=1e-12)
    # V(n1->n2) = -(Eb(n2) - Eb(n1)) / (2 (n2 - n1)):  0->1: 0.5, 1->2: 0.3, 2->3: 0.1, 3->4: -0.4
    assert curve.voltage_V == pytest.approx([0.5, 0.3, 0.1, -0.4], abs=1e-12)


def test_voltage_over_a_gap_in_n():
    # only n = 2 and 4: V(0->2) = 1.6/4 = 0.4 V; V(2->4) = -(-1.0 + 1.6)/4 = -0.15 V
    curve = binding_curve({2: ENERGIES[2], 4: ENERGIES[4]}, E_SUB, E_ZN)
    assert curve.voltage_V == pytest.approx([0.4, -0.15], abs=1e-12)


def test_reversible_limit_criteria_per_n():
    curve = binding_curve(ENERGIES, E_SUB, E_ZN)
    # energies alone: n = 1, 2, 3 have E_b/n < 0 and V > 0; n = 4 has V < 0 -> n_max = 3
    energy_only = reversible_limit(curve)
    assert energy_only.n_max == 3 and not energy_only.is_lower_bound
    first_three = reversible_limit(binding_curve({n: ENERGIES[n] for n in (1, 2, 3)}, E_SUB, E_ZN))
    assert first_three.n_max == 3 and first_three.to_dict()["n_max_is_lower_bound"] is True
    assert [c.voltage_ok for c in energy_only.criteria] == [True, True, True, False]
    assert all(c.bonds_reform is None for c in energy_only.criteria)
    # bonds fail to reform at n = 2 -> the chain stops at 1
    with_bonds = reversible_limit(curve, {1: True, 2: False, 3: True, 4: True})
    assert with_bonds.n_max == 1
    assert [c.passes for c in with_bonds.criteria] == [True, False, True, False]
    # stricter E_b/n threshold: -0.7 eV passes n = 1, 2 only
    assert reversible_limit(curve, eb_threshold_eV=-0.7).n_max == 2


def test_limit_capacity_reproduces_565_and_exposes_717_mismatch():
    cap = limit_capacity(7, "V8O16")
    q = 14 * F / (3.6 * M_V8O16)
    assert cap.capacity_mAh_g["active"] == pytest.approx(q, rel=1e-9)
    assert round(cap.capacity_mAh_g["active"], 1) == 565.5
    d = cap.to_dict()["quoted_comparison"]
    assert d["quoted_mAh_g"] == 717.06
    assert d["matches"] is False
    assert d["quoted_requires_electrons_per_formula"] == pytest.approx(17.75, abs=0.005)
    assert d["quoted_requires_molar_mass_g_mol"] == pytest.approx(523.28, abs=0.01)
    assert "do NOT match" in d["statement"]


def test_limit_capacity_every_basis():
    # 20 % substrate in the composite, 10 % binder in the electrode:
    # composite = 0.8 * Q_active; electrode = 0.9 * 0.8 * Q_active
    q = 14 * F / (3.6 * M_V8O16)
    cap = limit_capacity(7, substrate_formula="C", substrate_mass_fraction=0.2, other_mass_fraction=0.1)
    assert cap.capacity_mAh_g["composite"] == pytest.approx(0.8 * q, rel=1e-9)
    assert cap.capacity_mAh_g["electrode"] == pytest.approx(0.72 * q, rel=1e-9)
    # substrate as a formula per oxide unit: C24 on V8O16 (the built-in graphene cell per V8O16)
    m_c24 = 24 * 12.0107  # pymatgen standard weight of C
    cap2 = limit_capacity(7, substrate_formula="C24")
    assert cap2.capacity_mAh_g["composite"] == pytest.approx(14 * F / (3.6 * (M_V8O16 + m_c24)), rel=1e-6)
    assert cap2.capacity_mAh_g["electrode"] == cap2.capacity_mAh_g["composite"]
    # explicit masses: 1 mg oxide, 0.25 mg rGO, 0.25 mg binder
    cap3 = limit_capacity(7, masses=ElectrodeMasses(1.0e-3, 0.25e-3, 0.25e-3))
    assert cap3.capacity_mAh_g["composite"] == pytest.approx(q / 1.25, rel=1e-9)
    assert cap3.capacity_mAh_g["electrode"] == pytest.approx(q / 1.5, rel=1e-9)


def test_synthetic_scan_end_to_end_numbers():
    """Synthetic 2×V8O16 cell: E_b → n_max = 3 Zn per cell = 1.5 Zn per V8O16 → Q on every basis."""
    curve = binding_curve(ENERGIES, E_SUB, E_ZN)
    limit = reversible_limit(curve, {n: True for n in ENERGIES})
    cap = limit_capacity(limit.n_max / 2, substrate_mass_fraction=0.5)
    q = 3.0 * F / (3.6 * M_V8O16)
    assert limit.n_max == 3
    assert cap.capacity_mAh_g == pytest.approx({"active": q, "composite": q / 2, "electrode": q / 2}, rel=1e-9)


@pytest.mark.parametrize("bad", [
    dict(energies_by_n_eV={}, e_substrate_eV=-1, e_zn_ref_eV=-1),
    dict(energies_by_n_eV={1: float("nan")}, e_substrate_eV=-1, e_zn_ref_eV=-1),
    dict(energies_by_n_eV={-1: -3.0}, e_substrate_eV=-1, e_zn_ref_eV=-1),
    dict(energies_by_n_eV={0: -2.0, 1: -3.0}, e_substrate_eV=-1, e_zn_ref_eV=-1),
    dict(energies_by_n_eV={1: -3.0}, e_substrate_eV="x", e_zn_ref_eV=-1),
])
def test_binding_curve_rejects_bad_input(bad):
    with pytest.raises(InputError):
        binding_curve(**bad)


@pytest.mark.parametrize("kwargs", [dict(n_max=-1), dict(n_max=7, formula="Xx9"),
                                    dict(n_max=7, substrate_mass_fraction=1.0),
                                    dict(n_max=7, other_mass_fraction=-0.1), dict(n_max=7, electrons_per_zn=0)])
def test_limit_capacity_rejects_nonsense(kwargs):
    with pytest.raises(InputError):
        limit_capacity(**kwargs)


def test_work_of_adhesion_units_and_labels():
    # 1 eV over 10 Å^2 = 0.1 eV/Å^2 = 1.602176634 J/m^2
    adh = work_of_adhesion(-10.0, -20.0, -31.0, 10.0)
    assert adh.w_adh_J_m2 == pytest.approx(1.602176634, rel=1e-12)
    assert adh.label == "moderate (can breathe)"
    assert work_of_adhesion(0, 0, -2.0, 10.0).label == "too strong (locked)"
    assert work_of_adhesion(0, 0, -0.1, 10.0).label == "too weak (detaches)"
    assert work_of_adhesion(0, 0, +0.1, 10.0).label.startswith("unbound (W_adh < 0")  # W = -1.6 J/m²
    assert adhesion_label(1.0, locked_above_J_m2=0.9, detaches_below_J_m2=0.1) == "too strong (locked)"
    with pytest.raises(InputError):
        adhesion_label(1.0, locked_above_J_m2=0.1, detaches_below_J_m2=0.5)
    with pytest.raises(InputError):
        work_of_adhesion(0, 0, -1, 0.0)
    assert math.isfinite(adh.to_dict()["w_adh_J_m2"])


def test_717_comparison_does_not_depend_on_this_results_n_max():
    cap = limit_capacity(0)  # e.g. a scan that found no reversible Zn
    c = cap.to_dict()["quoted_comparison"]
    assert c["quoted_zn_per_formula"] == 7 and c["quoted_electrons_per_formula"] == 14
    assert c["recomputed_quoted_mAh_g"] == pytest.approx(14 * F / (3.6 * M_V8O16), rel=1e-9)
    assert c["quoted_requires_molar_mass_g_mol"] == pytest.approx(523.28, abs=0.01)
    assert c["computed_active_mAh_g"] == 0.0 and c["matches"] is False
    # a self-consistent quote matches
    assert limit_capacity(3, quoted_mAh_g=565.5, quoted_zn_per_formula=7).matches_quoted
