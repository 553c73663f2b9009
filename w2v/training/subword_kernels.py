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
"""

import numpy as np

from ..jit import kernel
from .kernels import (
    _draw_targets_and_prefetch,
    _sentence_of,
    merge_own,
    next_random,
    noise_word,
    output_update,
    own_row,
    prefetch_row,
    subsample,
    window_of,
)


def batch_space(window, negative):
    """A thread's scratch for the fast path's targets and their labels."""
    size = 2 * window * (negative + 1)
    return np.empty(size, dtype=np.int32), np.empty(size, dtype=np.float32)


@kernel(fastmath=True)
def train_range(corpus, span, weights, own, copied, tables, settings, seed, scratch,
                subwords):
    """``kernels.train_range`` with subword inputs; the same arguments, and
    subwords = (offsets, rows, batch_targets, batch_labels): word w's input rows are
    rows[offsets[w]:offsets[w + 1]] of w_in; the last two are ``batch_space``.
    Hierarchical softmax and ``cbow_sum`` are not used here."""
    ids, sentence_starts = corpus
    start, end = span
    w_in, w_out = weights[0], weights[1]
    keep_prob, noise_accept, noise_alias = tables[0], tables[1], tables[2]
    cbow, exact, _, shrink, _, window, negative, alpha_start, alpha_end = settings
    kept, kept_pos, targets, ns_labels, contexts, inputs, grads, scores = scratch
    offsets, rows, batch, batch_labels = subwords
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
        for i in range(n):
            m, state = window_of(kept, n, i, window, shrink, contexts, state)
            if m == 0:
                continue
            center = kept[i]
            alpha = np.float32(alpha_start + alpha_step * (kept_pos[i] - start))
            trained += 1
            if own[0] > 0 and kept_pos[i] >= next_merge:
                merge_own(w_out, own, copied)
                next_merge = kept_pos[i] + own[2]
            if cbow:  # the mean of every context word's rows predicts the centre
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
