"""Word classes: spherical k-means on the unit vectors, as the word2vec C tool's
``-classes`` (NumPy only).

Like the C tool, word i starts in class ``i % k`` (so runs are deterministic), each
centroid is the normalised sum of its words' vectors, and each iteration moves every
word to the class whose centroid has the largest dot product with it. Unlike the C
tool, which compares centroids with the raw vectors, w2v clusters the unit vectors
(cosine similarity, the measure every other query uses), and stops early once no word
changes class.
"""

from __future__ import annotations

import numpy as np

from ..errors import W2VError
from ..vectors.keyed import KeyedVectors

_BLOCK = 8192  # words scored against every centroid at once


def kmeans(kv: KeyedVectors, k: int, iterations: int = 10) -> tuple[np.ndarray, int]:
    """The class (0..k-1) of every word, and the iterations run."""
    n = len(kv)
    if not 1 <= k <= n:
        raise W2VError(f"cannot make {k:,} classes of {n:,} words; choose -k from 1 to {n:,}")
    unit = kv.unit
    labels = np.arange(n) % k
    rounds = 0
    while rounds < iterations:
        rounds += 1
        centroids = np.zeros((k, kv.dim), dtype=np.float32)
        np.add.at(centroids, labels, unit)
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        centroids /= np.where(norms > 0, norms, 1)
        moved = labels.copy()
        for lo in range(0, n, _BLOCK):
            moved[lo:lo + _BLOCK] = np.argmax(unit[lo:lo + _BLOCK] @ centroids.T, axis=1)
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels, rounds
