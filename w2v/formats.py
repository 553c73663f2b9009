"""word2vec files, as written by word2vec.c and read by gensim's ``load_word2vec_format``.

* Binary (``.bin``): an ASCII header ``"<words> <dim>\\n"``, then per word its UTF-8
  bytes, a space, ``dim`` little-endian float32 values and a newline.
* Text (``.txt``, ``.vec``): the same header, then per line a word and its ``dim``
  values separated by spaces. Values are written with 9 significant digits, which
  reads back as the same float32 values.

Words are stored in vocabulary order (most frequent first). Every file is written to
a temporary file beside the target and renamed over it once complete, so a failed or
interrupted save never leaves a partial file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from typing import BinaryIO

import numpy as np

from .errors import ModelFileError

FORMATS = {".bin": "binary", ".txt": "text", ".vec": "text"}


def format_of(path: str | os.PathLike) -> str:
    """``"binary"`` or ``"text"``, from the file name's suffix."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise ModelFileError(f"cannot tell the format of {os.fspath(path)!r} from its suffix; "
                             "use .bin (word2vec binary), .txt or .vec (word2vec text)") from None


def check_writable(path: str | os.PathLike) -> None:
    """Fail now, before hours of training, if ``path`` could not be saved to."""
    format_of(path)
    name = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(name))
    if not os.path.isdir(folder):
        raise ModelFileError(f"cannot write {name}: folder {folder} does not exist")
    if os.path.isdir(name):
        raise ModelFileError(f"cannot write {name}: it is a folder")


def save(path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray) -> None:
    binary = format_of(path) == "binary"
    rows = np.ascontiguousarray(vectors, dtype="<f4")
    with atomic_write(path) as out:
        out.write(f"{len(words)} {rows.shape[1]}\n".encode("ascii"))
        for word, row in zip(words, rows):
            if binary:
                out.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
            else:
                out.write((word + " " + " ".join([f"{x:.9g}" for x in row.tolist()]) + "\n")
                          .encode("utf-8"))


def load(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Read a word2vec file; returns (words, float32 matrix)."""
    binary = format_of(path) == "binary"
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ModelFileError(f"model file not found: {name} "
                             "(train one with: w2v train CORPUS -o FILE)") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        return _parse_binary(data) if binary else _parse_text(data)
    except _Corrupt as exc:
        kind = "word2vec binary" if binary else "word2vec text"
        raise ModelFileError(f"{name} is not a valid {kind} file: {exc}") from None


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


def _parse_binary(data: bytes) -> tuple[list[str], np.ndarray]:
    count, dim, pos = _header(data)
    row_bytes = 4 * dim
    if len(data) - pos < count * (row_bytes + 2):
        raise _Corrupt(f"it is too short for {count} words of {dim} dimensions (truncated?)")
    words: list[str] = []
    vectors = np.empty((count, dim), dtype=np.float32)
    for i in range(count):
        while pos < len(data) and data[pos] in b"\n ":
            pos += 1
        space = data.find(b" ", pos, pos + 4096)
        if space <= pos:
            raise _Corrupt(f"word {i + 1} of {count} is missing or unterminated (truncated?)")
        words.append(data[pos:space].decode("utf-8", "replace"))
        pos = space + 1 + row_bytes
        if pos > len(data):
            raise _Corrupt(f"the vector of word {i + 1} of {count} is cut short (truncated?)")
        vectors[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=space + 1)
    if data[pos:].strip():
        raise _Corrupt(f"it has data after the {count} words its header declares")
    return words, vectors


def _parse_text(data: bytes) -> tuple[list[str], np.ndarray]:
    count, dim, pos = _header(data)
    lines = data[pos:].decode("utf-8", "replace").splitlines()
    lines = [line for line in lines if line.strip()]
    if len(lines) != count:
        raise _Corrupt(f"the header declares {count} words but {len(lines)} lines follow")
    words: list[str] = []
    values: list[str] = []
    for number, line in enumerate(lines, start=2):
        parts = line.rstrip().rsplit(" ", dim)
        if len(parts) != dim + 1 or not parts[0]:
            raise _Corrupt(f"line {number} does not hold a word and {dim} values")
        words.append(parts[0])
        values += parts[1:]
    try:
        vectors = np.array(values, dtype=np.float32).reshape(count, dim)
    except ValueError:
        raise _Corrupt("a vector holds a value that is not a number") from None
    return words, vectors


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path``; rename it over ``path`` on success."""
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(target) + ".",
                                   suffix=".part")
    except OSError as exc:
        raise ModelFileError(f"cannot write {os.fspath(path)}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # disk full, target is a folder, ...
            raise ModelFileError(f"cannot write {os.fspath(path)}: "
                                 f"{exc.strerror or exc}") from None
        raise
