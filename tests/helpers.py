"""What several test files share: the seed's numbers, the tiny model sizes, the error check, the tools.

Fixtures live in conftest.py, where pytest finds them by name; plain values and functions live
here and are imported by name (``from helpers import TINY_BERT, check_ours``), because
conftest.py is pytest's to load, not a module to import. conftest.py puts tests/ on sys.path.

Used in: tests/conftest.py and the test files that need a value or a check of another file.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import traceback
from pathlib import Path

import pytest
import torch

import lesson_lib
from lesson_lib.errors import LessonError

ROOT = Path(__file__).resolve().parent.parent  # the repository
TOOLS = ROOT / "tools"  # maintainer scripts, not part of the installed package
BINDER = ROOT / "binder"  # what mybinder.org builds from
CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # torch's CPU-only wheels (the default index pulls in CUDA)
PNG = b"\x89PNG\r\n\x1a\n"  # the first bytes of every PNG file a view draws

# The seed document's two sentences and what bert-base-uncased's tokenizer makes of them, padded.
SEED_TEXTS = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
SEED_IDS = [
    [101, 2057, 2024, 2200, 3407, 2000, 2265, 2017, 1996, 100, 19081, 3075, 1012, 102],
    [101, 2057, 3246, 2017, 2123, 1005, 1056, 5223, 2009, 1012, 102, 0, 0, 0],
]
SEED_MASK = [[1] * 14, [1] * 11 + [0] * 3]
LONE_SURROGATE = "broken \ud83e emoji"  # the first half of 🤗 without the second: not encodable as UTF-8

# Tiny random models: the real vocabulary (so real token ids work), everything else small.
TINY_DISTILBERT = dict(vocab_size=30522, dim=32, n_heads=4, hidden_dim=64, n_layers=2, max_position_embeddings=64)
TINY_BERT = dict(vocab_size=30522, hidden_size=32, num_attention_heads=4, intermediate_size=64,
                 num_hidden_layers=2, max_position_embeddings=64)


def tiny_model(kind: str, **overrides):
    """A tiny random ``"bert"`` or ``"distilbert"`` classifier, the same weights every call (seed 0), in eval mode."""
    torch.manual_seed(0)
    if kind == "bert":
        return lesson_lib.BertForSequenceClassification(lesson_lib.BertConfig(**{**TINY_BERT, **overrides})).eval()
    if kind == "distilbert":
        config = lesson_lib.DistilBertConfig(**{**TINY_DISTILBERT, **overrides})
        return lesson_lib.DistilBertForSequenceClassification(config).eval()
    raise ValueError(f"kind must be 'bert' or 'distilbert', got {kind!r}")


def check_ours(error: BaseException, cls=LessonError, *phrases: str) -> None:
    """The error is ``cls``, says ``phrases``, was raised in lesson_lib/ and carries no inner traceback.

    "A ValueError was raised" is not enough: a crash deep inside torch is a ValueError too.
    """
    assert isinstance(error, cls) and isinstance(error, LessonError), f"{type(error).__name__}: {error}"
    assert isinstance(error, (ValueError, TypeError, OSError))
    for phrase in phrases:
        assert phrase in str(error), f"{phrase!r} not in: {error}"
    where = Path(traceback.extract_tb(error.__traceback__)[-1].filename).resolve()
    assert where.is_relative_to(Path(lesson_lib.__file__).resolve().parent), f"raised in {where}, not in lesson_lib"
    # raised `from None` or outside any `except`: the learner sees one sentence, not torch's stack
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


@contextlib.contextmanager
def raises_ours(cls=LessonError, *phrases: str):
    """``pytest.raises`` plus :func:`check_ours` on what was raised."""
    with pytest.raises(cls) as info:
        yield info
    check_ours(info.value, cls, *phrases)


def import_tool(name: str):
    """A maintainer script of tools/ as a module, the way ``python tools/<name>.py`` sees its own folder."""
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    return importlib.import_module(name)
