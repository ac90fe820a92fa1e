"""tools/train_korean.py: the data checks, the split by movie, the tokenizer, and a smoke run.

The smoke run trains a tiny model on the 320 NSMC reviews committed in lesson_lib/data/ (CC0)
into a temporary folder, in seconds; the real run (about an hour) built lesson_lib/weights/ko-bert-nsmc.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import torch

import lesson_lib
from lesson_lib.errors import CheckpointError, InputValueError, IntegrityError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import train_korean as tk  # noqa: E402
from korean import baseline, card, data, tokens, training  # noqa: E402

SAMPLE = Path(lesson_lib.__file__).parent / "data" / "nsmc_sample.tsv"
TINY = ["--vocab-size", "400", "--hidden-size", "32", "--num-hidden-layers", "1", "--num-attention-heads", "2",
        "--intermediate-size", "64", "--pretrain-epochs", "1", "--epochs", "1", "--distill-epochs", "0.5",
        "--threads", "1", "--batch-size", "32", "--pretrain-batch", "64"]


def write_data(folder: Path, rows: list[str] | None = None) -> Path:
    """train.tsv (the sample) and unlabeled.tsv (the same reviews, label column dropped)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines() if rows is None else rows
    (folder / "train.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    unlabeled = ["\t".join(line.split("\t")[:3]) for line in lines]
    (folder / "unlabeled.tsv").write_text("\n".join(unlabeled) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    folder = write_data(tmp_path_factory.mktemp("nsmc"))
    out = tmp_path_factory.mktemp("model") / "ko"
    code = tk.main(["--data", str(folder), "--out", str(out), "--no-verify", "--no-progress", *TINY])
    assert code == 0
    return out


# --- the data checks ---------------------------------------------------------------------------

def test_sample_reads_balanced():
    r = data.read_nsmc(SAMPLE, labelled=True, verify=False)
    assert len(r.texts) == 320 and r.labels.sum() == 160
    assert all(unicodedata.is_normalized("NFC", t) for t in r.texts)


@pytest.mark.parametrize("bad_line, message", [
    ("1\t2\t좋다", "3 tab-separated column(s), expected 4"),
    ("1\t2\t좋다\t5", "label '5', expected 0 (negative) or 1 (positive)"),
    ("1\t2\t \t1", "the document (review text) is empty"),
])
def test_bad_rows_name_file_and_line(tmp_path, bad_line, message):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:5] + [bad_line]
    path = tmp_path / "train.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputValueError) as e:
        data.read_nsmc(path, labelled=True, verify=False)
    assert f"{path}, line 6:" in str(e.value) and message in str(e.value)


def test_bad_header_and_missing_file(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("text\tlabel\n좋다\t1\n", encoding="utf-8")
    with pytest.raises(InputValueError, match=r"line 1: the header is \['text', 'label'\]"):
        data.read_nsmc(path, labelled=True, verify=False)
    with pytest.raises(CheckpointError, match="does not exist"):
        data.read_nsmc(tmp_path / "nope.tsv", labelled=True)


def test_checksum_is_checked(tmp_path):
    path = write_data(tmp_path) / "train.tsv"
    with pytest.raises(IntegrityError, match=f"expected {data.TRAIN_SHA256}.*--no-verify"):
        data.read_nsmc(path, labelled=True)


def test_command_reports_bad_data_and_exits_2(tmp_path, capsys):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].rsplit("\t", 1)[0] + "\tpositive"
    folder = write_data(tmp_path, lines)
    assert tk.main(["--data", str(folder), "--out", str(tmp_path / "out"), "--no-verify", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'train.tsv'}, line 8: label 'positive'" in err
    assert not (tmp_path / "out").exists()


# --- the split, the tokenizer, the masking, the baseline ----------------------------------------

def test_split_keeps_movies_apart():
    r = data.read_nsmc(SAMPLE, labelled=True, verify=False)
    train, held = data.split_by_movie(r, 10)
    assert set(train.movies).isdisjoint(held.movies)
    assert len(train.texts) + len(held.texts) == 320 and 10 < len(held.texts) < 60
    # the choice depends on the movie id only, not on the row order
    shuffled = r.take(np.ones(320, bool))
    shuffled.movies.reverse()
    assert {m for m in shuffled.movies if data.heldout_movie(m, 10)} == set(held.movies)


def test_tokenizer_keeps_syllables_and_joins_nfd():
    tok = tokens.train_tokenizer(SAMPLE.read_text(encoding="utf-8").splitlines()[1:], 300)
    nfc = "영화 정말 재미있어요"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    pieces = tok.encode(nfc).tokens
    assert tok.encode(nfd).tokens == pieces  # decomposed jamo come back as syllables
    assert all(not 0x1100 <= ord(c) <= 0x11FF for p in pieces for c in p)  # no conjoining jamo
    assert tok.encode("ABC").tokens[1] == "a"  # lower-cased


def test_masking_follows_bert():
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(10, 400, (64, 30))
    ids[:, 0], ids[:, -1] = tokens.CLS, tokens.SEP
    real = torch.ones_like(ids)
    real[:, 20:] = 0
    corrupted, picked, target = training.mask_tokens(ids, real, 0.15, 400, g)
    assert not picked[:, 0].any() and not picked[:, 20:].any()
    assert 0.10 < picked.float().sum().item() / (64 * 19) < 0.20
    assert torch.equal(target, ids[picked])
    share_mask = (corrupted[picked] == tokens.MASK).float().mean().item()
    assert 0.7 < share_mask < 0.9
    assert torch.equal(corrupted[~picked], ids[~picked])


def test_length_batches_cover_every_row_once():
    lengths = np.random.default_rng(0).integers(3, 40, 1000)
    batches = tokens.length_batches(lengths, 32, np.random.default_rng(1), pool=5)
    rows = np.concatenate(batches)
    assert sorted(rows.tolist()) == list(range(1000))
    spread = np.mean([lengths[b].max() - lengths[b].min() for b in batches])
    random = np.mean([lengths[b].max() - lengths[b].min() for b in np.array_split(np.arange(1000), 32)])
    assert spread < random / 3  # nearly equal lengths inside a batch: little padding


def test_baseline_learns_characters():
    texts = ["정말 좋다", "최고 좋아", "재미있다 좋다", "정말 싫다", "최악 싫어", "지루하다 싫다"] * 4
    labels = np.array([1, 1, 1, 0, 0, 0] * 4)
    b = baseline.CharNgramBaseline().fit(texts, labels)
    p = b.predict_proba(["좋다 좋아", "싫다 싫어"])
    assert p[0] > 0.7 and p[1] < 0.3


def test_teacher_weighs_ngrams_by_their_naive_bayes_ratio():
    texts = ["정말 좋다", "최고 좋아", "재미있다 좋다", "정말 싫다", "최악 싫어", "지루하다 싫다"] * 4
    labels = np.array([1, 1, 1, 0, 0, 0] * 4)
    t = baseline.NgramTeacher().fit(texts, labels)
    ratio = {g: t.ratio[j] for g, j in t.vocab.items()}
    # a word seen only in positive reviews gets a positive ratio, one seen in both about zero
    assert ratio["W좋다"] > 1 and ratio["W싫다"] < -1 and abs(ratio["W정말"]) < 1e-6
    assert "좋다" in ratio and "재미있다" in ratio  # character n-grams up to 5 long, inside words
    p = t.predict_proba(["좋다 좋아", "싫다 싫어"])
    assert p[0] > 0.7 and p[1] < 0.3


# --- the smoke run ------------------------------------------------------------------------------

def test_smoke_run_writes_exactly_the_shipped_files(smoke):
    assert sorted(p.name for p in smoke.iterdir()) == sorted(tk.SHIPPED_FILES)
    metrics = json.loads((smoke / "training_metrics.json").read_text(encoding="utf-8"))
    assert metrics["rows"]["train"] + metrics["rows"]["heldout"] == 320
    assert set(metrics["curves"]) == {"pretrain", "finetune", "distill"}
    text = (smoke / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert data.TRAIN_SHA256 in text and card.TARGET_SENTENCE in text
    tcfg = json.loads((smoke / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tcfg["do_lower_case"] is True and tcfg["strip_accents"] is False


def test_smoke_model_loads_in_lesson_lib(smoke):
    from lesson_lib import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(smoke)
    model = AutoModelForSequenceClassification.from_pretrained(smoke)
    assert model.config.id2label == data.ID2LABEL and model.config.hidden_size == 32
    assert model.load_report.newly_initialised == []
    enc = tok(["이 영화 정말 재미있어요"], return_tensors="pt")
    assert model(**enc).logits.shape == (1, 2)


def test_same_seed_same_model(smoke, tmp_path):
    folder = write_data(tmp_path / "nsmc")
    again = tmp_path / "again"
    assert tk.main(["--data", str(folder), "--out", str(again), "--no-verify", "--no-progress", *TINY]) == 0
    from safetensors.torch import load_file

    a, b = load_file(smoke / "model.safetensors"), load_file(again / "model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_docstring_examples_run():
    import doctest

    for module in (baseline, card, data, tokens, training):
        assert doctest.testmod(module).failed == 0, module.__name__
