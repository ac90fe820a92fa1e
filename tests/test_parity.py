"""Numerical parity with transformers (the oracle): logits, loss, every hidden state, every attention map.

Checkpoints are written by transformers with random weights, loaded by lesson_lib, and
both run on the seed's batch, padded and unpadded. Then the other direction: a folder
written by lesson_lib loads in transformers and gives the same logits.
"""

from __future__ import annotations

import pytest
import torch

from helpers import SEED_IDS, SEED_MASK

TOL = 1e-5

CASES = {
    # name: (model_type, config kwargs)
    "distilbert-default": ("distilbert", {}),
    "distilbert-seed-custom": ("distilbert", dict(n_heads=8, dim=512, hidden_dim=4 * 512)),
    "bert-small": ("bert", dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024)),
    # fixed sin/cos positions instead of learned ones (the table is computed, not trained)
    "distilbert-sinusoidal": ("distilbert", dict(sinusoidal_pos_embds=True, n_layers=2, dim=64, n_heads=4,
                                                 hidden_dim=128)),
}

worst = {"diff": 0.0}


def _hf_model(T, model_type, kwargs, num_labels=2):
    config_cls = {"distilbert": T.DistilBertConfig, "bert": T.BertConfig}[model_type]
    model_cls = {"distilbert": T.DistilBertForSequenceClassification, "bert": T.BertForSequenceClassification}[model_type]
    config = config_cls(**kwargs, num_labels=num_labels)
    config._attn_implementation = "eager"  # the only transformers path that returns attention weights
    torch.manual_seed(1234)
    return model_cls(config).eval()


@pytest.fixture(scope="module", params=sorted(CASES))
def hf_checkpoint(request, tmp_path_factory, transformers_mod):
    model_type, kwargs = CASES[request.param]
    model = _hf_model(transformers_mod, model_type, kwargs)
    folder = tmp_path_factory.mktemp(request.param)
    model.save_pretrained(folder)
    return request.param, folder, model


def _run(model, ids, mask, **kw):
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask, labels=torch.tensor([1, 0][: ids.shape[0]]),
                     output_hidden_states=True, output_attentions=True, **kw)


def _max_diff(a, b) -> float:
    d = (a - b).abs().max().item()
    worst["diff"] = max(worst["diff"], d)
    return d


def _assert_same(ours, theirs, mask):
    assert _max_diff(ours.logits, theirs.logits) < TOL
    assert _max_diff(ours.loss, theirs.loss) < TOL
    assert len(ours.hidden_states) == len(theirs.hidden_states)
    assert len(ours.attentions) == len(theirs.attentions)
    keep = mask.bool()[..., None]  # compare real tokens; padded rows are arbitrary in both libraries
    for a, b in zip(ours.hidden_states, theirs.hidden_states):
        assert _max_diff(a * keep, b * keep) < TOL
    for a, b in zip(ours.attentions, theirs.attentions):
        q = mask.bool()[:, None, :, None]
        assert _max_diff(a * q, b * q) < TOL


@pytest.mark.oracle
def test_transformers_checkpoint_loads_and_matches(hf_checkpoint):
    from lesson_lib import AutoModelForSequenceClassification

    name, folder, hf = hf_checkpoint
    ours = AutoModelForSequenceClassification.from_pretrained(folder)
    assert ours.load_report.newly_initialised == [] and ours.load_report.unused == []
    ids, mask = torch.tensor(SEED_IDS), torch.tensor(SEED_MASK)
    _assert_same(_run(ours, ids, mask), _run(hf, ids, mask), mask)
    # Each sentence alone, without padding: the same numbers as its row in the padded batch.
    for row in range(2):
        n = int(mask[row].sum())
        one_ids, one_mask = ids[row : row + 1, :n], mask[row : row + 1, :n]
        _assert_same(_run(ours, one_ids, one_mask), _run(hf, one_ids, one_mask), one_mask)


@pytest.mark.oracle
def test_lesson_lib_checkpoint_loads_in_transformers(hf_checkpoint, tmp_path, transformers_mod):
    from lesson_lib import AutoModelForSequenceClassification

    name, folder, _ = hf_checkpoint
    ours = AutoModelForSequenceClassification.from_pretrained(folder)
    ours.save_pretrained(tmp_path)
    theirs = transformers_mod.AutoModelForSequenceClassification.from_pretrained(tmp_path, attn_implementation="eager").eval()
    assert type(theirs).__name__ == type(ours).__name__
    ids, mask = torch.tensor(SEED_IDS), torch.tensor(SEED_MASK)
    _assert_same(_run(ours, ids, mask), _run(theirs, ids, mask), mask)
    # ...and back again: a third generation still matches the first.
    theirs.save_pretrained(tmp_path / "again")
    again = AutoModelForSequenceClassification.from_pretrained(tmp_path / "again")
    assert _max_diff(_run(again, ids, mask).logits, _run(ours, ids, mask).logits) == 0.0


@pytest.mark.oracle
def test_real_offline_body_matches_transformers(transformers_mod):
    """The pre-trained all-MiniLM-L6-v2 body, in both libraries."""
    from lesson_lib import BASE_MODEL, AutoModel
    from lesson_lib.hub import base_model_dir

    ours = AutoModel.from_pretrained(BASE_MODEL)
    theirs = transformers_mod.AutoModel.from_pretrained(str(base_model_dir()), attn_implementation="eager").eval()
    ids, mask = torch.tensor(SEED_IDS), torch.tensor(SEED_MASK)
    with torch.no_grad():
        a = ours(ids, mask, output_hidden_states=True, output_attentions=True)
        b = theirs(input_ids=ids, attention_mask=mask, output_hidden_states=True, output_attentions=True)
    keep = mask.bool()[..., None]
    assert _max_diff(a.pooler_output, b.pooler_output) < TOL
    for x, y in zip(a.hidden_states, b.hidden_states):
        assert _max_diff(x * keep, y * keep) < TOL
    for x, y in zip(a.attentions, b.attentions):
        assert _max_diff(x, y) < TOL


@pytest.mark.oracle
@pytest.mark.parametrize("hf_checkpoint", ["bert-small"], indirect=True)
def test_the_parity_check_sees_a_difference_ten_times_the_tolerance(hf_checkpoint):
    """The comparison above is not vacuous: one logit's bias moved by 10 * TOL in our copy fails it."""
    from lesson_lib import AutoModelForSequenceClassification

    _, folder, hf = hf_checkpoint
    ours = AutoModelForSequenceClassification.from_pretrained(folder)
    ids, mask = torch.tensor(SEED_IDS), torch.tensor(SEED_MASK)
    _assert_same(_run(ours, ids, mask), _run(hf, ids, mask), mask)  # as loaded: the same
    with torch.no_grad():
        ours.classifier.bias[1] += 10 * TOL
    with pytest.raises(AssertionError):
        _assert_same(_run(ours, ids, mask), _run(hf, ids, mask), mask)
