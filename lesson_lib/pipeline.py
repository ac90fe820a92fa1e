"""``pipeline("sentiment-analysis")``: the one line the seed starts from, and the five lines inside it.

The seed's section is called "under the hood" *of the pipeline*. This file is that pipeline,
small enough to read in one screen. Its ``__call__`` is the whole classification pipeline:

    batch  = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")   # ch. 01-02
    logits = model(**batch).logits                                                  # ch. 03
    scores = softmax(logits)                                                        # ch. 04
    label  = model.config.id2label[scores.argmax()]                                 # ch. 04

    >>> classifier = pipeline("sentiment-analysis")                  # doctest: +SKIP
    >>> classifier("We hope you don't hate it.")                     # doctest: +SKIP
    [{'label': 'NEGATIVE', 'score': 0.85...}]

The answers have the shape of 🤗 Transformers' text-classification pipeline, on the same
checkpoint the same labels and scores (tests/test_pipeline.py compares them):

* a string gives a list with one ``{"label", "score"}`` dict; a list of strings, one dict per text;
* ``top_k=None`` gives every label, best first (for a list of texts: one list per text);
  ``top_k=k`` the best k, also as a list;
* scores are a softmax over the labels (a sigmoid for one label or multi-label models), or
  ``function_to_apply="none"`` for the raw logits.

Where the kit differs, on purpose: the default model is the offline ``DEFAULT_MODEL``, not a hub
download; the kit truncates texts longer than the model's length (Transformers fails on them unless
you pass ``truncation=True``, as you can here too); a list of texts runs as one padded batch
(Transformers runs them one by one unless ``batch_size`` is given; the scores agree to about 1e-6).

Used in: notebooks/*/00_overview (run the pipeline, then open it).
"""

from __future__ import annotations

import torch

from . import functional as F
from .errors import InputTypeError, InputValueError, Phrase
from .hub import DEFAULT_MODEL
from .models import AutoModelForSequenceClassification
from .tokenize import AutoTokenizer

# The tasks this kit has, and the name Transformers gives each (both spellings work there too).
TASKS = {"sentiment-analysis": "text-classification", "text-classification": "text-classification"}

# Transformers' pipeline() takes many more arguments (batch_size, revision, dtype...). The kit
# refuses them by name rather than ignoring them: an ignored argument is a silent wrong answer.
_FUNCTIONS = ("default", "softmax", "sigmoid", "none")


class TextClassificationPipeline:
    """Text in, ``[{"label": ..., "score": ...}]`` out: tokenizer, model and softmax behind one call.

    >>> classifier = TextClassificationPipeline(model, tokenizer)    # doctest: +SKIP
    >>> classifier(["I love it.", "I hate it."], top_k=None)          # doctest: +SKIP
    """

    task = "text-classification"

    def __init__(self, model, tokenizer, **options):
        self.model, self.tokenizer = model, tokenizer
        self.defaults = {"top_k": "", "function_to_apply": "default", "truncation": True, **_check_options(**options)}

    def __call__(self, inputs, **options):
        options = {**self.defaults, **_check_options(**options)}
        texts, pairs, one = _check_inputs(inputs)

        # The five lines of chapter 00, for every text at once.
        batch = self.tokenizer(texts, pairs, padding=True, truncation=options["truncation"], return_tensors="pt")
        with torch.no_grad():  # no training here: skip the bookkeeping gradients would need
            logits = self.model(**batch).logits  # (B, C)
        scores = self._scores(logits, options["function_to_apply"])  # (B, C)
        results = [self._answer(row, options["top_k"]) for row in scores]

        # Transformers' answer shapes: one text and no top_k -> [dict] (but one pair -> dict);
        # otherwise one answer per input.
        if one:
            return results if options["top_k"] == "" and isinstance(inputs, str) else results[0]
        return results

    def _scores(self, logits: torch.Tensor, function: str) -> torch.Tensor:
        config = self.model.config
        if function == "default":  # what the model was trained for decides
            if config.problem_type == "regression":
                function = "none"
            elif config.problem_type == "multi_label_classification" or config.num_labels == 1:
                function = "sigmoid"
            else:
                function = "softmax"
        if function == "softmax":
            return F.softmax(logits, dim=-1)
        if function == "sigmoid":
            return torch.sigmoid(logits)
        return logits

    def _answer(self, scores: torch.Tensor, top_k):
        names = self.model.config.id2label
        if top_k == "":  # not given: the best label only, as one dict
            best = int(scores.argmax())
            return {"label": names[best], "score": float(scores[best])}
        ranked = sorted(({"label": names[i], "score": float(s)} for i, s in enumerate(scores.tolist())),
                        key=lambda d: d["score"], reverse=True)
        return ranked if top_k is None else ranked[:top_k]

    def __repr__(self) -> str:
        return f"TextClassificationPipeline(model={self.model.name_or_path!r}, labels={list(self.model.config.id2label.values())})"


def pipeline(task: str, model=None, tokenizer=None, **options) -> TextClassificationPipeline:
    """Build a classifier for ``task`` from a model name, folder or object (default: ``DEFAULT_MODEL``).

    >>> classifier = pipeline("sentiment-analysis")                        # doctest: +SKIP
    >>> classifier = pipeline("text-classification", model="my_model")     # doctest: +SKIP
    """
    if not isinstance(task, str) or task not in TASKS:
        raise InputValueError("error.pipeline.unknown_task", task=f"{task!r}", tasks=', '.join(map(repr, TASKS)))
    _check_options(**{k: v for k, v in options.items() if k != "device"})  # before any loading: fail fast
    device = options.pop("device", None)
    if device not in (None, "cpu", -1) and not (isinstance(device, torch.device) and device.type == "cpu"):
        raise InputValueError("error.pipeline.device", device=f"{device!r}")
    if model is None:
        if tokenizer is not None:
            raise InputValueError("error.pipeline.tokenizer_without_model")
        model = DEFAULT_MODEL
    if isinstance(model, str):
        tokenizer = tokenizer if tokenizer is not None else model
        model = AutoModelForSequenceClassification.from_pretrained(model)
    elif not hasattr(model, "config"):
        raise InputTypeError("error.pipeline.model_type", type=type(model).__name__)
    if tokenizer is None:  # as Transformers does: the tokenizer saved with the model
        if not model.name_or_path:
            raise InputValueError("error.pipeline.tokenizer_needed")
        tokenizer = model.name_or_path
    if isinstance(tokenizer, str):
        tokenizer = AutoTokenizer.from_pretrained(tokenizer)
    return TextClassificationPipeline(model, tokenizer, **options)


def _check_options(**options) -> dict:
    known = {"top_k", "function_to_apply", "truncation"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise InputTypeError("error.pipeline.unknown_options", unknown=str(unknown), known=str(sorted(known)))
    top_k = options.get("top_k", "")
    if top_k not in ("", None) and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise InputValueError("error.pipeline.top_k", top_k=f"{top_k!r}")
    function = options.get("function_to_apply", "default")
    if not isinstance(function, str) or function.lower() not in _FUNCTIONS:
        raise InputValueError(
            "error.pipeline.function_to_apply", choices=str(list(_FUNCTIONS)), function=f"{function!r}",
        )
    if "function_to_apply" in options:
        options["function_to_apply"] = function.lower()
    return options


def _check_inputs(inputs) -> tuple[list[str], list[str] | None, bool]:
    """(texts, pairs or None, whether a single input was given)."""
    one = isinstance(inputs, (str, dict))
    items = [inputs] if one else inputs
    if not isinstance(items, (list, tuple)) or not items:
        raise InputTypeError(
            "error.pipeline.inputs_type", type=type(inputs).__name__,
            empty=Phrase("error.pipeline.empty") if isinstance(items, (list, tuple)) else "",
        )
    if all(isinstance(x, str) for x in items):
        return list(items), None, one
    if all(isinstance(x, dict) and set(x) == {"text", "text_pair"} for x in items):
        return [x["text"] for x in items], [x["text_pair"] for x in items], one
    bad = next(x for x in items if not isinstance(x, str))
    raise InputTypeError("error.pipeline.mixed_inputs", bad=f"{bad!r:.60}")
