"""Frequency sweeps in an impedance file: EC-Lab loops and staircase EIS write several
spectra one after another; a new sweep starts where the frequency turns back
(rises during a high→low sweep, falls during a low→high one)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...errors import ReaderError
from ..record import ImpedanceSpectrum


def sweep_bounds(frequency_Hz: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the successive monotonic frequency sweeps."""
    f = np.asarray(frequency_Hz, float)
    if f.size < 2:
        return [(0, f.size)]
    direction = np.sign(f[1] - f[0]) or -1.0
    breaks = np.flatnonzero(np.sign(np.diff(f)) == -direction) + 1
    edges = np.concatenate([[0], breaks, [f.size]])
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]


def select_sweep(spectrum: ImpedanceSpectrum, number: int | None) -> ImpedanceSpectrum:
    """Sweep ``number`` (1-based) of a file; ``None`` is allowed only for a single-sweep file."""
    bounds = sweep_bounds(spectrum.frequency_Hz)
    if number is None and len(bounds) == 1:
        return spectrum
    if number is None or not 1 <= number <= len(bounds):
        asked = "no sweep chosen" if number is None else f"sweep {number} asked for"
        raise ReaderError(spectrum.source, f"the file holds {len(bounds)} frequency sweeps, {asked}",
                          expected=f"spectrum=1..{len(bounds)} (CLI: --spectrum N)")
    a, b = bounds[number - 1]
    return replace(spectrum, frequency_Hz=spectrum.frequency_Hz[a:b], z_real_ohm=spectrum.z_real_ohm[a:b],
                   z_imag_ohm=spectrum.z_imag_ohm[a:b],
                   potential_V=None if spectrum.potential_V is None else spectrum.potential_V[a:b])
