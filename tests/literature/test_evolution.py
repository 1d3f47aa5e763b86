"""Time slices and the mapping of clusters between periods (thematic evolution)."""

from __future__ import annotations

import pytest

from interstore.errors import InputError
from interstore.literature.cooccurrence import incidence
from interstore.literature.evolution import cluster_mapping, periods_of, time_slices
from interstore.literature.records import Record


def _records():
    docs = []
    # 2015-2017: {V2O5, zinc ion battery, cathode} and {MXene, supercapacitor}
    docs += [(2015, ("V2O5", "zinc ion battery", "cathode"))] * 3 + [(2016, ("MXene", "supercapacitor"))] * 3
    # 2018-2020: MXene joins the zinc battery topic; a new {interface, kinetics} topic
    docs += [(2019, ("V2O5", "zinc ion battery", "MXene"))] * 3 + [(2020, ("interface", "kinetics"))] * 3
    docs += [(None, ("ignored", "no year"))] * 2
    return [Record(f"t{i}", None, kws, (), "mem", i, year) for i, (year, kws) in enumerate(docs)]


def test_periods_from_cuts():
    import numpy as np

    years = np.array([2015.0, 2016, 2019, 2020, np.nan])
    assert periods_of(years, [2017]) == [(2015, 2017), (2018, 2020)]
    with pytest.raises(InputError, match="--cuts"):
        periods_of(years, [2020])


def test_clusters_are_mapped_between_periods():
    periods = time_slices(incidence(_records()), [2017], min_occurrences=2)
    assert [p.label for p in periods] == ["2015–2017", "2018–2020"]
    first, second = periods
    assert sorted(first.map.labels) == ["MXene", "V2O5", "cathode", "supercapacitor", "zinc ion battery"]
    assert "ignored" not in first.map.labels + second.map.labels
    table = cluster_mapping(periods)
    pairs = {(r.from_name, r.to_name): r for r in table.itertuples()}
    # the zinc-battery cluster {V2O5, zinc ion battery, cathode} -> {V2O5, zinc ion battery, MXene}: 2 shared of 3
    zinc = next(r for (f, t), r in pairs.items() if "V2O5" in r.shared_examples and t in ("V2O5", "zinc ion battery",
                                                                                            "MXene"))
    assert zinc.shared_keywords == 2 and zinc.inclusion_index == pytest.approx(2 / 3)
    # MXene moved from the supercapacitor cluster into the zinc-battery cluster: 1 shared of min(2, 3)
    mx = [r for r in table.itertuples() if r.shared_examples == "MXene"]
    assert len(mx) == 1 and mx[0].inclusion_index == pytest.approx(1 / 2)
    assert not any("interface" in r.shared_examples for r in table.itertuples())  # a new topic: no predecessor
    assert len(table) == 2


def test_evolution_command(run_cli, tmp_path):
    import json

    lines = []
    for i, r in enumerate(_records()):
        lines += ["TY  - JOUR", f"TI  - {r.title}"] + ([f"PY  - {r.year}"] if r.year else [])
        lines += [f"KW  - {k}" for k in r.author_keywords] + ["ER  - ", ""]
    path = tmp_path / "refs.ris"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run_cli("literature", "evolution", path, "--cuts", "2017", "--json", tmp_path / "e.json")
    assert code == 0, err
    res = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert [p["period"] for p in res["periods"]] == ["2015–2017", "2018–2020"]
    assert [p["records"] for p in res["periods"]] == [6, 6]
    assert sorted(round(m["inclusion_index"], 4) for m in res["mapping"]) == [0.5, 0.6667]
    code, out, err = run_cli("literature", "evolution", path, "--cuts", "2030")
    assert code == 2 and "--cuts" in err and err.count("\n") == 1
