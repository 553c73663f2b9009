"""`w2v train`, `w2v vocab` and `w2v phrases`: the commands that read a corpus."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from typing import TYPE_CHECKING

import click

from .. import outputs
from ..config import (
    GLOVE_OUTPUTS,
    MAX_TOKEN_BYTES,
    MIN_VOCAB_MEMORY_GB,
    GloveConfig,
    TrainConfig,
)
from ..errors import W2VError
from ..tools import evaluate
from ..vectors import KeyedVectors, formats
from ..version import __version__
from .common import (
    DEFAULT_MODEL,
    DEFAULTS,
    cli,
    default_model,
    engine_options,
    friendly_errors,
    standard_file,
    vocabulary_options,
)

GLOVE_DEFAULTS = {f.name: f.default for f in dataclasses.fields(GloveConfig)}

if TYPE_CHECKING:
    from tqdm import tqdm

    from ..training.word2vec import Progress


@cli.command("train")
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", metavar="PATH", default=None,
              help=f"Where to write the vectors: .w2v native (with counts, settings and "
                   f"output weights), .bin word2vec binary, .txt/.vec/.txt.gz text "
                   f"[default: $W2V_MODEL or {DEFAULT_MODEL}]")
@click.option("--format", "format_", type=click.Choice(formats.FORMATS), default=None,
              help="The output's format [default: from its suffix]; fasttext: fastText's "
                   ".bin model (with --subwords), which fastText and gensim load.")
@engine_options(subwords=True, glove=True)
@vocabulary_options
@click.option("--read-vocab", metavar="FILE", default=None,
              help="Take the words and counts from a 'word count' file (the C tool's "
                   "-save-vocab) instead of counting the corpus.")
@click.option("--save-vocab", metavar="FILE", default=None,
              help="Also write the vocabulary as 'word count' lines (the C tool's format).")
@click.option("--init", metavar="MODEL", default=None,
              help="Continue training a .w2v model written by w2v train, or a fastText "
                   ".bin (its vectors, output weights and counts; its dimensions and "
                   "subword settings).")
@click.option("--update-vocab", is_flag=True,
              help="With --init: add the corpus's new words that reach --min-count.")
@click.option("--subwords", is_flag=True,
              help="fastText's model: a word's input is the mean of its own vector and "
                   "those of its character n-grams; a .w2v output keeps the n-grams, so "
                   "words never seen get vectors too.")
@click.option("--minn", type=int, default=DEFAULTS["minn"], show_default=True,
              help="With --subwords: the shortest n-gram, in characters.")
@click.option("--maxn", type=int, default=DEFAULTS["maxn"], show_default=True,
              help="With --subwords: the longest n-gram; 0: none.")
@click.option("--buckets", type=int, default=DEFAULTS["buckets"], show_default=True,
              help="With --subwords: n-gram hash buckets (fastText's -bucket); only those "
                   "the vocabulary uses take memory.")
@click.option("--x-max", type=float, default=GLOVE_DEFAULTS["x_max"], show_default=True,
              help="With --arch glove: counts from this one up weigh fully (the paper's "
                   "100; Stanford's demo.sh uses 10 on text8).")
@click.option("--glove-alpha", type=float, default=GLOVE_DEFAULTS["alpha"], show_default=True,
              help="With --arch glove: the weighting's exponent below --x-max.")
@click.option("--eta", type=float, default=GLOVE_DEFAULTS["eta"], show_default=True,
              help="With --arch glove: AdaGrad's initial learning rate.")
@click.option("--memory", type=float, default=GLOVE_DEFAULTS["memory"], show_default=True,
              metavar="GB",
              help="With --arch glove: memory for counting co-occurrences (a soft bound); "
                   "beyond it, sorted runs go to a temporary folder and are merged.")
@click.option("--temp-dir", metavar="DIR", default=None,
              help="With --arch glove: where temporary files go [default: $TMPDIR or "
                   "/tmp]; removed at the end, on error and on Ctrl-C.")
@click.option("--glove-output", type=click.Choice(GLOVE_OUTPUTS), default="sum",
              show_default=True,
              help="With --arch glove: sum: word + context vectors (Stanford's -model 2); "
                   "word: the word vectors alone.")
@click.option("--cluster", metavar="ADDRESS", default=None,
              help="Train on a Dask cluster (pip install 'w2v[cluster]'): a scheduler's "
                   "address (tcp://host:8786), or local:N for N worker processes here. "
                   "CORPUS must be a .w2vc file (w2v encode) at a path every worker reads; "
                   "--threads is per worker [default with local:N: cores / N].")
@click.option("--shares", type=int, default=None, metavar="N",
              help="Train in data-parallel rounds of N shares, each from the same weights, "
                   "their changes combined [default with --cluster: one a worker]; without "
                   "--cluster the shares train in turn here (what N workers compute).")
@click.option("--round-words", type=int, default=None,
              help="With --cluster or --shares: corpus words each share trains a round "
                   "[default: 2^21 (2,097,152) with up to two shares, fewer with more, "
                   "as a power of two near 2^21 x (2 / N)^2.5: 2^16 for eight].")
@click.option("--combine", type=click.Choice(["midway", "average", "sum"]),
              default="midway", show_default=True,
              help="With --cluster or --shares, how the shares' changes make the next "
                   "weights: each share trains at r times the learning rate and the "
                   "changes are added over r; sum: r = 1; average: r = N, the mean of the "
                   "shares' weights (Ji et al.'s model averaging); midway: r = (1 + N) / 2.")
@click.option("--resume", is_flag=True,
              help="With --cluster or --shares: continue from OUTPUT.checkpoint, which "
                   "every epoch but the last writes (removed once OUTPUT is written).")
@click.option("--eval-every-epoch", is_flag=True,
              help="After each epoch, print the analogy accuracy on --eval-file.")
@click.option("--eval-file", metavar="FILE", default=None,
              help="Analogy questions for --eval-every-epoch [default: questions-words "
                   "from the data folder, see w2v data].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@friendly_errors
def train_command(corpus: str, output: str | None, format_: str | None, quiet: bool,
                  eval_every_epoch: bool, eval_file: str | None, read_vocab: str | None,
                  save_vocab: str | None, init: str | None, update_vocab: bool,
                  cluster: str | None, shares: int | None, round_words: int | None,
                  combine: str, resume: bool, **options) -> None:
    """Learn word vectors from CORPUS: a UTF-8 text file (.gz, .bz2, .xz read too) with
    one sentence per line, or - for standard input.

    \b
    w2v train corpus.txt -o vectors.bin
    w2v train corpus.txt.gz --arch cbow --dim 200 --epochs 10
    w2v train corpus.txt --arch glove --x-max 10 --epochs 15 -o glove.w2v
    w2v train corpus.w2vc --cluster local:2 -o vectors.w2v
    """
    from ..text.vocab import Vocabulary, read_vocab_file, write_vocab_file
    from ..training.word2vec import train

    glove = {name: options.pop(name) for name in _GLOVE_OPTIONS}
    in_rounds = bool(cluster or shares is not None or resume or _given("round_words")
                     or _given("combine"))
    if in_rounds and (options["arch"] == "glove" or init or read_vocab):
        given = "--arch glove" if options["arch"] == "glove" else (
            "--init" if init else "--read-vocab")
        raise click.UsageError(f"--cluster, --shares, --round-words, --combine and --resume do not "
                               f"combine with {given} yet")
    if options["arch"] == "glove":
        _refuse_word2vec_options(init, eval_every_epoch or eval_file, format_)
        return _train_glove(corpus, output, quiet, read_vocab, save_vocab, options, glove)
    for name in _GLOVE_OPTIONS:
        if _given(name):
            raise click.UsageError(f"--{_GLOVE_OPTIONS[name]} applies to --arch glove only")
    initial = None
    if update_vocab and not init:
        raise click.UsageError("--update-vocab needs --init MODEL")
    if init:
        if read_vocab:
            raise click.UsageError("--init and --read-vocab cannot be combined: the model "
                                   "brings its vocabulary")
        initial = KeyedVectors.load(init)
        carried = {"dim": initial.dim}  # the model's, unless given
        if initial.ngrams is not None:
            grams = initial.ngrams
            carried.update(subwords=True, minn=grams.minn, maxn=grams.maxn,
                           buckets=grams.buckets)
        ctx = click.get_current_context()
        for name, value in carried.items():
            if ctx.get_parameter_source(name) is click.core.ParameterSource.DEFAULT:
                options[name] = value
    config = TrainConfig(**options)
    output = output or default_model()
    formats.check_writable(output, format_)
    if format_ == "fasttext" and not config.subwords:
        raise click.UsageError("--format fasttext writes a subword model: add --subwords")
    if save_vocab:
        outputs.check_output_path(save_vocab)
    vocabulary = read_vocab_file(read_vocab) if read_vocab else None

    def before_training(vocab: Vocabulary) -> None:
        """Fail before the first epoch if a word could not be written."""
        formats.check_words(output, vocab.words, format_)
        if save_vocab:  # 'word count' lines: the word2vec text rule
            formats.check_words(save_vocab, vocab.words, format="txt")

    on_epoch = None
    if eval_every_epoch or eval_file:
        questions = eval_file or standard_file("questions-words")
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
        if in_rounds:
            kv = _train_in_rounds(corpus, config, output, cluster, shares, round_words,
                                  combine, resume, bar, on_epoch, before_training)
        else:
            kv = train(corpus, config, on_progress=bar.update, on_epoch=on_epoch,
                       vocabulary=vocabulary, init=initial, update_vocab=update_vocab,
                       before_training=before_training)
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    kv.save(output, format=format_)
    if in_rounds and os.path.exists(output + CHECKPOINT_SUFFIX):
        os.remove(output + CHECKPOINT_SUFFIX)  # the run it would resume is done
    if save_vocab:
        write_vocab_file(save_vocab, Vocabulary(kv.words, kv.counts),
                         kv.metadata["corpus"]["sentences"])
    if not quiet:
        words = bar.last.words_done - bar.first.words_done if bar.last else 0
        click.echo(f"wrote {output}: {len(kv):,} words x {kv.dim} dimensions; trained on "
                   f"{words:,} words in {seconds:.1f} s ({words / seconds:,.0f} words/s)",
                   err=True)
        _report_long_tokens(kv.metadata["corpus"]["long_tokens_dropped"])


CHECKPOINT_SUFFIX = ".checkpoint"


def _train_in_rounds(corpus: str, config: TrainConfig, output: str, address: str | None,
                     shares: int | None, round_words: int | None, combine: str,
                     resume: bool, bar: _ProgressBar, on_epoch, before_training
                     ) -> KeyedVectors:
    """`w2v train --cluster/--shares`: data-parallel rounds (training.rounds), on a Dask
    cluster or in turn here, with a checkpoint after each epoch."""
    from ..text.encoded import is_encoded
    from ..training.rounds import Rounds, check_config, train_rounds

    check_config(config)
    checkpoint = output + CHECKPOINT_SUFFIX
    plan = Rounds(1 if shares is None else shares, round_words, combine, checkpoint, resume)
    outputs.check_output_path(checkpoint)
    if address is None:
        return train_rounds(corpus, config, plan, on_progress=bar.update, on_epoch=on_epoch,
                            before_training=before_training)
    if not is_encoded(corpus):
        raise W2VError(f"--cluster trains from an encoded corpus that every worker reads: "
                       f"run w2v encode {corpus} -o corpus.w2vc, then train corpus.w2vc")
    from ..training.cluster import Cluster

    with Cluster(address, config.threads) as cluster:
        config = dataclasses.replace(config, threads=cluster.threads)
        if shares is None:  # one a worker
            plan = dataclasses.replace(plan, shares=len(cluster.addresses))
        kv = train_rounds(corpus, config, plan, cluster.executor(corpus, config, plan.job_words),
                          on_progress=bar.update, on_epoch=on_epoch,
                          before_training=before_training)
    info = cluster.info.summary()
    kv.metadata["rounds"]["cluster"] = info
    bar.write(f"cluster {address}: {info['workers']} workers x {config.threads or 'all'} "
              f"threads, {plan.shares} shares; started in {info['start_s']:.1f} s, corpus "
              f"loaded in {info['load_s']:.1f} s and kernels in {info['compile_s']:.1f} s a "
              f"worker; {info['rounds']} rounds, {info['bytes_per_round'] / 1e6:,.1f} MB "
              f"exchanged a round at most", quiet_too=False)
    return kv


# The options only GloVe reads: the parameter's name, and the option's.
_GLOVE_OPTIONS = {"x_max": "x-max", "glove_alpha": "glove-alpha", "eta": "eta",
                  "memory": "memory", "temp_dir": "temp-dir", "glove_output": "glove-output"}
# word2vec's options that GloVe has no use for.
_WORD2VEC_ONLY = ["negative", "hs", "sample", "alpha", "exact_negatives", "cbow_sum",
                  "ns_exponent", "shrink_window", "min_alpha", "subwords", "minn", "maxn",
                  "buckets"]


def _given(name: str) -> bool:
    source = click.get_current_context().get_parameter_source(name)
    return source not in (None, click.core.ParameterSource.DEFAULT)


def _refuse_word2vec_options(init: str | None, evaluate_epochs: bool,
                             format_: str | None) -> None:
    for name in _WORD2VEC_ONLY:
        if _given(name):
            raise click.UsageError(f"--{name.replace('_', '-')} does not apply to --arch glove")
    if init:
        raise click.UsageError("--init does not apply to --arch glove: GloVe trains from "
                               "scratch")
    if evaluate_epochs:
        raise click.UsageError("--eval-every-epoch does not apply to --arch glove")
    if format_ == "fasttext":
        raise click.UsageError("--format fasttext writes a subword model, not GloVe's")


def _train_glove(corpus: str, output: str | None, quiet: bool, read_vocab: str | None,
                 save_vocab: str | None, options: dict, glove: dict) -> None:
    """`w2v train --arch glove`: GloVe's vectors (training.glove)."""
    from ..text.vocab import Vocabulary, read_vocab_file, write_vocab_file
    from ..training.glove import train_glove

    shared = {name: options[name] for name in (
        "dim", "min_count", "max_vocab", "max_final_vocab", "threads", "seed", "lowercase",
        "tokenizer")}
    for name in ("window", "epochs"):  # GloVe's own defaults unless given
        if _given(name):
            shared[name] = options[name]
    config = GloveConfig(**shared, x_max=glove["x_max"], alpha=glove["glove_alpha"],
                         eta=glove["eta"], memory=glove["memory"], temp_dir=glove["temp_dir"],
                         output=glove["glove_output"])
    output = output or default_model()
    formats.check_writable(output, None)
    if save_vocab:
        outputs.check_output_path(save_vocab)
    if config.temp_dir is not None and not os.path.isdir(config.temp_dir):
        raise W2VError(f"--temp-dir {config.temp_dir}: no such folder")
    vocabulary = read_vocab_file(read_vocab) if read_vocab else None

    def before_training(vocab: Vocabulary) -> None:
        formats.check_words(output, vocab.words, None)
        if save_vocab:
            formats.check_words(save_vocab, vocab.words, format="txt")

    bar = _GloveBar(quiet)
    started = time.perf_counter()
    try:
        kv = train_glove(corpus, config, on_progress=bar.update, vocabulary=vocabulary,
                         before_training=before_training)
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    kv.save(output)
    if save_vocab:
        write_vocab_file(save_vocab, Vocabulary(kv.words, kv.counts),
                         kv.metadata["corpus"]["sentences"])
    if not quiet:
        info = kv.metadata["cooccurrences"]
        costs = kv.metadata["training"]["epoch_costs"]
        click.echo(f"wrote {output}: {len(kv):,} words x {kv.dim} dimensions; "
                   f"{info['records']:,} co-occurrences, {config.epochs} epochs, final cost "
                   f"{costs[-1]:.4f}, in {seconds:.1f} s", err=True)
        skipped = kv.metadata["training"]["terms_skipped"]
        if skipped:
            click.echo(f"skipped {skipped:,} updates whose error was not finite", err=True)
        _report_long_tokens(kv.metadata["corpus"]["long_tokens_dropped"])


class _GloveBar:
    """Two tqdm bars on stderr: counting (corpus words), then training (co-occurrence
    records over all epochs, with the epoch and its mean cost so far)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: tqdm | None = None
        self.stage = None

    def update(self, progress) -> None:
        if self.quiet:
            return
        if progress.stage != self.stage:
            from tqdm import tqdm

            self.close()
            if progress.stage == "count":
                click.echo(f"vocabulary: {progress.vocab_size:,} words; corpus: "
                           f"{progress.corpus_words:,} words; counting co-occurrences...",
                           err=True)
            else:
                click.echo(f"{progress.records:,} co-occurrences"
                           + (f" (merged from {progress.spilled_runs:,} runs on disk)"
                              if progress.spilled_runs else "") + "; training...", err=True)
            self.stage = progress.stage
            self.bar = tqdm(total=progress.total, unit="word" if progress.stage == "count"
                            else "rec", unit_scale=True, dynamic_ncols=True, mininterval=0.5,
                            desc="counting" if progress.stage == "count" else "training")
        self.bar.update(progress.done - self.bar.n)
        if progress.stage == "train":
            self.bar.set_postfix_str(f"epoch {progress.epoch}, cost {progress.cost:.4f}",
                                     refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _report_long_tokens(dropped: int) -> None:
    if dropped:
        click.echo(f"left out {dropped:,} token{'s' if dropped > 1 else ''} of over "
                   f"{MAX_TOKEN_BYTES:,} bytes (w2v's longest word)", err=True)



@cli.command("vocab")
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Where to write the 'word count' lines [default: standard output].")
@vocabulary_options
@friendly_errors
def vocab_command(corpus: str, output: str | None, **options) -> None:
    """Count the words of CORPUS (the same pass as training's) and write them as 'word
    count' lines, most frequent first, after '</s> <lines>' as the word2vec C tool's
    -save-vocab does; its -read-vocab and w2v train --read-vocab read the file."""
    from ..text.vocab import build, write_vocab_file

    config = TrainConfig(**options)  # checks the values
    if output:
        outputs.check_output_path(output)
    vocabulary, encoded = build(corpus, config.min_count, config.max_vocab, config.lowercase,
                                config.max_final_vocab, threads=config.workers,
                                tokenizer=config.tokenizer)
    sentences = len(encoded.sentence_starts) - 1
    _report_long_tokens(encoded.long_tokens)
    if output:
        formats.check_words(output, vocabulary.words, format="txt")
        write_vocab_file(output, vocabulary, sentences)
        click.echo(f"wrote {output}: {len(vocabulary):,} words", err=True)
        return
    click.echo(f"</s> {sentences}")
    for word, count in zip(vocabulary.words, vocabulary.counts.tolist()):
        click.echo(f"{word} {count}")


@cli.command("encode")
@click.argument("corpus", nargs=-1, required=True, metavar="CORPUS...")
@click.option("-o", "--output", metavar="FILE", required=True,
              help="The encoded corpus to write (.w2vc by custom).")
@vocabulary_options
@click.option("--vocab-memory", type=float, default=None, metavar="GB",
              help="Count the words within GB gigabytes, in two passes over the files: "
                   "rare words are pruned when the table would pass it, as the word2vec C "
                   "tool does, and the corpus ids are streamed to FILE (memory does not "
                   "grow with the corpus) [default: no limit, one pass, ids in memory].")
@click.option("--threads", type=int, default=None,
              help="Reader threads [default: every core].")
@friendly_errors
def encode_command(corpus: tuple[str, ...], output: str, vocab_memory: float | None,
                   threads: int | None, **options) -> None:
    """Run the vocabulary pass over CORPUS once and write FILE: the words and their
    counts, the corpus as word ids, the settings that shaped them and a checksum of each
    source. w2v train FILE then trains with no tokenising; a larger --min-count there
    drops the rarer words' tokens, as encoding with it would.

    Several files, and quoted globs ('shards/*.txt.gz', its files sorted), are read as
    one corpus in the order given, each file ending a line."""
    from ..text import encoded
    from ..text.corpus import Files
    from ..text.vocab import build

    config = TrainConfig(**options, threads=threads)  # checks the values
    outputs.check_output_path(output)
    paths = _expand(corpus)
    if "-" in paths and (len(paths) > 1 or vocab_memory is not None):
        raise click.UsageError("standard input ('-') can only be read alone, and not with "
                               "--vocab-memory (which reads the corpus twice)")
    if vocab_memory is not None and vocab_memory < MIN_VOCAB_MEMORY_GB:
        raise click.BadParameter(f"must be at least {MIN_VOCAB_MEMORY_GB} (GB; got "
                                 f"{vocab_memory})", param_hint="--vocab-memory")
    if os.path.exists(output) and any(p != "-" and os.path.exists(p)
                                      and os.path.samefile(p, output) for p in paths):
        raise click.UsageError(f"{output} is one of the corpus files")
    source = paths[0] if len(paths) == 1 else Files(paths)
    settings = dataclasses.asdict(config)
    pruned = ""
    if vocab_memory is None:
        vocabulary, corpus_ids = build(source, config.min_count, config.max_vocab,
                                       config.lowercase, config.max_final_vocab,
                                       threads=config.workers, tokenizer=config.tokenizer)
        long_tokens, tokens = corpus_ids.long_tokens, corpus_ids.words
        sentences = len(corpus_ids.sentence_starts) - 1
        sources = [encoded.source_of(path) for path in paths]  # the corpus read, known good
        encoded.write(output, vocabulary, corpus_ids, settings, sources, __version__)
    else:
        sources = [encoded.source_of(path) for path in paths]  # read before two passes
        vocabulary, done = encoded.encode_streamed(output, source, int(vocab_memory * 1e9),
                                                   settings, config.workers, sources,
                                                   __version__)
        long_tokens, tokens, sentences = done.long_tokens, done.tokens, done.sentences
        if done.prunes:
            times = "once" if done.prunes == 1 else f"{done.prunes:,} times"
            pruned = (f"; the vocabulary was pruned {times}, up to count {done.floor:,}: "
                      f"counts may be short by up to {done.shortfall:,}")
    _report_long_tokens(long_tokens)
    click.echo(f"wrote {output}: {len(vocabulary):,} words, {tokens:,} tokens in "
               f"{sentences:,} sentences, from {len(paths):,} "
               f"file{'s' if len(paths) > 1 else ''}{pruned}", err=True)


def _expand(patterns: tuple[str, ...]) -> list[str]:
    """Paths, with each argument that names no file but holds a glob's wildcards
    replaced by the files it matches, sorted."""
    import glob

    paths: list[str] = []
    for pattern in patterns:
        if pattern == "-" or os.path.exists(pattern) or not glob.has_magic(pattern):
            paths.append(pattern)
            continue
        matches = sorted(p for p in glob.glob(pattern) if os.path.isfile(p))
        if not matches:
            raise click.UsageError(f"no file matches {pattern}")
        paths.extend(matches)
    return paths


class _ProgressBar:
    """tqdm on stderr: words/s, the current learning rate and the time left.

    The bar starts when the first job is done, at that job's words: the first job
    also pays for starting the threads and loading (or compiling) the kernels, and a
    rate measured over it read about 12.8k words/s, with hours left, on a run that
    then trained at 3M words/s."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: tqdm | None = None
        self.first: Progress | None = None
        self.last: Progress | None = None

    def update(self, progress: Progress) -> None:
        if self.last is None and not self.quiet:
            click.echo(f"vocabulary: {progress.vocab_size:,} words; corpus: "
                       f"{progress.corpus_words:,} words a pass; training...", err=True)
        elif self.bar is None and not self.quiet:
            from tqdm import tqdm

            self.bar = tqdm(total=progress.words_total, initial=progress.words_done,
                            unit="word", unit_scale=True, dynamic_ncols=True,
                            mininterval=0.5, desc="training")
        elif self.bar is not None:
            self.bar.update(progress.words_done - self.bar.n)
        if self.bar is not None:
            self.bar.set_postfix_str(f"lr={progress.alpha:.2e}", refresh=False)
        self.first = self.first or progress
        self.last = progress

    def write(self, line: str, quiet_too: bool = True) -> None:
        """A line on stderr above the bar (printed even with --quiet, it was asked for,
        unless not ``quiet_too``)."""
        if self.quiet and not quiet_too:
            return
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()



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
@friendly_errors
def phrases_command(corpus: str, output: str, min_count: int, threshold: float, passes: int,
                    quiet: bool) -> None:
    """Join frequent collocations of CORPUS into single tokens (new_york,
    new_york_times) with word2phrase's score, and write the text to FILE, line for line.

    \b
    w2v phrases corpus.txt -o phrased.txt
    w2v train phrased.txt -o vectors.w2v
    w2v analogy new_york_times new_york boston -m vectors.w2v   # boston_globe?
    """
    from ..text.phrases import phrases

    outputs.check_output_path(output)
    stats = phrases(corpus, output, min_count=min_count, threshold=threshold, passes=passes)
    if quiet:
        return
    for number, done in enumerate(stats.passes, 1):
        top = ", ".join(p for p, _ in done.top[:8])
        click.echo(f"pass {number}: {done.joins:,} pairs joined, {done.phrases:,} distinct "
                   f"phrases{': ' + top if top else ''}", err=True)
    click.echo(f"wrote {output}: {stats.tokens_out:,} tokens (from {stats.tokens_in:,})",
               err=True)
