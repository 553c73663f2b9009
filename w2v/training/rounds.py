"""Data-parallel rounds: training cut into shares that start each round from the same
weights, their changes combined into the next round's (``w2v train --shares N`` trains
the shares in turn in this process; ``--cluster``, ``training.cluster``, on Dask
workers).

Each epoch the corpus is cut into jobs (``word2vec.job_boundaries``, of at most
``round_words`` positions) and the jobs into stretches, as threads' are
(``spread_order``), ``INTERLEAVE`` a share. A round gives each share the next
``round_words`` positions of its stretches, taken in turn: the share copies the
round's weights, trains its jobs with the existing kernel (its own threads, Hogwild
among them), and hands back the rows it changed and by how much (``Change``). The
changes are added up, pairwise, and combined into the next round's weights by one of
three rules, each a factor r: every share trains at r times the learning rate, and the
next weights are the round's plus the sum of the changes over r (``change_scale``).
While the changes are small, all three are the sum; they differ in how far a row many
shares moved goes:

* ``SUM`` (r = 1): the changes added at the usual rate, as if the shares had trained
  one after another. As good as one process with two shares and short rounds; it
  diverges with eight (a frequent word's row moved eight times as far as any share
  saw).
* ``AVERAGE`` (r = shares): model averaging, as Ji et al.'s MPI word2vec does: the next
  weights are the mean of the shares'. A row every share touched moves to the mean of
  where they took it; each share trains at ``shares`` times the rate, which long
  rounds of many shares do not survive.
* ``MIDWAY`` (r = (1 + shares) / 2, the default): halfway between. With two shares
  (skip-gram / CBOW, text8-prefix, 5 epochs) it kept CBOW within 0.42 points of one
  process where averaging lost 1.10; with eight, 1.2 and 3.1 points better than
  averaging, while r = 2 diverged.

A job's learning rate and seed depend only on its place in the epoch's order, as in one
process, so with one thread a share the result depends on the seed and the number of
shares alone, never on which worker ran what.

After each epoch the weights can be written to a checkpoint (``save_checkpoint``) that
``--resume`` continues from: the rest of the run is the one it would have been.
"""

from __future__ import annotations

import datetime
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..config import ROUND_WORDS, TrainConfig
from ..errors import ConfigError, TrainingError, W2VError
from ..outputs import atomic_write
from ..text.corpus import Corpus
from ..text.vocab import EncodedCorpus, Vocabulary, build
from ..vectors import native
from ..vectors.keyed import KeyedVectors
from . import round_kernels
from .word2vec import (
    JOB_WORDS,
    Engine,
    Progress,
    corpus_metadata,
    initial_weights,
    job_boundaries,
    job_seed,
    own_rows,
    run_threads,
    schedule,
    settings,
    spread_order,
)

# Each share takes its jobs from this many far-apart stretches in turn, as two threads
# would. One thread on text8-prefix, skip-gram, seeds 1-3: 33.68% in corpus order,
# 34.22% taking two stretches in turn (two threads: 34.72%); Wikipedia's articles come
# in runs of a topic, which one stream follows too closely.
INTERLEAVE = 2
MIDWAY, AVERAGE, SUM = "midway", "average", "sum"
RULES = (MIDWAY, AVERAGE, SUM)
CHECKPOINT = "w2v-checkpoint"
CHECKPOINT_VERSION = 1

Job = tuple[int, int, float, float, int]  # start, end, alpha at start, at end, seed
Weights = tuple[np.ndarray, np.ndarray]  # input vectors, output weights (words x dim)


@dataclass
class Change:
    """What training changed in one matrix: the rows (sorted), and the change to each."""

    rows: np.ndarray  # int64
    values: np.ndarray  # float32, len(rows) x dim

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + self.values.nbytes


def change_of(before: np.ndarray, after: np.ndarray) -> Change:
    """The rows of ``after`` that differ from ``before``, and by how much."""
    rows = np.empty(len(before), np.int64)
    rows = rows[:round_kernels.changed_rows(before, after, rows)].copy()
    values = np.empty((len(rows), before.shape[1]), np.float32)
    round_kernels.differences(before, after, rows, values)
    return Change(rows, values)


def merged(a: Change, b: Change) -> Change:
    """Two shares' changes to one matrix, added up."""
    rows = np.empty(len(a.rows) + len(b.rows), np.int64)
    values = np.empty((len(rows), a.values.shape[1]), np.float32)
    n = round_kernels.merge(a.rows, a.values, b.rows, b.values, rows, values)
    return Change(rows[:n].copy(), values[:n].copy())


def applied(matrix: np.ndarray, change: Change, scale: float) -> np.ndarray:
    """A copy of ``matrix`` with ``change`` times ``scale`` added."""
    out = matrix.copy()
    round_kernels.add_rows(out, change.rows, change.values, np.float32(scale))
    return out


def merged_pair(a: tuple[Change, Change], b: tuple[Change, Change]) -> tuple[Change, Change]:
    """Two shares' changes to both matrices, added up."""
    return merged(a[0], b[0]), merged(a[1], b[1])


def applied_pair(weights: Weights, change: tuple[Change, Change], scale: float) -> Weights:
    """The next round's weights: ``change`` (to both matrices) times ``scale`` added."""
    return applied(weights[0], change[0], scale), applied(weights[1], change[1], scale)


def pairwise(items: list, add: Callable) -> object:
    """``items`` added up in a tree: ``add`` on neighbours, level after level."""
    while len(items) > 1:
        items = [add(items[i], items[i + 1]) if i + 1 < len(items) else items[i]
                 for i in range(0, len(items), 2)]
    return items[0]


def change_scale(rule: str, shares: int) -> tuple[float, float]:
    """The factor r of the shares' learning rates, and 1 / r, that of their summed
    changes (see the module doc)."""
    rate = {SUM: 1, AVERAGE: shares, MIDWAY: (1 + shares) / 2}[rule]
    return rate, 1 / rate


def train_share(engine: Engine, weights: Weights, jobs: list[Job]) -> tuple[Change, Change]:
    """Train ``jobs`` from ``weights`` (left as they are) with ``engine``'s threads;
    return the changes to the input vectors and to the output weights."""
    engine.load(*weights)
    work = (((start, end), engine.settings(a0, a1), seed) for start, end, a0, a1, seed in jobs)
    for _ in run_threads(work, engine.run, engine.config.workers):
        pass
    words = engine.words
    return change_of(weights[0], engine.w_in), change_of(weights[1], engine.w_out[:words])


def combined(changes: list[tuple[Change, Change]]) -> tuple[Change, Change]:
    """Every share's changes added up in a tree (as the Dask tasks add them)."""
    return pairwise(changes, merged_pair)


def plan(cuts: np.ndarray, shares: int, jobs_a_round: int, epoch: int,
         alpha_at: Callable[[int], float], seed: int, rate: float = 1.0
         ) -> list[list[list[Job]]]:
    """One epoch's rounds: for each, each share's jobs (``jobs_a_round`` of them). Jobs
    are handed out as threads take them (the corpus cut into ``shares`` x ``INTERLEAVE``
    stretches, taken in turn; share s trains stretches s, s + shares, ...), and each
    job's learning rate follows its place in that order over the whole run (times
    ``rate``)."""
    order = spread_order(len(cuts) - 1, shares * INTERLEAVE)
    step = shares * jobs_a_round
    done = epoch * int(cuts[-1])
    rounds = []
    for first in range(0, len(order), step):
        jobs: list[list[Job]] = [[] for _ in range(shares)]
        for i, j in enumerate(order[first:first + step]):
            start, end = int(cuts[j]), int(cuts[j + 1])
            jobs[i % shares].append((start, end, rate * alpha_at(done),
                                     rate * alpha_at(done + end - start),
                                     job_seed(seed, epoch, len(cuts), j)))
            done += end - start
        rounds.append(jobs)
    return rounds


class Executor(Protocol):
    """Where the shares train: ``put`` the first weights, run ``round``s (each returns
    the next round's weights, as a handle), ``get`` the weights back."""

    def put(self, weights: Weights) -> object: ...

    def round(self, state: object, jobs: list[list[Job]]) -> object: ...

    def get(self, state: object) -> Weights: ...


class InTurn:
    """The shares trained one after another in this process (``--shares`` alone): what
    a cluster of that many workers computes, on one machine."""

    def __init__(self, engine: Engine, scale: float) -> None:
        self.engine, self.scale = engine, scale

    def put(self, weights: Weights) -> Weights:
        return weights

    def round(self, state: Weights, jobs: list[list[Job]]) -> Weights:
        changes = [train_share(self.engine, state, share) for share in jobs if share]
        return applied_pair(state, combined(changes), self.scale)

    def get(self, state: Weights) -> Weights:
        return state


def vocabulary(corpus: Corpus, config: TrainConfig) -> tuple[Vocabulary, EncodedCorpus]:
    """The vocabulary and encoded corpus of a run in rounds (the driver's and every
    worker's)."""
    return build(corpus, config.min_count, config.max_vocab, config.lowercase,
                 config.max_final_vocab, threads=config.workers, tokenizer=config.tokenizer)


def engine_for(vocab: Vocabulary, encoded: EncodedCorpus, config: TrainConfig,
               job_words: int) -> Engine:
    """An engine with weights of its own to train shares with (``train_share``, which
    loads each round's weights into them: they start unset)."""
    words = len(vocab)
    spare = config.workers * own_rows(words, config)
    weights = (np.empty((words, config.dim), np.float32),
               np.empty((words + spare, config.dim), np.float32))
    return Engine(vocab, encoded, config, weights, job_words=job_words)


def default_round_words(shares: int) -> int:
    """``ROUND_WORDS`` [2^21] for up to two shares, and less with more, as a power of
    two: ROUND_WORDS x (2 / shares)^2.5, which gives 2^16 for eight. Each share trains
    at (1 + shares) / 2 times the rate, so it strays further in a round of a given
    length. Measured (``MIDWAY``, text8-prefix, 5 epochs): two shares are as good at
    2^21 as at 2^18; eight scored 32.60, 32.86, 33.43 and 25.92% (skip-gram) at 2^14,
    2^16, 2^18 and 2^21, and 29.05, 28.92 and 25.34% (CBOW) at 2^14, 2^16 and 2^18."""
    if shares <= 2:
        return ROUND_WORDS
    return 1 << round(math.log2(ROUND_WORDS) - 2.5 * math.log2(shares / 2))


def check_config(config: TrainConfig) -> None:
    """Refuse what rounds do not train yet."""
    for field in ("hs", "subwords"):
        if getattr(config, field):
            raise ConfigError(field, "cannot be trained in shares or on a cluster yet")


@dataclass
class Rounds:
    """How a run in rounds goes: ``shares`` stretches, ``round_words`` positions each a
    round (None: ``default_round_words``), changes combined by ``rule`` (``RULES``);
    after each epoch the weights go to ``checkpoint`` (a path, or None), which
    ``resume`` continues from."""

    shares: int
    round_words: int | None = None
    rule: str = MIDWAY
    checkpoint: str | None = None
    resume: bool = False

    @property
    def words(self) -> int:
        """The corpus positions each share trains a round."""
        return self.round_words or default_round_words(self.shares)

    @property
    def job_words(self) -> int:
        """The corpus positions of a job: a round is a whole number of them."""
        return min(JOB_WORDS, self.words)

    def __post_init__(self) -> None:
        if self.shares < 1:
            raise ConfigError("shares", f"must be at least 1 (got {self.shares})")
        if self.round_words is not None and self.round_words < 1:
            raise ConfigError("round_words", f"must be at least 1 (got {self.round_words})")
        if self.rule not in RULES:
            raise ConfigError("rule", f"must be {' or '.join(RULES)} (got {self.rule!r})")
        if self.resume and not self.checkpoint:
            raise ConfigError("resume", "needs a checkpoint path")


def train_rounds(corpus: Corpus, config: TrainConfig, rounds: Rounds,
                 executor: Callable[[Vocabulary, EncodedCorpus, float], Executor]
                 | None = None,
                 on_progress: Callable[[Progress], None] | None = None,
                 on_epoch: Callable[[int, KeyedVectors], None] | None = None,
                 before_training: Callable[[Vocabulary], None] | None = None,
                 on_round: Callable[[int, int], None] | None = None) -> KeyedVectors:
    """Learn word vectors from ``corpus`` in data-parallel rounds (see the module doc).

    ``executor(vocab, encoded, scale)`` makes where the shares train, their summed
    changes times ``scale`` added to the weights (default: ``InTurn``); its engines
    cut the corpus into jobs of ``rounds.job_words``.
    ``on_progress``, ``on_epoch`` and ``before_training`` are ``word2vec.train``'s;
    ``on_round(epoch, round)`` runs as each round starts."""
    check_config(config)
    started = datetime.datetime.now(datetime.timezone.utc)
    vocab, encoded = vocabulary(corpus, config)
    if before_training is not None:
        before_training(vocab)
    first_epoch, weights = 0, None
    identity = _identity(corpus, vocab, encoded, config, rounds)
    if rounds.resume:
        first_epoch, weights = load_checkpoint(rounds.checkpoint, identity, len(vocab),
                                               config.dim)
    if weights is None:
        w_in, w_out = initial_weights(len(vocab), config)
        weights = (w_in, w_out[:len(vocab)])
    rate, scale = change_scale(rounds.rule, rounds.shares)
    job_words = rounds.job_words
    run = (executor or (lambda v, e, s: InTurn(engine_for(v, e, config, job_words), s)))(
        vocab, encoded, scale)
    cuts = job_boundaries(encoded.sentence_starts, job_words)
    jobs_a_round = max(1, rounds.words // job_words)
    total = config.epochs * encoded.words
    alpha_at = schedule(config, total)
    report = on_progress or (lambda progress: None)
    done = first_epoch * encoded.words
    report(Progress(done, total, alpha_at(done), len(vocab), encoded.words))
    state = run.put(weights)
    for epoch in range(first_epoch, config.epochs):
        for number, jobs in enumerate(plan(cuts, rounds.shares, jobs_a_round, epoch,
                                           alpha_at, config.seed, rate)):
            if on_round is not None:
                on_round(epoch, number)
            state = run.round(state, jobs)
            done += sum(end - start for share in jobs for start, end, *_ in share)
            report(Progress(done, total, alpha_at(done), len(vocab), encoded.words))
        weights = run.get(state)
        if not (np.isfinite(weights[0]).all() and np.isfinite(weights[1]).all()):
            other = "" if rounds.rule == MIDWAY else "--combine midway, or "
            raise TrainingError(f"training in {rounds.shares} shares diverged in epoch "
                                f"{epoch + 1}: its weights are no longer finite; try "
                                f"{other}a smaller --round-words than {rounds.words:,}")
        if rounds.checkpoint and epoch + 1 < config.epochs:
            save_checkpoint(rounds.checkpoint, identity, epoch + 1, weights)
        if on_epoch is not None:
            on_epoch(epoch + 1, KeyedVectors(vocab.words, weights[0], counts=vocab.counts))
        if epoch + 1 < config.epochs:
            state = run.put(weights)  # a fresh start: nothing before it is needed again
    metadata = {"config": settings(config), "corpus": corpus_metadata(corpus, vocab, encoded),
                "trained": started.isoformat(timespec="seconds"),
                "rounds": {"shares": rounds.shares, "round_words": rounds.words,
                           "rule": rounds.rule, "resumed_at_epoch": first_epoch}}
    return KeyedVectors(vocab.words, weights[0], counts=vocab.counts,
                        output_weights=weights[1], metadata=metadata)


def _identity(corpus: Corpus, vocab: Vocabulary, encoded: EncodedCorpus,
              config: TrainConfig, rounds: Rounds) -> dict:
    """What a checkpoint must match to be continued: the settings, the rounds and the
    corpus (its path, size and modification time, its words and vocabulary)."""
    source = {"words": encoded.words, "vocabulary": len(vocab),
              "count_sum": int(np.sum(vocab.counts))}
    if isinstance(corpus, (str, os.PathLike)) and os.path.isfile(corpus):
        info = os.stat(corpus)
        source.update(path=os.path.abspath(corpus), bytes=info.st_size,
                      mtime_ns=info.st_mtime_ns)
    config_ = {k: v for k, v in settings(config).items() if k != "threads"}
    return {"config": config_, "shares": rounds.shares,
            "round_words": rounds.words, "rule": rounds.rule, "corpus": source}


def save_checkpoint(path: str, identity: dict, epochs_done: int, weights: Weights) -> None:
    """Write the weights after ``epochs_done`` epochs, atomically."""
    header = {"format": CHECKPOINT, "format_version": CHECKPOINT_VERSION,
              "epochs_done": epochs_done, "run": identity}
    blobs = {name: np.ascontiguousarray(matrix, dtype="<f4")
             for name, matrix in zip(("w_in", "w_out"), weights)}
    with atomic_write(path) as out:
        native.write_container(out, header, blobs)


def load_checkpoint(path: str, identity: dict, words: int, dim: int) -> tuple[int, Weights]:
    """The epochs done and the weights of the checkpoint at ``path``, if it belongs to
    this run (``identity``); a one-line error otherwise."""
    if not os.path.isfile(path):
        raise W2VError(f"--resume: no checkpoint at {path}")
    header, size = native.read_container(path, _corrupt)
    if header.get("format") != CHECKPOINT or header.get("format_version") != CHECKPOINT_VERSION:
        raise _corrupt(path, "it is not a w2v checkpoint of this version")
    theirs = header.get("run")
    if theirs != identity:
        differ = sorted(k for k in identity if not isinstance(theirs, dict)
                        or theirs.get(k) != identity[k])
        raise W2VError(f"--resume: {path} is a checkpoint of another run (its "
                       f"{', '.join(differ)} differ); start again without --resume")
    sections = header.get("sections") or {}
    native.check_sections(path, sections, {"w_in": 4 * words * dim, "w_out": 4 * words * dim},
                          {}, size, _corrupt)
    epochs = header.get("epochs_done")
    if not isinstance(epochs, int) or epochs < 0:
        raise _corrupt(path, "its header lacks the epochs done")
    w_in, w_out = (np.fromfile(path, "<f4", words * dim, offset=sections[name]["offset"])
                   .reshape(words, dim) for name in ("w_in", "w_out"))
    return epochs, (w_in, w_out)


def _corrupt(path: str, why: str) -> W2VError:
    return W2VError(f"cannot resume from {path}: {why}")
