"""4. The whole notebook suite under nbval: wall time, and which notebook is the slowest.

Runs ``python -m pytest --nbval --nbval-current-env notebooks/`` with the variables
``./kit test`` exports, and ``--durations=0`` so pytest reports every cell's setup, call
and teardown time; a notebook's time is the sum over its cells (its kernel's start-up is
in its first cell's setup).
"""

from __future__ import annotations

import re
import subprocess
import time
from collections import defaultdict

from ._common import ROOT, child_env, kit_python

DURATION_RE = re.compile(r"^\s*([\d.]+)s\s+(setup|call|teardown)\s+(\S+?\.ipynb)::")
SUMMARY_RE = re.compile(r"(\d+) (passed|failed|error|errors|skipped|xfailed|xpassed)")


def measure(log=print) -> dict:
    cmd = [kit_python(), "-m", "pytest", "--nbval", "--nbval-current-env", "notebooks/", "-p", "no:cacheprovider",
           "-q", "--durations=0"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=str(ROOT), env=child_env(), capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - t0
    per_file: dict[str, float] = defaultdict(float)
    for line in proc.stdout.splitlines():
        m = DURATION_RE.match(line)
        if m:
            per_file[m.group(3)] += float(m.group(1))
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    counts = {kind: int(k) for k, kind in SUMMARY_RE.findall(tail)}
    ranked = sorted(per_file.items(), key=lambda kv: -kv[1])
    log(f"  nbval suite: {wall:.1f} s wall, {tail.strip('= ')}")
    for name, secs in ranked[:3]:
        log(f"    {secs:6.1f} s  {name}")
    failures = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return {"wall_s": wall, "exit_code": proc.returncode, "summary": tail.strip("= "), "counts": counts,
            "per_notebook_s": dict(ranked), "failures": failures[:10], "command": " ".join(cmd[1:])}
