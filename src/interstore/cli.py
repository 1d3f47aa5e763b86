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
from typing import TYPE_CHECKING

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

from .cli_startup import defer_help_renderer_imports
from .cli_support import STDOUT, JsonOption, OutOption, cli_message, console, err_console, plain
from .errors import InputError, InterstoreWarning

if TYPE_CHECKING:
    import click  # typer >= 0.29 carries its own copy; importing click too would cost start-up time

defer_help_renderer_imports()  # typer's help renderer without rich.markdown / rich.traceback (cli_startup.py)

# Top-level command name -> (module whose ``register(app)`` adds it, the one-line help shown by
# ``interstore --help``).  Modules are imported only when one of their commands runs, so start-up
# costs typer + rich, not pandas/scipy/matplotlib.  A new command group is one line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "read": ("interstore.echem.cli_read",
             "Read an instrument file into the canonical record; print a summary, write CSV + PNG to --out."),
    "report": ("interstore.report.cli", "Analyse STUDY.toml and write report.html, report.json and PNG figures "
               "into --out."),
    "cv": ("interstore.echem.cli_cv", "Cyclic voltammetry kinetics: b-values, Dunn capacitive split, Trasatti "
           "charges."),
    "gcd": ("interstore.echem.cli_cycling", "Galvanostatic cycling: capacity, CE, energy, average voltage, rate "
            "steps, Ragone."),
    "gitt": ("interstore.echem.cli_cycling", "GITT: Weppner-Huggins diffusion coefficient per pulse."),
    "eis": ("interstore.echem.cli_cycling", "EIS: Randles / finite-length Warburg fits and the Warburg diffusion "
            "coefficient."),
    "capacity": ("interstore.echem.cli_cycling", "Theoretical (Faradaic) capacity Q = nF/(3.6 M)."),
    "spacecharge": ("interstore.transport.cli_equilibrium", "Space-charge (interface) storage at the V-oxide | "
                    "substrate junction."),
    "diffusion": ("interstore.transport.cli_equilibrium", "Chemical diffusion in mixed conductors and job-sharing "
                  "heterostructures."),
    "simulate": ("interstore.transport.cli_simulate", "Transient electrode simulator: discharge, Ragone, CV and "
                 "design maps."),
    "interface": ("interstore.atomistic.cli", "Zn binding at V-oxide heterointerfaces: E_b(n), voltages, "
                  "breathing, limit capacity."),
    "evidence": ("interstore.evidence.cli", "Evidence-tiered verdict on interface storage; the focus article's "
                 "Table 1."),
    "literature": ("interstore.literature.cli", "Literature keyword association networks (VOSviewer-style)."),
    "batch": ("interstore.echem.cli_batch", "Per-cycle capacity, CE, retention, energy and average voltage of "
              "every file, as one Parquet + CSV table."),
    "spectra": ("interstore.spectra.cli", "Spectra (Raman, FT-IR, XPS, XAS, EELS): band fits, reversibility over "
                "a cycle, oxidation states, XANES edge/LCF, EELS V L2,3, MCR-ALS."),
}


class _LazyGroup(TyperGroup):
    """The root group: commands of :data:`COMMANDS` are listed from the registry and mounted from
    their module only when resolved (run, or asked for their own ``--help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(dict.fromkeys([*super().list_commands(ctx), *COMMANDS]))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:     # listing only: name and help
            return TyperCommand(name, help=COMMANDS[name][1])
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] in COMMANDS and args[0] not in self.commands:
            self.mount(COMMANDS[args[0]][0])
        return super().resolve_command(ctx, args)

    def mount(self, module_name: str) -> None:
        """Import one command module and add every command its ``register`` creates."""
        from importlib import import_module

        holder = typer.Typer()
        holder.callback()(lambda: None)                     # always a group, even for one command
        import_module(module_name).register(holder)
        for name, command in typer.main.get_command(holder).commands.items():
            self.add_command(command, name)


app = typer.Typer(
    name="interstore",
    help="Quantitative interface-storage analysis for V-oxide heterostructure Zn-ion cathodes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=_LazyGroup,
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
        text = f"warning: {' '.join(str(message).split())}"
        if not issubclass(category, InterstoreWarning):     # a library's warning: say whose kind it is
            text += f" ({category.__name__})"
        if text not in self:
            self.append(text)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI with every output written as one set (committed only when the
    command succeeds, see :func:`interstore.outputs.output_set`); input errors become one line
    and exit code 2, an interrupt one line and exit code 130 (SIGTERM: 143)."""
    from .outputs import OutputSet, _ACTIVE

    os.environ.setdefault("MPLBACKEND", "Agg")  # figures are only ever saved from the CLI; the library never picks a backend

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
            _one_line(f"error: {cli_message(exc)}")
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
        _one_line(f"error: {cli_message(exc)}")
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
