"""Benchmark: ``interstore batch`` on 1 000 generated cycling files, a local dask cluster (2 worker
processes × 1 thread, 127.0.0.1) beside a plain serial loop over the same files in this process.

Run: ``python benchmarks/batch.py [N_FILES]`` (default 1000).  Each file is a BioLogic-style CSV of two
discharge/charge cycles (2 × 2 × 150 rows) written to a temporary folder, removed afterwards.
Prints wall and CPU time (this process, plus the dask workers' own CPU time), peak RSS (this process
and the largest worker), the speed-up serial/dask and a verdict, then the load average.

Target: speed-up ≥ 1.5 on 2 cores with the cluster start excluded, identical tables."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _measure import conditions, load_1min, max_rss_mib, print_table

from interstore.cluster import dask_client
from interstore.echem.batch import find_files, run_batch

N_FILES = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROWS = 150
TARGET_SPEEDUP = 1.5


def write_archive(folder: Path, n: int) -> None:
    """n files of two cycles at ±1 mA; the discharge capacity differs from file to file."""
    rng = np.random.default_rng(0)
    for k in range(n):
        t, v, i, cyc, now = [], [], [], [], 0.0
        for c in (1, 2):
            for sign, v0, v1 in ((-1, 1.6, 0.2), (1, 0.2, 1.6)):
                dur = 3600.0 * (1 + 0.05 * rng.standard_normal())
                t.append(now + np.linspace(0, dur, ROWS)); v.append(np.linspace(v0, v1, ROWS))
                i.append(np.full(ROWS, sign * 1.0)); cyc += [c] * ROWS
                now += dur + 60.0
        pd.DataFrame({"time/s": np.concatenate(t), "Ewe/V": np.concatenate(v), "I/mA": np.concatenate(i),
                      "cycle number": cyc}).to_csv(folder / f"cell_{k:04d}.csv", index=False)


def _worker_usage():
    import resource as r

    u = r.getrusage(r.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime, u.ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        w0 = time.perf_counter()
        write_archive(folder, N_FILES)
        files = find_files(folder)
        print(f"{len(files)} files generated in {time.perf_counter() - w0:.1f} s")

        w0, c0 = time.perf_counter(), time.process_time()
        serial = run_batch(files)
        serial_wall, serial_cpu = time.perf_counter() - w0, time.process_time() - c0
        serial_rss = max_rss_mib()

        w0 = time.perf_counter()
        with dask_client(None, n_workers=2, threads_per_worker=1, processes=True) as client:
            start_wall = time.perf_counter() - w0
            before = client.run(_worker_usage)
            w0, c0 = time.perf_counter(), time.process_time()
            parallel = run_batch(files, client=client)
            dask_wall, dask_cpu_here = time.perf_counter() - w0, time.process_time() - c0
            after = client.run(_worker_usage)
        worker_cpu = sum(after[w][0] - before[w][0] for w in after)
        worker_rss = max(a[1] for a in after.values())
    same = serial.table.equals(parallel.table)
    speedup = serial_wall / dask_wall
    print_table(["run", "files", "cycles", "wall (s)", "CPU here (s)", "CPU workers (s)", "peak RSS (MiB)"], [
        ("serial loop (this process)", N_FILES, len(serial.table), serial_wall, serial_cpu, float("nan"), serial_rss),
        ("dask LocalCluster 2×1 (start excluded)", N_FILES, len(parallel.table), dask_wall, dask_cpu_here,
         worker_cpu, worker_rss),
    ], title="interstore batch: serial loop vs local dask cluster")
    print(f"\ncluster start: {start_wall:.2f} s; speed-up serial/dask = {speedup:.2f} "
          f"({serial_wall / (dask_wall + start_wall):.2f} with the start); tables identical: {same}")
    met = speedup >= TARGET_SPEEDUP and same
    print(f"verdict: {'met' if met else 'missed'} (target speed-up ≥ {TARGET_SPEEDUP} on 2 cores, identical tables); "
          f"load average now {load_1min():.2f} — on a machine busier than its cores the speed-up shrinks")
    print(conditions())


if __name__ == "__main__":
    main()
