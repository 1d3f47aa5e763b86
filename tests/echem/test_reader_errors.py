"""Every registry format refuses a damaged file with a :class:`ReaderError` naming the file.

For each entry of :data:`interstore.echem.readers.FORMATS` the test writes a sample whose
first bytes make the registry pick that entry, but whose body is truncated or corrupted.
The reader must raise :class:`ReaderError` (an ``InputError``), one line, with the file
name in it, and never a bare ``ValueError``/``KeyError``/``IndexError``, a
``UnicodeDecodeError`` or a library's own exception.  Through the CLI the same file gives
one ``error:`` line on stderr, exit code 2 and no traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from interstore.echem.readers import FORMATS, find_format, read_impedance, read_measurement
from interstore.echem.readers import biologic, neware
from interstore.errors import InputError, ReaderError, reading_as

DATA = Path(__file__).parent / "data"


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _ndax() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("VersionInfo.xml", "<config><ZwjVersion>8.0</ZwjVersion></config>")
        archive.writestr("data.ndc", b"\x00\x01garbage" * 20)
    return buf.getvalue()


def _cut(name: str, keep: float) -> bytes:
    raw = (DATA / name).read_bytes()
    return raw[: int(len(raw) * keep)]


_GARBAGE = np.random.default_rng(14).bytes(600)
_BASYTEC = ("~Resultfile from Basytec Battery Test System\r\n~\r\n~Time[s]\tLine\tCommand\tU[V]\tI[A]\tAh-Step\t"
            "Cyc-Count\r\n0\t3\tPause\t3.5\t0\t0\t0\r\n60\t4\tCharge\tthree\t0.5\t0.008\t0\r\n")
_MACCOR = ("Today's Date:\t14 December 2020\r\nRec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\t"
           "State\r\n1\t0\t1\t  0d 00:00:0\t  0d 00:00:0\t0.0\t0.0\t0.0\t3.46\tR\r\n"
           "2\t0\t2\t  0d 0x:00:0.5\t  0d 00:00:0.5\t0.75\t2.7\t1.5\t3.6\tC\r\n")
_NOVONIX = ("[Summary]\r\nNovonix UHPC data file\r\n[End Summary]\r\n[Data]\r\nDate and Time,Cycle Number,Step Type,"
            "Run Time (h),Current (A),Potential (V),Capacity (Ah)\r\n2025-07-19 15:26:20,1,7,0.0,0.0,3.84,0.0\r\n"
            "2025-07-19 15:56:20,1,7,0.5,0.5,3.9")
_ARBIN_CSV = ("Data Point,Test Time (s),Step Index,Cycle Index,Current (A),Voltage (V)\r\n1,0,1,1,0,3.5\r\n"
              "2,30,1,1,0.1,3.6\r\n3,6\r\n")
_AUTOLAB = "Potential applied (V);Time (s);WE(1).Current (A)\r\n0,1;0;1E-6\r\n0,2;1;\xff\xfe\r\n"
_ZPLOT = "ZPLOT2 ASCII\r\n  Freq(Hz)\tAmpl\tBias\tTime(Sec)\tZ'(a)\tZ''(b)\r\nEnd Comments\r\n5.0E+04\t1.0E-02\t0\t2.5\t2"
_PAR = ("<Application>\r\nName=VersaStudio\r\n</Application>\r\n<Segment1>\r\nDefinition=Segment #, Point #, E(V), "
        "I(A), Elapsed Time(s)\r\n0,0,0.1,1e-6,0\r\n0,1,0.2,2e-6,1\r\n")
_IVIUM = (b"\x00" * 16 + b"Version=15\r\nMethod=Impedance\r\nDconfig=16905\r\n" + b"primary_data    \r\x003  \r\n"
          + b"26        \r\n1.0E+00  -1.0E+00 1.0E+01 \r\n")
_CSV = "time/s,Ewe/V,I/mA\n0,1.0,0.1\n1,1.1,0.1\n2,1.2"
_LANDT_TEXT = "记录序号\t测试时间/Sec\t电流/mA\t电压/V\r\n1\t0\t0.5\t1.20\r\n2\t10\t0.5\t一点二\r\n"

# name -> (file name, bytes): each sample is picked by the registry as that entry.
SAMPLES: dict[str, tuple[str, bytes]] = {
    "ec-lab-sidecar": ("run.mpl", b"EC-Lab LOG FILE\r\n\r\nNumber of loops : 1\r\n"),
    "biologic-mpr": ("run.mpr", biologic.MPR_MAGIC_START + b"\x00" * 10 + _GARBAGE),
    "biologic-mpt": ("run.mpt", _cut("biologic_gcpl.mpt", 0.04)),
    "neware-nda": ("run.nda", neware.NDA_MAGIC + _GARBAGE),
    "neware-ndax": ("run.ndax", _ndax()),
    "gamry-dta": ("run.DTA", _cut("gamry_cv_20mVs.DTA", 0.1)),
    "arbin-res": ("run.res", b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00" * 200),
    "basytec": ("run.txt", _BASYTEC.encode("latin-1")),
    "maccor": ("run.txt", _MACCOR.encode()),
    "novonix": ("run.csv", _NOVONIX.encode()),
    "arbin-csv": ("run.csv", _ARBIN_CSV.encode()),
    "autolab": ("run.txt", _AUTOLAB.encode("latin-1")),
    "zplot": ("run.z", _ZPLOT.encode()),
    "versastudio": ("run.par", _PAR.encode()),
    "ivium": ("run.idf", _IVIUM),
    "landt-xlsx": ("run.xlsx", None),
    "neware-xlsx": ("run.xlsx", None),
    "arbin-xlsx": ("run.xlsx", None),
    "cycler-xlsx": ("run.xlsx", None),
    "landt-text": ("run.txt", _LANDT_TEXT.encode("gbk")),
    "chi-text": ("run.txt", _cut("chi_cv_5mVs.txt", 0.3)),
    "csv": ("run.csv", _CSV.encode()),
}


def _sample_bytes(name: str) -> bytes:
    if name == "landt-xlsx":
        return _xlsx({"Record-Tab": [["Record", "TestTime/Sec", "Current/mA", "Voltage/V"], [1, "x", 0, 3.0],
                                     [2, "y", 1, None]]})
    if name == "neware-xlsx":
        return _xlsx({"record": [["DataPoint", "Total Time", "Current(A)", "Voltage(V)"], [1, "0:00:00", 0.0, 3.0],
                                 [2, "never", 0.1, "n/a"]]})
    if name == "arbin-xlsx":
        return _xlsx({"Channel_1-005": [["Data_Point", "Test_Time(s)", "Current(A)"], [1, 0.0, 0.0]]})
    if name == "cycler-xlsx":
        return _xlsx({"Record-Tab": [["Record"], [1]]})[:2000]   # a workbook cut short
    return SAMPLES[name][1]


def test_every_registry_format_has_a_damaged_sample():
    assert set(SAMPLES) == {f.name for f in FORMATS}


def _write(tmp_path: Path, name: str) -> Path:
    f = tmp_path / name / SAMPLES[name][0]
    f.parent.mkdir()
    f.write_bytes(_sample_bytes(name))
    assert find_format(f).name == name, "the sample must reach the reader of its entry"
    return f


def _reader(name: str):
    fmt = next(f for f in FORMATS if f.name == name)
    return (read_measurement, "") if fmt.read_measurement is not None else (read_impedance, "--impedance")


@pytest.mark.parametrize("name", list(SAMPLES))
def test_damaged_file_raises_reader_error_naming_the_file(tmp_path, name):
    f = _write(tmp_path, name)
    reader, _ = _reader(name)
    with pytest.raises(ReaderError) as err:
        reader(f)
    msg = str(err.value)
    assert str(f) in msg and "\n" not in msg and err.value.source == str(f)
    assert err.value.expected, "the message says what was expected"


@pytest.mark.parametrize("name", list(SAMPLES))
def test_damaged_file_through_the_cli_is_one_line_exit_2(tmp_path, name, run_cli):
    f = _write(tmp_path, name)
    _, flag = _reader(name)
    code, out, err = run_cli("read", f, *([flag] if flag else []))
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith("error: ") and f.name in lines[0] and "Traceback" not in err + out


def test_reading_as_turns_library_errors_into_reader_errors(tmp_path):
    f = tmp_path / "x.bin"
    for exc in (ValueError("bad"), KeyError("col"), IndexError("out"), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "x"),
                zipfile.BadZipFile("File is not a zip file")):
        with pytest.raises(ReaderError, match=r"x\.bin: cannot be read as a demo file \(" + type(exc).__name__):
            with reading_as(f, "a demo file"):
                raise exc
    with pytest.raises(ReaderError, match=r"x\.bin: line 3: bad row \(expected 3 fields\)") as err:
        with reading_as(f, "a demo file"):
            raise InputError(f, "bad row", where="line 3", expected="3 fields")
    assert err.value.where == "line 3"
    with pytest.raises(InputError) as other:     # about an option, not the file: passes unchanged
        with reading_as(f, "a demo file"):
            raise InputError("option --columns", "unknown key")
    assert type(other.value) is InputError
