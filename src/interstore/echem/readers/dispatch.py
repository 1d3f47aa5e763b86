"""Choosing the reader for a file: by ``instrument=``, else by extension, else by content."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ...errors import InputError, ReaderError, require_positive
from ..record import ImpedanceSpectrum, Measurement
from . import biologic, chi, delimited, gamry, neware
from .sweeps import select_sweep
from .textfile import read_head

INSTRUMENTS = ("biologic", "neware", "chi", "gamry", "csv")
_BY_EXTENSION = {".mpt": "biologic", ".mpr": "biologic", ".nda": "neware", ".ndax": "neware", ".dta": "gamry"}


def detect_instrument(path: str | Path) -> str:
    """``'biologic'``, ``'neware'``, ``'chi'``, ``'gamry'`` or ``'csv'`` from the extension or the first bytes."""
    by_ext = _BY_EXTENSION.get(Path(path).suffix.lower())
    if by_ext:
        return by_ext
    head = read_head(path).decode("utf-8-sig", errors="replace")
    first = head.splitlines()[0].strip() if head.strip() else ""
    if first in biologic.MPT_MAGICS or head.startswith(biologic.MPR_MAGIC_START.decode()):
        return "biologic"
    if first == "EXPLAIN":
        return "gamry"
    if "Scan Rate (V/s)" in head or "Instrument Model:  CHI" in head or "Instrument Model: CHI" in head:
        return "chi"
    return "csv"


def _choose(path: str | Path, instrument: str | None) -> str:
    if instrument is None:
        return detect_instrument(path)
    name = instrument.strip().lower()
    if name not in INSTRUMENTS:
        raise InputError("parameter 'instrument'", f"unknown instrument {instrument!r}",
                         expected=f"one of {', '.join(INSTRUMENTS)}")
    return name


def _biologic(path: str | Path, mpr: Callable, mpt: Callable):
    """The .mpr reader for EC-Lab binaries (by signature), else the .mpt reader."""
    return mpr if read_head(path).startswith(biologic.MPR_MAGIC_START) else mpt


def _no_neware_impedance(path: str | Path, **_) -> ImpedanceSpectrum:
    raise ReaderError(path, "Neware cyclers do not record impedance spectra",
                      expected="an EIS export (BioLogic, Gamry, CHI or CSV)")


def read_measurement(path: str | Path, *, columns: dict[str, str] | None = None, instrument: str | None = None,
                     active_mass_g: float | None = None) -> Measurement:
    """Read one instrument file into a :class:`Measurement` (time_s, potential_V, current_A, cycle, step).

    ``instrument`` forces a format (biologic, neware, chi, gamry, csv); ``columns`` maps
    keys (time, potential, current, cycle, step, capacity) to header names; ``active_mass_g``
    is stored on the record (g of active oxide)."""
    meta = {}
    if active_mass_g is not None:
        meta["active_mass_g"] = require_positive("active mass (g)", active_mass_g)
    name = _choose(path, instrument)
    if name == "biologic":
        reader = _biologic(path, biologic.read_mpr, biologic.read_mpt)
    else:
        reader = {"csv": delimited.read_csv_measurement, "chi": chi.read_chi, "gamry": gamry.read_dta,
                  "neware": neware.read_neware}[name]
    return reader(path, columns=columns, **meta)


def read_impedance(path: str | Path, *, columns: dict[str, str] | None = None, instrument: str | None = None,
                   spectrum: int | None = None) -> ImpedanceSpectrum:
    """Read an EIS export into an :class:`ImpedanceSpectrum` (frequency_Hz, z_real_ohm, z_imag_ohm as measured).

    ``columns`` maps frequency, z_real, z_imag to header names; a header starting with
    ``-`` (``-Im(Z)/Ohm``, ``-Z''``) is sign-flipped.  A file holding several frequency
    sweeps needs ``spectrum`` (1-based) to choose one."""
    if spectrum is not None and (not isinstance(spectrum, int) or spectrum < 1):
        raise InputError("parameter 'spectrum'", f"got {spectrum!r}", expected="a sweep number 1, 2, ...")
    name = _choose(path, instrument)
    if name == "biologic":
        reader = _biologic(path, biologic.read_mpr_impedance, biologic.read_mpt_impedance)
    else:
        reader = {"csv": delimited.read_csv_impedance, "chi": chi.read_chi_impedance,
                  "gamry": gamry.read_dta_impedance, "neware": _no_neware_impedance}[name]
    return select_sweep(reader(path, columns=columns), spectrum)
