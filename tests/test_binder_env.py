"""Binder, the closest we can get without Docker: an environment built from binder/ alone runs every notebook.

repo2docker (mybinder.org) reads only binder/: runtime.txt (Python), requirements.txt
(``pip install -r``), then postBuild. This test does the same in a fresh virtual environment:

1. a venv of the Python that runtime.txt names;
2. ``pip install -r binder/requirements.txt``, translated for this machine: the PyTorch CPU
   index is not reachable here, so its ``--extra-index-url`` line is dropped and pip takes the
   same ``torch==2.13.0`` CPU build this machine offers;
3. postBuild, command by command, with that venv first on PATH (its ``--no-cache-dir`` dropped,
   so pip's cache is reused);
4. JupyterLab in that venv serves Korean (the language pack and the shipped overrides.json);
5. nbval over every notebook, kernel in that venv (``--nbval-current-env``). pytest and nbval
   are added for this step only: they are test tools, not part of the Binder image.

Nothing from pyproject.toml's extras is used: a dependency missing from binder/ fails here.
Slow (a few minutes: most of it torch and the notebooks); leave it out with ``-m "not binder"``.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import BINDER, CPU_INDEX, ROOT

pytestmark = pytest.mark.binder

ARTIFACTS = ROOT / "tests" / "_artifacts"
LOG = ARTIFACTS / "binder-env.log"
# The variables ./kit test sets for nbval (tools/build_notebooks.py executes the notebooks under them).
sys.path.insert(0, str(ROOT / "tools"))
from build_notebooks import TEST_ENV  # noqa: E402


def _python_for_runtime() -> str | None:
    """The interpreter binder/runtime.txt asks for ("python-3.11"), if this machine has it."""
    version = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip().removeprefix("python-")
    if ".".join(map(str, sys.version_info[:2])) == version:
        return sys.executable
    return shutil.which(f"python{version}")


def _run(cmd, *, env=None, cwd=ROOT, timeout=1800, what=""):
    """Run a step, its output appended to the log; fail with the log's tail when it fails."""
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(f"\n$ {shlex.join(map(str, cmd))}\n")
        log.flush()
        start = time.monotonic()
        done = subprocess.run(list(map(str, cmd)), env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                              timeout=timeout, check=False)
        log.write(f"[exit {done.returncode} after {time.monotonic() - start:.0f} s]\n")
    if done.returncode != 0:
        tail = "\n".join(LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])
        pytest.fail(f"{what or cmd[0]} failed (exit {done.returncode}); log {LOG}:\n{tail}")


def translated_requirements(folder: Path) -> Path:
    """binder/requirements.txt without the PyTorch CPU index (unreachable here), written to folder."""
    kept = []
    for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if shlex.split(line, comments=True) == ["--extra-index-url", CPU_INDEX]:
            continue
        kept.append(line)
    path = folder / "requirements.txt"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def translated_postbuild(folder: Path) -> Path:
    """binder/postBuild with `--no-cache-dir` dropped from its pip lines (the test reuses pip's cache)."""
    lines = []
    for line in (BINDER / "postBuild").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True) if not line.rstrip().endswith("\\") else []
        if "pip" in words and "install" in words:
            line = line.replace(" --no-cache-dir", "")
        lines.append(line)
    path = folder / "postBuild"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_korean_jupyterlab(venv: Path, env: dict, home: Path) -> None:
    """Start JupyterLab from the venv and ask it for the language setting and the Korean pack."""
    port, token = _free_port(), secrets.token_hex(16)
    server_env = dict(env, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
                      JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
                      JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    cmd = [venv / "bin" / "python", "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={ROOT / 'notebooks'}", "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with open(LOG, "a", encoding="utf-8") as log:
        proc = subprocess.Popen(list(map(str, cmd)), env=server_env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def get(path: str):
        request = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))

    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"JupyterLab from the Binder environment exited at start (log {LOG})"
            try:
                get("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab from the Binder environment did not answer in 90 s (log {LOG})")
                time.sleep(0.5)
        # An override changes the setting's default (the user's own choice, none here, would win).
        setting = get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
        locale = setting["settings"].get("locale", setting["schema"]["properties"]["locale"].get("default"))
        assert locale == "ko_KR", f"binder/overrides.json did not reach JupyterLab: the locale is {locale!r}"
        languages = get("/lab/api/translations/")["data"]
        assert "ko_KR" in languages, f"the Korean language pack is not installed (languages: {sorted(languages)})"
        pack = get("/lab/api/translations/ko_KR")
        assert pack.get("data"), "the Korean language pack has no translations"
    finally:
        os.kill(proc.pid, signal.SIGTERM)  # the server we started, by its pid
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def notebooks_to_check() -> list[Path]:
    found = []
    for lang in ("ko", "en"):
        folder = ROOT / "notebooks" / lang
        if folder.is_dir():
            found += sorted(folder.glob("*.ipynb"))
    return found


def test_binder_environment_runs_every_notebook(tmp_path_factory):
    python = _python_for_runtime()
    if python is None:
        pytest.skip(f"binder/runtime.txt asks for {(BINDER / 'runtime.txt').read_text().strip()}, "
                    "which this machine does not have")
    notebooks = notebooks_to_check()
    if not notebooks:
        pytest.skip("no notebooks in notebooks/{ko,en}/ yet")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    LOG.write_text(f"Binder environment test, {time.strftime('%Y-%m-%d %H:%M:%S')}\n", encoding="utf-8")
    work = tmp_path_factory.mktemp("binder")
    venv = work / "venv"
    # The variables of this pytest run, less what would leak the kit's own environment in.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["NB_PYTHON_PREFIX"] = str(venv)  # what repo2docker sets for postBuild
    py = venv / "bin" / "python"
    steps = {}
    try:
        t = time.monotonic()
        _run([python, "-m", "venv", venv], what="python -m venv")
        _run([py, "-m", "pip", "install", "--quiet", "-r", translated_requirements(work)], env=env,
             what="pip install -r binder/requirements.txt")
        steps["requirements"] = time.monotonic() - t

        t = time.monotonic()
        _run(["bash", translated_postbuild(work)], env=env, what="binder/postBuild")
        steps["postBuild"] = time.monotonic() - t

        t = time.monotonic()
        check_korean_jupyterlab(venv, env, work)
        steps["jupyterlab ko"] = time.monotonic() - t

        t = time.monotonic()
        _run([py, "-m", "pip", "install", "--quiet", "pytest", "nbval"], env=env, what="pip install pytest nbval")
        ini = work / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")  # not the repository's settings or plugins
        cmd = [py, "-m", "pytest", "-c", ini, "--rootdir", ROOT, "-p", "no:cacheprovider", "-q",
               "--nbval", "--nbval-current-env"]
        sanitize = ROOT / "notebooks" / "nbval_sanitize.cfg"  # the same one the main suite uses, if any
        if sanitize.exists():
            cmd += ["--nbval-sanitize-with", sanitize]
        _run(cmd + notebooks, env=dict(env, **TEST_ENV), timeout=3600, what="nbval in the Binder environment")
        steps["nbval"] = time.monotonic() - t
    finally:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write("\nsteps: " + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items()) + "\n")
        if not os.environ.get("LESSON_KEEP_BINDER_ENV"):
            shutil.rmtree(venv, ignore_errors=True)  # about 1.5 GB, mostly torch
    print("binder environment: " + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items()) + f" (log {LOG})")

