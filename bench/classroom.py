"""8. A class on one hub: N simulated learners on a real JupyterHub on 127.0.0.1.

    ./kit bench --only classroom --learners 30                 # the issue's target run (minutes)
    ./kit bench --only classroom --learners 3 --spread 10 --no-write
    ./kit bench --only classroom --learners 4 --kill-kernel 1 --restart-hub

What runs: a JupyterHub (DummyAuthenticator, SimpleLocalProcessSpawner: single-user servers as
the current user, each with a home of its own under bench/_work/classroom/) behind a
configurable-http-proxy that we start ourselves, so the hub can be restarted while the proxy and
the servers keep running. The bench talks to the hub only through its REST API, with a service
token, the way a browser's clicks would end up there:

1. learner i arrives (N arrivals spread at random over ``--spread`` seconds, the first at 0),
   is created and gets a server (POST /hub/api/users/NAME/server, then polls until ready);
2. starts a kernel for the chapter (POST /user/NAME/api/kernels with the notebook's path, so the
   kernel's working folder is the notebook's, as in JupyterLab);
3. runs every code cell through the kernel's websocket (the Jupyter messaging protocol:
   execute_request, then execute_reply and status idle);
4. changes one widget value through the comm channel (a text box of the chapter's view, or a
   slider) and waits for the view's new picture (the kernel's update of an Image model, or a
   display message) in reply to that change.

Meanwhile a sampler reads PSS and RSS (/proc/PID/smaps_rollup) of every process the run
started, MemAvailable and the load average. PSS splits a shared page between the processes
that map it, so the sum of PSS is what the class really costs in RAM.

Everything the run starts carries ``CLASSROOM_BENCH_RUN=<run id>`` in its environment (the hub
and the proxy from us, the servers through ``Spawner.environment``, the kernels from their
server), so it is stopped by process id in the end, even after Ctrl-C, an exception, or a
hub restart that left the servers without their parent; the parent process sweeps once more
after the driver has exited.

Faults: ``--kill-kernel K`` SIGKILLs K learners' kernels halfway through the chapter (what the
out-of-memory killer does to a learner's kernel); those learners restart their kernel and run
the chapter again (counted as recovered, not failed). ``--restart-hub`` stops the hub once half
of the learners have their server and starts it again (servers and proxy keep running:
``cleanup_servers = cleanup_proxy = False``); learners keep working, and the ones arriving
meanwhile retry until the hub answers.

What it installs, once (a stamp in bench/_work/): ``jupyterhub`` into bench/_work/hub-venv, a
virtual environment that sees the kit's .venv through a .pth file (the kernels run the kit's
packages; nothing is installed into .venv), and ``configurable-http-proxy`` from npm into
bench/_work/node (never globally).

Child use (the driver, run with the hub venv's Python): ``python -m bench.classroom child CONFIG.json``.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench._common import BENCH, KIT_ENV, RESULT_PREFIX, ROOT, kit_python, percentile  # noqa: E402

WORK = BENCH / "_work"
HUB_VENV = WORK / "hub-venv"
NODE_PREFIX = WORK / "node"
CLASS_DIR = WORK / "classroom"
STAMP = WORK / "classroom-tools.json"
HUB_SPEC = "jupyterhub>=5,<7"
# 4.6 is the line that supports node 18 and 20 (what Debian ships); npm never installs it globally here.
CHP_SPEC = "configurable-http-proxy@^4.6"
MARKER = "CLASSROOM_BENCH_RUN"
DEFAULT_CHAPTER = "ko/01_tokenizer"
SERVICE = "classroom-bench"

TARGETS = {"done_p95_s": 180.0, "widget_p95_ms": 1000.0, "pss_per_learner_mb": 350.0}


_DRIVER_LOG = []  # the driver's open log file, if any: its progress lines go there too


def log_stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
    for out in _DRIVER_LOG:
        out.write(time.strftime("%H:%M:%S ") + msg + "\n")
        out.flush()


# --- the pure parts (tests/test_classroom.py) -------------------------------------------------

def arrival_times(n: int, spread: float, seed: int = 0) -> list[float]:
    """When each of n learners arrives (seconds): the first at 0, the others at random within spread.

    >>> arrival_times(3, 60)[0]
    0.0
    """
    if n <= 0:
        return []
    rng = random.Random(seed)
    return [0.0] + sorted(rng.uniform(0, spread) for _ in range(n - 1))


def code_cells(notebook: Path) -> list[str]:
    """The source of every non-empty code cell of a notebook, in order (what "Run all" runs)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if source.strip():
            cells.append(source)
    return cells


def parse_smaps_rollup(text: str) -> dict[str, float]:
    """Rss and Pss (MB) from the text of /proc/PID/smaps_rollup (values there are in kB)."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ("Rss:", "Pss:") and parts[2] == "kB":
            out[parts[0][:-1].lower() + "_mb"] = int(parts[1]) / 1024
    if "rss_mb" not in out or "pss_mb" not in out:
        raise ValueError("no Rss/Pss lines in this smaps_rollup text")
    return out


def _message(msg_type: str, content: dict, session: str, channel: str = "shell") -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session, "username": "learner",
                   "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": [],
    }


def execute_request(code: str, session: str) -> dict:
    """A Jupyter execute_request for the shell channel, as JupyterLab sends for "Run cell"."""
    return _message("execute_request", {"code": code, "silent": False, "store_history": True,
                                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                    session)


def widget_update(comm_id: str, state: dict, session: str) -> dict:
    """The comm_msg a widget front end sends when a control changes (ipywidgets' protocol 2)."""
    return _message("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state,
                                                              "buffer_paths": []}}, session)


def unpack_frame(frame) -> dict:
    """One websocket frame of jupyter_server's default protocol as a message dict.

    A text frame is the JSON message; a binary frame (a message with buffers, e.g. a PNG) is:
    uint32 n, n uint32 offsets (big-endian, from the frame's start), the JSON, then the buffers.
    """
    if isinstance(frame, str):
        msg = json.loads(frame)
        msg.setdefault("buffers", [])
        return msg
    n = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i: 8 + 4 * i], "big") for i in range(n)] + [len(frame)]
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(n)]
    msg = json.loads(parts[0].decode("utf-8"))
    msg["buffers"] = parts[1:]
    return msg


def pick_widget(models: dict[str, dict], learner: int = 0):
    """Which control to change, and to what: (comm_id, state, what), or None if there is none.

    A text box first (new text: the view computes and draws a state it has never seen), then a
    slider with room to move. Only models the chapter created that a learner can edit.
    """
    texts = [(cid, s) for cid, s in models.items()
             if s.get("_model_name") in ("TextModel", "TextareaModel") and not s.get("disabled")
             and isinstance(s.get("value"), str) and s.get("value")]
    if texts:
        cid, s = texts[0]
        return cid, {"value": f"{s['value']} {learner + 1}번 학습자"}, f"{s['_model_name']} {s.get('description', '')!r}"
    for cid, s in models.items():
        if s.get("_model_name") in ("IntSliderModel", "FloatSliderModel") and not s.get("disabled") \
                and s.get("max", 0) > s.get("min", 0):
            lo, hi, value = s["min"], s["max"], s.get("value", s["min"])
            new = hi if value != hi else lo
            return cid, {"value": new}, f"{s['_model_name']} {s.get('description', '')!r} -> {new}"
    return None


def is_picture(msg: dict, models: dict[str, dict]) -> bool:
    """Is this iopub message a new picture of the view: an Image model's value or a display output?"""
    kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
    if kind in ("display_data", "update_display_data", "execute_result"):
        return True
    if kind == "comm_msg":
        data = msg.get("content", {}).get("data", {})
        model = models.get(msg.get("content", {}).get("comm_id"), {})
        if data.get("method") == "update" and model.get("_model_name") == "ImageModel":
            return "value" in data.get("state", {}) or ["value"] in data.get("buffer_paths", [])
        if data.get("method") == "update" and model.get("_model_name") == "OutputModel":
            return "outputs" in data.get("state", {})
    return False


def summarize(result: dict) -> dict:
    """The figures of the report line from the driver's raw result."""
    learners = result["learners"]
    done = [r for r in learners if not r["failed"]]
    per_learner = [r["pss_mb"] for r in learners if r.get("pss_mb") is not None]
    return {
        "n": len(learners),
        "failed": sum(r["failed"] for r in learners),
        "ready_p95_s": percentile([r["ready_s"] for r in learners if r.get("ready_s") is not None], 95),
        "first_output_p95_s": percentile([r["first_output_s"] for r in learners
                                          if r.get("first_output_s") is not None], 95),
        "done_p95_s": percentile([r["done_at_s"] for r in done], 95),
        "widget_p95_ms": percentile([r["widget_ms"] for r in done if r.get("widget_ms") is not None], 95),
        "pss_per_learner_mb": sum(per_learner) / len(per_learner) if per_learner else float("nan"),
        "killed": sum(bool(r.get("killed")) for r in learners),
        "recovered": sum(bool(r.get("killed")) and not r["failed"] for r in learners),
        "unexpected_deaths": sum(r.get("unexpected_deaths", 0) for r in learners),
        # CPU seconds one learner's server and kernel used for the whole chapter: with the class's
        # wall time, what a node's cores must deliver (README, "A whole school").
        "cpu_per_learner_s": _mean([r.get("cpu_s") for r in learners]),
        "rss_per_learner_mb": _mean([(r.get("kernel_rss_mb") or 0) + (r.get("server_rss_mb") or 0)
                                     for r in learners if r.get("kernel_rss_mb") is not None]),
    }


def _mean(values) -> float:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else float("nan")


def report_line(s: dict, faults: dict | None = None) -> str:
    """``classroom: N learners, F failed, ready p95 A s, chapter done p95 B s, widget p95 C ms, PSS per learner D MB``,
    then the faults, if any were asked for."""
    line = (f"classroom: {s['n']} learners, {s['failed']} failed, ready p95 {s['ready_p95_s']:.1f} s, "
            f"chapter done p95 {s['done_p95_s']:.1f} s, widget p95 {s['widget_p95_ms']:.0f} ms, "
            f"PSS per learner {s['pss_per_learner_mb']:.0f} MB")
    extra = []
    if s.get("killed"):
        extra.append(f"{s['killed']} kernel(s) killed, {s['recovered']} recovered")
    if s.get("unexpected_deaths"):
        extra.append(f"{s['unexpected_deaths']} kernel death(s) not ours")
    if faults and faults.get("hub_restart"):
        h = faults["hub_restart"]
        extra.append(f"hub restarted at {h['at_s']:.0f} s, API back after {h['down_s']:.1f} s")
    return line + ("; " + "; ".join(extra) if extra else "")


# --- processes ------------------------------------------------------------------------------------

def marked_processes(run_id: str, proc: Path = Path("/proc")) -> list[int]:
    """Ids of the live processes whose environment has MARKER=run_id (zombies have none left)."""
    needle = f"{MARKER}={run_id}".encode()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return sorted(found)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped; its parent reaps it


def stop_pids(pids, grace: float = 10.0) -> list[int]:
    """SIGTERM each pid, SIGKILL what is still alive after `grace` seconds; the pids that needed SIGKILL."""
    pids = [p for p in pids if p != os.getpid()]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        _reap(pids)
        time.sleep(0.1)
    killed = [p for p in pids if _alive(p)]
    for pid in killed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in killed):
        _reap(killed)
        time.sleep(0.05)
    _reap(pids)
    return killed


def _reap(pids) -> None:
    """Collect those of `pids` that are our own finished children, so they do not linger as zombies."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not our child (a server whose hub has gone), or already collected
            pass


def sweep(run_id: str, grace: float = 10.0) -> list[int]:
    """Stop every process of this run: the single-user servers first (they shut their kernels
    down), then whatever is left. Returns the pids found."""
    pids = marked_processes(run_id)
    servers = [p for p in pids if b"jupyterhub-singleuser" in _cmdline(p)]
    stop_pids(servers, grace)
    rest = marked_processes(run_id)
    stop_pids(rest, grace)
    return pids


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.decode("utf-8", "replace").split("=", 1) for item in raw.split(b"\0") if b"=" in item)


def cpu_seconds(stat_text: str) -> float:
    """utime + stime of a process (seconds) from the text of /proc/PID/stat."""
    fields = stat_text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def process_kind(cmdline: bytes) -> str:
    """hub, proxy, server, kernel or other, from a /proc cmdline (NUL-separated)."""
    if b"ipykernel_launcher" in cmdline:
        return "kernel"
    if b"jupyterhub-singleuser" in cmdline:
        return "server"
    if b"configurable-http-proxy" in cmdline:
        return "proxy"
    if b"jupyterhub" in cmdline:
        return "hub"
    return "other"


def snapshot(run_id: str) -> list[dict]:
    """Every process of the run: pid, kind, learner (JUPYTERHUB_USER of it or of its server), RSS, PSS."""
    rows = []
    for pid in marked_processes(run_id):
        try:
            mem = parse_smaps_rollup(Path(f"/proc/{pid}/smaps_rollup").read_text())
            mem["cpu_s"] = cpu_seconds(Path(f"/proc/{pid}/stat").read_text())
        except (OSError, ValueError, IndexError):
            continue
        cmd = _cmdline(pid)
        user = _environ(pid).get("JUPYTERHUB_USER") or _environ(_ppid(pid)).get("JUPYTERHUB_USER")
        rows.append({"pid": pid, "kind": process_kind(cmd), "user": user,
                     "cmd": cmd.replace(b"\0", b" ").decode("utf-8", "replace")[:200],
                     **mem})
    return rows


def mem_available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_ports(n: int) -> list[int]:
    """n distinct free TCP ports on 127.0.0.1 (bound together, then released)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


# --- installing the hub and the proxy -------------------------------------------------------------

def _venv_site(python: str) -> str:
    return subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def tool_paths() -> dict[str, Path]:
    return {"python": HUB_VENV / "bin" / "python", "jupyterhub": HUB_VENV / "bin" / "jupyterhub",
            "singleuser": HUB_VENV / "bin" / "jupyterhub-singleuser",
            "chp": NODE_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"}


def ensure_installed(log=log_stderr) -> dict[str, Path]:
    """jupyterhub in bench/_work/hub-venv and configurable-http-proxy in bench/_work/node, once."""
    paths = tool_paths()
    want = {"hub_spec": HUB_SPEC, "chp_spec": CHP_SPEC, "kit_python": kit_python()}
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        stamp = {}
    if all(stamp.get(k) == v for k, v in want.items()) and all(p.exists() for p in paths.values()):
        return paths
    WORK.mkdir(parents=True, exist_ok=True)
    install_log = WORK / "classroom-install.log"
    log(f"  installing the classroom's tools (once; output in {install_log.relative_to(ROOT)}) ...")

    def run(cmd, what):
        t0 = time.perf_counter()
        with open(install_log, "a") as out:
            out.write(f"\n$ {' '.join(map(str, cmd))}\n")
            out.flush()
            proc = subprocess.run(list(map(str, cmd)), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  cwd=str(ROOT))
        if proc.returncode != 0:
            tail = install_log.read_text(errors="replace").splitlines()[-20:]
            raise RuntimeError(f"{what} failed (exit {proc.returncode}); the end of {install_log}:\n" + "\n".join(tail))
        log(f"    {what}: {time.perf_counter() - t0:.0f} s")

    if not paths["python"].exists():
        run([kit_python(), "-m", "venv", HUB_VENV], "a virtual environment for the hub")
    # The hub's environment sees the kit's packages (torch, jupyterlab, lesson_lib...) after its own:
    # the kernels run exactly what ./kit lab runs, and pip installs only what jupyterhub adds.
    kit_site = _venv_site(kit_python())
    overlay = Path(_venv_site(str(paths["python"]))) / "zz_kit_packages.pth"
    overlay.write_text(f"import site; site.addsitedir({kit_site!r})\n")
    run([paths["python"], "-m", "pip", "install", "--disable-pip-version-check", HUB_SPEC], f"pip install {HUB_SPEC}")
    if not shutil.which("npm"):
        raise RuntimeError("npm is not installed: configurable-http-proxy needs node and npm "
                           "(Debian: apt-get install nodejs npm)")
    run(["npm", "install", "--prefix", NODE_PREFIX, "--no-audit", "--no-fund", "--loglevel=error", CHP_SPEC],
        f"npm install {CHP_SPEC}")
    versions = subprocess.run([str(paths["python"]), "-c", "import jupyterhub; print(jupyterhub.__version__)"],
                              capture_output=True, text=True, check=True).stdout.strip()
    chp = subprocess.run([str(paths["chp"]), "--version"], capture_output=True, text=True).stdout.strip()
    STAMP.write_text(json.dumps({**want, "jupyterhub": versions, "configurable-http-proxy": chp}, indent=1))
    return paths


def tool_versions() -> dict:
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}
    return {k: stamp.get(k) for k in ("jupyterhub", "configurable-http-proxy")}


# --- the hub's configuration ----------------------------------------------------------------------

def hub_config(run_dir: Path, *, public_port: int, hub_port: int, proxy_api_port: int, proxy_token: str,
               service_token: str, run_id: str, singleuser: str, as_root: bool) -> str:
    """The text of jupyterhub_config.py for one run."""
    env = dict(KIT_ENV)
    env.update({MARKER: run_id, "PYTHONPATH": str(ROOT), "JUPYTER_PLATFORM_DIRS": "1"})
    # The kit's own Jupyter configuration and data (JupyterLab's server extension, its settings,
    # the language pack): a learner's server loads what `./kit lab` loads.
    kit_prefix = Path(kit_python()).parent.parent  # not resolved: bin/python links to the base interpreter
    env["JUPYTER_CONFIG_PATH"] = str(kit_prefix / "etc" / "jupyter")
    env["JUPYTER_PATH"] = str(kit_prefix / "share" / "jupyter")
    # The chapters' temporary folders (saved models) go into the run's folder, which prune_runs
    # deletes: kernels stopped by force (the fault runs, or the end of a run) never remove their own.
    env["TMPDIR"] = str(run_dir / "tmp")
    args = ["--allow-root"] if as_root else []
    return f"""# Written by bench/classroom.py for one run; deleted with the run's folder.
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {public_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{run_dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{run_dir}/jupyterhub_cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
# The proxy is ours (started before the hub), and the servers outlive a hub restart.
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.JupyterHub.cleanup_servers = False
c.JupyterHub.cleanup_proxy = False
c.JupyterHub.services = [{{"name": {SERVICE!r}, "api_token": {service_token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": {SERVICE!r},
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users", "read:servers"],
    "services": [{SERVICE!r}],
}}]
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.environment = {env!r}
c.Spawner.notebook_dir = {str(ROOT / "notebooks")!r}
c.Spawner.default_url = "/lab"
# Thirty servers starting on two cores take minutes, not the default 60 s.
c.Spawner.start_timeout = 900
c.Spawner.http_timeout = 900
c.SimpleLocalProcessSpawner.home_dir_template = "{run_dir}/home/{{username}}"
c.JupyterHub.concurrent_spawn_limit = 0
"""


# --- one learner ----------------------------------------------------------------------------------

class KernelDied(Exception):
    """The kernel went away (killed, or restarted under us) while we waited for it."""


class KernelChannel:
    """One kernel's websocket: sends requests, routes the replies to whoever waits for them,
    and keeps the widget models' state (from comm_open and the kernel's updates)."""

    def __init__(self, ws):
        self.ws = ws
        self.session = uuid.uuid4().hex
        self.waiting: dict[str, asyncio.Queue] = {}
        self.models: dict[str, dict] = {}
        self.closed = False
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        try:
            while True:
                frame = await self.ws.read_message()
                if frame is None:
                    break
                msg = unpack_frame(frame)
                msg["received"] = time.monotonic()
                msg.setdefault("msg_type", msg["header"].get("msg_type"))
                self._track(msg)
                if msg["msg_type"] == "status" and msg["content"].get("execution_state") in ("restarting", "dead"):
                    self._wake_all(KernelDied(f"kernel {msg['content']['execution_state']}"))
                    continue
                queue = self.waiting.get(msg.get("parent_header", {}).get("msg_id"))
                if queue is not None:
                    queue.put_nowait(msg)
        except Exception as error:  # noqa: BLE001 - the socket broke: every waiter hears it
            self._wake_all(KernelDied(f"websocket: {error!r}"))
            return
        self.closed = True
        self._wake_all(KernelDied("websocket closed"))

    def _wake_all(self, error: Exception):
        for queue in self.waiting.values():
            queue.put_nowait(error)

    def _track(self, msg: dict):
        c = msg.get("content", {})
        if msg["msg_type"] == "comm_open" and c.get("target_name") == "jupyter.widget":
            self.models[c["comm_id"]] = dict(c.get("data", {}).get("state", {}))
        elif msg["msg_type"] == "comm_msg" and c.get("comm_id") in self.models:
            data = c.get("data", {})
            if data.get("method") in ("update", "echo_update"):
                paths = {tuple(p) for p in data.get("buffer_paths", [])}
                self.models[c["comm_id"]].update({k: v for k, v in data.get("state", {}).items() if (k,) not in paths})
        elif msg["msg_type"] == "comm_close":
            self.models.pop(c.get("comm_id"), None)

    async def request(self, msg: dict, done, timeout: float) -> list[dict]:
        """Send msg; collect the messages in reply to it until done(replies) is true."""
        msg_id = msg["header"]["msg_id"]
        queue = self.waiting[msg_id] = asyncio.Queue()
        replies = []
        try:
            if self.closed:
                raise KernelDied("websocket closed")
            await self.ws.write_message(json.dumps(msg))
            deadline = time.monotonic() + timeout
            while not done(replies):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no complete reply to {msg['header']['msg_type']} in {timeout:.0f} s")
                item = await asyncio.wait_for(queue.get(), left)
                if isinstance(item, Exception):
                    raise item
                replies.append(item)
            return replies
        finally:
            self.waiting.pop(msg_id, None)

    async def execute(self, code: str, timeout: float):
        """Run one cell: (execute_reply content, time of the first output or None, error outputs)."""
        replies = await self.request(execute_request(code, self.session), _reply_and_idle, timeout)
        reply = next(m for m in replies if m["msg_type"] == "execute_reply")["content"]
        outputs = [m for m in replies if m["msg_type"] in ("stream", "display_data", "execute_result", "error")]
        first = outputs[0]["received"] if outputs else None
        errors = [f"{m['content'].get('ename')}: {m['content'].get('evalue')}"
                  for m in replies if m["msg_type"] == "error"]
        return reply, first, errors

    async def change_widget(self, comm_id: str, state: dict, timeout: float) -> float:
        """Change a control as a front end does; seconds until the view's new picture arrives."""
        msg = widget_update(comm_id, state, self.session)
        t0 = time.monotonic()
        replies = await self.request(msg, lambda rs: any(is_picture(m, self.models) for m in rs), timeout)
        return next(m["received"] for m in replies if is_picture(m, self.models)) - t0

    async def close(self):
        self.ws.close()
        self.reader.cancel()


def _reply_and_idle(replies: list[dict]) -> bool:
    return any(m["msg_type"] == "execute_reply" for m in replies) and any(
        m["msg_type"] == "status" and m["content"].get("execution_state") == "idle" for m in replies)


class Classroom:
    """The driver: the proxy, the hub, N learners, the sampler, the faults; then everything stopped."""

    RETRY_CODES = (502, 503, 504, 599)

    def __init__(self, cfg: dict):
        self.cfg = cfg
        self.run_id = cfg["run_id"]
        self.run_dir = Path(cfg["run_dir"])
        self.paths = {k: Path(v) for k, v in cfg["paths"].items()}
        self.public, self.hub_port, self.proxy_api = free_ports(3)
        self.proxy_token = secrets.token_hex(16)
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.public}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.samples = {"mem_available_mb": [], "load1": [], "peak": {}}
        self.t0 = None
        self.ready_count = 0
        self.faults: dict = {}
        self.notebook = ROOT / "notebooks" / (cfg["chapter"] + ".ipynb")
        self.cells = code_cells(self.notebook)

    # -- processes
    def _env(self) -> dict:
        env = dict(os.environ)
        env[MARKER] = self.run_id
        env["CONFIGPROXY_AUTH_TOKEN"] = self.proxy_token
        return env

    def start_proxy(self):
        out = open(self.run_dir / "proxy.log", "ab")
        self.procs["proxy"] = subprocess.Popen(
            [str(self.paths["chp"]), "--ip", "127.0.0.1", "--port", str(self.public), "--api-ip", "127.0.0.1",
             "--api-port", str(self.proxy_api), "--default-target", f"http://127.0.0.1:{self.hub_port}",
             "--error-target", f"http://127.0.0.1:{self.hub_port}/hub/error", "--log-level", "warn"],
            cwd=str(self.run_dir), env=self._env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)

    def start_hub(self):
        out = open(self.run_dir / "hub.log", "ab")
        self.procs["hub"] = subprocess.Popen(
            [str(self.paths["jupyterhub"]), "-f", str(self.run_dir / "jupyterhub_config.py")],
            cwd=str(self.run_dir), env=self._env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)

    def stop_hub(self):
        hub = self.procs.pop("hub", None)
        if hub is not None and hub.poll() is None:
            hub.terminate()
            try:
                hub.wait(30)
            except subprocess.TimeoutExpired:
                hub.kill()
                hub.wait()

    def stop_everything(self):
        self.stop_hub()
        sweep(self.run_id)
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
            p.wait()

    # -- HTTP
    async def http(self, method: str, path: str, body=None, *, ok=(200, 201, 202, 204), retry_s: float = 300,
                   timeout: float = 120, also_retry=()):
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        client = AsyncHTTPClient()
        deadline = time.monotonic() + retry_s
        delay = 0.25
        while True:
            req = HTTPRequest(self.base + path, method=method, headers={"Authorization": f"token {self.token}"},
                              body=None if body is None and method == "GET" else json.dumps(body or {}),
                              request_timeout=timeout, connect_timeout=30,
                              follow_redirects=False)  # a redirect means "not your server yet", never follow it
            resp = await client.fetch(req, raise_error=False)
            if resp.code in ok:
                return resp.code, json.loads(resp.body) if resp.body else None
            if resp.code not in self.RETRY_CODES + tuple(also_retry) or time.monotonic() > deadline:
                text = (resp.body or b"").decode("utf-8", "replace")[:300] if resp.body else str(resp.error)
                raise RuntimeError(f"{method} {path}: HTTP {resp.code}: {text}")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def wait_hub(self, timeout: float = 180) -> float:
        t0 = time.monotonic()
        while True:
            try:
                code, _ = await self.http("GET", "/hub/api/", ok=(200,), retry_s=0, timeout=10)
                return time.monotonic() - t0
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() - t0 > timeout:
                    raise RuntimeError(f"the hub did not answer in {timeout:.0f} s; see {self.run_dir / 'hub.log'}")
                if self.procs.get("hub") and self.procs["hub"].poll() is not None:
                    raise RuntimeError(f"the hub exited (code {self.procs['hub'].returncode}); "
                                       f"see {self.run_dir / 'hub.log'}")
                await asyncio.sleep(0.3)

    async def connect(self, name: str, kernel_id: str, retry_s: float = 120):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = (f"ws://127.0.0.1:{self.public}/user/{name}/api/kernels/{kernel_id}/channels"
               f"?session_id={uuid.uuid4().hex}")
        deadline = time.monotonic() + retry_s
        while True:
            try:
                ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.token}"},
                                                         connect_timeout=30, request_timeout=60),
                                             max_message_size=256 * 2**20)
                return KernelChannel(ws)
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)

    # -- the learner
    async def learner(self, i: int, arrival: float) -> dict:
        name = f"learner{i + 1:02d}"
        rec = {"name": name, "arrival_s": arrival, "ready_s": None, "first_output_s": None, "done_s": None,
               "done_at_s": None, "widget_ms": None, "widget": None, "errors": [], "cell_errors": 0,
               "killed": False, "restarts": 0, "unexpected_deaths": 0, "failed": True}
        await asyncio.sleep(max(0.0, self.t0 + arrival - time.monotonic()))
        t_arr = time.monotonic()
        channel = None
        try:
            await self.http("POST", f"/hub/api/users/{name}", ok=(201, 409))
            # 500 too: a hub stopped in the middle of a spawn answers so (--restart-hub); ask again.
            await self.http("POST", f"/hub/api/users/{name}/server", ok=(201, 202, 400), also_retry=(500,))
            spawns = 1
            # What the spawn-pending page of a browser does: one event stream until "ready", rather
            # than thirty learners polling the hub (which would load it more than real learners do).
            await self.follow_progress(name, deadline=t_arr + self.cfg["timeout"])
            while True:
                _, user = await self.http("GET", f"/hub/api/users/{name}", ok=(200,))
                server = (user.get("servers") or {}).get("", {})
                if server.get("ready"):
                    break
                if not server and not user.get("pending"):
                    if spawns >= 3:
                        raise RuntimeError("the hub dropped the server three times while it started (see hub.log)")
                    spawns += 1
                    rec["errors"].append("server dropped while starting; asked again")
                    await self.http("POST", f"/hub/api/users/{name}/server", ok=(201, 202, 400), also_retry=(500,))
                if time.monotonic() - t_arr > self.cfg["timeout"]:
                    raise TimeoutError("server not ready in time")
                await asyncio.sleep(1.0)
            # The hub says ready once the server answers it; a browser then follows the proxy's route.
            # After a hub restart in the middle of this spawn, that route comes back only with the
            # hub's next periodic check of the proxy's routes: until then /user/NAME/ reaches the hub.
            t_route = time.monotonic()
            await self.http("GET", f"/user/{name}/api/status", ok=(200,), also_retry=(302, 403, 404, 500),
                            retry_s=180)
            if time.monotonic() - t_route > 1.0:
                rec["errors"].append(f"the proxy had no route to the server for {time.monotonic() - t_route:.0f} s")
            rec["ready_s"] = time.monotonic() - t_arr
            self.ready_count += 1
            path = self.notebook.relative_to(ROOT / "notebooks").as_posix()
            kill_at = len(self.cells) // 2 if i in self.cfg["kill_learners"] else None
            _, kernel = await self.http("POST", f"/user/{name}/api/kernels", {"name": "python3", "path": path},
                                        ok=(201,))
            channel = await self.connect(name, kernel["id"])
            while True:
                try:
                    for index, code in enumerate(self.cells):
                        if index == kill_at and not rec["killed"]:
                            self.kill_kernel(kernel["id"])
                            rec["killed"] = True
                        reply, first, errors = await channel.execute(code, self.cfg["cell_timeout"])
                        if first is not None and rec["first_output_s"] is None:
                            rec["first_output_s"] = first - t_arr
                        if reply.get("status") != "ok":
                            rec["cell_errors"] += 1
                            rec["errors"].append(f"cell {index}: " + ("; ".join(errors) or reply.get("status")))
                    break
                except KernelDied as died:
                    # The learner's move: Kernel > Restart, then run all cells again from the top.
                    rec["restarts"] += 1
                    if not rec["killed"] or rec["restarts"] > 1:
                        rec["unexpected_deaths"] += 1
                    rec["errors"].append(f"kernel died ({died}); restarted")
                    if rec["restarts"] > 3:
                        raise
                    await channel.close()
                    channel = None
                    kernel = await self.restart_kernel(name, kernel)
                    channel = await self.connect(name, kernel["id"])
            now = time.monotonic()
            rec["done_s"], rec["done_at_s"] = now - t_arr, now - self.t0
            choice = pick_widget(channel.models, i)
            if choice is None:
                raise RuntimeError(f"the chapter made no text box or slider to change "
                                   f"({len(channel.models)} widget models)")
            comm_id, state, rec["widget"] = choice
            rec["widget_ms"] = 1e3 * await channel.change_widget(comm_id, state, self.cfg["cell_timeout"])
            rec["failed"] = rec["cell_errors"] > 0
            rec["kernel_id"] = kernel["id"]
        except Exception as error:  # noqa: BLE001 - one learner's failure is a number, not a crash
            rec["errors"].append(f"{type(error).__name__}: {error}")
        finally:
            if channel is not None:
                await channel.close()
        log_stderr(f"  {name}: " + ("ok" if not rec["failed"] else "FAILED") +
                   (f", ready {rec['ready_s']:.1f} s" if rec["ready_s"] is not None else "") +
                   (f", done at {rec['done_at_s']:.1f} s" if rec["done_at_s"] is not None else "") +
                   (f", widget {rec['widget_ms']:.0f} ms" if rec["widget_ms"] is not None else "") +
                   (f"; {rec['errors'][-1]}" if rec["errors"] else ""))
        return rec

    async def follow_progress(self, name: str, deadline: float) -> None:
        """Read the hub's spawn progress stream (server-sent events) until it reports ready, fails,
        or ends; the caller checks the server's state afterwards either way."""
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        buffer = b""

        def on_chunk(chunk: bytes) -> None:
            nonlocal buffer
            buffer += chunk

        req = HTTPRequest(f"{self.base}/hub/api/users/{name}/server/progress",
                          headers={"Authorization": f"token {self.token}", "Accept": "text/event-stream"},
                          streaming_callback=on_chunk, follow_redirects=False, connect_timeout=30,
                          request_timeout=max(1.0, deadline - time.monotonic()))
        try:
            await AsyncHTTPClient().fetch(req, raise_error=False)
        except Exception:  # noqa: BLE001 - the stream is a shortcut; the state check decides
            pass

    async def restart_kernel(self, name: str, kernel: dict) -> dict:
        """Kernel > Restart; if the server is itself restarting that kernel (its auto-restart after a
        crash) and refuses, try again, then fall back to a new kernel for the same notebook."""
        for _ in range(3):
            try:
                await self.http("POST", f"/user/{name}/api/kernels/{kernel['id']}/restart", ok=(200,), retry_s=10)
                return kernel
            except RuntimeError:
                await asyncio.sleep(2)
        path = self.notebook.relative_to(ROOT / "notebooks").as_posix()
        _, new = await self.http("POST", f"/user/{name}/api/kernels", {"name": "python3", "path": path}, ok=(201,))
        return new

    def kill_kernel(self, kernel_id: str) -> None:
        """SIGKILL the kernel process with this id (its connection file is kernel-<id>.json)."""
        needle = f"kernel-{kernel_id}.json".encode()
        for pid in marked_processes(self.run_id):
            if needle in _cmdline(pid):
                os.kill(pid, signal.SIGKILL)
                log_stderr(f"  fault: SIGKILL kernel {kernel_id[:8]} (pid {pid})")
                return
        raise RuntimeError(f"no process for kernel {kernel_id}")

    async def sampler(self, every: float = 3.0):
        while True:
            self.samples["mem_available_mb"].append(mem_available_mb())
            self.samples["load1"].append(os.getloadavg()[0])
            for row in await asyncio.get_running_loop().run_in_executor(None, snapshot, self.run_id):
                peak = self.samples["peak"].setdefault(str(row["pid"]), {"kind": row["kind"], "user": row["user"],
                                                                         "pss_mb": 0.0, "rss_mb": 0.0})
                peak["pss_mb"] = max(peak["pss_mb"], row["pss_mb"])
                peak["rss_mb"] = max(peak["rss_mb"], row["rss_mb"])
            await asyncio.sleep(every)

    async def hub_restarter(self, n: int):
        """Once half the learners have a server: stop the hub, start it again, time its absence."""
        while self.ready_count < max(1, math.ceil(n / 2)):
            await asyncio.sleep(0.2)
        at = time.monotonic() - self.t0
        log_stderr(f"  fault: stopping the hub at {at:.0f} s (servers and proxy keep running)")
        t0 = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, self.stop_hub)
        self.start_hub()
        await self.wait_hub()
        self.faults["hub_restart"] = {"at_s": at, "down_s": time.monotonic() - t0}
        log_stderr(f"  fault: hub back after {self.faults['hub_restart']['down_s']:.1f} s")

    async def run(self) -> dict:
        from tornado.httpclient import AsyncHTTPClient

        AsyncHTTPClient.configure(None, max_clients=1000)  # the default 10 would queue the learners
        n = self.cfg["learners"]
        (self.run_dir / "tmp").mkdir(parents=True, exist_ok=True)  # the learners' TMPDIR (hub_config)
        (self.run_dir / "jupyterhub_config.py").write_text(hub_config(
            self.run_dir, public_port=self.public, hub_port=self.hub_port, proxy_api_port=self.proxy_api,
            proxy_token=self.proxy_token, service_token=self.token, run_id=self.run_id,
            singleuser=str(self.paths["singleuser"]), as_root=hasattr(os, "geteuid") and os.geteuid() == 0))
        t_start = time.monotonic()
        self.start_proxy()
        self.start_hub()
        hub_start_s = await self.wait_hub()
        log_stderr(f"  hub up in {hub_start_s:.1f} s on {self.base}; {n} learners arrive within "
                   f"{self.cfg['spread']:.0f} s; {len(self.cells)} code cells in {self.cfg['chapter']}")
        sampler = asyncio.ensure_future(self.sampler())
        restarter = asyncio.ensure_future(self.hub_restarter(n)) if self.cfg["restart_hub"] else None
        self.t0 = time.monotonic()
        arrivals = arrival_times(n, self.cfg["spread"])
        try:
            learners = await asyncio.gather(*(self.learner(i, a) for i, a in enumerate(arrivals)))
            if restarter is not None and self.ready_count < max(1, math.ceil(n / 2)):
                restarter.cancel()
                self.faults["hub_restart_skipped"] = "fewer than half the learners got a server"
            elif restarter is not None:
                await restarter  # the hub may still be on its way back up
            wall = time.monotonic() - self.t0
            final = snapshot(self.run_id)  # every kernel still alive: what the class holds at the end
        finally:
            sampler.cancel()
        per_user: dict[str, dict] = {}
        for row in final:
            if row["kind"] in ("server", "kernel") and row["user"]:
                u = per_user.setdefault(row["user"], {"pss_mb": 0.0, "kernel_pss_mb": 0.0, "kernel_rss_mb": 0.0,
                                                      "server_pss_mb": 0.0, "server_rss_mb": 0.0, "cpu_s": 0.0,
                                                      "kernels": 0})
                u["pss_mb"] += row["pss_mb"]
                u["cpu_s"] += row["cpu_s"]
                if row["kind"] == "kernel":
                    u["kernel_pss_mb"] += row["pss_mb"]
                    u["kernel_rss_mb"] += row["rss_mb"]
                    u["kernels"] += 1
                else:
                    u["server_pss_mb"] += row["pss_mb"]
                    u["server_rss_mb"] += row["rss_mb"]
        for rec in learners:
            rec.update(per_user.get(rec["name"], {"pss_mb": None}))
        infra = {k: sum(r["pss_mb"] for r in final if r["kind"] == k) for k in ("hub", "proxy")}
        infra_cpu = {k: sum(r["cpu_s"] for r in final if r["kind"] == k) for k in ("hub", "proxy")}
        peaks = self.samples["peak"].values()
        return {
            "learners": learners, "faults": self.faults, "wall_s": wall, "hub_start_s": hub_start_s,
            "setup_s": self.t0 - t_start, "infra_pss_mb": infra, "infra_cpu_s": infra_cpu,
            "kernel_peak_pss_mb": max((p["pss_mb"] for p in peaks if p["kind"] == "kernel"), default=None),
            "kernel_peak_rss_mb": max((p["rss_mb"] for p in peaks if p["kind"] == "kernel"), default=None),
            "mem_available_min_mb": min(self.samples["mem_available_mb"], default=None),
            "mem_available_start_mb": self.samples["mem_available_mb"][0] if self.samples["mem_available_mb"] else None,
            "load1_max": max(self.samples["load1"], default=None),
            "load1_median": percentile(self.samples["load1"], 50),
            "cells": len(self.cells),
        }


def _child(config_path: str) -> None:
    cfg = json.loads(Path(config_path).read_text())

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    _DRIVER_LOG.append(open(Path(cfg["run_dir"]) / "driver.log", "a", encoding="utf-8"))
    room = Classroom(cfg)
    try:
        result = asyncio.run(room.run())
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        room.stop_everything()
        left = marked_processes(cfg["run_id"])
        left = [p for p in left if p != os.getpid()]
        if left:
            log_stderr(f"  still running after the cleanup: {left}")
    result["left_running"] = left
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


# --- the parent: what bench/run.py calls ----------------------------------------------------------

def measure(learners: int = 30, chapter: str = DEFAULT_CHAPTER, spread: float = 60.0, kill_kernel: int = 0,
            restart_hub: bool = False, timeout: float = 900.0, cell_timeout: float = 600.0, log=print) -> dict:
    """Run the class and return its figures (and the raw per-learner records)."""
    if not (ROOT / "notebooks" / (chapter + ".ipynb")).is_file():
        raise SystemExit(f"no chapter notebooks/{chapter}.ipynb (give it as ko/01_tokenizer)")
    if not 0 <= kill_kernel <= learners:
        raise SystemExit(f"--kill-kernel must be between 0 and --learners ({learners})")
    paths = ensure_installed(log)
    need_mb = 400 * learners + 300  # about what a learner's server and kernel hold, plus the hub and the proxy
    if mem_available_mb() < need_mb:
        log(f"  warning: {mem_available_mb() / 1024:.1f} GB available, and {learners} learners need about "
            f"{need_mb / 1024:.1f} GB: kernels may be killed for lack of memory")
    run_id = uuid.uuid4().hex[:12]
    prune_runs(keep=4)
    run_dir = CLASS_DIR / f"run-{run_id}"
    run_dir.mkdir(parents=True)
    # Spread evenly over the class, not the first K: a killed kernel among others still running.
    kill_learners = sorted({int((j + 0.5) * learners / kill_kernel) for j in range(kill_kernel)}) if kill_kernel else []
    cfg = {"run_id": run_id, "run_dir": str(run_dir), "paths": {k: str(v) for k, v in paths.items()},
           "chapter": chapter, "learners": learners, "spread": spread, "kill_learners": kill_learners,
           "restart_hub": restart_hub, "timeout": timeout, "cell_timeout": cell_timeout}
    (run_dir / "config.json").write_text(json.dumps(cfg, indent=1))
    env = dict(os.environ, **KIT_ENV, PYTHONPATH=str(ROOT), **{MARKER: run_id})
    log(f"  classroom run {run_id}: {learners} learners on {chapter}, logs in {run_dir.relative_to(ROOT)}")
    proc = subprocess.Popen([str(paths["python"]), "-m", "bench.classroom", "child", str(run_dir / "config.json")],
                            cwd=str(ROOT), env=env, stdout=subprocess.PIPE, text=True)
    out = ""
    try:
        out, _ = proc.communicate(timeout=spread + timeout + 300)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)  # the driver's own cleanup first
        out, _ = proc.communicate(timeout=120)
    except KeyboardInterrupt:
        try:
            out, _ = proc.communicate(timeout=120)  # Ctrl-C reached the driver too: let it clean up
        finally:
            sweep(run_id)
        raise
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        leftover = sweep(run_id)
    result = None
    for line in (out or "").splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
    if result is None:
        raise RuntimeError(f"the classroom driver failed (exit {proc.returncode}); logs in {run_dir}")
    result["left_after_driver"] = leftover
    result["run_id"] = run_id
    result["config"] = {k: cfg[k] for k in ("chapter", "learners", "spread", "kill_learners", "restart_hub")}
    result["summary"] = summarize(result)
    result["versions"] = tool_versions()
    result["cores"] = os.cpu_count()
    result["line"] = report_line(result["summary"], result["faults"])
    for rec in result["learners"]:
        if rec["failed"]:
            log(f"  {rec['name']} failed: {'; '.join(rec['errors'])[:400]}")
    log("  " + result["line"])
    return result


def prune_runs(keep: int = 4) -> None:
    """Delete all but the newest `keep` run folders (logs, the hub's database, the learners' homes)."""
    runs = sorted(CLASS_DIR.glob("run-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)


# --- results.md ------------------------------------------------------------------------------------

def _status(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table_rows(entry: dict, when: str) -> list[list[str]]:
    """Rows for bench/results.md's summary table (section 8)."""
    r = entry["result"]
    s = r["summary"]
    c = r["config"]
    what = f"class of {s['n']} on one hub ({c['chapter']}, arrivals within {c['spread']:.0f} s)"
    rows = [
        ["8", f"{what}: learners failed" + when, f"{s['failed']} of {s['n']}", "", "", "0", _status(s["failed"] == 0)],
        ["8", "server ready p95 (from arrival)" + when, f"{s['ready_p95_s']:.1f} s", "", "", "", ""],
        ["8", "chapter done p95 (from the first arrival)" + when, f"{s['done_p95_s']:.1f} s", "", "",
         f"≤ {TARGETS['done_p95_s']:.0f} s", _status(s["done_p95_s"] <= TARGETS["done_p95_s"])],
        ["8", "widget round trip under load, p95" + when, f"{s['widget_p95_ms']:.0f} ms", "", "",
         f"≤ {TARGETS['widget_p95_ms']:.0f} ms", _status(s["widget_p95_ms"] <= TARGETS["widget_p95_ms"])],
        ["8", "PSS per learner (server + kernel), all kernels alive" + when, f"{s['pss_per_learner_mb']:.0f} MB",
         "", "", f"≤ {TARGETS['pss_per_learner_mb']:.0f} MB",
         _status(s["pss_per_learner_mb"] <= TARGETS["pss_per_learner_mb"])],
        ["8", "kernels that died without being killed on purpose" + when, str(s["unexpected_deaths"]), "", "", "0",
         _status(s["unexpected_deaths"] == 0)],
    ]
    if c["kill_learners"] or c["restart_hub"]:
        faults = []
        if c["kill_learners"]:
            faults.append(f"{s['killed']} kernel(s) SIGKILLed mid-chapter, {s['recovered']} recovered")
        h = r["faults"].get("hub_restart")
        if h:
            faults.append(f"hub restarted at {h['at_s']:.0f} s (API back in {h['down_s']:.1f} s)")
        elif c["restart_hub"]:
            faults.append("hub restart asked for but not done: " + r["faults"].get("hub_restart_skipped", "?"))
        rows.append(["8", "faults: " + "; ".join(faults) + when, f"{s['failed']} failed", "", "", "0 failed",
                     _status(s["failed"] == 0)])
    return rows


def details(entry: dict) -> str:
    r = entry["result"]
    s, c = r["summary"], r["config"]
    v = r.get("versions", {})
    parts = [f"### 8. A class on one hub (measured {entry['measured']}: {s['n']} learners, {c['chapter']})\n",
             f"`{r['line']}`\n",
             f"JupyterHub {v.get('jupyterhub')} (DummyAuthenticator, SimpleLocalProcessSpawner), "
             f"configurable-http-proxy {v.get('configurable-http-proxy')}, on 127.0.0.1 of this {r.get('cores')}-core "
             f"machine; {r['cells']} code cells per learner through the kernel websocket, then one widget change "
             f"through the comm channel. Hub up in {r['hub_start_s']:.1f} s; the class took {r['wall_s']:.0f} s. "
             f"MemAvailable {r['mem_available_start_mb'] / 1024:.1f} GB at the start, "
             f"{r['mem_available_min_mb'] / 1024:.1f} GB at its lowest; 1-minute load average median "
             f"{r['load1_median']:.1f}, max {r['load1_max']:.1f}. Kernel peak PSS {r['kernel_peak_pss_mb']:.0f} MB, "
             f"peak RSS {r['kernel_peak_rss_mb']:.0f} MB; the hub {r['infra_pss_mb']['hub']:.0f} MB PSS, "
             f"the proxy {r['infra_pss_mb']['proxy']:.0f} MB (shared by the class, not in the per-learner figure). "
             f"Per learner (server + kernel, means): RSS {s.get('rss_per_learner_mb', float('nan')):.0f} MB, "
             f"CPU {s.get('cpu_per_learner_s', float('nan')):.1f} s for the whole chapter (the hub used "
             f"{r.get('infra_cpu_s', {}).get('hub', float('nan')):.1f} s). "
             f"Processes left after the run: {len(r.get('left_running', [])) + len(r.get('left_after_driver', []))}.\n",
             "| learner | arrives | server ready | first output | chapter done (from arrival / from first arrival) "
             "| widget | PSS server + kernel | kernel RSS | CPU | errors |",
             "|---|---|---|---|---|---|---|---|---|---|"]

    def f(x, unit="s", fmt="{:.1f}"):
        return "" if x is None else fmt.format(x) + " " + unit

    for rec in r["learners"]:
        errs = "; ".join(rec["errors"])[:160].replace("|", "/")
        parts.append(f"| {rec['name']}{' (killed)' if rec.get('killed') else ''} | {f(rec['arrival_s'])} | "
                     f"{f(rec['ready_s'])} | {f(rec['first_output_s'])} | {f(rec['done_s'])} / {f(rec['done_at_s'])} | "
                     f"{f(rec['widget_ms'], 'ms', '{:.0f}')} | "
                     f"{f(rec.get('server_pss_mb'), 'MB', '{:.0f}')} + {f(rec.get('kernel_pss_mb'), 'MB', '{:.0f}')} | "
                     f"{f(rec.get('kernel_rss_mb'), 'MB', '{:.0f}')} | {f(rec.get('cpu_s'))} | {errs} |")
    parts.append("\nPSS counts a page shared by k processes as 1/k in each, so the per-learner figure is "
                 "what one more learner adds while the others run; RSS counts shared pages in full.\n")
    return "\n".join(parts)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "child":
        _child(sys.argv[2])
    else:
        sys.exit("usage: python -m bench.classroom child CONFIG.json (or ./kit bench --only classroom)")
