"""The sentiment training script (tools/train_sentiment.py): data checks, a tiny training run, the shipped files.

The real training (SST-2, ~30 minutes) is not run here; a synthetic TSV of a few dozen rows
goes through the same code path in seconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
import torch
from safetensors import safe_open

from helpers import ROOT, SEED_IDS, SEED_MASK, import_tool, tiny_model
from lesson_lib import hub
from lesson_lib.errors import CheckpointError, InputValueError, IntegrityError

ts = import_tool("train_sentiment")

SHIPPED = hub.SENTIMENT_DIR
SHIPPED_FILES = {"model.safetensors", "config.json", "MODEL_CARD.md", "training_metrics.json"}

POSITIVE = ["a fine film", "truly wonderful acting", "the best movie of the year", "a joy to watch", "moving and funny"]
NEGATIVE = ["a dull film", "truly awful acting", "the worst movie of the year", "a chore to watch", "boring and flat"]


def write_tsv(path, rows, header="text\tlabel"):
    path.write_text(header + "\n" + "".join(f"{t} \t{label}\n" for t, label in rows), encoding="utf-8")
    return path


@pytest.fixture
def tiny_tsv(tmp_path):
    rows = [(f"{a} , {b}", 1) for a in POSITIVE for b in POSITIVE[:3]]
    rows += [(f"{a} , {b}", 0) for a in NEGATIVE for b in NEGATIVE[:3]]
    return write_tsv(tmp_path / "tiny.tsv", rows)


# --- bad data: clear errors that name the file and the line ---------------------------------

@pytest.mark.parametrize("content, error, words", [
    ("", InputValueError, ["is empty"]),
    ("text\tlabel\n", InputValueError, ["no data rows"]),
    ("sentence,label\ngood,1\n", InputValueError, ["line 1", "header"]),
    ("text\tlabel\ngood film\t1\nbad film\t2\n", InputValueError, ["line 3", "label '2'", "0 (negative) or 1"]),
    ("text\tlabel\ngood film\t1\nbad film\t0\textra\n", InputValueError, ["line 3", "3 tab-separated"]),
    ("text\tlabel\n\t1\n", InputValueError, ["line 2", "empty"]),
])
def test_bad_data_is_refused_with_file_and_line(tmp_path, content, error, words):
    path = tmp_path / "data.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error) as info:
        ts.read_sst2(path, verify=False)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_missing_file_and_wrong_checksum(tmp_path, tiny_tsv):
    with pytest.raises(CheckpointError, match="does not exist"):
        ts.read_sst2(tmp_path / "nope.tsv")
    with pytest.raises(CheckpointError, match="is a folder"):
        ts.read_sst2(tmp_path)
    with pytest.raises(IntegrityError, match=r"--no-verify") as info:
        ts.read_sst2(tiny_tsv)
    assert ts.SST2_SHA256 in str(info.value)
    texts, labels = ts.read_sst2(tiny_tsv, verify=False, limit=4)
    assert texts[0] == "a fine film , a fine film" and labels == [1, 1, 1, 1]  # stripped, limited


def test_cli_gives_one_line_not_a_traceback(tmp_path, capsys):
    code = ts.main(["--data", str(tmp_path / "nope.tsv"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("train_sentiment: error:") and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_it_is_a_tool_run_from_the_repository_not_part_of_the_package(tmp_path):
    assert importlib.util.find_spec("lesson_lib.train_sentiment") is None
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}  # lesson_lib found through the script's own path
    result = subprocess.run([sys.executable, "tools/train_sentiment.py", "--data", str(tmp_path / "nope.tsv"),
                             "--out", str(tmp_path / "out")], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("train_sentiment: error:") and "does not exist" in result.stderr


# --- the held-out split ------------------------------------------------------------------

def test_heldout_keeps_whole_sentences_with_their_phrases():
    texts = ["a fine film", "fine film", "film", "a dull one", "dull", "one", "a dull"]
    assert ts.full_sentences(texts).tolist() == [True, False, False, True, False, False, False]
    held = ts.heldout_mask(texts, every=1000)  # no hash hit: the smallest hash is held out
    chosen = {t for t, h, full in zip(texts, held, ts.full_sentences(texts)) if h and full}
    assert len(chosen) == 1
    sentence = chosen.pop()
    # every sub-phrase of the held-out sentence is held out, nothing else
    assert {t for t, h in zip(texts, held) if h} == {t for t in texts if f" {t} " in f" {sentence} "}
    # independent of the row order
    assert ts.heldout_mask(texts[::-1], every=1000).tolist() == held.tolist()[::-1]


# --- the recipe's layers ------------------------------------------------------------------

def test_the_recipes_written_out_layers_compute_what_the_models_layers_compute():
    """run_layers fixes its own arithmetic (for byte-identical rebuilds); it must still be BERT's layers."""
    model = tiny_model("bert")
    ids, mask = torch.tensor(SEED_IDS), torch.tensor(SEED_MASK)
    with torch.no_grad():
        out = model.bert(ids, mask, output_hidden_states=True)
        embedded = out.hidden_states[0]  # (B, T, D), what cache_bottom computes for k = 0
        ours = ts.run_layers(model.bert.encoder.layer, embedded, mask)
    real = mask.bool()
    torch.testing.assert_close(ours[real], out.last_hidden_state[real], rtol=0, atol=1e-5)
    assert not torch.allclose(ours, embedded)  # the layers did something


# --- a tiny training run -----------------------------------------------------------------

def small_config(**kw):
    return ts.TrainConfig(epochs=1, batch_size=8, threads=1, **kw)


def read_overlay(path):
    with safe_open(str(path), framework="pt") as f:
        return {k: f.get_tensor(k) for k in f.keys()}, f.metadata()


def test_smoke_training_writes_exactly_the_shipped_files(tmp_path, tiny_tsv):
    out = tmp_path / "out"
    result = ts.train(tiny_tsv, out, small_config(), verify=False, progress=False)
    assert {p.name for p in out.iterdir()} == SHIPPED_FILES
    assert 0.0 <= result.heldout["accuracy"] <= 1.0 and result.rows_heldout + result.rows_train == 30
    assert set(result.seed_sentences) == set(ts.SEED_SENTENCES)
    metrics = json.loads((out / "training_metrics.json").read_text(encoding="utf-8"))
    assert metrics["heldout"] == result.heldout and metrics["data_sha256"] != ts.SST2_SHA256
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "NOT the SST-2 file" in card and "not the seed's model" in card

    # the same seed gives the same weights
    again = ts.train(tiny_tsv, tmp_path / "again", small_config(), verify=False, progress=False)
    first, _ = read_overlay(out / "model.safetensors")
    second, _ = read_overlay(tmp_path / "again" / "model.safetensors")
    assert all(torch.equal(first[k], second[k]) for k in first) and again.heldout == result.heldout
    # ... and the same bytes: safetensors' header order is made canonical
    assert (out / "model.safetensors").read_bytes() == (tmp_path / "again" / "model.safetensors").read_bytes()


def test_canonical_safetensors_sorts_the_header_and_keeps_the_tensors():
    from safetensors.torch import load, save

    tensors = {"b": torch.arange(3.0), "a": torch.ones(2, 2, dtype=torch.float16)}
    one = save(tensors, metadata={"x": "1", "y": "2", "z": "3"})
    other = save(dict(reversed(list(tensors.items()))), metadata={"z": "3", "x": "1", "y": "2"})
    canon = ts.canonical_safetensors(one)
    assert canon == ts.canonical_safetensors(other) and len(canon) == len(one)
    n = int.from_bytes(canon[:8], "little")
    header = json.loads(canon[8:8 + n])
    assert list(header) == sorted(header) and list(header["__metadata__"]) == ["x", "y", "z"]
    back = load(canon)
    assert all(torch.equal(back[k], tensors[k]) for k in tensors)


def test_training_leaves_torch_settings_as_they_were(tmp_path, tiny_tsv):
    threads = torch.get_num_threads()
    ts.train(tiny_tsv, tmp_path / "out", small_config(full_layers=1, lora_layers=1, seed=3),
             verify=False, progress=False)
    assert torch.get_num_threads() == threads and not torch.are_deterministic_algorithms_enabled()


def test_overlay_merges_as_documented(tmp_path, tiny_tsv):
    """W + scale * B @ A, by hand, equals what the kit's loader builds from body + overlay."""
    out = tmp_path / "out"
    ts.train(tiny_tsv, out, small_config(), verify=False, progress=False)
    overlay, meta = read_overlay(out / "model.safetensors")
    base, _ = read_overlay(hub.verified_base_weights())
    scale = float(meta["lora_scale"])
    model = ts.load_shipped(out)
    state = model.state_dict()
    adapted = [k[: -len(".lora_A")] for k in overlay if k.endswith(".lora_A")]
    assert adapted  # the default recipe adapts some layers
    for name in adapted:
        W = base[name.removeprefix("bert.")].float()
        merged = W + scale * overlay[name + ".lora_B"].float() @ overlay[name + ".lora_A"].float()
        torch.testing.assert_close(state[name], merged)
    for name, value in overlay.items():
        if not name.endswith((".lora_A", ".lora_B")):
            assert torch.equal(state[name], value.float())


# --- the files that ship -------------------------------------------------------------------

def shipped_or_skip():
    # The weights ship with the repository: their absence is a failure, not a reason to skip.
    assert (SHIPPED / "model.safetensors").is_file(), "lesson_lib/weights/minilm-sst2/model.safetensors is missing"


def test_shipped_files_are_small_and_hold_no_base_weights():
    shipped_or_skip()
    assert {p.name for p in SHIPPED.iterdir()} == SHIPPED_FILES
    assert sum(p.stat().st_size for p in SHIPPED.iterdir()) < 10_000_000
    overlay, meta = read_overlay(SHIPPED / "model.safetensors")
    base, _ = read_overlay(hub.verified_base_weights())
    assert float(meta["lora_scale"]) > 0 and meta["base_sha256"] == hub.BASE_SHA256
    for name, value in overlay.items():
        if name.endswith((".lora_A", ".lora_B")):
            target = name[: -len(".lora_A")]
            assert target.removeprefix("bert.") in base and target + ".lora_A" in overlay and target + ".lora_B" in overlay
            continue
        assert name.startswith(("bert.encoder.layer.", "bert.pooler.", "classifier.")), name
        twin = base.get(name.removeprefix("bert."))
        assert twin is None or not torch.equal(value, twin.to(value.dtype)), name  # trained, not a copy of the body
        assert not any(f"{name}.lora_{x}" in overlay for x in "AB")  # never both full and adapted


def test_shipped_config_and_card():
    shipped_or_skip()
    config = json.loads((SHIPPED / "config.json").read_text(encoding="utf-8"))
    base = json.loads((hub.base_model_dir() / "config.json").read_text(encoding="utf-8"))
    assert set(base) <= set(config)
    assert config["architectures"] == ["BertForSequenceClassification"]
    assert config["id2label"] == {"0": "NEGATIVE", "1": "POSITIVE"} and config["label2id"] == {"NEGATIVE": 0, "POSITIVE": 1}
    assert config["base_model"] == hub.BASE_MODEL and config["base_model_sha256"] == hub.BASE_SHA256
    card = (SHIPPED / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert ts.SST2_SHA256 in card and "not the seed's model" in card and "NOT the SST-2 file" not in card


@pytest.mark.slow
def test_shipped_model_reads_the_seed_sentences():
    shipped_or_skip()
    from lesson_lib import AutoTokenizer

    model = ts.load_shipped(SHIPPED)
    probs = ts.predict_texts(model, AutoTokenizer.from_pretrained(hub.DEFAULT_MODEL), ts.SEED_SENTENCES)
    assert probs[0] >= 0.99
    metrics = json.loads((SHIPPED / "training_metrics.json").read_text(encoding="utf-8"))
    assert metrics["seed_sentences"][ts.SEED_SENTENCES[0]] == pytest.approx(probs[0], abs=1e-3)
