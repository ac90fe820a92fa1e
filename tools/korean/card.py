"""What the model gets right and wrong: probe sentences, and MODEL_CARD.md from the run's numbers.

Used in: tools/train_korean.py (the end of the run, and --card-only); tests/test_train_korean.py.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import torch

from .data import ID2LABEL, TRAIN_SHA256, UNLABELED_SHA256
from .tokens import encode_all
from .training import predict

TARGET_SENTENCE = "이 영화 정말 재미있어요"

# Hand-written probes (not from NSMC): (text, expected label or None, what it tests).
PROBES = (
    (TARGET_SENTENCE, 1, "plain"),
    ("정말 지루하고 재미없는 영화", 0, "plain"),
    ("나쁘지 않았어요", 1, "negation ('not bad')"),
    ("별로 재미없어요", 0, "negation"),
    ("재미없지는 않은데 추천하기는 애매하다", None, "negation / mixed"),
    ("기대를 많이 했는데 실망했다", 0, "contrast"),
    ("참 대단한 영화다 시간 낭비의 끝판왕", 0, "sarcasm"),
    ("와 진짜 감동이다 돈 아까워서 눈물 나네", 0, "sarcasm"),
    ("ㅋㅋㅋㅋㅋㅋ", None, "ㅋㅋ alone"),
    ("ㅋㅋ 이걸 돈 주고 봤네", 0, "ㅋㅋ (laughing at the film)"),
    ("ㅠㅠ 너무 슬프고 감동적이에요", 1, "ㅠㅠ (moved to tears)"),
    ("ㅠㅠ 돈 아까워", 0, "ㅠㅠ (regret)"),
    ("이영화정말재미있어요", 1, "spacing (no spaces)"),
    ("재밌어요 짱", 1, "spelling (colloquial 재밌다)"),
    ("노잼", 0, "slang (노잼 = no fun)"),
    ("개꿀잼", 1, "slang (꿀잼 = great fun)"),
    ("best movie ever", 1, "English"),
    ("this movie is boring", 0, "English"),
    ("완전 awesome 한 영화", 1, "English word in Korean"),
    ("러닝타임은 두 시간이다", None, "neutral fact"),
)


# Slices of the held-out reviews where a small model is expected to struggle: (name, pattern).
SUBSETS = (
    ("laughter ㅋㅋ / ㅎㅎ", r"[ㅋㅎ]{2,}"),
    ("crying ㅠㅠ / ㅜㅜ", r"[ㅠㅜ]{2,}"),
    ("Latin letters (English words)", r"[A-Za-z]{2,}"),
    ("negation (안, 못, 않다, 없다)", r"(^|\s)(안|못)\s?|않|없"),
    ("contrast (지만, 는데, 그런데, 근데)", r"지만|는데|그런데|근데"),
    ("no space at all (10+ characters)", r"^\S{10,}$"),
    ("short (at most 10 characters)", r"^.{1,10}$"),
)


def subset_accuracy(texts: list[str], labels: np.ndarray, p_model: np.ndarray, p_base: np.ndarray) -> list[dict]:
    """Accuracy of the model and the baseline on each slice of SUBSETS (and on all reviews).

    >>> subset_accuracy(["ㅋㅋ 좋다", "싫다"], np.array([1, 0]), np.array([.9, .2]), np.array([.4, .3]))[1]["model"]
    1.0
    """
    rows = [{"name": "all held-out reviews", "rows": len(texts), "model": float(((p_model > .5) == labels).mean()),
             "baseline": float(((p_base > .5) == labels).mean())}]
    for name, pattern in SUBSETS:
        mask = np.array([re.search(pattern, t) is not None for t in texts])
        if mask.any():
            rows.append({"name": name, "rows": int(mask.sum()),
                         "model": float(((p_model[mask] > .5) == labels[mask]).mean()),
                         "baseline": float(((p_base[mask] > .5) == labels[mask]).mean())})
    return rows


@torch.no_grad()
def probe(model, tok, texts: list[str], max_length: int) -> np.ndarray:
    """P(POSITIVE) for a few texts, with the training tokenizer."""
    return predict(model, encode_all(tok, list(texts), max_length))


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def write_model_card(out: Path, metrics: dict) -> None:
    """MODEL_CARD.md from the run's own numbers (nothing in it is typed by hand but the prose)."""
    cfg, acc, rows, times = metrics["config"], metrics["accuracy"], metrics["rows"], metrics["times_s"]
    n = rows["heldout"]
    se = math.sqrt(acc["final"] * (1 - acc["final"]) / n)
    size = (out / "model.safetensors").stat().st_size / 1e6
    w = cfg["teacher_weight"]
    vocab = (out / "vocab.txt").read_text(encoding="utf-8").split()
    english = sum(bool(re.fullmatch(r"(##)?[a-z]+", t)) for t in vocab)
    phases = "".join(f", {name} {times[key] / 60:.1f} min" for key, name in
                     (("pretrain", "pre-training"), ("finetune", "fine-tuning"), ("distill", "distillation"))
                     if times.get(key, 0) > 1)
    ngram = ("a stronger n-gram model than the baseline (character 1-5-grams and word 1-2-grams, each "
             "present/absent, weighted by its naive-Bayes log-count ratio and idf, then logistic regression: "
             "tools/korean/baseline.py `NgramTeacher`)" if cfg.get("teacher", "baseline") == "nb"
             else "the character n-gram baseline (below)")
    teacher = ngram if w == 0 else f"the fine-tuned BERT ({w:.0%}) averaged with {ngram} ({1 - w:.0%})"
    beats = acc["final"] > acc["baseline"]
    lines = [
        "# lesson-lib/ko-bert-nsmc: the kit's Korean sentiment model, built here from nothing",
        "",
        "A small BERT (lesson_lib's own `BertForSequenceClassification`) with its own Korean WordPiece",
        "tokenizer, trained on Korean movie reviews (NSMC) on a 2-core CPU by",
        "`python tools/train_korean.py`. No pre-trained Korean BERT ships offline; this one is small and",
        "was trained for under an hour, so it knows the language of short movie reviews and little else.",
        f"Published Korean BERTs pre-trained on large corpora reach 89-91% on NSMC; this one reaches "
        f"{_pct(acc['final'])} on our held-out movies, against {_pct(acc['baseline'])} for the simple baseline.",
        *([
            "",
            "**It does not beat the simple baseline.** Within this CPU budget no BERT recipe we tried did (see",
            "*Why this recipe*). It is shipped so that the Korean chapter has a Korean model to open up: its",
            "tokens, attention and logits can be studied like the English model's. When only the label matters,",
            "the character n-gram classifier is the better tool for this data.",
        ] if acc["final"] <= acc["baseline"] else [
            "",
            f"**What beats the baseline here is mostly its teacher.** The BERT learned the guesses of a stronger "
            f"n-gram model ({_pct(acc.get('teacher', float('nan')))} on the same held-out movies) on 547k unlabeled "
            "reviews, and comes within reach of it, not past it. On 150,000 reviews and a CPU hour, pre-training "
            "teaches a small BERT little Korean that character n-grams do not already see; what it does bring is "
            "a Korean model whose tokens, attention and logits can be studied like the English model's.",
        ]),
        "",
        f"Labels: `{ID2LABEL}`. Loads offline as `lesson_lib.KOREAN_MODEL` through the Auto classes, and "
        "in transformers from this folder. Every file here was written by one run of the command.",
        "",
        "## Data",
        "",
        f"- `train.tsv`: 150,000 labelled reviews (NSMC rebuilt from its raw crawl, CC0; Lucy Park, e9t/nsmc), "
        f"sha256 `{TRAIN_SHA256}`.",
        f"- `unlabeled.tsv`: 605,018 reviews of the same movies without labels, sha256 `{UNLABELED_SHA256}`: "
        "for the tokenizer, the masked-LM pre-training and the teacher's soft labels; never as labelled data.",
        f"- Held out by movie: 1 in {cfg['heldout_every']} movies by a hash of `movie_id`: {n} reviews of "
        f"{rows['heldout_movies']} movies, kept out of the tokenizer, the pre-training and the self-training "
        f"text too. Trained on {rows['train']} labelled reviews; {rows['pretrain']} unlabeled reviews.",
        "- The maintainers hold out another 12% of the movies (in neither file) to judge the kit.",
        "",
        "## Recipe",
        "",
        f"1. Tokenizer: WordPiece, {metrics['vocab_size']} tokens, trained with `tokenizers` on the unlabeled "
        "reviews. Normaliser: NFC, then BERT's cleaning and lower-casing with `strip_accents=False`, so "
        f"Hangul syllables stay whole ([UNK] rate on held-out reviews: {metrics['unk_rate_heldout']:.3%}).",
        f"2. Model: BERT, {cfg['num_hidden_layers']} layers, hidden size {cfg['hidden_size']}, "
        f"{cfg['num_attention_heads']} heads, feed-forward {cfg['intermediate_size']}, at most "
        f"{cfg['max_length']} tokens, {metrics['parameters'] / 1e6:.2f}M parameters.",
        (f"3. Masked-LM pre-training on the unlabeled reviews: {cfg['pretrain_epochs']} epoch(s), 15% of tokens "
         f"hidden (80% [MASK], 10% random, 10% kept), batch {cfg['pretrain_batch']}, AdamW lr {cfg['pretrain_lr']}."
         if cfg["pretrain_epochs"] > 0 else
         "3. No masked-LM pre-training: on this CPU budget it did not pay for its time (see *Why this recipe*); "
         "`--pretrain-epochs N` switches it on."),
        (f"4. Fine-tuning on the labelled reviews alone: {cfg['epochs']} epoch(s), batch {cfg['batch_size']}, "
         f"lr {cfg['lr']}." if cfg["epochs"] > 0 else
         "4. No separate fine-tuning: the labelled reviews and their true labels are part of step 5."),
        f"5. Distillation (self-training): the teacher, {teacher}, gives every unlabeled review a probability "
        f"P(POSITIVE); the BERT trains {cfg['distill_epochs']} epoch(s) over those {rows['pretrain']} soft-labelled "
        f"reviews mixed with the {rows['train']} labelled ones (their true 0/1 labels), cross-entropy against "
        f"the probabilities, batch {cfg['distill_batch']}, lr {cfg['distill_lr']}. The unlabeled reviews never "
        "get true labels: only the teacher's guesses.",
        "",
        f"All phases: AdamW (weight decay {cfg['weight_decay']}), linear warm-up ({cfg['warmup']:.0%}) then linear "
        f"decay, gradient clipping 1.0, batches of equal-length reviews (pools of {cfg['pool']} batches), "
        f"seed {cfg['seed']}, {cfg['threads']} CPU thread(s).",
        "",
        f"Time: {times['total'] / 60:.1f} min wall clock in all (tokenizer {times['tokenizer']:.0f} s, baseline "
        f"{times['baseline']:.0f} s{phases}) on {metrics['machine']}, shared with other jobs. "
        f"Shipped: model.safetensors {size:.1f} MB (float32).",
        "",
        "## Results on our held-out movies",
        "",
        "| model | accuracy |",
        "|---|---|",
        f"| character 1-3-gram TF-IDF + logistic regression (the baseline) | {_pct(acc['baseline'])} |",
    ] + ([
        f"| BERT after {'pre-training + ' if cfg['pretrain_epochs'] > 0 else ''}fine-tuning (steps 1-4) | "
        f"{_pct(acc['bert_finetuned'])} |",
    ] if cfg["epochs"] > 0 else []) + ([
        f"| (teacher, not shipped) that BERT and the baseline averaged | {_pct(acc['ensemble_bert_baseline'])} |",
    ] if cfg["epochs"] > 0 and w > 0 else []) + [
    ] + ([
        f"| (teacher, not shipped) the n-gram teacher of step 5 | {_pct(acc['teacher'])} |",
    ] if "teacher" in acc else []) + [
        f"| **this model** | **{_pct(acc['final'])}** |",
        f"| (not shipped) this model and the baseline averaged | {_pct(acc['ensemble_final_baseline'])} |",
        "",
        f"{n} reviews: one standard error is {100 * se:.2f} points. The held-out movies are not the "
        "maintainers'; on theirs the baseline scores about 86.6%.",
        "",
        "## Known failures, measured",
        "",
        "P(POSITIVE) of the shipped model on sentences written for this card (not from NSMC):",
        "",
        "| text | tests | expected | P(POSITIVE) | |",
        "|---|---|---|---|---|",
    ]
    for (text, want, what), p in zip(PROBES, metrics["probes"]):
        verdict = "" if want is None else ("right" if (p > 0.5) == bool(want) else "**wrong**")
        lines.append(f"| {text} | {what} | {'-' if want is None else ID2LABEL[want]} | {p:.3f} | {verdict} |")
    if metrics.get("subsets"):
        lines += ["", "Accuracy on slices of the held-out reviews (the same reviews for both models):", "",
                  "| slice | reviews | this model | baseline |", "|---|---|---|---|"]
        lines += [f"| {r['name']} | {r['rows']} | {_pct(r['model'])} | {_pct(r['baseline'])} |"
                  for r in metrics["subsets"]]
    lines += [
        "",
        "What to expect, from the probes and slices above: it learned from short, informal reviews, so",
        "slang (노잼, 꿀잼), ㅋㅋ and ㅠㅠ in their usual roles and simple negation mostly come out right; a",
        "sarcastic review whose words are positive can fool it. "
        + ("Compare the slices with the overall margin over the baseline to see where it gains and where it does not."
           if beats else "It trails the baseline by about the same margin on every slice as overall: no slice is a "
           "special weakness."),
        f"English is nearly unknown: {english} of its",
        f"{metrics['vocab_size']} tokens are Latin-letter pieces, so an English sentence is spelled out in",
        "fragments and its score is close to a guess. It has seen only movie reviews: other topics are guesses too.",
        "",
        "## Why this recipe",
        "",
        "Recipes compared (trial runs of this command, options as they were run; same split and held-out "
        "movies). The first rows' options are relative to the earlier defaults, "
        f"`{EARLIER_DEFAULTS}`; the later rows name what they change in the row they cite:",
        "",
        "| recipe | options | held-out accuracy | time |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r} | `{o}` | {a} | {t} |" for r, o, a, t in RECIPE_TRIALS]
    lines += ["", RECIPE_CHOICE, "",
              "Rebuild: `python tools/train_korean.py --data /work/shared/data/nsmc --out lesson_lib/weights/ko-bert-nsmc`"
              f" ({times['total'] / 60:.0f} min here). With the same seed and thread count every training step is deterministic "
              "(the tests check this bit for bit on a 320-review sample), but the WordPiece trainer breaks ties between "
              "equally frequent tokens in no fixed order, so on the full data a few tokens at the vocabulary's cut-off "
              "can differ from run to run (5 of 30000 between two runs of the shipped recipe), and the weights "
              "with them. The shipped recipe run a second time in full (2026-12-02, 63 min on 1 thread, beside "
              "other jobs) scored 87.2% on the held-out movies against this run's 87.5%: 0.2 points apart, inside "
              "the 0.5 points promised, with all twenty clear sentences right and P(target sentence) 0.988.", ""]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


# Measured 2026-12-01 with this command on the same split (held-out: 14647 reviews of 1049 movies),
# 1 CPU thread each on a 2-core machine shared with other jobs, so times are rough.
# (recipe, options, held-out accuracy, wall-clock time)
EARLIER_DEFAULTS = ("--vocab-size 12000 --dropout 0.1 --teacher baseline --pretrain-batch 128 --distill-epochs 0.7 "
                    "--distill-batch 128 --distill-lr 2e-4 --threads 2")
SMALL = "--hidden-size 128 --num-hidden-layers 2 --num-attention-heads 2 --intermediate-size 512"
RECIPE_TRIALS: tuple = (
    ("character 1-3-gram TF-IDF + logistic regression (the baseline; the teacher of most rows below)", "(every run)", "87.1%",
     "2-5 min"),
    ("BERT 2x128 from scratch, fine-tuned on the labels only, 2 epochs", f"{SMALL} --epochs 2 --distill-epochs 0",
     "84.9% (84.8% after 1 epoch)", "14 min"),
    ("the same, then self-training with the BERT + n-gram average as teacher (86.5%), 0.3 epoch",
     f"{SMALL} --epochs 2 --teacher-weight 0.5 --distill-epochs 0.3 --distill-lr 1e-4", "85.2%", "14 + 11 min"),
    ("BERT 2x128 distilled from the n-gram teacher, 0.7 epoch", f"{SMALL} --distill-epochs 0.7", "85.4%",
     "18 min"),
    ("the same after masked-LM pre-training on the unlabeled reviews, 0.5 epoch (shipped until 2026-12-01)",
     "(the defaults then)", "85.7%", "7 + 14 min"),
    ("BERT 2x128 distilled from the n-gram teacher, 2 epochs (stopped at 0.38 epoch: out of time)",
     f"{SMALL} --distill-epochs 2", "85.2% when stopped", "23 min"),
    ("BERT 3x192 distilled from the n-gram teacher, 1 epoch (3.7M parameters, 14.8 MB)",
     "--pretrain-epochs 0 --hidden-size 192 --num-hidden-layers 3 --num-attention-heads 3 --intermediate-size 768 "
     "--distill-epochs 1", "85.6%", "44 min"),
    ("BERT 2x128 distilled from the n-gram baseline, 2 epochs, batch 512, lr 5e-4 (student agrees with the "
     "teacher on 94.8% of held-out reviews)",
     f"{SMALL} --pretrain-epochs 0 --distill-epochs 2 --distill-batch 512 --distill-lr 5e-4", "85.6%", "60 min"),
    ("the stronger n-gram teacher alone (char 1-5 + word 1-2 grams, naive-Bayes weighted; `NgramTeacher`)",
     "--teacher nb (its fit)", "88.1%", "2-5 min"),
    ("BERT 2x128, masked-LM 0.5 epoch (batch 512), then distilled 2 epochs (batch 512, lr 5e-4) from the "
     "stronger n-gram teacher (88.1%), vocabulary 12000, dropout 0.1",
     f"{SMALL} --pretrain-batch 512 --distill-epochs 2 --distill-batch 512 --distill-lr 5e-4 --teacher nb",
     "86.1% (85.8% after 1 epoch)", "63 min, 2 threads"),
    ("the same with a 30000-token vocabulary and no dropout (shipped from 2026-12-01 15:00 to 18:45): one of "
     "the twenty clear sentences wrong (\"정말 지루한 영화였어요\" at P(POSITIVE) 0.56)",
     "the row above with --vocab-size 30000 --dropout 0 --threads 1",
     "87.3% (87.1% after 1 epoch)", "54 min, 1 thread"),
    ("that recipe with 3 epochs of distillation: all twenty clear sentences right, P(target sentence) 0.987; "
     "not shipped",
     "--pretrain-epochs 0.5 --distill-epochs 3 --threads 2", "87.0% (86.9% after 2 epochs)", "42 min, 2 threads"),
    ("that recipe with twice the masked-LM pre-training, 1 epoch (shipped on 2026-12-01 from 18:45 to 23:30): "
     "all twenty clear sentences right (the closest: \"정말 지루한 영화였어요\" at P 0.32), P(target sentence) 0.990",
     "--num-hidden-layers 2 --pretrain-epochs 1.0, the rest as two rows up",
     "**87.3%** (87.0% after 1 epoch)", "56 min, 1 thread"),
    ("the row above with 3 epochs of distillation instead of 2: \"정말 지루한 영화였어요\" wrong again "
     "(P 0.67), P(target sentence) 0.989; not shipped",
     "--num-hidden-layers 2 --distill-epochs 3", "87.2% (87.3% after 1 epoch, 87.0% after 2)", "67 min, 1 thread"),
    ("**the two-layer recipe with a third layer (4.46M parameters, 17.8 MB; shipped)**: all twenty clear "
     "sentences right (the closest: \"정말 지루한 영화였어요\" at P 0.48), P(target sentence) 0.984",
     "(the defaults) = --num-hidden-layers 3, the rest as two rows up", "**87.5%** (87.5% after 1 epoch)",
     "63 min, 1 thread"),
    ("first 30k rows of each file only: fine-tuned 2 epochs / masked-LM 2 epochs first / baseline",
     f"--limit 30000 {SMALL} --epochs 2 [--pretrain-epochs 2]", "81.6% / 81.1% / 85.0%", "9 / 12 min"),
)
RECIPE_CHOICE = (
    "Why: on this budget an n-gram model is the strongest teacher we have, and a small BERT trained on the "
    "labels alone overfits them (training loss 0.31, held-out 84.9%). Learning an n-gram model's "
    "probabilities on the 547k unlabeled reviews gives the BERT four times more text and softer targets. "
    "The student stalls where it agrees with its teacher (94.8% of held-out reviews with the baseline as "
    "teacher), so the teacher sets its level: a stronger n-gram teacher (88.1%) lifted the same student from "
    "85.6% to 86.1%. What then closed the gap was the student's vocabulary: 30000 tokens instead of 12000 "
    "give whole words and endings their own embedding (an n-gram model's strength, at almost no compute: "
    "an embedding is a lookup), and without dropout the small student fits its teacher better: 87.1% after "
    "one epoch, 87.3% after two, the first recipe above the baseline (by 0.2 points, less than one standard "
    "error; the two changes were made together, so their shares are not measured apart). It is 17.1 MB, "
    "inside the 20 MB budget. What the larger vocabulary cost at first: of the twenty clear sentences in "
    "tests/test_korean_model.py that model got one wrong (the 12000-token model had all twenty): \"정말 지루한 "
    "영화였어요\" at P(POSITIVE) 0.56, because 영화였어요 is one token, seen mostly in praise, and outweighed "
    "지루한 (\"정말 지루한 영화\": 0.03). A third epoch of distillation put it right but scored 87.0%; a "
    "full epoch of masked-LM pre-training instead of half an epoch (26 minutes instead of 22; both runs shared "
    "the machine with other jobs) put it right (P 0.32, still the closest of the twenty) and kept 87.3%: 영화였어요 has more "
    "contexts behind its embedding before the teacher's labels arrive, which is our reading, not a "
    "measurement. That two-layer model was shipped until the same recipe was run with a third layer: "
    "87.5%, all twenty sentences right (the closest is 영화였어요's sentence again, at P 0.48), 17.8 MB, 63 "
    "minutes. That run is the shipped model. The third layer's gain (0.19 points) is less than one standard "
    "error (0.27), so it is chosen because it costs little (0.8 MB, about 7 more minutes of training) and "
    "keeps all twenty clear sentences right, not for a proven gain; its lead over the baseline is 0.4 "
    "points, between one and two standard errors. Averaging the fine-tuned BERT with the n-gram model made "
    "a worse teacher (86.5% < 87.1%), a third epoch of distillation on top of the two-layer recipe gave 87.2% with one of the "
    "twenty sentences wrong again, and a wider, deeper student (3x192) took twice as long for no gain. Not affordable "
    "on a 2-core CPU in an hour, and so not measured: masked-LM pre-training for hours rather than minutes."
)
