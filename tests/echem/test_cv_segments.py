"""CV segmentation: vertices, sweeps, cycles, scan rate from dE/dt, potential binning, peaks."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_cv import ANODIC_PEAKS_V, E_HIGH_V, E_LOW_V, synthetic_cv

from interstore.echem.cv_segments import (bin_onto_grid, describe_sweeps, find_branch_peaks, ramp_fit,
                                          select_cycle, split_sweeps, vertex_indices)
from interstore.errors import InputError


@pytest.mark.parametrize("kwargs", [{}, {"noise_A": 1e-6}, {"staircase_V": 0.005}, {"points_per_sweep": 40}])
def test_three_cycles_give_six_full_sweeps_alternating(kwargs):
    m = synthetic_cv(1.0, n_cycles=3, **kwargs)
    sweeps = split_sweeps(m.potential_V)
    assert [s.direction for s in sweeps] == [1, -1] * 3
    assert all(s.full for s in sweeps)
    assert [s.cycle for s in sweeps] == [1, 1, 2, 2, 3, 3]
    e = m.potential_V
    for s in sweeps:
        assert e[s.rows].min() == pytest.approx(E_LOW_V, abs=0.006)
        assert e[s.rows].max() == pytest.approx(E_HIGH_V, abs=0.006)


def test_vertices_survive_potential_noise():
    """5 mV of noise on the potential must not create extra vertices."""
    m = synthetic_cv(1.0, n_cycles=2)
    noisy = m.potential_V + np.random.default_rng(1).normal(0, 0.005, m.potential_V.size)
    assert vertex_indices(noisy).size == 5


def test_partial_first_sweep_is_not_a_cycle():
    m = synthetic_cv(1.0, n_cycles=2, start_mid=True)
    sweeps = split_sweeps(m.potential_V)
    assert not sweeps[0].full and sweeps[0].direction == 1
    an, ca = select_cycle(sweeps, None, "x")
    assert an.cycle == ca.cycle == 2 and an.full and ca.full
    assert select_cycle(sweeps, 1, "x")[0].direction == 1


def test_instrument_cycle_column_numbers_the_cycles():
    m = synthetic_cv(1.0, n_cycles=3, cycle_column=True)
    labels = m.cycle + 10
    sweeps = split_sweeps(m.potential_V, labels)
    assert [s.cycle for s in sweeps] == [11, 11, 12, 12, 13, 13]
    assert select_cycle(sweeps, 12, "f.csv")[0].cycle == 12


def test_missing_cycle_names_the_file_and_the_choices():
    sweeps = split_sweeps(synthetic_cv(1.0, n_cycles=2).potential_V)
    with pytest.raises(InputError, match=r"f\.csv: --cycle: cycle 7 not found .*1, 2"):
        select_cycle(sweeps, 7, "f.csv")


def test_no_full_cycle_is_an_input_error():
    e = np.linspace(0.2, 1.6, 500)  # one linear sweep only
    with pytest.raises(InputError, match="no complete CV cycle"):
        select_cycle(split_sweeps(e), None, "ramp.csv")


def test_ramp_fit_gives_scan_rate_and_linearity():
    m = synthetic_cv(0.5, staircase_V=0.001)
    s = split_sweeps(m.potential_V)[1]
    rate, r2 = ramp_fit(m.time_s[s.rows], m.potential_V[s.rows])
    assert rate == pytest.approx(0.5, rel=1e-3) and r2 > 0.9999
    t = np.linspace(0, 3600, 500)  # a galvanostatic charge: E rises as sqrt(t), not a ramp
    assert ramp_fit(t, 0.4 + 0.8 * np.sqrt(t / 3600))[1] < 0.98


def test_binning_is_exact_for_linear_data_and_unsorted_potential():
    rng = np.random.default_rng(0)
    e = rng.uniform(0.0, 1.0, 20000)
    grid = np.linspace(0.05, 0.95, 91)
    np.testing.assert_allclose(bin_onto_grid(e, 3.0 * e - 1.0, grid), 3.0 * grid - 1.0, atol=1e-12)


def test_peaks_found_at_the_gaussian_centres():
    grid = np.linspace(0.3, 1.5, 600)
    y = sum(np.exp(-0.5 * ((grid - c) / 0.05) ** 2) for c in ANODIC_PEAKS_V) + 0.2 * grid
    y += np.random.default_rng(3).normal(0, 0.01, grid.size)
    np.testing.assert_allclose(grid[find_branch_peaks(y)], ANODIC_PEAKS_V, atol=0.01)


def test_describe_sweeps_lists_partial_and_full_sweeps_with_rates():
    records = describe_sweeps(synthetic_cv(2.0, n_cycles=2, start_mid=True))
    assert [r["direction"] for r in records] == ["anodic", "cathodic", "anodic", "cathodic", "anodic"]
    assert [r["cycle"] for r in records] == [None, 1, 1, 2, 2]
    assert records[0]["E_start_V"] == pytest.approx(0.9) and records[1]["E_end_V"] == pytest.approx(E_LOW_V)
    assert all(r["scan_rate_mV_s"] == pytest.approx(2.0, rel=1e-6) and r["ramp_r2"] > 0.9999 for r in records)
    assert records[1]["first_row"] == records[0]["last_row"]  # sweeps share their vertex row


def test_describe_sweeps_refuses_a_held_potential():
    # a chronoamperogram used to be listed as one 'cathodic' sweep at 0 mV/s
    from interstore.echem.record import from_arrays

    m = from_arrays(np.linspace(0, 100, 50), np.full(50, 1.4), np.linspace(1e-4, 1e-5, 50), source="it.csv")
    with pytest.raises(InputError, match="it.csv: the potential does not sweep"):
        describe_sweeps(m)
