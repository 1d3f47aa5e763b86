"""Readers for the formats users bring: BaSyTec, Maccor, Novonix, Arbin (.res, CSV, .xlsx),
LAND/LANHE and Neware .xlsx, Autolab NOVA ASCII, ZPlot .z, VersaStudio .par, Ivium .idf.

Each test writes a small sample in the layout of a real public file (header lines,
separators, units, trailing separators and encodings as the instrument writes them; the
real files and the numbers verified on them are listed in docs/readers.md) and pins
values computed by hand from the rows written."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from interstore.echem.readers import (
    arbin, autolab, basytec, excel, ivium, landt, maccor, neware_xlsx, novonix, versastudio, zplot,
)
from interstore.errors import InputError

SNIFFERS = {
    "basytec": basytec.sniff, "maccor": maccor.sniff, "novonix": novonix.sniff, "arbin-csv": arbin.sniff_csv,
    "arbin-res": arbin.sniff_res, "autolab": autolab.sniff, "zplot": zplot.sniff,
    "versastudio": versastudio.sniff, "ivium": ivium.sniff, "xlsx": excel.sniff,
}


def only_sniffer(raw: bytes) -> list[str]:
    """Names of the sniffers that claim these bytes."""
    return [name for name, sniff in SNIFFERS.items() if sniff(raw[:4096])]


# ---------------------------------------------------------------- BaSyTec
BASYTEC_HEAD = (
    "~Resultfile from Basytec Battery Test System\r\n~Date and Time of Data Converting: 07.07.2023 10:55:58\r\n~\r\n"
    "~Name of Test: test\r\n~Battery: cell\r\n~Testplan: plan.pln\r\n~Testchannel: 1814 CH14 XCTS_40\r\n"
    "~Start of Test: 19.06.2023 17:56:53\r\n~End of Test: 05.07.2023 11:05:04\r\n~Operator (Test): basytec\r\n"
    "~Operator (Data converting): basytec\r\n~\r\n"
    "~Time[s]\tDataSet\tt-Step[s]\tt-Set[s]\tt-Cyc[s]\tLine\tCommand\tU[V]\tI[A]\tP[W]\tAh[Ah]\tAh-Cyc-Charge\t"
    "Ah-Cyc-Discharge\tAh-Cyc-Charge-0\tAh-Cyc-Discharge-0\tAh-Step\tWh[Wh]\tWh-Cyc-Charge\tWh-Cyc-Discharge\t"
    "Wh-Cyc-Charge-0\tWh-Cyc-Discharge-0\tWh-Step\tT1[\xb0C]\tR-AC\tR-DC\tLevel\tCyc-Count\tCount\tState\r\n"
)


def basytec_row(t, line, command, u, i, ah_step, cyc):
    return (f"{t}\t1\t0\t{t}\t{t}\t{line}\t{command}\t{u}\t{i}\t{u * i}\t{ah_step}\t0\t0\t0\t0\t{ah_step}\t0\t0\t0\t0"
            f"\t0\t0\t25.47953\t0\t0\t1\t{cyc}\t1\t1\r\n")


def test_basytec_columns_units_and_sign(tmp_path):
    rows = [basytec_row(0, 3, "Pause", 3.5, 0, 0, 0), basytec_row(60, 3, "Pause", 3.5, 0, 0, 0),
            basytec_row(61, 4, "Charge", 3.53, 0.45, 0.000125, 0),
            basytec_row(3661, 5, "Discharge", 3.2, -0.9, -0.9, 1)]
    f = tmp_path / "basytec.txt"
    f.write_bytes((BASYTEC_HEAD + "".join(rows)).encode("latin-1"))
    assert only_sniffer(f.read_bytes()) == ["basytec"]
    m = basytec.read_basytec(f)
    assert m.instrument == "basytec"
    assert m.time_s.tolist() == [0, 60, 61, 3661]
    assert m.current_A.tolist() == [0, 0, 0.45, -0.9]            # I[A] as written: charge +, discharge −
    assert m.potential_V.tolist() == [3.5, 3.5, 3.53, 3.2]
    assert m.step.tolist() == [3, 3, 4, 5]                        # the test-plan line
    assert m.cycle.tolist() == [1, 1, 1, 2]                       # Cyc-Count from 0 → 1-based
    assert m.data["capacity_mAh"].tolist() == pytest.approx([0, 0, 0.125, -900])  # Ah-Step · 1000


def test_basytec_without_data_is_one_line_error(tmp_path):
    f = tmp_path / "basytec.txt"
    f.write_bytes(BASYTEC_HEAD.encode("latin-1"))
    with pytest.raises(InputError, match="no '~' header line followed by data rows"):
        basytec.read_basytec(f)


# ---------------------------------------------------------------- Maccor
MIMS_TAB = (  # cellpy testdata/data/maccor_001.txt layout (MacTest export: clock TestTime, State)
    "Today's Date:\t14 December 2020\tDate of Test:\t11 December 2020, 12:22:12 PM\r\n"
    "    Filename:\tM50_Validation_0deg_01\tTester Channel:\t1\r\n"
    "Procedure:\tM50_Validation.000\tDescription:\r\n"
    "Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time\tACImp/Ohms\r\n"
    "1\t0\t1\t  0d 00:00:0\t  0d 00:00:0\t0.00000\t0.00000\t0.00000\t3.46250\tR\t0\t12/11/2020 12:22:12\t0.00000\r\n"
    "2\t0\t2\t  0d 01:00:0.5\t  0d 00:00:0.5\t0.75000\t2.70000\t1.50000\t3.60000\tC\t1\t12/11/2020 13:22:12\t0.00000\r\n"
    "3\t0\t3\t  1d 01:00:0\t  0d 00:00:2\t0.50000\t1.80000\t0.50000\t3.00000\tD\t1\t12/12/2020 13:22:12\t0.00000\r\n"
)


def test_maccor_clock_time_and_state_signs(tmp_path):
    f = tmp_path / "maccor.txt"
    f.write_bytes(MIMS_TAB.encode())
    assert only_sniffer(f.read_bytes()) == ["maccor"]
    m = maccor.read_maccor(f)
    assert m.time_s.tolist() == [0.0, 3600.5, 90000.0]           # 1d 01:00:00 = 86400 + 3600 s
    assert m.current_A.tolist() == [0.0, 1.5, -0.5]               # D rows negative
    assert m.data["capacity_mAh"].tolist() == [0.0, 750.0, -500.0]
    assert m.cycle.tolist() == [1, 1, 1] and m.step.tolist() == [1, 2, 3]
    assert "State" in m.extra["current_sign"]


MIMS_MIN = (  # cellpy testdata/data/maccor_002.txt layout (MIMS Client: TestTime in minutes, Md, trailing tabs)
    "Name:\tCW-SIMBA-FC-CT-NAPF6-015.053\r\nChannel:\t53\r\nTester\tMaccor #4\r\nProcedure\tCW_MZ_SIMBA_CT.000\r\n"
    "Started\t5/11/2021 3:40:24 PM\r\nSCap\t0.017\r\n\r\n"
    "Rec\tCycle P\tCycle C\tStep\tTestTime\tStepTime\tCap. [Ah]\tEner. [Wh]\tCurrent [A]\tVoltage [V]\tMd\tES\t"
    "DPT Time\tVAR1\r\n\r\n"
    "1\t0\t1\t1\t0.000000\t0.000000\t0.00000000\t0.00000000\t0.00000000\t0.1783\tR\t0\t5/11/2021 3:40:24 PM\t0.0000\t\r\n"
    "2\t0\t1\t4\t1.000000\t1.000000\t0.00002000\t0.00000000\t0.00120000\t0.0600\tC\t1\t5/11/2021 3:41:24 PM\t0.0000\t\r\n"
    "3\t0\t2\t5\t61.000000\t1.000000\t0.00001000\t0.00000000\t0.00060000\t1.3000\tD\t1\t5/11/2021 4:41:24 PM\t0.0000\r\n"
)


def test_maccor_minutes_found_from_the_clock_column(tmp_path):
    f = tmp_path / "maccor_mims.txt"
    f.write_bytes(MIMS_MIN.encode())
    m = maccor.read_maccor(f)
    assert m.time_s.tolist() == [0.0, 60.0, 3660.0]               # 61 min between rows 1 and 3 = 61 min of clock
    assert m.extra["time_unit"].startswith("min")
    assert m.current_A.tolist() == [0.0, 0.0012, -0.0006]
    assert m.data["capacity_mAh"].tolist() == pytest.approx([0.0, 0.02, -0.01])
    assert m.cycle.tolist() == [1, 1, 2]                           # 'Cycle C'


def test_maccor_time_unit_disagreeing_with_clock_is_refused(tmp_path):
    f = tmp_path / "maccor_mims.txt"
    f.write_bytes(MIMS_MIN.replace("61.000000", "7.000000").encode())   # 7 of anything ≠ 61 min
    with pytest.raises(InputError, match=r"unit of 'TestTime' cannot be told.*--columns time=TestTime@s"):
        maccor.read_maccor(f)


def test_maccor_csv_without_state_keeps_sign(tmp_path):
    text = ("Today's Date ,28-Nov-23\nDate of Test:,23-Nov-23 3:56:08 PM\n"
            "Rec,Cycle C,Step,Test Time (sec),Step Time (sec),Capacity,Energy,Current,Voltage,DPT Time,Temp 1\n"
            "1,1,1,0.0000,0.0000,0,0,0,3.668,23-Nov-23 3:56:11 PM,22.2591\n"
            "2,1,2,10.0600,0.0600,0.000,0.002,28.844,3.709,23-Nov-23 3:56:21 PM,22.2591\n"
            "3,1,2,11.0600,1.0600,0.008,0.031,28.799,3.713,23-Nov-23 3:56:22 PM,22.2591\n")
    f = tmp_path / "maccor.csv"
    f.write_text(text)
    m = maccor.read_maccor(f)
    assert m.time_s.tolist() == [0.0, 10.06, 11.06]
    assert m.data["step_time_s"].tolist() == [0.0, 0.06, 1.06]    # 'Step Time (sec)'
    assert m.current_A.tolist() == [0.0, 28.844, 28.799]
    assert m.data["capacity_mAh"].tolist() == [0.0, 0.0, 8.0]
    assert m.extra["current_sign"].startswith("as written")


# ---------------------------------------------------------------- Novonix
NOVONIX = (
    "[Summary]\r\nNovonix UHPC data file\r\nNovonix\r\nChannel: 01\r\nCell: Co10x3_1Cx3_2_CH01.csv\r\n"
    "Mass (g): 0.002\r\nCapacity (Ah): 5\r\nStarted: 2025-07-19 15:26:20\r\nVersion: 2.13.0\r\n[End Summary]\r\n"
    '[Protocol]\r\n{"Version":"UHPC Control: 2.13.0","ProtocolStepList":[]}\r\n[End Protocol]\r\n[Data]\r\n'
    "Date and Time,Cycle Number,Step Type,Run Time (h),Step Time (h),Current (A),Potential (V),Capacity (Ah),"
    "Temperature (\u00b0C),Circuit Temperature (\u00b0C),Energy (Wh),dVdt (V/h),dIdt (A/h),Step Number,"
    "Step position,Power(W)\r\n"
    "2025-07-19 15:26:20,1,7,0.0000000,0.0000000,0.00000000,3.84318331,0.00000000,24.644,25.268,0,0,0,1,1,0\r\n"
    "2025-07-19 15:56:20,1,7,0.5000000,0.5000000,0.50000000,3.90000000,0.25000000,24.648,25.270,0,0,0,1,0,0\r\n"
    "2025-07-19 16:26:20,1,8,1.0000000,0.5000000,-0.20000000,3.70000000,0.10000000,24.648,25.270,0,0,0,2,0,0\r\n"
)


def test_novonix_data_section(tmp_path):
    f = tmp_path / "novonix.csv"
    f.write_bytes(NOVONIX.encode())
    assert only_sniffer(f.read_bytes()) == ["novonix"]
    m = novonix.read_novonix(f)
    assert m.time_s.tolist() == [0.0, 1800.0, 3600.0]             # Run Time (h)
    assert m.current_A.tolist() == [0.0, 0.5, -0.2]
    assert m.data["capacity_mAh"].tolist() == [0.0, 250.0, -100.0]  # signed like the current
    assert m.step.tolist() == [1, 1, 2]
    assert m.extra["summary_mass_g"] == 0.002 and m.active_mass_g is None


# ---------------------------------------------------------------- Arbin
ARBIN_CSV = (  # PyProBE tests/sample_data/arbin/sample_data_arbin.csv layout (BOM, tab in the date cell)
    "\ufeffData Point,Date Time,Test Time (s),Step Time (s),Cycle Index,Step Index,Current (A),Voltage (V),"
    "Power (W),Charge Capacity (Ah),Discharge Capacity (Ah),Charge Energy (Wh),Discharge Energy (Wh)\r\n"
    "1,\t09/20/2024 08:32:34.558,30.0005,30.0005,1,1,0,3.534595,0,0,0,0,0\r\n"
    "2,\t09/20/2024 08:33:04.559,300.6979,0.0012,1,3,2.647604,3.594547,9.5,2.01404E-05,2.04379E-05,0,0\r\n"
    "3,\t09/20/2024 08:33:34.559,301.214,0.5173,1,3,2.650138,3.599601,9.5,0.000400839,2.04379E-05,0,0\r\n"
)


def test_arbin_csv_net_capacity(tmp_path):
    f = tmp_path / "arbin.csv"
    f.write_bytes(ARBIN_CSV.encode())
    assert only_sniffer(f.read_bytes()) == ["arbin-csv"]
    m = arbin.read_arbin(f)
    assert m.instrument == "arbin" and m.step.tolist() == [1, 3, 3]
    assert m.data["capacity_mAh"].tolist() == pytest.approx([0.0, (2.01404e-05 - 2.04379e-05) * 1e3,
                                                             (0.000400839 - 2.04379e-05) * 1e3])


def test_arbin_xlsx_channel_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Global_Info"
    book.active.append(["TEST REPORT"])
    sheet = book.create_sheet("Channel_1-006")
    sheet.append(["Data_Point", "Test_Time(s)", "Date_Time", "Step_Time(s)", "Step_Index", "Cycle_Index",
                  "Current(A)", "Voltage(V)", "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)"])
    sheet.append([1, 0.0, "2024-09-20 08:32:34", 0.0, 1, 1, 0.0, 3.5, 0.0, 0.0])
    sheet.append([2, 3600.0, "2024-09-20 09:32:34", 3600.0, 2, 1, 0.002, 3.9, 0.002, 0.0])
    sheet.append([3, 5400.0, "2024-09-20 10:02:34", 1800.0, 3, 1, -0.002, 3.4, 0.002, 0.001])
    book.create_sheet("Statistics_1-006").append(["Cycle_Index"])
    f = tmp_path / "arbin.xlsx"
    book.save(f)
    assert only_sniffer(f.read_bytes()) == ["xlsx"] and excel.detect_vendor(f) == "arbin"
    m = excel.read_excel(f)
    assert m.extra["sheet"] == "Channel_1-006"
    assert m.time_s.tolist() == [0.0, 3600.0, 5400.0] and m.current_A.tolist() == [0.0, 0.002, -0.002]
    assert m.data["capacity_mAh"].tolist() == pytest.approx([0.0, 2.0, 1.0])


def test_arbin_res_needs_a_jet_database(tmp_path):
    f = tmp_path / "fake.res"
    f.write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00" * 200)
    assert only_sniffer(f.read_bytes()) == ["arbin-res"]
    with pytest.raises(InputError, match="mdb-export could not read table Channel_Normal_Table|needs mdbtools"):
        arbin.read_res(f)
    g = tmp_path / "text.res"
    g.write_text("not a database\n")
    with pytest.raises(InputError, match="no Access database signature"):
        arbin.read_res(g)


def test_arbin_res_without_mdbtools_names_the_package(tmp_path, monkeypatch):
    f = tmp_path / "fake.res"
    f.write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00" * 200)
    monkeypatch.setattr(arbin.shutil, "which", lambda _: None)
    with pytest.raises(InputError, match="apt-get install mdbtools"):
        arbin.read_res(f)


# ---------------------------------------------------------------- LAND / LANHE and Neware .xlsx
LANDT_RECORD = ["Record", "TestTime/Sec", "StepTime/Sec", "Current/mA", "Capacity/mAh", "SpeCap/mAh/g",
                "SOC|DOD/%", "Voltage/V", "Energy/mWh", "SpeEnergy/Wh/kg", "AuxTemp/dC.", "AuxVolt/V", "SysTime",
                None, "Cycle-Index", "Step-Index", "Step-State"]


def landt_book(path):
    """A LANHE export as cellpy's testdata/data/custom_data_002.xlsx lays it out."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    cycles = book.active
    cycles.title = "Cycle-Tab"
    cycles.append(["Cycle", "CapC/mAh", "CapD/mAh", "SpeCapC/mAh/g", "SpeCapD/mAh/g", "Efficiency/%"])
    cycles.append([1, 0.5, 1.0, 500, 1000, 50.0])
    record = book.create_sheet("Record-Tab")
    record.append(LANDT_RECORD)
    t0 = dt.datetime(2021, 2, 25, 13, 41, 24)
    rows = [(0, 0.0, 0.0, 2.8, 1, 1, "R"), (3600, -1.0, 1.0, 0.5, 1, 2, "RateD"),
            (3660, 0.0, 1.0, 0.6, 1, 3, "R"), (5460, 1.0, 0.5, 1.2, 1, 4, "RateC")]
    for k, (t, i, q, u, c, s, state) in enumerate(rows, start=1):
        record.append([k, t, 0, i, q, 0, 0, u, 0, 0, "-", "-", t0 + dt.timedelta(seconds=t), None, c, s, state])
    book.save(path)


def test_landt_record_sheet_and_signed_capacity(tmp_path):
    f = tmp_path / "lanhe.xlsx"
    landt_book(f)
    assert excel.detect_vendor(f) == "landt"
    m = excel.read_excel(f)
    assert m.instrument == "landt" and m.extra["sheet"] == "Record-Tab"
    assert m.time_s.tolist() == [0, 3600, 3660, 5460]
    assert m.current_A.tolist() == [0.0, -1e-3, 0.0, 1e-3]        # Current/mA, signed as written
    assert m.data["capacity_mAh"].tolist() == [0.0, -1.0, -1.0, 0.5]  # the rest row keeps the discharge sign
    assert m.step.tolist() == [1, 2, 3, 4]


def neware_book(path, *, with_indices: bool):
    """A BTSDA 8 export as cellpy's neware_xlsx loader expects it (unit, test, step, record sheets)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "unit"
    book.active.append(["Current", "A"])
    book.create_sheet("test").append(["Test"])
    step = book.create_sheet("step")
    step.append(["Cycle Index", "Step Index", "Step Number", "Step Type", "Step Time", "Oneset Date", "End Date"])
    step.append([1, 1, 1, "Rest", "0:01:00", "2024-03-20 09:00:00", "2024-03-20 09:01:00"])
    step.append([1, 2, 2, "CC Chg", "1:00:00", "2024-03-20 09:01:00", "2024-03-20 10:01:00"])
    step.append([2, 3, 3, "CC DChg", "1:00:00", "2024-03-20 10:01:00", "2024-03-20 11:01:00"])
    record = book.create_sheet("record")
    head = ["DataPoint", "Step Type", "Time", "Total Time", "Current(A)", "Voltage(V)", "Capacity(Ah)", "Energy(Wh)",
            "Date"]
    record.append((["Cycle Index", "Step Index"] if with_indices else []) + head)
    rows = [(1, 1, "Rest", "0:00:00", "0:00:00", 0.0, 3.0, 0.0, "2024-03-20 09:00:00"),
            (1, 2, "CC Chg", "0:30:00", "0:31:00", 0.1, 3.8, 0.05, "2024-03-20 09:31:00"),
            (1, 2, "CC Chg", "1:00:00", "1:01:00", 0.1, 4.0, 0.1, "2024-03-20 10:01:00"),
            (2, 3, "CC DChg", "0:30:00", "1:31:00", -0.1, 3.5, 0.05, "2024-03-20 10:31:00")]
    for k, (c, s, kind, t, total, i, u, q, date) in enumerate(rows, start=1):
        record.append(([c, s] if with_indices else []) + [k, kind, t, total, i, u, q, 0.0, date])
    book.save(path)


@pytest.mark.parametrize("with_indices", [True, False])
def test_neware_xlsx_record_sheet(tmp_path, with_indices):
    f = tmp_path / "neware.xlsx"
    neware_book(f, with_indices=with_indices)
    assert excel.detect_vendor(f) == "neware-xlsx"
    m = excel.read_excel(f)
    assert m.extra["sheet"] == "record"
    assert m.time_s.tolist() == [0.0, 1860.0, 3660.0, 5460.0]      # 'Total Time' clock → s
    assert m.current_A.tolist() == [0.0, 0.1, 0.1, -0.1]
    assert m.data["capacity_mAh"].tolist() == [0.0, 50.0, 100.0, -50.0]
    assert m.cycle.tolist() == [1, 1, 1, 2] and m.step.tolist() == [1, 2, 2, 3]
    if not with_indices:
        assert "step" in m.extra["cycle_step_from"]


def test_workbook_without_record_sheet_lists_the_sheets(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["x"])
    f = tmp_path / "other.xlsx"
    book.save(f)
    with pytest.raises(InputError, match="no cycler record sheet among 'Summary'"):
        excel.read_excel(f)
    g = tmp_path / "old.xls"
    g.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(InputError, match=r"\.xls\).*save as \.xlsx"):
        landt.read_landt(g)


# ---------------------------------------------------------------- Autolab NOVA
def test_nova_cv_semicolons_decimal_comma(tmp_path):
    f = tmp_path / "nova_cv.txt"
    f.write_bytes("Potential applied (V);Time (s);WE(1).Current (A);Scan;Index;WE(1).Potential (V)\r\n"
                  "0,1;0,5;1,5E-05;1;1;0,1002\r\n0,2;1,5;2,5E-05;1;2;0,2003\r\n0,3;2,5;-1E-05;2;3;0,2998\r\n"
                  .encode())
    assert only_sniffer(f.read_bytes()) == ["autolab"]
    m = autolab.read_nova(f)
    assert m.time_s.tolist() == [0.5, 1.5, 2.5]
    assert m.potential_V.tolist() == [0.1002, 0.2003, 0.2998]      # measured WE(1).Potential, not the applied one
    assert m.current_A.tolist() == [1.5e-05, 2.5e-05, -1e-05]
    assert m.cycle.tolist() == [1, 1, 2]                            # Scan


def test_nova_eis_minus_z_imag(tmp_path):
    f = tmp_path / "nova_eis.txt"
    f.write_bytes("Index;Frequency (Hz);Z' (\u03a9);-Z'' (\u03a9);Z (\u03a9);-Phase (\u00b0);Time (s)\r\n"
                  "1;100000;10,5;2,0;10,69;10,78;0,1\r\n2;1000;12,0;8,0;14,42;33,69;1,2\r\n"
                  "3;10;30,0;15,0;33,54;26,57;9,9\r\n".encode())
    s = autolab.read_nova_impedance(f)
    assert s.frequency_Hz.tolist() == [1e5, 1e3, 10.0]
    assert s.z_real_ohm.tolist() == [10.5, 12.0, 30.0]
    assert s.z_imag_ohm.tolist() == [-2.0, -8.0, -15.0]             # −Z″ column flipped back


# ---------------------------------------------------------------- ZPlot
ZPLOT2 = ("ZPLOT2 ASCII\r\n  Measured Data, ZPlot:       3.2c\r\n  Experiment Type:            Sweep Frequency, "
          "Control Voltage\r\n  Begin Experiment:           0\r\n    vs Freq-Initial:          50000\r\n"
          "  End Experiment:             0\r\n  Data Points:                3\r\n"
          "  Freq(Hz)\tAmpl\tBias\tTime(Sec)\tZ'(a)\tZ''(b)\tGD\tErr\tRange\r\nEnd Comments\r\n"
          "5.000000E+04\t1.0000E-02\t0.0000E+00\t2.590000E+00\t2.9036E+01\t6.3662E-01\t0.0000E+00\t0\t4\r\n"
          "1.000000E+02\t1.0000E-02\t0.0000E+00\t5.000000E+00\t4.0000E+01\t-1.2500E+01\t0.0000E+00\t0\t4\r\n"
          "1.000000E+00\t1.0000E-02\t0.0000E+00\t9.000000E+00\t7.5803E+01\t-1.6244E-01\t0.0000E+00\t0\t4\r\n")
ZPLOTW = ('"ZPlotW Data File: Version 3.2c"\r\n"Raw Data"\r\n"Sweep Frequency: Control Voltage"\r\n'
          "Date: 12-17-2019    Time: 16:24:35\r\n800 C\r\n\"Open Circuit Potential (V):  0 \"\r\n\"Frequency\"\r\n"
          "0,3,0,1,300000,0.005\r\n3\r\n"
          "\"  Freq(Hz)    Ampl     Bias   Time(Sec)   Z'(a)    Z''(b)    GD   Err   Range\"\r\n"
          "3.000000E+05, 1.0000E-02, 0.0000E+00, 2.580000E+00, 6.4262E+02, -8.5821E+01, 0.0000E+00, 0, 5\r\n"
          "3.000000E+03, 1.0000E-02, 0.0000E+00, 1.998000E+01, 6.1368E+02, -1.3713E+02, 0.0000E+00, 0, 5\r\n"
          "3.000000E+02, 1.0000E-02, 0.0000E+00, 2.891000E+01, 1.3053E+03, -1.9501E+02, 0.0000E+00, 0, 5\r\n")


@pytest.mark.parametrize("text, f, z", [
    (ZPLOT2, [5e4, 100.0, 1.0], [29.036 + 0.63662j, 40.0 - 12.5j, 75.803 - 0.16244j]),
    (ZPLOTW, [3e5, 3e3, 300.0], [642.62 - 85.821j, 613.68 - 137.13j, 1305.3 - 195.01j]),
])
def test_zplot_both_layouts(tmp_path, text, f, z):
    p = tmp_path / "scan.z"
    p.write_bytes(text.encode())
    assert only_sniffer(p.read_bytes()) == ["zplot"]
    s = zplot.read_zplot_impedance(p)
    assert s.frequency_Hz.tolist() == f and s.z_complex_ohm.tolist() == z
    from impedance.preprocessing import readZPlot   # the independent reader gives the same arrays
    f2, z2 = readZPlot(str(p))
    assert np.array_equal(f2, s.frequency_Hz) and np.array_equal(z2, s.z_complex_ohm)


# ---------------------------------------------------------------- VersaStudio
PAR_HEAD = ("<Application>\r\nName=VersaStudio\r\nVersion=2.52.3.0\r\n</Application>\r\n\r\n<Action1>\r\n"
            "{action}Segments=1\r\nParentNode=Common\r\nName={name}\r\n</Action1>\r\n\r\n<Segment1>\r\nType=2\r\n"
            "Version=3\r\nDefinition=Segment #, Point #, E(V), I(A), Elapsed Time(s), ADC Sync Input(V), "
            "Current Range, Status, E Applied(V), Frequency(Hz), E Real, E Imag, I Real, I Imag, Z Real, Z Imag, "
            "E2 Status, E2(V), E2 Real, E2 Imag, Z2 Real, Z2 Imag, ActionId, AC Amplitude\r\n")
PAR_ROW = "0,{k},{e},{i},{t},-0.002441444,5,53,0,{f},0,0,0,0,{zr},{zi},0,0,0,0,0,0,21,0.02\r\n"


def test_versastudio_eis_segment(tmp_path):
    rows = [PAR_ROW.format(k=k, e=0, i=-3.28e-06, t=t, f=f, zr=zr, zi=zi) for k, (t, f, zr, zi) in
            enumerate([(1.812, 100000, 55.31571, 4.575431), (2.147, 77426.37, 56.93847, 1.668054),
                       (932.069, 0.03593814, 1481.78, -181.6588)])]
    p = tmp_path / "eis.par"
    p.write_bytes((PAR_HEAD.format(action="Start Frequency (Hz)=100000\r\n", name="Potentiostatic EIS")
                   + "".join(rows) + "</Segment1>\r\n").encode())
    assert only_sniffer(p.read_bytes()) == ["versastudio"]
    s = versastudio.read_par_impedance(p)
    assert s.frequency_Hz.tolist() == [100000, 77426.37, 0.03593814]
    assert s.z_complex_ohm.tolist() == [55.31571 + 4.575431j, 56.93847 + 1.668054j, 1481.78 - 181.6588j]
    with pytest.raises(InputError, match="impedance scan.*read_impedance"):
        versastudio.read_par(p)


def test_versastudio_cv_segment_and_scan_rate(tmp_path):
    rows = [PAR_ROW.format(k=k, e=e, i=i, t=t, f=0, zr=0, zi=0)
            for k, (e, i, t) in enumerate([(0.0, 1e-6, 0.0), (0.05, 2e-6, 1.0), (0.1, -1e-6, 2.0)])]
    p = tmp_path / "cv.par"
    p.write_bytes((PAR_HEAD.format(action="Scan Rate (V/s)=.05\r\n", name="Cyclic Voltammetry (Multiple Cycles)")
                   + "".join(rows) + "</Segment1>\r\n").encode())
    m = versastudio.read_par(p)
    assert m.time_s.tolist() == [0.0, 1.0, 2.0] and m.potential_V.tolist() == [0.0, 0.05, 0.1]
    assert m.current_A.tolist() == [1e-6, 2e-6, -1e-6] and m.scan_rate_mV_s == 50.0


def test_versastudio_unclosed_segment(tmp_path):
    p = tmp_path / "cut.par"
    p.write_bytes((PAR_HEAD.format(action="", name="Potentiostatic EIS") + PAR_ROW.format(
        k=0, e=0, i=0, t=1, f=10, zr=1, zi=1)).encode())
    with pytest.raises(InputError, match="segment 1 has no closing tag </Segment1>"):
        versastudio.read_par_impedance(p)


# ---------------------------------------------------------------- Ivium
def ivium_bytes(method: str, rows: list[tuple[float, float, float]], announced: int | None = None) -> bytes:
    """The layout of impedance.py's data/exampleDataIvium.idf: binary record prefixes
    around text settings, and the primary_data object (Z′, Z″, f)."""
    n = len(rows) if announced is None else announced
    body = b"".join(f"{zr:.5E}  {zi:.5E} {f:.5E} \r\n".encode() for zr, zi, f in rows)
    return (b"\x00" * 16 + b"@\x01\x00\x00   Version=12\r\nQR=QR,2,221212171849000B59340\r\n\xa2\x00\x00\x00"
            + f"Version=15\r\nMethod={method}\r\nTechnique=Constant I\r\nDconfig=16905\r\nTitle=New Test\r\n".encode()
            + b"\xfe\x88\x00\x00\r\x002         \r\nData Objects    \r\x000         \r\n"
            + b"primary_data    \r\x003         \r\n" + f"{n}        \r\n".encode() + body
            + b"7         \r\nosc_data        \r\x0026        \r\n")


def test_ivium_idf_primary_data(tmp_path):
    p = tmp_path / "scan.idf"
    p.write_bytes(ivium_bytes("Impedance", [(13.7548, -1.87976, 1e5), (16.0552, -3.14306, 2.51189e4),
                                            (92.8463, -16.7393, 1.0)]))
    assert only_sniffer(p.read_bytes()) == ["ivium"]
    s = ivium.read_idf_impedance(p)
    assert s.frequency_Hz.tolist() == [1e5, 2.51189e4, 1.0]
    assert s.z_complex_ohm.tolist() == [13.7548 - 1.87976j, 16.0552 - 3.14306j, 92.8463 - 16.7393j]


def test_ivium_other_methods_and_truncation(tmp_path):
    p = tmp_path / "cv.idf"
    p.write_bytes(ivium_bytes("CyclicVoltammetry", [(0.1, 1e-6, 0.0)] * 3))
    with pytest.raises(InputError, match="method 'CyclicVoltammetry': only impedance scans"):
        ivium.read_idf_impedance(p)
    q = tmp_path / "cut.idf"
    q.write_bytes(ivium_bytes("Impedance", [(1.0, -1.0, 10.0)] * 3, announced=26)[:-60])
    with pytest.raises(InputError, match="announces 26 points"):
        ivium.read_idf_impedance(q)


# ---------------------------------------------------------------- detection and the CLI
def test_formats_are_detected_by_content_and_read_through_the_cli(tmp_path, run_cli):
    import json

    from interstore.echem.readers import detect_instrument, read_impedance, read_measurement

    samples = {"basytec": BASYTEC_HEAD + basytec_row(0, 3, "Pause", 3.5, 0, 0, 0)
               + basytec_row(60, 4, "Charge", 3.6, 0.5, 0.5 * 60 / 3600, 0), "maccor": MIMS_TAB,
               "novonix": NOVONIX, "arbin": ARBIN_CSV, "zplot": ZPLOT2}
    for name, text in samples.items():
        f = tmp_path / f"{name}.txt"                     # same extension for all: content decides
        f.write_bytes(text.encode("latin-1" if name == "basytec" else "utf-8"))
        assert detect_instrument(f) == name
    code, _, err = run_cli("read", tmp_path / "maccor.txt", "--json", tmp_path / "m.json")
    assert code == 0, err
    summary = json.loads((tmp_path / "m.json").read_text())
    api = read_measurement(tmp_path / "maccor.txt")
    assert summary["instrument"] == "maccor" and summary["rows"] == 3
    assert summary["duration_s"] == api.time_s[-1] == 90000.0
    assert summary["current_range_A"] == [-0.5, 1.5]
    code, _, err = run_cli("read", tmp_path / "zplot.txt", "--impedance", "--json", tmp_path / "z.json")
    assert code == 0, err
    assert json.loads((tmp_path / "z.json").read_text())["frequency_range_Hz"] == [1.0, 5e4]
    assert read_impedance(tmp_path / "zplot.txt").z_real_ohm.tolist() == [29.036, 40.0, 75.803]
    code, _, err = run_cli("read", tmp_path / "zplot.txt")            # a spectrum is not a time series
    assert code == 2 and "--impedance" in err and "Traceback" not in err
    code, _, err = run_cli("read", tmp_path / "maccor.txt", "--impedance")
    assert code == 2 and "impedance spectra" in err


def test_xlsx_detected_from_sheet_names(tmp_path):
    from interstore.echem.readers import detect_instrument, read_measurement

    f = tmp_path / "cell.xlsx"
    landt_book(f)
    assert detect_instrument(f) == "landt" and read_measurement(f).extra["sheet"] == "Record-Tab"
    g = tmp_path / "nw.xlsx"
    neware_book(g, with_indices=True)
    assert detect_instrument(g) == "neware-xlsx"
    with pytest.raises(InputError, match="no Neware record sheet"):
        read_measurement(f, instrument="neware-xlsx")


def test_truncated_workbook(tmp_path):
    f = tmp_path / "cell.xlsx"
    landt_book(f)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(f.read_bytes()[:3000])
    with pytest.raises(InputError, match="damaged .xlsx workbook"):
        excel.read_excel(cut)
