"""Stage 2, reading text into ids: corpora (``corpus``), the Numba tokeniser (``scan``),
the vocabulary and encoded corpus (``vocab``), phrases (``phrases`` with its kernels,
``bigrams``) and fastText's subwords (``subwords``).
Imports the leaves and ``w2v.vectors`` only."""
