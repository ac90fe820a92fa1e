"""ClassifyView: the whole pipeline behind one text box (chapters 00, 08, 09), and which model reads a text."""

from __future__ import annotations

import torch

# From the module itself: the package name `classify` would also name this module (lazy imports in views/__init__.py).
from lesson_lib.views.classify import ClassifyView, classify


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


def test_pick_model_sends_hangul_to_the_korean_model_only_when_there_is_one():
    from lesson_lib.views.classify import pick_model

    both = {"en": None, "ko": None}
    assert pick_model("이 영화 정말 재미있어요", both) == "ko"
    assert pick_model("완전 awesome 한 영화", both) == "ko"  # one Hangul word makes it Korean
    assert pick_model("ㅋㅋㅋ", both) == "ko"  # compatibility jamo, as typed on a phone
    assert pick_model("\u1100\u1161", both) == "ko"  # conjoining jamo (what NFD leaves of 가)
    assert pick_model("What a film.", both) == "en"
    assert pick_model("Café ☕ 2024", both) == "en"  # accents and symbols are not Hangul
    assert pick_model("이 영화 정말 재미있어요", {"en": None}) == "en"  # no Korean model: the only one there is


def test_korean_text_goes_to_the_korean_model_and_says_so(tiny_bert):
    from lesson_lib import KOREAN_MODEL, AutoModelForSequenceClassification, AutoTokenizer

    ko_tok = AutoTokenizer.from_pretrained(KOREAN_MODEL)
    ko_model = AutoModelForSequenceClassification.from_pretrained(KOREAN_MODEL)
    view = ClassifyView(tiny_bert, _tokenizer(), text="이 영화 정말 재미있어요", korean=KOREAN_MODEL, lang="en")
    assert view.reader == "ko" and view.message_text == ""
    # The Korean vocabulary's tokens (whole syllables, a whole word), not the English one's jamo and [UNK].
    assert view.tokens.value == "<code>lesson-lib/ko-bert-nsmc: 6 tokens: [CLS] 이 영화 정말 재미있어요 [SEP]</code>"
    assert repr(view) == "ClassifyView(labels=['NEGATIVE', 'POSITIVE'], model='ko', lang='en')"
    korean_png = view.png
    # The picture is the Korean model's prediction: the same bars as render_prediction of its probabilities.
    probs, _ = classify(ko_model, ko_tok, ["이 영화 정말 재미있어요"])
    from lesson_lib.views import render_prediction
    from lesson_lib.views._style import figure_png

    assert korean_png == figure_png(render_prediction(probs[0], ["NEGATIVE", "POSITIVE"], text="이 영화 정말 재미있어요",
                                                       lang="en"))

    view.text.value = "good"  # English text: back to the first model, with its own labels
    assert view.reader == "en" and repr(view) == "ClassifyView(labels=['LABEL_0', 'LABEL_1'], model='en', lang='en')"
    assert view.tokens.value.startswith("<code>") and "good" in view.tokens.value and view.png != korean_png
    view.text.value = "이 영화 정말 재미있어요"  # from the cache: the token line and labels follow the text again
    assert view.reader == "ko" and view.png == korean_png and view.tokens.value.startswith("<code>lesson-lib/ko-bert-nsmc")


def test_a_korean_model_given_by_name_loads_with_the_first_hangul_text(tiny_bert, tmp_path):
    """korean="lesson-lib/ko-bert-nsmc" costs nothing until a Hangul text needs it; a wrong name fails at once."""
    import pytest

    from lesson_lib import KOREAN_MODEL
    from lesson_lib.errors import CheckpointError, LessonError

    view = ClassifyView(tiny_bert, _tokenizer(), text="good", korean=KOREAN_MODEL, lang="en")
    assert view.reader == "en" and view.models["ko"] == KOREAN_MODEL  # a name, not yet a model
    view.text.value = "이 영화 정말 재미있어요"
    model, tok = view.models["ko"]
    assert view.reader == "ko" and model.name_or_path == KOREAN_MODEL and tok("영화")["input_ids"][0] == tok.cls_token_id
    assert view.tokens.value.startswith("<code>lesson-lib/ko-bert-nsmc: 6 tokens:")
    view.text.value = "정말 별로예요"  # loaded once: the same objects serve the next Korean text
    assert view.models["ko"][0] is model

    (tmp_path / "weights.txt").write_text("not a folder")
    with pytest.raises(CheckpointError):
        ClassifyView(tiny_bert, _tokenizer(), korean=tmp_path / "weights.txt")
    with pytest.raises(LessonError):
        ClassifyView(tiny_bert, _tokenizer(), korean=str(tmp_path / "no such folder" / "x" / "y"))


def test_without_korean_a_korean_sentence_stays_with_the_one_model(tiny_bert):
    view = ClassifyView(tiny_bert, _tokenizer(), text="이 영화 정말 재미있어요", lang="ko")
    assert view.reader == "en" and repr(view) == "ClassifyView(labels=['LABEL_0', 'LABEL_1'], lang='ko')"
    assert "[UNK]" in view.tokens.value and "lesson-lib" not in view.tokens.value


def test_a_wrong_korean_argument_says_what_to_pass(tiny_bert):
    import pytest

    from lesson_lib.errors import InputTypeError

    with pytest.raises(InputTypeError, match=r"korean= takes \(model, tokenizer\)"):
        ClassifyView(tiny_bert, _tokenizer(), korean=tiny_bert)


def test_the_prediction_shows_the_sentence_it_classifies(tiny_bert):
    """A stored picture of bars means nothing without its sentence (issue 16): the view writes it above them."""
    from lesson_lib.views._speedups import Labels

    view = ClassifyView(tiny_bert, _tokenizer(), text="good", lang="en")
    fig = view._figure()
    texts = [text for artist in fig.findobj(Labels) for text in artist.texts]
    assert "\u201cgood\u201d" in texts
