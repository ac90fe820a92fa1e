"""2. Steady forward latency: one warm process, lesson_lib and transformers taking turns.

Both models load the same exported folder. ``torch.set_num_threads(2)`` and
``torch.inference_mode()`` for both; a few unmeasured warm-up calls first; then the two
libraries alternate call by call (and swap who goes first every repetition), so a burst of
load on the machine hits both sides alike. Four cases:

    seed batch (2 x 14, the seed's two sentences, padded)   with / without output_attentions=True
    32 x 128 batch (random ids, fixed seed, no padding)      with / without output_attentions=True

transformers runs its default attention (SDPA) without attentions, and needs
``attn_implementation="eager"`` to return them; lesson_lib has one implementation for both.

Several processes, not one: within one process the ratio is steady, but it moves by a few
per cent from one process to the next (where the allocator happens to put each model's
tensors; measured 0.95-1.05 for the same code on the same machine). So the repetitions are
split over ``PROCESSES`` fresh processes, and the ratio reported is the median of all
per-repetition ratios (lesson_lib's time over transformers' in the same repetition, a few
milliseconds apart), with each process's own median kept beside it.

Child use: ``python -m bench.latency child FOLDER SEED_REPS BIG_REPS``.
"""

from __future__ import annotations

import sys
import time

CASES = (("seed", False), ("seed", True), ("32x128", False), ("32x128", True))


def _child(folder: str, seed_reps: int, big_reps: int) -> None:
    import json
    import warnings

    warnings.simplefilter("ignore")
    import torch

    torch.set_num_threads(2)
    import transformers

    import lesson_lib

    ll = lesson_lib.AutoModelForSequenceClassification.from_pretrained(folder).eval()
    tf_default = transformers.AutoModelForSequenceClassification.from_pretrained(folder).eval()
    tf_eager = transformers.AutoModelForSequenceClassification.from_pretrained(
        folder, attn_implementation="eager").eval()
    tok = lesson_lib.AutoTokenizer.from_pretrained(folder)

    seed = dict(tok(["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."],
                    padding=True, return_tensors="pt"))
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, 30000, (32, 128), generator=g)
    ids[:, 0], ids[:, -1] = 101, 102  # [CLS] ... [SEP]
    big = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": torch.zeros_like(ids)}
    batches = {"seed": seed, "32x128": big}

    out = {"threads": torch.get_num_threads(),
           "tf_default_attn": tf_default.config._attn_implementation,
           "tf_eager_attn": tf_eager.config._attn_implementation,
           "cases": {}}
    with torch.inference_mode():
        for name, attentions in CASES:
            batch = batches[name]
            tf = tf_eager if attentions else tf_default
            reps = seed_reps if name == "seed" else big_reps
            kwargs = {"output_attentions": True} if attentions else {}

            def run_ll():
                return ll(**batch, **kwargs)

            def run_tf():
                return tf(**batch, **kwargs)

            a, b = run_ll(), run_tf()  # also a check that they compute the same thing
            diff = float((a.logits - b.logits).abs().max())
            attn_diff = max(float((x - y).abs().max()) for x, y in zip(a.attentions, b.attentions)) \
                if attentions else None
            for _ in range(max(2, reps // 10)):
                run_ll(), run_tf()
            times = {"lesson_lib": [], "transformers": []}
            for i in range(reps):
                order = (("lesson_lib", run_ll), ("transformers", run_tf))
                for side, fn in (order if i % 2 == 0 else order[::-1]):
                    t0 = time.perf_counter()
                    fn()
                    times[side].append(time.perf_counter() - t0)
            out["cases"][f"{name}|{attentions}"] = {
                "batch": name, "attentions": attentions, "shape": list(batch["input_ids"].shape),
                "times": times, "max_logit_diff": diff, "max_attention_diff": attn_diff,
            }
    sys.stdout.write("BENCH-RESULT " + json.dumps(out) + "\n")


PROCESSES = 4


def measure(folder, seed_reps: int = 100, big_reps: int = 25, log=print, processes: int = PROCESSES) -> dict:
    from ._common import median, run_child

    per = [max(2, -(-reps // processes)) for reps in (seed_reps, big_reps)]  # ceil: at least the reps asked for
    runs, wall = [], 0.0
    for _ in range(processes):
        result, _, w = run_child(["-m", "bench.latency", "child", str(folder), str(per[0]), str(per[1])], timeout=3600)
        runs.append(result)
        wall += w
    first = runs[0]
    summary = {"threads": first["threads"], "tf_default_attn": first["tf_default_attn"], "processes": processes,
               "cases": []}
    for key, case in first["cases"].items():
        same = [r["cases"][key] for r in runs]  # this case in every process
        ll = [t for c in same for t in c["times"]["lesson_lib"]]
        tf = [t for c in same for t in c["times"]["transformers"]]
        ratios = [[a / b for a, b in zip(c["times"]["lesson_lib"], c["times"]["transformers"])] for c in same]
        by_process = [median(r) for r in ratios]
        row = {
            "batch": case["batch"], "attentions": case["attentions"], "shape": case["shape"],
            "lesson_ms": median(ll) * 1e3, "transformers_ms": median(tf) * 1e3,
            "ratio": median([x for r in ratios for x in r]), "reps": len(ll),
            "process_ratios": [round(x, 3) for x in by_process],
            "max_logit_diff": max(c["max_logit_diff"] for c in same),
            "max_attention_diff": None if case["max_attention_diff"] is None
            else max(c["max_attention_diff"] for c in same),
        }
        summary["cases"].append(row)
        log(f"  latency {case['batch']:7} attentions={case['attentions']!s:5}: lesson_lib {row['lesson_ms']:.1f} ms, "
            f"transformers {row['transformers_ms']:.1f} ms, ratio {row['ratio']:.2f} ({row['reps']} reps in "
            f"{processes} processes: {', '.join(f'{x:.2f}' for x in by_process)})")
    summary["wall_s"] = wall
    return summary


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        _child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: python -m bench.latency child FOLDER SEED_REPS BIG_REPS")
