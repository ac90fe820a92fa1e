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

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - `Auto` 클래스가 `config.json`의 `model_type`을 보고 구체적인 클래스를 고른다는 것을 설명하고, 그 클래스를 직접 씁니다.
# - 설정(`DistilBertConfig`)만으로 무작위 가중치의 새 모델을 만들고, 학습 전의 확률이 왜 0.5 근처인지 말합니다.
# - 층 하나, 임베딩, 헤드의 파라미터 수를 설정의 숫자($V, P, D, F, C$)로 손으로 계산하고, 출력된 합계와 맞춰 봅니다.
# - 사전학습 몸통에 라벨 10개짜리 새 헤드를 달고, 헤드가 이미 있는 체크포인트에서는 왜 오류가 나는지, `ignore_mismatched_sizes=True`가 무엇을 하는지 설명합니다.
#
# **전제**: 03장(BERT의 모듈: 임베딩, 어텐션, 피드포워드, LayerNorm, 풀러, 분류기), 06장(`config.json`과 텐서 이름).
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-10분 | Auto 클래스는 무엇을 보고 고를까, 구체적인 클래스, 다른 구조를 고르면 나는 오류 |
# | 10-20분 | 설정으로 새 모델 만들기, 연습 1(헤드 수를 바꾸면?) |
# | 20-35분 | 파라미터 세기(수식), 연습 2(기본 모델의 층 하나), `ConfigView` 위젯 |
# | 35-45분 | 몸통은 그대로, 헤드만 바꾸기, 헤드가 이미 있는 체크포인트 |
# | 45-50분 | 연습 3(1,000만 개 안쪽의 모델 설계), 정리 |
#
# 짧은 수업(30분)에서는 "구조가 다른 클래스를 고르면"의 셀과 "🤗 Transformers에서는" 절(모델을 네 개 더 만들어 가장 느린 셀입니다)을 건너뛰세요.

# %% [md en]
# ## This chapter
#
# **After it you can**
#
# - explain that the `Auto` classes pick a concrete class from `config.json`'s `model_type`, and use that class directly;
# - build a new model with random weights from a config (`DistilBertConfig`) alone, and say why its probabilities start near 0.5;
# - count the parameters of a layer, of the embeddings and of the head by hand from the config's numbers ($V, P, D, F, C$), and match them with the printed totals;
# - put a new 10-label head on a pre-trained body, and explain why a checkpoint that already has a head refuses, and what `ignore_mismatched_sizes=True` does.
#
# **It assumes** chapter 03 (BERT's modules: embeddings, attention, feed-forward, LayerNorm, pooler, classifier) and chapter 06 (`config.json` and the tensors' names).
#
# **A 50-minute plan**
#
# | minutes | what |
# |---|---|
# | 0-10 | what the Auto classes look at, the concrete class, the error for another architecture |
# | 10-20 | a new model from a config, exercise 1 (what if the number of heads changes?) |
# | 20-35 | counting parameters (the formulas), exercise 2 (one layer of the default model), the `ConfigView` widget |
# | 35-45 | keep the body, change the head; a checkpoint that already has one |
# | 45-50 | exercise 3 (design a model under 10 million parameters), summary |
#
# In a short lesson (30 minutes), skip the cell of "What if you pick a class of another architecture?" and the "In 🤗 Transformers" section (it builds four more models and is the slowest cell).

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
# 그러니 구체적인 클래스를 직접 써도 결과는 똑같습니다. 같은 클래스, 체크포인트에서 읽은 같은 가중치, 같은 토큰 ID입니다.

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

# [ko] 앞 절의 두 번째 복사본은 다 썼으니 지웁니다(ours와 theirs가 가중치를 붙잡고 있습니다): 새 모델을 위한 메모리
# [en] done with the previous section's second copy (ours and theirs hold on to weights): memory for the new model
del direct, direct_tok, ours, theirs
config = DistilBertConfig(n_heads=8, dim=512, hidden_dim=4 * 512)
# [ko] eval(): 출력을 살펴보는 동안 드롭아웃을 끕니다
# [en] eval(): no dropout while we look at outputs
scratch = DistilBertForSequenceClassification(config).eval()
distil_tok = DistilBertTokenizer.from_pretrained(DEFAULT_MODEL)
distil_batch = distil_tok(texts, padding=True, return_tensors="pt")

print(f"{scratch.num_parameters():,} parameters; layers = {config.n_layers}, head size = {config.dim // config.n_heads}")
print("inputs:", list(distil_batch))
with torch.no_grad():
    probs = torch.softmax(scratch(**distil_batch).logits, dim=-1)
print(probs)
assert torch.allclose(probs, torch.full_like(probs, 0.5), atol=0.05)  # [ko] 학습 전: 대략 50/50 [en] untrained: about 50/50

# %% [md ko]
# 두 문장 모두 확률이 0.5 근처입니다. 무작위 가중치는 아주 작은 값(표준편차 0.02)으로 시작하므로 로짓이 0에 가깝고, 소프트맥스는 거의 균등한 확률을 냅니다. 모델이 아직 아무것도 모른다는 뜻입니다.
#
# ### 연습 1 (예상하기): 헤드 수를 바꾸면?
#
# 위의 `config`에서 폭 `dim=512`는 그대로 두고 헤드 수만 8에서 16으로 늘리면, 파라미터 수는 몇 개 **늘어날까요**? 아래에서 파라미터를 세기 **전에** 예상해서, 늘어나는 개수(줄어들면 음수)를 `answer`에 쓰세요.

# %% [md en]
# Both sentences get about 0.5. Random weights start very small (standard deviation 0.02), so the logits are near 0 and softmax gives almost even probabilities: the model knows nothing yet.
#
# ### Exercise 1 (predict): what if the number of heads changes?
#
# Keep the width `dim=512` of `config` above and only change the number of heads from 8 to 16: by how many parameters does the model **grow**? Predict it **before** we count the parameters below, and write the increase (negative if it shrinks) in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] 정수 하나 [en] a whole number

# %% tags=["solution"]
answer = 0

# %% tags=["check"]
from lesson_lib.views import count_parameters

grown = count_parameters(DistilBertConfig(n_heads=16, dim=512, hidden_dim=4 * 512)).total - scratch.num_parameters()
ok = isinstance(answer, (int, float)) and answer == grown
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다! 헤드는 폭 512를 나눠 쓸 뿐이라(16 × 32 = 8 × 64) 가중치 수는 그대로입니다.",
           "en": "Correct! Heads only share out the width of 512 (16 × 32 = 8 × 64), so the number of weights stays the same."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 쿼리, 키, 값의 선형층 모양은 (dim, dim)입니다. 헤드 수가 이 모양을 바꿀까요?",
           "en": "Not yet. Hint: the query, key and value linear layers are (dim, dim). Does the number of heads change that shape?"}[LANG])

# %% [md ko]
# ## 파라미터는 어디에 있을까?
#
# 설정만 보고 셀 수 있습니다. 입력 $a$개를 출력 $b$개로 바꾸는 선형층 $y = xW^\top + \mathbf{b}$는 가중치 $W$가 $(b, a)$ 모양이라 파라미터가 $ab + b$개이고, 폭 $D$의 LayerNorm은 특성마다 배율 $\gamma$와 이동 $\beta$가 있어 $2D$개입니다. 어휘 크기를 $V$, 위치 수(`max_position_embeddings`)를 $P$, 폭을 $D$, 피드포워드 폭을 $F$, 라벨 수를 $C$라고 하면 다음과 같습니다.
#
# | 부분 | 파라미터 수 |
# |---|---|
# | 임베딩 | $VD + PD + 2D$ (단어, 위치, LayerNorm. BERT는 토큰 타입 $2D$가 더 있습니다) |
# | 층 하나의 어텐션 (쿼리, 키, 값, 출력) | $4(D^2 + D)$ |
# | 층 하나의 피드포워드 ($D \to F \to D$) | $(DF + F) + (FD + D) = 2DF + F + D$ |
# | 층 하나의 LayerNorm 두 개 | $2 \cdot 2D$ |
# | 헤드 (`pre_classifier`, BERT는 풀러) + 분류기 | $(D^2 + D) + (CD + C)$ |
#
# 헤드 수 $H$는 어디에도 없습니다. 헤드들은 폭을 나눠 쓸 뿐입니다($D = H \cdot d$, $d$는 헤드 하나의 크기). 아래 셀은 이 수식으로 직접 센 값이 `count_parameters`와, 그리고 실제 모델의 텐서 수와 같은지 확인합니다.

# %% [md en]
# ## Where are the parameters?
#
# You can count them from the config alone. A linear layer from $a$ inputs to $b$ outputs, $y = xW^\top + \mathbf{b}$, has a weight $W$ of shape $(b, a)$: $ab + b$ parameters. A LayerNorm of width $D$ has a scale $\gamma$ and a shift $\beta$ per feature: $2D$. With the vocabulary size $V$, the number of positions $P$ (`max_position_embeddings`), the width $D$, the feed-forward width $F$ and the number of labels $C$:
#
# | part | parameters |
# |---|---|
# | embeddings | $VD + PD + 2D$ (words, positions, LayerNorm; BERT adds $2D$ for the token types) |
# | attention of one layer (query, key, value, output) | $4(D^2 + D)$ |
# | feed-forward of one layer ($D \to F \to D$) | $(DF + F) + (FD + D) = 2DF + F + D$ |
# | the two LayerNorms of one layer | $2 \cdot 2D$ |
# | head (`pre_classifier`, BERT's pooler) + classifier | $(D^2 + D) + (CD + C)$ |
#
# The number of heads $H$ appears nowhere: the heads only share out the width ($D = H \cdot d$, $d$ being one head's size). The cell below checks that these formulas, worked out by hand, give what `count_parameters` gives, and what the real model's tensors hold.

# %% [md ko]
# ### 연습 2 (계산하기): 기본 모델의 층 하나
#
# 이 장 맨 위에서 불러온 기본 모델 `model`은 BERT이고, 06장의 `config.json`에서 본 대로 $D = 384$(`hidden_size`), $F = 1536$(`intermediate_size`)입니다. 위의 표로 이 모델의 인코더 층 **하나**의 파라미터 수를 계산해서 `answer`에 쓰세요.

# %% [md en]
# ### Exercise 2 (compute): one layer of the default model
#
# `model`, the default model loaded at the top of this chapter, is a BERT with $D = 384$ (`hidden_size`) and $F = 1536$ (`intermediate_size`), as chapter 06's `config.json` showed. With the table above, work out the number of parameters of **one** of its encoder layers and write it in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] 정수 하나 [en] a whole number

# %% tags=["solution"]
answer = 4 * (384 * 384 + 384) + 2 * 384 * 1536 + 1536 + 384 + 2 * 2 * 384  # 1,774,464

# %% tags=["check"]
one_layer = sum(p.numel() for p in model.bert.encoder.layer[0].parameters())  # [ko] 실제 텐서로 센 수 [en] counted on the real tensors
ok = isinstance(answer, (int, float)) and answer == one_layer
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 층 하나에 {one_layer:,}개, 여섯 층이면 {6 * one_layer:,}개입니다.",
           "en": f"Correct! {one_layer:,} in one layer, {6 * one_layer:,} in all six."}[LANG])
elif isinstance(answer, (int, float)) and answer == one_layer - 4 * 384:
    print({"ko": "아직 아닙니다. 거의 다 왔습니다. 힌트: 층마다 LayerNorm이 두 개 있습니다(어텐션 뒤, 피드포워드 뒤).",
           "en": "Not yet, but close. Hint: every layer has two LayerNorms (after the attention, after the feed-forward)."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 4(D² + D) + 2DF + F + D + 4D에 D = 384, F = 1536을 넣으세요. 편향도 잊지 마세요.",
           "en": "Not yet. Hint: put D = 384 and F = 1536 into 4(D² + D) + 2DF + F + D + 4D. Do not forget the biases."}[LANG])

# %% [md ko]
# 이제 설정에서 센 값을 봅시다. 아래 위젯에서 층, 헤드, 폭, 라벨 수를 바꿔 보세요. 모델을 만들지 않고 설정만으로 계산하니 바로바로 바뀝니다.

# %% [md en]
# Now the counts from the config. Change the layers, heads, width and labels in the widget below: it computes from the config without building a model, so it updates at once.

# %%
from lesson_lib.views import ConfigView, count_parameters

counts = count_parameters(config)
print(f"embeddings {counts.embeddings_total:,} + {counts.n_layers} layers × {counts.layer_total:,} "
      f"+ head {counts.head_total:,} = {counts.total:,}")
# [ko] 설정으로 센 수 == 실제 텐서로 센 수
# [en] counting from the config == counting the real tensors
assert counts.total == scratch.num_parameters()
# [ko] 위 표의 수식으로 손으로 센 수도 같습니다
# [en] and so does counting by hand with the table's formulas
V, P, D, F, C = config.vocab_size, config.max_position_embeddings, config.dim, config.hidden_dim, config.num_labels
by_hand = (V * D + P * D + 2 * D, 4 * (D * D + D) + 2 * D * F + F + D + 2 * 2 * D, (D * D + D) + (C * D + C))
assert by_hand == (counts.embeddings_total, counts.layer_total, counts.head_total)

ConfigView("distilbert", n_layers=6, n_heads=8, width=512, ffn_width=2048, num_labels=2, lang=LANG)

# %% [md ko]
# 단어 임베딩 표(30522 × 512) 하나가 전체의 거의 절반입니다. 어휘가 크면 모델도 커집니다.
#
# ## 몸통은 그대로, 헤드만 바꾸기
#
# 모양을 바꾸면 사전학습 가중치를 쓸 수 없습니다. 하지만 **라벨 수만** 바꾼다면 몸통은 그대로 쓰고 맨 위의 분류기만 새로 만들면 됩니다.
# 퀵투어는 이것을 `distilbert-base-uncased`로 합니다. 감성 헤드가 **없는** 사전학습 DistilBERT입니다. 오프라인인 우리는 같은 역할을 하는 `BASE_MODEL`(all-MiniLM-L6-v2, 헤드 없는 BERT 몸통)을 씁니다.
# 헤드가 없는 체크포인트에 `num_labels=10`을 주면 몸통은 체크포인트에서 가져오고, 분류기는 새로 만들어 무작위로 시작합니다. 무엇이 새로 만들어졌는지 알려 줍니다.
#
# 새로 만드는 부분은 작습니다. BERT의 헤드는 마지막 층에서 첫 토큰의 벡터 $h_{[\mathrm{CLS}]} \in \mathbb{R}^{D}$를 읽어 풀러(사전학습된 것, 몸통의 일부)를 거친 뒤 분류기(새것)에 넣습니다.
#
# $$z = W_c \tanh\big(W_p\, h_{[\mathrm{CLS}]} + b_p\big) + b_c, \qquad W_c \in \mathbb{R}^{C \times D},\; b_c \in \mathbb{R}^{C}$$
#
# 라벨 $C = 10$개, $D = 384$이면 무작위로 시작하는 파라미터는 $CD + C = 3{,}850$개이고, 로짓 $z$의 모양은 $(B, C)$입니다.

# %% [md en]
# The word embedding table alone (30522 × 512) is almost half of the total: a large vocabulary makes a large model.
#
# ## Keep the body, change the head
#
# Change the shape and the pre-trained weights no longer fit. But if **only the number of labels** changes, the body can stay and only the classifier on top is new.
# The quick tour does this with `distilbert-base-uncased`, a pre-trained DistilBERT **without** a sentiment head. Offline, `BASE_MODEL` plays that part (all-MiniLM-L6-v2, a BERT body without a head).
# Give a headless checkpoint `num_labels=10`: the body comes from the checkpoint, the classifier is new and starts random, and you are told what is new.
#
# What is new is small. BERT's head reads the last layer's vector of the first token, $h_{[\mathrm{CLS}]} \in \mathbb{R}^{D}$: the pooler (pre-trained, part of the body) and then the classifier (new):
#
# $$z = W_c \tanh\big(W_p\, h_{[\mathrm{CLS}]} + b_p\big) + b_c, \qquad W_c \in \mathbb{R}^{C \times D},\; b_c \in \mathbb{R}^{C}$$
#
# so with $C = 10$ labels and $D = 384$, $CD + C = 3{,}850$ parameters start random; the logits $z$ have shape $(B, C)$.

# %%
from lesson_lib import BASE_MODEL, AutoModel

# [ko] 무작위 모델은 다 썼으니 지웁니다: 이 절의 모델을 위한 메모리
# [en] done with the random model: memory for this section's models
del scratch
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
print("classifier:", tuple(model10.classifier.weight.shape), "->",
      sum(p.numel() for p in model10.classifier.parameters()), "new parameters")
assert sum(p.numel() for p in model10.classifier.parameters()) == 10 * 384 + 10  # CD + C

with torch.no_grad():
    logits10 = model10(**batch).logits
print("logits:", tuple(logits10.shape))
assert logits10.shape == (2, 10)
body = AutoModel.from_pretrained(BASE_MODEL)  # [ko] 같은 체크포인트를 몸통만 [en] the same checkpoint, as a body only
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
# ### 연습 3 (바꿔 보기): 파라미터 1,000만 개 안쪽의 DistilBERT
#
# 어휘는 그대로(`vocab_size=30522`, 기본값) 두고, 파라미터가 **1,000만 개보다 적은** DistilBERT의 설정을 만들어 `answer`에 넣으세요(`DistilBertConfig(...)`). 층 수, 헤드 수, `dim`, `hidden_dim`을 바꿀 수 있고, `dim`은 `n_heads`로 나누어떨어져야 합니다. 위젯으로 먼저 실험해도 좋습니다. 어느 숫자가 가장 크게 작용하나요?

# %% [md en]
# ### Exercise 3 (modify): a DistilBERT under 10 million parameters
#
# Keep the vocabulary (`vocab_size=30522`, the default) and make a DistilBERT config whose model has **fewer than 10 million** parameters; put it in `answer` (`DistilBertConfig(...)`). You may change the layers, the heads, `dim` and `hidden_dim`; `dim` must split evenly over `n_heads`. Try it in the widget first, if you like. Which number matters most?

# %% tags=["exercise"]
answer = None  # [ko] 예: DistilBertConfig(n_layers=..., n_heads=..., dim=..., hidden_dim=...) [en] e.g. DistilBertConfig(n_layers=..., n_heads=..., dim=..., hidden_dim=...)

# %% tags=["solution"]
answer = DistilBertConfig(n_layers=2, n_heads=4, dim=256, hidden_dim=1024)

# %% tags=["check"]
ok = isinstance(answer, DistilBertConfig) and answer.vocab_size == 30522 and count_parameters(answer).total < 10_000_000
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 DistilBertConfig(...)를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a DistilBertConfig(...) in answer and run again."}[LANG])
elif not isinstance(answer, DistilBertConfig):
    print({"ko": "answer에는 DistilBertConfig(...)로 만든 설정을 넣으세요.",
           "en": "answer should be a config made with DistilBertConfig(...)."}[LANG])
elif answer.vocab_size != 30522:
    print({"ko": "어휘는 그대로 두세요(vocab_size=30522). 어휘를 줄이면 토크나이저도 바꿔야 합니다.",
           "en": "Keep the vocabulary (vocab_size=30522): a smaller one would need another tokenizer."}[LANG])
elif ok:
    mine = count_parameters(answer)
    print({"ko": f"정답입니다! 파라미터 {mine.total:,}개, 그중 임베딩이 {mine.embeddings_total / mine.total:.0%}입니다. "
                 "단어 임베딩 VD가 폭 D에 비례하므로, 작은 모델에서는 D가 가장 크게 작용합니다.",
           "en": f"Correct! {mine.total:,} parameters, {mine.embeddings_total / mine.total:.0%} of them embeddings. "
                 "The word embeddings VD grow with the width D, so in a small model D matters most."}[LANG])
else:
    print({"ko": f"아직 아닙니다: {count_parameters(answer).total:,}개입니다. 힌트: 단어 임베딩만 V × D = 30522 × dim입니다. "
                 "dim이 얼마보다 작아야 할까요?",
           "en": f"Not yet: {count_parameters(answer).total:,}. Hint: the word embeddings alone are V × D = 30522 × dim. "
                 "How small must dim be?"}[LANG])

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
import transformers  # [ko] 진짜 라이브러리는 이 셀에서만: lesson_lib 자체는 이것을 불러오지 않습니다 [en] the real library, in this cell only: lesson_lib itself never imports it

import gc
import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 안내 문구와 불러오기 보고가 남지 않게 [en] no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 진행 막대는 시간을 저장하므로 끕니다 [en] its loading bar would store times
del model, replaced  # [ko] 이 셀에서 쓰지 않는 모델의 메모리를 비웁니다: 모델이 더 나옵니다 [en] free the models this cell does not use: more models are coming
gc.collect()

# [ko] 1. 두 라이브러리에 같은 설정 -> 같은 파라미터
# [en] 1. the same config in both libraries -> the same parameters
small = {"n_layers": 2, "n_heads": 4, "dim": 64, "hidden_dim": 256}
ours = DistilBertForSequenceClassification(DistilBertConfig(**small)).eval()
theirs = transformers.DistilBertForSequenceClassification(transformers.DistilBertConfig(**small)).eval()
theirs.load_state_dict(ours.state_dict(), strict=True)  # [ko] 같은 이름, 같은 모양 [en] same names, same shapes
with torch.no_grad():
    same_small = torch.allclose(ours(**distil_batch).logits, theirs(**distil_batch).logits, atol=1e-5)
print(f"DistilBertConfig{small}: {ours.num_parameters():,} parameters in both:",
      ours.num_parameters() == theirs.num_parameters(), "| same logits:", same_small)

# [ko] 2. 헤드 없는 몸통(BASE_MODEL, 위의 `body`) + num_labels=10 -> 양쪽 모두 새 헤드
# [en] 2. the headless body (BASE_MODEL, as `body` above) + num_labels=10 -> a new head in both
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
folder = Path(scratch.name) / "body"
body.save_pretrained(folder)  # [ko] 몸통만: 분류기가 없는 폴더 [en] the body only: a folder without any classifier
del body  # [ko] 저장했으니 메모리를 비웁니다 [en] saved: free its memory
theirs10 = transformers.AutoModelForSequenceClassification.from_pretrained(folder, num_labels=10).eval()
print("classifier:", tuple(theirs10.classifier.weight.shape), "labels:", list(theirs10.config.id2label.values())[:3], "...")
theirs10.classifier.load_state_dict(model10.classifier.state_dict())  # [ko] 양쪽에 같은 새 헤드 [en] the same new head in both
with torch.no_grad():
    same_head = torch.allclose(model10.eval()(**batch).logits, theirs10(**batch).logits, atol=1e-5)
print("same labels:", theirs10.config.id2label == model10.config.id2label, "| same logits (atol 1e-5):", same_head)
assert same_small and same_head and theirs10.config.id2label == model10.config.id2label

# %% [md ko]
# ## 정리
#
# - `Auto` 클래스는 `config.json`의 `model_type` 한 줄을 보고 구조별 클래스(`BertForSequenceClassification`, `DistilBertForSequenceClassification`)를 고릅니다. 구체적인 클래스를 직접 써도 결과는 똑같습니다.
# - 설정만으로 만든 모델은 가중치가 무작위라 확률이 0.5 근처입니다. 학습해야 쓸 수 있습니다.
# - 파라미터 수는 설정에서 바로 나옵니다. 층 하나는 $4(D^2 + D) + 2DF + F + D + 4D$이고 헤드 수 $H$와는 상관이 없습니다. 작은 모델에서는 단어 임베딩 $VD$가 큰 몫을 차지합니다.
# - 헤드 없는 몸통에 `num_labels=N`을 주면 분류기($CD + C$개)만 새로 만들어집니다. 헤드가 이미 있는 체크포인트에서 모양이 다르면 멈추고, `ignore_mismatched_sizes=True`로 새 헤드를 원한다고 말해야 합니다.
# - 다음 장(08)에서는 이렇게 새로 만든 분류기를 학습시킵니다.

# %% [md en]
# ## Summary
#
# - The `Auto` classes read one line of `config.json`, `model_type`, and pick the architecture's class (`BertForSequenceClassification`, `DistilBertForSequenceClassification`); using that class directly gives exactly the same model.
# - A model built from a config alone has random weights and probabilities near 0.5: it must be trained before it is any use.
# - The number of parameters follows from the config: one layer has $4(D^2 + D) + 2DF + F + D + 4D$, whatever the number of heads $H$; in a small model the word embeddings $VD$ are a large share.
# - A headless body given `num_labels=N` gets only a new classifier ($CD + C$ parameters). A checkpoint whose head has another shape stops you; say `ignore_mismatched_sizes=True` if a new head is what you want.
# - Next, chapter 08 trains such a new classifier.
