"""Intrinsic benchmarks: analogy accuracy (3CosAdd or 3CosMul) and word-pair similarity.

The conventions are those of word2vec's compute-accuracy and gensim 4.4's
``evaluate_word_analogies`` / ``evaluate_word_pairs``, and the results equal gensim's:

* Analogies: a line ``a b c d`` asks for d as the word nearest to b - a + c (3CosAdd,
  on unit vectors), excluding a, b and c. Only the ``restrict`` most frequent words are
  searched and all comparisons ignore case (the most frequent spelling of a word
  stands for it; like gensim, the answer is the first of the 5 best words that is not
  another spelling of a, b or c). A question with a word outside that range is
  skipped: counted in ``skipped``, left out of ``accuracy`` (``accuracy_all`` counts it
  as wrong). Lines ``: name`` start sections; sections named ``gram...`` are syntactic,
  the others semantic (questions-words' convention). A line that is not four words is
  skipped and its number kept in ``malformed_lines``.
* 3CosMul (Levy & Goldberg 2014) ranks words x by cos'(x, b) cos'(x, c) /
  (cos'(x, a) + 0.001), where cos' = (cos + 1) / 2 keeps every factor positive; the
  same exclusions and restriction apply.
* Word pairs: tab-separated ``word word score`` lines (``#`` starts a comment); pairs
  with a word missing from the vocabulary are skipped and counted, and other lines are
  skipped and their numbers kept. Spearman's rho ranks ties by their average rank.

Each analogy section is scored in batches of questions, as matrix products.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import EvaluationError
from ..vectors.keyed import KeyedVectors, unit_length

BATCH = 256  # questions scored at once: a (BATCH x restrict) float32 score matrix
METHODS = ("add", "mul")
MUL_EPSILON = np.float32(0.001)  # Levy & Goldberg 2014
_TOP = 5  # gensim looks for an answer among its 5 best words


@dataclass(frozen=True)
class Section:
    name: str
    correct: int
    answered: int  # questions whose four words are all in the searched vocabulary
    skipped: int = 0  # the other questions
    # A subword model also answers the skipped questions (see ``analogies``):
    ngram_correct: int = 0  # those it answers right

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def accuracy_with_ngrams(self) -> float:
        """Correct among all the section's questions, the skipped ones answered by a
        subword model (``ngram_correct``) included."""
        questions = self.answered + self.skipped
        return (self.correct + self.ngram_correct) / questions if questions else 0.0

    def to_dict(self) -> dict:
        return {"name": self.name, "correct": self.correct, "answered": self.answered,
                "skipped": self.skipped, "accuracy": self.accuracy,
                "ngram_correct": self.ngram_correct}


@dataclass(frozen=True)
class AnalogyResult:
    path: str
    method: str  # "add" (3CosAdd) or "mul" (3CosMul)
    restrict: int  # words searched: the most frequent ones
    sections: list[Section]
    malformed_lines: list[int]  # 1-based numbers of lines that are not four words
    subwords: bool = False  # a subword model: the skipped questions were answered too

    def _total(self, name: str, sections: list[Section]) -> Section:
        return Section(name, sum(s.correct for s in sections),
                       sum(s.answered for s in sections), sum(s.skipped for s in sections),
                       sum(s.ngram_correct for s in sections))

    @property
    def overall(self) -> Section:
        return self._total("overall", self.sections)

    @property
    def semantic(self) -> Section:
        return self._total("semantic", [s for s in self.sections
                                        if not s.name.startswith("gram")])

    @property
    def syntactic(self) -> Section:
        return self._total("syntactic", [s for s in self.sections
                                         if s.name.startswith("gram")])

    @property
    def correct(self) -> int:
        return self.overall.correct

    @property
    def answered(self) -> int:
        return self.overall.answered

    @property
    def skipped(self) -> int:
        return self.overall.skipped

    @property
    def questions(self) -> int:
        return self.answered + self.skipped

    @property
    def accuracy(self) -> float:
        """Correct among the questions answered (the convention of gensim and word2vec)."""
        return self.overall.accuracy

    @property
    def accuracy_all(self) -> float:
        """Correct among all questions, skipped ones counted as wrong."""
        return self.correct / self.questions if self.questions else 0.0

    @property
    def accuracy_with_ngrams(self) -> float | None:
        """A subword model's accuracy over all questions, those with a word outside the
        searched words answered too; None for other models."""
        return self.overall.accuracy_with_ngrams if self.subwords else None

    def to_dict(self) -> dict:
        short = ("correct", "answered", "accuracy")
        return {"file": self.path, "method": self.method, "restrict": self.restrict,
                "accuracy": self.accuracy, "accuracy_all": self.accuracy_all,
                "accuracy_with_ngrams": self.accuracy_with_ngrams,
                "ngram_correct": self.overall.ngram_correct,
                "correct": self.correct, "answered": self.answered,
                "questions": self.questions, "skipped": self.skipped,
                "malformed": len(self.malformed_lines),
                "malformed_lines": self.malformed_lines,
                "semantic": {k: getattr(self.semantic, k) for k in short},
                "syntactic": {k: getattr(self.syntactic, k) for k in short},
                "sections": [s.to_dict() for s in self.sections]}


@dataclass(frozen=True)
class WordPairResult:
    path: str
    spearman: float
    pearson: float
    pairs: int  # pairs scored
    skipped: int  # pairs with a word missing from the vocabulary
    malformed_lines: list[int]  # 1-based numbers of lines that are not word, word, score
    # A subword model answers for words outside its vocabulary from their n-grams:
    ngram_pairs: int = 0  # pairs scored with such a word
    vocabulary_spearman: float | None = None  # over the other pairs alone
    vocabulary_pairs: int = 0

    def to_dict(self) -> dict:
        return {"file": self.path, "spearman": self.spearman, "pearson": self.pearson,
                "pairs": self.pairs, "skipped": self.skipped,
                "ngram_pairs": self.ngram_pairs,
                "vocabulary_spearman": self.vocabulary_spearman,
                "vocabulary_pairs": self.vocabulary_pairs,
                "malformed": len(self.malformed_lines),
                "malformed_lines": self.malformed_lines}


def analogies(kv: KeyedVectors, path: str | os.PathLike, restrict: int = 30000,
              method: str = "add") -> AnalogyResult:
    """Accuracy on an analogy file such as questions-words.txt; see the module doc."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    n = min(restrict, len(kv))
    canonical = _case_folded_index(kv.words[:n])
    folded = np.array([canonical[w.upper()] for w in kv.words[:n]], dtype=np.int64)
    unit = kv.unit_rows(n)

    # A subword model answers a question with a word outside the searched ones too: that
    # word's vector (from the whole vocabulary, or the mean of its trained n-grams) is an
    # extra row after the searched ones, never itself an answer.
    subword = kv.ngrams is not None
    everywhere = _case_folded_index(kv.words) if subword else {}
    extra: dict[str, int] = {}  # upper-cased word -> its extra row
    extra_rows: list[np.ndarray | None] = []

    def row_of(word: str, spelled: str) -> int:
        if word in canonical:
            return canonical[word]
        if word not in extra:
            extra[word] = n + len(extra_rows)
            extra_rows.append(kv.vectors[everywhere[word]] if word in everywhere
                              else kv.ngrams.vector(spelled))
        return extra[word]

    names, questions, skipped, malformed, beyond = [], [], [], [], []
    for number, line in _lines(path):
        if line.startswith(":"):
            names.append(line[1:].strip())
            questions.append([])
            skipped.append(0)
            beyond.append([])
            continue
        words = line.upper().split()
        if len(words) != 4 or not names:
            malformed.append(number)
        elif all(w in canonical for w in words):
            questions[-1].append([canonical[w] for w in words])
        else:
            skipped[-1] += 1
            if subword:
                beyond[-1].append([row_of(w, raw) for w, raw in zip(words, line.split())])
    if not names:
        raise EvaluationError(f"{os.fspath(path)}: no analogy questions (': section' "
                              f"lines, then 'a b c d' lines); {len(malformed)} other lines")
    if not any(questions) and not any(beyond):
        raise EvaluationError(
            f"{os.fspath(path)}: none of its {sum(skipped):,} questions has all four words "
            f"among the model's {n:,} most frequent words")
    known = np.array([row is not None for row in extra_rows], dtype=bool)
    if extra_rows:  # a word with no trained n-gram: a zero row; its questions are wrong
        dim = kv.dim
        unit = np.vstack([unit, unit_length(np.array([np.zeros(dim) if row is None else row
                                                     for row in extra_rows]))])
        folded = np.concatenate([folded, -1 - np.arange(len(extra_rows))])
    scorer = _Scorer(unit, method, n)

    def correct(q: list[list[int]]) -> int:
        rows = np.array(q, dtype=np.int64).reshape(-1, 4)
        if len(extra_rows):  # a, b or c without a vector: no answer
            has = np.ones(len(rows), dtype=bool)
            for column in rows[:, :3].T:
                outside = column >= n
                has[outside] &= known[column[outside] - n]
            rows = rows[has]
        return _count_correct(scorer, folded, rows)

    sections = [Section(name, correct(q), len(q), k, correct(b) if b else 0)
                for name, q, k, b in zip(names, questions, skipped, beyond)]
    return AnalogyResult(os.fspath(path), method, n, sections, malformed, subword)


def _count_correct(scorer: _Scorer, folded: np.ndarray, questions: np.ndarray) -> int:
    """Questions (rows a, b, c, d of indices) whose answer is d."""
    correct = 0
    for lo in range(0, len(questions), BATCH):
        a, b, c, d = questions[lo:lo + BATCH].T
        rows = np.arange(len(a))
        scores = scorer.scores(a, b, c)
        for given in (a, b, c):
            searched = given < scores.shape[1]  # not an extra row (see analogies)
            scores[rows[searched], given[searched]] = -np.inf
        given = folded[np.stack([a, b, c], axis=1)]  # case-folded a, b, c of each row
        best = scores.argmax(axis=1)
        # gensim's rule: the first of its 5 best words that is not a spelling of a, b or c
        pending = np.flatnonzero((folded[best][:, None] == given).any(axis=1))
        for _ in range(_TOP - 1):
            if len(pending) == 0:
                break
            scores[pending, best[pending]] = -np.inf
            best[pending] = scores[pending].argmax(axis=1)
            pending = pending[(folded[best[pending]][:, None] == given[pending]).any(axis=1)]
        correct += int(np.sum(folded[best] == folded[d]))
    return correct


class _Scorer:
    """Scores of every candidate answer for a batch of questions, written into buffers
    reused from batch to batch (fresh 30 MB arrays would cost a page fault per 4 KiB)."""

    def __init__(self, unit: np.ndarray, method: str, candidates: int):
        self.unit = unit  # the rows of the questions' words: the candidates', then others
        self.unit_t = np.ascontiguousarray(unit[:candidates].T)  # the layout BLAS reads fastest
        self.method = method
        count = 1 if method == "add" else 3
        self.buffers = [np.empty((BATCH, candidates), np.float32) for _ in range(count)]

    def scores(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """(len(a) x words), higher is better; valid until the next call."""
        n, unit = len(a), self.unit
        if self.method == "add":
            return np.matmul(unit[b] - unit[a] + unit[c], self.unit_t,
                             out=self.buffers[0][:n])
        near_a, near_b, near_c = (np.matmul(unit[rows], self.unit_t, out=buffer[:n])
                                  for rows, buffer in zip((a, b, c), self.buffers))
        for cos in (near_a, near_b, near_c):  # cos' = (cos + 1) / 2
            cos += 1.0
            cos *= 0.5
        near_a += MUL_EPSILON
        near_b *= near_c
        near_b /= near_a
        return near_b


def word_pairs(kv: KeyedVectors, path: str | os.PathLike) -> WordPairResult:
    """Spearman and Pearson correlation of cosine similarity with human scores.

    A pair with a word outside the vocabulary is skipped, unless ``kv`` is a subword
    model: its vector is then the mean of its trained n-grams (zero, so a cosine of 0,
    when none was trained, as fastText answers), and the result also gives the
    correlation over the pairs whose words are both in the vocabulary."""
    canonical = _case_folded_index(kv.words)
    gold, model, skipped, malformed = [], [], 0, []
    from_ngrams: list[bool] = []
    for number, line in _lines(path):
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            score = float(parts[2]) if len(parts) == 3 else None
        except ValueError:
            score = None
        if score is None:
            malformed.append(number)
            continue
        a, b = parts[0].upper(), parts[1].upper()
        if a in canonical and b in canonical:
            model.append(kv.cosine(canonical[a], canonical[b]))
            from_ngrams.append(False)
        elif kv.ngrams is not None:
            va, vb = (kv.vectors[canonical[w]] if w in canonical else
                      kv.ngrams.vector(raw) for w, raw in ((a, parts[0]), (b, parts[1])))
            model.append(_cosine(va, vb))
            from_ngrams.append(True)
        else:
            skipped += 1
            continue
        gold.append(score)
    if len(gold) < 2:
        raise EvaluationError(
            f"{os.fspath(path)}: {len(gold)} of its {len(gold) + skipped:,} word pairs have "
            f"both words in the vocabulary; a correlation needs at least two"
            + (f" ({len(malformed)} lines are not 'word<TAB>word<TAB>score')"
               if malformed else ""))
    gold_a, model_a = np.array(gold), np.array(model)
    known = ~np.array(from_ngrams)
    vocabulary = None
    if not known.all() and known.sum() >= 2:
        vocabulary = _pearson(_ranks(gold_a[known]), _ranks(model_a[known]))
    return WordPairResult(os.fspath(path), spearman=_pearson(_ranks(gold_a), _ranks(model_a)),
                          pearson=_pearson(gold_a, model_a), pairs=len(gold),
                          skipped=skipped, malformed_lines=malformed,
                          ngram_pairs=int((~known).sum()), vocabulary_spearman=vocabulary,
                          vocabulary_pairs=int(known.sum()))


def _cosine(u: np.ndarray | None, v: np.ndarray | None) -> float:
    """Cosine of two vectors; 0 when either is missing (None) or zero."""
    if u is None or v is None:
        return 0.0
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    norms = np.linalg.norm(u) * np.linalg.norm(v)
    return float(u @ v / norms) if norms > 0 else 0.0


def _case_folded_index(words: list[str]) -> dict[str, int]:
    """Upper-cased word -> index of its most frequent spelling."""
    index: dict[str, int] = {}
    for i, word in enumerate(words):
        index.setdefault(word.upper(), i)
    return index


def _lines(path: str | os.PathLike) -> list[tuple[int, str]]:
    """(1-based line number, stripped text) of every non-blank line."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            return [(i, line.strip()) for i, line in enumerate(f, 1) if line.strip()]
    except OSError as exc:
        raise EvaluationError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from None


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    denom = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / denom) if denom else 0.0
