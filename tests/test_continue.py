"""Continued training: train --init MODEL [--update-vocab]."""

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import KeyedVectors
from w2v.cli import cli

FAST = ["--min-count", "1", "--epochs", "1", "--threads", "1", "-q", "--sample", "0"]


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def halves(tmp_path, planted_file):
    lines = planted_file.read_text().splitlines()
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    second.write_text("\n".join(lines[len(lines) // 2:]) + "\nbrand new words here\n" * 3)
    _ok(CliRunner().invoke(cli, ["train", str(first), *FAST, "--dim", "12",
                                 "-o", str(tmp_path / "a.w2v")]))
    return first, second, KeyedVectors.load(tmp_path / "a.w2v")


def test_a_tiny_learning_rate_keeps_every_vector_where_it_was(tmp_path, halves):
    _, second, before = halves
    _ok(CliRunner().invoke(cli, ["train", str(second), *FAST, "--init", str(tmp_path / "a.w2v"),
                                 "--alpha", "1e-9", "--min-alpha", "0", "-o",
                                 str(tmp_path / "b.w2v"), "--update-vocab"]))
    after = KeyedVectors.load(tmp_path / "b.w2v")
    assert after.dim == 12  # taken from the model, not --dim's default
    for word in before.words:  # rows followed their words through the re-sorting
        np.testing.assert_allclose(after[word], before[word], atol=1e-6)
        np.testing.assert_allclose(after.output_weights[after.index[word]],
                                   before.output_weights[before.index[word]], atol=1e-6)


def test_fixed_vocabulary_and_summed_counts(tmp_path, halves):
    first, second, before = halves
    _ok(CliRunner().invoke(cli, ["train", str(second), *FAST, "--init", str(tmp_path / "a.w2v"),
                                 "-o", str(tmp_path / "b.w2v")]))
    after = KeyedVectors.load(tmp_path / "b.w2v")
    assert set(after.words) == set(before.words) and "brand" not in after.index
    tokens = second.read_text().split()
    for word in before.words[:10]:
        assert after.counts[after.index[word]] == (before.counts[before.index[word]]
                                                   + tokens.count(word))
    assert list(after.counts) == sorted(after.counts, reverse=True)
    assert not np.allclose(after[before.words[0]], before[before.words[0]])  # it trained
    assert after.metadata["continued_from"]["corpus"]["source"] == str(first)


def test_update_vocab_adds_new_words(tmp_path, halves):
    _, second, before = halves
    _ok(CliRunner().invoke(cli, ["train", str(second), *FAST, "--init", str(tmp_path / "a.w2v"),
                                 "--update-vocab", "-o", str(tmp_path / "b.w2v")]))
    after = KeyedVectors.load(tmp_path / "b.w2v")
    assert set(after.words) == set(before.words) | {"brand", "new", "words", "here"}
    assert after.counts[after.index["brand"]] == 3


def test_continuing_improves_on_what_the_first_part_taught(tmp_path, planted_file):
    import planted

    lines = planted_file.read_text().splitlines()
    first, second = tmp_path / "few.txt", tmp_path / "rest.txt"
    first.write_text("\n".join(lines[:len(lines) // 20]) + "\n")  # too little to learn from
    second.write_text("\n".join(lines[len(lines) // 20:]) + "\n")
    runner = CliRunner()
    questions = tmp_path / "q.txt"
    planted.write_questions(questions)

    def accuracy(model):
        import json
        out = _ok(runner.invoke(cli, ["eval", "-m", str(model), "--analogies", str(questions),
                                      "--json"])).output
        return json.loads(out)["analogies"][0]["accuracy"]

    _ok(runner.invoke(cli, ["train", str(first), "--min-count", "1", "--threads", "1", "-q",
                            "--dim", "20", "--epochs", "1", "-o", str(tmp_path / "h.w2v")]))
    _ok(runner.invoke(cli, ["train", str(second), "--min-count", "1", "--threads", "1", "-q",
                            "--epochs", "1", "--init", str(tmp_path / "h.w2v"),
                            "-o", str(tmp_path / "c.w2v")]))
    alone, continued = accuracy(tmp_path / "h.w2v"), accuracy(tmp_path / "c.w2v")
    assert alone < 0.5 and continued > 0.9


@pytest.mark.parametrize("args,code,message", [
    (["--update-vocab"], 2, "--update-vocab needs --init"),
    (["--init", "{tmp}/a.bin"], 2, "invalid value for --init"),
    (["--init", "{tmp}/a.w2v", "--dim", "7"], 2, "must be the initial model's (12)"),
    (["--init", "{tmp}/a.w2v", "--read-vocab", "{tmp}/v.txt"], 2, "cannot be combined"),
    (["--init", "{tmp}/none.w2v"], 1, "not found"),
])
def test_continuation_errors(tmp_path, halves, args, code, message):
    _, second, before = halves
    before.save(tmp_path / "a.bin")
    result = CliRunner().invoke(cli, ["train", str(second), *FAST, "-o", str(tmp_path / "o.bin"),
                                      *[a.format(tmp=tmp_path) for a in args]])
    assert result.exit_code == code and message in result.output
