"""Plain CSV / TSV / semicolon tables with unit-carrying headers (any instrument's
export or a hand-made table), optionally with a ``--columns`` mapping.

Lines before the header (metadata, ``#`` comments) are skipped; the header is
the first row of names followed by a row of numbers, optionally with a row of
units in between (``time,E,I`` / ``s,V,mA``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence, cast

import numpy as np

from ...errors import InputError, ReaderError
from ..record import ImpedanceSpectrum, Measurement
from .columns import (
    IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, MEASUREMENT_KEYS, build_measurement, build_spectrum, choose_columns,
)
from .sweep_time import NO_TIME_HINT, time_from_sweep
from .textfile import TextExport, find_header, is_number, open_text, read_columns, sniff_decimal, split_fields


# A headerless impedance table (impedance.py's own CSV layout): f (Hz), Z′ (Ω), Z″ (Ω, as measured).
HEADERLESS_IMPEDANCE = ("freq/Hz", "Re(Z)/Ohm", "Im(Z)/Ohm")


def _headerless_impedance(export: TextExport, keys: Sequence[str], columns: dict[str, str] | None):
    """Columns of a table whose first line is already three numbers, read as f, Z′, Z″."""
    first = next((i for i, line in enumerate(export.lines) if line.strip()), None)
    sep = "," if first is not None and "," in export.lines[first] else "\t"
    fields = split_fields(export.lines[first], sep) if first is not None else []
    if "frequency" not in keys or columns or len(fields) != 3 or not all(is_number(f) for f in fields):
        return None
    chosen = choose_columns(HEADERLESS_IMPEDANCE, export.source, keys=keys, required=IMPEDANCE_REQUIRED)
    return read_columns(export, cast(int, first), chosen, sep=sep, decimal=".", n_fields=3)  # a line was found


def read_table(path: str | Path, *, keys: Sequence[str], required: Sequence[str],
               columns: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """Chosen columns of a delimited text table, in canonical units.  An impedance table
    without a header row (three numbers per line) is read as f (Hz), Z′ (Ω), Z″ (Ω)."""
    export = open_text(path)
    headerless = _headerless_impedance(export, keys, columns)
    if headerless is not None:
        return headerless
    lines = export.lines
    header_at, sep, units = find_header(lines, export.source)
    headers = split_fields(lines[header_at], sep)
    first = header_at + (2 if units else 1)
    chosen = choose_columns(headers, export.source, keys=keys, required=required, mapping=columns, units=units,
                            sample=split_fields(lines[first], sep) if first < len(lines) else None)
    decimal = sniff_decimal("\n".join(lines[first: first + 5]), sep)
    return read_columns(export, first, chosen, sep=sep, decimal=decimal, n_fields=len(headers))


def read_csv_measurement(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a CSV/TSV table with time, potential and current columns.

    A table of potential and current only (a CV without a clock) is read when the scan
    rate is given (``scan_rate_mV_s``): time then follows from |ΔE|/v
    (:func:`.sweep_time.time_from_sweep`)."""
    rate = meta.get("scan_rate_mV_s")
    required = ("potential", "current") if rate else ("time", "potential", "current")
    try:
        values = read_table(path, keys=MEASUREMENT_KEYS, required=required, columns=columns)
    except InputError as exc:
        if "no time column" in str(exc):
            raise ReaderError(exc.source, exc.problem, where=exc.where,
                              expected=(exc.expected or "") + NO_TIME_HINT) from None
        raise
    if "time" not in values:
        values["time"] = time_from_sweep(values["potential"], cast(float, rate), str(path))  # rate required then
    return build_measurement(values, str(path), "csv", **meta)


def read_csv_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from a CSV/TSV table with frequency, Z′ and Z″ columns."""
    values = read_table(path, keys=IMPEDANCE_KEYS, required=IMPEDANCE_REQUIRED, columns=columns)
    return build_spectrum(values, str(path), "csv")
