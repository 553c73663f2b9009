"""``KeyedVectors``: words and their vectors, cosine neighbours, analogies, files.

Imports only numpy (no Numba): the query commands load nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property

import numpy as np

from ..errors import ModelFileError, UnknownWordError
from . import formats
from .native import ModelData
from .ngrams import NgramVectors

_CHUNK_ROWS = 1 << 14  # rows read and scored at once when a mapped matrix is scanned
METRICS = ("cosine", "euclidean")


class KeyedVectors:
    """Words (most frequent first) and a float32 matrix with one row per word.

    ``counts`` (corpus frequencies) is known for vectors trained here or read from a
    native ``.w2v`` file, and ``None`` for vectors read from word2vec files.
    ``output_weights`` (word2vec's syn1neg, for continuing training) and ``metadata``
    (training settings and corpus statistics) are kept likewise. A subword model also
    has ``ngrams`` (``NgramVectors``): a word outside the vocabulary then has the mean
    of its trained n-gram rows as its vector, in every query. A matrix loaded from a
    ``.w2v`` file is memory-mapped (read-only): rows come from disk as they are used,
    and a neighbour search reads it in blocks instead of copying or mapping all of it.
    A document model (``w2v docs train``) also has ``docs``: its document vectors, as
    a ``KeyedVectors`` of their tags.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray,
                 counts: np.ndarray | None = None, output_weights: np.ndarray | None = None,
                 metadata: dict | None = None, ngrams: NgramVectors | None = None,
                 docs: KeyedVectors | None = None):
        if not isinstance(vectors, np.memmap):
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(f"need one vector row per word: {len(words)} words, "
                             f"matrix of shape {vectors.shape}")
        self.words = words if isinstance(words, list) else list(words)
        self.vectors = vectors
        self.counts = counts
        self.output_weights = output_weights
        self.metadata = metadata or {}
        self.ngrams = ngrams
        self.docs = docs
        self._rows_in_file: tuple[str, int] | None = None  # (path, offset): see load
        self.index: dict[str, int] = first_positions(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        return self._query(word)[0]

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self):,} words x {self.dim} dimensions)"

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    @cached_property
    def unit(self) -> np.ndarray:
        """The vectors scaled to unit length (all-zero rows stay zero); a copy."""
        return unit_length(self.vectors)

    def unit_rows(self, n: int) -> np.ndarray:
        """The first ``n`` rows of ``unit``, without normalising the rest."""
        if "unit" in self.__dict__ or n >= len(self):
            return self.unit[:n]
        return unit_length(self.vectors[:n])

    def index_of(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            hint = next((w for w in (word.lower(), word.capitalize(), word.upper())
                         if w != word and w in self.index), None)
            maybe = f"; did you mean '{hint}'?" if hint else ""
            raise UnknownWordError(f"'{word}' is not in the vocabulary "
                                   f"({len(self):,} words){maybe}") from None

    def _query(self, word: str) -> tuple[np.ndarray, int | None]:
        """A query word's vector and its row; a word outside the vocabulary of a
        subword model has its n-grams' mean and no row."""
        i = self.index.get(word)
        if i is not None:
            return self.vectors[i], i
        if self.ngrams is None:
            self.index_of(word)  # raises, with a spelling hint
        vector = self.ngrams.vector(word)
        if vector is None:
            raise UnknownWordError(f"'{word}' is not in the vocabulary ({len(self):,} "
                                   "words), and none of its character n-grams was trained")
        return vector, None

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words."""
        (u, i), (v, j) = self._query(a), self._query(b)
        if i is not None and j is not None:
            return self.cosine(i, j)
        both = unit_length(np.array([u, v]))
        return float(both[0] @ both[1])

    def cosine(self, i: int, j: int) -> float:
        """Cosine similarity of the rows ``i`` and ``j``."""
        if "unit" in self.__dict__:
            return float(self.unit[i] @ self.unit[j])
        a, b = unit_length(self.vectors[[i, j]])
        return float(a @ b)

    def most_similar(self, positive: Iterable[str], negative: Iterable[str] = (),
                     topn: int = 10, restrict: int | None = None,
                     metric: str = "cosine") -> list[tuple[str, float]]:
        """The words nearest to a query, the query words excluded; ``restrict`` searches
        only the first (most frequent) ``restrict`` words.

        ``metric="cosine"``: ranked by cosine similarity (the score, highest first) to
        the normalised mean of the unit vectors of ``positive`` minus those of
        ``negative``. ``metric="euclidean"``: ranked by Euclidean distance (the score,
        smallest first) between the raw vectors, not normalised, and the point
        sum(positive) - sum(negative), divided by len(positive) - len(negative) when
        that is 1 or more (one word's own vector; several words' mean; a - b + c)."""
        positive, negative = list(positive), list(negative)
        asked = [self._query(w) for w in positive + negative]
        rows = np.array([vector for vector, _ in asked], dtype=np.float32)
        query = [i for _, i in asked if i is not None]  # excluded from the answers
        signs = np.array([1.0] * len(positive) + [-1.0] * len(negative), dtype=np.float32)
        if metric == "euclidean":
            point = signs.astype(np.float64) @ rows
            point /= max(1, len(positive) - len(negative))
        else:
            point = signs @ unit_length(rows) / len(rows)
        return self.nearest(point, topn, exclude=query, restrict=restrict, metric=metric)

    def nearest(self, vector: np.ndarray, topn: int = 10, exclude: Iterable[int] = (),
                restrict: int | None = None, metric: str = "cosine") -> list[tuple[str, float]]:
        """The words (or tags) nearest to a vector, leaving out the rows ``exclude``;
        ``metric`` and ``restrict`` as for ``most_similar``."""
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
        n = len(self) if restrict is None else min(restrict, len(self))
        if metric == "euclidean":
            point = np.asarray(vector, dtype=np.float64)
            scores = _scan(self, n, lambda rows: -np.linalg.norm(rows - point, axis=1))
        else:
            mean = np.asarray(vector, dtype=np.float32)
            norm = np.linalg.norm(mean)
            if norm > 0:
                mean = mean / norm
            if "unit" in self.__dict__ or self._rows_in_file is None:
                scores = self.unit[:n] @ mean
            else:
                scores = _scan(self, n, lambda rows: unit_length(rows) @ mean)
        excluded = {i for i in exclude if i < len(scores)}
        scores[list(excluded)] = -np.inf
        topn = max(0, min(topn, len(scores) - len(excluded)))
        best = np.argpartition(-scores, topn - 1)[:topn] if topn else np.array([], int)
        best = best[np.argsort(-scores[best], kind="stable")]
        sign = -1.0 if metric == "euclidean" else 1.0
        return [(self.words[i], sign * float(scores[i])) for i in best]

    def analogy(self, a: str, b: str, c: str, topn: int = 10, restrict: int | None = None,
                metric: str = "cosine") -> list[tuple[str, float]]:
        """Words nearest to a - b + c (3CosAdd with cosine), excluding a, b and c:
        ``analogy("king", "man", "woman")`` ranks "queen" first on good vectors."""
        return self.most_similar([a, c], [b], topn=topn, restrict=restrict, metric=metric)

    def save(self, path: str | os.PathLike, format: str | None = None) -> None:
        """Write a vector file, its format from the suffix (``.w2v`` native, ``.bin``
        word2vec binary, ``.txt``/``.vec`` text, ``.txt.gz``) or from ``format``."""
        from ..version import __version__

        docs = None if self.docs is None else (self.docs.words, self.docs.vectors)
        formats.save(path, ModelData(self.words, self.vectors, self.counts,
                                     self.output_weights, self.metadata, self.ngrams, docs),
                     format=format, version=__version__)

    @classmethod
    def load(cls, path: str | os.PathLike, format: str | None = None,
             limit: int | None = None) -> KeyedVectors:
        """Read a vector file (native files by their magic bytes, others by suffix or
        ``format``): the ``limit`` most frequent words only, when given."""
        data = formats.load(path, format=format, limit=limit)
        docs = None if data.docs is None else _mapped(cls(*data.docs))
        return _mapped(cls(data.words, data.vectors, counts=data.counts,
                           output_weights=data.output_weights, metadata=data.metadata,
                           ngrams=data.ngrams, docs=docs))


def _mapped(kv: KeyedVectors) -> KeyedVectors:
    """Note where a whole matrix mapped from a file (by native.read) lies in it."""
    if isinstance(kv.vectors, np.memmap):
        kv._rows_in_file = (kv.vectors.filename, kv.vectors.offset)
    return kv


def first_positions(words: Sequence[str]) -> dict[str, int]:
    """Each word's position; a duplicated word maps to its first (the dict is built
    back to front, in one call)."""
    return dict(zip(reversed(words), range(len(words) - 1, -1, -1)))


def _scan(kv: KeyedVectors, n: int, score: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``score(rows)`` of the first ``n`` rows, a block of ``_CHUNK_ROWS`` at a time
    (float64 scores). A matrix mapped from a file is read into one reused buffer
    rather than through the mapping, so the process holds one block at a time, not
    every page of the matrix it has read."""
    scores = np.empty(n, dtype=np.float64)
    if kv._rows_in_file is None:
        for lo in range(0, n, _CHUNK_ROWS):
            rows = kv.vectors[lo:min(n, lo + _CHUNK_ROWS)]
            scores[lo:lo + len(rows)] = score(rows)
        return scores
    path, offset = kv._rows_in_file
    block = np.empty((min(n, _CHUNK_ROWS), kv.dim), dtype="<f4")
    with open(path, "rb") as f:
        f.seek(offset)
        for lo in range(0, n, _CHUNK_ROWS):
            rows = block[:min(_CHUNK_ROWS, n - lo)]
            if f.readinto(memoryview(rows).cast("B")) != rows.nbytes:
                raise ModelFileError(f"{path} was cut short while being read")
            scores[lo:lo + len(rows)] = score(rows)
    return scores


def unit_length(rows: np.ndarray) -> np.ndarray:
    """The rows scaled to length 1 (all-zero rows stay zero), float32."""
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1).astype(np.float32)
