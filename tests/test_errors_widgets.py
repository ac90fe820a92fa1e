"""Widgets under hostile input: empty text, extreme slider values, rapid changes.

What a learner must see after each change is a message in the view's message line (or a
picture), never a traceback: setting a control's ``.value`` runs the view's handlers at
once (ipywidgets 8, plain pytest), so a handler that raised would fail the test right there.
Every message must be one of the kit's own sentences, not the "something went wrong"
fallback that means an unexpected exception. Afterwards the view (and the kernel) must still
work: one valid change gives a fresh picture and clears the message.

tests/test_views.py checks each view's numbers and a few messages; this file throws everything
at every view.
"""

from __future__ import annotations

import contextlib
import random

import matplotlib.pyplot as plt
import pytest
import torch

from helpers import LONE_SURROGATE, PNG, check_ours, tiny_model
from lesson_lib.i18n import t
from lesson_lib.views import AttentionView, ConfigView, LayerView, PaddingView, SoftmaxView, TokenView
from lesson_lib.views import _base
from lesson_lib.views._base import ViewError

pytestmark = pytest.mark.usefixtures("one_thread")

HOSTILE_TEXTS = ["", " \n\n\t ", "\x00\x01\u200b\u200d", LONE_SURROGATE, "x" * 20_000, "word " * 600, "🤗" * 300]
RAPID_CHANGES = 15


def assert_message_not_traceback(view, lang="en"):
    """The view shows one of the kit's sentences (or nothing), and a valid picture is still there."""
    text = view.message_text
    assert "Traceback" not in text and 'File "' not in text, text
    unexpected = t("common.error.unexpected", lang, detail="").split("(")[0]
    assert unexpected not in text, text  # an exception the kit did not anticipate
    assert view.png.startswith(PNG)  # the last good picture stays
    assert plt.get_fignums() == []


@contextlib.contextmanager
def rapid(view, monkeypatch):
    """Many changes in a row. Each still computes its figure; only the PNG encoding (three quarters of
    a redraw's time, and tested everywhere else) is replaced by a stand-in, then the real one returns."""
    counter = iter(range(10**6))
    with monkeypatch.context() as patch:
        patch.setattr(_base, "figure_png", lambda fig: PNG + b"rapid %d" % next(counter))
        yield
    view._pictures.clear()  # no stand-in picture may be shown again later


def assert_usable(view, set_valid):
    """One valid change after the storm: a fresh picture, no message."""
    before = view.png
    set_valid()
    assert view.message_text == "", view.message_text
    assert view.png.startswith(PNG) and view.png != before


def test_token_view(tok, capsys, monkeypatch):
    view = TokenView(tok, "Hello", lang="en")
    for text in HOSTILE_TEXTS:
        view.text.value = text
        assert_message_not_traceback(view)
        if not text.strip() or len(text) > 500 or text == LONE_SURROGATE:
            assert view.message_text  # said, not silently ignored
    view.text.value = LONE_SURROGATE
    assert "lone surrogate" in view.message_text
    view.text.value = "Unaffable 한국어"
    for value in (-5, 0, 10**6, view.step.max, 0):  # the slider clamps; every stage draws
        view.step.value = value
        assert_message_not_traceback(view)
        assert view.message_text == "" and 0 <= view.step.value <= view.step.max
    rng = random.Random(0)
    with rapid(view, monkeypatch):  # text, stage menu and slider in any order
        for _ in range(RAPID_CHANGES):
            control = rng.choice(["text", "group", "step"])
            if control == "text":
                view.text.value = rng.choice(HOSTILE_TEXTS + ["a", "Crème brûlée", "한국어"])
            elif control == "group":
                view.group.value = rng.choice([v for _, v in view.group.options])
            else:
                view.step.value = rng.randint(-3, 40)
            assert_message_not_traceback(view)
    assert_usable(view, lambda: setattr(view.text, "value", "back to work"))
    assert capsys.readouterr().out == ""  # a widget never prints


def test_padding_view(tok, capsys, monkeypatch):
    view = PaddingView(tok, ["We hope you don't hate it.", "Hi!"], lang="ko")
    for text in HOSTILE_TEXTS + ["\n".join(["x"] * 500), "a\n\n\nb"]:
        view.sentences.value = text
        assert_message_not_traceback(view, "ko")
    view.sentences.value = "We hope you don't hate it.\nHi!"
    view._set_quietly(use_max_length=True, truncation=True)
    for value in (-1, 1, 2, 64, 10**6):  # the slider clamps to 1..64; 1 cannot hold [CLS] and [SEP]
        view.max_length.value = value
        assert_message_not_traceback(view, "ko")
    assert view.max_length.value == 64 and view.message_text == ""
    choices = dict(padding=[False, True, "longest", "max_length"], truncation=[None, False, True],
                   return_tensors=[None, "pt", "np"], use_max_length=[False, True], max_length=[1, 2, 64])
    rng = random.Random(1)
    with rapid(view, monkeypatch):
        for _ in range(RAPID_CHANGES * 2):  # cheap drawings: more of them
            name = rng.choice(list(choices) + ["sentences"])
            value = rng.choice(HOSTILE_TEXTS + ["Hi\nthere you"]) if name == "sentences" else rng.choice(choices[name])
            getattr(view, name).value = value
            assert_message_not_traceback(view, "ko")
    view._set_quietly(padding=True, truncation=True, return_tensors="pt", use_max_length=True, max_length=8,
                      sentences="I love it.")
    assert_usable(view, lambda: setattr(view.sentences, "value", "A new sentence, longer than eight tokens."))
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("cls, kind", [(LayerView, "bert"), (AttentionView, "distilbert")])
def test_model_views_on_edited_sentences(tok, cls, kind, capsys, monkeypatch):
    view = cls(model=tiny_model(kind), tokenizer=tok, texts=["We hope you don't hate it.", "Hi"], lang="en")
    with rapid(view, monkeypatch):  # the model runs on each text; the drawings are test_views.py's
        for text in HOSTILE_TEXTS + ["\n".join(f"s{i}" for i in range(200))]:
            view.sentences.value = text  # long texts are cut to the model's 64 positions, not refused
            assert_message_not_traceback(view)
    view.sentences.value = "We hope you don't hate it.\nHi"
    sliders = [view.step] if cls is LayerView else [view.layer]
    for slider in sliders:
        for value in (-1, 10**6):  # clamped to the first and the last step
            slider.value = value
            assert_message_not_traceback(view)
            assert view.message_text == ""
    rng = random.Random(2)
    with rapid(view, monkeypatch):
        for _ in range(RAPID_CHANGES):
            control = rng.choice(["sentences", "slider", "sentence"] + (["head"] if cls is AttentionView else []))
            if control == "sentences":
                view.sentences.value = rng.choice(HOSTILE_TEXTS + ["one\ntwo\nthree", "a longer sentence here"])
            elif control == "slider":
                sliders[0].value = rng.randint(-2, 100)
            elif control == "head":
                view.head.value = rng.choice([v for _, v in view.head.options])
            else:
                view.sentence.value = rng.choice([v for _, v in view.sentence.options])
            assert_message_not_traceback(view)
    view._set_quietly(sentences="one sentence")
    assert_usable(view, lambda: setattr(view.sentences, "value", "two\nsentences"))
    assert capsys.readouterr().out == ""


def test_softmax_view_extremes(capsys, monkeypatch):
    logits = torch.tensor([[1e4, -1e4, 0.0], [0.0, 0.0, 0.0], [-3.0, 2.0, 80.0]])
    view = SoftmaxView(logits, lang="en")
    for value in (-1.0, 1e-9, 1e9):  # the slider clamps to its range
        view.temperature.value = value
        assert_message_not_traceback(view)
        assert view.message_text == ""
    rng = random.Random(3)
    with rapid(view, monkeypatch):
        for _ in range(RAPID_CHANGES):
            if rng.random() < 0.5:
                view.temperature.value = 10 ** rng.uniform(-3, 3)
            else:
                view.sentence.value = rng.randrange(3)
            assert_message_not_traceback(view)
    view._set_quietly(temperature=1.0, sentence=0)
    assert_usable(view, lambda: setattr(view.sentence, "value", 2))
    for bad in ([], [[]], [[float("nan"), 1.0]], [[float("inf"), 0.0]], "logits", None):
        with pytest.raises(ViewError) as info:  # built with bad data: one clear error, raised by lesson_lib
            SoftmaxView(bad, lang="en")
        check_ours(info.value, ViewError)
    with pytest.raises(ViewError) as info:
        SoftmaxView(logits, temperature=0, lang="en")
    check_ours(info.value, ViewError)
    assert capsys.readouterr().out == ""


def test_config_view_extremes_and_rapid_changes(capsys, monkeypatch):
    view = ConfigView("distilbert", n_layers=2, n_heads=4, width=32, ffn_width=64, lang="ko")
    sliders = {"n_layers": (1, 24), "n_heads": (1, 32), "width": (8, 1536), "ffn_width": (8, 6144),
               "num_labels": (1, 20)}
    for name, (lo, hi) in sliders.items():
        for value in (lo - 100, hi + 100):  # the sliders clamp
            getattr(view, name).value = value
            assert_message_not_traceback(view, "ko")
    view._set_quietly(n_heads=32, width=8)
    view.n_layers.value = 3  # 8 wide over 32 heads: a message, and no config
    assert view.message_text and view.config is None
    assert_message_not_traceback(view, "ko")
    rng = random.Random(4)
    with rapid(view, monkeypatch):
        for _ in range(RAPID_CHANGES * 2):
            name = rng.choice(list(sliders) + ["model_type"])
            if name == "model_type":
                view.model_type.value = rng.choice(["bert", "distilbert"])
            else:
                getattr(view, name).value = rng.randint(*sliders[name])
            assert_message_not_traceback(view, "ko")
            assert (view.config is None) == bool(view.message_text)
    view._set_quietly(n_heads=4, width=32, ffn_width=64)
    assert_usable(view, lambda: setattr(view.n_layers, "value", 5 if view.n_layers.value != 5 else 6))
    with pytest.raises(ViewError) as info:
        ConfigView("gpt2", lang="en")
    check_ours(info.value, ViewError)
    assert capsys.readouterr().out == ""
