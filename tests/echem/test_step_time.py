"""The instrument's step time (``step_time_s``: time since the programme step began) read from
every format that logs it, checked on the real files of ``../shared/data`` against the files'
own total time and clock, and used by GITT as the pulses' current-switch time t0.

A listed real file that is missing FAILS (the ``real`` fixture); the tests skip only when the
whole ``../shared/data`` folder is absent.  Formats without a real file here (Maccor, BaSyTec,
Novonix, LAND, Arbin/Neware .xlsx) are checked on the layout samples of
``test_readers_newformats.py`` with values read off the rows they write.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import test_readers_newformats as layouts
from test_gitt_start_time import D, L, TAU, titration
from test_readers_real import real  # noqa: F401  (the fixture: a listed file that is missing fails)

from interstore.echem.gitt import GittGeometry, analyze_gitt, step_time_start
from interstore.echem.readers import arbin, basytec, excel, maccor, novonix, read_measurement


def step_starts(step: np.ndarray) -> np.ndarray:
    """Indices of the first sample of every step after the first."""
    return np.flatnonzero(step[1:] != step[:-1]) + 1


def assert_step_time_consistent(m, resolution_s: float) -> None:
    """Within a step the step time advances exactly as the total time (to the file's resolution);
    at each step change it restarts, at a switch no earlier than the previous step's last sample."""
    t, ts, step = m.time_s, m.data["step_time_s"].to_numpy(float), m.step
    same = step[1:] == step[:-1]
    assert np.abs(np.diff(ts)[same] - np.diff(t)[same]).max() <= resolution_s
    starts = step_starts(step)
    assert starts.size > 0
    switch = t[starts] - ts[starts]                                 # restarted: the step began between samples
    assert np.all(switch >= t[starts - 1] - resolution_s) and np.all(switch <= t[starts] + resolution_s)


# ---------------------------------------------------------------- real files
def test_arbin_csv_step_time(real):
    m = read_measurement(real("csv/sample_data_arbin.csv"))
    raw = pd.read_csv(real("csv/sample_data_arbin.csv"), encoding="utf-8-sig")
    assert m.data["step_time_s"].tolist() == raw["Step Time (s)"].tolist()
    assert_step_time_consistent(m, resolution_s=2e-4)              # logged to 0.1 ms
    starts = step_starts(m.step)
    # steps 2 and 3 began at 300.0039 − 0.0006 and 300.6979 − 0.0012 s of test time (read off the file)
    assert (m.time_s - m.data["step_time_s"].to_numpy())[starts] == pytest.approx([300.0033, 300.6967], abs=1e-9)


def test_neware_csv_time_beside_cumulative_time_is_the_step_time(real):
    path = real("neware/neware_uio.csv")
    m = read_measurement(path)
    raw = pd.read_csv(path)
    assert m.data["step_time_s"].tolist() == pd.to_timedelta(raw["Time"]).dt.total_seconds().tolist()
    assert_step_time_consistent(m, resolution_s=1.0)                # both clocks printed in whole seconds
    assert np.all(m.data["step_time_s"].to_numpy()[step_starts(m.step)] == 0.0)


def newarenda(path: Path) -> pd.DataFrame:
    import NewareNDA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return NewareNDA.read(str(path), software_cycle_number=True)


@pytest.mark.parametrize("name", ["neware/test_2.ndax",
                                  "neware/TESTCELL0001-B2-2025-M50T_NewareNDA_Investigation.ndax"])
def test_neware_ndax_step_time_matches_the_record_clock(real, name):
    path = real(name)
    m = read_measurement(path)
    ref = newarenda(path)
    step_time = m.data["step_time_s"].to_numpy(float)
    assert np.array_equal(step_time, ref["Time"].to_numpy(float))
    assert_step_time_consistent(m, resolution_s=1e-6)
    starts = step_starts(m.step)
    assert np.all(step_time[starts] == 0.0)                         # BTS logs each step's first record at 0 s
    # against the records' own wall-clock stamps: time since the step's first record, within 1 ms
    stamp = (ref["Timestamp"] - ref["Timestamp"].iloc[0]).dt.total_seconds().to_numpy()
    first = np.concatenate(([0], starts))[np.cumsum(np.concatenate(([True], m.step[1:] != m.step[:-1]))) - 1]
    assert np.abs((stamp - stamp[first]) - step_time).max() < 1e-3


def test_neware_nda_whose_time_runs_on_has_no_step_time(real):
    m = read_measurement(real("neware/TestFile.nda"))
    assert "step_time_s" not in m.data and "test time" in m.extra["step_time"]


def test_neware_nda_of_one_step(real):
    path = real("neware/2-1-6_61[07005012].nda")
    m = read_measurement(path)
    assert np.unique(m.step).size == 1
    assert np.array_equal(m.data["step_time_s"].to_numpy(float), newarenda(path)["Time"].to_numpy(float))


def test_biologic_gcpl_step_time_kept_where_it_restarts_at_each_Ns_change(real):
    """EC-Lab's 'step time/s' of this GCPL export restarts at 0 at every Ns change; in its first
    sequence it carries the linked experiment's time (88246.5 s) after a first row of 0 s, so that
    sequence is left NaN rather than trusted."""
    m = read_measurement(real("biologic/gcpl.issue_211.mpt"))
    ts = m.data["step_time_s"].to_numpy(float)
    starts = step_starts(m.step)
    assert starts.tolist()[:3] == [247, 523, 807] and np.all(ts[starts] == 0.0)
    assert np.isnan(ts[:247]).all() and np.isfinite(ts[247:]).all()
    assert m.extra["step_time"].startswith("NaN in 1 of 10 steps")
    kept = np.arange(ts.size) >= 247
    same = (m.step[1:] == m.step[:-1]) & kept[1:]
    assert np.abs(np.diff(ts)[same] - np.diff(m.time_s)[same]).max() < 1e-3


@pytest.mark.parametrize("name", ["biologic/mb.issue_218.mpt", "biologic/Sample_data_biologic_CA1.txt",
                                  "biologic/cv.issue_149.mpt"])
def test_biologic_step_time_that_runs_on_across_Ns_is_not_kept(real, name):
    """In Modulo Bat, chronoamperometry and CV exports EC-Lab's 'step time/s' does not restart with
    Ns: it is not a time since the step began and the record leaves it out, saying so."""
    m = read_measurement(real(name))
    assert "step_time_s" not in m.data and "contradicts its total time" in m.extra["step_time"]


@pytest.mark.parametrize("name", ["biologic/gcpl.pr_182.1.mpt", "biologic/gcpl.issue_211.mpr", "csv/batmo_bdf.csv"])
def test_files_without_a_step_time_column_get_none_made_up(real, name):
    """Files that log only the total time (and number the steps): no step time is made up from
    the first sample of each step."""
    assert "step_time_s" not in read_measurement(real(name)).data


# ---------------------------------------------------------------- layout samples of formats without a real file
def test_step_time_in_the_cycler_layouts(tmp_path):
    f = tmp_path / "maccor.txt"
    f.write_bytes(layouts.MIMS_TAB.encode())                        # StepTime clock cells 0d 00:00:0.5 …
    assert maccor.read_maccor(f).data["step_time_s"].tolist() == [0.0, 0.5, 2.0]
    f = tmp_path / "maccor_mims.txt"
    f.write_bytes(layouts.MIMS_MIN.encode())                        # unit-less StepTime in TestTime's unit (min)
    assert maccor.read_maccor(f).data["step_time_s"].tolist() == [0.0, 60.0, 60.0]
    f = tmp_path / "basytec.txt"
    charge = layouts.basytec_row(60, 4, "Charge", 3.6, 0.4, 0, 0).split("\t")
    charge[2] = "2.5"                                               # the t-Step[s] field
    f.write_bytes((layouts.BASYTEC_HEAD + layouts.basytec_row(0, 3, "Pause", 3.5, 0, 0, 0) + "\t".join(charge))
                  .encode("latin-1"))
    assert basytec.read_basytec(f).data["step_time_s"].tolist() == [0.0, 2.5]   # t-Step[s]
    f = tmp_path / "novonix.csv"
    f.write_bytes(layouts.NOVONIX.encode())
    assert novonix.read_novonix(f).data["step_time_s"].tolist() == [0.0, 1800.0, 1800.0]  # Step Time (h)
    f = tmp_path / "arbin.csv"
    f.write_bytes(layouts.ARBIN_CSV.encode())
    assert arbin.read_arbin(f).data["step_time_s"].tolist() == [30.0005, 0.0012, 0.5173]
    f = tmp_path / "lanhe.xlsx"
    layouts.landt_book(f)
    assert excel.read_excel(f).data["step_time_s"].tolist() == [0.0] * 4       # StepTime/Sec column of zeros
    f = tmp_path / "neware.xlsx"
    layouts.neware_book(f, with_indices=True)
    assert excel.read_excel(f).data["step_time_s"].tolist() == [0.0, 1800.0, 3600.0, 1800.0]  # 'Time' clock


def test_battery_data_format_step_time(tmp_path):
    """A BDF table with the optional 'Step Time / s' column (the real csv/batmo_bdf.csv has none)."""
    f = tmp_path / "bdf.csv"
    f.write_text("Test Time / h,Step Time / s,Current / A,Voltage / V,Step Index / 1,Cycle Count / 1\n"
                 "0.0,0,0,3.3,1,1\n0.5,1800,0.1,3.4,1,1\n0.75,900,-0.1,3.2,2,1\n")
    m = read_measurement(f)
    assert m.time_s.tolist() == [0.0, 1800.0, 2700.0] and m.data["step_time_s"].tolist() == [0.0, 1800.0, 900.0]


def test_arbin_xlsx_step_time(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Global_Info"
    sheet = book.create_sheet("Channel_1-006")
    sheet.append(["Data_Point", "Test_Time(s)", "Step_Time(s)", "Step_Index", "Cycle_Index", "Current(A)",
                  "Voltage(V)"])
    sheet.append([1, 0.0, 0.0, 1, 1, 0.0, 3.5])
    sheet.append([2, 3600.0, 3.25, 2, 1, 0.002, 3.9])
    f = tmp_path / "arbin.xlsx"
    book.save(f)
    assert excel.read_excel(f).data["step_time_s"].tolist() == [0.0, 3.25]


# ---------------------------------------------------------------- GITT from a file with a step time
def write_arbin_csv(data, path: Path) -> None:
    """The transient as an Arbin CSV export (the layout of csv/sample_data_arbin.csv)."""
    n = data.time_s.size
    pd.DataFrame({"Data Point": np.arange(1, n + 1), "Date Time": ["09/20/2024 08:32:34.558"] * n,
                  "Test Time (s)": data.time_s, "Step Time (s)": data.data["step_time_s"],
                  "Cycle Index": 1, "Step Index": data.step, "Current (A)": data.current_A,
                  "Voltage (V)": data.potential_V}).to_csv(path, index=False, float_format="%.10g")


def test_gitt_takes_t0_from_the_files_step_time(tmp_path, run_cli):
    """Switch 0.9 logging interval before the first pulse sample (40 samples per pulse): the step
    time gives t0 exactly and D within 5 % of the finite-difference diffusion solution's D, through
    the reader, the Python API and the CLI alike."""
    data = titration(0.9, step_time=True)
    path = tmp_path / "gitt_arbin.csv"
    write_arbin_csv(data, path)
    m = read_measurement(path)
    assert m.instrument == "arbin" and "step_time_s" in m.data
    res = analyze_gitt(m, GittGeometry.from_length(L), pulse_s=TAU)
    assert len(res.pulses) == 2 and res.t0_counts() == {"step-time": 2}
    assert "the instrument's step time (2 of 2 pulses)" in res.headline()
    for p in res.pulses:
        assert p.t0_method == "step-time" and not p.t0_note
        assert p.t0_offset_s == pytest.approx(0.9 * TAU / 40, rel=1e-6)
        assert p.D_cm2_s == pytest.approx(D, rel=0.05)
        assert p.D_first_sample_origin_cm2_s > 1.15 * D                 # what the first-sample origin gives
    code, out, err = run_cli("gitt", "analyze", path, "--length-um", str(L * 1e4), "--pulse-s", str(TAU),
                             "--json", tmp_path / "g.json")
    assert code == 0, err
    r = json.loads((tmp_path / "g.json").read_text())
    assert r["t0_sources"] == {"step-time": 2}
    assert [q["t0_s"] for q in r["pulses"]] == pytest.approx([p.t0_s for p in res.pulses], rel=1e-12)
    assert [q["D_cm2_s"] for q in r["pulses"]] == pytest.approx([p.D_cm2_s for p in res.pulses], rel=1e-12)
    assert "t0 from the instrument's step time (2 of 2 pulses)" in " ".join(out.split())  # rich wraps the title


def test_a_step_time_that_contradicts_the_record_falls_back_to_the_fit():
    data = titration(0.9, step_time=True)
    data.data["step_time_s"] += 5 * TAU                               # every step 'began' 5 pulses earlier
    res = analyze_gitt(data, GittGeometry.from_length(L), pulse_s=TAU)
    for p in res.pulses:
        assert p.t0_method == "fit" and "fitted instead" in p.t0_note
        assert p.D_cm2_s == pytest.approx(D, rel=0.05)


def test_step_time_start_bounds():
    t = np.array([0.0, 1.0, 2.0, 2.5, 3.5])
    step = np.array([1, 1, 1, 2, 2])
    assert step_time_start(t, np.array([0, 1, 2, 0.3, 1.3]), step, 3) == pytest.approx(2.2)
    assert step_time_start(t, np.array([0, 1, 2, 0.6, 1.6]), step, 4) is None   # 1.9 s: before the last step-1 sample
    assert step_time_start(t, np.array([0, 1, 2, 0.0, 1.0]), step, 4) == pytest.approx(2.5)  # first record at 0 s


def test_gitt_on_a_real_neware_file_takes_t0_from_its_step_time(real):
    """test_2.ndax is a rest / constant-current / rest … record: every current step after a rest is a
    'pulse' to GITT.  Each t0 comes from the step time and equals the wall-clock stamp of the step's
    first record (NewareNDA's Timestamp, independent of the step time) within 1 ms."""
    path = real("neware/test_2.ndax")
    m = read_measurement(path)
    res = analyze_gitt(m, GittGeometry.from_length(1e-4))
    assert len(res.pulses) == 107 and res.t0_counts() == {"step-time": 107}
    stamp = newarenda(path)["Timestamp"]
    since_start = (stamp - stamp.iloc[0]).dt.total_seconds().to_numpy()
    first = [int(np.flatnonzero(m.time_s == p.start_s)[-1]) for p in res.pulses]  # each pulse's first sample
    assert np.array([p.t0_s for p in res.pulses]) == pytest.approx(since_start[first], abs=1e-3)
    assert all(p.t0_offset_s == 0.0 for p in res.pulses)  # BTS logs a record at the switch itself


def test_a_missing_step_time_for_one_step_is_said():
    data = titration(0.9, step_time=True)
    data.data.loc[data.step == 2, "step_time_s"] = np.nan               # the first pulse's step
    res = analyze_gitt(data, GittGeometry.from_length(L), pulse_s=TAU)
    assert [p.t0_method for p in res.pulses] == ["fit", "step-time"]
    assert res.pulses[0].t0_note == "no step time in the file for this step: t0 fitted instead"
    assert res.t0_summary() == ("t0 from the instrument's step time (1 of 2 pulses), "
                                "the fit of E = E0 + b√(t − t0) (1 of 2 pulses)")


def test_step_time_by_column_mapping(tmp_path):
    from interstore.echem.readers import parse_column_mapping

    f = tmp_path / "own.csv"
    f.write_text("t (s),E (V),I (mA),Ns,tstep\n0,3.3,0,1,0\n10,3.4,1,2,0.5\n20,3.5,1,2,10.5\n")
    m = read_measurement(f, columns=parse_column_mapping("step=Ns,step_time=tstep@s"))
    assert m.data["step_time_s"].tolist() == [0.0, 0.5, 10.5]
