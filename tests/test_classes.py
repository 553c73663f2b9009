"""w2v classes: spherical k-means, written as the word2vec C tool's -classes."""

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import KeyedVectors
from w2v.cli import cli
from w2v.errors import W2VError
from w2v.tools.classes import kmeans


@pytest.fixture
def groups():
    """Three groups of 30 words, each scattered around its own direction."""
    rng = np.random.default_rng(4)
    directions = np.eye(3, 12) * 5
    words, rows, truth = [], [], []
    for i in range(90):  # interleaved, so that the i % k start mixes the groups
        g = i % 3 if i < 45 else (i + 1) % 3
        words.append(f"g{g}_{i}")
        rows.append(directions[g] + rng.normal(0, 1, 12))
        truth.append(g)
    return KeyedVectors(words, np.array(rows, np.float32)), np.array(truth)


def test_kmeans_recovers_separated_groups(groups):
    kv, truth = groups
    labels, rounds = kmeans(kv, 3)
    assert 1 < rounds <= 10
    for g in range(3):  # each true group is one class, and the classes differ
        assert len(set(labels[truth == g])) == 1
    assert len(set(labels)) == 3


def test_kmeans_is_a_fixed_point_of_its_update(groups):
    kv, _ = groups
    labels, _ = kmeans(kv, 5, iterations=50)
    unit = kv.unit
    centroids = np.array([unit[labels == c].sum(axis=0) for c in range(5)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    np.testing.assert_array_equal(np.argmax(unit @ centroids.T, axis=1), labels)


def test_classes_command_writes_word_class_lines(tmp_path, groups):
    kv, truth = groups
    kv.save(tmp_path / "v.bin")
    result = CliRunner().invoke(cli, ["classes", str(tmp_path / "v.bin"), "-k", "3",
                                      "-o", str(tmp_path / "c.txt")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "c.txt").read_text().splitlines()
    assert [line.split()[0] for line in lines] == kv.words
    assert np.array_equal(np.array([int(line.split()[1]) for line in lines]),
                          kmeans(kv, 3)[0])
    shown = CliRunner().invoke(cli, ["classes", str(tmp_path / "v.bin"), "-k", "3"])
    assert shown.output.splitlines() == lines


def test_bad_k(tmp_path, groups):
    kv, _ = groups
    kv.save(tmp_path / "v.bin")
    result = CliRunner().invoke(cli, ["classes", str(tmp_path / "v.bin"), "-k", "91"])
    assert result.exit_code == 1 and "choose -k from 1 to 90" in result.output
    result = CliRunner().invoke(cli, ["classes", str(tmp_path / "v.bin"), "-k", "0"])
    assert result.exit_code == 2
    with pytest.raises(W2VError):
        kmeans(kv, 0)


def test_classes_iterations_and_limit(tmp_path, groups):
    kv, _ = groups
    kv.save(tmp_path / "v.bin")
    runner = CliRunner()
    once = runner.invoke(cli, ["classes", str(tmp_path / "v.bin"), "-k", "3", "--iterations",
                               "1", "--limit", "30"])
    assert once.exit_code == 0, once.output
    lines = once.output.splitlines()
    assert [line.split()[0] for line in lines] == kv.words[:30]
    first = KeyedVectors(kv.words[:30], kv.vectors[:30])
    assert [int(line.split()[1]) for line in lines] == kmeans(first, 3, 1)[0].tolist()
    bad = runner.invoke(cli, ["classes", str(tmp_path / "v.bin"), "--iterations", "0"])
    assert bad.exit_code == 2
