"""Hangul in every matplotlib figure, offline: no empty boxes, no "Glyph missing" warnings.

matplotlib's own font (DejaVu Sans) has no Hangul, so Korean labels come out as
empty boxes. We ship one font that has it, ``fonts/LessonSansKR-Regular.otf`` (a
1.6 MB subset of Noto Sans CJK KR, SIL Open Font License; ``fonts/README.md`` says how
it was made), register it with matplotlib and put it first in the font list, with
DejaVu Sans behind it for the scripts it lacks (matplotlib falls back glyph by glyph).

>>> use_korean_font()                      # doctest: +SKIP
'Lesson Sans KR'

The subset keeps every Hangul syllable and the whole jamo block U+1100..U+11FF,
because uncased BERT's normaliser (NFD) turns "한" into "ᄒ" + "ᅡ" + "ᆫ" and chapter 01
draws those pieces. We do not depend on koreanize-matplotlib: it imports ``distutils``,
which Python 3.12 removed.

Used in: the setup cell of every notebook (tools/build_notebooks.py), views/_style.py,
notebooks/*/00_overview (``korean_font_name``).
"""

from __future__ import annotations

import functools
from pathlib import Path

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "LessonSansKR-Regular.otf"
FONT_FAMILY = "Lesson Sans KR"
# Drawn instead of a character that no font we use can show (both fonts have U+25A1 "□").
PLACEHOLDER = "\u25a1"

__all__ = ["FONT_FAMILY", "FONT_FILE", "use_korean_font", "korean_font_name", "missing_glyphs", "displayable",
           "placeholder_key"]


def _fallback_family() -> str:
    return "DejaVu Sans"  # ships inside matplotlib, so it is always there


def use_korean_font() -> str:
    """Make matplotlib draw Hangul: register the shipped font and put it first. Returns its family name.

    Safe to call any number of times (the notebooks' setup cell and every view call it);
    it also repairs the settings after ``plt.style.use(...)`` or ``rcdefaults()`` reset them.

    >>> import matplotlib.pyplot as plt
    >>> _ = use_korean_font(); plt.rcParams["font.family"][0]
    'Lesson Sans KR'
    """
    import matplotlib
    from matplotlib import font_manager

    _register(font_manager.fontManager)
    rc = matplotlib.rcParams
    # rcParams can only be written with valid values; these three are the whole setup.
    family = list(rc["font.family"])
    if family[:1] != [FONT_FAMILY]:
        rest = [f for f in family if f not in (FONT_FAMILY, "sans-serif")]
        # Keep DejaVu Sans right behind ours: matplotlib falls back per glyph along this list.
        rc["font.family"] = [FONT_FAMILY, _fallback_family(), *[f for f in rest if f != _fallback_family()]]
    sans = list(rc["font.sans-serif"])
    if sans[:1] != [FONT_FAMILY]:
        rc["font.sans-serif"] = [FONT_FAMILY, *[f for f in sans if f != FONT_FAMILY]]
    # Our font's U+2212 minus is fine, but an ASCII hyphen keeps tick labels identical in
    # every font the fallback might pick.
    rc["axes.unicode_minus"] = False
    return FONT_FAMILY


_registered_in: set[int] = set()


def _register(manager) -> None:
    # addfont() appends a new entry on every call; register once per FontManager object
    # (a test or a user may build a fresh one).
    if id(manager) in _registered_in and any(f.name == FONT_FAMILY for f in manager.ttflist):
        return
    if not FONT_FILE.is_file():
        from .errors import CheckpointError

        raise CheckpointError("error.fonts.missing", FONT_FILE=FONT_FILE)
    if not any(f.name == FONT_FAMILY for f in manager.ttflist):
        manager.addfont(str(FONT_FILE))
    _registered_in.add(id(manager))


def korean_font_name() -> str | None:
    """The family matplotlib uses for Hangul after :func:`use_korean_font`, or None if there is none.

    >>> korean_font_name()    # doctest: +SKIP
    'Lesson Sans KR'
    """
    try:
        use_korean_font()
    except OSError:
        return None
    return FONT_FAMILY if not missing_glyphs("한글") else None


@functools.lru_cache(maxsize=None)
def _charmaps() -> tuple[frozenset, ...]:
    """The code points of our font and of the fallback, as matplotlib itself loads them."""
    from matplotlib import font_manager

    paths = [str(FONT_FILE), font_manager.findfont(_fallback_family(), fallback_to_default=True)]
    return tuple(frozenset(font_manager.get_font(p).get_charmap()) for p in paths)


@functools.lru_cache(maxsize=4096)
def _drawable(ch: str) -> bool:
    code = ord(ch)
    # Line breaks and the like are layout, not glyphs: matplotlib never looks them up.
    return ch in "\n\r\t" or any(code in cmap for cmap in _charmaps())


def missing_glyphs(text: str) -> list[str]:
    """The characters of ``text`` that neither the Korean font nor the fallback can draw.

    >>> missing_glyphs("한글 한 abc")
    []
    """
    return sorted({ch for ch in text if not _drawable(ch)})


def displayable(text: str) -> str:
    """``text`` with every character no font can draw replaced by "□" (so no warning, no box of nothing).

    The views pass every user-typed string through this before drawing it.

    >>> displayable("a\U0001F917b")  # the hugging-face emoji is in neither font
    'a□b'
    """
    return "".join(ch if _drawable(ch) else PLACEHOLDER for ch in text)


def placeholder_key(text: str) -> str | None:
    """What the "□" of ``displayable(text)`` stand for, to write beside a figure; None if nothing is replaced.

    A lone box looks like a rendering bug (🤗 in the quick tour's sentence, next to its ``[UNK]``),
    so figures that draw a user's text name the characters behind the boxes: code point and
    Unicode name, which read the same in every language.

    >>> placeholder_key("the \\U0001F917 library")
    '□ = U+1F917 HUGGING FACE'
    >>> placeholder_key("한글") is None
    True

    Used in: views/tokens.py, views/softmax.py, views/classify.py, notebooks/*/03_forward_pass.
    """
    import unicodedata

    missing = missing_glyphs(text)
    if not missing:
        return None
    return ", ".join(f"{PLACEHOLDER} = U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip() for ch in missing)
