"""w2v: word2vec (skip-gram and CBOW with negative sampling) on Numba kernels.

    from w2v import train, TrainConfig, KeyedVectors
    kv = train("corpus.txt", TrainConfig(arch="skipgram", dim=100))
    kv.most_similar(["king"])
"""

from .config import TrainConfig
from .errors import W2VError
from .train import Progress, train
from .vectors import KeyedVectors

__all__ = ["KeyedVectors", "Progress", "TrainConfig", "W2VError", "train"]
__version__ = "0.1.0"
