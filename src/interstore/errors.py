"""User-facing input errors.

Every problem with a user's file, manifest or parameter is raised as
:class:`InputError`.  The CLI prints ``str(err)`` as a single line and exits
with code 2; no traceback ever reaches the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def reading_as(path: str | Path, what: str) -> Iterator[None]:
    """Run a reader of ``path`` so that whatever a bad file makes it raise is a :class:`ReaderError`.

    A :class:`ReaderError` passes unchanged; an :class:`InputError` about ``path`` itself
    becomes a :class:`ReaderError` with the same line/field and expectation; any other
    exception (``ValueError``, ``KeyError``, ``IndexError``, ``UnicodeDecodeError``, a
    library's own error on a damaged file) becomes ``"<file>: cannot be read as <what>
    (<type>: <message>)"``.  An :class:`InputError` about something else (an option, a
    parameter) and :class:`MemoryError` pass unchanged."""
    try:
        yield
    except ReaderError:
        raise
    except InputError as exc:
        if exc.source != str(path) and Path(exc.source) != Path(path):
            raise
        raise ReaderError(exc.source, exc.problem, where=exc.where, expected=exc.expected) from None
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - readers and their libraries raise many kinds on damaged files
        detail = " ".join(str(exc).split())[:100]
        raise ReaderError(path, f"cannot be read as {what} ({type(exc).__name__}{': ' + detail if detail else ''})",
                          expected=f"a complete, undamaged {what}") from None


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
