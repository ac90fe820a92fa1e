"""The chapters leave no temporary folders behind.

Every chapter that saves a model or a tokenizer saves it into a ``tempfile.TemporaryDirectory()``
bound to a name (``scratch = ...``): the folder goes when the kernel stops normally (the object's
finaliser runs at exit) or when the name is deleted. ``tempfile.mkdtemp()`` folders are never
removed: every run of a chapter used to leave up to ~90 MB of saved models in the temporary folder,
and a day of runs filled this machine's disk.

The static checks read the chapter sources (the single source of both languages) and the generated
notebooks; the slow test runs chapter 00 in a real kernel whose TMPDIR is a folder of this test.
nbval on its own kills its kernels with SIGKILL, so no finaliser would run: the root conftest.py
makes it send a shutdown request first (the last test here). `kit test` also points TMPDIR at a
folder of its own, emptied by the next run, for what a killed kernel still leaves (kit.py).
"""

from __future__ import annotations

import ast
import os
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks as build  # noqa: E402

SOURCES = sorted(build.SOURCES.glob("[0-9][0-9]_*.py"))


def temp_folder_problems(code: str) -> list[str]:
    """What in `code` would leave a temporary folder behind (one line each, with its line number)."""
    tree = ast.parse(code)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name in ("mkdtemp", "mkstemp"):
            problems.append(f"line {node.lineno}: {name}() makes a file or folder nobody removes")
        elif name == "TemporaryDirectory":
            parent = parents.get(node)
            bound = (isinstance(parent, ast.Assign) and all(isinstance(t, ast.Name) for t in parent.targets)) or (
                isinstance(parent, ast.withitem))
            if not bound:
                # e.g. Path(tempfile.TemporaryDirectory().name): the object is collected at once, its
                # folder removed, and save_pretrained then makes the folder again, outside its care
                problems.append(f"line {node.lineno}: TemporaryDirectory() not bound to a name")
    return problems


@pytest.mark.parametrize("code, found", [
    ("import tempfile\nfolder = tempfile.mkdtemp()\n", ["line 2: mkdtemp()"]),
    ("from tempfile import mkdtemp\nfolder = Path(mkdtemp()) / 'model'\n", ["line 2: mkdtemp()"]),
    ("args = TrainingArguments(tempfile.mkdtemp(), seed=0)\n", ["line 1: mkdtemp()"]),
    ("folder = Path(tempfile.TemporaryDirectory().name) / 'model'\n", ["line 1: TemporaryDirectory() not bound"]),
    ("tempfile.TemporaryDirectory()\n", ["line 1: TemporaryDirectory() not bound"]),
    ("a.b = tempfile.TemporaryDirectory()\n", ["line 1: TemporaryDirectory() not bound"]),
    ("scratch = tempfile.TemporaryDirectory()\nfolder = Path(scratch.name) / 'model'\n", []),
    ("with tempfile.TemporaryDirectory() as name:\n    save(name)\n", []),
])
def test_the_checker_finds_folders_that_would_stay(code, found):
    problems = temp_folder_problems(code)
    assert len(problems) == len(found) and all(p.startswith(f) for p, f in zip(problems, found)), problems


def test_the_chapters_are_all_checked_and_some_use_a_temporary_directory():
    assert len(SOURCES) >= 10
    users = [p.name for p in SOURCES if "TemporaryDirectory(" in p.read_text(encoding="utf-8")]
    assert len(users) >= 10, users  # 00-09 save into one; fewer means a chapter found another way


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_no_chapter_source_leaves_a_temporary_folder_behind(source):
    problems = temp_folder_problems(source.read_text(encoding="utf-8"))
    assert not problems, f"{source.relative_to(ROOT)}: " + "; ".join(problems) + (
        '\nUse scratch = tempfile.TemporaryDirectory() and folder = Path(scratch.name) / "..." instead.')


def test_no_generated_notebook_calls_mkdtemp():
    """The committed notebooks and the teacher's copies too (a stale build would still leak)."""
    notebooks = sorted((ROOT / "notebooks").glob("*/*.ipynb")) + sorted((ROOT / "teacher").rglob("*.ipynb"))
    assert len(notebooks) >= 40
    leaking = [str(path.relative_to(ROOT)) for path in notebooks
               if any(c.cell_type == "code" and "mkdtemp(" in c.source
                      for c in nbformat.read(path, as_version=4).cells)]
    assert not leaking, leaking


LIST_TEMP = """\
import os
import tempfile

print("temporary folder:", tempfile.gettempdir())
print("files:", sorted(name for _, _, names in os.walk(tempfile.gettempdir()) for name in names))
"""


@pytest.mark.slow
def test_a_chapter_run_in_a_kernel_leaves_its_temporary_folder_empty(tmp_path):
    """Chapter 00 saves a model for 🤗 Transformers to load; after a normal shutdown nothing is left.

    A normal shutdown is what JupyterLab does when the learner shuts down or restarts the kernel, and
    what tools/build_notebooks.py does: a shutdown request, so Python exits and runs the finalisers.
    """
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    temp = tmp_path / "tmp"
    temp.mkdir()
    chapter = ROOT / "notebooks" / "en" / "00_overview.ipynb"
    nb = nbformat.read(chapter, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(LIST_TEMP))  # what the folder holds while the kernel still runs
    env = dict(os.environ, **build.TEST_ENV, TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               # torch makes an (empty) cache folder torchinductor_<user> in the temporary folder, one
               # name per user that every run reuses: not the chapter's, and no pile-up, so put it aside
               TORCHINDUCTOR_CACHE_DIR=str(tmp_path / "torchinductor"))
    km = KernelManager(kernel_name="python3")
    client = NotebookClient(nb, km=km, timeout=build.CELL_TIMEOUT_S, resources={"metadata": {"path": str(chapter.parent)}})
    try:
        client.execute(env=env)
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=False)  # the normal way; nbclient leaves a kernel it did not start to us
    printed = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    assert f"temporary folder: {temp}\n" in printed, printed
    assert "model.safetensors" in printed and "config.json" in printed, printed  # the chapter did save into it
    assert not km.is_alive()
    left = sorted(str(path.relative_to(temp)) for path in temp.rglob("*"))
    assert left == [], f"the chapter left these in its temporary folder: {left}"


def test_nbval_stops_a_kernel_so_that_its_temporary_folders_go(tmp_path, monkeypatch):
    """The root conftest.py makes nbval send a shutdown request instead of SIGKILL alone."""
    from nbval.kernel import RunningKernel

    tmp = tmp_path / "kernel-tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))  # the kernel inherits the environment of this process
    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", str(tmp_path / "inductor"))  # torch's own folder, as above
    kernel = RunningKernel("python3", cwd=str(tmp_path))
    try:
        msg_id = kernel.execute_cell_input(
            "import tempfile, pathlib\nscratch = tempfile.TemporaryDirectory()\n"
            "(pathlib.Path(scratch.name) / 'model.safetensors').write_bytes(b'0' * 1000)\n")
        kernel.await_idle(msg_id, 60)
        assert [p.name for p in tmp.iterdir() for p in p.iterdir()] == ["model.safetensors"]  # made, in our folder
    finally:
        kernel.stop()
    assert list(tmp.iterdir()) == []  # the finaliser ran: the kernel exited normally


def _root_conftest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_kit_run_leaves_only_pytests_folders(tmp_path, monkeypatch):
    own = tmp_path / "kit-tmp"
    (own / "tmpab12cd" / "model").mkdir(parents=True)  # what a killed kernel left
    (own / "tmpab12cd" / "model" / "model.safetensors").write_bytes(b"0" * 100)
    (own / "loose.txt").write_text("x")
    (own / "pytest-of-me" / "pytest-0").mkdir(parents=True)
    hook = _root_conftest().pytest_sessionfinish
    monkeypatch.setattr(tempfile, "tempdir", str(own))
    monkeypatch.delenv("KIT_TEST_TMP", raising=False)
    hook(None, 0)
    assert len(list(own.iterdir())) == 3  # not a kit run: nothing touched
    monkeypatch.setenv("KIT_TEST_TMP", str(tmp_path))  # a kit folder that is not the temporary folder
    hook(None, 0)
    assert len(list(own.iterdir())) == 3
    monkeypatch.setenv("KIT_TEST_TMP", str(own))
    hook(None, 0)
    assert [p.name for p in own.iterdir()] == ["pytest-of-me"]
