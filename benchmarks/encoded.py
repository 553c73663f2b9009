"""Training from an encoded corpus (w2v encode): peak memory and time against training
from the text and against gensim's corpus_file mode, and a corpus ten times larger.

    python benchmarks/encoded.py                     # text8-prefix, 1 epoch, 3 rounds
    python benchmarks/encoded.py --scale 10 --rounds 1
    python benchmarks/encoded.py --vocab-memory 0.01 0.1 --scale 10 --rounds 0

Every system trains skip-gram with peers.SETTINGS, 2 threads, as a whole process: w2v
on the text, w2v on its encoding (``w2v encode``, made once, timed apart), and gensim
4.4 in corpus_file mode on the text cut into 1,000-word lines. The systems alternate
within each round; the ratios to gensim's peak RSS and time are taken round by round
and their median printed.

--scale N: the corpus repeated N times (a line each), encoded with --min-count 5 N so
that the vocabulary is the same words as the corpus's own at 5, then trained from its
encoding for one epoch: its peak RSS against the single corpus's encoding, only the
corpus having grown. Also checked: with one thread and seed 1, the encoding gives the
text's vectors bit for bit.

--vocab-memory GB...: the corpus (and with --scale, the larger one) encoded again
within each budget (two passes, the ids streamed to the file): time and peak RSS
against the one-pass encoding, and what pruning cost against its exact vocabulary:
words lost, counts that fall short, the largest shortfall and the bound the file
states.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile

import numpy as np
from peers import SETTINGS, Run, arguments, cut_lines, gensim_cmd, measure, w2v_cmd

from w2v import KeyedVectors
from w2v.text import encoded


def encode(corpus: str, out: str, min_count: int, *extra: str) -> Run:
    return measure([sys.executable, "-m", "w2v", "encode", corpus, "-o", out,
                    "--min-count", str(min_count), *extra])


def bounded(corpus: str, exact: str, made: Run, min_count: int, budgets: list[float],
            tmp: str) -> None:
    """Encode ``corpus`` within each budget; print time, peak RSS and the words and
    counts against the exact encoding ``exact`` (made in ``made``)."""
    truth = encoded.read(exact).vocab
    true = dict(zip(truth.words, truth.counts.tolist()))
    print("\n| encoding | time | peak RSS | words | lost | counts short | largest "
          "shortfall | stated bound | prunes |\n|---|---|---|---|---|---|---|---|---|")
    print(f"| one pass | {made.seconds:.1f} s | {made.peak_rss_mb:,.0f} MB | {len(true):,} "
          "| | | | | |")
    for budget in budgets:
        out = os.path.join(tmp, "bounded.w2vc")
        run = encode(corpus, out, min_count, "--vocab-memory", str(budget))
        read = encoded.read(out)
        short = [true[w] - c for w, c in zip(read.vocab.words, read.vocab.counts.tolist())]
        assert min(short, default=0) >= 0 and set(read.vocab.words) <= set(true)
        print(f"| --vocab-memory {budget:g} | {run.seconds:.1f} s | {run.peak_rss_mb:,.0f} MB "
              f"| {len(read.vocab):,} | {len(true) - len(read.vocab):,} | "
              f"{sum(d > 0 for d in short):,} | {max(short, default=0):,} | "
              f"{read.facts['count_shortfall']:,} | {read.facts['prunes']:,} |", flush=True)
        os.remove(out)


def row(name: str, runs: list[Run], gensim: list[Run] | None) -> str:
    seconds = statistics.median(r.seconds for r in runs)
    rss = statistics.median(r.peak_rss_mb for r in runs)
    if gensim is None:
        return f"| {name} | {seconds:.1f} s | {rss:,.0f} MB | | |"
    time_ratio = statistics.median(r.seconds / g.seconds for r, g in zip(runs, gensim))
    rss_ratio = statistics.median(r.peak_rss_mb / g.peak_rss_mb for r, g in zip(runs, gensim))
    return f"| {name} | {seconds:.1f} s | {rss:,.0f} MB | {time_ratio:.2f} | {rss_ratio:.2f} |"


def main() -> None:
    parser = arguments(__doc__, eval_dir=False)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=0,
                        help="also train on the corpus repeated this many times")
    parser.add_argument("--vocab-memory", type=float, nargs="+", default=[], metavar="GB",
                        help="also encode within these budgets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="w2v-encoded-") as tmp:
        encoding = os.path.join(tmp, "corpus.w2vc")
        made = encode(args.corpus, encoding, SETTINGS["min_count"])
        print(f"w2v encode: {made.seconds:.1f} s, peak RSS {made.peak_rss_mb:,.0f} MB, "
              f"{os.path.getsize(encoding) / 1e6:,.0f} MB written", flush=True)
        if args.vocab_memory:
            bounded(args.corpus, encoding, made, SETTINGS["min_count"], args.vocab_memory, tmp)
        lines = os.path.join(tmp, "lines.txt")
        cut_lines(args.corpus, lines, None)
        out = os.path.join(tmp, "vectors.bin")
        systems = {
            "w2v, text": lambda: measure(w2v_cmd(args.corpus, out, "skipgram", args.epochs, 2)),
            "w2v, .w2vc": lambda: measure(w2v_cmd(encoding, out, "skipgram", args.epochs, 2)),
            "gensim corpus_file": lambda: measure(gensim_cmd(lines, out, "skipgram",
                                                             args.epochs, 2)),
        }
        runs: dict[str, list[Run]] = {name: [] for name in systems}
        for _ in range(args.rounds):
            for name, run in systems.items():
                runs[name].append(run())
        if args.rounds:
            print(f"\nskip-gram, {args.epochs} epoch(s), 2 threads, median of {args.rounds} "
                  "rounds (ratios to gensim's taken round by round):\n")
            print("| system | time | peak RSS | time / gensim | RSS / gensim |")
            print("|---|---|---|---|---|")
            for name in systems:
                print(row(name, runs[name], runs["gensim corpus_file"]))

        same = []
        for corpus in (args.corpus, encoding):
            path = os.path.join(tmp, f"same{len(same)}.w2v")
            measure(w2v_cmd(corpus, path, "skipgram", 1, 1, "--seed", "1"))
            same.append(np.asarray(KeyedVectors.load(path).vectors))
        print(f"\none thread, seed 1: the encoding gives the text's vectors: "
              f"{np.array_equal(*same)}", flush=True)

        if args.scale:
            big = os.path.join(tmp, "big.txt")
            with open(big, "wb") as dst:
                for _ in range(args.scale):
                    with open(args.corpus, "rb") as src:
                        shutil.copyfileobj(src, dst)
                    dst.write(b"\n")
            big_encoding = os.path.join(tmp, "big.w2vc")
            made = encode(big, big_encoding, SETTINGS["min_count"] * args.scale)
            print(f"\nw2v encode of {args.scale} x the corpus: {made.seconds:.1f} s, peak RSS "
                  f"{made.peak_rss_mb:,.0f} MB", flush=True)
            if args.vocab_memory:
                bounded(big, big_encoding, made, SETTINGS["min_count"] * args.scale,
                        args.vocab_memory, tmp)
            os.remove(big)
            extra = ("--min-count", str(SETTINGS["min_count"] * args.scale))
            one = measure(w2v_cmd(encoding, out, "skipgram", 1, 2))
            scaled = measure(w2v_cmd(big_encoding, out, "skipgram", 1, 2, *extra))
            print(f"\n| corpus (encoded) | time, 1 epoch | peak RSS |\n|---|---|---|\n"
                  f"| once | {one.seconds:.1f} s | {one.peak_rss_mb:,.0f} MB |\n"
                  f"| {args.scale} times | {scaled.seconds:.1f} s | "
                  f"{scaled.peak_rss_mb:,.0f} MB |\n\npeak RSS ratio: "
                  f"{scaled.peak_rss_mb / one.peak_rss_mb:.2f}")


if __name__ == "__main__":
    main()
