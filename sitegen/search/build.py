"""The search index built cold, from every document. Pure.

The documents are read and their bigrams taken a part at a time (`index_part`; postings.pairs_of: numpy, no Python
loop per bigram); the parts' sorted pairs are merged once into postings (postings.encoded), then cut into shard
files (postings.encode). A build spreads the parts, and the merging by ranges of bigrams, over its workers
(`Spread`); the bytes are the same."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
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
# documents indexed as one part (whole chunks of DOCS_PER_CHUNK): a build hands the parts to its workers
PART_DOCUMENTS = 4 * DOCS_PER_CHUNK
# indexes parts elsewhere: given the number of documents and the part numbers, each part's `index_part`, in order
PartMap = Callable[[int, range], Iterable["Part"]]


@dataclass(frozen=True, slots=True)
class Spread:
    """Where a cold index's work is done besides the caller's process: the parts of documents (`parts`), and the
    postings of the parts' sorted runs of pairs (`encoded`: what postings.encoded makes of them; emptying them)."""

    parts: PartMap
    encoded: Callable[[list[Pairs]], postings.Encoded]


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


@dataclass(frozen=True, slots=True)
class Part:
    """What indexing a run of whole chunks of documents makes, where the documents were read: each document's bytes
    and digest (None: not read there, so made by the caller) and the sorted runs of pairs of the documents read."""

    documents: list[bytes | None]
    digests: list[bytes | None]
    pairs: list[Pairs]


def index_part(number: int, count: int, document: Callable[[int], SearchDocument | None]) -> Part:
    """The `number`th run of PART_DOCUMENTS documents of `count` (`document(doc_id)`: None when it cannot be read
    here). Pure: run in a worker process as well as in the caller's."""
    from sitegen.search import postings

    documents: list[bytes | None] = []
    digests: list[bytes | None] = []
    runs: list[Pairs] = []
    texts: list[str] = []
    ids: list[int] = []
    characters = 0
    for doc_id in range(number * PART_DOCUMENTS, min(count, (number + 1) * PART_DOCUMENTS)):
        doc = document(doc_id)
        if doc is None:
            documents.append(None)
            digests.append(None)
            continue
        data = document_bytes(doc)
        documents.append(data)
        digests.append(digest("", data))
        texts.append(doc.unfolded)
        ids.append(doc_id)
        characters += len(texts[-1])
        if characters >= BATCH_CHARACTERS:
            runs.append(postings.pairs_of(texts, ids))
            texts, ids, characters = [], [], 0
    if texts:
        runs.append(postings.pairs_of(texts, ids))
    return Part(documents, digests, runs)


def build_new_index(
    keys: Sequence[str],
    document: Callable[[int], SearchDocument],
    target_shard_bytes: int = TARGET_SHARD_BYTES,
    per_chunk: int = DOCS_PER_CHUNK,
    spread: Spread | None = None,
) -> Generator[tuple[str, bytes], None, IndexState]:
    """`new_index` one chunk of documents at a time: each chunk's file is handed out before the next part of
    documents is asked for, so that a cold build never holds every article's text at once (about 100 MB at 10,000
    articles). The shards and meta.json come last; the generator returns the state.

    `spread`: where the parts of documents are indexed (forked workers in a build) and their postings made; a
    document a part could not read is made here by `document`."""
    from sitegen.search import postings

    count = len(keys)
    numbers = range((count + PART_DOCUMENTS - 1) // PART_DOCUMENTS)
    here = (index_part(n, count, document) for n in numbers)
    made = spread.parts(count, numbers) if spread is not None else here
    doc_digests: list[bytes] = []
    chunk_digests: list[bytes] = []
    batches: list[Pairs] = []
    chunk: list[bytes] = []
    for number, part in zip(numbers, made, strict=True):
        batches += part.pairs
        unread: list[SearchDocument] = []
        unread_ids: list[int] = []
        for offset, (data, data_digest) in enumerate(zip(part.documents, part.digests, strict=True)):
            doc_id = number * PART_DOCUMENTS + offset
            if data is None or data_digest is None:
                unread.append(document(doc_id))
                unread_ids.append(doc_id)
                data = document_bytes(unread[-1])
                data_digest = digest("", data)
            chunk.append(data)
            doc_digests.append(data_digest)
            if len(chunk) == per_chunk or doc_id == count - 1:
                data = chunk_bytes(chunk)
                chunk_digests.append(digest(chunk_path(doc_id // per_chunk), data))
                yield chunk_path(doc_id // per_chunk), data
                chunk = []
        if unread:
            batches.append(postings.pairs_of([doc.unfolded for doc in unread], unread_ids))
    if not batches:
        batches.append(postings.empty())
    encoded = spread.encoded(batches) if spread is not None else postings.encoded(batches)
    state = index_state(target_shard_bytes, per_chunk, keys, encoded, doc_digests, chunk_digests)
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
