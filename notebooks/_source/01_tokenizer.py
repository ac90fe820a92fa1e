# %% [md ko]
# # 01 토크나이저: 텍스트가 숫자가 되기까지
#
# 문장이 정규화 → 사전 토큰화 → 워드피스(WordPiece) → 특수 토큰과 토큰 ID를 거쳐 숫자 목록이 되는 과정을 한 단계씩 따라갑니다.
#
# 모델은 글자를 읽지 못하고 숫자만 받습니다. 토크나이저는 문장을 모델이 학습할 때 쓴 것과 **똑같은 규칙과 어휘 사전**(vocab)으로 잘라 숫자로 바꿉니다.
# 규칙이나 어휘 사전이 조금이라도 다르면 모델은 엉뚱한 단어를 보게 되므로, 토크나이저는 항상 모델과 같은 이름으로 불러옵니다.

# %% [md en]
# # 01 The tokenizer: from text to numbers
#
# Follow a sentence through normalisation → pre-tokenisation → WordPiece → special tokens and ids, one step at a time.
#
# A model cannot read letters; it only takes numbers. The tokenizer cuts a sentence into pieces and turns them into numbers with **the same rules and vocabulary** the model was trained with.
# If a rule or the vocabulary differed, the model would see the wrong words, so you always load the tokenizer under the same name as the model.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - 문장 하나가 정규화 → 사전 토큰화 → 워드피스 → 특수 토큰과 토큰 ID를 거치는 과정을 말하고, 짧은 문장의 토큰을 손으로 예측합니다.
# - 최장 일치 우선 규칙으로 단어가 서브워드(`##` 조각)로 나뉘는 방법을 설명합니다.
# - `[UNK]`가 언제 생기는지, NFD가 한글을 자모로 나누는 까닭과 그 결과를 설명합니다.
#
# **전제**: 00장. 파이썬 문자열과 리스트. 유니코드를 몰라도 됩니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-5분 | 퀵투어의 문장, `input_ids`와 `token_type_ids` |
# | 5-15분 | 정규화: 소문자, 악센트 제거, 한글과 NFD |
# | 15-25분 | 사전 토큰화, 워드피스, 연습 1(예측) |
# | 25-35분 | 특수 토큰, `[UNK]`, `decode`, 연습 2(계산) |
# | 35-45분 | 위젯, 연습 3(바꿔 보기) |
# | 45-50분 | 정리 |
#
# 짧은 수업에서는 코드 포인트를 출력하는 셀("Café Crème, naïve!"), "🤗 Transformers에서는" 절을 건너뛰어도 됩니다.

# %% [md en]
# ## Goals of this chapter
#
# **After this chapter you can**
#
# - describe how a sentence goes through normalisation → pre-tokenisation → WordPiece → special tokens and ids, and predict the tokens of a short sentence by hand;
# - explain how "longest match first" splits a word into sub-words (`##` pieces);
# - explain when `[UNK]` appears, and why NFD splits Hangul into jamo and what that does.
#
# **It assumes** chapter 00, Python strings and lists. No Unicode knowledge needed.
#
# **A 50-minute plan**
#
# | time | what |
# |---|---|
# | 0-5 min | the quick tour's sentence, `input_ids` and `token_type_ids` |
# | 5-15 min | normalisation: lower case, accents, Korean and NFD |
# | 15-25 min | pre-tokenisation, WordPiece, exercise 1 (predict) |
# | 25-35 min | special tokens, `[UNK]`, `decode`, exercise 2 (compute) |
# | 35-45 min | the widget, exercise 3 (modify) |
# | 45-50 min | summary |
#
# In a short lesson, skip the cell printing code points ("Café Crème, naïve!") and the section "In 🤗 Transformers".

# %%
from lesson_lib import DEFAULT_MODEL, AutoTokenizer

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
tok

# %% [md ko]
# 퀵투어의 문장을 넣어 봅시다. 결과는 딕셔너리이고, `input_ids`가 모델에 들어갈 숫자입니다.

# %% [md en]
# Let's feed it the quick tour's sentence. The result is a dictionary; `input_ids` are the numbers the model gets.

# %%
text = "We are very happy to show you the 🤗 Transformers library."
inputs = tok(text)
print(inputs)

SEED_IDS = [101, 2057, 2024, 2200, 3407, 2000, 2265, 2017, 1996, 100, 19081, 3075, 1012, 102]
assert inputs["input_ids"] == SEED_IDS  # [ko] 퀵투어가 출력한 ID와 똑같습니다 [en] exactly the ids printed in the quick tour
assert inputs["attention_mask"] == [1] * 14

# %% [md ko]
# 토큰 ID가 퀵투어와 정확히 같습니다. 두 모델의 어휘 사전이 같기 때문입니다.
# 퀵투어에 없던 토큰 타입 ID(`token_type_ids`)가 하나 더 보이죠. BERT는 문장 두 개를 한 번에 받을 수 있어서 각 토큰이 몇 번째 문장인지(0 또는 1) 적어 두는데, DistilBERT에는 이 입력이 없습니다. 문장이 하나일 때는 모두 0입니다.
#
# ## 네 단계 따라가기
#
# `tok(text)`는 빠른 Rust 라이브러리(`tokenizers`)로 한 번에 처리합니다. `tok.trace(text)`는 같은 일을 파이썬으로 직접 쓴 코드(`lesson_lib/wordpiece.py`)로 하면서 단계마다 결과를 남깁니다.
# 먼저 **정규화**(normalisation): 글자를 정리하는 단계입니다.

# %% [md en]
# The ids are exactly the quick tour's, because both models share one vocabulary.
# There is one extra entry, `token_type_ids`. BERT can take two sentences at once and marks which one each token belongs to (0 or 1); DistilBERT has no such input. With one sentence they are all 0.
#
# ## Following the four steps
#
# `tok(text)` does everything at once with a fast Rust library (`tokenizers`). `tok.trace(text)` does the same work with hand-written Python (`lesson_lib/wordpiece.py`) and keeps what every step produced.
# First, **normalisation**: tidying up the characters.

# %%
t = tok.trace(text)
for name, value in t.steps:
    print(f"{name:17} {value}")

assert t.ids == SEED_IDS  # [ko] 손으로 쓴 토크나이저가 빠른 토크나이저와 같은 답을 냅니다 [en] the hand-written tokenizer agrees with the fast one

# %% [md ko]
# 이 모델은 "uncased"라서 대문자를 소문자로 바꿉니다(`lowercased`). 그 전에 악센트도 지웁니다.
# 악센트를 지우는 방법이 재미있습니다. 먼저 **NFD**(유니코드 정준 분해)로 `é`를 `e` + "위에 붙는 악센트 기호" 두 글자로 나눈 다음, 그 기호만 버립니다.
# 글자 수와 코드 포인트를 보면 분해된 것이 보입니다.

# %% [md en]
# This model is "uncased": it turns capitals into small letters (`lowercased`). Before that it also strips accents.
# The way it strips them is neat: **NFD** (Unicode canonical decomposition) first splits `é` into two characters, `e` + "an accent that sits on top", and then only the accent is dropped.
# The character counts and code points show the split.

# %%
t = tok.trace("Café Crème, naïve!")
for name in ["text", "nfd", "accents_stripped", "lowercased"]:
    value = getattr(t, name)
    print(f"{name:17} {len(value)} characters: {value!r}")
print([f"U+{ord(c):04X}" for c in t.nfd[:5]])  # [ko] C a f e  + U+0301 (악센트) [en] C a f e  + U+0301 (the accent)
print(t.tokens)

# %% [md ko]
# ### 한글은 어떻게 될까요?
#
# NFD는 한글 음절도 분해합니다. `한`은 초성 `ᄒ`, 중성 `ᅡ`, 종성 `ᆫ` 세 글자(자모)가 됩니다.
# 화면에서는 다시 `한`처럼 붙어 보이지만 실제로는 다른 문자열입니다.
# 그래서 uncased 영어 모델은 한글 음절을 한 번도 보지 못하고 자모 조각만 봅니다. 토큰 수가 확 늘어나는 것을 보세요.

# %% [md en]
# ### What happens to Korean?
#
# NFD decomposes Hangul syllables too: `한` becomes three letters (jamo): the initial `ᄒ`, the vowel `ᅡ` and the final `ᆫ`.
# On screen they may still look joined, like `한`, but it is a different string.
# So an uncased English model never sees a Hangul syllable, only jamo pieces. Look how the number of tokens grows.

# %%
import unicodedata

t = tok.trace("한국어 토크나이저")
print("text:", t.text, "->", len(t.text), "characters")
print("nfd: ", t.nfd, "->", len(t.nfd), "characters")
for c in t.nfd[:3]:
    print(f"  U+{ord(c):04X} {unicodedata.name(c)}")
print(t.tokens)

assert t.tokens[1:-1] == tok.tokenize("한국어 토크나이저")  # [ko] 빠른 토크나이저도 똑같이 나눕니다 [en] the fast tokenizer splits it the same way
assert unicodedata.normalize("NFC", t.nfd) == t.text  # [ko] NFC가 음절을 다시 합칩니다 [en] NFC puts the syllables back together

# %% [md ko]
# ### 사전 토큰화: 단어로 자르기
#
# 정규화된 글에서 공백을 기준으로 자르고, 구두점은 하나하나 따로 떼어 냅니다. `don't`는 `don`, `'`, `t` 세 단어가 됩니다.
# 각 단어가 원래 문장의 어디에서 왔는지(`start`, `end`)도 기억해 둡니다.

# %% [md en]
# ### Pre-tokenisation: cutting into words
#
# The normalised text is split at spaces, and every punctuation mark becomes a word of its own: `don't` becomes three words, `don`, `'` and `t`.
# Each word also remembers where it came from in the original text (`start`, `end`).

# %%
t = tok.trace("We hope you don't hate it.")
for w in t.words:
    print(f"{w.word!r:8} text[{w.start}:{w.end}] = {t.text[w.start:w.end]!r}")

# %% [md ko]
# ### 워드피스: 최장 일치 우선
#
# 어휘 사전에는 약 3만 개의 조각(서브워드)이 있습니다. 단어 전체가 어휘 사전에 있으면 그대로 씁니다.
# 없으면 **끝에서 한 글자씩 줄여 가며** 어휘 사전에 있는 가장 긴 앞부분을 찾고, 남은 부분에 `##`("앞 조각에 이어짐")을 붙여 같은 일을 되풀이합니다.
# 어휘 사전을 $V$, 단어를 $w$, 지금 위치를 $i$라고 하면 다음 조각은 $w[i:j^*]$이고 $j^* = \max\{\, j > i : p_i + w[i:j] \in V \,\}$입니다($p_0$은 빈 문자열, $i > 0$이면 $p_i$ = `##`). 그런 $j$가 하나도 없으면 단어 전체가 `[UNK]`가 됩니다.
# `tokenizers`가 어떤 후보를 시도했는지 봅시다(✓ = 어휘 사전에 있음).

# %% [md en]
# ### WordPiece: longest piece first
#
# The vocabulary holds about 30,000 pieces. A word that is in it is used as it is.
# Otherwise the tokenizer **drops one character at a time from the end** until it finds the longest beginning the vocabulary knows, then repeats on the rest, with `##` in front ("continues the previous piece").
# With the vocabulary $V$, the word $w$ and the current position $i$, the next piece is $w[i:j^*]$ with $j^* = \max\{\, j > i : p_i + w[i:j] \in V \,\}$ ($p_0$ is the empty string, $p_i$ = `##` for $i > 0$). When no such $j$ exists, the whole word becomes `[UNK]`.
# Here is every candidate it tried for `tokenizers` (✓ = in the vocabulary).

# %%
w = tok.trace("tokenizers").words[0]
for candidate, known in w.attempts:
    print("✓" if known else " ", candidate)
print(w.pieces)
print(len(tok.get_vocab()), "pieces in the vocabulary")

# %% [md ko]
# ### 연습 1 (예측)
#
# `"Hugging Face's tokenizers"`는 어떤 토큰이 될까요? 위에서 본 규칙(소문자, 구두점 떼기, `##` 조각)으로 예측해서(`tokenizers`는 바로 위에서 나눠 보았습니다) `[CLS]`, `[SEP]` 없이 문자열 리스트로 `answer`에 쓰고, 다음 셀로 확인하세요.

# %% [md en]
# ### Exercise 1 (predict)
#
# Which tokens does `"Hugging Face's tokenizers"` become? Predict them with the rules above (lower case, punctuation cut off, `##` pieces; `tokenizers` was split just above), write them in `answer` as a list of strings without `[CLS]` and `[SEP]`, and check with the next cell.

# %% tags=["exercise"]
answer = None  # [ko] 예: ["hugging", ...] [en] e.g. ["hugging", ...]

# %% tags=["solution"]
answer = ["hugging", "face", "'", "s", "token", "##izer", "##s"]

# %% tags=["check"]
expected = tok.tokenize("Hugging Face's tokenizers")
ok = answer == expected
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 토큰 리스트를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a list of tokens in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG])
elif not isinstance(answer, list):
    print({"ko": "answer는 문자열의 리스트입니다. 예: [\"hugging\", \"face\"]",
           "en": "answer is a list of strings, e.g. [\"hugging\", \"face\"]."}[LANG])
else:
    k = next((i for i, (a, e) in enumerate(zip(answer, expected)) if a != e), min(len(answer), len(expected)))
    print({"ko": f"{k}번째 토큰부터 다릅니다. 힌트: 앞의 셀에서 tok.trace(...).words를 보세요.",
           "en": f"Your tokens differ from position {k} on. Hint: look at tok.trace(...).words, as above."}[LANG])

# %% [md ko]
# ## 특수 토큰, 토큰 ID, 그리고 `[UNK]`
#
# 조각이 정해지면 앞에 `[CLS]`, 끝에 `[SEP]`를 붙이고, 각 조각을 어휘 사전에서의 번호(토큰 ID)로 바꿉니다.
# 특수 토큰은 모두 다섯 개입니다. `[PAD]`는 02장(배치)에서 쓰고, `[MASK]`는 BERT를 사전학습할 때 씁니다.

# %% [md en]
# ## Special tokens, ids, and `[UNK]`
#
# Once the pieces are known, `[CLS]` goes in front and `[SEP]` at the end, and each piece becomes its number (id) in the vocabulary.
# There are five special tokens. `[PAD]` appears in chapter 02 (batching); `[MASK]` is used in BERT's pre-training.

# %%
for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]:
    print(f"{token:7} id {tok.convert_tokens_to_ids(token)}")
assert set(tok.all_special_tokens) == {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}

# %% [md ko]
# 🤗 이모지는 어휘 사전에 없고, 한 글자라 더 줄일 수도 없습니다. 그래서 미등록 토큰 `[UNK]`(ID 100)가 됩니다.
# 주의할 점: 단어 중 **한 조각이라도** 찾지 못하면 단어 전체가 `[UNK]` 하나가 됩니다. 띄어쓰기 하나로 결과가 달라집니다.

# %% [md en]
# The 🤗 emoji is not in the vocabulary, and being a single character it cannot be shortened. So it becomes `[UNK]` (unknown, id 100).
# Careful: when **any piece** of a word cannot be found, the whole word becomes one `[UNK]`. One space changes the result.

# %%
emoji = next(w for w in tok.trace(text).words if w.word == "🤗")
print(emoji.attempts, "->", emoji.pieces)
print(tok.tokenize("hello🤗"))
print(tok.tokenize("hello 🤗"))

# %% [md ko]
# ## 거꾸로: `decode`
#
# 토큰 ID를 다시 글로 바꿀 수도 있습니다. `##` 조각은 앞 조각에 붙입니다.
# 완전히 되돌아오지는 않습니다. 대문자, 악센트, 이모지는 이미 사라졌습니다.

# %% [md en]
# ## Backwards: `decode`
#
# Ids can be turned back into text; `##` pieces are glued to the piece before them.
# It is not a perfect round trip: capitals, accents and the emoji are already gone.

# %%
ids = inputs["input_ids"]
print(tok.convert_ids_to_tokens(ids))
print(tok.decode(ids))
print(tok.decode(ids, skip_special_tokens=True))

korean = tok.decode(tok("한국어")["input_ids"], skip_special_tokens=True)
print(korean, korean == "한국어", unicodedata.normalize("NFC", korean) == "한국어")

# %% [md ko]
# 마지막 줄: 디코딩한 한글은 화면에서는 `한국어`로 보여도 자모로 이루어져 있어서 `"한국어"`와 같지 않습니다. NFC로 다시 묶어야 같아집니다.
#
# ### 연습 2 (계산)
#
# `"안녕하세요"`는 NFD를 거치면 몇 글자가 될까요? 음절마다 초성, 중성, (있으면) 종성으로 나뉜다는 규칙으로 세어서 정수 하나를 `answer`에 쓰세요.

# %% [md en]
# The last line: the decoded Korean looks like `한국어` on screen, but it is made of jamo, so it is not equal to `"한국어"`. NFC has to put it back together first.
#
# ### Exercise 2 (compute)
#
# How many characters does `"안녕하세요"` become after NFD? Count with the rule that every syllable splits into an initial, a vowel and (if it has one) a final, and write one whole number in `answer`.

# %% tags=["exercise"]
answer = None  # [ko] 정수, 예: 7 [en] a whole number, e.g. 7

# %% tags=["solution"]
answer = 12  # [ko] 안(3) 녕(3) 하(2) 세(2) 요(2) [en] 안 (3) 녕 (3) 하 (2) 세 (2) 요 (2)

# %% tags=["check"]
nfd = tok.trace("안녕하세요").nfd
ok = answer == len(nfd)
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 정수를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a whole number in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], [f"U+{ord(c):04X}" for c in nfd])
else:
    print({"ko": "아직 아닙니다. 힌트: 받침이 있는 음절(안, 녕)은 세 글자, 받침이 없는 음절은 두 글자가 됩니다.",
           "en": "Not yet. Hint: a syllable with a final consonant (안, 녕) becomes three letters, one without becomes two."}[LANG])

# %% [md ko]
# ## 직접 해 보기
#
# 아래 위젯에 아무 문장이나 입력하고 단계를 하나씩 넘겨 보세요. 한글, 악센트, 이모지, 단어에 붙여 쓴 이모지를 섞어 보세요.

# %% [md en]
# ## Try it
#
# Type any sentence into the widget below and step through the stages. Mix in Korean, accents, an emoji, an emoji glued to a word.

# %%
from lesson_lib.views import TokenView

view = TokenView(tok, "Café 한국어, hello🤗 tokenizers!", lang=LANG)
view

# %% [md ko]
# ### 연습 3 (바꿔 보기)
#
# 위젯에서 단어를 바꿔 가며 찾아보세요. 워드피스가 **조각 세 개 이상**으로 나누고 `[UNK]`는 없는 영어 단어 하나(공백 없이)를 `answer`에 쓰세요. 아무 영어 단어나 넣지 말고 먼저 예측해 보세요. 어떤 단어가 잘게 나뉠까요?

# %% [md en]
# ### Exercise 3 (modify)
#
# Change the word in the widget and look. Find one English word (no spaces) that WordPiece splits into **three or more pieces**, none of them `[UNK]`, and write it in `answer`. Predict before you try: which words get cut into small pieces?

# %% tags=["exercise"]
answer = None  # [ko] 단어 하나, 예: "reading" [en] one word, e.g. "reading"

# %% tags=["solution"]
answer = "unbelievably"  # [ko] un, ##bel, ##ie, ##va, ##bly [en] un, ##bel, ##ie, ##va, ##bly

# %% tags=["check"]
pieces = tok.tokenize(answer) if isinstance(answer, str) and answer.strip() and " " not in answer.strip() else []
ok = len(pieces) >= 3 and "[UNK]" not in pieces and len(tok.trace(answer.strip()).words) == 1
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 영어 단어 하나를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write one English word in answer and run again."}[LANG])
elif ok:
    print({"ko": "정답입니다!", "en": "Correct!"}[LANG], pieces)
elif "[UNK]" in pieces:
    print({"ko": f"{pieces}: [UNK]가 있습니다. 이모지나 드문 기호 없이 영어 알파벳만 써 보세요.",
           "en": f"{pieces}: there is an [UNK]. Use English letters only, no emoji or rare symbols."}[LANG])
elif pieces:
    print({"ko": f"{pieces}: 조각이 {len(pieces)}개입니다. 구두점이 없는 한 단어로, 더 길거나 드문 단어를 시험해 보세요.",
           "en": f"{pieces}: {len(pieces)} piece(s). Try one longer or rarer word, without punctuation."}[LANG])
else:
    print({"ko": "answer는 공백 없는 단어 하나(문자열)입니다.", "en": "answer is one word (a string) without spaces."}[LANG])

# %% [md ko]
# ## 🤗 Transformers에서는
#
# 이 장의 토크나이저는 🤗 Transformers의 것과 같은 파일을 읽고 씁니다. `save_pretrained`로 폴더에 저장하면 🤗 Transformers가 그 폴더를 그대로 불러오고, 같은 문장에서 같은 토큰과 토큰 ID를 냅니다.
# 여기서는 `AutoTokenizer`가 이 폴더에서 고르는 클래스 `BertTokenizer`를 직접 씁니다. `transformers.AutoTokenizer`는 불러오는 순간 torch까지 함께 불러오는데(1초 남짓, 메모리 약 130 MB), 이 장에는 torch가 필요 없기 때문입니다. `AutoTokenizer`는 2장과 6장의 같은 절에서 씁니다.
# `tok(text)`, `tokenize`, `convert_tokens_to_ids`, `decode` 같은 이름도 그대로 쓰면 됩니다. 단계마다 결과를 남기는 `tok.trace(...)`와 `TokenView` 위젯은 이 키트에만 있습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# This chapter's tokenizer reads and writes the same files as 🤗 Transformers' tokenizers. Saved to a folder with `save_pretrained`, it loads in 🤗 Transformers as it is, and gives the same tokens and ids for the same sentences.
# We call `BertTokenizer`, the class `AutoTokenizer` picks for this folder, directly: `transformers.AutoTokenizer` loads torch as well the moment it is touched (a second or more, about 130 MB), and this chapter needs no torch. Chapters 02 and 06 use `AutoTokenizer` in the same section.
# The names carry over too: `tok(text)`, `tokenize`, `convert_tokens_to_ids`, `decode`. `tok.trace(...)`, which keeps every step's result, and the `TokenView` widget are this kit's only.

# %%
import transformers  # [ko] 진짜 라이브러리는 이 셀에서만: lesson_lib 자체는 이것을 불러오지 않습니다 [en] the real library, in this cell only: lesson_lib itself never imports it

import tempfile
from pathlib import Path

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 안내 문구와 불러오기 보고가 남지 않게 [en] no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 진행 막대는 시간을 저장하므로 끕니다 [en] its loading bar would store times
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
folder = Path(scratch.name) / "tokenizer"
tok.save_pretrained(folder)
hf_tok = transformers.BertTokenizer.from_pretrained(folder)  # [ko] AutoTokenizer가 이 폴더에서 고르는 클래스 [en] the class AutoTokenizer picks for this folder
print(type(hf_tok).__name__, "from", sorted(path.name for path in folder.iterdir()))

sentences = [text, "Café Crème, naïve!", "한국어 토크나이저", "We hope you don't hate it.", "hello🤗 tokenizers"]
print(hf_tok(text)["input_ids"])
same = all(hf_tok(s)["input_ids"] == tok(s)["input_ids"] and hf_tok.tokenize(s) == tok.tokenize(s)
           and hf_tok.decode(tok(s)["input_ids"]) == tok.decode(tok(s)["input_ids"]) for s in sentences)
print("same tokens, ids and decoding for", len(sentences), "sentences:", same)
assert same and hf_tok(text)["input_ids"] == SEED_IDS

# %% [md ko]
# ## 정리
#
# - 토크나이저는 네 단계입니다. 정규화(NFD, 악센트 제거, 소문자) → 사전 토큰화(공백과 구두점으로 자르기) → 워드피스(최장 일치 우선, 이어지는 조각에 `##`) → 특수 토큰 `[CLS]`, `[SEP]`를 붙이고 어휘 사전의 번호(토큰 ID)로 바꾸기.
# - 단어의 한 조각이라도 어휘 사전에 없으면 단어 전체가 `[UNK]`(ID 100) 하나가 됩니다. 🤗가 그렇습니다.
# - uncased 모델의 NFD는 한글 음절을 자모로 나눕니다. 그래서 이 영어 모델은 한글을 자모 조각으로만 봅니다(한국어 모델은 09장).
# - 토크나이저는 항상 모델과 같은 이름으로 불러옵니다. 규칙과 어휘 사전이 모델이 학습한 것과 같아야 하기 때문입니다.
#
# 다음 장(02)에서는 여러 문장의 토큰 ID를 패딩으로 맞춰 한 텐서로 묶습니다.

# %% [md en]
# ## Summary
#
# - A tokenizer is four steps: normalisation (NFD, accents stripped, lower case) → pre-tokenisation (cut at spaces and punctuation) → WordPiece (longest match first, `##` on continuing pieces) → the special tokens `[CLS]` and `[SEP]` added and every piece turned into its number in the vocabulary (its id).
# - When any piece of a word is missing from the vocabulary, the whole word becomes one `[UNK]` (id 100), as 🤗 does.
# - An uncased model's NFD splits Hangul syllables into jamo, so this English model only ever sees jamo pieces (a Korean model: chapter 09).
# - Always load the tokenizer under the model's name: its rules and vocabulary must be the ones the model learned with.
#
# The next chapter (02) pads the ids of several sentences into one tensor.
