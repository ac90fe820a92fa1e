"""Build the chapter notebooks (Korean and English) from one source file per chapter.

    notebooks/_source/NN_name.py  ->  notebooks/ko/NN_name.ipynb  +  notebooks/en/NN_name.ipynb
                                      notebooks/ko/index.ipynb    +  notebooks/en/index.ipynb

Usage (from the repository root):

    .venv/bin/python tools/build_notebooks.py                 # every chapter: generate + execute
    .venv/bin/python tools/build_notebooks.py 01 03_forward   # only these chapters (number or name prefix)
    .venv/bin/python tools/build_notebooks.py --no-execute    # generate only (fast, for drafting)
    .venv/bin/python tools/build_notebooks.py --check         # are the committed notebooks up to date?
    .venv/bin/python tools/build_notebooks.py -j 2            # execute two notebooks at a time

The source format is described in notebooks/_source/README.md. In short:

    # %% [md ko]            prose in Korean   (every line starts with "# ")
    # %% [md en]            the same prose in English, right after its Korean twin
    # %%                    a code cell, shared by both languages
    # %% tags=["nbval-ignore-output"]     a code cell with cell tags

Every notebook starts with a generated setup cell (``LANG = "ko"`` or ``"en"``, seeds,
print options, the Korean font), so chapters stay deterministic under nbval and a code
cell can pick the widget language with ``lang=LANG``.

Executed notebooks are committed *with* their outputs and execution counts: nbval
(``./kit test``) re-runs them and compares every cell's text output with the stored one.
The kernel runs in this Python environment with the same variables ``./kit test`` sets
(TEST_ENV below), so what is stored is what the test will see.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # lesson_lib from this tree, installed or not
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "_source"
LANGS = ("ko", "en")
# What `./kit test` exports before running nbval; the build executes under the same values,
# otherwise the stored outputs would differ from what the test sees (e.g. a progress bar).
TEST_ENV = {"HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
CELL_TIMEOUT_S = 300
KNOWN_TAGS = {
    "nbval-ignore-output", "nbval-raises-exception", "nbval-skip", "nbval-check-output",
    "exercise",  # the learner's answer cell (test_notebooks checks each chapter has one)
    "check",  # the cell that checks the answer
}
CHAPTER_RE = re.compile(r"^(\d\d)_[a-z0-9_]+\.py$")
HEADER_RE = re.compile(r"^# %%(?P<rest>.*)$")
INDEX_TITLE = {"ko": "허깅페이스 텍스트 분류 파이프라인 열어 보기", "en": "Opening up a Hugging Face text-classification pipeline"}
INDEX_INTRO = {
    "ko": "차례대로 열어 보세요. 각 장은 필요한 것을 처음부터 다시 만들기 때문에 어느 장부터 시작해도 됩니다.\n\n"
          "다른 언어: [English](../en/index.ipynb)",
    "en": "Open the chapters in order. Each chapter rebuilds what it needs, so you can also start anywhere.\n\n"
          "Other language: [한국어](../ko/index.ipynb)",
}


class SourceError(ValueError):
    """A chapter source file breaks the format; the message names the file and line."""


# --- 1. parse a source file --------------------------------------------------------------

@dataclass
class Cell:
    kind: str  # "code" or "markdown"
    lang: str | None  # "ko" / "en" for prose, None for code (shared)
    source: str
    tags: list[str] = field(default_factory=list)
    line: int = 0  # where the cell starts in the source file (for error messages)


@dataclass
class Chapter:
    path: Path
    cells: list[Cell]

    @property
    def name(self) -> str:  # "01_tokenizer"
        return self.path.stem

    @property
    def number(self) -> str:  # "01"
        return self.name[:2]

    def _title_cell(self, lang: str) -> list[str]:
        return next(c for c in self.cells if c.kind == "markdown" and c.lang == lang).source.splitlines()

    def title(self, lang: str) -> str:
        """The first line ('# NN Title') of the chapter's first prose cell in that language."""
        return self._title_cell(lang)[0][2:].strip()

    def summary(self, lang: str) -> str:
        """The first paragraph after the title: one or two sentences on what the chapter opens up."""
        lines = self._title_cell(lang)[1:]
        while lines and not lines[0].strip():
            lines.pop(0)
        para = []
        for line in lines:
            if not line.strip():
                break
            para.append(line.strip())
        return " ".join(para)


def _parse_header(rest: str, where: str) -> tuple[str, str | None, list[str]]:
    """'# %%' + rest -> (kind, lang, tags)."""
    rest = rest.strip()
    kind, lang, tags = "code", None, []
    m = re.match(r"^\[md (ko|en)\]\s*", rest)
    if m:
        kind, lang, rest = "markdown", m.group(1), rest[m.end():]
    elif rest.startswith("["):
        raise SourceError(f"{where}: unknown cell marker {rest!r}. Use '# %% [md ko]', '# %% [md en]' or '# %%'.")
    if rest:
        m = re.match(r"^tags=(\[.*\])$", rest)
        if not m:
            raise SourceError(f"{where}: cannot read {rest!r}. Tags are written tags=[\"nbval-ignore-output\"].")
        try:
            tags = json.loads(m.group(1))
        except json.JSONDecodeError as e:
            raise SourceError(f"{where}: tags must be a JSON list of strings ({e.msg}).") from None
        unknown = [t for t in tags if t not in KNOWN_TAGS]
        if unknown:
            raise SourceError(f"{where}: unknown tag(s) {unknown}. Known tags: {sorted(KNOWN_TAGS)}.")
        if kind == "markdown" and tags:
            raise SourceError(f"{where}: prose cells take no tags.")
    return kind, lang, tags


def _markdown_text(lines: list[str], where: str) -> str:
    out = []
    for k, line in enumerate(lines):
        if line == "#":
            out.append("")
        elif line.startswith("# "):
            out.append(line[2:])
        elif line.strip() == "":
            out.append("")  # a blank line inside prose: tolerated, kept as a blank line
        else:
            raise SourceError(f"{where} (+{k + 1}): every prose line must start with '# ', got {line!r}.")
    return "\n".join(out).strip("\n")


def parse_source(path: Path) -> Chapter:
    """Read one chapter source into cells, and check the rules the two notebooks rely on."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    cells: list[Cell] = []
    current: tuple[str, str | None, list[str], int] | None = None
    body: list[str] = []

    def close():
        if current is None:
            if any(line.strip() for line in body):
                raise SourceError(f"{path}:1: text before the first '# %%' cell marker.")
            return
        kind, lang, tags, start = current
        where = f"{path}:{start}"
        if kind == "markdown":
            source = _markdown_text(body, where)
        else:
            source = "\n".join(body).strip("\n")
        if not source.strip():
            raise SourceError(f"{where}: empty {kind} cell.")
        cells.append(Cell(kind, lang, source, tags, start))

    for number, line in enumerate(lines, start=1):
        m = HEADER_RE.match(line)
        if m:
            close()
            current = (*_parse_header(m.group("rest"), f"{path}:{number}"), number)
            body = []
        else:
            body.append(line)
    close()
    chapter = Chapter(path, cells)
    _validate(chapter)
    return chapter


def _validate(chapter: Chapter) -> None:
    path, cells = chapter.path, chapter.cells
    if not CHAPTER_RE.match(path.name):
        raise SourceError(f"{path}: chapter file names look like 'NN_name.py' (lower case, digits, '_').")
    # Prose comes in pairs, Korean first, English right after: the two notebooks then have
    # the same cells in the same order, and a missing translation is a build error.
    k = 0
    while k < len(cells):
        c = cells[k]
        if c.kind == "markdown":
            nxt = cells[k + 1] if k + 1 < len(cells) else None
            if c.lang != "ko" or nxt is None or nxt.kind != "markdown" or nxt.lang != "en":
                raise SourceError(
                    f"{path}:{c.line}: prose cells come in pairs, '# %% [md ko]' then '# %% [md en]'; "
                    f"this [md {c.lang}] cell has no twin."
                )
            k += 2
        else:
            k += 1
    if not cells or cells[0].kind != "markdown":
        raise SourceError(f"{path}: a chapter starts with its title: '# %% [md ko]' whose first line is '# NN ...'.")
    for c in cells[:2]:
        if not c.source.startswith(f"# {chapter.number} "):
            raise SourceError(f"{path}:{c.line}: the first prose cell's first line must be the title, '# {chapter.number} ...'.")
    for lang in LANGS:
        if not chapter.summary(lang):
            raise SourceError(f"{path}: the title cell ([md {lang}]) needs a one-paragraph summary after the title "
                              f"(the index and chapter 00 show it).")
    code = [c for c in cells if c.kind == "code"]
    if len(code) < 2 or "exercise" not in code[-2].tags or "check" not in code[-1].tags:
        raise SourceError(f"{path}: every chapter ends with an exercise: its last two code cells are tagged "
                          f"\"exercise\" (the answer, committed as `answer = None`) and \"check\".")


def find_chapters(selection: list[str] | None = None) -> list[Chapter]:
    paths = sorted(p for p in SOURCES.glob("*.py") if CHAPTER_RE.match(p.name))
    if selection:
        chosen = [p for p in paths if any(p.stem == s or p.stem.startswith(s) for s in selection)]
        missing = [s for s in selection if not any(p.stem == s or p.stem.startswith(s) for p in paths)]
        if missing:
            raise SystemExit(f"No chapter source matches {missing}; chapters: {[p.stem for p in paths]}")
        paths = chosen
    return [parse_source(p) for p in paths]


# --- 2. make the two notebooks -------------------------------------------------------

SETUP_MARKER = "lesson_setup"  # cell metadata key of the generated first cell


def setup_source(lang: str) -> str:
    """The first code cell of every notebook; only the LANG line differs between languages."""
    return "\n".join([
        f'LANG = "{lang}"  # ko | en: the language of the widgets in this notebook',
        "# Same start in every chapter (generated by tools/build_notebooks.py): fixed seeds, one thread",
        "# and 4-digit printing, so every run prints the same numbers; Hangul in plots.",
        "%matplotlib inline",
        "import random, warnings",
        "import numpy as np",
        "import torch",
        "from lesson_lib.fonts import use_korean_font",
        "",
        "random.seed(0); np.random.seed(0); torch.manual_seed(0)",
        "torch.set_num_threads(1)",
        "torch.set_printoptions(precision=4)",
        "# Warnings are shown as 'Category: message', without the temporary file path of the cell.",
        'warnings.formatwarning = lambda message, category, *args, **kwargs: f"{category.__name__}: {message}\\n"',
        "_ = use_korean_font()",
    ])


def _cell_id(chapter: str, index: int) -> str:
    # Stable ids (not random ones) keep rebuilds free of noise in `git diff`.
    return f"{chapter[:2]}-{index:03d}"


CHAPTERS_MARKER = "{{chapters}}"  # a prose line with only this becomes the list of all chapters


def chapter_list(chapters: list[Chapter], lang: str) -> str:
    return "\n".join(f"- [{ch.title(lang)}]({ch.name}.ipynb): {ch.summary(lang)}" for ch in chapters)


def _expand(source: str, lang: str) -> str:
    if CHAPTERS_MARKER not in source:
        return source
    listing = chapter_list(find_chapters(None), lang)
    return "\n".join(listing if line.strip() == CHAPTERS_MARKER else line for line in source.split("\n"))


def make_notebook(chapter: Chapter, lang: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python"},
        "lesson": {"chapter": chapter.name, "lang": lang, "source": f"_source/{chapter.path.name}"},
    }
    setup = nbformat.v4.new_code_cell(setup_source(lang))
    setup.metadata = {SETUP_MARKER: True}
    cells = [setup]
    for c in chapter.cells:
        if c.kind == "markdown":
            if c.lang == lang:
                cells.append(nbformat.v4.new_markdown_cell(_expand(c.source, lang)))
        else:
            cell = nbformat.v4.new_code_cell(c.source)
            if c.tags:
                cell.metadata = {"tags": list(c.tags)}
            cells.append(cell)
    # Put the title first: the setup cell goes right after the title cell.
    cells[0], cells[1] = cells[1], cells[0]
    for k, cell in enumerate(cells):
        cell.id = _cell_id(chapter.name, k)
    nb.cells = cells
    return nb


def make_index(chapters: list[Chapter], lang: str) -> nbformat.NotebookNode:
    lines = [f"# {INDEX_TITLE[lang]}", "", INDEX_INTRO[lang], "", chapter_list(chapters, lang)]
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
                   "language_info": {"name": "python"}, "lesson": {"index": True, "lang": lang}}
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.id = "index-000"
    nb.cells = [cell]
    return nb


# --- 3. execute -----------------------------------------------------------------------

def execute(nb: nbformat.NotebookNode, folder: Path) -> float:
    """Run every cell in a fresh kernel of this environment, cwd = the notebook's folder."""
    import shutil
    import tempfile

    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    # IPC sockets in a private folder instead of TCP ports: several kernels starting at once
    # (-j, or a test run beside the build) cannot race for the same port.
    sockets = tempfile.mkdtemp(prefix="build-notebooks-")
    # "python3" is started with this interpreter (jupyter_client swaps in sys.executable).
    km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(folder)}},
        record_timing=False,  # timestamps in cell metadata would change on every build
        store_widget_state=True,  # lets JupyterLab draw the widgets' last state before the kernel runs
        allow_errors=False,  # except in cells tagged nbval-raises-exception (see below)
    )
    # A cell that is *meant* to raise (to show an error message) carries the nbval tag;
    # nbclient honours the "raises-exception" tag, so give it that one as well while running.
    added = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-raises-exception" in tags and "raises-exception" not in tags:
            tags.append("raises-exception")
            added.append(cell)
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        for cell in added:
            cell.metadata["tags"].remove("raises-exception")
        if km.has_kernel:  # nbclient only stops kernels it created itself
            km.shutdown_kernel(now=False)
        shutil.rmtree(sockets, ignore_errors=True)
    return time.perf_counter() - start


def _normalise(nb: nbformat.NotebookNode) -> None:
    """Remove what varies between runs but carries no lesson content."""
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
            cell.outputs = _coalesce_streams(cell.outputs)


def _coalesce_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks: how a print is cut into messages varies per run."""
    merged = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb, version=4) + "\n"
    tmp = path.with_suffix(".ipynb.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # never leave a half-written notebook behind


# --- 4. --check: do the committed notebooks match the sources? -------------------------

def _shape(nb) -> list[tuple]:
    """What must agree between a source and its notebook: cell types, sources and tags."""
    return [(c.cell_type, c.source, tuple(c.get("metadata", {}).get("tags", []))) for c in nb.cells]


def check(chapters: list[Chapter], all_chapters: bool) -> list[str]:
    problems = []
    for ch in chapters:
        for lang in LANGS:
            path = NOTEBOOKS / lang / f"{ch.name}.ipynb"
            if not path.is_file():
                problems.append(f"{path.relative_to(ROOT)} is missing: run tools/build_notebooks.py {ch.number}")
                continue
            committed = nbformat.read(path, as_version=4)
            if _shape(committed) != _shape(make_notebook(ch, lang)):
                problems.append(f"{path.relative_to(ROOT)} is out of date with _source/{ch.path.name}: "
                                f"run tools/build_notebooks.py {ch.number}")
    if all_chapters:
        for lang in LANGS:
            path = NOTEBOOKS / lang / "index.ipynb"
            if not path.is_file() or _shape(nbformat.read(path, as_version=4)) != _shape(make_index(chapters, lang)):
                problems.append(f"{path.relative_to(ROOT)} is out of date: run tools/build_notebooks.py")
            known = {f"{ch.name}.ipynb" for ch in chapters} | {"index.ipynb"}
            for nb_path in sorted((NOTEBOOKS / lang).glob("*.ipynb")):
                if nb_path.name not in known:
                    problems.append(f"{nb_path.relative_to(ROOT)} has no source in notebooks/_source/")
    return problems


def build_one(chapter: Chapter, lang: str, run: bool) -> str:
    """Generate one notebook, execute it, and write it (only if it ran without error)."""
    nb = make_notebook(chapter, lang)
    path = NOTEBOOKS / lang / f"{chapter.name}.ipynb"
    seconds = execute(nb, path.parent) if run else None
    _normalise(nb)
    write(nb, path)
    return f"{path.relative_to(ROOT)}  " + (f"{seconds:5.1f} s" if run else "(not executed)")


# --- main -----------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter numbers or names (default: all)")
    parser.add_argument("--check", action="store_true", help="only verify the committed notebooks match the sources")
    parser.add_argument("--no-execute", action="store_true", help="generate without running (outputs left empty)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="notebooks executed at the same time")
    parser.add_argument("--lang", choices=LANGS, help="build one language only")
    args = parser.parse_args(argv)

    chapters = find_chapters(args.chapters or None)
    everything = not args.chapters
    if args.check:
        problems = check(chapters, all_chapters=everything)
        for p in problems:
            print(p)
        print("notebooks up to date" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0

    os.environ.update(TEST_ENV)  # the kernel inherits these
    # The kernel's cwd is the notebook's folder; make sure it imports *this* tree's lesson_lib
    # (./kit installs it in editable mode, but a build must not depend on that).
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    langs = [args.lang] if args.lang else list(LANGS)
    jobs = [(ch, lang) for ch in chapters for lang in langs]

    failed = False
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [(job, pool.submit(build_one, *job, not args.no_execute)) for job in jobs]
        for (ch, lang), future in futures:
            try:
                print(future.result(), flush=True)
            except Exception as e:  # report every failing notebook, then fail
                failed = True
                message = re.sub(r"\x1b\[[0-9;]*m", "", str(e))[-3000:]  # the traceback's colours
                print(f"FAILED notebooks/{lang}/{ch.name}.ipynb: {type(e).__name__}: {message}", flush=True)
    all_sources = find_chapters(None)
    for lang in LANGS:
        write(make_index(all_sources, lang), NOTEBOOKS / lang / "index.ipynb")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
