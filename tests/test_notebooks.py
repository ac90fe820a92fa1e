"""The committed chapter notebooks: both languages present, in step with their sources, ready for nbval.

nbval (``./kit test`` runs it over notebooks/) re-executes the notebooks and compares outputs;
these tests check what nbval cannot see: a notebook saved without execution counts (nbval
would silently compare nothing), a translation that drifted, a stale build, a missing exercise.
No kernel is started here; it takes well under a second.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks as build  # noqa: E402

LANGS = build.LANGS
CHAPTERS = build.find_chapters()
NAMES = [ch.name for ch in CHAPTERS]
HANGUL = re.compile("[\uac00-\ud7a3]")


def read(lang: str, name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / lang / f"{name}.ipynb", as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def prose_cells(nb):
    return [c for c in nb.cells if c.cell_type == "markdown"]


def test_chapters_are_numbered_from_00_without_gaps():
    assert NAMES, "no chapter sources in notebooks/_source/"
    assert [ch.number for ch in CHAPTERS] == [f"{k:02d}" for k in range(len(CHAPTERS))]


def test_every_chapter_exists_in_both_languages_with_the_same_file_names():
    for lang in LANGS:
        found = sorted(p.stem for p in (ROOT / "notebooks" / lang).glob("*.ipynb"))
        assert found == sorted(NAMES + ["index"]), f"notebooks/{lang}/ does not match notebooks/_source/"


def test_committed_notebooks_are_up_to_date_with_their_sources():
    problems = build.check(CHAPTERS, all_chapters=True)
    assert not problems, "\n".join(problems) + "\nRebuild: .venv/bin/python tools/build_notebooks.py"


def without_comments(source: str) -> list[tuple[int, str]]:
    """The code of a cell as Python tokens, comments and blank lines left out (a '#' in a string stays)."""
    lines = [line for line in source.split("\n") if not line.lstrip().startswith("%")]  # IPython magics
    tokens = tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
    return [(tok.type, tok.string) for tok in tokens if tok.type not in (tokenize.COMMENT, tokenize.NL)]


def comments(source: str) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
    return [tok.string for tok in tokens if tok.type == tokenize.COMMENT]


def test_comparing_code_without_comments_ignores_comments_only():
    assert without_comments("x = 1  # one\n# a note\ny = '# kept'") == without_comments("x = 1  # 하나\ny = '# kept'")
    assert without_comments("y = '# kept'") != without_comments("y = '# gone'")
    assert without_comments("x = 1") != without_comments("x = 2  # x = 1")


@pytest.mark.parametrize("name", NAMES)
def test_code_cells_are_identical_across_languages(name):
    """Only the comments (translated) and the setup cell's LANG line may differ between ko and en."""
    ko, en = code_cells(read("ko", name)), code_cells(read("en", name))
    assert len(ko) == len(en)
    assert ko[0].metadata.get(build.SETUP_MARKER) and en[0].metadata.get(build.SETUP_MARKER)
    assert ko[0].source.startswith('LANG = "ko"') and en[0].source.startswith('LANG = "en"')
    assert without_comments(ko[0].source.replace('LANG = "ko"', 'LANG = "en"', 1)) == without_comments(en[0].source)
    for k, (a, b) in enumerate(zip(ko[1:], en[1:]), start=2):
        assert without_comments(a.source) == without_comments(b.source), f"{name}: code cell {k} differs between ko and en"
        assert a.metadata.get("tags", []) == b.metadata.get("tags", [])


# Words of English prose in a comment: a run of letters that is not part of a code name (x.y, a_b, f().
ENGLISH_WORD = re.compile(r"(?<![\w.`])[A-Za-z]{2,}(?![\w.(`])")


@pytest.mark.parametrize("name", NAMES)
def test_code_comments_are_in_the_notebooks_language(name):
    """A Korean notebook's comments are Korean (a [ko] twin), an English one's hold no Korean-only comment."""
    for lang in LANGS:
        for k, cell in enumerate(code_cells(read(lang, name)), start=1):
            for comment in comments(cell.source):
                has_hangul = bool(HANGUL.search(comment))
                if lang == "ko":
                    assert has_hangul or len(ENGLISH_WORD.findall(comment)) < 3, (
                        f"notebooks/ko/{name}.ipynb cell {k}: an English comment {comment!r}; "
                        f"give it a '# [ko] ...' twin in notebooks/_source/{name}.py")
                else:
                    assert not has_hangul or ENGLISH_WORD.search(comment), (
                        f"notebooks/en/{name}.ipynb cell {k}: a Korean comment {comment!r}; give it an '[en]' twin")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_every_code_cell_was_executed_and_its_outputs_stored(name, lang):
    """nbval skips the comparison for cells without an execution count: refuse cleared notebooks."""
    cells = code_cells(read(lang, name))
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"notebooks/{lang}/{name}.ipynb was not saved from one clean run (execution counts {counts}). "
        f"Rebuild it: .venv/bin/python tools/build_notebooks.py {name[:2]}"
    )
    for k, cell in enumerate(cells, start=1):
        tags = cell.metadata.get("tags", [])
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "nbval-raises-exception" in tags:
            assert errors, f"{name} cell {k} is tagged nbval-raises-exception but raised nothing"
        else:
            assert not errors, f"{name} cell {k} stored an error: {errors[0].get('ename')}"
    assert any(c.outputs for c in cells), f"{name}: no outputs stored at all"


def _output_text(cell) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts += [str(v) for k, v in out.data.items() if k.startswith("text/")]
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "\n".join(parts)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_compared_outputs_hold_nothing_that_changes_between_machines(name, lang):
    """Text that nbval compares must not hold paths, addresses or times of this machine."""
    volatile = [
        (str(ROOT), "an absolute path of the build machine"),
        ("/tmp/ipykernel", "a kernel's temporary file name (warnings print it: the setup cell hides it)"),
        (re.compile(r" at 0x[0-9a-f]{6,}"), "a memory address (an object's default repr)"),
        (re.compile(r"\d+\.\d+s/it|it/s\]|\d\d:\d\d<"), "a progress bar's times"),
    ]
    for k, cell in enumerate(code_cells(read(lang, name)), start=1):
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            continue
        text = _output_text(cell)
        for pattern, what in volatile:
            found = pattern.search(text) if isinstance(pattern, re.Pattern) else pattern in text
            assert not found, f"notebooks/{lang}/{name}.ipynb cell {k} prints {what}"


@pytest.mark.parametrize("name", NAMES)
def test_prose_is_written_in_both_languages(name):
    ko, en = prose_cells(read("ko", name)), prose_cells(read("en", name))
    assert len(ko) == len(en) > 1
    for a, b in zip(ko, en):
        assert a.source.strip() and b.source.strip(), f"{name}: an empty prose cell"
        assert HANGUL.search(a.source), f"{name}: a Korean prose cell without Hangul:\n{a.source[:200]}"
        assert a.source != b.source, f"{name}: a prose cell is the same in both languages:\n{a.source[:200]}"
    assert ko[0].source.startswith(f"# {name[:2]} ") and en[0].source.startswith(f"# {name[:2]} ")


MIN_EXERCISES = 2  # issue 16: at least two exercises per chapter (predict -> compute -> modify)
UNANSWERED = re.compile(r"^answer\w* = None\b", re.M)


@pytest.mark.parametrize("name", NAMES)
def test_each_chapter_has_at_least_two_exercises_with_solution_and_check(name):
    chapter = next(ch for ch in CHAPTERS if ch.name == name)
    triples = build.exercises(chapter)
    assert len(triples) >= MIN_EXERCISES, (
        f"_source/{name}.py has {len(triples)} exercise(s); a chapter needs {MIN_EXERCISES} or more "
        f"(three cells each: \"exercise\", \"solution\", \"check\"; see notebooks/_source/README.md)")
    for exercise, solution, check in triples:
        where = f"_source/{name}.py:{exercise.line}"
        assert UNANSWERED.search(exercise.source), f"{where}: the exercise must start unanswered (`answer = None`)"
        assert not UNANSWERED.search(solution.source), f"{where}: the solution still says `answer = None`"
        assert re.search(r"^\s*ok = ", check.source, re.M), f"{where}: the check must set `ok = <bool>` (nbgrader asserts it)"
        assert not re.search(r"^\s*assert\b", check.source, re.M), f"{where}: the check must hint, never assert"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_the_learners_notebook_has_exercises_and_checks_but_no_solution(name, lang):
    cells = code_cells(read(lang, name))
    tags = [c.metadata.get("tags", []) for c in cells]
    assert not any("solution" in t for t in tags), f"notebooks/{lang}/{name}.ipynb holds a solution cell"
    exercises = [k for k, t in enumerate(tags) if "exercise" in t]
    chapter = next(ch for ch in CHAPTERS if ch.name == name)
    assert len(exercises) == len(build.exercises(chapter)) >= 1
    for k in exercises:
        exercise, check = cells[k], cells[k + 1]
        assert "check" in check.metadata.get("tags", []), f"{name}: code cell {k + 1} (exercise) is not followed by its check"
        assert UNANSWERED.search(exercise.source), f"{name}: the exercise in code cell {k + 1} must start unanswered"
        # Committed unanswered, the check says so (in the notebook's language) instead of failing.
        said = _output_text(check)
        assert said.strip(), f"{name}: the check in code cell {k + 2} printed nothing for an unanswered exercise"
        assert not [o for o in check.outputs if o.output_type == "error"], f"{name}: a check raised on `None`"
        assert bool(HANGUL.search(said)) == (lang == "ko"), f"{name}: the check in code cell {k + 2} speaks the wrong language"


# Chapters 00-09 carry over to the real 🤗 Transformers; a later chapter joins by its number.
BRIDGED = [name for name in NAMES if name[:2] <= "09"]
BRIDGE_TITLE = {"ko": "## 🤗 Transformers에서는", "en": "## In 🤗 Transformers"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", BRIDGED)
def test_each_chapter_carries_over_to_transformers(name, lang):
    """One prose cell titled for the bridge, then one code cell running transformers that checks and asserts."""
    cells = read(lang, name).cells
    titled = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith(BRIDGE_TITLE[lang])]
    assert len(titled) == 1, f"{name}: needs exactly one prose cell starting with {BRIDGE_TITLE[lang]!r}"
    code = cells[titled[0] + 1] if titled[0] + 1 < len(cells) else None
    assert code is not None and code.cell_type == "code" and code.source.startswith("import transformers"), \
        f"{name}: the bridge's code cell must follow its prose and start with `import transformers`"
    assert "set_verbosity_error()" in code.source, f"{name}: quiet transformers' logging, or stored outputs vary"
    assert re.search(r"^\s*assert ", code.source, re.M), f"{name}: the bridge must assert its own claim"
    last_line = _output_text(code).strip().splitlines()[-1:] or [""]
    assert "True" in last_line[0] and "False" not in last_line[0], f"{name}: the bridge must end with a printed check"


@pytest.mark.parametrize("lang", LANGS)
def test_index_links_every_chapter_in_order(lang):
    index = read(lang, "index")
    text = "\n".join(c.source for c in index.cells)
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", text)
    chapter_links = [link for link in links if not link.startswith("..")]
    assert chapter_links == [f"{n}.ipynb" for n in NAMES]
    other = "en" if lang == "ko" else "ko"
    assert f"../{other}/index.ipynb" in links


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_links_point_to_existing_notebooks(lang):
    folder = ROOT / "notebooks" / lang
    for name in NAMES + ["index"]:
        for cell in prose_cells(read(lang, name)):
            for link in re.findall(r"\]\(([^)#]+\.ipynb)", cell.source):
                if "://" not in link:
                    assert (folder / link).resolve().is_file(), f"{lang}/{name}: broken link {link}"


# --- the source format itself (what a chapter author runs into) -----------------------

def _parse(tmp_path, text, name="05_example.py"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return build.parse_source(path)


GOOD = '''# %% [md ko]
# # 05 예시
#
# 요약입니다.

# %% [md en]
# # 05 Example
#
# The summary.

# %%
x = 1

# %% tags=["exercise"]
answer = None

# %% tags=["solution"]
answer = 1

# %% tags=["check"]
ok = answer == 1
print(answer)
'''


TRANSLATED = GOOD.replace("x = 1\n", """# [ko] 한국어 설명,
# [ko] 두 줄.
# [en] The English note.
x = 1  # [ko] 하나 [en] one
if x:
    # [ko] 들여 쓴 설명
    # [en] an indented note
    y = 2  # (B, T): shared by both
""")


def test_translated_comments_go_to_their_own_notebook(tmp_path):
    ch = _parse(tmp_path, TRANSLATED)
    ko, en = (code_cells(build.make_notebook(ch, lang))[1].source for lang in ("ko", "en"))
    assert ko == "# 한국어 설명,\n# 두 줄.\nx = 1  # 하나\nif x:\n    # 들여 쓴 설명\n    y = 2  # (B, T): shared by both"
    assert en == "# The English note.\nx = 1  # one\nif x:\n    # an indented note\n    y = 2  # (B, T): shared by both"
    assert without_comments(ko) == without_comments(en)


@pytest.mark.parametrize("broken, message", [
    ("# [ko] 설명\nx = 1\n", r"05_example.py:12: .*no '# \[en\]' twin"),  # a lone Korean line
    ("# [en] a note\n# [ko] 설명\nx = 1\n", r"05_example.py:12: .*no '# \[ko\]' twin"),  # English first
    ("x = 1\nif x:\n    # [ko] 설명\n# [en] a note\n    y = 2\n", r"05_example.py:14: .*same indentation"),
    ("x = 1  # [ko] 하나\n", r"05_example.py:12: cannot read this translated comment"),  # trailing, no [en]
    ("x = 1  # [en] one\n", r"05_example.py:12: cannot read"),
    ("x = 1\n#[ko] 붙여 쓴 태그\n", r"05_example.py:13: cannot read"),
])
def test_a_comment_without_its_twin_is_refused_with_file_and_line(tmp_path, broken, message):
    with pytest.raises(build.SourceError, match=message):
        _parse(tmp_path, GOOD.replace("x = 1\n", broken))


def test_the_setup_cell_sets_the_library_language_in_both_notebooks():
    for lang in LANGS:
        source = build.setup_source(lang)
        assert source.startswith(f'LANG = "{lang}"') and "\nset_language(LANG)\n" in source
        assert bool(HANGUL.search("".join(comments(source.replace("%matplotlib inline", ""))))) == (lang == "ko")


def test_a_well_formed_source_parses(tmp_path):
    ch = _parse(tmp_path, GOOD)
    assert [c.kind for c in ch.cells] == ["markdown", "markdown", "code", "code", "code", "code"]
    assert ch.title("ko") == "05 예시" and ch.summary("en") == "The summary."
    ko, en = build.make_notebook(ch, "ko"), build.make_notebook(ch, "en")
    assert ko.cells[1].source.startswith('LANG = "ko"') and en.cells[1].source.startswith('LANG = "en"')
    assert [c.source for c in code_cells(ko)[1:]] == [c.source for c in code_cells(en)[1:]]
    assert [(e.source, s.source, c.source) for e, s, c in build.exercises(ch)] == [
        ("answer = None", "answer = 1", "ok = answer == 1\nprint(answer)")]


def test_the_learners_notebook_drops_the_solution_and_the_answer_key_the_exercise(tmp_path):
    ch = _parse(tmp_path, GOOD)
    learner = [(c.source, c.metadata.get("tags")) for c in code_cells(build.make_notebook(ch, "en"))[1:]]
    key = [(c.source, c.metadata.get("tags")) for c in code_cells(build.make_notebook(ch, "en", answers=True))[1:]]
    assert learner == [("x = 1", None), ("answer = None", ["exercise"]), ("ok = answer == 1\nprint(answer)", ["check"])]
    assert key == [("x = 1", None), ("answer = 1", ["solution"]), ("ok = answer == 1\nprint(answer)", ["check"])]


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace("# %% [md en]\n# # 05 Example\n#\n# The summary.\n", ""), "in pairs"),
    (GOOD.replace('tags=["exercise"]', 'tags=["exercize"]'), "unknown tag"),
    (GOOD.replace('# %% tags=["check"]', "# %%"), r"05_example.py:17: this 'solution' cell must be followed .* \"check\""),
    (GOOD.replace('# %% tags=["solution"]', "# %%"), r"05_example.py:14: this 'exercise' cell must be followed .* \"solution\""),
    (GOOD.replace('# %% tags=["exercise"]\nanswer = None\n', ""), r"05_example.py:15: this 'solution' cell does not belong"),
    (GOOD.replace('# %% tags=["exercise"]\nanswer = None\n\n# %% tags=["solution"]\nanswer = 1\n', ""),
     r"05_example.py:\d+: this 'check' cell does not belong"),
    (GOOD.replace('# %% tags=["exercise"]', "# %%").replace('# %% tags=["solution"]', "# %%").replace(
        '# %% tags=["check"]', "# %%"), "every chapter has exercises"),
    (GOOD.replace("answer = 1\n", "answer = None\n"), "the same as its exercise"),
    (GOOD.replace('# %% tags=["solution"]', '# %% tags=["solution", "check"]'), "one part of an exercise only"),
    (GOOD.replace("ok = answer == 1\nprint(answer)\n", "ok = answer == 1\nprint(answer)\n\n# %% tags=[\"exercise\"]\nb = None\n"),
     "ends inside an exercise"),
    (GOOD.replace("# # 05 Example", "# 05 Example"), "title"),
    (GOOD.replace("# The summary.", "The summary."), "must start with '# '"),
])
def test_a_broken_source_is_refused_with_a_reason(tmp_path, broken, message):
    with pytest.raises(build.SourceError, match=message):
        _parse(tmp_path, broken)


def test_a_chapter_whose_code_never_names_torch_does_not_load_it():
    # chapter 01 (the tokenizer) needs no model: on a hub its kernel should not pay for torch
    assert not build.uses_torch(next(ch for ch in CHAPTERS if ch.name == "01_tokenizer"))
    assert build.uses_torch(next(ch for ch in CHAPTERS if ch.name == "03_forward_pass"))
    for ch in CHAPTERS:
        for lang in LANGS:
            setup = code_cells(read(lang, ch.name))[0].source
            assert ("import torch" in setup) == build.uses_torch(ch), (lang, ch.name)


def test_uses_torch_reads_code_not_comments_or_strings(tmp_path):
    ch = _parse(tmp_path, GOOD.replace("x = 1\n", 'x = "torch"  # torch\n'))
    assert not build.uses_torch(ch)
    ch = _parse(tmp_path, GOOD.replace("x = 1\n", "import torch\n"))
    assert build.uses_torch(ch)
