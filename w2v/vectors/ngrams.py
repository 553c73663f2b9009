"""Vectors for words never seen, from a subword model's character n-grams: fastText's
n-grams and hash in plain Python, for one word at a time (the query side never loads
Numba; ``text.subwords`` computes the vocabulary's all at once, and the tests check
that the two agree).

A word's n-grams are the runs of ``minn`` to ``maxn`` characters of ``<word>``, one
bracket alone left out, repeats kept; each goes to bucket FNV-1a(bytes) mod
``buckets``, each byte sign-extended to 32 bits before the XOR (fastText's
``Dictionary::computeSubwords`` and ``hash``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619


def ngram_buckets(word: str, minn: int, maxn: int, buckets: int) -> list[int]:
    """The buckets of ``word``'s n-grams, in fastText's order."""
    if maxn == 0 or word == "</s>":
        return []
    data = ("<" + word + ">").encode("utf-8", "surrogateescape")
    starts = [i for i, byte in enumerate(data) if byte & 0xC0 != 0x80] + [len(data)]
    out = []
    for s in range(len(starts) - 1):
        h = _FNV_OFFSET
        for n in range(1, maxn + 1):
            if s + n >= len(starts):
                break
            for byte in data[starts[s + n - 1]:starts[s + n]]:
                h = ((h ^ (byte | 0xFFFFFF00 if byte >= 128 else byte)) * _FNV_PRIME
                     ) & 0xFFFFFFFF
            if n >= minn and not (n == 1 and (s == 0 or s + n == len(starts) - 1)):
                out.append(h % buckets)
    return out


@dataclass
class NgramVectors:
    """The trained n-gram rows of a subword model: ``vectors[k]`` is the row of bucket
    ``buckets_used[k]`` (sorted); buckets no vocabulary word uses have none."""

    vectors: np.ndarray  # float32 (buckets used x dim); np.memmap when read from a file
    buckets_used: np.ndarray  # int64, sorted
    minn: int
    maxn: int
    buckets: int

    def rows(self, word: str) -> np.ndarray:
        """The rows of ``word``'s n-grams that were trained, repeats kept."""
        wanted = np.array(ngram_buckets(word, self.minn, self.maxn, self.buckets),
                          dtype=np.int64)
        where = np.searchsorted(self.buckets_used, wanted)
        found = where < len(self.buckets_used)
        found[found] = self.buckets_used[where[found]] == wanted[found]
        return where[found]

    def vector(self, word: str) -> np.ndarray | None:
        """The mean of ``word``'s trained n-gram rows; None when none was trained."""
        rows = self.rows(word)
        if not len(rows):
            return None
        return np.asarray(self.vectors[rows], dtype=np.float32).mean(axis=0)
