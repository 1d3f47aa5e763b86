"""Readers side by side with the library alone, on 2 000 000-row files: interstore's
``read_measurement`` against pandas ``read_csv`` (CSV, EC-Lab ``.mpt``), galvani (``.mpr``)
and NewareNDA (``.nda``).

Both sides return a table of the file's columns: interstore a ``Measurement`` (one
DataFrame), the references a DataFrame too (for ``.mpr`` galvani's documented use,
``pd.DataFrame(MPRfile(path).data)``; pandas and NewareNDA return one themselves).  The
``mpr-array`` case is stricter: galvani's record array alone, with no table built.

Each side reads in a fresh child process forked from this one (so one read's freed memory
cannot hide the next one's), the reference first, then interstore, in ``--rounds``
interleaved rounds (reference, interstore, reference, interstore, …).  Each child reads
three times (once when a read takes over 10 s) and keeps the read with the least CPU time;
the tables give, per side, the median over the rounds of wall and CPU time, the child's
peak RSS (what ``/usr/bin/time -v`` calls maximum resident set size, the imports included:
they are the same on both sides) and its growth during the read; then the median of the
per-round interstore/reference ratios with their range, and the verdict against the target
≤ 1.3× on CPU time and on peak RSS.  Trust CPU time and ratios on a busy machine, not wall time.

Usage: python benchmarks/readers.py [--rows 2000000] [--only csv,mpt,mpr,nda,mpr-array] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from _measure import conditions, load_1min, print_table

from interstore.echem.readers import read_measurement

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "echem"))
from test_readers_formats import NEWARE_LAYOUTS, write_mpr  # noqa: E402  the test suite's file writers

TARGET = 1.3
REPEAT = 3            # reads per process; the one with the least CPU time is kept
ONE_RUN_ABOVE_S = 10  # a read longer than this (NewareNDA's 2 M records) is done once
STEP_ROWS = 3600  # one CC step per hour of 1-s records


def _signals(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Time (s), potential (V), current (mA) and cycle of a CC cycling record."""
    t = np.arange(n, dtype=float)
    step = np.arange(n) // STEP_ROWS
    charging = step % 2 == 0
    phase = (np.arange(n) % STEP_ROWS) / STEP_ROWS
    e = np.where(charging, 0.8 + 0.8 * phase, 1.6 - 0.8 * phase)
    i = np.where(charging, 0.5, -0.5)
    return t, e, i, step // 2


def write_csv(path: Path, n: int) -> None:
    t, e, i, _ = _signals(n)
    pd.DataFrame({"time/s": t, "Ewe/V": e, "I/mA": i}).to_csv(path, index=False, float_format="%.9g")


def write_mpt(path: Path, n: int) -> None:
    """EC-Lab text export, French locale (decimal comma), 5 columns, Windows-1252 as EC-Lab
    writes it (its settings block carries ``cm²``: the head is not UTF-8)."""
    t, e, i, cycle = _signals(n)
    header = "EC-Lab ASCII FILE\nNb header lines : 5\n\nElectrode surface area : 0,001 cm²\n"
    with open(path, "w", encoding="cp1252") as fh:
        fh.write(header)
        pd.DataFrame({"mode": 1, "time/s": t, "Ewe/V": e, "<I>/mA": i, "cycle number": cycle.astype(float)}).to_csv(
            fh, sep="\t", index=False, decimal=",", float_format="%.9E")


def write_mpr_file(path: Path, n: int) -> None:
    t, e, i, _ = _signals(n)
    write_mpr(path, {4: ("<f8", t), 6: ("<f4", e), 8: ("<f4", i)})


def write_nda(path: Path, n: int) -> None:
    """A version-29 .nda (NewareNDA's layout, see tests/echem/test_readers_formats.py), built with numpy."""
    size, start, (ids_at, _), values_at, date_at, range_at = NEWARE_LAYOUTS["nda29"]
    fields = [("s0", "u1", 0), ("s1", "u1", 1), ("index", "<u4", ids_at), ("cycle", "<u4", ids_at + 4),
              ("step", "<u2", ids_at + 8), ("status", "u1", ids_at + 10), ("time_ms", "<u8", values_at),
              ("volt", "<i4", values_at + 8), ("cur", "<i4", values_at + 12), ("year", "<u2", date_at),
              ("month", "u1", date_at + 2), ("day", "u1", date_at + 3), ("range", "<i4", range_at)]
    dtype = np.dtype({"names": [f[0] for f in fields], "formats": [f[1] for f in fields],
                      "offsets": [f[2] for f in fields], "itemsize": size})
    _, e, i, cycle = _signals(n)
    step = np.arange(n) // STEP_ROWS
    rec = np.zeros(n, dtype)
    rec["s0"], rec["s1"] = start[0], start[1]
    rec["index"], rec["cycle"], rec["step"] = np.arange(1, n + 1), cycle, step + 1
    rec["status"] = np.where(step % 2 == 0, 1, 2)                       # CC_Chg, CC_DChg
    rec["time_ms"] = (np.arange(n) % STEP_ROWS) * 1000                  # step time
    rec["volt"], rec["cur"] = np.round(e * 1e4), np.round(i / 1e-2)
    rec["year"], rec["month"], rec["day"], rec["range"] = 2025, 3, 14, -100000
    head = b"NEWARE".ljust(14, b"\x00") + bytes([29]) + b"\x00" * 100 + b"\x00\x00\x00\x00"
    path.write_bytes(head + rec.tobytes())


def _reference(kind: str, path: Path) -> Callable[[], object]:
    if kind == "csv":
        return lambda: pd.read_csv(path)
    if kind == "mpt":
        return lambda: pd.read_csv(path, sep="\t", skiprows=4, decimal=",", encoding="latin-1")
    if kind in ("mpr", "mpr-array"):
        from galvani.BioLogic import MPRfile

        if kind == "mpr-array":  # stricter than any user: galvani's record array, no table built
            return lambda: MPRfile(str(path)).data
        return lambda: pd.DataFrame(MPRfile(str(path)).data)  # galvani's README: one DataFrame of the columns
    import NewareNDA

    return lambda: NewareNDA.read(str(path), log_level="CRITICAL")


CASES = {  # kind: (label, writer, library)
    "csv": ("CSV (time/s, Ewe/V, I/mA)", write_csv, "pandas.read_csv"),
    "mpt": ("EC-Lab .mpt, decimal comma", write_mpt, "pandas.read_csv"),
    "mpr": ("EC-Lab .mpr (binary)", write_mpr_file, "galvani.MPRfile"),
    "nda": ("Neware .nda v29", write_nda, "NewareNDA.read"),
    "mpr-array": ("EC-Lab .mpr, against the array alone", write_mpr_file, "galvani.MPRfile(...).data"),
}


def _child(kind: str, side: str, path: str, queue) -> None:
    import warnings

    warnings.simplefilter("ignore")
    fn = _reference(kind, Path(path)) if side == "library" else (lambda: read_measurement(path))
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best = (float("inf"), float("inf"))
    for k in range(REPEAT):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, (time.perf_counter() - w0, time.process_time() - c0), key=lambda r: r[1])
        rows = len(result.data if side == "interstore" else result)
        del result
        if best[0] > ONE_RUN_ABOVE_S:
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((best[0], best[1], peak / 1024, (peak - rss0) / 1024, rows, load_1min()))


def run(kind: str, side: str, path: Path) -> tuple:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(kind, side, str(path), queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated: " + ",".join(CASES))
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per file (medians are shown)")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.only.split(",") if k.strip()]
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rows, verdicts = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            label, writer, library = CASES[kind]
            path = Path(tmp) / f"big.{kind.split('-')[0]}"
            writer(path, args.rows)
            rounds = [(run(kind, "library", path), run(kind, "interstore", path)) for _ in range(max(args.rounds, 1))]
            assert all(r[4] == m[4] == args.rows for r, m in rounds), (kind, rounds)
            size = path.stat().st_size / 2**20
            ref, mine = (np.median([pair[k] for pair in rounds], axis=0) for k in (0, 1))
            cpu = [m[1] / r[1] for r, m in rounds]
            rss = [m[2] / r[2] for r, m in rounds]
            cpu_ratio, rss_ratio = float(np.median(cpu)), float(np.median(rss))
            met = cpu_ratio <= TARGET and rss_ratio <= TARGET
            for side, r in ((library, ref), ("interstore", mine)):
                rows.append((label, f"{size:.0f}", side, r[0], r[1], r[2], r[3], r[5]))
            verdicts.append((label, cpu_ratio, f"{min(cpu):.2f}–{max(cpu):.2f}", mine[0] / ref[0], rss_ratio,
                             mine[3] / max(ref[3], 1e-9), "met" if met else "missed"))
            path.unlink()
    n = max(args.rounds, 1)
    print_table(["file", "size (MiB)", "reader", "wall (s)", "CPU (s)", "peak RSS (MiB)", "RSS growth (MiB)",
                 "load avg (1 min)"], rows,
                title=f"Reading {args.rows:,} rows, each read in a fresh forked process; medians of {n} "
                      "interleaved rounds", float_format=".2f")
    print(f"(best of {REPEAT} reads per process by CPU time; one read where it took over {ONE_RUN_ABOVE_S} s)")
    print_table(["file", "CPU ratio (median)", f"CPU ratio (range of {n})", "wall ratio", "peak RSS ratio",
                 "RSS growth ratio", f"verdict (≤ {TARGET}× CPU and peak RSS)"], verdicts,
                title="interstore / library alone", float_format=".2f")
    print(conditions())


if __name__ == "__main__":
    main()
