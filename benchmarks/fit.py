"""Benchmark: fitting rate capability, interstore against the same fit driven by PyBaMM's SPM.

1. Bulk-only diffusivity fit, side by side in one process: the host diffusivity D is fitted
   to 6 synthetic capacities (made by PyBaMM itself at D = 1e-14 m² s⁻¹, so neither code
   fits its own output) with the same driver in log10 D (``interstore.transport.fit.minimise_chi2``:
   scipy least_squares, forward-difference Jacobian, stop once a Gauss–Newton step would lower
   χ² by < 0.01); once with interstore's simulator, once with PyBaMM SPM + IDAKLU (model built
   once, D an input parameter, so no rebuild per evaluation), the two in interleaved rounds.
   Printed: wall, CPU, model evaluations, the fitted D and the CPU ratio of the medians.
2. One heterostructure fit (D and interface site density free, 6 rates, 1 start) of the
   shipped example cell: wall, CPU and evaluations (PyBaMM has no interface reservoir).
3. Discharge-curve fit of D, side by side with PyBOP (PyBaMM's parameterisation library, the
   ``pybop`` extra): the voltage curves of PyBaMM SPM at 3 and 10 A g⁻¹ (D = 1e-14 m² s⁻¹, cut
   at 80 % of each discharge because PyBOP needs the simulation to span the data) fitted once
   by interstore (``fit_rate_capability(..., curves=...)``, capacities + curves) and once by
   PyBOP (one SPM problem per rate joined in a ``MetaProblem``, sum of squared voltage errors,
   ``SciPyMinimize`` from the same log-centre start, D log-transformed).  Skipped with a note
   when PyBOP is not installed.

    .venv/bin/python benchmarks/fit.py

Target: the interstore fit costs ≤ 1.0× the CPU of the PyBaMM-driven fit.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from _measure import conditions, measure, print_table

from interstore.transport.cellconfig import config_from_dict, load_cell_config
from interstore.transport.fit import FreeParameter, RateData, fit_rate_capability, minimise_chi2, predict_capacity
from interstore.transport.fit_curves import DischargeCurves
from interstore.transport.pybamm_reference import pybamm_discharges, pybamm_simulation

RATES_A_G = np.array([0.3, 1.0, 3.0, 10.0, 30.0, 100.0])
CURVE_RATES_A_G = np.array([3.0, 10.0])
CURVE_SHARE = 0.8                 # share of each PyBaMM discharge (in time) given to both fitters
D_KEY = "Positive particle diffusivity [m2.s-1]"
D_TRUE = 1e-14
BOUNDS = (1e-17, 1e-12)           # the start, the log-centre 3.2e-15, is not the truth
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "transport" / "vox_rgo.toml"


def bulk_config():
    return config_from_dict({"host": {"ocp": "vo2", "size_m": 1e-6, "diffusivity_m2_s": 3e-15,
                                      "exchange_current_A_m2": 1.0},
                             "interface": {"enabled": False}, "cell": {"mass_basis": "active"}})


def fit_with_pybamm(cfg, data: RateData, reference) -> tuple[float, int]:
    lo, hi = math.log10(BOUNDS[0]), math.log10(BOUNDS[1])
    calls = 0

    def residuals(u):
        nonlocal calls
        calls += 1
        d = 10 ** (lo + u[0] * (hi - lo))
        q = [r.capacity_mAh_g[-1] for r in pybamm_discharges(cfg, data.current_A_g, reference=reference,
                                                                inputs={"Positive particle diffusivity [m2.s-1]": d})]
        return (np.asarray(q) - data.capacity_mAh_g) / data.sigma_mAh_g

    res = minimise_chi2(residuals, [0.5])
    return 10 ** (lo + res.x[0] * (hi - lo)), calls


def _curve_data(cfg, reference):
    """PyBaMM SPM discharges at CURVE_RATES_A_G: the end capacities and the first 80 % of each curve."""
    runs = pybamm_discharges(cfg, CURVE_RATES_A_G, reference=reference, inputs={D_KEY: D_TRUE})
    keep = [r.time_s <= CURVE_SHARE * r.time_s[-1] for r in runs]
    data = RateData.from_arrays(CURVE_RATES_A_G, [r.capacity_mAh_g[-1] for r in runs], mass_basis="active",
                                source="PyBaMM SPM at D = 1e-14 m2/s")
    curves = DischargeCurves.from_arrays(CURVE_RATES_A_G, [r.capacity_mAh_g[k] for r, k in zip(runs, keep)],
                                         [r.potential_V[k] for r, k in zip(runs, keep)], mass_basis="active")
    return runs, keep, data, curves


def fit_with_pybop(reference, runs, keep) -> tuple[float, int]:
    """D fitted by PyBOP to the same truncated SPM voltage curves (one problem per rate)."""
    import pybamm
    import pybop

    problems = []
    parameter = pybop.Parameter(initial_value=10 ** np.mean(np.log10(BOUNDS)), bounds=list(BOUNDS),
                                transformation=pybop.LogTransformation())
    for rate, run, k in zip(CURVE_RATES_A_G, runs, keep):
        current = float(rate) * reference.mass_g
        values = reference.simulation.parameter_values.copy()
        values.update({"Current function [A]": current, "Lower voltage cut-off [V]": -5.0, D_KEY: parameter})
        dataset = pybop.Dataset({"Time [s]": run.time_s[k], "Current function [A]": np.full(k.sum(), current),
                                 "Voltage [V]": run.potential_V[k]})
        simulator = pybop.pybamm.Simulator(pybamm.lithium_ion.SPM({"working electrode": "positive"}),
                                           parameter_values=values, protocol=dataset,
                                           var_pts=reference.simulation.var_pts,
                                           solver=pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-12))
        problems.append(pybop.Problem(simulator, pybop.SumSquaredError(dataset)))
    result = pybop.SciPyMinimize(pybop.MetaProblem(*problems)).run()
    return float(result.best_inputs[D_KEY]), int(result.n_evaluations)


def curve_fits_side_by_side(cfg, reference) -> None:
    try:
        import pybop  # noqa: F401
    except ImportError:
        print("\nPyBOP not installed (pip install 'interstore[pybop]'): discharge-curve comparison skipped")
        return
    runs, keep, data, curves = _curve_data(cfg, reference)
    free = [FreeParameter("host.diffusivity_m2_s", *BOUNDS)]
    ours, theirs = [], []
    for _ in range(3):                                                  # interleaved rounds
        ours.append(measure("interstore", lambda: fit_rate_capability(cfg, data, free, bulk_only=True, starts=1,
                                                                      curves=curves), trace="off"))
        theirs.append(measure("PyBOP", lambda: fit_with_pybop(reference, runs, keep), trace="off"))
    o, t = sorted(ours, key=lambda m: m.cpu_s)[1], sorted(theirs, key=lambda m: m.cpu_s)[1]
    ratio = o.cpu_s / t.cpu_s
    print_table(["fit driver", "wall (s)", "CPU (s)", "model evaluations", "fitted D (m2/s)", "CPU ratio"],
                [("interstore (capacities + curves, least_squares)", o.wall_s, o.cpu_s,
                  str(o.result.n_evaluations), f"{o.result.parameters[0].value:.4g}", f"{ratio:.3f}"),
                 ("PyBOP 2-rate MetaProblem (SPM + IDAKLU, SciPyMinimize)", t.wall_s, t.cpu_s, str(t.result[1]),
                  f"{t.result[0]:.4g}", "1")],
                title=f"Discharge-curve fit of D at {', '.join(f'{r:g}' for r in CURVE_RATES_A_G)} A/g (truth "
                      f"1e-14 m2/s from PyBaMM SPM, first {CURVE_SHARE:.0%} of each curve), medians of 3 runs")
    print(f"target interstore/PyBOP curve-fit CPU ≤ 1.0: {'met' if ratio <= 1.0 else 'MISSED'} ({ratio:.3f})")


def main() -> None:
    cfg = bulk_config()
    reference = pybamm_simulation(cfg, diffusivity_as_input=True)
    truth = pybamm_discharges(cfg, RATES_A_G, reference=reference,
                              inputs={"Positive particle diffusivity [m2.s-1]": D_TRUE})
    data = RateData.from_arrays(RATES_A_G, [r.capacity_mAh_g[-1] for r in truth], mass_basis="active",
                                source="PyBaMM SPM at D = 1e-14 m2/s")
    predict_capacity(cfg, RATES_A_G[:1], bulk_only=True)             # first-call imports, not timed
    free = [FreeParameter("host.diffusivity_m2_s", *BOUNDS)]
    ours, theirs = [], []
    for _ in range(3):                                                  # interleaved rounds
        ours.append(measure("interstore", lambda: fit_rate_capability(cfg, data, free, bulk_only=True, starts=1),
                            trace="off"))
        theirs.append(measure("PyBaMM", lambda: fit_with_pybamm(cfg, data, reference), trace="off"))
    o, t = sorted(ours, key=lambda m: m.cpu_s)[1], sorted(theirs, key=lambda m: m.cpu_s)[1]   # medians
    d_ours, d_theirs = o.result.parameters[0].value, t.result[0]
    ratio = o.cpu_s / t.cpu_s
    print_table(["fit driver", "wall (s)", "CPU (s)", "model evaluations", "fitted D (m2/s)", "CPU ratio"],
                [("interstore (FV + eigenmodes)", o.wall_s, o.cpu_s, str(o.result.n_evaluations), f"{d_ours:.4g}",
                  f"{ratio:.3f}"),
                 ("PyBaMM SPM + IDAKLU (built once, D as input)", t.wall_s, t.cpu_s, str(t.result[1]),
                  f"{d_theirs:.4g}", "1")],
                title="Bulk-only fit of D to 6 rates (truth 1e-14 m2/s from PyBaMM), medians of 3 interleaved runs")

    het_cfg = load_cell_config(EXAMPLE)
    het_q = predict_capacity(het_cfg, RATES_A_G, {"interface.sites_per_nm2": 2.0})
    het_data = RateData.from_arrays(RATES_A_G, het_q, mass_basis=het_cfg.cell.mass_basis)
    het_free = [FreeParameter("host.diffusivity_m2_s", 1e-20, 1e-15),
                FreeParameter("interface.sites_per_nm2", 0.05, 20.0)]
    het = measure("het", lambda: fit_rate_capability(het_cfg, het_data, het_free, starts=1), trace="off")
    print(f"\nheterostructure fit (2 free parameters, 6 rates, 1 start, example cell): {het.wall_s:.2f} s wall, "
          f"{het.cpu_s:.2f} s CPU, {het.result.n_evaluations} model evaluations "
          f"({het.cpu_s / het.result.n_evaluations * 1e3:.0f} ms CPU each)")
    print(f"target interstore/PyBaMM fit CPU ≤ 1.0: {'met' if ratio <= 1.0 else 'MISSED'} ({ratio:.3f}); "
          f"fitted D {d_ours:.4g} vs {d_theirs:.4g} m2/s")
    curve_fits_side_by_side(cfg, reference)
    print(conditions())


if __name__ == "__main__":
    main()
