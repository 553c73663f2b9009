"""Node vectors against PecanPy 2.0.9 (SparseOTF walks, then gensim 4.4's skip-gram):
each embeds the graph as a whole process that reads the edge list and writes word2vec
text, with PecanPy's defaults (dim 128, 10 walks of 80 nodes per node, window 10, 1
epoch, 2 threads), at p = q = 1 (DeepWalk) and at p = 0.25, q = 4; the systems
alternate. Then every system's vectors are scored by the same code
(w2v.tools.nodes.classify: one-vs-rest logistic regression on 50% of the labelled
nodes, Macro-F1 and Micro-F1, mean of 5 splits).

    python benchmarks/graphs.py                           # BlogCatalog and PPI
    python benchmarks/graphs.py --graphs Wikipedia        # weighted
    python benchmarks/graphs.py --graphs PPI --settings deepwalk --rounds 2

PecanPy pins numpy below 2, so it lives in an environment of its own: the `pecanpy`
command that $W2V_BENCH_PECANPY names (`make bench-graphs` makes .venv-pecanpy).
Needs scikit-learn (the eval extra) and GNU time.
"""

from __future__ import annotations

import os
import sys
import tempfile

from peers import SHARED, measure

from w2v import KeyedVectors
from w2v.tools import nodes

SETTINGS = {"deepwalk": (1.0, 1.0), "node2vec": (0.25, 4.0)}


def commands(system: str, edges: str, out: str, p: float, q: float, seed: int,
             threads: int) -> list[str]:
    if system == "w2v":
        return [sys.executable, "-m", "w2v", "graph", edges, "-o", out, "--p", str(p),
                "--q", str(q), "--seed", str(seed), "--threads", str(threads), "--quiet"]
    pecanpy = os.environ.get("W2V_BENCH_PECANPY") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".venv-pecanpy", "bin",
        "pecanpy")
    if not os.path.exists(pecanpy):
        sys.exit(f"no PecanPy at {pecanpy}: run make bench-graphs, or set W2V_BENCH_PECANPY")
    with open(edges, "rb") as f:  # a weight on the first line: PecanPy must be told
        weighted = ["--weighted"] if len(f.readline().split()) == 3 else []
    return [pecanpy, "--input", edges, "--output", out, "--mode", "SparseOTF", "--workers",
            str(threads), "--p", str(p), "--q", str(q), "--random_state", str(seed),
            *weighted]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph-dir", default=os.path.join(SHARED, "graphs"))
    parser.add_argument("--graphs", nargs="+", default=["BlogCatalog", "PPI"])
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=SETTINGS)
    parser.add_argument("--systems", nargs="+", default=["w2v", "PecanPy"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each system (seeds 1, 2, ...), alternating")
    args = parser.parse_args()
    print("| graph | p, q | system | seed | Macro-F1 | Micro-F1 | time | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="w2v-graphs-") as tmp:
        for graph in args.graphs:
            edges = os.path.join(args.graph_dir, f"{graph}.edg")
            labels = nodes.read_labels(os.path.join(args.graph_dir, f"{graph}.labels.tsv"))
            for setting in args.settings:
                p, q = SETTINGS[setting]
                for seed in range(1, args.rounds + 1):
                    for system in args.systems:
                        out = os.path.join(tmp, f"{system}.txt")
                        run = measure(commands(system, edges, out, p, q, seed, args.threads))
                        result = nodes.classify(KeyedVectors.load(out), labels)
                        os.remove(out)
                        print(f"| {graph} | {p:g}, {q:g} | {system} | {seed} | "
                              f"{result.macro_f1:.3f} | {result.micro_f1:.3f} | "
                              f"{run.seconds:.1f} s | {run.peak_rss_mb:,.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
