"""5. Peak memory of a kernel running a chapter: the kernel process's high-water mark (VmHWM).

Each chapter notebook is executed cell by cell with nbclient in a kernel of its own (the
kit's Python, the variables ``./kit test`` sets, the notebook's folder as working
directory). Just before the kernel is shut down we read ``VmHWM`` from
``/proc/<kernel pid>/status``: the largest resident set the kernel ever had, which is what
a Binder pod's memory limit sees. The English notebooks are measured; the Korean ones run
the same code cells (tests/test_notebooks.py checks that).

RSS counts a memory-mapped page once per mapping: a chapter that loads the default model
three times shows its weights three times, although the machine holds them once (and shares
them with every other kernel). So after each cell we also read the kernel's PSS
(``/proc/<pid>/smaps_rollup``: each page divided by the number of processes that map it) and
report its largest value, ``max_pss_mb``: what the kernel really adds, sampled between cells.

The resident file pages also depend on the page cache, not only on the kernel: a fault maps the
neighbouring pages of a file that are already cached as well (fault-around). Just after an
install, every page of torch's libraries is cached, so a fresh clone's kernels read up to ~110 MB
more RSS than the same kernels after the cache was dropped (chapter 03: 677 vs 586 MB), with
the same private memory. So we also report ``max_anon_mb``, the largest ``RssAnon`` between cells:
the kernel's own memory, which the page cache does not change.

Child use: ``python -m bench.peak_memory child NOTEBOOK...``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def _proc_mb(path: str, field: str) -> float:
    """One ``Field:  N kB`` line of a /proc file, in MB (VmHWM, RssAnon: status; Pss: smaps_rollup)."""
    for line in Path(path).read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in {path}")


def _child(paths: list[str]) -> None:
    import json

    import nbformat
    from nbclient import NotebookClient

    out = {}
    for path in paths:
        path = Path(path)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=900, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        t0 = time.perf_counter()
        with client.setup_kernel():
            pid = client.km.provisioner.pid
            exe = Path(f"/proc/{pid}/exe").resolve().name
            max_pss = max_anon = 0.0
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
                max_pss = max(max_pss, _proc_mb(f"/proc/{pid}/smaps_rollup", "Pss"))
                max_anon = max(max_anon, _proc_mb(f"/proc/{pid}/status", "RssAnon"))
            peak = _proc_mb(f"/proc/{pid}/status", "VmHWM")
        out[path.name] = {"peak_rss_mb": peak, "max_pss_mb": max_pss, "max_anon_mb": max_anon,
                          "seconds": time.perf_counter() - t0, "kernel_exe": exe}
        sys.stderr.write(f"{path.name}: {peak:.0f} MB\n")
    sys.stdout.write("BENCH-RESULT " + json.dumps(out) + "\n")


def measure(log=print) -> dict:
    from ._common import ROOT, run_child

    notebooks = sorted((ROOT / "notebooks" / "en").glob("*.ipynb"))
    result, _, wall = run_child(["-m", "bench.peak_memory", "child", *map(str, notebooks)], timeout=3600)
    ranked = sorted(result.items(), key=lambda kv: -kv[1]["peak_rss_mb"])
    for name, r in ranked[:3]:
        log(f"  peak kernel RSS {r['peak_rss_mb']:7.0f} MB, PSS {r.get('max_pss_mb', 0):5.0f} MB, "
            f"private {r.get('max_anon_mb', 0):5.0f} MB  {name}  "
            f"({r['seconds']:.1f} s)")
    return {"per_notebook": dict(ranked), "max_mb": ranked[0][1]["peak_rss_mb"], "heaviest": ranked[0][0],
            "wall_s": wall}


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "child":
        _child(sys.argv[2:])
    else:
        sys.exit("usage: python -m bench.peak_memory child NOTEBOOK...")
