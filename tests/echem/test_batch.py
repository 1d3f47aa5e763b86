"""``interstore batch``: the real cycling files of ../shared/data give, cycle by cycle, the capacities
``interstore gcd analyze`` gives file by file; grouping by pattern or table; Parquet with units."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from test_galvanostatic import synthetic_cycles
from test_cli_cycling import _write_measurement

# files of SOURCES.md that are cycling records interstore reads (the rest are CV/EIS or known-unreadable)
CYCLING = ("biologic/gcpl.pr_182.1.mpt", "biologic/gcpl.issue_211.mpt", "biologic/bcd.issue_241.mpt",
           "neware/test_2.ndax", "neware/TestFile.nda", "neware/TESTCELL0001-B2-2025-M50T_NewareNDA_Investigation.ndax",
           "csv/batmo_bdf.csv")


def _same(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and a == pytest.approx(b, rel=1e-12)


@pytest.mark.slow
def test_batch_equals_gcd_analyze_file_by_file_on_real_data(run_cli, shared_data, tmp_path):
    for rel in CYCLING:
        assert (shared_data / rel).is_file(), f"{rel} listed in SOURCES.md is missing"
    code, out, err = run_cli("batch", str(shared_data), "--out", tmp_path / "b", "--workers", "2",
                             "--json", tmp_path / "b.json")
    assert code == 0, err
    table = pd.read_parquet(tmp_path / "b" / "cycles.parquet")
    summary = json.loads((tmp_path / "b.json").read_text())
    assert summary["files_analysed"] >= len(CYCLING)
    for rel in CYCLING:
        path = shared_data / rel
        mine = table[table["file"] == str(path)].sort_values("cycle")
        code, _, err = run_cli("gcd", "analyze", path, "--mass-mg", "1", "--json", tmp_path / "g.json")
        assert code == 0, err
        ref = json.loads((tmp_path / "g.json").read_text())["cycles"]
        assert list(mine["cycle"]) == [c["cycle"] for c in ref], rel
        for row, c in zip(mine.to_dict("records"), ref):
            # gcd analyze with --mass-mg 1 reports mAh per g of 1 mg: × 1e-3 g = mAh
            for col, key in (("discharge_capacity_mAh", "discharge_capacity_mAh_g"),
                             ("charge_capacity_mAh", "charge_capacity_mAh_g")):
                ref_mAh = None if c[key] is None else c[key]["active"] * 1e-3
                assert _same(row[col], ref_mAh), (rel, c["cycle"], col)
            assert _same(row["coulombic_efficiency_pct"], c["coulombic_efficiency_pct"])
            assert _same(row["capacity_retention_pct"], c["capacity_retention_pct"])
    status = pd.read_csv(tmp_path / "b" / "files.csv")
    assert "cv.mpt" in " ".join(status.loc[status["status"] == "skipped", "file"])


def _archive(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for electrode, cell, minutes in (("het", 1, 60.0), ("het", 2, 62.0), ("oxide", 1, 45.0)):
        m = synthetic_cycles([(1e-3, 60 * minutes, 61 * minutes)] * 2, with_cycle_column=True)
        _write_measurement(m, folder / f"{electrode}_{cell}_0.5Ag.csv")
    (folder / "notes.md").write_text("not data")
    return folder


def test_batch_groups_by_pattern_and_table_in_process(run_cli, tmp_path):
    folder = _archive(tmp_path)
    table = tmp_path / "cells.csv"
    table.write_text("file,mass_mg\nhet_1_0.5Ag.csv,2.0\n")
    code, out, err = run_cli("batch", str(folder / "*.csv"), "--out", tmp_path / "o", "--workers", "0",
                             "--pattern", r"(?P<electrode>[a-z]+)_(?P<cell>\d+)_(?P<rate>[\d.]+)Ag", "--table", table)
    assert code == 0, err
    t = pd.read_parquet(tmp_path / "o" / "cycles.parquet")
    assert len(t) == 6 and set(t["electrode"]) == {"het", "oxide"} and set(t["rate"]) == {"0.5"}
    het1 = t[(t["electrode"] == "het") & (t["cell"] == "1")]
    assert het1["discharge_capacity_mAh"].tolist() == pytest.approx([1.0, 1.0])      # 1 mA for 1 h
    assert het1["discharge_capacity_mAh_g"].tolist() == pytest.approx([500.0, 500.0])  # on 2 mg
    assert t.loc[t["electrode"] == "oxide", "discharge_capacity_mAh_g"].isna().all()  # no mass known
    import pyarrow.parquet as pq

    units = json.loads(pq.read_schema(tmp_path / "o" / "cycles.parquet").metadata[b"interstore_units"])
    assert units["discharge_capacity_mAh"] == "mAh"
    assert pd.read_csv(tmp_path / "o" / "cycles.csv")["discharge_capacity_mAh"].sum() == pytest.approx(
        t["discharge_capacity_mAh"].sum())


@pytest.mark.parametrize("args, fragment", [
    (("--pattern", "(?P<colour>x)"), "unknown group"),
    (("--pattern", "(unclosed"), "not a regular expression"),
    (("--workers", "-1"), "--workers"),
])
def test_batch_bad_options_are_one_line_errors(run_cli, tmp_path, args, fragment):
    folder = _archive(tmp_path)
    code, _, err = run_cli("batch", folder, "--out", tmp_path / "o", *args)
    assert code == 2 and fragment in err and "Traceback" not in err


def test_batch_bad_table_and_empty_folder(run_cli, tmp_path):
    folder = _archive(tmp_path)
    bad = tmp_path / "t.csv"
    bad.write_text("file,mass_mg\nhet_1_0.5Ag.csv,1e9\n")
    code, _, err = run_cli("batch", folder, "--out", tmp_path / "o", "--table", bad, "--workers", "0")
    assert code == 2 and "line 2" in err and "mass_mg" in err
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli("batch", tmp_path / "empty", "--out", tmp_path / "o")
    assert code == 2 and "no supported file" in err
