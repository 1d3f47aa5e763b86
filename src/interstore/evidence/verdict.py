"""Evidence verdict: how well a study supports interface-dominated Zn storage.

Rules follow Chen, Dai, Yang & He, Mater. Horiz. 2026 (d5mh02260f):

* three conditions: (i) a large, connected interface (ideally 2D/2D),
  (ii) ionic and electronic paths connected through the interface (job sharing),
  (iii) a moderate interfacial bond: strong enough to keep contact, labile
  enough to rearrange reversibly;
* "interface breathing" must be backed by structural characterisation that
  tracks reversible interfacial bond changes (in situ / operando beats ex situ)
  with one of the article's techniques (Raman, FT-IR, XPS, XAFS/XANES/EXAFS, EELS;
  :mod:`~interstore.evidence.techniques`); any other technique is not tracking;
* the mass basis must be stated and the alternatives (proton co-insertion,
  pseudocapacitance, parasitic reactions) discussed or quantified;
* b ≈ 1 (or a large Dunn capacitive fraction) only shows fast near-surface
  kinetics and never by itself yields "interface-dominated".

interstore adds (its own thresholds, printed next to each rule):

* measured records first: a :class:`~interstore.evidence.measured.TrackingRecord` from
  a spectrum analysis outranks a typed ``reversible_bond_change = true`` of the same
  technique; a typed flag counts only as *asserted* and can never reach tier A;
* condition (iii) needs a number: the work of adhesion inside the window of
  :mod:`~interstore.atomistic.adhesion`, or a measured reversible change of moderate
  amplitude; ``bond_strength = "moderate"`` alone is an assertion and leaves it unknown;
* the headline agrees with the capacity ledger: when the ledger explains the capacity
  without interface storage, the verdict is never "interface-dominated storage".

Verdicts: ``interface-dominated storage``, ``interface-assisted bulk insertion``,
``surface-pseudocapacitive``, ``insufficient evidence``.  Tiers rate the
evidence itself: A (measured in situ/operando bond tracking + mass basis + all
alternatives + a capacity ledger that needs interface storage, when one was
computed), B (bond tracking otherwise, measured or asserted), C (electrochemistry,
DFT or characterisation without tracked bond changes), D (nothing usable).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .manifest import Characterisation
from .measured import MODERATE_TEXT, THRESHOLDS_TEXT, TrackingRecord
from .techniques import BOND_TRACKING, maps_enrichment, recognised, tracks_bonds

VERDICTS = ("interface-dominated storage", "interface-assisted bulk insertion",
            "surface-pseudocapacitive", "insufficient evidence")
NOT_REQUIRED = "interface storage not required by the capacity ledger"
ALTERNATIVES = ("proton", "pseudocapacitance", "parasitic")
IN_SITU = ("in situ", "operando")
B_SURFACE = 0.8  # b above this: surface-controlled kinetics
CAPACITIVE_SURFACE = 0.5  # Dunn capacitive fraction above this: mostly capacitive charge
LARGE_INTERFACE_SITES = 0.5  # share of the active phase within one interface layer for condition (i)


@dataclass(frozen=True)
class EvidenceCase:
    """Everything the verdict rules look at; ``None`` means unknown / not stated.

    ``measured`` holds the records of spectrum analyses; ``adhesion_J_m2`` the work of
    adhesion W_adh (J m⁻²) of the interface from an atomistic calculation."""

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
    measured: tuple[TrackingRecord, ...] = ()
    adhesion_J_m2: float | None = None
    controls_excess_mAh_g: tuple[float, float, float] | None = None  # value, 95 % low, high (composite)


@dataclass(frozen=True)
class Reason:
    rule: str
    met: bool | None
    detail: str
    threshold: str = ""


@dataclass(frozen=True)
class Verdict:
    name: str
    verdict: str
    tier: str
    reasons: tuple[Reason, ...]
    to_raise_tier: tuple[str, ...]
    qualifier: str = ""

    @property
    def headline(self) -> str:
        """Verdict class plus its qualifier, e.g. 'interface-assisted bulk insertion; interface storage
        not required by the capacity ledger'."""
        return f"{self.verdict}; {self.qualifier}" if self.qualifier else self.verdict

    def to_dict(self) -> dict:
        return {"name": self.name, "verdict": self.verdict, "headline": self.headline, "tier": self.tier,
                "reasons": [{"rule": r.rule, "met": r.met, "detail": r.detail, "threshold": r.threshold}
                            for r in self.reasons],
                "to_raise_tier": list(self.to_raise_tier)}


def _experimental(case: EvidenceCase) -> list[Characterisation]:
    """Characterisations that are measurements (not ``computational`` and not named DFT…)."""
    return [c for c in case.characterisation
            if c.mode != "computational" and not c.technique.strip().upper().startswith("DFT")]


def _names(chars) -> str:
    return ", ".join(f"{c.technique} ({c.mode})" for c in chars)


def _bond_strength(case: EvidenceCase, measured_rev: list[TrackingRecord]) -> tuple[bool | None, str]:
    """Condition (iii) from a number: W_adh in the adhesion window, else a measured reversible change
    of moderate amplitude; a typed 'weak'/'strong' fails it, a typed 'moderate' is only asserted."""
    from ..atomistic.adhesion import adhesion_label

    if case.adhesion_J_m2 is not None:
        label = adhesion_label(case.adhesion_J_m2)
        met = True if label.startswith("moderate") else (None if label.startswith("unbound") else False)
        return met, f"W_adh = {case.adhesion_J_m2:.2f} J m⁻² (atomistic): {label}"
    moderate = [r for r in measured_rev if r.moderate_amplitude]
    if moderate:
        return True, "measured: " + "; ".join(r.summary() for r in moderate)
    if measured_rev:
        return None, "measured change too large to call moderate (feature lost at the end of discharge): " + \
            "; ".join(r.summary() for r in measured_rev)
    if case.bond_strength in ("weak", "strong"):
        return False, f"stated as {case.bond_strength} (asserted): too {case.bond_strength} to breathe"
    if case.bond_strength == "moderate":
        return None, "asserted as moderate without a number (give W_adh or a measured bond-change amplitude)"
    return None, "no W_adh and no measured bond-change amplitude"


def evaluate(case: EvidenceCase) -> Verdict:
    """Apply the article's rules and interstore's thresholds to one case (see module docstring)."""
    exp = _experimental(case)
    tracking = [c for c in exp if tracks_bonds(c.technique)]
    ignored = [c for c in exp if not tracks_bonds(c.technique) and (c.bond_change or c.reversible_bond_change)]
    bond_records = [r for r in case.measured if r.tracks == "interfacial bond"]
    redox = [r for r in case.measured if r.tracks != "interfacial bond"]
    measured_rev = [r for r in bond_records if r.reversible]
    measured_change = [r for r in bond_records if r.significant]
    # measured records first: a typed flag counts (as asserted) only for techniques nothing was measured with
    measured_by = {r.technique for r in bond_records}
    unmeasured = [c for c in tracking if not (set(recognised(c.technique)) & set(BOND_TRACKING)) <= measured_by]
    asserted = [c for c in unmeasured if c.reversible_bond_change]
    asserted_changes = [c for c in unmeasured if c.bond_change or c.reversible_bond_change]
    breathing = bool(measured_rev or asserted)
    in_situ_measured = [r for r in measured_rev if r.mode in IN_SITU]
    in_situ_asserted = [c for c in asserted if c.mode in IN_SITU]
    changes = bool(measured_change or asserted_changes)
    enrichment = [c for c in exp if c.zn_interface_enrichment and maps_enrichment(c.technique)]
    dft = [c for c in case.characterisation if c not in exp]

    c1 = case.large_interface
    c2 = True if enrichment else case.paths_connected
    c3, c3_detail = _bond_strength(case, measured_rev)
    surface_kinetics = ((case.b_mean is not None and case.b_mean >= B_SURFACE)
                        or (case.capacitive_fraction is not None and case.capacitive_fraction >= CAPACITIVE_SURFACE))
    missing_alt = [a for a in ALTERNATIVES if a not in case.alternatives_addressed]
    ledger_needs, ledger_detail, ledger_rule = _ledger_evidence(case)
    ledger_says_no = ledger_needs is False

    if measured_rev:
        tracked = "measured: " + "; ".join(r.summary() for r in measured_rev)
    elif bond_records and not asserted:
        tracked = "measured, not reversible: " + "; ".join(r.summary() for r in bond_records)
    elif asserted:
        tracked = f"asserted (typed flag, no spectra): {_names(asserted)}"
    elif asserted_changes:
        tracked = f"bond changes without stated reversibility: {_names(asserted_changes)}"
    else:
        tracked = "none reported"
    if ignored:
        tracked += f"; not structural tracking (not Raman, FT-IR, XPS, XAFS/XANES/EXAFS or EELS): {_names(ignored)}"
    if in_situ_measured:
        situ = "measured by " + ", ".join(f"{r.technique} ({r.mode})" for r in in_situ_measured)
    elif in_situ_asserted:
        situ = f"asserted only (no spectra): {_names(in_situ_asserted)}"
    else:
        situ = "no in situ / operando bond tracking"
    reasons = [
        Reason("(i) large connected interface (ideally 2D/2D)", c1, case.large_interface_note or "not stated",
               f"ours: 2D/2D, or ≥ {100 * LARGE_INTERFACE_SITES:.0f} % of the active phase within one interface layer"),
        Reason("(ii) ionic and electronic paths connected through the interface", c2,
               f"Zn enrichment at the interface seen by {_names(enrichment)}" if enrichment
               else {True: "stated", False: "stated as not connected", None: "not shown"}[c2]),
        Reason("(iii) moderate interfacial bond strength", c3, c3_detail,
               MODERATE_TEXT + " (ours: 0.3–2.0 J m⁻², interstore.atomistic.adhesion)"),
        Reason("reversible interfacial bond change tracked structurally", breathing, tracked, THRESHOLDS_TEXT),
        Reason("tracking done in situ / operando and measured (typed flags cap the tier at B)",
               True if in_situ_measured else (None if in_situ_asserted else False), situ),
        Reason("mass normalisation stated", case.mass_normalisation_stated,
               {True: "stated", False: "not stated", None: "unknown"}[case.mass_normalisation_stated]),
        Reason("alternatives addressed (proton, pseudocapacitance, parasitic)", not missing_alt,
               "missing: " + ", ".join(missing_alt) if missing_alt else "all three addressed"),
        Reason("DFT / atomistic support", bool(dft), _names(dft) if dft else "none"),
        Reason("V redox state tracked (supports, never proves, interface storage: bulk insertion changes it too)",
               any(r.significant for r in redox) if redox else None,
               "; ".join(r.summary() for r in redox) if redox else "no XPS V 2p / XANES states given",
               THRESHOLDS_TEXT),
        Reason("surface-controlled kinetics: never interface evidence alone",
               None if case.b_mean is None and case.capacitive_fraction is None else surface_kinetics,
               "; ".join(filter(None, [f"b = {case.b_mean:.2f}" if case.b_mean is not None else "",
                                       f"capacitive fraction {case.capacitive_fraction:.2f}"
                                       if case.capacitive_fraction is not None else ""])) or "no kinetic data",
               f"ours: b ≥ {B_SURFACE} or Dunn capacitive fraction ≥ {CAPACITIVE_SURFACE}"),
        Reason("capacity ledger needs interface storage (else not 'interface-dominated', tier ≤ B)",
               ledger_needs, ledger_detail, ledger_rule),
    ]

    qualifier = ""
    if breathing and c1 and c2 and c3 and not ledger_says_no:
        verdict = VERDICTS[0]
    elif surface_kinetics and not changes and not enrichment:
        verdict = VERDICTS[2]
    elif changes or enrichment:
        verdict = VERDICTS[1]
        qualifier = NOT_REQUIRED if ledger_says_no else ""
    else:
        verdict = VERDICTS[3]

    complete = case.mass_normalisation_stated and not missing_alt
    if in_situ_measured and complete and not ledger_says_no:
        tier = "A"
    elif breathing:
        tier = "B"  # asserted or ex situ tracking, or the measured capacity does not require the interface
    elif exp or dft or case.measured or case.b_mean is not None or case.capacitive_fraction is not None:
        tier = "C"
    else:
        tier = "D"

    raise_ = []
    if not in_situ_measured:
        raise_.append(f"track the interfacial {case.bonding or 'V–O–X'} bond in situ / operando "
                      "(Raman, XAFS, FT-IR) over a full charge–discharge cycle, analyse the spectra "
                      "(interstore spectra track) and show it re-forms")
    if c1 is not True:
        raise_.append("show a large, connected interface (2D/2D stacking, sub-nm clusters, high coverage)")
    if c2 is not True:
        raise_.append("show connected ionic and electronic paths (e.g. HRTEM/EELS Zn enrichment at the interface)")
    if c3 is not True:
        raise_.append("give a number for the interfacial bond strength: W_adh from 'interstore interface scan' or 'interface energies' (atomistic.work_of_adhesion_J_m2) "
                      "or a measured bond-change amplitude from spectra")
    if case.mass_normalisation_stated is not True:
        raise_.append("state the mass basis (active oxide / composite / electrode) of every capacity")
    raise_ += [f"quantify or discuss the {a} contribution" for a in missing_alt]
    if ledger_says_no:
        raise_.append("show capacity that parasitic + proton + surface + bulk cannot explain on the active basis "
                      "(the ledger explains the measurement without interface storage), e.g. quantify the "
                      "surface share on a bare-oxide control electrode")
    if surface_kinetics and not breathing:
        raise_.append("b ≈ 1 shows fast near-surface kinetics only; add structural evidence of interface storage")
    return Verdict(case.name, verdict, tier, tuple(reasons), tuple(raise_), qualifier)


def _ledger_evidence(case: EvidenceCase) -> tuple[bool | None, str, str]:
    """Does the capacity ledger need interface storage?  The measured interfacial excess over
    bare-oxide and bare-substrate controls decides when the study has them (its 95 % interval
    must lie above zero); otherwise the estimate ledger's interface share at the lowest rate."""
    if case.controls_excess_mAh_g is not None:
        value, low, high = case.controls_excess_mAh_g
        return (low > 0, f"measured interfacial excess over the controls {value:.1f} mAh g⁻¹ (composite; 95 % "
                f"{low:.1f} to {high:.1f}) at the lowest rate", "ours: 95 % interval of the excess above 0")
    if case.ledger_interface_mAh_g is None:
        return None, "no galvanostatic data", "ours: interface share > 0 mAh g⁻¹ (active)"
    return (case.ledger_interface_mAh_g > 0,
            f"interface share {case.ledger_interface_mAh_g:.1f} mAh g⁻¹ (active) at the lowest rate after parasitic, "
            "proton, surface and bulk shares (estimate ledger; no control electrodes)",
            "ours: interface share > 0 mAh g⁻¹ (active)")


def case_from_study(study, *, b_mean: float | None = None, capacitive_fraction: float | None = None,
                    quantified: frozenset[str] = frozenset(),
                    ledger_interface_mAh_g: float | None = None,
                    measured: tuple[TrackingRecord, ...] = (),
                    controls_excess_mAh_g: tuple[float, float, float] | None = None) -> EvidenceCase:
    """The verdict's view of a :class:`~interstore.evidence.manifest.Study`.

    Condition (i) is met for a 2D/2D architecture or when at least half of the
    active phase lies within one interface layer (see
    :func:`~interstore.evidence.ledger.interface_site_fraction`).  ``quantified``
    names alternatives the capacity ledger quantified from data; ``ledger_interface_mAh_g`` is
    the ledger's interface share at the lowest rate (mAh g⁻¹, active); ``measured`` the records of
    the study's spectra (:func:`interstore.spectra.evidence.study_records`); ``controls_excess_mAh_g``
    the measured interfacial excess (value, 95 % low, high; mAh g⁻¹ composite) at the lowest rate,
    which outranks the estimate ledger when given.  W_adh comes from
    ``atomistic.work_of_adhesion_J_m2``."""
    from .ledger import interface_site_fraction

    m = study.manifest
    g, ev = m.geometry, m.evidence
    computed = () if m.atomistic is None else (Characterisation(
        technique="atomistic (manifest [atomistic])", mode="computational",
        finding="E_b(n) / reversible Zn limit given in the study"),)
    f_int = interface_site_fraction(g.morphology, g.size_nm, g.interface_coverage, g.interface_layer_nm)
    large = g.architecture == "2D/2D" or f_int >= LARGE_INTERFACE_SITES
    note = (f"{g.architecture} architecture; {g.morphology} of {g.size_nm:g} nm, coverage {g.interface_coverage:g}: "
            f"{100 * f_int:.0f} % of the active phase within {g.interface_layer_nm:g} nm of the interface")
    return EvidenceCase(name=m.study.name, bonding=m.material.bonding, large_interface=large,
                        large_interface_note=note, paths_connected=ev.paths_connected,
                        bond_strength=ev.bond_strength, characterisation=tuple(ev.characterisation) + computed,
                        mass_normalisation_stated=ev.mass_normalisation_stated,
                        alternatives_addressed=frozenset(ev.alternatives_discussed) | quantified,
                        b_mean=b_mean, capacitive_fraction=capacitive_fraction,
                        ledger_interface_mAh_g=ledger_interface_mAh_g, measured=tuple(measured),
                        controls_excess_mAh_g=controls_excess_mAh_g,
                        adhesion_J_m2=None if m.atomistic is None else m.atomistic.work_of_adhesion_J_m2)
