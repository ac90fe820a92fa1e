"""The Korean WordPiece tokenizer, and reviews as flat id arrays cut into length-sorted batches.

Used in: tools/train_korean.py (step 2); tests/test_train_korean.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")  # ids 0-4, in BERT's usual roles
PAD, UNK, CLS, SEP, MASK = range(5)


def train_tokenizer(texts: list[str], vocab_size: int):
    """A WordPiece tokenizer (``tokenizers``) whose normaliser keeps Hangul syllables whole.

    >>> tok = train_tokenizer(["이 영화 정말 재미있어요"] * 20, 100)
    >>> tok.encode("이 영화").tokens[:2]
    ['[CLS]', '이']
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    # NFC first: a review typed on a phone may carry decomposed jamo; NFC joins them into syllables.
    # Then BERT's cleaning and lower-casing, with strip_accents=False: stripping works on NFD text
    # and would take the syllables apart again.
    tok.normalizer = normalizers.Sequence([
        normalizers.NFC(),
        normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=True),
    ])
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(SPECIALS), min_frequency=2,
                                        show_progress=False, continuing_subword_prefix="##")
    tok.train_from_iterator(texts, trainer=trainer)
    # The trainer breaks ties in hash-map order, which changes from run to run: its id order is not
    # reproducible, so we number the tokens ourselves (specials first, then the rest in code-point
    # order), and a few tokens tied at the vocabulary's cut-off may differ (8 of 30000 between two runs
    # on the same data, 2026-12-01; the accuracy did not move).
    learned = sorted(set(tok.get_vocab()) - set(SPECIALS))
    tok.model = models.WordPiece({t: i for i, t in enumerate([*SPECIALS, *learned])}, unk_token="[UNK]",
                                 max_input_chars_per_word=100, continuing_subword_prefix="##")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", CLS), ("[SEP]", SEP)])
    return tok


def save_tokenizer(tok, folder: Path, max_length: int) -> None:
    """vocab.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json: read the same by both libraries."""
    vocab = tok.get_vocab()
    words = sorted(vocab, key=vocab.get)
    (folder / "vocab.txt").write_text("".join(w + "\n" for w in words), encoding="utf-8")
    tok.save(str(folder / "tokenizer.json"))
    config = {
        # Not "BertTokenizer": transformers would rebuild BERT's normaliser from the flags below and
        # drop the file's NFC step (text typed on macOS arrives decomposed). Under this name it runs
        # tokenizer.json as written; lesson_lib reads it back as BERT from model_input_names.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_input_names": ["input_ids", "token_type_ids", "attention_mask"],
        "do_lower_case": True,
        "strip_accents": False,  # keep Hangul syllables (see train_tokenizer)
        "tokenize_chinese_chars": True,
        "model_max_length": max_length,
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]",
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", "utf-8")
    specials = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                "mask_token": "[MASK]"}
    (folder / "special_tokens_map.json").write_text(json.dumps(specials, indent=2) + "\n", "utf-8")


@dataclass
class Tokens:
    """All reviews' token ids in one flat array; review i is ids[offsets[i]:offsets[i+1]]."""

    ids: np.ndarray
    offsets: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1


def encode_all(tok, texts: list[str], max_length: int) -> Tokens:
    tok.enable_truncation(max_length)
    rows = [e.ids for e in tok.encode_batch(texts)]
    tok.no_truncation()
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    return Tokens(np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(offsets[-1])), offsets)


def padded(tokens: Tokens, rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, attention_mask), both (B, T), right-padded with [PAD] = 0."""
    lengths = tokens.lengths[rows]
    t = np.arange(int(lengths.max()))[None, :]  # (1, T)
    real = t < lengths[:, None]  # (B, T)
    where = np.minimum(tokens.offsets[rows][:, None] + t, len(tokens.ids) - 1)
    ids = np.where(real, tokens.ids[where], PAD)
    return torch.from_numpy(ids), torch.from_numpy(real.astype(np.int64))


def length_batches(lengths: np.ndarray, size: int, rng: np.random.Generator | None, pool: int = 50):
    """Batches of reviews of nearly equal length, so little time goes into padding.

    With ``rng``: shuffle, cut into pools of ``pool`` batches, sort each pool by length, cut it into
    batches, and shuffle the batches. Without: one pass sorted by length (evaluation).
    """
    order = np.arange(len(lengths))
    if rng is None:
        order = order[np.argsort(lengths, kind="stable")]
        return [order[i:i + size] for i in range(0, len(order), size)]
    order = rng.permutation(order)
    batches = []
    for start in range(0, len(order), size * pool):
        chunk = order[start:start + size * pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i:i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches
