"""Every spectrum format refuses a damaged file with a :class:`ReaderError` naming the file:
from Python, and from the CLI as one ``error:`` line with exit code 2 and no traceback."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from interstore.errors import ReaderError
from interstore.spectra.readers import FORMATS, detect_format, read_spectra

_VAMAS_HEAD = "VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4\r\nNot specified\r\n"
# format -> (file name, damaged bytes); each is detected as that format.
SAMPLES = {
    "text": ("raman.csv", b"shift,intensity\n100,5\n101,6\n102,seven\n103,8\n"),
    "vamas": ("v2p.vms", (_VAMAS_HEAD + "AXIS\r\noperator\r\nV2O5\r\n0\r\nNORM\r\nREGULAR\r\n1\r\n").encode()),
    "athena": ("fe.prj", gzip.compress(b"# Athena project file -- Demeter version 0.9.26\n$old_group = 'a';\n@args = (")),
    "wdf": ("map.wdf", b"WDF1" + np.random.default_rng(14).bytes(400)),
    # an OMNIC header whose directory points past the end of the file
    "omnic": ("band.spa", b"Spectral Data File" + bytes(12) + np.random.default_rng(10).bytes(300)),
    # an EMSA header, then a data value that is not a number
    "emsa": ("v_l23.msa", b"#FORMAT : EMSA/MAS Spectral Data File\n#VERSION : 1.0\n#SIGNALTYPE : ELS\n"
                          b"#DATATYPE : XY\n#SPECTRUM :\n510.0, 12.0\n510.5, twelve\n#ENDOFDATA :\n"),
}


def test_every_spectrum_format_has_a_damaged_sample():
    assert set(SAMPLES) == set(FORMATS)


@pytest.mark.parametrize("fmt", list(SAMPLES))
def test_damaged_spectrum_raises_reader_error(tmp_path, fmt, run_cli):
    name, raw = SAMPLES[fmt]
    f = tmp_path / name
    f.write_bytes(raw)
    assert detect_format(f) == fmt
    with pytest.raises(ReaderError) as err:
        read_spectra(f)
    assert str(f) in str(err.value) and "\n" not in str(err.value) and err.value.expected
    code, out, stderr = run_cli("spectra", "read", f)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and f.name in lines[0], stderr
    assert "Traceback" not in out + stderr


@pytest.mark.parametrize("name, text", [
    ("index.csv", "file,time_s\n"),                                   # an index that lists no spectrum
    ("matrix.csv", "shift,0,60,120\n" + "".join(f"{100 + k},1,2,3\n" for k in range(6)) + "106,1,2"),
    ("stamps.csv", "file,time_s\nraman.csv,soon\n"),
], ids=["empty-index", "truncated-matrix", "bad-time"])
def test_damaged_operando_series_raises_reader_error(tmp_path, name, text):
    from interstore.spectra.series import read_series

    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(ReaderError) as err:
        read_series(f)
    assert str(f) in str(err.value) and "\n" not in str(err.value)
