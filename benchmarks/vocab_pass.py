"""The vocabulary pass (tokenise, count, encode) of this checkout against another commit.

    python benchmarks/vocab_pass.py --against HEAD~3          # text8-prefix, 6 rounds
    python benchmarks/vocab_pass.py --against main --threads 1 2 --rounds 8

The other commit is checked out into a temporary git worktree. Each round runs one
fresh process per side, in turn, so that drift on a noisy machine hits both alike; a
process times ``vocab.build(corpus, min_count=5)`` five times after one untimed call
(Numba's cache loads) and prints the median. Printed per thread count: the medians of
both sides, the median of the per-round ratios (this / other) and how often this
checkout was faster. Both sides must give the same vocabulary and word count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "text8-prefix.txt")

_TIMER = """
import statistics, sys, time
sys.path.insert(0, sys.argv[1])
import w2v
assert w2v.__file__.startswith(sys.argv[1]), w2v.__file__
from w2v.text.vocab import build
corpus, threads = sys.argv[2], int(sys.argv[3])
vocab, encoded = build(corpus, 5, threads=threads)
times = []
for _ in range(5):
    start = time.perf_counter()
    build(corpus, 5, threads=threads)
    times.append(time.perf_counter() - start)
print(statistics.median(times), len(vocab), encoded.words)
"""


def _time(root: str, corpus: str, threads: int) -> tuple[float, str]:
    out = subprocess.run([sys.executable, "-c", _TIMER, root, corpus, str(threads)],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), " ".join(out[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the commit to compare with")
    parser.add_argument("--corpus", default=CORPUS)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        other = os.path.join(folder, "other")
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", "-q", other,
                        args.against], check=True)
        try:
            for threads in args.threads:
                pairs = []
                for _ in range(args.rounds):
                    (this, sizes), (that, their_sizes) = (_time(ROOT, args.corpus, threads),
                                                          _time(other, args.corpus, threads))
                    assert sizes == their_sizes, (sizes, their_sizes)
                    pairs.append((this, that))
                ratio = statistics.median(a / b for a, b in pairs)
                print(f"{threads} thread(s): this {statistics.median(a for a, _ in pairs):.3f} s, "
                      f"{args.against} {statistics.median(b for _, b in pairs):.3f} s; "
                      f"ratio {ratio:.3f} (median of {args.rounds} rounds, this faster in "
                      f"{sum(a < b for a, b in pairs)}); vocabulary and words: {sizes}")
        finally:
            subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", other],
                           check=True)


if __name__ == "__main__":
    main()
