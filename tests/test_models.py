"""The model API as the seed uses it: output objects, labels and loss, configs, heads, tracing, the CLI."""

from __future__ import annotations

import warnings

import pytest
import torch

import lesson_lib as L
from conftest import SEED_IDS, SEED_MASK, SEED_TEXTS, TINY_BERT, TINY_DISTILBERT


def test_output_reads_as_dataclass_dict_and_tuple(tiny_distilbert, seed_batch):
    out = tiny_distilbert(**seed_batch)
    assert repr(out).startswith("SequenceClassifierOutput(loss=None, logits=tensor(")
    assert out[0] is out.logits is out["logits"]
    assert list(out.keys()) == ["logits"] and len(out.to_tuple()) == 1  # None fields skipped
    out = tiny_distilbert(**seed_batch, labels=torch.tensor([1, 0]), output_hidden_states=True)
    assert list(out.keys()) == ["loss", "logits", "hidden_states"]
    assert out[0] is out.loss and out[1] is out.logits
    assert len(out.hidden_states) == TINY_DISTILBERT["n_layers"] + 1
    assert out.attentions is None and "attentions" not in out


def test_loss_is_mean_cross_entropy(tiny_bert, seed_batch):
    labels = torch.tensor([1, 0])
    out = tiny_bert(**seed_batch, labels=labels)
    by_hand = -torch.log_softmax(out.logits, dim=-1)[torch.arange(2), labels].mean()
    assert torch.allclose(out.loss, by_hand, atol=1e-6)
    out.loss.backward()  # an ordinary nn.Module: gradients flow for a training loop
    assert tiny_bert.classifier.weight.grad is not None


def test_padding_does_not_change_a_sentence(tiny_bert):
    ids, mask = torch.tensor(SEED_IDS), torch.tensor(SEED_MASK)
    batch_logits = tiny_bert(ids, mask).logits[1]
    alone = tiny_bert(ids[1:, :11], mask[1:, :11]).logits[0]
    assert torch.allclose(batch_logits, alone, atol=1e-5)


def test_attentions_always_available_and_padding_gets_zero(tiny_distilbert, seed_batch):
    out = tiny_distilbert(**seed_batch, output_attentions=True)
    assert len(out.attentions) == TINY_DISTILBERT["n_layers"]
    a = out.attentions[0]
    assert a.shape == (2, TINY_DISTILBERT["n_heads"], 14, 14)
    assert torch.allclose(a.sum(-1), torch.ones(2, 4, 14))
    assert a[1, :, :, 11:].abs().max() == 0  # the three padded positions of sentence 2


def test_config_from_output_flags(tiny_bert, seed_batch):
    tiny_bert.config.output_attentions = True
    assert len(tiny_bert(**seed_batch).attentions) == TINY_BERT["num_hidden_layers"]


def test_seed_custom_config_builds_an_untrained_model():
    config = L.DistilBertConfig(n_heads=8, dim=512, hidden_dim=4 * 512)
    torch.manual_seed(0)
    model = L.DistilBertForSequenceClassification(config).eval()
    assert model.num_parameters() == 35_068_418  # the count transformers gives for the same config
    probs = torch.softmax(model(torch.tensor(SEED_IDS), torch.tensor(SEED_MASK)).logits, -1)
    assert (probs - 0.5).abs().max() < 0.05  # random head: close to uniform


def test_config_json_round_trip_keeps_unknown_keys(tmp_path):
    config = L.BertConfig(hidden_size=64, num_attention_heads=4, my_note="kept", id2label={0: "NEG", 1: "POS"})
    config.save_pretrained(tmp_path)
    again = L.AutoConfig.from_pretrained(tmp_path)
    assert isinstance(again, L.BertConfig) and again == config
    assert again.my_note == "kept" and again.id2label == {0: "NEG", 1: "POS"} and again.label2id == {"NEG": 0, "POS": 1}
    assert L.DistilBertConfig().hidden_size == 768  # generic names map onto DistilBERT's spelling


def test_new_head_with_num_labels_10_says_what_is_new(tmp_path):
    torch.manual_seed(0)
    L.DistilBertForSequenceClassification(L.DistilBertConfig(**TINY_DISTILBERT)).save_pretrained(tmp_path)
    with pytest.warns(L.NewWeightsWarning) as caught:
        model = L.DistilBertForSequenceClassification.from_pretrained(tmp_path, num_labels=10)
    message = str(caught[0].message)
    assert "classifier.weight (2, 32) -> (10, 32)" in message and "classifier.bias (2,) -> (10,)" in message
    assert "Train the model" in message
    assert model.config.num_labels == 10 and model.config.id2label[9] == "LABEL_9"
    assert model.classifier.weight.shape == (10, 32)
    assert model.classifier.weight.std() > 0.001 and model.classifier.bias.abs().max() == 0  # freshly initialised
    # The body is still the saved one.
    reloaded = L.DistilBertForSequenceClassification.from_pretrained(tmp_path)
    assert torch.equal(model.distilbert.embeddings.word_embeddings.weight,
                       reloaded.distilbert.embeddings.word_embeddings.weight)


def test_body_checkpoint_under_a_head_gets_the_prefix_and_a_report(tmp_path):
    torch.manual_seed(0)
    L.BertModel(L.BertConfig(**TINY_BERT)).save_pretrained(tmp_path)  # names without "bert."
    with pytest.warns(L.NewWeightsWarning, match="classifier.weight, classifier.bias"):
        model = L.AutoModelForSequenceClassification.from_pretrained(tmp_path)
    assert model.load_report.newly_initialised == ["classifier.weight", "classifier.bias"]
    body = L.AutoModel.from_pretrained(tmp_path)  # and the other way: a head checkpoint under a body
    assert torch.equal(body.embeddings.word_embeddings.weight, model.bert.embeddings.word_embeddings.weight)


def test_auto_classes_pick_the_concrete_class(tmp_path):
    L.DistilBertForSequenceClassification(L.DistilBertConfig(**TINY_DISTILBERT)).save_pretrained(tmp_path)
    assert type(L.AutoModelForSequenceClassification.from_pretrained(tmp_path)) is L.DistilBertForSequenceClassification
    assert type(L.AutoModel.from_pretrained(tmp_path)) is L.DistilBertModel
    assert type(L.AutoConfig.from_pretrained(tmp_path)) is L.DistilBertConfig


def test_trace_records_every_stage(tiny_distilbert, seed_batch):
    trace = tiny_distilbert.trace(**seed_batch)
    names = [s.label for s in trace.steps]
    assert names[0] == "embeddings" and names[-1] == "logits"
    assert names[1:6] == ["layer 0: attention_output", "layer 0: after_attention_norm", "layer 0: ffn_output",
                          "layer 0: block_output", "layer 0: attention_weights"]
    assert trace.get("first_token").shape == (2, 32) and trace.get("pre_classifier").shape == (2, 32)
    assert torch.equal(trace.get("logits"), trace.output.logits)
    assert torch.equal(trace.get("block_output", layer=1)[:, 0], trace.get("first_token"))


@pytest.mark.slow
def test_seed_code_runs_with_only_the_import_line_changed(capsys):
    """The seed's PyTorch code, with `transformers` -> `lesson_lib` and the model name -> DEFAULT_MODEL."""
    seed_code = f'''
from lesson_lib import AutoTokenizer, AutoModelForSequenceClassification, DEFAULT_MODEL
model_name = DEFAULT_MODEL
pt_model = AutoModelForSequenceClassification.from_pretrained(model_name)
tokenizer = AutoTokenizer.from_pretrained(model_name)
inputs = tokenizer("{SEED_TEXTS[0]}")
print(inputs)
pt_batch = tokenizer(
    {SEED_TEXTS!r},
    padding=True,
    truncation=True,
    max_length=512,
    return_tensors="pt"
)
for key, value in pt_batch.items():
    print(f"{{key}}: {{value.numpy().tolist()}}")
pt_outputs = pt_model(**pt_batch)
from torch import nn
pt_predictions = nn.functional.softmax(pt_outputs.logits, dim=-1)
import torch
pt_outputs = pt_model(**pt_batch, labels = torch.tensor([1, 0]))
print(pt_outputs)
pt_outputs = pt_model(**pt_batch, output_hidden_states=True, output_attentions=True)
all_hidden_states  = pt_outputs.hidden_states
all_attentions = pt_outputs.attentions
'''
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.NewWeightsWarning)
        exec(compile(seed_code, "seed", "exec"), namespace)
    printed = capsys.readouterr().out
    assert f"'input_ids': {SEED_IDS[0]}" in printed
    assert f"input_ids: {SEED_IDS}" in printed and f"attention_mask: {SEED_MASK}" in printed
    assert "SequenceClassifierOutput(loss=tensor(" in printed
    assert len(namespace["all_hidden_states"]) == 7 and len(namespace["all_attentions"]) == 6
    assert namespace["pt_predictions"].shape == (2, 2)


def test_cli_prints_every_stage(capsys):
    from lesson_lib.__main__ import main

    assert main(["We hope you don't hate it.", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "[101, 2057, 3246, 2017, 2123, 1005, 1056, 5223, 2009, 1012, 102]" in out
    assert "토큰" in out and "소프트맥스" in out
    assert main(["text", "--model", "./no/such/folder"]) == 2
    assert "There is no folder" in capsys.readouterr().err


def test_fused_kernels_compute_what_the_written_out_formulas_say(tiny_bert, seed_batch):
    from lesson_lib import functional as F

    x = torch.linspace(-6, 6, 1001)
    torch.testing.assert_close(F.gelu(x), F.gelu_by_hand(x), rtol=0, atol=1e-6)
    # Without attentions asked for, the fused attention gives the same outputs as the explicit one.
    tiny_bert.eval()
    with torch.no_grad():
        fused = tiny_bert(**seed_batch)
        explicit = tiny_bert(**seed_batch, output_attentions=True)
    assert fused.attentions is None and len(explicit.attentions) == tiny_bert.config.num_hidden_layers
    torch.testing.assert_close(fused.logits, explicit.logits, rtol=0, atol=1e-5)
    q, k, v = torch.randn(3, 2, 4, 5, 8).unbind(0)
    mask = F.extended_attention_mask(torch.tensor([[1, 1, 1, 0, 0], [1] * 5]), torch.float32)
    out, w = F.attention(q, k, v, mask, need_weights=False)
    ref, weights = F.attention(q, k, v, mask)
    assert w is None and weights[0, :, :, 3:].abs().max() == 0
    torch.testing.assert_close(out, ref, rtol=0, atol=1e-5)
