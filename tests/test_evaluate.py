"""w2v.tools.evaluate against gensim 4.4's evaluators on the same vectors."""

import os

import numpy as np
import planted
import pytest
from conftest import EVAL

from w2v import KeyedVectors
from w2v.errors import EvaluationError
from w2v.tools import evaluate

QUESTIONS = os.path.join(EVAL, "questions-words.txt")


def _gensim(kv, tmp_path):
    from gensim.models import KeyedVectors as GensimKV

    kv.save(tmp_path / "v.bin")
    return GensimKV.load_word2vec_format(str(tmp_path / "v.bin"), binary=True)


def _assert_same_analogies(ours, g_score, g_sections):
    g_sections = g_sections[:-1]  # the last one is the total
    assert [s.name for s in ours.sections] == [s["section"] for s in g_sections]
    assert [s.correct for s in ours.sections] == [len(s["correct"]) for s in g_sections]
    assert [s.answered for s in ours.sections] == [
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
    assert ours.correct > 0 and ours.questions == 19544


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
    path.write_text("a b c\n: s\na b c d\na b c zz\n\nonly three words\n")
    result = evaluate.analogies(kv, path)
    assert (result.answered, result.skipped, result.malformed_lines) == (1, 1, [1, 6])
    assert result.accuracy_all == result.correct / 2


def test_a_byte_order_mark_before_the_first_line_is_dropped(tmp_path):
    kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))
    path = tmp_path / "q.txt"
    path.write_bytes(b"\xef\xbb\xbf: s\na b c d\n")
    result = evaluate.analogies(kv, path)
    assert (result.answered, result.malformed_lines) == (1, [])


def test_semantic_and_syntactic_sections(tmp_path):
    kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))
    path = tmp_path / "q.txt"
    path.write_text(": capital\na b c d\nb c d a\n: gram1-x\na c b d\n: family\nzz a b c\n")
    result = evaluate.analogies(kv, path)
    assert [s.name for s in result.sections] == ["capital", "gram1-x", "family"]
    assert (result.semantic.answered, result.semantic.skipped) == (2, 1)
    assert (result.syntactic.answered, result.syntactic.skipped) == (1, 0)
    data = result.to_dict()
    assert data["questions"] == 4 and data["semantic"]["answered"] == 2
    assert [s["name"] for s in data["sections"]] == ["capital", "gram1-x", "family"]


def _reference_mul(kv, path, restrict):
    """3CosMul one question at a time, with gensim's top-5 rule for other spellings."""
    n = min(restrict, len(kv))
    index = {}
    for i, w in enumerate(kv.words[:n]):
        index.setdefault(w.upper(), i)
    unit = kv.unit[:n].astype(np.float64)
    correct = answered = 0
    for line in open(path):
        words = line.upper().split()
        if line.startswith(":") or len(words) != 4 or not all(w in index for w in words):
            continue
        a, b, c, d = (index[w] for w in words)
        cos = (unit @ unit[[a, b, c]].T + 1) / 2
        scores = cos[:, 1] * cos[:, 2] / (cos[:, 0] + 0.001)
        scores[[a, b, c]] = -np.inf
        ranked = np.argsort(-scores, kind="stable")[:5]
        names = [kv.words[i].upper() for i in ranked]
        pick = next((x for x in names if x not in words[:3]), names[-1])
        correct += pick == words[3]
        answered += 1
    return correct, answered


def test_3cosmul_equals_a_per_question_reference(question_vocab_kv):
    ours = evaluate.analogies(question_vocab_kv, QUESTIONS, restrict=3000, method="mul")
    assert (ours.correct, ours.answered) == _reference_mul(question_vocab_kv, QUESTIONS, 3000)
    add = evaluate.analogies(question_vocab_kv, QUESTIONS, restrict=3000)
    assert ours.answered == add.answered and ours.correct != add.correct


def test_3cosmul_on_trained_vectors(planted_kv, tmp_path):
    questions = tmp_path / "q.txt"
    planted.write_questions(questions)
    ours = evaluate.analogies(planted_kv, questions, method="mul")
    assert (ours.correct, ours.answered) == _reference_mul(planted_kv, questions, 30000)
    assert ours.accuracy > 0.9


def test_no_usable_question_is_a_clear_error(tmp_path):
    kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))
    path = tmp_path / "q.txt"
    path.write_text(": s\na b c zz\n")
    with pytest.raises(EvaluationError, match="none of its 1 questions has all four words"):
        evaluate.analogies(kv, path)
    path.write_text("king\tqueen\t8.5\n")
    with pytest.raises(EvaluationError, match="no analogy questions"):
        evaluate.analogies(kv, path)
    with pytest.raises(EvaluationError, match="cannot read"):
        evaluate.analogies(kv, tmp_path / "missing.txt")


def test_word_pairs_count_malformed_lines_and_refuse_an_empty_overlap(tmp_path):
    kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32) + 0.1)
    path = tmp_path / "p.tsv"
    path.write_text("# comment\na\tb\t1.0\na\tc\tnot-a-number\nb c 3\na\tc\t2\nb\tzz\t1\n")
    result = evaluate.word_pairs(kv, path)
    assert (result.pairs, result.skipped, result.malformed_lines) == (2, 1, [3, 4])
    path.write_text("x\ty\t1\nb\tzz\t2\n")
    with pytest.raises(EvaluationError, match="0 of its 2 word pairs"):
        evaluate.word_pairs(kv, path)


def test_w2v_eval_equals_gensim_on_gensim_trained_vectors_in_c_tool_layout(
        planted_sentences, tmp_path):
    """Vectors trained by gensim, written the way the word2vec C tool writes them
    (``</s>`` first), scored by `w2v eval --json` and by gensim's evaluators."""
    import json

    from click.testing import CliRunner
    from gensim.models import KeyedVectors as GensimKV
    from gensim.models import Word2Vec

    from w2v.cli import cli

    model = Word2Vec(planted_sentences, vector_size=20, min_count=1, sample=0, epochs=3,
                     workers=1, seed=1)
    words = ["</s>", *model.wv.index_to_key]
    vectors = np.vstack([np.full((1, 20), 0.01, np.float32), model.wv.vectors])
    path = tmp_path / "c-layout.bin"
    KeyedVectors(words, vectors).save(path)
    questions, pairs = tmp_path / "q.txt", tmp_path / "p.tsv"
    planted.write_questions(questions)
    rng = np.random.default_rng(2)
    pairs.write_text("".join(f"{a}\t{b}\t{rng.uniform(0, 10):.2f}\n" for a, b, *_ in
                             planted.analogies()[::7]))

    result = CliRunner().invoke(cli, ["eval", "-m", str(path), "--analogies", str(questions),
                                      "--similarity", str(pairs), "--json"])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.output)
    g = GensimKV.load_word2vec_format(str(path), binary=True)
    g_score, _ = g.evaluate_word_analogies(str(questions), restrict_vocab=30000)
    pearson, spearman, _ = g.evaluate_word_pairs(str(pairs))
    assert round(ours["analogies"][0]["accuracy"], 4) == round(g_score, 4)
    assert g_score > 0.5  # trained vectors, not noise
    assert round(ours["similarity"][0]["spearman"], 4) == round(spearman.statistic, 4)
    assert round(ours["similarity"][0]["pearson"], 4) == round(pearson.statistic, 4)
