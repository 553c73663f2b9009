"""Doc2Vec (Le and Mikolov 2014) on the word2vec engine: a document's vector is one
more row of the input matrix, after the words' rows, and one more input of every
centre word of the document (``kernels.train_range``'s ``docs``):

* PV-DBOW (``mode="dbow"``): the document's row alone predicts each of its words,
  skip-gram style; with ``dbow_words`` it joins each centre word's window, so the
  word vectors train by skip-gram in the same pass, sharing its negatives.
* PV-DM (``mode="dm"``): the mean of the window's rows and the document's row
  predicts the centre word, CBOW style.

Inference (``infer``) trains a new row per document with every word and output row
frozen. Its starting vector and its random numbers come from the seed and a hash of
the document's words, and nothing it writes is shared with another document, so a
text gets the same vector in every call, in any order, with any number of threads.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..config import TrainConfig
from ..errors import ConfigError
from ..text import tokenizers
from ..text.corpus import Corpus, describe
from ..text.documents import Documents, read_documents
from ..text.vocab import EncodedCorpus, Vocabulary
from ..vectors.keyed import KeyedVectors
from . import kernels
from .tables import build_alias
from .word2vec import Progress, initial_weights, settings, train_encoded

DOC_MODES = ("dbow", "dm")
# Document models start their input rows uniform in [-1/dim, 1/dim), as gensim's do,
# twice word2vec.c's range. On the Lee corpus (8 seeds each) word2vec.c's range cost
# PV-DBOW 0.011 and PV-DM 0.026 of Pearson's r against this one.
DOC_INIT_SCALE = 2.0


def train_docs(corpus: Corpus, config: TrainConfig, mode: str = "dbow",
               dbow_words: bool = False, tagged: bool = False, shuffle: bool = True,
               on_progress: Callable[[Progress], None] | None = None,
               on_documents: Callable[[Vocabulary, Documents], None] | None = None
               ) -> KeyedVectors:
    """Word and document vectors of ``corpus`` (one document a line; see
    ``text.documents``). ``config.arch`` is set by ``mode``: skip-gram for PV-DBOW,
    CBOW for PV-DM. The result's ``docs`` holds the document vectors by tag; in plain
    PV-DBOW the word vectors are untrained and the metadata says so. ``shuffle`` trains
    the documents in an order drawn from the seed instead of the file's (see
    ``shuffled``). ``on_documents(vocabulary, documents)`` runs before training (a check
    that raises there costs no training)."""
    if mode not in DOC_MODES:
        raise ConfigError("mode", f"must be one of {', '.join(DOC_MODES)} (got {mode!r})")
    if config.subwords or config.hs:
        raise ConfigError("subwords" if config.subwords else "hs",
                          "cannot be combined with document vectors")
    if dbow_words and mode != "dbow":
        raise ConfigError("dbow_words", "applies to PV-DBOW only (PV-DM trains words anyway)")
    config = dataclasses.replace(config, arch="cbow" if mode == "dm" else "skipgram")
    started = datetime.datetime.now(datetime.timezone.utc)
    vocab, encoded, documents = read_documents(corpus, config.min_count, config.max_vocab,
                                               tagged, config.tokenizer, config.lowercase,
                                               config.workers)
    if on_documents is not None:
        on_documents(vocab, documents)
    words = len(vocab)
    w_in, w_out = initial_weights(words, config, words + len(documents.tags))
    w_in *= DOC_INIT_SCALE
    sentence_rows = (documents.sentence_docs + words).astype(np.int32)
    if shuffle:
        encoded, sentence_rows = shuffled(encoded, sentence_rows, config.seed)
    doc_mode = 1 if mode == "dbow" and not dbow_words else 2
    word_vectors, output = train_encoded(vocab, encoded, config, on_progress,
                                         weights=(w_in, w_out),
                                         documents=(sentence_rows, doc_mode))
    metadata = {
        "config": settings(config),
        "docs": {"mode": mode, "dbow_words": dbow_words, "word_vectors_trained":
                 doc_mode == 2, "tagged": tagged, "shuffled": shuffle,
                 "documents": documents.count, "vectors": len(documents.tags),
                 "shared_tags": documents.shared, "wordless": documents.wordless},
        "corpus": {"source": describe(corpus), "tokens": encoded.raw_tokens,
                   "long_tokens_dropped": encoded.long_tokens, "words": encoded.words,
                   "sentences": len(encoded.sentence_starts) - 1, "vocabulary": words},
        "trained": started.isoformat(timespec="seconds"),
    }
    return KeyedVectors(vocab.words, word_vectors, counts=vocab.counts, output_weights=output,
                        metadata=metadata,
                        docs=KeyedVectors(documents.tags, w_in[words:]))


def shuffled(encoded: EncodedCorpus, sentence_rows: np.ndarray,
             seed: int) -> tuple[EncodedCorpus, np.ndarray]:
    """The documents (sentences) of ``encoded`` in an order drawn from ``seed``, and
    their rows in that order.

    A document's vector fits the word and output rows as they were when it last
    trained, and those rows drift over an epoch, so documents trained at about the same
    time share part of their vectors. In file order that part follows the file: on
    IMDB, sorted by split and label, PV-DM's vectors told the time of training apart
    better than the sentiment (51% accuracy on the test reviews, against 84.6%
    shuffled; PV-DBOW 85.5% against 89.5%). Shuffled, the drift is noise shared by no
    label."""
    starts = encoded.sentence_starts
    order = np.random.default_rng(seed).permutation(len(starts) - 1)
    lengths = np.diff(starts)[order]
    new_starts = np.zeros(len(starts), dtype=np.int64)
    np.cumsum(lengths, out=new_starts[1:])
    ids = np.empty_like(encoded.ids)
    for at, source, length in zip(new_starts[:-1].tolist(), starts[order].tolist(),
                                  lengths.tolist()):
        ids[at:at + length] = encoded.ids[source:source + length]
    return (dataclasses.replace(encoded, ids=ids, sentence_starts=new_starts,
                                sentence_lines=None), sentence_rows[order])


def tokenize(text: str, tokenizer: str = "whitespace", lowercase: bool = False) -> list[str]:
    """A text's words as training read them: whitespace-separated, or by the simple
    tokeniser's rules (``text.tokenizers``)."""
    if tokenizer == "simple":
        data = np.frombuffer(bytearray(text.encode("utf-8", "surrogateescape")), np.uint8)
        tokenizers.simple(data)
        return data.tobytes().decode("utf-8", "surrogateescape").lower().split()
    return text.lower().split() if lowercase else text.split()


def infer(model: KeyedVectors, texts: Sequence[str], epochs: int | None = None,
          alpha: float | None = None, min_alpha: float | None = None,
          seed: int | None = None, threads: int = 1) -> np.ndarray:
    """Vectors for new documents (float32, one row per text), tokenised as the model's
    documents were. The model's epochs, learning rates and seed by default. A text
    with no word of the vocabulary gets a zero vector."""
    doc = model.metadata.get("docs")
    if model.docs is None or not doc or model.output_weights is None or model.counts is None:
        raise ConfigError("model", "must be a document model written by w2v docs train")
    trained = model.metadata.get("config", {})
    config = TrainConfig(arch=trained.get("arch", "skipgram"), dim=model.dim,
                         window=trained.get("window", 5), negative=trained.get("negative", 5),
                         sample=trained.get("sample"), epochs=epochs or trained.get("epochs", 10),
                         alpha=alpha or trained.get("alpha"),
                         shrink_window=trained.get("shrink_window", True),
                         ns_exponent=trained.get("ns_exponent"),
                         seed=trained.get("seed", 1) if seed is None else seed)
    start = config.start_alpha
    end = min(start, trained.get("min_alpha", start * 1e-4) if min_alpha is None else min_alpha)
    words = len(model)
    vocab = Vocabulary(model.words, np.asarray(model.counts, dtype=np.int64))
    tables = (vocab.keep_probabilities(config.subsample),
              *build_alias(vocab.noise_distribution(config.noise_exponent)),
              np.zeros((1, 1), np.int32), np.zeros((1, 1), np.float32), np.zeros(1, np.int32))
    tokenizer, lowercase = trained.get("tokenizer", "whitespace"), trained.get("lowercase")
    encoded = [np.array([model.index[w] for w in tokenize(text, tokenizer, lowercase)
                         if w in model.index], dtype=np.int32) for text in texts]
    w_in = np.empty((words + len(texts), model.dim), dtype=np.float32)
    w_in[:words] = model.vectors
    w_out = np.array(model.output_weights, dtype=np.float32)
    weights = (w_in, w_out, np.zeros((1, model.dim), np.float32))
    doc_mode = 1 if doc["mode"] == "dbow" and not doc.get("dbow_words") else 2
    longest = max((len(ids) for ids in encoded), default=0)

    def some(part: np.ndarray) -> None:
        scratch = kernels.scratch_space(longest, config.window, config.negative, model.dim)
        for k in part.tolist():
            one(k, scratch)

    def one(k: int, scratch: tuple) -> None:
        ids = encoded[k]
        digest = hashlib.blake2b(ids.tobytes(), digest_size=8).digest()
        text_seed = int.from_bytes(digest, "little")
        row = w_in[words + k]
        rng = np.random.default_rng([config.seed, text_seed])
        row[:] = (rng.random(model.dim, dtype=np.float32) - 0.5) * DOC_INIT_SCALE / model.dim
        if len(ids) == 0:
            row[:] = 0.0
            return
        corpus = (np.tile(ids, config.epochs),
                  np.arange(config.epochs + 1, dtype=np.int64) * len(ids),
                  np.full(config.epochs, words + k, dtype=np.int32))
        run_settings = (config.arch == "cbow", False, False, config.shrink_window, False,
                        config.window, config.negative, start, end, doc_mode, words)
        kernels.train_range(corpus, (0, len(corpus[0])), weights, (0, 0, 0), w_out[:0],
                            tables, run_settings,
                            np.uint64((config.seed * 0x9E3779B97F4A7C15 + text_seed) % 2**64),
                            scratch)

    with ThreadPoolExecutor(max(1, threads)) as pool:
        list(pool.map(some, np.array_split(np.arange(len(texts)), max(1, threads))))
    return w_in[words:]
