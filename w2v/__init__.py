"""w2v: word2vec (skip-gram and CBOW with negative sampling) on Numba kernels.

    from w2v import train, TrainConfig, KeyedVectors
    kv = train("corpus.txt", TrainConfig(arch="skipgram", dim=100))
    kv.most_similar(["king"])

``train``, ``train_docs`` (Doc2Vec), ``infer_docs``, ``train_glove`` and ``Progress``
are imported on first use: loading and querying vectors needs only NumPy, never Numba.
"""

from .config import GloveConfig, TrainConfig
from .errors import W2VError
from .vectors import KeyedVectors
from .version import __version__

__all__ = ["GloveConfig", "KeyedVectors", "Progress", "TrainConfig", "W2VError", "__version__",
           "infer_docs", "train", "train_docs", "train_glove"]


def __getattr__(name: str):
    if name in ("train", "Progress"):
        from .training import word2vec

        return getattr(word2vec, name)
    if name in ("train_docs", "infer_docs"):
        from .training import docs

        return docs.train_docs if name == "train_docs" else docs.infer
    if name == "train_glove":
        from .training import glove

        return glove.train_glove
    raise AttributeError(f"module 'w2v' has no attribute {name!r}")
