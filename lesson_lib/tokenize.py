"""Text → token ids, the way BERT and DistilBERT were trained to read them.

A tokenizer call does four things, in this order (the seed's "tokenizer" section):

1. split the text into WordPiece tokens (the ``tokenizers`` library does this fast;
   ``wordpiece.py`` does the same by hand and ``trace()`` shows every step),
2. cut each sequence to ``max_length`` when truncating, keeping room for the two specials,
3. put ``[CLS]`` in front and ``[SEP]`` at the end,
4. pad on the right with ``[PAD]`` to a common length; ``attention_mask`` is 1 for real
   tokens and 0 for padding, so the model can ignore the padding.

>>> tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)          # doctest: +SKIP
>>> tok("We hope you don't hate it.")["input_ids"]              # doctest: +SKIP
[101, 2057, 3246, 2017, 2123, 1005, 1056, 5223, 2009, 1012, 102]

Folders written by ``save_pretrained`` load in ``transformers.AutoTokenizer`` (and back).
Only single sentences are supported: no sentence pairs, no pre-split words.

Used in: notebooks/*/01_tokenizer and 02 (batches, padding), the Korean chapter; views/tokens.py,
views/padding.py; every chapter that builds a batch.
"""

from __future__ import annotations

import json
import operator
import os
import reprlib
import tempfile
from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece

from . import hub
from .errors import CheckpointError, InputTypeError, InputValueError
from .wordpiece import TokenizeTrace, WordPieceTokenizer

__all__ = ["AutoTokenizer", "BatchEncoding", "BertTokenizer", "DistilBertTokenizer", "TokenizeTrace"]

PADDING_CHOICES = (False, True, "longest", "max_length", "do_not_pad")
TRUNCATION_CHOICES = (None, False, True, "longest_first", "only_first", "do_not_truncate")
TENSOR_CHOICES = (None, "pt", "np")
# transformers writes int(1e30) as model_max_length when a tokenizer has "no limit".
NO_LIMIT = int(1e20)
DEFAULT_MAX_LENGTH = 512  # every model in this kit has 512 position embeddings


class BatchEncoding(dict):
    """What a tokenizer call returns: a plain dict of lists (or tensors), plus helpers.

    It prints like a dict, and ``batch.input_ids`` is ``batch["input_ids"]``.

    >>> batch = tok(["I love it.", "Meh."], padding=True, return_tensors="pt")   # doctest: +SKIP
    >>> batch.tokens(1)                                                         # doctest: +SKIP
    ['[CLS]', 'me', '##h', '.', '[SEP]', '[PAD]']

    Used in: ``model(**batch)`` in every chapter; notebooks/*/02 (padding); views/padding.py.
    """

    def __init__(self, data: dict, tokens: list[list[str]], word_ids: list[list[int | None]]):
        super().__init__(data)
        # Kept outside the dict so that print(batch) and model(**batch) see only the model inputs.
        self._tokens = tokens
        self._word_ids = word_ids

    def __getattr__(self, name: str):
        if name.startswith("_"):  # copy/pickle probe for dunders: must not look in the dict
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"This BatchEncoding has no {name!r}; its keys are {list(self)}.") from None

    def _row(self, batch_index: int) -> int:
        if not isinstance(batch_index, int) or not -len(self._tokens) <= batch_index < len(self._tokens):
            raise InputValueError(
                f"batch_index={batch_index!r} is out of range: this batch has {len(self._tokens)} "
                f"sequence(s), so use 0..{len(self._tokens) - 1}."
            )
        return batch_index

    def tokens(self, batch_index: int = 0) -> list[str]:
        """The token strings of sequence ``batch_index`` (with [CLS], [SEP] and any [PAD])."""
        return list(self._tokens[self._row(batch_index)])

    def word_ids(self, batch_index: int = 0) -> list[int | None]:
        """For each token, the number of the word it came from (None for special tokens)."""
        return list(self._word_ids[self._row(batch_index)])

    def to(self, device) -> BatchEncoding:
        """Move every tensor to ``device`` (e.g. "cuda"); returns the same BatchEncoding."""
        import torch

        if not all(isinstance(v, torch.Tensor) for v in self.values()):
            raise InputValueError(
                "This BatchEncoding holds Python lists, not tensors, so it cannot be moved to a device. "
                "Ask the tokenizer for tensors: tok(text, return_tensors='pt')."
            )
        for key in self:
            self[key] = self[key].to(device)
        return self


def _is_choice(value, choices) -> bool:
    # `is` for True/False/None, so that 1 and 0 are not mistaken for True and False.
    return any(value == c if isinstance(c, str) and isinstance(value, str) else value is c for c in choices)


def _check_encodable(text: str, what: str) -> None:
    # A lone surrogate (half of an emoji, left by a broken copy/paste or a file read with the wrong
    # encoding) is a valid Python str but not valid Unicode text; the Rust tokenizer refuses it.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputValueError(
            f"{what} contains {text[e.start]!r} at position {e.start}, half of a character (a lone surrogate), "
            f"which is not valid text. Remove it, e.g. text.encode('utf-8', 'ignore').decode('utf-8')."
        ) from None


def _token_text(value) -> str | None:
    # Special tokens are saved either as "[CLS]" or as {"content": "[CLS]", ...}.
    return value.get("content") if isinstance(value, dict) else value


def _read_optional_json(path: Path) -> dict:
    return hub.read_json(path) if path.is_file() else {}


def _write_atomically(folder: Path, contents: dict[str, str]) -> list[str]:
    """Write every file to a temporary name first, then rename them all.

    A crash (or a full disk) while writing leaves the old files untouched: os.replace
    swaps a finished file in at once, never a half-written one.
    """
    temps = {}
    try:
        for name, text in contents.items():
            fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            temps[name] = temp
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        for name, temp in temps.items():
            os.replace(temp, folder / name)
    finally:
        for temp in temps.values():
            if os.path.exists(temp):
                os.remove(temp)
    return [str(folder / name) for name in contents]


class BertTokenizer:
    """BERT's WordPiece tokenizer: ``tok(text)`` → ``input_ids``, ``token_type_ids``, ``attention_mask``.

    >>> tok = BertTokenizer.from_pretrained(BASE_MODEL)   # doctest: +SKIP
    >>> tok.tokenize("Tokenizers split words")             # doctest: +SKIP
    ['token', '##izer', '##s', 'split', 'words']

    Used in: notebooks/*/01_tokenizer, the Korean chapter; models/bert.py (the input names).
    """

    # The keys a call returns by default, i.e. what the model's forward() accepts.
    model_input_names = ["input_ids", "token_type_ids", "attention_mask"]

    def __init__(self, vocab_file=None, *, tokenizer_file=None, do_lower_case: bool = True,
                 strip_accents: bool | None = None, tokenize_chinese_chars: bool = True,
                 unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]",
                 mask_token="[MASK]", model_max_length: int = DEFAULT_MAX_LENGTH, name_or_path: str = ""):
        for flag, value in (("do_lower_case", do_lower_case), ("tokenize_chinese_chars", tokenize_chinese_chars),
                            ("strip_accents", strip_accents)):
            if not isinstance(value, bool) and not (flag == "strip_accents" and value is None):
                raise InputTypeError(
                    f"{flag} must be True or False, got {value!r}. In tokenizer_config.json write true or false."
                )
        self.do_lower_case = do_lower_case
        self.strip_accents = strip_accents  # None: strip accents exactly when lower-casing
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.name_or_path = name_or_path
        self._specials = {"unk_token": unk_token, "sep_token": sep_token, "pad_token": pad_token,
                          "cls_token": cls_token, "mask_token": mask_token}
        if model_max_length is not None and (isinstance(model_max_length, bool) or not isinstance(
                model_max_length, (int, float)) or not model_max_length >= 2):  # "not >=": NaN fails too
            raise InputValueError(
                f"model_max_length must be a whole number >= 2 (tokens, [CLS] and [SEP] included), got "
                f"{model_max_length!r}. Fix it in tokenizer_config.json, or pass model_max_length=512."
            )
        if model_max_length is None or model_max_length > NO_LIMIT:
            model_max_length = DEFAULT_MAX_LENGTH
        self._model_max_length = int(model_max_length)

        if tokenizer_file is not None:
            try:
                self._backend = Tokenizer.from_file(str(tokenizer_file))
            except Exception as e:  # the Rust side raises plain Exception for a broken file
                raise CheckpointError(
                    f"Cannot read {tokenizer_file}: {e}. Delete it to fall back to vocab.txt, or re-save "
                    f"the tokenizer with save_pretrained()."
                ) from None
            self._check_specials(self._backend.get_vocab(with_added_tokens=True), tokenizer_file)
        elif vocab_file is not None:
            self._backend = self._build_backend(Path(vocab_file))
        else:
            raise InputValueError(
                "A BertTokenizer needs a vocabulary: pass vocab_file='.../vocab.txt' (or tokenizer_file="
                "'.../tokenizer.json'), or use BertTokenizer.from_pretrained(lesson_lib.DEFAULT_MODEL)."
            )
        # Our call does truncation and padding itself (in Python, readable); a tokenizer.json
        # may carry its own settings (the offline model's says 128), which must not apply.
        self._backend.no_truncation()
        self._backend.no_padding()
        # The flags win over whatever normaliser the tokenizer.json carried (transformers does the same).
        self._backend.normalizer = normalizers.BertNormalizer(
            clean_text=True, handle_chinese_chars=tokenize_chinese_chars,
            strip_accents=strip_accents, lowercase=do_lower_case)
        self._wordpiece: WordPieceTokenizer | None = None  # built on the first trace()

    def _check_specials(self, vocab: dict[str, int], source) -> None:
        for name, token in self._specials.items():
            if token not in vocab:
                raise CheckpointError(
                    f"The {name} {token!r} is not in the vocabulary {source}. A BERT vocabulary must "
                    f"contain {list(self._specials.values())}; check the file, or pass {name}=... to match it."
                )

    def _build_backend(self, vocab_file: Path) -> Tokenizer:
        """The ``tokenizers`` pipeline BERT uses, built from a vocab.txt (one token per line)."""
        try:
            lines = vocab_file.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as e:
            raise CheckpointError(
                f"Cannot read the vocabulary {vocab_file}: {e}. A vocab.txt is UTF-8 text, one token per line; "
                f"re-save it with tokenizer.save_pretrained(), or use lesson_lib.DEFAULT_MODEL."
            ) from None
        if lines and lines[-1] == "":
            lines.pop()  # the file ends with a newline
        vocab = {token: i for i, token in enumerate(lines)}
        self._check_specials(vocab, vocab_file)
        backend = Tokenizer(WordPiece(vocab, unk_token=self._specials["unk_token"],
                                      continuing_subword_prefix="##", max_input_chars_per_word=100))
        backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        backend.decoder = decoders.WordPiece(prefix="##")
        cls, sep = self._specials["cls_token"], self._specials["sep_token"]
        backend.post_processor = processors.TemplateProcessing(
            single=f"{cls}:0 $A:0 {sep}:0", pair=f"{cls}:0 $A:0 {sep}:0 $B:1 {sep}:1",
            special_tokens=[(cls, vocab[cls]), (sep, vocab[sep])])
        # Registered as special so that "[MASK]" typed in a text stays one token, and
        # decode(..., skip_special_tokens=True) knows what to skip.
        backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in self._specials.values()])
        return backend

    # --- loading and saving --------------------------------------------------------------
    @classmethod
    def from_pretrained(cls, name_or_dir, **overrides):
        """Load the tokenizer of a model name (``DEFAULT_MODEL``, ``BASE_MODEL``, a hub name) or a folder.

        >>> tok = BertTokenizer.from_pretrained("sentence-transformers/all-MiniLM-L6-v2")   # doctest: +SKIP
        """
        return cls._from_source(hub.resolve(name_or_dir), **overrides)

    @classmethod
    def _from_source(cls, source: hub.Source, **overrides):
        folder = Path(source.tokenizer_dir)
        config = _read_optional_json(folder / "tokenizer_config.json")
        special_map = _read_optional_json(folder / "special_tokens_map.json")
        tokenizer_file, vocab_file = folder / "tokenizer.json", folder / "vocab.txt"
        if not tokenizer_file.is_file() and not vocab_file.is_file():
            raise CheckpointError(
                f"{folder} has no tokenizer.json and no vocab.txt, so there is no vocabulary to load. "
                f"Expected a folder written by tokenizer.save_pretrained(), or use lesson_lib.DEFAULT_MODEL."
            )
        kwargs = {"name_or_path": source.name}
        # Normaliser flags: tokenizer_config.json first, else what tokenizer.json says, else BERT's defaults.
        file_norm = {}
        if tokenizer_file.is_file():
            kwargs["tokenizer_file"] = tokenizer_file
            file_norm = (hub.read_json(tokenizer_file).get("normalizer") or {})
        else:
            kwargs["vocab_file"] = vocab_file
        for key, file_key, default in [("do_lower_case", "lowercase", True), ("strip_accents", "strip_accents", None),
                                       ("tokenize_chinese_chars", "handle_chinese_chars", True)]:
            kwargs[key] = config[key] if key in config else file_norm.get(file_key, default)
        for key in ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token"):
            value = _token_text(config.get(key, special_map.get(key)))
            if value is not None:
                kwargs[key] = value
        max_length = config.get("model_max_length")
        no_limit = max_length is None or (isinstance(max_length, (int, float)) and max_length > NO_LIMIT)
        if no_limit and source.config_file is not None and Path(source.config_file).is_file():
            max_length = hub.read_json(source.config_file).get("max_position_embeddings")
        kwargs["model_max_length"] = max_length
        kwargs.update(overrides)
        return cls(**kwargs)

    def save_pretrained(self, save_directory) -> list[str]:
        """Write vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json.

        The folder loads again with ``from_pretrained`` here and in ``transformers``.

        >>> tok.save_pretrained("my_model")   # doctest: +SKIP
        ['my_model/vocab.txt', 'my_model/tokenizer.json', ...]
        """
        from .checkpoint import folder_for_saving

        folder = folder_for_saving(save_directory, "tokenizer.save_pretrained()")
        vocab = self._backend.get_vocab(with_added_tokens=False)
        tokens = sorted(vocab, key=vocab.get)
        config = {
            "tokenizer_class": type(self).__name__,
            "do_lower_case": self.do_lower_case,
            "strip_accents": self.strip_accents,
            "tokenize_chinese_chars": self.tokenize_chinese_chars,
            "model_max_length": self.model_max_length,
            "model_input_names": list(self.model_input_names),
            # decode() output is what the WordPiece decoder gives; no extra clean-up pass.
            "clean_up_tokenization_spaces": False,
            **self._specials,
        }
        return _write_atomically(folder, {
            "vocab.txt": "".join(t + "\n" for t in tokens),
            "tokenizer.json": self._backend.to_str(pretty=True),
            "tokenizer_config.json": json.dumps(config, indent=2, ensure_ascii=False) + "\n",
            "special_tokens_map.json": json.dumps(self._specials, indent=2, ensure_ascii=False) + "\n",
        })

    # --- the call ----------------------------------------------------------------------------
    def __call__(self, text, text_pair=None, *, padding=False, truncation=None, max_length=None,
                 return_tensors=None, return_attention_mask=None, return_token_type_ids=None,
                 **unsupported) -> BatchEncoding:
        """Tokenize one text (str) or a batch (list of str) into model inputs.

        ``truncation=None`` (the default) truncates only when you give ``max_length`` and no
        padding, as transformers does. ``padding=True`` pads to the longest text in the batch,
        ``"max_length"`` to ``max_length`` (default ``model_max_length``).

        >>> tok(["I love it.", "Meh."], padding=True)["attention_mask"]   # doctest: +SKIP
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]]
        """
        if unsupported:  # options copied from transformers code (is_split_into_words, stride, ...)
            raise InputTypeError(
                f"The tokenizer has no option {sorted(unsupported)}. It takes padding, truncation, max_length, "
                f"return_tensors, return_attention_mask and return_token_type_ids."
            )
        if text_pair is not None:
            raise InputValueError(
                "Sentence pairs (a second text) are not part of this kit: its models classify one text "
                "at a time. Tokenize each text on its own, or join them: tok(text_a + ' ' + text_b)."
            )
        texts, is_batch = self._check_text(text)
        pad_to, cut_to = self._check_lengths(padding, truncation, max_length)
        self._check_return_tensors(return_tensors)
        if return_attention_mask is None:
            return_attention_mask = "attention_mask" in self.model_input_names
        if return_token_type_ids is None:
            return_token_type_ids = "token_type_ids" in self.model_input_names

        # 1. text → WordPiece tokens (fast, in Rust; trace() does the same step by step),
        # 2. cut to cut_to tokens, keeping room for [CLS] and [SEP], 3. add [CLS] and [SEP].
        ids, tokens, word_ids = [], [], []
        for enc in self._backend.encode_batch(texts, add_special_tokens=False):
            keep = len(enc.ids) if cut_to is None else cut_to - 2
            ids.append([self.cls_token_id] + enc.ids[:keep] + [self.sep_token_id])
            tokens.append([self.cls_token] + enc.tokens[:keep] + [self.sep_token])
            word_ids.append([None] + enc.word_ids[:keep] + [None])
        mask = [[1] * len(row) for row in ids]

        # 4. pad on the right to a common length; the mask says which tokens are real.
        target = max(map(len, ids)) if pad_to == "longest" else pad_to  # None: no padding
        for row in range(len(ids)):
            missing = max(0, (target or 0) - len(ids[row]))  # longer rows are left alone
            ids[row] += [self.pad_token_id] * missing
            tokens[row] += [self.pad_token] * missing
            word_ids[row] += [None] * missing
            mask[row] += [0] * missing

        data = {"input_ids": ids}
        if return_token_type_ids:
            data["token_type_ids"] = [[0] * len(row) for row in ids]  # one sentence: all segment 0
        if return_attention_mask:
            data["attention_mask"] = mask
        if return_tensors is not None:
            data = self._to_tensors(data, return_tensors, texts)
        elif not is_batch:
            data = {key: rows[0] for key, rows in data.items()}
        return BatchEncoding(data, tokens, word_ids)

    # --- checks with messages that say what to do ---------------------------------------------
    @staticmethod
    def _check_text(text) -> tuple[list[str], bool]:
        if isinstance(text, str):
            _check_encodable(text, "The text")
            return [text], False
        if isinstance(text, (list, tuple)):
            if not text:
                raise InputValueError(
                    "The batch is empty ([]). Expected a list with at least one string, e.g. tok(['I love it.'])."
                )
            for i, item in enumerate(text):
                if not isinstance(item, str):
                    raise InputTypeError(
                        f"Item {i} of the batch is {reprlib.repr(item)} ({type(item).__name__}); every item must be a str. "
                        f"Remove it or convert it, e.g. [str(t) for t in texts if t is not None]."
                    )
                _check_encodable(item, f"Item {i} of the batch")
            return list(text), True
        if text is None:
            hint = "pass text, e.g. tok('I love it.')."
        elif isinstance(text, bytes):
            hint = "decode the bytes first: tok(data.decode('utf-8'))."
        elif isinstance(text, (int, float)):
            hint = f"to tokenize a number, pass it as text: tok(str({text!r}))."
        else:  # a numpy array, a pandas Series, a generator, ...
            hint = "turn a collection of texts into a list first: tok(list(texts))."
        raise InputTypeError(
            f"The tokenizer takes a str or a list of str, got {reprlib.repr(text)} ({type(text).__name__}); {hint}"
        )

    def _check_lengths(self, padding, truncation, max_length) -> tuple[int | str | None, int | None]:
        """Turn the three options into (pad_to, cut_to).

        pad_to: None (no padding), "longest" (the longest sequence in the batch) or a length;
        cut_to: None (no truncation) or a length, [CLS] and [SEP] included.
        """
        if not _is_choice(padding, PADDING_CHOICES):
            raise InputValueError(f"padding={padding!r} is not an option. Use one of {list(PADDING_CHOICES)}.")
        if not _is_choice(truncation, TRUNCATION_CHOICES):
            pairs = " (only_second is for sentence pairs, which this kit does not do)" if truncation == "only_second" else ""
            raise InputValueError(
                f"truncation={truncation!r} is not an option{pairs}. Use one of {list(TRUNCATION_CHOICES)}."
            )
        if max_length is not None and not isinstance(max_length, bool) and hasattr(max_length, "__index__"):
            max_length = operator.index(max_length)  # a numpy integer is a whole number too
        if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1):
            raise InputValueError(
                f"max_length must be a positive whole number (or None), got {max_length!r}. "
                f"For this model use at most {self.model_max_length}, e.g. max_length=128."
            )
        if padding == "max_length" and max_length is not None and max_length > self.model_max_length:
            # Padding 1e9 tokens would fill the memory first; the model could not read them anyway.
            raise InputValueError(
                f"padding='max_length' with max_length={max_length} would make every sequence {max_length} tokens "
                f"long, but this model reads at most {self.model_max_length}. Use max_length <= {self.model_max_length}."
            )
        limit = self.model_max_length if max_length is None else max_length
        pads = padding not in (False, "do_not_pad")
        if truncation is None:  # transformers' rule: max_length without padding means "cut to it"
            truncation = max_length is not None and not pads
        cut_to = None if truncation in (False, "do_not_truncate") else limit
        if cut_to is not None and cut_to < 2:
            raise InputValueError(
                f"max_length={cut_to} is too small: every sequence needs [CLS] and [SEP], so 2 is the minimum "
                f"when truncating (and then no text is left). Use e.g. max_length=128."
            )
        pad_to = limit if padding == "max_length" else "longest" if pads else None
        return pad_to, cut_to

    @staticmethod
    def _check_return_tensors(return_tensors) -> None:
        if return_tensors in ("tf", "jax", "mlx"):
            framework = {"tf": "TensorFlow", "jax": "JAX", "mlx": "MLX"}[return_tensors]
            raise InputValueError(
                f"return_tensors={return_tensors!r}: {framework} is not part of this kit, which runs on PyTorch. "
                f"Use return_tensors='pt' (torch tensors) or 'np' (numpy arrays)."
            )
        if not _is_choice(return_tensors, TENSOR_CHOICES):
            raise InputValueError(
                f"return_tensors={return_tensors!r} is not an option. Use 'pt' (torch tensors), "
                f"'np' (numpy arrays) or None (Python lists)."
            )

    @staticmethod
    def _to_tensors(data: dict, return_tensors: str, texts: list[str]) -> dict:
        lengths = sorted({len(row) for row in data["input_ids"]})
        if len(lengths) > 1:
            raise InputValueError(
                f"Cannot make one tensor from {len(texts)} sequences of different lengths ({lengths[0]} to "
                f"{lengths[-1]} tokens): a tensor is a rectangle. Pass padding=True to pad them to the same "
                f"length (and truncation=True to cut overly long ones)."
            )
        if return_tensors == "pt":
            import torch

            return {key: torch.tensor(rows, dtype=torch.long) for key, rows in data.items()}  # (B, T)
        import numpy as np

        return {key: np.array(rows, dtype=np.int64) for key, rows in data.items()}  # (B, T)

    # --- tokens and ids ----------------------------------------------------------------------
    def tokenize(self, text: str) -> list[str]:
        """The WordPiece tokens of one text, without [CLS]/[SEP].

        >>> tok.tokenize("Hello, world!")   # doctest: +SKIP
        ['hello', ',', 'world', '!']
        """
        texts, is_batch = self._check_text(text)
        if is_batch:
            raise InputTypeError("tokenize() takes one str. For a list, use [tok.tokenize(t) for t in texts].")
        return self._backend.encode(texts[0], add_special_tokens=False).tokens

    def trace(self, text: str) -> TokenizeTrace:
        """Tokenize one text with the hand-written WordPiece and keep every intermediate step.

        >>> [w.pieces for w in tok.trace("Unaffable!").words]      # doctest: +SKIP
        [['una', '##ffa', '##ble'], ['!']]
        >>> len(tok.trace("한국어").nfd)   # uncased: 3 syllables → 8 jamo   # doctest: +SKIP
        8

        Used in: notebooks/*/01_tokenizer, the Korean chapter; views/tokens.py.
        """
        texts, is_batch = self._check_text(text)
        if is_batch:
            raise InputTypeError("trace() takes one str. For a list, use [tok.trace(t) for t in texts].")
        if self._wordpiece is None:
            self._wordpiece = WordPieceTokenizer(
                self._backend.get_vocab(with_added_tokens=True), lowercase=self.do_lower_case,
                strip_accents=self.strip_accents, cjk_chars=self.tokenize_chinese_chars,
                unk_token=self.unk_token, cls_token=self.cls_token, sep_token=self.sep_token,
                special_tokens=[t.content for t in self._backend.get_added_tokens_decoder().values() if t.special],
                max_input_chars_per_word=self._backend.model.max_input_chars_per_word)
        return self._wordpiece.trace(texts[0])

    def convert_tokens_to_ids(self, tokens: str | list[str]) -> int | list[int]:
        """Look tokens up in the vocabulary; unknown tokens get the [UNK] id."""
        if isinstance(tokens, str):
            found = self._backend.token_to_id(tokens)
            return self.unk_token_id if found is None else found
        if not isinstance(tokens, (list, tuple)) or not all(isinstance(t, str) for t in tokens):
            raise InputTypeError(f"convert_tokens_to_ids() takes a str or a list of str, got {tokens!r}.")
        return [self.convert_tokens_to_ids(t) for t in tokens]

    def _id_list(self, ids, what: str) -> tuple[list[int], bool]:
        """ids as a flat list of Python ints (accepts an int, a list, a 1-D tensor or array)."""
        if hasattr(ids, "tolist"):  # torch tensor, numpy array or numpy integer
            ids = ids.tolist()
        single = isinstance(ids, int) and not isinstance(ids, bool)
        ids = [ids] if single else ids
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            hint = " For a batch (a list of lists), use batch_decode()." if isinstance(ids, (list, tuple)) else ""
            raise InputTypeError(f"{what} takes an int or a flat list of ints (or a 1-D tensor), got {ids!r:.80}.{hint}")
        size = len(self)
        for i in ids:
            if not 0 <= i < size:
                raise InputValueError(f"Token id {i} is outside the vocabulary: ids go from 0 to {size - 1}.")
        return list(ids), single

    def convert_ids_to_tokens(self, ids) -> str | list[str]:
        """The token strings of ids (an int gives a str, a list or tensor gives a list)."""
        ids, single = self._id_list(ids, "convert_ids_to_tokens()")
        tokens = [self._backend.id_to_token(i) for i in ids]
        return tokens[0] if single else tokens

    def decode(self, ids, skip_special_tokens: bool = False) -> str:
        """Token ids back to text: "##" pieces are glued to the piece before them.

        >>> tok.decode([101, 7592, 1010, 2088, 999, 102])   # doctest: +SKIP
        '[CLS] hello, world! [SEP]'
        """
        ids, _ = self._id_list(ids, "decode()")
        return self._backend.decode(ids, skip_special_tokens=skip_special_tokens)

    def batch_decode(self, sequences, skip_special_tokens: bool = False) -> list[str]:
        """``decode`` for every row of a batch (a list of lists or a 2-D tensor)."""
        if hasattr(sequences, "tolist"):
            sequences = sequences.tolist()
        if not isinstance(sequences, (list, tuple)):
            raise InputTypeError(f"batch_decode() takes a list of id lists (or a 2-D tensor), got {sequences!r:.80}.")
        return [self.decode(row, skip_special_tokens=skip_special_tokens) for row in sequences]

    # --- properties ----------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        """Size of the WordPiece vocabulary (without tokens added later)."""
        return self._backend.get_vocab_size(with_added_tokens=False)

    def __len__(self) -> int:
        return self._backend.get_vocab_size(with_added_tokens=True)

    def get_vocab(self) -> dict[str, int]:
        return self._backend.get_vocab(with_added_tokens=True)

    @property
    def model_max_length(self) -> int:
        """The longest sequence (in tokens, with [CLS] and [SEP]) the model accepts."""
        return self._model_max_length

    unk_token = property(lambda self: self._specials["unk_token"])
    sep_token = property(lambda self: self._specials["sep_token"])
    pad_token = property(lambda self: self._specials["pad_token"])
    cls_token = property(lambda self: self._specials["cls_token"])
    mask_token = property(lambda self: self._specials["mask_token"])
    unk_token_id = property(lambda self: self._backend.token_to_id(self.unk_token))
    sep_token_id = property(lambda self: self._backend.token_to_id(self.sep_token))
    pad_token_id = property(lambda self: self._backend.token_to_id(self.pad_token))
    cls_token_id = property(lambda self: self._backend.token_to_id(self.cls_token))
    mask_token_id = property(lambda self: self._backend.token_to_id(self.mask_token))

    @property
    def all_special_tokens(self) -> list[str]:
        return list(self._specials.values())

    @property
    def all_special_ids(self) -> list[int]:
        return [self._backend.token_to_id(t) for t in self._specials.values()]

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(name_or_path={self.name_or_path!r}, vocab_size={self.vocab_size}, "
                f"model_max_length={self.model_max_length}, do_lower_case={self.do_lower_case})")


class DistilBertTokenizer(BertTokenizer):
    """DistilBERT's tokenizer: BERT's, but without ``token_type_ids`` (DistilBERT has no segments).

    >>> DistilBertTokenizer.from_pretrained(BASE_MODEL)("Hi").keys()   # doctest: +SKIP
    dict_keys(['input_ids', 'attention_mask'])

    Used in: notebooks/*/01_tokenizer and 07_classes_configs (the seed's DistilBertTokenizer).
    """

    model_input_names = ["input_ids", "attention_mask"]


TOKENIZER_CLASSES = {"BertTokenizer": BertTokenizer, "DistilBertTokenizer": DistilBertTokenizer}
MODEL_TYPES = {"bert": BertTokenizer, "distilbert": DistilBertTokenizer}


class AutoTokenizer:
    """Pick the right tokenizer class for a model name or folder, then load it.

    The class comes from tokenizer_config.json's ``tokenizer_class``, else from config.json's
    ``model_type``; a folder with neither (just a vocab.txt) gets a BertTokenizer.

    >>> tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)   # doctest: +SKIP

    Used in: notebooks/*/00_overview, 01_tokenizer (the seed's ``AutoTokenizer``).
    """

    def __init__(self):
        raise InputTypeError("Use AutoTokenizer.from_pretrained(name_or_folder); AutoTokenizer() makes nothing.")

    @classmethod
    def from_pretrained(cls, name_or_dir, **overrides) -> BertTokenizer:
        source = hub.resolve(name_or_dir)
        folder = Path(source.tokenizer_dir)
        name = _read_optional_json(folder / "tokenizer_config.json").get("tokenizer_class")
        if name is not None:
            tok_cls = TOKENIZER_CLASSES.get(name.removesuffix("Fast")) if isinstance(name, str) else None
            if tok_cls is None:
                raise CheckpointError(
                    f"{folder / 'tokenizer_config.json'} asks for tokenizer_class={name!r}; this kit has "
                    f"{list(TOKENIZER_CLASSES)}. Use a BERT or DistilBERT model, e.g. lesson_lib.DEFAULT_MODEL."
                )
            return tok_cls._from_source(source, **overrides)
        config_file = source.config_file or folder / "config.json"
        model_type = _read_optional_json(Path(config_file)).get("model_type")
        if model_type is not None and model_type not in MODEL_TYPES:
            raise CheckpointError(
                f"{config_file} says model_type={model_type!r}; this kit has tokenizers for "
                f"{list(MODEL_TYPES)}. Use a BERT or DistilBERT model, e.g. lesson_lib.DEFAULT_MODEL."
            )
        return MODEL_TYPES.get(model_type, BertTokenizer)._from_source(source, **overrides)
