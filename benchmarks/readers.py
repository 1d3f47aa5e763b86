"""Reader speed and memory: wall time (best of 3) and peak traced memory (tracemalloc) to read large synthetic
exports (CSV, EC-Lab .mpt with decimal comma, CSV with a text column, Gamry .DTA).

Usage: python benchmarks/readers.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from interstore.echem.readers import read_measurement


def _columns(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.arange(n) * 0.5
    e = 1.0 + 0.6 * np.sin(t / 300.0)
    i = 1e-1 * np.sign(np.cos(t / 300.0))
    return t, e, i


def write_files(folder: Path, n: int) -> dict[str, Path]:
    t, e, i = _columns(n)
    body = np.column_stack([t, e, i])
    files = {}
    files["csv (3 numeric columns)"] = folder / "plain.csv"
    np.savetxt(files["csv (3 numeric columns)"], body, delimiter=",", fmt="%.9g", header="time/s,Ewe/V,I/mA",
               comments="")
    files["csv with text column"] = folder / "text.csv"
    with open(files["csv with text column"], "w") as fh:
        fh.write("Total Time(s),Voltage(V),Current(mA),Step Type\n")
        fh.writelines(f"{a:.9g},{b:.9g},{c:.9g},CC Chg\n" for a, b, c in body)
    files["EC-Lab .mpt (decimal comma)"] = folder / "big.mpt"
    with open(files["EC-Lab .mpt (decimal comma)"], "w", encoding="latin-1") as fh:
        fh.write("EC-Lab ASCII FILE\nNb header lines : 4\n\nmode\ttime/s\tEwe/V\t<I>/mA\tcycle number\n")
        fh.writelines(f"2\t{a:.15E}\t{b:.7E}\t{c:.15E}\t0,000000000000000E+000\n".replace(".", ",")
                      for a, b, c in body)
    files["Gamry .DTA"] = folder / "big.DTA"
    with open(files["Gamry .DTA"], "w") as fh:
        fh.write("EXPLAIN\nTAG\tCV\nSCANRATE\tQUANT\t1.0E+001\tScan Rate (mV/s)\nCURVE1\tTABLE\n"
                 "\tPt\tT\tVf\tIm\tOver\n\t#\ts\tV vs. Ref.\tA\tbits\n")
        fh.writelines(f"\t{k}\t{a:.9g}\t{b:.9g}\t{c * 1e-3:.9g}\t...........\n" for k, (a, b, c) in enumerate(body))
    return files


def measure(path: Path) -> tuple[float, float]:
    """Wall time (s, best of 3, untraced) and peak traced memory (MiB, a separate traced read)."""
    walls = []
    for _ in range(3):
        start = time.perf_counter()
        read_measurement(path)
        walls.append(time.perf_counter() - start)
    tracemalloc.start()
    read_measurement(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(walls), peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(Path(tmp), args.rows)
        print(f"{'format':32s} {'rows':>9s} {'file (MiB)':>11s} {'wall (s)':>9s} {'rows/s':>11s} {'peak (MiB)':>11s}")
        for label, path in files.items():
            wall, peak = measure(path)
            size = path.stat().st_size / 2**20
            print(f"{label:32s} {args.rows:9d} {size:11.1f} {wall:9.2f} {args.rows / wall:11.3g} {peak:11.1f}")
        print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
