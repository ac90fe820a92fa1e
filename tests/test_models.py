"""The model API as the seed uses it: output objects, labels and loss, configs, heads, tracing, the CLI."""

from __future__ import annotations

import warnings

import pytest
import torch

import lesson_lib as L
from helpers import SEED_IDS, SEED_MASK, SEED_TEXTS, TINY_BERT, TINY_DISTILBERT


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


def test_new_head_on_a_headless_body_is_reported(tmp_path):
    """The seed's case: a body without a head, num_labels=10 -> a new head, no error."""
    torch.manual_seed(0)
    L.DistilBertModel(L.DistilBertConfig(**TINY_DISTILBERT)).save_pretrained(tmp_path)
    with pytest.warns(L.NewWeightsWarning, match="newly initialised") as caught:
        model = L.DistilBertForSequenceClassification.from_pretrained(tmp_path, num_labels=10)
    assert "classifier.weight" in str(caught[0].message)
    assert model.config.num_labels == 10 and model.classifier.weight.shape == (10, 32)
    assert not model.load_report.reshaped_head and "classifier.weight" in model.load_report.newly_initialised


def test_new_head_with_num_labels_10_says_what_is_new(tmp_path):
    torch.manual_seed(0)
    L.DistilBertForSequenceClassification(L.DistilBertConfig(**TINY_DISTILBERT)).save_pretrained(tmp_path)
    with pytest.raises(L.CheckpointError, match="ignore_mismatched_sizes=True"):  # as in Transformers 5
        L.DistilBertForSequenceClassification.from_pretrained(tmp_path, num_labels=10)
    with pytest.warns(L.NewWeightsWarning) as caught:
        model = L.DistilBertForSequenceClassification.from_pretrained(tmp_path, num_labels=10,
                                                                      ignore_mismatched_sizes=True)
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


def test_fused_kernels_compute_what_the_written_out_formulas_say(tiny_bert, seed_batch):
    from lesson_lib import functional as F

    x = torch.linspace(-6, 6, 1001)
    torch.testing.assert_close(F.gelu(x, fused=True), F.gelu(x), rtol=0, atol=1e-6)
    torch.testing.assert_close(F.gelu_tanh(x, fused=True), F.gelu_tanh(x), rtol=0, atol=1e-6)
    assert F.gelu(torch.tensor(1.0)).item() == pytest.approx(0.8413447, abs=1e-6)  # x * Phi(x)
    # Without attentions asked for, the fused attention gives the same outputs as the explicit one.
    with torch.no_grad():
        fused = tiny_bert(**seed_batch)
        explicit = tiny_bert(**seed_batch, output_attentions=True)
    assert fused.attentions is None and len(explicit.attentions) == tiny_bert.config.num_hidden_layers
    torch.testing.assert_close(fused.logits, explicit.logits, rtol=0, atol=1e-5)
    q, k, v = torch.randn(3, 2, 4, 5, 8).unbind(0)
    mask = F.extended_attention_mask(torch.tensor([[1, 1, 1, 0, 0], [1] * 5]), torch.float32)
    out, w = F.attention(q, k, v, mask, fused=True)
    ref, weights = F.attention(q, k, v, mask)
    assert w is None and weights[0, :, :, 3:].abs().max() == 0
    torch.testing.assert_close(out, ref, rtol=0, atol=1e-5)
    torch.testing.assert_close(weights, torch.softmax(q @ k.transpose(-2, -1) / 8**0.5 + mask, -1), rtol=0, atol=1e-6)


def test_softmax_in_place_and_with_gradients_agree():
    from lesson_lib import functional as F

    z = torch.randn(3, 7) * 20
    ref = torch.softmax(z, -1)
    with torch.no_grad():
        torch.testing.assert_close(F.softmax(z), ref, rtol=0, atol=1e-6)
    leaf = z.clone().requires_grad_()
    p = F.softmax(leaf, temperature=2.0)
    p[:, 0].sum().backward()  # the written-out steps keep their graph when gradients are wanted
    torch.testing.assert_close(p, torch.softmax(z / 2, -1), rtol=0, atol=1e-6)
    assert leaf.grad is not None and torch.equal(z, leaf.detach())  # the input is never overwritten
    assert torch.equal(F.softmax(torch.tensor([1, 1])), torch.tensor([0.5, 0.5]))  # whole numbers too


def test_gradients_flow_through_both_paths_alike(tiny_bert, seed_batch):
    grads = []
    for attentions in (False, True):  # fused, then written out (its in-place steps must not break autograd)
        tiny_bert.zero_grad()
        out = tiny_bert(**seed_batch, labels=torch.tensor([1, 0]), output_attentions=attentions)
        (out.loss + sum(a.sum() for a in out.attentions or ())).backward()
        grads.append(tiny_bert.bert.encoder.layer[0].attention.self.query.weight.grad.clone())
    assert grads[0].abs().max() > 0
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-4, atol=1e-6)


def test_trace_and_output_attentions_run_the_written_out_path(tiny_distilbert, seed_batch, monkeypatch):
    from lesson_lib import functional as F

    calls = {"softmax": 0, "fused gelu": 0}
    kit_softmax, torch_gelu = F.softmax, torch.nn.functional.gelu

    def counting_softmax(*args, **kwargs):
        calls["softmax"] += 1
        return kit_softmax(*args, **kwargs)

    def counting_gelu(*args, **kwargs):
        calls["fused gelu"] += 1
        return torch_gelu(*args, **kwargs)

    monkeypatch.setattr(F, "softmax", counting_softmax)
    monkeypatch.setattr(torch.nn.functional, "gelu", counting_gelu)
    n = TINY_DISTILBERT["n_layers"]
    tiny_distilbert(**seed_batch)
    assert calls == {"softmax": 0, "fused gelu": n}  # the fused kernels
    tiny_distilbert.trace(**seed_batch)
    assert calls == {"softmax": n, "fused gelu": n}  # trace: the kit's own softmax and GELU
    tiny_distilbert(**seed_batch, output_attentions=True)
    # output_attentions: the written-out attention (it alone has weights), the fused GELU
    assert calls == {"softmax": 2 * n, "fused gelu": 2 * n}
    flags = [m.fused for m in tiny_distilbert.modules() if hasattr(m, "fused")]
    assert len(flags) == 2 * n and all(flags)  # switched back after each call
    assert not any(m._forward_hooks for m in tiny_distilbert.modules())  # no hook left behind
    with pytest.raises(L.InputValueError):  # also when the call fails
        tiny_distilbert.trace(torch.tensor([[999_999]]))
    assert all(m.fused for m in tiny_distilbert.modules() if hasattr(m, "fused"))
    assert not any(m._forward_hooks for m in tiny_distilbert.modules())


def test_trace_of_bert_and_of_a_body(tiny_bert, seed_batch):
    trace = tiny_bert.trace(**seed_batch)
    per_layer = ["attention_output", "after_attention_norm", "ffn_output", "block_output", "attention_weights"]
    n = TINY_BERT["num_hidden_layers"]
    assert [s.label for s in trace.steps] == (
        ["embeddings"] + [f"layer {i}: {name}" for i in range(n) for name in per_layer]
        + ["first_token", "pooler", "logits"])
    layer0 = tiny_bert.bert.encoder.layer[0]
    # Each step is the tensor the algorithm says: a residual + LayerNorm of the two before it, ...
    after = layer0.attention.output.LayerNorm(trace.get("attention_output", 0) + trace.get("embeddings"))
    torch.testing.assert_close(trace.get("after_attention_norm", 0), after, rtol=0, atol=1e-6)
    out = layer0.output.LayerNorm(trace.get("ffn_output", 0) + trace.get("after_attention_norm", 0))
    torch.testing.assert_close(trace.get("block_output", 0), out, rtol=0, atol=1e-6)
    assert torch.equal(trace.get("first_token"), trace.get("block_output", n - 1)[:, 0])
    assert torch.equal(trace.get("pooler"), torch.tanh(tiny_bert.bert.pooler.dense(trace.get("first_token"))))
    assert torch.equal(trace.get("logits"), trace.output.logits)
    with torch.no_grad():
        plain = tiny_bert(**seed_batch, output_attentions=True)
    for i in range(n):
        torch.testing.assert_close(trace.get("attention_weights", i), plain.attentions[i], rtol=0, atol=0)
    body = tiny_bert.bert.trace(**seed_batch)  # a body alone: its own steps only
    assert [s.label for s in body.steps] == [s.label for s in trace.steps][:-3]


def test_dropout_in_train_mode(seed_batch):
    from helpers import tiny_model

    # Only the attention weights are dropped: the written-out path runs, with nn.Dropout's own mask.
    model = tiny_model("distilbert", dropout=0.0, seq_classif_dropout=0.0, attention_dropout=0.5)
    body = model.distilbert
    with torch.no_grad():
        evaluated = body(**seed_batch).last_hidden_state
        model.train()
        torch.manual_seed(1)
        one = body(**seed_batch).last_hidden_state
        torch.manual_seed(1)
        again = body(**seed_batch).last_hidden_state
    assert torch.equal(one, again) and (one - evaluated).abs().max() > 1e-3  # float noise is ~1e-7
    # Active dropout keeps the written-out path even where the fused one is allowed.
    from lesson_lib import functional as F

    q, k, v = torch.randn(3, 2, 4, 5, 8).unbind(0)
    drop = torch.nn.Dropout(0.5).train()
    torch.manual_seed(3)
    out, weights = F.attention(q, k, v, None, drop, fused=True)
    torch.manual_seed(3)
    assert weights is not None and torch.equal(out, drop(weights) @ v)


def test_activation_names_in_config_are_the_implemented_ones():
    from lesson_lib import config, functional

    assert set(config.ACTIVATION_NAMES) == set(functional.ACTIVATIONS)
    with pytest.raises(L.InputValueError, match="not an activation"):
        L.BertConfig(hidden_act="swish")


def test_from_pretrained_builds_on_meta_and_leaves_torch_alone(tmp_path):
    """No global patch: torch.nn.init is untouched, and a model built in another thread meanwhile is normal."""
    import threading

    from lesson_lib.modeling import build_on_meta

    L.DistilBertForSequenceClassification(L.DistilBertConfig(**TINY_DISTILBERT)).save_pretrained(tmp_path)
    bert_config = L.BertConfig(**TINY_BERT)
    torch.manual_seed(5)
    reference = L.BertForSequenceClassification(bert_config).state_dict()
    init_functions = {name: getattr(torch.nn.init, name) for name in dir(torch.nn.init) if name.endswith("_")}
    seen = {}

    class Probe(L.DistilBertForSequenceClassification):
        def __init__(self, config):
            super().__init__(config)  # here: on the meta device, inside from_pretrained
            seen["meta while loading"] = self.classifier.weight.is_meta
            seen["init untouched"] = {n: getattr(torch.nn.init, n) for n in init_functions} == init_functions

            def build():
                torch.manual_seed(5)
                seen["other thread"] = L.BertForSequenceClassification(bert_config).state_dict()

            thread = threading.Thread(target=build)
            thread.start()
            thread.join()

    model = Probe.from_pretrained(tmp_path)
    assert seen["meta while loading"] and seen["init untouched"]
    other = seen["other thread"]
    assert all(v.device.type == "cpu" and torch.equal(v, reference[k]) for k, v in other.items())
    assert not any(t.is_meta for t in model.state_dict().values())
    before = torch.random.get_rng_state()  # a checkpoint with every tensor: nothing is drawn at random
    L.DistilBertForSequenceClassification.from_pretrained(tmp_path)
    assert torch.equal(torch.random.get_rng_state(), before)
    # The same pieces by hand (what a training script does with its own list of weight files):
    from lesson_lib.checkpoint import load_state

    empty = build_on_meta(L.DistilBertForSequenceClassification, model.config)
    report = load_state(empty, [tmp_path / "model.safetensors"])
    assert report.newly_initialised == [] and torch.equal(empty.classifier.weight, model.classifier.weight)


def test_sinusoidal_positions_built_normally_loaded_and_computed(tmp_path):
    from safetensors.torch import load_file, save_file

    from lesson_lib.models.distilbert import sinusoidal_positions

    config = L.DistilBertConfig(**TINY_DISTILBERT, sinusoidal_pos_embds=True)
    torch.manual_seed(0)
    model = L.DistilBertForSequenceClassification(config)
    table = model.distilbert.embeddings.position_embeddings.weight
    assert not table.requires_grad and torch.equal(table, sinusoidal_positions(64, 32))
    assert table[1, 0] == pytest.approx(0.841471, abs=1e-6) and table[1, 1] == pytest.approx(0.540302, abs=1e-6)
    model.save_pretrained(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fixed table that is computed is not a "new random weight"
        loaded = L.DistilBertForSequenceClassification.from_pretrained(tmp_path)
        key = "distilbert.embeddings.position_embeddings.weight"
        state = load_file(tmp_path / "model.safetensors")
        del state[key]
        save_file(state, tmp_path / "model.safetensors")
        computed = L.DistilBertForSequenceClassification.from_pretrained(tmp_path)
    assert loaded.load_report.computed == [] and computed.load_report.computed == [key]
    assert computed.load_report.newly_initialised == []
    for m in (loaded, computed):
        assert torch.equal(m.distilbert.embeddings.position_embeddings.weight, table)
        assert not m.distilbert.embeddings.position_embeddings.weight.requires_grad
    ids = torch.tensor(SEED_IDS)
    with torch.no_grad():
        torch.testing.assert_close(computed(ids).logits, model.eval()(ids).logits, rtol=0, atol=0)


def test_checkpoint_never_imports_modeling():
    """modeling.py uses checkpoint.py, not the other way round (no import cycle, not even inside a function)."""
    import ast
    from pathlib import Path

    def imported(module: str) -> set[str]:
        tree = ast.parse((Path(L.__file__).parent / f"{module}.py").read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names |= {node.module} if node.module else {a.name for a in node.names}
        return names

    assert "modeling" not in imported("checkpoint") and "checkpoint" in imported("modeling")
    assert not {"modeling", "checkpoint", "functional"} & imported("config")  # config.json needs no torch
