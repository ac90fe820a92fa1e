"""Properties checked on generated inputs (hypothesis).

* Padding never changes a sentence's logits, and the mask counts exactly its tokens.
* Whatever a learner passes (any text, any option value, any id tensor), the result is either
  a valid output or a lesson_lib error raised by lesson_lib's own code; never a crash inside torch.

``decode(encode(text))`` on text the vocabulary covers is pinned in tests/test_tokenize.py
(test_decode_inverts_encode_on_covered_text), so it is not repeated here.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers import TINY_BERT, check_ours, tiny_model
from lesson_lib.errors import InputValueError, LessonError

MAX_POSITIONS = TINY_BERT["max_position_embeddings"]  # 64 in both tiny models
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def models():
    return {kind: tiny_model(kind) for kind in ("distilbert", "bert")}


# Text from every Unicode category (hypothesis leaves out lone surrogates), plus words the
# vocabulary knows, so that batches mix [UNK]-heavy and ordinary sentences of varied lengths.
WORDS = st.sampled_from(["we", "hope", "you", "don't", "hate", "it", "한국어", "🤗", "café", ".", "unaffable"])
SENTENCE = st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=30).map(" ".join))


@settings(max_examples=30, **SETTINGS)
@given(texts=st.lists(SENTENCE, min_size=1, max_size=4), padding=st.sampled_from([True, "longest", "max_length"]),
       kind=st.sampled_from(["distilbert", "bert"]))
def test_padding_never_changes_a_sentence(tok, models, texts, padding, kind):
    model = models[kind]
    batch = tok(texts, padding=padding, truncation=True, max_length=MAX_POSITIONS, return_tensors="pt")
    with torch.no_grad():
        padded = model(**batch).logits  # (B, C)
        for i, text in enumerate(texts):
            alone = tok(text, truncation=True, max_length=MAX_POSITIONS, return_tensors="pt")
            n = alone["input_ids"].shape[1]
            mask = batch["attention_mask"][i]
            assert int(mask.sum()) == n
            assert mask[:n].all() and not mask[n:].any()  # padding is on the right, and only padding
            assert torch.equal(batch["input_ids"][i, :n], alone["input_ids"][0])
            assert (batch["input_ids"][i, n:] == tok.pad_token_id).all()
            assert torch.allclose(padded[i], model(**alone).logits[0], atol=1e-5, rtol=0)


ANY_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**10), st.floats(allow_nan=True),
                      st.text(max_size=12), st.sampled_from(["longest", "max_length", "do_not_pad", "longest_first",
                                                             "only_first", "only_second", "do_not_truncate", "pt",
                                                             "np", "tf", "jax", "PT"]))
ANY_TEXT = st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=5), SENTENCE,
                     st.lists(st.one_of(SENTENCE, st.none(), st.integers()), max_size=4))


def mostly(valid, anything=ANY_VALUE):
    """Valid values three times in four, anything at all otherwise: errors and accepted calls both get tried.

    (Not ``st.one_of(valid, anything)``: hypothesis flattens nested one_ofs and picks among all their
    branches, so the six kinds of "anything" would win six times in seven.)
    """
    return st.integers(0, 3).flatmap(lambda i: valid if i else anything)


@settings(max_examples=150, **SETTINGS)
@given(text=mostly(st.one_of(SENTENCE, st.lists(SENTENCE, min_size=1, max_size=4)), ANY_TEXT),
       padding=mostly(st.sampled_from([False, True, "longest", "max_length"])),
       truncation=mostly(st.sampled_from([None, False, True, "longest_first"])),
       max_length=mostly(st.one_of(st.none(), st.integers(-2, 2 * MAX_POSITIONS))),
       return_tensors=mostly(st.sampled_from(["pt", "np", None])), kind=st.sampled_from(["distilbert", "bert"]))
def test_any_tokenizer_call_gives_a_batch_or_our_error(tok, models, text, padding, truncation, max_length,
                                                       return_tensors, kind):
    try:
        batch = tok(text, padding=padding, truncation=truncation, max_length=max_length,
                    return_tensors=return_tensors)
    except LessonError as error:
        check_ours(error)
        event(f"tokenizer: {type(error).__name__}")
        return
    except (TypeError, ValueError, RuntimeError, OSError) as error:  # anything else is a bug
        pytest.fail(f"not a lesson_lib error: {type(error).__name__}: {error}")
    if isinstance(batch["input_ids"], list) and batch["input_ids"] and isinstance(batch["input_ids"][0], list) \
            and len({len(r) for r in batch["input_ids"]}) > 1:
        event("tokenizer: ragged lists")
        return  # ragged lists are fine as lists; the model says "pad them" (tested in test_errors.py)
    try:
        with torch.no_grad():
            logits = models[kind](**batch).logits
    except LessonError as error:  # only the tiny model's 64 positions may stop an accepted batch
        check_ours(error, InputValueError, f"only {MAX_POSITIONS} positions")
        event("model: too long")
        return
    event("model: logits")
    assert torch.isfinite(logits).all()


@settings(max_examples=100, **SETTINGS)
@given(ids=st.one_of(st.integers(0, 70).flatmap(lambda T: st.lists(  # rectangular, mostly inside the vocabulary
    st.lists(st.one_of(st.integers(0, 30_521), st.integers(-3, 30_530)), min_size=T, max_size=T),
    min_size=0, max_size=3)), st.lists(st.lists(st.integers(0, 200), max_size=5), max_size=3)),  # or ragged
       mask_bit=st.sampled_from([None, 0, 1, 2]), kind=st.sampled_from(["distilbert", "bert"]))
def test_any_id_matrix_gives_logits_or_our_error(models, ids, mask_bit, kind):
    mask = None
    if mask_bit is not None:
        mask = [[mask_bit if j == len(row) - 1 else 1 for j in range(len(row))] for row in ids]
    try:
        with torch.no_grad():
            logits = models[kind](ids, mask).logits
    except LessonError as error:
        check_ours(error)
        event(f"model: {str(error)[:25]}")
        return
    event("model: logits")
    assert logits.shape == (len(ids), 2) and torch.isfinite(logits).all()
