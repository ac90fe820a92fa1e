"""The terminal first look, ``python -m lesson_lib TEXT... [--lang ko] [--model NAME]``.

Each stage's line for an English and a Korean sentence (the numbers are the tokenizer's and the
shipped model's own), the headings in both languages, several texts at once, the note on a random
head, and what a mistake gives: one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import unicodedata

import pytest

from helpers import ROOT, SEED_IDS, SEED_TEXTS
import lesson_lib
from lesson_lib import AutoTokenizer, hub
from lesson_lib.__main__ import WORDS, main

pytestmark = pytest.mark.usefixtures("one_thread")

ENGLISH = SEED_TEXTS[1]  # "We hope you don't hate it."
KOREAN = "이 영화 정말 좋아요."


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def blocks(out: str, lang: str) -> list[dict[str, str]]:
    """The output cut into one {stage: value} dict per text, keyed as in WORDS (``"tokens"``, ``"label"``...)."""
    heading = {words: key for key, words in WORDS[lang].items()}
    found = []
    for chunk in out.strip("\n").split("\n\n")[1:]:  # the first chunk is the "model: ..." line
        lines = dict(line.split(": ", 1) for line in chunk.splitlines())
        if set(lines) <= set(heading):
            found.append({heading[k]: v for k, v in lines.items()})
    return found


@pytest.fixture(scope="module")
def default_tok():
    return AutoTokenizer.from_pretrained(hub.DEFAULT_MODEL)


def shipped_p_positive(text: str) -> float:
    """P(POSITIVE) that the training run measured on the shipped files (training_metrics.json)."""
    metrics = json.loads((hub.SENTIMENT_DIR / "training_metrics.json").read_text(encoding="utf-8"))
    return metrics["seed_sentences"][text]


def test_english_sentence_every_stage(capsys):
    code, out, err = run_cli(capsys, ENGLISH)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == f"model: {hub.DEFAULT_MODEL}"
    [stages] = blocks(out, "en")
    assert stages["text"] == ENGLISH
    assert ast.literal_eval(stages["tokens"]) == ["[CLS]", "we", "hope", "you", "don", "'", "t", "hate", "it", ".",
                                                  "[SEP]"]
    ids = ast.literal_eval(stages["ids"])
    assert ids == SEED_IDS[1][: len(ids)] and len(ids) == 11  # the seed's row without its padding
    assert ast.literal_eval(stages["mask"]) == [1] * 11
    logits = dict(pair.split() for pair in stages["logits"].split(", "))
    probs = {name: float(p) for name, p in (pair.split() for pair in stages["probs"].split(", "))}
    assert list(logits) == list(probs) == ["NEGATIVE", "POSITIVE"]
    assert sum(probs.values()) == pytest.approx(1.0, abs=2e-4)
    assert probs["POSITIVE"] == pytest.approx(shipped_p_positive(ENGLISH), abs=1e-4)
    assert float(logits["NEGATIVE"]) > float(logits["POSITIVE"]) and stages["label"] == "NEGATIVE"
    assert WORDS["en"]["random_head"] not in out  # the shipped model has its trained head


def test_korean_sentence_with_korean_headings(capsys, default_tok):
    code, out, err = run_cli(capsys, KOREAN, "--lang", "ko")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == f"모델: {hub.DEFAULT_MODEL}"
    assert "1. 토큰: " in out and "=> 예측 라벨: " in out and "=> label" not in out
    [stages] = blocks(out, "ko")
    expected = default_tok(KOREAN)
    tokens = ast.literal_eval(stages["tokens"])
    assert tokens == expected.tokens(0)
    assert ast.literal_eval(stages["ids"]) == expected["input_ids"]
    # the uncased tokenizer decomposes Hangul syllables into jamo (chapter 01 shows why)
    assert not any(unicodedata.name(ch, "").startswith("HANGUL SYLLABLE") for t in tokens for ch in t)
    assert "ᄋ" in tokens  # U+110B, the conjoining jamo that starts 이 and 영
    probs = dict(pair.split() for pair in stages["probs"].split(", "))
    assert stages["label"] == max(probs, key=lambda name: float(probs[name]))


def test_several_texts_and_the_default_language(capsys):
    code, out, _ = run_cli(capsys, *SEED_TEXTS, KOREAN)
    assert code == 0
    found = blocks(out, "en")
    assert [b["text"] for b in found] == [*SEED_TEXTS, KOREAN]
    assert [b["label"] for b in found[:2]] == ["POSITIVE", "NEGATIVE"]
    p = float(found[0]["probs"].split("POSITIVE ")[1])
    assert p == pytest.approx(shipped_p_positive(SEED_TEXTS[0]), abs=1e-4)


def test_a_model_without_a_trained_head_says_so(capsys):
    code, out, err = run_cli(capsys, ENGLISH, "--model", hub.BASE_MODEL)
    assert code == 0 and err == ""  # the warning becomes the last line of the output, not stderr noise
    assert out.rstrip("\n").splitlines()[-1] == WORDS["en"]["random_head"]
    assert blocks(out, "en")[0]["label"] in ("LABEL_0", "LABEL_1")


@pytest.mark.parametrize("lang, prefix", [("en", "error: "), ("ko", "오류: ")])
def test_a_missing_model_folder_is_one_line_and_exit_code_2(capsys, tmp_path, lang, prefix):
    missing = tmp_path / "no_model_here"
    code, out, err = run_cli(capsys, ENGLISH, "--model", str(missing), "--lang", lang)
    assert code == 2 and out == ""
    assert err.startswith(prefix) and err.count("\n") == 1 and "Traceback" not in err
    assert str(missing) in err and "save_pretrained" in err  # what was wrong, and what to do
    # The library's message itself is in the CLI's language, and the choice does not outlive main().
    assert ("폴더" in err and "There is no folder" not in err) if lang == "ko" else "There is no folder" in err
    assert lesson_lib.get_language() == "en"


@pytest.mark.parametrize("argv, phrase", [
    (["--lang", "fr", ENGLISH], "invalid choice: 'fr'"),
    ([], "the following arguments are required: TEXT"),
])
def test_wrong_arguments_are_refused_by_argparse(capsys, argv, phrase):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert phrase in err and err.startswith("usage: python -m lesson_lib")


def test_python_dash_m_runs_it_in_a_fresh_interpreter(tmp_path, capsys):
    """What a learner types, end to end: the same lines as main(), exit code 0 (and 2 on a mistake)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    ok = subprocess.run([sys.executable, "-m", "lesson_lib", ENGLISH, "--lang", "ko"], cwd=tmp_path, env=env,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert ok.stdout == run_cli(capsys, ENGLISH, "--lang", "ko")[1]
    bad = subprocess.run([sys.executable, "-m", "lesson_lib", ENGLISH, "--model", "./nowhere"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.startswith("error: ")
    assert "Traceback" not in bad.stderr
