"""Random walks over a CSR graph (``text.graph.Graph``'s arrays), compiled by Numba.

First order (DeepWalk): from node v the next node is a neighbour drawn with
probability proportional to the edge's weight (uniformly when unweighted).

Second order (node2vec, Grover and Leskovec 2016): having come from t to v, the next
node x is drawn with probability proportional to alpha(t, x) * w(v, x), where alpha is
1/p when x is t, 1 when x is a neighbour of t (an edge t -> x), and 1/q otherwise. It is
sampled by rejection, with no per-edge table: draw x by the first-order rule, accept it
with probability alpha(t, x) / m, where m = max(1, 1/q), else draw again. When 1/p is
above m, the step back to t gets its missing share, (1/p - m) * w(v, t), from an extra
area beside the envelope (KnightKing's outlier rule, Yang et al. 2019), so a small p
does not make every other draw a likely rejection: at p = 0.25, q = 4 a step takes
about 4 trials instead of 16. Each trial costs a binary search of t's sorted
neighbours; memory stays that of the graph. The first step of a walk has no t and is
first order, as in the paper.

A walk stops early at a node with no neighbour (a dead end of a directed graph, or a
node whose only edges were self-loops): it is shorter, never padded.

Every walk draws from its own random stream, seeded from (seed, walk index) alone, so
the walks are the same whatever the number of threads.
"""

from __future__ import annotations

import numpy as np

from ..jit import kernel
from .kernels import below, next_random, unit_float

_STREAM = np.uint64(0xD1B54A32D192ED03)


@kernel(inline=True)
def _neighbour(indptr, cumulative, weighted, v, state):
    """A neighbour of v (which has at least one) by the first-order rule; returns
    (position in indices, new state)."""
    lo, hi = indptr[v], indptr[v + 1]
    state, bits = next_random(state)
    if not weighted:
        return lo + below(bits, hi - lo), state
    # The first position whose running sum exceeds a uniform draw below the row's total.
    target = unit_float(bits) * cumulative[hi - 1]
    a, b = lo, hi - 1
    while a < b:
        m = (a + b) >> 1
        if cumulative[m] > target:
            b = m
        else:
            a = m + 1
    return a, state


@kernel(inline=True)
def _position(indptr, indices, t, x):
    """Where x is among t's (sorted) neighbours in indices, or -1."""
    a, b = indptr[t], indptr[t + 1]
    while a < b:
        m = (a + b) >> 1
        if indices[m] < x:
            a = m + 1
        else:
            b = m
    if a < indptr[t + 1] and indices[a] == x:
        return a
    return -1


@kernel(inline=True)
def _weight_to(indptr, indices, cumulative, weighted, v, t):
    """The weight of the edge v -> t (0 if there is none)."""
    at = _position(indptr, indices, v, t)
    if at < 0:
        return 0.0
    if not weighted:
        return 1.0
    if at == indptr[v]:
        return np.float64(cumulative[at])
    return np.float64(cumulative[at]) - np.float64(cumulative[at - 1])


@kernel
def walk_range(indptr, indices, cumulative, weighted, p, q, starts, first, seed, out,
               lengths):
    """Walk from each node of ``starts``; walk i's index is first + i. Walk i is written
    to out[i] (its length is out.shape[1] nodes, the start included, or fewer at a dead
    end) and its length to lengths[i]."""
    length = out.shape[1]
    second_order = p != 1.0 or q != 1.0
    inv_p, inv_q = 1.0 / p, 1.0 / q
    top = max(1.0, inv_q)  # the envelope's height over every neighbour but t
    for i in range(len(starts)):
        # splitmix64's output at the walk's index: a start far from every other walk's.
        state = seed + np.uint64(first + i) * _STREAM
        state = next_random(state)[1]
        v = starts[i]
        out[i, 0] = v
        t = -1
        n = 1
        while n < length and indptr[v] < indptr[v + 1]:
            if t < 0 or not second_order:
                at, state = _neighbour(indptr, cumulative, weighted, v, state)
                x = indices[at]
            else:
                lo, hi = indptr[v], indptr[v + 1]
                area = top * (cumulative[hi - 1] if weighted else np.float32(hi - lo))
                extra = 0.0
                if inv_p > top:
                    extra = (inv_p - top) * _weight_to(indptr, indices, cumulative, weighted,
                                                       v, t)
                while True:
                    state, bits = next_random(state)
                    if unit_float(bits) * (area + extra) >= area:
                        x = t  # the extra area: the step back's missing share
                        break
                    at, state = _neighbour(indptr, cumulative, weighted, v, state)
                    x = indices[at]
                    if x == t:
                        alpha = inv_p
                    elif _position(indptr, indices, t, x) >= 0:  # an edge t -> x
                        alpha = 1.0
                    else:
                        alpha = inv_q
                    state, bits = next_random(state)
                    if unit_float(bits) * top < alpha:
                        break
            out[i, n] = x
            n += 1
            t = v
            v = x
        lengths[i] = n


@kernel
def count_nodes(out, lengths, counts):
    """Add each node's visits in the walks (out, lengths: as ``walk_range`` left them)
    to counts."""
    for i in range(out.shape[0]):
        for j in range(lengths[i]):
            counts[out[i, j]] += 1


@kernel
def compact(out, lengths, rank, ids):
    """Write the walks' nodes one after the other into ids, each node replaced by
    rank[node] and left out where that is -1; returns how many were written, and
    lengths[i] becomes walk i's new length. ids may be out's own memory (``out.ravel()``):
    every node is read before its place is written."""
    n = 0
    for i in range(out.shape[0]):
        kept = 0
        for j in range(lengths[i]):
            r = rank[out[i, j]]
            if r >= 0:
                ids[n] = r
                n += 1
                kept += 1
        lengths[i] = kept
    return n
