"""Output a researcher reads at a glance: decade-labelled log axes, kinetics warnings beside the
numbers they qualify, one name for one quantity, error bars only where there is a segment."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from rich.console import Console

from interstore.plotting import label_decades, new_figure
from interstore.report.cli import kinetics_table

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo_study" / "study.toml"
DECADE = re.compile(r"10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _visible_labels(axis, which: str = "both") -> list:
    """The tick label Texts matplotlib draws on ``axis`` within its view (after a draw)."""
    lo, hi = sorted(axis.get_view_interval())
    k = 0 if axis.axis_name == "x" else 1
    return [t for t in axis.get_ticklabels(which=which) if t.get_text() and lo <= t.get_position()[k] <= hi]


def _tick_labels(axis) -> list[str]:
    return [t.get_text() for t in _visible_labels(axis)]


def _axes(x):
    fig = new_figure()
    ax = fig.add_subplot()
    ax.loglog(x, x)
    label_decades(ax)
    FigureCanvasAgg(fig).draw()  # the tick labels exist once drawn
    return ax


def test_log_axes_are_labelled_at_decades_only():
    ax = _axes(np.array([0.5, 1.0, 2.0, 5.0, 10.0]))
    assert _tick_labels(ax.xaxis) == ["10⁰", "10¹"]  # not 2, 5 nor 2×10⁰ on the minor ticks
    # less than a decade of data still gets two labelled decades around it
    assert _tick_labels(_axes(np.array([20.0, 30.0])).yaxis) == ["10¹", "10²"]


def _html_text(demo_report) -> str:
    page = (demo_report / "report.html").read_text(encoding="utf-8")
    return re.sub(r'src="data:[^"]*"', "", page)  # the figures' alt text stays, their bytes go


LOG_AXES = {"b_value": ("x", "y"), "capacity": ("x",), "ragone": ("x", "y"), "gitt": ("y",),
            "controls_excess": ("x",)}


def test_every_report_figure_has_unit_labels_and_readable_ticks(demo_results):
    """Every panel names both axes with a unit, carries tick labels that do not overlap, and its log
    axes are labelled at decades only (10⁻¹, 10⁰ …), never a bare digit on a minor tick; no text
    is cut off by the figure's fixed margins."""
    from interstore.report.figures import report_figures

    figures = report_figures(demo_results)
    assert set(LOG_AXES) - {"gitt"} <= set(figures)
    for key, fig in figures.items():
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        for ax in fig.axes:
            for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                assert re.search(r"\(.+\)", axis.get_label_text()), f"{key}: {name} axis label without a unit"
                labels = _tick_labels(axis)
                assert labels, f"{key}: no {name} tick labels"
                if name in LOG_AXES.get(key, ()):
                    assert axis.get_scale() == "log" and all(DECADE.fullmatch(t) for t in labels), (key, labels)
                boxes = [t.get_window_extent(renderer) for t in _visible_labels(axis)]
                assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), \
                    f"{key}: {name} tick labels overlap"
        page = fig.bbox.padded(1)
        texts = list(fig.texts) + [t for ax in fig.axes for t in (
            ax.title, ax.xaxis.label, ax.yaxis.label, *_visible_labels(ax.xaxis), *_visible_labels(ax.yaxis),
            *(ax.get_legend().get_texts() if ax.get_legend() else ()))]
        for text in texts:
            if text.get_visible() and text.get_text():
                box = text.get_window_extent(renderer)
                assert page.containsx(box.x0) and page.containsx(box.x1) and page.containsy(box.y0) \
                    and page.containsy(box.y1), f"{key}: {text.get_text()!r} cut off"


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
    text = _html_text(demo_report)  # the tables and the figures' descriptions (alt text)
    values = re.findall(r"interface limit (\d+\.\d)", text)
    assert values and set(values) == {f"{cap:.1f}"}, values
    assert "atomistic limit capacity 565.5" in text  # the n_max = 7 capacity has its own name


def test_error_bars_only_on_non_zero_ledger_segments(demo_results):
    from interstore.report.figures import draw_ledger

    ax = draw_ledger(new_figure().add_subplot(), demo_results)
    zeros = 0
    for bars in ax.containers:
        if not hasattr(bars, "errorbar"):
            continue
        height = np.array([p.get_height() for p in bars.patches])
        bar_lines = bars.errorbar.lines[2][0].get_segments()
        drawn = np.array([seg.size > 0 and np.isfinite(seg).all() for seg in bar_lines])  # NaN: no bar
        assert drawn.size == height.size
        assert not drawn[height == 0].any() and drawn[height > 0].all()
        zeros += int((height == 0).sum())
    assert zeros > 0  # the demo's interface share is 0: the test bites
