"""Hierarchical softmax (w2v --hs --negative 0) against the word2vec C tool's
(-hs 1 -negative 0): quality after 5 epochs on the shared corpus, and speed.

    W2V_BENCH_C=../peers/word2vec/word2vec W2V_BENCH_C_FIXED=../peers/word2vec-fixed/word2vec \
        python benchmarks/softmax.py
    W2V_BENCH_C=... python benchmarks/softmax.py --arch cbow --skip-quality

Quality: both train with peers.SETTINGS (negative 0 instead) for --epochs epochs on
the whole corpus, 2 threads, and are scored by w2v.tools.evaluate. The C tool's HEAD trains
one epoch only whatever -iter says (it never resets ``eof``; ../shared/PEERS.md), so
quality needs $W2V_BENCH_C_FIXED: a measuring copy built with the one-line fix
(``eof = 0;`` where a thread seeks back for its next iteration), never committed.
Speed: the unmodified $W2V_BENCH_C on the first --words words, 1 epoch (where the bug
cannot act), 2 threads each, whole processes alternating for --rounds rounds; the
median of the per-round ratios.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile

from peers import arguments, c_tool_cmd, cut_lines, measure, scores, w2v_cmd

HS = ("--hs", "--negative", "0")


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--arch", nargs="+", default=["skipgram", "cbow"])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--words", type=int, default=3_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    c_tool = os.environ.get("W2V_BENCH_C") or sys.exit("set W2V_BENCH_C to the C tool")
    fixed = os.environ.get("W2V_BENCH_C_FIXED")
    if not args.skip_quality and not fixed:
        sys.exit("quality needs W2V_BENCH_C_FIXED (the C tool with the eof fix); "
                 "or use --skip-quality")

    with tempfile.TemporaryDirectory(prefix="w2v-softmax-") as tmp:
        out = os.path.join(tmp, "{}.bin")
        if not args.skip_quality:
            print(f"## Quality: {os.path.basename(args.corpus)}, {args.epochs} epochs, "
                  "hierarchical softmax alone\n")
            print("| system | mode | analogy | WS353 | SimLex-999 | wall time |")
            print("|---|---|---|---|---|---|")
            for arch in args.arch:
                runs = {"w2v": measure(w2v_cmd(args.corpus, out.format("w2v"), arch,
                                               args.epochs, 2, *HS)),
                        "word2vec C (eof fix)": measure(c_tool_cmd(
                            fixed, args.corpus, out.format("c"), arch, args.epochs, 2,
                            hs=True))}
                for name, run in runs.items():
                    analogy, ws, simlex = scores(out.format("w2v" if name == "w2v" else "c"),
                                                 args.eval_dir)
                    print(f"| {name} | {arch} | {analogy:.2%} | {ws:.3f} | {simlex:.3f} | "
                          f"{run.seconds:.0f} s |", flush=True)
        if not args.skip_speed:
            prefix = os.path.join(tmp, "prefix.txt")
            words = cut_lines(args.corpus, prefix, args.words, line_words=10**9)
            print(f"\n## Speed: first {words:,} words, 1 epoch, 2 threads, median of "
                  f"{args.rounds} rounds\n")
            print("| mode | w2v | word2vec C | w2v / C |")
            print("|---|---|---|---|")
            for arch in args.arch:
                ours, theirs = [], []
                for _ in range(args.rounds):
                    ours.append(measure(w2v_cmd(prefix, out.format("w"), arch, 1, 2, *HS)))
                    theirs.append(measure(c_tool_cmd(c_tool, prefix, out.format("c"), arch,
                                                     1, 2, hs=True)))
                ratio = statistics.median(a.seconds / b.seconds for a, b in zip(ours, theirs))
                print(f"| {arch} | {statistics.median(r.seconds for r in ours):.2f} s | "
                      f"{statistics.median(r.seconds for r in theirs):.2f} s | {ratio:.3f} |",
                      flush=True)


if __name__ == "__main__":
    main()
