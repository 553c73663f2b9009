"""Numba tokeniser: bytes to provisional word ids through an open-addressing hash table,
with no Python object per token. Imports only w2v.jit; the caller allocates every array.

Tokens are separated by every character Python's ``str.split()`` treats as whitespace,
found in the UTF-8 bytes (``space_bytes``): ASCII's tab, LF, VT, FF, CR, the
separators 0x1C-0x1F and space, and U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
U+2029, U+202F, U+205F and U+3000. Their lead bytes (C2, E1, E2, E3) are never
continuation bytes, so a whitespace character is found where a UTF-8 decoder would find
it, even next to invalid bytes. Only LF ends a line (CR LF is a space, then the end).

The table state is a tuple of arrays (table, hashes, offsets, lengths, counts, arena)
plus ``counters = [distinct tokens, arena bytes used, tokens dropped as too long]``:
token ``k``'s bytes are ``arena[offsets[k]:offsets[k] + lengths[k]]`` and it occurred
``counts[k]`` times. ``Scanner`` in vocab.py owns this state and grows it when
``encode_block`` (or ``absorb``) stops for room.
"""

import numpy as np

from ..jit import kernel

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


# Each byte's part in splitting: 0 a byte of a token, 1 ASCII whitespace, 2 the lead
# byte of a multi-byte whitespace character, or of other characters that share it.
_BYTE_KIND = np.zeros(256, dtype=np.uint8)
_BYTE_KIND[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = 1
_BYTE_KIND[[0xC2, 0xE1, 0xE2, 0xE3]] = 2


@kernel(inline=True)
def _ascii_space(c):
    return _BYTE_KIND[c] == 1


@kernel(inline=True)
def space_bytes(data, i):
    """The length in bytes of the whitespace character that starts at ``data[i]``; 0
    when none does (a token byte, or a whitespace character cut off by the end)."""
    c = data[i]
    if c < 128:
        return 1 if _ascii_space(c) else 0
    if c == 0xC2:  # U+0085, U+00A0
        if i + 1 < len(data) and (data[i + 1] == 0x85 or data[i + 1] == 0xA0):
            return 2
        return 0
    if c < 0xE1 or c > 0xE3 or i + 2 >= len(data):
        return 0
    b = data[i + 1]
    d = data[i + 2]
    if c == 0xE1:  # U+1680
        return 3 if b == 0x9A and d == 0x80 else 0
    if c == 0xE3:  # U+3000
        return 3 if b == 0x80 and d == 0x80 else 0
    if b == 0x80:  # U+2000-U+200A, U+2028, U+2029, U+202F
        return 3 if (d >= 0x80 and d <= 0x8A) or d == 0xA8 or d == 0xA9 or d == 0xAF else 0
    return 3 if b == 0x81 and d == 0x9F else 0  # U+205F


@kernel
def last_space_end(data):
    """The position just after the last whitespace character that ends within ``data``
    (so ``data[:p]`` ends between tokens); -1 when there is none."""
    for p in range(len(data), 0, -1):
        if _ascii_space(data[p - 1]):
            return p
        for size in range(2, 4):
            if p >= size and data[p - size] >= 0xC2 and space_bytes(data, p - size) == size:
                return p
    return -1


@kernel
def first_space_end(data):
    """The position just after the first whitespace character of ``data``; -1 if none."""
    for i in range(len(data)):
        size = space_bytes(data, i)
        if size:
            return i + size
    return -1


@kernel
def encode_block(data, start, tables, counters, out_ids, out_line_ends, max_bytes, add):
    """Tokenise ``data[start:]`` (whitespace-separated, newline ends a line).

    Writes each token's provisional id to ``out_ids`` and, for each newline, the number
    of ids written before it to ``out_line_ends``. A token of more than ``max_bytes``
    bytes (when it is above 0) gets no id: it is counted in ``counters[2]`` and left
    out, as a word under the minimum count is. With ``add``, a new token joins the
    table and every token is counted, and the kernel stops early, before a token that
    is new, when the table is out of room; without, the table is only read (threads
    may share it) and a token not in it is left out. Returns (stop position, ids
    written, line ends written); stop == len(data) when the block is done.
    """
    counts = tables[4]
    n = len(data)
    n_out = 0
    n_ends = 0
    i = start
    while i < n:
        kind = _BYTE_KIND[data[i]]
        if kind == 1:
            if data[i] == 10:
                out_line_ends[n_ends] = n_out
                n_ends += 1
            i += 1
            continue
        if kind == 2:
            size = space_bytes(data, i)
            if size:
                i += size
                continue
        j = i
        h = _FNV_OFFSET
        while j < n:
            c = data[j]
            if (c <= 32 or c >= 0xC2) and (_ascii_space(c) or space_bytes(data, j)):
                break
            h = (h ^ np.uint64(c)) * _FNV_PRIME
            j += 1
        if max_bytes > 0 and j - i > max_bytes:
            counters[2] += 1
            i = j
            continue
        word = _find_or_add(tables, counters, data, i, j - i, h, add)
        if word == -1:
            return i, n_out, n_ends
        if word >= 0:
            out_ids[n_out] = word
            n_out += 1
            if add:
                counts[word] += 1
        i = j
    return n, n_out, n_ends


@kernel(inline=True)  # in encode_block's loop: a call per token cost 25%
def _find_or_add(tables, counters, source, start, length, h, add):
    """The id of the token source[start:start + length], whose hash is h, added with a
    count of 0 if it is new; -1 if it is new and the table is out of room; -2 if it is
    new and not ``add``."""
    table, hashes, offsets, lengths, counts, arena = tables
    mask = len(table) - 1
    slot = np.int64(h & np.uint64(mask))
    while True:
        word = table[slot]
        if word < 0:
            if not add:
                return -2
            word = counters[0]
            used = counters[1]
            if word == len(hashes) or used + length > len(arena):
                return -1
            table[slot] = word
            hashes[word] = h
            offsets[word] = used
            lengths[word] = length
            counts[word] = 0
            for k in range(length):
                arena[used + k] = source[start + k]
            counters[0] = word + 1
            counters[1] = used + length
            return word
        if hashes[word] == h and lengths[word] == length:
            same = True
            base = offsets[word]
            for k in range(length):
                if arena[base + k] != source[start + k]:
                    same = False
                    break
            if same:
                return word
        slot = (slot + 1) & mask


@kernel
def absorb(tables, counters, other, other_words, start, mapping):
    """Add another table's tokens start..other_words-1 (``other``: its state, as
    ``tables``), in their order, with their counts:
    mapping[k] = this table's id for its token k. Returns how many of its tokens are
    done: other_words, or fewer when this table is out of room."""
    _, hashes, offsets, lengths, counts, arena = other
    for k in range(start, other_words):
        word = _find_or_add(tables, counters, arena, offsets[k], lengths[k], hashes[k],
                            True)
        if word < 0:
            return k
        tables[4][word] += counts[k]
        mapping[k] = word
    return other_words


@kernel
def compact(tables, counters, keep):
    """Keep only the tokens ``k`` with ``keep[k]``, in their order, renumbered from 0
    (their bytes moved down the arena); the hash table must then be rebuilt
    (``rehash``)."""
    _, hashes, offsets, lengths, counts, arena = tables
    n = 0
    used = 0
    for k in range(counters[0]):
        if not keep[k]:
            continue
        base = offsets[k]
        for b in range(lengths[k]):  # never ahead of where it reads: used <= base
            arena[used + b] = arena[base + b]
        hashes[n] = hashes[k]
        offsets[n] = used
        lengths[n] = lengths[k]
        counts[n] = counts[k]
        used += lengths[k]
        n += 1
    counters[0] = n
    counters[1] = used


@kernel
def rehash(hashes, n_words, table):
    """Fill ``table`` (all -1, a power-of-two size) with tokens 0..n_words-1."""
    mask = np.uint64(len(table) - 1)
    for word in range(n_words):
        slot = np.int64(hashes[word] & mask)
        while table[slot] >= 0:
            slot = (slot + 1) & (len(table) - 1)
        table[slot] = word


@kernel
def remap(ids, final_id, line_ends, starts, lines):
    """Rewrite ``ids`` in place into final ids, dropping tokens whose ``final_id`` is -1
    (the kept ones move to the front). Writes the start of each non-empty line among
    them, plus the end, to ``starts`` (room for len(line_ends) + 2), and when ``lines``
    is not empty (room for len(line_ends) + 1) each such line's number (from 0) to it.
    Returns how many ids were kept and how many starts were written. ``line_ends`` are
    sorted positions in the original ``ids``."""
    starts[0] = 0
    n_starts = 1
    n = 0
    e = 0
    for p in range(len(ids) + 1):
        while e < len(line_ends) and line_ends[e] <= p:
            if starts[n_starts - 1] != n:
                if len(lines) > 0:
                    lines[n_starts - 1] = e
                starts[n_starts] = n
                n_starts += 1
            e += 1
        if p < len(ids):
            word = final_id[ids[p]]
            if word >= 0:
                ids[n] = word
                n += 1
    if starts[n_starts - 1] != n:
        if len(lines) > 0:
            lines[n_starts - 1] = e
        starts[n_starts] = n
        n_starts += 1
    return n, n_starts


@kernel
def non_ascii(offsets, lengths, arena, out):
    """For each of the first len(out) tokens: does it hold a byte above 127?"""
    for word in range(len(out)):
        out[word] = False
        for k in range(offsets[word], offsets[word] + lengths[word]):
            if arena[k] > 127:
                out[word] = True
                break
