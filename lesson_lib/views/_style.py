"""What every view draws with: figure size and resolution, colours, labels that always render.

Level texts (titles, cell values, token names) go through :func:`add_labels`, which draws them
as one :class:`~lesson_lib.views._speedups.Labels` artist: the same pixels as ``ax.text``, several
times faster (views/_speedups.py says why and by how much; a reader may take it as ``ax.text``).

Figures are built with ``matplotlib.figure.Figure`` directly, not ``pyplot``: pyplot keeps
every figure in a global list until it is closed, which is how a widget that redraws on
every slider step leaks memory. A ``Figure`` that nobody references is simply freed.

Used in: every file in views/.
"""

from __future__ import annotations

import io
import math
import unicodedata

import numpy as np
from matplotlib import rcParams
from matplotlib import transforms as mtransforms
from matplotlib.figure import Figure
from matplotlib.collections import PatchCollection
from matplotlib.patches import Rectangle

from ..fonts import displayable, use_korean_font
from ._speedups import Labels

DPI = 80  # modest: a 9-inch-wide figure is 720 px, sharp enough on screen, fast to render
VALUE_CMAP = "RdBu_r"  # signed values (hidden states, logits): blue < 0 < red, white at 0
WEIGHT_CMAP = "Blues"  # values in [0, 1] (attention weights, probabilities)
PAD_COLOR = "#d9d9d9"  # padding cells everywhere
SPECIAL_COLOR = "#fde9b0"  # [CLS], [SEP]
TOKEN_COLOR = "#dbe9f6"
CHANGED_COLOR = "#f9c9b6"  # characters a normalisation step changed
ACCEPT_COLOR = "#c7e9c0"
REJECT_COLOR = "#f0f0f0"
EDGE_COLOR = "#555555"
SPECIAL_TOKENS = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")


def new_figure(width: float, height: float) -> Figure:
    """A figure of fixed size (inches) at :data:`DPI`, with the Korean font in place."""
    use_korean_font()
    return Figure(figsize=(width, height), dpi=DPI)


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes; identical input gives identical bytes (no timestamp, no version)."""
    buffer = io.BytesIO()
    # compress_level 1: a few kB larger than the default 6, and half the encoding time of every redraw.
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def text_width(text: str) -> int:
    """Width in "columns": Hangul, CJK and full-width characters take two, like in a terminal."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def label(token, max_width: int = 12) -> str:
    """A token or word as a label: drawable characters only, cut with "…" if too wide."""
    text = displayable(str(token))
    if text_width(text) <= max_width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch) > max_width - 1:
            break
        out += ch
    return out + "…"


def visible_char(ch: str) -> str:
    """How one character is shown in a character strip: spaces and marks made visible."""
    if ch == " ":
        return "␣"
    if unicodedata.combining(ch):
        return "\u25cc" + ch  # a dotted circle carries a lone accent, as in Unicode charts
    return displayable(ch)


def add_labels(ax, xy, texts, **kwargs) -> Labels:
    """Add a :class:`Labels` artist to ``ax`` (or to a figure) and return it (same keywords)."""
    artist = Labels(xy, texts, **kwargs)
    ax.add_artist(artist)
    return artist


def figure_text(fig, x: float, y: float, text: str, **kwargs) -> Labels:
    """A text at (x, y) in figure fractions, like ``fig.text`` (drawn as a :class:`Labels`)."""
    kwargs.setdefault("ha", "left")
    kwargs.setdefault("va", "baseline")
    return add_labels(fig, [(x, y)], [text], transform=fig.transFigure, **kwargs)


def axes_title(ax, text: str, *, fontsize: float = 11) -> Labels:
    """A title over the axes' left corner, where ``ax.set_title(text, loc="left")`` puts it.

    As with ``set_title``, a second call replaces the first title instead of writing over it.
    """
    previous = getattr(ax, "_lesson_title", None)
    if previous is not None and previous.axes is ax:
        previous.remove()
    place = mtransforms.offset_copy(ax.transAxes, fig=ax.figure, y=rcParams["axes.titlepad"], units="points")
    ax._lesson_title = add_labels(ax, [(0, 1)], [text], transform=place, ha="left", va="baseline", fontsize=fontsize)
    return ax._lesson_title


def draw_boxes(ax, labels, *, sublabels=None, colors=None, fontsize=11, max_rows=6, width_chars=80,
               line_starts=(), title=None) -> int:
    """Lay out labelled boxes left to right, wrapping lines, in axes coordinates. Returns how many fit.

    Used for tokens, words and characters: one box per item, optional small text under each;
    ``line_starts``: indices of items that must begin a new line.
    """
    ax.set_axis_off()
    ax.set_xlim(0, width_chars)
    row_height = 2.6 if sublabels is not None else 1.8
    ax.set_ylim(max_rows * row_height, 0)  # row 0 at the top
    x, row, shown = 0.0, 0, 0
    boxes, box_colors, places, under = [], [], [], []
    for i, text in enumerate(labels):
        w = max(2.0, text_width(text) + 1.4)
        if sublabels is not None:
            w = max(w, text_width(str(sublabels[i])) * 0.8 + 1.0)
        if (x + w > width_chars or i in line_starts) and x > 0:
            x, row = 0.0, row + 1
        if row >= max_rows:
            break
        y = row * row_height
        color = colors[i] if colors is not None else TOKEN_COLOR
        boxes.append(Rectangle((x + 0.1, y + 0.15), w - 0.2, 1.4))
        box_colors.append(color)
        places.append((x + w / 2, y + 0.85))
        under.append((x + w / 2, y + 2.05))
        x += w
        shown += 1
    # All boxes as one collection and all texts as one Labels: one artist each to draw,
    # and no data-limit update per box.
    ax.add_collection(PatchCollection(boxes, facecolors=box_colors, edgecolors=EDGE_COLOR, linewidths=0.6),
                      autolim=False)
    add_labels(ax, places, list(labels)[:shown], fontsize=fontsize)
    if sublabels is not None:
        add_labels(ax, under, [str(s) for s in list(sublabels)[:shown]], fontsize=fontsize * 0.72, color="#333333")
    if title is not None:
        axes_title(ax, title)
    return shown


def heatmap(ax, matrix, *, cmap=VALUE_CMAP, symmetric=True, vmin=None, vmax=None, annotate=False, fmt="{:.2f}"):
    """imshow with a sensible colour range; annotate small matrices with their values."""
    m = np.asarray(matrix, dtype=float)
    if symmetric:
        # A few huge features (BERT has some) would wash every other cell out to white: scale to the
        # 99th percentile of |value| for big matrices; the colour bar ends there (larger = darkest).
        bound = float(np.nanpercentile(np.abs(m), 99) if m.size > 256 else np.nanmax(np.abs(m))) if m.size else 1.0
        bound = bound if bound > 0 and math.isfinite(bound) else 1.0
        vmin, vmax = -bound, bound
    image = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    if annotate and m.size:
        lo, hi = image.get_clim()
        places, texts, colors = [], [], []
        for (r, c), v in np.ndenumerate(m):
            # Dark text on light cells, light text on dark cells.
            strong = abs(v - (lo + hi) / 2) > 0.3 * (hi - lo) if symmetric else (v - lo) > 0.6 * (hi - lo)
            places.append((c, r))
            texts.append(fmt.format(v))
            colors.append("white" if strong else "black")
        add_labels(ax, places, texts, colors=colors, fontsize=8)
    return image


def tick_labels(ax, axis: str, labels, *, max_labels: int = 40, rotation: int = 0, fontsize: int = 9,
                colors=None) -> float:
    """Label the positions 0, 1, ... of an axis (every k-th one when there are too many).

    Drawn as plain texts beside the axes instead of matplotlib ticks: a tick is two lines,
    two labels and several size computations, and heatmaps with 30 tokens per side spent
    most of their redraw time there. Returns how far the labels reach from the axes, in
    points, for :func:`axis_title`.
    """
    labels = [label(x) for x in labels]
    n = len(labels)
    step = max(1, math.ceil(n / max_labels))
    shown = range(0, n, step)
    color_of = [colors[i] if colors is not None else "black" for i in shown]
    if axis == "x":
        ax.xaxis.set_visible(False)  # no ticks at all: cheaper than an empty tick list
        place = mtransforms.offset_copy(mtransforms.blended_transform_factory(ax.transData, ax.transAxes),
                                        fig=ax.figure, y=-3, units="points")
        # Slanted labels end at their position (ha="right"), so that long tokens lean away from the axes.
        add_labels(ax, [(i, 0) for i in shown], [labels[i] for i in shown], transform=place, fontsize=fontsize,
                   va="top", ha="right" if rotation else "center", rotation=rotation, colors=color_of)
    else:
        ax.yaxis.set_visible(False)
        place = mtransforms.offset_copy(mtransforms.blended_transform_factory(ax.transAxes, ax.transData),
                                        fig=ax.figure, x=-3, units="points")
        add_labels(ax, [(0, i) for i in shown], [labels[i] for i in shown], transform=place, fontsize=fontsize,
                   ha="right", colors=color_of)
    widest = max((text_width(x) for x in labels), default=1) * 0.55 * fontsize
    if axis == "x" and not rotation:
        return 3 + 1.3 * fontsize
    if axis == "x":
        angle = math.radians(rotation)
        return 3 + widest * math.sin(angle) + fontsize * math.cos(angle)
    return 3 + widest


def value_ticks(ax, lo: float, hi: float, *, n: int = 4, fontsize: int = 8) -> float:
    """A y scale of about ``n`` round numbers from ``lo`` to ``hi`` (with a margin), without matplotlib's ticks.

    Sets the y limits, writes the numbers and short marks beside the axes (see :func:`tick_labels`
    for why not ticks). Returns how far the numbers reach from the axes, in points, for :func:`axis_title`.
    """
    from matplotlib.markers import TICKLEFT
    from matplotlib.ticker import MaxNLocator

    margin = 0.05 * (hi - lo) if hi > lo else 0.5
    lo, hi = lo - margin, hi + margin
    ax.set_ylim(lo, hi)
    ax.yaxis.set_visible(False)
    values = [float(v) for v in MaxNLocator(n).tick_values(lo, hi) if lo <= v <= hi]
    decimals = max((len(f"{v:g}".partition(".")[2]) for v in values), default=0)  # 7.5, 10.0, 12.5: one style
    texts = [f"{v:.{decimals}f}" for v in values]
    side = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)  # x: axes fraction, y: data
    # The marks: one line of "tick" markers, what matplotlib's own ticks draw, as a single artist.
    ax.plot([0] * len(values), values, ls="none", marker=TICKLEFT, markersize=3.5, color="black", transform=side,
            clip_on=False)
    add_labels(ax, [(0, v) for v in values], texts, ha="right", fontsize=fontsize,
               transform=mtransforms.offset_copy(side, fig=ax.figure, x=-4, units="points"))
    return 4 + max((text_width(x) for x in texts), default=1) * 0.6 * fontsize


def axis_title(ax, axis: str, text: str, reach: float, fontsize: int = 9) -> None:
    """An axis title placed just beyond labels drawn by :func:`tick_labels` (``reach`` points out)."""
    if axis == "x":
        place = mtransforms.offset_copy(ax.transAxes, fig=ax.figure, y=-(reach + 3), units="points")
        add_labels(ax, [(0.5, 0)], [text], transform=place, va="top", fontsize=fontsize)
    else:
        place = mtransforms.offset_copy(ax.transAxes, fig=ax.figure, x=-(reach + 3), units="points")
        # Rotated a quarter turn: "bottom" of the unrotated text is its right side on the page.
        add_labels(ax, [(0, 0.5)], [text], transform=place, ha="center", va="bottom", rotation=90, fontsize=fontsize)


def hatch_columns(ax, columns, n_rows: int, color: str = "#7f7f7f") -> None:
    """Hatch whole columns of an imshow grid (e.g. padded key positions)."""
    for c in columns:
        ax.add_patch(Rectangle((c - 0.5, -0.5), 1, n_rows, fill=False, hatch="///", edgecolor=color, lw=0))


def note(ax, text: str, *, y: float = -0.02, fontsize: int = 9) -> None:
    """A small grey remark under an axes (e.g. "showing 12 of 40 sentences")."""
    add_labels(ax, [(0.0, y)], [text], transform=ax.transAxes, ha="left", va="top", fontsize=fontsize, color="#555555")


def empty(ax, text: str) -> None:
    """An axes that only says something (an empty batch, nothing to draw yet)."""
    ax.set_axis_off()
    add_labels(ax, [(0.5, 0.5)], [text], transform=ax.transAxes, fontsize=12, color="#555555")


def color_key(ax, image, *, fmt: str = "{:.2g}", gap: float = 0.015, width: float = 0.025) -> None:
    """A colour scale beside ``ax`` for ``image`` (an imshow result): a gradient strip and three numbers.

    Plays the part of ``fig.colorbar`` at a fraction of its cost: colorbar builds a second
    axes with its own ticks, which took half the time of a widget redraw. This is one image
    and three texts, placed in axes coordinates, so it follows ``ax`` wherever it ends up.
    """
    from matplotlib.image import AxesImage

    lo, hi = image.get_clim()
    strip = AxesImage(ax, cmap=image.get_cmap(), norm=image.norm, interpolation="nearest",
                      extent=(1 + gap, 1 + gap + width, 0, 1), transform=ax.transAxes)
    strip.set_data(np.linspace(lo, hi, 128)[::-1, None])  # top row = largest value
    strip.set_clip_on(False)
    ax.add_artist(strip)
    ax.add_patch(Rectangle((1 + gap, 0), width, 1, transform=ax.transAxes, fill=False, lw=0.6,
                           edgecolor=EDGE_COLOR, clip_on=False))
    add_labels(ax, [(1 + gap + width + 0.008, y) for y in (0.0, 0.5, 1.0)],
               [fmt.format(v) for v in (lo, (lo + hi) / 2, hi)], transform=ax.transAxes, ha="left", fontsize=8)
