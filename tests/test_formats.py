"""Vector files: the native .w2v format, word2vec files from elsewhere, conversions,
exports, and the query commands that read them."""

import gzip
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import PLANTED_CONFIG

from w2v import KeyedVectors, TrainConfig
from w2v.cli import cli
from w2v.errors import ModelFileError
from w2v.vectors import native

WORDS = ["</s>", "king", "queen", "caf\u00e9", "\u6f22\u5b57", "man", "woman"]


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(WORDS), 6)).astype(np.float32)
    return KeyedVectors(WORDS, vectors, counts=np.arange(70, 0, -10),
                        output_weights=rng.normal(size=(len(WORDS), 6)).astype(np.float32),
                        metadata={"config": {"dim": 6}, "note": "caf\u00e9"})


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def test_native_round_trip_keeps_everything(tmp_path, kv):
    kv.save(tmp_path / "v.w2v")
    back = KeyedVectors.load(tmp_path / "v.w2v")
    assert back.words == kv.words
    assert isinstance(back.vectors, np.memmap)  # mapped, not read
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    np.testing.assert_array_equal(back.output_weights, kv.output_weights)
    np.testing.assert_array_equal(back.counts, kv.counts)
    assert back.metadata == kv.metadata
    data = (tmp_path / "v.w2v").read_bytes()
    header = json.loads(data[16:16 + int.from_bytes(data[8:16], "little")])
    assert all(s["offset"] % 64 == 0 for s in header["sections"].values())


def test_queries_on_a_mapped_matrix_equal_those_in_memory(tmp_path, kv, monkeypatch):
    from w2v.vectors import keyed as vectors

    kv.save(tmp_path / "v.w2v")
    monkeypatch.setattr(vectors, "_CHUNK_ROWS", 3)  # several blocks even for 7 words
    mapped = KeyedVectors.load(tmp_path / "v.w2v")
    for query in (["king"], ["queen", "woman"]):
        got, want = mapped.most_similar(query, topn=4), kv.most_similar(query, topn=4)
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-6)
    assert "unit" not in mapped.__dict__  # no normalised copy of the whole matrix


def test_round_trips_bin_txt_native_gensim_are_exact(tmp_path, kv):
    from gensim.models import KeyedVectors as GensimKV

    runner = CliRunner()
    kv.save(tmp_path / "a.bin")
    chain = ["a.bin", "b.txt", "c.w2v", "d.vec.gz", "e.w2v", "f.bin"]
    for source, target in zip(chain, chain[1:]):
        _ok(runner.invoke(cli, ["convert", str(tmp_path / source), str(tmp_path / target)]))
    g = GensimKV.load_word2vec_format(str(tmp_path / "f.bin"), binary=True)
    g.save_word2vec_format(str(tmp_path / "g.bin"), binary=True)
    back = KeyedVectors.load(tmp_path / "g.bin")
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    with gzip.open(tmp_path / "d.vec.gz", "rt") as f:
        assert f.readline() == "7 6\n"


def test_foreign_words_that_are_not_utf8_survive(tmp_path):
    row = np.arange(3, dtype="<f4").tobytes()
    raw = b"2 3\ncaf\xe9 " + row + b"\nok " + row + b"\n"  # Latin-1, as old tools wrote
    (tmp_path / "latin.bin").write_bytes(raw)
    kv = KeyedVectors.load(tmp_path / "latin.bin")
    assert kv.words[1] == "ok" and kv.words[0].encode("utf-8", "surrogateescape") == b"caf\xe9"
    kv.save(tmp_path / "again.bin")
    assert (tmp_path / "again.bin").read_bytes() == raw
    kv.save(tmp_path / "again.w2v")
    assert KeyedVectors.load(tmp_path / "again.w2v").words == kv.words
    out = _ok(CliRunner().invoke(cli, ["similar", "ok", "-m", str(tmp_path / "latin.bin")]))
    assert "caf\\xe9" in out.output


@pytest.mark.parametrize("name", ["v.bin", "v.txt", "v.txt.gz", "v.w2v"])
def test_limit_reads_the_first_words(tmp_path, kv, name):
    kv.save(tmp_path / name)
    back = KeyedVectors.load(tmp_path / name, limit=3)
    assert back.words == WORDS[:3]
    np.testing.assert_array_equal(back.vectors, kv.vectors[:3])


@pytest.mark.parametrize("name,content", [
    ("v.bin", b"1000000000000 300\nking "),
    ("v.txt", b"1000000000000 300\nking 1 2 3\n"),
    ("v.bin", b"2 1000000000000\nking "),
])
def test_absurd_headers_fail_before_any_allocation(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ModelFileError, match=f"{name}.*too short"):
        KeyedVectors.load(tmp_path / name)


def test_absurd_native_headers_are_refused(tmp_path, kv):
    kv.save(tmp_path / "v.w2v")
    data = bytearray((tmp_path / "v.w2v").read_bytes())
    length = int.from_bytes(data[8:16], "little")
    header = json.loads(data[16:16 + length])
    for change, message in [({"words": 10**12}, "need"), ({"dim": -1}, "declares"),
                            ({"format_version": 9}, "format version 9"),
                            ({"sections": {"vectors": {"offset": 0, "bytes": 1}}}, "vocabulary")]:
        text = json.dumps({**header, **change}, separators=(",", ":")).encode()
        text += b" " * (length - len(text))  # keep the section offsets valid
        bad = bytes(data[:16]) + text[:length] + bytes(data[16 + length:])
        (tmp_path / "bad.w2v").write_bytes(bad)
        with pytest.raises(ModelFileError, match=f"bad.w2v is not a valid w2v model.*{message}"):
            KeyedVectors.load(tmp_path / "bad.w2v")
    (tmp_path / "cut.w2v").write_bytes(bytes(data[:-20]))
    with pytest.raises(ModelFileError, match="truncated"):
        KeyedVectors.load(tmp_path / "cut.w2v")
    (tmp_path / "text.w2v").write_text("2 3\na 1 2 3\n")
    with pytest.raises(ModelFileError, match="magic"):
        KeyedVectors.load(tmp_path / "text.w2v")


def test_word2vec_files_cannot_hold_words_with_spaces(tmp_path):
    kv = KeyedVectors(["new york", "x"], np.ones((2, 3), np.float32))
    with pytest.raises(ModelFileError, match="whitespace"):
        kv.save(tmp_path / "v.bin")
    assert os.listdir(tmp_path) == []
    kv.save(tmp_path / "v.w2v")
    assert KeyedVectors.load(tmp_path / "v.w2v").words == ["new york", "x"]


def test_info_on_every_format(tmp_path, kv):
    runner = CliRunner()
    for name in ("v.w2v", "v.bin", "v.txt.gz"):
        kv.save(tmp_path / name)
        facts = json.loads(_ok(runner.invoke(cli, ["info", str(tmp_path / name), "--json"]))
                           .output)
        assert (facts["words"], facts["dim"]) == (7, 6)
        assert facts["format"] == name.split(".")[1]
        assert facts["counts"] == facts["output_weights"] == (name == "v.w2v")
    text = _ok(runner.invoke(cli, ["info", str(tmp_path / "v.w2v")])).output
    assert "w2v native" in text and "training" in text and "dim 6" in text


def test_train_writes_a_native_file_with_its_settings(tmp_path, planted_file):
    runner = CliRunner()
    out = tmp_path / "m.w2v"
    _ok(runner.invoke(cli, ["train", str(planted_file), "-o", str(out), "-q", "--dim", "12",
                            "--min-count", "1", "--epochs", "1", "--threads", "1"]))
    kv = KeyedVectors.load(out)
    assert kv.metadata["config"]["dim"] == 12 and kv.metadata["config"]["alpha"] == 0.025
    assert kv.metadata["corpus"]["source"] == str(planted_file)
    assert kv.metadata["corpus"]["words"] == int(kv.counts.sum())
    assert kv.output_weights.shape == kv.vectors.shape and kv.output_weights.any()
    text = _ok(runner.invoke(cli, ["info", str(out)])).output
    assert "planted.txt" in text and "output weights  stored" in text


def test_train_api_keeps_output_weights_and_metadata(planted_sentences):
    from w2v import train

    kv = train(planted_sentences[:300], TrainConfig(**{**PLANTED_CONFIG, "epochs": 1}))
    assert kv.output_weights.shape == kv.vectors.shape
    assert kv.metadata["config"]["epochs"] == 1
    assert kv.metadata["corpus"]["source"] == "the sentences given"


def test_export_npy_and_tsv(tmp_path, kv):
    runner = CliRunner()
    kv.save(tmp_path / "v.w2v")
    _ok(runner.invoke(cli, ["export", str(tmp_path / "v.w2v"), "--format", "npy",
                            "-o", str(tmp_path)]))
    matrix = np.load(tmp_path / "vectors.npy", allow_pickle=False)
    np.testing.assert_array_equal(matrix, kv.vectors)
    assert (tmp_path / "vocab.txt").read_text(encoding="utf-8").splitlines() == WORDS
    _ok(runner.invoke(cli, ["export", str(tmp_path / "v.w2v"), "--format", "tsv",
                            "-o", str(tmp_path), "--limit", "4"]))
    rows = (tmp_path / "vectors.tsv").read_text().splitlines()
    assert len(rows) == 4 and len(rows[0].split("\t")) == 6
    np.testing.assert_allclose(np.array([r.split("\t") for r in rows], float),
                               kv.vectors[:4], rtol=1e-5)
    assert (tmp_path / "metadata.tsv").read_text(encoding="utf-8").splitlines() == WORDS[:4]
    result = runner.invoke(cli, ["export", str(tmp_path / "v.w2v"), "--format", "npy",
                                 "-o", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no such folder" in result.output


def test_several_queries_and_stdin(tmp_path, kv):
    runner = CliRunner()
    kv.save(tmp_path / "v.w2v")
    model = ["-m", str(tmp_path / "v.w2v"), "-n", "2"]
    text = _ok(runner.invoke(cli, ["similar", "king", "queen", *model])).output.splitlines()
    assert text[0] == "king" and text[3] == "queen" and text[1].startswith("  ")
    lines = _ok(runner.invoke(cli, ["similar", "--json", *model],
                              input="king\n\nwoman\n")).output.splitlines()
    answers = [json.loads(line) for line in lines]
    assert [a["query"] for a in answers] == ["king", "woman"]
    assert answers[0]["results"] == json.loads(_ok(runner.invoke(
        cli, ["similar", "king", "--json", *model])).output)
    result = runner.invoke(cli, ["analogy", "--json", *model],
                           input="king man woman\nking nope woman\n")
    assert result.exit_code == 1  # one query failed, the other was answered
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert len(first["results"]) == 2 and "'nope' is not in the vocabulary" in second["error"]
    result = runner.invoke(cli, ["analogy", *model], input="king man\n")
    assert result.exit_code == 2 and "line 1: expected 3 words, got 2" in result.output


def test_the_query_path_never_imports_numba(tmp_path, kv):
    kv.save(tmp_path / "v.w2v")
    probe = ("import runpy, sys\n"
             f"sys.argv = ['w2v', 'similar', 'king', '-m', {str(tmp_path / 'v.w2v')!r}]\n"
             "try:\n    runpy.run_module('w2v', run_name='__main__')\n"
             "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
             "print('numba' in sys.modules, 'tqdm' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "False False"


@pytest.mark.parametrize("metadata", [{"config": 1}, {"corpus": []},
                                      {"corpus": {"tokens": "x", "source": None}}])
def test_info_survives_odd_metadata(tmp_path, metadata):
    KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32), metadata=metadata).save(
        tmp_path / "v.w2v")
    _ok(CliRunner().invoke(cli, ["info", str(tmp_path / "v.w2v")]))


def test_container_writes_an_empty_matrix_and_the_sections_after_it(tmp_path):
    # A fastText model without n-gram rows has a 0 x dim matrix (whose strides NumPy may
    # give as zeros, which memoryview cannot cast to bytes).
    empty = np.broadcast_to(np.float32(0), (0, 3))
    after = np.arange(6, dtype="<f4").reshape(2, 3)
    path = tmp_path / "c.bin"
    with open(path, "wb") as out:
        native.write_container(out, {"format": "test"}, {"empty": empty, "after": after})
    header, size = native.read_container(str(path), lambda p, why: ValueError(why))
    sections = header["sections"]
    assert sections["empty"]["bytes"] == 0
    at = sections["after"]
    assert size == at["offset"] + at["bytes"]
    assert np.array_equal(np.fromfile(path, "<f4", 6, offset=at["offset"]).reshape(2, 3), after)
