"""Simulated protocols refuse results that break the capacity bounds or the charge balance.

The reported case (fast kinetics, stoichiometry next to full) gave 17 683 A from a 1 mg electrode and
a net charge of −167 217 C where the electrode holds 2.04 C; the analyses then ran on it.  Here the
integrator's blow-up is reproduced by corrupting the state it returns, and every protocol must refuse."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import interstore.transport.electrode as electrode
from interstore.errors import InputError
from interstore.transport.cellconfig import config_from_dict
from interstore.transport.model import build_model

CFG = config_from_dict({"cell": {"v_min_V": 0.4, "v_max_V": 1.3}, "numerics": {"n_cells": 12}})


def _runaway(traj):
    growth = 1.0 + 79.0 * np.sin(np.linspace(0.0, np.pi, traj.time_s.size))  # ends stay sane
    return dataclasses.replace(traj, y=traj.y * growth)


@pytest.fixture()
def blown_up(monkeypatch):
    """Both integrators (BDF ``run_step`` for CV/hold, the exponential integrator for galvanostatic
    steps) return states whose fill fractions run away, as an unresolved stiff solve does."""
    import interstore.transport.expintegrator as expintegrator

    real_step, real_galvanostatic = electrode.run_step, expintegrator.run_galvanostatic
    monkeypatch.setattr(electrode, "run_step", lambda *a, **k: _runaway(real_step(*a, **k)))
    monkeypatch.setattr(expintegrator, "run_galvanostatic",
                        lambda *a, **k: [_runaway(t) for t in real_galvanostatic(*a, **k)])


@pytest.mark.parametrize("protocol", [
    lambda: electrode.simulate_cv(CFG, 0.5, cycles=1),
    lambda: electrode.simulate_hold(CFG, 0.6, 60.0),
    lambda: electrode.simulate_galvanostatic(CFG, 1.0),
    lambda: electrode.simulate_rate_test(CFG, [1.0]),
], ids=["cv", "hold", "galvanostatic", "rate test"])
def test_every_protocol_refuses_a_runaway_state(blown_up, protocol):
    with pytest.raises(InputError, match="capacity bound broken|charge balance broken"):
        protocol()


def test_a_current_that_does_not_match_the_stored_charge_is_refused():
    from interstore.transport.protocol_checks import check_protocol

    model = build_model(CFG)
    y = np.full((sum(r.mesh.n_cells for r in model.reservoirs), 3), 0.5)
    t = np.array([0.0, 1.0, 2.0])
    check_protocol(model, [y], t, np.zeros(3), protocol="rest")  # nothing flows, nothing changes
    with pytest.raises(InputError, match=r"rest: net charge -3.537e\+04 C passed.*charge balance broken"):
        check_protocol(model, [y], t, np.full(3, -17683.0), protocol="rest")


def test_sane_runs_keep_the_balance_well_inside_the_tolerance(monkeypatch):
    """The checks are not a hair trigger: a real CV balances to a small part of the tolerance."""
    import interstore.transport.protocol_checks as checks

    seen = []

    def spy(model, states, time_s, current_A, *, protocol):
        q = [model.stored_C_g(y[:, [k]]).sum() * model.active_mass_g for y, k in ((states[0], 0), (states[-1], -1))]
        q_max = sum(r.capacity_C_g for r in model.reservoirs) * model.active_mass_g
        seen.append(abs(q[1] - q[0] + np.trapezoid(current_A, time_s)) / q_max)
        return checks.check_protocol(model, states, time_s, current_A, protocol=protocol)

    monkeypatch.setattr(electrode, "check_protocol", spy)
    electrode.simulate_cv(CFG, 1.0, cycles=1)
    electrode.simulate_galvanostatic(CFG, 1.0)
    assert len(seen) == 2 and max(seen) < checks.BALANCE_TOLERANCE / 4


def test_the_cli_refuses_with_one_line(blown_up, run_cli, tmp_path):
    cfg = tmp_path / "cell.toml"
    cfg.write_text('[cell]\nv_min_V = 0.4\nv_max_V = 1.3\n[numerics]\nn_cells = 12\n')
    code, out, err = run_cli("simulate", "cv", cfg, "--scan-rates", "0.5,1")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "simulated CV 0.5 mV/s" in err and "b-value" not in out.lower()
