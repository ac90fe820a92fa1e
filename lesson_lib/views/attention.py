"""Attention weights as heatmaps: who looks at whom, for every layer and head.

Row i of a heatmap is query token i; its cells are how much it takes from each key token,
and they sum to 1. Padded key positions get exactly 0 (the mask adds the most negative
float before softmax), so their columns are hatched: nothing flows from padding.

>>> weights = attention_stack(trace)               # doctest: +SKIP  (L tensors of (B, H, T, T))
>>> w = attention_matrix(weights[0], sentence=1, head="mean")     # doctest: +SKIP
>>> fig, ax = plt.subplots(); draw_attention(ax, w, batch.tokens(1), mask=batch["attention_mask"][1])  # doctest: +SKIP
>>> AttentionView(trace, batch=batch, lang="ko")   # doctest: +SKIP

Used in: notebooks/*/05_attention.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import matplotlib
import numpy as np
import torch
from matplotlib.patches import Rectangle

from ..i18n import t
from ..modeling import ForwardTrace
from . import _style as S
from ._base import View, ViewError, sentence_control, sentence_options
from ._traces import TracedBatch, TraceSource


def attention_stack(source) -> list[torch.Tensor]:
    """The attention weights of every layer, (B, H, T, T) each, from a trace or a model output.

    ``source``: a ``ForwardTrace`` (``model.trace(**batch)``), an output with ``.attentions``
    (``model(**batch, output_attentions=True)``), or a list of tensors.
    """
    if isinstance(source, ForwardTrace):
        steps = sorted((s for s in source.steps if s.name == "attention_weights"), key=lambda s: s.layer)
        weights = [s.tensor for s in steps]
    elif hasattr(source, "attentions") and not isinstance(source, (list, tuple)):
        weights = list(source.attentions or [])
    else:
        weights = list(source)
    if not weights or any(getattr(w, "dim", lambda: 0)() != 4 for w in weights):
        raise ViewError("attention.error.no_weights")
    return weights


def attention_matrix(weights: torch.Tensor, sentence: int = 0, head="mean") -> np.ndarray:
    """One (T, T) matrix from a layer's (B, H, T, T) weights: one head, or the mean over heads (pure)."""
    B, H = weights.shape[:2]
    if not 0 <= sentence < B:
        raise ViewError("common.error.sentence_range", i=sentence, n=B)
    w = weights[sentence].detach().float()  # (H, T, T)
    if head == "mean":
        return w.mean(0).numpy()
    if not isinstance(head, int) or not 0 <= head < H:
        raise ViewError("attention.error.head_range", head=head, n=H)
    return w[head].numpy()


def padded_positions(mask_row) -> list[int]:
    """Positions whose mask is 0 (padding). ``padded_positions([1, 1, 0]) == [2]``."""
    row = mask_row.tolist() if hasattr(mask_row, "tolist") else list(mask_row)
    return [j for j, m in enumerate(row) if int(m) == 0]


def draw_attention(ax, weights, tokens, *, mask=None, lang: str = "en", title: str | None = None,
                   labels: bool = True, colorbar: bool = True, annotate: bool | None = None) -> None:
    """Heatmap of one (T, T) attention matrix; rows = queries, columns = keys; padded keys hatched.

    ``tokens`` label both axes; ``mask`` (1 = token, 0 = padding) marks the padding.
    """
    w = np.asarray(weights, dtype=float)
    T = w.shape[0]
    if w.ndim != 2 or w.shape[1] != T or len(tokens) != T:
        raise ViewError("attention.error.shape", shape=tuple(w.shape), n=len(tokens))
    annotate = (T <= 8) if annotate is None else annotate
    image = S.heatmap(ax, w, cmap=S.WEIGHT_CMAP, symmetric=False, vmin=0.0, vmax=max(float(w.max()), 1e-6),
                      annotate=annotate)
    padded = padded_positions(mask) if mask is not None else []
    S.hatch_columns(ax, padded, T)
    if labels:
        colors = ["#999999" if j in padded else "black" for j in range(T)]  # padding in grey
        reach_x = S.tick_labels(ax, "x", tokens, max_labels=32, rotation=60, fontsize=8, colors=colors)
        reach_y = S.tick_labels(ax, "y", tokens, max_labels=32, fontsize=8, colors=colors)
        S.axis_title(ax, "x", t("attention.axis.key", lang), reach_x)
        S.axis_title(ax, "y", t("attention.axis.query", lang), reach_y)
    else:
        ax.xaxis.set_visible(False)  # no ticks at all: cheaper than an empty tick list
        ax.yaxis.set_visible(False)
    if title is not None:
        S.axes_title(ax, title, fontsize=10)
    if colorbar:
        S.color_key(ax, image)


MAX_GRID_NAMES = 24  # tokens per tile up to which the grid of heads names them (smaller than 6 pt beyond)


def head_mosaic(weights: np.ndarray, cols: int, gap: int = 1) -> np.ndarray:
    """Tile (H, T, T) weights into one picture, ``cols`` heads a row, NaN between tiles (pure).

    Each head is divided by its own largest weight, so a head that spreads its attention
    thinly still shows its pattern (the grid compares patterns, not strengths).

    >>> head_mosaic(np.ones((3, 2, 2)), cols=2).shape
    (5, 5)
    """
    H, T, _ = weights.shape
    rows = math.ceil(H / cols)
    step = T + gap
    mosaic = np.full((rows * step - gap, cols * step - gap), np.nan)
    for h in range(H):
        r, c = divmod(h, cols)
        peak = float(weights[h].max())
        mosaic[r * step:r * step + T, c * step:c * step + T] = weights[h] / (peak if peak > 0 else 1.0)
    return mosaic


def draw_attention_heads(fig, weights, tokens, *, mask=None, lang: str = "en", layer: int | None = None) -> None:
    """A grid of every head of one layer: ``weights`` is (H, T, T) for one sentence.

    Drawn as one image on one axes (the heads tiled, titles written over the tiles): twelve
    separate axes cost several times more to draw, and this picture is redrawn on every
    slider move.
    """
    w = weights.detach().float().numpy() if isinstance(weights, torch.Tensor) else np.asarray(weights, dtype=float)
    H, T = w.shape[0], w.shape[-1]
    if len(tokens) != T:
        raise ViewError("attention.error.shape", shape=tuple(w.shape), n=len(tokens))
    cols = math.ceil(math.sqrt(H))
    rows = math.ceil(H / cols)
    gap = max(2, math.ceil(T / 8))  # blank cells between tiles: room for the head's title
    named = T <= MAX_GRID_NAMES  # token names beside the left tiles and under the bottom ones, while they fit
    ax = fig.add_axes((0.1, 0.1, 0.88, 0.84) if named else (0.02, 0.02, 0.96, 0.92))
    cmap = matplotlib.colormaps[S.WEIGHT_CMAP].with_extremes(bad="white")
    ax.imshow(head_mosaic(w, cols, gap), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_axis_off()
    padded = padded_positions(mask) if mask is not None else []
    step = T + gap
    corners = [(c * step - 0.5, r * step - 0.6) for r, c in (divmod(h, cols) for h in range(H))]
    S.add_labels(ax, corners, [t("attention.title.head", lang, head=h) for h in range(H)], fontsize=9, ha="left",
                 va="bottom")
    if named:
        # On a static page a tile without names is a pattern of nothing: name the queries (rows) of the
        # left column and the keys (columns) under the lowest tile of every column.
        names = [S.label(name, 10) for name in tokens]
        S.add_labels(ax, [(-0.8, r * step + i) for r in range(rows) for i in range(T)], names * rows, fontsize=6,
                     ha="right", va="center")
        lowest = [max(r for r in range(rows) if r * cols + c < H) for c in range(min(cols, H))]
        S.add_labels(ax, [(c * step + j, r * step + T - 0.3) for c, r in enumerate(lowest) for j in range(T)],
                     names * len(lowest), fontsize=6, ha="right", va="center", rotation=90)
    for h in range(H):
        r, c = divmod(h, cols)
        for first, last in _runs(padded):  # padded keys: hatched columns in every tile
            ax.add_artist(Rectangle((c * step + first - 0.5, r * step - 0.5), last - first + 1, T, fill=False,
                                    hatch="///", edgecolor="#7f7f7f", lw=0))
    ax.set_xlim(-0.5, cols * step - gap - 0.5)
    ax.set_ylim(rows * step - gap - 0.5, -0.5 - gap)  # room for the titles of the top row
    heading = t("attention.title.heads", lang, n=H) if layer is None else \
        t("attention.title.layer_heads", lang, layer=layer, n=H)
    S.figure_text(fig, 0.01, 0.985, heading, va="top", fontsize=11)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs in sorted positions: [2, 3, 4, 7] -> [(2, 4), (7, 7)]."""
    runs = []
    for p in positions:
        if runs and p == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs


def render_attention(traced: TracedBatch, layer: int, head, sentence: int, *, lang: str = "en"):
    """A new figure: one head (or the mean) with labels, or every head of the layer as a grid."""
    layers = attention_stack(traced.trace)
    if not 0 <= layer < len(layers):
        raise ViewError("attention.error.layer_range", layer=layer, n=len(layers))
    weights = layers[layer]
    if not 0 <= sentence < traced.n_sentences:
        raise ViewError("common.error.sentence_range", i=sentence, n=traced.n_sentences)
    tokens, mask = traced.tokens[sentence], traced.mask[sentence]
    if head == "all":
        fig = S.new_figure(9, 7.5)
        draw_attention_heads(fig, weights[sentence], tokens, mask=mask, lang=lang, layer=layer)
        return fig
    # One square heatmap: a figure about as wide as it is tall, so no wide empty margins.
    fig = S.new_figure(7.6, 7.5)
    ax = fig.add_axes((0.15, 0.17, 0.72, 0.72))
    w = attention_matrix(weights, sentence, head)
    which = t("attention.title.mean", lang, n=weights.shape[1]) if head == "mean" else \
        t("attention.title.head", lang, head=head)
    draw_attention(ax, w, tokens, mask=mask, lang=lang, title=t("attention.title.layer", lang, layer=layer) + ", " + which)
    if padded_positions(mask):
        S.note(ax, t("attention.note.padding", lang), y=-0.2)
    return fig


# --- the widget ---------------------------------------------------------------------------------

class AttentionView(View):
    """Pick a layer, a head (or the mean, or all heads) and a sentence; see its attention weights.

    ``AttentionView(trace, batch=batch)`` shows a finished trace; ``AttentionView(model=model,
    tokenizer=tok, texts=[...])`` also lets the sentences be edited (the model runs again).
    Controls: ``layer`` (IntSlider), ``head`` (Dropdown), ``sentence`` (Dropdown), ``sentences``
    (Textarea, only with a model).
    """

    def __init__(self, trace: ForwardTrace | None = None, *, batch=None, tokens=None, model=None, tokenizer=None,
                 texts=None, layer: int = 0, head="mean", lang: str = "en"):
        self.source = TraceSource(trace, batch=batch, tokens=tokens, model=model, tokenizer=tokenizer, texts=texts,
                                  lang=lang)
        self.sentences = self.source.sentences  # the text box (None for a finished trace)
        n_layers = len(attention_stack(self.traced.trace))
        n_heads = attention_stack(self.traced.trace)[0].shape[1]
        self.layer = widgets.IntSlider(value=min(layer, n_layers - 1), min=0, max=n_layers - 1,
                                       description=t("attention.label.layer", lang), continuous_update=False)
        if head not in ("mean", "all") and head not in range(n_heads):
            raise ViewError("attention.error.head_range", head=head, n=n_heads)
        self.head = widgets.Dropdown(options=self._head_options(n_heads, lang), value=head,
                                     description=t("attention.label.head", lang))
        # Open on the second sentence when it is padded: zero attention to padding is the first thing to see.
        padded_second = self.traced.n_sentences > 1 and 0 in self.traced.mask[1]
        self.sentence = sentence_control(self.traced.names(), lang, value=1 if padded_second else 0)
        controls = ([self.sentences] if self.sentences is not None else []) + \
            [widgets.HBox([self.layer, self.head, self.sentence])]
        super().__init__(controls, lang)
        for w in (self.layer, self.head, self.sentence):
            w.observe(self._refresh, "value")
        if self.sentences is not None:
            self.sentences.observe(self._on_sentences, "value")
        self._refresh()

    @property
    def traced(self) -> TracedBatch:
        """The trace shown now, with its tokens and mask."""
        return self.source.traced

    @staticmethod
    def _head_options(n_heads: int, lang: str) -> list:
        return [(t("attention.label.mean", lang), "mean"), (t("attention.label.all", lang), "all")] + \
            [(str(h), h) for h in range(n_heads)]

    def _on_sentences(self, change) -> None:
        if self.source.rerun():  # the model ran on the new sentences: the menu follows them
            self._set_quietly(sentence__options=sentence_options(self.traced.names(), self.lang))
        self._refresh()

    def _check_input(self) -> None:
        self.source.check()

    def _figure(self):
        sentence = self.sentence.value if self.sentence.value is not None else 0
        return render_attention(self.traced, self.layer.value, self.head.value, sentence, lang=self.lang)

    def _state(self):
        return (self.source.key, self.layer.value, self.head.value, self.sentence.value)

    def _describe(self) -> str:
        return (f"sentences={self.traced.n_sentences}, layer={self.layer.value}, head={self.head.value!r}, "
                f"sentence={self.sentence.value}, lang={self.lang!r}")
