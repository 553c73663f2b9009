"""GloVe: the co-occurrence counts against a brute-force count (in memory and spilled to
disk), the AdaGrad step against a NumPy transcription of Stanford's glove.c, one thread
reproducible and independent of the memory budget, temporary files removed on every
way out, and the command line."""

import collections
import os
import signal
import subprocess
import sys

import numpy as np
import planted
import pytest
from click.testing import CliRunner

from w2v import KeyedVectors
from w2v.cli import cli
from w2v.config import GloveConfig
from w2v.errors import ConfigError
from w2v.training import cooccur, glove_kernels
from w2v.training.glove import GRADIENT_CLIP, initial_weights, train_glove


def brute_force(ids, starts, window):
    """X[a, b] of every pair of words at most ``window`` apart in a sentence: 1 / distance
    for each direction."""
    counts = collections.defaultdict(float)
    for s in range(len(starts) - 1):
        sentence = ids[starts[s]:starts[s + 1]]
        for p in range(len(sentence)):
            for q in range(p + 1, min(p + window + 1, len(sentence))):
                counts[sentence[p], sentence[q]] += 1 / (q - p)
                counts[sentence[q], sentence[p]] += 1 / (q - p)
    return counts


def small_corpus(words=40, length=4000, seed=0):
    rng = np.random.default_rng(seed)
    ids = (rng.zipf(1.4, length) % words).astype(np.int32)
    # sentences of every length from 0 up, so windows meet sentence ends everywhere
    cuts = np.cumsum([0, 0, 1, 1, 2, 3, 5, 8, 13, 21, 700, 1500])
    return ids, np.append(cuts, length).astype(np.int64)


def records_of(result):
    return [tuple(zip(*(c.tolist() for c in result.read(lo, min(lo + 97, result.records)))))
            for lo in range(0, result.records, 97)]


def as_matrix(records):
    full = {}
    for chunk in records:
        for a, b, x in chunk:
            assert (a, b) not in full  # one record a term: (a, b) and (b, a) apart
            full[a, b] = x
    return full


@pytest.mark.parametrize("window", [1, 2, 5, 30])
@pytest.mark.parametrize("memory", [1e9, 4000])
def test_counts_equal_a_brute_force_count(window, memory):
    ids, starts = small_corpus()
    with cooccur.count(ids, starts, 40, window, memory, seed=3) as result:
        spilled = result.spilled_runs
        records = records_of(result)
    assert (spilled > 0) == (memory < 1e6)
    counted, expected = as_matrix(records), brute_force(ids.tolist(), starts.tolist(), window)
    assert counted.keys() == expected.keys()
    for pair, x in expected.items():  # float32 counts; beyond a window of 24, 1/d rounded
        assert counted[pair] == pytest.approx(x, rel=2e-7)


def test_the_hash_table_grows_without_losing_a_count(monkeypatch):
    monkeypatch.setattr(cooccur, "HASH_START_BITS", 4)  # 16 slots, doubled many times
    monkeypatch.setattr(cooccur, "DENSE_SHARE", 1e-6)  # a dense table of a few cells
    grown = []
    monkeypatch.setattr(cooccur, "_grown", lambda *a, grow=cooccur._grown: grown.append(1)
                        or grow(*a))
    ids, starts = small_corpus(words=300, length=6000, seed=2)
    with cooccur.count(ids, starts, 300, 4, 1e8, seed=1) as result:
        assert result.spilled_runs == 0 and result.folder is None and len(grown) >= 5
        counted = as_matrix(records_of(result))
    expected = brute_force(ids.tolist(), starts.tolist(), 4)
    assert counted.keys() == expected.keys()
    assert all(counted[p] == pytest.approx(x, rel=2e-7) for p, x in expected.items())


def test_spilled_counts_come_out_in_the_same_order_with_the_same_values(monkeypatch):
    ids, starts = small_corpus(words=60, length=20000, seed=1)
    outcomes = []
    for memory in (1e9, 6000, 2000):
        with cooccur.count(ids, starts, 60, 10, memory, seed=5) as result:
            outcomes.append((result.spilled_runs, records_of(result)))
    assert outcomes[0][0] == 0 and outcomes[1][0] > 0 and outcomes[2][0] > outcomes[1][0]
    assert outcomes[0][1] == outcomes[1][1] == outcomes[2][1]
    # records made from pairs a few slices of the order at a time, in memory and spilled
    monkeypatch.setattr(cooccur, "MERGE_LEAST", 1)
    monkeypatch.setattr(cooccur, "SORT_MOST", 37)
    slices = []
    monkeypatch.setattr(cooccur, "_spans", lambda *a, spans=cooccur._spans: [
        slices.append(span) or span for span in spans(*a)])
    for memory in (1e9, 6000):
        with cooccur.count(ids, starts, 60, 10, memory, seed=5) as result:
            assert records_of(result) == outcomes[0][1]
        assert len(slices) >= result.records / 37 > 10  # spans of at most 37 records
        slices.clear()


def test_the_order_is_a_shuffle_drawn_from_the_seed():
    ids, starts = small_corpus()

    def order(seed):
        with cooccur.count(ids, starts, 40, 5, 1e9, seed=seed) as result:
            return [(a, b) for chunk in records_of(result) for a, b, _ in chunk]

    first, again, other = order(1), order(1), order(2)
    assert first == again and first != other and sorted(first) == sorted(other)
    keys = [a * 40 + b for a, b in first]
    assert keys != sorted(keys)
    # a pair's two terms are records of their own, each at its own place (as glove.c's
    # after its shuffle), not one right after the other
    place = {term: i for i, term in enumerate(first)}
    gaps = [abs(place[b, a] - i) for i, (a, b) in enumerate(first) if a != b]
    assert len(gaps) > 500 and sum(gap == 1 for gap in gaps) < 0.01 * len(gaps)
    assert np.median(gaps) > len(first) / 10


def test_dense_layout_holds_the_frequent_pairs_within_its_cells():
    words, cells = 1000, 5000
    start, end = cooccur.dense_layout(words, cells)
    a, b = np.triu_indices(words)  # every pair a <= b
    product = (a + 1) * (b + 1)

    def fits(bound):
        return np.count_nonzero(product <= bound) <= cells

    bound = max(x for x in range(1, 20000) if fits(x))  # Stanford's rule, by brute force
    dense = np.zeros((words, words), dtype=bool)
    for row in range(len(end)):
        dense[row, row:end[row]] = True
        assert start[row + 1] - start[row] == end[row] - row
    np.testing.assert_array_equal(dense[a, b], product <= bound)
    whole_start, whole_end = cooccur.dense_layout(30, 10**6)  # everything fits
    assert whole_start[-1] == 30 * 31 // 2 and (whole_end == 30).all()


def stanford_step(weights, gradsq, l1, l2, x, x_max, power, eta):
    """glove.c's step for one record, in float64 (its ``real``)."""
    dim = weights.shape[1] - 1
    w1, w2, g1, g2 = weights[l1], weights[l2], gradsq[l1], gradsq[l2]
    diff = w1[:dim] @ w2[:dim] + w1[dim] + w2[dim] - np.log(x)
    fdiff = diff if x > x_max else (x / x_max) ** power * diff
    temp1 = np.clip(fdiff * w2[:dim], -GRADIENT_CLIP, GRADIENT_CLIP) * eta
    temp2 = np.clip(fdiff * w1[:dim], -GRADIENT_CLIP, GRADIENT_CLIP) * eta
    up1, up2 = temp1 / np.sqrt(g1[:dim]), temp2 / np.sqrt(g2[:dim])
    g1[:dim] += temp1 ** 2
    g2[:dim] += temp2 ** 2
    w1[:dim] -= up1
    w2[:dim] -= up2
    w1[dim] -= fdiff / np.sqrt(g1[dim])
    w2[dim] -= fdiff / np.sqrt(g2[dim])
    g1[dim] += fdiff ** 2
    g2[dim] += fdiff ** 2
    return 0.5 * fdiff * diff


def test_the_update_is_stanfords():
    words, dim = 7, 16
    rng = np.random.default_rng(4)
    weights, gradsq = initial_weights(words, GloveConfig(dim=dim, seed=2))
    weights *= 40  # large enough for the gradient clip to act
    rows = np.array([0, 1, 3, 3, 6, 0, 2], dtype=np.int32)
    cols = np.array([1, 1, 5, 3, 6, 4, 6], dtype=np.int32)
    values = rng.uniform(0.3, 30, len(rows)).astype(np.float32)
    ours_w, ours_g = weights.copy(), gradsq.copy()
    cost, skipped = glove_kernels.train_records(
        rows, cols, values, 0, len(rows), ours_w, ours_g, words, np.float32(10),
        np.float32(0.75), np.float32(0.05), np.float32(GRADIENT_CLIP))
    ref_w, ref_g = weights.astype(np.float64), gradsq.astype(np.float64)
    expected = 0.0
    for a, b, x in zip(rows.tolist(), cols.tolist(), values.astype(np.float64).tolist()):
        expected += stanford_step(ref_w, ref_g, a, words + b, x, 10, 0.75, 0.05)
    assert np.abs(ref_w - weights).max() > 1  # the clip and the steps did something
    assert skipped == 0 and cost == pytest.approx(expected, rel=1e-4)
    np.testing.assert_allclose(ours_w, ref_w, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours_g, ref_g, rtol=1e-4)


def test_a_term_that_is_not_finite_is_skipped_and_changes_nothing():
    weights, gradsq = initial_weights(3, GloveConfig(dim=8))
    before = weights.copy()
    rows, cols = np.array([0, 1], np.int32), np.array([2, 1], np.int32)
    values = np.array([0.0, np.inf], np.float32)  # log 0 = -inf, and inf - inf = NaN
    cost, skipped = glove_kernels.train_records(
        rows, cols, values, 0, 2, weights, gradsq, 3, np.float32(10), np.float32(0.75),
        np.float32(0.05), np.float32(GRADIENT_CLIP))
    assert skipped == 2 and cost == 0
    np.testing.assert_array_equal(weights, before)


def config(**changes):
    return GloveConfig(**{**dict(dim=16, window=5, min_count=1, epochs=4, x_max=10,
                                 threads=1, seed=3), **changes})


def test_one_thread_reproducible_and_the_memory_budget_changes_nothing(planted_file):
    first = train_glove(str(planted_file), config())
    again = train_glove(str(planted_file), config())
    spilled = train_glove(str(planted_file), config(memory=1e-5))  # 10 kB: spills
    assert spilled.metadata["cooccurrences"]["spilled_runs"] > 0
    assert first.metadata["cooccurrences"]["spilled_runs"] == 0
    np.testing.assert_array_equal(first.vectors, again.vectors)
    np.testing.assert_array_equal(first.vectors, spilled.vectors)
    other = train_glove(str(planted_file), config(seed=4))
    assert not np.array_equal(first.vectors, other.vectors)


def planted_accuracy(kv):
    questions = planted.analogies()
    return np.mean([kv.analogy(b, a, c, topn=1)[0][0] == d for a, b, c, d in questions])


def test_glove_learns_the_planted_analogies(planted_file):
    # x_max at its default, 100: this small corpus repeats its pairs thousands of times
    kv = train_glove(str(planted_file), config(dim=24, epochs=30, x_max=100, threads=2))
    costs = kv.metadata["training"]["epoch_costs"]
    assert costs[-1] < costs[0] / 2
    assert planted_accuracy(kv) >= 0.95
    # the bar means something: with no learning to speak of, near chance
    untrained = train_glove(str(planted_file), config(dim=24, epochs=30, x_max=100,
                                                      eta=1e-9))
    assert planted_accuracy(untrained) < 0.2


def test_output_word_is_the_word_vectors_alone(planted_file):
    both = train_glove(str(planted_file), config(epochs=1))
    word = train_glove(str(planted_file), config(epochs=1, output="word"))
    assert not np.allclose(both.vectors, word.vectors)
    assert both.vectors.shape == word.vectors.shape


@pytest.mark.parametrize("field,value", [("x_max", 0), ("eta", float("nan")),
                                         ("memory", 0), ("output", "both"), ("window", 0)])
def test_bad_settings_are_refused(field, value):
    with pytest.raises(ConfigError, match=field):
        GloveConfig(**{field: value})


def test_temporary_files_go_on_success_and_on_error(tmp_path, planted_file):
    train_glove(str(planted_file), config(memory=1e-5, temp_dir=str(tmp_path)))
    assert os.listdir(tmp_path) == []

    def fail(progress):
        if progress.stage == "train" and progress.done:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        train_glove(str(planted_file), config(memory=1e-5, temp_dir=str(tmp_path)),
                    on_progress=fail)
    assert os.listdir(tmp_path) == []

    def fail_counting(progress):
        if progress.stage == "count" and progress.spilled_runs:
            raise RuntimeError("stop counting")

    with pytest.raises(RuntimeError, match="stop counting"):
        train_glove(str(planted_file), config(memory=1e-5, temp_dir=str(tmp_path)),
                    on_progress=fail_counting)
    assert os.listdir(tmp_path) == []


# Slows every chunk of training down, and says when training is under way.
SLOW_TRAINING = """
import sys, time
from w2v.training import glove_kernels
train_records = glove_kernels.train_records
flag = sys.argv[1]

def slow(*args):
    open(flag, "w").close()
    time.sleep(0.05)
    return train_records(*args)
glove_kernels.train_records = slow
from w2v.cli import main
sys.argv = ["w2v", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("signum,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_temporary_files_go_on_interruption(tmp_path, planted_file, signum, status):
    temp = tmp_path / "temp"
    temp.mkdir()
    flag = tmp_path / "flag"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_TRAINING, str(flag), "train", str(planted_file),
         "--arch", "glove", "--min-count", "1", "--dim", "8", "--epochs", "200",
         "--memory", "0.00001", "--temp-dir", str(temp), "-o", str(tmp_path / "g.w2v")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = 600
    while not flag.exists():
        assert process.poll() is None, process.communicate()
        deadline -= 1
        assert deadline, "training never began"
        subprocess.run(["sleep", "0.1"])
    assert os.listdir(temp)  # the spilled records are there while training runs
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert "Traceback" not in err
    assert os.listdir(temp) == [] and not (tmp_path / "g.w2v").exists()


def test_cli_trains_glove_and_queries_it(tmp_path, planted_file):
    out = tmp_path / "g.w2v"
    result = CliRunner().invoke(cli, ["train", str(planted_file), "--arch", "glove",
                                      "--min-count", "1", "--dim", "16", "--window", "5",
                                      "--epochs", "3", "--x-max", "10", "--threads", "1",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "co-occurrences" in result.output and "final cost" in result.output
    kv = KeyedVectors.load(out)
    settings = kv.metadata["config"]
    assert (settings["arch"], settings["window"], settings["epochs"], settings["x_max"]) \
        == ("glove", 5, 3, 10)
    result = CliRunner().invoke(cli, ["similar", "e0_0", "-m", str(out), "-n", "3"])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) >= 3


def test_cli_glove_defaults_are_glove_s(tmp_path, planted_file):
    out = tmp_path / "g.w2v"
    result = CliRunner().invoke(cli, ["train", str(planted_file), "--arch", "glove",
                                      "--min-count", "1", "--dim", "4", "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    settings = KeyedVectors.load(out).metadata["config"]
    assert (settings["window"], settings["epochs"], settings["x_max"]) == (15, 25, 100)


@pytest.mark.parametrize("args,message", [
    (["--arch", "glove", "--negative", "10"], "--negative does not apply to --arch glove"),
    (["--arch", "glove", "--subwords"], "--subwords does not apply to --arch glove"),
    (["--arch", "glove", "--format", "fasttext"], "--format fasttext"),
    (["--x-max", "10"], "--x-max applies to --arch glove only"),
    (["--arch", "cbow", "--memory", "1"], "--memory applies to --arch glove only"),
    (["--arch", "glove", "--memory", "0"], "invalid value for --memory"),
    (["--arch", "glove", "--temp-dir", "/no/such/folder"], "no such folder"),
])
def test_cli_refuses_options_of_the_other_model(tmp_path, planted_file, args, message):
    out = tmp_path / "g.w2v"
    result = CliRunner().invoke(cli, ["train", str(planted_file), *args, "-o", str(out)])
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output and not out.exists()
