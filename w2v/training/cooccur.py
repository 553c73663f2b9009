"""GloVe's co-occurrence counts, in a bounded amount of memory.

Every pair of words at most ``window`` apart in a sentence adds 1 / distance to its
count (Stanford's cooccur: symmetric, distance-weighted, windows stopping at line ends,
out-of-vocabulary words left out before distances are taken). The sums are exact: each
1 / d is the integer nearest ``scale / d`` (``scale`` = lcm(1..min(window, 24)), so
exact for every window up to 24 and within 1e-8 beyond), added in int64 and divided by
``scale`` once at the end. Exact sums do not depend on the order of their terms, so a
run that spills to disk gives the very counts of one that does not.

Memory: ``memory`` bytes bound the counting. A sixteenth of it is a dense table for the
frequent pairs (``glove_kernels``), a quarter a hash table for the rest. When the hash
table fills, its pairs' records are written to a temporary folder as a run, sorted in
training order (a slice of the order at a time), and the table is emptied. At the end,
if nothing was spilled and the records fit, they are gathered in memory; otherwise the
tables are spilled too and the runs merged, a slice of the training order at a time,
with one file open at a time, into a file of records that training reads a chunk at a
time. The temporary folder goes when the records are closed, on success, on error and
on Ctrl-C.

Records: each counted pair a < b gives two, its terms (word a, context b) and (word b,
context a); a word with itself gives one. They are apart in the order, as the two
records of Stanford's cooccur are after its shuffle.

Training order: records are sorted by a 64-bit hash of (term, seed) (a bijection of
the term, so no two tie), which is a shuffle that depends only on the seed. Spilled or
not, with any budget, the records come out in the same order with the same counts:
with one thread and a fixed seed, the vectors do not depend on ``memory``. Stanford's
shuffle tool shuffles once too, and its epochs all take that one order.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from . import glove_kernels
from .kernels import _GOLDEN

EXACT_WINDOW = 24  # lcm(1..24) = 5,354,228,880: int64 holds 1.7e9 adjacent pairs a cell
# Of the budget: the dense table of the frequent pairs (8 bytes a cell), and the hash
# table of the others (16 bytes a slot). Nearly every page of the dense table is written
# (its cells are a few percent full, but spread out), so a large one costs its whole
# size; on text8-prefix at 4 GB, a dense half of the budget counted no faster than a
# sixteenth (13.0 s against 11.5 s) and peaked at 3.2 GB of memory against 1.9 GB.
DENSE_SHARE = 1 / 16
HASH_SHARE = 1 / 4
HASH_LOAD = 0.7  # grow, or at its largest spill, when the hash table is this full
HASH_START_BITS = 20  # the hash table's first size: 2**20 slots, 16 MB
MERGE_SHARE = 0.5  # of the budget: one slice of the merge
MERGE_BYTES = 64  # per record while a slice is merged (keys, counts, order, copies)
MERGE_LEAST = 1 << 16  # records a slice of the merge may always hold (4 MB)
# Pairs become records a slice of the training order at a time: a sixteenth of the
# budget, SORT_BYTES a record (keys, counts, order, the sort's index), at most SORT_MOST.
SORT_SHARE = 1 / 16
SORT_BYTES = 40
SORT_MOST = 1 << 22
GATHER_BYTES = 40  # per pair while its records are gathered in memory (and its 16 bytes)
RECORD_BYTES = 12  # per record in training: two int32 word ids, a float32 count
GRID_BITS = 12  # each run records where 2**GRID_BITS equal slices of the order start
GRID = 1 << GRID_BITS
COUNT_STEP = 1 << 20  # corpus positions a kernel call counts between progress reports


def distance_units(window: int) -> tuple[int, np.ndarray]:
    """(scale, units): a pair d words apart adds units[d] = round(scale / d)."""
    scale = math.lcm(*range(1, min(window, EXACT_WINDOW) + 1))
    units = np.zeros(window + 1, dtype=np.int64)
    units[1:] = [(2 * scale + d) // (2 * d) for d in range(1, window + 1)]
    return scale, units


def _offset(seed: int) -> np.uint64:
    return np.uint64(seed * int(_GOLDEN) % 2**64)


def training_order(keys: np.ndarray, seed: int) -> np.ndarray:
    """The sort key that shuffles records: splitmix64's finaliser of key + seed, a
    bijection of the key for each seed."""
    out = np.empty(len(keys), dtype=np.uint64)
    glove_kernels.term_orders(keys, _offset(seed), out)
    return out


def dense_layout(words: int, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """(row_start, row_end) of the dense table: pair a <= b is dense when a has a row
    and b < row_end[a], at cell row_start[a] + b - a. Rows hold the pairs with
    (a + 1) * (b + 1) <= bound, for the largest bound that fits in ``cells`` cells."""

    def layout(bound: int) -> tuple[np.ndarray, np.ndarray]:
        rows = min(words, math.isqrt(bound))
        a = np.arange(rows, dtype=np.int64)
        end = np.minimum(words, bound // (a + 1))
        start = np.concatenate(([0], np.cumsum(end - a)))
        return start, end

    low, high = 0, words * words  # layout(low) fits; find the largest bound that does
    if layout(high)[0][-1] <= cells:
        low = high
    while high - low > 1:
        mid = (low + high) // 2
        if layout(mid)[0][-1] <= cells:
            low = mid
        else:
            high = mid
    return layout(low)


@dataclass
class _Run:
    """A file of counted pairs sorted in training order (their keys, then their counts);
    ``cuts[g]`` is where grid slice g starts."""

    path: str
    cuts: np.ndarray  # cuts[-1]: the run's size

    def piece(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """The pairs of grid slices first..last-1."""
        lo, hi = int(self.cuts[first]), int(self.cuts[last])
        with open(self.path, "rb") as f:
            f.seek(8 * lo)
            keys = np.fromfile(f, dtype=np.int64, count=hi - lo)
            f.seek(8 * (int(self.cuts[-1]) + lo))
            counts = np.fromfile(f, dtype=np.int64, count=hi - lo)
        return keys, counts


def _spans(sizes: np.ndarray, capacity: int) -> Iterator[tuple[int, int, int]]:
    """Runs first..last-1 of grid slices holding at most ``capacity`` records (or one
    slice), with the records they hold."""
    first = 0
    while first < len(sizes):
        last, held = first, 0
        while last < len(sizes) and (last == first or held + sizes[last] <= capacity):
            held += int(sizes[last])
            last += 1
        yield first, last, held
        first = last


def _term_slices(pair_keys: np.ndarray, pair_counts: np.ndarray, words: int, seed: int,
                 memory: float) -> tuple[np.ndarray, Iterator]:
    """The records of counted pairs a <= b in training order: (the records in each grid
    slice of the order, and an iterator over spans of slices, each giving its records'
    keys and counts and the index that sorts them)."""
    offset, shift = _offset(seed), np.uint64(64 - GRID_BITS)
    sizes = np.zeros(GRID, dtype=np.int64)
    glove_kernels.count_terms(pair_keys, words, offset, shift, sizes)
    capacity = max(MERGE_LEAST, min(SORT_MOST, int(memory * SORT_SHARE) // SORT_BYTES))

    def spans() -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        for first, last, held in _spans(sizes, capacity):
            keys = np.empty(held, dtype=np.int64)
            counts = np.empty(held, dtype=np.int64)
            orders = np.empty(held, dtype=np.uint64)
            glove_kernels.take_terms(pair_keys, pair_counts, words, offset, shift, first,
                                     last, keys, counts, orders)
            yield keys, counts, np.argsort(orders)

    return sizes, spans()


@dataclass
class Cooccurrences:
    """The terms X[a, b] of a corpus's counts (word a, context b), in training order:
    ``records`` of them; in memory, or in a temporary folder removed by ``close``."""

    words: int
    records: int
    spilled_runs: int
    rows: np.ndarray | None = None
    cols: np.ndarray | None = None
    values: np.ndarray | None = None
    folder: str | None = None
    _files: tuple[str, str, str] | None = field(default=None, repr=False)

    def read(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, cols, values) of records lo..hi-1 of the order."""
        if self._files is None:
            return self.rows[lo:hi], self.cols[lo:hi], self.values[lo:hi]
        return tuple(np.fromfile(path, dtype=dtype, count=hi - lo, offset=4 * lo)
                     for path, dtype in zip(self._files, (np.int32, np.int32, np.float32)))

    def close(self) -> None:
        """Remove the temporary folder, if any."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Cooccurrences:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class CountProgress:
    positions_done: int
    positions_total: int
    spilled_runs: int


def count(ids: np.ndarray, sentence_starts: np.ndarray, words: int, window: int,
          memory: float, seed: int = 1, temp_dir: str | None = None,
          on_progress: Callable[[CountProgress], None] | None = None) -> Cooccurrences:
    """Count the co-occurrences of an encoded corpus (``ids`` in 0..words-1, sentences
    cut at ``sentence_starts``) within ``memory`` bytes (a soft bound: Python's own
    and the corpus's memory are not in it). Temporary files go in a folder made in
    ``temp_dir`` [the system's]; the caller closes the result to remove it."""
    scale, units = distance_units(window)
    start, end = dense_layout(words, int(memory * DENSE_SHARE) // 8)
    dense = np.zeros(max(int(start[-1]), 1), dtype=np.int64)
    # The hash table starts small and doubles as it fills, up to its share of the budget.
    # A position adds up to ``window`` keys after the check for room: keep that room.
    least = (4 * window).bit_length()
    most = 1 << max(least, int(memory * HASH_SHARE / 16).bit_length() - 1)
    slots = min(most, 1 << max(least, HASH_START_BITS))
    keys = np.zeros(slots, dtype=np.int64)
    counts = np.zeros(slots, dtype=np.int64)
    limit = int(slots * HASH_LOAD)
    folder = tempfile.mkdtemp(prefix="w2v-cooccur-", dir=temp_dir)
    try:
        runs: list[_Run] = []
        filled, p, n = 0, 0, len(ids)
        report = on_progress or (lambda progress: None)
        while p < n:
            p, filled = glove_kernels.count_pairs(ids, sentence_starts, p, min(n, p + COUNT_STEP),
                                                  window, units, words, start[:-1], end,
                                                  dense, keys, counts, filled, limit)
            if filled >= limit and len(keys) < most:
                keys, counts = _grown(keys, counts)
                limit = int(len(keys) * HASH_LOAD)
            elif filled >= limit:
                runs.append(_spill(*_take_table(keys, counts, filled), words, seed, memory,
                                   folder, len(runs)))
                filled = 0
            report(CountProgress(p, n, len(runs)))
        total = int(np.count_nonzero(dense)) + filled
        tables = dense.nbytes + keys.nbytes + counts.nbytes
        if not runs and max(tables + 16 * total, GATHER_BYTES * total
                            + int(memory * SORT_SHARE)) <= memory:
            pair_keys = np.empty(total, dtype=np.int64)
            pair_counts = np.empty(total, dtype=np.int64)
            at = glove_kernels.take_table(keys, counts, pair_keys, pair_counts, 0)
            del keys, counts  # the arrays from np.empty take memory as they are filled
            glove_kernels.take_dense(dense, start, end, words, 0, len(end), pair_keys,
                                     pair_counts, at)
            del dense
            sizes, spans = _term_slices(pair_keys, pair_counts, words, seed, memory)
            records = int(sizes.sum())
            rows, cols, values = _empty_records(records)
            at = 0
            for term_keys, term_counts, order in spans:
                at += glove_kernels.emit_records(term_keys, term_counts, order, words, scale,
                                                 rows[at:], cols[at:], values[at:])
            shutil.rmtree(folder, ignore_errors=True)
            return Cooccurrences(words, records, 0, rows, cols, values)
        spilled = len(runs)
        if filled:
            runs.append(_spill(*_take_table(keys, counts, filled), words, seed, memory,
                               folder, len(runs)))
        del keys, counts
        for lo, hi, held in _row_spans(start, dense, limit):
            pair_keys = np.empty(held, dtype=np.int64)
            pair_counts = np.empty(held, dtype=np.int64)
            glove_kernels.take_dense(dense, start, end, words, lo, hi, pair_keys, pair_counts, 0)
            runs.append(_spill(pair_keys, pair_counts, words, seed, memory, folder, len(runs)))
        del dense
        files = tuple(os.path.join(folder, name) for name in ("rows", "cols", "values"))
        records = _merge(runs, files, words, scale, memory, seed)
        for run in runs:
            os.remove(run.path)
        return Cooccurrences(words, records, spilled, folder=folder, _files=files)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _grown(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hash table moved to one twice its size."""
    new_keys = np.zeros(2 * len(keys), dtype=np.int64)
    new_counts = np.zeros(2 * len(keys), dtype=np.int64)
    glove_kernels.rehash(keys, counts, new_keys, new_counts)
    return new_keys, new_counts


def _take_table(keys: np.ndarray, counts: np.ndarray,
                filled: int) -> tuple[np.ndarray, np.ndarray]:
    """The hash table's ``filled`` pairs (keys, counts), and the table emptied."""
    pair_keys = np.empty(filled, dtype=np.int64)
    pair_counts = np.empty(filled, dtype=np.int64)
    glove_kernels.take_table(keys, counts, pair_keys, pair_counts, 0)
    return pair_keys, pair_counts


def _empty_records(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32),
            np.empty(n, dtype=np.float32))


def _row_spans(start: np.ndarray, dense: np.ndarray,
               step: int) -> Iterator[tuple[int, int, int]]:
    """Spans lo..hi-1 of dense rows holding about ``step`` counted pairs each (or one
    row), with the number they hold."""
    rows = len(start) - 1
    lo = 0
    while lo < rows:
        hi, held = lo, 0
        while hi < rows and (hi == lo or held < step):
            held += int(np.count_nonzero(dense[start[hi]:start[hi + 1]]))
            hi += 1
        yield lo, hi, held
        lo = hi


def _concat(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _spill(pair_keys: np.ndarray, pair_counts: np.ndarray, words: int, seed: int,
           memory: float, folder: str, number: int) -> _Run:
    """Write the records of counted pairs as a run file in training order: their keys,
    then their counts."""
    sizes, spans = _term_slices(pair_keys, pair_counts, words, seed, memory)
    records = int(sizes.sum())
    path = os.path.join(folder, f"run{number:05d}")
    with open(path, "wb") as f:
        at = 0
        for keys, counts, order in spans:
            f.seek(8 * at)
            keys[order].tofile(f)
            f.seek(8 * (records + at))
            counts[order].tofile(f)
            at += len(order)
    return _Run(path, np.concatenate(([0], np.cumsum(sizes))))


def _merge(runs: list[_Run], files: tuple[str, str, str], words: int, scale: int,
           memory: float, seed: int) -> int:
    """Merge the runs into the three record files, a span of grid slices at a time (one
    file open at a time), the counts of a term summed; return the number of records."""
    capacity = max(MERGE_LEAST, int(memory * MERGE_SHARE) // MERGE_BYTES)
    sizes = np.sum([np.diff(run.cuts) for run in runs], axis=0)
    records = 0
    for first, last, _ in _spans(sizes, capacity):
        keys, counts = _concat([run.piece(first, last) for run in runs])
        if not len(keys):
            continue
        # The same term has the same place in the order: sorting by it brings a term's
        # counts from every run together.
        order = np.argsort(training_order(keys, seed), kind="stable")
        columns = _empty_records(len(keys))
        n = glove_kernels.emit_records(keys, counts, order, words, scale, *columns)
        del keys, counts, order
        for path, column in zip(files, columns):
            with open(path, "ab") as f:
                column[:n].tofile(f)
        records += n
    return records
