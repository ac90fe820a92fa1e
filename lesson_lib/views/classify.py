"""Type a sentence, see the model's prediction: the whole pipeline behind one text box.

The pure part is :func:`classify` (tokenizer -> model -> softmax, exactly the five lines of
chapter 00); the widget redraws the probability bars of ``views/softmax.py`` for new text.

>>> probs, tokens = classify(model, tok, ["What a lovely day."])       # doctest: +SKIP
>>> ClassifyView(model, tok, text="What a lovely day.", lang="ko")     # doctest: +SKIP

Used in: notebooks/*/00_overview (try your own sentence), 06_save_load (the reloaded model),
08_fine_tuning (after training).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import torch

from .. import functional as F
from ..i18n import t
from . import _style as S
from ._base import View, ViewError
from .softmax import draw_probabilities, label_names

MAX_CHARS = 2000  # a widget is for sentences; longer text is cut by the tokenizer's truncation anyway


def _check_texts(texts) -> None:
    if not texts or any(not isinstance(x, str) or not x.strip() for x in texts):
        raise ViewError("common.error.empty_text")


def _real_tokens(batch, tokenizer, i: int) -> list[str]:
    """The tokens of sentence ``i`` of a tokenizer output, padding left out."""
    return [tok for tok in batch.tokens(i) if tok != tokenizer.pad_token]


@torch.no_grad()
def classify(model, tokenizer, texts: list[str]) -> tuple[torch.Tensor, list[list[str]]]:
    """Probabilities (B, C) and the tokens of each text (pure: nothing is drawn or printed)."""
    _check_texts(texts)
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    logits = model(**batch).logits  # (B, C)
    return F.softmax(logits, dim=-1), [_real_tokens(batch, tokenizer, i) for i in range(len(texts))]


def token_line(tokens: list[str], lang: str, max_tokens: int = 40) -> str:
    """The line under the prediction: how many tokens the model read, and the first ``max_tokens`` of them."""
    shown = " ".join(tokens[:max_tokens]) + (" …" if len(tokens) > max_tokens else "")
    return t("classify.note.tokens", lang, n=len(tokens), tokens=shown)


def render_prediction(probs_row, labels: list[str], *, lang: str = "en"):
    fig = S.new_figure(5.5, 3.2)
    ax = fig.subplots()
    draw_probabilities(ax, probs_row.tolist(), labels, lang=lang)
    best = int(probs_row.argmax())
    S.axes_title(ax, t("classify.title.prediction", lang, label=labels[best], probability=float(probs_row[best])))
    fig.subplots_adjust(left=0.14, right=0.97, top=0.86, bottom=0.14)
    return fig


class ClassifyView(View):
    """A text box and the model's probabilities for what is typed in it.

    Controls: ``text`` (Text; the model runs when you press Enter or leave the box).
    """

    def __init__(self, model, tokenizer, text: str = "We hope you don't hate it.", *, lang: str = "en"):
        self.model, self.tokenizer = model, tokenizer
        self.labels = label_names(model.config.id2label, model.config.num_labels)
        self.text = widgets.Text(value=text, description=t("classify.label.text", lang), continuous_update=False,
                                 layout=widgets.Layout(width="95%"))
        self.tokens = widgets.HTML()
        super().__init__([self.text], lang, extra=[self.tokens])
        self.text.observe(self._refresh, "value")
        self._refresh()

    def _state(self):
        return self.text.value[:MAX_CHARS]

    def _update_text(self) -> None:
        # The token line comes from the tokenizer alone (cheap), so it is right for a picture from the cache too.
        text = self._state()
        _check_texts([text])
        tokens = _real_tokens(self.tokenizer([text], truncation=True), self.tokenizer, 0)
        self.tokens.value = "<code>" + html.escape(token_line(tokens, self.lang)) + "</code>"

    def _figure(self):
        probs, _ = classify(self.model, self.tokenizer, [self._state()])
        return render_prediction(probs[0], self.labels, lang=self.lang)

    def _describe(self) -> str:
        return f"labels={self.labels}, lang={self.lang!r}"
