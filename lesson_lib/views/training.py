"""The loss curve of a training run, redrawn while it trains (``Trainer`` in a notebook).

The pure part is :func:`draw_losses` (a ``state.log_history`` -> a plot of the logged losses,
and the evaluation losses when there are any); :class:`LiveLossPlot` shows it in a notebook
and replaces the picture in place at every log line, so a stored notebook holds one picture.

>>> fig = plt.figure(); draw_losses(fig.add_subplot(), trainer.state.log_history)   # doctest: +SKIP

Used in: trainer.py (automatically, inside a notebook); notebooks/*/08_fine_tuning.
"""

from __future__ import annotations

from ..i18n import t
from . import _style as S

TRAIN_COLOR, EVAL_COLOR = "#4c72b0", "#dd8452"


def draw_losses(ax, log_history: list[dict], *, lang: str = "en") -> None:
    """Training loss per logged step (and eval_loss where logged) on ``ax``."""
    train = [(e["step"], e["loss"]) for e in log_history if "loss" in e]
    evals = [(e["step"], e["eval_loss"]) for e in log_history if "eval_loss" in e]
    if not train and not evals:
        S.empty(ax, t("training.note.no_loss_yet", lang))
        return
    if train:
        ax.plot(*zip(*train), marker=".", color=TRAIN_COLOR, label=t("training.label.train_loss", lang))
    if evals:
        ax.plot(*zip(*evals), marker="o", color=EVAL_COLOR, label=t("training.label.eval_loss", lang))
    top = max(v for _, v in train + evals)
    ax.set_ylim(0, max(1.0, top * 1.05))
    ax.set_xlabel(t("training.axis.step", lang))
    ax.set_ylabel(t("training.axis.loss", lang))
    ax.legend(loc="upper right")


def render_losses(log_history: list[dict], *, lang: str = "en"):
    fig = S.new_figure(7, 3)
    draw_losses(fig.subplots(), log_history, lang=lang)
    fig.tight_layout()
    return fig


class LiveLossPlot:
    """Called with the log history at every log line; shows the newest curve in place of the last."""

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self._handle = None

    def __call__(self, log_history: list[dict]) -> None:
        from IPython.display import Image, display  # only ever called inside a notebook

        picture = Image(S.figure_png(render_losses(log_history, lang=self.lang)))
        if self._handle is None:
            self._handle = display(picture, display_id=True)
        else:
            self._handle.update(picture)
