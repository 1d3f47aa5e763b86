"""Damaged input never crashes or hangs a reader: it gives a one-line ReaderError naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from interstore.echem.readers import read_impedance, read_measurement
from interstore.errors import InputError, ReaderError

DATA = Path(__file__).parent / "data"
EXTENSIONS = (".csv", ".tsv", ".txt", ".mpt", ".mpr", ".dta", ".DTA", ".nda", ".ndax", ".dat")
MEASUREMENT_FILES = ("biologic_cv_10mVs.mpt", "biologic_gcpl.mpt", "neware_export.csv", "gamry_cv_20mVs.DTA",
                     "chi_cv_5mVs.txt", "chi_it_1p4V.txt", "chi_cp_gcd.txt")
IMPEDANCE_FILES = ("biologic_peis.mpt", "eis_semicolon.csv", "gamry_eis.DTA", "chi_eis.txt")


def _one_line_error(exc: InputError, path: Path) -> str:
    msg = str(exc)
    assert "\n" not in msg and path.name in msg
    return msg


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_empty_file(tmp_path, ext):
    f = tmp_path / f"empty{ext}"
    f.write_bytes(b"")
    with pytest.raises(ReaderError, match="empty") as err:
        read_measurement(f)
    _one_line_error(err.value, f)


@pytest.mark.parametrize("ext", EXTENSIONS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes(tmp_path, ext, seed):
    f = tmp_path / f"garbage{ext}"
    f.write_bytes(np.random.default_rng(seed).bytes(3000))
    for reader in (read_measurement, read_impedance):
        with pytest.raises(ReaderError) as err:
            reader(f)
        _one_line_error(err.value, f)


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_printable_garbage(tmp_path, ext):
    rng = np.random.default_rng(7)
    letters = np.array(list("abcdefghij ,;\t\n0123456789.-"))
    f = tmp_path / f"words{ext}"
    f.write_text("".join(rng.choice(letters, 4000)))
    with pytest.raises(InputError) as err:
        read_measurement(f)
    _one_line_error(err.value, f)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_measurement(tmp_path / "nope.mpt")
    with pytest.raises(InputError, match="not a regular file"):
        read_measurement(tmp_path)


@pytest.mark.parametrize("name", MEASUREMENT_FILES + IMPEDANCE_FILES)
def test_truncated_anywhere_reads_or_raises_input_error(tmp_path, name):
    """Cut a good file at 25 places: each either still reads (cut in the last row between
    complete fields is indistinguishable from a shorter file) or raises InputError."""
    raw = (DATA / name).read_bytes()
    reader = read_impedance if name in IMPEDANCE_FILES else read_measurement
    cuts = np.random.default_rng(3).integers(1, len(raw) - 1, 25)
    for cut in cuts:
        f = tmp_path / f"cut{Path(name).suffix}"
        f.write_bytes(raw[:cut])
        try:
            reader(f)
        except ReaderError as exc:
            _one_line_error(exc, f)


def test_mpt_truncated_in_header(tmp_path):
    raw = (DATA / "biologic_cv_10mVs.mpt").read_bytes()
    f = tmp_path / "short.mpt"
    f.write_bytes(raw[:600])
    with pytest.raises(InputError, match=r"short.mpt: line 2: header says 51 header lines"):
        read_measurement(f)


def test_mpt_truncated_mid_row(tmp_path):
    raw = (DATA / "biologic_gcpl.mpt").read_bytes()
    f = tmp_path / "mid.mpt"
    f.write_bytes(raw[: raw.rindex(b"\t", 0, len(raw) - 40)])
    with pytest.raises(InputError, match=r"mid.mpt: line \d+: last data row is incomplete"):
        read_measurement(f)


BAD_CSV = [
    ("nan.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n1,NaN,0.1\n2,1.2,0.1\n",
     r"nan.csv: line 3: empty, missing or NaN value in column 'Ewe/V'"),
    ("blank.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n\n2,1.2,0.1\n", r"blank.csv: line 3: empty"),
    ("inf.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n1,1.1,inf\n2,1.2,0.1\n",
     r"inf.csv: line 3: infinite or out-of-range value 'inf' in column 'I/mA'"),
    ("huge.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n1,1e400,0.1\n2,1.2,0.1\n",
     r"huge.csv: line 3: infinite or out-of-range value .* in column 'Ewe/V'"),
    ("text.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n1,1.1,overload\n2,1.2,0.1\n",
     r"text.csv: line 3: non-numeric value 'overload' in column 'I/mA'"),
    ("extra.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n1,1.1,0.1,9\n2,1.2,0.1\n",
     r"extra.csv: line 3: row has 4 fields where the header has 3"),
    ("comma.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n1,1,1,0.1\n", r"comma.csv: line 3: row has 4 fields"),
    ("first.csv", "time/s,Ewe/V,I/mA\n0,1,0,0.1\n1,1.1,0.1\n", r"first.csv: line 2: row has 4 fields"),
    ("cycle.csv", "time/s,Ewe/V,I/mA,cycle\n0,1,0.1,1\n1,1.1,0.1,1e300\n",
     r"cycle.csv: data row 2: value .* in 'cycle'"),
    ("nocurrent.csv", "time/s,Ewe/V,T/degC\n0,1.0,25\n1,1.1,25\n",
     r"nocurrent.csv: no current column among the headers"),
    ("furlong.csv", "time (s),potential (V),current (furlongs)\n0,1.0,1\n1,1.1,1\n",
     r"furlong.csv: unknown current unit 'furlongs' in column header 'current \(furlongs\)'"),
    ("back.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n5,1.1,0.1\n2,1.2,0.1\n", r"back.csv: data row 3: time goes backwards"),
    ("header.csv", "time/s,Ewe/V,I/mA\n", r"header.csv: .*no header row followed by numeric data"),
    ("onerow.csv", "time/s,Ewe/V,I/mA\n0,1.0,0.1\n", r"onerow.csv: line 2: only 1 data row"),
]


@pytest.mark.parametrize("name, text, message", BAD_CSV, ids=[b[0] for b in BAD_CSV])
def test_bad_csv_one_line_error(tmp_path, name, text, message):
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        read_measurement(f)
    _one_line_error(err.value, f)


def test_bad_parameters(tmp_path):
    f = tmp_path / "ok.mpt"
    shutil.copy(DATA / "biologic_gcpl.mpt", f)
    with pytest.raises(InputError, match="active mass"):
        read_measurement(f, active_mass_g=-1.0)
    with pytest.raises(InputError, match="unknown instrument 'keithley'"):
        read_measurement(f, instrument="keithley")
    with pytest.raises(InputError, match="no such column"):
        read_measurement(f, columns={"time": "Zeit/s"})
    with pytest.raises(InputError, match="do not apply"):
        read_measurement(f, columns={"frequency": "freq/Hz"})


def test_input_files_are_not_modified(tmp_path):
    f = tmp_path / "cv.mpt"
    shutil.copy(DATA / "biologic_cv_10mVs.mpt", f)
    before = (f.read_bytes(), f.stat().st_mtime_ns)
    read_measurement(f)
    assert (f.read_bytes(), f.stat().st_mtime_ns) == before


@pytest.mark.parametrize("name", MEASUREMENT_FILES + IMPEDANCE_FILES)
def test_line_mutations_read_or_raise_input_error(tmp_path, name):
    """Delete, duplicate or scramble one line of a good file (40 seeded mutations each):
    the reader either copes or raises InputError; nothing else escapes."""
    lines = (DATA / name).read_bytes().split(b"\n")
    reader = read_impedance if name in IMPEDANCE_FILES else read_measurement
    rng = np.random.default_rng(11)
    garbage = np.frombuffer(b"abcXYZ019.,;:/()-+eE \t#=", np.uint8)
    for trial in range(40):
        k = int(rng.integers(len(lines)))
        mutated = list(lines)
        if trial % 3 == 0:
            del mutated[k]
        elif trial % 3 == 1:
            mutated.insert(k, lines[k])
        else:
            mutated[k] = rng.choice(garbage, max(len(lines[k]), 1)).tobytes()
        f = tmp_path / f"mutated{Path(name).suffix}"
        f.write_bytes(b"\n".join(mutated))
        try:
            reader(f)
        except ReaderError as exc:
            _one_line_error(exc, f)


@pytest.mark.parametrize("name", MEASUREMENT_FILES + IMPEDANCE_FILES)
def test_byte_mutations_read_or_raise_input_error(tmp_path, name):
    """1-5 random byte edits (overwrite, delete a run, insert printable junk), 60 seeded
    trials per file: the reader copes or raises InputError, never anything else."""
    raw = (DATA / name).read_bytes()
    reader = read_impedance if name in IMPEDANCE_FILES else read_measurement
    rng = np.random.default_rng(sum(name.encode()))
    f = tmp_path / f"mutated{Path(name).suffix}"
    for _ in range(60):
        data = bytearray(raw)
        for _ in range(int(rng.integers(1, 6))):
            k, op = int(rng.integers(len(data))), int(rng.integers(3))
            if op == 0:
                data[k] = int(rng.integers(32, 127))
            elif op == 1:
                del data[k:k + int(rng.integers(1, 50))]
            else:
                data[k:k] = rng.integers(32, 127, int(rng.integers(1, 20))).astype(np.uint8).tobytes()
        f.write_bytes(bytes(data))
        try:
            reader(f)
        except ReaderError as exc:
            _one_line_error(exc, f)


@pytest.mark.parametrize("instrument", ["biologic", "neware", "chi", "gamry", "csv"])
def test_every_file_forced_through_every_reader(instrument):
    """A file forced through the wrong reader (--instrument) reads or raises InputError."""
    for path in sorted(DATA.glob("*")):
        if path.suffix == ".md":
            continue
        for reader in (read_measurement, read_impedance):
            try:
                reader(path, instrument=instrument)
            except ReaderError as exc:
                _one_line_error(exc, path)


@pytest.mark.parametrize("damage, message", [
    (lambda rows: rows[:3999] + ["3999,1.0,abc"] + rows[4000:], r"big.csv: line 4001: non-numeric value 'abc'"),
    (lambda rows: rows + ["5000,1.0"], r"big.csv: line 5002: last data row is incomplete"),
    (lambda rows: rows[:2500] + [""] + rows[2500:], r"big.csv: line 2502: empty, missing or NaN value"),
])
def test_large_file_read_from_disk_keeps_line_numbers(tmp_path, damage, message):
    """Files longer than the 2000-line head are streamed from disk (never held whole in
    memory); errors still name the file line."""
    rows = [f"{k},{1 + k * 1e-4:.4f},0.1" for k in range(5000)]
    f = tmp_path / "big.csv"
    f.write_text("time/s,Ewe/V,I/mA\n" + "\n".join(rows) + "\n\n \n")
    m = read_measurement(f)
    assert len(m.data) == 5000 and m.time_s[-1] == 4999.0          # trailing blank lines dropped
    f.write_text("time/s,Ewe/V,I/mA\n" + "\n".join(damage(rows)) + "\n")
    with pytest.raises(InputError, match=message):
        read_measurement(f)


@pytest.mark.parametrize("header_note", ['note: Z"/ohm is quoted "like this', "plain note", "lone\rcarriage return"])
def test_large_file_rows_after_any_header_lines(tmp_path, header_note):
    """pandas skips the header lines itself only when it would count them as open_text does."""
    rows = [f"{k},{1 + k * 1e-4:.4f},0.1" for k in range(3000)]
    f = tmp_path / "big.csv"
    f.write_bytes(f"{header_note}\ntime/s,Ewe/V,I/mA\n".encode() + "\n".join(rows).encode() + b"\n")
    m = read_measurement(f)
    assert len(m.data) == 3000 and m.time_s[0] == 0.0 and m.potential_V[-1] == pytest.approx(1.2999)
