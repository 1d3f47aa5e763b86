"""Publication years, the overlay map (average publication year) and the item density view."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.literature.cooccurrence import cooccurrence, incidence
from interstore.literature.density import density_grid, item_density
from interstore.literature.network import keyword_map
from interstore.literature.readers import read_export
from interstore.literature.records import Record, publication_year

from .conftest import DATA


@pytest.mark.parametrize("text,year", [("2024", 2024), ("2024/05/01/", 2024), ("MAY 2019", 2019),
                                       ("Jan 2021 (early access)", 2021), ("", None), ("n.d.", None),
                                       ("12345", None)])
def test_publication_year_of_exported_date_fields(text, year):
    assert publication_year(text) == year


def test_years_from_every_format():
    years = [2024, 2023, 2025, 2022]
    assert [r.year for r in read_export(DATA / "scopus_small.csv")] == years
    assert [r.year for r in read_export(DATA / "wos_small_tab.txt")] == years
    for name in ("ris_small.ris", "wos_small.txt", "bibtex_small.bib"):  # only the first record has PY/year
        assert [r.year for r in read_export(DATA / name)] == [2024, None, None, None], name


def _map():
    docs = [(("a", "b"), 2010), (("a", "b"), 2012), (("a", "c"), None), (("b", "c"), 2020), (("c", "d"), None),
            (("c", "d"), None)]
    recs = [Record(f"t{i}", None, kws, (), "mem", i + 1, year) for i, (kws, year) in enumerate(docs)]
    return keyword_map(cooccurrence(incidence(recs)), layout="force")


def test_average_publication_year_per_keyword():
    m = _map()
    year = dict(zip(m.labels, m.mean_year.tolist()))
    assert year["a"] == pytest.approx(2011.0)            # 2010, 2012 (third document: no year)
    assert year["b"] == pytest.approx((2010 + 2012 + 2020) / 3)
    assert year["c"] == pytest.approx(2020.0)
    assert np.isnan(year["d"])                           # no document of d has a year


def test_item_density_known_values():
    xy = np.array([[0.0, 0.0], [3.0, 0.0]])
    w = np.array([4.0, 1.0])
    points = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    d = item_density(xy, w, points, sigma=1.0)
    np.testing.assert_allclose(d, [4 + np.exp(-4.5), 4 * np.exp(-0.5) + np.exp(-2.0), 4 * np.exp(-4.5) + 1],
                               rtol=1e-14)


def test_density_grid_peaks_at_the_most_frequent_keyword():
    m = _map()
    nodes, gx, gy, d = density_grid(m, kernel_width=0.05, resolution=121)
    iy, ix = np.unravel_index(np.argmax(d), d.shape)
    top = nodes[np.argmax(m.occurrences[nodes])]
    spacing = max(gx[1] - gx[0], gy[1] - gy[0])
    assert np.hypot(gx[ix] - m.xy[top, 0], gy[iy] - m.xy[top, 1]) <= spacing


def test_overlay_html_colours_by_year(tmp_path):
    from interstore.literature.plot import network_figure, network_html

    m = _map()
    page = network_html(m, colour="year")
    assert "average publication year (year)" in page and "average publication year: 2011.0" in page
    fig = network_figure(m, colour="year")
    assert any("publication year" in ax.get_ylabel() for ax in fig.axes)  # the colour bar
