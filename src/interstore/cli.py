"""``interstore`` command line: one command group per subpackage.

Errors in user input are printed as one line on stderr with exit code 2.
Set ``INTERSTORE_DEBUG=1`` to see the full traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.exceptions import TyperException

from .cli_support import JsonOption, OutOption, err_console
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
    "interstore.echem.cli_batch",      # batch (folder or glob of cycling files -> one table)
)


def _mount() -> None:
    """Attach each subpackage's commands to the root app."""
    from importlib import import_module

    for module_name in COMMAND_MODULES:
        import_module(module_name).register(app)


_mount()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn input errors into one line + exit code 2."""
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
