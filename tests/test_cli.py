import json
import os
import subprocess
import sys

import numpy as np
import planted
import pytest
from click.testing import CliRunner

from w2v.cli import cli

FAST = ["--dim", "20", "--min-count", "1", "--sample", "0", "--epochs", "3",
        "--threads", "1", "--seed", "7"]


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("W2V_MODEL", raising=False)
    return CliRunner()


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def test_train_then_similar_then_analogy_in_an_empty_directory(runner, planted_file):
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST]))
    assert os.listdir(".") == ["vectors.bin"]

    out = _ok(runner.invoke(cli, ["similar", "e1_1", "-n", "3"])).output
    assert len(out.splitlines()) == 3 and "e1_1" not in out

    out = _ok(runner.invoke(cli, ["analogy", "e1_2", "e1_1", "e3_1", "--json"])).output
    ranked = json.loads(out)
    assert ranked[0]["word"] == "e3_2"  # e1_2 - e1_1 + e3_1 = e3_2 in the planted language
    assert len(ranked) == 10 and set(ranked[0]) == {"word", "score"}


def test_output_path_and_model_env(runner, planted_file, monkeypatch):
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", "m.txt", "--quiet"]))
    assert (open("m.txt").readline().split()) == [str(planted.vocab_size()), "20"]
    _ok(runner.invoke(cli, ["similar", "e0_0", "-m", "m.txt"]))
    monkeypatch.setenv("W2V_MODEL", "m.txt")
    _ok(runner.invoke(cli, ["similar", "e0_0"]))
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "--arch", "cbow", "-q"]))
    assert sorted(os.listdir(".")) == ["m.txt"]  # W2V_MODEL is train's default output too


def test_progress_and_summary_go_to_stderr_and_quiet_hides_them(planted_file, tmp_path):
    runner = CliRunner()
    out = tmp_path / "v.bin"
    result = _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", str(out)]))
    assert "vocabulary:" in result.stderr and "words/s" in result.stderr
    assert result.stdout == ""
    result = _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", str(out), "-q"]))
    assert result.stderr == "" and result.stdout == ""


@pytest.mark.parametrize("content,message", [
    (None, "corpus not found"),
    (b"", "is empty"),
    (b"\x7fELF\x00\x00\x01", "binary"),
    (b"a b c\n", "try a smaller --min-count"),
])
def test_bad_corpora_get_one_line_errors_and_write_nothing(runner, content, message):
    if content is not None:
        with open("c.txt", "wb") as f:
            f.write(content)
    result = runner.invoke(cli, ["train", "c.txt", "--min-count", "5"])
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not os.path.exists("vectors.bin")


@pytest.mark.parametrize("option,value", [
    ("--dim", "0"), ("--window", "0"), ("--negative", "-1"), ("--alpha", "0"),
    ("--alpha", "-0.1"), ("--epochs", "0"), ("--min-count", "0"), ("--sample", "-1"),
    ("--threads", "0"), ("--max-vocab", "0"), ("--arch", "bert"), ("--dim", "ten"),
])
def test_nonsense_options_are_usage_errors(runner, planted_file, option, value):
    result = runner.invoke(cli, ["train", str(planted_file), option, value])
    assert result.exit_code == 2
    assert option in result.output
    assert not os.path.exists("vectors.bin")


def test_exact_negatives_option(runner, planted_file):
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", "fast.bin", "-q"]))
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", "exact.bin", "-q",
                            "--exact-negatives"]))
    assert open("fast.bin", "rb").read() != open("exact.bin", "rb").read()
    out = _ok(runner.invoke(cli, ["analogy", "e1_2", "e1_1", "e3_1", "-m", "exact.bin"]))
    assert out.output.split()[0] == "e3_2"
    assert "--exact-negatives" in _ok(runner.invoke(cli, ["train", "--help"])).output


def test_unusable_output_fails_before_training(runner, planted_file):
    result = runner.invoke(cli, ["train", str(planted_file), "-o", "v.model"])
    assert result.exit_code == 1 and "suffix" in result.output
    result = runner.invoke(cli, ["train", str(planted_file), "-o", "no/such/dir/v.bin"])
    assert result.exit_code == 1 and "does not exist" in result.output
    os.mkdir("folder.bin")
    result = runner.invoke(cli, ["train", str(planted_file), "-o", "folder.bin"])
    assert result.exit_code == 1 and "it is a folder" in result.output


def test_a_word_the_output_cannot_hold_stops_the_run_before_training(runner, planted_file,
                                                                      monkeypatch):
    from w2v import KeyedVectors
    from w2v.training import word2vec as training

    # A .w2v model may hold any word without a newline; word2vec files may not.
    words = ["e0_0", "two\u3000words", "e0_1"]
    rows = np.ones((3, 20), dtype=np.float32)
    KeyedVectors(words, rows, counts=np.array([9, 8, 7]), output_weights=rows).save("m.w2v")

    def never(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(training, "train_encoded", never)
    for outputs, bad in [(["-o", "v.bin"], "v.bin"), (["-o", "v.txt"], "v.txt"),
                         (["-o", "v.w2v", "--save-vocab", "v.vocab"], "v.vocab")]:
        result = runner.invoke(cli, ["train", str(planted_file), *FAST, "--init", "m.w2v",
                                     *outputs])
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            f"Error: cannot write {bad}: the word 'two\\u3000words' is empty or holds "
            "whitespace, which word2vec files cannot represent; write .w2v instead, or fix "
            "the word in its source"]
    assert os.listdir(".") == ["m.w2v"]


def test_query_errors(runner, planted_file):
    result = runner.invoke(cli, ["similar", "e0_0"])
    assert result.exit_code == 1 and "model file not found: vectors.bin" in result.output
    with open("vectors.bin", "wb") as f:
        f.write(b"garbage")
    result = runner.invoke(cli, ["similar", "e0_0"])
    assert result.exit_code == 1 and "not a valid word2vec binary file" in result.output
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-q"]))
    result = runner.invoke(cli, ["analogy", "e0_0", "zebra", "e1_1"])
    assert result.exit_code == 1 and "'zebra' is not in the vocabulary" in result.output
    result = runner.invoke(cli, ["similar", "e0_0", "-n", "0"])
    assert result.exit_code == 2


def test_the_installed_command_never_shows_a_traceback(tmp_path):
    env = {**os.environ, "W2V_MODEL": str(tmp_path / "missing.bin")}
    for args in (["train", str(tmp_path / "none.txt")], ["similar", "king"],
                 ["train", str(tmp_path), "--dim", "0"]):
        proc = subprocess.run([sys.executable, "-m", "w2v", *args], capture_output=True,
                              text=True, env=env)
        assert proc.returncode in (1, 2)
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines()[-1].startswith("Error")


def test_a_finished_command_leaves_its_objects_out_of_the_exit_collection(tmp_path):
    # main() freezes what is alive when a command ends, successful or not, so that the
    # interpreter's last collections at exit skip it (see main)
    probe = ("import gc, sys\nfrom w2v.cli import main\nsys.argv = ['w2v', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\nprint(gc.get_freeze_count())")
    for args in (["--version"], ["similar", "king", "-m", str(tmp_path / "missing.bin")]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                              text=True)
        assert int(proc.stdout.split()[-1]) > 10_000, proc.stderr


def test_stdin_corpus(runner, planted_file):
    text = planted_file.read_text()
    _ok(runner.invoke(cli, ["train", "-", *FAST, "-q"], input=text))
    assert os.path.exists("vectors.bin")


def test_eval_standard_set_and_json_agree(runner, tmp_path, monkeypatch):
    from conftest import SHARED

    from w2v import KeyedVectors
    from w2v.tools import data, evaluate

    monkeypatch.setattr(data, "_CHECKOUT_SHARED", SHARED)
    monkeypatch.delenv("W2V_DATA", raising=False)
    words = [w.lower() for line in open(os.path.join(SHARED, "eval", "questions-words.txt"))
             if not line.startswith(":") for w in line.split()]
    words = list(dict.fromkeys(words + ["tiger", "cat", "king", "queen"]))
    kv = KeyedVectors(words, np.random.default_rng(0).normal(size=(len(words), 8)))
    kv.save("v.bin")
    text = _ok(runner.invoke(cli, ["eval", "-m", "v.bin"])).output
    for part in ("questions-words.txt (3CosAdd", "capital-common-countries", "semantic",
                 "syntactic", "overall", "skipped:", "wordsim353.tsv", "simlex999.txt"):
        assert part in text
    got = json.loads(_ok(runner.invoke(cli, ["eval", "-m", "v.bin", "--json"])).output)
    want = evaluate.analogies(KeyedVectors.load("v.bin"),
                              data.find("questions-words")).accuracy
    assert got["analogies"][0]["accuracy"] == want
    assert f"{want:.2%}" in text
    assert [os.path.basename(s["file"]) for s in got["similarity"]] == [
        "wordsim353.tsv", "simlex999.txt"]


def test_eval_named_files_methods_and_errors(runner, planted_file, tmp_path):
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-q"]))
    questions = tmp_path / "q.txt"
    planted.write_questions(questions)
    pairs = tmp_path / "p.tsv"
    pairs.write_text("e0_0\te0_1\t9\ne0_0\te1_3\t1\ne1_1\te1_2\t8\nbad line\n")
    for method in ("add", "mul"):
        got = json.loads(_ok(runner.invoke(cli, [
            "eval", "--analogies", str(questions), "--similarity", str(pairs),
            "--method", method, "--json"])).output)
        assert got["method"] == method and got["analogies"][0]["accuracy"] > 0.9
        assert got["similarity"][0]["pairs"] == 3
        assert got["similarity"][0]["malformed_lines"] == [4]
    result = runner.invoke(cli, ["eval", "--analogies", str(pairs)])
    assert result.exit_code == 1 and "no analogy questions" in result.output
    assert result.output.count("\n") == 1
    result = runner.invoke(cli, ["eval", "--similarity", str(tmp_path / "none.tsv")])
    assert result.exit_code == 1 and "cannot read" in result.output
    result = runner.invoke(cli, ["eval", "--analogies", str(questions), "--method", "dot"])
    assert result.exit_code == 2


def test_eval_without_the_standard_files_says_how_to_get_them(runner, tmp_path, monkeypatch):
    from w2v.tools import data

    monkeypatch.setattr(data, "_CHECKOUT_SHARED", str(tmp_path / "none"))
    monkeypatch.setenv("W2V_DATA", str(tmp_path / "empty"))
    result = runner.invoke(cli, ["eval", "-m", "v.bin"])
    assert result.exit_code == 1
    assert "run 'w2v data get questions-words'" in result.output


def test_train_eval_every_epoch(runner, planted_file, tmp_path):
    questions = tmp_path / "q.txt"
    planted.write_questions(questions)
    result = _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-q",
                                     "--eval-every-epoch", "--eval-file", str(questions)]))
    lines = [line for line in result.stderr.splitlines() if line.startswith("epoch")]
    assert [line.split(":")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    final = json.loads(_ok(runner.invoke(cli, ["eval", "--analogies", str(questions),
                                               "--json"])).output)["analogies"][0]
    assert f"analogy {final['accuracy']:.2%}" in lines[-1]
    result = runner.invoke(cli, ["train", str(planted_file), *FAST, "--eval-file", "none.txt"])
    assert result.exit_code == 1 and "cannot read none.txt" in result.output


@pytest.mark.parametrize("option", [["--cbow-sum", "--arch", "cbow"], ["--ns-exponent", "0"],
                                    ["--no-shrink-window"], ["--min-alpha", "0.01"]])
def test_training_knobs_change_the_vectors_and_are_recorded(runner, planted_file, option):
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-q", "-o", "base.w2v",
                            *(["--arch", "cbow"] if "cbow" in option else [])]))
    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-q", "-o", "knob.w2v",
                            *option]))
    from w2v import KeyedVectors

    base, knob = KeyedVectors.load("base.w2v"), KeyedVectors.load("knob.w2v")
    assert base.words == knob.words and not np.array_equal(base.vectors, knob.vectors)
    config = knob.metadata["config"]
    assert {"--cbow-sum": config["cbow_sum"] is True,
            "--ns-exponent": config["ns_exponent"] == 0.0,
            "--no-shrink-window": config["shrink_window"] is False,
            "--min-alpha": config["min_alpha"] == 0.01}[option[0]]


@pytest.mark.parametrize("option,value,message", [
    ("--ns-exponent", "nan", "ns-exponent"), ("--ns-exponent", "99", "between -10 and 10"),
    ("--min-alpha", "0.5", "between 0 and alpha"), ("--min-alpha", "-1", "min-alpha")])
def test_bad_knob_values_are_usage_errors(runner, planted_file, option, value, message):
    result = runner.invoke(cli, ["train", str(planted_file), option, value])
    assert result.exit_code == 2 and message in result.output


def test_hierarchical_softmax_options(runner, planted_file):
    for args in (["--hs", "--negative", "0"], ["--hs"], ["--hs", "--negative", "0",
                                                          "--arch", "cbow"]):
        _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-q", "-o", "m.w2v",
                                *args]))
        from w2v import KeyedVectors

        config = KeyedVectors.load("m.w2v").metadata["config"]
        negative = int(args[args.index("--negative") + 1]) if "--negative" in args else 5
        assert config["hs"] is True and config["negative"] == negative
    result = runner.invoke(cli, ["train", str(planted_file), "--negative", "0"])
    assert result.exit_code == 2 and "without hierarchical softmax (--hs)" in result.output


def test_text_from_anywhere_trains_and_every_file_reads_back(runner):
    from gensim.models import KeyedVectors as GensimVectors

    # Web and CJK text: a byte-order mark, ideographic and no-break spaces, a line
    # separator, tabs, CRLF line ends, and a 1 MB token (left out: over 1,000 bytes).
    lines = ["gamma\u3000kappa\u00a0delta\tpi", "kappa\u2028gamma delta\u3000pi",
             "東京\u3000タワー\u00a0gamma\tkappa", "pi\u00a0delta\u2028東京 タワー"]
    text = "\ufeff" + "\r\n".join(lines * 50) + "\r\n" + "x" * 1_000_000 + "\r\n"
    with open("web.txt", "w", encoding="utf-8", newline="") as f:
        f.write(text)
    expected = {"gamma", "kappa", "delta", "pi", "東京", "タワー"}
    for name in ("X.bin", "X.txt", "X.w2v"):
        result = _ok(runner.invoke(cli, ["train", "web.txt", "-o", name, "--dim", "10",
                                         "--min-count", "1", "--threads", "1"]))
        assert "left out 1 token of over 1,000 bytes" in result.stderr
        out = _ok(runner.invoke(cli, ["similar", "gamma", "-m", name, "--json"])).output
        assert {hit["word"] for hit in json.loads(out)} == expected - {"gamma"}
        if name == "X.w2v":  # gensim reads word2vec files: convert the native one
            _ok(runner.invoke(cli, ["convert", name, "X-w2v.txt"]))
            name = "X-w2v.txt"
        theirs = GensimVectors.load_word2vec_format(name, binary=name.endswith(".bin"))
        assert set(theirs.index_to_key) == expected


def test_similar_by_euclidean_distance(runner, planted_file):
    from w2v import KeyedVectors

    _ok(runner.invoke(cli, ["train", str(planted_file), *FAST, "-o", "v.w2v", "-q"]))
    out = _ok(runner.invoke(cli, ["similar", "e1_1", "-m", "v.w2v", "--metric", "euclidean",
                                  "--json", "-n", "5"])).output
    got = json.loads(out)
    kv = KeyedVectors.load("v.w2v")
    vectors = np.asarray(kv.vectors, dtype=np.float64)
    distances = np.linalg.norm(vectors - vectors[kv.index["e1_1"]], axis=1)
    order = [i for i in np.argsort(distances) if kv.words[i] != "e1_1"][:5]
    assert [hit["word"] for hit in got] == [kv.words[i] for i in order]
    np.testing.assert_allclose([hit["score"] for hit in got], distances[order], atol=1e-5)
    assert [h["score"] for h in got] == sorted(h["score"] for h in got)  # nearest first
    result = runner.invoke(cli, ["similar", "e1_1", "-m", "v.w2v", "--metric", "l1"])
    assert result.exit_code == 2 and "'l1' is not one of 'cosine', 'euclidean'" in result.output


def test_the_progress_rate_leaves_out_the_start_up(monkeypatch, capsys):
    import tqdm.std

    from w2v.cli.training import _ProgressBar
    from w2v.training.word2vec import Progress

    clock = [1000.0]
    monkeypatch.setattr(tqdm.std, "time", lambda: clock[0])
    bar = _ProgressBar(quiet=False)
    total = 100 * 65536
    bar.update(Progress(0, total, 0.025, 50, total))  # the vocabulary pass is done
    clock[0] += 5.0  # threads start, kernels load or compile
    bar.update(Progress(65536, total, 0.025, 50, total))
    for job in range(2, 5):
        clock[0] += 0.02  # then 65,536 words every 20 ms: 3.3M words/s
        bar.update(Progress(job * 65536, total, 0.025, 50, total))
    shown = bar.bar.format_dict
    rate = shown["rate"] or (shown["n"] - shown["initial"]) / shown["elapsed"]
    assert 3.0e6 < rate < 3.6e6
    bar.close()
    assert "vocabulary: 50 words" in capsys.readouterr().err
