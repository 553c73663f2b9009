"""Document vectors against gensim 4.4's Doc2Vec: IMDB sentiment, the Lee corpus, and
inference, every system's vectors scored by the same code (w2v.tools.docs).

    python benchmarks/docs.py                             # IMDB (dbow, dm), Lee, inference
    python benchmarks/docs.py --tasks imdb --modes dbow --rounds 2
    python benchmarks/docs.py --tasks speed               # PV-DBOW with words, 5 epochs

* IMDB (../shared/docs/imdb.tsv.gz): vectors for all 100,000 reviews, logistic
  regression fitted on the 25,000 train reviews' vectors, accuracy on the 25,000 test
  reviews'. Settings (gensim's IMDB run): 100 dimensions, 20 epochs, negative 5,
  min-count 2, no subsampling, 2 threads; PV-DM (mean) with window 10 and alpha 0.05.
* Lee (lee_background.cor and lee.cor, 350 articles): vectors of 50 dimensions, 40
  epochs, min-count 2 (gensim's Lee tutorial), Pearson's r between the cosines of the
  50 test articles' vectors and the mean human ratings, over --lee-seeds seeds.
* Inference: 1,000 train reviews drawn with a fixed seed, each inferred afresh from
  its text; the share whose nearest trained vector is its own.
* Speed: whole processes (reading, tokenising, training, writing), GNU time.

Both systems train the documents in a shuffled order (w2v's default; gensim's list is
shuffled with the seed): in file order, IMDB's sorted split and labels leak into the
vectors through the drift of the weights over an epoch (docs/algorithms.md).

Words: w2v reads the raw reviews with ``--tokenizer simple``; gensim gets
``simple_preprocess`` tokens of the same text with its ``<br />`` tags taken out (so
neither learns a word "br"). simple_preprocess also drops one-letter words, words of
over 15 letters and digits, so the vocabularies are about, not exactly, the same.
Needs the bench and eval extras (gensim, scikit-learn).
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile

import numpy as np
from peers import SHARED, arguments, measure

from w2v import KeyedVectors
from w2v.tools import docs as doc_eval

IMDB = dict(dim=100, epochs=20, negative=5, min_count=2, sample=0.0, window=5)
DM = dict(window=10, alpha=0.05)  # gensim's IMDB PV-DM run
LEE = dict(dim=50, epochs=40, negative=5, min_count=2, sample=1e-3, window=5)

_GENSIM = """
import random, re, sys
from gensim.models.doc2vec import Doc2Vec, TaggedDocument
from gensim.utils import simple_preprocess
docs, out, mode, threads, dim, epochs, negative, min_count, sample, window, alpha, seed, \
    words = sys.argv[1:]
def read():
    with open(docs, encoding="utf-8") as f:
        for line in f:
            tag, text = line.rstrip("\\n").split("\\t", 1)
            yield TaggedDocument(simple_preprocess(re.sub(r"<br\\s*/?>", " ", text)), [tag])
corpus = list(read())
random.Random(int(seed)).shuffle(corpus)  # as w2v docs train shuffles by default
model = Doc2Vec(corpus, dm=int(mode == "dm"), dm_mean=1, dbow_words=int(words),
                vector_size=int(dim), window=int(window), negative=int(negative), hs=0,
                min_count=int(min_count), sample=float(sample), epochs=int(epochs),
                alpha=float(alpha), workers=int(threads), seed=int(seed))
model.dv.save_word2vec_format(out + ".txt")
model.save(out)
"""


def w2v_cmd(docs: str, out: str, mode: str, threads: int, settings: dict, seed: int,
            words: bool) -> list[str]:
    s = {"alpha": 0.025, **settings}
    return [sys.executable, "-m", "w2v", "docs", "train", docs, "--tagged", "--tokenizer",
            "simple", "-o", out, "--mode", mode, *(["--dbow-words"] if words else []),
            "--dim", str(s["dim"]), "--epochs", str(s["epochs"]), "--negative",
            str(s["negative"]), "--min-count", str(s["min_count"]), "--sample",
            str(s["sample"]), "--window", str(s["window"]), "--alpha", str(s["alpha"]),
            "--threads", str(threads), "--seed", str(seed), "--quiet"]


def gensim_cmd(docs: str, out: str, mode: str, threads: int, settings: dict, seed: int,
               words: bool) -> list[str]:
    s = {"alpha": 0.025, **settings}
    return [sys.executable, "-c", _GENSIM, docs, out, mode, str(threads), str(s["dim"]),
            str(s["epochs"]), str(s["negative"]), str(s["min_count"]), str(s["sample"]),
            str(s["window"]), str(s["alpha"]), str(seed), str(int(words))]


def doc_vectors(system: str, out: str) -> KeyedVectors:
    if system == "w2v":
        return KeyedVectors.load(out).docs
    return KeyedVectors.load(out + ".txt")


def prepare_imdb(path: str, tmp: str) -> tuple[str, str, list[tuple[str, str]]]:
    """The reviews as 'id<TAB>text' lines, the labels file, and all (id, text)."""
    docs, labels = os.path.join(tmp, "imdb-docs.tsv"), os.path.join(tmp, "imdb-labels.tsv")
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f, open(docs, "w", encoding="utf-8") as d, \
            open(labels, "w", encoding="utf-8") as lab:
        for line in f:
            ident, split, label, _, text = line.rstrip("\n").split("\t", 4)
            d.write(f"{ident}\t{text}\n")
            if split in ("train", "test"):
                lab.write(f"{ident}\t{label}\t{split}\n")
            rows.append((ident, text))
    return docs, labels, rows


def prepare_lee(folder: str, tmp: str) -> str:
    """Background and test articles, tagged by line number from 1 (test: 301 to 350)."""
    lines = []
    for name in ("lee_background.cor", "lee.cor"):
        with open(os.path.join(folder, name), encoding="latin-1") as f:
            lines += [line.strip() for line in f if line.strip()]
    path = os.path.join(tmp, "lee.tsv")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(f"{n}\t{text}\n" for n, text in enumerate(lines, 1))
    return path


def inferred_self(system: str, out: str, docs: KeyedVectors, sample: list[tuple[str, str]],
                  tmp: str) -> float:
    """The share of ``sample`` whose inferred vector's nearest trained vector is its own."""
    if system == "w2v":
        from w2v.training.docs import infer

        vectors = infer(KeyedVectors.load(out), [text for _, text in sample], threads=2)
    else:
        import re

        from gensim.models.doc2vec import Doc2Vec
        from gensim.utils import simple_preprocess

        model = Doc2Vec.load(out)
        vectors = np.array([model.infer_vector(simple_preprocess(re.sub(r"<br\s*/?>", " ", t)))
                            for _, t in sample])
    hits = sum(docs.nearest(v, 1)[0][0] == ident for v, (ident, _) in zip(vectors, sample))
    return hits / len(sample)


def main() -> None:
    parser = arguments(__doc__, eval_dir=False)
    parser.add_argument("--docs-dir", default=os.path.join(SHARED, "docs"))
    parser.add_argument("--tasks", nargs="+", default=["imdb", "lee"],
                        help="of imdb, lee, speed")
    parser.add_argument("--modes", nargs="+", default=["dbow", "dm"])
    parser.add_argument("--systems", nargs="+", default=["w2v", "gensim"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--lee-seeds", type=int, default=5)
    parser.add_argument("--speed-epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    build = {"w2v": w2v_cmd, "gensim": gensim_cmd}
    with tempfile.TemporaryDirectory(prefix="w2v-docs-") as tmp:
        out = os.path.join(tmp, "model")
        if "imdb" in args.tasks or "speed" in args.tasks:
            docs, labels, rows = prepare_imdb(os.path.join(args.docs_dir, "imdb.tsv.gz"), tmp)
            train_rows = [r for r in rows if r[0].startswith("train_")]
            pick = np.random.default_rng(0).choice(len(train_rows), 1000, replace=False)
            sample = [train_rows[i] for i in sorted(pick.tolist())]
        if "imdb" in args.tasks:
            print("| mode | system | accuracy | inferred self | time | peak RSS |")
            print("|---|---|---|---|---|---|")
            for mode in args.modes:
                settings = {**IMDB, **(DM if mode == "dm" else {})}
                for seed in range(1, args.rounds + 1):
                    for system in args.systems:
                        path = out + (".w2v" if system == "w2v" else ".model")
                        run = measure(build[system](docs, path, mode, args.threads, settings,
                                                    seed, False))
                        vectors = doc_vectors(system, path)
                        score = doc_eval.classify_docs(vectors, labels)
                        self_share = inferred_self(system, path, vectors, sample, tmp)
                        print(f"| {mode} | {system} | {score.accuracy:.2%} | "
                              f"{self_share:.1%} | {run.seconds:.0f} s | "
                              f"{run.peak_rss_mb:,.0f} MB |", flush=True)
        if "speed" in args.tasks:
            print(f"\nPV-DBOW with word training, {args.speed_epochs} epochs, IMDB")
            print("| system | time | peak RSS |")
            print("|---|---|---|")
            settings = {**IMDB, "epochs": args.speed_epochs}
            for _ in range(args.rounds):
                for system in args.systems:
                    path = out + (".w2v" if system == "w2v" else ".model")
                    run = measure(build[system](docs, path, "dbow", args.threads, settings, 1,
                                                True))
                    print(f"| {system} | {run.seconds:.1f} s | {run.peak_rss_mb:,.0f} MB |",
                          flush=True)
        if "lee" in args.tasks:
            lee = prepare_lee(args.docs_dir, tmp)
            ratings = os.path.join(args.docs_dir, "similarities0-1.txt")
            print("\n| mode | system | Pearson r (mean) | min | max | Spearman (mean) |")
            print("|---|---|---|---|---|---|")
            for mode in args.modes:
                for system in args.systems:
                    path = out + (".w2v" if system == "w2v" else ".model")
                    found = []
                    for seed in range(1, args.lee_seeds + 1):
                        measure(build[system](lee, path, mode, args.threads, LEE, seed, False))
                        found.append(doc_eval.rated_similarity(
                            doc_vectors(system, path), ratings,
                            tags=[str(n) for n in range(301, 351)]))
                    r = [f.pearson for f in found]
                    print(f"| {mode} | {system} | {np.mean(r):.3f} | {min(r):.3f} | "
                          f"{max(r):.3f} | {np.mean([f.spearman for f in found]):.3f} |",
                          flush=True)


if __name__ == "__main__":
    main()
