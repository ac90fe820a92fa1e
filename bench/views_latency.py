"""3. Widget update latency, kernel side: a control's value changes → the view's picture is updated.

The views are built as the chapters build them (the real offline default model and tokenizer,
one torch thread as in every notebook's setup cell) and driven headless by setting control
``.value``s, exactly what a slider or a text box does through the widget comm. ipywidgets
calls the observers synchronously, so the time of the assignment is the kernel's whole
work for that event: computing, drawing, encoding the PNG and setting ``Image.value``.

Every timed update goes to a state the view has not seen (each view keeps the PNGs of past
states, so going back is free: that would flatter the numbers). A couple of unmeasured
updates first warm matplotlib's caches. After each update we check that the picture
changed and that no error message is shown.

Child use: ``python -m bench.views_latency child N``.
"""

from __future__ import annotations

import sys
import time

# scenario -> (chapter, what changes, does the model run again?)
SCENARIOS = {
    "tokens_step": ("01", "TokenView: step slider", False),
    "tokens_text": ("01", "TokenView: new text", False),
    "padding_max_length": ("02", "PaddingView: max_length slider", False),
    "padding_sentences": ("02", "PaddingView: edit sentences", False),
    "layers_step": ("03", "LayerView: step slider", False),
    "layers_sentence_metric": ("03", "LayerView: sentence / metric", False),
    "layers_sentences_model": ("03", "LayerView(model=...): edit sentences", True),
    "softmax_temperature": ("04", "SoftmaxView: temperature slider", False),
    "attention_layer_head": ("05", "AttentionView: layer / head", False),
    "attention_sentences_model": ("05", "AttentionView(model=...): edit sentences", True),
}
WARMUP = 2


def _texts(i: int) -> list[str]:
    """Two new sentences for update ``i`` (different every time, the seed's length or so)."""
    words = ["happy", "sad", "tokenizer", "library", "Korean", "model", "café", "attention", "layers", "batch"]
    a = f"We are very {words[i % 10]} to show you the 🤗 Transformers library, take {i}."
    b = f"We hope you don't hate {words[(3 * i + 1) % 10]} number {i}."
    return [a, b]


def _take(updates, k: int):
    """The updates up to the k-th timed one (untimed steps in between kept); lazy."""
    timed = 0
    for u in updates:
        if timed >= k:
            return
        yield u
        timed += not callable(u)


def _child(n: int) -> None:
    import json
    import random
    import warnings

    warnings.simplefilter("ignore")
    import numpy as np
    import torch

    # The notebooks' setup cell (tools/build_notebooks.py): seeds, one thread, the Korean font.
    random.seed(0), np.random.seed(0), torch.manual_seed(0)
    torch.set_num_threads(1)
    from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer
    from lesson_lib.fonts import use_korean_font

    use_korean_font()
    from lesson_lib.views import AttentionView, LayerView, PaddingView, SoftmaxView, TokenView

    tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
    model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
    texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits
    trace = model.trace(**batch)

    results = {}

    def timed(scenario: str, view, updates) -> None:
        """``updates``: (control, value) pairs, or callables that set things untimed (returning None)."""
        times, cpu, unchanged, errors = [], [], 0, []
        k = 0
        for item in updates:
            if callable(item):  # an untimed step (e.g. moving to another text before a slider sweep)
                item()
                continue
            control, value = item
            before = (view.png, view.side_png)
            c0, t0 = time.process_time(), time.perf_counter()
            control.value = value
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            if view.message_text:
                errors.append(view.message_text[:200])
            elif (view.png, view.side_png) == before:
                unchanged += 1
            if k >= WARMUP:
                times.append(dt)
                cpu.append(dc)
            k += 1
        results[scenario] = {"times": times, "cpu": cpu, "unchanged": unchanged, "errors": errors[:3]}

    # 01: the tokenizer, step by step (chapter 01's text, then others: each has its own stages).
    view = TokenView(tok, "Café 한국어, hello🤗 tokenizers!", lang="en")

    def token_steps():  # read lazily: each text has its own number of stages
        for i, text in enumerate(["Café 한국어, hello🤗 tokenizers!", "Unaffable café, 한국어!",
                                  "We hope you don't hate it.", "Tokenizers split words into pieces."]):
            if i:
                yield lambda text=text: setattr(view.text, "value", text)
                yield lambda: setattr(view.step, "value", 0)
            for s in range(1, view.step.max + 1):
                yield (view.step, s)

    timed("tokens_step", view, _take(token_steps(), n + WARMUP))

    view = TokenView(tok, "Café 한국어, hello🤗 tokenizers!", lang="en")
    timed("tokens_text", view, [(view.text, " ".join(_texts(i))) for i in range(n + WARMUP)])

    # 02: batching.
    view = PaddingView(tok, texts + ["Short one."], padding=True, lang="en")
    view.truncation.value = True
    view.use_max_length.value = True
    timed("padding_max_length", view, [(view.max_length, m) for m in range(2, 2 + n + WARMUP)])
    view = PaddingView(tok, texts + ["Short one."], padding=True, lang="en")
    timed("padding_sentences", view, [(view.sentences, "\n".join(_texts(i) + ["Short one."])) for i in range(n + WARMUP)])

    # 03: the forward pass, as chapter 03 builds it (a finished trace), and with a model (text editable).
    view = LayerView(trace, batch=batch, lang="en")
    top = view.step.max
    ups = [(view.step, s) for s in range(1, top + 1)] + [lambda: setattr(view.sentence, "value", 1)] + \
        [(view.step, s) for s in range(top - 1, -1, -1)]
    timed("layers_step", view, _take(ups, n + WARMUP))
    # Sentence and metric changes, each at a different step, so that every state is new.
    view = LayerView(trace, batch=batch, lang="en")
    ups, sentence, metric = [], 0, "norm"
    for s in range(view.step.max + 1):
        ups.append(lambda s=s: setattr(view.step, "value", s))
        sentence = 1 - sentence
        ups.append((view.sentence, sentence))
        metric = "cosine" if metric == "norm" else "norm"
        ups.append((view.metric, metric))
    ups = _take(ups, n + WARMUP)
    timed("layers_sentence_metric", view, ups)
    view = LayerView(model=model, tokenizer=tok, texts=texts, lang="en")
    timed("layers_sentences_model", view, [(view.sentences, "\n".join(_texts(i))) for i in range(n + WARMUP)])

    # 04: softmax with a temperature.
    view = SoftmaxView(logits, labels=model.config.id2label, texts=texts, lang="en")
    temps = [round(0.05 * 1.12 ** i, 4) for i in range(n + WARMUP + 10)]
    timed("softmax_temperature", view, [(view.temperature, T) for T in temps if T != 1.0][: n + WARMUP])

    # 05: attention, as chapter 05 builds it (model and tokenizer: the sentences are editable).
    view = AttentionView(model=model, tokenizer=tok, texts=texts, layer=0, head="mean", lang="en")
    heads = ["all", 0, 1, 2, 3, "mean", 4, 5, 6, 7, 8, 9, 10, 11]
    ups = []
    layer = 0
    for i in range(n + WARMUP):
        if i % 3 == 2:
            layer = (layer + 1) % (view.layer.max + 1)
            ups.append((view.layer, layer))
        else:
            ups.append((view.head, heads[(i + layer * 5) % len(heads)]))
    timed("attention_layer_head", view, ups)
    view = AttentionView(model=model, tokenizer=tok, texts=texts, layer=0, head="mean", lang="en")
    timed("attention_sentences_model", view, [(view.sentences, "\n".join(_texts(i))) for i in range(n + WARMUP)])

    sys.stdout.write("BENCH-RESULT " + json.dumps(results) + "\n")


def measure(n: int = 30, log=print) -> dict:
    from ._common import median, percentile, run_child

    result, _, wall = run_child(["-m", "bench.views_latency", "child", str(n)], timeout=3600)
    rows = []
    for key, (chapter, what, model_runs) in SCENARIOS.items():
        r = result[key]
        ms = [t * 1e3 for t in r["times"]]
        cpu_ms = [t * 1e3 for t in r["cpu"]]
        row = {"scenario": key, "chapter": chapter, "what": what, "model_runs": model_runs,
               "p50_ms": median(ms), "p95_ms": percentile(ms, 95), "max_ms": max(ms), "n": len(ms),
               "cpu_p50_ms": median(cpu_ms), "cpu_p95_ms": percentile(cpu_ms, 95),
               "target_ms": 200 if model_runs else 100, "unchanged": r["unchanged"], "errors": r["errors"]}
        rows.append(row)
        log(f"  widget {what:42} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  CPU p50 {row['cpu_p50_ms']:6.1f} ms  (n={row['n']}, "
            f"unchanged pictures {r['unchanged']}, errors {len(r['errors'])})")
    return {"rows": rows, "wall_s": wall}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "child":
        _child(int(sys.argv[2]))
    else:
        sys.exit("usage: python -m bench.views_latency child N")
