"""Counting words, pruning and sorting the vocabulary, and encoding the corpus to ids.

One pass over the corpus does both counting and encoding, so standard input works and
no file is read twice: every distinct raw token gets a provisional id on first sight,
the corpus is kept as int32 provisional ids, and once the counts are known the ids are
remapped to the final vocabulary (out-of-vocabulary tokens are dropped, as in
word2vec.c and gensim).

Invalid UTF-8 never stops a run: a word's bytes are decoded with U+FFFD (the Unicode
replacement character) in place of each invalid sequence. Raw tokens that decode (and,
with ``lowercase``, lowercase) to the same word are merged and their counts added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import NOISE_EXPONENT
from .corpus import Corpus, describe, token_blocks
from .errors import CorpusError, VocabularyError


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

    @property
    def words(self) -> int:
        return len(self.ids)


def build(corpus: Corpus, min_count: int, max_vocab: int | None = None,
          lowercase: bool = False) -> tuple[Vocabulary, EncodedCorpus]:
    """Count, prune and sort the vocabulary, and encode the corpus, in one pass."""
    raw_index, provisional, line_ends = _scan(corpus)
    if len(provisional) == 0:
        raise CorpusError(f"{describe(corpus)} is empty: it has no words")
    raw_counts = np.bincount(provisional, minlength=len(raw_index))

    # Merge raw tokens that normalise to the same word, in order of first appearance.
    word_index: dict[str, int] = {}
    raw_to_word = np.empty(len(raw_index), dtype=np.int64)
    for raw, i in raw_index.items():
        word = raw.decode("utf-8", "replace")
        if lowercase:
            word = word.lower()
        raw_to_word[i] = word_index.setdefault(word, len(word_index))
    counts = np.bincount(raw_to_word, weights=raw_counts).astype(np.int64)

    kept = np.flatnonzero(counts >= min_count)
    if len(kept) == 0:
        raise VocabularyError(
            f"no word occurs at least {min_count} times in {describe(corpus)} "
            f"({len(word_index):,} distinct words); try a smaller --min-count")
    kept = kept[np.argsort(-counts[kept], kind="stable")][:max_vocab]

    final_id = np.full(len(word_index), -1, dtype=np.int32)
    final_id[kept] = np.arange(len(kept), dtype=np.int32)
    words_by_id = list(word_index)
    vocab = Vocabulary(words=[words_by_id[i] for i in kept], counts=counts[kept])

    encoded = final_id[raw_to_word][provisional]
    in_vocab = encoded >= 0
    ids = encoded[in_vocab]
    kept_before = np.concatenate(([0], np.cumsum(in_vocab, dtype=np.int64)))
    starts = np.unique(np.concatenate(([0], kept_before[line_ends])))
    return vocab, EncodedCorpus(ids=ids, sentence_starts=starts, raw_tokens=len(provisional))


def _scan(corpus: Corpus) -> tuple[dict[bytes, int], np.ndarray, np.ndarray]:
    """Provisional ids of every token, the raw-token index, and line-end positions."""
    raw_index: dict[bytes, int] = {}
    assign = raw_index.setdefault
    pieces: list[np.ndarray] = []
    line_ends: list[np.ndarray] = []
    offset = 0
    for tokens, ends in token_blocks(corpus):
        pieces.append(np.array([assign(t, len(raw_index)) for t in tokens], dtype=np.int32))
        line_ends.append(np.asarray(ends, dtype=np.int64) + offset)
        offset += len(tokens)
    return raw_index, np.concatenate(pieces), np.concatenate(line_ends)
