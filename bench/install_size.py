"""6. Install footprint: a fresh environment made the way ``./kit`` makes it, its size and the time it took.

Two steps in one new folder (``KIT_VENV``), as a learner and then a tester would meet them:

    KIT_VENV=DIR ./kit lab --version     the learner's install (extras "lab"); jupyter lab only prints its version
    KIT_VENV=DIR ./kit test --co -q      adds the test extras (transformers, nbval, ...); pytest only collects

Sizes are disk usage (``du``) of the whole folder; the biggest packages are listed so that a
change in the footprint can be traced. pip reads the packages from whatever index and cache
this machine is set up with (see the note in results.md): a classroom's first install
downloads them and takes longer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ._common import ROOT


def _du_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024


def _biggest(venv: Path, n: int = 8) -> list[tuple[str, float]]:
    site = next(venv.glob("lib/python*/site-packages"), None)
    if site is None:
        return []
    sizes = [(p.name, _du_mb(p)) for p in site.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__"))]
    return [(name, round(mb, 1)) for name, mb in sorted(sizes, key=lambda x: -x[1])[:n]]


def _run_kit(venv: Path, args: list[str], extras: str) -> tuple[float, str, int]:
    """Run ``./kit ARGS`` with ``KIT_VENV=venv``; returns (seconds, last line of output, exit code).

    The command after the install (jupyter's --version, pytest's collection) may fail for reasons
    of its own; the install counts as done when kit wrote its stamp for ``extras``.
    """
    env = dict(os.environ, KIT_VENV=str(venv))
    for key in ("VIRTUAL_ENV", "PYTHONPATH"):  # the new environment must stand on its own
        env.pop(key, None)
    t0 = time.perf_counter()
    proc = subprocess.run([str(ROOT / "kit"), *args], cwd=str(ROOT), env=env, capture_output=True, text=True,
                          timeout=3600)
    seconds = time.perf_counter() - t0
    stamp = venv / ".kit-installed"
    if not stamp.is_file() or not stamp.read_text().startswith(extras + " "):
        raise RuntimeError(f"./kit {' '.join(args)} did not finish installing (exit {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "", proc.returncode


def measure(log=print) -> dict:
    base = Path(tempfile.mkdtemp(prefix="bench-kit-venv-"))
    venv = base / "venv"
    try:
        lab_s, version, _ = _run_kit(venv, ["lab", "--version"], "lab")
        lab_mb = _du_mb(venv)
        lab_biggest = _biggest(venv)
        log(f"  install: ./kit lab   {lab_s:6.1f} s  {lab_mb:7.0f} MB  (jupyter lab {version})")
        test_s, collected, collect_exit = _run_kit(venv, ["test", "--co", "-q"], "lab,test")
        test_mb = _du_mb(venv)
        log(f"  install: + ./kit test {test_s:6.1f} s  {test_mb:7.0f} MB  ({collected})")
        pip_cache = Path(os.environ.get("PIP_CACHE_DIR", Path.home() / ".cache" / "pip"))
        return {
            "lab_s": lab_s, "lab_mb": lab_mb, "lab_biggest": lab_biggest,
            "test_s": test_s, "test_mb": test_mb, "test_biggest": _biggest(venv),
            "collected": collected, "collect_exit": collect_exit, "pip_cache_present": pip_cache.is_dir(),
        }
    finally:
        shutil.rmtree(base, ignore_errors=True)
