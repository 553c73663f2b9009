"""Phrase detection as word2vec's word2phrase.c does it: frequent bigrams become one token.

One pass counts every word, every bigram (two consecutive tokens on one line) and the
number of tokens N; then each pair ``a b`` on a line gets the score (``score``)

    (count(a b) - min_count) / count(a) / count(b) * N

(0 when ``a``, ``b`` or the bigram occurs fewer than ``min_count`` times) and is written
``a_b`` when its score is greater than ``threshold``. Pairs are taken left to right, and
a word just joined to the one before it starts no pair of its own, so one pass makes
phrases of two tokens; ``passes`` repeats the whole on its own output, so the second
pass can join ``new_york`` and ``times``. Every pass uses the same threshold
(word2vec's demo-phrases.sh runs the C tool twice, at 200 and then at 100: call
``phrases`` twice with ``passes=1`` for that).

Where word2phrase.c (its last commit, "speedup & bugfix in word2phrase") differs:

* Its counting pass also counts the pair made by the last word of a line and the first
  of the next (its ``start`` flag is cleared before it is tested), so a pair that also
  occurs across line breaks has a higher count there (it is never joined across one).
  Here a bigram never spans a line break. On the text8 prefix in 1,000-word lines this alone
  makes 430 of the 12,576 lines differ; with that flag fixed, only the 3 lines holding
  words of over 59 bytes do.
* Its counts are approximate on big corpora: words and bigrams share one table which,
  past 350M entries, drops every entry seen at most 1, then 2, ... times (ReduceVocab).
  Counts here are exact (gensim's Phrases prunes much the same way past 40M entries).
* Its table is keyed by text, so a literal token ``a_b`` counts as the bigram ``a b``,
  and bigram keys are cut at 59 bytes; here pairs are keyed by two token ids.
* It cuts words at 59 bytes, drops a last word that no whitespace follows, deletes
  carriage returns, splits only at space, tab and newline, starts every output line
  with a space, and scores in single precision. Here words stay whole (of any length),
  every whitespace character, ASCII or Unicode, separates (as everywhere in w2v), a
  leading byte-order mark is dropped, a line's tokens are written with
  one space between them, every line break is kept (empty lines too; a last line with
  no newline stays so), and scores are in double precision, in the order above.
* It drops bigrams seen fewer than ``min_count`` times; with a positive threshold that
  is the same as the formula, whose numerator is then below 0.

gensim's ``Phrases(scoring="default")`` joins the same way (left to right, a joined word
starts no pair, score > threshold) and counts bigrams within a sentence, but its score
multiplies by ``len(vocab)``, its number of distinct words plus distinct bigrams, in
place of N, so gensim at threshold t joins what this does at t * N / len(vocab); like
word2phrase it keys counts by the joined text (``a_b`` is also the pair ``a b``).

The corpus is read once and kept as int32 token ids (4 bytes a token, as training does)
plus 8 bytes a line; the distinct tokens live in the tokeniser's table (``Scanner``),
where the phrases formed are added so that a phrase has one id wherever it comes from
(``new_york`` + ``times``, ``new`` + ``york_times``, or the text ``new_york_times``), as
if each pass reread the text. Only the bigrams that could score above the threshold
are counted (``bigrams.count_pairs``), in a hash table of 16 bytes a slot: 4M slots,
64 MB, for text8. Each pass rewrites the ids in place; the text is written once, at the
end, so ``output`` may be the corpus file itself.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..config import at_least
from ..errors import ConfigError
from ..outputs import atomic_write
from . import bigrams
from .bigrams import EMPTY, score
from .corpus import Corpus, size_hint
from .vocab import Scanner, read_tokens

__all__ = ["PassStats", "PhraseProgress", "PhraseStats", "phrases", "score"]

TOP_PHRASES = 20  # the most frequent phrases kept in PassStats.top
WRITE_BYTES = 1 << 20  # the output is written in blocks of this size
_MAX_LOAD = 0.7  # a pair table is doubled when this share of its slots is used
_MIN_TABLE_BITS = 10  # the smallest pair table has 2**10 slots


@dataclass(frozen=True)
class PassStats:
    """What one pass did."""

    tokens_in: int
    tokens_out: int
    phrases: int  # distinct phrases formed
    top: tuple[tuple[str, int], ...]  # the most frequent phrases formed, with how often

    @property
    def joins(self) -> int:
        """How many pairs were joined."""
        return self.tokens_in - self.tokens_out


@dataclass(frozen=True)
class PhraseStats:
    """One ``PassStats`` per pass, in order."""

    passes: tuple[PassStats, ...]
    lines: int  # line breaks in the corpus (and in the output)

    @property
    def tokens_in(self) -> int:
        return self.passes[0].tokens_in

    @property
    def tokens_out(self) -> int:
        return self.passes[-1].tokens_out


@dataclass(frozen=True)
class PhraseProgress:
    """Reported as the work goes: ``stage`` is "read" (``done`` corpus bytes read of
    ``total``, 0 when unknown: standard input or compressed), "pass" (passes done of
    ``total``) or "write" (tokens written of ``total``)."""

    stage: str
    done: int
    total: int


def phrases(corpus: Corpus, output: str | os.PathLike, min_count: int = 5,
            threshold: float = 100.0, passes: int = 2,
            on_progress: Callable[[PhraseProgress], None] | None = None) -> PhraseStats:
    """Join the frequent bigrams of ``corpus`` (a path, ``"-"`` for standard input, or an
    iterable of sentences) with ``_``, ``passes`` times, and write the text to ``output``
    (atomically: a temporary file beside it, renamed when complete). Prints nothing.

    Raises ``ConfigError`` for a ``min_count`` or ``passes`` below 1 or a ``threshold``
    that is not a number above 0, ``CorpusError`` for a corpus that is missing,
    unreadable or has no words, and ``OutputError`` when ``output`` cannot be written.
    """
    _check(min_count, threshold, passes)
    report = on_progress or (lambda progress: None)
    scanner, ids, line_ends = _read(corpus, report)
    # Later passes add the phrases to the scanner's table of distinct tokens, so a
    # phrase has the same id wherever it comes from (new_york + times, new + york_times).
    stats: list[PassStats] = []
    for done in range(passes):
        if stats and stats[-1].joins == 0:  # nothing changed: every later pass is the same
            stats.append(PassStats(len(ids), len(ids), 0, ()))
        else:
            pass_stats, kept = _join_pass(scanner, ids, line_ends, min_count, float(threshold))
            ids = ids[:kept]
            stats.append(pass_stats)
        report(PhraseProgress("pass", done + 1, passes))
    _write(output, scanner, ids, line_ends, report)
    return PhraseStats(passes=tuple(stats), lines=len(line_ends))


def _check(min_count, threshold, passes) -> None:
    at_least("min_count", min_count, 1)
    at_least("passes", passes, 1)
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) \
            or not 0 < threshold < math.inf:
        raise ConfigError("threshold", f"must be a number above 0 (got {threshold!r})")


def _read(corpus: Corpus, report) -> tuple[Scanner, np.ndarray, np.ndarray]:
    """Tokenise the corpus: the scanner, the token ids, and the line ends (for each line
    break, how many tokens come before it)."""
    total = size_hint(corpus)
    done = 0

    def block_read(size: int) -> None:
        nonlocal done
        done += size
        report(PhraseProgress("read", done, total))

    scanner, line_ends = read_tokens(corpus, block_read)
    return scanner, scanner.ids[:scanner.seen], line_ends


def _join_pass(scanner: Scanner, ids: np.ndarray, line_ends: np.ndarray, min_count: int,
               threshold: float) -> tuple[PassStats, int]:
    """One pass of word2phrase over ``ids``, rewritten in place (and ``line_ends`` with
    them); returns its numbers and how many ids are left."""
    tokens_in = len(ids)
    rule = (min_count, threshold, tokens_in)
    word_counts = np.zeros(int(scanner.counters[0]), dtype=np.int64)
    bigrams.count_ids(ids, word_counts)
    keys, pair_counts = _count_pairs(ids, line_ends, word_counts, rule)
    found = bigrams.select_pairs(keys, pair_counts, word_counts, rule, np.empty(0, np.int64))
    if found == 0:
        return PassStats(tokens_in, tokens_in, 0, ()), tokens_in
    chosen = np.empty(found, dtype=np.int64)  # the pairs that score above the threshold
    bigrams.select_pairs(keys, pair_counts, word_counts, rule, chosen)
    del keys, pair_counts
    table_keys, table_values, shift = _index_table(chosen)
    formed = np.zeros(found, dtype=np.int64)
    kept = bigrams.join_pairs(ids, line_ends, table_keys, table_values, shift, formed)
    ids = ids[:kept]

    # Name the phrases formed: their text, tokenised, gives their ids.
    made = np.flatnonzero(formed)
    first, second = chosen[made] >> 32, chosen[made] & 0xFFFFFFFF
    lengths = scanner.lengths
    text = np.empty(int((lengths[first] + lengths[second] + 2).sum()), dtype=np.uint8)
    bigrams.phrase_text(first, second, scanner.offsets, lengths, scanner.arena, text)
    phrase_id = np.full(found, -1, dtype=np.int32)
    phrase_id[made] = _encode_more(scanner, text)
    bigrams.relabel(ids, phrase_id)

    distinct, where = np.unique(phrase_id[made], return_inverse=True)
    times = np.bincount(where, weights=formed[made], minlength=len(distinct)).astype(np.int64)
    order = np.argsort(-times, kind="stable")[:TOP_PHRASES]
    words = scanner.tokens(distinct[order])
    top = tuple((w.decode("utf-8", "replace"), int(t)) for w, t in zip(words, times[order]))
    return PassStats(tokens_in, kept, len(distinct), top), kept


def _encode_more(scanner: Scanner, text: np.ndarray) -> np.ndarray:
    """The ids of the tokens of ``text`` in the scanner's table (new ones are added).
    The scanner's ``ids`` hold the corpus, which the caller keeps a view of: it gets a
    fresh array here, so the corpus ids are never copied or overwritten."""
    scanner.ids, scanner.seen = np.empty(len(text) // 2 + 1, dtype=np.int32), 0
    scanner.encode(text)
    return scanner.ids[:scanner.seen]


def _count_pairs(ids: np.ndarray, line_ends: np.ndarray, word_counts: np.ndarray,
                 rule: tuple[int, float, int]) -> tuple[np.ndarray, np.ndarray]:
    """The pair table (keys ``a << 32 | b``, -1 when free; counts) of the bigrams that
    could score above the threshold (``count_pairs``), grown until it holds them all."""
    size = _table_size(len(ids) // 16)
    keys = np.full(size, EMPTY, dtype=np.int64)
    counts = np.empty(size, dtype=np.int64)
    state = np.zeros(3, dtype=np.int64)  # next position, next line end, slots used
    while not bigrams.count_pairs(ids, line_ends, word_counts, rule,
                                  (keys, counts, _shift(size)), int(size * _MAX_LOAD), state):
        size *= 2
        grown_keys = np.full(size, EMPTY, dtype=np.int64)
        grown_counts = np.empty(size, dtype=np.int64)
        bigrams.rehash_pairs(keys, counts, grown_keys, grown_counts, _shift(size))
        keys, counts = grown_keys, grown_counts
    return keys, counts


def _index_table(pair_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """A pair table mapping each of ``pair_keys`` to its position there."""
    size = _table_size(int(len(pair_keys) / _MAX_LOAD) + 1)
    keys = np.full(size, EMPTY, dtype=np.int64)
    values = np.empty(size, dtype=np.int64)
    bigrams.index_pairs(pair_keys, keys, values, _shift(size))
    return keys, values, _shift(size)


def _table_size(entries: int) -> int:
    return 1 << max(_MIN_TABLE_BITS, int(entries).bit_length())


def _shift(size: int) -> int:
    """A table's hash keeps the top log2(size) bits of a 64-bit product."""
    return 64 - (size.bit_length() - 1)


def _write(output, scanner: Scanner, ids: np.ndarray, line_ends: np.ndarray,
           report) -> None:
    """Write the tokens as text, a block of at least WRITE_BYTES at a time."""
    longest = int(scanner.lengths[:scanner.counters[0]].max(initial=0))
    buffer = np.empty(max(WRITE_BYTES, longest + 2), dtype=np.uint8)
    state = np.array([0, 0, 1], dtype=np.int64)  # next token, next line end, at line start
    with atomic_write(output) as out:
        while state[0] < len(ids) or state[1] < len(line_ends):
            size = bigrams.write_text(ids, line_ends, scanner.offsets, scanner.lengths,
                                      scanner.arena, state, buffer)
            out.write(memoryview(buffer)[:size])
            report(PhraseProgress("write", int(state[0]), len(ids)))
