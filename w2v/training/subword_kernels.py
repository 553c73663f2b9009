"""Training kernels of fastText's subword model. Imports only w2v.jit and the shared
steps of ``kernels`` (the output-layer update, sampling, the threads' own rows); takes
arrays and scalars only and allocates nothing.

A word's input is the mean of its input rows (its own row and its n-grams' rows,
``text.subwords.SubwordTable``), and the error of that mean is added in full to every
one of those rows, as fastText does (``Model::update`` divides it only for supervised
models). As in fastText, skip-gram predicts each context word from the centre word's
input, and CBOW predicts the centre word from the mean of all its context words'
rows together.

Skip-gram's fast path computes the centre's mean once, scores it in one pass against
the whole window (each context word a positive target) and ``negative`` noise words
for each of them, and adds the error to the centre's rows once; fastText recomputes the
mean of about 20 rows and adds its error to them for every (centre, context) pair,
which ``exact`` keeps. Each (centre, context) pair keeps its ``negative`` noise words,
as in fastText, so the noise pushes as hard as the window pulls.

CBOW's fast path works on blocks of ``CBOW_BLOCK`` centre words. At a block's start,
each distinct word of the block and its windows gets its mean (one read of its rows);
a centre's input is then the mean of its context words' means weighted by their row
counts, which equals the mean of all their rows. The error goes to each context word's
mean at once (every row moving by it moves the mean by it) and to its running sum,
which is added to the word's rows once, at the block's end. fastText reads and writes
every context word's 20-odd rows for every centre word, about six times per
occurrence; here each distinct word's rows are read and written once a block. What a
word does not see until the block ends is the change to the n-gram rows it shares with
other words of the block. ``exact`` keeps fastText's order.
"""

import numpy as np

from ..jit import kernel
from .kernels import (
    _draw_targets_and_prefetch,
    _sentence_of,
    begin_centre,
    merge_own,
    next_random,
    noise_word,
    output_update,
    own_row,
    prefetch_row,
    subsample,
)

CBOW_BLOCK = 1024  # centre words whose context words' rows are read and written once


def batch_space(window, negative, words, dim, block=CBOW_BLOCK):
    """A thread's scratch for the fast paths: skip-gram's targets and their labels;
    CBOW's slot of each word (-1: none), the words of the slots, their means and their
    summed errors, and the block size."""
    size = 2 * window * (negative + 1)
    slots = block + 2 * window
    return (np.empty(size, dtype=np.int32), np.empty(size, dtype=np.float32),
            np.full(words, -1, dtype=np.int32), np.empty(slots, dtype=np.int32),
            np.empty((slots, dim), dtype=np.float32), np.empty((slots, dim), dtype=np.float32),
            block)


@kernel(fastmath=True)
def train_range(corpus, span, weights, own, copied, tables, settings, seed, scratch,
                subwords):
    """``kernels.train_range`` with subword inputs; the same arguments, and
    subwords = (offsets, rows, *batch_space(...)): word w's input rows are
    rows[offsets[w]:offsets[w + 1]] of w_in.
    Hierarchical softmax and ``cbow_sum`` are not used here."""
    ids, sentence_starts, _ = corpus
    start, end = span
    w_in, w_out = weights[0], weights[1]
    keep_prob, noise_accept, noise_alias = tables[0], tables[1], tables[2]
    cbow, exact, _, shrink, _, window, negative, alpha_start, alpha_end, _, _ = settings
    kept, kept_pos, targets, ns_labels, contexts, inputs, grads, scores = scratch
    offsets, rows, batch, batch_labels, slot_of, slot_word, means, sums, block = subwords
    dim = w_in.shape[1]
    alpha_step = (alpha_end - alpha_start) / max(end - start, 1)
    state, _ = next_random(np.uint64(seed))
    trained = 0
    next_merge = start + own[2]

    s = _sentence_of(sentence_starts, start)
    while s < len(sentence_starts) - 1 and sentence_starts[s] < end:
        lo = max(sentence_starts[s], start)
        hi = min(sentence_starts[s + 1], end)
        s += 1
        n, state = subsample(ids, lo, hi, keep_prob, kept, kept_pos, state)
        if cbow and not exact:
            for b in range(0, n, block):
                state, done, next_merge = _cbow_block(
                    kept, kept_pos, n, b, min(n, b + block), w_in, w_out, offsets, rows,
                    slot_of, slot_word, means, sums, tables, own, copied, targets, ns_labels,
                    contexts, inputs, grads, scores, window, shrink, negative, alpha_start,
                    alpha_step, start, next_merge, state)
                trained += done
            continue
        for i in range(n):
            m, alpha, next_merge, state = begin_centre(
                kept, kept_pos, n, i, window, shrink, contexts, w_out, own, copied,
                alpha_start, alpha_step, start, next_merge, state)
            if m == 0:
                continue
            center = kept[i]
            trained += 1
            if cbow:  # exact: the mean of every context word's rows predicts the centre
                count, state = _draw_targets_and_prefetch(center, tables, negative, targets,
                                                          w_out, own, state)
                total = 0
                for d in range(dim):
                    inputs[0, d] = 0.0
                for c in range(m):
                    for r in range(offsets[contexts[c]], offsets[contexts[c] + 1]):
                        _add_to(inputs, w_in[rows[r]])
                        total += 1
                _scale(inputs, np.float32(1.0) / np.float32(total))
                _zero(grads)
                output_update(inputs, 1, w_out, targets, own, ns_labels, count, alpha, False,
                              grads, scores)
                for c in range(m):
                    _add_to_rows(w_in, rows, offsets[contexts[c]], offsets[contexts[c] + 1],
                                 grads)
            elif exact:  # fastText's order: every (centre, context) pair on its own
                a, b = offsets[center], offsets[center + 1]
                for c in range(m):
                    _mean_of_rows(inputs, w_in, rows, a, b)
                    count, state = _draw_targets_and_prefetch(contexts[c], tables, negative,
                                                              targets, w_out, own, state)
                    _zero(grads)
                    output_update(inputs, 1, w_out, targets, own, ns_labels, count, alpha,
                                  False, grads, scores)
                    _add_to_rows(w_in, rows, a, b, grads)
            else:  # the centre's mean once, against the window and its noise words
                count = 0
                for c in range(m):
                    batch[count] = contexts[c]
                    batch_labels[count] = 1.0
                    count += 1
                for _ in range(negative * m):
                    word, state = noise_word(noise_accept, noise_alias, state)
                    positive = False
                    for c in range(m):
                        positive = positive or contexts[c] == word
                    if not positive:
                        batch[count] = word
                        batch_labels[count] = 0.0
                        count += 1
                for k in range(count):
                    prefetch_row(w_out, own_row(batch[k], own))
                a, b = offsets[center], offsets[center + 1]
                _mean_of_rows(inputs, w_in, rows, a, b)
                _zero(grads)
                output_update(inputs, 1, w_out, batch, own, batch_labels, count, alpha, False,
                              grads, scores)
                _add_to_rows(w_in, rows, a, b, grads)
    if own[0] > 0:
        merge_own(w_out, own, copied)
    return trained


@kernel(fastmath=True)
def _cbow_block(kept, kept_pos, n, b0, b1, w_in, w_out, offsets, rows, slot_of, slot_word,
                means, sums, tables, own, copied, targets, ns_labels, contexts, inputs, grads,
                scores, window, shrink, negative, alpha_start, alpha_step, start, next_merge,
                state):
    """CBOW's fast path over the centre words kept[b0:b1] (see the module doc). Returns
    (state, centre words trained, next merge position)."""
    dim = w_in.shape[1]
    slots = 0
    for j in range(max(b0 - window, 0), min(b1 + window, n)):  # every word it can read
        w = kept[j]
        if slot_of[w] < 0:
            slot_of[w] = slots
            slot_word[slots] = w
            a, b = offsets[w], offsets[w + 1]
            _mean_of_rows(means[slots:slots + 1], w_in, rows, a, b)
            for d in range(dim):
                sums[slots, d] = 0.0
            slots += 1
    trained = 0
    for i in range(b0, b1):
        m, alpha, next_merge, state = begin_centre(
            kept, kept_pos, n, i, window, shrink, contexts, w_out, own, copied, alpha_start,
            alpha_step, start, next_merge, state)
        if m == 0:
            continue
        center = kept[i]
        trained += 1
        count, state = _draw_targets_and_prefetch(center, tables, negative, targets, w_out,
                                                  own, state)
        total = 0
        for d in range(dim):
            inputs[0, d] = 0.0
        for c in range(m):  # the row-count-weighted mean of the context words' means
            w = contexts[c]
            size = offsets[w + 1] - offsets[w]
            weight = np.float32(size)
            k = slot_of[w]
            for d in range(dim):
                inputs[0, d] += weight * means[k, d]
            total += size
        _scale(inputs, np.float32(1.0) / np.float32(total))
        _zero(grads)
        output_update(inputs, 1, w_out, targets, own, ns_labels, count, alpha, False, grads,
                      scores)
        for c in range(m):
            k = slot_of[contexts[c]]
            for d in range(dim):
                means[k, d] += grads[0, d]
                sums[k, d] += grads[0, d]
    for k in range(slots):  # each word's summed error, to each of its rows once
        w = slot_word[k]
        _add_to_rows(w_in, rows, offsets[w], offsets[w + 1], sums[k:k + 1])
        slot_of[w] = -1
    return state, trained, next_merge


@kernel(fastmath=True)
def word_vectors(w_in, offsets, rows, out):
    """out[w] = the mean of word w's input rows: its vector (fastText's
    ``getWordVector`` for a word of the vocabulary)."""
    for w in range(len(offsets) - 1):
        for d in range(out.shape[1]):
            out[w, d] = 0.0
        for r in range(offsets[w], offsets[w + 1]):
            for d in range(out.shape[1]):
                out[w, d] += w_in[rows[r], d]
        scale = np.float32(1.0) / np.float32(max(offsets[w + 1] - offsets[w], 1))
        for d in range(out.shape[1]):
            out[w, d] *= scale


@kernel(fastmath=True, inline=True)
def _mean_of_rows(inputs, w_in, rows, a, b):
    """inputs[0] = the mean of w_in[rows[a:b]]."""
    for d in range(inputs.shape[1]):
        inputs[0, d] = 0.0
    for r in range(a, b):
        _add_to(inputs, w_in[rows[r]])
    _scale(inputs, np.float32(1.0) / np.float32(max(b - a, 1)))


@kernel(fastmath=True, inline=True)
def _add_to(inputs, row):
    """inputs[0] += row"""
    for d in range(len(row)):
        inputs[0, d] += row[d]


@kernel(fastmath=True, inline=True)
def _scale(inputs, factor):
    for d in range(inputs.shape[1]):
        inputs[0, d] *= factor


@kernel(fastmath=True, inline=True)
def _zero(grads):
    for d in range(grads.shape[1]):
        grads[0, d] = 0.0


@kernel(fastmath=True, inline=True)
def _add_to_rows(w_in, rows, a, b, grads):
    """w_in[rows[a:b]] += grads[0], the error added in full to every row."""
    for r in range(a, b):
        row = w_in[rows[r]]
        for d in range(len(row)):
            row[d] += grads[0, d]
