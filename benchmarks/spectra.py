"""Benchmark: Raman band tracking over an operando series, interstore against a plain loop.

Side by side in one process, on the same simulated operando series (default 200 spectra of
501 points over one discharge–charge cycle, a band at 880 cm⁻¹ whose area falls to 60 % and
returns to 92 %, a constant band at 995 cm⁻¹, curved background, noise):

* interstore — ``interstore.spectra.vibrational.track_band`` (per spectrum: the ``Spectrum``
  record and its checks, pybaselines arPLS on the whole spectrum, lmfit Lorentzian + quadratic
  in the 760–960 cm⁻¹ window, band parameters with standard errors);
* reference — the loop a user would write with the same libraries and settings: pybaselines
  ``Baseline.arpls(lam=1e7)``, then lmfit ``LorentzianModel + PolynomialModel(2)`` with the same
  starting values and bounds, keeping centre, FWHM and area.

The two run in interleaved rounds (``_measure.interleaved``, 3 rounds, median CPU time kept);
each side's tracemalloc peak comes from one more, traced run.  Printed: wall, CPU, peak traced
memory, process max RSS, the CPU ratio, the largest relative difference of the fitted areas,
and the verdict against the target interstore ≤ 1.3× the reference's CPU time.

    .venv/bin/python benchmarks/spectra.py [--spectra 200] [--rounds 3]
"""

from __future__ import annotations

import argparse

import numpy as np
from _measure import conditions, interleaved, measure, print_table, verdict

from interstore.spectra.synthetic import operando_band_series
from interstore.spectra.vibrational import track_band

TARGET = 1.3
BAND, WINDOW, LAM, WIDTH_GUESS = 880.0, (760.0, 960.0), 1e7, 20.0


def reference_loop(x: np.ndarray, spectra: np.ndarray) -> np.ndarray:
    """Area of the 880 cm⁻¹ band in every spectrum: pybaselines arPLS + lmfit, nothing else."""
    from lmfit.models import LorentzianModel, PolynomialModel
    from pybaselines import Baseline

    fitter = Baseline(x_data=x)
    keep = (x >= WINDOW[0]) & (x <= WINDOW[1])
    xw = x[keep]
    model = PolynomialModel(degree=2, prefix="bg_") + LorentzianModel(prefix="b0_")
    span = float(xw[-1] - xw[0])
    areas = np.empty(len(spectra))
    for k, y in enumerate(spectra):
        yw = (y - fitter.arpls(y, lam=LAM)[0])[keep]
        p = model.make_params(bg_c0=0.0, bg_c1=0.0, bg_c2=0.0)
        sig = WIDTH_GUESS / 2
        p["b0_center"].set(value=BAND, min=BAND - 30, max=BAND + 30)
        p["b0_sigma"].set(value=sig, min=span / xw.size, max=span)
        p["b0_amplitude"].set(value=max(float(np.interp(BAND, xw, yw)), 1e-12) * np.pi * sig, min=0)
        areas[k] = model.fit(yw, p, x=xw).params["b0_amplitude"].value
    return areas


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spectra", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    series, _ = operando_band_series(n_spectra=args.spectra, seed=1)
    x, y = np.asarray(series.x, float), np.asarray(series.y, float)
    reference_loop(x, y[:2])                                         # first-call imports, not timed
    track_band(series, BAND, window=WINDOW)
    cases = {"interstore track_band": lambda: track_band(series, BAND, window=WINDOW, lam=LAM).area,
             "pybaselines + lmfit loop": lambda: reference_loop(x, y)}
    runs = interleaved(cases, repeat=args.rounds)
    peaks = {k: measure(k, fn, trace="inline").peak_mib for k, fn in cases.items()}
    ours, ref = runs["interstore track_band"], runs["pybaselines + lmfit loop"]
    ratio = ours.cpu_s / ref.cpu_s
    diff = float(np.max(np.abs(ours.result - ref.result) / np.abs(ref.result)))
    print_table(["side", "wall (s)", "CPU (s)", "peak traced (MiB)", "max RSS (MiB)", "load avg (1 min)",
                 "CPU ratio"],
                [(m.label, m.wall_s, m.cpu_s, peaks[m.label], m.rss_mib, m.load, r)
                 for m, r in ((ours, ratio), (ref, 1.0))],
                title=f"Band at {BAND:g} cm⁻¹ fitted in {args.spectra} spectra × {x.size} points "
                      f"(arPLS λ = {LAM:g}, Lorentzian + quadratic in {WINDOW[0]:g}–{WINDOW[1]:g} cm⁻¹), "
                      f"median CPU of {args.rounds} interleaved rounds")
    print(f"largest relative difference of the fitted areas: {diff:.2e}")
    verdict("interstore band tracking CPU / plain pybaselines + lmfit loop", ratio, TARGET, unit="×")
    print(conditions())


if __name__ == "__main__":
    main()
