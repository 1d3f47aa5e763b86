"""Step time of Chinese-language LAND (蓝电) / LANHE exports.

The column names come from a public script that converts LAND exports (high- and normal-precision
channels, ``.xlsx`` and tab-separated ``.txt`` read as GBK): GitHub ``Fredalively/libdada``,
``naming_standard.py`` (commit 01aea5f3c8ace074c6306f45235f7a0310d9e9d5), which renames
循环序号 → cycle number, 工步序号 → step number, 工步状态 / 工作模式 → state, 步骤时间 → step time,
测试时间 → test time, 电压/V, 电流/A, 容量/Ah, 系统时间 → system time.  The unit suffix ``/Sec``
is LAND's own (``StepTime/Sec``, ``测试时间/Sec`` in the English and Chinese record sheets).
工步时间 appears in other cyclers' Chinese exports beside 流程时间 and is not mapped here: no public
LAND export shows it.

The source shows the names, not the cells: times are tested as LAND's ``/Sec`` seconds and as clock
cells (Excel durations, ``h:mm:ss`` text), the two readings a header without a unit allows; a bare
number under a unit-less time header is refused.  Text exports are written as bytes in GBK (the
Chinese software's code page, which libdada decodes) and in UTF-8 with a BOM.

The workbook is written by the test with openpyxl, whose sheet XML spells non-ASCII text as
character references (``&#27493;``); Excel and the LAND software write the UTF-8 bytes themselves,
so the test rewrites the references as UTF-8 (the same XML text) and checks the header bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import numpy as np
import pytest

from interstore.echem.readers import excel, read_measurement

HEADERS = ["循环序号", "工步序号", "工步状态", "测试时间/Sec", "步骤时间/Sec", "电流/A", "电压/V", "容量/Ah", "系统时间"]
# rest, discharge pulse switched on at t = 25 s (samples at 30, 40, 50 s), rest from 55 s
TIME_S = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
STEP = [1, 1, 1, 2, 2, 2, 3, 3]
STEP_TIME_S = [0.0, 10.0, 20.0, 5.0, 15.0, 25.0, 5.0, 15.0]
CURRENT_A = [0.0, 0.0, 0.0, -1e-4, -1e-4, -1e-4, 0.0, 0.0]
STATE = ["静置", "静置", "静置", "恒流放电", "恒流放电", "恒流放电", "静置", "静置"]


def land_zh_book(path, *, step_time_header="步骤时间/Sec", step_time_cells=STEP_TIME_S):
    """A LANHE record sheet (记录层) with the Chinese column names of the module doc."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "循环层"
    sheet = book.create_sheet("记录层")
    sheet.append([step_time_header if h == "步骤时间/Sec" else h for h in HEADERS])
    start = dt.datetime(2026, 3, 1, 9, 0, 0)
    for k, t in enumerate(TIME_S):
        q = 1e-4 * max(0.0, min(t, 55.0) - 25.0) / 3600 if STEP[k] > 1 else 0.0
        sheet.append([1, STEP[k], STATE[k], t, step_time_cells[k], CURRENT_A[k], 1.2 - 0.01 * (STEP[k] > 1), q,
                      start + dt.timedelta(seconds=t)])
    book.save(path)
    as_utf8(path)


def as_utf8(path) -> None:
    """Rewrite the workbook's XML character references above ASCII as UTF-8 bytes."""
    with zipfile.ZipFile(path) as z:
        parts = {info: z.read(info) for info in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename.endswith(".xml"):
                data = re.sub(rb"&#(\d+);", lambda m: chr(int(m[1])).encode("utf-8") if int(m[1]) > 127 else m[0],
                              data)
            z.writestr(info, data)


def test_step_time_of_a_chinese_land_record_sheet(tmp_path):
    f = tmp_path / "蓝电_GITT.xlsx"
    land_zh_book(f)
    with zipfile.ZipFile(f) as z:  # the header as the file holds it: UTF-8 bytes in the workbook XML
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/") and n.endswith(".xml"))
    assert "步骤时间/Sec".encode("utf-8") in xml and "测试时间/Sec".encode("utf-8") in xml
    assert excel.detect_vendor(f) == "landt"
    m = read_measurement(f)
    assert m.instrument == "landt"
    assert m.data["step_time_s"].tolist() == STEP_TIME_S
    assert m.time_s.tolist() == TIME_S and m.current_A.tolist() == CURRENT_A
    # the step starts it implies: 0 s, the switch at 25 s, the pulse's end at 55 s
    assert np.unique(m.time_s - m.data["step_time_s"]).tolist() == [0.0, 25.0, 55.0]
    assert "step_time" not in m.extra  # agreed with the total time in every step


def test_step_time_as_clock_cells(tmp_path):
    """A unit-less 步骤时间 of Excel durations is read as a clock."""
    f = tmp_path / "clock.xlsx"
    land_zh_book(f, step_time_header="步骤时间", step_time_cells=[dt.timedelta(seconds=s) for s in STEP_TIME_S])
    assert read_measurement(f).data["step_time_s"].tolist() == STEP_TIME_S


def test_unitless_numeric_step_time_is_not_guessed(tmp_path):
    """A bare number under 步骤时间 could be s, min or h: the column is left out, not guessed."""
    f = tmp_path / "bare.xlsx"
    land_zh_book(f, step_time_header="步骤时间")
    assert "step_time_s" not in read_measurement(f).data


def test_unitless_clock_times_as_in_the_full_chinese_record_header(tmp_path):
    """The record header of a LAND Chinese export with unit-less times (测试时间, 步骤时间 as libdada
    maps them), here as Excel durations: total and step time in s, and GITT takes the pulse's t0
    from the step time (the switch at 25 s, 5 s before the first pulse sample)."""
    from interstore.echem.gitt import GittGeometry, analyze_gitt

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "记录层"
    sheet = book.active
    sheet.append(["记录序号", "测试时间", "步骤时间", "电流/A", "容量/Ah", "电压/V", "系统时间", "循环序号", "工步序号",
                  "工步状态"])
    t = np.concatenate([[0.0, 10.0, 20.0], 30.0 + 10.0 * np.arange(9), 120.0 + 10.0 * np.arange(20)])
    step = np.where(t < 25, 1, np.where(t < 115, 2, 3))
    began = np.choose(step - 1, [0.0, 25.0, 115.0])
    current = np.where(step == 2, -1e-4, 0.0)
    e = 1.2 - 0.01 * np.sqrt(np.clip(t - 25.0, 0, 90.0)) / np.sqrt(90.0) - 0.002 * (step == 2)
    for k in range(t.size):
        sheet.append([k + 1, dt.timedelta(seconds=float(t[k])), dt.timedelta(seconds=float(t[k] - began[k])),
                      float(current[k]), 0.0, float(e[k]), dt.datetime(2026, 3, 1, 9) + dt.timedelta(seconds=float(t[k])),
                      1, int(step[k]), STATE[0] if step[k] != 2 else STATE[3]])
    f = tmp_path / "zh_clock.xlsx"
    book.save(f)
    as_utf8(f)
    m = read_measurement(f)
    assert m.time_s == pytest.approx(t, abs=1e-6)
    assert m.data["step_time_s"].to_numpy() == pytest.approx(t - began, abs=1e-6)
    pulse = analyze_gitt(m, GittGeometry.from_length(1e-4)).pulses[0]
    assert pulse.t0_method == "step-time" and pulse.t0_s == pytest.approx(25.0, abs=1e-6)
    assert pulse.t0_offset_s == pytest.approx(5.0, abs=1e-6)


def test_unitless_numeric_test_time_is_refused(tmp_path):
    """A bare number under 测试时间 has no unit: one error naming the column, not a guess."""
    from interstore.errors import InputError

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "记录层"
    book.active.append(["测试时间", "电流/A", "电压/V", "工步序号"])
    for k in range(4):
        book.active.append([10.0 * k, 0.0, 1.2, 1])
    f = tmp_path / "bare_time.xlsx"
    book.save(f)
    with pytest.raises(InputError, match="测试时间"):
        read_measurement(f)


TEXT_HEADER = ["记录序号", "测试时间", "步骤时间", "电流/A", "容量/Ah", "电压/V", "系统时间", "循环序号", "工步序号", "工步状态"]


def land_text(encoding: str, header=TEXT_HEADER, clock=True) -> bytes:
    """A LAND text export as libdada reads it (tab-separated, header on line 1), in ``encoding``;
    times as h:mm:ss clock cells (``clock``) or as seconds."""
    lines = ["\t".join(header)]
    for k, (t, st, i, s) in enumerate(zip(TIME_S, STEP_TIME_S, CURRENT_A, STEP)):
        q = 1e-4 * max(0.0, min(t, 55.0) - 25.0) / 3600 if s > 1 else 0.0
        cells = [f"{int(x) // 3600}:{int(x) % 3600 // 60:02d}:{x % 60:06.3f}" if clock else f"{x:.3f}" for x in (t, st)]
        lines.append("\t".join([str(k + 1), *cells, f"{i:.6f}", f"{q:.9f}", f"{1.2 - 0.01 * (s > 1):.4f}",
                                f"2026-03-01 09:{int(t) // 60:02d}:{int(t) % 60:02d}", "1", str(s), STATE[k]]))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_gbk_text_export_with_clock_times(tmp_path):
    """The header and the state words in GBK bytes (not UTF-8), times as clock cells."""
    from interstore.echem.readers.registry import find_format

    raw = land_text("gbk")
    assert raw.startswith("记录序号\t测试时间\t步骤时间".encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    f = tmp_path / "蓝电_GITT.txt"
    f.write_bytes(raw)
    assert find_format(f).name == "landt-text"
    m = read_measurement(f)
    assert m.instrument == "landt"
    assert m.time_s.tolist() == TIME_S and m.data["step_time_s"].tolist() == STEP_TIME_S
    assert m.current_A.tolist() == CURRENT_A and m.step.tolist() == STEP


def test_utf8_text_export_with_seconds(tmp_path):
    f = tmp_path / "land.txt"
    header = [h.replace("测试时间", "测试时间/Sec").replace("步骤时间", "步骤时间/Sec") for h in TEXT_HEADER]
    f.write_bytes(b"\xef\xbb\xbf" + land_text("utf-8", header, clock=False))
    m = read_measurement(f)
    assert m.instrument == "landt" and m.data["step_time_s"].tolist() == STEP_TIME_S
