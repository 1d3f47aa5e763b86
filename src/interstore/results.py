"""What every result object of interstore offers a notebook user.

:class:`Result` is mixed into the analysis dataclasses (:class:`~interstore.echem.cv_analysis.CVAnalysis`,
:class:`~interstore.echem.galvanostatic.CyclingAnalysis`, :class:`~interstore.echem.eis.EisFit`,
:class:`~interstore.echem.gitt.GittAnalysis`, :class:`~interstore.transport.ragone.RagoneCurve`):

- ``to_frame()``   a :class:`pandas.DataFrame` whose column names carry the units;
- ``to_dict()``    the JSON summary the CLI writes with ``--json`` (units in every key);
- ``as_dict()`` / ``from_dict()``  a lossless round trip (arrays, nested results), in the
  spirit of pymatgen's ``as_dict``/``from_dict``: ``type(r).from_dict(r.as_dict())``
  rebuilds ``r``; ``json.dumps(r.as_dict())`` works;
- ``repr(r)`` / ``str(r)``  one line with the headline numbers and their units;
- ``plot(ax=None)``  draws on ``ax`` (a new figure when omitted) and returns the Axes;
  nothing is saved and no matplotlib backend is chosen here.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from typing import Any

import numpy as np


def sig(x: float | None, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits, trailing zeros dropped, no exponent between
    1e-4 and 1e6 (``15731.2`` → ``15730``, ``0.099951`` → ``0.09995``); ``1.573e-05`` outside.

    Non-finite values and None print as ``n/a``."""
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    x = float(x)
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if -4 <= magnitude < 6:
        text = f"{round(x, digits - 1 - magnitude):.{max(digits - 1 - magnitude, 0)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{int(exponent)}"


def rate(current_A_g: float) -> str:
    """A specific current as printed everywhere: 3 significant digits, ``0.09995`` → ``0.1``."""
    return sig(current_A_g, 3)


def _encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {"@module": type(obj).__module__, "@class": type(obj).__qualname__}
        out.update({f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init})
        return out
    if isinstance(obj, np.ndarray):
        if np.iscomplexobj(obj):
            return {"@ndarray": obj.real.tolist(), "imag": obj.imag.tolist(), "dtype": str(obj.dtype)}
        return {"@ndarray": obj.tolist(), "dtype": str(obj.dtype)}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, tuple):
        return {"@tuple": [_encode(v) for v in obj]}
    if isinstance(obj, list):
        return [_encode(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _encode(v) for k, v in obj.items()}
    return obj


def _decode(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "@ndarray" in obj:
        arr = np.asarray(obj["@ndarray"], dtype=float if "imag" in obj else obj["dtype"])
        return (arr + 1j * np.asarray(obj["imag"], float)).astype(obj["dtype"]) if "imag" in obj else arr
    if "@tuple" in obj:
        return tuple(_decode(v) for v in obj["@tuple"])
    if "@class" in obj:
        module = obj["@module"]
        if not module.startswith("interstore."):
            raise ValueError(f"refusing to rebuild {module}.{obj['@class']}: not an interstore result")
        cls = importlib.import_module(module)
        for part in obj["@class"].split("."):
            cls = getattr(cls, part, None)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):  # never call a function from a file
            raise ValueError(f"refusing to rebuild {module}.{obj['@class']}: not an interstore result class")
        return cls(**{k: _decode(v) for k, v in obj.items() if not k.startswith("@")})
    return {k: _decode(v) for k, v in obj.items()}


class Result:
    """Mixin of the analysis result dataclasses (see the module docstring)."""

    def headline(self) -> str:  # pragma: no cover - every subclass defines it
        """One line: the numbers a researcher looks for first, with units."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.headline()}>"

    def __str__(self) -> str:
        return f"{type(self).__name__}: {self.headline()}"

    def as_dict(self) -> dict:
        """Lossless, JSON-serialisable form (``@module``/``@class`` markers, arrays as lists)."""
        return _encode(self)

    @classmethod
    def from_dict(cls, data: dict):
        """Rebuild a result from :meth:`as_dict` output (only interstore classes are rebuilt)."""
        obj = _decode(data)
        if not isinstance(obj, cls):
            raise ValueError(f"the dict holds a {type(obj).__name__}, not a {cls.__name__}")
        return obj
