"""Reading a vendor's table once its layout is known: the header line, the separator and
the vendor's own names for time, potential, current … (tried before the generic names of
:mod:`.columns`; a user's ``--columns`` mapping still wins), plus the helpers the cycler
formats share: a column of words (a state ``C``/``D``/``R``), signs from such a state,
and the time unit of a unit-less time column recovered from a date-time column.

The numeric columns go through :func:`.textfile.read_columns` (pandas' C parser, file
line numbers in errors) and :func:`.columns.choose_columns` (units from headers).
"""

from __future__ import annotations

import io
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ReaderError
from .columns import Column, choose_columns
from .textfile import TextExport, read_columns, sniff_decimal, split_fields
from .units import split_header, unit_factor

NameTable = Mapping[str, Sequence[str]]


def vendor_mapping(headers: Sequence[str], names: NameTable, columns: dict[str, str] | None,
                   keys: Sequence[str]) -> dict[str, str]:
    """The column mapping for one file: for each of ``keys`` the first of the vendor's
    ``names`` present among ``headers`` (a name may end in ``@UNIT`` when the header
    carries no unit: ``'Amps@A'``), then the user's ``columns`` on top."""
    stripped = {h.strip() for h in headers}
    mapping = {}
    for key, candidates in ((k, names[k]) for k in keys if k in names):
        found = next((c for c in candidates if _header_of(c) in stripped), None)
        if found is not None:
            mapping[key] = found
    mapping.update(columns or {})
    return mapping


def _header_of(name: str) -> str:
    """``'Amps@A'`` → ``'Amps'``; a name without ``@`` is the header itself."""
    return (name.rpartition("@")[0] if "@" in name else name).strip()


def extra_column(headers: Sequence[str], key: str, candidates: Sequence[str], quantity: str,
                 source: str) -> Column | None:
    """A column outside the canonical keys (Arbin's ``Discharge Capacity (Ah)`` beside its
    charge capacity) found by the first of ``candidates`` present, unit from its header."""
    index = header_index(headers, candidates)
    if index is None:
        return None
    unit = split_header(headers[index])[1]
    return Column(key, headers[index], index, unit_factor(quantity, unit, source=source, header=headers[index]))


def read_table_at(export: TextExport, header_at: int, *, sep: str, keys: Sequence[str], required: Sequence[str],
                  names: NameTable, columns: dict[str, str] | None, first: int | None = None,
                  stop: int | None = None, headers: Sequence[str] | None = None,
                  extra: Sequence[Column] = ()) -> dict[str, np.ndarray]:
    """Chosen columns (canonical units) of the table whose header is line ``header_at``
    and whose rows start at line ``first`` (default: the next line) and end before ``stop``;
    ``extra`` columns (see :func:`extra_column`) are read alongside under their own keys."""
    lines = export.lines
    headers = list(headers) if headers is not None else split_fields(lines[header_at], sep)
    first = header_at + 1 if first is None else first
    sample = split_fields(lines[first], sep) if first < len(lines) else None
    chosen = choose_columns(headers, export.source, keys=keys, required=required,
                            mapping=vendor_mapping(headers, names, columns, keys), sample=sample)
    chosen.update({col.key: col for col in extra})
    end = len(lines) if stop is None else stop
    decimal = sniff_decimal("\n".join(lines[first:min(first + 5, end)]), sep)
    return read_columns(export, first, chosen, sep=sep, decimal=decimal, n_fields=len(headers), stop=stop)


def header_index(headers: Sequence[str], candidates: Sequence[str]) -> int | None:
    """Index of the first of ``candidates`` among ``headers`` (stripped, case-insensitive)."""
    lowered = [h.strip().lower() for h in headers]
    return next((lowered.index(c.lower()) for c in candidates if c.lower() in lowered), None)


def read_word_columns(export: TextExport, first: int, indices: Sequence[int], *, sep: str,
                      n_rows: int) -> dict[int, np.ndarray]:
    """Columns ``indices`` of ``n_rows`` data rows from line ``first``, as stripped strings,
    in one pass (a cycler's state ``C``/``D``/``R``, clock times, date stamps)."""
    wanted = sorted(set(indices))
    if not wanted:
        return {}
    stream = io.BytesIO(export.raw)
    stream.seek(export.starts[first])
    frame = pd.read_csv(stream, sep=sep, header=None, usecols=wanted, nrows=n_rows, dtype=str,
                        keep_default_na=False, index_col=False, engine="c", encoding="latin-1")
    return {i: frame[i].str.strip().to_numpy(str) for i in wanted}


def signed_by_state(magnitude: np.ndarray, state: np.ndarray, *, discharge: Sequence[str], source: str,
                    column: str) -> np.ndarray:
    """Make an unsigned current or capacity signed: negative where the row's state is one
    of the ``discharge`` codes (Maccor ``D``, Landt ``RateD`` …), as written elsewhere.
    A negative magnitude in a discharge row means the file is signed already: an error."""
    out = np.asarray(magnitude, float).copy()
    is_discharge = np.isin(np.char.upper(state.astype(str)), [d.upper() for d in discharge])
    already = np.flatnonzero(is_discharge & (out < 0))
    if already.size:
        raise ReaderError(source, f"negative '{column}' in a discharge row", where=f"data row {int(already[0]) + 1}",
                          expected="unsigned values with a charge/discharge state column")
    out[is_discharge] *= -1.0
    return out


_TIME_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def time_unit_from_clock(elapsed: np.ndarray, stamps: Sequence[str], *, source: str, header: str) -> tuple[str, float]:
    """Unit (``s``, ``min``, ``h`` or ``d``) and factor to seconds of a unit-less elapsed-time
    column, found by comparing its span with the span of the date-time column beside it:
    the unit whose seconds agree with the clock within 2 % (and 2 s).  Only the first and
    the last rows are compared (two date parses, whatever the file's length)."""
    ends = pd.to_datetime(pd.Series([stamps[0], stamps[-1]]), errors="coerce", format="mixed")
    if ends.notna().all() and np.isfinite(elapsed[[0, -1]]).all() and elapsed[-1] > elapsed[0]:
        span_s = (ends.iloc[1] - ends.iloc[0]).total_seconds()
        span = elapsed[-1] - elapsed[0]
        for unit, factor in _TIME_UNITS.items():
            if abs(span * factor - span_s) <= max(0.02 * span_s, 2.0):
                return unit, factor
    raise ReaderError(source, f"the unit of '{header}' cannot be told (no unit in the header and no date-time "
                             "column that agrees with it in s, min, h or d)",
                      expected=f"--columns time={header}@s (or @min, @h)")


def signed_like_current(capacity: np.ndarray, current: np.ndarray) -> np.ndarray:
    """An unsigned per-step capacity signed like the current (charge positive).  Rows at
    zero current (a rest that still shows the previous step's capacity) keep the sign of
    the last row that carried current."""
    sign = np.sign(np.asarray(current, float))
    last = np.maximum.accumulate(np.where(sign != 0, np.arange(sign.size), -1))  # last row with current
    sign = np.where(last >= 0, sign[np.maximum(last, 0)], 1.0)
    return np.abs(np.asarray(capacity, float)) * sign
