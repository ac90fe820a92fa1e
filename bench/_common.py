"""What every benchmark shares: paths, the Python that runs the measurements, child processes, statistics.

The orchestrator (run.py) never imports torch itself: every measurement runs in a child
process started with the kit's Python (``.venv/bin/python``), so ``python bench/run.py``
works from any Python 3 and each measurement starts from a known state.
A child reports by printing one JSON line that starts with ``RESULT_PREFIX``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS_MD = BENCH / "results.md"
RESULT_PREFIX = "BENCH-RESULT "

SEED_TEXTS = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]

# What `./kit test` exports, plus PYTHONPATH so that lesson_lib is this tree's whether or not
# the environment has it installed (the kit installs it editable; a hand-made .venv may not).
KIT_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TQDM_DISABLE": "1",
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def kit_python() -> str:
    """The kit's interpreter if it exists, else the one running us."""
    venv = Path(os.environ.get("KIT_VENV", ROOT / ".venv"))
    candidate = venv / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(KIT_ENV)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.update(extra)
    return env


def run_child(args: list[str], *, python: str | None = None, timeout: float = 1800, env=None,
              cwd: Path | None = None) -> tuple[dict, float, float]:
    """Run ``python -m bench.<...> args`` (or a script) and return (its JSON result, spawn time, wall seconds).

    ``spawn time`` is ``time.time()`` just before the process was started, so a child can report
    "first prediction at" in the same clock and the parent can subtract.
    """
    cmd = [python or kit_python(), *args]
    t_spawn = time.time()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=str(cwd or ROOT), env=env or child_env(), capture_output=True, text=True,
                          timeout=timeout)
    wall = time.perf_counter() - t0
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
    if proc.returncode != 0 or result is None:
        raise RuntimeError(
            f"benchmark child failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-3000:]}"
        )
    return result, t_spawn, wall


def report(result: dict) -> None:
    """Called in a child: hand ``result`` to the parent."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


# --- statistics ----------------------------------------------------------------------------

def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks (numpy's default)."""
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --- the machine -------------------------------------------------------------------------

def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def machine(python: str) -> dict:
    """Cores, RAM, CPU model, OS and the versions that matter, read in the kit's Python."""
    probe = (
        "import json, platform, sys\n"
        "out = {'python': platform.python_version()}\n"
        "for name in ('torch', 'transformers', 'tokenizers', 'safetensors', 'matplotlib', 'ipywidgets', 'nbval', 'numpy'):\n"
        "    try:\n"
        "        from importlib.metadata import version\n"
        "        out[name] = version(name)\n"
        "    except Exception:\n"
        "        out[name] = None\n"
        "print(json.dumps(out))\n"
    )
    versions = json.loads(subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True).stdout)
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(ram_gb(), 1),
        "cpu": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        **versions,
    }
