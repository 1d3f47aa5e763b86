"""Committee statistics, disagreement flags, the DFT reference member and the diagnosis (no potential needed)."""

from __future__ import annotations

import pytest

from interstore.atomistic.adhesion import work_of_adhesion
from interstore.atomistic.binding import binding_curve
from interstore.atomistic.committee import CommitteeResult, Member
from interstore.atomistic.diagnosis import cross_contacts, interface_state, interfacial_gap_A, n_max_reason
from interstore.atomistic.reversible import reversible_limit
from interstore.atomistic.structures import build_vo2_ruo2, build_vo2_ti3c2

F = 96485.33212


def _member(name, eb, n_max, kind="potential", converged=None):
    ns = tuple(range(len(eb)))
    volts = tuple(-(b - a) / 2 for a, b in zip(eb[:-1], eb[1:]))  # E_b already has n·E_Zn removed
    return Member(name, ns, tuple(eb), volts, n_max, tuple(converged or [True] * len(eb)), kind)


def _committee(*members):
    return CommitteeResult("test", tuple(members), {}, {"skipped": True}, "V8O16", 2.0, "C25")


def test_mean_spread_and_flags_by_hand():
    # E_b (eV): A 0, -1.0, -1.6, -1.5 ; B 0, -0.6, -1.4, -1.0
    # voltages A: 0.5, 0.3, -0.05 ; B: 0.3, 0.4, -0.2 -> same signs
    a = _member("A", [0.0, -1.0, -1.6, -1.5], 2)
    b = _member("B", [0.0, -0.6, -1.4, -1.0], 2)
    c = _committee(a, b)
    assert c.eb_mean_eV == pytest.approx([0.0, -0.8, -1.5, -1.25])
    assert c.spread_eV == pytest.approx([0.0, 0.4, 0.2, 0.5])
    assert c.voltage_mean_V == pytest.approx([0.4, 0.35, -0.125])
    assert c.voltage_sign_disagreement == [] and not c.n_max_disagreement
    # member C binds the third Zn (V = +0.1 V) and keeps 3: both flags raise
    cc = _member("C", [0.0, -1.0, -1.6, -1.8], 3)
    c3 = _committee(a, cc)
    assert c3.voltage_sign_disagreement == [3] and c3.n_max_disagreement and c3.n_max_range == (2, 3)
    # capacity error bar: 2 and 3 Zn per cell of 2 V8O16 -> 1 and 1.5 Zn per V8O16, z = 2, M = 663.52 g/mol
    lo, hi = c3.capacity_range_mAh_g()
    m = 8 * 50.9415 + 16 * 15.999
    assert lo == pytest.approx(2 * 1.0 * F / (3.6 * m), rel=1e-3)
    assert hi == pytest.approx(2 * 1.5 * F / (3.6 * m), rel=1e-3)
    d = c3.to_dict()
    assert d["n_max"]["committee"] == {"mean": 2.5, "min": 2, "max": 3, "spread": 1}
    assert d["eb_eV"]["committee_mean"] == pytest.approx([0.0, -1.0, -1.6, -1.65])
    assert d["flags"] == {"voltage_sign_disagreement_n": [3], "n_max_disagreement": True}


def test_dft_reference_member_stays_out_of_the_mean_and_gives_deviations():
    a = _member("A", [0.0, -1.0, -1.6], 2)
    b = _member("B", [0.0, -0.6, -1.4], 2)
    dft = _member("DFT", [0.0, -0.9, -1.2], 1, kind="reference", converged=[None] * 3)
    c = _committee(a, b, dft)
    assert c.eb_mean_eV == pytest.approx([0.0, -0.8, -1.5]) and c.reference is dft
    d = c.to_dict()
    assert d["reference_member"] == "DFT" and d["n_max"]["DFT"] == 1
    assert d["deviation_from_reference_eV"]["A"] == pytest.approx([0.0, -0.1, -0.4])
    assert d["deviation_from_reference_eV"]["B"] == pytest.approx([0.0, 0.3, -0.2])


def test_unconverged_loading_is_excluded_from_n_max_unless_accepted():
    curve = binding_curve({1: -801.5, 2: -803.0}, -800.0, -0.25)  # E_b = -1.25, -2.5 eV: both bind
    strict = reversible_limit(curve, converged={1: True, 2: False})
    assert strict.n_max == 1 and "did not converge" in n_max_reason(strict)
    assert reversible_limit(curve, converged={1: True, 2: False}, accept_unconverged=True).n_max == 2
    unbound = reversible_limit(binding_curve({1: -799.0}, -800.0, -0.25))  # E_b = +1.25 eV
    assert unbound.n_max == 0 and "n = 1 fails: E_b/n = +1.250 eV" in n_max_reason(unbound)


def test_diagnosis_contacts_and_states_on_built_cells():
    ti = build_vo2_ti3c2()
    contacts = cross_contacts(ti)
    # 9 lower O, each in a hollow of 3 Ti (2.09 Å); each V 2.1 Å above the top Ti plane, 2.75 Å from 3 Ti
    # (< 1.15 · (1.60 + 1.53) Å)
    assert contacts == {"O–Ti": 27, "Ti–V": 27}
    assert interfacial_gap_A(ti) == pytest.approx(1.1, abs=1e-9)
    opened = build_vo2_ruo2()
    assert cross_contacts(opened) == {} and interfacial_gap_A(opened) > 1.0
    assert cross_contacts(build_vo2_ruo2(gap_A=0.0))  # the closed rutile stacking bonds across
    weak = work_of_adhesion(-10.0, -10.0, -20.1, 100.0)  # 0.1 eV / 100 Å² = 0.016 J/m²
    assert interface_state(weak, {}) == "detached" and interface_state(weak, {"O–C": 2}) == "bonded"
    strong = work_of_adhesion(-10.0, -10.0, -35.0, 100.0)  # 15 eV / 100 Å² = 2.4 J/m²
    assert interface_state(strong, contacts) == "locked"


def test_dft_files_join_as_the_reference_member(tmp_path):
    """E_Zn = -1.25 eV/atom, E(sub) = -800 eV, E(sub + nZn) = -800 - 1.25 n + E_b with E_b = -1.0, -1.6 eV."""
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import write

    from interstore.atomistic.dft_binding import binding_from_files

    def save(atoms, name, energy):
        atoms = atoms.copy()
        atoms.calc = SinglePointCalculator(atoms, energy=energy)
        write(tmp_path / name, atoms, format="extxyz")
        return tmp_path / name

    base = build_vo2_ti3c2()
    base.set_tags(0)
    zn = Atoms("Zn2", positions=[[0, 0, 0], [1.33, 0.77, 2.47]], cell=[[2.665, 0, 0], [-1.33, 2.31, 0], [0, 0, 4.947]],
               pbc=True)
    loaded = {n: save(base + Atoms(f"Zn{n}", positions=[[1.0 + 2.5 * k, 1.0, 30.0] for k in range(n)]),
                      f"n{n}.extxyz", -800.0 - 1.25 * n + eb) for n, eb in ((1, -1.0), (2, -1.6))}
    dft = binding_from_files(save(base, "sub.extxyz", -800.0), save(zn, "zn.extxyz", -2.5), loaded, formula="V9O18")
    member = Member.from_dft(dft)
    assert member.kind == "reference" and member.eb_eV == pytest.approx((0.0, -1.0, -1.6))
    assert member.voltage_V == pytest.approx((0.5, 0.3)) and member.n_max == 2
    c = _committee(_member("A", [0.0, -1.2, -1.5], 2), member)
    assert c.to_dict()["deviation_from_reference_eV"]["A"] == pytest.approx([0.0, -0.2, 0.1])


def test_report_reads_the_conservative_member_of_a_committee_scan(tmp_path):
    import json
    from types import SimpleNamespace

    from interstore.study import _scan_curve

    curve_a = binding_curve({1: -101.0, 2: -102.1}, -100.0, -0.2)
    curve_b = binding_curve({1: -100.5, 2: -100.4}, -100.0, -0.2)
    scans = {"A": SimpleNamespace(to_dict=lambda: {"binding": curve_a.to_dict(), "n_max_per_formula_unit": 1.0}),
             "B": SimpleNamespace(to_dict=lambda: {"binding": curve_b.to_dict(), "n_max_per_formula_unit": 0.5})}
    c = CommitteeResult("t", (_member("A", list(curve_a.eb_eV), 2), _member("B", list(curve_b.eb_eV), 1)), scans,
                        {"skipped": True}, "V8O16", 2.0, "C25")
    d = c.to_dict()
    assert d["conservative_member"] == "B"
    (tmp_path / "scan.json").write_text(json.dumps(d), encoding="utf-8")
    curve, n_max, summary = _scan_curve(tmp_path / "scan.json")
    assert n_max == 0.5 and curve.eb_eV == pytest.approx(curve_b.eb_eV)
    assert summary.used_member == "B" and summary.n_max == {"A": 2, "B": 1}
    assert summary.spread_eV == pytest.approx(c.spread_eV) and summary.paths_per_loading == 1
    assert summary.capacity_range_mAh_g == pytest.approx(c.capacity_range_mAh_g())


def test_path_spread_is_the_largest_over_the_members_and_absent_where_not_sampled():
    from dataclasses import replace

    a = replace(_member("A", [0.0, -1.0, -1.8], 2), path_spread_eV=(None, 0.2, None), path_gain_eV=(None, 0.0, 0.3))
    b = replace(_member("B", [0.0, -0.9, -1.5], 2), path_spread_eV=(None, 0.5, 0.1), path_gain_eV=(None, 0.4, None))
    ref = _member("DFT", [0.0, -3.0, -9.0], 0, kind="reference")  # a reference member never enters it
    c = CommitteeResult("test", (a, b, ref), {}, {"skipped": True}, "V8O16", 2.0, "C25", paths_sampled=3)
    assert c.path_spread_eV == [None, 0.5, 0.1] and c.path_gain_eV == [None, 0.4, 0.3]
    d = c.to_dict()
    assert d["paths_per_loading"] == 3
    assert d["path_spread_eV"] == {"A": [None, 0.2, None], "B": [None, 0.5, 0.1], "largest": [None, 0.5, 0.1]}
    assert d["path_gain_eV"]["largest"] == [None, 0.4, 0.3]
    assert _committee(_member("A", [0.0, -1.0], 1)).to_dict()["path_spread_eV"]["largest"] == [None, None]
