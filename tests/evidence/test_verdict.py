"""Verdict rules against the focus article: Table 1 systems and the 'b ≈ 1 is not enough' case."""

import pytest

from interstore.evidence.manifest import Characterisation
from interstore.evidence.table1 import table1_systems
from interstore.evidence.verdict import ALTERNATIVES, EvidenceCase, evaluate


def _system(name):
    return next(s for s in table1_systems() if s.name == name)


def test_table1_has_the_three_systems_with_their_bonds():
    got = {s.name: s.bonding for s in table1_systems()}
    assert got == {"VOx-rGO": "V–O–C", "HVO@Ti3C2": "V–O–Ti", "ZVO/RuO2": "V–O–Ru"}
    assert _system("VOx-rGO").limit_capacity_mAh_g == pytest.approx(717.06)
    assert _system("VOx-rGO").limit_n_max == 7
    assert "XAFS" in _system("ZVO/RuO2").table1_evidence


def test_vox_rgo_interface_dominated_but_not_top_tier():
    v = evaluate(_system("VOx-rGO").case())
    assert v.verdict == "interface-dominated storage"
    assert v.tier == "B"  # in situ / ex situ not stated, nor the mass basis, nor the alternatives
    assert any("in situ" in t for t in v.to_raise_tier)
    assert any("mass basis" in t for t in v.to_raise_tier)


def test_hvo_ti3c2_bond_change_without_reversibility_is_interface_assisted():
    v = evaluate(_system("HVO@Ti3C2").case())
    assert v.verdict == "interface-assisted bulk insertion"
    assert v.tier == "C"


def test_zvo_ruo2_xafs_tracking_without_the_three_conditions():
    v = evaluate(_system("ZVO/RuO2").case())
    assert v.verdict == "interface-assisted bulk insertion"
    assert v.tier == "B"
    unmet = {r.rule for r in v.reasons if r.met is not True}
    assert any(r.startswith("(i)") for r in unmet) and any(r.startswith("(ii)") for r in unmet)


def test_b_near_one_without_structural_evidence_is_never_interface_dominated():
    case = EvidenceCase("fast electrode", bonding="V–O–C", large_interface=True, paths_connected=True,
                        bond_strength="moderate", mass_normalisation_stated=True,
                        alternatives_addressed=frozenset(ALTERNATIVES), b_mean=0.98, capacitive_fraction=0.85)
    v = evaluate(case)
    assert v.verdict == "surface-pseudocapacitive"
    assert v.tier == "C"
    assert any("b ≈ 1" in t for t in v.to_raise_tier)


def test_full_in_situ_evidence_reaches_tier_a():
    raman = Characterisation(technique="Raman", mode="operando", finding="V–O–C band vanishes and returns",
                             bond_change=True, reversible_bond_change=True)
    case = EvidenceCase("ideal", bonding="V–O–C", large_interface=True, paths_connected=True,
                        bond_strength="unknown", characterisation=(raman,), mass_normalisation_stated=True,
                        alternatives_addressed=frozenset(ALTERNATIVES), b_mean=0.95)
    v = evaluate(case)
    assert (v.verdict, v.tier) == ("interface-dominated storage", "A")
    # the same evidence measured ex situ drops one tier
    ex = evaluate(EvidenceCase(**{**case.__dict__, "characterisation": (raman.model_copy(update={"mode": "ex situ"}),)}))
    assert (ex.verdict, ex.tier) == ("interface-dominated storage", "B")
    # a ledger that explains the capacity without interface storage caps the tier at B
    explained = evaluate(EvidenceCase(**{**case.__dict__, "ledger_interface_mAh_g": 0.0}))
    assert (explained.verdict, explained.tier) == ("interface-dominated storage", "B")
    assert any("bare-oxide control" in t for t in explained.to_raise_tier)
    needed = evaluate(EvidenceCase(**{**case.__dict__, "ledger_interface_mAh_g": 42.0}))
    assert needed.tier == "A"


def test_too_strong_bond_blocks_interface_dominated():
    xafs = Characterisation(technique="XAFS", mode="in situ", reversible_bond_change=True)
    v = evaluate(EvidenceCase("locked", large_interface=True, paths_connected=True, bond_strength="strong",
                              characterisation=(xafs,)))
    assert v.verdict == "interface-assisted bulk insertion"
    assert next(r for r in v.reasons if r.rule.startswith("(iii)")).met is False


def test_nothing_is_insufficient_evidence():
    v = evaluate(EvidenceCase("empty"))
    assert (v.verdict, v.tier) == ("insufficient evidence", "D")
    assert v.to_dict()["to_raise_tier"]


@pytest.mark.parametrize("technique, mode", [("DFT", "computational"), ("DFT simulation", "unknown")])
def test_dft_alone_is_not_structural_evidence(technique, mode):
    dft = Characterisation(technique=technique, mode=mode, reversible_bond_change=True)
    v = evaluate(EvidenceCase("dft only", large_interface=True, paths_connected=True, characterisation=(dft,)))
    assert v.verdict == "insufficient evidence" and v.tier == "C"
