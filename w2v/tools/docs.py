"""Evaluating document vectors by the two protocols paragraph vectors are reported on.

* Classification (IMDB sentiment, Le and Mikolov 2014): ``tag<TAB>label`` lines, with
  a third field ``train`` or ``test`` giving the split (else a seeded random
  ``train_share`` of the documents trains). scikit-learn's ``LogisticRegression`` (the
  ``eval`` extra, at its defaults but for ``max_iter``) learns the labels from the
  train documents' vectors; the score is its accuracy on the test documents'.
* Similarity (the Lee corpus, Lee, Pincombe and Welsh 2005): a square matrix of human
  ratings of N documents, one row a line, numbers separated by whitespace or commas;
  Pearson's r and Spearman's rho between the ratings and the cosine similarities of
  the documents' vectors, over the pairs above the diagonal.

Every system's vectors go through the same code (``benchmarks/docs.py``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import EvaluationError, W2VError
from ..text.corpus import open_bytes
from ..vectors.keyed import KeyedVectors, unit_length
from .evaluate import _pearson, _ranks
from .nodes import INSTALL, MAX_ITER, SPLITS


@dataclass(frozen=True)
class DocClassification:
    accuracy: float  # on the test documents
    train: int  # documents the classifier learnt from
    test: int  # documents scored
    missing: int  # labelled tags with no vector, left out
    classes: int
    split: str  # "file" or the train share, as text

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RatedSimilarity:
    pearson: float
    spearman: float
    pairs: int
    documents: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def read_doc_labels(path: str) -> list[tuple[str, str, str | None]]:
    """(tag, label, split or None) of every ``tag<TAB>label[<TAB>split]`` line."""
    rows = []
    with open_bytes(path) as stream:
        for number, line in enumerate(stream, 1):
            text = line.decode("utf-8", "surrogateescape").rstrip("\r\n")
            if not text.strip() or text.startswith("#"):
                continue
            fields = text.split("\t")
            if len(fields) not in (2, 3) or not all(f.strip() for f in fields):
                raise EvaluationError(f"{path}, line {number}: expected 'tag<TAB>label' or "
                                      f"'tag<TAB>label<TAB>train|test'")
            split = fields[2].strip() if len(fields) == 3 else None
            if split is not None and split not in SPLITS:
                raise EvaluationError(f"{path}, line {number}: the split must be train or "
                                      f"test, not {split!r}")
            rows.append((fields[0], fields[1].strip(), split))
    if not rows:
        raise EvaluationError(f"{path} holds no label")
    if len({split is None for _, _, split in rows}) > 1:
        raise EvaluationError(f"{path}: give a split on every line or on none")
    return rows


def classify_docs(docs: KeyedVectors, labels_path: str, train_share: float = 0.5,
                  seed: int = 1) -> DocClassification:
    """Accuracy of logistic regression from the document vectors to their labels."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise W2VError(f"document evaluation needs scikit-learn: {INSTALL}") from None
    rows = read_doc_labels(labels_path)
    known = [(docs.index[tag], label, split) for tag, label, split in rows if tag in docs.index]
    if not known:
        raise EvaluationError(f"no tag of {labels_path} names a document of the model "
                              f"({len(docs):,} documents, tags such as {docs.words[0]!r})")
    at = np.array([i for i, _, _ in known])
    labels = np.array([label for _, label, _ in known])
    if known[0][2] is not None:
        train = np.array([split == "train" for _, _, split in known])
        split = "file"
    else:
        if not 0 < train_share < 1:
            raise EvaluationError(f"the train share must be between 0 and 1, not {train_share}")
        order = np.random.default_rng(seed).permutation(len(known))
        train = np.zeros(len(known), dtype=bool)
        train[order[:max(1, int(round(train_share * len(known))))]] = True
        split = f"{train_share:g}"
    if train.all() or not train.any():
        raise EvaluationError(f"{labels_path} leaves no document to "
                              f"{'test' if train.all() else 'train'} on")
    if len(set(labels[train].tolist())) < 2:
        raise EvaluationError(f"{labels_path}: the train documents have fewer than two labels")
    vectors = np.asarray(docs.vectors, dtype=np.float32)[at]
    model = LogisticRegression(max_iter=MAX_ITER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(vectors[train], labels[train])
    accuracy = float((model.predict(vectors[~train]) == labels[~train]).mean())
    return DocClassification(accuracy=accuracy, train=int(train.sum()),
                             test=int((~train).sum()), missing=len(rows) - len(known),
                             classes=len(set(labels.tolist())), split=split)


def read_ratings(path: str) -> np.ndarray:
    """A square matrix of ratings, one row a line."""
    rows = []
    with open_bytes(path) as stream:
        for number, line in enumerate(stream, 1):
            fields = [f for f in re.split(r"[\s,]+", line.decode("utf-8", "replace")) if f]
            if not fields:
                continue
            try:
                rows.append([float(f) for f in fields])
            except ValueError:
                raise EvaluationError(f"{path}, line {number}: expected numbers") from None
    if not rows or any(len(r) != len(rows) for r in rows):
        raise EvaluationError(f"{path} is not a square matrix of numbers "
                              f"({len(rows)} rows)")
    return np.array(rows)


def rated_similarity(docs: KeyedVectors, ratings_path: str, first: str | None = None,
                     tags: list[str] | None = None) -> RatedSimilarity:
    """Correlation of the document vectors' cosines with the ratings. The matrix's
    documents are ``tags`` in order, or the N consecutive vectors from tag ``first``
    on, or the last N."""
    ratings = read_ratings(ratings_path)
    n = len(ratings)
    if n < 3 or n > len(docs):
        raise EvaluationError(f"{ratings_path} rates {n} documents; the model has "
                              f"{len(docs):,}")
    for tag in (tags or []) + ([first] if first is not None else []):
        if tag not in docs.index:
            raise EvaluationError(f"no document is tagged {tag!r}")
    if tags is not None:
        if len(tags) != n:
            raise EvaluationError(f"{ratings_path} rates {n} documents, not {len(tags)}")
        rows = [docs.index[tag] for tag in tags]
    else:
        start = len(docs) - n if first is None else docs.index[first]
        if start + n > len(docs):
            raise EvaluationError(f"{n} documents from {first!r} on run past the model's "
                                  f"last ({len(docs):,} documents)")
        rows = list(range(start, start + n))
    unit = unit_length(np.asarray(docs.vectors)[rows])
    upper = np.triu_indices(n, k=1)
    cosines = (unit @ unit.T)[upper]
    human = ratings[upper]
    return RatedSimilarity(pearson=_pearson(human, cosines),
                           spearman=_pearson(_ranks(human), _ranks(cosines)),
                           pairs=len(human), documents=n)
