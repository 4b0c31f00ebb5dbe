"""Shard files patched for a few changed documents, in plain Python: the bytes `postings.encode` makes. Pure.

An edit of an article changes the postings of the bigrams it gained or lost, a few dozen of its hundreds; the
whole-shard path (postings.py) decodes and encodes every shard those fall in with numpy, whose import alone costs
about 80 ms, most of what an edit's index update takes. Here only the changed postings are made again (spliced
where every gap is one byte: the documents between two changes keep their bytes), and every other entry of their
shards is copied as it is: its bytes, its two code points, its offset moved by what the changed ones grew or
shrank. `patched` declines (None) when the changes cost more than a budget, or the index's new size asks for another
number of shards: then the whole-shard path runs.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import accumulate, pairwise
from typing import NamedTuple

from sitegen.search.format import shard_count, shard_of

# What a patch may cost (`_Shard.cost`), beyond which numpy's whole-shard path is the faster: the bytes of the
# postings it rewrites, some 25 ns each with the shards they are in when every gap is one byte (spliced: `_edited`),
# `_SLOW` times as much when some are longer (decoded and encoded a byte at a time): about 50 ms at most (measured
# on the bench's 10,000-article index: a 3,000-character passage replaced, 540 bigrams), where numpy's path takes
# 80 ms to import and 10-20 ms more. An edit of a sentence costs 1-2 ms.
PATCH_BUDGET = 2 << 20
_SLOW = 10
_CODE_BITS = 21  # a bigram's key: first << 21 | second (postings.py)
_MAX_DOCUMENTS = 1 << 22  # postings.MAX_DOCUMENTS: the whole-shard path refuses more, with its error
_WORD = "I" if array("I").itemsize == 4 else "L"  # uint32


class Change(NamedTuple):
    """A bigram's documents gained and lost."""

    added: frozenset[int]
    removed: frozenset[int]


class Patched(NamedTuple):
    size: int  # the bytes of every entry of the index (IndexState.size)
    files: dict[int, bytes]  # by shard number: its new file, for every shard a change falls in


def changes_of(grams: Mapping[int, tuple[set[str], set[str]]]) -> dict[str, Change]:
    """Per bigram, the documents that gained it and those that lost it, from each changed document's bigrams
    before and after (an empty set: a document that is new, or gone)."""
    added: dict[str, set[int]] = {}
    removed: dict[str, set[int]] = {}
    for doc_id, (was, now) in grams.items():
        for gram in now - was:
            added.setdefault(gram, set()).add(doc_id)
        for gram in was - now:
            removed.setdefault(gram, set()).add(doc_id)
    return {
        gram: Change(frozenset(added.get(gram, ())), frozenset(removed.get(gram, ())))
        for gram in sorted(added.keys() | removed.keys())
    }


def patched(shards: Sequence[bytes], size: int, target: int, changes: Mapping[str, Change],
            budget: int = PATCH_BUDGET) -> Patched | None:  # fmt: skip
    """The files of the shards `changes` fall in, patched, and the index's new size; None when over `budget` or
    when the new size asks for another number of shards (every bigram moves)."""
    count = len(shards)
    by_shard: dict[int, dict[int, Change]] = {}
    for gram, change in changes.items():
        if any(doc_id >= _MAX_DOCUMENTS for doc_id in change.added):
            return None
        by_shard.setdefault(shard_of(gram, count), {})[ord(gram[0]) << _CODE_BITS | ord(gram[1])] = change
    spent = 0
    files: dict[int, bytes] = {}
    for number in sorted(by_shard):
        shard = _Shard(shards[number])
        spent += shard.cost(by_shard[number])
        if spent > budget:
            return None
        files[number] = shard.with_changes(by_shard[number])
        size += len(files[number]) - len(shards[number])
    if shard_count(size, target) != count:
        return None
    return Patched(size, files)


class _Shard:
    """A shard file's entries as the format lays them out (format.py): the count, the keys' code points, the
    offsets, the postings."""

    def __init__(self, data: bytes) -> None:
        count = int.from_bytes(data[:4], "little")
        head = _words(data[4 : 4 * (3 * count + 2)])
        if len(head) != 3 * count + 1:
            raise ValueError("not a shard file")
        self.points = head[: 2 * count]  # two code points an entry
        self.offsets = head[2 * count :]
        self.body = data[4 * (3 * count + 2) :]
        if self.offsets[0] != 0 or self.offsets[-1] != len(self.body):
            raise ValueError("not a shard file")
        points = self.points
        self.keys = [first << _CODE_BITS | second for first, second in zip(points[::2], points[1::2], strict=True)]

    def cost(self, changes: Mapping[int, Change]) -> int:
        """What patching the postings `changes` rewrite costs: their bytes, those of postings with gaps of
        several bytes (decoded a byte at a time) weighing `_SLOW` times as much."""
        cost = 0
        for key in changes:
            at = bisect_left(self.keys, key)
            if self._has(at, key):
                posting = self.body[self.offsets[at] : self.offsets[at + 1]]
                cost += len(posting) * (1 if posting.isascii() else _SLOW)
        return cost

    def with_changes(self, changes: Mapping[int, Change]) -> bytes:
        """The file with each changed posting made again (an entry added where a bigram is new to the shard,
        dropped where it lost its last document), the others' bytes as they were."""
        offsets, body = self.offsets, self.body
        points = array(_WORD)
        ends = [0]
        parts: list[bytes] = []
        copied = 0  # the entries before this one are in `parts`
        for key in sorted(changes):
            at = bisect_left(self.keys, key)
            present = self._has(at, key)
            self._copy(copied, at, points, ends, parts)
            posting = _edited(body[offsets[at] : offsets[at + 1]] if present else b"", changes[key])
            if posting:
                points.extend((key >> _CODE_BITS, key & ((1 << _CODE_BITS) - 1)))
                parts.append(posting)
                ends.append(ends[-1] + len(posting))
            copied = at + 1 if present else at
        self._copy(copied, len(self.keys), points, ends, parts)
        head = array(_WORD, [len(points) // 2])
        head.extend(points)
        head.extend(ends)
        return _little_endian(head) + b"".join(parts)

    def _has(self, at: int, key: int) -> bool:
        return at < len(self.keys) and self.keys[at] == key

    def _copy(self, start: int, stop: int, points: array[int], ends: list[int], parts: list[bytes]) -> None:
        """Entries `start` to `stop` as they are, their offsets moved to where they now begin."""
        if stop <= start:
            return
        offsets = self.offsets
        shift = ends[-1] - offsets[start]
        points.extend(self.points[2 * start : 2 * stop])
        ends.extend(offset + shift for offset in offsets[start + 1 : stop + 1])
        parts.append(self.body[offsets[start] : offsets[stop]])


def _edited(posting: bytes, change: Change) -> bytes:
    """The posting with `change`'s documents added and removed. One of one-byte gaps (most: a bigram common
    enough to have a long posting has small gaps) is spliced: its bytes are its documents one to one, so the
    documents between two changes keep their bytes, and only the gap after each change is made again; another is
    decoded and encoded whole."""
    if not posting.isascii():
        return _varints(sorted(set(_documents(posting)).difference(change.removed).union(change.added)))
    documents = list(accumulate(posting))
    parts: list[bytes] = []
    last = 0  # the last document written
    taken = 0  # the documents before this one are written
    for document in sorted(change.added | change.removed):
        at = bisect_left(documents, document)
        present = at < len(documents) and documents[at] == document
        if at > taken:  # documents[taken:at] as they are, but the first's gap from the last written
            parts += (_varint(documents[taken] - last), posting[taken + 1 : at])
            last = documents[at - 1]
        if document in change.added and not present:
            parts.append(_varint(document - last))
            last = document
        elif document in change.removed and present:
            at += 1  # left out
        taken = max(taken, at)
    if taken < len(documents):
        parts += (_varint(documents[taken] - last), posting[taken + 1 :])
    return b"".join(parts)


def _varint(gap: int) -> bytes:
    if gap < 0x80:
        return bytes((gap,))
    return _varints([gap])


def _documents(posting: bytes) -> list[int]:
    """A posting's document ids: the running sum of its LEB128 gaps (in C when every gap is one byte)."""
    if posting.isascii():
        return list(accumulate(posting))
    gaps = []
    value = shift = 0
    for byte in posting:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            gaps.append(value)
            value = shift = 0
    if shift:
        raise ValueError("not a shard file")
    return list(accumulate(gaps))


def _varints(documents: Sequence[int]) -> bytes:
    """Ascending document ids as LEB128 gaps, the first from 0 (none: no bytes)."""
    if not documents:
        return b""
    gaps = [documents[0], *(later - earlier for earlier, later in pairwise(documents))]
    if max(gaps) < 0x80:
        return bytes(gaps)
    out = bytearray()
    for gap in gaps:
        while gap >= 0x80:
            out.append(gap & 0x7F | 0x80)
            gap >>= 7
        out.append(gap)
    return bytes(out)


def _words(data: bytes) -> array[int]:
    words = array(_WORD)
    words.frombytes(data[: len(data) - len(data) % 4])
    if sys.byteorder == "big":
        words.byteswap()
    return words


def _little_endian(words: array[int]) -> bytes:
    if sys.byteorder == "big":
        words.byteswap()
    return words.tobytes()
