"""Every real instrument file in ``../shared/data`` (listed in its SOURCES.md, literature
exports aside) against an independent reference: the instrument's own capacity column,
NewareNDA, galvani, impedance.py's readers, pandas on the file, or the file's header.

A file listed here that is missing FAILS; the tests skip only when the whole
``../shared/data`` folder is absent (see ``tests/conftest.py``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from interstore.echem.capacity_check import check_capacity
from interstore.echem.galvanostatic import analyze_cycling
from interstore.echem.readers import read_impedance, read_measurement
from interstore.errors import InputError
from interstore.massbasis import ElectrodeMasses

ONE_MG = ElectrodeMasses(active_g=1e-3)

# Every file of ../shared/data/SOURCES.md (literature/ has its own tests); one test below each.
LISTED = {
    "biologic/cv.mpt", "biologic/cv.mpr", "biologic/cv.issue_149.mpt", "biologic/cv.issue_217.mpt",
    "biologic/cva.issue_202.mpt", "biologic/lsv.mpt", "biologic/gcpl.issue_211.mpt", "biologic/gcpl.issue_211.mpr",
    "biologic/gcpl.pr_182.1.mpt", "biologic/bcd.issue_241.mpt", "biologic/mb.issue_218.mpt",
    "biologic/cp.issue_149.mpt", "biologic/Sample_data_biologic_CA1.txt", "neware/test_2.ndax",
    "neware/TestFile.nda", "neware/2-1-6_61[07005012].nda",
    "neware/TESTCELL0001-B2-2025-M50T_NewareNDA_Investigation.ndax", "neware/neware_uio.csv",
    "csv/batmo_bdf.csv", "csv/sample_data_arbin.csv", "gamry/cv_data.dta", "gamry/chronoa_data.dta",
    "eis/peis.mpt", "eis/peis.issue_149.mpt", "eis/geis.mpt", "eis/exampleDataBioLogic.mpt",
    "eis/exampleDataCHInstruments.txt", "eis/exampleDataGamry.DTA", "eis/exampleData.csv",
}


@pytest.fixture()
def real(shared_data):
    """Path of a listed file; a missing one is a failure, not a skip."""

    def _path(name: str) -> Path:
        p = shared_data / name
        assert p.is_file(), f"{p} is listed in SOURCES.md but missing"
        return p

    return _path


def test_every_listed_file_is_tested(shared_data):
    listed = {m.group(1) for m in re.finditer(r"^\| (\S[^|]*?) \|", (shared_data / "SOURCES.md").read_text(), re.M)}
    listed = {n for n in listed if "/" in n}
    abbreviated = {n for n in listed if n.endswith("…")}
    assert {n for n in listed - abbreviated} <= LISTED
    assert all(any(f.startswith(a[:-1]) for f in LISTED) for a in abbreviated)
    on_disk = {str(p.relative_to(shared_data)) for p in shared_data.rglob("*")
               if p.is_file() and p.parts[-2] != "literature" and p.name != "SOURCES.md"
               and "literature" not in p.relative_to(shared_data).parts}
    assert on_disk == LISTED, on_disk ^ LISTED


# ---------------------------------------------------------------- independent references

def ec_lab_table(path: Path) -> pd.DataFrame:
    """An EC-Lab .mpt table read by pandas alone (header count from line 2)."""
    lines = path.read_text(encoding="latin-1").splitlines()
    n = int(re.search(r"\d+", lines[1]).group())
    decimal = "," if re.search(r"\d,\d", lines[n]) else "."
    return pd.read_csv(path, sep="\t", skiprows=n - 1, encoding="latin-1", decimal=decimal, index_col=False)


def newareNDA(path: Path) -> pd.DataFrame:
    import NewareNDA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return NewareNDA.read(str(path), log_level="CRITICAL")


def newareNDA_cycles(frame: pd.DataFrame) -> pd.DataFrame:
    """Charge and discharge capacity (mAh) per cycle as the cycler counted them: the sum over
    the cycle's steps of each step's final counter."""
    steps = frame.groupby(["Cycle", "Step"]).agg(charge=("Charge_Capacity(mAh)", lambda x: x.abs().max()),
                                                 discharge=("Discharge_Capacity(mAh)", lambda x: x.abs().max()))
    return steps.groupby("Cycle").sum()


def halves(path: Path, **kw) -> dict[int, tuple[float | None, float | None]]:
    """interstore's (charge, discharge) capacity in mAh per cycle."""
    a = analyze_cycling(read_measurement(path), ONE_MG, **kw)
    return {c.cycle: (c.charge.capacity_mAh if c.charge else None, c.discharge.capacity_mAh if c.discharge else None)
            for c in a.cycles}


# ---------------------------------------------------------------- Neware

def test_neware_nda_with_cumulative_time(real):
    """Bug 1: NewareNDA's Time of this .nda is already the test time; summing it again gave
    465 472 s and a 17 749 mAh charge (CE 32.7 %)."""
    path = real("neware/TestFile.nda")
    ref = newareNDA(path)
    m = read_measurement(path)
    assert len(m.data) == len(ref) == 6670
    assert m.time_s[-1] == pytest.approx(72373.26, abs=0.01) == ref["Time"].iloc[-1]
    a = analyze_cycling(m, ONE_MG)
    cyc = {c.cycle: c for c in a.cycles}
    cycler = newareNDA_cycles(ref)
    assert cycler.loc[2, "charge"] == pytest.approx(5811.0, abs=0.1)       # 5655.09 CC + 155.94 CV
    assert cyc[2].charge.capacity_mAh == pytest.approx(cycler.loc[2, "charge"], rel=1e-3)
    assert cyc[2].discharge.capacity_mAh == pytest.approx(cycler.loc[2, "discharge"], rel=1e-3)
    assert cyc[2].coulombic_efficiency_pct == pytest.approx(99.92, abs=0.02)
    assert a.capacity_check.ok and len(a.capacity_check.blocks) == 6


def test_neware_ndax_54_cycles_match_newareNDA_and_last_is_unfinished(real):
    path = real("neware/test_2.ndax")
    ref = newareNDA(path)
    m = read_measurement(path)
    assert len(m.data) == 108563 and len(set(m.cycle)) == 54
    span = (ref["Timestamp"].iloc[-1] - ref["Timestamp"].iloc[0]).total_seconds()
    assert m.time_s[-1] - m.time_s[0] == pytest.approx(span, abs=2.0)     # 93 208 s from the timestamps
    cycler = newareNDA_cycles(ref)
    a = analyze_cycling(m, ONE_MG)
    assert len(a.cycles) == 54
    # cycles 6-9 are 2-4 s steps at 3.2 mA logged every 0.1 s: the cycler's counter already
    # holds 0.3 s of charge (0.26 µAh) at the step's second record, which ∫I dt of the logged
    # points cannot see (2-14 % of those tiny steps); the capacity check names exactly these
    off = {b.cycle for b in a.capacity_check.disagreeing}
    assert off == {6, 7, 8, 9} and a.capacity_check.worst.relative_difference == pytest.approx(-0.143, abs=0.002)
    for c in a.cycles[:-1]:
        rel = 0.15 if c.cycle in off else 0.01
        assert c.charge.capacity_mAh == pytest.approx(cycler.loc[c.cycle, "charge"], rel=rel), c.cycle
        assert c.discharge.capacity_mAh == pytest.approx(cycler.loc[c.cycle, "discharge"], rel=rel), c.cycle
        if c.cycle not in off:
            ce = 100 * cycler.loc[c.cycle, "discharge"] / cycler.loc[c.cycle, "charge"]
            assert c.coulombic_efficiency_pct == pytest.approx(ce, abs=0.5), c.cycle
    last = a.cycles[-1]  # the record stops 41 s into cycle 54's discharge (7.9 % 'CE' before)
    assert not last.complete and np.isnan(last.coulombic_efficiency_pct)
    assert any("cycle 54 is unfinished" in w for w in a.warnings)


def test_neware_ndax_ampere_hour_cell(real):
    path = real("neware/TESTCELL0001-B2-2025-M50T_NewareNDA_Investigation.ndax")
    ref = newareNDA(path)
    cycler = newareNDA_cycles(ref)
    got = halves(path)
    assert len(ref) == 77745 and len(got) == 8
    for cycle in range(2, 9):
        charge, discharge = got[cycle]
        assert charge == pytest.approx(cycler.loc[cycle, "charge"], rel=1e-3)
        assert discharge == pytest.approx(cycler.loc[cycle, "discharge"], rel=1e-3)
        assert 4700 < discharge < 4740 and 99.0 < 100 * discharge / charge <= 100.0


def test_neware_pulse_file_is_flagged_not_trusted(real):
    """Bug 6: 15 567 records of −1.7 A / −0.1 A pulses logged too sparsely to integrate:
    ∫|I|dt gives 900 mAh ('900 Ah/g' for 1 mg) where the cycler counted 299.86 mAh."""
    path = real("neware/2-1-6_61[07005012].nda")
    ref = newareNDA(path)
    assert abs(ref["Discharge_Capacity(mAh)"].iloc[-1]) == pytest.approx(299.86, abs=0.01)
    a = analyze_cycling(read_measurement(path), ONE_MG)
    check = a.capacity_check
    assert not check.ok and check.worst.instrument_mAh == pytest.approx(299.82, abs=0.01)
    assert check.worst.integrated_mAh == pytest.approx(900.3, rel=1e-3)
    assert any("900.287 mAh vs instrument 299.823 mAh" in w for w in a.warnings)
    assert a.to_dict()["capacity_check"]["ok"] is False


def test_neware_csv_export_cumulative_time_and_file_capacity(real):
    """Bug 5: 'Time' is the step time, 'Cumulative Time' the test time; a file cycle holding
    two discharge-charge pairs (a rate loop) is split."""
    path = real("neware/neware_uio.csv")
    table = pd.read_csv(path)
    m = read_measurement(path)
    end = pd.to_timedelta(table["Cumulative Time"].iloc[-1]).total_seconds()
    assert m.time_s[-1] == end == 518538.0
    check = check_capacity(m)
    assert check.ok and len(check.blocks) == 16
    a = analyze_cycling(m, ONE_MG, ce_convention="charge/discharge")
    per_step = table.groupby([(table["Step Index"] != table["Step Index"].shift()).cumsum()]).agg(
        cycle=("Cycle Index", "first"), kind=("Step Type", "first"), q=("Capacity(Ah)", "max"))
    first_discharge = 1e3 * per_step[(per_step.cycle == 1) & (per_step.kind == "CC DChg")].q.sum()
    assert a.cycles[0].discharge.capacity_mAh == pytest.approx(first_discharge, rel=0.01)   # 5.086 mAh
    assert a.cycles[0].charge.capacity_mAh == pytest.approx(4.249, rel=0.01)
    assert [c.cycle for c in a.cycles] == [1, 2, 3, 4, 5] and not a.cycles[-1].complete
    assert a.cycles[3].discharge.capacity_mAh == pytest.approx(3.642, rel=0.01)   # step 11 of file cycle 3


# ---------------------------------------------------------------- BioLogic cycling

def test_gcpl_mpr_without_current_column(real):
    """Bug 2: galvani gives no I/mA for this binary; ⟨I⟩ = 3600·dq/Δt equals the .mpt's <I>/mA."""
    from galvani.BioLogic import MPRfile

    mpr, mpt = real("biologic/gcpl.issue_211.mpr"), real("biologic/gcpl.issue_211.mpt")
    fields = MPRfile(str(mpr)).data.dtype.names
    assert "I/mA" not in fields and "dq/mA.h" in fields
    a, b = read_measurement(mpr), read_measurement(mpt)
    table = ec_lab_table(mpt)
    assert np.allclose(a.current_A, table["<I>/mA"].to_numpy() * 1e-3, rtol=1e-9, atol=1e-15)
    assert np.array_equal(a.cycle, b.cycle) and np.allclose(a.time_s, b.time_s)
    from_mpr, from_mpt = halves(mpr), halves(mpt)
    assert from_mpr.keys() == from_mpt.keys()
    assert all(from_mpr[c] == pytest.approx(from_mpt[c], rel=1e-9) for c in from_mpr)


def test_gcpl_mpt_matches_ec_lab_q_column(real):
    path = real("biologic/gcpl.issue_211.mpt")
    table = ec_lab_table(path)
    q = table.groupby("half cycle")["Q charge/discharge/mA.h"].agg(lambda x: x.abs().max()).to_numpy()
    got = halves(path)
    assert len(table) == 2767 and len(got) == 5
    mine = np.array([v for c in sorted(got) for v in got[c]])
    assert np.allclose(mine, q, rtol=0.01)                     # 0.0575, 0.0534, 0.0538 … mAh
    assert check_capacity(read_measurement(path)).ok


def test_gcpl_three_line_header_file(real):
    path = real("biologic/gcpl.pr_182.1.mpt")
    table = ec_lab_table(path)
    q = table.groupby("half cycle").agg(cycle=("cycle number", "first"),
                                        q=("Q charge/discharge/mA.h", lambda x: x.abs().max()))
    got = halves(path)
    assert len(table) == 2533 and sorted(got) == [1, 2, 3, 4, 5]
    assert got[1][1] == pytest.approx(q.q[0], rel=0.01)          # first discharge 3.252 mAh
    assert got[3] == pytest.approx((q.q[4], q.q[5]), rel=0.01)   # 2.093 / 2.120 mAh
    assert got[4] == pytest.approx((q.q[6], q.q[7]), rel=0.01)
    assert check_capacity(read_measurement(path)).ok


def test_battery_capacity_determination(real):
    path = real("biologic/bcd.issue_241.mpt")
    table = ec_lab_table(path)
    q = table.groupby("half cycle")["Q charge/discharge/mA.h"].agg(lambda x: x.abs().max())
    got = halves(path)
    assert got[1][1] == pytest.approx(q.iloc[0], rel=0.01) == pytest.approx(5.4646, abs=1e-3)
    assert got[2][0] == pytest.approx(q.iloc[1], rel=0.01) == pytest.approx(5.4521, abs=1e-3)


@pytest.mark.parametrize("name, rows, current_mA", [
    ("biologic/mb.issue_218.mpt", 3564, (-0.115, 0.0)),
    ("biologic/Sample_data_biologic_CA1.txt", 1397, (-900.1, 0.0)),
])
def test_modulo_bat_files(real, name, rows, current_mA):
    path = real(name)
    table = ec_lab_table(path)
    m = read_measurement(path)
    current = next(c for c in ("I/mA", "<I>/mA") if c in table)
    assert len(m.data) == len(table) == rows
    assert np.allclose(m.current_A, table[current].to_numpy() * 1e-3)
    assert 1e3 * m.current_A.min() == pytest.approx(current_mA[0], abs=0.01 * abs(current_mA[0]))
    assert 1e3 * m.current_A.max() == pytest.approx(current_mA[1], abs=1e-6)
    assert check_capacity(m).ok


def test_averaged_potential_header(real):
    """Bug 3: '<Ewe/V>' (the whole header in angle brackets) was 'unknown potential unit V>'."""
    path = real("biologic/cp.issue_149.mpt")
    table = ec_lab_table(path)
    m = read_measurement(path)
    assert np.allclose(m.potential_V, table["<Ewe/V>"].to_numpy())
    assert 3.42 < m.potential_V.min() < m.potential_V.max() < 3.45
    assert np.allclose(m.current_A, 2.0e-5, rtol=1e-3) and m.technique == "Chronopotentiometry"
    # four 10-s pulses with 190-s unrecorded gaps: the current logged on both sides of a gap
    # would put 1.06 µAh into each gap that EC-Lab's counter never saw; the check says so
    check = check_capacity(m)
    assert not check.ok and check.worst.first_row == 0
    assert check.worst.integrated_mAh == pytest.approx(1.114e-3, rel=0.01)


# ---------------------------------------------------------------- BioLogic voltammetry

@pytest.mark.parametrize("name, rows, cycles, rate_mV_s, window_V", [
    ("biologic/cv.mpt", 5103, 2, 0.1, (1.50, 5.50)),
    ("biologic/cv.issue_149.mpt", 5930, 3, 50.0, (-0.50, 0.50)),
    ("biologic/cv.issue_217.mpt", 9353, 11, 50.0, (0.285, 0.715)),
    ("biologic/cva.issue_202.mpt", 455, 1, 50_000.0, (-5.01, 2.87)),
    ("biologic/lsv.mpt", 1186, 1, 20.0, (-4.00, -0.062)),
])
def test_voltammetry_files(real, name, rows, cycles, rate_mV_s, window_V):
    path = real(name)
    table = ec_lab_table(path)
    m = read_measurement(path)
    assert len(m.data) == len(table) == rows and len(set(m.cycle)) == cycles
    assert m.scan_rate_mV_s == pytest.approx(rate_mV_s)
    assert np.allclose(m.potential_V, table["Ewe/V"].to_numpy())
    assert np.allclose(m.current_A, table["<I>/mA"].to_numpy() * 1e-3)
    assert m.potential_V.min() == pytest.approx(window_V[0], abs=0.01)
    assert m.potential_V.max() == pytest.approx(window_V[1], abs=0.01)


def test_cv_mpr_equals_its_mpt_and_states_the_sampling_problem(real):
    """galvani's binary and EC-Lab's text export of one run agree value for value; no
    .mpl beside the binary, so its scan rate is not recorded.  The logged current of
    this CV (gas evolution up to 5.5 V, rows 10-233 s apart) integrates 4 % below
    EC-Lab's own (Q-Qo): the check says so."""
    mpr, mpt = read_measurement(real("biologic/cv.mpr")), read_measurement(real("biologic/cv.mpt"))
    assert np.allclose(mpr.time_s, mpt.time_s) and np.allclose(mpr.current_A, mpt.current_A, atol=1e-12)
    assert mpr.scan_rate_mV_s is None and mpt.scan_rate_mV_s == pytest.approx(0.1)
    check = check_capacity(mpt)
    assert not check.ok and check.worst.relative_difference == pytest.approx(-0.0404, abs=0.001)


# ---------------------------------------------------------------- other cyclers

def test_battery_data_format_csv(real):
    path = real("csv/batmo_bdf.csv")
    table = pd.read_csv(path)
    m = read_measurement(path)
    assert len(m.data) == len(table) == 21206
    assert len(set(m.cycle)) == table["Cycle Count / 1"].nunique() == 109
    assert m.time_s[-1] == pytest.approx(3600 * table["Test Time / h"].iloc[-1])
    # BDF counts discharge as positive current; interstore negates it and says so
    assert np.allclose(m.current_A, -table["Current / A"].to_numpy()) and "current_sign" in m.extra
    check = check_capacity(m)
    assert check.ok and len(check.blocks) > 200
    got = halves(path)
    steps = table.groupby("Cycle Count / 1").agg(ch=("Charge Capacity / Ah", "max"),
                                                 dis=("Discharge Capacity / Ah", "max"))
    # file cycle 1 is discharge, charge, discharge: split in two, so file cycle k is cycle k + 1
    assert got[3] == pytest.approx((1e3 * steps.loc[2, "ch"], 1e3 * steps.loc[2, "dis"]), rel=0.01)  # 155.2 mAh


def test_arbin_csv_export(real):
    path = real("csv/sample_data_arbin.csv")
    table = pd.read_csv(path, encoding="utf-8-sig")
    m = read_measurement(path)
    assert len(m.data) == 13 and m.time_s[-1] == pytest.approx(table["Test Time (s)"].iloc[-1])
    assert np.allclose(m.current_A, table["Current (A)"].to_numpy()) and "current_sign" not in m.extra
    assert m.instrument == "arbin"      # read by the Arbin reader: net capacity = charge − discharge counters
    net = table["Charge Capacity (Ah)"] - table["Discharge Capacity (Ah)"]
    assert np.allclose(m.data["capacity_mAh"], 1e3 * net.to_numpy())


@pytest.mark.parametrize("name, rows, rate, technique", [
    ("gamry/cv_data.dta", 50, 1.23456, "CV"),
    ("gamry/chronoa_data.dta", 10, None, "CHRONOA"),
])
def test_gamry_dta(real, name, rows, rate, technique):
    path = real(name)
    header = path.read_text(encoding="latin-1")
    m = read_measurement(path)
    assert len(m.data) == rows and m.technique == technique
    assert m.scan_rate_mV_s == (None if rate is None else pytest.approx(rate))
    if rate is not None:
        assert re.search(r"SCANRATE\tQUANT\t1[.,]23456", header)


# ---------------------------------------------------------------- impedance

@pytest.mark.parametrize("name, instrument, points", [
    ("eis/peis.mpt", "biologic", 32),
    ("eis/exampleDataBioLogic.mpt", "biologic", 43),
    ("eis/exampleDataCHInstruments.txt", "chinstruments", 73),
    ("eis/exampleDataGamry.DTA", "gamry", 72),
    ("eis/exampleData.csv", None, 66),
])
def test_spectra_equal_impedance_py(real, name, instrument, points):
    """impedance.py's own readers give the same frequencies and Z (headerless CSV included)."""
    from impedance.preprocessing import readFile

    path = real(name)
    f, z = readFile(str(path), instrument=instrument)
    s = read_impedance(path)
    assert len(s.frequency_Hz) == len(f) == points
    assert np.allclose(s.frequency_Hz, f) and np.allclose(s.z_complex_ohm, z)


def test_geis_time_domain_rows_dropped_and_counted(real):
    """Bug 4: 29 rows at f = 0 Hz refused the whole file; now dropped and counted."""
    path = real("eis/geis.mpt")
    table = ec_lab_table(path)
    zero = int((table["freq/Hz"] == 0).sum())
    assert zero == 29
    with pytest.raises(InputError, match="frequency sweeps, no sweep chosen"):
        read_impedance(path)
    s = read_impedance(path, spectrum=1)
    assert s.zero_frequency_rows_dropped == zero and np.all(s.frequency_Hz > 0)
    first = table[table["freq/Hz"] > 0].iloc[: len(s.frequency_Hz)]
    assert np.allclose(s.z_real_ohm, first["Re(Z)/Ohm"]) and np.allclose(s.z_imag_ohm, -first["-Im(Z)/Ohm"])


def test_peis_four_sweeps(real):
    from impedance.preprocessing import readFile

    path = real("eis/peis.issue_149.mpt")
    f, z = readFile(str(path), instrument="biologic")
    sweeps = [read_impedance(path, spectrum=k) for k in (1, 2, 3, 4)]
    assert [len(s.frequency_Hz) for s in sweeps] == [21] * 4 and len(f) == 84
    assert np.allclose(np.concatenate([s.z_complex_ohm for s in sweeps]), z)


# ---------------------------------------------------------------- the CLI on real files

def test_cli_read_reports_the_capacity_check(real, run_cli, tmp_path):
    import json

    code, out, err = run_cli("read", real("neware/TestFile.nda"), "--json", tmp_path / "r.json")
    assert code == 0 and "agrees (6 step(s) compared" in out
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["duration_s"] == pytest.approx(72373.25, abs=0.01) and r["capacity_check"]["ok"] is True
    code, out, err = run_cli("gcd", "analyze", real("neware/2-1-6_61[07005012].nda"), "--mass-mg", "1",
                             "--json", tmp_path / "g.json")
    assert code == 0 and "disagrees with the instrument's own capacity column" in err   # a warning: stderr
    assert json.loads((tmp_path / "g.json").read_text())["capacity_check"]["blocks_disagreeing"] == 1


def test_cli_multi_sweep_file_without_spectrum_is_one_line_exit_2(real, run_cli):
    code, out, err = run_cli("read", real("eis/geis.mpt"), "--impedance")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--spectrum N" in err


# ---------------------------------------------------------------- capacity from the instrument's counter

@pytest.mark.parametrize("name", ["neware/2-1-6_61[07005012].nda", "neware/test_2.ndax", "neware/TestFile.nda"])
def test_capacity_from_the_cyclers_counter_equals_newareNDA(real, name):
    """--capacity-from instrument: where the logging does not resolve the current (pulses,
    2-s steps) the half-cycle capacities are the cycler's own, equal to NewareNDA's."""
    path = real(name)
    cycler = newareNDA_cycles(newareNDA(path))
    a = analyze_cycling(read_measurement(path), ONE_MG, capacity_from="instrument")
    assert a.settings["capacity_from"] == "instrument"
    compared = 0
    for c in (c for c in a.cycles if c.complete):
        for half, kind in ((c.charge, "charge"), (c.discharge, "discharge")):
            if half is not None:
                assert half.capacity_mAh == pytest.approx(cycler.loc[c.cycle, kind], rel=1e-3), (c.cycle, kind)
                compared += 1
    assert compared >= 1


def test_capacity_from_the_counter_of_an_ec_lab_file(real):
    path = real("biologic/gcpl.issue_211.mpt")
    q = ec_lab_table(path).groupby("half cycle")["Q charge/discharge/mA.h"].agg(lambda x: x.abs().max()).to_numpy()
    a = analyze_cycling(read_measurement(path), ONE_MG, capacity_from="instrument")
    mine = np.array([h.capacity_mAh for c in a.cycles for h in (c.charge, c.discharge)])
    assert np.allclose(mine, q, rtol=1e-3)


def test_capacity_from_the_counter_needs_one(real, run_cli, tmp_path):
    import json

    with pytest.raises(InputError, match="cv_data.dta: no capacity column of the instrument's own"):
        analyze_cycling(read_measurement(real("gamry/cv_data.dta")), ONE_MG, capacity_from="instrument")
    code, out, err = run_cli("gcd", "analyze", real("neware/2-1-6_61[07005012].nda"), "--mass-mg", "1",
                             "--capacity-from", "instrument", "--json", tmp_path / "g.json")
    first = json.loads((tmp_path / "g.json").read_text())["cycles"][0]
    assert code == 0 and first["discharge_capacity_mAh_g"]["active"] == pytest.approx(299_823, rel=1e-4)
    code, out, err = run_cli("gcd", "analyze", real("neware/TestFile.nda"), "--mass-mg", "1",
                             "--capacity-from", "counter")
    assert code == 2 and "--capacity-from" in err and "integrated | instrument" in err
