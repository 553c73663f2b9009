"""Speed and memory of w2v's phrase detection against gensim 4.4's Phrases.

    python benchmarks/phrases.py                     # all of the shared corpus, 3 rounds
    python benchmarks/phrases.py --words 1000000 --rounds 1 --passes 1
    W2V_BENCH_WORD2PHRASE=../peers/word2vec/word2phrase python benchmarks/phrases.py

Every system reads the corpus cut into 1,000-word lines, so that all see the same
sentences, and writes the joined text. w2v
runs ``w2v.text.phrases.phrases`` in a fresh process; gensim trains ``Phrases(sentences,
min_count, threshold, scoring="default")`` and writes ``phrases[sentence]`` for every
line; for two passes it trains a second Phrases on the first one's output and applies
both, as gensim's documentation chains them. The word2phrase C tool (the binary that
$W2V_BENCH_WORD2PHRASE names, built by hand from its public repository, never
committed) runs once per pass, each on the last one's output. Each round runs the
systems one after the other, so that drift on a noisy machine hits them alike; wall
times are whole processes and the ratios are taken round by round, then their median
is printed.

gensim's "default" score multiplies by the number of distinct words and bigrams it
counted (V) where word2phrase multiplies by the number of tokens (N), so at the same
threshold the two form different phrases. The last line runs w2v once more, at
threshold t * N / V, for which both rules join the same pairs, and compares the texts.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from collections import Counter

from peers import Run, arguments, cut_lines, measure

_W2V = """
import sys
from w2v.text.phrases import phrases
corpus, out, min_count, threshold, passes = sys.argv[1:]
phrases(corpus, out, min_count=int(min_count), threshold=float(threshold), passes=int(passes))
"""

_GENSIM = """
import json, sys
from gensim.models.phrases import Phrases
from gensim.models.word2vec import LineSentence
corpus, out, min_count, threshold, passes = sys.argv[1:]
models = []

def applied(k):  # the corpus through the first k models
    for sentence in LineSentence(corpus):
        for model in models[:k]:
            sentence = model[sentence]
        yield sentence

for k in range(int(passes)):
    models.append(Phrases(applied(k), min_count=int(min_count), threshold=float(threshold),
                          scoring="default"))
with open(out, "w", encoding="utf-8") as f:
    for sentence in applied(len(models)):
        f.write(" ".join(sentence) + "\\n")
with open(out + ".json", "w") as f:
    json.dump({"vocab": [len(m.vocab) for m in models],
               "words": [m.corpus_word_count for m in models]}, f)
"""


def w2v_cmd(corpus: str, out: str, min_count: int, threshold: float, passes: int) -> list[str]:
    return [sys.executable, "-c", _W2V, corpus, out, str(min_count), str(threshold),
            str(passes)]


def gensim_cmd(corpus: str, out: str, min_count: int, threshold: float,
               passes: int) -> list[str]:
    return [sys.executable, "-c", _GENSIM, corpus, out, str(min_count), str(threshold),
            str(passes)]


def word2phrase_cmd(binary: str, corpus: str, out: str, min_count: int, threshold: float,
                    passes: int) -> list[str]:
    steps, source = [], corpus
    for k in range(passes):
        target = out if k == passes - 1 else f"{out}.pass{k + 1}"
        steps.append(f"{binary} -train {source} -output {target} -min-count {min_count} "
                     f"-threshold {threshold} -debug 0 > /dev/null")
        source = target
    return ["sh", "-c", " && ".join(steps)]


def differing_lines(path: str, other: str) -> int:
    """Lines whose tokens differ between two texts (word2phrase starts lines with a
    space, so lines are compared token by token)."""
    with open(path, "rb") as a, open(other, "rb") as b:
        return sum(x.split() != y.split() for x, y in zip(a, b))


def formed(path: str) -> Counter:
    """How often each phrase (a token holding "_") occurs in a text file."""
    found: Counter = Counter()
    with open(path, "rb") as f:
        for line in f:
            found.update(t for t in line.split() if b"_" in t)
    return found


def main() -> None:
    parser = arguments(__doc__, eval_dir=False)
    parser.add_argument("--words", type=int, default=0, help="0: the whole corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=100.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="w2v-phrases-") as tmp:
        lines = os.path.join(tmp, "lines.txt")
        words = cut_lines(args.corpus, lines, args.words or None)
        out = os.path.join(tmp, "{}.txt")
        settings = (args.min_count, args.threshold)
        print(f"# {words:,} words of {os.path.basename(args.corpus)} in 1,000-word lines, "
              f"min_count {args.min_count}, threshold {args.threshold:g}, "
              f"median of {args.rounds} rounds\n")
        print("| system | passes | wall time | peak RSS | distinct phrases | phrases formed "
              "| tokens out | lines unlike w2v's | w2v time / this |")
        print("|---|---|---|---|---|---|---|---|---|")
        c_tool = os.environ.get("W2V_BENCH_WORD2PHRASE")
        tags = {"w2v": "w2v", "gensim 4.4": "gensim", "word2phrase C": "c"}
        for passes in args.passes:
            systems = {"w2v": w2v_cmd(lines, out.format(f"w2v{passes}"), *settings, passes),
                       "gensim 4.4": gensim_cmd(lines, out.format(f"gensim{passes}"),
                                                *settings, passes)}
            if c_tool:
                systems["word2phrase C"] = word2phrase_cmd(c_tool, lines, out.format(f"c{passes}"),
                                                           *settings, passes)
            runs: dict[str, list[Run]] = {name: [] for name in systems}
            for r in range(args.rounds):
                for name, cmd in systems.items():
                    runs[name].append(measure(cmd))
                    print(f"{passes} pass(es), round {r + 1}: {name} "
                          f"{runs[name][-1].seconds:.2f} s", file=sys.stderr)
            for name in systems:
                text = out.format(f"{tags[name]}{passes}")
                found = formed(text)
                with open(text, "rb") as f:
                    tokens = sum(len(line.split()) for line in f)
                differ = differing_lines(text, out.format(f"w2v{passes}"))
                ratio = statistics.median(a.seconds / b.seconds
                                          for a, b in zip(runs["w2v"], runs[name]))
                seconds = statistics.median(r.seconds for r in runs[name])
                rss = statistics.median(r.peak_rss_mb for r in runs[name])
                print(f"| {name} | {passes} | {seconds:.2f} s | {rss:.0f} MB | {len(found):,} | "
                      f"{sum(found.values()):,} | {tokens:,} | {differ:,} | {ratio:.3f} |")

        # One pass at gensim's effective threshold: the same pairs must join.
        passes = 1
        if not os.path.exists(out.format(f"gensim{passes}")):
            measure(gensim_cmd(lines, out.format(f"gensim{passes}"), *settings, passes))
        with open(out.format(f"gensim{passes}") + ".json") as f:
            sizes = json.load(f)
        vocab, tokens = sizes["vocab"][0], sizes["words"][0]
        scaled = args.threshold * tokens / vocab
        run = measure(w2v_cmd(lines, out.format("scaled"), args.min_count, scaled, 1))
        with open(out.format("scaled"), "rb") as a, \
                open(out.format(f"gensim{passes}"), "rb") as b:
            pairs = list(zip(a, b))
        differ = sum(x != y for x, y in pairs)
        ours, theirs = formed(out.format("scaled")), formed(out.format(f"gensim{passes}"))
        print(f"\ngensim's V (distinct words + bigrams) = {vocab:,}, N (tokens) = {tokens:,}: "
              f"w2v at threshold {args.threshold:g} * N / V = {scaled:.3f}, one pass, "
              f"{run.seconds:.2f} s: {len(ours):,} distinct phrases ({sum(ours.values()):,} "
              f"formed) against gensim's {len(theirs):,} ({sum(theirs.values()):,}); "
              f"{differ:,} of {len(pairs):,} lines differ.")


if __name__ == "__main__":
    main()
