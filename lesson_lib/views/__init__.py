"""The notebook widgets: each a pure drawing function plus a thin ipywidgets class over it.

    tokens.py            TokenView       the tokenizer step by step (tok.trace)          chapter 01, 09
    padding.py           PaddingView     padded id matrix and attention mask             chapter 02
    layers.py            LayerView       the forward pass step by step (model.trace)     chapter 03
    softmax.py           SoftmaxView     logits -> probabilities, with a temperature      chapter 04
    attention.py         AttentionView   attention weights per layer and head             chapter 05
    config_playground.py ConfigView      parameter counts and shapes from a config        chapter 07
    classify.py          ClassifyView    type a sentence, see the prediction              chapters 00, 08, 09
    explain.py           ExplainView     which words made the prediction, five methods    chapter 10

Shared parts: _base.py (the widget frame: controls, message, picture), _style.py (sizes, colours,
labels), _traces.py (a trace, or the model run on edited sentences: layers and attention),
_speedups.py (two optimisations that keep updates fast; a reader may skip it).

Every widget takes ``lang="ko"`` or ``"en"``, shows one PNG of its current state (also where
widgets do not render), has ``save_png(path)``, and turns a bad input into a message.
For a static figure in a chapter: ``fig = plt.figure(figsize=(9, 4)); draw_batch(fig, batch, lang=LANG)``,
or ``render_batch(batch, lang=LANG)`` (a new ``Figure``; the notebook shows it as a picture).
Importing this package puts the Korean font in place for matplotlib (lesson_lib.fonts).

Used in: notebooks/*; tests/test_views.py.
"""

from .. import _lazy
from ..fonts import use_korean_font

# Public name -> its module; a view's module is imported the first time the name is used, so
# chapter 01's TokenView does not load torch (which the model views need). See _lazy.py.
_WHERE = {
    "attention": ("AttentionView", "attention_matrix", "attention_stack", "draw_attention", "draw_attention_heads",
                  "render_attention"),
    "classify": ("ClassifyView", "classify", "render_prediction"),
    "explain": ("ExplainView", "draw_explanations", "rank_agreement", "render_explanations"),
    "config_playground": ("ConfigView", "count_parameters", "draw_parameter_counts", "main_shapes", "make_config",
                          "render_config"),
    "_traces": ("traced_batch",),
    "layers": ("LayerView", "cosine_to_final", "draw_hidden_state_norms", "draw_step", "hidden_state_norms",
               "render_depth", "render_step", "step_matrix"),
    "padding": ("PaddingView", "draw_batch", "draw_id_grid", "draw_mask_grid", "pad_batch", "render_batch"),
    "softmax": ("SoftmaxView", "draw_probabilities", "draw_softmax", "probabilities", "render_softmax"),
    "tokens": ("TokenView", "draw_token_stage", "render_token_stage", "token_stages"),
}

use_korean_font()

__all__ = [
    # widgets
    "AttentionView", "ClassifyView", "ConfigView", "ExplainView", "LayerView", "PaddingView", "SoftmaxView", "TokenView",
    "rank_agreement", "draw_explanations", "render_explanations",  # views/explain.py
    # what they compute (pure)
    "attention_matrix", "attention_stack", "classify", "cosine_to_final", "count_parameters", "hidden_state_norms",
    "main_shapes", "make_config", "pad_batch", "probabilities", "step_matrix", "token_stages", "traced_batch",
    # what they draw (on an axes or figure you give), and ready-made figures
    "draw_attention", "draw_attention_heads", "draw_batch", "draw_hidden_state_norms", "draw_id_grid",
    "draw_mask_grid", "draw_parameter_counts", "draw_probabilities", "draw_softmax", "draw_step",
    "draw_token_stage", "render_attention", "render_batch", "render_prediction", "render_config", "render_depth", "render_softmax",
    "render_step", "render_token_stage",
]

_lazy.make_lazy(__name__, _WHERE)
