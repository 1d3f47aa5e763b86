"""Gamry, CHI, BioLogic .mpr and Neware .nda/.ndax readers.

The text files in tests/echem/data copy the real header layouts; the binaries are
built here byte by byte in the layouts galvani and NewareNDA parse (EC-Lab data
module version 2; NDA version 29; NDAX with an NDC version 2 data file), so the
tests exercise those libraries for real."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from interstore.echem.readers import detect_instrument, read_impedance, read_measurement
from interstore.echem.readers.chi import anodic_positive, sweep_segments
from interstore.echem.readers.neware import total_time_s
from interstore.errors import InputError

DATA = Path(__file__).parent / "data"
RANDLES = dict(r0=5.0, rct=50.0, cdl=20e-6)


def randles(f):
    return RANDLES["r0"] + RANDLES["rct"] / (1 + 1j * 2 * np.pi * f * RANDLES["rct"] * RANDLES["cdl"])


# ---------------------------------------------------------------- Gamry
def test_gamry_cv_curves_cycles_scan_rate():
    m = read_measurement(DATA / "gamry_cv_20mVs.DTA")
    assert (m.instrument, m.technique, m.scan_rate_mV_s) == ("gamry", "CV", 20.0)
    # OCVCURVE is not data; CURVE1..3 become cycles 1..3
    assert sorted(set(m.cycle)) == [1, 2, 3] and len(m.data) == 85
    # Vf is in V, T in s: |dE/dt| equals SCANRATE
    assert np.allclose(np.abs(np.diff(m.potential_V) / np.diff(m.time_s)) * 1e3, 20.0)


def test_gamry_curve_clock_restart_is_continued(tmp_path):
    text = (DATA / "gamry_cv_20mVs.DTA").read_text()
    head, _, rest = text.partition("CURVE2\tTABLE")
    rows = rest.splitlines()
    shifted = rows[:3] + ["\t" + "\t".join([r.split("\t")[1], f"{float(r.split(chr(9))[2]) - 140:.6g}"]
                                            + r.split("\t")[3:]) for r in rows[3:31]] + rows[31:]
    f = tmp_path / "restart.DTA"
    f.write_text(head + "CURVE2\tTABLE" + "\n".join(shifted) + "\n")
    m = read_measurement(f)
    assert np.all(np.diff(m.time_s) > 0)


def test_gamry_eis_zcurve():
    with pytest.raises(InputError, match="looks like an impedance spectrum"):
        read_measurement(DATA / "gamry_eis.DTA")
    s = read_impedance(DATA / "gamry_eis.DTA")
    assert s.instrument == "gamry"
    assert np.allclose(s.z_complex_ohm, randles(s.frequency_Hz), rtol=1e-6)


def test_gamry_truncated_table(tmp_path):
    f = tmp_path / "cut.DTA"
    f.write_text("EXPLAIN\nTAG\tCV\nCURVE1\tTABLE\n\tPt\tT\tVf\tIm\n")
    with pytest.raises(InputError, match="cut.DTA: line 3: table CURVE1 has no column or unit row"):
        read_measurement(f)


def test_gamry_short_units_row_and_text_in_zimag(tmp_path):
    f = tmp_path / "short.DTA"
    f.write_text("EXPLAIN\nTAG\tCV\nCURVE1\tTABLE\n\tPt\tT\tVf\tIm\n\t#\ts\n\t0\t0\t1.0\t1e-6\n\t1\t1\t1.1\t1e-6\n")
    with pytest.raises(InputError, match=r"short.DTA: no unit in column header 'Vf'"):
        read_measurement(f)
    text = (DATA / "gamry_eis.DTA").read_text().splitlines()
    text[-1] = "\t".join(field if i != 5 else "overload" for i, field in enumerate(text[-1].split("\t")))
    f.write_text("\n".join(text) + "\n")
    message = rf"short.DTA: line {len(text)}: non-numeric value 'overload' in column 'Zimag'"
    with pytest.raises(InputError, match=message):
        read_impedance(f)


def test_gamry_without_curves(tmp_path):
    f = tmp_path / "ocp.DTA"
    f.write_text("EXPLAIN\nTAG\tCORPOT\nOCVCURVE\tTABLE\n\tPt\tT\tVf\n\t#\ts\tV\n\t0\t1\t0.5\n\t1\t2\t0.5\n")
    with pytest.raises(InputError, match=r"no CURVE table \(tables found: OCVCURVE\)"):
        read_measurement(f)


# ---------------------------------------------------------------- CHI
def test_chi_cv_time_segments_and_polarity():
    m = read_measurement(DATA / "chi_cv_5mVs.txt")
    assert (m.instrument, m.technique, m.scan_rate_mV_s) == ("chi", "Cyclic Voltammetry", 5.0)
    # time rebuilt from the sweep: 0.05 V steps at 5 mV/s = 10 s per point
    assert np.allclose(np.diff(m.time_s), 10.0)
    # 1.0→1.6, 1.6→0.2, 0.2→1.6, 1.6→0.2, 0.2→1.0: five segments, cycles 1,1,2,2,3
    assert sorted(set(m.step)) == [1, 2, 3, 4, 5] and sorted(set(m.cycle)) == [1, 2, 3]
    # written cathodic-positive by CHI; flipped so the oxidation peak near 1.05 V is positive
    assert m.extra["current_sign_flipped"] is True
    anodic = (m.step == 1) & (np.abs(m.potential_V - 1.05) < 1e-6)
    assert m.current_A[anodic][0] > 3e-4


def test_chi_it_constant_potential():
    m = read_measurement(DATA / "chi_it_1p4V.txt")
    assert np.all(m.potential_V == 1.4) and m.time_s[-1] == 10.0 and m.scan_rate_mV_s is None
    assert m.current_A[0] == pytest.approx(1.01e-4, rel=1e-3)


def test_chi_chronopotentiometry_current_from_programme():
    """CHI writes no current for CP: ±1 mA follows the potential's direction, 4 segments."""
    m = read_measurement(DATA / "chi_cp_gcd.txt")
    assert m.technique == "Chronopotentiometry" and np.allclose(np.diff(m.time_s), 2.0)
    assert m.step.tolist() == [1] * 30 + [2] * 30 + [3] * 30 + [4] * 30
    assert m.cycle.tolist() == [1] * 60 + [2] * 60
    assert np.all(m.current_A[m.step % 2 == 1] == -1e-3) and np.all(m.current_A[m.step % 2 == 0] == 1e-3)


def test_chi_tab_separated_rows_under_comma_header(tmp_path):
    """CHI660D writes 'Potential/V, Current/A' but tab-separated data rows."""
    f = tmp_path / "chi660d.txt"
    rows = "\n".join(f"{e:.3f}\t{1e-6 * (1 if k < 5 else -1):.3e}" for k, e in
                     enumerate([0.0, 0.1, 0.2, 0.3, 0.4, 0.3, 0.2, 0.1]))
    f.write_text("June 21, 2023   16:01:40\nCyclic Voltammetry\nInstrument Model:  CHI660D\n"
                 "Scan Rate (V/s) = 0.1\n\nPotential/V, Current/A\n\n" + rows + "\n")
    m = read_measurement(f)
    assert m.instrument == "chi" and np.allclose(m.time_s, np.arange(8))
    assert m.step.tolist() == [1] * 5 + [2] * 3 and "current_sign_flipped" not in m.extra


def test_chi_eis():
    s = read_impedance(DATA / "chi_eis.txt")
    assert np.allclose(s.z_complex_ohm, randles(s.frequency_Hz), rtol=2e-3)


@pytest.mark.parametrize("potential, segments", [
    ([0, 1, 2, 1, 0, 1], [1, 1, 1, 2, 2, 3]),
    ([0, 1, 1, 2, 2, 1], [1, 1, 1, 1, 1, 2]),   # flat points keep the direction
    ([3, 3, 3], [1, 1, 1]),
])
def test_sweep_segments(potential, segments):
    assert sweep_segments(np.array(potential, float)).tolist() == segments


def test_sweep_segments_hysteresis_ignores_noise():
    """A GCD trace with flat noisy plateaus: without hysteresis every wiggle is a 'turn'."""
    rng = np.random.default_rng(0)
    down = np.concatenate([np.linspace(1.2, 0.85, 10), np.linspace(0.85, 0.82, 30), np.linspace(0.82, 0.3, 10)])
    up = np.concatenate([np.linspace(0.3, 1.0, 10), np.linspace(1.0, 1.03, 40), np.linspace(1.03, 1.5, 10)])
    e = np.concatenate([down, up, down])
    noisy = e + rng.normal(0, 1.5e-3, e.size)
    assert sweep_segments(noisy, 0.0).max() > 20
    seg = sweep_segments(noisy, 0.01 * np.ptp(noisy))
    assert seg.max() == 3
    assert abs(np.flatnonzero(seg == 2)[0] - 50) <= 2 and abs(np.flatnonzero(seg == 3)[0] - 110) <= 2


def test_anodic_positive_from_hysteresis():
    e = np.concatenate([np.linspace(0, 1, 50), np.linspace(1, 0, 50)])
    i = 1e-4 * np.sign(np.gradient(e))  # capacitive box: positive on the anodic sweep
    assert anodic_positive(e, i) and not anodic_positive(e, -i)


def test_detect_instrument_by_content(tmp_path):
    for name, expected in (("chi_cv_5mVs.txt", "chi"), ("gamry_cv_20mVs.DTA", "gamry"),
                           ("biologic_cv_10mVs.mpt", "biologic")):
        f = tmp_path / (Path(name).stem + ".txt")
        f.write_bytes((DATA / name).read_bytes())
        assert detect_instrument(f) == expected
        assert read_measurement(f).instrument == expected


# ---------------------------------------------------------------- BioLogic .mpr (galvani)
MPR_MAGIC = b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"


def _module(short: bytes, data: bytes, version: int) -> bytes:
    hdr = struct.pack("<10s25sII8s", short.ljust(10), b"module".ljust(25), len(data), version, b"03/14/25")
    return b"MODULE" + hdr + data


def write_mpr(path: Path, columns: dict[int, tuple[str, np.ndarray]]) -> None:
    """An EC-Lab .mpr with a settings module and a version-2 data module holding ``columns``
    (EC-Lab column id → (numpy dtype, values))."""
    ids = list(columns)
    n = len(next(iter(columns.values()))[1])
    dtype = np.dtype([(str(i), columns[i][0]) for i in ids])
    records = np.zeros(n, dtype)
    for i in ids:
        records[str(i)] = columns[i][1]
    head = struct.pack("<IB", n, len(ids)) + struct.pack(f"<{len(ids)}H", *ids)
    data = head.ljust(405, b"\x00") + records.tobytes()
    path.write_bytes(MPR_MAGIC + _module(b"VMP Set", b"\x00" * 64, 0) + _module(b"VMP data", data, 2))


def test_mpr_gcpl(tmp_path):
    t = np.arange(0, 100.0, 10.0)
    current_mA = np.where(t < 50, -0.2, 0.2)
    f = tmp_path / "gcpl.mpr"
    write_mpr(f, {4: ("<f8", t), 6: ("<f4", 1.0 + 0.001 * t), 8: ("<f4", current_mA),
                  24: ("<f8", (t >= 50).astype(float)), 131: ("<u2", (t >= 50) + 1)})
    m = read_measurement(f, active_mass_g=0.002)
    assert m.instrument == "biologic" and m.active_mass_g == 0.002
    assert np.allclose(m.time_s, t) and np.allclose(m.current_A, current_mA * 1e-3)
    assert m.cycle.tolist() == [1] * 5 + [2] * 5 and set(m.step) == {1, 2}


MPL_LOG = """EC-Lab LOG FILE

Cyclic Voltammetry

Run on channel : 1 (SN 14990)
Device : SP-300 (SN 1111)
EC-Lab for windows v11.43 (software)
Characteristic mass : 1.200 mg
Ei (V)              1.000               
vs.                 Ref                 
dE/dt               {rate}              
dE/dt unit          {unit}              
E1 (V)              1.600               
"""


@pytest.mark.parametrize("sidecar, rate, unit, expected", [
    ("cv_C01.mpl", "20.000", "mV/s", 20.0),
    ("cv_C01.mpl", "0,500", "V/s", 500.0),
    ("cv.mps", "5.000", "mV/s", 5.0),
])
def test_mpr_scan_rate_from_ec_lab_sidecar(tmp_path, sidecar, rate, unit, expected):
    e = np.concatenate([np.linspace(1.0, 1.6, 7), np.linspace(1.5, 1.0, 6)])
    f = tmp_path / "cv_C01.mpr"
    write_mpr(f, {4: ("<f8", np.arange(13.0)), 6: ("<f4", e), 8: ("<f4", np.ones(13))})
    assert read_measurement(f).scan_rate_mV_s is None        # no sidecar: not recorded
    text = MPL_LOG.format(rate=rate, unit=unit)
    if sidecar.endswith(".mps"):
        text = "EC-LAB SETTING FILE\n\nNumber of linked techniques : 1\n\nTechnique : 1\nCyclic Voltammetry\n" + \
            text.split("Characteristic mass : 1.200 mg\n")[1]
    (tmp_path / sidecar).write_text(text, encoding="latin-1")
    m = read_measurement(f)
    assert m.scan_rate_mV_s == pytest.approx(expected) and m.technique == "Cyclic Voltammetry"


def test_linked_techniques_with_different_rates_leave_scan_rate_unknown(tmp_path):
    f = tmp_path / "rates_C01.mpr"
    write_mpr(f, {4: ("<f8", np.arange(3.0)), 6: ("<f4", np.ones(3)), 8: ("<f4", np.ones(3))})
    blocks = "".join(f"Technique : {k}\nCyclic Voltammetry\ndE/dt               {r}\ndE/dt unit          mV/s\n\n"
                     for k, r in enumerate(("500.000", "100.000"), start=1))
    (tmp_path / "rates.mps").write_text("EC-LAB SETTING FILE\n\nNumber of linked techniques : 2\n\n" + blocks)
    m = read_measurement(f)
    assert m.scan_rate_mV_s is None and m.technique == "Cyclic Voltammetry"


def test_mpr_peis_sign(tmp_path):
    freq = np.logspace(5, -1, 13)
    z = randles(freq)
    f = tmp_path / "peis.mpr"
    write_mpr(f, {32: ("<f4", freq), 37: ("<f4", z.real), 38: ("<f4", -z.imag), 4: ("<f8", np.arange(13.0))})
    s = read_impedance(f)
    assert np.allclose(s.z_complex_ohm, z, rtol=1e-5) and np.all(s.z_imag_ohm < 0)


def test_mpr_damaged(tmp_path):
    good = tmp_path / "good.mpr"
    write_mpr(good, {4: ("<f8", np.arange(5.0)), 6: ("<f4", np.ones(5)), 8: ("<f4", np.ones(5))})
    raw = good.read_bytes()
    for cut in (len(MPR_MAGIC) + 3, len(raw) // 2, len(raw) - 7):
        f = tmp_path / "cut.mpr"
        f.write_bytes(raw[:cut])
        with pytest.raises(InputError, match="cut.mpr: damaged or unsupported .mpr file"):
            read_measurement(f)
    f = tmp_path / "unknown_column.mpr"
    write_mpr(f, {4: ("<f8", np.arange(5.0)), 250: ("<f4", np.ones(5))})
    with pytest.raises(InputError, match=r"unknown_column.mpr: damaged or unsupported .mpr file: galvani cannot "
                                         r"read it \(NotImplementedError: .*column ID.*\(expected the same run "
                                         r"exported as text from EC-Lab .*\.mpt\), which interstore reads"):
        read_measurement(f)


# ---------------------------------------------------------------- Neware .nda (NewareNDA)
# Neware records share one layout of fields, shifted by a format-specific offset:
# index, cycle-1, step, status | time ms, voltage·1e4, current/1e-2 mA | date | current range.
NEWARE_LAYOUTS = {  # record length, start bytes, (ids, ids format), values at, date at, range at
    "nda29": (86, b"\x55\x00", (2, "<IIHB"), 14, 70, 78),
    "ndc2": (94, b"\x55\x00NDC\x00\x00\x00", (8, "<IIBB"), 23, 75, 82),
}


def neware_records(rows: list[tuple[int, int, float, float, float]], layout: str) -> bytes:
    """Records for rows of (cycle, status, step time s, voltage V, current mA); the step
    number increases whenever the status (1 CC_Chg, 2 CC_DChg, …) changes."""
    size, start, (ids_at, ids_format), values_at, date_at, range_at = NEWARE_LAYOUTS[layout]
    out = bytearray()
    step, last_status = 0, None
    for index, (cycle, status, t, v, i_mA) in enumerate(rows, start=1):
        if status != last_status:
            step, last_status = step + 1, status
        rec = bytearray(size)
        rec[:len(start)] = start
        rec[ids_at:ids_at + struct.calcsize(ids_format)] = struct.pack(ids_format, index, cycle - 1, step, status)
        rec[values_at:values_at + 16] = struct.pack("<Qii", round(t * 1000), round(v * 1e4), round(i_mA / 1e-2))
        rec[date_at:date_at + 7] = struct.pack("<HBBBBB", 2025, 3, 14, 10, 0, 0)
        rec[range_at:range_at + 4] = struct.pack("<i", -100000)   # current range: multiplier 1e-2 mA
        out += rec
    return bytes(out)


def write_nda29(path: Path, rows: list[tuple[int, int, float, float, float]]) -> None:
    """A version-29 .nda: header, the 4 zero bytes NewareNDA looks for, then 86-byte records."""
    head = b"NEWARE".ljust(14, b"\x00") + bytes([29]) + b"\x00" * 100 + b"\x00\x00\x00\x00"
    path.write_bytes(head + neware_records(rows, "nda29"))


def test_nda29_cycling(tmp_path):
    rows = []
    for cycle in (1, 2):
        rows += [(cycle, 2, t, 1.2 - 0.01 * t, -0.5) for t in (0.0, 30.0, 60.0)]   # CC_DChg
        rows += [(cycle, 1, t, 0.6 + 0.01 * t, 0.5) for t in (0.0, 30.0, 60.0)]    # CC_Chg
    f = tmp_path / "cell.nda"
    write_nda29(f, rows)
    m = read_measurement(f)
    assert m.instrument == "neware"
    # step time restarts at 0 in every step; total time continues
    assert m.time_s.tolist() == [0, 30, 60, 60, 90, 120, 120, 150, 180, 180, 210, 240]
    assert np.allclose(m.current_A, [-5e-4] * 3 + [5e-4] * 3 + [-5e-4] * 3 + [5e-4] * 3)
    assert np.allclose(m.potential_V[:3], [1.2, 0.9, 0.6])
    assert list(np.unique(m.step)) == [1, 2, 3, 4]


def write_ndax(path: Path, rows: list[tuple[int, int, float, float, float]]) -> None:
    """A .ndax (zip) whose data.ndc is NDC version 2, file type 1: 94-byte records from
    byte 517, each starting with the same 8 bytes."""
    import zipfile

    head = bytearray(517)
    head[0], head[2] = 1, 2                                  # file type 1, version 2
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.ndc", bytes(head) + neware_records(rows, "ndc2"))


def test_ndax_cycling(tmp_path):
    rows = [(1, 2, t, 1.2 - 0.01 * t, -0.5) for t in (0.0, 30.0, 60.0)] + \
           [(1, 1, t, 0.6 + 0.01 * t, 0.5) for t in (0.0, 30.0, 60.0)]
    f = tmp_path / "cell.ndax"
    write_ndax(f, rows)
    m = read_measurement(f)
    assert m.instrument == "neware" and m.time_s.tolist() == [0, 30, 60, 60, 90, 120]
    assert np.allclose(m.current_A, [-5e-4] * 3 + [5e-4] * 3) and np.allclose(m.potential_V[3:], [0.6, 0.9, 1.2])
    assert m.data["capacity_mAh"].tolist() == pytest.approx([0.0] * 6)


def test_nda_damaged(tmp_path):
    f = tmp_path / "junk.nda"
    f.write_bytes(b"NEWARE" + b"\x00" * 8 + bytes([29]) + b"\x00\x00\x00\x00\x55\x00" + b"\x01" * 200)
    with pytest.raises(InputError, match="junk.nda: no valid data record"):  # NewareNDA itself would loop forever
        read_measurement(f)
    f.write_bytes(b"NEWARE" + b"\x00" * 8 + bytes([77]) + b"\x00" * 300)
    with pytest.raises(InputError, match="junk.nda: damaged or unsupported Neware file"):
        read_measurement(f)
    g = tmp_path / "junk.ndax"
    g.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"junk.ndax: byte 0: neither an .nda .* nor an .ndax \(not a zip archive\)"):
        read_measurement(g)
    import zipfile

    with zipfile.ZipFile(g, "w") as zf:
        zf.writestr("VersionInfo.xml", "<config/>")
    with pytest.raises(InputError, match="junk.ndax: damaged or unsupported Neware file"):
        read_measurement(g)


def test_total_time_from_step_time():
    step = np.array([1, 1, 1, 2, 2, 3])
    t = np.array([0.0, 5.0, 10.0, 1.0, 4.0, 2.0])
    assert total_time_s(t, step).tolist() == [0, 5, 10, 11, 14, 16]


def test_total_time_already_cumulative_is_not_summed_again():
    """Older .nda files (NewareNDA's Issue72 TestFile.nda) hold the test time: adding step
    durations again multiplied the duration 6.4× and every capacity (bug 1 of issue 9)."""
    step = np.array([1, 1, 2, 2, 3])
    t = np.array([0.0, 5.0, 5.5, 9.0, 12.0])
    assert total_time_s(t, step).tolist() == t.tolist()


@pytest.mark.parametrize("first_line", ["EC-Lab LOG FILE", "EC-LAB SETTING FILE", "BT-Lab LOG FILE"])
def test_ec_lab_sidecars_are_not_read_as_data(tmp_path, first_line):
    """Bug 6 of issue 9: the .mpl/.mps text beside an .mpr was parsed as a data table."""
    f = tmp_path / "run_C01.mpl"
    f.write_text(first_line + "\n\nCyclic Voltammetry\n\nmode\ttime/s\tEwe/V\tI/mA\n1\t0\t1.0\t2\n1\t1\t1.1\t2\n",
                 encoding="latin-1")
    with pytest.raises(InputError, match=r"run_C01.mpl: an EC-Lab log/settings file \(.mpl/.mps\) holds the run's "
                                         r"settings, not its data \(expected the .mpr or an exported .mpt"):
        read_measurement(f)


def test_current_rebuilt_from_the_charge_increment():
    """⟨I⟩_k = 3600·dq_k/Δt_k (mA, dq in mA·h); first row and Δt = 0 give 0."""
    from interstore.echem.readers.biologic import current_from_charge_mA

    t = np.array([0.0, 2.0, 2.0, 5.0])
    dq = np.array([0.0, 1e-3, 0.0, -3e-3])
    assert current_from_charge_mA(dq, t).tolist() == pytest.approx([0.0, 1.8, 0.0, -3.6])
