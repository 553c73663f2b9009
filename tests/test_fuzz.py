"""Fuzzing the vector-file readers: whatever bytes a file holds, loading it either works
or raises ModelFileError, without a huge allocation; and what loads can be used.

Small valid files of every format are mutated (bytes flipped, overwritten, inserted,
deleted and duplicated, files truncated and spliced, header lines and native JSON header
values replaced by absurd ones) and read with ``KeyedVectors.load`` (which reads through
``formats.load``, with and without ``limit``) and ``formats.describe``. What loads is
queried and saved again. ``make test`` runs 200 examples per test (W2V_FUZZ_EXAMPLES
sets how many); ``make fuzz`` runs 10,000.
"""

import contextlib
import functools
import gzip
import itertools
import json
import os
import struct
import tempfile
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from w2v import KeyedVectors
from w2v.errors import ModelFileError, W2VError
from w2v.vectors import formats, native
from w2v.vectors.ngrams import NgramVectors, word_buckets

EXAMPLES = int(os.environ.get("W2V_FUZZ_EXAMPLES", 200))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# What a load may allocate (Python objects and numpy arrays, as tracemalloc sees them;
# memory maps are not counted): a few MiB of fixed costs plus a multiple of the file size.
# A reader that believed a header's sizes would go far past it.
_FIXED_BYTES = 8 << 20
_BYTES_PER_FILE_BYTE = 256

# ---------------------------------------------------------------------------- seeds

_WORDS = ["the", "king", "queen", "caf\u00e9", "\u6f22\u5b57", "</s>", "na\u00efve",
          "\U0001f600", "\udcff\udcfe"]  # the last: bytes that are not UTF-8


def _model(n: int, dim: int, seed: int, extras: bool) -> KeyedVectors:
    rng = np.random.default_rng(seed)
    words = _WORDS[:n]
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    if not extras:
        return KeyedVectors(words, vectors)
    return KeyedVectors(words, vectors, counts=np.arange(n, 0, -1) * 10,
                        output_weights=rng.normal(size=(n, dim)).astype(np.float32),
                        metadata={"config": {"dim": dim, "window": 5, "alpha": 0.025},
                                  "corpus": {"source": "caf\u00e9.txt", "tokens": 1234,
                                             "words": n, "sentences": 7}})


def _subword_model() -> KeyedVectors:
    """A subword model whose n-grams (2 to 3 characters, 61 buckets) all have rows."""
    kv = _model(6, 3, 3, True)
    _, flat = word_buckets(kv.words, 2, 3, 61)
    used = np.unique(flat)
    rows = np.random.default_rng(4).normal(size=(len(used), 3)).astype(np.float32)
    kv.ngrams = NgramVectors(rows, used, 2, 3, 61)
    return kv


# name -> (the model, the suffix its file gets[, its format])
_SEED_SPECS = {
    "model.fasttext.bin": (_subword_model, ".bin", "fasttext"),
    "sub.w2v": (_subword_model, ".w2v"),
    "big.bin": (lambda: _model(9, 4, 0, False), ".bin"),
    "big.txt": (lambda: _model(9, 4, 0, False), ".txt"),
    "big.vec": (lambda: _model(5, 3, 1, False), ".vec"),
    "big.txt.gz": (lambda: _model(9, 4, 0, False), ".txt.gz"),
    "big.w2v": (lambda: _model(9, 4, 0, True), ".w2v"),
    "one.bin": (lambda: _model(1, 1, 2, False), ".bin"),
    "one.txt": (lambda: _model(1, 2, 2, False), ".txt"),
    "one.txt.gz": (lambda: _model(1, 1, 2, False), ".txt.gz"),
    "one.w2v": (lambda: _model(1, 1, 2, False), ".w2v"),
    "two.w2v": (lambda: KeyedVectors(["a b", "\u00fc\tx"], np.ones((2, 2), np.float32),
                                     counts=np.array([5, 3])), ".w2v"),
}
SEEDS = sorted(_SEED_SPECS)
NATIVE_SEEDS = [s for s in SEEDS if s.endswith(".w2v")]
WORD2VEC_SEEDS = [s for s in SEEDS if not s.endswith(".w2v") and "fasttext" not in s]
GZ_SEEDS = [s for s in SEEDS if s.endswith(".gz")]
SUFFIXES = [".bin", ".txt", ".vec", ".txt.gz", ".w2v", ".model"]


@functools.cache
def _seed(name: str) -> bytes:
    make, suffix, *format = _SEED_SPECS[name]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "seed" + suffix)
        make().save(path, *format)
        with open(path, "rb") as f:
            return f.read()


def _suffix(name: str) -> str:
    return next(s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


_counter = itertools.count()


@contextlib.contextmanager
def _file(folder, data: bytes, suffix: str):
    """``data`` in a file of its own (a memory map of an earlier example's file must not
    see it change), removed afterwards."""
    path = os.path.join(folder, f"f{next(_counter)}{suffix}")
    with open(path, "wb") as f:
        f.write(data)
    try:
        yield path
    finally:
        os.unlink(path)


# ---------------------------------------------------------------------------- checks

def _traced(call):
    """``call()``'s result or ModelFileError, and the peak memory it allocated."""
    tracemalloc.start()
    try:
        try:
            result = call()
        except ModelFileError as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _clean_error(exc: ModelFileError, path: str) -> None:
    message = str(exc)
    assert message and "\n" not in message, f"not a one-line message: {message!r}"
    assert path in message, f"the message does not name the file: {message!r}"


def _use(kv: KeyedVectors, limit: int | None) -> None:
    n = len(kv)
    assert n >= 1 and (limit is None or n <= limit)
    assert kv.vectors.shape == (n, kv.dim) and kv.dim >= 1
    assert kv.vectors.dtype == np.float32
    np.asarray(kv.vectors).sum()  # every row can be read
    if kv.counts is not None:
        assert kv.counts.shape == (n,)
    if kv.output_weights is not None:
        assert kv.output_weights.shape == kv.vectors.shape
        np.asarray(kv.output_weights).sum()
    assert isinstance(kv.metadata, dict)
    with contextlib.suppress(W2VError):
        assert len(kv.most_similar([kv.words[0]], topn=3)) == min(3, n - 1)


def _round_trip(kv: KeyedVectors, folder) -> None:
    """What loaded can be saved, natively and as word2vec binary, and reads back the same
    (word2vec files cannot hold every word: refusing to write one is fine)."""
    for suffix in (".w2v", ".bin"):
        path = os.path.join(folder, f"r{next(_counter)}{suffix}")
        try:
            kv.save(path)
        except ModelFileError as exc:
            # .w2v files hold any word but one with a newline
            assert suffix == ".bin" or any("\n" in w for w in kv.words), \
                f"cannot save what was loaded: {exc}"
            continue
        try:
            back = KeyedVectors.load(path)
            assert back.words == kv.words
            np.testing.assert_array_equal(back.vectors, kv.vectors)
            if suffix == ".w2v":
                assert (back.counts is None) == (kv.counts is None)
                if kv.counts is not None:
                    np.testing.assert_array_equal(back.counts, kv.counts)
                assert json.dumps(back.metadata) == json.dumps(kv.metadata)  # NaN != NaN
            del back
        finally:
            os.unlink(path)


def check(path: str, format: str | None = None, limit: int | None = None,
          round_trip: bool = True) -> None:
    """The rule: load and describe succeed or raise ModelFileError (with a one-line
    message naming the file), allocate little, and a loaded model can be used."""
    size = os.path.getsize(path)
    budget = _FIXED_BYTES + _BYTES_PER_FILE_BYTE * size
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # NaN and infinite values make numpy warn
        kv, peak = _traced(lambda: KeyedVectors.load(path, format=format))
        assert peak < budget, f"loading a {size}-byte file allocated {peak:,} bytes"
        facts, peak = _traced(lambda: formats.describe(path, format=format))
        assert peak < budget, f"describing a {size}-byte file allocated {peak:,} bytes"
        if isinstance(facts, ModelFileError):
            _clean_error(facts, path)
        if currently_in_test_context():  # see them with --hypothesis-show-statistics
            event("refused" if isinstance(kv, ModelFileError) else "loaded")
        if isinstance(kv, ModelFileError):
            _clean_error(kv, path)
        else:
            _use(kv, None)
            assert not isinstance(facts, ModelFileError), \
                f"loads but cannot be described: {facts}"
            assert (facts["words"], facts["dim"]) == (len(kv), kv.dim)
            if round_trip:
                _round_trip(kv, os.path.dirname(path))
        if limit is not None:
            part, peak = _traced(lambda: KeyedVectors.load(path, format=format, limit=limit))
            assert peak < budget
            if isinstance(part, ModelFileError):
                _clean_error(part, path)
            else:
                _use(part, limit)
                if not isinstance(kv, ModelFileError):
                    assert part.words == kv.words[:limit]
            del part
        del kv


# ---------------------------------------------------------------------------- mutations

_ABSURD_INTS = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 256, 2**31 - 1, 2**31,
                2**32, 2**53, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**12, 10**18, 10**100,
                -1, -2, -(2**63), -(10**12)]
_TOKENS = [b" ", b"  ", b"\n", b"\r\n", b"\t", b"\0", b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80",
           b"-", b"-1", b"0", b"1", b"999999999999", b"1e999", b"-1e999", b"nan", b"inf",
           b"1_0", b"0x1p3", b"\xef\xbb\xbf", b"{", b"}", b"[", b"]", b'"', b"\\", b",", b":",
           b"null", b"true", b"NaN", b"Infinity", native.MAGIC, b"\0" * 8, b"\xff" * 8,
           b"\x1f\x8b\x08\x00"]

_blobs = st.one_of(st.sampled_from(_TOKENS), st.binary(min_size=1, max_size=24),
                   st.sampled_from(_ABSURD_INTS).map(lambda n: str(n).encode()))
_positions = st.integers(min_value=0, max_value=1 << 16)
_byte = st.one_of(st.integers(0, 255), st.sampled_from(b" \n\t\r0123456789-.e\0\xff\x80{}\""))

_in_place = st.one_of(  # the size stays: more files load, and their use is tested
    st.tuples(st.just("flip"), _positions, st.integers(0, 7)),
    st.tuples(st.just("set"), _positions, _byte),
)
_operations = st.one_of(
    _in_place,
    st.tuples(st.just("overwrite"), _positions, _blobs),
    st.tuples(st.just("insert"), _positions, _blobs),
    st.tuples(st.just("delete"), _positions, st.integers(1, 64)),
    st.tuples(st.just("truncate"), _positions),
    st.tuples(st.just("duplicate"), _positions, st.integers(1, 128), _positions),
    st.tuples(st.just("splice"), st.sampled_from(SEEDS), _positions, _positions),
)


def _at(pos: int, data: bytes | bytearray, end: bool = True) -> int:
    """A position in ``data``; small numbers count from the start, most of the range
    spreads over the file."""
    return pos % (len(data) + (1 if end else 0)) if data else 0


def mutate(data: bytes, operations) -> bytes:
    out = bytearray(data)
    for op, *args in operations:
        if op == "flip" and out:
            out[_at(args[0], out, False)] ^= 1 << args[1]
        elif op == "set" and out:
            out[_at(args[0], out, False)] = args[1]
        elif op == "overwrite":
            at = _at(args[0], out)
            out[at:at + len(args[1])] = args[1]
        elif op == "insert":
            at = _at(args[0], out)
            out[at:at] = args[1]
        elif op == "delete":
            at = _at(args[0], out)
            del out[at:at + args[1]]
        elif op == "truncate":
            del out[_at(args[0], out):]
        elif op == "duplicate":
            at = _at(args[0], out)
            chunk = out[at:at + args[1]]
            to = _at(args[2], out)
            out[to:to] = chunk
        elif op == "splice":
            other = _seed(args[0])
            out = out[:_at(args[1], out)] + other[_at(args[2], other):]
    return bytes(out)


# ---------------------------------------------------------------------------- tests

@FUZZ
@given(seed=st.sampled_from(SEEDS),
       operations=st.one_of(st.lists(_operations, min_size=1, max_size=5),
                            st.lists(_in_place, min_size=1, max_size=3)),
       suffix=st.one_of(st.none(), st.sampled_from(SUFFIXES)),
       format=st.sampled_from([None, None, None, *formats.FORMATS]),
       limit=st.sampled_from([None, None, 1, 2, 5]))
def test_mutated_files_load_or_fail_cleanly(folder, seed, operations, suffix, format, limit):
    data = mutate(_seed(seed), operations)
    with _file(folder, data, suffix or _suffix(seed)) as path:
        check(path, format, limit)


_numbers = st.one_of(st.sampled_from(_ABSURD_INTS).map(str),
                     st.sampled_from(["", "+1", "1.0", "1e3", "0x10", "00", "4 ", "9" * 255,
                                      "\uff14", "\u0664", "nan", "-0", "3\x00", "1_0"]),
                     st.integers(-5, 20).map(str))
_words = st.sampled_from(["N", "N", "N", "N+1", "N-1", "D"])  # the true sizes, and near
_dims = st.sampled_from(["D", "D", "D", "D+1", "D-1", "N"])
_header_lines = st.one_of(
    st.tuples(st.tuples(st.one_of(_words, _numbers), st.one_of(_dims, _numbers)),
              st.just(" "), st.just("\n"), st.just("")),  # "<words> <dim>", often plausible
    st.tuples(st.lists(_numbers, min_size=0, max_size=3),
              st.sampled_from([" ", "  ", "\t", ", "]),
              st.sampled_from(["\n", "\r\n", "", " \n", "\n\n"]),
              st.sampled_from(["", " ", "\ufeff"])))


def _replace_first_line(data: bytes, line: bytes) -> bytes:
    end = data.find(b"\n")
    return line + (data[end + 1:] if end >= 0 else b"")


@FUZZ
@given(seed=st.sampled_from(WORD2VEC_SEEDS), header=_header_lines,
       operations=st.lists(_operations, max_size=2),
       limit=st.sampled_from([None, None, 1, 3]))
def test_absurd_word2vec_header_lines(folder, seed, header, operations, limit):
    fields, sep, end, lead = header
    data = _seed(seed)
    text = gzip.decompress(data) if seed.endswith(".gz") else data
    n, dim = map(int, text[:text.find(b"\n")].split())  # N and D: the true sizes
    true = {"N": n, "D": dim, "N+1": n + 1, "N-1": n - 1, "D+1": dim + 1, "D-1": dim - 1}
    fields = [str(true.get(f, f)) for f in fields]
    line = (lead + sep.join(fields) + end).encode()
    if seed.endswith(".gz"):  # edit the text inside, then compress it again
        data = gzip.compress(mutate(_replace_first_line(gzip.decompress(data), line),
                                    operations), mtime=0)
    else:
        data = mutate(_replace_first_line(data, line), operations)
    with _file(folder, data, _suffix(seed)) as path:
        check(path, limit=limit)


@FUZZ
@given(seed=st.sampled_from(GZ_SEEDS), inner=st.lists(_operations, min_size=1, max_size=4),
       outer=st.lists(_operations, max_size=2), level=st.sampled_from([0, 1, 9]),
       limit=st.sampled_from([None, 1, 2]))
def test_mutated_gzipped_text(folder, seed, inner, outer, level, limit):
    text = mutate(gzip.decompress(_seed(seed)), inner)
    data = mutate(gzip.compress(text, compresslevel=level, mtime=0), outer)
    with _file(folder, data, _suffix(seed)) as path:
        check(path, limit=limit)


def _native_parts(data: bytes) -> tuple[dict, int]:
    (length,) = struct.unpack("<Q", data[8:16])
    return json.loads(data[16:16 + length]), length


_SECTIONS = ["vectors", "output_weights", "counts", "vocab", "bogus"]
_KEYS = (["words", "dim", "format", "format_version", "w2v_version", "metadata", "sections",
          "bogus"]
         + [f"sections.{s}" for s in _SECTIONS]
         + [f"sections.{s}.{k}" for s in _SECTIONS for k in ("offset", "bytes", "bogus")]
         + ["metadata.config", "metadata.corpus", "metadata.corpus.tokens"])
_RAW = "\0raw\0"  # stands for raw JSON text, spliced in after dumping
_RAW_JSON = ["1" * 5000, "-" + "9" * 4400, "1e999", "-1e999", "NaN", "Infinity", "-0",
             "1.0", "0.5", "1E2", '"\\ud800"', "[" * 3000 + "]" * 3000,
             '{"a":' * 3000 + "1" + "}" * 3000, "[" * 200 + "]" * 200]


def _containers(inner):
    keys = st.sampled_from(["offset", "bytes", "vectors", "vocab", "x"])
    return st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3))


_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.sampled_from(_ABSURD_INTS),
              st.integers(), st.floats(), st.text(max_size=6),
              st.sampled_from(["w2v", "vectors", "", "\n"])),
    _containers, max_leaves=6)
_edits = st.lists(st.tuples(
    st.sampled_from(_KEYS),
    st.one_of(st.tuples(st.just("set"), _json_values),
              st.tuples(st.just("delta"), st.integers(-70, 70)),
              st.tuples(st.just("raw"), st.sampled_from(_RAW_JSON)),
              st.tuples(st.just("delete"), st.none()))),
    min_size=1, max_size=4)


def _edit(header: dict, key: str, change) -> str | None:
    """Apply one edit to the parsed header; the raw JSON text it asks for, if any."""
    *parents, last = key.split(".")
    node = header
    for name in parents:
        node = node.get(name) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return None
    kind, value = change
    if kind == "delete":
        node.pop(last, None)
    elif kind == "set":
        node[last] = value
    elif kind == "delta":
        old = node.get(last, 0)
        node[last] = (old if isinstance(old, int) else 0) + value
    else:
        node[last] = _RAW
        return value
    return None


@FUZZ
@given(seed=st.sampled_from(NATIVE_SEEDS), edits=_edits,
       scale=st.one_of(st.none(), st.sampled_from(_ABSURD_INTS[1:-4])),
       length=st.sampled_from(["exact", "exact", "old", "absurd"]),
       absurd_length=st.sampled_from(_ABSURD_INTS[:-4]),
       place=st.sampled_from(["in place", "shift"]),
       operations=st.lists(_operations, max_size=2),
       limit=st.sampled_from([None, 1, 2]))
def test_absurd_native_header_values(folder, seed, edits, scale, length, absurd_length, place,
                                     operations, limit):
    data = _seed(seed)
    header, old_length = _native_parts(data)
    if scale is not None:  # a consistent header for far more (or fewer) words
        n, dim = scale, header["dim"]
        header["words"] = n
        for name, size in {"vectors": 4 * n * dim, "output_weights": 4 * n * dim,
                           "counts": 8 * n}.items():
            if name in header["sections"]:
                header["sections"][name]["bytes"] = size
    raw = None
    for key, change in edits:
        raw = _edit(header, key, change) or raw
    text = json.dumps(header).encode()
    if raw is not None:
        text = text.replace(json.dumps(_RAW).encode(), raw.encode(), 1)
    size = {"exact": len(text), "old": old_length, "absurd": absurd_length % 2**64}[length]
    start = 16 + old_length
    if place == "in place" and len(text) <= old_length:
        body = text + b" " * (old_length - len(text)) + data[start:]
    else:  # the sections move: their offsets are now wrong
        body = text + data[start:]
    data = mutate(native.MAGIC + struct.pack("<Q", size) + body, operations)
    with _file(folder, data, ".w2v") as path:
        check(path, limit=limit)


# ---------------------------------------------------------------------------- regressions

def _native_with_header_text(text: bytes) -> bytes:
    return native.MAGIC + struct.pack("<Q", len(text)) + text + b"\0" * 64


@pytest.mark.parametrize("text", [
    b'{"format": "w2v", "format_version": 1, "words": ' + b"1" * 5000 + b"}",  # int limit
    b"[" * 100_000 + b"]" * 100_000,  # nesting beyond the recursion limit
    b'{"format": "w2v", "metadata": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
], ids=["huge-integer", "deep-list", "deep-dict"])
def test_native_header_json_that_python_cannot_parse(tmp_path, text):
    path = tmp_path / "v.w2v"
    path.write_bytes(_native_with_header_text(text))
    for call in (KeyedVectors.load, formats.describe, native.read_header):
        with pytest.raises(ModelFileError, match="header"):
            call(str(path))
    check(str(path))


def test_a_w2v_file_without_the_magic_cannot_be_described(tmp_path):
    path = tmp_path / "v.w2v"
    path.write_bytes(b"2 3\na 1 2 3\nb 4 5 6\n")
    with pytest.raises(ModelFileError, match="magic"):
        KeyedVectors.load(path)
    with pytest.raises(ModelFileError, match="magic"):
        formats.describe(path)
    text = tmp_path / "v.txt"
    text.write_bytes(path.read_bytes())
    with pytest.raises(ModelFileError, match="magic"):
        formats.describe(text, format="w2v")
    assert formats.describe(text)["words"] == 2


@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_loads_and_truncations_fail_cleanly(tmp_path, seed):
    data = _seed(seed)
    path = str(tmp_path / ("v" + _suffix(seed)))
    with open(path, "wb") as f:
        f.write(data)
    KeyedVectors.load(path).most_similar([_WORDS[0] if "two" not in seed else "a b"])
    check(path, limit=1)
    for end in sorted({*range(0, min(len(data), 80)), *range(0, len(data), 7)}):
        with _file(tmp_path, data[:end], _suffix(seed)) as cut:
            check(cut, limit=1, round_trip=False)


@pytest.mark.parametrize("header", [b"1 99999999999999999999", b"1 " + b"9" * 200,
                                    b"2 9223372036854775808"])
def test_gzipped_text_declaring_more_dimensions_than_python_can_split(tmp_path, header):
    path = tmp_path / "v.txt.gz"
    path.write_bytes(gzip.compress(header + b"\na 1 2\nb 3 4\n"))
    with pytest.raises(ModelFileError, match="line 2 does not hold a word and"):
        KeyedVectors.load(path)
    check(str(path), limit=1)


def test_a_word_with_a_newline_is_refused_by_w2v_files_not_written_unreadable(tmp_path):
    # word2vec binary words may hold a newline (bytes up to the space); .w2v cannot
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 1\na\nb " + np.float32(1).tobytes() + b"\nc "
                     + np.float32(2).tobytes() + b"\n")
    kv = KeyedVectors.load(path)
    assert kv.words == ["a\nb", "c"]
    with pytest.raises(ModelFileError, match=r"v\.w2v: the word 'a\\nb' holds a newline"):
        kv.save(tmp_path / "v.w2v")
    assert sorted(os.listdir(tmp_path)) == ["v.bin"]
    check(str(path))


def test_describe_reads_a_file_as_load_does_whatever_its_suffix(tmp_path):
    # load reads --format bin as raw bytes whatever the suffix; describe did gunzip .gz
    path = tmp_path / "v.txt.gz"
    path.write_bytes(b"1 1\na " + np.float32(1).tobytes() + b"\n")
    assert KeyedVectors.load(path, format="bin").words == ["a"]
    assert formats.describe(path, format="bin")["words"] == 1
    path.write_bytes(gzip.compress(b"1 1\na " + np.float32(1).tobytes() + b"\n"))
    with pytest.raises(ModelFileError):
        KeyedVectors.load(path, format="bin")
    with pytest.raises(ModelFileError):
        formats.describe(path, format="bin")
    assert formats.describe(path)["words"] == 1


# The int fields of a fastText file's head: (offset, struct format), the args block then
# the dictionary's sizes; and the two matrices' sizes, found after the dictionary.
_FASTTEXT_FIELDS = [(8 + 4 * i, "<i") for i in range(12)] + [
    (56, "<i"), (60, "<i"), (64, "<i"), (68, "<q"), (76, "<q")]


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, len(_FASTTEXT_FIELDS) + 3),
                                st.sampled_from(_ABSURD_INTS)), min_size=1, max_size=3),
       operations=st.lists(_operations, max_size=2),
       limit=st.sampled_from([None, 1, 2]))
def test_absurd_fasttext_header_values(folder, edits, operations, limit):
    data = bytearray(_seed("model.fasttext.bin"))
    matrices = [m.start() for m in _re_finditer(b"\x00" + struct.pack("<q", 6 + 61), data)]
    fields = _FASTTEXT_FIELDS + [(matrices[0] + 1, "<q"), (matrices[0] + 9, "<q")]
    output = len(data) - 4 * 6 * 3 - 16  # the output matrix's sizes
    fields += [(output, "<q"), (output + 8, "<q")]
    for which, value in edits:
        offset, fmt = fields[which]
        bits = 8 * struct.calcsize(fmt)
        data[offset:offset + struct.calcsize(fmt)] = struct.pack(
            fmt, (value + 2 ** (bits - 1)) % 2**bits - 2 ** (bits - 1))
    with _file(folder, mutate(bytes(data), operations), ".bin") as path:
        check(path, None, limit)


def _re_finditer(pattern: bytes, data: bytearray):
    import re

    return re.finditer(re.escape(pattern), bytes(data))
