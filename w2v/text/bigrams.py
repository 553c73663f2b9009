"""Numba kernels of phrase detection (``phrases``): counting bigrams in a hash table,
choosing and joining pairs, and writing token ids back out as text. Imports only
w2v.jit; the caller allocates every array.

A pair table uses open addressing with linear probing and Fibonacci hashing: ``keys``
(int64, a power-of-two size, ``EMPTY`` where free) holds ``a << 32 | b`` for the pair of
token ids ``a``, ``b`` (ids are int32, so the key is unique), and a parallel array holds
each pair's count or value. ``shift`` is 64 - log2(len(keys)).
"""

import numpy as np

from ..jit import kernel

EMPTY = -1  # a free slot in a pair table
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio


def score(pa: int, pb: int, pab: int, train_words: int, min_count: int) -> float:
    """word2phrase's score of the pair ``a b``: ``(pab - min_count) / pa / pb * train_words``.

    ``pa`` and ``pb`` count the two words, ``pab`` the pair, ``train_words`` every token of
    the corpus. A pair whose words or bigram occur fewer than ``min_count`` times (an
    unknown one: 0) scores 0. The pair is joined when its score is greater than the
    threshold. Computed in double precision, in this order (the kernels use this very
    function).
    """
    if pa < min_count or pb < min_count or pab < min_count:
        return 0.0
    return (pab - min_count) / pa / pb * train_words


_score = kernel(score)


@kernel
def _slot(keys, key, shift):
    """The slot holding ``key``, or the free slot where it would go."""
    mask = len(keys) - 1
    slot = np.int64((np.uint64(key) * _GOLDEN) >> np.uint64(shift))
    while keys[slot] != key and keys[slot] != EMPTY:
        slot = (slot + 1) & mask
    return slot


@kernel
def count_ids(ids, counts):
    """Add each id's occurrences to ``counts`` (zeroed by the caller)."""
    for p in range(len(ids)):
        counts[ids[p]] += 1


@kernel
def count_pairs(ids, line_ends, word_counts, rule, table, limit, state):
    """Count the bigrams ``ids[p - 1], ids[p]`` on one line that could score above the
    threshold, from position ``state[0]`` on (``state``: next position, next line end,
    slots used; ``rule``: min_count, threshold, train_words; ``table``: keys, counts,
    shift). A pair occurs at most min(count(a), count(b)) times and the score grows with
    that count, so a pair that scores no more than the threshold even at that count is
    skipped. Returns False, state saved, before a new pair would make more than
    ``limit`` slots used; True when all are counted."""
    min_count, threshold, train_words = rule
    keys, counts, shift = table
    p = max(state[0], 1)
    e = state[1]
    used = state[2]
    n_ends = len(line_ends)
    while p < len(ids):
        while e < n_ends and line_ends[e] < p:
            e += 1
        a = ids[p - 1]
        b = ids[p]
        pa = word_counts[a]
        pb = word_counts[b]
        if (e == n_ends or line_ends[e] != p) and \
                _score(pa, pb, min(pa, pb), train_words, min_count) > threshold:
            key = (np.int64(a) << 32) | np.int64(b)
            slot = _slot(keys, key, shift)
            if keys[slot] == EMPTY:
                if used >= limit:
                    state[0] = p
                    state[1] = e
                    state[2] = used
                    return False
                keys[slot] = key
                counts[slot] = 0
                used += 1
            counts[slot] += 1
        p += 1
    state[0] = p
    state[1] = e
    state[2] = used
    return True


@kernel
def rehash_pairs(keys, counts, new_keys, new_counts, shift):
    """Move every pair of a table into a larger, empty one."""
    for old in range(len(keys)):
        if keys[old] != EMPTY:
            slot = _slot(new_keys, keys[old], shift)
            new_keys[slot] = keys[old]
            new_counts[slot] = counts[old]


@kernel
def select_pairs(keys, counts, word_counts, rule, out):
    """Write the keys of the pairs that score above the threshold (``rule``: min_count,
    threshold, train_words) to ``out``, as far as it has room, in slot order; return
    how many there are."""
    min_count, threshold, train_words = rule
    found = 0
    for slot in range(len(keys)):
        key = keys[slot]
        if key == EMPTY:
            continue
        pa = word_counts[key >> 32]
        pb = word_counts[key & 0xFFFFFFFF]
        if _score(pa, pb, counts[slot], train_words, min_count) > threshold:
            if found < len(out):
                out[found] = key
            found += 1
    return found


@kernel
def index_pairs(pair_keys, keys, values, shift):
    """Fill an empty table: ``pair_keys[i]`` maps to ``i``."""
    for i in range(len(pair_keys)):
        slot = _slot(keys, pair_keys[i], shift)
        keys[slot] = pair_keys[i]
        values[slot] = i


@kernel
def join_pairs(ids, line_ends, keys, values, shift, formed):
    """Join, left to right, each pair of tokens on a line that the table holds, unless
    its first token was itself just joined to the one before. Rewrites ``ids`` in place:
    a joined pair becomes one entry ``-1 - i`` (``i`` its table value), and later tokens
    move forward; ``line_ends`` are rewritten to match. Adds 1 to ``formed[i]`` per
    join. Returns how many ids are left."""
    n_ends = len(line_ends)
    e = 0
    kept = 0
    can_start = False  # the last token kept may start a pair
    for p in range(len(ids)):
        while e < n_ends and line_ends[e] <= p:  # a line break before token p
            line_ends[e] = kept
            can_start = False
            e += 1
        word = ids[p]
        if can_start:
            slot = _slot(keys, (np.int64(ids[kept - 1]) << 32) | np.int64(word), shift)
            if keys[slot] != EMPTY:
                ids[kept - 1] = -1 - values[slot]
                formed[values[slot]] += 1
                can_start = False
                continue
        ids[kept] = word
        kept += 1
        can_start = True
    while e < n_ends:
        line_ends[e] = kept
        e += 1
    return kept


@kernel
def phrase_text(first, second, offsets, lengths, arena, out):
    """Write ``a_b\\n`` for each pair of tokens ``first[i]``, ``second[i]`` to ``out``
    (sized exactly by the caller)."""
    w = 0
    for i in range(len(first)):
        w = _copy_token(first[i], offsets, lengths, arena, out, w)
        out[w] = 95  # "_"
        w = _copy_token(second[i], offsets, lengths, arena, out, w + 1)
        out[w] = 10
        w += 1


@kernel
def _copy_token(word, offsets, lengths, arena, out, w):
    """Copy the bytes of token ``word`` to ``out[w:]``; return the position after them."""
    start = offsets[word]
    for k in range(lengths[word]):
        out[w + k] = arena[start + k]
    return w + lengths[word]


@kernel
def relabel(ids, phrase_id):
    """Replace each joined entry ``-1 - i`` by its phrase's token id ``phrase_id[i]``."""
    for p in range(len(ids)):
        if ids[p] < 0:
            ids[p] = phrase_id[-1 - ids[p]]


@kernel
def write_text(ids, line_ends, offsets, lengths, arena, state, out):
    """Fill ``out`` with the text of the tokens from ``state[0]`` on: tokens of a line
    separated by a space, a newline at each line end. ``state``: next token, next line
    end, 1 when the next token starts a line. Stops when the next token or newline does
    not fit; returns the bytes written."""
    p = state[0]
    e = state[1]
    line_start = state[2] == 1
    n_ends = len(line_ends)
    w = 0
    while True:
        while e < n_ends and line_ends[e] == p:
            if w == len(out):
                break
            out[w] = 10
            w += 1
            e += 1
            line_start = True
        if p == len(ids) or (e < n_ends and line_ends[e] == p):
            break
        word = ids[p]
        length = lengths[word]
        if w + length + (0 if line_start else 1) > len(out):
            break
        if not line_start:
            out[w] = 32
            w += 1
        w = _copy_token(word, offsets, lengths, arena, out, w)
        p += 1
        line_start = False
    state[0] = p
    state[1] = e
    state[2] = 1 if line_start else 0
    return w
