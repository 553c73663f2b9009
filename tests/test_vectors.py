import os

import numpy as np
import pytest

from w2v import KeyedVectors
from w2v.errors import ModelFileError, OutputError, UnknownWordError


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "caf\u00e9", "</s>", "\u6f22\u5b57"]
    return KeyedVectors(words, rng.normal(size=(len(words), 8)).astype(np.float32))


def _brute_force(kv, pos, neg, topn):
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    q = sum(unit[kv.index[w]] for w in pos) - sum(unit[kv.index[w]] for w in neg)
    q /= np.linalg.norm(q)
    scores = unit @ q
    ranked = [i for i in np.argsort(-scores) if kv.words[i] not in pos + neg]
    return [(kv.words[i], float(scores[i])) for i in ranked[:topn]]


def test_most_similar_ranks_by_cosine_and_excludes_the_query(kv):
    got = kv.most_similar(["king"], topn=3)
    want = _brute_force(kv, ["king"], [], 3)
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
    assert len(kv.most_similar(["king"], topn=100)) == len(kv) - 1
    # a query word outside the restricted range leaves every searched word eligible
    assert len(kv.most_similar(["\u6f22\u5b57"], topn=100, restrict=3)) == 3


def _euclidean_brute_force(vectors, words, pos, neg, topn):
    index = {w: i for i, w in enumerate(words)}
    point = (sum(vectors[index[w]].astype(np.float64) for w in pos)
             - sum((vectors[index[w]].astype(np.float64) for w in neg), np.zeros(vectors.shape[1])))
    point /= max(1, len(pos) - len(neg))
    distances = np.sqrt(((vectors.astype(np.float64) - point) ** 2).sum(axis=1))
    ranked = [i for i in np.argsort(distances, kind="stable") if words[i] not in pos + neg]
    return [(words[i], float(distances[i])) for i in ranked[:topn]]


@pytest.mark.parametrize("pos,neg", [(["king"], []), (["king", "woman"], ["man"]),
                                     (["king", "queen"], []), (["king"], ["man"])])
@pytest.mark.parametrize("stored", ["memory", "v.w2v", "v.bin"])
def test_euclidean_neighbours_equal_numpy(tmp_path, monkeypatch, pos, neg, stored):
    from w2v.vectors import keyed

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(500)] + ["king", "queen", "man", "woman"]
    # rows of very different lengths: Euclidean and cosine neighbours differ
    vectors = (rng.normal(size=(len(words), 16)) * rng.uniform(0.1, 5, (len(words), 1))
               ).astype(np.float32)
    kv = KeyedVectors(words, vectors)
    if stored != "memory":
        kv.save(tmp_path / stored)
        monkeypatch.setattr(keyed, "_CHUNK_ROWS", 64)  # several blocks
        kv = KeyedVectors.load(tmp_path / stored)
    got = kv.most_similar(pos, neg, topn=10, metric="euclidean")
    want = _euclidean_brute_force(vectors, words, pos, neg, 10)
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([d for _, d in got], [d for _, d in want], rtol=1e-6)
    cosine = kv.most_similar(pos, neg, topn=10)
    assert [w for w, _ in cosine] != [w for w, _ in got]  # the metric matters here
    with pytest.raises(ValueError, match="metric"):
        kv.most_similar(pos, metric="manhattan")


def test_analogy_is_a_minus_b_plus_c(kv):
    got = kv.analogy("king", "man", "woman", topn=4)
    want = _brute_force(kv, ["king", "woman"], ["man"], 4)
    assert [w for w, _ in got] == [w for w, _ in want]
    assert not {"king", "man", "woman"} & {w for w, _ in got}


def test_analogy_answers_the_planted_structure():
    # queen = king - man + woman exactly, by construction
    base = {"royal": [1, 0, 0, 0], "male": [0, 1, 0, 0], "female": [0, 0, 1, 0],
            "x": [0, 0, 0, 1]}
    b = {k: np.array(v, dtype=np.float32) for k, v in base.items()}
    words = {"king": b["royal"] + b["male"], "queen": b["royal"] + b["female"],
             "man": b["male"], "woman": b["female"], "other": b["x"] + 0.1 * b["royal"]}
    kv = KeyedVectors(list(words), np.array(list(words.values())))
    assert kv.analogy("king", "man", "woman")[0][0] == "queen"


def test_unknown_words_are_named_with_a_hint(kv):
    with pytest.raises(UnknownWordError, match="'nope' is not in the vocabulary"):
        kv.most_similar(["nope"])
    with pytest.raises(UnknownWordError, match="did you mean 'king'"):
        kv["King"]


@pytest.mark.parametrize("name", ["v.bin", "v.txt", "v.vec"])
def test_round_trip(tmp_path, kv, name):
    kv.save(tmp_path / name)
    back = KeyedVectors.load(tmp_path / name)
    assert back.words == kv.words
    np.testing.assert_array_equal(back.vectors, kv.vectors)  # 9 digits: exact for text too


@pytest.mark.parametrize("name,binary", [("v.bin", True), ("v.txt", False)])
def test_gensim_reads_our_files_and_we_read_gensims(tmp_path, kv, name, binary):
    from gensim.models import KeyedVectors as GensimKV

    kv.save(tmp_path / name)
    g = GensimKV.load_word2vec_format(str(tmp_path / name), binary=binary)
    assert list(g.index_to_key) == kv.words
    np.testing.assert_allclose(g.vectors, kv.vectors, rtol=1e-6)

    g.save_word2vec_format(str(tmp_path / ("g-" + name)), binary=binary)
    back = KeyedVectors.load(tmp_path / ("g-" + name))
    assert back.words == kv.words
    np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-6)


def test_binary_file_layout_is_word2vec_c(tmp_path):
    kv = KeyedVectors(["a", "bb"], np.array([[1.0, 2.0], [3.0, -4.0]], dtype=np.float32))
    kv.save(tmp_path / "v.bin")
    data = (tmp_path / "v.bin").read_bytes()
    assert data == (b"2 2\na " + np.array([1, 2], "<f4").tobytes() + b"\nbb "
                    + np.array([3, -4], "<f4").tobytes() + b"\n")


@pytest.mark.parametrize("name,content,message", [
    ("v.bin", b"", "first line"),
    ("v.bin", b"hello world\n", "first line"),
    ("v.bin", b"3 4\nab ", "too short"),
    ("v.bin", b"1 2\nab " + b"\0" * 8 + b"\nextra " + b"\0" * 8, "after the 1 words"),
    ("v.txt", b"2 2\na 1 2\n", "declares 2 words but 1"),
    ("v.txt", b"1 2\na 1\n", "line 2"),
    ("v.txt", b"1 2\na 1 x\n", "not a number"),
])
def test_corrupt_files_get_clear_errors(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ModelFileError, match=message):
        KeyedVectors.load(tmp_path / name)


def test_a_folder_in_the_way_is_a_clear_error(tmp_path, kv):
    (tmp_path / "v.bin").mkdir()
    with pytest.raises(OutputError, match="cannot write"):
        kv.save(tmp_path / "v.bin")
    with pytest.raises(ModelFileError, match="cannot read"):
        KeyedVectors.load(tmp_path / "v.bin")
    assert os.listdir(tmp_path) == ["v.bin"]


def test_missing_file_and_unknown_suffix(tmp_path, kv):
    with pytest.raises(ModelFileError, match="not found"):
        KeyedVectors.load(tmp_path / "none.bin")
    with pytest.raises(ModelFileError, match="suffix"):
        kv.save(tmp_path / "v.model")


def test_a_failed_save_leaves_no_file(tmp_path, kv, monkeypatch):
    target = tmp_path / "v.bin"
    kv.save(target)
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OutputError, match="No space left on device"):
        KeyedVectors(["z"], np.zeros((1, 8), np.float32)).save(target)
    assert target.read_bytes() == before  # the old file is intact
    assert os.listdir(tmp_path) == ["v.bin"]  # and no temporary file is left
