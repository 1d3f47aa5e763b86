"""Shared pieces of every ``interstore`` command: the ``--json``/``--out`` options,
result emission and the rich console.

Commands compute a plain dict of results (units in every key name), then call
:func:`emit`, which prints a table, writes ``--json`` atomically and reports
where figures and tables went.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Iterable, Optional

import typer
from rich.console import Console
from rich.cells import cell_len
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


# library parameter -> the CLI option that sets it; errors raised from Python name the parameter
OPTION_FOR_PARAMETER = {
    "scan_rates_mV_s": "--scan-rates",
    "circuit": "--circuit",
    "r2_threshold": "--r2-threshold",
    "cycle": "--cycle",
    "pattern": "--pattern",
    "instrument": "--instrument",
    "columns": "--columns",
    "min_occurrences": "--min-occurrences",
}


def cli_message(exc: InputError) -> str:
    """``exc`` as one line in CLI terms: ``parameter 'scan_rates_mV_s'`` becomes ``option --scan-rates``."""
    name = exc.source.removeprefix("parameter '").removesuffix("'")
    if exc.source == f"parameter '{name}'" and name in OPTION_FOR_PARAMETER:
        return InputError(f"option {OPTION_FOR_PARAMETER[name]}", exc.problem, where=exc.where,
                          expected=exc.expected).one_line()
    return exc.one_line()


def cell_text(value: Any) -> str:
    """A table cell: floats to 4 significant digits without exponent clutter, anything else as text."""
    from .results import sig

    return sig(value) if isinstance(value, float) else str(value)


def table(title: str, columns: Iterable[str], rows: Iterable[Iterable[Any]], *,
          caption: str | None = None) -> "FittedTable":
    """A table for the console that never breaks a word or a number, however narrow the terminal.

    Floats are shown to 4 significant digits.  Title, headers and cells are literal text (never
    rich markup), so user labels such as ``[bold]V8O16`` or a ``[run1]`` folder are shown as
    written; ``caption`` (units, warnings) is printed under the table."""
    return FittedTable(plain(title), [plain(c) for c in columns], [[plain(cell_text(v)) for v in r] for r in rows],
                       None if caption is None else plain(caption))


class FittedTable:
    """A rich renderable laid out for the width it is printed at: every column is at least as wide
    as its longest word or number; columns that do not fit go into a continuation table that
    repeats the first column; spare width goes first to one-line headers, then to one-line cells."""

    def __init__(self, title: str, headers: list[str], cells: list[list[str]], caption: str | None) -> None:
        self.title, self.headers, self.cells, self.caption = title, headers, cells, caption

    def __rich_console__(self, console, options):
        yield from self.tables(options.max_width)

    def tables(self, width: int) -> list[Table]:
        """The table (or the table and its continuations) for a console ``width`` characters wide."""
        headers, cells = self.headers, self.cells
        texts = [[h, *[r[k] for r in cells if k < len(r)]] for k, h in enumerate(headers)]
        widest = [max([cell_len(w) for text in col for w in text.split()] or [1]) for col in texts]
        natural = [max(cell_len(text) for text in col) for col in texts]
        room = width - 1  # the closing border
        parts, current, used = [], [0], widest[0] + 3  # a column costs its width + 2 padding + 1 border
        for k in range(1, len(headers)):
            if used + widest[k] + 3 > room:
                parts.append(current)
                current, used = [0], widest[0] + 3
            current.append(k)
            used += widest[k] + 3
        parts.append(current)
        tables = []
        for n, keep in enumerate(parts):
            widths = {k: widest[k] for k in keep}
            spare = room - sum(widths[k] + 3 for k in keep)
            # widen, one cell at a time, the column furthest from a one-line header, then from one-line cells
            for target in ([max(widest[k], cell_len(headers[k])) for k in range(len(headers))], natural):
                while spare > 0:
                    k = max(keep, key=lambda k: target[k] - widths[k])
                    if target[k] <= widths[k]:
                        break
                    widths[k] += 1
                    spare -= 1
            last = n == len(parts) - 1
            t = Table(title=Text(self.title if n == 0 else f"{self.title} (continued)"), title_justify="left",
                      caption=Text(self.caption) if self.caption and last else None, caption_justify="left")
            for k in keep:  # "fold" only ever applies to a single word wider than the whole screen
                t.add_column(Text(headers[k]), width=widths[k], overflow="fold")
            for r in cells:
                t.add_row(*[Text(r[k]) if k < len(r) else Text("") for k in keep])
            tables.append(t)
        return tables


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


@contextmanager
def stage_progress(total: int):
    """A transient rich progress bar; yields ``tick(stage)`` that advances it by one stage."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("starting", total=total)
        yield lambda stage: bar.update(task, advance=1, description=stage)
