"""ClassifyView: the whole pipeline behind one text box (chapters 00, 06, 08)."""

from __future__ import annotations

import torch

from lesson_lib.views import ClassifyView, classify


def _tokenizer():
    from lesson_lib import BASE_MODEL, AutoTokenizer

    return AutoTokenizer.from_pretrained(BASE_MODEL)


def test_classify_is_the_five_line_pipeline(tiny_bert):
    tok = _tokenizer()
    probs, tokens = classify(tiny_bert, tok, ["We hope you don't hate it.", "Great."])
    batch = tok(["We hope you don't hate it.", "Great."], padding=True, return_tensors="pt")
    expected = torch.softmax(tiny_bert(**batch).logits, -1)
    assert torch.allclose(probs, expected, atol=1e-6)
    assert tokens[1] == ["[CLS]", "great", ".", "[SEP]"]  # padding dropped from the shown tokens


def test_view_redraws_for_new_text_and_explains_empty_text(tiny_bert, tmp_path):
    with torch.no_grad():  # a random head gives ~0.5 everywhere; a louder one makes texts differ visibly
        tiny_bert.classifier.weight.mul_(300)
    view = ClassifyView(tiny_bert, _tokenizer(), text="good", lang="ko")
    first, first_tokens = view.png, view.tokens.value
    assert first and view.message_text == "" and first_tokens == "<code>토큰 3개: [CLS] good [SEP]</code>"
    view.text.value = "a completely different and much longer sentence"
    assert view.png != first and view.message_text == "" and "토큰 9개" in view.tokens.value
    view.text.value = "   "
    assert "비어 있습니다" in view.message_text and view.png  # the last good picture stays
    view.text.value = "good"
    # The picture comes from the cache; the token line must be the one of "good" again, not the long sentence's.
    assert view.png == first and view.message_text == "" and view.tokens.value == first_tokens
    assert view.save_png(tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert repr(view) == "ClassifyView(labels=['LABEL_0', 'LABEL_1'], lang='ko')"


def test_the_prediction_has_one_title_not_two_on_top_of_each_other():
    from lesson_lib.i18n import t
    from lesson_lib.views._speedups import Labels
    from lesson_lib.views.classify import render_prediction

    fig = render_prediction(torch.tensor([0.25, 0.75]), ["NEGATIVE", "POSITIVE"], lang="en")
    texts = [text for artist in fig.findobj(Labels) for text in artist.texts]
    assert texts.count(t("classify.title.prediction", "en", label="POSITIVE", probability=0.75)) == 1
    assert t("softmax.title.probabilities", "en", temperature="1") not in texts
