"""Trainer: chapter 08's hand loop behind Transformers' names, and the same losses as that loop."""

from __future__ import annotations

import copy
import math
import subprocess
import sys

import pytest
import torch

import lesson_lib
from helpers import ROOT, raises_ours, tiny_model
from lesson_lib import InputTypeError, InputValueError
from lesson_lib.trainer import DataCollatorWithPadding, Trainer, TrainingArguments

pytestmark = pytest.mark.usefixtures("one_thread")

TEXTS = [
    ("A lovely film.", 1), ("Dull and far too long.", 0), ("I laughed the whole way through.", 1),
    ("The plot makes no sense at all, and the acting is flat.", 0), ("Warm and clever.", 1),
    ("Boring.", 0), ("The best concert I have been to this year, by far.", 1), ("Cheap plastic.", 0),
    ("It works.", 1), ("Broken after one day, and nobody answers the phone.", 0), ("Great value.", 1),
]


@pytest.fixture
def data(tok):
    return [{**tok(text), "label": label} for text, label in TEXTS]


def hand_loop(model, tok, data, *, epochs, batch_size, lr, seed):
    """Chapter 08's loop: batches of similar length, their order shuffled each epoch, four lines per batch."""
    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.0)
    shuffle = torch.Generator().manual_seed(seed)
    order = sorted(range(len(data)), key=lambda i: len(data[i]["input_ids"]))
    batches = [order[k:k + batch_size] for k in range(0, len(order), batch_size)]
    losses = []
    for _ in range(epochs):
        model.train()
        for k in torch.randperm(len(batches), generator=shuffle).tolist():
            part = [data[i] for i in batches[k]]
            batch = tok.pad([{"input_ids": r["input_ids"], "attention_mask": r["attention_mask"]} for r in part],
                            return_tensors="pt") if hasattr(tok, "pad") else DataCollatorWithPadding(tok)(part)
            labels = torch.tensor([r["label"] for r in part])
            batch = {k: v for k, v in batch.items() if k != "labels"}
            loss = model(**batch, labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
    model.eval()
    return losses


@pytest.mark.parametrize("kind", ["bert", "distilbert"])
def test_trainer_is_the_hand_loop(kind, tok, data, tmp_path):
    start = tiny_model(kind)
    ours = hand_loop(copy.deepcopy(start), tok, data, epochs=3, batch_size=4, lr=5e-3, seed=0)
    args = TrainingArguments(tmp_path, num_train_epochs=3, per_device_train_batch_size=4, learning_rate=5e-3,
                             lr_scheduler_type="constant", max_grad_norm=0, logging_steps=1, save_strategy="no",
                             train_sampling_strategy="group_by_length", seed=0)
    trainer = Trainer(copy.deepcopy(start), args, train_dataset=data, processing_class=tok)
    out = trainer.train()
    theirs = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    assert len(theirs) == len(ours) == 9 and out.global_step == 9
    assert max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-6
    assert out.training_loss == pytest.approx(sum(ours) / len(ours), abs=1e-6)
    assert ours[0] != ours[-1]  # it did train: a loop that changes nothing would also "agree"


def test_linear_schedule_with_warmup_and_the_log(tok, data, tmp_path):
    args = TrainingArguments(tmp_path, max_steps=10, per_device_train_batch_size=4, learning_rate=1e-3,
                             warmup_steps=0.2, logging_steps=1, save_strategy="no")
    trainer = Trainer(tiny_model("bert"), args, train_dataset=data, processing_class=tok)
    trainer.train()
    logs = [e for e in trainer.state.log_history if "loss" in e]
    # Warm-up over 2 steps (a share of 0.2 of 10), then down to 0 at step 10; each log line shows the
    # rate its step used (step 1 uses the factor at 0: 0, as Transformers' warm-up starts from 0).
    want = [1e-3 * (s / 2 if s < 2 else (10 - s) / 8) for s in range(0, 10)]
    assert [e["learning_rate"] for e in logs] == pytest.approx(want)
    assert [e["step"] for e in logs] == list(range(1, 11))
    assert logs[2]["epoch"] == pytest.approx(1.0)  # 11 examples in batches of 4: 3 steps per epoch
    assert all(math.isfinite(e["grad_norm"]) for e in logs)
    assert "train_loss" in trainer.state.log_history[-1]


def test_weight_decay_spares_biases_and_layernorm(tok, data, tmp_path):
    model = tiny_model("bert")
    trainer = Trainer(model, TrainingArguments(tmp_path, weight_decay=0.1), train_dataset=data, processing_class=tok)
    decay, no_decay = trainer._optimizer().param_groups
    names = {id(p): n for n, p in model.named_parameters()}
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    assert all(names[id(p)].endswith("bias") or "LayerNorm" in names[id(p)] for p in no_decay["params"])
    assert not any(names[id(p)].endswith("bias") for p in decay["params"])


def test_evaluate_predict_and_save(tok, data, tmp_path):
    def compute_metrics(pred):
        return {"accuracy": float((pred.predictions.argmax(-1) == pred.label_ids).mean())}

    model = tiny_model("bert")
    args = TrainingArguments(tmp_path, num_train_epochs=1, eval_strategy="epoch", save_strategy="epoch",
                             per_device_eval_batch_size=3)
    trainer = Trainer(model, args, train_dataset=data, eval_dataset=data, processing_class=tok,
                      compute_metrics=compute_metrics)
    trainer.train()
    metrics = trainer.evaluate()
    assert set(metrics) == {"eval_loss", "eval_accuracy", "epoch"}
    with torch.no_grad():
        batch = DataCollatorWithPadding(tok)(data)
        expected = model(**batch).loss.item()  # one padded batch: the mean over all 11 examples
    assert metrics["eval_loss"] == pytest.approx(expected, abs=1e-5)
    pred = trainer.predict(data)
    assert pred.predictions.shape == (11, 2) and list(pred.label_ids) == [label for _, label in TEXTS]
    assert "test_accuracy" in pred.metrics
    assert any("eval_loss" in e for e in trainer.state.log_history)
    saved = trainer.save_model(tmp_path / "final")
    again = lesson_lib.AutoModelForSequenceClassification.from_pretrained(saved)
    assert torch.equal(again.classifier.weight, model.classifier.weight)
    assert (tmp_path / "checkpoint-2" / "config.json").is_file()  # save_strategy="epoch": 11 examples, batches of 8
    assert (saved / "tokenizer.json").is_file()


@pytest.mark.parametrize("kwargs, cls, words", [
    ({"warmup_ratio": 0.1}, InputTypeError, ["warmup_steps"]),
    ({"evaluation_strategy": "epoch"}, InputTypeError, ["eval_strategy"]),
    ({"fp16": True}, InputTypeError, ["does not", "have"]),
    ({"learnig_rate": 1e-3}, InputTypeError, ["no setting", "learning_rate"]),
    ({"lr_scheduler_type": "cosine"}, InputValueError, ["'linear'"]),
    ({"per_device_train_batch_size": 0}, InputValueError, ["per_device_train_batch_size"]),
])
def test_training_arguments_refuse_what_they_do_not_have(kwargs, cls, words):
    with raises_ours(cls, *words):
        TrainingArguments("out", **kwargs)


def test_trainer_refuses_bad_input_by_name(tok, tmp_path):
    model = tiny_model("bert")
    with raises_ours(InputTypeError, "processing_class"):
        Trainer(model, tokenizer=tok)
    with raises_ours(InputValueError, "processing_class"):
        Trainer(model, TrainingArguments(tmp_path))
    with raises_ours(InputValueError, "Tokenize first"):
        Trainer(model, TrainingArguments(tmp_path), train_dataset=[{"text": "raw", "label": 1}],
                processing_class=tok).train()
    for p in model.parameters():
        p.requires_grad = False
    with raises_ours(InputValueError, "nothing to train"):
        Trainer(model, TrainingArguments(tmp_path), train_dataset=[{**tok("x"), "label": 1}],
                processing_class=tok).train()


FRAGMENTED_HEAP = """
from bench.peak_memory import _proc_mb
from lesson_lib.trainer import _return_freed_memory

def anon_mb():
    return _proc_mb("/proc/self/status", "RssAnon")

blocks = [bytearray(b"x" * 65536) for _ in range(2000)]  # 125 MB in 64 kB pieces, below glibc's mmap threshold
keep = blocks[-1]  # the last piece stays, so glibc cannot simply shrink the heap from its top
del blocks
before = anon_mb()
_return_freed_memory()
print(before, anon_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux only")
def test_training_hands_freed_memory_back_to_the_system():
    # In its own process: the test process's heap has a history of its own.
    out = subprocess.run([sys.executable, "-c", FRAGMENTED_HEAP], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    before, after = map(float, out.stdout.split())
    assert before - after > 100, (before, after)  # most of the 125 MB freed inside the process goes back


def test_train_ends_by_returning_freed_memory(tok, data, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(lesson_lib.trainer, "_return_freed_memory", lambda: calls.append(1))
    args = TrainingArguments(tmp_path, max_steps=2, per_device_train_batch_size=4, save_strategy="no")
    Trainer(tiny_model("bert"), args, train_dataset=data, processing_class=tok).train()
    assert calls == [1]
