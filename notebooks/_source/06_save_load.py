# %% [md ko]
# # 06 저장하고 다시 불러오기: 모델은 파일 몇 개입니다
#
# 모델과 토크나이저를 `save_pretrained`로 폴더에 저장하고, 디스크의 파일과 그 안의 설정과 텐서를 들여다본 뒤, 다시 불러와 똑같은 logits를 얻습니다. 마지막으로 같은 가중치를 PyTorch 없이 NumPy로 돌려 봅니다.
#
# 미세 조정(08장)을 마친 모델은 저장해 두었다가 나중에, 혹은 다른 컴퓨터에서 다시 씁니다. `from_pretrained`가 모델 이름 대신 폴더 이름도 받는 이유입니다.

# %% [md en]
# # 06 Saving and loading: a model is a few files
#
# Save a model and its tokenizer into a folder with `save_pretrained`, look at the files on disk and at the config and tensors inside them, load them back and get identical logits. Finally, run the same weights without PyTorch, in NumPy.
#
# A fine-tuned model (chapter 08) is saved to be used later, or on another computer. That is why `from_pretrained` takes a folder as well as a model name.

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
# 임시 폴더를 하나 만들어 그 안의 `my_model`에 저장합니다. 임시 폴더의 경로는 컴퓨터마다, 실행할 때마다 다르므로 아래에서는 파일 이름만 출력합니다.

# %% [md en]
# ## Saving
#
# We make a temporary folder and save into `my_model` inside it. The temporary path differs on every computer and every run, so below we print file names only.

# %%
save_dir = Path(tempfile.mkdtemp()) / "my_model"
model.save_pretrained(save_dir)
tok.save_pretrained(save_dir)

for path in sorted(save_dir.iterdir()):
    size = path.stat().st_size
    shown = f"{size / 1e6:.1f} MB" if size > 1e6 else f"{size / 1e3:.1f} kB"
    print(f"{path.name:24} {shown:>9}")

# %% [md ko]
# 파일이 여섯 개입니다. 둘은 모델, 넷은 토크나이저의 것입니다.
#
# | 파일 | 내용 |
# |---|---|
# | `config.json` | 모델의 모양: 층 수, 폭, 헤드 수, 라벨 이름… (JSON 텍스트) |
# | `model.safetensors` | 가중치: 이름이 붙은 텐서들 (거의 전부가 숫자) |
# | `vocab.txt` | 어휘: 한 줄에 토큰 하나, 줄 번호가 id |
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
# safetensors 파일은 단순합니다. 맨 앞 8바이트가 머리말(header)의 길이이고, 머리말은 "텐서 이름 → 자료형, 모양, 파일 안의 위치"를 적은 JSON입니다. 그 뒤는 숫자뿐입니다.
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
    header_length = struct.unpack("<Q", f.read(8))[0]  # little-endian unsigned 64-bit integer
    header = json.loads(f.read(header_length))
print("header:", header_length, "bytes;", len(header) - 1, "tensors; metadata:", header["__metadata__"])

with safe_open(str(save_dir / "model.safetensors"), framework="pt") as f:
    names = sorted(f.keys())
    shapes = {name: tuple(f.get_slice(name).get_shape()) for name in names}
print(len(names), "tensors,", f"{sum(math.prod(s) for s in shapes.values()):,}", "numbers")
print()
for name in names:
    if ".layer." in name and ".layer.0." not in name:
        continue  # layers 1-5 hold the same names as layer 0
    print(f"{name:55} {shapes[name]}")
print("... and the same 16 tensors for bert.encoder.layer.1 to .5")

# %% [md ko]
# 이름이 바로 03장에서 따라간 모듈의 경로입니다. `model.bert.encoder.layer[0].attention.self.query.weight`가 파일 안에서는 `bert.encoder.layer.0.attention.self.query.weight`입니다.
# 숫자를 모두 더하면 모델의 파라미터 수와 같습니다.

# %% [md en]
# The names are the paths of the modules you followed in chapter 03: `model.bert.encoder.layer[0].attention.self.query.weight` is `bert.encoder.layer.0.attention.self.query.weight` in the file.
# All the numbers together are exactly the model's parameters.

# %%
assert sum(math.prod(s) for s in shapes.values()) == model.num_parameters()
assert names == sorted(model.state_dict())  # file names == the model's own names
print(f"{model.num_parameters():,} parameters")

# %% [md ko]
# ## 다시 불러오기
#
# 모델 이름 대신 폴더를 주면 됩니다. 같은 가중치이므로 logits가 **비트 하나까지** 같아야 합니다(`torch.equal`, 허용 오차 없음).

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
assert torch.equal(batch2["input_ids"], batch["input_ids"])  # the tokenizer came back the same
assert torch.equal(logits2, logits)  # and so did the model

# %% [md ko]
# 다시 불러온 모델로 아무 문장이나 분류해 보세요. 저장하기 전의 모델과 확률이 똑같이 나옵니다.

# %% [md en]
# Classify any sentence with the reloaded model: the probabilities are the same as before saving.

# %%
from lesson_lib.views import ClassifyView

ClassifyView(model2, tok2, text="The reloaded model reads this sentence.", lang=LANG)

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
# 이제 저장한 폴더를 NumPy로 읽어 logits를 계산하고 PyTorch의 결과와 비교합니다.

# %% [md en]
# `linear`, `layer_norm` and `self_attention` are few-line functions in the same file, the same computations you did by hand in chapters 03 and 05.
# Now read the saved folder with NumPy, compute the logits, and compare with PyTorch's.

# %%
np_config, state = numpy_forward.load_checkpoint(save_dir)  # dict of NumPy arrays: no torch involved
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
import shutil

file_size = (save_dir / "model.safetensors").stat().st_size  # kept for the exercise
shutil.rmtree(save_dir.parent)
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
import transformers  # the real library, in this cell only: lesson_lib itself never imports it

transformers.logging.set_verbosity_error()  # no hints or load reports in the stored output
transformers.logging.disable_progress_bar()  # its loading bar would store times
folder = Path(tempfile.mkdtemp())
model.save_pretrained(folder / "from_kit")
tok.save_pretrained(folder / "from_kit")

# kit -> transformers
hf_model = transformers.AutoModelForSequenceClassification.from_pretrained(folder / "from_kit").eval()
hf_tok = transformers.AutoTokenizer.from_pretrained(folder / "from_kit")
with torch.no_grad():
    hf_logits = hf_model(**hf_tok(texts, padding=True, return_tensors="pt")).logits

# transformers -> kit
hf_model.save_pretrained(folder / "from_transformers")
hf_tok.save_pretrained(folder / "from_transformers")
print("transformers saved:", sorted(path.name for path in (folder / "from_transformers").iterdir()))
del hf_model  # one extra model at a time
back = AutoModelForSequenceClassification.from_pretrained(folder / "from_transformers")
back_tok = AutoTokenizer.from_pretrained(folder / "from_transformers")
with torch.no_grad():
    back_logits = back(**back_tok(texts, padding=True, return_tensors="pt")).logits

print(hf_logits)
print("kit folder in transformers:", torch.allclose(hf_logits, logits, atol=1e-5),
      "| transformers folder in the kit:", torch.allclose(back_logits, logits, atol=1e-5))
assert torch.allclose(hf_logits, logits, atol=1e-5) and torch.allclose(back_logits, logits, atol=1e-5)
shutil.rmtree(folder)

# %% [md ko]
# ## 연습 문제
#
# `model.safetensors`는 `file_size` 바이트이고, 숫자는 모두 float32(4바이트)입니다. 머리말은 아주 작습니다.
# 파일 크기만 보고 이 모델의 파라미터 수를 어림해서 `answer`에 쓰세요. 1% 안으로 맞으면 정답입니다.

# %% [md en]
# ## Exercise
#
# `model.safetensors` is `file_size` bytes, and every number in it is a float32 (4 bytes); the header is tiny.
# From the file size alone, estimate the model's number of parameters and write it in `answer`. Within 1% counts as correct.

# %% tags=["exercise"]
print("file_size =", file_size)
answer = None  # a whole number

# %% tags=["check"]
n_params = model.num_parameters()
if answer is None:
    print({"ko": "아직 답이 없습니다: answer에 숫자를 쓰고 다시 실행하세요.",
           "en": "No answer yet: write a number in answer and run again."}[LANG])
elif abs(answer - n_params) <= 0.01 * n_params:
    print({"ko": f"정답입니다! 실제로는 {n_params:,}개입니다.", "en": f"Correct! The exact number is {n_params:,}."}[LANG])
else:
    print({"ko": "아직 아닙니다. 힌트: 바이트 수를 숫자 하나의 바이트 수로 나누세요.",
           "en": "Not yet. Hint: divide the number of bytes by the bytes of one number."}[LANG])
