"""``Trainer``: chapter 08's training loop, with 🤗 Transformers' names for its settings.

Read ``Trainer.train`` top to bottom: it is the loop chapter 08 writes by hand (forward with
labels -> ``loss.backward()`` -> ``optimizer.step()`` -> ``zero_grad()``), plus the few things
Transformers' ``Trainer`` adds around it that a beginner meets first:

* batches: shuffled every epoch from ``seed`` (or grouped by length), padded by a collator;
* AdamW with weight decay on every weight except biases and LayerNorm, a learning-rate schedule
  (``"linear"`` decay after ``warmup_steps``, or ``"constant"``), gradient clipping at ``max_grad_norm``;
* a log every ``logging_steps`` (``state.log_history``), evaluation and checkpoints by steps or epochs.

Chapter 08 runs its hand loop and this Trainer on the same data and seed: the losses agree to 1e-6.

    >>> args = TrainingArguments("out", num_train_epochs=3, learning_rate=5e-4)   # doctest: +SKIP
    >>> trainer = Trainer(model, args, train_dataset=train, processing_class=tok)  # doctest: +SKIP
    >>> trainer.train().training_loss                                               # doctest: +SKIP

What the kit leaves out (each is refused by name, never silently ignored): mixed precision, GPUs and
several devices, gradient accumulation, callbacks, hub uploads, resuming from a checkpoint, and the
other ~90 settings of Transformers' ``TrainingArguments``. ``train_sampling_strategy="group_by_length"``
here sorts the whole set by length and shuffles the batches (Transformers sorts inside random
"mega-batches" of 50 batches): both give batches of similar lengths in a random order.

Used in: notebooks/*/08_fine_tuning; tools/train_korean.py.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import torch

from .errors import InputTypeError, InputValueError
from .i18n import get_language

# Settings of Transformers' TrainingArguments that this kit does not have. Asking for one is an
# error that says so, instead of a training run that quietly does something else.
NOT_IN_THIS_KIT = {
    "gradient_accumulation_steps", "fp16", "bf16", "tf32", "optim", "optim_args", "lr_scheduler_kwargs",
    "label_smoothing_factor", "gradient_checkpointing", "torch_compile", "logging_first_step", "logging_dir",
    "report_to", "run_name", "eval_delay", "eval_on_start", "eval_accumulation_steps", "prediction_loss_only",
    "save_total_limit", "save_only_model", "load_best_model_at_end", "metric_for_best_model", "greater_is_better",
    "push_to_hub", "hub_model_id", "hub_token", "resume_from_checkpoint", "dataloader_num_workers",
    "dataloader_drop_last", "dataloader_pin_memory", "remove_unused_columns", "label_names", "use_cpu",
    "data_seed", "full_determinism", "auto_find_batch_size", "deepspeed", "fsdp", "local_rank", "do_train",
    "do_eval", "do_predict", "neftune_noise_alpha", "include_num_input_tokens_seen", "max_grad_norm_type",
}
# Renamed or removed in Transformers 5: the old name gets the new one in its error message.
RENAMED = {
    "evaluation_strategy": "eval_strategy",
    "warmup_ratio": "warmup_steps (a float below 1 is a ratio of the total steps, e.g. warmup_steps=0.1)",
    "group_by_length": 'train_sampling_strategy="group_by_length"',
    "per_gpu_train_batch_size": "per_device_train_batch_size",
    "per_gpu_eval_batch_size": "per_device_eval_batch_size",
    "tokenizer": "processing_class",
}
SCHEDULES = ("linear", "constant", "constant_with_warmup")
STRATEGIES = ("no", "steps", "epoch")
SAMPLING = ("random", "sequential", "group_by_length")


@dataclass(init=False)
class TrainingArguments:
    """The settings of a training run, named and defaulting as in Transformers 5.

    >>> TrainingArguments("out").learning_rate
    5e-05
    """

    output_dir: str | None = None  # where checkpoints go ("trainer_output" when not given)
    num_train_epochs: float = 3.0
    max_steps: int = -1  # > 0: stop after this many steps, whatever num_train_epochs says
    per_device_train_batch_size: int = 8
    per_device_eval_batch_size: int = 8
    learning_rate: float = 5e-5
    weight_decay: float = 0.0
    adam_beta1: float = 0.9
    adam_beta2: float = 0.999
    adam_epsilon: float = 1e-8
    max_grad_norm: float = 1.0  # 0 turns clipping off
    warmup_steps: float = 0  # an int counts steps; a float in (0, 1) is a share of all steps
    lr_scheduler_type: str = "linear"
    logging_strategy: str = "steps"
    logging_steps: float = 500
    eval_strategy: str = "no"
    eval_steps: float | None = None  # None: the same as logging_steps
    save_strategy: str = "steps"
    save_steps: float = 500
    seed: int = 42
    train_sampling_strategy: str = "random"
    disable_tqdm: bool | None = None  # None: on, unless TQDM_DISABLE is set

    def __init__(self, output_dir: str | None = None, **settings):
        # Written out instead of the dataclass's own __init__, which would answer a misspelt or
        # missing setting with a bare TypeError: here every unknown name gets a sentence.
        ours = {f.name: f.default for f in fields(self)}
        for name in settings:
            if name in RENAMED:
                raise InputTypeError("error.trainer.renamed_argument", name=f"{name!r}", new=RENAMED[name])
            if name in NOT_IN_THIS_KIT:
                raise InputTypeError(
                    "error.trainer.transformers_only", name=f"{name!r}", ours=', '.join(sorted(ours)),
                )
            if name not in ours:
                raise InputTypeError("error.trainer.unknown_setting", name=f"{name!r}", ours=', '.join(sorted(ours)))
        for name, default in {**ours, **settings}.items():
            setattr(self, name, default)
        self.output_dir = "trainer_output" if output_dir is None else str(output_dir)
        for name, choices in [("lr_scheduler_type", SCHEDULES), ("logging_strategy", STRATEGIES),
                              ("eval_strategy", STRATEGIES), ("save_strategy", STRATEGIES),
                              ("train_sampling_strategy", SAMPLING)]:
            if getattr(self, name) not in choices:
                raise InputValueError(
                    "error.trainer.choice", name=name, value=f"{getattr(self, name)!r}",
                    choices=', '.join(map(repr, choices)),
                )
        for name in ("per_device_train_batch_size", "per_device_eval_batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputValueError("error.trainer.whole_number", name=name, value=f"{value!r}")
        if not self.learning_rate > 0 or not (self.num_train_epochs > 0 or self.max_steps > 0):
            raise InputValueError("error.trainer.rate_and_epochs")


class DataCollatorWithPadding:
    """A list of tokenized examples -> one padded batch of tensors (what ``padding=True`` does in ch. 02).

    >>> collate = DataCollatorWithPadding(tok)                                   # doctest: +SKIP
    >>> collate([{"input_ids": [101, 7592, 102], "label": 1}, ...])["input_ids"]  # doctest: +SKIP
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, features: list[dict]) -> dict[str, torch.Tensor]:
        names = [n for n in self.tokenizer.model_input_names if n in features[0]]
        longest = max(len(f["input_ids"]) for f in features)
        batch = {}
        for name in names:
            fill = self.tokenizer.pad_token_id if name == "input_ids" else 0  # the mask is 0 on padding
            rows = []
            for f in features:
                row = list(f[name])
                pad = [fill] * (longest - len(row))
                rows.append(row + pad if self.tokenizer.padding_side == "right" else pad + row)
            batch[name] = torch.tensor(rows)
        label_key = "labels" if "labels" in features[0] else "label" if "label" in features[0] else None
        if label_key is not None:  # Transformers' collator renames "label" to "labels", the model's argument
            batch["labels"] = torch.tensor([f[label_key] for f in features])
        return batch


@dataclass
class TrainerState:
    """What happened so far: the step counter and every log line (``log_history``)."""

    global_step: int = 0
    epoch: float = 0.0
    max_steps: int = 0
    log_history: list[dict] = field(default_factory=list)


@dataclass
class TrainOutput:
    global_step: int
    training_loss: float
    metrics: dict


@dataclass
class EvalPrediction:
    """What ``compute_metrics`` receives: the model's logits and the right labels, as NumPy arrays."""

    predictions: object
    label_ids: object


@dataclass
class PredictionOutput:
    predictions: object
    label_ids: object
    metrics: dict


class Trainer:
    """Train, evaluate and save a model: chapter 08's loop behind Transformers' interface.

    ``train_dataset`` / ``eval_dataset``: lists of dicts (or torch Datasets) of tokenized examples,
    e.g. ``[{**tok(text), "label": 1}, ...]``. ``processing_class``: the tokenizer (it pads the
    batches and is saved with the model). ``compute_metrics(EvalPrediction) -> dict``.
    """

    def __init__(self, model=None, args: TrainingArguments | None = None, data_collator=None, train_dataset=None,
                 eval_dataset=None, processing_class=None, compute_metrics=None, **not_here):
        if not_here:
            name = sorted(not_here)[0]
            if name in RENAMED:
                raise InputTypeError("error.trainer.renamed_trainer_argument", name=f"{name!r}", new=RENAMED[name])
            raise InputTypeError("error.trainer.unknown_argument", name=name)
        if model is None or not isinstance(model, torch.nn.Module):
            raise InputTypeError("error.trainer.model_type", type=type(model).__name__)
        if data_collator is None and processing_class is None:
            raise InputValueError("error.trainer.no_tokenizer")
        self.model, self.args = model, args if args is not None else TrainingArguments()
        self.train_dataset, self.eval_dataset = train_dataset, eval_dataset
        self.processing_class, self.compute_metrics = processing_class, compute_metrics
        self.data_collator = data_collator or DataCollatorWithPadding(processing_class)
        self.state = TrainerState()
        torch.manual_seed(self.args.seed)  # as Transformers does here: dropout draws from this from now on

    # --- training: the loop of chapter 08 ----------------------------------------------------------
    def train(self) -> TrainOutput:
        args, model = self.args, self.model
        data = _check_dataset(self.train_dataset, "train_dataset")
        batch_size = args.per_device_train_batch_size
        steps_per_epoch = math.ceil(len(data) / batch_size)
        total = args.max_steps if args.max_steps > 0 else math.ceil(args.num_train_epochs * steps_per_epoch)
        self.state = TrainerState(max_steps=total)
        optimizer = self._optimizer()
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, self._lr_factor(total))
        order = torch.Generator().manual_seed(args.seed)  # the batch order: the same on every run
        every = {name: _steps(getattr(args, name), total) for name in ("logging_steps", "save_steps")}
        every["eval_steps"] = _steps(args.eval_steps, total) if args.eval_steps is not None else every["logging_steps"]
        bar = _progress(total, args.disable_tqdm)
        plot = _live_plot()
        start, losses_since_log, all_losses = time.perf_counter(), [], []

        while self.state.global_step < total:
            for indices in self._batches(data, batch_size, order):
                batch = self.data_collator([data[i] for i in indices])
                model.train()  # dropout on while training

                loss = model(**batch).loss  # 1. forward, with the right answers
                loss.backward()  # 2. gradients of the loss for every trainable parameter
                grad_norm = self._clip_gradients()  # 2b. no step longer than max_grad_norm
                lr = schedule.get_last_lr()[0]  # the rate this step uses (what the log shows, as in Transformers)
                optimizer.step()  # 3. a small step downhill
                schedule.step()  # 3b. the learning rate for the next step
                optimizer.zero_grad()  # 4. forget this batch's gradients

                self.state.global_step += 1
                self.state.epoch = self.state.global_step / steps_per_epoch
                losses_since_log.append(loss.item())
                all_losses.append(losses_since_log[-1])
                bar.update(1)
                step, end_of_epoch = self.state.global_step, self.state.global_step % steps_per_epoch == 0
                if self._due(args.logging_strategy, every["logging_steps"], step, end_of_epoch):
                    self._log({"loss": sum(losses_since_log) / len(losses_since_log), "grad_norm": grad_norm,
                               "learning_rate": lr})
                    losses_since_log = []
                    if plot is not None:
                        plot(self.state.log_history)
                if self._due(args.eval_strategy, every["eval_steps"], step, end_of_epoch) and self.eval_dataset is not None:
                    self.evaluate()
                if self._due(args.save_strategy, every["save_steps"], step, end_of_epoch):
                    self.save_model(Path(args.output_dir) / f"checkpoint-{step}")
                if step >= total:
                    break
        bar.close()
        model.eval()  # dropout off again, as after chapter 08's loop
        runtime = time.perf_counter() - start
        metrics = {"train_runtime": round(runtime, 4), "train_steps_per_second": round(total / runtime, 3),
                   "train_loss": sum(all_losses) / len(all_losses)}
        self._log(dict(metrics))
        _return_freed_memory()
        return TrainOutput(self.state.global_step, metrics["train_loss"], metrics)

    def _batches(self, data, batch_size: int, order: torch.Generator) -> list[list[int]]:
        """One epoch's batches of example indices."""
        n = len(data)
        if self.args.train_sampling_strategy == "sequential":
            indices = list(range(n))
        elif self.args.train_sampling_strategy == "random":
            indices = torch.randperm(n, generator=order).tolist()
        else:  # group_by_length: similar lengths share a batch (less padding); the batches come in random order
            by_length = sorted(range(n), key=lambda i: len(data[i]["input_ids"]))
            groups = [by_length[k:k + batch_size] for k in range(0, n, batch_size)]
            return [groups[k] for k in torch.randperm(len(groups), generator=order).tolist()]
        return [indices[k:k + batch_size] for k in range(0, n, batch_size)]

    def _optimizer(self) -> torch.optim.AdamW:
        """AdamW; weight decay pulls weights towards 0, but never biases or LayerNorm (as in Transformers)."""
        decay, no_decay = [], []
        for name, param in self.model.named_parameters():
            if param.requires_grad:
                (no_decay if name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name else decay).append(param)
        if not decay and not no_decay:
            raise InputValueError("error.trainer.nothing_to_train")
        a = self.args
        return torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                                  {"params": no_decay, "weight_decay": 0.0}],
                                 lr=a.learning_rate, betas=(a.adam_beta1, a.adam_beta2), eps=a.adam_epsilon)

    def _lr_factor(self, total: int):
        """The learning rate at each step, as a factor of ``learning_rate``."""
        warmup = _steps(self.args.warmup_steps, total) if self.args.warmup_steps else 0
        kind = self.args.lr_scheduler_type

        def factor(step: int) -> float:
            if kind == "constant":
                return 1.0
            if step < warmup:
                return step / warmup  # warm up: from 0 to the full rate
            if kind == "constant_with_warmup":
                return 1.0
            return max(0.0, (total - step) / max(1, total - warmup))  # linear: down to 0 at the last step

        return factor

    def _clip_gradients(self) -> float:
        params = [p for p in self.model.parameters() if p.grad is not None]
        if self.args.max_grad_norm and self.args.max_grad_norm > 0:
            return float(torch.nn.utils.clip_grad_norm_(params, self.args.max_grad_norm))
        return float(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in params]))) if params else 0.0

    @staticmethod
    def _due(strategy: str, every: int, step: int, end_of_epoch: bool) -> bool:
        return (strategy == "steps" and step % every == 0) or (strategy == "epoch" and end_of_epoch)

    def _log(self, logs: dict) -> None:
        self.state.log_history.append({**logs, "epoch": round(self.state.epoch, 4), "step": self.state.global_step})

    # --- evaluation and prediction ------------------------------------------------------------------
    @torch.no_grad()
    def predict(self, test_dataset, metric_key_prefix: str = "test") -> PredictionOutput:
        """Logits for every example, the labels if the examples have them, and the metrics."""
        data = _check_dataset(test_dataset, "test_dataset")
        self.model.eval()
        size = self.args.per_device_eval_batch_size
        logits, labels, loss_sum = [], [], 0.0
        for k in range(0, len(data), size):
            batch = self.data_collator([data[i] for i in range(k, min(k + size, len(data)))])
            out = self.model(**batch)
            logits.append(out.logits)
            if "labels" in batch:
                labels.append(batch["labels"])
                loss_sum += float(out.loss) * len(batch["labels"])  # a mean over examples, not over batches
        predictions = torch.cat(logits).numpy()
        label_ids = torch.cat(labels).numpy() if labels else None
        metrics = {}
        if label_ids is not None:
            metrics[f"{metric_key_prefix}_loss"] = loss_sum / len(data)
            if self.compute_metrics is not None:
                found = self.compute_metrics(EvalPrediction(predictions, label_ids))
                metrics.update({f"{metric_key_prefix}_{k}": v for k, v in found.items()})
        return PredictionOutput(predictions, label_ids, metrics)

    def evaluate(self, eval_dataset=None) -> dict:
        """``eval_loss`` and ``eval_<metric>`` on the evaluation set, also added to ``state.log_history``."""
        data = eval_dataset if eval_dataset is not None else self.eval_dataset
        if data is None:
            raise InputValueError("error.trainer.no_eval_data")
        metrics = self.predict(data, metric_key_prefix="eval").metrics
        self._log(dict(metrics))
        return {**metrics, "epoch": round(self.state.epoch, 4)}

    def save_model(self, output_dir=None) -> Path:
        """The model and its tokenizer, in a folder ``from_pretrained`` reads (here and in Transformers)."""
        folder = Path(output_dir if output_dir is not None else self.args.output_dir)
        self.model.save_pretrained(folder)
        if self.processing_class is not None:
            self.processing_class.save_pretrained(folder)
        return folder


def _check_dataset(data, what: str):
    if data is None:
        raise InputValueError("error.trainer.no_data", what=what)
    try:
        n, first = len(data), data[0] if len(data) else None
    except TypeError:
        raise InputTypeError("error.trainer.data_type", what=what, type=type(data).__name__) from None
    if n == 0:
        raise InputValueError("error.trainer.empty_data", what=what)
    if not isinstance(first, dict) or "input_ids" not in first:
        keys = sorted(first) if isinstance(first, dict) else type(first).__name__
        raise InputValueError("error.trainer.not_tokenized", what=what, keys=str(keys))
    return data


def _steps(value, total: int) -> int:
    """Transformers' rule for logging_steps, save_steps, eval_steps, warmup_steps: a float below 1 is a share."""
    if isinstance(value, float) and 0 < value < 1:
        return max(1, math.ceil(value * total))
    if value is None or value < 1:
        raise InputValueError("error.trainer.steps_setting", value=f"{value!r}")
    return int(value)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, disable: bool | None):
    if disable is None:
        disable = bool(os.environ.get("TQDM_DISABLE"))  # tqdm.notebook would ignore it: check it here
    if disable:
        return _NoBar()
    try:
        from tqdm.auto import tqdm  # a chapter dependency, not the library's
    except ImportError:
        return _NoBar()
    # No times in the bar: a stored notebook must show the same text on every run.
    return tqdm(total=total, desc="train", bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt}")


def _live_plot():
    """In a notebook, a loss curve redrawn at every log line (views/training.py); elsewhere nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell" or os.environ.get("TQDM_DISABLE"):
        return None
    try:
        from .views.training import LiveLossPlot  # needs matplotlib: the chapters' extras
    except ImportError:
        return None
    return LiveLossPlot(get_language())


def _return_freed_memory() -> None:
    """Give the memory that training freed back to the system: glibc's ``malloc_trim``; elsewhere nothing.

    Why: a training run allocates and frees tensors of many sizes, and glibc keeps the freed space
    inside the process for later, so a kernel that has trained stays larger than it needs to be. In
    chapter 08 this gives back about 60 MB, and the chapter's peak (in its 🤗 Transformers bridge cell,
    which comes next) falls by 40 MB: memory that the other learners' kernels on a hub can use
    (bench/results.md, section 5). Transformers' ``Trainer`` does not do this; it changes no number.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)  # 0: keep no spare room at the top of the heap
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to do
        pass
