"""Numba kernels of the subword model (``subwords``): every word's character n-grams,
hashed into buckets as fastText hashes them. Imports only w2v.jit; the caller
allocates every array.

``text[offsets[w]:offsets[w + 1]]`` holds word w's UTF-8 bytes inside its brackets
(``<word>``). Its n-grams are the runs of ``minn`` to ``maxn`` characters that start
at each character (a byte that is not a continuation byte, 10xxxxxx), longest last,
leaving out a single bracket; fastText's ``Dictionary::computeSubwords``. Each is
hashed with 32-bit FNV-1a over its bytes, each byte sign-extended before the XOR (as
fastText casts ``char`` to ``int8_t``), and taken modulo ``buckets``.
"""

import numpy as np

from ..jit import kernel

_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619
_LOW32 = 0xFFFFFFFF


@kernel
def count_ngrams(text, offsets, minn, maxn, counts):
    """counts[w] = how many n-grams word w has."""
    for w in range(len(offsets) - 1):
        counts[w] = _ngrams(text, offsets[w], offsets[w + 1], minn, maxn, 1, counts[w:w])


@kernel
def hash_ngrams(text, offsets, minn, maxn, buckets, starts, out):
    """out[starts[w]:starts[w + 1]] = the buckets of word w's n-grams, in fastText's
    order (``starts``: the running sum of ``count_ngrams``)."""
    for w in range(len(offsets) - 1):
        _ngrams(text, offsets[w], offsets[w + 1], minn, maxn, buckets,
                out[starts[w]:starts[w + 1]])


@kernel(inline=True)
def _ngrams(text, a, b, minn, maxn, buckets, out):
    """Write the buckets of the n-grams of text[a:b] to ``out`` (unless it is empty:
    counting only); return how many there are."""
    k = 0
    for i in range(a, b):
        if (text[i] & 0xC0) == 0x80:
            continue
        h = np.uint64(_FNV_OFFSET)
        j = i
        n = 1
        while j < b and n <= maxn:
            h = _step(h, text[j])
            j += 1
            while j < b and (text[j] & 0xC0) == 0x80:
                h = _step(h, text[j])
                j += 1
            if n >= minn and not (n == 1 and (i == a or j == b)):
                if len(out):
                    out[k] = np.int64(h % np.uint64(buckets))
                k += 1
            n += 1
    return k


@kernel(inline=True)
def _step(h, byte):
    """One FNV-1a step on a byte sign-extended to 32 bits."""
    extended = np.uint64(byte) | (np.uint64(0xFFFFFF00) if byte >= 128 else np.uint64(0))
    return ((h ^ extended) * np.uint64(_FNV_PRIME)) & np.uint64(_LOW32)
