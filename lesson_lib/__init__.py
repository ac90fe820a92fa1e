"""lesson_lib: a Hugging Face text-classification pipeline, opened up for learning.

Every module, in the order a sentence meets them (the chapters that open each one):

    pipeline.py           pipeline("sentiment-analysis"): the one line, then the five inside it   00
    hub.py                where a model name points: a folder, an offline model, the hub          00
    tokenize.py           text (or a text pair) -> tokens -> ids, attention mask, batches         01 02
    wordpiece.py          WordPiece written out by hand: what tok.trace shows                     01 09
    tokenizer_files.py    a tokenizer's folder in and out; AutoTokenizer                          01 06
    config.py             the numbers that decide a model's shape (config.json)                   07
    models/auto.py        the Auto classes: config.json's model_type picks the class              00 07
    models/distilbert.py  DistilBERT, top to bottom: embeddings -> blocks -> first token -> head  03 05 07
    models/bert.py        BERT: token types, a pooler; the offline default model                  03 05 07
    modeling.py           what every model shares: from_pretrained, input checks, loss, trace     03 06 07
    functional.py         softmax, cross-entropy, attention, GELU, written out                    04 05
    outputs.py            what a model returns: a dataclass, a dict and a tuple at once           03 04
    checkpoint.py         config.json + model.safetensors in and out                              06 07
    numpy_forward.py      the same weights in plain NumPy                                         06
    trainer.py            Trainer: the training loop, with Transformers' names                    08
    explain.py            which words made the model say that                                     10
    views/                the notebook widgets, thin views over the above (one file per view)     all
    i18n.py               every word the views show, in Korean and in English
    fonts.py              Hangul in matplotlib figures, offline
    errors.py             the kit's exceptions: what was wrong, and what to do
    _files.py             saving without half-written files (every save_pretrained)
    __main__.py           python -m lesson_lib "some text": every stage in the terminal

The seed's code runs with only its import line changed:

    from lesson_lib import AutoTokenizer, AutoModelForSequenceClassification, DEFAULT_MODEL
"""

from .config import BertConfig, DistilBertConfig, PretrainedConfig
from .errors import CheckpointError, InputTypeError, InputValueError, IntegrityError, LessonError, ModelNotFoundError
from .hub import BASE_MODEL, DEFAULT_MODEL, KOREAN_MODEL, SEED_MODEL
from .i18n import get_language, set_language
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
from .pipeline import TextClassificationPipeline, pipeline
from .tokenize import AutoTokenizer, BatchEncoding, BertTokenizer, DistilBertTokenizer
from .trainer import DataCollatorWithPadding, EvalPrediction, Trainer, TrainingArguments

__version__ = "0.1.0"
