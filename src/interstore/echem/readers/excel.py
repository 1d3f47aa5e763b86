"""Cycler Excel exports (``.xlsx``): which vendor wrote the workbook, told from its sheet
names, and the matching reader.

=========================  ==========================================  ===============
sheets                     vendor                                      reader
=========================  ==========================================  ===============
``Record-Tab`` (LANHE)     LAND / LANHE (``landt``)                    :func:`.landt.read_landt`
``record`` (+ ``step``)    Neware BTSDA 8 (``neware-xlsx``)            :func:`.neware_xlsx.read_neware_xlsx`
``Channel_…``              Arbin MITS Pro (``arbin``)                  :func:`.arbin.read_arbin_xlsx`
=========================  ==========================================  ===============

The sheet that was read is named in ``extra['sheet']``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import ReaderError
from ..record import Measurement
from . import arbin, landt, neware_xlsx
from .workbook import is_xlsx, sheet_names

_VENDORS = (
    ("landt", (r"Record-Tab", r"记录层"), landt.read_landt),
    ("neware-xlsx", (neware_xlsx.RECORD.pattern,), neware_xlsx.read_neware_xlsx),
    ("arbin", tuple(arbin.RECORD_SHEETS), arbin.read_arbin_xlsx),
)


def sniff(head: bytes) -> bool:
    """An ``.xlsx`` workbook (the vendor is told from the sheet names when it is read)."""
    return is_xlsx(head)


def detect_vendor(path: str | Path) -> str:
    """``'landt'``, ``'neware-xlsx'`` or ``'arbin'`` from the workbook's sheet names."""
    names = [n.strip() for n in sheet_names(path)]
    for vendor, patterns, _ in _VENDORS:
        if any(re.fullmatch(p, n, re.IGNORECASE) for p in patterns for n in names):
            return vendor
    raise ReaderError(path, f"no cycler record sheet among {', '.join(repr(n) for n in names)}",
                      expected="a LAND/LANHE ('Record-Tab'), Neware ('record') or Arbin ('Channel_…') .xlsx export")


def read_excel(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a cycler's ``.xlsx`` export, vendor told from the sheets."""
    vendor = detect_vendor(path)
    reader = next(read for name, _, read in _VENDORS if name == vendor)
    return reader(path, columns=columns, **meta)
