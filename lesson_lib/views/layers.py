"""The forward pass, one recorded step at a time: embeddings → N blocks → first token → head → logits.

Reads ``model.trace(**batch)`` (modeling.py: ``ForwardTrace.steps``, each a ``Step(name,
layer, tensor)``) and shows one step per slider position: its name, its shape, and one
picture of it for one sentence. A (B, T, D) step is drawn as how alike its token vectors
are (the cosine similarity of every pair of tokens, T x T): T x 384 raw numbers are noise
to the eye, while "which tokens point the same way" is what the layers change (after the
embeddings the tokens are unrelated; block by block they take in their context and grow
alike). Under it, how every token's vector changes across the layers (its length, its
cosine similarity to the last layer, or the length of the change each layer adds).

>>> trace = model.trace(**batch)                                         # doctest: +SKIP
>>> m = step_matrix(trace.steps[0], sentence=1, n_tokens=11)            # doctest: +SKIP
>>> m.values.shape, m.scale                                              # doctest: +SKIP
((11, 11), (-1.0, 1.0))
>>> LayerView(trace, batch=batch, lang="ko")                             # doctest: +SKIP
>>> LayerView(model=model, tokenizer=tok, texts=["I love it."])         # doctest: +SKIP

Where the trace comes from (a finished one, or the model run on edited sentences) is
views/_traces.py, shared with the attention view.

Used in: notebooks/*/03_forward_pass ("Step through the layers").
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.collections import LineCollection

from ..i18n import t
from ..modeling import ForwardTrace, Step
from . import _style as S
from ._base import View, ViewError, sentence_control, sentence_options
from ._traces import TracedBatch, TraceSource


# --- what one step shows ------------------------------------------------------------------------

@dataclass
class StepMatrix:
    """The 2-D picture of one step for one sentence."""

    values: np.ndarray  # (rows, cols)
    rows: list[str]  # row labels (tokens, or "sentence i")
    cols: list[str] | None  # column labels (tokens, label names) or None for feature numbers
    row_axis: str  # i18n key of the row axis
    col_axis: str  # i18n key of the column axis
    highlight_row: int | None = None  # the chosen sentence, for (B, X) steps
    mean_over_heads: int = 0  # H when the values are a mean over H heads
    scale: tuple[float, float] | None = None  # a fixed colour range (cosine: -1 to 1), so that steps compare
    color_axis: str | None = None  # i18n key of the colour scale's label


def shape_symbols(step: Step) -> str:
    """The symbolic shape of a step: (B, T, D), (B, H, T, T), (B, D) or (B, C)."""
    dims = step.tensor.dim()
    if dims == 4:
        return "(B, H, T, T)"
    if dims == 3:
        return "(B, T, D)"
    return "(B, C)" if step.name == "logits" else "(B, D)"


def token_similarity(vectors: torch.Tensor) -> torch.Tensor:
    """Cosine similarity of every pair of rows: (T, D) -> (T, T), 1 on the diagonal (0 for an all-zero row).

    >>> token_similarity(torch.tensor([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])).round(decimals=3)
    tensor([[ 1.0000,  0.7070, -1.0000],
            [ 0.7070,  1.0000, -0.7070],
            [-1.0000, -0.7070,  1.0000]])

    Used in: :func:`step_matrix` (the (B, T, D) steps of LayerView).
    """
    unit = torch.nn.functional.normalize(vectors.float(), dim=-1)  # (T, D), every row of length 1
    return unit @ unit.T  # (T, T): dot products of unit vectors are their cosines


def mean_pair_similarity(matrix: StepMatrix) -> float | None:
    """The mean similarity of two *different* tokens (the diagonal, always 1, left out); None below 2 tokens.

    None too for a matrix that is not a similarity (attention weights, one row per sentence).

    Used in: :func:`draw_step` (the number in the title), tests/test_views.py.
    """
    m = np.asarray(matrix.values, dtype=float)
    n = m.shape[0]
    if matrix.scale is None or n < 2:
        return None
    return float((m.sum() - np.trace(m)) / (n * (n - 1)))


def step_matrix(step: Step, sentence: int = 0, tokens: list[str] | None = None, n_tokens: int | None = None,
                labels: list[str] | None = None) -> StepMatrix:
    """What the picture of ``step`` shows for ``sentence`` (pure).

    (B, T, D): how alike the sentence's real tokens are, the cosine similarity of every pair
    (:func:`token_similarity`, tokens × tokens, on the fixed scale -1 to 1). (B, H, T, T):
    attention averaged over the heads, real tokens × real tokens. (B, D) and (B, C): every
    sentence of the batch (one row each), the chosen one marked.
    """
    x = step.tensor.detach().float()
    B = x.shape[0]
    if not 0 <= sentence < B:
        raise ViewError("common.error.sentence_range", i=sentence, n=B)
    T = x.shape[-1] if x.dim() == 4 else (x.shape[1] if x.dim() == 3 else 0)  # (B, H, T, T) or (B, T, D)
    n = T if n_tokens is None else max(0, min(int(n_tokens), T))
    tokens = tokens if tokens is not None else [str(j) for j in range(T)]
    if x.dim() == 3:
        return StepMatrix(token_similarity(x[sentence, :n]).numpy(), tokens[:n], tokens[:n], "common.axis.token",
                          "layers.axis.similar_token", scale=(-1.0, 1.0), color_axis="layers.axis.similarity")
    if x.dim() == 4:
        H = x.shape[1]
        return StepMatrix(x[sentence].mean(0)[:n, :n].numpy(), tokens[:n], tokens[:n], "attention.axis.query",
                          "attention.axis.key", mean_over_heads=H)
    rows = [str(b) for b in range(B)]
    cols = None
    if step.name == "logits":
        cols = list(labels) if labels is not None and len(labels) == x.shape[1] else [str(c) for c in range(x.shape[1])]
    return StepMatrix(x.numpy(), rows, cols, "common.label.sentence",
                      "layers.axis.label" if step.name == "logits" else "layers.axis.feature", highlight_row=sentence)


def hidden_states(trace: ForwardTrace) -> list[torch.Tensor]:
    """The vector of every token after the embeddings and after each block: L + 1 tensors (B, T, D)."""
    states = [s.tensor for s in trace.steps if s.name == "embeddings"]
    states += [s.tensor for s in trace.steps if s.name == "block_output"]
    return states


def hidden_state_norms(trace: ForwardTrace, sentence: int = 0, n_tokens: int | None = None) -> np.ndarray:
    """Length (L2 norm) of each real token's vector at each depth: (L + 1, tokens). Row 0 = embeddings."""
    states = hidden_states(trace)
    n = states[0].shape[1] if n_tokens is None else n_tokens
    return torch.stack([h[sentence, :n].float().norm(dim=-1) for h in states]).numpy()


def cosine_to_final(trace: ForwardTrace, sentence: int = 0, n_tokens: int | None = None) -> np.ndarray:
    """Cosine similarity of each real token's vector at each depth with its final vector: (L + 1, tokens)."""
    states = hidden_states(trace)
    n = states[0].shape[1] if n_tokens is None else n_tokens
    final = states[-1][sentence, :n].float()
    return torch.stack([torch.cosine_similarity(h[sentence, :n].float(), final, dim=-1) for h in states]).numpy()


def update_norms(trace: ForwardTrace, sentence: int = 0, n_tokens: int | None = None) -> np.ndarray:
    """Length of the change each layer makes to each real token's vector, ``‖h_l - h_(l-1)‖``: (L + 1, tokens).

    Row 0 (the embeddings) has no layer before it and is NaN, so the plot starts at layer 0.
    """
    states = hidden_states(trace)
    n = states[0].shape[1] if n_tokens is None else n_tokens
    rows = [torch.full((n,), float("nan"))]
    rows += [(states[i][sentence, :n].float() - states[i - 1][sentence, :n].float()).norm(dim=-1)
             for i in range(1, len(states))]
    return torch.stack(rows).numpy()


METRICS = {"norm": hidden_state_norms, "cosine": cosine_to_final, "update": update_norms}


# --- drawing ------------------------------------------------------------------------------------

def draw_step(ax, step: Step, matrix: StepMatrix, *, lang: str = "en", colorbar: bool = True) -> float:
    """Heatmap of one step (values of ``matrix``), labelled with its name and shape.

    Returns how far (points) the labels under the axes reach, so a caller can leave room.
    """
    small = matrix.values.size <= 64
    if matrix.values.size == 0:
        S.empty(ax, t("layers.note.no_tokens", lang))
        return 0.0
    square = matrix.cols is not None and matrix.rows == matrix.cols  # tokens on both axes
    if matrix.scale is not None:  # one scale for every step, or each picture would look equally "strong"
        image = S.heatmap(ax, matrix.values, cmap=S.VALUE_CMAP, symmetric=False, vmin=matrix.scale[0],
                          vmax=matrix.scale[1], annotate=small, fmt="{:.2f}")
    else:
        image = S.heatmap(ax, matrix.values, cmap=S.WEIGHT_CMAP if matrix.mean_over_heads else S.VALUE_CMAP,
                          symmetric=not matrix.mean_over_heads, vmin=0, vmax=None, annotate=small, fmt="{:.3f}")
    if matrix.mean_over_heads:
        image.set_clim(0, max(float(matrix.values.max()), 1e-6))
    reach_y = S.tick_labels(ax, "y", matrix.rows, max_labels=24)
    if matrix.cols is not None:
        reach_x = S.tick_labels(ax, "x", matrix.cols, max_labels=30, rotation=60 if square else 0)
    else:  # feature numbers: a few of them are enough
        reach_x = S.tick_labels(ax, "x", [str(j) for j in range(matrix.values.shape[1])], max_labels=8, fontsize=8)
    if matrix.highlight_row is not None:
        from matplotlib.patches import Rectangle

        ax.add_patch(Rectangle((-0.5, matrix.highlight_row - 0.5), matrix.values.shape[1], 1, fill=False,
                               edgecolor="black", lw=2))
    S.axis_title(ax, "y", t(matrix.row_axis, lang), reach_y)
    S.axis_title(ax, "x", t(matrix.col_axis, lang), reach_x)
    title = f"{step.label}   {tuple(step.shape)} = {shape_symbols(step)}"
    if matrix.mean_over_heads:
        title += "   " + t("layers.note.mean_heads", lang, h=matrix.mean_over_heads)
    pairs = mean_pair_similarity(matrix)
    if pairs is not None:  # one number to follow from step to step
        title += "   " + t("layers.note.mean_similarity", lang, value=f"{pairs:.2f}")
    S.axes_title(ax, title, fontsize=11)
    if colorbar:
        S.color_key(ax, image)
        if matrix.color_axis is not None:  # beyond the scale's numbers, reading upwards
            S.add_labels(ax, [(1.09, 0.5)], [t(matrix.color_axis, lang)], transform=ax.transAxes, rotation=90,
                         ha="center", va="top", fontsize=9)  # turned a quarter: "top" is the text's left side
    return reach_x + 3 + 9 * 1.3


def draw_hidden_state_norms(ax, values: np.ndarray, tokens: list[str], *, metric: str = "norm",
                            position: int | None = None, lang: str = "en", max_lines: int = 10) -> None:
    """How each token's vector changes with depth: one line per token, x = embeddings, layer 0, 1, ...

    ``values`` is (L + 1, tokens) from :func:`hidden_state_norms` or :func:`cosine_to_final`;
    ``position`` (0 = embeddings, i + 1 = after layer i) is shaded.
    """
    values = np.asarray(values, dtype=float)
    depth, n = values.shape
    x = np.arange(depth)
    labelled = n <= max_lines
    if labelled:  # a colour and a legend entry per token
        for j in range(n):
            ax.plot(x, values[:, j], lw=1, alpha=0.9, label=S.label(tokens[j], 10))
    elif n:  # many tokens: all the grey lines as one artist
        ax.add_collection(LineCollection([np.column_stack([x, values[:, j]]) for j in range(n)], linewidths=1,
                                         colors="#7f7f7f", alpha=0.35), autolim=False)
    if n:
        ax.plot(x, values.mean(axis=1), lw=2.5, color="black", label=t("layers.legend.mean", lang))
    if position is not None and 0 <= position < depth:
        ax.axvspan(position - 0.4, position + 0.4, color="#fdd49e", alpha=0.6, lw=0)
    ax.set_xlim(-0.5, depth - 0.5)
    reach = S.tick_labels(ax, "x", [t("layers.axis.embeddings", lang)] + [str(i) for i in range(depth - 1)], fontsize=8)
    S.axis_title(ax, "x", t("layers.axis.layer", lang), reach)
    reach = S.value_ticks(ax, float(np.nanmin(values)), float(np.nanmax(values))) if values.size else 0.0
    S.axis_title(ax, "y", t(f"layers.axis.{metric}", lang), reach)
    S.axes_title(ax, t(f"layers.title.{metric}", lang), fontsize=11)
    ax.legend(fontsize=9, ncol=1 if n < 8 else 2, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
              handlelength=1.2, columnspacing=0.8)


def _check_step(traced: TracedBatch, index: int, sentence: int) -> Step:
    steps = traced.trace.steps
    if not 0 <= index < len(steps):
        raise ViewError("layers.error.step_range", i=index, n=len(steps))
    if not 0 <= sentence < traced.n_sentences:
        raise ViewError("common.error.sentence_range", i=sentence, n=traced.n_sentences)
    return steps[index]


def depth_position(step: Step, n_layers: int) -> int:
    """Where a step sits in depth: 0 = embeddings, i + 1 = inside layer i, n_layers = after the last (the head)."""
    if step.name == "embeddings":
        return 0
    return step.layer + 1 if step.layer is not None else n_layers


def render_step(traced: TracedBatch, index: int, sentence: int = 0, *, lang: str = "en"):
    """A new figure: one sentence's view of step ``index`` as a heatmap, with its name, shape and meaning."""
    step = _check_step(traced, index, sentence)
    n = traced.n_real(sentence)
    height = 4.4
    fig = S.new_figure(9, height)
    ax = fig.add_subplot()
    reach = draw_step(ax, step, step_matrix(step, sentence, traced.tokens[sentence], n, traced.labels), lang=lang)
    S.figure_text(fig, 0.01, 0.985, t(f"layers.explain.{step.name}", lang), fontsize=10, va="top", color="#333333")
    # Room under the axes for the (maybe rotated) token labels and the axis title, in inches.
    fig.subplots_adjust(left=0.14, right=0.9, top=0.86, bottom=min(0.45, (reach + 6) / 72 / height))
    return fig


def render_depth(traced: TracedBatch, sentence: int = 0, *, metric: str = "norm", position: int | None = None,
                 lang: str = "en"):
    """A new figure: :func:`draw_hidden_state_norms` for one sentence (``position`` shaded)."""
    _check_step(traced, 0, sentence)
    n = traced.n_real(sentence)
    values = METRICS.get(metric, cosine_to_final)(traced.trace, sentence, n)  # any other name: cosine, as before
    fig = S.new_figure(9, 2.6)
    draw_hidden_state_norms(fig.add_subplot(), values, traced.tokens[sentence][:n], metric=metric,
                            position=position, lang=lang)
    fig.subplots_adjust(left=0.14, right=0.8, top=0.86, bottom=0.2)
    return fig


# --- the widget ---------------------------------------------------------------------------------

class LayerView(View):
    """Step through a forward pass: a slider over the recorded steps, for one sentence of the batch.

    Give a finished trace (``LayerView(trace, batch=batch)``: the tokenizer output labels it),
    or a model and a tokenizer (``LayerView(model=model, tokenizer=tok, texts=[...])``): then the
    sentences can be edited and the model runs again on the new text.

    Controls: ``step`` (IntSlider), ``sentence`` (Dropdown), ``metric`` (ToggleButtons), and
    ``sentences`` (Textarea, only with a model).
    """

    def __init__(self, trace: ForwardTrace | None = None, *, batch=None, tokens=None, labels=None, model=None,
                 tokenizer=None, texts=None, step: int = 0, metric: str = "norm", lang: str = "en"):
        self.source = TraceSource(trace, batch=batch, tokens=tokens, labels=labels, model=model, tokenizer=tokenizer,
                                  texts=texts, lang=lang)
        self.sentences = self.source.sentences  # the text box (None for a finished trace)
        n_steps = len(self.traced.trace.steps)
        self.step = widgets.IntSlider(value=min(max(step, 0), n_steps - 1), min=0, max=n_steps - 1,
                                      description=t("layers.label.step", lang),
                                      continuous_update=False, layout=widgets.Layout(width="95%"))
        self.sentence = sentence_control(self.traced.names(), lang)
        self.metric = widgets.ToggleButtons(options=[(t(f"layers.metric.{name}", lang), name) for name in METRICS],
                                            value=metric if metric in METRICS else "norm")
        controls = ([self.sentences] if self.sentences is not None else []) + \
            [self.step, widgets.HBox([self.sentence, self.metric])]
        super().__init__(controls, lang)
        for w in (self.step, self.sentence, self.metric):
            w.observe(self._refresh, "value")
        if self.sentences is not None:
            self.sentences.observe(self._on_sentences, "value")
        self._refresh()

    @property
    def traced(self) -> TracedBatch:
        """The trace shown now, with its tokens and mask."""
        return self.source.traced

    def _on_sentences(self, change) -> None:
        if self.source.rerun():  # the model ran on the new sentences: the menus follow them
            self._set_quietly(sentence__options=sentence_options(self.traced.names(), self.lang),
                              step__max=len(self.traced.trace.steps) - 1)
        self._refresh()

    side = True  # the across-layers plot: redrawn only when the sentence, the metric or the layer changes

    def _check_input(self) -> None:
        self.source.check()

    def _figure(self):
        return render_step(self.traced, self.step.value, self.sentence.value, lang=self.lang)

    def _state(self):
        return (self.source.key, self.step.value, self.sentence.value)

    def _position(self) -> int:
        steps = self.traced.trace.steps
        return depth_position(steps[min(self.step.value, len(steps) - 1)], len(hidden_states(self.traced.trace)) - 1)

    def _side_figure(self):
        return render_depth(self.traced, self.sentence.value, metric=self.metric.value, position=self._position(),
                            lang=self.lang)

    def _side_state(self):
        return (self.source.key, self.sentence.value, self.metric.value, self._position())

    def _describe(self) -> str:
        step = self.traced.trace.steps[self.step.value]
        return (f"step={self.step.value}/{self.step.max} {step.label!r}, shape={tuple(step.shape)}, "
                f"sentence={self.sentence.value}, metric={self.metric.value!r}, lang={self.lang!r}")
