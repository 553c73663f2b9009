"""Ctrl-C and SIGTERM, sent to a real `w2v train` process during the vocabulary pass,
training and saving: exit status 130 or 143, a one-line message, and no partial output
or temporary file left behind (a file being replaced stays as it was)."""

import os
import signal
import subprocess
import sys
import time

import pytest

# Runs `w2v ARGS...` with one stage slowed down, so that a signal can be sent while the
# process is in it: the flag file appears when the stage is under way.
DRIVER = """
import os, sys, time
stage, flag = sys.argv[1], sys.argv[2]

def under_way():
    open(flag, "w").close()

if stage == "vocabulary":
    from w2v.text import vocab
    blocks = vocab.text_blocks

    def slow_blocks(*args, **kwargs):
        for block in blocks(*args, **kwargs):
            yield block
            under_way()
            time.sleep(60)
    vocab.text_blocks = slow_blocks
elif stage == "training":
    from w2v.training import kernels
    train_range = kernels.train_range

    def slow_range(*args):
        train_range(*args)
        under_way()
        time.sleep(0.05)
    kernels.train_range = slow_range
elif stage == "saving":
    from w2v.vectors import formats

    def slow_write(out, model):
        out.write(b"the first bytes")
        out.flush()
        under_way()
        time.sleep(60)
    formats._write_binary = slow_write

from w2v.cli import main
sys.argv = ["w2v", *sys.argv[3:]]
main()
"""


def _start(args, cwd, stage="none", flag="flag"):
    # SIGINT's default restored: a test runner started in the background may ignore it
    return subprocess.Popen([sys.executable, "-c", DRIVER, stage, flag, *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for(path, process, seconds=60):
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the stage never began"
        time.sleep(0.02)


@pytest.fixture
def corpus(tmp_path, planted_file):
    (tmp_path / "c.txt").write_text(planted_file.read_text() * 4)
    return "c.txt"


TRAIN = ["--dim", "20", "--min-count", "1", "--epochs", "50", "-o", "v.bin"]


@pytest.mark.parametrize("stage", ["vocabulary", "training", "saving"])
@pytest.mark.parametrize("signum,status,message", [
    (signal.SIGTERM, 143, "Error: terminated (SIGTERM)"),
    (signal.SIGINT, 130, "Error: interrupted (SIGINT)"),
])
def test_a_signal_in_any_stage_leaves_nothing_behind(tmp_path, corpus, stage, signum, status,
                                                     message):
    (tmp_path / "v.bin").write_bytes(b"the vectors before")
    threads = "1" if stage == "vocabulary" else "2"
    process = _start(["train", corpus, *TRAIN, "--threads", threads], tmp_path, stage)
    _wait_for(tmp_path / "flag", process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert err.strip().splitlines()[-1] == message and "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["c.txt", "flag", "v.bin"]
    assert (tmp_path / "v.bin").read_bytes() == b"the vectors before"


@pytest.mark.parametrize("delay", [0.5, 1.0, 1.5, 2.0])
def test_sigterm_at_any_moment_leaves_a_whole_file_or_none(tmp_path, corpus, delay):
    process = _start(["train", corpus, *TRAIN[:-4], "--epochs", "20", "-o", "v.bin", "-q"],
                     tmp_path)
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode in (0, 143), err
    assert "Traceback" not in err
    left = sorted(os.listdir(tmp_path))
    if process.returncode == 143:
        assert left == ["c.txt"]
    else:  # finished before the signal: the whole file
        assert left == ["c.txt", "v.bin"] and b"\n" in (tmp_path / "v.bin").read_bytes()
