"""fastText's .bin model files: read with fastText 0.9.2's own vectors, written so that
fastText and gensim load them, continued, converted, and refused when damaged."""

import struct

import fasttext
import numpy as np
import pytest
from click.testing import CliRunner

from w2v import KeyedVectors, TrainConfig, train
from w2v.cli import cli
from w2v.errors import ModelFileError
from w2v.vectors import fasttext as ftfile
from w2v.vectors.ngrams import word_buckets

BUCKETS = 100_003
UNSEEN = ["e1_9", "e2_19", "c1t9", "r4x"]  # words the planted corpus never holds


@pytest.fixture(scope="module")
def ft_path(planted_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("ft") / "model.bin"
    model = fasttext.train_unsupervised(str(planted_file), dim=8, minCount=1, minn=3, maxn=6,
                                        bucket=BUCKETS, epoch=2, thread=1, verbose=0)
    model.save_model(str(path))
    return path


@pytest.fixture(scope="module")
def ft_model(ft_path):
    return fasttext.load_model(str(ft_path))


@pytest.fixture(scope="module")
def w2v_subword_kv(planted_sentences):
    return train(planted_sentences[:3000], TrainConfig(dim=8, min_count=1, subwords=True,
                                                       buckets=BUCKETS, epochs=1, threads=1))


def _cosine(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a @ b / np.linalg.norm(a) / np.linalg.norm(b)


def test_a_fasttext_model_loads_with_fasttexts_vectors(ft_path, ft_model):
    kv = KeyedVectors.load(ft_path)  # by its magic number, not as word2vec binary
    words, counts = ft_model.get_words(include_freq=True)
    assert kv.words == list(words) and kv.counts.tolist() == counts.tolist()
    for word in kv.words:
        np.testing.assert_allclose(kv[word], ft_model.get_word_vector(word), atol=1e-6)
    np.testing.assert_array_equal(kv.output_weights, ft_model.get_output_matrix())
    grams = kv.ngrams
    assert (grams.minn, grams.maxn, grams.buckets) == (3, 6, BUCKETS)
    _, flat = word_buckets(kv.words, 3, 6, BUCKETS)
    assert grams.buckets_used.tolist() == np.unique(flat).tolist()
    matrix = ft_model.get_input_matrix()
    np.testing.assert_array_equal(grams.vectors, matrix[len(words) + grams.buckets_used])
    # an unseen word: the mean of its n-grams in trained buckets; fastText also averages
    # in the untrained buckets' random rows
    for word in UNSEEN:
        _, ids = ft_model.get_subwords(word)
        trained = [i for i in ids if i - len(words) in set(grams.buckets_used.tolist())]
        np.testing.assert_allclose(kv[word], matrix[trained].mean(axis=0), atol=1e-6)
        if len(trained) == len(ids):
            assert _cosine(kv[word], ft_model.get_word_vector(word)) > 0.9999
    assert kv.metadata["config"]["arch"] == "skipgram"
    assert kv.metadata["fasttext_args"]["bucket"] == BUCKETS


def test_w2v_writes_fasttext_models_that_fasttext_and_gensim_load(w2v_subword_kv, tmp_path):
    from gensim.models.fasttext import load_facebook_model

    kv = w2v_subword_kv
    path = tmp_path / "w2v.bin"
    kv.save(path, format="fasttext")
    theirs = fasttext.load_model(str(path))
    gensim_model = load_facebook_model(str(path))
    assert theirs.words == kv.words and list(gensim_model.wv.index_to_key) == kv.words
    for word in kv.words:
        np.testing.assert_allclose(theirs.get_word_vector(word), kv[word], atol=1e-6)
        np.testing.assert_allclose(gensim_model.wv[word], kv[word], atol=1e-6)
    for word in UNSEEN:  # fastText divides by every n-gram, so only the direction agrees
        assert _cosine(theirs.get_word_vector(word), kv[word]) >= 0.9999
        assert _cosine(gensim_model.wv[word], kv[word]) >= 0.9999
    matrix = theirs.get_input_matrix()
    unused = np.setdiff1d(np.arange(BUCKETS), kv.ngrams.buckets_used)
    assert not matrix[len(kv) + unused].any()  # zeros, not random rows
    np.testing.assert_allclose(theirs.get_output_matrix(), kv.output_weights)
    assert theirs.get_words(include_freq=True)[1].tolist() == kv.counts.tolist()
    back = KeyedVectors.load(path)  # and w2v reads it back
    np.testing.assert_allclose(back.vectors, kv.vectors, atol=1e-6)
    np.testing.assert_array_equal(back.ngrams.buckets_used, kv.ngrams.buckets_used)


def test_training_continues_from_a_fasttext_model(ft_path, ft_model, planted_file, tmp_path):
    kv = KeyedVectors.load(ft_path)
    own = kv.ngrams.own_rows(kv.words, kv.vectors)  # the words' own rows, recovered
    np.testing.assert_allclose(own, ft_model.get_input_matrix()[:len(kv)], atol=1e-5)
    out = tmp_path / "more.w2v"
    result = CliRunner().invoke(cli, ["train", str(planted_file), "--init", str(ft_path),
                                      "--epochs", "1", "--min-count", "1", "--threads", "1",
                                      "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    more = KeyedVectors.load(out)
    assert set(more.words) == set(kv.words) and more.dim == 8
    assert (more.ngrams.minn, more.ngrams.maxn, more.ngrams.buckets) == (3, 6, BUCKETS)
    assert more.metadata["continued_from"]["source"] == "fastText"


def test_the_cli_reads_and_converts_fasttext_models(ft_path, tmp_path):
    runner = CliRunner()
    info = runner.invoke(cli, ["info", str(ft_path)])
    assert info.exit_code == 0 and "fastText model" in info.output
    assert "3 to 6 characters, 100,003 buckets" in info.output
    similar = runner.invoke(cli, ["similar", "e1_9", "-m", str(ft_path), "-n", "3"])
    assert similar.exit_code == 0 and len(similar.stdout.splitlines()) == 3
    assert "'e1_9' is not in the vocabulary" in similar.stderr
    out = tmp_path / "m.w2v"
    assert runner.invoke(cli, ["convert", str(ft_path), str(out)]).exit_code == 0
    again = runner.invoke(cli, ["similar", "e1_9", "-m", str(out), "-n", "3"])
    assert again.stdout == similar.stdout
    back = runner.invoke(cli, ["convert", str(out), str(tmp_path / "ft.bin"), "--format",
                               "fasttext"])
    assert back.exit_code == 0, back.output
    np.testing.assert_allclose(KeyedVectors.load(tmp_path / "ft.bin").vectors,
                               KeyedVectors.load(ft_path).vectors, atol=1e-6)
    plain = tmp_path / "plain.w2v"
    KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save(plain)
    refused = runner.invoke(cli, ["convert", str(plain), str(tmp_path / "p.bin"), "--format",
                                  "fasttext"])
    assert refused.exit_code == 1 and "needs a subword model" in refused.output
    assert not (tmp_path / "p.bin").exists()


def test_damaged_fasttext_files_are_refused_in_one_line(ft_path, tmp_path):
    data = ft_path.read_bytes()
    dictionary_at = 8 + struct.calcsize("<12id")
    cases = {"short.bin": data[:30], "dict.bin": data[:dictionary_at + 40],
             "matrix.bin": data[:len(data) // 2], "tail.bin": data[:-5],
             "version.bin": data[:4] + struct.pack("<i", 13) + data[8:]}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ModelFileError, match=f"{name} is not a valid fastText model"):
            KeyedVectors.load(tmp_path / name)
        result = CliRunner().invoke(cli, ["similar", "e1_1", "-m", str(tmp_path / name)])
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    args = ftfile._read_head(str(ft_path), data)
    quantised = bytearray(data)
    quantised[args[3] - 1] = 1  # the flag before the input matrix: a .ftz model
    (tmp_path / "q.ftz").write_bytes(bytes(quantised))
    with pytest.raises(ModelFileError, match="quantised fastText model"):
        KeyedVectors.load(tmp_path / "q.ftz")
    (tmp_path / "plain.txt").write_text("2 2\na 1 0\nb 0 1\n")
    with pytest.raises(ModelFileError, match="does not start with fastText's magic"):
        KeyedVectors.load(tmp_path / "plain.txt", format="fasttext")


def test_vec_files_are_laid_out_as_fasttexts(w2v_subword_kv, tmp_path):
    from gensim.models import KeyedVectors as GensimVectors

    kv = w2v_subword_kv
    kv.save(tmp_path / "v.vec")
    lines = (tmp_path / "v.vec").read_text().splitlines(keepends=True)
    assert lines[0] == f"{len(kv)} 8\n"
    assert all(line.endswith(" \n") and len(line.split()) == 9 for line in lines[1:])
    theirs = GensimVectors.load_word2vec_format(str(tmp_path / "v.vec"))
    np.testing.assert_array_equal(theirs[kv.words[3]], kv[kv.words[3]])
    np.testing.assert_array_equal(KeyedVectors.load(tmp_path / "v.vec").vectors, kv.vectors)
    kv.save(tmp_path / "v.txt")  # word2vec text: no space before the newline
    assert not (tmp_path / "v.txt").read_text().splitlines(keepends=True)[1].endswith(" \n")
