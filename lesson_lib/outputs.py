"""What a model returns: one object that reads as a dataclass, a dict and a tuple.

The seed prints ``SequenceClassifierOutput(loss=None, logits=tensor(...), ...)``
and then uses ``outputs.logits``, ``outputs["logits"]`` and ``outputs[0]``
interchangeably. Fields that are ``None`` are left out of the dict and tuple
views, so ``outputs[0]`` is the loss when labels were given and the logits
otherwise.

>>> out = SequenceClassifierOutput(logits=torch.zeros(1, 2))
>>> out[0] is out.logits is out["logits"]
True
>>> list(out.keys())
['logits']

Used in: models/*.py; notebooks/*/03_forward_pass and 04_softmax_loss.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import torch


class ModelOutput(dict):
    """Base class: subclasses are dataclasses; the dict holds the non-None fields, in field order."""

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                dict.__setitem__(self, f.name, value)

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name in self.__dataclass_fields__:
            self._sync(name, value)

    def __setitem__(self, key, value):
        if key not in self.__dataclass_fields__:
            raise KeyError(f"{type(self).__name__} has no field {key!r}; fields: {list(self.__dataclass_fields__)}")
        super().__setattr__(key, value)
        self._sync(key, value)

    def _sync(self, name, value):
        # Rebuild so that dict order always follows field order.
        items = {f.name: getattr(self, f.name, None) for f in fields(self)}
        items[name] = value
        dict.clear(self)
        dict.update(self, {k: v for k, v in items.items() if v is not None})

    def __getitem__(self, key):
        if isinstance(key, (int, slice)):
            return self.to_tuple()[key]
        return dict.__getitem__(self, key)

    def to_tuple(self) -> tuple:
        return tuple(self.values())


@dataclass(repr=True, eq=False)
class BaseModelOutput(ModelOutput):
    """The encoder's output: one vector per token, plus optional per-layer views."""

    last_hidden_state: torch.Tensor | None = None  # (B, T, D)
    hidden_states: tuple[torch.Tensor, ...] | None = None  # n_layers + 1 tensors of (B, T, D)
    attentions: tuple[torch.Tensor, ...] | None = None  # n_layers tensors of (B, H, T, T)


@dataclass(repr=True, eq=False)
class BaseModelOutputWithPooling(ModelOutput):
    """BERT's encoder output, plus the pooled first-token vector."""

    last_hidden_state: torch.Tensor | None = None  # (B, T, D)
    pooler_output: torch.Tensor | None = None  # (B, D)
    hidden_states: tuple[torch.Tensor, ...] | None = None
    attentions: tuple[torch.Tensor, ...] | None = None


@dataclass(repr=True, eq=False)
class SequenceClassifierOutput(ModelOutput):
    """A classifier's output: scores per label (logits), and the loss when labels were given."""

    loss: torch.Tensor | None = None  # () mean over the batch
    logits: torch.Tensor | None = None  # (B, num_labels)
    hidden_states: tuple[torch.Tensor, ...] | None = None
    attentions: tuple[torch.Tensor, ...] | None = None
