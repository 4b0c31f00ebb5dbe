"""The search index built cold, from every document. Pure.

The documents are normalised and their bigrams taken a chunk at a time (postings.pairs_of: numpy, no Python loop
per bigram); the chunks' sorted pairs are merged once, then cut into shard files (postings.encode)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence

from sitegen.search import postings
from sitegen.search.format import (
    SHARD_OVERHEAD,
    TARGET_SHARD_BYTES,
    SearchDocument,
    digest,
    doc_path,
    document_bytes,
    shard_count,
    shard_path,
)
from sitegen.search.postings import Pairs
from sitegen.search.state import IndexState

# code points indexed at once: their arrays (about 60 bytes a character for a moment) stay small
CHUNK_CHARACTERS = 500_000


def new_index(
    keys: Sequence[str], documents: Sequence[SearchDocument], target_shard_bytes: int = TARGET_SHARD_BYTES
) -> tuple[IndexState, list[tuple[str, bytes | None]]]:
    """The index of `documents` (keyed by `keys`), built cold: its state, and its files (meta.json, the shards by
    number, the documents by id)."""
    if len(keys) != len(documents):
        raise ValueError("one key per document")
    made = build_new_index(keys, documents.__getitem__, target_shard_bytes)
    files: list[tuple[str, bytes | None]] = []
    while True:
        try:
            files.append(next(made))
        except StopIteration as done:
            state: IndexState = done.value
            break
    meta, shards, docs = files[-1:], files[len(documents) : -1], files[: len(documents)]
    return state, meta + shards + docs


def build_new_index(
    keys: Sequence[str], document: Callable[[int], SearchDocument], target_shard_bytes: int = TARGET_SHARD_BYTES
) -> Generator[tuple[str, bytes], None, IndexState]:
    """`new_index` one document at a time: each document's file is handed out before the next document is asked
    for, so that a cold build never holds every article's text at once (about 100 MB at 10,000 articles). The shards
    and meta.json come last; the generator returns the state."""
    doc_digests: list[bytes] = []
    chunks: list[Pairs] = []
    texts: list[str] = []
    first = characters = 0
    for doc_id in range(len(keys)):
        doc = document(doc_id)
        texts.append(doc.unfolded)
        characters += len(texts[-1])
        data = document_bytes(doc)
        doc_digests.append(digest(doc_path(doc_id), data))
        yield doc_path(doc_id), data
        if characters >= CHUNK_CHARACTERS:
            chunks.append(postings.pairs_of(texts, range(first, doc_id + 1)))
            texts, first, characters = [], doc_id + 1, 0
    chunks.append(postings.pairs_of(texts, range(first, len(keys))))
    state = index_state(target_shard_bytes, keys, postings.encoded(chunks), doc_digests)
    yield from ((shard_path(number), data) for number, data in enumerate(state.shards))
    yield "meta.json", state.meta()
    return state


def index_state(
    target_shard_bytes: int, keys: Sequence[str], made: postings.Encoded, doc_digests: list[bytes]
) -> IndexState:
    """The state of the index of the postings `made`: its shard files, and their digests."""
    size = made.size
    count = shard_count(size, target_shard_bytes)
    files = postings.encode(made, count, range(count))
    shards = [files[number] for number in range(count)]
    assert sum(map(len, shards)) - SHARD_OVERHEAD * count == size
    digests = [digest(shard_path(number), data) for number, data in enumerate(shards)]
    return IndexState(target_shard_bytes, list(keys), size, digests, doc_digests, shards)
