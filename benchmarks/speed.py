"""Speed, memory and quality of w2v against gensim, fastText and the word2vec C tool.

    python benchmarks/speed.py                        # 3M words, 1 epoch, 3 rounds
    W2V_BENCH_C=../peers/word2vec/word2vec python benchmarks/speed.py
    python benchmarks/speed.py --words 0 --epochs 5 --rounds 1 --arch skipgram

Every system trains with the same settings (peers.SETTINGS) on the first --words words
of the shared corpus (0: all of it). Each round runs the systems one after the other,
so that drift on a noisy machine hits them alike; wall times are whole processes
(start-up, vocabulary, training, saving) and the ratios are taken round by round, then
their median is printed. Quality is scored on the last round's vectors. Also measured:
1 against 2 threads, Numba's compile time on a first run (empty cache), start-up
with a warm cache (training on 10,000 words), and how costly it is at the time for
two threads to write shared rows (cores.py), which sways every two-thread figure.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from cores import ratios
from peers import (
    SETTINGS,
    Run,
    arguments,
    c_tool_cmd,
    cut_lines,
    fasttext_cmd,
    gensim_cmd,
    measure,
    scores,
    w2v_cmd,
)


def shared_rows() -> float:
    """cores.py's shared-row probe now: two threads' time / one thread's (0.5 perfect)."""
    return statistics.median(ratios(["shared rows"], 3)["shared rows"])


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs),
               statistics.median(r.peak_rss_mb for r in runs))


def training_seconds(corpus: str, arch: str, epochs: int,
                     rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of w2v's training loop alone with 1 and with 2 threads, alternating,
    after one vocabulary pass and a warm-up run."""
    from w2v import TrainConfig
    from w2v.text import vocab
    from w2v.training.word2vec import train_encoded

    words, encoded = vocab.build(corpus, SETTINGS["min_count"])

    def seconds(threads: int) -> float:
        config = TrainConfig(arch=arch, epochs=epochs, threads=threads, **SETTINGS)
        start = time.perf_counter()
        train_encoded(words, encoded, config)
        return time.perf_counter() - start

    seconds(1)  # warm-up: loads the kernels
    one, two = [], []
    for _ in range(rounds):
        one.append(seconds(1))
        two.append(seconds(2))
    return one, two


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--words", type=int, default=3_000_000, help="0: the whole corpus")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--arch", nargs="+", default=["skipgram", "cbow"])
    args = parser.parse_args()
    c_tool = os.environ.get("W2V_BENCH_C")
    if c_tool and args.epochs > 1:
        print("note: the word2vec C tool runs only at --epochs 1 (its multi-epoch bug)",
              file=sys.stderr)
        c_tool = None

    with tempfile.TemporaryDirectory(prefix="w2v-speed-") as tmp:
        lines = os.path.join(tmp, "lines.txt")
        words = cut_lines(args.corpus, lines, args.words or None)
        corpus = args.corpus
        if args.words:  # the prefix as one line, like the original
            corpus = os.path.join(tmp, "prefix.txt")
            with open(lines, "rb") as src, open(corpus, "wb") as dst:
                dst.write(src.read().replace(b"\n", b" "))
        out = os.path.join(tmp, "{}.bin")

        print(f"# {words:,} words of {os.path.basename(args.corpus)}, {args.epochs} "
              f"epoch(s), {args.threads} threads, median of {args.rounds} rounds\n")
        for arch in args.arch:
            systems = {"w2v": w2v_cmd(corpus, out.format("w2v"), arch, args.epochs,
                                      args.threads)}
            if arch == "skipgram":
                systems["w2v --exact-negatives"] = w2v_cmd(
                    corpus, out.format("exact"), arch, args.epochs, args.threads,
                    "--exact-negatives")
            systems["gensim 4.4"] = gensim_cmd(lines, out.format("gensim"), arch,
                                               args.epochs, args.threads)
            systems["fastText 0.9.2"] = fasttext_cmd(lines, out.format("fasttext"), arch,
                                                     args.epochs, args.threads)
            if c_tool:
                systems["word2vec C"] = c_tool_cmd(c_tool, corpus, out.format("c"), arch,
                                                   args.epochs, args.threads)
            runs: dict[str, list[Run]] = {name: [] for name in systems}
            for r in range(args.rounds):
                for name, cmd in systems.items():
                    runs[name].append(measure(cmd))
                    print(f"{arch} round {r + 1}: {name} {runs[name][-1].seconds:.2f} s",
                          file=sys.stderr)
            shared = shared_rows()
            outputs = {"w2v": "w2v", "w2v --exact-negatives": "exact", "gensim 4.4": "gensim",
                       "fastText 0.9.2": "fasttext", "word2vec C": "c"}
            print(f"## {arch}\n")
            print("| system | wall time | words/s | peak RSS | analogy | WS353 | "
                  "w2v time / this |")
            print("|---|---|---|---|---|---|---|")
            for name in systems:
                m = median_run(runs[name])
                analogy, ws, _ = scores(out.format(outputs[name]), args.eval_dir)
                ratio = statistics.median(a.seconds / b.seconds
                                          for a, b in zip(runs["w2v"], runs[name]))
                print(f"| {name} | {m.seconds:.2f} s | {words * args.epochs / m.seconds:,.0f} | "
                      f"{m.peak_rss_mb:.0f} MB | {analogy:.1%} | {ws:.3f} | {ratio:.3f} |")

            one, two = [], []
            for _ in range(args.rounds):
                one.append(measure(w2v_cmd(corpus, out.format("t1"), arch, args.epochs, 1)))
                two.append(measure(w2v_cmd(corpus, out.format("t2"), arch, args.epochs, 2)))
            ratio = statistics.median(b.seconds / a.seconds for a, b in zip(one, two))
            print(f"\nw2v {arch}, 2 threads / 1 thread, whole process: "
                  f"{median_run(two).seconds:.2f} s / {median_run(one).seconds:.2f} s "
                  f"= {ratio:.3f}")
            one_s, two_s = training_seconds(corpus, arch, args.epochs, args.rounds)
            print(f"w2v {arch}, 2 threads / 1 thread, training loop only (in one process): "
                  f"{statistics.median(two_s):.2f} s / {statistics.median(one_s):.2f} s = "
                  f"{statistics.median(b / a for a, b in zip(one_s, two_s)):.3f}")
            print("Two threads writing shared rows (benchmarks/cores.py; 0.5 is perfect): "
                  f"{shared:.2f} after the rounds above, {shared_rows():.2f} after the "
                  "thread comparison\n")

        tiny = os.path.join(tmp, "tiny.txt")
        cut_lines(args.corpus, tiny, 10_000)
        cache = os.path.join(tmp, "numba-cache")
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold = measure(w2v_cmd(tiny, out.format("tiny"), "skipgram", 1, 1), env).seconds
        warm = statistics.median(
            measure(w2v_cmd(tiny, out.format("tiny"), "skipgram", 1, 1), env).seconds
            for _ in range(args.rounds))
        print(f"First run, empty Numba cache (compiles the kernels): {cold:.2f} s; "
              f"with a warm cache: {warm:.2f} s; compile time about {cold - warm:.1f} s.")


if __name__ == "__main__":
    main()
