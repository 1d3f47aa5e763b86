"""A committee of potentials for one interface: E_b(n), voltages and n_max per member, mean ± spread.

Every member runs its own greedy scan (:func:`~.scan.run_scan`, its own
relaxed structures and Zn reference), so the committee measures how much the
answer depends on the potential.  For every n computed by all members:

    mean E_b(n) = Σ_k E_b,k(n) / K          spread(n) = max_k E_b,k(n) − min_k E_b,k(n)     (eV)

and the same for the voltage steps (V).  The committee spread measures how
much the answer depends on the potential; with ``ScanSettings.paths`` ≥ 2
each member also reports how much lower than its first relaxation the sampled
paths went (``path_gain_eV``) and the spread of their ends (``path_spread_eV``),
the largest over the members per n: how much the answer depends on where and
how the relaxation started.  Flags:

- ``voltage_sign_disagreement``: members disagree on the sign of the step
  into n (one says Zn binds, another that it does not);
- ``n_max_disagreement``: members give different n_max.

n_max is reported per member; the committee gives its range
[min, max] and mean, and the limit capacity at both ends of the range is the
error bar (mAh g⁻¹, active basis).  A DFT result (:class:`~.dft_binding.DftBinding`,
from VASP/QE/CP2K outputs) joins as the *reference* member: it is listed
beside the potentials and each potential's deviation from it is reported,
but it does not enter the mean or the spread of the potentials.

Opening energy: when the cell was built pre-opened (``vo2-ruo2``) and a
closed variant exists, each member also relaxes the closed interface and
reports ΔE_open = E(open, relaxed) − E(closed, relaxed) (eV per cell and
J m⁻²) and E_b(n) + ΔE_open, the binding energy against the closed
interface: Zn that cannot pay for opening the interface does not enter it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from .calculator import COMMITTEE, check_calculator
from .limit import limit_capacity
from .scan import ScanResult, ScanSettings, check_scan_input, run_scan
from .reactions import reaction_checks
from .validation import lattice_checks, validation_summary


@dataclass(frozen=True)
class Member:
    """One member's curve: E_b(n) (eV), voltage steps (V), n_max, converged per point and where it came from."""

    name: str
    n_zn: tuple[int, ...]
    eb_eV: tuple[float, ...]
    voltage_V: tuple[float, ...]
    n_max: int
    converged: tuple[bool | None, ...]
    kind: str  # "potential" or "reference"
    path_spread_eV: tuple[float | None, ...] = ()  # per n (None: n = 0, one path, or fewer than two converged)
    path_gain_eV: tuple[float | None, ...] = ()  # per n: E(first path) − E(kept) (None: n = 0 or not sampled)

    @classmethod
    def from_scan(cls, name: str, scan: ScanResult) -> "Member":
        return cls(name, tuple(scan.curve.n_zn), tuple(scan.curve.eb_eV), tuple(scan.curve.voltage_V),
                   scan.limit.n_max, tuple(scan.converged), "potential", (None, *scan.path_spread_eV),
                   (None, *scan.path_gain_eV))

    @classmethod
    def from_dft(cls, dft, name: str = "DFT") -> "Member":
        none = (None,) * len(dft.curve.n_zn)
        return cls(name, tuple(dft.curve.n_zn), tuple(dft.curve.eb_eV), tuple(dft.curve.voltage_V),
                   dft.limit.n_max, none, "reference", none, none)

    def at(self, n_values) -> tuple[list[float], list[float]]:
        """E_b at ``n_values`` and the voltage of the step into each n ≥ 1 (steps between successive n)."""
        eb = dict(zip(self.n_zn, self.eb_eV))
        volt = dict(zip(self.n_zn[1:], self.voltage_V))
        return [eb[n] for n in n_values], [volt[n] for n in n_values[1:]]


@dataclass(frozen=True)
class CommitteeResult:
    """Members' curves, committee statistics, flags, validation of every potential and the member scans."""

    name: str
    members: tuple[Member, ...]
    scans: dict[str, ScanResult]
    validation: dict
    formula: str
    formula_units: float
    substrate_formula: str
    opening: dict = field(default_factory=dict)
    paths_sampled: int = 1  # relaxation paths per loading: sites × optimizers (1: the path dependence is not sampled)

    @property
    def potentials(self) -> list[Member]:
        return [m for m in self.members if m.kind == "potential"]

    @property
    def reference(self) -> Member | None:
        return next((m for m in self.members if m.kind == "reference"), None)

    @property
    def n_zn(self) -> list[int]:
        """The Zn counts computed by every potential (0 first)."""
        common = set(self.potentials[0].n_zn)
        for m in self.potentials[1:]:
            common &= set(m.n_zn)
        return sorted(common)

    def _matrix(self) -> tuple[np.ndarray, np.ndarray]:
        ns = self.n_zn
        rows = [m.at(ns) for m in self.potentials]
        return np.array([r[0] for r in rows]), np.array([r[1] for r in rows]).reshape(len(rows), len(ns) - 1)

    @property
    def eb_mean_eV(self) -> list[float]:
        return self._matrix()[0].mean(axis=0).tolist()

    @property
    def spread_eV(self) -> list[float]:
        """max − min of E_b(n) over the potentials (eV), per n."""
        eb = self._matrix()[0]
        return (eb.max(axis=0) - eb.min(axis=0)).tolist()

    @property
    def voltage_mean_V(self) -> list[float]:
        return self._matrix()[1].mean(axis=0).tolist()

    @property
    def voltage_spread_V(self) -> list[float]:
        v = self._matrix()[1]
        return (v.max(axis=0) - v.min(axis=0)).tolist()

    @property
    def voltage_sign_disagreement(self) -> list[int]:
        """The n whose loading step the potentials give voltages of opposite sign."""
        v = self._matrix()[1]
        return [n for n, col in zip(self.n_zn[1:], v.T) if (col > 0).any() and (col <= 0).any()]

    def _largest(self, key: str) -> list[float | None]:
        """Per n, the largest of the potentials' ``key`` values (None where no member has one)."""
        out: list[float | None] = []
        for n in self.n_zn:
            values = [v for m in self.potentials for k, v in zip(m.n_zn, getattr(m, key)) if k == n and v is not None]
            out.append(max(values) if values else None)
        return out

    @property
    def path_spread_eV(self) -> list[float | None]:
        """Largest spread of E(sub + nZn) over the relaxation paths of any potential (eV), per n; None where
        no member sampled two converged paths (n = 0 always)."""
        return self._largest("path_spread_eV")

    @property
    def path_gain_eV(self) -> list[float | None]:
        """Largest E(first path) − E(kept) of any potential (eV), per n: how far below a one-path scan the
        sampled paths went."""
        return self._largest("path_gain_eV")

    @property
    def n_max_range(self) -> tuple[int, int]:
        values = [m.n_max for m in self.potentials]
        return min(values), max(values)

    @property
    def n_max_disagreement(self) -> bool:
        low, high = self.n_max_range
        return low != high

    def capacity_range_mAh_g(self) -> tuple[float, float]:
        """Limit capacity (mAh g⁻¹, active oxide) at the lowest and the highest member n_max."""
        return tuple(limit_capacity(n / self.formula_units, self.formula).capacity_mAh_g["active"]
                     for n in self.n_max_range)

    def to_dict(self) -> dict:
        ns = self.n_zn
        low, high = self.n_max_range
        values = [m.n_max for m in self.potentials]
        eb = {m.name: list(m.eb_eV) for m in self.members}
        volt = {m.name: list(m.voltage_V) for m in self.members}
        eb["committee_mean"], volt["committee_mean"] = self.eb_mean_eV, self.voltage_mean_V
        n_max = {m.name: m.n_max for m in self.members}
        n_max["committee"] = {"mean": float(np.mean(values)), "min": low, "max": high, "spread": high - low}
        q_low, q_high = self.capacity_range_mAh_g()
        out = {
            "structure": self.name, "members": [m.name for m in self.potentials],
            # the potential with the lowest n_max: what a single-number consumer (the report) should use
            "conservative_member": min(self.potentials, key=lambda m: m.n_max).name,
            "reference_member": self.reference.name if self.reference else None,
            "n_zn": ns, "eb_eV": eb, "voltage_V": volt, "spread_eV": self.spread_eV,
            "paths_per_loading": self.paths_sampled,
            "path_spread_eV": {**{m.name: list(m.path_spread_eV) for m in self.potentials},
                               "largest": self.path_spread_eV},
            "path_gain_eV": {**{m.name: list(m.path_gain_eV) for m in self.potentials}, "largest": self.path_gain_eV},
            "voltage_spread_V": self.voltage_spread_V, "n_max": n_max,
            "converged": {m.name: list(m.converged) for m in self.members},
            "flags": {"voltage_sign_disagreement_n": self.voltage_sign_disagreement,
                      "n_max_disagreement": self.n_max_disagreement},
            "limit_capacity_mAh_g": {"basis": f"active {self.formula}", "at_min_n_max": q_low, "at_max_n_max": q_high,
                                     "n_max_per_formula_unit": [low / self.formula_units, high / self.formula_units]},
            "validation": self.validation,
            "opening_energy": self.opening or None,
            "per_member": {k: v.to_dict() for k, v in self.scans.items()},
        }
        if self.reference is not None:
            ref_eb, _ = self.reference.at([n for n in ns if n in self.reference.n_zn])
            out["deviation_from_reference_eV"] = {
                m.name: [float(a - b) for a, b in zip(m.at([n for n in ns if n in self.reference.n_zn])[0], ref_eb)]
                for m in self.potentials}
        return out


@dataclass(frozen=True)
class CommitteeSummary:
    """What a study report takes from a committee scan's JSON (``CommitteeResult.to_dict``): the members,
    the member whose curve the report uses (the lowest n_max), n_max per member, the limit capacity at both
    ends of the n_max range (mAh g⁻¹, ``basis``), the committee spread of E_b(n) (eV, n = 0, 1, …), the
    relaxation paths per loading and the largest drop below the first path (eV, per n; None: not sampled)."""

    members: tuple[str, ...]
    used_member: str
    n_max: dict[str, int]
    capacity_range_mAh_g: tuple[float, float]
    basis: str
    spread_eV: tuple[float, ...]
    paths_per_loading: int
    path_gain_eV: tuple[float | None, ...]

    @classmethod
    def from_json(cls, data: dict) -> "CommitteeSummary":
        """From the parsed ``--json`` output of ``interstore interface scan`` (KeyError/TypeError if malformed)."""
        cap = data["limit_capacity_mAh_g"]
        gain = data.get("path_gain_eV") or {}
        return cls(tuple(data["members"]), str(data["conservative_member"]),
                   {m: int(data["n_max"][m]) for m in data["members"]},
                   (float(cap["at_min_n_max"]), float(cap["at_max_n_max"])), str(cap["basis"]),
                   tuple(float(x) for x in data["spread_eV"]), int(data.get("paths_per_loading", 1)),
                   tuple(gain.get("largest") or [None] * len(data["spread_eV"])))

    def to_dict(self) -> dict:
        return {"members": list(self.members), "used_member": self.used_member, "n_max": dict(self.n_max),
                "limit_capacity_mAh_g": {"basis": self.basis, "at_min_n_max": self.capacity_range_mAh_g[0],
                                         "at_max_n_max": self.capacity_range_mAh_g[1]},
                "spread_eV": list(self.spread_eV), "paths_per_loading": self.paths_per_loading,
                "path_gain_eV": list(self.path_gain_eV)}


def run_committee(atoms, settings: ScanSettings = ScanSettings(), calculators=COMMITTEE, *, name: str = "structure",
                  reference=None, validate: bool = True, closed=None, workers: int = 1, scheduler: str | None = None,
                  show_progress: bool = False) -> CommitteeResult:
    """Scan ``atoms`` with every potential in ``calculators``; ``reference``: a DFT result joining as reference.

    ``validate``: relax the end members with each potential and compare their lattice constants
    (:mod:`.validation`) and the reaction energies of Zn with the V oxides (:mod:`.reactions`) with
    experiment; a potential missing an end member by more than 3 % or a reaction by more than 0.2 eV per Zn
    is listed in ``validation["misses"]``.
    ``closed``: the same interface built closed (same atoms), for the opening energy (module docstring)."""
    from dataclasses import replace

    from .scan import _oxide_formula_units

    calculators = tuple(dict.fromkeys(calculators))
    if not calculators:
        raise InputError("option --calculator", "no potential given", expected="at least one of chgnet, sevennet-0")
    for c in calculators:
        check_calculator(c)
    check_scan_input(atoms, settings, name)
    units, substrate_formula = _oxide_formula_units(atoms, settings.formula)
    scans = {c: run_scan(atoms, replace(settings, calculator=c), name=name, workers=workers, scheduler=scheduler,
                         show_progress=show_progress) for c in calculators}
    members = [Member.from_scan(c, s) for c, s in scans.items()]
    if reference is not None:
        members.append(Member.from_dft(reference))
    checks = [ch for c in calculators for ch in lattice_checks(c)] if validate else []
    reactions = [r for c in calculators for r in reaction_checks(c)] if validate else []
    validation = validation_summary(checks, reactions) if validate else {"skipped": True}
    opening = {c: opening_energy(s, closed) for c, s in scans.items()} if closed is not None else {}
    return CommitteeResult(name, tuple(members), scans, validation, settings.formula, units, substrate_formula,
                           opening, settings.paths * len(settings.optimizers))


def opening_energy(scan: ScanResult, closed) -> dict:
    """Relax the closed variant with the scan's potential and settings; ΔE_open and E_b(n) against it."""
    from .adhesion import EV_PER_A2_TO_J_PER_M2, interface_area_A2
    from .calculator import relax

    if sorted(closed.get_chemical_symbols()) != sorted(scan.substrate.atoms.get_chemical_symbols()):
        raise InputError("closed interface", "has other atoms than the scanned cell", expected="the same atoms")
    relaxed = relax(closed, scan.settings.substrate_relax, scan.settings.calculator)
    delta = scan.substrate.energy_eV - relaxed.energy_eV
    return {"closed_energy_eV": relaxed.energy_eV, "closed_converged": relaxed.converged,
            "opening_energy_eV": delta,
            "opening_energy_J_m2": delta / interface_area_A2(closed.cell) * EV_PER_A2_TO_J_PER_M2,
            "eb_vs_closed_eV": [e + delta if n else 0.0 for n, e in zip(scan.curve.n_zn, scan.curve.eb_eV)]}

