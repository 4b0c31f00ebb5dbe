"""The search index brought up to date from what changed: the same bytes as a cold build (build.py). Pure.

Only the documents whose key changed (or that are new) are asked for. A document that changed adds its new pairs and
drops its old ones, in the shards of the bigrams it gained or lost: those it had are read from its old file when the
output still holds it (checked by its digest). When it does not (the CI path: an empty output folder; or a file
edited by hand), the changed documents are dropped from every shard instead, which costs a pass over all postings
but no document. The shards come from the state, never from the output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence

from sitegen.search import postings
from sitegen.search.format import (
    SHARD_OVERHEAD,
    SearchDocument,
    digest,
    doc_path,
    document_bytes,
    shard_count,
    shard_path,
    text_bigrams,
)
from sitegen.search.postings import Pairs
from sitegen.search.state import IndexState

Previous = Callable[[str], bytes | None]  # a file of the last index by its path under search/ (None: not there)
Files = list[tuple[str, bytes | None]]  # path under search/, and its bytes (None: the last index's)


def update_index(
    state: IndexState, keys: Sequence[str], document_at: Callable[[int], SearchDocument], previous: Previous
) -> Files:
    """Bring `state` to the documents keyed by `keys` (id = position). `document_at(id)` is asked only for the ids
    whose key changed or that are new; `previous(path)` only for the old files of documents that changed or went.
    Every file of the new index, in `new_index` order, with its bytes, or None where they are the last index's
    (meta.json always has them): the same bytes as `new_index`. The state is changed only when the update succeeds.
    """
    old_count, count = len(state.keys), len(keys)
    changed = [doc_id for doc_id in range(min(old_count, count)) if state.keys[doc_id] != keys[doc_id]]
    changed += range(old_count, count)
    documents = {doc_id: document_at(doc_id) for doc_id in changed}
    doc_digests = state.doc_digests[:count] + [b""] * max(0, count - old_count)
    doc_files: dict[int, bytes] = {}
    for doc_id, document in documents.items():
        data = document_bytes(document)
        doc_digests[doc_id] = digest(doc_path(doc_id), data)
        if doc_id >= old_count or doc_digests[doc_id] != state.doc_digests[doc_id]:
            doc_files[doc_id] = data  # else the key changed for something search does not show
    texts = {doc_id: documents[doc_id].searched for doc_id in doc_files}
    dropped = [*doc_files, *range(count, old_count)]
    grams = _changed_grams(state, previous, texts, dropped)
    added = postings.pairs_of([documents[doc_id].unfolded for doc_id in texts], list(texts))
    size, count_now, shard_files = _new_shards(state, grams, dropped, added)
    shard_digests = state.shard_digests[:count_now] + [b""] * max(0, count_now - len(state.shards))
    new_shards = state.shards[:count_now] + [b""] * max(0, count_now - len(state.shards))
    written: dict[int, bytes] = {}
    for number, data in shard_files.items():
        shard_digests[number], new_shards[number] = digest(shard_path(number), data), data
        if number >= len(state.shards) or shard_digests[number] != state.shard_digests[number]:
            written[number] = data
    state.keys, state.size, state.shard_digests, state.shards = list(keys), size, shard_digests, new_shards
    state.doc_digests = doc_digests
    files: Files = [("meta.json", state.meta())]
    files += ((shard_path(number), written.get(number)) for number in range(len(new_shards)))
    files += ((doc_path(doc_id), doc_files.get(doc_id)) for doc_id in range(count))
    return files


def restored(state: IndexState, path: str, document_at: Callable[[int], SearchDocument]) -> bytes:
    """A file of the index `state` describes, made again without the output: a shard from the state, a document from
    its article (whose key, unchanged, says it is the same; checked by its digest). ValueError when it is not."""
    kind, _, name = path.partition("/")
    number = int(name.split(".")[0])
    if kind == "shards":
        return state.shards[number]
    data = document_bytes(document_at(number))
    if digest(path, data) != state.doc_digests[number]:
        raise ValueError(f"{path} is not the file of the last index")
    return data


def _changed_grams(
    state: IndexState, previous: Previous, texts: dict[int, str], dropped: Sequence[int]
) -> set[str] | None:
    """The bigrams whose postings may change: those each changed document gained or lost; None when an old
    document's bigrams are unknown (its file is not the last index's), and every posting must be looked at."""
    grams: set[str] = set()
    for doc_id in dropped:
        old = _old_bigrams(state, previous, doc_id) if doc_id < len(state.keys) else set()
        if old is None:
            return None
        grams |= old.symmetric_difference(text_bigrams(texts[doc_id])) if doc_id in texts else old
    return grams


def _old_bigrams(state: IndexState, previous: Previous, doc_id: int) -> set[str] | None:
    path = doc_path(doc_id)
    data = previous(path)
    if data is None or digest(path, data) != state.doc_digests[doc_id]:
        return None
    return text_bigrams(SearchDocument(**json.loads(data)).searched)


def _new_shards(
    state: IndexState, grams: set[str] | None, dropped: Sequence[int], added: Pairs
) -> tuple[int, int, dict[int, bytes]]:
    """The index's new size and shard count, and the files of the shards that may have changed: those of `grams`
    (all when None), or every shard when the size crossed a threshold of the shard count."""
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
    old = postings.merged([postings.decode(state.shards[number]) for number in touched])
    kept = postings.without_documents(old, dropped)
    if len(touched) < count:
        added = postings.in_shards(added, count, touched)
    made = postings.encoded([kept, added])
    before = sum(len(state.shards[number]) - SHARD_OVERHEAD for number in touched)
    return made, state.size - before + made.size
