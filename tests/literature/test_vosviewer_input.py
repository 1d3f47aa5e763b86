"""VOSviewer map/network files as input: a round trip through interstore's own VOSviewer files."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.errors import InputError
from interstore.literature.cooccurrence import cooccurrence, incidence
from interstore.literature.export import vosviewer_map, vosviewer_network
from interstore.literature.network import keyword_map
from interstore.literature.records import Record
from interstore.literature.vosviewer import read_vosviewer

DOCS = [["a", "b", "c", "d"]] * 4 + [["x", "y", "z"]] * 3 + [["d", "x"]] + [["b", "y"]]


def _files(tmp_path):
    recs = [Record(f"t{i}", None, tuple(d), (), "mem", i + 1) for i, d in enumerate(DOCS)]
    m = keyword_map(cooccurrence(incidence(recs)), layout="force")
    (tmp_path / "map.txt").write_text(vosviewer_map(m), encoding="utf-8")
    (tmp_path / "network.txt").write_text(vosviewer_network(m), encoding="utf-8")
    return m


def test_map_and_network_files_round_trip(tmp_path):
    m = _files(tmp_path)
    r = read_vosviewer(tmp_path / "map.txt", tmp_path / "network.txt")
    assert r.labels == m.labels
    np.testing.assert_array_equal(r.occurrences, m.occurrences)
    np.testing.assert_array_equal(r.cluster, m.cluster)
    np.testing.assert_allclose(r.xy, m.xy, atol=5e-7)            # 6 decimals in the file
    np.testing.assert_array_equal(r.count, m.count)
    np.testing.assert_array_equal(r.total_link_strength, m.total_link_strength)
    np.testing.assert_allclose(r.strength, m.strength, rtol=1e-14)  # association strength recomputed from c_ij
    assert r.layout == "as read"


def test_draw_command_writes_every_file_from_vosviewer_files(run_cli, tmp_path):
    _files(tmp_path)
    code, out, err = run_cli("literature", "draw", tmp_path / "map.txt", tmp_path / "network.txt",
                             "--out", tmp_path / "o")
    assert code == 0, err
    assert {"keyword_network.html", "keyword_network.png", "vosviewer_map.txt", "keyword_network.graphml"} <= {
        p.name for p in (tmp_path / "o").iterdir()}
    assert not (tmp_path / "o" / "link_records.csv").exists()   # no records behind a VOSviewer file
    assert (tmp_path / "o" / "vosviewer_map.txt").read_text(encoding="utf-8") == \
        (tmp_path / "map.txt").read_text(encoding="utf-8")       # coordinates and clusters kept


def test_network_file_with_an_unknown_id(tmp_path):
    _files(tmp_path)
    (tmp_path / "bad.txt").write_text("1\t2\t3\n1\t99\t1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.txt: line 2: item id 1 or 99"):
        read_vosviewer(tmp_path / "map.txt", tmp_path / "bad.txt")
    (tmp_path / "nolabel.txt").write_text("id\tname\n1\ta\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks column 'label'"):
        read_vosviewer(tmp_path / "nolabel.txt")


def test_vosviewer_json_round_trip(tmp_path):
    import json

    from interstore.literature.export import vosviewer_json

    m = _files(tmp_path)
    (tmp_path / "map.json").write_text(json.dumps(vosviewer_json(m)), encoding="utf-8")
    r = read_vosviewer(tmp_path / "map.json")
    assert r.labels == m.labels
    np.testing.assert_array_equal(r.cluster, m.cluster)
    np.testing.assert_array_equal(r.xy, m.xy)                     # full precision in JSON
    np.testing.assert_array_equal(r.count, m.count)
    np.testing.assert_allclose(r.strength, m.strength, rtol=1e-14)
    (tmp_path / "bad.json").write_text('{"network": {"items": [{"label": "a"}]}}', encoding="utf-8")
    with pytest.raises(InputError, match="not a VOSviewer JSON network"):
        read_vosviewer(tmp_path / "bad.json")
