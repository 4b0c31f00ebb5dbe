"""The search index built cold, from every document. Pure.

The documents are normalised and their bigrams taken a batch at a time (postings.pairs_of: numpy, no Python loop
per bigram); the batches' sorted pairs are merged once, then cut into shard files (postings.encode)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING

from sitegen.search.format import (
    DOCS_PER_CHUNK,
    SHARD_OVERHEAD,
    TARGET_SHARD_BYTES,
    SearchDocument,
    chunk_bytes,
    chunk_count,
    chunk_path,
    digest,
    document_bytes,
    shard_count,
    shard_path,
)
from sitegen.search.state import IndexState

if TYPE_CHECKING:  # postings (numpy, about 90 ms) is imported where an index is made: a build with no
    from sitegen.search import postings  # changed article never loads it
    from sitegen.search.postings import Pairs

# code points indexed at once: their arrays (about 60 bytes a character for a moment) stay small
BATCH_CHARACTERS = 500_000


def new_index(
    keys: Sequence[str],
    documents: Sequence[SearchDocument],
    target_shard_bytes: int = TARGET_SHARD_BYTES,
    per_chunk: int = DOCS_PER_CHUNK,
) -> tuple[IndexState, list[tuple[str, bytes | None]]]:
    """The index of `documents` (keyed by `keys`), built cold: its state, and its files (meta.json, the shards by
    number, the chunks of documents by number)."""
    if len(keys) != len(documents):
        raise ValueError("one key per document")
    made = build_new_index(keys, documents.__getitem__, target_shard_bytes, per_chunk)
    files: list[tuple[str, bytes | None]] = []
    while True:
        try:
            files.append(next(made))
        except StopIteration as done:
            state: IndexState = done.value
            break
    chunks = chunk_count(len(documents), per_chunk)
    return state, files[-1:] + files[chunks:-1] + files[:chunks]


def build_new_index(
    keys: Sequence[str],
    document: Callable[[int], SearchDocument],
    target_shard_bytes: int = TARGET_SHARD_BYTES,
    per_chunk: int = DOCS_PER_CHUNK,
) -> Generator[tuple[str, bytes], None, IndexState]:
    """`new_index` one chunk of documents at a time: each chunk's file is handed out before the next document is
    asked for, so that a cold build never holds every article's text at once (about 100 MB at 10,000 articles).
    The shards and meta.json come last; the generator returns the state."""
    from sitegen.search import postings

    doc_digests: list[bytes] = []
    chunk_digests: list[bytes] = []
    batches: list[Pairs] = []
    texts: list[str] = []
    chunk: list[bytes] = []
    first = characters = 0
    for doc_id in range(len(keys)):
        doc = document(doc_id)
        texts.append(doc.unfolded)
        characters += len(texts[-1])
        chunk.append(document_bytes(doc))
        doc_digests.append(digest("", chunk[-1]))
        if len(chunk) == per_chunk or doc_id == len(keys) - 1:
            data = chunk_bytes(chunk)
            chunk_digests.append(digest(chunk_path(doc_id // per_chunk), data))
            yield chunk_path(doc_id // per_chunk), data
            chunk = []
        if characters >= BATCH_CHARACTERS:
            batches.append(postings.pairs_of(texts, range(first, doc_id + 1)))
            texts, first, characters = [], doc_id + 1, 0
    batches.append(postings.pairs_of(texts, range(first, len(keys))))
    state = index_state(target_shard_bytes, per_chunk, keys, postings.encoded(batches), doc_digests, chunk_digests)
    yield from ((shard_path(number), data) for number, data in enumerate(state.shards))
    yield "meta.json", state.meta()
    return state


def index_state(
    target_shard_bytes: int,
    per_chunk: int,
    keys: Sequence[str],
    made: postings.Encoded,
    doc_digests: list[bytes],
    chunk_digests: list[bytes],
) -> IndexState:
    """The state of the index of the postings `made`: its shard files, and their digests."""
    from sitegen.search import postings

    size = made.size
    count = shard_count(size, target_shard_bytes)
    files = postings.encode(made, count, range(count))
    shards = [files[number] for number in range(count)]
    assert sum(map(len, shards)) - SHARD_OVERHEAD * count == size
    digests = [digest(shard_path(number), data) for number, data in enumerate(shards)]
    return IndexState(target_shard_bytes, per_chunk, list(keys), size, digests, doc_digests, chunk_digests, shards)
