"""fastText's subword model: n-grams and buckets equal to fastText 0.9.2's own, the
training kernel against a NumPy reference, and planted analogies recovered."""

import fasttext
import numpy as np
import planted
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_kernels import _sig

from w2v import KeyedVectors, TrainConfig, train
from w2v.errors import ConfigError, UnknownWordError
from w2v.text import subwords
from w2v.training import kernels, subword_kernels
from w2v.training.tables import build_alias
from w2v.vectors import ngrams as ngrams_module
from w2v.vectors.ngrams import NgramVectors, ngram_buckets, word_buckets

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
    starts, flat = word_buckets(queries, minn, maxn, 2_000_000)
    for i, word in enumerate(queries):
        _, ids = model.get_subwords(word)
        theirs = [int(x) - len(vocab) for x in ids if x >= len(vocab)]
        assert flat[starts[i]:starts[i + 1]].tolist() == theirs, word


def test_the_table_numbers_the_buckets_used_densely():
    words = ["where", "here", "</s>", "a"]
    table = subwords.subword_table(words, 3, 6, 2_000_000)
    starts, flat = word_buckets(words, 3, 6, 2_000_000)
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


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12))
def test_any_words_n_grams_equal_fasttexts(fasttext_model, word):
    vocab = fasttext_model.words
    _, ids = fasttext_model.get_subwords(word)
    theirs = [int(x) - len(vocab) for x in ids if x >= len(vocab)]
    assert ngram_buckets(word, 3, 6, 2_000_000) == theirs


def test_blocks_of_words_hash_as_one(monkeypatch):
    words = WORDS * 50
    whole = word_buckets(words, 3, 6, 2_000_000)
    monkeypatch.setattr(ngrams_module, "_CHUNK_BYTES", 7)  # a block every word or two
    blocks = word_buckets(words, 3, 6, 2_000_000)
    assert [a.tolist() for a in blocks] == [a.tolist() for a in whole]


def test_an_unseen_words_vector_is_the_mean_of_its_trained_n_grams():
    table = subwords.subword_table(["where", "there"], 3, 6, 2_000_000)
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(len(table.bucket_of), 4)).astype(np.float32)
    ngrams = NgramVectors(rows, table.bucket_of, 3, 6, 2_000_000)
    wanted = ngram_buckets("here", 3, 6, 2_000_000)
    trained = [int(np.searchsorted(table.bucket_of, b)) for b in wanted
               if b in set(table.bucket_of.tolist())]
    assert ngrams.rows("here").tolist() == trained and 0 < len(trained) < len(wanted)
    np.testing.assert_allclose(ngrams.vector("here"), rows[trained].mean(axis=0), rtol=1e-6)
    assert ngrams.vector("qqqq") is None  # nothing trained to answer from


def test_maxn_zero_turns_n_grams_off():
    table = subwords.subword_table(["where", "here"], 3, 0, 2_000_000)
    assert table.rows.tolist() == [0, 1] and table.matrix_rows == 2


def _reference(ids, starts, span, w_in, w_out, tables, settings, seed, table, block):
    """subword_kernels.train_range written plainly in NumPy, drawing the same numbers;
    CBOW's fast path in blocks of ``block`` centre words."""
    keep, accept, alias = tables[:3]
    cbow, exact, _, shrink, _, window, negative, alpha0, alpha1, _, _ = settings
    start, end = span
    state, _ = kernels.next_random(np.uint64(seed))

    def draw():
        nonlocal state
        state, bits = kernels.next_random(np.uint64(state))
        return np.uint64(bits)

    def rows_of(word):
        return table.rows[table.offsets[word]:table.offsets[word + 1]]

    def learn(hidden, targets, labels, alpha):
        """One pass over the targets in order, each scored against ``hidden``; the
        output rows change as it goes; returns the error of ``hidden``."""
        grad = np.zeros_like(hidden)
        for target, label in zip(targets, labels):
            g = np.float32((label - _sig(hidden @ w_out[target])) * alpha)
            grad += g * w_out[target]
            w_out[target] += g * hidden
        return grad

    for s in range(len(starts) - 1):
        lo, hi = max(starts[s], start), min(starts[s + 1], end)
        kept = [(ids[p], p) for p in range(lo, hi)
                if not (keep[ids[p]] < 1.0 and kernels.unit_float(draw()) >= keep[ids[p]])]
        if cbow and not exact:
            for b0 in range(0, len(kept), block):
                b1 = min(len(kept), b0 + block)
                seen = [w for w, _ in kept[max(b0 - window, 0):b1 + window]]
                means = {w: w_in[rows_of(w)].astype(np.float64).mean(axis=0) for w in seen}
                sums = {w: np.zeros(w_in.shape[1]) for w in seen}
                for i in range(b0, b1):
                    center, pos = kept[i]
                    reach = window - kernels.below(draw(), window) if shrink else window
                    context = [kept[j][0] for j in range(max(i - reach, 0),
                                                         min(i + reach + 1, len(kept)))
                               if j != i]
                    if not context:
                        continue
                    alpha = np.float32(alpha0 + (alpha1 - alpha0) / (end - start) * (pos - start))
                    targets = np.empty(negative + 1, dtype=np.int32)
                    count, state = kernels.draw_targets(center, accept, alias, negative,
                                                        targets, np.uint64(state))
                    sizes = [len(rows_of(c)) for c in context]
                    hidden = sum(k * means[c] for k, c in zip(sizes, context)) / sum(sizes)
                    grad = learn(hidden.astype(np.float32), targets[:count],
                                 [1.0] + [0.0] * (count - 1), alpha)
                    for c in context:
                        means[c] += grad
                        sums[c] += grad
                for w, total in sums.items():
                    for r in rows_of(w):
                        w_in[r] += total.astype(np.float32)
            continue
        for i, (center, pos) in enumerate(kept):
            reach = window - kernels.below(draw(), window) if shrink else window
            context = [kept[j][0] for j in range(max(i - reach, 0), min(i + reach + 1,
                                                                        len(kept))) if j != i]
            if not context:
                continue
            alpha = np.float32(alpha0 + (alpha1 - alpha0) / (end - start) * (pos - start))
            if cbow:
                every = np.concatenate([rows_of(c) for c in context])
                targets = np.empty(negative + 1, dtype=np.int32)
                count, state = kernels.draw_targets(center, accept, alias, negative, targets,
                                                    np.uint64(state))
                grad = learn(w_in[every].mean(axis=0), targets[:count],
                             [1.0] + [0.0] * (count - 1), alpha)
                for r in every:
                    w_in[r] += grad
            elif exact:
                for c in context:
                    targets = np.empty(negative + 1, dtype=np.int32)
                    count, state = kernels.draw_targets(c, accept, alias, negative, targets,
                                                        np.uint64(state))
                    grad = learn(w_in[rows_of(center)].mean(axis=0), targets[:count],
                                 [1.0] + [0.0] * (count - 1), alpha)
                    for r in rows_of(center):
                        w_in[r] += grad
            else:
                noise = []
                for _ in range(negative * len(context)):
                    bits = draw()
                    word = kernels.below(bits, len(accept))
                    if kernels.unit_float(bits) >= accept[word]:
                        word = alias[word]
                    if word not in context:
                        noise.append(word)
                grad = learn(w_in[rows_of(center)].mean(axis=0), context + noise,
                             [1.0] * len(context) + [0.0] * len(noise), alpha)
                for r in rows_of(center):
                    w_in[r] += grad


@pytest.mark.parametrize("cbow,exact,shrink,block", [
    (False, False, True, 8), (False, True, True, 8), (True, True, True, 8),
    (True, False, True, 5), (True, False, True, 1024), (True, False, False, 3),
    (False, False, False, 8)])
def test_the_subword_kernel_matches_the_numpy_reference(cbow, exact, shrink, block):
    rng = np.random.default_rng(5)
    words = ["ab", "abc", "bcd", "cd", "abcd", "dcba", "a", "bb", "cab", "</s>"]
    table = subwords.subword_table(words, 2, 3, 7)  # 7 buckets: collisions and repeats
    vocab, dim = len(words), 6
    ids = rng.integers(vocab, size=80).astype(np.int32)
    starts = np.array([0, 7, 30, 31, 80], dtype=np.int64)
    keep = np.where(np.arange(vocab) < 3, 0.5, 1.0).astype(np.float32)
    accept, alias = build_alias(np.full(vocab, 1 / vocab))
    placeholders = (np.zeros((1, 1), np.int32), np.zeros((1, 1), np.float32),
                    np.zeros(1, np.int32))
    tables = (keep, accept, alias, *placeholders)
    w_in = rng.normal(0, 0.3, (table.matrix_rows, dim)).astype(np.float32)
    w_out = rng.normal(0, 0.3, (vocab, dim)).astype(np.float32)
    settings = (cbow, exact, False, shrink, False, 3, 2, 0.05, 0.01, 0, 0)
    span = (4, 75)
    ref_in, ref_out = w_in.copy(), w_out.copy()
    weights = (w_in, w_out, np.zeros((1, dim), np.float32))
    scratch = kernels.scratch_space(span[1] - span[0], 3, 2, dim)
    extra = (table.offsets, table.rows, *subword_kernels.batch_space(3, 2, vocab, dim, block))
    trained = subword_kernels.train_range((ids, starts, np.empty(0, np.int32)), span, weights,
                                          (0, 0, 0),
                                          np.zeros((0, dim), np.float32), tables, settings,
                                          np.uint64(42), scratch, extra)
    _reference(ids, starts, span, ref_in, ref_out, tables, settings, 42, table, block)
    assert 0 < trained <= span[1] - span[0]
    np.testing.assert_allclose(w_in, ref_in, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(w_out, ref_out, rtol=1e-4, atol=1e-5)
    out = np.empty((vocab, dim), np.float32)
    subword_kernels.word_vectors(w_in, table.offsets, table.rows, out)
    for w in range(vocab):
        rows = table.rows[table.offsets[w]:table.offsets[w + 1]]
        np.testing.assert_allclose(out[w], w_in[rows].mean(axis=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("arch,exact", [("skipgram", False), ("skipgram", True),
                                        ("cbow", False)])
def test_subword_vectors_recover_the_planted_analogies(planted_sentences, arch, exact):
    from conftest import PLANTED_CONFIG

    kv = train(planted_sentences, TrainConfig(**{**PLANTED_CONFIG, "arch": arch,
                                                 "exact_negatives": exact, "subwords": True}))
    questions = planted.analogies()
    right = sum(kv.analogy(b, a, c, topn=1)[0][0] == d for a, b, c, d in questions)
    assert right / len(questions) >= 0.95


def test_subwords_default_to_fasttexts_sampling_and_noise():
    plain, sub = TrainConfig(), TrainConfig(subwords=True)
    assert (plain.subsample, plain.noise_exponent) == (1e-3, 0.75)
    assert (sub.subsample, sub.noise_exponent) == (1e-4, 0.5)
    assert (plain.start_alpha, sub.start_alpha) == (0.025, 0.035)
    assert TrainConfig(subwords=True, arch="cbow").start_alpha == 0.06
    given = TrainConfig(subwords=True, sample=0.0, ns_exponent=0.75)
    assert (given.subsample, given.noise_exponent) == (0.0, 0.75)


def test_subword_settings_are_checked():
    for options, field in [({"minn": 0}, "minn"), ({"maxn": 2}, "maxn"),
                           ({"buckets": 0}, "buckets"), ({"hs": True, "negative": 0}, "hs"),
                           ({"cbow_sum": True, "arch": "cbow"}, "cbow_sum"),
                           ({"maxn": 17}, "maxn")]:
        with pytest.raises(ConfigError) as error:
            TrainConfig(subwords=True, **options)
        assert error.value.field == field


def test_the_train_command_trains_subwords_and_checks_their_settings(tmp_path,
                                                                      planted_file):
    from click.testing import CliRunner

    from w2v import KeyedVectors
    from w2v.cli import cli

    runner = CliRunner()
    fast = ["--dim", "12", "--min-count", "1", "--epochs", "1", "--threads", "1", "-q"]
    out = tmp_path / "v.w2v"
    result = runner.invoke(cli, ["train", str(planted_file), *fast, "--subwords",
                                 "--minn", "2", "--maxn", "4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    kv = KeyedVectors.load(out)
    assert kv.metadata["config"]["subwords"] is True
    assert (kv.metadata["config"]["minn"], kv.metadata["config"]["maxn"]) == (2, 4)
    assert kv.dim == 12 and len(kv) == planted.vocab_size()
    result = runner.invoke(cli, ["train", str(planted_file), *fast, "--subwords", "--maxn",
                                 "1", "--minn", "2"])
    assert result.exit_code == 2 and "invalid value for --maxn" in result.output
    plain = tmp_path / "plain.w2v"
    assert runner.invoke(cli, ["train", str(planted_file), *fast, "-o", str(plain)]).exit_code == 0
    result = runner.invoke(cli, ["train", str(planted_file), *fast, "--subwords", "--init",
                                 str(plain), "-o", str(tmp_path / "more.w2v")])
    assert result.exit_code == 2 and "cannot be added to a model trained without them" in \
        result.output
    result = runner.invoke(cli, ["train", str(planted_file), *fast, "--init", str(out),
                                 "--maxn", "5", "-o", str(tmp_path / "more.w2v")])
    assert result.exit_code == 2 and "--maxn: must be the initial model's (4)" in result.output
    result = runner.invoke(cli, ["train", str(planted_file), *fast, "--format", "fasttext",
                                 "-o", str(tmp_path / "ft.bin")])
    assert result.exit_code == 2 and "add --subwords" in result.output
    assert not (tmp_path / "more.w2v").exists() and not (tmp_path / "ft.bin").exists()


@pytest.fixture(scope="module")
def subword_kv(planted_sentences):
    from conftest import PLANTED_CONFIG

    return train(planted_sentences, TrainConfig(**{**PLANTED_CONFIG, "subwords": True}))


def test_a_word_never_seen_gets_the_mean_of_its_trained_n_grams(subword_kv):
    kv = subword_kv
    assert "e1_9" not in kv and kv.ngrams is not None
    _, flat = word_buckets(["e1_9"], 3, 6, 2_000_000)
    table = subwords.subword_table(kv.words, 3, 6, 2_000_000)
    assert kv.ngrams.buckets_used.tolist() == table.bucket_of.tolist()
    trained = [int(np.searchsorted(table.bucket_of, b)) for b in flat
               if b in set(table.bucket_of.tolist())]
    np.testing.assert_allclose(kv["e1_9"], np.asarray(kv.ngrams.vectors)[trained].mean(axis=0),
                               rtol=1e-6)
    # an unseen entity of row 1 lands among row 1's entities, by its n-grams alone
    assert {w for w, _ in kv.most_similar(["e1_9"], topn=3)} <= {f"e1_{c}" for c in range(4)}
    with pytest.raises(UnknownWordError, match="none of its character n-grams was trained"):
        kv["qqqq"]


def test_the_n_grams_live_in_the_w2v_file(subword_kv, tmp_path):
    from click.testing import CliRunner

    from w2v import KeyedVectors
    from w2v.cli import cli

    subword_kv.save(tmp_path / "v.w2v")
    back = KeyedVectors.load(tmp_path / "v.w2v")
    assert isinstance(back.ngrams.vectors, np.memmap)
    assert (back.ngrams.minn, back.ngrams.maxn, back.ngrams.buckets) == (3, 6, 2_000_000)
    np.testing.assert_array_equal(back["e2_9"], subword_kv["e2_9"])
    assert back.most_similar(["e2_9"]) == subword_kv.most_similar(["e2_9"])
    result = CliRunner().invoke(cli, ["similar", "e2_9", "-m", str(tmp_path / "v.w2v"), "-n",
                                      "2"])
    assert result.exit_code == 0
    assert "'e2_9' is not in the vocabulary; its vector is the mean of its trained " \
           "character n-grams" in result.stderr
    assert len(result.stdout.splitlines()) == 2
    result = CliRunner().invoke(cli, ["similar", "qqqq", "-m", str(tmp_path / "v.w2v")])
    assert result.exit_code == 1 and "none of its character n-grams" in result.output
    info = CliRunner().invoke(cli, ["info", str(tmp_path / "v.w2v")]).output
    assert f"{len(back.ngrams.buckets_used):,} trained n-gram rows (3 to 6 characters" in info
    assert "stored (training can continue)" in info
    subword_kv.save(tmp_path / "v.bin")  # word2vec files hold the vocabulary's words only
    assert KeyedVectors.load(tmp_path / "v.bin").ngrams is None


def test_a_subword_file_with_a_bad_header_is_refused(subword_kv, tmp_path):
    import json

    from w2v import KeyedVectors
    from w2v.errors import ModelFileError

    subword_kv.save(tmp_path / "v.w2v")
    data = bytearray((tmp_path / "v.w2v").read_bytes())
    length = int.from_bytes(data[8:16], "little")
    header = json.loads(data[16:16 + length])
    for change in ({"format_version": 1}, {"subwords": {**header["subwords"], "minn": 0}}):
        text = json.dumps({**header, **change}).encode()
        text += b" " * (length - len(text))
        (tmp_path / "bad.w2v").write_bytes(bytes(data[:16]) + text + bytes(data[16 + length:]))
        with pytest.raises(ModelFileError, match="bad.w2v is not a valid w2v model"):
            KeyedVectors.load(tmp_path / "bad.w2v")


def test_a_subword_model_continues_from_where_it_stopped(subword_kv, tmp_path,
                                                        planted_sentences):
    """Its words' own rows come back from their vectors and n-gram rows: with a learning
    rate too small to move anything, continued training gives the same vectors."""
    from w2v import KeyedVectors

    subword_kv.save(tmp_path / "v.w2v")
    init = KeyedVectors.load(tmp_path / "v.w2v")
    config = TrainConfig(dim=init.dim, min_count=1, subwords=True, alpha=1e-9, epochs=1,
                         threads=1)
    again = train(planted_sentences[:200], config, init=init)
    assert sorted(again.words) == sorted(init.words)  # re-sorted by their summed counts
    rows = [init.index[w] for w in again.words]
    np.testing.assert_allclose(again.vectors, np.asarray(init.vectors)[rows], atol=2e-6)
    np.testing.assert_allclose(again.ngrams.vectors, init.ngrams.vectors, atol=1e-6)
    np.testing.assert_array_equal(again.ngrams.buckets_used, init.ngrams.buckets_used)
    np.testing.assert_allclose(again["e1_9"], init["e1_9"], atol=2e-6)  # unseen, by n-grams
    own = init.ngrams.own_rows(init.words, init.vectors)
    np.testing.assert_allclose(init.ngrams.word_vectors(init.words, own), init.vectors,
                               atol=1e-6)
    # new words join with fresh rows, and their new buckets too; the old ones carry over
    more = [s + ["zz_new_word"] for s in planted_sentences[:200]]
    grown = train(more, TrainConfig(**{**config.__dict__, "alpha": 1e-9}), init=init,
                  update_vocab=True)
    assert "zz_new_word" in grown and len(grown) == len(init) + 1
    new_buckets = set(grown.ngrams.buckets_used.tolist()) - set(init.ngrams.buckets_used.tolist())
    assert new_buckets and set(init.ngrams.buckets_used.tolist()) <= \
        set(grown.ngrams.buckets_used.tolist())
    row = grown.index["e1_1"]
    np.testing.assert_allclose(grown.vectors[row], init["e1_1"], atol=2e-6)
    for field, value in [("minn", 2), ("buckets", 1000), ("subwords", False)]:
        with pytest.raises(ConfigError, match="must be the initial model's") as error:
            train(planted_sentences[:10], TrainConfig(**{**config.__dict__, field: value}),
                  init=init)
        assert error.value.field == field


def test_word_pairs_with_unseen_words_are_scored_from_their_n_grams(subword_kv, tmp_path):
    from w2v.tools import evaluate

    kv = subword_kv
    pairs = [("e1_1", "e1_2", 9.0), ("e1_1", "e3_3", 2.0), ("e1_9", "e1_2", 8.0),
             ("e4_9", "e1_0", 1.0), ("qqqq", "e1_1", 0.5), ("r1t1", "r1t2", 7.0)]
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{a}\t{b}\t{s}\n" for a, b, s in pairs))
    result = evaluate.word_pairs(kv, path)

    def cosine(a, b):
        if a == "qqqq":
            return 0.0  # no trained n-gram: a zero vector, as fastText answers
        u, v = kv[a].astype(np.float64), kv[b].astype(np.float64)
        return u @ v / np.linalg.norm(u) / np.linalg.norm(v)

    from scipy.stats import spearmanr

    model = [cosine(a, b) for a, b, _ in pairs]
    gold = [s for _, _, s in pairs]
    assert (result.pairs, result.skipped, result.ngram_pairs) == (6, 0, 3)
    assert result.spearman == pytest.approx(spearmanr(gold, model)[0])
    known = [0, 1, 5]
    assert result.vocabulary_pairs == 3
    assert result.vocabulary_spearman == pytest.approx(
        spearmanr([gold[i] for i in known], [model[i] for i in known])[0])
    plain = KeyedVectors(kv.words, kv.vectors)  # no n-grams: those pairs are skipped
    result = evaluate.word_pairs(plain, path)
    assert (result.pairs, result.skipped, result.ngram_pairs) == (3, 3, 0)
    assert result.vocabulary_spearman is None


def test_analogies_with_unseen_words_are_answered_from_their_n_grams(subword_kv, tmp_path):
    from click.testing import CliRunner

    from w2v.cli import cli
    from w2v.tools import evaluate

    kv = subword_kv
    ranks = sorted(kv.index[planted.entity(r, c)] for r in range(5) for c in range(4))
    restrict = ranks[14]  # most entities are searched; the others are outside

    def searched(q):  # case is ignored
        return all(kv.index.get(w.lower(), restrict) < restrict for w in q)

    unseen = [("e1_0", "e1_9", "e2_0", "e2_9"), ("e1_9", "e1_1", "e3_9", "e3_1"),
              ("e1_0", "qqqq", "e2_0", "e2_1"), ("E1_0", "E1_1", "E2_0", "E2_1"),
              ("E4_2", "E4_3", "E3_2", "E3_3")]
    questions = planted.analogies() + unseen
    path = tmp_path / "q.txt"
    path.write_text(": grid\n" + "".join(" ".join(q) + "\n" for q in questions))
    result = evaluate.analogies(kv, path, restrict=restrict)
    inside = [q for q in questions if searched(q)]
    skipped = [q for q in questions if not searched(q)]
    assert len(inside) >= 5 and len(skipped) >= 50

    def right(a, b, c, d):
        a, b, c, d = (w.lower() for w in (a, b, c, d))  # the spellings the model has
        if "qqqq" in (a, b, c):
            return False  # no vector to answer with
        return kv.most_similar([b, c], [a], topn=1, restrict=restrict)[0][0] == d

    assert (result.answered, result.skipped) == (len(inside), len(skipped))
    assert result.correct == sum(right(*q) for q in inside)
    assert result.overall.ngram_correct == sum(right(*q) for q in skipped)
    assert 0 < result.overall.ngram_correct < len(skipped)
    assert result.accuracy_with_ngrams == pytest.approx(
        (result.correct + result.overall.ngram_correct) / len(questions))
    plain = evaluate.analogies(KeyedVectors(kv.words, kv.vectors), path, restrict=restrict)
    assert (plain.correct, plain.answered, plain.skipped) == \
        (result.correct, result.answered, result.skipped)
    assert plain.accuracy_with_ngrams is None
    kv.save(tmp_path / "v.w2v")
    shown = CliRunner().invoke(cli, ["eval", "-m", str(tmp_path / "v.w2v"), "--analogies",
                                     str(path), "--restrict", str(restrict)]).output
    assert f"the {len(skipped)} skipped questions answered from the whole vocabulary and " \
           f"n-grams: {result.overall.ngram_correct} right" in shown
