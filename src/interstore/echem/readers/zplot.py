"""Scribner ZPlot / ZView impedance files (``.z``), in their two text layouts.

* ``ZPLOT2 ASCII``: indented ``Name: value`` settings (``Begin Experiment`` …
  ``End Pstat/Gstat`` …), the column line ``Freq(Hz)  Ampl  Bias  Time(Sec)  Z'(a)
  Z''(b)  GD  Err  Range``, ``End Comments``, then tab-separated rows.
* ``"ZPlotW Data File: Version 3.2c"`` (also ``"Z60W Data File"``, Solartron/Z60
  acquisitions saved by ZPlot for Windows): a few quoted lines, a settings line, the
  point count, the quoted column line, then comma-separated rows.

Frequency is in Hz, Z′ and Z″ (``Z'(a)``, ``Z''(b)``) in Ω, Z″ as measured (negative on a
capacitive arc).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import InputError, ReaderError
from ..record import ImpedanceSpectrum
from .columns import Column, build_spectrum
from .textfile import open_text, read_columns, split_fields

_SIGNATURES = ("ZPLOT2 ASCII", "ZPlotW Data File", "Z60W Data File")
_COLUMNS = {"frequency": "freq(hz)", "z_real": "z'(a)", "z_imag": "z''(b)"}


def sniff(head: bytes) -> bool:
    """The first line names ZPlot (``ZPLOT2 ASCII``, ``"ZPlotW Data File…"``, ``"Z60W Data File…"``)."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("latin-1").strip().strip('"')
    return first.startswith(_SIGNATURES)


def _column_names(line: str) -> list[str]:
    """Column names of the header line, lower-case: ``Freq (Hz)`` and ``Freq(Hz)`` alike."""
    text = re.sub(r"\s+\(", "(", line.strip().strip('"'))
    return [name.lower() for name in text.split()]


def read_zplot_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from a ZPlot ``.z`` file."""
    export = open_text(path)
    source, lines = export.source, export.lines
    if columns:
        raise InputError("option --columns", "does not apply to ZPlot files (their columns are fixed)",
                         expected="no --columns for .z")
    header_at = next((i for i, line in enumerate(lines) if "freq" in line.lower() and "z'(" in line.lower()), None)
    if header_at is None:
        raise ReaderError(source, "no column line 'Freq(Hz) Ampl Bias Time(Sec) Z'(a) Z''(b) …'",
                          expected="a ZPlot .z file")
    names = _column_names(lines[header_at])
    missing = [name for name in _COLUMNS.values() if name not in names]
    if missing:
        raise ReaderError(source, f"no column {', '.join(missing)} in the column line", where=f"line {header_at + 1}",
                          expected="Freq(Hz), Z'(a) and Z''(b) columns")
    first = header_at + 1
    while first < len(lines) and (not lines[first].strip() or lines[first].strip() == "End Comments"):
        first += 1
    if first >= len(lines):
        raise ReaderError(source, "no data rows after the column line", expected="a ZPlot .z file with data")
    sep = "\t" if "\t" in lines[first] else ","
    chosen = {key: Column(key, name, names.index(name), 1.0) for key, name in _COLUMNS.items()}
    values = read_columns(export, first, chosen, sep=sep, decimal=".",
                          n_fields=len(split_fields(lines[first], sep)))
    return build_spectrum(values, source, "zplot")
