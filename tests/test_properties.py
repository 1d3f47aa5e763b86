"""Property-based checks (hypothesis): random valid inputs keep the physical invariants, random
bytes never give anything but the one-line input error.  Example counts are kept small so the
suite stays fast on 2 cores; every run draws new examples (the seed is printed on failure)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from interstore.errors import InputError

sys.path.insert(0, str(Path(__file__).parent / "echem"))
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
EXTENSIONS = (".csv", ".txt", ".mpt", ".mpr", ".DTA", ".nda", ".ndax", ".ris", ".bib")


@FAST
@given(data=st.binary(min_size=0, max_size=4000), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes_give_the_one_line_error_or_a_result(run_cli, data, ext):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / f"random{ext}"
        f.write_bytes(data)
        command = ("literature", "network") if ext in (".ris", ".bib") else ("read",)
        code, out, err = run_cli(*command, f)
        assert code in (0, 2), err
        assert "Traceback" not in err and "internal error" not in err
        if code == 2:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: ")
        assert f.read_bytes() == data  # the input is untouched


NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                   st.floats(min_value=-10, max_value=10))


@FAST
@given(rows=st.lists(st.tuples(NUMBER, NUMBER, NUMBER), min_size=0, max_size=40))
def test_random_tables_read_into_bounded_finite_data_or_an_input_error(rows):
    from interstore.bounds import BOUNDS
    from interstore.echem.readers import read_measurement

    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "t.csv"
        f.write_text("time_s,potential_V,current_A\n" + "".join(f"{t!r},{e!r},{i!r}\n" for t, e, i in rows))
        try:
            m = read_measurement(f)
        except InputError as exc:
            assert "\n" not in str(exc) and "t.csv" in str(exc)
            return
    assert np.all(np.isfinite(m.time_s)) and np.all(np.diff(m.time_s) >= 0)
    for values, q in ((m.potential_V, "potential_V"), (m.current_A, "current_A")):
        assert np.all((values >= BOUNDS[q].low) & (values <= BOUNDS[q].high))


STEP = st.tuples(st.floats(min_value=1e-5, max_value=1e-2),   # |I|, A
                 st.floats(min_value=60.0, max_value=7200.0))  # duration, s


@FAST
@given(steps=st.lists(STEP, min_size=2, max_size=8), mass_mg=st.floats(min_value=0.05, max_value=50.0))
def test_cycling_capacities_are_positive_and_balance_the_charge_passed(steps, mass_mg):
    """Alternating discharge/charge steps: every half-cycle capacity ≥ 0, and their sum is ∫|I| dt."""
    from interstore.echem.galvanostatic import analyze_cycling
    from interstore.echem.record import from_arrays
    from interstore.massbasis import ElectrodeMasses

    t, e, i, t0 = [], [], [], 0.0
    for k, (amps, duration) in enumerate(steps):
        sign = -1.0 if k % 2 == 0 else 1.0
        tt = t0 + np.linspace(0.0, duration, 50)
        t.append(tt), i.append(np.full(50, sign * amps))
        e.append(1.0 + sign * 0.5 * (tt - t0) / duration)
        t0 = tt[-1] + 1.0
    t, e, i = map(np.concatenate, (t, e, i))
    a = analyze_cycling(from_arrays(t, e, i), ElectrodeMasses(mass_mg * 1e-3), min_fraction=0.0,
                        rest_current_A=1e-9)  # every step counts (the defaults drop steps under 1e-3 x max |I|)
    halves = [h for c in a.cycles for h in (c.discharge, c.charge) if h is not None]
    assert all(h.capacity_mAh >= 0 for h in halves)
    passed_mAh = sum(amps * (duration) for amps, duration in steps) / 3.6
    assert sum(h.capacity_mAh for h in halves) == pytest.approx(passed_mAh, rel=1e-6)
    for c in a.cycles:
        assert np.isnan(c.coulombic_efficiency_pct) or c.coulombic_efficiency_pct > 0


@SLOW
@given(k1_scale=st.floats(min_value=0.0, max_value=5.0), k2_scale=st.floats(min_value=0.0, max_value=5.0),
       rates=st.lists(st.sampled_from([0.2, 0.5, 1.0, 2.0, 5.0, 10.0]), min_size=3, max_size=5, unique=True))
def test_dunn_fractions_stay_in_0_1_or_are_flagged(k1_scale, k2_scale, rates):
    from synthetic_cv import dunn_current, k1_profile_F, k2_profile, synthetic_cv

    from interstore.echem.cv_analysis import analyze_cv

    assume(k1_scale + k2_scale > 0.05)
    model = dunn_current(lambda e, d: k1_scale * k1_profile_F(e, d), lambda e, d: k2_scale * k2_profile(e, d))
    cvs = [synthetic_cv(v, model, points_per_sweep=400, noise_A=1e-7, seed=k) for k, v in enumerate(rates)]
    try:
        a = analyze_cv(cvs, rates)
    except InputError:
        return
    f = np.asarray(a.capacitive_fraction)
    assert np.all(np.isfinite(f))
    assert np.all((f >= -1e-9) & (f <= 1 + 1e-9)) or a.flagged_fraction > 0


@SLOW
@given(current=st.floats(min_value=0.2, max_value=200.0), bulk_only=st.booleans())
def test_simulated_discharge_keeps_capacity_bounds_and_charge_balance(current, bulk_only):
    from interstore.transport.cellconfig import config_from_dict
    from interstore.transport.electrode import simulate_galvanostatic
    from interstore.transport.model import build_model

    cfg = config_from_dict({"cell": {"v_min_V": 0.4, "v_max_V": 1.3}, "numerics": {"n_cells": 10}})
    try:
        d = simulate_galvanostatic(cfg, current, bulk_only=bulk_only)
    except InputError:
        return
    model = build_model(cfg, reservoirs="bulk" if bulk_only else "all")
    q_max_mAh_g = sum(r.capacity_C_g for r in model.reservoirs) / 3.6 * cfg.cell.active_mass_g / d.basis_mass_g
    assert np.all(d.capacity_mAh_g >= 0) and d.capacity_mAh_g[-1] <= q_max_mAh_g * (1 + 1e-6)
    assert d.charge_balance_rel_error < 1e-3
