"""Every Numba kernel of w2v. Imports nothing from w2v; takes arrays and scalars only.

Names, mapped once to word2vec.c's:
  w_in  (syn0)     input vectors, one row per word: the word vectors users get
  w_out (syn1neg)  output vectors used by negative sampling
  hidden (neu1)    the input of the output layer: a context word's row (skip-gram)
                   or the mean of the window's rows (CBOW)
  grad_hidden (neu1e)  the error accumulated for ``hidden``

Random numbers come from splitmix64 with an explicit state per job, seeded by the
caller, so a job draws the same numbers whichever thread runs it. Threads share
``w_in`` and ``w_out`` without locks (Hogwild, as word2vec.c and gensim do): runs with
several threads are not bit-for-bit reproducible; one thread with a fixed seed is.
"""

import numpy as np
from numba import njit

MAX_EXP = np.float32(6.0)  # sigmoid clipping: 0 below -MAX_EXP, 1 above MAX_EXP

_JIT = dict(cache=True, fastmath=True, nogil=True)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LOW24 = np.uint64(0xFFFFFF)
_U24 = np.float32(1.0 / (1 << 24))


@njit(**_JIT)
def next_random(state):
    """splitmix64: returns (new state, 64 random bits)."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return state, z ^ (z >> np.uint64(31))


@njit(**_JIT)
def unit_float(bits):
    """A float32 in [0, 1) from the low 24 of 64 random bits."""
    return np.float32(bits & _LOW24) * _U24


@njit(**_JIT)
def below(bits, n):
    """An integer in [0, n) from the high 32 of 64 random bits (n < 2**32)."""
    return np.int64(((bits >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))


@njit(**_JIT)
def build_alias(probs):
    """Vose's alias tables for drawing index i with probability probs[i] in O(1).

    Returns (accept, alias): draw a uniform column i and a uniform u; the sample is i
    when u < accept[i], else alias[i].
    """
    n = len(probs)
    scaled = probs * n
    accept = np.ones(n, dtype=np.float32)
    alias = np.arange(n).astype(np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(n):
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
    return accept, alias


@njit(**_JIT)
def draw_targets(positive, noise_accept, noise_alias, negative, targets, state):
    """targets[0] = positive, then up to ``negative`` noise words (a draw equal to
    ``positive`` is dropped, as in word2vec.c). Returns (count, new state)."""
    targets[0] = positive
    count = 1
    n = len(noise_accept)
    for _ in range(negative):
        state, bits = next_random(state)
        word = below(bits, n)
        if unit_float(bits) >= noise_accept[word]:
            word = noise_alias[word]
        if word != positive:
            targets[count] = word
            count += 1
    return count, state


@njit(**_JIT)
def ns_update(hidden, w_out, targets, count, alpha, grad_hidden):
    """Negative-sampling step shared by skip-gram and CBOW.

    targets[0] is the positive word (label 1), targets[1:count] the noise words
    (label 0). Updates the rows of ``w_out`` in place and adds the error for
    ``hidden`` to ``grad_hidden``; the caller applies ``grad_hidden``.
    """
    dim = len(hidden)
    for k in range(count):
        row = w_out[targets[k]]
        label = np.float32(1.0) if k == 0 else np.float32(0.0)
        f = np.float32(0.0)
        for d in range(dim):
            f += hidden[d] * row[d]
        if f > MAX_EXP:
            g = (label - np.float32(1.0)) * alpha
        elif f < -MAX_EXP:
            g = label * alpha
        else:
            g = (label - np.float32(1.0) / (np.float32(1.0) + np.exp(-f))) * alpha
        for d in range(dim):
            grad_hidden[d] += g * row[d]
            row[d] += g * hidden[d]


@njit(**_JIT)
def train_range(corpus, span, weights, tables, settings, seed):
    """Train on the centre words at ids[start:end]; returns the number of centre words
    trained (those kept by subsampling).

    corpus   = (ids int32, sentence_starts int64): sentences, see vocab.EncodedCorpus
    span     = (start, end): positions of the centre words; windows stop at the span's
               ends as at sentence ends
    weights  = (w_in, w_out): float32 (vocab, dim), updated in place
    tables   = (keep_prob, noise_accept, noise_alias): subsampling and noise tables
    settings = (cbow, window, negative, alpha_start, alpha_end): the learning rate
               falls linearly from alpha_start at ``start`` to alpha_end at ``end``
    seed     = uint64 state of this span's random numbers
    """
    ids, sentence_starts = corpus
    start, end = span
    w_in, w_out = weights
    keep_prob, noise_accept, noise_alias = tables
    cbow, window, negative, alpha_start, alpha_end = settings
    dim = w_in.shape[1]

    kept = np.empty(end - start, dtype=np.int32)  # subsampled words of one sentence
    kept_pos = np.empty(end - start, dtype=np.int64)  # and their positions
    targets = np.empty(negative + 1, dtype=np.int32)
    hidden = np.empty(dim, dtype=np.float32)
    grad_hidden = np.empty(dim, dtype=np.float32)
    alpha_step = (alpha_end - alpha_start) / max(end - start, 1)
    state, _ = next_random(np.uint64(seed))
    trained = 0

    s = np.searchsorted(sentence_starts, start, side="right") - 1
    while s < len(sentence_starts) - 1 and sentence_starts[s] < end:
        lo = max(sentence_starts[s], start)
        hi = min(sentence_starts[s + 1], end)
        s += 1
        n = 0
        for p in range(lo, hi):
            word = ids[p]
            if keep_prob[word] < 1.0:
                state, bits = next_random(state)
                if unit_float(bits) >= keep_prob[word]:
                    continue
            kept[n] = word
            kept_pos[n] = p
            n += 1
        for i in range(n):
            state, bits = next_random(state)
            reach = window - below(bits, window)  # 1..window words each side
            first = max(i - reach, 0)
            last = min(i + reach + 1, n)
            center = kept[i]
            alpha = np.float32(alpha_start + alpha_step * (kept_pos[i] - start))
            if cbow:
                hidden[:] = 0.0
                for j in range(first, last):
                    if j != i:
                        hidden += w_in[kept[j]]
                if last - first > 1:
                    hidden /= np.float32(last - first - 1)
                    grad_hidden[:] = 0.0
                    count, state = draw_targets(center, noise_accept, noise_alias,
                                                negative, targets, state)
                    ns_update(hidden, w_out, targets, count, alpha, grad_hidden)
                    for j in range(first, last):
                        if j != i:
                            w_in[kept[j]] += grad_hidden
            else:
                for j in range(first, last):
                    if j != i:
                        context = w_in[kept[j]]
                        grad_hidden[:] = 0.0
                        count, state = draw_targets(center, noise_accept, noise_alias,
                                                    negative, targets, state)
                        ns_update(context, w_out, targets, count, alpha, grad_hidden)
                        context += grad_hidden
            trained += 1
    return trained
