"""Vector files: word2vec binary and text (as word2vec.c writes them and gensim reads
them) and w2v's native format (``native.py``).

* ``bin``: word2vec binary (``.bin``): an ASCII header ``"<words> <dim>\\n"``, then per
  word its UTF-8 bytes, a space, ``dim`` little-endian float32 values and a newline
  (read with or without that newline, as gensim does).
* ``txt``: word2vec text (``.txt``, ``.vec``, gzipped as ``.txt.gz``, ``.vec.gz``):
  the same header, then per line a word and its ``dim`` values separated by spaces.
  Values are written with 9 significant digits, which read back as the same float32.
* ``w2v``: native (``.w2v``): memory-mapped matrix, vocabulary with counts, training
  metadata and optionally the output weights. Recognised by its magic bytes whatever
  the file is called.
* ``fasttext``: fastText's ``.bin`` model (``fasttext.py``), read whatever the file is
  called (by its magic number) and written when asked for by name: its suffix,
  ``.bin``, is word2vec binary's too.

A ``.vec`` file is written as fastText writes one: each value followed by a space.

Words are stored in vocabulary order (most frequent first). Bytes that are not UTF-8
are kept through Python's surrogateescape: a foreign file's words survive reading and
writing byte for byte. Every reader checks the header's sizes against the file before
allocating and raises ``ModelFileError`` naming the file for anything malformed.
Every file is written through ``outputs.atomic_write``: a failed or interrupted save
leaves no partial or temporary file, and the file gets the mode ``open()`` would give.
A word2vec file cannot hold an empty word or one holding whitespace, nor a ``.w2v``
file a word holding a newline: ``check_words`` says so before anything is written.
"""

from __future__ import annotations

import gzip
import mmap
import os
import zlib
from collections.abc import Iterable
from typing import BinaryIO

import numpy as np

from ..errors import ModelFileError
from ..outputs import atomic_write, check_output_path
from . import fasttext, native
from .native import ModelData

FORMATS = ("bin", "txt", "w2v", "fasttext")
_SUFFIXES = {".bin": "bin", ".txt": "txt", ".vec": "txt", ".txt.gz": "txt", ".vec.gz": "txt",
             ".w2v": "w2v"}


def format_of(path: str | os.PathLike, format: str | None = None) -> str:
    """``"bin"``, ``"txt"``, ``"w2v"`` or ``"fasttext"``: ``format`` if given, else from
    the suffix."""
    if format is not None:
        if format not in FORMATS:
            raise ModelFileError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
        return format
    name = os.fspath(path).lower()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return _SUFFIXES[suffix]
    raise ModelFileError(f"cannot tell the format of {os.fspath(path)!r} from its suffix; "
                         "use .w2v (native), .bin (word2vec binary), .txt or .vec (word2vec "
                         "text, optionally .gz)")


def _gzipped(path: str) -> bool:
    return path.lower().endswith(".gz")


def check_writable(path: str | os.PathLike, format: str | None = None) -> None:
    """Fail now, before hours of training, if ``path`` could not be saved to."""
    format_of(path, format)
    check_output_path(path)


def check_words(path: str | os.PathLike, words: Iterable[str],
                format: str | None = None) -> None:
    """Raise ``ModelFileError`` naming the first of ``words`` that the file ``path``
    (in ``format``, else by its suffix) cannot hold, and what to do about it."""
    kind = format_of(path, format)
    name = os.fspath(path)
    if kind == "fasttext":  # its dictionary ends every word with a NUL byte
        bad = next((w for w in words if "\0" in w or not w), None)
        if bad is not None:
            raise ModelFileError(f"cannot write {name}: the word {_shown(bad)} is empty or "
                                 "holds a NUL character, which fastText files cannot "
                                 "represent")
        return
    if kind == "w2v":  # the vocabulary section ends every word with a newline
        bad = next((w for w in words if "\n" in w), None)
        if bad is not None:
            raise ModelFileError(f"cannot write {name}: the word {_shown(bad)} holds a "
                                 "newline, which .w2v files cannot represent")
        return
    bad = next((w for w in words if w.split() != [w]), None)  # empty, or holds whitespace
    if bad is not None:
        raise ModelFileError(f"cannot write {name}: the word {_shown(bad)} is empty or holds "
                             "whitespace, which word2vec files cannot represent; write .w2v "
                             "instead, or fix the word in its source")


def _shown(word: str) -> str:
    return repr(word if len(word) <= 60 else word[:60] + "…")


def save(path: str | os.PathLike, model: ModelData, format: str | None = None,
         version: str = "") -> None:
    """Write ``model``; a word2vec file keeps only its words and vectors."""
    kind = format_of(path, format)
    name = os.fspath(path)
    check_words(name, model.words, kind)
    with atomic_write(name) as out:
        if kind == "w2v":
            native.write(out, model, version)
        elif kind == "fasttext":
            fasttext.write(out, model)
        elif kind == "bin":
            _write_binary(out, model)
        elif _gzipped(name):
            with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as packed:
                _write_text(packed, model)
        else:
            _write_text(out, model, fasttext_layout=name.lower().endswith((".vec", ".vec.gz")))


def _write_binary(out: BinaryIO, model: ModelData) -> None:
    rows = np.ascontiguousarray(model.vectors, dtype="<f4")
    out.write(f"{len(model.words)} {rows.shape[1]}\n".encode("ascii"))
    for word, row in zip(model.words, rows):
        out.write(word.encode("utf-8", "surrogateescape") + b" " + row.tobytes() + b"\n")


def _write_text(out: BinaryIO, model: ModelData, fasttext_layout: bool = False) -> None:
    rows = np.asarray(model.vectors, dtype=np.float32)
    out.write(f"{len(model.words)} {rows.shape[1]}\n".encode("ascii"))
    end = " \n" if fasttext_layout else "\n"
    for word, row in zip(model.words, rows):
        out.write((word + " " + " ".join([f"{x:.9g}" for x in row.tolist()]) + end)
                  .encode("utf-8", "surrogateescape"))


def load(path: str | os.PathLike, format: str | None = None,
         limit: int | None = None) -> ModelData:
    """Read a vector file: the first ``limit`` words only, when given."""
    name = os.fspath(path)
    if limit is not None and limit < 1:
        raise ModelFileError(f"--limit must be at least 1 (got {limit})")
    _check_readable(name)
    if native.is_native(name):
        return native.read(name, limit)
    if fasttext.is_fasttext(name):
        return fasttext.read(name, limit)
    kind = _word2vec_kind(name, format)
    try:
        if kind == "bin":
            return _read_binary(name, limit)
        return _read_text(name, limit)
    except _Corrupt as exc:
        label = "word2vec binary" if kind == "bin" else "word2vec text"
        raise ModelFileError(f"{name} is not a valid {label} file: {exc}") from None
    except (OSError, EOFError, zlib.error) as exc:  # gzip damage, read errors
        raise ModelFileError(f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}"
                             ) from None


def describe(path: str | os.PathLike, format: str | None = None) -> dict:
    """What a file holds, from its header alone: format, words, dim, and for native
    files what else is stored and the training metadata."""
    name = os.fspath(path)
    _check_readable(name)
    size = os.path.getsize(name)
    if native.is_native(name):
        header = native.read_header(name)
        sections = header["sections"]
        return {"file": name, "format": "w2v", "bytes": size, "words": header["words"],
                "dim": header["dim"], "counts": "counts" in sections,
                "output_weights": "output_weights" in sections,
                "subwords": header.get("subwords"), "documents": header.get("documents"),
                "w2v_version": header.get("w2v_version"),
                "metadata": header.get("metadata") or {}}
    if fasttext.is_fasttext(name):
        return {"file": name, "format": "fasttext", "bytes": size, "counts": True,
                "w2v_version": None, **fasttext.describe(name)}
    kind = _word2vec_kind(name, format)
    opener = gzip.open if kind == "txt" and _gzipped(name) else open  # as load reads it
    try:
        with opener(name, "rb") as f:
            first = f.readline(256)
        count, dim, _ = _header(first)
    except _Corrupt as exc:
        raise ModelFileError(f"{name} is not a valid word2vec file: {exc}") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise ModelFileError(f"cannot read {name}: {exc}") from None
    return {"file": name, "format": kind, "bytes": size, "words": count, "dim": dim,
            "counts": False, "output_weights": False, "subwords": None, "w2v_version": None,
            "metadata": {}}


def _word2vec_kind(name: str, format: str | None) -> str:
    """``"bin"`` or ``"txt"`` for a file with neither magic (checked by the caller);
    a file named or declared native or fastText says why it is not."""
    kind = format_of(name, format)
    if kind == "w2v":
        native.read_header(name)  # raises, naming the file and what is wrong
    if kind == "fasttext":
        raise ModelFileError(f"{name} is not a valid fastText model file: it does not "
                             "start with fastText's magic number")
    return kind


def _check_readable(name: str) -> None:
    if not os.path.exists(name):
        raise ModelFileError(f"model file not found: {name} "
                             "(train one with: w2v train CORPUS -o FILE)")
    if os.path.isdir(name):
        raise ModelFileError(f"cannot read {name}: it is a folder")
    try:
        with open(name, "rb"):
            pass
    except OSError as exc:
        raise ModelFileError(f"cannot read {name}: {exc.strerror or exc}") from None


class _Corrupt(Exception):
    pass


def _header(data: bytes) -> tuple[int, int, int]:
    end = data.find(b"\n")
    fields = data[: end if end >= 0 else 80].split()
    if end < 0 or len(fields) != 2 or not all(f.isdigit() for f in fields):
        raise _Corrupt("the first line must be '<words> <dimensions>'")
    count, dim = int(fields[0]), int(fields[1])
    if count < 1 or dim < 1:
        raise _Corrupt(f"the header declares {count} words of {dim} dimensions")
    return count, dim, end + 1


def _read_binary(name: str, limit: int | None) -> ModelData:
    with open(name, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            raise _Corrupt("it is empty; the first line must be '<words> <dimensions>'")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            count, dim, pos = _header(data[:256])
            row_bytes = 4 * dim
            # every word takes at least one byte, a space and its vector
            if (len(data) - pos) // (row_bytes + 2) < count:
                raise _Corrupt(f"its header declares {count:,} words of {dim:,} dimensions; "
                               f"the file is too short for them ({len(data):,} bytes; "
                               "truncated?)")
            rows = count if limit is None else min(count, limit)
            words: list[str] = []
            vectors = np.empty((rows, dim), dtype=np.float32)
            for i in range(rows):
                while pos < len(data) and data[pos] in b"\n ":
                    pos += 1
                space = data.find(b" ", pos)
                if space <= pos:
                    raise _Corrupt(f"word {i + 1:,} of {count:,} is missing or unterminated "
                                   "(truncated?)")
                words.append(data[pos:space].decode("utf-8", "surrogateescape"))
                pos = space + 1 + row_bytes
                if pos > len(data):
                    raise _Corrupt(f"the vector of word {i + 1:,} of {count:,} is cut short "
                                   "(truncated?)")
                vectors[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=space + 1)
            if rows == count and data[pos:pos + 4096].strip():
                raise _Corrupt(f"it has data after the {count:,} words its header declares")
    return ModelData(words, vectors)


def _read_text(name: str, limit: int | None) -> ModelData:
    opener = gzip.open if _gzipped(name) else open
    with opener(name, "rb") as f:
        count, dim, _ = _header(f.readline(256))
        if not _gzipped(name) and count * 2 * dim > os.path.getsize(name):
            raise _Corrupt(f"its header declares {count:,} words of {dim:,} dimensions; "
                           "the file is too short for them (truncated?)")
        rows = count if limit is None else min(count, limit)
        words: list[str] = []
        values: list[bytes] = []
        number = 1
        for raw in f:
            number += 1
            if not raw.strip():
                continue
            if len(words) == rows:
                if rows < count:
                    break
                raise _Corrupt(f"the header declares {count:,} words but line {number:,} "
                               "holds another")
            raw = raw.rstrip()
            parts = raw.rsplit(b" ", min(dim, len(raw)))  # more splits than bytes: none
            if len(parts) != dim + 1 or not parts[0].strip():
                raise _Corrupt(f"line {number:,} does not hold a word and {dim:,} values")
            words.append(parts[0].decode("utf-8", "surrogateescape"))
            values += parts[1:]
    if len(words) < rows:
        raise _Corrupt(f"the header declares {count:,} words but {len(words):,} lines follow "
                       "(truncated?)")
    try:
        vectors = np.array(values, dtype=np.float32).reshape(rows, dim)
    except ValueError:
        raise _Corrupt("a vector holds a value that is not a number") from None
    return ModelData(words, vectors)
