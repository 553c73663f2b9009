"""fastText's subword model: n-grams and buckets equal to fastText 0.9.2's own."""

import fasttext
import numpy as np
import pytest

from w2v.text import subwords

WORDS = ["hello", "world", "café", "naïve", "Straße", "한국어", "東京", "😀", "👍🏽ok", "a",
         "ab", "abcdefghij", "x" * 40]


@pytest.fixture(scope="module")
def fasttext_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("ft") / "c.txt"
    path.write_text((" ".join(WORDS) + "\n") * 20)
    return fasttext.train_unsupervised(str(path), minCount=1, minn=3, maxn=6, dim=4,
                                       epoch=1, thread=1, verbose=0)


@pytest.mark.parametrize("minn,maxn", [(3, 6), (1, 3), (2, 2), (5, 8)])
def test_buckets_equal_fasttexts(fasttext_model, tmp_path, minn, maxn):
    model = fasttext_model
    if (minn, maxn) != (3, 6):
        path = tmp_path / "c.txt"
        path.write_text((" ".join(WORDS) + "\n") * 20)
        model = fasttext.train_unsupervised(str(path), minCount=1, minn=minn, maxn=maxn,
                                            dim=4, epoch=1, thread=1, verbose=0)
    vocab = model.words  # </s> included: it has no n-grams
    queries = vocab + ["zebra", "Ünïcødé", "日本語のテキスト", "🙂🙃"]  # and unseen words
    starts, flat = subwords.word_buckets(queries, minn, maxn, 2_000_000)
    for i, word in enumerate(queries):
        _, ids = model.get_subwords(word)
        theirs = [int(x) - len(vocab) for x in ids if x >= len(vocab)]
        assert flat[starts[i]:starts[i + 1]].tolist() == theirs, word


def test_the_table_numbers_the_buckets_used_densely():
    words = ["where", "here", "</s>", "a"]
    table = subwords.subword_table(words, 3, 6, 2_000_000)
    starts, flat = subwords.word_buckets(words, 3, 6, 2_000_000)
    used = np.unique(flat)
    assert table.bucket_of.tolist() == used.tolist()
    assert table.matrix_rows == len(words) + len(used)
    for w in range(len(words)):
        rows = table.rows[table.offsets[w]:table.offsets[w + 1]]
        assert rows[0] == w  # its own row first
        assert table.bucket_of[rows[1:] - len(words)].tolist() == \
            flat[starts[w]:starts[w + 1]].tolist()
    assert table.offsets[3] - table.offsets[2] == 1  # </s>: its own row alone
    # "here" shares its n-grams with "where" (her, here, ere, ere>, ...): the same rows
    assert set(table.rows[table.offsets[1] + 1:table.offsets[2]]) & set(
        table.rows[table.offsets[0] + 1:table.offsets[1]])


def test_an_unseen_words_rows_are_its_n_grams_in_buckets_used():
    table = subwords.subword_table(["where", "there"], 3, 6, 2_000_000)
    rows = subwords.oov_rows(table, "here")
    _, flat = subwords.word_buckets(["here"], 3, 6, 2_000_000)
    expected = [2 + int(np.searchsorted(table.bucket_of, b)) for b in flat
                if b in set(table.bucket_of.tolist())]
    assert rows.tolist() == expected and len(expected) > 0
    assert len(subwords.oov_rows(table, "qqqq")) == 0  # nothing trained to answer from


def test_maxn_zero_turns_n_grams_off():
    table = subwords.subword_table(["where", "here"], 3, 0, 2_000_000)
    assert table.rows.tolist() == [0, 1] and table.matrix_rows == 2
