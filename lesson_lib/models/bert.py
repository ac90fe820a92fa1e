"""BERT, read top to bottom: embeddings -> N layers -> pooler -> classifier.

The same design as DistilBERT (see distilbert.py for the shape symbols
B, T, D, H, d, F, C), with three differences a learner can spot:
token-type embeddings (sentence A / sentence B), deeper module nesting
(``attention.self.query`` where DistilBERT says ``attention.q_lin``), and a
*pooler* (dense + tanh on the first token) in front of the classifier.
The nesting looks odd but it is what the checkpoints' tensor names spell.
Speed (the ``fused`` flags) and recording (the ``traced`` tables) work as in distilbert.py.

The kit's offline default (all-MiniLM-L6-v2 with a sentiment head) is this model.

    >>> model = BertForSequenceClassification(BertConfig(num_hidden_layers=2, hidden_size=64,
    ...                                                  num_attention_heads=4, intermediate_size=128))
    >>> model(torch.tensor([[101, 2057, 102]])).logits.shape
    torch.Size([1, 2])

Used in: notebooks/*/03_forward_pass, 05_attention (the default model), 07_classes_configs.
"""

from __future__ import annotations

import torch
from torch import nn

from .. import functional as F
from ..config import BertConfig
from ..modeling import PreTrainedModel, check_inputs, classification_loss, written_out
from ..outputs import BaseModelOutputWithPooling, SequenceClassifierOutput


class BertEmbeddings(nn.Module):
    """word + position + token type (which sentence of a pair), then LayerNorm."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)  # checkpoint's spelling
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        T = input_ids.size(1)
        positions = torch.arange(T, device=input_ids.device)  # (T,)
        x = (
            self.word_embeddings(input_ids)  # (B, T, D)
            + self.token_type_embeddings(token_type_ids)  # (B, T, D)
            + self.position_embeddings(positions)  # (T, D), broadcast over B
        )
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.n_heads = config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)
        self.fused = True  # PyTorch's attention kernel, which keeps no weights (see F.attention)

    def forward(self, x, additive_mask):
        q = F.split_heads(self.query(x), self.n_heads)  # (B, H, T, d)
        k = F.split_heads(self.key(x), self.n_heads)  # (B, H, T, d)
        v = F.split_heads(self.value(x), self.n_heads)  # (B, H, T, d)
        out, weights = F.attention(q, k, v, additive_mask, self.dropout, self.fused)
        return F.merge_heads(out), weights  # (B, T, D), (B, H, T, T) or None when fused


class BertSelfOutput(nn.Module):
    """Project the heads' output back, add the residual, LayerNorm."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, heads, residual):
        return self.LayerNorm(self.dropout(self.dense(heads)) + residual)  # (B, T, D)


class BertAttention(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.self = BertSelfAttention(config)  # "attention.self.*" in the checkpoint
        self.output = BertSelfOutput(config)


class BertIntermediate(nn.Module):
    """Feed-forward, first half: widen to F and apply the activation."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.activation = F.ACTIVATIONS[config.hidden_act]
        self.fused = True  # the activation in one PyTorch kernel instead of its written-out formula

    def forward(self, x):
        return self.activation(self.dense(x), self.fused)  # (B, T, F)


class BertOutput(nn.Module):
    """Feed-forward, second half: back to D, add the residual, LayerNorm."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, wide, residual):
        return self.LayerNorm(self.dropout(self.dense(wide)) + residual)  # (B, T, D)


class BertLayer(nn.Module):
    """One transformer block: attention then feed-forward, each with residual + LayerNorm (post-LN)."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    # What model.trace() keeps of each layer, in this order: (step, submodule, which of its tensors).
    traced = (
        ("attention_output", "attention.output.dropout", "output"),  # the heads projected back, before the residual
        ("after_attention_norm", "attention.output", "output"),
        ("ffn_output", "output.dropout", "output"),  # the feed-forward's output, before the residual
        ("block_output", "output", "output"),
        ("attention_weights", "attention.self", "output[1]"),  # (B, H, T, T)
    )

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor):
        heads, weights = self.attention.self(x, additive_mask)  # (B, T, D), (B, H, T, T) or None
        x = self.attention.output(heads, x)  # (B, T, D) projected, plus the residual, LayerNorm
        return self.output(self.intermediate(x), x), weights  # (B, T, D) feed-forward, residual, LayerNorm


class BertEncoder(nn.Module):
    def __init__(self, config: BertConfig):
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(config) for _ in range(config.num_hidden_layers))


class BertPooler(nn.Module):
    """The first token's final vector through dense + tanh: BERT's sentence summary."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden):
        return torch.tanh(self.dense(hidden[:, 0]))  # (B, D)


class BertPreTrainedModel(PreTrainedModel):
    config_class = BertConfig
    base_model_prefix = "bert"


class BertModel(BertPreTrainedModel):
    """The body: ids (and token types) -> one vector per token, plus the pooled first token."""

    def __init__(self, config: BertConfig, add_pooling_layer: bool = True):
        super().__init__(config)
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config) if add_pooling_layer else None
        self.post_init()

    traced = (("embeddings", "embeddings", "output"), ("layers", "encoder.layer", "steps"))

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, output_hidden_states=None,
                output_attentions=None, return_dict=True, **unused) -> BaseModelOutputWithPooling:
        input_ids, attention_mask, token_type_ids = check_inputs(
            self.config, input_ids, attention_mask, token_type_ids, unused)
        want_hidden = self.config.output_hidden_states if output_hidden_states is None else output_hidden_states
        want_attn = self.config.output_attentions if output_attentions is None else output_attentions

        x = self.embeddings(input_ids, token_type_ids)  # (B, T, D)
        mask = F.extended_attention_mask(attention_mask, x.dtype)  # (B, 1, 1, T)
        hidden_states, attentions = [x], []
        with written_out(self, want_attn, only=BertSelfAttention):  # weights exist only on the written-out attention
            for layer in self.encoder.layer:
                x, weights = layer(x, mask)  # (B, T, D), (B, H, T, T) or None
                hidden_states.append(x)
                attentions.append(weights)
        out = BaseModelOutputWithPooling(
            last_hidden_state=x,
            pooler_output=self.pooler(x) if self.pooler is not None else None,
            hidden_states=tuple(hidden_states) if want_hidden else None,
            attentions=tuple(attentions) if want_attn else None,
        )
        return out if return_dict else out.to_tuple()


class BertForSequenceClassification(BertPreTrainedModel):
    """The body plus a head: pooled first token -> dropout -> classifier -> logits."""

    head_names = ("classifier.",)
    traced = (
        ("body", "bert", "steps"),
        ("first_token", "bert.pooler.dense", "input"),
        ("pooler", "bert.pooler", "output"),
        ("logits", "classifier", "output"),
    )

    def __init__(self, config: BertConfig):
        super().__init__(config)
        self.bert = BertModel(config)
        p = config.classifier_dropout if config.classifier_dropout is not None else config.hidden_dropout_prob
        self.dropout = nn.Dropout(p)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None,
                output_hidden_states=None, output_attentions=None, return_dict=True,
                **unused) -> SequenceClassifierOutput:
        body = self.bert(input_ids, attention_mask, token_type_ids, output_hidden_states, output_attentions,
                         **unused)
        pooled = body.pooler_output  # (B, D) the first token through dense + tanh
        logits = self.classifier(self.dropout(pooled))  # (B, C)
        out = SequenceClassifierOutput(
            loss=classification_loss(self.config, logits, labels),
            logits=logits,
            hidden_states=body.hidden_states,
            attentions=body.attentions,
        )
        return out if return_dict else out.to_tuple()
