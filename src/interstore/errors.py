"""User-facing input errors.

Every problem with a user's file, manifest or parameter is raised as
:class:`InputError`.  The CLI prints ``str(err)`` as a single line and exits
with code 2; no traceback ever reaches the user.
"""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad user input: names the source (file or parameter), where, and what was expected."""

    def __init__(self, source: str | Path, problem: str, *, where: str | None = None,
                 expected: str | None = None) -> None:
        self.source = str(source)
        self.where = where
        self.problem = problem
        self.expected = expected
        super().__init__(self.one_line())

    def one_line(self) -> str:
        loc = self.source if self.where is None else f"{self.source}: {self.where}"
        msg = f"{loc}: {self.problem}"
        if self.expected:
            msg += f" (expected {self.expected})"
        return " ".join(msg.split())


class InterstoreWarning(UserWarning):
    """A result computed with a caveat the user should see (the CLI prints it as one ``warning:`` line)."""


MAGNITUDE_LIMITS = (1e-40, 1e40)  # no parameter in any unit interstore uses is meant outside these


def require_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``value`` if it is a finite positive number of sane magnitude (zero too with
    ``allow_zero``), else raise :class:`InputError`.

    Magnitudes outside :data:`MAGNITUDE_LIMITS` (``1e-300``, ``1e308``) are refused whatever the
    unit: they overflow or underflow several steps later.  Quantities with known physical bounds
    are checked more tightly by :func:`interstore.bounds.require_in_range`."""
    import math

    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"parameter '{name}'", f"got {value!r}", expected="a number") from None
    low, high = MAGNITUDE_LIMITS
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero) or v > high or 0 < v < low:
        bound = ">= 0" if allow_zero else "> 0"
        raise InputError(f"parameter '{name}'", f"got {value!r}",
                         expected=f"a finite number {bound}, at most {high:g} and not below {low:g} unless 0"
                         if allow_zero else f"a finite number {bound}, from {low:g} to {high:g}")
    return v


class ReaderError(InputError):
    """An instrument or bibliographic file that cannot be read as the format it claims to be."""


class ManifestError(InputError):
    """A study manifest (TOML) that is missing, malformed or inconsistent."""


class ConfigError(InputError):
    """A simulation cell config (TOML) that is missing, malformed or out of range."""


class SimulationError(InputError):
    """A simulation that cannot run with the parameters given (e.g. no capacity above the cut-off)."""


def parameter_error(name: str, value: object, *, expected: str, problem: str | None = None) -> InputError:
    """An :class:`InputError` naming a library parameter, e.g. ``parameter 'scan_rates_mV_s': got [...]``.

    The CLI rewrites ``parameter 'NAME'`` to the command's option (see
    :func:`interstore.cli_support.cli_message`)."""
    return InputError(f"parameter '{name}'", problem or f"got {value!r}", expected=expected)


class InputWarning(InterstoreWarning):
    """Something about a user's file worth saying that does not stop the analysis (e.g. its
    text encoding was guessed); the CLI prints it as one ``warning:`` line on stderr."""
