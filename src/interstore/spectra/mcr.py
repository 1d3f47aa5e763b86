"""Multivariate curve resolution (MCR-ALS, pymcr) of an operando series.

The series D (spectra × points) is factored as D ≈ C·Sᵀ with non-negative component
spectra S and non-negative concentrations C that sum to one per spectrum (pymcr
``ConstraintNonneg`` and ``ConstraintNorm``), by alternating least squares started from the
``n_components`` purest spectra of the series (the first spectrum, then each next the one
farthest from the span of those already chosen).  MCR is unique only when each component is
(nearly) pure somewhere in the series; otherwise the spectra found are mixtures (rotational
ambiguity) and the concentrations are relative.  Each spectrum's baseline can be removed
first (pybaselines, as in :mod:`.vibrational`).

"Does it come back": for each component, the concentration at the end of the series
against the start, and the change at the lowest state of charge.  Lack of fit
LOF = 100·‖D − C·Sᵀ‖/‖D‖ (%).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .series import SpectrumSeries
from .vibrational import remove_baseline


@dataclass(frozen=True, eq=False)
class McrResult:
    """Component spectra (n × points) and concentration profiles (spectra × n)."""

    x: np.ndarray
    spectra: np.ndarray
    concentrations: np.ndarray
    lack_of_fit_pct: float
    n_iter: int
    time_s: np.ndarray
    soc: np.ndarray | None
    x_label: str
    source: str

    def recovery(self) -> list[dict]:
        """Per component: concentration at the start, at the lowest SOC (or mid-series) and at the end."""
        c = self.concentrations
        turn = int(np.argmin(self.soc)) if self.soc is not None else c.shape[0] // 2
        return [{"component": k + 1, "start": float(c[0, k]), "end_of_discharge": float(c[turn, k]),
                 "end": float(c[-1, k]),
                 "returned_fraction": None if abs(c[turn, k] - c[0, k]) < 1e-9
                 else float((c[-1, k] - c[turn, k]) / (c[0, k] - c[turn, k]))} for k in range(c.shape[1])]

    def to_dict(self) -> dict:
        return {"source": self.source, "n_components": int(self.spectra.shape[0]),
                "lack_of_fit_pct": self.lack_of_fit_pct, "n_iter": self.n_iter, "x": self.x,
                "component_spectra": self.spectra, "concentrations": self.concentrations, "time_s": self.time_s,
                "soc": self.soc, "recovery": self.recovery()}


def _purest(d: np.ndarray, n: int) -> list[int]:
    chosen = [0]
    while len(chosen) < n:
        basis = d[chosen].T
        coef, *_ = np.linalg.lstsq(basis, d.T, rcond=None)
        resid = np.linalg.norm(d.T - basis @ coef, axis=0)
        resid[chosen] = -1
        chosen.append(int(np.argmax(resid)))
    return chosen


def resolve(series: SpectrumSeries, n_components: int = 2, *, baseline: str = "none", lam: float = 1e7,
            window: tuple[float, float] | None = None, max_iter: int = 200) -> McrResult:
    """MCR-ALS of the series (optionally baseline-corrected and cut to ``window``)."""
    from pymcr.constraints import ConstraintNonneg, ConstraintNorm
    from pymcr.mcr import McrAR

    if not 1 <= n_components < min(len(series), 10):
        raise InputError("option --components", f"got {n_components}",
                         expected=f"1 to {min(len(series), 10) - 1} components")
    x, d = np.asarray(series.x, float), np.asarray(series.y, float)
    if window is not None:
        keep = (x >= min(window)) & (x <= max(window))
        if keep.sum() < 10:
            raise InputError("option --window", f"fewer than 10 points in {window}", expected="a wider window")
        x, d = x[keep], d[:, keep]
    if baseline != "none":
        d = np.array([row - remove_baseline(x, row, baseline, lam=lam) for row in d])
    d = np.clip(d, 0, None)
    start = d[_purest(d, n_components)]
    mcr = McrAR(max_iter=max_iter, c_constraints=[ConstraintNonneg(), ConstraintNorm()],
                st_constraints=[ConstraintNonneg()], tol_increase=1.0)
    log = logging.getLogger("pymcr.mcr")  # pymcr logs its stop reason at INFO level on every fit
    log.disabled = True
    try:
        with np.errstate(all="ignore"):
            mcr.fit(d, ST=start)
    finally:
        log.disabled = False
    c, st = np.asarray(mcr.C_opt_), np.asarray(mcr.ST_opt_)
    lof = 100 * float(np.linalg.norm(d - c @ st) / np.linalg.norm(d))
    return McrResult(x, st, c, lof, int(mcr.n_iter), np.asarray(series.time_s, float), series.soc, series.x_label,
                     series.source)


def plot_mcr(result: McrResult, axes=None):
    """Component spectra (left, counts) and concentration profiles (right): against state of charge
    with the discharge and charge branches apart when the series has one, else against time (h).
    Draws on the two ``axes`` given, else on a new figure; returns the axes."""
    from ..plotting import literal, subplots

    if axes is None:
        axes = subplots(1, 2, figsize=(10, 4))[1]
    c = result.concentrations
    for k, s in enumerate(result.spectra):
        axes[0].plot(result.x, s, label=f"component {k + 1}")
    if result.soc is not None:
        turn = int(np.argmin(result.soc))
        for k in range(c.shape[1]):
            line, = axes[1].plot(result.soc[:turn + 1], c[:turn + 1, k], "o-", ms=3,
                                 label=f"component {k + 1}, discharge")
            axes[1].plot(result.soc[turn:], c[turn:, k], "o--", ms=3, color=line.get_color(),
                         label=f"component {k + 1}, charge")
        x_label = "state of charge (–, 1 = start of discharge)"
    else:
        for k in range(c.shape[1]):
            axes[1].plot(result.time_s / 3600, c[:, k], "o-", ms=3, label=f"component {k + 1}")
        x_label = "time (h)"
    axes[0].set(xlabel=literal(result.x_label), ylabel="intensity (counts)",
                title=f"MCR-ALS component spectra (lack of fit {result.lack_of_fit_pct:.2f} %)")
    axes[1].set(xlabel=x_label, ylabel="concentration (–, components sum to 1)", title="MCR-ALS concentration profiles")
    for ax in axes:
        ax.legend(fontsize=7)
    return axes
