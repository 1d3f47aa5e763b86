"""Measured structural-tracking records: the numbers a spectrum analysis hands to the verdict.

A :class:`TrackingRecord` says what a technique measured on one interfacial feature
(a Raman/FT-IR band, an XPS component, an XAS edge) across a charge–discharge cycle:

* ``change_on_discharge`` — relative change of the feature from the start of discharge
  to its end, Δ = (F_dis − F_0)/F_0 (−0.40: 40 % of the band lost);
* ``recovery_on_charge`` — the feature at the end of charge relative to the start,
  F_ch/F_0;
* ``reversibility_index`` — the share of the discharge change undone by the charge,
  RI = (F_ch − F_dis)/(F_0 − F_dis) (1: fully back, 0: no recovery);
* ``tracks`` — ``interfacial bond`` or ``redox state`` (the verdict's bond rules read only the first);

each with its 1σ.  The thresholds below are interstore's, not the focus article's
(the article gives none); the verdict prints them next to the rules that use them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from .techniques import BOND_TRACKING

MIN_CHANGE = 0.05        # |Δ| below 5 % of the feature is not a bond change
MIN_CHANGE_SIGMAS = 3.0  # … nor is one within 3σ of zero
REVERSIBLE_MIN = 0.8     # RI ≥ 0.8: the bond re-forms
LOST_ABOVE = 0.95        # |Δ| > 95 %: the feature is gone at the end of discharge (bond lost, not breathing)
MODES = ("operando", "in situ", "ex situ")
# what a feature follows: the interfacial bond itself (a V–O–C band, the V–O–C share of O 1s) or the V
# redox state (mean valence, pre-edge), which bulk insertion changes too and so supports but never proves
TRACKS = ("interfacial bond", "redox state")

THRESHOLDS_TEXT = (f"ours: a change counts when |Δ| ≥ {MIN_CHANGE:.2f} and ≥ {MIN_CHANGE_SIGMAS:g}σ; "
                   f"reversible when RI ≥ {REVERSIBLE_MIN:.2f}")
MODERATE_TEXT = (f"ours: moderate when the measured change is {MIN_CHANGE:.2f} ≤ |Δ| ≤ {LOST_ABOVE:.2f} with "
                 f"RI ≥ {REVERSIBLE_MIN:.2f}, or W_adh inside the adhesion window")


def state_changes(f0: float, s0: float, fd: float, sd: float, fc: float | None = None,
                  sc: float | None = None) -> dict[str, float | None]:
    """Δ, R and RI with first-order 1σ from the feature at the start (f0), end of discharge (fd)
    and end of charge (fc, optional), each with its σ (see module docstring)."""
    if f0 == 0 or f0 == fd:
        raise ValueError(f"the feature does not change on discharge (F0 = {f0:.4g}, F_dis = {fd:.4g})")
    out = {"change": (fd - f0) / f0, "change_sigma": math.hypot(sd / f0, fd * s0 / f0 ** 2),
           "recovery": None, "recovery_sigma": None, "index": None, "index_sigma": None}
    if fc is not None:
        d, num = f0 - fd, fc - fd
        out.update(recovery=fc / f0, recovery_sigma=math.hypot(sc / f0, fc * s0 / f0 ** 2), index=num / d,
                   index_sigma=math.sqrt((sc / d) ** 2 + (num * s0 / d ** 2) ** 2 + ((num - d) * sd / d ** 2) ** 2))
    return out


@dataclass(frozen=True)
class TrackingRecord:
    """One measured feature across a cycle (see module docstring for Δ, F_ch/F_0 and RI)."""

    technique: str
    mode: str
    feature: str
    change_on_discharge: float
    change_sigma: float
    source: str
    recovery_on_charge: float | None = None
    recovery_sigma: float | None = None
    reversibility_index: float | None = None
    reversibility_sigma: float | None = None
    hysteresis: float | None = None
    unit: str = "fraction of the pristine value"
    tracks: str = "interfacial bond"

    def __post_init__(self) -> None:
        if self.tracks not in TRACKS:
            raise ValueError(f"tracks {self.tracks!r} is not one of {', '.join(TRACKS)}")
        if self.technique not in BOND_TRACKING:
            raise ValueError(f"technique {self.technique!r} is not one of {', '.join(BOND_TRACKING)}")
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {', '.join(MODES)}")

    @property
    def significant(self) -> bool:
        """|Δ| ≥ MIN_CHANGE and ≥ MIN_CHANGE_SIGMAS·σ."""
        d = abs(self.change_on_discharge)
        return math.isfinite(d) and d >= MIN_CHANGE and d >= MIN_CHANGE_SIGMAS * self.change_sigma

    @property
    def reversible(self) -> bool:
        """A significant change with RI ≥ REVERSIBLE_MIN."""
        return (self.significant and self.reversibility_index is not None
                and self.reversibility_index >= REVERSIBLE_MIN)

    @property
    def moderate_amplitude(self) -> bool:
        """Reversible and not lost: MIN_CHANGE ≤ |Δ| ≤ LOST_ABOVE with RI ≥ REVERSIBLE_MIN."""
        return self.reversible and abs(self.change_on_discharge) <= LOST_ABOVE

    def summary(self) -> str:
        """One line with the numbers, e.g. 'Raman (operando) V–O–C band area: Δ = −40 ± 1 %, RI = 0.80 ± 0.02'."""
        text = (f"{self.technique} ({self.mode}) {self.feature}: Δ on discharge = "
                f"{self.change_on_discharge:+.3g} ± {self.change_sigma:.2g} ({self.unit})")
        if self.reversibility_index is not None:
            text += f", RI = {self.reversibility_index:.2f} ± {self.reversibility_sigma or 0:.2f}"
        if self.hysteresis is not None:
            text += f", hysteresis {self.hysteresis:.3g}"
        return text + f" [{self.source}]"

    def to_dict(self) -> dict:
        return {**asdict(self), "significant": self.significant, "reversible": self.reversible,
                "moderate_amplitude": self.moderate_amplitude}
