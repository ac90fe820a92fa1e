# %% [md ko]
# # 04 소프트맥스와 손실: 로짓에서 확률로, 확률에서 손실로
#
# 모델이 내놓은 점수인 로짓(logits)을 소프트맥스로 확률로 바꾸고, 정답 라벨이 주어졌을 때 모델이 계산하는 손실(교차 엔트로피)을 직접 계산해 봅니다.
#
# 모델의 마지막 출력은 확률이 아니라 아무 실수나 될 수 있는 점수입니다. 학습할 때는 손실 함수가 소프트맥스를 함께 계산하는 편이 수치적으로 안전하기 때문에, 허깅페이스 모델은 소프트맥스 **전**의 값을 돌려줍니다.

# %% [md en]
# # 04 Softmax and loss: from logits to probabilities, from probabilities to a loss
#
# Turn the model's scores (logits) into probabilities with softmax, and compute by hand the loss (cross-entropy) the model reports when it is given the right labels.
#
# The model's last output is not a probability but a score that can be any real number. In training it is numerically safer to let the loss function do the softmax, so Hugging Face models return the values **before** softmax.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - 로짓을 소프트맥스로 확률로 바꾸고, 그 식을 코드 한 줄 한 줄과 맞춰 읽습니다.
# - 온도가 확률을 어떻게 바꾸는지, 그런데도 답(가장 큰 확률의 라벨)은 왜 그대로인지 설명합니다.
# - 배치의 교차 엔트로피 손실을 손으로 계산해 모델의 `loss`와 비교합니다.
# - `torch.no_grad()`와 출력에 보이는 `grad_fn`이 무엇인지 말할 수 있습니다.
#
# **전제**: 03장(모델이 로짓을 내는 과정). 지수 함수 $e^x$와 자연로그 $\log$를 고등학교 수준에서 알면 충분합니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-10분 | 로짓, `torch.no_grad()`와 `grad_fn`, 소프트맥스를 손으로 |
# | 10-20분 | 온도: 연습 1(예측), 위젯 |
# | 20-35분 | 손실: 교차 엔트로피, 퀵투어의 숫자, 연습 2(계산) |
# | 35-45분 | 연습 3(온도 바꾸기) |
# | 45-50분 | 정리 |
#
# 짧은 수업에서는 "왜 `lesson_lib`의 softmax는 최댓값을 먼저 뺄까?", "출력 객체 다루기", "🤗 Transformers에서는" 절을 건너뛰어도 됩니다.

# %% [md en]
# ## Goals of this chapter
#
# **After this chapter you can**
#
# - turn logits into probabilities with softmax, and read the formula line by line against the code;
# - explain what temperature does to the probabilities, and why the answer (the most probable label) stays the same;
# - compute a batch's cross-entropy loss by hand and compare it with the model's `loss`;
# - say what `torch.no_grad()` and the `grad_fn` in printed outputs are.
#
# **It assumes** chapter 03 (how the model produces logits), and the exponential $e^x$ and the natural logarithm $\log$ at secondary-school level.
#
# **A 50-minute plan**
#
# | time | what |
# |---|---|
# | 0-10 min | the logits, `torch.no_grad()` and `grad_fn`, softmax by hand |
# | 10-20 min | temperature: exercise 1 (predict), the widget |
# | 20-35 min | the loss: cross-entropy, the quick tour's numbers, exercise 2 (compute) |
# | 35-45 min | exercise 3 (change the temperature) |
# | 45-50 min | summary |
#
# In a short lesson, skip the sections "Why does `lesson_lib`'s softmax subtract the maximum first?", "Working with the output object" and "In 🤗 Transformers".

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer
from lesson_lib import functional as F

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
batch = tok(texts, padding=True, truncation=True, max_length=512, return_tensors="pt")
with torch.no_grad():
    outputs = model(**batch)
logits = outputs.logits  # [ko] (B, 2): 라벨마다 점수 하나 [en] (B, 2): one score per label
print(outputs)
print(model.config.id2label)

# %% [md ko]
# ### `torch.no_grad()`와 `grad_fn`
#
# 위 셀은 모델을 `with torch.no_grad():` 안에서 불렀습니다. PyTorch는 보통 계산을 할 때마다 "이 값이 어떤 계산에서 나왔는지"를 기록해 둡니다. 학습할 때 손실의 기울기를 거꾸로 따라가며 계산하려면(08장) 그 기록이 필요하기 때문입니다.
# 텐서에 붙은 `grad_fn`이 그 기록의 마지막 고리입니다. 퀵투어의 출력에 보이는 `grad_fn=<AddmmBackward0>`는 "이 값을 만든 마지막 계산이 행렬 곱 더하기 편향(`addmm`, 분류기의 선형 변환)이었다"는 뜻입니다.
# 예측만 할 때는 기록이 쓸모없으므로 `torch.no_grad()`로 끕니다. 값은 똑같고, 메모리와 시간만 줄어듭니다.

# %% [md en]
# ### `torch.no_grad()` and `grad_fn`
#
# The cell above called the model inside `with torch.no_grad():`. Normally PyTorch records, for every result, which computation produced it: training needs that record to work the loss's gradient backwards (chapter 08).
# The `grad_fn` attached to a tensor is the last link of that record. The quick tour's output shows `grad_fn=<AddmmBackward0>`: "the last computation that made this value was a matrix product plus a bias (`addmm`, the classifier's linear map)".
# To predict, nobody needs the record, so `torch.no_grad()` switches it off: the same values, less memory and time.

# %%
tracked = model(**batch).logits  # [ko] no_grad 없이: 기록이 남습니다 [en] without no_grad: the record is kept
print(tracked)
print("grad_fn:", tracked.grad_fn.name(), "| inside no_grad:", logits.grad_fn)
assert torch.allclose(tracked, logits) and logits.grad_fn is None

# %% [md ko]
# ## 소프트맥스를 손으로
#
# 소프트맥스는 두 단계입니다. `exp`로 모든 로짓을 양수로 만들고, 줄마다 합으로 나눠 합이 1이 되게 합니다.
# 로짓을 $z$(모양 (B, C): 문장 B개, 라벨 C = 2개)라고 하면, 문장 $b$가 라벨 $c$일 확률은
#
# $$p_{b,c} = \mathrm{softmax}(z_b)_c = \frac{e^{z_{b,c}}}{\sum_{c'=1}^{C} e^{z_{b,c'}}}$$
#
# 입니다. 아래 코드의 `e = torch.exp(logits)`가 분자이고, `e.sum(dim=-1, keepdim=True)`가 분모입니다(`dim=-1`: 마지막 축, 라벨 축을 따라 더합니다. `keepdim=True`는 (B, 1) 모양을 남겨 줄마다 나눌 수 있게 합니다).
# 손으로 계산한 결과, `lesson_lib`의 `softmax`, PyTorch의 `torch.softmax`가 모두 같은지 확인합니다.

# %% [md en]
# ## Softmax by hand
#
# Softmax is two steps: `exp` makes every score positive, and dividing by each row's sum makes the row add up to 1.
# Call the logits $z$ (shape (B, C): B sentences, C = 2 labels). The probability that sentence $b$ has label $c$ is
#
# $$p_{b,c} = \mathrm{softmax}(z_b)_c = \frac{e^{z_{b,c}}}{\sum_{c'=1}^{C} e^{z_{b,c'}}}$$
#
# In the code below, `e = torch.exp(logits)` is the numerator and `e.sum(dim=-1, keepdim=True)` the denominator (`dim=-1`: sum along the last axis, the labels; `keepdim=True` keeps the shape (B, 1) so that each row is divided by its own sum).
# We check that the by-hand result, `lesson_lib`'s `softmax` and PyTorch's `torch.softmax` all agree.

# %%
e = torch.exp(logits)
probs = e / e.sum(dim=-1, keepdim=True)  # (B, 2)
print(probs)
# [ko] 반올림: 실수 합의 마지막 자리는 컴퓨터마다 다를 수 있습니다
# [en] rounded: the last bit of a float sum varies by machine
print("row sums:", probs.sum(dim=-1).round(decimals=4))

# [ko] lesson_lib의 함수, 여러 장에서 씁니다
# [en] lesson_lib, the function the chapters use
assert torch.allclose(probs, F.softmax(logits, dim=-1))
assert torch.allclose(probs, torch.softmax(logits, dim=-1))  # [ko] PyTorch의 함수 [en] PyTorch's own
assert torch.allclose(probs.sum(dim=-1), torch.ones(2))

# %% [md ko]
# 가장 큰 확률의 라벨이 모델의 답입니다. `exp`는 순서를 바꾸지 않으므로, 로짓이 가장 큰 라벨과 같습니다.

# %% [md en]
# The label with the largest probability is the model's answer. It is also the label with the largest score, since `exp` keeps the order.

# %%
best = probs.argmax(dim=-1)
assert torch.equal(best, logits.argmax(dim=-1))
for text, p, i in zip(texts, probs, best):
    print(f"{model.config.id2label[int(i)]:9} {float(p[i]):.4f}  {text}")

# %% [md ko]
# ### 왜 `lesson_lib`의 softmax는 최댓값을 먼저 뺄까?
#
# 로짓이 크면 `exp`가 넘칩니다(`inf`). `inf / inf`는 `nan`입니다. 모든 로짓에서 같은 수 $m$을 빼도 분수의 값은 그대로이므로($e^{-m}$이 분자와 분모에서 약분됩니다), 최댓값 $m = \max_{c'} z_{c'}$을 빼서 가장 큰 값을 `exp(0) = 1`로 만들면 안전합니다.
#
# $$\frac{e^{z_c - m}}{\sum_{c'} e^{z_{c'} - m}} = \frac{e^{-m}\, e^{z_c}}{e^{-m} \sum_{c'} e^{z_{c'}}} = \frac{e^{z_c}}{\sum_{c'} e^{z_{c'}}}$$

# %% [md en]
# ### Why does `lesson_lib`'s softmax subtract the maximum first?
#
# Large scores make `exp` overflow (`inf`), and `inf / inf` is `nan`. Subtracting the same number $m$ from every score leaves the fraction unchanged ($e^{-m}$ cancels between numerator and denominator), so subtracting the maximum $m = \max_{c'} z_{c'}$ (the largest becomes `exp(0) = 1`) is safe:
#
# $$\frac{e^{z_c - m}}{\sum_{c'} e^{z_{c'} - m}} = \frac{e^{-m}\, e^{z_c}}{e^{-m} \sum_{c'} e^{z_{c'}}} = \frac{e^{z_c}}{\sum_{c'} e^{z_{c'}}}$$

# %%
big = torch.tensor([1000.0, 999.0])
print("exp:        ", torch.exp(big))
print("naive:      ", torch.exp(big) / torch.exp(big).sum())
print("max first:  ", F.softmax(big))

# %% [md ko]
# ## 퀵투어의 숫자
#
# 퀵투어의 로짓 `[[-4.0833, 4.3364], [0.0818, -0.0418]]`은 퀵투어의 모델(DistilBERT SST-2)이 낸 값입니다. 우리 모델은 다른 모델이므로 위의 로짓이 다른 것이 정상입니다.
# 하지만 소프트맥스는 같은 계산이므로, 퀵투어의 로짓을 넣으면 퀵투어의 확률이 그대로 나와야 합니다.

# %% [md en]
# ## The quick tour's numbers
#
# The quick tour's logits `[[-4.0833, 4.3364], [0.0818, -0.0418]]` come from the quick tour's model (DistilBERT SST-2). Ours is a different model, so its logits above differ, and that is expected.
# Softmax, though, is the same computation: feeding it the quick tour's logits must give the quick tour's probabilities.

# %%
seed_logits = torch.tensor([[-4.0833, 4.3364], [0.0818, -0.0418]])
seed_probs = F.softmax(seed_logits, dim=-1)
print(seed_probs)
assert torch.allclose(seed_probs, torch.tensor([[2.2043e-04, 9.9978e-01], [5.3086e-01, 4.6914e-01]]), atol=1e-6)

# %% [md ko]
# ## 온도(temperature)
#
# 소프트맥스 전에 로짓을 온도 $\tau$로 나눌 수 있습니다(코드의 `temperature`, 아래 출력의 `T`입니다. 토큰 수 T와는 다른 기호입니다).
#
# $$p_c = \frac{e^{z_c/\tau}}{\sum_{c'} e^{z_{c'}/\tau}}$$
#
# 라벨이 두 개뿐이면 이 식은 두 로짓의 차이만으로 정해집니다. 분자와 분모를 $e^{z_2/\tau}$로 나누면 $p_2 = 1 / \left(1 + e^{-(z_2 - z_1)/\tau}\right)$입니다.
#
# ### 연습 1 (예측)
#
# 다음 셀을 실행하기 **전에** 예측해 보세요. 퀵투어의 첫 문장(로짓 `[-4.0833, 4.3364]`, $\tau = 1$일 때 POSITIVE 0.9998)에서 $\tau = 10$이면 POSITIVE의 확률은 대략 얼마일까요?
# (a) 거의 1.0 그대로, (b) 약 0.7, (c) 약 0.5, (d) 0.5보다 작아져 답이 NEGATIVE로 바뀜. 글자 하나를 `answer`에 쓰세요.

# %% [md en]
# ## Temperature
#
# Before softmax the logits can be divided by a temperature $\tau$ (`temperature` in the code, `T` in the output below; not the token count T):
#
# $$p_c = \frac{e^{z_c/\tau}}{\sum_{c'} e^{z_{c'}/\tau}}$$
#
# With only two labels, the difference of the two logits decides everything: divide the numerator and the denominator by $e^{z_2/\tau}$ and you get $p_2 = 1 / \left(1 + e^{-(z_2 - z_1)/\tau}\right)$.
#
# ### Exercise 1 (predict)
#
# Predict **before** you run the next cell. For the quick tour's first sentence (logits `[-4.0833, 4.3364]`, POSITIVE 0.9998 at $\tau = 1$), roughly what is the probability of POSITIVE at $\tau = 10$?
# (a) still almost 1.0, (b) about 0.7, (c) about 0.5, (d) below 0.5, so the answer flips to NEGATIVE. Write one letter in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] "a", "b", "c" 또는 "d" [en] "a", "b", "c" or "d"

# %% tags=["solution"]
answer = "b"  # [ko] 차이 8.4197 / 10 = 0.842, 1 / (1 + e^-0.842) = 0.70 [en] difference 8.4197 / 10 = 0.842, 1 / (1 + e^-0.842) = 0.70

# %% tags=["check"]
p_hot = float(F.softmax(seed_logits, dim=-1, temperature=10.0)[0, 1])
ok = answer in ("b", "B")
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 \"a\", \"b\", \"c\", \"d\" 중 하나를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write \"a\", \"b\", \"c\" or \"d\" in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], round(p_hot, 4))
else:
    print({"ko": "아직 아닙니다. 힌트: 로짓 차이 4.3364 - (-4.0833)을 10으로 나누고 1 / (1 + e^(-차이))를 계산해 보세요. 답은 바뀔 수 있을까요?",
           "en": "Not yet. Hint: divide the logit difference 4.3364 - (-4.0833) by 10 and compute 1 / (1 + e^(-difference)). Can the answer flip?"}[LANG])

# %% [md ko]
# 온도마다 확률을 계산해 봅시다. $\tau < 1$은 확률을 더 뾰족하게(자신 있게), $\tau > 1$은 더 평평하게 만듭니다. 그래도 답(가장 큰 확률의 라벨)은 바뀌지 않습니다. 양수 $\tau$로 나누어도 로짓의 순서는 그대로이고, $e^x$도 순서를 바꾸지 않기 때문입니다.

# %% [md en]
# Now the probabilities at several temperatures. $\tau < 1$ makes them sharper (more confident), $\tau > 1$ flatter. The answer (the label with the largest probability) never changes: dividing by a positive $\tau$ keeps the logits in order, and so does $e^x$.

# %%
for T in [0.5, 1.0, 2.0, 10.0]:
    p = F.softmax(seed_logits, dim=-1, temperature=T)
    assert torch.equal(p.argmax(dim=-1), seed_logits.argmax(dim=-1))
    print(f"T = {T:<4}  first sentence {[round(v, 4) for v in p[0].tolist()]}   second {[round(v, 4) for v in p[1].tolist()]}")

# %% [md ko]
# 슬라이더로 온도를 바꿔 보세요.

# %% [md en]
# Move the slider to change the temperature.

# %%
from lesson_lib.views import SoftmaxView

view = SoftmaxView(logits, labels=model.config.id2label, texts=texts, lang=LANG)
view

# %% [md ko]
# ## 손실: 정답을 알려 주면
#
# 라벨을 함께 주면(`labels=torch.tensor([1, 0])`: 첫 문장은 라벨 1, 둘째는 라벨 0) 모델은 `loss`도 돌려줍니다.
# 이 손실은 **교차 엔트로피**입니다. 문장마다 "정답 라벨의 확률"의 `-log`를 구하고, 배치에 대해 평균을 냅니다. 문장 $b$의 정답 라벨을 $y_b$라고 하면
#
# $$\mathcal{L} = -\frac{1}{B} \sum_{b=1}^{B} \log p_{b,\,y_b}$$
#
# 입니다. 코드의 `probs[torch.arange(len(labels)), labels]`가 줄마다 정답 칸 $p_{b,y_b}$를 하나씩 고르고, `-torch.log(...).mean()`이 $-\frac{1}{B}\sum_b \log$입니다.
# 정답 확률이 1에 가까우면 손실은 0에 가깝고($\log 1 = 0$), 0에 가까우면 손실이 한없이 커집니다. 학습은 이 값을 줄이는 일입니다(08장).
# `lesson_lib`의 `cross_entropy`는 확률을 거치지 않고 $\log p_{b,c} = z_{b,c} - m_b - \log \sum_{c'} e^{z_{b,c'} - m_b}$ ($m_b$: 줄의 최댓값)로 바로 계산합니다. 확률 하나가 0으로 반올림되어도 $\log 0$이 나오지 않게 하려는 것입니다.

# %% [md en]
# ## Loss: when you give the right answers
#
# Give labels as well (`labels=torch.tensor([1, 0])`: label 1 for the first sentence, label 0 for the second) and the model also returns a `loss`.
# It is the **cross-entropy**: for each sentence, `-log` of the probability of the right label, averaged over the batch. With $y_b$ the right label of sentence $b$:
#
# $$\mathcal{L} = -\frac{1}{B} \sum_{b=1}^{B} \log p_{b,\,y_b}$$
#
# In the code, `probs[torch.arange(len(labels)), labels]` picks the right-label cell $p_{b,y_b}$ of each row, and `-torch.log(...).mean()` is $-\frac{1}{B}\sum_b \log$.
# A right-label probability near 1 gives a loss near 0 ($\log 1 = 0$); near 0, the loss grows without bound. Training means making this number smaller (chapter 08).
# `lesson_lib`'s `cross_entropy` skips the probabilities and computes $\log p_{b,c} = z_{b,c} - m_b - \log \sum_{c'} e^{z_{b,c'} - m_b}$ ($m_b$: the row's maximum) directly, so that a probability rounded to 0 never gives $\log 0$.

# %%
labels = torch.tensor([1, 0])
with torch.no_grad():
    outputs = model(**batch, labels=labels)
print(outputs)

p_right = probs[torch.arange(len(labels)), labels]  # [ko] 문장마다 정답 라벨의 확률 [en] the probability of each sentence's right label
loss_by_hand = -torch.log(p_right).mean()
print("p(right label):", p_right, "  loss by hand:", loss_by_hand)

assert torch.allclose(loss_by_hand, outputs.loss, atol=1e-6)
# [ko] lesson_lib의 함수, 모델이 쓰는 것
# [en] lesson_lib's, used by the model
assert torch.allclose(F.cross_entropy(logits, labels), outputs.loss)
assert torch.allclose(torch.nn.functional.cross_entropy(logits, labels), outputs.loss)  # [ko] PyTorch의 함수 [en] PyTorch's

# %% [md ko]
# 퀵투어의 손실 0.3167도 퀵투어의 로짓으로 다시 만들 수 있습니다. 퀵투어의 텐서플로 예제는 평균을 내기 전, 문장별 손실 `[2.2051e-04, 6.3326e-01]`을 보여 줍니다.

# %% [md en]
# The quick tour's loss, 0.3167, can be rebuilt from its logits too. The quick tour's TensorFlow example shows the per-sentence losses before averaging, `[2.2051e-04, 6.3326e-01]`.

# %%
per_sentence = -torch.log(F.softmax(seed_logits, dim=-1)[torch.arange(2), labels])
print(per_sentence, per_sentence.mean())
assert torch.allclose(per_sentence, torch.tensor([2.2051e-04, 6.3326e-01]), atol=1e-5)
assert round(float(F.cross_entropy(seed_logits, labels)), 4) == 0.3167

# %% [md ko]
# ### 출력 객체 다루기
#
# 모델의 출력은 데이터클래스처럼(`outputs.loss`), 딕셔너리처럼(`outputs["logits"]`), 튜플처럼(`outputs[0]`) 쓸 수 있습니다. 값이 `None`인 항목은 딕셔너리와 튜플에서 빠집니다.
# 그래서 라벨을 주면 `outputs[0]`은 손실이고, 주지 않으면 로짓입니다.

# %% [md en]
# ### Working with the output object
#
# The model's output works like a dataclass (`outputs.loss`), a dict (`outputs["logits"]`) and a tuple (`outputs[0]`). Fields that are `None` are left out of the dict and tuple views.
# So `outputs[0]` is the loss when labels were given, and the logits otherwise.

# %%
print(list(outputs.keys()))
assert outputs[0] is outputs.loss and outputs["logits"] is outputs.logits
with torch.no_grad():
    no_labels = model(**batch)
print(list(no_labels.keys()))
assert no_labels[0] is no_labels.logits

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 🤗 Transformers의 모델도 라벨을 함께 넘기면 같은 교차 엔트로피 손실을 계산하고, 결과는 `loss`와 `logits`를 담은 `SequenceClassifierOutput`입니다. 이름과 순서(`outputs[0]`은 손실)가 이 장과 같습니다.
# 키트가 저장한 폴더를 🤗 Transformers로 불러와, 소프트맥스로 구한 확률과 손실을 이 장의 값과 비교해 봅시다. 🤗 Transformers에는 `lesson_lib.functional`이 없으니 `torch.softmax`를 씁니다. 온도(`temperature`)를 받는 소프트맥스와 `SoftmaxView`는 이 키트에만 있습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# 🤗 Transformers' models also compute the same cross-entropy loss when you pass the labels, and answer with a `SequenceClassifierOutput` holding `loss` and `logits`: the same names and order (`outputs[0]` is the loss) as in this chapter.
# Load the folder the kit saved with 🤗 Transformers and compare the softmax probabilities and the loss with this chapter's. 🤗 Transformers has no `lesson_lib.functional`, so `torch.softmax` does the softmax. The softmax with a `temperature` and `SoftmaxView` are this kit's only.

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

with torch.no_grad():
    hf_out = hf_model(**batch, labels=labels)
hf_probs = torch.softmax(hf_out.logits, dim=-1)
print(type(hf_out).__name__, list(hf_out.keys()))
print("probabilities:", hf_probs)
print("loss:", round(float(hf_out.loss), 4), " kit:", round(float(outputs.loss), 4))
same = torch.allclose(hf_probs, probs, atol=1e-5) and torch.allclose(hf_out.loss, outputs.loss, atol=1e-5)
print("allclose (atol 1e-5):", same)
assert same and list(hf_out.keys()) == list(outputs.keys())

# %% [md ko]
# ## 연습 2 (계산)
#
# 라벨을 반대로 `[0, 1]`로 주면 손실은 얼마일까요? 위에 출력된 `probs`(소수점 넷째 자리)로 손으로(또는 `math.log`로) 계산해서 소수점 넷째 자리까지 `answer`에 쓰고 확인하세요.
# 출력된 네 자리 확률로 계산한 값도, 반올림 전의 확률로 계산한 값도 정답으로 받습니다.

# %% [md en]
# ## Exercise 2 (compute)
#
# What is the loss with the labels swapped, `[0, 1]`? Compute it by hand (or with `math.log`) from the `probs` printed above (4 decimals), write it in `answer` to 4 decimals, and check.
# A result computed from the printed 4-digit probabilities counts as right, and so does one from the unrounded probabilities.

# %% tags=["exercise"]
answer = None  # [ko] 숫자, 예: 0.1234 [en] a number, e.g. 0.1234

# %% tags=["solution"]
answer = 3.9735  # [ko] -(log 0.0023 + log 0.1538) / 2, 출력된 확률로 [en] -(log 0.0023 + log 0.1538) / 2, from the printed probabilities

# %% tags=["check"]
import math

with torch.no_grad():
    expected = float(model(**batch, labels=torch.tensor([0, 1])).loss)
printed = probs.round(decimals=4)  # [ko] 화면에 출력된 네 자리 확률 [en] the 4-digit probabilities on the screen
from_printed = -(math.log(float(printed[0, 0])) + math.log(float(printed[1, 1]))) / 2
ok = isinstance(answer, (int, float)) and min(abs(answer - expected), abs(answer - from_printed)) < 1e-3
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], round(expected, 4), f"({round(from_printed, 4)})")
else:
    print({"ko": "아직 아닙니다. 힌트: 문장마다 -log(정답 라벨의 확률)을 구한 뒤 평균을 내세요.",
           "en": "Not yet. Hint: -log(probability of the right label) for each sentence, then the mean."}[LANG])

# %% [md ko]
# ## 연습 3 (바꿔 보기)
#
# 퀵투어의 첫 문장은 $\tau = 1$에서 POSITIVE가 0.9998입니다. 온도를 바꿔 POSITIVE의 확률이 **0.9보다 작아지게**(그래도 답은 POSITIVE로 남게) 만들어 보세요. 그런 온도 하나를 `answer`에 쓰세요.
# 힌트: 연습 1 위의 식 $p_2 = 1 / (1 + e^{-(z_2 - z_1)/\tau})$에서 $p_2 < 0.9$가 되려면 $(z_2 - z_1)/\tau < \log 9$이어야 합니다.

# %% [md en]
# ## Exercise 3 (modify)
#
# The quick tour's first sentence is POSITIVE with 0.9998 at $\tau = 1$. Change the temperature so that the probability of POSITIVE drops **below 0.9** (with the answer still POSITIVE). Write one such temperature in `answer`.
# Hint: with the formula above exercise 1, $p_2 = 1 / (1 + e^{-(z_2 - z_1)/\tau})$, $p_2 < 0.9$ needs $(z_2 - z_1)/\tau < \log 9$.

# %% tags=["exercise"]
answer = None  # [ko] 온도, 예: 1.5 [en] a temperature, e.g. 1.5

# %% tags=["solution"]
answer = 4.0  # [ko] (4.3364 + 4.0833) / log 9 = 3.83보다 큰 온도면 됩니다 [en] any temperature above (4.3364 + 4.0833) / log 9 = 3.83

# %% tags=["check"]
ok = False
if isinstance(answer, (int, float)) and answer > 0:
    p_first = float(F.softmax(seed_logits, dim=-1, temperature=float(answer))[0, 1])
    ok = 0.5 < p_first < 0.9
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 온도(양수)를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a temperature (a positive number) in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], "P(POSITIVE) =", round(p_first, 4))
elif not isinstance(answer, (int, float)) or answer <= 0:
    print({"ko": "온도는 0보다 큰 수여야 합니다.", "en": "A temperature is a number above 0."}[LANG])
else:
    print({"ko": f"온도 {answer}에서 P(POSITIVE) = {p_first:.4f}입니다. 더 평평하게 하려면 온도를 키우세요.",
           "en": f"At temperature {answer}, P(POSITIVE) = {p_first:.4f}. To flatten it, raise the temperature."}[LANG])

# %% [md ko]
# ## 정리
#
# - 모델은 확률이 아니라 로짓 $z$(모양 (B, C))를 내놓습니다. 소프트맥스 $p_{b,c} = e^{z_{b,c}} / \sum_{c'} e^{z_{b,c'}}$가 줄마다 합이 1인 확률로 바꿉니다. 가장 큰 로짓의 라벨이 곧 가장 큰 확률의 라벨입니다.
# - 모든 로짓에서 최댓값을 빼도 소프트맥스는 그대로여서, `lesson_lib`은 넘침을 막으려고 그렇게 계산합니다.
# - 온도 $\tau$로 나누면 확률이 뾰족해지거나($\tau < 1$) 평평해지지만, 답은 바뀌지 않습니다.
# - 손실은 교차 엔트로피 $\mathcal{L} = -\frac{1}{B}\sum_b \log p_{b,y_b}$, 정답 라벨 확률의 음의 로그를 배치에 대해 평균한 값입니다. 라벨을 주면 모델이 `loss`로 돌려줍니다.
# - `torch.no_grad()`는 학습에 필요한 계산 기록(`grad_fn`)을 끕니다. 예측만 할 때 씁니다.
#
# 다음 장(05)에서는 소프트맥스가 모델 **안**에서, 어텐션 가중치를 만드는 데 다시 쓰이는 것을 봅니다.

# %% [md en]
# ## Summary
#
# - The model outputs logits $z$ (shape (B, C)), not probabilities. Softmax, $p_{b,c} = e^{z_{b,c}} / \sum_{c'} e^{z_{b,c'}}$, turns each row into probabilities that sum to 1; the label with the largest logit is the label with the largest probability.
# - Subtracting the maximum from every logit leaves softmax unchanged, so `lesson_lib` does that to avoid overflow.
# - Dividing by a temperature $\tau$ sharpens ($\tau < 1$) or flattens the probabilities, but never changes the answer.
# - The loss is the cross-entropy $\mathcal{L} = -\frac{1}{B}\sum_b \log p_{b,y_b}$: minus the log of the right label's probability, averaged over the batch. Given labels, the model returns it as `loss`.
# - `torch.no_grad()` switches off the record of computations (`grad_fn`) that training needs; use it to predict.
#
# The next chapter (05) shows softmax again **inside** the model, making the attention weights.
