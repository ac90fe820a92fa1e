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

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer
from lesson_lib import functional as F

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
batch = tok(texts, padding=True, truncation=True, max_length=512, return_tensors="pt")
with torch.no_grad():
    outputs = model(**batch)
logits = outputs.logits  # (B, 2): one score per label
print(outputs)
print(model.config.id2label)

# %% [md ko]
# ## 소프트맥스를 손으로
#
# 소프트맥스는 두 단계입니다. `exp`로 모든 로짓을 양수로 만들고, 줄마다 합으로 나눠 합이 1이 되게 합니다.
# 손으로 계산한 결과, `lesson_lib`의 `softmax`, PyTorch의 `torch.softmax`가 모두 같은지 확인합니다.

# %% [md en]
# ## Softmax by hand
#
# Softmax is two steps: `exp` makes every score positive, and dividing by each row's sum makes the row add up to 1.
# We check that the by-hand result, `lesson_lib`'s `softmax` and PyTorch's `torch.softmax` all agree.

# %%
e = torch.exp(logits)
probs = e / e.sum(dim=-1, keepdim=True)  # (B, 2)
print(probs)
print("row sums:", probs.sum(dim=-1).round(decimals=4))  # rounded: the last bit of a float sum varies by machine

assert torch.allclose(probs, F.softmax(logits, dim=-1))  # lesson_lib, the function the chapters use
assert torch.allclose(probs, torch.softmax(logits, dim=-1))  # PyTorch's own
assert torch.allclose(probs.sum(dim=-1), torch.ones(2))

# %% [md ko]
# 가장 큰 확률의 라벨이 모델의 답입니다. 로짓이 가장 큰 라벨과 같습니다. `exp`는 순서를 바꾸지 않으니까요.

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
# 로짓이 크면 `exp`가 넘칩니다(`inf`). `inf / inf`는 `nan`입니다. 모든 로짓에서 같은 수를 빼도 분수의 값은 그대로이므로, 최댓값을 빼서 가장 큰 값을 `exp(0) = 1`로 만들면 안전합니다.

# %% [md en]
# ### Why does `lesson_lib`'s softmax subtract the maximum first?
#
# Large scores make `exp` overflow (`inf`), and `inf / inf` is `nan`. Subtracting the same number from every score leaves the fraction unchanged, so subtracting the maximum (the largest becomes `exp(0) = 1`) is safe.

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
# 로짓을 온도 T로 나눈 뒤 소프트맥스를 하면, T < 1은 확률을 더 뾰족하게(자신 있게), T > 1은 더 평평하게 만듭니다. 답(가장 큰 확률의 라벨)은 바뀌지 않습니다.

# %% [md en]
# ## Temperature
#
# Dividing the scores by a temperature T before softmax makes the probabilities sharper (more confident) for T < 1 and flatter for T > 1. The answer (the label with the largest probability) does not change.

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
# 이 손실은 **교차 엔트로피**입니다. 문장마다 "정답 라벨의 확률"의 `-log`를 구하고, 배치에 대해 평균을 냅니다.
# 정답 확률이 1에 가까우면 손실은 0에 가깝고, 0에 가까우면 손실이 커집니다. 학습은 이 값을 줄이는 일입니다(08장).

# %% [md en]
# ## Loss: when you give the right answers
#
# Give labels as well (`labels=torch.tensor([1, 0])`: label 1 for the first sentence, label 0 for the second) and the model also returns a `loss`.
# It is the **cross-entropy**: for each sentence, `-log` of the probability of the right label, averaged over the batch.
# A right-label probability near 1 gives a loss near 0; near 0, the loss grows. Training means making this number smaller (chapter 08).

# %%
labels = torch.tensor([1, 0])
with torch.no_grad():
    outputs = model(**batch, labels=labels)
print(outputs)

p_right = probs[torch.arange(len(labels)), labels]  # the probability of each sentence's right label
loss_by_hand = -torch.log(p_right).mean()
print("p(right label):", p_right, "  loss by hand:", loss_by_hand)

assert torch.allclose(loss_by_hand, outputs.loss, atol=1e-6)
assert torch.allclose(F.cross_entropy(logits, labels), outputs.loss)  # lesson_lib's, used by the model
assert torch.allclose(torch.nn.functional.cross_entropy(logits, labels), outputs.loss)  # PyTorch's

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
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
folder = Path(tempfile.mkdtemp()) / "model"
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
# ## 연습 문제
#
# 라벨을 반대로 `[0, 1]`로 주면 손실은 얼마일까요? 위의 `probs`로 손으로 계산해서 소수점 넷째 자리까지 `answer`에 쓰고 확인하세요.

# %% [md en]
# ## Exercise
#
# What is the loss with the labels swapped, `[0, 1]`? Compute it by hand from `probs` above, write it in `answer` to 4 decimals, and check.

# %% tags=["exercise"]
answer = None  # a number, e.g. 0.1234

# %% tags=["check"]
with torch.no_grad():
    expected = float(model(**batch, labels=torch.tensor([0, 1])).loss)
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif abs(answer - expected) < 5e-4:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], round(expected, 4))
else:
    print({"ko": "아직 아닙니다. 힌트: 문장마다 -log(정답 라벨의 확률)을 구한 뒤 평균을 내세요.",
           "en": "Not yet. Hint: -log(probability of the right label) for each sentence, then the mean."}[LANG])
