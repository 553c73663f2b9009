"""Quality against gensim and fastText: train with the same settings on the shared corpus and score
every system with the same evaluator (w2v.evaluate, which the tests check against
gensim's own ``evaluate_word_analogies`` / ``evaluate_word_pairs``).

    python benchmarks/quality.py                      # skip-gram and CBOW, 5 epochs
    python benchmarks/quality.py --arch cbow --words 3000000 --epochs 1
    python benchmarks/quality.py --arch skipgram --seeds 1 2 3

For skip-gram it also trains w2v --exact-negatives (word2vec.c's per-pair update), so
the fast path's shortcut is measured against the exact algorithm. Needs the bench
extra (gensim, fastText).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile

from peers import (
    SETTINGS,
    arguments,
    cut_lines,
    fasttext_cmd,
    gensim_cmd,
    measure,
    scores,
    w2v_cmd,
)


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--arch", nargs="+", default=["skipgram", "cbow"])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1],
                        help="w2v seeds; the table shows the mean (gensim runs once)")
    parser.add_argument("--words", type=int, default=None, help="use only the first N words")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="w2v-quality-") as tmp:
        lines = os.path.join(tmp, "lines.txt")
        cut_lines(args.corpus, lines, args.words)
        corpus = lines if args.words else args.corpus  # w2v reads text8's one line as is
        for arch in args.arch:
            systems = [("w2v", [])] + ([("w2v --exact-negatives", ["--exact-negatives"])]
                                       if arch == "skipgram" else [])
            for name, extra in systems:
                results = []
                for seed in args.seeds:
                    out = os.path.join(tmp, "w2v.bin")
                    run = measure(w2v_cmd(corpus, out, arch, args.epochs, args.threads,
                                          "--seed", str(seed), *extra))
                    results.append((run.seconds, *scores(out, args.eval_dir)))
                    print(f"{name} {arch} seed {seed}: {results[-1]}", file=sys.stderr)
                rows.append((name, arch, *[statistics.mean(c) for c in zip(*results)]))
            out = os.path.join(tmp, "gensim.bin")
            run = measure(gensim_cmd(lines, out, arch, args.epochs, args.threads))
            rows.append(("gensim 4.4", arch, run.seconds, *scores(out, args.eval_dir)))
            print(f"gensim {arch}: {rows[-1]}", file=sys.stderr)
            out = os.path.join(tmp, "fasttext.bin")
            run = measure(fasttext_cmd(lines, out, arch, args.epochs, args.threads))
            rows.append(("fastText 0.9.2", arch, run.seconds, *scores(out, args.eval_dir)))
            print(f"fastText {arch}: {rows[-1]}", file=sys.stderr)

    seeds = f", w2v mean of seeds {' '.join(map(str, args.seeds))}" if len(args.seeds) > 1 else ""
    print(f"Settings: {SETTINGS}, {args.epochs} epochs, {args.threads} threads, corpus "
          f"{os.path.basename(args.corpus)}"
          + (f" (first {args.words:,} words)" if args.words else "") + seeds)
    print("\n| system | mode | analogy | WS353 | SimLex-999 | wall time |")
    print("|---|---|---|---|---|---|")
    for name, arch, seconds, analogy, ws, simlex in rows:
        print(f"| {name} | {arch} | {analogy:.2%} | {ws:.3f} | {simlex:.3f} | {seconds:.0f} s |")
    gensim = {arch: (a, w) for name, arch, _, a, w, _ in rows if name == "gensim 4.4"}
    print("\n| system | mode | analogy − gensim | WS353 − gensim |")
    print("|---|---|---|---|")
    for name, arch, _, analogy, ws, _ in rows:
        if name != "gensim 4.4":
            print(f"| {name} | {arch} | {(analogy - gensim[arch][0]) * 100:+.2f} points | "
                  f"{ws - gensim[arch][1]:+.3f} |")


if __name__ == "__main__":
    main()
