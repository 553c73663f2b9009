"""GloVe (Pennington et al. 2014), trained as Stanford's tool trains it, in one process.

The vocabulary pass is word2vec's (``text.vocab.build``). Then ``training.cooccur``
counts the co-occurrences within the memory budget and puts them in a shuffled order,
and each epoch runs Stanford's AdaGrad step (``glove_kernels.train_records``) over
that order, the threads sharing the weights without locks (Hogwild, as glove.c's
pthreads do), each taking its own stretch of the order every epoch.

Where w2v differs from Stanford's glove.c, and why:

* Weights are float32 (glove.c: double), less memory for the updates to walk through;
  AdaGrad's sums of squares stay float64: in float32 a frequent word's sum stops
  growing (each step adds less than its last bit), and text8-prefix's analogy accuracy
  fell from 34.3% to 33.0%. The counts are summed exactly (``training.cooccur``).
* A term whose error is not finite is skipped and counted (glove.c skips it too, and
  prints a line for each; under -Ofast its check is compiled away).

Everything else is glove.c's: weights and biases uniform in [-0.5, 0.5) / dim, the
squared-gradient sums starting at 1, the gradient of each vector component clipped to
+-100 and scaled by eta before it is applied and squared, the biases' steps neither
clipped nor scaled by eta, and the vectors written as word + context (its -model 2),
or the word vectors alone.
"""

from __future__ import annotations

import datetime
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np

from ..config import GloveConfig
from ..text.corpus import Corpus, describe
from ..text.vocab import Vocabulary, build
from ..vectors.keyed import KeyedVectors
from . import cooccur, glove_kernels

GRADIENT_CLIP = 100.0  # glove.c's grad_clip_value
STEP_RECORDS = 1 << 20  # records a thread trains between progress reports


@dataclass(frozen=True)
class GloveProgress:
    """Reported while counting (``stage`` "count": corpus positions done of total) and
    after each chunk of records (``stage`` "train": records done of epochs x records;
    ``cost``: the mean cost of the last full epoch, or of the current one so far)."""

    stage: str
    done: int
    total: int
    epoch: int = 0
    cost: float = float("nan")
    vocab_size: int = 0
    corpus_words: int = 0
    records: int = 0
    spilled_runs: int = 0


def train_glove(corpus: Corpus, config: GloveConfig | None = None,
                on_progress: Callable[[GloveProgress], None] | None = None,
                before_training: Callable[[Vocabulary], None] | None = None,
                vocabulary: Vocabulary | None = None) -> KeyedVectors:
    """Learn GloVe vectors from ``corpus`` (a path, ``"-"`` or an iterable of sentences).
    ``before_training(vocabulary)`` runs after the vocabulary pass, before counting;
    ``vocabulary`` replaces the words and counts counted from the corpus (as in
    ``word2vec.train``)."""
    config = config or GloveConfig()
    started = datetime.datetime.now(datetime.timezone.utc)
    vocab, encoded = build(corpus, config.min_count, config.max_vocab, config.lowercase,
                           config.max_final_vocab, known=vocabulary,
                           threads=config.workers, tokenizer=config.tokenizer)
    if before_training is not None:
        before_training(vocab)
    report = on_progress or (lambda progress: None)
    words, positions = len(vocab), encoded.words
    corpus_metadata = {"source": describe(corpus), "tokens": encoded.raw_tokens,
                       "long_tokens_dropped": encoded.long_tokens, "words": positions,
                       "sentences": len(encoded.sentence_starts) - 1, "vocabulary": words}

    def counting(progress: cooccur.CountProgress) -> None:
        report(GloveProgress("count", progress.positions_done, progress.positions_total,
                             vocab_size=words, corpus_words=positions,
                             spilled_runs=progress.spilled_runs))

    report(GloveProgress("count", 0, positions, vocab_size=words, corpus_words=positions))
    with cooccur.count(encoded.ids, encoded.sentence_starts, words, config.window,
                       config.memory * 2**30, config.seed, config.temp_dir,
                       counting) as records:
        del encoded  # counted: training needs only the records
        weights, gradsq = initial_weights(words, config)
        costs, skipped = train_epochs(records, weights, gradsq, config, report)
    vectors = weights[:words, :config.dim]
    if config.output == "sum":
        vectors = vectors + weights[words:, :config.dim]
    metadata = {
        "config": {"arch": "glove", **asdict(config)},
        "corpus": corpus_metadata,
        "cooccurrences": {"records": records.records, "spilled_runs": records.spilled_runs},
        "training": {"epoch_costs": [round(c, 6) for c in costs], "terms_skipped": skipped},
        "trained": started.isoformat(timespec="seconds"),
    }
    return KeyedVectors(vocab.words, np.ascontiguousarray(vectors), counts=vocab.counts,
                        metadata=metadata)


def initial_weights(words: int, config: GloveConfig) -> tuple[np.ndarray, np.ndarray]:
    """(weights, gradsq): the word rows then the context rows, each with its bias in the
    last column, uniform in [-0.5, 0.5) / dim (float32); the squared-gradient sums at 1
    (float64)."""
    rng = np.random.default_rng(config.seed)
    weights = rng.random((2 * words, config.dim + 1), dtype=np.float32)
    weights -= 0.5
    weights /= config.dim
    return weights, np.ones(weights.shape, dtype=np.float64)


def train_epochs(records: cooccur.Cooccurrences, weights: np.ndarray, gradsq: np.ndarray,
                 config: GloveConfig,
                 report: Callable[[GloveProgress], None]) -> tuple[list[float], int]:
    """Run ``config.epochs`` passes over the records; return each epoch's mean cost per
    term (glove.c's figure) and the terms skipped as not finite.

    Each thread takes its own stretch of the order, 1 / threads of it, every epoch
    (glove.c's threads each read their own part of the file), a step at a time. Cutting
    every chunk of 4M records into the threads' halves instead, with a barrier after
    each, cost 1.3 points of analogy accuracy on text8-prefix at 2 threads (four runs
    at 32.7 to 33.0% against four at 33.9 to 34.4%)."""
    words = records.words
    total = config.epochs * records.records
    constants = (np.float32(config.x_max), np.float32(config.alpha), np.float32(config.eta),
                 np.float32(GRADIENT_CLIP))
    workers = config.workers
    step = STEP_RECORDS
    if records.folder is not None:  # read from disk: as many at a time as the budget holds
        step = max(step, int(config.memory * 2**30 * 0.5) // cooccur.RECORD_BYTES // workers)
    cuts = np.linspace(0, records.records, workers + 1).astype(np.int64)
    finished: queue.Queue = queue.Queue()
    stop = threading.Event()

    def stretch(t: int) -> None:
        for lo in range(int(cuts[t]), int(cuts[t + 1]), step):
            if stop.is_set():
                return
            rows, cols, values = records.read(lo, min(lo + step, int(cuts[t + 1])))
            cost, skipped = glove_kernels.train_records(rows, cols, values, 0, len(rows),
                                                        weights, gradsq, words, *constants)
            finished.put((len(rows), cost, skipped))
            del rows, cols, values  # before the next step's are read, not after

    costs, skipped, done = [], 0, 0
    with ThreadPoolExecutor(workers) as pool:
        try:
            for epoch in range(config.epochs):
                cost, epoch_done = 0.0, 0
                running = [pool.submit(stretch, t) for t in range(workers)]
                while running or not finished.empty():
                    try:
                        n, c, s = finished.get(timeout=0.1)
                    except queue.Empty:
                        for future in [f for f in running if f.done()]:
                            future.result()  # a thread's error is raised here
                            running.remove(future)
                        continue
                    cost, skipped, done, epoch_done = cost + c, skipped + s, done + n, \
                        epoch_done + n
                    report(GloveProgress("train", done, total, epoch + 1, cost / epoch_done,
                                         vocab_size=words, records=records.records,
                                         spilled_runs=records.spilled_runs))
                costs.append(cost / records.records)
        finally:
            stop.set()
    return costs, skipped
