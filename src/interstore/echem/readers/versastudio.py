"""Princeton Applied Research / AMETEK VersaStudio ``.par`` files.

Layout: XML-like sections ``<Application>``, ``<Instrument>``, ``<Experiment>``,
``<ActionN>`` (``Name=Potentiostatic EIS``, ``Scan Rate (V/s)=.005`` …) and one
``<SegmentN>`` … ``</SegmentN>`` block per recorded segment:
``Type=``, ``Version=``, ``Definition=Segment #, Point #, E(V), I(A), Elapsed Time(s), …,
Frequency(Hz), …, Z Real, Z Imag, …`` and comma-separated rows.

Impedance: ``Frequency(Hz)``, ``Z Real``, ``Z Imag`` (Ω; Z″ as measured).  Time series:
``Elapsed Time(s)``, ``E(V)``, ``I(A)`` (current as VersaStudio writes it), ``Segment #`` as
the step.  The segments of a file are read one after another; the scan rate of the
last action that sets one (``Scan Rate (V/s)``) is reported when it is the only one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np

from ...errors import ReaderError
from ..record import ImpedanceSpectrum, Measurement
from .columns import EIS_HINT, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, MEASUREMENT_KEYS, build_measurement, build_spectrum
from .tabular import read_table_at
from .textfile import TextExport, open_text, split_fields

_SEGMENT = re.compile(r"^<Segment(\d+)>\s*$")
_SCAN_RATE = re.compile(r"^Scan Rate \(V/s\)\s*=\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$")
NAMES = {
    "time": ("Elapsed Time(s)",),
    "potential": ("E(V)",),
    "current": ("I(A)",),
    "step": ("Segment #",),
    "frequency": ("Frequency(Hz)",),
    "z_real": ("Z Real@Ohm",),
    "z_imag": ("Z Imag@Ohm",),
}


def sniff(head: bytes) -> bool:
    """A ``.par`` file starts with ``<Application>`` and names VersaStudio or PowerSTAT."""
    text = head.lstrip(b"\xef\xbb\xbf")
    return text.startswith(b"<Application>") and (b"VersaStudio" in text or b"PowerSTAT" in text)


def _segments(export: TextExport) -> list[tuple[int, int, list[str]]]:
    """(index of the ``Definition=`` line, index of the closing tag, column names) of each segment with rows."""
    lines = export.lines
    out = []
    for i, line in enumerate(lines):
        m = _SEGMENT.match(line.strip())
        if not m:
            continue
        close = f"</Segment{m.group(1)}>"
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == close), None)
        if end is None:
            raise ReaderError(export.source, f"segment {m.group(1)} has no closing tag {close}",
                              where=f"line {i + 1}", expected="a complete (not truncated) .par file")
        definition = next((j for j in range(i + 1, end) if lines[j].startswith("Definition=")), None)
        if definition is not None and end - definition > 1:
            out.append((definition, end, split_fields(lines[definition][len("Definition="):], ",")))
    if not out:
        raise ReaderError(export.source, "no <SegmentN> block with a 'Definition=' line and data rows",
                          expected="a VersaStudio .par file with data")
    return out


def _read(path: str | Path, keys: Sequence[str], required: Sequence[str], columns: dict[str, str] | None,
          want: str) -> tuple[TextExport, dict[str, np.ndarray]]:
    export = open_text(path, head_lines=None)
    segments = [s for s in _segments(export) if want in s[2]]
    if not segments:
        raise ReaderError(export.source, f"no segment with a '{want}' column",
                          expected="an impedance file for --impedance, a time series otherwise")
    parts = [read_table_at(export, d, sep=",", keys=keys, required=required, names=NAMES, columns=columns,
                           headers=headers, stop=end) for d, end, headers in segments]
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0] if all(key in p for p in parts)}
    return export, merged


def read_par(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from the segments of a VersaStudio ``.par`` time series (CV, CP, CA …);
    a file whose actions are impedance scans is an error pointing to :func:`read_par_impedance`."""
    export, values = _read(path, MEASUREMENT_KEYS, ("time", "potential", "current"), columns, "Elapsed Time(s)")
    actions = [line[5:].strip() for line in export.lines if line.startswith("Name=")]
    if any("EIS" in a or "Impedance" in a for a in actions):
        raise ReaderError(export.source, f"the file holds an impedance scan ({', '.join(actions[1:]) or 'EIS'})"
                                        f"{EIS_HINT}", expected="a VersaStudio time series (CV, CP, CA …)")
    rates = {float(m.group(1)) for m in map(_SCAN_RATE.match, export.lines) if m}
    meta.setdefault("scan_rate_mV_s", rates.pop() * 1e3 if len(rates) == 1 else None)
    return build_measurement(values, export.source, "versastudio", **meta)


def read_par_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from the EIS segment(s) of a VersaStudio ``.par`` file."""
    export, values = _read(path, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, columns, "Frequency(Hz)")
    return build_spectrum(values, export.source, "versastudio")
