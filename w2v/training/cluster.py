"""Training in rounds on a Dask cluster (``w2v train corpus.w2vc --cluster ADDRESS``).

The driver (this process) holds futures, never the weights of a round: each share is a
task that reads the encoded corpus from its path (a file every worker sees) and the
round's weights from the cluster, and returns its changes (``rounds.Change``); the
changes are added up by a tree of tasks on the workers, and a last task adds them to
the round's weights. Share s of every round asks for worker s (mod the workers), so
each worker holds the round's weights it trains from. A task is a pure function of its
inputs, so a worker lost mid-round costs Dask a re-run of its task on another worker
(or on the one that replaces it), with the same result; the driver keeps the previous
round's weights until the next round is done, in case a re-run needs them. The weights
come back to the driver once an epoch, for the checkpoint, and are scattered anew.

Each worker process builds the corpus's vocabulary and an ``Engine`` once (cached by
path and settings) and trains one share at a time with the configured threads.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import CancelledError
from dataclasses import dataclass, field

import numpy as np

from ..config import TrainConfig, available_cores
from ..errors import W2VError
from ..text.vocab import EncodedCorpus, Vocabulary
from . import rounds
from .rounds import Change, Job, Weights

_ENGINES: dict = {}  # (path, size, mtime, config) -> Engine, in each worker process
_LOCK = threading.Lock()  # one share at a time per worker process: they share the Engine


def _engine(path: str, config: TrainConfig, job_words: int):
    info = os.stat(path)
    key = (path, info.st_size, info.st_mtime_ns, config, job_words)
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES.clear()
            vocab, encoded = rounds.vocabulary(path, config)
            _ENGINES[key] = rounds.engine_for(vocab, encoded, config, job_words)
        return _ENGINES[key]


def _warm(path: str, config: TrainConfig, job_words: int) -> dict:
    """Build this worker's engine and compile (or load from the cache) its kernels by
    training a few positions; return the seconds each took."""
    started = time.perf_counter()
    engine = _engine(path, config, job_words)
    loaded = time.perf_counter()
    with _LOCK:
        weights = (np.zeros_like(engine.w_in), np.zeros_like(engine.w_out[:engine.words]))
        rounds.train_share(engine, weights, [(0, min(1000, int(engine.cuts[-1])), 0.0, 0.0, 1)])
    return {"load_s": loaded - started, "compile_s": time.perf_counter() - loaded}


def _share(path: str, config: TrainConfig, job_words: int, weights: Weights,
           jobs: list[Job]) -> tuple[Change, Change]:
    engine = _engine(path, config, job_words)
    with _LOCK:
        return rounds.train_share(engine, weights, jobs)


def _sizes(*changes: tuple[Change, Change]) -> list[int]:
    return [a.nbytes + b.nbytes for a, b in changes]


@dataclass
class ClusterInfo:
    """What the run cost besides training: start-up, warm-up and bytes exchanged."""

    address: str
    workers: int
    threads: int
    start_s: float  # starting the cluster (local:N) or connecting to it
    load_s: float = 0.0  # slowest worker: vocabulary and engine
    compile_s: float = 0.0  # slowest worker: the kernels from the cache
    rounds: int = 0
    rounds_s: float = 0.0  # the rounds themselves, as the driver waited for them
    change_bytes: list[int] = field(default_factory=list)  # per round, all shares'
    weight_bytes: int = 0  # one copy of the weights

    def summary(self) -> dict:
        rounds_ = max(self.rounds, 1)
        changes = sum(self.change_bytes) / rounds_
        return {"address": self.address, "workers": self.workers,
                "threads_per_worker": self.threads, "start_s": round(self.start_s, 2),
                "load_s": round(self.load_s, 2), "compile_s": round(self.compile_s, 2),
                "rounds": self.rounds, "rounds_s": round(self.rounds_s, 2),
                "change_bytes_per_round": int(changes),
                "weight_bytes": self.weight_bytes,
                "bytes_per_round": int(changes + (self.workers - 1) * self.weight_bytes)}


class Cluster:
    """A Dask client, and the LocalCluster it runs on for ``local:N``; a context
    manager that closes what it opened. ``threads`` is each worker's kernel threads:
    as given, or with ``local:N`` the cores over N (None: each worker's cores)."""

    def __init__(self, address: str, threads: int | None) -> None:
        try:
            import distributed
        except ImportError:
            raise W2VError("--cluster needs Dask: pip install 'w2v[cluster]'") from None
        started = time.perf_counter()
        self.local = None
        if address.startswith("local:"):
            count = address[len("local:"):]
            if not count.isdigit() or int(count) < 1:
                raise W2VError(f"--cluster {address}: local:N needs a number of workers "
                               "N of at least 1")
            threads = threads or max(1, available_cores() // int(count))
            self.local = distributed.LocalCluster(
                n_workers=int(count), threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.ERROR)
            self.client = distributed.Client(self.local)
        else:
            try:
                self.client = distributed.Client(address, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise W2VError(f"--cluster {address}: cannot reach a Dask scheduler "
                               f"({exc})") from None
        self.addresses = sorted(self.client.scheduler_info()["workers"])
        if not self.addresses:
            self.close()
            raise W2VError(f"--cluster {address}: the scheduler has no workers")
        self.threads = threads
        self.info = ClusterInfo(address, len(self.addresses), threads or 0,
                                time.perf_counter() - started)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        if self.local is not None:
            self.local.close()

    def executor(self, path: str, config: TrainConfig, job_words: int):
        """A ``rounds.Executor`` on this cluster (``train_rounds``'s ``executor``; the
        workers' engines cut the corpus into jobs of ``job_words``)."""
        def make(vocab: Vocabulary, encoded: EncodedCorpus, scale: float) -> DaskRounds:
            return DaskRounds(self, (os.path.abspath(path), config, job_words), scale,
                              len(vocab))
        return make


class DaskRounds:
    """``rounds.Executor`` on a Dask cluster (see the module doc)."""

    def __init__(self, cluster: Cluster, spec: tuple, scale: float, words: int) -> None:
        self.cluster, self.client = cluster, cluster.client
        self.spec, self.scale = spec, scale  # spec: the engine's path, config, job_words
        self.held: list = []  # the previous round's weights, kept until the next is done
        self.number = 0
        costs = self.client.run(_warm, *spec)
        info = cluster.info
        info.load_s = max(c["load_s"] for c in costs.values())
        info.compile_s = max(c["compile_s"] for c in costs.values())
        info.weight_bytes = 2 * words * spec[1].dim * 4

    def put(self, weights: Weights):
        [state] = self.client.scatter([weights], broadcast=True, hash=False)
        self.held = [state]
        return state

    def round(self, state, jobs: list[list[Job]]):
        started = time.perf_counter()
        submit = self.client.submit
        workers = sorted(self.client.scheduler_info()["workers"]) or self.cluster.addresses
        tag = f"{os.getpid()}-{id(self)}-{self.number}"
        changes = [submit(_share, *self.spec, state, share, key=f"w2v-share-{tag}-{s}",
                          workers=[workers[s % len(workers)]], allow_other_workers=True,
                          pure=False)
                   for s, share in enumerate(jobs) if share]
        sizes = submit(_sizes, *changes, key=f"w2v-sizes-{tag}", pure=False)
        total = rounds.pairwise(changes, lambda a, b: submit(rounds.merged_pair, a, b,
                                                             pure=False))
        nxt = submit(rounds.applied_pair, state, total, self.scale, key=f"w2v-weights-{tag}",
                     pure=False)
        _wait(sizes)
        self.cluster.info.change_bytes.append(sum(sizes.result()))
        _wait(nxt)
        self.held = [state, nxt]
        self.number += 1
        self.cluster.info.rounds += 1
        self.cluster.info.rounds_s += time.perf_counter() - started
        return nxt

    def get(self, state) -> Weights:
        return state.result()


def _wait(future) -> None:
    """Wait for ``future``; raise its task's error, if any, and a one-line error when the
    cluster could not finish it (a task whose runs killed its workers, a lost
    scheduler)."""
    import distributed

    try:
        distributed.wait([future])
        if future.status == "error":
            raise future.exception()
    except distributed.KilledWorker as exc:
        raise W2VError(f"--cluster: workers died running a share ({exc}); the last "
                       "epoch's checkpoint is kept for --resume") from None
    except (OSError, CancelledError) as exc:  # FutureCancelledError is one
        raise W2VError(f"--cluster: lost the cluster ({exc}); the last epoch's checkpoint "
                       "is kept for --resume") from None
