"""BERT's WordPiece tokenizer written out by hand, in plain Python.

Three stages, run in this order on every piece of text between special tokens:

1. normalise: drop control characters, turn every kind of space into " ", put spaces
   around CJK ideographs, (uncased models) decompose with NFD and drop the accent
   marks, then lower-case. That is BERT's normaliser; a tokenizer.json may ask for
   another one (a Korean vocabulary: NFC, which joins jamo into syllables, then
   lower-casing), and then these steps are the file's, in the file's order;
2. pre-tokenise: split on spaces and cut every punctuation mark out as its own word;
3. WordPiece: split each word greedily, longest match first: try the whole word, then
   drop one character from the end until the vocabulary knows the piece; continue from
   where the piece ended, now with "##" in front. No match at some point → the whole
   word becomes [UNK].

``tokenize.py`` does the same work with the ``tokenizers`` library (Rust, fast); this file
is slow but every step can be printed. tests/test_tokenize.py checks they agree.

What this file leaves out: text pairs, truncation and padding (tokenize.py does
those), normaliser steps beyond BERT's own and NFC/NFD/NFKC/NFKD/Lowercase/StripAccents
(``trace()`` names the step it cannot show), training a vocabulary, and speed. The Unicode tables are Python's
(``unicodedata``); ``tokenizers`` uses older tables for "is this punctuation / an accent",
so the two can disagree on a few hundred characters added to Unicode in the last decade
(e.g. U+2E43 "⹃" or U+1734). Common scripts, Hangul, CJK and emoji are not affected.

>>> wp = WordPieceTokenizer({"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "un": 3, "##aff": 4, "##able": 5})
>>> wp.tokenize("Unaffable")
['un', '##aff', '##able']

Used in: tokenize.py (``BertTokenizer.trace``), notebooks/*/01_tokenizer, the Korean chapter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .errors import InputValueError

# What Rust's char::is_whitespace calls white space (Unicode White_Space); Python's
# str.isspace() differs (it also counts U+001C..U+001F), so we spell the set out.
WHITESPACE = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {
    chr(c) for c in range(0x2000, 0x200B)
}
# Code point ranges BERT treats as Chinese/Japanese/Korean ideographs (not Hangul, not kana).
CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
              (0x2B740, 0x2B81F), (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]

# A text is a list of (character, start, end) triples: the character came from
# text[start:end] of the original text (one character, or several that NFC joined), so that
# after every step we still know where each word came from.
Chars = list[tuple[str, int, int]]
# BERT's normalisation steps, in the order they run; the first one is the text itself.
BERT_STEPS = ("text", "cleaned", "cjk_spaced", "nfd", "accents_stripped", "lowercased")


def is_control(c: str) -> bool:
    # Tab and newlines are control characters too, but BERT treats them as spaces.
    return c not in "\t\n\r" and unicodedata.category(c) in ("Cc", "Cf", "Co")


def is_punctuation(c: str) -> bool:
    # ASCII symbols such as $ + < = > ^ ` | ~ count as punctuation for BERT.
    return ("!" <= c <= "~" and not c.isalnum()) or unicodedata.category(c).startswith("P")


def is_cjk(c: str) -> bool:
    return any(lo <= ord(c) <= hi for lo, hi in CJK_RANGES)


def nfd(chars: Chars, form: str = "NFD") -> Chars:
    """NFD (or NFKD) with offsets kept: decompose each character, then put runs of combining
    marks in canonical order (sorted by combining class), which is what NFD does to a string."""
    out = [(d, s, e) for c, s, e in chars for d in unicodedata.normalize(form, c)]
    run = 0  # start of the current run of combining marks
    for k in range(len(out) + 1):
        if k == len(out) or not unicodedata.combining(out[k][0]):
            out[run:k] = sorted(out[run:k], key=lambda p: unicodedata.combining(p[0]))  # stable
            run = k + 1
    return out


def nfc(chars: Chars, form: str = "NFC") -> Chars:
    """NFC (or NFKC) with offsets kept: decompose, then join each mark (or Hangul jamo) to the
    last starter before it when the two make one character and nothing in between blocks it.

    A joined character covers the offsets of all its parts: "ᄒ"+"ᅡ"+"ᆫ" → "한" = text[0:3].
    """
    out: Chars = []
    starter = None  # position in out of the last character with combining class 0
    for c, s, e in nfd(chars, "NFD" if form == "NFC" else "NFKD"):
        ccc = unicodedata.combining(c)
        if starter is not None and (len(out) - 1 == starter or 0 < unicodedata.combining(out[-1][0]) < ccc):
            joined = unicodedata.normalize("NFC", out[starter][0] + c)
            if len(joined) == 1:  # a primary composite exists (é, 한, ...)
                out[starter] = (joined, min(out[starter][1], s), max(out[starter][2], e))
                continue
        if ccc == 0:
            starter = len(out)
        out.append((c, s, e))
    return out


@dataclass
class WordTrace:
    """One pre-token and how WordPiece split it."""

    word: str  # the pre-token (normalised text)
    start: int  # character offsets in the original text: text[start:end]
    end: int
    pieces: list[str]  # the WordPiece tokens ("[UNK]" alone when the word failed)
    attempts: list[tuple[str, bool]] = field(default_factory=list)  # (candidate, in vocab?) in order
    unk_reason: str | None = None  # None, "no_match" or "too_long"
    special: bool = False  # a special token typed in the text, e.g. "[MASK]"


@dataclass
class TokenizeTrace:
    """Everything ``trace(text)`` saw, as plain data (no torch), for the chapters.

    The normalisation steps are in the order they run. Accents go before lower-casing,
    as in the ``tokenizers`` library; a step that is switched off (cased models keep
    accents) shows the text unchanged.
    """

    text: str
    cleaned: str  # control characters removed, every space character → " "
    cjk_spaced: str  # spaces around CJK ideographs
    nfd: str  # canonical decomposition (Hangul syllables fall apart into jamo here)
    accents_stripped: str  # NFD without the non-spacing marks (accents)
    lowercased: str
    normalized: str  # the text after the last step
    words: list[WordTrace]
    tokens: list[str]  # with [CLS] ... [SEP]
    ids: list[int]
    nfc: str = ""  # canonical composition (jamo joined into syllables), for normalisers that have it
    # The normalisation steps in the order they run, as (name, text) pairs, "text" first.
    # BERT's six by default; a tokenizer.json's own normaliser has its own (e.g. text, nfc, lowercased),
    # and then a named field of a step it does not have holds the text as the steps before left it.
    steps: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        if not self.steps:
            self.steps = [(n, getattr(self, n)) for n in BERT_STEPS]


class WordPieceTokenizer:
    """Normaliser + pre-tokeniser + greedy longest-match-first WordPiece, by hand.

    The normaliser is BERT's, set by the flags, unless ``normalizer`` gives one as tokenizer.json
    writes it, e.g. ``{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Lowercase"}]}``.
    """

    def __init__(self, vocab: dict[str, int], *, lowercase=True, strip_accents=None, clean_text=True,
                 cjk_chars=True, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                 special_tokens=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), prefix="##",
                 max_input_chars_per_word=100, normalizer: dict | None = None):
        self.vocab = vocab
        bert = {"type": "BertNormalizer", "clean_text": clean_text, "handle_chinese_chars": cjk_chars,
                "strip_accents": strip_accents, "lowercase": lowercase}
        self.steps = self._steps(bert if normalizer is None else normalizer)  # [(name, function or None)]
        self.unk_token, self.cls_token, self.sep_token = unk_token, cls_token, sep_token
        self.prefix, self.max_chars = prefix, max_input_chars_per_word
        # Special tokens typed in the text are kept whole, before any normalisation.
        # Longest first, so that "[MASK]" would win over a shorter token it starts with.
        specials = sorted((s for s in special_tokens if s), key=len, reverse=True)
        self._special_re = re.compile("|".join(map(re.escape, specials))) if specials else None

    # --- 1. normalise ---------------------------------------------------------------
    @staticmethod
    def _clean(chars: Chars) -> Chars:
        return [(" " if c in WHITESPACE else c, s, e) for c, s, e in chars
                if c not in "\x00\ufffd" and not is_control(c)]

    @staticmethod
    def _space_cjk(chars: Chars) -> Chars:
        return [(d, s, e) for c, s, e in chars for d in ((" ", c, " ") if is_cjk(c) else (c,))]

    @staticmethod
    def _strip_marks(chars: Chars, categories=("Mn",)) -> Chars:
        # "Mn" = non-spacing mark: the accent in "é" = "e" + U+0301 after NFD.
        return [(c, s, e) for c, s, e in chars if unicodedata.category(c) not in categories]

    @staticmethod
    def _lower(chars: Chars) -> Chars:
        # One character at a time, like tokenizers: so "Σ" → "σ" even at a word's end.
        return [(d, s, e) for c, s, e in chars for d in c.lower()]

    @classmethod
    def _steps(cls, spec: dict | None) -> list[tuple[str, object]]:
        """The steps a normaliser description asks for, in order; None: switched off (text unchanged)."""
        if spec is None:
            return []
        kind = spec.get("type")
        if kind == "Sequence":
            return [step for part in spec.get("normalizers", []) for step in cls._steps(part)]
        if kind == "BertNormalizer":  # all five steps, a switched-off one shows the text unchanged
            lower = spec.get("lowercase", True)
            # BERT's rule: strip_accents=None means "strip accents exactly when lower-casing".
            strip = lower if spec.get("strip_accents") is None else spec["strip_accents"]
            return [("cleaned", cls._clean if spec.get("clean_text", True) else None),
                    ("cjk_spaced", cls._space_cjk if spec.get("handle_chinese_chars", True) else None),
                    ("nfd", nfd if strip else None), ("accents_stripped", cls._strip_marks if strip else None),
                    ("lowercased", cls._lower if lower else None)]  # accents go first, as in tokenizers
        simple = {"NFC": ("nfc", nfc), "NFD": ("nfd", nfd), "NFKC": ("nfkc", lambda c: nfc(c, "NFKC")),
                  "NFKD": ("nfkd", lambda c: nfd(c, "NFKD")), "Lowercase": ("lowercased", cls._lower),
                  # tokenizers' StripAccents removes every combining mark (Mn, Mc, Me), without NFD first
                  "StripAccents": ("accents_stripped", lambda c: cls._strip_marks(c, ("Mn", "Mc", "Me")))}
        if kind not in simple:
            raise InputValueError(
                "error.wordpiece.trace_normalizer", steps=str(sorted(simple) + ['BertNormalizer']), kind=f"{kind!r}",
            )
        return [simple[kind]]

    # --- 2. pre-tokenise --------------------------------------------------------------
    def pre_tokenize(self, chars: Chars) -> list[tuple[str, int, int]]:
        """Split on spaces, cut punctuation out: [(word, start, end), ...]."""
        words: list[Chars] = [[]]  # the last word is the one being built
        for c, s, e in chars:
            if c in WHITESPACE:
                words.append([])  # a space ends the word and is dropped
            elif is_punctuation(c):
                words += [[(c, s, e)], []]  # a punctuation mark is a word of its own
            else:
                words[-1].append((c, s, e))
        return [("".join(c for c, _, _ in w), min(s for _, s, _ in w), max(e for _, _, e in w)) for w in words if w]

    # --- 3. WordPiece -----------------------------------------------------------------
    def split_word(self, word: str, start: int = 0, end: int = 0) -> WordTrace:
        """Greedy longest-match-first split of one word, recording every candidate tried."""
        if len(word) > self.max_chars:
            return WordTrace(word, start, end, [self.unk_token], unk_reason="too_long")
        pieces, attempts, pos = [], [], 0
        while pos < len(word):
            for stop in range(len(word), pos, -1):  # longest candidate first
                piece = (self.prefix if pos > 0 else "") + word[pos:stop]
                attempts.append((piece, piece in self.vocab))
                if piece in self.vocab:
                    pieces.append(piece)
                    pos = stop
                    break
            else:  # not even one character matched: the whole word is unknown
                return WordTrace(word, start, end, [self.unk_token], attempts, unk_reason="no_match")
        return WordTrace(word, start, end, pieces, attempts)

    # --- all together -------------------------------------------------------------------
    def trace(self, text: str) -> TokenizeTrace:
        """Run every stage and keep what each one produced."""
        # Cut the text into ordinary segments and special tokens ("[MASK]" typed by the user).
        segments, pos = [], 0
        for m in self._special_re.finditer(text) if self._special_re else ():
            segments += [(False, text[pos:m.start()], pos), (True, m.group(), m.start())]
            pos = m.end()
        segments.append((False, text[pos:], pos))

        shown = [""] * len(self.steps)  # the text after each normalisation step
        words: list[WordTrace] = []
        for special, seg, offset in segments:
            chars = [(c, offset + k, offset + k + 1) for k, c in enumerate(seg)]
            for k, (_, step) in enumerate(self.steps):
                if step is not None and not special:
                    chars = step(chars)
                shown[k] += "".join(c for c, _, _ in chars)
            if special:
                words.append(WordTrace(seg, offset, offset + len(seg), [seg], special=True))
            else:
                words += [self.split_word(w, s, e) for w, s, e in self.pre_tokenize(chars)]

        tokens = [self.cls_token] + [p for w in words for p in w.pieces] + [self.sep_token]
        ids = [self.vocab.get(t, self.vocab.get(self.unk_token)) for t in tokens]
        steps = [("text", text)] + [(name, out) for (name, _), out in zip(self.steps, shown)]
        after, named, before = dict(steps), {}, text
        for name in ("nfc", "cleaned", "cjk_spaced", "nfd", "accents_stripped", "lowercased"):
            before = named[name] = after.get(name, before)  # a step it does not have: the text as it was
        return TokenizeTrace(text=text, **named, normalized=steps[-1][1], words=words, tokens=tokens, ids=ids,
                             steps=steps)

    def tokenize(self, text: str) -> list[str]:
        """The WordPiece tokens of ``text``, without [CLS]/[SEP]."""
        return self.trace(text).tokens[1:-1]

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``, with [CLS] first and [SEP] last."""
        return self.trace(text).ids
