"""The training driver: vocabulary, tables, the learning-rate schedule and the threads.

The corpus is cut into jobs of about ``JOB_WORDS`` words (at a sentence start where
one falls in the last ``JOB_WORDS`` words, else inside a long line: windows stop at
such a cut as at a sentence end, and no word is dropped). Worker threads take jobs in
a fixed order (``spread_order``), epoch after epoch with no barrier between epochs
(unless a caller asks to see each epoch end), and run the ``nogil`` kernel on each. A
job's learning rate and random seed depend only on its place in that order, so one
thread with a fixed seed gives the same vectors every run.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ..config import TrainConfig
from ..errors import ConfigError
from ..text.corpus import Corpus, describe
from ..text.subwords import SubwordTable, subword_table
from ..text.vocab import EncodedCorpus, Vocabulary, build
from ..vectors.keyed import KeyedVectors
from ..vectors.ngrams import NgramVectors
from . import kernels, subword_kernels
from .tables import build_alias, huffman

JOB_WORDS = 1 << 16
# With several threads, each trains its own copy of the first OWN_ROWS rows of w_out
# (the most frequent words' output rows, which negative sampling draws all the time)
# and adds its changes to the shared rows every MERGE_WORDS words. Every thread writes
# those rows all the time; shared, they bounce between the cores' caches, which made
# two threads slower than one on hosts whose cores share no cache. The 4,096 most
# frequent words take 65% of the noise draws at 3M words of text8 (1,024: 42%); more
# rows gained no more speed, and merging them costs time and memory (own_rows).
# Merging every 8,192 words instead of 4,096 made CBOW with two threads 4% faster with
# the same analogy accuracy (after each job, 65,536 words: half a point lower).
OWN_ROWS = 4096
MERGE_WORDS = 8192


@dataclass(frozen=True)
class Progress:
    """Reported after the vocabulary pass (``words_done`` 0) and after every job."""

    words_done: int  # corpus positions trained so far, over all epochs
    words_total: int  # epochs x words in the encoded corpus
    alpha: float  # learning rate reached
    vocab_size: int
    corpus_words: int  # in-vocabulary words in one pass over the corpus


def train(corpus: Corpus, config: TrainConfig | None = None,
          on_progress: Callable[[Progress], None] | None = None,
          on_epoch: Callable[[int, KeyedVectors], None] | None = None,
          vocabulary: Vocabulary | None = None, init: KeyedVectors | None = None,
          update_vocab: bool = False,
          before_training: Callable[[Vocabulary], None] | None = None) -> KeyedVectors:
    """Learn word vectors from ``corpus`` (a path, ``"-"`` or an iterable of sentences).

    ``vocabulary`` (for example ``vocab.read_vocab_file(path)``) replaces the words
    and counts that would be counted from the corpus; ``min_count`` and the vocabulary
    limits still apply to it.

    ``init`` continues the training of a model that kept its counts and output
    weights (a ``.w2v`` file written by ``w2v train``): its words keep their vectors,
    the corpus's counts are added to theirs (for subsampling and negatives), and the
    learning rate decays again from ``alpha`` to ``min_alpha`` over this run, as
    gensim's ``train`` on new data does. The vocabulary stays fixed, or, with
    ``update_vocab``, the corpus's new words reaching ``min_count`` join it with fresh
    vectors. Words are re-sorted by their summed counts.

    ``before_training(vocabulary)`` runs after the vocabulary pass, before any weight is
    made: a check that raises there (an output that could not hold a word) costs no
    training.

    Prints nothing; ``on_progress`` receives a ``Progress`` as training goes. When
    ``on_epoch`` is given, the threads wait for each other at the end of every epoch
    and ``on_epoch(epochs_done, vectors)`` runs there: ``vectors`` shares its matrix
    with the training, so copy what must outlive the call.
    """
    config = config or TrainConfig()
    started = datetime.datetime.now(datetime.timezone.utc)
    previous = None
    if init is not None:
        _check_init(init, config)
        previous = Vocabulary(init.words, np.asarray(init.counts, dtype=np.int64))
    vocab, encoded = build(corpus, config.min_count, config.max_vocab, config.lowercase,
                           config.max_final_vocab, known=vocabulary, extend=previous,
                           add_words=update_vocab, threads=config.workers,
                           tokenizer=config.tokenizer)
    if before_training is not None:
        before_training(vocab)
    table = ngrams = None
    if config.subwords:  # the n-gram rows come after the words' in the input matrix
        table = subword_table(vocab.words, config.minn, config.maxn, config.buckets)
    if init is None:
        weights = initial_weights(len(vocab), config, None if table is None else table.matrix_rows)
    else:
        weights = _carried_weights(init, vocab, config, table)
    if table is not None:
        ngrams = NgramVectors(weights[0][len(vocab):], table.bucket_of, config.minn,
                              config.maxn, config.buckets)
    epoch_done = None
    if on_epoch is not None:
        def epoch_done(epoch: int, w_in: np.ndarray) -> None:
            on_epoch(epoch, KeyedVectors(vocab.words, w_in, counts=vocab.counts,
                                         ngrams=ngrams))
    w_in, w_out = train_encoded(vocab, encoded, config, on_progress, epoch_done, weights,
                                table)
    metadata = {"config": settings(config), "corpus": corpus_metadata(corpus, vocab, encoded),
                "trained": started.isoformat(timespec="seconds")}
    if init is not None:
        metadata["continued_from"] = init.metadata
    return KeyedVectors(vocab.words, w_in, counts=vocab.counts, output_weights=w_out,
                        metadata=metadata, ngrams=ngrams)


def corpus_metadata(corpus: Corpus, vocab: Vocabulary, encoded: EncodedCorpus) -> dict:
    """What a model's metadata records of the corpus it was trained on."""
    return {"source": describe(corpus), "tokens": encoded.raw_tokens,
            "long_tokens_dropped": encoded.long_tokens, "words": encoded.words,
            "sentences": len(encoded.sentence_starts) - 1, "vocabulary": len(vocab)}


def settings(config: TrainConfig) -> dict:
    """The settings a model's metadata records: the config with its defaults filled in."""
    return {**dataclasses.asdict(config), "alpha": config.start_alpha,
            "min_alpha": config.end_alpha, "sample": config.subsample,
            "ns_exponent": config.noise_exponent}


def train_encoded(vocab: Vocabulary, encoded: EncodedCorpus, config: TrainConfig,
                  on_progress: Callable[[Progress], None] | None = None,
                  on_epoch: Callable[[int, np.ndarray], None] | None = None,
                  weights: tuple[np.ndarray, np.ndarray] | None = None,
                  table: SubwordTable | None = None,
                  documents: tuple[np.ndarray, int] | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Train on an encoded corpus; return the word vectors and the output weights, each
    vocab x dim float32, starting from ``weights`` when given (made by
    ``initial_weights``, spare rows included; updated in place), else from
    ``initial_weights``. ``on_epoch(epochs_done, word_vectors)``, if given, runs between
    epochs (see ``train``).

    With ``config.subwords`` the input matrix also has a row per n-gram bucket the
    vocabulary uses (``table``, made here when not given), and a word's vector is the
    mean of its rows.

    ``documents`` = (sentence_rows, mode) trains Doc2Vec (``training.docs``): each
    sentence's document row of the input matrix (rows after the words'; -1: none) is
    one more input of every centre word, alone (mode 1, PV-DBOW) or with the window
    (mode 2: PV-DBOW with word training for skip-gram, PV-DM for CBOW). The input
    matrix of ``weights`` then holds those rows, and only the words' rows are returned."""
    if config.subwords and table is None:
        table = subword_table(vocab.words, config.minn, config.maxn, config.buckets)
    if weights is None:
        weights = initial_weights(len(vocab), config,
                                  None if table is None else table.matrix_rows)
    engine = Engine(vocab, encoded, config, weights, table, documents)
    cuts = engine.cuts
    total = config.epochs * encoded.words
    alpha_at = schedule(config, total)

    # Documents train in corpus order with every thread: a document's vector is as
    # current as the output rows it last trained against, and spreading the threads
    # over far-apart stretches makes each stretch's documents finish training over a
    # whole epoch instead of half of one. On IMDB in file order (sorted by split and
    # label) the spread order cost PV-DBOW 3.3 points of accuracy with two threads
    # (82.2% against 85.5%, as one thread); the threads' copies of output rows, none.
    order = spread_order(len(cuts) - 1, 1 if documents else config.workers)

    dispatched = 0

    def jobs(epochs: Iterable[int]) -> Iterator[tuple]:
        nonlocal dispatched
        for epoch in epochs:
            for j in order:
                start, end = int(cuts[j]), int(cuts[j + 1])
                settings = engine.settings(alpha_at(dispatched),
                                           alpha_at(dispatched + end - start))
                dispatched += end - start
                yield (start, end), settings, job_seed(config.seed, epoch, len(cuts), j)

    report = on_progress or (lambda progress: None)
    done = 0
    report(Progress(0, total, config.start_alpha, len(vocab), encoded.words))
    # Epochs follow each other with no barrier, unless on_epoch must see each one end.
    phases = [range(config.epochs)] if on_epoch is None else [[e] for e in range(config.epochs)]
    for phase in phases:
        for job_words in run_threads(jobs(phase), engine.run, config.workers):
            done += job_words
            report(Progress(done, total, alpha_at(done), len(vocab), encoded.words))
        if on_epoch is not None:
            on_epoch(phase[-1] + 1, engine.word_vectors())
    return engine.word_vectors(), engine.w_out[:len(vocab)]


class Engine:
    """The kernels' inputs for one corpus and one set of weights (updated in place):
    ``run(span, settings, seed)`` trains corpus positions span[0]..span[1]-1 from any
    thread, each thread with its own scratch space and copies of the frequent output
    rows (see ``train_encoded`` for ``table`` and ``documents``). ``cuts`` holds the
    corpus cut into jobs of about ``job_words`` positions."""

    def __init__(self, vocab: Vocabulary, encoded: EncodedCorpus, config: TrainConfig,
                 weights: tuple[np.ndarray, np.ndarray], table: SubwordTable | None = None,
                 documents: tuple[np.ndarray, int] | None = None,
                 job_words: int = JOB_WORDS) -> None:
        words = self.words = len(vocab)
        self.copies = own_rows(words, config)
        self.w_in, self.w_out = weights
        if len(self.w_out) < words + config.workers * self.copies:  # the kernels would
            raise ValueError("w_out lacks the spare rows that initial_weights gives it")
        if config.hs:  # one row per inner node of the Huffman tree, zero as word2vec.c's
            w_tree = np.zeros((max(words - 1, 1), config.dim), dtype=np.float32)
            tree = huffman(vocab.counts)
        else:  # placeholders of the right types, never read
            w_tree = np.zeros((1, config.dim), dtype=np.float32)
            tree = (np.zeros((1, 1), np.int32), np.zeros((1, 1), np.float32),
                    np.zeros(1, np.int32))
        self.tables = (vocab.keep_probabilities(config.subsample),
                       *build_alias(vocab.noise_distribution(config.noise_exponent)), *tree)
        sentence_rows, self.doc_mode = documents or (np.empty(0, np.int32), 0)
        self.corpus = (encoded.ids, encoded.sentence_starts, sentence_rows)
        self.release = encoded.release
        self.cuts = job_boundaries(encoded.sentence_starts, job_words)  # the corpus's jobs
        self.longest = int(np.diff(self.cuts).max())
        self.weights = (self.w_in, self.w_out, w_tree)
        self.config, self.table = config, table
        self.local = threading.local()  # each thread's scratch space and copies
        self.threads_started = itertools.count()

    def load(self, w_in: np.ndarray, w_out: np.ndarray) -> None:
        """Train from these weights next (the words' output rows): copy them in, and
        give the threads that run next fresh copies of the frequent output rows."""
        self.w_in[:] = w_in
        self.w_out[:self.words] = w_out
        self.local = threading.local()
        self.threads_started = itertools.count()

    def settings(self, alpha_start: float, alpha_end: float) -> tuple:
        """A job's settings tuple, its learning rate going from alpha_start to alpha_end."""
        c = self.config
        return (c.arch == "cbow", c.exact_negatives, c.cbow_sum, c.shrink_window, c.hs,
                c.window, c.negative, alpha_start, alpha_end, self.doc_mode, 0)

    def run(self, span: tuple[int, int], settings: tuple, seed: int) -> int:
        """Train one job; return its number of corpus positions."""
        local, config, table, w_out = self.local, self.config, self.table, self.w_out
        if not hasattr(local, "scratch"):
            local.scratch = kernels.scratch_space(self.longest, config.window,
                                                  config.negative, config.dim)
            copies = self.copies
            base = self.words + next(self.threads_started) * copies
            local.own = (copies, base, MERGE_WORDS)
            w_out[base:base + copies] = w_out[:copies]  # the thread's copies,
            local.copied = w_out[:copies].copy()  # and the rows as it copied them
            if table is not None:
                local.subwords = (table.offsets, table.rows,
                                  *subword_kernels.batch_space(config.window, config.negative,
                                                               self.words, config.dim))
        if table is None:
            kernels.train_range(self.corpus, span, self.weights, local.own, local.copied,
                                self.tables, settings, np.uint64(seed), local.scratch)
        else:
            subword_kernels.train_range(self.corpus, span, self.weights, local.own,
                                        local.copied, self.tables, settings, np.uint64(seed),
                                        local.scratch, local.subwords)
        if self.release is not None:
            self.release(*span)
        return span[1] - span[0]

    def word_vectors(self) -> np.ndarray:
        """The words' vectors: their rows, or with subwords the means of their rows."""
        if self.table is None:
            return self.w_in[:self.words]
        out = np.empty((self.words, self.config.dim), dtype=np.float32)
        subword_kernels.word_vectors(self.w_in, self.table.offsets, self.table.rows, out)
        return out


def schedule(config: TrainConfig, total: int) -> Callable[[int], float]:
    """The learning rate after ``done`` of ``total`` corpus positions: linear from
    alpha to min_alpha."""
    start, end = config.start_alpha, config.end_alpha

    def alpha_at(done: int) -> float:
        return max(end, start - (start - end) * done / total)

    return alpha_at


def job_seed(seed: int, epoch: int, cuts: int, job: int) -> int:
    """The random seed of job ``job`` in epoch ``epoch`` of a corpus cut ``cuts`` times."""
    return (seed * 0x9E3779B97F4A7C15 + epoch * cuts + job) % 2**64


def own_rows(words: int, config: TrainConfig) -> int:
    """How many of the first rows each thread trains a copy of (see OWN_ROWS): none with
    one thread, and with several, few enough that all the threads' copies and the
    rows as they last copied them hold no more rows than the vocabulary (many threads
    on a small vocabulary would otherwise double the memory of the weights)."""
    return min(OWN_ROWS, words // (2 * config.workers)) if config.workers > 1 else 0


def initial_weights(words: int, config: TrainConfig,
                    input_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Input vectors uniform in [-0.5 / dim, 0.5 / dim) (word2vec.c's), ``input_rows`` of
    them [one per word], output zero, with spare rows after the words' for the
    threads' copies (``own_rows`` each)."""
    rng = np.random.default_rng(config.seed)
    w_in = rng.random((input_rows or words, config.dim), dtype=np.float32)
    w_in -= 0.5
    w_in /= config.dim
    spare = config.workers * own_rows(words, config)
    return w_in, np.zeros((words + spare, config.dim), dtype=np.float32)


def _check_init(init: KeyedVectors, config: TrainConfig) -> None:
    """Can training continue from ``init`` with ``config``?"""
    if init.counts is None or init.output_weights is None:
        raise ConfigError("init", "must be a model saved with its counts and output "
                                  "weights (a .w2v file written by w2v train, or a "
                                  "fastText .bin)")
    if init.dim != config.dim:
        raise ConfigError("dim", f"must be the initial model's ({init.dim}), not "
                                 f"{config.dim}")
    grams = init.ngrams
    if grams is None and config.subwords:
        raise ConfigError("subwords", "cannot be added to a model trained without them")
    if grams is not None:
        theirs = {"subwords": True, "minn": grams.minn, "maxn": grams.maxn,
                  "buckets": grams.buckets}
        for field, value in theirs.items():
            if getattr(config, field) != value:
                raise ConfigError(field, f"must be the initial model's ({value}), not "
                                         f"{getattr(config, field)}")


def _carried_weights(init: KeyedVectors, vocab: Vocabulary, config: TrainConfig,
                     table: SubwordTable | None) -> tuple[np.ndarray, np.ndarray]:
    """Starting weights for ``vocab``: the rows of ``init`` for its words, fresh rows
    for the words it lacks. A subword model's words get their own input rows back
    (``NgramVectors.own_rows``), and the buckets it trained their rows; buckets only
    new words use start fresh."""
    w_in, w_out = initial_weights(len(vocab), config, None if table is None else table.matrix_rows)
    n = len(vocab)
    rows = np.array([init.index.get(w, -1) for w in vocab.words], dtype=np.int64)
    old = rows >= 0
    if init.ngrams is None:
        w_in[:n][old] = init.vectors[rows[old]]
    else:
        kept = rows[old]
        w_in[:n][old] = init.ngrams.own_rows([init.words[i] for i in kept.tolist()],
                                             np.asarray(init.vectors)[kept])
        at, trained = init.ngrams.find(table.bucket_of)
        w_in[n:][trained] = init.ngrams.vectors[at[trained]]
    w_out[:n][old] = init.output_weights[rows[old]]
    return w_in, w_out


def spread_order(jobs: int, workers: int) -> list[int]:
    """Job indices in the order they are handed out: the corpus cut into ``workers``
    stretches, taken in turn, so that threads running at the same moment work on
    far-apart text and seldom write the same rows at once (as word2vec.c's threads,
    each reading its own part of the file)."""
    stretches = np.array_split(np.arange(jobs), workers)
    return [int(j) for step in itertools.zip_longest(*stretches) for j in step
            if j is not None]


def job_boundaries(sentence_starts: np.ndarray, job_words: int = JOB_WORDS) -> np.ndarray:
    """Cut points 0 = c0 < c1 < ... < len(ids), about ``job_words`` apart, moved back to
    a sentence start when one lies within the previous ``job_words`` words."""
    n = int(sentence_starts[-1])
    cuts = np.arange(job_words, n, job_words, dtype=np.int64)
    snapped = sentence_starts[np.searchsorted(sentence_starts, cuts, side="right") - 1]
    cuts = np.where(snapped > cuts - job_words, snapped, cuts)
    return np.unique(np.concatenate(([0], cuts, [n])))


def run_threads(jobs: Iterator[tuple], run: Callable[..., int], workers: int) -> Iterator[int]:
    """Run ``run(*job)`` for every job on ``workers`` threads; yield each job's result as
    it finishes. An error in a worker stops the others and is raised here."""
    lock = threading.Lock()
    results: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                with lock:
                    job = next(jobs, None)
                if job is None:
                    break
                results.put(run(*job))
        except BaseException as exc:  # handed to the caller's thread
            results.put(exc)
        finally:
            results.put(None)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    running = workers
    try:
        while running:
            item = results.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join()
