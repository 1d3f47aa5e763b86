"""Benchmark: the capacity ledger and the whole demo report (wall time, peak Python memory).

    .venv/bin/python benchmarks/report.py

Prints one table row per case.  Each case runs once, under tracemalloc (``trace="inline"``
of ``benchmarks/_measure.py``: the demo report is too slow to run twice), so the wall time
includes tracemalloc's overhead; CPU time is printed next to it.  Peak memory is
tracemalloc's peak of Python allocations (numpy buffers included); the process's maximum
resident set size is printed at the end.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from _measure import conditions, measure, print_table

from interstore.evidence.ledger import RatePoint, StorageLimits, Uncertain, capacity_ledger
from interstore.massbasis import ElectrodeMasses
from interstore.report.build import analyse_study, build_report

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo_study" / "study.toml"


def ledger_100_rates() -> None:
    rng = np.random.default_rng(1)
    points = [RatePoint(float(i), Uncertain(float(q), 5.0), 0.99, Uncertain(0.3, 0.1))
              for i, q in enumerate(rng.uniform(200, 500, 100), 1)]
    capacity_ledger(points, StorageLimits(323.1, Uncertain(150.0, 40.0), "bench", Uncertain(0.05, 0.03)),
                    ElectrodeMasses(1e-3, 2.5e-4, 3.1e-4))


def main() -> None:
    rows = [measure("ledger: 100 rates × 4000 Monte-Carlo samples", ledger_100_rates, trace="inline"),
            measure("demo study analysis, no simulation", lambda: analyse_study(DEMO, simulate=False), trace="inline")]
    with tempfile.TemporaryDirectory() as out:
        rows.append(measure("demo report (analysis + simulation + HTML/PNG)", lambda: build_report(DEMO, out),
                            trace="inline"))
    print_table(["case", "wall, traced (s)", "CPU (s)", "peak traced (MiB)", "load avg (1 min)"],
                [(m.label, f"{m.wall_s:.2f}", f"{m.cpu_s:.2f}", f"{m.peak_mib:.1f}", f"{m.load:.2f}") for m in rows])
    print(conditions())


if __name__ == "__main__":
    main()
