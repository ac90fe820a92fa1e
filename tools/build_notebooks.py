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
    # %%                    a code cell, shared by both languages except its comments:
    # [ko] 설명               an own-line comment only in the Korean notebook (as "# 설명"),
    # [en] explanation        its twin, right after it, only in the English one
    x = 1  # [ko] 설명 [en] explanation     a translated trailing comment
    # %% tags=["nbval-ignore-output"]     a code cell with cell tags
    # %% tags=["exercise"], then ["solution"], then ["check"]: one exercise, three cells in a row;
                          the learners' notebooks leave the solution out (tools/build_teacher.py uses it)

Every notebook starts with a generated setup cell (``LANG = "ko"`` or ``"en"``,
``set_language(LANG)``, seeds, print options, the Korean font), so chapters stay
deterministic under nbval, lesson_lib speaks the notebook's language, and a code cell can
pick the widget language with ``lang=LANG``.

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
    # An exercise is three consecutive code cells (notebooks/_source/README.md, "Exercises"):
    "exercise",  # what the learner's notebook shows: `answer = None` and what to write
    "solution",  # the same cell solved: only in the answer keys and nbgrader (never in the learners' notebooks)
    "check",  # sets `ok` (True iff the answer is right) and prints "not answered yet", "correct" or a hint
}
EXERCISE_TAGS = ("exercise", "solution", "check")
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
    source: str  # code: still holding both languages' comments; see localise()
    tags: list[str] = field(default_factory=list)
    line: int = 0  # where the cell starts in the source file (for error messages)

    def text(self, lang: str) -> str:
        """What the cell shows in the notebook of that language."""
        return localise(self.source, lang) if self.kind == "code" else self.source


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


# Translated comments in code cells. Own line:  "# [ko] 설명" then right after "# [en] explanation".
# Trailing:  "code  # [ko] 설명 [en] explanation". An untagged comment is shared by both notebooks.
OWN_COMMENT_RE = re.compile(r"^(?P<indent>[ \t]*)# \[(?P<lang>ko|en)\](?: (?P<text>.*))?$")
TRAILING_COMMENT_RE = re.compile(r"^(?P<code>.*?\S)(?P<gap>\s+)# \[ko\] (?P<ko>.*?\S) \[en\] (?P<en>.*\S)\s*$")
ANY_TAG_RE = re.compile(r"#\s*\[(ko|en)\]")  # anything that looks like a tag, to refuse misspelt ones


def _own_comment(line: str):
    m = OWN_COMMENT_RE.match(line)
    return (m.group("lang"), m.group("indent")) if m else (None, None)


def check_comments(lines: list[str], path: Path, first_line: int) -> None:
    """Refuse a [ko] comment without its [en] twin (and the reverse), naming the file and line."""
    k = 0
    while k < len(lines):
        where = f"{path}:{first_line + k}"
        lang, indent = _own_comment(lines[k])
        if lang == "en":
            raise SourceError(f"{where}: this '# [en]' comment has no '# [ko]' twin right before it "
                              f"(Korean first: '# [ko] ...' lines, then '# [en] ...' lines).")
        if lang == "ko":
            start = k
            while k < len(lines) and _own_comment(lines[k]) == ("ko", indent):
                k += 1
            n_en = 0
            while k < len(lines) and _own_comment(lines[k]) == ("en", indent):
                k, n_en = k + 1, n_en + 1
            if n_en == 0:
                raise SourceError(f"{path}:{first_line + start}: this '# [ko]' comment has no '# [en]' twin: "
                                  f"write the English '# [en] ...' line(s) right after it, at the same indentation.")
            continue
        if ANY_TAG_RE.search(lines[k]) and not TRAILING_COMMENT_RE.match(lines[k]):
            raise SourceError(f"{where}: cannot read this translated comment: {lines[k].strip()!r}. Write "
                              f"'# [ko] ...' then '# [en] ...' on their own lines, or 'code  # [ko] 설명 [en] explanation'.")
        k += 1


def localise(source: str, lang: str) -> str:
    """A code cell's source as the notebook of `lang` shows it: its comments, the other language's dropped."""
    out = []
    for line in source.split("\n"):
        own, _ = _own_comment(line)
        if own:
            if own == lang:
                m = OWN_COMMENT_RE.match(line)
                out.append(f"{m.group('indent')}# {m.group('text')}" if m.group("text") else f"{m.group('indent')}#")
            continue
        m = TRAILING_COMMENT_RE.match(line)
        out.append(f"{m.group('code')}{m.group('gap')}# {m.group(lang)}" if m else line)
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
            check_comments(body, path, start + 1)
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
    _validate_exercises(chapter)


def _role(cell: Cell) -> str | None:
    """"exercise", "solution", "check" or None: which part of an exercise a code cell is."""
    found = [t for t in EXERCISE_TAGS if t in cell.tags]
    return found[0] if len(found) == 1 else ("many" if found else None)


def exercises(chapter: Chapter) -> list[tuple[Cell, Cell, Cell]]:
    """The chapter's (exercise, solution, check) triples, in order (the source is validated already)."""
    cells = chapter.cells
    return [(c, cells[k + 1], cells[k + 2]) for k, c in enumerate(cells) if c.kind == "code" and _role(c) == "exercise"]


def _validate_exercises(chapter: Chapter) -> None:
    """Each exercise cell is followed right away by its solution, then its check; nothing stands alone.

    The build wants one triple at least; tests/test_notebooks.py wants two per chapter (issue 16).
    """
    path, cells = chapter.path, chapter.cells
    expected = {"exercise": "solution", "solution": "check"}
    wanted_next = None  # the role the next cell must have, inside a triple
    for k, c in enumerate(cells):
        role = _role(c) if c.kind == "code" else None
        where = f"{path}:{c.line}"
        if role == "many":
            raise SourceError(f"{where}: a cell is one part of an exercise only: tag it \"exercise\", \"solution\" "
                              f"or \"check\", not {[t for t in c.tags if t in EXERCISE_TAGS]}.")
        if wanted_next:
            if role != wanted_next:
                previous = _role(cells[k - 1])
                raise SourceError(f"{path}:{cells[k - 1].line}: this {previous!r} cell must be followed right away by "
                                  f"a code cell tagged \"{wanted_next}\" (an exercise is three cells in a row: "
                                  f"\"exercise\", \"solution\", \"check\").")
            if role == "solution" and c.text("en") == cells[k - 1].text("en"):
                raise SourceError(f"{where}: this solution cell is the same as its exercise: write the answer in it.")
            wanted_next = expected.get(role)
            continue
        if role in ("solution", "check"):
            raise SourceError(f"{where}: this {role!r} cell does not belong to an exercise: it must follow "
                              f"the \"{'exercise' if role == 'solution' else 'solution'}\" cell right away.")
        if role == "exercise":
            wanted_next = "solution"
    if wanted_next:
        raise SourceError(f"{path}:{cells[-1].line}: the chapter ends inside an exercise: it still needs a cell "
                          f"tagged \"{wanted_next}\".")
    if not exercises(chapter):
        raise SourceError(f"{path}: every chapter has exercises: three code cells in a row tagged \"exercise\" "
                          f"(committed as `answer = None`), \"solution\" (the same, answered) and \"check\".")


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


def notebook_tags(cell) -> list[str]:
    """The tags of a notebook cell (nbformat's, not a source Cell's ``.tags``); [] when it has none."""
    return cell.get("metadata", {}).get("tags", [])


SETUP_COMMENTS = {
    "lang": {"ko": "ko | en: 이 노트북의 위젯과 오류 메시지 언어",
             "en": "ko | en: the language of the widgets and error messages in this notebook"},
    "start": {"ko": ["모든 장이 같은 방식으로 시작합니다(tools/build_notebooks.py가 만든 셀): 시드 고정, 스레드 하나,",
                     "소수점 4자리 출력이라 실행할 때마다 같은 숫자가 나오고, 그림에는 한글 글꼴을 씁니다."],
              "en": ["Same start in every chapter (generated by tools/build_notebooks.py): fixed seeds, one thread",
                     "and 4-digit printing, so every run prints the same numbers; Hangul in plots."]},
    "start_no_torch": {"ko": ["모든 장이 같은 방식으로 시작합니다(tools/build_notebooks.py가 만든 셀): 시드 고정, 그림에는 한글 글꼴.",
                              "이 장의 코드는 torch를 쓰지 않으므로 불러오지 않습니다(1초, 메모리 약 130 MB 절약)."],
                       "en": ["Same start in every chapter (generated by tools/build_notebooks.py): fixed seeds; Hangul in plots.",
                              "This chapter's code never uses torch, so it is not loaded (a second and about 130 MB saved)."]},
    "warnings": {"ko": "경고는 셀의 임시 파일 경로 없이 '종류: 메시지'로 보여 줍니다.",
                 "en": "Warnings are shown as 'Category: message', without the temporary file path of the cell."},
}


def uses_torch(chapter: Chapter) -> bool:
    """Does any code cell name torch (comments and strings aside)? The tokenizer chapter does not."""
    import io
    import tokenize

    for cell in chapter.cells:
        if cell.kind == "code":
            code = "\n".join(line for line in cell.text("en").split("\n") if not line.lstrip().startswith(("%", "!")))
            names = {t.string for t in tokenize.generate_tokens(io.StringIO(code + "\n").readline) if t.type == tokenize.NAME}
            if "torch" in names:
                return True
    return False


def setup_source(lang: str, torch: bool = True) -> str:
    """The first code cell of every notebook; the LANG line and the comments differ between languages.

    A chapter whose code never names torch gets no torch lines: its kernel then never loads torch
    (lesson_lib's tokenizer works without it), which is a second and about 130 MB per learner on a hub.
    """
    say = {key: text[lang] for key, text in SETUP_COMMENTS.items()}
    start = say["start"] if torch else say["start_no_torch"]
    return "\n".join([
        f'LANG = "{lang}"  # {say["lang"]}',
        *(f"# {line}" for line in start),
        "%matplotlib inline",
        "import random, warnings",
        "import numpy as np",
        *(["import torch"] if torch else []),
        "from lesson_lib import set_language",
        "from lesson_lib.fonts import use_korean_font",
        "",
        "set_language(LANG)",
        "random.seed(0); np.random.seed(0)" + ("; torch.manual_seed(0)" if torch else ""),
        *(["torch.set_num_threads(1)", "torch.set_printoptions(precision=4)"] if torch else []),
        f"# {say['warnings']}",
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


def make_notebook(chapter: Chapter, lang: str, answers: bool = False) -> nbformat.NotebookNode:
    """The learner's notebook: exercise and check cells, no solution. `answers=True` gives the answer key:
    each exercise cell replaced by its solution (teacher/answers/, tools/build_teacher.py)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python"},
        "lesson": {"chapter": chapter.name, "lang": lang, "source": f"_source/{chapter.path.name}"},
    }
    setup = nbformat.v4.new_code_cell(setup_source(lang, uses_torch(chapter)))
    setup.metadata = {SETUP_MARKER: True}
    cells = [setup]
    for c in chapter.cells:
        if c.kind == "markdown":
            if c.lang == lang:
                cells.append(nbformat.v4.new_markdown_cell(_expand(c.source, lang)))
        elif _role(c) != ("exercise" if answers else "solution"):
            cell = nbformat.v4.new_code_cell(c.text(lang))
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
        tags = notebook_tags(cell)
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
    return [(c.cell_type, c.source, tuple(notebook_tags(c))) for c in nb.cells]


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
