"""views/_speedups.Labels (drawn by _style.add_labels): many texts as one artist, from cached stamps, looking as ``Text`` would."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lesson_lib.fonts import use_korean_font
from lesson_lib.views import _speedups, _style as S

TEXTS = ["[CLS]", "we", "한국어", "##ing", "2057", "Hg", "café", "$x$", "ᄒ ᅡ ᆫ", "."]
PLACES = [("center", "center"), ("left", "baseline"), ("right", "top"), ("center", "bottom")]


def _pixels(draw, size=(7.0, 3.0)) -> np.ndarray:
    use_korean_font()
    fig = Figure(figsize=size, dpi=80)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(-0.5, len(TEXTS) - 0.5)
    ax.set_ylim(0, len(PLACES))
    draw(ax)
    canvas = FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (an empty box) would warn
        canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def _ink(pixels: np.ndarray) -> np.ndarray:
    return 255 * 3 - pixels.sum(axis=-1)  # 0 on white, larger where darker


def _as_texts(ax):
    for row, (ha, va) in enumerate(PLACES):
        for i, text in enumerate(TEXTS):
            ax.text(i, row + 0.5, text, ha=ha, va=va, fontsize=11, color=f"C{i}", parse_math=False)


def _as_labels(ax):
    for row, (ha, va) in enumerate(PLACES):
        S.add_labels(ax, [(i, row + 0.5) for i in range(len(TEXTS))], TEXTS, ha=ha, va=va, fontsize=11,
                     colors=[f"C{i}" for i in range(len(TEXTS))])


def test_labels_draw_what_text_draws_within_a_pixel():
    texts, labels = _pixels(_as_texts), _pixels(_as_labels)
    ink_t, ink_l = _ink(texts), _ink(labels)
    assert ink_t.sum() > 0 and abs(ink_l.sum() - ink_t.sum()) < 0.01 * ink_t.sum()  # the same glyphs, no more
    # Every label in the same place: shifting the picture by at most one pixel either way
    # explains every difference (rounding of the position), cell by cell.
    w = texts.shape[1] // len(TEXTS)
    h = texts.shape[0] // len(PLACES)
    for r in range(len(PLACES)):
        for c in range(len(TEXTS)):
            a = ink_t[r * h:(r + 1) * h, c * w:(c + 1) * w]
            b = ink_l[r * h:(r + 1) * h, c * w:(c + 1) * w]
            best = min(np.abs(np.roll(b, (dy, dx), axis=(0, 1)) - a).sum()
                       for dy in (-1, 0, 1) for dx in (-1, 0, 1))
            assert best <= 0.02 * max(a.sum(), 1), (PLACES[r], TEXTS[c])


@pytest.mark.parametrize("rotation, ha, va", [(60, "right", "top"), (90, "center", "bottom")])
def test_slanted_labels_draw_what_slanted_text_draws(rotation, ha, va):
    # Tick labels of attention heatmaps (60 degrees) and y axis titles (90): turned about their anchor.
    words = ["[CLS]", "한국어", "##ing", "Hg"]
    texts = _ink(_pixels(lambda ax: [ax.text(2 * i + 1, 2, w, rotation=rotation, rotation_mode="anchor", ha=ha,
                                             va=va, fontsize=11, parse_math=False) for i, w in enumerate(words)]))
    labels = _ink(_pixels(lambda ax: S.add_labels(ax, [(2 * i + 1, 2) for i in range(len(words))], words,
                                                  rotation=rotation, ha=ha, va=va, fontsize=11)))
    assert texts.sum() > 0 and abs(labels.sum() - texts.sum()) < 0.01 * texts.sum()
    best = min(np.abs(np.roll(labels, (dy, dx), axis=(0, 1)) - texts).sum() for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    assert best <= 0.02 * texts.sum()


def test_labels_are_plain_text_and_hangul_has_glyphs():
    # "$x$" is not typeset as math (a token may contain dollars); Hangul is drawn, not boxes.
    one = _pixels(lambda ax: S.add_labels(ax, [(1, 1)], ["$x$"], fontsize=11))
    math = _pixels(lambda ax: ax.text(1, 1, "$x$", ha="center", va="center", fontsize=11))
    assert (_ink(one) != _ink(math)).any()
    hangul = _pixels(lambda ax: S.add_labels(ax, [(1, 1)], ["한국어"], fontsize=11))
    box = _pixels(lambda ax: S.add_labels(ax, [(1, 1)], ["\u25a1\u25a1\u25a1"], fontsize=11))
    assert _ink(hangul).sum() > 0 and (_ink(hangul) != _ink(box)).any()


def test_lines_stack_and_keep_their_alignment():
    one = _ink(_pixels(lambda ax: S.add_labels(ax, [(4, 2)], ["pieces"], fontsize=11)))
    two = _ink(_pixels(lambda ax: S.add_labels(ax, [(4, 2)], ["pieces\npieces"], fontsize=11)))
    rows_one, rows_two = np.nonzero(one.sum(axis=1))[0], np.nonzero(two.sum(axis=1))[0]
    assert two.sum() == pytest.approx(2 * one.sum(), rel=0.02)
    assert np.ptp(rows_two) > 1.8 * np.ptp(rows_one)
    # Centred both: the two lines share their columns with the single one.
    assert (np.nonzero(one.sum(axis=0))[0] == np.nonzero(two.sum(axis=0))[0]).all()


def test_labels_follow_the_font_setting():
    import matplotlib

    use_korean_font()
    before = _speedups._stamp.cache_info().currsize
    _pixels(lambda ax: S.add_labels(ax, [(1, 1)], ["font check"], fontsize=13))
    with matplotlib.rc_context({"font.family": ["DejaVu Serif"]}):
        fig = Figure(figsize=(2, 1), dpi=80)
        S.add_labels(fig.add_subplot(), [(0.5, 0.5)], ["font check"], fontsize=13)
        FigureCanvasAgg(fig).draw()
    assert _speedups._stamp.cache_info().currsize >= before + 2  # a new font: a new stamp, not the old one


@pytest.mark.parametrize("kwargs, words", [
    (dict(xy=[(0, 0)], texts=["a", "b"]), "1 positions, 2 texts"),
    (dict(xy=[(0, 0)], texts=["a"], ha="middle"), "ha must be one of"),
    (dict(xy=[(0, 0)], texts=["a"], va="center_baseline"), "va must be one of"),
    (dict(xy=[(0, 0), (1, 1)], texts=["a", "b"], colors=["red"]), "1 colours"),
])
def test_bad_labels_say_what_is_wrong(kwargs, words):
    with pytest.raises(ValueError, match=words):
        _speedups.Labels(**kwargs)


def test_a_tight_crop_keeps_the_labels():
    # The notebooks' inline backend saves with bbox_inches="tight": labels outside the axes
    # (colour-scale numbers, axis titles) must count, or they are cut off.
    import io

    from PIL import Image

    def width(with_label: bool) -> int:
        fig = Figure(figsize=(3, 2), dpi=80)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        if with_label:
            S.add_labels(ax, [(1.05, 0.5)], ["a label right of the axes"], transform=ax.transAxes, ha="left")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        return Image.open(buffer).width

    assert width(True) > width(False) + 80


def test_a_second_title_replaces_the_first():
    fig = Figure(figsize=(3, 2), dpi=80)
    ax = fig.add_subplot()
    S.axes_title(ax, "first")
    S.axes_title(ax, "second")
    assert [text for artist in fig.findobj(_speedups.Labels) for text in artist.texts] == ["second"]
