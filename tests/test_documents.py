"""Document vectors (Doc2Vec): reading documents and tags, the simple tokeniser,
training PV-DBOW and PV-DM, inference, the .w2v sections, evaluation and the
``w2v docs`` commands. The kernel's document rows are checked against a NumPy
reference in test_kernels.py."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v import KeyedVectors
from w2v.cli import cli
from w2v.config import TrainConfig
from w2v.errors import ConfigError, CorpusError, EvaluationError, ModelFileError
from w2v.text import tokenizers
from w2v.text.documents import read_documents
from w2v.tools import docs as doc_eval
from w2v.training.docs import infer, tokenize, train_docs

FAST = dict(dim=16, epochs=15, min_count=1, sample=0.0, threads=1)


def _planted(tmp_path, docs=240, topics=4, length=40, seed=0, tagged=True):
    """Documents each about one topic: half their words from its 12 own words, half
    from 30 words all topics share. Returns the file and each document's topic."""
    rng = np.random.default_rng(seed)
    common = [f"w{k}" for k in range(30)]
    topic = rng.integers(topics, size=docs)
    lines = []
    for n, t in enumerate(topic):
        own = [f"t{t}x{k}" for k in rng.integers(12, size=length // 2)]
        words = own + [common[k] for k in rng.integers(30, size=length // 2)]
        rng.shuffle(words)
        lines.append((f"doc{n}\t" if tagged else "") + " ".join(words))
    path = tmp_path / "docs.txt"
    path.write_text("\n".join(lines) + "\n")
    return str(path), topic


def _labels(tmp_path, topic, split=True):
    path = tmp_path / "labels.tsv"
    path.write_text("".join(f"doc{n}\ttopic{t}" + (f"\t{'train' if n % 2 else 'test'}"
                                                   if split else "") + "\n"
                            for n, t in enumerate(topic)))
    return str(path)


# -- reading documents ---------------------------------------------------------------

def test_documents_are_lines_tagged_by_number_or_by_the_text_before_a_tab(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("a b c\nb c\nc d e f\n")
    vocab, encoded, docs = read_documents(str(path), 1)
    assert docs.tags == ["1", "2", "3"] and docs.count == 3
    assert docs.sentence_docs.tolist() == [0, 1, 2]
    path.write_text("x y\ta b c\nz\tb c\nx y\tc d\n")
    vocab, encoded, docs = read_documents(str(path), 1, tagged=True)
    assert docs.tags == ["x y", "z"] and docs.shared == 1
    assert docs.sentence_docs.tolist() == [0, 1, 0]  # a shared tag: one vector
    assert "x" not in vocab.words and "z" not in vocab.words  # tags are not words


def test_a_document_of_rare_words_keeps_its_vector_and_is_counted(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("a a b\nrare\na b\n")
    _, encoded, docs = read_documents(str(path), 2)
    assert docs.tags == ["1", "2", "3"] and docs.wordless == 1
    assert docs.sentence_docs.tolist() == [0, 2]


@pytest.mark.parametrize("text,tagged,message", [
    ("a b\n\nc d\n", False, "line 2: an empty document"),
    ("a b\n   \t \n", False, "line 2: an empty document"),
    ("t1\ta b\nt2 no tab here\nt3\tc\n", True, "line 2: no tab"),
    ("t1\ta b\nt2\t   \n", True, "line 2: an empty document"),
    ("t1\ta b\n\tc d\n", True, "line 2: the tag before the tab is empty"),
    ("t1\ta b\nlast line", True, "line 2: no tab"),
    ("t1\ta b\nt2\t", True, "line 2: an empty document"),
    ("a b\n!!! ...\n", False, "line 2: an empty document (no words after --tokenizer"),
])
def test_bad_documents_are_refused_with_their_line(tmp_path, text, tagged, message):
    path = tmp_path / "d.txt"
    path.write_text(text)
    tokenizer = "simple" if "!!!" in text else "whitespace"
    with pytest.raises(CorpusError, match=re.escape(message)):
        read_documents(str(path), 1, tagged=tagged, tokenizer=tokenizer)


def test_tags_that_span_reading_blocks_are_whole(tmp_path, monkeypatch):
    from w2v.text import corpus

    monkeypatch.setattr(corpus, "BLOCK_BYTES", 16)
    lines = [f"tag number {n}\tsome words here {n}" for n in range(50)]
    path = tmp_path / "d.txt"
    path.write_text("\n".join(lines) + "\n")
    _, _, docs = read_documents(str(path), 1, tagged=True)
    assert docs.tags == [line.split("\t")[0] for line in lines]


# -- the simple tokeniser ------------------------------------------------------------

def _reference_simple(text: str) -> list[str]:
    """Letters and digits (str.isalnum) make words, lowercased; '<br' followed by
    something other than an ASCII letter or digit, or by nothing, is dropped."""
    text = re.sub(r"<[bB][rR](?=[\x00-\x7f]|$)(?![A-Za-z0-9])", " ", text)
    return [w.lower() for w in re.findall(r"[^\W_]+", text)]


def test_the_simple_tokeniser_on_a_review():
    text = "GREAT film!<br /><br />It's 10/10 -- naïve, Café, 東京; don't_miss<BR>ok<br/>x"
    assert tokenize(text, "simple") == ["great", "film", "it", "s", "10", "10", "naïve",
                                        "café", "東京", "don", "t", "miss", "ok", "x"]
    assert tokenize("<brown> <br", "simple") == ["brown"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("aZ9 _-<>/\n\tbrBRé東ß😀İ\u00a0\u2028.,'")
                                + ["<br />", "<br>", "\ud800"]), max_size=40).map("".join))
def test_the_simple_tokeniser_matches_python(text):
    data = text.encode("utf-8", "surrogatepass")
    block = np.frombuffer(bytearray(data), dtype=np.uint8).copy()
    tokenizers.simple(block)
    ours = block.tobytes().decode("utf-8", "replace").lower().split()
    python = _reference_simple(text.replace("\ud800", " "))  # invalid bytes separate
    assert ours == python
    assert len(block) == len(data) and block.tobytes().count(b"\n") == data.count(b"\n")


def test_train_reads_with_the_simple_tokeniser(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("The cat, the CAT!<br />the dog.\n" * 20)
    kv = KeyedVectors.load(_train_words(path, tmp_path))
    assert sorted(kv.words) == ["cat", "dog", "the"]


def _train_words(path, tmp_path):
    out = str(tmp_path / "w.w2v")
    result = CliRunner().invoke(cli, ["train", str(path), "-o", out, "--tokenizer", "simple",
                                      "--min-count", "1", "--dim", "8", "--threads", "1",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    return out


# -- training ------------------------------------------------------------------------

@pytest.mark.parametrize("mode,words", [("dbow", False), ("dbow", True), ("dm", False)])
def test_planted_topics_are_recovered_from_the_document_vectors(tmp_path, mode, words):
    path, topic = _planted(tmp_path)
    kv = train_docs(path, TrainConfig(**FAST, seed=3), mode=mode, dbow_words=words,
                    tagged=True)
    assert kv.docs.words[:2] == ["doc0", "doc1"] and len(kv.docs) == len(topic)
    result = doc_eval.classify_docs(kv.docs, _labels(tmp_path, topic))
    assert result.accuracy >= 0.9, result
    assert result.train == result.test == len(topic) // 2 and result.classes == 4
    trained = kv.metadata["docs"]["word_vectors_trained"]
    assert trained == (mode == "dm" or words)
    if trained:  # words of one topic are each other's neighbours
        near = [w for w, _ in kv.most_similar(["t0x1"], topn=5)]
        assert sum(w.startswith("t0x") for w in near) >= 4, near
    if words:  # the words nearest a document are its topic's
        near = [w for w, _ in kv.nearest(kv.docs.vectors[0], topn=5)]
        assert sum(w.startswith(f"t{topic[0]}x") for w in near) >= 4, near


def test_shuffling_reorders_whole_documents_by_the_seed(tmp_path):
    from w2v.training.docs import shuffled

    path, _ = _planted(tmp_path, docs=50)
    _, encoded, docs = read_documents(path, 1, tagged=True)
    rows = docs.sentence_docs + 1000
    mixed, mixed_rows = shuffled(encoded, rows, seed=7)
    again, again_rows = shuffled(encoded, rows, seed=7)
    assert np.array_equal(mixed.ids, again.ids) and np.array_equal(mixed_rows, again_rows)
    assert not np.array_equal(mixed_rows, rows)

    def by_row(corpus, sentence_rows):
        starts = corpus.sentence_starts
        return {int(r): corpus.ids[starts[k]:starts[k + 1]].tolist()
                for k, r in enumerate(sentence_rows)}

    assert by_row(mixed, mixed_rows) == by_row(encoded, rows)


def test_document_options_that_do_not_combine_are_refused(tmp_path):
    path, _ = _planted(tmp_path, docs=10)
    for config, extra, field in [(TrainConfig(subwords=True), {}, "subwords"),
                                 (TrainConfig(hs=True), {}, "hs"),
                                 (TrainConfig(), {"mode": "dm", "dbow_words": True},
                                  "dbow_words"),
                                 (TrainConfig(), {"mode": "pv"}, "mode")]:
        with pytest.raises(ConfigError, match=field):
            train_docs(path, config, tagged=True, **extra)


# -- inference -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def planted_model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    path, topic = _planted(tmp, seed=1)
    kv = train_docs(path, TrainConfig(**FAST, seed=2), tagged=True)
    out = tmp / "docs.w2v"
    kv.save(str(out))
    texts = [line.split("\t", 1)[1] for line in open(path).read().splitlines()]
    return str(out), texts, topic


def test_inference_is_deterministic_whatever_the_order_and_threads(planted_model):
    path, texts, _ = planted_model
    kv = KeyedVectors.load(path)
    first = infer(kv, texts[:40])
    assert np.array_equal(first, infer(kv, texts[:40]))
    assert np.array_equal(first[::-1], infer(kv, texts[:40][::-1], threads=3))
    assert np.array_equal(first[5:6], infer(kv, [texts[5]]))
    assert not np.array_equal(first, infer(kv, texts[:40], seed=99))
    assert np.array_equal(np.asarray(kv.vectors), np.asarray(KeyedVectors.load(path).vectors))


def test_an_inferred_document_lands_next_to_its_trained_self(planted_model):
    path, texts, topic = planted_model
    kv = KeyedVectors.load(path)
    vectors = infer(kv, texts)
    nearest = [kv.docs.nearest(v, 1)[0][0] for v in vectors]
    own = np.mean([n == f"doc{i}" for i, n in enumerate(nearest)])
    same_topic = np.mean([topic[int(n[3:])] == topic[i] for i, n in enumerate(nearest)])
    assert own >= 0.8 and same_topic >= 0.95, (own, same_topic)
    assert not infer(kv, ["unknown words only"]).any()  # no known word: zero


def test_inference_is_the_same_in_another_process(planted_model, tmp_path):
    path, texts, _ = planted_model
    command = [sys.executable, "-m", "w2v", "docs", "infer", "-m", path, texts[3]]
    runs = [subprocess.run(command, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1]
    np.testing.assert_allclose(json.loads(runs[0]), infer(KeyedVectors.load(path),
                                                          [texts[3]])[0], atol=1e-6)


# -- files ---------------------------------------------------------------------------

def test_a_document_model_round_trips_through_w2v(planted_model, tmp_path):
    path, _, _ = planted_model
    kv = KeyedVectors.load(path)
    assert isinstance(kv.docs.vectors, np.memmap)
    out = str(tmp_path / "again.w2v")
    kv.save(out)
    again = KeyedVectors.load(out)
    assert again.docs.words == kv.docs.words
    np.testing.assert_array_equal(again.docs.vectors, kv.docs.vectors)
    assert again.metadata["docs"] == kv.metadata["docs"]
    data = bytearray(open(out, "rb").read())
    header_end = 16 + int.from_bytes(data[8:16], "little")
    header = data[16:header_end].decode()
    broken = header.replace('"documents": 240', '"documents": 241')
    assert broken != header
    (tmp_path / "broken.w2v").write_bytes(bytes(data[:16]) + broken.encode()
                                          + bytes(data[header_end:]))
    with pytest.raises(ModelFileError, match="doc"):
        KeyedVectors.load(str(tmp_path / "broken.w2v"))


def test_export_writes_the_document_vectors(planted_model, tmp_path):
    path, _, _ = planted_model
    kv = KeyedVectors.load(path)
    runner = CliRunner()
    for fmt in ("npy", "txt"):
        result = runner.invoke(cli, ["export", path, "--docs", "--format", fmt, "-o",
                                     str(tmp_path)])
        assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(np.load(tmp_path / "vectors.npy"), kv.docs.vectors)
    assert (tmp_path / "tags.txt").read_text().split("\n")[:2] == ["doc0", "doc1"]
    text = KeyedVectors.load(str(tmp_path / "vectors.txt"))
    assert text.words == kv.docs.words
    np.testing.assert_allclose(text.vectors, kv.docs.vectors, atol=1e-5)


# -- evaluation ----------------------------------------------------------------------

def test_ratings_correlate_as_numpy_computes(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(8, 5)).astype(np.float32)
    docs = KeyedVectors([str(n) for n in range(1, 9)], vectors)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = unit[3:] @ unit[3:].T
    human = np.triu(cos + rng.normal(0, 0.1, cos.shape), 1)
    path = tmp_path / "r.txt"
    path.write_text("\n".join("\t".join(f"{x:.6f}" for x in row) for row in human))
    result = doc_eval.rated_similarity(docs, str(path))  # the last 5 documents
    upper = np.triu_indices(5, 1)
    assert result.pairs == 10 and result.documents == 5
    assert result.pearson == pytest.approx(np.corrcoef(human[upper], cos[upper])[0, 1],
                                           abs=1e-5)
    assert doc_eval.rated_similarity(docs, str(path), first="4").pearson == result.pearson
    shuffled = KeyedVectors(docs.words[::-1], vectors[::-1])  # tags name the rows
    assert doc_eval.rated_similarity(shuffled, str(path), tags=["4", "5", "6", "7", "8"]
                                     ).pearson == pytest.approx(result.pearson, abs=1e-6)
    with pytest.raises(EvaluationError, match="run past"):
        doc_eval.rated_similarity(docs, str(path), first="5")


@pytest.mark.parametrize("text,message", [
    ("a\tpos\ttrain\nb\tneg\n", "every line or on none"),
    ("a\tpos\tvalid\n", "train or test"),
    ("a pos\n", "expected 'tag<TAB>label'"),
    ("zz\tpos\ttrain\nyy\tneg\ttest\n", "no tag of"),
])
def test_bad_label_files_are_refused(tmp_path, text, message):
    docs = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    path = tmp_path / "l.tsv"
    path.write_text(text)
    with pytest.raises(EvaluationError, match=message):
        doc_eval.classify_docs(docs, str(path))


# -- the commands --------------------------------------------------------------------

def test_the_docs_commands_end_to_end(tmp_path):
    path, topic = _planted(tmp_path, seed=4)
    labels = _labels(tmp_path, topic, split=False)
    out = str(tmp_path / "m.w2v")
    runner = CliRunner()
    result = runner.invoke(cli, ["docs", "train", path, "--tagged", "-o", out, "--dim", "16",
                                 "--epochs", "15", "--min-count", "1", "--threads", "1",
                                 "--mode", "dm", "--window", "3"])
    assert result.exit_code == 0, result.output
    assert "documents: 240 read, 240 vectors" in result.output
    result = runner.invoke(cli, ["docs", "similar", "doc0", "-m", out, "-n", "5", "--json"])
    near = json.loads(result.output)
    assert len(near) == 5 and "doc0" not in [n["tag"] for n in near]
    assert sum(topic[int(n["tag"][3:])] == topic[0] for n in near) >= 4
    result = runner.invoke(cli, ["docs", "similar", "-m", out, "--text", "t2x1 t2x2 t2x3",
                                 "--words", "-n", "3"])
    assert result.exit_code == 0 and len(result.output.splitlines()) == 3
    result = runner.invoke(cli, ["docs", "eval", "-m", out, "--labels", labels, "--json"])
    scores = json.loads(result.output)["classification"]
    assert scores["accuracy"] >= 0.9 and scores["split"] == "0.5"
    result = runner.invoke(cli, ["docs", "infer", "-m", out, "-o", str(tmp_path / "i.txt")],
                           input="t1x1 t1x2 w3\nt3x4 w1\n")
    assert result.exit_code == 0, result.output
    assert KeyedVectors.load(str(tmp_path / "i.txt")).words == ["1", "2"]
    result = runner.invoke(cli, ["info", out])
    assert "240 vectors (PV-DM; word vectors trained)" in result.output


def test_plain_dbow_word_vectors_are_not_offered_as_answers(tmp_path):
    path, _ = _planted(tmp_path, docs=20)
    out = str(tmp_path / "m.w2v")
    runner = CliRunner()
    assert runner.invoke(cli, ["docs", "train", path, "--tagged", "-o", out, "--dim", "8",
                               "--min-count", "1", "--threads", "1", "-q"]).exit_code == 0
    for command in (["similar", "w1", "-m", out], ["analogy", "w1", "w2", "w3", "-m", out],
                    ["docs", "similar", "doc1", "--words", "-m", out]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1 and "never trained" in result.output, command


@pytest.mark.parametrize("args,message", [
    (["--arch", "cbow"], "--arch is set by --mode"),
    (["-o", "x.bin"], "written as .w2v"),
])
def test_docs_train_refuses_what_it_cannot_do(tmp_path, args, message):
    path, _ = _planted(tmp_path, docs=10)
    result = CliRunner().invoke(cli, ["docs", "train", path, "--tagged", "-o",
                                      str(tmp_path / "m.w2v"), *args])
    assert result.exit_code == 2 and message in result.output


def test_docs_train_errors_are_one_line_and_write_nothing(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("t1\ta b\nno tab\n")
    out = tmp_path / "m.w2v"
    result = CliRunner().invoke(cli, ["docs", "train", str(path), "--tagged", "-o", str(out)])
    assert result.exit_code == 1 and "line 2: no tab" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()
