# %% [md ko]
# # 10 예측 설명하기: 어떤 단어가 답을 만들었나
#
# 같은 문장에 다섯 가지 설명 방법(기울기 × 입력, 적분 기울기, 가림, 어텐션 롤아웃, 마지막 층 `[CLS]` 어텐션)을 적용해 보고, 각 방법의 수식과 비용, 완전성 검사, 그리고 어텐션과 적분 기울기가 서로 다른 답을 내는 문장을 데이터에서 직접 찾습니다.
#
# 04장에서 로짓이 확률이 되는 것을 보았습니다. 그다음에 자연스럽게 나오는 질문은 "**어떤 단어** 때문에 긍정(또는 부정)이라고 했을까?"입니다. 05장은 어텐션 가중치가 그 답이 아니라고 경고했습니다. 이 장에서는 그것을 데이터로 보여 줍니다.
# 설명 방법은 모두 한 가지 일을 합니다. 한 라벨(**목표**, target)의 로짓에 대해 토큰마다 점수를 하나씩 줍니다. 방법마다 "중요하다"의 뜻과 드는 비용이 다릅니다.

# %% [md en]
# # 10 Explaining a prediction: which words made the answer?
#
# Apply five explanation methods (gradient × input, integrated gradients, occlusion, attention rollout, last-layer `[CLS]` attention) to the same sentence, with each one's formula and cost, the completeness check, and a sentence from the data where attention and integrated gradients disagree, found by a search.
#
# Chapter 04 turned logits into probabilities. The natural next question is: **which words** made the model say positive (or negative)? Chapter 05 warned that attention weights are not that answer; this chapter shows it on data.
# Every method does the same kind of thing: for one label (the **target**) it gives each token a score for that label's logit. What "important" means, and what it costs, differs from method to method.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - 기울기 × 입력 $s_i = \sum_d \frac{\partial f_c}{\partial e_{i,d}} e_{i,d}$를 포워드 훅과 `torch.autograd.grad`로 직접 계산합니다.
# - 적분 기울기의 경로 적분과 그 근사(점 $\alpha_k$, 가중치 $w_k$)를 읽고, 완전성 $\sum_i \mathrm{IG}_i = f_c(e) - f_c(e')$으로 점이 충분한지 판단합니다.
# - 가림, 어텐션 롤아웃, 마지막 층 `[CLS]` 어텐션을 계산하고, 어텐션에는 부호도 목표 라벨도 없다는 것을 설명합니다.
# - 방법들의 순위를 스피어만 $\rho$로 비교하고, 어텐션과 적분 기울기가 엇갈리는 문장을 데이터에서 찾습니다.
# - 기준선, 워드피스 합치기, 잘라내기 같은 함정을 알아봅니다.
#
# **전제**: 03장(임베딩 층), 04장(로짓), 05장(어텐션 가중치와 그 경고). 기울기는 08장에서 보았습니다. 여기서는 파라미터가 아니라 **입력 임베딩**에 대한 기울기를 씁니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-10분 | 문장과 예측, 기울기 × 입력을 손으로 |
# | 10-22분 | 적분 기울기, 연습 1(가장 중요한 단어 예상), 완전성, 연습 2(기준선의 로짓) |
# | 22-32분 | 가림, 어텐션(롤아웃, `[CLS]`), 나란히 보기와 순위 상관 |
# | 32-40분 | 함정들, 엇갈리는 문장 찾기 |
# | 40-50분 | 위젯으로 직접 해 보기, 연습 3(엇갈리는 문장 만들기), 정리 |
#
# 짧은 수업(30분)에서는 "함정들"의 긴 글 셀, "엇갈리는 문장 찾기"(적분 기울기를 16번 계산하는 가장 느린 셀)와 captum 절을 건너뛰세요.

# %% [md en]
# ## This chapter
#
# **After it you can**
#
# - compute gradient × input, $s_i = \sum_d \frac{\partial f_c}{\partial e_{i,d}} e_{i,d}$, yourself with a forward hook and `torch.autograd.grad`;
# - read integrated gradients' path integral and its approximation (points $\alpha_k$, weights $w_k$), and judge with completeness, $\sum_i \mathrm{IG}_i = f_c(e) - f_c(e')$, whether the points are enough;
# - compute occlusion, attention rollout and the last layer's `[CLS]` attention, and explain that attention has neither a sign nor a target label;
# - compare the methods' rankings with Spearman's $\rho$, and find a sentence in the data where attention and integrated gradients disagree;
# - recognise the pitfalls: the baseline, adding WordPieces up to words, truncation.
#
# **It assumes** chapter 03 (the embedding layer), chapter 04 (logits) and chapter 05 (attention weights, and its warning). Gradients appeared in chapter 08; here they are taken with respect to the **input embeddings**, not the parameters.
#
# **A 50-minute plan**
#
# | minutes | what |
# |---|---|
# | 0-10 | the sentence and its prediction, gradient × input by hand |
# | 10-22 | integrated gradients, exercise 1 (predict the top word), completeness, exercise 2 (the baseline's logit) |
# | 22-32 | occlusion, attention (rollout, `[CLS]`), side by side and the rank correlations |
# | 32-40 | pitfalls, finding a sentence where the methods disagree |
# | 40-50 | try it in the widget, exercise 3 (make a sentence where they disagree), summary |
#
# In a short lesson (30 minutes), skip the long-text cell of "Pitfalls", "Finding a sentence where attention and integrated gradients disagree" (the slowest cell: 16 runs of integrated gradients) and the captum section.

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer
from lesson_lib import explain as X  # X.gradient_x_input, X.integrated_gradients, X.occlusion, ...

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
text = "The plot was dull but the actors were wonderful."
batch = tok(text, return_tensors="pt")
with torch.no_grad():
    logits = model(**batch).logits[0]  # (C,) = (2,)
print(batch.tokens(0))
print("logits:", logits, "->", model.config.id2label[int(logits.argmax())])

# %% [md ko]
# 모델은 이 문장을 **부정**(NEGATIVE)이라고 합니다. "dull"(지루한)과 "wonderful"(훌륭한)이 한 문장에 같이 있는데, 어느 쪽이 이겼을까요? 아래에서 목표는 따로 말하지 않으면 모델이 고른 라벨입니다(`target=None`).
#
# ## 1. 기울기 × 입력
#
# 토큰 $i$의 단어 임베딩을 $e_i$, 목표 라벨 $c$의 로짓을 $f_c$라고 합시다. 기울기 $\partial f_c / \partial e_i$는 "$e_i$를 아주 조금 바꾸면 로짓이 얼마나 바뀌는가"입니다. 거기에 $e_i$ 자신을 곱하고 임베딩 차원 $D$에 걸쳐 더하면 토큰 점수가 됩니다.
#
# $$s_i = \sum_{d=1}^{D} \frac{\partial f_c}{\partial e_{i,d}}\, e_{i,d}$$
#
# 비용: 순전파 1번 + 역전파 1번. 점수는 **단어 임베딩 층의 출력**(위치 임베딩을 더하기 전)에서 잽니다. 모델 파일은 그대로 두고, 포워드 훅(forward hook)으로 그 층의 출력을 우리가 만든 텐서로 바꿉니다. 아래 셀이 그 네 줄을 손으로 쓰고 `X.gradient_x_input`과 비교합니다.

# %% [md en]
# The model calls this sentence **negative**. "dull" and "wonderful" are both in it: which one won? Below, the target is the label the model chose unless we say otherwise (`target=None`).
#
# ## 1. Gradient × input
#
# Call token $i$'s word embedding $e_i$ and the target label $c$'s logit $f_c$. The gradient $\partial f_c / \partial e_i$ says how much the logit moves when $e_i$ moves a tiny bit. Multiply it by $e_i$ itself and add up over the $D$ embedding dimensions: that is the token's score.
#
# $$s_i = \sum_{d=1}^{D} \frac{\partial f_c}{\partial e_{i,d}}\, e_{i,d}$$
#
# Cost: 1 forward + 1 backward pass. The scores are taken at the **output of the word-embedding layer** (before the position embeddings are added). The model files stay as they are: a forward hook replaces that layer's output with a tensor of ours. The next cell writes those few lines by hand and compares them with `X.gradient_x_input`.

# %%
layer = model.bert.embeddings.word_embeddings  # [ko] 토큰 ID -> 벡터: 점수를 재는 곳 [en] token id -> vector: where the scores are taken
ids = batch["input_ids"]
# [ko] (1, T, D): autograd가 따라가는 우리 사본
# [en] (1, T, D): our own copy, which autograd follows
e = layer(ids).detach().requires_grad_(True)
handle = layer.register_forward_hook(lambda module, args, output: e)  # [ko] 이제 모델은 우리의 e를 읽습니다 [en] the model now reads our e
try:
    f_c = model(input_ids=ids).logits[0, int(logits.argmax())]  # [ko] 목표 라벨의 로짓 [en] the target logit
finally:
    handle.remove()
(grad,) = torch.autograd.grad(f_c, e)  # (1, T, D)
by_hand = (grad * e).sum(-1)[0].detach()  # [ko] (T,): 임베딩 차원에 걸쳐 더한 값 [en] (T,): summed over the embedding dimension

gxi = X.gradient_x_input(model, tok, text)
assert torch.allclose(by_hand, gxi.scores, atol=1e-5)
print(gxi)

# %% [md ko]
# 결과 객체에는 토큰마다의 점수(`scores`), 단어마다의 점수(`word_scores`, 워드피스를 더한 것), 목표(`target`, `label`)가 들어 있습니다.
# 기울기 × 입력은 "dull"에 **음수**를 줍니다. 부정 로짓을 설명하는데 "dull"이 부정에 반대한다는 뜻일까요? 기울기는 지금 이 점 **근처**만 봅니다. 모델이 이미 "dull"을 충분히 보아 포화되어 있으면, 조금 더 움직여도 로짓은 별로 바뀌지 않거나 반대로 움직일 수 있습니다. 다음 방법이 이 문제를 고칩니다.
#
# ## 2. 적분 기울기 (Integrated Gradients)
#
# 한 점의 기울기 대신 **기준선**(baseline) $e'$에서 문장 $e$까지 곧은 길을 따라 기울기를 평균합니다. 기본 기준선은 `[CLS]`와 `[SEP]`은 두고 나머지를 모두 `[PAD]`로 바꾼 같은 길이의 입력입니다("단어가 없는" 문장).
#
# $$\mathrm{IG}_i = \sum_{d} (e_{i,d} - e'_{i,d}) \int_0^1 \frac{\partial f_c\big(e' + \alpha (e - e')\big)}{\partial e_{i,d}}\, d\alpha \;\approx\; \sum_{d} (e_{i,d} - e'_{i,d}) \sum_{k=1}^{n} w_k \frac{\partial f_c\big(e' + \alpha_k (e - e')\big)}{\partial e_{i,d}}$$
#
# 적분은 점 $\alpha_k$와 가중치 $w_k$로 근사합니다(`path_points`). 기본 규칙은 가우스-르장드르이고, 리만 합(왼쪽, 오른쪽, 가운데, 사다리꼴)도 고를 수 있습니다. 길 위의 점 $n$개(`n_steps`)를 한 배치로 계산하므로 비용은 순전파 + 역전파 $n$번(과 양 끝 2번)입니다.

# %% [md en]
# The result holds a score per token (`scores`), a score per word (`word_scores`, its WordPieces added up) and the target (`target`, `label`).
# Gradient × input gives "dull" a **negative** score. Does "dull" argue against the negative label it is explaining? A gradient only looks **near** the current point. If the model has already seen "dull" clearly and is saturated, moving it a little more changes the logit little, or even the other way. The next method fixes that.
#
# ## 2. Integrated gradients
#
# Instead of the gradient at one point, average the gradients along a straight path from a **baseline** $e'$ to the sentence $e$. The default baseline keeps `[CLS]` and `[SEP]` and puts `[PAD]` everywhere else, at the same length: a sentence "without words".
#
# $$\mathrm{IG}_i = \sum_{d} (e_{i,d} - e'_{i,d}) \int_0^1 \frac{\partial f_c\big(e' + \alpha (e - e')\big)}{\partial e_{i,d}}\, d\alpha \;\approx\; \sum_{d} (e_{i,d} - e'_{i,d}) \sum_{k=1}^{n} w_k \frac{\partial f_c\big(e' + \alpha_k (e - e')\big)}{\partial e_{i,d}}$$
#
# The integral is approximated with points $\alpha_k$ and weights $w_k$ (`path_points`). The default rule is Gauss-Legendre; Riemann sums (left, right, middle, trapezoid) can be chosen too. The $n$ points of the path (`n_steps`) run as one batch, so the cost is $n$ forward + backward passes (plus 2 for the two ends).

# %%
alphas, weights = X.path_points(5, "gausslegendre")
print("alphas: ", alphas)
print("weights:", weights, " sum =", round(float(weights.sum()), 4))

ig = X.integrated_gradients(model, tok, text, n_steps=50)
print(ig)
print("forward passes:", ig.forward_passes)

# %% [md ko]
# 이제 "dull"이 가장 큰 양수(부정 쪽)이고, "wonderful"과 "but"은 음수(부정에 반대, 즉 긍정 쪽)입니다. 기울기 × 입력과 부호까지 다릅니다.
#
# ### 연습 1 (예상하기): 가장 중요한 단어를 먼저 맞혀 보기
#
# 문장 `"The soup was cold and the waiter was rude."`를 모델은 부정이라고 합니다. 적분 기울기로 보면 부정에 가장 크게 기여한 단어는 무엇일까요? 계산하기 **전에** 예상을 `answer`에 쓰고 확인 셀을 실행하세요.

# %% [md en]
# Now "dull" has the largest positive score (towards negative), and "wonderful" and "but" are negative (against negative, i.e. towards positive). Even the signs differ from gradient × input.
#
# ### Exercise 1 (predict): guess the most important word first
#
# The model calls `"The soup was cold and the waiter was rude."` negative. By integrated gradients, which word pushes hardest towards negative? Write your guess in `answer` **before** computing anything, then run the check cell.

# %% tags=["exercise"]
answer = None  # [ko] 문장의 단어 하나, 예: "soup" [en] one word of the sentence, e.g. "soup"

# %% tags=["solution"]
answer = "rude"

# %% tags=["check"]
exercise_text = "The soup was cold and the waiter was rude."
ok = False
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 단어 하나를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write one word in answer and run again."}[LANG])
elif not isinstance(answer, str) or not answer.strip():
    print({"ko": "answer에는 문장의 단어 하나를 문자열로 쓰세요. 예: \"soup\".",
           "en": "answer should be one word of the sentence, as a string, e.g. \"soup\"."}[LANG])
else:
    exercise_ig = X.integrated_gradients(model, tok, exercise_text)
    best = exercise_ig.top_words(1)[0]
    ok = answer.strip().lower() == best
    if ok:
        print({"ko": f"정답입니다! '{best}'가 가장 큽니다. 단어 점수: {exercise_ig}",
               "en": f"Correct! '{best}' scores highest. Word scores: {exercise_ig}"}[LANG])
    else:
        print({"ko": "아직 아닙니다. 힌트: 가장 큰 단어는 형용사입니다. 음식에 대한 불평과 사람에 대한 불평 중 "
                     "어느 쪽이 더 강할까요?",
               "en": "Not yet. Hint: the top word is an adjective. Which is the stronger complaint, the one about "
                     "the food or the one about a person?"}[LANG])

# %% [md ko]
# ## 완전성 검사
#
# 적분 기울기에는 확인할 수 있는 성질이 있습니다. 미적분의 기본 정리에 따라 점수의 합은 문장과 기준선의 로짓 차이와 **같아야** 합니다.
#
# $$\sum_i \mathrm{IG}_i = f_c(e) - f_c(e')$$
#
# `delta`는 그 차이(합 − 로짓 차이), 즉 적분을 유한한 점으로 근사한 오차입니다. 점의 개수와 규칙에 따라 어떻게 변하는지 봅시다. 로짓 차이의 1%보다 작으면 점이 충분하다고 봅니다.
#
# ### 연습 2 (계산하기): 기준선의 로짓
#
# 아래 셀은 기준선(`[CLS]`와 `[SEP]` 사이가 모두 `[PAD]`인 문장)의 로짓 $f_c(e')$을 출력합니다. 그 **전에** 완전성으로 계산해 보세요. 문장의 목표 로짓 $f_c(e)$는 첫 코드 셀이 출력한 NEGATIVE의 로짓이고, 적분 기울기 점수는 위의 `print(ig)`에 단어마다 나와 있습니다(`[CLS]`와 `[SEP]`은 기준선과 같으므로 점수가 0입니다). $f_c(e')$을 `answer`에 쓰세요. 출력된 값으로 계산하면 충분히 정확합니다.

# %% [md en]
# ## The completeness check
#
# Integrated gradients has a property you can check. By the fundamental theorem of calculus, the scores must **add up** to the logit gap between the sentence and the baseline:
#
# $$\sum_i \mathrm{IG}_i = f_c(e) - f_c(e')$$
#
# `delta` is the difference (sum − logit gap): the error of approximating the integral with finitely many points. Let's see how it changes with the number of points and the rule. Below 1% of the logit gap, we call the points enough.
#
# ### Exercise 2 (compute): the baseline's logit
#
# The next cell prints the baseline's logit $f_c(e')$ (`[PAD]` everywhere between `[CLS]` and `[SEP]`). Work it out from completeness **before** it does: the sentence's target logit $f_c(e)$ is the NEGATIVE logit the first code cell printed, and the integrated-gradients scores are printed word by word by `print(ig)` above (`[CLS]` and `[SEP]` are the same in the baseline, so their scores are 0). Write $f_c(e')$ in `answer`; the printed values are precise enough.

# %% tags=["exercise"]
answer = None  # [ko] 숫자 하나, 예: 0.5 [en] a number, e.g. 0.5

# %% tags=["solution"]
answer = 1.1811 - (-0.026 + 0.342 - 0.178 + 5.175 - 1.473 - 0.021 - 0.223 + 0.624 - 1.960 + 0.324)  # f(e) - sum

# %% tags=["check"]
ok = isinstance(answer, (int, float)) and abs(answer - ig.baseline_logit) < 0.02
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! f(e') = {ig.baseline_logit:.4f}. 점수의 합이 문장과 기준선 사이의 로짓 차이를 나눠 가집니다.",
           "en": f"Correct! f(e') = {ig.baseline_logit:.4f}: the scores share out the logit gap between the sentence and the baseline."}[LANG])
elif isinstance(answer, (int, float)) and abs(answer - (ig.logit - ig.baseline_logit)) < 0.02:
    print({"ko": "아직 아닙니다. 그것은 로짓 차이 f(e) − f(e')입니다. 힌트: f(e')은 f(e)에서 그것을 뺀 값입니다.",
           "en": "Not yet: that is the gap f(e) − f(e'). Hint: f(e') is f(e) minus the gap."}[LANG])
elif isinstance(answer, (int, float)) and abs(answer + ig.baseline_logit) < 0.02:
    print({"ko": "아직 아닙니다. 부호를 확인하세요.", "en": "Not yet: check the sign."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 단어 점수를 모두 더한 값 = f(e) − f(e')입니다. f(e)는 1.1811입니다.",
           "en": "Not yet. Hint: all the word scores added up = f(e) − f(e'), and f(e) is 1.1811."}[LANG])

# %%
gap = ig.logit - ig.baseline_logit
print(f"logit at the sentence {ig.logit:.4f}, at the baseline {ig.baseline_logit:.4f}, gap {gap:.4f}")
print(f"sum of the scores {float(ig.scores.sum()):.4f}, delta {ig.delta:+.4f}")
assert abs(ig.delta) < 0.01 * abs(gap)  # [ko] 점 50개에서 완전성 오차 1% 이내 [en] completeness within 1% at 50 steps

print(f"{'n_steps':>8}  {'gausslegendre':>14}  {'riemann_middle':>14}   (delta / gap)")
for n in [4, 16, 32]:
    row = [X.integrated_gradients(model, tok, text, n_steps=n, method=m).delta / gap
           for m in ["gausslegendre", "riemann_middle"]]
    print(f"{n:>8}  {row[0]:>+14.2%}  {row[1]:>+14.2%}")

# %% [md ko]
# 점이 적으면 어느 규칙이든 오차가 로짓 차이의 수십 퍼센트가 넘습니다. 이 문장에서는 길의 어느 구간에서 로짓이 갑자기 바뀌기 때문에, 매끄러운 함수에 강한 가우스-르장드르도 점이 적을 때는 이점이 없습니다. 점이 32개쯤 되어야 오차가 1% 안팎이 되고, 50개에서 검사를 통과합니다. 완전성이 깨졌다면(delta가 크면) 점이 모자란 것이니, 점수를 믿기 전에 `n_steps`를 늘리세요.

# %% [md en]
# With few points every rule is off by tens of percent of the logit gap or more. On this sentence the logit changes abruptly somewhere along the path, so even Gauss-Legendre, which shines on smooth functions, has no edge with few points. At about 32 points the error is around 1%, and at 50 the check passes. When completeness fails (a large delta), the points are too few: raise `n_steps` before trusting the scores.

# %% [md ko]
# ## 3. 가림 (occlusion)
#
# 가장 직관적인 방법입니다. 단어 하나를 **빼고**(그 단어의 워드피스를 모두 함께) 목표 로짓이 얼마나 떨어지는지 봅니다.
#
# $$s_w = f_c(x) - f_c(x_{\setminus w})$$
#
# 비용: 단어 수 + 1번의 순전파(길이가 다른 문장들을 패딩해서 한 배치로). 한 단어의 점수는 그 워드피스들에 똑같이 나누어 주므로, 단어 점수는 떨어진 양 그대로입니다.

# %% [md en]
# ## 3. Occlusion
#
# The most intuitive method: **leave out** one word (all its WordPieces together) and see how far the target logit drops.
#
# $$s_w = f_c(x) - f_c(x_{\setminus w})$$
#
# Cost: number of words + 1 forward passes (the shortened sentences padded into one batch). A word's drop is shared equally by its WordPieces, so the word score is the drop itself.

# %%
occ = X.occlusion(model, tok, text)
print(occ)
print("forward passes:", occ.forward_passes)
without = " ".join(w for w in occ.words if w != "wonderful")
print("the sentence without 'wonderful':", repr(without))

# %% [md ko]
# 가림도 "dull"을 가장 크게, "wonderful"과 "but"을 음수로 봅니다. 적분 기울기와 순위가 거의 같습니다.
# 함정이 하나 있습니다. 단어를 빼서 만든 문장(`"the plot was dull but the actors were ."`)은 모델이 학습할 때 본 적 없는 문장입니다. 떨어진 로짓에는 "그 단어의 몫"만이 아니라 "이상한 문장에 대한 반응"도 섞여 있습니다.
#
# ## 4. 어텐션: 롤아웃과 마지막 층의 `[CLS]`
#
# 분류기는 마지막 층의 `[CLS]` 벡터만 읽습니다. 그러니 "`[CLS]`가 어디를 보았나"를 설명으로 쓰고 싶어집니다. 가장 단순한 것은 마지막 층에서 `[CLS]`의 어텐션(헤드 평균)입니다. **어텐션 롤아웃**(Abnar & Zuidema 2020)은 모든 층을 따라갑니다. 층마다 헤드 평균 $\bar A_l$에 잔차 연결 몫으로 단위행렬을 더해 행을 다시 정규화하고, 층을 차례로 곱합니다.
#
# $$\tilde A_l = \tfrac{1}{2}\big(\bar A_l + I\big), \qquad R = \tilde A_L \cdots \tilde A_2 \tilde A_1, \qquad s_i = R_{[\mathrm{CLS}],\, i}$$
#
# 비용: 순전파 1번. 행렬 $R$의 각 행은 확률 분포이므로 합이 1입니다.

# %% [md en]
# Occlusion, too, puts "dull" first and gives "wonderful" and "but" negative scores: almost the same ranking as integrated gradients.
# There is a catch: the shortened sentence (`"the plot was dull but the actors were ."`) is one the model never saw in training. The drop in the logit mixes "that word's share" with "the reaction to an odd sentence".
#
# ## 4. Attention: rollout and the last layer's `[CLS]`
#
# The classifier reads only the last layer's `[CLS]` vector, so it is tempting to use "where did `[CLS]` look?" as the explanation. The simplest is `[CLS]`'s attention in the last layer (averaged over heads). **Attention rollout** (Abnar & Zuidema 2020) follows all the layers: for each layer add the identity to the head average $\bar A_l$ (for the residual connection), renormalise the rows, and multiply the layers together:
#
# $$\tilde A_l = \tfrac{1}{2}\big(\bar A_l + I\big), \qquad R = \tilde A_L \cdots \tilde A_2 \tilde A_1, \qquad s_i = R_{[\mathrm{CLS}],\, i}$$
#
# Cost: 1 forward pass. Every row of $R$ is a probability distribution, so it sums to 1.

# %%
rollout = X.attention_rollout(model, tok, text)
cls = X.cls_attention(model, tok, text)
print("row sums of R:", rollout.matrix.sum(-1))
assert torch.allclose(rollout.matrix.sum(-1), torch.ones(len(rollout.tokens)), atol=1e-5)
print(rollout)
print(cls)

# [ko] target: 기울기는 라벨을 따르지만 어텐션은 따르지 않습니다
# [en] target: gradients follow the label, attention does not
other = 1 - ig.target
for name, r in [("integrated gradients", X.integrated_gradients(model, tok, text, target=other, n_steps=16)),
                ("gradient x input", X.gradient_x_input(model, tok, text, target=other))]:
    print(f"{name:>20}, target {r.label}: 'dull' {float(r.word_scores[3]):+.3f}")
print(f"{'attention':>20}: the same numbers for either label; it has no target argument")

# %% [md ko]
# 마지막 층의 `[CLS]` 어텐션은 "dull"과 "wonderful"에 거의 같은 무게를 줍니다. 어텐션만 보면 두 단어가 똑같이 중요해 보이지만, 적분 기울기와 가림은 둘이 **반대 방향**으로 민다고 말합니다. 어텐션에는 부호가 없고(모두 0 이상), 라벨도 모릅니다. 긍정을 설명하든 부정을 설명하든 같은 숫자입니다. 롤아웃은 층을 지날수록 잔차 연결 때문에 거의 고르게 퍼집니다.
#
# ## 나란히 보기, 그리고 순위가 얼마나 맞는가
#
# 다섯 방법을 한 그림에 그립니다. 줄마다 그 방법의 가장 큰 절댓값으로 색을 맞춥니다(빨강은 목표 쪽, 파랑은 반대쪽). 그림 아래에는 방법 쌍마다 단어 점수 순위의 일치도(스피어만 순위 상관 $\rho$: 1이면 같은 순서, 0이면 무관, −1이면 거꾸로)를 적습니다.

# %% [md en]
# The last layer's `[CLS]` attention gives "dull" and "wonderful" nearly the same weight. By attention alone the two words look equally important, but integrated gradients and occlusion say they push in **opposite directions**. Attention has no sign (everything is ≥ 0) and knows nothing of the label: it gives the same numbers whether we explain positive or negative. Rollout, through the residual connections, spreads out almost evenly by the last layer.
#
# ## Side by side, and how well the rankings agree
#
# All five methods in one picture; each row is coloured relative to that method's largest absolute score (red towards the target, blue against it). Under the picture, for each pair of methods, how well their word rankings agree (Spearman's rank correlation $\rho$: 1 the same order, 0 unrelated, −1 reversed).

# %%
from lesson_lib.views import rank_agreement, render_explanations

results = {"gradient_x_input": gxi, "integrated_gradients": ig, "occlusion": occ,
           "attention_rollout": rollout, "cls_attention": cls}
render_explanations(results, lang=LANG)

# %%
for (a, b), rho in rank_agreement(results).items():
    print(f"{a:>20} ~ {b:<20} rho = {rho:+.2f}")

# %% [md ko]
# 적분 기울기와 가림은 잘 맞고(ρ가 1에 가까움), 어텐션은 둘 중 누구와도 거의 맞지 않습니다.
#
# ## 함정들
#
# **기준선이 답을 바꿉니다.** 적분 기울기는 "기준선과 비교해서" 설명합니다. `[PAD]` 대신 `[MASK]`를 기준선으로 쓰면 점수가 달라집니다. 기준선은 "정보가 없는 입력"이라는 가정이고, 그 가정은 하나로 정해져 있지 않습니다.

# %% [md en]
# Integrated gradients and occlusion agree well (ρ close to 1); attention agrees with neither.
#
# ## Pitfalls
#
# **The baseline changes the answer.** Integrated gradients explains "compared with the baseline". With `[MASK]` instead of `[PAD]` as the baseline, the scores change. A baseline is an assumption about what "no information" looks like, and there is no single right one.

# %%
masked = X.integrated_gradients(model, tok, text, baseline="[MASK]")
print(f"{'word':>10}  {'[PAD] baseline':>14}  {'[MASK] baseline':>15}")
for w, a, b in zip(ig.words, ig.word_scores.tolist(), masked.word_scores.tolist()):
    print(f"{w:>10}  {a:>+14.3f}  {b:>+15.3f}")
print(f"logit gap {ig.logit - ig.baseline_logit:.3f} vs {masked.logit - masked.baseline_logit:.3f}; "
      f"rho = {X.spearman(ig.word_scores, masked.word_scores):+.2f}")

# %% [md ko]
# "dull"과 "wonderful"의 부호는 그대로지만 크기가 바뀌고, 작은 단어들의 순서는 많이 바뀝니다(ρ ≈ 0.5). 로짓 차이 자체도 다릅니다. 두 기준선이 "정보 없음"을 다르게 정의하기 때문입니다.
#
# **워드피스는 단어로 더해야 합니다.** 사람은 단어를 묻지만 모델은 워드피스를 읽습니다. `unwatchable`은 `un`, `##watch`, `##able` 세 조각이고, 조각 하나하나의 점수는 단어의 뜻을 말해 주지 않습니다. `word_scores`는 조각들의 점수를 더한 것입니다(적분 기울기에서는 합이 그대로 완전성을 지킵니다). 한국어 문장을 영어 어휘로 읽으면(09장) 한 단어가 자모 조각 여러 개가 되므로 이 단계가 더 중요합니다.

# %% [md en]
# "dull" and "wonderful" keep their signs but change size, and the order of the small words changes a lot (ρ ≈ 0.5). Even the logit gap differs: the two baselines define "no information" differently.
#
# **WordPieces must be added up to words.** People ask about words; the model reads WordPieces. `unwatchable` is three pieces, `un`, `##watch`, `##able`, and no single piece's score says what the word did. `word_scores` adds up the pieces' scores (for integrated gradients the sum still keeps completeness). With Korean read by an English vocabulary (chapter 09), one word becomes many jamo pieces, so this step matters even more.

# %%
pieces = X.integrated_gradients(model, tok, "An unwatchable film with a lovely soundtrack.")
for token, w, s in zip(pieces.tokens, pieces.word_ids, pieces.scores.tolist()):
    print(f"{token:>12}  word {'-' if w is None else w:>2}  {s:+.3f}")
print("words:", dict(zip(pieces.words, [round(s, 3) for s in pieces.word_scores.tolist()])))

# %% [md ko]
# **너무 긴 글은 잘립니다.** 모델은 토큰을 512개(`[CLS]`, `[SEP]` 포함)까지만 읽습니다. 더 긴 글은 앞부분만 설명되고, 결과의 `truncated`가 `True`가 되며 경고가 나옵니다.

# %% [md en]
# **Text that is too long is cut.** The model reads at most 512 tokens (`[CLS]` and `[SEP]` included). For longer text only the beginning is explained: the result's `truncated` is `True`, and a warning says so.

# %%
long_text = "The plot was dull but the actors were wonderful. " * 60
long = X.cls_attention(model, tok, long_text)
print("truncated:", long.truncated, " tokens explained:", len(long.tokens))

# %% [md ko]
# **가림은 모델이 본 적 없는 문장을 만들고, 롤아웃은 라벨을 무시합니다.** 둘 다 위에서 보았습니다.
#
# ## 어텐션과 적분 기울기가 엇갈리는 문장 찾기
#
# 위의 문장 하나로 결론을 내리면 안 됩니다. 08장의 작은 데이터(`lesson_lib/data/mini_sentiment.tsv`)에서 영어 시험 문장 16개를 모두 훑어, 마지막 층 `[CLS]` 어텐션과 적분 기울기가 가장 어긋나는 문장을 찾아봅시다.
# 어텐션에는 부호가 없으므로 공정하게 비교하려고 적분 기울기 점수의 **크기**(절댓값)와 순위를 비교합니다. "어텐션이 많이 본 단어가, 방향은 어느 쪽이든 답에 크게 작용한 단어인가?"라는 질문입니다. 빠르게 훑으려고 적분 기울기는 16점으로 계산합니다. 완전성 오차는 커지지만 이 문장들에서 단어의 **순서**는 50점일 때와 거의 같습니다. 찾은 문장은 50점으로 다시 확인합니다.

# %% [md en]
# **Occlusion makes sentences the model never saw, and rollout ignores the label.** Both were shown above.
#
# ## Finding a sentence where attention and integrated gradients disagree
#
# One sentence is not enough to conclude anything. Let's go through all 16 English test sentences of chapter 08's small data set (`lesson_lib/data/mini_sentiment.tsv`) and find the one where the last layer's `[CLS]` attention and integrated gradients disagree most.
# Attention has no sign, so for a fair comparison we rank the **size** (absolute value) of the integrated-gradients scores: "are the words attention looked at most the ones that moved the answer most, in either direction?" To keep the search quick, integrated gradients uses 16 points here: the completeness error grows, but on these sentences the **order** of the words is almost the same as with 50. The sentence found is checked again with 50.

# %%
import csv
from pathlib import Path

import lesson_lib

with open(Path(lesson_lib.__file__).parent / "data" / "mini_sentiment.tsv", encoding="utf-8", newline="") as f:
    rows = [r for r in csv.DictReader(f, delimiter="\t") if r["lang"] == "en" and r["split"] == "test"]

found, same_top = [], 0
for r in rows:
    quick_ig, attention = X.integrated_gradients(model, tok, r["text"], n_steps=16), X.cls_attention(model, tok, r["text"])
    found.append((X.spearman(quick_ig.word_scores.abs(), attention.word_scores), r["text"], int(r["label"])))
    same_top += int(quick_ig.word_scores.abs().argmax() == attention.word_scores.argmax())
found.sort()
print(f"{len(found)} sentences; the same top word in {same_top}; median rho = {found[len(found) // 2][0]:+.2f}")
for rho, s, _ in found[:3]:
    print(f"rho = {rho:+.2f}  {s}")

_, worst, true_label = found[0]
check_ig, check_cls = X.integrated_gradients(model, tok, worst), X.cls_attention(model, tok, worst)
print(f"\n{worst!r}: the data says {model.config.id2label[true_label]}, the model says {check_ig.label}")
print("50 steps: ", check_ig, f"\n   |delta| / gap = {abs(check_ig.delta) / abs(check_ig.logit - check_ig.baseline_logit):.2%}")
print("attention:", check_cls)
print(f"rho at 50 steps = {X.spearman(check_ig.word_scores.abs(), check_cls.word_scores):+.2f}; top word: "
      f"integrated gradients {check_ig.top_words(1)}, attention {check_cls.top_words(1)}")

# %% [md ko]
# 감정 단어가 하나뿐인 짧은 문장에서는 대개 두 방법이 같은 단어를 1등으로 꼽습니다. 가장 어긋난 문장은 모델이 **틀린** 문장입니다. 데이터는 긍정이라고 하는데 모델은 부정이라고 합니다. 어텐션은 "clearly"를 가장 많이 보지만, 부정 쪽으로 가장 크게 민 단어는 "cares"입니다. 어텐션만 보았다면 모델이 왜 틀렸는지 잘못 짚었을 것입니다. 맞는 답에서 어텐션과 기울기가 비슷해 보여도, 그것이 어텐션이 설명이라는 증거는 아닙니다. 05장의 경고가 여기서 데이터로 드러납니다.
#
# ## 직접 해 보기
#
# 문장을 입력하고 목표 라벨을 고르세요. 세 가지 빠른 방법(기울기 × 입력, 가림, 어텐션)은 바로 계산되고, 적분 기울기는 순전파 50번이 들기 때문에 버튼을 눌러야 계산됩니다. 그림 아래에 방법 쌍의 순위 상관이 나옵니다. PNG로 저장하려면 `view.save_png("explain.png")`를 실행하세요.
# 한글이 든 문장은 키트가 직접 학습한 한국어 모델(`KOREAN_MODEL`, 한국어 어휘)이 설명합니다. "이 영화 정말 재미있어요"를 넣어 보세요.

# %% [md en]
# On short sentences with a single sentiment word, the two methods usually put the same word first. The sentence where they disagree most is one the model gets **wrong**: the data says positive, the model says negative. Attention looks at "clearly" most, but the word that pushed hardest towards negative is "cares". Going by attention alone, we would have misread why the model went wrong. That attention and gradients look alike where the answer is right is no proof that attention explains; chapter 05's warning shows up here in data.
#
# ## Try it
#
# Type a sentence and pick the target label. The three quick methods (gradient × input, occlusion, attention) run at once; integrated gradients costs 50 forward passes, so it runs when you press its button. The rank correlations of the method pairs appear under the picture. To save it as a PNG: `view.save_png("explain.png")`.
# A sentence with Hangul in it is explained by the Korean model the kit trained itself (`KOREAN_MODEL`, with a Korean vocabulary). Try "이 영화 정말 재미있어요".

# %%
from lesson_lib import KOREAN_MODEL
from lesson_lib.views import ExplainView

korean = (AutoModelForSequenceClassification.from_pretrained(KOREAN_MODEL), AutoTokenizer.from_pretrained(KOREAN_MODEL))
view = ExplainView(model, tok, text=text, korean=korean, lang=LANG)
view.ig_button.click()  # [ko] 버튼을 누르면 일어나는 일 [en] what pressing the button does
view

# %% [md ko]
# ## captum과 비교하기
#
# [captum](https://captum.ai)은 PyTorch의 설명 라이브러리입니다. 같은 층(단어 임베딩), 같은 기준선, 같은 점 개수와 규칙이면 captum의 `LayerIntegratedGradients`는 이 장의 `integrated_gradients`와 같은 점수를 냅니다. 키트의 테스트가 그것을 확인합니다. captum은 이 장의 환경에 들어 있지 않으므로, 없으면 아래 셀은 설치 방법만 알려 주고 넘어갑니다. 설치되어 있으면 두 결과의 차이를 출력합니다(이 셀의 출력은 환경마다 다를 수 있어 비교하지 않습니다).
#
# 한 가지 차이가 있습니다. captum 0.9의 `riemann_trapezoid`는 $n$개의 점 사이 간격을 $1/(n-1)$ 대신 $1/n$으로 잡기 때문에 점수가 모두 $(n-1)/n$배 작고, 완전성 오차가 그만큼 커집니다. 이 키트는 교과서의 사다리꼴 규칙을 씁니다. 완전성 검사는 이런 차이를 잡아내는 데도 쓸모가 있습니다.

# %% [md en]
# ## A bridge to captum
#
# [captum](https://captum.ai) is PyTorch's library of explanation methods. With the same layer (the word embeddings), the same baseline, the same number of points and the same rule, captum's `LayerIntegratedGradients` gives the same scores as this chapter's `integrated_gradients`; the kit's tests check that. captum is not part of this chapter's environment: where it is missing, the next cell says how to get it and moves on. Where it is installed, the cell prints how far the two results are apart (its output may differ from one environment to another, so it is not compared).
#
# One difference: captum 0.9's `riemann_trapezoid` spaces its $n$ points $1/n$ apart instead of $1/(n-1)$, so all its scores are $(n-1)/n$ times smaller and its completeness error is that much larger. This kit uses the textbook trapezoid rule. The completeness check is good at catching such things too.

# %% tags=["nbval-ignore-output"]
try:
    from captum.attr import LayerIntegratedGradients
except ImportError:
    LayerIntegratedGradients = None

if LayerIntegratedGradients is None:
    print({"ko": "captum이 설치되어 있지 않아 이 셀은 건너뜁니다(pip install captum). 설치되어 있으면 이렇게 출력합니다:\n"
                 "captum vs lesson_lib: largest difference / largest score = 0.0e+00 (within 1e-4: True)",
           "en": "captum is not installed, so this cell is skipped (pip install captum). With it, the cell prints:\n"
                 "captum vs lesson_lib: largest difference / largest score = 0.0e+00 (within 1e-4: True)"}[LANG])
else:
    def forward(input_ids):
        return model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).logits

    baseline = ids.clone()
    # [ko] X.integrated_gradients처럼 [CLS] ... [PAD] ... [SEP]
    # [en] [CLS] ... [PAD] ... [SEP], as X.integrated_gradients
    baseline[0, 1:-1] = tok.pad_token_id
    lig = LayerIntegratedGradients(forward, model.bert.embeddings.word_embeddings)
    theirs = lig.attribute(ids, baselines=baseline, target=ig.target, n_steps=50, method="gausslegendre")
    # [ko] (T,): 우리 것처럼 임베딩 차원에 걸쳐 더한 값
    # [en] (T,): summed over the embedding dimension, as ours
    theirs = theirs.sum(-1)[0].detach()
    difference = float((theirs - ig.scores).abs().max() / theirs.abs().max())
    print(f"captum vs lesson_lib: largest difference / largest score = {difference:.1e} "
          f"(within 1e-4: {difference <= 1e-4})")

# %% [md ko]
# ## 연습 3 (바꿔 보기): 방법들이 엇갈리는 문장 만들기
#
# 마지막 층 `[CLS]` 어텐션이 가장 많이 보는 단어와, 적분 기울기에서 (모델이 고른 라벨 쪽으로) 가장 큰 점수를 받는 단어가 **다른** 영어 문장을 직접 만들어 `answer`에 쓰세요. 힌트: 대조("but")가 있거나 긍정과 부정 단어가 함께 있는 문장을 써 보세요. 위의 위젯으로 먼저 실험해도 좋습니다.

# %% [md en]
# ## Exercise 3 (modify): make a sentence where the methods disagree
#
# Write an English sentence of your own where the word the last layer's `[CLS]` attention looks at most is **not** the word with the largest integrated-gradients score (towards the label the model chose), and put it in `answer`. Hint: try a contrast ("but"), or positive and negative words in one sentence. You can experiment in the widget above first.

# %% tags=["exercise"]
answer = None  # [ko] 문장 하나, 예: "The food was great." [en] a sentence, e.g. "The food was great."

# %% tags=["solution"]
answer = "The chef clearly cares about quality."

# %% tags=["check"]
ok = False
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 문장을 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a sentence in answer and run again."}[LANG])
elif not isinstance(answer, str) or len(answer.split()) < 2:
    print({"ko": "answer에는 단어가 두 개 이상인 문장을 문자열로 쓰세요.",
           "en": "answer should be a sentence of at least two words, as a string."}[LANG])
else:
    mine_ig, mine_cls = X.integrated_gradients(model, tok, answer), X.cls_attention(model, tok, answer)
    by_ig, by_attention = mine_ig.top_words(1)[0], mine_cls.top_words(1)[0]
    ok = by_ig != by_attention
    if ok:
        print({"ko": f"정답입니다! 어텐션은 '{by_attention}'을(를) 가장 많이 보지만, {mine_ig.label} 쪽으로 가장 크게 민 "
                     f"단어는 '{by_ig}'입니다.",
               "en": f"Correct! Attention looks at '{by_attention}' most, but the word that pushed hardest towards "
                     f"{mine_ig.label} is '{by_ig}'."}[LANG])
    else:
        print({"ko": f"아직 아닙니다: 두 방법 모두 '{by_ig}'을(를) 1등으로 꼽습니다. "
                     "대조(\"but\")가 있거나 긍정과 부정 단어가 함께 있는 문장으로 다시 해 보세요.",
               "en": f"Not yet: both methods put '{by_ig}' first. "
                     "Try a sentence with a contrast (\"but\"), or with positive and negative words together."}[LANG])

# %% [md ko]
# ## 정리
#
# - 설명 방법은 모두 한 라벨(목표)의 로짓에 대해 토큰마다 점수를 줍니다. 방법마다 "중요하다"의 뜻과 비용이 다릅니다.
# - 기울기 × 입력(순전파 + 역전파 1번)은 지금 점 근처만 봅니다. 포화된 단어에는 부호까지 틀린 점수를 줄 수 있습니다.
# - 적분 기울기는 기준선에서 문장까지의 경로 적분이고, 완전성 $\sum_i \mathrm{IG}_i = f_c(e) - f_c(e')$으로 점이 충분한지(`delta`) 확인할 수 있습니다. 답은 기준선에 따라 달라집니다.
# - 가림은 직관적이지만 모델이 본 적 없는 문장을 만듭니다. 어텐션(롤아웃, `[CLS]`)에는 부호도 목표 라벨도 없어서, 적분 기울기나 가림과 순위가 거의 맞지 않습니다. 어텐션은 설명이 아닙니다.
# - 사람은 단어를 묻고 모델은 워드피스를 읽으므로 점수는 단어로 더해서 봅니다. 512토큰보다 긴 글은 앞부분만 설명됩니다.
# - 한국어 문장은 `ExplainView`가 09장의 `KOREAN_MODEL`로 설명합니다.

# %% [md en]
# ## Summary
#
# - Every explanation method gives each token a score for one label's logit (the target); what "important" means, and what it costs, differs.
# - Gradient × input (1 forward + 1 backward pass) only looks near the current point; for a saturated word its score can have the wrong sign.
# - Integrated gradients is a path integral from a baseline to the sentence; completeness, $\sum_i \mathrm{IG}_i = f_c(e) - f_c(e')$, tells whether the points are enough (`delta`). The answer depends on the baseline.
# - Occlusion is intuitive but builds sentences the model never saw. Attention (rollout, `[CLS]`) has no sign and no target label, and ranks words almost unlike integrated gradients and occlusion: attention is not an explanation.
# - People ask about words, the model reads WordPieces: add the scores up to words. Text longer than 512 tokens is explained only up to there.
# - Korean sentences are explained by `ExplainView` with chapter 09's `KOREAN_MODEL`.
