# %% [md ko]
# # 08 미세 조정: `Trainer` 안의 학습 루프를 직접 쓰기
#
# 라벨이 붙은 작은 한국어·영어 문장 모음으로 사전학습 모델에 새 분류기를 학습시킵니다. 순전파, `loss.backward()`, `optimizer.step()`, `zero_grad()`로 된 짧은 루프를 직접 돌리고, 손실 곡선과 학습 전후의 예측을 비교합니다.
#
# 허깅페이스의 `Trainer`는 이 루프에 편의 기능을 많이 얹은 것입니다. 루프 자체는 몇 줄뿐이고, 모델은 평범한 `torch.nn.Module`이라 PyTorch의 어떤 학습 코드에서도 쓸 수 있습니다.

# %% [md en]
# # 08 Fine-tuning: the training loop inside `Trainer`, written out
#
# Train a new classifier on top of a pre-trained model with a small set of labelled Korean and English sentences. Run a short loop of forward pass, `loss.backward()`, `optimizer.step()` and `zero_grad()` yourself, and compare the loss curve and the predictions before and after.
#
# Hugging Face's `Trainer` is this loop with many conveniences on top. The loop itself is a few lines, and the model is an ordinary `torch.nn.Module`, so any PyTorch training code can use it.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - 배치의 평균 교차 엔트로피 손실과 그 기울기 $(p - \text{원-핫})/B$를 손으로 계산하고 `model(**batch, labels=labels).loss`와 맞춰 봅니다.
# - 학습 루프의 네 줄(순전파, `backward`, `step`, `zero_grad`)을 쓰고, 줄마다 무엇을 하는지 설명합니다.
# - SGD와 AdamW의 갱신 식을 읽고, AdamW의 첫 스텝이 기울기 크기와 상관없이 학습률만큼 움직인다는 것을 계산합니다.
# - 몸통의 일부를 동결(`requires_grad = False`)하고 학습하는 파라미터 수를 셉니다.
# - 손으로 쓴 루프와 `Trainer`가 같은 일을 한다는 것을 손실로 확인하고, `TrainingArguments`의 설정이 루프의 어디를 바꾸는지(학습률 스케줄 포함) 말합니다.
#
# **전제**: 04장(소프트맥스와 교차 엔트로피), 07장(몸통과 새 헤드). `torch.no_grad()`(00장)와 `**batch`(02장)를 다시 씁니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-8분 | 데이터, 무작위 분류기의 예측, 동결 |
# | 8-20분 | 연습 1(첫 배치의 손실 예상), 손실과 기울기를 손으로, `grad_fn` |
# | 20-30분 | SGD와 AdamW, 연습 2(AdamW의 첫 스텝), 학습 루프 실행 |
# | 30-38분 | 학습 후의 예측, 한국어 모델로 같은 루프 |
# | 38-46분 | `Trainer`로 같은 학습, `TrainingArguments`와 학습률 스케줄 |
# | 46-50분 | 연습 3, 정리 |
#
# 짧은 수업(30분)에서는 "한국어 모델로 같은 루프"의 두 셀과 위젯, 그리고 그 한국어 모델을 쓰는 "🤗 Transformers에서는" 절을 건너뛰세요. `Trainer` 절은 학습 루프 셀 바로 다음에 실행해야 합니다(학습 전 가중치 `start`를 씁니다).

# %% [md en]
# ## This chapter
#
# **After it you can**
#
# - work out a batch's mean cross-entropy loss and its gradient $(p - \text{one-hot})/B$ by hand, and match them with `model(**batch, labels=labels).loss`;
# - write the four lines of a training loop (forward, `backward`, `step`, `zero_grad`) and say what each one does;
# - read the update rules of SGD and AdamW, and work out that AdamW's first step moves a weight by the learning rate whatever the size of its gradient;
# - freeze part of the body (`requires_grad = False`) and count the parameters that train;
# - check with the losses that the hand-written loop and `Trainer` do the same thing, and say which part of the loop each `TrainingArguments` setting changes (the learning-rate schedule too).
#
# **It assumes** chapter 04 (softmax and cross-entropy) and chapter 07 (a body and a new head). `torch.no_grad()` (chapter 00) and `**batch` (chapter 02) come back.
#
# **A 50-minute plan**
#
# | minutes | what |
# |---|---|
# | 0-8 | the data, a random classifier's predictions, freezing |
# | 8-20 | exercise 1 (predict the first batch's loss), the loss and its gradient by hand, `grad_fn` |
# | 20-30 | SGD and AdamW, exercise 2 (AdamW's first step), running the loop |
# | 30-38 | predictions after training, the same loop with the Korean model |
# | 38-46 | the same training with `Trainer`, `TrainingArguments` and the learning-rate schedule |
# | 46-50 | exercise 3, summary |
#
# In a short lesson (30 minutes), skip the two cells and the widget of "The same loop with a Korean model" and the "In 🤗 Transformers" section, which uses that Korean model. Run the `Trainer` section right after the training loop: it uses `start`, the weights from before training.

# %% [md ko]
# ## 데이터: 직접 쓴 문장 160개
#
# `lesson_lib/data/mini_sentiment.tsv`에는 이 키트를 위해 쓴 짧은 리뷰 문장이 들어 있습니다. 영어 80개, 한국어 80개이고, 각각 긍정(1)과 부정(0)이 반씩입니다.
# 한 줄에 `label`, `lang`, `split`, `text`가 탭으로 나뉘어 있습니다. `split`이 `test`인 32문장은 학습에 쓰지 않고, 모델이 처음 보는 문장에서도 맞히는지 확인하는 데만 씁니다.

# %% [md en]
# ## The data: 160 sentences written for this kit
#
# `lesson_lib/data/mini_sentiment.tsv` holds short review sentences written for this kit: 80 English, 80 Korean, each half positive (1) and half negative (0).
# Each line has `label`, `lang`, `split` and `text`, separated by tabs. The 32 sentences whose `split` is `test` are never trained on: they only check whether the model gets sentences right that it has never seen.

# %%
import csv
from collections import Counter
from pathlib import Path

import lesson_lib

data_file = Path(lesson_lib.__file__).parent / "data" / "mini_sentiment.tsv"
with open(data_file, encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
train = [r for r in rows if r["split"] == "train"]
test = [r for r in rows if r["split"] == "test"]

print(data_file.relative_to(data_file.parents[2]), "-", len(rows), "sentences")
for split, part in [("train", train), ("test", test)]:
    counts = Counter((r["lang"], r["label"]) for r in part)
    print(f"{split:6}", ", ".join(f"{lang} label {label}: {n}" for (lang, label), n in sorted(counts.items())))
print(train[0])

# %% [md ko]
# ## 모델: 사전학습 몸통 + 새 분류기
#
# 07장에서 본 것처럼, 몸통은 사전학습된 것을 그대로 쓰고 분류기만 새로 만듭니다. 이번에는 감성 헤드가 **없는** 기본 모델의 몸통(`BASE_MODEL`, all-MiniLM-L6-v2)에서 시작해서, 분류기가 무작위로 시작해 배워 가는 모습을 처음부터 보겠습니다.
# 라벨 이름은 `id2label`로 정해 줍니다.

# %% [md en]
# ## The model: a pre-trained body + a new classifier
#
# As in chapter 07, the body is the pre-trained one and only the classifier is new. This time we start from the default model's body **without** its sentiment head (`BASE_MODEL`, all-MiniLM-L6-v2), so you can watch a random classifier learn from the very beginning.
# `id2label` names the labels.

# %%
from lesson_lib import BASE_MODEL, AutoModelForSequenceClassification, AutoTokenizer

tok = AutoTokenizer.from_pretrained(BASE_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(BASE_MODEL, id2label={0: "NEGATIVE", 1: "POSITIVE"})
print(type(model).__name__, model.config.id2label)

# %% [md ko]
# 경고대로 분류기는 아직 무작위입니다. 학습 전에 예측이 어떤지 봅시다. 시험용(test) 문장 몇 개와, 시험용 문장 전체의 정확도입니다.

# %% [md en]
# As the warning says, the classifier is random for now. Let's see its predictions before training: a few test sentences, and the accuracy on all test sentences.

# %%
def p_positive(texts):
    """The model's probability of POSITIVE for each text."""
    model.eval()  # [ko] 예측할 때는 드롭아웃 없이 [en] no dropout while predicting
    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        return torch.softmax(model(**batch).logits, dim=-1)[:, 1]


def accuracy(part):
    """Share of sentences whose most probable label is the right one, per language."""
    right = (p_positive([r["text"] for r in part]) > 0.5).long() == torch.tensor([int(r["label"]) for r in part])
    return {lang: round(float(right[torch.tensor([r["lang"] == lang for r in part])].float().mean()), 2) for lang in ("en", "ko")}


examples = [r for r in test if r["text"] in {"The concert was amazing.", "Cheap plastic and a dim screen.",
                                             "공연이 최고였어요.", "싸구려 플라스틱에 화면도 어두워요."}]


def show_examples():
    for r, p in zip(examples, p_positive([r["text"] for r in examples])):
        print(f"label {r['label']}  P(positive) = {float(p):.2f}  {r['text']}")


show_examples()
before = accuracy(test)
print("test accuracy before training:", before)

# %% [md ko]
# 확률이 모두 0.5 근처이고 정확도도 동전 던지기 수준입니다. 예상대로입니다.
#
# ## 무엇을 학습시킬까?
#
# 모델 전체(2,270만 개)를 학습시킬 수도 있지만, 이 교실의 CPU에서는 느립니다. 여기서는 **마지막 층, 풀러, 분류기만** 학습시키고 나머지는 동결합니다(`requires_grad = False`).
# 동결한 파라미터는 기울기를 계산하지 않으니 빠르고, 아래쪽 층이 사전학습에서 배운 것은 그대로 남습니다.

# %% [md en]
# The probabilities are all near 0.5 and the accuracy is coin-flip level, as expected.
#
# ## What to train?
#
# We could train the whole model (22.7 million parameters), but that is slow on a classroom CPU. Here only **the last layer, the pooler and the classifier** train; everything else is frozen (`requires_grad = False`).
# Frozen parameters need no gradients, which is fast, and what the lower layers learned in pre-training stays as it is.

# %%
TRAINABLE = ("bert.encoder.layer.5.", "bert.pooler.", "classifier.")
for name, param in model.named_parameters():
    param.requires_grad = name.startswith(TRAINABLE)

n_train, n_all = model.num_parameters(only_trainable=True), model.num_parameters()
print(f"trainable: {n_train:,} of {n_all:,} parameters ({100 * n_train / n_all:.1f}%)")

# %% [md ko]
# ## 배치 만들기
#
# 02장에서 본 것처럼 배치의 문장들은 가장 긴 문장에 맞춰 패딩됩니다. 한국어 문장은 이 영어 어휘에서 토큰이 많이 나오므로(09장), 짧은 영어 문장과 섞이면 패딩이 많아지고 계산이 낭비됩니다.
# 그래서 문장을 토큰 수로 정렬한 뒤 16개씩 묶습니다. 길이가 비슷한 문장끼리 한 배치가 됩니다. 배치의 **순서**는 에포크(데이터를 한 바퀴 도는 것)마다 섞습니다.

# %% [md en]
# ## Making batches
#
# As chapter 02 showed, the sentences of a batch are padded to the longest one. Korean sentences give many tokens with this English vocabulary (chapter 09), so mixed with short English ones they bring a lot of padding, which is wasted work.
# So we sort the sentences by token count and cut them into groups of 16: sentences of similar length share a batch. The **order** of the batches is shuffled in every epoch (one pass over the data).

# %%
BATCH_SIZE = 16
lengths = [len(tok(r["text"])["input_ids"]) for r in train]
order = sorted(range(len(train)), key=lambda i: lengths[i])
batches = [order[k:k + BATCH_SIZE] for k in range(0, len(order), BATCH_SIZE)]
print(len(batches), "batches of", [len(b) for b in batches])
print("tokens per sentence, shortest and longest batch:", [lengths[i] for i in batches[0][:3]], "...",
      [lengths[i] for i in batches[-1][-3:]])

# %% [md ko]
# ### 연습 1 (예상하기): 첫 배치의 손실
#
# 분류기는 아직 무작위이고, 위에서 본 것처럼 확률은 모두 0.5 근처입니다. 첫 배치(`batches[0]`, 16문장)의 손실(04장의 교차 엔트로피를 배치에 걸쳐 평균한 것)은 얼마쯤일까요? 계산하기 **전에** 예상해서 `answer`에 쓰세요(소수 둘째 자리까지면 충분합니다).

# %% [md en]
# ### Exercise 1 (predict): the loss of the first batch
#
# The classifier is still random, and its probabilities are all near 0.5, as seen above. About how large is the loss of the first batch (`batches[0]`, 16 sentences): chapter 04's cross-entropy, averaged over the batch? Predict it **before** computing anything and write it in `answer` (two decimals are enough).

# %% tags=["exercise"]
answer = None  # [ko] 숫자 하나, 예: 1.23 [en] a number, e.g. 1.23

# %% tags=["solution"]
answer = 0.69  # [ko] -log 0.5 = log 2 [en] -log 0.5 = log 2

# %% tags=["check"]
import math

model.eval()  # [ko] 드롭아웃 없이 [en] no dropout
first = [train[i] for i in batches[0]]
with torch.no_grad():
    first_loss = float(model(**tok([r["text"] for r in first], padding=True, return_tensors="pt"),
                             labels=torch.tensor([int(r["label"]) for r in first])).loss)
ok = isinstance(answer, (int, float)) and min(abs(answer - first_loss), abs(answer - math.log(2))) < 0.02
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! -log 0.5 = log 2 ≈ {math.log(2):.4f}이고, 실제 첫 배치의 손실은 {first_loss:.4f}입니다.",
           "en": f"Correct! -log 0.5 = log 2 ≈ {math.log(2):.4f}, and the first batch's loss is {first_loss:.4f}."}[LANG])
elif isinstance(answer, (int, float)) and abs(answer - 0.5) < 0.02:
    print({"ko": "아직 아닙니다. 0.5는 확률입니다. 힌트: 손실은 정답 라벨 확률의 -log입니다.",
           "en": "Not yet: 0.5 is the probability. Hint: the loss is -log of the right label's probability."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 모든 문장에서 정답 라벨의 확률이 약 0.5라면, -log p의 평균은 얼마일까요?",
           "en": "Not yet. Hint: if the right label gets about 0.5 in every sentence, what is the mean of -log p?"}[LANG])

# %% [md ko]
# ## 손실과 기울기, 배치 하나로
#
# 문장 $B$개의 배치에서 문장 $b$의 로짓을 $z_b \in \mathbb{R}^{C}$, 정답 라벨을 $y_b$라고 하면, 손실은 04장의 교차 엔트로피를 **배치에 걸쳐 평균**한 것입니다.
#
# $$p_b = \mathrm{softmax}(z_b), \qquad L = -\frac{1}{B} \sum_{b=1}^{B} \log p_{b,\,y_b}$$
#
# 로짓에 대한 기울기는 아주 짧습니다. 예측한 확률에서 정답의 원-핫 벡터를 빼고 $B$로 나눈 것입니다.
#
# $$\frac{\partial L}{\partial z_{b,k}} = \frac{1}{B}\big(p_{b,k} - [k = y_b]\big)$$
#
# `loss.backward()`는 연쇄 법칙으로 이 기울기를 분류기, 풀러, 층 5까지 거꾸로 전합니다.
#
# 코드 두 가지도 짚고 갑시다. `model(**one_batch, labels=one_labels)`의 `**`는 딕셔너리 `one_batch`를 키워드 인자 `input_ids=..., token_type_ids=..., attention_mask=...`로 풀어 줍니다(02장). 출력된 손실 끝의 `grad_fn=<...>`은 이 텐서를 만든 연산의 기록입니다. 기울기가 필요한 파라미터에서 계산된 텐서는 이 기록을 가지고 있고, `backward()`는 그 기록을 거꾸로 따라갑니다. 위의 `p_positive`처럼 `torch.no_grad()` 안에서 계산하면 아무것도 기록하지 않으므로 `grad_fn`도 없습니다.

# %% [md en]
# ## The loss and its gradient, on one batch
#
# For a batch of $B$ sentences, with sentence $b$'s logits $z_b \in \mathbb{R}^{C}$ and its right label $y_b$, the loss is chapter 04's cross-entropy **averaged over the batch**:
#
# $$p_b = \mathrm{softmax}(z_b), \qquad L = -\frac{1}{B} \sum_{b=1}^{B} \log p_{b,\,y_b}$$
#
# Its gradient with respect to the logits is short: the predicted probabilities minus the one-hot right answer, divided by $B$:
#
# $$\frac{\partial L}{\partial z_{b,k}} = \frac{1}{B}\big(p_{b,k} - [k = y_b]\big)$$
#
# `loss.backward()` carries it back through the classifier, the pooler and layer 5 by the chain rule.
#
# Two things in the code, too. In `model(**one_batch, labels=one_labels)`, the `**` unpacks the dict `one_batch` into the keyword arguments `input_ids=..., token_type_ids=..., attention_mask=...` (chapter 02). The printed loss ends with `grad_fn=<...>`: the record of the operation that made this tensor. A tensor computed from parameters that need gradients keeps that record, and `backward()` follows it backwards. Computed under `torch.no_grad()`, as in `p_positive` above, nothing is recorded, and there is no `grad_fn`.

# %%
part = [train[i] for i in batches[0]]
one_batch = tok([r["text"] for r in part], padding=True, return_tensors="pt")
one_labels = torch.tensor([int(r["label"]) for r in part])
model.eval()  # [ko] 드롭아웃 없이: 손으로 한 계산과 같은 숫자 [en] no dropout: the same numbers as by hand
out = model(**one_batch, labels=one_labels)
print(out.loss)
log_p = torch.log_softmax(out.logits, dim=-1)  # (B, C)
by_hand = -log_p[torch.arange(len(one_labels)), one_labels].mean()  # [ko] 정답 라벨의 -log p, 배치 평균 [en] -log p of the right label, averaged over the batch
print("by hand:", round(float(by_hand.detach()), 4))
assert torch.allclose(out.loss, by_hand)

(grad_logits,) = torch.autograd.grad(out.loss, out.logits)  # (B, C): dL/dz
expected = (torch.softmax(out.logits, dim=-1) - torch.nn.functional.one_hot(one_labels, 2)) / len(one_labels)
print("dL/dz, first sentence:", grad_logits[0], "| (p - one-hot) / B:", torch.allclose(grad_logits, expected, atol=1e-7))
assert torch.allclose(grad_logits, expected, atol=1e-7)

# %% [md ko]
# ## 한 스텝: SGD와 AdamW
#
# 가장 단순한 경사 하강법(SGD)은 파라미터 $\theta$를 기울기 $g = \partial L / \partial \theta$의 반대 방향으로 학습률 $\eta$만큼 옮깁니다: $\theta \leftarrow \theta - \eta\, g$.
# AdamW는 파라미터마다 기울기와 기울기 제곱의 이동 평균을 하나씩 두고, 앞의 것을 뒤의 것의 제곱근으로 나눕니다. 스텝 $t = 1, 2, \dots$에서(기본값 $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$, 처음에는 $m_0 = v_0 = 0$, 가중치 감쇠 $\lambda$는 여기서 0):
#
# $$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2$$
#
# $$\hat m_t = \frac{m_t}{1 - \beta_1^{\,t}}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^{\,t}}, \qquad \theta \leftarrow \theta - \eta \Big(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda\, \theta\Big)$$
#
# 이 나눗셈이 "파라미터마다 보폭을 알아서 조절한다"는 말의 뜻입니다. 기울기가 아주 작은 파라미터도 기울기가 큰 파라미터와 비슷한 보폭으로 움직입니다.
#
# ### 연습 2 (계산하기): 첫 스텝은 가중치를 얼마나 옮길까?
#
# 아래 루프는 $\eta$ = `LR` = 5e-4인 AdamW를 씁니다. 맨 첫 스텝($t = 1$)에서, 기울기가 0이 아닌 가중치 하나는 얼마나 움직일까요? 위의 식으로 $|\Delta\theta|$를 계산해서 `answer`에 쓰세요. 힌트: $\hat m_1$과 $\hat v_1$은 무엇일까요?

# %% [md en]
# ## One step: SGD and AdamW
#
# Plain gradient descent (SGD) moves every parameter $\theta$ against its gradient $g = \partial L / \partial \theta$ by the learning rate $\eta$: $\theta \leftarrow \theta - \eta\, g$.
# AdamW keeps two running averages per parameter, of the gradient and of its square, and divides the first by the root of the second. At step $t = 1, 2, \dots$ (defaults $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$; $m_0 = v_0 = 0$; the weight decay $\lambda$ is 0 here):
#
# $$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2$$
#
# $$\hat m_t = \frac{m_t}{1 - \beta_1^{\,t}}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^{\,t}}, \qquad \theta \leftarrow \theta - \eta \Big(\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda\, \theta\Big)$$
#
# That division is what "adapts the step size for each parameter" means: a parameter with tiny gradients moves about as far as one with large gradients.
#
# ### Exercise 2 (compute): how far does the first step move a weight?
#
# The loop below uses AdamW with $\eta$ = `LR` = 5e-4. At the very first step ($t = 1$), how far does a weight whose gradient is not 0 move? Work out $|\Delta\theta|$ with the formulas above and write it in `answer`. Hint: what are $\hat m_1$ and $\hat v_1$?

# %% tags=["exercise"]
answer = None  # [ko] 숫자 하나, 예: 1e-3 [en] a number, e.g. 1e-3

# %% tags=["solution"]
answer = 5e-4  # [ko] m̂₁ = g, v̂₁ = g²: η·g/|g| = ±η [en] m̂₁ = g, v̂₁ = g²: η·g/|g| = ±η

# %% tags=["check"]
import copy

# [ko] 사본으로 한 스텝: model은 그대로. 동결된 가중치는 스텝이 바꾸지 않으므로 복사하지 않고 model과 함께 씁니다
# [ko] (deepcopy의 memo에 있는 것은 "이미 복사했다"고 보고 그대로 씁니다): 복사하는 것은 학습하는 8.5%뿐입니다
# [en] one step on a copy: model stays as it is. A step never changes the frozen weights, so they are shared with model,
# [en] not copied (deepcopy takes what is in its memo as "already copied" and uses it as is): only the trainable 8.5% is copied
twin = copy.deepcopy(model, memo={id(p): p for p in model.parameters() if not p.requires_grad}).eval()
twin_optimizer = torch.optim.AdamW([p for p in twin.parameters() if p.requires_grad], lr=5e-4, weight_decay=0.0)
before_step = twin.classifier.weight.detach().clone()
twin(**one_batch, labels=one_labels).loss.backward()
twin_optimizer.step()
moved = (twin.classifier.weight.detach() - before_step).abs()  # (C, D)
step_size = float(moved.median())
del twin, twin_optimizer
ok = isinstance(answer, (int, float)) and abs(answer - step_size) <= 0.05 * step_size
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 분류기의 가중치 {moved.numel()}개는 기울기 크기와 상관없이 {float(moved.min()):.2e}에서 "
                 f"{float(moved.max()):.2e} 사이만큼 움직였습니다. 거의 정확히 η입니다.",
           "en": f"Correct! The classifier's {moved.numel()} weights moved by {float(moved.min()):.2e} to "
                 f"{float(moved.max()):.2e}, whatever the size of their gradients: almost exactly η."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: t = 1이면 m̂₁ = g₁, v̂₁ = g₁²입니다. g / √(g²)은 얼마인가요?",
           "en": "Not yet. Hint: at t = 1, m̂₁ = g₁ and v̂₁ = g₁². What is g / √(g²)?"}[LANG])

# %% [md ko]
# ## 학습 루프
#
# 배치 하나마다 네 줄이 전부입니다.
#
# 1. `loss = model(**batch, labels=labels).loss`: 라벨과 함께 순전파하면 손실(04장의 교차 엔트로피)이 나옵니다.
# 2. `loss.backward()`: 학습할 파라미터마다 "이 값을 조금 바꾸면 손실이 얼마나 바뀌는가", 즉 기울기를 계산합니다.
# 3. `optimizer.step()`: 기울기의 반대 방향으로 파라미터를 조금 옮깁니다. 얼마나 옮길지는 학습률(`lr`)이 정합니다. AdamW는 파라미터마다 보폭을 알아서 조절하는 옵티마이저입니다.
# 4. `optimizer.zero_grad()`: 기울기를 0으로 비웁니다. PyTorch는 기울기를 계속 **더해** 두므로, 비우지 않으면 다음 배치에 이번 배치의 기울기가 섞입니다.
#
# 진행 막대(`tqdm`)와 손실 그래프가 학습하는 동안 갱신됩니다. 3에포크 × 8배치 = 24스텝이고 몇 초면 끝납니다. 저장된 노트북은 `TQDM_DISABLE=1`(`./kit test`와 같은 설정)로 실행했기 때문에 진행 막대 대신 에포크마다 한 줄씩만 남아 있습니다.
#
# 이 루프는 뒤에서 `Trainer`와 한 스텝씩 맞춰 볼 것이라 `Trainer`와 똑같은 방식으로 씁니다. 가중치 감쇠(weight decay)는 `Trainer`의 기본값인 0으로 적어 두고(PyTorch의 `AdamW` 기본값은 0.01입니다), 배치 순서는 시드를 준 `torch.Generator`로 정하며, 루프 직전에 `torch.manual_seed(SEED)`로 드롭아웃의 난수를 고정합니다.
# 학습을 시작하기 전의 모델은 `copy.deepcopy`로 복사해 둡니다. 같은 출발점에서 `Trainer`를 돌리기 위해서입니다.

# %% [md en]
# ## The training loop
#
# Four lines per batch, that is all:
#
# 1. `loss = model(**batch, labels=labels).loss`: a forward pass with labels gives the loss (chapter 04's cross-entropy).
# 2. `loss.backward()`: for every trainable parameter, compute "how much would the loss change if this value changed a little": the gradient.
# 3. `optimizer.step()`: move each parameter a little against its gradient. The learning rate (`lr`) sets how far. AdamW is an optimizer that adapts the step size for each parameter.
# 4. `optimizer.zero_grad()`: reset the gradients to 0. PyTorch **adds** gradients up, so without this the next batch would mix in this batch's gradients.
#
# A progress bar (`tqdm`) and the loss plot update while it trains. 3 epochs × 8 batches = 24 steps, done in a few seconds. The stored notebook ran with `TQDM_DISABLE=1` (as `./kit test` does), so it keeps one line per epoch instead of the bar.
#
# Further down we match this loop with `Trainer` step by step, so it follows `Trainer`'s recipe exactly: weight decay written out as 0, `Trainer`'s default (PyTorch's `AdamW` would use 0.01); the batch order drawn from a `torch.Generator` seeded with the seed; and `torch.manual_seed(SEED)` right before the loop, which fixes dropout's random draws.
# A `copy.deepcopy` of the model keeps the weights from before training, so that `Trainer` can start from the same point.

# %%
import copy
import os

import matplotlib.pyplot as plt
from IPython.display import display
from tqdm.auto import tqdm

SEED, EPOCHS, LR = 0, 3, 5e-4
# [ko] 학습 전의 가중치: 아래의 Trainer를 위해. 동결된 가중치는 학습해도 그대로이므로, 연습 2처럼 복사하지 않고 함께 씁니다
# [en] the weights before training, for the Trainer further down. Training leaves the frozen weights as they are, so
# [en] they are shared, not copied, as in exercise 2
start = copy.deepcopy(model, memo={id(p): p for p in model.parameters() if not p.requires_grad})
# [ko] weight_decay=0.0: Trainer의 기본값 (PyTorch의 AdamW만 쓰면 0.01)
# [en] weight_decay=0.0: Trainer's default (PyTorch's AdamW alone would use 0.01)
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LR, weight_decay=0.0)
shuffle = torch.Generator().manual_seed(SEED)  # [ko] 배치 순서: 실행할 때마다 같게 [en] the batch order: the same on every run
losses = []

words = {"ko": ("스텝", "손실", "학습 손실 (배치마다)", "에포크 평균"),
         "en": ("step", "loss", "training loss (each batch)", "epoch mean")}[LANG]
fig, ax = plt.subplots(figsize=(7, 3))
plot = display(fig, display_id=True)  # [ko] 그림 하나를 학습하는 동안 제자리에서 다시 그립니다 [en] one picture, redrawn in place while training
plt.close(fig)


def redraw():
    ax.clear()
    ax.plot(range(1, len(losses) + 1), losses, marker=".", color="#4c72b0", label=words[2])
    per_epoch = len(batches)
    for e in range(len(losses) // per_epoch):
        mean = sum(losses[e * per_epoch:(e + 1) * per_epoch]) / per_epoch
        ax.hlines(mean, e * per_epoch + 1, (e + 1) * per_epoch, color="#dd8452", lw=2,
                  label=words[3] if e == 0 else None)
    ax.set_xlim(0, EPOCHS * per_epoch + 1)
    ax.set_ylim(0, max(1.0, max(losses) * 1.05))
    ax.set_xlabel(words[0])
    ax.set_ylabel(words[1])
    ax.legend(loc="upper right")
    fig.tight_layout()
    plot.update(fig)


torch.manual_seed(SEED)  # [ko] 드롭아웃의 난수: 실행할 때마다 같고 Trainer와도 같게 [en] dropout's random draws: the same on every run, and the same as Trainer's
for epoch in range(EPOCHS):
    model.train()  # [ko] 학습하는 동안 드롭아웃 켜기 [en] dropout on while training
    # [ko] 시간이 없는 bar_format: 저장된 노트북은 실행할 때마다 같은 텍스트를 출력해야 합니다.
    # [ko] TQDM_DISABLE=1(빌드와 ./kit test)이면 막대를 끕니다: 저장된 막대는 0/8에 멈춘 채 남기 때문입니다
    # [en] bar_format without times: a stored notebook must print the same text on every run.
    # [en] TQDM_DISABLE=1 (the build, ./kit test) turns the bar off: a stored bar would stay frozen at 0/8
    for k in tqdm(torch.randperm(len(batches), generator=shuffle).tolist(), desc=f"epoch {epoch + 1}/{EPOCHS}",
                  bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt}", disable=os.environ.get("TQDM_DISABLE") == "1"):
        part = [train[i] for i in batches[k]]
        batch = tok([r["text"] for r in part], padding=True, return_tensors="pt")
        labels = torch.tensor([int(r["label"]) for r in part])

        loss = model(**batch, labels=labels).loss  # [ko] 1. 정답과 함께 순전파 [en] 1. forward, with the right answers
        loss.backward()  # [ko] 2. 학습할 파라미터마다 손실의 기울기 [en] 2. gradients of the loss for every trainable parameter
        optimizer.step()  # [ko] 3. 내리막으로 작은 스텝 하나 [en] 3. a small step downhill
        optimizer.zero_grad()  # [ko] 4. 이 배치의 기울기 비우기 [en] 4. forget this batch's gradients

        losses.append(loss.item())
        if len(losses) % 4 == 0 or len(losses) == EPOCHS * len(batches):
            redraw()
    print(f"epoch {epoch + 1}: mean loss {sum(losses[-len(batches):]) / len(batches):.3f}")
model.eval()  # [ko] 드롭아웃 다시 끄기 [en] dropout off again
print(len(losses), "steps")

# %% [md ko]
# 배치마다 문장이 다르므로 손실이 배치마다 오르내리는 것은 자연스럽습니다. 그래도 에포크 평균(주황색 선)은 내려갑니다. 셀이 스스로 확인합니다.

# %% [md en]
# The loss goes up and down from batch to batch, which is normal: every batch holds different sentences. The epoch mean (the orange lines) goes down, though, and the cell checks it.

# %%
first, last = (sum(losses[e * len(batches):(e + 1) * len(batches)]) / len(batches) for e in (0, EPOCHS - 1))
print(f"mean loss: first epoch {first:.3f} -> last epoch {last:.3f}")
assert last < first  # [ko] 무언가를 배웠습니다 [en] it learned something

# %% [md ko]
# ## 학습 후
#
# 같은 문장, 같은 시험 문장 전체로 다시 봅시다.

# %% [md en]
# ## After training
#
# The same sentences and the same test set again:

# %%
show_examples()
after = accuracy(test)
print("test accuracy before:", before)
print("test accuracy after: ", after)
assert after["en"] > before["en"]

# %% [md ko]
# 영어 시험 문장은 처음 보는 문장인데도 학습 전보다 훨씬 잘 맞힙니다. 사전학습 몸통이 이미 영어 문장의 뜻을 벡터로 잘 담아 두었고, 새 분류기는 (마지막 층의 도움을 조금 받아) 그 벡터에서 긍정과 부정을 가르는 방향만 찾으면 되었기 때문입니다.
#
# 한국어는 다릅니다. 처음 보는 한국어 문장에서는 거의 나아지지 않습니다. 이 영어 어휘는 한국어를 자모 조각과 `[UNK]`로 읽기 때문입니다(09장에서 자세히 봅니다). 문장 수가 적은 것도 이유입니다. 작은 데이터로 한 실험이니 숫자는 대략의 경향으로만 보세요.
#
# 어휘가 문제라면, 한국어 어휘를 가진 모델로는 어떨까요? 같은 루프를 한국어 모델로 돌려 봅시다.

# %% [md en]
# English test sentences are now right much more often than before, although the model never saw them. The pre-trained body already turns English sentences into vectors that hold their meaning well; the new classifier (with a little help from the last layer) only had to find the direction in them that separates positive from negative.
#
# Korean is different: unseen Korean sentences hardly improve. This English vocabulary reads Korean as jamo pieces and `[UNK]`s (chapter 09 looks at this closely). Having so few sentences does not help either. It is an experiment on a small set: read the numbers as a rough trend only.
#
# If the vocabulary is the problem, what does a model with a Korean vocabulary do? Let's run the same loop with the Korean model.

# %% [md ko]
# ## 한국어 모델로 같은 루프
#
# 이 키트에는 한국어 어휘를 가진 작은 BERT, `KOREAN_MODEL`도 있습니다. 이 키트가 영화 리뷰로 학습한 감성 분류 모델입니다(09장). 위에서 `BASE_MODEL`에 새 분류기를 달았던 것처럼, 이 모델의 몸통은 그대로 두고 분류기는 새로 뽑아 무작위로 시작합니다. `from_pretrained`가 새 헤드를 만들 때와 같은 방법입니다(가중치는 표준편차가 `initializer_range`인 정규분포, 편향은 0).
# 그다음 위와 똑같은 네 줄로, 이번에는 한국어 학습 문장 64개만으로 학습합니다. 에포크 수, 학습률, 배치 크기도 위와 같고, 동결하는 곳도 같습니다(마지막 층, 풀러, 분류기만 학습).
#
# 정확도는 두 곳에서 잽니다. 위와 같은 한국어 시험 문장 16개, 그리고 `lesson_lib/data/nsmc_heldout.tsv`의 실제 영화 리뷰 200개입니다. 이 리뷰들은 `KOREAN_MODEL`을 학습할 때 빼 둔 영화에서만 뽑았으므로, 모델이 한 번도 보지 못한 글입니다.
#
# 학습 전의 정확도가 0.5에서 멀리 떨어져 있어도 놀라지 마세요. 이 몸통의 벡터는 이미 긍정과 부정을 갈라 놓았으므로, 무작위 방향 하나는 대개 그 갈림과 같은 쪽이나 반대쪽을 가리킵니다. 어느 쪽일지는 뽑기 운입니다. 셀의 `torch.manual_seed(SEED)`를 예를 들어 `torch.manual_seed(1)`로 바꿔 다시 실행해 보세요.

# %% [md en]
# ## The same loop with a Korean model
#
# The kit also has a small BERT with a Korean vocabulary, `KOREAN_MODEL`: a sentiment classifier the kit trained on movie reviews (chapter 09). As we gave `BASE_MODEL` a new classifier above, keep this model's body and draw its classifier anew, so that it starts random, the way `from_pretrained` makes a new head (weights from a normal distribution with standard deviation `initializer_range`, biases 0).
# Then the same four lines train it, this time on the 64 Korean training sentences only: the same number of epochs, learning rate and batch size as above, and the same parts frozen (only the last layer, the pooler and the classifier train).
#
# The accuracy is measured in two places: the same 16 Korean test sentences as above, and 200 real movie reviews in `lesson_lib/data/nsmc_heldout.tsv`. These were drawn only from the movies kept out of `KOREAN_MODEL`'s training, so the model has never seen them.
#
# Do not be surprised if the accuracy before training is far from 0.5. This body's vectors already separate positive from negative, so a random direction mostly points along that separation or against it; which of the two is the luck of the draw. Change the cell's `torch.manual_seed(SEED)` to, say, `torch.manual_seed(1)` and run it again to see.

# %%
from lesson_lib import KOREAN_MODEL

ko_tok = AutoTokenizer.from_pretrained(KOREAN_MODEL)
ko_model = AutoModelForSequenceClassification.from_pretrained(KOREAN_MODEL)
# [ko] 학습된 분류기를 버리고 새로 뽑습니다: 몸통만 사전학습된 그대로 남습니다
# [en] throw the trained classifier away and draw a new one: only the body stays as it was trained
torch.manual_seed(SEED)  # [ko] 무작위로 뽑는 분류기: 실행할 때마다 같은 것으로 [en] the random classifier: the same draw on every run
with torch.no_grad():
    ko_model.classifier.weight.normal_(0.0, ko_model.config.initializer_range)
    ko_model.classifier.bias.zero_()

with open(data_file.parent / "nsmc_heldout.tsv", encoding="utf-8", newline="") as f:
    reviews = [{"text": r["document"], "label": r["label"]} for r in csv.DictReader(f, delimiter="\t")]
ko_train, ko_test = ([r for r in part if r["lang"] == "ko"] for part in (train, test))


def ko_accuracy(classifier, part, batch_size=50):
    """Share of the rows in ``part`` whose label a Korean classifier gets right."""
    classifier.eval()
    predicted = []
    # [ko] 50개씩: 리뷰 200개를 한 배치로 읽으면 순전파의 중간 결과에 메모리가 100 MB 더 듭니다
    # [en] 50 at a time: all 200 reviews in one batch would take 100 MB more memory for the forward pass's intermediates
    for k in range(0, len(part), batch_size):
        encoded = ko_tok([r["text"] for r in part[k:k + batch_size]], padding=True, truncation=True, return_tensors="pt")
        with torch.no_grad():
            predicted.append(classifier(**encoded).logits.argmax(-1))
    right = torch.cat(predicted) == torch.tensor([int(r["label"]) for r in part])
    return round(float(right.float().mean()), 2)


print(len(ko_train), "Korean training sentences,", len(ko_test), "test sentences,", len(reviews), "held-out reviews")
print("reviews:", Counter(r["label"] for r in reviews), "| first:", reviews[0]["text"])
ko_before = {"test": ko_accuracy(ko_model, ko_test), "reviews": ko_accuracy(ko_model, reviews)}
print("Korean model with a new classifier, before training:", ko_before)

# %%
KO_TRAINABLE = (f"bert.encoder.layer.{ko_model.config.num_hidden_layers - 1}.", "bert.pooler.", "classifier.")
for name, param in ko_model.named_parameters():
    param.requires_grad = name.startswith(KO_TRAINABLE)
print(f"trainable: {ko_model.num_parameters(only_trainable=True):,} of {ko_model.num_parameters():,} parameters")

ko_optimizer = torch.optim.AdamW([p for p in ko_model.parameters() if p.requires_grad], lr=LR, weight_decay=0.0)
ko_shuffle = torch.Generator().manual_seed(SEED)
ko_losses = []
torch.manual_seed(SEED)
for epoch in range(EPOCHS):
    ko_model.train()
    for k in torch.randperm(len(ko_train), generator=ko_shuffle).split(BATCH_SIZE):
        part = [ko_train[i] for i in k.tolist()]
        ko_batch = ko_tok([r["text"] for r in part], padding=True, return_tensors="pt")
        ko_labels = torch.tensor([int(r["label"]) for r in part])

        loss = ko_model(**ko_batch, labels=ko_labels).loss  # [ko] 1. 순전파 [en] 1. forward
        loss.backward()  # [ko] 2. 기울기 [en] 2. gradients
        ko_optimizer.step()  # [ko] 3. 한 스텝 [en] 3. one step
        ko_optimizer.zero_grad()  # [ko] 4. 기울기 비우기 [en] 4. reset the gradients

        ko_losses.append(loss.item())
    steps_per_epoch = len(ko_losses) // (epoch + 1)
    print(f"epoch {epoch + 1}: mean loss {sum(ko_losses[-steps_per_epoch:]) / steps_per_epoch:.3f}")
print(len(ko_losses), "steps")

ko_after = {"test": ko_accuracy(ko_model, ko_test), "reviews": ko_accuracy(ko_model, reviews)}
shipped = AutoModelForSequenceClassification.from_pretrained(KOREAN_MODEL)
print("\nKorean model, new classifier   before:", ko_before)
print("Korean model, new classifier   after: ", ko_after)
print("English model, after training  Korean test sentences:", after["ko"])
print("KOREAN_MODEL's own classifier  ", {"test": ko_accuracy(shipped, ko_test), "reviews": ko_accuracy(shipped, reviews)})
assert ko_after["test"] > ko_before["test"] and ko_after["reviews"] > ko_before["reviews"]  # [ko] 나아졌습니다 [en] it got better
del shipped

# %% [md ko]
# 같은 문장 64개, 같은 네 줄인데 결과가 다릅니다. 영어 모델은 한국어 시험 문장에서 거의 나아지지 않았지만, 한국어 모델은 몇 스텝 만에 한국어 시험 문장도, 한 번도 못 본 실제 리뷰도 학습 전보다 훨씬 잘 맞힙니다(셀이 학습 전후를 비교해 확인합니다).
#
# 다른 점은 두 가지입니다. 첫째, 한국어 어휘는 문장을 음절과 단어 조각으로 읽어서 `[UNK]`로 잃는 단어가 거의 없습니다. 둘째, 이 몸통은 이미 영화 리뷰 수십만 개로 긍정과 부정을 배웠습니다. 그래서 새 분류기는 몸통이 만드는 벡터 안에 이미 있는 방향을 다시 찾기만 하면 됩니다. 영어 몸통(all-MiniLM-L6-v2)은 영어 문장의 뜻을 비교하도록 학습되었고 한글 음절은 본 적이 없습니다.
# 마지막 줄은 `KOREAN_MODEL`의 원래 분류기(라벨 있는 리뷰 십몇만 개로 학습)입니다. 문장 64개로 배운 분류기와 견줘 보세요. 한국어 모델의 어휘와 학습 방법은 09장에서 자세히 봅니다.
#
# 아래 위젯으로 이 장에서 학습한 두 모델을 직접 시험해 보세요. 한글이 든 문장은 방금 미세 조정한 한국어 모델이, 나머지 문장은 앞에서 학습한 영어 모델이 분류합니다(짧은 영어 문장은 대체로 맞힙니다). 토큰 줄 맨 앞에 어느 모델이 읽었는지 나옵니다. 한국어 모델의 몸통은 영화 리뷰만 읽었고 새 분류기는 문장 64개로 12스텝만 배웠으니, 확률이 0.5에서 그리 멀지 않을 수 있고 음식이나 가게에 대한 문장("직원이 친절하고 음식도 맛있었어요.")은 더 어려울 수 있습니다. 직접 넣어 보세요.

# %% [md en]
# The same 64 sentences and the same four lines, but a different result. The English model hardly improved on the Korean test sentences; the Korean model, after a few steps, gets both the Korean test sentences and real reviews it has never seen right far more often than before (the cell compares before and after to check).
#
# Two things differ. First, the Korean vocabulary reads a sentence as syllables and word pieces, and loses almost no word to `[UNK]`. Second, this body has already learned positive and negative from hundreds of thousands of movie reviews, so the new classifier only has to find again a direction that is already in the body's vectors. The English body (all-MiniLM-L6-v2) was trained to compare the meaning of English sentences and has never seen a Hangul syllable.
# The last line is `KOREAN_MODEL`'s own classifier, trained on some 135,000 labelled reviews: compare it with the one learned from 64 sentences. Chapter 09 looks closely at the Korean model's vocabulary and training.
#
# Try the two models this chapter trained in the widget below. A sentence with Hangul in it goes to the Korean model just fine-tuned, any other sentence to the English model trained first (short English sentences mostly come out right). The token line starts with the model that read it. The Korean body has read movie reviews only, and the new classifier learned from 64 sentences in 12 steps, so its probabilities may stay not far from 0.5, and sentences about food or shops ("직원이 친절하고 음식도 맛있었어요.") may be harder. Try them.

# %%
from lesson_lib.views import ClassifyView

model.eval()
ClassifyView(model, tok, text="음악도 좋고 정말 재미있었어요.", korean=(ko_model, ko_tok), lang=LANG)

# %% [md ko]
# ## 같은 학습을 `Trainer`로
#
# `lesson_lib.Trainer`는 🤗 Transformers의 `Trainer`와 이름과 기본값이 같고, 속에는 위의 네 줄이 그대로 있습니다(`lesson_lib/trainer.py`의 `train`).
# 학습 전에 복사해 둔 `start`에서 시작해, 같은 데이터와 같은 시드로 돌려 봅시다. 위의 루프와 똑같이 하도록 학습률 스케줄과 기울기 자르기는 끄고(`lr_scheduler_type="constant"`, `max_grad_norm=0`), 길이로 묶은 배치를 씁니다(`train_sampling_strategy="group_by_length"`).
# 손실이 스텝마다 기록되면(`logging_steps=1`) 24개의 손실을 위의 것과 하나씩 비교할 수 있습니다.

# %% [md en]
# ## The same training with `Trainer`
#
# `lesson_lib.Trainer` has the names and defaults of 🤗 Transformers' `Trainer`, and inside it are the four lines above (`train` in `lesson_lib/trainer.py`).
# Start it from `start`, the copy made before training, on the same data with the same seed. To do exactly what the loop above does, the learning-rate schedule and gradient clipping are off (`lr_scheduler_type="constant"`, `max_grad_norm=0`) and the batches are grouped by length (`train_sampling_strategy="group_by_length"`).
# With a log line at every step (`logging_steps=1`), its 24 losses can be compared with the loop's, one by one.

# %%
import tempfile

from lesson_lib import Trainer, TrainingArguments

train_set = [{**tok(r["text"]), "label": int(r["label"])} for r in train]  # [ko] 토큰화한 예제, 패딩 없이 [en] tokenized examples, unpadded
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
args = TrainingArguments(scratch.name, num_train_epochs=EPOCHS, per_device_train_batch_size=BATCH_SIZE,
                         learning_rate=LR, weight_decay=0.0, lr_scheduler_type="constant", max_grad_norm=0,
                         train_sampling_strategy="group_by_length", seed=SEED, logging_steps=1, save_strategy="no")
trainer = Trainer(start, args, train_dataset=train_set, processing_class=tok)
trainer.train()

trainer_losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
largest = max(abs(a - b) for a, b in zip(trainer_losses, losses))
print(len(trainer_losses), "losses from Trainer,", len(losses), "from the loop")
print("first three:", [round(x, 4) for x in trainer_losses[:3]], [round(x, 4) for x in losses[:3]])
print("largest difference below 1e-6:", largest < 1e-6)
assert len(trainer_losses) == len(losses) and largest < 1e-6  # [ko] Trainer가 곧 그 루프입니다 [en] Trainer is that loop

# %% [md ko]
# ## `TrainingArguments`의 설정은 루프의 어디를 바꿀까?
#
# 루프를 직접 써 보았으니, 설정 하나하나가 이 루프의 어느 줄을 바꾸는지 말할 수 있습니다. 기본값은 🤗 Transformers 5의 것이고, `lesson_lib`도 같습니다.
#
# | 설정 (기본값) | 루프에서 바뀌는 곳 |
# |---|---|
# | `learning_rate` (`5e-5`) | `AdamW(..., lr=...)`: 한 스텝의 크기. 위에서는 몸통 대부분을 동결했기 때문에 더 큰 `5e-4`를 썼습니다 |
# | `warmup_steps` (`0`) | 처음 몇 스텝 동안 학습률을 0에서 `learning_rate`까지 천천히 올립니다. 1보다 작은 실수는 전체 스텝 수에 대한 비율입니다 |
# | `lr_scheduler_type` (`"linear"`) | `optimizer.step()` 뒤에 `scheduler.step()`이 붙어, 학습률이 마지막 스텝에서 0이 되도록 곧게 줄어듭니다. `"constant"`는 위의 루프처럼 그대로 둡니다 |
# | `max_grad_norm` (`1.0`) | `loss.backward()`와 `optimizer.step()` 사이에서 기울기 전체의 길이를 이 값으로 자릅니다(clipping). 손실이 튀는 배치 하나가 모델을 크게 흔들지 못하게 합니다. `0`이면 자르지 않습니다 |
# | `weight_decay` (`0.0`) | `AdamW`가 스텝마다 가중치를 0 쪽으로 조금 당깁니다. 편향과 층 정규화의 파라미터는 당기지 않습니다 |
# | `eval_strategy` (`"no"`) | `"steps"`나 `"epoch"`이면 그때마다 루프가 멈추고 `eval_dataset`으로 손실과 `compute_metrics`의 지표를 잽니다 |
# | `save_strategy` (`"steps"`, `save_steps=500`) | 그때마다 `output_dir/checkpoint-<스텝>`에 06장의 `save_pretrained`로 저장합니다. 위에서는 `"no"`로 껐습니다 |
# | `train_sampling_strategy` (`"random"`) | 배치 순서: 에포크마다 섞기(`"random"`), 그대로(`"sequential"`), 길이로 묶은 뒤 섞기(`"group_by_length"`) |
# | `seed` (`42`) | `Trainer`를 만들 때 `torch.manual_seed(seed)`를 부르고, 배치 순서의 `torch.Generator`에도 씁니다 |
#
# 전체 $T$스텝, `warmup_steps`가 $W$일 때 선형 스케줄이 스텝 $t = 0, 1, \dots, T-1$에 주는 학습률은 다음과 같습니다.
#
# $$\eta_t = \eta \cdot \frac{t}{W} \quad (t < W), \qquad \eta_t = \eta \cdot \frac{T - t}{T - W} \quad (t \ge W)$$
#
# 예를 들어 아래 절의 네 스텝($T = 4$, $W = 0$)은 $\eta, \tfrac{3}{4}\eta, \tfrac{1}{2}\eta, \tfrac{1}{4}\eta$로 학습합니다. 셀이 `log_history`의 `learning_rate`로 확인합니다.
#
# 🤗 Transformers의 `Trainer`는 여기에 GPU와 여러 장치, 혼합 정밀도, 기울기 누적, 콜백, 체크포인트에서 이어 학습하기 같은 것을 더 얹습니다. `lesson_lib`은 그런 설정을 받으면 조용히 무시하지 않고, 이 키트에는 없다고 알려 줍니다.

# %% [md en]
# ## Which part of the loop does each `TrainingArguments` setting change?
#
# Having written the loop, you can say which line of it each setting changes. The defaults are 🤗 Transformers 5's, and `lesson_lib`'s are the same.
#
# | setting (default) | what it changes in the loop |
# |---|---|
# | `learning_rate` (`5e-5`) | `AdamW(..., lr=...)`: the size of a step. Above we used a larger `5e-4`, because most of the body is frozen |
# | `warmup_steps` (`0`) | for the first steps, the learning rate climbs slowly from 0 to `learning_rate`. A float below 1 is a share of all steps |
# | `lr_scheduler_type` (`"linear"`) | `scheduler.step()` follows `optimizer.step()`, and the learning rate falls in a straight line to 0 at the last step. `"constant"` leaves it alone, as the loop above does |
# | `max_grad_norm` (`1.0`) | between `loss.backward()` and `optimizer.step()`, the length of all gradients together is cut down to this (clipping), so one batch with a wild loss cannot shake the model much. `0` turns it off |
# | `weight_decay` (`0.0`) | at every step, `AdamW` pulls the weights a little towards 0; never the biases and the layer normalisation parameters |
# | `eval_strategy` (`"no"`) | with `"steps"` or `"epoch"`, the loop stops every so often to measure the loss and the `compute_metrics` metrics on `eval_dataset` |
# | `save_strategy` (`"steps"`, `save_steps=500`) | every so often, chapter 06's `save_pretrained` writes `output_dir/checkpoint-<step>`. Above it is off (`"no"`) |
# | `train_sampling_strategy` (`"random"`) | the batch order: shuffled every epoch (`"random"`), as they come (`"sequential"`), or grouped by length and then shuffled (`"group_by_length"`) |
# | `seed` (`42`) | `Trainer` calls `torch.manual_seed(seed)` when it is built, and seeds the batch order's `torch.Generator` with it |
#
# With $T$ steps in all and `warmup_steps` = $W$, the linear schedule gives step $t = 0, 1, \dots, T-1$ the learning rate
#
# $$\eta_t = \eta \cdot \frac{t}{W} \quad (t < W), \qquad \eta_t = \eta \cdot \frac{T - t}{T - W} \quad (t \ge W)$$
#
# For example, the four steps of the next section ($T = 4$, $W = 0$) train at $\eta, \tfrac{3}{4}\eta, \tfrac{1}{2}\eta, \tfrac{1}{4}\eta$; the cell checks it with `log_history`'s `learning_rate`.
#
# 🤗 Transformers' `Trainer` adds more on top: GPUs and several devices, mixed precision, gradient accumulation, callbacks, resuming from a checkpoint. When `lesson_lib` gets one of those settings it does not quietly ignore it: it says that this kit does not have it.

# %% [md ko]
# ## 🤗 Transformers에서는
#
# `Trainer`, `TrainingArguments`, `train_sampling_strategy`, `log_history` 같은 이름과 기본값은 🤗 Transformers에서도 그대로입니다. 이 장에서 미세 조정한 한국어 모델을 폴더에 저장하고, 두 라이브러리의 `Trainer`가 그 폴더에서 시작해 같은 한국어 문장 64개를 같은 순서로(`"sequential"`) 네 스텝 학습하게 해 봅시다. 한국어 모델을 쓰는 까닭은 크기입니다. 영어 모델 크기의 모델 두 개에 🤗 Transformers 자신의 모듈(약 85 MB)까지 더하면 커널 메모리가 600 MB를 넘습니다. 학습률 스케줄(선형 감소)과 기울기 자르기(1.0)는 둘 다 기본값입니다.
#
# 드롭아웃은 끕니다. 두 `Trainer` 모두 드롭아웃 마스크를 PyTorch의 전역 난수 생성기에서 뽑는데, 🤗 Transformers는 데이터를 불러올 때도 같은 생성기에서 난수를 꺼냅니다(PyTorch의 `DataLoader`가 에포크를 시작할 때마다 하나씩). 그래서 드롭아웃을 켜 두면 첫 스텝부터 마스크가 달라지고 손실도 달라집니다. 드롭아웃을 끄면 무작위로 정해지는 것이 남지 않아 손실이 같아집니다.
#
# 다른 점도 있습니다. 🤗 Transformers의 `Trainer`는 `accelerate` 패키지가 있어야 돌고, 기본 옵티마이저가 여러 연산을 한 번에 하는 AdamW(`adamw_torch_fused`)라서 손실의 마지막 자릿수가 조금 다를 수 있습니다. `"group_by_length"`는 배치 최대 50개 분량씩 묶은 안에서만 정렬하므로 배치가 키트와 다르게 만들어집니다. 학습 중에 다시 그려지는 손실 그래프는 키트에만 있습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# The names and defaults, `Trainer`, `TrainingArguments`, `train_sampling_strategy`, `log_history`, are the same in 🤗 Transformers. Save the Korean model this chapter fine-tuned to a folder, and let both libraries' `Trainer` start from that folder and train four steps on the same 64 Korean sentences in the same order (`"sequential"`). Why the Korean model: its size. Two models of the English one's size, plus 🤗 Transformers' own modules (about 85 MB), would take the kernel's memory above 600 MB. The learning-rate schedule (linear decay) and gradient clipping (1.0) are both left at their defaults.
#
# Dropout is off. Both trainers draw their dropout masks from PyTorch's global random generator, but 🤗 Transformers draws from that generator while loading data as well (PyTorch's `DataLoader` takes one number at the start of every epoch). With dropout on, the masks differ from the first step, and so do the losses. With dropout off, nothing is left to chance and the losses agree.
#
# What differs: 🤗 Transformers' `Trainer` needs the `accelerate` package; its default optimizer is a fused AdamW (`adamw_torch_fused`, several operations in one), so the last digits of a loss may differ a little; and its `"group_by_length"` sorts only within groups of up to 50 batches, so its batches are not the kit's. The loss plot redrawn during training is the kit's only.

# %%
import transformers

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 불러오기 보고가 없도록 [en] no load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 막대는 시간을 저장합니다 [en] its loading bar would store times
del trainer, start  # [ko] 모델이 둘 더 옵니다: 앞의 둘이 쓰던 메모리를 비웁니다 [en] two more models are coming: free the memory of the last two
folder = Path(scratch.name) / "fine_tuned"  # [ko] Trainer 셀에서 만든 임시 폴더 안 [en] inside the temporary folder of the Trainer cell
ko_model.save_pretrained(folder)
ko_tok.save_pretrained(folder)
ko_train_set = [{**ko_tok(r["text"]), "label": int(r["label"])} for r in ko_train]  # [ko] 토큰화한 한국어 예제 [en] the Korean examples, tokenized


def four_steps(library, **settings):
    """Four steps of library's Trainer from the saved model, dropout off, in the data's order; its log lines."""
    twin = library.AutoModelForSequenceClassification.from_pretrained(
        folder, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    for name, param in twin.named_parameters():
        param.requires_grad = name.startswith(KO_TRAINABLE)  # [ko] 위와 같은 층을 동결 [en] the same frozen layers as above
    args = library.TrainingArguments(str(folder.parent / library.__name__), max_steps=4, learning_rate=LR,
                                     per_device_train_batch_size=BATCH_SIZE, train_sampling_strategy="sequential",
                                     seed=SEED, logging_steps=1, save_strategy="no", **settings)
    steps = library.Trainer(twin, args, train_dataset=ko_train_set,
                            processing_class=library.AutoTokenizer.from_pretrained(folder))
    if library is transformers:
        steps.remove_callback(transformers.PrinterCallback)  # [ko] 로그 줄마다 시간까지 출력하기 때문에 [en] it would print every log line, times included
    steps.train()
    return [entry for entry in steps.state.log_history if "loss" in entry]


kit_log = four_steps(lesson_lib)
hf_log = four_steps(transformers, disable_tqdm=True, dataloader_pin_memory=False)
kit_losses, hf_losses = ([entry["loss"] for entry in log] for log in (kit_log, hf_log))
rates = [entry["learning_rate"] for entry in kit_log]
print("learning rates:", [round(r, 8) for r in rates], "= η (T - t) / T:", [round(LR * (4 - t) / 4, 8) for t in range(4)])
assert torch.allclose(torch.tensor(rates), torch.tensor([LR * (4 - t) / 4 for t in range(4)]))  # [ko] 선형 스케줄, W = 0 [en] the linear schedule, W = 0
print("lesson_lib:  ", [round(x, 4) for x in kit_losses])
print("transformers:", [round(x, 4) for x in hf_losses])
same = torch.allclose(torch.tensor(kit_losses), torch.tensor(hf_losses), atol=1e-5)
print("allclose (atol 1e-5):", same)
assert same

# %% [md ko]
# ### 연습 3 (바꿔 보기): 분류기만 학습시킨다면
#
# `TRAINABLE`을 `("classifier.",)`로 바꿔 분류기만 학습시킨다면, 학습하는 파라미터는 몇 개일까요? 분류기의 모양(폭 384 → 라벨 2개)으로 계산해서 `answer`에 쓰세요. 그다음 동결하는 셀의 `TRAINABLE`을 정말로 바꿔 `n_train`이 그 수가 되는지 확인하고, 학습 루프를 다시 돌려 손실 곡선이 어떻게 달라지는지 보세요(원래대로 되돌리려면 노트북을 처음부터 다시 실행하세요).

# %% [md en]
# ### Exercise 3 (modify): only the classifier trains
#
# If `TRAINABLE` were `("classifier.",)`, so that only the classifier trains, how many parameters would train? Work it out from the classifier's shape (width 384 → 2 labels) and write it in `answer`. Then really change `TRAINABLE` in the freezing cell, check that `n_train` becomes that number, and run the training loop again to see how the loss curve changes (run the notebook from the top to get back).

# %% tags=["exercise"]
answer = None  # [ko] 정수 하나 [en] a whole number

# %% tags=["solution"]
answer = 770  # [ko] 384 × 2 가중치 + 2 편향 [en] 384 × 2 weights + 2 biases

# %% tags=["check"]
expected = sum(p.numel() for name, p in model.named_parameters() if name.startswith("classifier."))
ok = isinstance(answer, (int, float)) and answer == expected
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 모델 전체의 파라미터 {n_all:,}개 중 분류기는 {expected}개뿐입니다.",
           "en": f"Correct! Of the model's {n_all:,} parameters, the classifier has only {expected}."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 선형층 하나는 가중치(입력 × 출력)와 출력마다 편향 하나를 가집니다.",
           "en": "Not yet. Hint: a linear layer has weights (inputs × outputs) plus one bias per output."}[LANG])

# %% [md ko]
# ## 정리
#
# - 손실은 배치의 평균 교차 엔트로피 $L = -\frac{1}{B}\sum_b \log p_{b,y_b}$이고, 로짓에 대한 기울기는 $(p - \text{원-핫})/B$입니다. `backward()`가 이것을 `grad_fn`의 기록을 따라 거꾸로 전합니다.
# - 학습 루프는 배치마다 네 줄입니다. 순전파(`loss`), `loss.backward()`, `optimizer.step()`, `optimizer.zero_grad()`.
# - SGD는 $\theta \leftarrow \theta - \eta g$, AdamW는 기울기를 그 크기의 이동 평균으로 나눠 파라미터마다 보폭을 맞춥니다. 첫 스텝은 어느 가중치든 약 $\eta$만큼 움직입니다.
# - 동결(`requires_grad = False`)하면 학습할 파라미터가 줄어 빠르고, 사전학습한 것은 그대로 남습니다. 여기서는 8.5%만 학습했습니다.
# - 사전학습 몸통이 그 언어를 잘 읽어야 작은 데이터로도 배웁니다. 영어 모델은 한국어 문장을 거의 배우지 못했고, 한국어 어휘의 모델은 같은 64문장으로 배웠습니다.
# - `Trainer`는 이 루프에 스케줄($\eta_t$), 기울기 자르기, 평가, 저장을 얹은 것이고, 설정을 맞추면 손실이 스텝마다 같습니다.
# - 다음 장(09)에서는 한국어 문장이 영어 어휘에서 왜 자모와 `[UNK]`가 되는지, 한국어 어휘는 어떻게 만드는지 봅니다.

# %% [md en]
# ## Summary
#
# - The loss is the batch's mean cross-entropy, $L = -\frac{1}{B}\sum_b \log p_{b,y_b}$; its gradient with respect to the logits is $(p - \text{one-hot})/B$, and `backward()` carries it back along the record `grad_fn` keeps.
# - The training loop is four lines per batch: the forward pass (`loss`), `loss.backward()`, `optimizer.step()`, `optimizer.zero_grad()`.
# - SGD does $\theta \leftarrow \theta - \eta g$; AdamW divides the gradient by a running average of its size, so each parameter gets its own step, and the first step moves every weight by about $\eta$.
# - Freezing (`requires_grad = False`) leaves fewer parameters to train, which is fast, and keeps what pre-training learned; here only 8.5% trained.
# - Small data is enough only when the pre-trained body reads the language well: the English model hardly learned the Korean sentences, the model with a Korean vocabulary learned them from the same 64.
# - `Trainer` is this loop with a schedule ($\eta_t$), gradient clipping, evaluation and saving on top; with the same settings its losses agree step by step.
# - Next, chapter 09 shows why Korean sentences become jamo and `[UNK]` with an English vocabulary, and how a Korean vocabulary is made.
