"""Shared fixtures: tiny random checkpoints, checkpoints written by transformers, the offline default.

Three tiers (see STYLE.md): tiny random models built here; parity with
``transformers`` as an oracle (skipped where it is not installed); the real
offline default model.
"""

from __future__ import annotations

import os

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never touch the network
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest
import torch

torch.set_num_threads(2)

SEED_TEXTS = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
SEED_IDS = [
    [101, 2057, 2024, 2200, 3407, 2000, 2265, 2017, 1996, 100, 19081, 3075, 1012, 102],
    [101, 2057, 3246, 2017, 2123, 1005, 1056, 5223, 2009, 1012, 102, 0, 0, 0],
]
SEED_MASK = [[1] * 14, [1] * 11 + [0] * 3]

TINY_DISTILBERT = dict(vocab_size=30522, dim=32, n_heads=4, hidden_dim=64, n_layers=2, max_position_embeddings=64)
TINY_BERT = dict(vocab_size=30522, hidden_size=32, num_attention_heads=4, intermediate_size=64,
                 num_hidden_layers=2, max_position_embeddings=64)


@pytest.fixture(scope="session")
def seed_batch():
    ids = torch.tensor(SEED_IDS)
    return {"input_ids": ids, "attention_mask": torch.tensor(SEED_MASK)}


@pytest.fixture
def tiny_distilbert():
    from lesson_lib import DistilBertConfig, DistilBertForSequenceClassification

    torch.manual_seed(0)
    return DistilBertForSequenceClassification(DistilBertConfig(**TINY_DISTILBERT)).eval()


@pytest.fixture
def tiny_bert():
    from lesson_lib import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    return BertForSequenceClassification(BertConfig(**TINY_BERT)).eval()


@pytest.fixture(scope="session")
def transformers_mod():
    return pytest.importorskip("transformers")
