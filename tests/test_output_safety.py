"""What leaves interstore is safe to open and to read: CSV cells cannot run as spreadsheet formulas,
user strings cannot drive the terminal, figures render non-Latin labels, and a report says exactly
which files and library versions produced it."""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "examples" / "demo_study"


def test_csv_cells_that_would_run_as_formulas_are_defused(tmp_path):
    from interstore.outputs import write_csv

    frame = pd.DataFrame({"keyword": ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
                                      "\tx", "-0.5", "V2O5"],
                          "count": [1, 2, 3, 4, 5, 6, -7]})
    target = write_csv(tmp_path / "k.csv", frame)
    back = pd.read_csv(target, keep_default_na=False)
    assert list(back["keyword"][:5]) == ["'" + v for v in frame["keyword"][:5]]
    assert list(back["keyword"][5:]) == ["-0.5", "V2O5"] and list(back["count"]) == [1, 2, 3, 4, 5, 6, -7]


def test_keywords_csv_from_a_hostile_export_is_defused(run_cli, tmp_path):
    export = tmp_path / "s.ris"
    export.write_text("".join(f"TY  - JOUR\nTI  - paper {k}\nKW  - =HYPERLINK(\"http://evil\")\nKW  - V2O5\nER  - \n"
                              for k in range(3)), encoding="utf-8")
    code, _, err = run_cli("literature", "network", export, "--min-occurrences", "1", "--out", tmp_path / "o")
    assert code == 0, err
    table = pd.read_csv(next((tmp_path / "o").glob("*.csv")), keep_default_na=False, dtype=str)
    cells = [c for col in table.columns for c in table[col]]
    assert any("=HYPERLINK" in c.upper() for c in cells)  # the keyword is kept, as text
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]


EVIL = "\x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 cleared\x07"


def test_terminal_output_shows_control_characters_instead_of_obeying_them(run_cli, tmp_path):
    study = tmp_path / "s"
    shutil.copytree(DEMO, study)
    manifest = study / "study.toml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index('name = "') + len('name = "')
    manifest.write_text(text[:start] + EVIL.encode("unicode_escape").decode().replace("\\x", "\\u00")
                        + text[text.index('"', start):], encoding="utf-8")
    code, out, err = run_cli("evidence", "verdict", manifest)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J" in out.replace("\n", "").replace(" ", "") or "\\x1b[2J" in out


def test_plain_keeps_text_and_newlines():
    from interstore.cli_support import plain

    assert plain("V₈O₁₆ | rGO\tΔE\n") == "V₈O₁₆ | rGO\tΔE\n"
    assert plain("a\x1b[31mb\u202ec\r") == "a\\x1b[31mb\\u202ec\\x0d"


def test_figures_render_cjk_greek_and_symbols_without_missing_glyphs(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from interstore.outputs import save_figure

    fig, ax = plt.subplots()
    ax.set_title("界面储能 インターフェース 계면 — Δμ ≥ 0, λ → ∞")
    ax.set_xlabel("電位 E (V vs Zn²⁺/Zn)")
    ax.set_ylabel("容量 (mAh g⁻¹)")
    ax.plot([0, 1], [0, 1], label="α-V₂O₅ | rGO")
    ax.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_figure(fig, tmp_path / "cjk.png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == [], missing[:3]
    assert (tmp_path / "cjk.png").stat().st_size > 0


def test_report_lists_every_input_with_hash_and_versions_and_resolves_paths_against_the_manifest(
        run_cli, tmp_path, monkeypatch):
    study = tmp_path / "somewhere" / "s"
    shutil.copytree(DEMO, study)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the manifest's relative paths must not depend on the working folder
    code, _, err = run_cli("report", "../somewhere/s/study.toml", "--out", "r")
    assert code == 0, err
    report = json.loads((elsewhere / "r" / "report.json").read_text(encoding="utf-8"))
    files = {Path(f["path"]): f for f in report["provenance"]["files"]}
    expected = {(study / "study.toml").resolve(), (study / "cell.toml").resolve()} | {
        p.resolve() for p in (study / "data").rglob("*") if p.is_file()}   # data/controls/ too
    assert expected <= set(files), sorted(map(str, expected - set(files)))
    for path, record in files.items():
        assert path.is_absolute()
        assert record["size_bytes"] == path.stat().st_size
        assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    versions = report["provenance"]["versions"]
    assert versions["interstore"] and versions["numpy"] and versions["scipy"]
    html = (elsewhere / "r" / "report.html").read_text(encoding="utf-8")
    assert "Inputs and versions" in html and files[(study / "study.toml").resolve()]["sha256"] in html


def test_a_control_character_in_a_keyword_gives_a_complete_network_set(run_cli, tmp_path):
    """GraphML used to refuse the keyword half-way through the set (after the HTML and PNG were written)."""
    import networkx as nx

    export = tmp_path / "ctl.ris"
    export.write_text("".join(f"TY  - JOUR\nTI  - paper {k}\nKW  - bad\x01key\nKW  - V2O5\nER  - \n"
                              for k in range(2)), encoding="utf-8")
    code, out, err = run_cli("literature", "network", export, "--min-occurrences", "1", "--out", tmp_path / "o")
    assert code == 0, err
    g = nx.read_graphml(tmp_path / "o" / "keyword_network.graphml")
    assert any("bad" in d["label"] for _, d in g.nodes(data=True))
    assert "\x01" not in out and "bad key" in out   # the literature normaliser turns it into a space
