"""Vocabulary files in the word2vec C tool's 'word count' format, and --max-final-vocab."""

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import KeyedVectors
from w2v.cli import cli
from w2v.text.vocab import final_min_count, read_vocab_file

FAST = ["--dim", "16", "--min-count", "1", "--epochs", "1", "--threads", "1", "-q"]


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def test_vocab_command_writes_the_c_tool_layout(tmp_path, planted_file):
    runner = CliRunner()
    out = _ok(runner.invoke(cli, ["vocab", str(planted_file)])).output.splitlines()
    lines = planted_file.read_text().splitlines()
    assert out[0] == f"</s> {len(lines)}"
    counts = [int(line.split()[1]) for line in out[1:]]
    assert counts == sorted(counts, reverse=True)
    words = [w for line in lines for w in line.split()]
    assert {line.split()[0]: int(line.split()[1]) for line in out[1:]} == {
        w: words.count(w) for w in set(words)}
    _ok(runner.invoke(cli, ["vocab", str(planted_file), "-o", str(tmp_path / "v.txt")]))
    assert (tmp_path / "v.txt").read_text().splitlines() == out


def test_save_then_read_vocab_trains_the_same_vectors(tmp_path, planted_file):
    runner = CliRunner()
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", str(tmp_path / "a.bin"),
                            "--save-vocab", str(tmp_path / "v.txt")]))
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", str(tmp_path / "b.bin"),
                            "--read-vocab", str(tmp_path / "v.txt")]))
    assert (tmp_path / "a.bin").read_bytes() == (tmp_path / "b.bin").read_bytes()
    assert (tmp_path / "v.txt").read_text() == _ok(runner.invoke(
        cli, ["vocab", str(planted_file), "--min-count", "1"])).output


def test_read_vocab_keeps_only_its_words_and_counts(tmp_path, planted_file):
    # as the C tool writes it: </s> first, then words by count; a word the corpus lacks
    (tmp_path / "v.txt").write_text("</s> 99\ne0_1 500\ne0_0 700\nnever_seen 300\n")
    out = tmp_path / "m.w2v"
    _ok(CliRunner().invoke(cli, ["train", str(planted_file), *FAST, "-o", str(out),
                                 "--read-vocab", str(tmp_path / "v.txt")]))
    kv = KeyedVectors.load(out)
    assert kv.words == ["e0_0", "e0_1", "never_seen"]
    assert kv.counts.tolist() == [700, 500, 300]


@pytest.mark.parametrize("content,message", [
    ("a 1\nb\n", "line 2: expected 'word count'"),
    ("a 1\nb x\n", "line 2"),
    ("a 1\na 2\n", "'a' is already on line 1"),
    ("</s> 4\n", "no 'word count' lines"),
])
def test_bad_vocab_files_get_one_line_errors(tmp_path, planted_file, content, message):
    (tmp_path / "v.txt").write_text(content)
    result = CliRunner().invoke(cli, ["train", str(planted_file), *FAST, "-o",
                                      str(tmp_path / "m.bin"), "--read-vocab",
                                      str(tmp_path / "v.txt")])
    assert result.exit_code == 1 and message in result.output
    assert result.output.count("\n") == 1 and not (tmp_path / "m.bin").exists()


def test_missing_vocab_file_and_unwritable_save_vocab(tmp_path, planted_file):
    runner = CliRunner()
    result = runner.invoke(cli, ["train", str(planted_file), *FAST, "--read-vocab",
                                 str(tmp_path / "none.txt"), "-o", str(tmp_path / "m.bin")])
    assert result.exit_code == 1 and "cannot read" in result.output
    result = runner.invoke(cli, ["train", str(planted_file), *FAST, "--save-vocab",
                                 str(tmp_path / "no" / "v.txt"), "-o", str(tmp_path / "m.bin")])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not (tmp_path / "m.bin").exists()  # refused before training


def test_final_min_count_follows_gensim():
    counts = np.array([10, 8, 8, 5, 3, 1])
    assert final_min_count(counts, 1, None) == 1
    assert final_min_count(counts, 1, 6) == 1
    assert final_min_count(counts, 1, 4) == 4  # keeps 10, 8, 8, 5
    assert final_min_count(counts, 1, 2) == 9  # the tie at 8 goes entirely: keeps 10
    assert final_min_count(counts, 6, 4) == 6  # never lowers min_count


def test_max_final_vocab_through_the_cli(tmp_path, planted_file):
    runner = CliRunner()
    full = _ok(runner.invoke(cli, ["vocab", str(planted_file), "--min-count", "1"])).output
    counts = np.array([int(line.split()[1]) for line in full.splitlines()[1:]])
    limit = len(counts) // 2
    out = _ok(runner.invoke(cli, ["vocab", str(planted_file), "--min-count", "1",
                                  "--max-final-vocab", str(limit)])).output
    kept = len(out.splitlines()) - 1
    assert 0 < kept <= limit
    assert kept == int(np.sum(counts >= final_min_count(counts, 1, limit)))
    result = runner.invoke(cli, ["vocab", str(planted_file), "--max-final-vocab", "0"])
    assert result.exit_code == 2 and "max-final-vocab" in result.output


def test_read_vocab_file_sorts_by_count(tmp_path):
    (tmp_path / "v.txt").write_text("b 2\na 5\nc 2\n")
    vocab = read_vocab_file(str(tmp_path / "v.txt"))
    assert vocab.words == ["a", "b", "c"] and vocab.counts.tolist() == [5, 2, 2]


def test_train_max_final_vocab(tmp_path, planted_file):
    runner = CliRunner()
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "--max-final-vocab", "10",
                            "-o", str(tmp_path / "m.w2v")]))
    kv = KeyedVectors.load(tmp_path / "m.w2v")
    assert 0 < len(kv) <= 10 and kv.metadata["config"]["max_final_vocab"] == 10


def test_a_byte_order_mark_before_the_first_word_is_dropped(tmp_path):
    (tmp_path / "v.txt").write_bytes(b"\xef\xbb\xbf</s> 3\nthe 9\nof 4\n")
    assert read_vocab_file(str(tmp_path / "v.txt")).words == ["the", "of"]
