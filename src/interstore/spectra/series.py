"""Operando series: many spectra with time stamps, linked to the electrochemistry of the same run.

A series file is either

* a *matrix* (CSV/TSV): first column x, one column per spectrum whose header is its time
  stamp in seconds from the start of the electrochemistry file (``120``, ``t=120``,
  ``time_s=120``), or
* an *index* (CSV with ``file`` and ``time_s`` columns): one spectrum file per row, paths
  relative to the index, each read with :func:`~interstore.spectra.readers.read_spectrum`
  and interpolated onto the first spectrum's x grid.

:func:`link_electrochemistry` gives every spectrum the potential E(t) (linear
interpolation), the charge passed since the first spectrum

    q(t) = −∫_{t₀}^{t} I dt′      (C; positive on discharge, I > 0 is charge)

the state of charge SOC = 1 − q/q_max (1 at the first spectrum, 0 at the end of
discharge) and its branch (discharge, charge or rest from the sign of I).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import InputError, reading_as
from .readers import _check_file, _split, read_spectrum
from .record import X_LABELS, Y_LABELS, Spectrum, technique_name

BRANCHES = ("discharge", "charge", "rest")


@dataclass(frozen=True, eq=False)
class SpectrumSeries:
    """Spectra on one x grid: ``y[k]`` is spectrum k, taken at ``time_s[k]`` (s)."""

    x: np.ndarray
    y: np.ndarray
    time_s: np.ndarray
    technique: str
    source: str
    potential_V: np.ndarray | None = None
    charge_C: np.ndarray | None = None
    soc: np.ndarray | None = None
    branch: tuple[str, ...] | None = None
    capacity_mAh_g: np.ndarray | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        y = np.asarray(self.y, float)
        if y.ndim != 2 or y.shape[1] != np.asarray(self.x).size or y.shape[0] != np.asarray(self.time_s).size:
            raise InputError(self.source, f"series shape {y.shape} does not match {np.asarray(self.x).size} x values "
                             f"and {np.asarray(self.time_s).size} time stamps", expected="one time stamp per spectrum")
        if y.shape[0] < 3:
            raise InputError(self.source, f"only {y.shape[0]} spectra", expected="at least 3 spectra in a series")
        if not np.all(np.isfinite(y)):
            raise InputError(self.source, "non-finite intensity in the series", expected="finite numbers")
        if np.any(np.diff(self.time_s) <= 0):
            k = int(np.flatnonzero(np.diff(self.time_s) <= 0)[0]) + 2
            raise InputError(self.source, "time stamps do not increase", where=f"spectrum {k}",
                             expected="increasing time stamps (s)")

    def __len__(self) -> int:
        return int(np.asarray(self.time_s).size)

    def spectrum(self, k: int) -> Spectrum:
        """Spectrum k (0-based) as a :class:`Spectrum`."""
        return Spectrum(self.x, self.y[k], self.technique, self.source, f"t = {self.time_s[k]:g} s")

    @property
    def x_label(self) -> str:
        return X_LABELS[self.technique]

    @property
    def y_label(self) -> str:
        return Y_LABELS[self.technique]


def _time_of(label: str) -> float | None:
    m = re.fullmatch(r"\s*(?:t|time|time_s|time/s)?\s*=?\s*([-+0-9.eE]+)\s*(?:s)?\s*", label)
    try:
        return float(m.group(1)) if m else None
    except ValueError:
        return None


def _read_index(path: Path, header: list[str], lines: list[str], technique: str) -> SpectrumSeries:
    cols = [h.strip().lower() for h in header]
    if "time_s" not in cols:
        raise InputError(path, "index has a 'file' column but no 'time_s' column", where="line 1",
                         expected="columns file,time_s")
    i_file, i_time = cols.index("file"), cols.index("time_s")
    spectra, times = [], []
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        fields = _split(line)
        try:
            times.append(float(fields[i_time]))
        except (ValueError, IndexError):
            raise InputError(path, f"bad time stamp in {line.strip()!r}", where=f"line {n}",
                             expected="a time in s") from None
        rel = Path(fields[i_file])
        spectra.append(read_spectrum(rel if rel.is_absolute() else path.parent / rel, technique=technique))
    x = spectra[0].x
    y = np.array([np.interp(x, s.x, s.y) for s in spectra])
    return SpectrumSeries(x, y, np.array(times), technique, str(path), meta={"files": [s.source for s in spectra]})


def read_series(path: str | Path, *, technique: str = "Raman") -> SpectrumSeries:
    """An operando series from a matrix or an index file (see module docstring); a malformed
    file raises :class:`~interstore.errors.ReaderError` naming it."""
    path = Path(path)
    _check_file(path)
    technique = technique_name(technique)
    with reading_as(path, "operando spectrum series (matrix or index CSV)"):
        return _read_series(path, technique)


def _read_series(path: Path, technique: str) -> SpectrumSeries:
    lines = [ln for ln in path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    header = _split(lines[0]) if lines else []
    if "file" in [h.strip().lower() for h in header]:
        return _read_index(path, header, lines, technique)
    if len(lines) < 6:
        raise InputError(path, f"only {len(lines)} non-comment line(s)", expected="a header and at least 5 data rows")
    times = [_time_of(h) for h in header[1:]]
    if any(t is None for t in times):
        bad = header[1 + [t is None for t in times].index(True)]
        raise InputError(path, f"column header {bad!r} is not a time stamp", where="line 1",
                         expected="x in the first column, then one column per spectrum headed by its time in s")
    try:
        table = np.array([[float(v) for v in _split(ln)] for ln in lines[1:]], float)
    except ValueError:
        raise InputError(path, "non-numeric value in the series", expected="numbers below the header") from None
    if table.ndim != 2 or table.shape[1] != len(header):
        raise InputError(path, "rows differ in length from the header", expected=f"{len(header)} columns in every row")
    order = np.argsort(table[:, 0])
    return SpectrumSeries(table[order, 0], table[order, 1:].T, np.array(times, float), technique, str(path))


def link_electrochemistry(series: SpectrumSeries, measurement, *, mass_g: float | None = None) -> SpectrumSeries:
    """The series with potential (V), charge passed since the first spectrum (C, + on discharge),
    SOC (–), branch and, given the active mass (g), the discharge capacity (mAh g⁻¹) of every spectrum."""
    t, e, i = measurement.time_s, measurement.potential_V, measurement.current_A
    ts = np.asarray(series.time_s, float)
    outside = (ts < t[0]) | (ts > t[-1])
    if outside.any():
        k = int(np.flatnonzero(outside)[0])
        raise InputError(series.source, f"spectrum {k + 1} at t = {ts[k]:g} s lies outside the electrochemistry "
                         f"file ({t[0]:g}–{t[-1]:g} s)", expected="time stamps on the clock of the electrochemistry file")
    q_cum = np.concatenate([[0.0], np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))])  # ∫ I dt, C
    q = -(np.interp(ts, t, q_cum) - np.interp(ts[0], t, q_cum))
    q_max = float(q.max())
    if q_max <= 0:
        raise InputError(measurement.source, "no discharge charge passed during the series",
                         expected="an electrochemistry file whose current is negative (discharge) during the series")
    i_at = np.interp(ts, t, i)
    scale = max(float(np.abs(i).max()), 1e-30)
    branch = tuple("discharge" if c < -1e-6 * scale else "charge" if c > 1e-6 * scale else "rest" for c in i_at)
    cap = None if mass_g is None else q / 3.6 / mass_g
    return replace(series, potential_V=np.interp(ts, t, e), charge_C=q, soc=1 - q / q_max, branch=branch,
                   capacity_mAh_g=cap)
