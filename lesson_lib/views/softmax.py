"""From logits to probabilities, with a temperature: p = softmax(z / T).

The computation is ``lesson_lib.functional.softmax`` (the same function the chapters call),
so the bars show exactly what a cell computes. Small T sharpens the probabilities, large T
flattens them; the order of the labels never changes.

>>> probs = probabilities(torch.tensor([[2.0, 0.0]]), temperature=1.0)
>>> [round(p, 4) for p in probs[0].tolist()]
[0.8808, 0.1192]
>>> SoftmaxView(outputs.logits, labels=model.config.id2label, lang="ko")   # doctest: +SKIP

Used in: notebooks/*/04_softmax_loss ("Temperature").
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np
import torch

from .. import functional as F
from ..fonts import placeholder_key
from ..i18n import t
from . import _style as S
from ._base import View, ViewError, sentence_control

MAX_BARS = 12  # labels drawn per sentence; with more labels, the 12 with the largest logits
T_MIN, T_MAX = 0.05, 20.0  # the slider's range; below 0.05 float32 softmax is one-hot anyway


def as_logits(logits) -> torch.Tensor:
    """Logits as a float tensor (B, C): accepts a tensor, an array or nested lists; (C,) becomes (1, C)."""
    try:
        x = torch.as_tensor(logits.detach() if isinstance(logits, torch.Tensor) else logits, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        raise ViewError("softmax.error.not_numbers") from None
    if x.dim() == 1:
        x = x.unsqueeze(0)
    if x.dim() != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ViewError("softmax.error.shape", shape=tuple(x.shape))
    if not bool(torch.isfinite(x).all()):
        raise ViewError("softmax.error.not_finite")
    return x


def check_temperature(temperature) -> float:
    """The temperature as a float > 0, or a ViewError saying which values work."""
    try:
        value = float(temperature)
    except (TypeError, ValueError):
        raise ViewError("softmax.error.temperature", value=temperature, lo=T_MIN, hi=T_MAX) from None
    if not math.isfinite(value) or value <= 0:
        raise ViewError("softmax.error.temperature", value=temperature, lo=T_MIN, hi=T_MAX)
    return value


def probabilities(logits, temperature: float = 1.0) -> torch.Tensor:
    """softmax(logits / T) over the labels, for every sentence: (B, C), each row sums to 1 (pure)."""
    return F.softmax(as_logits(logits), dim=-1, temperature=check_temperature(temperature))


def label_names(labels, n: int) -> list[str]:
    """Names for the n labels: from ``config.id2label`` (a dict), a list, or "LABEL_i"."""
    if isinstance(labels, dict):
        return [str(labels.get(i, labels.get(str(i), f"LABEL_{i}"))) for i in range(n)]
    if labels is not None and len(labels) == n:
        return [str(x) for x in labels]
    return [f"LABEL_{i}" for i in range(n)]


def shown_labels(logits_row, max_bars: int = MAX_BARS) -> list[int]:
    """Which labels get a bar: all of them, or the ``max_bars`` largest logits (kept in label order)."""
    n = len(logits_row)
    if n <= max_bars:
        return list(range(n))
    top = np.argsort(-np.asarray(logits_row, dtype=float), kind="stable")[:max_bars]
    return sorted(int(i) for i in top)


# --- drawing ------------------------------------------------------------------------------------

# Both panels write every value on its bar and draw no tick marks: matplotlib's ticks were
# most of the time of a redraw, and a number on the bar is easier to read than a scale.

def _values_on_bars(ax, values, *, fmt="{:.4f}") -> None:
    """Each value just beyond the end of its bar."""
    crowded = len(values) > 6
    for i, v in enumerate(values):
        ax.annotate(fmt.format(v), (i, v), xytext=(0, 2 if v >= 0 else -2), textcoords="offset points",
                    ha="center", va="bottom" if v >= 0 else "top", fontsize=7 if crowded else 8,
                    rotation=90 if crowded else 0)


def _bar_labels(ax, names: list[str], title: str) -> None:
    ax.set_xlim(-0.6, len(names) - 0.4)
    S.tick_labels(ax, "x", names, rotation=30 if len(names) > 4 else 0, fontsize=9)
    ax.yaxis.set_visible(False)
    S.axes_title(ax, title, fontsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def draw_probabilities(ax, probs_row, labels: list[str], *, lang: str = "en", temperature: float = 1.0,
                       keep: list[int] | None = None) -> None:
    """Bars of probabilities (0..1), one per label, with the value written on each bar."""
    keep = list(range(len(probs_row))) if keep is None else keep
    values = [float(probs_row[i]) for i in keep]
    bars = ax.bar(range(len(keep)), values, color="#4292c6")
    bars[int(np.argmax(values))].set_color("#08519c")
    _values_on_bars(ax, values)
    ax.set_ylim(0, 1.3 if len(values) > 6 else 1.12)  # room above a bar of 1 for its (rotated) number
    for y in (0.5, 1.0):  # two reference lines instead of a tick scale
        ax.axhline(y, color="#bbbbbb", lw=0.8, ls=":", zorder=0)
        ax.text(-0.01, y, f"{y:g}", transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=8,
                color="#555555")
    _bar_labels(ax, [S.label(labels[i], 12) for i in keep],
                t("softmax.title.probabilities", lang, temperature=f"{temperature:.3g}"))


def draw_scaled_logits(ax, logits_row, labels: list[str], *, lang: str = "en", temperature: float = 1.0,
                       keep: list[int] | None = None) -> None:
    """Bars of the logits divided by T (what goes into exp), with the plain logits as outlines."""
    keep = list(range(len(logits_row))) if keep is None else keep
    raw = np.asarray([float(logits_row[i]) for i in keep])
    scaled = raw / temperature
    x = np.arange(len(keep))
    ax.bar(x, scaled, color="#fc8d59", label=t("softmax.legend.scaled", lang))
    ax.bar(x, raw, fill=False, edgecolor="black", lw=1, label=t("softmax.legend.raw", lang))
    ax.axhline(0, color="black", lw=0.6)
    _values_on_bars(ax, scaled.tolist(), fmt="{:.2f}")
    lo, hi = min(0.0, scaled.min(), raw.min()), max(0.0, scaled.max(), raw.max())
    pad = (0.3 if len(keep) > 6 else 0.15) * (hi - lo or 1.0)  # room for the numbers (rotated when crowded)
    ax.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)
    _bar_labels(ax, [S.label(labels[i], 12) for i in keep],
                t("softmax.title.scaled", lang, temperature=f"{temperature:.3g}"))
    # Logits are any real number, so this panel keeps a scale (the probabilities' panel has 0.5 and 1 lines).
    ax.yaxis.set_visible(True)
    ax.tick_params(axis="y", labelsize=8, colors="#555555")
    ax.legend(fontsize=8, loc="best", frameon=False)


SENTENCE_COLUMNS = 90  # the sentence over the panels, cut with "…" beyond this (Hangul counts 2)


def draw_softmax(fig, logits_row, labels: list[str], temperature: float = 1.0, *, lang: str = "en",
                 text: str | None = None) -> None:
    """Both panels on ``fig``: logits / T on the left, probabilities on the right; ``text``: the sentence, on top."""
    row = as_logits(logits_row)[0]
    T = check_temperature(temperature)
    probs = F.softmax(row, dim=-1, temperature=T)
    keep = shown_labels(row.tolist())
    left, right = fig.subplots(1, 2)
    draw_scaled_logits(left, row.tolist(), labels, lang=lang, temperature=T, keep=keep)
    draw_probabilities(right, probs.tolist(), labels, lang=lang, temperature=T, keep=keep)
    if len(keep) < len(row):
        S.note(right, t("softmax.note.top", lang, shown=len(keep), total=len(row)), y=-0.22)
    if text is not None:  # on a static page the bars mean nothing without the sentence they score
        S.figure_text(fig, 0.02, 0.95, f"\u201c{S.label(text, SENTENCE_COLUMNS)}\u201d", fontsize=10, va="top")
        key = placeholder_key(text)
        if key:
            S.figure_text(fig, 0.98, 0.95, key, fontsize=8, ha="right", va="top", color="#555555")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.88 if text is None else 0.8, bottom=0.2, wspace=0.3)


def render_softmax(logits_row, labels, temperature: float = 1.0, *, lang: str = "en", text: str | None = None):
    fig = S.new_figure(9, 3.6 if text is None else 3.9)
    draw_softmax(fig, logits_row, labels, temperature, lang=lang, text=text)
    return fig


# --- the widget ---------------------------------------------------------------------------------

class SoftmaxView(View):
    """Move the temperature, watch the probabilities of one sentence sharpen or flatten.

    >>> view = SoftmaxView(torch.tensor([[-4.0833, 4.3364], [0.0818, -0.0418]]), lang="en")   # doctest: +SKIP
    >>> view.temperature.value = 2.0                                                       # doctest: +SKIP

    ``labels``: ``model.config.id2label``, a list of names, or None ("LABEL_0", ...);
    ``texts``: the sentences, to name them in the sentence menu.
    Controls: ``temperature`` (FloatLogSlider), ``sentence`` (Dropdown).
    """

    def __init__(self, logits, labels=None, *, texts=None, temperature: float = 1.0, lang: str = "en"):
        self.logits = as_logits(logits)
        B, C = self.logits.shape
        self.labels = label_names(labels, C)
        self.temperature = widgets.FloatLogSlider(value=check_temperature(temperature), base=10,
                                                  min=math.log10(T_MIN), max=math.log10(T_MAX), step=0.01,
                                                  description=t("softmax.label.temperature", lang),
                                                  readout_format=".3g", continuous_update=False,
                                                  layout=widgets.Layout(width="95%"))
        names = list(texts) if texts is not None and len(texts) == B else [None] * B
        self.texts = names
        self.sentence = sentence_control(names, lang)
        self.numbers = widgets.HTML()
        super().__init__([self.temperature, self.sentence], lang, extra=[self.numbers])
        self.temperature.observe(self._refresh, "value")
        self.sentence.observe(self._refresh, "value")
        self._refresh()

    def _state(self):
        return (float(self.temperature.value), self.sentence.value)

    def _update_text(self) -> None:
        T = check_temperature(self.temperature.value)
        row = self.logits[self.sentence.value]
        probs = F.softmax(row, dim=-1, temperature=T)
        self.numbers.value = "<code>" + ", ".join(
            f"{html.escape(S.label(self.labels[i], 16))}: {probs[i].item():.4f}" for i in shown_labels(row.tolist())
        ) + "</code>"

    def _figure(self):
        T = check_temperature(self.temperature.value)
        return render_softmax(self.logits[self.sentence.value], self.labels, T, lang=self.lang,
                              text=self.texts[self.sentence.value])

    def _describe(self) -> str:
        B, C = self.logits.shape
        return (f"sentences={B}, labels={C}, temperature={self.temperature.value:.3g}, "
                f"sentence={self.sentence.value}, lang={self.lang!r}")
