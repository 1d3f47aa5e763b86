"""Novonix UHPC cycler CSV exports.

Layout: ``[Summary]`` … ``[End Summary]`` (channel, cell, ``Mass (g)``, ``Started`` …),
``[Protocol]`` … ``[End Protocol]`` (the protocol as one JSON line), ``[Data]``, then a
comma-separated header ``Date and Time,Cycle Number,Step Type,Run Time (h),Step Time (h),
Current (A),Potential (V),Capacity (Ah),…,Step Number,…`` and one row per record.

Novonix writes the current signed (charge positive) and ``Capacity (Ah)`` as the charge
passed in the step, unsigned; ``capacity_mAh`` takes the sign of the current
(:func:`.tabular.signed_like_current`).  Time is
``Run Time (h)``, cycle ``Cycle Number``, step ``Step Number``.  The summary's
``Mass (g)`` is kept in ``extra['summary_mass_g']`` (the software writes 1.000 when the
field is left alone, so it is not used as the active mass).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import ReaderError
from ..record import Measurement
from .columns import MEASUREMENT_KEYS, build_measurement
from .tabular import read_table_at, signed_like_current
from .textfile import open_text

NAMES = {
    "time": ("Run Time (h)",),
    "potential": ("Potential (V)",),
    "current": ("Current (A)",),
    "cycle": ("Cycle Number",),
    "step": ("Step Number",),
    "capacity": ("Capacity (Ah)",),
}
_MASS = re.compile(r"^Mass \(g\):\s*(\d+(\.\d*)?([eE][-+]?\d+)?)\s*$")


def sniff(head: bytes) -> bool:
    """A Novonix export starts with ``[Summary]`` and names Novonix in its summary."""
    text = head.lstrip(b"\xef\xbb\xbf")
    return text.startswith(b"[Summary]") and b"novonix" in text[:300].lower()


def read_novonix(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from a Novonix CSV export (the ``[Data]`` section)."""
    export = open_text(path)
    lines = export.lines
    marker = next((i for i, line in enumerate(lines) if line.strip() == "[Data]"), None)
    if marker is None or marker + 2 >= len(lines):
        raise ReaderError(export.source, "no '[Data]' section with a header and rows",
                          expected="a Novonix export with [Summary], [Protocol] and [Data] sections")
    values = read_table_at(export, marker + 1, sep=",", keys=MEASUREMENT_KEYS,
                           required=("time", "potential", "current"), names=NAMES, columns=columns)
    if "capacity" in values:
        values["capacity"] = signed_like_current(values["capacity"], values["current"])
    extra = {}
    mass = next((m.group(1) for m in map(_MASS.match, lines[:marker]) if m), None)
    if mass is not None:
        extra["summary_mass_g"] = float(mass)
    return build_measurement(values, export.source, "novonix", extra=extra, **meta)
