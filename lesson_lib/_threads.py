"""How many threads torch may use: this process's share of the CPUs, not the host's core count.

Not a stage of the pipeline. torch starts one thread per core of the *machine*; in a Binder pod
or a classroom server, thirty kernels on a 32-core host may each get one or two CPUs (the
container's CPU quota, or a CPU set), and thirty times 32 threads fighting for them make every
forward pass slower. So, the first time the kit needs torch, it lowers torch's thread count to

    min(CPUs this process may run on (affinity), ceil(cgroup CPU quota / period))

and never raises it. You decide instead with ``LESSON_LIB_THREADS=n`` (the kit sets exactly n),
``OMP_NUM_THREADS=n`` (torch reads it itself; the kit then changes nothing), or
``torch.set_num_threads(n)`` after the first model is imported.

>>> threads_for(cpus=16, quotas=["200000 100000"], env={})
2

Used in: __init__.py (the first name that needs torch), modeling.py; tests/test_threads.py.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import InputValueError

ENV_VAR = "LESSON_LIB_THREADS"
# cgroup v2 (one tree) and v1 (one tree per controller) mount points, the usual ones in containers.
V2_ROOTS = (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified"))
V1_ROOTS = (Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup/cpu,cpuacct"))

_fitted: list[int | None] = []  # the decision, made once per process


def threads_for(cpus: int, quotas: Iterable[str], env: Mapping[str, str]) -> int | None:
    """The thread count for torch, or None when the user's OMP_NUM_THREADS already decides.

    ``cpus``: how many CPUs the process may run on; ``quotas``: cgroup limits as "quota period"
    texts (cgroup v2's ``cpu.max``: "max 100000" means no limit; v1's quota -1 as well);
    ``env``: the environment. A limit of 1.5 CPUs gives 2 threads (ceil): the second thread
    is busy half the time, which is still better than waiting.

    >>> threads_for(cpus=4, quotas=["max 100000"], env={})
    4
    >>> threads_for(cpus=4, quotas=[], env={"LESSON_LIB_THREADS": "1"})
    1
    """
    wanted = env.get(ENV_VAR, "").strip()
    if wanted:
        if not wanted.isdigit() or int(wanted) < 1:
            raise InputValueError("error.threads.not_a_count", ENV_VAR=ENV_VAR, wanted=f"{wanted!r}")
        return int(wanted)
    if env.get("OMP_NUM_THREADS", "").strip():
        return None  # torch has read it at start-up: the user's choice stands
    n = max(1, int(cpus))
    for text in quotas:
        parts = text.split()
        if len(parts) != 2 or parts[0] == "max":
            continue
        try:
            quota, period = int(parts[0]), int(parts[1])
        except ValueError:
            continue  # a file we do not understand limits nothing
        if quota > 0 and period > 0:
            n = min(n, max(1, math.ceil(quota / period)))
    return n


def _own_cgroups() -> tuple[str | None, str | None]:
    """This process's cgroup path in the v2 tree and in v1's cpu tree (from /proc/self/cgroup)."""
    v2 = v1 = None
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None, None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2]
        elif "cpu" in parts[1].split(","):
            v1 = parts[2]
    return v2, v1


def read_quotas() -> list[str]:
    """Every CPU limit that applies to this process, as "quota period" texts (none on a plain machine).

    cgroup v2: ``cpu.max`` of the process's cgroup and of each parent (the tightest one counts).
    cgroup v1: ``cpu.cfs_quota_us`` and ``cpu.cfs_period_us``. Files that cannot be read are skipped.
    """
    v2, v1 = _own_cgroups()
    found = []
    for root, own in ((r, v2) for r in V2_ROOTS):
        if own is None:
            continue
        folder = root / own.lstrip("/")
        while True:  # from the process's own cgroup up to the root of the tree
            try:
                found.append((folder / "cpu.max").read_text().strip())
            except OSError:
                pass
            if folder == root or root not in folder.parents:
                break
            folder = folder.parent
    for root in V1_ROOTS:
        for folder in dict.fromkeys([root / (v1 or "").lstrip("/"), root]):
            try:
                quota = (folder / "cpu.cfs_quota_us").read_text().strip()
                period = (folder / "cpu.cfs_period_us").read_text().strip()
            except OSError:
                continue
            found.append(f"{quota} {period}")
    return found


def cpus_allowed() -> int:
    """How many CPUs this process may run on (its affinity mask; the core count where there is none)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


def fit_torch_threads() -> int | None:
    """Apply :func:`threads_for` to torch, once per process; returns the count decided (None: not the kit's call).

    Only lowers torch's count (torch's own default may already be smaller, e.g. physical cores),
    except when LESSON_LIB_THREADS asks for an exact number.
    """
    if _fitted:
        return _fitted[0]
    n = threads_for(cpus_allowed(), read_quotas(), os.environ)
    import torch  # here, not at the top: the tokenizer chapter imports lesson_lib without torch

    if n is not None and (os.environ.get(ENV_VAR, "").strip() or torch.get_num_threads() > n):
        torch.set_num_threads(n)
    _fitted.append(n)
    return n
