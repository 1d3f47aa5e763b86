"""Export readers: every format gives the same four records; malformed files give one-line InputErrors."""

from __future__ import annotations

import pytest

from interstore.errors import InputError
from interstore.literature.readers import detect_format, read_export
from interstore.literature.records import Record, deduplicate, doi_key, title_key

from .conftest import DATA

TITLES = ["Interface storage in V2O5/MXene heterostructures",
          "Built-in electric field accelerates Zn2+ diffusion",
          "Oxygen vacancies in vanadium oxide cathodes",
          "Ragone conflict of aqueous Zn cells"]


def test_every_format_reads_the_same_records(small_export):
    fmt, path = small_export
    assert detect_format(path, path.read_text(encoding="utf-8-sig")) == fmt
    recs = read_export(path)
    assert [r.title for r in recs] == TITLES
    assert [doi_key(r.doi) for r in recs] == ["10.1000/a1", "10.1000/b2", "10.1000/c3", None]
    assert [len(r.keywords("all")) for r in recs] == [3, 3, 4, 2]
    assert set(recs[2].keywords("all")) == {"Zinc-ion batteries", "oxygen vacancies", "V2O5", "MXenes"}
    assert recs[3].keywords("all") == ("MXene", "built-in electric fields")


def test_scopus_and_wos_split_author_and_index_keywords():
    for name in ("scopus_small.csv", "wos_small.txt", "wos_small_tab.txt", "bibtex_small.bib"):
        rec = read_export(DATA / name)[2]
        assert rec.keywords("author") == ("Zinc-ion batteries", "oxygen vacancies"), name
        assert rec.keywords("index") == ("V2O5", "MXenes"), name


def test_record_lines_point_into_the_file():
    # expected lines = where 'PT J' / 'TY  -' / '@article' stand in the files (grep -n)
    # Scopus: header line 1; record 2 starts on line 3 and its abstract spans lines 3-4
    assert [r.line for r in read_export(DATA / "scopus_small.csv")] == [2, 3, 5, 6]
    assert [r.line for r in read_export(DATA / "wos_small.txt")] == [3, 15, 23, 32]
    assert [r.line for r in read_export(DATA / "ris_small.ris")] == [1, 13, 22, 32]
    assert [r.line for r in read_export(DATA / "bibtex_small.bib")] == [4, 13, 20, 27]


def test_wos_continuation_lines_join_title_and_keywords():
    rec = read_export(DATA / "wos_small.txt")[0]
    assert rec.title == "Interface storage in V2O5/MXene heterostructures"
    assert rec.author_keywords == ("Zinc-ion batteries", "V2O5", "MXene")


def test_full_wos_record_reads_only_the_needed_fields():
    [rec] = read_export(DATA / "wos_full_record.txt")
    assert rec.title == ("Synthetic record with every common Web of Science field: interface "
                         "storage in V2O5/Ti3C2Tx heterostructures")
    assert rec.author_keywords == ("Zinc-ion batteries", "V2O5", "MXene", "heterostructure", "interface storage",
                                   "built-in electric field")
    assert rec.index_keywords == ("CATHODE MATERIALS", "ELECTROCHEMICAL PERFORMANCE", "VANADIUM-OXIDE",
                                  "INTERCALATION")
    assert rec.doi == "10.5555/interstore.wos.full"


def test_real_exports_in_shared_data_parse(shared_data):
    from interstore.literature.cooccurrence import cooccurrence, incidence

    exports = [p for pattern in ("*.ris", "*.bib", "savedrecs*.txt", "scopus*.csv")
               for p in shared_data.rglob(pattern)]
    if not exports:
        pytest.skip("no bibliographic exports in shared data")
    for path in exports:
        recs = read_export(path)
        assert recs and all(r.line >= 1 for r in recs), path
        co = cooccurrence(incidence(recs))
        assert (co.counts != co.counts.T).nnz == 0 and co.counts.diagonal().sum() == 0, path


def test_deduplicate_by_doi_and_normalised_title():
    recs = read_export(DATA / "scopus_small.csv") + read_export(DATA / "ris_overlap.ris")
    kept, removed = deduplicate(recs)
    # overlap file: paper A again (DOI with resolver prefix and upper case), paper D again (no DOI,
    # title differs by case and a full stop), and one new paper -> 4 + 1 kept, 2 removed
    assert removed == 2
    assert [r.title for r in kept] == TITLES + ["RuO2 interlayers for fast Zn2+ transport"]
    assert kept[0].source.endswith("scopus_small.csv")  # the first occurrence is kept


def test_keys_used_for_deduplication():
    assert doi_key(" https://dx.doi.org/10.1039/D5EE01234A ") == "10.1039/d5ee01234a"
    assert doi_key("doi:10.1/X") == "10.1/x"
    assert doi_key("") is None
    assert title_key("V2O5/MXene: a study!") == title_key("v2o5 mxene — A Study")
    rec = Record("t", None, (), (), "s", 1)
    assert deduplicate([rec, rec]) == ([rec], 1)


def test_same_title_different_dois_are_different_papers():
    ed1 = Record("Editorial", "10.1/ed.2023", (), (), "s", 1)
    ed2 = Record("EDITORIAL.", "10.1/ed.2024", (), (), "s", 2)
    no_doi = Record("Editorial", None, (), (), "s", 3)
    kept, removed = deduplicate([ed1, ed2, no_doi])
    assert kept == [ed1, ed2] and removed == 1  # the DOI-less copy matches by title
    kept, removed = deduplicate([no_doi, ed1])
    assert kept == [no_doi] and removed == 1


BAD = {
    # name: (content, words the one-line message must contain)
    "empty.csv": (b"", ["empty.csv", "file is empty", "line 1"]),
    "blank.ris": (b"\n  \n", ["blank.ris", "file is empty"]),
    "garbage.bin": (bytes(range(256)) * 4, ["garbage.bin", "binary content", "line 1"]),
    "semicolon.csv": (b"Authors;Title;Author Keywords;Index Keywords;DOI\nA;T;k1; k2;;\n",
                      ["semicolon.csv", "line 1", "wrong delimiter", "Author Keywords"]),
    "nokeywords.csv": (b'"Authors","Title","Year","DOI"\n"A","T","2024","10.1/x"\n',
                       ["nokeywords.csv", "line 1", "lacks column", "Author Keywords' or 'Index Keywords"]),
    "noER.ris": (b"TY  - JOUR\nTI  - one\nER  - \nTY  - JOUR\nTI  - two\nKW  - V2O5\n",
                 ["noER.ris", "line 4", "never closed", "line 6"]),
    "noER.txt": (b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI x\nDE a; b\n",
                 ["noER.txt", "record starting at line 3", "never closed"]),
    "stray.ris": (b"Hello world\nTY  - JOUR\nER  - \n", ["stray.ris", "line 1", "outside a record"]),
    "unbalanced.bib": (b"@article{a,\n title = {x},\n keywords = {a; b}\n\n@article{b, title={y}}\n",
                       ["unbalanced.bib", "line 1", "never closed"]),
    "badfield.bib": (b"@article{a,\n title = {x},\n = {a; b}}\n", ["badfield.bib", "entry at line 1", "cannot read field"]),
    "quote.csv": (b'"Title","Author Keywords"\n"T","a; b\n', ["quote.csv", "line"]),
    "short.tsv": (b"PT\tTI\tDE\tID\nJ\tonly title\n", ["short.tsv", "line 2", "2 fields", "header has 4"]),
    "prose.txt": (b"Dear editor,\nplease find attached our manuscript.\n", ["prose.txt", "unrecognised export format"]),
    "norecords.bib": (b"% only a comment\n@comment{nothing here}\n", ["norecords.bib", "no records"]),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_exports_raise_one_line_input_errors(tmp_path, name):
    content, words = BAD[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_export(path)
    msg = str(info.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)
    assert path.read_bytes() == content  # input untouched


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_export(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_export(tmp_path)


def test_utf16_wos_tab_export_is_read(tmp_path):
    text = (DATA / "wos_small_tab.txt").read_text(encoding="utf-8")
    path = tmp_path / "savedrecs.txt"
    path.write_bytes(text.encode("utf-16"))  # old WoS "Tab-delimited (Win)" exports are UTF-16 with BOM
    assert [r.title for r in read_export(path)] == TITLES
