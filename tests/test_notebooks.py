"""The committed chapter notebooks: both languages present, in step with their sources, ready for nbval.

nbval (``./kit test`` runs it over notebooks/) re-executes the notebooks and compares outputs;
these tests check what nbval cannot see: a notebook saved without execution counts (nbval
would silently compare nothing), a translation that drifted, a stale build, a missing exercise.
No kernel is started here; it takes well under a second.
"""

from __future__ import annotations

import re
import sys
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


@pytest.mark.parametrize("name", NAMES)
def test_code_cells_are_identical_across_languages(name):
    ko, en = code_cells(read("ko", name)), code_cells(read("en", name))
    assert len(ko) == len(en)
    # The generated setup cell differs in exactly one line: LANG = "ko" / "en".
    assert ko[0].metadata.get(build.SETUP_MARKER) and en[0].metadata.get(build.SETUP_MARKER)
    assert ko[0].source.replace('LANG = "ko"', 'LANG = "en"') == en[0].source
    for k, (a, b) in enumerate(zip(ko[1:], en[1:]), start=2):
        assert a.source == b.source, f"{name}: code cell {k} differs between ko and en"
        assert a.metadata.get("tags", []) == b.metadata.get("tags", [])


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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NAMES)
def test_each_chapter_ends_with_an_exercise_and_a_check(name, lang):
    cells = code_cells(read(lang, name))
    exercise, check = cells[-2], cells[-1]
    assert "exercise" in exercise.metadata.get("tags", []), f"{name}: the second-to-last code cell is not the exercise"
    assert "check" in check.metadata.get("tags", []), f"{name}: the last code cell is not the answer check"
    assert re.search(r"^answer = None\b", exercise.source, re.M), f"{name}: the exercise must start unanswered"
    assert "answer" in check.source
    # Committed unanswered, the check says so (in the notebook's language) instead of failing.
    said = _output_text(check)
    assert said.strip(), f"{name}: the check cell printed nothing for an unanswered exercise"
    assert bool(HANGUL.search(said)) == (lang == "ko")


# Chapters 00-09 end with a bridge to the real 🤗 Transformers; a later chapter joins by its number.
BRIDGED = [name for name in NAMES if name[:2] <= "09"]
BRIDGE_TITLE = {"ko": "## 🤗 Transformers에서는", "en": "## In 🤗 Transformers"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", BRIDGED)
def test_each_chapter_carries_over_to_transformers_right_before_its_exercise(name, lang):
    """One prose cell titled for the bridge, one code cell running transformers that checks and asserts, the exercise."""
    cells = read(lang, name).cells
    titled = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith(BRIDGE_TITLE[lang])]
    assert len(titled) == 1, f"{name}: needs exactly one prose cell starting with {BRIDGE_TITLE[lang]!r}"
    code, *rest = cells[titled[0] + 1:]
    assert code.cell_type == "code" and code.source.startswith("import transformers"), \
        f"{name}: the bridge's code cell must follow its prose and start with `import transformers`"
    assert "set_verbosity_error()" in code.source, f"{name}: quiet transformers' logging, or stored outputs vary"
    assert re.search(r"^\s*assert ", code.source, re.M), f"{name}: the bridge must assert its own claim"
    last_line = _output_text(code).strip().splitlines()[-1:] or [""]
    assert "True" in last_line[0] and "False" not in last_line[0], f"{name}: the bridge must end with a printed check"
    # The build needs the exercise last, so the bridge sits right before it: its prose, then its two cells.
    assert [c.cell_type for c in rest] == ["markdown", "code", "code"], f"{name}: the bridge is not right before the exercise"


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

# %% tags=["check"]
print(answer)
'''


def test_a_well_formed_source_parses(tmp_path):
    ch = _parse(tmp_path, GOOD)
    assert [c.kind for c in ch.cells] == ["markdown", "markdown", "code", "code", "code"]
    assert ch.title("ko") == "05 예시" and ch.summary("en") == "The summary."
    ko, en = build.make_notebook(ch, "ko"), build.make_notebook(ch, "en")
    assert ko.cells[1].source.startswith('LANG = "ko"') and en.cells[1].source.startswith('LANG = "en"')
    assert [c.source for c in code_cells(ko)[1:]] == [c.source for c in code_cells(en)[1:]]


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace("# %% [md en]\n# # 05 Example\n#\n# The summary.\n", ""), "in pairs"),
    (GOOD.replace('tags=["exercise"]', 'tags=["exercize"]'), "unknown tag"),
    (GOOD.replace('# %% tags=["check"]', "# %%"), "exercise"),
    (GOOD.replace("# # 05 Example", "# 05 Example"), "title"),
    (GOOD.replace("# The summary.", "The summary."), "must start with '# '"),
])
def test_a_broken_source_is_refused_with_a_reason(tmp_path, broken, message):
    with pytest.raises(build.SourceError, match=message):
        _parse(tmp_path, broken)
