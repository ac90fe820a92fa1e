# %% [md ko]
# # 09 한국어 텍스트: 영어 어휘, 우리 토크나이저, 여기서 학습한 작은 BERT
#
# 영어 uncased 어휘가 한국어 문장을 자모 조각과 `[UNK]`로 만드는 것을 보고, 작은 WordPiece 토크나이저를 직접 학습시킨 뒤, 이 키트가 영화 리뷰로 학습한 한국어 BERT(`KOREAN_MODEL`)의 어휘, 예측, 어텐션을 열어 보고 문자 n-그램 기준 모델과 견줍니다.
#
# 퀵투어에는 없는 장입니다. 08장에서 영어 모델은 한국어 문장을 영어 문장만큼 배우지 못했습니다. 그 이유 중 하나가 토크나이저입니다.

# %% [md en]
# # 09 Korean text: an English vocabulary, a tokenizer of our own, and a small BERT trained here
#
# See an English uncased vocabulary turn Korean sentences into jamo pieces and `[UNK]`s, train a small WordPiece tokenizer yourself, then open up the Korean BERT this kit trained on movie reviews (`KOREAN_MODEL`): its vocabulary, its prediction and its attention, held against a character n-gram baseline.
#
# This chapter goes beyond the quick tour. In chapter 08, the English model learned the Korean sentences much worse than the English ones, and the tokenizer is one of the reasons.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - uncased 토크나이저의 NFD가 한글 음절을 자모로 나누는 것을 음절 번호의 식으로 계산하고, 그 때문에 `[UNK]`가 생기는 이유를 설명합니다.
# - `tokenizers`로 한국어 WordPiece 토크나이저를 학습시키고(NFC, 악센트 제거 없음), 처음 보는 문장에서 토큰 수와 `[UNK]` 비율로 어휘를 비교합니다.
# - 남은 `[UNK]`의 두 가지 원인(말뭉치에 없던 음절, 단어 첫머리에만 나온 음절)을 찾고, 말뭉치를 고쳐 없앱니다.
# - 한국어 어휘를 가진 작은 BERT(`KOREAN_MODEL`)의 예측과 어텐션을 보고, 문자 n-그램 기준 모델과 견주어 사전학습이 무엇을 사 주는지 말합니다.
#
# **전제**: 01장(정규화, 사전 토큰화, WordPiece, `[UNK]`), 05장(어텐션 가중치), 08장(미세 조정).
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-12분 | 영어 어휘가 한국어를 읽는 방법, 연습 1(NFD 뒤의 길이), 음절 번호의 식, 어휘에 없는 자모 |
# | 12-25분 | 우리 토크나이저 학습, 처음 보는 문장으로 비교 |
# | 25-35분 | 남은 `[UNK]`는 어디서 왔을까, 연습 2(`min_frequency`), 연습 3(말뭉치에 문장 하나) |
# | 35-45분 | `KOREAN_MODEL`: 크기, 예측, 어텐션, n-그램 기준 모델 |
# | 45-50분 | 위젯으로 직접 해 보기, 정리 |
#
# 짧은 수업(30분)에서는 어텐션 그림(모든 층과 헤드)과 "🤗 Transformers에서는" 절을 건너뛰고, n-그램 기준 모델과의 비교는 표만 보세요. 숫자(정확도, 확률)는 모델을 다시 학습하면 조금씩 달라집니다.

# %% [md en]
# ## This chapter
#
# **After it you can**
#
# - work out, with the formula of a syllable's code point, how an uncased tokenizer's NFD splits Hangul syllables into jamo, and explain why that brings `[UNK]`s;
# - train a Korean WordPiece tokenizer with `tokenizers` (NFC, no accent stripping), and compare vocabularies by tokens and `[UNK]` share on unseen sentences;
# - find the two causes of the remaining `[UNK]`s (syllables missing from the corpus, syllables seen only at word starts) and remove one by fixing the corpus;
# - look at the predictions and the attention of a small BERT with a Korean vocabulary (`KOREAN_MODEL`), hold it against a character n-gram baseline, and say what pre-training buys.
#
# **It assumes** chapter 01 (normalisation, pre-tokenisation, WordPiece, `[UNK]`), chapter 05 (attention weights) and chapter 08 (fine-tuning).
#
# **A 50-minute plan**
#
# | minutes | what |
# |---|---|
# | 0-12 | how the English vocabulary reads Korean, exercise 1 (the length after NFD), the syllable formula, the missing jamo |
# | 12-25 | training our tokenizer, comparing on unseen sentences |
# | 25-35 | where the remaining `[UNK]`s come from, exercise 2 (`min_frequency`), exercise 3 (one sentence for the corpus) |
# | 35-45 | `KOREAN_MODEL`: its size, predictions, attention, the n-gram baseline |
# | 45-50 | try it in the widget, summary |
#
# In a short lesson (30 minutes), skip the attention picture (every layer and head) and the "In 🤗 Transformers" section, and read only the table of the n-gram comparison. The numbers (accuracies, probabilities) shift a little whenever the model is retrained.

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

# %% [md ko]
# ### 연습 1 (예상하기): NFD 뒤에는 몇 글자일까?
#
# `text` = "정말 재미있는 영화였어요."는 14자(한글 11자, 공백 2개, 마침표 1개)입니다. NFD는 받침이 없는 음절을 자모 2개로, 받침이 있는 음절을 자모 3개로 나누고, 공백과 마침표는 그대로 둡니다. NFD를 한 뒤에는 몇 글자(유니코드 코드 포인트)가 될까요? 아래 셀이 출력하기 **전에** 세어서 `answer`에 쓰세요.

# %% [md en]
# ### Exercise 1 (predict): how many characters after NFD?
#
# `text` = "정말 재미있는 영화였어요." is 14 characters (11 Hangul syllables, 2 spaces, 1 full stop). NFD turns a syllable without a final consonant into 2 jamo and one with a final consonant into 3, and leaves the spaces and the full stop alone. How many characters (Unicode code points) are there after NFD? Count them **before** the next cells print it, and write the number in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] 정수 하나 [en] a whole number

# %% tags=["solution"]
answer = 31  # [ko] 받침 있는 음절 6개 × 3 + 없는 음절 5개 × 2 + 공백 2 + 마침표 1 [en] 6 syllables with a final × 3 + 5 without × 2 + 2 spaces + 1 full stop

# %% tags=["check"]
n_nfd = len(unicodedata.normalize("NFD", text))
ok = isinstance(answer, (int, float)) and answer == n_nfd
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 14자가 {n_nfd}자가 됩니다. 이제 어휘에서 음절이 아니라 자모를 찾게 됩니다.",
           "en": f"Correct! 14 characters become {n_nfd}: the vocabulary is now searched for jamo, not syllables."}[LANG])
elif isinstance(answer, (int, float)) and answer == n_nfd - 3:
    print({"ko": "아직 아닙니다. 거의 맞았습니다. 힌트: 공백과 마침표도 글자입니다.",
           "en": "Not yet, but close. Hint: the spaces and the full stop are characters too."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 받침이 있는 음절(정, 말, 있, 는, 영, 였)과 없는 음절을 따로 세어 보세요. 재, 미, 화, 어, 요는 받침이 없습니다.",
           "en": "Not yet. Hint: count the syllables with a final consonant (정, 말, 있, 는, 영, 였) and those without."}[LANG])

# %% [md ko]
# NFD의 분해는 표를 찾는 것이 아니라 계산입니다. 현대 한글 음절 11,172개는 초성 $L$(19가지), 중성 $V$(21가지), 종성 $T$(받침 27가지와 "없음"을 뜻하는 0, 모두 28가지)의 모든 조합을 차례로 늘어놓은 것이라, 음절의 코드 포인트 $s$에서 세 번호를 바로 얻습니다.
#
# $$s = \text{0xAC00} + (21L + V) \cdot 28 + T, \qquad 19 \cdot 21 \cdot 28 = 11{,}172$$
#
# 자모는 초성 `U+1100` + $L$, 중성 `U+1161` + $V$, 종성 `U+11A7` + $T$($T > 0$일 때만)입니다. 아래 셀이 이 식으로 나눈 결과가 NFD와 같은지 확인합니다.

# %% [md en]
# NFD's decomposition is arithmetic, not a table look-up. The 11,172 modern Hangul syllables are every combination of an initial $L$ (19 of them), a vowel $V$ (21) and a final $T$ (27 finals and 0 for "none": 28), laid out in order, so a syllable's code point $s$ gives the three numbers at once:
#
# $$s = \text{0xAC00} + (21L + V) \cdot 28 + T, \qquad 19 \cdot 21 \cdot 28 = 11{,}172$$
#
# The jamo are the initial `U+1100` + $L$, the vowel `U+1161` + $V$, and the final `U+11A7` + $T$ (only when $T > 0$). The next cell checks that splitting by this formula gives what NFD gives.

# %%
from lesson_lib.views import TokenView


def decompose(syllable):
    """A Hangul syllable split into its jamo by the code-point formula (what NFD does to it)."""
    L, rest = divmod(ord(syllable) - 0xAC00, 21 * 28)
    V, T = divmod(rest, 28)
    return chr(0x1100 + L) + chr(0x1161 + V) + (chr(0x11A7 + T) if T else "")


nfd = unicodedata.normalize("NFD", text)
print(len(text), "characters ->", len(nfd), "after NFD:", " ".join(f"U+{ord(c):04X}" for c in nfd[:3]), "...")
L, rest = divmod(ord("정") - 0xAC00, 21 * 28)
print(f"정 = U+{ord('정'):04X}: L, V, T =", L, *divmod(rest, 28), "->", " ".join(decompose("정")))
assert "".join(decompose(c) if "가" <= c <= "힣" else c for c in text) == nfd  # [ko] 식으로 나눈 것 == NFD [en] the formula == NFD
view = TokenView(tok, text, lang=LANG)
view.step.value = [stage.name for stage in view.stages].index("nfd")  # [ko] NFD에서 시작: 한 단계 뒤로 가면 그 전의 텍스트 [en] start at NFD; step back to see the text before
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
# - **트레이너**: 말뭉치에서 자주 붙어 나오는 조각을 차례로 합쳐 어휘를 만듭니다. 말뭉치의 글자 하나하나에서 시작하므로 말뭉치에 있던 글자는 모두 어휘에 들어갑니다. 다만 뒤에서 보듯 단어 첫머리의 글자와 단어 안쪽의 글자(`##`)는 따로 들어갑니다.
#
# `min_frequency=5`는 "다섯 번 이상 나온 조각 쌍만 합친다"는 뜻입니다. `vocab_size`는 넉넉하게 두어 이 규칙이 멈출 곳을 정하게 했습니다. 어휘 크기로 자르면, 같은 횟수의 후보 중 무엇을 넣을지가 실행할 때마다 달라질 수 있기 때문입니다.

# %% [md en]
# We assemble four parts with the `tokenizers` library (the very library inside BERT's tokenizer):
#
# - **normaliser**: NFC (keep syllables composed, and put them back together if the input arrives as jamo) and lower-casing. **No** accent stripping, no NFD.
# - **pre-tokeniser**: split at spaces and punctuation, as BERT does.
# - **model**: WordPiece, with `[UNK]` for unknown words.
# - **trainer**: builds the vocabulary by repeatedly joining pieces that often appear together in the corpus. It starts from the corpus's single characters, so every character the corpus has is in the vocabulary; as we will see, though, a character at a word's start and one inside a word (`##`) go in separately.
#
# `min_frequency=5` means "only join pairs of pieces seen at least 5 times". `vocab_size` is set generously so that this rule decides where to stop: cutting at a vocabulary size could pick different candidates among equally frequent ones on every run.

# %%
from tokenizers import Tokenizer, normalizers, pre_tokenizers, trainers
from tokenizers.models import WordPiece

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_korean_tokenizer(min_frequency, extra=()):
    korean = Tokenizer(WordPiece(unk_token="[UNK]"))
    korean.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    korean.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=30_000, min_frequency=min_frequency, special_tokens=SPECIALS,
                                        show_progress=False)
    korean.train_from_iterator(corpus + list(extra), trainer=trainer)  # [ko] extra: 말뭉치에 더할 문장(연습 3) [en] extra: sentences added to the corpus (exercise 3)
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
assert not set(held_out) & set(corpus)  # [ko] 어느 문장도 학습 말뭉치에 없습니다 [en] none of them is in the training corpus

for sentence in held_out[:2] + held_out[-2:]:
    print(sentence)
    print("  English vocabulary:", tok.tokenize(sentence))
    print("  our Korean one:    ", korean.encode(sentence).tokens)


# %% [md ko]
# 전체 80문장에서 세어 봅시다. 이번에는 토크나이저가 셋입니다. 세 번째는 이 키트의 한국어 모델 `KOREAN_MODEL`에 딸린 토크나이저입니다. 이 장에서 한 것과 같은 방법(WordPiece, NFC, 악센트 제거 없음)으로, 말뭉치 500문장 대신 영화 리뷰 수십만 개에서 어휘 30,000개를 학습했습니다.
#
# - **토큰 수**: 같은 문장을 몇 개의 토큰으로 나타내는가. 적을수록 모델이 한 번에 더 긴 글을 볼 수 있고 계산도 적습니다.
# - **`[UNK]`가 된 단어의 비율**: 사전 토큰화로 자른 단어 중 통째로 `[UNK]`가 된 것. 이 단어들의 정보는 모델에 전혀 닿지 않습니다.

# %% [md en]
# Let's count over all 80 sentences, this time with three tokenizers. The third is the one that comes with the kit's Korean model, `KOREAN_MODEL`. It was trained the way this chapter trained ours (WordPiece, NFC, no accent stripping), but on hundreds of thousands of movie reviews instead of 500 sentences, with 30,000 tokens.
#
# - **tokens**: how many tokens the same sentences take. Fewer means the model sees longer text at once, with less computation.
# - **share of words lost to `[UNK]`**: of the words the pre-tokeniser cut out, how many became one whole `[UNK]`. Nothing of those words reaches the model.

# %%
import json

from lesson_lib import KOREAN_MODEL
from lesson_lib.hub import KOREAN_DIR

ko_tok = AutoTokenizer.from_pretrained(KOREAN_MODEL)
metrics = json.loads((KOREAN_DIR / "training_metrics.json").read_text(encoding="utf-8"))
print(f"{KOREAN_MODEL}: {len(ko_tok.get_vocab()):,} tokens, learned from {metrics['rows']['pretrain']:,} reviews")
print(text, "->", ko_tok.tokenize(text))

splitters = {"English uncased": tok.tokenize, "our WordPiece": lambda s: korean.encode(s).tokens,
               "KOREAN_MODEL": ko_tok.tokenize}
n_words = sum(len(korean.pre_tokenizer.pre_tokenize_str(s)) for s in held_out)
n_chars = sum(len(s) for s in held_out)
results = {}
for name, split in splitters.items():
    pieces = [split(s) for s in held_out]
    n_tokens = sum(len(p) for p in pieces)
    n_unk = sum(p.count("[UNK]") for p in pieces)
    results[name] = {"tokens": n_tokens, "per sentence": n_tokens / len(held_out), "per character": n_tokens / n_chars,
                     "[UNK]": n_unk, "words lost": n_unk / n_words}

print(f"\n{len(held_out)} sentences, {n_words} words, {n_chars} characters")
print(f"{'':17}{'tokens':>8}{'per sentence':>14}{'per char':>10}{'[UNK]':>7}{'words lost':>12}")
for name, r in results.items():
    print(f"{name:17}{r['tokens']:>8}{r['per sentence']:>14.1f}{r['per character']:>10.2f}{r['[UNK]']:>7}"
          f"{r['words lost']:>12.0%}")
tokens_of, unks_of = ([r[k] for r in results.values()] for k in ("tokens", "[UNK]"))
assert tokens_of[0] > tokens_of[1] > tokens_of[2] and unks_of[0] > unks_of[1] > unks_of[2] == 0

# %%
import matplotlib.pyplot as plt

names = {"ko": ["영어 uncased", "우리 WordPiece\n(500문장)", "KOREAN_MODEL\n(리뷰 어휘)"],
         "en": ["English uncased", "our WordPiece\n(500 sentences)", "KOREAN_MODEL\n(reviews)"]}[LANG]
titles = {"ko": ["문장당 토큰 수 (적을수록 좋음)", "[UNK]가 된 단어 비율 (%)"],
          "en": ["tokens per sentence (fewer is better)", "words lost to [UNK] (%)"]}[LANG]
values = [[r["per sentence"] for r in results.values()], [100 * r["words lost"] for r in results.values()]]

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
for ax, title, vals in zip(axes, titles, values):
    bars = ax.bar(names, vals, color=["#c44e52", "#4c72b0", "#55a868"])
    ax.bar_label(bars, fmt="%.1f")
    ax.set_title(title, fontsize=11)
    ax.set_ylim(0, max(vals) * 1.2)
    ax.tick_params(axis="x", labelsize=9)
fig.suptitle({"ko": f"처음 보는 한국어 문장 {len(held_out)}개", "en": f"{len(held_out)} unseen Korean sentences"}[LANG])
fig.tight_layout()
plt.show()

# %% [md ko]
# 우리 토크나이저는 어휘가 영어 어휘의 20분의 1도 안 되는데도 영어 어휘보다 토큰을 훨씬 적게 쓰고 `[UNK]`로 잃는 단어도 훨씬 적습니다. 리뷰 수십만 개에서 배운 `KOREAN_MODEL`의 어휘는 더 나아서, 자주 쓰는 단어를 통째로 한 토큰으로 두고 이 80문장에서는 `[UNK]`가 하나도 없습니다. 맞는 언어로, 충분한 글에서 배운 어휘가 이렇게 중요합니다.
#
# ## 남은 `[UNK]`는 어디서 왔을까?
#
# 우리 토크나이저의 `[UNK]`가 0이 아닌 첫째 이유는 짐작하기 쉽습니다. 한글 음절은 11,172개인데 500문장에는 그중 일부만 나오니, 말뭉치에 **한 번도 없던 음절**이 든 단어는 읽을 수 없습니다(`훌륭해요`의 `훌`).
#
# 둘째 이유는 덜 뻔합니다. WordPiece 트레이너는 글자 하나하나를 어휘에 넣을 때, 단어 **첫머리**에서 본 글자는 `위`처럼, 단어 **안쪽**에서 본 글자는 `##위`처럼 따로 넣습니다. 그래서 말뭉치에서 단어 첫머리에만 나온 음절은 `##` 조각이 없습니다. `위`는 `위에`, `위해` 같은 단어의 첫 글자로만 나왔기 때문에, `분위기가`의 둘째 글자 `##위`를 만들 조각이 없어 단어 전체가 `[UNK]`가 됩니다. 아래 셀이 `[UNK]`가 된 단어마다, 처음으로 막힌 음절과 그 음절이 말뭉치의 단어 첫머리와 안쪽에 몇 번 나왔는지 셉니다.

# %% [md en]
# Our tokenizer uses far fewer tokens than the English vocabulary and loses far fewer words to `[UNK]`, with less than a twentieth of its size. `KOREAN_MODEL`'s vocabulary, learned from hundreds of thousands of reviews, does better still: frequent words are single tokens, and on these 80 sentences it has no `[UNK]` at all. A vocabulary learned from the right language, and from enough of it, matters this much.
#
# ## Where do the remaining `[UNK]`s come from?
#
# The first reason our tokenizer still has `[UNK]`s is easy to guess. There are 11,172 Hangul syllables and 500 sentences use only some of them, so a word with a **syllable the corpus never had** cannot be spelled (`훌` in `훌륭해요`).
#
# The second is less obvious. When the WordPiece trainer puts single characters into the vocabulary, it adds a character seen at the **start** of a word as `위`, and one seen **inside** a word as `##위`: two different tokens. A syllable that the corpus has only at word starts therefore has no `##` piece. `위` appears there only as the first letter of words such as `위에` and `위해`, so the second letter of `분위기가` has no `##위` to be spelled with, and the whole word becomes `[UNK]`. The cell below takes every word that became `[UNK]`, finds the first syllable that could not be spelled, and counts how often that syllable starts a word of the corpus and how often it occurs inside one.

# %%
from collections import Counter

at_start, inside = Counter(), Counter()  # [ko] 말뭉치의 음절: 단어 첫머리 / 단어 안쪽 [en] corpus syllables: at a word's start / inside
for line in corpus:
    for word, _ in korean.pre_tokenizer.pre_tokenize_str(line):
        at_start[word[0]] += 1
        inside.update(word[1:])


def first_blocked(word):
    """The first syllable of ``word`` with no token for its place (``x`` at the start, ``##x`` inside), and where."""
    for i, syllable in enumerate(word):
        if (syllable if i == 0 else "##" + syllable) not in korean_vocab:
            return i, syllable
    return None


lost = sorted({word for s in held_out for word, _ in korean.pre_tokenizer.pre_tokenize_str(s)
               if korean.encode(word).tokens == ["[UNK]"]})
blocked = {word: first_blocked(word) for word in lost}  # [ko] 단어 -> (자리, 음절) [en] word -> (place, syllable)
unseen = [w for w in lost if at_start[blocked[w][1]] + inside[blocked[w][1]] == 0]
start_only = [w for w in lost if w not in unseen]
print(f"{len(lost)} different words became [UNK]")
print(f"  {len(unseen)} have a syllable the corpus never had:", " ".join(unseen))
print(f"  {len(start_only)} have a syllable the corpus has, but never inside a word:")
for word in start_only:
    i, syllable = blocked[word]
    print(f"    {word:7} letter {i + 1} '{syllable}': starts a corpus word {at_start[syllable]:2} times, "
          f"inside one {inside[syllable]} times; '{syllable}' in the vocabulary: {syllable in korean_vocab}, "
          f"'##{syllable}': {'##' + syllable in korean_vocab}")
    assert i > 0 and inside[syllable] == 0 < at_start[syllable]  # [ko] 말뭉치에 있지만 단어 첫머리에만 [en] in the corpus, but only at word starts
print("KOREAN_MODEL reads them as:", ", ".join(" ".join(ko_tok.tokenize(w)) for w in start_only))
assert all("[UNK]" not in ko_tok.tokenize(w) for w in lost)

# %% [md ko]
# 다섯 단어 `분위기가`, `문제없이`, `불친절하고`, `오래됐어요`, `이곳은`은 모든 음절이 말뭉치에 있는데도 `[UNK]`가 되었습니다. 막힌 음절이 말뭉치에서는 늘 단어 첫머리에만 나왔기 때문입니다(`없`은 `없다`, `없어요`처럼). 토크나이저를 학습시키는 말뭉치는 글자뿐 아니라 **글자가 단어 안의 어디에 나오는지**도 골고루 담고 있어야 합니다. 더 큰 말뭉치로 학습한 `KOREAN_MODEL`의 토크나이저에는 `##없이`나 `##곳` 같은 조각이 있어서 같은 단어를 문제없이 나눕니다.
#
# 한 가지 더: 우리 토크나이저를 기본 모델에 바로 끼워 쓸 수는 **없습니다**. 모델은 영어 어휘의 ID 번호에 맞춰 학습되었기 때문에, 같은 ID가 우리 어휘에서는 전혀 다른 조각을 뜻합니다. 새 토크나이저에는 그 토크나이저로 학습한 모델이 필요합니다. 그래서 한국어 모델은 보통 자기 어휘를 함께 가지고 다닙니다. `KOREAN_MODEL`도 그렇습니다.

# %% [md en]
# Five words, `분위기가`, `문제없이`, `불친절하고`, `오래됐어요` and `이곳은`, became `[UNK]` although every one of their syllables is in the corpus: the syllable they got stuck on appears there only at the start of a word (`없` as in `없다`, `없어요`). A corpus for training a tokenizer must cover not only the characters but also **where in a word they occur**. `KOREAN_MODEL`'s tokenizer, trained on far more text, has pieces such as `##없이` and `##곳`, and splits the same words without trouble.
#
# One more thing: you **cannot** plug our tokenizer into the default model. The model was trained on the English vocabulary's ID numbers; the same ID means a completely different piece in ours. A new tokenizer needs a model trained with it. That is why Korean models usually come with a vocabulary of their own, and `KOREAN_MODEL` does too.

# %% [md ko]
# ### 연습 2 (예상하기): `min_frequency`를 낮추면
#
# `min_frequency`를 5에서 2로 낮추면 더 많은 조각이 합쳐져 어휘가 커집니다. 그러면 처음 보는 문장 80개의 `[UNK]` 수는 **줄어들까요**? `True`(줄어든다) 또는 `False`(그대로다)를 `answer`에 쓰고 확인하세요. 힌트: 위에서 본 `[UNK]`의 두 가지 이유를 떠올려 보세요.

# %% [md en]
# ### Exercise 2 (predict): a lower `min_frequency`
#
# Lowering `min_frequency` from 5 to 2 joins more pieces, so the vocabulary grows. Does the number of `[UNK]`s on the 80 unseen sentences **go down**? Write `True` (it goes down) or `False` (it stays the same) in `answer` and check. Hint: think of the two reasons for `[UNK]` found above.

# %% tags=["exercise"]
answer = None  # [ko] True 또는 False [en] True or False

# %% tags=["solution"]
answer = False

# %% tags=["check"]
bigger = train_korean_tokenizer(min_frequency=2)
unk_bigger = sum(bigger.encode(s).tokens.count("[UNK]") for s in held_out)
goes_down = unk_bigger < results["our WordPiece"]["[UNK]"]
ok = isinstance(answer, bool) and answer == goes_down
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 True 또는 False를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write True or False in answer and run again."}[LANG])
elif not isinstance(answer, bool):
    print({"ko": "answer에는 True 또는 False를 쓰세요(따옴표 없이).",
           "en": "answer should be True or False (without quotes)."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 어휘는 커졌지만 [UNK]는 {unk_bigger}개 그대로입니다. "
                 "[UNK]는 말뭉치에 없던 음절이나, 단어 첫머리에만 나와 ## 조각이 없는 음절에서 옵니다. "
                 "조각을 더 합쳐도 새 글자도, 새 ## 글자도 생기지 않습니다.",
           "en": f"Correct! The vocabulary grew, but there are still {unk_bigger} [UNK]s. "
                 "They come from syllables missing from the corpus, or seen only at a word's start and so without a "
                 "## piece; joining more pieces adds no new character and no new ## character."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 남은 [UNK]는 어디에서 왔나요? 조각을 더 합치면 새 글자나 새 ## 조각이 어휘에 들어올까요?",
           "en": "Not yet. Hint: where do the remaining [UNK]s come from? Does joining more pieces bring new characters "
                 "or new ## pieces?"}[LANG])

# %% [md ko]
# ### 연습 3 (바꿔 보기): 말뭉치에 문장 하나 더하기
#
# `min_frequency=5`는 그대로 두고, 말뭉치에 **문장 하나**를 더해 `분위기가`가 더는 `[UNK]`가 되지 않게 해 보세요. 더할 문장을 `answer`에 쓰면, 확인 셀이 `train_korean_tokenizer(5, extra=[answer])`로 토크나이저를 다시 학습시켜 `분위기가`를 나눠 봅니다. 어떤 문장이 필요할까요? 위의 표에서 `분위기가`가 어느 음절에서 막혔는지 보세요.

# %% [md en]
# ### Exercise 3 (modify): one more sentence in the corpus
#
# Keep `min_frequency=5` and add **one sentence** to the corpus so that `분위기가` is no longer `[UNK]`. Write the sentence in `answer`: the check cell trains the tokenizer again with `train_korean_tokenizer(5, extra=[answer])` and splits `분위기가`. Which sentence does it take? See above on which syllable `분위기가` got stuck.

# %% tags=["exercise"]
answer = None  # [ko] 한국어 문장 하나(문자열) [en] one Korean sentence (a string)

# %% tags=["solution"]
answer = "주위가 조용해서 좋았어요."  # [ko] '위'가 단어 안쪽에 나오는 문장: ##위가 어휘에 들어옵니다 [en] '위' inside a word: ##위 joins the vocabulary

# %% tags=["check"]
ok = False
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 문장을 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a sentence in answer and run again."}[LANG])
elif not isinstance(answer, str) or not answer.strip():
    print({"ko": "answer에는 한국어 문장 하나를 문자열로 쓰세요.", "en": "answer should be one Korean sentence, as a string."}[LANG])
else:
    fixed = train_korean_tokenizer(min_frequency=5, extra=[answer]).encode("분위기가").tokens
    ok = "[UNK]" not in fixed
    if ok:
        print({"ko": f"정답입니다! 이제 분위기가 -> {fixed}. 문장 하나가 ## 조각 하나를 어휘에 넣었습니다.",
               "en": f"Correct! Now 분위기가 -> {fixed}: one sentence put one ## piece into the vocabulary."}[LANG])
    else:
        print({"ko": f"아직 아닙니다: {fixed}. 힌트: '위'가 단어 첫머리가 아니라 단어 **안쪽**에 나오는 단어(예: 주위)를 쓰세요.",
               "en": f"Not yet: {fixed}. Hint: use a word with '위' **inside** it, not at its start (e.g. 주위)."}[LANG])

# %% [md ko]
# ## 한국어 어휘와, 여기서 학습한 작은 BERT
#
# `KOREAN_MODEL`("lesson-lib/ko-bert-nsmc")은 이 키트가 2코어 CPU에서 처음부터 만든 한국어 감성 분류 모델입니다. 위의 토크나이저로 영화 리뷰(NSMC)를 읽고, 라벨 없는 리뷰로 가려진 단어 맞히기(masked-LM) 사전학습을 잠깐 한 다음, 라벨 있는 리뷰와 n-그램 모델이 매긴 확률로 긍정과 부정을 배웠습니다. 자세한 학습 방법과 측정은 폴더의 `MODEL_CARD.md`에 있습니다.
#
# 03장의 BERT와 같은 클래스(`BertForSequenceClassification`)이고 불러오는 방법도 같습니다. 다른 것은 크기입니다. 아래 셀이 설정에서 층 수, 은닉 차원, 헤드 수, 파라미터 수를 읽어 기본 영어 모델과 나란히 놓습니다.

# %% [md en]
# ## A Korean vocabulary and a small BERT trained here
#
# `KOREAN_MODEL` ("lesson-lib/ko-bert-nsmc") is a Korean sentiment classifier this kit built from nothing on a 2-core CPU. It reads movie reviews (NSMC) with the tokenizer above; it had a short masked-LM pre-training (guess the hidden words) on unlabelled reviews, then learned positive and negative from the labelled reviews and from probabilities an n-gram model gave the unlabelled ones. How it was trained, and what was measured, is in its folder's `MODEL_CARD.md`.
#
# It is the same class as chapter 03's BERT (`BertForSequenceClassification`) and loads the same way. What differs is the size: the cell reads the number of layers, the hidden size, the heads and the parameters from the configurations and puts them next to the default English model's.

# %%
from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification

ko_model = AutoModelForSequenceClassification.from_pretrained(KOREAN_MODEL)
en_model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
for name, m, t in [(DEFAULT_MODEL, en_model, tok), (KOREAN_MODEL, ko_model, ko_tok)]:
    c = m.config
    print(f"{name:24} {type(m).__name__}: {c.num_hidden_layers} layers, hidden size {c.hidden_size}, "
          f"{c.num_attention_heads} heads, vocabulary {len(t.get_vocab()):,}, {m.num_parameters():,} parameters")
print(f"the Korean model is {en_model.num_parameters() / ko_model.num_parameters():.1f} times smaller;",
      "labels:", ko_model.config.id2label)

# %% [md ko]
# 영어 모델보다 몇 배나 작습니다(셀이 몇 배인지 계산합니다). 이제 이 모델로 한국어 문장을 분류해 봅시다. 00장의 `pipeline`에 모델 이름만 바꿔 주면 됩니다. 확률은 셀이 계산해서 보여 줍니다. 모델을 다시 학습하면 숫자는 조금씩 달라집니다.

# %% [md en]
# Several times smaller than the English model (the cell works out how many). Now let's classify Korean sentences with it: chapter 00's `pipeline`, with only the model name changed. The cell computes and prints the probabilities; they shift a little whenever the model is retrained.

# %%
from lesson_lib import pipeline

contrast = "배우들 연기는 좋았지만 스토리가 너무 지루했어요"
sentences = [text, contrast, "별로 재미없어요", "this movie is boring"]
classifier = pipeline("sentiment-analysis", model=KOREAN_MODEL)
predictions = classifier(sentences)
for sentence, prediction in zip(sentences, predictions):
    print(f"{prediction['label']:8} {prediction['score']:.3f}  {sentence}  {ko_tok.tokenize(sentence)}")
assert predictions[0]["label"] == "POSITIVE"  # [ko] 이 장의 첫 문장 [en] the chapter's first sentence

# %% [md ko]
# 영어 문장은 `this`, `movie`처럼 리뷰에 자주 섞여 나오는 몇 단어만 통째로 있고, 나머지는 알파벳 조각으로 나뉩니다. 모델은 영어 리뷰를 거의 본 적이 없어서, 영어 문장의 답은 맞더라도 찍기에 가깝습니다(모델 카드의 "Known failures" 표).
#
# ## 어텐션: 이 모델은 어디를 볼까
#
# 05장처럼 `output_attentions=True`로 어텐션 가중치를 받아, 대조가 있는 문장("…좋았지만 … 지루했어요")에서 모든 층의 모든 헤드를 그려 봅시다. 모델이 작아서 한 그림에 다 들어갑니다.

# %% [md en]
# Of an English sentence, only a few words that Korean reviews often mix in (`this`, `movie`) are whole tokens; the rest is cut into pieces of the alphabet. The model has hardly seen an English review, so its answer there, even when right, is close to a guess (the model card's "Known failures" table).
#
# ## Attention: where does this model look?
#
# As in chapter 05, ask for the attention weights with `output_attentions=True`, and draw every head of every layer for the sentence with a contrast ("…좋았지만 … 지루했어요"). The model is small enough to fit in one picture.

# %%
from lesson_lib.views import draw_attention

batch = ko_tok([contrast], return_tensors="pt")
with torch.no_grad():
    out = ko_model(**batch, output_attentions=True)
tokens = batch.tokens(0)
print(len(out.attentions), "layers of", tuple(out.attentions[0].shape), "(B, H, T, T)")

n_layers, n_heads = ko_model.config.num_hidden_layers, ko_model.config.num_attention_heads
fig, axes = plt.subplots(n_layers, n_heads, figsize=(4.3 * n_heads, 4 * n_layers), squeeze=False)
for layer in range(n_layers):
    for head in range(n_heads):
        draw_attention(axes[layer, head], out.attentions[layer][0, head], tokens, lang=LANG,
                       title={"ko": f"층 {layer}, 헤드 {head}", "en": f"layer {layer}, head {head}"}[LANG])
fig.tight_layout()
plt.show()

cls_row = out.attentions[-1][0, :, 0].mean(0)  # [ko] 마지막 층, [CLS]의 행, 헤드 평균 [en] last layer, the [CLS] row, mean of the heads
top = cls_row[1:-1].argsort(descending=True)[:2] + 1
print("last layer, [CLS] looks most at:", [(tokens[i], round(float(cls_row[i]), 2)) for i in top.tolist()])
print("P(POSITIVE) =", round(float(torch.softmax(out.logits, -1)[0, 1]), 3))

# %% [md ko]
# 05장의 영어 모델은 헤드가 12개씩 6층이었습니다. 이 모델은 층도 헤드도 훨씬 적지만, 그래도 헤드마다 패턴이 다릅니다. 마지막 층에서 `[CLS]`의 행은 분류기가 읽는 벡터가 어느 토큰에서 많이 왔는지 보여 줍니다. 다만 10장에서 보듯 어텐션이 곧 "이유"는 아닙니다. 이 모델은 10장의 `ExplainView`에서 한국어 문장을 설명하는 데도 쓰입니다.
#
# ## n-그램 기준 모델과 비교하기: 사전학습이 사 주는 것
#
# 트랜스포머가 늘 이기는 것은 아닙니다. 같은 리뷰로 학습한 아주 단순한 모델, 글자 1~3개짜리 조각(문자 n-그램)의 TF-IDF에 로지스틱 회귀를 얹은 **기준 모델**(`tools/korean/baseline.py`)과 견줘 봅시다. 두 모델의 정확도는 학습에 쓰지 않은 영화들의 리뷰로 재서 `training_metrics.json`에 적혀 있습니다. 셀이 그 파일을 읽어 보여 줍니다.

# %% [md en]
# Chapter 05's English model had 6 layers of 12 heads. This one has far fewer of both, and still each head has its own pattern. In the last layer, the `[CLS]` row shows which tokens the vector the classifier reads comes from most. As chapter 10 shows, though, attention is not the same as "the reason". This model also explains Korean sentences in chapter 10's `ExplainView`.
#
# ## Against the n-gram baseline: what pre-training buys
#
# A transformer does not always win. Let's hold it against a very simple model trained on the same reviews: the **baseline** (`tools/korean/baseline.py`), logistic regression on the TF-IDF of character 1- to 3-grams (pieces of one to three letters). Both accuracies were measured on reviews of movies kept out of training, and stored in `training_metrics.json`; the cell reads that file.

# %%
card = (KOREAN_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
PUBLISHED = (0.89, 0.91)  # [ko] 큰 말뭉치로 사전학습한 한국어 BERT의 NSMC 정확도(모델 카드가 인용) [en] Korean BERTs pre-trained on large corpora, on NSMC (as the model card cites)
assert "89-91%" in card
accuracy, rows = metrics["accuracy"], metrics["rows"]
print(f"trained on {rows['train']:,} labelled reviews (and {rows['pretrain']:,} unlabelled ones); "
      f"held out: {rows['heldout']:,} reviews of {rows['heldout_movies']:,} movies")
print(f"  character n-gram baseline  {accuracy['baseline']:.1%}")
print(f"  KOREAN_MODEL (small BERT)  {accuracy['final']:.1%}")
print(f"  published Korean BERTs     {PUBLISHED[0]:.0%}-{PUBLISHED[1]:.0%} (on NSMC's own test set)")
gap = 100 * (accuracy["final"] - accuracy["baseline"])
error = 100 * (accuracy["final"] * (1 - accuracy["final"]) / rows["heldout"]) ** 0.5  # [ko] 정확도의 표준오차 [en] an accuracy's standard error
print({"ko": f"작은 BERT - 기준 모델 = {gap:+.1f}점 (표준오차 약 {error:.1f}점)",
       "en": f"small BERT - baseline = {gap:+.1f} points (one standard error is about {error:.1f})"}[LANG])
print()
print(f"{'held-out slice':36}{'reviews':>8}{'BERT':>8}{'n-gram':>8}")
for part in metrics["subsets"]:
    print(f"{part['name']:36}{part['rows']:>8}{part['model']:>8.1%}{part['baseline']:>8.1%}")

# %%
labels = {"ko": ["문자 n-그램\n기준 모델", "KOREAN_MODEL\n(작은 BERT)", "공개된 한국어 BERT\n(NSMC 시험 세트)"],
          "en": ["character n-gram\nbaseline", "KOREAN_MODEL\n(small BERT)", "published Korean BERTs\n(NSMC's test set)"]}[LANG]
fig, ax = plt.subplots(figsize=(8, 3))
ax.barh(labels[:2], [100 * accuracy["baseline"], 100 * accuracy["final"]], color=["#dd8452", "#55a868"])
ax.barh(labels[2], 100 * (PUBLISHED[1] - PUBLISHED[0]), left=100 * PUBLISHED[0], color="#8172b3")
for y, value in enumerate([accuracy["baseline"], accuracy["final"]]):
    ax.text(100 * value + 0.1, y, f"{value:.1%}", va="center")
ax.text(100 * PUBLISHED[0] - 0.1, 2, f"{PUBLISHED[0]:.0%}-{PUBLISHED[1]:.0%}", va="center", ha="right")
low = 100 * min(accuracy["baseline"], accuracy["final"]) // 2 * 2 - 4  # [ko] 가로축은 0이 아니라 여기서 시작 [en] the axis starts here, not at 0
ax.set_xlim(low, 92)
ax.invert_yaxis()
ax.set_xlabel({"ko": f"정확도 (%, 가로축은 {low:.0f}에서 시작)", "en": f"accuracy (%, the axis starts at {low:.0f})"}[LANG])
fig.tight_layout()
plt.show()

# %% [md ko]
# 숫자를 보면 두 가지가 드러납니다.
#
# - **리뷰 15만 개가 주는 것.** 라벨 있는 리뷰 십몇만 개와 라벨 없는 리뷰 수십만 개, CPU로 수십 분. 이만큼으로 작은 BERT는 기준 모델 근처까지 옵니다. 위에서 어느 쪽이 앞서든 차이는 몇 점이 안 됩니다. 웃음(ㅋㅋ), 울음(ㅠㅠ), 부정, 띄어쓰기 없음 같은 종류별로 나눈 표를 보면 어느 한 종류의 리뷰에서만 유난히 약한지도 알 수 있습니다. 이 정도 데이터에서는 "어떤 글자 조각이 나오는가"만 세는 모델도 강합니다.
# - **사전학습이 사 주는 것.** 공개된 한국어 BERT들은 수십억 단어 규모의 한국어 글로 오랫동안 사전학습한 다음 NSMC로 미세 조정해서 89~91%에 이릅니다. 이 숫자는 우리가 빼 둔 영화가 아니라 NSMC의 공식 시험 세트에서 잰 것이라 정확히 같은 비교는 아니지만, 차이의 크기는 가늠할 수 있습니다. 그 몇 점은 라벨이 아니라, 리뷰가 아닌 수많은 글에서 배운 단어의 뜻과 문장 구조에서 옵니다. 우리 모델의 사전학습은 리뷰만으로 30분이 채 안 걸렸습니다(리뷰 54만 개를 한 번 읽기).
#
# 그러니 라벨만 필요하다면 이 데이터에서는 n-그램 모델이 더 싸고 충분한 도구일 수 있습니다. 이 키트가 작은 BERT를 싣는 이유는 정확도보다 **열어 볼 수 있다**는 데 있습니다. 한국어 어휘의 토큰, 어텐션, 로짓을 영어 모델과 똑같은 방법으로 들여다볼 수 있습니다.
#
# ## 직접 해 보기
#
# 아래 위젯에 한국어 문장을 넣으면 한국어 모델이, 영어 문장을 넣으면 영어 기본 모델이 분류합니다. 토큰 줄 맨 앞에 어느 모델이 읽었는지 나옵니다. 모델 카드가 틀린다고 적은 문장(비꼬는 말, "와 진짜 감동이다 돈 아까워서 눈물 나네")도 넣어 보세요.

# %% [md en]
# The numbers show two things.
#
# - **What 150,000 reviews give.** Some 135,000 labelled reviews, a few hundred thousand unlabelled ones and tens of minutes of CPU bring the small BERT close to the baseline. Whichever is ahead above, the gap is a few points at most. The table of slices (laughter ㅋㅋ, crying ㅠㅠ, negation, no spaces) tells whether one kind of review is a special weakness. With this much data, a model that only counts which letter pieces occur is strong.
# - **What pre-training buys.** Published Korean BERTs, pre-trained for a long time on Korean text of billions of words and then fine-tuned on NSMC, reach 89-91%. That was measured on NSMC's official test set, not on our held-out movies, so it is not an exact comparison, but it gives the size of the gap. Those extra points come not from labels but from the meaning of words and the structure of sentences learned from a great deal of text that is not reviews. Our model's pre-training took less than half an hour, on reviews only (one pass over 540,000 reviews).
#
# So when only the label matters, the n-gram model may be the cheaper and sufficient tool for this data. The kit ships the small BERT not for its accuracy but because it can be **opened up**: the tokens of a Korean vocabulary, the attention and the logits can be studied exactly as the English model's.
#
# ## Try it
#
# Type a Korean sentence in the widget below and the Korean model classifies it; type an English one and the default English model does. The token line starts with the model that read it. Try a sentence the model card says it gets wrong, too (sarcasm: "와 진짜 감동이다 돈 아까워서 눈물 나네").

# %%
from lesson_lib.views import ClassifyView

ClassifyView(en_model, tok, text=contrast, korean=(ko_model, ko_tok), lang=LANG)

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 이 장에서 학습한 한국어 토크나이저도 폴더에 저장하면 🤗 Transformers에서 열립니다. `tokenizers`의 `Tokenizer`를 `tokenizer.json`으로 저장하고, 키트의 `BertTokenizer`로 감싸 `save_pretrained`로 폴더를 만든 다음, 🤗 Transformers의 `AutoTokenizer`로 불러와 처음 보는 한국어 문장 전체에서 토큰 ID를 비교합니다.
# 한 가지를 더해야 합니다. 🤗 Transformers는 `tokenizer.json`에 적힌 그대로 실행하므로, 문장 앞뒤에 `[CLS]`와 `[SEP]`를 붙이는 규칙(후처리기, post-processor)과 `##`을 떼고 붙여 읽는 디코더가 파일 안에 있어야 합니다. 위에서 학습한 토크나이저에는 이 둘이 없어서 여기서 넣습니다. 정규화(NFC 다음 소문자 변환)도 파일에 적힌 그대로 옮겨 가므로, 한글 음절은 🤗 Transformers에서도 자모로 쪼개지지 않습니다. 학습한 조각의 ID 번호는 학습할 때마다 달라질 수 있어서, 여기서는 번호 대신 같은지만 확인합니다.
#
# `KOREAN_MODEL`의 폴더는 처음부터 🤗 Transformers가 읽는 모양(`config.json`, `model.safetensors`, `tokenizer.json`, `vocab.txt`)입니다. 🤗 Transformers의 `AutoTokenizer`와 `AutoModelForSequenceClassification`으로 같은 폴더를 열어, 80문장에서 토큰 ID와 로짓이 키트와 같은지도 봅니다.

# %% [md en]
# ## In 🤗 Transformers
#
# The Korean tokenizer this chapter trained opens in 🤗 Transformers too, once it is in a folder. Save the `tokenizers` `Tokenizer` as `tokenizer.json`, wrap it in the kit's `BertTokenizer`, make a folder with `save_pretrained`, load that with 🤗 Transformers' `AutoTokenizer`, and compare the IDs on every unseen Korean sentence.
# One thing has to be added. 🤗 Transformers runs `tokenizer.json` exactly as written, so the rule that puts `[CLS]` and `[SEP]` around a sentence (the post-processor) and the decoder that glues `##` pieces back together must be in the file. The tokenizer trained above has neither, so they are added here. The normaliser (NFC, then lower-casing) travels in the file as written as well, so Hangul syllables are not broken into jamo in 🤗 Transformers either. The IDs of the learned pieces can change from one training run to the next, so the cell checks that they are equal instead of printing them.
#
# `KOREAN_MODEL`'s folder has been in the shape 🤗 Transformers reads from the start (`config.json`, `model.safetensors`, `tokenizer.json`, `vocab.txt`). Open the same folder with 🤗 Transformers' `AutoTokenizer` and `AutoModelForSequenceClassification`, and check that the token IDs and the logits on the 80 sentences are the kit's.

# %%
import transformers  # [ko] 진짜 라이브러리는 이 셀에서만: lesson_lib 자체는 이것을 import하지 않습니다 [en] the real library, in this cell only: lesson_lib itself never imports it

import tempfile

from tokenizers import decoders, processors

from lesson_lib import BertTokenizer

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 안내나 불러오기 보고가 없도록 [en] no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 막대는 시간을 저장합니다 [en] its loading bar would store times
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
folder = Path(scratch.name) / "korean_tokenizer"
folder.mkdir(parents=True)
ids = korean.get_vocab()
korean.post_processor = processors.TemplateProcessing(  # [ko] 모든 BERT tokenizer.json처럼 [CLS] 문장 [SEP] [en] [CLS] sentence [SEP], as every BERT tokenizer.json has
    single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
    special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])])
korean.decoder = decoders.WordPiece()  # [ko] "영화 ##였 ##어요"를 "영화였어요"로 [en] glues "영화 ##였 ##어요" back into "영화였어요"
korean.save(str(folder / "tokenizer.json"))
kit_korean = BertTokenizer(tokenizer_file=folder / "tokenizer.json")
kit_korean.save_pretrained(folder)
hf_korean = transformers.AutoTokenizer.from_pretrained(folder)
print(type(hf_korean).__name__, "from", sorted(path.name for path in folder.iterdir()))
print(hf_korean.tokenize(text), "->", hf_korean.decode(hf_korean(text)["input_ids"], skip_special_tokens=True))

same = all(hf_korean(s)["input_ids"] == kit_korean(s)["input_ids"] == korean.encode(s).ids for s in held_out)
kit_batch, hf_batch = (t(held_out, padding=True, return_tensors="pt") for t in (kit_korean, hf_korean))
batches_equal = list(kit_batch) == list(hf_batch) and all(torch.equal(kit_batch[k], hf_batch[k]) for k in kit_batch)
print(f"our tokenizer: same IDs for all {len(held_out)} sentences:", same, "| same padded batch:", batches_equal)

hf_tok = transformers.AutoTokenizer.from_pretrained(KOREAN_DIR)
hf_model = transformers.AutoModelForSequenceClassification.from_pretrained(KOREAN_DIR).eval()
ours_batch, theirs_batch = ko_tok(held_out, padding=True, return_tensors="pt"), hf_tok(held_out, padding=True, return_tensors="pt")
with torch.no_grad():
    ours_logits, theirs_logits = ko_model(**ours_batch).logits, hf_model(**theirs_batch).logits
same_ids = torch.equal(ours_batch["input_ids"], theirs_batch["input_ids"])
same_logits = torch.allclose(ours_logits, theirs_logits, atol=1e-5)
print(type(hf_model).__name__, "from", KOREAN_DIR.name, "| first sentence's logits:", theirs_logits[0])
assert same and batches_equal and same_ids and same_logits
print(f"KOREAN_MODEL: same IDs for all {len(held_out)} sentences: {same_ids} | same logits (atol 1e-5): {same_logits}")

# %% [md ko]
# ## 정리
#
# - 영어 uncased 토크나이저는 NFD로 한글 음절을 자모로 나눕니다($s = \text{0xAC00} + (21L + V) \cdot 28 + T$). 어휘에 없는 자모(`ᆻ` 받침 등)가 하나라도 있으면 단어 전체가 `[UNK]`가 됩니다.
# - 한국어에는 NFC를 쓰고 악센트를 지우지 않는 WordPiece 어휘가 필요합니다. 500문장으로 학습한 작은 어휘도 토큰 수와 `[UNK]`를 크게 줄이고, 리뷰 수십만 개로 배운 `KOREAN_MODEL`의 어휘는 처음 보는 80문장에서 `[UNK]`가 없습니다.
# - 남은 `[UNK]`는 말뭉치에 없던 음절, 또는 단어 첫머리에만 나와 `##` 조각이 없는 음절에서 옵니다. `min_frequency`를 낮춰도 사라지지 않고, 말뭉치를 고쳐야 사라집니다.
# - 새 어휘에는 그 어휘로 학습한 모델이 필요합니다. `KOREAN_MODEL`은 작은 BERT이고, 이 데이터에서는 문자 n-그램 기준 모델과 비슷한 정확도입니다. 큰 말뭉치로 사전학습한 한국어 BERT는 몇 점 더 높습니다.
# - 다음 장(10)에서는 모델의 예측을 단어별 점수로 설명합니다. 한국어 문장은 이 장의 `KOREAN_MODEL`이 설명합니다.

# %% [md en]
# ## Summary
#
# - An English uncased tokenizer splits Hangul syllables into jamo with NFD ($s = \text{0xAC00} + (21L + V) \cdot 28 + T$); one jamo missing from the vocabulary (the final `ᆻ`, for one) turns the whole word into `[UNK]`.
# - Korean needs a WordPiece vocabulary with NFC and no accent stripping. A small one learned from 500 sentences already cuts the tokens and the `[UNK]`s a lot; `KOREAN_MODEL`'s, learned from hundreds of thousands of reviews, has no `[UNK]` on the 80 unseen sentences.
# - The remaining `[UNK]`s come from syllables missing from the corpus, or seen only at word starts and so without a `##` piece. A lower `min_frequency` does not remove them; a better corpus does.
# - A new vocabulary needs a model trained with it. `KOREAN_MODEL` is a small BERT, about as accurate as a character n-gram baseline on this data; Korean BERTs pre-trained on large corpora are a few points better.
# - Next, chapter 10 explains a prediction with a score per word; Korean sentences are explained by this chapter's `KOREAN_MODEL`.
