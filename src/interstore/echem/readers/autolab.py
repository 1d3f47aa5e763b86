"""Metrohm Autolab NOVA ASCII exports (``.txt``/``.csv``: Export > ASCII data).

NOVA writes one header line of signal names with units and one row per point,
separated by semicolons, tabs or commas as chosen in the export dialog (decimal comma
in many locales).  Time series (CV, chrono, charge–discharge): ``Time (s)`` (or
``Corrected time (s)``), ``WE(1).Potential (V)`` (else ``Potential applied (V)``),
``WE(1).Current (A)``, ``Scan`` (the CV scan number, used as the cycle).  Impedance
(FRA): ``Frequency (Hz)``, ``Z' (Ω)``, ``-Z'' (Ω)`` (sign flipped back to Z″ as measured),
or ``Z (Ω)`` and ``-Phase (°)``.

NOVA's current follows the instrument setting (anodic positive by default) and is taken
as written.
"""

from __future__ import annotations

from pathlib import Path

from ..record import ImpedanceSpectrum, Measurement
from .columns import IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, MEASUREMENT_KEYS, build_measurement, build_spectrum
from .tabular import read_table_at
from .textfile import find_header, open_text

NAMES = {
    "time": ("Corrected time (s)", "Time (s)"),
    "potential": ("WE(1).Potential (V)", "Potential applied (V)"),
    "current": ("WE(1).Current (A)",),
    "cycle": ("Scan",),
    "frequency": ("Frequency (Hz)",),
    "z_real": ("Z' (Ω)",),
    "z_imag": ("-Z'' (Ω)",),
    "z_modulus": ("Z (Ω)",),
    "phase": ("-Phase (°)",),
}


def sniff(head: bytes) -> bool:
    """NOVA's signal names in the first line: ``WE(1).…`` or ``Frequency (Hz)`` with ``Z' (Ω)``."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return "WE(1)." in first or ("Frequency (Hz)" in first and "Z' (Ω)" in first)


def _read(path: str | Path, keys, required, columns):
    export = open_text(path)
    header_at, sep, _ = find_header(export.lines, export.source)
    return export, read_table_at(export, header_at, sep=sep, keys=keys, required=required, names=NAMES,
                                 columns=columns)


def read_nova(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a NOVA ASCII time-series export."""
    export, values = _read(path, MEASUREMENT_KEYS, ("time", "potential", "current"), columns)
    return build_measurement(values, export.source, "autolab", **meta)


def read_nova_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from a NOVA ASCII FRA export."""
    export, values = _read(path, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, columns)
    return build_spectrum(values, export.source, "autolab")
