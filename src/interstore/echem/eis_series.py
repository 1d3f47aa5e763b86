"""One equivalent circuit fitted to a series of spectra (per cycle, potential or state of charge).

The spectra come from a multi-sweep file (EC-Lab loops, staircase PEIS) or from a folder of
single-spectrum files (x = the last number in each file name, e.g. ``cycle_050.txt`` → 50,
``E_0.85V.csv`` → 0.85).  For a file, x is each sweep's mean DC potential when the file logs the
potential with every frequency (EC-Lab ``<Ewe>/V``, Gamry ``Vdc``):

    E_k = (1/N_k) Σ_{i in sweep k} E_i    (V vs the file's reference electrode, when it names one)

and the sweep number only when it does not, which the result says (``x_source``).  Each spectrum is fitted with :func:`.eis.fit_eis` — Lin-KK check first, the
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
POTENTIAL_X = "E (V)"  # the x name of a series against each sweep's mean DC potential


@dataclass(frozen=True, eq=False)
class EisSeries:
    """Fits of one circuit to successive spectra; ``x`` is the sweep / cycle / potential of each,
    ``x_source`` says where x came from and ``spectra`` keeps the spectra (with their DC potentials)."""

    source: str
    x_name: str
    x: tuple[float, ...]
    fits: tuple[EisFit, ...]
    x_source: str = "given"
    spectra: tuple[ImpedanceSpectrum, ...] = ()

    @property
    def reference_electrode(self) -> str | None:
        """The reference electrode the spectra name (when they all name the same one), else ``None``."""
        refs = {s.reference_electrode for s in self.spectra}
        return refs.pop() if len(refs) == 1 else None

    @property
    def x_label(self) -> str:
        """Axis label of x: ``mean DC potential E (V vs SCE …)`` for a potential axis, else ``x_name``."""
        if self.x_name != POTENTIAL_X:
            return self.x_name
        ref = self.reference_electrode
        return f"mean DC potential E (V vs {ref})" if ref else "mean DC potential E (V; reference not stated in the file)"

    def table(self):
        """DataFrame: one row per spectrum with x, every parameter and its stderr, the fit's relative RMS,
        the Lin-KK verdict and largest residual; ``attrs['units']`` maps parameter -> unit."""
        import pandas as pd

        rows = []
        for k, (x, fit) in enumerate(zip(self.x, self.fits)):
            row = {self.x_name: x, "sweep": k + 1, "source": fit.source} | self._potential_columns(k)
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

    def _potential_columns(self, k: int) -> dict:
        """Mean, lowest and highest DC potential (V) of spectrum ``k`` when it has them."""
        e = self.spectra[k].potential_V if k < len(self.spectra) else None
        if e is None:
            return {}
        return {"E_dc_mean_V": float(np.mean(e)), "E_dc_min_V": float(np.min(e)), "E_dc_max_V": float(np.max(e))}

    def to_dict(self) -> dict:
        fit = self.fits[0]
        return {
            "source": self.source,
            "circuit_name": fit.circuit_name,
            "circuit": fit.circuit,
            "weighting": fit.weighting,
            "x_name": self.x_name,
            "x_label": self.x_label,
            "x_source": self.x_source,
            "reference_electrode": self.reference_electrode,
            "warm_start": "each fit starts from the previous spectrum's parameters",
            "parameter_units": dict(zip(fit.parameter_names, fit.parameter_units)),
            "spectra": [{**{k: v for k, v in f.to_dict().items() if k not in ("spectrum",)}, self.x_name: x,
                         "sweep": n + 1, **self._potential_columns(n)}
                        for n, (x, f) in enumerate(zip(self.x, self.fits))],
        }


def sweep_axis(spectra: list[ImpedanceSpectrum]) -> tuple[list[float], str, str]:
    """x values, x name and x source of the sweeps of one file: each sweep's mean DC potential (V) when
    every sweep logs one, else the sweep numbers 1, 2, … (saying that the file records no potential)."""
    potentials = [e for e in (s.dc_potential_V for s in spectra) if e is not None]
    if spectra and len(potentials) == len(spectra):
        return potentials, POTENTIAL_X, "each sweep's mean of the potential the file logs with every frequency"
    return list(range(1, len(spectra) + 1)), "sweep", "the sweep number: the file logs no DC potential"


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


def fit_series(spectra: list[ImpedanceSpectrum], x: list[float] | None = None, circuit: str = "randles-cpe", *,
               x_name: str | None = None, x_source: str | None = None, source: str | None = None,
               progress: Callable[[int], None] | None = None, **fit_options) -> EisSeries:
    """Fit ``circuit`` to each spectrum in order, warm-started from the previous fit (module doc).

    ``x`` (one value per spectrum) defaults to :func:`sweep_axis`: the mean DC potential of each
    spectrum (V) when they all carry one, else the sweep numbers.  ``x_name`` names x (default
    ``E (V)`` or ``sweep`` for the default x, ``sweep`` for a given one) and ``x_source`` says where a
    given x came from.  ``fit_options`` go to
    :func:`.eis.fit_eis` (weighting, area_cm2, force_kk, ...); ``progress`` is called with the index
    of each finished spectrum."""
    x_source = x_source or "given"
    if x is None:
        x, auto_name, x_source = sweep_axis(spectra)
        x_name = x_name or auto_name
    x_name = x_name or "sweep"
    if not spectra or len(spectra) != len(x):
        raise InputError("EIS series", f"{len(spectra)} spectra for {len(x)} x values",
                         expected="one x value (sweep, cycle, potential) per spectrum, at least one spectrum")
    fits: list[EisFit] = []
    for k, spectrum in enumerate(spectra):
        guess = list(fits[-1].values) if fits else None
        fits.append(fit_eis(spectrum, circuit, initial_guess=guess, **fit_options))
        if progress is not None:
            progress(k)
    return EisSeries(source or spectra[0].source, x_name, tuple(float(v) for v in x), tuple(fits), x_source,
                     tuple(spectra))
