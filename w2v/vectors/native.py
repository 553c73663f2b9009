"""The native ``.w2v`` file: a memory-mappable matrix, the vocabulary, and metadata.

Layout (all integers little-endian; every section starts at a multiple of 64 bytes):

    offset 0   MAGIC, 8 bytes: 0x89 'W2V' CR LF 0x1A LF (catches text-mode damage)
    offset 8   uint64: length H of the JSON header
    offset 16  H bytes: the JSON header, UTF-8
    then       the sections the header lists, each {"offset", "bytes"} in bytes from
               the start of the file:
               "vectors"         float32 (words x dim), row-major: the word vectors
               "output_weights"  float32 (words x dim), optional: word2vec's syn1neg,
                                 kept so that training can continue later
               "counts"          int64 (words), optional: corpus frequencies
               "vocab"           the words, UTF-8, each followed by "\\n"
               "ngram_vectors"   float32 (ngrams x dim), a subword model's trained
                                 n-gram rows (format version 2)
               "ngram_buckets"   int64 (ngrams), sorted: the bucket of each such row
               "doc_vectors"     float32 (documents x dim), a document model's
                                 document vectors (format version 3)
               "doc_tags"        their tags, UTF-8, each followed by "\n"

The header also holds "format": "w2v", "format_version" (1; 2 for a subword model; 3
for a document model, whose header also has "documents": the number of vectors),
"words", "dim", "w2v_version", free-form "metadata" (w2v writes "config", the training
settings, and "corpus", the corpus statistics), and for a subword model "subwords":
{"minn", "maxn", "buckets", "ngrams"}. Words keep undecodable bytes through Python's
surrogateescape, so any word of a foreign file round-trips byte for byte.

Reading checks the magic, the header and every section's bounds against the file size
before allocating anything, so a truncated, corrupt or absurd file gets a
``ModelFileError`` naming the file. The matrices are memory-mapped: opening a model of
millions of words reads only its header and vocabulary, and rows are read from disk
when first used.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

from ..config import MAX_NGRAM
from ..errors import ModelFileError
from .ngrams import NgramVectors

MAGIC = b"\x89W2V\r\n\x1a\n"
FORMAT_VERSION = 1
SUBWORD_FORMAT_VERSION = 2  # a file with n-gram sections, which version 1 readers lack
DOCS_FORMAT_VERSION = 3  # a file with document sections
_ALIGN = 64
_MAX_HEADER = 1 << 26  # 64 MiB of JSON is far beyond any real header


@dataclass
class ModelData:
    """Everything a model file can hold (word2vec files hold only words and vectors)."""

    words: list[str]
    vectors: np.ndarray  # float32 (words x dim); np.memmap when read from a file
    counts: np.ndarray | None = None
    output_weights: np.ndarray | None = None
    metadata: dict = field(default_factory=dict)
    ngrams: NgramVectors | None = None  # a subword model's n-gram rows
    docs: tuple[list[str], np.ndarray] | None = None  # a document model's tags and vectors


def is_native(path: str) -> bool:
    """Does the file start with the native magic?"""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def write(out, model: ModelData, version: str) -> None:
    """Write ``model`` to the binary stream ``out`` (see the module doc)."""
    vectors = np.ascontiguousarray(model.vectors, dtype="<f4")
    n, dim = vectors.shape
    vocab = b"".join(w.encode("utf-8", "surrogateescape") + b"\n" for w in model.words)
    blobs: dict[str, bytes | np.ndarray] = {"vectors": vectors}
    if model.output_weights is not None:
        blobs["output_weights"] = np.ascontiguousarray(model.output_weights, dtype="<f4")
    if model.counts is not None:
        blobs["counts"] = np.ascontiguousarray(model.counts, dtype="<i8")
    blobs["vocab"] = vocab
    header = {"format": "w2v", "format_version": FORMAT_VERSION, "w2v_version": version,
              "words": n, "dim": dim, "metadata": model.metadata, "sections": {}}
    if model.ngrams is not None:
        grams = model.ngrams
        blobs["ngram_vectors"] = np.ascontiguousarray(grams.vectors, dtype="<f4")
        blobs["ngram_buckets"] = np.ascontiguousarray(grams.buckets_used, dtype="<i8")
        header["format_version"] = SUBWORD_FORMAT_VERSION
        header["subwords"] = {"minn": grams.minn, "maxn": grams.maxn,
                              "buckets": grams.buckets, "ngrams": len(grams.buckets_used)}
    if model.docs is not None:
        if model.ngrams is not None:
            raise ValueError("a .w2v file holds n-grams or documents, not both")
        tags, doc_vectors = model.docs
        blobs["doc_vectors"] = np.ascontiguousarray(doc_vectors, dtype="<f4")
        blobs["doc_tags"] = b"".join(t.encode("utf-8", "surrogateescape") + b"\n" for t in tags)
        header["format_version"] = DOCS_FORMAT_VERSION
        header["documents"] = len(tags)
    write_container(out, header, blobs)


def write_container(out, header: dict, blobs: dict[str, bytes | np.ndarray | BinaryIO]
                    ) -> None:
    """MAGIC, the JSON ``header`` with a "sections" entry added, and ``blobs`` (bytes,
    contiguous arrays, or files open for reading, copied whole), each at a multiple of
    64 bytes: the layout of every w2v binary file (a model here; an encoded corpus,
    ``text.encoded``)."""
    # The header's length depends on the offsets it holds: place the sections after a
    # draft whose offsets take the most digits; the real header is no longer, and zero
    # bytes fill the gap up to the first section.
    sizes = {name: _size(blob) for name, blob in blobs.items()}
    draft = json.dumps({**header, "sections": {k: {"offset": 2**62, "bytes": v}
                                               for k, v in sizes.items()}}).encode()
    offset = _aligned(16 + len(draft))
    header = {**header, "sections": {}}
    for name, size in sizes.items():
        header["sections"][name] = {"offset": offset, "bytes": size}
        offset = _aligned(offset + size)
    text = json.dumps(header).encode()
    out.write(MAGIC + struct.pack("<Q", len(text)) + text)
    written = 16 + len(text)
    for name, blob in blobs.items():
        at = header["sections"][name]["offset"]
        out.write(b"\0" * (at - written))
        if isinstance(blob, (bytes, np.ndarray)):
            out.write(blob if isinstance(blob, bytes) else blob.reshape(-1).view(np.uint8))
        else:
            blob.seek(0)
            shutil.copyfileobj(blob, out, 1 << 22)
        written = at + sizes[name]


def _size(blob: bytes | np.ndarray | BinaryIO) -> int:
    if isinstance(blob, np.ndarray):
        return blob.nbytes
    if isinstance(blob, bytes):
        return len(blob)
    return blob.seek(0, os.SEEK_END)


def read_container(path: str, corrupt: Callable[[str, str], Exception]) -> tuple[dict, int]:
    """The JSON header of a w2v binary file, and the file's size; ``corrupt(path,
    why)`` makes the error raised when it is not one."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(16)
        if len(head) < 16 or head[:8] != MAGIC:
            raise corrupt(path, "it does not start with the w2v magic bytes")
        (length,) = struct.unpack("<Q", head[8:])
        if length > min(_MAX_HEADER, size - 16):
            raise corrupt(path, f"its header claims {length:,} bytes, the file has "
                                f"{size:,} (truncated?)")
        try:
            header = json.loads(f.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise corrupt(path, "its header is not valid JSON") from None
        except (ValueError, RecursionError):  # a number of 4,300+ digits, deep nesting
            raise corrupt(path, "its header holds JSON too large or too deeply nested "
                                "to read") from None
    if not isinstance(header, dict):
        raise corrupt(path, "its header is not a JSON object")
    return header, size


def check_sections(path: str, sections: dict, expected: dict[str, int],
                   least: dict[str, int], size: int,
                   corrupt: Callable[[str, str], Exception]) -> None:
    """Every section is named in ``expected`` (its exact size) or ``least`` (its least
    size), lies within the file's ``size`` bytes, and overlaps no other."""
    spans = []
    for name, section in sections.items():
        if name not in (*expected, *least) or not isinstance(section, dict):
            raise corrupt(path, f"its header lists an unknown section {name!r}")
        offset, length = section.get("offset"), section.get("bytes")
        if not (_whole(offset) and _whole(length)) or offset < 16:
            raise corrupt(path, f"its {name} section has no valid offset and size")
        if name in expected and length != expected[name]:
            raise corrupt(path, f"its {name} section has {length:,} bytes where its header's "
                                f"sizes need {expected[name]:,}")
        if name in least and length < least[name]:
            raise corrupt(path, f"its {name} section is too small for what its header "
                                "declares")
        if offset + length > size:
            raise corrupt(path, f"its {name} section ends at byte {offset + length:,}, past "
                                f"the end of the file ({size:,} bytes; truncated?)")
        spans.append((offset, offset + length))
    spans.sort()
    if any(a_end > b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:])):
        raise corrupt(path, "its sections overlap")


def read_header(path: str) -> dict:
    """The checked JSON header of a native file (reads nothing else)."""
    header, size = read_container(path, _corrupt)
    _check_header(path, header, size)
    return header


def read(path: str, limit: int | None = None) -> ModelData:
    """Open a native file: vocabulary and counts read, matrices memory-mapped."""
    header = read_header(path)
    n, dim = header["words"], header["dim"]
    sections = header["sections"]
    rows = n if limit is None else min(n, limit)
    with open(path, "rb") as f:
        f.seek(sections["vocab"]["offset"])
        vocab = f.read(sections["vocab"]["bytes"])
        counts = None
        if "counts" in sections:
            f.seek(sections["counts"]["offset"])
            counts = np.frombuffer(f.read(8 * rows), dtype="<i8").astype(np.int64)
    words = vocab.decode("utf-8", "surrogateescape").split("\n")
    if len(words) != n + 1 or words[-1] != "":
        raise _corrupt(path, f"its vocabulary holds {len(words) - 1:,} words, the header "
                             f"says {n:,}")
    model = ModelData(words[:rows], _map(path, sections["vectors"]["offset"], rows, dim),
                      counts=counts, metadata=header.get("metadata") or {})
    if "output_weights" in sections:
        model.output_weights = _map(path, sections["output_weights"]["offset"], rows, dim)
    if "subwords" in header:
        sub = header["subwords"]
        with open(path, "rb") as f:
            f.seek(sections["ngram_buckets"]["offset"])
            used = np.frombuffer(f.read(8 * sub["ngrams"]), dtype="<i8").astype(np.int64)
        if np.any(np.diff(used) <= 0) or (len(used) and not 0 <= used[0] <= used[-1]
                                          < sub["buckets"]):
            raise _corrupt(path, "its n-gram buckets are not sorted, or out of range")
        model.ngrams = NgramVectors(_map(path, sections["ngram_vectors"]["offset"],
                                         sub["ngrams"], dim), used, sub["minn"], sub["maxn"],
                                    sub["buckets"])
    if "documents" in header:
        with open(path, "rb") as f:
            f.seek(sections["doc_tags"]["offset"])
            tags = f.read(sections["doc_tags"]["bytes"]).decode("utf-8", "surrogateescape")
        tags = tags.split("\n")
        if len(tags) != header["documents"] + 1 or tags[-1] != "":
            raise _corrupt(path, f"its document tags number {len(tags) - 1:,}, the header "
                                 f"says {header['documents']:,}")
        model.docs = (tags[:-1], _map(path, sections["doc_vectors"]["offset"],
                                      header["documents"], dim))
    return model


def _map(path: str, offset: int, rows: int, dim: int) -> np.ndarray:
    if rows * dim == 0:
        return np.empty((rows, dim), dtype=np.float32)
    return np.memmap(path, dtype="<f4", mode="r", offset=offset, shape=(rows, dim))


def _check_header(path: str, header: dict, size: int) -> None:
    if header.get("format") == "w2vc":
        raise ModelFileError(f"{path} is an encoded corpus (from w2v encode), not a model: "
                             "train on it with w2v train")
    if header.get("format") != "w2v":
        raise _corrupt(path, "its header does not describe a w2v model")
    version = header.get("format_version")
    if version not in (FORMAT_VERSION, SUBWORD_FORMAT_VERSION, DOCS_FORMAT_VERSION):
        raise _corrupt(path, f"it has format version {version!r}; this w2v reads versions "
                             f"{FORMAT_VERSION} to {DOCS_FORMAT_VERSION} (a newer w2v may read "
                             "it)")
    n, dim = header.get("words"), header.get("dim")
    if not (_whole(n) and _whole(dim)) or n < 1 or dim < 1:
        raise _corrupt(path, f"its header declares {n!r} words of {dim!r} dimensions")
    sections = header.get("sections")
    if not isinstance(sections, dict) or not {"vectors", "vocab"} <= set(sections):
        raise _corrupt(path, "its header lists no vectors or no vocabulary")
    expected = {"vectors": 4 * n * dim, "output_weights": 4 * n * dim, "counts": 8 * n}
    sub = header.get("subwords")
    documents = header.get("documents")
    if documents is not None:
        if version != DOCS_FORMAT_VERSION or not _whole(documents) \
                or not {"doc_vectors", "doc_tags"} <= set(sections):
            raise _corrupt(path, "its document count or document sections are missing or "
                                 "invalid")
        expected["doc_vectors"] = 4 * documents * dim
    elif version == DOCS_FORMAT_VERSION:
        raise _corrupt(path, "its format version and its document sections disagree")
    if (sub is not None) != (version == SUBWORD_FORMAT_VERSION):
        raise _corrupt(path, "its format version and its subword settings disagree")
    if sub is not None:
        fields = ("minn", "maxn", "buckets", "ngrams")
        if not isinstance(sub, dict) or not all(_whole(sub.get(k)) for k in fields) \
                or sub["minn"] < 1 or sub["buckets"] < 1 or sub["buckets"] >= 2**31 \
                or sub["maxn"] > MAX_NGRAM \
                or not {"ngram_vectors", "ngram_buckets"} <= set(sections or {}):
            raise _corrupt(path, "its subword settings or n-gram sections are missing or "
                                 "invalid")
        expected["ngram_vectors"] = 4 * sub["ngrams"] * dim
        expected["ngram_buckets"] = 8 * sub["ngrams"]
    least = {"vocab": 2 * n, "doc_tags": 0}
    check_sections(path, sections, expected, least, size, _corrupt)
    if not isinstance(header.get("metadata", {}), dict):
        raise _corrupt(path, "its metadata is not a JSON object")


def _whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def _corrupt(path: str, why: str) -> ModelFileError:
    return ModelFileError(f"{path} is not a valid w2v model file: {why}")
