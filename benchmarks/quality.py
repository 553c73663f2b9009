"""Quality against gensim: train both with the same settings on the shared corpus and
evaluate both with the same evaluator (w2v.evaluate, which tests check against gensim's
own ``evaluate_word_analogies`` / ``evaluate_word_pairs``).

    python benchmarks/quality.py                      # skip-gram and CBOW, 5 epochs
    python benchmarks/quality.py --arch cbow --words 3000000 --epochs 1

gensim runs in corpus_file mode on a copy of the corpus cut into 1,000-word lines: given
text8's single line it silently trains on almost nothing. Needs the bench extra.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
sys.path.insert(0, os.path.dirname(HERE))

from w2v import KeyedVectors, evaluate  # noqa: E402

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5)


def cut_lines(corpus: str, out: str, words: int | None, line_words: int = 1000) -> None:
    """Copy the first ``words`` words of ``corpus`` as lines of ``line_words`` words."""
    with open(corpus, "rb") as f:
        tokens = f.read().split()[:words]
    with open(out, "wb") as f:
        for i in range(0, len(tokens), line_words):
            f.write(b" ".join(tokens[i:i + line_words]) + b"\n")


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def train_w2v(corpus: str, out: str, arch: str, epochs: int, threads: int) -> float:
    s = SETTINGS
    return run([sys.executable, "-m", "w2v", "train", corpus, "-o", out, "--arch", arch,
                "--dim", str(s["dim"]), "--window", str(s["window"]),
                "--negative", str(s["negative"]), "--sample", str(s["sample"]),
                "--min-count", str(s["min_count"]), "--epochs", str(epochs),
                "--threads", str(threads), "--quiet"])


GENSIM = """
import sys
from gensim.models import Word2Vec
corpus, out, sg, epochs, threads = sys.argv[1:]
sg, epochs, threads = int(sg), int(epochs), int(threads)
model = Word2Vec(corpus_file=corpus, sg=sg, vector_size={dim}, window={window},
                 negative={negative}, hs=0, sample={sample}, min_count={min_count},
                 workers=threads, epochs=epochs, alpha=0.025 if sg else 0.05)
model.wv.save_word2vec_format(out, binary=True)
"""


def train_gensim(lines: str, out: str, arch: str, epochs: int, threads: int) -> float:
    return run([sys.executable, "-c", GENSIM.format(**SETTINGS), lines, out,
                str(int(arch == "skipgram")), str(epochs), str(threads)])


def scores(path: str, eval_dir: str) -> tuple[float, float, float]:
    kv = KeyedVectors.load(path)
    analogy = evaluate.analogies(kv, os.path.join(eval_dir, "questions-words.txt")).accuracy
    ws = evaluate.word_pairs(kv, os.path.join(eval_dir, "wordsim353.tsv")).spearman
    simlex = evaluate.word_pairs(kv, os.path.join(eval_dir, "simlex999.txt")).spearman
    return analogy, ws, simlex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpora", "text8-prefix.txt"))
    parser.add_argument("--eval-dir", default=os.path.join(SHARED, "eval"))
    parser.add_argument("--arch", nargs="+", default=["skipgram", "cbow"])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--words", type=int, default=None, help="use only the first N words")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="w2v-quality-") as tmp:
        lines = os.path.join(tmp, "lines.txt")
        cut_lines(args.corpus, lines, args.words)
        corpus = lines if args.words else args.corpus  # w2v reads the original line as is
        rows = []
        for arch in args.arch:
            for name, trainer, source in (("w2v", train_w2v, corpus),
                                          ("gensim 4.4", train_gensim, lines)):
                out = os.path.join(tmp, f"{name.split()[0]}-{arch}.bin")
                seconds = trainer(source, out, arch, args.epochs, args.threads)
                rows.append((name, arch, seconds, *scores(out, args.eval_dir)))
                print(f"{name:10} {arch:8} {seconds:7.1f} s  analogy {rows[-1][3]:.2%}  "
                      f"WS353 {rows[-1][4]:.3f}  SimLex {rows[-1][5]:.3f}", file=sys.stderr)

    print(f"\nSettings: {SETTINGS}, {args.epochs} epochs, {args.threads} threads, "
          f"corpus {os.path.basename(args.corpus)}"
          + (f" (first {args.words:,} words)" if args.words else ""))
    print("\n| system | mode | analogy | WS353 | SimLex-999 | wall time |")
    print("|---|---|---|---|---|---|")
    for name, arch, seconds, analogy, ws, simlex in rows:
        print(f"| {name} | {arch} | {analogy:.1%} | {ws:.3f} | {simlex:.3f} | {seconds:.0f} s |")
    print("\n| mode | analogy: w2v - gensim | WS353: w2v - gensim |")
    print("|---|---|---|")
    for (_, arch, _, a1, w1, _), (_, _, _, a2, w2, _) in zip(rows[::2], rows[1::2]):
        print(f"| {arch} | {(a1 - a2) * 100:+.2f} points | {w1 - w2:+.3f} |")


if __name__ == "__main__":
    main()
