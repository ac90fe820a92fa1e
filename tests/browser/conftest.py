"""One JupyterLab server and one headless Chromium for all browser tests.

The server runs on localhost on a free port with a random token, in this Python environment,
with settings of its own (``JUPYTERLAB_SETTINGS_DIR``): the notebook not virtualised
(``windowingMode: "none"``, so every cell is in the page), no news toast. It is stopped by its
process id at the end. Chromium is Debian's ``/usr/bin/chromium``, driven by the ``playwright``
package (no browser download: ``playwright install`` is never used).

The notebooks run in a few lanes at a time (``LESSON_BROWSER_PAGES``, default 2: one kernel per
core), each lane one JupyterLab page that opens its notebooks one after another (loading
JupyterLab once per lane, not once per notebook). This happens the first time a test asks for a
result; each test then checks its notebook's result.

Used in: tests/browser/test_lab_e2e.py.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .lab_driver import (NOTEBOOKS, ROOT, VIEWPORT, NotebookRun, PageBroken, drive_notebook, open_lab, shut_down_kernel,
                        watch_console)

ARTIFACTS = ROOT / "tests" / "_artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path(os.environ.get("LESSON_CHROMIUM", "/usr/bin/chromium"))
# Chromium flags for this machine: no sandbox (we are root), no GPU, and none of the background
# connections a closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PAGES_AT_ONCE = int(os.environ.get("LESSON_BROWSER_PAGES", "2"))
# LESSON_BROWSER_FULL_SCREENSHOTS=1 adds a picture of each whole notebook (a few seconds each).
FULL_SCREENSHOTS = os.environ.get("LESSON_BROWSER_FULL_SCREENSHOTS", "") not in ("", "0")

# JupyterLab user settings for the test (one file per plugin, as JupyterLab stores them).
LAB_SETTINGS = {
    # JupyterLab 4 virtualises long notebooks: cells off screen are not in the page at all.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No "would you like news?" toast over the notebook, no update check on a closed network.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    # The extension manager would ask PyPI for extensions.
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
    # The test clears and re-runs every notebook: never write that back.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return ("the 'playwright' package is not installed in this environment "
                "(./kit test installs it: it is in the test extra)")
    if not CHROMIUM.exists():
        return (f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk; "
                "./kit test does this when run as root)")
    if importlib.util.find_spec("jupyterlab") is None:
        return "jupyterlab is not installed in this environment"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    def __init__(self, proc: subprocess.Popen, port: int, token: str, log: Path, root: Path):
        self.proc, self.port, self.token, self.log, self.root = proc, port, token, log, root
        self.base_url = f"http://127.0.0.1:{port}"

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """A JupyterLab server on a free localhost port, serving notebooks/; stopped by its pid at the end."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("lab")
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        file = settings / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(values), encoding="utf-8")
    # Serve a copy of notebooks/: what the chapters write next to themselves (a saved model
    # folder, say) stays out of the work tree.
    served = home / "notebooks"
    shutil.copytree(NOTEBOOKS, served, ignore=shutil.ignore_patterns("_source", ".ipynb_checkpoints"))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.update({
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),  # no personal jupyter_server_config.py
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        # lesson_lib from this work tree, installed or not (as tools/build_notebooks.py does).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "HF_HUB_OFFLINE": "1",  # tests never reach a model hub
    })
    # What ./kit test exports for nbval, a learner's kernel does not have: progress bars are
    # drawn (as widgets), and the chapters choose `%matplotlib inline` themselves.
    for name in ("MPLBACKEND", "TQDM_DISABLE"):
        env.pop(name, None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "jupyterlab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}",
           # window.jupyterapp: the test reads cell outputs and tags from JupyterLab's own model.
           "--LabApp.expose_app_in_browser=True",
           "--LabApp.extension_manager=readonly"]  # no extension search on PyPI
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI and this kind of machine run as root
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=str(home), stdout=out, stderr=subprocess.STDOUT)
    server = LabServer(proc, port, token, log, served)
    try:
        deadline = time.monotonic() + 180  # generous: the machine may be busy (a training job, other tests)
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {proc.returncode} at start:\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(f"{server.base_url}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer on port {port} within 180 s:\n{server.log_tail()}")
            time.sleep(0.5)
        yield server
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started, by its pid: SIGTERM (it shuts its kernels down), then SIGKILL."""
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


async def _drive_all(server: LabServer, notebooks: list[Path]) -> list:
    """Run the notebooks in PAGES_AT_ONCE lanes: one JupyterLab page each, notebooks one after another."""
    from playwright.async_api import async_playwright

    queue: asyncio.Queue = asyncio.Queue()
    for nb in notebooks:
        queue.put_nowait(nb)
    runs: dict[Path, object] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        # One context for all pages: they share the HTTP cache, so JupyterLab's scripts load once.
        context = await browser.new_context(viewport=VIEWPORT)
        try:
            async def lane(k: int):
                page = None
                while not queue.empty():
                    nb = queue.get_nowait()
                    rel = nb.relative_to(NOTEBOOKS).as_posix()
                    if page is None:
                        try:
                            page = await open_lab(context, server.base_url, server.token, f"lane-{k}")
                        except Exception as err:
                            runs[nb] = NotebookRun(path=nb, rel=rel, problems=[
                                f"JupyterLab did not load in the browser: {type(err).__name__}: {err}"[:500]])
                            continue
                        watch_console(page)
                    try:
                        runs[nb] = await drive_notebook(page, nb, rel, SCREENSHOTS, full_screenshots=FULL_SCREENSHOTS)
                    except PageBroken as broken:
                        runs[nb] = broken.run
                        try:
                            await shut_down_kernel(server.base_url, server.token, rel, context.request)
                        finally:
                            await page.close()
                            page = None
                if page is not None:
                    await page.close()

            await asyncio.gather(*(lane(k) for k in range(max(1, PAGES_AT_ONCE))))
        finally:
            await browser.close()
    return [runs[nb] for nb in notebooks]


def _selected_notebooks(session) -> list[Path]:
    chosen = []
    for item in session.items:
        spec = getattr(item, "callspec", None)
        nb = spec.params.get("notebook") if spec else None
        if isinstance(nb, Path) and nb not in chosen:
            chosen.append(nb)
    return chosen


@pytest.fixture(scope="session")
def lab_runs(request, lab_server):
    """{notebook path: NotebookRun} for every chapter notebook this pytest run selected (run once)."""
    notebooks = _selected_notebooks(request.session)
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)  # only this run's pictures
    start = time.monotonic()
    runs = asyncio.run(_drive_all(lab_server, notebooks))
    elapsed = time.monotonic() - start
    request.config.stash[RUNS_KEY] = (runs, elapsed)
    return {r.path: r for r in runs}


RUNS_KEY = pytest.StashKey[tuple]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Where the screenshots are, and how long each notebook took."""
    if RUNS_KEY not in config.stash:
        return
    runs, elapsed = config.stash[RUNS_KEY]
    tr = terminalreporter
    tr.section("browser: JupyterLab in headless Chromium")
    tr.write_line(f"screenshots: {SCREENSHOTS}")
    tr.write_line(f"{len(runs)} notebook(s) in {elapsed:.0f} s, {PAGES_AT_ONCE} page(s) at a time")
    for r in runs:
        t = r.timings
        tr.write_line(
            f"  {r.rel:34} {'ok  ' if not r.problems else 'FAIL'} total {t.get('total', 0):5.1f} s "
            f"(open {t.get('open', 0):4.1f}, run all {t.get('run_all', 0):5.1f}, views {t.get('views', 0):4.1f}, "
            f"widget {t.get('use_widget', 0):4.1f}, shots {t.get('screenshots', 0):4.1f}, "
            f"close {t.get('close', 0):4.1f}) "
            f"cells {r.code_cells:2}, widget views {r.widget_views:2}, Hangul {'yes' if r.hangul_in_page else 'no '}"
            f" (in widgets {'yes' if r.hangul_in_widgets else 'no'})")
        if r.interaction:
            tr.write_line(f"      used: {r.interaction}")
        for note in r.notes:
            tr.write_line(f"      note: {note}")
