"""Benchmark: interstore's electrode simulator against PyBaMM's SPM for one Ragone curve.

Runs the bulk-only limit (identical parameters, see interstore.transport.pybamm_reference;
interstore integrates this linear case exactly by eigenmodes, the heterostructure by BDF)
at 12 rates with both codes and prints wall time, the interstore/PyBaMM ratio, the
agreement, mesh convergence (capacity at a high rate vs radial cells) and peak memory.

    .venv/bin/python benchmarks/transport.py

Target: interstore/PyBaMM wall-time ratio for one Ragone curve ≤ 1.0, with the capacity
converging with the mesh in both codes.
"""

from __future__ import annotations

import numpy as np
from _measure import conditions, measure, print_table

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


def main() -> None:
    cfg = config()
    simulate_galvanostatic(cfg, 1.0, bulk_only=True)           # warm imports (scipy) once
    ours = measure("interstore", lambda: ragone_curve(cfg, RATES_A_G, bulk_only=True), trace="off")
    # first call: model build, discretisation, compile; then a second call in the same process
    cold = measure("PyBaMM cold", lambda: pybamm_discharges(cfg, RATES_A_G), trace="off")
    warm = measure("PyBaMM warm", lambda: pybamm_discharges(cfg, RATES_A_G), trace="off")
    t_ours, t_cold, t_warm, ref = ours.wall_s, cold.wall_s, warm.wall_s, cold.result
    cap_err = [abs(p.capacity_mAh_g - r.capacity_mAh_g[-1]) / r.capacity_mAh_g[-1]
               for p, r in zip(ours.result.points, ref)]
    v_rms = []
    for rate, r in zip(RATES_A_G, ref):
        d = simulate_galvanostatic(cfg, rate, bulk_only=True)
        q = np.linspace(0.0, 0.98 * min(r.capacity_mAh_g[-1], d.capacity_mAh_g[-1]), 300)
        v_rms.append(np.sqrt(np.mean((np.interp(q, r.capacity_mAh_g, r.potential_V)
                                      - np.interp(q, d.capacity_mAh_g, d.potential_V)) ** 2)))

    print_table(["code", "wall time (s)", "CPU time (s)", "ratio interstore/PyBaMM", "max capacity diff. (%)",
                 "max V RMS diff. (mV)"],
                [("interstore (FV, exact eigenmode time integration)", f"{t_ours:.3f}", f"{ours.cpu_s:.3f}", "-",
                  f"{100 * max(cap_err):.3f}", f"{1e3 * max(v_rms):.3f}"),
                 ("PyBaMM SPM + IDAKLU, first call (incl. model build)", f"{t_cold:.3f}", f"{cold.cpu_s:.3f}",
                  f"{t_ours / t_cold:.3f}", "0", "0"),
                 ("PyBaMM SPM + IDAKLU, second call (warm)", f"{t_warm:.3f}", f"{warm.cpu_s:.3f}",
                  f"{t_ours / t_warm:.3f}", "0", "0")],
                title="One Ragone curve, 12 rates 0.1-100 A/g (active basis), bulk-only, 30 radial cells")

    mesh_rows = []
    for n in MESHES:
        ours_n = simulate_galvanostatic(config(n), HIGH_RATE_A_G, bulk_only=True).capacity_mAh_g[-1]
        ref_n = pybamm_discharges(config(n), [HIGH_RATE_A_G])[0].capacity_mAh_g[-1]
        mesh_rows.append((str(n), f"{ours_n:.3f}", f"{ref_n:.3f}", f"{100 * (ours_n - ref_n) / ref_n:+.3f}"))
    print_table(["radial cells", "interstore (mAh/g)", "PyBaMM (mAh/g)", "difference (%)"], mesh_rows,
                title=f"Mesh convergence: capacity (mAh/g active) at {HIGH_RATE_A_G} A/g vs radial cells")

    het_cfg = config_from_dict({})
    het = measure("het", lambda: ragone_curve(het_cfg, RATES_A_G), trace="off")
    one = measure("one", lambda: simulate_galvanostatic(het_cfg, 10.0), trace="inline")
    print(f"\nheterostructure Ragone curve (default config, 2 reservoirs x 30 cells, 12 rates): {het.wall_s:.3f} s "
          f"({het.cpu_s:.3f} s CPU); peak traced Python memory of one discharge {one.peak_mib:.2f} MiB")
    worst = max(t_ours / t_cold, t_ours / t_warm)
    print(f"target ratio interstore/PyBaMM ≤ 1.0: {'met' if worst <= 1.0 else 'MISSED'} "
          f"({t_ours / t_cold:.3f} vs the first call, {t_ours / t_warm:.3f} vs the warm call)")
    print(conditions())


if __name__ == "__main__":
    main()
