"""The small pieces of maths the chapters compute by hand.

Each function here is a few lines, written out instead of calling the
one-line PyTorch equivalent, so that a learner can read what happens.
The models use the same functions, so "by hand" and "what the model does"
are the same code.

Used in: models/distilbert.py, models/bert.py, notebooks/*/04_softmax_loss, 05_attention.
"""

from __future__ import annotations

import math

import torch


def softmax(logits: torch.Tensor, dim: int = -1, temperature: float = 1.0) -> torch.Tensor:
    """Turn scores into probabilities that sum to 1 along ``dim``.

    Subtracting the maximum first changes nothing mathematically (it cancels in
    the fraction) but keeps ``exp`` from overflowing for large scores.

    >>> softmax(torch.tensor([0.0, 0.0]))
    tensor([0.5000, 0.5000])
    """
    if temperature <= 0:
        from .errors import InputValueError

        raise InputValueError(f"temperature must be > 0, got {temperature}. Try values between 0.1 and 10.")
    z = logits / temperature
    z = z - z.max(dim=dim, keepdim=True).values
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of ``-log p(correct label)``.

    ``log_softmax`` is ``z - logsumexp(z)``: computing it that way instead of
    ``log(softmax(z))`` avoids ``log(0)`` when one probability underflows.

    >>> cross_entropy(torch.tensor([[0.0, 0.0]]), torch.tensor([1]))
    tensor(0.6931)
    """
    log_probs = logits - torch.logsumexp(logits, dim=-1, keepdim=True)  # (B, C)
    picked = log_probs.gather(-1, labels.view(-1, 1)).squeeze(-1)  # (B,)
    return -picked.mean()


def extended_attention_mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """From a (B, T) mask of 1 = real token, 0 = padding, to an additive (B, 1, 1, T) mask.

    Padding positions get the most negative number the dtype can hold, so that
    after softmax they receive exactly zero attention. (Hugging Face uses the same
    ``finfo(dtype).min``; ``-inf`` would give NaN if a row were all padding.)
    """
    mask = attention_mask[:, None, None, :].to(dtype)  # (B, 1, 1, T)
    return (1.0 - mask) * torch.finfo(dtype).min


def attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, additive_mask: torch.Tensor | None = None,
    dropout: torch.nn.Module | None = None, need_weights: bool = True,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Scaled dot-product attention, returning the output *and* the weights.

    q, k, v: (B, H, T, d). Scores are divided by sqrt(d) so that their spread
    does not grow with the head size (which would make softmax nearly one-hot).
    Returns out (B, H, T, d) and weights (B, H, T, T); each row of weights sums to 1.

    ``need_weights=False`` (nobody asked for attentions, no trace is recorded, no dropout is
    active): PyTorch's fused ``scaled_dot_product_attention`` computes the same ``out``
    without ever storing the (B, H, T, T) weights, and the weights come back as None.
    The lines below are what it computes.
    """
    if not need_weights and (dropout is None or not dropout.training or dropout.p == 0):
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=additive_mask), None
    # Dividing q (B, H, T, d) rather than the scores (B, H, T, T) gives the same numbers for less work.
    scores = (q / math.sqrt(q.size(-1))) @ k.transpose(-2, -1)  # (B, H, T, T)
    if additive_mask is not None:
        scores = scores + additive_mask
    weights = torch.softmax(scores, dim=-1)  # (B, H, T, T)
    out = (dropout(weights) if dropout is not None else weights) @ v  # (B, H, T, d)
    return out, weights


def split_heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    """(B, T, D) -> (B, H, T, D/H): each head sees its own slice of the features."""
    B, T, D = x.shape
    return x.view(B, T, n_heads, D // n_heads).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(B, H, T, d) -> (B, T, H*d): the inverse of :func:`split_heads`."""
    B, H, T, d = x.shape
    return x.transpose(1, 2).reshape(B, T, H * d)


def gelu(x: torch.Tensor) -> torch.Tensor:
    """The exact GELU, x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2))), used by BERT and DistilBERT ("gelu").

    Written out, that formula is five passes over the widest tensor of the model (B, T, F);
    PyTorch's ``gelu`` computes the same formula in one (tests/test_models.py compares them).
    """
    return torch.nn.functional.gelu(x)


def gelu_by_hand(x: torch.Tensor) -> torch.Tensor:
    """:func:`gelu` spelled out, for reading and for the test that checks the two agree."""
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


ACTIVATIONS = {
    "gelu": gelu,
    "relu": torch.relu,
    "gelu_new": lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
    "tanh": torch.tanh,
}
