"""Which words made the model say that? Five answers, each a few lines of PyTorch.

Every method gives one score per token for one label (the *target*; by default the predicted
label). They differ in what they measure and in what they cost (counted in forward passes):

    gradient_x_input       how the target logit reacts to a small change of each token's
                           word embedding, times the embedding                1 forward + 1 backward
    integrated_gradients   the same, averaged along a straight path from a "no words"
                           baseline to the sentence; the scores add up to the logit gap
                           (completeness)                                     n_steps forward + backward
    occlusion              leave one word out, how much does the target logit drop?   words + 1 forwards
    attention_rollout      how much of [CLS] comes from each token, following attention
                           through all layers (Abnar & Zuidema 2020); ignores the label   1 forward
    cls_attention          how much [CLS] attends to each token in the last layer     1 forward

The gradient methods work at the output of the *word* embedding layer
(``model.base_model.embeddings.word_embeddings``), before positions are added: a forward hook
replaces that layer's output, so the model's own files stay as they are. WordPieces are added
up into words (``word_scores``), because a learner asks about words, not about ``##ly``.

    >>> result = integrated_gradients(model, tok, "What a lovely film.")      # doctest: +SKIP
    >>> result.words, result.word_scores, result.delta                        # doctest: +SKIP

Used in: notebooks/*/10_explain; views/explain.py (ExplainView); bench/explain_latency.py.
"""

from __future__ import annotations

import contextlib
import unicodedata
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .errors import InputTypeError, InputValueError, message

__all__ = ["Explanation", "METHODS", "RULES", "attention_rollout", "cls_attention", "explain", "gradient_x_input",
           "integrated_gradients", "occlusion", "path_points", "spearman", "word_embeddings"]

# Captum's names for the ways of approximating the path integral (``method=`` in its IG).
RULES = ("gausslegendre", "riemann_trapezoid", "riemann_left", "riemann_right", "riemann_middle")


@dataclass
class Explanation:
    """What one method says about one sentence: a score per token, and per word.

    ``tokens``/``scores``: every token the model read, [CLS] and [SEP] included.
    ``words``/``word_scores``: the sentence's words, each the sum of its WordPieces' scores
    (special tokens belong to no word). ``target``/``label``: which logit was explained.
    ``delta`` (integrated gradients only): the completeness error, ``sum(scores) -
    (logit - baseline_logit)``; near 0 when there are enough steps.
    ``forward_passes``/``backward_passes``: what the method cost (a backward pass costs about as
    much as a forward one; the sentences of one batch count one each)
    ``truncated``: the text was longer than the model reads, and only its beginning was explained.
    """

    method: str
    tokens: list[str]
    scores: torch.Tensor  # (T,)
    word_ids: list[int | None]
    words: list[str]
    word_scores: torch.Tensor  # (W,)
    target: int
    label: str
    logit: float  # the target logit for the whole sentence
    forward_passes: int
    truncated: bool = False
    backward_passes: int = 0
    delta: float | None = None
    baseline_logit: float | None = None
    matrix: torch.Tensor | None = field(default=None, repr=False)  # rollout: the (T, T) mixing matrix

    def top_words(self, k: int = 3) -> list[str]:
        """The ``k`` words with the highest scores, highest first."""
        order = torch.argsort(self.word_scores, descending=True, stable=True)
        return [self.words[i] for i in order[:k].tolist()]

    def __repr__(self) -> str:
        shown = ", ".join(f"{w}={_signed(s, 3)}" for w, s in zip(self.words, self.word_scores.tolist()))
        extra = "" if self.delta is None else f", delta={_signed(self.delta, 4)}"
        return f"Explanation({self.method}, target={self.label!r}: {shown}{extra})"


def _signed(x: float, digits: int) -> str:
    """``+0.123``; a value that rounds to zero prints as ``+0.000``, never ``-0.000`` (which could flip
    between machines: the notebooks compare their printed output)."""
    return f"{x if round(x, digits) != 0 else 0.0:+.{digits}f}"


# --- what every method needs: the model's word embeddings, one sentence, one target ------------

def word_embeddings(model) -> nn.Embedding:
    """The model's word-embedding layer (token id -> vector), where the gradient methods attribute.

    >>> word_embeddings(model)                      # doctest: +SKIP
    Embedding(30522, 384, padding_idx=0)
    """
    layer = getattr(getattr(getattr(model, "base_model", None), "embeddings", None), "word_embeddings", None)
    if not isinstance(layer, nn.Embedding) or not hasattr(getattr(model, "config", None), "num_labels"):
        raise InputTypeError("error.explain.not_a_classifier", model=type(model).__name__) from None
    return layer


def _encode(model, tokenizer, text):
    """One sentence -> (input_ids (1, T), tokens, word_ids, truncated), cut to what the model can read."""
    if not isinstance(text, str):
        raise InputTypeError("error.explain.text_type", type=type(text).__name__)
    if not text.strip():
        raise InputValueError("error.explain.empty_text")
    limit = min(tokenizer.model_max_length, model.config.max_position_embeddings)
    n_tokens = len(tokenizer.tokenize(text)) + 2  # + [CLS] and [SEP]
    truncated = n_tokens > limit
    if truncated:
        # Not an error: a pipeline reads the beginning of a long text too. But the learner must know.
        warnings.warn(message("warning.explain.truncated", n_tokens=n_tokens, limit=limit), UserWarning, stacklevel=3)
    batch = tokenizer(text, truncation=True, max_length=limit, return_tensors="pt")
    return batch["input_ids"], batch.tokens(0), batch.word_ids(0), truncated


def _labels(model) -> list[str]:
    id2label = getattr(model.config, "id2label", None) or {}
    return [str(id2label.get(i, id2label.get(str(i), f"LABEL_{i}"))) for i in range(model.config.num_labels)]


def _target(model, target, logits: torch.Tensor) -> int:
    """None -> the predicted label; a label name -> its id; an id -> checked."""
    labels = _labels(model)
    if target is None:
        return int(logits.argmax())
    if isinstance(target, str) and target in labels:
        return labels.index(target)
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool) and 0 <= target < len(labels):
        return int(target)
    choices = ", ".join(f"{i} ({name})" for i, name in enumerate(labels))
    raise InputValueError("error.explain.target", target=f"{target!r}", choices=choices)


@contextlib.contextmanager
def _eval_mode(model):
    # Dropout in training mode would make every score random; put the learner's mode back afterwards.
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


@contextlib.contextmanager
def _frozen(model):
    """Eval mode, and no gradients for the weights while the gradient methods run.

    We want d logit / d embeddings only; weights that require grad make autograd keep and
    compute their gradients too (measured: integrated gradients 40% slower).
    """
    params = [p for p in model.parameters() if p.requires_grad]
    with _eval_mode(model):
        for p in params:
            p.requires_grad_(False)
        try:
            yield
        finally:
            for p in params:
                p.requires_grad_(True)


def _logits(model, input_ids, embeds=None, output_attentions=False):
    """Run the classifier on ``input_ids``; with ``embeds`` (B, T, D), use them as the word embeddings.

    Every sentence here is one unpadded sentence (or copies of it), so the mask is all ones.
    """
    if embeds is not None:
        input_ids = input_ids.expand(embeds.shape[0], -1)  # (B, T): positions and types still come from ids
    handle = None
    if embeds is not None:
        # Returning a value from a forward hook replaces the layer's output: the rest of the model
        # (position embeddings, LayerNorm, the layers) runs unchanged on our vectors.
        handle = word_embeddings(model).register_forward_hook(lambda module, args, output: embeds)
    try:
        return model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                     output_attentions=output_attentions)
    finally:
        if handle is not None:
            handle.remove()


def _words(tokens: list[str], word_ids: list[int | None], scores: torch.Tensor) -> tuple[list[str], torch.Tensor]:
    """WordPieces -> words: glue the pieces (``lov`` + ``##ely``), add up their scores."""
    n_words = max((w for w in word_ids if w is not None), default=-1) + 1
    pieces: list[list[str]] = [[] for _ in range(n_words)]
    word_scores = torch.zeros(n_words, dtype=scores.dtype)
    for token, w, s in zip(tokens, word_ids, scores):
        if w is None:  # [CLS], [SEP]: no word of the sentence
            continue
        pieces[w].append(token[2:] if token.startswith("##") else token)
        word_scores[w] += s
    # NFC: an uncased vocabulary splits Hangul into jamo; glued back they show as syllables again.
    return [unicodedata.normalize("NFC", "".join(p)) for p in pieces], word_scores


def _result(method, model, tokens, word_ids, scores, target, logit, passes, truncated, **extra) -> Explanation:
    scores = scores.detach().float().clone()  # clone: an ordinary tensor even when computed in inference mode
    words, word_scores = _words(tokens, word_ids, scores)
    return Explanation(method, tokens, scores, word_ids, words, word_scores, target, _labels(model)[target],
                       float(logit), passes, truncated, **extra)


# --- gradient x input ---------------------------------------------------------------------------

def gradient_x_input(model, tokenizer, text: str, target=None) -> Explanation:
    """Score of token i = (d logit / d e_i) . e_i, with e_i its word embedding. One forward, one backward.

    >>> gradient_x_input(model, tok, "What a lovely film.").top_words(1)      # doctest: +SKIP
    ['lovely']
    """
    word_embeddings(model)
    ids, tokens, word_ids, truncated = _encode(model, tokenizer, text)
    with _frozen(model):
        e = word_embeddings(model)(ids).detach().requires_grad_(True)  # (1, T, D)
        logits = _logits(model, ids, e).logits[0]  # (C,)
        target = _target(model, target, logits)
        (grad,) = torch.autograd.grad(logits[target], e)  # (1, T, D); leaves the parameters' .grad alone
    scores = (grad * e).sum(-1)[0]  # (T,) summed over the embedding dimension
    return _result("gradient_x_input", model, tokens, word_ids, scores, target, logits[target].detach(), 1, truncated,
                   backward_passes=1)


# --- integrated gradients -----------------------------------------------------------------------

def path_points(n_steps: int, method: str = "gausslegendre") -> tuple[torch.Tensor, torch.Tensor]:
    """Where on the path 0 -> 1 to take the gradient (alphas) and how much each counts (weights).

    The integral of a function g over [0, 1] is approximated by ``sum(weights * g(alphas))``.

    >>> path_points(4, "riemann_left")
    (tensor([0.0000, 0.2500, 0.5000, 0.7500]), tensor([0.2500, 0.2500, 0.2500, 0.2500]))
    """
    if method not in RULES:
        raise InputValueError("error.explain.unknown_rule", method=f"{method!r}", choices=', '.join(RULES))
    if not isinstance(n_steps, (int, np.integer)) or isinstance(n_steps, bool) or n_steps < 1:
        raise InputValueError("error.explain.n_steps", n_steps=f"{n_steps!r}")
    n = int(n_steps)
    if method == "gausslegendre":
        # Gauss-Legendre nodes x and weights w on [-1, 1], moved to [0, 1]: exact for polynomials
        # of degree < 2n, so few steps go far on a smooth path.
        x, w = np.polynomial.legendre.leggauss(n)
        return torch.tensor(0.5 * (x + 1), dtype=torch.float32), torch.tensor(0.5 * w, dtype=torch.float32)
    if method == "riemann_trapezoid":
        if n < 2:
            raise InputValueError("error.explain.trapezoid_steps")
        weights = torch.full((n,), 1.0 / (n - 1))
        weights[[0, -1]] /= 2  # the two ends count half
        return torch.linspace(0, 1, n), weights
    start, end = {"riemann_left": (0, 1 - 1 / n), "riemann_right": (1 / n, 1),
                  "riemann_middle": (1 / (2 * n), 1 - 1 / (2 * n))}[method]
    return torch.linspace(start, end, n), torch.full((n,), 1.0 / n)


def _baseline_ids(tokenizer, ids: torch.Tensor, baseline) -> torch.Tensor:
    """The "no words" input: [CLS] and [SEP] kept, every other token replaced (default: [PAD])."""
    if baseline is None or isinstance(baseline, str):
        token = tokenizer.pad_token if baseline is None else baseline
        token_id = tokenizer.convert_tokens_to_ids(token)
        if baseline is not None and token_id == tokenizer.unk_token_id and token != tokenizer.unk_token:
            raise InputValueError("error.explain.baseline_token", baseline=f"{baseline!r}")
        special = (ids == tokenizer.cls_token_id) | (ids == tokenizer.sep_token_id)
        return torch.where(special, ids, torch.full_like(ids, token_id))
    out = torch.as_tensor(baseline, dtype=torch.long).reshape(1, -1)
    if out.shape != ids.shape:
        raise InputValueError("error.explain.baseline_length", n_baseline=out.shape[1], n_tokens=ids.shape[1])
    return out


def integrated_gradients(model, tokenizer, text: str, target=None, n_steps: int = 50, baseline=None,
                         method: str = "gausslegendre") -> Explanation:
    """Gradients averaged along the straight path from a baseline x' to the sentence x, times (x - x').

    IG_i = (e_i - e'_i) . integral_0^1 d logit(e' + a (e - e')) / d e_i da, at the word embeddings,
    summed over the embedding dimension. The path's points form one batch of ``n_steps`` copies
    of the sentence. By the fundamental theorem of calculus the scores add up to
    logit(x) - logit(x'); ``delta`` says how far the approximation is from that.

    >>> r = integrated_gradients(model, tok, "What a lovely film.")           # doctest: +SKIP
    >>> abs(r.delta) < 0.01 * abs(r.logit - r.baseline_logit)                   # doctest: +SKIP
    True
    """
    word_embeddings(model)
    alphas, weights = path_points(n_steps, method)  # (S,), (S,)
    ids, tokens, word_ids, truncated = _encode(model, tokenizer, text)
    base_ids = _baseline_ids(tokenizer, ids, baseline)
    with _frozen(model):
        with torch.no_grad():
            e, e0 = word_embeddings(model)(ids), word_embeddings(model)(base_ids)  # (1, T, D) each
            ends = _logits(model, ids, torch.cat([e, e0])).logits  # (2, C): the sentence, the baseline
        target = _target(model, target, ends[0])
        path = (e0 + alphas[:, None, None] * (e - e0)).requires_grad_(True)  # (S, T, D)
        logits = _logits(model, ids, path).logits[:, target]  # (S,)
        # Each point's logit depends only on its own copy, so the gradient of the sum is each point's gradient.
        (grads,) = torch.autograd.grad(logits.sum(), path)  # (S, T, D)
    average_grad = (weights[:, None, None] * grads).sum(0)  # (T, D) the integral along the path
    scores = ((e - e0)[0] * average_grad).sum(-1)  # (T,)
    gap = float(ends[0, target] - ends[1, target])
    return _result("integrated_gradients", model, tokens, word_ids, scores, target, ends[0, target],
                   int(n_steps) + 2, truncated, delta=float(scores.sum()) - gap, baseline_logit=float(ends[1, target]),
                   backward_passes=int(n_steps))


# --- occlusion ----------------------------------------------------------------------------------

def occlusion(model, tokenizer, text: str, target=None) -> Explanation:
    """Leave each word out (all its WordPieces), score = how much the target logit drops.

    A word's drop is shared equally by its WordPieces, so ``word_scores`` is the drop itself.
    The shortened sentences run as one padded batch. Words + 1 forward passes.

    >>> occlusion(model, tok, "What a lovely film.").word_scores              # doctest: +SKIP
    """
    word_embeddings(model)
    ids, tokens, word_ids, truncated = _encode(model, tokenizer, text)
    n_words = max((w for w in word_ids if w is not None), default=-1) + 1
    rows = [[t for t, w in zip(ids[0].tolist(), word_ids) if w != left_out] for left_out in range(n_words)]
    width = max([ids.shape[1]] + [len(r) for r in rows])
    pad = tokenizer.pad_token_id
    batch = torch.tensor([ids[0].tolist()] + [r + [pad] * (width - len(r)) for r in rows])  # (1 + W, T)
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in [ids[0].tolist()] + rows])
    with _eval_mode(model), torch.inference_mode():  # no autograd bookkeeping at all: a little faster than no_grad
        logits = model(input_ids=batch, attention_mask=mask).logits  # (1 + W, C); padding is masked out
    target = _target(model, target, logits[0])
    drops = logits[0, target] - logits[1:, target]  # (W,)
    sizes = torch.bincount(torch.tensor([w for w in word_ids if w is not None], dtype=torch.long),
                           minlength=n_words)  # WordPieces per word
    scores = torch.tensor([0.0 if w is None else float(drops[w] / sizes[w]) for w in word_ids])
    return _result("occlusion", model, tokens, word_ids, scores, target, logits[0, target], n_words + 1, truncated)


# --- attention --------------------------------------------------------------------------------

def _attentions(model, ids):
    with _eval_mode(model), torch.inference_mode():
        out = _logits(model, ids, output_attentions=True)
    return out.logits[0], [a[0].mean(0) for a in out.attentions]  # (C,), L x (T, T) averaged over heads


def attention_rollout(model, tokenizer, text: str) -> Explanation:
    """Follow attention through every layer: R = A'_L ... A'_1 with A' = (A + I) / 2, rows renormalised.

    Each layer adds its input back (the residual), hence the identity; averaging the heads and
    multiplying layer by layer says how much of the last [CLS] vector came from each input token
    (Abnar & Zuidema 2020). Scores = the [CLS] row of R; each row of R sums to 1. The label plays
    no part: the scores are the same whatever the target (``target`` is the predicted label).

    >>> attention_rollout(model, tok, "What a lovely film.").matrix.sum(-1)   # doctest: +SKIP
    tensor([1., 1., 1., 1., 1., 1., 1.])
    """
    word_embeddings(model)
    ids, tokens, word_ids, truncated = _encode(model, tokenizer, text)
    logits, layers = _attentions(model, ids)
    T = ids.shape[1]
    rollout = torch.eye(T)  # (T, T)
    for a in layers:  # first layer to last
        mixed = 0.5 * a + 0.5 * torch.eye(T)  # (T, T) attention plus the residual path
        mixed = mixed / mixed.sum(-1, keepdim=True)
        rollout = mixed @ rollout  # the newest layer on the left
    target = int(logits.argmax())
    return _result("attention_rollout", model, tokens, word_ids, rollout[0], target, logits[target], 1, truncated,
                   matrix=rollout.clone())


def cls_attention(model, tokenizer, text: str, layer: int = -1) -> Explanation:
    """How much [CLS] attends to each token in one layer (default: the last), averaged over heads.

    The simplest "explanation", and the one chapter 05 warns about: it ignores the label and
    what the other layers did.
    """
    word_embeddings(model)
    ids, tokens, word_ids, truncated = _encode(model, tokenizer, text)
    logits, layers = _attentions(model, ids)
    if not isinstance(layer, int) or not -len(layers) <= layer < len(layers):
        raise InputValueError("error.explain.layer", layer=f"{layer!r}", n=len(layers), last=len(layers) - 1)
    target = int(logits.argmax())
    return _result("cls_attention", model, tokens, word_ids, layers[layer][0], target, logits[target], 1, truncated)


# --- all at once, and how much two methods agree ------------------------------------------------

METHODS = {
    "gradient_x_input": gradient_x_input,
    "integrated_gradients": integrated_gradients,
    "occlusion": occlusion,
    "attention_rollout": attention_rollout,
    "cls_attention": cls_attention,
}


def explain(model, tokenizer, text: str, target=None, methods=tuple(METHODS), **ig_options) -> dict[str, Explanation]:
    """Several methods on the same sentence: ``{name: Explanation}``, in the order asked.

    ``ig_options`` (``n_steps``, ``baseline``, ``method``) go to integrated gradients.

    >>> results = explain(model, tok, "What a lovely film.", methods=["occlusion", "attention_rollout"])  # doctest: +SKIP
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise InputValueError("error.explain.unknown_methods", unknown=str(unknown), choices=', '.join(METHODS))
    out = {}
    for name in methods:
        if name == "integrated_gradients":
            out[name] = integrated_gradients(model, tokenizer, text, target, **ig_options)
        elif name in ("gradient_x_input", "occlusion"):
            out[name] = METHODS[name](model, tokenizer, text, target)
        else:
            out[name] = METHODS[name](model, tokenizer, text)
    return out


def _ranks(values: torch.Tensor) -> torch.Tensor:
    """Rank of each value (0 = smallest); tied values share their average rank."""
    values = values.double()
    order = torch.argsort(values, stable=True)
    ranks = torch.empty_like(values)
    ranks[order] = torch.arange(len(values), dtype=values.dtype)
    for v in torch.unique(values):
        tied = values == v
        ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(a, b) -> float:
    """Spearman's rank correlation: the Pearson correlation of the ranks (1 = same order, -1 = reversed).

    >>> spearman([0.1, 0.5, 0.2], [1, 3, 2])
    1.0
    """
    a, b = torch.as_tensor(a, dtype=torch.float64).flatten(), torch.as_tensor(b, dtype=torch.float64).flatten()
    if a.shape != b.shape or len(a) < 2:
        raise InputValueError("error.explain.spearman", n_a=len(a), n_b=len(b))
    ra, rb = _ranks(a), _ranks(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denominator = float(ra.norm() * rb.norm())
    return float((ra * rb).sum()) / denominator if denominator > 0 else float("nan")
