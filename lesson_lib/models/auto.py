"""The Auto classes: read ``model_type`` from ``config.json`` and hand over to the concrete class.

They are shortcuts and nothing more: ``AutoModelForSequenceClassification.from_pretrained(name)``
on a BERT checkpoint returns exactly what ``BertForSequenceClassification.from_pretrained(name)``
returns. Chapter 07 shows both.

Used in: notebooks/*/00_overview and 07_classes_configs.
"""

from __future__ import annotations

from ..config import BertConfig, DistilBertConfig
from ..errors import CheckpointError, InputTypeError
from ..hub import resolve
from .bert import BertForSequenceClassification, BertModel
from .distilbert import DistilBertForSequenceClassification, DistilBertModel

# model_type -> (config class, body, sequence classifier)
REGISTRY = {
    "bert": (BertConfig, BertModel, BertForSequenceClassification),
    "distilbert": (DistilBertConfig, DistilBertModel, DistilBertForSequenceClassification),
}


def _classes_for(model_type, where):
    if model_type is None:
        raise CheckpointError("error.auto.no_model_type", where=where)
    if not isinstance(model_type, str) or model_type not in REGISTRY:
        raise CheckpointError(
            "error.auto.unknown_model_type", where=where, model_type=f"{model_type!r}",
            supported=', '.join(sorted(REGISTRY)),
        )
    return REGISTRY[model_type]


class _Auto:
    _slot = 0

    def __init__(self, *args, **kwargs):
        raise InputTypeError("error.auto.not_built_directly", cls=type(self).__name__)

    @classmethod
    def from_pretrained(cls, name_or_path, **kwargs):
        source = resolve(name_or_path)
        target = _classes_for(source.read_config().get("model_type"), str(source.config_file))[cls._slot]
        return target.from_pretrained(name_or_path, **kwargs)

    @classmethod
    def from_config(cls, config):
        target = _classes_for(getattr(config, "model_type", None), type(config).__name__)[cls._slot]
        return target(config) if cls._slot else target.from_dict(config.to_dict())


class AutoConfig(_Auto):
    """``AutoConfig.from_pretrained(name)`` -> a BertConfig or DistilBertConfig."""

    _slot = 0


class AutoModel(_Auto):
    """``AutoModel.from_pretrained(name)`` -> the body only (BertModel or DistilBertModel)."""

    _slot = 1


class AutoModelForSequenceClassification(_Auto):
    """``AutoModelForSequenceClassification.from_pretrained(name)`` -> body + classification head."""

    _slot = 2
