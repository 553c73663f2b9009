"""Training in data-parallel rounds (--shares, --cluster) against one process with the
same threads: quality, throughput, and what the rounds cost.

    python benchmarks/cluster.py --seeds 1 2 3                  # quality, 5 epochs
    python benchmarks/cluster.py --throughput --repeats 3       # words/s, 1 epoch
    python benchmarks/cluster.py --systems shares8 --round-words 16384 65536 --combine sum average

The corpus is encoded once (``w2v encode``, min-count 5) and every system trains from
that file with peers.SETTINGS, as a whole process, the systems in turn within each
seed (or repeat):

    threads2  one process, 2 threads (the reference)
    threads1  one process, 1 thread (each share's threads)
    local2    --cluster local:2, one thread a worker
    local1    --cluster local:1, one thread
    shares2   --shares 2, trained in turn here with 2 threads each (what local2 computes)
    shares8   --shares 8, in turn with 2 threads each: 8 workers' rounds on one machine

Quality is scored by peers.scores (analogies among the 30,000 most frequent words,
WordSim353). The cluster's own figures (start-up, warm-up, time in rounds, bytes a
round) come from the model's metadata.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile

from peers import SETTINGS, arguments, measure, scores, w2v_cmd

from w2v import KeyedVectors

SYSTEMS = {
    "threads2": (2, []),
    "threads1": (1, []),
    "local2": (1, ["--cluster", "local:2"]),
    "local1": (1, ["--cluster", "local:1"]),
    "shares2": (2, ["--shares", "2"]),
    "shares8": (2, ["--shares", "8"]),
}


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--arch", nargs="+", default=["skipgram", "cbow"])
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS),
                        default=["threads2", "local2", "shares8"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--round-words", type=int, nargs="+", default=[None])
    parser.add_argument("--combine", nargs="+", default=[None])
    parser.add_argument("--throughput", action="store_true",
                        help="local1, local2 and threads2, skip-gram, 1 epoch, no scores")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    if args.throughput:
        args.systems, args.arch, args.epochs = ["local1", "local2", "threads2"], ["skipgram"], 1
    with tempfile.TemporaryDirectory(prefix="w2v-cluster-") as tmp:
        encoding = os.path.join(tmp, "corpus.w2vc")
        measure([sys.executable, "-m", "w2v", "encode", args.corpus, "-o", encoding,
                 "--min-count", str(SETTINGS["min_count"])])
        words = None
        results: dict[tuple, list[dict]] = {}
        variants = list(itertools.product(args.round_words, args.combine))
        for arch in args.arch:
            for seed, _ in itertools.product(args.seeds, range(args.repeats)):
                for name, (round_words, combine) in itertools.product(args.systems, variants):
                    threads, extra = SYSTEMS[name]
                    in_rounds = not name.startswith("threads")
                    if round_words is not None and in_rounds:
                        extra = extra + ["--round-words", str(round_words)]
                    if combine is not None and in_rounds:
                        extra = extra + ["--combine", combine]
                    out = os.path.join(tmp, "vectors.w2v")
                    run = measure(w2v_cmd(encoding, out, arch, args.epochs, threads,
                                          "--seed", str(seed), *extra))
                    kv = KeyedVectors.load(out)
                    words = kv.metadata["corpus"]["words"] * args.epochs
                    result = {"seconds": run.seconds, "cpu": run.cpu_seconds,
                              "rss": run.peak_rss_mb,
                              "cluster": kv.metadata.get("rounds", {}).get("cluster")}
                    if not args.throughput:
                        result["analogy"], result["ws353"], _ = scores(out, args.eval_dir)
                    key = (arch, name, round_words, combine)
                    results.setdefault(key, []).append(result)
                    print(f"{key} seed {seed}: {result}", file=sys.stderr, flush=True)
    print(f"Settings: {SETTINGS}, {args.epochs} epoch(s), corpus "
          f"{os.path.basename(args.corpus)} encoded, seeds {args.seeds}, "
          f"repeats {args.repeats}\n")
    print("| mode | system | round words | combine | analogy | WS353 | wall | CPU | "
          "words/s | in rounds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (arch, name, round_words, combine), runs in results.items():
        mean = {k: statistics.mean(r[k] for r in runs) for k in runs[0]
                if k != "cluster"}
        cluster = [r["cluster"] for r in runs if r["cluster"]]
        in_rounds = (f"{statistics.mean(c['rounds_s'] for c in cluster):.1f} s"
                     if cluster else "")
        quality = (f"{mean['analogy']:.2%} | {mean['ws353']:.3f}" if "analogy" in mean
                   else "– | –")
        print(f"| {arch} | {name} | {round_words or 'default'} | {combine or 'default'} | "
              f"{quality} | {mean['seconds']:.1f} s | {mean['cpu']:.1f} s | "
              f"{words / mean['seconds']:,.0f} | {in_rounds} |")
    clusters = [(key, r["cluster"]) for key, runs in results.items() for r in runs
                if r["cluster"]]
    if clusters:
        print("\n| mode | system | start | corpus load | kernels | rounds | MB a round "
              "(changes + weights) |")
        print("|---|---|---|---|---|---|---|")
        for key, runs in itertools.groupby(clusters, key=lambda kc: kc[0]):
            c = [info for _, info in runs]
            mean = {k: statistics.mean(i[k] for i in c) for k in c[0] if k != "address"}
            print(f"| {key[0]} | {key[1]} | {mean['start_s']:.1f} s | {mean['load_s']:.2f} s"
                  f" | {mean['compile_s']:.2f} s | {mean['rounds']:.0f} | "
                  f"{mean['bytes_per_round'] / 1e6:.1f} ({mean['change_bytes_per_round'] / 1e6:.1f}"
                  f" + {(mean['workers'] - 1) * mean['weight_bytes'] / 1e6:.1f}) |")


if __name__ == "__main__":
    main()
