"""The ``interstore`` console command and ``python -m interstore``.

Kept free of heavy imports so that a Ctrl-C while numpy, pandas and the command modules are
still loading also ends with one line and exit code 130 instead of a traceback."""

from __future__ import annotations

import signal
import sys


def main() -> int:
    """Import the CLI, then run it (see :func:`interstore.cli.main`)."""
    try:
        from .cli import main as cli_main

        return cli_main()
    except KeyboardInterrupt:  # before the CLI installed its own handling
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # shutting down: no second traceback either
        sys.stderr.write("interrupted (SIGINT): stopped, no output of this run was written\n")
        return 130
