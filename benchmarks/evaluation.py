"""The analogy and word-pair evaluator of w2v against gensim 4.4's: same scores, and speed.

    python benchmarks/evaluation.py                   # trains CBOW models on the corpus
    W2V_BENCH_C=../peers/word2vec/word2vec python benchmarks/evaluation.py
    python benchmarks/evaluation.py --models a.bin b.bin --rounds 5

Exactness: every model (word2vec binary format) is scored by ``w2v eval --json`` (a
separate process, on questions-words, WS353 and SimLex-999) and by gensim's
``evaluate_word_analogies`` (30,000 most frequent words) and ``evaluate_word_pairs``
on the same files. Scores must agree to 4 decimals (rounded alike, or within 5e-5) and
the analogy counts, overall and per section, must be identical; otherwise the script
exits with status 1. Without --models it first trains CBOW models for 1 epoch with
peers.SETTINGS: w2v's, gensim's and, when $W2V_BENCH_C names its binary, the word2vec
C tool's.

Speed, on the first model: both libraries load the vectors once in this process, then
each evaluator answers questions-words once untimed (gensim caches its unit vectors,
w2v its ``kv.unit``) and the two alternate for --rounds timed rounds; medians and the
median of the per-round ratios are printed. The whole ``w2v eval`` process is timed
once for information.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from peers import arguments, c_tool_cmd, cut_lines, gensim_cmd, measure, w2v_cmd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESTRICT = 30000
ANALOGIES = "questions-words.txt"
PAIRS = {"WS353": "wordsim353.tsv", "SimLex": "simlex999.txt"}


def eval_cmd(model: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "w2v", "eval", "-m", model, *extra]


def w2v_report(model: str) -> dict:
    """``w2v eval -m MODEL --json`` on the standard files, parsed."""
    proc = subprocess.run(eval_cmd(model, "--json"), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"w2v eval failed ({proc.returncode}) on {model}:\n{proc.stderr}")
    return json.loads(proc.stdout)


def entry(entries: list[dict], eval_dir: str, filename: str) -> dict:
    """The entry of a report's list that scored ``filename``."""
    for item in entries:
        if os.path.basename(item["file"]) == filename:
            where = os.path.dirname(item["file"])
            if where and os.path.realpath(where) != os.path.realpath(eval_dir):
                print(f"note: w2v eval scored {item['file']}, gensim "
                      f"{os.path.join(eval_dir, filename)}", file=sys.stderr)
            return item
    raise SystemExit(f"w2v eval reported no result for {filename}")


def gensim_scores(model: str, eval_dir: str) -> dict:
    """gensim's scores of a model: analogy counts per section and word-pair correlations."""
    from gensim.models import KeyedVectors as GensimVectors

    kv = GensimVectors.load_word2vec_format(model, binary=True)
    score, sections = kv.evaluate_word_analogies(os.path.join(eval_dir, ANALOGIES),
                                                 restrict_vocab=RESTRICT)
    counts = [(s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
              for s in sections]
    result = {"accuracy": score, "sections": counts[:-1], "total": counts[-1][1:]}
    for name, filename in PAIRS.items():
        pearson, spearman, oov_ratio = kv.evaluate_word_pairs(os.path.join(eval_dir, filename))
        result[name] = (float(spearman[0]), float(pearson[0]), oov_ratio)
    return result


def close(x: float, y: float) -> bool:
    return round(x, 4) == round(y, 4) or abs(x - y) < 5e-5


def compare(label: str, report: dict, gensim: dict, eval_dir: str) -> tuple[str, bool]:
    """One table row for a model and whether w2v and gensim agree."""
    problems = []
    if report.get("restrict") != RESTRICT or report.get("method") != "add":
        problems.append(f"w2v eval ran with restrict={report.get('restrict')}, "
                        f"method={report.get('method')}")
    analogy = entry(report["analogies"], eval_dir, ANALOGIES)
    if not close(analogy["accuracy"], gensim["accuracy"]):
        problems.append("analogy accuracy")
    ours = (analogy["correct"], analogy["answered"])
    if ours != gensim["total"]:
        problems.append(f"analogy counts {ours} against {gensim['total']}")
    theirs = gensim["sections"]
    if len(analogy["sections"]) != len(theirs):
        problems.append(f"{len(analogy['sections'])} analogy sections against {len(theirs)}")
    for s, (name, correct, answered) in zip(analogy["sections"], theirs):
        if (s["name"], s["correct"], s["answered"]) != (name, correct, answered):
            problems.append(f"section {name}: {s['correct']}/{s['answered']} against "
                            f"{correct}/{answered}")
    cells = [f"{analogy['accuracy']:.4f} / {gensim['accuracy']:.4f}",
             f"{ours[0]:,}/{ours[1]:,} / {gensim['total'][0]:,}/{gensim['total'][1]:,}"]
    for name, filename in PAIRS.items():
        pairs = entry(report["similarity"], eval_dir, filename)
        spearman, pearson, oov_ratio = gensim[name]
        for kind, x, y in (("Spearman", pairs["spearman"], spearman),
                           ("Pearson", pairs["pearson"], pearson)):
            cells.append(f"{x:.4f} / {y:.4f}")
            if not close(x, y):
                problems.append(f"{name} {kind}")
        seen = pairs["pairs"] + pairs["skipped"]
        if abs((100 * pairs["skipped"] / seen if seen else 0.0) - oov_ratio) > 1e-9:
            problems.append(f"{name}: {pairs['skipped']} pairs skipped, gensim "
                            f"{oov_ratio:.2f}% out of vocabulary")
    for problem in problems:
        print(f"{label}: differs: {problem}", file=sys.stderr)
    same = not problems
    return f"| {label} | {' | '.join(cells)} | {'yes' if same else 'no'} |", same


def train(corpus: str, tmp: str) -> list[tuple[str, str]]:
    """CBOW models, 1 epoch, 2 threads: (label, path) for each system."""
    lines = os.path.join(tmp, "lines.txt")
    cut_lines(corpus, lines, None)
    out = os.path.join(tmp, "{}.bin")
    systems = [("w2v", "w2v", w2v_cmd(corpus, out.format("w2v"), "cbow", 1, 2)),
               ("gensim 4.4", "gensim", gensim_cmd(lines, out.format("gensim"), "cbow", 1, 2))]
    c_tool = os.environ.get("W2V_BENCH_C")
    if c_tool:
        systems.append(("word2vec C", "c", c_tool_cmd(c_tool, corpus, out.format("c"), "cbow",
                                                      1, 2)))
    models = []
    for name, stem, cmd in systems:
        run = measure(cmd)
        models.append((f"{name} CBOW", out.format(stem)))
        print(f"trained {name} CBOW in {run.seconds:.1f} s", file=sys.stderr)
    return models


def speed(model: str, eval_dir: str, rounds: int) -> tuple[list[float], list[float], int, int]:
    """Seconds per questions-words evaluation by w2v and by gensim, alternating, after one
    untimed call of each; also the model's vocabulary size and dimension."""
    from gensim.models import KeyedVectors as GensimVectors

    from w2v import KeyedVectors
    from w2v.tools import evaluate

    questions = os.path.join(eval_dir, ANALOGIES)
    kv = KeyedVectors.load(model)
    gkv = GensimVectors.load_word2vec_format(model, binary=True)
    evaluate.analogies(kv, questions, restrict=RESTRICT)
    gkv.evaluate_word_analogies(questions, restrict_vocab=RESTRICT)
    ours, theirs = [], []
    for r in range(rounds):
        start = time.perf_counter()
        evaluate.analogies(kv, questions, restrict=RESTRICT)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        gkv.evaluate_word_analogies(questions, restrict_vocab=RESTRICT)
        theirs.append(time.perf_counter() - start)
        print(f"speed round {r + 1}: w2v {ours[-1]:.3f} s, gensim {theirs[-1]:.3f} s",
              file=sys.stderr)
    return ours, theirs, len(gkv), gkv.vector_size


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--models", nargs="+", metavar="PATH",
                        help="word2vec .bin files (default: train CBOW models on --corpus)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for name in ("corpus", "eval_dir"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    args.models = [os.path.abspath(path) for path in args.models or []]
    os.chdir(ROOT)  # so that `python -m w2v` runs this checkout

    with tempfile.TemporaryDirectory(prefix="w2v-evaluation-") as tmp:
        if args.models:
            models = [(os.path.basename(path), path) for path in args.models]
        else:
            models = train(args.corpus, tmp)

        same = True
        rows = []
        for label, path in models:
            print(f"scoring {label}", file=sys.stderr)
            row, agree = compare(label, w2v_report(path), gensim_scores(path, args.eval_dir),
                                 args.eval_dir)
            rows.append(row)
            same = same and agree
        print(f"## Exactness: w2v eval against gensim 4.4 (analogies over the "
              f"{RESTRICT:,} most frequent words)\n")
        print("Each cell: w2v / gensim.\n")
        print("| model | analogy accuracy | correct/answered | "
              "WS353 Spearman | WS353 Pearson | SimLex Spearman | SimLex Pearson | "
              "equal to 4 decimals |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(rows) + "\n")

        label, path = models[0]
        ours, theirs, words, dim = speed(path, args.eval_dir, args.rounds)
        print(f"## Speed: {ANALOGIES}, {label} ({words:,} words × {dim}), restrict "
              f"{RESTRICT:,}\n")
        print(f"Both libraries hold the vectors in this one process; one untimed warm-up "
              f"call each comes first (gensim caches its unit vectors, w2v kv.unit), then "
              f"the median of {args.rounds} alternating rounds.\n")
        print("| evaluator | median time | w2v time / gensim time |")
        print("|---|---|---|")
        ratio = statistics.median(a / b for a, b in zip(ours, theirs))
        print(f"| w2v evaluate.analogies | {statistics.median(ours):.3f} s | {ratio:.3f} |")
        print(f"| gensim evaluate_word_analogies | {statistics.median(theirs):.3f} s | 1 |")
        run = measure(eval_cmd(path))
        print(f"\nWhole process `w2v eval -m MODEL` (questions-words, WS353, SimLex-999; "
              f"start-up and loading included), once: {run.seconds:.2f} s, peak RSS "
              f"{run.peak_rss_mb:.0f} MB.")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
