"""Readers against small realistic exports in tests/echem/data (header layouts of real
EC-Lab / Neware-BTS / ZView files) and analytic expectations for their contents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interstore.echem.readers import detect_instrument, parse_column_mapping, read_impedance, read_measurement
from interstore.echem.readers.units import split_header, unit_factor
from interstore.errors import InputError

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("header, name, unit", [
    ("Ewe/V", "Ewe", "V"), ("<I>/mA", "<I>", "mA"), ("-Im(Z)/Ohm", "-Im(Z)", "Ohm"),
    ("Current (µA)", "Current", "µA"), ("Time [h]", "Time", "h"), ("Voltage(V)", "Voltage", "V"),
    ("Q charge/discharge/mA.h", "Q charge/discharge", "mA.h"), ("time_s", "time", "s"),
    ("current_mA", "current", "mA"), ("cycle number", "cycle number", None), ("cycle_index", "cycle_index", None),
    ("Re(Z)", "Re(Z)", None), ("Current (furlongs)", "Current", "furlongs"),
    ("Potential (V vs. Zn/Zn2+)", "Potential", "V"), ("Ewe/V vs. Zn", "Ewe", "V"), ("E [mV vs Ag/AgCl]", "E", "mV"),
])
def test_split_header(header, name, unit):
    assert split_header(header) == (name, unit)


@pytest.mark.parametrize("quantity, unit, factor", [
    ("time", "s", 1.0), ("time", "min", 60.0), ("time", "h", 3600.0), ("time", "d", 86400.0),
    ("potential", "V", 1.0), ("potential", "mV", 1e-3),
    ("current", "A", 1.0), ("current", "mA", 1e-3), ("current", "µA", 1e-6), ("current", "μA", 1e-6),
    ("current", "uA", 1e-6), ("capacity", "Ah", 1e3), ("capacity", "mA.h", 1.0), ("capacity", "mAh", 1.0),
    ("capacity", "C", 1 / 3.6), ("frequency", "kHz", 1e3), ("impedance", "ohm", 1.0), ("impedance", "Ω", 1.0),
    ("impedance", "kOhm", 1e3),
])
def test_unit_factor(quantity, unit, factor):
    assert unit_factor(quantity, unit, source="f.csv", header="h") == pytest.approx(factor)


@pytest.mark.parametrize("quantity, unit", [("current", "furlongs"), ("current", "V"), ("time", None),
                                            ("frequency", "mhz")])
def test_unit_factor_rejects(quantity, unit):
    with pytest.raises(InputError, match="f.csv"):
        unit_factor(quantity, unit, source="f.csv", header="h")


def test_parse_column_mapping():
    assert parse_column_mapping("time=Time (h), potential=Ewe/V,current=<I>/mA") == {
        "time": "Time (h)", "potential": "Ewe/V", "current": "<I>/mA"}
    assert parse_column_mapping("time=t@min") == {"time": "t@min"}
    assert parse_column_mapping('"time=Time, s", potential=E/V') == {"time": "Time, s", "potential": "E/V"}
    for bad in ("", "time", "speed=v", "time=a,time=b", "time=", '"time=a'):
        with pytest.raises(InputError, match="--columns"):
            parse_column_mapping(bad)


def test_biologic_cv_mpt_decimal_comma_and_scan_rate():
    m = read_measurement(DATA / "biologic_cv_10mVs.mpt")
    assert m.instrument == "biologic" and m.technique == "Cyclic Voltammetry"
    assert m.scan_rate_mV_s == pytest.approx(10.0)
    assert m.extra["characteristic_mass_g"] == pytest.approx(1.2e-3) and m.active_mass_g is None
    assert len(m.data) == 113
    # the file's own time and potential agree with its dE/dt: |dE/dt| = 10 mV/s
    rate = np.abs(np.diff(m.data["potential_V"].to_numpy()[:20] * 1e3) / np.diff(m.time_s[:20]))
    assert np.allclose(rate, 10.0, rtol=0.01)
    assert m.potential_V.min() == pytest.approx(0.2, abs=2e-3) and m.potential_V.max() == pytest.approx(1.6, abs=2e-3)
    # <I>/mA → A; EC-Lab cycle number 0, 1 → 1, 2
    assert np.abs(m.current_A).max() == pytest.approx(3.5e-4, rel=0.05)
    assert sorted(set(m.cycle)) == [1, 2]
    # (Q-Qo)/C → mAh: charge is the time integral of current
    q_mAh = np.concatenate([[0], np.cumsum(0.5 * (m.current_A[1:] + m.current_A[:-1]) * np.diff(m.time_s))]) / 3.6
    assert np.allclose(m.data["capacity_mAh"], q_mAh, atol=1e-9)


def test_bt_lab_modulo_bat_mpt(tmp_path):
    """BT-Lab (battery cycler) export: other magic line, padded header count, Ecell/V."""
    f = tmp_path / "modulo.txt"
    f.write_text("BT-Lab ASCII FILE\nNb header lines : 5                          \n\nModulo Bat\n"
                 "mode\ttime/s\tEcell/V\tI/mA\tcycle number\tNs\n"
                 "1\t0\t1,20\t-0,5\t0\t0\n1\t10\t1,10\t-0,5\t0\t0\n1\t20\t1,40\t0,5\t1\t1\n", encoding="latin-1")
    m = read_measurement(f)
    assert (m.instrument, m.technique) == ("biologic", "Modulo Bat")
    assert m.potential_V.tolist() == [1.2, 1.1, 1.4] and m.cycle.tolist() == [1, 1, 2]


def test_biologic_gcpl_mpt_steps_cycles_capacity():
    m = read_measurement(DATA / "biologic_gcpl.mpt", active_mass_g=0.001)
    assert m.active_mass_g == 0.001 and m.scan_rate_mV_s is None
    assert set(m.step) == {0, 1, 2} and sorted(set(m.cycle)) == [1, 2]
    discharge = m.step == 1
    assert np.allclose(m.current_A[discharge], -1e-4) and np.allclose(m.current_A[m.step == 2], 1e-4)
    # 0.1 mA for 600 s = 0.01667 mAh per half cycle (Q charge/discharge/mA.h)
    assert m.data["capacity_mAh"].iloc[-1] == pytest.approx(0.1 * 600 / 3600, rel=1e-6)


def test_csv_units_in_parentheses_total_time_preferred():
    m = read_measurement(DATA / "neware_export.csv")
    assert m.instrument == "csv"
    # 'Total Time(h)' is chosen over the per-step 'Time(h:min:s.ms)' and converted to s
    assert m.time_s[1] == pytest.approx(360.0) and np.all(np.diff(m.time_s) > 0)
    assert m.current_A[0] == pytest.approx(-1e-4) and sorted(set(m.cycle)) == [1, 2]
    assert list(np.unique(m.step)) == [1, 2, 3, 4]


def test_arbin_style_csv(tmp_path):
    """Arbin MITS CSV layout: underscores, units glued in brackets, step time beside test time."""
    f = tmp_path / "arbin.csv"
    f.write_text("Data_Point,Date_Time,Test_Time(s),Step_Time(s),Cycle_Index,Step_Index,Current(A),Voltage(V),"
                 "Charge_Capacity(Ah),Discharge_Capacity(Ah)\n"
                 "1,03/14/2025 10:00:00,0.0,0.0,1,1,-0.0002,1.30,0,0\n"
                 "2,03/14/2025 10:01:00,60.0,60.0,1,1,-0.0002,1.10,0,3.3e-6\n"
                 "3,03/14/2025 10:02:00,120.0,0.0,1,2,0.0002,0.60,0,0\n")
    m = read_measurement(f)
    assert m.time_s.tolist() == [0, 60, 120] and m.step.tolist() == [1, 1, 2]
    assert m.current_A.tolist() == pytest.approx([-2e-4, -2e-4, 2e-4]) and m.instrument == "arbin"
    assert m.data["capacity_mAh"].tolist() == pytest.approx([0, -3.3e-3, 0])  # (charge − discharge) Ah → mAh


def test_csv_column_mapping_with_unit_override(tmp_path):
    f = tmp_path / "hand.csv"
    f.write_text("t,E,I\n0,1.0,2\n1,1.1,2\n2,1.2,-2\n")
    m = read_measurement(f, columns=parse_column_mapping("time=t@min,potential=E@V,current=I@uA"))
    assert m.time_s.tolist() == [0.0, 60.0, 120.0]
    assert m.current_A.tolist() == pytest.approx([2e-6, 2e-6, -2e-6])


def test_optional_column_in_other_units_is_left_out(tmp_path):
    f = tmp_path / "spec.csv"
    f.write_text("time (s),voltage (V),current (mA),capacity (mAh/g)\n0,1.0,1,0\n1,1.1,1,2.8\n")
    m = read_measurement(f)
    assert "capacity_mAh" not in m.data.columns and m.current_A.tolist() == [1e-3, 1e-3]
    with pytest.raises(InputError, match="unknown capacity unit 'mAh/g'"):   # asked for explicitly: an error
        read_measurement(f, columns={"capacity": "capacity (mAh/g)"})


def test_optional_column_of_words_is_left_out(tmp_path):
    f = tmp_path / "words.csv"
    f.write_text("Time (s),Voltage (V),Current (mA),Step,Cycle\n"
                 "0,1.0,1,CC_Chg,1\n1,1.1,1,CC_Chg,1\n2,1.2,-1,CC_DChg,x\n")
    with pytest.raises(InputError, match=r"words.csv: line 4: non-numeric value 'x' in column 'Cycle'"):
        read_measurement(f)                   # a numeric cycle column with a bad cell stays an error
    f.write_text(f.read_text().replace(",x\n", ",2\n"))
    m = read_measurement(f)
    assert m.step.tolist() == [1, 1, 1] and m.cycle.tolist() == [1, 1, 2]
    f.write_text("Time (s),Voltage (V),Current (mA),Step\n0,1.0,1,\n1,1.1,1,rest\n")   # empty first cell
    assert read_measurement(f).step.tolist() == [1, 1]


def test_csv_without_units_asks_for_them(tmp_path):
    f = tmp_path / "nounits.csv"
    f.write_text("time,potential,current\n0,1,2\n1,1,2\n")
    with pytest.raises(InputError, match=r"nounits.csv: no unit in column header 'time'"):
        read_measurement(f)


def test_biologic_peis_mpt_matches_randles_circuit():
    s = read_impedance(DATA / "biologic_peis.mpt")
    z = 5.0 + 50.0 / (1 + 1j * 2 * np.pi * s.frequency_Hz * 50.0 * 20e-6)
    # -Im(Z)/Ohm is flipped back: capacitive arc has negative imaginary part
    assert np.all(s.z_imag_ohm < 0)
    assert np.allclose(s.z_complex_ohm, z, rtol=1e-5)


def test_impedance_csv_semicolon_decimal_comma_minus_z2():
    s = read_impedance(DATA / "eis_semicolon.csv")
    ref = read_impedance(DATA / "biologic_peis.mpt")
    assert np.allclose(s.z_complex_ohm, ref.z_complex_ohm, rtol=1e-5)


@pytest.mark.parametrize("name, instrument", [("biologic_cv_10mVs.mpt", "biologic"), ("neware_export.csv", "csv")])
def test_detect_instrument(name, instrument):
    assert detect_instrument(DATA / name) == instrument


def test_csv_units_row_under_header(tmp_path):
    f = tmp_path / "origin.csv"
    f.write_text("Time,Potential,Current,Cycle\ns,mV,µA,#\n0,1200,50,1\n30,1250,50,1\n60,1300,-50,2\n")
    m = read_measurement(f)
    assert m.time_s.tolist() == [0, 30, 60] and m.potential_V.tolist() == pytest.approx([1.2, 1.25, 1.3])
    assert m.current_A.tolist() == pytest.approx([5e-5, 5e-5, -5e-5]) and m.cycle.tolist() == [1, 1, 2]


def test_neware_bts_record_export_unitless_clock_total_time(tmp_path):
    """BTS 'record' layer: 'Total Time' has no unit but clock cells; Current(A), Capacity(Ah)."""
    f = tmp_path / "bts.csv"
    f.write_text("DataPoint,Cycle Index,Step Index,Step Type,Time,Total Time,Current(A),Voltage(V),Capacity(Ah),"
                 "Spec. Cap.(mAh/g),Date\n"
                 "1,1,1,CC DChg,0:00:00,0:00:00,-0.0001,1.2000,0.000000,0.0,2025-03-14 10:00:00\n"
                 "2,1,1,CC DChg,0:10:00,0:10:00,-0.0001,0.9000,0.000017,16.7,2025-03-14 10:10:00\n"
                 "3,1,2,CC Chg,0:00:00,24:10:01,0.0001,0.9500,0.000000,0.0,2025-03-15 10:10:01\n")
    m = read_measurement(f)
    assert m.time_s.tolist() == [0.0, 600.0, 87001.0]
    assert m.current_A.tolist() == pytest.approx([-1e-4, -1e-4, 1e-4])
    assert m.data["capacity_mAh"].tolist() == pytest.approx([0.0, 0.017, 0.0]) and m.step.tolist() == [1, 1, 2]


def test_csv_clock_time_column(tmp_path):
    """Neware-style 'Total Time(h:min:s.ms)' cells such as 1:02:03.500 become seconds."""
    f = tmp_path / "clock.csv"
    f.write_text("Total Time(h:min:s.ms),Voltage(V),Current(mA)\n0:00:00.000,1.0,1\n1:02:03.500,1.1,1\n"
                 "24:00:01.000,1.2,1\n")
    m = read_measurement(f)
    assert m.time_s.tolist() == pytest.approx([0.0, 3723.5, 86401.0])
    f.write_text("Total Time(h:min:s.ms),Voltage(V),Current(mA)\n0:00:00.000,1.0,1\n1:02:xx,1.1,1\n")
    with pytest.raises(InputError, match=r"clock.csv: line 3: non-numeric value '1:02:xx'"):
        read_measurement(f)


def test_impedance_file_with_two_sweeps(tmp_path):
    lines = (DATA / "eis_semicolon.csv").read_text().splitlines()
    f = tmp_path / "two.csv"
    f.write_text("\n".join(lines + lines[2:]) + "\n")    # the same 25-point sweep written twice
    with pytest.raises(InputError, match=r"two.csv: the file holds 2 frequency sweeps, no sweep chosen"):
        read_impedance(f)
    second = read_impedance(f, spectrum=2)
    assert len(second.frequency_Hz) == 25 and second.frequency_Hz[0] == pytest.approx(1e5)
    with pytest.raises(InputError, match="sweep 3 asked for"):
        read_impedance(f, spectrum=3)


@pytest.mark.parametrize("freq, bounds", [
    ([1e5, 1e4, 1e3, 1e5, 1e4], [(0, 3), (3, 5)]),
    ([0.1, 1, 10, 0.1, 1], [(0, 3), (3, 5)]),
    ([1e5, 1e4, 1e3], [(0, 3)]),
])
def test_sweep_bounds(freq, bounds):
    from interstore.echem.readers.sweeps import sweep_bounds

    assert sweep_bounds(np.array(freq)) == bounds


@pytest.mark.parametrize("raw", [
    "\ufefftime/s,Ewe/V,<I>/µA\r\n0,1.0,5\r\n1,1.1,5\r\n2,1.2,-5\r\n",      # UTF-8 BOM, CRLF, µ in a header
    "time/s,Ewe/V,<I>/µA\n0,1.0,5\n1,1.1,5\n2,1.2,-5",                       # no final newline
    "time/s,Ewe/V,<I>/µA\n0,1.0,5\n1,1.1,5\n2,1.2,-5\n\n  \n\n",             # trailing blank lines
])
def test_csv_line_endings_and_encodings(tmp_path, raw):
    f = tmp_path / "ends.csv"
    f.write_bytes(raw.encode("utf-8"))
    m = read_measurement(f)
    assert m.time_s.tolist() == [0, 1, 2] and m.current_A.tolist() == pytest.approx([5e-6, 5e-6, -5e-6])
    f.write_bytes(raw.replace("\ufeff", "").encode("latin-1"))   # the same file as EC-Lab would encode it
    assert read_measurement(f).current_A.tolist() == pytest.approx([5e-6, 5e-6, -5e-6])


def test_impedance_from_modulus_and_phase(tmp_path):
    """Exports with |Z| and phase only (Zahner/PalmSens style): Z = |Z|·e^{jφ}; '-Phase' flips."""
    ref = read_impedance(DATA / "biologic_peis.mpt")
    z = ref.z_complex_ohm
    f = tmp_path / "polar.csv"
    rows = "\n".join(f"{fr:.8g},{abs(v):.8g},{-np.degrees(np.angle(v)):.8g}" for fr, v in zip(ref.frequency_Hz, z))
    f.write_text("Frequency (Hz),|Z| (Ohm),-Phase (°)\n" + rows + "\n")
    s = read_impedance(f)
    assert np.allclose(s.z_complex_ohm, z, rtol=1e-6) and np.all(s.z_imag_ohm < 0)
    f.write_text("Frequency (Hz),|Z| (Ohm),Phase (rad)\n" + "\n".join(
        f"{fr:.8g},{abs(v):.8g},{np.angle(v):.10g}" for fr, v in zip(ref.frequency_Hz, z)) + "\n")
    assert np.allclose(read_impedance(f).z_complex_ohm, z, rtol=1e-6)
    f.write_text("Frequency (Hz),|Z| (Ohm),Temperature (C)\n1,2,25\n2,3,25\n3,4,25\n")
    with pytest.raises(InputError, match=r"polar.csv: no Z′ and Z″ \(nor \|Z\| and phase\) columns"):
        read_impedance(f)


def test_two_identically_headed_current_columns_are_ambiguous(tmp_path):
    path = tmp_path / "twin.csv"
    path.write_text("time/s,Ewe/V,I/mA,I/mA\n0,0.5,1,2\n1,0.6,1,2\n")
    with pytest.raises(InputError, match=r"twin\.csv: 2 columns are headed 'I/mA' \(columns 3, 4\)"):
        read_measurement(path)
