"""``interstore literature network`` end to end: outputs, JSON numbers, errors, escaping, determinism."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from .conftest import DATA, SMALL

REPO = Path(__file__).resolve().parents[2]
FILES = ["keyword_network.html", "keyword_network.png", "keyword_network.svg", "vosviewer_map.txt",
         "vosviewer_network.txt", "vosviewer.json", "keyword_network.graphml", "keywords.csv",
         "keyword_overlay.html", "keyword_overlay.png", "keyword_overlay.svg",
         "keyword_density.html", "keyword_density.png", "keyword_density.svg",
         "link_records.csv", "cluster_records.csv"]


def test_python_api_matches_the_cli(run_cli, tmp_path):
    from interstore.literature.export import network_payload
    from interstore.literature.pipeline import OUTPUT_FILES, build_network, write_network_files

    assert sorted(OUTPUT_FILES.values()) == sorted(FILES)
    stages = []
    run = build_network([SMALL["ris"], DATA / "ris_overlap.ris"], min_occurrences=1, seed=5, on_stage=stages.append)
    assert (run.records_read, run.duplicates_removed, run.records_used) == (7, 2, 5)
    assert stages == ["read ris_small.ris", "read ris_overlap.ris", "counted co-occurrences", "clustered"]
    res, _ = _run(run_cli, tmp_path, str(SMALL["ris"]), str(DATA / "ris_overlap.ris"), "--min-occurrences", "1",
                  "--seed", "5", out=False)
    api = network_payload(run.map)
    assert res["nodes"] == api["nodes"] and res["edges"] == api["edges"]
    assert "x" not in res["nodes"][0]  # no figure written: no layout computed
    written = write_network_files(run.map, tmp_path / "api")
    assert sorted(p.name for p in written) == sorted(FILES)


def _run(run_cli, tmp_path, *args, out=True):
    js = tmp_path / "result.json"
    extra = ["--out", str(tmp_path / "out")] if out else []
    code, stdout, stderr = run_cli("literature", "network", *args, "--json", str(js), *extra)
    assert code == 0, stderr
    return json.loads(js.read_text(encoding="utf-8")), stdout


def test_all_formats_plus_overlap_end_to_end(run_cli, tmp_path):
    exports = [str(p) for p in SMALL.values()] + [str(DATA / "ris_overlap.ris")]
    res, stdout = _run(run_cli, tmp_path, *exports, "--min-occurrences", "1")
    # 5 formats x 4 records + 3 overlap records; unique: A-D + the RuO2 paper E (RuO2, MXene)
    assert (res["records_read"], res["duplicates_removed"], res["records_used"]) == (23, 18, 5)
    nodes = {n["keyword"]: n for n in res["nodes"]}
    assert set(nodes) == {"MXene", "V2O5", "Zinc-ion batteries", "built-in electric field",
                          "oxygen vacancies", "RuO2"}
    # MXene: A, C, D, E -> 4 documents; links M-V 2, M-Z 2, M-B 1, M-O 1, M-RuO2 1 -> k = 7
    assert nodes["MXene"]["count"] == 4 and nodes["MXene"]["total_link_strength"] == 7
    assert res["nodes"][0]["keyword"] == "MXene"  # most frequent first
    edges = {frozenset((e["source"], e["target"])): e for e in res["edges"]}
    vz = edges[frozenset(("V2O5", "Zinc-ion batteries"))]
    # 2m = 26 (hand computation in test_cooccurrence.py) + 2 (the M-RuO2 link); k_V = k_Z = 7
    assert vz["count"] == 3 and vz["strength"] == pytest.approx(28 * 3 / (7 * 7))
    assert sum(n["total_link_strength"] for n in res["nodes"]) == pytest.approx(2 * sum(e["count"] for e in res["edges"]))
    for name in FILES:
        assert (tmp_path / "out" / name).stat().st_size > 0, name
    html = (tmp_path / "out" / "keyword_network.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and not re.search(r"<script[^>]+src=", html)  # plotly.js inlined
    assert "occurrences: 4 documents" in html and "total link strength: 7" in html  # MXene's hover
    vos = pd.read_csv(tmp_path / "out" / "vosviewer_map.txt", sep="\t")
    assert len(vos) == res["n_keywords"] and vos["weight<Occurrences>"].tolist() == [n["count"] for n in res["nodes"]]
    svg = (tmp_path / "out" / "keyword_network.svg").read_text(encoding="utf-8")
    assert all(f">{n['keyword']}<" in svg for n in res["nodes"])  # labels kept as SVG text
    table = pd.read_csv(tmp_path / "out" / "keywords.csv")
    assert table["cluster"].tolist() == [n["cluster"] for n in res["nodes"]]
    assert "occurrences" in stdout and "(documents)" in stdout and "MXene" in stdout


def test_fractional_jaccard_and_threshold(run_cli, tmp_path):
    res, _ = _run(run_cli, tmp_path, str(SMALL["ris"]), "--counting", "fractional",
                  "--normalization", "jaccard", "--min-occurrences", "2", out=False)
    assert [n["keyword"] for n in res["nodes"]] == ["MXene", "V2O5", "Zinc-ion batteries", "built-in electric field"]
    edges = {frozenset((e["source"], e["target"])): e for e in res["edges"]}
    vz = edges[frozenset(("V2O5", "Zinc-ion batteries"))]
    # fractional c = 1/2 + 1/2 + 1/3 = 4/3; jaccard with o = 3, 3 documents: (4/3) / (3 + 3 - 4/3) = 2/7
    assert vz["count"] == pytest.approx(4 / 3) and vz["strength"] == pytest.approx(2 / 7)
    mb = edges[frozenset(("MXene", "built-in electric field"))]
    assert mb["count"] == pytest.approx(1.0) and mb["strength"] == pytest.approx(1 / 4)
    assert res["counting"] == "fractional" and res["normalization"] == "jaccard"


def test_max_keywords_selects_by_total_link_strength(run_cli, tmp_path):
    res, _ = _run(run_cli, tmp_path, str(SMALL["wos-tab"]), "--min-occurrences", "1", "--max-keywords", "3", out=False)
    # k = MXene 6, V2O5 7, Zinc 7, built-in 3, oxygen 3 -> the top 3, k recomputed among them (hand count)
    assert res["max_keywords"] == 3 and res["n_keywords"] == 3
    assert [(n["keyword"], n["total_link_strength"]) for n in res["nodes"]] == [
        ("MXene", 4), ("V2O5", 5), ("Zinc-ion batteries", 5)]


def test_same_input_and_seed_same_coordinates(run_cli, tmp_path):
    args = [str(REPO / "examples/literature/demo_scopus.csv"), "--seed", "11"]
    a, _ = _run(run_cli, tmp_path, *args)
    b, _ = _run(run_cli, tmp_path, *args)
    assert [(n["x"], n["y"], n["cluster"]) for n in a["nodes"]] == [(n["x"], n["y"], n["cluster"]) for n in b["nodes"]]
    c, _ = _run(run_cli, tmp_path, *args[:-1], "12")
    assert [(n["x"], n["y"]) for n in a["nodes"]] != [(n["x"], n["y"]) for n in c["nodes"]]


def test_html_escapes_keywords(run_cli, tmp_path):
    ris = tmp_path / "evil.ris"
    ris.write_text("TY  - JOUR\nTI  - a\nKW  - <script>alert('x')</script>\nKW  - <b>bold</b>\nER  - \n"
                   "TY  - JOUR\nTI  - b\nKW  - <script>alert('x')</script>\nKW  - <b>bold</b>\nER  - \n",
                   encoding="utf-8")
    res, _ = _run(run_cli, tmp_path, str(ris))
    assert {n["keyword"] for n in res["nodes"]} == {"<script>alert('x')</script>", "<b>bold</b>"}
    html = (tmp_path / "out" / "keyword_network.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in html and "<b>bold</b>" not in html
    # (plotly's JSON writes '/' as \u002f)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;" in html and "&lt;b&gt;bold&lt;" in html


def test_demo_thesaurus_merges_all_zinc_ion_battery_spellings(run_cli, tmp_path):
    demo = REPO / "examples/literature"
    res, _ = _run(run_cli, tmp_path, str(demo / "demo_scopus.csv"), str(demo / "demo_wos.txt"),
                  "--thesaurus", str(demo / "thesaurus.txt"), out=False)
    assert res["duplicates_removed"] == 1  # demo_wos.txt repeats record 001 (DOI in upper case)
    # independent count: records (Scopus + the two new WoS ones) naming zinc-ion batteries in any spelling
    variant = re.compile(r"\b(zibs|(aqueous )?zinc[ -]ion batter(y|ies))\b", re.IGNORECASE)
    with open(demo / "demo_scopus.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    expected = sum(bool(variant.search(r["Author Keywords"] + ";" + r["Index Keywords"])) for r in rows) + 1
    nodes = {n["keyword"]: n for n in res["nodes"]}
    assert nodes["zinc-ion battery"]["count"] == expected
    assert not {"ZIBs", "Zinc-ion batteries", "zinc ion batteries", "review"} & set(nodes)


@pytest.mark.parametrize("args,words", [
    (["--out", str(DATA / "ris_small.ris")], ["--out", "is a file"]),
    (["--counting", "half"], ["--counting", "full | fractional"]),
    (["--normalization", "pmi"], ["--normalization"]),
    (["--resolution", "0"], ["--resolution", "> 0"]),
    (["--min-occurrences", "0"], ["--min-occurrences"]),
    (["--seed", "-3"], ["--seed"]),
])
def test_bad_options_fail_before_reading(run_cli, tmp_path, args, words):
    code, out, err = run_cli("literature", "network", str(tmp_path / "does-not-exist.csv"), *args)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    for w in words:
        assert w in err
    assert "does-not-exist" not in err  # options are checked before any file is read


@pytest.mark.parametrize("name,content,words", [
    ("broken.ris", "TY  - JOUR\nTI  - x\nKW  - a\n", ["broken.ris", "line 1", "never closed"]),
    ("empty.bib", "", ["empty.bib", "empty"]),
    ("wrong.csv", "Title;Author Keywords\nx;a\n", ["wrong.csv", "line 1", "wrong delimiter"]),
])
def test_malformed_export_gives_one_line_and_exit_2(run_cli, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli("literature", "network", str(path), "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    for w in words:
        assert w in err, err
    assert not (tmp_path / "o").exists()
