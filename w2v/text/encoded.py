"""Encoded corpora (``.w2vc``): the vocabulary pass done once and kept on disk.

``w2v encode CORPUS -o corpus.w2vc`` writes one; every trainer that reads its corpus
through ``vocab.build`` takes it in place of text, with no tokenising, so a sweep of
settings pays for the vocabulary pass once. Training with a larger ``min_count`` (or a
``max_vocab``) than the encoding's keeps the most frequent words and drops the others'
tokens, which gives the same ids and sentences as encoding the text with those settings.

The file has the layout of every w2v binary file (``vectors.native``: magic bytes, a
JSON header, sections at multiples of 64 bytes). Its header holds "format": "w2vc",
"format_version" 1, "w2v_version", "words" (the vocabulary), "tokens" (the ids),
"sentences", "settings" (what shaped the ids: min_count, max_vocab, max_final_vocab,
lowercase, tokenizer), "corpus" (raw_tokens: tokens read; long_tokens: tokens left
out for length) and "sources" (each file read: its path, size and SHA-256; standard
input has no checksum). Encoded with ``--vocab-memory`` (``encode_streamed``), "corpus"
also holds vocab_memory_bytes, prunes, floor and count_shortfall. The sections, little-endian:

    "vocab"   the words, UTF-8, each followed by "\\n", most frequent first
    "counts"  int64 (words): their counts in the corpus
    "ids"     int32 (tokens): the corpus as word ids, sentence after sentence
    "starts"  int64 (sentences + 1): where each sentence starts in "ids", then "tokens"

The ids and sentence starts are memory-mapped when read, and training drops the pages
of ids it is done with (``EncodedCorpus.release``), so resident memory does not grow
with the corpus; a filter writes the ids it keeps to a temporary file and maps that.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from ..errors import CorpusError
from ..outputs import atomic_write
from ..vectors import native
from .corpus import Corpus, Files
from .vocab import EncodedCorpus, Streamed, Vocabulary, build_streamed, final_min_count

FORMAT = "w2vc"
FORMAT_VERSION = 1
FILTER_IDS = 1 << 20  # ids filtered at a time (4 MiB)
SETTINGS = ("min_count", "max_vocab", "max_final_vocab", "lowercase", "tokenizer")


@dataclass
class EncodedFile:
    """An encoded corpus as read: the vocabulary, the corpus (ids and starts mapped from
    the file), and the settings, sources and facts ("corpus" in the header) recorded
    with them."""

    vocab: Vocabulary
    corpus: EncodedCorpus
    settings: dict
    sources: list[dict]
    facts: dict


def is_encoded(corpus: Corpus) -> bool:
    """Is ``corpus`` the path of an encoded corpus (by its contents, not its name)?"""
    if not isinstance(corpus, (str, os.PathLike)) or corpus == "-" \
            or not os.path.isfile(corpus) or not native.is_native(os.fspath(corpus)):
        return False
    try:
        header, _ = native.read_container(os.fspath(corpus), _corrupt)
    except CorpusError:
        return False
    return header.get("format") == FORMAT


def source_of(path: str) -> dict:
    """A source file's path, size and SHA-256 (read once more, a megabyte at a time)."""
    if path == "-":
        return {"path": "-"}
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from None
    return {"path": os.path.abspath(path), "bytes": size, "sha256": digest.hexdigest()}


def write(path: str, vocab: Vocabulary, corpus: EncodedCorpus, settings: dict,
          sources: list[dict], version: str) -> None:
    """Write an encoded corpus atomically (see the module doc)."""
    _write(path, vocab, corpus.ids, corpus.sentence_starts,
           _header(vocab, corpus.words, len(corpus.sentence_starts) - 1, settings, sources,
                   version, {"raw_tokens": int(corpus.raw_tokens),
                             "long_tokens": int(corpus.long_tokens)}))


def encode_streamed(path: str, corpus: Corpus, budget: int, settings: dict, threads: int,
                    sources: list[dict], version: str) -> tuple[Vocabulary, Streamed]:
    """Encode ``corpus`` (files) into ``path`` in bounded memory (``vocab.build_streamed``:
    two passes, ``threads`` readers, the vocabulary table within ``budget`` bytes,
    pruned when it would pass it): the ids and sentence starts go to unnamed temporary
    files beside ``path``, then into it. The header's "corpus" says what the pruning
    cost ("prunes", "floor", "count_shortfall": the most a count falls short by). A file
    that changes while it is read (its size or modification time), or since ``sources``
    measured it, is refused: the passes would disagree."""
    folder = os.path.dirname(os.path.abspath(path))
    stamps = _stamps(corpus)
    for source, (size, _) in zip(sources, stamps.values()):
        if source.get("bytes", size) != size:
            raise _changed(source["path"])
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".w2v-ids-") as ids, \
                tempfile.TemporaryFile(dir=folder, prefix=".w2v-starts-") as starts:
            vocab, done = build_streamed(
                corpus, budget, ids, starts, settings["min_count"], settings["max_vocab"],
                settings["lowercase"], settings["max_final_vocab"],
                threads=threads, tokenizer=settings["tokenizer"])
            for name, stamp in _stamps(corpus).items():
                if stamps[name] != stamp:
                    raise _changed(name)
            facts = {"raw_tokens": done.raw_tokens, "long_tokens": done.long_tokens,
                     "vocab_memory_bytes": budget, "prunes": done.prunes,
                     "floor": done.floor, "count_shortfall": done.shortfall}
            _write(path, vocab, ids, starts, _header(vocab, done.tokens, done.sentences,
                                                     settings, sources, version, facts))
    except OSError as exc:
        raise CorpusError(f"cannot write the encoded ids beside {path}: "
                          f"{exc.strerror or exc}") from None
    return vocab, done


def _stamps(corpus: Corpus) -> dict[str, tuple[int, int]]:
    """Each file's size and modification time (ns)."""
    stamps = {}
    for path in (corpus if isinstance(corpus, Files) else [corpus]):
        try:
            facts = os.stat(path)
        except OSError:
            raise _changed(os.fspath(path)) from None
        stamps[os.fspath(path)] = (facts.st_size, facts.st_mtime_ns)
    return stamps


def _changed(path: str) -> CorpusError:
    return CorpusError(f"{path} changed while it was encoded: encode it again once it "
                       "stays the same")


def _header(vocab: Vocabulary, tokens: int, sentences: int, settings: dict,
            sources: list[dict], version: str, facts: dict) -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "w2v_version": version,
            "words": len(vocab), "tokens": int(tokens), "sentences": int(sentences),
            "settings": {key: settings[key] for key in SETTINGS}, "corpus": facts,
            "sources": sources}


def _write(path: str, vocab: Vocabulary, ids: np.ndarray | BinaryIO,
           starts: np.ndarray | BinaryIO, header: dict) -> None:
    blobs = {"vocab": b"".join(w.encode("utf-8", "surrogateescape") + b"\n"
                               for w in vocab.words),
             "counts": np.ascontiguousarray(vocab.counts, dtype="<i8"),
             "ids": ids if not isinstance(ids, np.ndarray)
             else np.ascontiguousarray(ids, dtype="<i4"),
             "starts": starts if not isinstance(starts, np.ndarray)
             else np.ascontiguousarray(starts, dtype="<i8")}
    with atomic_write(path) as out:
        native.write_container(out, header, blobs)


def read(path: str) -> EncodedFile:
    """Open an encoded corpus: the vocabulary read, the ids and starts memory-mapped."""
    header, size = native.read_container(path, _corrupt)
    if header.get("format") != FORMAT:
        raise _corrupt(path, "its header does not describe an encoded corpus")
    if header.get("format_version") != FORMAT_VERSION:
        raise _corrupt(path, f"it has format version {header.get('format_version')!r}; "
                             f"this w2v reads version {FORMAT_VERSION}")
    counts = {key: header.get(key) for key in ("words", "tokens", "sentences")}
    if not all(isinstance(v, int) and v >= 0 for v in counts.values()) \
            or not isinstance(header.get("settings"), dict) \
            or not set(SETTINGS) <= set(header["settings"]) \
            or not isinstance(header.get("corpus"), dict) \
            or not isinstance(header.get("sources"), list) \
            or not isinstance(header.get("sections"), dict) \
            or set(header["sections"]) != {"vocab", "counts", "ids", "starts"}:
        raise _corrupt(path, "its header lacks the sizes, settings or sections it needs")
    words, tokens, sentences = counts["words"], counts["tokens"], counts["sentences"]
    sections = header["sections"]
    native.check_sections(path, sections, {"counts": 8 * words, "ids": 4 * tokens,
                                           "starts": 8 * (sentences + 1)},
                          {"vocab": 2 * words}, size, _corrupt)
    with open(path, "rb") as f:
        f.seek(sections["vocab"]["offset"])
        names = f.read(sections["vocab"]["bytes"]).decode("utf-8", "surrogateescape")
    names = names.split("\n")
    if len(names) != words + 1 or names[-1] != "":
        raise _corrupt(path, f"its vocabulary has {len(names) - 1:,} words, its header "
                             f"says {words:,}")
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else None
    counts_ = _map(mapped, sections["counts"], "<i8", words)
    starts = _map(mapped, sections["starts"], "<i8", sentences + 1)
    if sentences and (starts[0] != 0 or starts[-1] != tokens):
        raise _corrupt(path, "its sentence starts do not span its ids")
    ids, release = _mapped_ids(mapped, sections["ids"]["offset"], tokens)
    corpus = EncodedCorpus(ids=ids, sentence_starts=starts,
                           raw_tokens=int(header["corpus"].get("raw_tokens", tokens)),
                           long_tokens=int(header["corpus"].get("long_tokens", 0)),
                           release=release)
    return EncodedFile(Vocabulary(names[:-1], np.array(counts_)), corpus,
                       header["settings"], header["sources"], header["corpus"])


def select(encoded: EncodedFile, min_count: int, max_vocab: int | None,
           max_final_vocab: int | None) -> tuple[Vocabulary, EncodedCorpus]:
    """The vocabulary and corpus that training with these settings reads: the encoding's
    own, or, when they keep fewer words, its most frequent words and their tokens alone
    (sentences left with none are dropped), as encoding the text with them would."""
    vocab, corpus = encoded.vocab, encoded.corpus
    least = encoded.settings["min_count"]
    if min_count < least:
        raise CorpusError(f"the corpus was encoded with --min-count {least}: its rarer words "
                          f"are gone; train with --min-count {least} or more, or encode it "
                          "again")
    counts = vocab.counts
    min_count = final_min_count(counts, min_count, max_final_vocab)
    kept = int(np.count_nonzero(counts >= min_count))  # the words are sorted by count
    if max_vocab is not None:
        kept = min(kept, max_vocab)
    if kept == 0:
        raise CorpusError(f"no word of the encoded corpus occurs at least {min_count} times "
                          f"({len(counts):,} words); try a smaller --min-count")
    if kept == len(vocab):
        return vocab, corpus
    return (Vocabulary(vocab.words[:kept], vocab.counts[:kept]), _filtered(corpus, kept))


def _filtered(corpus: EncodedCorpus, kept: int) -> EncodedCorpus:
    """The ids below ``kept`` alone, and the sentences that still hold some. The ids are
    filtered FILTER_IDS at a time into an unnamed temporary file (in the system's
    temporary folder, gone when it is closed) and mapped from it, so that memory grows
    with the corpus only by 8 bytes a sentence."""
    ids, starts = corpus.ids, corpus.sentence_starts
    new_starts = np.empty(len(starts), dtype=np.int64)  # kept ids before each start
    total = 0
    try:
        with tempfile.TemporaryFile(prefix="w2v-filtered-") as out:
            for lo in range(0, len(ids), FILTER_IDS):
                keep = ids[lo:lo + FILTER_IDS] < kept
                before = np.concatenate(([0], np.cumsum(keep)))
                first, last = np.searchsorted(starts, [lo, lo + len(keep)])
                new_starts[first:last] = total + before[starts[first:last] - lo]
                ids[lo:lo + FILTER_IDS][keep].astype("<i4").tofile(out)
                total += int(before[-1])
                if corpus.release is not None:
                    corpus.release(lo, lo + len(keep))
            new_starts[-1] = total
            out.flush()
            mapped = mmap.mmap(out.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as exc:
        raise CorpusError(f"cannot write the filtered corpus to {tempfile.gettempdir()}: "
                          f"{exc.strerror or exc} (set TMPDIR to a folder with room)") from None
    filtered, release = _mapped_ids(mapped, 0, total)
    nonempty = np.concatenate(([True], np.diff(new_starts) > 0))
    return EncodedCorpus(ids=filtered, sentence_starts=new_starts[nonempty],
                         raw_tokens=corpus.raw_tokens, long_tokens=corpus.long_tokens,
                         release=release)


def _mapped_ids(mapped: mmap.mmap, offset: int, count: int
                ) -> tuple[np.ndarray, Callable[[int, int], None] | None]:
    """``count`` int32 ids at ``offset`` in a mapping, and their ``release``."""
    if count == 0:
        return np.empty(0, dtype="<i4"), None

    def release(lo: int, hi: int) -> None:
        """Drop ids lo..hi-1 from this process's memory (read again from the file, or
        the page cache, when next used): what has been trained on stops counting in
        its resident memory."""
        start = -(-(offset + 4 * lo) // mmap.PAGESIZE) * mmap.PAGESIZE
        end = (offset + 4 * hi) // mmap.PAGESIZE * mmap.PAGESIZE
        if end > start:
            mapped.madvise(mmap.MADV_DONTNEED, start, end - start)

    return np.frombuffer(mapped, dtype="<i4", count=count, offset=offset), release


def _map(mapped: mmap.mmap | None, section: dict, dtype: str, count: int) -> np.ndarray:
    if count == 0:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(mapped, dtype=dtype, count=count, offset=section["offset"])


def _corrupt(path: str, why: str) -> CorpusError:
    return CorpusError(f"{path} is not a valid encoded corpus: {why}")
