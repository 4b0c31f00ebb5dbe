"""The search indexes' files of a build: the source's under search/, each edition's under its prefix.

An index no article of which changed is kept as it is (its files intact in the output), or taken back from the page
store (the output lost it: a fresh CI checkout); else it is updated from the last index's state, so that only the
articles whose key changed are read again, or, with no usable state, built cold (and said, when a state was there
but could not be used). `sitegen serve` keeps the source's index and its state in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path

from sitegen.build.editions import EditionView
from sitegen.build.load import LoadedSite
from sitegen.build.run import Run
from sitegen.cachenotes import cold_search, damaged
from sitegen.edition import edition_key
from sitegen.incremental.pages import PageStore, compress
from sitegen.incremental.searchrecord import SEARCH_FILE, load_search_state, search_state_file
from sitegen.layout import CACHE_DIR
from sitegen.model import OutputFile
from sitegen.search.index import (
    SEARCH_URL,
    Files,
    IndexState,
    Previous,
    SearchDocument,
    build_new_index,
    column_titles,
    document_key,
    restored,
    search_document,
    update_index,
)

# The search index's files are stored as rows of their own kind; a mark names the index (by the digest of what it
# was made from) that they make up, so an update that leaves most files as they were rewrites only the others.
SEARCH_ROWS = "search-index"
SEARCH_MARK = "search"
# what an update raises on a damaged state, or a document not as its key says: the index is built cold
_UPDATE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def search_files(run: Run, loaded: LoadedSite, output: Path | None) -> Iterator[OutputFile]:
    """The search index: kept when no article it covers changed, else updated from the last index's state."""
    columns = column_titles(loaded.site)
    keys = [document_key(article, columns) for article in reversed(loaded.site.articles)]  # ids: oldest first
    digest = hashlib.sha1(repr(keys).encode()).hexdigest()
    record, memory = run.cache.search, run.memory
    paths = record.paths
    reusable = output is not None and memory is None and digest == record.digest and paths
    if reusable and output is not None and all(run.cache.outputs.intact(output, path) for path in paths):
        run.data_files += len(paths)
        yield from (OutputFile(path, unchanged=True) for path in paths)
        return
    if reusable and run.pages.marked(SEARCH_MARK) == digest and run.pages.holds(paths, SEARCH_ROWS):
        run.data_files += len(paths)  # the output lost the index (a fresh CI checkout): the page store has it
        yield from _stored_search_files(run, paths)
        return
    if memory is not None and digest == memory.search.digest and memory.search.output:
        files: Iterable[OutputFile] = memory.search.output  # sitegen serve keeps the index in memory
    else:
        files = _search_index(run, loaded, keys, output)
    made: list[str] = []
    kept: list[OutputFile] = []
    store = run.pages if output is not None and memory is None else PageStore()  # only an output folder's files
    store.mark(SEARCH_MARK, "")  # the stored index is being changed: a build that stops here leaves it unusable
    for file in files:  # handed on one by one: a cold index is made while its files are written
        made.append(file.path)
        if memory is not None:
            kept.append(file)
        elif file.data is not None:  # a file the update left as it was keeps its stored bytes
            store.put(file.path, SEARCH_ROWS, compress(file.data))
        yield file
    store.mark(SEARCH_MARK, digest)
    run.data_files += len(made)
    record.record(digest, tuple(made))
    if memory is not None:
        memory.search.output = tuple(kept)


def _stored_search_files(run: Run, paths: tuple[str, ...]) -> Iterator[OutputFile]:
    for path, data in zip(paths, run.pages.read_many([(path, SEARCH_ROWS) for path in paths]), strict=True):
        if data is None:  # checked a moment ago; gone only if the file is damaged
            raise RuntimeError(f"{path}: damaged in the page store; delete {CACHE_DIR}/ and build again")
        yield OutputFile(path, data)


def _search_index(run: Run, loaded: LoadedSite, keys: list[str], output: Path | None) -> Iterator[OutputFile]:
    """Updated from the last index's state, so that only the articles whose key changed are read again; else built
    cold. The state holds the shards: an output that lacks the last index (the CI path: an empty folder, the cache
    restored) gets its files made again from the state and the articles, with no indexing."""
    memory, state, on_disk = run.memory, None, False
    kept = {file.path: file.data for file in memory.search.output} if memory is not None else {}
    previous = _in_memory(kept)
    if memory is not None:
        state = memory.search.state  # the index of memory.search.output
    elif output is not None and run.options.disk_cache:
        on_disk, previous = True, _on_disk(output / SEARCH_URL)
        state = load_search_state(run.cache_folder, warnings=run.warnings)
    articles = loaded.site.articles[::-1]
    columns = column_titles(loaded.site)

    def document(doc_id: int) -> SearchDocument:
        return search_document(articles[doc_id], columns, loaded.body(articles[doc_id]))

    changes: list[tuple[str, bytes | None]] | None = None
    if state is not None:
        try:
            last = state
            in_output = on_disk and previous("meta.json") == last.meta()  # else another index, or none
            changes = update_index(last, keys, document, previous)
            if on_disk:
                changes = _restore(run, output, in_output, changes, lambda path: restored(last, path, document))
        except _UPDATE_ERRORS as exc:
            changes = None  # a damaged state, or a document not as its key says: build cold, and say so
            where = "memory" if memory is not None else str(run.cache_folder / SEARCH_FILE)
            run.warnings.append(cold_search(where, damaged(exc)))
    if changes is None:
        state = yield from _cold_index(keys, document, SEARCH_URL)
        changes = []
    if memory is not None:
        memory.search.state = state
        yield from (OutputFile(SEARCH_URL + p, kept[SEARCH_URL + p] if data is None else data) for p, data in changes)
        return
    if on_disk:
        run.cache.search.state = state  # saved once the output is written
    yield from (OutputFile(SEARCH_URL + path, data, unchanged=data is None) for path, data in changes)


def edition_search_files(run: Run, view: EditionView, output: Path | None) -> Iterator[OutputFile]:
    """An edition's search index, under its prefix: its documents are the converted articles (folded to one script
    like every query). Kept when no article it covers changed; else updated from its saved state like the source's
    (`sitegen serve` and builds without a cache make it anew)."""
    prefix = view.edition.prefix + SEARCH_URL
    columns = column_titles(view.site)
    articles = view.site.articles[::-1]
    converted = edition_key(view.edition)  # the same article converted another way is another document
    keys = [f"{converted}|{document_key(article, columns)}" for article in articles]
    digest = hashlib.sha1(repr(keys).encode()).hexdigest()
    known = run.cache.search.editions.get(prefix)
    kept = known[1] if known is not None and known[0] == digest and run.memory is None else None
    if output is not None and kept is not None and all(run.cache.outputs.intact(output, path) for path in kept):
        run.data_files += len(kept)
        yield from (OutputFile(path, unchanged=True) for path in kept)
        return

    def document(doc_id: int) -> SearchDocument:
        return search_document(articles[doc_id], columns, view.body(articles[doc_id]))

    name = search_state_file(view.edition.prefix)
    saved = output is not None and run.memory is None and run.options.disk_cache
    state = load_search_state(run.cache_folder, name) if saved else None
    changes = _edition_update(run, output, prefix, name, state, keys, document) if state is not None else None
    paths: list[str] = []
    if changes is None:
        state = yield from _cold_index(keys, document, prefix, paths)
    else:
        for path, data in changes:
            paths.append(prefix + path)
            yield OutputFile(prefix + path, data, unchanged=data is None)
    if saved and state is not None:
        run.cache.search.edition_states[name] = state  # saved once the output is written
    run.data_files += len(paths)
    run.cache.search.record_edition(prefix, digest, tuple(paths))


def _edition_update(
    run: Run,
    output: Path | None,
    prefix: str,
    name: str,
    last: IndexState,
    keys: list[str],
    document: Callable[[int], SearchDocument],
) -> Files | None:
    """An edition's index updated from its last state (as for the source's, see _search_index), with the files the
    output lacks restored; None when the state cannot be used (said: the index is built cold)."""
    assert output is not None
    previous = _on_disk(output / prefix)
    try:
        in_output = previous("meta.json") == last.meta()  # else another index, or none
        changes = update_index(last, keys, document, previous)
        return _restore(run, output, in_output, changes, lambda p: restored(last, p, document), prefix)
    except _UPDATE_ERRORS as exc:  # a damaged state, or a document not as its key says: build cold, and say so
        run.warnings.append(cold_search(str(run.cache_folder / name), damaged(exc)))
        return None


def _cold_index(
    keys: list[str], document: Callable[[int], SearchDocument], folder: str, made: list[str] | None = None
) -> Generator[OutputFile, None, IndexState]:
    """A search index made from nothing, its files under `folder` handed on one by one as they are made (their paths
    also added to `made`); returns the index's state."""
    files = build_new_index(keys, document)
    while True:
        try:
            path, data = next(files)
        except StopIteration as done:
            state: IndexState = done.value
            return state
        if made is not None:
            made.append(folder + path)
        yield OutputFile(folder + path, data)


def _restore(
    run: Run,
    output: Path | None,
    in_output: bool,
    changes: Files,
    restore: Callable[[str], bytes],
    folder: str = SEARCH_URL,
) -> Files:
    """The bytes of the files an update left as they were (None) where the output lacks them: every one when it
    holds no index or another one; else the shards changed there since the last build (by their stats). `folder`:
    where the index is in the output (an edition's is under its prefix)."""

    def lacking(path: str) -> bool:
        if not in_output or output is None:
            return True
        return path.startswith("shards/") and not run.cache.outputs.intact(output, folder + path)

    return [(path, restore(path) if data is None and lacking(path) else data) for path, data in changes]


def _in_memory(files: dict[str, bytes | None]) -> Previous:
    def previous(path: str) -> bytes | None:
        return files.get(SEARCH_URL + path)

    return previous


def _on_disk(folder: Path) -> Previous:
    def previous(path: str) -> bytes | None:
        try:
            return (folder / path).read_bytes()
        except OSError:
            return None

    return previous
