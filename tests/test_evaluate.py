"""w2v.evaluate against gensim 4.4's evaluators on the same vectors."""

import os

import numpy as np
import planted
import pytest
from conftest import EVAL

from w2v import KeyedVectors, evaluate

QUESTIONS = os.path.join(EVAL, "questions-words.txt")


def _gensim(kv, tmp_path):
    from gensim.models import KeyedVectors as GensimKV

    kv.save(tmp_path / "v.bin")
    return GensimKV.load_word2vec_format(str(tmp_path / "v.bin"), binary=True)


def _assert_same_analogies(ours, g_score, g_sections):
    g_sections = g_sections[:-1]  # the last one is the total
    assert [s.name for s in ours.sections] == [s["section"] for s in g_sections]
    assert [s.correct for s in ours.sections] == [len(s["correct"]) for s in g_sections]
    assert [s.total for s in ours.sections] == [
        len(s["correct"]) + len(s["incorrect"]) for s in g_sections]
    assert ours.accuracy == pytest.approx(g_score, abs=1e-12)


@pytest.fixture(scope="module")
def question_vocab_kv():
    """Random vectors over the words of the benchmark files, some in two spellings."""
    words = []
    for line in open(QUESTIONS):
        if not line.startswith(":"):
            words += [w.lower() for w in line.split()]
    for name in ("wordsim353.tsv", "simlex999.txt"):
        for line in open(os.path.join(EVAL, name)):
            if not line.startswith("#"):
                pair = [w.lower() for w in line.split("\t")[:2]]
                words += pair if len(words) % 3 else pair[:1]  # some pairs left out
    words = list(dict.fromkeys(words))
    words[100:100] = [w.capitalize() for w in words[:40]]  # less frequent other spellings
    rng = np.random.default_rng(1)
    return KeyedVectors(words, rng.normal(size=(len(words), 4)).astype(np.float32))


@pytest.mark.parametrize("restrict", [30000, 500])
def test_analogies_equal_gensim_on_questions_words(question_vocab_kv, tmp_path, restrict):
    kv = question_vocab_kv
    g = _gensim(kv, tmp_path)
    ours = evaluate.analogies(kv, QUESTIONS, restrict=restrict)
    g_score, g_sections = g.evaluate_word_analogies(QUESTIONS, restrict_vocab=restrict)
    _assert_same_analogies(ours, g_score, g_sections)
    assert ours.correct > 0 and ours.total + ours.skipped == 19544


def test_analogies_equal_gensim_on_trained_vectors(planted_kv, tmp_path):
    questions = tmp_path / "q.txt"
    planted.write_questions(questions)
    ours = evaluate.analogies(planted_kv, questions)
    _assert_same_analogies(ours, *_gensim(planted_kv, tmp_path).evaluate_word_analogies(
        str(questions)))
    assert ours.accuracy > 0.9


@pytest.mark.parametrize("name", ["wordsim353.tsv", "simlex999.txt"])
def test_word_pairs_equal_gensim(question_vocab_kv, tmp_path, name):
    path = os.path.join(EVAL, name)
    pearson, spearman, oov = _gensim(question_vocab_kv, tmp_path).evaluate_word_pairs(path)
    ours = evaluate.word_pairs(question_vocab_kv, path)
    assert ours.spearman == pytest.approx(spearman.statistic, abs=1e-9)
    assert ours.pearson == pytest.approx(pearson.statistic, abs=1e-6)
    assert ours.skipped / (ours.pairs + ours.skipped) * 100 == pytest.approx(oov)
    assert ours.pairs > 10


def test_spearman_handles_ties():
    from scipy.stats import spearmanr

    x = np.array([1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 5.0])
    y = np.array([2.0, 1.0, 4.0, 4.0, 3.0, 7.0, 6.0])
    assert evaluate._pearson(evaluate._ranks(x), evaluate._ranks(y)) == pytest.approx(
        spearmanr(x, y).statistic)


def test_malformed_and_skipped_lines_are_counted(tmp_path):
    kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))
    path = tmp_path / "q.txt"
    path.write_text("a b c\n: s\na b c d\na b c zz\nonly three words\n")
    result = evaluate.analogies(kv, path)
    assert (result.total, result.skipped, result.malformed) == (1, 1, 2)
