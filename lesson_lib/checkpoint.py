"""Checkpoint I/O: ``config.json`` + ``model.safetensors`` in, the same files out.

A checkpoint is a dict from tensor names to tensors. Because our modules carry
Hugging Face's names, loading is ``load_state_dict`` after three small fixes,
each of which is something a learner may meet:

* a body-only checkpoint (``embeddings.…``) loaded under a task model
  (``bert.embeddings.…``) gets the ``bert.`` prefix added, and the reverse;
* tensors the model does not have (another task's head) are reported, not loaded;
* tensors the model has but the checkpoint lacks start random, and we say so in
  one message. A head whose shape changed (``num_labels=10``) is re-initialised
  only when ``num_labels``/``id2label`` asked for it; any other shape mismatch is an error.

``pytorch_model.bin`` files are read with ``torch.load(weights_only=True)``:
a pickle can run code, so we never unpickle anything but tensors.
Saving writes to a temporary file and renames it, so an interrupted save leaves
the previous checkpoint intact.

Used in: modeling.py (``from_pretrained``/``save_pretrained``); notebooks/*/06_save_load, 07_classes_configs.
"""

from __future__ import annotations

import os
import pickle
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .errors import CheckpointError, InputTypeError
from .hub import resolve

# Buffers that older checkpoints stored but that we compute on the fly.
IGNORED_KEYS = ("embeddings.position_ids", "embeddings.token_type_ids")


@dataclass
class LoadReport:
    """What ``from_pretrained`` did with the checkpoint's tensors."""

    model: str
    source: str
    loaded: list[str] = field(default_factory=list)
    newly_initialised: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    reshaped_head: list[tuple[str, tuple, tuple]] = field(default_factory=list)

    def message(self) -> str:
        if not (self.newly_initialised or self.reshaped_head):
            return f"All {len(self.loaded)} tensors of {self.model} were loaded from {self.source}."
        parts = [f"{self.model} loaded {len(self.loaded)} tensors from {self.source}."]
        if self.newly_initialised:
            parts.append(f"Not in the checkpoint, so newly initialised (random): {', '.join(self.newly_initialised)}.")
        if self.reshaped_head:
            shapes = ", ".join(f"{k} {tuple(old)} -> {tuple(new)}" for k, old, new in self.reshaped_head)
            parts.append(f"Head re-initialised for the new number of labels: {shapes}.")
        if self.unused:
            parts.append(f"Unused tensors from the checkpoint (another head): {', '.join(self.unused)}.")
        parts.append("Train the model (chapter 08) before trusting its predictions.")
        return " ".join(parts)


# --- reading -------------------------------------------------------------------

def read_weights(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of one weights file, with a clear error for damaged or unsafe files."""
    path = Path(path)
    if path.suffix == ".safetensors":
        from safetensors import safe_open

        try:
            with safe_open(str(path), framework="pt") as f:
                meta = f.metadata() or {}
                return {k: f.get_tensor(k) for k in f.keys()}, meta
        except FileNotFoundError:
            raise CheckpointError(f"{path} does not exist.") from None
        except Exception as e:  # safetensors raises its own error type for every kind of damage
            raise CheckpointError(
                f"{path} is damaged: it is not a complete .safetensors file ({e}). "
                f"It may have been cut off while copying or downloading; save or download it again."
            ) from None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        # torch names the refused object ("GLOBAL posix.system"); its own advice (weights_only=False)
        # is exactly what must not be done with a file from someone else, so we do not repeat it.
        found = re.search(r"GLOBAL ([\w.]+)", str(e))
        if found is None:
            raise CheckpointError(
                f"{path} is damaged or is not a PyTorch weights file (it could not be read as one). "
                f"Save or download it again, or ask for a model.safetensors file instead."
            ) from None
        raise CheckpointError(
            f"{path} was refused: besides tensors it holds the Python object {found.group(1)}, and unpickling "
            f"it could run code on your machine. lesson_lib loads .bin files only with torch.load(weights_only=True). "
            f"Ask for a model.safetensors file instead."
        ) from None
    except Exception as e:
        raise CheckpointError(f"{path} could not be read as PyTorch weights ({type(e).__name__}: {e}).") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{path} does not hold a dict of tensors, so it is not a model checkpoint.")
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


def collect_state(weight_files: list[Path], expected: set[str], prefix: str) -> dict[str, torch.Tensor]:
    """Read the files in order; a later file's tensors replace an earlier one's.

    Low-rank adapters (``W.lora_A``, ``W.lora_B`` with ``lora_scale`` in the metadata) are merged
    into ``W`` as ``W + scale * B @ A``: that is how the offline sentiment model ships its training
    in a small file on top of the pre-trained body.
    """
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
                raise CheckpointError(f"{path}: adapter for {key} needs lora_A, lora_B and the base tensor {key}.")
            scale = float(meta.get("lora_scale", "1.0"))
            state[key] = state[key].float() + scale * (pair["B"].float() @ pair["A"].float())
    return state


def load_pretrained(cls, name_or_path, *, num_labels=None, id2label=None, label2id=None, config_overrides=None):
    """The body of ``PreTrainedModel.from_pretrained``: config, then weights, then a report."""
    source = resolve(name_or_path)
    data = source.read_config()
    overrides = dict(config_overrides or {})
    old_n = len(data.get("id2label") or {}) or 2  # a config without labels means 2, as in Hugging Face
    asked_head = False
    if id2label is not None:
        overrides["id2label"] = id2label
        data.pop("label2id", None)
        asked_head = len(id2label) != old_n
    elif num_labels is not None:
        if isinstance(num_labels, bool) or not isinstance(num_labels, int) or num_labels < 1:
            raise InputTypeError(f"num_labels must be a whole number >= 1, got {num_labels!r}.")
        if num_labels != old_n:
            data.pop("id2label", None)
            data.pop("label2id", None)
            overrides["num_labels"] = num_labels
            asked_head = True
    if label2id is not None:
        overrides["label2id"] = label2id
    config = cls.config_class.from_dict(data, **overrides)
    if not source.weight_files:
        raise CheckpointError(
            f"{source.name!r} has a config.json but no weights (model.safetensors or pytorch_model.bin). "
            f"Save the model again with model.save_pretrained(folder)."
        )
    from .modeling import no_random_init

    with no_random_init():
        model = cls(config)
    report = load_state(model, source.weight_files, allow_head_reinit=asked_head, source_name=source.name)
    model.eval()  # as in Hugging Face: dropout off until you call model.train()
    model.name_or_path = source.name
    model.load_report = report
    if report.newly_initialised or report.reshaped_head:
        from .modeling import warn_new_weights

        warn_new_weights(report.message())
    return model


def load_state(model, weight_files, *, allow_head_reinit=False, source_name="checkpoint") -> LoadReport:
    expected = {k: v for k, v in model.state_dict().items()}
    prefix = model.base_model_prefix + "."
    state = collect_state([Path(p) for p in weight_files], set(expected), prefix)
    report = LoadReport(type(model).__name__, repr(source_name))
    to_load = {}
    for key, value in state.items():
        if key not in expected:
            report.unused.append(key)
            continue
        want = expected[key]
        if tuple(value.shape) != tuple(want.shape):
            if allow_head_reinit and key.startswith(model.head_names):
                report.reshaped_head.append((key, tuple(value.shape), tuple(want.shape)))
                continue
            raise CheckpointError(
                f"{key} has shape {tuple(value.shape)} in {source_name!r} but {tuple(want.shape)} in this model "
                f"({type(model).__name__}). The config does not match the weights; only the classification head "
                f"may change shape, by asking for it: from_pretrained(..., num_labels=N)."
            )
        if want.is_floating_point() and not value.is_floating_point():
            raise CheckpointError(
                f"{key} holds {value.dtype} values in {source_name!r}, but the model needs floating-point weights. "
                f"The file was not written by save_pretrained(); save the model again."
            )
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise CheckpointError(
                f"{key} in {source_name!r} contains NaN or infinite values, so every prediction would be NaN. "
                f"The file is damaged, or training diverged before it was saved: use an earlier checkpoint."
            )
        to_load[key] = value.to(want.dtype) if value.is_floating_point() else value
    if not to_load:
        raise CheckpointError(
            f"None of the {len(state)} tensors in {source_name!r} belong to {type(model).__name__} "
            f"(first names: {sorted(state)[:3]}). Is it a {model.config.model_type} checkpoint?"
        )
    # assign=True: the module takes the loaded tensors as they are, without copying 90 MB again.
    model.load_state_dict(to_load, strict=False, assign=True)
    report.loaded = sorted(to_load)
    missing = [k for k in expected if k not in to_load and k not in {r[0] for r in report.reshaped_head}]
    report.newly_initialised = missing
    body = [k for k in missing if not _may_start_random(model, k)]
    if body:  # a random layer in the middle of a trained body would make every output meaningless
        raise CheckpointError(
            f"{source_name!r} lacks {len(body)} tensor(s) of {type(model).__name__}'s body, e.g. {body[:3]}. "
            f"Only the classification head (and BERT's pooler) may start random. Does config.json match the "
            f"weights (e.g. the number of layers: {model.config.num_hidden_layers})? Save the model again."
        )
    # Everything not loaded is still uninitialised memory: give it the model's own initialisation.
    fresh = missing + [r[0] for r in report.reshaped_head]
    for module_name in sorted({k.rsplit(".", 1)[0] for k in fresh}):
        model._init_weights(model.get_submodule(module_name))
    reload = {k: v for k, v in to_load.items() if k.rsplit(".", 1)[0] in {f.rsplit(".", 1)[0] for f in fresh}}
    if reload:  # a module with one tensor loaded and one fresh: put the loaded one back
        model.load_state_dict(reload, strict=False)
    return report


def _may_start_random(model, key: str) -> bool:
    """True for tensors a checkpoint may lack: the task head, and BERT's pooler (absent from some checkpoints)."""
    prefix = model.base_model_prefix + "."
    if model.base_model is not model and not key.startswith(prefix):
        return True  # outside the body: the head (classifier, pre_classifier)
    return key.removeprefix(prefix).startswith("pooler.")


# --- writing -------------------------------------------------------------------

def _write_temp(path: Path, write) -> str:
    """Write a file under a temporary name next to ``path`` (via ``write(tmp)``); returns that name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return tmp


def _atomic_write(path: Path, write) -> None:
    path = Path(path)
    os.replace(_write_temp(path, write), path)  # atomic on POSIX and Windows: readers see the old file or the new one


def atomic_write_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def folder_for_saving(save_directory, what: str = "save_pretrained()") -> Path:
    """The folder to save into, created if needed, or an error that says why it cannot be."""
    if not isinstance(save_directory, (str, os.PathLike)):
        raise InputTypeError(
            f"{what} takes a folder path (str), got {type(save_directory).__name__}. Example: {what[:-2]}('my_model')."
        )
    folder = Path(save_directory).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CheckpointError(f"{folder} is a file; {what} needs a folder name (it creates the folder).")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CheckpointError(f"Cannot create the folder {folder}: {e.strerror}. Choose another folder.") from None
    return folder


def save_pretrained(model, save_directory) -> list[Path]:
    """Write ``config.json`` and ``model.safetensors`` into ``save_directory``; returns the paths.

    Both files are first written under temporary names and only then renamed into place, so a save
    that is interrupted (Ctrl-C, a full disk, a kernel restart) leaves the folder's previous
    checkpoint complete and loadable.
    """
    from safetensors.torch import save_file

    folder = folder_for_saving(save_directory, "model.save_pretrained()")
    state = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    model.config.architectures = [type(model).__name__]
    weights, config = folder / "model.safetensors", folder / "config.json"
    temps = []
    try:
        temps.append(_write_temp(weights, lambda tmp: save_file(state, tmp, metadata={"format": "pt"})))
        temps.append(_write_temp(config, lambda tmp: Path(tmp).write_text(model.config.to_json_string(), encoding="utf-8")))
        os.replace(temps[0], weights)
        os.replace(temps[1], config)
    except Exception as e:  # KeyboardInterrupt passes through unchanged; the finally below still cleans up
        raise CheckpointError(
            f"Could not save the model to {folder} ({type(e).__name__}: {e}). Any checkpoint that was in the "
            f"folder before is unchanged. Check the free disk space and that the folder is writable."
        ) from None
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return [config, weights]
