"""Stage 1, vectors and their files: ``KeyedVectors`` and its queries (``keyed``), the
word2vec files (``formats``) and the native ``.w2v`` file (``native``). NumPy only,
never Numba; imports the leaves only."""

from .keyed import KeyedVectors

__all__ = ["KeyedVectors"]
