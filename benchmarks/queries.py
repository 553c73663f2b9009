"""Loading and querying vectors: w2v's native .w2v files against word2vec .bin and gensim.

    python benchmarks/queries.py                      # trains a CBOW model; 3M x 300 file
    python benchmarks/queries.py --model vectors.bin --rounds 3
    python benchmarks/queries.py --big-words 300000 --big-dim 100 --tmp /var/tmp
    W2V_BENCH_C_DISTANCE=../peers/word2vec/distance python benchmarks/queries.py

The model: without --model, w2v trains CBOW vectors (1 epoch, 2 threads, peers.SETTINGS)
on the shared corpus into model.w2v; with --model, that file (any format w2v reads) is
converted to model.w2v. ``w2v convert`` then writes model.bin (word2vec binary).

Measured, each with one untimed warm-up first, so that every file is in the page cache:

* Loading in this process: ``KeyedVectors.load`` of model.w2v and model.bin, gensim's
  ``load_word2vec_format(binary=True)`` of model.bin, and then the first
  ``most_similar`` (w2v reads the memory-mapped rows, gensim computes its norms);
  median of --rounds alternating rounds.
* Whole processes (start-up, imports, loading, one query, printing): ``w2v similar``
  on model.w2v and on model.bin against a ``python -c`` script that loads model.bin with
  gensim and prints ``most_similar``; wall time and peak RSS by GNU time, alternating
  in rounds, and the median of the per-round ratios. Also: whether the query process
  imports Numba (``python -X importtime``), and whether w2v and gensim list the same
  ten words.
* A file of GoogleNews' shape (--big-words x --big-dim random float32, "w0000042"-style
  words), written as .w2v by a child process of this script (``--write-big``) straight
  from its layout in w2v/native.py, a block of rows at a time: neither process ever holds
  the matrix. Then ``w2v info`` and ``w2v similar`` on it, once with the file dropped
  from the page cache (posix_fadvise; best effort) and in --rounds warm rounds. Peak
  RSS counts the pages of the memory-mapped file that a process has touched: shared,
  clean page cache, not private memory. The file is deleted at the end.
* With $W2V_BENCH_C_DISTANCE naming the word2vec C tool's ``distance`` binary: whether
  it reads w2v's model.bin and lists neighbours.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
from peers import Run, arguments, measure, w2v_cmd

from w2v import KeyedVectors, __version__
from w2v.vectors import native

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOAD_TARGET_S = 0.050  # KeyedVectors.load of a ~60k x 100 .w2v file
RATIO_TARGET = 0.2  # whole `w2v similar` process on .w2v / the gensim script
BIG_ROWS = 1 << 15  # rows generated and written at once
BIG_QUERY = 42

_GENSIM_QUERY = """
import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
for word, score in kv.most_similar(sys.argv[2], topn=10):
    print(f"{word}  {score:.4f}")
"""


def w2v(*args: str) -> list[str]:
    return [sys.executable, "-m", "w2v", *args]


def gensim_query(model: str, word: str) -> list[str]:
    return [sys.executable, "-c", _GENSIM_QUERY, model, word]


def shown(cmd: list[str]) -> str:
    """A command as a reader would type it: ``python``, file names without folders."""
    words = ["python" if i == 0 else os.path.basename(a) if os.path.isabs(a) else a
             for i, a in enumerate(cmd)]
    if "-c" in words:  # the script itself is printed once, not in every row
        words[words.index("-c") + 1] = "GENSIM_QUERY"
    return " ".join(shlex.quote(w) for w in words)


def run_quietly(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {shown(cmd)}\n{proc.stderr}")


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs),
               statistics.median(r.peak_rss_mb for r in runs))


def prepare(args: argparse.Namespace, tmp: str) -> tuple[str, str]:
    """model.w2v and model.bin in ``tmp``: trained by w2v, or converted from --model."""
    model, binary = os.path.join(tmp, "model.w2v"), os.path.join(tmp, "model.bin")
    if args.model:
        print(f"converting {args.model}", file=sys.stderr)
        run_quietly(w2v("convert", args.model, model))
    else:
        run = measure(w2v_cmd(args.corpus, model, "cbow", 1, 2))
        print(f"trained w2v CBOW in {run.seconds:.1f} s", file=sys.stderr)
    run_quietly(w2v("convert", model, binary))
    return model, binary


def load_times(model: str, binary: str, word: str, rounds: int) -> dict[str, list[tuple]]:
    """(load seconds, first most_similar seconds) per round for each loader; alternating,
    after one untimed round (which also imports gensim)."""
    from gensim.models import KeyedVectors as GensimVectors

    loaders = {
        'KeyedVectors.load("model.w2v")': lambda: KeyedVectors.load(model),
        'KeyedVectors.load("model.bin")': lambda: KeyedVectors.load(binary),
        'gensim load_word2vec_format("model.bin", binary=True)':
            lambda: GensimVectors.load_word2vec_format(binary, binary=True),
    }
    times: dict[str, list[tuple]] = {name: [] for name in loaders}
    for r in range(rounds + 1):
        for name, load in loaders.items():
            gc.collect()
            start = time.perf_counter()
            kv = load()
            loaded = time.perf_counter()
            kv.most_similar([word] if isinstance(kv, KeyedVectors) else word, topn=10)
            queried = time.perf_counter()
            del kv
            if r:
                times[name].append((loaded - start, queried - loaded))
        if r:
            print(f"load round {r}: " + ", ".join(f"{t[-1][0] * 1e3:.1f} ms"
                                                  for t in times.values()), file=sys.stderr)
    return times


def first_words(cmd: list[str]) -> list[str]:
    """The words a query command printed, one per line before the score."""
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {shown(cmd)}\n{proc.stderr}")
    return [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]


def imports_numba(cmd: list[str]) -> bool:
    """Does ``cmd`` (a ``python ...`` command) import numba? Read from -X importtime."""
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {shown(cmd)}\n{proc.stderr}")
    return any(line.split("|")[-1].strip().split(".")[0] == "numba"
               for line in proc.stderr.splitlines() if line.startswith("import time:"))


def whole_processes(model: str, binary: str, word: str, rounds: int) -> None:
    systems = {"w2v, .w2v": w2v("similar", word, "-m", model),
               "w2v, .bin": w2v("similar", word, "-m", binary),
               "gensim 4.4, .bin": gensim_query(binary, word)}
    for cmd in systems.values():  # warm-up: page cache, .pyc files
        measure(cmd)
    runs: dict[str, list[Run]] = {name: [] for name in systems}
    for r in range(rounds):
        for name, cmd in systems.items():
            runs[name].append(measure(cmd))
        print(f"query round {r + 1}: " + ", ".join(f"{name} {runs[name][-1].seconds:.2f} s"
                                                   for name in systems), file=sys.stderr)
    gensim = runs["gensim 4.4, .bin"]
    print(f"## Whole process: the ten words nearest to '{word}'\n")
    print(f"Start-up, imports, loading, one query and printing; median of {rounds} "
          f"alternating rounds after a warm-up round. GENSIM_QUERY is:\n")
    print("```python" + _GENSIM_QUERY + "```\n")
    print("| system | command | wall time | peak RSS | time / gensim's |")
    print("|---|---|---|---|---|")
    for name, cmd in systems.items():
        m = median_run(runs[name])
        ratio = statistics.median(a.seconds / b.seconds for a, b in zip(runs[name], gensim))
        print(f"| {name} | `{shown(cmd)}` | {m.seconds:.3f} s | {m.peak_rss_mb:.0f} MB | "
              f"{ratio:.3f} |")
    ratio = statistics.median(a.seconds / b.seconds
                              for a, b in zip(runs["w2v, .w2v"], gensim))
    print(f"\nTarget for .w2v: time / gensim's <= {RATIO_TARGET}: "
          f"{'met' if ratio <= RATIO_TARGET else 'NOT met'} ({ratio:.3f}).")
    numba = imports_numba(systems["w2v, .w2v"])
    traced = shown(systems["w2v, .w2v"]).replace("python", "python -X importtime", 1)
    print(f"Imports numba (`{traced}`, its stderr): {'yes' if numba else 'no'}.")
    ours = first_words(systems["w2v, .w2v"])
    theirs = first_words(systems["gensim 4.4, .bin"])
    verdict = ("yes, same order" if ours == theirs else
               "same words, another order" if set(ours) == set(theirs) else "NO")
    print(f"Same ten words as gensim: {verdict}" + ("" if ours == theirs else
                                                   f" (w2v {ours}, gensim {theirs})") + ".\n")


def write_big(path: str, words: int, dim: int, seed: int = 0) -> None:
    """A .w2v file of ``words`` random float32 rows, written block by block following
    the layout in w2v/native.py: magic, header length, JSON header, zeros up to the
    64-byte aligned vectors section, the rows, zeros, the vocabulary ("w0000042\\n")."""
    width = max(7, len(str(words - 1)))
    matrix = 4 * words * dim
    vectors_at = 4096  # room for the header; a multiple of 64 as native.py requires
    vocab_at = -(-(vectors_at + matrix) // 64) * 64
    header = {"format": "w2v", "format_version": native.FORMAT_VERSION,
              "w2v_version": __version__, "words": words, "dim": dim,
              "metadata": {"source": "benchmarks/queries.py: random float32"},
              "sections": {"vectors": {"offset": vectors_at, "bytes": matrix},
                           "vocab": {"offset": vocab_at, "bytes": words * (width + 2)}}}
    text = json.dumps(header).encode()
    if 16 + len(text) > vectors_at:
        raise SystemExit("the header does not fit before the vectors")
    rng = np.random.default_rng(seed)
    with open(path, "wb") as out:
        out.write(native.MAGIC + struct.pack("<Q", len(text)) + text)
        out.write(b"\0" * (vectors_at - out.tell()))
        for lo in range(0, words, BIG_ROWS):
            rows = rng.standard_normal((min(BIG_ROWS, words - lo), dim), dtype=np.float32)
            out.write(memoryview(rows.astype("<f4", copy=False)).cast("B"))
        out.write(b"\0" * (vocab_at - out.tell()))
        for lo in range(0, words, BIG_ROWS):
            out.write("".join(f"w{i:0{width}d}\n" for i in range(lo, min(lo + BIG_ROWS, words)))
                      .encode("ascii"))
        out.flush()
        os.fsync(out.fileno())


def drop_cache(path: str) -> bool:
    """Ask the kernel to forget the file's cached pages (clean ones go at once)."""
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def big_file(args: argparse.Namespace, tmp: str) -> None:
    words, dim = args.big_words, args.big_dim
    matrix_mb = 4 * words * dim / 2**20
    need = 4 * words * dim + words * (len(str(words)) + 9) + (256 << 20)
    free = shutil.disk_usage(tmp).free
    print(f"## A file of GoogleNews' shape: {words:,} words x {dim}, random float32\n")
    if need > free:
        print(f"Skipped: the file needs about {need / 2**30:.1f} GiB and {tmp} has "
              f"{free / 2**30:.1f} GiB free. Give --tmp a folder with more room, or "
              f"shrink the file with --big-words / --big-dim.\n")
        return
    path = os.path.join(tmp, "big.w2v")
    script = os.path.abspath(__file__)
    writer = [sys.executable, script, "--write-big", path, "--big-words", str(words),
              "--big-dim", str(dim)]
    print(f"writing {path} ({matrix_mb:,.0f} MB of vectors)", file=sys.stderr)
    written = measure(writer)
    native.read_header(path)  # checks the layout as w2v will
    size_mb = os.path.getsize(path) / 2**20
    query = f"w{min(BIG_QUERY, words - 1):0{max(7, len(str(words - 1)))}d}"
    systems = {"info": w2v("info", path),
               "load only": [sys.executable, "-c", "import sys; from w2v import KeyedVectors; "
                             "KeyedVectors.load(sys.argv[1])", path],
               "similar": w2v("similar", query, "-m", path, "-n", "5")}
    cold = {}
    for name, cmd in systems.items():
        dropped = drop_cache(path)
        cold[name] = measure(cmd)
        print(f"big, cold{'' if dropped else ' (cache not dropped)'}: {name} "
              f"{cold[name].seconds:.2f} s, {cold[name].peak_rss_mb:,.0f} MB", file=sys.stderr)
    runs: dict[str, list[Run]] = {name: [] for name in systems}
    for r in range(args.rounds):
        for name, cmd in systems.items():
            runs[name].append(measure(cmd))
        print(f"big round {r + 1}: " + ", ".join(f"{name} {runs[name][-1].seconds:.2f} s"
                                                 for name in systems), file=sys.stderr)
    print(f"The file: {size_mb:,.0f} MB, of it {matrix_mb:,.0f} MB of vectors. Written "
          f"block by block ({BIG_ROWS:,} rows at a time, fsync included) by "
          f"`{shown(writer).replace(os.path.basename(script), 'benchmarks/queries.py')}`: "
          f"{written.seconds:.1f} s, peak RSS {written.peak_rss_mb:.0f} MB.\n")
    print(f"Cold: once, after dropping the file from the page cache "
          f"({'posix_fadvise DONTNEED' if hasattr(os, 'posix_fadvise') else 'not possible here'}"
          f"); warm: median of {args.rounds} rounds. Peak RSS includes the touched pages "
          f"of the memory-mapped file. \"load only\" is "
          f"`python -c \"{systems['load only'][2]}\" big.w2v`.\n")
    print("| command | cold: wall time | cold: peak RSS | warm: wall time | warm: peak RSS | "
          "warm peak RSS / matrix |")
    print("|---|---|---|---|---|---|")
    for name, cmd in systems.items():
        c, m = cold[name], median_run(runs[name])
        label = "load only" if name == "load only" else f"`{shown(cmd)}`"
        print(f"| {label} | {c.seconds:.2f} s | {c.peak_rss_mb:,.0f} MB | "
              f"{m.seconds:.2f} s | {m.peak_rss_mb:,.0f} MB | "
              f"{m.peak_rss_mb / matrix_mb:.2f} |")
    os.remove(path)
    print()


def c_distance(binary: str, distance: str, word: str) -> None:
    """Does the word2vec C tool's ``distance`` read w2v's .bin and list neighbours?"""
    print("## The word2vec C tool's distance on w2v's model.bin\n")
    try:
        proc = subprocess.run([distance, binary], input=f"{word}\nEXIT\n", text=True,
                              capture_output=True, timeout=300, errors="replace")
        out = proc.stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"Could not run `{distance} model.bin`: {exc}\n")
        return
    table = out.split("-" * 72, 1)[-1].splitlines() if "-" * 72 in out else []
    listed = []
    for line in table:
        fields = line.split()
        if len(fields) == 2 and fields[0] != "Enter":
            try:
                float(fields[1])
            except ValueError:
                continue
            listed.append(line.strip())
    ok = proc.returncode == 0 and len(listed) >= 10
    print(f"`printf '{word}\\nEXIT\\n' | {os.path.basename(distance)} model.bin` "
          f"(exit status {proc.returncode}) lists neighbours: {'yes' if ok else 'NO'} "
          f"({len(listed)} lines). First lines:\n")
    print("```")
    print("\n".join(listed[:5] if listed else out.strip().splitlines()[:12]))
    print("```\n")


def main() -> None:
    parser = arguments(__doc__, eval_dir=False)
    parser.add_argument("--model", metavar="PATH",
                        help="a vector file to use (any format w2v reads; default: train one)")
    parser.add_argument("--word", default="king", help="the query word for the model")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--big-words", type=int, default=3_000_000, help="0: skip the big file")
    parser.add_argument("--big-dim", type=int, default=300)
    parser.add_argument("--tmp", default=tempfile.gettempdir(),
                        help="folder for the temporary files (the big one: ~3.6 GB)")
    parser.add_argument("--write-big", metavar="PATH",
                        help="only write the random big file to PATH (run by this script)")
    args = parser.parse_args()
    if args.write_big:
        write_big(args.write_big, args.big_words, args.big_dim)
        return
    for name in ("model", "corpus", "tmp"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    reproduce = shlex.join(["python", "benchmarks/queries.py", *sys.argv[1:]])
    distance = os.environ.get("W2V_BENCH_C_DISTANCE")
    if distance:
        reproduce = f"W2V_BENCH_C_DISTANCE={shlex.quote(distance)} {reproduce}"
        distance = os.path.abspath(distance)
    os.chdir(ROOT)  # so that `python -m w2v` runs this checkout

    with tempfile.TemporaryDirectory(prefix="w2v-queries-", dir=args.tmp) as tmp:
        model, binary = prepare(args, tmp)
        kv = KeyedVectors.load(model)
        words, dim = len(kv), kv.dim
        del kv
        source = os.path.basename(args.model) if args.model else (
            f"w2v CBOW, 1 epoch, on {os.path.basename(args.corpus)}")
        print(f"# Loading and querying vectors: {words:,} words x {dim} ({source})\n")
        print(f"Reproduce: `{reproduce}`. model.w2v: "
              f"{os.path.getsize(model) / 2**20:.1f} MB, model.bin: "
              f"{os.path.getsize(binary) / 2**20:.1f} MB.\n")

        times = load_times(model, binary, args.word, args.rounds)
        first = times['KeyedVectors.load("model.w2v")']
        print(f"## Loading in this process (median of {args.rounds} alternating rounds, after "
              f"a warm-up round)\n")
        print(f"| loader | load | load / .w2v load | then most_similar('{args.word}', "
              f"topn=10) |")
        print("|---|---|---|---|")
        for name, pairs in times.items():
            ratio = statistics.median(a[0] / b[0] for a, b in zip(pairs, first))
            print(f"| `{name}` | {statistics.median(p[0] for p in pairs) * 1e3:.1f} ms | "
                  f"{ratio:.1f} | {statistics.median(p[1] for p in pairs) * 1e3:.1f} ms |")
        load = statistics.median(p[0] for p in first)
        print(f"\nTarget: .w2v load < {LOAD_TARGET_S * 1e3:.0f} ms: "
              f"{'met' if load < LOAD_TARGET_S else 'NOT met'} ({load * 1e3:.1f} ms).\n")

        whole_processes(model, binary, args.word, args.rounds)
        if args.big_words > 0:
            big_file(args, tmp)
        if distance:
            c_distance(binary, distance, args.word)


if __name__ == "__main__":
    main()
