"""Text encodings of instrument exports: UTF-8 first, else Windows-1252 (EC-Lab and Excel on
Windows write '°C', 'µF', 'cm²' so), else Latin-1, for the head and for every data row, and
the encoding used is stated.  The samples are written byte for byte by the tests."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interstore.echem.readers import read_impedance, read_measurement
from interstore.errors import InputError

# An EC-Lab .mpt export as EC-Lab for Windows writes it: Windows-1252, CRLF, decimal comma.
MPT_CP1252 = (
    "EC-Lab ASCII FILE\r\nNb header lines : 7\r\n\r\nChronopotentiometry\r\n"
    "Electrode surface area : 0,196 cm²\r\nComments : 25 °C, 1 µm film – cell 2\r\n"
    "mode\ttime/s\tEwe/V\t<I>/mA\tcycle number\tCapacitance charge/µF\r\n"
    + "".join(f"1\t{k * 10},000\t{1 + 0.01 * k:.3f}\t0,100\t0\t{k},5\r\n".replace(".", ",") for k in range(20))
).encode("cp1252")


def _ascii_head_csv(n_rows: int, late_row: int, late_cell: bytes, *, column: str = "note") -> bytes:
    """A CSV whose first ``late_row - 1`` rows are ASCII (longer than the 2000-line head that
    is decoded up front) and whose row ``late_row`` holds ``late_cell`` in ``column``."""
    rows = [f"{k},{0.5 + 1e-4 * k:.4f},0.1,ok".encode() for k in range(n_rows)]
    k = late_row - 1
    cells = [str(k).encode(), f"{0.5 + 1e-4 * k:.4f}".encode(), b"0.1", b"ok"]
    cells[{"note": 3, "potential": 1}[column]] = late_cell
    rows[k] = b",".join(cells)
    return b"time/s,Ewe/V,I/mA,note\n" + b"\n".join(rows) + b"\n"


def test_windows_1252_mpt_reads_and_says_so(tmp_path, run_cli):
    f = tmp_path / "cp.mpt"
    f.write_bytes(MPT_CP1252)
    assert b"\xb0C" in MPT_CP1252 and b"\xb5F" in MPT_CP1252 and b"\x96" in MPT_CP1252  # the bytes EC-Lab writes
    m = read_measurement(f)
    assert m.extra["text_encoding"] == "Windows-1252" and m.technique == "Chronopotentiometry"
    assert np.allclose(m.potential_V, 1 + 0.01 * np.arange(20)) and np.allclose(m.current_A, 1e-4)
    code, out, err = run_cli("read", f, "--json", tmp_path / "r.json")
    assert code == 0, err
    assert json.loads((tmp_path / "r.json").read_text())["extra"]["text_encoding"] == "Windows-1252"
    assert "Windows-1252" in out


def test_utf8_file_is_utf8(tmp_path):
    f = tmp_path / "utf8.mpt"
    f.write_bytes(MPT_CP1252.decode("cp1252").encode("utf-8"))
    assert read_measurement(f).extra["text_encoding"] == "UTF-8"


@pytest.mark.parametrize("cell, encoding", [
    ("25 °C – Zelle 2".encode("cp1252"), "Windows-1252"),
    (b"bad \x81 byte \xb0", "Latin-1"),        # 0x81 has no character in Windows-1252
    ("25 °C".encode("utf-8"), "UTF-8"),
])
def test_encoding_of_a_row_beyond_the_head(tmp_path, cell, encoding):
    """The head (2000 lines) is ASCII; the first non-ASCII byte sits in row 2600."""
    f = tmp_path / "late.csv"
    f.write_bytes(_ascii_head_csv(3000, 2600, cell))
    m = read_measurement(f)
    assert m.extra["text_encoding"] == encoding
    assert len(m.data) == 3000 and m.potential_V[2599] == pytest.approx(0.5 + 0.2599)


def test_encoding_of_a_late_row_in_a_large_file(tmp_path):
    """A file read in part (head only), whose rows pandas reads by path (in parallel above
    5 MB): a Windows-1252 byte in row 290 000 is found and decoded, not replaced."""
    f = tmp_path / "large.csv"
    f.write_bytes(_ascii_head_csv(300_000, 290_000, "25 °C".encode("cp1252")))
    assert f.stat().st_size > 6 * 2**20
    m = read_measurement(f)
    assert m.extra["text_encoding"] == "Windows-1252" and len(m.data) == 300_000
    f.write_bytes(_ascii_head_csv(300_000, 290_000, "25°C".encode("cp1252"), column="potential"))
    with pytest.raises(InputError, match=r"line 290001: non-numeric value '25°C' in column 'Ewe/V'"):
        read_measurement(f)


def test_a_late_non_utf8_cell_is_quoted_as_written(tmp_path, run_cli):
    """The error quotes the cell as the file means it ('25°C'), not with U+FFFD."""
    f = tmp_path / "late_bad.csv"
    f.write_bytes(_ascii_head_csv(3000, 2600, "25°C".encode("cp1252"), column="potential"))
    with pytest.raises(InputError, match=r"line 2601: non-numeric value '25°C' in column 'Ewe/V'"):
        read_measurement(f)
    code, _, err = run_cli("read", f)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "'25°C'" in err and "\ufffd" not in err


def test_windows_1252_impedance_table_says_so(tmp_path):
    rows = "".join(f"{f:g},{1 + 1 / f:.5f},{-2 / f:.5f}\n" for f in np.logspace(4, -1, 12))
    f = tmp_path / "eis.csv"
    f.write_bytes(("# cell at 25 °C\nfreq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n" + rows).encode("cp1252"))
    s = read_impedance(f)
    assert s.text_encoding == "Windows-1252" and len(s.frequency_Hz) == 12
