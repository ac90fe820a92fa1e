"""The teacher's material (tools/build_teacher.py): nbgrader course, answer keys, handouts.

The quick tests read files only. The `nbgrader` tests run nbgrader itself for every chapter and
language: `nbgrader generate_assignment`, then `nbgrader autograde` on a solved submission (the
solutions filled in: full marks) and on an untouched one (the release as it is: no marks). That
executes every chapter twice, a quarter of an hour in all: `-m "not nbgrader"` leaves them out.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks as build  # noqa: E402
import build_teacher as teacher  # noqa: E402

CHAPTERS = build.find_chapters()
LANGS = build.LANGS
PAIRS = [(ch, lang) for ch in CHAPTERS for lang in LANGS]
IDS = [teacher.assignment_name(ch, lang) for ch, lang in PAIRS]


def test_teachers_material_is_up_to_date_with_the_sources():
    problems = teacher.check(CHAPTERS, all_chapters=True)
    assert not problems, "\n".join(problems) + "\nRebuild: .venv/bin/python tools/build_teacher.py --only nbgrader --only answers"


def test_solution_lines_go_inside_the_solution_region_and_shared_lines_stay_outside():
    got = teacher.solved_source('texts = ["a", "b"]\nanswer = None  # 0 or 1', 'texts = ["a", "b"]\nanswer = 1')
    assert got == 'texts = ["a", "b"]\nanswer = None  # 0 or 1\n### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION'
    with pytest.raises(build.SourceError, match="adds nothing"):
        teacher.solved_source("answer = None", "answer = None")


@pytest.mark.parametrize("chapter, lang", PAIRS, ids=IDS)
def test_nbgrader_source_has_answer_cells_and_graded_tests_and_locks_the_rest(chapter, lang):
    nb = nbformat.read(teacher.nbgrader_path(chapter, lang), as_version=4)
    metas = [c.metadata.get("nbgrader") for c in nb.cells]
    assert all(metas), "every cell carries nbgrader metadata"
    ids = [m["grade_id"] for m in metas]
    assert len(set(ids)) == len(ids), "grade ids are unique"
    answers = [c for c, m in zip(nb.cells, metas) if m["solution"]]
    tests = [c for c, m in zip(nb.cells, metas) if m["grade"]]
    triples = build.exercises(chapter)
    assert len(answers) == len(tests) == len(triples) >= 1
    for cell, (exercise, solution, _) in zip(answers, triples):
        assert not cell.metadata.nbgrader["locked"]
        released = cell.source.split(teacher.BEGIN)[0].rstrip("\n")
        assert released == exercise.text(lang), "outside the solution region: the exercise as learners see it"
        assert cell.source.endswith(teacher.END)
    for cell in tests:
        assert cell.metadata.nbgrader["locked"] and cell.metadata.nbgrader["points"] == teacher.POINTS_PER_EXERCISE
        assert cell.source.splitlines()[-1].startswith("assert ok, ")
    others = [m for m in metas if not m["solution"] and not m["grade"]]
    assert others and all(m["locked"] for m in others), "everything else is read-only"
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def _printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.parametrize("chapter, lang", PAIRS, ids=IDS)
def test_answer_key_is_executed_and_answers_every_exercise(chapter, lang):
    """The build ran each check with `assert ok` (build_teacher.build_answers_one); here: what is stored."""
    nb = nbformat.read(teacher.answers_path(chapter, lang), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), \
        f"rebuild it: .venv/bin/python tools/build_teacher.py {chapter.number} --only answers"
    tags = [c.metadata.get("tags", []) for c in code]
    assert not any("exercise" in t for t in tags), "the answer key holds solutions, not exercises"
    checks = [c for c, t in zip(code, tags) if "check" in t]
    assert len(checks) == len(build.exercises(chapter)) == sum("solution" in t for t in tags)
    learner = [c for c in nbformat.read(ROOT / "notebooks" / lang / f"{chapter.name}.ipynb", as_version=4).cells
               if "check" in build.notebook_tags(c)]
    for k, (solved, unanswered) in enumerate(zip(checks, learner), start=1):
        said = _printed(solved)
        assert said.strip() and not [o for o in solved.outputs if o.output_type == "error"]
        assert said != _printed(unanswered), f"{chapter.name} ({lang}) exercise {k}: the key's check says {said!r}"


def exercise_lines(chapter) -> set[str]:
    """What the learner's notebook shows anyway: the exercise cells' lines, and every non-exercise code line."""
    lines = set()
    for c in chapter.cells:
        if c.kind == "code" and "solution" not in c.tags and "check" not in c.tags:
            lines.update(line.split("#")[0].strip() for line in c.source.splitlines())
    return lines


@pytest.mark.parametrize("chapter, lang", PAIRS, ids=IDS)
def test_handout_is_a_static_page_and_a_pdf(chapter, lang):
    html = teacher.HANDOUTS / lang / f"{chapter.name}.html"
    pdf = html.with_suffix(".pdf")
    assert html.is_file() and pdf.is_file(), f"run: .venv/bin/python tools/build_teacher.py {chapter.number} --only handouts"
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text, "the handout needs no script (MathJax already typeset it)"
    loads = re.search(r"""\bsrc=["']https?://|<link\b[^>]*\bhref=["']https?://|@import\s+url\(["']?https?://""", text)
    assert not loads, f"the handout loads {loads.group(0)!r}...: it must need no network (links to read are fine)"
    assert text.lower().count("<!doctype") == 1
    shown = html_lib.unescape(re.sub(r"<[^>]+>", "", text))
    assert chapter.title(lang).replace("`", "") in shown
    assert f'<meta name="lesson-handout" content="{teacher.handout_stamp(chapter, lang)}">' in text, (
        f"the handout is older than notebooks/{lang}/{chapter.name}.ipynb: "
        f"run .venv/bin/python tools/build_teacher.py {chapter.number} --only handouts")
    if "$" in "".join(c.source for c in chapter.cells if c.kind == "markdown" and c.lang == lang):
        assert "<mjx-container" in text, "the maths was typeset"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert 'LANG = "' not in text, "the generated setup cell is left out"
    assert re.search(rf'<html[^>]*\blang="{lang}"', text), "the page says its language (line breaks in Korean follow it)"
    shown_anyway = exercise_lines(chapter)
    for _, solution, check in build.exercises(chapter):  # paper must not give the answers away
        for line in (solution.source + "\n" + check.source).splitlines():
            line = line.split("#")[0].strip()
            if len(line) > 12 and line not in shown_anyway:
                assert html_lib.escape(line, quote=False) not in text and line not in shown, (
                    f"the handout prints a line of a solution or check: {line!r}")


# --- nbgrader itself -------------------------------------------------------------------------

def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, **build.TEST_ENV, OMP_NUM_THREADS="1")
    # nbgrader starts `alembic` (its database migrations) by name: the environment's bin/ comes first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0 and "ERROR" not in done.stdout + done.stderr, (
        f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@pytest.mark.nbgrader
@pytest.mark.parametrize("chapter, lang", PAIRS, ids=IDS)
def test_nbgrader_gives_full_marks_to_the_solutions_and_none_to_an_untouched_release(chapter, lang, tmp_path):
    from nbgrader.api import Gradebook

    name = teacher.assignment_name(chapter, lang)
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(teacher.COURSE / "nbgrader_config.py", course)
    shutil.copytree(teacher.COURSE / "source" / name, course / "source" / name)
    _nbgrader(course, "generate_assignment", name)
    release = course / "release" / name / f"{chapter.name}.ipynb"
    released = nbformat.read(release, as_version=4)
    source = nbformat.read(course / "source" / name / f"{chapter.name}.ipynb", as_version=4)
    solutions = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells if c.metadata.nbgrader["solution"]}
    answer_cells = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answer_cells and all(teacher.BEGIN not in c.source and "answer" in c.source for c in answer_cells), \
        "the release keeps the placeholder and drops the solution"

    for student in ("solved", "untouched"):
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True)
        nb = nbformat.read(release, as_version=4)
        if student == "solved":
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution"):
                    cell.source = solutions[meta["grade_id"]]
        nbformat.write(nb, folder / release.name)
    _nbgrader(course, "autograde", name)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(name, s) for s in ("solved", "untouched")}
        full = len(answer_cells) * teacher.POINTS_PER_EXERCISE
        assert scores["solved"].max_score == full
        assert scores["solved"].score == full, f"{name}: the solutions scored {scores['solved'].score} of {full}"
        assert scores["untouched"].score == 0, f"{name}: an untouched release scored {scores['untouched'].score}"
