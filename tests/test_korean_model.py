"""The shipped Korean model (lesson_lib.KOREAN_MODEL): loads offline and gets clear sentences right.

The twenty sentences below were written for this test before the model was trained (ten each way,
short and clear, none from NSMC). Harder cases (sarcasm, slang, English) are measured in the
folder's MODEL_CARD.md, not asserted here. How fast it loads is a benchmark figure
(tests/test_bench_cold.py, bench/results.md section 1).
"""

from __future__ import annotations

import json

import pytest
import torch

import lesson_lib
from lesson_lib import KOREAN_MODEL, AutoModelForSequenceClassification, AutoTokenizer
from lesson_lib.hub import KOREAN_DIR, resolve

TARGET = "이 영화 정말 재미있어요"
POSITIVE = [
    "정말 재미있는 영화였어요",
    "배우들 연기가 최고예요",
    "감동적이고 아름다운 영화",
    "또 보고 싶은 명작입니다",
    "올해 본 영화 중 최고",
    "음악도 좋고 스토리도 좋아요",
    "시간 가는 줄 모르고 봤어요",
    "강력 추천합니다",
    "가족과 함께 보기 좋은 따뜻한 영화",
    "완벽한 영화, 꼭 보세요",
]
NEGATIVE = [
    "정말 지루한 영화였어요",
    "시간 낭비였다",
    "스토리가 엉망이고 연기도 별로",
    "돈이 아까운 영화",
    "최악의 영화입니다",
    "보다가 잠들었어요",
    "너무 유치하고 재미없다",
    "다시는 보고 싶지 않아요",
    "배우 연기가 어색하고 내용도 없다",
    "이게 영화냐",
]


@pytest.fixture(scope="module")
def korean():
    return AutoTokenizer.from_pretrained(KOREAN_MODEL), AutoModelForSequenceClassification.from_pretrained(KOREAN_MODEL).eval()


def p_positive(korean, texts):
    tok, model = korean
    enc = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        return torch.softmax(model(**enc).logits, -1)[:, 1]


def test_name_resolves_to_the_shipped_folder():
    assert lesson_lib.KOREAN_MODEL == "lesson-lib/ko-bert-nsmc"
    source = resolve(KOREAN_MODEL)
    assert source.kind == "offline" and source.tokenizer_dir == KOREAN_DIR


def test_shipped_folder_is_complete_small_and_float32():
    from safetensors import safe_open

    names = {"config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
             "special_tokens_map.json", "MODEL_CARD.md", "training_metrics.json"}
    assert names <= {p.name for p in KOREAN_DIR.iterdir()}
    assert (KOREAN_DIR / "model.safetensors").stat().st_size <= 20e6
    with safe_open(KOREAN_DIR / "model.safetensors", "pt") as f:
        assert {f.get_slice(k).get_dtype() for k in f.keys()} == {"F32"}
    tcfg = json.loads((KOREAN_DIR / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tcfg["do_lower_case"] is True and tcfg["strip_accents"] is False


def test_loads_with_labels_and_no_new_weights(korean):
    tok, model = korean
    assert type(model).__name__ == "BertForSequenceClassification"
    assert model.config.id2label == {0: "NEGATIVE", 1: "POSITIVE"}
    assert model.load_report.newly_initialised == [] and model.load_report.unused == []
    pieces = tok.tokenize(TARGET)
    # whole Hangul syllables (U+AC00-U+D7A3), never the jamo an uncased NFD normaliser would leave
    assert pieces[0] == "이" and all(0xAC00 <= ord(c) <= 0xD7A3 for p in pieces for c in p.removeprefix("##"))


def test_target_sentence_is_positive(korean):
    assert p_positive(korean, [TARGET])[0].item() >= 0.9


# Issue 14.3 wants all twenty right. An earlier shipped model (two layers, half an epoch of masked-LM
# pre-training) had "정말 지루한 영화였어요" wrong at 0.56; this one (three layers) has it at 0.48, the
# closest of the twenty. A sentence listed here is one the card admits to: the test fails if it is fixed (remove it
# then) or if any other sentence goes wrong.
KNOWN_WRONG: set[str] = set()


@pytest.mark.parametrize("label, texts", [(1, POSITIVE), (0, NEGATIVE)], ids=["positive", "negative"])
def test_twenty_clear_sentences(korean, label, texts):
    p = p_positive(korean, texts)
    wrong = {t for t, x in zip(texts, p.tolist()) if (x > 0.5) != bool(label)}
    assert wrong == KNOWN_WRONG & set(texts)


def test_decomposed_input_gives_the_same_answer(korean):
    import unicodedata

    nfc, nfd = p_positive(korean, [TARGET, unicodedata.normalize("NFD", TARGET)])
    assert abs(nfc.item() - nfd.item()) < 1e-6


def test_card_numbers_match_the_metrics():
    metrics = json.loads((KOREAN_DIR / "training_metrics.json").read_text(encoding="utf-8"))
    card = (KOREAN_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    acc = metrics["accuracy"]
    assert f"**{100 * acc['final']:.1f}%**" in card and f"{100 * acc['baseline']:.1f}%" in card
    assert ("does not beat the simple baseline" in card) == (acc["final"] <= acc["baseline"])


def test_beats_the_ngram_baseline():
    metrics = json.loads((KOREAN_DIR / "training_metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy"]["final"] > metrics["accuracy"]["baseline"]


@pytest.mark.oracle
def test_same_logits_in_transformers(korean):
    transformers = pytest.importorskip("transformers")
    tok, model = korean
    theirs_tok = transformers.AutoTokenizer.from_pretrained(KOREAN_DIR)
    theirs = transformers.AutoModelForSequenceClassification.from_pretrained(KOREAN_DIR, attn_implementation="eager").eval()
    texts = [TARGET, "ㅋㅋ 노잼 ABC", *NEGATIVE[:3]]
    ours_enc, their_enc = tok(texts, padding=True, return_tensors="pt"), theirs_tok(texts, padding=True, return_tensors="pt")
    assert ours_enc["input_ids"].tolist() == their_enc["input_ids"].tolist()
    with torch.no_grad():
        a, b = model(**ours_enc).logits, theirs(**their_enc).logits
    assert torch.allclose(a, b, atol=1e-5)


# --- what chapters 08 and 09 say about the Korean model -------------------------------------------------

DATA = KOREAN_DIR.parent.parent / "data"


def _tsv(name):
    import csv

    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_chapter_08s_reviews_come_only_from_movies_the_model_was_not_trained_on():
    import sys

    sys.path.insert(0, str(KOREAN_DIR.parents[2] / "tools"))
    from korean.data import heldout_movie

    every = json.loads((KOREAN_DIR / "training_metrics.json").read_text(encoding="utf-8"))["config"]["heldout_every"]
    rows = _tsv("nsmc_heldout.tsv")
    assert list(rows[0]) == ["id", "movie_id", "document", "label"]
    assert len(rows) == 200 and sum(r["label"] == "1" for r in rows) == 100
    assert len({r["id"] for r in rows}) == 200 and all(r["document"].strip() for r in rows)
    # If the training command's split changes, this slice must be drawn again (lesson_lib/data/README.md).
    assert [r["movie_id"] for r in rows if not heldout_movie(r["movie_id"], every)] == []


def test_chapter_09s_korean_vocabulary_loses_no_word_of_the_unseen_sentences():
    tok = AutoTokenizer.from_pretrained(KOREAN_MODEL)
    held_out = [r["text"] for r in _tsv("mini_sentiment.tsv") if r["lang"] == "ko"]
    assert sum(tok.tokenize(s).count("[UNK]") for s in held_out) == 0
    # The five words chapter 09's small tokenizer loses for want of a ## piece are split here.
    for word in ["분위기가", "문제없이", "불친절하고", "오래됐어요", "이곳은"]:
        pieces = tok.tokenize(word)
        assert "[UNK]" not in pieces and "".join(p.removeprefix("##") for p in pieces) == word
