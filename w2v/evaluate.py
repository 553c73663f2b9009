"""Intrinsic benchmarks: analogy accuracy (3CosAdd) and word-pair similarity.

The conventions are those of word2vec's compute-accuracy and gensim 4.4's
``evaluate_word_analogies`` / ``evaluate_word_pairs``:

* Analogies: a line ``a b c d`` asks for d as the word nearest to b - a + c (unit
  vectors), excluding a, b and c. Only the ``restrict`` most frequent words are
  searched and all comparisons ignore case (the most frequent spelling of a word
  stands for it). A question with a word outside that range is skipped and counted in
  ``skipped``, not as wrong. Lines ``: name`` start sections; malformed lines are
  skipped and counted in ``malformed``.
* Word pairs: tab-separated ``word word score`` lines (``#`` starts a comment); pairs
  with a word missing from the vocabulary are skipped and counted. Spearman's rho ranks
  ties by their average rank.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from .errors import W2VError
from .vectors import KeyedVectors

BATCH = 512


@dataclass(frozen=True)
class Section:
    name: str
    correct: int
    total: int  # questions answered (not skipped)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class AnalogyResult:
    sections: list[Section]
    skipped: int  # questions with a word outside the searched vocabulary
    malformed: int = 0
    correct: int = field(init=False)
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "correct", sum(s.correct for s in self.sections))
        object.__setattr__(self, "total", sum(s.total for s in self.sections))

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class WordPairResult:
    spearman: float
    pearson: float
    pairs: int  # pairs scored
    skipped: int  # pairs with a word missing from the vocabulary


def analogies(kv: KeyedVectors, path: str | os.PathLike, restrict: int = 30000) -> AnalogyResult:
    """3CosAdd accuracy on an analogy file such as questions-words.txt."""
    n = min(restrict, len(kv))
    canonical = _case_folded_index(kv.words[:n])
    folded = np.array([canonical[w.upper()] for w in kv.words[:n]], dtype=np.int64)
    unit = kv.unit[:n]

    names, questions, skipped, malformed = [], [], 0, 0
    for line in _lines(path):
        if line.startswith(":"):
            names.append(line[1:].strip())
            questions.append([])
            continue
        words = line.upper().split()
        if len(words) != 4 or not names:
            malformed += 1
        elif all(w in canonical for w in words):
            questions[-1].append([canonical[w] for w in words])
        else:
            skipped += 1
    sections = [Section(name, _count_correct(unit, folded, np.array(q, dtype=np.int64)), len(q))
                for name, q in zip(names, questions)]
    return AnalogyResult(sections, skipped, malformed)


def _count_correct(unit: np.ndarray, folded: np.ndarray, questions: np.ndarray) -> int:
    """Questions (rows a, b, c, d of indices) whose best answer is d, 3CosAdd."""
    correct = 0
    for lo in range(0, len(questions), BATCH):
        a, b, c, d = questions[lo:lo + BATCH].T
        target = unit[b] - unit[a] + unit[c]
        scores = target @ unit.T
        rows = np.arange(len(a))
        for given in (a, b, c):
            scores[rows, given] = -np.inf
        top = min(5, scores.shape[1])
        best = np.argpartition(-scores, top - 1, axis=1)[:, :top]
        best = np.take_along_axis(best, np.argsort(-np.take_along_axis(scores, best, 1),
                                                   axis=1, kind="stable"), 1)
        # Skip other spellings of a, b and c, as gensim does among its top 5.
        answer = folded[best]
        other = (answer != folded[a][:, None]) & (answer != folded[b][:, None]) \
            & (answer != folded[c][:, None])
        first = np.where(other.any(axis=1), other.argmax(axis=1), top - 1)
        correct += int(np.sum(answer[rows, first] == folded[d]))
    return correct


def word_pairs(kv: KeyedVectors, path: str | os.PathLike) -> WordPairResult:
    """Spearman and Pearson correlation of cosine similarity with human scores."""
    canonical = _case_folded_index(kv.words)
    gold, model, skipped = [], [], 0
    for line in _lines(path):
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        a, b = parts[0].upper(), parts[1].upper()
        if a not in canonical or b not in canonical:
            skipped += 1
            continue
        gold.append(float(parts[2]))
        model.append(float(kv.unit[canonical[a]] @ kv.unit[canonical[b]]))
    if len(gold) < 2:
        raise W2VError(f"{os.fspath(path)}: fewer than two word pairs are in the vocabulary")
    gold_a, model_a = np.array(gold), np.array(model)
    return WordPairResult(spearman=_pearson(_ranks(gold_a), _ranks(model_a)),
                          pearson=_pearson(gold_a, model_a), pairs=len(gold), skipped=skipped)


def _case_folded_index(words: list[str]) -> dict[str, int]:
    """Upper-cased word -> index of its most frequent spelling."""
    index: dict[str, int] = {}
    for i, word in enumerate(words):
        index.setdefault(word.upper(), i)
    return index


def _lines(path: str | os.PathLike) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError as exc:
        raise W2VError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from None


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    denom = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / denom) if denom else 0.0
