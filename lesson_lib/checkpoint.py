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

``pytorch_model.bin`` files are read with ``torch.load(weights_only=True)``:
a pickle can run code, so we never unpickle anything but tensors.
Saving writes temporary files and renames them (_files.py), so an interrupted save
leaves the previous checkpoint intact.

Used in: modeling.py (``from_pretrained``/``save_pretrained``); notebooks/*/06_save_load, 07_classes_configs.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ._files import folder_for_saving, write_atomically
from .errors import CheckpointError, InputTypeError

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

    def message(self) -> str:
        if not (self.newly_initialised or self.reshaped_head):
            return f"All {len(self.loaded)} tensors of {self.model} were loaded from {self.source}."
        parts = [f"{self.model} loaded {len(self.loaded)} tensors from {self.source}."]
        if self.newly_initialised:
            parts.append(f"Not in the checkpoint, so newly initialised (random): {', '.join(self.newly_initialised)}.")
        if self.reshaped_head:
            shapes = ", ".join(f"{k} {tuple(old)} -> {tuple(new)}" for k, old, new in self.reshaped_head)
            parts.append(f"Head re-initialised because its size differs from the checkpoint's "
                         f"(ignore_mismatched_sizes=True): {shapes}.")
        if self.unused:
            parts.append(f"Unused tensors from the checkpoint (another head): {', '.join(self.unused)}.")
        parts.append("Train the model (chapter 08) before trusting its predictions.")
        return " ".join(parts)


# --- reading -------------------------------------------------------------------

def read_weights(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of one weights file, with a clear error for damaged or unsafe files."""
    path = Path(path)
    if path.suffix == ".safetensors":
        # Imported only when a file is read: importing lesson_lib (e.g. for the tokenizer) stays light.
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
            raise InputTypeError(f"num_labels must be a whole number >= 1, got {num_labels!r}.")
        if num_labels != old_n:
            data.pop("id2label", None)
            data.pop("label2id", None)
            overrides["num_labels"] = num_labels
    if label2id is not None:
        overrides["label2id"] = label2id
    config = config_class.from_dict(data, **overrides)
    if not source.weight_files:
        raise CheckpointError(
            f"{source.name!r} has a config.json but no weights (model.safetensors or pytorch_model.bin). "
            f"Save the model again with model.save_pretrained(folder)."
        )
    return config


def load_state(model, weight_files, *, ignore_mismatched_sizes=False, source_name="checkpoint") -> LoadReport:
    """Put the checkpoint's tensors into ``model`` and initialise every tensor it lacks; returns the report.

    ``model`` is best built with ``modeling.build_on_meta(cls, config)``, as ``from_pretrained`` does:
    then nothing is drawn at random only to be overwritten. A normally built model works as well.
    """
    expected = model.state_dict()
    prefix = model.base_model_prefix + "."
    state = collect_state([Path(p) for p in weight_files], set(expected), prefix)
    report = LoadReport(type(model).__name__, repr(source_name))
    to_load, head_mismatch = {}, []
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
                f"{key} has shape {tuple(value.shape)} in {source_name!r} but {tuple(want.shape)} in this model "
                f"({type(model).__name__}). The config does not match the weights; only the classification head "
                f"may change shape: from_pretrained(..., num_labels=N, ignore_mismatched_sizes=True)."
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
    if head_mismatch and not ignore_mismatched_sizes:
        shapes = "; ".join(f"{k}: {old} in the checkpoint, {new} in the model" for k, old, new in head_mismatch)
        raise CheckpointError(
            f"The classification head of {source_name!r} does not fit the model you asked for ({shapes}): the "
            f"checkpoint's head has a different number of labels. To replace it by a new, random head, pass "
            f"ignore_mismatched_sizes=True (as in 🤗 Transformers 5); or start from a checkpoint without a head "
            f"(e.g. lesson_lib.BASE_MODEL), which gets a new head with num_labels=N and no error."
        )
    report.reshaped_head = head_mismatch
    if not to_load:
        raise CheckpointError(
            f"None of the {len(state)} tensors in {source_name!r} belong to {type(model).__name__} "
            f"(first names: {sorted(state)[:3]}). Is it a {model.config.model_type} checkpoint?"
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
            f"{source_name!r} lacks {len(body)} tensor(s) of {type(model).__name__}'s body, e.g. {body[:3]}. "
            f"Only the classification head (and BERT's pooler) may start random. Does config.json match the "
            f"weights (e.g. the number of layers: {model.config.num_hidden_layers})? Save the model again."
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
    try:
        return write_atomically(folder, {
            "config.json": model.config.to_json_string(),
            "model.safetensors": lambda path: save_file(state, path, metadata={"format": "pt"}),
        })
    except Exception as e:  # KeyboardInterrupt passes through unchanged; write_atomically cleans up either way
        raise CheckpointError(
            f"Could not save the model to {folder} ({type(e).__name__}: {e}). Any checkpoint that was in the "
            f"folder before is unchanged. Check the free disk space and that the folder is writable."
        ) from None
