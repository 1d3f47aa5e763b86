"""Checking an instrument's step time (time since the programme step began) against its total time.

A step time t_step read from a file is kept for a step only when it says the same as the total
time t: the step's start t − t_step is the same for all its samples (within ``tolerance_s``) and
falls between the last sample of the previous step and the step's first sample.  EC-Lab's
``step time/s`` shows why the check is needed: in GCPL exports it restarts at every ``Ns`` change,
but in Modulo Bat and chronoamperometry exports it runs on across ``Ns`` changes, and the first
sequence of a linked experiment can carry the experiment's time.  Steps that fail are set to NaN
(no step time is made up from the first sample of a step); a column that fails everywhere is
dropped.
"""

from __future__ import annotations

import numpy as np

TOLERANCE_S = 1.0  # clocks logged in whole seconds (Neware exports) disagree by up to 1 s


def checked_step_time(time_s: np.ndarray, step_time_s: np.ndarray, step: np.ndarray,
                      tolerance_s: float = TOLERANCE_S) -> tuple[np.ndarray | None, str | None]:
    """``step_time_s`` with the steps it contradicts set to NaN (``None`` when it contradicts every
    step), and a note saying how many steps were left out (``None`` when none were).

    Parameters
    ----------
    time_s, step_time_s : ndarray
        Total time and step time of each sample (s).
    step : ndarray
        Step index of each sample.
    tolerance_s : float
        Largest disagreement accepted (s), the coarser of the two clocks' resolutions.
    """
    t, ts = np.asarray(time_s, float), np.asarray(step_time_s, float)
    step = np.asarray(step)
    new = np.concatenate(([True], step[1:] != step[:-1]))
    which = np.cumsum(new) - 1                       # run of equal step index holding each sample
    starts = np.flatnonzero(new)
    began = t - ts                                   # the step's start according to each sample
    slack = tolerance_s + 1e-9 * np.abs(t)
    spread = np.abs(began - began[starts][which]) <= slack
    steady = np.logical_and.reduceat(np.isfinite(began) & spread, starts)
    previous = np.concatenate(([-np.inf], t[starts[1:] - 1]))
    placed = (began[starts] >= previous - slack[starts]) & (began[starts] <= t[starts] + slack[starts])
    good = steady & placed
    if good.all():
        return ts, None
    if not good.any():
        return None, "not kept: the file's step time contradicts its total time in every step"
    return (np.where(good[which], ts, np.nan),
            f"NaN in {int((~good).sum())} of {good.size} steps, where the file's step time contradicts its total time")
