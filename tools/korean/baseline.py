"""The honest simple baseline (character 1-3-gram TF-IDF + logistic regression) and the stronger n-gram teacher.

Used in: tools/train_korean.py (the teacher of step 5 and the card's comparison); tests/test_train_korean.py.
"""

from __future__ import annotations

import unicodedata
import warnings

import numpy as np
import torch
from torch import nn

warnings.filterwarnings("ignore", message="Sparse (CSR tensor support|invariant checks)")


class CharNgramBaseline:
    """TF-IDF over character 1-3-grams (min. 2 reviews) + L2-regularised logistic regression.

    Written with numpy + torch sparse matrices so the kit needs no scikit-learn.

    >>> b = CharNgramBaseline().fit(["좋다", "싫다", "좋아", "싫어"] * 5, np.array([1, 0, 1, 0] * 5))
    >>> bool(b.predict_proba(["좋은"])[0] > 0.5)
    True
    """

    def __init__(self, n: int = 3, min_df: int = 2, l2: float = 3e-6, steps: int = 300):
        self.n, self.min_df, self.l2, self.steps = n, min_df, l2, steps

    def _grams(self, text: str):
        text = unicodedata.normalize("NFC", text).lower()
        return [text[i:i + k] for k in range(1, self.n + 1) for i in range(len(text) - k + 1)]

    def _counts(self, texts: list[str]):
        """(rows, cols, counts): how often each known n-gram occurs in each text."""
        rows, cols, counts = [], [], []
        for r, text in enumerate(texts):
            seen: dict[int, int] = {}
            for g in self._grams(text):
                j = self.vocab.get(g)
                if j is not None:
                    seen[j] = seen.get(j, 0) + 1
            rows += [r] * len(seen)
            cols += seen.keys()
            counts += seen.values()
        return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(counts, dtype=np.float32)

    def _values(self, cols: np.ndarray, counts: np.ndarray) -> np.ndarray:
        # sublinear term frequency (in float64, then float32) x idf
        return (1.0 + np.log(counts.astype(np.float64))).astype(np.float32) * self.idf[cols]

    def _learn_values(self, rows: np.ndarray, cols: np.ndarray, labels: np.ndarray) -> None:
        """What _values needs from the training texts beyond the idf (nothing here; see NgramTeacher)."""

    def _matrix(self, texts: list[str], entries=None) -> torch.Tensor:
        """(N, V) sparse, each row L2-normalised."""
        rows, cols, counts = entries if entries is not None else self._counts(texts)
        vals = self._values(cols, counts).astype(np.float32)
        norms = np.sqrt(np.bincount(rows, weights=vals.astype(np.float64) ** 2, minlength=len(texts)))
        vals = vals / np.maximum(norms[rows], 1e-12).astype(np.float32)
        index = torch.from_numpy(np.stack([rows, cols]))
        return torch.sparse_coo_tensor(index, torch.from_numpy(vals), (len(texts), len(self.vocab))).coalesce()

    def fit(self, texts: list[str], labels: np.ndarray) -> CharNgramBaseline:
        df: dict[str, int] = {}
        for text in texts:
            for g in set(self._grams(text)):
                df[g] = df.get(g, 0) + 1
        kept = sorted(g for g, c in df.items() if c >= self.min_df)
        self.vocab = {g: j for j, g in enumerate(kept)}
        counts = np.array([df[g] for g in kept], dtype=np.float64)
        self.idf = (np.log((1 + len(texts)) / (1 + counts)) + 1).astype(np.float32)  # smoothed idf
        entries = self._counts(texts)
        self._learn_values(entries[0], entries[1], np.asarray(labels))
        X = self._matrix(texts, entries)
        Xt = X.t().coalesce().to_sparse_csr()  # (V, N): for the gradient X^T (p - y)
        X = X.to_sparse_csr()  # (N, V)
        y = torch.from_numpy(labels.astype(np.float64))
        n = len(texts)
        # parameters as one float64 vector [w, b]; the gradient is written out, which is far faster
        # than autograd through sparse matrices
        theta = torch.zeros(len(self.vocab) + 1, dtype=torch.float64, requires_grad=True)
        X, Xt = X.to(torch.float64), Xt.to(torch.float64)
        opt = torch.optim.LBFGS([theta], lr=1, max_iter=self.steps, history_size=20,
                                line_search_fn="strong_wolfe", tolerance_grad=1e-7, tolerance_change=1e-10)

        def closure():
            w, b = theta.detach()[:-1], theta.detach()[-1]
            z = (X @ w[:, None])[:, 0] + b  # (N,)
            loss = nn.functional.binary_cross_entropy_with_logits(z, y) + self.l2 * (w ** 2).sum()
            r = (torch.sigmoid(z) - y) / n  # (N,)
            theta.grad = torch.cat([(Xt @ r[:, None])[:, 0] + 2 * self.l2 * w, r.sum()[None]])
            return loss

        opt.step(closure)
        self.w, self.b = theta.detach()[:-1].float(), theta.detach()[-1].float()
        return self

    @torch.no_grad()
    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """P(POSITIVE) per text."""
        X = self._matrix(texts).to_sparse_csr()  # (N, V)
        return torch.sigmoid((X @ self.w[:, None])[:, 0] + self.b).numpy()


class NgramTeacher(CharNgramBaseline):
    """The teacher of the distillation step: a stronger n-gram model than the baseline.

    Three changes to :class:`CharNgramBaseline`, each worth a few tenths of a point on our held-out
    movies (measured in tools/korean/card.py's RECIPE_TRIALS):

    * character 1-5-grams, plus word 1-2-grams (marked ``W`` so "좋" the syllable and "좋" the
      word stay apart): longer pieces see 재미없 and 안 좋 whole;
    * each n-gram counts once per review (present or absent), then is scaled by its
      naive-Bayes log-count ratio ``r = log((p/|p|) / (q/|q|))``, p and q its counts in positive and
      negative reviews plus ``alpha`` (Wang & Manning's NB-SVM idea), and by its idf;
    * the rows are L2-normalised as before, and the same logistic regression learns the weights.

    It is a teacher, not a baseline: the model card compares the BERT with the plain 1-3-gram model.

    >>> m = NgramTeacher().fit(["정말 좋다", "정말 싫다", "좋아요", "싫어요"] * 5, np.array([1, 0, 1, 0] * 5))
    >>> bool(m.predict_proba(["좋은 영화"])[0] > 0.5)
    True
    """

    def __init__(self, n: int = 5, words: int = 2, alpha: float = 1.0, min_df: int = 2, l2: float = 3e-6,
                 steps: int = 300):
        super().__init__(n=n, min_df=min_df, l2=l2, steps=steps)
        self.words, self.alpha = words, alpha

    def _grams(self, text: str):
        grams = super()._grams(text)
        words = unicodedata.normalize("NFC", text).lower().split()
        for k in range(1, self.words + 1):
            grams += ["W" + " ".join(words[i:i + k]) for i in range(len(words) - k + 1)]
        return grams

    def _values(self, cols: np.ndarray, counts: np.ndarray) -> np.ndarray:
        return self.ratio[cols] * self.idf[cols]  # present or absent: the count itself is not used

    def _learn_values(self, rows: np.ndarray, cols: np.ndarray, labels: np.ndarray) -> None:
        y = labels[rows]
        p = np.bincount(cols[y == 1], minlength=len(self.vocab)) + self.alpha
        q = np.bincount(cols[y == 0], minlength=len(self.vocab)) + self.alpha
        self.ratio = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
