"""`w2v graph`, `w2v split-edges` and `w2v eval-nodes`: node vectors from an edge list,
and their evaluation."""

from __future__ import annotations

import dataclasses
import json
import time

import click

from .. import outputs
from ..config import DEFAULT_ALPHA, GRAPH_ALPHA_DEGREE, GRAPH_DEFAULTS, TrainConfig, WalkConfig
from ..vectors import KeyedVectors, formats
from .common import (
    DEFAULT_MODEL,
    DEFAULTS,
    allow_scipy,
    cli,
    default_model,
    engine_options,
    friendly_errors,
    model_option,
)
from .training import _ProgressBar

WALK_DEFAULTS = WalkConfig()


def edge_options(command):
    """--directed and --weighted/--unweighted: how an edge list is read."""
    command = click.option("--weighted/--unweighted", default=None,
                           help="Read a third field as the edge's weight [default: when the "
                                "first edge has one]; --weighted on two fields: weight 1 "
                                "each, so duplicate lines count.")(command)
    return click.option("--directed", is_flag=True,
                        help="Edges go from the first node to the second [default: "
                             "undirected].")(command)


@cli.command("graph")
@click.argument("edges", metavar="EDGES")
@click.option("-o", "--output", metavar="PATH", default=None,
              help=f"Where to write the node vectors (.w2v, .bin, .txt, .vec, .txt.gz) "
                   f"[default: $W2V_MODEL or {DEFAULT_MODEL}]")
@click.option("--format", "format_", type=click.Choice(["bin", "txt", "w2v"]), default=None,
              help="The output's format [default: from its suffix].")
@edge_options
@click.option("--p", "p", type=float, default=WALK_DEFAULTS.p, show_default=True,
              help="node2vec's return parameter: a step back to the previous node is "
                   "weighed 1/p.")
@click.option("--q", "q", type=float, default=WALK_DEFAULTS.q, show_default=True,
              help="node2vec's in-out parameter: a step to a node not next to the "
                   "previous one is weighed 1/q; p = q = 1: DeepWalk's walk.")
@click.option("--walk-length", type=int, default=WALK_DEFAULTS.walk_length,
              show_default=True, help="Nodes per walk, the start included (fewer only "
                                      "at a dead end).")
@click.option("--walks-per-node", type=int, default=WALK_DEFAULTS.walks_per_node,
              show_default=True, help="Walks started from every node.")
@click.option("--save-walks", metavar="FILE", default=None,
              help="Also write the walks as text, one a line, for other tools.")
@engine_options({**DEFAULTS, **GRAPH_DEFAULTS}, alpha_default=(
    f"{DEFAULT_ALPHA['skipgram']} skipgram, {DEFAULT_ALPHA['cbow']} cbow, times the "
    f"graph's mean degree / {GRAPH_ALPHA_DEGREE:g}, within 4x either way"))
@click.option("--min-count", type=int, default=GRAPH_DEFAULTS["min_count"], show_default=True,
              help="Leave out nodes visited fewer times.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@friendly_errors
def graph_command(edges: str, output: str | None, format_: str | None, directed: bool,
                  weighted: bool | None, p: float, q: float, walk_length: int,
                  walks_per_node: int, save_walks: str | None, quiet: bool,
                  **options) -> None:
    """Learn node vectors from the edge list EDGES (DeepWalk, node2vec): random walks
    over the graph, trained as sentences by skip-gram. EDGES has one edge a line, 'a b'
    or 'a b weight' (spaces or tabs; '#' starts a comment line); .gz, .bz2, .xz and -
    (standard input) are read too. Duplicate edges merge (weights summed); self-loops
    are dropped.

    \b
    w2v graph edges.tsv -o nodes.w2v
    w2v graph edges.tsv --p 0.25 --q 4 -o nodes.w2v   # node2vec
    w2v similar node42 -m nodes.w2v
    """
    from ..text.graph import read_graph
    from ..training.walks import train_graph, write_walks

    walk = WalkConfig(p=p, q=q, walk_length=walk_length, walks_per_node=walks_per_node)
    config = TrainConfig(**options)
    output = output or default_model()
    formats.check_writable(output, format_)
    if save_walks:
        outputs.check_output_path(save_walks)
    started = time.perf_counter()
    graph = read_graph(edges, directed=directed, weighted=weighted)
    formats.check_words(output, graph.names, format_)
    if not quiet:
        kind = ("directed" if directed else "undirected") + \
            (", weighted" if graph.cumulative is not None else "")
        dropped = f"; {graph.self_loops:,} self-loops dropped" if graph.self_loops else ""
        click.echo(f"graph: {graph.nodes:,} nodes, {graph.edges:,} edges ({kind}){dropped}; "
                   f"walking...", err=True)

    def save(walks) -> None:
        with outputs.atomic_write(save_walks) as stream:
            write_walks(walks, graph.names, stream)

    bar = _ProgressBar(quiet)
    try:
        kv = train_graph(graph, walk, config, on_progress=bar.update,
                         on_walks=save if save_walks else None, source=edges)
    finally:
        bar.close()
    kv.save(output, format=format_)
    if not quiet:
        walks = kv.metadata["walks"]
        short = walks["cut_short_by_dead_ends"]
        click.echo(f"wrote {output}: {len(kv):,} nodes x {kv.dim} dimensions, from "
                   f"{walks['walks']:,} walks ({walks['nodes_visited']:,} nodes visited"
                   f"{f'; {short:,} cut short by dead ends' if short else ''}) in "
                   f"{time.perf_counter() - started:.1f} s", err=True)


@cli.command("split-edges")
@click.argument("edges", metavar="EDGES")
@click.option("-o", "--output", metavar="FILE", required=True,
              help="Where to write the edges kept: the graph to embed.")
@click.option("--pairs", metavar="FILE", required=True,
              help="Where to write the labelled pairs for eval-nodes --link-prediction.")
@click.option("--test-share", type=float, default=0.5, show_default=True,
              help="Share of the edges to remove and test on.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@edge_options
@friendly_errors
def split_edges_command(edges: str, output: str, pairs: str, test_share: float, seed: int,
                        directed: bool, weighted: bool | None) -> None:
    """Hold out edges of EDGES for link prediction (node2vec's protocol): remove
    --test-share of them, never disconnecting the graph further (a random spanning
    forest stays), and sample as many non-edges; the pairs file also holds, for training
    the classifier, as many kept edges and other non-edges. Embed the kept graph with
    any tool, then score the vectors with eval-nodes.

    \b
    w2v split-edges edges.tsv -o kept.tsv --pairs pairs.tsv
    w2v graph kept.tsv -o nodes.w2v
    w2v eval-nodes -m nodes.w2v --link-prediction pairs.tsv
    """
    from ..text.graph import read_graph
    from ..tools.nodes import split_edges, write_kept_edges, write_pairs

    outputs.check_output_path(output)
    outputs.check_output_path(pairs)
    graph = read_graph(edges, directed=directed, weighted=weighted)
    split = split_edges(graph, test_share, seed)
    with outputs.atomic_write(output) as stream:
        write_kept_edges(graph, split, stream)
    with outputs.atomic_write(pairs) as stream:
        write_pairs(split, graph.names, stream)
    note = "" if split.removed == split.requested else (
        f" (of {split.requested:,} asked for: the others hold the graph together)")
    click.echo(f"wrote {output}: {len(split.kept):,} edges kept, {split.removed:,} removed"
               f"{note}; {pairs}: {int(split.test.sum()):,} test and "
               f"{int((~split.test).sum()):,} training pairs", err=True)


@cli.command("eval-nodes")
@model_option
@click.option("--labels", metavar="FILE", default=None,
              help="Node classification: 'node<TAB>label' lines (several lines for a node "
                   "with several labels).")
@click.option("--link-prediction", "pairs", metavar="FILE", default=None,
              help="Link prediction on the pairs that split-edges wrote.")
@click.option("--train-share", type=float, default=0.5, show_default=True,
              help="Node classification: share of the labelled nodes to train on.")
@click.option("--splits", type=int, default=5, show_default=True,
              help="Node classification: random splits to average over.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the splits.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@friendly_errors
def eval_nodes_command(model: str | None, labels: str | None, pairs: str | None,
                       train_share: float, splits: int, seed: int, as_json: bool) -> None:
    """Score node vectors as DeepWalk and node2vec report them: node classification
    (one-vs-rest logistic regression, Macro-F1 and Micro-F1, each test node given as
    many labels as it has) and link prediction (Hadamard features, ROC AUC). Needs
    scikit-learn (pip install 'w2v[eval]').

    \b
    w2v eval-nodes -m nodes.w2v --labels labels.tsv
    w2v eval-nodes -m nodes.w2v --link-prediction pairs.tsv
    """
    from ..tools import nodes

    allow_scipy()
    if not labels and not pairs:
        raise click.UsageError("give --labels FILE, --link-prediction FILE or both")
    model = model or default_model()
    node_labels = nodes.read_labels(labels) if labels else None
    pair_data = nodes.read_pairs(pairs) if pairs else None
    kv = KeyedVectors.load(model)
    report: dict = {"model": model}
    if node_labels is not None:
        result = nodes.classify(kv, node_labels, train_share, splits, seed)
        report["classification"] = {"labels": labels, **dataclasses.asdict(result)}
    if pair_data is not None:
        result = nodes.link_prediction(kv, *pair_data)
        report["link_prediction"] = {"pairs": pairs, **dataclasses.asdict(result)}
    if as_json:
        click.echo(json.dumps(report, indent=1))
        return
    click.echo(f"{model}: {len(kv):,} nodes x {kv.dim} dimensions")
    if "classification" in report:
        r = report["classification"]
        missing = f"; {r['missing']:,} labelled nodes have no vector" if r["missing"] else ""
        click.echo(f"node classification ({r['nodes']:,} nodes, {r['classes']} labels, "
                   f"{r['train_share']:.0%} to train, mean of {r['splits']} splits{missing})")
        click.echo(f"  Macro-F1  {r['macro_f1']:.4f} ± {r['macro_f1_std']:.4f}")
        click.echo(f"  Micro-F1  {r['micro_f1']:.4f} ± {r['micro_f1_std']:.4f}")
    if "link_prediction" in report:
        r = report["link_prediction"]
        missing = f"; {r['missing']:,} pairs have a node without a vector" if r["missing"] \
            else ""
        click.echo(f"link prediction ({r['train_pairs']:,} training pairs, "
                   f"{r['test_pairs']:,} test pairs{missing})")
        click.echo(f"  ROC AUC   {r['auc']:.4f}")
