"""Reading a corpus: bytes in, blocks of whitespace-separated tokens and line ends out.

A corpus is a path (``.gz``, ``.bz2`` and ``.xz`` are decompressed by suffix), ``"-"`` for
standard input, or, from Python, an iterable of sentences (each a list of strings).

Each line is a sentence; tokens are separated by ASCII whitespace (space, tab, CR, LF,
VT, FF), as in word2vec.c. Lines may be of any length: the text is read in blocks of
``BLOCK_BYTES`` cut at whitespace, so a 100 MB single-line file such as text8 streams
in bounded memory and every word of it is used. This module only cuts bytes; ``scan``
tokenises them, and invalid UTF-8 is dealt with once per distinct token, in ``vocab``.
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

from .errors import CorpusError

BLOCK_BYTES = 1 << 22
_WHITESPACE = b" \t\n\r\x0b\x0c"
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_READ_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)

Corpus = Union[str, "os.PathLike[str]", Iterable[Iterable[str]]]


def describe(corpus: Corpus) -> str:
    """A short name of the corpus for messages."""
    if corpus == "-":
        return "standard input"
    if isinstance(corpus, (str, os.PathLike)):
        return os.fspath(corpus)
    return "the sentences given"


def text_blocks(corpus: Corpus, block_bytes: int = BLOCK_BYTES) -> Iterator[bytes]:
    """The corpus bytes in blocks of about ``block_bytes``, each cut just after a
    whitespace byte (but the last), so no token spans two blocks. A line may."""
    if not isinstance(corpus, (str, os.PathLike)):
        yield from _sentence_chunks(corpus)
        return
    name = describe(corpus)
    carry = b""
    with _open(corpus) as stream:
        while True:
            try:
                data = stream.read(block_bytes)
            except _READ_ERRORS as exc:
                raise CorpusError(f"cannot read {name}: {_reason(exc)}") from None
            if b"\0" in data:
                raise CorpusError(f"{name} looks like a binary file (it contains NUL bytes); "
                                  "w2v reads UTF-8 text")
            if not data:
                if carry:
                    yield carry
                return
            data = carry + data
            cut = max(data.rfind(c) for c in _WHITESPACE)
            if cut < 0:  # one token longer than a block so far: keep reading
                carry = data
                continue
            carry = data[cut + 1:]
            yield data[: cut + 1]


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


def _open(corpus) -> BinaryIO:
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
