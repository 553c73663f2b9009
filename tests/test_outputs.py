"""Every file w2v writes: read back unchanged, given the mode a plain file creation would
give, and never left half-written or beside a temporary file when a write fails."""

import errno
import os
import stat

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v import KeyedVectors, outputs
from w2v.cli import cli
from w2v.config import MAX_TOKEN_BYTES
from w2v.errors import OutputError
from w2v.text import vocab
from w2v.text.phrases import phrases

VECTOR_FILES = ["v.bin", "v.txt", "v.txt.gz", "v.w2v"]

# Any character but whitespace and lone surrogates (which UTF-8 cannot hold): letters of
# every script, symbols, and control characters (NUL, ESC, DEL, ...).
_CHAR = st.characters(blacklist_categories=("Cs",),
                      blacklist_characters=[chr(c) for c in range(0x110000) if chr(c).isspace()])


@st.composite
def _word(draw) -> str:
    """A word of 1 to MAX_TOKEN_BYTES bytes of UTF-8, often exactly that many."""
    text = draw(st.text(_CHAR, min_size=1, max_size=MAX_TOKEN_BYTES))
    if draw(st.booleans()):  # fill to exactly the longest word
        text = (text * MAX_TOKEN_BYTES)[:MAX_TOKEN_BYTES]
    data = text.encode()[:MAX_TOKEN_BYTES]
    return data.decode("utf-8", "ignore") or "x"  # drop a character cut in two


@settings(max_examples=40, deadline=None)
@given(st.lists(_word(), min_size=1, max_size=12, unique=True), st.integers(1, 5),
       st.integers(0, 2**32 - 1))
def test_every_writer_reads_back_what_it_wrote(tmp_path_factory, words, dim, seed):
    assert max(len(w.encode()) for w in words) <= MAX_TOKEN_BYTES
    vectors = np.random.default_rng(seed).normal(size=(len(words), dim)).astype(np.float32)
    folder = tmp_path_factory.mktemp("v")
    for name in VECTOR_FILES:
        KeyedVectors(words, vectors).save(folder / name)
        back = KeyedVectors.load(folder / name)
        assert back.words == words, name
        np.testing.assert_array_equal(np.asarray(back.vectors), vectors, err_msg=name)


def test_the_longest_words_of_every_script_read_back(tmp_path):
    words = ["a" * MAX_TOKEN_BYTES, "é" * (MAX_TOKEN_BYTES // 2), "日" * (MAX_TOKEN_BYTES // 3),
             "\U0001f600" * (MAX_TOKEN_BYTES // 4), "\x00\x01\x1b\x7f",
             "z" * 100_000]  # longer than training makes: a .w2v from Python may hold it
    vectors = np.arange(12, dtype=np.float32).reshape(6, 2)
    for name in VECTOR_FILES:
        KeyedVectors(words, vectors).save(tmp_path / name)
        assert KeyedVectors.load(tmp_path / name).words == words


# Each writer as a function of the folder it writes to; every file over 1,000 bytes.
def _kv():
    rng = np.random.default_rng(1)
    return KeyedVectors([f"w{i}" for i in range(300)], rng.normal(size=(300, 8)).astype("f4"),
                        counts=np.arange(300, 0, -1))


def _save(name):
    return lambda folder: _kv().save(folder / name)


def _vocab_file(folder):
    kv = _kv()
    vocab.write_vocab_file(str(folder / "vocab.txt"), vocab.Vocabulary(kv.words, kv.counts), 1)


def _phrases(folder):
    (folder / "corpus.in").write_text("new york is new york\n" * 100)
    phrases(folder / "corpus.in", folder / "phrased.txt", min_count=1, threshold=0.1)


def _cli(*args):
    def run(folder):
        _kv().save(folder / "m.w2v")
        result = CliRunner().invoke(cli, [a.replace("DIR", str(folder)) for a in args])
        if result.exit_code:
            raise OutputError(result.output)
    return run


WRITERS = {
    "v.bin": _save("v.bin"), "v.txt": _save("v.txt"), "v.txt.gz": _save("v.txt.gz"),
    "v.w2v": _save("v.w2v"), "vocab.txt": _vocab_file, "phrased.txt": _phrases,
    "vectors.npy": _cli("export", "DIR/m.w2v", "--format", "npy", "-o", "DIR"),
    "classes.txt": _cli("classes", "DIR/m.w2v", "-k", "2", "-o", "DIR/classes.txt"),
    "c.bin": _cli("convert", "DIR/m.w2v", "DIR/c.bin"),
}


@pytest.fixture
def umask():
    """Set the umask for one test."""
    saved = os.umask(0o022)
    yield os.umask
    os.umask(saved)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("name", WRITERS)
def test_a_new_file_gets_0666_less_the_umask(tmp_path, umask, name):
    umask(0o022)
    WRITERS[name](tmp_path)
    assert _mode(tmp_path / name) == 0o644
    (tmp_path / name).unlink()
    umask(0o027)
    WRITERS[name](tmp_path)
    assert _mode(tmp_path / name) == 0o640


@pytest.mark.parametrize("name", WRITERS)
def test_a_replaced_file_keeps_its_mode(tmp_path, umask, name):
    umask(0o022)
    (tmp_path / name).write_bytes(b"old")
    os.chmod(tmp_path / name, 0o664)
    WRITERS[name](tmp_path)
    assert _mode(tmp_path / name) == 0o664 and (tmp_path / name).read_bytes() != b"old"


class _FullDisk:
    """A stream that takes ``room`` bytes, then fails as a full disk does."""

    def __init__(self, stream, room):
        self.stream, self.room = stream, room

    def write(self, data):
        size = memoryview(data).nbytes
        if size > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= size
        return self.stream.write(data)

    def __getattr__(self, name):
        return getattr(self.stream, name)


@pytest.mark.parametrize("room", [0, 10, 1000])
@pytest.mark.parametrize("name", WRITERS)
def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch, name,
                                                              room):
    (tmp_path / name).write_bytes(b"the file before")
    before = sorted(os.listdir(tmp_path))
    create = outputs._create
    monkeypatch.setattr(outputs, "_create",
                        lambda target: (lambda tmp, out: (tmp, _FullDisk(out, room)))(
                            *create(target)))
    with pytest.raises(OutputError) as error:
        WRITERS[name](tmp_path)
    assert "No space left on device" in str(error.value)
    assert str(tmp_path) in str(error.value)  # it names the file
    assert (tmp_path / name).read_bytes() == b"the file before"
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".part")]
    assert set(os.listdir(tmp_path)) - {"m.w2v", "corpus.in"} <= set(before)


def test_train_says_a_full_disk_in_one_line_and_keeps_the_old_file(tmp_path, monkeypatch,
                                                                   planted_file):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v.bin").write_bytes(b"the file before")
    create = outputs._create
    monkeypatch.setattr(outputs, "_create",
                        lambda target: (lambda tmp, out: (tmp, _FullDisk(out, 1000)))(
                            *create(target)))
    result = CliRunner().invoke(cli, ["train", str(planted_file), "-o", "v.bin", "-q",
                                      "--dim", "8", "--epochs", "1", "--min-count", "1"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot write v.bin: {os.strerror(errno.ENOSPC)}"]
    assert sorted(os.listdir(tmp_path)) == ["v.bin"]
    assert (tmp_path / "v.bin").read_bytes() == b"the file before"


def test_a_folder_that_refuses_files_is_found_before_the_corpus_is_read(tmp_path, monkeypatch,
                                                                        planted_file):
    locked = tmp_path / "locked"  # as a read-only folder would (root may write anywhere)
    locked.mkdir()
    mkstemp = outputs.tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):
        if dir == str(locked):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return mkstemp(*args, dir=dir, **kwargs)

    def never(*args, **kwargs):
        raise AssertionError("the corpus was read")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", refuse)
    monkeypatch.setattr(vocab, "read_tokens", never)
    for command in (["train", str(planted_file), "-o", str(locked / "v.bin")],
                    ["train", str(planted_file), "-o", str(tmp_path / "v.bin"),
                     "--save-vocab", str(locked / "v.vocab")],
                    ["vocab", str(planted_file), "-o", str(locked / "v.vocab")]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1
        assert result.output.strip() == (f"Error: cannot write {command[-1]}: "
                                          f"{os.strerror(errno.EACCES)}")
    assert sorted(os.listdir(tmp_path)) == ["locked"] and os.listdir(locked) == []
