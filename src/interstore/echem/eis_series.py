"""One equivalent circuit fitted to a series of spectra (per cycle, potential or state of charge).

The spectra come from a multi-sweep file (EC-Lab loops, staircase PEIS: x = sweep number) or from a
folder of single-spectrum files (x = the last number in each file name, e.g. ``cycle_050.txt`` → 50,
``E_0.85V.csv`` → 0.85).  Each spectrum is fitted with :func:`.eis.fit_eis` — Lin-KK check first, the
same circuit and weighting — and each fit starts from the previous spectrum's parameters (tried
before the shape-based starting values; the best of them is kept), so a slowly changing cell is
followed without jumping between local minima.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import InputError
from .eis import EisFit, fit_eis
from .record import ImpedanceSpectrum

SPECTRUM_SUFFIXES = (".mpt", ".mpr", ".txt", ".csv", ".dta", ".tsv")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True, eq=False)
class EisSeries:
    """Fits of one circuit to successive spectra; ``x`` is the sweep / cycle / potential of each."""

    source: str
    x_name: str
    x: tuple[float, ...]
    fits: tuple[EisFit, ...]

    def table(self):
        """DataFrame: one row per spectrum with x, every parameter and its stderr, the fit's relative RMS,
        the Lin-KK verdict and largest residual; ``attrs['units']`` maps parameter -> unit."""
        import pandas as pd

        rows = []
        for x, fit in zip(self.x, self.fits):
            row = {self.x_name: x, "source": fit.source}
            for name, value, err in zip(fit.parameter_names, fit.values, fit.stderr):
                row[name] = float(value)
                row[f"{name}_stderr"] = float(err)
            row["relative_rms_residual"] = fit.relative_rms
            row["kk_verdict"] = fit.kk.verdict if fit.kk is not None else None
            row["kk_max_residual_pct"] = fit.kk.max_residual_pct if fit.kk is not None else None
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame.attrs["units"] = dict(zip(self.fits[0].parameter_names, self.fits[0].parameter_units))
        return frame

    def to_dict(self) -> dict:
        fit = self.fits[0]
        return {
            "source": self.source,
            "circuit_name": fit.circuit_name,
            "circuit": fit.circuit,
            "weighting": fit.weighting,
            "x_name": self.x_name,
            "warm_start": "each fit starts from the previous spectrum's parameters",
            "parameter_units": dict(zip(fit.parameter_names, fit.parameter_units)),
            "spectra": [{**{k: v for k, v in f.to_dict().items() if k not in ("spectrum",)}, self.x_name: x}
                        for x, f in zip(self.x, self.fits)],
        }


def number_in_name(path: Path) -> float | None:
    """The last number in a file's stem (``cycle_050`` → 50.0, ``E_0.85V`` → 0.85), or None."""
    found = _NUMBER.findall(path.stem)
    return float(found[-1]) if found else None


def spectra_from_folder(folder: Path, read: Callable[[Path], ImpedanceSpectrum]) -> tuple[list[float],
                                                                                          list[ImpedanceSpectrum]]:
    """Every spectrum file in ``folder`` ordered by the number in its name (``read`` reads one file)."""
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() in SPECTRUM_SUFFIXES]
    if not files:
        raise InputError(folder, "no spectrum files", expected=f"files ending in {', '.join(SPECTRUM_SUFFIXES)}")
    numbers = [number_in_name(p) for p in files]
    missing = [p.name for p, n in zip(files, numbers) if n is None]
    if missing:
        raise InputError(folder / missing[0], "no number in the file name",
                         expected="the cycle, potential or state of charge in each file name, e.g. cycle_10.csv")
    if len(set(numbers)) != len(numbers):
        raise InputError(folder, "two files carry the same number in their names",
                         expected="one spectrum per cycle / potential")
    order = np.argsort(numbers)
    return [numbers[k] for k in order], [read(files[k]) for k in order]


def fit_series(spectra: list[ImpedanceSpectrum], x: list[float], circuit: str = "randles-cpe", *,
               x_name: str = "sweep", source: str | None = None, progress: Callable[[int], None] | None = None,
               **fit_options) -> EisSeries:
    """Fit ``circuit`` to each spectrum in order, warm-started from the previous fit (module doc).
    ``fit_options`` go to :func:`.eis.fit_eis` (weighting, area_cm2, force_kk, ...); ``progress`` is
    called with the index of each finished spectrum."""
    if not spectra or len(spectra) != len(x):
        raise InputError("EIS series", f"{len(spectra)} spectra for {len(x)} x values",
                         expected="one x value (sweep, cycle, potential) per spectrum, at least one spectrum")
    fits: list[EisFit] = []
    for k, spectrum in enumerate(spectra):
        guess = list(fits[-1].values) if fits else None
        fits.append(fit_eis(spectrum, circuit, initial_guess=guess, **fit_options))
        if progress is not None:
            progress(k)
    return EisSeries(source or spectra[0].source, x_name, tuple(float(v) for v in x), tuple(fits))
