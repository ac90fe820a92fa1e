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
    _threads.py           how many threads torch may use: this process's share of the CPUs
    _lazy.py              public names imported on first use (import lesson_lib without torch)
    __main__.py           python -m lesson_lib "some text": every stage in the terminal

The seed's code runs with only its import line changed:

    from lesson_lib import AutoTokenizer, AutoModelForSequenceClassification, DEFAULT_MODEL

``import lesson_lib`` itself loads almost nothing: each public name is imported from its module
the first time it is used (_lazy.py, PEP 562). So the tokenizer chapter never pays
for torch (about a second and most of a kernel's memory); the first model name that needs torch
also fits torch's threads to this process's CPU share (_threads.py).
"""

from . import _lazy, _threads

__version__ = "0.1.0"

# Public name -> the module that defines it; the module is imported on first use (_lazy.py).
_WHERE = {
    "config": ("BertConfig", "DistilBertConfig", "PretrainedConfig"),
    "errors": ("CheckpointError", "InputTypeError", "InputValueError", "IntegrityError", "LessonError",
               "ModelNotFoundError"),
    "hub": ("BASE_MODEL", "DEFAULT_MODEL", "KOREAN_MODEL", "SEED_MODEL"),
    "i18n": ("get_language", "set_language"),
    "modeling": ("NewWeightsWarning", "PreTrainedModel"),
    "models": ("AutoConfig", "AutoModel", "AutoModelForSequenceClassification", "BertForSequenceClassification",
               "BertModel", "DistilBertForSequenceClassification", "DistilBertModel"),
    "outputs": ("BaseModelOutput", "BaseModelOutputWithPooling", "SequenceClassifierOutput"),
    "pipeline": ("TextClassificationPipeline", "pipeline"),
    "tokenize": ("AutoTokenizer", "BatchEncoding", "BertTokenizer", "DistilBertTokenizer"),
    "trainer": ("DataCollatorWithPadding", "EvalPrediction", "Trainer", "TrainingArguments"),
}
# Modules that work without torch: the tokenizer chapter uses only these.
_TORCH_FREE = {"config", "errors", "hub", "i18n", "tokenize"}


def _on_import(module: str) -> None:
    if module not in _TORCH_FREE:  # the first name that needs torch: fit its threads to this process's share
        _threads.fit_torch_threads()


_lazy.make_lazy(__name__, _WHERE, _on_import)
