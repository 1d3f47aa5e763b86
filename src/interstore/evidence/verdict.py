"""Evidence verdict: how well a study supports interface-dominated Zn storage.

Rules follow Chen, Dai, Yang & He, Mater. Horiz. 2026 (d5mh02260f):

* three conditions: (i) a large, connected interface (ideally 2D/2D),
  (ii) ionic and electronic paths connected through the interface (job sharing),
  (iii) a moderate interfacial bond: strong enough to keep contact, labile
  enough to rearrange reversibly;
* "interface breathing" must be backed by structural characterisation that
  tracks reversible interfacial bond changes (in situ / operando beats ex situ);
* the mass basis must be stated and the alternatives (proton co-insertion,
  pseudocapacitance, parasitic reactions) discussed or quantified;
* b ≈ 1 (or a large Dunn capacitive fraction) only shows fast near-surface
  kinetics and never by itself yields "interface-dominated".

Verdicts: ``interface-dominated storage``, ``interface-assisted bulk insertion``,
``surface-pseudocapacitive``, ``insufficient evidence``.  Tiers rate the
evidence itself: A (in situ/operando bond tracking + mass basis + all
alternatives + a capacity ledger that needs interface storage, when one was
computed), B (bond tracking otherwise), C (electrochemistry, DFT or
characterisation without tracked bond changes), D (nothing usable).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .manifest import Characterisation

VERDICTS = ("interface-dominated storage", "interface-assisted bulk insertion",
            "surface-pseudocapacitive", "insufficient evidence")
ALTERNATIVES = ("proton", "pseudocapacitance", "parasitic")
IN_SITU = ("in situ", "operando")
B_SURFACE = 0.8  # b above this: surface-controlled kinetics
CAPACITIVE_SURFACE = 0.5  # Dunn capacitive fraction above this: mostly capacitive charge


@dataclass(frozen=True)
class EvidenceCase:
    """Everything the verdict rules look at; ``None`` means unknown / not stated."""

    name: str
    bonding: str | None = None
    large_interface: bool | None = None
    large_interface_note: str = ""
    paths_connected: bool | None = None
    bond_strength: str = "unknown"
    characterisation: tuple[Characterisation, ...] = ()
    mass_normalisation_stated: bool | None = None
    alternatives_addressed: frozenset[str] = field(default_factory=frozenset)
    b_mean: float | None = None
    capacitive_fraction: float | None = None
    ledger_interface_mAh_g: float | None = None


@dataclass(frozen=True)
class Reason:
    rule: str
    met: bool | None
    detail: str


@dataclass(frozen=True)
class Verdict:
    name: str
    verdict: str
    tier: str
    reasons: tuple[Reason, ...]
    to_raise_tier: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"name": self.name, "verdict": self.verdict, "tier": self.tier,
                "reasons": [{"rule": r.rule, "met": r.met, "detail": r.detail} for r in self.reasons],
                "to_raise_tier": list(self.to_raise_tier)}


def _experimental(case: EvidenceCase) -> list[Characterisation]:
    """Characterisations that are measurements (not ``computational`` and not named DFT…)."""
    return [c for c in case.characterisation
            if c.mode != "computational" and not c.technique.strip().upper().startswith("DFT")]


def _names(chars) -> str:
    return ", ".join(f"{c.technique} ({c.mode})" for c in chars)


def evaluate(case: EvidenceCase) -> Verdict:
    """Apply the article's rules to one case (see module docstring)."""
    exp = _experimental(case)
    breathing = [c for c in exp if c.reversible_bond_change]
    in_situ = [c for c in breathing if c.mode in IN_SITU]
    changes = [c for c in exp if c.bond_change or c.reversible_bond_change]
    enrichment = [c for c in exp if c.zn_interface_enrichment]
    dft = [c for c in case.characterisation if c not in exp]

    c1 = case.large_interface
    c2 = True if enrichment else case.paths_connected
    if case.bond_strength == "moderate":
        c3, c3_detail = True, "interfacial bond stated as moderate"
    elif case.bond_strength in ("weak", "strong"):
        c3, c3_detail = False, f"interfacial bond stated as {case.bond_strength}: too {case.bond_strength} to breathe"
    elif breathing:
        c3, c3_detail = True, "inferred: the bond breaks and re-forms reversibly, so it is neither locked nor lost"
    else:
        c3, c3_detail = None, "bond strength unknown and no reversible bond change tracked"
    surface_kinetics = ((case.b_mean is not None and case.b_mean >= B_SURFACE)
                        or (case.capacitive_fraction is not None and case.capacitive_fraction >= CAPACITIVE_SURFACE))
    missing_alt = [a for a in ALTERNATIVES if a not in case.alternatives_addressed]

    reasons = [
        Reason("(i) large connected interface (ideally 2D/2D)", c1, case.large_interface_note or "not stated"),
        Reason("(ii) ionic and electronic paths connected through the interface", c2,
               f"Zn enrichment at the interface seen by {_names(enrichment)}" if enrichment
               else {True: "stated", False: "stated as not connected", None: "not shown"}[c2]),
        Reason("(iii) moderate interfacial bond strength", c3, c3_detail),
        Reason("reversible interfacial bond change tracked structurally", bool(breathing),
               f"by {_names(breathing)}" if breathing else
               (f"bond changes without stated reversibility: {_names(changes)}" if changes else "none reported")),
        Reason("tracking done in situ / operando", bool(in_situ),
               f"by {_names(in_situ)}" if in_situ else "no in situ / operando bond tracking"),
        Reason("mass normalisation stated", case.mass_normalisation_stated,
               {True: "stated", False: "not stated", None: "unknown"}[case.mass_normalisation_stated]),
        Reason("alternatives addressed (proton, pseudocapacitance, parasitic)", not missing_alt,
               "missing: " + ", ".join(missing_alt) if missing_alt else "all three addressed"),
        Reason("DFT / atomistic support", bool(dft), _names(dft) if dft else "none"),
        Reason("surface-controlled kinetics (b ≥ 0.8 or capacitive fraction ≥ 0.5): never interface evidence alone",
               None if case.b_mean is None and case.capacitive_fraction is None else surface_kinetics,
               "; ".join(filter(None, [f"b = {case.b_mean:.2f}" if case.b_mean is not None else "",
                                       f"capacitive fraction {case.capacitive_fraction:.2f}"
                                       if case.capacitive_fraction is not None else ""])) or "no kinetic data"),
        Reason("capacity ledger needs interface storage (caps the tier at B when it does not)",
               None if case.ledger_interface_mAh_g is None else case.ledger_interface_mAh_g > 0,
               "no galvanostatic data" if case.ledger_interface_mAh_g is None else
               f"interface share {case.ledger_interface_mAh_g:.1f} mAh g⁻¹ (active) at the lowest rate after "
               "parasitic, proton, surface and bulk shares"),
    ]

    if breathing and c1 and c2 and c3:
        verdict = VERDICTS[0]
    elif surface_kinetics and not changes and not enrichment:
        verdict = VERDICTS[2]
    elif changes or enrichment:
        verdict = VERDICTS[1]
    else:
        verdict = VERDICTS[3]

    accounting_needs_interface = case.ledger_interface_mAh_g is None or case.ledger_interface_mAh_g > 0
    if in_situ and case.mass_normalisation_stated and not missing_alt and accounting_needs_interface:
        tier = "A"
    elif in_situ and case.mass_normalisation_stated and not missing_alt:
        tier = "B"  # structure says interface, but the measured capacity does not require it
    elif breathing:
        tier = "B"
    elif exp or dft or case.b_mean is not None or case.capacitive_fraction is not None:
        tier = "C"
    else:
        tier = "D"

    raise_ = []
    if not in_situ:
        raise_.append(f"track the interfacial {case.bonding or 'V–O–X'} bond in situ / operando "
                      "(Raman, XAFS, FT-IR) over a full charge–discharge cycle and show it re-forms")
    if c1 is not True:
        raise_.append("show a large, connected interface (2D/2D stacking, sub-nm clusters, high coverage)")
    if c2 is not True:
        raise_.append("show connected ionic and electronic paths (e.g. HRTEM/EELS Zn enrichment at the interface)")
    if c3 is not True:
        raise_.append("show a moderate interfacial bond: strong enough to keep contact, labile enough to reform")
    if case.mass_normalisation_stated is not True:
        raise_.append("state the mass basis (active oxide / composite / electrode) of every capacity")
    raise_ += [f"quantify or discuss the {a} contribution" for a in missing_alt]
    if not accounting_needs_interface:
        raise_.append("show capacity that parasitic + proton + surface + bulk cannot explain on the active basis "
                      "(the ledger explains the measurement without interface storage), e.g. quantify the "
                      "surface share on a bare-oxide control electrode")
    if surface_kinetics and not breathing:
        raise_.append("b ≈ 1 shows fast near-surface kinetics only; add structural evidence of interface storage")
    return Verdict(case.name, verdict, tier, tuple(reasons), tuple(raise_))


def case_from_study(study, *, b_mean: float | None = None, capacitive_fraction: float | None = None,
                    quantified: frozenset[str] = frozenset(),
                    ledger_interface_mAh_g: float | None = None) -> EvidenceCase:
    """The verdict's view of a :class:`~interstore.evidence.manifest.Study`.

    Condition (i) is met for a 2D/2D architecture or when at least half of the
    active phase lies within one interface layer (see
    :func:`~interstore.evidence.ledger.interface_site_fraction`).  ``quantified``
    names alternatives the capacity ledger quantified from data; ``ledger_interface_mAh_g`` is
    the ledger's interface share at the lowest rate (mAh g⁻¹, active)."""
    from .ledger import interface_site_fraction

    m = study.manifest
    g, ev = m.geometry, m.evidence
    computed = () if m.atomistic is None else (Characterisation(
        technique="atomistic (manifest [atomistic])", mode="computational",
        finding="E_b(n) / reversible Zn limit given in the study"),)
    f_int = interface_site_fraction(g.morphology, g.size_nm, g.interface_coverage, g.interface_layer_nm)
    large = g.architecture == "2D/2D" or f_int >= 0.5
    note = (f"{g.architecture} architecture; {g.morphology} of {g.size_nm:g} nm, coverage {g.interface_coverage:g}: "
            f"{100 * f_int:.0f} % of the active phase within {g.interface_layer_nm:g} nm of the interface")
    return EvidenceCase(name=m.study.name, bonding=m.material.bonding, large_interface=large,
                        large_interface_note=note, paths_connected=ev.paths_connected,
                        bond_strength=ev.bond_strength, characterisation=tuple(ev.characterisation) + computed,
                        mass_normalisation_stated=ev.mass_normalisation_stated,
                        alternatives_addressed=frozenset(ev.alternatives_discussed) | quantified,
                        b_mean=b_mean, capacitive_fraction=capacitive_fraction,
                        ledger_interface_mAh_g=ledger_interface_mAh_g)
