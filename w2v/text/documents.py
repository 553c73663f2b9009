"""Documents for Doc2Vec: one a line, read in the same pass as the vocabulary.

A document's tag is its line number (from 1), or, with ``tagged``, the text before the
line's first tab (``tag<TAB>text``). The rules, checked before any training:

* a line with no tab under ``tagged``, or an empty tag, is an error naming the line;
* an empty document (no words, after the tokeniser) is an error naming the line:
  it would get a vector that nothing trained;
* documents that share a tag share one vector, trained on all of them (gensim's
  rule: a tag names a vector, and a label as tag is a use of it); how many did is
  reported;
* a document whose words are all below the minimum count keeps its random starting
  vector; how many did is reported (``Documents.wordless``).

Documents have no length limit: a long one is cut into training jobs like any line,
with its vector shared by the parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CorpusError
from . import tokenizers
from .corpus import Corpus, describe
from .vocab import EncodedCorpus, Vocabulary, build


@dataclass(frozen=True)
class Documents:
    """The documents of an encoded corpus (one a sentence, or none when all its words
    were rare) and their vectors' tags."""

    tags: list[str]  # one a vector, in order of first appearance
    sentence_docs: np.ndarray  # int32: each sentence's vector (an index into tags)
    count: int  # documents read
    shared: int  # documents whose tag an earlier document had
    wordless: int  # vectors with no vocabulary word to train on


class _Tags:
    """The ``transform`` of a tagged corpus: blanks each line's tag, keeps its bytes."""

    def __init__(self, name: str):
        self.name = name
        self.state = np.ones(1, dtype=np.int64)  # at a line start
        self.chunks: list[bytes] = []
        self.lines = 0

    def __call__(self, block: np.ndarray) -> None:
        out = np.empty(len(block), dtype=np.uint8)
        written, lines, bad = tokenizers.strip_tags(block, self.state, out)
        if bad >= 0:
            raise CorpusError(f"{self.name}, line {self.lines + bad + 1}: no tab; --tagged "
                              "reads 'tag<TAB>text' lines")
        self.lines += lines
        self.chunks.append(out[:written].tobytes())

    def tags(self) -> list[str]:
        blob = b"".join(self.chunks)
        if self.state[0] and blob and not blob.endswith(b"\n"):  # a last line, no tab
            raise CorpusError(f"{self.name}, line {self.lines + 1}: no tab; --tagged reads "
                              "'tag<TAB>text' lines")
        tags = blob.decode("utf-8", "surrogateescape").split("\n")[:-1]
        for number, tag in enumerate(tags, 1):
            if not tag.strip():
                raise CorpusError(f"{self.name}, line {number}: the tag before the tab is "
                                  "empty")
        return tags


def read_documents(corpus: Corpus, min_count: int, max_vocab: int | None = None,
                   tagged: bool = False, tokenizer: str = "whitespace",
                   lowercase: bool = False, threads: int = 1
                   ) -> tuple[Vocabulary, EncodedCorpus, Documents]:
    """Count the vocabulary, encode the corpus and find its documents, in one pass."""
    name = describe(corpus)
    tags_of = _Tags(name) if tagged else None
    if tagged:
        threads = 1  # the tags' state runs from block to block
    vocab, encoded = build(corpus, min_count, max_vocab, lowercase, threads=threads,
                           tokenizer=tokenizer, lines=True, transform=tags_of)
    line_tokens = encoded.line_tokens
    empty = np.flatnonzero(line_tokens == 0)
    if tags_of is not None:
        line_tags = tags_of.tags()
        if len(line_tags) < len(line_tokens):  # a last line of words and no tab
            raise CorpusError(f"{name}, line {len(line_tokens)}: no tab; --tagged reads "
                              "'tag<TAB>text' lines")
        empty = np.union1d(empty, np.arange(len(line_tokens), len(line_tags)))
    if len(empty):
        after = " after --tokenizer simple" if tokenizer == "simple" else ""
        raise CorpusError(f"{name}, line {int(empty[0]) + 1}: an empty document (no words"
                          f"{after}); remove it or give it text")
    if tags_of is None:
        vectors = np.arange(len(line_tokens), dtype=np.int32)
        tags = [str(n) for n in range(1, len(line_tokens) + 1)]
    else:
        index: dict[str, int] = {}
        vectors = np.fromiter((index.setdefault(tag, len(index)) for tag in line_tags),
                              dtype=np.int32, count=len(line_tags))
        tags = list(index)
    sentence_docs = vectors[encoded.sentence_lines]
    trained = np.zeros(len(tags), dtype=bool)
    trained[sentence_docs] = True
    documents = Documents(tags=tags, sentence_docs=sentence_docs, count=len(line_tokens),
                          shared=len(line_tokens) - len(tags),
                          wordless=int(len(tags) - trained.sum()))
    return vocab, encoded, documents
