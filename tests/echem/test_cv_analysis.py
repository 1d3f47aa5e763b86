"""analyze_cv end to end: b-values through the whole pipeline, scan-rate sources, masses, errors."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_cv import ANODIC_PEAKS_V, CATHODIC_PEAKS_V, concatenate_cvs, power_law_current, synthetic_cv

from interstore.echem.cv_analysis import analyze_cv
from interstore.echem.record import from_arrays
from interstore.errors import InputError

RATES = [0.1, 0.2, 0.5, 1.0, 2.0]


@pytest.mark.parametrize("b", [0.5, 0.68, 0.9, 1.0])
def test_power_law_cvs_recover_b_within_0_01(b):
    ms = [synthetic_cv(v, power_law_current(b), noise_A=5e-3 * 1e-2 * (1e-3 * v) ** b, seed=k)
          for k, v in enumerate(RATES)]
    result = analyze_cv(ms, RATES).to_dict()
    found = {r["peak"]: r for r in result["b_values"]}
    assert sorted(found) == ["A1", "A2", "C1", "C2"]
    for r in found.values():
        assert r["b"] == pytest.approx(b, abs=0.01)
        assert r["r2"] > 0.999
    peaks = {p["peak"]: p for p in result["peaks"]}
    np.testing.assert_allclose([peaks["A1"]["potential_V"][0], peaks["A2"]["potential_V"][0]], ANODIC_PEAKS_V,
                               atol=0.01)
    np.testing.assert_allclose([peaks["C1"]["potential_V"][0], peaks["C2"]["potential_V"][0]], CATHODIC_PEAKS_V,
                               atol=0.01)
    assert all(c < 0 for c in peaks["C1"]["current_A"])


def test_peaks_moving_with_scan_rate_are_followed():
    """Peaks shifting 60 mV per decade (quasi-reversible) over 0.1–10 mV/s are tracked; b is kept."""
    rates = [0.1, 0.3, 1.0, 3.0, 10.0]
    a = analyze_cv([synthetic_cv(v, power_law_current(0.6, shift_V_per_decade=0.06)) for v in rates], rates)
    peaks = {p.name: p for p in a.peaks}
    assert sorted(peaks) == ["A1", "A2", "C1", "C2"]
    expected = ANODIC_PEAKS_V[0] + 0.06 * np.log10(rates)
    np.testing.assert_allclose(peaks["A1"].potential_V, expected, atol=0.006)
    for p in peaks.values():
        assert p.fit.n_rates == 5 and p.fit.b == pytest.approx(0.6, abs=0.01)


def test_peak_seen_at_few_rates_gets_no_b_value():
    """A third anodic peak present only in the two slowest of five CVs is listed but not fitted,
    and A2 at 1.25 V, within tracking distance, is not handed to it at the faster rates."""
    base = power_law_current(0.7)

    def model(e, d, v):
        extra = 1e-2 * v ** 0.7 * np.exp(-0.5 * ((e - 1.42) / 0.04) ** 2) * (d > 0) * (v < 0.3e-3)
        return base(e, d, v) + extra

    a = analyze_cv([synthetic_cv(v, model) for v in RATES], RATES)
    peaks = {p.name: p for p in a.peaks}
    assert peaks["A3"].potential_V[0] == pytest.approx(1.42, abs=0.01) and peaks["A3"].fit is None
    assert sorted(r["peak"] for r in a.to_dict()["b_values"]) == ["A1", "A2", "C1", "C2"]
    assert peaks["A3"].scan_rates_mV_s.tolist() == RATES[:2]
    assert peaks["A2"].scan_rates_mV_s.tolist() == RATES and peaks["A2"].fit.b == pytest.approx(0.7, abs=0.01)


def test_ohmic_correction_puts_peaks_back_at_their_potential():
    """Recorded through R_s = 300 ohm, the anodic peak shifts by +i_p·R_s; E − i·R_s undoes it."""
    ms = [synthetic_cv(v, power_law_current(0.9, a=3e-2), r_s_ohm=300.0) for v in RATES]
    raw = {p.name: p for p in analyze_cv(ms, RATES).peaks}
    corr = {p.name: p for p in analyze_cv(ms, RATES, r_s_ohm=300.0).peaks}
    shift = raw["A1"].potential_V - corr["A1"].potential_V
    np.testing.assert_allclose(shift, corr["A1"].current_A * 300.0, atol=0.004)
    assert shift[-1] > 0.02
    np.testing.assert_allclose(corr["A1"].potential_V, ANODIC_PEAKS_V[0], atol=0.004)
    assert corr["A1"].fit.b == pytest.approx(0.9, abs=0.01)


def test_scan_rates_from_file_or_estimated_from_dE_dt():
    recorded = analyze_cv([synthetic_cv(v, record_rate=True) for v in RATES])
    assert recorded.scan_rate_sources == ("file",) * 5
    estimated = analyze_cv([synthetic_cv(v, staircase_V=0.001) for v in RATES[::-1]])
    np.testing.assert_allclose(estimated.scan_rates_mV_s, RATES, rtol=2e-3)  # sorted by rate
    assert set(estimated.scan_rate_sources) == {"estimated from dE/dt"}
    assert sum("estimated from dE/dt" in w for w in estimated.warnings) == 5
    assert not any("dE/dt" in w for w in recorded.warnings)


def test_given_scan_rate_contradicting_dE_dt_is_warned_about():
    """A rate typed in V/s instead of mV/s (1000× off) is kept as given but flagged."""
    a = analyze_cv([synthetic_cv(v) for v in RATES[:3]], [0.1, 0.2, 0.0005])
    assert a.scan_rates_mV_s.tolist() == [0.0005, 0.1, 0.2]
    assert len(a.warnings) >= 1 and "0.0005 mV/s (option) but dE/dt of the data gives 0.5 mV/s" in a.warnings[0]


def test_file_with_two_scan_rates_is_ambiguous():
    """Anodic sweep at 0.5 mV/s, cathodic at 2 mV/s and no rate given: refuse to guess."""
    slow, fast = synthetic_cv(0.5, n_cycles=1), synthetic_cv(2.0, n_cycles=1)
    n = slow.time_s.size // 2  # the upper vertex
    t = np.concatenate([slow.time_s[: n + 1], slow.time_s[n] + fast.time_s[n + 1:] - fast.time_s[n]])
    e = np.concatenate([slow.potential_V[: n + 1], fast.potential_V[n + 1:]])
    i = np.concatenate([slow.current_A[: n + 1], fast.current_A[n + 1:]])
    mixed = from_arrays(t, e, i, source="mixed.csv")
    with pytest.raises(InputError, match="mixed.csv: scan rate is ambiguous"):
        analyze_cv([mixed, synthetic_cv(1.0)])
    assert analyze_cv([mixed, synthetic_cv(1.0)], [0.5, 1.0]).scan_rates_mV_s.tolist() == [0.5, 1.0]


def test_one_record_holding_several_rates_equals_separate_files():
    separate = analyze_cv([synthetic_cv(v) for v in RATES])
    single = analyze_cv([concatenate_cvs([synthetic_cv(v) for v in RATES])])
    np.testing.assert_allclose(single.scan_rates_mV_s, RATES, rtol=1e-3)
    np.testing.assert_allclose(single.capacitive_fraction, separate.capacitive_fraction, rtol=1e-3)
    np.testing.assert_allclose([p.fit.b for p in single.peaks], [p.fit.b for p in separate.peaks], atol=1e-3)
    assert single.sources[2] == "all_rates.csv [block 3: 0.5 mV/s]"
    assert "all_rates.csv: holds 5 scan rates" in single.warnings[0]


def test_galvanostatic_record_is_not_taken_for_a_cv():
    """Charge/discharge curves (E ∝ √t within each half cycle) are refused with the file's name."""
    phase = np.linspace(0, 1, 1000, endpoint=False)
    half = 0.4 + 0.8 * np.sqrt(phase)
    e = np.concatenate([half, half[::-1]] * 3)
    gcd = from_arrays(np.arange(e.size) * 10.0, e, np.where(np.diff(e, append=e[-1]) >= 0, 1e-3, -1e-3),
                      source="gcd.csv")
    with pytest.raises(InputError, match="gcd.csv: the potential is not swept linearly"):
        analyze_cv([gcd, synthetic_cv(1.0)], [0.5, 1.0])


@pytest.mark.parametrize("make, match", [
    (lambda g: from_arrays(g.time_s, g.potential_V, 0 * g.current_A, source="dead.csv"), "dead.csv: no current"),
    (lambda g: synthetic_cv(0.5, points_per_sweep=8), "only 9 data points"),
    (lambda g: from_arrays(np.arange(500.0), np.random.default_rng(0).normal(size=500), g.current_A[:500],
                           source="noise.csv"), "noise.csv"),
])
def test_degenerate_records_name_the_file(make, match):
    with pytest.raises(InputError, match=match):
        analyze_cv([make(synthetic_cv(1.0)), synthetic_cv(1.0)], [0.5, 1.0])


def test_mass_gives_specific_values_and_basis():
    ms = [synthetic_cv(v, active_mass_g=2e-3) for v in RATES]
    a = analyze_cv(ms, RATES)
    d = a.to_dict()
    assert d["mass_basis"]["basis"] == "active" and d["mass_basis"]["mass_mg"] == pytest.approx(2.0)
    t = d["trasatti"]
    assert t["q_outer_C_g"] == pytest.approx(t["q_outer_C"] / 2e-3)
    assert t["q_inner_C_g"] == pytest.approx(t["q_total_C_g"] - t["q_outer_C_g"])
    assert analyze_cv(ms, RATES, mass_g=1e-3).to_dict()["trasatti"]["q_total_C_g"] == pytest.approx(
        t["q_total_C"] / 1e-3)
    no_mass = analyze_cv([synthetic_cv(v) for v in RATES], RATES).to_dict()
    assert no_mass["mass_basis"]["basis"] == "none" and no_mass["trasatti"]["q_outer_C_g"] is None


def test_json_keys_and_dunn_flags():
    d = analyze_cv([synthetic_cv(v, power_law_current(0.8)) for v in RATES], RATES).to_dict()
    assert {"b_values", "dunn", "dunn_flags", "trasatti", "peaks", "mass_basis"} <= set(d)
    assert [x["scan_rate_mV_s"] for x in d["dunn"]] == RATES
    assert set(d["b_values"][0]) >= {"peak", "b", "stderr", "r2"}
    assert set(d["trasatti"]) >= {"q_outer_C_g", "q_total_C_g", "q_inner_C_g", "r2_outer", "r2_total",
                                  "linear_warning"}
    # i ∝ v^0.8 lies between the Dunn exponents 1/2 and 1: the capacitive share rises with rate
    fractions = [x["capacitive_fraction"] for x in d["dunn"]]
    assert all(np.diff(fractions) > 0)
    assert 0.0 <= d["dunn_flags"]["flagged_fraction"] <= 1.0


@pytest.mark.parametrize("kwargs, match", [
    ({"r_s_ohm": -1.0}, "series resistance"),
    ({"mass_g": 0.0}, "active mass"),
    ({"cycle": 9}, "cycle 9 not found"),
    ({"r2_threshold": 0.0}, "r2_threshold"),
])
def test_bad_parameters_raise_before_solving(kwargs, match):
    with pytest.raises(InputError, match=match):
        analyze_cv([synthetic_cv(v) for v in RATES[:2]], RATES[:2], **kwargs)


def test_too_few_files_or_rates_or_no_overlap():
    with pytest.raises(InputError, match="1 CV"):
        analyze_cv([synthetic_cv(1.0)], [1.0])
    with pytest.raises(InputError, match="2 distinct|distinct scan rates"):
        analyze_cv([synthetic_cv(1.0), synthetic_cv(1.0)], [1.0, 1.0])
    with pytest.raises(InputError, match="do not overlap"):
        analyze_cv([synthetic_cv(1.0, e_low_V=0.0, e_high_V=0.5), synthetic_cv(2.0, e_low_V=0.6, e_high_V=1.2)],
                   [1.0, 2.0])
    with pytest.raises(InputError, match="scan_rates_mV_s"):
        analyze_cv([synthetic_cv(1.0), synthetic_cv(2.0)], [1.0])


def test_real_cv_files_split_into_their_recorded_cycles(shared_data):
    """The real CV files are single-rate runs of different electrodes (no multi-rate set of
    one electrode exists in ../shared/data, see its SOURCES.md), so no b-value can be taken
    from them; their sweeps must split into the cycles EC-Lab numbered, with full anodic and
    cathodic sweeps spanning the recorded window."""
    from interstore.echem.cv_segments import select_cycle, split_sweeps
    from interstore.echem.readers import read_measurement

    for name, cycle in (("biologic/cv.issue_149.mpt", 2), ("biologic/cv.issue_217.mpt", 5)):
        path = shared_data / name
        assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
        m = read_measurement(path)
        up, down = select_cycle(split_sweeps(m.potential_V, m.cycle), cycle, m.source)
        window = m.potential_V.max() - m.potential_V.min()
        assert up.span_V == pytest.approx(window, rel=0.05) and down.span_V == pytest.approx(window, rel=0.05)
