"""What the next build needs of the last search index: `IndexState`, as plain data to save and load. Pure; no numpy,
so that reading the build cache stays cheap to import."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sitegen.search.format import (
    DOCS_PER_CHUNK,
    FORMAT,
    MAX_SHARDS,
    NORMALIZE_VERSION,
    TARGET_SHARD_BYTES,
    chunk_count,
    digest,
    meta_bytes,
    shard_path,
)

# What a saved state means besides sitegen's version: the format and its sizes (an update keeps the state's), and
# how text is folded (normalize and NFKC's tables decide the bigrams of the postings and of an old document read back).
STATE_SCHEMA = f"{FORMAT}|{TARGET_SHARD_BYTES}|{DOCS_PER_CHUNK}|{NORMALIZE_VERSION}|{unicodedata.unidata_version}"


@dataclass(slots=True)
class IndexState:
    """The last index but its documents' files: per document its key and the digest of its JSON, per chunk of
    documents the digest of its file, and the shard files themselves (binary postings: about a sixth of the index).
    Plain lists, bytes, str and int (see `state_data`), so it is read and written in milliseconds, and with the
    shards in it an update needs no shard of the output: a build into an empty folder (the CI path) rewrites the
    index without indexing a document."""

    target: int  # the TARGET_SHARD_BYTES it was built for
    per_chunk: int  # the DOCS_PER_CHUNK it was built for
    keys: list[str]  # by document id: what determines the document (see `documents.document_key`)
    size: int  # the bytes of every entry: decides the number of shards
    shard_digests: list[bytes]  # by shard: format.digest of its file
    doc_digests: list[bytes]  # by document id: format.digest of its `document_bytes` (under no path)
    chunk_digests: list[bytes]  # by chunk: format.digest of its file
    shards: list[bytes]  # by shard: its file

    def meta(self) -> bytes:
        digests = self.shard_digests + self.chunk_digests
        return meta_bytes(len(self.keys), len(self.shard_digests), self.per_chunk, digests)


def state_data(state: IndexState) -> tuple[object, ...]:
    """The state as plain data, to be saved."""
    return tuple(getattr(state, name) for name in IndexState.__slots__)


def state_from_data(data: object) -> IndexState:
    """The state saved by `state_data`; ValueError when the data does not have its shape (a damaged file)."""
    if type(data) is not tuple or len(data) != len(IndexState.__slots__):
        raise ValueError("not an index state")
    state = IndexState(*data)
    lists = (state.keys, state.shard_digests, state.doc_digests, state.chunk_digests, state.shards)
    if not all(type(values) is list for values in lists):
        raise ValueError("not an index state")
    shard_count = len(state.shard_digests)
    if not (
        type(state.target) is int
        and type(state.size) is int
        and type(state.per_chunk) is int
        and state.target > 0
        and state.per_chunk > 0
        and len(state.doc_digests) == len(state.keys)
        and len(state.chunk_digests) == chunk_count(len(state.keys), state.per_chunk)
        and len(state.shards) == shard_count
        and 0 < shard_count <= MAX_SHARDS
        and shard_count & (shard_count - 1) == 0  # a power of two
        and all(type(key) is str for key in state.keys)
        and all(type(value) is bytes for values in lists[1:] for value in values)
        and all(digest(shard_path(n), data) == state.shard_digests[n] for n, data in enumerate(state.shards))
    ):
        raise ValueError("not an index state")
    return state
