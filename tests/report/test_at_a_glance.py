"""Output a researcher reads at a glance: decade-labelled log axes, kinetics warnings beside the
numbers they qualify, one name for one quantity, error bars only where there is a segment."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from interstore.report.cli import kinetics_table
from interstore.report.figures import decade_ticks

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo_study" / "study.toml"


def test_log_axes_are_labelled_at_decades_only():
    ticks = decade_ticks([np.array([0.5, 1.0, 2.0, 5.0, 10.0])])
    assert ticks["tickvals"] == pytest.approx([0.1, 1.0, 10.0])
    assert ticks["ticktext"] == ["10⁻¹", "10⁰", "10¹"]
    # less than a decade of data still gets two labelled decades around it
    assert decade_ticks([np.array([20.0, 30.0])])["ticktext"] == ["10¹", "10²"]


def _html_text(demo_report) -> str:
    page = (demo_report / "report.html").read_text(encoding="utf-8")
    body = page.split("</script></head>", 1)[1]  # skip the embedded plotly.js
    return re.sub(r"<script.*?</script>", "", body, flags=re.S)


def test_report_log_axes_carry_decade_labels(demo_report):
    page = (demo_report / "report.html").read_text(encoding="utf-8").split("</script></head>", 1)[1]
    labels = re.findall(r'"ticktext":\[([^]]*)\]', page)
    assert labels, "no log axis with decade labels in the report"
    for group in labels:
        assert all(re.fullmatch(r'"10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+"', t) for t in group.split(","))


def test_kinetics_warnings_sit_next_to_the_numbers(demo_report):
    report = json.loads((demo_report / "report.json").read_text(encoding="utf-8"))
    flagged = report["cv"]["dunn_flags"]["flagged_fraction"]
    assert flagged > 0.4 and report["cv"]["trasatti"]["linear_warning"]  # the demo has both (0.48 flagged)
    text = _html_text(demo_report)
    kinetics = text.split("Kinetics: b-values, Dunn and Trasatti", 1)[1].split("<h2>", 1)[0]
    dunn_table_end = kinetics.index("capacitive fraction (–)")
    assert f"at {100 * flagged:.0f} % of the potential grid" in kinetics[dunn_table_end:kinetics.index("Trasatti:")]
    assert "indicative only" in kinetics[kinetics.index("Trasatti:"):]
    con = Console(width=160, record=True)  # wide enough that every row is one line
    con.print(kinetics_table(report["cv"]))
    rows = con.export_text().splitlines()
    dunn = next(r for r in rows if "capacitive share (Dunn)" in r)
    assert "25–55 %" in dunn and f"k1 or k2 < 0 at {100 * flagged:.0f} % of points" in dunn
    assert "fits not linear" in next(r for r in rows if "q_outer/q_total" in r)


def test_interface_limit_means_the_ledger_cap_everywhere(demo_report):
    report = json.loads((demo_report / "report.json").read_text(encoding="utf-8"))
    cap = report["ledger"]["interface_limit_mAh_g_active"]
    text = _html_text(demo_report)
    page = (demo_report / "report.html").read_text(encoding="utf-8").split("</script></head>", 1)[1]
    values = re.findall(r"interface limit (\d+\.\d)", text + page)
    assert values and set(values) == {f"{cap:.1f}"}, values
    assert "atomistic limit capacity 565.5" in page  # the n_max = 7 capacity has its own name


def test_error_bars_only_on_non_zero_ledger_segments():
    from interstore.study import analyse_study
    from interstore.report.figures import ledger_figure

    spec = ledger_figure(analyse_study(DEMO, simulate=False))
    for trace in spec.traces:
        zero = trace.y == 0
        assert np.isnan(trace.error_y[zero]).all()
        assert np.isfinite(trace.error_y[~zero]).all()
    assert any((t.y == 0).any() for t in spec.traces)  # the demo's interface share is 0: the test bites


LOG_AXES = {"b_value": ("x", "y"), "capacity": ("x",), "ragone": ("x", "y")}


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="/usr/bin/chromium not installed")
def test_every_figure_renders_readable_axis_labels_in_chromium(demo_report):
    from playwright.sync_api import sync_playwright

    figures = sorted(p.stem for p in demo_report.glob("*.png"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((demo_report / "report.html").resolve().as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
        for key in figures:
            div = page.locator(f"#fig-{key}")
            for axis in ("x", "y"):
                title = div.locator(f"text.{axis}title").all_text_contents()
                assert title and title[0].strip(), f"{key}: no {axis} axis title"
                ticks = div.locator(f"g.{axis}tick text")
                labels = [t for t in ticks.all_text_contents() if t.strip()]
                assert labels, f"{key}: no {axis} tick labels"
                if axis in LOG_AXES.get(key, ()):
                    assert all(re.fullmatch(r"10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", t) for t in labels), (key, axis, labels)
                boxes = [b for b in (ticks.nth(i).bounding_box() for i in range(ticks.count())) if b]
                assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), \
                    f"{key}: {axis} tick labels overlap"
        browser.close()
