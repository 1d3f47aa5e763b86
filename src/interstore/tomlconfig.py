"""One way to read a TOML input into a pydantic model, with errors that name the file, the key
and the line: used for the study manifest (:mod:`interstore.evidence.manifest`) and the cell
config of the simulator (:mod:`interstore.transport.cellconfig`).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from .errors import InputError

_EXPECTED = {
    "missing": "this key to be present",
    "float_parsing": "a number", "float_type": "a number", "int_parsing": "an integer",
    "int_type": "an integer", "int_from_float": "an integer", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "a string", "list_type": "a list",
    "model_type": "a table", "literal_error": None, "path_type": "a file path (string)",
}


def key_path(loc: tuple) -> str:
    """``("data", "cv", 0, "path")`` → ``data.cv[0].path``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(text: str, loc: tuple) -> int | None:
    """1-based line where the last named key of ``loc`` is written (best effort)."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return None
    pattern = re.compile(rf"^\s*(\[+\s*)?([\w.]*\.)?\"?{re.escape(names[-1])}\"?\s*(=|\])")
    for i, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return i
    return None


def validation_error(err: ValidationError, source: str | Path, text: str, *, error: type[InputError] = InputError,
                     keys_documented_in: str = "the documentation") -> InputError:
    """The first problem pydantic found, as one ``error`` naming the key, its line and what was expected."""
    e = err.errors()[0]
    loc = tuple(e["loc"])
    kind = e["type"]
    line = line_of(text, loc)
    where = f"key '{key_path(loc) or '(top level)'}'" + (f" (line {line})" if line else "")
    expected = _EXPECTED.get(kind)
    if kind == "extra_forbidden":
        problem, expected = "unknown key", f"only the keys listed in {keys_documented_in}"
    elif kind == "missing":
        problem = "required key is missing"
    elif kind == "literal_error":
        problem, expected = f"got {e.get('input')!r}", e["msg"].removeprefix("Input should be ")
    else:
        got = e.get("input")
        msg = e["msg"].removeprefix("Value error, ")
        problem = msg if isinstance(got, (dict, list)) or got is None else f"{msg}, got {got!r}"
    return error(source, problem, where=where, expected=expected)
