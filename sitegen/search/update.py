"""The search index brought up to date from what changed: the same bytes as a cold build (build.py). Pure.

Only the documents whose key changed (or that are new) are asked for, and the others of the chunks they rewrite when
the output does not hold those chunks. A document that changed adds its new pairs and drops its old ones, in the
shards of the bigrams it gained or lost: those it had are read from its old chunk when the output still holds it
(checked by its digest). When it does not (the CI path: an empty output folder; or a file edited by hand), the
changed documents are dropped from every shard instead, which costs a pass over all postings but no document. The
shards come from the state, never from the output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from sitegen.search.format import (
    SHARD_OVERHEAD,
    SearchDocument,
    chunk_bytes,
    chunk_count,
    chunk_path,
    digest,
    document_bytes,
    shard_count,
    shard_path,
    text_bigrams,
)
from sitegen.search.patch import PATCH_BUDGET, changes_of, patched
from sitegen.search.state import IndexState

if TYPE_CHECKING:  # postings (numpy, about 90 ms) is imported where whole shards are made: a build with no
    from sitegen.search import postings  # changed article, or a few (search/patch.py), never loads it
    from sitegen.search.postings import Pairs

Previous = Callable[[str], bytes | None]  # a file of the last index by its path under search/ (None: not there)
Files = list[tuple[str, bytes | None]]  # path under search/, and its bytes (None: the last index's)


def update_index(
    state: IndexState,
    keys: Sequence[str],
    document_at: Callable[[int], SearchDocument],
    previous: Previous,
    budget: int = PATCH_BUDGET,
) -> Files:
    """Bring `state` to the documents keyed by `keys` (id = position). `document_at(id)` is asked for the ids whose
    key changed or that are new, and for the unchanged documents of a chunk that must be rewritten when its old
    file is not at hand; `previous(path)` only for the old chunks of documents that changed or went.
    Every file of the new index, in `new_index` order, with its bytes, or None where they are the last index's
    (meta.json always has them): the same bytes as `new_index`. The state is changed only when the update succeeds.
    The shards are patched in plain Python (search/patch.py) when that costs no more than `budget` (its measure).
    """
    old_count, count = len(state.keys), len(keys)
    changed = [doc_id for doc_id in range(min(old_count, count)) if state.keys[doc_id] != keys[doc_id]]
    changed += range(old_count, count)
    documents = {doc_id: document_at(doc_id) for doc_id in changed}
    doc_digests = state.doc_digests[:count] + [b""] * max(0, count - old_count)
    doc_files: dict[int, bytes] = {}
    for doc_id, document in documents.items():
        data = document_bytes(document)
        doc_digests[doc_id] = digest("", data)
        if doc_id >= old_count or doc_digests[doc_id] != state.doc_digests[doc_id]:
            doc_files[doc_id] = data  # else the key changed for something search does not show
    old = _OldChunks(state, previous)
    texts = {doc_id: documents[doc_id].searched for doc_id in doc_files}
    dropped = [*doc_files, *range(count, old_count)]
    grams = _document_grams(old, texts, dropped)
    done = None if grams is None else patched(state.shards, state.size, state.target, changes_of(grams), budget)
    if done is not None:
        size, count_now, shard_files = done.size, len(state.shards), done.files
    else:
        unfolded = {doc_id: documents[doc_id].unfolded for doc_id in doc_files}
        changed_grams = None if grams is None else {g for was, now in grams.values() for g in was ^ now}
        size, count_now, shard_files = _new_shards(state, changed_grams, dropped, unfolded)
    shard_digests = state.shard_digests[:count_now] + [b""] * max(0, count_now - len(state.shards))
    new_shards = state.shards[:count_now] + [b""] * max(0, count_now - len(state.shards))
    written: dict[int, bytes] = {}
    for number, data in shard_files.items():
        shard_digests[number], new_shards[number] = digest(shard_path(number), data), data
        if number >= len(state.shards) or shard_digests[number] != state.shard_digests[number]:
            written[number] = data
    chunk_digests, chunk_files = _new_chunks(state, count, doc_files, old, document_at)
    state.keys, state.size, state.shard_digests, state.shards = list(keys), size, shard_digests, new_shards
    state.doc_digests, state.chunk_digests = doc_digests, chunk_digests
    files: Files = [("meta.json", state.meta())]
    files += ((shard_path(number), written.get(number)) for number in range(len(new_shards)))
    files += ((chunk_path(chunk), chunk_files.get(chunk)) for chunk in range(len(chunk_digests)))
    return files


def restored(state: IndexState, path: str, document_at: Callable[[int], SearchDocument]) -> bytes:
    """A file of the index `state` describes, made again without the output: a shard from the state, a chunk from
    its articles (whose keys, unchanged, say they are the same; checked by its digest). ValueError when it is not."""
    kind, _, name = path.partition("/")
    number = int(name.split(".")[0])
    if kind == "shards":
        return state.shards[number]
    ids = range(number * state.per_chunk, min(len(state.keys), (number + 1) * state.per_chunk))
    data = chunk_bytes([document_bytes(document_at(doc_id)) for doc_id in ids])
    if digest(path, data) != state.chunk_digests[number]:
        raise ValueError(f"{path} is not the file of the last index")
    return data


class _OldChunks:
    """The documents of the last index's chunks, as `document_bytes`, read from the output when it holds them (a
    chunk whose digest is not the last index's is not used), each chunk once."""

    def __init__(self, state: IndexState, previous: Previous) -> None:
        self.state, self.previous = state, previous
        self.read: dict[int, list[bytes] | None] = {}

    def document(self, doc_id: int) -> bytes | None:
        chunk, at = divmod(doc_id, self.state.per_chunk)
        if chunk not in self.read:
            path = chunk_path(chunk)
            data = self.previous(path)
            ok = data is not None and digest(path, data) == self.state.chunk_digests[chunk]
            self.read[chunk] = data[1:-2].split(b",\n") if ok and data is not None else None  # no raw line break
        documents = self.read[chunk]
        return documents[at] if documents is not None else None


def _new_chunks(
    state: IndexState,
    count: int,
    doc_files: dict[int, bytes],
    old: _OldChunks,
    document_at: Callable[[int], SearchDocument],
) -> tuple[list[bytes], dict[int, bytes]]:
    """The digest of every chunk of `count` documents, and the files of those that changed: the chunks of the
    documents in `doc_files`, and the last one when it lost documents. Their unchanged documents come from their old
    chunk in the output, else from `document_at` (checked by their digests: ValueError when not the same)."""
    per, old_count = state.per_chunk, len(state.keys)
    touched = {doc_id // per for doc_id in doc_files}
    if count < old_count and count % per:
        touched.add(count // per)
    digests = state.chunk_digests[: chunk_count(count, per)]
    digests += [b""] * (chunk_count(count, per) - len(digests))
    files: dict[int, bytes] = {}
    for chunk in sorted(touched):
        members = []
        for doc_id in range(chunk * per, min(count, (chunk + 1) * per)):
            data = doc_files.get(doc_id) or old.document(doc_id)
            if data is None:
                data = document_bytes(document_at(doc_id))
                if digest("", data) != state.doc_digests[doc_id]:
                    raise ValueError(f"document {doc_id} is not the one of the last index")
            members.append(data)
        data = chunk_bytes(members)
        digests[chunk] = digest(chunk_path(chunk), data)
        if chunk >= len(state.chunk_digests) or digests[chunk] != state.chunk_digests[chunk]:
            files[chunk] = data
    return digests, files


def _document_grams(
    old: _OldChunks, texts: dict[int, str], dropped: Sequence[int]
) -> dict[int, tuple[set[str], set[str]]] | None:
    """Each changed document's bigrams before and after (none before: new; none after: gone); None when an old
    document's bigrams are unknown (its chunk is not the last index's), and every posting must be looked at."""
    grams: dict[int, tuple[set[str], set[str]]] = {}
    for doc_id in dropped:
        was: set[str] = set()
        if doc_id < len(old.state.keys):
            data = old.document(doc_id)
            if data is None:
                return None
            was = text_bigrams(SearchDocument(**json.loads(data)).searched)
        grams[doc_id] = (was, text_bigrams(texts[doc_id]) if doc_id in texts else set())
    return grams


def _new_shards(
    state: IndexState, grams: set[str] | None, dropped: Sequence[int], unfolded: dict[int, str]
) -> tuple[int, int, dict[int, bytes]]:
    """The index's new size and shard count, and the files of the shards that may have changed: those of `grams`
    (all when None), or every shard when the size crossed a threshold of the shard count. With numpy, whole
    shards at a time; `unfolded`: the new text of each document that changed."""
    from sitegen.search import postings

    added = postings.pairs_of(list(unfolded.values()), list(unfolded))
    count = len(state.shards)
    if grams is None:
        touched: Collection[int] = range(count)
    else:
        touched = sorted(set(postings.shards_of(postings.grams_from(sorted(grams)), count).tolist()))
    if not touched:
        return state.size, count, {}
    pairs, size = _apply(state, touched, dropped, added, count)
    new_count = shard_count(size, state.target)
    if new_count != count:  # every bigram moves
        if len(touched) < count:
            pairs, size = _apply(state, range(count), dropped, added, count)
            new_count = shard_count(size, state.target)
        touched = range(new_count)
    return size, new_count, postings.encode(pairs, new_count, touched)


def _apply(
    state: IndexState, touched: Collection[int], dropped: Sequence[int], added: Pairs, count: int
) -> tuple[postings.Encoded, int]:
    """The postings of the `touched` shards without the `dropped` documents and with the `added` pairs that fall in
    them; and the size of the whole index with them."""
    from sitegen.search import postings

    old = postings.merged([postings.decode(state.shards[number]) for number in touched])
    kept = postings.without_documents(old, dropped)
    if len(touched) < count:
        added = postings.in_shards(added, count, touched)
    made = postings.encoded([kept, added])
    before = sum(len(state.shards[number]) - SHARD_OVERHEAD for number in touched)
    return made, state.size - before + made.size
