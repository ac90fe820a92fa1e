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

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - `model(**batch)` 한 줄 안의 단계(임베딩, 블록 6개, 풀러, 분류기)를 차례대로 말하고, 단계마다 텐서의 모양 (B, T, D)를 예측합니다.
# - 임베딩의 합, 층 정규화(LayerNorm), GELU, 잔차 연결, 분류 헤드를 식으로 쓰고, 그 식을 계산하는 코드 줄을 찾습니다.
# - 블록 하나를 손으로 계산해 모델과 같은 값을 얻습니다.
#
# **전제**: 01, 02장(토큰 ID와 배치). 행렬 곱과 평균, 분산을 알면 좋습니다. 어텐션 자체는 05장에서 엽니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-5분 | 모델의 크기, 기호 B, T, D, `trace`의 단계 |
# | 5-15분 | 1. 임베딩과 LayerNorm |
# | 15-30분 | 2. 블록 하나: 잔차 연결, 피드포워드 신경망, GELU |
# | 30-38분 | 3. 층마다 얼마나 바뀔까? 연습 1(예측) |
# | 38-45분 | 4. 풀러와 분류기, 연습 2(계산) |
# | 45-50분 | 정리 (연습 3은 숙제로) |
#
# 짧은 수업에서는 `LayerView` 위젯, "DistilBERT는 어떻게 다를까?", "🤗 Transformers에서는" 절을 건너뛰어도 됩니다.

# %% [md en]
# ## Goals of this chapter
#
# **After this chapter you can**
#
# - name the steps inside the one line `model(**batch)` (embeddings, 6 blocks, pooler, classifier) in order, and predict the tensor's shape (B, T, D) at each;
# - write the embedding sum, LayerNorm, GELU, the residual connection and the classifier head as formulas, and point at the line of code computing each;
# - compute one block by hand and get the model's numbers.
#
# **It assumes** chapters 01 and 02 (token ids, batches); matrix products, the mean and the variance help. Attention itself is opened in chapter 05.
#
# **A 50-minute plan**
#
# | time | what |
# |---|---|
# | 0-5 min | the model's size, the symbols B, T, D, the steps of `trace` |
# | 5-15 min | 1. embeddings and LayerNorm |
# | 15-30 min | 2. one block: residual connections, the feed-forward network, GELU |
# | 30-38 min | 3. how much does each layer change? exercise 1 (predict) |
# | 38-45 min | 4. pooler and classifier, exercise 2 (compute) |
# | 45-50 min | summary (exercise 3 as homework) |
#
# In a short lesson, skip the `LayerView` widget, "How is DistilBERT different?" and "In 🤗 Transformers".

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
# 기호 몇 개: **B** = 문장 수(2), **T** = 토큰 수(14), **D** = 벡터 폭(384), **H** = 어텐션 헤드 수(12), **F** = 피드포워드 폭(1536), **C** = 라벨 수(2). `lesson_lib/models/distilbert.py`의 모양 주석과 같은 기호입니다.
#
# `model(**batch)`의 `**`는 딕셔너리를 풀어 키워드 인자로 넘기는 파이썬 문법입니다. `batch`에 `input_ids`, `token_type_ids`, `attention_mask`가 들어 있으므로 `model(input_ids=..., token_type_ids=..., attention_mask=...)`와 같습니다.
# `trace`는 단계마다 이름과 텐서를 기록합니다. 층 0의 단계를 봅시다(층 1~5도 똑같습니다).

# %% [md en]
# A few symbols: **B** = number of sentences (2), **T** = number of tokens (14), **D** = vector width (384), **H** = attention heads (12), **F** = feed-forward width (1536), **C** = number of labels (2): the symbols of the shape comments in `lesson_lib/models/distilbert.py`.
#
# The `**` in `model(**batch)` is Python for "unpack this dictionary into keyword arguments": `batch` holds `input_ids`, `token_type_ids` and `attention_mask`, so it is the same as `model(input_ids=..., token_type_ids=..., attention_mask=...)`.
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
# 여기에 "몇 번째 자리인지"를 나타내는 위치 임베딩과 "몇 번째 문장인지"를 나타내는 토큰 타입 임베딩을 더하고, 층 정규화(LayerNorm)로 크기를 고르게 맞춥니다. 문장 $b$의 $t$번째 토큰이라면
#
# $$x_{b,t} = \mathrm{LN}\big(W_\text{word}[\text{id}_{b,t}] + W_\text{pos}[t] + W_\text{type}[\text{type}_{b,t}]\big) \in \mathbb{R}^{D}$$
#
# 입니다($W[i]$: 표의 $i$번째 줄). 층 정규화는 벡터 하나의 특성 D개를 평균 0, 분산 1로 맞춘 뒤, 학습된 배율 $\gamma$와 이동 $\beta$를 적용합니다.
#
# $$\mathrm{LN}(z) = \gamma \odot \frac{z - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta, \qquad \mu = \frac{1}{D}\sum_{i=1}^{D} z_i, \quad \sigma^2 = \frac{1}{D}\sum_{i=1}^{D} (z_i - \mu)^2$$
#
# ($\odot$: 특성마다 곱하기, $\varepsilon = 10^{-12}$는 0으로 나누지 않으려는 아주 작은 수입니다.)
# 직접 계산해서 `trace`와 비교해 봅시다.

# %% [md en]
# ## 1. Embeddings: ids → vectors
#
# Each id picks one row of the word embedding table (30522 × 384): a vector of 384 numbers.
# A position vector ("which place") and a token-type vector ("which sentence") are added, and LayerNorm evens out the scale. For token $t$ of sentence $b$:
#
# $$x_{b,t} = \mathrm{LN}\big(W_\text{word}[\text{id}_{b,t}] + W_\text{pos}[t] + W_\text{type}[\text{type}_{b,t}]\big) \in \mathbb{R}^{D}$$
#
# ($W[i]$: row $i$ of the table). LayerNorm brings the D features of one vector to mean 0 and variance 1, then applies a learned scale $\gamma$ and shift $\beta$:
#
# $$\mathrm{LN}(z) = \gamma \odot \frac{z - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta, \qquad \mu = \frac{1}{D}\sum_{i=1}^{D} z_i, \quad \sigma^2 = \frac{1}{D}\sum_{i=1}^{D} (z_i - \mu)^2$$
#
# ($\odot$: feature by feature; $\varepsilon = 10^{-12}$ is a tiny number that keeps us from dividing by 0.)
# Let's compute it by hand and compare with `trace`.

# %%
emb = model.bert.embeddings
ids, types = batch["input_ids"], batch["token_type_ids"]
positions = torch.arange(ids.shape[1])  # 0, 1, ..., T-1
with torch.no_grad():
    x = emb.LayerNorm(emb.word_embeddings(ids)  # (B, T, D)
                      + emb.position_embeddings(positions)  # [ko] (T, D), 모든 문장에 더합니다 [en] (T, D), added to every sentence
                      + emb.token_type_embeddings(types))  # (B, T, D)
print(tuple(emb.word_embeddings.weight.shape), "table ->", tuple(x.shape))
assert torch.allclose(x, trace.get("embeddings"), atol=1e-5)

# %% [md ko]
# `emb.LayerNorm`도 위의 식 그대로인지, 평균과 분산을 직접 구해 확인해 봅시다. 분산은 $D$로 나눕니다(`unbiased=False`).

# %% [md en]
# Is `emb.LayerNorm` the formula above? Compute the mean and the variance yourself and check. The variance divides by $D$ (`unbiased=False`).

# %%
with torch.no_grad():
    z = emb.word_embeddings(ids) + emb.position_embeddings(positions) + emb.token_type_embeddings(types)  # (B, T, D)
    mu = z.mean(dim=-1, keepdim=True)  # [ko] (B, T, 1): 토큰마다 평균 [en] (B, T, 1): one mean per token
    var = z.var(dim=-1, keepdim=True, unbiased=False)  # (B, T, 1)
    by_hand = emb.LayerNorm.weight * (z - mu) / torch.sqrt(var + emb.LayerNorm.eps) + emb.LayerNorm.bias
print("eps:", emb.LayerNorm.eps, "| before LN, token 0: mean", round(float(mu[0, 0]), 4), "std", round(float(var[0, 0].sqrt()), 4))
assert torch.allclose(by_hand, x, atol=1e-5)

# %% [md ko]
# ## 2. 블록 하나
#
# 블록 하나는 두 부분입니다.
#
# 1. **어텐션**: 각 토큰이 다른 토큰들을 보고 정보를 모읍니다(05장에서 자세히 엽니다). 마스크 덕분에 `[PAD]`는 보지 않습니다.
#    결과를 한 번 더 선형 변환(`dense`)한 뒤 **입력에 더하고**(잔차 연결) LayerNorm을 합니다.
# 2. **피드포워드 신경망**: 토큰마다 따로, 384 → 1536으로 넓혔다가 GELU를 거쳐 다시 384로 줄입니다. 이번에도 입력에 더하고 LayerNorm을 합니다.
#
# 잔차 연결 덕분에 블록은 벡터를 통째로 바꾸지 않고 "바꿀 만큼만 더합니다". 블록의 입력을 $x$(모양 (B, T, D))라고 하면
#
# $$h = \mathrm{LN}_1\big(x + \mathrm{Attn}(x)\,W_O + b_O\big), \qquad y = \mathrm{LN}_2\big(h + \mathrm{GELU}(h W_1 + b_1)\, W_2 + b_2\big)$$
#
# 입니다. $W_O$는 D × D(`attention.output.dense`), $W_1$은 D × F = 384 × 1536(`intermediate.dense`), $W_2$는 F × D(`output.dense`)입니다. 괄호 안의 `x +`와 `h +`가 잔차 연결입니다.
# GELU는 0 근처에서 부드럽게 꺾이는 활성화 함수입니다. $\Phi$를 표준정규분포의 누적분포함수라고 하면
#
# $$\mathrm{GELU}(u) = u\,\Phi(u) = \frac{u}{2}\left(1 + \mathrm{erf}\frac{u}{\sqrt{2}}\right)$$
#
# 로, 큰 양수는 거의 그대로, 큰 음수는 거의 0으로 보냅니다(ReLU를 매끄럽게 한 모양). 층 0을 직접 계산해 봅시다.

# %% [md en]
# ## 2. One block
#
# A block has two parts:
#
# 1. **Attention**: each token looks at the other tokens and gathers information (chapter 05 opens this up). Thanks to the mask, nobody looks at `[PAD]`.
#    The result goes through one more linear map (`dense`), is **added to the block's input** (the residual connection), then LayerNorm.
# 2. **Feed-forward**: for each token on its own, widen 384 → 1536, apply GELU, narrow back to 384. Again added to its input, then LayerNorm.
#
# Thanks to the residual connections a block does not replace a vector, it "adds a change". With the block's input $x$ (shape (B, T, D)):
#
# $$h = \mathrm{LN}_1\big(x + \mathrm{Attn}(x)\,W_O + b_O\big), \qquad y = \mathrm{LN}_2\big(h + \mathrm{GELU}(h W_1 + b_1)\, W_2 + b_2\big)$$
#
# $W_O$ is D × D (`attention.output.dense`), $W_1$ is D × F = 384 × 1536 (`intermediate.dense`), $W_2$ is F × D (`output.dense`). The `x +` and `h +` inside the brackets are the residual connections.
# GELU is an activation that bends smoothly near 0. With $\Phi$ the cumulative distribution function of the standard normal distribution:
#
# $$\mathrm{GELU}(u) = u\,\Phi(u) = \frac{u}{2}\left(1 + \mathrm{erf}\frac{u}{\sqrt{2}}\right)$$
#
# It lets large positive numbers through almost unchanged and sends large negative ones almost to 0 (a smoothed ReLU). Let's compute layer 0 by hand.

# %%
from lesson_lib import functional as F

layer = model.bert.encoder.layer[0]
# [ko] (B, 1, 1, T): 0, [PAD] 자리는 아주 큰 음수
# [en] (B, 1, 1, T): 0, or very negative at [PAD]
mask = F.extended_attention_mask(batch["attention_mask"], x.dtype)
with torch.no_grad():
    heads, weights = layer.attention.self(x, mask)  # [ko] (B, T, D), (B, H, T, T): 05장 [en] (B, T, D), (B, H, T, T): chapter 05
    # [ko] 잔차 연결 + LayerNorm
    # [en] residual + LayerNorm
    h = layer.attention.output.LayerNorm(x + layer.attention.output.dense(heads))
    wide = F.gelu(layer.intermediate.dense(h))  # [ko] (B, T, 1536): 피드포워드, 폭을 넓혀서 [en] (B, T, 1536): feed-forward, widened
    # [ko] 다시 D로, 잔차 연결 + LayerNorm
    # [en] back to D, residual + LayerNorm
    out = layer.output.LayerNorm(h + layer.output.dense(wide))

for name, tensor in [("attention (all heads)", heads), ("after residual + LN", h),
                     ("feed-forward middle", wide), ("block output", out)]:
    print(f"{name:22} {tuple(tensor.shape)}")
assert torch.allclose(out, trace.get("block_output", 0), atol=1e-5)

u = torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0])
print("GELU", u.tolist(), "->", [round(v, 4) for v in F.gelu(u).tolist()])
assert torch.allclose(F.gelu(u), 0.5 * u * (1 + torch.erf(u / 2**0.5)))  # [ko] 위의 식 그대로 [en] the formula above

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
# 각 토큰의 벡터가 블록 하나를 지날 때 얼마나 바뀌는지 봅시다. 칸의 값은 "이전 층 벡터와의 코사인 유사도" $\cos(u, v) = \frac{u \cdot v}{\lVert u \rVert\, \lVert v \rVert}$입니다. 1이면 방향이 그대로, 작을수록 많이 바뀐 것입니다.
#
# ### 연습 1 (예측)
#
# 그림을 그리기 **전에** 예측해 보세요. 블록 0~5 가운데 첫 문장의 벡터를 (토큰 평균으로) 가장 많이 바꾸는 블록은 몇 번일까요? 번호 하나를 `answer`에 쓰세요.

# %% [md en]
# ## 3. How much do the vectors change from layer to layer?
#
# Let's see how much each token's vector changes when it passes one block. Each cell is the cosine similarity with the same token's vector one layer earlier, $\cos(u, v) = \frac{u \cdot v}{\lVert u \rVert\, \lVert v \rVert}$: 1 means the direction did not change, smaller means a bigger change.
#
# ### Exercise 1 (predict)
#
# Predict **before** drawing the picture: which of the blocks 0 to 5 changes the first sentence's vectors the most (averaged over its tokens)? Write one number in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] 0, 1, 2, 3, 4, 5 중 하나 [en] one of 0, 1, 2, 3, 4, 5

# %% tags=["solution"]
answer = 5

# %% tags=["check"]
with torch.no_grad():
    states = model(**batch, output_hidden_states=True).hidden_states  # [ko] 임베딩 + 블록 6개 [en] embeddings + 6 blocks
mean_cos = [float(torch.cosine_similarity(states[i][0], states[i - 1][0], dim=-1).mean()) for i in range(1, 7)]
most = min(range(6), key=lambda i: mean_cos[i])
ok = answer == most
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 블록 번호(0~5)를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a block number (0 to 5) in answer and run again."}[LANG])
elif ok:
    print({"ko": "맞혔습니다!", "en": "Right!"}[LANG], "mean cosine per block:", [round(c, 2) for c in mean_cos])
else:
    print({"ko": f"모델에서는 블록 {most}입니다. 평균 코사인 유사도: {[round(c, 2) for c in mean_cos]}. 아래 그림과 그 설명을 보세요.",
           "en": f"In this model it is block {most}. Mean cosine similarity: {[round(c, 2) for c in mean_cos]}. See the picture below and the text after it."}[LANG])

# %%
import matplotlib.pyplot as plt

from lesson_lib.fonts import displayable, placeholder_key

with torch.no_grad():
    # [ko] (B, T, D) 텐서 7개: 임베딩 + 블록 6개
    # [en] 7 tensors (B, T, D): embeddings + 6 blocks
    hidden = model(**batch, output_hidden_states=True).hidden_states
similarity = torch.stack([torch.cosine_similarity(hidden[i][0], hidden[i - 1][0], dim=-1)
                          for i in range(1, len(hidden))])  # [ko] (6, T), 첫 문장 [en] (6, T), first sentence
print(similarity.shape)

update = torch.stack([(hidden[i][0] - hidden[i - 1][0]).norm(dim=-1)
                      for i in range(1, len(hidden))])  # [ko] (6, T): 블록이 더한 변화의 길이 [en] (6, T): length of the change each block adds

words = {"ko": ("토큰", "블록", "이전 층과의 코사인 유사도 (1 = 방향 그대로)", "블록이 더한 변화의 길이 ‖h_l − h_(l−1)‖",
                "첫 문장 \"We are very happy to show you the 🤗 Transformers library.\"의 토큰마다"),
         "en": ("token", "block", "cosine similarity with the previous layer (1 = same direction)",
                "length of the change the block adds, ‖h_l − h_(l−1)‖",
                "each token of the first sentence, \"We are very happy to show you the 🤗 Transformers library.\"")}[LANG]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
for ax, values, title, cmap in [(top, similarity, words[2], "viridis"), (bottom, update, words[3], "magma_r")]:
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_yticks(range(6), [str(i) for i in range(6)])
    ax.set_ylabel(words[1])
    ax.set_title(title, fontsize=11)
    fig.colorbar(image, ax=ax)
bottom.set_xticks(range(len(batch.tokens(0))), batch.tokens(0), rotation=60)
bottom.set_xlabel(words[0])
fig.suptitle(f"{displayable(words[4])}   ({placeholder_key(words[4])})", fontsize=10)  # [ko] 🤗는 글꼴에 없어 □로 그리고 무엇인지 적습니다 [en] no font has 🤗: drawn as □, and named
plt.show()

# %% [md ko]
# 두 그림이 같은 것을 말합니다. 이 모델에서는 마지막 블록(5)이 벡터를 가장 크게 바꿉니다(유사도는 가장 낮고, 더한 변화는 가장 깁니다). 여기서 조심할 점이 있습니다. 블록 4와 5는 이 키트가 감성 분류를 위해 **직접 다시 학습한** 층입니다(`lesson_lib/weights/minilm-sst2/MODEL_CARD.md`: 층 0-1은 그대로, 층 2-3은 LoRA로 조금, 층 4-5와 풀러와 분류기는 전부 학습). 그래서 이 그림은 "BERT의 마지막 층은 원래 그렇다"기보다 "감성 분류를 배운 층이 벡터를 가장 많이 바꾼다"에 가깝습니다. 원래의 all-MiniLM-L6-v2에서는 다를 수 있습니다.
#
# 아래 위젯으로 기록된 단계를 하나씩 넘겨 보세요. 위쪽 그림은 한 문장에서 지금 단계의 토큰 벡터들이 서로 얼마나 닮았는지 보여 줍니다. 칸 (i, j)는 토큰 i의 벡터와 토큰 j의 벡터의 코사인 유사도입니다(위와 같은 코사인을, 이번에는 같은 단계의 두 토큰 사이에서 잽니다). 색의 눈금은 −1(파랑)부터 1(빨강)까지 고정이라 단계끼리 비교할 수 있고, 대각선(토큰 자신과의 비교)은 언제나 1입니다. 제목 끝의 숫자는 서로 다른 두 토큰의 유사도를 모든 쌍에 대해 평균한 값입니다. 아래쪽 그림은 층마다 각 토큰 벡터가 바뀐 양 $\lVert h_l - h_{l-1} \rVert$입니다(단추로 벡터의 길이, 마지막 층과의 유사도로 바꿀 수 있습니다).
# 위쪽 그림에서 볼 것: 임베딩 바로 뒤에는 대각선 말고는 거의 하얗습니다. 서로 다른 토큰의 벡터는 거의 상관없는 방향을 가리킵니다(평균이 0에 가깝습니다). 블록을 하나씩 지날 때마다 각 토큰이 어텐션으로 문맥을 받아들여 벡터들이 점점 닮아 가고, 마지막 블록에서 가장 많이 가까워집니다. `[CLS]`는 마지막 블록 전까지 따로 떨어져 있습니다(옅은 줄). 어텐션 가중치 단계는 쿼리 × 키 그림(05장), 마지막 블록 뒤의 단계(문장마다 벡터 하나)는 문장마다 한 줄인 그림입니다. 단계가 바뀌어도 모양은 (B, T, D) 그대로이고, 이 단계들에서만 모양이 바뀝니다.

# %% [md en]
# Both pictures say the same: in this model the last block (5) changes the vectors the most (the lowest similarity, the longest change). One caution: blocks 4 and 5 are the layers this kit **retrained itself** for sentiment (`lesson_lib/weights/minilm-sst2/MODEL_CARD.md`: layers 0-1 as they were, layers 2-3 adapted a little with LoRA, layers 4-5, the pooler and the classifier trained in full). So the picture says "the layers that learned sentiment change the vectors most" more than "BERT's last layer always does"; the original all-MiniLM-L6-v2 may differ.
#
# Step through the recorded steps with the widget below. The top picture shows, for one sentence, how alike the current step's token vectors are: cell (i, j) is the cosine similarity of token i's vector and token j's vector (the cosine from above, now between two tokens of the same step). The colour scale is fixed from −1 (blue) to 1 (red), so steps compare, and the diagonal (each token with itself) is always 1. The number at the end of the title is the similarity of two different tokens, averaged over all pairs. The bottom picture is how much each layer changes each token's vector, $\lVert h_l - h_{l-1} \rVert$ (the buttons switch to the vector's length or its similarity to the last layer).
# What to see in the top picture: right after the embeddings it is almost white except for the diagonal: different tokens point in nearly unrelated directions (the mean is close to 0). Block by block each token takes in its context through attention and the vectors grow alike, most of all in the last block. `[CLS]` stands apart (a pale row) until the last block. The attention-weight steps are drawn as query × key (chapter 05), and the steps after the last block (one vector per sentence) as one row per sentence. The shape stays (B, T, D) from step to step and changes only at these steps.

# %%
from lesson_lib.views import LayerView

view = LayerView(trace, batch=batch, metric="update", lang=LANG)  # [ko] 아래 그림: 층마다 바뀐 양에서 시작 [en] bottom picture: the change per layer first
view

# %% [md ko]
# ## 4. 첫 토큰 → 풀러 → 분류기
#
# 문장마다 라벨별 점수만 있으면 되므로 첫 토큰 `[CLS]`의 벡터만 씁니다. 어텐션 덕분에 이 벡터는 문장 전체의 정보를 모았습니다.
# BERT는 이것을 **풀러**(dense + tanh)에 한 번 통과시킨 뒤 **분류기**(384 → 라벨 2개)에 넣습니다. 그 출력이 로짓입니다. 마지막 블록의 출력을 $y$라고 하면, 문장 $b$의 로짓은
#
# $$\text{logits}_b = \tanh\big(y_{b,0}\, W_p + b_p\big)\, W_c + b_c \in \mathbb{R}^{C}, \qquad W_p: D \times D, \quad W_c: D \times C$$
#
# 입니다($y_{b,0}$: 0번 토큰 `[CLS]`의 벡터). 헤드의 파라미터는 풀러 $384 \cdot 384 + 384$개와 분류기 $384 \cdot 2 + 2$개입니다.

# %% [md en]
# ## 4. First token → pooler → classifier
#
# One score per label per sentence is enough, so only the first token's (`[CLS]`) vector is used. Through attention it has gathered information from the whole sentence.
# BERT passes it through the **pooler** (dense + tanh), then into the **classifier** (384 → 2 labels). Its output is the logits. With $y$ the last block's output, sentence $b$'s logits are
#
# $$\text{logits}_b = \tanh\big(y_{b,0}\, W_p + b_p\big)\, W_c + b_c \in \mathbb{R}^{C}, \qquad W_p: D \times D, \quad W_c: D \times C$$
#
# ($y_{b,0}$: the vector of token 0, `[CLS]`). The head holds $384 \cdot 384 + 384$ parameters in the pooler and $384 \cdot 2 + 2$ in the classifier.

# %%
with torch.no_grad():
    first = h[:, 0]  # [ko] (B, D): 문장마다 [CLS] 벡터 [en] (B, D): the [CLS] vector of each sentence
    pooled = torch.tanh(model.bert.pooler.dense(first))  # (B, D)
    logits = model.classifier(pooled)  # (B, 2)
    expected = model(**batch).logits
print(tuple(first.shape), tuple(pooled.shape), tuple(logits.shape))
print(logits)
assert torch.allclose(logits, expected, atol=1e-4)  # [ko] 손 계산 == model(**batch) [en] by hand == model(**batch)

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
import transformers  # [ko] 진짜 라이브러리는 이 셀에서만: lesson_lib 자체는 이것을 불러오지 않습니다 [en] the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 안내 문구와 불러오기 보고가 남지 않게 [en] no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 진행 막대는 시간을 저장하므로 끕니다 [en] its loading bar would store times
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
folder = Path(scratch.name) / "model"
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
# ## 연습 2 (계산)
#
# 세 문장 `["I liked it.", "Not my cup of tea.", "Wonderful acting, weak plot."]`을 `padding=True`로 배치로 만들었을 때, 블록 안 피드포워드 신경망의 넓은 중간(`wide`)의 모양은 무엇일까요? 튜플로 `answer`에 쓰세요.
# 힌트: B는 문장 수, T는 가장 긴 문장의 토큰 수(`tok(...)`로 세어 보세요), 그리고 넓힌 폭은 `model.config.intermediate_size`입니다.

# %% [md en]
# ## Exercise 2 (compute)
#
# For the batch `["I liked it.", "Not my cup of tea.", "Wonderful acting, weak plot."]` with `padding=True`, what is the shape of the feed-forward's wide middle (`wide`) inside a block? Write it in `answer` as a tuple.
# Hint: B is the number of sentences, T the token count of the longest one (count with `tok(...)`), and the wide size is `model.config.intermediate_size`.

# %% tags=["exercise"]
answer = None  # [ko] 예: (1, 2, 3) [en] e.g. (1, 2, 3)

# %% tags=["solution"]
answer = (3, 8, 1536)  # [ko] (B, T, 4 × 384) [en] (B, T, 4 × 384)

# %% tags=["check"]
batch3 = tok(["I liked it.", "Not my cup of tea.", "Wonderful acting, weak plot."], padding=True, return_tensors="pt")
trace3 = model.trace(**batch3)
with torch.no_grad():
    expected = tuple(model.bert.encoder.layer[0].intermediate(trace3.get("after_attention_norm", 0)).shape)
ok = isinstance(answer, (tuple, list)) and tuple(answer) == expected
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 튜플을 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a tuple in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG])
else:
    print({"ko": "아직 아닙니다. (B, T, 넓힌 폭) 순서인지, T를 [CLS]와 [SEP]까지 세었는지 확인하세요.",
           "en": "Not yet. Check the order (B, T, wide size) and that T counts [CLS] and [SEP]."}[LANG])

# %% [md ko]
# ## 연습 3 (바꿔 보기)
#
# 잔차 연결이 얼마나 중요할까요? 2절의 "블록 하나" 셀을 아래 답 셀에 복사하고, 첫 번째 잔차 연결을 빼 보세요. `h = layer.attention.output.LayerNorm(x + ...)`에서 `x +`를 지우고 나머지는 그대로 둡니다.
# 그렇게 얻은 블록 출력과 원래 블록 출력(`trace.get("block_output", 0)`)을 첫 문장의 토큰마다 코사인 유사도로 비교하고, 그 **평균**을 소수점 둘째 자리까지 `answer`에 쓰세요.
# 힌트: `torch.cosine_similarity(a[0], b[0], dim=-1).mean()`

# %% [md en]
# ## Exercise 3 (modify)
#
# How much does a residual connection matter? Copy the "one block" cell of section 2 into the answer cell below and leave out the first residual: delete the `x +` in `h = layer.attention.output.LayerNorm(x + ...)`, and keep the rest as it is.
# Compare the block output you get with the real one (`trace.get("block_output", 0)`) token by token on the first sentence, by cosine similarity, and write the **mean** in `answer` to 2 decimals.
# Hint: `torch.cosine_similarity(a[0], b[0], dim=-1).mean()`

# %% tags=["exercise"]
# [ko] 여기에 블록 셀을 복사해 고친 다음, 평균 코사인 유사도를 answer에 넣으세요
# [en] copy the block cell here, change it, then put the mean cosine similarity in answer
answer = None  # [ko] 숫자, 예: 0.12 [en] a number, e.g. 0.12

# %% tags=["solution"]
with torch.no_grad():
    heads_, _ = layer.attention.self(x, mask)
    h_ = layer.attention.output.LayerNorm(layer.attention.output.dense(heads_))  # [ko] x + 없이 [en] without x +
    out_ = layer.output.LayerNorm(h_ + layer.output.dense(F.gelu(layer.intermediate.dense(h_))))
answer = round(float(torch.cosine_similarity(out_[0], trace.get("block_output", 0)[0], dim=-1).mean()), 2)  # 0.43

# %% tags=["check"]
with torch.no_grad():
    no_residual = layer.attention.output.LayerNorm(layer.attention.output.dense(layer.attention.self(x, mask)[0]))
    changed = layer.output.LayerNorm(no_residual + layer.output.dense(F.gelu(layer.intermediate.dense(no_residual))))
expected = float(torch.cosine_similarity(changed[0], trace.get("block_output", 0)[0], dim=-1).mean())
ok = isinstance(answer, (int, float)) and abs(answer - expected) < 0.02
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 평균 {expected:.2f}: 잔차 연결 하나를 빼면 토큰 벡터의 방향이 크게 달라집니다. 블록은 입력에 '바꿀 만큼만 더하도록' 학습되었기 때문입니다.",
           "en": f"Correct! A mean of {expected:.2f}: without one residual the token vectors point elsewhere, because the block learned to add a change to its input."}[LANG])
elif isinstance(answer, (int, float)) and answer > 0.99:
    print({"ko": "거의 1이면 아직 잔차 연결이 남아 있는 것 같습니다. 첫 LayerNorm 안의 x + 를 지웠는지 확인하세요.",
           "en": "Almost 1: the residual seems to be still there. Check that the x + inside the first LayerNorm is gone."}[LANG])
else:
    print({"ko": "아직 아닙니다. 두 번째 잔차 연결(h +)은 그대로 두고, 첫 문장(인덱스 0)의 토큰 14개에 대해 평균을 냈는지 확인하세요.",
           "en": "Not yet. Keep the second residual (h +) and average over the 14 tokens of the first sentence (index 0)."}[LANG])

# %% [md ko]
# ## 정리
#
# - 임베딩: $x = \mathrm{LN}(W_\text{word}[\text{id}] + W_\text{pos}[t] + W_\text{type}[\text{type}])$, 모양 (B, T, D).
# - 블록 하나: $h = \mathrm{LN}(x + \mathrm{Attn}(x) W_O + b_O)$, $y = \mathrm{LN}(h + \mathrm{GELU}(hW_1 + b_1) W_2 + b_2)$. 잔차 연결 덕분에 블록은 벡터에 "바꿀 만큼만 더합니다". 모양은 (B, T, D) 그대로이고, 피드포워드의 가운데만 (B, T, F)로 넓어집니다.
# - 층 정규화는 토큰마다 특성 D개를 평균 0, 분산 1로 맞춘 뒤 $\gamma$, $\beta$를 적용합니다. GELU는 $u\,\Phi(u)$입니다.
# - 헤드: 첫 토큰 `[CLS]`의 벡터 → 풀러($\tanh$) → 분류기 → 로짓 (B, C). `model(**batch)`의 `**`는 딕셔너리를 키워드 인자로 풉니다.
# - 이 모델에서 벡터를 가장 많이 바꾸는 블록 4-5는 키트가 감성 분류를 위해 다시 학습한 층입니다.
#
# 다음 장(04)에서는 로짓을 확률과 손실로 바꿉니다.

# %% [md en]
# ## Summary
#
# - Embeddings: $x = \mathrm{LN}(W_\text{word}[\text{id}] + W_\text{pos}[t] + W_\text{type}[\text{type}])$, shape (B, T, D).
# - One block: $h = \mathrm{LN}(x + \mathrm{Attn}(x) W_O + b_O)$, $y = \mathrm{LN}(h + \mathrm{GELU}(hW_1 + b_1) W_2 + b_2)$. Thanks to the residual connections a block "adds a change" to the vectors. The shape stays (B, T, D); only the middle of the feed-forward widens to (B, T, F).
# - LayerNorm brings each token's D features to mean 0 and variance 1, then applies $\gamma$ and $\beta$. GELU is $u\,\Phi(u)$.
# - The head: the first token's (`[CLS]`) vector → pooler ($\tanh$) → classifier → logits (B, C). The `**` of `model(**batch)` unpacks a dictionary into keyword arguments.
# - The blocks that change the vectors most in this model, 4 and 5, are the layers the kit retrained for sentiment.
#
# The next chapter (04) turns the logits into probabilities and a loss.
