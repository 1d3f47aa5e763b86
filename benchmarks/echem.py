"""Benchmark: CV kinetics on 10 scan rates × 200 000 points, and reading a ~1e6-row CSV.

Stages (each timed once — wall and CPU time, since the machine may be shared —
then repeated under tracemalloc for the peak of the Python/numpy allocations made
inside the stage):

1. ``fit_dunn`` alone: one lstsq for the whole potential grid;
2. ``analyze_cv``: segmentation, iR correction, binning onto the grid, peaks,
   b-values, Dunn split and Trasatti for 10 CVs of 200 000 points each, side by side
   (interleaved rounds, median CPU of 3) with a plain numpy pipeline doing the core of
   the same work: last cycle, iR correction, branches split at the vertex, binning onto
   one common grid, one ``lstsq`` for i = k1·v + k2·v^½;
3. ``read_measurement`` of a 1 000 000-row CSV export (time/s, Ewe/V, <I>/mA,
   cycle number) written into a temporary folder.

The synthetic CVs come from ``tests/echem/synthetic_cv.py`` (known k1, k2).

    python benchmarks/echem.py [--points 200000] [--rates 10] [--csv-rows 1000000]

Targets (2-core machine): stage 2 under 2 s; analyze_cv ≤ 1.5× the plain numpy pipeline (CPU), with
the default BLAS threads (no OMP/OPENBLAS_NUM_THREADS needed).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _measure import NAN, Measurement, conditions, interleaved, load_1min, max_rss_mib, measure, print_table, verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "echem"))
from synthetic_cv import synthetic_cv  # noqa: E402


def plain_numpy_pipeline(measurements, rates_mV_s, r_s_ohm: float, n_grid: int = 500) -> np.ndarray:
    """k1, k2 on a common grid from the last cycle of each CV, with numpy only (the baseline)."""
    rows = []
    lo, hi = 0.2, 1.6
    for m in measurements:
        c = m.cycle
        sel = c == c.max()
        i = m.current_A[sel]
        e = m.potential_V[sel] - i * r_s_ohm
        vertex = int(np.argmax(e))
        parts = (e[:vertex], i[:vertex]), (e[vertex:], i[vertex:])
        branch = []
        for pe, pi in parts:
            idx = np.clip(np.rint((pe - lo) / (hi - lo) * (n_grid - 1)).astype(np.int64), 0, n_grid - 1)
            counts = np.bincount(idx, minlength=n_grid)
            branch.append(np.bincount(idx, weights=pi, minlength=n_grid) / np.maximum(counts, 1))
        rows.append(np.concatenate(branch))
    v = np.asarray(rates_mV_s, float) * 1e-3
    design = np.column_stack([v, np.sqrt(v)])
    return np.linalg.lstsq(design, np.array(rows), rcond=None)[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000, help="points per CV file")
    parser.add_argument("--rates", type=int, default=10, help="number of scan rates")
    parser.add_argument("--csv-rows", type=int, default=1_000_000, help="rows of the CSV to read")
    args = parser.parse_args(argv)

    import pandas as pd

    from interstore.echem.cv_analysis import analyze_cv
    from interstore.echem.dunn import fit_dunn

    rates = np.geomspace(0.1, 10.0, args.rates)
    per_sweep = args.points // 4  # two cycles = four sweeps
    measurements = [synthetic_cv(v, points_per_sweep=per_sweep, noise_A=1e-8, seed=k)
                    for k, v in enumerate(rates)]
    rows: list[Measurement] = []

    grid = np.linspace(0.2, 1.6, 500)
    currents = np.outer(rates * 1e-3, np.full(grid.size, 2e-3)) + np.outer(np.sqrt(rates * 1e-3),
                                                                              np.full(grid.size, 1e-3))
    rows.append(measure(f"fit_dunn ({args.rates} rates x {grid.size} potentials)",
                        lambda: fit_dunn(grid, rates, currents)))
    t0, c0 = time.perf_counter(), time.process_time()
    import scipy.signal  # noqa: F401  imported lazily by the analyses: timed separately
    import scipy.stats  # noqa: F401
    rows.append(Measurement("import scipy.signal + scipy.stats (once per process)", time.perf_counter() - t0,
                            time.process_time() - c0, NAN, max_rss_mib(), load_1min()))
    plain_numpy_pipeline(measurements, rates, 5.0)
    side = interleaved({"analyze": lambda: analyze_cv(measurements, rates, r_s_ohm=5.0),
                        "numpy": lambda: plain_numpy_pipeline(measurements, rates, 5.0)})
    analysis = replace(side["analyze"], label=f"analyze_cv ({args.rates} rates x {measurements[0].data.shape[0]} "
                                              "points), median of 3")
    rows += [analysis, replace(side["numpy"], label="plain numpy: last cycle, iR, bin onto one grid, one lstsq")]
    fractions = analysis.result.capacitive_fraction

    try:
        from interstore.echem.readers import read_measurement
    except ImportError:
        read_measurement = None
    if read_measurement is not None:
        big = synthetic_cv(1.0, points_per_sweep=args.csv_rows // 4, n_cycles=2)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big_cv.csv"
            pd.DataFrame({"time/s": big.time_s, "Ewe/V": big.potential_V, "<I>/mA": big.current_A * 1e3,
                          "cycle number": big.cycle}).to_csv(path, index=False)
            size_mb = path.stat().st_size / 1e6
            rows.append(measure(f"read_measurement CSV ({big.data.shape[0]} rows, {size_mb:.0f} MB)",
                                lambda: read_measurement(path)))
            assert rows[-1].result.data.shape[0] == big.data.shape[0]

    print_table(["stage", "wall time (s)", "CPU time (s)", "peak traced memory (MiB)", "load avg (1 min)"],
                [(m.label, f"{m.wall_s:.3f}", f"{m.cpu_s:.3f}", m.peak_mib, f"{m.load:.2f}") for m in rows],
                float_format=".1f")
    print(f"capacitive fraction at {rates[0]:.3g} / {rates[-1]:.3g} mV s⁻¹: "
          f"{fractions[0]:.3f} / {fractions[-1]:.3f}")
    verdict("analyze_cv wall time", analysis.wall_s, 2.0, unit=" s")
    verdict("analyze_cv / plain numpy pipeline, CPU", analysis.cpu_s / side["numpy"].cpu_s, 1.5, unit="×")
    print(conditions())


if __name__ == "__main__":
    main()
