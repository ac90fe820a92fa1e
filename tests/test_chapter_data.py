"""The small datasets of chapters 08 and 09: formats, balance, no overlap, a deterministic tokenizer.

Chapter 09 trains a WordPiece tokenizer with ``tokenizers`` and prints what it learned; nbval
compares that text, so the learned token set must be the same on every run. The Rust trainer
breaks ties between equally frequent pairs in hash order (different per process), which makes
a vocabulary cut at ``vocab_size`` change between runs; cut by ``min_frequency`` it does not.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import lesson_lib

DATA = Path(lesson_lib.__file__).parent / "data"
HANGUL = range(0xAC00, 0xD7A4)


def _rows():
    with open(DATA / "mini_sentiment.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _corpus():
    return (DATA / "korean_corpus.txt").read_text(encoding="utf-8").splitlines()


def test_mini_sentiment_is_balanced_with_a_held_out_slice():
    rows = _rows()
    assert list(rows[0]) == ["label", "lang", "split", "text"]
    assert 120 <= len(rows) <= 200
    counts = Counter((r["split"], r["lang"], r["label"]) for r in rows)
    assert set(counts) == {(s, g, b) for s in ("train", "test") for g in ("en", "ko") for b in ("0", "1")}
    for lang in ("en", "ko"):
        for split in ("train", "test"):
            assert counts[(split, lang, "0")] == counts[(split, lang, "1")], (split, lang)
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts), "a sentence appears twice"
    for r in rows:
        text = r["text"]
        assert text == text.strip() and "\t" not in text and text
        assert unicodedata.is_normalized("NFC", text)
        has_hangul = any(ord(c) in HANGUL for c in text)
        assert has_hangul == (r["lang"] == "ko"), text


def test_korean_corpus_is_korean_nfc_unique_and_apart_from_the_held_out_text():
    corpus = _corpus()
    assert 300 <= len(corpus) <= 1000
    assert len(set(corpus)) == len(corpus), "a corpus sentence appears twice"
    assert all(line.strip() == line and line for line in corpus)
    assert all(unicodedata.is_normalized("NFC", line) and any(ord(c) in HANGUL for c in line) for line in corpus)
    held_out = {r["text"] for r in _rows() if r["lang"] == "ko"}
    assert not held_out & set(corpus)


def _train(corpus, min_frequency):
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, trainers
    from tokenizers.models import WordPiece

    tok = Tokenizer(WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=30_000, min_frequency=min_frequency, show_progress=False,
                                        special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    tok.train_from_iterator(corpus, trainer=trainer)
    return tok


def test_chapter_09s_tokenizer_learns_the_same_tokens_every_time():
    corpus = _corpus()
    vocabularies = [frozenset(_train(corpus, min_frequency=5).get_vocab()) for _ in range(4)]
    assert len(set(vocabularies)) == 1, "the trained token set changed between runs: chapter 09's output would too"


def test_chapter_09s_claims_hold():
    """A Korean vocabulary gives fewer tokens and fewer [UNK]s; a bigger one leaves the [UNK]s unchanged."""
    from lesson_lib import DEFAULT_MODEL, AutoTokenizer

    english = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
    held_out = [r["text"] for r in _rows() if r["lang"] == "ko"]
    corpus = _corpus()
    korean, bigger = _train(corpus, 5), _train(corpus, 2)
    assert len(bigger.get_vocab()) > len(korean.get_vocab())

    def count(split):
        pieces = [split(s) for s in held_out]
        return sum(map(len, pieces)), sum(p.count("[UNK]") for p in pieces)

    en_tokens, en_unk = count(english.tokenize)
    ko_tokens, ko_unk = count(lambda s: korean.encode(s).tokens)
    assert ko_tokens < en_tokens and ko_unk < en_unk
    assert count(lambda s: bigger.encode(s).tokens)[1] == ko_unk  # [UNK] count unchanged with
    # the bigger corpus: unseen syllables, and syllables seen only at a word's start (no ## piece; chapter 09)
    # The English vocabulary lacks the final consonant ᆻ, so "있" (NFD: ᄋ ᅵ ᆻ) sinks its word into [UNK].
    assert english.tokenize("있어요") == ["[UNK]"]


@pytest.mark.parametrize("name", ["mini_sentiment.tsv", "korean_corpus.txt", "README.md"])
def test_the_data_files_ship_with_the_package(name):
    assert (DATA / name).is_file()
