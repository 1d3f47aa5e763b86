"""Ledger from control electrodes: synthetic studies built as oxide + substrate + a known excess.

The excess per rate (mAh g⁻¹ of composite) must lie inside the reported 95 % interval at every rate,
also when the true excess is zero; replicate statistics must equal scipy.stats on the same numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.stats as st
from synthetic_controls import OXIDE_MG, RATES_A_G, SUBSTRATE_MG, PROTON_mAh_g, write_study

from interstore.errors import InputError
from interstore.evidence.controls import analyse_controls, control_ledger, summarise_electrode, CellResult
from interstore.evidence.manifest import load_study
from interstore.evidence.replicates import replicate_stat, welch_interval

W_OX = OXIDE_MG / (OXIDE_MG + SUBSTRATE_MG)


def test_replicate_statistics_equal_scipy_stats():
    x = [212.4, 205.1, 219.8, 208.3]
    s = replicate_stat(x, "mAh g⁻¹")
    lo, hi = st.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=st.sem(x))
    assert (s.n, s.mean, s.sd, s.sem) == pytest.approx((4, np.mean(x), st.tstd(x), st.sem(x)), rel=1e-12)
    assert s.interval == pytest.approx((lo, hi), rel=1e-12)
    one = replicate_stat([3.0], "%").to_dict()
    assert one["n"] == 1 and one["sd"] is None and one["ci95_half_width"] is None


def test_difference_interval_equals_welch_t_test():
    a, b = [10.2, 11.1, 9.7, 10.8], [8.1, 8.9, 7.7]
    value, se, half = welch_interval([(1.0, replicate_stat(a, "")), (-1.0, replicate_stat(b, ""))])
    ci = st.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert value == pytest.approx(np.mean(a) - np.mean(b))
    assert (value - half, value + half) == pytest.approx((ci.low, ci.high), rel=1e-10)


def _cells(role, means, sd, n, rng):
    ox = 0.0 if role == "substrate" else OXIDE_MG * 1e-3
    sub = 0.0 if role == "oxide" else SUBSTRATE_MG * 1e-3
    return [CellResult(f"{role} {k}", ox, sub, 1.0, (0.1,) * len(means),
                       tuple(rng.normal(means, sd)), (99.0,) * len(means), None, None, None) for k in range(n)]


def test_interval_covers_the_true_excess_95_percent_of_the_time():
    rng = np.random.default_rng(1)
    ox, sub, excess = np.array([300.0]), np.array([60.0]), 25.0
    het = W_OX * ox + (1 - W_OX) * sub + excess
    hits, trials = 0, 2000
    for _ in range(trials):
        e = {"heterostructure": summarise_electrode("h", "heterostructure", _cells("heterostructure", het, 8.0, 3, rng)),
             "oxide": summarise_electrode("o", "oxide", _cells("oxide", ox, 10.0, 4, rng)),
             "substrate": summarise_electrode("s", "substrate", _cells("substrate", sub, 5.0, 3, rng))}
        lo, hi = control_ledger(e).rows[0].interval
        hits += lo <= excess <= hi
    assert 0.935 <= hits / trials <= 0.975  # binomial 2000 draws of p = 0.95: ±0.012 at 2.5σ (Welch is close to nominal)


@pytest.mark.parametrize("excess", [(40.0, 25.0, 10.0), (0.0, 0.0, 0.0)])
def test_synthetic_study_recovers_the_excess_within_its_interval(tmp_path, excess):
    ledger = analyse_controls(load_study(write_study(tmp_path, list(excess), seed=7)))
    assert [r.rate_index for r in ledger.rows] == [1, 2, 3]
    for row, true, rate in zip(ledger.rows, excess, RATES_A_G):
        lo, hi = row.interval
        assert lo <= true <= hi
        assert 0 < row.excess_half_width < 20  # 2 % cell spread, n = 3: a few mAh/g, not a blanket interval
        assert row.current_A_g == pytest.approx(rate, rel=1e-3)
        assert row.oxide_fraction == pytest.approx(W_OX, rel=1e-5)  # masses written to 6 digits
        # mixing alone adds nothing, and the proton-only cell is the proton share
        assert row.mixture_excess[0] - row.mixture_excess[1] <= 0 <= row.mixture_excess[0] + row.mixture_excess[1]
        p = PROTON_mAh_g[row.rate_index - 1]
        assert row.proton_share[0] - row.proton_share[1] <= p <= row.proton_share[0] + row.proton_share[1]
    d = ledger.to_dict()
    assert d["rows"][0]["interfacial_excess"]["value_mAh_g_oxide"] == pytest.approx(ledger.rows[0].excess / W_OX)
    assert d["electrodes"]["oxide"]["n_cells"] == 3
    # linear discharge curves 1.6 → 0.2 V: the excess dQ/dV integrates to the excess of rate 1
    dq = d["excess_dqdv"]
    area = np.trapezoid(dq["excess"], dq["potential_V"])
    assert area == pytest.approx(ledger.rows[0].excess, abs=max(2.0, 0.05 * abs(ledger.rows[0].excess)))


def test_missing_controls_and_bad_roles_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no substrate control"):
        analyse_controls(load_study(write_study(tmp_path / "a", [0, 0, 0], roles=("heterostructure", "oxide"))))
    path = write_study(tmp_path / "b", [0, 0, 0], roles=("oxide", "substrate"), cells=1)
    with pytest.raises(InputError, match="heterostructure"):
        load_study(path)
    path = write_study(tmp_path / "c", [0, 0, 0], roles=("heterostructure",), cells=1)
    path.write_text(re.sub(r"substrate_mg = [0-9.]+", "substrate_mg = 0", path.read_text()))
    with pytest.raises(InputError, match="substrate_mg must be > 0"):
        load_study(path)
    path = write_study(tmp_path / "d", [0, 0, 0], roles=("heterostructure",), cells=1)
    path.write_text(path.read_text().replace('gcd = "heterostructure_1.csv"', 'gcd = "nope.csv"'))
    with pytest.raises(InputError, match="controls.electrodes\\[0\\].cells\\[0\\].gcd"):
        load_study(path)


def test_b_values_of_replicate_cells_are_summarised_with_their_spread():
    """Three cells whose CVs follow i ∝ v^b with b = 0.75, 0.80, 0.85: the electrode's b is 0.80 ± its
    t-interval, the SD is 0.05 (the cells' fitted b, not a typed value)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "echem"))
    from synthetic_cv import power_law_current, synthetic_cv
    from test_galvanostatic import MASSES, synthetic_cycles

    from interstore.echem.cv_analysis import analyze_cv
    from interstore.echem.galvanostatic import analyze_cycling
    from interstore.evidence.controls import analyse_cell

    rates = [0.1, 0.3, 1.0]
    cycling = analyze_cycling(synthetic_cycles([(1e-3, 3600.0, 3650.0)]), MASSES)
    cells = [analyse_cell(cycling, analyze_cv([synthetic_cv(v, power_law_current(b)) for v in rates], rates),
                          role="heterostructure", oxide_g=1e-3, substrate_g=0.25e-3, label=f"b={b}")
             for b in (0.75, 0.80, 0.85)]
    e = summarise_electrode("het", "heterostructure", cells)
    assert e.b.n == 3
    assert e.b.mean == pytest.approx(0.80, abs=2e-3)
    assert e.b.sd == pytest.approx(0.05, abs=2e-3)
    assert e.b.interval == pytest.approx(st.t.interval(0.95, 2, loc=e.b.mean, scale=st.sem(e.b.values)))
    assert e.capacitive_fraction.n == 3
    # 1 mA for 1 h on 1.25 mg of composite
    assert e.rates[0].capacity_mAh_g.mean == pytest.approx(800.0, rel=1e-9)
