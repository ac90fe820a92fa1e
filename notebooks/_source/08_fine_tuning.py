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
BATCH_SIZE = 16
lengths = [len(tok(r["text"])["input_ids"]) for r in train]
order = sorted(range(len(train)), key=lambda i: lengths[i])
batches = [order[k:k + BATCH_SIZE] for k in range(0, len(order), BATCH_SIZE)]
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
#
# 이 루프는 뒤에서 `Trainer`와 한 걸음씩 맞춰 볼 것이라 `Trainer`와 똑같은 방식으로 씁니다. 가중치 감쇠(weight decay)는 `Trainer`의 기본값인 0으로 적어 두고(PyTorch의 `AdamW` 기본값은 0.01입니다), 배치 순서는 시드를 준 `torch.Generator`로 정하며, 루프 직전에 `torch.manual_seed(SEED)`로 드롭아웃의 난수를 고정합니다.
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
# A progress bar (`tqdm`) and the loss plot update while it trains. 3 epochs × 8 batches = 24 steps, done in a few seconds.
#
# Further down we match this loop with `Trainer` step by step, so it follows `Trainer`'s recipe exactly: weight decay written out as 0, `Trainer`'s default (PyTorch's `AdamW` would use 0.01); the batch order drawn from a `torch.Generator` seeded with the seed; and `torch.manual_seed(SEED)` right before the loop, which fixes dropout's random draws.
# A `copy.deepcopy` of the model keeps the weights from before training, so that `Trainer` can start from the same point.

# %%
import copy

import matplotlib.pyplot as plt
from IPython.display import display
from tqdm.auto import tqdm

SEED, EPOCHS, LR = 0, 3, 5e-4
start = copy.deepcopy(model)  # the weights before training, for the Trainer further down
# weight_decay=0.0: Trainer's default (PyTorch's AdamW alone would use 0.01)
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LR, weight_decay=0.0)
shuffle = torch.Generator().manual_seed(SEED)  # the batch order: the same on every run
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


torch.manual_seed(SEED)  # dropout's random draws: the same on every run, and the same as Trainer's
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
# ## 같은 학습을 `Trainer`로
#
# `lesson_lib.Trainer`는 🤗 Transformers의 `Trainer`와 이름과 기본값이 같고, 속에는 위의 네 줄이 그대로 있습니다(`lesson_lib/trainer.py`의 `train`).
# 학습 전에 복사해 둔 `start`에서 시작해, 같은 데이터와 같은 시드로 돌려 봅시다. 위의 루프와 똑같이 하도록 학습률 스케줄과 기울기 자르기는 끄고(`lr_scheduler_type="constant"`, `max_grad_norm=0`), 길이로 묶은 배치를 씁니다(`train_sampling_strategy="group_by_length"`).
# 손실이 걸음마다 기록되면(`logging_steps=1`) 24개의 손실을 위의 것과 하나씩 비교할 수 있습니다.

# %% [md en]
# English test sentences are now right much more often than before, although the model never saw them. The pre-trained body already turns English sentences into vectors that hold their meaning well; the new classifier (with a little help from the last layer) only had to find the direction in them that separates positive from negative.
#
# Korean is different: unseen Korean sentences hardly improve. This English vocabulary reads Korean as jamo pieces and `[UNK]`s (chapter 09 looks at this closely). Having so few sentences does not help either. It is an experiment on a small set: read the numbers as a rough trend only.
#
# ## The same training with `Trainer`
#
# `lesson_lib.Trainer` has the names and defaults of 🤗 Transformers' `Trainer`, and inside it are the four lines above (`train` in `lesson_lib/trainer.py`).
# Start it from `start`, the copy made before training, on the same data with the same seed. To do exactly what the loop above does, the learning-rate schedule and gradient clipping are off (`lr_scheduler_type="constant"`, `max_grad_norm=0`) and the batches are grouped by length (`train_sampling_strategy="group_by_length"`).
# With a log line at every step (`logging_steps=1`), its 24 losses can be compared with the loop's, one by one.

# %%
import tempfile

from lesson_lib import Trainer, TrainingArguments

train_set = [{**tok(r["text"]), "label": int(r["label"])} for r in train]  # tokenized examples, unpadded
args = TrainingArguments(tempfile.mkdtemp(), num_train_epochs=EPOCHS, per_device_train_batch_size=BATCH_SIZE,
                         learning_rate=LR, weight_decay=0.0, lr_scheduler_type="constant", max_grad_norm=0,
                         train_sampling_strategy="group_by_length", seed=SEED, logging_steps=1, save_strategy="no")
trainer = Trainer(start, args, train_dataset=train_set, processing_class=tok)
trainer.train()

trainer_losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
largest = max(abs(a - b) for a, b in zip(trainer_losses, losses))
print(len(trainer_losses), "losses from Trainer,", len(losses), "from the loop")
print("first three:", [round(x, 4) for x in trainer_losses[:3]], [round(x, 4) for x in losses[:3]])
print("largest difference below 1e-6:", largest < 1e-6)
assert len(trainer_losses) == len(losses) and largest < 1e-6  # Trainer is that loop

# %% [md ko]
# ## `TrainingArguments`의 설정은 루프의 어디를 바꿀까?
#
# 루프를 직접 써 보았으니, 설정 하나하나가 이 루프의 어느 줄을 바꾸는지 말할 수 있습니다. 기본값은 🤗 Transformers 5의 것이고, `lesson_lib`도 같습니다.
#
# | 설정 (기본값) | 루프에서 바뀌는 곳 |
# |---|---|
# | `learning_rate` (`5e-5`) | `AdamW(..., lr=...)`: 한 걸음의 크기. 위에서는 몸통 대부분을 얼렸기 때문에 더 큰 `5e-4`를 썼습니다 |
# | `warmup_steps` (`0`) | 처음 몇 걸음 동안 학습률을 0에서 `learning_rate`까지 천천히 올립니다. 1보다 작은 실수는 전체 걸음 수에 대한 비율입니다 |
# | `lr_scheduler_type` (`"linear"`) | `optimizer.step()` 뒤에 `scheduler.step()`이 붙어, 학습률이 마지막 걸음에서 0이 되도록 곧게 줄어듭니다. `"constant"`는 위의 루프처럼 그대로 둡니다 |
# | `max_grad_norm` (`1.0`) | `loss.backward()`와 `optimizer.step()` 사이에서 기울기 전체의 길이를 이 값으로 자릅니다(clipping). 손실이 튀는 배치 하나가 모델을 크게 흔들지 못하게 합니다. `0`이면 자르지 않습니다 |
# | `weight_decay` (`0.0`) | `AdamW`가 걸음마다 가중치를 0 쪽으로 조금 당깁니다. 편향과 층 정규화의 파라미터는 당기지 않습니다 |
# | `eval_strategy` (`"no"`) | `"steps"`나 `"epoch"`이면 그때마다 루프가 멈추고 `eval_dataset`으로 손실과 `compute_metrics`의 지표를 잽니다 |
# | `save_strategy` (`"steps"`, `save_steps=500`) | 그때마다 `output_dir/checkpoint-<걸음>`에 06장의 `save_pretrained`로 저장합니다. 위에서는 `"no"`로 껐습니다 |
# | `train_sampling_strategy` (`"random"`) | 배치 순서: 에폭마다 섞기(`"random"`), 그대로(`"sequential"`), 길이로 묶은 뒤 섞기(`"group_by_length"`) |
# | `seed` (`42`) | `Trainer`를 만들 때 `torch.manual_seed(seed)`를 부르고, 배치 순서의 `torch.Generator`에도 씁니다 |
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
# 🤗 Transformers' `Trainer` adds more on top: GPUs and several devices, mixed precision, gradient accumulation, callbacks, resuming from a checkpoint. When `lesson_lib` gets one of those settings it does not quietly ignore it: it says that this kit does not have it.

# %% [md ko]
# ## 🤗 Transformers에서는
#
# `Trainer`, `TrainingArguments`, `train_sampling_strategy`, `log_history` 같은 이름과 기본값은 🤗 Transformers에서도 그대로입니다. 이 장에서 미세 조정한 모델을 폴더에 저장하고, 두 라이브러리의 `Trainer`가 그 폴더에서 시작해 같은 데이터를 같은 순서로(`"sequential"`) 네 걸음 학습하게 해 봅시다. 학습률 스케줄(선형 감소)과 기울기 자르기(1.0)는 둘 다 기본값입니다.
#
# 드롭아웃은 끕니다. 두 `Trainer` 모두 드롭아웃 마스크를 PyTorch의 전역 난수 생성기에서 뽑는데, 🤗 Transformers는 데이터를 불러올 때도 같은 생성기에서 난수를 꺼냅니다(PyTorch의 `DataLoader`가 에폭을 시작할 때마다 하나씩). 그래서 드롭아웃을 켜 두면 첫 걸음부터 마스크가 달라지고 손실도 달라집니다. 드롭아웃을 끄면 무작위로 정해지는 것이 남지 않아 손실이 같아집니다.
#
# 다른 점도 있습니다. 🤗 Transformers의 `Trainer`는 `accelerate` 패키지가 있어야 돌고, 기본 옵티마이저가 여러 연산을 한 번에 하는 AdamW(`adamw_torch_fused`)라서 손실의 마지막 자릿수가 조금 다를 수 있습니다. `"group_by_length"`는 배치 최대 50개 분량씩 묶은 안에서만 정렬하므로 배치가 키트와 다르게 만들어집니다. 학습 중에 다시 그려지는 손실 그래프는 키트에만 있습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# The names and defaults, `Trainer`, `TrainingArguments`, `train_sampling_strategy`, `log_history`, are the same in 🤗 Transformers. Save the model this chapter fine-tuned to a folder, and let both libraries' `Trainer` start from that folder and train four steps on the same data in the same order (`"sequential"`). The learning-rate schedule (linear decay) and gradient clipping (1.0) are both left at their defaults.
#
# Dropout is off. Both trainers draw their dropout masks from PyTorch's global random generator, but 🤗 Transformers draws from that generator while loading data as well (PyTorch's `DataLoader` takes one number at the start of every epoch). With dropout on, the masks differ from the first step, and so do the losses. With dropout off, nothing is left to chance and the losses agree.
#
# What differs: 🤗 Transformers' `Trainer` needs the `accelerate` package; its default optimizer is a fused AdamW (`adamw_torch_fused`, several operations in one), so the last digits of a loss may differ a little; and its `"group_by_length"` sorts only within groups of up to 50 batches, so its batches are not the kit's. The loss plot redrawn during training is the kit's only.

# %%
import transformers

transformers.logging.set_verbosity_error()  # no load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
del trainer, start  # two more models are coming: free the memory of the last two
folder = Path(tempfile.mkdtemp()) / "fine_tuned"
model.save_pretrained(folder)
tok.save_pretrained(folder)


def four_steps(library, **settings):
    """Four steps of library's Trainer from the saved model, dropout off, in the data's order; the losses."""
    twin = library.AutoModelForSequenceClassification.from_pretrained(
        folder, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    for name, param in twin.named_parameters():
        param.requires_grad = name.startswith(TRAINABLE)  # the same frozen layers as above
    args = library.TrainingArguments(str(folder.parent / library.__name__), max_steps=4, learning_rate=LR,
                                     per_device_train_batch_size=BATCH_SIZE, train_sampling_strategy="sequential",
                                     seed=SEED, logging_steps=1, save_strategy="no", **settings)
    steps = library.Trainer(twin, args, train_dataset=train_set,
                            processing_class=library.AutoTokenizer.from_pretrained(folder))
    if library is transformers:
        steps.remove_callback(transformers.PrinterCallback)  # it would print every log line, times included
    steps.train()
    return [entry["loss"] for entry in steps.state.log_history if "loss" in entry]


kit_losses = four_steps(lesson_lib)
hf_losses = four_steps(transformers, disable_tqdm=True, dataloader_pin_memory=False)
print("lesson_lib:  ", [round(x, 4) for x in kit_losses])
print("transformers:", [round(x, 4) for x in hf_losses])
same = torch.allclose(torch.tensor(kit_losses), torch.tensor(hf_losses), atol=1e-5)
print("allclose (atol 1e-5):", same)
assert same

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
