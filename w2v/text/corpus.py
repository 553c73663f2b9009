"""Reading a corpus: its bytes, in blocks that never split a token.

A corpus is a path (``.gz``, ``.bz2`` and ``.xz`` are decompressed by suffix), ``"-"`` for
standard input, several paths read as one (``Files``: each file ends a line), or, from
Python, an iterable of sentences (each a list of strings).

Each line (ended by LF) is a sentence; tokens are separated by whitespace: every
character Python's ``str.split()`` splits on, ASCII's and Unicode's (``scan.space_bytes``
lists them). Lines may be of any length: the text is read in blocks of ``BLOCK_BYTES``
cut just after a whitespace character, so a 100 MB single-line file such as text8
streams in bounded memory and every word of it is used. A UTF-8 byte-order mark at the
start of the text (of a file, of standard input, or of a file's decompressed bytes) is
dropped. This module only cuts bytes; ``scan`` tokenises them, and invalid UTF-8 is
dealt with once per distinct token, in ``vocab``.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Union

import numpy as np

from ..errors import CorpusError
from . import scan

BOM = b"\xef\xbb\xbf"  # the UTF-8 byte-order mark
BLOCK_BYTES = 1 << 22
PARALLEL_BYTES = 1 << 23  # plain files this large are read by several threads (stretches)
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_READ_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)


class Files(tuple):
    """Several files read as one corpus, one after the other; each file ends a line."""


Corpus = Union[str, "os.PathLike[str]", Files, Iterable[Iterable[str]]]


def describe(corpus: Corpus) -> str:
    """A short name of the corpus for messages."""
    if isinstance(corpus, Files):
        return os.fspath(corpus[0]) if len(corpus) == 1 else \
            f"{os.fspath(corpus[0])} and {len(corpus) - 1:,} more files"
    if corpus == "-":
        return "standard input"
    if isinstance(corpus, (str, os.PathLike)):
        return os.fspath(corpus)
    return "the sentences given"


def size_hint(corpus: Corpus) -> int:
    """The corpus size in bytes when cheaply known (a plain file), else 0."""
    if isinstance(corpus, Files):
        return sum(size_hint(path) for path in corpus)
    if isinstance(corpus, (str, os.PathLike)) and corpus != "-" \
            and os.path.splitext(os.fspath(corpus))[1].lower() not in _OPENERS:
        try:
            return os.path.getsize(corpus)
        except OSError:
            return 0
    return 0


def pieces(corpus: Corpus, parts: int) -> list[tuple[Corpus, tuple[int, int] | None]]:
    """The corpus cut into at most ``parts`` pieces to read side by side, in order, each
    (a corpus, a byte range of it or None for all of it), for ``text_blocks``: a large
    plain file into ``stretches``; several files (``Files``) into runs of whole files of
    about equal size."""
    if isinstance(corpus, Files) and len(corpus) > 1:
        return [(Files(run), None) for run in _runs(corpus, parts)]
    single = corpus[0] if isinstance(corpus, Files) else corpus
    return [(single, stretch) for stretch in stretches(single, parts)]


def stretches(corpus: Corpus, parts: int) -> list[tuple[int, int] | None]:
    """Byte ranges that cut a plain file of at least PARALLEL_BYTES into ``parts``
    stretches of about equal size, each starting just after a whitespace character (so
    no token is cut), for ``text_blocks``; [None] (the whole corpus at once) otherwise."""
    size = size_hint(corpus)
    if parts < 2 or size < PARALLEL_BYTES:
        return [None]
    cuts = [0]
    with open_bytes(corpus) as stream:
        for k in range(1, parts):
            stream.seek(size * k // parts)
            probe = np.frombuffer(stream.read(1 << 16), dtype=np.uint8)
            after = scan.first_space_end(probe)
            if after < 0:  # a token over 64 KiB: not worth cutting around
                return [None]
            cuts.append(size * k // parts + after)
    cuts.append(size)
    return list(zip(cuts[:-1], cuts[1:]))


def _runs(files: Files, parts: int) -> list[list]:
    """``files`` cut into at most ``parts`` runs of consecutive files of about equal size
    on disk: each file goes to the run its middle byte falls in."""
    sizes = np.array([_bytes(path) for path in files], dtype=np.float64) + 1
    middles = np.cumsum(sizes) - sizes / 2
    run = np.minimum((middles / sizes.sum() * parts).astype(np.int64), parts - 1)
    return [[files[i] for i in np.flatnonzero(run == r)] for r in np.unique(run)]


def _bytes(path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def text_blocks(corpus: Corpus, block_bytes: int = BLOCK_BYTES,
                stretch: tuple[int, int] | None = None) -> Iterator[np.ndarray]:
    """The corpus bytes as uint8 arrays of about ``block_bytes``, each cut just after a
    whitespace character (but the last), so no token spans two blocks; a line may. A
    block is a view of a reused buffer: it is valid until the next one is asked for.
    With a ``stretch`` (from ``stretches``), only those bytes of the file. A byte-order
    mark at the start of the text is left out (of every file's, for ``Files``)."""
    if isinstance(corpus, Files):
        for path in corpus:
            yield from text_blocks(path, block_bytes)
            yield np.frombuffer(b"\n", dtype=np.uint8)  # a file's last line ends with it
        return
    if not isinstance(corpus, (str, os.PathLike)):
        for chunk in _sentence_chunks(corpus):
            yield np.frombuffer(chunk, dtype=np.uint8)
        return
    name = describe(corpus)
    buf = np.empty(block_bytes, dtype=np.uint8)
    carry = 0  # bytes of an unfinished token kept at the front of buf
    at_start = stretch is None or stretch[0] == 0  # a byte-order mark may come first
    with open_bytes(corpus) as stream:
        left = -1  # bytes of the stretch still to read; -1: read to the end
        if stretch is not None:
            stream.seek(stretch[0])
            left = stretch[1] - stretch[0]
        while True:
            if carry == len(buf):  # one token longer than the buffer so far
                buf = np.concatenate([buf, np.empty_like(buf)])
            room = memoryview(buf)[carry:] if left < 0 else memoryview(buf)[carry:carry + left]
            try:
                got = stream.readinto(room) if len(room) else 0
                left -= got if left > 0 else 0
            except _READ_ERRORS as exc:
                raise CorpusError(f"cannot read {name}: {_reason(exc)}") from None
            if not got:
                if carry:
                    yield buf[:carry]
                return
            end = carry + got
            if not buf[carry:end].all():
                raise CorpusError(f"{name} looks like a binary file (it contains NUL bytes); "
                                  "w2v reads UTF-8 text")
            if at_start:
                if end < len(BOM):  # a pipe may give fewer bytes than a mark has
                    carry = end
                    continue
                at_start = False
                if buf[:len(BOM)].tobytes() == BOM:
                    end -= len(BOM)
                    buf[:end] = buf[len(BOM):end + len(BOM)].copy()
            cut = scan.last_space_end(buf[:end])
            if cut < 0:
                carry = end
                continue
            yield buf[:cut]
            carry = end - cut
            buf[:carry] = buf[cut:end].copy()


def _sentence_chunks(sentences: Iterable[Iterable[str]]) -> Iterator[bytes]:
    lines: list[bytes] = []
    size = 0
    for sentence in sentences:
        if isinstance(sentence, (str, bytes)):
            raise CorpusError("a corpus given from Python must be a path or an iterable of "
                              "sentences, each a list of words")
        line = " ".join(sentence).encode("utf-8", "surrogatepass") + b"\n"
        lines.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield b"".join(lines)
            lines, size = [], 0
    if lines:
        yield b"".join(lines)


def open_bytes(corpus) -> BinaryIO:
    """The bytes of a path (decompressed by suffix) or of standard input (\"-\")."""
    if corpus == "-":
        return _Unclosed(sys.stdin.buffer)
    path = os.fspath(corpus)
    opener = _OPENERS.get(os.path.splitext(path)[1].lower(), open)
    try:
        if os.path.isdir(path):
            raise CorpusError(f"{path} is a directory, not a corpus file")
        return opener(path, "rb")
    except FileNotFoundError:
        raise CorpusError(f"corpus not found: {path}") from None
    except _READ_ERRORS as exc:
        raise CorpusError(f"cannot read {path}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class _Unclosed:
    """Standard input as a context manager that leaves it open."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def __enter__(self) -> BinaryIO:
        return self.stream

    def __exit__(self, *exc) -> None:
        return None
