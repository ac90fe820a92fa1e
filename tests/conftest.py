"""Shared fixtures: tiny random checkpoints, the offline tokenizer, one thread, transformers as an oracle.

Three tiers (docs/CONTRIBUTING.md): tiny random models built here; parity with
``transformers`` as an oracle (skipped where it is not installed); the real
offline default model. Plain values and checks that several files share
(the seed's ids, the tiny sizes, ``check_ours``) are in tests/helpers.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never touch the network
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("MPLBACKEND", "Agg")

# `from helpers import ...` in every test file, whichever import mode pytest runs in.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest
import torch

from helpers import SEED_IDS, SEED_MASK, tiny_model

torch.set_num_threads(2)


@pytest.fixture(scope="session")
def seed_batch():
    ids = torch.tensor(SEED_IDS)
    return {"input_ids": ids, "attention_mask": torch.tensor(SEED_MASK)}


@pytest.fixture
def tiny_distilbert():
    return tiny_model("distilbert")


@pytest.fixture
def tiny_bert():
    return tiny_model("bert")


@pytest.fixture(scope="module")
def tok():
    """The offline body's tokenizer (bert-base-uncased's vocabulary), loaded once per test file."""
    from lesson_lib import AutoTokenizer, hub

    return AutoTokenizer.from_pretrained(hub.BASE_MODEL)


@pytest.fixture(scope="module")
def one_thread():
    """One torch thread for a test file of tiny models: fastest for them, and it stays fast when the
    machine is busy (no OpenMP barriers). A file asks for it with
    ``pytestmark = pytest.mark.usefixtures("one_thread")``."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def transformers_mod():
    return pytest.importorskip("transformers")
