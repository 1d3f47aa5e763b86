"""The reader registry: formats found by content, one entry per format, one call to add one."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from interstore.echem.readers import FORMATS, ReaderFormat, find_format, read_measurement, register
from interstore.echem.readers.registry import instruments
from interstore.errors import InputError

DATA = Path(__file__).parent / "data"


def test_every_entry_states_what_it_reads_and_returns():
    names = [f.name for f in FORMATS]
    assert len(set(names)) == len(names) and FORMATS[-1].fallback and sum(f.fallback for f in FORMATS) == 1
    for f in FORMATS:
        assert f.extensions and all(e.startswith(".") for e in f.extensions) and f.description
        assert f.returns in ("Measurement or ImpedanceSpectrum", "Measurement", "ImpedanceSpectrum")
    assert instruments() == ("biologic", "neware", "gamry", "arbin", "basytec", "maccor", "novonix", "autolab",
                             "zplot", "versastudio", "ivium", "landt", "neware-xlsx", "xlsx", "chi", "csv")


@pytest.mark.parametrize("name, renamed, fmt", [
    ("biologic_cv_10mVs.mpt", "export.txt", "biologic-mpt"),     # EC-Lab text under a generic name
    ("gamry_cv_20mVs.DTA", "cv.csv", "gamry-dta"),
    ("chi_cv_5mVs.txt", "chi.dat", "chi-text"),
    ("neware_export.csv", "neware.mpt", "csv"),                 # a CSV is not an EC-Lab file for its name
])
def test_format_is_sniffed_by_content_not_by_name(tmp_path, name, renamed, fmt):
    f = tmp_path / renamed
    shutil.copy(DATA / name, f)
    assert find_format(f).name == fmt
    assert np.array_equal(read_measurement(f).time_s, read_measurement(DATA / name).time_s)


def test_neware_binaries_by_content(shared_data, tmp_path):
    for name, fmt in (("neware/TestFile.nda", "neware-nda"), ("neware/test_2.ndax", "neware-ndax")):
        src = shared_data / name
        assert src.is_file(), f"{src} is listed in SOURCES.md but missing"
        renamed = tmp_path / f"{fmt}.bin"
        shutil.copy(src, renamed)
        assert find_format(renamed).name == fmt
        assert len(read_measurement(renamed).data) == len(read_measurement(src).data)


def test_register_adds_a_format_in_one_call(tmp_path):
    """A new format: one entry, tried before the generic table and found by its content."""
    def read_demo(path, *, columns=None, **meta):
        from interstore.echem.record import from_arrays

        values = np.loadtxt(path, skiprows=1)
        return from_arrays(values[:, 0], values[:, 1], values[:, 2], source=str(path), instrument="demo", **meta)

    f = tmp_path / "run.dat"
    f.write_text("DEMO-CYCLER v1\n0 1.0 0.001\n1 1.1 0.001\n2 1.2 -0.001\n")
    before = list(FORMATS)
    try:
        register(ReaderFormat("demo", "demo", (".dat",), lambda head, _: head.startswith(b"DEMO-CYCLER"),
                              read_demo, None, "demo cycler text"))
        assert [f.name for f in FORMATS][-2:] == ["demo", "csv"]
        assert find_format(f).name == "demo" and read_measurement(f, instrument="demo").instrument == "demo"
        with pytest.raises(InputError, match="holds no impedance spectra"):
            from interstore.echem.readers import read_impedance
            read_impedance(f)
    finally:
        FORMATS[:] = before


def test_forced_instrument_picks_among_its_entries(tmp_path):
    with pytest.raises(InputError, match="unknown instrument 'keithley'"):
        find_format(DATA / "neware_export.csv", "keithley")
    assert find_format(DATA / "biologic_peis.mpt", "biologic").name == "biologic-mpt"
    assert find_format(DATA / "neware_export.csv", "neware").name == "neware-nda"  # then its reader says why not
    with pytest.raises(InputError, match="neither an .nda"):
        read_measurement(DATA / "neware_export.csv", instrument="neware")
