"""BioLogic EC-Lab / BT-Lab files: ``.mpt`` text exports and ``.mpr`` binaries (through galvani).

``.mpt`` layout: ``EC-Lab ASCII FILE`` (``BT-Lab ASCII FILE``) / ``Nb header lines : N`` / settings
(``dE/dt  20,000`` with ``dE/dt unit  mV/s`` for CV) / a tab-separated table
whose header is line N (``time/s``, ``Ewe/V``, ``<I>/mA``, ``cycle number``,
``Ns`` …; PEIS: ``freq/Hz``, ``Re(Z)/Ohm``, ``-Im(Z)/Ohm``).  Numbers may use a
decimal comma.  ``cycle number`` counts from 0 in EC-Lab and becomes 1, 2, …;
``Ns`` (sequence number) is the step.  EC-Lab's ``Characteristic mass`` goes to
``extra['characteristic_mass_g']`` (not to ``active_mass_g``: EC-Lab fills in 1 mg
when the user leaves the field alone).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np

from ...errors import InputError, ReaderError
from ..record import ImpedanceSpectrum, Measurement
from .columns import (
    IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, MEASUREMENT_KEYS, build_measurement, build_spectrum, choose_columns,
)
from .textfile import is_number, open_text, read_columns, read_head, sniff_decimal, split_fields
from .units import unit_factor

MPT_MAGICS = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")  # EC-Lab potentiostats, BT-Lab cyclers
MPR_MAGIC_START = b"BIO-LOGIC MODULAR FILE"
TABLE_NAMES = ("time/s", "Ewe/V", "<Ewe/V>", "<I>/mA", "freq/Hz", "Re(Z)/Ohm")  # EC-Lab's own column names
# The text files EC-Lab writes beside a run: the log (.mpl) and the settings (.mps); they hold no data.
SIDECAR_MAGICS = ("EC-Lab LOG FILE", "BT-Lab LOG FILE", "EC-LAB SETTING FILE", "BT-LAB SETTING FILE")


def refuse_sidecar(path: str | Path, **_) -> None:
    """An EC-Lab log or settings file given as data: say what it is and where the data are."""
    raise ReaderError(path, "an EC-Lab log/settings file (.mpl/.mps) holds the run's settings, not its data",
                      expected="the .mpr or an exported .mpt of the same run (interstore reads the settings "
                              "beside an .mpr itself)")
_REQUIRED = ("time", "potential", "current")
# GCPL binaries of some EC-Lab versions store no current column, only the charge per row:
# the current is rebuilt from it (``control/V/mA`` is not used: it holds a set potential in
# potentiostatic steps and a set current in galvanostatic ones).
CURRENT_FIELDS = ("I/mA", "<I>/mA")
DQ_FIELD = "dq/mA.h"
DERIVED_CURRENT = "<I>/mA"


def _header_count(lines: Sequence[str], source: str) -> int:
    """N from ``Nb header lines : N`` (the table header is line N)."""
    m = re.match(r"\s*Nb header lines\s*:\s*(\d+)\s*$", lines[1]) if len(lines) > 1 else None
    if m is None:
        raise ReaderError(source, "second line is not 'Nb header lines : N'", where="line 2",
                          expected="an EC-Lab .mpt export")
    n = int(m.group(1))
    if not 2 < n <= len(lines) - 1:
        raise ReaderError(source, f"header says {n} header lines but the file has {len(lines)} lines",
                          where="line 2", expected="a complete (not truncated) .mpt file")
    return n


def _setting(lines: Sequence[str], name: str) -> list[str]:
    """Values of every settings line such as ``dE/dt               20,000`` (one value per
    sequence column, one line per linked technique), in order."""
    pattern = re.compile(rf"^{re.escape(name)}\s{{2,}}(.*)$")
    return [v for line in lines for m in [pattern.match(line.rstrip())] if m for v in m.group(1).split()]


def scan_rate_mV_s(settings: Sequence[str], source: str) -> float | None:
    """Scan rate from ``dE/dt`` and ``dE/dt unit`` (mV/s or V/s); ``None`` if absent or ambiguous."""
    values = [float(v.replace(",", ".")) for v in _setting(settings, "dE/dt") if is_number(v)]
    if not values or len(set(values)) > 1:
        return None
    unit = (_setting(settings, "dE/dt unit") or ["mV/s"])[0]
    per_second = unit.split("/")
    if len(per_second) != 2 or per_second[1] != "s":
        raise ReaderError(source, f"unknown scan-rate unit {unit!r} in 'dE/dt unit'", expected="mV/s or V/s")
    return values[0] * unit_factor("potential", per_second[0], source=source, header="dE/dt unit") * 1e3


def characteristic_mass_g(settings: Sequence[str], source: str) -> float | None:
    """EC-Lab's ``Characteristic mass : 1,200 mg`` in g (``None`` if absent or not a mass)."""
    for line in settings:
        m = re.match(r"^Characteristic mass\s*:\s*([-+0-9.,eE]+)\s*(\S+)\s*$", line.strip())
        if m and is_number(m.group(1)):
            try:
                return float(m.group(1).replace(",", ".")) * unit_factor("mass", m.group(2), source=source,
                                                                          header="Characteristic mass")
            except InputError:
                return None
    return None


def _mpt(path: str | Path, keys: Sequence[str], required: Sequence[str],
         columns: dict[str, str] | None) -> tuple[dict[str, np.ndarray], list[str]]:
    """Converted columns and the settings lines of an ``.mpt`` file."""
    export = open_text(path)
    source, lines = export.source, export.lines
    if lines[0].strip() in MPT_MAGICS:
        n = _header_count(lines, source)
        header_at, settings = n - 1, lines[:n - 1]
    else:  # exported without the settings block: the table header is line 1
        header_at, settings = 0, []
    headers = split_fields(lines[header_at], "\t")
    chosen = choose_columns(headers, source, keys=keys, required=required, mapping=columns)
    decimal = sniff_decimal("\n".join(lines[header_at + 1: header_at + 6]), "\t")
    values = read_columns(export, header_at + 1, chosen, sep="\t", decimal=decimal, n_fields=len(headers))
    return values, settings


def read_mpt(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from an EC-Lab ``.mpt`` export; scan rate from ``dE/dt`` when present."""
    values, settings = _mpt(path, MEASUREMENT_KEYS, _REQUIRED, columns)
    technique = settings[3].strip() if len(settings) > 3 and settings[3].strip() else None
    meta.setdefault("scan_rate_mV_s", scan_rate_mV_s(settings, str(path)))
    mass = characteristic_mass_g(settings, str(path))
    extra = {} if mass is None else {"characteristic_mass_g": mass}
    return build_measurement(values, str(path), "biologic", technique=technique, extra=extra, **meta)


def reference_electrode(settings: Sequence[str]) -> str | None:
    """EC-Lab's ``Reference electrode : SCE Saturated Calomel Electrode (0.241 V)``, or ``None``."""
    found = next((m.group(1).strip() for line in settings
                  for m in [re.match(r"^Reference electrode\s*:\s*(.*)$", line.strip())] if m), "")
    return found or None


def read_mpt_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from a PEIS/GEIS ``.mpt`` (``-Im(Z)/Ohm`` is sign-flipped; the DC
    potential ``<Ewe>/V`` of each frequency and the settings' reference electrode when present)."""
    values, settings = _mpt(path, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, columns)
    return build_spectrum(values, str(path), "biologic", reference_electrode(settings))


def _mpr_fields(path: str | Path, keys: Sequence[str], required: Sequence[str],
                columns: dict[str, str] | None) -> dict[str, np.ndarray]:
    """Converted columns of an ``.mpr`` binary read by :class:`galvani.BioLogic.MPRfile`."""
    from galvani.BioLogic import MPRfile

    source = str(path)
    if not read_head(path).startswith(MPR_MAGIC_START):
        raise ReaderError(source, "not an EC-Lab binary (no 'BIO-LOGIC MODULAR FILE' signature)",
                          where="byte 0", expected="a BioLogic .mpr file")
    try:
        data = MPRfile(str(path)).data
    except Exception as exc:  # galvani signals damage with assorted exceptions
        raise ReaderError(source, f"damaged or unsupported .mpr file: galvani cannot read it ({type(exc).__name__}: "
                                 f"{' '.join(str(exc).split())[:120]}); a newer EC-Lab version or an unknown "
                                 "column ID does this",
                          expected="the same run exported as text from EC-Lab (Experiment > Export as Text: "
                                  ".mpt), which interstore reads with its own parser") from None
    fields = {h: data[h] for h in data.dtype.names if h != "flags"}
    if "current" in keys and not columns and DQ_FIELD in fields and not any(h in fields for h in CURRENT_FIELDS):
        fields[DERIVED_CURRENT] = current_from_charge_mA(np.asarray(fields[DQ_FIELD], float),
                                                         np.asarray(fields["time/s"], float))
    if "cycle" in keys and "cycle number" not in fields and "half cycle" in fields:
        fields["cycle number"] = np.asarray(fields["half cycle"], float) // 2  # EC-Lab's own rule (see the .mpt)
    headers = list(fields)
    chosen = choose_columns(headers, source, keys=keys, required=required, mapping=columns)
    out: dict[str, np.ndarray] = {}
    for key, col in chosen.items():
        # one pass per column: galvani's float32 (or strided float64) field becomes a contiguous
        # float64 array in canonical units, so nothing keeps galvani's whole record buffer alive
        values = np.multiply(fields[col.header], col.factor, dtype=float)
        if key not in _REQUIRED and not np.isfinite([values.min(), values.max()]).all():  # the three: by Measurement
            bad = int(np.argmin(np.isfinite(values)))
            raise ReaderError(source, f"NaN or infinite value in field '{col.header}'",
                              where=f"data row {bad + 1}", expected="finite numbers")
        out[key] = values
    return out


def current_from_charge_mA(dq_mAh: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Mean current over each sampling interval from EC-Lab's charge increment ``dq/mA.h``:
    ⟨I⟩_k = 3600·dq_k / (t_k − t_{k−1})  (mA; dq in mA·h, t in s).  EC-Lab's own ``<I>/mA``
    is this same interval mean; the first row (no interval) and zero-length intervals get 0."""
    dt = np.diff(time_s, prepend=time_s[:1])
    out = np.zeros_like(dq_mAh)
    np.divide(3600.0 * dq_mAh, dt, out=out, where=dt > 0)
    return out


def sidecar_settings(path: str | Path) -> tuple[list[str], str | None]:
    """Settings lines and technique from the text files EC-Lab writes beside an ``.mpr``:
    the log ``NAME.mpl`` (``EC-Lab LOG FILE``) or the settings ``NAME.mps`` (also without
    the channel suffix ``_C01``).  ``([], None)`` when there is none."""
    p = Path(path)
    for sidecar in (p.with_suffix(".mpl"), p.with_suffix(".mps"), p.with_name(re.sub(r"_C\d+$", "", p.stem) + ".mps")):
        if sidecar.is_file():
            try:
                lines = open_text(sidecar).lines
            except InputError:
                continue
            return lines, _sidecar_technique(lines)
    return [], None


def _sidecar_technique(lines: Sequence[str]) -> str | None:
    """The log names its technique on line 3; a settings file after each ``Technique : n``
    line (one name only if all linked techniques agree)."""
    if lines and lines[0].startswith(("EC-Lab LOG", "BT-Lab LOG")):
        return lines[2].strip() or None if len(lines) > 2 else None
    names = {lines[i + 1].strip() for i, line in enumerate(lines[:-1]) if line.startswith("Technique : ")}
    return names.pop() if len(names) == 1 else None


def read_mpr(path: str | Path, *, columns: dict[str, str] | None = None, **meta) -> Measurement:
    """A :class:`Measurement` from an EC-Lab ``.mpr`` binary (galvani).  galvani does not
    decode the binary settings, so the scan rate (``dE/dt``) and technique come from the
    ``.mpl``/``.mps`` text files EC-Lab writes beside it, when present."""
    values = _mpr_fields(path, MEASUREMENT_KEYS, _REQUIRED, columns)
    settings, technique = sidecar_settings(path)
    meta.setdefault("scan_rate_mV_s", scan_rate_mV_s(settings, str(path)))
    return build_measurement(values, str(path), "biologic", technique=technique, **meta)


def read_mpr_impedance(path: str | Path, *, columns: dict[str, str] | None = None) -> ImpedanceSpectrum:
    """An :class:`ImpedanceSpectrum` from a PEIS ``.mpr`` binary (galvani)."""
    return build_spectrum(_mpr_fields(path, IMPEDANCE_KEYS, IMPEDANCE_REQUIRED, columns), str(path), "biologic")
