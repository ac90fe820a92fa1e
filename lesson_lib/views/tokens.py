"""The tokenizer, one step at a time: normalise → pre-tokenise → WordPiece → special tokens → ids.

Reads ``tok.trace(text)`` (a ``TokenizeTrace`` of plain data, see wordpiece.py) and turns
it into a list of stages; each stage is drawn on its own. The normalisation stages
show the text one character per box with its code point, so the learner sees
"한" (U+D55C) become "ᄒ" "ᅡ" "ᆫ" (U+1112 U+1161 U+11AB) under uncased BERT's NFD.

>>> stages = token_stages(tok.trace("Unaffable"))       # doctest: +SKIP
>>> [s.name for s in stages][:3]                          # doctest: +SKIP
['text', 'cleaned', 'cjk_spaced']
>>> TokenView(tok, "한국어", lang="ko")                   # doctest: +SKIP

Used in: notebooks/*/01_tokenizer ("Try it"), 09_korean.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import ipywidgets as widgets

from ..fonts import placeholder_key
from ..i18n import t
from ..wordpiece import TokenizeTrace, WordTrace
from . import _style as S
from ._base import View, ViewError

NORMALIZE_STEPS = ("text", "cleaned", "cjk_spaced", "nfd", "accents_stripped", "lowercased")
GROUPS = ("normalize", "pre_tokenize", "wordpiece", "special_tokens", "ids")
MAX_TEXT_CHARS = 500  # the step-through is for a sentence or two; longer text is unreadable in boxes
MAX_STRIP_CHARS = 52  # characters drawn one per box (4 rows of 13)
CHIP_FONTSIZE = 16  # words and tokens: above the character strip's 13, as Hangul jamo fill only part of their square


@dataclass(frozen=True)
class TokenStage:
    """One picture of the step-through. ``group`` is one of GROUPS; ``name`` the step within it."""

    group: str
    name: str
    text: str = ""  # normalize: the text after this step
    changed: tuple[int, ...] = ()  # normalize: positions in ``text`` this step changed
    words: tuple[str, ...] = ()  # pre_tokenize: the pre-tokens
    word: WordTrace | None = None  # wordpiece: the word being split
    word_index: int = 0
    n_words: int = 0
    tokens: tuple[str, ...] = ()  # special_tokens, ids
    ids: tuple[int, ...] = ()
    extra: dict = field(default_factory=dict)


def changed_positions(before: str, after: str) -> tuple[int, ...]:
    """Positions of ``after`` that are not an unchanged copy of a character of ``before``.

    >>> changed_positions("Café", "cafe")
    (0, 3)
    """
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return tuple(j for op, _, _, j1, j2 in matcher.get_opcodes() if op != "equal" for j in range(j1, j2))


def wordpiece_rows(word: WordTrace) -> list[list[tuple[str, bool]]]:
    """The candidates WordPiece tried for one word, one row per piece it looked for.

    Each row ends with the accepted piece (True), except a last failed row when the
    word became [UNK].

    >>> rows = wordpiece_rows(WordTrace("unaffable", 0, 9, ["un", "##aff", "##able"],
    ...     [("unaffable", False), ("un", True), ("##affable", False), ("##aff", True), ("##able", True)]))
    >>> [[c for c, ok in row if ok] for row in rows]
    [['un'], ['##aff'], ['##able']]
    """
    rows, current = [], []
    for candidate, found in word.attempts:
        current.append((candidate, found))
        if found:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def token_stages(trace: TokenizeTrace) -> list[TokenStage]:
    """Every stage of the step-through, in order, from one trace (pure; no drawing)."""
    stages, previous = [], trace.text
    for name, text in trace.steps:
        changed = () if name == "text" else changed_positions(previous, text)
        stages.append(TokenStage("normalize", name, text=text, changed=changed))
        previous = text
    words = [w for w in trace.words]
    stages.append(TokenStage("pre_tokenize", "pre_tokenize", words=tuple(w.word for w in words)))
    for i, w in enumerate(words):
        stages.append(TokenStage("wordpiece", "wordpiece", word=w, word_index=i, n_words=len(words)))
    inner = tuple(trace.tokens)
    stages.append(TokenStage("special_tokens", "special_tokens", tokens=inner))
    stages.append(TokenStage("ids", "ids", tokens=inner, ids=tuple(trace.ids)))
    return stages


def group_starts(stages: list[TokenStage]) -> dict[str, int]:
    """Index of the first stage of each group (a group may be missing: no words, no WordPiece stage)."""
    starts = {}
    for i, s in enumerate(stages):
        starts.setdefault(s.group, i)
    return starts


# --- drawing ------------------------------------------------------------------------------------

def chip_columns(ax, fontsize: float = CHIP_FONTSIZE) -> int:
    """How many text columns (see ``_style.text_width``) fit across ``ax`` when one column is 3/4 em at ``fontsize``.

    Why 3/4 em: matplotlib does not join Hangul jamo into syllables, so our font draws every
    jamo a full square wide (0.92 em), yet Unicode counts the vowels and final consonants
    as narrow (one column, two for an initial). A syllable's jamo then take 3 or 4 columns
    for 2 or 3 squares of ink: boxes fit them from 0.69 em per column. English boxes get
    a little roomy, which reads better than jamo running out of their box.

    Used in: :func:`draw_chips`.
    """
    box = ax.get_position()
    width_pt = box.width * ax.figure.get_figwidth() * 72
    return max(10, int(width_pt / (0.75 * fontsize)))


def draw_chips(ax, items, *, sublabels=None, colors=None, max_rows: int = 5, fontsize: float = CHIP_FONTSIZE,
               lang: str = "en") -> None:
    """Words or tokens as boxes, wrapping to the next row; cut with "…" only when one is longer than a whole row.

    Those that do not fit in ``max_rows`` are counted in a note under the boxes.

    Used in: the pre-tokenisation, special-token and id stages of :func:`draw_token_stage`.
    """
    columns = chip_columns(ax, fontsize)
    labels = [S.label(x, columns - 2) for x in items]
    shown = S.draw_boxes(ax, labels, sublabels=sublabels, colors=colors, max_rows=max_rows, fontsize=fontsize,
                         width_chars=columns)
    if shown < len(labels):
        S.note(ax, t("tokens.note.more_items", lang, n=len(labels) - shown), y=0.0)


def _token_color(token: str) -> str:
    if token in ("[CLS]", "[SEP]", "[PAD]", "[MASK]"):
        return S.SPECIAL_COLOR
    return S.PAD_COLOR if token == "[UNK]" else S.TOKEN_COLOR


def draw_char_strip(ax, text: str, changed=(), *, lang: str = "en", max_chars: int = MAX_STRIP_CHARS) -> int:
    """One box per character with its code point under it; changed characters highlighted.

    Returns how many characters were drawn (the rest is summarised in a note).
    """
    chars = list(text)
    changed = set(changed)
    shown = S.draw_boxes(
        ax, [S.visible_char(c) for c in chars[:max_chars]],
        sublabels=[f"U+{ord(c):04X}" for c in chars[:max_chars]],
        colors=[S.CHANGED_COLOR if i in changed else S.TOKEN_COLOR for i in range(min(len(chars), max_chars))],
        fontsize=13, max_rows=4, width_chars=80)
    if shown < len(chars):
        S.note(ax, t("tokens.note.more_chars", lang, n=len(chars) - shown), y=0.0)
    return shown


def draw_wordpiece(ax, word: WordTrace, *, lang: str = "en", max_rows: int = 8, max_per_row: int = 6) -> None:
    """The longest-match-first search for one word: every candidate, rejected (grey) or accepted (green)."""
    if word.special:
        S.draw_boxes(ax, [S.label(word.word, 20)], colors=[S.SPECIAL_COLOR], max_rows=5)
        S.note(ax, t("tokens.note.special_word", lang), y=0.55)
        return
    rows = wordpiece_rows(word)
    labels, colors, starts = [], [], set()
    for r, row in enumerate(rows[:max_rows]):
        starts.add(len(labels))
        if len(row) > max_per_row:  # the first tries, "…", and the last (accepted) one
            row = [*row[:max_per_row - 2], (f"… {len(row) - max_per_row + 1}", None), row[-1]]
        for candidate, found in row:
            labels.append(S.label(candidate, 16))
            colors.append(S.ACCEPT_COLOR if found else (S.REJECT_COLOR if found is False else "white"))
    S.draw_boxes(ax, labels, colors=colors, line_starts=starts, max_rows=max_rows + 1, fontsize=11)
    lines = []
    if len(rows) > max_rows:
        lines.append(t("tokens.note.more_rows", lang, n=len(rows) - max_rows))
    if word.unk_reason is not None:
        lines.append(t(f"tokens.note.unk_{word.unk_reason}", lang, unk="[UNK]"))
    lines.append(t("tokens.note.pieces", lang, pieces="  ".join(S.label(p, 16) for p in word.pieces))
                 + "      (" + t("tokens.note.legend", lang) + ")")
    S.note(ax, "\n".join(lines), y=0.08, fontsize=10)


def draw_token_stage(fig, stage: TokenStage, *, index: int = 0, total: int = 1, lang: str = "en") -> None:
    """Draw one stage on ``fig``: a title, one sentence of explanation, and the stage's content."""
    title = t(f"tokens.stage.{stage.name}", lang)
    if stage.group == "wordpiece":
        title = t("tokens.stage.wordpiece_word", lang, i=stage.word_index + 1, n=stage.n_words,
                  word=S.label(stage.word.word, 24))
    # The same numbers as the step slider (0 .. total - 1), so picture and slider never disagree.
    S.figure_text(fig, 0.02, 0.95, f"{index}/{total - 1}  {title}", fontsize=13, va="top")
    S.figure_text(fig, 0.02, 0.86, t(f"tokens.explain.{stage.name}", lang), fontsize=10, va="top", color="#333333")
    ax = fig.add_axes((0.02, 0.03, 0.96, 0.72))
    if stage.group == "normalize":
        if not stage.text:
            S.empty(ax, t("tokens.note.empty_stage", lang))
        else:
            draw_char_strip(ax, stage.text, stage.changed, lang=lang)
            if stage.name != "text" and not stage.changed and stage.text:
                S.figure_text(fig, 0.98, 0.95, t("tokens.note.unchanged", lang), fontsize=10, ha="right", va="top",
                              color="#555555")
    elif stage.group == "pre_tokenize":
        if not stage.words:
            S.empty(ax, t("tokens.note.no_words", lang))
        else:
            draw_chips(ax, stage.words, max_rows=5, lang=lang)
    elif stage.group == "wordpiece":
        draw_wordpiece(ax, stage.word, lang=lang)
    else:
        tokens = list(stage.tokens)
        sub = [str(i) for i in stage.ids] if stage.group == "ids" else None
        draw_chips(ax, tokens, sublabels=sub, colors=[_token_color(x) for x in tokens], max_rows=4 if sub else 5,
                   lang=lang)
    key = placeholder_key(_drawn_text(stage))
    if key:  # a box no font can fill: say which character it stands for, or it looks like a bug
        S.figure_text(fig, 0.98, 0.02, key, fontsize=9, ha="right", va="bottom", color="#555555")


def _drawn_text(stage: TokenStage) -> str:
    """The characters a stage's picture shows (to name those drawn as a box)."""
    if stage.group == "wordpiece":
        return stage.word.word + "".join(candidate for candidate, _ in stage.word.attempts)
    return stage.text + "".join(stage.words) + "".join(stage.tokens)


def render_token_stage(stage: TokenStage, *, index: int = 0, total: int = 1, lang: str = "en"):
    """A new figure (9 x 3.8 inches) with one stage drawn on it."""
    fig = S.new_figure(9, 3.8)
    draw_token_stage(fig, stage, index=index, total=total, lang=lang)
    return fig


def check_text(text) -> str:
    """The text the step-through can show, or a ViewError saying what to change."""
    if not isinstance(text, str) or not text.strip():
        raise ViewError("common.error.empty_text")
    if len(text) > MAX_TEXT_CHARS:
        raise ViewError("tokens.error.too_long", n=len(text), limit=MAX_TEXT_CHARS)
    return text


# --- the widget ---------------------------------------------------------------------------------

class TokenView(View):
    """Type a text, step through how the tokenizer turns it into ids.

    >>> view = TokenView(tok, "Hello, 한국어!", lang="en")   # doctest: +SKIP
    >>> view.step.value = 3          # the NFD stage: Hangul falls apart into jamo   # doctest: +SKIP
    >>> view.save_png("nfd.png")     # doctest: +SKIP

    Controls: ``text`` (Text), ``group`` (Dropdown: jump to a stage), ``step`` (IntSlider).
    """

    def __init__(self, tokenizer, text: str = "Hello, 한국어! Unaffable café.", *, lang: str = "en"):
        if not hasattr(tokenizer, "trace"):
            raise ViewError("tokens.error.no_trace")
        self.tokenizer = tokenizer
        self._cache: dict[str, list[TokenStage]] = {}
        self.stages: list[TokenStage] = []
        self.text = widgets.Text(value=text, description=t("tokens.label.text", lang), continuous_update=False,
                                 layout=widgets.Layout(width="95%"))
        self.group = widgets.Dropdown(options=[(t(f"tokens.group.{g}", lang), g) for g in GROUPS],
                                      description=t("tokens.label.group", lang))
        # continuous_update=False: one redraw when the slider is let go, not one per pixel dragged.
        self.step = widgets.IntSlider(min=0, max=0, value=0, description=t("tokens.label.step", lang),
                                      continuous_update=False, layout=widgets.Layout(width="95%"))
        super().__init__([self.text, widgets.HBox([self.group]), self.step], lang)
        self.text.observe(self._on_text, "value")
        self.group.observe(self._on_group, "value")
        self.step.observe(self._on_step, "value")
        self._on_text()

    def _stages_for(self, text: str) -> list[TokenStage]:
        if text not in self._cache:
            if len(self._cache) > 32:  # keep memory flat while someone types for an hour
                self._cache.clear()
            self._cache[text] = token_stages(self.tokenizer.trace(text))
        return self._cache[text]

    def _on_text(self, change=None) -> None:
        if self._updating:
            return
        try:
            stages = self._stages_for(check_text(self.text.value))
        except Exception:  # noqa: BLE001 - shown by _refresh as a message
            self.stages = []
            self._refresh()
            return
        old_group = self.stages[self.step.value].group if self.stages else "normalize"
        self.stages = stages
        index = min(self.step.value, len(stages) - 1)
        if stages[index].group != old_group:  # stay in the same part of the pipeline if possible
            index = group_starts(stages).get(old_group, index)
        self._set_quietly(step__max=len(stages) - 1, step=index, group=stages[index].group)
        self._refresh()

    def _on_group(self, change) -> None:
        if self._updating:
            return
        starts = group_starts(self.stages)
        if change["new"] in starts and self.stages[self.step.value].group != change["new"]:
            self._set_quietly(step=starts[change["new"]])
            self._refresh()

    def _on_step(self, change) -> None:
        if self._updating:
            return
        if self.stages:
            self._set_quietly(group=self.stages[self.step.value].group)
        self._refresh()

    def _figure(self):
        check_text(self.text.value)
        if not self.stages:
            self.stages = self._stages_for(self.text.value)
        i = min(self.step.value, len(self.stages) - 1)
        return render_token_stage(self.stages[i], index=i, total=len(self.stages), lang=self.lang)

    def _state(self):
        return (self.text.value, self.step.value)

    def _describe(self) -> str:
        stage = self.stages[self.step.value].name if self.stages else None
        return (f"text={self.text.value!r}, step={self.step.value}/{self.step.max}, "
                f"stage={stage!r}, lang={self.lang!r}")
