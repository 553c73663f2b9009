"""Do two threads get two cores' worth of work on this machine, and what do shared
rows cost them? Context for the two-threads-against-one figures of speed.py.

Each probe times one thread doing one share of work, then two threads doing one share
each, alternately, and prints the median of (two threads' time) / (one thread's
time) over the rounds:

* private compute: a dot-product loop over two 8 KB arrays of the thread's own (L1);
* private memory: a pointer chase through a 64 MB array of the thread's own, one
  cache miss per step;
* shared rows: updates of Zipf-drawn rows (exponent 0.75, as negative sampling's) of
  one 60,000 x 100 matrix that both threads write, as Hogwild training does.

For the first two, 1.0 means two full cores. The third does the same total work with
one or two threads, so 0.5 is perfect and 1.0 means no gain from the second thread.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import numpy as np
from numba import njit


@njit(nogil=True, fastmath=True, cache=True)
def _compute(a, b, reps):
    total = np.float32(0.0)
    for r in range(reps):
        for i in range(a.shape[0]):
            total += a[i] * b[i]
        a[r % a.shape[0]] += np.float32(1e-7) * total
    return total


@njit(nogil=True, cache=True)
def _chase(following, steps):
    p = 0
    for _ in range(steps):
        p = following[p]
    return p


@njit(nogil=True, fastmath=True, cache=True)
def _write_rows(matrix, rows, reps):
    for _ in range(reps):
        for k in range(rows.shape[0]):
            row = matrix[rows[k]]
            for d in range(row.shape[0]):
                row[d] += np.float32(1e-6) * row[d]
    return 0


def _seconds(function, argument_sets) -> float:
    threads = [threading.Thread(target=function, args=args) for args in argument_sets]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def _cycle(n: int, rng: np.random.Generator) -> np.ndarray:
    """following[p]: the next position of one random cycle through all n positions."""
    order = rng.permutation(n)
    following = np.empty(n, dtype=np.int64)
    following[order] = np.roll(order, -1)
    return following


def ratios(names: list[str] | None = None, rounds: int = 7) -> dict[str, list[float]]:
    """(two threads' time) / (one thread's time) of each probe named (all by default),
    one per round."""
    rng = np.random.default_rng(0)
    names = names or ["private compute", "private memory", "shared rows"]
    results = {}
    for name in names:
        if name == "private compute":
            vectors = [rng.random(2048, dtype=np.float32) for _ in range(4)]
            function, one, two = _compute, [(vectors[0], vectors[1], 200_000)], [
                (vectors[0], vectors[1], 200_000), (vectors[2], vectors[3], 200_000)]
        elif name == "private memory":
            cycles = [_cycle(1 << 23, rng) for _ in range(2)]
            function, one, two = _chase, [(cycles[0], 5_000_000)], [
                (cycles[0], 5_000_000), (cycles[1], 5_000_000)]
        elif name == "shared rows":
            matrix = rng.random((60_000, 100), dtype=np.float32)
            p = 1.0 / np.arange(1, 60_001) ** 0.75
            halves = [rng.choice(60_000, 100_000, p=p / p.sum()) for _ in range(2)]
            function, one, two = _write_rows, [(matrix, np.concatenate(halves), 10)], [
                (matrix, halves[0], 10), (matrix, halves[1], 10)]
        else:
            raise ValueError(f"no probe named {name!r}")
        _seconds(function, one)  # compiled or loaded from the cache, and warm
        results[name] = [_seconds(function, two) / _seconds(function, one)
                         for _ in range(rounds)]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    for name, found in ratios(rounds=rounds).items():
        print(f"{name}: two threads / one thread {statistics.median(found):.2f} "
              f"(from {min(found):.2f} to {max(found):.2f}, {rounds} rounds)")


if __name__ == "__main__":
    main()
