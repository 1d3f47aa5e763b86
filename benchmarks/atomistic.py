"""Benchmark: CHGNet single points and relaxations on the built-in heterostructures (CPU).

Run: ``python benchmarks/atomistic.py [--steps N]``.  For each built-in cell
prints the atom count, seconds per single point (mean of 3 rattled copies
after one warm-up call), seconds per relaxation (FIRE, ``--steps`` steps at most, fmax 0.05
eV/Å so it runs all of them) and per optimizer step, and the peak resident
memory of the process (``resource.getrusage``; torch allocations are not
visible to tracemalloc).  torch runs single-threaded, as in a scan.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from rich.console import Console

from interstore.atomistic.calculator import RelaxSettings, calculator_info, relax, single_point
from interstore.atomistic.structures import BUILTINS, load_structure
from interstore.cli_support import table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="optimizer steps per relaxation")
    args = parser.parse_args()
    info = calculator_info()
    rows = []
    for name in BUILTINS:
        atoms = load_structure(f"builtin:{name}")
        single_point(atoms)  # warm-up (graph construction code paths)
        shaken = [atoms.copy() for _ in range(3)]
        for k, a in enumerate(shaken):  # new positions each time: the calculator caches results
            a.rattle(0.01, seed=k)
        t0 = time.perf_counter()
        for a in shaken:
            single_point(a)
        sp = (time.perf_counter() - t0) / 3
        t0 = time.perf_counter()
        res = relax(atoms, RelaxSettings(fmax_eV_A=0.05, steps=args.steps))
        rx = time.perf_counter() - t0
        rows.append((name, len(atoms), f"{sp:.3f}", f"{rx:.2f}", res.steps, f"{rx / max(res.steps, 1):.3f}",
                     f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", f"{os.getloadavg()[0]:.1f}"))
    Console(width=140).print(table(f"{info['model']} {info['model_version']} (chgnet {info['package_version']}, "
                          f"torch {info['torch_version']}, 1 thread)",
                          ["cell", "atoms", "s per single point", "s per relaxation", "steps",
                           "s per step", "peak RSS (MiB)", "load avg (1 min)"], rows))


if __name__ == "__main__":
    main()
