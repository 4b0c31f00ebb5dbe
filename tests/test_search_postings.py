"""sitegen.search.postings: the vectorised halves of the index format agree with the plain definitions."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.search import postings
from sitegen.search.format import normalize, shard_of, text_bigrams

CHARACTERS = st.characters(exclude_categories=["Cs"])  # one to four UTF-8 bytes; no lone surrogates


@settings(max_examples=200, deadline=None)
@given(grams=st.lists(st.text(CHARACTERS, min_size=2, max_size=2), min_size=1, max_size=50), bits=st.integers(0, 12))
def test_shards_of_is_shard_of_for_every_bigram(grams: list[str], bits: int) -> None:
    found = postings.shards_of(postings.grams_from(grams), 1 << bits).tolist()
    assert found == [shard_of(gram, 1 << bits) for gram in grams]


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.text(st.one_of(CHARACTERS, st.sampled_from("均禾 \n…①ﬁ")), max_size=30), max_size=6))
def test_pairs_are_the_bigrams_of_the_normalised_texts(texts: list[str]) -> None:
    ids = [3 * i + 1 for i in range(len(texts))]
    pairs = postings.pairs_of(texts, ids)
    assert pairs.tolist() == sorted(set(pairs.tolist()))
    found = {(chr(g >> 21) + chr(g & 0x1FFFFF), d) for g, d in zip(
        postings.grams_of(pairs).tolist(), postings.docs_of(pairs).tolist(), strict=True
    )}  # fmt: skip
    expected = {(gram, doc) for text, doc in zip(texts, ids, strict=True) for gram in text_bigrams(normalize(text))}
    assert found == expected


def test_gaps_at_the_varint_boundaries_round_trip() -> None:
    ids = [0, 127, 128, 255, 16383 + 255, 16384 + 16383 + 255, (1 << 21) + 40000, (1 << 22) - 1]
    gram = ord("均") << 21 | ord("禾")
    pairs = np.array([gram << 22 | doc for doc in ids], dtype=np.uint64)
    data = postings.encode(postings.encoded([pairs]), 1, [0])[0]
    (count,) = struct.unpack_from("<I", data)
    assert count == 1
    assert postings.decode(data).tolist() == pairs.tolist()
    gaps = [b - a for a, b in zip([0, *ids], ids, strict=False)]
    sizes = [1 if g < 1 << 7 else 2 if g < 1 << 14 else 3 if g < 1 << 21 else 4 for g in gaps]
    assert len(data) == 4 + 8 + 8 + sum(sizes)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, (1 << 22) - 1)), max_size=60), st.integers(0, 4))
def test_shard_files_decode_to_their_pairs(entries: list[tuple[int, int]], bits: int) -> None:
    pairs = np.array(sorted({((0x4E00 + g) << 21 | 0x4E01) << 22 | d for g, d in entries}), dtype=np.uint64)
    shards = 1 << bits
    files = postings.encode(postings.encoded([pairs.copy()]), shards, range(shards))
    decoded = postings.merged([postings.decode(files[number]) for number in range(shards)])
    assert decoded.tolist() == pairs.tolist()


def test_a_damaged_shard_file_is_refused() -> None:
    pairs = np.array([(0x4E00 << 21 | 0x4E01) << 22 | 5], dtype=np.uint64)
    data = postings.encode(postings.encoded([pairs]), 1, [0])[0]
    for damaged in (data[:-1] + b"\x85", data[:6], data[:-1]):
        try:
            postings.decode(damaged)
        except ValueError:
            continue
        raise AssertionError(f"decoded {damaged!r}")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, (1 << 22) - 1)), max_size=60), st.integers(0, 4))
def test_a_shard_is_the_same_file_encoded_alone_or_with_all(entries: list[tuple[int, int]], bits: int) -> None:
    """Shards are gathered one at a time (an update encodes only those it touched)."""
    pairs = np.array(sorted({((0x4E00 + g) << 21 | 0x4E01) << 22 | d for g, d in entries}), dtype=np.uint64)
    shards = 1 << bits
    made = postings.encoded([pairs])
    every = postings.encode(made, shards, range(shards))
    assert every == {number: postings.encode(made, shards, [number])[number] for number in range(shards)}


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 300)), max_size=40), max_size=5),
    st.sampled_from([1, 2, 3, 7, 1 << 20]),
)
def test_runs_encode_alike_in_blocks_of_any_size(runs: list[list[tuple[int, int]]], block: int) -> None:
    """`encoded` takes the runs a block at a time, each block merged from the runs' pairs below a bound (a cold build
    holds no merged copy of every pair): the postings are those of the runs merged whole."""
    ids = {d for run in runs for _, d in run}
    owner = {d: min(i for i, run in enumerate(runs) if any(doc == d for _, doc in run)) for d in ids}
    parts = [
        np.array(sorted({((0x4E00 + g) << 21 | 0x4E01) << 22 | d for g, d in run if owner[d] == i}), dtype=np.uint64)
        for i, run in enumerate(runs)
    ]  # each document in one run, as a cold build's batches have them
    whole = postings.encoded([postings.merged([part.copy() for part in parts])])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "_BLOCK", block)
        made = postings.encoded(parts)
    assert (made.keys.tolist(), made.data.tolist(), made.offsets.tolist()) == (
        whole.keys.tolist(), whole.data.tolist(), whole.offsets.tolist()
    )  # fmt: skip
