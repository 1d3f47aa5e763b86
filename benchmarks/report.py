"""Benchmark: the capacity ledger and the whole demo report (wall time, peak Python memory).

    .venv/bin/python benchmarks/report.py

Prints one table row per case.  Peak memory is tracemalloc's peak of Python allocations
(numpy buffers included); the process's maximum resident set size is printed at the end.
"""

from __future__ import annotations

import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from interstore.evidence.ledger import RatePoint, StorageLimits, Uncertain, capacity_ledger
from interstore.massbasis import ElectrodeMasses
from interstore.report.build import analyse_study, build_report

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo_study" / "study.toml"


def measure(label: str, fn) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"| {label:<46} | {wall:9.2f} | {peak / 2**20:10.1f} |")


def ledger_100_rates() -> None:
    rng = np.random.default_rng(1)
    points = [RatePoint(float(i), Uncertain(float(q), 5.0), 0.99, Uncertain(0.3, 0.1))
              for i, q in enumerate(rng.uniform(200, 500, 100), 1)]
    capacity_ledger(points, StorageLimits(323.1, Uncertain(150.0, 40.0), "bench", Uncertain(0.05, 0.03)),
                    ElectrodeMasses(1e-3, 2.5e-4, 3.1e-4))


def main() -> None:
    print("| case                                           | wall (s)  | peak (MiB) |")
    print("|------------------------------------------------|-----------|------------|")
    measure("ledger: 100 rates × 4000 Monte-Carlo samples", ledger_100_rates)
    measure("demo study analysis, no simulation", lambda: analyse_study(DEMO, simulate=False))
    with tempfile.TemporaryDirectory() as out:
        measure("demo report (analysis + simulation + HTML/PNG)", lambda: build_report(DEMO, out))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max resident set size of the process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
