"""GITT pulse start time against an independent finite-difference solution of planar diffusion.

A slab of thickness L (cm), blocked at x = L, receives a constant flux j at x = 0 during each pulse:

    ∂c/∂t = D ∂²c/∂x²,   −D ∂c/∂x|₀ = j (pulse) or 0 (rest),   ∂c/∂x|_L = 0,

solved here by backward Euler on a finite-volume grid (2000 cells), with time steps refined
geometrically after every current switch.  The potential is E = E_ref + k·c(0, t) + I·R.  A fixed-
interval logger (40 samples per pulse) samples it either with a sample exactly at each switch or
with every sample 0.9 interval after the switch.  D must come back within 5 % in both cases.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import solve_banded

from interstore.echem.gitt import GittGeometry, analyze_gitt, fitted_start_time
from interstore.echem.record import from_arrays
from interstore.errors import InputError

D, L = 1e-10, 1e-4            # cm² s⁻¹, cm
TAU = 0.01 * L ** 2 / D       # 1 s pulse: τD/L² = 0.01 (semi-infinite during the pulse)
REST = 3 * L ** 2 / D          # rest long enough to relax
J = 1e-12                      # flux into the slab, mol cm⁻² s⁻¹ (sign: insertion)
K = -2.0e5                     # dE/dc, V cm³ mol⁻¹ (E falls as c rises): ~22 mV transient
I_A, R_OHM = -1e-4, 40.0       # discharge current and ohmic resistance (−4 mV IR)
N_CELLS = 2000


def fd_surface_concentration(times, switches, fluxes):
    """c(0, t) at ``times`` for a flux that is ``fluxes[k]`` from ``switches[k]`` on (backward Euler)."""
    h = L / N_CELLS
    grid = [np.asarray(times, float)]
    for k, ts in enumerate(switches):
        end = switches[k + 1] if k + 1 < len(switches) else max(times)
        grid.append(ts + (end - ts) * np.concatenate(([0.0], np.logspace(-8, 0, 600))))
    grid = np.unique(np.concatenate(grid))
    c = np.zeros(N_CELLS)
    out = {}
    for t_prev, t_next in zip(grid[:-1], grid[1:]):
        dt = t_next - t_prev
        k = np.searchsorted(switches, t_prev, side="right") - 1
        j = fluxes[k] if k >= 0 else 0.0
        r = D * dt / h ** 2
        ab = np.zeros((3, N_CELLS))
        ab[0, 1:] = -r
        ab[1, :] = 1 + 2 * r
        ab[1, 0] = ab[1, -1] = 1 + r  # no-flux / flux faces
        ab[2, :-1] = -r
        rhs = c.copy()
        rhs[0] += j * dt / h
        c = solve_banded((1, 1), ab, rhs)
        out[t_next] = 1.5 * c[0] - 0.5 * c[1]  # surface value extrapolated from the first two cells
    out[grid[0]] = 0.0
    return np.array([out[t] for t in times])


def titration(phase: float, n_pulses: int = 2, per_pulse: int = 40, step_time: bool = False):
    """Samples every τ/per_pulse, ``phase`` interval after each switch (0 = a sample at the switch)."""
    dt = TAU / per_pulse
    period = per_pulse * int(round((TAU + REST) / TAU))  # samples per pulse + rest
    first = [100 + k * period for k in range(n_pulses)]  # sample index at (or just after) each switch
    idx = np.arange(first[-1] + period - 1)
    since = np.min([np.where(idx >= f, idx - f, 10 ** 9) for f in first], axis=0)
    idx = idx[(since <= 2 * per_pulse) | (idx % per_pulse == 0)]  # rests logged every τ after 2τ
    on = np.zeros(idx.size, bool)
    for f in first:
        on |= (idx >= f) & (idx < f + per_pulse)
    t = (idx + phase) * dt
    switches = [x for f in first for x in (f * dt, (f + per_pulse) * dt)]
    fluxes = [J, 0.0] * n_pulses
    c = fd_surface_concentration(t, switches, fluxes)
    current = np.where(on, I_A, 0.0)
    v = 1.0 + K * c + current * R_OHM
    step = np.cumsum(np.concatenate(([1], np.diff(on.astype(int)) != 0)))
    data = from_arrays(t, v, current, step=step, source="fd_gitt.csv")
    if step_time:
        step_starts = np.concatenate(([0], np.flatnonzero(np.diff(step)) + 1))
        begun = np.repeat(np.concatenate(([0.0], [sw for sw in switches if sw <= t[-1]])), np.diff(
            np.concatenate((step_starts, [t.size]))))
        data.data["step_time_s"] = t - begun
    return data


def test_fd_solver_matches_the_series_solution():
    """Sanity check of the test's own solver against Crank eq. 4.55 (constant flux into a slab)."""
    t = np.array([10.0, 100.0, 500.0, 1000.0])
    c = fd_surface_concentration(t, [0.0], [J])
    n = np.arange(1, 4001)[None, :]
    series = np.sum(np.exp(-(n * np.pi) ** 2 * D * t[:, None] / L ** 2) / n ** 2, axis=1)
    exact = J * L / D * (D * t / L ** 2 + 1 / 3 - 2 / np.pi ** 2 * series)
    assert c == pytest.approx(exact, rel=0.01)


@pytest.mark.parametrize("phase", [0.0, 0.9, 0.5])
def test_D_within_5_percent_with_and_without_a_sample_at_the_switch(phase):
    data = titration(phase)
    res = analyze_gitt(data, GittGeometry.from_length(L), pulse_s=TAU)
    assert len(res.pulses) == 2
    for p in res.pulses:
        assert p.D_cm2_s == pytest.approx(D, rel=0.05)
        assert p.t0_method == "fit"
        # t0 is found within a tenth of an interval of the true switch
        assert p.t0_offset_s == pytest.approx(phase * TAU / 40, abs=0.1 * TAU / 40)


def test_first_sample_origin_is_biased_when_the_switch_falls_between_samples():
    data = titration(0.9)
    res = analyze_gitt(data, GittGeometry.from_length(L), pulse_s=TAU, start_time="first-sample")
    p = res.pulses[0]
    assert p.t0_method == "first-sample" and p.t0_offset_s == 0.0
    assert p.D_cm2_s > 1.15 * D  # the late origin overestimates D
    fitted = analyze_gitt(data, GittGeometry.from_length(L), pulse_s=TAU).pulses[0]
    assert fitted.D_first_sample_origin_cm2_s == pytest.approx(p.D_cm2_s, rel=1e-9)


def test_step_time_column_gives_the_switch_exactly():
    data = titration(0.9, step_time=True)
    res = analyze_gitt(data, GittGeometry.from_length(L), pulse_s=TAU)
    for p in res.pulses:
        assert p.t0_method == "step-time"
        assert p.t0_offset_s == pytest.approx(0.9 * TAU / 40, rel=1e-9)
        assert p.D_cm2_s == pytest.approx(D, rel=0.05)


def test_fitted_start_time_on_an_exact_sqrt_transient():
    t = np.linspace(7.0, 107.0, 41)  # true switch at t = 5, last rest sample at t = 4.5
    v = 1.0 + 0.01 * np.sqrt(t - 5.0)
    assert fitted_start_time(t, v, 4.5) == pytest.approx(5.0, abs=1e-3)


def test_bad_start_time_options():
    data = titration(0.5, n_pulses=1)
    with pytest.raises(InputError, match="start-time"):
        analyze_gitt(data, GittGeometry.from_length(L), start_time="guess")
    with pytest.raises(InputError, match="step-time"):
        analyze_gitt(data, GittGeometry.from_length(L), start_time="step-time")


def test_cli_reports_t0_and_its_effect(run_cli, tmp_path):
    import json

    import pandas as pd

    data = titration(0.9)
    path = tmp_path / "gitt.csv"
    pd.DataFrame({"time/s": data.time_s, "Ewe/V": data.potential_V, "I/mA": 1e3 * data.current_A}).to_csv(
        path, index=False)
    args = ("gitt", "analyze", path, "--length-um", str(L * 1e4), "--pulse-s", str(TAU))
    code, out, err = run_cli(*args, "--json", tmp_path / "g.json")
    assert code == 0, err
    r = json.loads((tmp_path / "g.json").read_text())
    assert [p["t0_method"] for p in r["pulses"]] == ["fit", "fit"]
    assert r["pulses"][0]["D_cm2_s"] == pytest.approx(D, rel=0.05)
    assert r["pulses"][0]["D_first_sample_origin_cm2_s"] > 1.15 * D
    assert "Pulse start t0" in out and "--start-time auto" in out
    code, _, err = run_cli(*args, "--start-time", "guess")
    assert code == 2 and "first-sample" in err
