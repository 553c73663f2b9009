"""Each kernel against a plain NumPy reference on tiny arrays."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.training import kernels
from w2v.training.tables import build_alias, huffman


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _sig(f):
    return 1.0 if f >= 6 else 0.0 if f <= -6 else float(kernels.sigmoid(np.float32(f)))


NO_COPIES = (0, 0, 0)  # own: the thread trains no copies of its own
NO_DOCS = np.empty(0, np.int32)  # sentence_rows: no document rows


def _ns(inputs, m, w_out, targets, count, alpha, grads, scores):
    """output_update for negative sampling: targets[0] positive, the rest noise."""
    labels = np.zeros(count, np.float32)
    labels[0] = 1.0
    grads[:m] = 0.0
    kernels.output_update(inputs, m, w_out, targets, NO_COPIES, labels, count, alpha,
                          False, grads, scores)


@pytest.mark.parametrize("m", [1, 3])
def test_ns_update_is_one_sgd_step_on_the_negative_sampling_loss(m):
    rng = np.random.default_rng(0)
    inputs = rng.normal(0, 0.5, (4, 8)).astype(np.float32)
    w_out = rng.normal(0, 0.5, (6, 8)).astype(np.float32)
    targets = np.array([2, 0, 5, 3], dtype=np.int32)  # positive first, then noise
    alpha = 0.1
    before = w_out.astype(np.float64)
    grads = np.full((4, 8), 9.0, dtype=np.float32)  # scratch: overwritten

    _ns(inputs, m, w_out, targets, 4, np.float32(alpha), grads, np.empty(4, np.float32))

    # loss = sum over inputs h of -log s(h.u_pos) - sum log s(-h.u_neg), scored at the
    # weights on entry; the step moves each row against its gradient
    h = inputs[:m].astype(np.float64)
    labels = np.array([1.0, 0.0, 0.0, 0.0])
    scores = h @ before[targets].T  # (m, targets)
    g = (labels - np.vectorize(_sig)(scores)) * alpha
    expected_out = before.copy()
    expected_out[targets] += g.T @ h
    np.testing.assert_allclose(w_out, expected_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[:m], g @ before[targets], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(grads[m:], 9.0)


def test_sigmoid_table_is_close_and_clipped():
    for f in np.linspace(-5.99, 5.99, 101, dtype=np.float32):
        assert abs(kernels.sigmoid(f) - 1 / (1 + np.exp(-f))) < 0.01
    assert kernels.sigmoid(np.float32(6.5)) == 1.0 and kernels.sigmoid(np.float32(-7)) == 0.0


def test_ns_update_clips_the_sigmoid_like_word2vec_c():
    inputs = np.full((1, 4), 2.0, dtype=np.float32)  # h.u = 16 > MAX_EXP for u = 2
    w_out = np.full((2, 4), 2.0, dtype=np.float32)
    grads = np.zeros((1, 4), dtype=np.float32)
    _ns(inputs, 1, w_out, np.array([0, 1], np.int32), 2, np.float32(0.5), grads,
        np.empty(1, np.float32))
    np.testing.assert_array_equal(w_out[0], 2.0)  # positive already certain: no change
    np.testing.assert_allclose(w_out[1], 2.0 - 0.5 * 2.0)  # negative: full (0 - 1) step


def test_hierarchical_softmax_skips_saturated_nodes_like_word2vec_c():
    inputs = np.full((1, 4), 2.0, dtype=np.float32)
    tree = np.array([[2.0] * 4, [0.1] * 4], dtype=np.float32)  # h.u = 16, then 0.8
    grads = np.zeros((1, 4), dtype=np.float32)
    kernels.output_update(inputs, 1, tree, np.array([0, 1], np.int32), NO_COPIES,
                          np.array([0.0, 1.0], np.float32), 2, np.float32(0.5), True, grads,
                          np.empty(1, np.float32))
    np.testing.assert_array_equal(tree[0], 2.0)  # beyond MAX_EXP: left out, not clipped
    g = (1.0 - _sig(0.8)) * 0.5
    np.testing.assert_allclose(tree[1], 0.1 + g * 2.0, rtol=1e-6)
    np.testing.assert_allclose(grads[0], g * 0.1, rtol=1e-6)


def _reference_huffman(counts):
    """Huffman codes by the textbook heap method (ties broken differently)."""
    import heapq

    heap = [(c, i, [i]) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    codes = {i: "" for i in range(len(counts))}
    serial = len(counts)
    while len(heap) > 1:
        c1, _, a = heapq.heappop(heap)
        c2, _, b = heapq.heappop(heap)
        for i in a:
            codes[i] = "0" + codes[i]
        for i in b:
            codes[i] = "1" + codes[i]
        heapq.heappush(heap, (c1 + c2, serial, a + b))
        serial += 1
    return codes


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 10**6), min_size=2, max_size=80))
def test_huffman_paths_form_an_optimal_prefix_code(counts):
    counts = sorted(counts, reverse=True)
    points, labels, lengths = huffman(np.array(counts, dtype=np.int64))
    n = len(counts)
    codes = ["".join(str(int(1 - x)) for x in labels[w, :lengths[w]]) for w in range(n)]
    # a prefix code (no code starts another) of optimal total length
    assert all(not b.startswith(a) for a in codes for b in codes if a is not b)
    cost = sum(c * len(code) for c, code in zip(counts, codes))
    reference = _reference_huffman(counts)
    assert cost == sum(c * len(reference[i]) for i, c in enumerate(counts))
    # every path starts at the root (the last inner node) and visits inner nodes only
    assert all(points[w, 0] == n - 2 for w in range(n))
    for w in range(n):
        assert all(0 <= p < n - 1 for p in points[w, :lengths[w]])
    # the same node on two paths means the same prefix
    node_prefix = {}
    for w in range(n):
        for k in range(lengths[w]):
            assert node_prefix.setdefault(int(points[w, k]), codes[w][:k]) == codes[w][:k]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=60).filter(lambda w: sum(w) > 0))
def test_alias_tables_encode_the_distribution_exactly(weights):
    probs = np.array(weights) / np.sum(weights)
    accept, alias = build_alias(probs)
    implied = accept.astype(np.float64)
    np.add.at(implied, alias, 1.0 - accept)
    np.testing.assert_allclose(implied / len(probs), probs, atol=1e-6)


def test_draw_targets_follows_the_noise_distribution():
    probs = np.array([0.5, 0.25, 0.125, 0.125])
    accept, alias = build_alias(probs)
    targets = np.empty(6, dtype=np.int32)
    state = np.uint64(42)
    drawn = np.zeros(4)
    for _ in range(20000):
        count, state = kernels.draw_targets(3, accept, alias, 5, targets, np.uint64(state))
        assert targets[0] == 3
        assert np.all(targets[1:count] != 3)  # a draw of the positive word is dropped
        drawn += np.bincount(targets[1:count], minlength=4)
    # words 0..2 keep their relative odds 4:2:1
    np.testing.assert_allclose(drawn[:3] / drawn[:3].sum(), [4 / 7, 2 / 7, 1 / 7], atol=0.01)


@pytest.mark.parametrize("cbow", [True, False])
def test_a_thread_with_copies_of_the_first_rows_trains_as_one_without(cbow):
    # long enough for several merges along the way
    rng = np.random.default_rng(5)
    vocab, dim, own_rows = 30, 8, 6
    ids = rng.integers(vocab, size=3000).astype(np.int32)
    starts = np.array([0, len(ids)], dtype=np.int64)
    counts = np.sort(rng.integers(1, 1000, vocab))[::-1].copy()
    tables = (np.ones(vocab, np.float32), *build_alias(counts / counts.sum()),
              *huffman(counts))
    settings_ = (cbow, False, False, True, False, 3, 3, 0.05, 0.01, 0, 0)
    scratch = kernels.scratch_space(len(ids), 3, settings_[6], dim)
    start = tuple(rng.normal(0, 0.3, (vocab + own_rows, dim)).astype(np.float32)
                  for _ in range(3))
    plain = tuple(w[:vocab].copy() for w in start)
    kernels.train_range((ids, starts, NO_DOCS), (0, len(ids)), plain, NO_COPIES,
                        plain[1][:0], tables, settings_, np.uint64(7), scratch)
    weights = tuple(w.copy() for w in start)
    for w in weights:
        w[vocab:] = w[:own_rows]
    kernels.train_range((ids, starts, NO_DOCS), (0, len(ids)), weights, (own_rows, vocab, 500),
                        weights[1][:own_rows].copy(), tables, settings_,
                        np.uint64(7), scratch)
    for ours, theirs in zip(weights, plain):
        np.testing.assert_allclose(ours[:vocab], theirs, rtol=1e-3, atol=1e-4)
    # the copies (of w_out only) were merged and refreshed at the end
    np.testing.assert_array_equal(weights[1][vocab:], weights[1][:own_rows])


def test_own_row_sends_the_first_rows_to_the_threads_copies():
    assert [kernels.own_row(r, (2, 10, 0)) for r in range(4)] == [10, 11, 2, 3]
    assert [kernels.own_row(r, NO_COPIES) for r in range(4)] == [0, 1, 2, 3]


def test_merge_own_adds_each_threads_changes_to_the_shared_rows():
    # 4 rows of words, then two threads' copies of rows 0 and 1 at rows 4-5 and 6-7
    matrix = np.arange(24, dtype=np.float32).reshape(8, 3)
    matrix[4:6] = matrix[6:8] = matrix[:2]
    first, second = (2, 4, 0), (2, 6, 0)
    first_copied, second_copied = matrix[:2].copy(), matrix[:2].copy()
    matrix[4, 0] += 1.0  # each thread changes its copies
    matrix[6, 0] += 10.0
    matrix[7, 2] -= 2.0
    kernels.merge_own(matrix, first, first_copied)
    kernels.merge_own(matrix, second, second_copied)
    expected = np.arange(12, dtype=np.float32).reshape(4, 3)
    expected[0, 0] += 11.0
    expected[1, 2] -= 2.0
    np.testing.assert_array_equal(matrix[:4], expected)  # rows past the copies untouched
    # the second thread starts again from the merged rows; the first sees them at its
    # next merge
    np.testing.assert_array_equal(matrix[6:8], expected[:2])
    np.testing.assert_array_equal(second_copied, expected[:2])
    kernels.merge_own(matrix, first, first_copied)
    np.testing.assert_array_equal(matrix[4:6], expected[:2])
    np.testing.assert_array_equal(matrix[:4], expected)


def test_random_helpers_stay_in_range():
    state = np.uint64(1)
    for _ in range(2000):
        state, bits = kernels.next_random(np.uint64(state))
        assert 0 <= kernels.below(np.uint64(bits), 7) < 7
        assert 0.0 <= kernels.unit_float(np.uint64(bits)) < 1.0


def _reference_train_range(ids, starts, span, weights, tables, settings, seed,
                           sentence_rows=NO_DOCS):
    """train_range written plainly in NumPy, drawing the same random numbers."""
    w_in, w_out, w_tree = weights
    keep, accept, alias, points, labels, lengths = tables
    (cbow, exact, cbow_sum, shrink, hs, window, negative, alpha0, alpha1, docs,
     frozen) = settings
    start, end = span
    state, _ = kernels.next_random(np.uint64(seed))

    def draw():
        nonlocal state
        state, bits = kernels.next_random(np.uint64(state))
        return np.uint64(bits)

    def step(hidden, center):
        """Score every row of ``hidden`` against the centre's Huffman path (with hs),
        then against fresh targets, at the weights on entry; update the output rows;
        return the error of each row of ``hidden``."""
        nonlocal state
        grads = np.zeros_like(hidden)
        if hs:
            for node, label in zip(points[center, :lengths[center]],
                                   labels[center, :lengths[center]]):
                f = hidden @ w_tree[node]
                g = np.where(np.abs(f) >= 6, 0.0, (label - np.vectorize(_sig)(f)) * alpha)
                g = g.astype(np.float32)
                grads += g[:, None] * w_tree[node]
                if not frozen:
                    w_tree[node] += g @ hidden
        if negative:
            targets = np.empty(negative + 1, dtype=np.int32)
            count, state = kernels.draw_targets(center, accept, alias, negative, targets,
                                                np.uint64(state))
            for k, t in enumerate(targets[:count]):
                g = np.array([((1.0 if k == 0 else 0.0) - _sig(h @ w_out[t])) * alpha
                              for h in hidden], dtype=np.float32)
                grads += g[:, None] * w_out[t]
                if not frozen:
                    w_out[t] += g @ hidden
        return grads

    for s in range(len(starts) - 1):
        lo, hi = max(starts[s], start), min(starts[s + 1], end)
        kept = []
        for p in range(lo, hi):
            if keep[ids[p]] < 1.0 and kernels.unit_float(draw()) >= keep[ids[p]]:
                continue
            kept.append((ids[p], p))
        doc = sentence_rows[s] if len(sentence_rows) else -1
        for i, (center, pos) in enumerate(kept):
            if doc >= 0 and docs == 1:  # PV-DBOW: the document's row alone
                context = [doc]
            else:
                reach = window - kernels.below(draw(), window) if shrink else window
                context = [kept[j][0] for j in range(max(i - reach, 0),
                                                     min(i + reach + 1, len(kept))) if j != i]
                if doc >= 0:  # the document's row joins the window
                    context.append(doc)
            if not context:
                continue
            alpha = np.float32(alpha0 + (alpha1 - alpha0) / (end - start) * (pos - start))
            if cbow:
                hidden = w_in[context].sum(axis=0, keepdims=True)
                grad = step(hidden if cbow_sum else hidden / len(context), center)[0]
                for c in context:
                    if c >= frozen:
                        w_in[c] += grad
            elif exact:
                for c in context:
                    grad = step(w_in[c][None, :].copy(), center)[0]
                    if c >= frozen:
                        w_in[c] += grad
            else:
                grads = step(w_in[context].copy(), center)
                for c, grad in zip(context, grads):
                    if c >= frozen:
                        w_in[c] += grad


@pytest.mark.parametrize("own_rows", [0, 4])
@pytest.mark.parametrize("cbow,exact,cbow_sum,shrink,hs,negative", [
    (False, False, False, True, False, 2), (False, True, False, True, False, 2),
    (True, False, False, True, False, 2), (True, False, True, True, False, 2),
    (False, False, False, False, False, 2), (True, False, False, False, False, 2),
    (False, False, False, True, True, 0), (False, True, False, True, True, 0),
    (True, False, False, True, True, 0), (False, False, False, True, True, 2),
    (True, False, False, True, True, 2)])
def test_train_range_matches_the_numpy_reference(cbow, exact, cbow_sum, shrink, hs, negative,
                                                 own_rows):
    rng = np.random.default_rng(3)
    vocab, dim = 12, 6
    ids = rng.integers(vocab, size=80).astype(np.int32)
    starts = np.array([0, 7, 30, 31, 80], dtype=np.int64)  # includes a one-word sentence
    keep = np.where(np.arange(vocab) < 3, 0.5, 1.0).astype(np.float32)
    accept, alias = build_alias(np.full(vocab, 1 / vocab))
    w_in = rng.normal(0, 0.3, (vocab, dim)).astype(np.float32)
    w_out = rng.normal(0, 0.3, (vocab, dim)).astype(np.float32)
    w_tree = rng.normal(0, 0.3, (vocab - 1, dim)).astype(np.float32)
    counts = np.sort(rng.integers(1, 100, vocab))[::-1].copy()
    tables = (keep, accept, alias, *huffman(counts))
    settings_ = (cbow, exact, cbow_sum, shrink, hs, 3, negative, 0.05, 0.01, 0, 0)
    span = (4, 75)  # starts and ends inside sentences
    reference = (w_in.copy(), w_out.copy(), w_tree.copy())
    untouched = (w_out.copy(), w_tree.copy())

    scratch = kernels.scratch_space(span[1] - span[0], 3, negative, dim)
    # the thread's copies of the first own_rows rows, in spare rows after the others
    weights = tuple(np.concatenate([w, np.full((vocab + 3 - len(w), dim), np.nan, np.float32),
                                    w[:own_rows]]) for w in (w_in, w_out, w_tree))
    own = (own_rows, vocab + 3, 20)
    copied = weights[1][:own_rows].copy()
    trained = kernels.train_range((ids, starts, NO_DOCS), span, weights, own, copied, tables,
                                  settings_, np.uint64(99), scratch)
    w_in, w_out, w_tree = (w[:len(ref)] for w, ref in zip(weights, reference))
    _reference_train_range(ids, starts, span, reference, tables, settings_, 99)

    assert 0 < trained <= span[1] - span[0]
    for ours, theirs in zip((w_in, w_out, w_tree), reference):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    # each output layer is trained exactly when it is on
    assert np.array_equal(w_out, untouched[0]) == (negative == 0)
    assert np.array_equal(w_tree, untouched[1]) == (not hs)


@pytest.mark.parametrize("cbow,mode,frozen", [
    (False, 1, False), (False, 2, False), (True, 2, False), (False, 1, True),
    (False, 2, True), (True, 2, True)])
def test_document_rows_train_as_the_numpy_reference(cbow, mode, frozen):
    # Doc2Vec: each sentence's document row (after the words' rows) is one more input,
    # alone (PV-DBOW) or with the window (PV-DBOW with words; PV-DM). Frozen: only
    # the document rows move (inference).
    rng = np.random.default_rng(4)
    vocab, docs, dim = 12, 3, 6
    ids = rng.integers(vocab, size=80).astype(np.int32)
    starts = np.array([0, 7, 30, 31, 80], dtype=np.int64)
    sentence_rows = np.array([vocab, vocab + 2, -1, vocab + 1], dtype=np.int32)
    keep = np.where(np.arange(vocab) < 3, 0.5, 1.0).astype(np.float32)
    accept, alias = build_alias(np.full(vocab, 1 / vocab))
    counts = np.sort(rng.integers(1, 100, vocab))[::-1].copy()
    tables = (keep, accept, alias, *huffman(counts))
    weights = (rng.normal(0, 0.3, (vocab + docs, dim)).astype(np.float32),
               rng.normal(0, 0.3, (vocab, dim)).astype(np.float32),
               rng.normal(0, 0.3, (vocab - 1, dim)).astype(np.float32))
    reference = tuple(w.copy() for w in weights)
    before = tuple(w.copy() for w in weights)
    settings_ = (cbow, False, False, True, True, 3, 2, 0.05, 0.01, mode,
                 vocab if frozen else 0)
    span = (4, 75)
    scratch = kernels.scratch_space(span[1] - span[0], 3, 2, dim)
    kernels.train_range((ids, starts, sentence_rows), span, weights, NO_COPIES,
                        weights[1][:0], tables, settings_, np.uint64(5), scratch)
    _reference_train_range(ids, starts, span, reference, tables, settings_, 5, sentence_rows)
    for ours, theirs in zip(weights, reference):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    moved = [not np.array_equal(a, b) for a, b in zip(weights[0], before[0])]
    assert all(moved[vocab:])  # every document row learnt
    assert any(moved[:vocab]) == (not frozen and not (mode == 1 and not cbow))
    assert np.array_equal(weights[1], before[1]) == frozen
