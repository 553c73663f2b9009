"""Every training hyperparameter, its default and its meaning, in one place.

Algorithmic choices, documented once here:

* Subsampling keeps a word of count ``c`` with probability
  ``(sqrt(c / (sample * total)) + 1) * (sample * total) / c`` (word2vec.c's formula),
  redrawn every epoch; ``sample = 0`` keeps every word. The default is 1e-3, and 1e-4
  with ``subwords`` (fastText's).
* The output layer is negative sampling (``negative`` noise words per update), or
  hierarchical softmax (``hs``: one logistic unit per inner node of a Huffman tree
  built from the counts, word2vec.c's), or both, each input updated by both in turn
  (word2vec.c's ``-hs 1 -negative N``). As in word2vec.c, hierarchical softmax skips
  a node whose dot product lies beyond ±6, where negative sampling clips the sigmoid.
* Negative samples are drawn from the unigram distribution raised to ``ns_exponent``
  (0.75, word2vec.c's, and 0.5 with ``subwords``, fastText's; 1 samples by frequency, 0
  uniformly, negative values favour rare words, as in gensim).
* Skip-gram draws one set of negatives per centre word and updates the centre's
  whole window at once from the weights as they were (HogBatch, Ji et al. 2016), which
  keeps the output rows in cache. ``exact_negatives`` restores word2vec.c's fresh
  negatives and sequential update for every (centre, context) pair. CBOW has one
  update per centre word either way.
* CBOW averages its context vectors (word2vec.c's ``-cbow 1``), or sums them with
  ``cbow_sum`` (gensim's ``cbow_mean=0``); either way the hidden-layer error is added
  unscaled to every context vector, as word2vec.c and gensim do.
* Each centre word uses a window shrunk uniformly at random to ``1..window`` words a
  side (word2vec.c); ``shrink_window=False`` always uses ``window`` words a side
  (gensim's ``shrink_windows=False``).
* The learning rate decays linearly with the fraction of (epochs x corpus words) done,
  from ``alpha`` to ``min_alpha`` (default ``alpha * MIN_ALPHA_FRACTION``, word2vec.c's
  floor). The default ``alpha`` is 0.025 for skip-gram and 0.05 for CBOW, as in
  word2vec.c; with ``subwords``, 0.035 and 0.06.
* With ``subwords`` (fastText's model), a word's input is the mean of its own row and
  the rows of its character n-grams of ``minn`` to ``maxn`` characters, hashed into
  ``buckets`` as fastText hashes them (``text.subwords``); the error is added in full
  to every one of those rows. Skip-gram predicts the context words from the centre's
  input, computed once per centre word and scored against the whole window, each
  context word with its own ``negative`` noise words; ``exact_negatives`` recomputes
  it for every (centre, context) pair, as fastText does
  (``training.subword_kernels``). CBOW reads and writes the rows of a block of centre
  words' context words once a block; ``exact_negatives`` keeps fastText's order there
  too. The word vectors written are those means.
* The sigmoid comes from a 1,000-entry table and is clipped to 0 and 1 outside
  [-6, 6], as in word2vec.c (``kernels.MAX_EXP``).
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass

from .errors import ConfigError

ARCHITECTURES = ("skipgram", "cbow")
# How text becomes words: "whitespace" splits at whitespace only (word2vec's); "simple"
# keeps Unicode letters and digits, splits at everything else, drops HTML line breaks
# and lowercases (``text.tokenizers``), for raw reviews and articles.
TOKENIZERS = ("whitespace", "simple")
DEFAULT_ALPHA = {"skipgram": 0.025, "cbow": 0.05}
NOISE_EXPONENT = 0.75
# With subwords, fastText's own defaults: subsampling at 1e-4 and noise words drawn by
# count ** 0.5 (docs/benchmarks.md measures both against word2vec's).
SUBWORD_SAMPLE = 1e-4
SUBWORD_NOISE_EXPONENT = 0.5
# Learning rates with subwords (fastText's: 0.05 for both), chosen on text8-prefix.
# Skip-gram: 0.025 led fastText on analogies and Rare Words but trailed it on
# WordSim353, 0.05 the reverse; 0.035 leads or ties on all three. CBOW: 0.05 trailed on
# WordSim353; the syntactic analogies, where CBOW trailed fastText, came out best at
# 0.06 (mean of 6 runs 78.8%, against 78.0% over 10 runs at 0.075 and 76.8% over 3 at
# 0.09), with the other scores still ahead of fastText's.
SUBWORD_ALPHA = {"skipgram": 0.035, "cbow": 0.06}
MIN_ALPHA_FRACTION = 1e-4
# Tokens longer than this many bytes (UTF-8, as read) are left out of training, counted
# and reported. word2vec.c cuts words at 100 bytes, which turns long URLs and compounds
# into one false word; fastText keeps any length, so a stray megabyte of markup becomes
# a "word". 1,000 bytes holds every word of every language (333 CJK characters) and
# keeps blobs out; a dropped token is skipped as a rare word is.
MAX_TOKEN_BYTES = 1000
# Training in data-parallel rounds (``training.rounds``): the corpus positions each of
# up to two shares trains a round (32 jobs; more shares train shorter rounds,
# ``rounds.default_round_words``). Two shares averaging, skip-gram on text8-prefix, 5
# epochs: 34.40% at 2^18 and 2^20 words, 34.44% at 2^21 (one process: 34.59%); longer
# rounds pay for fewer exchanges of the weights (docs/benchmarks.md, "Rounds").
ROUND_WORDS = 1 << 21
MIN_VOCAB_MEMORY_GB = 0.01  # w2v encode --vocab-memory: room for some 100,000 words
# The longest character n-gram of a subword model. fastText's default is 6 and models
# seldom pass 10; a bound keeps a model file's n-grams (up to maxn per character of
# each word, all hashed when it is read) in proportion to its size.
MAX_NGRAM = 16


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one training run. Invalid values raise ``ConfigError``."""

    arch: str = "skipgram"  # "skipgram" or "cbow"
    dim: int = 100  # vector dimensions
    window: int = 5  # largest number of context words on each side
    negative: int = 5  # negative samples per target; 0: none (needs hs)
    hs: bool = False  # hierarchical softmax over a Huffman tree of the counts
    sample: float | None = None  # subsampling threshold; 0: off; None: 1e-3 (subwords 1e-4)
    min_count: int = 5  # words seen fewer times are dropped
    max_vocab: int | None = None  # keep only this many of the most frequent words
    max_final_vocab: int | None = None  # raise min_count until at most this many words
    epochs: int = 5  # passes over the corpus
    alpha: float | None = None  # initial learning rate; None: DEFAULT_ALPHA[arch]
    threads: int | None = None  # worker threads; None: every available core
    seed: int = 1  # seeds initial vectors and every random draw
    lowercase: bool = False  # lowercase tokens before counting
    tokenizer: str = "whitespace"  # TOKENIZERS: how text is cut into words
    exact_negatives: bool = False  # per-pair negatives (slower); subwords: fastText's order
    cbow_sum: bool = False  # CBOW: sum the context vectors instead of averaging them
    ns_exponent: float | None = None  # negatives drawn by count ** this; None: 0.75 (0.5)
    shrink_window: bool = True  # draw each centre's window from 1..window words a side
    min_alpha: float | None = None  # final learning rate; None: alpha * MIN_ALPHA_FRACTION
    subwords: bool = False  # fastText's model: a word's input is its row and its n-grams'
    minn: int = 3  # shortest character n-gram, with subwords
    maxn: int = 6  # longest character n-gram, with subwords; 0: none
    buckets: int = 2_000_000  # hash buckets of the n-grams (only those used get a row)

    def __post_init__(self) -> None:
        one_of("arch", self.arch, ARCHITECTURES)
        one_of("tokenizer", self.tokenizer, TOKENIZERS)
        at_least("dim", self.dim, 1)
        at_least("window", self.window, 1)
        at_least("negative", self.negative, 0)
        if self.negative == 0 and not self.hs:
            raise ConfigError("negative", "must be at least 1 without hierarchical softmax "
                                          "(--hs) (got 0)")
        at_least("min_count", self.min_count, 1)
        at_least("epochs", self.epochs, 1)
        if self.max_vocab is not None:
            at_least("max_vocab", self.max_vocab, 1)
        if self.max_final_vocab is not None:
            at_least("max_final_vocab", self.max_final_vocab, 1)
        if self.threads is not None:
            at_least("threads", self.threads, 1)
        if not 0 <= self.seed < 2**63:
            raise ConfigError("seed", f"must be between 0 and 2**63 - 1 (got {self.seed})")
        if self.sample is not None and not 0 <= self.sample < 1:  # NaN fails too
            raise ConfigError("sample", f"must be at least 0 and below 1 (got {self.sample})")
        if self.alpha is not None and not 0 < self.alpha <= 1:
            raise ConfigError("alpha", f"must be above 0 and at most 1 (got {self.alpha})")
        if self.ns_exponent is not None and not -10 <= self.ns_exponent <= 10:
            raise ConfigError("ns_exponent", f"must be between -10 and 10 (got "
                                             f"{self.ns_exponent})")
        at_least("minn", self.minn, 1)
        at_least("maxn", self.maxn, 0)
        if self.maxn > MAX_NGRAM:
            raise ConfigError("maxn", f"must be at most {MAX_NGRAM} (got {self.maxn})")
        if 0 < self.maxn < self.minn:
            raise ConfigError("maxn", f"must be 0 (no n-grams) or at least minn ({self.minn})"
                                      f" (got {self.maxn})")
        at_least("buckets", self.buckets, 1)
        if self.buckets >= 2**31:
            raise ConfigError("buckets", f"must be below 2**31, as in fastText (got "
                                         f"{self.buckets})")
        if self.subwords and self.hs:
            raise ConfigError("hs", "cannot be combined with subwords yet: use negative "
                                    "sampling")
        if self.subwords and self.cbow_sum:
            raise ConfigError("cbow_sum", "cannot be combined with subwords: fastText's CBOW "
                                          "averages every context row")
        if self.min_alpha is not None and not 0 <= self.min_alpha <= self.start_alpha:
            raise ConfigError("min_alpha", f"must be between 0 and alpha ({self.start_alpha})"
                                           f" (got {self.min_alpha})")

    @property
    def start_alpha(self) -> float:
        """The initial learning rate, with the per-architecture default filled in."""
        if self.alpha is not None:
            return self.alpha
        return (SUBWORD_ALPHA if self.subwords else DEFAULT_ALPHA)[self.arch]

    @property
    def subsample(self) -> float:
        """The subsampling threshold, with its default filled in."""
        if self.sample is not None:
            return self.sample
        return SUBWORD_SAMPLE if self.subwords else 1e-3

    @property
    def noise_exponent(self) -> float:
        """The exponent of the noise distribution, with its default filled in."""
        if self.ns_exponent is not None:
            return self.ns_exponent
        return SUBWORD_NOISE_EXPONENT if self.subwords else NOISE_EXPONENT

    @property
    def end_alpha(self) -> float:
        """The final learning rate, with its default filled in."""
        if self.min_alpha is not None:
            return self.min_alpha
        return self.start_alpha * MIN_ALPHA_FRACTION

    @property
    def workers(self) -> int:
        """The number of worker threads, with the default (every available core) filled in."""
        return self.threads if self.threads is not None else available_cores()


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def one_of(field: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise ``ConfigError`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ConfigError(field, f"must be one of {', '.join(choices)} (got {value!r})")


def at_least(field: str, value: int, low: int) -> None:
    """Raise ``ConfigError`` unless ``value`` is a whole number of at least ``low``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(field, f"must be a whole number (got {value!r})")
    if value < low:
        raise ConfigError(field, f"must be at least {low} (got {value})")


GLOVE_OUTPUTS = ("sum", "word")
# GloVe's defaults where they differ from word2vec's: the paper's and Stanford's tool's.
GLOVE_WINDOW = 15
GLOVE_EPOCHS = 25


@dataclass(frozen=True)
class GloveConfig:
    """GloVe (Pennington et al. 2014) as Stanford's tool trains it (``training.glove``):
    co-occurrence counts within ``window`` words, each pair weighted 1 / distance, then
    AdaGrad on f(X) (w.c + b + b~ - log X)^2 with f(x) = min(1, (x / x_max)^alpha)."""

    dim: int = 100  # vector dimensions
    window: int = GLOVE_WINDOW  # context words on each side, each weighted 1 / distance
    min_count: int = 5  # words seen fewer times are dropped
    max_vocab: int | None = None  # keep only this many of the most frequent words
    max_final_vocab: int | None = None  # raise min_count until at most this many words
    epochs: int = GLOVE_EPOCHS  # passes over the co-occurrence records
    x_max: float = 100.0  # counts from this one up weigh fully (Stanford's demo: 10)
    alpha: float = 0.75  # exponent of the weighting function below x_max
    eta: float = 0.05  # AdaGrad's initial learning rate
    threads: int | None = None  # worker threads; None: every available core
    seed: int = 1  # seeds initial vectors and the order of the records
    lowercase: bool = False  # lowercase tokens before counting
    tokenizer: str = "whitespace"  # TOKENIZERS: how text is cut into words
    memory: float = 4.0  # GB for counting (a soft bound); beyond it, temporary files
    output: str = "sum"  # "sum": word + context vectors (Stanford's -model 2); "word"
    temp_dir: str | None = None  # where temporary files go; None: the system's

    def __post_init__(self) -> None:
        one_of("tokenizer", self.tokenizer, TOKENIZERS)
        one_of("output", self.output, GLOVE_OUTPUTS)
        at_least("dim", self.dim, 1)
        at_least("window", self.window, 1)
        at_least("min_count", self.min_count, 1)
        at_least("epochs", self.epochs, 1)
        for field in ("max_vocab", "max_final_vocab", "threads"):
            if getattr(self, field) is not None:
                at_least(field, getattr(self, field), 1)
        if not 0 <= self.seed < 2**63:
            raise ConfigError("seed", f"must be between 0 and 2**63 - 1 (got {self.seed})")
        for field, low, high in (("x_max", 0, 1e30), ("alpha", 0, 10), ("eta", 0, 10),
                                 ("memory", 0, 1e6)):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not low < value <= high:  # NaN fails too
                raise ConfigError(field, f"must be above {low:g} and at most {high:g} "
                                         f"(got {value!r})")

    @property
    def workers(self) -> int:
        """The number of worker threads, with the default (every available core) filled in."""
        return self.threads if self.threads is not None else available_cores()


# Training on graph walks: node2vec's defaults (and PecanPy's), every node kept
# (min_count 1), and no subsampling. node2vec's code leaves gensim's 1e-3 on, which
# drops a share of the hubs' visits: at the learning rates below it changed nothing on
# PPI or BlogCatalog and cost Wikipedia's weighted graph 3 points of Macro-F1.
GRAPH_DEFAULTS = {"dim": 128, "window": 10, "epochs": 1, "negative": 5, "min_count": 1,
                  "sample": 0.0}
# The learning rate on graph walks: the architecture's default at a mean degree of
# GRAPH_ALPHA_DEGREE, in proportion to the graph's mean degree, within 4x either way.
# At one epoch the best rate followed the degree: BlogCatalog (mean degree 65) scored
# best between 0.04 (node2vec's walks) and 0.05 (DeepWalk's), and 9 points of Macro-F1
# lower at 0.015; PPI (20) best near 0.015; Wikipedia (39), which took no part in the
# choice, best between 0.025 and 0.035 (docs/benchmarks.md). A denser graph spreads a
# node's visits over more distinct neighbourhoods, so each pair recurs less and wants a
# longer step.
GRAPH_ALPHA_DEGREE = 40.0


def graph_alpha(arch: str, mean_degree: float) -> float:
    """The default learning rate for walks over a graph of this mean degree."""
    base = DEFAULT_ALPHA[arch]
    return min(max(base * mean_degree / GRAPH_ALPHA_DEGREE, base / 4), base * 4)


@dataclass(frozen=True)
class WalkConfig:
    """The random walks over a graph (``training.walk_kernels`` says how they go)."""

    p: float = 1.0  # return parameter: 1/p weighs stepping back to the previous node
    q: float = 1.0  # in-out parameter: 1/q weighs moving away from the previous node
    walk_length: int = 80  # nodes per walk, the start included (fewer at a dead end)
    walks_per_node: int = 10  # walks started from every node

    def __post_init__(self) -> None:
        for field in ("p", "q"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not 0 < value < float("inf"):  # NaN fails too
                raise ConfigError(field, f"must be a number above 0 (got {value!r})")
        at_least("walk_length", self.walk_length, 2)
        at_least("walks_per_node", self.walks_per_node, 1)

    @property
    def first_order(self) -> bool:
        """p = q = 1: DeepWalk's walk, the next node depending on the current one alone."""
        return self.p == 1 and self.q == 1
