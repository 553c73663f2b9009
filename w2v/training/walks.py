"""Node vectors: random walks over a graph, trained as sentences by the word2vec engine.

The walks (``walk_kernels``) are made by worker threads, ``WALKS_PER_JOB`` at a time,
into one int32 array; in each of ``walks_per_node`` rounds every node starts one walk,
the nodes in an order shuffled per round (from the seed and the round alone). The
nodes visited are counted, sorted by count as a vocabulary is, and the walks handed to
``word2vec.train_encoded`` as an encoded corpus in place: no strings, no text file.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

import numpy as np

from ..config import TrainConfig, WalkConfig, graph_alpha
from ..text.graph import Graph
from ..text.vocab import EncodedCorpus, Vocabulary
from ..vectors.keyed import KeyedVectors
from . import walk_kernels
from .word2vec import Progress, settings, train_encoded

WALKS_PER_JOB = 1024
_SEED_MIX = 0x9E3779B97F4A7C15


@dataclasses.dataclass(frozen=True)
class Walks:
    """Walk i is ``nodes[i, :lengths[i]]`` (node ids of the graph)."""

    nodes: np.ndarray  # int32, walks x walk_length
    lengths: np.ndarray  # int32, one per walk


def random_walks(graph: Graph, walk: WalkConfig, seed: int = 1, threads: int = 1) -> Walks:
    """``walk.walks_per_node`` walks from every node (see the module and
    ``walk_kernels``); the same for any number of threads."""
    nodes = graph.nodes
    starts = np.concatenate([np.random.default_rng([seed, r]).permutation(nodes)
                             for r in range(walk.walks_per_node)]).astype(np.int32)
    out = np.empty((len(starts), walk.walk_length), dtype=np.int32)
    lengths = np.empty(len(starts), dtype=np.int32)
    weighted = graph.cumulative is not None
    cumulative = graph.cumulative if weighted else np.zeros(1, dtype=np.float32)
    stream = np.uint64(seed * _SEED_MIX % 2**64)

    def job(first: int) -> None:
        end = min(first + WALKS_PER_JOB, len(starts))
        walk_kernels.walk_range(graph.indptr, graph.indices, cumulative, weighted,
                                float(walk.p), float(walk.q), starts[first:end], first,
                                stream, out[first:end], lengths[first:end])

    firsts = range(0, len(starts), WALKS_PER_JOB)
    if threads <= 1:
        for first in firsts:
            job(first)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(job, firsts))
    return Walks(out, lengths)


def write_walks(walks: Walks, names: list[str], stream: BinaryIO) -> None:
    """The walks as text, one a line, node names separated by spaces."""
    encoded = [name.encode("utf-8", "surrogateescape") for name in names]
    for first in range(0, len(walks.lengths), WALKS_PER_JOB):
        lines = [b" ".join([encoded[v] for v in row[:n].tolist()])
                 for row, n in zip(walks.nodes[first:first + WALKS_PER_JOB],
                                   walks.lengths[first:first + WALKS_PER_JOB].tolist())]
        stream.write(b"\n".join(lines) + b"\n")


def walk_corpus(walks: Walks, names: list[str], min_count: int = 1
                ) -> tuple[Vocabulary, EncodedCorpus]:
    """The nodes visited at least ``min_count`` times as a vocabulary (most visited
    first, ties in node order) and the walks as its encoded corpus. The walks' memory
    becomes the corpus's ids: ``walks`` must not be used after."""
    counts = np.zeros(len(names), dtype=np.int64)
    walk_kernels.count_nodes(walks.nodes, walks.lengths, counts)
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] >= min_count]
    rank = np.full(len(names), -1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    flat = walks.nodes.reshape(-1)
    visits = int(walks.lengths.sum())
    kept = walk_kernels.compact(walks.nodes, walks.lengths, rank, flat)
    lengths = walks.lengths[walks.lengths > 0]
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    vocab = Vocabulary([names[v] for v in order.tolist()], counts[order])
    return vocab, EncodedCorpus(flat[:kept], starts, raw_tokens=visits)


def train_graph(graph: Graph, walk: WalkConfig, config: TrainConfig,
                on_progress: Callable[[Progress], None] | None = None,
                on_walks: Callable[[Walks], None] | None = None,
                source: str = "") -> KeyedVectors:
    """Node vectors of ``graph``: walks, then skip-gram (or CBOW) on them with
    ``config`` (its learning rate, when not given, from the graph's mean degree:
    ``config.graph_alpha``). ``on_walks(walks)`` sees the walks before they are encoded
    (to save them). The vectors' metadata records the graph, the walks and the
    settings."""
    started = datetime.datetime.now(datetime.timezone.utc)
    if config.alpha is None:
        config = dataclasses.replace(config, alpha=graph_alpha(config.arch, graph.mean_degree))
    walks = random_walks(graph, walk, config.seed, config.workers)
    if on_walks is not None:
        on_walks(walks)
    short = int((walks.lengths < walk.walk_length).sum())
    vocab, encoded = walk_corpus(walks, graph.names, config.min_count)
    del walks
    w_in, w_out = train_encoded(vocab, encoded, config, on_progress)
    metadata = {
        "config": settings(config),
        "graph": {"source": source, "nodes": graph.nodes, "edges": graph.edges,
                  "mean_degree": graph.mean_degree,
                  "directed": graph.directed, "weighted": graph.cumulative is not None,
                  "self_loops_dropped": graph.self_loops},
        "walks": {**dataclasses.asdict(walk), "walks": int(len(encoded.sentence_starts) - 1),
                  "cut_short_by_dead_ends": short, "nodes_visited": encoded.raw_tokens},
        "corpus": {"source": source, "tokens": encoded.raw_tokens, "words": encoded.words,
                   "sentences": len(encoded.sentence_starts) - 1, "vocabulary": len(vocab)},
        "trained": started.isoformat(timespec="seconds"),
    }
    return KeyedVectors(vocab.words, w_in, counts=vocab.counts, output_weights=w_out,
                        metadata=metadata)
