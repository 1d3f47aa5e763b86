"""Shared fixtures: the ``../shared/data`` folder (skips cleanly when absent) and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Real instrument files from ``../shared/data``; the test skips when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} not present")
    return SHARED_DATA


@pytest.fixture()
def run_cli(capsys):
    """Run ``interstore ARGS...`` in-process; returns (exit_code, stdout, stderr)."""
    from interstore.cli import main

    def _run(*args: str):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run
