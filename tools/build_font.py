"""How LessonSansKR-Regular.otf was made: a subset of Noto Sans CJK KR Regular.

A maintainer tool, not part of the installed package: lesson_lib only ships the result
(lesson_lib/fonts/LessonSansKR-Regular.otf, with OFL.txt and README.md); this script is kept so
the font can be rebuilt and checked (tests/test_fonts.py reads its names and ranges).

The full font is ~16 MB (one face of a 19 MB collection); the kit needs Hangul
(syllables and every jamo, because chapter 01 shows NFD-decomposed text), Latin,
kana, and the few hundred CJK characters the BERT vocabulary contains. That subset
is about 1.6 MB.

Source: Debian package ``fonts-noto-cjk`` (1:20220127+repack1-1), file
``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``, face 1 (KR), version 2.004.
Licence: SIL Open Font License 1.1 (see OFL.txt). The reserved font name is "Source",
which this subset does not use; we also give it its own family name ("Lesson Sans KR"),
so it cannot be mistaken for the full Noto font if that is installed too.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb noto
    python tools/build_font.py noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
        path/to/vocab.txt lesson_lib/fonts/LessonSansKR-Regular.otf
"""

from __future__ import annotations

import sys

FAMILY = "Lesson Sans KR"
POSTSCRIPT = "LessonSansKR-Regular"
KR_FACE = 1  # order in the collection: JP, KR, SC, TC, HK, then the Mono faces

RANGES = [
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x0300, 0x036F),  # Latin, Latin-1/Extended, combining accents
    (0x0370, 0x03FF), (0x0400, 0x04FF),  # Greek, Cyrillic (the font has most of them)
    (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x214F),  # punctuation, currency, letterlike
    (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF),  # arrows, maths (U+2212 minus), enclosed
    (0x2500, 0x257F), (0x25A0, 0x25FF),  # box drawing, shapes (the placeholder U+25A1)
    (0x1100, 0x11FF),  # Hangul Jamo: what NFD turns syllables into (U+1100..U+11FF, all of it)
    (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF),  # compatibility jamo, jamo extended A/B
    (0xAC00, 0xD7A3),  # the 11,172 Hangul syllables
    (0x3000, 0x303F), (0x3200, 0x32FF), (0xFF00, 0xFFEF),  # CJK punctuation, enclosed, full-width forms
    (0x3040, 0x30FF), (0x31F0, 0x31FF),  # hiragana, katakana
]


def build(collection_path: str, vocab_path: str, out_path: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    codepoints = {c for lo, hi in RANGES for c in range(lo, hi + 1)}
    with open(vocab_path, encoding="utf-8") as f:  # every character a token can contain
        codepoints |= {ord(ch) for line in f for ch in line.rstrip("\n").replace("##", "")}

    font = TTCollection(collection_path).fonts[KR_FACE]
    options = subset.Options()
    options.layout_features = ["*"]  # keep the jamo-composing features (ljmo, vjmo, tjmo)
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["vhea", "vmtx", "VORG"]  # vertical writing: not used in plots
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)

    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    for name_id, value in [(1, FAMILY), (2, "Regular"), (3, f"{POSTSCRIPT};subset of NotoSansCJKkr-Regular 2.004"),
                           (4, f"{FAMILY} Regular"), (6, POSTSCRIPT)]:
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    names.setName("Subset of Noto Sans CJK KR Regular 2.004 (Hangul, jamo, Latin, kana, BERT vocabulary "
                  "characters), made for lesson_lib. Noto is a trademark of Google Inc.", 10, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [POSTSCRIPT]
    top = cff.topDictIndex[0]
    top.FullName, top.FamilyName = f"{FAMILY} Regular", FAMILY
    font.save(out_path)


if __name__ == "__main__":
    build(*sys.argv[1:4])
