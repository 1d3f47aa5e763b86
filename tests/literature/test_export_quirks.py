"""What databases really write (issue 12, bugs 1-6): each test fails on the readers of commit fff6e89."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from interstore.literature.cooccurrence import cooccurrence, incidence
from interstore.literature.normalize import Spellings, display_label, keyword_key
from interstore.literature.plot import labelled_nodes
from interstore.literature.readers import open_export, read_export
from interstore.literature.records import Record

HEADER = '"Authors","Title","Year","DOI","Author Keywords","Index Keywords","Funding Details","References"\n'


def test_ragged_scopus_rows_are_read_and_counted(tmp_path):
    # bug 1: Scopus adds one header-less column in the funding block (after the keyword columns)
    path = tmp_path / "scopus.csv"
    path.write_text(HEADER
                    + '"A","Paper one","2021","10.1/a","V2O5; MXene","CATHODES","grant 1","extra","refs"\n'
                    + '"B","Paper two","2022","10.1/b","V2O5","","",""\n'
                    + '"C","Paper three","2023","10.1/c","MXene; interface","","grant 3","extra","refs"\n',
                    encoding="utf-8")
    export = open_export(path)
    assert [r.title for r in export.records] == ["Paper one", "Paper two", "Paper three"]
    assert export.records[2].author_keywords == ("MXene", "interface")
    assert [r.year for r in export.records] == [2021, 2022, 2023]
    assert export.ragged_rows == 2
    assert "2 of 3 rows have more fields than the header" in export.note


def test_ragged_scopus_rows_are_reported_by_the_cli(run_cli, tmp_path):
    path = tmp_path / "scopus.csv"
    path.write_text(HEADER + '"A","P1","2021","10.1/a","V2O5; MXene","","g","x","r"\n'
                    + '"B","P2","2022","10.1/b","V2O5; MXene","","",""\n', encoding="utf-8")
    code, out, err = run_cli("literature", "network", path, "--json", tmp_path / "r.json")
    assert code == 0, err
    assert "1 of 2 rows have more fields than the header" in " ".join(err.split())   # a warning: stderr


def test_row_too_short_for_the_keyword_columns_is_still_refused(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(HEADER + '"A","P1"\n', encoding="utf-8")
    with pytest.raises(Exception, match="line 2.*2 fields"):
        read_export(path)


def test_bibtex_field_names_with_spaces_never_stop_the_read(tmp_path):
    # bug 2: Scopus writes "funding_text<NO-BREAK SPACE>1", Web of Science "Early Access Date"
    path = tmp_path / "refs.bib"
    path.write_text("@ARTICLE{s1,\n  title = {Scopus paper},\n  year = {2023},\n"
                    "  author_keywords = {V2O5; MXene},\n  funding_text\u00a01 = {We thank {the} funder.},\n"
                    "  doi = {10.1/s1}\n}\n"
                    "@article{ WOS:000123,\n  Title = {WoS paper},\n  Early Access Date = {JAN 2024},\n"
                    "  Year = {2024},\n  Keywords = {interface; capacity},\n  DOI = {10.1/w1},\n}\n",
                    encoding="utf-8")
    recs = read_export(path)
    assert [(r.title, r.doi, r.year) for r in recs] == [("Scopus paper", "10.1/s1", 2023),
                                                        ("WoS paper", "10.1/w1", 2024)]
    assert recs[0].author_keywords == ("V2O5", "MXene") and recs[1].author_keywords == ("interface", "capacity")


def test_wos_bibtex_keywords_plus_are_index_keywords(tmp_path):
    # bug 3: Web of Science BibTeX "Keywords-Plus" was silently ignored
    path = tmp_path / "savedrecs.bib"
    path.write_text("@article{ WOS:1,\n  Title = {One},\n  Keywords = {V2O5; zinc-ion battery},\n"
                    "  Keywords-Plus = {CATHODE MATERIALS; INTERCALATION},\n  Year = {2020},\n}\n"
                    "@article{ WOS:2,\n  Title = {Two},\n  Keywords-Plus = {CATHODE MATERIALS},\n}\n",
                    encoding="utf-8")
    recs = read_export(path)
    assert recs[0].author_keywords == ("V2O5", "zinc-ion battery")
    assert recs[0].index_keywords == ("CATHODE MATERIALS", "INTERCALATION")
    assert recs[1].keywords("index") == ("CATHODE MATERIALS",) and recs[1].keywords("author") == ()
    inc = incidence(recs, "index")
    assert sorted(inc.labels) == ["cathode materials", "intercalation"]
    assert inc.matrix.sum(axis=0).tolist() == [[2.0, 1.0]]


@pytest.mark.parametrize("word", ["SARS", "GANs", "AIDS", "GaAs", "Mars", "V2O5", "Ti3C2Tx", "MXenes"])
def test_acronyms_and_formulas_are_never_folded(word):
    # bug 4: SARS→SAR, GANs→GaN, AIDS→aid, GaAs→gaa, Mars→mar
    assert keyword_key(word) == word.casefold()
    assert keyword_key(f"{word} review") == f"{word.casefold()} review"


def test_acronym_plural_stays_apart_from_its_lookalike():
    recs = [Record(f"t{i}", None, kws, (), "mem", i) for i, kws in enumerate(
        [("GANs", "image synthesis"), ("GANs", "image synthesis"), ("GaN", "LED"), ("GaN", "LED"),
         ("AIDS", "HIV"), ("AIDS", "HIV"), ("hearing aid", "aid"), ("aid", "hearing aid")])]
    co = cooccurrence(incidence(recs), min_occurrences=2)
    assert {"GANs", "GaN", "AIDS", "aid"} <= set(co.labels)
    i, j = co.labels.index("GANs"), co.labels.index("GaN")
    assert co.counts[i, j] == 0


def test_plurals_fold_where_the_spelling_allows_it():
    assert keyword_key("Zinc-ion batteries") == keyword_key("ZINC–ION BATTERIES.") == "zinc ion battery"
    assert keyword_key("viruses") == "virus" and keyword_key("NODE METASTASES") == "node metastasis"  # inflect
    assert keyword_key("Computer Simulations") == "computer simulation"
    # the exports' own spellings decide the ambiguous cases
    sp = Spellings.of(["MXene", "RAT", "humans", "Carbohydrate"])
    assert keyword_key("MXenes", sp) == "mxene"        # same case as an attested singular
    assert keyword_key("RATS", sp) == "rat"            # Keywords Plus writes RAT too
    assert keyword_key("Humans", sp) == "human"        # written in lower case elsewhere
    assert keyword_key("Carbohydrates", sp) == "carbohydrate"
    assert keyword_key("Mars", sp) == "mars" and keyword_key("SARS", sp) == "sars"


def test_labels_prefer_a_spelling_not_in_capitals():
    # bug 5: Keywords Plus labels stayed UPPERCASE; (R)-ketamine became "r) ketamine"
    assert display_label(Counter({"cathode materials": 1}), Counter({"CATHODE MATERIALS": 5})) == "cathode materials"
    assert display_label(Counter({"ELECTRE TRI": 63, "Electre tri": 7})) == "ELECTRE TRI"  # authors' capitals stay
    sp = Spellings.of(["high-risk patients?", "DNA REPAIR"])
    assert display_label(Counter(), Counter({"RADICAL PROSTATECTOMY": 3}), sp) == "radical prostatectomy"
    assert display_label(Counter(), Counter({"DNA REPAIR": 2}), sp) == "DNA repair"
    assert keyword_key("(R)-ketamine") == "(r) ketamine" and keyword_key("(ketamine)") == "ketamine"
    recs = [Record("a", None, ("(R)-ketamine", "depression"), ("DEPRESSION",), "mem", 1),
            Record("b", None, ("(R)-ketamine",), ("DEPRESSION",), "mem", 2)]
    assert sorted(incidence(recs).labels) == ["(R)-ketamine", "depression"]


def test_overlapping_labels_are_skipped():
    xy = np.array([[0.0, 0.0], [0.001, 0.0], [1.0, 1.0], [0.0, 1.0]])
    labels = ["vanadium oxide", "vanadium pentoxide", "MXene", "interface"]
    assert labelled_nodes(xy, labels).tolist() == [0, 2, 3]   # the second label would cover the first
    assert labelled_nodes(xy, labels, max_labels=2).tolist() == [0, 2]


def test_control_characters_never_break_graphml(tmp_path):
    # bug 6: a control character in a keyword made the GraphML writer fail half-way (exit 1)
    from interstore.literature.network import keyword_map
    from interstore.literature.pipeline import write_network_files

    recs = [Record(f"t{i}", None, ("V2O5\x01 cathode", "MXene\x0b", "interface"), (), "mem", i) for i in range(3)]
    m = keyword_map(cooccurrence(incidence(recs)))
    assert sorted(m.labels) == ["MXene", "V2O5 cathode", "interface"]
    written = write_network_files(m, tmp_path / "out")
    g = nx.read_graphml(tmp_path / "out" / "keyword_network.graphml")
    assert sorted(d["label"] for _, d in g.nodes(data=True)) == ["MXene", "V2O5 cathode", "interface"]
    assert len(written) == 16


def test_a_failing_output_leaves_no_partial_set(tmp_path, monkeypatch):
    from interstore.literature import export
    from interstore.literature.network import keyword_map
    from interstore.literature.pipeline import write_network_files

    recs = [Record(f"t{i}", None, ("a", "b"), (), "mem", i) for i in range(2)]
    m = keyword_map(cooccurrence(incidence(recs)))

    def broken(_m):
        raise ValueError("writer failed")

    monkeypatch.setattr(export, "graphml_chunks", broken)
    with pytest.raises(ValueError, match="writer failed"):
        write_network_files(m, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
