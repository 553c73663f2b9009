"""GloVe against Stanford's tool: each trains with demo.sh's settings at 100 dimensions
(min-count 5, window 15, x_max 10, 15 epochs, 2 threads; ../shared/PEERS.md) as whole
processes, one after the other, the systems alternating, a seed a round; then both
sets of vectors are scored by the same code.

    W2V_BENCH_GLOVE=../../peers/GloVe/build python benchmarks/glove.py --rounds 2
    python benchmarks/glove.py --systems w2v w2v-0.25 --rounds 1
    python benchmarks/glove.py --same-vectors      # --memory 0.25 against 4, one thread

Stanford's tool: the four programs of the folder $W2V_BENCH_GLOVE names, built from
github.com/stanfordnlp/GloVe with its own makefile (-O3), never committed:
vocab_count, cooccur and shuffle with -memory 4.0, then glove with -model 2 (word +
context vectors, as w2v writes them). Its time is the four programs' together, its
peak RSS the largest of theirs. Its vectors.txt ends with an <unk> row, dropped here.
w2v: ``w2v train --arch glove`` (w2v-0.25: with --memory 0.25), the whole process.

Scores: analogy accuracy on questions-words (w2v.evaluate: the top 30,000 words,
questions with a word outside them skipped; total, semantic and syntactic) and
WordSim353's Spearman. Both vocabularies hold the same words, but words tied in count
come in another order, so that the 30,000 first differ: with W2V_BENCH_GLOVE set, every
system's vectors are scored in the order of Stanford's vocab_count. Needs GNU time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import numpy as np
from peers import Run, arguments, measure

from w2v import KeyedVectors
from w2v.tools import evaluate

SETTINGS = dict(dim=100, min_count=5, window=15, x_max=10, epochs=15, memory=4.0)


def w2v_cmd(corpus: str, out: str, seed: int, threads: int, memory: float) -> list[str]:
    s = SETTINGS
    return [sys.executable, "-m", "w2v", "train", corpus, "-o", out, "--arch", "glove",
            "--dim", str(s["dim"]), "--min-count", str(s["min_count"]),
            "--window", str(s["window"]), "--x-max", str(s["x_max"]),
            "--epochs", str(s["epochs"]), "--threads", str(threads), "--seed", str(seed),
            "--memory", str(memory), "--quiet"]


def stanford(build: str, corpus: str, tmp: str, seed: int, threads: int) -> tuple[Run, str]:
    """Stanford's pipeline; its total time, its largest peak RSS, and the vectors."""
    s = SETTINGS
    vocab, cooc, shuf, save = (os.path.join(tmp, name) for name in
                               ("vocab.txt", "cooc.bin", "cooc.shuf.bin", "vectors"))
    memory = str(s["memory"])
    stages = [
        f"exec {build}/vocab_count -min-count {s['min_count']} -verbose 0 < {corpus} > {vocab}",
        f"exec {build}/cooccur -memory {memory} -vocab-file {vocab} -verbose 0 "
        f"-window-size {s['window']} -overflow-file {tmp}/overflow < {corpus} > {cooc}",
        f"exec {build}/shuffle -memory {memory} -verbose 0 -seed {seed} "
        f"-temp-file {tmp}/temp_shuffle < {cooc} > {shuf}",
        f"exec {build}/glove -input-file {shuf} -vocab-file {vocab} -save-file {save} "
        f"-vector-size {s['dim']} -threads {threads} -iter {s['epochs']} "
        f"-x-max {s['x_max']} -binary 0 -model 2 -seed {seed} -verbose 0",
    ]
    runs = [measure(["sh", "-c", stage]) for stage in stages]
    os.remove(cooc)
    os.remove(shuf)
    print("  Stanford stages (s): " + ", ".join(f"{name} {run.seconds:.0f}" for name, run in
                                               zip(("vocab_count", "cooccur", "shuffle",
                                                    "glove"), runs)), flush=True)
    return Run(sum(r.seconds for r in runs), max(r.peak_rss_mb for r in runs)), save + ".txt"


def read_stanford(path: str) -> KeyedVectors:
    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(" ")
            if parts[0] != "<unk>":
                words.append(parts[0])
                rows.append(np.array(parts[1:], dtype=np.float32))
    return KeyedVectors(words, np.vstack(rows))


def stanford_order(build: str, corpus: str) -> list[str]:
    """The words in the order of Stanford's vocab_count (by count; its own tie order)."""
    with open(corpus, "rb") as text:
        listing = subprocess.run([f"{build}/vocab_count", "-min-count",
                                  str(SETTINGS["min_count"]), "-verbose", "0"],
                                 stdin=text, capture_output=True, check=True).stdout
    return [line.split(b" ")[0].decode("utf-8") for line in listing.splitlines()]


def in_order(kv: KeyedVectors, words: list[str] | None) -> KeyedVectors:
    """``kv`` with its rows in the order of ``words`` (the same words), or as it is."""
    if words is None:
        return kv
    index = {word: i for i, word in enumerate(kv.words)}
    if sorted(index) != sorted(words):
        sys.exit("w2v's and Stanford's vocabularies differ: cannot score them alike")
    return KeyedVectors(words, np.asarray(kv.vectors)[[index[w] for w in words]])


def score(kv: KeyedVectors, eval_dir: str) -> dict:
    analogy = evaluate.analogies(kv, os.path.join(eval_dir, "questions-words.txt"))
    ws = evaluate.word_pairs(kv, os.path.join(eval_dir, "wordsim353.tsv"))
    return {"analogy": analogy.accuracy, "semantic": analogy.semantic.accuracy,
            "syntactic": analogy.syntactic.accuracy, "ws353": ws.spearman}


def same_vectors(corpus: str, tmp: str) -> None:
    """One thread, seed 1: --memory 0.25 against the default, vectors compared."""
    paths = []
    for memory in (SETTINGS["memory"], 0.25):
        out = os.path.join(tmp, f"m{memory}.w2v")
        run = measure(w2v_cmd(corpus, out, 1, 1, memory))
        print(f"--memory {memory}: {run.seconds:.0f} s, peak RSS {run.peak_rss_mb:,.0f} MB",
              flush=True)
        paths.append(out)
    a, b = (np.asarray(KeyedVectors.load(p).vectors) for p in paths)
    print(f"identical vectors: {np.array_equal(a, b)} (largest difference "
          f"{np.abs(a - b).max():.3g})")


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--systems", nargs="+", default=["w2v", "Stanford"],
                        help="of w2v, w2v-0.25 (--memory 0.25), Stanford")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of every system, alternating; round k uses seed k")
    parser.add_argument("--seeds", type=int, nargs="+",
                        help="the rounds' seeds instead [1 .. --rounds]")
    parser.add_argument("--same-vectors", action="store_true",
                        help="only check that --memory 0.25 gives the default's vectors")
    args = parser.parse_args()
    build = os.environ.get("W2V_BENCH_GLOVE")
    if "Stanford" in args.systems and not args.same_vectors and not build:
        sys.exit("set W2V_BENCH_GLOVE to the build folder of Stanford's GloVe")
    with tempfile.TemporaryDirectory(prefix="w2v-glove-") as tmp:
        if args.same_vectors:
            same_vectors(args.corpus, tmp)
            return
        # evaluate.analogies keeps the 30,000 first words. The two vocabularies are the
        # same words, but ties in count are ordered differently: on text8-prefix, 542
        # of those 30,000 words and 62 questions differ. With Stanford's tool at hand,
        # every system is scored with the words in its order.
        order = stanford_order(build, args.corpus) if build else None
        print("| system | seed | analogy | semantic | syntactic | WS353 | time | peak RSS |")
        print("|---|---|---|---|---|---|---|---|")
        for seed in args.seeds or range(1, args.rounds + 1):
            for system in args.systems:
                if system == "Stanford":
                    run, path = stanford(build, args.corpus, tmp, seed, args.threads)
                    kv = read_stanford(path)
                else:
                    path = os.path.join(tmp, "vectors.w2v")
                    memory = 0.25 if system == "w2v-0.25" else SETTINGS["memory"]
                    run = measure(w2v_cmd(args.corpus, path, seed, args.threads, memory))
                    kv = KeyedVectors.load(path)
                s = score(in_order(kv, order), args.eval_dir)
                del kv
                os.remove(path)
                print(f"| {system} | {seed} | {s['analogy']:.2%} | {s['semantic']:.2%} | "
                      f"{s['syntactic']:.2%} | {s['ws353']:.3f} | {run.seconds:.0f} s | "
                      f"{run.peak_rss_mb:,.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
