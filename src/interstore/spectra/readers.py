"""Spectrum readers: a format registry (ASE ``io.read`` style) over maintained libraries.

==========  ====================  ==========================================================
format      extensions            library / notes
==========  ====================  ==========================================================
text        .csv .txt .dat .xy    two columns (or named ones) of any technique; CasaXPS and
                                  Thermo Avantage text exports (``B.E.`` / ``Binding Energy``
                                  and ``CPS`` / ``Counts`` headers) are found by name
vamas       .vms .npl             ``vamas`` (ISO 14976); binding energy = hν − E_kin, the
                                  CasaXPS convention
athena      .prj                  ``xraylarch`` (``larch.io.read_athena``), one spectrum per group
wdf         .wdf                  ``renishawWiRE`` (Renishaw WiRE), one spectrum per acquisition
omnic       .spa .spg             ``spectrochempy-omnic`` (Thermo OMNIC), one spectrum per
                                  ``.spa``, one per member of a ``.spg`` group, each with its
                                  acquisition time
emsa        .msa .ems .emsa       EMSA/MAS spectral data (ISO 22029), the text format Gatan
                                  DigitalMicrograph and the EELS database export; read here
                                  (``#XPERCHAN``/``#OFFSET`` axis or ``#DATATYPE: XY`` pairs)
==========  ====================  ==========================================================
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import InputError, ReaderError, reading_as
from .record import Spectrum, technique_name

FORMATS = ("text", "vamas", "athena", "wdf", "omnic", "emsa")
_BY_EXTENSION = {".vms": "vamas", ".npl": "vamas", ".prj": "athena", ".wdf": "wdf", ".spa": "omnic",
                 ".spg": "omnic", ".msa": "emsa", ".ems": "emsa", ".emsa": "emsa"}
_DEFAULT_TECHNIQUE = {"vamas": "XPS", "athena": "XAS", "wdf": "Raman", "emsa": "EELS"}
_X_NAMES = r"b\.?\s?e\.?|binding|raman|shift|wavenumber|wave number|energy|^e$|^x$"
_Y_NAMES = r"cps|counts|intensity|absorbance|transmittance|^mu|μ|norm|^y$"
_TOO_LARGE_BYTES = 200 * 2**20


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise ReaderError(path, "file not found", expected="an existing spectrum file")
    if path.stat().st_size > _TOO_LARGE_BYTES:
        raise ReaderError(path, f"file is {path.stat().st_size / 2**20:.0f} MiB",
                          expected=f"a spectrum file under {_TOO_LARGE_BYTES // 2**20} MiB")


def _split(line: str) -> list[str]:
    if "\t" in line:
        return [t.strip() for t in line.split("\t")]
    if "," in line or ";" in line:
        return [t.strip() for t in re.split(r"[,;]", line)]
    return line.split()


def _numbers(fields: list[str]) -> list[float] | None:
    out = []
    for f in fields:
        if f == "":
            out.append(np.nan)
            continue
        try:
            out.append(float(f))
        except ValueError:
            return None
    return out if sum(np.isfinite(out)) >= 2 else None


def _pick(names: list[str], pattern: str, avoid: set[int]) -> int | None:
    for i, n in enumerate(names):
        if i not in avoid and n and re.search(pattern, n.strip().lower()):
            return i
    return None


def _text_blocks(path: Path) -> list[tuple[str, list[str] | None, list[list[float]]]]:
    """(title, header, rows) per block of numbers; a text line after numbers starts a new block
    (CasaXPS writes one block per region: title line, settings, header, data)."""
    blocks: list = []
    title, header, rows = "", None, []
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            comment = line.lstrip().startswith("#")
            text = line.strip().lstrip("#").strip() if comment else line.rstrip("\r\n")
            if not text.strip():
                continue
            values = None if comment else _numbers(_split(text))
            if values is not None:
                rows.append(values)
                continue
            if rows and _numbers(_split(text)[:1] * 2) is not None:  # a data row with a bad field
                raise ReaderError(path, f"non-numeric value in the data: {text.strip()[:60]!r}",
                                  where=f"line {n}", expected="numbers in every data row")
            if rows:
                blocks.append((title, header, rows))
                title, header, rows = "", None, []
            title = title or text.strip()
            if len([f for f in _split(text) if f]) >= 2:
                header = _split(text)  # the last text line with two or more fields before the data
    if rows:
        blocks.append((title, header, rows))
    return blocks


def _columns(header: list[str] | None, width: int) -> tuple[int, int]:
    """x and y column by header name, else the first two."""
    ix = iy = None
    if header is not None and len(header) >= 2:
        ix = _pick(header, _X_NAMES, set())
        iy = _pick(header, _Y_NAMES, {ix} if ix is not None else set())
        if iy is not None and header[iy].strip().lower() == "counts":
            avoid = {ix} if ix is not None else set()
            iy = _pick(header, r"^cps$", avoid) or iy  # CasaXPS: counts per second beside raw counts
    ix = 0 if ix is None else ix
    iy = (1 if ix == 0 else 0) if iy is None else iy
    return ix, iy


def read_text(path: str | Path, *, technique: str = "Raman", columns: tuple[int, int] | None = None) -> list[Spectrum]:
    """Columns of numbers after any header, one spectrum per block; named columns (CasaXPS
    ``B.E.``/``CPS``, Avantage ``Binding Energy``/``Counts``) are chosen by name, else the first
    two.  ``columns`` (0-based) forces the x and y column."""
    path = Path(path)
    blocks = _text_blocks(path)
    if not blocks:
        raise ReaderError(path, "no numeric data rows", expected="two columns of numbers (x, y)")
    out = []
    for k, (title, header, rows) in enumerate(blocks, 1):
        width = max(len(r) for r in rows)
        table = np.array([r + [np.nan] * (width - len(r)) for r in rows], float)
        ix, iy = _columns(header, width) if columns is None else columns
        if max(ix, iy) >= width:
            raise ReaderError(path, f"column {max(ix, iy) + 1} requested, {width} present",
                              where=f"block {k}", expected="an existing column")
        keep = np.isfinite(table[:, ix]) & np.isfinite(table[:, iy])
        name = title if len(blocks) > 1 and title and header is not None and title != "\t".join(header) else \
            (path.stem if len(blocks) == 1 else f"{path.stem} #{k}")
        names = {"x_column": header[ix] if header and ix < len(header) else ix,
                 "y_column": header[iy] if header and iy < len(header) else iy}
        out.append(Spectrum(table[keep, ix], table[keep, iy], technique, str(path), name, names))
    return out


def _library_read(path: Path, call: Callable, what: str, expected: str):
    """``call()`` of a third-party reader; whatever it raises on a bad file becomes one InputError line."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # some libraries print notices
            return call()
    except Exception as exc:  # noqa: BLE001 - the libraries raise many kinds on bad files
        raise ReaderError(path, f"not a readable {what} ({type(exc).__name__}: {str(exc)[:80]})",
                          expected=expected) from None


def read_vamas(path: str | Path, *, technique: str = "XPS") -> list[Spectrum]:
    """Every REGULAR block of a VAMAS file; a kinetic-energy axis becomes binding energy hν − E_kin."""
    from vamas import Vamas

    path = Path(path)
    data = path.read_bytes().lstrip()  # leading blank lines (some Kratos exports) stop the identifier check
    if b"IRREGULAR" in data[:4096]:
        raise ReaderError(path, "IRREGULAR VAMAS scans are not supported by the vamas library",
                          expected="a REGULAR .vms file (re-export from CasaXPS) or a text export")
    blocks = _library_read(path, lambda: Vamas(data).blocks, "VAMAS file",
                           "an ISO 14976 .vms file with REGULAR blocks")
    out = []
    for b in blocks:
        y = np.asarray(b.corresponding_variables[0].y_values, float)
        x = b.x_start + b.x_step * np.arange(y.size)
        kinetic = "kinetic" in b.x_label.lower()
        if kinetic:
            x = b.analysis_source_characteristic_energy - x
        name = " ".join(filter(None, [b.block_identifier.strip(), b.sample_identifier.strip()]))
        out.append(Spectrum(x, y, technique, str(path), name,
                            {"species": b.species_label, "transition": b.transition_or_charge_state_label,
                             "source_energy_eV": b.analysis_source_characteristic_energy,
                             "x_axis_in_file": b.x_label, "y_label": f"{b.corresponding_variables[0].label} "
                                                                    f"({b.corresponding_variables[0].unit})"}))
    if not out:
        raise ReaderError(path, "no spectra in the file", expected="at least one VAMAS block")
    return out


def read_athena(path: str | Path, *, technique: str = "XAS") -> list[Spectrum]:
    """Every group of an Athena project (energy in eV, μ(E) as stored)."""
    from larch.io import read_athena as larch_read_athena

    path = Path(path)
    project = _library_read(path, lambda: larch_read_athena(str(path), do_preedge=False, do_bkg=False,
                                                            do_fft=False), "Athena project", "an Athena .prj file")
    out = []
    for label, group in project.groups.items():
        if hasattr(group, "energy") and hasattr(group, "mu"):
            out.append(Spectrum(group.energy, group.mu, technique, str(path), label))
    if not out:
        raise ReaderError(path, "no μ(E) groups in the project", expected="an Athena project with XAS groups")
    return out


def read_wdf(path: str | Path, *, technique: str = "Raman") -> list[Spectrum]:
    """Every acquisition of a Renishaw WiRE file (Raman shift in cm⁻¹)."""
    from renishawWiRE import WDFReader

    path = Path(path)
    reader = _library_read(path, lambda: WDFReader(str(path)), "WiRE file", "a Renishaw .wdf file")
    spectra = np.asarray(reader.spectra, float).reshape(-1, np.asarray(reader.xdata).size)
    return [Spectrum(reader.xdata, s, technique, str(path), f"{path.stem} #{i + 1}") for i, s in enumerate(spectra)]


def read_omnic(path: str | Path, *, technique: str | None = None) -> list[Spectrum]:
    """Every spectrum of a Thermo OMNIC file: a ``.spa`` holds one, a ``.spg`` group several.

    The x axis is the one OMNIC stores (first and last wavenumber and the number of points,
    cm⁻¹); y is in the file's own unit (absorbance, transmittance, single beam, Kubelka–Munk…),
    named in ``meta["y_unit"]``.  ``technique`` defaults to Raman when the file's x axis is a
    Raman shift, else FT-IR.  ``meta["time_s"]`` is the acquisition time (Unix seconds,
    UTC).  A file without a ``.spa``/``.spg`` suffix is read as a group first, then as a single
    spectrum (read as a single spectrum, a group silently yields its first member only).
    Interferogram-only files are refused: no wavenumber axis.
    """
    import logging

    from spectrochempy_omnic import OMNICReader

    logging.getLogger("spectrochempy-omnic").setLevel(logging.WARNING)  # its INFO notices would reach stderr
    path = Path(path)
    suffixes = [path.suffix.lower()] if path.suffix.lower() in (".spa", ".spg") else [".spg", ".spa"]
    content = path.read_bytes()

    def read_as(suffix: str):
        return _library_read(path, lambda: OMNICReader(content, suffix=suffix), "OMNIC file",
                             "a Thermo OMNIC .spa or .spg file")

    try:
        reader = read_as(suffixes[0])
    except InputError:
        if len(suffixes) == 1:
            raise
        reader = read_as(suffixes[1])
    if reader.data is None or reader.x_units is None:
        raise InputError(path, "no spectrum on a wavenumber axis (an interferogram only?)",
                         expected="an OMNIC spectrum in cm⁻¹")
    names = list(reader.y_labels[1]) if reader.y_labels else []
    if technique is None:
        technique = "Raman" if "raman" in str(reader.x_title).lower() else "FT-IR"
    data = np.atleast_2d(np.asarray(reader.data, dtype=np.float64))
    times = np.atleast_1d(np.asarray(reader.y, dtype=np.float64))
    out = []
    for i, y in enumerate(data):
        name = str(names[i]).split(",")[0] if i < len(names) else f"{path.stem} #{i + 1}"
        out.append(Spectrum(reader.x, y, technique, str(path), name,
                            {"y_unit": reader.title, "x_axis_in_file": f"{reader.x_title} ({reader.x_units})",
                             "time_s": float(times[i]) if i < times.size else None,
                             "laser_cm1": None if reader.laser_frequency is None else float(reader.laser_frequency),
                             "title_in_file": str(names[i]) if i < len(names) else ""}))
    return out


def _emsa_number(path: Path, what: str, value: str, line: int) -> float:
    try:
        return float(value)
    except ValueError:
        raise InputError(path, f"{what} {value!r} is not a number", where=f"line {line}" if line else None,
                         expected="a number") from None


def read_emsa(path: str | Path, *, technique: str = "EELS") -> list[Spectrum]:
    """One spectrum from an EMSA/MAS file (ISO 22029): ``#KEYWORD : value`` header lines, then the
    data between ``#SPECTRUM`` and ``#ENDOFDATA``: x, y pairs (``#DATATYPE : XY``) or y values
    alone (``Y``) on the axis x = ``#OFFSET`` + i·``#XPERCHAN``, several per line, separated by
    commas or blanks.  ``#SIGNALTYPE`` ELS is EELS; any other signal needs ``technique``."""
    path = Path(path)
    header: dict[str, str] = {}
    values: list[float] = []
    in_data = False
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            text = line.strip()
            if not text:
                continue
            if text.startswith("#"):
                key, _, value = text[1:].partition(":")
                key = key.split("-")[0].strip().upper()
                if key == "SPECTRUM":
                    in_data = True
                elif key == "ENDOFDATA":
                    break
                else:
                    header[key] = value.strip()
                continue
            if not in_data:
                raise InputError(path, f"data before #SPECTRUM: {text[:40]!r}", where=f"line {n}",
                                 expected="an EMSA header of #KEYWORD : value lines")
            for field in re.split(r"[,\s]+", text):
                if field:
                    values.append(_emsa_number(path, "data value", field, n))
    if "FORMAT" not in header or "EMSA" not in header["FORMAT"].upper():
        raise InputError(path, "no '#FORMAT : EMSA/MAS Spectral Data File' line", expected="an EMSA/MAS .msa file")
    if not values:
        raise InputError(path, "no data between #SPECTRUM and #ENDOFDATA", expected="the spectrum's values")
    if header.get("DATATYPE", "Y").strip().upper() == "XY":
        if len(values) % 2:
            raise InputError(path, f"{len(values)} numbers for x, y pairs", expected="an even count (#DATATYPE XY)")
        x, y = np.array(values[0::2]), np.array(values[1::2])
    else:
        for key in ("XPERCHAN", "OFFSET"):
            if key not in header:
                raise InputError(path, f"no #{key} line", expected="#XPERCHAN and #OFFSET for a Y-only spectrum")
        y = np.array(values)
        x = _emsa_number(path, "#OFFSET", header["OFFSET"], 0) + \
            _emsa_number(path, "#XPERCHAN", header["XPERCHAN"], 0) * np.arange(y.size)
    signal = header.get("SIGNALTYPE", "").strip().upper()
    units = header.get("XUNITS", "").strip()
    return [Spectrum(x, y, technique, str(path), header.get("TITLE", path.stem) or path.stem,
                     {"signal_type": signal, "x_unit_in_file": units, "owner": header.get("OWNER", ""),
                      "beam_kV": header.get("BEAMKV", ""), "dispersion_per_channel": header.get("XPERCHAN", "")})]


_READERS: dict[str, Callable[..., list[Spectrum]]] = {"text": read_text, "vamas": read_vamas,
                                                       "athena": read_athena, "wdf": read_wdf, "omnic": read_omnic,
                                                       "emsa": read_emsa}
_DESCRIPTION = {"text": "text spectrum (x, y columns)", "vamas": "VAMAS file (ISO 14976)",
                "athena": "Athena project", "wdf": "Renishaw WiRE file", "omnic": "Thermo OMNIC file",
                "emsa": "EMSA/MAS file (ISO 22029)"}


def detect_format(path: str | Path) -> str:
    """``vamas``, ``athena``, ``wdf``, ``omnic``, ``emsa`` from the extension or first bytes, else ``text``."""
    path = Path(path)
    by_ext = _BY_EXTENSION.get(path.suffix.lower())
    if by_ext:
        return by_ext
    with path.open("rb") as fh:
        head = fh.read(512)
    if b"VAMAS Surface Chemical Analysis" in head:
        return "vamas"
    if head.startswith(b"WDF1"):
        return "wdf"
    if head.startswith(b"Spectral Data File"):
        return "omnic"
    if head.lstrip().upper().startswith(b"#FORMAT") and b"EMSA" in head.upper():
        return "emsa"
    if head.startswith(b"\x1f\x8b") or b"# Athena project file" in head:
        return "athena"
    return "text"


def read_spectra(path: str | Path, *, technique: str | None = None, fmt: str | None = None,
                 columns: tuple[int, int] | None = None) -> list[Spectrum]:
    """Every spectrum in a file.  ``fmt`` forces the format (text, vamas, athena, wdf, omnic, emsa); ``technique``
    (Raman, FT-IR, XPS, XAS, EELS) sets the axis labels, by default from the format (text: Raman; OMNIC: from
    the file's axis)."""
    path = Path(path)
    _check_file(path)
    name = detect_format(path) if fmt is None else fmt.strip().lower()
    if name not in _READERS:
        raise InputError("option --format", f"unknown spectrum format {fmt!r}", expected=f"one of {', '.join(FORMATS)}")
    if name == "omnic":  # the file names its own axis (Raman shift or wavenumber)
        with reading_as(path, _DESCRIPTION[name]):
            return read_omnic(path, technique=None if technique is None else technique_name(technique))
    tech = technique_name(technique) if technique is not None else _DEFAULT_TECHNIQUE.get(name, "Raman")
    with reading_as(path, _DESCRIPTION[name]):
        if name == "text":
            return read_text(path, technique=tech, columns=columns)
        return _READERS[name](path, technique=tech)


def read_spectrum(path: str | Path, *, technique: str | None = None, fmt: str | None = None,
                  block: str | int | None = None, columns: tuple[int, int] | None = None) -> Spectrum:
    """One spectrum: the only one in the file, or ``block`` (1-based number or name) of several."""
    spectra = read_spectra(path, technique=technique, fmt=fmt, columns=columns)
    if block is None:
        if len(spectra) > 1:
            raise ReaderError(path, f"{len(spectra)} spectra in the file",
                              expected="a block number or name: " + ", ".join(s.name for s in spectra[:8]))
        return spectra[0]
    if isinstance(block, int) or str(block).isdigit():
        k = int(block)
        if not 1 <= k <= len(spectra):
            raise ReaderError(path, f"block {k} requested, {len(spectra)} present", expected=f"1–{len(spectra)}")
        return spectra[k - 1]
    for s in spectra:
        if s.name == block or s.name.split()[0] == block:
            return s
    raise ReaderError(path, f"no block named {block!r}", expected="one of " + ", ".join(s.name for s in spectra[:12]))
