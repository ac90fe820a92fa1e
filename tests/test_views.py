"""The views: the pure functions give the right numbers, and each widget redraws, saves and explains mistakes.

Widgets are driven headless by setting ``.value`` on their controls (ipywidgets 8 works in plain
pytest); what we check is what a learner would see change: the PNG bytes and the message line.
Models are the tiny random ones from conftest.py, plus one test on the real offline default.
"""

from __future__ import annotations

import gc
import html
import io
import math
import unicodedata
import warnings

import ipywidgets as widgets
import numpy as np
import pytest
import torch

from lesson_lib import (AutoModelForSequenceClassification, AutoTokenizer, BertConfig, BertForSequenceClassification,
                        DEFAULT_MODEL, DistilBertConfig, DistilBertForSequenceClassification, NewWeightsWarning)
from lesson_lib import functional as F
from lesson_lib.errors import InputValueError
from lesson_lib.views import (AttentionView, ClassifyView, ConfigView, LayerView, PaddingView, SoftmaxView, TokenView,
                              attention_matrix, attention_stack, cosine_to_final, count_parameters, draw_attention,
                              draw_attention_heads, draw_batch, draw_hidden_state_norms, hidden_state_norms,
                              main_shapes, make_config, pad_batch, probabilities, step_matrix, token_stages)
from lesson_lib.views import _style as S
from lesson_lib.views._base import ViewError
from lesson_lib.views.softmax import label_names, shown_labels
from lesson_lib.views.layers import draw_step, mean_pair_similarity, token_similarity
from lesson_lib.views.tokens import changed_positions, render_token_stage, wordpiece_rows

PNG = b"\x89PNG\r\n\x1a\n"
SEED_TEXTS = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]


@pytest.fixture(scope="module")
def tok():
    return AutoTokenizer.from_pretrained(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    config = BertConfig(hidden_size=32, num_attention_heads=4, intermediate_size=64, num_hidden_layers=2,
                        id2label={0: "NEGATIVE", 1: "POSITIVE"})
    return BertForSequenceClassification(config).eval()


@pytest.fixture(scope="module")
def tiny_distil():
    torch.manual_seed(0)
    return DistilBertForSequenceClassification(DistilBertConfig(dim=32, n_heads=4, hidden_dim=64, n_layers=2)).eval()


@pytest.fixture(scope="module")
def seed(tok, tiny):
    batch = tok(SEED_TEXTS, padding=True, return_tensors="pt")
    return batch, tiny.trace(**batch)


@pytest.fixture(autouse=True)
def no_warnings():
    # Every drawing must be clean: no "Glyph missing", no matplotlib complaints.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DeprecationWarning)  # third-party import noise is not ours to judge
        yield


def assert_redraws(view, set_value):
    """Setting a control changes the picture and leaves no message."""
    before = view.png
    set_value()
    assert view.message_text == "", view.message_text
    assert view.png.startswith(PNG) and view.png != before


# --- tokens -------------------------------------------------------------------------------------

def test_token_stages_follow_the_trace(tok):
    trace = tok.trace("Unaffable 한국어!")
    stages = token_stages(trace)
    assert [s.name for s in stages[:6]] == ["text", "cleaned", "cjk_spaced", "nfd", "accents_stripped", "lowercased"]
    assert [s.group for s in stages[6:]] == ["pre_tokenize"] + ["wordpiece"] * 3 + ["special_tokens", "ids"]
    assert stages[6].words == ("unaffable", unicodedata.normalize("NFD", "한국어"), "!")  # jamo, not syllables
    assert list(stages[-1].ids) == tok("Unaffable 한국어!")["input_ids"] == trace.ids
    assert list(stages[-1].tokens) == trace.tokens
    # The Hangul -> jamo effect: NFD turns 3 syllables into 8 jamo, and all of them count as changed.
    nfd = next(s for s in stages if s.name == "nfd")
    assert nfd.text == unicodedata.normalize("NFD", "Unaffable 한국어!")
    assert [f"U+{ord(c):04X}" for c in nfd.text[10:13]] == ["U+1112", "U+1161", "U+11AB"]
    assert set(range(10, 18)) <= set(nfd.changed)


def test_wordpiece_rows_end_with_each_accepted_piece(tok):
    for word in tok.trace("unaffable 한국어 tokenizers").words:
        rows = wordpiece_rows(word)
        assert [row[-1][0] for row in rows] == word.pieces
        assert all(ok for row in rows for _, ok in row[-1:]) and not any(ok for row in rows for _, ok in row[:-1])
    unk = tok.trace("🤗x").words[0]
    assert unk.pieces == ["[UNK]"] and not any(ok for row in wordpiece_rows(unk) for _, ok in row)


def test_changed_positions():
    assert changed_positions("Café", "cafe") == (0, 3)
    assert changed_positions("abc", "abc") == ()


def test_every_kind_of_token_stage_draws(tok):
    stages = token_stages(tok.trace("Crème 한국어 [MASK] 🤗x " + "a" * 120))
    # one of each kind: a normalisation step, the words, a [MASK] typed in the text, an [UNK] by
    # no match, an [UNK] by length, the specials, the ids (a fresh figure is ~0.3 s here)
    picks = [3, 6, 9, 10, 11, len(stages) - 2, len(stages) - 1]
    assert [stages[i].word.unk_reason for i in (10, 11)] == ["no_match", "too_long"] and stages[9].word.special
    for i in picks:
        fig = render_token_stage(stages[i], index=i, total=len(stages), lang="ko")
        assert S.figure_png(fig).startswith(PNG)


def test_word_chips_show_whole_words_and_hold_their_jamo(tok):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from lesson_lib.views._speedups import Labels

    text = "정말 재미있는 영화였어요. Internationalization, hello!"  # chapter 09's sentence, and a long English word
    stages = token_stages(tok.trace(text))
    index = next(i for i, s in enumerate(stages) if s.name == "pre_tokenize")
    stage = stages[index]
    fig = render_token_stage(stage, index=index, total=len(stages), lang="ko")
    ax = fig.axes[0]
    chips = next(a for a in ax.artists if isinstance(a, Labels))
    assert chips.texts == list(stage.words)  # every word whole: none cut with "…", none left out
    assert chips.fontsize >= 13  # not smaller than the character strip's boxes
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = [path.get_extents(ax.transData).width for path in ax.collections[0].get_paths()]
    for word, box in zip(chips.texts, boxes):
        # What the font really draws: a Hangul jamo is a full square wide, though Unicode calls most of them narrow.
        ink = Text(0, 0, word, fontsize=chips.fontsize, figure=fig).get_window_extent(renderer).width
        assert ink < box, (word, ink, box)


def test_token_view_steps_and_explains_bad_text(tok, tmp_path):
    view = TokenView(tok, "Hello, 한국어!", lang="ko")
    assert repr(view) == "TokenView(text='Hello, 한국어!', step=0/12, stage='text', lang='ko')"
    assert_redraws(view, lambda: setattr(view.step, "value", 3))  # NFD
    assert view.stages[view.step.value].name == "nfd" and view.group.value == "normalize"
    assert_redraws(view, lambda: setattr(view.group, "value", "ids"))
    assert view.step.value == view.step.max
    assert_redraws(view, lambda: setattr(view.text, "value", "Unaffable"))
    assert view.step.max == len(view.stages) - 1 and view.stages[view.step.value].group == "ids"
    good = view.png
    view.text.value = "   "
    assert view.message_text == "텍스트가 비어 있습니다. 먼저 문장을 입력하세요." and view.png == good
    view.text.value = "x" * 5000
    assert "5000" in view.message_text
    assert_redraws(view, lambda: setattr(view.text, "value", "back to normal"))
    path = view.save_png(tmp_path / "tokens.png")
    assert path.read_bytes() == view.png and path.read_bytes().startswith(PNG)
    assert TokenView(tok, "Hi", lang="en").group.options[0][0] == "1. normalise"


def test_token_view_revisits_are_cached(tok):
    view = TokenView(tok, "Hello", lang="en")
    first = view.png
    view.step.value = 2
    view.step.value = 0
    assert view.png == first and len(view._pictures) == 2


# --- padding ------------------------------------------------------------------------------------

def test_pad_batch_equals_the_tokenizer(tok):
    texts = ["I love it.", "Meh.", "A much longer sentence than the others, really."]
    batch = pad_batch(tok, texts, padding=True, return_tensors="pt")
    ref = tok(texts, padding=True, return_tensors="pt")
    assert batch.ids == ref["input_ids"].tolist() and batch.mask == ref["attention_mask"].tolist()
    assert batch.tokens == [ref.tokens(i) for i in range(3)]
    assert batch.shape == tuple(ref["input_ids"].shape) and batch.tensor_type == "torch.Tensor"
    for row_ids, row_mask, row_tokens in zip(batch.ids, batch.mask, batch.tokens):
        for i, m, tkn in zip(row_ids, row_mask, row_tokens):
            assert (m == 0) == (i == tok.pad_token_id) == (tkn == "[PAD]")
    cut = pad_batch(tok, texts, padding="max_length", truncation=True, max_length=6)
    assert cut.shape == (3, 6) and all(row[-1] in (102, 0) for row in cut.ids) and cut.tensor_type is None
    ragged = pad_batch(tok, texts)
    assert not ragged.is_rectangular and ragged.shape is None
    assert batch.call == "tok(texts, padding=True, return_tensors='pt')"


@pytest.mark.parametrize("kwargs, key", [
    (dict(padding=False, return_tensors="pt"), "error.tokenize.ragged"),
    (dict(padding=True, truncation=True, max_length=1), "error.tokenize.max_length_too_small"),
])
def test_pad_batch_mistakes_have_keys(tok, kwargs, key):
    # The tokenizer's own errors, not a re-check in the view: their key gives the text in either language.
    with pytest.raises(InputValueError) as err:
        pad_batch(tok, ["Hi", "Hello there you"], **kwargs)
    assert err.value.key == key and not isinstance(err.value, ViewError)
    assert err.value.text("ko") != err.value.text("en")
    with pytest.raises(ViewError, match="no sentences|There are no"):
        pad_batch(tok, ["", "   "])


def test_draw_batch_from_a_tokenizer_output(tok):
    fig = S.new_figure(9, 4)
    draw_batch(fig, tok(SEED_TEXTS, padding=True, return_tensors="pt"), lang="ko")
    assert S.figure_png(fig).startswith(PNG)


def test_padding_view(tok, tmp_path):
    view = PaddingView(tok, SEED_TEXTS, lang="en")
    assert view.code.value == "<code>tok(texts, padding=True, return_tensors=&#x27;pt&#x27;)</code>"
    assert view.batch.shape == (2, 14)
    view._set_quietly(use_max_length=True, truncation=True)  # several controls, one redraw (below)
    assert_redraws(view, lambda: setattr(view.max_length, "value", 5))
    assert "max_length=5" in view.code.value and "truncation=True" in view.code.value
    assert view.batch.shape == (2, 5)
    view.max_length.value = 1
    assert "max_length=1 is too small" in view.message_text
    view.max_length.value = 8
    view.truncation.value = False
    view.padding.value = False  # rows of 14 and 11 tokens, but return_tensors='pt'
    assert "a tensor is a rectangle" in view.message_text  # the tokenizer's own message
    view.return_tensors.value = None
    assert view.message_text == "" and not view.batch.is_rectangular
    view.sentences.value = "\n \n"
    assert view.message_text.startswith("There are no sentences")
    # A batch of any size: drawn cut to 8 rows x 20 columns, with a note.
    assert_redraws(view, lambda: setattr(view.sentences, "value", "\n".join(f"sentence {i} " * (i % 7 + 1) for i in range(300))))
    assert len(view.batch.ids) == 300
    assert repr(view) == ("PaddingView(sentences=300, padding=False, truncation=False, max_length=8, "
                          "return_tensors=None, lang='en')")
    assert view.save_png(tmp_path / "p.png").read_bytes().startswith(PNG)


# --- layers -------------------------------------------------------------------------------------

def test_step_matrix_shapes(seed):
    batch, trace = seed
    names = [s.name for s in trace.steps]
    assert names[0] == "embeddings" and names[-3:] == ["first_token", "pooler", "logits"]
    emb = step_matrix(trace.steps[0], sentence=1, tokens=batch.tokens(1), n_tokens=11)
    # A (B, T, D) step: how alike every two real tokens' vectors are, on one fixed scale.
    h = trace.steps[0].tensor[1, :11]  # (11, D)
    cosines = torch.cosine_similarity(h[:, None, :], h[None, :, :], dim=-1)  # (11, 11), pair by pair
    assert emb.values.shape == (11, 11) and np.allclose(emb.values, cosines.numpy(), atol=1e-5)
    assert np.allclose(np.diag(emb.values), 1, atol=1e-5) and np.allclose(emb.values, emb.values.T, atol=1e-6)
    assert emb.rows == emb.cols == batch.tokens(1)[:11] and emb.scale == (-1.0, 1.0)
    pairs = cosines[~torch.eye(11, dtype=torch.bool)]  # the 110 pairs of different tokens
    assert mean_pair_similarity(emb) == pytest.approx(float(pairs.mean()), abs=1e-5)
    assert mean_pair_similarity(step_matrix(trace.steps[0], sentence=1, n_tokens=1)) is None  # no pair
    assert np.allclose(token_similarity(torch.tensor([[3.0, 0.0], [0.0, 2.0], [-1.0, 0.0]])),
                       [[1, 0, -1], [0, 1, 0], [-1, 0, 1]])
    attn_step = next(s for s in trace.steps if s.name == "attention_weights")
    attn = step_matrix(attn_step, sentence=1, n_tokens=11)
    assert attn.values.shape == (11, 11) and attn.mean_over_heads == 4 and mean_pair_similarity(attn) is None
    assert np.allclose(attn.values, attn_step.tensor[1].mean(0)[:11, :11].numpy())
    logits = step_matrix(trace.steps[-1], sentence=1, labels=["NEGATIVE", "POSITIVE"])
    assert logits.values.shape == (2, 2) and logits.cols == ["NEGATIVE", "POSITIVE"] and logits.highlight_row == 1
    with pytest.raises(ViewError):
        step_matrix(trace.steps[0], sentence=2)


def test_the_similarity_picture_keeps_one_colour_scale(seed):
    batch, trace = seed
    for step in (trace.steps[0], trace.steps[4]):  # the embeddings, layer 0's block output
        matrix = step_matrix(step, sentence=0, tokens=batch.tokens(0))
        fig = S.new_figure(9, 4.4)
        ax = fig.add_subplot()
        draw_step(ax, step, matrix, lang="en")
        assert ax.images[0].get_clim() == (-1.0, 1.0)  # the same colours mean the same similarity at every step
        texts = [text for artist in ax.artists for text in getattr(artist, "texts", [])]
        mean = f"mean over pairs of tokens: {mean_pair_similarity(matrix):.2f}"
        assert any(x.endswith(mean) for x in texts), texts  # in the title
        assert "cosine similarity (fixed scale −1 to 1)" in texts
        assert S.figure_png(fig).startswith(PNG)


def test_hidden_state_norms_and_cosine(seed, tiny):
    batch, trace = seed
    hidden = tiny(**batch, output_hidden_states=True).hidden_states  # L + 1 of (B, T, D)
    norms = hidden_state_norms(trace, sentence=1, n_tokens=11)
    assert norms.shape == (3, 11)
    assert np.allclose(norms, torch.stack([h[1, :11].norm(dim=-1) for h in hidden]).detach().numpy(), atol=1e-5)
    cos = cosine_to_final(trace, sentence=0)
    assert cos.shape == (3, 14) and np.allclose(cos[-1], 1.0, atol=1e-5)
    fig = S.new_figure(6, 3)
    draw_hidden_state_norms(fig.add_subplot(), cos, batch.tokens(0), metric="cosine", position=2, lang="ko")
    assert S.figure_png(fig).startswith(PNG)


def test_layer_view_from_a_trace(seed, tiny, tmp_path):
    batch, trace = seed
    view = LayerView(trace, batch=batch, labels=tiny.config.id2label, lang="ko")
    assert view.step.max == len(trace.steps) - 1
    assert repr(view) == "LayerView(step=0/13 'embeddings', shape=(2, 14, 32), sentence=0, metric='norm', lang='ko')"
    for i in (5, view.step.max):  # attention weights (mean over heads), logits
        assert_redraws(view, lambda i=i: setattr(view.step, "value", i))
    assert_redraws(view, lambda: setattr(view.sentence, "value", 1))
    # The across-layers plot is its own picture: the metric changes it, not the heatmap.
    main, side = view.png, view.side_png
    view.metric.value = "cosine"
    assert view.png == main and view.side_png != side and view.side_png.startswith(PNG)
    side = view.side_png
    view.step.value = 2  # same layer as step 1..4? no: step 2 is layer 0 like step 5 -> only the heatmap changes
    assert view.png != main and view.side_png != side  # from the logits (after the last layer) back into layer 0
    side = view.side_png
    view.step.value = 3  # still layer 0: the side picture stays
    assert view.side_png == side
    from PIL import Image

    with Image.open(view.save_png(tmp_path / "layers.png")) as picture:  # both pictures, stacked
        height = picture.height
    assert height == Image.open(io.BytesIO(view.png)).height + Image.open(io.BytesIO(view.side_png)).height
    with pytest.raises(ViewError):
        LayerView(trace, tokens=[["a"]])
    with pytest.raises(ViewError):
        LayerView()


def test_layer_view_runs_the_model_on_new_text(tok, tiny_distil):
    tiny_distil.train()
    view = LayerView(model=tiny_distil, tokenizer=tok, texts=["I love it.", "Meh."], lang="en")
    assert tiny_distil.training  # the view switches dropout off for its own run only
    tiny_distil.eval()
    assert [s.name for s in view.traced.trace.steps][-3:] == ["first_token", "pre_classifier", "logits"]
    assert_redraws(view, lambda: setattr(view.sentences, "value", "One.\nTwo sentences here.\nAnd a third one."))
    assert view.traced.n_sentences == 3 and len(view.sentence.options) == 3
    view.sentences.value = ""
    assert view.message_text.startswith("There are no sentences")
    assert_redraws(view, lambda: setattr(view.sentences, "value", "Back again."))


@pytest.mark.parametrize("make", [LayerView, AttentionView], ids=["layers", "attention"])
def test_the_model_runs_once_per_new_set_of_sentences_and_never_for_a_control(make, tok, tiny_distil, monkeypatch):
    runs = []
    trace = tiny_distil.trace
    monkeypatch.setattr(tiny_distil, "trace", lambda **batch: runs.append(batch["input_ids"].shape) or trace(**batch))
    view = make(model=tiny_distil, tokenizer=tok, texts=["I love it.", "Meh."], lang="en")
    assert runs == [(2, 6)]
    slider = view.step if make is LayerView else view.layer
    for value in (1, 2, 0):
        slider.value = value
    view.sentence.value = 0
    assert len(runs) == 1  # the controls only redraw
    view.sentences.value = "One.\nTwo sentences here.\nAnd a third one."
    view.sentences.value = "\n"  # a mistake: said, nothing run
    assert len(runs) == 2 and view.message_text.startswith("There are no sentences")
    slider.value = 1  # the mistake stays said while the box holds it, and the last good trace stays drawn
    assert len(runs) == 2 and view.message_text.startswith("There are no sentences")
    view.sentences.value = "I love it.\nMeh."  # sentences traced before: their trace was kept
    assert len(runs) == 2 and view.message_text == "" and view.traced.n_sentences == 2


# --- softmax ------------------------------------------------------------------------------------

@pytest.mark.parametrize("T", [0.05, 0.5, 1.0, 2.0, 20.0])
def test_probabilities_equal_the_manual_formula(T):
    logits = torch.tensor([[-4.0833, 4.3364], [0.0818, -0.0418], [1.0, 2.0]])
    manual = torch.exp(logits.double() / T) / torch.exp(logits.double() / T).sum(-1, keepdim=True)
    p = probabilities(logits, T)
    assert torch.allclose(p.double(), manual, atol=1e-6)
    assert torch.allclose(p, F.softmax(logits, temperature=T))
    assert torch.equal(p.argmax(-1), logits.argmax(-1))
    assert torch.allclose(p.sum(-1), torch.ones(3))


def test_softmax_inputs():
    assert probabilities([2.0, 0.0]).shape == (1, 2)
    for bad in ([[float("inf"), 0.0]], [], [[[1.0]]], "abc"):
        with pytest.raises(ViewError):
            probabilities(bad)
    for T in (0, -1, float("nan"), "hot"):
        with pytest.raises(ViewError):
            probabilities([1.0, 2.0], T)
    assert label_names({0: "NEGATIVE", 1: "POSITIVE"}, 2) == ["NEGATIVE", "POSITIVE"]
    assert label_names(None, 3) == ["LABEL_0", "LABEL_1", "LABEL_2"]
    assert shown_labels(list(range(30)), 12) == list(range(18, 30))


def test_softmax_view(tmp_path):
    logits = torch.tensor([[-4.0833, 4.3364], [0.0818, -0.0418]])
    view = SoftmaxView(logits, labels={0: "NEGATIVE", 1: "POSITIVE"}, texts=SEED_TEXTS, lang="en")
    assert view.numbers.value == "<code>NEGATIVE: 0.0002, POSITIVE: 0.9998</code>"
    assert_redraws(view, lambda: setattr(view.temperature, "value", 10.0))
    assert view.numbers.value == "<code>NEGATIVE: 0.3011, POSITIVE: 0.6989</code>"
    assert_redraws(view, lambda: setattr(view.sentence, "value", 1))
    view.temperature.value = 0.0  # the slider clamps to its minimum: still a picture, no error
    assert view.message_text == "" and view.temperature.value == pytest.approx(0.05, rel=0.01)
    many = SoftmaxView(torch.randn(50, 30), lang="ko")  # a batch of 50, 30 labels: top 12 bars
    assert_redraws(many, lambda: setattr(many.sentence, "value", 49))
    huge = SoftmaxView(torch.randn(5000, 3), lang="en")  # too many for a menu: a number box
    assert type(huge.sentence).__name__ == "BoundedIntText" and huge.sentence.max == 4999
    assert_redraws(huge, lambda: setattr(huge.sentence, "value", 4999))
    assert repr(view) == "SoftmaxView(sentences=2, labels=2, temperature=0.05, sentence=1, lang='en')"
    with pytest.raises(ViewError):
        SoftmaxView([[float("nan"), 1.0]])
    assert view.save_png(tmp_path / "s.png").read_bytes().startswith(PNG)


# --- attention ----------------------------------------------------------------------------------

def test_attention_rows_sum_to_one_and_padding_gets_zero(seed):
    batch, trace = seed
    layers = attention_stack(trace)
    assert len(layers) == 2 and layers[0].shape == (2, 4, 14, 14)
    mask = batch["attention_mask"]
    for w in layers:
        assert torch.allclose(w.sum(-1), torch.ones(2, 4, 14), atol=1e-5)
        assert torch.all(w[1, :, :, 11:] == 0)  # padded keys of sentence 1: exactly zero, every head, every query
        assert torch.all(w[:, :, :, :][mask[:, None, None, :].expand_as(w) == 0] == 0)
    mean = attention_matrix(layers[1], sentence=1, head="mean")
    assert np.allclose(mean, layers[1][1].mean(0).numpy()) and np.allclose(mean.sum(-1), 1, atol=1e-5)
    assert np.array_equal(attention_matrix(layers[0], 0, 3), layers[0][0, 3].numpy())
    with pytest.raises(ViewError):
        attention_matrix(layers[0], 0, 4)


def test_attention_from_output_attentions_matches_trace(seed, tiny):
    batch, trace = seed
    out = tiny(**batch, output_attentions=True)
    for a, b in zip(attention_stack(out), attention_stack(trace)):
        assert torch.allclose(a, b)


def test_draw_attention_hatches_padded_columns(seed):
    batch, trace = seed
    w = attention_matrix(attention_stack(trace)[0], 1, "mean")
    fig = S.new_figure(5, 5)
    ax = fig.add_subplot()
    draw_attention(ax, w, batch.tokens(1), mask=batch["attention_mask"][1], lang="ko")
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert sorted(int(p.get_x() + 0.5) for p in hatched) == [11, 12, 13]
    fig2 = S.new_figure(6, 6)
    draw_attention_heads(fig2, attention_stack(trace)[0][1], batch.tokens(1), mask=batch["attention_mask"][1], layer=0)
    (grid,) = fig2.axes  # every head on one axes: one image of tiles
    (image,) = grid.images
    H, T = 4, len(batch.tokens(1))
    gap = max(2, -(-T // 8))
    assert image.get_array().shape == (2 * (T + gap) - gap, 2 * (T + gap) - gap)
    tiles = np.asarray(image.get_array().filled(np.nan))
    assert np.nanmax(tiles) == pytest.approx(1.0)  # each head scaled to its own peak
    hatched = [p for p in grid.patches if p.get_hatch()]
    assert len(hatched) == H  # the padded columns 11-13 form one run, hatched in each tile
    assert {round(a.get_x() % (T + gap) + 0.5) for a in hatched} == {11}
    assert {a.get_width() for a in hatched} == {3}
    for f in (fig, fig2):
        assert S.figure_png(f).startswith(PNG)
    with pytest.raises(ViewError):
        draw_attention(ax, w, batch.tokens(1)[:3])


def test_attention_view(seed, tok, tiny, tmp_path):
    batch, trace = seed
    view = AttentionView(trace, batch=batch, lang="ko")
    assert view.sentence.value == 1  # the padded sentence is shown first: padding gets zero attention
    assert repr(view) == "AttentionView(sentences=2, layer=0, head='mean', sentence=1, lang='ko')"
    assert_redraws(view, lambda: setattr(view.layer, "value", 1))
    assert_redraws(view, lambda: setattr(view.head, "value", 2))
    assert_redraws(view, lambda: setattr(view.head, "value", "all"))
    assert_redraws(view, lambda: setattr(view.sentence, "value", 0))
    with_model = AttentionView(model=tiny, tokenizer=tok, texts=["Short.", "A longer sentence here."], lang="en")
    assert_redraws(with_model, lambda: setattr(with_model.sentences, "value", "Now three.\nSentences\nhere"))
    with_model.sentences.value = " "
    assert with_model.message_text.startswith("There are no sentences")
    assert view.save_png(tmp_path / "a.png").read_bytes().startswith(PNG)


# --- config playground --------------------------------------------------------------------------

CONFIGS = [
    DistilBertConfig(dim=32, n_heads=4, hidden_dim=64, n_layers=2),
    DistilBertConfig(dim=48, n_heads=3, hidden_dim=40, n_layers=3, num_labels=5, vocab_size=1000,
                     max_position_embeddings=64),
    DistilBertConfig(dim=16, n_heads=2, hidden_dim=16, n_layers=1, sinusoidal_pos_embds=True, vocab_size=500),
    BertConfig(hidden_size=32, num_attention_heads=4, intermediate_size=64, num_hidden_layers=2),
    BertConfig(hidden_size=24, num_attention_heads=6, intermediate_size=100, num_hidden_layers=3, num_labels=7,
               vocab_size=777, type_vocab_size=3, max_position_embeddings=40),
    BertConfig(hidden_size=8, num_attention_heads=1, intermediate_size=8, num_hidden_layers=0, num_labels=1,
               vocab_size=100),
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c.model_type}-{c.hidden_size}-{c.num_hidden_layers}")
def test_parameter_counts_equal_real_models(config):
    cls = BertForSequenceClassification if config.model_type == "bert" else DistilBertForSequenceClassification
    model = cls(config)
    counts = count_parameters(config)
    assert counts.total == sum(p.numel() for p in model.parameters())
    body = model.bert if config.model_type == "bert" else model.distilbert
    assert counts.embeddings_total == sum(p.numel() for p in body.embeddings.parameters())
    layers = body.encoder.layer if config.model_type == "bert" else body.transformer.layer
    for layer in layers:
        assert counts.layer_total == sum(p.numel() for p in layer.parameters())


def test_main_shapes_match_a_forward_pass(tiny):
    shapes = dict((name, shape) for name, shape, _ in main_shapes(tiny.config, batch=2, tokens=5))
    trace = tiny.trace(torch.randint(1000, 2000, (2, 5)))
    assert shapes["embeddings"] == trace.get("embeddings").shape
    assert shapes["attention_weights"] == trace.get("attention_weights", 0).shape
    assert shapes["block_output"] == trace.get("block_output", 1).shape
    assert shapes["first_token"] == trace.get("first_token").shape
    assert shapes["logits"] == trace.get("logits").shape


def test_make_config_refuses_bad_combinations():
    with pytest.raises(InputValueError) as err:  # the config's own rule, not a re-check in the view
        make_config("bert", 2, 12, 100, 64)
    assert err.value.key == "error.config.width_heads" and err.value.params["width"] == 100
    assert err.value.params["heads"] == 12
    for args in [("gpt", 2, 2, 8, 8), ("bert", 2, 0, 8, 8), ("bert", 2, 2, 8, 8, 0), ("bert", True, 2, 8, 8)]:
        with pytest.raises(ViewError):
            make_config(*args)
    assert make_config("distilbert", 2, 4, 32, 64).dim == 32


def test_config_view_extremes_need_no_model():
    view = ConfigView("bert", n_layers=24, n_heads=32, width=1536, ffn_width=6144, num_labels=20, lang="en")
    assert view.message_text == "" and count_parameters(view.config).total > 600_000_000
    view.n_layers.value = 1
    assert view.message_text == "" and view.config.num_hidden_layers == 1


def test_config_view(tmp_path):
    view = ConfigView("distilbert", n_layers=2, n_heads=4, width=32, ffn_width=64, lang="ko")
    assert view.config.dim == 32 and "<table>" in view.table.value
    table = view.table.value
    assert_redraws(view, lambda: setattr(view.n_layers, "value", 12))
    assert view.table.value != table and view.config.n_layers == 12
    assert_redraws(view, lambda: setattr(view.model_type, "value", "bert"))
    assert view.config.model_type == "bert"
    view.n_heads.value = 5  # 32 does not split over 5 heads
    assert "폭(32)이 어텐션 헤드 수(5)로 나누어떨어져야" in view.message_text and view.config is None  # the config's own error
    assert_redraws(view, lambda: setattr(view.width, "value", 40))
    assert view.save_png(tmp_path / "c.png").read_bytes().startswith(PNG)
    assert repr(view) == ("ConfigView(model_type='bert', n_layers=12, n_heads=5, width=40, ffn_width=64, "
                          "num_labels=2, lang='ko')")


# --- every widget -------------------------------------------------------------------------------

def all_views(tok, tiny, seed, lang):
    batch, trace = seed
    return [TokenView(tok, "한국어", lang=lang), PaddingView(tok, SEED_TEXTS, lang=lang),
            LayerView(trace, batch=batch, lang=lang), SoftmaxView(trace.output.logits, lang=lang),
            AttentionView(trace, batch=batch, lang=lang), ConfigView(lang=lang)]


def test_every_view_speaks_both_languages_and_has_a_static_picture(tok, tiny, seed):
    ko, en = all_views(tok, tiny, seed, "ko"), all_views(tok, tiny, seed, "en")
    for view in en[:2]:  # deterministic: drawing the same state again gives the same bytes
        assert S.figure_png(view._figure()) == view.png
    for a, b in zip(ko, en):
        assert a.png.startswith(PNG) and a.message_text == ""
        assert a.png != b.png  # the language shows in the picture
        bundle = a._repr_mimebundle_()
        assert bundle["text/plain"] == repr(a) and bundle["image/png"]  # shown where widgets do not render
        assert "0x" not in repr(a) and "model_id" not in repr(a)
    batch, trace = seed
    for make in [lambda: TokenView(tok, "x", lang="fr"), lambda: PaddingView(tok, lang="fr"),
                 lambda: LayerView(trace, batch=batch, lang="fr"), lambda: SoftmaxView([1.0, 2.0], lang="fr"),
                 lambda: AttentionView(trace, batch=batch, lang="fr"), lambda: ConfigView(lang="fr")]:
        with pytest.raises(InputValueError, match=r"\['ko', 'en'\]"):
            make()




# --- going back to an earlier state -------------------------------------------------------------

def shown(view) -> dict:
    """Everything a learner sees in a view: both pictures, the message, every text part, the repr; and the
    data a chapter reads from it (``view.batch``, ``view.config``, the traced sentences)."""
    texts, todo = [], list(view.children)
    while todo:  # every HTML part, wherever it sits among the controls
        w = todo.pop(0)
        if isinstance(w, (widgets.HTML, widgets.HTMLMath, widgets.Label)) and w is not view.message:
            texts.append(w.value)
        todo.extend(getattr(w, "children", ()))
    traced = getattr(view, "traced", None)
    return {"png": view.png, "side_png": view.side_png, "message": view.message_text, "texts": texts,
            "repr": repr(view), "batch": getattr(view, "batch", None), "config": getattr(view, "config", None),
            "traced": None if traced is None else (traced.texts, traced.tokens)}


def _scenarios(tok, tiny, tiny_distil, seed):
    """view -> (the view, changes away from its first state: (control, value), some of them mistakes)."""
    batch, trace = seed
    two = "I love it.\nMeh."
    return {
        "tokens": lambda: (TokenView(tok, "Hello, 한국어!", lang="ko"),
                           [("step", 3), ("text", "Unaffable café"), ("text", "   ")]),
        "padding": lambda: (PaddingView(tok, SEED_TEXTS, lang="en"),
                            [("use_max_length", True), ("truncation", True), ("max_length", 5),
                             ("sentences", "Hi!\nA second, longer sentence."), ("max_length", 1), ("sentences", "\n")]),
        "layers": lambda: (LayerView(trace, batch=batch, labels=tiny.config.id2label, lang="en"),
                           [("step", 5), ("sentence", 1), ("metric", "cosine"), ("step", 9)]),
        "layers_model": lambda: (LayerView(model=tiny_distil, tokenizer=tok, texts=two.split("\n"), lang="ko"),
                                 [("step", 3), ("sentences", "One.\nTwo here.\nAnd three."), ("sentence", 2),
                                  ("sentences", ""), ("metric", "cosine")]),
        "softmax": lambda: (SoftmaxView(trace.output.logits, labels=tiny.config.id2label, texts=SEED_TEXTS),
                            [("temperature", 2.0), ("sentence", 1)]),
        "attention": lambda: (AttentionView(trace, batch=batch, lang="en"),
                              [("layer", 1), ("head", "all"), ("sentence", 0)]),
        "attention_model": lambda: (AttentionView(model=tiny, tokenizer=tok, texts=two.split("\n"), lang="en"),
                                    [("head", 2), ("sentences", "Now three.\nSentences\nhere"), ("sentences", " "),
                                     ("layer", 1)]),
        "config": lambda: (ConfigView("distilbert", n_layers=2, n_heads=4, width=32, ffn_width=64, lang="ko"),
                           [("n_layers", 3), ("n_heads", 5), ("model_type", "bert")]),
        "classify": lambda: (ClassifyView(tiny, tok, text="good", lang="en"),
                             [("text", "a completely different and much longer sentence"), ("text", "   ")]),
    }


@pytest.mark.parametrize("name", ["tokens", "padding", "layers", "layers_model", "softmax", "attention",
                                  "attention_model", "config", "classify"])
def test_going_back_shows_exactly_what_was_shown_the_first_time(name, tok, tiny, tiny_distil, seed):
    # Each view keeps the PNGs of the states it has drawn; going back must bring back every other part too.
    view, changes = _scenarios(tok, tiny, tiny_distil, seed)[name]()
    first = shown(view)
    assert first["message"] == "" and first["png"].startswith(PNG)
    controls = {name: w for name, w in vars(view).items() if isinstance(w, widgets.ValueWidget)
                and not isinstance(w, (widgets.HTML, widgets.Image))}
    original, touched, messages = {name: w.value for name, w in controls.items()}, [], []
    for control, value in changes:
        touched += [control] if control not in touched else []
        controls[control].value = value
        assert shown(view) != first, (control, value)  # each change shows something else (or says what is wrong)
        messages.append(view.message_text)
    # On the way, a mistake (a message), wherever the controls allow one.
    assert any(messages) == (name not in ("layers", "softmax", "attention")), messages
    # Every control back to its first value: the last changed first, then any the view moved by itself
    # (new sentences give a new sentence menu).
    for control in reversed(touched):
        controls[control].value = original[control]
    for control, w in controls.items():
        if w.value != original[control]:
            w.value = original[control]
    assert {name: w.value for name, w in controls.items()} == original
    again = shown(view)
    for part in first:
        assert again[part] == first[part], part


def test_no_figure_is_left_behind(tok, seed):
    import matplotlib.pyplot as plt

    batch, trace = seed
    from matplotlib.figure import Figure

    def figures():
        gc.collect()
        return sum(type(o) is Figure for o in gc.get_objects())

    view = AttentionView(trace, batch=batch, lang="en")
    before = figures()
    for head in [0, 1, "mean", "all"]:
        view.head.value = head
        view.layer.value = 1 - view.layer.value
    assert figures() == before  # every figure freed after its PNG was made (no pyplot registry)
    assert plt.get_fignums() == []
    assert len(view._pictures) <= 64


@pytest.mark.slow
def test_real_default_model(tok):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NewWeightsWarning)  # the head may still be untrained
        model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
    batch = tok(SEED_TEXTS, padding=True, return_tensors="pt")
    trace = model.trace(**batch)
    for w in attention_stack(trace):
        assert w.shape == (2, 12, 14, 14) and torch.all(w[1, :, :, 11:] == 0)
    view = LayerView(model=model, tokenizer=tok, texts=SEED_TEXTS, lang="ko", step=5)
    assert view.step.max == len(trace.steps) - 1 == 6 * 5 + 3
    # What chapter 03 tells learners to see in the top picture: unrelated tokens after the embeddings,
    # more alike after the blocks, most after the last one.
    depths = [s for s in trace.steps if s.name in ("embeddings", "block_output")]
    alike = [mean_pair_similarity(step_matrix(s, sentence=0)) for s in depths]
    assert abs(alike[0]) < 0.15 and alike[-1] > alike[0] + 0.3 and max(alike) == alike[-1], alike
    assert view.png.startswith(PNG) and view.message_text == ""
    counts = count_parameters(model.config)
    assert counts.total == sum(p.numel() for p in model.parameters())


def test_views_free_each_figure_and_leave_the_collector_as_they_found_it(tok):
    import gc

    from lesson_lib.views._speedups import young_garbage_only

    import weakref

    view = TokenView(tok, "Hello, 한국어!", lang="en")
    figures = []
    draw = view._figure
    view._figure = lambda: figures.append(weakref.ref(fig := draw())) or fig
    view.step.value = 2  # a new picture: its figure (cyclic garbage) is freed as soon as the PNG exists
    assert len(figures) == 1 and figures[0]() is None and gc.isenabled()
    gc.disable()
    try:
        view.step.value = 3
        assert not gc.isenabled()  # a learner who switched it off keeps it off
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError):
        with young_garbage_only():
            1 / 0
    assert gc.isenabled()


def _css_width(picture, box) -> str:
    """How wide a browser draws ``picture``, a child of the column flexbox ``box`` (a VBox), from the layouts the
    kernel sends: "page" (stretched to the box's width), "own" (the PNG's pixel width), "own, shrinks" (that, but
    never wider than the box), or "fixed" (a width set by hand). The CSS rules: a child's align-self "auto" takes
    the box's align-items, whose initial value is stretch; a stretched child of auto width fills the box's width."""
    if picture.width or picture.layout.width not in (None, "", "auto"):  # <img width=...> or a CSS width
        return "fixed"
    align = picture.layout.align_self or "auto"
    if align == "auto":
        align = box.layout.align_items or "stretch"
    if align in ("stretch", "normal"):
        return "page"
    return "own, shrinks" if picture.layout.max_width in ("100%",) else "own"


def test_pictures_keep_their_own_size_in_the_page(tok, tiny, seed):
    # With the default (stretch), a VBox scaled every PNG to the notebook's width: blurred, oversized text.
    # A 720-pixel picture must stay 720 pixels wide, and shrink, not overflow, in a narrow window.
    batch, trace = seed
    views = all_views(tok, tiny, seed, "en") + [ClassifyView(tiny, tok, text="good", lang="en")]
    for view in views:
        pictures = [view.image] + ([view.side_image] if view.side else [])
        assert all(p in view.children for p in pictures)  # directly in the column, where its CSS applies
        assert [_css_width(p, view) for p in pictures] == ["own, shrinks"] * len(pictures), type(view).__name__
    # The rule itself: the layout a plain Image gets in a VBox is the stretched one.
    plain = widgets.Image(format="png")
    assert _css_width(plain, widgets.VBox([plain])) == "page"


def test_padding_view_shows_none_as_an_option_not_an_empty_box(tok):
    view = PaddingView(tok, ["Hi!", "Nice to meet you."], padding=True, truncation=None, return_tensors=None)
    assert view.truncation.label == "None" and view.return_tensors.label == "None"
    assert view.options()["truncation"] is None and view.options()["return_tensors"] is None
    view.return_tensors.value = "pt"
    assert view.options()["return_tensors"] == "pt" and "return_tensors='pt'" in html.unescape(view.code.value)
