"""What the ``w2v`` commands share: the click group, the options several commands take,
the default model path, turning library errors into one-line messages, and ``main``."""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import signal
import sys

import click

from ..config import (
    ARCHITECTURES,
    DEFAULT_ALPHA,
    GLOVE_EPOCHS,
    GLOVE_WINDOW,
    SUBWORD_ALPHA,
    TOKENIZERS,
    TrainConfig,
)
from ..errors import ConfigError, W2VError
from ..tools import data
from ..version import __version__

DEFAULT_MODEL = "vectors.bin"
DEFAULTS = {f.name: f.default for f in dataclasses.fields(TrainConfig)}


def default_model() -> str:
    """Where ``train`` writes and ``similar``/``analogy`` read without -o/-m."""
    return os.environ.get("W2V_MODEL") or DEFAULT_MODEL


def friendly_errors(command):
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


def model_option(command):
    return click.option("-m", "--model", metavar="PATH", default=None,
                        help=f"Vector file (.w2v, .bin, .txt, .vec, .txt.gz) [default: "
                             f"$W2V_MODEL or {DEFAULT_MODEL}]")(command)


def limit_option(command):
    return click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
                        help="Read only the N first (most frequent) words.")(command)


def vocabulary_options(command):
    """--min-count, --max-vocab, --max-final-vocab and --lowercase (train and vocab)."""
    for option in reversed([
            click.option("--min-count", type=int, default=DEFAULTS["min_count"],
                         show_default=True, help="Drop words seen fewer times."),
            click.option("--max-vocab", type=int, default=None, metavar="N",
                         help="Keep only the N most frequent words."),
            click.option("--max-final-vocab", type=int, default=None, metavar="N",
                         help="Raise --min-count just enough to keep at most N words "
                              "(gensim's rule)."),
            click.option("--lowercase", is_flag=True, help="Lowercase words before counting."),
            click.option("--tokenizer", type=click.Choice(TOKENIZERS), default="whitespace",
                         show_default=True,
                         help="whitespace: words are what whitespace separates; simple: "
                              "Unicode letters and digits, everything else separates, "
                              "HTML line breaks dropped, lowercased (for raw reviews and "
                              "articles).")]):
        command = option(command)
    return command


def engine_options(defaults: dict = DEFAULTS, subwords: bool = False,
                   alpha_default: str | None = None, glove: bool = False):
    """The options of the training engine that ``train`` and ``graph`` share, with
    ``defaults`` shown; ``subwords``: their help says what --subwords changes;
    ``alpha_default``: the learning rate's default, when not the architecture's;
    ``glove``: --arch glove is offered, and the help says which defaults it changes."""

    def also(text: str) -> str:
        return text if subwords else ""

    def with_glove(value: int, name: str) -> str:
        return f" [default: {defaults[name]}" + (f"; {value} with --arch glove]" if glove
                                                  else "]")

    def default(name: str, text: str) -> str:
        value = defaults.get(name)
        return f" [default: {value if value is not None else text}]"

    options = [
        click.option("--arch", type=click.Choice(ARCHITECTURES + (("glove",) if glove else ())),
                     default=defaults["arch"], show_default=True,
                     help="Skip-gram or CBOW (context mean)" + (
                         "; glove: GloVe, co-occurrence counts then AdaGrad (Stanford's "
                         "tool's model; see --x-max)." if glove else ".")),
        click.option("--dim", type=int, default=defaults["dim"], show_default=True,
                     help="Vector dimensions."),
        click.option("--window", type=int, default=defaults["window"],
                     help="Largest context words on each side (shrunk at random per word"
                          + ("; glove: every pair weighted 1 / distance" if glove else "")
                          + ")." + with_glove(GLOVE_WINDOW, "window")),
        click.option("--negative", type=int, default=defaults["negative"], show_default=True,
                     help="Negative samples per target; 0 with --hs: hierarchical softmax "
                          "alone."),
        click.option("--hs", is_flag=True,
                     help="Hierarchical softmax (a Huffman tree of the counts), alone with "
                          "--negative 0 or alongside negative sampling."),
        click.option("--sample", type=float, default=defaults["sample"],
                     help="Subsampling threshold for frequent words; 0 turns it off"
                          + default("sample", "1e-3" + also("; 1e-4 with --subwords, "
                                                             "fastText's")) + "."),
        click.option("--epochs", type=int, default=defaults["epochs"],
                     help="Passes over the corpus" + (" (glove: over its co-occurrence "
                                                      "counts)" if glove else "") + "."
                          + with_glove(GLOVE_EPOCHS, "epochs")),
        click.option("--alpha", type=float, default=None,
                     help="Initial learning rate, decaying linearly to alpha x 1e-4 "
                          "[default: " + (alpha_default or (
                              f"{DEFAULT_ALPHA['skipgram']} skipgram, "
                              f"{DEFAULT_ALPHA['cbow']} cbow"
                              + also(f"; with --subwords {SUBWORD_ALPHA['skipgram']} and "
                                     f"{SUBWORD_ALPHA['cbow']}"))) + "]"),
        click.option("--threads", type=int, default=None,
                     help="Worker threads [default: every core]."),
        click.option("--seed", type=int, default=defaults["seed"], show_default=True,
                     help="Random seed; with --threads 1 a run is exactly reproducible."),
        click.option("--exact-negatives", is_flag=True,
                     help="Skip-gram: fresh negatives for every (centre, context) pair, as "
                          "word2vec.c does, instead of one set per centre word (slower)"
                          + also("; with --subwords, fastText's order of updates, for "
                                 "skip-gram and CBOW") + "."),
        click.option("--cbow-sum", is_flag=True,
                     help="CBOW: sum the context vectors instead of averaging them."),
        click.option("--ns-exponent", type=float, default=None,
                     help="Draw negatives by count ** this (1: by frequency, 0: uniformly) "
                          "[default: 0.75" + also("; 0.5 with --subwords, fastText's")
                          + "]."),
        click.option("--shrink-window/--no-shrink-window", default=True, show_default=True,
                     help="Draw each centre's window from 1..window words a side, or always "
                          "use the full window."),
        click.option("--min-alpha", type=float, default=None,
                     help="Final learning rate of the linear decay [default: alpha x "
                          "1e-4]."),
    ]

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def query_options(command):
    command = click.option("--metric", type=click.Choice(["cosine", "euclidean"]),
                           default="cosine", show_default=True,
                           help="cosine: similarity of the unit vectors, highest first; "
                                "euclidean: distance between the raw vectors (not "
                                "normalised), smallest first.")(command)
    command = click.option("--json", "as_json", is_flag=True,
                           help='Print JSON: a list of {"word", "score"}; with several '
                                'queries, one {"query", "results"} object per line.')(command)
    command = click.option("-n", "--topn", type=click.IntRange(min=1), default=10,
                           show_default=True, help="How many words to list.")(command)
    return limit_option(model_option(command))




def printable(word: str) -> str:
    """A word for the terminal: bytes that were not UTF-8 shown as \\xNN."""
    return word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")



def standard_file(name: str) -> str:
    path = data.find(name)
    if path is None:
        raise W2VError(f"{name} is not in the data folder or a mirror; run "
                       f"'w2v data get {name}', or name a file")
    return path



def allow_scipy() -> None:
    """Undo ``main``'s block on importing SciPy, for a command that uses scikit-learn
    (which needs SciPy): t-SNE maps and node evaluation."""
    if "scipy" in sys.modules and sys.modules["scipy"] is None:
        del sys.modules["scipy"]


class Stopped(BaseException):
    """Raised in the main thread by SIGINT (Ctrl-C) or SIGTERM, so that every ``finally``
    runs on the way out: worker threads are stopped and temporary files removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame) -> None:
    # Later signals are ignored: they must not cut the first one's clean-up short.
    for caught in (signal.SIGINT, signal.SIGTERM):
        signal.signal(caught, signal.SIG_IGN)
    raise Stopped(signum)


def main() -> None:
    # On its first call Numba imports scipy.linalg, when SciPy is installed, to look
    # for BLAS; w2v's kernels use none. The command never needs SciPy, so it skips
    # that import: 0.3 s and about 13 MB less for every run (the library leaves it be;
    # commands that use scikit-learn lift the block with allow_scipy).
    sys.modules.setdefault("scipy", None)
    for caught in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(caught) is not signal.SIG_IGN:  # a background job ignores ^C
            signal.signal(caught, _stop)
    try:
        cli(prog_name="w2v")
    except Stopped as stop:
        # The shell's convention: 128 + the signal's number (130 for Ctrl-C, 143 for TERM).
        how = "interrupted (SIGINT)" if stop.signum == signal.SIGINT else "terminated (SIGTERM)"
        click.echo(f"Error: {how}", err=True)
        sys.exit(128 + stop.signum)
    finally:
        # On the way out the interpreter runs the cycle collector over every object
        # still alive, Numba's hundreds of thousands included: 0.07 s of a 1.5 s run.
        # Frozen objects are left out of it, and the process ends just the same.
        gc.freeze()
