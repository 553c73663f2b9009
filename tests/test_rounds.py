"""Training in data-parallel rounds (``training.rounds``), in turn and on a Dask
LocalCluster (``training.cluster``): the plan, the combine rules, determinism, a worker
killed mid-round, checkpoints and --resume."""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from click.testing import CliRunner

from w2v.cli import cli
from w2v.config import TrainConfig
from w2v.errors import W2VError
from w2v.training import rounds, word2vec
from w2v.training.cluster import Cluster
from w2v.training.rounds import Change, Rounds, train_rounds
from w2v.training.word2vec import JOB_WORDS, job_boundaries, schedule, train
from w2v.vectors import KeyedVectors

CONFIG = TrainConfig(threads=1, epochs=2, min_count=3, dim=32, seed=7)
ROUND = 2 * JOB_WORDS  # two jobs a share a round


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """About 800,000 Zipf-distributed tokens in lines of 1 to 60 words (13 jobs), as
    text and encoded."""
    rng = np.random.default_rng(3)
    words = np.array([f"w{i}" for i in range(3000)])
    folder = tmp_path_factory.mktemp("rounds")
    text = folder / "corpus.txt"
    with open(text, "w") as f:
        for _ in range(27_000):
            ranks = np.minimum(rng.zipf(1.2, rng.integers(1, 60)), 3000) - 1
            f.write(" ".join(words[ranks]) + "\n")
    result = CliRunner().invoke(cli, ["encode", str(text), "-o", str(folder / "corpus.w2vc"),
                                      "--min-count", "3"])
    assert result.exit_code == 0, result.output
    return text, folder / "corpus.w2vc"


@pytest.fixture(scope="module")
def two_shares(corpus):
    """The reference: two shares trained in turn, one thread."""
    return train_rounds(str(corpus[1]), CONFIG, Rounds(2, ROUND))


def test_the_plan_gives_every_job_once_an_epoch_in_stretches_with_the_run_s_rates():
    starts = np.array([0, 10, 70_000, 300_000, 500_000, 700_001], dtype=np.int64)
    cuts = job_boundaries(starts)
    alpha_at = schedule(CONFIG, 2 * int(cuts[-1]))
    epochs = [rounds.plan(cuts, 3, 2, e, alpha_at, 7) for e in range(2)]
    for epoch, plan in enumerate(epochs):
        jobs = [job for round_ in plan for share in round_ for job in share]
        assert sorted(j[:2] for j in jobs) == list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))
        assert all(len(share) <= 2 for round_ in plan for share in round_)
        stretches = np.array_split(np.arange(len(cuts) - 1), 3 * rounds.INTERLEAVE)
        for s in range(3):  # a share's jobs run forward through its stretches, in turn
            mine = [int(np.searchsorted(cuts, job[0])) for round_ in plan
                    for job in round_[s]]
            own = [list(stretches[k]) for k in range(s, len(stretches), 3)]
            assert sorted(mine) == sorted(j for stretch in own for j in stretch)
            for stretch in own:
                assert [j for j in mine if j in stretch] == stretch
            assert mine[:2] == [own[0][0], own[1][0]]  # taken in turn
        # the rates fall with the place in the run, and join up between epochs
        rates = [job[2:4] for round_ in plan for i in range(2) for share in round_
                 for job in share[i:i + 1]]
        assert all(a0 >= a1 for a0, a1 in rates)
        first = plan[0][0][0]
        assert first[2] == pytest.approx(alpha_at(epoch * int(cuts[-1])))
    seeds = [job[4] for plan in epochs for round_ in plan for share in round_ for job in share]
    assert len(set(seeds)) == len(seeds)
    faster = rounds.plan(cuts, 3, 2, 0, alpha_at, 7, rate=3)  # averaging's rates
    for ours, theirs in zip(_jobs(faster), _jobs(epochs[0])):
        assert ours[:2] == theirs[:2] and ours[4] == theirs[4]
        assert ours[2:4] == pytest.approx((3 * theirs[2], 3 * theirs[3]))


def _jobs(plan):
    return [job for round_ in plan for share in round_ for job in share]


def test_changes_add_up_as_dense_matrices_do():
    rng = np.random.default_rng(0)
    before = rng.standard_normal((50, 4)).astype(np.float32)
    afters = []
    for rows in ([1, 5, 7], [5, 9], [7, 8, 49]):
        after = before.copy()
        after[rows] += rng.standard_normal((len(rows), 4)).astype(np.float32)
        afters.append(after)
    changes = [(rounds.change_of(before, a), rounds.change_of(before, a)) for a in afters]
    total = rounds.combined(changes)[0]
    dense = sum(a - before for a in afters)
    assert total.rows.tolist() == [1, 5, 7, 8, 9, 49]
    assert total.nbytes == 6 * 8 + 6 * 4 * 4
    assert isinstance(total, Change)
    for rule, rate, scale in ((rounds.SUM, 1, 1), (rounds.AVERAGE, 3, 1 / 3),
                              (rounds.MIDWAY, 2, 1 / 2)):
        assert rounds.change_scale(rule, 3) == (rate, scale)
        np.testing.assert_allclose(rounds.applied(before, total, scale),
                                   before + dense * scale, atol=1e-6)
    # averaging: the mean of the shares' weights
    np.testing.assert_allclose(rounds.applied(before, total, 1 / 3), np.mean(afters, axis=0),
                               atol=1e-6)


def test_more_shares_train_shorter_rounds_by_default():
    assert [Rounds(n).words for n in (1, 2, 4, 8)] == [1 << 21, 1 << 21, 1 << 18, 1 << 16]
    assert Rounds(8, 1000).words == 1000 and Rounds(8, 1000).job_words == 1000
    assert Rounds(8).job_words == word2vec.JOB_WORDS


def test_one_share_trains_as_one_thread_does(corpus, monkeypatch):
    spread = word2vec.spread_order  # one thread taking INTERLEAVE stretches in turn
    monkeypatch.setattr(word2vec, "spread_order",
                        lambda jobs, workers: spread(jobs, workers * rounds.INTERLEAVE))
    plain = train(str(corpus[1]), CONFIG)
    shared = train_rounds(str(corpus[1]), CONFIG, Rounds(1, ROUND))  # either rule
    # the same jobs, rates and seeds; only adding each round's change back rounds off
    np.testing.assert_allclose(shared.vectors, plain.vectors, atol=2e-4)
    np.testing.assert_allclose(shared.output_weights, plain.output_weights, atol=2e-4)
    assert shared.metadata["rounds"]["shares"] == 1


def test_shares_in_turn_are_reproducible_and_depend_on_the_seed(corpus, two_shares):
    again = train_rounds(str(corpus[0]), CONFIG, Rounds(2, ROUND))  # from the text
    assert np.array_equal(again.vectors, two_shares.vectors)
    other = train_rounds(str(corpus[1]), TrainConfig(**{**CONFIG.__dict__, "seed": 8}),
                         Rounds(2, ROUND))
    assert not np.array_equal(other.vectors, two_shares.vectors)
    one = train(str(corpus[1]), CONFIG)  # two shares train apart: not one thread's
    assert not np.allclose(one.vectors, two_shares.vectors, atol=1e-3)


def test_resume_continues_the_run_as_if_never_stopped(corpus, two_shares, tmp_path):
    checkpoint = str(tmp_path / "run.checkpoint")
    config = TrainConfig(**{**CONFIG.__dict__, "epochs": 3})
    whole = train_rounds(str(corpus[1]), config, Rounds(2, ROUND))

    def stop(epoch, vectors):
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_rounds(str(corpus[1]), config, Rounds(2, ROUND, checkpoint=checkpoint),
                     on_epoch=stop)
    assert os.path.exists(checkpoint)
    resumed = train_rounds(str(corpus[1]), config,
                           Rounds(2, ROUND, checkpoint=checkpoint, resume=True))
    assert resumed.metadata["rounds"]["resumed_at_epoch"] == 2
    assert np.array_equal(resumed.vectors, whole.vectors)
    assert np.array_equal(resumed.output_weights, whole.output_weights)
    # a checkpoint of another run is refused, naming what differs
    with pytest.raises(W2VError, match="another run .*shares"):
        train_rounds(str(corpus[1]), config, Rounds(3, ROUND, checkpoint=checkpoint,
                                                    resume=True))
    with pytest.raises(W2VError, match="another run .*config"):
        train_rounds(str(corpus[1]), CONFIG, Rounds(2, ROUND, checkpoint=checkpoint,
                                                    resume=True))


def test_a_local_cluster_gives_what_the_shares_in_turn_give(corpus, two_shares):
    with Cluster("local:2", 1) as cluster:
        kv = train_rounds(str(corpus[1]), CONFIG, Rounds(2, ROUND),
                          cluster.executor(str(corpus[1]), CONFIG, JOB_WORDS))
        info = cluster.info.summary()
    assert np.array_equal(kv.vectors, two_shares.vectors)
    assert np.array_equal(kv.output_weights, two_shares.output_weights)
    assert info["workers"] == 2 and info["rounds"] == 2 * 4  # 13 jobs: 4 rounds an epoch
    assert 0 < info["change_bytes_per_round"]
    assert info["weight_bytes"] == 2 * len(kv) * CONFIG.dim * 4


def test_a_worker_killed_mid_round_changes_nothing(corpus, two_shares):
    with Cluster("local:2", 1) as cluster:
        before = cluster.client.run(os.getpid)
        victim = before[cluster.addresses[1]]
        killed = []

        def on_round(epoch, number):
            if (epoch, number) == (0, 1):  # while round 1's shares train (~0.1 s)
                timer = threading.Timer(0.02, lambda: (os.kill(victim, signal.SIGKILL),
                                                       killed.append(victim)))
                timer.start()

        kv = train_rounds(str(corpus[1]), CONFIG, Rounds(2, ROUND),
                          cluster.executor(str(corpus[1]), CONFIG, JOB_WORDS),
                          on_round=on_round)
        after = cluster.client.run(os.getpid)
    assert killed == [victim] and victim not in after.values()  # replaced by its nanny
    assert np.array_equal(kv.vectors, two_shares.vectors)
    assert np.array_equal(kv.output_weights, two_shares.output_weights)


def test_the_command_trains_on_a_cluster_and_leaves_no_checkpoint(corpus, two_shares,
                                                                   tmp_path):
    out = tmp_path / "c.w2v"
    args = ["train", str(corpus[1]), "--epochs", "2", "--min-count", "3", "--dim", "32",
            "--seed", "7", "--round-words", str(ROUND), "-o", str(out)]
    result = CliRunner().invoke(cli, args + ["--cluster", "local:2", "--threads", "1"])
    assert result.exit_code == 0, result.output
    assert "cluster local:2: 2 workers x 1 threads, 2 shares" in result.output
    kv = KeyedVectors.load(str(out))
    assert np.array_equal(kv.vectors, two_shares.vectors)
    assert kv.metadata["rounds"]["cluster"]["rounds"] == 8
    info = CliRunner().invoke(cli, ["info", str(out)]).output
    assert f"2 shares of {ROUND:,} words a round, midway; on local:2, 2 workers, 8 rounds" \
        in info
    assert not os.path.exists(str(out) + ".checkpoint")
    result = CliRunner().invoke(cli, args + ["--shares", "2", "--threads", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert np.array_equal(KeyedVectors.load(str(out)).vectors, two_shares.vectors)


@pytest.mark.parametrize("extra, message", [
    (["--cluster", "local:2"], "--cluster trains from an encoded corpus"),
    (["--cluster", "local:0"], "local:N needs a number of workers"),
    (["--shares", "0"], "--shares"),
    (["--shares", "2", "--round-words", "0"], "--round-words"),
    (["--shares", "2", "--resume"], "no checkpoint at"),
    (["--shares", "2", "--hs"], "--hs"),
    (["--shares", "2", "--subwords"], "--subwords"),
    (["--shares", "2", "--arch", "glove"], "do not combine with --arch glove"),
])
def test_bad_round_settings_get_one_line(corpus, tmp_path, extra, message):
    source = corpus[1] if extra[:2] == ["--cluster", "local:0"] else corpus[0]
    out = tmp_path / "x.w2v"
    result = CliRunner().invoke(cli, ["train", str(source), "-o", str(out), "-q"] + extra)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_ctrl_c_keeps_the_checkpoint_and_resume_finishes_the_run(corpus, tmp_path):
    out = tmp_path / "r.w2v"
    checkpoint = tmp_path / "r.w2v.checkpoint"
    args = ["train", str(corpus[1]), "--shares", "2", "--threads", "1", "--epochs", "3",
            "--min-count", "3", "--dim", "32", "--seed", "7", "--round-words", str(ROUND),
            "-o", str(out), "-q"]
    process = subprocess.Popen([sys.executable, "-m", "w2v", *args], stderr=subprocess.PIPE,
                               text=True, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                           signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)  # during the second or third epoch
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and not out.exists() and checkpoint.exists()
    result = CliRunner().invoke(cli, args + ["--resume"])
    assert result.exit_code == 0, result.output
    config = TrainConfig(**{**CONFIG.__dict__, "epochs": 3})
    whole = train_rounds(str(corpus[1]), config, Rounds(2, ROUND))
    resumed = KeyedVectors.load(str(out))
    assert resumed.metadata["rounds"]["resumed_at_epoch"] in (1, 2)
    assert np.array_equal(resumed.vectors, whole.vectors)
    assert not checkpoint.exists()


@pytest.mark.parametrize("rule, advice", [(rounds.MIDWAY, r"try a smaller --round-words"),
                                          (rounds.SUM, r"try --combine midway, or a smaller")])
def test_diverged_weights_stop_the_run_with_one_line_and_keep_the_checkpoint(
        corpus, tmp_path, monkeypatch, rule, advice):
    checkpoint = str(tmp_path / "v.w2v.checkpoint")
    applied = rounds.applied_pair

    def blown_up_in_epoch_2(state, changes, scale):
        weights = applied(state, changes, scale)
        if os.path.exists(checkpoint):  # the first epoch is saved
            weights[0][3] = np.inf
        return weights

    monkeypatch.setattr(rounds, "applied_pair", blown_up_in_epoch_2)
    with pytest.raises(rounds.TrainingError, match=f"diverged in epoch 2: .* {advice}"):
        train_rounds(str(corpus[1]), CONFIG, Rounds(2, ROUND, rule, checkpoint=checkpoint))
    assert os.path.exists(checkpoint)
