"""Node vectors: edge lists, the CSR graph, node2vec's walks, training on them, and the
node evaluations (w2v graph, split-edges, eval-nodes)."""

import gzip
import json
import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner

from w2v.cli import cli
from w2v.config import TrainConfig, WalkConfig
from w2v.errors import ConfigError, CorpusError
from w2v.text.graph import EdgeList, build_graph, read_graph
from w2v.tools import nodes
from w2v.training import walk_kernels
from w2v.training.walks import WALKS_PER_JOB, random_walks, train_graph, walk_corpus

FAST = ["--dim", "16", "--walks-per-node", "4", "--walk-length", "10", "--threads", "1"]


def _write(tmp_path, text, name="g.edg"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _rows(graph):
    return {graph.names[v]: [graph.names[x] for x in
                             graph.indices[graph.indptr[v]:graph.indptr[v + 1]]]
            for v in range(graph.nodes)}


def _weights(graph):
    rows = np.repeat(np.arange(graph.nodes), np.diff(graph.indptr))
    return {(graph.names[a], graph.names[b]): w
            for a, b, w in zip(rows, graph.indices, graph.weights())}


# -- reading and building -------------------------------------------------------------

def test_an_edge_list_with_comments_tabs_and_any_names(tmp_path):
    path = _write(tmp_path, "# a comment\n\nC#\tü 1.5\n  ü  z9\t2\nC# z9 0.25\n")
    graph = read_graph(path)
    assert graph.names == ["C#", "ü", "z9"]
    assert _rows(graph) == {"C#": ["ü", "z9"], "ü": ["C#", "z9"], "z9": ["C#", "ü"]}
    assert _weights(graph)[("ü", "z9")] == pytest.approx(2.0)
    assert _weights(graph)[("z9", "C#")] == pytest.approx(0.25)
    assert graph.edges == 3 and not graph.directed


def test_duplicates_merge_with_weights_summed_and_self_loops_go(tmp_path):
    path = _write(tmp_path, "a b 1\nb a 2\na c 0.5\na a 7\nc b 0\nd d 1\n")
    graph = read_graph(path)
    assert _weights(graph) == {("a", "b"): 3.0, ("b", "a"): 3.0, ("a", "c"): 0.5,
                               ("c", "a"): 0.5}  # c b weighs 0: no walk can take it
    assert graph.self_loops == 2 and graph.names == ["a", "b", "c", "d"]
    assert _rows(graph)["d"] == []  # kept, with no edge: its walks stop at once


def test_unweighted_duplicates_collapse_and_weighted_counts_them(tmp_path):
    path = _write(tmp_path, "a b\nb a\na b\nb c\n")
    plain = read_graph(path)
    assert plain.cumulative is None and plain.edges == 2
    counted = read_graph(path, weighted=True)
    assert _weights(counted)[("a", "b")] == 3.0 and _weights(counted)[("b", "c")] == 1.0
    assert read_graph(_write(tmp_path, "a b 4\n", "w.edg"), weighted=False).cumulative is None


def test_directed_graphs_keep_one_row_per_edge_with_sorted_neighbours(tmp_path):
    path = _write(tmp_path, "a d\na c\na b\nc a\n")
    graph = read_graph(path, directed=True)
    assert _rows(graph) == {"a": ["d", "c", "b"], "d": [], "c": ["a"], "b": []}
    assert graph.indices[:3].tolist() == [1, 2, 3]  # sorted by node id (first appearance)
    assert graph.edges == 4


def test_compressed_and_standard_input_edge_lists(tmp_path, monkeypatch):
    gz = tmp_path / "g.edg.gz"
    with gzip.open(gz, "wt") as f:
        f.write("x y\ny z\n")
    assert _rows(read_graph(str(gz)))["y"] == ["x", "z"]
    result = CliRunner().invoke(cli, ["graph", "-", "-o", str(tmp_path / "v.txt"), *FAST,
                                      "-q"], input="x y\ny z\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "v.txt").read_text().splitlines()[0] == "3 16"


@pytest.mark.parametrize("text, message", [
    ("a b\nlonely\n", "line 2: expected 'a b' or 'a b weight', found 1 field"),
    ("a b\na b c d\n", "line 2: expected 'a b' or 'a b weight', found 4 fields"),
    ("a b 1\nb c heavy\n", "line 2: the weight 'heavy' is not a number"),
    ("# w\na b 1\nb c -2\n", "line 3: the weight -2.0 must be a finite number at least 0"),
    ("a b inf\n", "line 1: the weight inf must be"),
    ("a b nan\n", "line 1: the weight nan must be"),
    ("a b 1\nb c\n", "line 2: no weight, where the first edge has one"),
    ("# nothing\n\n", "holds no edge"),
])
def test_bad_edge_lists(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(CorpusError, match=message):
        read_graph(path)
    out = tmp_path / "v.w2v"
    result = CliRunner().invoke(cli, ["graph", path, "-o", str(out)])
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".part")]


def test_bad_walk_settings():
    for field, value in (("p", 0), ("q", -1.0), ("q", float("nan")), ("walk_length", 1),
                         ("walks_per_node", 0)):
        with pytest.raises(ConfigError, match=field):
            WalkConfig(**{field: value})


# -- walks ----------------------------------------------------------------------------

SMALL = """a b 1
a c 2
b c 1
c d 3
d e 1
b e 0.5
e f 2
c f 1
"""


def _exact_step(adjacency, t, v, p, q):
    """node2vec's transition probabilities from v, having come from t (the paper's
    definition; t None: first order)."""
    weights = {}
    for x, w in adjacency[v].items():
        if t is None:
            alpha = 1.0
        elif x == t:
            alpha = 1 / p
        elif x in adjacency[t]:
            alpha = 1.0
        else:
            alpha = 1 / q
        weights[x] = alpha * w
    total = sum(weights.values())
    return {x: w / total for x, w in weights.items()}


@pytest.mark.parametrize("p, q", [(1, 1), (0.25, 4), (4, 0.25), (0.5, 2), (2, 1)])
def test_walks_follow_node2vecs_transition_probabilities(tmp_path, p, q):
    graph = read_graph(_write(tmp_path, SMALL))
    adjacency = {name: {} for name in graph.names}
    for (a, b), w in _weights(graph).items():
        adjacency[a][b] = w
    walks = random_walks(graph, WalkConfig(p=p, q=q, walk_length=12, walks_per_node=3000),
                         seed=3, threads=2)
    names = np.array(graph.names)
    seen = Counter()
    firsts = Counter()
    for row in walks.nodes:
        path = names[row]
        firsts[(path[0], path[1])] += 1
        for t, v, x in zip(path, path[1:], path[2:]):
            seen[(t, v, x)] += 1
    worst = 0.0
    for (t, v) in {(t, v) for t, v, _ in seen}:
        n = sum(c for (a, b, _), c in seen.items() if (a, b) == (t, v))
        for x, prob in _exact_step(adjacency, t, v, p, q).items():
            found = seen[(t, v, x)] / n
            sigma = np.sqrt(prob * (1 - prob) / n)
            worst = max(worst, abs(found - prob) / sigma)
            assert abs(found - prob) < 5 * sigma + 1e-3, (t, v, x, found, prob, n)
    for start in graph.names:  # the first step is first order, weighted
        n = sum(c for (a, _), c in firsts.items() if a == start)
        for x, prob in _exact_step(adjacency, None, start, p, q).items():
            assert abs(firsts[(start, x)] / n - prob) < 5 * np.sqrt(prob * (1 - prob) / n)
    assert worst > 0.1  # the frequencies are measured, not equal by construction


def test_unweighted_steps_are_uniform(tmp_path):
    graph = read_graph(_write(tmp_path, "hub a\nhub b\nhub c\nhub d\n"))
    walks = random_walks(graph, WalkConfig(walk_length=2, walks_per_node=4000), seed=5)
    after = Counter(graph.names[row[1]] for row in walks.nodes if graph.names[row[0]] == "hub")
    assert set(after) == {"a", "b", "c", "d"}
    assert all(abs(count / 4000 - 0.25) < 0.03 for count in after.values())


def test_dead_ends_stop_a_walk_without_padding(tmp_path):
    graph = read_graph(_write(tmp_path, "a b\nb c\nlone lone\n"), directed=True)
    walks = random_walks(graph, WalkConfig(walk_length=80, walks_per_node=1), seed=1)
    names = {graph.names[row[0]]: [graph.names[v] for v in row[:n]]
             for row, n in zip(walks.nodes, walks.lengths)}
    assert names == {"a": ["a", "b", "c"], "b": ["b", "c"], "c": ["c"], "lone": ["lone"]}
    vocab, encoded = walk_corpus(walks, graph.names)
    assert encoded.words == 7 and sorted(np.diff(encoded.sentence_starts)) == [1, 1, 2, 3]
    assert dict(zip(vocab.words, vocab.counts)) == {"c": 3, "b": 2, "a": 1, "lone": 1}


def test_walks_have_the_exact_length_and_follow_edges():
    rng = np.random.default_rng(0)
    sources, targets = rng.integers(0, 300, 3000), rng.integers(0, 300, 3000)
    graph = build_graph(EdgeList([str(i) for i in range(300)], sources.astype(np.int32),
                                 targets.astype(np.int32), None))
    walks = random_walks(graph, WalkConfig(p=0.5, q=2, walk_length=80, walks_per_node=3))
    assert (walks.lengths == 80).all() and walks.nodes.shape == (900, 80)
    edges = {(a, b) for a in range(300)
             for b in graph.indices[graph.indptr[a]:graph.indptr[a + 1]].tolist()}
    assert all((a, b) in edges for row in walks.nodes.tolist() for a, b in zip(row, row[1:]))
    starts = Counter(walks.nodes[:, 0].tolist())
    assert set(starts.values()) == {3}  # every node starts walks_per_node walks


def test_the_same_walks_with_one_and_two_threads():
    rng = np.random.default_rng(1)
    edges = EdgeList([str(i) for i in range(2000)], rng.integers(0, 2000, 20000, np.int32),
                     rng.integers(0, 2000, 20000, np.int32), rng.random(20000) + 0.1)
    graph = build_graph(edges)
    settings = WalkConfig(p=0.25, q=4, walk_length=20, walks_per_node=2)
    assert 2 * 2000 > 3 * WALKS_PER_JOB  # several jobs, so the threads share them
    one = random_walks(graph, settings, seed=9, threads=1)
    two = random_walks(graph, settings, seed=9, threads=2)
    assert np.array_equal(one.nodes, two.nodes) and np.array_equal(one.lengths, two.lengths)
    other = random_walks(graph, settings, seed=10, threads=2)
    assert not np.array_equal(one.nodes, other.nodes)


def test_walk_corpus_sorts_nodes_by_visits_and_drops_rare_ones():
    out = np.array([[0, 1, 2, 1], [2, 1, 0, 0]], dtype=np.int32)
    from w2v.training.walks import Walks
    vocab, encoded = walk_corpus(Walks(out.copy(), np.array([4, 2], np.int32)),
                                 ["x", "y", "z"], min_count=2)
    assert vocab.words == ["y", "z"] and list(vocab.counts) == [3, 2]
    assert encoded.ids.tolist() == [0, 1, 0, 1, 0] and encoded.sentence_starts.tolist() == [
        0, 3, 5]


def test_compact_in_place_matches_a_copy():
    rng = np.random.default_rng(2)
    out = rng.integers(0, 50, (40, 9)).astype(np.int32)
    lengths = rng.integers(0, 10, 40).astype(np.int32)
    rank = np.where(rng.random(50) < 0.3, -1, rng.permutation(50)).astype(np.int32)
    expected = [rank[v] for row, n in zip(out, lengths) for v in row[:n] if rank[v] >= 0]
    flat = out.reshape(-1)
    kept = walk_kernels.compact(out, lengths, rank, flat)
    assert flat[:kept].tolist() == expected


# -- training and evaluation ----------------------------------------------------------

def _planted_graph(tmp_path, communities=4, size=40, seed=0):
    """A stochastic block model: dense inside each community, sparse across."""
    rng = np.random.default_rng(seed)
    n = communities * size
    group = np.arange(n) // size
    lines = []
    for a in range(n):
        for b in range(a + 1, n):
            # a chain through each community keeps every node in the graph
            if rng.random() < (0.25 if group[a] == group[b] else 0.01) or (
                    b == a + 1 and group[a] == group[b]):
                lines.append(f"n{a}\tn{b}\n")
    path = _write(tmp_path, "".join(lines), "sbm.edg")
    labels = tmp_path / "sbm.labels.tsv"
    labels.write_text("".join(f"n{a}\tgroup{group[a]}\n" for a in range(n)))
    return path, str(labels)


def test_a_planted_community_graph_is_recovered(tmp_path):
    edges, labels = _planted_graph(tmp_path)
    kv = train_graph(read_graph(edges), WalkConfig(walk_length=20),
                     TrainConfig(dim=16, window=5, epochs=1, min_count=1, sample=0.0,
                                 alpha=0.025, threads=1))
    result = nodes.classify(kv, nodes.read_labels(labels), splits=3)
    assert result.micro_f1 > 0.9 and result.macro_f1 > 0.9
    assert kv.metadata["walks"]["walks"] == 1600 and kv.metadata["graph"]["nodes"] == 160
    draw = np.random.default_rng(0)
    scrambled = {node: [f"group{draw.integers(4)}"] for node in nodes.read_labels(labels)}
    assert nodes.classify(kv, scrambled, splits=3).micro_f1 < 0.6  # the test can fail


def test_graph_command_formats_walks_and_summary(tmp_path):
    edges, _ = _planted_graph(tmp_path, communities=2, size=10)
    runner = CliRunner()
    for suffix in (".w2v", ".bin", ".txt"):
        out = tmp_path / f"nodes{suffix}"
        result = runner.invoke(cli, ["graph", edges, "-o", str(out), *FAST, "--p", "0.5",
                                     "--save-walks", str(tmp_path / "walks.txt")])
        assert result.exit_code == 0, result.output
        assert "graph: 20 nodes" in result.output and f"wrote {out}: 20 nodes" in result.output
    from w2v import KeyedVectors
    kv = KeyedVectors.load(str(tmp_path / "nodes.w2v"))
    assert kv.dim == 16 and kv.metadata["walks"]["p"] == 0.5
    info = runner.invoke(cli, ["info", str(tmp_path / "nodes.w2v")]).output
    graph = read_graph(edges)
    assert f"{graph.nodes:,} nodes, {graph.edges:,} edges (undirected), mean degree " \
           f"{graph.mean_degree:.1f}" in info
    assert "80 walks of up to 10 nodes, p 0.5, q 1.0; 800 visits" in info
    walks = (tmp_path / "walks.txt").read_text().splitlines()
    assert len(walks) == 80 and all(len(w.split()) == 10 for w in walks)
    assert {w.split()[0] for w in walks} == set(kv.words)


def test_graph_defaults_are_node2vecs():
    from w2v.cli.graphs import graph_command
    defaults = {p.name: p.default for p in graph_command.params}
    assert (defaults["dim"], defaults["window"], defaults["epochs"], defaults["negative"],
            defaults["min_count"], defaults["sample"], defaults["walk_length"],
            defaults["walks_per_node"], defaults["p"], defaults["q"]) == (
        128, 10, 1, 5, 1, 0.0, 80, 10, 1.0, 1.0)


def test_the_learning_rate_follows_the_mean_degree(tmp_path):
    from w2v.config import graph_alpha
    assert graph_alpha("skipgram", 40) == pytest.approx(0.025)
    assert graph_alpha("skipgram", 80) == pytest.approx(0.05)
    assert graph_alpha("cbow", 20) == pytest.approx(0.025)
    assert graph_alpha("skipgram", 1) == pytest.approx(0.025 / 4)  # within 4x either way
    assert graph_alpha("skipgram", 1000) == pytest.approx(0.1)
    star = read_graph(_write(tmp_path, "".join(f"hub n{i}\n" for i in range(9))))
    assert star.mean_degree == pytest.approx(18 / 10)
    settings = TrainConfig(dim=8, min_count=1, threads=1)
    kv = train_graph(star, WalkConfig(walk_length=5, walks_per_node=1), settings)
    assert kv.metadata["config"]["alpha"] == pytest.approx(graph_alpha("skipgram", 1.8))
    given = train_graph(star, WalkConfig(walk_length=5, walks_per_node=1),
                        TrainConfig(dim=8, min_count=1, threads=1, alpha=0.3))
    assert given.metadata["config"]["alpha"] == 0.3


def test_eval_nodes_classification_and_link_prediction(tmp_path):
    edges, labels = _planted_graph(tmp_path)
    runner = CliRunner()
    kept, pairs = tmp_path / "kept.edg", tmp_path / "pairs.tsv"
    result = runner.invoke(cli, ["split-edges", edges, "-o", str(kept), "--pairs", str(pairs)])
    assert result.exit_code == 0, result.output
    full, rest = read_graph(edges), read_graph(str(kept))
    assert rest.edges == full.edges - round(full.edges / 2)
    assert set(rest.names) == set(full.names)  # no node lost its last edge
    rows = [line.split("\t") for line in pairs.read_text().splitlines()]
    test_pos = {(a, b) for a, b, label, split in rows if (label, split) == ("1", "test")}
    full_edges = set(_weights(full))
    assert all((a, b) in full_edges and (a, b) not in set(_weights(rest)) for a, b in test_pos)
    assert all((a, b) not in full_edges for a, b, label, _ in rows if label == "0")
    assert Counter((label, split) for _, _, label, split in rows) == {
        ("1", "test"): len(test_pos), ("0", "test"): len(test_pos),
        ("1", "train"): len(test_pos), ("0", "train"): len(test_pos)}
    model = tmp_path / "nodes.w2v"
    result = runner.invoke(cli, ["graph", str(kept), "-o", str(model), "--dim", "16",
                                 "--walk-length", "20", "--threads", "1", "--alpha", "0.025",
                                 "--sample", "0", "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["eval-nodes", "-m", str(model), "--labels", labels,
                                 "--link-prediction", str(pairs), "--splits", "2", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["classification"]["micro_f1"] > 0.9
    assert report["classification"]["nodes"] == 160
    assert report["link_prediction"]["auc"] > 0.8
    text = runner.invoke(cli, ["eval-nodes", "-m", str(model), "--labels", labels,
                               "--splits", "2"]).output
    assert "Macro-F1" in text and "Micro-F1" in text


def test_eval_nodes_errors(tmp_path):
    runner = CliRunner()
    edges, labels = _planted_graph(tmp_path, communities=2, size=10)
    model = tmp_path / "nodes.txt"
    runner.invoke(cli, ["graph", edges, "-o", str(model), *FAST, "-q"])
    bad = _write(tmp_path, "n1 a extra\n", "bad.tsv")
    for args, message in ((["--labels", bad], "line 1: expected 'node<TAB>label'"),
                          ([], "give --labels FILE"),
                          (["--link-prediction", labels], "w2v split-edges writes them")):
        result = runner.invoke(cli, ["eval-nodes", "-m", str(model), *args])
        assert result.exit_code in (1, 2) and message in result.output, result.output


def test_the_installed_graph_command_fails_cleanly(tmp_path):
    path = _write(tmp_path, "a b\nc\n")
    proc = subprocess.run([sys.executable, "-m", "w2v", "graph", path, "-o",
                           str(tmp_path / "v.w2v")], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"Error: {path}, line 2: expected 'a b' or 'a b weight', " \
                                  f"found 1 field"


def test_the_installed_eval_nodes_command_reaches_scikit_learn(tmp_path):
    edges, labels = _planted_graph(tmp_path, communities=2, size=10)
    model = tmp_path / "nodes.txt"
    CliRunner().invoke(cli, ["graph", edges, "-o", str(model), *FAST, "-q"])
    proc = subprocess.run([sys.executable, "-m", "w2v", "eval-nodes", "-m", str(model),
                           "--labels", labels, "--splits", "1"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Macro-F1" in proc.stdout
