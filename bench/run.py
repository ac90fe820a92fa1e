"""Run every benchmark, print one table, write bench/results.md.

    ./kit bench                                # set up .venv (with transformers) if needed, then everything
    .venv/bin/python -m bench                  # everything (about 7-15 minutes on 2 cores)
    python bench/run.py                        # the same, from any Python 3 (measures run in .venv/bin/python)
    .venv/bin/python -m bench --skip-install   # all but the fresh-environment install (the slowest part)
    .venv/bin/python -m bench --only cold,latency --quick    # a subset, few repetitions (for debugging)
    .venv/bin/python -m bench --wait-quiet 1.5 # first wait until the 1-minute load average is below 1.5

Sections: cold (1. cold start), latency (2. forward), widgets (3.), nbval (4.), memory (5.), install (6.),
explain (7. explaining a prediction, lesson_lib.explain), classroom (8. a class on one JupyterHub; not in
the default set: it installs jupyterhub and a proxy under bench/_work and takes minutes):
    ./kit bench --only classroom --learners 30 [--chapter ko/01_tokenizer] [--spread 60]
                [--kill-kernel K] [--restart-hub] [--no-write]
A section that is not run this time keeps its last measured values from results.md, shown
with the date they were measured. Timings are medians over repeated runs; every ratio
lesson_lib / transformers comes from the same run, the two sides interleaved.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: make `bench` importable as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench import (classroom, cold_start, explain_latency, install_size, latency, nbval_suite, peak_memory,  # noqa: E402
                   views_latency)
from bench._common import RESULTS_MD, ROOT, kit_python, load_average, machine  # noqa: E402

SECTIONS = ("cold", "latency", "widgets", "nbval", "memory", "install", "explain", "classroom")
# What `./kit bench` runs without --only: the classroom installs things and takes minutes.
DEFAULT_SECTIONS = tuple(s for s in SECTIONS if s != "classroom")
WORK = ROOT / "bench" / "_work"
DATA_RE = re.compile(r"<!-- bench-data\n(.*?)\n-->", re.S)

TARGETS = {
    "cold": 0.40,  # ratio lesson_lib / transformers, time to first prediction
    "korean_load": 1.0,  # s, KOREAN_MODEL's tokenizer + model after the imports (issue 14)
    "latency": 1.0,  # ratio, every case
    "widget": 100.0,  # p95 ms; 200 where the model runs again
    "widget_model": 200.0,
    "nbval": 180.0,  # s
    "memory": 600.0,  # MB, every chapter's kernel (issue 18; VmHWM, so shared file pages count in full)
}


def cpu_probe() -> float:
    """Milliseconds of CPU time for a fixed pure-Python loop: how fast this machine's cores are right now.

    On a busy machine the same loop costs more CPU time too (shared caches, a busy sibling
    hyper-thread), so this tells a reader how far the absolute numbers may be inflated.
    """
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        s = 0
        for i in range(2_000_000):
            s += i
        best = min(best, time.process_time() - t0)
    return best * 1e3


class LoadSampler(threading.Thread):
    """The 1-minute load average every few seconds while the benchmarks run."""

    def __init__(self, every: float = 5.0):
        super().__init__(daemon=True)
        self.every, self.samples, self._stop = every, [], threading.Event()

    def run(self):
        while not self._stop.is_set():
            self.samples.append(load_average()[0])
            self._stop.wait(self.every)

    def stop(self) -> dict:
        self._stop.set()
        s = sorted(self.samples) or [float("nan")]
        return {"min": s[0], "median": s[len(s) // 2], "max": s[-1], "n": len(self.samples)}


def wait_until_quiet(threshold: float, poll: float = 60.0, give_up_s: float = 3 * 3600, log=print) -> dict:
    t0 = time.time()
    while True:
        load = load_average()
        if load[0] < threshold:
            return {"waited_s": time.time() - t0, "load_at_start": load}
        if time.time() - t0 > give_up_s:
            log(f"load average still {load[0]:.2f} after {give_up_s / 60:.0f} min: running anyway")
            return {"waited_s": time.time() - t0, "load_at_start": load, "gave_up": True}
        log(f"waiting for a quiet machine: load average {load[0]:.2f} >= {threshold} ({(time.time() - t0) / 60:.0f} min)")
        time.sleep(poll)


def read_cache() -> dict:
    if not RESULTS_MD.is_file():
        return {}
    m = DATA_RE.search(RESULTS_MD.read_text(encoding="utf-8"))
    return json.loads(m.group(1)) if m else {}


# --- the table -----------------------------------------------------------------------------

def _status(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def _fmt_s(x: float) -> str:
    return f"{x:.2f} s"


def _fmt_ms(x: float) -> str:
    return f"{x:.1f} ms" if x < 100 else f"{x:.0f} ms"


def table_rows(data: dict, ran: set[str]) -> list[list[str]]:
    """[section, measure, lesson_lib, transformers, ratio, target, status] per row."""
    rows = []

    def when(section: str) -> str:
        if section in ran:
            return " (quick run)" if data[section].get("quick") else ""
        return f" (cached, measured {data[section]['measured']})"

    if "cold" in data:
        c = data["cold"]["result"]
        tf = c["transformers_folder"]["first_prediction_s"]
        rows.append(["1", "cold start → first prediction, same folder" + when("cold"),
                     _fmt_s(c["lesson_folder"]["first_prediction_s"]), _fmt_s(tf), f"{c['ratio_folder']:.2f}",
                     f"≤ {TARGETS['cold']:.2f}", _status(c["ratio_folder"] <= TARGETS["cold"])])
        rows.append(["1", "cold start, lesson_lib by name DEFAULT_MODEL (sha256 check)" + when("cold"),
                     _fmt_s(c["lesson_name"]["first_prediction_s"]), _fmt_s(tf), f"{c['ratio_name']:.2f}",
                     f"≤ {TARGETS['cold']:.2f}", _status(c["ratio_name"] <= TARGETS["cold"])])
        if "korean_name" in c:  # measured since 2026-12-02
            load = c["korean_name"]["load_s"]
            rows.append(["1", "loading KOREAN_MODEL by name, after the imports (tokenizer + model)" + when("cold"),
                         _fmt_s(load), "", "", f"≤ {TARGETS['korean_load']:.1f} s",
                         _status(load <= TARGETS["korean_load"])])
    if "latency" in data:
        for case in data["latency"]["result"]["cases"]:
            what = f"forward {' x '.join(map(str, case['shape']))} " + \
                ("(the seed's two sentences)" if case["batch"] == "seed" else "(random ids)") + \
                (", output_attentions=True" if case["attentions"] else "") + when("latency")
            rows.append(["2", what, _fmt_ms(case["lesson_ms"]), _fmt_ms(case["transformers_ms"]),
                         f"{case['ratio']:.2f}", f"≤ {TARGETS['latency']:.1f}", _status(case["ratio"] <= TARGETS["latency"])])
    if "widgets" in data:
        for r in data["widgets"]["result"]["rows"]:
            rows.append(["3", f"widget {r['what']} (ch. {r['chapter']}), p50 / p95" + when("widgets"),
                         f"{_fmt_ms(r['p50_ms'])} / {_fmt_ms(r['p95_ms'])}", "", "",
                         f"p95 ≤ {r['target_ms']:.0f} ms", _status(r["p95_ms"] <= r["target_ms"] and not r["errors"])])
    if "nbval" in data:
        n = data["nbval"]["result"]
        # max, not the first entry: the cached copy comes back from JSON in another order
        slowest = max(n["per_notebook_s"].items(), key=lambda kv: kv[1], default=("?", float("nan")))
        rows.append(["4", f"nbval suite wall time ({n['summary']})" + when("nbval"), f"{n['wall_s']:.0f} s", "", "",
                     f"≤ {TARGETS['nbval']:.0f} s", _status(n["wall_s"] <= TARGETS["nbval"] and n["exit_code"] == 0)])
        rows.append(["4", "slowest notebook" + when("nbval"), f"{slowest[1]:.1f} s {slowest[0]}", "", "", "", ""])
    if "memory" in data:
        m = data["memory"]["result"]
        rows.append(["5", f"peak kernel RSS, heaviest chapter ({m['heaviest']})" + when("memory"),
                     f"{m['max_mb']:.0f} MB", "", "", f"≤ {TARGETS['memory']:.0f} MB", _status(m["max_mb"] <= TARGETS["memory"])])
    if "install" in data:
        i = data["install"]["result"]
        rows.append(["6", "fresh ./kit lab environment: size, time" + when("install"),
                     f"{i['lab_mb']:.0f} MB, {i['lab_s']:.0f} s", "", "", "", ""])
        rows.append(["6", "+ test extras (./kit test): size, added time" + when("install"),
                     f"{i['test_mb']:.0f} MB, {i['test_s']:.0f} s", "", "", "", ""])
    if "explain" in data:
        for r in data["explain"]["result"]["rows"]:
            rows.append(["7", f"explain: {r['what']}, {r['words']} words, {r['threads']} thread(s), p50 / p95"
                         + when("explain"), f"{_fmt_ms(r['p50_ms'])} / {_fmt_ms(r['p95_ms'])}", "", "",
                         f"p95 ≤ {r['target_ms']:.0f} ms", _status(r["p95_ms"] <= r["target_ms"])])
    if "classroom" in data:
        rows += classroom.table_rows(data["classroom"], when("classroom"))
    return rows


HEADER = ["#", "measure", "lesson_lib", "transformers", "ratio", "target", "status"]


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*HEADER), fmt.format(*["-" * w for w in widths])]
    out += [fmt.format(*[c.replace("**", "") for c in r]) for r in rows]
    return "\n".join(out)


# --- results.md ------------------------------------------------------------------------------

def details(data: dict) -> str:
    parts = []
    if "cold" in data:
        c = data["cold"]["result"]
        parts.append(f"### 1. Cold start (medians of {c['reps']} runs per variant, after one warm-up run each)\n")
        parts.append("| variant | first prediction | interpreter | imports | load | tokenize + forward | peak RSS | all runs (s) |")
        parts.append("|---|---|---|---|---|---|---|---|")
        for v in (v for v in cold_start.VARIANTS if v in c):
            r = c[v]
            parts.append(f"| {v} | {r['first_prediction_s']:.2f} s | {r['startup_s']:.2f} s | {r['import_s']:.2f} s | "
                         f"{r['load_s']:.2f} s | {r['predict_s']:.2f} s | {r['maxrss_mb']:.0f} MB | {r['all_s']} |")
        parts.append(f"\nBoth folder variants read the same files (written by lesson_lib's `save_pretrained`); "
                     f"largest logit difference between them: {c['max_logit_diff']:.1e}. The ratio is the median "
                     f"of the per-repetition ratios.\n")
    if "latency" in data:
        lat = data["latency"]["result"]
        parts.append(f"### 2. Forward latency ({lat['threads']} threads, `torch.inference_mode()`, transformers' "
                     f"default attention: `{lat['tf_default_attn']}`, with attentions: `eager`)\n")
        parts.append("| batch | output_attentions | lesson_lib | transformers | ratio | per process | runs | max logit diff | max attention diff |")
        parts.append("|---|---|---|---|---|---|---|---|---|")
        for r in lat["cases"]:
            ad = "" if r["max_attention_diff"] is None else f"{r['max_attention_diff']:.1e}"
            parts.append(f"| {r['batch']} {tuple(r['shape'])} | {r['attentions']} | {_fmt_ms(r['lesson_ms'])} | "
                         f"{_fmt_ms(r['transformers_ms'])} | {r['ratio']:.2f} | "
                         f"{' / '.join(f'{x:.2f}' for x in r.get('process_ratios', []))} | {r['reps']} | "
                         f"{r['max_logit_diff']:.1e} | {ad} |")
        parts.append(f"\nThe ratio is the median of the per-repetition ratios (the two libraries take turns, call by "
                     f"call), over {lat.get('processes', 1)} fresh processes; *per process* gives each one's median: "
                     f"the spread between processes is the measurement's own noise.\n")
    if "widgets" in data:
        parts.append("### 3. Widget updates (kernel side, one torch thread as in the notebooks; every update a new state)\n")
        parts.append("| chapter | view and control | model runs again | p50 | p95 | max | CPU p50 | CPU p95 | updates | target p95 |")
        parts.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in data["widgets"]["result"]["rows"]:
            note = f" ({len(r['errors'])} error messages!)" if r["errors"] else ""
            parts.append(f"| {r['chapter']} | {r['what']}{note} | {'yes' if r['model_runs'] else 'no'} | "
                         f"{_fmt_ms(r['p50_ms'])} | {_fmt_ms(r['p95_ms'])} | {_fmt_ms(r['max_ms'])} | "
                         f"{_fmt_ms(r.get('cpu_p50_ms', float('nan')))} | {_fmt_ms(r.get('cpu_p95_ms', float('nan')))} | {r['n']} | "
                         f"{r['target_ms']:.0f} ms |")
        parts.append("\nCPU = the kernel process's CPU time for the update (`time.process_time`): what the update "
                     "costs without waiting for a busy machine's other processes.\n")
    if "nbval" in data:
        n = data["nbval"]["result"]
        parts.append(f"### 4. nbval suite: {n['wall_s']:.0f} s wall (`{n['command']}`)\n")
        parts.append("| notebook | seconds (sum of its cells' setup + call + teardown) |")
        parts.append("|---|---|")
        for name, secs in n["per_notebook_s"].items():
            parts.append(f"| {name} | {secs:.1f} |")
        if n["failures"]:
            parts.append("\nFailures: " + "; ".join(f"`{f}`" for f in n["failures"]))
        parts.append("")
    if "memory" in data:
        m = data["memory"]["result"]
        parts.append("### 5. Peak RSS of the kernel per chapter (VmHWM, notebooks/en, executed with nbclient)\n")
        parts.append("PSS and private memory (`RssAnon`) are the largest values read between cells. RSS also "
                     "counts pages of shared libraries that the page cache happens to hold: just after an "
                     "install it reads up to ~110 MB more, with the same private memory (bench/peak_memory.py).\n")
        parts.append("| notebook | peak RSS | PSS | private | run time |")
        parts.append("|---|---|---|---|---|")
        for name, r in sorted(m["per_notebook"].items(), key=lambda kv: -kv[1]["peak_rss_mb"]):  # heaviest first, cached too
            pss, anon = (f"{r[k]:.0f} MB" if k in r else "" for k in ("max_pss_mb", "max_anon_mb"))
            parts.append(f"| {name} | {r['peak_rss_mb']:.0f} MB | {pss} | {anon} | {r['seconds']:.0f} s |")
        parts.append("")
    if "explain" in data:
        e = data["explain"]["result"]
        parts.append("### 7. Explaining a prediction (lesson_lib.explain, the offline default model, a new "
                     "20-word sentence every run)\n")
        parts.append("| method | threads | p50 | p95 | max | CPU p50 | runs | target p95 |")
        parts.append("|---|---|---|---|---|---|---|---|")
        for r in e["rows"]:
            parts.append(f"| {r['what']} | {r['threads']} | {_fmt_ms(r['p50_ms'])} | {_fmt_ms(r['p95_ms'])} | "
                         f"{_fmt_ms(r['max_ms'])} | {_fmt_ms(r['cpu_p50_ms'])} | {r['n']} | {r['target_ms']:.0f} ms |")
        c = e.get("captum")
        if c:
            parts.append(f"\nIntegrated gradients against captum's LayerIntegratedGradients (50 steps, "
                         f"Gauss-Legendre, [PAD] baseline): largest difference {c['max_diff_over_max_score']:.1e} "
                         f"of the largest score; completeness error |delta| / |logit gap| = "
                         f"{c['delta_over_gap']:.2e} (captum's own: {abs(c['captum_delta']) / abs(c['gap']):.2e}); "
                         f"captum took {c['captum_s']:.2f} s.\n")
        else:
            parts.append("\n(captum not installed: no parity numbers.)\n")
    if "install" in data:
        i = data["install"]["result"]
        parts.append(f"### 6. Install footprint (measured {data['install']['measured']})\n")
        parts.append(f"- `KIT_VENV=DIR ./kit lab --version`: {i['lab_s']:.0f} s, {i['lab_mb']:.0f} MB. Biggest: "
                     + ", ".join(f"{n} {mb:.0f} MB" for n, mb in i["lab_biggest"]))
        parts.append(f"- then `KIT_VENV=DIR ./kit test --co -q`: {i['test_s']:.0f} s more, {i['test_mb']:.0f} MB in all. "
                     f"Biggest: " + ", ".join(f"{n} {mb:.0f} MB" for n, mb in i["test_biggest"])
                     + f". pytest's collection said: `{i['collected']}` (exit {i.get('collect_exit', 0)}).")
        parts.append("- pip installed from this machine's configured index and wheel folder"
                     + (" with a warm pip cache" if i.get("pip_cache_present") else "")
                     + ": a first install that downloads everything takes longer.\n")
    if "classroom" in data:
        parts.append(classroom.details(data["classroom"]))
    return "\n".join(parts)


def write_results(data: dict, rows: list[list[str]], meta: dict) -> None:
    m = meta["machine"]
    load = meta["load"]
    lines = [
        "# Benchmarks: lesson_lib against 🤗 Transformers",
        "",
        f"Measured {meta['date']} with `{meta['command']}` ({meta['wall_min']:.0f} min).",
        "",
        f"**Machine:** {m['cores']} cores, {m['ram_gb']} GB RAM, {m['cpu']}, {m['os']}; Python {m['python']}, "
        f"torch {m['torch']}, transformers {m['transformers']}, tokenizers {m['tokenizers']}, "
        f"matplotlib {m['matplotlib']}, ipywidgets {m['ipywidgets']}.",
        "",
        f"**How quiet the machine was:** 1-minute load average {load['median']:.2f} (median), "
        f"{load['min']:.2f}–{load['max']:.2f} while the benchmarks ran (the benchmarks' own processes add "
        f"up to about 1.5){meta.get('quiet_note', '')}. CPU speed probe (a fixed pure-Python loop, best of 3): "
        f"{meta['cpu_probe_ms'][0]:.0f} ms before, {meta['cpu_probe_ms'][1]:.0f} ms after; "
        "smaller is faster.",
        "",
        "Timings are medians over repeated runs; every ratio is lesson_lib / transformers from the same run, "
        "the two sides interleaved. Rows marked *cached* were not measured in this run.",
        "",
        markdown_table(rows),
        "",
        "## Details",
        "",
        details(data),
        "<!-- bench-data",
        json.dumps(data, sort_keys=True),
        "-->",
        "",
    ]
    RESULTS_MD.write_text("\n".join(lines), encoding="utf-8")


# --- main ------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(DEFAULT_SECTIONS),
                    help=f"comma-separated subset of {','.join(SECTIONS)} (default: all but classroom)")
    ap.add_argument("--skip-install", action="store_true", help="keep the last install measurement (slow: minutes)")
    ap.add_argument("--quick", action="store_true", help="few repetitions, for checking the harness")
    ap.add_argument("--reps", type=int, default=5, help="cold-start runs per variant (default 5)")
    ap.add_argument("--updates", type=int, default=30, help="timed updates per widget scenario (default 30)")
    ap.add_argument("--wait-quiet", type=float, default=None, metavar="LOAD",
                    help="wait until the 1-minute load average is below LOAD before starting")
    ap.add_argument("--wait-max", type=float, default=180, metavar="MIN",
                    help="with --wait-quiet: start anyway after this many minutes (default 180)")
    ap.add_argument("--no-write", action="store_true", help="print the table only; leave results.md alone")
    room = ap.add_argument_group("classroom (8.)")
    room.add_argument("--learners", type=int, default=30, help="simulated learners (default 30)")
    room.add_argument("--chapter", default=classroom.DEFAULT_CHAPTER, help="notebook under notebooks/, no .ipynb "
                      f"(default {classroom.DEFAULT_CHAPTER})")
    room.add_argument("--spread", type=float, default=60.0, help="seconds within which the learners arrive (default 60)")
    room.add_argument("--kill-kernel", type=int, default=0, metavar="K",
                      help="SIGKILL K learners' kernels mid-chapter; they restart and finish (default 0)")
    room.add_argument("--restart-hub", action="store_true",
                      help="stop and start the hub while the servers run (the proxy and servers stay up)")
    room.add_argument("--learner-timeout", type=float, default=900.0, metavar="S",
                      help="seconds a learner may take from arrival to a ready server (default 900)")
    args = ap.parse_args(argv)

    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    if args.skip_install and "install" in sections:
        sections.remove("install")
    reps = 1 if args.quick else args.reps
    updates = 8 if args.quick else args.updates

    def log(msg: str) -> None:
        print(msg, flush=True)

    meta: dict = {"command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])}
    if args.wait_quiet is not None:
        quiet = wait_until_quiet(args.wait_quiet, give_up_s=args.wait_max * 60, log=log)
        meta["quiet_note"] = (f"; the run waited {quiet['waited_s'] / 60:.0f} min for the load average to fall below "
                              f"{args.wait_quiet}" + (" and gave up" if quiet.get("gave_up") else ""))
    python = kit_python()
    meta["machine"] = machine(python)
    today = dt.date.today().isoformat()
    data = read_cache()
    meta["cpu_probe_ms"] = [cpu_probe()]
    sampler = LoadSampler()
    sampler.start()
    t0 = time.time()
    log(f"benchmarks: {', '.join(sections)} with {python}; load average now {load_average()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        if {"cold", "latency"} & set(sections):
            log("exporting lesson_lib.DEFAULT_MODEL with save_pretrained (model + tokenizer) ...")
            cold_start.export_default(folder)
        for section in sections:
            load_before = load_average()[0]
            log(f"[{section}]")
            if section == "cold":
                result = cold_start.measure(folder, reps=reps, log=log)
            elif section == "latency":
                result = latency.measure(folder, seed_reps=20 if args.quick else 100, big_reps=3 if args.quick else 25,
                                         log=log)
            elif section == "widgets":
                result = views_latency.measure(n=updates, log=log)
            elif section == "nbval":
                result = nbval_suite.measure(log=log)
            elif section == "memory":
                result = peak_memory.measure(log=log)
            elif section == "explain":
                result = explain_latency.measure(n=updates, log=log)
            elif section == "classroom":
                result = classroom.measure(learners=args.learners, chapter=args.chapter, spread=args.spread,
                                           kill_kernel=args.kill_kernel, restart_hub=args.restart_hub,
                                           timeout=args.learner_timeout, log=log)
            else:
                result = install_size.measure(log=log)
            data[section] = {"measured": today, "result": result, "quick": args.quick,
                             "load_before": load_before, "load_after": load_average()[0]}
            # Kept as it comes (bench/_work/ is git-ignored), so a crash later loses nothing measured.
            WORK.mkdir(exist_ok=True)
            (WORK / "last_data.json").write_text(json.dumps({"data": data, "meta": meta}, indent=1))
    meta["load"] = sampler.stop()
    meta["cpu_probe_ms"].append(cpu_probe())
    meta["wall_min"] = (time.time() - t0) / 60
    meta["date"] = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    rows = table_rows(data, set(sections))
    print()
    print(text_table(rows))
    print(f"\nload average during the run: median {meta['load']['median']:.2f}, max {meta['load']['max']:.2f}; "
          f"CPU probe {meta['cpu_probe_ms'][0]:.0f} / {meta['cpu_probe_ms'][1]:.0f} ms (before / after)")
    if not args.no_write:
        write_results(data, rows, meta)
        print(f"wrote {RESULTS_MD.relative_to(ROOT)}")
    if "classroom" in sections:
        print(data["classroom"]["result"]["line"])  # the run's one-line verdict, last
    return 0


if __name__ == "__main__":
    sys.exit(main())
