"""Reversible interface-storage limit n_max from per-n criteria.

For each n ≥ 1 three criteria are reported (none is hidden behind the verdict):

1. ``eb_per_zn_ok``:  E_b(n)/n < ``eb_threshold_eV`` (default 0 eV: binding is
   favourable with respect to the chosen Zn reference);
2. ``voltage_ok``:     the voltage of the step into n, V̄(n_prev → n) > 0 V;
3. ``bonds_reform``:   after removing the Zn and relaxing, no interfacial bond
   is left broken (``None`` when not assessed, e.g. energies from DFT files).

A loading whose relaxation did not converge (``converged`` False) does not
count towards n_max unless ``accept_unconverged`` is set: its energy is not a
minimum, so neither its E_b nor its voltage can be trusted.

n_max is the largest n such that every loading 1…n passes every assessed
criterion (Zn fills sequentially: a loading that fails blocks the ones above).
When every computed n passes, n_max is only a lower bound (``is_lower_bound``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from .binding import BindingCurve


@dataclass(frozen=True)
class NCriteria:
    """The three reversibility criteria at one Zn count n."""

    n_zn: int
    eb_per_zn_eV: float
    eb_per_zn_ok: bool
    voltage_V: float
    voltage_ok: bool
    bonds_reform: bool | None
    converged: bool | None = None
    accept_unconverged: bool = False

    @property
    def passes(self) -> bool:
        trusted = self.converged is not False or self.accept_unconverged
        return self.eb_per_zn_ok and self.voltage_ok and self.bonds_reform is not False and trusted


@dataclass(frozen=True)
class ReversibleLimit:
    """n_max, the criteria per n, the E_b/n threshold and whether bond reformation was assessed."""

    n_max: int
    criteria: tuple[NCriteria, ...]
    eb_threshold_eV: float
    bonds_assessed: bool

    @property
    def is_lower_bound(self) -> bool:
        """Every loaded n passed: the true limit may lie above the largest n computed."""
        return bool(self.criteria) and all(c.passes for c in self.criteria)

    def to_dict(self) -> dict:
        return {
            "n_max": self.n_max,
            "n_max_is_lower_bound": self.is_lower_bound,
            "eb_threshold_eV": self.eb_threshold_eV,
            "bonds_assessed": self.bonds_assessed,
            "criteria": [{"n_zn": c.n_zn, "eb_per_zn_eV": c.eb_per_zn_eV, "eb_per_zn_ok": c.eb_per_zn_ok,
                          "voltage_V": c.voltage_V, "voltage_ok": c.voltage_ok,
                          "bonds_reform": c.bonds_reform, "converged": c.converged,
                          "unconverged_accepted": c.accept_unconverged and c.converged is False,
                          "passes": c.passes} for c in self.criteria],
        }


def check_eb_threshold(eb_threshold_eV: float) -> float:
    """The E_b(n)/n threshold (eV per Zn) if it is a finite number, else InputError (NaN fails every n)."""
    import math

    try:
        value = float(eb_threshold_eV)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise InputError("option --threshold", f"got {eb_threshold_eV!r}", expected="a finite E_b/n in eV per Zn")
    return value


def reversible_limit(curve: BindingCurve, bonds_reform: dict[int, bool] | None = None, *,
                     eb_threshold_eV: float = 0.0, converged: dict[int, bool] | None = None,
                     accept_unconverged: bool = False) -> ReversibleLimit:
    """n_max and the per-n criteria from a binding curve, the bond-reformation outcome per n and
    whether each loaded relaxation converged (unconverged loadings block n_max unless accepted)."""
    check_eb_threshold(eb_threshold_eV)
    reform = bonds_reform or {}
    conv = converged or {}
    criteria = []
    for k, n in enumerate(curve.n_zn[1:]):
        per_zn = curve.eb_per_zn_eV[k + 1]
        volt = curve.voltage_V[k]
        criteria.append(NCriteria(n, per_zn, per_zn < eb_threshold_eV, volt, volt > 0, reform.get(n), conv.get(n),
                                  accept_unconverged))
    n_max = 0
    for c in criteria:
        if not c.passes:
            break
        n_max = c.n_zn
    return ReversibleLimit(n_max, tuple(criteria), float(eb_threshold_eV), bool(reform))
