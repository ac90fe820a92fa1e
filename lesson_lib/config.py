"""Model configurations: the numbers that decide a model's shape, read from and written to ``config.json``.

Field names are spelled exactly as in Hugging Face's ``config.json``
(DistilBERT says ``dim``, ``n_heads``, ``hidden_dim``; BERT says ``hidden_size``,
``num_attention_heads``, ``intermediate_size``), so a file written here loads in
``transformers`` and the other way round. Keys we do not know are kept as
they are and written back, so nothing is lost in a round trip.

>>> config = DistilBertConfig(n_heads=8, dim=512, hidden_dim=4 * 512)
>>> config.dim // config.n_heads     # size of one attention head
64

Used in: models/*.py, checkpoint.py; notebooks/*/07_classes_configs.
"""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path

from ._files import folder_for_saving, write_text_atomically
from .errors import CheckpointError, InputTypeError, InputValueError, Phrase
from .hub import resolve

PROBLEM_TYPES = (None, "single_label_classification", "multi_label_classification", "regression")
# The activations functional.ACTIVATIONS implements (tests/test_models.py keeps the two lists equal);
# named here, not imported, so that reading a config.json does not need torch.
ACTIVATION_NAMES = ("gelu", "gelu_new", "relu", "tanh")
# Fields every config has besides its architecture's ``defaults``.
KNOWN_FIELDS = ("id2label", "label2id", "num_labels", "architectures", "problem_type", "output_hidden_states",
                "output_attentions", "model_type")


def _label_table(table, name: str, key, value) -> dict:
    """id2label / label2id as a dict with the right key and value types, or an error saying what they look like."""
    example = "{0: 'NEGATIVE', 1: 'POSITIVE'}" if name == "id2label" else "{'NEGATIVE': 0, 'POSITIVE': 1}"
    try:
        return {key(k): value(v) for k, v in dict(table).items()}
    except (TypeError, ValueError):
        raise InputValueError("error.config.not_a_dict", name=name, example=example, table=f"{table!r:.80}") from None


class PretrainedConfig:
    """What every configuration has: labels, the pad id, and a JSON form."""

    model_type: str = ""
    # Generic names (used by the views) -> this architecture's spelling.
    attribute_map: dict[str, str] = {}
    # Shape-defining fields and their defaults, in the order config.json lists them.
    defaults: dict = {}

    def __init__(self, **kwargs):
        for generic, own in self.attribute_map.items():  # DistilBertConfig(hidden_size=64) sets dim
            if generic in kwargs:
                kwargs.setdefault(own, kwargs.pop(generic))
        id2label = kwargs.pop("id2label", None)
        label2id = kwargs.pop("label2id", None)
        num_labels = kwargs.pop("num_labels", None)
        kwargs.pop("model_type", None)  # a class property, not per instance
        for key, default in self.defaults.items():
            setattr(self, key, kwargs.pop(key, default))
        self.architectures = kwargs.pop("architectures", None)
        self.problem_type = kwargs.pop("problem_type", None)
        self.output_hidden_states = kwargs.pop("output_hidden_states", False)
        self.output_attentions = kwargs.pop("output_attentions", False)
        # Anything else (e.g. "transformers_version", "_name_or_path") is kept verbatim.
        for key, value in kwargs.items():
            setattr(self, key, value)

        if id2label is not None:
            self.id2label = _label_table(id2label, "id2label", key=int, value=str)
            if sorted(self.id2label) != list(range(len(self.id2label))):
                raise InputValueError("error.config.id2label_ids", ids=str(sorted(self.id2label)))
            if num_labels is not None and num_labels != len(self.id2label):
                raise InputValueError("error.config.num_labels_id2label", num_labels=num_labels, n=len(self.id2label))
        else:
            self.num_labels = 2 if num_labels is None else num_labels
        self.label2id = (
            _label_table(label2id, "label2id", key=str, value=int)
            if label2id is not None
            else {v: k for k, v in self.id2label.items()}
        )
        self.validate()

    # -- labels ----------------------------------------------------------------
    @property
    def num_labels(self) -> int:
        return len(self.id2label)

    @num_labels.setter
    def num_labels(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputValueError("error.config.num_labels", n=f"{n!r}")
        self.id2label = {i: f"LABEL_{i}" for i in range(n)}
        self.label2id = {v: k for k, v in self.id2label.items()}

    # -- generic names, so views work for every architecture ---------------------
    def __getattr__(self, name):
        # Only called when normal lookup fails: map e.g. hidden_size -> dim.
        mapped = type(self).attribute_map.get(name)
        if mapped is not None:
            return getattr(self, mapped)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def validate(self) -> None:
        """Refuse shapes and settings that cannot work, before a model is built from them."""
        name = type(self).__name__
        for key, default in self.defaults.items():
            value = getattr(self, key)
            if isinstance(default, int) and not isinstance(default, bool):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise InputValueError("error.config.whole_number", name=name, key=key, value=f"{value!r}")
            elif isinstance(default, float) or key.endswith("dropout"):  # classifier_dropout may be None
                if value is None and default is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                    raise InputValueError("error.config.number", name=name, key=key, value=f"{value!r}")
                if "dropout" in key and value > 1:
                    raise InputValueError("error.config.probability", name=name, key=key, value=f"{value!r}")
        for key in ("activation", "hidden_act"):  # DistilBERT's and BERT's spelling
            if key in self.defaults and getattr(self, key) not in ACTIVATION_NAMES:
                raise InputValueError(
                    "error.config.activation", name=name, key=key, value=f"{getattr(self, key)!r}",
                    choices=str(sorted(ACTIVATION_NAMES)),
                )
        if self.problem_type not in PROBLEM_TYPES:
            raise InputValueError(
                "error.config.problem_type", name=name, choices=str(list(PROBLEM_TYPES)),
                problem_type=f"{self.problem_type!r}",
            )
        width, heads = self.hidden_size, self.num_attention_heads
        if heads < 1 or width % heads != 0:
            raise InputValueError("error.config.width_heads", config=type(self).__name__, width=width, heads=heads)

    # -- JSON --------------------------------------------------------------------
    def to_dict(self) -> dict:
        data = {k: copy.deepcopy(v) for k, v in self.__dict__.items()}
        data["model_type"] = self.model_type
        data["id2label"] = {str(k): v for k, v in self.id2label.items()}
        return dict(sorted(data.items()))

    def to_json_string(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def __repr__(self) -> str:
        return f"{type(self).__name__} {self.to_json_string()}"

    def __eq__(self, other) -> bool:
        return isinstance(other, PretrainedConfig) and self.to_dict() == other.to_dict()

    @classmethod
    def from_dict(cls, data: dict, **overrides) -> "PretrainedConfig":
        if not isinstance(data, dict):
            raise InputTypeError("error.config.not_a_dict_config", type=type(data).__name__)
        known = {*cls.defaults, *cls.attribute_map, *data, *KNOWN_FIELDS}
        unknown = sorted(k for k in overrides if k not in known)
        if unknown:  # a typo such as num_label=3 would otherwise be kept as a new field and do nothing
            close = [m for k in unknown for m in difflib.get_close_matches(k, sorted(known), n=1)]
            raise InputTypeError(
                "error.config.unknown_fields", cls=cls.__name__, unknown=str(unknown),
                did_you_mean=Phrase("error.config.did_you_mean", close=str(close)) if close else "",
                examples=str(sorted(cls.defaults)[:4]),
            )
        overrides = {cls.attribute_map.get(k, k): v for k, v in overrides.items()}  # hidden_size -> dim
        merged = {**data, **overrides}
        wanted = merged.get("model_type")
        if cls.model_type and wanted and wanted != cls.model_type:
            raise CheckpointError(
                "error.config.wrong_model_type", wanted=f"{wanted!r}", cls=cls.__name__,
                model_type=f"{cls.model_type!r}",
            )
        return cls(**merged)

    @classmethod
    def from_pretrained(cls, name_or_path, **overrides) -> "PretrainedConfig":
        return cls.from_dict(resolve(name_or_path).read_config(), **overrides)

    def save_pretrained(self, save_directory) -> Path:
        folder = folder_for_saving(save_directory, "config.save_pretrained()")
        return write_text_atomically(folder / "config.json", self.to_json_string())


class DistilBertConfig(PretrainedConfig):
    """DistilBERT: 6 layers by default; ``dim`` wide, ``n_heads`` heads, FFN of ``hidden_dim``.

    >>> DistilBertConfig().dim, DistilBertConfig().n_layers
    (768, 6)
    """

    model_type = "distilbert"
    attribute_map = {"hidden_size": "dim", "num_attention_heads": "n_heads", "num_hidden_layers": "n_layers",
                     "intermediate_size": "hidden_dim"}
    defaults = dict(
        vocab_size=30522,
        max_position_embeddings=512,
        sinusoidal_pos_embds=False,
        n_layers=6,
        n_heads=12,
        dim=768,
        hidden_dim=4 * 768,
        dropout=0.1,
        attention_dropout=0.1,
        activation="gelu",
        initializer_range=0.02,
        qa_dropout=0.1,
        seq_classif_dropout=0.2,
        pad_token_id=0,
    )


class BertConfig(PretrainedConfig):
    """BERT: ``num_hidden_layers`` layers, ``hidden_size`` wide, plus token types and a pooler.

    >>> BertConfig().num_hidden_layers
    12
    """

    model_type = "bert"
    defaults = dict(
        vocab_size=30522,
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=512,
        type_vocab_size=2,
        initializer_range=0.02,
        layer_norm_eps=1e-12,
        pad_token_id=0,
        classifier_dropout=None,
    )
