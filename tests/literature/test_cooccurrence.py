"""Co-occurrence counts and link strengths checked against a hand computation, in every format.

The four hand-made records (tests/literature/data/*_small.*), after normalisation:

    doc A: Z, V, M        (Z = zinc ion battery, V = V2O5, M = MXene,
    doc B: Z, V, B         B = built-in electric field, O = oxygen vacancy)
    doc C: Z, O, V, M
    doc D: M, B

Occurrences o: M 3, V 3, Z 3, B 2, O 1.  Node order (o descending, then label):
M "MXene", V "V2O5", Z "Zinc-ion batteries", B "built-in electric field", O "oxygen vacancies".

Full counting, c_ij = documents holding both:
    M-V 2 (A,C)  M-Z 2 (A,C)  M-B 1 (D)  M-O 1 (C)  V-Z 3 (A,B,C)
    V-B 1 (B)    V-O 1 (C)    Z-B 1 (B)  Z-O 1 (C)  B-O 0
Total link strength k_i = Σ_j c_ij: M 6, V 7, Z 7, B 3, O 3;  2m = Σ k = 26
    (= 2 × (3 + 3 + 6 + 1) pairs in A, B, C, D).
Association strength s_ij = 2m c_ij / (k_i k_j):
    M-V = 26·2/(6·7) = 26/21   M-Z = 26/21   M-B = 26/(6·3) = 13/9   M-O = 13/9
    V-Z = 26·3/(7·7) = 78/49   V-B = V-O = Z-B = Z-O = 26/(7·3) = 26/21
Cosine c_ij/√(o_i o_j): M-V 2/3, V-Z 1, M-B 1/√6, V-O 1/√3.
Jaccard c_ij/(o_i + o_j − c_ij): M-V 2/4, V-Z 3/3, M-B 1/4, M-O 1/3, B-Z 1/4.

Fractional counting, weight 1/(n_d − 1): A 1/2, B 1/2, C 1/3, D 1:
    M-V 1/2+1/3 = 5/6   M-Z 5/6   M-B 1   M-O 1/3   V-Z 1/2+1/2+1/3 = 4/3
    V-B 1/2   V-O 1/3   Z-B 1/2   Z-O 1/3
    k: M 3, V 3, Z 3, B 2, O 1; Σ k = 12 = Σ_d n_d (every document adds n_d/2 links).
"""

from __future__ import annotations

from fractions import Fraction as F
from math import sqrt

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.literature.cooccurrence import cooccurrence, incidence, normalize
from interstore.literature.normalize import Thesaurus, keyword_key, read_thesaurus, singular
from interstore.literature.readers import read_export
from interstore.literature.records import Record

LABELS = ("MXene", "V2O5", "Zinc-ion batteries", "built-in electric field", "oxygen vacancies")
M, V, Z, B, O = range(5)
FULL = {(M, V): 2, (M, Z): 2, (M, B): 1, (M, O): 1, (V, Z): 3, (V, B): 1, (V, O): 1, (Z, B): 1, (Z, O): 1}
FRACTIONAL = {(M, V): F(5, 6), (M, Z): F(5, 6), (M, B): 1, (M, O): F(1, 3), (V, Z): F(4, 3),
              (V, B): F(1, 2), (V, O): F(1, 3), (Z, B): F(1, 2), (Z, O): F(1, 3)}


def _dense(pairs: dict, n: int = 5) -> np.ndarray:
    a = np.zeros((n, n))
    for (i, j), v in pairs.items():
        a[i, j] = a[j, i] = float(v)
    return a


def _network(path, **kw):
    return cooccurrence(incidence(read_export(path)), **kw)


def test_full_counting_matches_hand_computation(small_export):
    co = _network(small_export[1])
    assert co.labels == LABELS
    assert co.occurrences.tolist() == [3, 3, 3, 2, 1]
    np.testing.assert_array_equal(co.counts.toarray(), _dense(FULL))
    assert co.total_link_strength.tolist() == [6, 7, 7, 3, 3]
    assert co.links.tolist() == [4, 4, 4, 3, 3]


def test_association_strength_matches_hand_computation(small_export):
    s = normalize(_network(small_export[1]), "association").toarray()
    expected = {(M, V): 26 / 21, (M, Z): 26 / 21, (M, B): 13 / 9, (M, O): 13 / 9, (V, Z): 78 / 49,
                (V, B): 26 / 21, (V, O): 26 / 21, (Z, B): 26 / 21, (Z, O): 26 / 21}
    np.testing.assert_allclose(s, _dense(expected), rtol=1e-12)


def test_cosine_and_jaccard_match_hand_computation(small_export):
    co = _network(small_export[1])
    cos = normalize(co, "cosine").toarray()
    assert cos[M, V] == pytest.approx(2 / 3) and cos[V, Z] == pytest.approx(1.0)
    assert cos[M, B] == pytest.approx(1 / sqrt(6)) and cos[V, O] == pytest.approx(1 / sqrt(3))
    jac = normalize(co, "jaccard").toarray()
    assert jac[M, V] == pytest.approx(0.5) and jac[V, Z] == pytest.approx(1.0)
    assert jac[M, B] == pytest.approx(0.25) and jac[M, O] == pytest.approx(1 / 3) and jac[B, Z] == pytest.approx(0.25)
    assert jac[B, O] == 0.0 and cos[B, O] == 0.0


def test_fractional_counting_matches_hand_computation(small_export):
    co = _network(small_export[1], counting="fractional")
    np.testing.assert_allclose(co.counts.toarray(), _dense(FRACTIONAL), rtol=1e-12)
    np.testing.assert_allclose(co.total_link_strength, [3, 3, 3, 2, 1], rtol=1e-12)
    assert co.total_link_strength.sum() == pytest.approx(3 + 3 + 4 + 2)  # Σ_d n_d


def test_min_occurrences_drops_rare_keywords_but_keeps_their_document_weights():
    from .conftest import SMALL

    co = _network(SMALL["ris"], min_occurrences=2)
    assert co.labels == LABELS[:4]  # "oxygen vacancies" (1 document) dropped
    np.testing.assert_array_equal(co.counts.toarray(), _dense(FULL)[:4, :4])
    assert co.total_link_strength.tolist() == [5, 6, 6, 3]
    # association then uses the kept links only: 2m = 20, s(V,Z) = 20·3/(6·6)
    assert normalize(co).toarray()[V, Z] == pytest.approx(20 * 3 / 36)
    frac = _network(SMALL["ris"], min_occurrences=2, counting="fractional")
    assert frac.counts[M, V] == pytest.approx(5 / 6)  # doc C still counts 1/(4-1)


def test_all_formats_and_duplicates_give_the_single_file_network():
    from interstore.literature.records import deduplicate

    from .conftest import SMALL

    recs = [r for p in SMALL.values() for r in read_export(p)]
    kept, removed = deduplicate(recs)
    assert (len(kept), removed) == (4, 16)
    co = cooccurrence(incidence(kept))
    np.testing.assert_array_equal(co.counts.toarray(), _dense(FULL))


def test_keyword_normalisation_rules():
    assert keyword_key("Zinc-ion batteries") == keyword_key(" zinc ion  battery ") == "zinc ion battery"
    assert keyword_key("ZINC–ION BATTERIES.") == "zinc ion battery"  # en dash, case, full stop
    assert keyword_key("Oxygen vacancies") == "oxygen vacancy"
    assert keyword_key("MXenes") == "mxenes"  # mixed case: folded only next to "MXene" (test_normalize.py)
    assert keyword_key("V2O5 nanowires") == "v2o5 nanowire"
    for word in ("gas", "glass", "analysis", "status", "kinetics", "series", "species"):
        assert singular(word) == word
    assert singular("processes") == "process" and singular("boxes") == "box" and singular("cathodes") == "cathode"
    assert keyword_key("   ;  ") == ""


def _records(*keyword_lists):
    return [Record(f"t{i}", None, tuple(k), (), "mem", i + 1) for i, k in enumerate(keyword_lists)]


def test_thesaurus_merges_synonyms_and_drops_terms(tmp_path):
    path = tmp_path / "thesaurus.txt"
    path.write_text("label\treplace by\nZIBs\tzinc-ion battery\nZn-ion battery\tzinc-ion battery\n"
                    "review\t\n", encoding="utf-8")
    thes = read_thesaurus(path)
    path16 = tmp_path / "thesaurus16.txt"
    path16.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))  # as saved by Windows Notepad
    assert read_thesaurus(path16) == thes
    recs = _records(["ZIBs", "V2O5"], ["zinc ion batteries", "review"], ["Zn-ion batteries", "V2O5"])
    co = cooccurrence(incidence(recs, thesaurus=thes))
    # three spellings -> one keyword in 3 documents, labelled as the thesaurus says; "review" dropped
    assert co.labels == ("zinc-ion battery", "V2O5")
    assert co.occurrences.tolist() == [3, 2]
    assert co.counts[0, 1] == 2
    plain = cooccurrence(incidence(recs))
    assert "ZIBs" in plain.labels and "review" in plain.labels  # without the thesaurus they stay apart


@pytest.mark.parametrize("content,problem", [
    ("term\treplacement\nZIBs\tzinc\n", "header"),
    ("label\treplace by\nZIBs zinc\n", "line 2"),
    ("", "empty"),
    ("label\treplace by\n\x00\x01\x02", "binary"),
])
def test_bad_thesaurus(tmp_path, content, problem):
    path = tmp_path / "thes.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        read_thesaurus(path)
    assert Thesaurus().apply("x") is None


@pytest.mark.parametrize("kw,option", [
    ({"min_occurrences": 0}, "--min-occurrences"), ({"min_occurrences": 1.5}, "--min-occurrences"),
    ({"counting": "half"}, "--counting"),
])
def test_bad_parameters(kw, option):
    with pytest.raises(InputError, match=option):
        cooccurrence(incidence(_records(["a", "b"])), **kw)


def test_max_keywords_keeps_the_largest_total_link_strength():
    from interstore.literature.cooccurrence import strongest_keywords

    from .conftest import SMALL

    co = strongest_keywords(_network(SMALL["bibtex"]), 3)
    # k = M 6, V 7, Z 7, B 3, O 3 -> keep V, Z, M (in node order M, V, Z); k recomputed: M 2+2, V 2+3, Z 2+3
    assert co.labels == LABELS[:3]
    assert co.total_link_strength.tolist() == [4, 5, 5]
    assert strongest_keywords(co, None) is co
    with pytest.raises(InputError, match="--max-keywords"):
        strongest_keywords(co, 0)


def test_threshold_above_every_keyword_and_records_without_keywords():
    with pytest.raises(InputError, match="no keyword occurs in 3 or more documents .the most frequent occurs in 2"):
        cooccurrence(incidence(_records(["a", "b"], ["a"])), min_occurrences=3)
    with pytest.raises(InputError, match="no keywords in any of the 2 records"):
        cooccurrence(incidence(_records([], [])))


def test_keyword_kind_selection():
    from .conftest import SMALL

    recs = read_export(SMALL["scopus-csv"])
    author = cooccurrence(incidence(recs, "author"))
    index = cooccurrence(incidence(recs, "index"))
    assert dict(zip(index.labels, index.occurrences.tolist())) == {"MXenes": 1, "V2O5": 1}
    assert dict(zip(author.labels, author.occurrences.tolist()))["V2O5"] == 2
    with pytest.raises(InputError, match="--keywords"):
        incidence(recs, "title")


def test_total_link_strength_identities_on_random_records():
    # Σ_i k_i = Σ_d n_d (n_d − 1) with full counting and Σ_d n_d (over n_d ≥ 2) with fractional
    # counting, when no keyword is dropped; checked on 300 random records over a 60-word vocabulary
    rng = np.random.default_rng(42)
    docs = [sorted({f"w{k}" for k in rng.integers(0, 60, rng.integers(0, 9))}) for _ in range(300)]
    n = np.array([len(d) for d in docs])
    inc = incidence(_records(*docs))
    full, frac = cooccurrence(inc), cooccurrence(inc, counting="fractional")
    assert full.total_link_strength.sum() == (n * (n - 1)).sum()
    assert frac.total_link_strength.sum() == pytest.approx(n[n >= 2].sum())
    assert full.occurrences.sum() == n.sum()
    # association strength: Σ_j s_ij k_j = 2m for every keyword i with links (row identity)
    s = normalize(full).toarray()
    k = full.total_link_strength
    np.testing.assert_allclose((s @ k)[k > 0], k.sum(), rtol=1e-12)


def test_empty_thesaurus_asks_for_a_thesaurus_not_an_export(tmp_path):
    path = tmp_path / "thes.txt"
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty") as err:
        read_thesaurus(path)
    assert "VOSviewer thesaurus" in str(err.value) and "bibliographic export" not in str(err.value)
