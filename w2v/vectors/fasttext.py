"""fastText's ``.bin`` model file, read and written as fastText 0.9.2 does
(``FastText::saveModel``; ``src/args.cc``, ``src/dictionary.cc``, ``src/densematrix.cc``).

Layout, every number little-endian:

    int32   magic 793712314, int32 version 12
    args    int32 dim, ws, epoch, minCount, neg, wordNgrams, loss (1 hs, 2 ns,
            3 softmax, 4 ova), model (1 cbow, 2 sg, 3 supervised), bucket, minn, maxn,
            lrUpdateRate; float64 t (the subsampling threshold)
    dict    int32 size, nwords, nlabels; int64 ntokens, pruneidx_size (-1: not
            pruned); then per entry its UTF-8 bytes, a NUL, int64 count, int8 type
            (0 word, 1 label); then pruneidx_size pairs of int32
    bool    quantised input (w2v reads only plain models, not .ftz)
    matrix  int64 rows (nwords + bucket), int64 dim, float32 rows: each word's own
            row, then one row per bucket
    bool    quantised output
    matrix  int64 rows, int64 dim, float32 rows: the output layer (for negative
            sampling, one row per word: word2vec's syn1neg)

Reading gives a subword model as w2v keeps it: each word's vector is the mean of its
own row and its n-grams' (fastText's ``getWordVector``), and only the buckets some
vocabulary word uses are kept as trained n-gram rows. fastText itself also averages
the other buckets, which never trained and hold their random start, into an unseen
word's vector; w2v leaves them out (see ``NgramVectors``).

Writing puts zeros in the buckets no word uses, so fastText's ``load_model`` and
gensim's ``load_facebook_model`` give a vocabulary word w2v's vector, and an unseen
word the same direction (fastText divides by all its n-grams, zero rows included).
"""

from __future__ import annotations

import mmap
import os
import struct

import numpy as np

from ..config import MAX_NGRAM
from ..errors import ModelFileError
from .native import ModelData
from .ngrams import NgramVectors, word_buckets

MAGIC = 793712314
VERSION = 12
_ARGS = struct.Struct("<12id")  # dim ... lrUpdateRate, then t
_DICT = struct.Struct("<3i2q")
_MATRIX = struct.Struct("<2q")
_LOSS_NS, _CBOW, _SKIPGRAM, _SUPERVISED = 2, 1, 2, 3
_BLOCK_ROWS = 1 << 16  # bucket rows written at once


def is_fasttext(path: str) -> bool:
    """Does the file start with fastText's magic number?"""
    try:
        with open(path, "rb") as f:
            return f.read(4) == struct.pack("<i", MAGIC)
    except OSError:
        return False


def read(path: str, limit: int | None = None) -> ModelData:
    """A fastText model's words (the first ``limit``), vectors, counts, trained n-gram
    rows and, for a negative-sampling model, output weights."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        args, words, counts, pos = _read_head(path, data)
        rows, dim = _matrix(path, data, pos, "input")
        if rows != len(words) + args["bucket"] or dim != args["dim"]:
            raise _corrupt(path, f"its input matrix is {rows:,} x {dim:,}; {len(words):,} "
                                 f"words and {args['bucket']:,} buckets of {args['dim']} "
                                 "dimensions need one row each")
        input_at = pos + _MATRIX.size
        pos = input_at + 4 * rows * dim
        if pos + 1 > len(data):
            raise _corrupt(path, "it ends inside its input matrix (truncated?)")
        if data[pos]:
            raise ModelFileError(f"cannot read {path}: its output matrix is quantised; "
                                 "w2v reads fastText's plain .bin models")
        out_rows, out_dim = _matrix(path, data, pos + 1, "output")
        if out_dim != dim:
            raise _corrupt(path, f"its output matrix has {out_dim:,} dimensions, its input "
                                 f"matrix {dim:,}")
        output_at = pos + 1 + _MATRIX.size
        if output_at + 4 * out_rows * out_dim > len(data):
            raise _corrupt(path, "it ends inside its output matrix (truncated?)")
    matrix = np.memmap(path, dtype="<f4", mode="r", offset=input_at, shape=(rows, dim))
    n = len(words) if limit is None else min(limit, len(words))
    ngrams = None
    if args["maxn"]:
        _, flat = word_buckets(words, args["minn"], args["maxn"], args["bucket"])
        used = np.unique(flat)
        ngrams = NgramVectors(np.array(matrix[len(words) + used]), used, args["minn"],
                              args["maxn"], args["bucket"])
        vectors = ngrams.word_vectors(words[:n], matrix[:n])
    else:
        vectors = np.array(matrix[:n])
    output = None
    if args["loss"] == _LOSS_NS and args["model"] != _SUPERVISED and out_rows == len(words):
        output = np.memmap(path, dtype="<f4", mode="r", offset=output_at,
                           shape=(out_rows, out_dim))[:n]
    return ModelData(words[:n], vectors, counts=counts[:n], output_weights=output,
                     metadata=_metadata(args),
                     ngrams=ngrams)


def describe(path: str) -> dict:
    """Words, dimensions and settings of a fastText model, from its head alone."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        args, _, words, _ = _read_args(path, data)
    subwords = None
    if args["maxn"]:
        subwords = {"minn": args["minn"], "maxn": args["maxn"], "buckets": args["bucket"],
                    "ngrams": None}
    return {"words": words, "dim": args["dim"], "subwords": subwords,
            "output_weights": args["loss"] == _LOSS_NS and args["model"] != _SUPERVISED,
            "metadata": _metadata(args)}


def _metadata(args: dict) -> dict:
    """fastText's settings, and the same under w2v's names."""
    config = {"arch": "cbow" if args["model"] == _CBOW else "skipgram", "dim": args["dim"],
              "window": args["ws"], "negative": args["neg"], "sample": args["t"],
              "min_count": args["minCount"], "epochs": args["epoch"],
              "subwords": args["maxn"] > 0, "minn": args["minn"], "maxn": args["maxn"],
              "buckets": args["bucket"]}
    return {"source": "fastText", "fasttext_args": args, "config": config}


def _read_args(path: str, data: mmap.mmap) -> tuple[dict, int, int, int]:
    """The checked args and dictionary sizes: (args, entries, words, pruned pairs)."""
    pos = 8 + _ARGS.size + _DICT.size
    if len(data) < pos:
        raise _corrupt(path, "it is too short for fastText's header (truncated?)")
    magic, version = struct.unpack_from("<2i", data, 0)
    if magic != MAGIC:
        raise _corrupt(path, "it does not start with fastText's magic number")
    if not 11 <= version <= VERSION:
        raise _corrupt(path, f"it has version {version}; w2v reads fastText's versions 11 "
                             f"and {VERSION}")
    names = ("dim", "ws", "epoch", "minCount", "neg", "wordNgrams", "loss", "model",
             "bucket", "minn", "maxn", "lrUpdateRate", "t")
    args = dict(zip(names, _ARGS.unpack_from(data, 8)))
    if version == 11 and args["model"] == _SUPERVISED:
        args["maxn"] = 0  # as fastText reads them: its old classifiers had no n-grams
    if args["dim"] < 1 or args["bucket"] < 0 or args["maxn"] < 0 or args["minn"] < 0 \
            or (args["maxn"] and not 1 <= args["minn"] <= args["maxn"] <= MAX_NGRAM) \
            or (args["maxn"] and args["bucket"] < 1):
        raise _corrupt(path, f"its settings make no sense (dim {args['dim']}, bucket "
                             f"{args['bucket']}, minn {args['minn']}, maxn {args['maxn']})")
    size, nwords, nlabels, _, pruned = _DICT.unpack_from(data, 8 + _ARGS.size)
    if not 0 < nwords <= size or nlabels < 0 or nwords + nlabels != size:
        raise _corrupt(path, f"its dictionary declares {size:,} entries, {nwords:,} words "
                             f"and {nlabels:,} labels")
    if size * 10 > len(data) - pos:  # every entry takes a NUL, a count and a type at least
        raise _corrupt(path, f"its dictionary declares {size:,} entries; the file is too "
                             "short for them (truncated?)")
    args["t"] = float(args["t"])
    return args, size, nwords, pruned


def _read_head(path: str, data: mmap.mmap) -> tuple[dict, list[str], np.ndarray, int]:
    """The args, the words and their counts; the position of the input matrix."""
    args, size, nwords, pruned = _read_args(path, data)
    pos = 8 + _ARGS.size + _DICT.size
    words: list[str] = []
    counts = np.empty(size, dtype=np.int64)
    for i in range(size):
        end = data.find(b"\0", pos)
        if end < 0 or end + 10 > len(data):
            raise _corrupt(path, f"its dictionary ends inside entry {i + 1:,} of {size:,} "
                                 "(truncated?)")
        counts[i], kind = struct.unpack_from("<qb", data, end + 1)
        if kind != (0 if i < nwords else 1):
            raise _corrupt(path, f"its dictionary entry {i + 1:,} has type {kind}")
        if i < nwords:
            words.append(data[pos:end].decode("utf-8", "surrogateescape"))
        pos = end + 10
    pos += 8 * max(pruned, 0)
    if pos + 1 > len(data):
        raise _corrupt(path, "it ends after its dictionary (truncated?)")
    if data[pos] or pruned > 0:
        raise ModelFileError(f"cannot read {path}: it is a quantised fastText model (.ftz); "
                             "w2v reads fastText's plain .bin models")
    return args, words, counts[:nwords], pos + 1


def _matrix(path: str, data: mmap.mmap, pos: int, name: str) -> tuple[int, int]:
    if pos + _MATRIX.size > len(data):
        raise _corrupt(path, f"it ends before its {name} matrix (truncated?)")
    rows, dim = _MATRIX.unpack_from(data, pos)
    if rows < 0 or dim < 1:
        raise _corrupt(path, f"its {name} matrix declares {rows:,} x {dim:,}")
    return rows, dim


def write(out, model: ModelData) -> None:
    """Write a subword model (with its counts and output weights) as fastText's
    ``.bin``: the trained buckets in their places, the others zero."""
    grams = model.ngrams
    if grams is None or model.counts is None or model.output_weights is None:
        raise ModelFileError("a fastText model file needs a subword model with its counts "
                             "and output weights: train with --subwords and keep the .w2v")
    n, dim = model.vectors.shape
    config = model.metadata.get("config") or {}
    args = {"dim": dim, "ws": config.get("window", 5), "epoch": config.get("epochs", 5),
            "minCount": config.get("min_count", 5), "neg": config.get("negative", 5),
            "wordNgrams": 1, "loss": _LOSS_NS,
            "model": _CBOW if config.get("arch") == "cbow" else _SKIPGRAM,
            "bucket": grams.buckets, "minn": grams.minn, "maxn": grams.maxn,
            "lrUpdateRate": 100, "t": float(config.get("sample", 1e-4))}
    out.write(struct.pack("<2i", MAGIC, VERSION))
    out.write(_ARGS.pack(*(int(v) for k, v in args.items() if k != "t"), args["t"]))
    counts = np.asarray(model.counts, dtype=np.int64)
    out.write(_DICT.pack(n, n, 0, int(counts.sum()), -1))
    out.write(b"".join(w.encode("utf-8", "surrogateescape") + b"\0" + struct.pack("<qb", c, 0)
                       for w, c in zip(model.words, counts.tolist())))
    out.write(b"\0" + _MATRIX.pack(n + grams.buckets, dim))
    out.write(grams.own_rows(model.words, model.vectors).astype("<f4").tobytes())
    used = np.asarray(grams.buckets_used)
    block = np.zeros((_BLOCK_ROWS, dim), dtype="<f4")
    for lo in range(0, grams.buckets, _BLOCK_ROWS):  # bucket rows, zero unless used
        hi = min(grams.buckets, lo + _BLOCK_ROWS)
        a, b = np.searchsorted(used, [lo, hi])
        block[:] = 0
        block[used[a:b] - lo] = grams.vectors[a:b]
        out.write(memoryview(block[:hi - lo]).cast("B"))
    out.write(b"\0" + _MATRIX.pack(n, dim))
    out.write(np.ascontiguousarray(model.output_weights, dtype="<f4").tobytes())


def _corrupt(path: str, why: str) -> ModelFileError:
    return ModelFileError(f"{os.fspath(path)} is not a valid fastText model file: {why}")
