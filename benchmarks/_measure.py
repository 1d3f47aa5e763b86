"""The one measurement helper of the benchmark scripts.

Every script in ``benchmarks/`` measures with this module:

* :func:`measure` runs a callable and returns a :class:`Measurement`: wall time
  (``time.perf_counter``), CPU time of the process (``time.process_time``, to
  tell a slow code from a busy machine), the tracemalloc peak of the Python and
  numpy allocations made inside the call, the process's maximum resident set
  size so far (``resource.getrusage``) and the 1-minute load average;
* :class:`Laps` times consecutive stages of one pipeline (wall and CPU time
  since the previous lap, max RSS after each);
* :func:`print_table` prints rows as a Markdown table whose headers carry the
  units, and :func:`conditions` the line with the machine conditions (CPUs,
  load average, max RSS) that every script prints last.

Scripts are run from the repository root as ``.venv/bin/python benchmarks/NAME.py``;
Python then puts ``benchmarks/`` first on ``sys.path``, so ``from _measure import …`` works.
"""

from __future__ import annotations

import math
import os
import resource
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["NAN", "Laps", "Measurement", "conditions", "interleaved", "load_1min", "max_rss_mib", "measure",
           "print_table", "verdict"]

NAN = float("nan")


def max_rss_mib() -> float:
    """The process's maximum resident set size so far, MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_1min() -> float:
    """The 1-minute load average of the machine."""
    return os.getloadavg()[0]


@dataclass(frozen=True)
class Measurement:
    """One measured call or stage.  ``peak_mib`` is NaN when tracemalloc was not used."""

    label: str
    wall_s: float
    cpu_s: float
    peak_mib: float
    rss_mib: float
    load: float
    result: Any = None


def _traced_peak(fn: Callable[[], Any]) -> tuple[Any, float]:
    tracemalloc.start()
    try:
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return result, peak


def measure(label: str, fn: Callable[[], Any], *, trace: Literal["separate", "inline", "off"] = "separate",
            repeat: int = 1) -> Measurement:
    """Call ``fn`` and measure it.

    ``trace="separate"`` (default): wall and CPU time come from untraced call(s), the
    tracemalloc peak from one more, traced call (tracemalloc slows allocation-heavy code).
    ``trace="inline"``: one call, timed while traced (cheaper for long cases; wall time
    includes tracemalloc's overhead).  ``trace="off"``: no tracemalloc, ``peak_mib`` is NaN.
    ``repeat`` > 1: the untraced call is repeated and the fastest wall time (with its CPU
    time) is kept.  ``result`` is the return value of the first call.
    """
    if trace not in ("separate", "inline", "off"):
        raise ValueError(f"trace must be 'separate', 'inline' or 'off', not {trace!r}")
    if trace == "inline":
        w0, c0 = time.perf_counter(), time.process_time()
        result, peak = _traced_peak(fn)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    else:
        best: tuple[float, float] | None = None
        result = None
        for k in range(max(repeat, 1)):
            w0, c0 = time.perf_counter(), time.process_time()
            out = fn()
            run = (time.perf_counter() - w0, time.process_time() - c0)
            if k == 0:
                result = out
            best = run if best is None or run[0] < best[0] else best
        wall, cpu = best
        peak = _traced_peak(fn)[1] if trace == "separate" else NAN
    return Measurement(label, wall, cpu, peak, max_rss_mib(), load_1min(), result)


def interleaved(cases: dict[str, Callable[[], Any]], *, repeat: int = 3) -> dict[str, Measurement]:
    """Run the cases in turn, ``repeat`` rounds (a, b, a, b, …), and keep for each the run with the
    median CPU time: two codes measured side by side see the same machine load.  ``result`` is the
    return value of the first run; ``peak_mib`` is NaN (no tracemalloc)."""
    runs: dict[str, list[Measurement]] = {k: [] for k in cases}
    for _ in range(max(repeat, 1)):
        for label, fn in cases.items():
            runs[label].append(measure(label, fn, trace="off"))
    out = {}
    for label, ms in runs.items():
        ordered = sorted(ms, key=lambda m: m.cpu_s)
        mid = ordered[len(ordered) // 2]
        out[label] = Measurement(label, mid.wall_s, mid.cpu_s, NAN, mid.rss_mib, mid.load, ms[0].result)
    return out


def verdict(target: str, value: float, limit: float, *, unit: str = "") -> bool:
    """Print one verdict line, ``target <name> ≤ <limit>: met|MISSED (measured <value>)``; return met."""
    met = bool(value <= limit)
    print(f"target {target} ≤ {limit:g}{unit}: {'met' if met else 'MISSED'} (measured {value:.3g}{unit})")
    return met


class Laps:
    """Wall and CPU time of consecutive stages: each :meth:`lap` measures since the previous one.

    A lap's ``peak_mib`` is NaN (no tracemalloc); its ``result`` is the note given to :meth:`lap`.
    """

    def __init__(self) -> None:
        self.rows: list[Measurement] = []
        self.restart()

    def restart(self) -> None:
        """Start the next lap now (e.g. after work that should not be counted)."""
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, label: str, note: str = "") -> Measurement:
        now_wall, now_cpu = time.perf_counter(), time.process_time()
        m = Measurement(label, now_wall - self._wall, now_cpu - self._cpu, NAN, max_rss_mib(), load_1min(), note)
        self.rows.append(m)
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return m


def _cell(value: Any, fmt: str) -> str:
    if isinstance(value, float):
        return "—" if math.isnan(value) else format(value, fmt)
    return str(value)


def _numeric(text: str) -> bool:
    if text in ("", "-", "—"):
        return True
    try:
        float(text.replace("+", "", 1))
    except ValueError:
        return False
    return True


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
                float_format: str = ".3f") -> None:
    """Print ``rows`` as an aligned Markdown table.

    Headers carry the units (``"wall (s)"``, ``"peak traced (MiB)"``).  Strings are printed
    as they are; floats with ``float_format`` (NaN as ``—``); columns of numbers (after the
    first) are right-aligned, the others left-aligned.
    """
    headers = [h.replace("|", "\\|") for h in headers]  # a "|" inside a cell would split it
    cells = [[_cell(v, float_format).replace("|", "\\|") for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[k]) for r in cells if k < len(r)]) for k, h in enumerate(headers)]
    right = [k > 0 and all(_numeric(r[k]) for r in cells if k < len(r)) for k in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        out = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)]
        return "| " + " | ".join(out) + " |"

    if title:
        print(f"\n{title}\n")
    print(line(list(headers)))
    print("|" + "|".join("-" * (w + 1) + ":" if r else ":" + "-" * (w + 1) for w, r in zip(widths, right)) + "|")
    for r in cells:
        print(line(r))


def conditions() -> str:
    """One line on the machine conditions, printed at the end of every benchmark."""
    return (f"machine: {os.cpu_count()} CPUs; load average (1 min) {_START_LOAD:.2f} at the start, "
            f"{load_1min():.2f} at the end; process max RSS {max_rss_mib():.0f} MiB")


_START_LOAD = load_1min()
