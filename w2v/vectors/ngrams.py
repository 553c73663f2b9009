"""Vectors for words never seen, from a subword model's character n-grams: fastText's
n-grams and hash, vectorised in NumPy (the query side never loads Numba), for one word
or a whole vocabulary (``text.subwords`` builds the training table from them).

A word's n-grams are the runs of ``minn`` to ``maxn`` characters of ``<word>``, one
bracket alone left out, repeats kept; each goes to bucket FNV-1a(bytes) mod
``buckets``, each byte sign-extended to 32 bits before the XOR (fastText's
``Dictionary::computeSubwords`` and ``hash``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619
_CHUNK_BYTES = 1 << 22  # words hashed at once: about 4 MiB of their bytes
_SUM_WORDS = 4096  # words whose n-gram rows are summed at once


def ngram_buckets(word: str, minn: int, maxn: int, buckets: int) -> list[int]:
    """The buckets of ``word``'s n-grams, in fastText's order."""
    return word_buckets([word], minn, maxn, buckets)[1].tolist()


def word_buckets(words: Sequence[str], minn: int, maxn: int,
                 buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """The buckets of each word's n-grams, in fastText's order: (starts, flat) with word
    w's at ``flat[starts[w]:starts[w + 1]]``. ``</s>`` and ``maxn`` 0 give none.

    Vectorised over every character of a block of words: the hash of the n-gram of
    length n starting at each character is the hash of the one of length n - 1 there,
    stepped over the bytes of one more character."""
    starts = np.zeros(len(words) + 1, dtype=np.int64)
    if maxn == 0 or not words:
        return starts, np.zeros(0, dtype=np.int64)
    pieces, lo = [], 0
    while lo < len(words):  # blocks of words, so the per-character arrays stay small
        hi, size = lo, 0
        while hi < len(words) and (hi == lo or size < _CHUNK_BYTES):
            size += len(words[hi]) + 2
            hi += 1
        counts, flat = _block_buckets(words[lo:hi], minn, maxn, buckets)
        np.cumsum(counts, out=starts[lo + 1:hi + 1])
        starts[lo + 1:hi + 1] += starts[lo]
        pieces.append(flat)
        lo = hi
    return starts, np.concatenate(pieces)


def _block_buckets(words: Sequence[str], minn: int, maxn: int,
                   buckets: int) -> tuple[np.ndarray, np.ndarray]:
    encoded = [("<" + w + ">").encode("utf-8", "surrogateescape") if w != "</s>" else b""
               for w in words]
    text = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    ends = np.cumsum([len(e) for e in encoded])  # each word's end, in bytes
    first = np.flatnonzero(text & 0xC0 != 0x80)  # each character's first byte
    word_of = np.searchsorted(ends, first, side="right")  # the word of each character
    last = np.searchsorted(first, ends, side="left")  # one past each word's characters
    char_end = np.append(first[1:], len(text))  # one past each character's bytes
    chars = len(first)
    extended = text.astype(np.uint32)
    extended[text >= 128] |= 0xFFFFFF00  # fastText hashes each byte as a signed char
    h = np.full(chars, _FNV_OFFSET, dtype=np.uint32)
    at = np.arange(chars)
    limit = last[word_of]  # the end of each character's word, in characters
    word_start = np.append(0, last[:-1])[word_of]
    longest = min(maxn, int((limit - word_start).max(initial=0)))  # no n-gram is longer
    grams = np.zeros((chars, longest), dtype=np.int64)
    valid = np.zeros((chars, longest), dtype=bool)
    for n in range(1, longest + 1):
        alive = at + n <= limit  # the n-gram starting here fits in its word
        tail = at + n - 1  # the character this step adds
        pos = np.where(alive, first[np.minimum(tail, chars - 1)], 0)
        stop = np.where(alive, char_end[np.minimum(tail, chars - 1)], 0)
        while True:  # the added character's bytes, one at a time
            step = pos < stop
            if not step.any():
                break
            h[step] = (h[step] ^ extended[pos[step]]) * np.uint32(_FNV_PRIME)
            pos += step
        if n >= minn:
            keep = alive
            if n == 1:  # a bracket alone is no n-gram
                keep = alive & (at != word_start) & (at + 1 != limit)
            grams[:, n - 1] = h % np.uint32(buckets)
            valid[:, n - 1] = keep
    counts = np.bincount(word_of, weights=valid.sum(axis=1), minlength=len(words))
    return counts.astype(np.int64), grams[valid]


@dataclass
class NgramVectors:
    """The trained n-gram rows of a subword model: ``vectors[k]`` is the row of bucket
    ``buckets_used[k]`` (sorted); buckets no vocabulary word uses have none."""

    vectors: np.ndarray  # float32 (buckets used x dim); np.memmap when read from a file
    buckets_used: np.ndarray  # int64, sorted
    minn: int
    maxn: int
    buckets: int

    def find(self, buckets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The row of each of ``buckets``, and whether it has one (was trained)."""
        where = np.searchsorted(self.buckets_used, buckets)
        found = where < len(self.buckets_used)
        found[found] = self.buckets_used[where[found]] == buckets[found]
        return where, found

    def rows(self, word: str) -> np.ndarray:
        """The rows of ``word``'s n-grams that were trained, repeats kept."""
        where, found = self.find(np.array(ngram_buckets(word, self.minn, self.maxn,
                                                        self.buckets), dtype=np.int64))
        return where[found]

    def vector(self, word: str) -> np.ndarray | None:
        """The mean of ``word``'s trained n-gram rows; None when none was trained."""
        rows = self.rows(word)
        if not len(rows):
            return None
        return np.asarray(self.vectors[rows], dtype=np.float32).mean(axis=0)

    def own_rows(self, words: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """The words' own input rows, recovered from their vectors (the mean of the own
        row and the n-gram rows): rows x vector - the sum of the n-gram rows."""
        out = np.empty((len(words), self.vectors.shape[1]), dtype=np.float32)
        for lo, hi, counts, sums in self._sums(words):
            out[lo:hi] = counts * np.asarray(vectors[lo:hi], dtype=np.float64) - sums
        return out

    def word_vectors(self, words: Sequence[str], own: np.ndarray) -> np.ndarray:
        """The words' vectors from their own input rows: the mean of each word's own row
        and its n-gram rows, as fastText's ``getWordVector``."""
        out = np.empty((len(words), self.vectors.shape[1]), dtype=np.float32)
        for lo, hi, counts, sums in self._sums(words):
            out[lo:hi] = (np.asarray(own[lo:hi], dtype=np.float64) + sums) / counts
        return out

    def _sums(self, words: Sequence[str]) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
        """For blocks of ``words`` (vocabulary words: all their n-grams trained): the
        block's bounds, each word's number of input rows (its own and its n-grams',
        fastText's divisor; a column) and the float64 sums of its n-gram rows."""
        starts, flat = word_buckets(words, self.minn, self.maxn, self.buckets)
        where, found = self.find(flat)
        if not found.all():
            raise ValueError("a vocabulary word has an n-gram with no trained row")
        for lo in range(0, len(words), _SUM_WORDS):
            hi = min(len(words), lo + _SUM_WORDS)
            rows = np.asarray(self.vectors[where[starts[lo]:starts[hi]]], dtype=np.float64)
            ends = starts[lo:hi + 1] - starts[lo]
            counts = np.diff(ends)
            sums = np.zeros((hi - lo, self.vectors.shape[1]))
            if len(rows):  # reduceat gives a row, not zero, for a word with no n-grams
                sums = np.add.reduceat(rows, np.minimum(ends[:-1], len(rows) - 1), axis=0)
                sums[counts == 0] = 0
            yield lo, hi, (counts + 1)[:, None], sums
