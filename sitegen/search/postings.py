"""Postings as numpy arrays: from texts, into shard files and back, with no Python loop per bigram. Pure.

A posting is held as "pairs": one uint64 per (bigram, document), `gram << DOC_BITS | doc id`, where `gram` is the
bigram's two code points, `first << 21 | second` (a code point has 21 bits). Sorted, the pairs are the postings in
the order the shard files list them: by bigram (code point order, which is str order), then by document id. Sorting
and grouping those integers is what numpy does in C; the only Python loops left run once per chunk of documents and
once per shard file. numpy is the one dependency this costs (see the README's dependency table).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from sitegen.search.format import SEPARATOR_CODES, normalize

Pairs = npt.NDArray[np.uint64]
_Item = TypeVar("_Item", bound=np.generic)
DOC_BITS = 22  # 42 bits of bigram leave 22 for the document id
MAX_DOCUMENTS = 1 << DOC_BITS  # 4,194,304 articles
_DOC_MASK = np.uint64(MAX_DOCUMENTS - 1)
_CODE_BITS = 21
_CODE_MASK = np.uint64((1 << _CODE_BITS) - 1)
_FNV_OFFSET, _FNV_PRIME = np.uint32(0x811C9DC5), np.uint32(0x01000193)
_BLOCK = 1 << 20  # pairs encoded at once
_UTF8_LEAD = np.array([0, 0, 0xC0, 0xE0, 0xF0], dtype=np.uint32)  # by the length of the character in UTF-8


def empty() -> Pairs:
    return np.zeros(0, dtype=np.uint64)


def pairs_of(texts: Sequence[str], ids: Sequence[int]) -> Pairs:
    """The sorted, distinct pairs of texts (before `normalize`), the document `ids[i]` holding `texts[i]`: adjacent
    characters, never across white space (the texts are joined with a newline, a separator, so no pair spans two)."""
    if len(ids) and max(ids) >= MAX_DOCUMENTS:
        raise ValueError(f"the search index holds at most {MAX_DOCUMENTS} articles")
    raw = np.frombuffer("\n".join(texts).encode("utf-32-le"), dtype="<u4")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    codes, forms = _folding().fold(raw)
    if len(codes) < 2:
        return empty()
    docs = np.repeat(np.repeat(np.asarray(ids, dtype=np.uint64), lengths)[: len(raw)], forms)[: len(codes) - 1]
    apart = np.isin(codes, SEPARATOR_CODES)
    joined = ~(apart[:-1] | apart[1:])
    grams = codes[:-1].astype(np.uint64) << np.uint64(_CODE_BITS) | codes[1:].astype(np.uint64)
    return _distinct(np.sort(grams[joined] << np.uint64(DOC_BITS) | docs[joined]))


class _Folding:
    """`normalize` as arrays over code points, learnt one distinct character at a time as they are met (a few
    thousand in a site): the one character each folds to, or the several (… to ..., ① to 1) or none it becomes."""

    def __init__(self) -> None:
        self.seen = np.zeros(0x110000, dtype=bool)
        self.single = np.arange(0x110000, dtype=np.uint32)
        self.length = np.ones(0x110000, dtype=np.int64)
        self.longer: dict[int, list[int]] = {}

    def fold(self, raw: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
        """The normalised code points, and how many each raw one became."""
        for code in _distinct(np.sort(raw[~self.seen[raw]])).tolist():
            form = [ord(char) for char in normalize(chr(code))]
            self.length[code] = len(form)
            if len(form) == 1:
                self.single[code] = form[0]
            else:
                self.longer[code] = form
            self.seen[code] = True
        forms = self.length[raw]
        if np.all(forms == 1):
            return self.single[raw], forms
        ends = np.cumsum(forms)
        starts = ends - forms
        out = np.empty(int(ends[-1]), dtype=np.uint32)
        one = forms == 1
        out[starts[one]] = self.single[raw[one]]
        others = np.flatnonzero(~one)
        for code in _distinct(np.sort(raw[others])).tolist():
            at = starts[others[raw[others] == code]]
            for offset, folded in enumerate(self.longer[code]):
                out[at + offset] = folded
        return out, forms


@functools.cache
def _folding() -> _Folding:
    """A memo of a pure function, like format's table for str.translate; made on first use (its three tables of
    0x110000 entries cost a few ms, which a build that indexes no text does not pay)."""
    return _Folding()


def _distinct(ordered: npt.NDArray[_Item]) -> npt.NDArray[_Item]:
    """The sorted array without repeats (np.unique's hash table is slower than this on a sorted array, and np.unique
    imports numpy.ma, about 10 ms, to ask whether the array is masked)."""
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def grams_from(texts: Iterable[str]) -> Pairs:
    """Bigrams given as two-character strings, as `gram` integers."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    return codes[0::2] << np.uint64(_CODE_BITS) | codes[1::2]


def merged(parts: list[Pairs]) -> Pairs:
    """Sorted runs (or any pairs) as one sorted array; numpy's stable sort merges the runs it finds. `parts` is
    emptied as it is copied, so that the pairs of a big site are held about once, not twice."""
    out = np.empty(sum(map(len, parts)), dtype=np.uint64)
    at = 0
    while parts:
        part = parts.pop(0)
        out[at : at + len(part)] = part
        at += len(part)
    out.sort(kind="stable")
    return out


def grams_of(pairs: Pairs) -> Pairs:
    return pairs >> np.uint64(DOC_BITS)


def docs_of(pairs: Pairs) -> npt.NDArray[np.uint64]:
    return pairs & _DOC_MASK


def without_documents(pairs: Pairs, ids: Sequence[int]) -> Pairs:
    return pairs[~np.isin(docs_of(pairs), np.asarray(ids, dtype=np.uint64))]


def in_shards(pairs: Pairs, shards: int, numbers: Collection[int]) -> Pairs:
    """The pairs whose bigram falls in one of the shards `numbers` (of `shards`)."""
    return pairs[np.isin(shards_of(grams_of(pairs), shards), np.asarray(list(numbers), dtype=np.int64))]


def shards_of(grams: Pairs, shards: int) -> npt.NDArray[np.int64]:
    """format.shard_of for every bigram at once: FNV-1a (32 bit) over the UTF-8 bytes of its two characters."""
    value = np.full(len(grams), _FNV_OFFSET, dtype=np.uint32)
    for code in ((grams >> np.uint64(_CODE_BITS)).astype(np.uint32), (grams & _CODE_MASK).astype(np.uint32)):
        size = 1 + (code >= 0x80).astype(np.uint32) + (code >= 0x800) + (code >= 0x10000)
        for k in range(4):
            shift = 6 * (size.astype(np.int64) - 1 - k)
            if k == 0:
                byte = _UTF8_LEAD[size] | code >> shift.astype(np.uint32)
            else:
                byte = 0x80 | (code >> np.maximum(shift, 0).astype(np.uint32)) & 0x3F
            value = np.where(k < size, (value ^ byte.astype(np.uint32)) * _FNV_PRIME, value)
    return (value % np.uint32(shards)).astype(np.int64)


@dataclass(frozen=True, slots=True)
class Encoded:
    """Sorted pairs as postings in bigram order: each bigram, its posting's bytes (LEB128 gaps) and where they are."""

    keys: Pairs  # the distinct bigrams, ascending
    data: npt.NDArray[np.uint8]  # every posting's bytes, one after the other
    offsets: npt.NDArray[np.int64]  # where each posting starts in data, and its end

    @property
    def size(self) -> int:
        """The bytes of every entry (code points, offset, posting), in whatever shards they fall."""
        return 12 * len(self.keys) + len(self.data)


def encoded(parts: list[Pairs]) -> Encoded:
    """The postings of the pairs in `parts` (sorted runs; emptied), made a block of pairs at a time so that a big
    site's arrays are held once as pairs and once as bytes, never as the several arrays of a step each."""
    keys: list[Pairs] = []
    data: list[npt.NDArray[np.uint8]] = []
    starts: list[npt.NDArray[np.int64]] = []
    written = 0
    previous: np.uint64 | None = None  # the last pair of the block before
    for block in _in_order(parts):
        grams = grams_of(block)
        docs = (block & _DOC_MASK).astype(np.uint32)
        first = np.empty(len(block), dtype=bool)
        first[1:] = grams[1:] != grams[:-1]
        first[0] = previous is None or grams[0] != previous >> np.uint64(DOC_BITS)
        gaps = docs.copy()
        gaps[1:] -= docs[:-1]
        if previous is not None and not first[0]:  # the block starts inside a posting
            gaps[0] -= np.uint32(previous & _DOC_MASK)
        gaps[first] = docs[first]
        sizes = _varint_sizes(gaps)
        ends = np.cumsum(sizes, dtype=np.int64)
        heads = np.flatnonzero(first)
        keys.append(grams[heads])
        starts.append(written + ends[heads] - sizes[heads])
        data.append(_varints(gaps, sizes, ends))
        written += int(ends[-1])
        previous = block[-1]
    offsets = np.concatenate([*starts, np.array([written], dtype=np.int64)])
    return Encoded(
        np.concatenate(keys) if keys else empty(), np.concatenate(data) if data else np.zeros(0, np.uint8), offsets
    )


def gram_bounds(parts: list[Pairs], pieces: int) -> list[int]:
    """Pair values cutting the sorted runs `parts` into at most `pieces` ranges of about as many pairs, each cut
    at the start of a bigram (no posting spans two ranges): the first is 0, the last past every pair."""
    total = sum(map(len, parts))
    cuts = {0, 1 << 64}
    if total and pieces > 1:
        sample = np.sort(np.concatenate([part[:: max(1, len(part) // 256)] for part in parts if len(part)]))
        for k in range(1, pieces):
            gram = int(sample[len(sample) * k // pieces]) >> DOC_BITS
            cuts.add(gram << DOC_BITS)  # the first pair any document can have of that bigram
    return sorted(cuts)


def between(parts: list[Pairs], low: int, high: int) -> list[Pairs]:
    """The pairs of each sorted run in `parts` from `low` (included) to `high` (excluded): views, not copies."""
    found = []
    for part in parts:
        start = int(np.searchsorted(part, np.uint64(low), side="left"))
        end = len(part) if high >= 1 << 64 else int(np.searchsorted(part, np.uint64(high), side="left"))
        found.append(part[start:end])
    return found


def joined(pieces: Sequence[Encoded]) -> Encoded:
    """The postings of consecutive bigram ranges (`between` of `gram_bounds`) as one: what `encoded` makes of all."""
    sizes = [len(piece.data) for piece in pieces]
    bases = list(itertools.accumulate(sizes, initial=0))
    offsets = [piece.offsets[:-1] + base for piece, base in zip(pieces, bases[:-1], strict=True)]
    return Encoded(
        np.concatenate([piece.keys for piece in pieces]) if pieces else empty(),
        np.concatenate([piece.data for piece in pieces]) if pieces else np.zeros(0, np.uint8),
        np.concatenate([*offsets, np.array([sum(sizes)], dtype=np.int64)]),
    )


def _in_order(parts: list[Pairs]) -> Iterator[Pairs]:
    """The pairs of the sorted runs `parts` (emptied at the end) in order, about `_BLOCK` at a time: each block is
    the runs' pairs up to a bound, sorted. `merged` would hold them all twice, and sort them all with a buffer of
    half as many again: a cold build's peak (4 KB an article), where these blocks hold a few megabytes."""
    total = sum(map(len, parts))
    if total:
        step = max(1, _BLOCK // (4 * len(parts)))  # a bound every `step` pairs of a run: blocks stay near _BLOCK
        candidates = _distinct(np.sort(np.concatenate([part[step - 1 :: step] for part in parts])))
        below = np.zeros(len(candidates), dtype=np.int64)  # how many pairs each candidate bound takes in
        for part in parts:
            below += np.searchsorted(part, candidates, side="right")
        at = np.searchsorted(below, np.arange(_BLOCK, total, _BLOCK))  # the first bound that takes in k blocks
        bounds = _distinct(np.sort(candidates[at[at < len(candidates)]]))
        taken = [0] * len(parts)
        for bound in [*bounds.tolist(), None]:
            ends = [len(part) if bound is None else int(np.searchsorted(part, bound, side="right")) for part in parts]
            block = np.concatenate([part[at:end] for part, at, end in zip(parts, taken, ends, strict=True)])
            taken = ends
            if len(block):
                block.sort()
                yield block
    parts.clear()


def encode(postings: Encoded, shards: int, numbers: Iterable[int]) -> dict[int, bytes]:
    """The files of shards `numbers` (of `shards`) holding the postings that fall in them. Gathered a shard at a
    time: gathering every shard's bytes at once took an int64 array of positions per byte of postings, several
    times (some 14 KB an article for a moment, the peak of a cold build of 30,000 articles)."""
    key_shards = shards_of(postings.keys, shards)
    order = np.argsort(key_shards, kind="stable")  # by shard, each still in bigram order
    key_bounds = np.concatenate(([0], np.cumsum(np.bincount(key_shards, minlength=shards))))
    starts = postings.offsets[:-1]
    lengths = np.diff(postings.offsets)
    files = {}
    for number in numbers:
        chosen = order[int(key_bounds[number]) : int(key_bounds[number + 1])]
        keys = postings.keys[chosen]
        sizes = lengths[chosen]
        offsets = np.concatenate(([0], np.cumsum(sizes)))
        moved = np.repeat(starts[chosen] - offsets[:-1], sizes)  # each byte: where it comes from
        head = np.empty(2 + 3 * len(keys), dtype="<u4")
        head[0] = len(keys)
        head[1 : 1 + 2 * len(keys) : 2] = (keys >> np.uint64(_CODE_BITS)).astype("<u4")
        head[2 : 2 + 2 * len(keys) : 2] = (keys & _CODE_MASK).astype("<u4")
        head[1 + 2 * len(keys) :] = offsets
        files[number] = head.tobytes() + postings.data[moved + np.arange(len(moved))].tobytes()
    return files


def decode(data: bytes) -> Pairs:
    """The sorted pairs of a shard file (ValueError when it is not one)."""
    count = int.from_bytes(data[:4], "little")
    body_at = 4 * (2 + 3 * count)
    if len(data) < body_at:
        raise ValueError("not a shard file")
    head = np.frombuffer(data, dtype="<u4", count=1 + 3 * count, offset=4)
    body = np.frombuffer(data, dtype=np.uint8, offset=body_at)
    keys = head[0 : 2 * count : 2].astype(np.uint64) << np.uint64(_CODE_BITS) | head[1 : 2 * count : 2]
    offsets = head[2 * count :].astype(np.int64)
    if count and (offsets[0] != 0 or offsets[-1] != len(body) or np.any(np.diff(offsets) <= 0)):
        raise ValueError("not a shard file")
    if len(body) and body[-1] >= 0x80:
        raise ValueError("not a shard file")
    gaps = _from_varints(body)
    done = np.concatenate(([0], np.cumsum(body < 0x80)))  # values finished before each byte
    starts = done[offsets[:-1]]
    counts = np.diff(done[offsets])
    totals = np.cumsum(gaps)
    before = totals[starts] - gaps[starts] if count else totals[:0]
    docs = totals - np.repeat(before, counts)
    return np.repeat(keys, counts) << np.uint64(DOC_BITS) | docs


def _varint_sizes(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.int8]:
    sizes = np.ones(len(values), dtype=np.int8)
    for k in range(1, 4):  # ids < 2**28: at most four bytes
        sizes += values >= np.uint32(1 << (7 * k))
    return sizes


def _varints(
    values: npt.NDArray[np.uint32], sizes: npt.NDArray[np.int8], ends: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint8]:
    """Unsigned LEB128, all values one after the other (`sizes`: their lengths, `ends`: where each ends)."""
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    starts = ends - sizes
    out[starts] = (values & np.uint32(0x7F)).astype(np.uint8) | ((sizes > 1).astype(np.uint8) << 7)
    longer = np.flatnonzero(sizes > 1)  # few: most gaps of a common bigram are small
    for k in range(1, 4):
        byte = (values[longer] >> np.uint32(7 * k)) & np.uint32(0x7F)
        out[starts[longer] + k] = byte.astype(np.uint8) | ((sizes[longer] > k + 1).astype(np.uint8) << 7)
        longer = longer[sizes[longer] > k + 1]
    return out


def _from_varints(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    if not len(data):
        return empty()
    ends = np.flatnonzero(data < 0x80)
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    sizes = ends - starts + 1
    if np.any(sizes > 4):
        raise ValueError("not a shard file")
    values = np.zeros(len(ends), dtype=np.uint64)
    for k in range(4):
        chosen = sizes > k
        values[chosen] |= (data[starts[chosen] + k] & 0x7F).astype(np.uint64) << np.uint64(7 * k)
    return values
