"""1. Cold start to the first prediction: a fresh Python process imports, loads, tokenizes, predicts.

Four variants, each run in its own process, in alternating order:

    lesson_folder        lesson_lib  AutoTokenizer + AutoModelForSequenceClassification on the exported folder
    transformers_folder  transformers, the same classes, on the same exported folder
    lesson_name          lesson_lib on the name DEFAULT_MODEL (what a chapter does: includes the sha256 check)
    korean_name          lesson_lib on the name KOREAN_MODEL, with a Korean sentence (issue 14: load < 1 s)

The folder is written once per benchmark run by lesson_lib's ``save_pretrained`` (model and
tokenizer), so both libraries read byte-identical files. The time runs from just before the
parent starts the process to the moment the child has the logits (process exit not included).

Child use (the parent does this): ``python -m bench.cold_start child VARIANT FOLDER`` and
``python -m bench.cold_start export FOLDER``.
"""

from __future__ import annotations

import sys
import time

_T0 = time.time()  # as early as possible in the child; the parent's spawn time is earlier still

VARIANTS = ("lesson_folder", "transformers_folder", "lesson_name", "korean_name")
# The seed's two sentences and its call; the Korean model reads two Korean ones.
SENTENCES = {"en": ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."],
             "ko": ["이 영화 정말 재미있어요", "정말 지루하고 재미없는 영화"]}


def _child(variant: str, folder: str) -> None:
    import warnings

    warnings.simplefilter("ignore")  # a NewWeightsWarning must not cost a formatted traceback
    t_start = time.time()
    if variant == "transformers_folder":
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        name = folder
    else:
        from lesson_lib import DEFAULT_MODEL, KOREAN_MODEL, AutoModelForSequenceClassification, AutoTokenizer

        name = {"lesson_name": DEFAULT_MODEL, "korean_name": KOREAN_MODEL}.get(variant, folder)
    t_import = time.time()
    tokenizer = AutoTokenizer.from_pretrained(name)
    model = AutoModelForSequenceClassification.from_pretrained(name)
    t_load = time.time()
    # The seed's call on two sentences, then one forward pass, as the seed writes it.
    batch = tokenizer(SENTENCES["ko" if variant == "korean_name" else "en"],
                      padding=True, truncation=True, max_length=512, return_tensors="pt")
    t_tok = time.time()
    outputs = model(**batch)
    label = outputs.logits.argmax(-1).tolist()
    t_done = time.time()

    import json
    import resource

    result = {
        "variant": variant,
        "t_main": _T0,
        "t_start": t_start,
        "t_import": t_import,
        "t_load": t_load,
        "t_tok": t_tok,
        "t_done": t_done,
        "logits": [[round(v, 5) for v in row] for row in outputs.logits.tolist()],
        "label": label,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    sys.stdout.write("BENCH-RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()


def _export(folder: str) -> None:
    import warnings

    warnings.simplefilter("ignore")
    from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer

    AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL).save_pretrained(folder)
    AutoTokenizer.from_pretrained(DEFAULT_MODEL).save_pretrained(folder)
    import json

    sys.stdout.write("BENCH-RESULT " + json.dumps({"folder": folder}) + "\n")


# --- the parent side -------------------------------------------------------------------------

def export_default(folder) -> None:
    from ._common import run_child

    run_child(["-m", "bench.cold_start", "export", str(folder)], timeout=600)


def measure(folder, reps: int = 5, log=print) -> dict:
    """Run every variant ``reps`` times (after one unmeasured warm-up each), rotating the order."""
    from ._common import median, run_child

    runs: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for rep in range(-1, reps):  # rep -1: warm the page cache and the .pyc files, not counted
        order = VARIANTS[rep % len(VARIANTS):] + VARIANTS[:rep % len(VARIANTS)]
        for variant in order:
            result, t_spawn, wall = run_child(["-m", "bench.cold_start", "child", variant, str(folder)], timeout=900)
            result["first_prediction_s"] = result["t_done"] - t_spawn
            result["startup_s"] = result["t_start"] - t_spawn  # interpreter + runpy, before any import
            result["import_s"] = result["t_import"] - result["t_start"]
            result["load_s"] = result["t_load"] - result["t_import"]
            result["predict_s"] = result["t_done"] - result["t_load"]
            result["wall_s"] = wall
            if rep >= 0:
                runs[variant].append(result)
            tag = "warm-up" if rep < 0 else f"{rep + 1}/{reps}"
            log(f"  cold start {variant:20} {tag:7}: {result['first_prediction_s']:.2f} s "
                f"(import {result['import_s']:.2f}, load {result['load_s']:.2f}, predict {result['predict_s']:.2f})")
    summary = {}
    for variant, rs in runs.items():
        summary[variant] = {
            key: median(r[key] for r in rs)
            for key in ("first_prediction_s", "startup_s", "import_s", "load_s", "predict_s", "maxrss_mb")
        }
        summary[variant]["all_s"] = [round(r["first_prediction_s"], 3) for r in rs]
    # Same files, same numbers: the folder variants must agree on the logits (a sanity check of the comparison).
    a, b = runs["lesson_folder"][0]["logits"], runs["transformers_folder"][0]["logits"]
    summary["max_logit_diff"] = max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
    # Ratio per repetition (the two runs of one repetition are neighbours in time), then the median.
    summary["ratio_folder"] = median(
        x["first_prediction_s"] / y["first_prediction_s"]
        for x, y in zip(runs["lesson_folder"], runs["transformers_folder"]))
    summary["ratio_name"] = median(
        x["first_prediction_s"] / y["first_prediction_s"]
        for x, y in zip(runs["lesson_name"], runs["transformers_folder"]))
    summary["reps"] = reps
    return summary


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "child":
        _child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == "export":
        _export(sys.argv[2])
    else:
        sys.exit("usage: python -m bench.cold_start child VARIANT FOLDER | export FOLDER")
