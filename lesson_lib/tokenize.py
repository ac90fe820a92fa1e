"""Text → token ids, the way BERT and DistilBERT were trained to read them.

A tokenizer call does these things, in this order (the seed's "tokenizer" section):

1. split the text into WordPiece tokens (the ``tokenizers`` library does this fast;
   ``wordpiece.py`` does the same by hand and ``trace()`` shows every step),
2. cut the tokens to ``max_length`` when truncating, keeping room for the special tokens,
3. put ``[CLS]`` in front and ``[SEP]`` at the end; a text pair (question and passage, two
   sentences to compare) becomes ``[CLS] a [SEP] b [SEP]``, and ``token_type_ids`` say which
   tokens belong to which text (0: the first, 1: the second),
4. pad on the right with ``[PAD]`` to a common length; ``attention_mask`` is 1 for real
   tokens and 0 for padding, so the model can ignore the padding.

>>> tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)          # doctest: +SKIP
>>> tok("We hope you don't hate it.")["input_ids"]              # doctest: +SKIP
[101, 2057, 3246, 2017, 2123, 1005, 1056, 5223, 2009, 1012, 102]
>>> tok("Is it good?", "It is great.")["token_type_ids"]        # doctest: +SKIP
[0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]

Loading and saving folders, and ``AutoTokenizer``, are in tokenizer_files.py. Not here:
pre-split words, stride/overflowing tokens, padding on the left.

``torch`` and ``numpy`` are imported only inside the functions that make tensors: the
tokenizer chapter runs without them, and ``import lesson_lib`` should not pay for loading torch.

Used in: notebooks/*/01_tokenizer and 02 (batches, padding), the Korean chapter; views/tokens.py,
views/padding.py; pipeline.py (text pairs); every chapter that builds a batch.
"""

from __future__ import annotations

import json
import operator
import reprlib
from typing import NamedTuple

from .errors import InputTypeError, InputValueError, Phrase
from .tokenizer_files import (DEFAULT_MAX_LENGTH, NO_LIMIT, AutoTokenizer, TokenizerFiles,
                              backend_from_tokenizer_json, backend_from_vocab_txt, bert_normalizer,
                              keeps_file_normalizer, normalizer_spec)
from .wordpiece import TokenizeTrace, WordPieceTokenizer

__all__ = ["AutoTokenizer", "BatchEncoding", "BertTokenizer", "DistilBertTokenizer", "TokenizeTrace"]

PADDING_CHOICES = (False, True, "longest", "max_length", "do_not_pad")
TRUNCATION_CHOICES = (None, False, True, "longest_first", "only_first", "only_second", "do_not_truncate")
TENSOR_CHOICES = (None, "pt", "np")


class BatchEncoding(dict):
    """What a tokenizer call returns: a plain dict of lists (or tensors), plus helpers.

    It prints like a dict, and ``batch.input_ids`` is ``batch["input_ids"]``.

    >>> batch = tok(["I love it.", "Meh."], padding=True, return_tensors="pt")   # doctest: +SKIP
    >>> batch.tokens(1)                                                         # doctest: +SKIP
    ['[CLS]', 'me', '##h', '.', '[SEP]', '[PAD]']

    Used in: ``model(**batch)`` in every chapter; notebooks/*/02 (padding); views/padding.py.
    """

    def __init__(self, data: dict, tokens: list[list[str]], word_ids: list[list[int | None]],
                 sequence_ids: list[list[int | None]] | None = None):
        super().__init__(data)
        # Kept outside the dict so that print(batch) and model(**batch) see only the model inputs.
        self._tokens = tokens
        self._word_ids = word_ids
        self._sequence_ids = sequence_ids if sequence_ids is not None else [
            [None if w is None else 0 for w in row] for row in word_ids]

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
                "error.tokenize.batch_index", batch_index=f"{batch_index!r}", n=len(self._tokens),
                last=len(self._tokens) - 1,
            )
        return batch_index

    def tokens(self, batch_index: int = 0) -> list[str]:
        """The token strings of sequence ``batch_index`` (with [CLS], [SEP] and any [PAD])."""
        return list(self._tokens[self._row(batch_index)])

    def word_ids(self, batch_index: int = 0) -> list[int | None]:
        """For each token, the number of the word it came from (None for special tokens).

        In a pair, the words of the second text are counted from 0 again (see ``sequence_ids``).
        """
        return list(self._word_ids[self._row(batch_index)])

    def sequence_ids(self, batch_index: int = 0) -> list[int | None]:
        """For each token, which text it came from: 0 the first, 1 the pair's second, None a special token."""
        return list(self._sequence_ids[self._row(batch_index)])

    def to(self, device) -> BatchEncoding:
        """Move every tensor to ``device`` (e.g. "cuda"); returns the same BatchEncoding."""
        import torch  # lazy: see the module docstring

        if not all(isinstance(v, torch.Tensor) for v in self.values()):
            raise InputValueError("error.tokenize.lists_to_device")
        for key in self:
            self[key] = self[key].to(device)
        return self


class Row(NamedTuple):
    """One sequence of a batch as parallel lists: entry k of each list is about token k."""

    ids: list[int]
    tokens: list[str]  # the token strings, e.g. "##ing"
    word_ids: list[int | None]  # the word a token came from; None for [CLS], [SEP], [PAD]
    sequence_ids: list[int | None]  # 0: the first text, 1: the pair's second text, None: special
    type_ids: list[int]  # token_type_ids: the segment, 0 or 1 ([SEP] after text b counts as b)
    mask: list[int]  # attention_mask: 1 a real token, 0 padding

    def __add__(self, other: Row) -> Row:  # one row after the other, list by list
        return Row(*(mine + theirs for mine, theirs in zip(self, other)))

    @classmethod
    def of_text(cls, encoding, keep: int, sequence_id: int) -> Row:
        """The first ``keep`` WordPiece tokens of one text, in segment ``sequence_id``."""
        return cls(encoding.ids[:keep], encoding.tokens[:keep], encoding.word_ids[:keep],
                   [sequence_id] * keep, [sequence_id] * keep, [1] * keep)

    @classmethod
    def of_special(cls, token_id: int, token: str, type_id: int, n: int = 1, mask: int = 1) -> Row:
        """``n`` times the same special token ([CLS], [SEP], or [PAD] with mask 0)."""
        return cls([token_id] * n, [token] * n, [None] * n, [None] * n, [type_id] * n, [mask] * n)


def truncated_lengths(n_a: int, n_b: int | None, budget: int | None, strategy: str, where: str = "") -> tuple:
    """How many tokens of the text (n_a) and of its pair (n_b; None: no pair) fit in ``budget``.

    ``budget`` is max_length minus the special tokens (None: no truncation). The numbers are the
    ``tokenizers`` library's, which transformers uses:

    >>> truncated_lengths(7, 4, 5, "longest_first")   # the shorter keeps up to half, the longer the rest
    (3, 2)
    >>> truncated_lengths(7, 4, 5, "only_first")
    (1, 4)
    """
    if budget is None or n_a + (n_b or 0) <= budget:
        return n_a, n_b
    if n_b is None:  # one text: keep its first tokens
        return budget, None
    if budget == 0:  # nothing fits: both are emptied, whatever the strategy (tokenizers does so too)
        return 0, 0
    if strategy == "longest_first":  # share: on a tie the second text counts as the longer one
        short = min(n_a, n_b, budget // 2)
        return (budget - short, short) if n_a > n_b else (short, budget - short)
    cut = n_a + n_b - budget  # only_first / only_second: all of it from one text, which keeps >= 1 token
    if strategy == "only_first" and cut < n_a:
        return n_a - cut, n_b
    if strategy == "only_second" and cut < n_b:
        return n_a, n_b - cut
    cut_text, other, n_other = ("text", "text_pair", n_b) if strategy == "only_first" else ("text_pair", "text", n_a)
    raise InputValueError(
        "error.tokenize.truncation_impossible", strategy=f"{strategy!r}", cut_text=cut_text, where=where, other=other,
        n_other=n_other, budget=budget, max_length=budget + 3,
    )


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
            "error.tokenize.lone_surrogate", what=what, char=f"{text[e.start]!r}", position=e.start,
        ) from None


class BertTokenizer(TokenizerFiles):
    """BERT's WordPiece tokenizer: ``tok(text)`` → ``input_ids``, ``token_type_ids``, ``attention_mask``.

    >>> tok = BertTokenizer.from_pretrained(BASE_MODEL)   # doctest: +SKIP
    >>> tok.tokenize("Tokenizers split words")             # doctest: +SKIP
    ['token', '##izer', '##s', 'split', 'words']

    Used in: notebooks/*/01_tokenizer, the Korean chapter; models/bert.py (the input names).
    """

    model_type = "bert"  # config.json's name for the model (AutoTokenizer reads it)
    # The keys a call returns by default, i.e. what the model's forward() accepts.
    model_input_names = ["input_ids", "token_type_ids", "attention_mask"]
    # Where padding goes. BERT reads its sentence from [CLS] on the left, and its positions count
    # from there, so padding on the right keeps every real token at the position it had alone.
    # (Transformers has padding_side="left" for generating models; this kit pads right only.)
    padding_side = "right"

    def __init__(self, vocab_file=None, *, tokenizer_file=None, do_lower_case: bool = True,
                 strip_accents: bool | None = None, tokenize_chinese_chars: bool = True,
                 unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]",
                 mask_token="[MASK]", model_max_length: int = DEFAULT_MAX_LENGTH, name_or_path: str = ""):
        for flag, value in (("do_lower_case", do_lower_case), ("tokenize_chinese_chars", tokenize_chinese_chars),
                            ("strip_accents", strip_accents)):
            if not isinstance(value, bool) and not (flag == "strip_accents" and value is None):
                raise InputTypeError("error.tokenize.flag", flag=flag, value=f"{value!r}")
        self.do_lower_case = do_lower_case
        self.strip_accents = strip_accents  # None: strip accents exactly when lower-casing
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.name_or_path = name_or_path
        self._specials = {"unk_token": unk_token, "sep_token": sep_token, "pad_token": pad_token,
                          "cls_token": cls_token, "mask_token": mask_token}
        if model_max_length is not None and (isinstance(model_max_length, bool) or not isinstance(
                model_max_length, (int, float)) or not model_max_length >= 2):  # "not >=": NaN fails too
            raise InputValueError("error.tokenize.model_max_length", model_max_length=f"{model_max_length!r}")
        if model_max_length is None or model_max_length > NO_LIMIT:
            model_max_length = DEFAULT_MAX_LENGTH
        self._model_max_length = int(model_max_length)

        if tokenizer_file is not None:
            self._backend = backend_from_tokenizer_json(tokenizer_file, self._specials)
        elif vocab_file is not None:
            self._backend = backend_from_vocab_txt(vocab_file, self._specials)
        else:
            raise InputValueError("error.tokenize.no_vocabulary")
        # Our call does truncation and padding itself (in Python, readable); a tokenizer.json
        # may carry its own settings (the offline model's says 128), which must not apply.
        self._backend.no_truncation()
        self._backend.no_padding()
        # BERT's normaliser follows the flags (as in transformers); any other one (NFC + lower-casing
        # for Korean) stays as tokenizer.json wrote it: see tokenizer_files.keeps_file_normalizer.
        if not keeps_file_normalizer(normalizer_spec(self._backend)):
            self._backend.normalizer = bert_normalizer(do_lower_case, strip_accents, tokenize_chinese_chars)
        self._wordpiece: WordPieceTokenizer | None = None  # built on the first trace()

    # --- the call: the lesson ------------------------------------------------------------------
    def __call__(self, text, text_pair=None, *, padding=False, truncation=None, max_length=None,
                 return_tensors=None, return_attention_mask=None, return_token_type_ids=None,
                 **unsupported) -> BatchEncoding:
        """Tokenize one text (str), a batch (list of str), or text pairs, into model inputs.

        ``tok(a, b)`` gives ``[CLS] a [SEP] b [SEP]``; for a batch of pairs pass two lists of
        the same length. ``truncation=None`` (the default) truncates only when you give
        ``max_length`` and no padding, as transformers does; ``True`` = ``"longest_first"``
        (cut the longer text of a pair first), or ``"only_first"`` / ``"only_second"``.
        ``padding=True`` pads to the longest sequence of the batch, ``"max_length"`` to
        ``max_length`` (default ``model_max_length``).

        >>> tok(["I love it.", "Meh."], padding=True)["attention_mask"]   # doctest: +SKIP
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]]
        """
        # 1. check the inputs; every mistake gets a message that says what to do instead
        texts, pairs, is_batch = self._check_inputs(text, text_pair, unsupported)
        pad_to, budget, strategy = self._check_lengths(padding, truncation, max_length, pairs is not None)
        self._check_return_tensors(return_tensors)

        # 2. text → WordPiece tokens (fast, in Rust; trace() does the same step by step)
        firsts = self._backend.encode_batch(texts, add_special_tokens=False)
        seconds = self._backend.encode_batch(pairs, add_special_tokens=False) if pairs else [None] * len(texts)
        rows = []
        for i, (a, b) in enumerate(zip(firsts, seconds)):
            # 3. truncate, leaving room for the special tokens
            where = Phrase("error.tokenize.pair_of_batch", i=i) if is_batch else ""
            n_a, n_b = truncated_lengths(len(a.ids), None if b is None else len(b.ids), budget, strategy, where)
            # 4. add the special tokens: [CLS] a [SEP], or [CLS] a [SEP] b [SEP]
            row = self._special(self.cls_token, 0) + Row.of_text(a, n_a, 0) + self._special(self.sep_token, 0)
            if b is not None:
                row = row + Row.of_text(b, n_b, 1) + self._special(self.sep_token, 1)
            rows.append(row)

        # 5. pad on the right to a common length; 6. padding gets mask 0, so the model ignores it
        target = max(len(row.ids) for row in rows) if pad_to == "longest" else pad_to  # None: no padding
        rows = [row + Row.of_special(self.pad_token_id, self.pad_token, 0, n=max(0, (target or 0) - len(row.ids)),
                                     mask=0) for row in rows]  # a row longer than target stays as it is

        # 7. one list per model input, a row per sequence (or a (B, T) tensor per input)
        data = {"input_ids": [row.ids for row in rows]}
        if self._returns("token_type_ids", return_token_type_ids):
            data["token_type_ids"] = [row.type_ids for row in rows]
        if self._returns("attention_mask", return_attention_mask):
            data["attention_mask"] = [row.mask for row in rows]
        if return_tensors is not None:
            data = self._to_tensors(data, return_tensors, texts)
        elif not is_batch:
            data = {key: value[0] for key, value in data.items()}
        return BatchEncoding(data, [row.tokens for row in rows], [row.word_ids for row in rows],
                             [row.sequence_ids for row in rows])

    def _returns(self, key: str, asked: bool | None) -> bool:
        """Whether the call returns ``key``: as asked, else when the model takes it (model_input_names)."""
        return key in self.model_input_names if asked is None else bool(asked)

    def _special(self, token: str, type_id: int) -> Row:
        return Row.of_special(self._backend.token_to_id(token), token, type_id)

    # --- checks with messages that say what to do ---------------------------------------------
    def _check_inputs(self, text, text_pair, unsupported) -> tuple[list[str], list[str] | None, bool]:
        """(texts, pairs or None, whether a batch was given), or an error that says what to pass."""
        if unsupported:  # options copied from transformers code (is_split_into_words, stride, ...)
            raise InputTypeError("error.tokenize.unknown_options", names=str(sorted(unsupported)))
        texts, is_batch = self._check_text(text)
        if text_pair is None:
            return texts, None, is_batch
        pairs, pairs_are_batch = self._check_text(text_pair, "text_pair")
        if is_batch != pairs_are_batch:
            raise InputTypeError(
                "error.tokenize.pair_kinds",
                text_kind=Phrase("error.tokenize.kind_list") if is_batch else Phrase("error.tokenize.kind_str"),
                pair_kind=Phrase("error.tokenize.kind_list") if pairs_are_batch else Phrase("error.tokenize.kind_str"),
            )
        if len(texts) != len(pairs):
            raise InputValueError("error.tokenize.pair_counts", n_texts=len(texts), n_pairs=len(pairs))
        return texts, pairs, is_batch

    @staticmethod
    def _check_text(text, name: str = "text") -> tuple[list[str], bool]:
        where = Phrase("error.tokenize.the_batch") if name == "text" else name
        if isinstance(text, str):
            _check_encodable(text, Phrase("error.tokenize.the_text") if name == "text" else name)
            return [text], False
        if isinstance(text, (list, tuple)):
            if not text:
                if name == "text":
                    raise InputValueError("error.tokenize.empty_batch")
                raise InputValueError("error.tokenize.empty_list", name=name[0].upper() + name[1:])
            for i, item in enumerate(text):
                if not isinstance(item, str):
                    raise InputTypeError(
                        "error.tokenize.item_type", i=i, where=where, item=reprlib.repr(item),
                        type=type(item).__name__,
                    )
                _check_encodable(item, Phrase("error.tokenize.item_of", i=i, where=where))
            return list(text), True
        if text is None:
            hint = Phrase("error.tokenize.hint_none")
        elif isinstance(text, bytes):
            hint = Phrase("error.tokenize.hint_bytes")
        elif isinstance(text, (int, float)):
            hint = Phrase("error.tokenize.hint_number", value=f"{text!r}")
        else:  # a numpy array, a pandas Series, a generator, ...
            hint = Phrase("error.tokenize.hint_collection")
        got = {"value": reprlib.repr(text), "type": type(text).__name__, "hint": hint}
        if name == "text":
            raise InputTypeError("error.tokenize.text_type", **got)
        raise InputTypeError("error.tokenize.pair_type", name=name, **got)

    def _check_lengths(self, padding, truncation, max_length, pairs: bool = False) -> tuple:
        """Turn the options into (pad_to, budget, strategy).

        pad_to: None (no padding), "longest" (the longest sequence in the batch) or a length;
        budget: None (no truncation) or how many text tokens fit, the special tokens taken off;
        strategy: "longest_first", "only_first" or "only_second" (see ``truncated_lengths``).
        """
        if not _is_choice(padding, PADDING_CHOICES):
            raise InputValueError(
                "error.tokenize.padding", padding=f"{padding!r}", choices=str(list(PADDING_CHOICES)),
            )
        if not _is_choice(truncation, TRUNCATION_CHOICES):
            raise InputValueError(
                "error.tokenize.truncation", truncation=f"{truncation!r}", choices=str(list(TRUNCATION_CHOICES)),
            )
        if truncation == "only_second" and not pairs:
            raise InputValueError("error.tokenize.only_second_without_pair")
        if max_length is not None and not isinstance(max_length, bool) and hasattr(max_length, "__index__"):
            max_length = operator.index(max_length)  # a numpy integer is a whole number too
        if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1):
            raise InputValueError(
                "error.tokenize.max_length", max_length=f"{max_length!r}", model_max_length=self.model_max_length,
            )
        if padding == "max_length" and max_length is not None and max_length > self.model_max_length:
            # Padding 1e9 tokens would fill the memory first; the model could not read them anyway.
            raise InputValueError(
                "error.tokenize.max_length_too_long", max_length=max_length, model_max_length=self.model_max_length,
            )
        limit = self.model_max_length if max_length is None else max_length
        pads = padding not in (False, "do_not_pad")
        if truncation is None:  # transformers' rule: max_length without padding means "cut to it"
            truncation = max_length is not None and not pads
        cut_to = None if truncation in (False, "do_not_truncate") else limit
        n_specials = 3 if pairs else 2  # [CLS] a [SEP] (b [SEP])
        if cut_to is not None and cut_to < n_specials:
            what = Phrase("error.tokenize.minimum_pair" if pairs else "error.tokenize.minimum_single")
            raise InputValueError("error.tokenize.max_length_too_small", cut_to=cut_to, what=what)
        pad_to = limit if padding == "max_length" else "longest" if pads else None
        strategy = "longest_first" if truncation in (True, "longest_first") else truncation
        return pad_to, None if cut_to is None else cut_to - n_specials, strategy

    @staticmethod
    def _check_return_tensors(return_tensors) -> None:
        if return_tensors in ("tf", "jax", "mlx"):
            framework = {"tf": "TensorFlow", "jax": "JAX", "mlx": "MLX"}[return_tensors]
            raise InputValueError(
                "error.tokenize.framework", return_tensors=f"{return_tensors!r}", framework=framework,
            )
        if not _is_choice(return_tensors, TENSOR_CHOICES):
            raise InputValueError("error.tokenize.return_tensors", return_tensors=f"{return_tensors!r}")

    @staticmethod
    def _to_tensors(data: dict, return_tensors: str, texts: list[str]) -> dict:
        lengths = sorted({len(row) for row in data["input_ids"]})
        if len(lengths) > 1:
            raise InputValueError("error.tokenize.ragged", n=len(texts), shortest=lengths[0], longest=lengths[-1])
        if return_tensors == "pt":
            import torch  # lazy: see the module docstring

            return {key: torch.tensor(rows, dtype=torch.long) for key, rows in data.items()}  # (B, T)
        import numpy as np  # lazy: see the module docstring

        return {key: np.array(rows, dtype=np.int64) for key, rows in data.items()}  # (B, T)

    # --- tokens and ids ----------------------------------------------------------------------
    def tokenize(self, text: str) -> list[str]:
        """The WordPiece tokens of one text, without [CLS]/[SEP].

        >>> tok.tokenize("Hello, world!")   # doctest: +SKIP
        ['hello', ',', 'world', '!']
        """
        texts, is_batch = self._check_text(text)
        if is_batch:
            raise InputTypeError("error.tokenize.tokenize_one_str")
        return self._backend.encode(texts[0], add_special_tokens=False).tokens

    def trace(self, text: str) -> TokenizeTrace:
        """Tokenize one text with the hand-written WordPiece and keep every intermediate step.

        The steps are the ones this tokenizer's normaliser runs (BERT's six, or e.g. NFC then
        lower-casing for a Korean vocabulary), so ``trace(text).ids == tok(text)["input_ids"]``.

        >>> [w.pieces for w in tok.trace("Unaffable!").words]      # doctest: +SKIP
        [['una', '##ffa', '##ble'], ['!']]
        >>> len(tok.trace("한국어").nfd)   # uncased: 3 syllables → 8 jamo   # doctest: +SKIP
        8

        Used in: notebooks/*/01_tokenizer, the Korean chapter; views/tokens.py.
        """
        texts, is_batch = self._check_text(text)
        if is_batch:
            raise InputTypeError("error.tokenize.trace_one_str")
        if self._wordpiece is None:
            self._wordpiece = self._by_hand()
        return self._wordpiece.trace(texts[0])

    def _by_hand(self) -> WordPieceTokenizer:
        """wordpiece.py's tokenizer with this backend's vocabulary, normaliser and special tokens."""
        pipeline = json.loads(self._backend.to_str())  # the same description tokenizer.json holds
        parts = {"pre-tokeniser": pipeline.get("pre_tokenizer"), "model": pipeline.get("model")}
        wanted = {"pre-tokeniser": "BertPreTokenizer", "model": "WordPiece"}
        for part, spec in parts.items():
            if (spec or {}).get("type") != wanted[part]:
                raise InputValueError(
                    "error.tokenize.trace_pipeline",
                    part=Phrase("error.tokenize.part_pre_tokenizer") if part == "pre-tokeniser" else Phrase("error.tokenize.part_model"),
                    wanted=wanted[part], found=str((spec or {}).get('type')),
                )
        model = pipeline["model"]
        return WordPieceTokenizer(
            self._backend.get_vocab(with_added_tokens=True), normalizer=pipeline.get("normalizer"),
            unk_token=self.unk_token, cls_token=self.cls_token, sep_token=self.sep_token,
            special_tokens=[t.content for t in self._backend.get_added_tokens_decoder().values() if t.special],
            prefix=model.get("continuing_subword_prefix", "##"),
            max_input_chars_per_word=model.get("max_input_chars_per_word", 100))

    def convert_tokens_to_ids(self, tokens: str | list[str]) -> int | list[int]:
        """Look tokens up in the vocabulary; unknown tokens get the [UNK] id."""
        if isinstance(tokens, str):
            found = self._backend.token_to_id(tokens)
            return self.unk_token_id if found is None else found
        if not isinstance(tokens, (list, tuple)) or not all(isinstance(t, str) for t in tokens):
            raise InputTypeError("error.tokenize.tokens_type", tokens=f"{tokens!r}")
        return [self.convert_tokens_to_ids(t) for t in tokens]

    def _id_list(self, ids, what: str) -> tuple[list[int], bool]:
        """ids as a flat list of Python ints (accepts an int, a list, a 1-D tensor or array)."""
        if hasattr(ids, "tolist"):  # torch tensor, numpy array or numpy integer
            ids = ids.tolist()
        single = isinstance(ids, int) and not isinstance(ids, bool)
        ids = [ids] if single else ids
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            hint = Phrase("error.tokenize.hint_batch_decode") if isinstance(ids, (list, tuple)) else ""
            raise InputTypeError("error.tokenize.ids_type", what=what, ids=f"{ids!r:.80}", hint=hint)
        size = len(self)
        for i in ids:
            if not 0 <= i < size:
                raise InputValueError("error.tokenize.id_outside_vocab", i=i, last=size - 1)
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
            raise InputTypeError("error.tokenize.sequences_type", sequences=f"{sequences!r:.80}")
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

    model_type = "distilbert"
    model_input_names = ["input_ids", "attention_mask"]
