"""Benchmark: the capacity ledger and the whole demo report, with the imports timed apart.

    .venv/bin/python benchmarks/report.py

1. The libraries the report uses (numpy, scipy, pandas, matplotlib, impedance.py, lmfit,
   pybaselines, pymatgen, pyMCR) and the interstore modules are imported first, timed as one row: a
   fresh process pays this once.  Every module the first report call would otherwise import is in
   this list (``python -X importtime`` or ``sys.modules`` before and after the call shows any that
   is missing), so the next row times no imports.
2. The demo report (examples/demo_study: EIS, GITT, CV, galvanostatic cycling, atomistic limit,
   simulated Ragone curves, ledger, controls, spectra, verdict; HTML + JSON + 12 PNGs) is built once
   after the imports (the first call: what ``interstore report`` does), then once more (warm).
   Each figure is drawn once by matplotlib: the PNG file and the HTML page share its bytes.
3. The ledger alone on 100 rates × 4000 Monte-Carlo samples, and the analysis without simulation.

Wall and CPU time per row; the CPU time is what the target reads (the machine may be shared).
Peak memory is tracemalloc's peak of Python allocations for the traced rows.

Target: demo report analysis + simulation + writing, after imports, ≤ 3 s CPU.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
from _measure import Measurement, conditions, load_1min, max_rss_mib, measure, print_table, verdict

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo_study" / "study.toml"


def import_everything() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import impedance.models.circuits  # noqa: F401
    import lmfit  # noqa: F401
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401
    import pybaselines  # noqa: F401
    import pymatgen.core  # noqa: F401  (chemical formulas, imported by interstore.theoretical on first use)
    import pymcr  # noqa: F401
    import scipy.integrate  # noqa: F401
    import scipy.optimize  # noqa: F401
    import scipy.signal  # noqa: F401
    import scipy.stats  # noqa: F401
    import threadpoolctl  # noqa: F401

    import interstore.echem.cv_analysis  # noqa: F401
    import interstore.echem.eis  # noqa: F401
    import interstore.echem.galvanostatic  # noqa: F401
    import interstore.echem.gitt  # noqa: F401
    import interstore.echem.differential  # noqa: F401
    import interstore.echem.readers  # noqa: F401
    import interstore.evidence.table1  # noqa: F401
    import interstore.atomistic.limit  # noqa: F401
    import interstore.atomistic.plots  # noqa: F401
    import interstore.atomistic.reversible  # noqa: F401
    import interstore.echem.plots_cv  # noqa: F401
    import interstore.echem.plots_cycling  # noqa: F401
    import interstore.echem.plots_eis  # noqa: F401
    import interstore.fonts  # noqa: F401
    import interstore.report.build  # noqa: F401
    import interstore.report.figures  # noqa: F401
    import interstore.report.figures_controls  # noqa: F401
    import interstore.report.html  # noqa: F401
    import interstore.report.html_controls  # noqa: F401
    import interstore.report.html_fit  # noqa: F401
    import interstore.report.provenance  # noqa: F401
    import interstore.spectra.evidence  # noqa: F401
    import interstore.study  # noqa: F401
    import interstore.study_fit  # noqa: F401
    import interstore.transport.plots_fit  # noqa: F401
    import interstore.transport.plots_simulation  # noqa: F401
    import interstore.transport.expintegrator  # noqa: F401
    import interstore.transport.jobsharing  # noqa: F401
    import interstore.transport.ragone  # noqa: F401


def ledger_100_rates() -> None:
    from interstore.evidence.ledger import RatePoint, StorageLimits, Uncertain, capacity_ledger
    from interstore.massbasis import ElectrodeMasses

    rng = np.random.default_rng(1)
    points = [RatePoint(float(i), Uncertain(float(q), 5.0), 0.99, Uncertain(0.3, 0.1))
              for i, q in enumerate(rng.uniform(200, 500, 100), 1)]
    capacity_ledger(points, StorageLimits(323.1, Uncertain(150.0, 40.0), "bench", Uncertain(0.05, 0.03)),
                    ElectrodeMasses(1e-3, 2.5e-4, 3.1e-4))


def main() -> None:
    w0, c0 = time.perf_counter(), time.process_time()
    import_everything()
    rows = [Measurement("imports (numpy, scipy, pandas, matplotlib, impedance.py, lmfit, interstore)",
                        time.perf_counter() - w0, time.process_time() - c0, float("nan"), max_rss_mib(), load_1min())]
    from interstore.report.build import analyse_study, build_report

    with tempfile.TemporaryDirectory() as out:
        first = measure("demo report, first call after imports (analysis + simulation + HTML/JSON/PNGs)",
                        lambda: build_report(DEMO, out), trace="off")
        pngs = len(list(Path(out).glob("*.png")))
        warm = measure("demo report, second call", lambda: build_report(DEMO, out), trace="off")
    rows += [first, warm,
             measure("demo study analysis, no simulation", lambda: analyse_study(DEMO, simulate=False),
                     trace="inline"),
             measure("ledger: 100 rates × 4000 Monte-Carlo samples", ledger_100_rates, trace="inline")]
    print_table(["case", "wall (s)", "CPU (s)", "peak traced (MiB)", "load avg (1 min)"],
                [(m.label, f"{m.wall_s:.2f}", f"{m.cpu_s:.2f}", m.peak_mib, f"{m.load:.2f}") for m in rows],
                float_format=".1f")
    print(f"\nthe report wrote {pngs} PNG figures, each drawn once and embedded in report.html")
    verdict("demo report after imports (analysis + simulation + writing), CPU", first.cpu_s, 3.0, unit=" s")
    print(conditions())


if __name__ == "__main__":
    main()
