"""w2v.text.phrases: word2phrase's phrase detection, by hand, against a plain-Python reference
and against gensim 4.4's Phrases."""

import gzip
import io
import math
import os
import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.errors import ConfigError, CorpusError, OutputError
from w2v.text import phrases as phrases_module
from w2v.text.phrases import PassStats, PhraseProgress, phrases, score

# "new york" is frequent, "the york" is not. 7 lines, N = 19 tokens.
NEW_YORK = ("new york times\n" * 4
            + "the new york\n"
            + "the york\n"
            + "the times\n")


def _run(tmp_path, text, **options):
    """phrases() on ``text`` (str or bytes); the output's text and the stats."""
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(text.encode() if isinstance(text, str) else text)
    out = tmp_path / "out.txt"
    stats = phrases(corpus, out, **options)
    return out.read_bytes().decode(), stats


def test_score_is_word2phrase_formula():
    # (pab - min_count) / pa / pb * train_words, in that order
    assert score(5, 6, 5, 19, 2) == (5 - 2) / 5 / 6 * 19
    assert score(4, 4, 4, 16, 2) == 2.0
    assert score(100, 50, 20, 1_000_000, 5) == 15 / 100 / 50 * 1_000_000 == 3000.0
    assert score(5, 5, 5, 100, 5) == 0.0  # pab == min_count: 0
    assert score(5, 5, 4, 100, 5) == 0.0  # a bigram below min_count is unknown: 0, not < 0
    assert score(4, 50, 4, 100, 5) == 0.0  # a word below min_count: 0
    assert score(50, 4, 4, 100, 5) == 0.0
    assert score(0, 0, 0, 100, 1) == 0.0  # unknown words
    assert score(1, 1, 1, 1, 1) == 0.0


def test_new_york_times_by_hand(tmp_path):
    # Counts: new 5, york 6, times 5, the 3; bigrams: new york 5, york times 4,
    # the new 1, the york 1, the times 1. With min_count 2, N = 19:
    #   new york:   (5 - 2) / 5 / 6 * 19 = 1.9    > 1: joined
    #   york times: (4 - 2) / 6 / 5 * 19 = 1.267  > 1, but every "york" before "times"
    #               was just joined to "new", and a joined word starts no pair
    #   the york, the new, the times: the bigram occurs once, below min_count: 0
    text, stats = _run(tmp_path, NEW_YORK, min_count=2, threshold=1.0, passes=1)
    assert text == ("new_york times\n" * 4
                    + "the new_york\n"
                    + "the york\n"
                    + "the times\n")
    assert stats.passes == (PassStats(19, 14, 1, (("new_york", 5),)),)
    assert stats.lines == 7

    # Pass 2, N = 14: new_york 5, times 5, the 3, york 1; bigram new_york times 4:
    #   (4 - 2) / 5 / 5 * 14 = 1.12 > 1: joined.  the new_york: once: 0.
    text, stats = _run(tmp_path, NEW_YORK, min_count=2, threshold=1.0, passes=2)
    assert text == ("new_york_times\n" * 4
                    + "the new_york\n"
                    + "the york\n"
                    + "the times\n")
    assert stats.passes[1] == PassStats(14, 10, 1, (("new_york_times", 4),))
    assert (stats.tokens_in, stats.tokens_out) == (19, 10)


def test_threshold_between_the_two_scores(tmp_path):
    # At 1.5, new york (1.9) joins but new_york times (1.12) does not; pass 3 is the
    # same as pass 2 and is skipped.
    text, stats = _run(tmp_path, NEW_YORK, min_count=2, threshold=1.5, passes=3)
    assert text.splitlines()[0] == "new_york times"
    assert [p.joins for p in stats.passes] == [5, 0, 0]
    assert stats.passes[2] == PassStats(14, 14, 0, ())


def test_a_joined_word_starts_no_pair(tmp_path):
    # a 4, b 4, c 4, a b 4, b c 4, N 12, min_count 1: both score 3 / 4 / 4 * 12 = 2.25.
    # Left to right, a b joins first, so b c is never formed in pass 1; pass 2 (a_b 4,
    # c 4, a_b c 4, N 8: 3 / 4 / 4 * 8 = 1.5) makes a_b_c.
    text, _ = _run(tmp_path, "a b c\n" * 4, min_count=1, threshold=1.0, passes=1)
    assert text == "a_b c\n" * 4
    text, _ = _run(tmp_path, "a b c\n" * 4, min_count=1, threshold=1.0, passes=2)
    assert text == "a_b_c\n" * 4


# a 4, b 4, a b 4 and eight words seen once: N = 16; with min_count 2 the score of
# a b is (4 - 2) / 4 / 4 * 16 = 2.0 exactly.
EXACT = "a b\n" * 4 + "c d e f g h i j\n"


def test_a_score_equal_to_the_threshold_does_not_join(tmp_path):
    assert score(4, 4, 4, 16, 2) == 2.0
    text, _ = _run(tmp_path, EXACT, min_count=2, threshold=2.0, passes=1)
    assert text == EXACT
    text, _ = _run(tmp_path, EXACT, min_count=2, threshold=math.nextafter(2.0, 0), passes=1)
    assert text == "a_b\n" * 4 + "c d e f g h i j\n"


def test_min_count_edges(tmp_path):
    # min_count 4: pab - min_count = 0, score 0: never joined, whatever the threshold
    text, _ = _run(tmp_path, EXACT, min_count=4, threshold=1e-300, passes=1)
    assert text == EXACT
    # min_count 5: a and b occur 4 times, below it
    text, _ = _run(tmp_path, EXACT, min_count=5, threshold=1e-300, passes=1)
    assert text == EXACT
    # min_count 3: (4 - 3) / 4 / 4 * 16 = 1.0
    text, _ = _run(tmp_path, EXACT, min_count=3, threshold=0.99, passes=1)
    assert text.startswith("a_b\n")
    # min_count 1: the words seen once have a score too: c d: (1 - 1) ... = 0
    text, _ = _run(tmp_path, EXACT, min_count=1, threshold=0.5, passes=1)
    assert text == "a_b\n" * 4 + "c d e f g h i j\n"


def test_a_bigram_across_a_line_break_is_neither_counted_nor_joined(tmp_path):
    # a 8, b 8; a b on one line 4 times, and 4 times a ends a line that b starts.
    # N = 16, min_count 1: counted on lines only, pab = 4: (4 - 1) / 8 / 8 * 16 = 0.75.
    # (word2phrase.c counts the pairs across line breaks too: pab = 8, score 1.75.)
    corpus = "a b\n" * 4 + "a\nb\n" * 4
    text, _ = _run(tmp_path, corpus, min_count=1, threshold=0.74, passes=1)
    assert text == "a_b\n" * 4 + "a\nb\n" * 4
    text, _ = _run(tmp_path, corpus, min_count=1, threshold=0.75, passes=1)
    assert text == corpus


def test_lines_stay_lines(tmp_path):
    # Empty lines are kept, whitespace inside a line becomes one space, whitespace at
    # the ends of a line goes (CR included), and a last line without a newline stays so.
    corpus = "\n\n  new \t york\r\n\nnew york  \nx\n\n" + "new york\n" * 3 + "new york"
    text, stats = _run(tmp_path, corpus, min_count=1, threshold=0.1, passes=2)
    assert text == "\n\nnew_york\n\nnew_york\nx\n\n" + "new_york\n" * 3 + "new_york"
    assert stats.lines == corpus.count("\n")
    text, _ = _run(tmp_path, "x y\n\n\n", min_count=1, threshold=1e9, passes=1)
    assert text == "x y\n\n\n"


def test_unicode_words(tmp_path):
    corpus = ("café crème au lait\n" * 3 + "東京 タワー は 高い\n" * 3 + "café noir\n"
              + "Ελληνικά λέξεις\n")
    text, stats = _run(tmp_path, corpus, min_count=2, threshold=1.0, passes=1)
    # café 4 crème 3, pair 3, N = 28: (3 - 2) / 4 / 3 * 28 = 2.33; every pair of
    # the repeated lines scores at least that, so each such line joins left to right.
    assert text == ("café_crème au_lait\n" * 3 + "東京_タワー は_高い\n" * 3 + "café noir\n"
                    + "Ελληνικά λέξεις\n")
    assert dict(stats.passes[0].top)["東京_タワー"] == 3


def test_unicode_spaces_separate_words_and_tokens_of_any_length_pass_through(tmp_path):
    # U+3000 and U+00A0 split as ASCII spaces do: the same phrases, written with a space
    long = "x" * 5000  # longer than training's longest word: phrases keeps every token
    corpus = "\ufeff" + "東京\u3000タワー\u00a0は 高い\n" * 3 + f"{long}\n"  # and a mark
    text, _ = _run(tmp_path, corpus, min_count=2, threshold=1.0, passes=1)
    assert text == "東京_タワー は_高い\n" * 3 + f"{long}\n"


def test_bytes_that_are_not_utf8_pass_through(tmp_path):
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe ab\n" * 3 + b"ab \xff\xfe\n")
    stats = phrases(tmp_path / "c.txt", tmp_path / "out.txt", min_count=1, threshold=0.5,
                    passes=1)
    assert (tmp_path / "out.txt").read_bytes() == b"\xff\xfe_ab\n" * 3 + b"ab \xff\xfe\n"
    assert stats.passes[0].top == (("\ufffd\ufffd_ab", 3),)  # for display only


def test_a_literal_a_b_token_and_the_joined_pair_are_one_word_in_the_next_pass(tmp_path):
    # Pass 1: x 3, y 3, z 3, x_y 3, N 12; x y: (3 - 1) / 3 / 3 * 12 = 2.67 > 1.5: joined
    # (and y z not, y being joined). The joined x_y is the same token as the literal
    # x_y, as it would be in the text, so pass 2 has x_y 6, z 3, x_y z 3, N 9:
    # (3 - 1) / 6 / 3 * 9 = 1.0, not above 1.5 (it would be 2.0 with x_y counted 3 times).
    corpus = "x y z\n" * 3 + "x_y\n" * 3
    text, stats = _run(tmp_path, corpus, min_count=1, threshold=1.5, passes=2)
    assert text == "x_y z\n" * 3 + "x_y\n" * 3
    assert stats.passes[0].top == (("x_y", 3),)
    assert stats.passes[1].joins == 0
    text, stats = _run(tmp_path, corpus, min_count=1, threshold=0.9, passes=2)
    assert text == "x_y_z\n" * 3 + "x_y\n" * 3


@pytest.mark.parametrize("options, field", [
    (dict(min_count=0), "min_count"),
    (dict(min_count=-3), "min_count"),
    (dict(min_count=2.5), "min_count"),
    (dict(min_count=True), "min_count"),
    (dict(threshold=0), "threshold"),
    (dict(threshold=-1.0), "threshold"),
    (dict(threshold=float("nan")), "threshold"),
    (dict(threshold=float("inf")), "threshold"),
    (dict(threshold="100"), "threshold"),
    (dict(passes=0), "passes"),
    (dict(passes=1.0), "passes"),
])
def test_bad_values(tmp_path, options, field):
    (tmp_path / "c.txt").write_text("a b\n")
    with pytest.raises(ConfigError) as info:
        phrases(tmp_path / "c.txt", tmp_path / "out.txt", **options)
    assert info.value.field == field
    assert not (tmp_path / "out.txt").exists()


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  \t\r\n  "])
def test_an_empty_corpus(tmp_path, content):
    (tmp_path / "c.txt").write_bytes(content)
    with pytest.raises(CorpusError, match="empty"):
        phrases(tmp_path / "c.txt", tmp_path / "out.txt")
    assert sorted(os.listdir(tmp_path)) == ["c.txt"]


def test_a_missing_corpus(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        phrases(tmp_path / "nope.txt", tmp_path / "out.txt")
    assert os.listdir(tmp_path) == []


def test_output_is_written_atomically(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(NEW_YORK)
    out = tmp_path / "out.txt"
    out.write_text("old\n")

    def fail_while_writing(progress):
        if progress.stage == "write":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        phrases(corpus, out, min_count=2, threshold=1.0, on_progress=fail_while_writing)
    assert out.read_text() == "old\n"  # untouched, and no temporary file left
    assert sorted(os.listdir(tmp_path)) == ["c.txt", "out.txt"]

    with pytest.raises(OutputError, match="cannot write"):
        phrases(corpus, tmp_path / "no-such-folder" / "out.txt", min_count=2, threshold=1.0)
    assert sorted(os.listdir(tmp_path)) == ["c.txt", "out.txt"]


def test_the_output_may_replace_the_corpus(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text(NEW_YORK)
    phrases(corpus, corpus, min_count=2, threshold=1.0, passes=2)
    assert corpus.read_text().startswith("new_york_times\n")
    assert os.listdir(tmp_path) == ["c.txt"]


def test_compressed_standard_input_and_sentence_corpora(tmp_path, monkeypatch):
    expected, _ = _run(tmp_path, NEW_YORK, min_count=2, threshold=1.0, passes=2)
    options = dict(min_count=2, threshold=1.0, passes=2)
    with gzip.open(tmp_path / "c.txt.gz", "wt") as f:
        f.write(NEW_YORK)
    phrases(tmp_path / "c.txt.gz", tmp_path / "gz.txt", **options)
    assert (tmp_path / "gz.txt").read_text() == expected

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(NEW_YORK.encode())))
    phrases("-", tmp_path / "stdin.txt", **options)
    assert (tmp_path / "stdin.txt").read_text() == expected

    sentences = [line.split() for line in NEW_YORK.splitlines()]
    phrases(sentences, tmp_path / "list.txt", **options)
    assert (tmp_path / "list.txt").read_text() == expected


def test_progress(tmp_path):
    seen = []
    corpus = tmp_path / "c.txt"
    corpus.write_text(NEW_YORK)
    phrases(corpus, tmp_path / "out.txt", min_count=2, threshold=1.0, passes=2,
            on_progress=seen.append)
    size = len(NEW_YORK)
    assert seen == [PhraseProgress("read", size, size), PhraseProgress("pass", 1, 2),
                    PhraseProgress("pass", 2, 2), PhraseProgress("write", 10, 10)]


def test_tiny_tables_and_write_buffers_give_the_same_text(tmp_path, monkeypatch):
    # Tables start at 2 slots and grow many times; the output goes out a token at a time.
    corpus = " ".join(f"w{i % 97} w{(i * 7) % 89}" for i in range(3000)) + "\n"
    corpus = corpus * 2 + "\n\n" + corpus
    expected, stats = _run(tmp_path, corpus, min_count=2, threshold=1.0, passes=2)
    assert stats.passes[0].phrases > 50
    monkeypatch.setattr(phrases_module, "_MIN_TABLE_BITS", 1)
    monkeypatch.setattr(phrases_module, "WRITE_BYTES", 1)
    text, small = _run(tmp_path, corpus, min_count=2, threshold=1.0, passes=2)
    assert text == expected and small == stats


# A plain-Python word2phrase, for the property test: sentences are lists of strings.
def reference(lines, min_count, threshold, passes):
    for _ in range(passes):
        train_words = sum(len(line) for line in lines)
        words = Counter(w for line in lines for w in line)
        pairs = Counter(p for line in lines for p in zip(line, line[1:]))
        joined = []
        for line in lines:
            out, can_start = [], False
            for word in line:
                if can_start and score(words[out[-1]], words[word], pairs[out[-1], word],
                                       train_words, min_count) > threshold:
                    out[-1] += "_" + word
                    can_start = False
                else:
                    out.append(word)
                    can_start = True
            joined.append(out)
        lines = joined
    return lines


_WORDS = st.sampled_from(["a", "b", "c", "d", "a_b", "é", "x", "y"])


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.lists(_WORDS, max_size=12), min_size=1, max_size=30),
       min_count=st.integers(1, 4), threshold=st.sampled_from([0.1, 0.5, 1.0, 2.0, 4.0]),
       passes=st.integers(1, 3))
def test_matches_the_plain_python_reference(tmp_path_factory, lines, min_count, threshold,
                                            passes):
    if not any(lines):
        return
    tmp_path = tmp_path_factory.mktemp("ref")
    text, stats = _run(tmp_path, "\n".join(" ".join(line) for line in lines) + "\n",
                       min_count=min_count, threshold=threshold, passes=passes)
    expected = reference(lines, min_count, threshold, passes)
    assert text == "".join(" ".join(line) + "\n" for line in expected)
    assert stats.tokens_out == sum(len(line) for line in expected)


# gensim 4.4's Phrases. It joins as word2phrase does (left to right; a word just joined
# starts no pair; score > threshold) and counts bigrams within a sentence only. It
# differs in: (1) scoring="default" multiplies by len(vocab) (distinct words + distinct
# bigrams counted) where word2phrase multiplies by the number of tokens N, so gensim at
# threshold t joins what w2v joins at t * N / len(vocab); (2) its counts are a dict
# keyed by the joined text, so in a second pass the token new_york and the unjoined
# pair "new york" share one count (with a delimiter that no token holds, here " ",
# they stay apart and gensim matches w2v); (3) it does not require count(a) and
# count(b) >= min_count, which changes nothing: the pair then scores below 0.

def _generated_sentences(seed=0, count=400):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(30)]
    zipf = 1 / np.arange(1, 31)
    zipf /= zipf.sum()
    planted = [["new", "york", "times"], ["new", "york"], ["san", "francisco"],
               ["los", "angeles", "times"], ["york", "times"], ["new", "jersey"]]
    sentences = []
    for _ in range(count):
        sentence, length = [], rng.integers(3, 16)
        while len(sentence) < length:
            if rng.random() < 0.12:
                sentence += planted[rng.integers(len(planted))]
            else:
                sentence.append(words[rng.choice(30, p=zipf)])
        sentences.append(sentence)
    return sentences


def word2phrase_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count,
                       corpus_word_count):
    """word2phrase's score for gensim: N (corpus_word_count) in place of len(vocab)."""
    return score(worda_count, wordb_count, bigram_count, corpus_word_count, min_count)


def _gensim(sentences, **options):
    from gensim.models.phrases import Phrases

    model = Phrases(sentences, **options)
    return model, [model[s] for s in sentences]


def _w2v(tmp_path, sentences, **options):
    text, _ = _run(tmp_path, "".join(" ".join(s) + "\n" for s in sentences), **options)
    return [line.split(" ") for line in text.splitlines()]


def test_gensim_with_word2phrase_scores_joins_the_same(tmp_path):
    pytest.importorskip("gensim")
    sentences = _generated_sentences()
    # one pass: identical
    _, first = _gensim(sentences, min_count=3, threshold=4.0, scoring=word2phrase_scorer)
    ours = _w2v(tmp_path, sentences, min_count=3, threshold=4.0, passes=1)
    assert ours == first
    formed = Counter(w for s in ours for w in s if "_" in w)
    assert {"new_york", "san_francisco", "los_angeles"} <= set(formed)
    # a second pass over gensim's output, counted under the delimiter " " (see above)
    _, second = _gensim(first, min_count=3, threshold=4.0, scoring=word2phrase_scorer,
                        delimiter=" ")
    second = [[w.replace(" ", "_") for w in s] for s in second]
    ours = _w2v(tmp_path, sentences, min_count=3, threshold=4.0, passes=2)
    assert ours == second
    assert any("new_york_times" in s for s in ours)


def test_gensim_default_scoring_is_w2v_at_a_rescaled_threshold(tmp_path):
    pytest.importorskip("gensim")
    from gensim.models.phrases import original_scorer

    sentences = _generated_sentences(seed=1)
    model, _ = _gensim(sentences, min_count=3, threshold=1.0, scoring="default")
    train_words = sum(len(s) for s in sentences)
    distinct = len(set(w for s in sentences for w in s)) + len(
        set(p for s in sentences for p in zip(s, s[1:])))
    assert model.corpus_word_count == train_words and len(model.vocab) == distinct
    # Pick a gensim threshold halfway between two of its scores, well away from both.
    scores = sorted({original_scorer(model.vocab[a], model.vocab[b], count, len(model.vocab),
                                     3, train_words)
                     for key, count in model.vocab.items() if "_" in key
                     for a, b in [key.split("_")]})
    positive = [s for s in scores if s > 0]
    gaps = [(hi - lo, (lo + hi) / 2) for lo, hi in zip(positive, positive[1:])]
    threshold = max(gaps[len(gaps) // 3:2 * len(gaps) // 3])[1]
    _, theirs = _gensim(sentences, min_count=3, threshold=threshold, scoring="default")
    ours = _w2v(tmp_path, sentences, min_count=3, passes=1,
                threshold=threshold * train_words / len(model.vocab))
    assert ours == theirs
    formed = {w for s in ours for w in s if "_" in w}
    assert 0 < len(formed) < len(positive)  # some pairs that score above 0 stay apart


def test_gensim_counts_a_literal_a_b_token_as_the_pair_a_b(tmp_path):
    pytest.importorskip("gensim")
    # Difference (2) within one pass: x 2, y 2, x y 2, the token x_y 2, N 6. w2v scores
    # x y (2 - 1) / 2 / 2 * 6 = 1.5; gensim's dict adds the literal x_y to the pair's
    # count (as word2phrase.c's table does): (4 - 1) / 2 / 2 * 6 = 4.5.
    sentences = [["x", "y"], ["x", "y"], ["x_y"], ["x_y"]]
    model, theirs = _gensim(sentences, min_count=1, threshold=3.0, scoring=word2phrase_scorer)
    assert model.vocab["x_y"] == 4
    assert theirs == [["x_y"]] * 4
    assert _w2v(tmp_path, sentences, min_count=1, threshold=3.0, passes=1) == sentences


def test_phrases_command(tmp_path):
    from click.testing import CliRunner

    from w2v.cli import cli

    corpus = tmp_path / "c.txt"
    corpus.write_text(("new york times report\n" * 40) + ("the old york road\n" * 3)
                      + ("a new day\n" * 5))
    runner = CliRunner()
    result = runner.invoke(cli, ["phrases", str(corpus), "-o", str(tmp_path / "p.txt"),
                                 "--min-count", "1", "--threshold", "1"])
    assert result.exit_code == 0, result.output
    assert "pass 1:" in result.stderr and "wrote" in result.stderr
    text = (tmp_path / "p.txt").read_text().splitlines()
    assert len(text) == 48 and "new_york" in text[0]
    for args, message in [(["--threshold", "0"], "threshold"), (["--passes", "0"], "passes"),
                          (["--min-count", "0"], "min-count")]:
        bad = runner.invoke(cli, ["phrases", str(corpus), "-o", str(tmp_path / "q.txt"),
                                  *args])
        assert bad.exit_code == 2 and message in bad.output
    missing = runner.invoke(cli, ["phrases", str(tmp_path / "none.txt"), "-o",
                                  str(tmp_path / "q.txt")])
    assert missing.exit_code == 1 and not (tmp_path / "q.txt").exists()
