# %% [md ko]
# # 02 배치: 여러 문장을 한 텐서로
#
# 길이가 다른 문장들을 패딩으로 맞춰 하나의 직사각형 텐서로 만들고, 어텐션 마스크로 모델에게 "여기는 패딩(자리 채움)이니 무시하라"고 알려 주는 방법을 봅니다.
#
# 모델은 문장을 하나씩 처리할 때보다 여러 개를 묶어(배치) 한꺼번에 처리할 때 훨씬 빠릅니다. 그런데 텐서는 직사각형이어야 합니다.

# %% [md en]
# # 02 Batching: many sentences in one tensor
#
# Pad sentences of different lengths into one rectangular tensor, and see how the attention mask tells the model "this position is only filler".
#
# A model is much faster on a bundle (a batch) of sentences than on one sentence at a time. But a tensor has to be a rectangle.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - 길이가 다른 문장들을 `padding`, `truncation`, `max_length`로 모양 (B, T)의 텐서 하나로 만들고, 그 모양을 미리 계산합니다.
# - 어텐션 마스크가 무엇을 뜻하는지, 왜 패딩을 붙여도 답이 바뀌지 않는지 설명합니다.
# - 문장 쌍을 한 입력으로 만들고 `token_type_ids`를 읽습니다.
#
# **전제**: 01장(토큰과 토큰 ID). PyTorch 텐서를 몰라도 됩니다. "숫자의 직사각형 표"로 생각하면 충분합니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-5분 | 길이가 다른 문장은 텐서가 되지 못함 |
# | 5-15분 | 패딩과 어텐션 마스크, `padding_side`, 연습 1(예측) |
# | 15-25분 | 잘라내기와 `max_length`, 마스크가 하는 일 |
# | 25-35분 | 문장 쌍(짧은 수업에서는 건너뜀) |
# | 35-45분 | 위젯, 연습 2(계산), 연습 3(바꿔 보기) |
# | 45-50분 | 정리 |
#
# 짧은 수업에서는 "두 문장을 한 입력으로: 문장 쌍" 절과 "🤗 Transformers에서는" 절을 건너뛰어도 됩니다.

# %% [md en]
# ## Goals of this chapter
#
# **After this chapter you can**
#
# - make one tensor of shape (B, T) out of sentences of different lengths with `padding`, `truncation` and `max_length`, and work out its shape in advance;
# - say what the attention mask means, and why padding does not change the answer;
# - make one input out of a text pair and read its `token_type_ids`.
#
# **It assumes** chapter 01 (tokens and ids). No PyTorch needed: think of a tensor as a rectangle of numbers.
#
# **A 50-minute plan**
#
# | time | what |
# |---|---|
# | 0-5 min | sentences of different lengths cannot make a tensor |
# | 5-15 min | padding and the attention mask, `padding_side`, exercise 1 (predict) |
# | 15-25 min | truncation and `max_length`, what the mask does |
# | 25-35 min | text pairs (skip in a short lesson) |
# | 35-45 min | the widget, exercise 2 (compute), exercise 3 (modify) |
# | 45-50 min | summary |
#
# In a short lesson, skip the sections "Two sentences in one input: text pairs" and "In 🤗 Transformers".

# %%
from lesson_lib import DEFAULT_MODEL, AutoTokenizer, InputValueError

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
unpadded = tok(texts)
for ids in unpadded["input_ids"]:
    print(len(ids), "tokens:", ids)

# %% [md ko]
# 두 문장은 토큰 14개와 11개입니다. 이대로 텐서를 달라고 하면 토크나이저가 거절하고 무엇을 하면 되는지 알려 줍니다.

# %% [md en]
# The two sentences have 14 and 11 tokens. Ask for a tensor as they are, and the tokenizer refuses and says what to do.

# %%
try:
    tok(texts, return_tensors="pt")
except InputValueError as err:
    print(f"{type(err).__name__}: {err}")

# %% [md ko]
# ## 패딩과 어텐션 마스크
#
# 퀵투어와 같은 옵션으로 불러 봅시다.
#
# - `padding=True`: 배치에서 가장 긴 문장에 맞춰 짧은 문장 끝에 `[PAD]`(ID 0)를 채웁니다.
# - `truncation=True, max_length=512`: 512 토큰보다 긴 문장은 잘라냅니다(이 모델이 아는 위치가 512개뿐입니다).
# - `return_tensors="pt"`: 파이썬 리스트 대신 PyTorch 텐서로 돌려줍니다.

# %% [md en]
# ## Padding and the attention mask
#
# Let's call it with the quick tour's options:
#
# - `padding=True`: fill the shorter sentences with `[PAD]` (id 0) at the end, up to the longest one in the batch.
# - `truncation=True, max_length=512`: cut sentences longer than 512 tokens (this model only knows 512 positions).
# - `return_tensors="pt"`: return PyTorch tensors instead of Python lists.

# %%
batch = tok(texts, padding=True, truncation=True, max_length=512, return_tensors="pt")
for key, value in batch.items():
    print(f"{key}: {value.numpy().tolist()}")

SEED_IDS = [[101, 2057, 2024, 2200, 3407, 2000, 2265, 2017, 1996, 100, 19081, 3075, 1012, 102],
            [101, 2057, 3246, 2017, 2123, 1005, 1056, 5223, 2009, 1012, 102, 0, 0, 0]]
SEED_MASK = [[1] * 14, [1] * 11 + [0] * 3]
assert batch["input_ids"].tolist() == SEED_IDS  # [ko] 퀵투어의 패딩된 배치와 똑같습니다 [en] the quick tour's padded batch, exactly
assert batch["attention_mask"].tolist() == SEED_MASK

# %% [md ko]
# 둘째 문장 끝에 `0`이 세 개 붙었고, 같은 자리의 `attention_mask`도 `0`입니다. 마스크는 "진짜 토큰이면 1, 패딩(자리 채움)이면 0"입니다.
# 문장 $b$의 토큰 수를 $n_b$라고 하면, `padding=True`의 배치는 모양이 (B, T)이고 $T = \max_b n_b$, 마스크는 $m_{b,t} = 1$ ($t < n_b$일 때), 아니면 $0$입니다. 여기서는 $T = \max(14, 11) = 14$입니다.
# 패딩이 어느 쪽에 붙는지는 토크나이저의 `padding_side`가 정합니다(아래 셀). BERT는 왼쪽의 `[CLS]`부터 위치를 세므로, 오른쪽에 채우면 진짜 토큰들은 혼자 들어갔을 때와 같은 위치 번호를 그대로 갖습니다.

# %% [md en]
# The second sentence got three `0`s at the end, and `attention_mask` is `0` at the same places. The mask says "1 for a real token, 0 for filler".
# With $n_b$ tokens in sentence $b$, a `padding=True` batch has the shape (B, T) with $T = \max_b n_b$, and the mask is $m_{b,t} = 1$ for $t < n_b$, $0$ otherwise. Here $T = \max(14, 11) = 14$.
# Which side the padding goes on is the tokenizer's `padding_side` (next cell). BERT counts positions from the `[CLS]` on the left, so padding on the right leaves every real token at the position it would have alone.

# %%
print(batch.tokens(1))
print("padding_side:", tok.padding_side)
print(batch["input_ids"].shape, batch["input_ids"].dtype, "  (B, T) = (sentences, tokens)")

# %% [md ko]
# ### 연습 1 (예측)
#
# 세 번째 문장 `"Short one."`을 더해 세 문장을 `padding=True`로 묶으면(이 장 끝의 위젯이 그렇게 합니다), 세 번째 줄에는 `[PAD]`가 몇 개 붙을까요? 먼저 `"Short one."`이 토큰 몇 개가 될지(`[CLS]`, `[SEP]` 포함) 예측하고, `[PAD]`의 개수를 `answer`에 쓰세요.

# %% [md en]
# ### Exercise 1 (predict)
#
# Add a third sentence, `"Short one."`, and batch the three with `padding=True` (the widget at the end of this chapter does). How many `[PAD]`s does the third row get? First predict how many tokens `"Short one."` becomes (with `[CLS]` and `[SEP]`), then write the number of `[PAD]`s in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] 정수 [en] a whole number

# %% tags=["solution"]
answer = 9  # [ko] [CLS] short one . [SEP] = 5개, 14 - 5 = 9 [en] [CLS] short one . [SEP] = 5 tokens, 14 - 5 = 9

# %% tags=["check"]
three = tok(texts + ["Short one."], padding=True)
pads = three["attention_mask"][2].count(0)
ok = answer == pads
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 정수를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a whole number in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], three.tokens(2))
else:
    print({"ko": "아직 아닙니다. 힌트: T는 가장 긴 문장(14개)이 정합니다. \"Short one.\"에서 마침표도 토큰 하나입니다.",
           "en": "Not yet. Hint: the longest sentence (14 tokens) sets T, and the full stop in \"Short one.\" is a token too."}[LANG])

# %% [md ko]
# 격자로 그려 보면 한눈에 보입니다. 위는 입력 ID 행렬, 아래는 어텐션 마스크이고, 회색 칸이 패딩입니다.

# %% [md en]
# Drawn as grids it is easier to see: the id matrix on top, the mask below; grey cells are padding.

# %%
from lesson_lib.views import PaddingView
from lesson_lib.views.padding import render_batch

render_batch(batch, lang=LANG)

# %% [md ko]
# ## 잘라내기: `truncation`과 `max_length`
#
# 최대 길이 `max_length=8`로 잘라내면 두 문장 모두 토큰 8개가 됩니다. `[SEP]`는 잘리지 않고 끝에 남는 것을 보세요. 토크나이저가 특수 토큰 자리를 먼저 비워 두고 자릅니다.

# %% [md en]
# ## Cutting: `truncation` and `max_length`
#
# With `max_length=8` both sentences come out 8 tokens long. Notice that `[SEP]` is not cut off but stays at the end: the tokenizer keeps room for the special tokens first.

# %%
short = tok(texts, padding=True, truncation=True, max_length=8, return_tensors="pt")
for row in range(2):
    print(short.tokens(row))
assert short["input_ids"].shape == (2, 8)

# %% [md ko]
# `padding="max_length"`는 가장 긴 문장이 아니라 `max_length`까지 채웁니다. 배치마다 모양이 같아야 할 때 씁니다.
# 이 모델이 받을 수 있는 최대 길이는 `tok.model_max_length`에 적혀 있습니다.

# %% [md en]
# `padding="max_length"` pads up to `max_length` instead of the longest sentence, for when every batch must have the same shape.
# The model's limit is in `tok.model_max_length`.

# %%
fixed = tok(texts, padding="max_length", max_length=16, return_tensors="pt")
print(fixed["attention_mask"])
print("model_max_length:", tok.model_max_length)

# %% [md ko]
# ## 마스크가 하는 일
#
# 패딩을 붙여도 답이 바뀌면 안 됩니다. `"We hope you don't hate it."`를 혼자 넣었을 때와 배치 안에서 패딩과 함께 넣었을 때, 진짜 토큰 11개의 출력 벡터가 같아야 합니다.
# 마스크를 빼면(모두 1) 모델이 `[PAD]`까지 읽어서 결과가 달라집니다.
# (모델 안에서 마스크가 쓰이는 방법은 05장 어텐션에서 엽니다.)
#
# 아래 셀의 `model.bert(**batch)`에서 `**`는 딕셔너리 `batch`를 키워드 인자(`input_ids=...`, `token_type_ids=...`, `attention_mask=...`)로 풀어 넘기는 파이썬 문법입니다(00장). 그래서 `input_ids`만 넘기면 마스크는 빠집니다.

# %% [md en]
# ## What the mask does
#
# Padding must not change the answer. For `"We hope you don't hate it."` on its own and inside the padded batch, the output vectors of its 11 real tokens must be the same.
# Without the mask (all ones) the model reads the `[PAD]`s too, and the result changes.
# (How the model uses the mask inside is opened up in chapter 05, attention.)
#
# In `model.bert(**batch)` below, `**` is Python for unpacking the dictionary `batch` into keyword arguments (`input_ids=...`, `token_type_ids=...`, `attention_mask=...`; chapter 00). So passing only `input_ids` leaves the mask out.

# %%
from lesson_lib import AutoModelForSequenceClassification

model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
with torch.no_grad():
    alone = model.bert(**tok(texts[1], return_tensors="pt")).last_hidden_state[0]  # (11, 384)
    in_batch = model.bert(**batch).last_hidden_state[1, :11]  # [ko] 같은 토큰 11개, 패딩된 배치 안에서 [en] the same 11 tokens, padded batch
    # [ko] 마스크를 빼면 모두 1로 봅니다
    # [en] mask left out: all ones
    no_mask = model.bert(input_ids=batch["input_ids"]).last_hidden_state[1, :11]

print("largest difference, with the mask:   ", round(float((alone - in_batch).abs().max()), 4))
print("largest difference, without the mask:", round(float((alone - no_mask).abs().max()), 4))
assert torch.allclose(alone, in_batch, atol=1e-4)
assert not torch.allclose(alone, no_mask, atol=1e-2)

# %% [md ko]
# ## 두 문장을 한 입력으로: 문장 쌍
#
# BERT는 처음부터 문장 **두 개**를 함께 읽도록 사전학습되었습니다("두 번째 문장이 첫 문장 다음에 오는가?"). 질문과 문단, 전제와 가설처럼 두 문장의 관계를 묻는 과제가 그렇습니다.
# 토크나이저에 문장을 두 개 주면 `[CLS] 첫 문장 [SEP] 둘째 문장 [SEP]` 하나로 잇고, `token_type_ids`에 어느 문장의 토큰인지 적습니다(첫 문장 0, 둘째 문장 1). `sequence_ids`는 같은 정보를 특수 토큰은 `None`으로 보여 줍니다.

# %% [md en]
# ## Two sentences in one input: text pairs
#
# BERT was pre-trained to read **two** sentences together from the start ("does the second sentence follow the first?"). Tasks about how two texts relate work that way: a question and a paragraph, a premise and a hypothesis.
# Give the tokenizer two texts and it joins them as `[CLS] first [SEP] second [SEP]`, and `token_type_ids` says which text each token belongs to (0 for the first, 1 for the second). `sequence_ids` shows the same, with `None` for the special tokens.

# %%
pair = tok("The film was long.", "But I loved every minute of it.", return_tensors="pt")
print(pair.tokens(0))
print("token_type_ids:", pair["token_type_ids"][0].tolist())
print("sequence_ids:  ", pair.sequence_ids(0))

# %% [md ko]
# 모델은 `token_type_ids`로 토큰마다 "문장 A" 또는 "문장 B" 벡터를 하나 더 더합니다(03장의 임베딩 단계). 그러니 같은 토큰이라도 어느 문장에 속하느냐에 따라 입력이 달라지고, 답도 달라집니다. 모두 0(모두 첫 문장)으로 바꾸어 비교해 봅시다.

# %% [md en]
# With `token_type_ids` the model adds one more vector to each token, "sentence A" or "sentence B" (the embedding step of chapter 03). So the same token gets a different input depending on which text it is in, and the answer changes. Compare with all zeros (everything in the first text):

# %%
print("token-type table:", tuple(model.bert.embeddings.token_type_embeddings.weight.shape), "(2 segments x 384)")
with torch.no_grad():
    as_pair = model(**pair).logits
    one_text = model(input_ids=pair["input_ids"], attention_mask=pair["attention_mask"],
                     token_type_ids=torch.zeros_like(pair["token_type_ids"])).logits
print("logits with the segment ids:", [round(v, 4) for v in as_pair[0].tolist()])
print("logits with all zeros:      ", [round(v, 4) for v in one_text[0].tolist()])
assert not torch.allclose(as_pair, one_text, atol=1e-3)

# %% [md ko]
# 두 문장을 합쳐 `max_length`보다 길면 어느 쪽을 자를지 `truncation`이 정합니다. `"longest_first"`(`True`와 같음)는 더 긴 쪽에서 한 토큰씩 번갈아 자르고, `"only_first"`와 `"only_second"`는 한쪽만 자릅니다. 자를 쪽이 너무 짧아 모자라면 오류가 납니다.

# %% [md en]
# When the two texts together are longer than `max_length`, `truncation` says which one to cut. `"longest_first"` (the same as `True`) takes one token at a time from whichever is longer; `"only_first"` and `"only_second"` cut one side only, and fail when that side is too short to cut enough.

# %%
first = "The film was long, slow and far too loud in places."
second = "But the actors were wonderful and I loved the music."
for strategy in ["longest_first", "only_first", "only_second"]:
    cut = tok(first, second, truncation=strategy, max_length=20)
    sides = cut.sequence_ids(0)
    print(f"{strategy:13} first {sides.count(0):2} tokens, second {sides.count(1):2}:", " ".join(cut.tokens(0)))

# %% [md ko]
# ## 직접 해 보기
#
# 문장을 고치고 옵션(`padding`, `truncation`, `max_length`)을 바꾸면서 행렬이 어떻게 바뀌는지 보세요.

# %% [md en]
# ## Try it
#
# Edit the sentences and change the options (`padding`, `truncation`, `max_length`), and watch the matrices change.

# %%
view = PaddingView(tok, texts + ["Short one."], padding=True, lang=LANG)
view

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 패딩과 잘라내기의 인자는 🤗 Transformers와 같습니다. `padding=True`, `padding="max_length"`, `truncation=True`, `max_length`, `return_tensors="pt"`를 그대로 넘기면 같은 배치가 나옵니다. 키트의 토크나이저를 폴더에 저장하고 🤗 Transformers로 불러와, 이 장에서 만든 세 가지 배치를 텐서 하나하나까지 비교해 봅시다.
# 길이가 다른 문장을 패딩 없이 텐서로 만들려고 하면 🤗 Transformers도 거절합니다. 다만 키트의 `InputValueError`가 아니라 그냥 `ValueError`를 내고(키트의 오류도 `ValueError`의 한 종류입니다), 메시지도 다릅니다. `PaddingView`와 `render_batch`는 이 키트에만 있습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# Padding and truncation take the same arguments in 🤗 Transformers: `padding=True`, `padding="max_length"`, `truncation=True`, `max_length` and `return_tensors="pt"` give the same batch. Save the kit's tokenizer to a folder, load it with 🤗 Transformers, and compare the three batches of this chapter tensor by tensor.
# 🤗 Transformers also refuses to make a tensor of sentences of different lengths without padding, but with a plain `ValueError` (the kit's `InputValueError` is a kind of `ValueError` too) and a message of its own. `PaddingView` and `render_batch` are this kit's only.

# %%
import transformers  # [ko] 진짜 라이브러리는 이 셀에서만: lesson_lib 자체는 이것을 불러오지 않습니다 [en] the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 안내 문구와 불러오기 보고가 남지 않게 [en] no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 진행 막대는 시간을 저장하므로 끕니다 [en] its loading bar would store times
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
folder = Path(scratch.name) / "tokenizer"
tok.save_pretrained(folder)
hf_tok = transformers.AutoTokenizer.from_pretrained(folder)
try:
    hf_tok(texts, return_tensors="pt")
except ValueError as err:
    print("without padding, transformers raises", type(err).__name__)

for settings in [{"padding": True, "truncation": True, "max_length": 512},
                 {"padding": True, "truncation": True, "max_length": 8},
                 {"padding": "max_length", "max_length": 16}]:  # [ko] 이 장의 배치 세 개 [en] this chapter's three batches
    ours, theirs = tok(texts, return_tensors="pt", **settings), hf_tok(texts, return_tensors="pt", **settings)
    same = list(ours) == list(theirs) and all(torch.equal(ours[key], theirs[key]) for key in ours)
    print(settings, "->", tuple(theirs["input_ids"].shape), "same:", same)
    assert same

# %% [md ko]
# ## 연습 2 (계산)
#
# `tok(["Hi!", "Nice to meet you."], padding=True)`의 `attention_mask`는 무엇일까요? 리스트의 리스트로 `answer`에 쓰고 확인하세요.
# 힌트: 먼저 각 문장이 토큰 몇 개가 되는지 세어 보세요(`[CLS]`, `[SEP]` 포함).

# %% [md en]
# ## Exercise 2 (compute)
#
# What is the `attention_mask` of `tok(["Hi!", "Nice to meet you."], padding=True)`? Write it in `answer` as a list of lists and check.
# Hint: first count how many tokens each sentence becomes (with `[CLS]` and `[SEP]`).

# %% tags=["exercise"]
answer = None  # [ko] 예: [[1, 1, ...], [1, ...]] [en] e.g. [[1, 1, ...], [1, ...]]

# %% tags=["solution"]
answer = [[1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1]]

# %% tags=["check"]
expected = tok(["Hi!", "Nice to meet you."], padding=True)["attention_mask"]
ok = answer == expected
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 마스크를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write the mask in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG])
else:
    lengths = [len(ids) for ids in tok(["Hi!", "Nice to meet you."])["input_ids"]]
    print({"ko": f"아직 아닙니다. 두 문장의 토큰 수는 {lengths}입니다.",
           "en": f"Not yet. The two sentences have {lengths} tokens."}[LANG])

# %% [md ko]
# ## 연습 3 (바꿔 보기)
#
# 이 장의 두 문장(토큰 14개와 11개)을 `padding="max_length", truncation=True`로 묶을 때, 첫 문장은 **잘리고** 둘째 문장에는 `[PAD]`가 **정확히 두 개** 붙게 하는 `max_length`는 얼마일까요? `answer`에 쓰고, 아래 셀에서 그 값으로 직접 만들어 확인해 보세요.

# %% [md en]
# ## Exercise 3 (modify)
#
# Batch this chapter's two sentences (14 and 11 tokens) with `padding="max_length", truncation=True`. Which `max_length` **cuts** the first sentence and gives the second **exactly two** `[PAD]`s? Write it in `answer`, and try it in the cell below.

# %% tags=["exercise"]
answer = None  # [ko] 정수 [en] a whole number

# %% tags=["solution"]
answer = 13  # [ko] 11 + 2 = 13 < 14 [en] 11 + 2 = 13 < 14

# %% tags=["check"]
ok = False
if isinstance(answer, int) and 3 <= answer <= tok.model_max_length:  # [ko] 그 밖의 길이는 토크나이저가 거절합니다 [en] the tokenizer refuses other lengths
    tried = tok(texts, padding="max_length", truncation=True, max_length=answer)
    ok = len(tried["input_ids"][0]) < len(unpadded["input_ids"][0]) and tried["attention_mask"][1].count(0) == 2
    print([tried.tokens(row) for row in range(2)])
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 정수를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a whole number in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 둘째 문장은 토큰 11개입니다. [PAD] 두 개를 더하면 길이는? 그 길이가 14보다 작아야 첫 문장이 잘립니다.",
           "en": "Not yet. Hint: the second sentence has 11 tokens; add two [PAD]s, and what length do you get? It must be below 14 to cut the first."}[LANG])

# %% [md ko]
# ## 정리
#
# - 텐서는 직사각형이어야 하므로, 길이가 $n_b$인 문장들을 $T = \max_b n_b$(`padding=True`) 또는 `max_length`(`padding="max_length"`)까지 `[PAD]`(ID 0)로 채웁니다. 배치의 모양은 (B, T)입니다.
# - 어텐션 마스크는 진짜 토큰이면 1, 패딩이면 0입니다. 마스크가 있으면 패딩을 붙여도 진짜 토큰의 출력은 혼자 넣었을 때와 같습니다(모델 안에서 어떻게 쓰이는지는 05장).
# - `truncation=True`와 `max_length`는 긴 문장을 자르되, 특수 토큰 `[SEP]`의 자리는 남깁니다. 패딩이 붙는 쪽은 `tok.padding_side`(여기서는 `"right"`)가 정합니다.
# - 문장 쌍은 `[CLS] A [SEP] B [SEP]` 하나가 되고, `token_type_ids`가 토큰마다 어느 문장인지(0, 1) 적습니다.
#
# 다음 장(03)에서는 이 배치가 모델 안에서 로짓이 되기까지를 따라갑니다.

# %% [md en]
# ## Summary
#
# - A tensor must be a rectangle, so sentences of $n_b$ tokens are filled with `[PAD]` (id 0) up to $T = \max_b n_b$ (`padding=True`) or up to `max_length` (`padding="max_length"`). The batch has the shape (B, T).
# - The attention mask is 1 for a real token and 0 for padding. With the mask, padding leaves the real tokens' outputs as they are alone (how the model uses it: chapter 05).
# - `truncation=True` and `max_length` cut long sentences but keep the room for the special token `[SEP]`. Which side gets the padding is `tok.padding_side` (here `"right"`).
# - A text pair becomes one `[CLS] A [SEP] B [SEP]`, and `token_type_ids` says which text each token came from (0 or 1).
#
# The next chapter (03) follows this batch inside the model until it becomes logits.
