"""7. Explaining a prediction (lesson_lib.explain, chapter 10): how long each method takes on a 20-word sentence.

The real offline default model and tokenizer, in a child process. Each method runs on a new
sentence every repetition (20 words each, so the same cost), after two untimed warm-up runs.
Targets: p95 <= 200 ms for gradient x input, occlusion and the attention methods; integrated
gradients with 50 steps <= 1.5 s. Measured with one torch thread (as in the notebooks) and with
two (the machine's cores).

Not timed, but reported with the numbers: integrated gradients against captum's
LayerIntegratedGradients (same layer, baseline, steps and rule) as the largest difference over
the largest score, and the completeness error |delta| / |logit gap|; captum is test-only, so
these two are left out where it is not installed.

    .venv/bin/python -m bench --only explain
    .venv/bin/python -m bench.explain_latency child 20 2      # one child by hand: 20 runs, 2 threads
"""

from __future__ import annotations

import sys
import time

CASES = {  # method -> (what the table says, target p95 in ms)
    "gradient_x_input": ("gradient x input", 200.0),
    "occlusion": ("occlusion (21 forward passes, one batch)", 200.0),
    "attention_rollout": ("attention rollout", 200.0),
    "cls_attention": ("last-layer [CLS] attention", 200.0),
    "integrated_gradients": ("integrated gradients, 50 steps", 1500.0),
}
WARMUP = 2
WORDS = ["film", "story", "actors", "music", "ending", "plot", "scenes", "dialogue", "camera", "cast"]


def sentence(i: int) -> str:
    """Twenty words as the tokenizer counts them (the full stop is one), different for every ``i``."""
    w = [WORDS[(i + k) % len(WORDS)] for k in range(3)]
    return f"The {w[0]} was slow but the {w[1]} and the {w[2]} made up for it and I liked it {i}."


def _child(n: int, threads: int) -> None:
    import warnings

    warnings.simplefilter("ignore")
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(threads)
    from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer
    from lesson_lib import explain as X

    from ._common import report

    tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
    model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
    n_words = len(X.occlusion(model, tok, sentence(0)).words)
    assert n_words == 20, n_words
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for name, method in X.METHODS.items():
        reps = max(3, n // 4) if name == "integrated_gradients" else n  # IG: ~1 s a run
        times[name], cpu[name] = [], []
        for i in range(reps + WARMUP):
            c0, t0 = time.process_time(), time.perf_counter()
            method(model, tok, sentence(i))
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            if i >= WARMUP:
                times[name].append(dt)
                cpu[name].append(dc)
    result = {"threads": threads, "words": n_words, "times": times, "cpu": cpu, "captum": None}
    try:
        from captum.attr import LayerIntegratedGradients
    except ImportError:
        report(result)
        return
    text = sentence(0)
    ours = X.integrated_gradients(model, tok, text, n_steps=50)
    ids = tok(text, return_tensors="pt")["input_ids"]
    lig = LayerIntegratedGradients(lambda i: model(input_ids=i, attention_mask=torch.ones_like(i)).logits,
                                   X.word_embeddings(model))
    t0 = time.perf_counter()
    ref, delta = lig.attribute(ids, baselines=X._baseline_ids(tok, ids, None), target=ours.target, n_steps=50,
                               method="gausslegendre", return_convergence_delta=True)
    captum_s = time.perf_counter() - t0
    ref = ref.sum(-1)[0].detach()
    gap = ours.logit - ours.baseline_logit
    result["captum"] = {"max_diff_over_max_score": float((ours.scores - ref).abs().max() / ref.abs().max()),
                        "max_abs_diff": float((ours.scores - ref).abs().max()), "delta": ours.delta, "gap": gap,
                        "delta_over_gap": abs(ours.delta) / abs(gap), "captum_delta": float(delta),
                        "captum_s": captum_s}
    report(result)


def measure(n: int = 30, log=print, threads=(1, 2)) -> dict:
    from ._common import median, percentile, run_child

    rows, parity = [], None
    for k in threads:
        result, _, _ = run_child(["-m", "bench.explain_latency", "child", str(n), str(k)], timeout=3600)
        parity = parity or result["captum"]
        for name, (what, target) in CASES.items():
            ms = [t * 1e3 for t in result["times"][name]]
            cpu_ms = [t * 1e3 for t in result["cpu"][name]]
            row = {"method": name, "what": what, "threads": k, "words": result["words"], "n": len(ms),
                   "p50_ms": median(ms), "p95_ms": percentile(ms, 95), "max_ms": max(ms),
                   "cpu_p50_ms": median(cpu_ms), "target_ms": target}
            rows.append(row)
            log(f"  {what:42} {k} thread(s): p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
                f"CPU p50 {row['cpu_p50_ms']:7.1f} ms  (target {target:.0f} ms, n={row['n']})")
    if parity:
        log(f"  integrated gradients vs captum: largest difference {parity['max_diff_over_max_score']:.1e} of the "
            f"largest score; completeness |delta| / |gap| = {parity['delta_over_gap']:.1e}")
    return {"rows": rows, "captum": parity}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "child":
        _child(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit("usage: python -m bench.explain_latency child N THREADS")
