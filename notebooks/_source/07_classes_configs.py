# %% [md ko]
# # 07 클래스와 설정: Auto 클래스의 속, 새 모델 만들기, 헤드 바꾸기
#
# `Auto` 클래스가 실제로 어떤 클래스를 골라 주는지 보고, 설정(config)만으로 새 DistilBERT를 처음부터 만들어 본 뒤, 사전학습 몸통은 그대로 두고 라벨 10개짜리 헤드로 바꿔 봅니다.
#
# 지금까지는 `AutoModelForSequenceClassification`과 `AutoTokenizer`만 썼습니다. 이름 그대로 "알아서" 골라 주는 지름길입니다. 그 뒤에는 구조마다 하나씩 있는 보통의 파이썬 클래스가 있습니다.

# %% [md en]
# # 07 Classes and configs: behind the Auto classes, a new model, a new head
#
# See which class the `Auto` classes really pick, build a new DistilBERT from nothing but a config, then keep a pre-trained body and give it a head with 10 labels.
#
# So far we used only `AutoModelForSequenceClassification` and `AutoTokenizer`: shortcuts that choose "automatically". Behind them is one ordinary Python class per architecture.

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer

model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
print(type(model))
print(type(tok))

# %% [md ko]
# ## Auto 클래스는 무엇을 보고 고를까?
#
# `config.json`의 `model_type` 한 줄을 봅니다. 기본 모델은 `"bert"`이므로 `BertForSequenceClassification`이 됩니다. 퀵투어의 모델은 `"distilbert"`여서 `DistilBertForSequenceClassification`이 되었습니다.
# 아래 표가 `lesson_lib`이 아는 전부입니다.

# %% [md en]
# ## What do the Auto classes look at?
#
# One line of `config.json`: `model_type`. The default model says `"bert"`, so it becomes a `BertForSequenceClassification`. The quick tour's model says `"distilbert"`, which gave a `DistilBertForSequenceClassification`.
# This table is everything `lesson_lib` knows:

# %%
from lesson_lib import AutoConfig
from lesson_lib.models.auto import REGISTRY

print("model_type of the default model:", AutoConfig.from_pretrained(DEFAULT_MODEL).model_type)
for model_type, (config_class, body_class, classifier_class) in REGISTRY.items():
    print(f"{model_type:11} -> {config_class.__name__:17} {body_class.__name__:16} {classifier_class.__name__}")

# %% [md ko]
# 그러니 구체적인 클래스를 직접 써도 결과는 똑같습니다. 같은 클래스, 체크포인트에서 읽은 같은 가중치, 같은 토큰 id입니다.

# %% [md en]
# So using the concrete class directly gives exactly the same thing: the same class, the same weights read from the checkpoint, the same token ids.

# %%
from lesson_lib import BertForSequenceClassification, BertTokenizer

direct = BertForSequenceClassification.from_pretrained(DEFAULT_MODEL)
direct_tok = BertTokenizer.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
batch = direct_tok(texts, padding=True, return_tensors="pt")
assert torch.equal(batch["input_ids"], tok(texts, padding=True, return_tensors="pt")["input_ids"])

ours, theirs = direct.state_dict(), model.state_dict()
same = [name for name in direct.load_report.loaded if torch.equal(ours[name], theirs[name])]
print(type(direct).__name__, "-", len(same), "of", len(direct.load_report.loaded), "checkpoint tensors identical")
assert type(direct) is type(model) and len(same) == len(direct.load_report.loaded)

# %% [md ko]
# 구조가 다른 클래스를 고르면 어떻게 될까요? 체크포인트가 BERT인데 DistilBERT 클래스로 불러 보면, 무엇이 틀렸고 무엇을 쓰면 되는지 알려 줍니다.

# %% [md en]
# What if you pick a class of another architecture? Load the BERT checkpoint with the DistilBERT class and the error says what is wrong and what to use instead.

# %%
from lesson_lib import CheckpointError, DistilBertForSequenceClassification

try:
    DistilBertForSequenceClassification.from_pretrained(DEFAULT_MODEL)
except CheckpointError as err:
    print(f"{type(err).__name__}: {err}")

# %% [md ko]
# ## 설정으로 새 모델 만들기
#
# 구조마다 설정 클래스가 있습니다. 퀵투어처럼 DistilBERT의 모양을 바꿔 봅시다. 헤드 8개, 폭 `dim` 512, 피드포워드 폭 `hidden_dim` 2048(= 4 × 512).
# 설정에서 바로 만든 모델은 가중치가 **무작위**입니다. 어디서도 불러오지 않았으니 학습부터 해야 합니다.
#
# 토크나이저는 바꿀 필요가 없습니다. 퀵투어는 `distilbert-base-uncased`의 토크나이저를 내려받지만, 오프라인에서는 어휘가 똑같은 기본 모델의 것을 `DistilBertTokenizer`로 불러옵니다. DistilBERT는 `token_type_ids`를 받지 않으므로 이 토크나이저는 그것을 만들지 않습니다.

# %% [md en]
# ## A new model from a config
#
# Every architecture has a config class. As in the quick tour, let's change DistilBERT's shape: 8 heads, width `dim` 512, feed-forward width `hidden_dim` 2048 (= 4 × 512).
# A model built straight from a config has **random** weights. Nothing was loaded, so it has to be trained first.
#
# The tokenizer does not need to change. The quick tour downloads `distilbert-base-uncased`'s; offline we load the default model's, which has the same vocabulary, as a `DistilBertTokenizer`. DistilBERT takes no `token_type_ids`, so this tokenizer does not make them.

# %%
from lesson_lib import DistilBertConfig, DistilBertTokenizer

config = DistilBertConfig(n_heads=8, dim=512, hidden_dim=4 * 512)
scratch = DistilBertForSequenceClassification(config).eval()  # eval(): no dropout while we look at outputs
distil_tok = DistilBertTokenizer.from_pretrained(DEFAULT_MODEL)
distil_batch = distil_tok(texts, padding=True, return_tensors="pt")

print(f"{scratch.num_parameters():,} parameters; layers = {config.n_layers}, head size = {config.dim // config.n_heads}")
print("inputs:", list(distil_batch))
with torch.no_grad():
    probs = torch.softmax(scratch(**distil_batch).logits, dim=-1)
print(probs)
assert torch.allclose(probs, torch.full_like(probs, 0.5), atol=0.05)  # untrained: about 50/50

# %% [md ko]
# 두 문장 모두 확률이 0.5 근처입니다. 무작위 가중치는 아주 작은 값(표준편차 0.02)으로 시작하므로 logits가 0에 가깝고, 소프트맥스는 거의 균등한 확률을 냅니다. 모델이 아직 아무것도 모른다는 뜻입니다.
#
# 파라미터는 어디에 있을까요? 설정만 보고 셀 수 있습니다. 선형층 하나(a → b)는 a·b개의 가중치와 b개의 편향, LayerNorm은 폭의 두 배입니다. 아래 위젯에서 층, 헤드, 폭, 라벨 수를 바꿔 보세요. 모델을 만들지 않고 설정만으로 계산하니 바로바로 바뀝니다.

# %% [md en]
# Both sentences get about 0.5. Random weights start very small (standard deviation 0.02), so the logits are near 0 and softmax gives almost even probabilities: the model knows nothing yet.
#
# Where are the parameters? You can count them from the config alone: a linear layer (a → b) has a·b weights and b biases, a LayerNorm twice its width. Change the layers, heads, width and labels in the widget below. It computes from the config without building a model, so it updates at once.

# %%
from lesson_lib.views import ConfigView, count_parameters

counts = count_parameters(config)
print(f"embeddings {counts.embeddings_total:,} + {counts.n_layers} layers × {counts.layer_total:,} "
      f"+ head {counts.head_total:,} = {counts.total:,}")
assert counts.total == scratch.num_parameters()  # counting from the config == counting the real tensors

ConfigView("distilbert", n_layers=6, n_heads=8, width=512, ffn_width=2048, num_labels=2, lang=LANG)

# %% [md ko]
# 단어 임베딩 표(30522 × 512) 하나가 전체의 거의 절반입니다. 어휘가 크면 모델도 커집니다.
#
# ## 몸통은 그대로, 헤드만 바꾸기
#
# 모양을 바꾸면 사전학습 가중치를 쓸 수 없습니다. 하지만 **라벨 수만** 바꾼다면 몸통은 그대로 쓰고 맨 위의 분류기만 새로 만들면 됩니다.
# 퀵투어는 이것을 `distilbert-base-uncased`로 합니다. 감성 헤드가 **없는** 사전학습 DistilBERT입니다. 오프라인인 우리는 같은 역할을 하는 `BASE_MODEL`(all-MiniLM-L6-v2, 헤드 없는 BERT 몸통)을 씁니다.
# 헤드가 없는 체크포인트에 `num_labels=10`을 주면 몸통은 체크포인트에서 가져오고, 분류기는 새로 만들어 무작위로 시작합니다. 무엇이 새로 만들어졌는지 알려 줍니다.

# %% [md en]
# The word embedding table alone (30522 × 512) is almost half of the total: a large vocabulary makes a large model.
#
# ## Keep the body, change the head
#
# Change the shape and the pre-trained weights no longer fit. But if **only the number of labels** changes, the body can stay and only the classifier on top is new.
# The quick tour does this with `distilbert-base-uncased`, a pre-trained DistilBERT **without** a sentiment head. Offline, `BASE_MODEL` plays that part (all-MiniLM-L6-v2, a BERT body without a head).
# Give a headless checkpoint `num_labels=10`: the body comes from the checkpoint, the classifier is new and starts random, and you are told what is new.

# %%
from lesson_lib import BASE_MODEL, AutoModel

del direct, ours, scratch  # done with them (ours holds direct's weights): memory for this section's models
model10 = AutoModelForSequenceClassification.from_pretrained(BASE_MODEL, num_labels=10)

# %% [md ko]
# 위의 경고(`NewWeightsWarning`)가 그 알림입니다. 같은 내용이 `model.load_report`에 데이터로도 남아 있습니다.

# %% [md en]
# The warning above (`NewWeightsWarning`) is that message. The same facts are kept as data in `model.load_report`:

# %%
report = model10.load_report
print("loaded from the checkpoint:", len(report.loaded), "tensors")
print("newly initialised:         ", report.newly_initialised)
print("labels:", model10.config.id2label)
print("classifier:", tuple(model10.classifier.weight.shape))

with torch.no_grad():
    logits10 = model10(**batch).logits
print("logits:", tuple(logits10.shape))
assert logits10.shape == (2, 10)
body = AutoModel.from_pretrained(BASE_MODEL)  # the same checkpoint, as a body only
assert torch.equal(model10.bert.encoder.layer[5].output.dense.weight, body.encoder.layer[5].output.dense.weight)

# %% [md ko]
# 몸통의 텐서는 체크포인트에 있는 그대로 불러왔고(마지막 줄의 `assert`), 분류기만 (10, 384) 모양으로 무작위로 시작합니다. 라벨 이름도 `LABEL_0`…`LABEL_9`라는 임시 이름입니다(`id2label={...}`로 직접 줄 수 있습니다).
# 이 모델은 이제 열 가지 중 하나를 고를 수 있지만, 아직 무엇이 무엇인지 모릅니다. 학습은 다음 장에서 합니다.
#
# ### 헤드가 이미 있는 체크포인트라면?
#
# `DEFAULT_MODEL`에는 라벨 2개짜리 감성 헤드가 있습니다. 여기에 `num_labels=10`을 주면 체크포인트의 분류기 (2, 384)가 모델의 (10, 384)에 들어가지 않습니다. 🤗 Transformers 5처럼 키트도 이때 멈추고, 어느 텐서의 모양이 어떻게 다른지 알려 줍니다. 학습한 헤드를 모르고 버리는 일이 없도록 하려는 것입니다.

# %% [md en]
# The body's tensors were loaded exactly as the checkpoint holds them (the last `assert`), and only the classifier starts random, in the shape (10, 384). The label names are placeholders too, `LABEL_0`…`LABEL_9` (pass `id2label={...}` to name them).
# The model can now choose one of ten answers, but it does not know yet which is which. Training is the next chapter.
#
# ### And a checkpoint that already has a head?
#
# `DEFAULT_MODEL` carries a sentiment head for 2 labels. Ask it for `num_labels=10` and the checkpoint's classifier (2, 384) does not fit the model's (10, 384). Like 🤗 Transformers 5, the kit stops there and says which tensors differ and how: a trained head should never be thrown away by accident.

# %%
try:
    AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL, num_labels=10)
except CheckpointError as err:
    print(err)

# %% [md ko]
# 정말로 헤드를 새로 만들고 싶다면 그렇다고 말해 줍니다: `ignore_mismatched_sizes=True`. 그러면 모양이 다른 분류기만 새로 만들고, 그 사실을 `load_report.reshaped_head`에 남깁니다.

# %% [md en]
# If a new head is really what you want, say so: `ignore_mismatched_sizes=True`. Then only the classifier whose shape differs is made anew, and `load_report.reshaped_head` records it.

# %%
replaced = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL, num_labels=10,
                                                              ignore_mismatched_sizes=True)
print("head re-shaped:", [(name, old, new) for name, old, new in replaced.load_report.reshaped_head])

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 설정 클래스와 필드 이름(`DistilBertConfig`의 `dim`, `n_heads`, `hidden_dim`, `n_layers`)도, 모델 클래스 이름도 🤗 Transformers와 같습니다. 같은 설정으로 두 라이브러리에서 모델을 만들면 파라미터 이름과 모양이 같아서, 키트 모델의 가중치를 🤗 Transformers 모델에 `strict=True`로 그대로 넣을 수 있고 같은 로짓이 나옵니다. 여기서는 빨리 돌도록 작은 설정을 씁니다.
# 새 헤드도 같은 방식으로 붙습니다. 헤드가 없는 몸통 `BASE_MODEL`을 `num_labels=10`으로 불러오면 두 라이브러리 모두 몸통은 체크포인트에서 가져오고 분류기만 새로 만듭니다(라벨 이름은 `LABEL_0` … `LABEL_9`). 새 가중치는 무작위라 서로 다르므로, 키트의 분류기를 옮겨 넣은 뒤 로짓을 비교합니다.
# `REGISTRY`, `count_parameters`, `ConfigView`는 이 키트에만 있습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# The config classes and their field names (`DistilBertConfig`'s `dim`, `n_heads`, `hidden_dim`, `n_layers`) and the model class names are 🤗 Transformers'. A model built from the same config in both libraries has the same parameter names and shapes, so the kit model's weights go into the 🤗 Transformers model with `strict=True`, and the logits agree. A small config keeps this quick.
# A new head works the same way. Loading the headless body `BASE_MODEL` with `num_labels=10`, both libraries take the body from the checkpoint and make only the classifier new, for `LABEL_0` … `LABEL_9`. New weights are random, so they differ between the two; copy the kit's classifier over, then compare the logits.
# `REGISTRY`, `count_parameters` and `ConfigView` are this kit's only.

# %%
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

import gc
import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
del replaced  # free its memory: more models are coming
gc.collect()

# 1. the same config in both libraries -> the same parameters
small = {"n_layers": 2, "n_heads": 4, "dim": 64, "hidden_dim": 256}
ours = DistilBertForSequenceClassification(DistilBertConfig(**small)).eval()
theirs = transformers.DistilBertForSequenceClassification(transformers.DistilBertConfig(**small)).eval()
theirs.load_state_dict(ours.state_dict(), strict=True)  # same names, same shapes
with torch.no_grad():
    same_small = torch.allclose(ours(**distil_batch).logits, theirs(**distil_batch).logits, atol=1e-5)
print(f"DistilBertConfig{small}: {ours.num_parameters():,} parameters in both:",
      ours.num_parameters() == theirs.num_parameters(), "| same logits:", same_small)

# 2. the headless body (BASE_MODEL, as `body` above) + num_labels=10 -> a new head in both
folder = Path(tempfile.mkdtemp()) / "body"
body.save_pretrained(folder)  # the body only: a folder without any classifier
theirs10 = transformers.AutoModelForSequenceClassification.from_pretrained(folder, num_labels=10).eval()
print("classifier:", tuple(theirs10.classifier.weight.shape), "labels:", list(theirs10.config.id2label.values())[:3], "...")
theirs10.classifier.load_state_dict(model10.classifier.state_dict())  # the same new head in both
with torch.no_grad():
    same_head = torch.allclose(model10.eval()(**batch).logits, theirs10(**batch).logits, atol=1e-5)
print("same labels:", theirs10.config.id2label == model10.config.id2label, "| same logits (atol 1e-5):", same_head)
assert same_small and same_head and theirs10.config.id2label == model10.config.id2label

# %% [md ko]
# ## 연습 문제
#
# 위의 `config`에서 폭 `dim=512`는 그대로 두고 헤드 수만 8에서 16으로 늘리면, 파라미터 수는 몇 개 **늘어날까요**? 위젯으로 확인해 보고, 늘어나는 개수(줄어들면 음수)를 `answer`에 쓰세요.

# %% [md en]
# ## Exercise
#
# Keep the width `dim=512` of `config` above and only change the number of heads from 8 to 16: by how many parameters does the model **grow**? Try it in the widget, then write the increase (negative if it shrinks) in `answer`.

# %% tags=["exercise"]
answer = None  # a whole number

# %% tags=["check"]
grown = count_parameters(DistilBertConfig(n_heads=16, dim=512, hidden_dim=4 * 512)).total - counts.total
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif answer == grown:
    print({"ko": "정답입니다! 헤드는 폭 512를 나눠 쓸 뿐이라(16 × 32 = 8 × 64) 가중치 수는 그대로입니다.",
           "en": "Correct! Heads only share out the width of 512 (16 × 32 = 8 × 64), so the number of weights stays the same."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 쿼리, 키, 값의 선형층 모양은 (dim, dim)입니다. 헤드 수가 이 모양을 바꿀까요?",
           "en": "Not yet. Hint: the query, key and value linear layers are (dim, dim). Does the number of heads change that shape?"}[LANG])
