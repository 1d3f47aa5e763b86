"""Gamry Framework ``.DTA`` files (EXPLAIN format).

Layout: ``EXPLAIN`` / ``TAG<TAB>CV`` / parameter lines ``NAME<TAB>TYPE<TAB>VALUE<TAB>label``
(``SCANRATE QUANT 10 Scan Rate (mV/s)``) / tables ``CURVE1<TAB>TABLE`` … each with a
row of column names, a row of units and tab-indented data rows.  CV, chrono and
charge–discharge data sit in ``CURVE``/``CURVEn`` tables (columns ``T`` s, ``Vf``
V vs. Ref., ``Im`` A); EIS in ``ZCURVE`` (``Freq`` Hz, ``Zreal``, ``Zimag`` ohm).
Curve *n* becomes cycle *n* (and step *n*); a curve whose clock restarts at zero
is shifted to follow the previous one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ...errors import ReaderError
from ..record import ImpedanceSpectrum, Measurement
from .columns import (
    EIS_HINT, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, MEASUREMENT_KEYS, build_measurement, build_spectrum,
    choose_columns,
)
from .textfile import open_text, read_columns, sniff_decimal


@dataclass(frozen=True)
class Table:
    """One EXPLAIN table: its name, column names and units, and the line indices of its
    first data row and of the line after its last."""

    name: str
    headers: list[str]
    units: list[str | None]
    first: int
    stop: int


def parse_explain(lines: Sequence[str], source: str) -> tuple[dict[str, str], list[Table]]:
    """Parameters (``NAME`` → value text) and tables of an EXPLAIN file."""
    if not lines or lines[0].strip() != "EXPLAIN":
        raise ReaderError(source, "first line is not 'EXPLAIN'", where="line 1", expected="a Gamry .DTA file")
    params: dict[str, str] = {}
    tables: list[Table] = []
    i = 1
    while i < len(lines):
        fields = lines[i].split("\t")
        if lines[i][:1] in ("\t", " ") or len(fields) < 2:
            i += 1
            continue
        if fields[1].strip() == "TABLE":
            if i + 2 >= len(lines):
                raise ReaderError(source, f"table {fields[0]} has no column or unit row", where=f"line {i + 1}",
                                  expected="a complete (not truncated) .DTA file")
            headers = [h.strip() for h in lines[i + 1].split("\t")]
            units = [u.strip().split(" ")[0] or None for u in lines[i + 2].split("\t")]
            j = i + 3
            while j < len(lines) and lines[j][:1] in ("\t", " ") and lines[j].strip():
                j += 1
            tables.append(Table(fields[0].strip(), headers, units, i + 3, j))
            i = j
            continue
        params[fields[0].strip()] = fields[2].strip() if len(fields) > 2 else fields[1].strip()  # TAG<TAB>CV
        i += 1
    return params, tables


def _number(params: dict[str, str], name: str) -> float | None:
    text = params.get(name, "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _read_tables(path: str | Path, kind: str, keys: Sequence[str], required: Sequence[str],
                 columns: dict[str, str] | None) -> tuple[dict[str, str], list[tuple[Table, dict[str, np.ndarray]]]]:
    export = open_text(path, head_lines=None)
    source = export.source
    params, tables = parse_explain(export.lines, source)
    chosen_tables = [t for t in tables if re.fullmatch(rf"{kind}\d*", t.name)]
    if not chosen_tables:
        names = ", ".join(t.name for t in tables) or "none"
        hint = EIS_HINT if kind == "CURVE" and any(t.name == "ZCURVE" for t in tables) else ""
        raise ReaderError(source, f"no {kind} table (tables found: {names}){hint}",
                          expected="a Gamry data file of this kind")
    out = []
    for table in chosen_tables:
        chosen = choose_columns(table.headers, source, keys=keys, required=required, mapping=columns,
                                units=table.units)
        decimal = sniff_decimal("\n".join(export.lines[table.first:min(table.first + 5, table.stop)]), "\t")
        out.append((table, read_columns(export, table.first, chosen, sep="\t", decimal=decimal,
                                        n_fields=len(table.headers), stop=table.stop)))
    return params, out


def read_dta(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from the ``CURVE``/``CURVEn`` tables of a Gamry ``.DTA`` file;
    scan rate from ``SCANRATE`` (mV/s)."""
    params, curves = _read_tables(path, "CURVE", MEASUREMENT_KEYS, ("time", "potential", "current"), columns)
    parts: dict[str, list[np.ndarray]] = {}
    t_end = -np.inf
    for table, values in curves:
        number = int(table.name[5:] or 1)
        n = len(values["time"])
        if values["time"][0] < t_end:  # this curve's clock restarted
            values["time"] = values["time"] + t_end
        t_end = values["time"][-1]
        values.setdefault("cycle", np.full(n, number))
        values.setdefault("step", np.full(n, number))
        for key, arr in values.items():
            parts.setdefault(key, []).append(arr)
    merged = {key: np.concatenate(arrs) for key, arrs in parts.items() if len(arrs) == len(curves)}
    meta.setdefault("scan_rate_mV_s", _number(params, "SCANRATE"))
    return build_measurement(merged, str(path), "gamry", technique=params.get("TAG") or None, **meta)


def read_dta_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from the ``ZCURVE`` table of a Gamry EIS ``.DTA`` file."""
    _, curves = _read_tables(path, "ZCURVE", IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, columns)
    return build_spectrum(curves[0][1], str(path), "gamry")
