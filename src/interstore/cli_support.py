"""Shared pieces of every ``interstore`` command: the ``--json``/``--out`` options,
result emission and the rich console.

Commands compute a plain dict of results (units in every key name), then call
:func:`emit`, which prints a table, writes ``--json`` atomically and reports
where figures and tables went.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Iterable, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .errors import InputError
from .outputs import after_commit, to_jsonable, write_json

console = Console()
err_console = Console(stderr=True)

def _not_an_input(path: Optional[Path]) -> Optional[Path]:
    """Refuse an output path that is one of the run's input files before any work is done."""
    from .outputs import active_output_set

    active = active_output_set()
    if path is not None and active is not None:
        active.refuse_input(path)
    return path


STDOUT = "-"  # --json - : the JSON on stdout, everything meant for people on stderr

JsonOption = Annotated[
    Optional[Path], typer.Option("--json", help="Write machine-readable results to this JSON file "
                                 "('-': to stdout, with tables and messages on stderr).", callback=_not_an_input)
]
OutOption = Annotated[
    Optional[Path], typer.Option("--out", help="Folder for figures (PNG) and tables (CSV).")
]

ColumnsOption = Annotated[Optional[str], typer.Option(
    "--columns", help="Column mapping passed to the reader, e.g. time=t/s,potential=Ewe/V,current=I/mA; "
    "give the unit of a header that has none with @, e.g. current=I@mA.")]
InstrumentOption = Annotated[Optional[str], typer.Option(
    "--instrument", help="Force the file format (biologic, csv, ...); default: detected.")]


def parse_float_list(text: str | None, name: str) -> list[float] | None:
    """Parse ``"0.1,0.2,0.5"`` into floats; ``None`` passes through."""
    if text is None or text == "":
        return None
    try:
        return [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise InputError(f"option {name}", f"could not parse {text!r}",
                         expected="comma-separated numbers, e.g. 0.1,0.2,0.5") from None


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0)]}
_CONTROL.update({c: f"\\u{c:04x}" for c in [0x200e, 0x200f, *range(0x202a, 0x202f), *range(0x2066, 0x206a)]})


def plain(text: Any) -> str:
    """``text`` with terminal control characters (ESC sequences, OSC-8 links, BEL, CR, DEL, C1,
    bidi overrides) shown as escapes (``\\x1b``) instead of acted on; tab and newline stay."""
    return str(text).translate(_CONTROL)


def table(title: str, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Table:
    """A rich table; floats are shown with 4 significant digits.

    Title, headers and cells are literal text (never rich markup), so user labels such as
    ``[bold]V8O16`` or a ``[run1]`` folder are shown as written."""
    t = Table(title=Text(plain(title)), title_justify="left")
    for c in columns:
        t.add_column(Text(plain(c)), overflow="fold")  # wrap, never cut a number to "1.57e…"
    for r in rows:
        t.add_row(*[Text(f"{v:.4g}" if isinstance(v, float) else plain(v)) for v in r])
    return t


def warn(message: str) -> None:
    """Print one warning line on stderr (stdout stays clean for ``--json -`` style pipelines);
    the message is literal text."""
    err_console.print(f"[yellow]warning:[/yellow] {escape(plain(message))}", highlight=False, soft_wrap=True)


def emit(result: dict[str, Any], json_path: Path | None, *tables: Table,
         written: Iterable[Path] = ()) -> None:
    """Print tables, write the JSON result and list the files written (after they are in place)."""
    for t in tables:
        console.print(t)
    files = list(written)
    if json_path is not None and str(json_path) == STDOUT:
        text = json.dumps(to_jsonable(result), indent=2, ensure_ascii=False)
        after_commit(lambda: (sys.stdout.write(text + "\n"), sys.stdout.flush()))
    elif json_path is not None:
        files.append(write_json(json_path, result))
    for f in files:  # listed once they are in place; escape(): a '[run1]' folder is not markup
        after_commit(lambda f=f: console.print(f"[dim]wrote[/dim] {escape(plain(f))}", highlight=False))
