"""lesson_lib's errors and warnings speak the learner's language: set_language("ko") gives Korean.

Every raise of a lesson_lib error names a key that both tables hold, with the values its text
needs (collected from the source by AST, so a new raise without a key fails here); every key
reads as Korean in "ko" and as English in "en"; real calls raise each error class in Korean;
and English stays the default, word for word the messages tests/test_errors.py pins.
"""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

import lesson_lib as L
from helpers import tiny_model
from lesson_lib import errors, hub, i18n
from lesson_lib.errors import (CheckpointError, InputTypeError, InputValueError, IntegrityError, LessonError,
                               ModelNotFoundError, Phrase)

PACKAGE = Path(L.__file__).resolve().parent
CLASSES = {"LessonError", "InputValueError", "InputTypeError", "CheckpointError", "ModelNotFoundError",
           "IntegrityError"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def english_afterwards():
    """Whatever a test chooses, the next one starts in English (the default)."""
    yield
    L.set_language("en")


def _calls():
    """(file, line, kind, call) for every error raise, Phrase(...), message(...) and ViewError(...) in lesson_lib."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py":  # where the texts are looked up, not where they are raised
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", None)
                if name in CLASSES or name == "ViewError":
                    yield path, node.lineno, name, node.exc
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Phrase", "message"):
                yield path, node.lineno, node.func.id, node
            elif isinstance(node, ast.ClassDef) and node.name in CLASSES:
                raise AssertionError(f"{path}: {node.name} is defined outside errors.py")


CALLS = list(_calls())


def _key(call) -> str | None:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    if isinstance(first, ast.IfExp) and all(isinstance(x, ast.Constant) for x in (first.body, first.orelse)):
        return None  # Phrase("a" if ... else "b"): both keys are collected below
    raise AssertionError(f"line {call.lineno}: the key must be a literal string, got {ast.unparse(first) if first else None}")


def _keys_of(call) -> list[str]:
    first = call.args[0]
    if isinstance(first, ast.IfExp):
        return [first.body.value, first.orelse.value]
    return [first.value]


ERROR_KEYS = sorted({k for _, _, kind, call in CALLS if kind != "ViewError" for k in _keys_of(call)})


def test_the_collection_sees_the_whole_library():
    raises = [c for c in CALLS if c[2] in CLASSES]
    assert len(raises) >= 150 and len({c[0].name for c in raises}) >= 15
    assert {c[2] for c in raises} >= CLASSES - {"LessonError"}
    assert len(ERROR_KEYS) == len(errors.EN)  # no text without a raise site, no raise site without a text


@pytest.mark.parametrize("path, line, kind, call", CALLS, ids=[f"{c[0].name}:{c[1]}" for c in CALLS])
def test_every_raise_names_a_key_of_both_tables_with_its_values(path, line, kind, call):
    if kind == "ViewError":  # a view's own mistake: its text is a view text of i18n.py
        key = _key(call)
        assert key in i18n.EN and key in i18n.KO, key
        return
    _key(call)
    for key in _keys_of(call):
        prefix = "warning." if kind == "message" and key.startswith("warning.") else "error."
        assert key.startswith(prefix) and key.split(".")[1] in {p.stem.lstrip("_") for p in PACKAGE.rglob("*.py")}, key
        assert key in errors.EN and key in errors.KO, f"{path.name}:{line}: {key} is not in both tables"
        given = {kw.arg for kw in call.keywords}
        if None not in given:  # no **values: the keywords are exactly the placeholders
            assert given == i18n.placeholders(errors.EN[key]), f"{path.name}:{line}: {key} gets {sorted(given)}"


def _prose_left_in_english(text: str) -> list[str]:
    """Runs of three or more plain English words, once code, quotes, lists and placeholders are taken out."""
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\{\w*\}", " ", text.replace("{{", "").replace("}}", ""))
    while re.search(r"\[[^\[\]]*\]", text):  # code lists, innermost first: [str(t) for t in texts]
        text = re.sub(r"\[[^\[\]]*\]", " ", text)
    runs, run = [], []
    for token in text.split():
        word = token.rstrip(",.;:!?")
        if re.fullmatch(r"[A-Za-z]+", word):  # a token with code in it (tok(text), max_length=) is not prose
            run.append(word)
        else:
            runs.append(run)
            run = []
    return [" ".join(r) for r in runs + [run] if len(r) >= 3]


@pytest.mark.parametrize("key", sorted(errors.EN))
def test_every_text_is_korean_in_ko_and_english_in_en(key):
    ko, en = errors.KO[key], errors.EN[key]
    assert i18n.placeholders(ko) == i18n.placeholders(en), key
    assert not HANGUL.search(en), key
    names_only = key in {"error.tokenize.part_model", "error.tokenize.kind_list", "error.tokenize.kind_str"}
    assert HANGUL.search(ko) or names_only, f"{key}: no Korean in {ko!r}"
    assert not _prose_left_in_english(ko), f"{key}: English left in {ko!r}: {_prose_left_in_english(ko)}"
    assert ko != en


def test_the_english_prose_check_can_fail():
    assert _prose_left_in_english("모델이 없습니다. Check the spelling of the name.")
    assert not _prose_left_in_english("tok(text)와 tok.tokenize(text)는 되지만 trace()는 안 됩니다: `pip install huggingface_hub`.")


def test_the_tables_are_part_of_i18n_and_say_the_same_things():
    assert set(errors.EN) == set(errors.KO)
    for lang in i18n.LANGUAGES:
        for key, text in errors.TABLES[lang].items():
            assert i18n.STRINGS[lang][key] == text
    assert not set(errors.EN) & set(i18n.EN)  # one place per text


# --- real calls, each error class, in Korean -----------------------------------------------------

def _fake_offline_weights(tmp_path, monkeypatch):
    (tmp_path / "model.safetensors").write_bytes(b"not the real weights")
    monkeypatch.setattr(hub, "base_model_dir", lambda: tmp_path)
    monkeypatch.setattr(hub, "_verified", set())


CASES = {
    "InputValueError-padding": (InputValueError, lambda tok, tmp, mp: tok("a", padding=1),
                                "padding=1은(는) 선택지에 없습니다"),
    "InputValueError-config": (InputValueError, lambda tok, tmp, mp: L.DistilBertConfig(dim=100, n_heads=12),
                               "어텐션 헤드 수(12)로 나누어떨어져야"),
    "InputTypeError-None": (InputTypeError, lambda tok, tmp, mp: tok(None), "토크나이저는 str이나 str 리스트를 받는데"),
    "InputTypeError-number-hint": (InputTypeError, lambda tok, tmp, mp: tok(5), "숫자를 토큰화하려면 텍스트로 넘기세요: tok(str(5))"),
    "InputValueError-nested-phrase": (InputValueError, lambda tok, tmp, mp: tok(["fine", "broken \ud83e"]),
                                      "배치의 1번 항목의 위치 7에"),
    "CheckpointError-no-folder": (CheckpointError, lambda tok, tmp, mp: L.AutoModel.from_pretrained(str(tmp / "nothing")),
                                  "폴더 '"),
    "ModelNotFoundError-incomplete": (ModelNotFoundError, lambda tok, tmp, mp: (
        mp.setattr(hub, "base_model_dir", lambda: tmp), L.AutoModelForSequenceClassification.from_pretrained(
            hub.DEFAULT_MODEL)), "불완전합니다. 다시 설치하세요"),
    "IntegrityError-sha256": (IntegrityError, lambda tok, tmp, mp: (
        _fake_offline_weights(tmp, mp), L.AutoModelForSequenceClassification.from_pretrained(hub.DEFAULT_MODEL)),
        "sha256은"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_mistakes_in_korean(tok, tmp_path, monkeypatch, name):
    cls, call, phrase = CASES[name]
    L.set_language("ko")
    with pytest.raises(cls) as info:
        call(tok, tmp_path, monkeypatch)
    err = info.value
    assert type(err) is cls and phrase in str(err), str(err)
    assert HANGUL.search(str(err)) and not _prose_left_in_english(str(err))
    # The same error in English is today's message, whatever the language was at raise time.
    english = err.text("en")
    assert not HANGUL.search(english) and english != str(err)
    L.set_language("en")
    with pytest.raises(cls) as again:
        call(tok, tmp_path, monkeypatch)
    assert str(again.value) == english and again.value.text("ko") == str(err)


def test_english_is_the_default_and_the_text_is_todays(tok):
    assert L.get_language() == "en"
    with pytest.raises(InputValueError, match=r"^padding=1 is not an option\. Use one of \[False, True"):
        tok("a", padding=1)


def test_an_error_keeps_key_and_values_and_survives_pickling(tok):
    with pytest.raises(InputValueError) as info:
        tok("a", max_length=0)
    err = info.value
    assert err.key == "error.tokenize.max_length" and err.params["max_length"] == "0"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is InputValueError and again.key == err.key and str(again) == str(err)
    assert isinstance(err, ValueError) and isinstance(err, LessonError)


def test_a_phrase_follows_the_language_of_the_text():
    err = InputValueError("error.config.unknown_fields", cls="BertConfig", unknown="['num_label']",
                          did_you_mean=Phrase("error.config.did_you_mean", close="['num_labels']"), examples="[]")
    assert "(did you mean ['num_labels']?)" in err.text("en") and "(혹시 ['num_labels']인가요?)" in err.text("ko")


def test_a_finished_sentence_from_outside_the_library_is_kept():
    """Code outside lesson_lib may still raise with a sentence; it reads the same in both languages."""
    err = CheckpointError("My own folder is broken.")
    assert str(err) == err.text("ko") == "My own folder is broken."


def test_an_unknown_language_is_refused_in_the_current_one():
    L.set_language("ko")
    with pytest.raises(InputValueError, match=r"\['ko', 'en'\] 중 하나를 고르세요"):
        L.set_language("fr")
    assert L.get_language() == "ko"


def test_warnings_in_korean_too():
    L.set_language("ko")
    with pytest.warns(L.NewWeightsWarning, match="새로 초기화됨"):
        L.AutoModelForSequenceClassification.from_pretrained(hub.BASE_MODEL)
    report = tiny_model("distilbert").load_report if hasattr(tiny_model("distilbert"), "load_report") else None
    if report is not None:
        assert not HANGUL.search(report.message("en")) and HANGUL.search(report.message("ko"))


def test_widgets_show_library_errors_in_their_own_language(tok):
    """A Korean widget in an English session shows the tokenizer's error in Korean, and no view re-checks it."""
    from lesson_lib.views import ConfigView, PaddingView

    view = PaddingView(tok, ["Hi", "Hello there you"], lang="ko")
    view.return_tensors.value = "pt"
    view.padding.value = False
    assert "텐서는 직사각형입니다" in view.message_text
    config = ConfigView(lang="ko")
    config.width.value = 100
    assert "나누어떨어져야" in config.message_text and config.config is None
    assert L.get_language() == "en"
