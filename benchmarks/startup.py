"""Benchmark: start-up of the ``interstore`` command against ``python -c "import numpy"``.

Each round runs, as child processes one after the other, ``python -c "import numpy"`` and
``interstore --help`` (the same interpreter, the working tree's ``src`` first on the path); the CPU
time of each child (user + system, from ``resource.getrusage(RUSAGE_CHILDREN)``) and its wall time
are recorded, and the medians of 7 rounds are compared.

    .venv/bin/python benchmarks/startup.py

Target: ``interstore --help`` ≤ 2× ``python -c "import numpy"`` in CPU time.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _measure import conditions, print_table, verdict

ROUNDS = 7
SRC = Path(__file__).resolve().parents[1] / "src"
CASES = {
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
    "interstore --help": [sys.executable, "-c", "import sys; from interstore.cli import main; sys.exit(main())",
                          "--help"],
}


def run_child(argv: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one child process."""
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - w0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in CASES}
    for _ in range(ROUNDS):
        for label, argv in CASES.items():
            runs[label].append(run_child(argv))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    base = med['python -c "import numpy"'][1]
    print_table(["command", "wall, median (s)", "CPU, median (s)", "CPU ratio to import numpy"],
                [(k, f"{w:.3f}", f"{c:.3f}", f"{c / base:.2f}") for k, (w, c) in med.items()],
                title=f"Start-up, {ROUNDS} interleaved rounds")
    print()
    verdict("interstore --help / python -c 'import numpy', CPU", med["interstore --help"][1] / base, 2.0, unit="×")
    print(conditions())


if __name__ == "__main__":
    main()
