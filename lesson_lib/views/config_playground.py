"""Change a configuration, see what it costs: parameters per part and the main tensor shapes.

The counts come from the configuration alone (a few multiplications), so moving a slider
never builds a model; tests/test_views.py checks them against ``sum(p.numel())`` of real
models. Every linear layer of width a → b has a·b weights plus b biases; a LayerNorm of
width D has 2·D (a scale and a shift per feature).

>>> counts = count_parameters(DistilBertConfig(n_layers=2, dim=32, n_heads=4, hidden_dim=64))
>>> counts.total == DistilBertForSequenceClassification(DistilBertConfig(
...     n_layers=2, dim=32, n_heads=4, hidden_dim=64)).num_parameters()
True
>>> ConfigView("bert", lang="ko")        # doctest: +SKIP

Used in: notebooks/*/07_classes_configs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from ..config import BertConfig, DistilBertConfig, PretrainedConfig
from ..i18n import t
from . import _style as S
from ._base import View, ViewError

MODEL_TYPES = ("distilbert", "bert")


@dataclass(frozen=True)
class ParameterCounts:
    """Parameters of a ``...ForSequenceClassification`` model, by part. Each dict: part name → count."""

    model_type: str
    embeddings: dict[str, int]
    layer: dict[str, int]  # one transformer block (they are all the same size)
    n_layers: int
    head: dict[str, int]  # what sits on the first token: pooler / pre_classifier, then classifier

    @property
    def embeddings_total(self) -> int:
        return sum(self.embeddings.values())

    @property
    def layer_total(self) -> int:
        return sum(self.layer.values())

    @property
    def layers_total(self) -> int:
        return self.n_layers * self.layer_total

    @property
    def head_total(self) -> int:
        return sum(self.head.values())

    @property
    def total(self) -> int:
        return self.embeddings_total + self.layers_total + self.head_total


def linear(n_in: int, n_out: int) -> int:
    """Parameters of ``nn.Linear(n_in, n_out)``: the weight matrix and one bias per output."""
    return n_in * n_out + n_out


def layer_norm(width: int) -> int:
    """Parameters of ``nn.LayerNorm(width)``: a scale and a shift per feature."""
    return 2 * width


def count_parameters(config: PretrainedConfig) -> ParameterCounts:
    """Parameters per part of DistilBertForSequenceClassification / BertForSequenceClassification (pure).

    Uses the generic names every config answers to (``hidden_size``, ``num_attention_heads``,
    ``num_hidden_layers``, ``intermediate_size``), so one function covers both.
    """
    D, F = config.hidden_size, config.intermediate_size
    V, P, C = config.vocab_size, config.max_position_embeddings, config.num_labels
    embeddings = {"word_embeddings": V * D, "position_embeddings": P * D}
    if config.model_type == "bert":
        embeddings["token_type_embeddings"] = config.type_vocab_size * D
    embeddings["LayerNorm"] = layer_norm(D)
    layer = {
        "attention": 4 * linear(D, D),  # query, key, value, and the output projection
        "attention_norm": layer_norm(D),
        "ffn": linear(D, F) + linear(F, D),  # widen to F, back to D
        "ffn_norm": layer_norm(D),
    }
    first = "pooler" if config.model_type == "bert" else "pre_classifier"
    head = {first: linear(D, D), "classifier": linear(D, C)}
    return ParameterCounts(config.model_type, embeddings, layer, config.num_hidden_layers, head)


def main_shapes(config: PretrainedConfig, batch: int = 2, tokens: int = 16) -> list[tuple[str, tuple, str]]:
    """The main tensors of a forward pass for a (batch, tokens) input: (name, shape, symbols)."""
    B, T = batch, tokens
    D, H, F, C = config.hidden_size, config.num_attention_heads, config.intermediate_size, config.num_labels
    return [
        ("input_ids", (B, T), "(B, T)"),
        ("embeddings", (B, T, D), "(B, T, D)"),
        ("q_k_v", (B, H, T, D // H), "(B, H, T, d)"),
        ("attention_weights", (B, H, T, T), "(B, H, T, T)"),
        ("ffn_hidden", (B, T, F), "(B, T, F)"),
        ("block_output", (B, T, D), "(B, T, D)"),
        ("first_token", (B, D), "(B, D)"),
        ("logits", (B, C), "(B, C)"),
    ]


def make_config(model_type: str, n_layers: int, n_heads: int, width: int, ffn_width: int, num_labels: int = 2,
                **extra) -> PretrainedConfig:
    """A DistilBertConfig or BertConfig from the playground's five numbers.

    The playground's own limits (whole numbers, at least 1) raise a ViewError; the config's rules
    (the width must split over the heads) raise the config's InputValueError.
    """
    if model_type not in MODEL_TYPES:
        raise ViewError("config.error.model_type", model_type=model_type, choices=", ".join(MODEL_TYPES))
    values = {"n_layers": n_layers, "n_heads": n_heads, "width": width, "ffn_width": ffn_width,
              "num_labels": num_labels}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "n_layers" else 1):
            raise ViewError("config.error.whole_number", name=name, value=value)
    # width % n_heads is the config's own rule: its InputValueError says it, in the learner's language.
    if model_type == "distilbert":
        return DistilBertConfig(n_layers=n_layers, n_heads=n_heads, dim=width, hidden_dim=ffn_width,
                                num_labels=num_labels, **extra)
    return BertConfig(num_hidden_layers=n_layers, num_attention_heads=n_heads, hidden_size=width,
                      intermediate_size=ffn_width, num_labels=num_labels, **extra)


# --- drawing ------------------------------------------------------------------------------------

def _millions(n: int) -> str:
    return f"{n / 1e6:.2f} M" if n >= 10_000 else f"{n:,}"


def draw_parameter_counts(ax, counts: ParameterCounts, *, lang: str = "en") -> None:
    """Horizontal bars: embeddings, all N layers, the head; each with its count and share of the total."""
    parts = [(t("config.part.embeddings", lang), counts.embeddings_total, "#9ecae1"),
             (t("config.part.layers", lang, n=counts.n_layers), counts.layers_total, "#fdae6b"),
             (t("config.part.head", lang), counts.head_total, "#a1d99b")]
    total = max(counts.total, 1)
    y = list(range(len(parts)))[::-1]
    ax.barh(y, [p[1] for p in parts], color=[p[2] for p in parts])
    S.add_labels(ax, [(n, yy) for yy, (_, n, _) in zip(y, parts)],
                 [f"  {_millions(n)} ({100 * n / total:.1f}%)" for _, n, _ in parts], ha="left", fontsize=9)
    ax.set_yticks(y, [p[0] for p in parts], fontsize=9)
    ax.set_xlim(0, total * 1.45)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    S.axes_title(ax, t("config.title.parameters", lang, total=_millions(counts.total), model=counts.model_type))
    S.note(ax, t("config.note.per_layer", lang, n=_millions(counts.layer_total)), y=-0.03)


def draw_shapes(ax, shapes: list[tuple[str, tuple, str]], *, lang: str = "en") -> None:
    """The main tensor shapes as a small table: name, symbols, numbers."""
    ax.set_axis_off()
    S.axes_title(ax, t("config.title.shapes", lang), fontsize=10)  # the whole "(B = 2 …, T = 16 …)" must fit
    rows = [1 - (i + 0.7) / (len(shapes) + 0.5) for i in range(len(shapes))]
    for x, column, color in ((0.0, [t(f"config.tensor.{name}", lang) for name, _, _ in shapes], "black"),
                             (0.5, [symbols for _, _, symbols in shapes], "#555555"),
                             (0.78, [str(shape) for _, shape, _ in shapes], "black")):
        S.add_labels(ax, [(x, y) for y in rows], column, ha="left", fontsize=9, color=color, transform=ax.transAxes)


def render_config(config: PretrainedConfig, *, batch: int = 2, tokens: int = 16, lang: str = "en"):
    fig = S.new_figure(9, 3.4)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})  # room for the shapes' title
    draw_parameter_counts(left, count_parameters(config), lang=lang)
    draw_shapes(right, main_shapes(config, batch, tokens), lang=lang)
    fig.subplots_adjust(left=0.14, right=0.99, top=0.88, bottom=0.16, wspace=0.12)
    return fig


# --- the widget ---------------------------------------------------------------------------------

class ConfigView(View):
    """Sliders for layers, heads, width, FFN width and labels; parameter counts and shapes update.

    >>> view = ConfigView("distilbert", lang="en")     # doctest: +SKIP
    >>> view.width.value = 100                          # 100 does not split over 12 heads: a message   # doctest: +SKIP

    Controls: ``model_type`` (ToggleButtons), ``n_layers``, ``n_heads``, ``width``, ``ffn_width``,
    ``num_labels`` (IntSliders). ``config`` is the current configuration (None while invalid).
    """

    def __init__(self, model_type: str = "distilbert", *, n_layers: int = 6, n_heads: int = 12, width: int = 768,
                 ffn_width: int = 3072, num_labels: int = 2, lang: str = "en"):
        if model_type not in MODEL_TYPES:
            raise ViewError("config.error.model_type", model_type=model_type, choices=", ".join(MODEL_TYPES))
        style = {"description_width": "initial"}
        self.model_type = widgets.ToggleButtons(options=[("DistilBERT", "distilbert"), ("BERT", "bert")],
                                                value=model_type)
        self.n_layers = widgets.IntSlider(value=n_layers, min=1, max=24, description=t("config.label.layers", lang),
                                          style=style, continuous_update=False)
        self.n_heads = widgets.IntSlider(value=n_heads, min=1, max=32, description=t("config.label.heads", lang),
                                         style=style, continuous_update=False)
        self.width = widgets.IntSlider(value=width, min=8, max=1536, step=8, description=t("config.label.width", lang),
                                       style=style, continuous_update=False)
        self.ffn_width = widgets.IntSlider(value=ffn_width, min=8, max=6144, step=8,
                                           description=t("config.label.ffn", lang), style=style,
                                           continuous_update=False)
        self.num_labels = widgets.IntSlider(value=num_labels, min=1, max=20,
                                            description=t("config.label.num_labels", lang), style=style,
                                            continuous_update=False)
        self.table = widgets.HTML()
        self.config: PretrainedConfig | None = None
        controls = [self.model_type, widgets.HBox([self.n_layers, self.n_heads]),
                    widgets.HBox([self.width, self.ffn_width]), self.num_labels]
        super().__init__(controls, lang, extra=[self.table])
        for w in (self.model_type, self.n_layers, self.n_heads, self.width, self.ffn_width, self.num_labels):
            w.observe(self._refresh, "value")
        self._refresh()

    def _state(self):
        return (self.model_type.value, self.n_layers.value, self.n_heads.value, self.width.value,
                self.ffn_width.value, self.num_labels.value)

    def _update_text(self) -> None:
        self.config = None
        self.config = make_config(*self._state())
        self.table.value = counts_html(count_parameters(self.config), self.lang)

    def _figure(self):
        return render_config(self.config, lang=self.lang)

    def _describe(self) -> str:
        return (f"model_type={self.model_type.value!r}, n_layers={self.n_layers.value}, n_heads={self.n_heads.value}, "
                f"width={self.width.value}, ffn_width={self.ffn_width.value}, num_labels={self.num_labels.value}, "
                f"lang={self.lang!r}")


def counts_html(counts: ParameterCounts, lang: str) -> str:
    """The counts as a small HTML table (exact numbers, deterministic)."""
    rows = [(t("config.part.embeddings", lang), counts.embeddings_total),
            (t("config.part.one_layer", lang), counts.layer_total),
            (t("config.part.layers", lang, n=counts.n_layers), counts.layers_total),
            (t("config.part.head", lang), counts.head_total),
            (t("config.part.total", lang), counts.total)]
    cells = "".join(f"<tr><td>{html.escape(name)}</td><td style='text-align:right'>{n:,}</td></tr>" for name, n in rows)
    return f"<table>{cells}</table>"
