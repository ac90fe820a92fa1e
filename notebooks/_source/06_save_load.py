# %% [md ko]
# # 06 저장하고 다시 불러오기: 모델은 파일 몇 개입니다
#
# 모델과 토크나이저를 `save_pretrained`로 폴더에 저장하고, 디스크의 파일과 그 안의 설정과 텐서를 들여다본 뒤, 다시 불러와 똑같은 로짓을 얻습니다. 마지막으로 같은 가중치를 PyTorch 없이 NumPy로 돌려 봅니다.
#
# 미세 조정(08장)을 마친 모델은 저장해 두었다가 나중에, 혹은 다른 컴퓨터에서 다시 씁니다. `from_pretrained`가 모델 이름 대신 폴더 이름도 받는 이유입니다.

# %% [md en]
# # 06 Saving and loading: a model is a few files
#
# Save a model and its tokenizer into a folder with `save_pretrained`, look at the files on disk and at the config and tensors inside them, load them back and get identical logits. Finally, run the same weights without PyTorch, in NumPy.
#
# A fine-tuned model (chapter 08) is saved to be used later, or on another computer. That is why `from_pretrained` takes a folder as well as a model name.

# %% [md ko]
# ## 이 장의 목표
#
# **이 장을 마치면 할 수 있는 것**
#
# - `save_pretrained`로 모델과 토크나이저를 폴더에 저장하고 `from_pretrained`로 다시 불러와, 로짓이 비트 하나까지 같은지 `torch.equal`로 확인합니다.
# - 폴더의 파일 여섯 개가 각각 무엇을 담는지 말하고, `config.json`과 safetensors 파일의 헤더를 직접 읽습니다.
# - 파일 크기와 파라미터 수 사이의 관계(float32 하나 = 4바이트)로 한쪽에서 다른 쪽을 계산합니다.
# - 같은 가중치를 NumPy로 돌린 결과가 `torch.equal`이 아니라 `allclose`로만 같은 이유를 설명합니다.
#
# **전제**: 00장(파이프라인), 02장(배치, `**batch`), 03장(순전파와 모듈 이름). `torch.no_grad()`는 00장에서 보았습니다. 기울기를 기록하지 않게 해서 예측만 할 때 메모리와 시간을 아낍니다.
#
# **50분 수업 계획**
#
# | 시간 | 내용 |
# |---|---|
# | 0-5분 | 모델을 불러와 로짓 보기 |
# | 5-15분 | 저장하기, 파일 목록, 연습 1(파일 크기로 파라미터 수 어림하기) |
# | 15-25분 | `config.json`, safetensors 헤더, 연습 2(단어 임베딩 표의 바이트 수) |
# | 25-35분 | 다시 불러오기와 `torch.equal`, 연습 3(반 정밀도로 저장하기) |
# | 35-45분 | NumPy로 같은 순전파 |
# | 45-50분 | 🤗 Transformers에서는, 정리 |
#
# 짧은 수업(30분)에서는 "같은 가중치, 다른 프레임워크"의 NumPy 셀 세 개와 "🤗 Transformers에서는" 절을 건너뛰세요. 나머지 셀은 그것들 없이도 돌아갑니다.

# %% [md en]
# ## This chapter
#
# **After it you can**
#
# - save a model and its tokenizer into a folder with `save_pretrained`, load them back with `from_pretrained`, and check with `torch.equal` that the logits are identical down to the last bit;
# - say what each of the folder's six files holds, and read `config.json` and a safetensors file's header yourself;
# - go from a file's size to its number of parameters and back (one float32 = 4 bytes);
# - explain why the same weights run in NumPy agree with PyTorch under `allclose` but not `torch.equal`.
#
# **It assumes** chapter 00 (the pipeline), chapter 02 (batches, `**batch`) and chapter 03 (the forward pass and the modules' names). `torch.no_grad()` appeared in chapter 00: it records no gradients, which saves memory and time when we only predict.
#
# **A 50-minute plan**
#
# | minutes | what |
# |---|---|
# | 0-5 | load the model, look at its logits |
# | 5-15 | saving, the files, exercise 1 (the number of parameters from the file size) |
# | 15-25 | `config.json`, the safetensors header, exercise 2 (the bytes of the word-embedding table) |
# | 25-35 | loading back, `torch.equal`, exercise 3 (saving in half precision) |
# | 35-45 | the same forward pass in NumPy |
# | 45-50 | In 🤗 Transformers, summary |
#
# In a short lesson (30 minutes), skip the three NumPy cells of "The same weights, another framework" and the "In 🤗 Transformers" section; the other cells run without them.

# %%
import tempfile
from pathlib import Path

from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer

tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
texts = ["We are very happy to show you the 🤗 Transformers library.", "We hope you don't hate it."]
batch = tok(texts, padding=True, return_tensors="pt")
with torch.no_grad():
    logits = model(**batch).logits
print(logits)

# %% [md ko]
# ## 저장하기
#
# 임시 폴더를 하나 만들어 그 안의 `my_model`에 저장합니다. 이 폴더는 커널이 멈추면 저절로 지워집니다. 임시 폴더의 경로는 컴퓨터마다, 실행할 때마다 다르므로 아래에서는 파일 이름만 출력합니다.

# %% [md en]
# ## Saving
#
# We make a temporary folder, removed by itself when the kernel stops, and save into `my_model` inside it. The temporary path differs on every computer and every run, so below we print file names only.

# %%
scratch = tempfile.TemporaryDirectory()  # [ko] 커널이 멈추면(또는 scratch를 지우면) 사라지는 임시 폴더 [en] a temporary folder, removed when the kernel stops (or when scratch is deleted)
save_dir = Path(scratch.name) / "my_model"
model.save_pretrained(save_dir)
tok.save_pretrained(save_dir)

for path in sorted(save_dir.iterdir()):
    size = path.stat().st_size
    shown = f"{size / 1e6:.1f} MB" if size > 1e6 else f"{size / 1e3:.1f} kB"
    print(f"{path.name:24} {shown:>9}")

# %% [md ko]
# ### 연습 1 (예상하기): 파일 크기로 파라미터 수 어림하기
#
# `model.safetensors`에는 가중치가 모두 float32(숫자 하나에 4바이트)로 들어 있고, 앞의 헤더는 아주 작습니다. 아래 셀이 출력하는 `file_size`(바이트)만 보고, 이 모델의 파라미터 수를 어림해서 `answer`에 쓰세요. 1% 안으로 맞으면 정답입니다. 정확한 수는 조금 뒤 헤더를 읽을 때 나옵니다.

# %% [md en]
# ### Exercise 1 (predict): the number of parameters from the file size
#
# `model.safetensors` holds every weight as a float32 (4 bytes a number), after a tiny header. From `file_size` (in bytes), printed by the next cell, and nothing else, estimate the model's number of parameters and write it in `answer`. Within 1% counts as correct. The exact number comes a little later, when we read the header.

# %% tags=["exercise"]
file_size = (save_dir / "model.safetensors").stat().st_size
print("file_size =", file_size)
answer = None  # [ko] 정수 하나 [en] a whole number

# %% tags=["solution"]
file_size = (save_dir / "model.safetensors").stat().st_size
print("file_size =", file_size)
answer = 90_867_952 // 4  # [ko] 바이트 수 / 숫자 하나의 4바이트 [en] bytes / 4 bytes a number

# %% tags=["check"]
n_params = model.num_parameters()
ok = isinstance(answer, (int, float)) and abs(answer - n_params) <= 0.01 * n_params
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 실제로는 {n_params:,}개입니다.", "en": f"Correct! The exact number is {n_params:,}."}[LANG])
elif isinstance(answer, (int, float)) and abs(answer - file_size) <= 0.01 * file_size:
    print({"ko": "아직 아닙니다. 그것은 바이트 수입니다. 힌트: 숫자 하나가 몇 바이트인가요?",
           "en": "Not yet: that is the number of bytes. Hint: how many bytes does one number take?"}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 바이트 수를 숫자 하나의 바이트 수로 나누세요.",
           "en": "Not yet. Hint: divide the number of bytes by the bytes of one number."}[LANG])

# %% [md ko]
# 파일이 여섯 개입니다. 둘은 모델, 넷은 토크나이저의 것입니다.
#
# | 파일 | 내용 |
# |---|---|
# | `config.json` | 모델의 모양: 층 수, 폭, 헤드 수, 라벨 이름… (JSON 텍스트) |
# | `model.safetensors` | 가중치: 이름이 붙은 텐서들 (거의 전부가 숫자) |
# | `vocab.txt` | 어휘 사전: 한 줄에 토큰 하나, 줄 번호가 ID |
# | `tokenizer.json` | 토크나이저 전체(정규화, 사전 토큰화, WordPiece, 특수 토큰) |
# | `tokenizer_config.json`, `special_tokens_map.json` | 소문자 변환 여부, 특수 토큰 이름 같은 설정 |
#
# ## `config.json`: 모델의 설계도
#
# 가중치 없이 모델의 **모양**만 적혀 있습니다. 이것만 있으면 같은 모양의 (무작위) 모델을 만들 수 있습니다(07장).

# %% [md en]
# There are six files: two for the model, four for the tokenizer.
#
# | file | what is in it |
# |---|---|
# | `config.json` | the model's shape: number of layers, width, heads, label names… (JSON text) |
# | `model.safetensors` | the weights: named tensors (nearly all of it is numbers) |
# | `vocab.txt` | the vocabulary: one token per line, the line number is the id |
# | `tokenizer.json` | the whole tokenizer (normalisation, pre-tokenisation, WordPiece, special tokens) |
# | `tokenizer_config.json`, `special_tokens_map.json` | settings such as lower-casing and the special tokens' names |
#
# ## `config.json`: the model's blueprint
#
# It holds the model's **shape** and no weights. With it alone you can build a (random) model of the same shape (chapter 07).

# %%
import json

config = json.loads((save_dir / "config.json").read_text(encoding="utf-8"))
print(len(config), "keys:", ", ".join(config))
print()
for key in ["architectures", "model_type", "num_hidden_layers", "hidden_size", "num_attention_heads",
            "intermediate_size", "vocab_size", "id2label"]:
    print(f"{key:20} {config[key]}")

# %% [md ko]
# ## `model.safetensors`: 이름이 붙은 텐서들
#
# safetensors 파일은 단순합니다. 맨 앞 8바이트가 헤더(header)의 길이이고, 헤더는 "텐서 이름 → 자료형, 모양, 파일 안의 위치"를 적은 JSON입니다. 그 뒤는 숫자뿐입니다.
# 파이썬 객체를 그대로 저장하는 pickle(`.bin`)과 달리 불러올 때 코드가 실행될 일이 없어서 안전합니다.
# `safe_open`으로 열면 필요한 텐서만 골라 읽을 수 있습니다.

# %% [md en]
# ## `model.safetensors`: named tensors
#
# A safetensors file is simple: the first 8 bytes give the length of a header, the header is JSON ("tensor name → dtype, shape, place in the file"), and the rest is numbers.
# Unlike pickle (`.bin`), which stores Python objects, loading it can never run code, so it is safe.
# `safe_open` lets you read just the tensors you want.

# %%
import math
import struct

from safetensors import safe_open

with open(save_dir / "model.safetensors", "rb") as f:
    header_length = struct.unpack("<Q", f.read(8))[0]  # [ko] 리틀 엔디언, 부호 없는 64비트 정수 [en] little-endian unsigned 64-bit integer
    header = json.loads(f.read(header_length))
print("header:", header_length, "bytes;", len(header) - 1, "tensors; metadata:", header["__metadata__"])

with safe_open(str(save_dir / "model.safetensors"), framework="pt") as f:
    names = sorted(f.keys())
    shapes = {name: tuple(f.get_slice(name).get_shape()) for name in names}
print(len(names), "tensors,", f"{sum(math.prod(s) for s in shapes.values()):,}", "numbers")
print()
for name in names:
    if ".layer." in name and ".layer.0." not in name:
        continue  # [ko] 층 1-5의 이름은 층 0과 같습니다 [en] layers 1-5 hold the same names as layer 0
    print(f"{name:55} {shapes[name]}")
print("... and the same 16 tensors for bert.encoder.layer.1 to .5")

# %% [md ko]
# ### 연습 2 (계산하기): 단어 임베딩 표는 몇 바이트일까?
#
# 위 목록에서 `bert.embeddings.word_embeddings.weight`의 모양을 읽고, 이 텐서 하나가 파일에서 몇 **바이트**를 차지하는지 계산해서 `answer`에 쓰세요. 파일 전체의 몇 분의 일쯤인지도 어림해 보세요.

# %% [md en]
# ### Exercise 2 (compute): how many bytes is the word-embedding table?
#
# Read the shape of `bert.embeddings.word_embeddings.weight` in the list above, and work out how many **bytes** this one tensor takes in the file; write it in `answer`. Guess, too, what share of the whole file that is.

# %% tags=["exercise"]
answer = None  # [ko] 정수 하나(바이트) [en] a whole number (bytes)

# %% tags=["solution"]
answer = 30522 * 384 * 4  # [ko] 행 × 열 × 4바이트 [en] rows × columns × 4 bytes

# %% tags=["check"]
begin, end = header["bert.embeddings.word_embeddings.weight"]["data_offsets"]  # [ko] 헤더가 적어 둔 자리 [en] where the header says it is
ok = isinstance(answer, (int, float)) and abs(answer - (end - begin)) <= 0.005 * (end - begin)
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 헤더의 data_offsets로는 {begin:,}부터 {end:,}까지, {end - begin:,}바이트입니다. "
                 f"파일의 {(end - begin) / file_size:.0%}가 어휘 표 하나입니다.",
           "en": f"Correct! The header's data_offsets say from {begin:,} to {end:,}: {end - begin:,} bytes, "
                 f"{(end - begin) / file_size:.0%} of the file for one vocabulary table."}[LANG])
elif isinstance(answer, (int, float)) and abs(4 * answer - (end - begin)) <= 0.005 * (end - begin):
    print({"ko": "아직 아닙니다. 그것은 숫자의 개수입니다. 힌트: 숫자 하나는 4바이트입니다.",
           "en": "Not yet: that is the number of numbers. Hint: each one takes 4 bytes."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 모양 (30522, 384)의 원소 수에 숫자 하나의 바이트 수를 곱하세요.",
           "en": "Not yet. Hint: multiply the number of elements of a (30522, 384) tensor by the bytes of one number."}[LANG])

# %% [md ko]
# 이름이 바로 03장에서 따라간 모듈의 경로입니다. `model.bert.encoder.layer[0].attention.self.query.weight`가 파일 안에서는 `bert.encoder.layer.0.attention.self.query.weight`입니다.
# 숫자를 모두 더하면 모델의 파라미터 수와 같습니다.
#
# 그러니 파일 크기도 바이트 하나까지 정해집니다. 헤더 길이를 적은 8바이트, 헤더($h$바이트), 그리고 파라미터 $N$개마다 4바이트입니다. 모양이 $(s_{k,1}, s_{k,2}, \dots)$인 텐서 $k$에는 숫자가 $\prod_j s_{k,j}$개 있습니다.
#
# $$\text{파일 크기} = 8 + h + 4N, \qquad N = \sum_k \prod_j s_{k,j}$$

# %% [md en]
# The names are the paths of the modules you followed in chapter 03: `model.bert.encoder.layer[0].attention.self.query.weight` is `bert.encoder.layer.0.attention.self.query.weight` in the file.
# All the numbers together are exactly the model's parameters.
#
# So the file's size is known to the byte: 8 bytes for the header's length, the header ($h$ bytes), and 4 bytes for each of the $N$ parameters, where tensor $k$ of shape $(s_{k,1}, s_{k,2}, \dots)$ holds $\prod_j s_{k,j}$ of them:
#
# $$\text{file size} = 8 + h + 4N, \qquad N = \sum_k \prod_j s_{k,j}$$

# %%
assert sum(math.prod(s) for s in shapes.values()) == model.num_parameters()
assert names == sorted(model.state_dict())  # [ko] 파일 속 이름 == 모델의 이름 [en] file names == the model's own names
assert file_size == 8 + header_length + 4 * model.num_parameters()  # [ko] 바이트 하나까지 [en] to the byte
print(f"{model.num_parameters():,} parameters; 8 + {header_length:,} + 4 × {model.num_parameters():,} = {file_size:,} bytes")

# %% [md ko]
# ## 다시 불러오기
#
# 모델 이름 대신 폴더를 주면 됩니다. 같은 가중치이므로 로짓이 **비트 하나까지** 같아야 합니다(`torch.equal`, 허용 오차 없음).

# %% [md en]
# ## Loading it back
#
# Give the folder instead of a model name. Same weights, so the logits must be identical **down to the last bit** (`torch.equal`, no tolerance).

# %%
tok2 = AutoTokenizer.from_pretrained(save_dir)
model2 = AutoModelForSequenceClassification.from_pretrained(save_dir)
batch2 = tok2(texts, padding=True, return_tensors="pt")
with torch.no_grad():
    logits2 = model2(**batch2).logits

print(type(model2).__name__, "-", len(model2.load_report.loaded), "tensors loaded, newly initialised:",
      model2.load_report.newly_initialised)
print(logits2)
assert torch.equal(batch2["input_ids"], batch["input_ids"])  # [ko] 토크나이저가 그대로 돌아왔고 [en] the tokenizer came back the same
assert torch.equal(logits2, logits)  # [ko] 모델도 그렇습니다 [en] and so did the model

# %% [md ko]
# 처음 보는 문장에서도 같을까요? 두 모델에 새 문장을 넣고 확률을 비교합니다. `new_texts`를 바꿔 다시 실행해 보세요.

# %% [md en]
# Does that hold for sentences neither has seen? Give both models a new sentence and compare the probabilities. Change `new_texts` and run it again.

# %%
new_texts = ["The reloaded model reads this sentence.", "Saving it changed nothing at all."]
with torch.no_grad():
    before_saving = torch.softmax(model(**tok(new_texts, padding=True, return_tensors="pt")).logits, dim=-1)
    after_loading = torch.softmax(model2(**tok2(new_texts, padding=True, return_tensors="pt")).logits, dim=-1)
print(after_loading)
print("identical:", torch.equal(before_saving, after_loading))
assert torch.equal(before_saving, after_loading)

# %% [md ko]
# ### 연습 3 (바꿔 보기): 반 정밀도로 저장하기
#
# 숫자 하나를 float32(4바이트) 대신 float16(2바이트)으로 저장하면 파일이 작아집니다. 아래 셀에 코드를 더해, `model`의 사본을 `.half()`로 바꿔 `half_dir`에 저장하고, 그 `model.safetensors`의 크기(바이트)를 `answer`에 쓰세요(`copy.deepcopy(model)`로 사본을 만들면 `model`은 그대로 남습니다). 실행하기 전에 크기를 먼저 예상해 보세요. 확인 셀은 저장한 폴더를 다시 불러와 로짓이 얼마나 달라졌는지도 보여 줍니다.

# %% [md en]
# ### Exercise 3 (modify): saving in half precision
#
# Storing each number as a float16 (2 bytes) instead of a float32 (4 bytes) makes the file smaller. Add code to the next cell that turns a copy of `model` into half precision with `.half()`, saves it to `half_dir`, and writes the size of its `model.safetensors` (in bytes) in `answer` (`copy.deepcopy(model)` makes the copy, so `model` stays as it is). Predict the size before you run it. The check cell also loads the folder back and shows how far the logits moved.

# %% tags=["exercise"]
import copy

half_scratch = tempfile.TemporaryDirectory()  # [ko] 이 연습만의 임시 폴더: 확인 셀이 지웁니다 [en] this exercise's own temporary folder: the check cell removes it
half_dir = Path(half_scratch.name) / "half"
# [ko] 여기에 코드를 쓰세요: 사본을 .half()로 바꿔 half_dir에 save_pretrained
# [en] your code here: a copy, .half(), save_pretrained to half_dir
answer = None  # [ko] 정수 하나(바이트) [en] a whole number (bytes)

# %% tags=["solution"]
import copy

half_scratch = tempfile.TemporaryDirectory()  # [ko] 이 연습만의 임시 폴더: 확인 셀이 지웁니다 [en] this exercise's own temporary folder: the check cell removes it
half_dir = Path(half_scratch.name) / "half"
copy.deepcopy(model).half().save_pretrained(half_dir)
answer = (half_dir / "model.safetensors").stat().st_size

# %% tags=["check"]
expected = 8 + header_length + 2 * model.num_parameters()  # [ko] 같은 헤더, 숫자 하나에 2바이트 [en] the same header, 2 bytes a number
ok = isinstance(answer, (int, float)) and abs(answer - expected) <= 0.01 * expected
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif ok:
    print({"ko": f"정답입니다! 8 + 헤더 + 2 × {model.num_parameters():,} ≈ {expected:,}바이트, 원래 파일의 절반입니다.",
           "en": f"Correct! 8 + header + 2 × {model.num_parameters():,} ≈ {expected:,} bytes, half the original file."}[LANG])
    if (half_dir / "model.safetensors").exists():
        halved = AutoModelForSequenceClassification.from_pretrained(half_dir)
        with torch.no_grad():
            moved = float((halved(**batch).logits - logits).abs().max())
        print({"ko": f"다시 불러온 모델의 로짓은 최대 {moved:.4f}만큼 달라졌습니다. torch.equal은 False이지만 예측은 그대로입니다.",
               "en": f"The reloaded model's logits moved by at most {moved:.4f}: torch.equal is False, the predictions are the same."}[LANG])
        del halved
elif isinstance(answer, (int, float)) and abs(answer - file_size) <= 0.01 * file_size:
    print({"ko": "아직 아닙니다. 원래 파일과 크기가 같습니다. 힌트: .half()를 부른 사본을 저장했나요?",
           "en": "Not yet: that is the original file's size. Hint: did you save the copy after .half()?"}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 숫자 하나가 2바이트라면 파일 크기 = 8 + 헤더 + 2N입니다.",
           "en": "Not yet. Hint: with 2 bytes a number, the file size is 8 + header + 2N."}[LANG])
half_scratch.cleanup()  # [ko] 반 정밀도 사본 정리 [en] tidy up the half-precision copy

# %% [md ko]
# ## 같은 가중치, 다른 프레임워크
#
# 퀵투어는 PyTorch로 저장한 모델을 TensorFlow로 불러옵니다(`from_pt=True`). 이 키트에는 TensorFlow가 없습니다. 설치만 수백 MB이고, 최신 Transformers(v5)도 TensorFlow 클래스를 더 이상 제공하지 않기 때문입니다.
#
# 그래도 생각은 같습니다. 체크포인트는 "이름 → 숫자 배열"일 뿐이니, 어떤 프레임워크든 같은 계산만 하면 같은 답이 나옵니다.
# `lesson_lib/numpy_forward.py`는 BERT와 DistilBERT 분류기의 순전파를 **NumPy만으로** 약 100줄에 쓴 것입니다. `safetensors.numpy.load_file`로 텐서를 NumPy 배열로 읽고, 파일 안의 이름 그대로 씁니다. BERT 부분을 봅시다.

# %% [md en]
# ## The same weights, another framework
#
# The quick tour saves a model with PyTorch and loads it in TensorFlow (`from_pt=True`). This kit has no TensorFlow: it is a download of several hundred MB, and current Transformers (v5) no longer ships TensorFlow classes.
#
# The idea still holds. A checkpoint is just "name → array of numbers", so any framework that does the same computation gets the same answer.
# `lesson_lib/numpy_forward.py` writes the forward pass of the BERT and DistilBERT classifiers in about 100 lines of **NumPy only**. It reads the tensors as NumPy arrays with `safetensors.numpy.load_file` and uses the names in the file as they are. Here is the BERT part:

# %%
import inspect

from lesson_lib import numpy_forward

print(inspect.getsource(numpy_forward.bert_logits))

# %% [md ko]
# `linear`, `layer_norm`, `self_attention`은 같은 파일에 있는 몇 줄짜리 함수입니다. 03장과 05장에서 손으로 한 계산과 같습니다.
# 이제 저장한 폴더를 NumPy로 읽어 로짓을 계산하고 PyTorch의 결과와 비교합니다.

# %% [md en]
# `linear`, `layer_norm` and `self_attention` are few-line functions in the same file, the same computations you did by hand in chapters 03 and 05.
# Now read the saved folder with NumPy, compute the logits, and compare with PyTorch's.

# %%
# [ko] 다시 불러온 모델은 다 썼으니 지웁니다: NumPy로 읽을 가중치를 위한 메모리
# [en] done with the reloaded model: memory for the weights NumPy is about to read
del model2, tok2
# [ko] NumPy 배열의 딕셔너리: torch는 쓰지 않습니다
# [en] dict of NumPy arrays: no torch involved
np_config, state = numpy_forward.load_checkpoint(save_dir)
weight = state["bert.encoder.layer.0.attention.self.query.weight"]
print(type(weight).__name__, weight.dtype, weight.shape)

np_logits = numpy_forward.classifier_logits(np_config, state, batch["input_ids"].numpy(),
                                            batch["attention_mask"].numpy(), batch["token_type_ids"].numpy())
print(np.round(np_logits, 4))
print("same as torch (atol 1e-4):", np.allclose(np_logits, logits.numpy(), atol=1e-4))
assert np.allclose(np_logits, logits.numpy(), atol=1e-4)

# %% [md ko]
# 같은 숫자입니다. 마지막 자리에 아주 작은 차이가 남을 수는 있습니다. 두 라이브러리는 덧셈 순서가 조금 다르고, 실수 덧셈은 순서에 따라 마지막 자리가 달라지기 때문입니다.
# 그래서 PyTorch 안에서 다시 불러올 때는 `torch.equal`로, 다른 프레임워크와는 `allclose`로 비교합니다.
#
# 임시 폴더는 다 썼으니 지웁니다.

# %% [md en]
# The same numbers. A tiny difference in the last digits may remain: the two libraries add numbers up in a slightly different order, and floating-point sums depend on the order in their last digits.
# That is why reloading within PyTorch is checked with `torch.equal`, and another framework with `allclose`.
#
# We are done with the temporary folder, so let's delete it.

# %%
scratch.cleanup()  # [ko] 폴더를 지금 바로 지웁니다 [en] removes the folder right now
print("deleted:", not save_dir.exists())

# %% [md ko]
# ## 🤗 Transformers에서는
#
# `config.json`과 `model.safetensors`, 토크나이저 파일들은 🤗 Transformers가 쓰는 형식 그대로입니다. 그래서 키트가 저장한 폴더는 🤗 Transformers에서 열리고, 🤗 Transformers가 저장한 폴더는 키트에서 열립니다. 두 방향 모두 같은 로짓이 나오는지 확인해 봅시다.
# 🤗 Transformers가 저장한 폴더에는 `vocab.txt`가 없습니다. 토크나이저 전체가 `tokenizer.json` 하나에 들어 있기 때문입니다. 불러온 결과를 보고하는 `load_report`는 이 키트에만 있고(🤗 Transformers에서는 `from_pretrained(..., output_loading_info=True)`), NumPy로 다시 계산하는 `numpy_forward`도 그렇습니다.

# %% [md en]
# ## In 🤗 Transformers
#
# `config.json`, `model.safetensors` and the tokenizer files are in 🤗 Transformers' own format. So a folder the kit saved opens in 🤗 Transformers, and a folder 🤗 Transformers saved opens in the kit. Check that both ways give the same logits.
# The folder 🤗 Transformers saves has no `vocab.txt`: the whole tokenizer is in `tokenizer.json`. `load_report`, which says what was loaded, is this kit's only (🤗 Transformers has `from_pretrained(..., output_loading_info=True)`), and so is `numpy_forward`.

# %%
import transformers  # [ko] 진짜 라이브러리는 이 셀에서만: lesson_lib 자체는 이것을 불러오지 않습니다 [en] the real library, in this cell only: lesson_lib itself never imports it

transformers.logging.set_verbosity_error()  # [ko] 저장되는 출력에 안내 문구와 불러오기 보고가 남지 않게 [en] no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # [ko] 불러오기 진행 막대는 시간을 저장하므로 끕니다 [en] its loading bar would store times
del state, weight  # [ko] NumPy 가중치는 다 썼으니 메모리를 비웁니다: 모델이 두 개 더 나옵니다 [en] done with the NumPy weights: free their memory, two more models are coming
exchange = tempfile.TemporaryDirectory()  # [ko] 두 라이브러리가 주고받을 새 임시 폴더 [en] a new temporary folder for the two libraries to swap through
folder = Path(exchange.name)
model.save_pretrained(folder / "from_kit")
tok.save_pretrained(folder / "from_kit")
del model  # [ko] 저장했고 로짓(logits)도 남아 있으니 지웁니다: 여기서부터 모델은 한 번에 하나씩 [en] saved, and its logits are kept: from here on, one model at a time

# [ko] 키트 -> transformers
# [en] kit -> transformers
hf_model = transformers.AutoModelForSequenceClassification.from_pretrained(folder / "from_kit").eval()
hf_tok = transformers.AutoTokenizer.from_pretrained(folder / "from_kit")
with torch.no_grad():
    hf_logits = hf_model(**hf_tok(texts, padding=True, return_tensors="pt")).logits

# [ko] transformers -> 키트
# [en] transformers -> kit
hf_model.save_pretrained(folder / "from_transformers")
hf_tok.save_pretrained(folder / "from_transformers")
print("transformers saved:", sorted(path.name for path in (folder / "from_transformers").iterdir()))
del hf_model  # [ko] 추가 모델은 한 번에 하나씩 [en] one extra model at a time
back = AutoModelForSequenceClassification.from_pretrained(folder / "from_transformers")
back_tok = AutoTokenizer.from_pretrained(folder / "from_transformers")
with torch.no_grad():
    back_logits = back(**back_tok(texts, padding=True, return_tensors="pt")).logits

print(hf_logits)
print("kit folder in transformers:", torch.allclose(hf_logits, logits, atol=1e-5),
      "| transformers folder in the kit:", torch.allclose(back_logits, logits, atol=1e-5))
assert torch.allclose(hf_logits, logits, atol=1e-5) and torch.allclose(back_logits, logits, atol=1e-5)
exchange.cleanup()

# %% [md ko]
# ## 정리
#
# - 모델은 파일 두 개입니다. `config.json`은 모양(층 수, 폭, 헤드 수, 라벨 이름)을, `model.safetensors`는 "이름 → 텐서"를 담습니다. 토크나이저는 `vocab.txt`, `tokenizer.json`과 설정 파일 둘입니다.
# - safetensors 파일 = 헤더 길이 8바이트 + JSON 헤더 + 숫자. float32라면 $\text{파일 크기} = 8 + h + 4N$이라서, 파일 크기만 보고도 파라미터 수를 압니다.
# - 파일 속 이름은 모듈의 경로 그대로입니다(`bert.encoder.layer.0.attention.self.query.weight`). 그래서 이름을 바꾸는 표 없이 불러옵니다.
# - PyTorch 안에서 다시 불러오면 `torch.equal`(비트 하나까지), NumPy나 다른 구현과는 `allclose`(덧셈 순서가 달라 마지막 자리가 다를 수 있음)로 비교합니다.
# - 다음 장(07)에서는 `config.json`만으로 새 모델을 만들고, 몸통은 두고 헤드를 바꿉니다.

# %% [md en]
# ## Summary
#
# - A model is two files: `config.json` holds its shape (layers, width, heads, label names), `model.safetensors` holds "name → tensor". The tokenizer is `vocab.txt`, `tokenizer.json` and two settings files.
# - A safetensors file = 8 bytes of header length + a JSON header + numbers. With float32, $\text{file size} = 8 + h + 4N$: the size alone tells you the number of parameters.
# - The names in the file are the modules' paths (`bert.encoder.layer.0.attention.self.query.weight`), which is why loading needs no renaming table.
# - Reloaded within PyTorch, compare with `torch.equal` (every bit); against NumPy or another implementation, with `allclose` (sums in another order may differ in the last digits).
# - Next, chapter 07 builds a new model from `config.json` alone, and keeps a body while changing its head.
