"""``KeyedVectors``: words and their vectors, cosine neighbours, analogies, files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np

from . import formats
from .errors import UnknownWordError


class KeyedVectors:
    """Words (most frequent first) and a float32 matrix with one row per word.

    ``counts`` (corpus frequencies) is known for vectors trained here and ``None`` for
    vectors read from word2vec files, which do not store it.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray,
                 counts: np.ndarray | None = None):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(f"need one vector row per word: {len(words)} words, "
                             f"matrix of shape {vectors.shape}")
        self.words = list(words)
        self.vectors = vectors
        self.counts = counts
        self.index: dict[str, int] = {}
        for i, word in enumerate(self.words):  # a duplicated word resolves to its first row
            self.index.setdefault(word, i)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.index_of(word)]

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self):,} words x {self.dim} dimensions)"

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    @cached_property
    def unit(self) -> np.ndarray:
        """The vectors scaled to unit length (all-zero rows stay zero)."""
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        return self.vectors / np.where(norms > 0, norms, 1).astype(np.float32)

    def index_of(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            hint = next((w for w in (word.lower(), word.capitalize(), word.upper())
                         if w != word and w in self.index), None)
            maybe = f"; did you mean '{hint}'?" if hint else ""
            raise UnknownWordError(f"'{word}' is not in the vocabulary "
                                   f"({len(self):,} words){maybe}") from None

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words."""
        return float(self.unit[self.index_of(a)] @ self.unit[self.index_of(b)])

    def most_similar(self, positive: Iterable[str], negative: Iterable[str] = (),
                     topn: int = 10, restrict: int | None = None) -> list[tuple[str, float]]:
        """Words ranked by cosine similarity to the normalised mean of the unit vectors
        of ``positive`` minus those of ``negative``; the query words are excluded.
        ``restrict`` searches only the first (most frequent) ``restrict`` words."""
        positive, negative = list(positive), list(negative)
        query = [self.index_of(w) for w in positive + negative]
        signs = np.array([1.0] * len(positive) + [-1.0] * len(negative), dtype=np.float32)
        mean = signs @ self.unit[query] / len(query)
        norm = np.linalg.norm(mean)
        if norm > 0:
            mean /= norm
        candidates = self.unit if restrict is None else self.unit[:restrict]
        scores = candidates @ mean
        excluded = {i for i in query if i < len(scores)}
        scores[list(excluded)] = -np.inf
        topn = max(0, min(topn, len(scores) - len(excluded)))
        best = np.argpartition(-scores, topn - 1)[:topn] if topn else np.array([], int)
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in best]

    def analogy(self, a: str, b: str, c: str, topn: int = 10,
                restrict: int | None = None) -> list[tuple[str, float]]:
        """Words nearest to a - b + c (3CosAdd), excluding a, b and c:
        ``analogy("king", "man", "woman")`` ranks "queen" first on good vectors."""
        return self.most_similar([a, c], [b], topn=topn, restrict=restrict)

    def save(self, path: str | os.PathLike) -> None:
        """Write a word2vec file, binary for ``.bin``, text for ``.txt``/``.vec``."""
        formats.save(path, self.words, self.vectors)

    @classmethod
    def load(cls, path: str | os.PathLike) -> KeyedVectors:
        """Read a word2vec file, binary for ``.bin``, text for ``.txt``/``.vec``."""
        words, vectors = formats.load(path)
        return cls(words, vectors)
