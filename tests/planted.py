"""A synthetic language with planted analogies, for tests a correct trainer must pass.

Every sentence is about one entity ``e{row}_{col}`` of a grid. It mixes the entity with
topic words of its row, topic words of its column and common filler words, in random
order. The entity's contexts are then a row part plus a column part, so its vector
must come out as roughly row vector + column vector, and
``e{r1}_{c2} - e{r1}_{c1} + e{r2}_{c1}`` lands on ``e{r2}_{c2}``.
"""

from __future__ import annotations

import itertools

import numpy as np


def entity(row: int, col: int) -> str:
    return f"e{row}_{col}"


def vocab_size(rows: int = 5, cols: int = 4, topic_words: int = 6, fillers: int = 20) -> int:
    """Distinct words of the language: entities, row and column topic words, fillers."""
    return rows * cols + (rows + cols) * topic_words + fillers


def sentences(rows: int = 5, cols: int = 4, count: int = 20000, topic_words: int = 6,
              per_sentence: int = 4, fillers: int = 20, seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    row_topics = [[f"r{r}t{k}" for k in range(topic_words)] for r in range(rows)]
    col_topics = [[f"c{c}t{k}" for k in range(topic_words)] for c in range(cols)]
    filler = [f"f{k}" for k in range(fillers)]
    out = []
    for _ in range(count):
        r, c = int(rng.integers(rows)), int(rng.integers(cols))
        words = [entity(r, c)]
        words += [row_topics[r][i] for i in rng.integers(topic_words, size=per_sentence)]
        words += [col_topics[c][i] for i in rng.integers(topic_words, size=per_sentence)]
        words += [filler[i] for i in rng.integers(fillers, size=2)]
        rng.shuffle(words)
        out.append(words)
    return out


def analogies(rows: int = 5, cols: int = 4) -> list[tuple[str, str, str, str]]:
    """(a, b, c, d) with d = b - a + c, in questions-words order."""
    out = []
    for r1, r2 in itertools.permutations(range(rows), 2):
        for c1, c2 in itertools.permutations(range(cols), 2):
            out.append((entity(r1, c1), entity(r1, c2), entity(r2, c1), entity(r2, c2)))
    return out


def write_questions(path, rows: int = 5, cols: int = 4) -> None:
    with open(path, "w") as f:
        f.write(": planted-grid\n")
        for q in analogies(rows, cols):
            f.write(" ".join(q) + "\n")
