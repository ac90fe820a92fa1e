"""The same weights in another framework: BERT's and DistilBERT's classifier in plain NumPy.

The seed saves a model with PyTorch and loads it in TensorFlow. This kit has no TensorFlow,
so NumPy plays "the other framework": the functions below read the tensors that
``save_pretrained`` wrote (``safetensors.numpy.load_file``: NumPy arrays, no torch) and
compute the logits again, looking up every tensor by its checkpoint name.

Shapes: B sentences, T tokens, D width, H heads, d = D / H (as in models/distilbert.py).

What it leaves out: dropout and everything else that only matters in training, the
gradients, sentence pairs for DistilBERT, and speed.

>>> config, state = load_checkpoint("my_model")                        # doctest: +SKIP
>>> classifier_logits(config, state, batch["input_ids"].numpy(),       # doctest: +SKIP
...                   batch["attention_mask"].numpy())
array([[-0.31, 0.22], [0.05, -0.12]], dtype=float32)

Used in: notebooks/*/06_save_load; tests/test_numpy_forward.py.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from .errors import CheckpointError, InputValueError

Array = np.ndarray


def load_checkpoint(folder) -> tuple[dict, dict[str, Array]]:
    """``config.json`` as a dict and ``model.safetensors`` as {name: NumPy array}."""
    folder = Path(folder)
    if not (folder / "config.json").is_file() or not (folder / "model.safetensors").is_file():
        raise CheckpointError("error.numpy_forward.files_missing", folder=folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    return config, load_file(str(folder / "model.safetensors"))


# --- building blocks: each one line of maths ------------------------------------------

def linear(x: Array, state: dict, name: str) -> Array:
    # PyTorch stores a Linear layer's weight as (out, in), hence the transpose.
    return x @ state[f"{name}.weight"].T + state[f"{name}.bias"]


def layer_norm(x: Array, state: dict, name: str, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)  # the biased variance, as torch's LayerNorm uses
    return (x - mean) / np.sqrt(var + eps) * state[f"{name}.weight"] + state[f"{name}.bias"]


_erf = np.vectorize(math.erf, otypes=[np.float32])  # NumPy has no erf; math.erf per element is exact


def activation(name: str, x: Array) -> Array:
    if name == "gelu":
        return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))  # x * Phi(x), the exact GELU
    if name == "relu":
        return np.maximum(x, 0.0)
    raise InputValueError("error.numpy_forward.activation", name=f"{name!r}")


def softmax(z: Array) -> Array:
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # minus the max: no overflow in exp
    return e / e.sum(axis=-1, keepdims=True)


def self_attention(x: Array, mask: Array, state: dict, q: str, k: str, v: str, n_heads: int) -> Array:
    """Multi-head scaled dot-product attention; ``mask`` is (B, T) with 1 = token, 0 = padding."""
    B, T, D = x.shape

    def split(t):  # (B, T, D) -> (B, H, T, d)
        return t.reshape(B, T, n_heads, D // n_heads).transpose(0, 2, 1, 3)

    qh, kh, vh = split(linear(x, state, q)), split(linear(x, state, k)), split(linear(x, state, v))
    scores = qh @ kh.transpose(0, 1, 3, 2) / math.sqrt(D // n_heads)  # (B, H, T, T)
    # Padding gets the most negative float: after softmax its weight is exactly 0.
    scores = scores + (1.0 - mask[:, None, None, :]) * np.finfo(scores.dtype).min
    out = softmax(scores) @ vh  # (B, H, T, d)
    return out.transpose(0, 2, 1, 3).reshape(B, T, D)  # heads side by side again


# --- the two models, named as in their checkpoints --------------------------------------

def bert_logits(config: dict, state: dict, input_ids: Array, mask: Array, token_type_ids: Array) -> Array:
    eps, act, H = config.get("layer_norm_eps", 1e-12), config.get("hidden_act", "gelu"), config["num_attention_heads"]
    e = "bert.embeddings"
    T = input_ids.shape[1]
    x = (state[f"{e}.word_embeddings.weight"][input_ids]  # (B, T, D)
         + state[f"{e}.position_embeddings.weight"][:T]  # (T, D)
         + state[f"{e}.token_type_embeddings.weight"][token_type_ids])  # (B, T, D)
    x = layer_norm(x, state, f"{e}.LayerNorm", eps)
    for i in range(config["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}"
        a = self_attention(x, mask, state, f"{p}.attention.self.query", f"{p}.attention.self.key",
                           f"{p}.attention.self.value", H)
        x = layer_norm(x + linear(a, state, f"{p}.attention.output.dense"),  # residual, then LayerNorm
                       state, f"{p}.attention.output.LayerNorm", eps)
        wide = activation(act, linear(x, state, f"{p}.intermediate.dense"))  # (B, T, F)
        x = layer_norm(x + linear(wide, state, f"{p}.output.dense"), state, f"{p}.output.LayerNorm", eps)
    pooled = np.tanh(linear(x[:, 0], state, "bert.pooler.dense"))  # (B, D): the first token, [CLS]
    return linear(pooled, state, "classifier")  # (B, C)


def distilbert_logits(config: dict, state: dict, input_ids: Array, mask: Array) -> Array:
    eps, act, H = 1e-12, config.get("activation", "gelu"), config["n_heads"]  # eps is fixed in DistilBERT
    e = "distilbert.embeddings"
    T = input_ids.shape[1]
    x = state[f"{e}.word_embeddings.weight"][input_ids] + state[f"{e}.position_embeddings.weight"][:T]  # (B, T, D)
    x = layer_norm(x, state, f"{e}.LayerNorm", eps)
    for i in range(config["n_layers"]):
        p = f"distilbert.transformer.layer.{i}"
        a = self_attention(x, mask, state, f"{p}.attention.q_lin", f"{p}.attention.k_lin", f"{p}.attention.v_lin", H)
        x = layer_norm(x + linear(a, state, f"{p}.attention.out_lin"), state, f"{p}.sa_layer_norm", eps)
        wide = activation(act, linear(x, state, f"{p}.ffn.lin1"))  # (B, T, F)
        x = layer_norm(x + linear(wide, state, f"{p}.ffn.lin2"), state, f"{p}.output_layer_norm", eps)
    pre = np.maximum(linear(x[:, 0], state, "pre_classifier"), 0.0)  # (B, D): [CLS] -> dense -> ReLU
    return linear(pre, state, "classifier")  # (B, C)


def classifier_logits(config: dict, state: dict, input_ids, attention_mask=None, token_type_ids=None) -> Array:
    """The logits of a BERT or DistilBERT sequence classifier, computed with NumPy only.

    ``state`` holds the names ``save_pretrained`` writes (``bert.…`` / ``distilbert.…``, ``classifier.…``).
    """
    ids = np.asarray(input_ids, dtype=np.int64)
    if ids.ndim == 1:
        ids = ids[None, :]  # one sentence: a batch of one
    if attention_mask is None:
        mask = np.ones(ids.shape, np.float32)
    else:
        mask = np.asarray(attention_mask, np.float32).reshape(ids.shape)
    kind = config.get("model_type")
    needed = {"bert": "bert.embeddings.word_embeddings.weight",
              "distilbert": "distilbert.embeddings.word_embeddings.weight"}
    if kind not in needed:
        raise InputValueError("error.numpy_forward.model_type", kind=f"{kind!r}")
    if needed[kind] not in state:
        raise CheckpointError(
            "error.numpy_forward.not_a_classifier", needed=f"{needed[kind]!r}", kind=kind,
            names=str(sorted(state)[:3]),
        )
    if kind == "distilbert":
        return distilbert_logits(config, state, ids, mask)
    types = np.zeros_like(ids) if token_type_ids is None else np.asarray(token_type_ids, np.int64).reshape(ids.shape)
    return bert_logits(config, state, ids, mask, types)
