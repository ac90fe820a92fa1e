"""Build the kit's Korean sentiment model (``lesson_lib.KOREAN_MODEL``) from NSMC, on a CPU.

    python tools/train_korean.py --data /work/shared/data/nsmc --out lesson_lib/weights/ko-bert-nsmc

No pre-trained Korean BERT ships offline, so this builds one from nothing. The shipped recipe:

1. **Split by movie.** 1 in 10 movies (chosen by a hash of ``movie_id``) is held out: their
   reviews are not trained on, not in the tokenizer's text and not in the unlabeled text, so
   the model cannot learn a held-out movie's names and look better than it is.
2. **A Korean WordPiece tokenizer**, trained with ``tokenizers`` on the unlabeled reviews.
   Its normaliser keeps Hangul syllables whole: NFC, then lower-casing *without* accent
   stripping (uncased BERT's NFD + accent stripping would break 영화 into the jamo ㅇㅕㅇㅎㅘ).
3. **The baseline and the teacher**, both trained on the labelled reviews (``train.tsv``): a character
   1-3-gram TF-IDF + logistic-regression classifier, the honest simple baseline the card compares with;
   and a stronger n-gram model, ``NgramTeacher`` (character 1-5-grams and word 1-2-grams weighted by
   their naive-Bayes log-count ratio, then logistic regression), whose guesses the BERT learns.
4. **Masked-LM pre-training** of a small BERT (lesson_lib's ``BertForSequenceClassification`` body
   with BERT's pre-training head) on the unlabeled reviews: 15% of the tokens hidden, the model
   guesses them back. Half an epoch; it is where the model first meets Korean.
5. **Distillation**: the BERT, now with a classifier on its pooler, learns the
   teacher's P(POSITIVE) on the 547k unlabeled reviews (``unlabeled.tsv``), mixed with the true
   labels of the labelled ones, for two epochs, without dropout (a small student copying a teacher
   underfits; it does not overfit). The unlabeled reviews give it four times more text than the
   labels alone; they never get true labels, only the teacher's guesses.

Options switch on what the trials compared (see MODEL_CARD.md, *Why this recipe*): model size,
fine-tuning on the labels alone before the distillation (``--epochs``), and a teacher that
averages the fine-tuned BERT with the n-gram model (``--teacher-weight``).

Batches hold reviews of nearly the same token length (sorted inside pools of 50 batches), so
almost no time goes into padding: about 4x faster than random batches on a CPU.

What ships (``--out``): config.json, model.safetensors (float32), vocab.txt, tokenizer.json,
tokenizer_config.json, special_tokens_map.json, MODEL_CARD.md, training_metrics.json.
``--work DIR`` keeps a copy of the model every 1000 distillation steps (``DIR/latest``).

Left out on purpose: mixed precision, gradient accumulation, next-sentence prediction (the
reviews are single sentences), whole-word masking, a hyper-parameter search.

Used in: building lesson_lib/weights/ko-bert-nsmc (the maintainers); tests/test_train_korean.py.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tools"):  # run as a script from anywhere: this checkout's lesson_lib and tools/korean
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from korean.baseline import CharNgramBaseline, NgramTeacher  # noqa: E402
from korean.card import PROBES, probe, subset_accuracy, write_model_card  # noqa: E402
from korean.data import heldout_movie, read_nsmc, split_by_movie  # noqa: E402
from korean.tokens import UNK, Tokens, encode_all, save_tokenizer, train_tokenizer  # noqa: E402
from korean.training import TrainConfig, accuracy, finetune, make_model, predict, pretrain  # noqa: E402
from lesson_lib.errors import CheckpointError, InputValueError  # noqa: E402

SHIPPED_FILES = ("config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
                 "special_tokens_map.json", "MODEL_CARD.md", "training_metrics.json")


def run(data: Path, out: Path, cfg: TrainConfig, *, verify: bool = True, progress: bool = True, log=None,
        work: Path | None = None) -> dict:
    """Every step, from the two data files to the shipped folder; returns the metrics."""
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    t0, times = time.time(), {}
    labelled = read_nsmc(data / "train.tsv", labelled=True, verify=verify and cfg.limit is None, limit=cfg.limit)
    unlabeled = read_nsmc(data / "unlabeled.tsv", labelled=False, verify=verify and cfg.limit is None, limit=cfg.limit)
    train, held = split_by_movie(labelled, cfg.heldout_every)
    held_movies = set(held.movies)
    # keep the held-out movies out of the pre-training text as well
    plain = unlabeled.take(np.array([not heldout_movie(m, cfg.heldout_every) for m in unlabeled.movies]))
    if not len(held.texts) or not len(train.texts):
        raise InputValueError(f"The split by movie left {len(train.texts)} training and {len(held.texts)} held-out "
                              f"reviews; give more rows (more movies), or change --heldout-every.")
    log(f"data: {len(train.texts)} train / {len(held.texts)} held-out reviews ({len(held_movies)} movies), "
        f"{len(plain.texts)} unlabeled for pre-training")
    times["read"] = time.time() - t0

    t = time.time()
    tok = train_tokenizer(plain.texts, cfg.vocab_size)
    vocab_size = tok.get_vocab_size()
    tr, he, un = (encode_all(tok, r.texts, cfg.max_length) for r in (train, held, plain))
    unk = float((he.ids == UNK).mean())
    times["tokenizer"] = time.time() - t
    log(f"tokenizer: {vocab_size} tokens, {unk:.4%} [UNK] on held-out, {times['tokenizer']:.0f} s")

    t = time.time()
    baseline = CharNgramBaseline().fit(train.texts, train.labels)
    base_held = baseline.predict_proba(held.texts)
    times["baseline"] = time.time() - t
    log(f"baseline: {accuracy(base_held, held.labels):.4f} held-out, {times['baseline']:.0f} s")

    t = time.time()
    if cfg.teacher == "nb":
        teacher = NgramTeacher(l2=cfg.teacher_l2).fit(train.texts, train.labels)
    elif cfg.teacher == "baseline":
        teacher = baseline
    else:
        raise InputValueError(f"--teacher {cfg.teacher!r}: choose 'nb' (the stronger n-gram teacher) or 'baseline'.")
    teacher_held = base_held if teacher is baseline else teacher.predict_proba(held.texts)
    times["teacher"] = time.time() - t
    log(f"teacher ({cfg.teacher}): {accuracy(teacher_held, held.labels):.4f} held-out, {times['teacher']:.0f} s")

    model = make_model(cfg, vocab_size)
    curve = {}
    t = time.time()
    if cfg.pretrain_epochs > 0:
        curve["pretrain"] = pretrain(model, un, cfg, progress, log)
    times["pretrain"] = time.time() - t

    def evaluate():
        return {"heldout_accuracy": round(accuracy(predict(model, he), held.labels), 4)}

    t = time.time()
    if cfg.epochs > 0:
        curve["finetune"] = finetune(model, tr, train.labels, cfg.epochs, cfg.lr, cfg, progress, "fine-tuning",
                                     cfg.seed + 2, evaluate, log)
    times["finetune"] = time.time() - t
    bert_held = predict(model, he)
    result = {"bert_finetuned": accuracy(bert_held, held.labels),
              "ensemble_bert_baseline": accuracy((bert_held + base_held) / 2, held.labels)}
    log(json.dumps(result))
    if work is not None:  # a usable model even if the run is stopped during self-training
        work.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(work / "after_finetune")
        save_tokenizer(tok, work / "after_finetune", cfg.max_length)

    def save_latest():
        model.save_pretrained(work / "latest")
        save_tokenizer(tok, work / "latest", cfg.max_length)

    t = time.time()
    if cfg.distill_epochs > 0:
        # teachers: the fine-tuned BERT and the n-gram baseline, averaged, on the unlabeled reviews
        # (soft labels); the labelled ones keep their true 0/1 labels
        w = cfg.teacher_weight
        soft = (1 - w) * teacher.predict_proba(plain.texts)
        if w > 0:
            soft += w * predict(model, un)
        both = Tokens(np.concatenate([un.ids, tr.ids]), np.concatenate([un.offsets[:-1], tr.offsets + un.offsets[-1]]))
        targets = np.concatenate([soft, train.labels.astype(np.float32)])
        curve["distill"] = finetune(model, both, targets, cfg.distill_epochs, cfg.distill_lr, cfg, progress,
                                    "self-training", cfg.seed + 3, evaluate, log, cfg.distill_batch,
                                    checkpoint=save_latest if work is not None else None)
    times["distill"] = time.time() - t
    times["total"] = time.time() - t0
    final = predict(model, he)
    result.update({"final": accuracy(final, held.labels), "baseline": accuracy(base_held, held.labels),
                   "teacher": accuracy(teacher_held, held.labels),
                   "ensemble_final_baseline": accuracy((final + base_held) / 2, held.labels)})
    log(json.dumps(result))
    metrics = {"config": asdict(cfg), "times_s": {k: round(v, 1) for k, v in times.items()}, "accuracy": result,
               "rows": {"train": len(train.texts), "heldout": len(held.texts), "heldout_movies": len(held_movies),
                        "pretrain": len(plain.texts)},
               "unk_rate_heldout": unk, "vocab_size": vocab_size,
               "parameters": sum(p.numel() for p in model.parameters()),
               "machine": f"{platform.machine()} CPU, torch {torch.__version__}",
               "subsets": subset_accuracy(held.texts, held.labels, final, base_held),
               "probes": [round(float(x), 4) for x in probe(model, tok, [t for t, _, _ in PROBES], cfg.max_length)],
               "curves": curve}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(out)
        save_tokenizer(tok, out, cfg.max_length)
        (out / "training_metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False) + "\n", "utf-8")
        write_model_card(out, metrics)
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
        np.save(work / "heldout_probs.npy", np.stack([final, base_held, held.labels.astype(np.float32)]))
    return metrics


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path("/work/shared/data/nsmc"), help="folder with train.tsv and unlabeled.tsv")
    p.add_argument("--out", type=Path, default=ROOT / "lesson_lib" / "weights" / "ko-bert-nsmc")
    p.add_argument("--work", type=Path, default=None, help="where to keep held-out predictions (optional)")
    p.add_argument("--no-verify", action="store_true", help="skip the sha256 check (your own data, on purpose)")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--card-only", action="store_true",
                   help="only rewrite --out's MODEL_CARD.md from its training_metrics.json (after editing the prose)")
    for f in TrainConfig.__dataclass_fields__.values():
        flag = "--" + f.name.replace("_", "-")
        kind = {"int": int, "float": float, "int | None": int, "str": str}[f.type]
        p.add_argument(flag, type=kind, default=f.default)
    args = p.parse_args(argv)
    cfg = TrainConfig(**{k: getattr(args, k) for k in TrainConfig.__dataclass_fields__})
    if args.card_only:
        metrics = json.loads((args.out / "training_metrics.json").read_text(encoding="utf-8"))
        write_model_card(args.out, metrics)
        return 0
    try:
        run(args.data, args.out, cfg, verify=not args.no_verify, progress=not args.no_progress, work=args.work)
    except (InputValueError, CheckpointError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
