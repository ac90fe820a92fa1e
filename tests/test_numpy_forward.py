"""numpy_forward: the NumPy forward pass gives the logits of the PyTorch model it was saved from.

Tiny random BERT and DistilBERT (every tensor nudged off its initial value, so a bias or a
LayerNorm weight read under the wrong name would show), the seed's padded batch, and the
offline default model (marked slow).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import SEED_IDS, SEED_MASK, TINY_BERT, TINY_DISTILBERT
from lesson_lib import numpy_forward as NF
from lesson_lib.errors import CheckpointError, InputValueError

ATOL = 1e-4  # what chapter 06 asserts


def _nudge(model):
    # Fresh models have zero biases and LayerNorm = identity: a wrong name there would go unseen.
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return model


def _torch_logits(model, ids, mask, types=None):
    kwargs = {} if types is None else {"token_type_ids": torch.tensor(types)}
    with torch.no_grad():
        return model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), **kwargs).logits.numpy()


def _saved(model, tmp_path):
    model.save_pretrained(tmp_path)
    return NF.load_checkpoint(tmp_path)


@pytest.mark.parametrize("activation", ["gelu", "relu"])
def test_tiny_distilbert_matches_torch_on_a_padded_batch(tmp_path, activation):
    from lesson_lib import DistilBertConfig, DistilBertForSequenceClassification

    torch.manual_seed(0)
    model = _nudge(DistilBertForSequenceClassification(DistilBertConfig(**TINY_DISTILBERT, activation=activation)).eval())
    config, state = _saved(model, tmp_path)
    ours = NF.classifier_logits(config, state, SEED_IDS, SEED_MASK)
    assert ours.shape == (2, 2)
    np.testing.assert_allclose(ours, _torch_logits(model, SEED_IDS, SEED_MASK), atol=ATOL, rtol=0)


def test_tiny_bert_matches_torch_with_token_types_and_three_labels(tmp_path):
    from lesson_lib import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    model = _nudge(BertForSequenceClassification(BertConfig(**TINY_BERT, num_labels=3)).eval())
    config, state = _saved(model, tmp_path)
    types = [[0] * 7 + [1] * 7, [0] * 5 + [1] * 9]
    ours = NF.classifier_logits(config, state, SEED_IDS, SEED_MASK, types)
    assert ours.shape == (2, 3)
    np.testing.assert_allclose(ours, _torch_logits(model, SEED_IDS, SEED_MASK, types), atol=ATOL, rtol=0)


def test_padding_does_not_change_a_sentence(tmp_path, tiny_bert):
    config, state = _saved(_nudge(tiny_bert), tmp_path)
    alone = NF.classifier_logits(config, state, SEED_IDS[1][:11])  # one sentence, no mask needed
    padded = NF.classifier_logits(config, state, SEED_IDS, SEED_MASK)[1]
    np.testing.assert_allclose(alone[0], padded, atol=1e-5, rtol=0)


def test_the_building_blocks_agree_with_torch():
    x = np.random.default_rng(0).standard_normal((2, 3, 8)).astype(np.float32)
    np.testing.assert_allclose(NF.activation("gelu", x), torch.nn.functional.gelu(torch.tensor(x)).numpy(), atol=1e-6)
    np.testing.assert_allclose(NF.softmax(x), torch.softmax(torch.tensor(x), -1).numpy(), atol=1e-6)
    w, b = np.full(8, 2.0, np.float32), np.full(8, 0.5, np.float32)
    expected = torch.nn.functional.layer_norm(torch.tensor(x), (8,), torch.tensor(w), torch.tensor(b), 1e-12)
    np.testing.assert_allclose(NF.layer_norm(x, {"n.weight": w, "n.bias": b}, "n", 1e-12), expected.numpy(), atol=1e-5)


def test_mistakes_are_explained(tmp_path, tiny_bert):
    config, state = _saved(tiny_bert, tmp_path)
    with pytest.raises(InputValueError, match="bert.*distilbert"):
        NF.classifier_logits({**config, "model_type": "gpt2"}, state, SEED_IDS[1])
    with pytest.raises(CheckpointError, match="not a distilbert"):
        NF.classifier_logits({**config, "model_type": "distilbert"}, state, SEED_IDS[1])
    with pytest.raises(CheckpointError, match="save_pretrained"):
        NF.load_checkpoint(tmp_path / "nowhere")
    with pytest.raises(InputValueError, match="gelu"):
        NF.activation("swish", np.zeros(2, np.float32))


@pytest.mark.slow
def test_the_default_model_matches_torch(tmp_path):
    import warnings

    from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # until its head is trained, the default warns about a new classifier
        model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
    config, state = _saved(model, tmp_path)
    assert config["model_type"] == "bert" and "bert.pooler.dense.weight" in state
    ours = NF.classifier_logits(config, state, SEED_IDS, SEED_MASK)
    np.testing.assert_allclose(ours, _torch_logits(model, SEED_IDS, SEED_MASK), atol=ATOL, rtol=0)
