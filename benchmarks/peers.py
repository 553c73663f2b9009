"""How each system is run in the benchmarks, with identical settings, and how a
finished run is measured (wall time, peak RSS of the process) and scored.

* w2v: the installed command, ``python -m w2v train``.
* gensim 4.4 (the bench extra): corpus_file mode, on the corpus cut into 1,000-word
  lines; given text8's single line it silently trains on almost nothing.
* word2vec C tool: the binary that $W2V_BENCH_C names, built by hand from its public
  repository beside the project (never committed). Its HEAD trains one epoch only
  when given -iter > 1 with several threads (it never resets ``eof``), so the
  benchmarks run it at one epoch only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
sys.path.insert(0, os.path.dirname(HERE))

from w2v import KeyedVectors, evaluate  # noqa: E402

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5)
ALPHA = {"skipgram": 0.025, "cbow": 0.05}


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


def measure(cmd: list[str], env: dict | None = None) -> Run:
    """Run a command to completion; its wall time and peak resident memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return Run(seconds, usage.ru_maxrss / 1024)


def cut_lines(corpus: str, out: str, words: int | None, line_words: int = 1000) -> int:
    """Write the first ``words`` words of ``corpus`` as lines of ``line_words`` words;
    return how many words were written."""
    with open(corpus, "rb") as f:
        tokens = f.read().split()[:words]
    with open(out, "wb") as f:
        for i in range(0, len(tokens), line_words):
            f.write(b" ".join(tokens[i:i + line_words]) + b"\n")
    return len(tokens)


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


def c_tool_cmd(binary: str, corpus: str, out: str, arch: str, epochs: int,
               threads: int) -> list[str]:
    s = SETTINGS
    return [binary, "-train", corpus, "-output", out, "-cbow", str(int(arch == "cbow")),
            "-size", str(s["dim"]), "-window", str(s["window"]),
            "-negative", str(s["negative"]), "-hs", "0", "-sample", str(s["sample"]),
            "-threads", str(threads), "-iter", str(epochs), "-min-count", str(s["min_count"]),
            "-alpha", str(ALPHA[arch]), "-binary", "1"]


def scores(path: str, eval_dir: str) -> tuple[float, float, float]:
    """Analogy accuracy (3CosAdd, top 30,000 words), WS353 and SimLex-999 Spearman."""
    kv = KeyedVectors.load(path)
    analogy = evaluate.analogies(kv, os.path.join(eval_dir, "questions-words.txt")).accuracy
    ws = evaluate.word_pairs(kv, os.path.join(eval_dir, "wordsim353.tsv")).spearman
    simlex = evaluate.word_pairs(kv, os.path.join(eval_dir, "simlex999.txt")).spearman
    return analogy, ws, simlex
