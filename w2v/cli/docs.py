"""`w2v docs train|infer|similar|eval`: document vectors (Doc2Vec)."""

from __future__ import annotations

import json
import sys
import time

import click

from .. import outputs
from ..config import TrainConfig
from ..errors import W2VError
from ..vectors import KeyedVectors, formats
from .common import (
    DEFAULTS,
    allow_scipy,
    cli,
    engine_options,
    friendly_errors,
    printable,
    vocabulary_options,
)
from .queries import check_words_trained
from .training import _ProgressBar, _report_long_tokens

# gensim's Doc2Vec defaults: 100 dimensions, window 5, 5 negatives, min-count 5,
# sample 1e-3, 10 epochs, alpha 0.025 for PV-DBOW and PV-DM alike.
DOC_DEFAULTS = {**DEFAULTS, "epochs": 10, "sample": 1e-3}
DOC_ALPHA = 0.025


def _doc_model(path: str) -> KeyedVectors:
    kv = KeyedVectors.load(path)
    if kv.docs is None:
        raise W2VError(f"{path} holds no document vectors; train one with w2v docs train")
    return kv


@cli.group("docs")
def docs_group() -> None:
    """Document vectors (Doc2Vec: PV-DBOW and PV-DM): train, infer vectors for new
    text, find similar documents, evaluate.

    \b
    w2v docs train reviews.txt -o docs.w2v
    w2v docs similar 17 -m docs.w2v
    w2v docs infer -m docs.w2v "a film I would watch again"
    """


@docs_group.command("train")
@click.argument("corpus", metavar="DOCS")
@click.option("-o", "--output", metavar="PATH", required=True,
              help="Where to write the model: a .w2v file (words, documents, settings).")
@click.option("--mode", type=click.Choice(["dbow", "dm"]), default="dbow", show_default=True,
              help="dbow: the document vector predicts each of its words (PV-DBOW); dm: "
                   "the mean of the context words and the document vector predicts the "
                   "centre word (PV-DM).")
@click.option("--dbow-words", is_flag=True,
              help="PV-DBOW: also train word vectors by skip-gram, in the same pass.")
@click.option("--shuffle/--no-shuffle", default=True, show_default=True,
              help="Train the documents in an order drawn from --seed, not the file's (in "
                   "file order, vectors of sorted files learn the order).")
@click.option("--tagged", is_flag=True,
              help="Lines are 'tag<TAB>text' [default: a document's tag is its line "
                   "number, from 1]. Documents that share a tag share its vector.")
@engine_options(DOC_DEFAULTS, alpha_default=f"{DOC_ALPHA}, gensim's")
@vocabulary_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@friendly_errors
def docs_train_command(corpus: str, output: str, mode: str, dbow_words: bool, shuffle: bool,
                       tagged: bool, quiet: bool, **options) -> None:
    """Learn a vector for every document of DOCS (one a line; .gz, .bz2, .xz and - read
    too), with word vectors beside them (PV-DM, or PV-DBOW with --dbow-words). An empty
    document is an error; documents have no length limit.

    \b
    w2v docs train reviews.txt -o docs.w2v
    w2v docs train reviews.tsv --tagged --tokenizer simple --epochs 20 -o docs.w2v
    w2v docs train reviews.txt --mode dm -o docs.w2v
    """
    from ..training.docs import train_docs

    ctx = click.get_current_context()
    if ctx.get_parameter_source("arch") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--arch is set by --mode (dbow: skip-gram, dm: CBOW)")
    if options["alpha"] is None:
        options["alpha"] = DOC_ALPHA
    config = TrainConfig(**options)
    formats.check_writable(output, "w2v")
    if formats.format_of(output) != "w2v":
        raise click.UsageError("document models are written as .w2v files (w2v export "
                               "writes their vectors for other tools)")

    def noted(vocab, documents) -> None:
        formats.check_words(output, vocab.words, "w2v")
        if not quiet:
            shared = (f"; {documents.shared:,} share a tag with an earlier one"
                      if documents.shared else "")
            click.echo(f"documents: {documents.count:,} read, {len(documents.tags):,} "
                       f"vectors{shared}", err=True)
        if documents.wordless:
            click.echo(f"note: {documents.wordless:,} document vectors have no word of "
                       f"the vocabulary to train on (they keep their random start); "
                       f"a lower --min-count helps", err=True)

    bar = _ProgressBar(quiet)
    started = time.perf_counter()
    try:
        kv = train_docs(corpus, config, mode=mode, dbow_words=dbow_words, tagged=tagged,
                        shuffle=shuffle, on_progress=bar.update, on_documents=noted)
    finally:
        bar.close()
    kv.save(output)
    if not quiet:
        words = bar.last.words_total if bar.last else 0
        seconds = time.perf_counter() - started
        click.echo(f"wrote {output}: {len(kv.docs):,} documents and {len(kv):,} words x "
                   f"{kv.dim} dimensions; trained on {words:,} words in {seconds:.1f} s",
                   err=True)
        _report_long_tokens(kv.metadata["corpus"]["long_tokens_dropped"])


@docs_group.command("infer")
@click.argument("text", metavar="[TEXT | -]", required=False)
@click.option("-m", "--model", metavar="PATH", required=True, help="A document model (.w2v).")
@click.option("-o", "--output", metavar="PATH", default=None,
              help="Write the vectors to a file (.w2v, .bin, .txt, .vec, .txt.gz, .npy), "
                   "tagged by line number [default: JSON on standard output].")
@click.option("--epochs", type=click.IntRange(min=1), default=None,
              help="Passes over each document [default: the model's].")
@click.option("--alpha", type=float, default=None,
              help="Initial learning rate [default: the model's].")
@click.option("--seed", type=int, default=None, help="Random seed [default: the model's].")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="Threads; the vectors are the same for any number.")
@friendly_errors
def docs_infer_command(text: str | None, model: str, output: str | None, epochs: int | None,
                       alpha: float | None, seed: int | None, threads: int) -> None:
    """Infer vectors for new documents, the model's words and weights frozen: TEXT, or
    with - (or nothing) one document per line of standard input. The same text gives
    the same vector in every run.

    \b
    w2v docs infer -m docs.w2v "a film I would watch again"
    w2v docs infer -m docs.w2v - < new.txt -o new.npy
    """
    import numpy as np

    from ..training.docs import infer

    kv = _doc_model(model)
    if output:
        outputs.check_output_path(output)
    texts = [text] if text not in (None, "-") else \
        sys.stdin.buffer.read().decode("utf-8", "surrogateescape").splitlines()
    if not texts:
        raise W2VError("no document to infer: standard input is empty")
    vectors = infer(kv, texts, epochs=epochs, alpha=alpha, seed=seed, threads=threads)
    if output is None:
        if text not in (None, "-"):
            click.echo(json.dumps([round(x, 6) for x in vectors[0].tolist()]))
        else:
            for row in vectors:
                click.echo(json.dumps([round(x, 6) for x in row.tolist()]))
        return
    if output.lower().endswith(".npy"):
        with outputs.atomic_write(output) as out:
            np.lib.format.write_array(out, vectors, allow_pickle=False)
    else:
        KeyedVectors([str(n) for n in range(1, len(texts) + 1)], vectors).save(output)
    click.echo(f"wrote {output}: {len(texts):,} document vectors x {kv.dim} dimensions",
               err=True)


@docs_group.command("similar")
@click.argument("tag", metavar="[TAG]", required=False)
@click.option("-m", "--model", metavar="PATH", required=True, help="A document model (.w2v).")
@click.option("--text", default=None, help="Infer this text's vector and use it instead of "
                                           "a TAG.")
@click.option("--words", "as_words", is_flag=True,
              help="List the nearest words instead of documents (PV-DM, or PV-DBOW with "
                   "--dbow-words).")
@click.option("-n", "--topn", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help='Print JSON: a list of {"tag" or '
                                                      '"word", "score"}.')
@friendly_errors
def docs_similar_command(tag: str | None, model: str, text: str | None, as_words: bool,
                         topn: int, as_json: bool) -> None:
    """List the documents (or words) nearest to the document TAG, or to a new --text,
    by cosine similarity.

    \b
    w2v docs similar 17 -m docs.w2v
    w2v docs similar -m docs.w2v --text "a film I would watch again" --words
    """
    from ..training.docs import infer

    kv = _doc_model(model)
    if (tag is None) == (text is None):
        raise click.UsageError("give a TAG or --text, one of the two")
    exclude: list[int] = []
    if text is not None:
        vector = infer(kv, [text])[0]
    else:
        if tag not in kv.docs.index:
            raise W2VError(f"no document is tagged '{tag}' ({len(kv.docs):,} documents, "
                           f"tags such as '{kv.docs.words[0]}')")
        vector = kv.docs.vectors[kv.docs.index[tag]]
        exclude = [kv.docs.index[tag]]
    if as_words:
        check_words_trained(kv, model)
        ranked = kv.nearest(vector, topn)
    else:
        ranked = kv.docs.nearest(vector, topn, exclude=exclude)
    key = "word" if as_words else "tag"
    if as_json:
        click.echo(json.dumps([{key: w, "score": round(s, 6)} for w, s in ranked]))
        return
    width = max((len(printable(w)) for w, _ in ranked), default=0)
    for name, score in ranked:
        click.echo(f"{printable(name):<{width}}  {score:.4f}")


@docs_group.command("eval")
@click.option("-m", "--model", metavar="PATH", required=True, help="A document model (.w2v).")
@click.option("--labels", metavar="FILE", default=None,
              help="'tag<TAB>label' lines, with a third field 'train' or 'test' for the "
                   "split: accuracy of logistic regression on the test documents.")
@click.option("--train-share", type=float, default=0.5, show_default=True,
              help="With no split in --labels: the share of documents that trains.")
@click.option("--ratings", metavar="FILE", default=None,
              help="A square matrix of human similarity ratings of N documents (the Lee "
                   "corpus's): Pearson and Spearman correlation with the cosines.")
@click.option("--rated-from", metavar="TAG", default=None,
              help="The first of the N consecutive documents --ratings rates [default: "
                   "the model's last N].")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@friendly_errors
def docs_eval_command(model: str, labels: str | None, train_share: float, ratings: str | None,
                      rated_from: str | None, as_json: bool) -> None:
    """Score document vectors: classification (--labels, scikit-learn's logistic
    regression) and agreement with human similarity ratings (--ratings).

    \b
    w2v docs eval -m docs.w2v --labels sentiment.tsv
    w2v docs eval -m lee.w2v --ratings similarities0-1.txt
    """
    from ..tools import docs as doc_eval

    if not labels and not ratings:
        raise click.UsageError("give --labels FILE, --ratings FILE, or both")
    kv = _doc_model(model)
    results = {}
    if labels:
        allow_scipy()
        results["classification"] = doc_eval.classify_docs(kv.docs, labels, train_share,
                                                           seed=1).as_dict()
    if ratings:
        results["ratings"] = doc_eval.rated_similarity(kv.docs, ratings, rated_from).as_dict()
    if as_json:
        click.echo(json.dumps(results, indent=1))
        return
    if "classification" in results:
        c = results["classification"]
        missing = f"; {c['missing']:,} labelled tags without a vector" if c["missing"] else ""
        click.echo(f"classification: accuracy {c['accuracy']:.2%} on {c['test']:,} test "
                   f"documents ({c['classes']} classes, {c['train']:,} train documents"
                   f"{missing})")
    if "ratings" in results:
        r = results["ratings"]
        click.echo(f"ratings: Pearson {r['pearson']:.4f}, Spearman {r['spearman']:.4f} over "
                   f"{r['pairs']:,} pairs of {r['documents']} documents")
