import numpy as np
import planted
import pytest
from conftest import PLANTED_CONFIG

from w2v import TrainConfig, train
from w2v.errors import ConfigError
from w2v.training.word2vec import OWN_ROWS, initial_weights, job_boundaries, own_rows, spread_order


def _planted_accuracy(kv):
    questions = planted.analogies()
    return np.mean([kv.analogy(b, a, c, topn=1)[0][0] == d for a, b, c, d in questions])


@pytest.mark.parametrize("arch,exact,hs,negative", [
    ("skipgram", False, False, 5), ("skipgram", True, False, 5), ("cbow", False, False, 5),
    ("skipgram", False, True, 0), ("cbow", False, True, 0), ("skipgram", False, True, 5)])
def test_recovers_planted_analogies(planted_sentences, arch, exact, hs, negative):
    kv = train(planted_sentences, TrainConfig(arch=arch, exact_negatives=exact, hs=hs,
                                              **{**PLANTED_CONFIG, "negative": negative}))
    assert _planted_accuracy(kv) >= 0.95


def test_untrained_vectors_fail_the_planted_test(planted_sentences):
    # The bar above means something: vectors with no training score near chance.
    kv = train(planted_sentences, TrainConfig(**{**PLANTED_CONFIG, "alpha": 1e-9}))
    assert _planted_accuracy(kv) < 0.2


def test_two_threads_learn_as_well(planted_sentences):
    kv = train(planted_sentences, TrainConfig(**{**PLANTED_CONFIG, "threads": 2}))
    assert _planted_accuracy(kv) >= 0.95


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_one_thread_and_a_seed_give_identical_vectors(planted_sentences, arch):
    config = TrainConfig(arch=arch, **{**PLANTED_CONFIG, "epochs": 1})
    a, b = train(planted_sentences, config), train(planted_sentences, config)
    assert a.words == b.words
    assert a.vectors.tobytes() == b.vectors.tobytes()
    c = train(planted_sentences, TrainConfig(arch=arch, **{**PLANTED_CONFIG, "epochs": 1,
                                                           "seed": 8}))
    assert not np.array_equal(a.vectors, c.vectors)


def test_progress_reports_and_learning_rate_schedule(planted_sentences):
    seen = []
    config = TrainConfig(**{**PLANTED_CONFIG, "epochs": 2})
    train(planted_sentences, config, on_progress=seen.append)
    assert seen[0].words_done == 0 and seen[0].alpha == pytest.approx(0.025)
    assert seen[-1].words_done == seen[-1].words_total == 2 * seen[0].corpus_words
    assert seen[-1].alpha == pytest.approx(0.025 * 1e-4)
    done = [p.words_done for p in seen]
    alphas = [p.alpha for p in seen]
    assert done == sorted(done) and alphas == sorted(alphas, reverse=True)


def test_train_prints_nothing(planted_sentences, capsys):
    train(planted_sentences[:200], TrainConfig(**{**PLANTED_CONFIG, "epochs": 1}))
    assert capsys.readouterr() == ("", "")


def test_exact_negatives_is_a_different_algorithm_for_skipgram_only(planted_sentences):
    def vectors(**kw):
        config = TrainConfig(**{**PLANTED_CONFIG, "epochs": 1, **kw})
        return train(planted_sentences[:2000], config).vectors

    assert not np.array_equal(vectors(), vectors(exact_negatives=True))
    np.testing.assert_array_equal(vectors(arch="cbow"),
                                  vectors(arch="cbow", exact_negatives=True))


def test_spread_order_interleaves_stretches_of_the_corpus():
    assert spread_order(7, 1) == list(range(7))
    assert spread_order(7, 2) == [0, 4, 1, 5, 2, 6, 3]
    assert spread_order(2, 4) == [0, 1]
    assert sorted(spread_order(100, 3)) == list(range(100))


def test_threads_copy_the_frequent_rows_within_a_memory_bound():
    assert own_rows(27_321, TrainConfig(threads=1)) == 0  # one thread: no copies
    assert own_rows(27_321, TrainConfig(threads=2)) == OWN_ROWS
    for words, threads in ((27_321, 16), (50, 2), (1, 2)):
        copies = own_rows(words, TrainConfig(threads=threads))
        # the copies and their merge bases hold no more rows than the vocabulary
        assert 0 <= copies and 2 * threads * copies <= words
    config = TrainConfig(threads=2, dim=4)
    w_in, w_out = initial_weights(50, config)  # spare output rows for each thread's copies
    assert w_in.shape == (50, 4) and w_out.shape == (50 + 2 * own_rows(50, config), 4)


def test_job_boundaries_prefer_sentence_starts():
    starts = np.array([0, 5, 90, 100, 250, 400], dtype=np.int64)
    assert job_boundaries(starts, job_words=100).tolist() == [0, 100, 200, 250, 400]
    one_line = np.array([0, 1000], dtype=np.int64)
    assert job_boundaries(one_line, job_words=300).tolist() == [0, 300, 600, 900, 1000]


@pytest.mark.parametrize("field,value", [
    ("dim", 0), ("window", 0), ("negative", -1), ("negative", 0), ("alpha", 0.0),
    ("alpha", -1.0), ("epochs", 0), ("min_count", 0), ("sample", -0.1), ("sample", 1.5),
    ("threads", 0), ("max_vocab", 0), ("arch", "glove"), ("seed", -1), ("dim", 2.5),
])
def test_nonsense_settings_are_refused(field, value):
    with pytest.raises(ConfigError) as info:
        TrainConfig(**{field: value})
    assert info.value.field == field


def test_default_alpha_depends_on_the_architecture():
    assert TrainConfig().start_alpha == 0.025
    assert TrainConfig(arch="cbow").start_alpha == 0.05
    assert TrainConfig(arch="cbow", alpha=0.01).start_alpha == 0.01


def test_on_epoch_sees_every_epoch_and_changes_nothing(planted_sentences):
    config = TrainConfig(**{**PLANTED_CONFIG, "epochs": 3})
    seen = []

    def on_epoch(epoch, kv):
        seen.append((epoch, len(kv), _planted_accuracy(kv)))

    with_barrier = train(planted_sentences, config, on_epoch=on_epoch)
    assert [(e, n) for e, n, _ in seen] == [(1, planted.vocab_size()), (2, planted.vocab_size()),
                                            (3, planted.vocab_size())]
    assert seen[-1][2] == _planted_accuracy(with_barrier)  # the last call saw the result
    plain = train(planted_sentences, config)  # one thread, same seed: same numbers
    assert plain.vectors.tobytes() == with_barrier.vectors.tobytes()


def test_learning_rate_decays_linearly_to_min_alpha(planted_sentences):
    seen = []
    config = TrainConfig(**{**PLANTED_CONFIG, "epochs": 2, "min_alpha": 0.005})
    train(planted_sentences, config, on_progress=seen.append)
    assert seen[-1].alpha == pytest.approx(0.005)
    for p in seen:
        assert p.alpha == pytest.approx(0.025 - 0.02 * p.words_done / p.words_total)
