"""Which words made the prediction? Every method of lesson_lib.explain on one sentence, row by row.

The pure parts: :func:`rank_agreement` (Spearman's rho between the methods' word scores) and
:func:`draw_explanations` / :func:`render_explanations` (one row of coloured words per method,
red towards the target label, blue against it). The widget only wires a text box, a target
menu and a button to them. Integrated gradients waits for the button: it costs ``n_steps``
forward passes where the other methods cost one or a few.

>>> results = explain(model, tok, "The plot was dull but the actors were wonderful.")   # doctest: +SKIP
>>> render_explanations(results, lang="en")                                            # doctest: +SKIP
>>> ExplainView(model, tok, text="What a lovely film.", lang="ko")                     # doctest: +SKIP

Used in: notebooks/*/10_explain.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
from matplotlib import colormaps
from matplotlib.colors import to_hex

from .. import explain as X
from ..i18n import t
from . import _style as S
from ._base import View, ViewError

QUICK_METHODS = ("gradient_x_input", "occlusion", "attention_rollout", "cls_attention")  # no button needed
ATTENTION_METHODS = ("attention_rollout", "cls_attention")  # these ignore the target
MAX_CHARS = 2000  # a widget is for sentences; the tokenizer cuts longer text anyway
MAX_WORDS = 40  # per row; a longer text shows its first words and says so
WIDTH_CHARS = 110  # one row of words, in character columns (a 10-inch figure)
MAX_CACHED = 32  # sentences whose results are kept (going back to one is free)


def rank_agreement(results: dict) -> dict[tuple[str, str], float]:
    """Spearman's rho between every pair of methods' word scores: ``{(a, b): rho}``, in the results' order.

    Empty when the sentence has fewer than two words (a rank needs something to compare with).

    >>> rank_agreement({"occlusion": occ, "cls_attention": cls})          # doctest: +SKIP
    {('occlusion', 'cls_attention'): -0.2}
    """
    names = list(results)
    if not names or len(results[names[0]].words) < 2:
        return {}
    return {(a, b): X.spearman(results[a].word_scores, results[b].word_scores)
            for i, a in enumerate(names) for b in names[i + 1:]}


def word_colors(scores) -> list[str]:
    """One colour per score: white at 0, red for the largest positive, blue for the largest negative.

    Scaled to the row's own largest |score|, because the methods' units differ (logits,
    attention weights); 0.4 and not 0.5 keeps the darkest cells light enough for black text.
    """
    values = [float(s) for s in scores]
    top = max((abs(v) for v in values), default=0.0) or 1.0
    cmap = colormaps[S.VALUE_CMAP]
    return [to_hex(cmap(0.5 + 0.4 * v / top)) for v in values]


def _row_title(name: str, result, lang: str) -> str:
    cost = (t("explain.note.cost_backward", lang, passes=result.forward_passes, backward=result.backward_passes)
            if result.backward_passes else t("explain.note.cost", lang, passes=result.forward_passes))
    parts = [t(f"explain.method.{name}", lang), cost]
    if result.delta is not None:
        gap = result.logit - result.baseline_logit
        parts.append(t("explain.note.delta", lang, delta=result.delta, share=abs(result.delta) / abs(gap) if gap else 0.0))
    if name in ATTENTION_METHODS:
        parts.append(t("explain.note.no_target", lang))
    return "  ·  ".join(parts)


def _lines(words: list[str]) -> int:
    """How many lines :func:`~lesson_lib.views._style.draw_boxes` needs for these words (its box widths)."""
    x, lines = 0.0, 1
    for word in words:
        w = max(2.0, S.text_width(word) + 1.4, len(f"{0:+.2f}") * 0.8 + 1.0)
        if x + w > WIDTH_CHARS and x > 0:
            x, lines = 0.0, lines + 1
        x += w
    return lines


def draw_explanations(fig, results: dict, *, lang: str = "en", max_words: int = MAX_WORDS) -> None:
    """One row per method on ``fig``: the sentence's words, coloured by that method's word scores."""
    first = next(iter(results.values()))
    n_words = len(first.words)
    words = [S.label(w, 16) for w in first.words[:max_words]]
    rows = max(1, _lines(words))
    axes = fig.subplots(len(results), 1, squeeze=False)[:, 0]
    for ax, (name, r) in zip(axes, results.items()):
        scores = r.word_scores[:max_words].tolist()
        S.draw_boxes(ax, words, sublabels=[f"{s:+.2f}" for s in scores], colors=word_colors(scores), fontsize=10,
                     max_rows=rows, width_chars=WIDTH_CHARS, title=_row_title(name, r, lang))
    if n_words > max_words:
        S.note(axes[-1], t("explain.note.words_shown", lang, shown=max_words, total=n_words))
    S.figure_text(fig, 0.01, 0.985, t("explain.title.words", lang, label=first.label), fontsize=11, va="top")


def render_explanations(results: dict, *, lang: str = "en", max_words: int = MAX_WORDS):
    """The picture of :func:`draw_explanations` as a new Figure (the notebook shows it)."""
    if not results:
        raise ViewError("common.error.empty_text")
    first = next(iter(results.values()))
    rows = _lines([S.label(w, 16) for w in first.words[:max_words]])
    per_method = 0.42 + 0.36 * rows  # inches: the title line and the rows of words
    fig = S.new_figure(10.0, 0.6 + per_method * len(results))
    draw_explanations(fig, results, lang=lang, max_words=max_words)
    top = 1 - 0.6 / fig.get_figheight()
    fig.subplots_adjust(left=0.01, right=0.99, top=top, bottom=0.02, hspace=0.55)
    return fig


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f" for ch in text)


class ExplainView(View):
    """A sentence, a target label, and the words coloured by each method; the methods' rank agreement below.

    Controls: ``text`` (Text; runs on Enter), ``target`` (Dropdown: the predicted label or a label),
    ``ig_button`` (Button: adds integrated gradients for the current sentence and target).
    ``korean=(model, tokenizer)``: a second classifier used for text with Hangul in it.
    """

    def __init__(self, model, tokenizer, text: str = "The plot was dull but the actors were wonderful.", *,
                 target=None, korean=None, n_steps: int = 50, lang: str = "en"):
        X.word_embeddings(model)  # a model the methods cannot explain fails here, not on every redraw
        self.models = {"en": (model, tokenizer)}
        if korean is not None:
            X.word_embeddings(korean[0])
            self.models["ko"] = tuple(korean)
        self.n_steps = n_steps
        X.path_points(n_steps)  # checks n_steps now
        labels = X._labels(model)
        self.text = widgets.Text(value=text, description=t("explain.label.text", lang), continuous_update=False,
                                 layout=widgets.Layout(width="95%"))
        self.target = widgets.Dropdown(options=[(t("explain.option.predicted", lang), -1)]
                                       + [(name, i) for i, name in enumerate(labels)],
                                       value=-1 if target is None else X._target(model, target, None),
                                       description=t("explain.label.target", lang))
        self.ig_button = widgets.Button(description=t("explain.button.ig", lang, n=n_steps),
                                        layout=widgets.Layout(width="auto"))
        self.agreement = widgets.HTML()
        self._results: dict = {}  # (text, target) -> {method: Explanation}, the last MAX_CACHED
        self._with_ig: set = set()  # (text, target) whose integrated gradients were asked for
        self.results: dict = {}  # what the picture shows now
        super().__init__([self.text, widgets.HBox([self.target, self.ig_button])], lang)
        self.children = (*self.children, self.agreement)  # the agreement goes under the picture
        self.text.observe(self._refresh, "value")
        self.target.observe(self._refresh, "value")
        self.ig_button.on_click(self._add_integrated_gradients)
        self._refresh()

    def _key(self):
        return self.text.value[:MAX_CHARS], (None if self.target.value == -1 else self.target.value)

    def _model(self, text: str):
        return self.models["ko" if "ko" in self.models and _has_hangul(text) else "en"]

    def _add_integrated_gradients(self, _button=None) -> None:
        self._with_ig.add(self._key())
        self._refresh()

    def _check_input(self) -> None:
        if not self.text.value.strip():
            raise ViewError("common.error.empty_text")

    def _compute(self) -> dict:
        key = self._key()
        text, target = key
        model, tokenizer = self._model(text)
        results = self._results.get(key)
        if results is None:
            results = X.explain(model, tokenizer, text, target, methods=QUICK_METHODS)
            if len(self._results) >= MAX_CACHED:
                self._results.pop(next(iter(self._results)))
            self._results[key] = results
        if key in self._with_ig and "integrated_gradients" not in results:
            results["integrated_gradients"] = X.integrated_gradients(model, tokenizer, text, target,
                                                                     n_steps=self.n_steps)
        return results

    def _state(self):
        key = self._key()
        return key + (key in self._with_ig,)

    def _update_text(self) -> None:
        # The model runs here (once per sentence and target, then cached): the agreement lines
        # are a text part, so they must be right for a picture from the cache too.
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a long text is cut: said in the notes below, not as a warning
            computed = self._compute()
        self.results = {name: computed[name] for name in X.METHODS if name in computed}  # IG second
        first = next(iter(self.results.values()))
        notes = []
        if self._model(self._key()[0]) is not self.models["en"]:
            notes.append(t("explain.note.korean_model", self.lang))
        if first.truncated:
            notes.append(t("explain.note.truncated", self.lang, limit=len(first.tokens)))
        if "integrated_gradients" not in self.results:
            notes.append(t("explain.note.ig_pending", self.lang, n=self.n_steps + 2))
        lines = [f"{t(f'explain.method.{a}', self.lang)} ~ {t(f'explain.method.{b}', self.lang)}: {rho:+.2f}"
                 for (a, b), rho in rank_agreement(self.results).items() if not math.isnan(rho)]
        body = [html.escape(t("explain.note.agreement", self.lang))] + [html.escape(x) for x in lines]
        self.agreement.value = ("<div style='font-family:monospace;white-space:pre'>" + "<br>".join(body)
                                + "".join(f"<br><i>{html.escape(n)}</i>" for n in notes) + "</div>")

    def _figure(self):
        return render_explanations(self.results, lang=self.lang)

    @property
    def agreement_text(self) -> str:
        """The agreement lines and notes under the picture, as plain text."""
        import re

        return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", self.agreement.value)))

    def _describe(self) -> str:
        text, target = self._key()
        shown = ", ".join(self.results) if self.results else ""
        return f"text={text!r}, target={target!r}, methods=[{shown}], lang={self.lang!r}"
