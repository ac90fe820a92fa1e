"""The recipe's knobs and its training loops: masked-LM pre-training, fine-tuning, self-training.

The model is lesson_lib's own ``BertForSequenceClassification``; only the pre-training head
lives here, since a classifier never needs it.

Used in: tools/train_korean.py (steps 3-5); tests/test_train_korean.py.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lesson_lib import BertConfig, BertForSequenceClassification

from .data import ID2LABEL
from .tokens import CLS, MASK, SEP, SPECIALS, Tokens, length_batches, padded


@dataclass
class TrainConfig:
    """The recipe's knobs; the defaults build the shipped model."""

    vocab_size: int = 30000  # whole words and endings as tokens: 87.1% after 1 distillation epoch (12000: 85.8%)
    hidden_size: int = 128
    num_hidden_layers: int = 3  # 87.5% with all twenty clear sentences right; 2 layers: 87.3%, the closest at P 0.32
    num_attention_heads: int = 2
    intermediate_size: int = 512
    dropout: float = 0.0  # hidden + attention dropout (BERT: 0.1); a small student copying a teacher underfits
    max_length: int = 64  # tokens per review incl. [CLS] and [SEP]; 99.5% of reviews fit
    pretrain_epochs: float = 1.0  # passes over the unlabeled reviews (masked-LM); 0.5: the same accuracy, one sentence wrong
    pretrain_lr: float = 1e-3
    pretrain_batch: int = 512
    mask_prob: float = 0.15
    epochs: float = 0.0  # passes over the labelled reviews alone (true labels only)
    lr: float = 2e-4
    batch_size: int = 64
    distill_epochs: float = 2.0  # passes over unlabeled + labelled reviews with the teachers' labels
    distill_lr: float = 5e-4
    distill_batch: int = 512
    teacher_weight: float = 0.0  # the fine-tuned BERT's share of the teacher; the rest is the n-gram teacher
    teacher: str = "nb"  # "nb": NgramTeacher (char 1-5 + word 1-2, NB-weighted); "baseline": the 1-3-gram baseline
    teacher_l2: float = 1e-6  # the NgramTeacher's L2 penalty (the baseline keeps its own 3e-6)
    weight_decay: float = 0.01
    warmup: float = 0.05
    heldout_every: int = 10  # hold out 1 movie in this many
    seed: int = 0
    threads: int = 1  # the shipped files were built with 1 thread (same seed + same threads: the same steps;
    # the WordPiece trainer may still swap a few tokens tied at the cut-off, see tokens.py)
    limit: int | None = None  # read only the first N rows of each file (quick runs, tests; skips the sha256 check)
    pool: int = 50  # batches per length-sorting pool


class MaskedLMHead(nn.Module):
    """BERT's pre-training head: dense + GELU + LayerNorm, then scores over the vocabulary.

    The output matrix is the word-embedding matrix itself (tied weights), as in BERT; the
    names follow BERT's checkpoints (``cls.predictions.transform.dense`` ...).
    """

    def __init__(self, config: BertConfig, word_embeddings: nn.Embedding):
        super().__init__()
        self.transform = nn.Module()
        self.transform.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.transform.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.word_embeddings = word_embeddings  # tied: (V, D)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        h = self.transform.LayerNorm(nn.functional.gelu(self.transform.dense(hidden)))  # (N, D)
        return h @ self.word_embeddings.weight.T + self.bias  # (N, V)


def mask_tokens(ids: torch.Tensor, real: torch.Tensor, prob: float, vocab_size: int, g: torch.Generator):
    """BERT's masking: pick ``prob`` of the real tokens; 80% -> [MASK], 10% -> a random token, 10% kept.

    Returns (corrupted ids, picked positions (B, T) bool, the original ids at those positions).
    """
    candidates = real.bool() & (ids != CLS) & (ids != SEP)
    picked = (torch.rand(ids.shape, generator=g) < prob) & candidates
    # every review gets at least one masked token, so short ones teach too
    none = ~picked.any(1) & candidates.any(1)
    if none.any():
        scores = torch.rand(ids.shape, generator=g).masked_fill(~candidates, -1)
        first = scores.argmax(1)
        picked[none, first[none]] = True
    corrupted = ids.clone()
    r = torch.rand(ids.shape, generator=g)
    corrupted[picked & (r < 0.8)] = MASK
    swap = picked & (r >= 0.8) & (r < 0.9)
    corrupted[swap] = torch.randint(len(SPECIALS), vocab_size, (int(swap.sum()),), generator=g)
    return corrupted, picked, ids[picked]


def make_model(cfg: TrainConfig, vocab_size: int) -> BertForSequenceClassification:
    config = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden_size, num_hidden_layers=cfg.num_hidden_layers,
                        num_attention_heads=cfg.num_attention_heads, intermediate_size=cfg.intermediate_size,
                        hidden_dropout_prob=cfg.dropout, attention_probs_dropout_prob=cfg.dropout,
                        max_position_embeddings=cfg.max_length, type_vocab_size=2, num_labels=2,
                        id2label=dict(ID2LABEL), label2id={v: k for k, v in ID2LABEL.items()})
    return BertForSequenceClassification(config)


def schedule(opt, total: int, warmup: float):
    """Linear warm-up then linear decay to zero."""
    w = max(1, int(total * warmup))
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / w, max(0.0, (total - s) / max(1, total - w))))


def optimizer(params, lr: float, weight_decay: float):
    named = list(params)
    decay = [p for n, p in named if p.dim() >= 2 and "LayerNorm" not in n]
    no_decay = [p for n, p in named if not (p.dim() >= 2 and "LayerNorm" not in n)]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr)


def epoch_batches(tokens: Tokens, epochs: float, size: int, rng, pool: int):
    """``epochs`` passes (a fraction allowed) of length-sorted batches."""
    batches = []
    while len(batches) < epochs * math.ceil(len(tokens) / size):
        batches += length_batches(tokens.lengths, size, rng, pool)
    return batches[: max(1, int(round(epochs * math.ceil(len(tokens) / size))))]


def _step(model, loss: torch.Tensor, opt, sched) -> float:
    """One update, the same in both phases: gradients, clipped at norm 1 (the model's own parameters), a step."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    return loss.item()


def pretrain(model, tokens: Tokens, cfg: TrainConfig, progress: bool, log) -> list[dict]:
    """Masked-LM pre-training of ``model.bert`` on unlabeled reviews; returns the loss curve."""
    from tqdm.auto import tqdm

    head = MaskedLMHead(model.config, model.bert.embeddings.word_embeddings)
    rng = np.random.default_rng(cfg.seed + 1)
    g = torch.Generator().manual_seed(cfg.seed + 1)
    batches = epoch_batches(tokens, cfg.pretrain_epochs, cfg.pretrain_batch, rng, cfg.pool)
    params = list(model.bert.named_parameters()) + [("cls." + n, p) for n, p in head.named_parameters()
                                                     if not n.startswith("word_embeddings")]
    opt = optimizer(params, cfg.pretrain_lr, cfg.weight_decay)
    sched = schedule(opt, len(batches), cfg.warmup)
    model.train()
    curve, running = [], []
    for step, rows in enumerate(tqdm(batches, desc="pre-training (masked LM)", disable=not progress, unit="batch")):
        ids, real = padded(tokens, rows)
        corrupted, picked, target = mask_tokens(ids, real, cfg.mask_prob, model.config.vocab_size, g)
        hidden = model.bert(corrupted, real).last_hidden_state  # (B, T, D)
        loss = nn.functional.cross_entropy(head(hidden[picked]), target)  # only the hidden tokens are scored
        running.append(_step(model, loss, opt, sched))
        if (step + 1) % 500 == 0 or step + 1 == len(batches):
            curve.append({"step": step + 1, "mlm_loss": round(float(np.mean(running)), 4)})
            log(f"pretrain step {step + 1}/{len(batches)} mlm loss {curve[-1]['mlm_loss']}")
            running = []
    return curve


def finetune(model, tokens: Tokens, targets: np.ndarray, epochs: float, lr: float, cfg: TrainConfig, progress: bool,
             desc: str, seed: int, evaluate=None, log=print, batch_size: int | None = None,
             checkpoint=None) -> list[dict]:
    """Train the classifier (and the body) on (soft or hard) targets: P(POSITIVE) per review."""
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    size = batch_size or cfg.batch_size
    batches = epoch_batches(tokens, epochs, size, rng, cfg.pool)
    opt = optimizer(model.named_parameters(), lr, cfg.weight_decay)
    sched = schedule(opt, len(batches), cfg.warmup)
    per_epoch = math.ceil(len(tokens) / size)
    y = torch.from_numpy(targets.astype(np.float32))
    curve, running = [], []
    model.train()
    for step, rows in enumerate(tqdm(batches, desc=desc, disable=not progress, unit="batch")):
        ids, real = padded(tokens, rows)
        logits = model(ids, real).logits  # (B, 2)
        p = y[torch.from_numpy(rows)]
        # cross-entropy against a probability pair (p, 1-p): plain CE for 0/1 labels, distillation for soft ones
        loss = -(torch.stack([1 - p, p], 1) * torch.log_softmax(logits, -1)).sum(1).mean()
        running.append(_step(model, loss, opt, sched))
        if (step + 1) % 1000 == 0:
            log(f"{desc} step {step + 1}/{len(batches)} loss {np.mean(running[-1000:]):.4f}")
            if checkpoint is not None:  # a usable model on disk if the run has to be stopped
                checkpoint()
        if (step + 1) % per_epoch == 0 or step + 1 == len(batches):
            point = {"phase": desc, "step": step + 1, "epoch": round((step + 1) / per_epoch, 2),
                     "loss": round(float(np.mean(running)), 4)}
            if evaluate is not None:
                point.update(evaluate())
                model.train()
            curve.append(point)
            log(json.dumps(point, ensure_ascii=False))
            running = []
    return curve


@torch.no_grad()
def predict(model, tokens: Tokens, batch: int = 256) -> np.ndarray:
    """P(POSITIVE) per review."""
    model.eval()
    out = np.zeros(len(tokens), dtype=np.float32)
    for rows in length_batches(tokens.lengths, batch, None):
        ids, real = padded(tokens, rows)
        out[rows] = torch.softmax(model(ids, real).logits, -1)[:, 1].numpy()
    return out


def accuracy(p: np.ndarray, labels: np.ndarray) -> float:
    return float(((p > 0.5).astype(np.int64) == labels).mean())
