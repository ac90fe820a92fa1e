"""The package's shape: the pipeline in the file names, no import cycle, nothing patched globally."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import lesson_lib

PACKAGE = Path(lesson_lib.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    """Dotted name (without "lesson_lib.") -> file, for every module of the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(p for p in parts if p != "__init__") or "__init__"] = path
    return found


def _imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """Every lesson_lib module ``name`` imports, at the top or inside a function."""
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    edges = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:  # `from . import functional` imports the module functional
                sub = f"{target}.{alias.name}" if target else alias.name
                edges.add(sub if sub in modules else target or "__init__")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for full in names:
                if full.startswith("lesson_lib."):
                    edges.add(full.removeprefix("lesson_lib."))
    return {e for e in edges if e in modules and e != name}


def test_no_import_cycle_function_local_imports_included():
    modules = _modules()
    graph = {n: _imports(n, p, set(modules)) - {"__init__"} for n, p in modules.items() if n != "__init__"}
    # Packages' __init__ files only gather names; a module importing its own package's __init__
    # (e.g. views/x.py -> views) would still be a cycle, so those edges stay.
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        path.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(m):] + [m]))
            if m not in state:
                visit(m)
        path.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    assert "modeling" not in _reach(graph, "checkpoint")  # modeling imports checkpoint, never the reverse


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for m in graph.get(todo.pop(), ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def test_a_planted_cycle_is_found(tmp_path):
    """The check above can fail: two modules importing each other inside functions are a cycle."""
    (tmp_path / "a.py").write_text("def f():\n    from . import b\n")
    (tmp_path / "b.py").write_text("def g():\n    from .a import f\n")
    modules = {"a": tmp_path / "a.py", "b": tmp_path / "b.py"}
    graph = {n: _imports(n, p, set(modules)) for n, p in modules.items()}
    assert graph == {"a": {"b"}, "b": {"a"}}


def test_no_maintainer_tool_in_the_package():
    names = {p.name for p in PACKAGE.rglob("*.py")}
    assert not {n for n in names if re.match(r"(train|build)_", n)}, "training and build scripts live in tools/"


def test_the_package_docstring_names_every_module():
    doc = lesson_lib.__doc__
    for name, path in _modules().items():
        if path.name == "__init__.py" or path.name.startswith("_") or name.startswith("views."):
            continue  # views/ is one entry; private helpers are named by the modules that use them
        assert f"{path.relative_to(PACKAGE).as_posix()}" in doc or f"{path.name}" in doc, f"{name} not in lesson_lib's docstring"


def test_nothing_in_torch_nn_init_is_replaced_while_loading(monkeypatch):
    import torch

    before = {n: getattr(torch.nn.init, n) for n in dir(torch.nn.init) if n.endswith("_")}
    seen = []
    real_load = lesson_lib.checkpoint.load_state

    def watching(*args, **kwargs):
        seen.append({n: getattr(torch.nn.init, n) for n in before})
        return real_load(*args, **kwargs)

    monkeypatch.setattr(lesson_lib.checkpoint, "load_state", watching)
    lesson_lib.AutoModelForSequenceClassification.from_pretrained(lesson_lib.DEFAULT_MODEL)
    assert seen and seen[0] == before


def test_lesson_lib_runs_with_transformers_absent(tmp_path):
    """transformers is the chapters' bridge and the tests' oracle, never the library's dependency:
    with it made unimportable, the pipeline, a trace, the Trainer and a view still work."""
    import subprocess
    import sys

    code = r'''
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("transformers", "captum"):
            raise ImportError(f"{name} is blocked in this test")
sys.meta_path.insert(0, Block())
import torch, lesson_lib
from lesson_lib import pipeline, Trainer, TrainingArguments, AutoTokenizer, BASE_MODEL
p = pipeline("sentiment-analysis")
assert p("We are very happy to show you the library.")[0]["label"] == "POSITIVE"
p.model.trace(**p.tokenizer("fine", return_tensors="pt"))
tok = AutoTokenizer.from_pretrained(BASE_MODEL)
data = [{**tok(t), "label": y} for t, y in [("good", 1), ("bad", 0)]]
args = TrainingArguments(sys.argv[1], max_steps=1, save_strategy="no", disable_tqdm=True)
Trainer(p.model, args, train_dataset=data, processing_class=tok).train()
from lesson_lib.views import ClassifyView
ClassifyView(p.model, p.tokenizer, text="fine")
import lesson_lib.explain
assert "transformers" not in sys.modules and "captum" not in sys.modules
print("ok")
'''
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                         timeout=300, env={**__import__("os").environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]
