"""fastText's subword model, on the text side: each word's character n-grams hashed
into buckets exactly as fastText 0.9.2 does (``vectors.ngrams.word_buckets``, which
the query side shares), and the table that gives every vocabulary word its input rows.

A word's input rows are its own row and one row per n-gram, repeats kept (fastText's
``Dictionary::initNgrams``): with ``minn=3, maxn=6``, ``where`` is ``<wh``, ``<whe``,
``<wher``, ``<where``, ``whe``, ..., and ``<where>`` itself when its length is within
minn..maxn. ``</s>`` gets no n-grams, as in fastText; ``maxn=0`` turns n-grams off.

Only the buckets some vocabulary word hashes to get a row: they are numbered densely
after the words' rows, in bucket order, so the input matrix holds (words + buckets
used) rows instead of fastText's (words + ``buckets``). ``SubwordTable.bucket_of``
maps a dense row back to its bucket (for fastText's files, whose matrix has every
bucket).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..vectors.ngrams import word_buckets


@dataclass(frozen=True)
class SubwordTable:
    """Input rows of each word: ``rows[offsets[w]:offsets[w + 1]]``, its own row ``w``
    first, then its n-grams' dense rows (``words + k`` for the k-th bucket used)."""

    offsets: np.ndarray  # int64, words + 1
    rows: np.ndarray  # int32
    bucket_of: np.ndarray  # int64: the bucket of dense row words + k, sorted

    @property
    def words(self) -> int:
        return len(self.offsets) - 1

    @property
    def matrix_rows(self) -> int:
        """Rows of the input matrix: one per word and one per bucket used."""
        return self.words + len(self.bucket_of)


def subword_table(words: Sequence[str], minn: int, maxn: int, buckets: int) -> SubwordTable:
    """Every word's input rows (see ``SubwordTable``)."""
    starts, flat = word_buckets(words, minn, maxn, buckets)
    used, dense = np.unique(flat, return_inverse=True)
    n = len(words)
    offsets = starts + np.arange(n + 1)  # each word's own row comes first
    rows = np.empty(len(flat) + n, dtype=np.int32)
    own = offsets[:-1]
    rows[own] = np.arange(n, dtype=np.int32)
    mask = np.ones(len(rows), dtype=bool)
    mask[own] = False
    rows[mask] = n + dense.reshape(-1)
    return SubwordTable(offsets, rows, used.astype(np.int64))
