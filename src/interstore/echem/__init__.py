"""Electrochemistry: instrument files -> canonical :class:`Measurement` -> analyses."""

from .record import ImpedanceSpectrum, Measurement

__all__ = ["ImpedanceSpectrum", "Measurement"]
