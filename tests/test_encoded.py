"""Encoded corpora (``w2v encode``, ``text.encoded``): written once, trained from as text."""

import gzip
import hashlib
import json
import mmap
import os
import struct
import tempfile

import numpy as np
import pytest
from click.testing import CliRunner

from w2v.cli import cli
from w2v.config import GloveConfig, TrainConfig
from w2v.errors import CorpusError
from w2v.text import corpus, encoded, vocab
from w2v.text.corpus import Files
from w2v.training.glove import train_glove
from w2v.training.word2vec import train


@pytest.fixture(scope="module")
def text(tmp_path_factory):
    """Lines of Zipf-distributed words, some lines made of rare words alone (they vanish
    at a higher min-count), the last line without a line end."""
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(400)]
    lines = []
    for n in range(300):
        if n % 25 == 0:
            lines.append(f"rare{n} rare{n + 1}")
        else:
            ranks = np.minimum(rng.zipf(1.3, rng.integers(1, 40)), 400) - 1
            lines.append(" ".join(words[r] for r in ranks))
    path = tmp_path_factory.mktemp("enc") / "corpus.txt"
    path.write_text("\n".join(lines))
    return path


def _run(args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


def _ok(args):
    result = _run(args)
    assert result.exit_code == 0, result.output
    return result


def _same_corpus(a, b):
    (va, ea), (vb, eb) = a, b
    assert va.words == vb.words and va.counts.tolist() == vb.counts.tolist()
    assert ea.ids.tolist() == eb.ids.tolist()
    assert ea.sentence_starts.tolist() == eb.sentence_starts.tolist()
    assert ea.raw_tokens == eb.raw_tokens


def test_encode_writes_the_vocabulary_pass_and_its_settings(text, tmp_path):
    out = tmp_path / "c.w2vc"
    _ok(["encode", text, "-o", out, "--min-count", "2"])
    read = encoded.read(str(out))
    _same_corpus((read.vocab, read.corpus), vocab.build(text, 2))
    assert read.settings["min_count"] == 2 and read.settings["lowercase"] is False
    assert read.settings["tokenizer"] == "whitespace"
    (source,) = read.sources
    assert source["sha256"] == hashlib.sha256(text.read_bytes()).hexdigest()
    assert source["bytes"] == text.stat().st_size
    assert isinstance(read.corpus.ids.base.obj, mmap.mmap)  # mapped, not read


@pytest.mark.parametrize("min_count,max_vocab", [(2, None), (3, None), (9, None), (2, 50)])
def test_a_larger_min_count_or_a_max_vocab_filters_as_encoding_with_them(text, tmp_path,
                                                                            min_count,
                                                                            max_vocab):
    out = tmp_path / "c.w2vc"
    _ok(["encode", text, "-o", out, "--min-count", "2"])
    _same_corpus(vocab.build(out, min_count, max_vocab), vocab.build(text, min_count, max_vocab))


def _resident_file_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssFile"))


def test_released_ids_leave_resident_memory(tmp_path):
    ids = np.arange(4_000_000, dtype=np.int32) % 1000  # 16 MB of ids
    path = tmp_path / "big.w2vc"
    encoded.write(str(path), vocab.Vocabulary([f"w{i}" for i in range(1000)],
                                              np.full(1000, 4000, dtype=np.int64)),
                  vocab.EncodedCorpus(ids, np.array([0, len(ids)]), len(ids)),
                  dict.fromkeys(encoded.SETTINGS), [], "test")
    corpus_ = encoded.read(str(path)).corpus
    before = _resident_file_kb()
    assert int(corpus_.ids.sum(dtype=np.int64)) == int(ids.sum(dtype=np.int64))
    touched = _resident_file_kb()
    corpus_.release(0, len(ids))
    after = _resident_file_kb()
    assert touched - before > 12_000 and touched - after > 12_000  # KB
    assert corpus_.ids[123_456] == 456  # read again when used again


def test_a_filter_writes_its_ids_a_chunk_at_a_time_to_a_file_it_maps(text, tmp_path,
                                                                     monkeypatch):
    out = tmp_path / "c.w2vc"
    _ok(["encode", text, "-o", out, "--min-count", "1"])
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    for chunk in (7, 1000, 1 << 22):  # chunks cut sentences anywhere, or none at all
        monkeypatch.setattr(encoded, "FILTER_IDS", chunk)
        words, corpus_ = vocab.build(out, 3)
        _same_corpus((words, corpus_), vocab.build(text, 3))
        assert isinstance(corpus_.ids.base.obj, mmap.mmap) and corpus_.release is not None
    assert os.listdir(temp) == []  # the file had no name, and is gone
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    with pytest.raises(CorpusError, match="cannot write the filtered corpus to .*missing"):
        vocab.build(out, 3)


def test_word2vec_trains_the_same_vectors_from_the_encoding(text, tmp_path):
    out = tmp_path / "c.w2vc"
    _ok(["encode", text, "-o", out, "--min-count", "1"])
    for min_count in (1, 4):
        config = TrainConfig(dim=16, min_count=min_count, epochs=2, threads=1, seed=3)
        a, b = train(text, config), train(out, config)
        assert a.words == b.words
        np.testing.assert_array_equal(np.asarray(a.vectors), np.asarray(b.vectors))


def test_glove_trains_the_same_vectors_from_the_encoding(text, tmp_path):
    out = tmp_path / "c.w2vc"
    _ok(["encode", text, "-o", out, "--min-count", "1"])
    config = GloveConfig(dim=16, window=5, min_count=2, epochs=3, threads=1, seed=3)
    a, b = train_glove(text, config), train_glove(out, config)
    assert a.words == b.words
    np.testing.assert_array_equal(np.asarray(a.vectors), np.asarray(b.vectors))


def test_cli_trains_from_the_encoding(text, tmp_path):
    out = tmp_path / "c.w2vc"
    _ok(["encode", text, "-o", out])
    fast = ["--dim", "8", "--epochs", "1", "--threads", "1", "-q"]
    _ok(["train", out, "-o", tmp_path / "a.txt", *fast])
    _ok(["train", text, "-o", tmp_path / "b.txt", *fast])
    assert (tmp_path / "a.txt").read_text() == (tmp_path / "b.txt").read_text()
    facts = json.loads(_ok(["info", out, "--json"]).output)
    assert facts["format"] == "w2vc" and facts["words"] == len(vocab.build(text, 5)[0])
    assert "encoded corpus" in _ok(["info", out]).output


def test_several_files_and_globs_read_as_one_corpus(text, tmp_path):
    lines = text.read_text().split("\n")
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "a.txt").write_text("\n".join(lines[:100]))  # no line end: the file ends it
    with gzip.open(shards / "b.txt.gz", "wt") as f:
        f.write("\n".join(lines[100:200]) + "\n")
    (shards / "c.txt").write_text("\n".join(lines[200:]) + "\n")
    out = tmp_path / "c.w2vc"
    _ok(["encode", f"{shards}/*.txt*", "-o", out, "--min-count", "2", "--threads", "1"])
    read = encoded.read(str(out))
    _same_corpus((read.vocab, read.corpus), vocab.build(text, 2))
    assert [os.path.basename(s["path"]) for s in read.sources] == ["a.txt", "b.txt.gz",
                                                                   "c.txt"]
    files = Files(sorted(str(p) for p in shards.iterdir()))
    with pytest.MonkeyPatch.context() as patch:  # readers in threads, a run of files each
        patch.setattr(corpus, "PARALLEL_BYTES", 1)
        assert len(corpus.pieces(files, 2)) == 2 and len(corpus.pieces(files, 9)) == 3
        _same_corpus(vocab.build(files, 2, threads=2), vocab.build(text, 2))
        _same_corpus(vocab.build(files, 2, threads=3), vocab.build(text, 2))


def test_bad_requests_get_one_line_and_write_nothing(text, tmp_path):
    out = tmp_path / "c.w2vc"
    result = _run(["encode", f"{tmp_path}/nothing/*.txt", "-o", out])
    assert result.exit_code != 0 and "no file matches" in result.output
    result = _run(["encode", tmp_path / "missing.txt", "-o", out])
    assert result.exit_code != 0 and "corpus not found" in result.output
    assert not out.exists() and os.listdir(tmp_path) == []
    _ok(["encode", text, "-o", out, "--min-count", "3"])
    for args, message in [(["--min-count", "2"], "encoded with --min-count 3"),
                          (["--lowercase"], "encoded without --lowercase"),
                          (["--tokenizer", "simple"], "encoded without --lowercase")]:
        result = _run(["train", out, "-o", tmp_path / "v.w2v", *args])
        assert result.exit_code != 0 and message in result.output
        assert "Traceback" not in result.output and not (tmp_path / "v.w2v").exists()
    result = _run(["similar", "w1", "-m", out])
    assert result.exit_code != 0 and "is an encoded corpus" in result.output
    result = _run(["encode", text, "-o", text])
    assert result.exit_code != 0 and "is one of the corpus files" in result.output


def test_a_damaged_encoding_is_refused_naming_the_file(text, tmp_path):
    out = tmp_path / "c.w2vc"
    _ok(["encode", text, "-o", out])
    data = out.read_bytes()
    cut = tmp_path / "cut.w2vc"
    cut.write_bytes(data[:-100])
    with pytest.raises(CorpusError, match="cut.w2vc is not a valid encoded corpus.*past the end"):
        encoded.read(str(cut))
    (length,) = struct.unpack("<Q", data[8:16])
    header = json.loads(data[16:16 + length])
    header["tokens"] += 1
    bad = json.dumps(header).encode()
    assert len(bad) <= length
    forged = tmp_path / "forged.w2vc"
    forged.write_bytes(data[:8] + struct.pack("<Q", len(bad)) + bad
                       + b" " * (length - len(bad)) + data[16 + length:])
    with pytest.raises(CorpusError, match="forged.w2vc is not a valid encoded corpus"):
        vocab.build(forged, 5)


# --vocab-memory: the vocabulary counted within a budget, the ids streamed to the file.

def _streamed(path, source, budget, settings, threads=1):
    settings = {**dict.fromkeys(encoded.SETTINGS), "tokenizer": "whitespace",
                "lowercase": False, **settings}
    encoded.encode_streamed(str(path), source, budget, settings, threads, [], "test")
    read = encoded.read(str(path))
    return (read.vocab, read.corpus), read.facts


@pytest.mark.parametrize("settings", [{"min_count": 2}, {"min_count": 1, "max_vocab": 50},
                                      {"min_count": 3, "lowercase": True},
                                      {"min_count": 2, "max_final_vocab": 40},
                                      {"min_count": 1, "tokenizer": "simple"}])
@pytest.mark.parametrize("threads", [1, 3])
def test_a_budget_never_reached_gives_the_one_pass_encoding(text, tmp_path, monkeypatch,
                                                            settings, threads):
    lines = text.read_text().split("\n")  # some words capitalised, some lines in shards
    lines = [line.upper() if n % 7 == 0 else line for n, line in enumerate(lines)]
    shards = [tmp_path / f"{n}.txt" for n in range(3)]
    for n, shard in enumerate(shards):
        shard.write_text("\n".join(lines[n * 100:(n + 1) * 100]))
    source = Files([str(s) for s in shards])
    one_pass = vocab.build(source, **{"max_vocab": None, **settings})
    monkeypatch.setattr(corpus, "PARALLEL_BYTES", 1)  # every reader a part of the files
    monkeypatch.setattr(vocab, "text_blocks",  # blocks of 97 bytes: lines span blocks
                        lambda c, block_bytes=0, stretch=None: corpus.text_blocks(c, 97,
                                                                                  stretch))
    got, facts = _streamed(tmp_path / "c.w2vc", source, 1 << 30, settings, threads)
    _same_corpus(got, one_pass)
    assert facts["prunes"] == 0 and facts["count_shortfall"] == 0


@pytest.fixture(scope="module")
def many_words(tmp_path_factory):
    """Zipf words among 250,000 one-off tokens, and mid-frequency words spread thin:
    more distinct tokens than 0.01 GB holds."""
    rng = np.random.default_rng(7)
    tokens = [f"w{r}" for r in np.minimum(rng.zipf(1.2, 150_000), 3000)]
    tokens += [f"once{i}" for i in range(250_000)]
    tokens += [f"thin{i % 500}" for i in range(4000)]  # 8 each, far apart once shuffled
    order = rng.permutation(len(tokens))
    path = tmp_path_factory.mktemp("many") / "many.txt"
    path.write_text("\n".join(" ".join(tokens[j] for j in order[i:i + 50])
                              for i in range(0, len(order), 50)) + "\n")
    return path


def test_a_table_over_budget_is_pruned_as_word2vec_c_does(many_words):
    budget = 10_000_000
    scanner = vocab.Scanner(max_token_bytes=1000, budget=budget)
    exact = vocab.Scanner(max_token_bytes=1000)
    for block in corpus.text_blocks(str(many_words), 1 << 16):
        scanner.count(block)
        exact.count(block)
        assert scanner.nbytes <= budget
    assert scanner.prunes > 0 and exact.prunes == 0
    assert scanner.read == exact.read  # every token was read, if not kept
    floors = list(range(1, scanner.prunes + 1))  # the floor rose by one each time
    assert scanner.floor == floors[-1] and scanner.shortfall == sum(floors)
    counts = dict(zip(scanner.tokens(np.arange(int(scanner.counters[0]))),
                      scanner.counts().tolist()))
    true = dict(zip(exact.tokens(np.arange(int(exact.counters[0]))), exact.counts().tolist()))
    assert all(0 <= true[t] - c <= scanner.shortfall for t, c in counts.items())
    assert all(t in counts for t, c in true.items() if c > 2 * scanner.shortfall)
    assert len(counts) < len(true)


def test_encoding_within_a_budget_keeps_every_occurrence_of_the_words_it_keeps(
        many_words, tmp_path):
    out = tmp_path / "c.w2vc"
    result = _ok(["encode", many_words, "-o", out, "--min-count", "5",
                  "--vocab-memory", "0.01", "--threads", "2"])
    read = encoded.read(str(out))
    facts = read.facts
    assert facts["prunes"] > 0 and facts["vocab_memory_bytes"] == 10_000_000
    assert "the vocabulary was pruned" in result.output
    exact_vocab, exact_corpus = vocab.build(many_words, 5)
    true = dict(zip(exact_vocab.words, exact_vocab.counts.tolist()))
    kept = read.vocab.words
    assert set(kept) <= set(true)
    assert all(0 <= true[w] - c <= facts["count_shortfall"]
               for w, c in zip(kept, read.vocab.counts.tolist()))
    assert all(w in kept for w, c in true.items() if c >= 5 + facts["count_shortfall"])
    tokens = many_words.read_text().split()
    assert [kept[i] for i in read.corpus.ids] == [t for t in tokens if t in set(kept)]
    assert read.corpus.raw_tokens == len(tokens)
    assert len(read.corpus.sentence_starts) - 1 == many_words.read_text().count("\n")
    assert "pruned" in _ok(["info", out]).output
    assert json.loads(_ok(["info", out, "--json"]).output)["corpus"]["prunes"] > 0


def test_a_budget_needs_files_and_enough_room_and_leaves_nothing_on_failure(
        text, tmp_path, monkeypatch):
    out = tmp_path / "c.w2vc"
    for args, message in [(["-", "--vocab-memory", "1"], "not with --vocab-memory"),
                          ([text, "--vocab-memory", "0.001"], "at least 0.01"),
                          ([tmp_path / "missing.txt", "--vocab-memory", "1"],
                           "cannot read")]:
        result = _run(["encode", *args, "-o", out])
        assert result.exit_code != 0 and message in result.output
        assert "Traceback" not in result.output
    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(vocab.Scanner, "lookup", broken)  # the second pass fails
    result = _run(["encode", text, "-o", out, "--vocab-memory", "1"])
    assert result.exit_code != 0 and "No space left" in result.output
    assert "Traceback" not in result.output
    assert sorted(os.listdir(tmp_path)) == []  # no output, no temporary ids


def test_a_file_that_changes_between_the_passes_is_refused(text, tmp_path, monkeypatch):
    source = tmp_path / "growing.txt"
    source.write_text(text.read_text())
    out = tmp_path / "c.w2vc"
    lookup = vocab.Scanner.lookup

    def appending(self, block):  # something appends to the file during the second pass
        with open(source, "a") as f:
            f.write(" w1 w2\n")
        return lookup(self, block)

    monkeypatch.setattr(vocab.Scanner, "lookup", appending)
    result = _run(["encode", source, "-o", out, "--vocab-memory", "1"])
    assert result.exit_code != 0 and "changed while it was encoded" in result.output
    assert "Traceback" not in result.output and sorted(os.listdir(tmp_path)) == ["growing.txt"]
