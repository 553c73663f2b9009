import os

import planted
import pytest

from w2v import TrainConfig, train

SHARED = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
EVAL = os.path.join(SHARED, "eval")
TEXT8 = os.path.join(SHARED, "corpora", "text8-prefix.txt")

# Small, quick settings on the planted corpus; one thread for reproducible runs.
PLANTED_CONFIG = dict(dim=20, min_count=1, sample=0.0, epochs=3, threads=1, seed=7)


@pytest.fixture(scope="session")
def planted_sentences():
    return planted.sentences()


@pytest.fixture(scope="session")
def planted_file(tmp_path_factory, planted_sentences):
    path = tmp_path_factory.mktemp("corpus") / "planted.txt"
    path.write_text("\n".join(" ".join(s) for s in planted_sentences) + "\n")
    return path


@pytest.fixture(scope="session")
def planted_kv(planted_sentences):
    return train(planted_sentences, TrainConfig(**PLANTED_CONFIG))
