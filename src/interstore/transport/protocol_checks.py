"""Physical invariants every simulated protocol must keep, checked on its result.

A stiff solve can return numbers that look like data and mean nothing (a reservoir filled
far beyond its capacity, amperes from a milligram electrode).  Each protocol of
:mod:`interstore.transport.electrode` calls :func:`check_protocol` on what it is about to
return; a result that breaks an invariant is refused with an
:class:`~interstore.errors.SimulationError` naming the protocol and the broken bound:

- **capacity bounds**: every fill fraction :math:`x` of every reservoir stays in
  :math:`[-\\epsilon, 1 + \\epsilon]` with :math:`\\epsilon` = ``FILL_TOLERANCE``;
- **charge balance**: the charge that flowed through the terminals equals the change in
  stored charge, :math:`|\\Delta Q_\\mathrm{stored} + \\int I\\,\\mathrm{d}t| \\le`
  ``BALANCE_TOLERANCE`` :math:`\\times Q_\\mathrm{max}` (C; current anodic positive, so
  Zn insertion is negative current), where :math:`Q_\\mathrm{max}` is the charge the
  electrode can hold, :math:`\\sum_k q_k m_\\mathrm{active}`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import SimulationError

FILL_TOLERANCE = 1e-3     # fill fraction may leave [0, 1] by this much (integrator tolerance)
BALANCE_TOLERANCE = 0.02  # |ΔQ_stored + ∫I dt| as a fraction of the charge the electrode can hold

_ADVICE = ("a solution the integrator resolves: lower exchange currents or scan rate, a stoichiometry "
           "away from empty/full, or tighter numerics.rtol/atol")


def check_protocol(model, states: Sequence[np.ndarray], time_s: np.ndarray, current_A: np.ndarray, *,
                   protocol: str) -> None:
    """Refuse a simulated result that breaks the capacity bounds or the charge balance.

    Parameters
    ----------
    model : ElectrodeModel
        The model that produced the result (reservoir capacities in C g⁻¹ active, active mass in g).
    states : sequence of ndarray
        The state trajectories of the protocol's steps in order, each (n_state, n_times), fill fractions.
    time_s, current_A : ndarray
        The whole protocol: time (s) and terminal current (A, anodic positive).
    protocol : str
        Name used in the error, e.g. ``"CV at 0.5 mV/s"``.
    """
    for y in states:
        for r, s in zip(model.reservoirs, model.slices):
            x = y[s]
            worst = float(x.min()) if -x.min() > x.max() - 1 else float(x.max())
            if not np.isfinite(x).all() or worst < -FILL_TOLERANCE or worst > 1 + FILL_TOLERANCE:
                raise SimulationError("simulation", f"{protocol}: the {r.name} reservoir reached a fill fraction of "
                                      f"{worst:.4g}, outside 0..1 (capacity bound broken)", expected=_ADVICE)
    q_max_C = sum(r.capacity_C_g for r in model.reservoirs) * model.active_mass_g
    stored = [float(model.stored_C_g(y[:, [k]]).sum()) * model.active_mass_g
              for y, k in ((states[0], 0), (states[-1], -1))]
    current = np.asarray(current_A, float)
    passed_C = float(np.trapezoid(current, time_s)) if np.isfinite(current).all() else float("inf")
    error_C = abs(stored[1] - stored[0] + passed_C)
    if not error_C <= BALANCE_TOLERANCE * q_max_C:
        raise SimulationError("simulation", f"{protocol}: net charge {passed_C:.4g} C passed while the stored "
                              f"charge changed by {stored[1] - stored[0]:.4g} C (the electrode holds {q_max_C:.4g} C; "
                              f"peak current {np.nanmax(np.abs(current)):.4g} A): charge balance broken",
                              expected=_ADVICE)
