"""Benchmark: interstore's electrode simulator against PyBaMM's SPM for one Ragone curve.

Runs the bulk-only limit (identical parameters, see interstore.transport.pybamm_reference;
interstore integrates this linear case exactly by eigenmodes, the heterostructure by BDF)
at 12 rates with both codes and prints wall time, the interstore/PyBaMM ratio, the
agreement, mesh convergence (capacity at a high rate vs radial cells) and peak memory.

    .venv/bin/python benchmarks/transport.py
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import numpy as np
from rich.console import Console
from rich.table import Table

from interstore.transport.cellconfig import config_from_dict
from interstore.transport.electrode import simulate_galvanostatic
from interstore.transport.pybamm_reference import pybamm_discharges
from interstore.transport.ragone import ragone_curve

RATES_A_G = tuple(float(v) for v in np.geomspace(0.1, 100.0, 12))
MESHES = (10, 20, 40, 80, 160)
HIGH_RATE_A_G = 30.0


def config(n_cells: int = 30):
    return config_from_dict({"host": {"ocp": "vo2", "size_m": 1e-6, "diffusivity_m2_s": 1e-14,
                                      "exchange_current_A_m2": 1.0},
                             "interface": {"enabled": False}, "numerics": {"n_cells": n_cells}})


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def main() -> None:
    console = Console()
    cfg = config()
    simulate_galvanostatic(cfg, 1.0, bulk_only=True)           # warm imports (scipy) once
    ours, t_ours = timed(ragone_curve, cfg, RATES_A_G, bulk_only=True)
    ref, t_cold = timed(pybamm_discharges, cfg, RATES_A_G)    # first call: model build, discretisation, compile
    _, t_warm = timed(pybamm_discharges, cfg, RATES_A_G)      # second call in the same process
    cap_err = [abs(p.capacity_mAh_g - r.capacity_mAh_g[-1]) / r.capacity_mAh_g[-1]
               for p, r in zip(ours.points, ref)]
    v_rms = []
    for rate, r in zip(RATES_A_G, ref):
        d = simulate_galvanostatic(cfg, rate, bulk_only=True)
        q = np.linspace(0.0, 0.98 * min(r.capacity_mAh_g[-1], d.capacity_mAh_g[-1]), 300)
        v_rms.append(np.sqrt(np.mean((np.interp(q, r.capacity_mAh_g, r.potential_V)
                                      - np.interp(q, d.capacity_mAh_g, d.potential_V)) ** 2)))

    t = Table(title="One Ragone curve, 12 rates 0.1-100 A/g (active basis), bulk-only, 30 radial cells")
    for c in ("code", "wall time (s)", "ratio interstore/PyBaMM", "max capacity diff. (%)", "max V RMS diff. (mV)"):
        t.add_column(c)
    t.add_row("interstore (FV, exact eigenmode time integration)", f"{t_ours:.3f}", "-",
              f"{100 * max(cap_err):.3f}", f"{1e3 * max(v_rms):.3f}")
    t.add_row("PyBaMM SPM + IDAKLU, first call (incl. model build)", f"{t_cold:.3f}", f"{t_ours / t_cold:.3f}", "0", "0")
    t.add_row("PyBaMM SPM + IDAKLU, second call (warm)", f"{t_warm:.3f}", f"{t_ours / t_warm:.3f}", "0", "0")
    console.print(t)

    m = Table(title=f"Mesh convergence: capacity (mAh/g active) at {HIGH_RATE_A_G} A/g vs radial cells")
    for c in ("radial cells", "interstore", "PyBaMM", "difference (%)"):
        m.add_column(c)
    for n in MESHES:
        ours_n = simulate_galvanostatic(config(n), HIGH_RATE_A_G, bulk_only=True).capacity_mAh_g[-1]
        ref_n = pybamm_discharges(config(n), [HIGH_RATE_A_G])[0].capacity_mAh_g[-1]
        m.add_row(str(n), f"{ours_n:.3f}", f"{ref_n:.3f}", f"{100 * (ours_n - ref_n) / ref_n:+.3f}")
    console.print(m)

    het_cfg = config_from_dict({})
    _, t_het = timed(ragone_curve, het_cfg, RATES_A_G)
    tracemalloc.start()
    simulate_galvanostatic(het_cfg, 10.0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    console.print(f"heterostructure Ragone curve (default config, 2 reservoirs x 30 cells, 12 rates): {t_het:.3f} s; "
                  f"peak traced Python memory of one discharge {peak / 2**20:.2f} MiB; "
                  f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

if __name__ == "__main__":
    main()
