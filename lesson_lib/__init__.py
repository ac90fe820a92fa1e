"""lesson_lib: a Hugging Face text-classification pipeline, opened up for learning.

The file names follow the pipeline:

    tokenize.py     text -> tokens -> ids, attention mask, padded batches   (chapters 01, 02)
    models/         DistilBERT and BERT, readable PyTorch                   (chapters 03, 05, 07)
    functional.py   softmax, cross-entropy, attention, written out          (chapter 04)
    checkpoint.py   config.json + model.safetensors in and out              (chapter 06)
    hub.py          where a model name points (folder, offline, hub)        (chapter 00)
    views/          the notebook widgets, thin views over the above

The seed's code runs with only its import line changed:

    from lesson_lib import AutoTokenizer, AutoModelForSequenceClassification, DEFAULT_MODEL
"""

from .config import BertConfig, DistilBertConfig, PretrainedConfig
from .errors import CheckpointError, InputTypeError, InputValueError, IntegrityError, LessonError, ModelNotFoundError
from .hub import BASE_MODEL, DEFAULT_MODEL, SEED_MODEL
from .modeling import NewWeightsWarning, PreTrainedModel
from .models import (
    AutoConfig,
    AutoModel,
    AutoModelForSequenceClassification,
    BertForSequenceClassification,
    BertModel,
    DistilBertForSequenceClassification,
    DistilBertModel,
)
from .outputs import BaseModelOutput, BaseModelOutputWithPooling, SequenceClassifierOutput
from .tokenize import AutoTokenizer, BatchEncoding, BertTokenizer, DistilBertTokenizer

__version__ = "0.1.0"
