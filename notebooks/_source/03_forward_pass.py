# %% [md ko]
# # 03 순전파: 토큰 ID가 로짓이 되기까지
#
# 임베딩 → 트랜스포머 블록 6개(어텐션, 피드포워드 신경망, 잔차 연결과 층 정규화) → 첫 토큰 → 풀러 → 분류기를 따라가며 단계마다 텐서의 모양을 확인하고, 모델이 하는 계산을 직접 다시 해 봅니다.
#
# 모델도 평범한 PyTorch `nn.Module`입니다. `model(**batch)` 한 줄 안에서 일어나는 일을 `model.trace(**batch)`로 전부 꺼내 보겠습니다.

# %% [md en]
# # 03 The forward pass: from token ids to logits
#
# Follow embeddings → 6 transformer blocks (attention, feed-forward, residual connections and LayerNorm) → first token → pooler → classifier, check the tensor's shape at every step, and redo the model's computation by hand.
#
# The model is an ordinary PyTorch `nn.Module`. `model.trace(**batch)` pulls out everything that happens inside the one line `model(**batch)`.

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
batch = tok(texts, padding=True, return_tensors="pt")

c = model.config
print(type(model).__name__, f"{model.num_parameters():,} parameters")
print(f"hidden_size D = {c.hidden_size}, layers = {c.num_hidden_layers}, "
      f"heads H = {c.num_attention_heads}, intermediate_size = {c.intermediate_size}")

# %% [md ko]
# 기호 몇 개: **B** = 문장 수(2), **T** = 토큰 수(14), **D** = 벡터 폭(384).
# `trace`는 단계마다 이름과 텐서를 기록합니다. 층 0의 단계를 봅시다(층 1~5도 똑같습니다).

# %% [md en]
# A few symbols: **B** = number of sentences (2), **T** = number of tokens (14), **D** = vector width (384).
# `trace` records every step's name and tensor. Here are layer 0's steps (layers 1 to 5 repeat them).

# %%
trace = model.trace(**batch)
for step in trace.steps:
    if step.layer in (None, 0):
        print(f"{step.label:32} {step.shape}")
    elif step.layer == 1 and step.name == "attention_output":
        print("...  layers 1-5: the same steps  ...")

# %% [md ko]
# ## 1. 임베딩: 토큰 ID → 벡터
#
# 각 토큰 ID는 단어 임베딩 표(30522 × 384)의 한 줄, 즉 숫자 384개짜리 벡터가 됩니다.
# 여기에 "몇 번째 자리인지"를 나타내는 위치 임베딩과 "몇 번째 문장인지"를 나타내는 토큰 타입 임베딩을 더하고, 층 정규화(LayerNorm)로 크기를 고릅니다.
# 직접 계산해서 `trace`와 비교해 봅시다.

# %% [md en]
# ## 1. Embeddings: ids → vectors
#
# Each id picks one row of the word embedding table (30522 × 384): a vector of 384 numbers.
# A position vector ("which place") and a token-type vector ("which sentence") are added, and LayerNorm evens out the scale.
# Let's compute it by hand and compare with `trace`.

# %%
emb = model.bert.embeddings
ids, types = batch["input_ids"], batch["token_type_ids"]
positions = torch.arange(ids.shape[1])  # 0, 1, ..., T-1
with torch.no_grad():
    x = emb.LayerNorm(emb.word_embeddings(ids)  # (B, T, D)
                      + emb.position_embeddings(positions)  # (T, D), added to every sentence
                      + emb.token_type_embeddings(types))  # (B, T, D)
print(tuple(emb.word_embeddings.weight.shape), "table ->", tuple(x.shape))
assert torch.allclose(x, trace.get("embeddings"), atol=1e-5)

# %% [md ko]
# ## 2. 블록 하나
#
# 블록 하나는 두 부분입니다.
#
# 1. **어텐션**: 각 토큰이 다른 토큰들을 보고 정보를 모읍니다(05장에서 자세히 엽니다). 마스크 덕분에 `[PAD]`는 보지 않습니다.
#    결과를 한 번 더 선형 변환(`dense`)한 뒤 **입력에 더하고**(잔차 연결) LayerNorm을 합니다.
# 2. **피드포워드 신경망**: 토큰마다 따로, 384 → 1536으로 넓혔다가 GELU를 거쳐 다시 384로 줄입니다. 이번에도 입력에 더하고 LayerNorm.
#
# 잔차 연결 덕분에 블록은 벡터를 통째로 바꾸지 않고 "바꿀 만큼만 더합니다". 층 0을 직접 계산해 봅시다.

# %% [md en]
# ## 2. One block
#
# A block has two parts:
#
# 1. **Attention**: each token looks at the other tokens and gathers information (chapter 05 opens this up). Thanks to the mask, nobody looks at `[PAD]`.
#    The result goes through one more linear map (`dense`), is **added to the block's input** (the residual connection), then LayerNorm.
# 2. **Feed-forward**: for each token on its own, widen 384 → 1536, apply GELU, narrow back to 384. Again added to its input, then LayerNorm.
#
# Thanks to the residual connections a block does not replace a vector, it "adds a change". Let's compute layer 0 by hand.

# %%
from lesson_lib import functional as F

layer = model.bert.encoder.layer[0]
mask = F.extended_attention_mask(batch["attention_mask"], x.dtype)  # (B, 1, 1, T): 0, or very negative at [PAD]
with torch.no_grad():
    heads, weights = layer.attention.self(x, mask)  # (B, T, D), (B, H, T, T): chapter 05
    h = layer.attention.output.LayerNorm(x + layer.attention.output.dense(heads))  # residual + LayerNorm
    wide = F.gelu(layer.intermediate.dense(h))  # (B, T, 1536): feed-forward, widened
    out = layer.output.LayerNorm(h + layer.output.dense(wide))  # back to D, residual + LayerNorm

for name, tensor in [("attention (all heads)", heads), ("after residual + LN", h),
                     ("feed-forward middle", wide), ("block output", out)]:
    print(f"{name:22} {tuple(tensor.shape)}")
assert torch.allclose(out, trace.get("block_output", 0), atol=1e-5)

# %% [md ko]
# 나머지 다섯 블록도 같은 일을 합니다. 블록의 출력이 다음 블록의 입력이 됩니다. 모양은 처음부터 끝까지 (B, T, D) 그대로입니다.

# %% [md en]
# The other five blocks do the same; each block's output is the next block's input. The shape stays (B, T, D) all the way.

# %%
h = x
with torch.no_grad():
    for i, block in enumerate(model.bert.encoder.layer):
        h, _ = block(h, mask)
        assert torch.allclose(h, trace.get("block_output", i), atol=1e-4)
print("after 6 blocks:", tuple(h.shape))

# %% [md ko]
# ## 3. 층을 지나며 벡터는 얼마나 바뀔까?
#
# 각 토큰의 벡터가 블록 하나를 지날 때 얼마나 바뀌는지 봅시다. 칸의 값은 "이전 층 벡터와의 코사인 유사도"입니다. 1이면 방향이 그대로, 작을수록 많이 바뀐 것입니다.

# %% [md en]
# ## 3. How much do the vectors change from layer to layer?
#
# Let's see how much each token's vector changes when it passes one block. Each cell is the cosine similarity with the same token's vector one layer earlier: 1 means the direction did not change, smaller means a bigger change.

# %%
import matplotlib.pyplot as plt

with torch.no_grad():
    hidden = model(**batch, output_hidden_states=True).hidden_states  # 7 tensors (B, T, D): embeddings + 6 blocks
similarity = torch.stack([torch.cosine_similarity(hidden[i][0], hidden[i - 1][0], dim=-1)
                          for i in range(1, len(hidden))])  # (6, T), first sentence
print(similarity.shape)

words = {"ko": ("토큰", "층", "이전 층과의 코사인 유사도 (첫 문장)"),
         "en": ("token", "layer", "cosine similarity with the previous layer (first sentence)")}[LANG]
fig, ax = plt.subplots(figsize=(9, 3.2))
image = ax.imshow(similarity, cmap="viridis", aspect="auto")
ax.set_xticks(range(len(batch.tokens(0))), batch.tokens(0), rotation=60)
ax.set_yticks(range(6), [str(i) for i in range(6)])
ax.set_xlabel(words[0])
ax.set_ylabel(words[1])
ax.set_title(words[2])
fig.colorbar(image, ax=ax)
plt.show()

# %% [md ko]
# 이 모델에서는 마지막 블록(5)이 벡터를 가장 크게 바꿉니다.
#
# 아래 위젯으로 기록된 단계를 하나씩 넘기며 값을 직접 보세요. 위쪽 그림은 지금 단계의 텐서(한 문장, 토큰 × 특성), 아래쪽 그림은 층마다 각 토큰 벡터의 길이입니다.

# %% [md en]
# In this model the last block (5) changes the vectors the most.
#
# Step through the recorded steps with the widget below and look at the values. The top picture is the current step's tensor (one sentence, tokens × features); the bottom one is the length of each token's vector, layer by layer.

# %%
from lesson_lib.views import LayerView

view = LayerView(trace, batch=batch, lang=LANG)
view

# %% [md ko]
# ## 4. 첫 토큰 → 풀러 → 분류기
#
# 문장마다 라벨별 점수만 있으면 되므로 첫 토큰 `[CLS]`의 벡터만 씁니다. 어텐션 덕분에 이 벡터는 문장 전체의 정보를 모았습니다.
# BERT는 이것을 **풀러**(dense + tanh)에 한 번 통과시킨 뒤 **분류기**(384 → 라벨 2개)에 넣습니다. 그 출력이 로짓(`logits`)입니다.

# %% [md en]
# ## 4. First token → pooler → classifier
#
# One score per label per sentence is enough, so only the first token's (`[CLS]`) vector is used. Through attention it has gathered information from the whole sentence.
# BERT passes it through the **pooler** (dense + tanh), then into the **classifier** (384 → 2 labels). Its output is the `logits`.

# %%
with torch.no_grad():
    first = h[:, 0]  # (B, D): the [CLS] vector of each sentence
    pooled = torch.tanh(model.bert.pooler.dense(first))  # (B, D)
    logits = model.classifier(pooled)  # (B, 2)
    expected = model(**batch).logits
print(tuple(first.shape), tuple(pooled.shape), tuple(logits.shape))
print(logits)
assert torch.allclose(logits, expected, atol=1e-4)  # by hand == model(**batch)

# %% [md ko]
# 이제 `model(**batch)` 한 줄을 모두 손으로 다시 했습니다. 로짓을 확률로 바꾸는 일은 04장에서 합니다.
#
# ### DistilBERT는 어떻게 다를까?
#
# 퀵투어의 모델은 DistilBERT입니다. 구조는 거의 같지만 끝이 조금 다릅니다. 풀러가 없고 대신 `pre_classifier`(dense)와 ReLU를 거쳐 분류기로 갑니다. 토큰 타입 임베딩도 없습니다.
# 작은 무작위 DistilBERT를 만들어 두 모델의 마지막 단계를 비교해 봅시다.

# %% [md en]
# You have now redone the whole of `model(**batch)` by hand. Turning the scores into probabilities is chapter 04.
#
# ### How is DistilBERT different?
#
# The quick tour's model is DistilBERT. It is built almost the same way, but the end differs: there is no pooler; instead the first token goes through `pre_classifier` (dense) and ReLU into the classifier. It has no token-type embeddings either.
# Let's build a small random DistilBERT and compare the last steps of the two models.

# %%
from lesson_lib import DistilBertConfig, DistilBertForSequenceClassification

tiny = DistilBertForSequenceClassification(DistilBertConfig(n_layers=2, dim=64, n_heads=4, hidden_dim=128)).eval()
tiny_trace = tiny.trace(batch["input_ids"], batch["attention_mask"])
print("BERT:      ", [s.name for s in trace.steps if s.layer is None])
print("DistilBERT:", [s.name for s in tiny_trace.steps if s.layer is None])

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 이 장에서 연 모델은 🤗 Transformers의 `BertForSequenceClassification`과 파라미터 이름, 층 구조, 계산 순서가 같습니다. 그래서 키트가 저장한 폴더를 🤗 Transformers가 그대로 불러오고, 같은 배치에서 같은 로짓과 같은 은닉 상태 7개(임베딩 + 블록 6개)를 냅니다.
# `model.bert.encoder.layer[0].attention.self` 같은 경로도 똑같습니다. 단계별 결과를 데이터로 돌려주는 `model.trace(...)`와 `LayerView`는 이 키트에만 있습니다. 🤗 Transformers에서는 `output_hidden_states=True`가 가장 가까운 방법입니다.

# %% [md en]
# ## In 🤗 Transformers
#
# The model this chapter opened has the same parameter names, layers and order of computation as 🤗 Transformers' `BertForSequenceClassification`. So a folder the kit saved loads in 🤗 Transformers as it is, and gives the same logits and the same 7 hidden states (embeddings + 6 blocks) for the same batch.
# Paths like `model.bert.encoder.layer[0].attention.self` are the same too. `model.trace(...)`, which hands back every step as data, and `LayerView` are this kit's only; in 🤗 Transformers, `output_hidden_states=True` comes closest.

# %%
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
folder = Path(tempfile.mkdtemp()) / "model"
model.save_pretrained(folder)
tok.save_pretrained(folder)
hf_model = transformers.AutoModelForSequenceClassification.from_pretrained(folder).eval()
print(type(hf_model).__name__, type(hf_model.bert.encoder.layer[0].attention.self).__name__)

with torch.no_grad():
    hf_out = hf_model(**batch, output_hidden_states=True)
print(hf_out.logits)
same_logits = torch.allclose(hf_out.logits, expected, atol=1e-5)
same_hidden = all(torch.allclose(a, b, atol=1e-5) for a, b in zip(hf_out.hidden_states, hidden))
print("allclose: logits", same_logits, "| hidden states", same_hidden, f"({len(hf_out.hidden_states)} tensors)")
assert same_logits and same_hidden and len(hf_out.hidden_states) == len(hidden)

# %% [md ko]
# ## 연습 문제
#
# 세 문장 `["I liked it.", "Not my cup of tea.", "Wonderful acting, weak plot."]`을 `padding=True`로 배치로 만들었을 때, 블록 안 피드포워드 신경망의 넓은 중간(`wide`)의 모양은 무엇일까요? 튜플로 `answer`에 쓰세요.
# 힌트: B는 문장 수, T는 가장 긴 문장의 토큰 수(`tok(...)`로 세어 보세요), 그리고 넓힌 폭은 `model.config.intermediate_size`입니다.

# %% [md en]
# ## Exercise
#
# For the batch `["I liked it.", "Not my cup of tea.", "Wonderful acting, weak plot."]` with `padding=True`, what is the shape of the feed-forward's wide middle (`wide`) inside a block? Write it in `answer` as a tuple.
# Hint: B is the number of sentences, T the token count of the longest one (count with `tok(...)`), and the wide size is `model.config.intermediate_size`.

# %% tags=["exercise"]
answer = None  # e.g. (1, 2, 3)

# %% tags=["check"]
batch3 = tok(["I liked it.", "Not my cup of tea.", "Wonderful acting, weak plot."], padding=True, return_tensors="pt")
trace3 = model.trace(**batch3)
with torch.no_grad():
    expected = tuple(model.bert.encoder.layer[0].intermediate(trace3.get("after_attention_norm", 0)).shape)
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 튜플을 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a tuple in answer and run again."}[LANG])
elif tuple(answer) == expected:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG])
else:
    print({"ko": "아직 아닙니다. (B, T, 넓힌 폭) 순서인지, T를 [CLS]와 [SEP]까지 세었는지 확인하세요.",
           "en": "Not yet. Check the order (B, T, wide size) and that T counts [CLS] and [SEP]."}[LANG])
