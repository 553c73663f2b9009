"""How each system is run in the benchmarks, with identical settings, and how a
finished run is measured (wall time, peak RSS of the process) and scored.

* w2v: the installed command, ``python -m w2v train``.
* gensim 4.4 (the bench extra): corpus_file mode, on the corpus cut into 1,000-word
  lines; given text8's single line it silently trains on almost nothing.
* fastText 0.9.2 (``fasttext-wheel``, the bench extra): ``train_unsupervised`` with
  ``minn=0, maxn=0`` (no subwords: plain word2vec) on the 1,000-word lines, the same
  settings; its noise distribution is count^0.5, not ^0.75, and cannot be changed.
  The word vectors (its input matrix's word rows) are written as a word2vec binary
  file, as the other systems write theirs.
* word2vec C tool: the binary that $W2V_BENCH_C names, built by hand from its public
  repository beside the project (never committed). Its HEAD trains one epoch only
  when given -iter > 1 with several threads (it never resets ``eof``), so the
  benchmarks run it at one epoch only.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
sys.path.insert(0, os.path.dirname(HERE))

from w2v import KeyedVectors  # noqa: E402
from w2v.tools import evaluate  # noqa: E402

TIME = shutil.which("time", path="/usr/bin:/bin") or sys.exit(
    "the benchmarks need GNU time (/usr/bin/time): apt-get install time")
SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5)
ALPHA = {"skipgram": 0.025, "cbow": 0.05}


def arguments(doc: str, eval_dir: bool = True) -> argparse.ArgumentParser:
    """A benchmark's argument parser: its docstring's first paragraph, then --corpus
    and (with ``eval_dir``) --eval-dir, both in ../shared by default."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpora", "text8-prefix.txt"))
    if eval_dir:
        parser.add_argument("--eval-dir", default=os.path.join(SHARED, "eval"))
    return parser


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float = 0.0  # user + system, the process and its children


def measure(cmd: list[str], env: dict | None = None) -> Run:
    """Run a command to completion; its wall time, peak resident memory and CPU time.

    Memory is read by GNU time (``/usr/bin/time``, Debian package ``time``): a child's
    peak RSS as the kernel reports it to its parent starts from the parent's own at
    fork, so the benchmark process cannot measure its children directly.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        proc = subprocess.run([TIME, "-f", "%M %U %S", "-o", report.name, *cmd],
                              stdout=subprocess.DEVNULL, env=env)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
        rss, user, system = report.read().split()[-3:]
        return Run(seconds, int(rss) / 1024, float(user) + float(system))


def _tokens(path: str):
    rest = b""
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            block = rest + block
            cut = max(block.rfind(b" "), block.rfind(b"\n"))
            if cut < 0:
                rest = block
                continue
            yield from block[:cut].split()
            rest = block[cut:]
    yield from rest.split()


def cut_lines(corpus: str, out: str, words: int | None, line_words: int = 1000) -> int:
    """Write the first ``words`` words of ``corpus`` (all: None) as lines of
    ``line_words`` words; return how many words were written."""
    written = 0
    line: list[bytes] = []
    with open(out, "wb") as dst:
        for token in itertools.islice(_tokens(corpus), words):
            line.append(token)
            written += 1
            if len(line) == line_words:
                dst.write(b" ".join(line) + b"\n")
                line = []
        if line:
            dst.write(b" ".join(line) + b"\n")
    return written


def w2v_cmd(corpus: str, out: str, arch: str, epochs: int, threads: int,
            *extra: str) -> list[str]:
    s = SETTINGS
    return [sys.executable, "-m", "w2v", "train", corpus, "-o", out, "--arch", arch,
            "--dim", str(s["dim"]), "--window", str(s["window"]),
            "--negative", str(s["negative"]), "--sample", str(s["sample"]),
            "--min-count", str(s["min_count"]), "--epochs", str(epochs),
            "--threads", str(threads), "--quiet", *extra]


_GENSIM = """
import sys
from gensim.models import Word2Vec
corpus, out, sg, epochs, threads = sys.argv[1:]
sg, epochs, threads = int(sg), int(epochs), int(threads)
model = Word2Vec(corpus_file=corpus, sg=sg, vector_size={dim}, window={window},
                 negative={negative}, hs=0, sample={sample}, min_count={min_count},
                 workers=threads, epochs=epochs, alpha=0.025 if sg else 0.05)
model.wv.save_word2vec_format(out, binary=True)
"""


def gensim_cmd(lines: str, out: str, arch: str, epochs: int, threads: int) -> list[str]:
    return [sys.executable, "-c", _GENSIM.format(**SETTINGS), lines, out,
            str(int(arch == "skipgram")), str(epochs), str(threads)]


_FASTTEXT = """
import sys
import fasttext
import numpy as np
lines, out, arch, epochs, threads, alpha = sys.argv[1:]
model = fasttext.train_unsupervised(lines, model=arch, dim={dim}, ws={window}, neg={negative},
                                    t={sample}, minCount={min_count}, minn=0, maxn=0,
                                    epoch=int(epochs), thread=int(threads), lr=float(alpha),
                                    verbose=0)
words = model.get_words()
vectors = np.asarray(model.get_input_matrix()[:len(words)], dtype="<f4")
with open(out, "wb") as f:
    f.write(f"{{len(words)}} {dim}\\n".encode())
    for word, row in zip(words, vectors):
        f.write(word.encode() + b" " + row.tobytes() + b"\\n")
"""


def fasttext_cmd(lines: str, out: str, arch: str, epochs: int, threads: int) -> list[str]:
    return [sys.executable, "-c", _FASTTEXT.format(**SETTINGS), lines, out, arch, str(epochs),
            str(threads), str(ALPHA[arch])]


def c_tool_cmd(binary: str, corpus: str, out: str, arch: str, epochs: int,
               threads: int, hs: bool = False) -> list[str]:
    """The C tool with SETTINGS; with ``hs``, hierarchical softmax alone (-negative 0)."""
    s = SETTINGS
    return [binary, "-train", corpus, "-output", out, "-cbow", str(int(arch == "cbow")),
            "-size", str(s["dim"]), "-window", str(s["window"]),
            "-negative", "0" if hs else str(s["negative"]), "-hs", str(int(hs)),
            "-sample", str(s["sample"]),
            "-threads", str(threads), "-iter", str(epochs), "-min-count", str(s["min_count"]),
            "-alpha", str(ALPHA[arch]), "-binary", "1"]


def scores(path: str, eval_dir: str) -> tuple[float, float, float]:
    """Analogy accuracy (3CosAdd, top 30,000 words), WS353 and SimLex-999 Spearman."""
    kv = KeyedVectors.load(path)
    analogy = evaluate.analogies(kv, os.path.join(eval_dir, "questions-words.txt")).accuracy
    ws = evaluate.word_pairs(kv, os.path.join(eval_dir, "wordsim353.tsv")).spearman
    simlex = evaluate.word_pairs(kv, os.path.join(eval_dir, "simlex999.txt")).spearman
    return analogy, ws, simlex
