"""GloVe's kernels: counting co-occurrences, and one pass of its AdaGrad updates.
Take arrays and scalars only, and allocate nothing.

Counts are kept in fixed point: a pair ``d`` words apart adds ``units[d]``, the integer
nearest ``scale / d`` (``training.cooccur``), so sums are exact integers whatever the
order of their terms. A pair of words a <= b (ids, most frequent first) is counted once,
in cell (a, b); a word paired with itself counts twice there, once for each direction,
as Stanford's cooccur does. Cells where (a + 1) * (b + 1) stays within a bound are a
dense table (Stanford's rule: the frequent pairs, which take most of the additions);
the others go to a hash table (open addressing, linear probing) of int64 keys
``a * words + b``, each held plus one so that a table of zeros is empty (NumPy's zeros
take memory only as they are written), which the caller empties to disk when it fills.
Taken out of the tables, a pair a < b becomes two records, its terms (a, b) and (b, a)
(key ``word * words + context``), each at its own place in the training order.
"""

import math

import numpy as np

from ..jit import kernel
from .kernels import _GOLDEN, _sentence_of, mix64, prefetch_row

# The training step: Stanford's fastmath choice, minus the flags that would let the
# compiler assume no NaN or infinity (the guard against them must stay).
_FAST = {"nsz", "arcp", "contract", "afn", "reassoc"}


@kernel(inline=True)
def _shift_for(slots):
    """The shift that leaves log2(slots) top bits of a 64-bit product: a key's slot
    is (key * golden ratio) >> shift (Fibonacci hashing; slots a power of two)."""
    bits = 0
    while (1 << bits) < slots:
        bits += 1
    return np.uint64(64 - bits)


@kernel
def count_pairs(ids, starts, begin, end, window, units, words, row_start, row_end, dense,
                keys, values, filled, limit):
    """Add every pair whose first word is at a position in ``begin..end-1`` and whose
    second is at most ``window`` words after it in the same sentence. Stops early, after
    a whole position, once the hash table holds ``limit`` keys; returns (the position
    to go on from, the keys held)."""
    dense_rows = len(row_start)
    shift = _shift_for(len(keys))
    mask = len(keys) - 1
    sentence_end = starts[_sentence_of(starts, begin) + 1] if begin < end else end
    p = begin
    while p < end and filled < limit:
        if p >= sentence_end:
            sentence_end = starts[_sentence_of(starts, p) + 1]
        first = ids[p]
        last = min(p + window + 1, sentence_end)
        for q in range(p + 1, last):
            a, b = first, ids[q]
            if b < a:
                a, b = b, a
            add = units[q - p]
            if a == b:
                add *= 2
            if a < dense_rows and b < row_end[a]:
                dense[row_start[a] + b - a] += add
                continue
            key = np.int64(a) * words + b + 1
            slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
            while True:
                held = keys[slot]
                if held == key:
                    values[slot] += add
                    break
                if held == 0:
                    keys[slot] = key
                    values[slot] = add
                    filled += 1
                    break
                slot = (slot + 1) & mask
        p += 1
    return p, filled


@kernel
def rehash(keys, counts, new_keys, new_counts):
    """Insert the pairs of one hash table into another, larger and empty."""
    shift = _shift_for(len(new_keys))
    mask = len(new_keys) - 1
    for old in range(len(keys)):
        key = keys[old]
        if key == 0:
            continue
        slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
        while new_keys[slot] != 0:
            slot = (slot + 1) & mask
        new_keys[slot] = key
        new_counts[slot] = counts[old]


@kernel
def take_table(keys, counts, out_keys, out_counts, at):
    """Move the hash table's pairs to out_keys[at:] and out_counts[at:], emptying it;
    return where they end."""
    for slot in range(len(keys)):
        if keys[slot] != 0:
            out_keys[at] = keys[slot] - 1
            out_counts[at] = counts[slot]
            keys[slot] = 0
            at += 1
    return at


@kernel
def take_dense(dense, row_start, row_end, words, first, last, out_keys, out_counts, at):
    """Copy the counted pairs of dense rows first..last-1 to out_keys[at:] and
    out_counts[at:]; return where they end."""
    for a in range(first, last):
        cell = row_start[a]
        for b in range(a, row_end[a]):
            if dense[cell] != 0:
                out_keys[at] = np.int64(a) * words + b
                out_counts[at] = dense[cell]
                at += 1
            cell += 1
    return at


@kernel(inline=True)
def _term_order(key, offset):
    """A term's place in the training order: mix64 of its key plus the seed's offset."""
    return mix64(np.uint64(key) + offset)


@kernel
def term_orders(keys, offset, out):
    """out[i]: the place of term keys[i] in the training order."""
    for i in range(len(keys)):
        out[i] = _term_order(keys[i], offset)


@kernel(inline=True)
def _reversed(key, words):
    """The key of a term's other direction: (b, a) for (a, b)."""
    return (key % words) * words + key // words


@kernel
def count_terms(pair_keys, words, offset, shift, sizes):
    """Add up, in ``sizes``, the terms of pairs a <= b ((a, b), and (b, a) unless
    a == b) whose place in the order has its top bits (``>> shift``) equal to each
    index of ``sizes``."""
    for i in range(len(pair_keys)):
        key = pair_keys[i]
        sizes[np.int64(_term_order(key, offset) >> shift)] += 1
        other = _reversed(key, words)
        if other != key:
            sizes[np.int64(_term_order(other, offset) >> shift)] += 1


@kernel
def take_terms(pair_keys, pair_counts, words, offset, shift, first, last, out_keys,
               out_counts, out_orders):
    """Write the terms of pairs a <= b whose top bits of place (as ``count_terms``) are
    in first..last-1 to out_keys and out_counts, and their places to out_orders; return
    how many."""
    n = 0
    for i in range(len(pair_keys)):
        key = pair_keys[i]
        other = _reversed(key, words)
        for term in (key, other):
            order = _term_order(term, offset)
            place = np.int64(order >> shift)
            if first <= place < last:
                out_keys[n] = term
                out_counts[n] = pair_counts[i]
                out_orders[n] = order
                n += 1
            if other == key:  # a word with itself: one term
                break
    return n


@kernel
def emit_records(keys, counts, order, words, scale, rows, cols, values):
    """Records in ``order``, a term's counts summed where it comes more than once (the
    same term sits at consecutive places of the order): rows (words), cols (contexts)
    and values (count / scale). Returns the records written."""
    n = 0
    i = 0
    while i < len(order):
        key = keys[order[i]]
        total = counts[order[i]]
        i += 1
        while i < len(order) and keys[order[i]] == key:
            total += counts[order[i]]
            i += 1
        rows[n] = key // words
        cols[n] = key % words
        values[n] = total / scale
        n += 1
    return n


@kernel(fastmath=_FAST, inline=True, numpy_errors=True)
def _term_update(weights, gradsq, l1, l2, log_x, weight, eta, clip):
    """One (word row l1, context row l2) term of GloVe's loss: Stanford's glove.c step.
    Returns its cost, or -1 when the term is not finite (then nothing changes)."""
    dim = weights.shape[1] - 1  # the last column is the bias
    w1, w2, g1, g2 = weights[l1], weights[l2], gradsq[l1], gradsq[l2]
    diff = np.float32(0.0)
    for k in range(dim):
        diff += w1[k] * w2[k]
    diff += w1[dim] + w2[dim] - log_x
    fdiff = weight * diff
    if not (math.isfinite(diff) and math.isfinite(fdiff)):
        return -1.0
    for k in range(dim):
        # AdaGrad as glove.c has it: the gradient clipped to +-clip, then scaled by eta;
        # the step divides by the root of the squared steps so far (starting at 1), and
        # the squared *scaled* gradient is what accumulates. The sums are float64 (a
        # frequent word's sum gains too little each step for float32 to keep), the
        # root float32.
        t1 = min(max(fdiff * w2[k], -clip), clip) * eta
        t2 = min(max(fdiff * w1[k], -clip), clip) * eta
        w1[k] -= t1 / np.sqrt(np.float32(g1[k]))
        w2[k] -= t2 / np.sqrt(np.float32(g2[k]))
        g1[k] += np.float64(t1 * t1)
        g2[k] += np.float64(t2 * t2)
    # The biases, as glove.c: neither clipped nor scaled by eta.
    w1[dim] -= fdiff / np.sqrt(np.float32(g1[dim]))
    w2[dim] -= fdiff / np.sqrt(np.float32(g2[dim]))
    g1[dim] += np.float64(fdiff * fdiff)
    g2[dim] += np.float64(fdiff * fdiff)
    return 0.5 * fdiff * diff


@kernel(inline=True)
def _prefetch_rows(weights, gradsq, row):
    prefetch_row(weights, row)
    prefetch_row(gradsq, row)


@kernel(fastmath=_FAST, numpy_errors=True)
def train_records(rows, cols, values, begin, end, weights, gradsq, words, x_max, power,
                  eta, clip):
    """Train on records ``begin..end-1``: record r is the term of word rows[r] with
    context cols[r], count values[r]. ``weights`` and ``gradsq`` hold the word rows,
    then the context rows (row ``words + b``), each with its bias in the last column.
    Returns (the summed cost, the terms skipped as not finite)."""
    cost = 0.0
    skipped = 0
    for r in range(begin, end):
        if r + 1 < end:  # the next record's rows, a random place each: start loading them
            _prefetch_rows(weights, gradsq, np.int64(rows[r + 1]))
            _prefetch_rows(weights, gradsq, words + cols[r + 1])
        x = values[r]
        weight = np.float32(1.0) if x >= x_max else (x / x_max) ** power
        c = _term_update(weights, gradsq, rows[r], words + cols[r], np.log(x), weight, eta,
                         clip)
        if c < 0:
            skipped += 1
        else:
            cost += c
    return cost, skipped
