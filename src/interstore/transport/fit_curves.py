"""Measured discharge curves for the rate-capability fit: potential against capacity at each rate.

Fitting the capacities alone uses one number per rate.  The whole discharge curve V(Q) also
carries the shape: where the bulk plateau ends, how steep the interface slope is, how much the
polarisation grows with current.  :func:`~interstore.transport.fit.fit_rate_capability` adds,
for every kept point j of the curve at rate i, the weighted residual

    r_ij = (V_model,i(Q_ij) − V_ij) / σ_V,

with V_model,i(Q) the simulated discharge at the same current interpolated at the measured
capacity (held at the cut-off beyond the simulated end capacity), and σ_V the stated potential
noise (V).  Only points between :data:`Q_LOW` and :data:`Q_HIGH` of the curve's end capacity
are kept (the ohmic step at the start and the steep fall at the cut-off say more about the
instrument's timing than about the storage), thinned to at most ``points`` per rate by picking
measured points evenly spaced in capacity (no interpolation, so the noise of each point stays
independent).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import InputError

Q_LOW, Q_HIGH = 0.02, 0.95      # kept share of each curve's end capacity
DEFAULT_SIGMA_V = 0.005         # V, potential noise when none is given
DEFAULT_POINTS = 20             # kept points per rate


@dataclass(frozen=True)
class DischargeCurves:
    """Discharge curves at several rates on one mass basis.

    Attributes
    ----------
    current_A_g : ndarray
        Specific current of each curve (A g⁻¹, ``mass_basis``), ascending.
    capacity_mAh_g, potential_V : tuple of ndarray
        Per rate, the kept points: capacity (mAh g⁻¹) and potential (V).
    sigma_V : float
        Standard deviation of each potential (V), the noise model of the curve residuals.
    """

    current_A_g: np.ndarray
    capacity_mAh_g: tuple[np.ndarray, ...]
    potential_V: tuple[np.ndarray, ...]
    sigma_V: float
    mass_basis: str
    source: str = "<curves>"

    @classmethod
    def from_arrays(cls, current_A_g: Sequence[float], capacity_mAh_g: Sequence[Sequence[float]],
                    potential_V: Sequence[Sequence[float]], *, mass_basis: str, sigma_V: float = DEFAULT_SIGMA_V,
                    points: int = DEFAULT_POINTS, source: str = "<curves>") -> "DischargeCurves":
        """Curves from per-rate arrays; each is cut to Q_LOW–Q_HIGH of its end capacity and thinned
        to at most ``points`` measured points evenly spaced in capacity."""
        if not 0 < sigma_V < 1:
            raise InputError(source, f"sigma_V {sigma_V!r}", expected="a potential noise in (0, 1) V")
        if not 2 <= points <= 1000:
            raise InputError(source, f"points {points!r}", expected="2 to 1000 kept points per rate")
        currents = np.asarray(current_A_g, float)
        if currents.ndim != 1 or currents.size != len(capacity_mAh_g) or currents.size != len(potential_V):
            raise InputError(source, "one current, one capacity array and one potential array per curve expected",
                             expected="matching lengths")
        if not np.all(np.isfinite(currents) & (currents > 0)) or np.unique(currents).size != currents.size:
            raise InputError(source, "currents must be finite, > 0 A/g and distinct", expected="one curve per rate")
        qs, vs = [], []
        for i, q_given, v_given in zip(currents, capacity_mAh_g, potential_V):
            q, v = np.asarray(q_given, float), np.asarray(v_given, float)
            if q.shape != v.shape or q.size < 3 or not (np.all(np.isfinite(q)) and np.all(np.isfinite(v))):
                raise InputError(source, f"curve at {i:g} A/g: capacity and potential must be finite, equal "
                                 "in length, >= 3 points", expected="a discharge curve")
            if np.any(np.diff(q) < 0) or not 0 < q[-1] < 1e4 or np.any(np.abs(v) > 10):
                raise InputError(source, f"curve at {i:g} A/g: capacity must rise from 0 to under 1e4 mAh/g and "
                                 "|V| stay under 10 V", expected="a discharge curve (capacity ascending)")
            inside = np.flatnonzero((q >= Q_LOW * q[-1]) & (q <= Q_HIGH * q[-1]))
            if inside.size < 2:
                raise InputError(source, f"curve at {i:g} A/g: fewer than 2 points between {Q_LOW:g} and "
                                 f"{Q_HIGH:g} of its capacity", expected="a resolved discharge curve")
            targets = np.linspace(q[inside[0]], q[inside[-1]], min(points, inside.size))
            keep = np.unique(inside[np.searchsorted(q[inside], targets).clip(0, inside.size - 1)])
            qs.append(q[keep])
            vs.append(v[keep])
        order = np.argsort(currents)
        return cls(currents[order], tuple(qs[k] for k in order), tuple(vs[k] for k in order), float(sigma_V),
                   mass_basis, source)

    @property
    def n_points(self) -> int:
        return int(sum(q.size for q in self.capacity_mAh_g))

    @property
    def noise_model(self) -> str:
        return (f"σ_V = {1e3 * self.sigma_V:.3g} mV on {self.n_points} curve points "
                f"({Q_LOW:g}–{Q_HIGH:g} of each end capacity)")

    def matches(self, current_A_g: np.ndarray) -> bool:
        """Whether the curves are at the same currents (within 1 %) as ``current_A_g``."""
        c = np.asarray(current_A_g, float)
        return c.shape == self.current_A_g.shape and bool(np.allclose(c, self.current_A_g, rtol=0.01))

    def residuals(self, runs) -> np.ndarray:
        """Weighted potential residuals (V_model − V)/σ_V of simulated discharges ``runs`` (one per
        curve, same order), the model interpolated at the measured capacities."""
        out = [(np.interp(q, d.capacity_mAh_g, d.potential_V) - v) / self.sigma_V
               for d, q, v in zip(runs, self.capacity_mAh_g, self.potential_V)]
        return np.concatenate(out)


def gcd_discharge_curves(gcd: dict, mass_basis: str) -> tuple[list[float], list, list]:
    """(currents A g⁻¹, capacities mAh g⁻¹, potentials V) of the last discharge of each rate step in
    the dict of a galvanostatic analysis (``CyclingAnalysis.to_dict()``, the JSON of ``gcd
    analyze``), on ``mass_basis``."""
    last = {}
    for c in gcd["cycles"]:
        last[c["rate_step"]] = (c["cycle"], abs(c["current_density_A_g"][mass_basis]))
    curves = {c["cycle"]: c for c in gcd["curves"] if c["kind"] == "discharge"}
    steps = [(cur, curves[cyc]) for cyc, cur in last.values() if cyc in curves]
    return ([cur for cur, _ in steps], [np.asarray(c["capacity_mAh_g"][mass_basis], float) for _, c in steps],
            [np.asarray(c["potential_V"], float) for _, c in steps])


def read_discharge_curves(path: str | Path, *, mass_basis: str, sigma_V: float = DEFAULT_SIGMA_V,
                          points: int = DEFAULT_POINTS) -> DischargeCurves:
    """Discharge curves from the JSON of ``interstore gcd analyze`` (the last discharge of each rate
    step, on ``mass_basis``) or from a CSV with columns ``current_A_g, capacity_mAh_g, potential_V``
    (one block of rows per rate)."""
    import json

    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", expected="a gcd analyze JSON or a CSV of discharge curves")
    if path.suffix.lower() == ".json":
        try:
            currents, caps, pots = gcd_discharge_curves(json.loads(path.read_text(encoding="utf-8")), mass_basis)
        except (ValueError, KeyError, TypeError):
            raise InputError(path, f"no discharge curves with {mass_basis!r} capacities",
                             expected="the --json output of 'interstore gcd analyze'") from None
        return DischargeCurves.from_arrays(currents, caps, pots, mass_basis=mass_basis, sigma_V=sigma_V,
                                           points=points, source=str(path))
    try:
        frame = pd.read_csv(path, comment="#")
        cols = {c: pd.to_numeric(frame[c]).to_numpy(float) for c in ("current_A_g", "capacity_mAh_g", "potential_V")}
    except KeyError as exc:
        raise InputError(path, f"missing column {exc}", expected="columns current_A_g,capacity_mAh_g,potential_V") \
            from None
    except (ValueError, UnicodeDecodeError):
        raise InputError(path, "not a readable numeric CSV", expected="columns current_A_g,capacity_mAh_g,"
                         "potential_V with numbers in every row") from None
    currents = list(dict.fromkeys(cols["current_A_g"]))
    rows = [cols["current_A_g"] == i for i in currents]
    return DischargeCurves.from_arrays(currents, [cols["capacity_mAh_g"][r] for r in rows],
                                       [cols["potential_V"][r] for r in rows], mass_basis=mass_basis,
                                       sigma_V=sigma_V, points=points, source=str(path))
