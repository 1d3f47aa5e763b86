"""Instrument-file readers: every format becomes the canonical
:class:`~interstore.echem.record.Measurement` or
:class:`~interstore.echem.record.ImpedanceSpectrum`.

>>> from interstore.echem.readers import read_measurement
>>> m = read_measurement("cv_10mVs.mpt")          # doctest: +SKIP
>>> m.time_s, m.potential_V, m.current_A, m.scan_rate_mV_s   # doctest: +SKIP
"""

from .columns import parse_column_mapping
from .dispatch import INSTRUMENTS, detect_instrument, read_impedance, read_impedance_sweeps, read_measurement
from .registry import FORMATS, ReaderFormat, find_format, register

__all__ = ["FORMATS", "INSTRUMENTS", "ReaderFormat", "detect_instrument", "find_format", "parse_column_mapping",
           "read_impedance", "read_impedance_sweeps", "read_measurement", "register"]
