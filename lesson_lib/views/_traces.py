"""Where the forward-pass views get their trace: a finished one, or the model run on sentences the learner edits.

``LayerView`` (chapter 03) and ``AttentionView`` (chapter 05) both show one
``model.trace(**batch)``. Either the chapter hands them a trace it made, or it hands them the
model and the tokenizer: then a text box holds the sentences, one per line, and every edit
runs the model again. :class:`TraceSource` is that part, written once for both views.

>>> traced = run_trace(model, tok, ["I love it.", "Meh."])          # doctest: +SKIP
>>> traced.tokens[1], traced.mask[1]                                  # doctest: +SKIP
(['[CLS]', 'me', '##h', '.', '[SEP]', '[PAD]'], [1, 1, 1, 1, 1, 0])

Used in: views/layers.py, views/attention.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets

from ..i18n import t
from ..modeling import ForwardTrace
from ._base import ViewError, split_lines

MAX_MODEL_SENTENCES = 64  # the model runs on every edit: keep one run well under a second
MAX_KEPT_TRACES = 8  # traces kept per view, so that editing back to earlier sentences does not run the model
DEFAULT_TEXTS = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]


@dataclass
class TracedBatch:
    """A trace plus what is needed to label it: each sentence's tokens and mask, the label names."""

    trace: ForwardTrace
    tokens: list[list[str]]
    mask: list[list[int]]
    labels: list[str] | None = None
    texts: list[str] | None = None

    @property
    def n_sentences(self) -> int:
        return len(self.tokens)

    def n_real(self, sentence: int) -> int:
        """How many positions of ``sentence`` are real tokens (not padding)."""
        return int(sum(self.mask[sentence]))

    def names(self) -> list[str]:
        """One name per sentence for a menu: its text, or its tokens without padding."""
        if self.texts is not None:
            return self.texts
        return [" ".join(x for x in row if x != "[PAD]") for row in self.tokens]


def _rows(value) -> list[list[int]]:
    value = value.tolist() if hasattr(value, "tolist") else value
    return [value] if value and isinstance(value[0], int) else [list(r) for r in value]


def traced_batch(trace: ForwardTrace, batch=None, tokens=None, labels=None, texts=None) -> TracedBatch:
    """Label a trace: tokens from ``batch`` (a tokenizer output) or ``tokens``, else positions "0", "1", ..."""
    B, T = tuple(trace.steps[0].tensor.shape[:2])
    mask = [[1] * T for _ in range(B)]
    if batch is not None:
        if "attention_mask" in batch:
            mask = _rows(batch["attention_mask"])
        if tokens is None and hasattr(batch, "tokens"):
            tokens = [batch.tokens(i) for i in range(B)]
    if tokens is None:
        tokens = [[str(j) for j in range(T)] for _ in range(B)]
    if len(tokens) != B or any(len(row) != T for row in tokens) or len(mask) != B:
        raise ViewError("layers.error.tokens_mismatch", b=B, t=T)
    if isinstance(labels, dict):
        labels = [labels[k] for k in sorted(labels)]
    return TracedBatch(trace, [list(r) for r in tokens], mask, list(labels) if labels is not None else None, texts)


def run_trace(model, tokenizer, texts) -> TracedBatch:
    """Tokenize ``texts`` (padded, truncated to the model's limit) and trace one forward pass."""
    texts = [x for x in ([texts] if isinstance(texts, str) else texts) if isinstance(x, str) and x.strip()]
    if not texts:
        raise ViewError("common.error.empty_batch")
    if len(texts) > MAX_MODEL_SENTENCES:
        raise ViewError("common.error.too_many", n=len(texts), limit=MAX_MODEL_SENTENCES)
    limit = getattr(model.config, "max_position_embeddings", 512)
    batch = tokenizer(texts, padding=True, truncation=True, max_length=min(limit, tokenizer.model_max_length),
                      return_tensors="pt")
    inputs = {k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
    if getattr(model.config, "type_vocab_size", None) is None:
        inputs.pop("token_type_ids", None)
    training = model.training
    model.eval()  # no dropout: the same text must give the same picture
    try:
        trace = model.trace(**inputs)
    finally:
        model.train(training)  # leave the learner's model as it was
    return traced_batch(trace, batch, labels=model.config.id2label, texts=texts)


class TraceSource:
    """The trace a view shows, and with a model, the text box of sentences it is made from.

    ``TraceSource(trace, batch=batch)``: a finished trace, labelled by the tokenizer output.
    ``TraceSource(model=model, tokenizer=tok, texts=[...], lang=LANG)``: the model runs on
    ``texts`` now, and again on the box's sentences after each edit (:meth:`rerun`).

    >>> source = TraceSource(model=model, tokenizer=tok, texts=["Hi."], lang="en")    # doctest: +SKIP
    >>> source.sentences.value = "Hi.\\nHello there."; source.rerun()               # doctest: +SKIP
    True
    """

    def __init__(self, trace: ForwardTrace | None = None, *, batch=None, tokens=None, labels=None, model=None,
                 tokenizer=None, texts=None, lang: str = "en"):
        if trace is None and (model is None or tokenizer is None):
            raise ViewError("layers.error.no_source")
        self.model, self.tokenizer = model, tokenizer
        self._kept: dict[tuple, TracedBatch] = {}  # sentences -> their trace
        self.error: Exception | None = None  # why the box's sentences could not be traced
        self.sentences: widgets.Textarea | None = None  # only with a model
        if trace is not None:
            self.traced = traced_batch(trace, batch, tokens, labels)
            return
        texts = DEFAULT_TEXTS if texts is None else ([texts] if isinstance(texts, str) else list(texts))
        self.traced = self._trace(texts)
        self.sentences = widgets.Textarea(value="\n".join(texts), description=t("common.label.sentences", lang),
                                          continuous_update=False, rows=max(2, min(len(texts), 6)),
                                          layout=widgets.Layout(width="95%"))

    @property
    def key(self) -> tuple | None:
        """What the current trace was made from (the sentences), for a view's picture cache."""
        return tuple(self.traced.texts) if self.sentences is not None else None

    def _trace(self, texts: list[str]) -> TracedBatch:
        key = tuple(texts)
        if key not in self._kept:
            if len(self._kept) >= MAX_KEPT_TRACES:
                self._kept.pop(next(iter(self._kept)))  # the oldest
            self._kept[key] = run_trace(self.model, self.tokenizer, texts)
        return self._kept[key]

    def rerun(self) -> bool:
        """Trace the box's sentences; True when the trace changed. A bad input is kept in :attr:`error`."""
        try:
            traced = self._trace(split_lines(self.sentences.value))
        except Exception as error:  # noqa: BLE001 - the view shows it as a message (check())
            self.error = error
            return False
        self.error = None
        changed, self.traced = traced is not self.traced, traced
        return changed

    def check(self) -> None:
        """Raise the error of the sentences in the box, if they could not be traced (the last good trace stays)."""
        if self.error is not None:
            raise self.error.with_traceback(None)  # the same error each time, not a traceback growing per redraw
