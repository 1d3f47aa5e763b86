"""``interstore`` command line: one command group per subpackage.

Errors in user input are printed as one line on stderr with exit code 2.
Set ``INTERSTORE_DEBUG=1`` to see the full traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys
import warnings

import click
import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from .cli_support import JsonOption, OutOption, err_console
from .errors import InputError, InterstoreWarning

_python_showwarning = warnings.showwarning

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
    "spectra": ("interstore.spectra.cli", "Spectra (Raman, FT-IR, XPS, XAS): band fits, reversibility over a "
                "cycle, oxidation states, XANES edge/LCF, MCR-ALS."),
}


class _LazyGroup(TyperGroup):
    """The root group: commands of :data:`COMMANDS` are listed from the registry and mounted from
    their module only when resolved (run, or asked for their own ``--help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(dict.fromkeys([*super().list_commands(ctx), *COMMANDS]))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:     # listing only: name and help
            return click.Command(name, help=COMMANDS[name][1])
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
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as pkg_version

    from .cli_support import console, emit
    from .outputs import write_json

    versions: dict[str, str | None] = {}
    for name in ("interstore", "numpy", "scipy", "pandas", "pymatgen", "ase", "impedance",
                 "galvani", "NewareNDA", "networkx", "torch", "chgnet"):
        try:
            versions[name] = pkg_version(name)
        except PackageNotFoundError:
            versions[name] = None
        console.print(f"{name} {versions[name] or '(not installed)'}", highlight=False)
    result = {"versions": versions}
    emit(result, json_path, written=[write_json(out / "versions.json", result)] if out is not None else [])


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    """interstore's own warnings as one ``warning:`` line on stderr; others as Python prints them."""
    if issubclass(category, InterstoreWarning):
        err_console.print(f"warning: {message}", highlight=False, markup=False, soft_wrap=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn input errors into one line + exit code 2."""
    warnings.showwarning = _warning_line
    os.environ.setdefault("MPLBACKEND", "Agg")  # figures are only ever saved from the CLI; the library never picks a backend
    try:
        app(args=argv, standalone_mode=False)
    except InputError as exc:
        from .cli_support import cli_message

        err_console.print(f"error: {cli_message(exc)}", highlight=False, markup=False, soft_wrap=True)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 130
    except TyperException as exc:  # usage errors: bad option, missing argument, unknown command
        if not exc.format_message():  # a group called without a command: help was printed
            return 0
        err_console.print(f"error: {exc.format_message()}", highlight=False, markup=False, soft_wrap=True)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        err_console.print(f"error: {exc.filename}: {exc.strerror}", highlight=False, markup=False, soft_wrap=True)
        return 2
    except Exception as exc:  # noqa: BLE001 - last line of defence, no traceback for users
        if os.environ.get("INTERSTORE_DEBUG"):
            raise
        err_console.print(f"internal error: {type(exc).__name__}: {exc} "
                          "(set INTERSTORE_DEBUG=1 for the traceback)", highlight=False, markup=False, soft_wrap=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
