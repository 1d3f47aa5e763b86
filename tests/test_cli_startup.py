"""CLI start-up: ``import interstore.cli`` stays light, and the lazily mounted command groups are
the same commands, with the same help, as the modules register."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module

import typer

from interstore.cli import COMMANDS

HEAVY = ("pandas", "matplotlib", "plotly", "scipy.stats", "scipy", "numpy", "pydantic")


def test_importing_the_cli_loads_no_heavy_library():
    code = f"import sys, interstore.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_registry_names_and_help_match_what_the_modules_register():
    for module in sorted({m for m, _ in COMMANDS.values()}):
        holder = typer.Typer()
        holder.callback()(lambda: None)
        import_module(module).register(holder)
        registered = typer.main.get_command(holder).commands
        listed = {name for name, (m, _) in COMMANDS.items() if m == module}
        assert set(registered) == listed, module
        for name, command in registered.items():
            help_text = (command.help or "").split("\n\n")[0].replace("\n", " ").strip()
            assert help_text == COMMANDS[name][1], name


def test_root_help_lists_every_command_without_importing_them(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0
    for name in ("version", *COMMANDS):
        assert f" {name} " in out
    code, out, _ = run_cli("capacity", "--help")        # a lazily mounted group resolves and shows its commands
    assert code == 0 and "Theoretical (Faradaic) capacity" in out


def test_help_does_not_import_the_renderers_it_never_uses():
    code = ("import sys; from interstore.cli import main; sys.argv = ['interstore', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(','.join(m for m in ('rich.markdown', 'rich.traceback', 'markdown_it', 'pygments', 'attr') "
            "if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Commands" in done.stdout
    assert done.stderr.strip() == ""


def test_the_deferred_renderers_are_the_real_classes_when_used():
    code = ("import sys, interstore.cli, typer.rich_utils as ru\n"
            "assert 'rich.markdown' not in sys.modules and 'rich.traceback' not in sys.modules\n"
            "import rich.markdown, rich.traceback\n"
            "assert type(ru.Markdown('*x*')) is rich.markdown.Markdown\n"
            "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n"
            "    tb = ru.Traceback.from_exception(type(e), e, e.__traceback__)\n"
            "assert type(tb) is rich.traceback.Traceback\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
