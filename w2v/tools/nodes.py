"""Evaluating node vectors, by the protocols DeepWalk (Perozzi et al. 2014) and node2vec
(Grover and Leskovec 2016) report.

* Node classification: ``node<TAB>label`` lines (a node may have several labels).
  A seeded random ``train_share`` of the labelled nodes trains one-vs-rest logistic
  regression on the vectors; each other node is given as many labels as it truly has,
  those of highest probability; Macro-F1 and Micro-F1 are averaged over ``splits``
  splits.
* Link prediction: ``split_edges`` removes a share of the edges, never one whose
  removal would disconnect the graph further (the edges of a random spanning forest
  stay), and samples as many pairs that are not edges. The vectors are trained on the
  rest; a pair's features are the product of its two vectors (Hadamard), a logistic
  regression learns from as many kept edges and other non-edges, and the score is its
  ROC AUC on the removed edges and their non-edges.

The classifier is scikit-learn's ``LogisticRegression`` (the ``eval`` extra), at its
defaults but for ``max_iter``; every system's vectors go through the same code.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from ..errors import EvaluationError, W2VError
from ..text.corpus import open_bytes
from ..text.graph import Graph
from ..vectors.keyed import KeyedVectors

INSTALL = "pip install 'w2v[eval]'"
MAX_ITER = 1000
SPLITS = ("train", "test")


def _sklearn():
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score, roc_auc_score
        from sklearn.multiclass import OneVsRestClassifier
    except ImportError:
        raise W2VError(f"node evaluation needs scikit-learn: {INSTALL}") from None
    return LogisticRegression, OneVsRestClassifier, f1_score, roc_auc_score


def read_labels(path: str) -> dict[str, list[str]]:
    """``node<TAB>label`` lines (or space-separated) as each node's labels, in order."""
    labels: dict[str, list[str]] = {}
    with open_bytes(path) as stream:
        for number, line in enumerate(stream, 1):
            fields = line.split()
            if not fields or fields[0].startswith(b"#"):
                continue
            if len(fields) != 2:
                raise EvaluationError(f"{path}, line {number}: expected 'node<TAB>label', "
                                      f"found {len(fields)} fields")
            node, label = (f.decode("utf-8", "surrogateescape") for f in fields)
            found = labels.setdefault(node, [])
            if label not in found:
                found.append(label)
    if not labels:
        raise EvaluationError(f"{path} holds no label")
    return labels


@dataclass(frozen=True)
class Classification:
    macro_f1: float  # mean over the splits
    micro_f1: float
    macro_f1_std: float
    micro_f1_std: float
    splits: int
    train_share: float
    nodes: int  # labelled nodes with a vector, those scored
    missing: int  # labelled nodes without a vector, left out
    classes: int


def classify(kv: KeyedVectors, labels: dict[str, list[str]], train_share: float = 0.5,
             splits: int = 5, seed: int = 1) -> Classification:
    """Node classification (see the module)."""
    if not 0 < train_share < 1:
        raise EvaluationError(f"the train share must be between 0 and 1 (got {train_share})")
    if splits < 1:
        raise EvaluationError(f"at least one split is needed (got {splits})")
    LogisticRegression, OneVsRestClassifier, f1_score, _ = _sklearn()
    nodes = [node for node in labels if node in kv]
    if len(nodes) < 2:
        raise EvaluationError(f"only {len(nodes)} labelled node{'s' * (len(nodes) != 1)} "
                              f"{'has' if len(nodes) == 1 else 'have'} a vector")
    classes = sorted({label for node in nodes for label in labels[node]})
    column = {label: c for c, label in enumerate(classes)}
    truth = np.zeros((len(nodes), len(classes)), dtype=np.int8)
    for i, node in enumerate(nodes):
        truth[i, [column[label] for label in labels[node]]] = 1
    features = np.stack([kv[node] for node in nodes]).astype(np.float64)
    train_size = min(max(1, round(train_share * len(nodes))), len(nodes) - 1)
    macro, micro = [], []
    for split in range(splits):
        order = np.random.default_rng([seed, split]).permutation(len(nodes))
        train, test = order[:train_size], order[train_size:]
        model = OneVsRestClassifier(LogisticRegression(max_iter=MAX_ITER))
        with warnings.catch_warnings():  # a class absent from the train split
            warnings.simplefilter("ignore", UserWarning)
            model.fit(features[train], truth[train])
            scores = model.predict_proba(features[test])
        predicted = np.zeros_like(truth[test])
        ranked = np.argsort(-scores, axis=1, kind="stable")
        for row, count in enumerate(truth[test].sum(axis=1)):
            predicted[row, ranked[row, :count]] = 1
        macro.append(f1_score(truth[test], predicted, average="macro", zero_division=0))
        micro.append(f1_score(truth[test], predicted, average="micro", zero_division=0))
    return Classification(float(np.mean(macro)), float(np.mean(micro)), float(np.std(macro)),
                          float(np.std(micro)), splits, train_share, len(nodes),
                          len(labels) - len(nodes), len(classes))


@dataclass(frozen=True)
class EdgeSplit:
    """The edges kept (positions in ``graph.indices``) and the labelled pairs."""

    kept: np.ndarray  # int64 positions of the kept edges (one per undirected edge)
    pairs: np.ndarray  # int32, n x 2 node ids
    labels: np.ndarray  # int8: 1 an edge, 0 not
    test: np.ndarray  # bool: the pair is in the test set
    requested: int  # edges asked to be removed
    removed: int  # edges removed (fewer when the rest would disconnect the graph)


def split_edges(graph: Graph, test_share: float = 0.5, seed: int = 1) -> EdgeSplit:
    """node2vec's link-prediction split (see the module): remove ``test_share`` of the
    edges, keeping a random spanning forest; as many non-edges for the test set; for
    training, as many kept edges (or all, if fewer) and as many other non-edges."""
    if not 0 < test_share < 1:
        raise EvaluationError(f"the test share must be between 0 and 1 (got {test_share})")
    rng = np.random.default_rng(seed)
    rows = graph.sources()
    cols = graph.indices.astype(np.int64)
    edges = np.flatnonzero(rows < cols) if not graph.directed else np.arange(len(cols))
    order = rng.permutation(edges)
    forest = _spanning_forest(rows[order], cols[order], graph.nodes)
    removable = order[~forest]
    requested = round(test_share * len(edges))
    removed = removable[:requested]
    kept = np.setdiff1d(edges, removed)
    shown = rng.permutation(kept)[:len(removed)]
    negatives = _non_edges(graph, rows, cols, 2 * len(removed), rng)
    pairs = np.concatenate([np.stack([rows[removed], cols[removed]], 1),
                            negatives[:len(removed)],
                            np.stack([rows[shown], cols[shown]], 1),
                            negatives[len(removed):]]).astype(np.int32)
    labels = np.concatenate([np.ones(len(removed)), np.zeros(len(removed)),
                             np.ones(len(shown)), np.zeros(len(negatives) - len(removed))])
    test = np.arange(len(pairs)) < 2 * len(removed)
    return EdgeSplit(kept, pairs, labels.astype(np.int8), test, requested, len(removed))


def _spanning_forest(sources: np.ndarray, targets: np.ndarray, nodes: int) -> np.ndarray:
    """Whether each edge, taken in order, joins two components (union-find)."""
    parent = list(range(nodes))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    joins = np.zeros(len(sources), dtype=bool)
    for k, (a, b) in enumerate(zip(sources.tolist(), targets.tolist())):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
            joins[k] = True
    return joins


def _non_edges(graph: Graph, rows: np.ndarray, cols: np.ndarray, count: int,
               rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct node pairs, uniformly at random, that are not edges (nor
    self-pairs); pairs are ordered (a < b) unless the graph is directed."""
    n = graph.nodes
    possible = n * (n - 1) // (1 if graph.directed else 2) - len(cols) // (
        1 if graph.directed else 2)
    if count > possible:
        raise EvaluationError(f"the graph has only {possible:,} non-edges; {count:,} are "
                              f"needed: choose a smaller test share")
    taken = set((rows * n + cols).tolist())
    found: list[int] = []
    chosen: set[int] = set()
    while len(found) < count:
        a = rng.integers(0, n, size=2 * (count - len(found)) + 16)
        b = rng.integers(0, n, size=len(a))
        if not graph.directed:
            a, b = np.minimum(a, b), np.maximum(a, b)
        for key in (a * n + b)[a != b].tolist():
            if key not in taken and key not in chosen:
                chosen.add(key)
                found.append(key)
                if len(found) == count:
                    break
    keys = np.array(found, dtype=np.int64)
    return np.stack([keys // n, keys % n], 1)


def write_pairs(split: EdgeSplit, names: list[str], stream: BinaryIO) -> None:
    """``a<TAB>b<TAB>label<TAB>train|test`` lines, the file ``link_prediction`` reads."""
    encoded = [name.encode("utf-8", "surrogateescape") for name in names]
    for (a, b), label, test in zip(split.pairs.tolist(), split.labels.tolist(),
                                   split.test.tolist()):
        stream.write(b"%s\t%s\t%d\t%s\n" % (encoded[a], encoded[b], label,
                                            b"test" if test else b"train"))


def write_kept_edges(graph: Graph, split: EdgeSplit, stream: BinaryIO) -> None:
    """The kept edges as an edge list (with their weights when the graph has some)."""
    encoded = [name.encode("utf-8", "surrogateescape") for name in graph.names]
    rows = graph.sources()[split.kept]
    cols = graph.indices[split.kept]
    weights = None if graph.cumulative is None else graph.weights()[split.kept]
    for k, (a, b) in enumerate(zip(rows.tolist(), cols.tolist())):
        if weights is None:
            stream.write(b"%s\t%s\n" % (encoded[a], encoded[b]))
        else:
            stream.write(b"%s\t%s\t%r\n" % (encoded[a], encoded[b], float(weights[k])))


@dataclass(frozen=True)
class LinkPrediction:
    auc: float
    train_pairs: int
    test_pairs: int
    missing: int  # pairs left out: a node without a vector


def read_pairs(path: str) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    """The pairs, their labels and whether each is a test pair, from ``write_pairs``'s
    file."""
    pairs, labels, test = [], [], []
    with open_bytes(path) as stream:
        for number, line in enumerate(stream, 1):
            fields = [f.decode("utf-8", "surrogateescape") for f in line.split()]
            if not fields or fields[0].startswith("#"):
                continue
            if len(fields) != 4 or fields[2] not in ("0", "1") or fields[3] not in SPLITS:
                raise EvaluationError(f"{path}, line {number}: expected 'a<TAB>b<TAB>0|1"
                                      f"<TAB>train|test' (w2v split-edges writes them)")
            pairs.append((fields[0], fields[1]))
            labels.append(int(fields[2]))
            test.append(fields[3] == "test")
    return pairs, np.array(labels, dtype=np.int8), np.array(test, dtype=bool)


def link_prediction(kv: KeyedVectors, pairs: list[tuple[str, str]], labels: np.ndarray,
                    test: np.ndarray) -> LinkPrediction:
    """ROC AUC of a logistic regression on Hadamard features (see the module)."""
    LogisticRegression, _, _, roc_auc_score = _sklearn()
    known = np.array([a in kv and b in kv for a, b in pairs], dtype=bool)
    chosen = [pair for pair, ok in zip(pairs, known) if ok]
    labels, test = labels[known], test[known]
    for name, part in (("train", ~test), ("test", test)):
        if len(set(labels[part].tolist())) < 2:
            raise EvaluationError(f"the {name} pairs with vectors need both edges and "
                                  f"non-edges")
    features = np.stack([kv[a] * kv[b] for a, b in chosen]).astype(np.float64)
    model = LogisticRegression(max_iter=MAX_ITER).fit(features[~test], labels[~test])
    auc = roc_auc_score(labels[test], model.predict_proba(features[test])[:, 1])
    return LinkPrediction(float(auc), int((~test).sum()), int(test.sum()),
                          int((~known).sum()))
