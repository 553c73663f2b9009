"""`w2v similar`, `w2v analogy`, `w2v plot`, `w2v classes` and `w2v info`: reading vectors
(NumPy only; `plot` draws with matplotlib)."""

from __future__ import annotations

import json
import os
import sys

import click

from .. import outputs
from ..errors import UnknownWordError, W2VError
from ..vectors import KeyedVectors, formats
from .common import (
    allow_scipy,
    cli,
    default_model,
    friendly_errors,
    limit_option,
    model_option,
    printable,
    query_options,
)


@cli.command("similar")
@click.argument("words", metavar="[WORD]...", nargs=-1)
@query_options
@friendly_errors
def similar_command(words: tuple[str, ...], model: str | None, topn: int, as_json: bool,
                    limit: int | None, metric: str) -> None:
    """List the words nearest to each WORD, by cosine similarity or (--metric
    euclidean) by Euclidean distance. With no WORD, read one query word per line from
    standard input.

    \b
    w2v similar king
    w2v similar king queen -m vectors.w2v -n 20 --json
    w2v similar king --metric euclidean
    printf 'king\\nparis\\n' | w2v similar --json
    """
    kv = _word_model(model or default_model(), limit)
    queries = [(w,) for w in words] if words else _stdin_queries(1)
    _answer(queries, _noting_unseen(kv, lambda q: kv.most_similar(q, topn=topn,
                                                                  metric=metric)),
            as_json, batch=not words or len(words) > 1)


@cli.command("analogy")
@click.argument("words", metavar="[A B C]", nargs=-1)
@query_options
@friendly_errors
def analogy_command(words: tuple[str, ...], model: str | None, topn: int, as_json: bool,
                    limit: int | None, metric: str) -> None:
    """B is to A as C is to ?: the words nearest to A - B + C. With no words, read one
    'A B C' query per line from standard input.

    \b
    w2v analogy king man woman     # queen
    w2v analogy paris france italy --json
    printf 'king man woman\\nparis france italy\\n' | w2v analogy
    """
    if words and len(words) != 3:
        raise click.UsageError(f"analogy takes three words, A B C (got {len(words)})")
    kv = _word_model(model or default_model(), limit)
    queries = [words] if words else _stdin_queries(3)
    _answer(queries, _noting_unseen(kv, lambda q: kv.analogy(*q, topn=topn, metric=metric)),
            as_json, batch=not words)


def _word_model(path: str, limit: int | None) -> KeyedVectors:
    """The vectors of ``path``, refused when they are a plain PV-DBOW model's untrained
    word vectors (gensim answers from those random vectors without a word)."""
    kv = KeyedVectors.load(path, limit=limit)
    check_words_trained(kv, path)
    return kv


def check_words_trained(kv: KeyedVectors, path: str) -> None:
    """Refuse the word vectors of a plain PV-DBOW model: they were never trained."""
    if not kv.metadata.get("docs", {}).get("word_vectors_trained", True):
        raise W2VError(f"{path} is a plain PV-DBOW document model: its word vectors were "
                       "never trained (train with --dbow-words or --mode dm)")


def _noting_unseen(kv: KeyedVectors, ask):
    """``ask``, saying on stderr which query words a subword model answers for from
    their n-grams alone."""
    def noted(query):
        ranked = ask(query)
        if kv.ngrams is not None:
            for word in query:
                if word not in kv:
                    click.echo(f"note: '{printable(word)}' is not in the vocabulary; its "
                               "vector is the mean of its trained character n-grams",
                               err=True)
        return ranked
    return noted


@cli.command("plot")
@click.argument("words", metavar="WORD...", nargs=-1, required=True)
@model_option
@click.option("-o", "--output", metavar="FILE", default="map.png", show_default=True,
              help="The picture: .png, .svg or .pdf.")
@click.option("-n", "--neighbours", type=click.IntRange(min=0), default=10, show_default=True,
              help="Nearest words (cosine) drawn around each WORD.")
@click.option("--method", type=click.Choice(["pca", "tsne"]), default="pca", show_default=True,
              help="pca: the first two principal components; tsne: scikit-learn's t-SNE.")
@click.option("--seed", type=int, default=0, show_default=True, help="t-SNE's random seed.")
@limit_option
@friendly_errors
def plot_command(words: tuple[str, ...], model: str | None, output: str, neighbours: int,
                 method: str, seed: int, limit: int | None) -> None:
    """Draw each WORD and its nearest neighbours in 2-D, one colour per WORD. A WORD
    written as arithmetic (king-man+woman) is drawn at the point w2v analogy asks
    about, with arrows for the arithmetic. Points are the unit vectors, as cosine
    similarity sees them. Needs matplotlib: pip install 'w2v[plot]'.

    \b
    w2v plot king queen -m vectors.bin -o map.png
    w2v plot king-man+woman paris -n 8 --method tsne -o map.svg
    """
    from ..tools import plot

    path = model or default_model()
    if os.path.splitext(output)[1].lower() not in plot.SUFFIXES:
        raise click.UsageError(f"--output must end in {', '.join(plot.SUFFIXES)}")
    outputs.check_output_path(output)
    kv = KeyedVectors.load(path, limit=limit)
    if method == "tsne":
        allow_scipy()
    points = plot.neighbourhood_map(kv, list(words), neighbours, method, seed)
    plot.draw(points, output, f"{os.path.basename(path)}: {', '.join(words)} and their "
                              f"neighbours ({'PCA' if method == 'pca' else 't-SNE'})")
    click.echo(f"wrote {output}: {len(points.labels)} words", err=True)


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
                click.echo(f"{printable(label)}: {exc}", err=True)
            continue
        results = [{"word": w, "score": round(s, 6)} for w, s in ranked]
        if as_json:
            click.echo(json.dumps({"query": label, "results": results} if batch else results))
            continue
        if batch:
            click.echo(f"{printable(label)}")
        width = max((len(printable(w)) for w, _ in ranked), default=0)
        for word, score in ranked:
            click.echo(f"{'  ' if batch else ''}{printable(word):<{width}}  {score:.4f}")
    if failed:
        raise click.ClickException(f"{failed} of {len(queries)} queries had a word not in "
                                   "the vocabulary")



@cli.command("classes")
@click.argument("model", metavar="MODEL", required=False)
@click.option("-k", "--classes", "k", type=click.IntRange(min=1), default=500,
              show_default=True, help="How many classes.")
@click.option("--iterations", type=click.IntRange(min=1), default=10, show_default=True,
              help="Most k-means iterations (it stops early once no word moves).")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Where to write 'word class' lines [default: standard output].")
@limit_option
@friendly_errors
def classes_command(model: str | None, k: int, iterations: int, output: str | None,
                    limit: int | None) -> None:
    """Group the words into K classes by k-means on their unit vectors, and write
    'word class' lines in vocabulary order, as the word2vec C tool's -classes does
    (sort -k2 -n groups them)."""
    from ..tools.classes import kmeans

    kv = KeyedVectors.load(model or default_model(), limit=limit)
    if output:
        outputs.check_output_path(output)
    labels, rounds = kmeans(kv, k, iterations)
    lines = "".join(f"{w} {c}\n" for w, c in zip(kv.words, labels.tolist()))
    if output:
        with outputs.atomic_write(output) as out:
            out.write(lines.encode("utf-8", "surrogateescape"))
        click.echo(f"wrote {output}: {len(kv):,} words in {k:,} classes after {rounds} "
                   f"iterations", err=True)
    else:
        click.echo(printable(lines), nl=False)



@cli.command("info")
@click.argument("model", metavar="MODEL", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the description as JSON.")
@friendly_errors
def info_command(model: str | None, as_json: bool) -> None:
    """Describe a vector file from its header: format, vocabulary size, dimensions, and
    for native .w2v files the training settings and corpus statistics; or an encoded
    corpus (w2v encode): its words, tokens, settings and sources."""
    from ..text import encoded

    if model and encoded.is_encoded(model):
        _describe_encoded(model, as_json)
        return
    facts = formats.describe(model or default_model())
    if as_json:
        click.echo(json.dumps(facts, indent=1))
        return
    kind = {"w2v": "w2v native", "bin": "word2vec binary", "txt": "word2vec text",
            "fasttext": "fastText model"}
    rows = [("file", f"{facts['file']} ({facts['bytes'] / 1e6:,.1f} MB)"),
            ("format", kind[facts["format"]] + (f", written by w2v {facts['w2v_version']}"
                                                 if facts["w2v_version"] else "")),
            ("words", f"{facts['words']:,}"), ("dimensions", f"{facts['dim']:,}"),
            ("counts", "stored" if facts["counts"] else "not stored"),
            ("output weights", "stored (training can continue)" if facts["output_weights"]
             else "not stored")]
    if facts["subwords"]:
        sub = facts["subwords"]
        trained = f"{sub['ngrams']:,} trained n-gram rows" if sub["ngrams"] else "n-grams"
        rows.append(("subwords", f"{trained} ({sub['minn']} to {sub['maxn']} characters, "
                                 f"{sub['buckets']:,} buckets): unseen words get vectors"))
    meta = facts["metadata"]
    if facts.get("documents") is not None:
        doc = meta.get("docs") if isinstance(meta.get("docs"), dict) else {}
        mode = {"dbow": "PV-DBOW", "dm": "PV-DM"}.get(doc.get("mode"), "?")
        words = ("word vectors trained" if doc.get("word_vectors_trained")
                 else "word vectors untrained")
        rows.append(("documents", f"{facts['documents']:,} vectors ({mode}"
                                  f"{' with --dbow-words' if doc.get('dbow_words') else ''}; "
                                  f"{words})"))
    config, corpus = meta.get("config"), meta.get("corpus")
    if isinstance(config, dict):
        rows.append(("training", ", ".join(f"{k.replace('_', '-')} {v}"
                                           for k, v in config.items())))
    def number(part: dict, key: str) -> str:
        value = part.get(key)
        return f"{value:,}" if isinstance(value, (int, float)) else "?"

    graph, walks = meta.get("graph"), meta.get("walks")
    if isinstance(graph, dict) and isinstance(walks, dict):  # node vectors (w2v graph)
        kind = ("directed" if graph.get("directed") else "undirected") + (
            ", weighted" if graph.get("weighted") else "")
        degree = graph.get("mean_degree")
        rows.append(("graph", f"{graph.get('source')}: {number(graph, 'nodes')} nodes, "
                              f"{number(graph, 'edges')} edges ({kind}), mean degree "
                              + (f"{degree:.1f}" if isinstance(degree, float) else "?")))
        rows.append(("walks", f"{number(walks, 'walks')} walks of up to "
                              f"{number(walks, 'walk_length')} nodes, p {walks.get('p')}, "
                              f"q {walks.get('q')}; {number(walks, 'nodes_visited')} visits"))
    elif isinstance(corpus, dict):
        rows.append(("corpus", f"{corpus.get('source')}: {number(corpus, 'tokens')} tokens, "
                               f"{number(corpus, 'words')} of them in the vocabulary, "
                               f"{number(corpus, 'sentences')} sentences"))
    rounds = meta.get("rounds")
    if isinstance(rounds, dict):  # --shares or --cluster (training.rounds)
        line = (f"{number(rounds, 'shares')} shares of {number(rounds, 'round_words')} "
                f"words a round, {rounds.get('rule')}")
        cluster = rounds.get("cluster")
        if isinstance(cluster, dict):
            line += (f"; on {cluster.get('address')}, {number(cluster, 'workers')} workers, "
                     f"{number(cluster, 'rounds')} rounds, at most "
                     f"{number(cluster, 'bytes_per_round')} bytes a round")
        if rounds.get("resumed_at_epoch"):
            line += f"; resumed after epoch {rounds['resumed_at_epoch']}"
        rows.append(("rounds", line))
    if "trained" in meta:
        rows.append(("trained", str(meta["trained"])))
    for key, value in rows:
        click.echo(f"{key:<15} {value}")


def _describe_encoded(path: str, as_json: bool) -> None:
    from ..text import encoded

    read = encoded.read(path)
    corpus = read.corpus
    facts = {"file": path, "bytes": os.path.getsize(path), "format": "w2vc",
             "words": len(read.vocab), "tokens": int(corpus.words),
             "sentences": len(corpus.sentence_starts) - 1, "raw_tokens": corpus.raw_tokens,
             "settings": read.settings, "sources": read.sources, "corpus": read.facts}
    if as_json:
        click.echo(json.dumps(facts, indent=1))
        return
    rows = [("file", f"{path} ({facts['bytes'] / 1e6:,.1f} MB)"),
            ("format", "w2v encoded corpus (train on it with w2v train)"),
            ("words", f"{facts['words']:,}"),
            ("tokens", f"{facts['tokens']:,} in {facts['sentences']:,} sentences "
                       f"({facts['raw_tokens']:,} read)"),
            ("encoded with", ", ".join(f"{k.replace('_', '-')} {v}"
                                       for k, v in read.settings.items()))]
    if "prunes" in read.facts:
        f = read.facts
        rows.append(("counted", f"within {f['vocab_memory_bytes'] / 1e9:g} GB: "
                     + (f"pruned {f['prunes']:,} times, up to count {f['floor']:,}; counts "
                        f"short by at most {f['count_shortfall']:,}" if f["prunes"]
                        else "exactly, no pruning")))
    rows += [("source", f"{s['path']}" + (f" ({s['bytes']:,} bytes, sha256 {s['sha256']})"
                                          if "sha256" in s else "")) for s in read.sources]
    for key, value in rows:
        click.echo(f"{key:<15} {value}")
