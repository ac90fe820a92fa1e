# %% [md ko]
# # 09 한국어 텍스트: 영어 어휘가 한국어를 읽는 법, 그리고 우리만의 토크나이저
#
# 영어 uncased 어휘가 한국어 문장을 자모 조각과 `[UNK]`로 만드는 것을 보고, 직접 쓴 한국어 말뭉치로 작은 WordPiece 토크나이저를 학습시켜 처음 보는 한국어 문장에서 두 토크나이저를 비교합니다.
#
# 퀵투어에는 없는 장입니다. 08장에서 한국어 문장은 영어 문장만큼 배우지 못했습니다. 그 이유 중 하나가 토크나이저입니다.

# %% [md en]
# # 09 Korean text: how an English vocabulary reads Korean, and a tokenizer of our own
#
# See an English uncased vocabulary turn Korean sentences into jamo pieces and `[UNK]`s, train a small WordPiece tokenizer on a Korean corpus written for this kit, and compare the two tokenizers on Korean sentences neither has seen.
#
# This chapter goes beyond the quick tour. In chapter 08, the Korean sentences were learned much worse than the English ones, and the tokenizer is one of the reasons.

# %%
import unicodedata

from lesson_lib import DEFAULT_MODEL, AutoTokenizer

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
text = "정말 재미있는 영화였어요."
tokens = tok.tokenize(text)
print(text, "->", len(text), "characters")
print(tokens, "->", len(tokens), "tokens")

# %% [md ko]
# 한글 11글자(공백과 마침표까지 14자)가 토큰 9개가 되었는데, 그중 둘이 `[UNK]`이고 나머지는 글자도 아닌 조각입니다.
#
# ## 무슨 일이 일어났나: NFD와 자모
#
# 01장에서 본 것처럼 uncased 토크나이저는 악센트를 지우려고 먼저 **NFD**(유니코드 정준 분해)를 합니다. NFD는 한글 음절 하나를 자모 두세 개로 나눕니다. `정` = `ᄌ` + `ᅥ` + `ᆼ`. 악센트 기호는 지워지지만 자모는 남으므로, 어휘는 음절 대신 자모를 찾게 됩니다.
# 아래 위젯은 NFD 단계에서 시작합니다. 한 단계 앞으로 돌아가 보면 글자 상자가 NFD에서 갑자기 늘어나는 것이 보입니다.

# %% [md en]
# 11 Hangul letters (14 characters with the spaces and the full stop) became 9 tokens: two `[UNK]`s, and pieces that are not even letters.
#
# ## What happened: NFD and jamo
#
# As chapter 01 showed, an uncased tokenizer first applies **NFD** (Unicode canonical decomposition) to strip accents. NFD splits a Hangul syllable into two or three jamo: `정` = `ᄌ` + `ᅥ` + `ᆼ`. The accent marks are dropped but the jamo stay, so the vocabulary is searched for jamo instead of syllables.
# The widget below starts at the NFD step. Step back once and you see the character boxes multiply at NFD.

# %%
from lesson_lib.views import TokenView

nfd = unicodedata.normalize("NFD", text)
print(len(text), "characters ->", len(nfd), "after NFD:", " ".join(f"U+{ord(c):04X}" for c in nfd[:3]), "...")
view = TokenView(tok, text, lang=LANG)
view.step.value = [stage.name for stage in view.stages].index("nfd")  # start at NFD; step back to see the text before
view

# %% [md ko]
# ## 왜 `[UNK]`가 될까?
#
# 영어 어휘 30,522개 중 한글 음절은 하나도 없고, 자모도 일부만 있습니다. 현대 한국어의 자모는 초성 19개, 중성 21개, 종성 27개, 모두 67개입니다. 어휘에 (단어 첫 조각이든 `##` 조각이든) 들어 있는 것과 없는 것을 세어 봅시다.

# %% [md en]
# ## Why `[UNK]`?
#
# Of the English vocabulary's 30,522 entries, not one is a Hangul syllable, and only some are jamo. Modern Korean has 67 jamo: 19 initial consonants, 21 vowels and 27 final consonants. Let's count which ones the vocabulary has (as a word start or as a `##` piece) and which it lacks.

# %%
vocab = tok.get_vocab()
syllables = sum(1 for token in vocab if any("가" <= c <= "힣" for c in token))
jamo = {"initial": [chr(c) for c in range(0x1100, 0x1113)],  # ᄀ..ᄒ
        "vowel": [chr(c) for c in range(0x1161, 0x1176)],  # ᅡ..ᅵ
        "final": [chr(c) for c in range(0x11A8, 0x11C3)]}  # ᆨ..ᇂ
print("Hangul syllables in the vocabulary:", syllables)
for kind, letters in jamo.items():
    missing = [j for j in letters if j not in vocab and "##" + j not in vocab]
    print(f"{kind:8} {len(letters) - len(missing):2} of {len(letters)} in the vocabulary; missing: {' '.join(missing)}")

# %% [md ko]
# 빠진 자모 중에는 아주 흔한 것도 있습니다. 종성 `ᆻ`(ㅆ 받침)이 없으니 `있`, `었`, `았`, `했`이 들어간 단어는 모두 `[UNK]`입니다. WordPiece는 단어 안의 조각 하나라도 찾지 못하면 **단어 전체**를 `[UNK]` 하나로 바꾸기 때문입니다(01장).
# `재미있는`과 `영화였어요`가 바로 그렇게 사라졌습니다. 모델은 이 단어들에서 아무 정보도 얻지 못합니다.
#
# ## 우리 토크나이저 학습시키기
#
# 한국어를 위한 어휘를 직접 만들어 봅시다. `lesson_lib/data/korean_corpus.txt`에는 이 키트를 위해 쓴 일상 문장 약 500개가 있습니다(날씨, 음식, 학교, 일, 여행, 기분…).

# %% [md en]
# Some of the missing jamo are very common. Without the final `ᆻ` (ㅆ as a final consonant), every word with `있`, `었`, `았` or `했` becomes `[UNK]`: WordPiece replaces the **whole word** with one `[UNK]` when it cannot find any one of its pieces (chapter 01).
# That is exactly how `재미있는` and `영화였어요` disappeared. The model gets no information at all from these words.
#
# ## Training our own tokenizer
#
# Let's build a vocabulary for Korean. `lesson_lib/data/korean_corpus.txt` holds about 500 everyday sentences written for this kit (weather, food, school, work, travel, feelings…).

# %%
from pathlib import Path

import lesson_lib

corpus_file = Path(lesson_lib.__file__).parent / "data" / "korean_corpus.txt"
corpus = corpus_file.read_text(encoding="utf-8").splitlines()
letters = {c for line in corpus for c in line if "가" <= c <= "힣"}
print(len(corpus), "sentences,", sum(len(line) for line in corpus), "characters,", len(letters), "different syllables")
print(corpus[:3])

# %% [md ko]
# `tokenizers` 라이브러리(BERT 토크나이저의 속을 이루는 바로 그 라이브러리)로 네 부분을 조립합니다.
#
# - **정규화**: NFC(음절을 합쳐진 꼴로 둡니다. 자모로 나뉜 입력이 와도 다시 합칩니다)와 소문자 변환. 악센트 제거도, NFD도 하지 **않습니다**.
# - **사전 토큰화**: BERT와 같이 공백과 구두점에서 자릅니다.
# - **모델**: WordPiece. 모르는 단어는 `[UNK]`.
# - **트레이너**: 말뭉치에서 자주 붙어 나오는 조각을 차례로 합쳐 어휘를 만듭니다. 모든 글자에서 시작하므로, 말뭉치에 있던 글자는 절대 `[UNK]`가 되지 않습니다.
#
# `min_frequency=5`는 "다섯 번 이상 나온 조각 쌍만 합친다"는 뜻입니다. `vocab_size`는 넉넉하게 두어 이 규칙이 멈출 곳을 정하게 했습니다. 어휘 크기로 자르면, 같은 횟수의 후보 중 무엇을 넣을지가 실행할 때마다 달라질 수 있기 때문입니다.

# %% [md en]
# We assemble four parts with the `tokenizers` library (the very library inside BERT's tokenizer):
#
# - **normaliser**: NFC (keep syllables composed, and put them back together if the input arrives as jamo) and lower-casing. **No** accent stripping, no NFD.
# - **pre-tokeniser**: split at spaces and punctuation, as BERT does.
# - **model**: WordPiece, with `[UNK]` for unknown words.
# - **trainer**: builds the vocabulary by repeatedly joining pieces that often appear together in the corpus. It starts from every character, so a character seen in the corpus can never become `[UNK]`.
#
# `min_frequency=5` means "only join pairs of pieces seen at least 5 times". `vocab_size` is set generously so that this rule decides where to stop: cutting at a vocabulary size could pick different candidates among equally frequent ones on every run.

# %%
from tokenizers import Tokenizer, normalizers, pre_tokenizers, trainers
from tokenizers.models import WordPiece

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_korean_tokenizer(min_frequency):
    korean = Tokenizer(WordPiece(unk_token="[UNK]"))
    korean.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    korean.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=30_000, min_frequency=min_frequency, special_tokens=SPECIALS,
                                        show_progress=False)
    korean.train_from_iterator(corpus, trainer=trainer)
    return korean


korean = train_korean_tokenizer(min_frequency=5)
korean_vocab = korean.get_vocab()
print("vocabulary:", len(korean_vocab), "tokens (the English one:", len(vocab), ")")
longest = sorted((t for t in korean_vocab if t not in SPECIALS), key=lambda t: (-len(t.removeprefix("##")), t))
print("some of the longest pieces:", longest[:12])
print("endings:", [t for t in ["##어요", "##습니다", "##었다", "##했다", "##에서"] if t in korean_vocab])

# %% [md ko]
# 어휘는 영어 어휘의 20분의 1도 안 되지만, 자주 나오는 단어가 통째로 들어 있고 `##어요`, `##습니다` 같은 어미도 한 조각입니다.
#
# ## 처음 보는 문장으로 비교하기
#
# 공정하게 비교하려면 토크나이저가 학습 때 보지 **않은** 문장을 써야 합니다. 08장의 `mini_sentiment.tsv`에 있는 한국어 문장 80개는 말뭉치와 따로 쓴 것입니다.

# %% [md en]
# The vocabulary is less than a twentieth of the English one, yet frequent words are in it whole, and endings such as `##어요` and `##습니다` are single pieces.
#
# ## Comparing on sentences neither has seen
#
# A fair comparison needs sentences the tokenizer did **not** see in training. The 80 Korean sentences of chapter 08's `mini_sentiment.tsv` were written separately from the corpus.

# %%
import csv

with open(corpus_file.parent / "mini_sentiment.tsv", encoding="utf-8", newline="") as f:
    held_out = [r["text"] for r in csv.DictReader(f, delimiter="\t") if r["lang"] == "ko"]
assert not set(held_out) & set(corpus)  # none of them is in the training corpus

for sentence in held_out[:2] + held_out[-2:]:
    print(sentence)
    print("  English vocabulary:", tok.tokenize(sentence))
    print("  our Korean one:    ", korean.encode(sentence).tokens)

# %% [md ko]
# 전체 80문장에서 세어 봅시다.
#
# - **토큰 수**: 같은 문장을 몇 개의 토큰으로 나타내는가. 적을수록 모델이 한 번에 더 긴 글을 볼 수 있고 계산도 적습니다.
# - **`[UNK]`가 된 단어의 비율**: 사전 토큰화로 자른 단어 중 통째로 `[UNK]`가 된 것. 이 단어들의 정보는 모델에 전혀 닿지 않습니다.

# %% [md en]
# Let's count over all 80 sentences:
#
# - **tokens**: how many tokens the same sentences take. Fewer means the model sees longer text at once, with less computation.
# - **share of words lost to `[UNK]`**: of the words the pre-tokeniser cut out, how many became one whole `[UNK]`. Nothing of those words reaches the model.

# %%
n_words = sum(len(korean.pre_tokenizer.pre_tokenize_str(s)) for s in held_out)
n_chars = sum(len(s) for s in held_out)
results = {}
for name, split in [("English uncased", tok.tokenize), ("Korean WordPiece", lambda s: korean.encode(s).tokens)]:
    pieces = [split(s) for s in held_out]
    n_tokens = sum(len(p) for p in pieces)
    n_unk = sum(p.count("[UNK]") for p in pieces)
    results[name] = {"tokens": n_tokens, "per sentence": n_tokens / len(held_out), "per character": n_tokens / n_chars,
                     "[UNK]": n_unk, "words lost": n_unk / n_words}

print(f"{len(held_out)} sentences, {n_words} words, {n_chars} characters")
print(f"{'':18}{'tokens':>8}{'per sentence':>14}{'per char':>10}{'[UNK]':>7}{'words lost':>12}")
for name, r in results.items():
    print(f"{name:18}{r['tokens']:>8}{r['per sentence']:>14.1f}{r['per character']:>10.2f}{r['[UNK]']:>7}"
          f"{r['words lost']:>12.0%}")
assert results["Korean WordPiece"]["tokens"] < results["English uncased"]["tokens"]
assert results["Korean WordPiece"]["[UNK]"] < results["English uncased"]["[UNK]"]

# %%
import matplotlib.pyplot as plt

names = {"ko": ["영어 uncased 어휘", "한국어 WordPiece"], "en": ["English uncased", "Korean WordPiece"]}[LANG]
titles = {"ko": ["문장당 토큰 수 (적을수록 좋음)", "[UNK]가 된 단어 비율 (%)"],
          "en": ["tokens per sentence (fewer is better)", "words lost to [UNK] (%)"]}[LANG]
values = [[r["per sentence"] for r in results.values()], [100 * r["words lost"] for r in results.values()]]

fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
for ax, title, vals in zip(axes, titles, values):
    bars = ax.bar(names, vals, color=["#c44e52", "#4c72b0"])
    ax.bar_label(bars, fmt="%.1f")
    ax.set_title(title, fontsize=11)
    ax.set_ylim(0, max(vals) * 1.2)
fig.suptitle({"ko": f"처음 보는 한국어 문장 {len(held_out)}개", "en": f"{len(held_out)} unseen Korean sentences"}[LANG])
fig.tight_layout()
plt.show()

# %% [md ko]
# 우리 토크나이저는 토큰을 훨씬 적게 쓰고, `[UNK]`로 잃는 단어도 훨씬 적습니다. 어휘는 영어 어휘보다 훨씬 작은데도요. 맞는 언어로 학습한 어휘가 얼마나 중요한지 보여 줍니다.
#
# 그래도 `[UNK]`가 0은 아닙니다. 남은 `[UNK]`는 말뭉치에 한 번도 나오지 않은 **글자**(음절) 때문입니다. 한글 음절은 11,172개나 되는데 말뭉치 500문장에는 그중 일부만 나옵니다. 실제 한국어 모델은 훨씬 큰 말뭉치로 어휘를 만들어 이 문제를 줄입니다.
#
# 한 가지 더: 이 토크나이저를 기본 모델에 바로 끼워 쓸 수는 **없습니다**. 모델은 영어 어휘의 id 번호에 맞춰 학습되었기 때문에, 같은 id가 우리 어휘에서는 전혀 다른 조각을 뜻합니다. 새 토크나이저에는 그 토크나이저로 사전학습한 모델이 필요합니다. 그래서 한국어를 다루는 모델은 보통 자기 어휘를 함께 가지고 다닙니다.

# %% [md en]
# Our tokenizer uses far fewer tokens and loses far fewer words to `[UNK]`, with a much smaller vocabulary. A vocabulary learned from the right language matters a lot.
#
# The `[UNK]`s are not zero, though. Those left come from **characters** (syllables) the corpus never contained. There are 11,172 Hangul syllables, and 500 sentences use only some of them. Real Korean models build their vocabularies from far larger corpora, which makes this rare.
#
# One more thing: you **cannot** plug this tokenizer into the default model. The model was trained on the English vocabulary's id numbers; the same id means a completely different piece in ours. A new tokenizer needs a model pre-trained with it. That is why models for Korean usually come with a vocabulary of their own.

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 이 장에서 학습한 한국어 토크나이저도 폴더에 저장하면 🤗 Transformers에서 열립니다. `tokenizers`의 `Tokenizer`를 `tokenizer.json`으로 저장하고, 키트의 `BertTokenizer`로 감싸 `save_pretrained`로 폴더를 만든 다음, 🤗 Transformers의 `AutoTokenizer`로 불러와 처음 보는 한국어 문장 전체에서 토큰 ID를 비교합니다.
# 한 가지를 더해야 합니다. 🤗 Transformers는 `tokenizer.json`에 적힌 그대로 실행하므로, 문장 앞뒤에 `[CLS]`와 `[SEP]`를 붙이는 규칙(후처리기, post-processor)과 `##`을 떼고 붙여 읽는 디코더가 파일 안에 있어야 합니다. 위에서 학습한 토크나이저에는 이 둘이 없어서 여기서 넣습니다.
# 정규화(NFC 다음 소문자 변환)도 파일에 적힌 그대로 옮겨 가므로, 한글 음절은 🤗 Transformers에서도 자모로 쪼개지지 않습니다. 학습한 조각의 ID 번호는 학습할 때마다 달라질 수 있어서, 여기서는 번호 대신 같은지만 확인합니다.

# %% [md en]
# ## In 🤗 Transformers
#
# The Korean tokenizer this chapter trained opens in 🤗 Transformers too, once it is in a folder. Save the `tokenizers` `Tokenizer` as `tokenizer.json`, wrap it in the kit's `BertTokenizer`, make a folder with `save_pretrained`, load that with 🤗 Transformers' `AutoTokenizer`, and compare the ids on every unseen Korean sentence.
# One thing has to be added. 🤗 Transformers runs `tokenizer.json` exactly as written, so the rule that puts `[CLS]` and `[SEP]` around a sentence (the post-processor) and the decoder that glues `##` pieces back together must be in the file. The tokenizer trained above has neither, so they are added here.
# The normaliser (NFC, then lower-casing) travels in the file as written as well, so Hangul syllables are not broken into jamo in 🤗 Transformers either. The ids of the learned pieces can change from one training run to the next, so the cell checks that they are equal instead of printing them.

# %%
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

import tempfile

from tokenizers import decoders, processors

from lesson_lib import BertTokenizer

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
folder = Path(tempfile.mkdtemp()) / "korean_tokenizer"
folder.mkdir(parents=True)
ids = korean.get_vocab()
korean.post_processor = processors.TemplateProcessing(  # [CLS] sentence [SEP], as every BERT tokenizer.json has
    single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
    special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])])
korean.decoder = decoders.WordPiece()  # "영화 ##였 ##어요" -> "영화였어요"
korean.save(str(folder / "tokenizer.json"))
kit_korean = BertTokenizer(tokenizer_file=folder / "tokenizer.json")
kit_korean.save_pretrained(folder)
hf_korean = transformers.AutoTokenizer.from_pretrained(folder)
print(type(hf_korean).__name__, "from", sorted(path.name for path in folder.iterdir()))
print(hf_korean.tokenize(text), "->", hf_korean.decode(hf_korean(text)["input_ids"], skip_special_tokens=True))

same = all(hf_korean(s)["input_ids"] == kit_korean(s)["input_ids"] == korean.encode(s).ids for s in held_out)
kit_batch, hf_batch = (t(held_out, padding=True, return_tensors="pt") for t in (kit_korean, hf_korean))
batches_equal = list(kit_batch) == list(hf_batch) and all(torch.equal(kit_batch[k], hf_batch[k]) for k in kit_batch)
print(f"same ids for all {len(held_out)} sentences:", same, "| same padded batch:", batches_equal)
assert same and batches_equal

# %% [md ko]
# ## 연습 문제
#
# `min_frequency`를 5에서 2로 낮추면 더 많은 조각이 합쳐져 어휘가 커집니다. 그러면 처음 보는 문장 80개의 `[UNK]` 수는 **줄어들까요**? `True`(줄어든다) 또는 `False`(그대로다)를 `answer`에 쓰고 확인하세요.

# %% [md en]
# ## Exercise
#
# Lowering `min_frequency` from 5 to 2 joins more pieces, so the vocabulary grows. Does the number of `[UNK]`s on the 80 unseen sentences **go down**? Write `True` (it goes down) or `False` (it stays the same) in `answer` and check.

# %% tags=["exercise"]
answer = None  # True or False

# %% tags=["check"]
bigger = train_korean_tokenizer(min_frequency=2)
unk_bigger = sum(bigger.encode(s).tokens.count("[UNK]") for s in held_out)
goes_down = unk_bigger < results["Korean WordPiece"]["[UNK]"]
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 True 또는 False를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write True or False in answer and run again."}[LANG])
elif answer == goes_down:
    print({"ko": f"정답입니다! 어휘는 {len(bigger.get_vocab())}개로 커졌지만 [UNK]는 {unk_bigger}개 그대로입니다. "
                 "[UNK]는 말뭉치에 없던 글자에서 오고, 조각을 더 합쳐도 새 글자는 생기지 않습니다.",
           "en": f"Correct! The vocabulary grew to {len(bigger.get_vocab())} tokens, but there are still {unk_bigger} [UNK]s. "
                 "They come from characters missing from the corpus, and joining more pieces adds no new characters."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 남은 [UNK]는 어디에서 왔나요? 조각을 더 합치면 새 글자가 어휘에 들어올까요?",
           "en": "Not yet. Hint: where do the remaining [UNK]s come from? Does joining more pieces bring new characters?"}[LANG])
