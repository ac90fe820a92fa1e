# %% [md ko]
# # 05 어텐션: 토큰이 다른 토큰을 보는 방법
#
# 모든 층, 모든 헤드의 어텐션 가중치를 꺼내 히트맵으로 보고, 패딩 자리는 정확히 0을 받으며 각 줄의 합이 1이라는 것을 직접 확인합니다.
#
# 03장에서 블록 안의 어텐션을 한 줄(`layer.attention.self(x, mask)`)로 지나갔습니다. 이번에는 그 안을 엽니다.
# 퀵투어의 마지막 부분처럼 `output_attentions=True`를 주면 모델이 층마다 어텐션 가중치를 돌려줍니다.

# %% [md en]
# # 05 Attention: how tokens look at each other
#
# Pull out the attention weights of every layer and every head, look at them as heatmaps, and check for yourself that padded positions get exactly 0 and that every row sums to 1.
#
# Chapter 03 went through attention inside a block in one line (`layer.attention.self(x, mask)`). This chapter opens it up.
# As at the end of the quick tour, `output_attentions=True` makes the model return every layer's attention weights.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - 스케일드 닷프로덕트 어텐션 $\mathrm{softmax}(QK^\top/\sqrt{d} + M)\,V$를 한 단계씩 손으로 계산하고 모델의 값과 맞춰 봅니다.
# - 폭 D를 헤드 H개로 나누고(split) 다시 합치는(merge) 텐서 모양 바꾸기를 읽습니다.
# - 더하는 마스크 $M$이 패딩 자리에 왜 **정확히** 0을 주는지 설명합니다.
# - 어텐션 히트맵을 읽고, 헤드의 패턴에서 말할 수 있는 것과 없는 것을 구별합니다.
#
# **전제**: 03장(블록의 구조), 04장(소프트맥스). 행렬 곱과 벡터의 내적(dot product)을 알면 좋습니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-5분 | 어텐션 텐서의 모양 (B, H, T, T) |
# | 5-20분 | 어텐션을 손으로: 점수, 마스크, 소프트맥스, 값 섞기, 헤드 합치기. 연습 1(예측) |
# | 20-30분 | 패딩은 0, 줄의 합은 1. 연습 2(계산) |
# | 30-45분 | 히트맵과 위젯, 연습 3(찾아보기), 헤드들은 무엇을 할까? |
# | 45-50분 | 정리 |
#
# 짧은 수업에서는 "문장 2를 혼자 넣었을 때" 셀, 헤드 12개 격자, "🤗 Transformers에서는" 절을 건너뛰어도 됩니다.

# %% [md en]
# ## Goals of this chapter
#
# **After this chapter you can**
#
# - compute scaled dot-product attention, $\mathrm{softmax}(QK^\top/\sqrt{d} + M)\,V$, step by step by hand and match the model's numbers;
# - read the reshapes that split the width D into H heads and merge them back;
# - explain why the additive mask $M$ gives padding **exactly** 0;
# - read an attention heatmap, and tell what a head's pattern does and does not show.
#
# **It assumes** chapter 03 (what a block is made of) and chapter 04 (softmax); matrix products and the dot product of two vectors help.
#
# **A 50-minute plan**
#
# | time | what |
# |---|---|
# | 0-5 min | the shape of the attention tensors, (B, H, T, T) |
# | 5-20 min | attention by hand: scores, mask, softmax, mixing the values, merging the heads; exercise 1 (predict) |
# | 20-30 min | padding gets 0, rows sum to 1; exercise 2 (compute) |
# | 30-45 min | heatmaps and the widget, exercise 3 (find a head), what the heads do |
# | 45-50 min | summary |
#
# In a short lesson, skip the "sentence 2 alone" cell, the grid of 12 heads and the section "In 🤗 Transformers".

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
# [ko] 토큰 14개와 11개: 둘째 문장에 [PAD] 3개가 붙습니다
# [en] 14 and 11 tokens: the second gets 3 [PAD]s
batch = tok(texts, padding=True, return_tensors="pt")

with torch.no_grad():
    out = model(**batch, output_hidden_states=True, output_attentions=True)
print("hidden_states:", len(out.hidden_states), "tensors of", tuple(out.hidden_states[0].shape))
print("attentions:   ", len(out.attentions), "tensors of", tuple(out.attentions[0].shape), " (B, H, T, T)")

# %% [md ko]
# 층이 6개라서 어텐션 텐서도 6개입니다(은닉 상태는 임베딩까지 7개). 텐서 하나의 모양은 (B, H, T, T) = (문장 2, 헤드 12, 토큰 14, 토큰 14)입니다.
# 문장 하나, 헤드 하나를 고르면 14 × 14 표가 남습니다. **행 i**는 토큰 i가 "보는" 쪽(쿼리), **열 j**는 보이는 쪽(키)이고, 값은 토큰 i가 토큰 j에게서 정보를 얼마나 가져오는지입니다.
#
# ## 어텐션을 손으로
#
# 헤드 하나가 하는 일은 네 단계입니다.
#
# 1. 각 토큰 벡터에서 쿼리 q, 키 k, 값 v를 만듭니다(선형 변환 세 개). 폭 384를 헤드 12개가 32씩 나눠 씁니다.
# 2. 점수 = q · k / √32. 쿼리와 키가 비슷한 방향일수록 점수가 큽니다.
# 3. 마스크를 더하고(패딩 자리에 아주 큰 음수), 행마다 소프트맥스를 합니다. 이것이 어텐션 가중치입니다.
# 4. 가중치로 v를 섞습니다. 토큰마다 "다른 토큰들의 v를 가중 평균한 것"이 나옵니다.
#
# 식으로 쓰면 이렇습니다. 층의 입력을 $X$(모양 (B, T, D))라고 하고, 헤드 $h$의 폭을 $d = D/H = 32$라고 하면
#
# $$Q = XW_Q + b_Q,\quad K = XW_K + b_K,\quad V = XW_V + b_V \qquad \text{(B, T, D)}$$
#
# $$\text{split: } (B, T, D) \to (B, T, H, d) \to (B, H, T, d)$$
#
# $$A_h = \mathrm{softmax}\!\left(\frac{Q_h K_h^\top}{\sqrt{d}} + M\right) \quad (B, H, T, T), \qquad M_{j} = \begin{cases} 0 & \text{토큰 } j\text{가 진짜 토큰} \\ -3.4 \times 10^{38} & \text{토큰 } j\text{가 [PAD]} \end{cases}$$
#
# $$O_h = A_h V_h \quad (B, H, T, d), \qquad \text{merge: } (B, H, T, d) \to (B, T, H, d) \to (B, T, D)$$
#
# 소프트맥스는 마지막 축(키 $j$)을 따라 계산하므로 $A_h$의 줄마다 합이 1입니다. $\sqrt{d}$로 나누는 까닭: $d$개 곱의 합인 $q \cdot k$는 $d$가 클수록 값이 커지는데, 그대로 두면 소프트맥스가 거의 한 칸에만 1을 주게 됩니다.
# 코드에서 `F.split_heads`가 split, `q @ k.transpose(-2, -1)`이 $Q_h K_h^\top$, `+ mask`가 $M$입니다. 마스크의 모양 (B, 1, 1, T)는 헤드와 쿼리 축으로 **브로드캐스트**되어(같은 값이 복사된 것처럼) 모든 헤드, 모든 줄에 같은 열이 더해집니다.
#
# 층 0의 입력(임베딩, `hidden_states[0]`)에서 시작해 직접 계산하고 모델의 값과 비교해 봅시다.

# %% [md en]
# Six layers, so six attention tensors (the hidden states are seven, counting the embeddings). Each has the shape (B, H, T, T) = (2 sentences, 12 heads, 14 tokens, 14 tokens).
# Pick one sentence and one head and a 14 × 14 table is left. **Row i** is token i, the one that "looks" (the query); **column j** is the one looked at (the key); the value says how much token i takes from token j.
#
# ## Attention by hand
#
# One head does four things:
#
# 1. Make a query q, a key k and a value v from each token vector (three linear maps). The 384 features are shared out among the 12 heads, 32 each.
# 2. Score = q · k / √32. The more a query and a key point the same way, the larger the score.
# 3. Add the mask (a huge negative number at padding) and take a softmax along each row. These are the attention weights.
# 4. Mix the v's with those weights: each token gets a weighted average of the other tokens' values.
#
# As formulas: with the layer's input $X$ (shape (B, T, D)) and the width of one head $d = D/H = 32$,
#
# $$Q = XW_Q + b_Q,\quad K = XW_K + b_K,\quad V = XW_V + b_V \qquad \text{(B, T, D)}$$
#
# $$\text{split: } (B, T, D) \to (B, T, H, d) \to (B, H, T, d)$$
#
# $$A_h = \mathrm{softmax}\!\left(\frac{Q_h K_h^\top}{\sqrt{d}} + M\right) \quad (B, H, T, T), \qquad M_{j} = \begin{cases} 0 & \text{if token } j \text{ is real} \\ -3.4 \times 10^{38} & \text{if token } j \text{ is [PAD]} \end{cases}$$
#
# $$O_h = A_h V_h \quad (B, H, T, d), \qquad \text{merge: } (B, H, T, d) \to (B, T, H, d) \to (B, T, D)$$
#
# The softmax runs along the last axis (the keys $j$), so every row of $A_h$ sums to 1. Why divide by $\sqrt{d}$: $q \cdot k$ is a sum of $d$ products and grows with $d$; left as it is, softmax would put almost all the weight on a single cell.
# In the code, `F.split_heads` is the split, `q @ k.transpose(-2, -1)` is $Q_h K_h^\top$, `+ mask` is $M$. The mask's shape (B, 1, 1, T) is **broadcast** over the heads and the queries (as if copied), so the same columns are added in every head and every row.
#
# Let's compute it by hand from layer 0's input (the embeddings, `hidden_states[0]`) and compare with the model.

# %%
import math

from lesson_lib import functional as F

attn = model.bert.encoder.layer[0].attention.self  # [ko] 층 0의 쿼리, 키, 값 변환 [en] the query, key and value maps of layer 0
x = out.hidden_states[0]  # [ko] (B, T, D): 층 0의 입력 [en] (B, T, D): the input of layer 0
H = model.config.num_attention_heads
d = model.config.hidden_size // H  # [ko] 384 / 12 = 헤드마다 특성 32개 [en] 384 / 12 = 32 features per head
# [ko] (B, 1, 1, T): 0, [PAD] 자리는 아주 큰 음수
# [en] (B, 1, 1, T): 0, or very negative at [PAD]
mask = F.extended_attention_mask(batch["attention_mask"], x.dtype)

with torch.no_grad():
    q = F.split_heads(attn.query(x), H)  # (B, H, T, d)
    k = F.split_heads(attn.key(x), H)  # (B, H, T, d)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (B, H, T, T)
    weights = torch.softmax(scores + mask, dim=-1)  # [ko] (B, H, T, T): 줄마다 합이 1 [en] (B, H, T, T): each row sums to 1
print("d =", d, "  weights:", tuple(weights.shape))
assert torch.allclose(weights, out.attentions[0], atol=1e-6)  # [ko] 손 계산 == 모델의 층 0 [en] by hand == the model's layer 0

# %% [md ko]
# 4단계와 헤드 합치기(merge)까지 마저 계산해 봅시다. 헤드 12개의 출력 (B, H, T, d)를 다시 (B, T, D)로 이어 붙인 것이 03장의 `heads`, 즉 `layer.attention.self(x, mask)`의 첫 번째 출력입니다. 그다음에 03장에서 본 `dense`($W_O$)와 잔차 연결, LayerNorm이 옵니다.

# %% [md en]
# Let's finish step 4 and the merge. The 12 heads' outputs (B, H, T, d) joined back into (B, T, D) are chapter 03's `heads`, the first output of `layer.attention.self(x, mask)`. After that come chapter 03's `dense` ($W_O$), the residual and LayerNorm.

# %%
with torch.no_grad():
    v = F.split_heads(attn.value(x), H)  # (B, H, T, d)
    mixed = weights @ v  # [ko] (B, H, T, d): 값의 가중 평균 [en] (B, H, T, d): weighted averages of the values
    merged = F.merge_heads(mixed)  # (B, T, D)
    heads_by_model, _ = attn(x, mask)  # (B, T, D)
print("split:", tuple(v.shape), "-> mixed:", tuple(mixed.shape), "-> merged:", tuple(merged.shape))
assert torch.allclose(merged, heads_by_model, atol=1e-5)
# [ko] merge는 헤드 h의 특성을 h*d부터 (h+1)*d까지 자리에 놓습니다
# [en] merge puts head h's features at places h*d to (h+1)*d
assert torch.equal(merged[..., 2 * d:3 * d], mixed[:, 2])

# %% [md ko]
# ### 연습 1 (예측)
#
# 어떤 헤드는 아주 단순한 규칙을 따릅니다. 층 0에는 "바로 앞 토큰"에 가중치를 가장 많이 주는 헤드가 있습니다(뒤의 히트맵이 그 헤드를 그립니다). 그 헤드에서 각 토큰이 바로 앞 토큰에 주는 가중치는 평균 얼마쯤일까요? 그림을 보기 **전에** 예측해 보세요.
# (a) 약 0.07(토큰 14개에 고르게 나눌 때와 같음), (b) 약 0.3, (c) 거의 1(가중치를 거의 모두 바로 앞 토큰에). 글자 하나를 `answer`에 쓰세요.

# %% [md en]
# ### Exercise 1 (predict)
#
# Some heads follow a very simple rule. Layer 0 has a head that gives the most weight to "the token right before" (the heatmap further down draws it). In that head, how much weight does each token give to the token right before it, on average? Predict **before** you see the picture.
# (a) about 0.07 (as if spread evenly over 14 tokens), (b) about 0.3, (c) almost 1 (nearly all of it on the previous token). Write one letter in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] "a", "b" 또는 "c" [en] "a", "b" or "c"

# %% tags=["solution"]
answer = "c"  # [ko] 층 0, 헤드 2: 평균 1.00 [en] layer 0, head 2: 1.00 on average

# %% tags=["check"]
# [ko] 층 0, 첫 문장: 헤드마다 바로 앞 토큰에 주는 평균 가중치 중 가장 큰 것
# [en] layer 0, first sentence: the largest, over the heads, of the mean weight on the previous token
previous_best = float(torch.diagonal(weights[0], offset=-1, dim1=-2, dim2=-1).mean(-1).max())
ok = answer in ("c", "C")
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 \"a\", \"b\", \"c\" 중 하나를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write \"a\", \"b\" or \"c\" in answer and run again."}[LANG])
elif ok:
    print({"ko": "맞혔습니다!", "en": "Right!"}[LANG], round(previous_best, 2))
else:
    print({"ko": f"실제로는 평균 {previous_best:.2f}입니다. 이 헤드는 거의 모든 가중치를 바로 앞 토큰에 줍니다. 점수 하나가 다른 점수보다 훨씬 크면 소프트맥스는 거의 한 칸에만 1을 줍니다.",
           "en": f"It is {previous_best:.2f} on average: this head puts almost all its weight on the previous token. When one score is much larger than the others, softmax gives almost 1 to that one cell."}[LANG])

# %% [md ko]
# ## 패딩은 0을 받고, 행의 합은 1
#
# 둘째 문장 `"We hope you don't hate it."`에는 끝에 `[PAD]`가 세 개 있습니다. 마스크가 그 열의 점수에 float32가 표현할 수 있는 가장 작은 수를 더하므로, 소프트맥스 뒤에는 **정확히** 0이 됩니다.
# 모든 층, 모든 헤드에서 확인해 봅시다.

# %% [md en]
# ## Padding gets 0, every row sums to 1
#
# The second sentence, `"We hope you don't hate it."`, ends with three `[PAD]`s. The mask adds the most negative number a float32 can hold to their scores, so after softmax they get **exactly** 0.
# Let's check it in every layer and every head.

# %%
A = torch.stack(out.attentions)  # (L, B, H, T, T) = (6, 2, 12, 14, 14)
real = int(batch["attention_mask"][1].sum())  # [ko] 문장 1의 실제 토큰 11개 [en] 11 real tokens in sentence 1
print("columns of the 3 [PAD] keys, largest weight anywhere:", float(A[:, 1, :, :, real:].max()))
print("row sums, smallest and largest:", round(float(A.sum(-1).min()), 4), round(float(A.sum(-1).max()), 4))

# [ko] 어떤 토큰도 패딩에서 정보를 가져오지 않습니다: 정확히 0
# [en] nobody takes anything from padding: exactly zero
assert torch.all(A[:, 1, :, :, real:] == 0)
# [ko] 모든 줄이 확률 분포입니다
# [en] every row is a probability distribution
assert torch.allclose(A.sum(dim=-1), torch.ones(A.shape[:-1]), atol=1e-5)

# %% [md ko]
# 그래서 패딩은 결과를 바꾸지 못합니다. 둘째 문장을 혼자 넣었을 때의 가중치가 배치 안에서의 가중치(진짜 토큰 11개끼리)와 같은지도 봅시다.
# (`[PAD]` 자리의 **행**도 계산은 되지만, 그 자리의 출력은 아무도 읽지 않습니다.)

# %% [md en]
# That is why padding cannot change the result. Let's also check that sentence 2 on its own gets the same weights as inside the batch (among its 11 real tokens).
# (The **rows** of the `[PAD]` positions are computed too, but nobody ever reads their output.)

# %%
with torch.no_grad():
    alone = model(**tok(texts[1], return_tensors="pt"), output_attentions=True).attentions
for layer in range(len(alone)):
    assert torch.allclose(alone[layer][0], A[layer, 1, :, :real, :real], atol=1e-5)
print("sentence 2 alone == sentence 2 in the padded batch, in all", len(alone), "layers")

# %% [md ko]
# ### 연습 2 (계산)
#
# 쿼리 하나가 키 세 개에 준 점수가 ($\sqrt{d}$로 이미 나눈 값) `[2.0, 1.0, 0.0]`이고, 세 번째 키는 `[PAD]`입니다. 마스크를 더하고 소프트맥스를 하면 **첫 번째** 키의 가중치는 얼마일까요? 소수점 넷째 자리까지 `answer`에 쓰세요.

# %% [md en]
# ### Exercise 2 (compute)
#
# One query gives three keys the scores `[2.0, 1.0, 0.0]` (already divided by $\sqrt{d}$); the third key is `[PAD]`. After adding the mask and a softmax, what weight does the **first** key get? Write it in `answer` to 4 decimals.

# %% tags=["exercise"]
answer = None  # [ko] 숫자, 예: 0.1234 [en] a number, e.g. 0.1234

# %% tags=["solution"]
answer = 0.7311  # [ko] e^2 / (e^2 + e^1) = 1 / (1 + e^-1) [en] e^2 / (e^2 + e^1) = 1 / (1 + e^-1)

# %% tags=["check"]
row = torch.tensor([2.0, 1.0, 0.0]) + F.extended_attention_mask(torch.tensor([[1, 1, 0]]), torch.float32)[0, 0, 0]
expected = float(torch.softmax(row, dim=-1)[0])
ok = isinstance(answer, (int, float)) and abs(answer - expected) < 1e-3
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], round(expected, 4))
elif isinstance(answer, (int, float)) and abs(answer - 0.6652) < 1e-3:
    print({"ko": "아쉽습니다. 그것은 마스크가 없을 때의 값입니다. [PAD] 키는 e^(아주 큰 음수) = 0이 되어 분모에서 빠집니다.",
           "en": "Close: that is the value without the mask. The [PAD] key becomes e^(huge negative) = 0 and leaves the denominator."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: e^2 / (e^2 + e^1). [PAD] 키는 분모에 들어가지 않습니다.",
           "en": "Not yet. Hint: e^2 / (e^2 + e^1); the [PAD] key is not in the denominator."}[LANG])

# %% [md ko]
# ## 히트맵으로 보기
#
# 숫자 표보다 그림이 읽기 쉽습니다. 진할수록 가중치가 큽니다. 층 0의 헤드 하나를 둘째 문장에 대해 그려 봅시다. 빗금 친 열이 패딩입니다.
# 어떤 헤드를 그릴까요? 층 0에서 "바로 앞 토큰"에 가장 많은 가중치를 주는 헤드를 골랐습니다(바로 아래 셀이 계산합니다).

# %% [md en]
# ## As a heatmap
#
# A picture reads more easily than a table of numbers: the darker, the larger the weight. Let's draw one head of layer 0 for the second sentence; hatched columns are padding.
# Which head? The one in layer 0 that gives the most weight to "the token right before" (the next cell works it out).

# %%
import matplotlib.pyplot as plt

from lesson_lib.views import draw_attention, draw_attention_heads


def previous_token_weight(a):
    """Mean weight each token gives to the token right before it; a: (..., T, T) for one sentence."""
    return torch.diagonal(a, offset=-1, dim1=-2, dim2=-1).mean(-1)


# [ko] 층 0, 문장 1(패딩 없음), 헤드 12개 중에서
# [en] layer 0, sentence 1 (no padding), over the 12 heads
head = int(previous_token_weight(A[0, 0]).argmax())
print(f"layer 0, head {head}: mean weight on the previous token = {float(previous_token_weight(A[0, 0, head])):.2f}")

fig, ax = plt.subplots(figsize=(7, 6))
draw_attention(ax, A[0, 1, head], batch.tokens(1), mask=batch["attention_mask"][1], lang=LANG,
               title={"ko": f"층 0, 헤드 {head} (둘째 문장)", "en": f"layer 0, head {head} (second sentence)"}[LANG])
plt.show()

# %% [md ko]
# 대각선 바로 아래가 진합니다. 토큰마다 자기 바로 앞 토큰을 봅니다. 이번에는 한 층의 헤드 12개를 한꺼번에 봅시다. 헤드마다 패턴이 꽤 다릅니다.

# %% [md en]
# The line just below the diagonal is dark: every token looks at the token before it. Now all 12 heads of one layer at once. Their patterns differ quite a lot.

# %%
fig = plt.figure(figsize=(9, 7.5))
draw_attention_heads(fig, A[3, 0], batch.tokens(0), lang=LANG, layer=3)  # [ko] 층 3, 첫 문장 (층 1은 연습 3에서 직접 봅니다) [en] layer 3, first sentence (layer 1 is exercise 3's)
plt.show()

# %% [md ko]
# ## 직접 살펴보기
#
# 층, 헤드(또는 평균, 또는 헤드 전체), 문장을 골라 보세요. 위 칸에서 문장을 고치면(한 줄에 한 문장) 모델이 다시 계산합니다.
# 둘째 문장을 고르면 패딩 열이 어느 층, 어느 헤드에서나 비어 있는 것을 볼 수 있습니다.

# %% [md en]
# ## Explore
#
# Choose a layer, a head (or the mean, or all heads) and a sentence. Edit the sentences in the box (one per line) and the model runs again.
# With the second sentence you can see the padding columns stay empty in every layer and every head.

# %%
from lesson_lib.views import AttentionView

AttentionView(model=model, tokenizer=tok, texts=texts, layer=2, head="mean", lang=LANG)  # [ko] 층 2, 헤드 평균에서 시작합니다(위 그림과 다른 것) [en] opens on the mean of layer 2 (not the picture above)

# %% [md ko]
# ### 연습 3 (찾아보기)
#
# 위의 위젯에서 층 1을 고르고 헤드를 하나씩 넘겨 보세요. 대각선 바로 **위**(각 토큰이 **다음** 토큰을 보는 곳)가 진한 헤드를 찾아 `(층, 헤드)`를 `answer`에 쓰고 확인하세요. 평균 0.5 이상을 다음 토큰에 주는 헤드면 정답입니다.

# %% [md en]
# ### Exercise 3 (find a head)
#
# In the widget above, choose layer 1 and step through the heads. Find a head where the line just **above** the diagonal is dark (each token looks at the **next** one), write `(layer, head)` in `answer` and check. Any head that gives the next token 0.5 or more on average counts.

# %% tags=["exercise"]
answer = None  # [ko] (층, 헤드), 예: (1, 0) [en] (layer, head), e.g. (1, 0)

# %% tags=["solution"]
answer = (1, 8)

# %% tags=["check"]
next_weight = torch.diagonal(A[:, 0], offset=1, dim1=-2, dim2=-1).mean(-1)  # [ko] (L, H): 첫 문장, 다음 토큰에 주는 평균 가중치 [en] (L, H): first sentence, mean weight on the next token
valid = isinstance(answer, tuple) and len(answer) == 2 and all(isinstance(i, int) for i in answer)
n_layers, n_heads = next_weight.shape
score = float(next_weight[answer]) if valid and 0 <= answer[0] < n_layers and 0 <= answer[1] < n_heads else 0.0
ok = score >= 0.5
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 (층, 헤드)를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write (layer, head) in answer and run again."}[LANG])
elif not valid:
    print({"ko": "answer는 정수 두 개의 튜플 (층, 헤드)입니다. 예: (1, 0)",
           "en": "answer is a tuple of two whole numbers, (layer, head), e.g. (1, 0)."}[LANG])
else:
    layer_, head_ = answer
    if ok:
        print({"ko": f"정답입니다! 층 {layer_}, 헤드 {head_}는 다음 토큰에 평균 {score:.2f}를 줍니다.",
               "en": f"Correct! Layer {layer_}, head {head_} gives the next token {score:.2f} on average."}[LANG])
    else:
        print({"ko": f"층 {layer_}, 헤드 {head_}가 다음 토큰에 주는 가중치는 평균 {score:.2f}뿐입니다. 다른 헤드를 찾아보세요.",
               "en": f"Layer {layer_}, head {head_} gives the next token only {score:.2f} on average. Try another head."}[LANG])

# %% [md ko]
# ## 헤드들은 무엇을 할까?
#
# 헤드마다 무엇을 보는지 숫자로 요약해 봅시다. 첫 문장(패딩 없음)에서 층마다 세 가지 패턴이 가장 강한 헤드를 찾습니다.
#
# - **앞 토큰**: 바로 앞 토큰에 주는 평균 가중치
# - **뒤 토큰**: 바로 뒤 토큰에 주는 평균 가중치
# - **`[CLS]`**: 첫 토큰 `[CLS]`에 주는 평균 가중치
# - **`[SEP]`**: 마지막 토큰 `[SEP]`에 주는 평균 가중치

# %% [md en]
# ## What do the heads do?
#
# Let's sum up in numbers what each head looks at. On the first sentence (no padding), find for every layer the head where each of three patterns is strongest:
#
# - **previous**: mean weight on the token right before
# - **next**: mean weight on the token right after
# - **`[CLS]`**: mean weight on the first token, `[CLS]`
# - **`[SEP]`**: mean weight on the last token, `[SEP]`

# %%
a = A[:, 0]  # [ko] (L, H, T, T): 첫 문장, 모든 층과 헤드 [en] (L, H, T, T): the first sentence, every layer and head
patterns = {
    "previous": previous_token_weight(a),  # (L, H)
    "next": torch.diagonal(a, offset=1, dim1=-2, dim2=-1).mean(-1),  # (L, H)
    "[CLS]": a[..., :, 0].mean(-1),  # (L, H)
    "[SEP]": a[..., :, -1].mean(-1),  # [ko] (L, H): 첫 문장의 마지막 토큰이 [SEP]입니다 [en] (L, H): the first sentence's last token is [SEP]
}
print("layer  " + "".join(f"{name:>16}" for name in patterns))
for layer in range(a.shape[0]):
    cells = [f"head {int(p[layer].argmax()):>2}: {float(p[layer].max()):.2f}" for p in patterns.values()]
    print(f"{layer:>5}  " + "".join(f"{c:>16}" for c in cells))
print("a token's weight if spread evenly over 14 tokens:", round(1 / 14, 2))

# %% [md ko]
# 고르게 나눠 주면 토큰 하나에 0.07이니, 그보다 훨씬 큰 값이 눈에 띄는 헤드입니다. 이 모델에서 보이는 것은 대략 이렇습니다.
#
# - 아래쪽 층에는 "앞 토큰"이나 "뒤 토큰"만 보는 헤드가 있습니다. 단어 순서 정보를 옆으로 옮기는 일을 하는 것처럼 보입니다.
# - 가운데 층의 많은 헤드가 가중치의 절반 이상을 `[CLS]`에 줍니다. BERT 연구에서는 이런 특수 토큰을 "딱히 볼 것이 없을 때 가중치를 내려놓는 곳"(어텐션 싱크, attention sink)으로 해석하기도 합니다.
# - Clark 외(2019, "What Does BERT Look At?")는 BERT-base에서 이렇게 내려놓는 가중치가 대부분 `[SEP]`에 간다는 것을 찾았습니다. 가운데 층(6-10층)에서는 어텐션의 절반 넘게 `[SEP]`로 갑니다. 이 키트의 작은 모델(MiniLM, 더 큰 모델을 흉내 내도록 증류한 모델)은 다릅니다. 표의 `[SEP]` 열이 보여 주듯 `[SEP]`는 거의 받지 않고, `[CLS]`가 그 자리를 차지합니다. 가중치를 어디에 내려놓는지는 모델마다 다릅니다.
#
# 다만 조심하세요. 이것은 문장 하나에서 본 **패턴**일 뿐, 헤드가 "무엇을 위해" 있는지에 대한 증명이 아닙니다. 어텐션 가중치가 크다고 그 토큰이 답에 중요하다는 보장도 없습니다. 그 결론을 내리려면 헤드를 끄거나 바꿔 보는 실험이 더 필요합니다.

# %% [md en]
# Spread evenly, each token would get 0.07, so values far above that stand out. Roughly, this is what this model shows:
#
# - Lower layers have heads that look only at the previous or only at the next token. They seem to pass word-order information sideways.
# - Many heads in the middle layers put more than half their weight on `[CLS]`. Studies of BERT sometimes read such special tokens as "a place to park attention when there is nothing in particular to look at" (an attention sink).
# - Clark et al. (2019, "What Does BERT Look At?") found that in BERT-base most of this parked attention lands on `[SEP]`: in the middle layers (6-10), more than half of all attention goes to `[SEP]`. This kit's small model (MiniLM, distilled to imitate a larger model) differs: as the `[SEP]` column shows, `[SEP]` gets very little here, and `[CLS]` takes its place. Where attention is parked differs from model to model.
#
# Be careful, though: these are **patterns** seen on one sentence, not proof of what a head is "for". A large attention weight does not guarantee that the token matters for the answer either. Claims like that need more experiments, such as switching heads off.

# %% [md ko]
# ## 🤗 Transformers에서는
#
# `output_attentions=True`는 🤗 Transformers에서도 같은 이름이고, 결과도 층마다 `(B, H, T, T)` 텐서 하나씩입니다. 그런데 🤗 Transformers의 기본 어텐션 구현인 SDPA(`scaled_dot_product_attention`, 여러 단계를 한 번에 계산하는 PyTorch 함수)는 가중치를 밖으로 내주지 않아서, 어텐션 가중치가 빈 채로 돌아옵니다.
# 가중치를 보려면 모델을 불러올 때 `attn_implementation="eager"`로 이 장처럼 한 단계씩 계산하게 해야 합니다. 이 키트의 모델은 늘 그렇게 계산하므로 그런 인자가 필요 없습니다. `draw_attention`과 `AttentionView`는 이 키트에만 있습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# `output_attentions=True` has the same name in 🤗 Transformers, and gives the same one `(B, H, T, T)` tensor per layer. But 🤗 Transformers' default attention, SDPA (`scaled_dot_product_attention`, a PyTorch function that does all the steps at once), does not hand the weights out, so the attentions come back empty.
# To see them, load the model with `attn_implementation="eager"`, which computes step by step as this chapter does. This kit's model always computes that way and needs no such argument. `draw_attention` and `AttentionView` are this kit's only.

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

for implementation in ["sdpa", "eager"]:  # [ko] 기본값 먼저 [en] the default first
    hf_model = transformers.AutoModelForSequenceClassification.from_pretrained(
        folder, attn_implementation=implementation).eval()
    with torch.no_grad():
        hf_attentions = hf_model(**batch, output_attentions=True).attentions
    print(f"{implementation:6} {len(hf_attentions)} attention tensors")
    del hf_model  # [ko] 모델은 한 번에 하나씩 [en] one model at a time

same = all(torch.allclose(a, b, atol=1e-5) for a, b in zip(hf_attentions, out.attentions))
print("eager == lesson_lib, all", len(out.attentions), "layers (atol 1e-5):", same)
assert same and len(hf_attentions) == len(out.attentions)

# %% [md ko]
# ## 정리
#
# - 헤드 하나의 어텐션은 $A = \mathrm{softmax}(QK^\top/\sqrt{d} + M)$, 출력은 $AV$입니다. $Q, K, V$는 같은 입력 $X$의 선형 변환 세 개이고, $\sqrt{d}$로 나누어 점수가 헤드 폭과 함께 커지지 않게 합니다.
# - 폭 D = 384는 헤드 H = 12개가 d = 32씩 나눠 씁니다. split은 (B, T, D) → (B, H, T, d), merge는 그 반대입니다. 가중치는 층마다 (B, H, T, T)입니다.
# - 마스크 $M$은 `[PAD]` 열에 float32의 가장 작은 수를 더해, 소프트맥스 뒤 가중치가 정확히 0이 되게 합니다. 그래서 패딩은 결과를 바꾸지 못하고, 모든 줄의 합은 1입니다.
# - 헤드마다 패턴(앞 토큰, 다음 토큰, 특수 토큰에 내려놓기)이 다르지만, 패턴은 설명이 아니라 관찰입니다.
#
# 다음 장(06)에서는 이 모델을 파일로 저장하고 다시 불러옵니다.

# %% [md en]
# ## Summary
#
# - One head's attention is $A = \mathrm{softmax}(QK^\top/\sqrt{d} + M)$ and its output $AV$. $Q$, $K$, $V$ are three linear maps of the same input $X$; dividing by $\sqrt{d}$ keeps the scores from growing with the head width.
# - The width D = 384 is shared by H = 12 heads of d = 32. Split is (B, T, D) → (B, H, T, d), merge the reverse; the weights are (B, H, T, T) per layer.
# - The mask $M$ adds float32's most negative number to the `[PAD]` columns, so after softmax their weight is exactly 0: padding cannot change the result, and every row sums to 1.
# - Heads differ in their patterns (previous token, next token, parking on a special token), but a pattern is an observation, not an explanation.
#
# The next chapter (06) saves this model to files and loads it back.
