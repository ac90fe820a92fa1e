"""The UI text tables: same keys and placeholders in Korean and English, every key the views use exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lesson_lib import i18n
from lesson_lib.errors import InputValueError
from lesson_lib.i18n import EN, KO, LANGUAGES, placeholders, t

VIEWS = Path(i18n.__file__).parent / "views"


def test_both_languages_have_the_same_keys():
    assert set(KO) == set(EN), {"only in ko": sorted(set(KO) - set(EN)), "only in en": sorted(set(EN) - set(KO))}
    assert set(LANGUAGES) == set(i18n.STRINGS) == {"ko", "en"}


@pytest.mark.parametrize("key", sorted(EN))
def test_same_placeholders_and_not_empty(key):
    assert placeholders(KO[key]) == placeholders(EN[key]), key
    assert KO[key].strip() and EN[key].strip()


def test_keys_follow_the_scheme():
    views = {"common", "tokens", "padding", "layers", "softmax", "attention", "config", "classify", "training", "explain"}
    for key in EN:
        parts = key.split(".")
        assert len(parts) >= 2 and parts[0] in views and all(re.fullmatch(r"[a-z0-9_]+", p) for p in parts), key


def test_korean_table_is_translated():
    # Technical names (input_ids, logits as a tensor name) may stay as they are; prose may not.
    hangul = [k for k, v in KO.items() if re.search(r"[\uac00-\ud7a3]", v)]
    assert len(hangul) >= 0.85 * len(KO)
    assert t("common.error.empty_text", "ko") != t("common.error.empty_text", "en")


def test_t_fills_placeholders():
    assert t("common.note.rows_shown", "en", shown=3, total=10) == "showing 3 of 10 sentences"
    assert t("common.note.rows_shown", "ko", shown=3, total=10) == "문장 10개 중 3개 표시"
    assert t("softmax.title.probabilities", "en", temperature=0.5) == "probabilities (T = 0.5)"


def test_missing_placeholder_and_unknown_key_say_what_to_do():
    with pytest.raises(KeyError, match="total"):
        t("common.note.rows_shown", "en", shown=3)
    with pytest.raises(KeyError, match="<view>.<kind>.<name>"):
        t("no.such.key", "en")


@pytest.mark.parametrize("lang", ["de", "KO", None, 3, "english"])
def test_unknown_language_lists_the_choices(lang):
    with pytest.raises(InputValueError, match=r"\['ko', 'en'\]"):
        t("common.error.empty_text", lang)


def test_every_literal_key_in_the_views_exists():
    used = set()
    for path in VIEWS.glob("*.py"):
        used |= set(re.findall(r'\bt\(\s*"([a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'ViewError\(\s*"([a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 60
    assert not used - set(EN), sorted(used - set(EN))


def test_computed_keys_exist():
    from lesson_lib.views.config_playground import main_shapes
    from lesson_lib.views.tokens import GROUPS, NORMALIZE_STEPS
    from lesson_lib import BertConfig

    names = [*NORMALIZE_STEPS, "pre_tokenize", "wordpiece", "special_tokens", "ids"]
    for name in names:
        assert f"tokens.stage.{name}" in EN and f"tokens.explain.{name}" in EN
    for group in GROUPS:
        assert f"tokens.group.{group}" in EN
    for name in ["embeddings", "attention_output", "after_attention_norm", "ffn_output", "block_output",
                 "attention_weights", "first_token", "pre_classifier", "pooler", "logits"]:
        assert f"layers.explain.{name}" in EN
    for name, _, _ in main_shapes(BertConfig()):
        assert f"config.tensor.{name}" in EN
    for reason in ("no_match", "too_long"):
        assert f"tokens.note.unk_{reason}" in EN


@pytest.mark.parametrize("key", sorted(set(i18n.STRINGS["en"]) - set(EN)))
def test_error_texts_have_the_same_placeholders_in_both_languages(key):
    """lesson_lib's error and warning messages (kept in errors.py) are part of the same tables."""
    ko, en = i18n.STRINGS["ko"][key], i18n.STRINGS["en"][key]
    assert key.split(".")[0] in ("error", "warning") and all(re.fullmatch(r"[a-z0-9_]+", p) for p in key.split("."))
    assert placeholders(ko) == placeholders(en) and ko.strip() and en.strip()


def test_set_language_chooses_the_language_of_errors():
    import torch

    from lesson_lib import functional, get_language, set_language

    try:
        assert get_language() == "en"
        set_language("ko")
        with pytest.raises(InputValueError, match="중 하나를 고르세요"):
            t("common.error.empty_text", "de")
        with pytest.raises(InputValueError) as err:
            functional.softmax(torch.zeros(2), temperature=0)
        assert str(err.value) == t("error.functional.temperature", "ko", temperature=0)
    finally:
        set_language("en")
    with pytest.raises(InputValueError, match="is not a language of this kit"):
        t("common.error.empty_text", "de")
