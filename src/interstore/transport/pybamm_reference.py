"""Bulk-only reference: the same half-cell solved by PyBaMM's single-particle model.

Used by tests and benchmarks only (PyBaMM is in the ``test`` extra).  The host
reservoir maps one-to-one onto ``pybamm.lithium_ion.SPM({"working electrode":
"positive"})``: same particle radius and D, same OCP expression
(:meth:`AnalyticOCP.expression` evaluated with ``pybamm`` functions), same
exchange current i0·2√(x(1−x)) with the sinh (α = ½, n = 1) form.  Charge is
counted in electron equivalents: c_max = Q·ρ/F (mol m⁻³), so a Zn²⁺ counts as
two "Li".  The Li-metal counter electrode gets an exchange current of 10⁶ A m⁻²
(negligible overpotential); SPM has no electrolyte ohmic drop, and the config's
``r_ohm_ohm`` must be 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..constants import FARADAY
from ..errors import InputError
from .cellconfig import CellConfig
from .model import DEFAULT_CELLS, build_model
from .ocp import AnalyticOCP

ELECTRODE_THICKNESS_m = 50e-6
ACTIVE_FRACTION = 0.5
ELECTRODE_AREA_m2 = 1e-4


@dataclass(frozen=True)
class ReferenceDischarge:
    """A PyBaMM discharge on the active-mass basis."""

    time_s: np.ndarray
    potential_V: np.ndarray
    capacity_mAh_g: np.ndarray


@dataclass(frozen=True)
class ReferenceSimulation:
    """A built PyBaMM SPM half-cell (solve it many times with different inputs)."""

    simulation: Any             # pybamm.Simulation
    mass_g: float               # active mass of the PyBaMM electrode, g
    full_charge_C: float        # charge from the initial stoichiometry to full, C
    points: int                 # output points per discharge


def pybamm_simulation(config: CellConfig, *, n_cells: int | None = None,
                      diffusivity_as_input: bool = False) -> ReferenceSimulation:
    """Build PyBaMM's SPM for the host alone; ``diffusivity_as_input`` makes the particle
    diffusivity an input (``"Positive particle diffusivity [m2.s-1]"``) so a fit can vary it
    without rebuilding the model."""
    import pybamm

    host = config.host
    if host.geometry != "sphere" or config.cell.r_ohm_ohm != 0:
        raise InputError("PyBaMM reference", "needs host.geometry = 'sphere' and cell.r_ohm_ohm = 0",
                         expected="a spherical host without series resistance")
    res = build_model(config, reservoirs="bulk").reservoirs[0]
    if not isinstance(res.ocp, AnalyticOCP):
        raise InputError("PyBaMM reference", "needs a built-in analytic OCP", expected="host.ocp = a built-in name")
    rho = host.density_g_cm3 * 1e6                                   # g m⁻³
    c_max = res.capacity_C_g * rho / FARADAY                         # mol e⁻ m⁻³
    i0 = host.exchange_current_A_m2
    mass_g = rho * ACTIVE_FRACTION * ELECTRODE_THICKNESS_m * ELECTRODE_AREA_m2

    def ocp(sto):
        return res.ocp.expression(sto, pybamm)

    def j0(c_e, c_s_surf, c_s_max, T):
        sto = c_s_surf / c_s_max
        return 2.0 * i0 * (sto * (1.0 - sto)) ** 0.5

    param = pybamm.ParameterValues("Xu2019")
    param.update({
        "Positive particle radius [m]": host.size_m,
        "Positive particle diffusivity [m2.s-1]": "[input]" if diffusivity_as_input else host.diffusivity_m2_s,
        "Maximum concentration in positive electrode [mol.m-3]": c_max,
        "Initial concentration in positive electrode [mol.m-3]": host.initial_stoichiometry * c_max,
        "Positive electrode OCP [V]": ocp,
        "Positive electrode exchange-current density [A.m-2]": j0,
        "Exchange-current density for lithium metal electrode [A.m-2]": 1e6,
        "Positive electrode thickness [m]": ELECTRODE_THICKNESS_m,
        "Positive electrode active material volume fraction": ACTIVE_FRACTION,
        "Electrode height [m]": 1e-2, "Electrode width [m]": ELECTRODE_AREA_m2 / 1e-2,
        "Lower voltage cut-off [V]": config.cell.v_min_V,
        "Upper voltage cut-off [V]": config.cell.v_max_V + 1.0,
        "Open-circuit voltage at 0% SOC [V]": config.cell.v_min_V,
        "Open-circuit voltage at 100% SOC [V]": config.cell.v_max_V + 1.0,
        "Ambient temperature [K]": config.cell.temperature_K,
        "Initial temperature [K]": config.cell.temperature_K,
        "Reference temperature [K]": config.cell.temperature_K,
        "Current function [A]": "[input]",
    })
    model = pybamm.lithium_ion.SPM({"working electrode": "positive"})
    var_pts = {**model.default_var_pts, "r_p": n_cells or config.numerics.n_cells or DEFAULT_CELLS}
    sim = pybamm.Simulation(model, parameter_values=param, var_pts=var_pts,
                            solver=pybamm.IDAKLUSolver(rtol=config.numerics.rtol, atol=config.numerics.atol))
    return ReferenceSimulation(sim, mass_g, (1.0 - host.initial_stoichiometry) * res.capacity_C_g * mass_g,
                               config.numerics.points_per_segment)


def pybamm_discharges(config: CellConfig, currents_A_g: Sequence[float], *, n_cells: int | None = None,
                      reference: ReferenceSimulation | None = None, inputs: dict[str, float] | None = None
                      ) -> list[ReferenceDischarge]:
    """Discharge the host alone with PyBaMM SPM at each current (A per g of active oxide).

    ``reference`` reuses a built :func:`pybamm_simulation` (with ``inputs`` for its input
    parameters, e.g. the diffusivity)."""
    ref = reference or pybamm_simulation(config, n_cells=n_cells)
    out = []
    for i in currents_A_g:
        current = float(i) * ref.mass_g
        t_end = 1.05 * ref.full_charge_C / current
        sol = ref.simulation.solve([0.0, t_end], inputs={**(inputs or {}), "Current function [A]": current},
                                   t_interp=np.linspace(0.0, t_end, ref.points))
        t = sol["Time [s]"].entries
        out.append(ReferenceDischarge(t, sol["Voltage [V]"].entries, float(i) * t / 3.6))
    return out
