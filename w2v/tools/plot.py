"""Maps of the vectors: query words and their nearest neighbours in two dimensions.

``neighbourhood_map`` lays the points out (NumPy's SVD for PCA, or scikit-learn's
t-SNE); ``draw`` draws them with matplotlib. Both libraries come with the ``plot``
extra (``pip install 'w2v[plot]'``) and are imported only here, when asked for.

The map shows the geometry the queries use: every point is a unit vector (as cosine
similarity sees it). A query is a word, or arithmetic on words written with ``+`` and
``-`` (``king-man+woman``): its point is the normalised mean of the terms' unit
vectors with their signs, the query point of ``w2v analogy``, and arrows show the
arithmetic (from ``man`` to ``king``, and the same step from ``woman`` to the result).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from ..errors import W2VError
from ..outputs import atomic_write
from ..vectors.keyed import KeyedVectors

METHODS = ("pca", "tsne")
SUFFIXES = (".png", ".svg", ".pdf")
INSTALL = "pip install 'w2v[plot]'"


@dataclass(frozen=True)
class Map:
    """Points to draw: ``labels[i]`` at ``xy[i]``, in the neighbourhood of
    ``queries[group[i]]``; ``arrows`` join points (start, end) to show arithmetic."""

    labels: list[str]
    xy: np.ndarray  # float64 (points x 2)
    group: list[int]
    queries: list[str]
    arrows: list[tuple[int, int]]
    method: str
    vectors: np.ndarray  # float32 (points x dim): the unit vectors laid out


def parse(kv: KeyedVectors, query: str) -> tuple[list[str], list[str]]:
    """The words to add and to subtract: ``king-man+woman`` gives (["king", "woman"],
    ["man"]); a query that is itself a word (``well-known``) is that word."""
    if query in kv or not re.search(r"(?<=.)[+-]", query):
        kv[query]  # a word with no vector: UnknownWordError, with a hint
        return [query], []
    terms = re.findall(r"([+-]?)([^+-]+)", query)
    if "".join(sign + word for sign, word in terms) != query:
        raise W2VError(f"cannot read {query!r}: write words joined by + and -, such as "
                       "king-man+woman")
    positive = [word for sign, word in terms if sign != "-"]
    negative = [word for sign, word in terms if sign == "-"]
    for word in positive + negative:
        kv[word]
    return positive, negative


def neighbourhood_map(kv: KeyedVectors, queries: list[str], neighbours: int = 10,
                      method: str = "pca", seed: int = 0) -> Map:
    """Each query's point and its ``neighbours`` nearest words (cosine), each word once
    (in the first neighbourhood it joins), laid out by ``method``."""
    if method not in METHODS:
        raise W2VError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if not queries:
        raise W2VError("name at least one word to plot")
    labels: list[str] = []
    rows: list[np.ndarray] = []
    group: list[int] = []
    arrows: list[tuple[int, int]] = []
    placed: dict[str, int] = {}

    def place(label: str, row: np.ndarray, where: int) -> int:
        if label not in placed:
            placed[label] = len(labels)
            labels.append(label)
            rows.append(row)
            group.append(where)
        return placed[label]

    parsed = [parse(kv, query) for query in queries]
    for where, (query, (positive, negative)) in enumerate(zip(queries, parsed)):
        if negative or len(positive) > 1:  # arithmetic: its point, its terms, arrows
            point = sum(_unit(kv, w) for w in positive) - sum(_unit(kv, w) for w in negative)
            result = place(query, point / max(np.linalg.norm(point), 1e-12), where)
            for word in positive + negative:
                place(word, _unit(kv, word), where)
            for before, after in zip(negative, positive):  # man -> king
                arrows.append((placed[before], placed[after]))
            rest = positive[len(negative):]
            if negative and rest:  # woman -> king - man + woman
                arrows.append((placed[rest[0]], result))
        else:
            place(query, _unit(kv, query), where)
    for where, (positive, negative) in enumerate(parsed):  # then the neighbours
        for word, _ in kv.most_similar(positive, negative, topn=neighbours):
            place(word, _unit(kv, word), where)
    vectors = np.array(rows, dtype=np.float32)
    return Map(labels, layout(vectors, method, seed), group, list(queries), arrows, method,
               vectors)


def _unit(kv: KeyedVectors, word: str) -> np.ndarray:
    row = np.asarray(kv[word], dtype=np.float32)
    return row / max(float(np.linalg.norm(row)), 1e-12)


def layout(vectors: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
    """Two coordinates per row: the first two principal components (the rows
    centred, projected on the top two right singular vectors, each axis's sign fixed
    so that its largest coordinate is positive), or scikit-learn's t-SNE."""
    if method == "tsne":
        if len(vectors) < 4:
            raise W2VError("t-SNE needs at least 4 points; ask for more --neighbours")
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            raise W2VError(f"--method tsne needs scikit-learn: {INSTALL}") from None
        perplexity = float(min(30, max(1, len(vectors) - 1) / 3))
        return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed
                    ).fit_transform(vectors.astype(np.float64))
    centred = vectors.astype(np.float64) - vectors.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    xy = np.zeros((len(vectors), 2))
    found = centred @ axes[:2].T
    xy[:, :found.shape[1]] = found
    flip = np.sign(xy[np.abs(xy).argmax(axis=0), [0, 1]])
    return xy * np.where(flip == 0, 1, flip)


def draw(points: Map, path: str | os.PathLike, title: str):
    """Draw ``points`` to ``path`` (.png, .svg or .pdf, by suffix); return the figure."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in SUFFIXES:
        raise W2VError(f"cannot tell the image format of {os.fspath(path)!r}; use "
                       f"{', '.join(SUFFIXES)}")
    try:  # a Figure of its own, not pyplot's: a library call changes no global state
        from matplotlib import colormaps
        from matplotlib.figure import Figure
    except ImportError:
        raise W2VError(f"w2v plot needs matplotlib: {INSTALL}") from None
    colours = colormaps["tab10"]
    figure = Figure(figsize=(9, 7), dpi=100)
    axes = figure.subplots()
    for where, query in enumerate(points.queries):
        members = [i for i, g in enumerate(points.group) if g == where]
        xy = points.xy[members]
        axes.scatter(xy[:, 0], xy[:, 1], s=28, color=colours(where % 10), label=query,
                     zorder=3)
        for i in members:
            is_query = points.labels[i] in points.queries
            axes.annotate(points.labels[i], points.xy[i], xytext=(4, 3),
                          textcoords="offset points", fontsize=10 if is_query else 8,
                          fontweight="bold" if is_query else "normal", zorder=4)
    for start, end in points.arrows:
        axes.annotate("", points.xy[end], xytext=points.xy[start], zorder=2,
                      arrowprops={"arrowstyle": "->", "color": "0.35", "lw": 1.2})
    axes.set_title(title)
    axes.legend(loc="best", fontsize=9, title="neighbourhood of")
    axes.set_xticks([])
    axes.set_yticks([])
    figure.tight_layout()
    with atomic_write(path) as out:
        figure.savefig(out, format=suffix[1:])
    return figure
