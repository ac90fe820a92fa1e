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

Child use: ``python -m bench.views_latency child N``; what the two optimisations of
views/_speedups.py save: ``python -m bench.views_latency speedups``.
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


def speedups(n: int = 15) -> None:
    """What views/_speedups.py saves, CPU ms per picture: stamped labels against plain ``Text``, and the
    collector's pauses with and without ``young_garbage_only``. Prints; not part of results.md.

    ``python -m bench.views_latency speedups`` (the numbers quoted in views/_speedups.py).
    """
    import contextlib
    import statistics
    import warnings

    warnings.simplefilter("ignore")
    import matplotlib
    import torch

    torch.set_num_threads(1)
    from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer
    from lesson_lib.views import TokenView, _base, _speedups
    from lesson_lib.views import _style as S
    from lesson_lib.views.padding import pad_batch, render_batch
    from lesson_lib.views.tokens import render_token_stage, token_stages

    tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
    batch = pad_batch(tok, ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it.",
                            "Short one."], padding=True, return_tensors="pt")
    stages = token_stages(tok.trace("Café 한국어, hello🤗 tokenizers!"))

    def as_texts(ax, xy, texts, *, fontsize=9, color="black", colors=None, ha="center", va="center",
                 weight="normal", rotation=0, transform=None):  # add_labels as one ax.text per label
        colors = list(colors) if colors is not None else [color] * len(texts)
        for (x, y), text, c in zip(xy, texts, colors):
            ax.text(x, y, text, fontsize=fontsize, color=c, ha=ha, va=va, weight=weight, rotation=rotation,
                    rotation_mode="anchor", parse_math=False,
                    transform=transform if transform is not None else ax.transData)

    def cpu_ms(make) -> float:
        times = []
        for i in range(n + 3):  # 3 to warm the caches (stamps, fonts)
            c = time.process_time()
            with _speedups.young_garbage_only():
                S.figure_png(make(i))
            times.append(time.process_time() - c)
        return statistics.median(times[3:]) * 1e3

    print(f"matplotlib {matplotlib.__version__}: CPU ms per picture, median of {n}")
    for name, make in [("chapter 02 batch grid, 3 sentences", lambda i: render_batch(batch)),
                       ("chapter 01 tokenizer stage", lambda i: render_token_stage(stages[i % 8], index=i % 8,
                                                                                  total=len(stages)))]:
        stamped = cpu_ms(make)
        with contextlib.ExitStack() as stack:
            stack.callback(setattr, S, "add_labels", S.add_labels)
            S.add_labels = as_texts
            plain = cpu_ms(make)
        print(f"  {name:40} Labels {stamped:6.1f}   Text {plain:6.1f}")

    # The collector: the real model in memory and a million small objects (about what a chapter's kernel holds:
    # IPython, its history, the libraries), 80 new tokenizer pictures.
    model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)  # noqa: F841 - kept alive on purpose
    heap = [{"i": i, "list": [i]} for i in range(1_000_000)]  # noqa: F841 - kept alive on purpose
    texts = [f"Sentence number {i}: we hope you don't hate it." for i in range(80)]
    for label, guard in [("young_garbage_only", _speedups.young_garbage_only), ("collector left alone",
                                                                               contextlib.nullcontext)]:
        original = _base.young_garbage_only
        _base.young_garbage_only = guard
        try:
            view = TokenView(tok, "warm up", lang="en")
            walls = []
            for text in texts:
                t0 = time.perf_counter()
                view.text.value = text
                walls.append((time.perf_counter() - t0) * 1e3)
        finally:
            _base.young_garbage_only = original
        walls.sort()
        print(f"  {label:40} update p50 {walls[len(walls) // 2]:6.1f}  p95 {walls[int(0.95 * len(walls))]:6.1f}  "
              f"max {walls[-1]:6.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "child":
        _child(int(sys.argv[2]))
    elif len(sys.argv) == 2 and sys.argv[1] == "speedups":
        speedups()
    else:
        sys.exit("usage: python -m bench.views_latency child N | speedups")
