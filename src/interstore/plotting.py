"""The figure layer: what every interstore figure shares.

Each figure is defined once, in matplotlib, beside the results it shows (``echem/plots_*``,
``transport/plots_*``, ``atomistic/plots``, ``spectra/*``, ``report/figures``): a function
``draw_<name>(ax, result, ...)`` that draws on given Axes and returns them, and, where the figure
has several panels, ``<name>_figure(result, ...)`` returning a :class:`matplotlib.figure.Figure`.
The CLI's ``--out`` PNGs, the result objects' ``plot(ax=None)`` and the study report call these
same functions; none of them chooses a backend or saves.

This module holds the parts they share:

- :func:`new_axes` the Axes a result's ``plot(ax=None)`` draws on: the caller's, or a new pyplot
  figure's (shown inline in Jupyter);
- :func:`new_figure` a pyplot-free :class:`~matplotlib.figure.Figure` (any backend, nothing
  accumulates in pyplot's state) with fixed margins, saved in one draw, and :func:`subplots` on it;
- :func:`label_decades` log axes labelled at whole decades only, as 10⁻¹, 10⁰, 10¹ …;
- :func:`literal` user text shown as typed (no mathtext from a ``$`` in a file name);
- :func:`render_figure` one draw of a figure to PNG (or SVG, PDF) bytes, with the CJK font fallback
  (:mod:`interstore.fonts`); the report writes these bytes as the PNG file *and* embeds the
  same bytes in its HTML, so a report figure is drawn once;
- :func:`describe` a plain-text description of a figure (titles, axis labels with units, series
  names) for the HTML ``alt`` text and caption.
"""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


MARGINS_IN = {"left": 0.9, "right": 0.15, "bottom": 0.6, "top": 0.4}  # inches around the panels


def new_figure(figsize: tuple[float, float] = (6.4, 4.2), *, top_in: float = MARGINS_IN["top"]):
    """A :class:`matplotlib.figure.Figure` with no pyplot state and fixed margins (:data:`MARGINS_IN`,
    room for a title, axis labels and tick labels), so it is saved in one draw: a layout engine or
    a tight bounding box would draw it twice.  ``top_in``: more room above for a suptitle over
    titled panels.  Fonts with CJK fallback (:mod:`interstore.fonts`)."""
    from matplotlib.figure import Figure

    from .fonts import use_fallback_fonts

    use_fallback_fonts()  # before any text is made, so nothing needs retargeting at save time
    w, h = figsize
    m = MARGINS_IN
    fig = Figure(figsize=figsize)
    fig.subplots_adjust(left=m["left"] / w, right=1 - m["right"] / w, bottom=m["bottom"] / h, top=1 - top_in / h,
                        wspace=0.4, hspace=0.3)
    return fig


def new_axes(ax=None, *, figsize: tuple[float, float] = (5.5, 4.2)):
    """``ax`` itself, or the Axes of a new pyplot figure (shown inline in Jupyter): what a result's
    ``plot(ax=None)`` draws on."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (6.4, 4.2), **kwargs):
    """``(figure, axes)`` like :func:`matplotlib.pyplot.subplots`, on a :func:`new_figure`."""
    fig = new_figure(figsize)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def decade_label(exponent: int) -> str:
    """``10`` with the exponent in Unicode superscripts: ``decade_label(-1) == "10⁻¹"``."""
    return f"10{str(exponent).translate(_SUPERSCRIPT)}"


def _format_decade(value: float, _pos=None) -> str:
    if not value > 0:
        return ""
    k = math.log10(value)
    return decade_label(round(k)) if abs(k - round(k)) < 1e-9 else ""


def label_decades(ax):
    """Label every log-scaled axis of ``ax`` at whole decades only (10⁻¹, 10⁰, 10¹ …, minor ticks
    unlabelled); an axis whose data span no whole decade is widened to the decades on either
    side, so it always carries at least two labels.  Returns ``ax``; call it after drawing."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    for axis, get_lim, set_lim in ((ax.xaxis, ax.get_xlim, ax.set_xlim), (ax.yaxis, ax.get_ylim, ax.set_ylim)):
        if axis.get_scale() != "log":
            continue
        lo, hi = sorted(get_lim())
        if lo > 0 and math.floor(math.log10(hi)) < math.ceil(math.log10(lo)):
            a, b = 10.0 ** math.floor(math.log10(lo)), 10.0 ** math.ceil(math.log10(hi))
            set_lim((a, b) if get_lim()[0] <= get_lim()[1] else (b, a))
        axis.set_major_locator(LogLocator(base=10.0, subs=(1.0,)))
        axis.set_major_formatter(FuncFormatter(_format_decade))
        axis.set_minor_formatter(NullFormatter())
    return ax


def literal(text) -> str:
    """``text`` as matplotlib shows it literally: a ``$`` would start mathtext (and an unpaired one
    fails the draw), so it is escaped.  Use it for strings from users' files and manifests."""
    return str(text).replace("$", r"\$")


def render_figure(fig, *, dpi: int = 200, crop: bool = True, fmt: str = "png", compress_level: int = 6) -> bytes:
    """The figure as PNG (or ``fmt``) bytes, with the CJK font fallback.  ``crop`` cuts to the tight
    bounding box of the artists, which draws the figure twice (a layout engine does too);
    ``crop=False`` on a :func:`new_figure` draws it once.  ``compress_level``: zlib level of a PNG
    (1 is faster and about 15 % larger than the default 6)."""
    import io

    from .fonts import use_fallback_fonts

    buf = io.BytesIO()
    use_fallback_fonts(fig)
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight" if crop else None,
                pil_kwargs={"compress_level": compress_level} if fmt == "png" else None)
    return buf.getvalue()


def describe(fig) -> str:
    """What the figure shows, in words: the title of the figure and of each panel, each axis
    label (with its unit) and the names of the plotted series.  Used as HTML ``alt`` text."""
    parts = []
    if fig.get_suptitle():
        parts.append(fig.get_suptitle())
    for ax in fig.axes:
        if not ax.get_visible() or not (ax.get_xlabel() or ax.get_ylabel() or ax.get_title()):
            continue  # a colour bar or an empty panel
        text = [t for t in (ax.get_title(), f"x: {ax.get_xlabel()}" if ax.get_xlabel() else "",
                            f"y: {ax.get_ylabel()}" if ax.get_ylabel() else "") if t]
        legend = ax.get_legend()
        if legend is not None:
            text.append("series: " + ", ".join(t.get_text() for t in legend.get_texts()))
        parts.append("; ".join(text))
    return ". ".join(parts).replace("\\$", "$")
