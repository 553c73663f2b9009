"""Rewriting blocks of UTF-8 text in place before the whitespace tokeniser (``scan``)
reads them. Imports only w2v.jit and NumPy.

``simple`` (``--tokenizer simple``, for raw reviews and articles): Unicode letters and
digits are word characters (Python's ``str.isalnum``) and everything else separates
words: punctuation, symbols, marks, invalid bytes. ASCII letters are lowercased here;
the caller lowercases the rest with the vocabulary (``vocab.build(lowercase=True)``).
HTML line breaks (``<br />``, ``<br/>``, ``<br>``, any case) are dropped rather than
leaving a word "br". Each character becomes as many spaces as it had bytes, so the
text keeps its length and its line ends, and a block cut after a whitespace character
(``corpus.text_blocks``) stays cut between words.

``strip_tags`` (``w2v docs train --tagged``): each line is ``tag<TAB>text``; the tag and
its tab become spaces and the tag's bytes are copied out.
"""

from functools import cache

import numpy as np

from ..jit import kernel

_ASCII_WORD = np.zeros(128, dtype=np.bool_)
_ASCII_WORD[list(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] = True


@cache
def word_characters() -> np.ndarray:
    """For every code point, is it a letter or digit (``str.isalnum``)? Made once a
    process, in about 0.2 s, from the running Python's Unicode tables."""
    return np.fromiter((chr(c).isalnum() for c in range(0x110000)), dtype=np.bool_,
                       count=0x110000)


def cleaner(tokenizer: str):
    """What rewrites a block for ``tokenizer`` (config.TOKENIZERS); None: nothing."""
    if tokenizer == "simple":
        return simple
    if tokenizer != "whitespace":
        raise ValueError(f"unknown tokenizer {tokenizer!r}")
    return None


def simple(block: np.ndarray) -> None:
    """Rewrite a block of UTF-8 bytes in place for the simple tokeniser."""
    simple_block(block, word_characters())


@kernel(inline=True)
def _ascii_word(data, i):
    return i < len(data) and data[i] < 128 and _ASCII_WORD[data[i]]


@kernel
def simple_block(data, word):
    """Separators to spaces, ASCII capitals to small letters, HTML line breaks dropped;
    ``word`` is ``word_characters()``."""
    n = len(data)
    i = 0
    while i < n:
        c = data[i]
        if c < 128:
            if _ASCII_WORD[c]:
                if 65 <= c <= 90:
                    data[i] = c + 32
            elif c == 60 and i + 2 < n and (data[i + 1] | 32) == 98 \
                    and (data[i + 2] | 32) == 114 and not _ascii_word(data, i + 3) \
                    and (i + 3 == n or data[i + 3] < 128):  # "<br" then no letter
                data[i] = data[i + 1] = data[i + 2] = 32
                i += 3
                continue
            elif c != 10:
                data[i] = 32
            i += 1
            continue
        size = 0
        point = 0
        if 0xC2 <= c <= 0xDF:
            size, point = 2, c & 0x1F
        elif 0xE0 <= c <= 0xEF:
            size, point = 3, c & 0x0F
        elif 0xF0 <= c <= 0xF4:
            size, point = 4, c & 0x07
        valid = size > 0 and i + size <= n
        if valid:
            for k in range(1, size):
                b = data[i + k]
                if b < 0x80 or b > 0xBF:
                    valid = False
                    break
                point = (point << 6) | (b & 0x3F)
        if not valid:  # an invalid byte separates words
            data[i] = 32
            i += 1
            continue
        if point >= len(word) or not word[point]:
            for k in range(size):
                data[i + k] = 32
        i += size


@kernel
def strip_tags(data, state, tags):
    """Blank each line's tag and the tab after it in ``data``, copying the tag's bytes
    to ``tags`` (room for len(data)) with a line end after each whole tag. state[0] is
    1 when ``data`` starts inside a tag (at a line start) and is left as the block ends.
    Returns (bytes written to ``tags``, line ends in ``data``, the number of line ends
    before the first line that ended with no tab, or -1)."""
    in_tag = state[0]
    t = 0
    lines = 0
    bad = -1
    for i in range(len(data)):
        c = data[i]
        if c == 10:
            if in_tag and bad < 0:
                bad = lines
            lines += 1
            in_tag = 1
            continue
        if in_tag:
            if c == 9:
                tags[t] = 10
                in_tag = 0
            else:
                tags[t] = c
            t += 1
            data[i] = 32
    state[0] = in_tag
    return t, lines, bad
