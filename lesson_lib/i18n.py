"""Every word the views show, in Korean and in English: one table per language.

Keys are dotted, ``"<view>.<kind>.<name>"``: the view (``common``, ``tokens``, ``padding``,
``layers``, ``softmax``, ``attention``, ``config``), then what the text is (``label`` for a
control, ``title``/``axis`` for a plot, ``explain`` for a sentence of explanation, ``note``
for a small remark, ``error`` for a message about a bad input), then its name. Values may
hold ``{placeholders}``, filled by :func:`t`; both languages must use the same ones
(tests/test_i18n.py checks keys and placeholders).

>>> t("softmax.title.probabilities", "en", temperature=0.5)
'probabilities (T = 0.5)'
>>> t("softmax.title.probabilities", "ko", temperature=0.5)
'확률 (T = 0.5)'

The Korean terms follow the chapters' vocabulary (토큰, 패딩, 어텐션, 로짓, 층, 헤드).

lesson_lib's error and warning messages (``error.*``, ``warning.*``) are kept in errors.py,
next to the exceptions, and are part of ``STRINGS`` too; ``set_language`` chooses the language
they are raised in.

Used in: views/*.py; notebooks pass ``lang=LANG`` to every view.
"""

from __future__ import annotations

import string

from . import errors
from .errors import InputValueError

LANGUAGES = ("ko", "en")

EN: dict[str, str] = {
    # --- shared by every view -------------------------------------------------------------------
    "common.error.empty_text": "The text is empty. Type a sentence first.",
    "common.error.empty_batch": "There are no sentences. Write at least one sentence, one per line.",
    "common.error.too_many": "{n} sentences is more than this view takes ({limit}). Use fewer sentences.",
    "common.error.unexpected": "Something went wrong while drawing ({detail}). Change the input and try again.",
    "common.label.sentences": "sentences",
    "common.label.sentence": "sentence",
    "common.sentence_n": "sentence {i}",
    "common.note.rows_shown": "showing {shown} of {total} sentences",
    "common.note.cols_shown": "showing {shown} of {total} positions",
    "common.axis.token": "token",
    "common.axis.position": "position",
    "classify.label.text": "sentence",
    "classify.title.prediction": "{label} ({probability:.4f})",
    "classify.note.tokens": "{n} tokens: {tokens}",
    "training.label.train_loss": "training loss",
    "training.label.eval_loss": "evaluation loss",
    "training.axis.step": "step",
    "training.axis.loss": "loss",
    "training.note.no_loss_yet": "no loss logged yet",
    # --- tokens: the tokenizer step-through -------------------------------------------------------
    "tokens.label.text": "text",
    "tokens.label.group": "jump to",
    "tokens.label.step": "step",
    "tokens.group.normalize": "1. normalise",
    "tokens.group.pre_tokenize": "2. pre-tokenise",
    "tokens.group.wordpiece": "3. WordPiece",
    "tokens.group.special_tokens": "4. special tokens",
    "tokens.group.ids": "5. ids",
    "tokens.stage.text": "the text as typed",
    "tokens.stage.cleaned": "normalise: clean up",
    "tokens.stage.cjk_spaced": "normalise: spaces around Chinese characters",
    "tokens.stage.nfd": "normalise: NFD (decompose)",
    "tokens.stage.nfc": "normalise: NFC (compose)",
    "tokens.stage.nfkc": "normalise: NFKC (compatibility, compose)",
    "tokens.stage.nfkd": "normalise: NFKD (compatibility, decompose)",
    "tokens.stage.accents_stripped": "normalise: strip accents",
    "tokens.stage.lowercased": "normalise: lower case",
    "tokens.stage.pre_tokenize": "pre-tokenise: split into words",
    "tokens.stage.wordpiece": "WordPiece",
    "tokens.stage.wordpiece_word": "WordPiece: word {i} of {n}, '{word}'",
    "tokens.stage.special_tokens": "add the special tokens",
    "tokens.stage.ids": "look up the ids",
    "tokens.explain.text": "One box per character, with its Unicode code point.",
    "tokens.explain.cleaned": "Control characters are dropped and every kind of space becomes a plain space.",
    "tokens.explain.cjk_spaced": "Each Chinese character gets spaces around it, so it becomes a word of its own.",
    "tokens.explain.nfd": "NFD splits characters into base + accent; a Hangul syllable falls apart into its jamo.",
    "tokens.explain.nfc": "NFC joins base + accent into one character, and Hangul jamo into syllables: "
                          "text typed on macOS (NFD) looks like the rest again.",
    "tokens.explain.nfkc": "NFKC also replaces look-alike forms (full-width ｆ, ﬁ, ①) by the plain ones, then composes.",
    "tokens.explain.nfkd": "NFKD replaces look-alike forms (full-width ｆ, ﬁ, ①) by the plain ones and decomposes.",
    "tokens.explain.accents_stripped": "The accent marks are removed (é → e). Hangul jamo stay separate.",
    "tokens.explain.lowercased": "Everything becomes lower case: this model is uncased.",
    "tokens.explain.pre_tokenize": "Split on spaces; every punctuation mark becomes a word of its own.",
    "tokens.explain.wordpiece": "Longest match first: try the whole word, then shorter beginnings, until the vocabulary knows the piece; continue after it with '##'.",
    "tokens.explain.special_tokens": "[CLS] goes in front and [SEP] at the end.",
    "tokens.explain.ids": "Each token is replaced by its row number in the vocabulary: the model only sees these numbers.",
    "tokens.note.more_chars": "… and {n} more characters",
    "tokens.note.more_items": "… and {n} more",
    "tokens.note.more_rows": "… and {n} more pieces",
    "tokens.note.special_word": "A special token typed in the text is kept whole.",
    "tokens.note.unk_no_match": "No beginning of the rest of this word is in the vocabulary, so the whole word becomes {unk}.",
    "tokens.note.unk_too_long": "The word is longer than 100 characters, so it becomes {unk} without trying.",
    "tokens.note.pieces": "pieces: {pieces}",
    "tokens.note.empty_stage": "(nothing left at this step)",
    "tokens.note.no_words": "(no words: the text had only spaces or control characters)",
    "tokens.note.unchanged": "no change at this step",
    "tokens.error.too_long": "The text has {n} characters; the step-through shows at most {limit}. Use a shorter text.",
    "tokens.error.no_trace": "This tokenizer cannot show its steps (it has no trace()). Use lesson_lib.AutoTokenizer.",
    "tokens.note.legend": "grey: not in the vocabulary, green: found",
    # --- padding: batches, padding, the attention mask -------------------------------------------
    "padding.title.ids": "input_ids (token above, id below; grey = padding)",
    "padding.title.mask": "attention_mask (1, blue = real token; 0, grey = padding)",
    "padding.note.shape": "shape (B, T) = ({b}, {t}), as {kind}",
    "padding.note.lists": "Python lists",
    "padding.note.ragged": "rows of different lengths ({lengths}): not a rectangle, so not a tensor. Turn padding on.",
    # --- layers: the forward pass step by step ------------------------------------------------------
    "layers.label.step": "step",
    "layers.metric.norm": "vector length",
    "layers.metric.cosine": "similarity to the last layer",
    "layers.metric.update": "change per layer",
    "layers.axis.feature": "feature (one of D numbers)",
    "layers.axis.label": "label",
    "layers.axis.layer": "after the embeddings / after layer …",
    "layers.axis.embeddings": "emb",
    "layers.axis.norm": "length of the vector",
    "layers.axis.cosine": "cosine similarity",
    "layers.axis.update": "length of the change",
    "layers.axis.similar_token": "token (a cell: how alike the two tokens' vectors are; the diagonal is each token with itself)",
    "layers.axis.similarity": "cosine similarity (fixed scale −1 to 1)",
    "layers.title.norm": "each token's vector length, layer by layer",
    "layers.title.cosine": "each token's similarity to its vector after the last layer",
    "layers.title.update": "how much each layer changes each token's vector, ‖h_l − h_(l−1)‖",
    "layers.legend.mean": "mean",
    "layers.note.mean_heads": "(mean over {h} heads)",
    "layers.note.mean_similarity": "mean over pairs of tokens: {value}",
    "layers.note.no_tokens": "(no real tokens in this sentence)",
    "layers.explain.embeddings": "Embeddings: a vector per token id + one per position (+ one per sentence in BERT, token_type_ids), then LayerNorm.",
    "layers.explain.attention_output": "Attention's output: what each token gathered from the others, before the residual.",
    "layers.explain.after_attention_norm": "Residual + LayerNorm: the block's input plus attention's output, normalised.",
    "layers.explain.ffn_output": "Feed-forward output: each token on its own through two linear layers.",
    "layers.explain.block_output": "Block output: residual + LayerNorm again; the next block's input.",
    "layers.explain.attention_weights": "Attention weights: how much each token takes from each other token (shown: the mean over heads).",
    "layers.explain.first_token": "The first token's ([CLS]) final vector: one vector per sentence.",
    "layers.explain.pooler": "Pooler: dense + tanh on the first token (BERT).",
    "layers.explain.pre_classifier": "pre_classifier: dense + ReLU on the first token (DistilBERT).",
    "layers.explain.logits": "Logits: one score per label and sentence; softmax turns them into probabilities.",
    "layers.error.no_source": "Give a trace (LayerView(trace, batch=batch)) or a model and its tokenizer (model=..., tokenizer=...).",
    "layers.error.tokens_mismatch": "The token labels do not fit the trace, which has {b} sentences of {t} positions. Pass the batch the trace was made from: batch=batch.",
    "layers.error.step_range": "Step {i} does not exist: this trace has steps 0 to {n} - 1.",
    "common.error.sentence_range": "Sentence {i} does not exist: the batch has {n} sentences (0 to {n} - 1).",
    # --- softmax and temperature ------------------------------------------------------------------
    "softmax.label.temperature": "temperature T",
    "softmax.title.probabilities": "probabilities (T = {temperature})",
    "softmax.title.scaled": "scores divided by T = {temperature}",
    "softmax.axis.probability": "probability",
    "softmax.axis.score": "score",
    "softmax.legend.scaled": "logit / T",
    "softmax.legend.raw": "logit",
    "softmax.note.top": "showing the {shown} labels with the largest scores, of {total}",
    "softmax.error.not_numbers": "The logits must be numbers (a tensor, an array or lists of numbers).",
    "softmax.error.shape": "The logits must be (labels,) or (sentences, labels), with at least one of each; got shape {shape}.",
    "softmax.error.not_finite": "The logits contain inf or NaN, so there is no probability to show. Check the model's output.",
    "softmax.error.temperature": "The temperature must be a number above 0 (got {value}). Try values between {lo} and {hi}.",
    # --- attention ------------------------------------------------------------------------------
    "attention.label.layer": "layer",
    "attention.label.head": "head",
    "attention.label.mean": "mean over heads",
    "attention.label.all": "all heads",
    "attention.axis.query": "query (the token that looks)",
    "attention.axis.key": "key (the token looked at)",
    "attention.title.layer": "layer {layer}",
    "attention.title.head": "head {head}",
    "attention.title.mean": "mean over {n} heads",
    "attention.title.heads": "all {n} heads (each scaled to its own largest weight)",
    "attention.title.layer_heads": "layer {layer}: all {n} heads (rows = queries, columns = keys; each head scaled to its own largest weight)",
    "attention.note.padding": "Hatched columns are padding: every query gives them weight 0. Each row sums to 1.",
    "attention.error.no_weights": "No attention weights found. Pass model.trace(**batch), or model(**batch, output_attentions=True).",
    "attention.error.head_range": "Head {head} does not exist: this layer has heads 0 to {n} - 1.",
    "attention.error.layer_range": "Layer {layer} does not exist: this model has layers 0 to {n} - 1.",
    "attention.error.shape": "The weights must be a square (T, T) matrix with one token label per row; got {shape} and {n} labels.",
    # --- config playground --------------------------------------------------------------------------
    "config.label.layers": "layers",
    "config.label.heads": "heads",
    "config.label.width": "width D",
    "config.label.ffn": "FFN width F",
    "config.label.num_labels": "labels",
    "config.part.embeddings": "embeddings",
    "config.part.layers": "{n} layers",
    "config.part.one_layer": "one layer",
    "config.part.head": "head",
    "config.part.total": "total",
    "config.title.parameters": "{model}: {total} parameters",
    "config.title.shapes": "main tensor shapes (B = 2 sentences, T = 16 tokens)",
    "config.note.per_layer": "one layer: {n}",
    "config.tensor.input_ids": "input_ids",
    "config.tensor.embeddings": "embeddings",
    "config.tensor.q_k_v": "q, k, v per head",
    "config.tensor.attention_weights": "attention weights",
    "config.tensor.ffn_hidden": "inside the FFN",
    "config.tensor.block_output": "block output",
    "config.tensor.first_token": "first token",
    "config.tensor.logits": "logits",
    "config.error.whole_number": "{name} must be a whole number of at least 1, got {value}.",
    "config.error.model_type": "model_type {model_type} is not one of {choices}.",
    # --- explain: which words made the prediction (chapter 10) ------------------------------------
    "explain.label.text": "sentence",
    "explain.label.target": "target",
    "explain.option.predicted": "the predicted label",
    "explain.button.ig": "integrated gradients ({n} steps)",
    "explain.method.gradient_x_input": "gradient × input",
    "explain.method.integrated_gradients": "integrated gradients",
    "explain.method.occlusion": "occlusion",
    "explain.method.attention_rollout": "attention rollout",
    "explain.method.cls_attention": "[CLS] attention, last layer",
    "explain.note.cost": "forward passes: {passes}",
    "explain.note.cost_backward": "forward passes: {passes}, backward: {backward}",
    "explain.note.delta": "completeness error {delta:+.4f} ({share:.2%} of the logit gap)",
    "explain.note.no_target": "ignores the target",
    "explain.title.words": "Which words made it {label}?  red: towards {label}, blue: against (each row scaled to its largest score)",
    "explain.note.agreement": "Rank agreement of the word scores (Spearman's rho: 1 same order, 0 unrelated, -1 reversed):",
    "explain.note.ig_pending": "Integrated gradients: press the button (it costs {n} forward passes).",
    "explain.note.truncated": "The text is longer than the model reads ({limit} tokens): only its beginning is explained.",
    "explain.note.korean_model": "Korean text: explained with the Korean model.",
    "explain.note.words_shown": "showing {shown} of {total} words",
}

KO: dict[str, str] = {
    # --- shared by every view -------------------------------------------------------------------
    "common.error.empty_text": "텍스트가 비어 있습니다. 먼저 문장을 입력하세요.",
    "common.error.empty_batch": "문장이 없습니다. 한 줄에 한 문장씩, 적어도 한 문장을 쓰세요.",
    "common.error.too_many": "문장 {n}개는 이 화면이 다룰 수 있는 수({limit}개)보다 많습니다. 문장 수를 줄이세요.",
    "common.error.unexpected": "그리는 중에 문제가 생겼습니다({detail}). 입력을 바꿔서 다시 해 보세요.",
    "common.label.sentences": "문장들",
    "common.label.sentence": "문장",
    "common.sentence_n": "문장 {i}",
    "common.note.rows_shown": "문장 {total}개 중 {shown}개 표시",
    "common.note.cols_shown": "위치 {total}개 중 {shown}개 표시",
    "common.axis.token": "토큰",
    "common.axis.position": "위치",
    "classify.label.text": "문장",
    "classify.title.prediction": "{label} ({probability:.4f})",
    "classify.note.tokens": "토큰 {n}개: {tokens}",
    "training.label.train_loss": "학습 손실",
    "training.label.eval_loss": "평가 손실",
    "training.axis.step": "스텝",
    "training.axis.loss": "손실",
    "training.note.no_loss_yet": "아직 기록된 손실이 없습니다",
    # --- tokens ---------------------------------------------------------------------------------
    "tokens.label.text": "텍스트",
    "tokens.label.group": "단계 이동",
    "tokens.label.step": "단계",
    "tokens.group.normalize": "1. 정규화",
    "tokens.group.pre_tokenize": "2. 사전 토큰화",
    "tokens.group.wordpiece": "3. 워드피스",
    "tokens.group.special_tokens": "4. 특수 토큰",
    "tokens.group.ids": "5. 토큰 ID",
    "tokens.stage.text": "입력한 그대로의 텍스트",
    "tokens.stage.cleaned": "정규화: 정리",
    "tokens.stage.cjk_spaced": "정규화: 한자 앞뒤에 공백",
    "tokens.stage.nfd": "정규화: NFD (분해)",
    "tokens.stage.nfc": "정규화: NFC (결합)",
    "tokens.stage.nfkc": "정규화: NFKC (호환 문자, 결합)",
    "tokens.stage.nfkd": "정규화: NFKD (호환 문자, 분해)",
    "tokens.stage.accents_stripped": "정규화: 악센트 제거",
    "tokens.stage.lowercased": "정규화: 소문자 변환",
    "tokens.stage.pre_tokenize": "사전 토큰화: 단어로 나누기",
    "tokens.stage.wordpiece": "워드피스",
    "tokens.stage.wordpiece_word": "워드피스: 단어 {n}개 중 {i}번째, '{word}'",
    "tokens.stage.special_tokens": "특수 토큰 붙이기",
    "tokens.stage.ids": "토큰 ID 찾기",
    "tokens.explain.text": "글자 하나에 칸 하나, 아래는 유니코드 코드 포인트입니다.",
    "tokens.explain.cleaned": "제어 문자는 지우고, 모든 종류의 공백을 보통 공백으로 바꿉니다.",
    "tokens.explain.cjk_spaced": "한자 앞뒤에 공백을 넣어 한자 하나가 단어 하나가 되게 합니다.",
    "tokens.explain.nfd": "NFD는 글자를 기본 글자와 악센트로 나눕니다. 한글 음절은 자모로 흩어집니다.",
    "tokens.explain.nfc": "NFC는 기본 글자와 악센트를 한 글자로, 한글 자모를 음절로 합칩니다. "
                          "macOS에서 입력한 텍스트(NFD)도 다른 텍스트와 같아집니다.",
    "tokens.explain.nfkc": "NFKC는 모양만 다른 글자(전각 ｆ, ﬁ, ①)를 보통 글자로 바꾼 뒤 결합합니다.",
    "tokens.explain.nfkd": "NFKD는 모양만 다른 글자(전각 ｆ, ﬁ, ①)를 보통 글자로 바꾸고 분해합니다.",
    "tokens.explain.accents_stripped": "악센트 기호를 지웁니다(é → e). 한글 자모는 흩어진 채로 남습니다.",
    "tokens.explain.lowercased": "모두 소문자로 바꿉니다. 이 모델은 대소문자를 구분하지 않습니다(uncased).",
    "tokens.explain.pre_tokenize": "공백에서 나누고, 구두점은 하나하나 따로 떼어 단어로 만듭니다.",
    "tokens.explain.wordpiece": "가장 긴 것부터: 단어 전체, 그다음 점점 짧은 앞부분을 어휘 사전에서 찾습니다. 찾으면 그 뒤부터 '##'을 붙여 계속합니다.",
    "tokens.explain.special_tokens": "앞에 [CLS], 끝에 [SEP]를 붙입니다.",
    "tokens.explain.ids": "토큰을 어휘 사전의 줄 번호(토큰 ID)로 바꿉니다. 모델이 보는 것은 이 숫자뿐입니다.",
    "tokens.note.more_chars": "… 글자 {n}개 더 있음",
    "tokens.note.more_items": "… {n}개 더 있음",
    "tokens.note.more_rows": "… 조각 {n}개 더 있음",
    "tokens.note.special_word": "텍스트에 쓴 특수 토큰은 나누지 않고 그대로 둡니다.",
    "tokens.note.unk_no_match": "이 단어의 남은 부분은 어떤 앞부분도 어휘 사전에 없어서, 단어 전체가 미등록 토큰 {unk}이 됩니다.",
    "tokens.note.unk_too_long": "단어가 100글자보다 길어서, 찾아보지 않고 미등록 토큰 {unk}이 됩니다.",
    "tokens.note.pieces": "조각: {pieces}",
    "tokens.note.empty_stage": "(이 단계에서 남은 글자가 없습니다)",
    "tokens.note.no_words": "(단어가 없습니다: 공백이나 제어 문자만 있었습니다)",
    "tokens.note.unchanged": "이 단계에서는 바뀐 것이 없습니다",
    "tokens.error.too_long": "텍스트가 {n}글자입니다. 단계 보기는 {limit}글자까지만 보여 줍니다. 더 짧게 줄이세요.",
    "tokens.error.no_trace": "이 토크나이저는 단계를 보여 줄 수 없습니다(trace()가 없음). lesson_lib.AutoTokenizer를 쓰세요.",
    "tokens.note.legend": "회색: 어휘 사전에 없음, 초록색: 찾음",
    # --- padding ---------------------------------------------------------------------------------
    "padding.title.ids": "input_ids (위는 토큰, 아래는 ID; 회색 = 패딩)",
    "padding.title.mask": "attention_mask (1, 파랑 = 진짜 토큰; 0, 회색 = 패딩)",
    "padding.note.shape": "모양 (B, T) = ({b}, {t}), {kind}",
    "padding.note.lists": "파이썬 리스트",
    "padding.note.ragged": "줄마다 길이가 다릅니다({lengths}). 직사각형이 아니므로 텐서가 될 수 없습니다. 패딩을 켜세요.",
    # --- layers ----------------------------------------------------------------------------------
    "layers.label.step": "단계",
    "layers.metric.norm": "벡터 길이",
    "layers.metric.cosine": "마지막 층과의 유사도",
    "layers.metric.update": "층마다 바뀐 양",
    "layers.axis.feature": "특성 (D개 숫자 중 하나)",
    "layers.axis.label": "라벨",
    "layers.axis.layer": "임베딩 뒤 / 층 … 뒤",
    "layers.axis.embeddings": "임베딩",
    "layers.axis.norm": "벡터의 길이",
    "layers.axis.cosine": "코사인 유사도",
    "layers.axis.update": "변화의 길이",
    "layers.axis.similar_token": "토큰 (칸 하나: 두 토큰의 벡터가 얼마나 닮았는지, 대각선은 토큰 자신과의 비교)",
    "layers.axis.similarity": "코사인 유사도 (눈금 −1 ~ 1 고정)",
    "layers.title.norm": "토큰마다 은닉 상태 벡터의 길이, 층별로",
    "layers.title.cosine": "토큰마다 마지막 층 뒤의 은닉 상태와의 코사인 유사도",
    "layers.title.update": "층마다 각 토큰 벡터가 바뀐 양, ‖h_l − h_(l−1)‖",
    "layers.legend.mean": "평균",
    "layers.note.mean_heads": "(헤드 {h}개의 평균)",
    "layers.note.mean_similarity": "토큰 쌍의 평균: {value}",
    "layers.note.no_tokens": "(이 문장에는 진짜 토큰이 없습니다)",
    "layers.explain.embeddings": "임베딩: 토큰 ID마다 벡터 하나 + 위치마다 하나(BERT는 + 문장마다 하나, token_type_ids)를 더한 뒤 층 정규화(LayerNorm).",
    "layers.explain.attention_output": "어텐션 출력: 각 토큰이 다른 토큰들에게서 모은 것 (잔차를 더하기 전).",
    "layers.explain.after_attention_norm": "잔차 연결 + 층 정규화: 블록의 입력에 어텐션 출력을 더하고 정규화합니다.",
    "layers.explain.ffn_output": "피드포워드 신경망 출력: 토큰마다 따로 선형층 두 개를 지납니다.",
    "layers.explain.block_output": "블록 출력: 다시 잔차 연결 + 층 정규화. 다음 블록의 입력이 됩니다.",
    "layers.explain.attention_weights": "어텐션 가중치: 각 토큰이 다른 토큰에서 얼마나 가져오는지 (여기서는 헤드 평균).",
    "layers.explain.first_token": "첫 토큰([CLS])의 마지막 벡터: 문장마다 벡터 하나.",
    "layers.explain.pooler": "풀러: 첫 토큰에 dense + tanh (BERT).",
    "layers.explain.pre_classifier": "pre_classifier: 첫 토큰에 dense + ReLU (DistilBERT).",
    "layers.explain.logits": "로짓: 문장마다, 라벨마다 점수 하나. 소프트맥스가 확률로 바꿉니다.",
    "layers.error.no_source": "trace를 주거나(LayerView(trace, batch=batch)) 모델과 토크나이저를 주세요(model=..., tokenizer=...).",
    "layers.error.tokens_mismatch": "토큰 라벨이 trace와 맞지 않습니다. trace는 문장 {b}개, 위치 {t}개입니다. trace를 만든 배치를 batch=batch로 넘기세요.",
    "layers.error.step_range": "단계 {i}은(는) 없습니다. 이 trace의 단계는 0부터 {n} - 1까지입니다.",
    "common.error.sentence_range": "문장 {i}은(는) 없습니다. 배치에는 문장이 {n}개 있습니다(0부터 {n} - 1까지).",
    # --- softmax ---------------------------------------------------------------------------------
    "softmax.label.temperature": "온도 T",
    "softmax.title.probabilities": "확률 (T = {temperature})",
    "softmax.title.scaled": "T = {temperature}로 나눈 점수",
    "softmax.axis.probability": "확률",
    "softmax.axis.score": "점수",
    "softmax.legend.scaled": "로짓 / T",
    "softmax.legend.raw": "로짓",
    "softmax.note.top": "라벨 {total}개 중 점수가 가장 큰 {shown}개 표시",
    "softmax.error.not_numbers": "로짓은 숫자여야 합니다(텐서, 배열, 숫자 리스트).",
    "softmax.error.shape": "로짓의 모양은 (라벨,) 또는 (문장, 라벨)이고 각각 하나 이상이어야 합니다. 받은 모양: {shape}.",
    "softmax.error.not_finite": "로짓에 inf나 NaN이 있어서 확률을 보여 줄 수 없습니다. 모델의 출력을 확인하세요.",
    "softmax.error.temperature": "온도는 0보다 큰 숫자여야 합니다(받은 값: {value}). {lo}에서 {hi} 사이의 값을 써 보세요.",
    # --- attention -------------------------------------------------------------------------------
    "attention.label.layer": "층",
    "attention.label.head": "헤드",
    "attention.label.mean": "헤드 평균",
    "attention.label.all": "모든 헤드",
    "attention.axis.query": "쿼리 (보는 토큰)",
    "attention.axis.key": "키 (보이는 토큰)",
    "attention.title.layer": "층 {layer}",
    "attention.title.head": "헤드 {head}",
    "attention.title.mean": "헤드 {n}개의 평균",
    "attention.title.heads": "헤드 {n}개 모두 (헤드마다 가장 큰 가중치에 맞춘 색)",
    "attention.title.layer_heads": "층 {layer}: 헤드 {n}개 모두 (행 = 쿼리, 열 = 키, 헤드마다 가장 큰 가중치에 맞춘 색)",
    "attention.note.padding": "빗금 친 열은 패딩입니다. 어떤 쿼리도 여기에 가중치를 주지 않습니다(0). 각 행의 합은 1입니다.",
    "attention.error.no_weights": "어텐션 가중치가 없습니다. model.trace(**batch)나 model(**batch, output_attentions=True)의 결과를 넘기세요.",
    "attention.error.head_range": "헤드 {head}은(는) 없습니다. 이 층의 헤드는 0부터 {n} - 1까지입니다.",
    "attention.error.layer_range": "층 {layer}은(는) 없습니다. 이 모델의 층은 0부터 {n} - 1까지입니다.",
    "attention.error.shape": "가중치는 (T, T) 정사각 행렬이고 행마다 토큰 라벨이 하나 있어야 합니다. 받은 것: {shape}, 라벨 {n}개.",
    # --- config playground -----------------------------------------------------------------------
    "config.label.layers": "층 수",
    "config.label.heads": "헤드 수",
    "config.label.width": "폭 D",
    "config.label.ffn": "FFN 폭 F",
    "config.label.num_labels": "라벨 수",
    "config.part.embeddings": "임베딩",
    "config.part.layers": "층 {n}개",
    "config.part.one_layer": "층 하나",
    "config.part.head": "분류기(헤드)",
    "config.part.total": "합계",
    "config.title.parameters": "{model}: 파라미터 {total}",
    "config.title.shapes": "주요 텐서의 모양 (B = 문장 2개, T = 토큰 16개)",
    "config.note.per_layer": "층 하나: {n}",
    "config.tensor.input_ids": "input_ids",
    "config.tensor.embeddings": "임베딩",
    "config.tensor.q_k_v": "헤드별 q, k, v",
    "config.tensor.attention_weights": "어텐션 가중치",
    "config.tensor.ffn_hidden": "FFN 내부",
    "config.tensor.block_output": "블록 출력",
    "config.tensor.first_token": "첫 토큰",
    "config.tensor.logits": "로짓",
    "config.error.whole_number": "{name}은(는) 1 이상의 정수여야 합니다. 받은 값: {value}.",
    "config.error.model_type": "model_type {model_type}은(는) {choices} 중 하나가 아닙니다.",
    # --- explain: 어떤 단어가 예측을 만들었나 (10장) ------------------------------------------------
    "explain.label.text": "문장",
    "explain.label.target": "목표",
    "explain.option.predicted": "예측한 라벨",
    "explain.button.ig": "적분 기울기 (점 {n}개)",
    "explain.method.gradient_x_input": "기울기 × 입력",
    "explain.method.integrated_gradients": "적분 기울기",
    "explain.method.occlusion": "가림",
    "explain.method.attention_rollout": "어텐션 롤아웃",
    "explain.method.cls_attention": "마지막 층 [CLS] 어텐션",
    "explain.note.cost": "순전파 {passes}번",
    "explain.note.cost_backward": "순전파 {passes}번, 역전파 {backward}번",
    "explain.note.delta": "완전성 오차 {delta:+.4f} (로짓 차이의 {share:.2%})",
    "explain.note.no_target": "목표를 보지 않음",
    "explain.title.words": "어떤 단어가 {label}을(를) 만들었나?  빨강: {label} 쪽, 파랑: 반대쪽 (줄마다 가장 큰 점수에 맞춤)",
    "explain.note.agreement": "단어 점수 순위의 일치도 (스피어만 rho: 1 같은 순서, 0 무관, -1 거꾸로):",
    "explain.note.ig_pending": "적분 기울기: 버튼을 누르세요 (순전파 {n}번이 듭니다).",
    "explain.note.truncated": "텍스트가 모델이 읽는 길이({limit}토큰)보다 깁니다. 앞부분만 설명합니다.",
    "explain.note.korean_model": "한국어 문장: 한국어 모델로 설명합니다.",
    "explain.note.words_shown": "단어 {total}개 중 {shown}개",
}

# The error and warning messages (errors.py keeps them, so an error finds its text without importing
# this module) are part of the same two tables: t("error.tokenize.padding", lang, ...) works too.
STRINGS: dict[str, dict[str, str]] = {"ko": {**KO, **errors.KO}, "en": {**EN, **errors.EN}}


def check_lang(lang) -> str:
    """``lang`` if it is a language we have, else an InputValueError listing the choices.

    >>> check_lang("ko")
    'ko'
    """
    if not isinstance(lang, str) or lang not in STRINGS:
        raise InputValueError("error.i18n.unknown_language", lang=f"{lang!r}", choices=str(list(LANGUAGES)))
    return lang


# The language of what lesson_lib says when no view is told otherwise: error and warning messages,
# the CLI, the Trainer's loss plot. A chapter's LANG cell calls set_language(LANG). errors.py keeps
# the choice, because an error is written in it the moment it is raised.
def set_language(lang: str) -> str:
    """Choose the learner's language for the whole kit: ``"ko"`` or ``"en"`` (the default).

    >>> set_language("en")   # a chapter's first cell: set_language(LANG)
    'en'
    """
    return errors.use_language(check_lang(lang))


def get_language() -> str:
    """The language chosen with :func:`set_language` (``"en"`` until then)."""
    return errors.current_language()


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a text expects. ``placeholders("{n} of {total}") == {"n", "total"}``."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def t(key: str, lang: str, **fmt) -> str:
    """The text for ``key`` in ``lang``, with its ``{placeholders}`` filled from ``fmt``.

    >>> t("common.sentence_n", "ko", i=2)
    '문장 2'
    """
    table = STRINGS[check_lang(lang)]
    if key not in table:
        raise KeyError(f"No UI text {key!r} in lesson_lib.i18n; keys are '<view>.<kind>.<name>', "
                       f"e.g. 'softmax.title.probabilities'.")
    template = table[key]
    missing = placeholders(template) - set(fmt)
    if missing:
        raise KeyError(f"UI text {key!r} needs {sorted(missing)}: t({key!r}, lang, "
                       + ", ".join(f"{m}=..." for m in sorted(missing)) + ")")
    return template.format(**fmt)
