"""Reading a graph: an edge list into compressed sparse rows (CSR).

The edge list has one edge a line, ``a b`` or ``a b weight``, its fields separated by
spaces or tabs. Blank lines and lines whose first non-blank character is ``#`` are
skipped (a ``#`` inside a name is part of it: ``C#`` is a node). Node names are any
non-whitespace strings, kept as read (bytes that are not UTF-8 come back as \\xNN
escapes, as words do). A path may end in ``.gz``, ``.bz2`` or ``.xz``; ``-`` reads
standard input.

Weights: a file whose first edge has a third field is weighted, and then every edge
must have one. ``weighted=True`` reads a two-field file with weight 1 per line, so
duplicates add up to counts; ``weighted=False`` ignores a third field. A weight must
be a finite number at least 0; any other line (one field, four, a weight that is not a
number, a negative or infinite one) is an error naming its line, raised before
anything is built.

The rules of the graph built:

* undirected unless ``directed``: each edge is stored in both rows;
* duplicate edges merge into one, their weights summed (``a b`` and ``b a`` are the
  same undirected edge); in an unweighted graph the duplicate is simply dropped;
* self-loops are dropped (a walk that stays put teaches nothing), and their node is
  kept; an edge whose summed weight is 0 is dropped too (no walk can take it);
* node ids follow first appearance in the file, and each row's neighbours are sorted.

Memory: while reading, 8 bytes per line (two int32 ids) plus 8 for a weight; the graph
keeps an int32 neighbour per stored edge (two per undirected edge) and, when weighted,
a float32 per stored edge, plus an int64 row start per node and the names.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

from ..errors import CorpusError
from .corpus import describe, open_bytes


@dataclass(frozen=True)
class EdgeList:
    """The edges as read: node ids by first appearance, with their names."""

    names: list[str]
    sources: np.ndarray  # int32, one per edge line
    targets: np.ndarray  # int32
    weights: np.ndarray | None  # float64, or None for an unweighted file


@dataclass(frozen=True)
class Graph:
    """Neighbours of node v: ``indices[indptr[v]:indptr[v + 1]]``, sorted.

    ``cumulative`` (weighted graphs only) holds each row's running sum of edge weights,
    in float32, computed in float64: a neighbour is drawn with probability proportional
    to its weight by a binary search for a uniform draw below the row's total."""

    names: list[str]
    indptr: np.ndarray  # int64, nodes + 1
    indices: np.ndarray  # int32
    cumulative: np.ndarray | None  # float32 per stored edge, or None (unweighted)
    directed: bool
    self_loops: int = 0  # self-loop lines dropped

    @property
    def nodes(self) -> int:
        return len(self.names)

    @property
    def edges(self) -> int:
        """Distinct edges (an undirected edge counted once)."""
        stored = len(self.indices)
        return stored if self.directed else stored // 2

    @property
    def mean_degree(self) -> float:
        """Neighbours per node (out-neighbours when directed)."""
        return len(self.indices) / max(self.nodes, 1)

    def sources(self) -> np.ndarray:
        """The node each stored edge leaves (int64, beside ``indices``)."""
        return np.repeat(np.arange(self.nodes, dtype=np.int64), np.diff(self.indptr))

    def weights(self) -> np.ndarray:
        """Each stored edge's weight (float64, from the running sums; ones when
        unweighted)."""
        if self.cumulative is None:
            return np.ones(len(self.indices))
        running = self.cumulative.astype(np.float64)
        weights = np.diff(running, prepend=0.0)
        starts = self.indptr[:-1][self.indptr[:-1] < self.indptr[1:]]
        weights[starts] = running[starts]
        return weights


def read_edges(path: str, weighted: bool | None = None) -> EdgeList:
    """Read an edge list (see the module's rules). ``weighted`` None: weighted when the
    first edge line has a third field."""
    name = describe(path)
    detected = weighted is None  # then a weight on the first edge makes every one need one
    ids: dict[bytes, int] = {}
    sources, targets, weights = array("i"), array("i"), array("d")
    with open_bytes(path) as stream:
        for number, line in enumerate(stream, 1):
            fields = line.split()
            if not fields or fields[0].startswith(b"#"):
                continue
            if len(fields) not in (2, 3):
                raise CorpusError(f"{name}, line {number}: expected 'a b' or 'a b weight', "
                                  f"found {len(fields)} field{'s' * (len(fields) != 1)}")
            if weighted is None:
                weighted = len(fields) == 3
            if weighted:
                if len(fields) == 3:
                    weights.append(_weight(fields[2], name, number))
                elif detected:
                    raise CorpusError(f"{name}, line {number}: no weight, where the first "
                                      f"edge has one (every edge of a weighted list needs one)")
                else:
                    weights.append(1.0)
            sources.append(ids.setdefault(fields[0], len(ids)))
            targets.append(ids.setdefault(fields[1], len(ids)))
    names = [word.decode("utf-8", "surrogateescape") for word in ids]
    return EdgeList(names, np.frombuffer(sources, dtype=np.int32),
                    np.frombuffer(targets, dtype=np.int32),
                    np.frombuffer(weights, dtype=np.float64) if weighted else None)


def _weight(field: bytes, name: str, number: int) -> float:
    try:
        weight = float(field)
    except ValueError:
        raise CorpusError(f"{name}, line {number}: the weight "
                          f"{field.decode('utf-8', 'backslashreplace')!r} is not a "
                          f"number") from None
    if not (math.isfinite(weight) and weight >= 0):
        raise CorpusError(f"{name}, line {number}: the weight {weight} must be a finite "
                          f"number at least 0")
    return weight


def build_graph(edges: EdgeList, directed: bool = False) -> Graph:
    """The CSR graph of ``edges`` (see the module's rules)."""
    nodes = len(edges.names)
    loops = edges.sources == edges.targets
    sources, targets = edges.sources[~loops], edges.targets[~loops]
    weights = None if edges.weights is None else edges.weights[~loops]
    if not directed:
        sources, targets = np.concatenate([sources, targets]), np.concatenate([targets, sources])
        if weights is not None:
            weights = np.concatenate([weights, weights])
    keys = sources.astype(np.int64) * nodes + targets
    del sources, targets
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    first = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    if weights is not None:
        weights = np.add.reduceat(weights[order], first) if len(first) else weights[:0]
        keys = keys[first][weights > 0]
        weights = weights[weights > 0]
    else:
        keys = keys[first]
    del order, first
    rows = keys // nodes if nodes else keys
    indptr = np.zeros(nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=nodes), out=indptr[1:])
    indices = (keys - rows * nodes).astype(np.int32)
    cumulative = None
    if weights is not None:  # running sums within each row, restarted at each row start
        running = np.cumsum(weights)
        starts = indptr[:-1][indptr[:-1] < indptr[1:]]
        before = np.zeros(nodes, dtype=np.float64)
        before[rows[starts]] = running[starts] - weights[starts]
        cumulative = (running - before[rows]).astype(np.float32)
    return Graph(edges.names, indptr, indices, cumulative, directed, int(loops.sum()))


def read_graph(path: str, directed: bool = False, weighted: bool | None = None) -> Graph:
    """``build_graph(read_edges(path, weighted), directed)``; an empty list is an error."""
    edges = read_edges(path, weighted)
    if not len(edges.names):
        raise CorpusError(f"{describe(path)} holds no edge")
    return build_graph(edges, directed)
