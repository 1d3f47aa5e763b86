"""Hand-made exports: the same four synthetic records in every format (see test_cooccurrence.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SMALL = {
    "scopus-csv": DATA / "scopus_small.csv",
    "wos-plain": DATA / "wos_small.txt",
    "wos-tab": DATA / "wos_small_tab.txt",
    "ris": DATA / "ris_small.ris",
    "bibtex": DATA / "bibtex_small.bib",
}


@pytest.fixture(params=sorted(SMALL))
def small_export(request) -> tuple[str, Path]:
    """(format name, path) of each hand-made four-record export."""
    return request.param, SMALL[request.param]
