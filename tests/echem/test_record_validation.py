"""A measurement's table is checked from its extremes; a faulty one must still be refused
naming the first bad row, in the order: non-finite, out of bounds, time going back."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.echem.readers import read_measurement
from interstore.echem.record import from_arrays
from interstore.errors import InputError
from test_readers_formats import write_mpr

N = 12


def _arrays():
    t = np.arange(N, dtype=float)
    return t, np.linspace(0.2, 1.6, N), np.full(N, 1e-3)


@pytest.mark.parametrize("column, row, value, message", [
    ("potential_V", 5, np.nan, r"data row 5: non-numeric or NaN value in 'potential_V'"),
    ("current_A", 9, np.inf, r"data row 9: non-numeric or NaN value in 'current_A'"),
    ("time_s", 12, -np.inf, r"data row 12: non-numeric or NaN value in 'time_s'"),
    ("potential_V", 3, 1.5e3, r"data row 3: value 1500 V in 'potential_V'"),
    ("current_A", 7, -2e4, r"data row 7: value -2e\+04 A in 'current_A'"),
])
def test_bad_value_is_named_with_its_row(column, row, value, message):
    t, e, i = _arrays()
    arrays = {"time_s": t, "potential_V": e, "current_A": i}
    arrays[column][row - 1] = value
    with pytest.raises(InputError, match=message):
        from_arrays(arrays["time_s"], arrays["potential_V"], arrays["current_A"], source="x.csv")


def test_non_finite_is_reported_before_a_bound_and_time_going_back():
    t, e, i = _arrays()
    t[3], e[2], i[8] = 1.0, 5e3, np.nan  # time goes back at row 4, E out of bounds at row 3, NaN at row 9
    with pytest.raises(InputError, match=r"data row 9: non-numeric or NaN value in 'current_A'"):
        from_arrays(t, e, i)
    i[8] = 1e-3
    with pytest.raises(InputError, match=r"data row 3: value 5000 V"):
        from_arrays(t, e, i)
    e[2] = 1.0
    with pytest.raises(InputError, match=r"data row 4: time goes backwards"):
        from_arrays(t, e, i)


def test_values_on_the_bounds_and_repeated_times_are_accepted():
    t, e, i = _arrays()
    t[4] = t[3]
    e[0], e[-1], i[0], i[-1] = -1e3, 1e3, -1e4, 1e4
    m = from_arrays(t, e, i)
    assert m.potential_V[0] == -1e3 and m.current_A[-1] == 1e4


def test_mpr_columns_are_contiguous_float64_and_faults_are_named(tmp_path):
    t, e, i = _arrays()
    f = tmp_path / "run.mpr"
    write_mpr(f, {4: ("<f8", t), 6: ("<f4", e), 8: ("<f4", i * 1e3), 24: ("<f8", np.zeros(N))})
    m = read_measurement(f)
    for column in ("time_s", "potential_V", "current_A"):
        values = m.data[column].to_numpy()
        assert values.dtype == np.float64 and values.flags["C_CONTIGUOUS"]
    assert np.array_equal(m.time_s, t) and np.allclose(m.current_A, i, rtol=1e-7)
    e[6] = np.nan
    write_mpr(f, {4: ("<f8", t), 6: ("<f4", e), 8: ("<f4", i * 1e3)})
    with pytest.raises(InputError, match=r"data row 7: non-numeric or NaN value in 'potential_V'"):
        read_measurement(f)
    cycle = np.zeros(N)
    cycle[10] = np.nan
    write_mpr(f, {4: ("<f8", t), 6: ("<f4", _arrays()[1]), 8: ("<f4", i * 1e3), 24: ("<f8", cycle)})
    with pytest.raises(InputError, match=r"data row 11: NaN or infinite value in field 'cycle number'"):
        read_measurement(f)
