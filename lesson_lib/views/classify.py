"""Type a sentence, see the model's prediction: the whole pipeline behind one text box.

The pure part is :func:`classify` (tokenizer -> model -> softmax, exactly the five lines of
chapter 00); the widget redraws the probability bars of ``views/softmax.py`` for new text.
Given a second, Korean classifier (``korean=``), the view sends text with Hangul in it to that
one (:func:`pick_model` decides): an English vocabulary reads Hangul as jamo and ``[UNK]``
(chapter 09), so a Korean sentence deserves a model with a Korean vocabulary.

>>> probs, tokens = classify(model, tok, ["What a lovely day."])       # doctest: +SKIP
>>> ClassifyView(model, tok, text="What a lovely day.", lang="ko")     # doctest: +SKIP
>>> ClassifyView(model, tok, text="이 영화 정말 재미있어요", korean=KOREAN_MODEL, lang="ko")   # doctest: +SKIP

Used in: notebooks/*/00_overview (try your own sentence),
08_fine_tuning (after training, English and Korean), 09_korean (the Korean model).
"""

from __future__ import annotations

import html
import os

import ipywidgets as widgets
import torch

from .. import functional as F
from ..errors import InputTypeError
from ..fonts import placeholder_key
from ..i18n import t
from . import _style as S
from ._base import View, ViewError
from .explain import _has_hangul
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


def pick_model(text: str, languages) -> str:
    """Which of a view's models reads ``text``: ``"ko"`` if there is a Korean one and the text has Hangul, else ``"en"``.

    One Hangul letter is enough: "완전 awesome 한 영화" is a Korean sentence with an English word in it.

    >>> pick_model("이 영화 정말 재미있어요", {"en", "ko"}), pick_model("What a film.", {"en", "ko"})
    ('ko', 'en')
    >>> pick_model("이 영화 정말 재미있어요", {"en"})   # no Korean model: the only one there is
    'en'
    """
    return "ko" if "ko" in languages and _has_hangul(text) else "en"


def _korean_pair(korean):
    """``korean=`` as (model, tokenizer), or as a name or folder that is loaded when a Hangul text first needs it.

    A pair is taken as it is. A name is only looked up now (``hub.resolve``: a wrong name fails here,
    with the hub's own message), and loaded with the Auto classes by :func:`_loaded` later: a class that
    never types Hangul into the box never pays for a second model (chapter 00's kernel: 20-30 MB).
    """
    if isinstance(korean, (str, os.PathLike)):
        from ..hub import resolve

        resolve(str(korean))
        return korean
    if not (isinstance(korean, (tuple, list)) and len(korean) == 2):
        raise InputTypeError("error.classify.korean_type", type=type(korean).__name__)
    return tuple(korean)


def _loaded(pair):
    """(model, tokenizer) for a pair or a name from :func:`_korean_pair`."""
    if isinstance(pair, tuple):
        return pair
    from ..models import AutoModelForSequenceClassification
    from ..tokenize import AutoTokenizer

    return AutoModelForSequenceClassification.from_pretrained(pair), AutoTokenizer.from_pretrained(pair)


SENTENCE_COLUMNS = 70  # the sentence over the bars, cut with "…" beyond this (Hangul counts 2): a figure is not a text box


def render_prediction(probs_row, labels: list[str], *, text: str | None = None, lang: str = "en"):
    """The probability bars with the winning label as title; ``text``: the sentence, written above.

    On a static page (a stored notebook, a handout) the bars mean nothing without the sentence
    they classify, so the view always passes it.

    >>> render_prediction(torch.tensor([0.25, 0.75]), ["NEGATIVE", "POSITIVE"], text="good")  # doctest: +SKIP
    """
    fig = S.new_figure(5.5, 3.2 if text is None else 3.5)
    ax = fig.subplots()
    draw_probabilities(ax, probs_row.tolist(), labels, lang=lang)
    best = int(probs_row.argmax())
    S.axes_title(ax, t("classify.title.prediction", lang, label=labels[best], probability=float(probs_row[best])))
    if text is not None:
        S.figure_text(fig, 0.02, 0.93, f"\u201c{S.label(text, SENTENCE_COLUMNS)}\u201d", fontsize=10)
        key = placeholder_key(text)
        if key:  # name the character behind a box, or the box looks like a rendering bug
            S.figure_text(fig, 0.98, 0.02, key, fontsize=8, ha="right", va="bottom", color="#555555")
    fig.subplots_adjust(left=0.14, right=0.97, top=0.86 if text is None else 0.78, bottom=0.14)
    return fig


class ClassifyView(View):
    """A text box and the model's probabilities for what is typed in it.

    Controls: ``text`` (Text; the model runs when you press Enter or leave the box).
    ``korean=(model, tokenizer)`` or ``korean="lesson-lib/ko-bert-nsmc"``: a second classifier for text
    with Hangul in it; the token line then starts with the name of the model that read the text.
    """

    def __init__(self, model, tokenizer, text: str = "We hope you don't hate it.", *, korean=None,
                 lang: str = "en"):
        self.models = {"en": (model, tokenizer)}
        if korean is not None:
            self.models["ko"] = _korean_pair(korean)
        self.model, self.tokenizer = model, tokenizer  # the first (English) pair, as before korean= existed
        self.text = widgets.Text(value=text, description=t("classify.label.text", lang), continuous_update=False,
                                 layout=widgets.Layout(width="95%"))
        self.tokens = widgets.HTML()
        self.reader = "en"  # which model read the text shown now (set by _update_text)
        super().__init__([self.text], lang, extra=[self.tokens])
        self.text.observe(self._refresh, "value")
        self._refresh()

    def _pair(self, reader: str):
        """The (model, tokenizer) of ``reader``, loading a Korean model given by name on first use."""
        self.models[reader] = _loaded(self.models[reader])
        return self.models[reader]

    @property
    def labels(self) -> list[str]:
        """The label names of the model that read the current text."""
        model = self._pair(self.reader)[0]
        return label_names(model.config.id2label, model.config.num_labels)

    def _state(self):
        return self.text.value[:MAX_CHARS]

    def _update_text(self) -> None:
        # The token line comes from the tokenizer alone (cheap), so it is right for a picture from the cache too.
        text = self._state()
        _check_texts([text])
        self.reader = pick_model(text, self.models)
        model, tokenizer = self._pair(self.reader)
        tokens = _real_tokens(tokenizer([text], truncation=True), tokenizer, 0)
        line = token_line(tokens, self.lang)
        if len(self.models) > 1:  # two models: say which one read this text
            line = f"{model.name_or_path or type(model).__name__}: {line}"
        self.tokens.value = "<code>" + html.escape(line) + "</code>"

    def _figure(self):
        model, tokenizer = self._pair(self.reader)
        probs, _ = classify(model, tokenizer, [self._state()])
        return render_prediction(probs[0], self.labels, text=self._state(), lang=self.lang)

    def _describe(self) -> str:
        if len(self.models) == 1:
            return f"labels={self.labels}, lang={self.lang!r}"
        return f"labels={self.labels}, model={self.reader!r}, lang={self.lang!r}"
