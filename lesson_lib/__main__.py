"""A first look from the terminal: ``python -m lesson_lib "some text"`` prints every stage.

    $ python -m lesson_lib "We hope you don't hate it." --lang ko

Text -> tokens -> ids and mask -> logits -> probabilities -> label, one line each,
for each text given, in Korean or English. This is the whole pipeline with
nothing hidden; the notebook chapters open up each line.

Used in: README (first look), tests/test_cli.py.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import torch

from . import AutoModelForSequenceClassification, AutoTokenizer
from .errors import LessonError
from .functional import softmax
from .hub import DEFAULT_MODEL
from .i18n import get_language, set_language

# The CLI's own words (the views keep theirs in i18n.py; lesson_lib's errors in errors.py).
WORDS = {
    "en": {
        "model": "model", "text": "text", "tokens": "1. tokens", "ids": "2. input_ids",
        "mask": "   attention_mask", "logits": "3. logits", "probs": "4. softmax",
        "label": "=> label", "error": "error",
        "random_head": "note: this model's classifier was not in the checkpoint and is random, so the label means nothing yet",
    },
    "ko": {
        "model": "모델", "text": "문장", "tokens": "1. 토큰", "ids": "2. 입력 ID (input_ids)",
        "mask": "   어텐션 마스크", "logits": "3. 로짓 (logits)", "probs": "4. 소프트맥스 확률",
        "label": "=> 예측 라벨", "error": "오류",
        "random_head": "참고: 이 모델의 분류기는 체크포인트에 없어 무작위로 초기화되었으므로, 아직 라벨에 의미가 없습니다",
    },
}


def run(texts: list[str], model_name: str, lang: str) -> str:
    """Every stage for every text, as the lines the CLI prints."""
    w = WORDS[lang]
    tokenizer = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForSequenceClassification.from_pretrained(model_name)
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    lines = [f"{w['model']}: {model_name}"]
    for text in texts:
        batch = tokenizer(text, return_tensors="pt")
        with torch.no_grad():
            logits = model(**batch).logits[0]
        probs = softmax(logits)
        lines += [
            "",
            f"{w['text']}: {text}",
            f"{w['tokens']}: {batch.tokens(0)}",
            f"{w['ids']}: {batch['input_ids'][0].tolist()}",
            f"{w['mask']}: {batch['attention_mask'][0].tolist()}",
            f"{w['logits']}: " + ", ".join(f"{name} {v:+.4f}" for name, v in zip(labels, logits.tolist())),
            f"{w['probs']}: " + ", ".join(f"{name} {p:.4f}" for name, p in zip(labels, probs.tolist())),
            f"{w['label']}: {labels[int(probs.argmax())]}",
        ]
    if model.load_report.newly_initialised:
        lines += ["", w["random_head"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lesson_lib", description=__doc__.splitlines()[0])
    parser.add_argument("texts", nargs="+", metavar="TEXT", help="one or more sentences to classify")
    parser.add_argument("--lang", choices=sorted(WORDS), default="en",
                        help="language of the headings and messages (default: en)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"model name or folder (default: {DEFAULT_MODEL})")
    args = parser.parse_args(argv)
    before = get_language()
    set_language(args.lang)  # lesson_lib's errors speak the CLI's language too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a random head is noted at the end of the output instead
        try:
            print(run(args.texts, args.model, args.lang))
        except LessonError as e:
            print(f"{WORDS[args.lang]['error']}: {e}", file=sys.stderr)
            return 2
        finally:
            set_language(before)  # main() called from Python (tests, a notebook) leaves the choice as it was
    return 0


if __name__ == "__main__":
    sys.exit(main())
