"""The training kernels. Imports only w2v.jit; takes arrays and scalars only, and
allocates nothing (the callers pass scratch space: ``scratch_space``).

Names, mapped once to word2vec.c's:
  w_in  (syn0)     input vectors, one row per word: the word vectors users get
  w_out (syn1neg)  output vectors used by negative sampling
  inputs (neu1)    copies of what feeds the output layer: context rows (skip-gram)
                   or the mean of the window's rows (CBOW)
  grads (neu1e)    the error accumulated for each row of ``inputs``

With several threads, each thread also trains its own copy of the first rows of
``w_out``: the output rows of the most frequent words, which negative sampling draws
all the time, so that every thread writes them all the time (shared, those rows bounce
between the cores' caches). The copies live in spare rows after the words' rows, at
``own_base + r`` for row r (``own_row``). Every ``merge_words`` corpus positions, and at
the end of its span, a thread adds what it changed in its copies to the shared rows
and copies them afresh (``merge_own``; without a lock, Hogwild-style). A longer wait
lets the threads' changes to a row add up past what either would have made seeing the
other's: merging only at the end of each 65,536-word job cost CBOW 0.5 points of
analogy accuracy. Copies of the input rows (of frequent context words) and of the
Huffman tree's rows near the root, merged every 4,096 words, cost hierarchical
softmax skip-gram 0.8 points, and copies of the input rows made CBOW with two threads
slower (twice the rows to merge), so those rows stay shared.

Random numbers come from splitmix64 with an explicit state per job, seeded by the
caller, so a job draws the same numbers whichever thread runs it. Threads share
``w_in`` and ``w_out`` without locks (Hogwild, as word2vec.c and gensim do): runs with
several threads are not bit-for-bit reproducible; one thread with a fixed seed is.
"""

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ..jit import kernel

MAX_EXP = np.float32(6.0)  # sigmoid clipping: 0 below -MAX_EXP, 1 above MAX_EXP

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LOW24 = np.uint64(0xFFFFFF)
_SIGMOID_SIZE = 1000
_SIGMOID_SCALE = np.float32(_SIGMOID_SIZE / MAX_EXP / 2)
_SIGMOID = (1.0 / (1.0 + np.exp(-(np.arange(_SIGMOID_SIZE) / _SIGMOID_SIZE * 2 - 1) * MAX_EXP))
            ).astype(np.float32)
_U24 = np.float32(1.0 / (1 << 24))


@intrinsic
def _prefetch(typingctx, array, index):
    """Ask the CPU to start loading the cache line of ``array.flat[index]`` (LLVM's
    llvm.prefetch: read, keep in all cache levels)."""
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        address = builder.bitcast(builder.gep(data, [args[1]]), ir.IntType(8).as_pointer())
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [address.type, i32, i32, i32]),
            "llvm.prefetch.p0")
        builder.call(fn, [address, ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return types.void(array, types.intp), codegen


@kernel(fastmath=True)
def own_row(r, own):
    """Where this thread reads and writes row r: own = (own_rows, own_base, ...) puts
    its copies of rows 0..own_rows-1 at own_base + r. Branch-free."""
    return r + own[1] * (r < own[0])


@kernel(fastmath=True)
def merge_own(matrix, own, base):
    """Add what a thread changed in its own copies (see ``own_row``) since ``base`` (the
    shared rows as it last copied them) to the shared rows; then copy the merged
    rows to its copies and to ``base``."""
    own_rows, own_base = own[0], own[1]
    for r in range(own_rows):
        for d in range(matrix.shape[1]):
            merged = matrix[r, d] + (matrix[own_base + r, d] - base[r, d])
            matrix[r, d] = merged
            matrix[own_base + r, d] = merged
            base[r, d] = merged


@kernel(fastmath=True)
def prefetch_row(matrix, row):
    """Start loading matrix[row] into cache while other work goes on."""
    dim = matrix.shape[1]
    for d in range(0, dim, 64 // matrix.itemsize):  # one 64-byte cache line at a time
        _prefetch(matrix, row * dim + d)


@kernel(inline=True)
def mix64(z):
    """splitmix64's finaliser: a bijection of 64-bit words that spreads every bit."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@kernel(fastmath=True)
def next_random(state):
    """splitmix64: returns (new state, 64 random bits)."""
    state = state + _GOLDEN
    return state, mix64(state)


@kernel(fastmath=True)
def unit_float(bits):
    """A float32 in [0, 1) from the low 24 of 64 random bits."""
    return np.float32(bits & _LOW24) * _U24


@kernel(fastmath=True)
def below(bits, n):
    """An integer in [0, n) from the high 32 of 64 random bits (n < 2**32)."""
    return np.int64(((bits >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))


@kernel(fastmath=True, inline=True)
def noise_word(noise_accept, noise_alias, state):
    """One word drawn from the noise distribution (its alias tables, ``build_alias``).
    Returns (word, new state)."""
    state, bits = next_random(state)
    word = below(bits, len(noise_accept))
    if unit_float(bits) >= noise_accept[word]:
        word = noise_alias[word]
    return word, state


@kernel(fastmath=True)
def draw_targets(positive, noise_accept, noise_alias, negative, targets, state):
    """targets[0] = positive, then up to ``negative`` noise words (a draw equal to
    ``positive`` is dropped, as in word2vec.c). Returns (count, new state)."""
    targets[0] = positive
    count = 1
    for _ in range(negative):
        word, state = noise_word(noise_accept, noise_alias, state)
        if word != positive:
            targets[count] = word
            count += 1
    return count, state


@kernel(fastmath=True)
def sigmoid(f):
    """Logistic function from a 1,000-entry table over [-MAX_EXP, MAX_EXP], 0 and 1
    outside it (word2vec.c's expTable)."""
    if f >= MAX_EXP:
        return np.float32(1.0)
    if f <= -MAX_EXP:
        return np.float32(0.0)
    return _SIGMOID[int((f + MAX_EXP) * _SIGMOID_SCALE)]


@kernel(fastmath=True)
def output_update(inputs, m, out, rows, own, labels, count, alpha, skip_saturated, grads,
                  scores, update_out=True):
    """The output-layer step shared by skip-gram and CBOW, and by negative sampling and
    hierarchical softmax.

    inputs[:m] are the input-side vectors (copies: skip-gram's context rows, or CBOW's
    context mean). Each is scored against the rows rows[:count] of ``out`` (this
    thread's copies where ``own`` says, see ``own_row``), whose targets are
    labels[:count] (1 or 0): for negative sampling the positive word and the noise
    words, for hierarchical softmax the inner nodes on the centre word's Huffman path
    with 1 - its code bits. Every (input, row) pair is scored with the weights as they
    were on entry; then the rows of ``out`` are updated in place and each input's
    error is added to grads[:m], for the caller to apply. A dot product beyond
    ±MAX_EXP counts as a sigmoid of 0 or 1 (negative sampling), or, with
    ``skip_saturated``, is left out (hierarchical softmax), as word2vec.c does. With
    m == 1 this is word2vec.c's per-pair update; with m > 1 it is HogBatch (Ji et al.
    2016). ``scores`` is scratch space of at least m floats. With ``update_out`` False
    the rows of ``out`` stay as they are (inference of document vectors).
    """
    dim = inputs.shape[1]
    if m == 1:  # the same step with one pass over each row instead of two (CBOW, exact)
        for k in range(count):
            row = out[own_row(rows[k], own)]
            f = np.float32(0.0)
            for d in range(dim):
                f += inputs[0, d] * row[d]
            if skip_saturated and (f <= -MAX_EXP or f >= MAX_EXP):
                continue
            g = (labels[k] - sigmoid(f)) * alpha
            if update_out:
                for d in range(dim):
                    r = row[d]
                    grads[0, d] += g * r
                    row[d] = r + g * inputs[0, d]
            else:
                for d in range(dim):
                    grads[0, d] += g * row[d]
        return
    for k in range(count):
        row = out[own_row(rows[k], own)]
        label = labels[k]
        for c in range(m):
            f = np.float32(0.0)
            for d in range(dim):
                f += inputs[c, d] * row[d]
            if skip_saturated and (f <= -MAX_EXP or f >= MAX_EXP):
                scores[c] = 0.0
            else:
                scores[c] = (label - sigmoid(f)) * alpha
        for c in range(m):
            g = scores[c]
            for d in range(dim):
                grads[c, d] += g * row[d]
        if update_out:
            for c in range(m):
                g = scores[c]
                for d in range(dim):
                    row[d] += g * inputs[c, d]


def scratch_space(max_span, window, negative, dim):
    """The working arrays of one thread's ``train_range`` calls, for spans of up to
    ``max_span`` words. Each array has cache lines of its own: a line shared with
    another thread's arrays would bounce between the cores at every write."""
    ns_labels = _own_lines(negative + 1, np.float32)
    ns_labels[:] = 0.0
    ns_labels[0] = 1.0  # the positive word first, then the noise words
    inputs = 2 * window + 1  # the window, and a document's row
    return (_own_lines(max_span, np.int32), _own_lines(max_span, np.int64),
            _own_lines(negative + 1, np.int32), ns_labels, _own_lines(inputs, np.int32),
            _own_lines((inputs, dim), np.float32), _own_lines((inputs, dim), np.float32),
            _own_lines(inputs, np.float32))


def _own_lines(shape, dtype):
    """An uninitialised array that shares no 64-byte cache line with other data."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(size + 128, np.uint8)
    start = -raw.ctypes.data % 64
    return raw[start:start + size].view(dtype).reshape(shape)


@kernel(fastmath=True)
def train_range(corpus, span, weights, own, copied, tables, settings, seed, scratch):
    """Train on the centre words at ids[start:end]; returns the number of centre words
    trained (those kept by subsampling that have a context word).

    corpus   = (ids int32, sentence_starts int64, sentence_rows int32): sentences, see
               vocab.EncodedCorpus, and the input row of each sentence's document (-1:
               none; an empty array: no documents)
    span     = (start, end): positions of the centre words; windows stop at the span's
               ends as at sentence ends
    weights  = (w_in, w_out, w_tree): float32 (vocab, dim), updated in place: the
               word vectors, negative sampling's output rows, and hierarchical
               softmax's (one per inner node of the Huffman tree); w_out with spare
               rows after the words' for the threads' copies (``own``)
    own      = (own_rows, own_base, merge_words): this thread's copies of rows
               0..own_rows-1 of w_out are at own_base + r (``own_row``), merged into
               the shared rows every merge_words positions and at the end; own_rows 0:
               none
    copied   = the first own_rows rows of w_out as the thread last copied them
               (``merge_own``)
    tables   = (keep_prob, noise_accept, noise_alias, points, labels, lengths):
               subsampling and noise tables, and each word's Huffman path (``huffman``)
    settings = (cbow, exact, cbow_sum, shrink, hs, window, negative, alpha_start, alpha_end, docs,
               frozen_rows): ``hs`` turns on hierarchical softmax, ``negative`` > 0 negative
               sampling; with both, both update every input (word2vec.c's -hs 1 -negative N). The
               learning rate falls linearly from alpha_start at ``start`` to alpha_end at ``end``.
               Skip-gram draws one set of negatives per centre word and updates the whole window as
               a batch, unless ``exact`` asks for word2vec.c's fresh negatives and sequential update
               per (centre, context) pair. CBOW averages its context, or sums it with ``cbow_sum``.
               With ``shrink`` each centre's window is drawn from 1..window words a side, else it is
               always ``window``. A sentence's document row is one more input (Doc2Vec): with
               ``docs`` 1 it is the only one (PV-DBOW: the document predicts each of its words),
               with 2 it joins the window (skip-gram: PV-DBOW with word training; CBOW: PV-DM).
               Input rows below ``frozen_rows``, and with frozen_rows > 0 every output row, stay as
               they are (inference of new documents' vectors).
    seed     = uint64 state of this span's random numbers
    scratch  = scratch_space(...) for spans at least this long, and this window,
               negative and dim
    """
    ids, sentence_starts, sentence_rows = corpus
    start, end = span
    w_in = weights[0]
    keep_prob = tables[0]  # the noise and tree tables are read by the helpers below
    (cbow, exact, cbow_sum, shrink, hs, window, negative, alpha_start, alpha_end, docs,
     frozen_rows) = settings
    learn_out = frozen_rows == 0
    # kept, kept_pos: the subsampled words of one sentence and their positions
    kept, kept_pos, targets, ns_labels, contexts, inputs, grads, scores = scratch
    dim = w_in.shape[1]
    alpha_step = (alpha_end - alpha_start) / max(end - start, 1)
    state, _ = next_random(np.uint64(seed))
    trained = 0
    next_merge = start + own[2]

    s = _sentence_of(sentence_starts, start)
    while s < len(sentence_starts) - 1 and sentence_starts[s] < end:
        lo = max(sentence_starts[s], start)
        hi = min(sentence_starts[s + 1], end)
        doc = sentence_rows[s] if len(sentence_rows) > 0 else -1
        s += 1
        n, state = subsample(ids, lo, hi, keep_prob, kept, kept_pos, state)
        for i in range(n):
            if doc >= 0 and docs == 1:  # PV-DBOW: the document's row alone, no window
                m = 0
                alpha, next_merge = step_start(kept_pos[i], weights[1], own, copied,
                                               alpha_start, alpha_step, start, next_merge, True)
            else:
                if i + window + 2 < n:  # the input row that enters the window two words on
                    prefetch_row(w_in, kept[i + window + 2])
                m, alpha, next_merge, state = begin_centre(
                    kept, kept_pos, n, i, window, shrink, contexts, weights[1], own, copied,
                    alpha_start, alpha_step, start, next_merge, state)
            if doc >= 0:
                contexts[m] = doc
                m += 1
            if m == 0:
                continue
            center = kept[i]
            trained += 1
            # Three near-copies on purpose: with m a literal 1, LLVM specialises CBOW
            # and the exact path (20% faster CBOW than one shared path).
            if cbow:
                # the target rows load while the context mean is summed
                count, state = _draw_targets_and_prefetch(center, tables, negative, targets,
                                                          weights[1], own, state)
                for d in range(dim):
                    inputs[0, d] = 0.0
                for c in range(m):
                    row = w_in[contexts[c]]
                    for d in range(dim):
                        inputs[0, d] += row[d]
                if not cbow_sum:
                    scale = np.float32(1.0) / np.float32(m)
                    for d in range(dim):
                        inputs[0, d] *= scale
                _learn(inputs, 1, center, weights, own, tables, hs, targets, ns_labels, count,
                       alpha, grads, scores, learn_out)
                for c in range(m):
                    if contexts[c] >= frozen_rows:
                        _add_row(w_in[contexts[c]], grads, 0)
            elif exact:
                for c in range(m):
                    row = w_in[contexts[c]]
                    _set_row(inputs, 0, row)
                    count, state = _draw_targets_and_prefetch(center, tables, negative,
                                                              targets, weights[1], own,
                                                              state)
                    _learn(inputs, 1, center, weights, own, tables, hs, targets, ns_labels, count,
                           alpha, grads, scores, learn_out)
                    if contexts[c] >= frozen_rows:
                        _add_row(row, grads, 0)
            else:
                # the target rows load while the window is copied
                count, state = _draw_targets_and_prefetch(center, tables, negative, targets,
                                                          weights[1], own, state)
                for c in range(m):
                    _set_row(inputs, c, w_in[contexts[c]])
                _learn(inputs, m, center, weights, own, tables, hs, targets, ns_labels, count,
                       alpha, grads, scores, learn_out)
                for c in range(m):
                    if contexts[c] >= frozen_rows:
                        _add_row(w_in[contexts[c]], grads, c)
    if own[0] > 0:
        merge_own(weights[1], own, copied)
    return trained


@kernel(fastmath=True, inline=True)
def subsample(ids, lo, hi, keep_prob, kept, kept_pos, state):
    """The words of ids[lo:hi] that subsampling keeps, into kept[:n] with their
    positions in kept_pos[:n]. Returns (n, new state)."""
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
    return n, state


@kernel(fastmath=True, inline=True)
def window_of(kept, n, i, window, shrink, contexts, state):
    """The context words of kept[i] into contexts[:m]: up to ``window`` words each side
    (with ``shrink``, a reach drawn from 1..window). Returns (m, new state)."""
    reach = window
    if shrink:
        state, bits = next_random(state)
        reach = window - below(bits, window)  # 1..window words each side
    m = 0
    for j in range(max(i - reach, 0), min(i + reach + 1, n)):
        if j != i:
            contexts[m] = kept[j]
            m += 1
    return m, state


@kernel(fastmath=True, inline=True)
def begin_centre(kept, kept_pos, n, i, window, shrink, contexts, w_out, own, copied,
                 alpha_start, alpha_step, start, next_merge, state):
    """What every centre word starts with: its context words into contexts[:m] (see
    ``window_of``), its learning rate, and the merge of the thread's own output rows
    when one is due. Returns (m, alpha, next merge position, new state)."""
    m, state = window_of(kept, n, i, window, shrink, contexts, state)
    alpha, next_merge = step_start(kept_pos[i], w_out, own, copied, alpha_start, alpha_step,
                                   start, next_merge, m > 0)
    return m, alpha, next_merge, state


@kernel(fastmath=True, inline=True)
def step_start(pos, w_out, own, copied, alpha_start, alpha_step, start, next_merge, due):
    """The learning rate at corpus position ``pos``, and, when ``due``, the merge of the
    thread's own output rows if one is pending. Returns (alpha, next merge position)."""
    alpha = np.float32(alpha_start + alpha_step * (pos - start))
    if due and own[0] > 0 and pos >= next_merge:
        merge_own(w_out, own, copied)
        next_merge = pos + own[2]
    return alpha, next_merge


@kernel(fastmath=True)
def _sentence_of(sentence_starts, p):
    """The sentence holding position p: the last s with sentence_starts[s] <= p. (A
    binary search of its own: loading a kernel that calls np.searchsorted imports
    Numba's NumPy support, which imports SciPy when it is installed: 0.3 s a run.)"""
    lo, hi = 0, len(sentence_starts)  # sentence_starts[lo] <= p < sentence_starts[hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if sentence_starts[mid] <= p:
            lo = mid
        else:
            hi = mid
    return lo


@kernel(fastmath=True, inline=True)
def _draw_targets_and_prefetch(center, tables, negative, targets, w_out, own, state):
    """Negative sampling's targets for ``center`` (none when ``negative`` is 0), and a
    prefetch of their output rows. Returns (count, new state)."""
    if negative == 0:
        return 0, state
    count, state = draw_targets(center, tables[1], tables[2], negative, targets, state)
    for k in range(count):
        prefetch_row(w_out, own_row(targets[k], own))
    return count, state


@kernel(fastmath=True)
def _learn(inputs, m, center, weights, own, tables, hs, targets, ns_labels, count, alpha, grads,
           scores, learn_out):
    """grads[:m] = the errors of inputs[:m] predicting ``center``: hierarchical softmax
    along its Huffman path (if ``hs``), then negative sampling against targets[:count]
    (positive first; count 0: none); the output rows are updated on the way when
    ``learn_out``."""
    _, w_out, w_tree = weights
    points, labels, lengths = tables[3], tables[4], tables[5]
    for c in range(m):
        for d in range(inputs.shape[1]):
            grads[c, d] = 0.0
    if hs:
        output_update(inputs, m, w_tree, points[center], (0, 0, 0), labels[center],
                      lengths[center], alpha, True, grads, scores, learn_out)
    if count > 0:
        output_update(inputs, m, w_out, targets, own, ns_labels, count, alpha, False, grads,
                      scores, learn_out)


@kernel(fastmath=True, inline=True)
def _add_row(row, grads, c):
    """row += grads[c]"""
    for d in range(len(row)):
        row[d] += grads[c, d]


@kernel(fastmath=True, inline=True)
def _set_row(matrix, c, row):
    """matrix[c] = row"""
    for d in range(len(row)):
        matrix[c, d] = row[d]
