"""NSMC's two files in, checked line by line; the hold-out split by movie.

Used in: tools/train_korean.py (step 1); tests/test_train_korean.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lesson_lib.errors import CheckpointError, InputValueError, IntegrityError
from lesson_lib.hub import sha256_of  # the same streaming sha256 the library checks its model files with

TRAIN_SHA256 = "a3b4c2a0bdd4032d6d7715ffa937f1bc08651237e7877c567e88fda5a6333a9b"
UNLABELED_SHA256 = "6d5d857c161cc4f7528f484578ab30651506626d902edf10e1011cbca37896d8"
TRAIN_COLUMNS = ("id", "movie_id", "document", "label")
UNLABELED_COLUMNS = ("id", "movie_id", "document")
ID2LABEL = {0: "NEGATIVE", 1: "POSITIVE"}


@dataclass
class Reviews:
    """One NSMC file, column by column; ``labels`` is None for unlabeled.tsv."""

    ids: list[str]
    movies: list[str]
    texts: list[str]
    labels: np.ndarray | None = None

    def take(self, mask: np.ndarray) -> Reviews:
        idx = np.flatnonzero(mask)
        return Reviews([self.ids[i] for i in idx], [self.movies[i] for i in idx], [self.texts[i] for i in idx],
                       None if self.labels is None else self.labels[idx])


def read_nsmc(path, *, labelled: bool, verify: bool = True, limit: int | None = None) -> Reviews:
    """Read an NSMC file, checking checksum, header, columns and labels; errors name the file and line.

    >>> r = read_nsmc("/work/shared/data/nsmc/train.tsv", labelled=True)   # doctest: +SKIP
    >>> len(r.texts), r.labels.mean()                                       # doctest: +SKIP
    (150000, 0.5)
    """
    path = Path(path)
    columns = TRAIN_COLUMNS if labelled else UNLABELED_COLUMNS
    expected = TRAIN_SHA256 if labelled else UNLABELED_SHA256
    name = "train.tsv" if labelled else "unlabeled.tsv"
    if not path.is_file():
        raise CheckpointError(f"The data file {path} does not exist (or is a folder). Give the folder that holds "
                              f"NSMC's {name}, e.g. --data /work/shared/data/nsmc")
    if verify:
        digest = sha256_of(path)
        if digest != expected:
            raise IntegrityError(f"{path} has sha256 {digest}, expected {expected} (the kit's NSMC {name}). The file "
                                 f"is damaged or a different data set. Use the kit's copy, or pass --no-verify to "
                                 f"train on your own file on purpose.")
    ids, movies, texts, labels = [], [], [], []
    number = 1
    with open(path, encoding="utf-8", newline="\n") as f:
        try:
            header = f.readline().rstrip("\r\n").split("\t")
            if tuple(header) != columns:
                raise InputValueError(f"{path}, line 1: the header is {header!r}, expected {list(columns)} "
                                      f"(tab-separated). Is this NSMC's {name}?")
            for number, line in enumerate(f, start=2):
                if limit is not None and len(texts) >= limit:
                    break
                line = line.rstrip("\r\n")
                if not line:
                    continue  # a trailing blank line is harmless
                cells = line.split("\t")
                if len(cells) != len(columns):
                    raise InputValueError(f"{path}, line {number}: {len(cells)} tab-separated column(s), expected "
                                          f"{len(columns)} ({', '.join(columns)}): {line[:60]!r}.")
                if not cells[2].strip():
                    raise InputValueError(f"{path}, line {number}: the document (review text) is empty.")
                if labelled and cells[3] not in ("0", "1"):
                    raise InputValueError(f"{path}, line {number}: label {cells[3][:20]!r}, expected 0 (negative) "
                                          f"or 1 (positive).")
                ids.append(cells[0])
                movies.append(cells[1])
                texts.append(cells[2])
                if labelled:
                    labels.append(int(cells[3]))
        except UnicodeDecodeError as e:
            raise InputValueError(f"{path}, line {number}: not UTF-8 text ({e.reason}). "
                                  f"Save the file as UTF-8.") from None
    if not texts:
        raise InputValueError(f"{path} has a header but no data rows.")
    return Reviews(ids, movies, texts, np.array(labels, dtype=np.int64) if labelled else None)


def heldout_movie(movie_id: str, every: int) -> bool:
    """Whether a movie is in our hold-out: 1 in ``every`` movies, by a hash of its id (not the row order).

    >>> [heldout_movie(m, 10) for m in ("44008", "66034", "87309")]
    [True, False, False]
    """
    return int(hashlib.sha256(movie_id.encode()).hexdigest()[:8], 16) % every == 0


def split_by_movie(reviews: Reviews, every: int) -> tuple[Reviews, Reviews]:
    """(train, held-out): whole movies go to one side."""
    held = np.array([heldout_movie(m, every) for m in reviews.movies])
    return reviews.take(~held), reviews.take(held)
