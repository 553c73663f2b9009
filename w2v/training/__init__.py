"""Stage 3, the training engine and its drivers: the shared Numba update
(``kernels``), sampling tables and the Huffman tree (``tables``), and the word2vec
driver (``word2vec``: vocabulary, schedule, threads). Imports the stages below."""
