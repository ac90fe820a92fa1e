"""pipeline(): the seed's first line, answering like 🤗 Transformers' pipeline on the same folder."""

from __future__ import annotations

import warnings

import pytest
import torch

import lesson_lib
from lesson_lib import DEFAULT_MODEL, InputTypeError, InputValueError
from lesson_lib.pipeline import TextClassificationPipeline, pipeline

TEXTS = [
    "We are very happy to show you the 🤗 Transformers library.",
    "We hope you don't hate it.",
    "An utterly boring film.",
    "A warm, funny and clever story.",
]


@pytest.fixture(scope="module")
def classifier():
    return pipeline("sentiment-analysis")


@pytest.fixture(scope="module")
def saved_default(tmp_path_factory, classifier):
    folder = tmp_path_factory.mktemp("default")
    classifier.model.save_pretrained(folder)
    classifier.tokenizer.save_pretrained(folder)
    return folder


def test_the_seed_sentence_through_the_pipeline(classifier):
    out = classifier(TEXTS[0])
    assert isinstance(out, list) and len(out) == 1 and set(out[0]) == {"label", "score"}
    assert out[0]["label"] == "POSITIVE" and out[0]["score"] > 0.99


def test_the_pipeline_is_the_five_lines_of_chapter_00(classifier):
    # The same numbers as the hand-written steps: tokenizer -> model -> softmax -> label.
    tok, model = lesson_lib.AutoTokenizer.from_pretrained(DEFAULT_MODEL), classifier.model
    batch = tok(TEXTS, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        probs = torch.softmax(model(**batch).logits, dim=-1)
    out = classifier(TEXTS)
    assert [d["label"] for d in out] == [model.config.id2label[int(i)] for i in probs.argmax(-1)]
    assert [d["score"] for d in out] == pytest.approx(probs.max(-1).values.tolist(), abs=1e-6)


@pytest.mark.parametrize("call", [
    lambda p: p(TEXTS[1]),
    lambda p: p(TEXTS),
    lambda p: p(TEXTS[1], top_k=None),
    lambda p: p(TEXTS, top_k=None),
    lambda p: p(TEXTS[1], top_k=1),
    lambda p: p(TEXTS, top_k=1),
    lambda p: p(TEXTS[2], top_k=2),
    lambda p: p(TEXTS, function_to_apply="none"),
    lambda p: p(TEXTS[3], function_to_apply="sigmoid", top_k=None),
    lambda p: p({"text": TEXTS[1], "text_pair": TEXTS[2]}),
    lambda p: p([{"text": TEXTS[0], "text_pair": TEXTS[3]}, {"text": TEXTS[2], "text_pair": TEXTS[1]}], top_k=None),
])
@pytest.mark.oracle
def test_same_answers_as_transformers(call, saved_default, classifier):
    transformers = pytest.importorskip("transformers")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = transformers.pipeline("text-classification", model=str(saved_default), device="cpu")
    ours, expected = call(classifier), call(theirs)

    def flatten(x):  # same nesting, same labels, scores side by side
        if isinstance(x, dict):
            return [(x["label"], x["score"])]
        assert isinstance(x, list)
        return [("[", len(x))] + [item for e in x for item in flatten(e)]

    a, b = flatten(ours), flatten(expected)
    assert [k for k, _ in a] == [k for k, _ in b]
    worst = max(abs(x - y) for (_, x), (_, y) in zip(a, b))
    assert worst < 1e-4, worst


def test_top_k_none_gives_every_label_best_first(classifier):
    out = classifier("What a lovely, warm film.", top_k=None)
    assert [d["label"] for d in out] == ["POSITIVE", "NEGATIVE"]
    assert sum(d["score"] for d in out) == pytest.approx(1.0, abs=1e-6)
    assert out[0]["score"] >= out[1]["score"]


def test_options_given_when_building_apply_to_every_call():
    p = pipeline("text-classification", top_k=None)
    assert len(p("Fine.")) == 2
    assert len(p("Fine.", top_k=1)) == 1  # a call's own option wins


def test_long_text_is_truncated_to_the_model_length(classifier):
    out = classifier("good " * 2000)
    assert out[0]["label"] in ("POSITIVE", "NEGATIVE")


def test_a_model_object_brings_its_own_tokenizer(classifier):
    p = pipeline("sentiment-analysis", model=classifier.model)
    assert isinstance(p, TextClassificationPipeline)
    assert p(TEXTS[1]) == classifier(TEXTS[1])
    assert "POSITIVE" in repr(p)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"task": "summarization"}, InputValueError, "'sentiment-analysis'"),
    ({"task": "sentiment-analysis", "batch_size": 8}, InputTypeError, "batch_size"),
    ({"task": "sentiment-analysis", "device": "cuda"}, InputValueError, "CPU"),
    ({"task": "sentiment-analysis", "top_k": 0}, InputValueError, "top_k"),
    ({"task": "sentiment-analysis", "function_to_apply": "tanh"}, InputValueError, "function_to_apply"),
    ({"task": "sentiment-analysis", "tokenizer": DEFAULT_MODEL}, InputValueError, "without a model"),
])
def test_bad_arguments_are_named(kwargs, error, words):
    with pytest.raises(error, match=words):
        pipeline(**kwargs)


@pytest.mark.parametrize("inputs, words", [
    ([], "empty"),
    (42, "int"),
    (["fine", 3], "3"),
    ({"text": "only one half"}, "text_pair"),
])
def test_bad_inputs_are_named(classifier, inputs, words):
    with pytest.raises(InputTypeError, match=words):
        classifier(inputs)
