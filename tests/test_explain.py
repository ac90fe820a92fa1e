"""lesson_lib.explain: every method's numbers, checked by hand or against captum (a test-only oracle).

Tiny random models (tests/helpers.py) for speed; one slow test on the real offline default.
captum is never imported by lesson_lib; the tests that need it skip where it is not installed.
"""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

from helpers import raises_ours, tiny_model
from lesson_lib import explain as X
from lesson_lib.errors import InputTypeError, InputValueError

pytestmark = pytest.mark.usefixtures("one_thread")

TEXT = "We don't hate this unaffable film, it was lovely."  # "unaffable" becomes several WordPieces


def sharp_model(kind: str):
    """A tiny random model whose logits depend on the words: with the default init (std 0.02) the
    logit gap is ~1e-5, too small for a relative comparison to mean anything."""
    return tiny_model(kind, initializer_range=0.3)


@pytest.fixture(scope="module")
def captum_attr():
    return pytest.importorskip("captum.attr")


def _captum_ig(captum_attr, model, ids, baseline_ids, target, n_steps, rule):
    f = lambda input_ids: model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).logits  # noqa: E731
    lig = captum_attr.LayerIntegratedGradients(f, X.word_embeddings(model))
    attributions, delta = lig.attribute(ids, baselines=baseline_ids, target=target, n_steps=n_steps, method=rule,
                                        return_convergence_delta=True)
    return attributions.sum(-1)[0].detach(), float(delta)


# --- integrated gradients against captum ----------------------------------------------------------

@pytest.mark.parametrize("kind", ["bert", "distilbert"])
@pytest.mark.parametrize("rule", X.RULES)
def test_integrated_gradients_equals_captum(kind, rule, tok, captum_attr):
    model = sharp_model(kind)
    ours = X.integrated_gradients(model, tok, TEXT, target=1, n_steps=20, method=rule)
    ids = tok(TEXT, return_tensors="pt")["input_ids"]
    base = X._baseline_ids(tok, ids, None)
    assert base[0, 0] == tok.cls_token_id and base[0, -1] == tok.sep_token_id
    assert (base[0, 1:-1] == tok.pad_token_id).all() and base.shape == ids.shape
    ref, ref_delta = _captum_ig(captum_attr, model, ids, base, 1, 20, rule)
    if rule == "riemann_trapezoid":
        # captum spaces the trapezoid's points 1/n apart although n points on [0, 1] are 1/(n-1)
        # apart, so its weights add up to (n-1)/n and every score is that much smaller (its delta
        # shows it). Ours is the textbook rule: the same points, weights 1/(n-1), ends halved.
        ref = ref * 20 / 19
    scale = float(ref.abs().max())
    assert scale > 0
    assert float((ours.scores - ref).abs().max()) <= 1e-4 * scale
    if rule != "riemann_trapezoid":
        assert ours.delta == pytest.approx(ref_delta, abs=1e-4 * scale)


def test_integrated_gradients_with_another_baseline_equals_captum(tok, captum_attr):
    model = sharp_model("bert")
    ours = X.integrated_gradients(model, tok, TEXT, target=0, n_steps=16, baseline="[MASK]")
    ids = tok(TEXT, return_tensors="pt")["input_ids"]
    base = X._baseline_ids(tok, ids, "[MASK]")
    assert (base[0, 1:-1] == tok.mask_token_id).all()
    ref, _ = _captum_ig(captum_attr, model, ids, base, 0, 16, "gausslegendre")
    assert float((ours.scores - ref).abs().max()) <= 1e-4 * float(ref.abs().max())
    padded = X.integrated_gradients(model, tok, TEXT, target=0, n_steps=16)
    assert not torch.allclose(ours.scores, padded.scores, atol=1e-3)  # the baseline changes the answer


def test_path_points_integrate_polynomials():
    # Gauss-Legendre with n points is exact for degree < 2n; the midpoint rule for degree 1.
    alphas, weights = X.path_points(3, "gausslegendre")
    assert float((weights * alphas ** 5).sum()) == pytest.approx(1 / 6, abs=1e-6)
    for rule in X.RULES:
        alphas, weights = X.path_points(10, rule)
        assert alphas.shape == weights.shape == (10,)
        assert float(weights.sum()) == pytest.approx(1.0, abs=1e-6)
        assert 0 <= float(alphas.min()) and float(alphas.max()) <= 1
    alphas, weights = X.path_points(4, "riemann_middle")
    assert torch.allclose(alphas, torch.tensor([0.125, 0.375, 0.625, 0.875]))


@pytest.mark.parametrize("target", [0, 1])
def test_completeness_with_enough_steps(target, tok):
    model = sharp_model("bert")
    r = X.integrated_gradients(model, tok, TEXT, target=target, n_steps=50)
    gap = r.logit - r.baseline_logit
    assert abs(gap) > 0.5
    assert abs(r.delta) <= 0.01 * abs(gap)
    assert float(r.scores.sum()) == pytest.approx(r.delta + gap, abs=1e-5)
    assert r.forward_passes == 52 and r.backward_passes == 50


def test_completeness_error_shrinks_with_steps(tok):
    model = sharp_model("bert")
    few, many = (X.integrated_gradients(model, tok, TEXT, target=1, n_steps=n, method="riemann_middle")
                 for n in (4, 200))
    assert abs(many.delta) < 0.2 * abs(few.delta)
    assert abs(many.delta) <= 0.01 * abs(many.logit - many.baseline_logit)


# --- gradient x input, by hand --------------------------------------------------------------------

def test_gradient_x_input_by_hand(tok):
    model = sharp_model("bert")
    r = X.gradient_x_input(model, tok, TEXT, target=0)
    ids = tok(TEXT, return_tensors="pt")["input_ids"]
    # By hand, without the hook: perturb one token's word embedding and watch the logit (finite difference).
    emb = model.bert.embeddings.word_embeddings
    e = emb(ids).detach()

    def logit_at(vectors):
        handle = emb.register_forward_hook(lambda m, a, o: vectors)
        try:
            with torch.no_grad():
                return model(input_ids=ids).logits[0, 0].double()
        finally:
            handle.remove()

    i, eps = 3, 1e-2
    direction = e.clone()
    direction[:, [j for j in range(ids.shape[1]) if j != i]] = 0  # move only token i, along e_i itself
    slope = (logit_at(e + eps * direction) - logit_at(e - eps * direction)) / (2 * eps)
    assert float(r.scores[i]) == pytest.approx(float(slope), rel=1e-2, abs=1e-4)
    assert r.forward_passes == r.backward_passes == 1 and r.target == 0 and r.label == "LABEL_0"
    assert model.bert.embeddings.word_embeddings.weight.grad is None  # parameters' grads untouched


# --- occlusion, by hand ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["bert", "distilbert"])
def test_occlusion_equals_the_logit_drop_by_hand(kind, tok):
    model = sharp_model(kind)
    r = X.occlusion(model, tok, TEXT)
    enc = tok(TEXT)
    ids, word_ids = enc["input_ids"], enc.word_ids()
    with torch.no_grad():
        full = model(input_ids=torch.tensor([ids])).logits[0, r.target]
        for w, word in enumerate(r.words):
            kept = [i for i, wid in zip(ids, word_ids) if wid != w]
            without = model(input_ids=torch.tensor([kept])).logits[0, r.target]
            assert float(r.word_scores[w]) == pytest.approx(float(full - without), abs=1e-5), word
    assert r.forward_passes == len(r.words) + 1 and r.backward_passes == 0
    pieces = [t for t, w in zip(r.tokens, r.word_ids) if w == r.words.index("unaffable")]
    assert len(pieces) > 1 and "".join(p.lstrip("#") for p in pieces) == "unaffable"
    assert r.scores[0] == 0 and r.scores[-1] == 0  # [CLS] and [SEP] are never left out


# --- attention ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["bert", "distilbert"])
def test_rollout_rows_sum_to_one(kind, tok):
    model = tiny_model(kind)
    r = X.attention_rollout(model, tok, TEXT)
    T = len(r.tokens)
    assert r.matrix.shape == (T, T)
    assert torch.allclose(r.matrix.sum(-1), torch.ones(T), atol=1e-5)
    assert (r.matrix >= 0).all()
    assert torch.equal(r.scores, r.matrix[0])
    # by hand for two layers: R = A2' A1', A' = (A + I)/2 with heads averaged
    with torch.no_grad():
        att = model(**tok(TEXT, return_tensors="pt"), output_attentions=True).attentions
    a1, a2 = ((a[0].mean(0) + torch.eye(T)) / 2 for a in att)
    assert torch.allclose(r.matrix, a2 @ a1, atol=1e-6)


def test_cls_attention_is_the_last_layer_row(tok):
    model = tiny_model("bert")
    r = X.cls_attention(model, tok, TEXT)
    with torch.no_grad():
        att = model(**tok(TEXT, return_tensors="pt"), output_attentions=True).attentions
    assert torch.allclose(r.scores, att[-1][0, :, 0].mean(0))
    assert float(r.scores.sum()) == pytest.approx(1.0, abs=1e-5)
    assert torch.allclose(X.cls_attention(model, tok, TEXT, layer=0).scores, att[0][0, :, 0].mean(0))


def test_rollout_ignores_the_label(tok):
    model = sharp_model("bert")
    a, b = (X.explain(model, tok, TEXT, target=t, methods=["attention_rollout", "gradient_x_input"]) for t in (0, 1))
    assert torch.equal(a["attention_rollout"].scores, b["attention_rollout"].scores)
    assert not torch.allclose(a["gradient_x_input"].scores, b["gradient_x_input"].scores)


# --- words, targets, the result -----------------------------------------------------------------

def test_words_add_up_their_wordpieces(tok):
    r = X.gradient_x_input(tiny_model("distilbert"), tok, TEXT)
    assert r.words == ["we", "don", "'", "t", "hate", "this", "unaffable", "film", ",", "it", "was", "lovely", "."]
    assert len(r.scores) == len(r.tokens) == len(r.word_ids)
    for w in range(len(r.words)):
        assert float(r.word_scores[w]) == pytest.approx(float(sum(s for s, i in zip(r.scores, r.word_ids) if i == w)))
    assert r.top_words(2) == [r.words[i] for i in torch.argsort(r.word_scores, descending=True)[:2].tolist()]
    assert "Explanation(gradient_x_input" in repr(r)


def test_korean_words_are_glued_back_into_syllables(tok):
    r = X.occlusion(tiny_model("bert"), tok, "영화가 좋다")
    pieces = [t for t, w in zip(r.tokens, r.word_ids) if w == 0]
    assert len(pieces) > 3  # the uncased vocabulary reads jamo, not syllables (chapter 09)
    assert r.words[0] == "영화가" and len(r.words) == 2


def test_target_none_is_the_prediction_and_names_work(tok):
    model = tiny_model("bert", id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    with torch.no_grad():
        predicted = int(model(**tok(TEXT, return_tensors="pt")).logits.argmax())
    for name in ("gradient_x_input", "occlusion", "attention_rollout"):
        assert X.explain(model, tok, TEXT, methods=[name])[name].target == predicted
    assert X.gradient_x_input(model, tok, TEXT, target="POSITIVE").target == 1


def test_model_mode_is_restored(tok):
    model = tiny_model("bert", hidden_dropout_prob=0.5).train()
    a = X.gradient_x_input(model, tok, TEXT).scores
    b = X.gradient_x_input(model, tok, TEXT).scores
    assert model.training and torch.equal(a, b)  # dropout was off while explaining
    X.integrated_gradients(model, tok, TEXT, n_steps=4)
    assert model.training and all(p.requires_grad for p in model.parameters())  # weights frozen only meanwhile


def test_spearman():
    assert X.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert X.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert X.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833, abs=1e-6)  # ties: average ranks


# --- bad input ------------------------------------------------------------------------------------

def test_empty_text(tok):
    with raises_ours(InputValueError, "empty"):
        X.gradient_x_input(tiny_model("bert"), tok, "   ")
    with raises_ours(InputTypeError, "str"):
        X.occlusion(tiny_model("bert"), tok, ["two", "sentences"])


def test_long_text_is_truncated_and_says_so(tok):
    model = tiny_model("bert")  # reads at most 64 positions
    with pytest.warns(UserWarning, match="only the first 64"):
        r = X.gradient_x_input(model, tok, "good " * 100)
    assert r.truncated and len(r.tokens) == 64 and r.tokens[-1] == "[SEP]"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not X.gradient_x_input(model, tok, TEXT).truncated


def test_target_outside_the_labels(tok):
    with raises_ours(InputValueError, "target=5", "0 (LABEL_0), 1 (LABEL_1)"):
        X.integrated_gradients(tiny_model("bert"), tok, TEXT, target=5)
    with raises_ours(InputValueError, "target='happy'"):
        X.occlusion(tiny_model("bert"), tok, TEXT, target="happy")


@pytest.mark.parametrize("n_steps", [0, -3, 2.5])
def test_n_steps_below_one(tok, n_steps):
    with raises_ours(InputValueError, "n_steps", ">= 1"):
        X.integrated_gradients(tiny_model("bert"), tok, TEXT, n_steps=n_steps)


def test_bad_rule_and_baseline(tok):
    model = tiny_model("bert")
    with raises_ours(InputValueError, "gausslegendre"):
        X.integrated_gradients(model, tok, TEXT, method="simpson")
    with raises_ours(InputValueError, "riemann_trapezoid", "n_steps >= 2"):
        X.integrated_gradients(model, tok, TEXT, n_steps=1, method="riemann_trapezoid")
    with raises_ours(InputValueError, "not a token"):
        X.integrated_gradients(model, tok, TEXT, baseline="[NOTHING]")
    with raises_ours(InputValueError, "ids but the sentence has"):
        X.integrated_gradients(model, tok, TEXT, baseline=[101, 102])


def test_model_without_word_embeddings(tok):
    class NotBert(nn.Module):
        def forward(self, input_ids, attention_mask=None):
            return input_ids.float()

    for method in (X.gradient_x_input, X.integrated_gradients, X.occlusion, X.attention_rollout, X.cls_attention):
        with raises_ours(InputTypeError, "NotBert has no word embeddings", "DEFAULT_MODEL"):
            method(NotBert(), tok, TEXT)


def test_unknown_method_and_layer(tok):
    with raises_ours(InputValueError, "Unknown method"):
        X.explain(tiny_model("bert"), tok, TEXT, methods=["lime"])
    with raises_ours(InputValueError, "layer=7"):
        X.cls_attention(tiny_model("bert"), tok, TEXT, layer=7)


# --- the real offline default --------------------------------------------------------------------

@pytest.mark.slow
def test_default_model(captum_attr):
    from lesson_lib import DEFAULT_MODEL, AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(DEFAULT_MODEL)
    model = AutoModelForSequenceClassification.from_pretrained(DEFAULT_MODEL)
    text = "The plot was dull but the actors were wonderful."
    r = X.integrated_gradients(model, tok, text, n_steps=50)
    assert abs(r.delta) <= 0.01 * abs(r.logit - r.baseline_logit)
    ids = tok(text, return_tensors="pt")["input_ids"]
    ref, _ = _captum_ig(captum_attr, model, ids, X._baseline_ids(tok, ids, None), r.target, 50, "gausslegendre")
    assert float((r.scores - ref).abs().max()) <= 1e-4 * float(ref.abs().max())
    occ = X.occlusion(model, tok, text)
    assert occ.target == r.target and occ.label in ("NEGATIVE", "POSITIVE")


def test_captum_is_a_test_only_oracle():
    import re
    import tomllib

    from helpers import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = lambda req: re.split(r"[<>=!~ \[;]", req, maxsplit=1)[0].lower()  # noqa: E731
    assert "captum" in {name(r) for r in project["optional-dependencies"]["test"]}
    assert "captum" not in {name(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]}
    for path in (ROOT / "lesson_lib").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+captum", path.read_text(encoding="utf-8"), re.M), path
