"""Each kernel against a plain NumPy reference on tiny arrays."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v import kernels


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_ns_update_is_one_sgd_step_on_the_negative_sampling_loss():
    rng = np.random.default_rng(0)
    hidden = rng.normal(0, 0.5, 8).astype(np.float32)
    w_out = rng.normal(0, 0.5, (6, 8)).astype(np.float32)
    targets = np.array([2, 0, 5, 3], dtype=np.int32)  # positive first, then noise
    alpha = 0.1
    before = w_out.astype(np.float64)
    grad = np.zeros(8, dtype=np.float32)

    kernels.ns_update(hidden, w_out, targets, 4, np.float32(alpha), grad)

    # loss = -log s(h.u_pos) - sum log s(-h.u_neg); the step moves against its gradient
    h = hidden.astype(np.float64)
    labels = np.array([1.0, 0.0, 0.0, 0.0])
    g = (labels - _sigmoid(before[targets] @ h)) * alpha  # -alpha * dloss/d(h.u)
    expected_out = before.copy()
    expected_out[targets] += g[:, None] * h
    np.testing.assert_allclose(w_out, expected_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad, g @ before[targets], rtol=1e-5, atol=1e-6)


def test_ns_update_clips_the_sigmoid_like_word2vec_c():
    hidden = np.full(4, 2.0, dtype=np.float32)  # h.u = 16 > MAX_EXP for u = 2
    w_out = np.full((2, 4), 2.0, dtype=np.float32)
    grad = np.zeros(4, dtype=np.float32)
    kernels.ns_update(hidden, w_out, np.array([0, 1], np.int32), 2, np.float32(0.5), grad)
    np.testing.assert_array_equal(w_out[0], 2.0)  # positive already certain: no change
    np.testing.assert_allclose(w_out[1], 2.0 - 0.5 * 2.0)  # negative: full (0 - 1) step


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=60).filter(lambda w: sum(w) > 0))
def test_alias_tables_encode_the_distribution_exactly(weights):
    probs = np.array(weights) / np.sum(weights)
    accept, alias = kernels.build_alias(probs)
    implied = accept.astype(np.float64)
    np.add.at(implied, alias, 1.0 - accept)
    np.testing.assert_allclose(implied / len(probs), probs, atol=1e-6)


def test_draw_targets_follows_the_noise_distribution():
    probs = np.array([0.5, 0.25, 0.125, 0.125])
    accept, alias = kernels.build_alias(probs)
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


def test_random_helpers_stay_in_range():
    state = np.uint64(1)
    for _ in range(2000):
        state, bits = kernels.next_random(np.uint64(state))
        assert 0 <= kernels.below(np.uint64(bits), 7) < 7
        assert 0.0 <= kernels.unit_float(np.uint64(bits)) < 1.0


def _reference_train_range(ids, starts, span, w_in, w_out, tables, settings, seed):
    """train_range written plainly in NumPy, drawing the same random numbers."""
    keep, accept, alias = tables
    cbow, window, negative, alpha0, alpha1 = settings
    start, end = span
    state, _ = kernels.next_random(np.uint64(seed))

    def draw():
        nonlocal state
        state, bits = kernels.next_random(np.uint64(state))
        return np.uint64(bits)

    def step(hidden, center):
        nonlocal state
        targets = np.empty(negative + 1, dtype=np.int32)
        count, state = kernels.draw_targets(center, accept, alias, negative, targets,
                                            np.uint64(state))
        grad = np.zeros_like(hidden)
        for k, t in enumerate(targets[:count]):
            f = float(hidden @ w_out[t])
            s = 1.0 if f > 6 else 0.0 if f < -6 else _sigmoid(f)
            g = ((1.0 if k == 0 else 0.0) - s) * alpha
            grad += g * w_out[t]
            w_out[t] += g * hidden
        return grad

    for s in range(len(starts) - 1):
        lo, hi = max(starts[s], start), min(starts[s + 1], end)
        kept = []
        for p in range(lo, hi):
            if keep[ids[p]] < 1.0 and kernels.unit_float(draw()) >= keep[ids[p]]:
                continue
            kept.append((ids[p], p))
        for i, (center, pos) in enumerate(kept):
            reach = window - kernels.below(draw(), window)
            context = [kept[j][0] for j in range(max(i - reach, 0), min(i + reach + 1, len(kept)))
                       if j != i]
            alpha = np.float32(alpha0 + (alpha1 - alpha0) / (end - start) * (pos - start))
            if cbow and context:
                grad = step(w_in[context].mean(axis=0), center)
                for c in context:
                    w_in[c] += grad
            elif not cbow:
                for c in context:
                    w_in[c] += step(w_in[c].copy(), center)


@pytest.mark.parametrize("cbow", [False, True])
def test_train_range_matches_the_numpy_reference(cbow):
    rng = np.random.default_rng(3)
    vocab, dim = 12, 6
    ids = rng.integers(vocab, size=80).astype(np.int32)
    starts = np.array([0, 7, 30, 31, 80], dtype=np.int64)  # includes a one-word sentence
    keep = np.where(np.arange(vocab) < 3, 0.5, 1.0).astype(np.float32)
    accept, alias = kernels.build_alias(np.full(vocab, 1 / vocab))
    w_in = rng.normal(0, 0.3, (vocab, dim)).astype(np.float32)
    w_out = rng.normal(0, 0.3, (vocab, dim)).astype(np.float32)
    settings_ = (cbow, 3, 2, 0.05, 0.01)
    span = (4, 75)  # starts and ends inside sentences
    ref_in, ref_out = w_in.copy(), w_out.copy()

    trained = kernels.train_range((ids, starts), span, (w_in, w_out), (keep, accept, alias),
                                  settings_, np.uint64(99))
    _reference_train_range(ids, starts, span, ref_in, ref_out, (keep, accept, alias),
                           settings_, 99)

    assert 0 < trained <= span[1] - span[0]
    np.testing.assert_allclose(w_in, ref_in, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(w_out, ref_out, rtol=1e-4, atol=1e-5)
    assert not np.allclose(w_out, 0.0)
