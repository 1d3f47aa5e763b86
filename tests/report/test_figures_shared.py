"""One figure layer: the report's figures are the CLI's and the result objects' plot(), drawn once
for both the PNG file and the HTML page."""

import base64
import re

import matplotlib
import numpy as np

from interstore.massbasis import ElectrodeMasses
from interstore.plotting import describe, new_figure, render_figure


def test_html_embeds_the_very_png_bytes_written_beside_it(demo_report):
    page = (demo_report / "report.html").read_text(encoding="utf-8")
    pngs = sorted(demo_report.glob("*.png"))
    assert len(pngs) >= 10
    for png in pngs:
        block = re.search(rf'<figure class="fig" id="fig-{png.stem}"><img src="data:image/png;base64,([^"]+)"', page)
        assert block, png.stem
        assert base64.b64decode(block.group(1)) == png.read_bytes(), f"{png.stem}: HTML and PNG differ"
    assert "<script" not in page  # no second renderer: no plotly.js (3.6 MB), no script at all


def _data(ax) -> list:
    return [(list(line.get_xdata()), list(line.get_ydata()), line.get_label()) for line in ax.lines]


def test_report_figures_are_the_result_objects_plots(demo_results):
    from interstore.report.figures import report_figures

    matplotlib.use("Agg")
    figures = report_figures(demo_results)
    assert _data(figures["b_value"].axes[0]) == _data(demo_results.cv.plot())
    heterostructure = demo_results.ragone_simulated["heterostructure"]
    drawn = {label: (x, y) for x, y, label in _data(figures["ragone"].axes[0])}
    x, y, label = _data(heterostructure.plot())[0]
    assert drawn[label] == (x, y)


def test_user_text_with_dollar_signs_is_shown_literally():
    """A '$' in a formula or file name would start matplotlib mathtext (an unpaired one fails the
    draw); figures show it as typed, and the description (alt text) keeps it."""
    from interstore.echem.plots_cycling import draw_measured_ragone
    from types import SimpleNamespace as NS

    label = r"V2O5 $\frac$ lot $7$"  # as mathtext, '\frac' without arguments fails the draw
    masses = ElectrodeMasses(1e-3, 2.5e-4, 3.1e-4, active_label=label)
    analysis = NS(masses=masses, ragone=[NS(basis="active", power_W_kg=100.0, energy_Wh_kg=300.0)])
    fig = new_figure()
    draw_measured_ragone(fig.add_subplot(), analysis, bases=("active",))
    png = render_figure(fig, crop=False)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert f"measured, active ({label})" in describe(fig)
    assert np.array_equal(fig.axes[0].lines[0].get_ydata(), [300.0])
