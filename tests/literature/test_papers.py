"""From the map back to the papers: the records behind every keyword, link and cluster."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from interstore.literature.cooccurrence import cooccurrence, incidence
from interstore.literature.export import cluster_records_frame, link_records_frame
from interstore.literature.network import keyword_map
from interstore.literature.plot import network_html
from interstore.literature.records import Record

# topic 1: interface + capacity (+ kinetics); topic 2: zinc anode + dendrite
DOCS = [("P0", 2019, "10.1/p0", ("interface", "capacity")),
        ("P1", 2021, "10.1/p1", ("interface", "capacity", "kinetics")),
        ("P2", None, None, ("interface", "kinetics")),
        ("P3", 2023, "10.1/p3", ("capacity", "kinetics", "interface")),
        ("P4", 2020, "10.1/p4", ("zinc anode", "dendrite")),
        ("P5", 2022, "10.1/p5", ("zinc anode", "dendrite")),
        ("P6", 2018, "10.1/p6", ("dendrite", "zinc anode", "interface"))]


def _map():
    recs = [Record(t, doi, kws, (), "mem", i + 1, year) for i, (t, year, doi, kws) in enumerate(DOCS)]
    return keyword_map(cooccurrence(incidence(recs)), layout="force")


def test_records_behind_a_link_newest_first():
    m = _map()
    idx = {label: i for i, label in enumerate(m.labels)}
    k = next(k for k in range(len(m.source))
             if {m.labels[m.source[k]], m.labels[m.target[k]]} == {"interface", "kinetics"})
    frame = link_records_frame(m, np.array([k]))
    assert frame["title"].tolist() == ["P3", "P1", "P2"]  # P2 has no year: last
    assert frame["year"].tolist()[:2] == [2023, 2021] and frame["year"].isna().tolist() == [False, False, True]
    assert frame["doi"].tolist() == ["10.1/p3", "10.1/p1", ""]
    assert (frame["co_occurrences_documents"] == m.count[k]).all() and m.count[k] == 3
    assert idx["interface"] in (m.source[k], m.target[k])


def test_records_behind_a_cluster_ranked_by_keywords_held():
    m = _map()
    frame = cluster_records_frame(m)
    cl = dict(zip(m.labels, m.cluster.tolist()))
    assert cl["interface"] == cl["capacity"] == cl["kinetics"] != cl["dendrite"] == cl["zinc anode"]
    topic = frame[frame.cluster == cl["capacity"]]
    # held: P1, P3 hold 3 of the cluster's keywords; P0, P2 hold 2; P6 holds 1 (interface)
    assert topic["title"].tolist() == ["P3", "P1", "P0", "P2", "P6"]
    assert topic["cluster_keywords_held"].tolist() == [3, 3, 2, 2, 1]
    anode = frame[frame.cluster == cl["dendrite"]]
    assert anode["title"].tolist() == ["P5", "P4", "P6"] and (anode["cluster_keywords_held"] == 2).all()


def test_html_lists_the_records_on_click():
    m = _map()
    page = network_html(m)
    data = json.loads(re.search(r'<script type="application/json" id="interstore-records">(.*?)</script>',
                                page, re.S).group(1))
    i = m.labels.index("dendrite")
    node = data["node"][str(i)]
    assert [data["papers"][r][0] for r in node["docs"]] == ["P5", "P4", "P6"] and node["n"] == 3
    assert data["papers"][node["docs"][0]] == ["P5", 2022, "10.1/p5"]
    link = next(v for v in data["link"].values() if v["label"] in ("interface — kinetics", "kinetics — interface"))
    assert [data["papers"][r][0] for r in link["docs"]] == ["P3", "P1", "P2"]
    assert "plotly_click" in page and "interstore-panel" in page


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")
def test_clicking_a_keyword_lists_its_records_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    m = _map()
    path = tmp_path / "map.html"
    path.write_text(network_html(m), encoding="utf-8")
    errors = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox",
                                                                           "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.resolve().as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
        trace = next(k for k, t in enumerate(page.evaluate(
            "document.getElementById('interstore-map').data.map(t => t.customdata || [])"))
            if f"n:{m.labels.index('dendrite')}" in t)
        k = page.evaluate(f"document.getElementById('interstore-map').data[{trace}].customdata"
                          f".indexOf('n:{m.labels.index('dendrite')}')")
        box = page.locator(".scatterlayer .trace").nth(trace).locator("path.point").nth(k).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("document.getElementById('interstore-panel').querySelectorAll('table').length > 0",
                               timeout=10_000)
        panel = page.inner_text("#interstore-panel")
        browser.close()
    assert errors == []
    assert "dendrite: 3 records" in panel and "10.1/p5" in panel
    assert panel.index("P5") < panel.index("P4") < panel.index("P6")


def test_links_between_two_sets_of_terms():
    from interstore.literature.export import term_links

    m = _map()
    table = term_links(m, ("interface",), ("capacity", "KINETIC"))
    assert sorted(zip(table.keyword_a, table.keyword_b, table.co_occurrences_documents)) == [
        ("interface", "capacity", 3.0), ("interface", "kinetics", 3.0)]
    assert (table.cluster_a == table.cluster_b).all()
    assert term_links(m, ("dendrite",), ("capacity",)).empty  # never in one record
