"""Counting words, pruning and sorting the vocabulary, and encoding the corpus to ids.

One pass over the corpus does both counting and encoding, so standard input works and
no file is read twice: the Numba tokeniser (``scan``) gives every distinct raw token a
provisional id on first sight, the corpus is kept as int32 provisional ids, and once
the counts are known the ids are remapped to the final vocabulary (out-of-vocabulary
tokens are dropped, as in word2vec.c and gensim). No Python object is made per token,
only per distinct token. ``build_streamed`` (``w2v encode --vocab-memory``) is the
two-pass variant for corpora whose ids, or distinct tokens, do not fit in memory: it
counts within a budget, pruning as word2vec.c does, then streams the ids to a file.

Invalid UTF-8 never stops a run: a word's bytes are decoded with U+FFFD (the Unicode
replacement character) in place of each invalid sequence. Raw tokens that decode (and,
with ``lowercase``, lowercase) to the same word are merged and their counts added.
"""

from __future__ import annotations

import collections
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from ..config import MAX_TOKEN_BYTES, NOISE_EXPONENT
from ..errors import CorpusError, VocabularyError
from ..outputs import atomic_write
from ..vectors.keyed import first_positions
from . import scan, tokenizers
from .corpus import Corpus, describe, pieces, size_hint, text_blocks


@dataclass(frozen=True)
class Vocabulary:
    """Words sorted by descending count (ties in order of first appearance)."""

    words: list[str]
    counts: np.ndarray  # int64, one per word

    def __len__(self) -> int:
        return len(self.words)

    def keep_probabilities(self, sample: float) -> np.ndarray:
        """Per-word probability of keeping an occurrence under subsampling (float32)."""
        counts = self.counts.astype(np.float64)
        if sample <= 0:
            return np.ones(len(counts), dtype=np.float32)
        threshold = sample * counts.sum()
        keep = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
        return np.minimum(keep, 1.0).astype(np.float32)

    def noise_distribution(self, exponent: float = NOISE_EXPONENT) -> np.ndarray:
        """Probability of drawing each word as a negative sample (float64, sums to 1)."""
        weights = self.counts.astype(np.float64) ** exponent
        return weights / weights.sum()


@dataclass(frozen=True)
class EncodedCorpus:
    """The corpus as word ids, with sentence boundaries.

    ``ids[sentence_starts[s]:sentence_starts[s + 1]]`` is sentence ``s``; the last entry
    of ``sentence_starts`` is ``len(ids)``. Sentences with no vocabulary word are gone.
    """

    ids: np.ndarray  # int32
    sentence_starts: np.ndarray  # int64
    raw_tokens: int  # tokens read, before dropping rare words
    long_tokens: int = 0  # tokens of over MAX_TOKEN_BYTES bytes, dropped as they were read
    # With build(lines=True): each sentence's line (from 0), and the tokens read on each
    # line (a last line with no line end counts when it has tokens).
    sentence_lines: np.ndarray | None = None  # int64
    line_tokens: np.ndarray | None = None  # int64
    # Mapped from a file (``text.encoded``): release(lo, hi) drops ids lo..hi-1 from
    # memory once trained on; they are read from the file again if used again.
    release: Callable[[int, int], None] | None = None

    @property
    def words(self) -> int:
        return len(self.ids)


def build(corpus: Corpus, min_count: int, max_vocab: int | None = None,
          lowercase: bool = False, max_final_vocab: int | None = None,
          known: Vocabulary | None = None, extend: Vocabulary | None = None,
          add_words: bool = False, threads: int = 1, tokenizer: str = "whitespace",
          lines: bool = False, transform: Callable[[np.ndarray], object] | None = None
          ) -> tuple[Vocabulary, EncodedCorpus]:
    """Count, prune and sort the vocabulary, and encode the corpus, in one pass.

    ``max_final_vocab`` raises ``min_count`` as little as needed to keep at most that
    many words (gensim's rule: words tied at the cut all go). With ``known`` (a
    vocabulary file's words and counts) the corpus is only encoded: its words outside
    ``known`` are dropped, and ``known``'s counts are used, pruned the same way.
    ``threads``: see ``read_tokens``. Tokens of more than ``MAX_TOKEN_BYTES`` bytes are
    left out as they are read (counted in ``EncodedCorpus.long_tokens``). ``tokenizer``
    "simple" (``text.tokenizers``) splits at every character but letters and digits
    and lowercases. ``lines`` keeps track of lines (documents) too; ``transform``
    rewrites each block of text in place before it is tokenised (see ``read_tokens``).
    """
    from . import encoded as encoded_files  # it reads Vocabulary and EncodedCorpus from here

    if encoded_files.is_encoded(corpus):
        return _from_encoded(corpus, min_count, max_vocab, lowercase, max_final_vocab, known,
                             extend, tokenizer, lines, transform)
    lowercase = lowercase or tokenizer == "simple"
    scanner, line_ends = read_tokens(corpus, threads=threads, max_token_bytes=MAX_TOKEN_BYTES,
                                     transform=_cleaner(tokenizer, transform))
    provisional = scanner.ids[:scanner.seen]
    vocab, final_of_raw = _words(scanner, corpus, min_count, max_vocab, lowercase,
                                 max_final_vocab, known, extend, add_words)
    raw_tokens = len(provisional)
    starts = np.empty(len(line_ends) + 2, dtype=np.int64)
    sentence_lines = np.empty(len(line_ends) + 1 if lines else 0, dtype=np.int64)
    line_tokens = None
    if lines:
        last = int(line_ends[-1]) if len(line_ends) else 0
        line_tokens = np.diff(line_ends, prepend=0)
        if raw_tokens > last:  # a last line with no line end
            line_tokens = np.append(line_tokens, raw_tokens - last)
    kept_tokens, n_starts = scan.remap(provisional, final_of_raw, line_ends, starts,
                                       sentence_lines)
    ids = provisional[:kept_tokens]  # remapped in place: 4 bytes a token in all
    return vocab, EncodedCorpus(ids=ids, sentence_starts=starts[:n_starts].copy(),
                                raw_tokens=raw_tokens, long_tokens=scanner.too_long,
                                sentence_lines=sentence_lines[:n_starts - 1].copy()
                                if lines else None, line_tokens=line_tokens)


@dataclass(frozen=True)
class Streamed:
    """What ``build_streamed`` wrote, and what its counting cost: ``prunes`` prunings,
    the last at ``floor``; every count is short of the truth by at most ``shortfall``
    (0: the counts are exact)."""

    tokens: int
    sentences: int
    raw_tokens: int
    long_tokens: int
    prunes: int
    floor: int
    shortfall: int


def build_streamed(corpus: Corpus, budget: int, ids_out: BinaryIO, starts_out: BinaryIO,
                   min_count: int, max_vocab: int | None = None, lowercase: bool = False,
                   max_final_vocab: int | None = None, threads: int = 1,
                   tokenizer: str = "whitespace") -> tuple[Vocabulary, Streamed]:
    """``build`` in two passes over ``corpus`` (files: not standard input) and bounded
    memory. The first counts the tokens in tables of at most ``budget`` bytes
    (``read_tokens``), pruned as word2vec.c prunes its vocabulary when they would pass
    it. The second looks each token up among the kept words' (``Scanner.lookup``, a
    block a thread) and writes, block after block, the ids (int32) to ``ids_out`` and
    the sentence starts (int64, ``EncodedCorpus.sentence_starts``) to ``starts_out``.
    With no pruning, the words, counts, ids and starts are ``build``'s. With it, a
    count can fall short (``Streamed.shortfall``) while the ids hold every occurrence
    of a kept word."""
    lowercase = lowercase or tokenizer == "simple"
    clean = _cleaner(tokenizer, None)
    scanner, _ = read_tokens(corpus, threads=threads, max_token_bytes=MAX_TOKEN_BYTES,
                             transform=clean, budget=budget)
    vocab, final_of_raw = _words(scanner, corpus, min_count, max_vocab, lowercase,
                                 max_final_vocab, None, None, False)
    kept = final_of_raw >= 0
    to_final = final_of_raw[kept]
    scanner.keep(kept)

    def look(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if clean is not None:
            clean(block)
        ids, ends = scanner.lookup(block)
        return to_final[ids], ends

    written = last = 0
    starts = 1
    starts_out.write(np.zeros(1, "<i8").tobytes())
    blocks = (block.copy() for block in text_blocks(corpus))  # each a thread's own
    for ids, ends in _in_order(look, blocks, threads):
        ids_out.write(memoryview(ids.astype("<i4", copy=False)).cast("B"))
        ends = ends + written
        new = np.unique(ends)  # line ends only grow: empty lines repeat them
        new = new[new != last]
        written += len(ids)
        if len(new):
            starts_out.write(memoryview(new.astype("<i8")).cast("B"))
            starts += len(new)
            last = int(new[-1])
    if written != last:
        starts_out.write(np.array([written], "<i8").tobytes())
        starts += 1
    return vocab, Streamed(written, starts - 1, scanner.read, scanner.too_long,
                           scanner.prunes, scanner.floor, scanner.shortfall)


def _in_order(work: Callable[[np.ndarray], tuple], items: Iterator[np.ndarray],
              threads: int) -> Iterator[tuple]:
    """``work`` on each item, ``threads`` items side by side, the results in order."""
    if threads <= 1:
        yield from map(work, items)
        return
    with ThreadPoolExecutor(threads) as pool:
        pending: collections.deque = collections.deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _cleaner(tokenizer: str, transform: Callable[[np.ndarray], object] | None
             ) -> Callable[[np.ndarray], None] | None:
    """``transform`` then the tokenizer's clean-up, in place on each block (None: none)."""
    steps = [step for step in (transform, tokenizers.cleaner(tokenizer)) if step is not None]

    def clean(block: np.ndarray) -> None:
        for step in steps:
            step(block)

    return clean if steps else None


def _words(scanner: Scanner, corpus: Corpus, min_count: int, max_vocab: int | None,
           lowercase: bool, max_final_vocab: int | None, known: Vocabulary | None,
           extend: Vocabulary | None, add_words: bool) -> tuple[Vocabulary, np.ndarray]:
    """The vocabulary of the scanner's tokens (see ``build``), and each token's final id
    (int32, -1: dropped)."""
    raw_counts = scanner.counts()
    # Merge raw tokens that normalise to the same word, in order of first appearance.
    # Only a token that is frequent enough on its own, or one whose decoding or
    # lowercasing could merge it with another, needs decoding at all.
    decode_all = lowercase or known is not None or extend is not None
    candidates = np.arange(len(raw_counts)) if decode_all else np.flatnonzero(
        (raw_counts >= min_count) | scanner.non_ascii())
    raw_to_word = np.full(len(raw_counts), -1, dtype=np.int64)
    decoded = [raw.decode("utf-8", "replace") for raw in scanner.tokens(candidates)]
    if lowercase:
        decoded = [word.lower() for word in decoded]
    if known is None:
        word_index: dict[str, int] = {}
        raw_to_word[candidates] = [word_index.setdefault(word, len(word_index))
                                   for word in decoded]
        counts = np.bincount(raw_to_word[candidates], weights=raw_counts[candidates],
                             minlength=len(word_index)).astype(np.int64)
        words_by_id = list(word_index)
    else:
        known_index = first_positions(known.words)
        raw_to_word[candidates] = [known_index.get(word, -1) for word in decoded]
        counts = known.counts
        words_by_id = known.words

    if extend is not None:
        words_by_id, counts, raw_to_word = _extend(extend, words_by_id, counts, raw_to_word,
                                                   min_count if add_words else None)
        min_count = 0  # every word of the model stays
    min_count = final_min_count(counts, min_count, max_final_vocab)
    kept = np.flatnonzero(counts >= min_count)
    if len(kept) == 0:
        where = "the vocabulary file" if known is not None else describe(corpus)
        raise VocabularyError(
            f"no word occurs at least {min_count} times in {where} "
            f"({len(counts):,} distinct words); try a smaller --min-count")
    kept = kept[np.argsort(-counts[kept], kind="stable")][:max_vocab]

    final_id = np.full(len(words_by_id) + 1, -1, dtype=np.int32)  # [-1]: not a candidate
    final_id[kept] = np.arange(len(kept), dtype=np.int32)
    vocab = Vocabulary(words=[words_by_id[i] for i in kept], counts=counts[kept])
    return vocab, final_id[raw_to_word]


def _from_encoded(path, min_count, max_vocab, lowercase, max_final_vocab, known, extend,
                  tokenizer, lines, transform) -> tuple[Vocabulary, EncodedCorpus]:
    """``build`` for an encoded corpus (``text.encoded``): its words and ids, the settings
    checked against those that shaped them."""
    from . import encoded as encoded_files

    for given, what in ((known, "a vocabulary file"), (extend, "continued training"),
                        (lines, "documents"), (transform, "phrases")):
        if given:
            raise CorpusError(f"{path} is an encoded corpus, which {what} cannot read yet: "
                              "give the text instead")
    encoded = encoded_files.read(os.fspath(path))
    settings = encoded.settings
    if (lowercase or tokenizer == "simple") and not (settings["lowercase"]
                                                    or settings["tokenizer"] == "simple"):
        raise CorpusError(f"{path} was encoded without --lowercase: encode it again with it")
    if tokenizer != "whitespace" and tokenizer != settings["tokenizer"]:
        raise CorpusError(f"{path} was encoded with --tokenizer {settings['tokenizer']}: "
                          f"encode it again with --tokenizer {tokenizer}")
    return encoded_files.select(encoded, min_count, max_vocab, max_final_vocab)


def read_tokens(corpus: Corpus, on_block: Callable[[int], None] | None = None,
                threads: int = 1, max_token_bytes: int = 0,
                transform: Callable[[np.ndarray], object] | None = None,
                budget: int | None = None) -> tuple[Scanner, np.ndarray]:
    """Tokenise all of ``corpus``: a ``Scanner`` whose ``ids[:seen]`` are the provisional
    ids of every token, and the line ends (for each line break, how many tokens come
    before it). ``on_block(bytes)`` follows the reading. Tokens of more than
    ``max_token_bytes`` bytes (when above 0) are left out and counted. Raises
    ``CorpusError`` when the corpus has no words.

    With ``threads`` > 1, a large plain file (or several files) is cut into that many
    pieces (``corpus.pieces``), each tokenised by a thread of its own into a table of its
    own; the tables are then merged in corpus order, so the ids are the same as one
    thread's. ``transform(block)`` rewrites each block in place first (a tokeniser's
    clean-up, ``text.tokenizers``); a transform that keeps state from block to block
    needs ``threads`` 1.

    With a ``budget`` (bytes), the tokens are only counted (``Scanner.count``: no ids,
    no line ends) in tables that never hold more than ``budget`` together, pruned when
    they would (each reader's table is given an equal part; the merged table grows as
    the others are freed)."""
    reading = threading.Lock()
    stopping = threading.Event()  # set when the caller's thread is interrupted

    def scan_stretch(part: tuple[int, tuple[Corpus, tuple[int, int] | None]]
                     ) -> tuple[Scanner, np.ndarray]:
        # English text averages about 6 bytes a token with its space; a denser corpus
        # just makes ``ids`` grow once or twice. The first stretch's scanner takes in
        # the others' ids, so its room is the whole file's (unwritten pages cost nothing).
        index, (source, stretch) = part
        size = size_hint(corpus) if index == 0 else \
            stretch[1] - stretch[0] if stretch is not None else size_hint(source)
        scanner = Scanner(tokens_hint=1 if budget else size // 5 + 1,
                          max_token_bytes=max_token_bytes,
                          budget=budget // len(parts) if budget else None)
        line_ends = [np.empty(0, np.int64)]
        for block in text_blocks(source, stretch=stretch):
            if stopping.is_set():
                break
            if transform is not None:
                if not block.flags.writeable:
                    block = block.copy()
                transform(block)
            if budget:
                scanner.count(block)
            else:
                line_ends.append(scanner.encode(block))
            if on_block is not None:
                with reading:
                    on_block(len(block))
        return scanner, np.concatenate(line_ends)

    parts = list(enumerate(pieces(corpus, threads)))
    if len(parts) == 1:
        scanner, line_ends = scan_stretch(parts[0])
    else:
        with ThreadPoolExecutor(len(parts)) as pool:
            try:
                scanned = list(pool.map(scan_stretch, parts))
            except BaseException:  # Ctrl-C: the other readers stop at their next block
                stopping.set()
                raise
        scanner, line_ends = scanned[0]
        ends = [line_ends]
        for i in range(1, len(scanned)):
            other, other_ends = scanned[i]
            scanned[i] = None  # freed once taken in
            if budget:
                scanner.budget = budget - sum(s.nbytes for s, _ in scanned[i + 1:]) \
                    - other.nbytes
            ends.append(other_ends + scanner.seen)  # positions after this scanner's ids
            scanner.append(other)
        scanner.budget = budget
        line_ends = np.concatenate(ends)
    if scanner.read == 0:
        if scanner.too_long:
            raise CorpusError(f"{describe(corpus)} has no words of at most "
                              f"{max_token_bytes:,} bytes ({scanner.too_long:,} longer "
                              "tokens were left out)")
        raise CorpusError(f"{describe(corpus)} is empty: it has no words")
    return scanner, line_ends


def _extend(old: Vocabulary, words: list[str], counts: np.ndarray, raw_to_word: np.ndarray,
            add_from: int | None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Merge a corpus's words and counts into ``old``; new words reaching ``add_from``
    are appended (none when it is None). Returns the merged words, their counts, and
    raw token ids mapped to merged ids (-1: dropped)."""
    merged = list(old.words)
    index = first_positions(merged)
    merged_counts = list(old.counts.tolist())
    to_merged = np.full(len(words) + 1, -1, dtype=np.int64)  # [-1]: not a candidate
    for i, (word, count) in enumerate(zip(words, counts.tolist())):
        j = index.get(word)
        if j is None and add_from is not None and count >= add_from:
            j = index[word] = len(merged)
            merged.append(word)
            merged_counts.append(0)
        if j is not None:
            merged_counts[j] += count
            to_merged[i] = j
    return merged, np.array(merged_counts, dtype=np.int64), to_merged[raw_to_word]


def final_min_count(counts: np.ndarray, min_count: int, max_final_vocab: int | None) -> int:
    """``min_count``, raised just enough that at most ``max_final_vocab`` words reach it."""
    if max_final_vocab is None:
        return min_count
    ranked = np.sort(counts[counts >= min_count])[::-1]
    if len(ranked) <= max_final_vocab:
        return min_count
    return max(min_count, int(ranked[max_final_vocab]) + 1)


def _table_bytes(words: int, arena: int) -> int:
    """A Scanner's memory with room for ``words`` tokens and ``arena`` bytes of them:
    hash, offset, length and count (28 bytes) and four table slots (16) a token."""
    return 44 * words + arena


SENTENCE_END = "</s>"  # word2vec.c's vocabulary entry for line ends


def write_vocab_file(path: str, vocab: Vocabulary, sentences: int) -> None:
    """The word2vec C tool's vocabulary file: ``word count`` lines, most frequent first,
    after a first line ``</s> <sentences>`` (the C tool counts a ``</s>`` per line and
    expects it first: its -read-vocab treats its first entry as the sentence end)."""
    with atomic_write(path) as out:
        out.write(f"{SENTENCE_END} {sentences}\n".encode())
        out.write("".join(f"{w} {c}\n" for w, c in zip(vocab.words, vocab.counts.tolist()))
                  .encode("utf-8"))


def read_vocab_file(path: str) -> Vocabulary:
    """Read a ``word count`` vocabulary file (the C tool's -save-vocab, or w2v's).
    Its ``</s>`` entry is skipped: w2v ends sentences at line ends, not at a word."""
    words: list[str] = []
    counts: list[int] = []
    seen: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            for number, line in enumerate(f, 1):
                parts = line.split()
                if not parts:
                    continue
                if len(parts) != 2 or not parts[1].isdigit():
                    raise VocabularyError(f"{path}, line {number}: expected 'word count', "
                                          f"got {line.strip()[:60]!r}")
                if parts[0] == SENTENCE_END:
                    continue
                if parts[0] in seen:
                    raise VocabularyError(f"{path}, line {number}: '{parts[0]}' is already "
                                          f"on line {seen[parts[0]]}")
                seen[parts[0]] = number
                words.append(parts[0])
                counts.append(int(parts[1]))
    except OSError as exc:
        raise VocabularyError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not words:
        raise VocabularyError(f"{path} holds no 'word count' lines")
    order = np.argsort(-np.array(counts, dtype=np.int64), kind="stable")
    return Vocabulary(words=[words[i] for i in order],
                      counts=np.array(counts, dtype=np.int64)[order])


class Scanner:
    """Tokenises blocks of bytes into provisional ids (``scan.encode_block``), numbered
    in order of first appearance, into ``ids[:seen]``; grows its hash table, token
    store and ``ids`` as needed. ``ids`` is allocated at ``tokens_hint`` (pages never
    written cost no memory) and doubled when that is not enough. Tokens of more than
    ``max_token_bytes`` bytes (when above 0) get no id; ``too_long`` counts them.

    ``count`` counts a block's tokens and keeps no ids. Then a ``budget`` (bytes) bounds
    the table: where growing would pass it, the table is pruned as word2vec.c prunes
    its vocabulary instead (``prune``): tokens counted at most ``floor`` times are
    dropped, the floor rising by one each time. A token seen again later starts again
    from 0, so a count falls short of the truth by at most ``shortfall``, the sum of
    every pruning's floor (and a token whose occurrences are spread thin can be lost)."""

    def __init__(self, tokens_hint: int = 1 << 20, words: int = 1 << 15,
                 arena_bytes: int = 1 << 20, max_token_bytes: int = 0,
                 budget: int | None = None):
        self.max_token_bytes = max_token_bytes
        self.budget = budget
        self.ids = np.empty(max(tokens_hint, 1), dtype=np.int32)
        self.hashes = np.empty(words, dtype=np.uint64)
        self.offsets = np.empty(words, dtype=np.int64)
        self.lengths = np.empty(words, dtype=np.int32)
        self.counts_ = np.empty(words, dtype=np.int64)
        self.arena = np.empty(arena_bytes, dtype=np.uint8)
        self.table = np.full(4 * words, -1, dtype=np.int32)
        self.counters = np.zeros(3, dtype=np.int64)  # distinct, arena bytes, too long
        self.seen = 0  # tokens whose ids are in ``ids``
        self.read = 0  # tokens read (encoded or counted)
        self.floor = 0  # the last pruning's floor
        self.prunes = 0
        self.shortfall = 0  # the most a token's count can fall short by

    def encode(self, data: np.ndarray) -> np.ndarray:
        """Append the provisional ids of a block of text (uint8) to ``ids``; return the
        positions in ``ids`` at which its lines end."""
        self._room_for(len(data) // 2 + 1)
        ends = np.empty(len(data), dtype=np.int64)  # pages never written cost nothing
        pos = n_ends = 0
        while True:
            pos, got, got_ends = scan.encode_block(data, pos, self._tables(), self.counters,
                                                   self.ids[self.seen:], ends[n_ends:],
                                                   self.max_token_bytes, True)
            ends[n_ends:n_ends + got_ends] += self.seen
            self.seen += got
            self.read += got
            n_ends += got_ends
            if pos == len(data):
                return ends[:n_ends]
            self._grow(need_bytes=len(data) - pos)

    def count(self, data: np.ndarray) -> None:
        """Count the tokens of a block of text (uint8), keeping no ids."""
        if len(self.ids) < len(data) // 2 + 1:
            self.ids = np.empty(len(data) // 2 + 1, dtype=np.int32)
        ends = np.empty(len(data), dtype=np.int64)
        pos = 0
        while True:
            pos, got, _ = scan.encode_block(data, pos, self._tables(), self.counters,
                                            self.ids, ends, self.max_token_bytes, True)
            self.read += got
            if pos == len(data):
                return
            self._grow(need_bytes=min(len(data) - pos, self.max_token_bytes or len(data)))

    def lookup(self, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ids of a block's tokens that are in the table (the others left out), and
        for each line end the number of ids before it. Only reads the table, so threads
        may look up blocks side by side."""
        ids = np.empty(len(data) // 2 + 1, dtype=np.int32)
        ends = np.empty(len(data), dtype=np.int64)
        own = np.zeros(3, dtype=np.int64)  # its long tokens: this table's stay as counted
        _, got, n_ends = scan.encode_block(data, 0, self._tables(), own, ids, ends,
                                           self.max_token_bytes, False)
        return ids[:got], ends[:n_ends]

    def append(self, other: Scanner) -> None:
        """Append another scanner's ids (of text that follows this scanner's), taking its
        tokens into this table, new ones numbered in their order of first appearance."""
        words = int(other.counters[0])
        mapping = np.empty(words, dtype=np.int32)
        done = 0
        while True:
            done = scan.absorb(self._tables(), self.counters, other._tables(), words, done,
                               mapping)
            if done == words:
                break
            self._grow(need_bytes=int(other.lengths[done]) if self.budget is not None
                       else int(other.counters[1]))
        self.counters[2] += other.counters[2]
        self._room_for(other.seen)
        np.take(mapping, other.ids[:other.seen], out=self.ids[self.seen:self.seen + other.seen])
        self.seen += other.seen
        self.read += other.read
        self.floor = max(self.floor, other.floor)
        self.prunes += other.prunes
        self.shortfall += other.shortfall

    def keep(self, kept: np.ndarray) -> None:
        """Keep only the tokens ``k`` with ``kept[k]``, renumbered from 0 in their order
        (the ids already in ``ids`` are then stale)."""
        scan.compact(self._tables(), self.counters, kept)
        self.table.fill(-1)
        scan.rehash(self.hashes, int(self.counters[0]), self.table)

    def prune(self, need_bytes: int) -> None:
        """Drop the tokens counted at most ``floor`` times, the floor one higher each
        time, until a quarter of the table is free and ``need_bytes`` fit in its store."""
        while True:
            self.floor += 1
            self.prunes += 1
            self.shortfall += self.floor
            self.keep(self.counts_[:int(self.counters[0])] > self.floor)
            words, used = int(self.counters[0]), int(self.counters[1])
            if words <= 3 * len(self.hashes) // 4 and used + need_bytes <= len(self.arena):
                return
            if words == 0:
                raise VocabularyError(f"--vocab-memory is too small to hold a table of "
                                      f"{self.nbytes / 1e6:,.1f} MB")

    @property
    def nbytes(self) -> int:
        """The memory of the table and token store."""
        return _table_bytes(len(self.hashes), len(self.arena))

    def _tables(self) -> tuple:
        """The table state as scan's kernels take it (arrays replaced when they grow)."""
        return (self.table, self.hashes, self.offsets, self.lengths, self.counts_, self.arena)

    def _room_for(self, tokens: int) -> None:
        """Make ``ids`` hold at least ``tokens`` more."""
        if self.seen + tokens > len(self.ids):
            grown = np.empty(max(2 * len(self.ids), self.seen + tokens), dtype=np.int32)
            grown[:self.seen] = self.ids[:self.seen]  # only written pages become memory
            self.ids = grown

    def _grow(self, need_bytes: int) -> None:
        words, used = int(self.counters[0]), int(self.counters[1])
        size = 2 * len(self.hashes) if words == len(self.hashes) else len(self.hashes)
        arena = max(2 * len(self.arena), used + need_bytes) \
            if used + need_bytes > len(self.arena) else len(self.arena)
        if self.budget is not None and _table_bytes(size, arena) > self.budget:
            self.prune(need_bytes)
            return
        if size > len(self.hashes):
            self.hashes = np.resize(self.hashes, size)
            self.offsets = np.resize(self.offsets, size)
            self.lengths = np.resize(self.lengths, size)
            self.counts_ = np.resize(self.counts_, size)
            self.table = np.full(4 * size, -1, dtype=np.int32)
            scan.rehash(self.hashes, words, self.table)
        if arena > len(self.arena):
            self.arena = np.resize(self.arena, arena)

    @property
    def too_long(self) -> int:
        """Tokens left out for being longer than ``max_token_bytes``."""
        return int(self.counters[2])

    def counts(self) -> np.ndarray:
        """How often each distinct token occurred, by provisional id."""
        return self.counts_[: self.counters[0]].copy()

    def non_ascii(self) -> np.ndarray:
        """Whether each distinct token holds a byte above 127."""
        out = np.empty(int(self.counters[0]), dtype=np.bool_)
        scan.non_ascii(self.offsets, self.lengths, self.arena, out)
        return out

    def tokens(self, which: np.ndarray) -> list[bytes]:
        """The bytes of the distinct tokens with the given provisional ids."""
        blob = self.arena[: self.counters[1]].tobytes()
        return [blob[o:o + n] for o, n in zip(self.offsets[which].tolist(),
                                              self.lengths[which].tolist())]
