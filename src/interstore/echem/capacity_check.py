"""Self-consistency of a cycling file: interstore's integrated charge against the
instrument's own capacity counter, block by block.

Many files carry the cycler's charge counter beside the current (NewareNDA's
``Charge_/Discharge_Capacity(mAh)``, EC-Lab's ``Q charge/discharge`` or ``(Q-Qo)``,
a CSV's ``Capacity`` column; the readers put it in ``capacity_mAh``).  The file is cut
into blocks of one step, one cycle and one current sign; in each block

    Q_int  = |∫ I dt| / 3.6          mAh  (trapezoidal, I in A, t in s, over the block's rows)
    Q_inst = |q(last row) − q(first row)|  mAh  (the counter over the same rows)

are compared.  Both span the same rows, so a counter that restarts at every step or
half-cycle compares correctly.  A relative difference above the tolerance (1 %) means
the time column, the current column or its unit is wrong, or the sampling does not
resolve the current (pulses shorter than the logging interval): the numbers integrated
from the current cannot be trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .record import Measurement

TOLERANCE = 0.01
MIN_ROWS = 3           # blocks with fewer rows are not compared (a single interval says little)
MIN_SHARE = 0.001      # nor blocks passing < 0.1 % of the largest block's charge (digitisation noise)


@dataclass(frozen=True)
class BlockComparison:
    """One block of rows [first_row, last_row] (0-based, inclusive)."""

    cycle: int
    step: int
    first_row: int
    last_row: int
    integrated_mAh: float
    instrument_mAh: float

    @property
    def relative_difference(self) -> float:
        """(Q_int − Q_inst)/Q_inst."""
        return (self.integrated_mAh - self.instrument_mAh) / self.instrument_mAh


@dataclass(frozen=True)
class CapacityCheck:
    """All compared blocks; ``ok`` when every one agrees within ``tolerance``."""

    source: str
    tolerance: float
    blocks: tuple[BlockComparison, ...]

    @property
    def disagreeing(self) -> tuple[BlockComparison, ...]:
        return tuple(b for b in self.blocks if abs(b.relative_difference) > self.tolerance)

    @property
    def ok(self) -> bool:
        return not self.disagreeing

    @property
    def worst(self) -> BlockComparison | None:
        return max(self.blocks, key=lambda b: abs(b.relative_difference), default=None)

    def warnings(self) -> list[str]:
        """One line per check that failed, with both numbers of the worst block."""
        w = self.worst
        if self.ok or w is None:
            return []
        return [f"{self.source}: integrated capacity disagrees with the instrument's own capacity column in "
                f"{len(self.disagreeing)} of {len(self.blocks)} step(s); worst: cycle {w.cycle} step {w.step} "
                f"(rows {w.first_row + 1}-{w.last_row + 1}) ∫|I|dt = {w.integrated_mAh:.6g} mAh vs instrument "
                f"{w.instrument_mAh:.6g} mAh ({100 * w.relative_difference:+.1f} %, tolerance "
                f"{100 * self.tolerance:g} %): the time or current column, or the sampling (pulses shorter than "
                "the logging interval), makes capacities integrated from the current unreliable; the cycler's own "
                "count is used with --capacity-from instrument (capacity_from='instrument')"]

    def to_dict(self) -> dict:
        w = self.worst
        return {
            "compared_with": "the instrument's own capacity column (capacity_mAh), per step/cycle/current sign",
            "tolerance_pct": 100 * self.tolerance,
            "blocks_compared": len(self.blocks),
            "blocks_disagreeing": len(self.disagreeing),
            "ok": self.ok,
            "worst_relative_difference_pct": None if w is None else 100 * w.relative_difference,
            "blocks": [{"cycle": b.cycle, "step": b.step, "first_row": b.first_row + 1, "last_row": b.last_row + 1,
                        "integrated_mAh": b.integrated_mAh, "instrument_mAh": b.instrument_mAh,
                        "relative_difference_pct": 100 * b.relative_difference} for b in self.blocks],
        }


def _block_starts(m: Measurement) -> np.ndarray:
    """Row indices where a new step, cycle or current sign (rests keep the previous sign) begins."""
    current = m.current_A
    sign = np.sign(current)
    last_nonzero = np.maximum.accumulate(np.where(sign != 0, np.arange(sign.size), 0))
    held = sign[last_nonzero]
    step, cycle = m.step, m.cycle
    change = (step[1:] != step[:-1]) | (cycle[1:] != cycle[:-1]) | (held[1:] != held[:-1])
    return np.concatenate([[0], np.flatnonzero(change) + 1])


def check_capacity(m: Measurement, tolerance: float = TOLERANCE) -> CapacityCheck | None:
    """Compare ∫I dt with the file's own capacity column block by block (see the module
    doc); ``None`` when the file carries no capacity column or it never moves."""
    if "capacity_mAh" not in m.data.columns:
        return None
    t, current = m.time_s, m.current_A
    counter = m.data["capacity_mAh"].to_numpy(float)
    increments = np.concatenate([[0.0], 0.5 * (current[1:] + current[:-1]) * np.diff(t) / 3.6])
    charge = np.cumsum(increments)  # mAh from the first row
    starts = _block_starts(m)
    ends = np.concatenate([starts[1:] - 1, [t.size - 1]])
    q_int = np.abs(charge[ends] - charge[starts])
    q_inst = np.abs(counter[ends] - counter[starts])
    if not np.isfinite(q_inst).all() or q_inst.max(initial=0.0) <= 0:
        return None
    keep = (ends - starts + 1 >= MIN_ROWS) & (q_inst > MIN_SHARE * q_inst.max())
    cycle, step = m.cycle, m.step
    blocks = tuple(BlockComparison(int(cycle[a]), int(step[a]), int(a), int(b), float(qi), float(qc))
                   for a, b, qi, qc in zip(starts[keep], ends[keep], q_int[keep], q_inst[keep]))
    return CapacityCheck(m.source, tolerance, blocks)


def counter_charge_mAh(m: Measurement, first: int, last: int) -> float | None:
    """The charge the instrument's own counter passed over rows [first, last]: the sum of
    |q(block end) − q(block start)| over the blocks (step, cycle, current sign) that start
    in that span, each cut at ``last``.  ``None`` when the file has no capacity column."""
    if "capacity_mAh" not in m.data.columns:
        return None
    counter = m.data["capacity_mAh"].to_numpy(float)
    starts = _block_starts(m)
    ends = np.concatenate([starts[1:] - 1, [counter.size - 1]])
    inside = (starts >= first) & (starts <= last)
    return float(np.sum(np.abs(counter[np.minimum(ends[inside], last)] - counter[starts[inside]])))

