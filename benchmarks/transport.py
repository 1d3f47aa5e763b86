"""Benchmark: interstore's electrode simulator against PyBaMM's SPM, one Ragone curve each.

Times, side by side in one process (interleaved rounds, the median CPU time of 3 kept):

* the heterostructure Ragone curve (default config: bulk + interface reservoirs, automatic mesh), the
  model that ``simulate ragone`` and the report run, at 10 rates 0.1–100 A/g;
* the bulk-only curve at the same rates, which maps one-to-one onto PyBaMM (see
  interstore.transport.pybamm_reference), with the capacity and voltage agreement;
* PyBaMM SPM + IDAKLU for the same 10 discharges, warm (model built and compiled by a first call);
* how the cost grows with the number of rates (5 → 40), and mesh convergence at a high rate;
* accuracy without hand-tuning: the shipped example (examples/transport/vox_rgo.toml, its mesh chosen
  automatically) bulk-only against PyBaMM SPM on a converged 400-cell radial mesh, 0.1–100 A/g.

    .venv/bin/python benchmarks/transport.py

Targets: heterostructure curve ≤ 1.0× PyBaMM SPM warm CPU at 10 rates; cost growing sub-linearly
with the number of rates (exponent of CPU vs number of rates < 1); the shipped example within 1 % of
PyBaMM's converged SPM capacity at every rate up to 100 A/g.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from _measure import conditions, interleaved, measure, print_table, verdict

from interstore.transport.cellconfig import config_from_dict, load_cell_config
from interstore.transport.electrode import simulate_galvanostatic, simulate_galvanostatic_batch
from interstore.transport.model import resolve_cells
from interstore.transport.pybamm_reference import pybamm_discharges
from interstore.transport.ragone import ragone_curve

RATES_A_G = tuple(float(v) for v in np.geomspace(0.1, 100.0, 10))
SCALING = (5, 10, 20, 40)
MESHES = (10, 20, 40, 80, 160)
HIGH_RATE_A_G = 30.0
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "transport" / "vox_rgo.toml"


def config(n_cells: int = 30):
    return config_from_dict({"host": {"ocp": "vo2", "size_m": 1e-6, "diffusivity_m2_s": 1e-14,
                                      "exchange_current_A_m2": 1.0},
                             "interface": {"enabled": False}, "numerics": {"n_cells": n_cells}})


def main() -> None:
    cfg, het_cfg = config(), config_from_dict({})
    ragone_curve(het_cfg, RATES_A_G)                                 # first imports (scipy) out of the timing
    cold = measure("PyBaMM cold", lambda: pybamm_discharges(cfg, RATES_A_G), trace="off")
    runs = interleaved({"het": lambda: ragone_curve(het_cfg, RATES_A_G),
                        "bulk": lambda: ragone_curve(cfg, RATES_A_G, bulk_only=True),
                        "pybamm": lambda: pybamm_discharges(cfg, RATES_A_G)})
    het, bulk, warm = runs["het"], runs["bulk"], runs["pybamm"]
    ref = warm.result
    cap_err = [abs(p.capacity_mAh_g - r.capacity_mAh_g[-1]) / r.capacity_mAh_g[-1]
               for p, r in zip(bulk.result.points, ref)]
    v_rms = []
    for rate, r in zip(RATES_A_G, ref):
        d = simulate_galvanostatic(cfg, rate, bulk_only=True)
        q = np.linspace(0.0, 0.98 * min(r.capacity_mAh_g[-1], d.capacity_mAh_g[-1]), 300)
        v_rms.append(np.sqrt(np.mean((np.interp(q, r.capacity_mAh_g, r.potential_V)
                                      - np.interp(q, d.capacity_mAh_g, d.potential_V)) ** 2)))
    het_cells = resolve_cells(het_cfg, max(RATES_A_G) * het_cfg.cell.masses.mass_g(het_cfg.cell.mass_basis)
                              / het_cfg.cell.active_mass_g).numerics.n_cells
    rows = [(f"interstore heterostructure (2 reservoirs × {het_cells} cells, automatic mesh)", het, "—", "—"),
            ("interstore bulk-only (30 cells)", bulk, f"{100 * max(cap_err):.3f}", f"{1e3 * max(v_rms):.3f}"),
            ("PyBaMM SPM + IDAKLU, warm (second and later calls)", warm, "0", "0"),
            ("PyBaMM SPM + IDAKLU, first call (model build + compile)", cold, "—", "—")]
    print_table(["code", "wall (s)", "CPU (s)", "CPU ratio to PyBaMM warm", "max capacity diff. (%)",
                 "max V RMS diff. (mV)"],
                [(label, f"{m.wall_s:.3f}", f"{m.cpu_s:.3f}", f"{m.cpu_s / warm.cpu_s:.2f}", c, v)
                 for label, m, c, v in rows],
                title=f"One Ragone curve, {len(RATES_A_G)} rates 0.1-100 A/g; median CPU of 3 interleaved rounds")

    scale_rows, cpu = [], []
    for n in SCALING:
        rates = tuple(float(v) for v in np.geomspace(0.1, 100.0, n))
        m = interleaved({"het": lambda: ragone_curve(het_cfg, rates), "pybamm": lambda: pybamm_discharges(cfg, rates)})
        cpu.append(m["het"].cpu_s)
        scale_rows.append((str(n), f"{m['het'].cpu_s:.3f}", f"{m['pybamm'].cpu_s:.3f}",
                           f"{m['het'].cpu_s / m['pybamm'].cpu_s:.2f}"))
    print_table(["rates", "interstore heterostructure CPU (s)", "PyBaMM SPM warm CPU (s)", "ratio"], scale_rows,
                title="Cost against the number of rates (median CPU of 3 interleaved rounds)")
    exponent = math.log(cpu[-1] / cpu[0]) / math.log(SCALING[-1] / SCALING[0])

    mesh_rows = []
    for n in MESHES:
        ours_n = simulate_galvanostatic(config(n), HIGH_RATE_A_G, bulk_only=True).capacity_mAh_g[-1]
        ref_n = pybamm_discharges(config(n), [HIGH_RATE_A_G])[0].capacity_mAh_g[-1]
        mesh_rows.append((str(n), f"{ours_n:.3f}", f"{ref_n:.3f}", f"{100 * (ours_n - ref_n) / ref_n:+.3f}"))
    print_table(["radial cells", "interstore (mAh/g)", "PyBaMM (mAh/g)", "difference (%)"], mesh_rows,
                title=f"Mesh convergence: capacity (mAh/g active) at {HIGH_RATE_A_G} A/g vs radial cells")
    example_error = shipped_example_accuracy()
    print()
    verdict("shipped example vs converged PyBaMM SPM, max capacity difference 0.1-100 A/g", example_error, 1.0,
            unit=" %")
    verdict("heterostructure Ragone curve / PyBaMM SPM warm, CPU, 10 rates", het.cpu_s / warm.cpu_s, 1.0, unit="×")
    verdict("bulk-only Ragone curve / PyBaMM SPM warm, CPU, 10 rates", bulk.cpu_s / warm.cpu_s, 1.0, unit="×")
    verdict(f"growth exponent of the heterostructure CPU with the number of rates ({SCALING[0]}→{SCALING[-1]}), "
            "sub-linear", exponent, 0.99)
    print(conditions())


def shipped_example_accuracy() -> float:
    """Table of the shipped example (bulk-only, no series resistance: SPM has neither) against PyBaMM on
    400 radial cells; returns the largest capacity difference (%)."""
    cfg = load_cell_config(EXAMPLE).updated(**{"cell.r_ohm_ohm": 0.0, "interface.enabled": False})
    to_active = cfg.cell.masses.mass_g(cfg.cell.mass_basis) / cfg.cell.active_mass_g
    rates = tuple(float(v) for v in np.geomspace(0.1, 100.0, 8))
    ref = pybamm_discharges(cfg, [i * to_active for i in rates], n_cells=400)
    ours = simulate_galvanostatic_batch(cfg, rates, bulk_only=True)
    cells = resolve_cells(cfg, max(rates) * to_active, reservoirs="bulk").numerics.n_cells
    rows, worst = [], 0.0
    for i, r, d in zip(rates, ref, ours):
        q_ref = r.capacity_mAh_g[-1] / to_active
        diff = 100 * (d.capacity_mAh_g[-1] - q_ref) / q_ref
        worst = max(worst, abs(diff))
        rows.append((f"{i:.3g}", f"{d.capacity_mAh_g[-1]:.2f}", f"{q_ref:.2f}", f"{diff:+.3f}"))
    print_table(["current (A/g composite)", f"interstore, automatic mesh ({cells} cells) (mAh/g)",
                 "PyBaMM SPM, 400 cells (mAh/g)", "difference (%)"], rows,
                title="Shipped example as shipped (bulk-only, R = 0) against PyBaMM's converged SPM")
    return worst


if __name__ == "__main__":
    main()
