"""docs/api.md is generated from the docstrings; it must match what tools/api_page.py writes now."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_api_page_is_current():
    run = subprocess.run([sys.executable, str(REPO / "tools" / "api_page.py"), "--check"], capture_output=True,
                         text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr


def test_api_page_documents_every_front_door_name():
    import interstore as ist

    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    for name in ist._LAZY:
        assert f"## `ist.{name}`" in page
    assert "Parameters\n----------" in page and "Returns\n-------" in page  # numpydoc sections came through
