"""Real files of the newer formats listed in ../shared/data/SOURCES.md (BaSyTec, Maccor,
Novonix, Arbin, LAND/LANHE, Neware .xlsx, Autolab NOVA, ZPlot, VersaStudio, Ivium).

One test per listed file, chosen by the SOURCES.md ``instrument`` column or the file's
extension; files not listed there are not collected.  A listed file that is missing
fails (the whole folder missing skips).  Checks:

* cycling files: in every step with current, the charge the file's own capacity column
  moved by equals ∫ I dt over the step's rows within 1 % (the trapezoid rule on the
  instrument's own samples);
* impedance files: the spectrum equals impedance.py's reader for that format, where it
  has one, bit for bit.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from interstore.echem.readers import arbin, autolab, basytec, excel, ivium, maccor, novonix, versastudio, zplot

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# (name, test on the instrument column, extension test, measurement reader, impedance reader, impedance.py format)
FORMATS = (
    ("basytec", r"basytec", (), basytec.read_basytec, None, None),
    ("maccor", r"maccor", (), maccor.read_maccor, None, None),
    ("novonix", r"novonix", (), novonix.read_novonix, None, None),
    ("arbin", r"arbin", (".res",), arbin.read_arbin, None, None),
    ("excel", r"\bland\b|lanhe|landt|neware.*(xlsx|excel)", (".xlsx",), excel.read_excel, None, None),
    ("autolab", r"autolab|nova", (), autolab.read_nova, autolab.read_nova_impedance, None),
    ("zplot", r"zplot|zview|z60", (".z",), None, zplot.read_zplot_impedance, "zplot"),
    ("versastudio", r"versastudio", (".par",), versastudio.read_par, versastudio.read_par_impedance, "versastudio"),
    ("ivium", r"ivium", (".idf",), None, ivium.read_idf_impedance, None),
)
IMPEDANCE_WORDS = re.compile(r"\b(eis|peis|geis|impedance|fra)\b", re.IGNORECASE)


def listed_files() -> list:
    """(file, format, impedance?) for each SOURCES.md row of the formats above."""
    sources = SHARED / "SOURCES.md"
    if not sources.is_file():
        return [pytest.param(None, None, False, marks=pytest.mark.skip(reason=f"{sources} not present"))]
    out = []
    for line in sources.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 8 or cells[0] in ("file", "") or set(cells[0]) <= {"-"}:
            continue
        name, instrument, technique = cells[0], cells[5], cells[6]
        fmt = next((f for f in FORMATS if re.search(f[1], instrument, re.IGNORECASE)
                    or Path(name).suffix.lower() in f[2]), None)
        if fmt is not None:
            impedance = bool(IMPEDANCE_WORDS.search(technique)) or fmt[3] is None
            out.append(pytest.param(name, fmt[0], impedance, id=name))
    return out or [pytest.param(None, None, False, marks=pytest.mark.skip(reason="no such files listed"))]


def step_charges(m) -> list[tuple[int, float, float]]:
    """(step number, ΔQ of the file's capacity column, ∫ I dt) in mAh for each run of one step with current."""
    d = m.data
    run = np.cumsum(np.r_[True, d["step"].to_numpy()[1:] != d["step"].to_numpy()[:-1]])
    out = []
    for k in np.unique(run):
        rows = d[run == k]
        i = rows["current_A"].to_numpy()
        if len(rows) < 2 or not np.any(i):
            continue
        integral = np.trapezoid(i, rows["time_s"].to_numpy()) / 3.6
        change = rows["capacity_mAh"].iloc[-1] - rows["capacity_mAh"].iloc[0]
        out.append((int(rows["step"].iloc[0]), change, integral))
    return out


@pytest.mark.parametrize("name, fmt, impedance", listed_files())
def test_listed_real_file_reads_with_its_own_numbers(name, fmt, impedance):
    path = SHARED / name
    assert path.is_file(), f"{path} is listed in SOURCES.md but missing"
    spec = next(f for f in FORMATS if f[0] == fmt)
    if impedance:
        s = spec[4](path)
        assert len(s.frequency_Hz) >= 3 and np.all(s.frequency_Hz > 0)
        reference = "autolab" if b"Z60W Data File" in path.read_bytes()[:64] else spec[5]
        if reference is not None:  # impedance.py reads ZPlot's Z60W layout as 'autolab'
            from impedance.preprocessing import readFile
            f, z = readFile(str(path), instrument=reference)
            assert np.array_equal(f, s.frequency_Hz) and np.array_equal(z, s.z_complex_ohm)
        return
    m = spec[3](path)
    assert len(m.data) >= 2 and np.all(np.diff(m.time_s) >= 0)
    if "capacity_mAh" in m.data:
        steps = step_charges(m)
        big = max((abs(c) for _, c, _ in steps), default=0.0)
        checked = [(s, c, q) for s, c, q in steps if abs(c) >= 0.01 * big > 0]
        assert checked, "no step with current to compare"
        for step, change, integral in checked:
            assert integral == pytest.approx(change, rel=0.01), \
                f"step {step}: file {change:.6g} mAh, ∫I dt {integral:.6g}"
