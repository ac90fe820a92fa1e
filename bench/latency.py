"""2. Steady forward latency: one warm process, lesson_lib and transformers taking turns.

Both models load the same exported folder. ``torch.set_num_threads(2)`` and
``torch.inference_mode()`` for both; a few unmeasured warm-up calls first; then the two
libraries alternate call by call (and swap who goes first every repetition), so a burst of
load on the machine hits both sides alike. Four cases:

    seed batch (2 x 14, the seed's two sentences, padded)   with / without output_attentions=True
    32 x 128 batch (random ids, fixed seed, no padding)      with / without output_attentions=True

transformers runs its default attention (SDPA) without attentions, and needs
``attn_implementation="eager"`` to return them; lesson_lib has one implementation for both.

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


def measure(folder, seed_reps: int = 100, big_reps: int = 25, log=print) -> dict:
    from ._common import median, run_child

    result, _, wall = run_child(["-m", "bench.latency", "child", str(folder), str(seed_reps), str(big_reps)],
                                timeout=3600)
    summary = {"threads": result["threads"], "tf_default_attn": result["tf_default_attn"], "cases": []}
    for key, case in result["cases"].items():
        ll, tf = case["times"]["lesson_lib"], case["times"]["transformers"]
        row = {
            "batch": case["batch"], "attentions": case["attentions"], "shape": case["shape"],
            "lesson_ms": median(ll) * 1e3, "transformers_ms": median(tf) * 1e3,
            "ratio": median(ll) / median(tf), "reps": len(ll),
            "max_logit_diff": case["max_logit_diff"], "max_attention_diff": case["max_attention_diff"],
        }
        summary["cases"].append(row)
        log(f"  latency {case['batch']:7} attentions={case['attentions']!s:5}: lesson_lib {row['lesson_ms']:.1f} ms, "
            f"transformers {row['transformers_ms']:.1f} ms, ratio {row['ratio']:.2f} ({row['reps']} reps)")
    summary["wall_s"] = wall
    return summary


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        _child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: python -m bench.latency child FOLDER SEED_REPS BIG_REPS")
