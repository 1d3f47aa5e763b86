"""The in-memory spectrum and the per-technique axis conventions.

================  ==============================  ============================
technique         x                                y
================  ==============================  ============================
Raman             Raman shift (cm⁻¹)              intensity (counts)
FT-IR             wavenumber (cm⁻¹)               absorbance (–)
XPS               binding energy (eV)             intensity (counts s⁻¹)
XAS               photon energy (eV)              μ(E) (–)
EELS              energy loss (eV)                intensity (counts)
================  ==============================  ============================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError

TECHNIQUES = ("Raman", "FT-IR", "XPS", "XAS", "EELS")
X_LABELS = {"Raman": "Raman shift (cm⁻¹)", "FT-IR": "wavenumber (cm⁻¹)", "XPS": "binding energy (eV)",
            "XAS": "photon energy (eV)", "EELS": "energy loss (eV)"}
Y_LABELS = {"Raman": "intensity (counts)", "FT-IR": "absorbance (–)", "XPS": "intensity (counts s⁻¹)",
            "XAS": "μ(E) (–)", "EELS": "intensity (counts)"}
MAX_ABS_X = 1e6   # no Raman shift, wavenumber or photon energy of interest is beyond 10⁶ cm⁻¹ / eV
MAX_ABS_Y = 1e15  # counts
_ALIASES = {"raman": "Raman", "ftir": "FT-IR", "ft-ir": "FT-IR", "ir": "FT-IR", "xps": "XPS", "xas": "XAS",
            "xanes": "XAS", "xafs": "XAS", "exafs": "XAS", "eels": "EELS"}


def technique_name(value: str, source: str = "parameter 'technique'") -> str:
    """Canonical technique name (Raman, FT-IR, XPS, XAS, EELS) from a case-insensitive alias."""
    name = _ALIASES.get(str(value).strip().lower())
    if name is None:
        raise InputError(source, f"unknown technique {value!r}", expected=f"one of {', '.join(TECHNIQUES)}")
    return name


@dataclass(frozen=True, eq=False)
class Spectrum:
    """One spectrum: ``x`` ascending, ``y`` finite, both 1-D of the same length (≥ 5 points)."""

    x: np.ndarray
    y: np.ndarray
    technique: str
    source: str
    name: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        x, y = np.asarray(self.x, float), np.asarray(self.y, float)
        if x.ndim != 1 or x.shape != y.shape:
            raise InputError(self.source, f"x and y differ in shape ({x.shape} vs {y.shape})",
                             expected="two columns of equal length")
        if x.size < 5:
            raise InputError(self.source, f"only {x.size} data point(s)", expected="at least 5 points")
        bad = ~(np.isfinite(x) & np.isfinite(y))
        if bad.any():
            raise InputError(self.source, f"{int(bad.sum())} non-numeric or non-finite value(s)",
                             where=f"point {int(np.flatnonzero(bad)[0]) + 1}", expected="finite numbers")
        if np.abs(x).max() > MAX_ABS_X or np.abs(y).max() > MAX_ABS_Y:
            raise InputError(self.source, f"absurd magnitude (|x| up to {np.abs(x).max():.3g}, |y| up to "
                             f"{np.abs(y).max():.3g})", expected=f"|x| ≤ {MAX_ABS_X:g} (cm⁻¹ or eV) and |y| ≤ {MAX_ABS_Y:g}")
        order = np.argsort(x, kind="stable")
        object.__setattr__(self, "x", x[order])
        object.__setattr__(self, "y", y[order])

    @property
    def x_label(self) -> str:
        return X_LABELS.get(self.technique, "x")

    @property
    def y_label(self) -> str:
        return Y_LABELS.get(self.technique, "y")

    def window(self, lo: float, hi: float) -> "Spectrum":
        """The part with lo ≤ x ≤ hi (same units as x)."""
        keep = (self.x >= min(lo, hi)) & (self.x <= max(lo, hi))
        if keep.sum() < 5:
            raise InputError(self.source, f"fewer than 5 points between {lo:g} and {hi:g} ({self.x_label})",
                             expected=f"a window inside {self.x[0]:g}–{self.x[-1]:g}")
        return Spectrum(self.x[keep], self.y[keep], self.technique, self.source, self.name, dict(self.meta))
