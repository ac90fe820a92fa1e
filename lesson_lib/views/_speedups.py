"""Two optimisations that keep a widget update under 100 ms. A reader may skip this file.

Nothing here changes what a view shows; it changes how long showing it takes. Every view
would draw the same pictures with ``ax.text`` in place of :class:`Labels` and without
:func:`young_garbage_only`, only slower:

- :class:`Labels` draws many short texts (cell values, token names, titles) from small
  images drawn once per distinct text by a matplotlib ``Text``. A ``Text`` lays itself out and
  renders its glyphs again on every draw, and a batch grid has 100-200 of them. CPU time of one
  picture (``python -m bench.views_latency speedups``, 2026-12-01, a busy 2-core machine):

      picture (matplotlib 3.10 / 3.11)     with Labels      with Text
      chapter 02 batch grid, 3 sentences   29 / 29 ms     95 / 136 ms
      chapter 01 tokenizer stage           13 / 13 ms     42 /  70 ms

  The pixels are the ones ``Text`` draws, placed to the nearest whole pixel
  (tests/test_labels.py compares them on both versions).
- :func:`young_garbage_only` frees each figure right after its PNG is made, so that Python's
  cycle collector does not walk the whole kernel in the middle of a slider move (pauses of
  150-400 ms were seen in a JupyterLab kernel before it). The same command, in a plain process
  with the model and a million objects in memory, shows little difference (80 updates, p95
  30 ms with it, 34 ms without; max 37 and 41 ms): it costs about a millisecond and guards the
  worst case.

Used in: views/_style.py (every text a view draws), views/_base.py (every redraw);
tests/test_labels.py, tests/test_views.py.
"""

from __future__ import annotations

import functools
import gc
import math
from contextlib import contextmanager

import numpy as np
from matplotlib import rcParams
from matplotlib import transforms as mtransforms
from matplotlib.artist import Artist


class Labels(Artist):
    """Many short texts as one artist: the cell values, ids and token names of a grid, titles, notes.

    Each distinct (text, size, colour, alignment) is drawn once, by a matplotlib ``Text``, into
    a small image (:func:`_stamp`); every later draw pastes that image at the label's place,
    rounded to a whole pixel. So the pixels are the ones ``Text`` draws, at most half a pixel to
    the side. Texts are never read as math: a token "$x$" stays "$x$". A ``rotation`` (degrees)
    turns every text about its anchor (``Text``'s ``rotation_mode="anchor"``).

    >>> ax.add_artist(Labels([(0, 0), (1, 0)], ["[CLS]", "we"], fontsize=8))    # doctest: +SKIP

    ``xy``: one (x, y) per text in ``transform``'s coordinates (default: the axes' data).
    ``ha``: "left", "center", "right"; ``va``: "top", "center", "baseline", "bottom", as for ``Text``
    (for a rotated text: along and across the text, not the page).
    """

    zorder = 3  # where ax.text puts texts: above images and boxes

    def __init__(self, xy, texts, *, fontsize: float = 9, color="black", colors=None, ha: str = "center",
                 va: str = "center", weight: str = "normal", rotation: float = 0, transform=None):
        super().__init__()
        if ha not in _HA:
            raise ValueError(f"Labels: ha must be one of {sorted(_HA)}, not {ha!r}")
        if va not in _VA:
            raise ValueError(f"Labels: va must be one of {sorted(_VA)}, not {va!r}")
        self.xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        self.texts = [str(x) for x in texts]
        self.colors = list(colors) if colors is not None else [color] * len(self.texts)
        if not len(self.xy) == len(self.texts) == len(self.colors):
            raise ValueError(f"Labels: {len(self.xy)} positions, {len(self.texts)} texts, {len(self.colors)} colours")
        self.fontsize, self.weight, self.ha, self.va, self.rotation = fontsize, weight, ha, va, float(rotation)
        if transform is not None:
            self.set_transform(transform)
        self.set_clip_on(False)  # like ax.text: a label may stand outside the axes

    def _placed(self, dpi: float):
        """(left, bottom, stamp pixels) of every label, in display pixels."""
        fonts = (*rcParams["font.family"], *rcParams["font.sans-serif"][:2])  # a font change makes new stamps
        for (x, y), text, color in zip(self.get_transform().transform(self.xy), self.texts, self.colors):
            if text and math.isfinite(x) and math.isfinite(y):
                pixels, anchor_x, anchor_y = _stamp(text, self.fontsize, self.weight, color, self.ha, self.va,
                                                    self.rotation, dpi, fonts)
                yield round(x) - anchor_x, round(y) - anchor_y, pixels

    def draw(self, renderer) -> None:
        if not self.get_visible() or not self.texts:
            return
        gc = renderer.new_gc()
        for left, bottom, pixels in self._placed(renderer.dpi):
            renderer.draw_image(gc, left, bottom, pixels)
        gc.restore()
        self.stale = False

    def get_window_extent(self, renderer=None):
        """Where the labels are (display pixels): what ``bbox_inches="tight"`` and the inline backend crop to."""
        dpi = renderer.dpi if renderer is not None else self.figure.dpi
        boxes = [mtransforms.Bbox.from_bounds(left, bottom, pixels.shape[1], pixels.shape[0])
                 for left, bottom, pixels in self._placed(dpi)]
        return mtransforms.Bbox.union(boxes) if boxes else mtransforms.Bbox.null()


_HA = ("left", "center", "right")
_VA = ("top", "center", "baseline", "bottom")


@functools.lru_cache(maxsize=4096)  # a few kB each: at most some 10 MB, usually a few hundred stamps
def _stamp(text: str, size: float, weight: str, color, ha: str, va: str, rotation: float, dpi: float, fonts: tuple):
    """One label drawn once: (RGBA pixels, bottom row first; x and y of the anchor in those pixels).

    Drawn by a matplotlib ``Text`` itself onto a transparent canvas, then cut to the text's box:
    so the layout (line boxes, baselines, alignment) and the glyphs are those of ``Text`` in
    whichever matplotlib is installed (3.11 measures lines differently from 3.10).
    """
    from matplotlib.backends.backend_agg import RendererAgg

    canvas, label = _board(dpi)
    label.set_text(text)
    label.set_fontproperties(_font(size, weight, fonts))
    label.set_color(color)
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)
    label.set_rotation(rotation)
    label.set_position((0, 0))
    box = label.get_window_extent(canvas)  # where it reaches around an anchor at (0, 0)
    pad = 2  # glyphs may reach a pixel beyond their box
    anchor_x, anchor_y = pad - math.floor(box.x0), pad - math.floor(box.y0)
    width, height = anchor_x + math.ceil(box.x1) + pad, anchor_y + math.ceil(box.y1) + pad
    if width > canvas.width or height > canvas.height:  # a very long text: a canvas of its own
        canvas = RendererAgg(width, height, dpi)
    canvas.clear()
    label.set_position((anchor_x, anchor_y))
    label.draw(canvas)
    pixels = np.asarray(canvas.buffer_rgba())[::-1][:height, :width].copy()  # draw_image wants the bottom row first
    return pixels, anchor_x, anchor_y


@functools.lru_cache(maxsize=64)
def _font(size: float, weight: str, fonts: tuple):
    """The font of a new ``Text`` of this size and weight; ``fonts`` (rcParams' families) is part of the key."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=size, weight=weight)  # reads the family from rcParams, as a new Text does


@functools.lru_cache(maxsize=4)
def _board(dpi: float):
    """One canvas and one ``Text`` per resolution, reused by every stamp (a new Text and canvas cost more than the
    drawing, and on the same canvas the text metrics matplotlib caches are found again)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    # rotation_mode "anchor": a slanted text turns about its anchor, as tick labels should.
    label = Text(0, 0, "", parse_math=False, rotation_mode="anchor", transform=mtransforms.IdentityTransform())
    label.set_figure(Figure(dpi=dpi))  # the Text reads the resolution from its figure
    return RendererAgg(800, 200, dpi), label


@contextmanager
def young_garbage_only():
    """Draw with Python's cycle collector paused, then free just what the drawing left behind.

    A matplotlib figure is some 10,000 objects tied in reference cycles, so only the cycle
    collector frees it. Left to itself, the collector lets the figures of several redraws
    pile up and then walks the whole kernel (the model, the tokenizer, every library) to
    free them at once: a pause of 150-400 ms on one slider move out of ten. Collecting only
    the youngest generation right after each drawing frees that figure in a few ms.
    A learner who switched the collector off keeps it off.

    >>> with young_garbage_only():              # doctest: +SKIP
    ...     png = figure_png(render_batch(batch))
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)
