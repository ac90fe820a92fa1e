"""torch's thread count follows the process's CPU share (affinity, cgroup quota), never the host's core count."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lesson_lib import _threads
from lesson_lib._threads import threads_for
from lesson_lib.errors import InputValueError


@pytest.mark.parametrize("cpus, quotas, expected", [
    (16, [], 16),                                   # a plain machine: its CPUs
    (16, ["max 100000"], 16),                       # cgroup v2 without a limit
    (16, ["200000 100000"], 2),                     # a pod with 2 CPUs on a 16-core host
    (16, ["150000 100000"], 2),                     # 1.5 CPUs: ceil, the second thread half busy
    (16, ["50000 100000"], 1),                      # half a CPU: still one thread
    (2, ["800000 100000"], 2),                      # affinity is tighter than the quota
    (16, ["max 100000", "300000 100000", "400000 100000"], 3),  # the tightest of the cgroup and its parents
    (16, ["-1 100000"], 16),                        # cgroup v1 without a limit
    (8, ["garbage", "", "12 0"], 8),                # files we do not understand limit nothing
    (0, [], 1),                                     # never zero threads
])
def test_threads_follow_affinity_and_quota(cpus, quotas, expected):
    assert threads_for(cpus, quotas, env={}) == expected


def test_the_users_choice_wins():
    assert threads_for(16, ["200000 100000"], env={"LESSON_LIB_THREADS": "5"}) == 5
    assert threads_for(16, ["200000 100000"], env={"OMP_NUM_THREADS": "3"}) is None  # torch read it itself
    assert threads_for(16, ["200000 100000"], env={"OMP_NUM_THREADS": " "}) == 2  # empty means unset


@pytest.mark.parametrize("bad", ["0", "two", "-1", "1.5"])
def test_a_bad_lesson_lib_threads_says_what_to_set(bad):
    with pytest.raises(InputValueError, match=r"LESSON_LIB_THREADS.*whole number.*" + __import__("re").escape(repr(bad))):
        threads_for(4, [], env={"LESSON_LIB_THREADS": bad})


def test_read_quotas_finds_the_v2_limit_of_the_cgroup_and_its_parents(tmp_path, monkeypatch):
    root = tmp_path / "cgroup"
    (root / "kubepods" / "pod1").mkdir(parents=True)
    (root / "kubepods" / "cpu.max").write_text("400000 100000\n")
    (root / "kubepods" / "pod1" / "cpu.max").write_text("150000 100000\n")
    monkeypatch.setattr(_threads, "V2_ROOTS", (root,))
    monkeypatch.setattr(_threads, "V1_ROOTS", ())
    monkeypatch.setattr(_threads, "_own_cgroups", lambda: ("/kubepods/pod1", None))
    assert sorted(_threads.read_quotas()) == ["150000 100000", "400000 100000"]
    assert threads_for(32, _threads.read_quotas(), env={}) == 2


def test_read_quotas_finds_the_v1_limit(tmp_path, monkeypatch):
    root = tmp_path / "cpu"
    root.mkdir()
    (root / "cpu.cfs_quota_us").write_text("100000\n")
    (root / "cpu.cfs_period_us").write_text("100000\n")
    monkeypatch.setattr(_threads, "V2_ROOTS", ())
    monkeypatch.setattr(_threads, "V1_ROOTS", (root,))
    monkeypatch.setattr(_threads, "_own_cgroups", lambda: (None, "/docker/abc"))  # not visible inside: the root's
    assert _threads.read_quotas() == ["100000 100000"]


def _threads_in_fresh_process(env: dict, code: str = "") -> str:
    script = ("import os, torch\n"
              "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # a share of one CPU\n"
              f"{code}\n"
              "from lesson_lib import AutoConfig, BertModel\n"
              "print(torch.get_num_threads())\n")
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "LESSON_LIB_THREADS")}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={**clean, **env})
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and at least 2 CPUs to narrow the affinity")
def test_the_first_model_name_fits_torch_to_the_affinity():
    assert _threads_in_fresh_process({}, "torch.set_num_threads(2)") == "1"  # lowered to the share
    assert _threads_in_fresh_process({"LESSON_LIB_THREADS": "2"}) == "2"     # asked for exactly 2
    assert _threads_in_fresh_process({"OMP_NUM_THREADS": "2"}) == "2"        # torch's own variable is left alone
