"""One word per idea in Korean: the words docs/GLOSSARY.md's "avoid" column lists appear in no Korean text.

Korean texts are the chapters' `[md ko]` prose, `[ko]` comments and Korean strings
(notebooks/_source/*.py), every Korean string constant of lesson_lib/ (the i18n tables, the
CLI, error messages) and of tools/build_notebooks.py, and README.ko.md. No kernel, no torch:
the sources are read as text and with `ast`, so this runs in well under a second.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks as build  # noqa: E402

GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
HANGUL = re.compile("[\uac00-\ud7a3]")

# Sentences cut the English way ("..., even though it is small." -> "...작은데도요."): a reason or a
# concession standing alone after the sentence it belongs to. Join it to that sentence instead.
FRAGMENTS = {
    "데도요.": "a concession standing alone ('…인데도요.'): join it to the sentence before ('…인데도 …합니다')",
    "니까요.": "a reason standing alone ('…니까요.'): join it to the sentence it explains ('…이므로 …')",
}


def glossary_rows() -> list[dict[str, str]]:
    """The glossary table as dicts with the keys english, korean, note, avoid."""
    rows, header = [], None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the |---| line
        rows.append(dict(zip(["english", "korean", "note", "avoid"], cells)))
    return rows


def avoided_words() -> dict[str, str]:
    """word to avoid -> the glossary term to write instead."""
    words = {}
    for row in glossary_rows():
        for word in re.findall(r"`([^`]+)`", row.get("avoid", "")):
            words[word] = row["korean"]
    return words


# --- where the Korean texts are -------------------------------------------------------

def chapter_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, Korean text) of a chapter source: [md ko] prose, and code as the Korean notebook shows it."""
    out, kind = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = build.HEADER_RE.match(line)
        if m:
            rest = m.group("rest").strip()
            kind = "en" if rest.startswith("[md en]") else "ko" if rest.startswith("[md ko]") else "code"
            continue
        if kind == "ko":
            out.append((number, line))
        elif kind == "code":
            text = build.localise(line, "ko")  # an [en] comment line becomes "", a trailing one its Korean half
            if text:
                out.append((number, text))
    return out


def python_strings(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of every string constant holding Hangul in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and HANGUL.search(node.value)]


def korean_texts() -> dict[Path, list[tuple[int, str]]]:
    texts = {path: chapter_lines(path) for path in sorted(build.SOURCES.glob("*.py"))
             if build.CHAPTER_RE.match(path.name)}
    for path in sorted((ROOT / "lesson_lib").rglob("*.py")) + [ROOT / "tools" / "build_notebooks.py"]:
        texts[path] = python_strings(path)
    readme = ROOT / "README.ko.md"
    texts[readme] = list(enumerate(readme.read_text(encoding="utf-8").splitlines(), start=1))
    return texts


def find_avoided(lines: list[tuple[int, str]], words: dict[str, str]) -> list[str]:
    found = []
    for number, text in lines:
        for word, instead in words.items():
            if word in text:
                found.append(f"line {number}: {word!r} -> {instead}   ({text.strip()[:100]})")
    return found


TEXTS = korean_texts()


# --- the glossary itself ----------------------------------------------------------------

def test_the_glossary_lists_words_to_avoid_for_the_ideas_the_issue_named():
    rows = glossary_rows()
    assert rows and all(len(r) == 4 for r in rows), "every glossary row has four cells: English | 한국어 | note | avoid"
    terms = " ".join(r["korean"] for r in rows)
    for term in ["에포크", "스텝", "은닉 차원", "동결", "헤더", "패턴", "폭", "로짓", "ID", "라벨", "패딩"]:
        assert term in terms, f"docs/GLOSSARY.md has no row for {term}"
    words = avoided_words()
    for word in ["에폭", "너비", "로그잇", "아이디", "레이블", "얼려", "머리말", "무늬", "채운 자리"]:
        assert word in words, f"docs/GLOSSARY.md does not list {word!r} to avoid"


def test_no_avoided_word_is_part_of_a_chosen_term():
    """Otherwise the check would refuse the glossary's own word."""
    words = avoided_words()
    for row in glossary_rows():
        for word in words:
            assert word not in row["korean"], f"{word!r} (avoid) is part of the term {row['korean']!r}"


def test_the_search_finds_an_avoided_word_with_its_line():
    words = {"에폭": "에포크"}
    assert find_avoided([(3, "3에폭 동안 학습합니다."), (4, "에포크")], words) == [
        "line 3: '에폭' -> 에포크   (3에폭 동안 학습합니다.)"]


def test_a_chapters_english_side_is_not_searched(tmp_path):
    source = tmp_path / "05_x.py"
    source.write_text("# %% [md ko]\n# 한국어\n\n# %% [md en]\n# 에폭 in English prose\n\n# %%\n"
                      "x = 1  # [ko] 에포크 [en] 에폭\n# [ko] 레이블\n# [en] label\n", encoding="utf-8")
    lines = dict(chapter_lines(source))
    assert 5 not in lines and lines[8] == "x = 1  # 에포크" and lines[9] == "# 레이블" and 10 not in lines


def test_every_kind_of_korean_text_is_searched():
    names = {path.relative_to(ROOT).as_posix() for path, lines in TEXTS.items() if lines}
    assert {"lesson_lib/i18n.py", "lesson_lib/__main__.py", "README.ko.md", "tools/build_notebooks.py",
            "notebooks/_source/04_softmax_loss.py"} <= names


# --- the Korean texts -----------------------------------------------------------------

@pytest.mark.parametrize("path", list(TEXTS), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_korean_texts_use_the_glossarys_words(path):
    found = find_avoided(TEXTS[path], avoided_words())
    assert not found, (f"{path.relative_to(ROOT)} uses words docs/GLOSSARY.md says to avoid:\n  "
                       + "\n  ".join(found))


@pytest.mark.parametrize("path", list(TEXTS), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_korean_texts_have_no_english_shaped_fragments(path):
    found = [f"line {n}: {why}   ({text.strip()[:100]})"
             for n, text in TEXTS[path] for fragment, why in FRAGMENTS.items() if fragment in text]
    assert not found, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(found)
