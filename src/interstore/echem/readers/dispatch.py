"""Reading a file with the reader its format entry names (see :mod:`.registry`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ...errors import InputError, ReaderError, reading_as, require_positive
from ..record import ImpedanceSpectrum, Measurement
from .registry import ReaderFormat, find_format, instruments
from .sweeps import select_sweep, sweep_bounds
from .textfile import noting_encodings

INSTRUMENTS = instruments()


def detect_instrument(path: str | Path) -> str:
    """The ``--instrument`` name of the file's format, found by content (see :func:`.registry.find_format`)."""
    return find_format(path).instrument


def _format_of(path: str | Path, instrument: str | None) -> ReaderFormat:
    with reading_as(path, "an instrument file"):
        return find_format(path, instrument)


def read_measurement(path: str | Path, *, columns: dict[str, str] | None = None, instrument: str | None = None,
                     active_mass_g: float | None = None, scan_rate_mV_s: float | None = None) -> Measurement:
    """Read one instrument file into a :class:`Measurement` (time_s, potential_V, current_A, cycle, step).

    ``instrument`` forces a format (one of :data:`INSTRUMENTS`); ``columns`` maps
    keys (time, potential, current, cycle, step, capacity) to header names; ``active_mass_g``
    is stored on the record (g of active oxide).  ``scan_rate_mV_s`` (a CV's v, mV/s) is
    stored in place of the file's own and lets a table of potential and current without a
    time column be read: t = Σ|ΔE|/v.  A text file's encoding (UTF-8, else Windows-1252, else
    Latin-1) is stated in ``extra['text_encoding']``."""
    meta = {}
    if active_mass_g is not None:
        meta["active_mass_g"] = require_positive("active mass (g)", active_mass_g)
    if scan_rate_mV_s is not None:
        meta["scan_rate_mV_s"] = require_positive("scan rate (mV/s)", scan_rate_mV_s)
    fmt = _format_of(path, instrument)
    if fmt.read_measurement is None:
        raise ReaderError(path, f"a {fmt.description} holds no time series",
                         expected="a cycling, CV or CP file (read a spectrum with read_impedance / --impedance)")
    with noting_encodings() as decoded, reading_as(path, fmt.description):
        m = fmt.read_measurement(path, columns=columns, **meta)
    if str(path) in decoded:
        m.extra["text_encoding"] = decoded[str(path)]
    return m


def read_impedance(path: str | Path, *, columns: dict[str, str] | None = None, instrument: str | None = None,
                   spectrum: int | None = None) -> ImpedanceSpectrum:
    """Read an EIS export into an :class:`ImpedanceSpectrum` (frequency_Hz, z_real_ohm, z_imag_ohm as measured).

    ``columns`` maps frequency, z_real, z_imag to header names; a header starting with
    ``-`` (``-Im(Z)/Ohm``, ``-Z''``) is sign-flipped.  A file holding several frequency
    sweeps needs ``spectrum`` (1-based) to choose one."""
    if spectrum is not None and (not isinstance(spectrum, int) or spectrum < 1):
        raise InputError("parameter 'spectrum'", f"got {spectrum!r}", expected="a sweep number 1, 2, ...")
    return select_sweep(_read_all_sweeps(path, columns, instrument), spectrum)


def read_impedance_sweeps(path: str | Path, *, columns: dict[str, str] | None = None,
                          instrument: str | None = None) -> list[ImpedanceSpectrum]:
    """Every frequency sweep of an EIS export, in file order (one element for a single spectrum)."""
    raw = _read_all_sweeps(path, columns, instrument)
    return [select_sweep(raw, k) for k in range(1, len(sweep_bounds(raw.frequency_Hz)) + 1)]


def _read_all_sweeps(path: str | Path, columns: dict[str, str] | None, instrument: str | None) -> ImpedanceSpectrum:
    fmt = _format_of(path, instrument)
    if fmt.read_impedance is None:
        raise ReaderError(path, f"a {fmt.description} holds no impedance spectra", expected="an EIS export")
    with noting_encodings() as decoded, reading_as(path, fmt.description):
        spectrum = fmt.read_impedance(path, columns=columns)
    return replace(spectrum, text_encoding=decoded.get(str(path)))
