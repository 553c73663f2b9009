"""fastText's subword model, on the text side: each word's character n-grams hashed
into buckets exactly as fastText 0.9.2 does (kernels in ``ngrams``), and the table
that gives every vocabulary word its input rows.

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

from . import ngrams

BOW, EOW = "<", ">"
EOS = "</s>"  # fastText's end-of-sentence word: no n-grams


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


def word_buckets(words: Sequence[str], minn: int, maxn: int,
                 buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """The buckets of each word's n-grams, in fastText's order: (starts, flat) with word
    w's at ``flat[starts[w]:starts[w + 1]]``. ``</s>`` and ``maxn`` 0 give none."""
    if maxn == 0:
        return np.zeros(len(words) + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    encoded = [(BOW + w + EOW).encode("utf-8", "surrogateescape") if w != EOS else b""
               for w in words]
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    text = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    counts = np.empty(len(words), dtype=np.int64)
    ngrams.count_ngrams(text, offsets, minn, maxn, counts)
    starts = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    flat = np.empty(int(starts[-1]), dtype=np.int64)
    ngrams.hash_ngrams(text, offsets, minn, maxn, buckets, starts, flat)
    return starts, flat


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
