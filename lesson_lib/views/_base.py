"""What every widget shares: controls on top, a message line, and one PNG of the current state.

A view is a pure function (compute, then draw on a matplotlib figure) plus a widget that
wires controls to one redraw. The widget never prints: it sets ``Image.value`` and
``HTML.value``, which behaves the same in JupyterLab, in a headless kernel and in pytest.

A mistake in the input (empty text, a width the heads cannot split...) becomes a
translated sentence in the message line; the last good picture stays, and the kernel
stays usable.

Used in: every widget in views/.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import ipywidgets as widgets

from ..errors import InputValueError, LessonError
from ..i18n import check_lang, t
from ._speedups import young_garbage_only
from ._style import figure_png


MAX_CACHED_PICTURES = 64  # a few MB at most: one PNG is 20-80 kB


class ViewError(InputValueError):
    """A mistake in a view's input, with an i18n key (a view's text) so the widget can say it in the learner's language.

    Outside a widget it reads as an ordinary ``InputValueError``, in the language chosen with set_language.

    >>> str(ViewError("common.error.empty_text"))    # doctest: +SKIP
    'The text is empty. Type a sentence first.'
    """

    def __init__(self, key: str, **fmt):
        self.fmt = fmt
        super().__init__(key, **fmt)

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def translate(error: Exception, lang: str) -> str:
    """The sentence a widget shows for an error raised while computing its picture."""
    if isinstance(error, LessonError):  # the library's errors and the views' own: each knows its text in both languages
        return error.text(lang)
    return t("common.error.unexpected", lang, detail=f"{type(error).__name__}: {error}")


class View(widgets.VBox):
    """Base widget: ``controls``, the message line, then the picture. Subclasses define ``_figure()``.

    One redraw (:meth:`_refresh`) runs three hooks in order: ``_check_input()`` (is the input
    usable?), ``_update_text()`` (the text parts: code lines, tables, token lines), then
    ``_figure()``, but only for a state not drawn before: the PNG of every state seen is kept,
    so going back to it is free. That is why ``_figure`` must only draw: anything else a
    learner sees (a text part, an attribute a chapter reads) is set by ``_update_text``, or it
    would still show the other state after going back.

    A view may add a second, slower-changing picture under the first (``side = True``,
    ``_side_figure()`` and ``_side_state()``): it is redrawn only when its own state
    changes, so a slider that moves the main picture does not pay for both.
    """

    side = False  # True: a second picture under the main one

    def __init__(self, controls: list, lang: str, extra: list | None = None):
        self.lang = check_lang(lang)
        self.message = widgets.HTML(value="")
        self.image = widgets.Image(format="png", layout=_picture_layout())
        self.side_image = widgets.Image(format="png", layout=_picture_layout()) if self.side else None
        self._png = b""
        self._side_png = b""
        self._pictures: dict = {}  # state -> PNG bytes
        self._updating = 0  # > 0 while controls are set by code: their handlers must not redraw
        pictures = [self.image] + ([self.side_image] if self.side else [])
        super().__init__([*controls, self.message, *(extra or []), *pictures])

    # --- one redraw ---------------------------------------------------------------------------
    def _check_input(self) -> None:
        """Raise ViewError when the controls hold an input that cannot be shown (cheap: nothing is run or drawn)."""

    def _figure(self):
        """Draw the current state on a new figure and return it; raise ViewError for a bad input. Draws only."""
        raise NotImplementedError

    def _state(self):
        """A hashable summary of everything the picture depends on (None: do not cache)."""
        return None

    def _side_figure(self):
        """The second picture (only when ``side = True``)."""
        raise NotImplementedError

    def _side_state(self):
        """What the second picture depends on."""
        return None

    def _update_text(self) -> None:
        """Update the text parts (HTML tables, code lines) and what the picture is drawn from; cheap (no model run).

        Runs on every change, cached picture or not.
        """

    def _picture(self, key, draw) -> bytes:
        png = self._pictures.get(key) if key is not None else None
        if png is None:
            with young_garbage_only():
                png = figure_png(draw())
            if key is not None:
                # Going back to a state seen before (a slider moved back) costs nothing.
                if len(self._pictures) >= MAX_CACHED_PICTURES:
                    self._pictures.pop(next(iter(self._pictures)))  # the oldest
                self._pictures[key] = png
        return png

    def _refresh(self, change=None) -> None:
        if self._updating:  # a control set by another control's handler: draw once, at the end
            return
        try:
            self._check_input()
            self._update_text()
            png = self._picture(self._state(), self._figure)
            side = self._picture(("side", self._side_state()), self._side_figure) if self.side else b""
        except Exception as error:  # noqa: BLE001 - a widget callback must never leave a traceback behind
            self.message.value = _message_html(translate(error, self.lang))
            return
        if png != self._png:
            self._png = self.image.value = png
        if side != self._side_png:
            self._side_png = self.side_image.value = side
        self.message.value = ""

    def _set_quietly(self, **values) -> None:
        """Set several control values without a redraw for each (the caller redraws once)."""
        self._updating += 1
        try:
            for name, value in values.items():
                control, attr = name.split("__") if "__" in name else (name, "value")
                setattr(getattr(self, control), attr, value)
        finally:
            self._updating -= 1

    # --- what a notebook, a handout and nbval see -------------------------------------------------
    @property
    def png(self) -> bytes:
        """The PNG bytes of the main picture currently shown."""
        return self._png

    @property
    def side_png(self) -> bytes:
        """The PNG bytes of the second picture (b"" for views with one picture)."""
        return self._side_png

    @property
    def message_text(self) -> str:
        """The message currently shown (plain text; "" when all is well)."""
        return html.unescape(_strip_tags(self.message.value))

    def picture(self) -> bytes:
        """Everything the view shows as one PNG (the pictures stacked, for a view with two)."""
        if not self.side or not self._side_png:
            return self._png
        import io

        from PIL import Image

        top, bottom = (Image.open(io.BytesIO(b)) for b in (self._png, self._side_png))
        both = Image.new("RGBA", (max(top.width, bottom.width), top.height + bottom.height), "white")
        both.paste(top, (0, 0))
        both.paste(bottom, (0, top.height))
        buffer = io.BytesIO()
        both.save(buffer, format="PNG")
        return buffer.getvalue()

    def save_png(self, path) -> Path:
        """Write what the view shows now to ``path`` (for handouts). Returns the path.

        >>> view.save_png("tokens.png")    # doctest: +SKIP
        PosixPath('tokens.png')
        """
        path = Path(path)
        path.write_bytes(self.picture())
        return path

    def _describe(self) -> str:
        return ""

    def __repr__(self) -> str:
        # Deterministic (nbval compares text/plain): no model ids, no memory addresses, no bytes.
        return f"{type(self).__name__}({self._describe()})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)  # whole, not cut at 110 characters as ipywidgets does
        if bundle is not None and self._png:
            # Where widgets do not render (a static notebook viewer, a closed kernel),
            # the current picture shows instead. nbval does not compare image/png.
            bundle["image/png"] = base64.b64encode(self.picture()).decode("ascii")
        return bundle


def _picture_layout() -> widgets.Layout:
    # A VBox stretches its children to its full width, which blew a 440-pixel picture up to
    # 1000 pixels of blurred text in JupyterLab. flex-start keeps the PNG's own size;
    # max_width still shrinks it in a narrow window.
    return widgets.Layout(max_width="100%", align_self="flex-start")


def _message_html(text: str) -> str:
    return ('<div style="padding:4px 8px;border-left:4px solid #d62728;background:#fdecea;'
            f'white-space:pre-wrap">{html.escape(text)}</div>')


def _strip_tags(value: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", value)


def sentence_options(texts, lang: str) -> list[tuple[str, int]]:
    """Dropdown options for choosing one sentence of a batch: "0: We are very happy…"."""
    from ._style import label

    options = []
    for i, text in enumerate(texts):
        options.append((f"{i}: {label(text, 32)}" if text is not None else t("common.sentence_n", lang, i=i), i))
    return options


MAX_MENU_SENTENCES = 64  # beyond this a menu is unwieldy (and heavy to send): a number box instead


def sentence_control(texts, lang: str, value: int = 0):
    """The control that picks one sentence of a batch: a menu of the sentences, or a number box for big batches."""
    from ._style import label

    description = t("common.label.sentence", lang)
    if len(texts) > MAX_MENU_SENTENCES:
        return widgets.BoundedIntText(value=value, min=0, max=len(texts) - 1, description=description)
    return widgets.Dropdown(options=sentence_options(texts, lang), value=value, description=description)


def split_lines(value: str) -> list[str]:
    """A Textarea's sentences: one per line, blank lines dropped, spaces at the ends kept."""
    return [line for line in value.split("\n") if line.strip()]
