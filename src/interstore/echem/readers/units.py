"""Units written in column headers: splitting ``name/unit``, ``name (unit)``,
``name [unit]`` or ``name_unit`` and converting to the canonical unit.

Canonical units: time s, potential V, current A, capacity mAh, frequency Hz,
impedance Ω, mass g, angle degree.  A value ``x`` in unit ``u`` becomes ``x · FACTORS[quantity][u]``.
"""

from __future__ import annotations

import math
import re

from ...errors import InputError, ReaderError

CANONICAL_UNIT = {
    "time": "s",
    "potential": "V",
    "current": "A",
    "capacity": "mAh",
    "frequency": "Hz",
    "impedance": "Ohm",
    "mass": "g",
    "angle": "deg",
}

# Factors to the canonical unit; keys are normalised by :func:`normalise_unit`.
FACTORS: dict[str, dict[str, float]] = {
    "time": {"s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0, "ms": 1e-3,
             "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
             "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
             "d": 86400.0, "day": 86400.0, "days": 86400.0},
    "potential": {"V": 1.0, "mV": 1e-3, "uV": 1e-6, "kV": 1e3},
    "current": {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "nA": 1e-9, "pA": 1e-12},
    "capacity": {"Ah": 1e3, "mAh": 1.0, "uAh": 1e-3, "C": 1.0 / 3.6, "mC": 1e-3 / 3.6,
                 "As": 1.0 / 3.6, "mAs": 1e-3 / 3.6},
    "frequency": {"Hz": 1.0, "mHz": 1e-3, "kHz": 1e3, "MHz": 1e6},
    "impedance": {"Ohm": 1.0, "mOhm": 1e-3, "kOhm": 1e3, "MOhm": 1e6},
    "mass": {"g": 1.0, "mg": 1e-3, "ug": 1e-6, "kg": 1e3},
    "angle": {"deg": 1.0, "°": 1.0, "degree": 1.0, "degrees": 1.0, "rad": 180.0 / math.pi},
}

# Time written as a clock (cells like 1:02:03.5), e.g. Neware's 'Total Time(h:min:s.ms)'.
CLOCK_UNIT = re.compile(r"^h+\s*:\s*m+(in)?\s*:\s*s+(\.m?s+)?$", re.IGNORECASE)
CLOCK_CELL = re.compile(r"^(\d+\s*days?,?\s*)?\d+:\d{1,2}:\d{1,2}(\.\d+)?$")
_OHM_WORDS = re.compile(r"(ohms?|Ω)$", re.IGNORECASE)
_BRACKETED = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<unit>[^()\[\]]*?)\s*[)\]]\s*$")
_SLASHED = re.compile(r"^(?P<name>.+?)\s*/\s*(?P<unit>[^/()\[\]]+?)\s*$")
_REFERENCE = re.compile(r"\s+vs\.?\s[^)\]]*")  # 'V vs. Zn/Zn2+': the reference electrode, not a unit
_AVERAGED_WHOLE = re.compile(r"^<(?P<name>[^<>/]+)/(?P<unit>[^<>/]+)>$")
_SUFFIXED = re.compile(r"^(?P<name>.+?)_(?P<unit>[A-Za-zµμΩ]+)$")


def normalise_unit(unit: str) -> str:
    """``'µA'``/``'μA'`` → ``'uA'``, ``'mA.h'``/``'mA·h'`` → ``'mAh'``, ``'ohm'``/``'Ω'`` → ``'Ohm'``."""
    u = unit.strip().replace("µ", "u").replace("μ", "u")
    u = re.sub(r"[.·*\s]", "", u)
    m = _OHM_WORDS.search(u)
    if m:
        u = u[: m.start()] + "Ohm"
    return u


def _lookup(quantity: str, unit: str) -> float | None:
    """Factor for a normalised unit; case-insensitive only where that is unambiguous
    (``'mv'`` is mV, but ``'mhz'`` could be mHz or MHz)."""
    table = FACTORS[quantity]
    if unit in table:
        return table[unit]
    matches = [k for k in table if k.lower() == unit.lower()]
    return table[matches[0]] if len(matches) == 1 else None


def known_unit(unit: str) -> str | None:
    """The quantity a unit string measures (``'mA'`` → ``'current'``), or ``None``."""
    u = normalise_unit(unit)
    return next((q for q in FACTORS if _lookup(q, u) is not None), None)


def split_header(header: str) -> tuple[str, str | None]:
    """Split a column header into (name, unit).

    ``'Ewe/V'`` → ``('Ewe', 'V')``; ``'Current (mA)'`` → ``('Current', 'mA')``;
    ``'-Im(Z)/Ohm'`` → ``('-Im(Z)', 'Ohm')``; ``'time_s'`` → ``('time', 's')``;
    ``'cycle number'`` → ``('cycle number', None)``; ``'E (V vs. Zn/Zn2+)'`` → ``('E', 'V')``
    (a reference electrode after ``vs`` is dropped); ``'<Ewe/V>'`` → ``('<Ewe>', 'V')`` (EC-Lab
    marks averaged quantities with ``<…>`` around the name, or around name and unit).  A bracket
    glued to a name, as in ``Re(Z)``, is a unit only when it holds a known unit.
    """
    h = _REFERENCE.sub("", header.strip())
    m = _AVERAGED_WHOLE.match(h)
    if m:
        h = f"<{m.group('name')}>/{m.group('unit')}"
    m = _SLASHED.match(h)
    if m:
        return m.group("name").strip(), m.group("unit").strip()
    m = _BRACKETED.match(h)
    if m and m.group("name"):
        glued = not h[len(m.group("name"))].isspace() and h[len(m.group("name"))] == "("
        if not glued or known_unit(m.group("unit")) or CLOCK_UNIT.match(m.group("unit")):
            return m.group("name").strip(), m.group("unit").strip()
    m = _SUFFIXED.match(h)
    if m and known_unit(m.group("unit")):
        return m.group("name").strip(), m.group("unit")
    return h, None


def unit_factor(quantity: str, unit: str | None, *, source: str, header: str) -> float:
    """Factor converting values of ``header`` (unit ``unit``) to the canonical unit of ``quantity``.

    Raises :class:`InputError` naming the header when the unit is missing or is not a unit
    of that quantity (e.g. ``'Current (furlongs)'``)."""
    choices = ", ".join(FACTORS[quantity])
    if unit is None or not unit.strip():
        raise ReaderError(source, f"no unit in column header '{header}'",
                          expected=f"a {quantity} unit in the header ({choices}), e.g. "
                                  f"'{quantity}/{CANONICAL_UNIT[quantity]}', or --columns KEY=HEADER@UNIT")
    factor = _lookup(quantity, normalise_unit(unit))
    if factor is None:
        raise ReaderError(source, f"unknown {quantity} unit '{unit}' in column header '{header}'",
                          expected=f"one of {choices}")
    return factor
