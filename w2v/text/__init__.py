"""Stage 2, reading text into ids: corpora (``corpus``), the Numba tokeniser (``scan``),
the vocabulary and encoded corpus (``vocab``), and phrases (``phrases`` with its
kernels, ``bigrams``). Imports the leaves and ``w2v.vectors`` only."""
