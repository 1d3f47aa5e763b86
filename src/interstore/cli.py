"""``interstore`` command line: one command group per subpackage.

Errors in user input are printed as one line on stderr with exit code 2.
Set ``INTERSTORE_DEBUG=1`` to see the full traceback of an unexpected error.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings

import typer
from typer.exceptions import TyperException

from .cli_support import STDOUT, JsonOption, OutOption, console, err_console, plain
from .errors import InputError

app = typer.Typer(
    name="interstore",
    help="Quantitative interface-storage analysis for V-oxide heterostructure Zn-ion cathodes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Quantitative interface-storage analysis for V-oxide heterostructure Zn-ion cathodes."""


@app.command()
def version(json_path: JsonOption = None, out: OutOption = None) -> None:
    """Print the interstore version and the versions of the libraries it relies on."""
    from .cli_support import console, emit
    from .outputs import write_json
    from .report.provenance import library_versions

    versions = library_versions()
    for name, v in versions.items():
        console.print(f"{name} {v or '(not installed)'}", highlight=False)
    result = {"versions": versions}
    emit(result, json_path, written=[write_json(out / "versions.json", result)] if out is not None else [])


# Each module exposes ``register(app)`` and imports heavy dependencies inside its commands.
COMMAND_MODULES = (
    "interstore.echem.cli_read",       # read / convert instrument files
    "interstore.echem.cli_cv",         # cv ...
    "interstore.echem.cli_cycling",    # gcd, gitt, eis, capacity ...
    "interstore.transport.cli_equilibrium",  # spacecharge, diffusion ...
    "interstore.transport.cli_simulate",     # simulate ...
    "interstore.atomistic.cli",        # interface ...
    "interstore.evidence.cli",         # evidence ...
    "interstore.literature.cli",       # literature ...
    "interstore.report.cli",           # report
)


def _mount() -> None:
    """Attach each subpackage's commands to the root app."""
    from importlib import import_module

    for module_name in COMMAND_MODULES:
        import_module(module_name).register(app)


_mount()


class _Interrupts:
    """SIGINT and SIGTERM raise ``KeyboardInterrupt`` in the main thread and are remembered; an
    interrupt that lands in a finaliser (which Python could only print as "Exception ignored …
    KeyboardInterrupt" before carrying on) is remembered silently, so the run still stops."""

    def __enter__(self) -> "_Interrupts":
        self.received: signal.Signals | None = None
        self._saved = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._saved[sig] = signal.signal(sig, self._on_signal)
        self._hook, sys.unraisablehook = sys.unraisablehook, self._on_unraisable
        return self

    def _on_signal(self, signum, frame) -> None:
        self.received = self.received or signal.Signals(signum)
        raise KeyboardInterrupt

    def _on_unraisable(self, info) -> None:
        if isinstance(info.exc_value, KeyboardInterrupt):
            self.received = self.received or signal.SIGINT
        else:
            self._hook(info)

    def __exit__(self, *exc) -> None:
        sys.unraisablehook = self._hook
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for Ctrl-C, 143 for SIGTERM."""
        return 128 + int(self.received or signal.SIGINT)


OUTPUT_OPTIONS = ("--json", "--out")


def _existing_files(args: list[str]) -> list[str]:
    """Command-line arguments (also ``--option=value``) that name existing files, except the
    values of the output options: the run's inputs."""
    tokens = []
    for i, a in enumerate(args):
        name, eq, value = a.partition("=")
        if a in OUTPUT_OPTIONS or (eq and name in OUTPUT_OPTIONS) or (i and args[i - 1] in OUTPUT_OPTIONS):
            continue
        tokens += [a, value] if a.startswith("--") and eq else [a]
    return [t for t in tokens if t and os.path.isfile(t)]


def _one_line(message: str) -> None:
    err_console.print(plain(message), highlight=False, markup=False, soft_wrap=True)


class _Warnings(list):
    """Python warnings (numpy, scipy, pandas, :class:`~interstore.errors.InputWarning` …) of a run,
    kept as one line each and printed on stderr when the run succeeds (a failed run prints its
    one-line error alone); never a source excerpt on stdout."""

    def show(self, message, category, filename, lineno, file=None, line=None) -> None:
        text = f"warning: {' '.join(str(message).split())} ({category.__name__})"
        if text not in self:
            self.append(text)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI with every output written as one set (committed only when the
    command succeeds, see :func:`interstore.outputs.output_set`); input errors become one line
    and exit code 2, an interrupt one line and exit code 130 (SIGTERM: 143)."""
    from .outputs import OutputSet, _ACTIVE

    args = sys.argv[1:] if argv is None else [str(a) for a in argv]
    json_to_stdout = any(a == "--json" and b == STDOUT for a, b in zip(args, args[1:])) or f"--json={STDOUT}" in args
    console.file = sys.stderr if json_to_stdout else None  # stdout carries the JSON alone
    with _Interrupts() as interrupts, warnings.catch_warnings():
        caught = _Warnings()
        warnings.showwarning = caught.show
        outputs = OutputSet(_existing_files(args))
        token = _ACTIVE.set(outputs)
        try:
            code = _run(args)
            if interrupts.received is None and code == 0:
                outputs.commit()
        except KeyboardInterrupt:
            code = 130
        except InputError as exc:
            _one_line(f"error: {exc.one_line()}")
            code = 2
        finally:
            _ACTIVE.reset(token)
            outputs.discard()
        if code == 0:
            for text in caught:
                _one_line(text)
        if interrupts.received is not None or code == 130:
            code = interrupts.exit_code
            _one_line(f"interrupted ({signal.Signals(code - 128).name}): stopped, no output of this run was written")
    console.file = None
    if argv is None:  # the console script: nothing may print a traceback while Python shuts down
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return code


def _run(args: list[str]) -> int:
    """Run the typer app; every failure becomes one line on stderr and an exit code."""
    try:
        rv = app(args=args, standalone_mode=False)
    except InputError as exc:
        _one_line(f"error: {exc.one_line()}")
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return 130
    except TyperException as exc:  # usage errors: bad option, missing argument, unknown command
        if not exc.format_message():  # a group called without a command: help was printed
            return 0
        _one_line(f"error: {exc.format_message()}")
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        _one_line(f"error: {exc.filename}: {exc.strerror}")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence, no traceback for users
        if os.environ.get("INTERSTORE_DEBUG"):
            raise
        _one_line(f"internal error: {type(exc).__name__}: {exc} (set INTERSTORE_DEBUG=1 for the traceback)")
        return 1
    return rv if isinstance(rv, int) else 0  # typer returns the code of ``raise typer.Exit(n)`` / Ctrl-C


if __name__ == "__main__":
    sys.exit(main())
