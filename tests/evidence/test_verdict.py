"""Verdict rules against the focus article: Table 1 systems and the 'b ≈ 1 is not enough' case."""

from pathlib import Path

import pytest

from interstore.evidence.manifest import Characterisation
from interstore.evidence.measured import TrackingRecord
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


def test_vox_rgo_asserted_breathing_without_a_bond_strength_number():
    """The focus article reports reversible V–O–C breathing but gives no number for the bond strength:
    condition (iii) is not inferred from the bond change, so the class stays 'interface-assisted'."""
    v = evaluate(_system("VOx-rGO").case())
    assert v.verdict == "interface-assisted bulk insertion"
    assert v.tier == "B"  # asserted tracking; in situ / ex situ not stated, nor the mass basis, nor the alternatives
    c3 = next(r for r in v.reasons if r.rule.startswith("(iii)"))
    assert c3.met is None and "W_adh" in c3.threshold
    assert any("in situ" in t for t in v.to_raise_tier)
    assert any("mass basis" in t for t in v.to_raise_tier)
    assert any("W_adh" in t for t in v.to_raise_tier)


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


def _raman_record(change=-0.40, ri=0.85, mode="operando", sigma=0.01):
    return TrackingRecord(technique="Raman", mode=mode, feature="V–O–C band area", change_on_discharge=change,
                          change_sigma=sigma, source="series.csv", recovery_on_charge=1 + change * (1 - ri),
                          recovery_sigma=sigma, reversibility_index=ri, reversibility_sigma=0.02)


def _ideal(**kw) -> EvidenceCase:
    base = dict(name="ideal", bonding="V–O–C", large_interface=True, paths_connected=True,
                mass_normalisation_stated=True, alternatives_addressed=frozenset(ALTERNATIVES), b_mean=0.95,
                measured=(_raman_record(),))
    return EvidenceCase(**{**base, **kw})


def test_measured_operando_tracking_reaches_tier_a():
    v = evaluate(_ideal())
    assert (v.verdict, v.tier) == ("interface-dominated storage", "A")
    c3 = next(r for r in v.reasons if r.rule.startswith("(iii)"))
    assert c3.met is True and "measured" in c3.detail  # moderate from the measured amplitude
    # the same numbers measured ex situ drop one tier
    assert evaluate(_ideal(measured=(_raman_record(mode="ex situ"),))).tier == "B"
    # a ledger that needs the interface keeps tier A
    assert evaluate(_ideal(ledger_interface_mAh_g=42.0)).tier == "A"


def test_typed_flags_alone_never_reach_tier_a():
    raman = Characterisation(technique="Raman", mode="operando", finding="V–O–C band vanishes and returns",
                             bond_change=True, reversible_bond_change=True)
    v = evaluate(_ideal(measured=(), characterisation=(raman,), bond_strength="moderate", adhesion_J_m2=1.0))
    assert v.verdict == "interface-dominated storage"  # W_adh = 1.0 J m⁻² gives (iii)
    assert v.tier == "B"
    situ = next(r for r in v.reasons if r.rule.startswith("tracking done"))
    assert situ.met is None and "asserted" in situ.detail


def test_measured_records_outrank_typed_flags():
    """A typed 'reversible' flag is overruled by spectra showing the band does not come back."""
    raman = Characterisation(technique="Raman", mode="operando", bond_change=True, reversible_bond_change=True)
    v = evaluate(_ideal(characterisation=(raman,), measured=(_raman_record(ri=0.3),)))
    assert v.verdict == "interface-assisted bulk insertion" and v.tier == "C"
    tracked = next(r for r in v.reasons if r.rule.startswith("reversible interfacial"))
    assert tracked.met is False and "RI = 0.30" in tracked.detail


def test_typed_flag_of_another_technique_still_counts_as_asserted():
    """Measured XPS (a pair: no reversibility) does not silence a typed Raman claim; it stays asserted (tier B)."""
    xps = TrackingRecord(technique="XPS", mode="ex situ", feature="mean V valence", change_on_discharge=-0.12,
                         change_sigma=0.002, source="xps.csv", tracks="redox state")
    raman = Characterisation(technique="Raman", mode="operando", bond_change=True, reversible_bond_change=True)
    v = evaluate(_ideal(measured=(xps,), characterisation=(raman,), adhesion_J_m2=1.0))
    assert (v.verdict, v.tier) == ("interface-dominated storage", "B")
    tracked = next(r for r in v.reasons if r.rule.startswith("reversible interfacial"))
    assert tracked.detail.startswith("asserted")
    assert next(r for r in v.reasons if r.rule.startswith("V redox state")).met is True


def test_redox_change_alone_is_not_bond_tracking():
    """A measured V valence change (bulk insertion does that too) never counts as an interfacial bond change."""
    xps = TrackingRecord(technique="XPS", mode="ex situ", feature="mean V valence", change_on_discharge=-0.12,
                         change_sigma=0.002, source="xps.csv", recovery_on_charge=0.99, recovery_sigma=0.002,
                         reversibility_index=0.95, reversibility_sigma=0.02, tracks="redox state")
    v = evaluate(_ideal(measured=(xps,), b_mean=0.6))
    assert v.verdict == "insufficient evidence" and v.tier == "C"
    assert next(r for r in v.reasons if r.rule.startswith("reversible interfacial")).met is False


@pytest.mark.parametrize("change, sigma", [(-0.03, 0.001), (-0.2, 0.1)])
def test_change_below_threshold_or_within_noise_is_not_tracking(change, sigma):
    v = evaluate(_ideal(measured=(_raman_record(change=change, sigma=sigma),)))
    assert v.verdict == "surface-pseudocapacitive"  # b = 0.95 and no bond change left
    assert v.tier == "C"
    assert next(r for r in v.reasons if r.rule.startswith("reversible interfacial")).met is False


def test_optical_photo_is_not_structural_tracking():
    """The loophole of the issue: an unknown technique with an unknown mode and typed flags."""
    photo = Characterisation(technique="optical photo", mode="unknown", bond_change=True, reversible_bond_change=True)
    v = evaluate(EvidenceCase("photo", large_interface=True, paths_connected=True, bond_strength="moderate",
                              characterisation=(photo,)))
    assert v.verdict == "insufficient evidence"
    assert v.tier == "C"
    tracked = next(r for r in v.reasons if r.rule.startswith("reversible interfacial"))
    assert tracked.met is False and "not structural tracking" in tracked.detail and "optical photo" in tracked.detail


def test_photo_cannot_show_zn_enrichment_either():
    photo = Characterisation(technique="optical photo", zn_interface_enrichment=True)
    v = evaluate(EvidenceCase("photo", characterisation=(photo,)))
    assert next(r for r in v.reasons if r.rule.startswith("(ii)")).met is None


def test_contradictory_flags_are_an_input_error(tmp_path):
    from interstore.errors import InputError
    from interstore.evidence.manifest import load_study

    src = (Path(__file__).resolve().parents[2] / "examples" / "demo_study" / "study.toml").read_text(encoding="utf-8")
    head = src[:src.index("[data]")]
    bad = head + ('[[evidence.characterisation]]\ntechnique = "Raman"\nmode = "operando"\n'
                  'bond_change = false\nreversible_bond_change = true\n')
    (tmp_path / "s.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_study(tmp_path / "s.toml")
    msg = err.value.one_line()
    assert "evidence.characterisation[0].reversible_bond_change" in msg and "contradicts bond_change" in msg
    assert f"(line {bad.count(chr(10))})" in msg


def test_headline_agrees_with_a_ledger_without_interface_share():
    v = evaluate(_ideal(ledger_interface_mAh_g=0.0))
    assert v.verdict == "interface-assisted bulk insertion"
    assert v.headline == "interface-assisted bulk insertion; interface storage not required by the capacity ledger"
    assert v.tier == "B"
    assert any("bare-oxide control" in t for t in v.to_raise_tier)
    assert v.to_dict()["headline"] == v.headline


@pytest.mark.parametrize("w_adh, met", [(0.1, False), (1.0, True), (3.5, False)])
def test_bond_strength_from_the_work_of_adhesion(w_adh, met):
    v = evaluate(_ideal(adhesion_J_m2=w_adh))
    c3 = next(r for r in v.reasons if r.rule.startswith("(iii)"))
    assert c3.met is met and f"{w_adh:.2f} J m⁻²" in c3.detail
    assert (v.verdict == "interface-dominated storage") is met


def test_bond_lost_entirely_is_not_moderate():
    v = evaluate(_ideal(measured=(_raman_record(change=-0.99, ri=0.9),)))
    assert next(r for r in v.reasons if r.rule.startswith("(iii)")).met is None
    assert v.verdict == "interface-assisted bulk insertion"


def test_every_threshold_of_ours_is_stated():
    v = evaluate(_ideal())
    th = {r.rule: r.threshold for r in v.reasons}
    assert "0.05" in th["reversible interfacial bond change tracked structurally"]
    assert "0.80" in th["reversible interfacial bond change tracked structurally"]
    assert all(t.startswith("ours") for t in th.values() if t)


def test_too_strong_bond_blocks_interface_dominated():
    xafs = Characterisation(technique="XAFS", mode="in situ", bond_change=True, reversible_bond_change=True)
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


def test_measured_interfacial_excess_outranks_the_estimate_ledger():
    """Controls that measure an excess with its 95 % interval above 0 make the ledger rule met even
    when the estimate ledger finds no interface share; an interval reaching 0 does not."""
    from interstore.evidence.verdict import EvidenceCase, _ledger_evidence

    base = dict(name="x", ledger_interface_mAh_g=0.0)
    met, detail, rule = _ledger_evidence(EvidenceCase(**base, controls_excess_mAh_g=(56.4, 48.2, 64.6)))
    assert met is True and "48.2 to 64.6" in detail and "above 0" in rule
    assert _ledger_evidence(EvidenceCase(**base, controls_excess_mAh_g=(5.0, -1.0, 11.0)))[0] is False
    assert _ledger_evidence(EvidenceCase(**base))[0] is False
    assert _ledger_evidence(EvidenceCase(name="x"))[0] is None
