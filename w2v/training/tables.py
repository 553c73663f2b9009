"""The lookup tables the training kernels read, built once per run: alias tables for
drawing negative samples in O(1), and word2vec.c's Huffman tree for hierarchical
softmax. Imports only w2v.jit; the kernels here allocate nothing (the builders do).
"""

import numpy as np

from ..jit import kernel


def build_alias(probs):
    """Vose's alias tables for drawing index i with probability probs[i] in O(1).

    Returns (accept float32, alias int32): draw a uniform column i and a uniform u;
    the sample is i when u < accept[i], else alias[i].
    """
    n = len(probs)
    accept = np.ones(n, dtype=np.float32)
    alias = np.arange(n, dtype=np.int32)
    _fill_alias(probs * n, accept, alias, np.empty(n, np.int64), np.empty(n, np.int64))
    return accept, alias


@kernel(fastmath=True)
def _fill_alias(scaled, accept, alias, small, large):
    """Vose's method on ``scaled`` = probs x n (overwritten); small and large are scratch."""
    n_small = 0
    n_large = 0
    for i in range(len(scaled)):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        g = large[n_large - 1]
        accept[s] = scaled[s]
        alias[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            n_large -= 1
            small[n_small] = g
            n_small += 1


def huffman(counts):
    """word2vec.c's Huffman tree over words sorted by descending count: for each word,
    the inner nodes from the root to its leaf (``points``, indices into the
    (words - 1)-row output matrix) and the branch taken at each (``codes``, 0 or 1).

    Returns (points int32 (words x depth), labels float32 (words x depth): 1 - code,
    the target hierarchical softmax learns at each node, lengths int32 (words)).
    """
    n = len(counts)
    count = np.full(2 * n, np.iinfo(np.int64).max // 4, dtype=np.int64)
    count[:n] = counts
    parent = np.zeros(2 * n, dtype=np.int64)
    branch = np.zeros(2 * n, dtype=np.int8)
    depth = np.zeros(2 * n, dtype=np.int64)
    _huffman_tree(count, parent, branch, depth, n)
    longest = max(1, int(depth[:n].max()))
    points = np.zeros((n, longest), dtype=np.int32)
    labels = np.zeros((n, longest), dtype=np.float32)
    lengths = depth[:n].astype(np.int32)
    _huffman_paths(parent, branch, n, points, labels)
    return points, labels, lengths


@kernel
def _huffman_tree(count, parent, branch, depth, n):
    """Join the two rarest nodes n - 1 times (leaves 0..n-1 sorted by descending count,
    inner node n + a made at step a, the root 2n - 2), as word2vec.c; then the depth
    of every node below the root."""
    pos1 = n - 1  # next leaf, from the rarest
    pos2 = n  # next inner node, in the order they were made
    for a in range(n - 1):
        first = 0
        second = 0
        for pick in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                chosen = pos1
                pos1 -= 1
            else:
                chosen = pos2
                pos2 += 1
            if pick == 0:
                first = chosen
            else:
                second = chosen
        count[n + a] = count[first] + count[second]
        parent[first] = n + a
        parent[second] = n + a
        branch[second] = 1
    for node in range(2 * n - 3, -1, -1):  # parents come after their children
        depth[node] = depth[parent[node]] + 1


@kernel
def _huffman_paths(parent, branch, n, points, labels):
    """Fill each word's path, root first: inner node indices (node - n) and labels."""
    for word in range(n):
        length = 0
        node = word
        while node != 2 * n - 2:
            length += 1
            node = parent[node]
        node = word
        for k in range(length - 1, -1, -1):
            labels[word, k] = 1.0 - branch[node]
            points[word, k] = parent[node] - n
            node = parent[node]
