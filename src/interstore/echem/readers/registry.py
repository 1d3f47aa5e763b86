"""The reader registry: one :class:`ReaderFormat` entry per file format (as ASE's
``io/formats.py``).  Adding a format is one :func:`register` call.

A file's format is found by content: the first entry whose ``sniff`` accepts the file's
first bytes wins (entries are tried in :data:`FORMATS` order, the generic text table
last).  The extension is consulted only for a binary file no content test recognises
(a damaged .nda then gets the Neware reader's precise error rather than "binary
content"), and ``--instrument`` narrows the choice to that instrument's entries.

>>> from interstore.echem.readers.registry import FORMATS, find_format
>>> [f.name for f in FORMATS]      # doctest: +SKIP
['ec-lab-sidecar', 'biologic-mpr', 'biologic-mpt', 'neware-nda', 'neware-ndax', 'gamry-dta', 'arbin-res', ...,
 'cycler-xlsx', 'chi-text', 'csv']
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ...errors import InputError, ReaderError
from . import arbin, autolab, basytec, biologic, chi, delimited, excel, gamry, ivium, landt, maccor, neware
from . import neware_xlsx, novonix, versastudio, zplot
from .textfile import binary, read_head

Sniff = Callable[[bytes, Path], bool]


@dataclass(frozen=True)
class ReaderFormat:
    """One file format.

    ``sniff(head, path)`` tells from the first 4 KiB (and, for archives, the zip directory)
    whether a file is in this format; ``read_measurement`` returns a
    :class:`~interstore.echem.record.Measurement` and ``read_impedance`` an
    :class:`~interstore.echem.record.ImpedanceSpectrum` (``None``: the format holds no such
    data).  ``instrument`` is the name ``--instrument`` accepts; ``fallback`` marks the
    generic reader tried when nothing else matches."""

    name: str
    instrument: str
    extensions: tuple[str, ...]
    sniff: Sniff
    read_measurement: Callable | None
    read_impedance: Callable | None
    description: str
    fallback: bool = False

    @property
    def returns(self) -> str:
        """What the format's readers give back."""
        readers = (("Measurement", self.read_measurement), ("ImpedanceSpectrum", self.read_impedance))
        kinds = [kind for kind, reader in readers if reader]
        return " or ".join(kinds) or "nothing (refused with the reason)"


def _text(head: bytes) -> str:
    return head.decode("latin-1")


def _first_line(head: bytes) -> str:
    text = head.decode("utf-8-sig", errors="replace")
    return text.splitlines()[0].strip() if text.strip() else ""


def _is_mpt(head: bytes) -> bool:
    """An EC-Lab text export, with its settings block or without (the table header first:
    tab-separated, EC-Lab's own names such as ``time/s``, ``Ewe/V``, ``freq/Hz``)."""
    first = _first_line(head)
    return first in biologic.MPT_MAGICS or ("\t" in first and any(
        name in first.split("\t") for name in biologic.TABLE_NAMES))


def _is_ndax(head: bytes, path: Path) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "VersionInfo.xml" in archive.namelist() and "data.ndc" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _xlsx_of(vendor: str) -> Sniff:
    """A workbook whose sheet names say it comes from ``vendor`` (see :func:`.excel.detect_vendor`)."""
    def sniff(head: bytes, path: Path) -> bool:
        if not excel.sniff(head):
            return False
        try:
            return excel.detect_vendor(path) == vendor
        except InputError:
            return False
    return sniff


def _refuse_impedance(instrument: str) -> Callable:
    def refuse(path, **_):
        raise ReaderError(path, f"{instrument} files hold no impedance spectra",
                          expected="an EIS export (BioLogic, Gamry, CHI or CSV)")
    return refuse


FORMATS: list[ReaderFormat] = [
    ReaderFormat("ec-lab-sidecar", "biologic", (".mpl", ".mps"),
                 lambda head, _: _text(head).startswith(biologic.SIDECAR_MAGICS),
                 biologic.refuse_sidecar, biologic.refuse_sidecar,
                 "EC-Lab log/settings text beside an .mpr: refused as data (its settings are read with the .mpr)"),
    ReaderFormat("biologic-mpr", "biologic", (".mpr",), lambda head, _: head.startswith(biologic.MPR_MAGIC_START),
                 biologic.read_mpr, biologic.read_mpr_impedance, "BioLogic EC-Lab/BT-Lab binary (galvani)"),
    ReaderFormat("biologic-mpt", "biologic", (".mpt",), lambda head, _: _is_mpt(head),
                 biologic.read_mpt, biologic.read_mpt_impedance, "BioLogic EC-Lab/BT-Lab text export"),
    ReaderFormat("neware-nda", "neware", (".nda",), lambda head, _: head.startswith(neware.NDA_MAGIC),
                 neware.read_neware, _refuse_impedance("Neware cycler"), "Neware BTS binary (NewareNDA)"),
    ReaderFormat("neware-ndax", "neware", (".ndax",), lambda head, path: _is_ndax(head, path),
                 neware.read_neware, _refuse_impedance("Neware cycler"), "Neware BTS zip archive (NewareNDA)"),
    ReaderFormat("gamry-dta", "gamry", (".dta",), lambda head, _: _first_line(head) == "EXPLAIN",
                 gamry.read_dta, gamry.read_dta_impedance, "Gamry Framework .DTA (CURVE / ZCURVE tables)"),
    ReaderFormat("arbin-res", "arbin", (".res",), lambda head, _: arbin.sniff_res(head),
                 arbin.read_arbin, None, "Arbin MITS Pro .res database (mdb-export from mdbtools)"),
    ReaderFormat("basytec", "basytec", (".txt",), lambda head, _: basytec.sniff(head),
                 basytec.read_basytec, None, "BaSyTec text export"),
    ReaderFormat("maccor", "maccor", (".txt", ".csv"), lambda head, _: maccor.sniff(head),
                 maccor.read_maccor, None, "Maccor text / CSV export"),
    ReaderFormat("novonix", "novonix", (".csv",), lambda head, _: novonix.sniff(head),
                 novonix.read_novonix, None, "Novonix CSV export"),
    ReaderFormat("arbin-csv", "arbin", (".csv",), lambda head, _: arbin.sniff_csv(head),
                 arbin.read_arbin, None, "Arbin CSV export"),
    ReaderFormat("autolab", "autolab", (".txt", ".csv"), lambda head, _: autolab.sniff(head),
                 autolab.read_nova, autolab.read_nova_impedance, "Autolab NOVA ASCII export"),
    ReaderFormat("zplot", "zplot", (".z",), lambda head, _: zplot.sniff(head),
                 None, zplot.read_zplot_impedance, "ZPlot / Scribner .z impedance file"),
    ReaderFormat("versastudio", "versastudio", (".par",), lambda head, _: versastudio.sniff(head),
                 versastudio.read_par, versastudio.read_par_impedance, "VersaStudio .par"),
    ReaderFormat("ivium", "ivium", (".idf",), lambda head, _: ivium.sniff(head),
                 None, ivium.read_idf_impedance, "Ivium .idf impedance export"),
    ReaderFormat("landt-xlsx", "landt", (".xlsx",), _xlsx_of("landt"), landt.read_landt, None,
                 "LAND/LANHE .xlsx export (record sheet)"),
    ReaderFormat("neware-xlsx", "neware-xlsx", (".xlsx",), _xlsx_of("neware-xlsx"), neware_xlsx.read_neware_xlsx, None,
                 "Neware BTS .xlsx export (record sheet)"),
    ReaderFormat("arbin-xlsx", "arbin", (".xlsx",), _xlsx_of("arbin"), arbin.read_arbin, None,
                 "Arbin .xlsx export (Channel sheet)"),
    ReaderFormat("cycler-xlsx", "xlsx", (".xlsx",), lambda head, _: excel.sniff(head), excel.read_excel, None,
                 "cycler .xlsx workbook (vendor told from the sheet names)"),
    ReaderFormat("landt-text", "landt", (".txt",), lambda head, _: landt.sniff_text(head), landt.read_landt_text,
                 None, "LAND/LANHE tab-separated text export (UTF-8 or GBK header)"),
    ReaderFormat("chi-text", "chi", (".txt",),
                 lambda head, _: any(k in _text(head) for k in chi.SIGNATURES),
                 chi.read_chi, chi.read_chi_impedance, "CH Instruments text export"),
    ReaderFormat("csv", "csv", (".csv", ".tsv", ".txt"), lambda head, _: True,
                 delimited.read_csv_measurement, delimited.read_csv_impedance,
                 "delimited text table with unit-carrying headers (any cycler's export)", fallback=True),
]


def register(fmt: ReaderFormat) -> ReaderFormat:
    """Add a format, tried after the existing specific formats and before the generic
    fallback; a name already registered is replaced."""
    FORMATS[:] = [f for f in FORMATS if f.name != fmt.name]
    at = next((k for k, f in enumerate(FORMATS) if f.fallback), len(FORMATS))
    FORMATS.insert(at, fmt)
    return fmt


def instruments() -> tuple[str, ...]:
    """The names ``--instrument`` accepts, in registry order."""
    return tuple(dict.fromkeys(f.instrument for f in FORMATS))


def find_format(path: str | Path, instrument: str | None = None) -> ReaderFormat:
    """The format of ``path``: by content, then by extension, then the fallback (see the module doc)."""
    p = Path(path)
    candidates = FORMATS
    if instrument is not None:
        name = instrument.strip().lower()
        candidates = [f for f in FORMATS if f.instrument == name]
        if not candidates:
            raise InputError("option --instrument", f"unknown instrument {instrument!r}",
                             expected=f"one of {', '.join(instruments())}")
    head = read_head(p)
    specific = [f for f in candidates if not f.fallback]
    for fmt in specific:
        if fmt.sniff(head, p):
            return fmt
    by_extension = [f for f in specific if p.suffix.lower() in f.extensions]
    if by_extension and binary(head):
        return by_extension[0]
    fallback = [f for f in candidates if f.fallback]
    return (fallback or specific)[0]
