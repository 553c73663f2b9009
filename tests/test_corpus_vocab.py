import bz2
import gzip
import io
import lzma

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.config import MAX_TOKEN_BYTES
from w2v.errors import CorpusError, VocabularyError
from w2v.text import corpus, vocab
from w2v.text.corpus import stretches, text_blocks


def _sentences(corpus_vocab, encoded):
    ids, starts = encoded.ids, encoded.sentence_starts
    return [[corpus_vocab.words[i] for i in ids[a:b]] for a, b in zip(starts[:-1], starts[1:])]


def test_counts_sort_and_encode(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("b a c a\n\nd b a\n  c c  e\n")
    v, enc = vocab.build(path, min_count=2)
    # descending count, a and c tied at 3 in order of first sight; d and e below min-count
    assert v.words == ["a", "c", "b"]
    assert v.counts.tolist() == [3, 3, 2]
    assert _sentences(v, enc) == [["b", "a", "c", "a"], ["b", "a"], ["c", "c"]]
    assert enc.raw_tokens == 10
    assert enc.ids.dtype == np.int32 and enc.sentence_starts[-1] == len(enc.ids)


def test_ties_keep_first_appearance_order_and_max_vocab_cuts_after_sorting(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("z y x y z x w w w\n")
    v, _ = vocab.build(path, min_count=1)
    assert v.words == ["w", "z", "y", "x"]
    v, enc = vocab.build(path, min_count=1, max_vocab=2)
    assert v.words == ["w", "z"]
    assert enc.words == 5


@pytest.mark.parametrize("block", [3, 7, 64, 1 << 20])
def test_blocks_never_split_tokens(tmp_path, block):
    text = b"alpha beta\ngamma\n\n delta  epsilon zeta\neta"
    path = tmp_path / "c.txt"
    path.write_bytes(text)
    blocks = [bytes(b) for b in text_blocks(path, block_bytes=block)]
    assert b"".join(blocks) == text
    assert all(b[-1:].isspace() for b in blocks[:-1])


@pytest.mark.parametrize("block", [3, 7, 64, 1 << 20])
def test_lines_become_sentences_whatever_the_blocks(tmp_path, monkeypatch, block):
    text = "alpha beta\ngamma\n\n delta  epsilon zeta\neta beta\n\n"
    path = tmp_path / "c.txt"
    path.write_text(text)
    monkeypatch.setattr(vocab, "text_blocks",
                        lambda c, stretch=None: text_blocks(c, block_bytes=block, stretch=stretch))
    v, enc = vocab.build(path, min_count=1)
    assert _sentences(v, enc) == [line.split() for line in text.split("\n") if line.split()]


def test_a_tiny_table_grows_and_probes_correctly():
    scanner = vocab.Scanner(tokens_hint=1, words=2, arena_bytes=3)
    text = b"aa bb aa cc dd ee bb ff gg aa\nhh"
    ends = scanner.encode(np.frombuffer(text, dtype=np.uint8))
    ids = scanner.ids[:scanner.seen].tolist()
    assert ids == [0, 1, 0, 2, 3, 4, 1, 5, 6, 0, 7]
    assert ends.tolist() == [10]
    assert scanner.tokens(np.arange(8)) == [b"aa", b"bb", b"cc", b"dd", b"ee", b"ff", b"gg",
                                            b"hh"]
    assert scanner.counts().tolist() == [3, 2, 1, 1, 1, 1, 1, 1]


def test_nul_bytes_after_the_first_block_are_caught(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"word " * 100 + b"\x00\x01")
    with pytest.raises(CorpusError, match="binary"):
        list(text_blocks(path, block_bytes=64))


def test_many_distinct_words_grow_the_table(tmp_path):
    words = [f"word{i}" for i in range(100_000)]
    path = tmp_path / "c.txt"
    path.write_text(" ".join(words) + "\n" + " ".join(words[::-1]) + "\n")
    v, enc = vocab.build(path, min_count=2)
    assert v.words == words  # all tied at 2: order of first appearance
    assert enc.ids.tolist() == list(range(100_000)) + list(range(100_000))[::-1]
    assert enc.sentence_starts.tolist() == [0, 100_000, 200_000]


def _same_build(path, threads, min_count=1, cuts_anywhere=True):
    """build with one thread and with ``threads``, whatever the file's size (and, with
    ``cuts_anywhere``, whatever its text: a whitespace character to cut at follows
    every place the stretches are cut near)."""
    one = vocab.build(path, min_count=min_count)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(corpus, "PARALLEL_BYTES", 1)
        assert len(stretches(path, threads)) == threads or not cuts_anywhere
        several = vocab.build(path, min_count=min_count, threads=threads)
    for (v1, e1), (v2, e2) in [(one, several)]:
        assert v1.words == v2.words
        assert v1.counts.tolist() == v2.counts.tolist()
        assert e1.ids.tolist() == e2.ids.tolist()
        assert e1.sentence_starts.tolist() == e2.sentence_starts.tolist()
        assert e1.raw_tokens == e2.raw_tokens
        assert e1.long_tokens == e2.long_tokens


_WORD = st.sampled_from(["a", "bb", "the", "é", "日本", "x" * 40, "<ff>"])  # <ff>: a 0xff byte
_GAP = st.sampled_from([" ", "\n", "  ", "\t", " \n ", "\n\n", "\r\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_WORD, _GAP), min_size=1, max_size=200), st.integers(2, 4))
def test_threads_reading_stretches_give_the_ids_of_one_pass(tmp_path_factory, pieces, threads):
    path = tmp_path_factory.mktemp("c") / "c.txt"
    path.write_bytes("".join(w + g for w, g in pieces).encode("utf-8")
                     .replace(b"<ff>", b"\xff"))
    _same_build(path, threads)


def test_threads_merge_tables_that_must_grow(tmp_path):
    words = [f"word{i}" for i in range(100_000)]
    path = tmp_path / "c.txt"
    path.write_text(" ".join(words) + "\n" + " ".join(words[::-1]) + "\n" + "word7 " * 999)
    _same_build(path, 3)
    _same_build(path, 2, min_count=2)


def test_stretches_cut_a_file_just_after_whitespace(tmp_path, monkeypatch):
    text = b"alpha beta\ngamma\n\n delta  epsilon zeta\neta" * 50
    path = tmp_path / "c.txt"
    path.write_bytes(text)
    assert stretches(path, 3) == [None]  # small: one reader
    monkeypatch.setattr(corpus, "PARALLEL_BYTES", 1)
    parts = stretches(path, 3)
    assert parts[0][0] == 0 and parts[-1][1] == len(text) and len(parts) == 3
    for (_, end), (start, _) in zip(parts, parts[1:]):
        assert end == start and text[start - 1:start].isspace()
    assert b"".join(b"".join(bytes(b) for b in text_blocks(path, block_bytes=16, stretch=s))
                    for s in parts) == text
    assert stretches(tmp_path / "c.txt", 1) == [None]


def test_a_single_huge_line_is_read_whole(tmp_path):
    words = [f"w{i % 50}" for i in range(300_000)]  # one line, several blocks long
    path = tmp_path / "one-line.txt"
    path.write_text(" ".join(words))
    v, enc = vocab.build(path, min_count=1)
    assert enc.words == 300_000 and enc.sentence_starts.tolist() == [0, 300_000]
    assert [v.words[i] for i in enc.ids[-3:]] == words[-3:]


@pytest.mark.parametrize("suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open),
                                           (".xz", lzma.open)])
def test_compressed_corpora(tmp_path, suffix, opener):
    path = tmp_path / f"c.txt{suffix}"
    with opener(path, "wb") as f:
        f.write(b"one two two\nthree three three\n")
    v, enc = vocab.build(path, min_count=1)
    assert v.words == ["three", "two", "one"] and enc.words == 6


def test_invalid_utf8_becomes_replacement_characters(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"caf\xe9 caf\xe9 ok \xff\xfe ok\n")
    v, _ = vocab.build(path, min_count=1)
    assert v.words == ["caf\ufffd", "ok", "\ufffd\ufffd"]


def test_merged_tokens_can_reach_min_count_together(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"caf\xe9 caf\xff " * 3 + b"rare\n")
    v, enc = vocab.build(path, min_count=5)
    assert v.words == ["caf\ufffd"] and v.counts.tolist() == [6] and enc.words == 6


def test_lowercase_merges_spellings(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("The the THE cat Cat\n")
    v, _ = vocab.build(path, min_count=1, lowercase=True)
    assert v.words == ["the", "cat"] and v.counts.tolist() == [3, 2]
    v, _ = vocab.build(path, min_count=3, lowercase=True)  # no spelling reaches 3 alone
    assert v.words == ["the"]
    v, _ = vocab.build(path, min_count=1)
    assert len(v) == 5


def test_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"a b a\nb c\n")))
    v, enc = vocab.build("-", min_count=2)
    assert v.words == ["a", "b"] and enc.words == 4


def test_sentences_from_python():
    v, enc = vocab.build([["x", "y"], ["y"]], min_count=1)
    assert v.words == ["y", "x"] and enc.sentence_starts.tolist() == [0, 2, 3]


@pytest.mark.parametrize("content,message", [
    (None, "not found"),
    (b"", "empty"),
    (b"  \n\n \t", "empty"),
    (b"\x00\x01\x02binary", "binary"),
])
def test_bad_corpora(tmp_path, content, message):
    path = tmp_path / "c.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        vocab.build(path, min_count=1)


def test_corrupt_compressed_file(tmp_path):
    path = tmp_path / "c.txt.gz"
    path.write_bytes(b"this is not gzip data")
    with pytest.raises(CorpusError, match="cannot read"):
        vocab.build(path, min_count=1)


def test_no_word_reaches_min_count(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b c\n")
    with pytest.raises(VocabularyError, match="try a smaller --min-count"):
        vocab.build(path, min_count=2)


def test_keep_probabilities_use_the_word2vec_c_formula():
    v = vocab.Vocabulary(words=["a", "b", "c"], counts=np.array([1000, 10, 1]))
    keep = v.keep_probabilities(1e-2)
    t = 1e-2 * 1011
    expected = np.minimum((np.sqrt(np.array([1000, 10, 1]) / t) + 1) * t / [1000, 10, 1], 1)
    np.testing.assert_allclose(keep, expected, rtol=1e-6)
    assert keep[0] < 1 and keep[2] == 1
    assert np.all(v.keep_probabilities(0.0) == 1)


def test_noise_distribution_is_counts_to_the_three_quarters():
    v = vocab.Vocabulary(words=["a", "b"], counts=np.array([16, 1]))
    np.testing.assert_allclose(v.noise_distribution(), [8 / 9, 1 / 9])


# Every character str.split() splits on, as UTF-8 (scan.space_bytes finds them in bytes).
SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_the_whitespace_set_is_python_str_split():
    assert len(SPACES) == 29
    text = "".join(f"w{i}{s}" for i, s in enumerate(SPACES)).encode()
    scanner = vocab.Scanner()
    scanner.encode(np.frombuffer(text, dtype=np.uint8))
    assert scanner.seen == len(SPACES)  # each one cut a token off
    assert scanner.tokens(np.arange(len(SPACES))) == [f"w{i}".encode()
                                                      for i in range(len(SPACES))]


# Word pieces: ASCII, Latin, CJK, a byte-order mark and invalid bytes that sit next to
# whitespace lead bytes (<e3> alone, a cut <e3><80>, an 0x85 without its 0xc2, <ff>).
_PIECE = st.sampled_from(["a", "bb", "é", "日本", "\ufeff", "x" * 30, "<e3>", "<e3><80>",
                          "<85>", "<ff>", "\u200b", "\u180e"])
_SPACE = st.sampled_from(SPACES + ["\r\n", "\n\n"])


def _raw(text: str) -> bytes:
    data = text.encode("utf-8")
    for name, byte in [(b"<e3>", b"\xe3"), (b"<80>", b"\x80"), (b"<85>", b"\x85"),
                       (b"<ff>", b"\xff")]:
        data = data.replace(name, byte)
    return data


def _reference(data: bytes) -> list[list[str]]:
    """What the tokeniser should make of ``data``: Python's own decoding and split."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    return [line.split() for line in text.split("\n") if line.split()]


@settings(max_examples=150, deadline=None)
@given(st.booleans(), st.lists(st.tuples(st.lists(_PIECE, min_size=1, max_size=4), _SPACE),
                               min_size=1, max_size=60), st.sampled_from([3, 5, 64, 1 << 20]))
def test_tokens_are_what_python_str_split_makes(tmp_path_factory, bom, pieces, block):
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(
        _raw("".join(word)) + _raw(gap) for word, gap in pieces)
    path = tmp_path_factory.mktemp("c") / "c.txt"
    path.write_bytes(data)
    expected = _reference(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vocab, "text_blocks",
                      lambda c, stretch=None: text_blocks(c, block_bytes=block, stretch=stretch))
        if not expected:
            with pytest.raises(CorpusError):
                vocab.build(path, min_count=1)
            return
        v, enc = vocab.build(path, min_count=1)
    assert _sentences(v, enc) == expected
    _same_build(path, 3, cuts_anywhere=False)


def test_stretches_cut_after_unicode_spaces_only(tmp_path, monkeypatch):
    text = "日本\u3000語\u00a0" * 30000  # no ASCII whitespace at all
    path = tmp_path / "c.txt"
    path.write_text(text)
    monkeypatch.setattr(corpus, "PARALLEL_BYTES", 1)
    parts = stretches(path, 2)
    assert len(parts) == 2
    data = text.encode()
    cut = parts[1][0]
    assert data[cut - 3:cut] == "\u3000".encode() or data[cut - 2:cut] == "\u00a0".encode()
    _same_build(path, 2)


@pytest.mark.parametrize("suffix,opener", [(".txt", open), (".gz", gzip.open)])
def test_a_leading_byte_order_mark_is_dropped(tmp_path, suffix, opener):
    path = tmp_path / f"c{suffix}"
    with opener(path, "wb") as f:
        f.write(b"\xef\xbb\xbfgamma kappa\r\nkappa \xef\xbb\xbfgamma\n")
    v, enc = vocab.build(path, min_count=1)
    # only the first mark is a mark: one inside the text is a character of a word
    assert _sentences(v, enc) == [["gamma", "kappa"], ["kappa", "\ufeffgamma"]]


def test_a_byte_order_mark_on_stdin_arriving_a_byte_at_a_time(monkeypatch):
    class Trickle(io.RawIOBase):
        def __init__(self, data):
            self.data = data

        def readable(self):
            return True

        def readinto(self, buffer):
            if not self.data:
                return 0
            buffer[0], self.data = self.data[0], self.data[1:]
            return 1

    stdin = io.TextIOWrapper(io.BufferedReader(Trickle(b"\xef\xbb\xbfgamma gamma\n"),
                                               buffer_size=1))
    monkeypatch.setattr("sys.stdin", stdin)
    v, _ = vocab.build("-", min_count=1)
    assert v.words == ["gamma"]


def test_a_mark_alone_or_cut_short_is_no_word(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(CorpusError, match="empty"):
        vocab.build(path, min_count=1)
    path.write_bytes(b"\xef\xbb")  # not a mark: an invalid token
    v, _ = vocab.build(path, min_count=1)
    assert v.words == ["\ufffd"]


def test_tokens_over_the_longest_word_are_left_out_and_counted(tmp_path):
    longest = "é" * (MAX_TOKEN_BYTES // 2)  # exactly MAX_TOKEN_BYTES bytes
    over = "x" * (MAX_TOKEN_BYTES + 1)
    huge = "y" * 1_000_000
    path = tmp_path / "c.txt"
    path.write_text(f"a {longest} b {over}\n{huge}\n{longest} a\n{over}\n")
    v, enc = vocab.build(path, min_count=1)
    assert v.words == ["a", longest, "b"]
    assert enc.long_tokens == 3 and enc.raw_tokens == 5
    assert _sentences(v, enc) == [["a", longest, "b"], [longest, "a"]]
    path.write_text((f"w {over} " * 500 + "\n") * 20)  # long tokens in every stretch
    _same_build(path, 3)
    path.write_text(f"{over}\n")
    with pytest.raises(CorpusError, match="no words of at most 1,000 bytes"):
        vocab.build(path, min_count=1)
