"""Physical bounds of user-given quantities: one table, one check.

A number outside these bounds is not a measurement or a parameter anyone means; it is a
typo, a unit slip or a damaged file, and left alone it turns into overflow warnings,
``null`` capacities or negative fractions several steps later.  Every option, manifest
key and data column with a physical unit is checked here, and the error states the bound.

=====================  ==================  =================================================
quantity               bounds              why
=====================  ==================  =================================================
``mass_mg``            1e-6 … 1e7 mg       1 ng (a thin film on a microelectrode) to 10 kg
``mass_g``             1e-9 … 1e4 g        the same in grams
``electrons``          0 … 1e3 e⁻/f.u.     a formula unit transfers a few to a few hundred
``scan_rate_mV_s``     1e-4 … 1e7 mV s⁻¹   a 2-week sweep over 0.1 V to 10 kV s⁻¹
``resistance_ohm``     0 … 1e7 Ω           a short to a cell that passes no current
``potential_V``        -1e3 … 1e3 V        any cell or stack a potentiostat measures
``current_A``          -1e4 … 1e4 A        any cell a cycler drives
=====================  ==================  =================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from .errors import InputError


@dataclass(frozen=True)
class Bound:
    """Closed interval ``[low, high]`` in ``unit``."""

    low: float
    high: float
    unit: str

    def describe(self) -> str:
        return f"a finite number from {self.low:g} to {self.high:g} {self.unit}"


BOUNDS: dict[str, Bound] = {
    "mass_mg": Bound(1e-6, 1e7, "mg"),
    "mass_g": Bound(1e-9, 1e4, "g"),
    "electrons": Bound(0.0, 1e3, "e⁻ per formula unit"),  # 0: a reversible limit of n_max = 0
    "scan_rate_mV_s": Bound(1e-4, 1e7, "mV/s"),
    "resistance_ohm": Bound(0.0, 1e7, "Ω"),
    "potential_V": Bound(-1e3, 1e3, "V"),
    "current_A": Bound(-1e4, 1e4, "A"),
}


def require_in_range(name: str, value, quantity: str) -> float:
    """``value`` as a float if it lies within the physical bounds of ``quantity``, else an
    :class:`InputError` naming the parameter ``name`` (an option such as ``--mass-mg``) and the bound."""
    bound = BOUNDS[quantity]
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"parameter '{name}'", f"got {value!r}", expected=bound.describe()) from None
    if not (math.isfinite(v) and bound.low <= v <= bound.high):
        raise InputError(f"parameter '{name}'", f"got {value!r}", expected=bound.describe())
    return v


def require_column_in_range(source: str | Path, column: str, values: np.ndarray, quantity: str) -> None:
    """Every value of a data column within the bounds of ``quantity``; the error names the first bad row."""
    bound = BOUNDS[quantity]
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~((values >= bound.low) & (values <= bound.high)))
    if bad.size:
        raise InputError(source, f"value {values[bad[0]]:.4g} {bound.unit} in '{column}'",
                         where=f"data row {int(bad[0]) + 1}", expected=bound.describe())


def require_distinct(source: str, values: Iterable[float], what: str, *, labels: Iterable[str] | None = None,
                     rel_tol: float = 1e-9) -> None:
    """No two ``values`` equal (within ``rel_tol``): e.g. two CVs at one scan rate."""
    values = [float(v) for v in values]
    labels = list(labels) if labels is not None else [f"#{k + 1}" for k in range(len(values))]
    for i in range(len(values)):
        for j in range(i):
            if math.isclose(values[i], values[j], rel_tol=rel_tol):
                raise InputError(source, f"{what} {values[i]:g} appears twice ({labels[j]} and {labels[i]})",
                                 expected=f"a different {what} for each")


def require_distinct_files(source: str, paths: Iterable[str | Path]) -> None:
    """No file given twice, however its path is spelled (same device and inode)."""
    import os

    seen: dict[tuple[int, int], str] = {}
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            continue  # a missing file is reported by its reader
        key = (st.st_dev, st.st_ino)
        if key in seen:
            raise InputError(source, f"the same file is given twice ({seen[key]} and {p})",
                             expected="each file once")
        seen[key] = str(p)
