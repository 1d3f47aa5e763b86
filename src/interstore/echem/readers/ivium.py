"""IviumSoft data files (``.idf``) holding an impedance scan.

An ``.idf`` mixes length-prefixed binary records with text: ``Key=value`` settings
(``Method=Impedance``, ``Technique=Constant I``, ``Dconfig=…``, ``I_Frequencies.freq[n]=…``)
and data objects, each a name line, a column count, a point count and that many rows of
whitespace-separated numbers.  The ``primary_data`` object of an impedance file has
three columns: Z′ (Ω), Z″ (Ω, as measured) and frequency (Hz) — the order
impedance.py's ``readIvium`` uses as well.

Files of other methods (cyclic voltammetry, chrono…) are refused with a line that names
the method: their ``primary_data`` columns are not documented; export them as text from
IviumSoft instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import InputError, ReaderError
from ..record import ImpedanceSpectrum
from .textfile import load_bytes

_METHOD = re.compile(rb"\nMethod=([^\r\n]*)")
_OBJECT = b"primary_data"


def sniff(head: bytes) -> bool:
    """IviumSoft's settings block: ``Method=`` and ``Dconfig=`` lines in the first bytes."""
    return b"\nMethod=" in head and b"\nDconfig=" in head


def _count(line: bytes) -> int | None:
    """The integer on a count line (``3         \\r``; the name line may carry it after a NUL)."""
    m = re.search(rb"(\d+)\s*$", line)
    return int(m.group(1)) if m else None


def read_idf_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from the ``primary_data`` of an IviumSoft impedance ``.idf``."""
    source = str(path)
    if columns:
        raise InputError("option --columns", "does not apply to Ivium .idf files (their columns are fixed)",
                         expected="no --columns for .idf")
    raw = load_bytes(path)
    method = _METHOD.search(raw)
    name = method.group(1).decode("latin-1").strip() if method else None
    if name != "Impedance":
        raise ReaderError(source, f"Ivium .idf of method {name or 'unknown'!r}: only impedance scans are read "
                                 "from .idf", expected="an impedance .idf, or the data exported as text from IviumSoft")
    at = raw.find(_OBJECT)
    lines = raw[at:].split(b"\n", 2) if at >= 0 else []
    n_columns = _count(lines[0].rstrip(b"\r")) if lines else None
    n_points = _count(lines[1].rstrip(b"\r")) if len(lines) > 1 else None
    if at < 0 or n_columns != 3 or not n_points or len(lines) < 3:
        raise ReaderError(source, "no 'primary_data' object with 3 columns and a point count",
                          expected="a complete IviumSoft impedance .idf")
    rows = lines[2].split(b"\n", n_points)[:n_points]
    try:
        table = np.array([[float(x) for x in row.split()] for row in rows], float)
    except ValueError:
        table = np.empty((0, 0))
    if table.shape != (n_points, 3):
        raise ReaderError(source, f"primary_data announces {n_points} points of 3 numbers; the rows do not match",
                          expected="a complete (not truncated) .idf file")
    return ImpedanceSpectrum(table[:, 2], table[:, 0], table[:, 1], source=source, instrument="ivium")
