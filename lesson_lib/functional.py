"""The small pieces of maths the chapters compute by hand.

Each function here is a few lines, written out instead of calling the
one-line PyTorch equivalent, so that a learner can read what happens.
The models call the same functions: ``attention`` and ``gelu`` have two
branches, the written-out one (what ``model.trace`` and ``output_attentions=True``
run) and PyTorch's fused kernel for the same formula (what a plain ``model(**batch)``
runs, because it is faster and stores less), chosen by the model's ``fused`` flag.

Used in: models/distilbert.py, models/bert.py, notebooks/*/04_softmax_loss, 05_attention.
"""

from __future__ import annotations

import math

import torch

from .errors import InputValueError


def softmax(logits: torch.Tensor, dim: int = -1, temperature: float = 1.0) -> torch.Tensor:
    """Turn scores into probabilities that sum to 1 along ``dim``.

    Subtracting the maximum first changes nothing mathematically (it cancels in
    the fraction) but keeps ``exp`` from overflowing for large scores.

    >>> softmax(torch.tensor([0.0, 0.0]))
    tensor([0.5000, 0.5000])
    """
    if temperature <= 0:
        raise InputValueError("error.functional.temperature", temperature=temperature)
    z = logits if temperature == 1 and logits.is_floating_point() else logits / temperature
    z = z - z.amax(dim=dim, keepdim=True)  # a new tensor, so the next steps may overwrite it
    e = z.exp_()
    total = e.sum(dim=dim, keepdim=True)
    # Dividing in place saves one more tensor of z's size (attention's (B, H, T, T) scores);
    # autograd needs e unchanged, so with gradients the division makes a new tensor.
    return e / total if e.requires_grad else e.div_(total)


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
    dropout: torch.nn.Module | None = None, fused: bool = False,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Scaled dot-product attention: returns the output (B, H, T, d) and the weights (B, H, T, T).

    q, k, v: (B, H, T, d). Scores are divided by sqrt(d) so that their spread
    does not grow with the head size (which would make softmax nearly one-hot).
    Each row of the weights sums to 1.

    ``fused=True``: PyTorch's ``scaled_dot_product_attention`` computes the same output in one
    kernel, without ever storing the weights, which then come back as None. Dropout that is
    active (training) keeps the written-out lines, whose random mask is ``nn.Dropout``'s own.

    >>> q = k = v = torch.zeros(1, 1, 2, 4)
    >>> attention(q, k, v)[1]      # equal scores: each token looks at both alike
    tensor([[[[0.5000, 0.5000],
              [0.5000, 0.5000]]]])
    """
    dropout_active = dropout is not None and dropout.training and dropout.p > 0
    if fused and not dropout_active:
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=additive_mask), None
    # Dividing q (B, H, T, d) rather than the scores (B, H, T, T) gives the same numbers for less work.
    scores = (q / math.sqrt(q.size(-1))) @ k.transpose(-2, -1)  # (B, H, T, T)
    if additive_mask is not None:
        scores += additive_mask  # in place: scores is a new tensor, and @ needs only q and k for gradients
    weights = softmax(scores, dim=-1)  # (B, H, T, T)
    out = (dropout(weights) if dropout_active else weights) @ v  # (B, H, T, d)
    return out, weights


def split_heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    """(B, T, D) -> (B, H, T, D/H): each head sees its own slice of the features."""
    B, T, D = x.shape
    return x.view(B, T, n_heads, D // n_heads).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(B, H, T, d) -> (B, T, H*d): the inverse of :func:`split_heads`."""
    B, H, T, d = x.shape
    return x.transpose(1, 2).reshape(B, T, H * d)


def gelu(x: torch.Tensor, fused: bool = False) -> torch.Tensor:
    """The exact GELU, x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2))), used by BERT and DistilBERT ("gelu").

    Written out, the formula is five passes over the widest tensor of the model (B, T, F);
    ``fused=True`` lets PyTorch compute the same formula in one.

    >>> gelu(torch.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    """
    if fused:
        return torch.nn.functional.gelu(x)
    if x.requires_grad:
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    # Without gradients the same steps can overwrite one new tensor instead of making five (the same numbers).
    return (x / math.sqrt(2.0)).erf_().add_(1.0).mul_(x).mul_(0.5)


def gelu_tanh(x: torch.Tensor, fused: bool = False) -> torch.Tensor:
    """GELU's older tanh approximation ("gelu_new"): 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))."""
    if fused:
        return torch.nn.functional.gelu(x, approximate="tanh")
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


# config.json's activation name -> the function; each takes (x, fused), fused or not.
ACTIVATIONS = {
    "gelu": gelu,
    "gelu_new": gelu_tanh,
    "relu": lambda x, fused=False: torch.relu(x),
    "tanh": lambda x, fused=False: torch.tanh(x),
}
