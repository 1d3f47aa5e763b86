"""Benchmark: Poisson–Boltzmann space-charge solves, C–V curves and job-sharing D^δ sweeps.

Run: ``python benchmarks/transport_equilibrium.py``.  Prints wall time, peak Python memory
(tracemalloc, separate run; both via ``benchmarks/_measure.py``), mesh size / Newton iterations and the
error against the analytic Gouy–Chapman charge.

Targets: |Q/Q_GC − 1| ≤ 1e-3 at every Δφ (the reference is the closed form); a 401-point C–V curve
≤ 1 s; 10 000 job-sharing D^δ evaluations ≤ 1 s."""

from __future__ import annotations

import numpy as np
from _measure import conditions, measure, print_table, verdict

from interstore.transport.jobsharing import interface_area_per_volume, job_sharing_diffusivity
from interstore.transport.spacecharge import (
    SpaceChargeParams,
    gouy_chapman_charge_C_m2,
    interface_capacitance_curve,
    solve_space_charge,
)

DILUTE = SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, z=2)


def main() -> None:
    rows, errors, timings = [], [], {}
    for dphi in (-0.05, -0.3, -0.55):
        m = measure("", lambda: solve_space_charge(DILUTE, dphi))  # noqa: B023  called right here
        prof = m.result
        err = abs(prof.charge_C_m2 / gouy_chapman_charge_C_m2(20, 10, dphi, z=2) - 1)
        errors.append(err)
        rows.append((f"GC single solve Δφ = {dphi} V", f"{m.wall_s * 1e3:.2f}", f"{m.peak_mib:.2f}",
                     str(prof.x_m.size), str(prof.newton_iterations), f"{err:.1e}"))
    cases = {
        "MS Δφ = +1.0 V": (SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, mode="mott-schottky"), 1.0),
        "Fermi–Dirac sites, Δφ = −1.0 V": (SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10,
                                                             site_concentration_mol_m3=1e4), -1.0),
        "semiconducting β, Δφ = −0.5 V": (SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10, beta_eps_r=5,
                                                            beta_c_bulk_mol_m3=1), -0.5),
        "thin film L = λ/1000, Δφ = −0.2 V": (SpaceChargeParams(eps_r=20, c_bulk_mol_m3=10,
                                                                thickness_m=0.77e-12), -0.2),
    }
    for label, (p, dphi) in cases.items():
        m = measure(label, lambda: solve_space_charge(p, dphi))  # noqa: B023  called right here
        rows.append((label, f"{m.wall_s * 1e3:.2f}", f"{m.peak_mib:.2f}", str(m.result.x_m.size),
                     str(m.result.newton_iterations), "—"))
    pots = np.linspace(-0.4, 0.4, 401)
    m = measure("C–V curve, 401 potentials in ±0.4 V", lambda: interface_capacitance_curve(DILUTE, pots))
    rows.append((m.label, f"{m.wall_s * 1e3:.1f}", f"{m.peak_mib:.2f}", "—", "—", "—"))
    timings["cv"] = m.cpu_s
    radii = np.geomspace(3e-10, 1e-6, 10_000)
    m = measure("job-sharing D^δ, 10 000 cluster radii", lambda: [job_sharing_diffusivity(
        0.2, 0.2, bulk_chemical_capacitance_F_m3=1e6, a_v_m_inv=interface_area_per_volume("cluster", radius_m=r),
        interface_capacitance_F_m2=0.4).D_m2_s for r in radii])
    rows.append((m.label, f"{m.wall_s * 1e3:.1f}", f"{m.peak_mib:.2f}", "—", "—", "—"))
    timings["dd"] = m.cpu_s
    print_table(["case", "wall (ms)", "peak traced (MiB)", "nodes", "Newton iterations", "|Q/Q_GC − 1|"], rows,
                title="transport equilibrium benchmarks (Python peak memory via tracemalloc, a separate run)")
    print()
    verdict("Gouy–Chapman charge error |Q/Q_GC − 1|, worst Δφ", max(errors), 1e-3)
    verdict("C–V curve, 401 potentials, CPU", timings["cv"], 1.0, unit=" s")
    verdict("job-sharing D^δ, 10 000 radii, CPU", timings["dd"], 1.0, unit=" s")
    print(conditions())


if __name__ == "__main__":
    main()
