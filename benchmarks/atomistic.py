"""Benchmark: single points and relaxations of a shipped potential on the built-in heterostructures (CPU).

Run: ``python benchmarks/atomistic.py [--parts costs,relax,scan] [--steps N]
[--calculator chgnet|sevennet-0|sevennet-l3i5]``.
For each built-in cell prints the atom count, seconds per single point (mean of 3 rattled copies
after one warm-up call, one call each), the same three predicted in one batched call
(``single_points(batch=True)``; CHGNet batches, SevenNet loops) with the loop/batched ratio and a
met/missed verdict (batched must not be slower; on one CPU thread it is not faster, so scans batch
on a GPU only), seconds per relaxation (FIRE, ``--steps`` steps at most, fmax 0.05
eV/Å so it runs all of them) and per optimizer step, and the peak resident
memory of the process (``resource.getrusage``; torch allocations are not
visible to tracemalloc).  torch runs single-threaded, as in a scan.  Measured with
``benchmarks/_measure.py`` (no tracemalloc: wall and CPU time, max RSS, load average).

Side by side (``--parts relax``): the bare ``vo2-graphene`` interface relaxed to fmax 0.05 eV/Å
(≤ 300 steps) by interstore's :func:`relax` with its default settings and by the plain ASE + CHGNet
loop a user would write, CHGNet's own ``StructOptimizer`` (ASE FIRE around ``CHGNetCalculator``,
positions only), in the same process: steps, final max |F|, energy, CPU time, CPU per step, the CPU
ratio and a met/missed verdict (interstore ≤ 1.0× the reference).

Target (issue 13, scan, ``--parts scan``): ``interface scan builtin:vo2-graphene --max-zn 4`` with
default settings ≤ 5 min CPU.  The scan runs as a child process (``python -m interstore``, the
working tree first on the path), its CPU time (user + system) read from
``resource.getrusage(RUSAGE_CHILDREN)``, the same number ``/usr/bin/time -v`` reports; the per-step
costs the scan printed are read back from its JSON.  ``--scan-args`` adds options (e.g.
``"--calculator chgnet"`` for one committee member).  It takes minutes to an hour on a loaded
2-core machine, hence not a default part.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _measure import conditions, measure, print_table, verdict

from interstore.atomistic.calculator import CALCULATORS, RelaxSettings, calculator_info, relax, single_point, single_points
from interstore.atomistic.structures import BUILTINS, load_structure

SCAN_TARGET_S = 300.0  # issue 13: the default 4-Zn scan of vo2-graphene within 5 min of CPU
SRC = Path(__file__).resolve().parents[1] / "src"


def per_cell_costs(calc: str, steps: int) -> None:
    """Seconds per single point (looped and batched) and per relaxation step on every built-in cell."""
    info = calculator_info(calc)
    settings = RelaxSettings(fmax_eV_A=0.05, steps=steps, optimizer="FIRE")
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


def relax_side_by_side() -> None:
    """interstore's default relaxation against CHGNet's StructOptimizer on the bare vo2-graphene interface."""
    import numpy as np
    from chgnet.model import StructOptimizer

    from interstore.atomistic.calculator import load_calculator

    atoms = load_structure("builtin:vo2-graphene")
    settings = RelaxSettings()
    model = load_calculator("chgnet").model  # the same weights for both
    # ASE FIRE around CHGNetCalculator, which predicts energy, forces, stress and magnetic moments
    with contextlib.redirect_stdout(io.StringIO()):  # "CHGNet will run on cpu"
        reference = StructOptimizer(model=model, use_device="cpu")

    def plain_loop():
        out = reference.relax(atoms.copy(), fmax=settings.fmax_eV_A, steps=settings.steps, relax_cell=False,
                              verbose=False)
        forces = np.asarray(out["trajectory"].forces[-1])
        return (len(out["trajectory"].energies) - 1, float(np.linalg.norm(forces, axis=1).max()),
                float(out["trajectory"].energies[-1]))

    ours = measure("interstore relax", lambda: relax(atoms, settings, "chgnet"), trace="off")
    plain = measure("ASE + CHGNet StructOptimizer", plain_loop, trace="off")
    r = ours.result
    steps_ref, fmax_ref, energy_ref = plain.result
    rows = [(f"interstore relax ({settings.optimizer})", r.steps, f"{r.fmax_eV_A:.3f}", f"{r.energy_eV:.3f}",
             f"{ours.cpu_s:.1f}", f"{ours.cpu_s / max(r.steps, 1):.3f}", f"{ours.wall_s:.1f}"),
            ("CHGNet StructOptimizer (ASE FIRE)", steps_ref, f"{fmax_ref:.3f}", f"{energy_ref:.3f}",
             f"{plain.cpu_s:.1f}", f"{plain.cpu_s / max(steps_ref, 1):.3f}", f"{plain.wall_s:.1f}")]
    print_table(["relaxation of vo2-graphene (bare, 98 atoms)", "steps", "final max |F| (eV/Å)", "energy (eV)",
                 "CPU (s)", "CPU per step (s)", "wall (s)"], rows,
                title=f"Relaxation to {settings.fmax_eV_A} eV/Å, ≤ {settings.steps} steps, same process, "
                      "one run each")
    print()
    verdict("interstore relaxation CPU / plain ASE + CHGNet loop CPU", ours.cpu_s / plain.cpu_s, 1.0, unit="×")


def scan_cpu(extra: list[str]) -> None:
    """The whole default scan as a child process: CPU time against the 5-min target, per-step costs."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.json"
        argv = [sys.executable, "-m", "interstore", "interface", "scan", "builtin:vo2-graphene", "--max-zn", "4",
                *extra, "--json", str(out)]
        env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               "OMP_NUM_THREADS": "1"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - w0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"scan failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
        payload = json.loads(out.read_text())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = []
    for name, member in payload["per_member"].items():
        c = member["cost"]
        rows.append((name, c["relax_steps"], f"{c['relax_step_cpu_s']:.3f}", c["single_points"],
                     f"{c['single_point_cpu_s']:.3f}", f"{c['cpu_s']:.0f}",
                     "".join("y" if ok else "n" for ok in member["converged"]),
                     " ".join(f"{e:.3f}" for e in member["eb_eV"][1:])))
    print_table(["member", "relaxation steps", "CPU per step (s)", "single points", "CPU per single point (s)",
                 "member CPU (s)", "converged n = 0…4", "E_b(n = 1…4) (eV)"], rows,
                title=f"interstore interface scan builtin:vo2-graphene --max-zn 4 {shlex.join(extra)}".rstrip()
                      + f" (whole process: {cpu:.0f} s CPU, {wall:.0f} s wall, max RSS of children "
                      f"{after.ru_maxrss / 1024:.0f} MiB)")
    print()
    verdict("interface scan builtin:vo2-graphene --max-zn 4 " + (shlex.join(extra) + " " if extra else "")
            + "CPU", cpu / 60, SCAN_TARGET_S / 60, unit=" min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="optimizer steps per relaxation (per-cell costs)")
    parser.add_argument("--calculator", choices=CALCULATORS, default="chgnet")
    parser.add_argument("--parts", default="costs,relax", help="comma-separated: costs, relax, scan")
    parser.add_argument("--scan-args", default="", help="extra options for the scan part, e.g. '--calculator chgnet'")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "costs" in parts:
        per_cell_costs(args.calculator, args.steps)
    if "relax" in parts:
        relax_side_by_side()
    if "scan" in parts:
        scan_cpu(shlex.split(args.scan_args))
    if "scan" not in parts:
        print("target interface scan builtin:vo2-graphene --max-zn 4 ≤ 5 min CPU: not measured in this run "
              "(--parts scan)")
    print(conditions())


if __name__ == "__main__":
    main()
