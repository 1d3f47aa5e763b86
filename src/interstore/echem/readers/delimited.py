"""Plain CSV / TSV / semicolon tables with unit-carrying headers (any instrument's
export or a hand-made table), optionally with a ``--columns`` mapping.

Lines before the header (metadata, ``#`` comments) are skipped; the header is
the first row of names followed by a row of numbers, optionally with a row of
units in between (``time,E,I`` / ``s,V,mA``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from ..record import ImpedanceSpectrum, Measurement
from .columns import (
    IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, MEASUREMENT_KEYS, build_measurement, build_spectrum, choose_columns,
)
from .textfile import find_header, open_text, read_columns, sniff_decimal, split_fields


def read_table(path: str | Path, *, keys: Sequence[str], required: Sequence[str],
               columns: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """Chosen columns of a delimited text table, in canonical units."""
    export = open_text(path)
    lines = export.lines
    header_at, sep, units = find_header(lines, export.source)
    headers = split_fields(lines[header_at], sep)
    first = header_at + (2 if units else 1)
    chosen = choose_columns(headers, export.source, keys=keys, required=required, mapping=columns, units=units,
                            sample=split_fields(lines[first], sep) if first < len(lines) else None)
    decimal = sniff_decimal("\n".join(lines[first: first + 5]), sep)
    return read_columns(export, first, chosen, sep=sep, decimal=decimal, n_fields=len(headers))


def read_csv_measurement(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a CSV/TSV table with time, potential and current columns."""
    values = read_table(path, keys=MEASUREMENT_KEYS, required=("time", "potential", "current"), columns=columns)
    return build_measurement(values, str(path), "csv", **meta)


def read_csv_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from a CSV/TSV table with frequency, Z′ and Z″ columns."""
    values = read_table(path, keys=IMPEDANCE_KEYS, required=IMPEDANCE_REQUIRED, columns=columns)
    return build_spectrum(values, str(path), "csv")
