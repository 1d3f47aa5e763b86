"""Spectrum readers on byte-faithful samples written by the tests (layouts of real exports:
CasaXPS text export, Kratos/CasaXPS VAMAS, two-column CSV) and on real files where the
shared data folder has them."""

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.spectra.readers import detect_format, read_spectra, read_spectrum
from interstore.spectra.series import read_series


def vamas_text(ke_start, step, counts, *, hv=1486.6, leading_blank=False, scan="REGULAR"):
    """A one-block ISO 14976 file laid out like a Kratos AXIS export (kinetic-energy axis)."""
    header = ["VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4", "Not specified",
              "AXIS Supra", "operator", "V2O5 test", "0", "NORM", scan, "1", "0", "0", "0", "0", "0", "1"]
    block = ["V 2p", "V2O5 pellet", "2024", "3", "1", "12", "0", "0", "0", "0", "XPS", "Al (mono)", f"{hv}",
             "225", "1E+37", "1E+37", "1E+37", "1E+37", "FAT", "20", "1E+37", "4.5", "0", "1E+37", "1E+37", "0", "0",
             "V", "2p", "-1", "Kinetic Energy", "eV", f"{ke_start}", f"{step}", "1", "Intensity", "d",
             "pulse counting", "0.1", "1", "0", "0", "0", "0", "0", f"{len(counts)}", f"{min(counts)}",
             f"{max(counts)}"] + [f"{c}" for c in counts]
    lines = ([""] * 2 if leading_blank else []) + header + block + ["end of experiment"]
    return "\r\n".join(lines) + "\r\n"


def test_vamas_kinetic_axis_becomes_binding_energy(tmp_path):
    counts = [100.0, 120.0, 400.0, 900.0, 420.0, 130.0, 101.0]
    p = tmp_path / "v2p.vms"
    p.write_text(vamas_text(969.0, 0.1, counts, leading_blank=True), encoding="ascii", newline="")
    assert detect_format(p) == "vamas"
    s = read_spectrum(p)
    assert s.technique == "XPS" and s.name == "V 2p V2O5 pellet"
    # hν − E_kin, ascending after sorting: 517.0 … 517.6 eV
    np.testing.assert_allclose(s.x, 1486.6 - (969.0 + 0.1 * np.arange(7))[::-1])
    np.testing.assert_allclose(s.y, counts[::-1])
    assert s.x[int(np.argmax(s.y))] == pytest.approx(517.3)


def test_vamas_irregular_and_garbage_are_one_line_errors(tmp_path):
    p = tmp_path / "irr.vms"
    p.write_text(vamas_text(969.0, 0.1, [1.0] * 6, scan="IRREGULAR"), encoding="ascii")
    with pytest.raises(InputError, match="IRREGULAR"):
        read_spectra(p)
    q = tmp_path / "bad.vms"
    q.write_text("VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4\nx\n", encoding="ascii")
    with pytest.raises(InputError, match="not a readable VAMAS file"):
        read_spectra(q)


CASA = ("Cycle 0:V2p\n\tCharacteristic Energy eV\t1.486610e+003\tAcquisition Time s\t1.000000e-001\n"
        "Name\t\t\nPosition\t\t\nFWHM\t\t\nArea\t\t\nLineshape\t\t\nK.E.\tCounts\t\tB.E.\tCPS\n")


def test_casaxps_text_export_uses_the_be_and_cps_columns(tmp_path):
    be = np.arange(520.0, 510.0 - 1e-9, -0.5)
    counts = 1000 + 500 * np.exp(-0.5 * ((be - 517.2) / 0.6) ** 2)
    rows = "".join(f"{1486.61 - b:.6e}\t{c:.6e}\t\t{b:.6e}\t{c * 10:.6e}\n" for b, c in zip(be, counts))
    p = tmp_path / "casa.txt"
    p.write_text(CASA + rows + CASA.replace("V2p", "O1s") + rows, encoding="ascii")
    spectra = read_spectra(p, technique="XPS")
    assert [s.name for s in spectra] == ["Cycle 0:V2p", "Cycle 0:O1s"]
    s = spectra[0]
    assert (s.meta["x_column"], s.meta["y_column"]) == ("B.E.", "CPS")
    np.testing.assert_allclose(s.x, be[::-1])
    np.testing.assert_allclose(s.y, 10 * counts[::-1], rtol=1e-6)  # written with 7 significant digits
    with pytest.raises(InputError, match="2 spectra"):
        read_spectrum(p, technique="XPS")
    assert read_spectrum(p, technique="XPS", block=2).name == "Cycle 0:O1s"


def test_two_column_csv_with_header_and_errors(tmp_path):
    p = tmp_path / "raman.csv"
    p.write_text("# Renishaw export\nRaman shift (cm-1),Intensity\n" +
                 "".join(f"{x},{y}\n" for x, y in zip(range(100, 110), range(10))), encoding="utf-8")
    s = read_spectrum(p)
    assert s.technique == "Raman" and s.x[0] == 100 and s.y[-1] == 9
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n2,3\n3,oops\n4,5\n5,6\n6,7\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 4"):
        read_spectrum(bad)
    with pytest.raises(InputError, match="unknown technique"):
        read_spectrum(p, technique="optical photo")


def test_series_matrix_and_index(tmp_path):
    x = np.linspace(700, 1000, 31)
    mat = tmp_path / "series.csv"
    mat.write_text("shift,t=0,t=60,t=120\n" + "".join(f"{v},{1},{2},{3}\n" for v in x), encoding="utf-8")
    s = read_series(mat)
    assert s.time_s.tolist() == [0, 60, 120] and s.y[:, 0].tolist() == [1, 2, 3]
    for k in range(3):
        (tmp_path / f"s{k}.csv").write_text("".join(f"{v},{k + v / 1e3}\n" for v in x), encoding="utf-8")
    idx = tmp_path / "index.csv"
    idx.write_text("file,time_s\n" + "".join(f"s{k}.csv,{10 * k}\n" for k in range(3)) + "\n\n\n", encoding="utf-8")
    s2 = read_series(idx)
    assert s2.time_s.tolist() == [0, 10, 20] and s2.y[2, 0] == pytest.approx(2.7)
    mat.write_text("shift,0,60,sixty\n" + "".join(f"{v},1,2,3\n" for v in x), encoding="utf-8")
    with pytest.raises(InputError, match="'sixty' is not a time stamp"):
        read_series(mat)


@pytest.mark.parametrize("content, needle", [
    (b"", "no numeric data rows"),
    (b"\x00\x01\x02binary\xff\xfe" * 50, "no numeric data rows"),
    (b"1,2\n2,3\n3,4\n4,5\n5,1e300\n", "absurd magnitude"),
    (b"1,2\n2,3\n", "only 2 data point"),
    (b"1,2\n2,nan\n3,4\n4,5\n5,6\n6,7\n", "line 2"),
])
def test_bad_text_files_are_one_line_errors(tmp_path, content, needle):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(InputError, match=needle):
        read_spectrum(p)


def test_omnic_files_are_sniffed_and_garbage_is_one_line(tmp_path):
    pytest.importorskip("spectrochempy_omnic")
    p = tmp_path / "renamed.bin"  # an OMNIC header without the .spa/.spg suffix
    p.write_bytes(b"Spectral Data File\r\n" + b"\0" * 40)
    q = tmp_path / "bad.spa"
    q.write_text("not an OMNIC file", encoding="ascii")
    assert detect_format(p) == detect_format(q) == "omnic"
    for path in (p, q):
        with pytest.raises(InputError, match="not a readable OMNIC file"):
            read_spectra(path)
