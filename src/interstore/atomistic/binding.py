"""Zn binding energy E_b(n) at an interface and the average voltage between loadings.

    E_b(n)  = E(sub + nZn) − E(sub) − n·E_Zn                      (eV)
    V̄(n₁→n₂) = −[E(n₂) − E(n₁) − (n₂ − n₁)·E_Zn] / (2e·(n₂ − n₁))   (V vs Zn²⁺/Zn)

E_Zn is the Zn reference energy per atom (eV).  With the per-atom energy of
bulk hcp Zn the voltage is vs Zn²⁺/Zn metal (Aydinol, Ceder et al., PRB 56,
1354 (1997)); with an isolated-atom reference E_b is more negative by the Zn
cohesive energy and the "voltage" is not vs Zn metal.  Energies in eV divided
by the charge 2(n₂ − n₁) in e give volts directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..constants import Z_ZINC
from ..errors import InputError


@dataclass(frozen=True)
class BindingCurve:
    """E_b(n) for n in ``n_zn`` (ascending, starting at 0) and the voltage steps between successive n.

    ``voltage_V[k]`` is the average voltage of the step ``n_zn[k] → n_zn[k+1]``."""

    n_zn: tuple[int, ...]
    energy_eV: tuple[float, ...]
    e_substrate_eV: float
    e_zn_ref_eV: float
    eb_eV: tuple[float, ...]
    eb_per_zn_eV: tuple[float | None, ...]
    voltage_V: tuple[float, ...]

    def to_dict(self) -> dict:
        return {
            "n_zn": list(self.n_zn),
            "energy_eV": list(self.energy_eV),
            "e_substrate_eV": self.e_substrate_eV,
            "e_zn_ref_eV_per_atom": self.e_zn_ref_eV,
            "eb_eV": list(self.eb_eV),
            "eb_per_zn_eV": list(self.eb_per_zn_eV),
            "voltage_V": list(self.voltage_V),
            "voltage_steps": [f"{a}->{b}" for a, b in zip(self.n_zn[:-1], self.n_zn[1:])],
        }


def _finite(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"got {value!r}", expected="an energy in eV") from None
    if not math.isfinite(v):
        raise InputError(name, f"got {value!r}", expected="a finite energy in eV")
    return v


def binding_curve(energies_by_n_eV: dict[int, float], e_substrate_eV: float,
                  e_zn_ref_eV: float) -> BindingCurve:
    """E_b(n), E_b(n)/n and the voltage steps from total energies (eV) of the loaded cells.

    ``energies_by_n_eV`` maps n ≥ 1 (and optionally 0, which must equal ``e_substrate_eV``
    within 1 meV) to E(sub + nZn) in eV."""
    e_sub = _finite("E(substrate)", e_substrate_eV)
    e_zn = _finite("E_Zn reference", e_zn_ref_eV)
    if not energies_by_n_eV:
        raise InputError("loaded energies", "none given", expected="E(sub + nZn) for at least one n >= 1")
    energies: dict[int, float] = {}
    for n, e in energies_by_n_eV.items():
        if isinstance(n, bool) or int(n) != n or int(n) < 0:
            raise InputError("loaded energies", f"Zn count {n!r}", expected="integers n >= 0")
        energies[int(n)] = _finite(f"E(sub + {n}Zn)", e)
    if 0 in energies and abs(energies[0] - e_sub) > 1e-3:
        raise InputError("E(sub + 0Zn)", f"{energies[0]} eV differs from E(substrate) = {e_sub} eV",
                         expected="the same energy (n = 0 is the bare substrate)")
    energies[0] = e_sub
    ns = tuple(sorted(energies))
    es = tuple(energies[n] for n in ns)
    eb = tuple(e - e_sub - n * e_zn for n, e in zip(ns, es))
    per_zn = tuple(None if n == 0 else b / n for n, b in zip(ns, eb))
    volts = tuple(-(e2 - e1 - (n2 - n1) * e_zn) / (Z_ZINC * (n2 - n1))
                  for n1, n2, e1, e2 in zip(ns[:-1], ns[1:], es[:-1], es[1:]))
    return BindingCurve(ns, es, e_sub, e_zn, eb, per_zn, volts)
