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

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
batch = tok(texts, padding=True, return_tensors="pt")  # 14 and 11 tokens: the second gets 3 [PAD]s

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
# Let's compute it by hand from layer 0's input (the embeddings, `hidden_states[0]`) and compare with the model.

# %%
import math

from lesson_lib import functional as F

attn = model.bert.encoder.layer[0].attention.self  # the query, key and value maps of layer 0
x = out.hidden_states[0]  # (B, T, D): the input of layer 0
H = model.config.num_attention_heads
d = model.config.hidden_size // H  # 384 / 12 = 32 features per head
mask = F.extended_attention_mask(batch["attention_mask"], x.dtype)  # (B, 1, 1, T): 0, or very negative at [PAD]

with torch.no_grad():
    q = F.split_heads(attn.query(x), H)  # (B, H, T, d)
    k = F.split_heads(attn.key(x), H)  # (B, H, T, d)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (B, H, T, T)
    weights = torch.softmax(scores + mask, dim=-1)  # (B, H, T, T): each row sums to 1
print("d =", d, "  weights:", tuple(weights.shape))
assert torch.allclose(weights, out.attentions[0], atol=1e-6)  # by hand == the model's layer 0

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
real = int(batch["attention_mask"][1].sum())  # 11 real tokens in sentence 1
print("columns of the 3 [PAD] keys, largest weight anywhere:", float(A[:, 1, :, :, real:].max()))
print("row sums, smallest and largest:", round(float(A.sum(-1).min()), 4), round(float(A.sum(-1).max()), 4))

assert torch.all(A[:, 1, :, :, real:] == 0)  # nobody takes anything from padding: exactly zero
assert torch.allclose(A.sum(dim=-1), torch.ones(A.shape[:-1]), atol=1e-5)  # every row is a probability distribution

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


head = int(previous_token_weight(A[0, 0]).argmax())  # layer 0, sentence 1 (no padding), over the 12 heads
print(f"layer 0, head {head}: mean weight on the previous token = {float(previous_token_weight(A[0, 0, head])):.2f}")

fig, ax = plt.subplots(figsize=(7, 6))
draw_attention(ax, A[0, 1, head], batch.tokens(1), mask=batch["attention_mask"][1], lang=LANG,
               title={"ko": f"층 0, 헤드 {head} (둘째 문장)", "en": f"layer 0, head {head} (second sentence)"}[LANG])
plt.show()

# %% [md ko]
# 대각선 바로 아래가 진합니다. 토큰마다 자기 바로 앞 토큰을 봅니다. 이번에는 한 층의 헤드 12개를 한꺼번에 봅시다. 헤드마다 무늬가 꽤 다릅니다.

# %% [md en]
# The line just below the diagonal is dark: every token looks at the token before it. Now all 12 heads of one layer at once. Their patterns differ quite a lot.

# %%
fig = plt.figure(figsize=(9, 7.5))
draw_attention_heads(fig, A[1, 0], batch.tokens(0), lang=LANG, layer=1)  # layer 1, first sentence
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

AttentionView(model=model, tokenizer=tok, texts=texts, layer=0, head=head, lang=LANG)

# %% [md ko]
# ## 헤드들은 무엇을 할까?
#
# 헤드마다 무엇을 보는지 숫자로 요약해 봅시다. 첫 문장(패딩 없음)에서 층마다 세 가지 무늬가 가장 강한 헤드를 찾습니다.
#
# - **앞 토큰**: 바로 앞 토큰에 주는 평균 가중치
# - **뒤 토큰**: 바로 뒤 토큰에 주는 평균 가중치
# - **`[CLS]`**: 첫 토큰 `[CLS]`에 주는 평균 가중치

# %% [md en]
# ## What do the heads do?
#
# Let's sum up in numbers what each head looks at. On the first sentence (no padding), find for every layer the head where each of three patterns is strongest:
#
# - **previous**: mean weight on the token right before
# - **next**: mean weight on the token right after
# - **`[CLS]`**: mean weight on the first token, `[CLS]`

# %%
a = A[:, 0]  # (L, H, T, T): the first sentence, every layer and head
patterns = {
    "previous": previous_token_weight(a),  # (L, H)
    "next": torch.diagonal(a, offset=1, dim1=-2, dim2=-1).mean(-1),  # (L, H)
    "[CLS]": a[..., :, 0].mean(-1),  # (L, H)
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
# - 가운데 층의 많은 헤드가 가중치의 절반 이상을 `[CLS]`에 줍니다. BERT 연구에서는 이런 특수 토큰을 "딱히 볼 것이 없을 때 가중치를 내려놓는 곳"으로 해석하기도 합니다.
#
# 다만 조심하세요. 이것은 문장 하나에서 본 **무늬**일 뿐, 헤드가 "무엇을 위해" 있는지에 대한 증명이 아닙니다. 어텐션 가중치가 크다고 그 토큰이 답에 중요하다는 보장도 없습니다. 그 결론을 내리려면 헤드를 끄거나 바꿔 보는 실험이 더 필요합니다.

# %% [md en]
# Spread evenly, each token would get 0.07, so values far above that stand out. Roughly, this is what this model shows:
#
# - Lower layers have heads that look only at the previous or only at the next token. They seem to pass word-order information sideways.
# - Many heads in the middle layers put more than half their weight on `[CLS]`. Studies of BERT sometimes read such special tokens as "a place to park attention when there is nothing in particular to look at".
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
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
folder = Path(tempfile.mkdtemp()) / "model"
model.save_pretrained(folder)
tok.save_pretrained(folder)

for implementation in ["sdpa", "eager"]:  # the default first
    hf_model = transformers.AutoModelForSequenceClassification.from_pretrained(
        folder, attn_implementation=implementation).eval()
    with torch.no_grad():
        hf_attentions = hf_model(**batch, output_attentions=True).attentions
    print(f"{implementation:6} {len(hf_attentions)} attention tensors")
    del hf_model  # one model at a time

same = all(torch.allclose(a, b, atol=1e-5) for a, b in zip(hf_attentions, out.attentions))
print("eager == lesson_lib, all", len(out.attentions), "layers (atol 1e-5):", same)
assert same and len(hf_attentions) == len(out.attentions)

# %% [md ko]
# ## 연습 문제
#
# 위의 위젯에서 층 1을 고르고 헤드를 하나씩 넘겨 보세요. 대각선 바로 **위**(각 토큰이 **다음** 토큰을 보는 곳)가 진한 헤드를 찾아 `(층, 헤드)`를 `answer`에 쓰고 확인하세요.

# %% [md en]
# ## Exercise
#
# In the widget above, choose layer 1 and step through the heads. Find a head where the line just **above** the diagonal is dark (each token looks at the **next** one), write `(layer, head)` in `answer` and check.

# %% tags=["exercise"]
answer = None  # (layer, head), e.g. (1, 0)

# %% tags=["check"]
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 (층, 헤드)를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write (layer, head) in answer and run again."}[LANG])
else:
    layer_, head_ = answer
    n_layers, n_heads = patterns["next"].shape
    score = float(patterns["next"][layer_, head_]) if 0 <= layer_ < n_layers and 0 <= head_ < n_heads else 0.0
    if score >= 0.5:
        print({"ko": f"정답입니다! 층 {layer_}, 헤드 {head_}는 다음 토큰에 평균 {score:.2f}를 줍니다.",
               "en": f"Correct! Layer {layer_}, head {head_} gives the next token {score:.2f} on average."}[LANG])
    else:
        print({"ko": f"층 {layer_}, 헤드 {head_}가 다음 토큰에 주는 가중치는 평균 {score:.2f}뿐입니다. 다른 헤드를 찾아보세요.",
               "en": f"Layer {layer_}, head {head_} gives the next token only {score:.2f} on average. Try another head."}[LANG])
