"""Fonts for figures: DejaVu Sans first (Latin, Greek, math symbols, superscripts), then a CJK
font, so keywords and labels in Chinese, Japanese or Korean render instead of as boxes with a
page of "Glyph … missing from font(s)" warnings.

The CJK font is Noto Sans CJK (Debian package ``fonts-noto-cjk``, installed by ``.ci/run`` and
``make``); without it CJK text still renders as boxes, but nothing else changes.  Matplotlib
(≥ 3.6) falls back glyph by glyph along the named families of ``font.family``.  Call
:func:`use_fallback_fonts` before drawing; :func:`interstore.outputs.save_figure` does.
"""

from __future__ import annotations

from functools import lru_cache

FALLBACK_FAMILIES = ("DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR",
                     "Noto Sans CJK TC", "Droid Sans Fallback", "WenQuanYi Zen Hei")


@lru_cache(maxsize=1)
def available_fallbacks() -> tuple[str, ...]:
    """The families of :data:`FALLBACK_FAMILIES` matplotlib can use, registering system CJK fonts
    that were installed after matplotlib built its font cache.  Of the regional Noto Sans CJK
    families only the first installed one: they hold the same characters (JP, SC, KR and TC differ
    in glyph shapes only), so matplotlib would never fall back to a second one, yet it would look
    every family up for every text it draws (about 5 % of a report's drawing time)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if not any("CJK" in name for name in known):
        for path in font_manager.findSystemFonts():
            if "NotoSansCJK" in path or "NotoSerifCJK" in path or "DroidSansFallback" in path:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        known = {f.name for f in font_manager.fontManager.ttflist}
    names = [name for name in FALLBACK_FAMILIES if name in known]
    noto = [name for name in names if name.startswith("Noto Sans CJK")]
    return tuple(name for name in names if name not in noto[1:])


def use_fallback_fonts(fig=None) -> None:
    """Make the available fallback families matplotlib's font list (``font.family``: concrete names,
    since matplotlib falls back only between named families, not within ``sans-serif``), and retarget
    the text already in ``fig`` that uses the default family.  A family the user chose is kept."""
    import matplotlib

    ours = list(available_fallbacks())
    if not ours or list(matplotlib.rcParams["font.family"]) not in (["sans-serif"], ours):
        return
    matplotlib.rcParams["font.family"] = ours
    if fig is not None:
        for text in _texts(fig):
            if text.get_fontfamily() == ["sans-serif"]:
                text.set_fontfamily(ours)
        for ax in fig.axes:  # tick labels: the existing ones and the template of those made at draw time
            if ax.xaxis.get_major_ticks(1)[0].label1.get_fontfamily() == ["sans-serif"]:
                ax.tick_params(which="both", labelfontfamily=ours)


def _texts(fig):
    """The Text artists of ``fig`` other than tick labels, found without building every tick of every
    axis (which :meth:`~matplotlib.artist.Artist.findobj` does, at a tenth of a second per figure)."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    for parent in [fig, *fig.axes]:
        for child in parent.get_children():
            if isinstance(child, Text):
                yield child
            elif isinstance(child, Legend):
                yield from child.get_texts()
                yield child.get_title()
    for ax in fig.axes:
        yield from (ax.xaxis.label, ax.yaxis.label, ax.xaxis.get_offset_text(), ax.yaxis.get_offset_text())
