"""BaSyTec Battery Test System text exports (``.txt``, data converter output).

Layout: comment lines starting with ``~`` (``~Resultfile from Basytec Battery Test System``,
test name, start and end of test …), the last of which is the tab-separated header
``~Time[s]  DataSet  t-Step[s] … Line  Command  U[V]  I[A] … Ah-Step … Cyc-Count …``,
then one tab-separated row per record (Latin-1: ``T1[°C]``).

BaSyTec writes the current signed, charge positive, so ``I[A]`` is taken as written.
Time ``Time[s]`` (s since the start of the test), potential ``U[V]``, cycle ``Cyc-Count``,
step ``Line`` (the test-plan line, which changes whenever the programme step changes)
and ``capacity_mAh`` = ``Ah-Step`` (charge passed in the current step, Ah, signed) · 1000.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ReaderError
from ..record import Measurement
from .columns import MEASUREMENT_KEYS, build_measurement
from .tabular import read_table_at
from .textfile import open_text

NAMES = {
    "time": ("Time[s]",),
    "potential": ("U[V]",),
    "current": ("I[A]",),
    "cycle": ("Cyc-Count",),
    "step": ("Line",),
    "capacity": ("Ah-Step@Ah",),
}


def sniff(head: bytes) -> bool:
    """A BaSyTec export starts with ``~`` comment lines and names BaSyTec or has the ``~Time[s]`` header."""
    text = head.lstrip(b"\xef\xbb\xbf")
    return text.startswith(b"~") and (b"basytec" in text[:200].lower() or b"\n~Time[s]\t" in text)


def read_basytec(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a BaSyTec text export."""
    export = open_text(path)
    lines = export.lines
    first = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("~")), None)
    if not first:  # None, or data on line 1 with no header before it
        raise ReaderError(export.source, "no '~' header line followed by data rows",
                          expected="a BaSyTec export: '~' comment lines, the '~Time[s] …' header, tab-separated rows")
    headers = lines[first - 1].lstrip("~").split("\t")
    values = read_table_at(export, first - 1, sep="\t", keys=MEASUREMENT_KEYS, headers=headers,
                           required=("time", "potential", "current"), names=NAMES, columns=columns)
    return build_measurement(values, export.source, "basytec", **meta)
