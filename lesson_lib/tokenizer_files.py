"""A tokenizer's folder: which files say what, how they are read and written, and AutoTokenizer.

Not a stage of the pipeline (tokenize.py is the stage): the bookkeeping around it. A folder
written by ``save_pretrained`` holds

- ``vocab.txt``: one WordPiece token per line, its line number is its id;
- ``tokenizer.json``: the whole ``tokenizers`` pipeline (normaliser, pre-tokeniser, WordPiece,
  specials), the file the fast path runs on;
- ``tokenizer_config.json``: the class name and the options (``do_lower_case``,
  ``model_max_length``, the special tokens);
- ``special_tokens_map.json``: the special tokens again, for older readers.

The normaliser is the one thing both files describe. BERT's own normaliser is rebuilt from
the flags of tokenizer_config.json, as transformers does; any other normaliser (e.g. NFC then
lower-casing, which a Korean vocabulary needs: see ``keeps_file_normalizer``) is kept exactly as
tokenizer.json wrote it.

Import direction: tokenize.py imports this module (for ``TokenizerFiles``, the mixin that gives
its classes ``from_pretrained`` and ``save_pretrained``); this module never imports tokenize.py.
AutoTokenizer finds the tokenizer classes as the subclasses of ``TokenizerFiles``.

>>> tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)   # doctest: +SKIP
>>> tok.save_pretrained("my_tokenizer")                   # doctest: +SKIP

Used in: tokenize.py (every tokenizer class), notebooks/*/00_overview, 01_tokenizer, 06_save_load.
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece

from . import hub
from ._files import folder_for_saving, write_atomically
from .errors import CheckpointError, InputTypeError, InputValueError

# transformers writes int(1e30) as model_max_length when a tokenizer has "no limit".
NO_LIMIT = int(1e20)
DEFAULT_MAX_LENGTH = 512  # every model in this kit has 512 position embeddings
SPECIAL_NAMES = ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
NORMALIZER_FLAGS = ("do_lower_case", "strip_accents", "tokenize_chinese_chars")
# The class name transformers gives a folder whose tokenizer.json must be read as it is.
AS_WRITTEN = ("PreTrainedTokenizerFast", "TokenizersBackend")


def _read_optional_json(path: Path) -> dict:
    return hub.read_json(path) if path.is_file() else {}


def _token_text(value) -> str | None:
    # Special tokens are saved either as "[CLS]" or as {"content": "[CLS]", ...}.
    return value.get("content") if isinstance(value, dict) else value


def normalizer_spec(backend: Tokenizer) -> dict | None:
    """The backend's normaliser as tokenizer.json writes it, e.g. ``{"type": "NFC"}`` (None: none)."""
    return json.loads(backend.normalizer.__getstate__()) if backend.normalizer is not None else None


def keeps_file_normalizer(spec: dict | None) -> bool:
    """Whether a tokenizer.json's normaliser is kept as written (True) or rebuilt from the flags.

    BERT's normaliser (or none) is rebuilt from do_lower_case & co., as transformers' BertTokenizer
    does, so the flags mean what they say. Anything else cannot be said with those three flags:
    ``NFC`` + lower-casing, for one, keeps Hangul syllables whole even when the text arrives in NFD
    (typed on macOS), and rebuilding it from the flags would silently drop the NFC.

    >>> keeps_file_normalizer({"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Lowercase"}]})
    True
    """
    return spec is not None and spec.get("type") != "BertNormalizer"


def flags_of(spec: dict | None) -> dict:
    """do_lower_case & co. that describe a normaliser (for a folder whose config does not say).

    No normaliser (a folder with only vocab.txt): BERT's defaults, lower-casing uncased text.
    """
    if spec is None:
        return {"do_lower_case": True, "strip_accents": None, "tokenize_chinese_chars": True}
    parts = spec.get("normalizers", []) if spec and spec.get("type") == "Sequence" else [spec] if spec else []
    bert = next((p for p in parts if p.get("type") == "BertNormalizer"), None)
    if bert is not None and len(parts) == 1:
        return {"do_lower_case": bert.get("lowercase", True), "strip_accents": bert.get("strip_accents"),
                "tokenize_chinese_chars": bert.get("handle_chinese_chars", True)}
    types = {p.get("type") for p in parts}
    lower = "Lowercase" in types or bool(bert and bert.get("lowercase", True))
    strip = "StripAccents" in types or bool(bert and (bert.get("strip_accents") is True or (
        bert.get("strip_accents") is None and bert.get("lowercase", True))))
    return {"do_lower_case": lower, "strip_accents": strip,
            "tokenize_chinese_chars": bool(bert and bert.get("handle_chinese_chars", True))}


def bert_normalizer(do_lower_case: bool, strip_accents: bool | None, tokenize_chinese_chars: bool):
    """BERT's normaliser from the three flags (strip_accents=None: strip exactly when lower-casing)."""
    return normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=tokenize_chinese_chars,
                                      strip_accents=strip_accents, lowercase=do_lower_case)


# --- building the backend --------------------------------------------------------------------

def check_specials(vocab: dict[str, int], specials: dict[str, str], source) -> None:
    for name, token in specials.items():
        if token not in vocab:
            raise CheckpointError(
                "error.tokenizer_files.special_missing", name=name, token=f"{token!r}", source=source,
                specials=str(list(specials.values())),
            )


def backend_from_tokenizer_json(tokenizer_file, specials: dict[str, str]) -> Tokenizer:
    """The ``tokenizers`` pipeline a tokenizer.json describes, as it is."""
    try:
        backend = Tokenizer.from_file(str(tokenizer_file))
    except Exception as e:  # the Rust side raises plain Exception for a broken file
        raise CheckpointError(
            "error.tokenizer_files.unreadable_json", tokenizer_file=tokenizer_file, detail=str(e),
        ) from None
    check_specials(backend.get_vocab(with_added_tokens=True), specials, tokenizer_file)
    return backend


def backend_from_vocab_txt(vocab_file: Path, specials: dict[str, str]) -> Tokenizer:
    """The ``tokenizers`` pipeline BERT uses, built from a vocab.txt (one token per line).

    Its normaliser is set by the tokenizer from its flags (``bert_normalizer``).
    """
    try:
        lines = Path(vocab_file).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise CheckpointError(
            "error.tokenizer_files.unreadable_vocab", vocab_file=vocab_file, detail=str(e),
        ) from None
    if lines and lines[-1] == "":
        lines.pop()  # the file ends with a newline
    vocab = {token: i for i, token in enumerate(lines)}
    check_specials(vocab, specials, vocab_file)
    backend = Tokenizer(WordPiece(vocab, unk_token=specials["unk_token"],
                                  continuing_subword_prefix="##", max_input_chars_per_word=100))
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.decoder = decoders.WordPiece(prefix="##")
    cls, sep = specials["cls_token"], specials["sep_token"]
    backend.post_processor = processors.TemplateProcessing(
        single=f"{cls}:0 $A:0 {sep}:0", pair=f"{cls}:0 $A:0 {sep}:0 $B:1 {sep}:1",
        special_tokens=[(cls, vocab[cls]), (sep, vocab[sep])])
    # Registered as special so that "[MASK]" typed in a text stays one token, and
    # decode(..., skip_special_tokens=True) knows what to skip.
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials.values()])
    return backend


# --- reading and writing a folder ---------------------------------------------------------------

def tokenizer_kwargs(source: hub.Source, overrides: dict) -> dict:
    """The constructor arguments a folder asks for: the files, the flags, the specials, the length."""
    folder = Path(source.tokenizer_dir)
    config = _read_optional_json(folder / "tokenizer_config.json")
    special_map = _read_optional_json(folder / "special_tokens_map.json")
    tokenizer_file, vocab_file = folder / "tokenizer.json", folder / "vocab.txt"
    if not tokenizer_file.is_file() and not vocab_file.is_file():
        raise CheckpointError("error.tokenizer_files.no_vocabulary", folder=folder)
    kwargs = {"name_or_path": source.name}
    spec = None
    if tokenizer_file.is_file():
        kwargs["tokenizer_file"] = tokenizer_file
        spec = hub.read_json(tokenizer_file).get("normalizer")
    else:
        kwargs["vocab_file"] = vocab_file
    # Normaliser flags: tokenizer_config.json first, else what tokenizer.json's normaliser does.
    described = flags_of(spec)
    for key in NORMALIZER_FLAGS:
        kwargs[key] = config.get(key, described[key])
    changed = [key for key in NORMALIZER_FLAGS if key in overrides]
    if changed and keeps_file_normalizer(spec):
        raise InputValueError(
            "error.tokenizer_files.own_normalizer", tokenizer_file=tokenizer_file, normalizer=_describe(spec),
            option=changed[0], options=', '.join(changed),
        )
    for key in SPECIAL_NAMES:
        value = _token_text(config.get(key, special_map.get(key)))
        if value is not None:
            kwargs[key] = value
    max_length = config.get("model_max_length")
    no_limit = max_length is None or (isinstance(max_length, (int, float)) and max_length > NO_LIMIT)
    if no_limit and source.config_file is not None and Path(source.config_file).is_file():
        max_length = hub.read_json(source.config_file).get("max_position_embeddings")
    kwargs["model_max_length"] = max_length
    kwargs.update(overrides)
    return kwargs


def _describe(spec: dict) -> str:
    parts = spec.get("normalizers", []) if spec.get("type") == "Sequence" else [spec]
    return " then ".join(str(p.get("type")) for p in parts)


def write_tokenizer_folder(tok, save_directory) -> list[str]:
    """The four files of ``tok`` in ``save_directory``, written atomically; returns their paths."""
    folder = folder_for_saving(save_directory, "tokenizer.save_pretrained()")
    backend = tok._backend
    vocab = backend.get_vocab(with_added_tokens=False)
    tokens = sorted(vocab, key=vocab.get)
    # transformers' BertTokenizer rebuilds BERT's normaliser from the flags and would drop an NFC
    # step; under this class name it runs tokenizer.json as written (lesson_lib reads both the same).
    as_written = keeps_file_normalizer(normalizer_spec(backend))
    config = {
        "tokenizer_class": AS_WRITTEN[0] if as_written else type(tok).__name__,
        "do_lower_case": tok.do_lower_case,
        "strip_accents": tok.strip_accents,
        "tokenize_chinese_chars": tok.tokenize_chinese_chars,
        "model_max_length": tok.model_max_length,
        "model_input_names": list(tok.model_input_names),
        # decode() output is what the WordPiece decoder gives; no extra clean-up pass.
        "clean_up_tokenization_spaces": False,
        **tok._specials,
    }
    paths = write_atomically(folder, {
        "vocab.txt": "".join(t + "\n" for t in tokens),
        "tokenizer.json": backend.to_str(pretty=True),
        "tokenizer_config.json": json.dumps(config, indent=2, ensure_ascii=False) + "\n",
        "special_tokens_map.json": json.dumps(tok._specials, indent=2, ensure_ascii=False) + "\n",
    })
    return [str(p) for p in paths]


class TokenizerFiles:
    """``from_pretrained`` and ``save_pretrained`` for the tokenizer classes of tokenize.py (a mixin).

    A subclass sets ``model_type`` (config.json's name for its model) and ``model_input_names``.
    """

    model_type: str | None = None

    @classmethod
    def from_pretrained(cls, name_or_dir, **overrides):
        """Load the tokenizer of a model name (``DEFAULT_MODEL``, ``BASE_MODEL``, a hub name) or a folder.

        >>> tok = BertTokenizer.from_pretrained("sentence-transformers/all-MiniLM-L6-v2")   # doctest: +SKIP
        """
        return cls._from_source(hub.resolve(name_or_dir), **overrides)

    @classmethod
    def _from_source(cls, source: hub.Source, **overrides):
        return cls(**tokenizer_kwargs(source, overrides))

    def save_pretrained(self, save_directory) -> list[str]:
        """Write vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json.

        The folder loads again with ``from_pretrained`` here and in ``transformers``.

        >>> tok.save_pretrained("my_model")   # doctest: +SKIP
        ['my_model/vocab.txt', 'my_model/tokenizer.json', ...]
        """
        return write_tokenizer_folder(self, save_directory)


def tokenizer_classes() -> dict[str, type]:
    """Every tokenizer class by name: the subclasses of TokenizerFiles (BertTokenizer, DistilBertTokenizer)."""
    found, todo = {}, list(TokenizerFiles.__subclasses__())
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


class AutoTokenizer:
    """Pick the right tokenizer class for a model name or folder, then load it.

    The class comes from tokenizer_config.json's ``tokenizer_class``, else from config.json's
    ``model_type``; a folder with neither (just a vocab.txt) gets a BertTokenizer.

    >>> tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)   # doctest: +SKIP

    Used in: notebooks/*/00_overview, 01_tokenizer (the seed's ``AutoTokenizer``).
    """

    def __init__(self):
        raise InputTypeError("error.tokenizer_files.not_built_directly")

    @classmethod
    def from_pretrained(cls, name_or_dir, **overrides):
        source = hub.resolve(name_or_dir)
        folder = Path(source.tokenizer_dir)
        config = _read_optional_json(folder / "tokenizer_config.json")
        classes = tokenizer_classes()
        by_model_type = {c.model_type: c for c in classes.values() if c.model_type}
        name = config.get("tokenizer_class")
        if name is not None and name not in AS_WRITTEN:
            tok_cls = classes.get(name.removesuffix("Fast")) if isinstance(name, str) else None
            if tok_cls is None:
                raise CheckpointError(
                    "error.tokenizer_files.tokenizer_class", config_file=folder / 'tokenizer_config.json',
                    name=f"{name!r}", classes=str(sorted(classes)),
                )
            return tok_cls._from_source(source, **overrides)
        if name in AS_WRITTEN and config.get("model_input_names"):
            # transformers returns exactly these inputs; with token_type_ids, that is BERT's tokenizer.
            bert = "token_type_ids" in config["model_input_names"]
            return by_model_type["bert" if bert else "distilbert"]._from_source(source, **overrides)
        config_file = source.config_file or folder / "config.json"
        model_type = _read_optional_json(Path(config_file)).get("model_type")
        if model_type is not None and model_type not in by_model_type:
            raise CheckpointError(
                "error.tokenizer_files.model_type", config_file=config_file, model_type=f"{model_type!r}",
                supported=str(sorted(by_model_type)),
            )
        return by_model_type.get(model_type, by_model_type["bert"])._from_source(source, **overrides)
