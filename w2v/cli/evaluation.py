"""`w2v eval` and `w2v data`: benchmarks and the datasets behind them."""

from __future__ import annotations

import dataclasses
import json
import os

import click

from ..tools import data, evaluate
from ..vectors import KeyedVectors
from .common import (
    cli,
    default_model,
    friendly_errors,
    model_option,
    standard_file,
)

STANDARD_ANALOGIES = ("questions-words",)
STANDARD_SIMILARITY = ("wordsim353", "simlex999")


@cli.command("eval")
@model_option
@click.option("--analogies", "analogy_files", metavar="FILE", multiple=True,
              help="Analogy questions ('a b c d' lines, ': section' headers); repeatable.")
@click.option("--similarity", "similarity_files", metavar="FILE", multiple=True,
              help="Word pairs with human scores ('word<TAB>word<TAB>score'); repeatable.")
@click.option("--restrict", type=click.IntRange(min=1), default=30000, show_default=True,
              help="Search analogy answers among the N most frequent words only.")
@click.option("--method", type=click.Choice(evaluate.METHODS), default="add",
              show_default=True, help="Analogy scoring: 3CosAdd or 3CosMul.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@friendly_errors
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
        analogy_files = tuple(standard_file(n) for n in STANDARD_ANALOGIES)
        similarity_files = tuple(standard_file(n) for n in STANDARD_SIMILARITY)
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
        for r in pair_results:
            if r.ngram_pairs:
                inside = (f"{r.vocabulary_spearman:.4f}" if r.vocabulary_spearman is not None
                          else "too few to tell")
                click.echo(f"  {os.path.basename(r.path)}: {r.ngram_pairs:,} pairs hold a word "
                           f"answered from its n-grams; Spearman over the other "
                           f"{r.vocabulary_pairs:,}: {inside}")


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
    if r.accuracy_with_ngrams is not None and r.skipped:
        click.echo(f"  subword model: the {r.skipped:,} skipped questions answered from the "
                   f"whole vocabulary and n-grams: {r.overall.ngram_correct:,} right; "
                   f"accuracy over all {r.questions:,} questions {r.accuracy_with_ngrams:.2%} "
                   f"(semantic {r.semantic.accuracy_with_ngrams:.2%}, syntactic "
                   f"{r.syntactic.accuracy_with_ngrams:.2%})")


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
@friendly_errors
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
@friendly_errors
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
