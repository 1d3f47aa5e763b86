"""A simulation that fails at run time raises :class:`SimulationError` saying what failed and
which parameter to change, and the CLI shows it as one line with exit code 2.

Each failure is provoked for real: an OCP that is not finite past a fill fraction (NaN states
in the exponential integrator and in BDF), exchange currents far too small for the current
(no electrode potential solves the kinetics), a step budget too small for the run, a
Poisson–Boltzmann solve cut short, a cut-off above the starting OCV, and a fit whose every
parameter set is such a protocol."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from interstore.errors import SimulationError
from interstore.transport import expintegrator
from interstore.transport.cellconfig import load_cell_config
from interstore.transport.electrode import simulate_galvanostatic
from interstore.transport.model import build_model, equilibrium_state
from interstore.transport.solver import Step, run_step
from interstore.transport.fit import FreeParameter, RateData, fit_rate_capability
from interstore.transport.spacecharge import solve_space_charge

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "transport" / "vox_rgo.toml"
HOLE_AT = 0.3          # the broken OCP is NaN above this fill fraction


@pytest.fixture(scope="module")
def cfg():
    return load_cell_config(EXAMPLE)


class _HoleyOCP:
    """The host OCP, but NaN above a fill fraction (a table that stops short, a bad fit)."""

    def __init__(self, base) -> None:
        self.base = base

    def __call__(self, x):
        return np.where(np.asarray(x) > HOLE_AT, np.nan, self.base(x))

    def with_slope(self, x):
        u, du = self.base.with_slope(x)
        bad = np.asarray(x) > HOLE_AT
        return np.where(bad, np.nan, u), np.where(bad, np.nan, du)


def _bulk_model(cfg, **changes):
    model = build_model(cfg.updated(**{"numerics.n_cells": 20}), reservoirs="bulk")
    return dataclasses.replace(model, reservoirs=(dataclasses.replace(model.reservoirs[0], **changes),))


@pytest.mark.parametrize("reservoirs, message", [
    ("bulk", r"electrode potential is not finite from t = .* s \(surface fill 0.3.*exchange_current_A_m2"),
    ("all", r"Newton's iteration for the electrode potential found no solution at t = .* s.*exchange_current_A_m2"),
], ids=["one reservoir, exact solution", "two reservoirs, time steps"])
def test_nan_state_in_the_exponential_integrator(cfg, reservoirs, message):
    good = build_model(cfg.updated(**{"numerics.n_cells": 20}), reservoirs=reservoirs)
    model = dataclasses.replace(good, reservoirs=(dataclasses.replace(good.reservoirs[0], ocp=_HoleyOCP(
        good.reservoirs[0].ocp)),) + good.reservoirs[1:])
    y0 = equilibrium_state(good, 1.0)
    y0[:20] = 0.01
    with pytest.raises(SimulationError, match=message) as err:
        run_step(model, y0, Step(current_A_g=1.0), 3600.0, cutoff_V=0.2)
    t_fail = float(str(err.value).split("at t = " if reservoirs == "all" else "from t = ")[1].split(" s")[0])
    ok = run_step(good, y0, Step(current_A_g=1.0), 3600.0, cutoff_V=0.2)        # the same run, OCP intact
    surface = 1.875 * ok.y[19] - 1.25 * ok.y[18] + 0.375 * ok.y[17]
    k = int(np.argmax(surface > HOLE_AT))
    assert k > 0 and ok.time_s[k - 1] <= t_fail <= ok.time_s[k], "it fails where the OCP stops, not before"


def test_ocp_not_finite_is_refused_before_the_run(cfg):
    good = build_model(cfg, reservoirs="bulk")
    model = _bulk_model(cfg, ocp=_HoleyOCP(good.reservoirs[0].ocp))
    with pytest.raises(SimulationError, match=r"bulk OCP is not finite.*whole 0..1 fill range"):
        equilibrium_state(model, 1.0)


def test_nan_state_in_bdf(cfg):
    good = build_model(cfg.updated(**{"numerics.n_cells": 20}), reservoirs="bulk")
    model = _bulk_model(cfg, ocp=_HoleyOCP(good.reservoirs[0].ocp))
    with pytest.raises(SimulationError, match=r"BDF integrator failed.*loosen numerics.rtol"):
        run_step(model, np.full(20, 0.01), Step(v_start_V=0.2), 1e5)


def test_exchange_current_too_small_for_the_current(cfg):
    model = build_model(cfg.updated(**{"numerics.n_cells": 20}))
    tiny = tuple(dataclasses.replace(r, i0_A_g=1e-300) for r in model.reservoirs)
    model = dataclasses.replace(model, reservoirs=tiny)
    with pytest.raises(SimulationError, match=r"no electrode potential .* carries the requested current.*"
                       r"exchange_current_A_m2"):
        run_step(model, equilibrium_state(model, 1.0), Step(current_A_g=1.0), 10.0)


def test_step_budget_exhausted(cfg, monkeypatch):
    monkeypatch.setattr(expintegrator, "MAX_STEPS", 5)
    with pytest.raises(SimulationError, match=r"more than 5 time steps.*host.diffusivity_m2_s"):
        simulate_galvanostatic(cfg, 1.0)


def test_poisson_boltzmann_newton_cut_short():
    params = {"eps_r": 20.0, "c_bulk_mol_m3": 10.0}
    assert solve_space_charge(params, -0.1).newton_iterations > 1          # it needs more than one
    with pytest.raises(SimulationError, match=r"parameter 'delta_phi_V' \(-0.1 V\).*did not converge in 1 steps"):
        solve_space_charge(params, -0.1, max_iterations=1)


def test_impossible_protocol(cfg):
    with pytest.raises(SimulationError, match=r"cut-off 1.2 V is not below the starting open-circuit potential 1.12"):
        simulate_galvanostatic(cfg.updated(**{"cell.v_min_V": 1.2}), 1.0)
    with pytest.raises(SimulationError, match=r"1e-06 A/g would take .* h"):
        simulate_galvanostatic(cfg, 1e-6)


def test_fit_with_no_feasible_start(cfg):
    data = RateData.from_arrays([0.1, 1.0, 10.0], [300.0, 250.0, 100.0], mass_basis="composite")
    with pytest.raises(SimulationError, match=r"no start of the fit could be simulated: \d+ of \d+ parameter sets "
                       r"failed.*cut-off.*bounds of cell.v_min_V"):
        fit_rate_capability(cfg, data, [FreeParameter("cell.v_min_V", 1.2, 1.5)], bulk_only=True, starts=1)


def test_cli_shows_a_simulation_error_as_one_line(tmp_path, run_cli):
    config = tmp_path / "high_cutoff.toml"
    config.write_text(EXAMPLE.read_text().replace("v_min_V = 0.2 ", "v_min_V = 1.2 "))
    code, out, err = run_cli("simulate", "discharge", config, "--rates", "1")
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith("error: ") and "is not below the starting open-circuit potential" in lines[0]
    assert "Traceback" not in out + err
