"""The ``w2v`` command: thin click commands over the library. Owns all printing, the
progress bar, and turning library errors into one-line messages (exit 1; bad option
values exit 2)."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
import time
from typing import TYPE_CHECKING

import click
import numpy as np

from . import __version__, data, evaluate, formats
from .config import ARCHITECTURES, DEFAULT_ALPHA, TrainConfig
from .errors import ConfigError, UnknownWordError, W2VError
from .vectors import KeyedVectors

if TYPE_CHECKING:
    from tqdm import tqdm

    from .training import Progress

# The query commands (similar, analogy, info, convert, export, eval) import only NumPy:
# Numba and tqdm are imported inside the commands that need them.

DEFAULT_MODEL = "vectors.bin"
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(TrainConfig)}


def default_model() -> str:
    """Where ``train`` writes and ``similar``/``analogy`` read without -o/-m."""
    return os.environ.get("W2V_MODEL") or DEFAULT_MODEL


def _friendly_errors(command):
    """Turn library errors into clean CLI errors, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ConfigError as exc:
            raise click.UsageError(
                f"invalid value for --{exc.field.replace('_', '-')}: {exc.message}") from None
        except W2VError as exc:
            raise click.ClickException(str(exc)) from None
        except MemoryError:
            raise click.ClickException("out of memory; try a smaller --max-vocab, --dim "
                                       "or corpus") from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="w2v")
def cli() -> None:
    """Learn word vectors from text (word2vec skip-gram and CBOW), then query them.

    \b
    w2v train corpus.txt          # writes vectors.bin
    w2v similar king              # nearest neighbours
    w2v analogy king man woman    # man is to king as woman is to ?
    """


def _model_option(command):
    return click.option("-m", "--model", metavar="PATH", default=None,
                        help=f"Vector file (.w2v, .bin, .txt, .vec, .txt.gz) [default: "
                             f"$W2V_MODEL or {DEFAULT_MODEL}]")(command)


def _limit_option(command):
    return click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
                        help="Read only the N first (most frequent) words.")(command)


def _query_options(command):
    command = click.option("--json", "as_json", is_flag=True,
                           help='Print JSON: a list of {"word", "score"}; with several '
                                'queries, one {"query", "results"} object per line.')(command)
    command = click.option("-n", "--topn", type=click.IntRange(min=1), default=10,
                           show_default=True, help="How many words to list.")(command)
    return _limit_option(_model_option(command))


@cli.command("train")
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", metavar="PATH", default=None,
              help=f"Where to write the vectors: .w2v native (with counts, settings and "
                   f"output weights), .bin word2vec binary, .txt/.vec/.txt.gz text "
                   f"[default: $W2V_MODEL or {DEFAULT_MODEL}]")
@click.option("--arch", type=click.Choice(ARCHITECTURES), default=_DEFAULTS["arch"],
              show_default=True, help="Skip-gram or CBOW (context mean).")
@click.option("--dim", type=int, default=_DEFAULTS["dim"], show_default=True,
              help="Vector dimensions.")
@click.option("--window", type=int, default=_DEFAULTS["window"], show_default=True,
              help="Largest context words on each side (shrunk at random per word).")
@click.option("--negative", type=int, default=_DEFAULTS["negative"], show_default=True,
              help="Negative samples per target; 0 with --hs: hierarchical softmax alone.")
@click.option("--hs", is_flag=True,
              help="Hierarchical softmax (a Huffman tree of the counts), alone with "
                   "--negative 0 or alongside negative sampling.")
@click.option("--sample", type=float, default=_DEFAULTS["sample"], show_default=True,
              help="Subsampling threshold for frequent words; 0 turns it off.")
@click.option("--min-count", type=int, default=_DEFAULTS["min_count"], show_default=True,
              help="Drop words seen fewer times.")
@click.option("--max-vocab", type=int, default=None, metavar="N",
              help="Keep only the N most frequent words.")
@click.option("--max-final-vocab", type=int, default=None, metavar="N",
              help="Raise --min-count just enough to keep at most N words (gensim's rule).")
@click.option("--read-vocab", metavar="FILE", default=None,
              help="Take the words and counts from a 'word count' file (the C tool's "
                   "-save-vocab) instead of counting the corpus.")
@click.option("--save-vocab", metavar="FILE", default=None,
              help="Also write the vocabulary as 'word count' lines (the C tool's format).")
@click.option("--init", metavar="MODEL", default=None,
              help="Continue training a .w2v model written by w2v train (its vectors, "
                   "output weights and counts; its dimensions).")
@click.option("--update-vocab", is_flag=True,
              help="With --init: add the corpus's new words that reach --min-count.")
@click.option("--epochs", type=int, default=_DEFAULTS["epochs"], show_default=True,
              help="Passes over the corpus.")
@click.option("--alpha", type=float, default=None,
              help=f"Initial learning rate, decaying linearly to alpha x 1e-4 [default: "
                   f"{DEFAULT_ALPHA['skipgram']} skipgram, {DEFAULT_ALPHA['cbow']} cbow]")
@click.option("--threads", type=int, default=None,
              help="Worker threads [default: every core].")
@click.option("--seed", type=int, default=_DEFAULTS["seed"], show_default=True,
              help="Random seed; with --threads 1 a run is exactly reproducible.")
@click.option("--lowercase", is_flag=True, help="Lowercase words before counting.")
@click.option("--exact-negatives", is_flag=True,
              help="Skip-gram: fresh negatives for every (centre, context) pair, as "
                   "word2vec.c does, instead of one set per centre word (slower).")
@click.option("--cbow-sum", is_flag=True,
              help="CBOW: sum the context vectors instead of averaging them.")
@click.option("--ns-exponent", type=float, default=_DEFAULTS["ns_exponent"],
              show_default=True,
              help="Draw negatives by count ** this (1: by frequency, 0: uniformly).")
@click.option("--shrink-window/--no-shrink-window", default=True, show_default=True,
              help="Draw each centre's window from 1..window words a side, or always use "
                   "the full window.")
@click.option("--min-alpha", type=float, default=None,
              help="Final learning rate of the linear decay [default: alpha x 1e-4].")
@click.option("--eval-every-epoch", is_flag=True,
              help="After each epoch, print the analogy accuracy on --eval-file.")
@click.option("--eval-file", metavar="FILE", default=None,
              help="Analogy questions for --eval-every-epoch [default: questions-words "
                   "from the data folder, see w2v data].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@_friendly_errors
def train_command(corpus: str, output: str | None, quiet: bool, eval_every_epoch: bool,
                  eval_file: str | None, read_vocab: str | None, save_vocab: str | None,
                  init: str | None, update_vocab: bool, **options) -> None:
    """Learn word vectors from CORPUS: a UTF-8 text file (.gz, .bz2, .xz read too) with
    one sentence per line, or - for standard input.

    \b
    w2v train corpus.txt -o vectors.bin
    w2v train corpus.txt.gz --arch cbow --dim 200 --epochs 10
    """
    from .training import train
    from .vocab import read_vocab_file, write_vocab_file

    initial = None
    if update_vocab and not init:
        raise click.UsageError("--update-vocab needs --init MODEL")
    if init:
        if read_vocab:
            raise click.UsageError("--init and --read-vocab cannot be combined: the model "
                                   "brings its vocabulary")
        initial = KeyedVectors.load(init)
        ctx = click.get_current_context()
        if ctx.get_parameter_source("dim") is click.core.ParameterSource.DEFAULT:
            options["dim"] = initial.dim
    config = TrainConfig(**options)
    output = output or default_model()
    formats.check_writable(output)
    if save_vocab:
        _check_output_folder(save_vocab)
    vocabulary = read_vocab_file(read_vocab) if read_vocab else None

    on_epoch = None
    if eval_every_epoch or eval_file:
        questions = eval_file or _standard_file("questions-words")
        if not os.path.isfile(questions):  # fail before training, not after an epoch
            raise W2VError(f"cannot read {questions}: no such file")

        def on_epoch(epoch: int, vectors: KeyedVectors) -> None:
            result = evaluate.analogies(vectors, questions)
            bar.write(f"epoch {epoch}/{config.epochs}: analogy {result.accuracy:.2%} "
                      f"(semantic {result.semantic.accuracy:.2%}, syntactic "
                      f"{result.syntactic.accuracy:.2%}; {result.answered:,} of "
                      f"{result.questions:,} questions answered)")

    bar = _ProgressBar(quiet)
    started = time.perf_counter()
    try:
        kv = train(corpus, config, on_progress=bar.update, on_epoch=on_epoch,
                   vocabulary=vocabulary, init=initial, update_vocab=update_vocab)
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    kv.save(output)
    if save_vocab:
        write_vocab_file(save_vocab, _vocabulary_of(kv), kv.metadata["corpus"]["sentences"])
    if not quiet:
        words = bar.last.words_total if bar.last else 0
        click.echo(f"wrote {output}: {len(kv):,} words x {kv.dim} dimensions; trained on "
                   f"{words:,} words in {seconds:.1f} s ({words / seconds:,.0f} words/s)",
                   err=True)


def _check_output_folder(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or os.path.isdir(path):
        raise W2VError(f"cannot write {path}: " + ("it is a folder" if os.path.isdir(path)
                                                   else f"folder {folder} does not exist"))


def _vocabulary_of(kv: KeyedVectors):
    from .vocab import Vocabulary

    return Vocabulary(kv.words, kv.counts)


@cli.command("vocab")
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Where to write the 'word count' lines [default: standard output].")
@click.option("--min-count", type=int, default=_DEFAULTS["min_count"], show_default=True,
              help="Drop words seen fewer times.")
@click.option("--max-vocab", type=int, default=None, metavar="N",
              help="Keep only the N most frequent words.")
@click.option("--max-final-vocab", type=int, default=None, metavar="N",
              help="Raise --min-count just enough to keep at most N words.")
@click.option("--lowercase", is_flag=True, help="Lowercase words before counting.")
@_friendly_errors
def vocab_command(corpus: str, output: str | None, **options) -> None:
    """Count the words of CORPUS (the same pass as training's) and write them as 'word
    count' lines, most frequent first, after '</s> <lines>' as the word2vec C tool's
    -save-vocab does; its -read-vocab and w2v train --read-vocab read the file."""
    from .vocab import build, write_vocab_file

    config = TrainConfig(**options)  # checks the values
    vocabulary, encoded = build(corpus, config.min_count, config.max_vocab, config.lowercase,
                                config.max_final_vocab)
    sentences = len(encoded.sentence_starts) - 1
    if output:
        _check_output_folder(output)
        write_vocab_file(output, vocabulary, sentences)
        click.echo(f"wrote {output}: {len(vocabulary):,} words", err=True)
        return
    click.echo(f"</s> {sentences}")
    for word, count in zip(vocabulary.words, vocabulary.counts.tolist()):
        click.echo(f"{word} {count}")


class _ProgressBar:
    """tqdm on stderr: words/s, the current learning rate and the time left."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: tqdm | None = None
        self.last: Progress | None = None

    def update(self, progress: Progress) -> None:
        if self.bar is None and not self.quiet:
            from tqdm import tqdm

            click.echo(f"vocabulary: {progress.vocab_size:,} words; corpus: "
                       f"{progress.corpus_words:,} words a pass", err=True)
            self.bar = tqdm(total=progress.words_total, unit="word", unit_scale=True,
                            dynamic_ncols=True, mininterval=0.5, desc="training")
        if self.bar is not None:
            self.bar.set_postfix_str(f"lr={progress.alpha:.2e}", refresh=False)
            self.bar.update(progress.words_done - self.bar.n)
        self.last = progress

    def write(self, line: str) -> None:
        """A line on stderr above the bar (printed even with --quiet: it was asked for)."""
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@cli.command("similar")
@click.argument("words", metavar="[WORD]...", nargs=-1)
@_query_options
@_friendly_errors
def similar_command(words: tuple[str, ...], model: str | None, topn: int, as_json: bool,
                    limit: int | None) -> None:
    """List the words nearest to each WORD by cosine similarity. With no WORD, read
    one query word per line from standard input.

    \b
    w2v similar king
    w2v similar king queen -m vectors.w2v -n 20 --json
    printf 'king\\nparis\\n' | w2v similar --json
    """
    kv = KeyedVectors.load(model or default_model(), limit=limit)
    queries = [(w,) for w in words] if words else _stdin_queries(1)
    _answer(queries, lambda q: kv.most_similar(q, topn=topn), as_json, batch=not words
            or len(words) > 1)


@cli.command("analogy")
@click.argument("words", metavar="[A B C]", nargs=-1)
@_query_options
@_friendly_errors
def analogy_command(words: tuple[str, ...], model: str | None, topn: int, as_json: bool,
                    limit: int | None) -> None:
    """B is to A as C is to ?: the words nearest to A - B + C. With no words, read one
    'A B C' query per line from standard input.

    \b
    w2v analogy king man woman     # queen
    w2v analogy paris france italy --json
    printf 'king man woman\\nparis france italy\\n' | w2v analogy
    """
    if words and len(words) != 3:
        raise click.UsageError(f"analogy takes three words, A B C (got {len(words)})")
    kv = KeyedVectors.load(model or default_model(), limit=limit)
    queries = [words] if words else _stdin_queries(3)
    _answer(queries, lambda q: kv.analogy(*q, topn=topn), as_json, batch=not words)


def _stdin_queries(size: int) -> list[tuple[str, ...]]:
    """Queries of ``size`` words, one per non-blank line of standard input."""
    queries = []
    for number, line in enumerate(sys.stdin, 1):
        words = tuple(line.split())
        if not words:
            continue
        if len(words) != size:
            raise click.UsageError(f"standard input, line {number}: expected {size} "
                                   f"word{'s' if size > 1 else ''}, got {len(words)}")
        queries.append(words)
    return queries


def _answer(queries, ask, as_json: bool, batch: bool) -> None:
    """Print the ranked answer to each query. One query: a plain list, and an unknown
    word is the command's error. Several (batch): a block or JSON line per query, an
    unknown word reported for its query only, and exit status 1 if any failed."""
    failed = 0
    for query in queries:
        label = " ".join(query)
        try:
            ranked = ask(query)
        except UnknownWordError as exc:
            if not batch:
                raise
            failed += 1
            if as_json:
                click.echo(json.dumps({"query": label, "error": str(exc)}))
            else:
                click.echo(f"{_printable(label)}: {exc}", err=True)
            continue
        results = [{"word": w, "score": round(s, 6)} for w, s in ranked]
        if as_json:
            click.echo(json.dumps({"query": label, "results": results} if batch else results))
            continue
        if batch:
            click.echo(f"{_printable(label)}")
        width = max((len(_printable(w)) for w, _ in ranked), default=0)
        for word, score in ranked:
            click.echo(f"{'  ' if batch else ''}{_printable(word):<{width}}  {score:.4f}")
    if failed:
        raise click.ClickException(f"{failed} of {len(queries)} queries had a word not in "
                                   "the vocabulary")


def _printable(word: str) -> str:
    """A word for the terminal: bytes that were not UTF-8 shown as \\xNN."""
    return word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@cli.command("phrases")
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", metavar="FILE", required=True,
              help="Where to write the text with its phrases joined by '_'.")
@click.option("--min-count", type=int, default=5, show_default=True,
              help="Words and bigrams seen fewer times never join.")
@click.option("--threshold", type=float, default=100.0, show_default=True,
              help="Join a pair a b when (count(a b) - min-count) / count(a) / count(b) "
                   "x tokens is above this.")
@click.option("--passes", type=int, default=2, show_default=True,
              help="Passes over the text: the second joins phrases into longer ones.")
@click.option("-q", "--quiet", is_flag=True, help="No summary.")
@_friendly_errors
def phrases_command(corpus: str, output: str, min_count: int, threshold: float, passes: int,
                    quiet: bool) -> None:
    """Join frequent collocations of CORPUS into single tokens (new_york,
    new_york_times) with word2phrase's score, and write the text to FILE, line for line.

    \b
    w2v phrases corpus.txt -o phrased.txt
    w2v train phrased.txt -o vectors.w2v
    w2v analogy new_york_times new_york boston -m vectors.w2v   # boston_globe?
    """
    from .phrases import phrases

    _check_output_folder(output)
    stats = phrases(corpus, output, min_count=min_count, threshold=threshold, passes=passes)
    if quiet:
        return
    for number, done in enumerate(stats.passes, 1):
        top = ", ".join(p for p, _ in done.top[:8])
        click.echo(f"pass {number}: {done.joins:,} pairs joined, {done.phrases:,} distinct "
                   f"phrases{': ' + top if top else ''}", err=True)
    click.echo(f"wrote {output}: {stats.tokens_out:,} tokens (from {stats.tokens_in:,})",
               err=True)


@cli.command("classes")
@click.argument("model", metavar="MODEL", required=False)
@click.option("-k", "--classes", "k", type=click.IntRange(min=1), default=500,
              show_default=True, help="How many classes.")
@click.option("--iterations", type=click.IntRange(min=1), default=10, show_default=True,
              help="Most k-means iterations (it stops early once no word moves).")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Where to write 'word class' lines [default: standard output].")
@_limit_option
@_friendly_errors
def classes_command(model: str | None, k: int, iterations: int, output: str | None,
                    limit: int | None) -> None:
    """Group the words into K classes by k-means on their unit vectors, and write
    'word class' lines in vocabulary order, as the word2vec C tool's -classes does
    (sort -k2 -n groups them)."""
    from .classes import kmeans

    kv = KeyedVectors.load(model or default_model(), limit=limit)
    if output:
        _check_output_folder(output)
    labels, rounds = kmeans(kv, k, iterations)
    lines = "".join(f"{w} {c}\n" for w, c in zip(kv.words, labels.tolist()))
    if output:
        with formats.atomic_write(output) as out:
            out.write(lines.encode("utf-8", "surrogateescape"))
        click.echo(f"wrote {output}: {len(kv):,} words in {k:,} classes after {rounds} "
                   f"iterations", err=True)
    else:
        click.echo(_printable(lines), nl=False)


@cli.command("info")
@click.argument("model", metavar="MODEL", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the description as JSON.")
@_friendly_errors
def info_command(model: str | None, as_json: bool) -> None:
    """Describe a vector file from its header: format, vocabulary size, dimensions, and
    for native .w2v files the training settings and corpus statistics."""
    facts = formats.describe(model or default_model())
    if as_json:
        click.echo(json.dumps(facts, indent=1))
        return
    kind = {"w2v": "w2v native", "bin": "word2vec binary", "txt": "word2vec text"}
    rows = [("file", f"{facts['file']} ({facts['bytes'] / 1e6:,.1f} MB)"),
            ("format", kind[facts["format"]] + (f", written by w2v {facts['w2v_version']}"
                                                 if facts["w2v_version"] else "")),
            ("words", f"{facts['words']:,}"), ("dimensions", f"{facts['dim']:,}"),
            ("counts", "stored" if facts["counts"] else "not stored"),
            ("output weights", "stored (training can continue)" if facts["output_weights"]
             else "not stored")]
    meta = facts["metadata"]
    config, corpus = meta.get("config"), meta.get("corpus")
    if isinstance(config, dict):
        rows.append(("training", ", ".join(f"{k.replace('_', '-')} {v}"
                                           for k, v in config.items())))
    if isinstance(corpus, dict):
        def number(key: str) -> str:
            value = corpus.get(key)
            return f"{value:,}" if isinstance(value, int) else "?"

        rows.append(("corpus", f"{corpus.get('source')}: {number('tokens')} tokens, "
                               f"{number('words')} of them in the vocabulary, "
                               f"{number('sentences')} sentences"))
    if "trained" in meta:
        rows.append(("trained", str(meta["trained"])))
    for key, value in rows:
        click.echo(f"{key:<15} {value}")


@cli.command("convert")
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@click.option("--format", "format_", type=click.Choice(formats.FORMATS), default=None,
              help="OUT's format [default: from its suffix].")
@click.option("--from", "source_format", type=click.Choice(formats.FORMATS), default=None,
              help="IN's format [default: native files by content, others by suffix].")
@_limit_option
@_friendly_errors
def convert_command(source: str, target: str, format_: str | None, source_format: str | None,
                    limit: int | None) -> None:
    """Convert vectors between formats: .w2v (native), .bin (word2vec binary), .txt,
    .vec and .txt.gz (word2vec text). Counts, metadata and output weights carry over
    between .w2v files; word2vec files hold words and vectors only.

    \b
    w2v convert GoogleNews-vectors-negative300.bin news.w2v
    w2v convert vectors.w2v vectors.txt.gz --limit 50000
    """
    formats.check_writable(target, format_)
    kv = KeyedVectors.load(source, format=source_format, limit=limit)
    kv.save(target, format=format_)
    click.echo(f"wrote {target}: {len(kv):,} words x {kv.dim} dimensions", err=True)


@cli.command("export")
@click.argument("model", metavar="MODEL")
@click.option("--format", "format_", type=click.Choice(["npy", "tsv"]), required=True,
              help="npy: vectors.npy and vocab.txt; tsv: vectors.tsv and metadata.tsv.")
@click.option("-o", "--output", "folder", metavar="DIR", default=".", show_default=True,
              help="The folder to write the two files to.")
@_limit_option
@_friendly_errors
def export_command(model: str, format_: str, folder: str, limit: int | None) -> None:
    """Export vectors for other tools.

    \b
    npy: vectors.npy (float32, words x dim) and vocab.txt (a word per line, same
         order), for torch.nn.Embedding.from_pretrained or a Keras Embedding layer
    tsv: vectors.tsv and metadata.tsv, for projector.tensorflow.org ("Load")
    """
    if not os.path.isdir(folder):
        raise W2VError(f"cannot write to {folder}: no such folder")
    kv = KeyedVectors.load(model, limit=limit)
    names = ("vectors.npy", "vocab.txt") if format_ == "npy" else ("vectors.tsv",
                                                                     "metadata.tsv")
    matrix, words = (os.path.join(folder, n) for n in names)
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    with formats.atomic_write(matrix) as out:
        if format_ == "npy":
            np.lib.format.write_array(out, vectors, allow_pickle=False)
        else:
            for row in vectors:
                out.write(("\t".join(f"{x:.6g}" for x in row.tolist()) + "\n").encode())
    with formats.atomic_write(words) as out:
        out.write("".join(w + "\n" for w in kv.words).encode("utf-8", "surrogateescape"))
    click.echo(f"wrote {matrix} and {words}: {len(kv):,} words x {kv.dim} dimensions",
               err=True)


STANDARD_ANALOGIES = ("questions-words",)
STANDARD_SIMILARITY = ("wordsim353", "simlex999")


def _standard_file(name: str) -> str:
    path = data.find(name)
    if path is None:
        raise W2VError(f"{name} is not in the data folder or a mirror; run "
                       f"'w2v data get {name}', or name a file")
    return path


@cli.command("eval")
@_model_option
@click.option("--analogies", "analogy_files", metavar="FILE", multiple=True,
              help="Analogy questions ('a b c d' lines, ': section' headers); repeatable.")
@click.option("--similarity", "similarity_files", metavar="FILE", multiple=True,
              help="Word pairs with human scores ('word<TAB>word<TAB>score'); repeatable.")
@click.option("--restrict", type=click.IntRange(min=1), default=30000, show_default=True,
              help="Search analogy answers among the N most frequent words only.")
@click.option("--method", type=click.Choice(evaluate.METHODS), default="add",
              show_default=True, help="Analogy scoring: 3CosAdd or 3CosMul.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@_friendly_errors
def eval_command(model: str | None, analogy_files: tuple[str, ...],
                 similarity_files: tuple[str, ...], restrict: int, method: str,
                 as_json: bool) -> None:
    """Score vectors on analogy and word-similarity benchmarks.

    With no --analogies or --similarity file, runs the standard set from the data
    folder: questions-words, WordSim353 and SimLex-999 (see w2v data). Analogy
    accuracy counts the questions answered; questions with a word outside the
    searched vocabulary are skipped, reported, and also counted as wrong in
    "counting skipped". Results equal gensim 4.4's evaluators.

    \b
    w2v eval -m vectors.bin
    w2v eval -m vectors.bin --analogies my-questions.txt --method mul --json
    """
    if not analogy_files and not similarity_files:
        analogy_files = tuple(_standard_file(n) for n in STANDARD_ANALOGIES)
        similarity_files = tuple(_standard_file(n) for n in STANDARD_SIMILARITY)
    model = model or default_model()
    kv = KeyedVectors.load(model)
    analogy_results = [evaluate.analogies(kv, f, restrict, method) for f in analogy_files]
    pair_results = [evaluate.word_pairs(kv, f) for f in similarity_files]
    if as_json:
        click.echo(json.dumps({"model": model, "restrict": restrict, "method": method,
                               "analogies": [r.to_dict() for r in analogy_results],
                               "similarity": [r.to_dict() for r in pair_results]}, indent=1))
        return
    click.echo(f"{model}: {len(kv):,} words x {kv.dim} dimensions")
    for result in analogy_results:
        _print_analogies(result)
    if pair_results:
        click.echo("\nword similarity (cosine against human scores)")
        click.echo(f"  {'file':<24} {'Spearman':>9} {'Pearson':>9} {'pairs':>7} {'skipped':>8}")
        for r in pair_results:
            click.echo(f"  {os.path.basename(r.path):<24} {r.spearman:>9.4f} {r.pearson:>9.4f} "
                       f"{r.pairs:>7,} {r.skipped:>8,}{_malformed_note(r.malformed_lines)}")
        click.echo("  skipped: pairs with a word missing from the vocabulary (not scored)")


def _print_analogies(r: evaluate.AnalogyResult) -> None:
    name = {"add": "3CosAdd", "mul": "3CosMul"}[r.method]
    click.echo(f"\n{os.path.basename(r.path)} ({name}, answers among the {r.restrict:,} most "
               f"frequent words)")
    click.echo(f"  {'section':<28} {'correct':>8} {'answered':>9} {'skipped':>8} {'accuracy':>9}")
    rows = [*r.sections, None, r.semantic, r.syntactic, r.overall]
    for s in rows:
        if s is None:
            click.echo("  " + "-" * 66)
            continue
        click.echo(f"  {s.name:<28} {s.correct:>8,} {s.answered:>9,} {s.skipped:>8,} "
                   f"{s.accuracy:>9.2%}")
    click.echo(f"  accuracy {r.accuracy:.2%} of the {r.answered:,} questions answered; "
               f"{r.accuracy_all:.2%} of all {r.questions:,}")
    click.echo(f"  skipped: {r.skipped:,} questions with a word outside the searched words, "
               f"left out of accuracy{_malformed_note(r.malformed_lines)}")


def _malformed_note(lines: list[int]) -> str:
    if not lines:
        return ""
    shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
    return f"; {len(lines):,} malformed lines skipped (line {shown})"


@cli.group("data")
def data_group() -> None:
    """Standard corpora and benchmark files, verified by sha256.

    Files are looked for first in a local mirror ($W2V_DATA, and the shared folder
    beside a source checkout), then in the data folder ($W2V_DATA, else ~/.w2v-data).
    Only 'w2v data get' ever downloads, from each dataset's canonical address.
    """


@data_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
@_friendly_errors
def data_list_command(as_json: bool) -> None:
    """List the known datasets and where each is found locally."""
    rows = [(d, data.find(d.name)) for d in data.catalog().values()]
    if as_json:
        click.echo(json.dumps([{**dataclasses.asdict(d), "local": path} for d, path in rows],
                              indent=1))
        return
    width = max(len(d.name) for d, _ in rows)
    for d, path in rows:
        if path and os.path.basename(path) != d.file:
            path = f"{path} (stand-in)"
        click.echo(f"{d.name:<{width}}  {d.kind:<6} {d.file_bytes / 1e6:>8.1f} MB  "
                   f"{path or 'not here: w2v data get ' + d.name}")
        click.echo(f"{'':<{width}}  {d.description}")


@data_group.command("get")
@click.argument("names", metavar="NAME...", nargs=-1, required=True)
@click.option("--dir", "folder", metavar="DIR", default=None,
              help="Where to download [default: $W2V_DATA, else ~/.w2v-data].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@_friendly_errors
def data_get_command(names: tuple[str, ...], folder: str | None, quiet: bool) -> None:
    """Print the path of a verified local copy of each dataset NAME, downloading it
    (checked against its sha256) only when no mirror has it.

    \b
    w2v data get questions-words wordsim353 simlex999
    w2v data get text8 --dir corpora
    """
    for name in names:
        data.dataset(name)  # an unknown name fails before any download
    for name in names:
        bar = None

        def show(done: int, total: int | None, name=name) -> None:
            nonlocal bar
            if bar is None and not quiet:
                from tqdm import tqdm

                bar = tqdm(total=total, unit="B", unit_scale=True, desc=name,
                           dynamic_ncols=True, mininterval=0.5)
            if bar is not None:
                bar.update(done - bar.n)

        try:
            path = data.get(name, folder, on_bytes=show)
        finally:
            if bar is not None:
                bar.close()
        if os.path.basename(path) != data.dataset(name).file and not quiet:
            click.echo(f"{name}: the mirror holds its stand-in {os.path.basename(path)}",
                       err=True)
        click.echo(path)


def main() -> None:
    # On its first call Numba imports scipy.linalg, when SciPy is installed, to look
    # for BLAS; w2v's kernels use none. The command never needs SciPy, so it skips
    # that import: 0.3 s and about 13 MB less for every run (the library leaves it be).
    sys.modules.setdefault("scipy", None)
    cli(prog_name="w2v")
