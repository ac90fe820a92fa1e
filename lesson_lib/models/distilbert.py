"""DistilBERT, read top to bottom: embeddings -> N transformer blocks -> first token -> classifier.

Symbols used in the shape comments (here and in bert.py):
    B  batch size (sentences)          T  tokens per sentence (after padding)
    D  model width (config.dim)        H  attention heads (config.n_heads)
    d  width of one head (D / H)       F  feed-forward width (config.hidden_dim)
    C  number of labels (config.num_labels)

Attribute names are the checkpoint's names (``q_lin``, ``sa_layer_norm``,
``LayerNorm`` with its capital letters...), so a Hugging Face state dict loads
with ``load_state_dict(strict=True)`` and no renaming table.

Speed and recording stay out of the ``forward`` methods. A module with a ``fused`` flag
(attention, GELU) runs PyTorch's one-kernel version of its formula; ``model.trace()`` turns
every flag off for one call, so functional.py's written-out lines run, and ``output_attentions=True``
turns off the attention's (only the written-out attention gives weights; fused, they are None). Each class's ``traced``
table names the tensors ``model.trace()`` keeps; modeling.Recorder collects them with hooks.

    >>> model = DistilBertForSequenceClassification(DistilBertConfig(n_layers=2, dim=64, n_heads=4, hidden_dim=128))
    >>> model(torch.tensor([[101, 2057, 102]])).logits.shape
    torch.Size([1, 2])

Used in: notebooks/*/03_forward_pass, 05_attention, 07_classes_configs.
"""

from __future__ import annotations

import torch
from torch import nn

from .. import functional as F
from ..config import DistilBertConfig
from ..modeling import PreTrainedModel, check_inputs, classification_loss, written_out
from ..outputs import BaseModelOutput, SequenceClassifierOutput


class Embeddings(nn.Module):
    """Token id -> vector, plus a learned vector for each position, then LayerNorm."""

    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.dim, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.dim)
        if config.sinusoidal_pos_embds:
            # The original Transformer's fixed sin/cos positions instead of learned ones: never trained,
            # and computed (by _init_weights) when a checkpoint does not hold them.
            self.position_embeddings.weight.requires_grad = False
        # "LayerNorm" with capitals: that is the name in every BERT-family checkpoint.
        # eps=1e-12 is fixed in DistilBERT (not in its config.json).
        self.LayerNorm = nn.LayerNorm(config.dim, eps=1e-12)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        T = input_ids.size(1)
        positions = torch.arange(T, device=input_ids.device)  # (T,)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)  # (B, T, D)
        return self.dropout(self.LayerNorm(x))  # (B, T, D)


def sinusoidal_positions(n_positions: int, dim: int) -> torch.Tensor:
    """(P, D) table: sin(p / 10000^(i/D)) in the even columns i, cos in the odd ones."""
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]  # (P, 1)
    freq = torch.pow(10000.0, -torch.arange(0, dim, 2, dtype=torch.float64) / dim)  # (D/2,)
    table = torch.zeros(n_positions, dim, dtype=torch.float64)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return table.float()


class MultiHeadSelfAttention(nn.Module):
    """Every token looks at every (unpadded) token, once per head, and mixes their values."""

    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.q_lin = nn.Linear(config.dim, config.dim)
        self.k_lin = nn.Linear(config.dim, config.dim)
        self.v_lin = nn.Linear(config.dim, config.dim)
        self.out_lin = nn.Linear(config.dim, config.dim)
        self.dropout = nn.Dropout(config.attention_dropout)
        self.fused = True  # PyTorch's attention kernel, which keeps no weights (see F.attention)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor):
        q = F.split_heads(self.q_lin(x), self.n_heads)  # (B, H, T, d)
        k = F.split_heads(self.k_lin(x), self.n_heads)  # (B, H, T, d)
        v = F.split_heads(self.v_lin(x), self.n_heads)  # (B, H, T, d)
        out, weights = F.attention(q, k, v, additive_mask, self.dropout, self.fused)  # (B, H, T, d), (B, H, T, T)
        return self.out_lin(F.merge_heads(out)), weights  # (B, T, D), weights or None when fused


class FFN(nn.Module):
    """Position-wise feed-forward: widen to F, non-linearity, back to D."""

    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.lin1 = nn.Linear(config.dim, config.hidden_dim)
        self.lin2 = nn.Linear(config.hidden_dim, config.dim)
        self.activation = F.ACTIVATIONS[config.activation]
        self.dropout = nn.Dropout(config.dropout)
        self.fused = True  # the activation in one PyTorch kernel instead of its written-out formula

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.lin2(self.activation(self.lin1(x), self.fused)))  # (B, T, F) -> (B, T, D)


class TransformerBlock(nn.Module):
    """Attention, then feed-forward; each adds to its input (residual) and is normalised after ("post-LN")."""

    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.attention = MultiHeadSelfAttention(config)
        self.sa_layer_norm = nn.LayerNorm(config.dim, eps=1e-12)
        self.ffn = FFN(config)
        self.output_layer_norm = nn.LayerNorm(config.dim, eps=1e-12)

    # What model.trace() keeps of each block, in this order: (step, submodule, which of its tensors).
    traced = (
        ("attention_output", "attention", "output[0]"),  # a
        ("after_attention_norm", "sa_layer_norm", "output"),  # x after the first residual + LayerNorm
        ("ffn_output", "ffn", "output"),  # the feed-forward's output, before the residual
        ("block_output", "output_layer_norm", "output"),
        ("attention_weights", "attention", "output[1]"),  # (B, H, T, T)
    )

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor):
        a, weights = self.attention(x, additive_mask)  # (B, T, D), (B, H, T, T) or None
        x = self.sa_layer_norm(a + x)  # (B, T, D)
        return self.output_layer_norm(self.ffn(x) + x), weights  # (B, T, D), as the attention gave them


class Transformer(nn.Module):
    def __init__(self, config: DistilBertConfig):
        super().__init__()
        self.layer = nn.ModuleList(TransformerBlock(config) for _ in range(config.n_layers))


class DistilBertPreTrainedModel(PreTrainedModel):
    config_class = DistilBertConfig
    base_model_prefix = "distilbert"

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Embedding) and not module.weight.requires_grad:  # the fixed sinusoidal table
            with torch.no_grad():
                module.weight.copy_(sinusoidal_positions(*module.weight.shape))
        else:
            super()._init_weights(module)


class DistilBertModel(DistilBertPreTrainedModel):
    """The body: ids -> one vector per token (``last_hidden_state``)."""

    def __init__(self, config: DistilBertConfig):
        super().__init__(config)
        self.embeddings = Embeddings(config)
        self.transformer = Transformer(config)
        self.post_init()

    traced = (("embeddings", "embeddings", "output"), ("layers", "transformer.layer", "steps"))

    def forward(self, input_ids=None, attention_mask=None, output_hidden_states=None, output_attentions=None,
                return_dict=True, **unused) -> BaseModelOutput:
        input_ids, attention_mask, _ = check_inputs(self.config, input_ids, attention_mask, None, unused)
        want_hidden = self.config.output_hidden_states if output_hidden_states is None else output_hidden_states
        want_attn = self.config.output_attentions if output_attentions is None else output_attentions

        x = self.embeddings(input_ids)  # (B, T, D)
        mask = F.extended_attention_mask(attention_mask, x.dtype)  # (B, 1, 1, T)
        hidden_states, attentions = [x], []
        with written_out(self, want_attn, only=MultiHeadSelfAttention):  # weights exist only on the written-out attention
            for block in self.transformer.layer:
                x, weights = block(x, mask)  # (B, T, D), (B, H, T, T) or None
                hidden_states.append(x)
                attentions.append(weights)
        out = BaseModelOutput(
            last_hidden_state=x,
            hidden_states=tuple(hidden_states) if want_hidden else None,
            attentions=tuple(attentions) if want_attn else None,
        )
        return out if return_dict else out.to_tuple()


class DistilBertForSequenceClassification(DistilBertPreTrainedModel):
    """The body plus a head: first token ([CLS]) -> pre_classifier -> ReLU -> classifier -> logits."""

    def __init__(self, config: DistilBertConfig):
        super().__init__(config)
        self.distilbert = DistilBertModel(config)
        self.pre_classifier = nn.Linear(config.dim, config.dim)
        self.classifier = nn.Linear(config.dim, config.num_labels)
        self.dropout = nn.Dropout(config.seq_classif_dropout)
        self.post_init()

    head_names = ("classifier.",)
    traced = (
        ("body", "distilbert", "steps"),
        ("first_token", "pre_classifier", "input"),
        ("pre_classifier", "dropout", "input"),  # after the ReLU
        ("logits", "classifier", "output"),
    )

    def forward(self, input_ids=None, attention_mask=None, labels=None, output_hidden_states=None,
                output_attentions=None, return_dict=True, **unused) -> SequenceClassifierOutput:
        body = self.distilbert(input_ids, attention_mask, output_hidden_states, output_attentions, **unused)
        first = body.last_hidden_state[:, 0]  # (B, D) the [CLS] position
        pre = torch.relu(self.pre_classifier(first))  # (B, D)
        logits = self.classifier(self.dropout(pre))  # (B, C)
        out = SequenceClassifierOutput(
            loss=classification_loss(self.config, logits, labels),
            logits=logits,
            hidden_states=body.hidden_states,
            attentions=body.attentions,
        )
        return out if return_dict else out.to_tuple()
