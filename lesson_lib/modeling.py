"""What every model shares: building from a config, ``from_pretrained``, input checks, the loss, tracing.

The architectures themselves live in ``models/``; this file holds the parts
that are the same for all of them, so each model file can stay a plain,
top-to-bottom description of one network.

Used in: models/distilbert.py, models/bert.py; notebooks/*/03_forward_pass (``model.trace``),
06_save_load, 07_classes_configs.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from . import _threads, checkpoint
from . import functional as F
from .errors import InputTypeError, InputValueError, Phrase
from .hub import resolve

_threads.fit_torch_threads()  # every model passes through here: torch's threads fit the CPU share from now on


class NewWeightsWarning(UserWarning):
    """Some weights were not in the checkpoint and start random: the model must be trained before use."""


# --- tracing: intermediate tensors as plain data ---------------------------------

@dataclass
class Step:
    """One named intermediate tensor of a forward pass."""

    name: str
    layer: int | None
    tensor: torch.Tensor

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.tensor.shape)

    @property
    def label(self) -> str:
        return self.name if self.layer is None else f"layer {self.layer}: {self.name}"


@dataclass
class ForwardTrace:
    """Every step of one forward pass, in order, plus the model's normal output.

    >>> trace = model.trace(**batch)        # doctest: +SKIP
    >>> [s.label for s in trace.steps][:2]  # doctest: +SKIP
    ['embeddings', 'layer 0: attention_output']
    """

    steps: list[Step] = field(default_factory=list)
    output: object = None

    def get(self, name: str, layer: int | None = None) -> torch.Tensor:
        for s in self.steps:
            if s.name == name and s.layer == layer:
                return s.tensor
        raise KeyError(f"No step {name!r} (layer {layer}); steps: {sorted({s.name for s in self.steps})}")


def trace_points(module: nn.Module, layer: int | None = None):
    """Yield (step name, layer, submodule, which tensor) for each step ``model.trace`` records, in order.

    Each model class lists its steps in ``traced``: (name, submodule path, "input", "output" or
    "output[i]"). The value "steps" stands for that submodule's own list; for a ModuleList, each
    element's list in turn, numbered as layers.
    """
    for name, path, which in getattr(module, "traced", ()):
        sub = module.get_submodule(path)
        if which != "steps":
            yield name, layer, sub, which
        elif isinstance(sub, nn.ModuleList):
            for i, block in enumerate(sub):
                yield from trace_points(block, i)
        else:
            yield from trace_points(sub, layer)


def _pick(which: str, args: tuple, output):
    """The tensor a ``traced`` entry names: the module's first input, its output, or item i of its output."""
    if which == "input":
        return args[0]
    if which == "output":
        return output
    return output[int(which.removeprefix("output[").removesuffix("]"))]


@contextmanager
def written_out(model: nn.Module, wanted: bool = True, only: type | None = None):
    """Inside the ``with`` block, every module of ``model`` with a ``fused`` flag runs its written-out formula.

    Those are the lines of functional.py (the kit's softmax, GELU...), and only they produce
    attention weights to show. Leaving the block restores the flags. ``wanted=False``: no change.
    ``only``: switch just the modules of this class (``output_attentions=True`` needs the
    written-out attention, not the written-out GELU, which would only cost time).
    """
    flags = [(m, m.fused) for m in model.modules()
             if hasattr(m, "fused") and (only is None or isinstance(m, only))] if wanted else []
    for m, _ in flags:
        m.fused = False
    try:
        yield
    finally:
        for m, flag in flags:
            m.fused = flag


class Recorder:
    """Keeps the tensors that ``traced`` names during one forward pass: ``with Recorder(model) as r: model(...)``.

    Entering it attaches a forward hook to each listed submodule and switches the model to its
    written-out path (:func:`written_out`); leaving it removes the hooks and restores the flags.
    The models' ``forward`` code is not involved.
    """

    def __init__(self, model: nn.Module):
        self.model = model
        self.points = list(trace_points(model))
        self.kept: list[torch.Tensor | None] = [None] * len(self.points)

    @property
    def steps(self) -> list[Step]:
        return [Step(name, layer, t) for (name, layer, _, _), t in zip(self.points, self.kept) if t is not None]

    def __enter__(self) -> "Recorder":
        self._written_out = written_out(self.model)
        self._written_out.__enter__()
        thread = threading.get_ident()  # a call of the same model in another thread is not this one

        def keeper(i: int, which: str):
            def hook(module, args, output):
                if threading.get_ident() == thread:
                    self.kept[i] = _pick(which, args, output)
            return hook

        self._hooks = [module.register_forward_hook(keeper(i, which))
                       for i, (_, _, module, which) in enumerate(self.points)]
        return self

    def __exit__(self, *exc) -> None:
        for h in self._hooks:
            h.remove()
        self._written_out.__exit__(*exc)


# --- input checks: mistakes get a sentence, not a stack trace from inside torch ---

def _as_tensor(value, name: str) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, str) or (isinstance(value, (list, tuple)) and value and isinstance(value[0], str)):
        # The most common first mistake: giving the model text instead of the tokenizer's ids.
        what = Phrase("error.modeling.what_text" if name != "labels" else "error.modeling.what_labels")
        raise InputTypeError("error.modeling.text_not_ids", name=name, value=f"{value!r:.60}", what=what)
    try:
        return torch.as_tensor(value)
    except (ValueError, TypeError, RuntimeError):
        hint = Phrase("error.modeling.hint_labels" if name == "labels" else "error.modeling.hint_pad")
        raise InputValueError(
            "error.modeling.not_a_tensor", name=name, type=type(value).__name__, value=f"{value!r:.60}", hint=hint,
        ) from None


def _as_index_tensor(value, name: str, like: torch.Tensor | None = None) -> torch.Tensor:
    t = _as_tensor(value, name)
    if t.numel() == 0 and not isinstance(value, torch.Tensor):
        t = t.long()  # torch reads [] as float32; an empty list has no dtype to complain about
    if t.dtype == torch.bool and name != "input_ids":
        t = t.long()
    if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
        raise InputTypeError("error.modeling.ids_dtype", name=name, dtype=str(t.dtype))
    if t.dim() == 1:  # one sentence: treat it as a batch of one
        t = t.unsqueeze(0)
    if t.dim() != 2:
        raise InputValueError("error.modeling.ids_shape", name=name, shape=str(tuple(t.shape)))
    if like is not None and t.shape != like.shape:
        raise InputValueError(
            "error.modeling.shape_mismatch", name=name, shape=str(tuple(t.shape)), ids_shape=str(tuple(like.shape)),
        )
    return t.long()


def check_inputs(config, input_ids, attention_mask, token_type_ids, unused: dict):
    """Validate and normalise a model's inputs; returns (input_ids, attention_mask, token_type_ids)."""
    if isinstance(input_ids, Mapping):  # model(batch), as the seed's TensorFlow half writes it
        unused = {**{k: v for k, v in input_ids.items() if k != "input_ids"}, **unused}
        input_ids = input_ids.get("input_ids")
        attention_mask = unused.pop("attention_mask", attention_mask)
        token_type_ids = unused.pop("token_type_ids", token_type_ids)
    extra_types = unused.pop("token_type_ids", None)
    if unused:
        raise InputTypeError("error.modeling.unexpected_arguments", names=str(sorted(unused)))
    if input_ids is None:
        raise InputValueError("error.modeling.no_input_ids")
    ids = _as_index_tensor(input_ids, "input_ids")
    B, T = ids.shape
    if B == 0 or T == 0:
        raise InputValueError("error.modeling.empty_input_ids", shape=str((B, T)))
    lo, hi = int(ids.min()), int(ids.max())
    if lo < 0 or hi >= config.vocab_size:
        bad = lo if lo < 0 else hi
        where = (ids == bad).nonzero()[0].tolist()
        raise InputValueError(
            "error.modeling.id_outside_vocab", bad=bad, row=where[0], position=where[1], last=config.vocab_size - 1,
        )
    if T > config.max_position_embeddings:
        raise InputValueError("error.modeling.too_long", T=T, positions=config.max_position_embeddings)
    if attention_mask is None:
        mask = torch.ones_like(ids)
    else:
        mask = _as_index_tensor(attention_mask, "attention_mask", like=ids)
        if not bool(((mask == 0) | (mask == 1)).all()):
            raise InputValueError("error.modeling.mask_values")

    if getattr(config, "type_vocab_size", None) is None:  # DistilBERT has no token types
        if extra_types is not None or token_type_ids is not None:
            types = _as_index_tensor(extra_types if extra_types is not None else token_type_ids, "token_type_ids", like=ids)
            if bool((types != 0).any()):
                raise InputValueError("error.modeling.no_token_types", model_type=config.model_type)
        return ids, mask, None
    types = token_type_ids if token_type_ids is not None else extra_types
    if types is None:
        types = torch.zeros_like(ids)
    else:
        types = _as_index_tensor(types, "token_type_ids", like=ids)
        if int(types.min()) < 0 or int(types.max()) >= config.type_vocab_size:
            raise InputValueError(
                "error.modeling.token_types", last=config.type_vocab_size - 1,
                values=str(sorted(set(types.flatten().tolist()))[:5]),
            )
    return ids, mask, types


def classification_loss(config, logits: torch.Tensor, labels) -> torch.Tensor | None:
    """Cross-entropy averaged over the batch (or mean squared error when num_labels == 1)."""
    if labels is None:
        return None
    labels = _as_tensor(labels, "labels").to(logits.device)
    B, C = logits.shape
    if labels.is_complex():
        raise InputTypeError("error.modeling.labels_not_real", dtype=str(labels.dtype))
    if config.problem_type == "multi_label_classification":
        if tuple(labels.shape) != (B, C):
            raise InputValueError("error.modeling.multi_label_shape", shape=str(tuple(labels.shape)), B=B, C=C)
        return nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype))
    if C == 1 or config.problem_type == "regression":
        if labels.numel() != B * C:  # torch would broadcast a wrong count into a wrong loss, silently
            raise InputValueError("error.modeling.regression_shape", n=labels.numel(), B=B, C=C, needed=B * C)
        return torch.mean((logits - labels.to(logits.dtype).view(B, C)) ** 2)
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise InputTypeError("error.modeling.labels_dtype", dtype=str(labels.dtype))
    # (B,) is the shape; (B, 1) and, for one sentence, a bare number mean the same thing.
    if labels.numel() != B or labels.dim() > 2 or (labels.dim() == 2 and labels.shape[1] != 1):
        raise InputValueError("error.modeling.labels_shape", shape=str(tuple(labels.shape)), B=B)
    labels = labels.reshape(-1)
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0 or hi >= C:
        raise InputValueError(
            "error.modeling.label_range", label=lo if lo < 0 else hi, last=C - 1, C=C, id2label=str(config.id2label),
        )
    return F.cross_entropy(logits, labels)


# --- building a model without weights, for a checkpoint to fill --------------------

class _SkipFillsOnMeta(TorchFunctionMode):
    """While active (in this thread only), filling a meta tensor (normal_, uniform_, zero_, ...) does nothing.

    A meta tensor has a shape but no values, so there is nothing to fill; PyTorch would still run
    ``normal_`` through a slow Python path (milliseconds a call, seconds for the first one).
    """

    FILLS = {"normal_", "uniform_", "kaiming_uniform_", "trunc_normal_", "xavier_uniform_", "zero_", "zeros_",
             "fill_", "ones_"}

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        tensor = args[0] if args else kwargs.get("tensor")  # nn.init passes it by name
        if getattr(func, "__name__", None) in self.FILLS and isinstance(tensor, torch.Tensor) and tensor.is_meta:
            return tensor
        return func(*args, **kwargs)


def build_on_meta(cls, config):
    """``cls(config)`` with every tensor on the "meta" device: shapes, no memory, no random numbers drawn.

    ``checkpoint.load_state(model, files)`` then hands it the checkpoint's tensors and initialises
    only what they lack. Nothing global changes: the device and the skipped fills hold for the
    calling thread only, so a model built in another thread at the same time is a normal one.

    >>> build_on_meta(BertForSequenceClassification, config).classifier.weight.device   # doctest: +SKIP
    device(type='meta')
    """
    with torch.device("meta"), _SkipFillsOnMeta():
        return cls(config)


# --- the base class ------------------------------------------------------------

class PreTrainedModel(nn.Module):
    """A ``torch.nn.Module`` that knows its config and can be saved and loaded like a Hugging Face model."""

    config_class = None
    base_model_prefix = ""
    # Parameter-name prefixes of the task head: the only tensors that may be re-initialised
    # when the checkpoint's shape differs, and only when num_labels was asked for.
    head_names: tuple[str, ...] = ()

    def __init__(self, config):
        if not isinstance(config, self.config_class):
            raise InputTypeError(
                "error.modeling.config_type", model=type(self).__name__, config=self.config_class.__name__,
                type=type(config).__name__,
            )
        config.validate()  # again: fields may have been changed since the config was made
        super().__init__()
        self.config = config
        self.name_or_path = ""

    # weights -------------------------------------------------------------------
    def post_init(self) -> None:
        # Under build_on_meta (from_pretrained) this visits shapes only: nothing is drawn.
        self.apply(self._init_weights)

    def _init_weights(self, module: nn.Module) -> None:
        """BERT's recipe: normal(0, 0.02) for weights, zero biases, LayerNorm as identity."""
        std = self.config.initializer_range
        with torch.no_grad():
            if isinstance(module, nn.Linear):
                module.weight.normal_(0.0, std)
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.Embedding):
                module.weight.normal_(0.0, std)
                if module.padding_idx is not None:
                    module.weight[module.padding_idx].zero_()
            elif isinstance(module, nn.LayerNorm):
                module.weight.fill_(1.0)
                module.bias.zero_()

    @property
    def base_model(self) -> nn.Module:
        return getattr(self, self.base_model_prefix, self)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def num_parameters(self, only_trainable: bool = False) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not only_trainable)

    # tracing --------------------------------------------------------------------
    @torch.no_grad()
    def trace(self, input_ids=None, attention_mask=None, **kwargs) -> ForwardTrace:
        """Run one forward pass and keep every intermediate tensor (for chapter 03's step-through)."""
        with Recorder(self) as recorder:
            output = self(input_ids, attention_mask, **kwargs)
        return ForwardTrace(recorder.steps, output)

    # checkpoints ----------------------------------------------------------------
    @classmethod
    def from_pretrained(cls, name_or_path, *, num_labels=None, id2label=None, label2id=None,
                        ignore_mismatched_sizes: bool = False, **config_overrides):
        """Build the model from a folder, the offline default, or a hub name, and load its weights.

        >>> model = BertForSequenceClassification.from_pretrained(DEFAULT_MODEL)   # doctest: +SKIP

        ``num_labels=10`` on a checkpoint without a head (``BASE_MODEL``, the seed's
        ``distilbert-base-uncased``) gives the pre-trained body a new, random classifier. On a
        checkpoint whose head has another size it is an error, as in Transformers 5, unless
        ``ignore_mismatched_sizes=True`` says to replace that head.
        """
        if not isinstance(ignore_mismatched_sizes, bool):
            raise InputTypeError("error.modeling.ignore_mismatched_sizes", value=f"{ignore_mismatched_sizes!r}")
        source = resolve(name_or_path)
        config = checkpoint.pretrained_config(
            cls.config_class, source, num_labels=num_labels, id2label=id2label, label2id=label2id,
            overrides=config_overrides)
        model = build_on_meta(cls, config)  # shapes only: the checkpoint's tensors become the weights
        # The kit's offline models: their merge is shared by every kernel that loads them (checkpoint.py).
        report = checkpoint.load_state(model, source.weight_files, ignore_mismatched_sizes=ignore_mismatched_sizes,
                                       source_name=source.name, shared=source.kind == "offline")
        model.eval()  # as in Hugging Face: dropout off until you call model.train()
        model.name_or_path = source.name
        model.load_report = report
        if report.newly_initialised or report.reshaped_head:
            warnings.warn(report.message(), NewWeightsWarning, stacklevel=2)
        return model

    def save_pretrained(self, save_directory) -> list:
        """Write ``config.json`` and ``model.safetensors`` (atomically: an interrupted save keeps the old files)."""
        return checkpoint.save_pretrained(self, save_directory)
