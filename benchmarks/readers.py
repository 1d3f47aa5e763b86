"""Reader speed and memory: wall time (best of 3), CPU time and peak traced memory (tracemalloc, a separate
read) to read large synthetic exports (CSV, EC-Lab .mpt with decimal comma, CSV with a text column, Gamry .DTA),
and the plain CSV side by side with ``pandas.read_csv`` (the reference; interleaved rounds, median CPU of 3).

Usage: python benchmarks/readers.py [--rows 200000]

Target: read_measurement on the plain CSV ≤ 2× pandas.read_csv of the same file (CPU): format detection,
unit conversion and validation may cost at most as much again as the parse itself.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from _measure import conditions, interleaved, measure, print_table, verdict

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(Path(tmp), args.rows)
        rows = []
        for label, path in files.items():
            # best of 3 untraced reads, then one traced read for the peak
            m = measure(label, lambda: read_measurement(path), repeat=3)  # noqa: B023  called right here
            rows.append((label, args.rows, f"{path.stat().st_size / 2**20:.1f}", f"{m.wall_s:.2f}",
                         f"{m.cpu_s:.2f}", f"{args.rows / m.wall_s:.3g}", f"{m.peak_mib:.1f}"))
        import pandas as pd

        plain = files["csv (3 numeric columns)"]
        side = interleaved({"ours": lambda: read_measurement(plain), "pandas": lambda: pd.read_csv(plain)})
    print_table(["format", "rows", "file (MiB)", "wall, best of 3 (s)", "CPU (s)", "rows/s", "peak traced (MiB)"],
                rows)
    print_table(["reader", "wall (s)", "CPU, median of 3 (s)"],
                [("interstore read_measurement", f"{side['ours'].wall_s:.3f}", f"{side['ours'].cpu_s:.3f}"),
                 ("pandas.read_csv", f"{side['pandas'].wall_s:.3f}", f"{side['pandas'].cpu_s:.3f}")],
                title=f"Plain CSV ({args.rows} rows) side by side")
    print()
    verdict("read_measurement / pandas.read_csv on the plain CSV, CPU", side["ours"].cpu_s / side["pandas"].cpu_s,
            2.0, unit="×")
    print(conditions())


if __name__ == "__main__":
    main()
