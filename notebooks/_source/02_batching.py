# %% [md ko]
# # 02 배치: 여러 문장을 한 텐서로
#
# 길이가 다른 문장들을 패딩으로 맞춰 하나의 직사각형 텐서로 만들고, 어텐션 마스크가 모델에게 "이 자리는 채운 것"이라고 알려 주는 방법을 봅니다.
#
# 모델은 문장을 하나씩 처리할 때보다 여러 개를 묶어(배치) 한꺼번에 처리할 때 훨씬 빠릅니다. 그런데 텐서는 직사각형이어야 합니다.

# %% [md en]
# # 02 Batching: many sentences in one tensor
#
# Pad sentences of different lengths into one rectangular tensor, and see how the attention mask tells the model "this position is only filler".
#
# A model is much faster on a bundle (a batch) of sentences than on one sentence at a time. But a tensor has to be a rectangle.

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
assert batch["input_ids"].tolist() == SEED_IDS  # the quick tour's padded batch, exactly
assert batch["attention_mask"].tolist() == SEED_MASK

# %% [md ko]
# 둘째 문장 끝에 `0`이 세 개 붙었고, 같은 자리의 `attention_mask`도 `0`입니다. 마스크는 "진짜 토큰이면 1, 패딩(자리 채움)이면 0"입니다.
# 패딩이 어느 쪽에 붙는지는 토크나이저의 `padding_side`가 정합니다(아래 셀). BERT는 왼쪽의 `[CLS]`부터 위치를 세므로, 오른쪽에 채우면 진짜 토큰들은 혼자 들어갔을 때와 같은 위치 번호를 그대로 갖습니다.

# %% [md en]
# The second sentence got three `0`s at the end, and `attention_mask` is `0` at the same places. The mask says "1 for a real token, 0 for filler".
# Which side the padding goes on is the tokenizer's `padding_side` (next cell). BERT counts positions from the `[CLS]` on the left, so padding on the right leaves every real token at the position it would have alone.

# %%
print(batch.tokens(1))
print("padding_side:", tok.padding_side)
print(batch["input_ids"].shape, batch["input_ids"].dtype, "  (B, T) = (sentences, tokens)")

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

# %% [md en]
# ## What the mask does
#
# Padding must not change the answer. For `"We hope you don't hate it."` on its own and inside the padded batch, the output vectors of its 11 real tokens must be the same.
# Without the mask (all ones) the model reads the `[PAD]`s too, and the result changes.
# (How the model uses the mask inside is opened up in chapter 05, attention.)

# %%
from lesson_lib import AutoModelForSequenceClassification

model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
with torch.no_grad():
    alone = model.bert(**tok(texts[1], return_tensors="pt")).last_hidden_state[0]  # (11, 384)
    in_batch = model.bert(**batch).last_hidden_state[1, :11]  # the same 11 tokens, padded batch
    no_mask = model.bert(input_ids=batch["input_ids"]).last_hidden_state[1, :11]  # mask left out: all ones

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
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
folder = Path(tempfile.mkdtemp()) / "tokenizer"
tok.save_pretrained(folder)
hf_tok = transformers.AutoTokenizer.from_pretrained(folder)
try:
    hf_tok(texts, return_tensors="pt")
except ValueError as err:
    print("without padding, transformers raises", type(err).__name__)

for settings in [{"padding": True, "truncation": True, "max_length": 512},
                 {"padding": True, "truncation": True, "max_length": 8},
                 {"padding": "max_length", "max_length": 16}]:  # this chapter's three batches
    ours, theirs = tok(texts, return_tensors="pt", **settings), hf_tok(texts, return_tensors="pt", **settings)
    same = list(ours) == list(theirs) and all(torch.equal(ours[key], theirs[key]) for key in ours)
    print(settings, "->", tuple(theirs["input_ids"].shape), "same:", same)
    assert same

# %% [md ko]
# ## 연습 문제
#
# `tok(["Hi!", "Nice to meet you."], padding=True)`의 `attention_mask`는 무엇일까요? 리스트의 리스트로 `answer`에 쓰고 확인하세요.
# 힌트: 먼저 각 문장이 토큰 몇 개가 되는지 세어 보세요(`[CLS]`, `[SEP]` 포함).

# %% [md en]
# ## Exercise
#
# What is the `attention_mask` of `tok(["Hi!", "Nice to meet you."], padding=True)`? Write it in `answer` as a list of lists and check.
# Hint: first count how many tokens each sentence becomes (with `[CLS]` and `[SEP]`).

# %% tags=["exercise"]
answer = None  # e.g. [[1, 1, ...], [1, ...]]

# %% tags=["check"]
expected = tok(["Hi!", "Nice to meet you."], padding=True)["attention_mask"]
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 마스크를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write the mask in answer and run again."}[LANG])
elif answer == expected:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG])
else:
    lengths = [len(ids) for ids in tok(["Hi!", "Nice to meet you."])["input_ids"]]
    print({"ko": f"아직 아닙니다. 두 문장의 토큰 수는 {lengths}입니다.",
           "en": f"Not yet. The two sentences have {lengths} tokens."}[LANG])
