"""Subword models against fastText 0.9.2 and gensim 4.4's FastText: each trains with
the same settings (dim 100, window 5, negative 5, min-count 5, n-grams of 3 to 6
characters, 2,000,000 buckets, 5 epochs, 2 threads; each system's own defaults
otherwise) as a whole process that writes its model, one after the other, the
systems alternating; then every model is scored by the same code.

    python benchmarks/subwords.py                    # skip-gram and CBOW
    python benchmarks/subwords.py --arch skipgram --rounds 2
    python benchmarks/subwords.py --arch skipgram --systems w2v w2v-exact

Scores: analogy accuracy on questions-words (w2v.evaluate: the top 30,000 words,
questions with a word outside them skipped; total and syntactic), WordSim353, and
Rare Words (../shared/eval/rw.tsv) over all 2,034 pairs, each system answering for
the words outside its vocabulary from their n-grams its own way (w2v: the mean of the
trained n-grams; fastText and gensim: the mean of all of them, untrained buckets
included), and over the pairs whose words are all in its vocabulary. fastText and
gensim read the corpus in 1,000-word lines (../shared/PEERS.md); w2v reads it as it is.
Needs the bench extra (gensim, fastText).
"""

from __future__ import annotations

import os
import sys
import tempfile

import numpy as np
from peers import arguments, cut_lines, measure

from w2v import KeyedVectors
from w2v.tools import evaluate

SETTINGS = dict(dim=100, window=5, negative=5, min_count=5, minn=3, maxn=6,
                buckets=2_000_000, epochs=5)

_FASTTEXT = """
import sys
import fasttext
lines, out, arch, threads = sys.argv[1:]
model = fasttext.train_unsupervised(lines, model=arch, dim={dim}, ws={window}, neg={negative},
                                    minCount={min_count}, minn={minn}, maxn={maxn},
                                    bucket={buckets}, epoch={epochs}, thread=int(threads),
                                    verbose=0)
model.save_model(out)
"""

_GENSIM = """
import sys
from gensim.models import FastText
lines, out, arch, threads = sys.argv[1:]
model = FastText(corpus_file=lines, sg=int(arch == "skipgram"), vector_size={dim},
                 window={window}, negative={negative}, min_count={min_count}, min_n={minn},
                 max_n={maxn}, bucket={buckets}, epochs={epochs}, workers=int(threads))
model.save(out)
"""


def commands(system: str, corpus: str, lines: str, out: str, arch: str,
             threads: int) -> list[str]:
    s = SETTINGS
    if system.startswith("w2v"):  # w2v-exact: fastText's per-pair update, for skip-gram
        extra = ["--exact-negatives"] if system == "w2v-exact" else []
        return [sys.executable, "-m", "w2v", "train", corpus, "-o", out, "--subwords", *extra,
                "--arch", arch, "--dim", str(s["dim"]), "--window", str(s["window"]),
                "--negative", str(s["negative"]), "--min-count", str(s["min_count"]),
                "--minn", str(s["minn"]), "--maxn", str(s["maxn"]),
                "--buckets", str(s["buckets"]), "--epochs", str(s["epochs"]),
                "--threads", str(threads), "--quiet"]
    script = {"fastText": _FASTTEXT, "gensim": _GENSIM}[system].format(**s)
    return [sys.executable, "-c", script, lines, out, arch, str(threads)]


def open_model(system: str, path: str):
    """The model's vocabulary, its word vectors, and its own answer for any word."""
    if system.startswith("w2v"):
        kv = KeyedVectors.load(path)
        return kv.words, np.asarray(kv.vectors), lambda word: kv.ngrams.vector(word)
    if system == "fastText":
        import fasttext

        model = fasttext.load_model(path)
        words = model.get_words()
        return words, np.array([model.get_word_vector(w) for w in words]), \
            model.get_word_vector
    from gensim.models import FastText

    wv = FastText.load(path).wv
    return list(wv.index_to_key), np.asarray(wv.vectors), lambda word: wv[word]


def score(system: str, path: str, eval_dir: str, tmp: str) -> dict:
    words, vectors, vector = open_model(system, path)
    kv = KeyedVectors(words, vectors)
    analogy = evaluate.analogies(kv, os.path.join(eval_dir, "questions-words.txt"))
    ws = evaluate.word_pairs(kv, os.path.join(eval_dir, "wordsim353.tsv"))
    rw = os.path.join(eval_dir, "rw.tsv")
    pairs = [line.rstrip("\n").split("\t") for line in open(rw, encoding="utf-8")]
    unseen = sorted({w for a, b, _ in pairs for w in (a, b)} - set(kv.index))
    rows = [vector(w) for w in unseen]  # w2v: None when no n-gram was trained
    known = [w for w, row in zip(unseen, rows) if row is not None]
    every = KeyedVectors(words + known, np.vstack([vectors] + [r for r in rows
                                                               if r is not None]))
    zero = [w for w, row in zip(unseen, rows) if row is None]
    if zero:  # scored as cosine 0, as fastText answers with a zero vector
        every = KeyedVectors(every.words + zero,
                             np.vstack([every.vectors, np.zeros((len(zero), kv.dim))]))
    inside = os.path.join(tmp, "rw-inside.tsv")
    with open(inside, "w", encoding="utf-8") as f:
        f.writelines("\t".join(p) + "\n" for p in pairs
                     if p[0] in kv.index and p[1] in kv.index)
    return {"analogy": analogy.accuracy, "syntactic": analogy.syntactic.accuracy,
            "ws353": ws.spearman, "rw_all": evaluate.word_pairs(every, rw).spearman,
            "rw_pairs": evaluate.word_pairs(every, rw).pairs,
            "rw_inside": evaluate.word_pairs(kv, inside).spearman,
            "rw_inside_pairs": evaluate.word_pairs(kv, inside).pairs}


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--arch", nargs="+", default=["skipgram", "cbow"])
    parser.add_argument("--systems", nargs="+", default=["w2v", "fastText", "gensim"],
                        help="of w2v, w2v-exact (--exact-negatives), fastText, gensim")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each system, alternating; the table shows each run")
    args = parser.parse_args()
    suffix = {"w2v": ".w2v", "w2v-exact": ".w2v", "fastText": ".bin", "gensim": ".model"}
    print("| model | system | analogy | syntactic | WS353 | RW, all pairs | RW, in vocabulary "
          "| time | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="w2v-subwords-") as tmp:
        lines = os.path.join(tmp, "lines.txt")
        cut_lines(args.corpus, lines, None)
        for arch in args.arch:
            for _ in range(args.rounds):
                for system in args.systems:
                    out = os.path.join(tmp, "model" + suffix[system])
                    run = measure(commands(system, args.corpus, lines, out, arch,
                                           args.threads))
                    s = score(system, out, args.eval_dir, tmp)
                    print(f"| {arch} | {system} | {s['analogy']:.2%} | {s['syntactic']:.2%} | "
                          f"{s['ws353']:.3f} | {s['rw_all']:.3f} ({s['rw_pairs']:,}) | "
                          f"{s['rw_inside']:.3f} ({s['rw_inside_pairs']:,}) | "
                          f"{run.seconds:.0f} s | {run.peak_rss_mb:,.0f} MB |", flush=True)
                    for name in os.listdir(tmp):
                        if name.startswith("model"):
                            os.remove(os.path.join(tmp, name))


if __name__ == "__main__":
    main()
