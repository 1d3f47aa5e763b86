"""Benchmark: single points and relaxations of a shipped potential on the built-in heterostructures (CPU).

Run: ``python benchmarks/atomistic.py [--steps N] [--calculator chgnet|sevennet-0|sevennet-l3i5]``.
For each built-in cell prints the atom count, seconds per single point (mean of 3 rattled copies
after one warm-up call, one call each), the same three predicted in one batched call
(``single_points(batch=True)``; CHGNet batches, SevenNet loops) with the loop/batched ratio and a
met/missed verdict (batched must not be slower; on one CPU thread it is not faster, so scans batch
on a GPU only), seconds per relaxation (FIRE, ``--steps`` steps at most, fmax 0.05
eV/Å so it runs all of them) and per optimizer step, and the peak resident
memory of the process (``resource.getrusage``; torch allocations are not
visible to tracemalloc).  torch runs single-threaded, as in a scan.  Measured with
``benchmarks/_measure.py`` (no tracemalloc: wall and CPU time, max RSS, load average).

Target (issue 13, scan): ``interface scan builtin:vo2-graphene --max-zn 4`` with default settings ≤ 5 min
CPU.  This script does not run the scan; it prints that target as not measured, beside the per-step
costs from which a scan's cost follows.
"""

from __future__ import annotations

import argparse

from _measure import conditions, measure, print_table

from interstore.atomistic.calculator import CALCULATORS, RelaxSettings, calculator_info, relax, single_point, single_points
from interstore.atomistic.structures import BUILTINS, load_structure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="optimizer steps per relaxation")
    parser.add_argument("--calculator", choices=CALCULATORS, default="chgnet")
    args = parser.parse_args()
    calc = args.calculator
    info = calculator_info(calc)
    settings = RelaxSettings(fmax_eV_A=0.05, steps=args.steps, optimizer="FIRE")
    rows = []
    for name in BUILTINS:
        atoms = load_structure(f"builtin:{name}")
        single_point(atoms, calc)  # warm-up (graph construction code paths)
        shaken = [atoms.copy() for _ in range(6)]
        for k, a in enumerate(shaken):  # new positions each time: the calculator caches results
            a.rattle(0.01, seed=k)
        # the lambdas are called right here, inside the iteration (no late binding)
        sp = measure("3 single points", lambda: [single_point(a, calc) for a in shaken[:3]], trace="off")  # noqa: B023
        batch = measure("3 batched", lambda: single_points(shaken[3:], calc, batch=True), trace="off")  # noqa: B023
        ratio = sp.wall_s / batch.wall_s
        rx = measure("relaxation", lambda: relax(atoms, settings, calc), trace="off")  # noqa: B023
        steps = rx.result.steps
        rows.append((name, len(atoms), f"{sp.wall_s / 3:.3f}", f"{batch.wall_s / 3:.3f}",
                     f"{ratio:.2f} ({'met' if ratio >= 1.0 else 'missed'})", f"{rx.wall_s:.2f}", steps,
                     f"{rx.wall_s / max(steps, 1):.3f}", f"{rx.cpu_s:.2f}", f"{rx.rss_mib:.0f}", f"{rx.load:.1f}"))
    print_table(["cell", "atoms", "s per single point", "s per point, batched", "loop/batched", "s per relaxation",
                 "steps", "s per step",
                 "CPU per relaxation (s)", "peak RSS (MiB)", "load avg (1 min)"], rows,
                title=f"{info['model']} {info['model_version']} ({calc} package {info['package_version']}, "
                      f"torch {info['torch_version']}, 1 thread)")
    print()
    print("target interface scan builtin:vo2-graphene --max-zn 4 ≤ 5 min CPU: NOT MEASURED here "
          "(the scan is not run by this script; per-step costs above)")
    print(conditions())


if __name__ == "__main__":
    main()
