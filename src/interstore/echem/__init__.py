"""Electrochemistry: instrument files -> canonical :class:`Measurement` -> analyses."""

from .record import Measurement

__all__ = ["Measurement"]
