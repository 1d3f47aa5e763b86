"""Choosing the reader for a file: by ``instrument=``, else by extension, else by content."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ...errors import InputError, require_positive
from ..record import ImpedanceSpectrum, Measurement
from . import arbin, autolab, basytec, biologic, chi, delimited, excel, gamry, ivium, landt, maccor, neware
from . import neware_xlsx, novonix, versastudio, zplot
from .sweeps import select_sweep
from .textfile import read_head

INSTRUMENTS = ("biologic", "neware", "chi", "gamry", "csv", "arbin", "maccor", "basytec", "novonix", "landt",
               "neware-xlsx", "autolab", "zplot", "versastudio", "ivium")
_BY_EXTENSION = {".mpt": "biologic", ".mpr": "biologic", ".nda": "neware", ".ndax": "neware", ".dta": "gamry",
                 ".res": "arbin", ".z": "zplot", ".par": "versastudio", ".idf": "ivium"}
_SNIFFERS = (("arbin", arbin.sniff_res), ("basytec", basytec.sniff), ("maccor", maccor.sniff),
             ("novonix", novonix.sniff), ("arbin", arbin.sniff_csv), ("autolab", autolab.sniff),
             ("zplot", zplot.sniff), ("versastudio", versastudio.sniff), ("ivium", ivium.sniff))


def detect_instrument(path: str | Path) -> str:
    """``'biologic'``, ``'neware'``, ``'chi'``, ``'gamry'`` or ``'csv'`` from the extension or the first bytes."""
    by_ext = _BY_EXTENSION.get(Path(path).suffix.lower())
    if by_ext:
        return by_ext
    raw = read_head(path)
    if excel.sniff(raw):
        return excel.detect_vendor(path)
    by_content = next((name for name, sniff in _SNIFFERS if sniff(raw)), None)
    if by_content:
        return by_content
    head = raw.decode("utf-8-sig", errors="replace")
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
        raise InputError("option --instrument", f"unknown instrument {instrument!r}",
                         expected=f"one of {', '.join(INSTRUMENTS)}")
    return name


def _biologic(path: str | Path, mpr: Callable, mpt: Callable):
    """The .mpr reader for EC-Lab binaries (by signature), else the .mpt reader."""
    return mpr if read_head(path).startswith(biologic.MPR_MAGIC_START) else mpt


def _no_neware_impedance(path: str | Path, **_) -> ImpedanceSpectrum:
    raise InputError(path, "Neware cyclers do not record impedance spectra",
                     expected="an EIS export (BioLogic, Gamry, CHI or CSV)")


def _not_recorded(what: str, expected: str) -> Callable:
    """A reader for a format that never holds ``what`` (cycler files hold no spectra …)."""
    def refuse(path: str | Path, **_):
        raise InputError(path, f"this format does not hold {what}", expected=expected)
    return refuse


_CYCLER = _not_recorded("impedance spectra (a cycler file)", "an EIS export (read the cycling data without --impedance)")
_SPECTRUM = _not_recorded("time series (an impedance file)", "--impedance to read its spectrum")


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
                  "neware": neware.read_neware, "arbin": arbin.read_arbin, "maccor": maccor.read_maccor,
                  "basytec": basytec.read_basytec, "novonix": novonix.read_novonix, "landt": landt.read_landt,
                  "neware-xlsx": neware_xlsx.read_neware_xlsx, "autolab": autolab.read_nova,
                  "zplot": _SPECTRUM, "versastudio": versastudio.read_par, "ivium": _SPECTRUM}[name]
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
                  "gamry": gamry.read_dta_impedance, "neware": _no_neware_impedance, "arbin": _CYCLER,
                  "maccor": _CYCLER, "basytec": _CYCLER, "novonix": _CYCLER, "landt": _CYCLER,
                  "neware-xlsx": _CYCLER, "autolab": autolab.read_nova_impedance,
                  "zplot": zplot.read_zplot_impedance, "versastudio": versastudio.read_par_impedance,
                  "ivium": ivium.read_idf_impedance}[name]
    return select_sweep(reader(path, columns=columns), spectrum)
