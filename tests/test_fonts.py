"""Hangul in matplotlib: the shipped font has the glyphs, is registered once, and draws without warnings."""

from __future__ import annotations

import io
import unicodedata
import warnings

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from helpers import import_tool
from lesson_lib import fonts

HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)
JAMO = range(0x1100, 0x1200)
SAMPLE = "한국어 문장을 토큰으로 나눕니다. 가나다 똠방각하 −1"


@pytest.fixture(scope="module")
def cmap():
    from fontTools.ttLib import TTFont

    with TTFont(str(fonts.FONT_FILE), lazy=True) as font:  # closed here, not by a later garbage collection
        return font.getBestCmap()


def test_font_file_and_licence_ship_with_the_package():
    assert fonts.FONT_FILE.is_file()
    assert fonts.FONT_FILE.stat().st_size <= 5 * 1024 * 1024
    licence = (fonts.FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_font_has_every_hangul_syllable_and_every_jamo(cmap):
    assert [hex(c) for c in HANGUL_SYLLABLES if c not in cmap] == []
    assert [hex(c) for c in JAMO if c not in cmap] == []
    assert all(c in cmap for c in range(0x3131, 0x318F))  # compatibility jamo (ㄱ, ㅏ)
    assert all(c in cmap for c in range(0x20, 0x7F))  # ASCII


def test_nfd_of_every_syllable_stays_inside_the_font(cmap):
    # What chapter 01 shows: uncased BERT decomposes syllables into conjoining jamo.
    pieces = {ch for c in HANGUL_SYLLABLES for ch in unicodedata.normalize("NFD", chr(c))}
    assert pieces and all(ord(ch) in cmap for ch in pieces)


def test_use_korean_font_puts_it_first_and_is_idempotent():
    with matplotlib.rc_context():
        for _ in range(3):
            assert fonts.use_korean_font() == fonts.FONT_FAMILY
        assert matplotlib.rcParams["font.family"][0] == fonts.FONT_FAMILY
        assert matplotlib.rcParams["font.sans-serif"][0] == fonts.FONT_FAMILY
        assert matplotlib.rcParams["axes.unicode_minus"] is False
        assert sum(f.name == fonts.FONT_FAMILY for f in font_manager.fontManager.ttflist) == 1
        found = font_manager.findfont(font_manager.FontProperties(family=fonts.FONT_FAMILY), fallback_to_default=False)
        assert found == str(fonts.FONT_FILE)


def test_use_korean_font_repairs_reset_settings():
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        assert matplotlib.rcParams["font.family"][0] != fonts.FONT_FAMILY
        fonts.use_korean_font()
        assert matplotlib.rcParams["font.family"][:2] == [fonts.FONT_FAMILY, "DejaVu Sans"]
    fonts.use_korean_font()


def _draw(text: str) -> list[str]:
    fig = Figure(figsize=(4, 2), dpi=50)
    ax = fig.add_subplot()
    ax.set_title(text)
    ax.text(0.1, 0.5, text)
    ax.plot([-1, 1], [-1, 1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def test_korean_text_draws_without_warnings():
    with matplotlib.rc_context():
        fonts.use_korean_font()
        nfd = unicodedata.normalize("NFD", SAMPLE)
        assert _draw(SAMPLE) == []
        assert _draw(nfd) == []
        assert _draw(" ".join(nfd)) == []  # lone conjoining jamo, as in the tokenizer view
        assert _draw("ᄀ ᅡ ᆨ ㄱ ㅏ café αβγ Жж") == []


def test_the_warning_check_does_detect_a_missing_glyph():
    # Without our font, DejaVu Sans has no Hangul: the same drawing must warn (the test above means something).
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        assert any("missing from font" in m for m in _draw("한국어"))


def test_displayable_replaces_what_no_font_has():
    assert fonts.missing_glyphs("한국어 abc 한") == []
    assert fonts.missing_glyphs("a🤗b") == ["🤗"]
    assert fonts.displayable("a🤗b") == "a\u25a1b"
    with matplotlib.rc_context():
        fonts.use_korean_font()
        assert _draw(fonts.displayable("🤗 Transformers 라이브러리")) == []


def test_korean_font_name():
    assert fonts.korean_font_name() == fonts.FONT_FAMILY


def test_the_package_ships_the_font_not_the_tool_that_made_it():
    shipped = {p.name for p in fonts.FONT_FILE.parent.iterdir()}
    assert shipped == {"LessonSansKR-Regular.otf", "OFL.txt", "README.md"}


def test_the_build_tool_names_and_covers_what_ships():
    """tools/build_font.py rebuilds this font: the same family and PostScript name, every syllable and jamo kept."""
    from fontTools.ttLib import TTFont

    build_font = import_tool("build_font")
    assert build_font.FAMILY == fonts.FONT_FAMILY
    with TTFont(str(fonts.FONT_FILE), lazy=True) as font:
        names = font["name"]
        assert names.getDebugName(1) == build_font.FAMILY and names.getDebugName(6) == build_font.POSTSCRIPT
    kept = {c for lo, hi in build_font.RANGES for c in range(lo, hi + 1)}
    assert set(HANGUL_SYLLABLES) | set(JAMO) <= kept  # what test_font_has_every_hangul_syllable_and_every_jamo finds
