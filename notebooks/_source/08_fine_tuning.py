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
    model.eval()  # no dropout while predicting
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
# 모델 전체(2,270만 개)를 학습시킬 수도 있지만, 이 교실의 CPU에서는 느립니다. 여기서는 **마지막 층, 풀러, 분류기만** 학습시키고 나머지는 얼려 둡니다(`requires_grad = False`).
# 얼린 파라미터는 기울기를 계산하지 않으니 빠르고, 아래쪽 층이 사전학습에서 배운 것은 그대로 남습니다.

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
# 그래서 문장을 토큰 수로 정렬한 뒤 16개씩 묶습니다. 길이가 비슷한 문장끼리 한 배치가 됩니다. 배치의 **순서**는 에폭(데이터를 한 바퀴 도는 것)마다 섞습니다.

# %% [md en]
# ## Making batches
#
# As chapter 02 showed, the sentences of a batch are padded to the longest one. Korean sentences give many tokens with this English vocabulary (chapter 09), so mixed with short English ones they bring a lot of padding, which is wasted work.
# So we sort the sentences by token count and cut them into groups of 16: sentences of similar length share a batch. The **order** of the batches is shuffled in every epoch (one pass over the data).

# %%
lengths = [len(tok(r["text"])["input_ids"]) for r in train]
order = sorted(range(len(train)), key=lambda i: lengths[i])
batches = [order[k:k + 16] for k in range(0, len(order), 16)]
print(len(batches), "batches of", [len(b) for b in batches])
print("tokens per sentence, shortest and longest batch:", [lengths[i] for i in batches[0][:3]], "...",
      [lengths[i] for i in batches[-1][-3:]])

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
# 진행 막대(`tqdm`)와 손실 그래프가 학습하는 동안 갱신됩니다. 3에폭 × 8배치 = 24걸음이고 몇 초면 끝납니다.

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
# A progress bar (`tqdm`) and the loss plot update while it trains. 3 epochs × 8 batches = 24 steps, done in a few seconds.

# %%
import matplotlib.pyplot as plt
from IPython.display import display
from tqdm.auto import tqdm

EPOCHS = 3
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-4)
shuffle = torch.Generator().manual_seed(0)  # the batch order: the same on every run
losses = []

words = {"ko": ("걸음", "손실", "학습 손실 (배치마다)", "에폭 평균"),
         "en": ("step", "loss", "training loss (each batch)", "epoch mean")}[LANG]
fig, ax = plt.subplots(figsize=(7, 3))
plot = display(fig, display_id=True)  # one picture, redrawn in place while training
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


for epoch in range(EPOCHS):
    model.train()  # dropout on while training
    # bar_format without times: a stored notebook must print the same text on every run
    for k in tqdm(torch.randperm(len(batches), generator=shuffle).tolist(), desc=f"epoch {epoch + 1}/{EPOCHS}",
                  bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt}"):
        part = [train[i] for i in batches[k]]
        batch = tok([r["text"] for r in part], padding=True, return_tensors="pt")
        labels = torch.tensor([int(r["label"]) for r in part])

        loss = model(**batch, labels=labels).loss  # 1. forward, with the right answers
        loss.backward()  # 2. gradients of the loss for every trainable parameter
        optimizer.step()  # 3. a small step downhill
        optimizer.zero_grad()  # 4. forget this batch's gradients

        losses.append(loss.item())
        if len(losses) % 4 == 0 or len(losses) == EPOCHS * len(batches):
            redraw()
    print(f"epoch {epoch + 1}: mean loss {sum(losses[-len(batches):]) / len(batches):.3f}")
model.eval()  # dropout off again
print(len(losses), "steps")

# %% [md ko]
# 손실이 배치마다 오르내리는 것은 자연스럽습니다. 배치마다 문장이 다르니까요. 그래도 에폭 평균(주황색 선)은 내려갑니다. 셀이 스스로 확인합니다.

# %% [md en]
# The loss goes up and down from batch to batch, which is normal: every batch holds different sentences. The epoch mean (the orange lines) goes down, though, and the cell checks it.

# %%
first, last = (sum(losses[e * len(batches):(e + 1) * len(batches)]) / len(batches) for e in (0, EPOCHS - 1))
print(f"mean loss: first epoch {first:.3f} -> last epoch {last:.3f}")
assert last < first  # it learned something

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
# 학습한 모델에 직접 문장을 넣어 보세요. 짧은 영어 문장은 대체로 맞히지만, 한국어 문장은 아직 잘 못 맞힙니다(09장에서 이유를 봅니다).

# %% [md en]
# Try the trained model on your own sentences. Short English sentences mostly come out right; Korean ones often do not yet (chapter 09 shows why).

# %%
from lesson_lib.views import ClassifyView

model.eval()
ClassifyView(model, tok, text="What a wonderful, warm film.", lang=LANG)

# %% [md ko]
# 영어 시험 문장은 학습 전보다 훨씬 잘 맞힙니다. 처음 보는 문장인데도요. 사전학습 몸통이 이미 영어 문장의 뜻을 벡터로 잘 담아 두었고, 새 분류기는 (마지막 층의 도움을 조금 받아) 그 벡터에서 긍정과 부정을 가르는 방향만 찾으면 되었기 때문입니다.
#
# 한국어는 다릅니다. 처음 보는 한국어 문장에서는 거의 나아지지 않습니다. 이 영어 어휘는 한국어를 자모 조각과 `[UNK]`로 읽기 때문입니다(09장에서 자세히 봅니다). 문장 수가 적은 것도 이유입니다. 작은 데이터로 한 실험이니 숫자는 대략의 경향으로만 보세요.
#
# ## `Trainer`는 여기에 무엇을 더할까?
#
# `Trainer`의 중심에도 같은 네 줄이 있습니다. 그 둘레에 이런 것들이 붙어 있습니다.
#
# - 데이터 섞기와 배치 만들기(길이로 묶기 포함), GPU로 옮기기
# - 학습률 스케줄(처음엔 천천히 올렸다가 점점 줄이기), 기울기 자르기(clipping)
# - 일정 걸음마다 평가하고 기록하기, 체크포인트 저장(06장의 `save_pretrained`)
# - 혼합 정밀도, 여러 GPU에 나눠 학습하기
#
# 루프를 한 번 직접 써 보면, `Trainer`의 설정 하나하나가 이 루프의 어디를 바꾸는지 알 수 있습니다.

# %% [md en]
# English test sentences are now right much more often than before, although the model never saw them. The pre-trained body already turns English sentences into vectors that hold their meaning well; the new classifier (with a little help from the last layer) only had to find the direction in them that separates positive from negative.
#
# Korean is different: unseen Korean sentences hardly improve. This English vocabulary reads Korean as jamo pieces and `[UNK]`s (chapter 09 looks at this closely). Having so few sentences does not help either. It is an experiment on a small set: read the numbers as a rough trend only.
#
# ## What does `Trainer` add?
#
# At the heart of `Trainer` are the same four lines. Around them it adds:
#
# - shuffling and batching the data (grouping by length too), moving it to a GPU
# - a learning-rate schedule (warm up slowly, then decay), gradient clipping
# - evaluating and logging every so many steps, saving checkpoints (chapter 06's `save_pretrained`)
# - mixed precision, training on several GPUs
#
# Once you have written the loop yourself, you can tell which part of it each `Trainer` setting changes.

# %% [md ko]
# ## 연습 문제
#
# `TRAINABLE`을 `("classifier.",)`로 바꿔 분류기만 학습시킨다면, 학습하는 파라미터는 몇 개일까요? 분류기의 모양(폭 384 → 라벨 2개)으로 계산해서 `answer`에 쓰세요.

# %% [md en]
# ## Exercise
#
# If `TRAINABLE` were `("classifier.",)`, so that only the classifier trains, how many parameters would train? Work it out from the classifier's shape (width 384 → 2 labels) and write it in `answer`.

# %% tags=["exercise"]
answer = None  # a whole number

# %% tags=["check"]
expected = sum(p.numel() for name, p in model.named_parameters() if name.startswith("classifier."))
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif answer == expected:
    print({"ko": f"정답입니다! 몸통 {n_all:,}개 중 분류기는 {expected}개뿐입니다.",
           "en": f"Correct! Of the model's {n_all:,} parameters, the classifier has only {expected}."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 선형층 하나는 가중치(입력 × 출력)와 출력마다 편향 하나를 가집니다.",
           "en": "Not yet. Hint: a linear layer has weights (inputs × outputs) plus one bias per output."}[LANG])
