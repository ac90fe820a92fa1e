"""Batching: several sentences become one rectangle of ids, with padding and an attention mask.

``pad_batch`` calls the tokenizer exactly as a learner would (``tok(texts, padding=...,
truncation=..., max_length=..., return_tensors=...)``) and keeps what the grids need;
``draw_batch`` draws the id matrix (token and id in every cell, padding grey) above the
attention mask (1 = real token, 0 = padding).

>>> batch = pad_batch(tok, ["I love it.", "Meh."], padding=True)     # doctest: +SKIP
>>> batch.mask                                                         # doctest: +SKIP
[[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]]
>>> PaddingView(tok, ["I love it.", "Meh."], lang="ko")                # doctest: +SKIP

Used in: notebooks/*/02_batching (the grids and "Try it").
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib import transforms as mtransforms
from matplotlib.colors import ListedColormap

from ..i18n import t
from . import _style as S
from ._base import View, ViewError, split_lines

MAX_ROWS = 8  # sentences drawn; the rest is counted in a note (every cell costs a redraw ~1 ms)
MAX_COLS = 20  # positions drawn
MAX_MASK_DIGITS = 48  # the seed's batch (2 x 16) keeps its 0s and 1s; bigger grids show colours only
MAX_SENTENCES = 1000  # a batch larger than this is refused with a message (tokenizing is fine, reading is not)


@dataclass(frozen=True)
class PaddedBatch:
    """What the tokenizer returned for a batch, as plain lists (rows may differ in length without padding)."""

    tokens: list[list[str]]
    ids: list[list[int]]
    mask: list[list[int]]
    call: str  # the call that made it, e.g. "tok(texts, padding=True, return_tensors='pt')"
    tensor_type: str | None  # "torch.Tensor", "numpy.ndarray" or None (Python lists)

    @property
    def is_rectangular(self) -> bool:
        return len({len(row) for row in self.ids}) <= 1

    @property
    def shape(self) -> tuple[int, int] | None:
        """(B, T) when every row has the same length, else None."""
        return (len(self.ids), len(self.ids[0]) if self.ids else 0) if self.is_rectangular else None


def call_text(padding, truncation, max_length, return_tensors) -> str:
    """The tokenizer call as a learner would type it (only the options that differ from the defaults)."""
    parts = ["texts"]
    for name, value, default in [("padding", padding, False), ("truncation", truncation, None),
                                 ("max_length", max_length, None), ("return_tensors", return_tensors, None)]:
        if not (value is default or (type(value) is type(default) and value == default)):
            parts.append(f"{name}={value!r}")
    return f"tok({', '.join(parts)})"


def pad_batch(tokenizer, texts, *, padding=False, truncation=None, max_length=None, return_tensors=None) -> PaddedBatch:
    """Tokenize ``texts`` as one batch and keep tokens, ids and mask as lists (pure; no drawing).

    Raises ViewError for an empty batch; the tokenizer's own errors (e.g. rows of different
    lengths with ``return_tensors='pt'``, or a max_length too small to truncate) pass through
    unchanged: the widget shows them in its language (``err.text(lang)``), so it need not know
    the tokenizer's rules.
    """
    if isinstance(texts, str):
        texts = [texts]
    texts = [x for x in texts if isinstance(x, str) and x.strip()]
    if not texts:
        raise ViewError("common.error.empty_batch")
    if len(texts) > MAX_SENTENCES:
        raise ViewError("common.error.too_many", n=len(texts), limit=MAX_SENTENCES)
    enc = tokenizer(texts, padding=padding, truncation=truncation, max_length=max_length,
                    return_tensors=return_tensors)
    ids = enc["input_ids"]
    tensor_type = None if isinstance(ids, list) else f"{type(ids).__module__.split('.')[0]}.{type(ids).__name__}"
    ids = ids.tolist() if hasattr(ids, "tolist") else ids
    mask = enc["attention_mask"]
    mask = mask.tolist() if hasattr(mask, "tolist") else mask
    return PaddedBatch([enc.tokens(i) for i in range(len(texts))], ids, mask,
                       call_text(padding, truncation, max_length, return_tensors), tensor_type)


def from_encoding(encoding) -> PaddedBatch:
    """A PaddedBatch from a tokenizer's output (a ``BatchEncoding``), to draw a batch made elsewhere."""
    ids = encoding["input_ids"]
    ids = ids.tolist() if hasattr(ids, "tolist") else ids
    if ids and isinstance(ids[0], int):  # one sentence, no batch dimension
        ids = [ids]
    mask = encoding.get("attention_mask")
    mask = mask.tolist() if hasattr(mask, "tolist") else mask
    mask = [[1] * len(row) for row in ids] if mask is None else ([mask] if mask and isinstance(mask[0], int) else mask)
    tokens = [encoding.tokens(i) for i in range(len(ids))] if hasattr(encoding, "tokens") else [[str(i) for i in r] for r in ids]
    tensor = encoding["input_ids"]
    tensor_type = None if isinstance(tensor, list) else f"{type(tensor).__module__.split('.')[0]}.{type(tensor).__name__}"
    return PaddedBatch(tokens, ids, mask, "", tensor_type)


# --- drawing ------------------------------------------------------------------------------------

def _grid(rows: list[list], fill, max_rows: int, max_cols: int) -> tuple[np.ndarray, int, int]:
    """Rows as a rectangle (missing cells = ``fill``), cut to the shown size."""
    n_rows, n_cols = len(rows), max((len(r) for r in rows), default=0)
    r, c = min(n_rows, max_rows), min(n_cols, max_cols)
    grid = np.full((r, c), fill, dtype=object)
    for i in range(r):
        for j, v in enumerate(rows[i][:c]):
            grid[i, j] = v
    return grid, n_rows, n_cols


def draw_id_grid(ax, batch: PaddedBatch, *, lang: str = "en", max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> None:
    """The id matrix: one cell per (sentence, position), token on top and id below; padding grey."""
    ids, n_rows, n_cols = _grid(batch.ids, None, max_rows, max_cols)
    tokens, _, _ = _grid(batch.tokens, None, max_rows, max_cols)
    mask, _, _ = _grid(batch.mask, -1, max_rows, max_cols)
    # Colour code: 0 = padding, 1 = token, 2 = special, 3 = no cell (a ragged batch).
    code = np.full(ids.shape, 3)
    for (i, j), tok in np.ndenumerate(tokens):
        if tok is not None:
            code[i, j] = 0 if mask[i, j] == 0 else (2 if tok in S.SPECIAL_TOKENS else 1)
    cmap = ListedColormap([S.PAD_COLOR, S.TOKEN_COLOR, S.SPECIAL_COLOR, "white"])
    ax.imshow(code, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
    small = ids.shape[1] > 14
    size = 7 if small else 8
    cells = [(j, i) for (i, j), tok in np.ndenumerate(tokens) if tok is not None]
    # Token on top, id below: two rows of labels, shifted half a line up and down from the cell's centre.
    for shift, texts in ((0.65, [S.label(tokens[i, j], 6 if small else 9) for j, i in cells]),
                         (-0.65, [str(ids[i, j]) for j, i in cells])):
        place = mtransforms.offset_copy(ax.transData, fig=ax.figure, y=shift * size, units="points")
        S.add_labels(ax, cells, texts, transform=place, fontsize=size)
    _frame(ax, ids.shape, n_rows, n_cols, lang)
    S.axes_title(ax, t("padding.title.ids", lang), fontsize=11)


def draw_mask_grid(ax, batch: PaddedBatch, *, lang: str = "en", max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> None:
    """The attention mask as 0/1 cells (1 = the model reads this position, 0 = padding it ignores)."""
    mask, n_rows, n_cols = _grid(batch.mask, -1, max_rows, max_cols)
    values = np.where(mask == -1, np.nan, mask).astype(float)
    ax.imshow(values, cmap=ListedColormap([S.PAD_COLOR, "#6baed6"]), vmin=0, vmax=1, aspect="auto",
              interpolation="nearest")
    if mask.size <= MAX_MASK_DIGITS:  # digits in small grids; in big ones the two colours say it (see the title)
        cells = [(j, i) for (i, j), v in np.ndenumerate(mask) if v != -1]
        S.add_labels(ax, cells, [str(mask[i, j]) for j, i in cells], fontsize=9)
    _frame(ax, mask.shape, n_rows, n_cols, lang)
    S.axes_title(ax, t("padding.title.mask", lang), fontsize=11)


def _frame(ax, shape, n_rows: int, n_cols: int, lang: str) -> None:
    r, c = shape
    # White lines between the cells (two artists, not a grid of ticks).
    ax.vlines(np.arange(-0.5, c, 1), -0.5, r - 0.5, color="white", lw=1.5)
    ax.hlines(np.arange(-0.5, r, 1), -0.5, c - 0.5, color="white", lw=1.5)
    ax.set_xlim(-0.5, c - 0.5)
    ax.set_ylim(r - 0.5, -0.5)
    reach_x = S.tick_labels(ax, "x", [str(j) for j in range(c)], fontsize=8)
    reach_y = S.tick_labels(ax, "y", [str(i) for i in range(r)], fontsize=8)
    S.axis_title(ax, "x", t("common.axis.position", lang), reach_x)
    S.axis_title(ax, "y", t("common.label.sentence", lang), reach_y)
    notes = []
    if n_rows > r:
        notes.append(t("common.note.rows_shown", lang, shown=r, total=n_rows))
    if n_cols > c:
        notes.append(t("common.note.cols_shown", lang, shown=c, total=n_cols))
    if notes:
        ax.text(1.0, 1.02, ", ".join(notes), transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
                color="#555555")


def draw_batch(fig, batch, *, lang: str = "en") -> None:
    """Both grids on ``fig``: ids on top, the mask below, and the batch's shape (or why it has none).

    ``batch`` is a PaddedBatch or a tokenizer output (``BatchEncoding``).
    """
    if not isinstance(batch, PaddedBatch):
        batch = from_encoding(batch)
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.25, 1]})
    draw_id_grid(top, batch, lang=lang)
    draw_mask_grid(bottom, batch, lang=lang)
    if batch.is_rectangular:
        what = t("padding.note.shape", lang, b=batch.shape[0], t=batch.shape[1],
                 kind=batch.tensor_type or t("padding.note.lists", lang))
    else:
        what = t("padding.note.ragged", lang, lengths=", ".join(str(len(r)) for r in batch.ids[:MAX_ROWS])
                 + (" …" if len(batch.ids) > MAX_ROWS else ""))
    S.figure_text(fig, 0.01, 0.02 / fig.get_figheight(), what, fontsize=10, va="bottom")
    height = fig.get_figheight()  # margins in inches, so they stay the same for 1 or 12 rows
    fig.subplots_adjust(left=0.06, right=0.99, top=1 - 0.3 / height, bottom=0.62 / height, hspace=0.6)


def render_batch(batch, *, lang: str = "en"):
    """A new figure with :func:`draw_batch` on it; the height grows a little with the number of rows."""
    n = min(len(batch.ids if isinstance(batch, PaddedBatch) else from_encoding(batch).ids), MAX_ROWS)
    fig = S.new_figure(9, 2.6 + 0.5 * n)
    draw_batch(fig, batch, lang=lang)
    return fig


# --- the widget ---------------------------------------------------------------------------------

PADDING_OPTIONS = [("False", False), ("True", True), ("'longest'", "longest"), ("'max_length'", "max_length")]
# A Dropdown whose value is None shows an empty box (None means "nothing selected" to ipywidgets),
# so the option "None" has a stand-in value, turned back into None by PaddingView.options().
NONE = "None"
TRUNCATION_OPTIONS = [("None", NONE), ("False", False), ("True", True)]
TENSOR_OPTIONS = [("None", NONE), ("'pt'", "pt"), ("'np'", "np")]


class PaddingView(View):
    """Edit sentences (one per line) and the tokenizer's options; see the id matrix and the mask.

    >>> view = PaddingView(tok, ["We hope you don't hate it.", "Hi!"], lang="en")   # doctest: +SKIP
    >>> view.padding.value = True; view.return_tensors.value = "pt"                 # doctest: +SKIP

    Controls: ``sentences`` (Textarea), ``padding``, ``truncation``, ``use_max_length`` (Checkbox),
    ``max_length`` (IntSlider), ``return_tensors``.
    """

    def __init__(self, tokenizer, texts=None, *, padding=True, truncation=None, max_length=None,
                 return_tensors="pt", lang: str = "en"):
        self.tokenizer = tokenizer
        texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."] \
            if texts is None else ([texts] if isinstance(texts, str) else list(texts))
        self.sentences = widgets.Textarea(value="\n".join(texts), description=t("common.label.sentences", lang),
                                          continuous_update=False, rows=max(3, min(len(texts), 8)),
                                          layout=widgets.Layout(width="95%"))
        self.padding = widgets.Dropdown(options=PADDING_OPTIONS, value=padding, description="padding")
        self.truncation = widgets.Dropdown(options=TRUNCATION_OPTIONS, value=NONE if truncation is None else truncation, description="truncation")
        self.use_max_length = widgets.Checkbox(value=max_length is not None, description="max_length",
                                               indent=True)
        self.max_length = widgets.IntSlider(value=max_length or 16, min=1, max=64, description="",
                                            continuous_update=False)
        self.return_tensors = widgets.Dropdown(options=TENSOR_OPTIONS, value=NONE if return_tensors is None else return_tensors,
                                               description="return_tensors")
        for w in (self.padding, self.truncation, self.return_tensors):
            w.style.description_width = "initial"
        self.code = widgets.HTML()
        controls = [self.sentences,
                    widgets.HBox([self.padding, self.truncation, self.return_tensors]),
                    widgets.HBox([self.use_max_length, self.max_length])]
        super().__init__(controls, lang, extra=[self.code])
        for w in (self.sentences, self.padding, self.truncation, self.use_max_length, self.max_length,
                  self.return_tensors):
            w.observe(self._refresh, "value")
        self._refresh()

    def options(self) -> dict:
        """The tokenizer options the controls currently say."""
        def value(control):
            return None if control.value in (None, NONE) else control.value

        return dict(padding=self.padding.value, truncation=value(self.truncation),
                    max_length=self.max_length.value if self.use_max_length.value else None,
                    return_tensors=value(self.return_tensors))

    def _state(self):
        return (self.sentences.value, tuple(self.options().items()))

    def _update_text(self) -> None:
        self.code.value = f"<code>{_html(call_text(**self.options()))}</code>"
        # Tokenizing is cheap, and ``view.batch`` must be the batch shown, also when the picture is a cached one.
        self.batch = pad_batch(self.tokenizer, split_lines(self.sentences.value), **self.options())

    def _figure(self):
        return render_batch(self.batch, lang=self.lang)

    def _refresh(self, change=None) -> None:
        super()._refresh(change)
        # On an error the base view keeps the last picture; here that would be a padded grid the options
        # just refused (padding=False with return_tensors="pt"), so the grid hides while the message shows.
        self.image.layout.display = "none" if self.message.value else None

    def _describe(self) -> str:
        n = len(split_lines(self.sentences.value))
        return f"sentences={n}, {', '.join(f'{k}={v!r}' for k, v in self.options().items())}, lang={self.lang!r}"


def _html(text: str) -> str:
    import html

    return html.escape(text)
