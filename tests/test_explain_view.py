"""views/explain.py: the pure parts (agreement, colours, the picture) and ExplainView driven by .value.

Tiny random models for speed; the widget is driven the way a learner drives it (text, target, button).
"""

from __future__ import annotations

import pytest
import torch

from helpers import PNG, tiny_model
from lesson_lib import explain as X
from lesson_lib.views import ExplainView
from lesson_lib.views.explain import draw_explanations, rank_agreement, render_explanations, word_colors

pytestmark = pytest.mark.usefixtures("one_thread")

TEXT = "We don't hate this unaffable film, it was lovely."


@pytest.fixture
def model():
    return tiny_model("bert", initializer_range=0.3, id2label={0: "NEGATIVE", 1: "POSITIVE"},
                      label2id={"NEGATIVE": 0, "POSITIVE": 1})


def test_rank_agreement_is_spearman_of_the_word_scores(model, tok):
    results = X.explain(model, tok, TEXT, methods=["gradient_x_input", "occlusion", "cls_attention"])
    agreement = rank_agreement(results)
    assert list(agreement) == [("gradient_x_input", "occlusion"), ("gradient_x_input", "cls_attention"),
                               ("occlusion", "cls_attention")]
    for (a, b), rho in agreement.items():
        assert rho == pytest.approx(X.spearman(results[a].word_scores, results[b].word_scores))
        assert -1 <= rho <= 1
    one_word = X.explain(model, tok, "Lovely.", methods=["occlusion", "cls_attention"])
    assert len(one_word["occlusion"].words) == 2 and rank_agreement(one_word)  # "lovely" and "."
    assert rank_agreement(X.explain(model, tok, "Lovely", methods=["occlusion", "cls_attention"])) == {}


def test_word_colors_are_white_at_zero_red_up_blue_down():
    zero, up, down = word_colors([0.0, 2.0, -2.0])
    assert all(int(zero[i:i + 2], 16) >= 0xf0 for i in (1, 3, 5))  # the near-white middle of RdBu_r
    red, green, blue = (int(up[i:i + 2], 16) for i in (1, 3, 5))
    assert red > blue
    red, green, blue = (int(down[i:i + 2], 16) for i in (1, 3, 5))
    assert blue > red
    assert word_colors([1.0, 0.5]) == word_colors([10.0, 5.0])  # each row scaled to its own largest score


def test_render_draws_one_row_per_method(model, tok):
    results = X.explain(model, tok, TEXT, n_steps=4)
    fig = render_explanations(results, lang="ko")
    assert len(fig.axes) == len(results) == 5
    from matplotlib.figure import Figure

    fig2 = Figure()
    draw_explanations(fig2, {"occlusion": results["occlusion"]}, lang="en")
    assert len(fig2.axes) == 1


def test_view_quick_methods_then_integrated_gradients_on_the_button(model, tok):
    view = ExplainView(model, tok, text=TEXT, n_steps=4, lang="en")
    assert view.png.startswith(PNG) and view.message_text == ""
    assert list(view.results) == ["gradient_x_input", "occlusion", "attention_rollout", "cls_attention"]
    assert "press the button" in view.agreement_text and "occlusion ~ [CLS] attention, last layer:" in view.agreement_text
    before = view.png
    view.ig_button.click()
    assert list(view.results) == list(X.METHODS)  # integrated gradients second, as in lesson_lib.explain
    assert view.png != before and "press the button" not in view.agreement_text
    rho = X.spearman(view.results["integrated_gradients"].word_scores, view.results["occlusion"].word_scores)
    assert f"integrated gradients ~ occlusion: {rho:+.2f}" in view.agreement_text
    assert repr(view) == (f"ExplainView(text={TEXT!r}, target=None, methods=[gradient_x_input, integrated_gradients, "
                          "occlusion, attention_rollout, cls_attention], lang='en')")


def test_view_target_changes_the_gradients_not_the_attention(model, tok):
    view = ExplainView(model, tok, text=TEXT, lang="ko")
    predicted = view.results["occlusion"].target
    other = 1 - predicted
    first = {k: r.word_scores.clone() for k, r in view.results.items()}
    view.target.value = other
    assert view.results["occlusion"].target == other and view.results["occlusion"].label in ("NEGATIVE", "POSITIVE")
    assert not torch.allclose(first["gradient_x_input"], view.results["gradient_x_input"].word_scores)
    assert torch.equal(first["cls_attention"], view.results["cls_attention"].word_scores)
    assert "순위" in view.agreement_text  # Korean


def test_view_bad_input_is_a_message_and_the_picture_stays(model, tok):
    view = ExplainView(model, tok, text=TEXT, lang="ko")
    good = view.png
    view.text.value = "   "
    assert view.message_text == "텍스트가 비어 있습니다. 먼저 문장을 입력하세요." and view.png == good
    view.text.value = "good " * 100  # longer than the tiny model's 64 positions: cut, and said
    assert view.message_text == "" and view.png != good
    assert "64토큰" in view.agreement_text


def test_view_follows_the_language(model, tok):
    korean = tiny_model("distilbert", initializer_range=0.3)
    view = ExplainView(model, tok, text=TEXT, korean=(korean, tok), lang="en")
    assert "Korean model" not in view.agreement_text
    view.text.value = "영화가 좋다"
    assert "Korean text: explained with the Korean model." in view.agreement_text
    expected = X.occlusion(korean, tok, "영화가 좋다")
    assert torch.allclose(view.results["occlusion"].word_scores, expected.word_scores)


def test_view_save_png(model, tok, tmp_path):
    view = ExplainView(model, tok, text=TEXT, lang="en")
    path = view.save_png(tmp_path / "explain.png")
    assert path.read_bytes().startswith(PNG) and path.read_bytes() == view.picture()


def test_view_refuses_a_model_it_cannot_explain(tok):
    from torch import nn

    from helpers import raises_ours
    from lesson_lib.errors import InputTypeError, InputValueError

    with raises_ours(InputTypeError, "no word embeddings"):
        ExplainView(nn.Linear(2, 2), tok)
    with raises_ours(InputValueError, "n_steps"):
        ExplainView(tiny_model("bert"), tok, n_steps=0)
