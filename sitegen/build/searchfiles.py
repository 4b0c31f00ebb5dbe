"""The search indexes' files of a build: the source's under search/, each edition's under its prefix.

An index no article of which changed is kept as it is (its files intact in the output), or taken back from the page
store (the output lost it: a fresh CI checkout); else it is updated from the last index's state, so that only the
articles whose key changed are read again, or, with no usable state, built cold (and said, when a state was there
but could not be used). `sitegen serve` keeps the source's index and its state in memory. Where the last index and
its state are, and what is kept of this one, is the destination's answer (sitegen.build.destination).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import pickle
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING

from sitegen.build.destination import Destination, LastIndex
from sitegen.build.editions import EditionView
from sitegen.build.load import LoadedSite
from sitegen.build.parallel import ordered_map
from sitegen.build.run import Run
from sitegen.cachenotes import cold_search, damaged
from sitegen.edition import edition_body_key, edition_key
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.pages import PageStore, compress
from sitegen.incremental.searchhelper import SearchHelper
from sitegen.incremental.searchrecord import SEARCH_FILE, search_state_file
from sitegen.layout import CACHE_DIR
from sitegen.model import Article, OutputFile
from sitegen.search import build as cold
from sitegen.search.index import (
    SEARCH_URL,
    DocumentShell,
    Files,
    IndexState,
    Part,
    SearchDocument,
    Spread,
    build_new_index,
    column_titles,
    document_key,
    index_part,
    restored,
    search_document,
    shell_fields,
    update_index,
)

if TYPE_CHECKING:  # postings imports numpy: loaded where an index is made
    from sitegen.search.postings import Encoded, Pairs

# The search index's files are stored as rows of their own kind; a mark names the index (by the digest of what it
# was made from) that they make up, so an update that leaves most files as they were rewrites only the others.
SEARCH_ROWS = "search-index"
SEARCH_MARK = "search"
# what an update raises on a damaged state, or a document not as its key says: the index is built cold
_UPDATE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)
PARTS_PER_WORKER = 4  # below this a pool costs more than it saves (a part is 128 documents)
SPREAD_PAIRS = 1 << 22  # below this many pairs, a cold index's postings are made here (about 3,000 articles)
RANGE_PAIRS = 1 << 22  # pairs a worker encodes at a time: what it holds, and sends back, stays a few tens of MB
# below this many documents the state is read and updated in a few tens of milliseconds: less than a helper costs
HELPER_DOCUMENTS = 5_000


def search_files(
    run: Run, loaded: LoadedSite, destination: Destination, ahead: SearchAhead | None = None
) -> Iterator[OutputFile]:
    """The search index: kept when no article it covers changed, else updated from the last index's state (by the
    search helper `ahead` started, when it could)."""
    if ahead is None:
        ahead = search_ahead(run, loaded, destination, helped=False)
    keys, digest = ahead.keys, ahead.digest
    record, store = run.cache.search, destination.store
    paths = record.paths
    if digest == record.digest and paths and destination.files_kept(paths):
        run.data_files += len(paths)
        yield from (OutputFile(path, unchanged=True) for path in paths)
        return
    if digest == record.digest and paths and store.marked(SEARCH_MARK) == digest and store.holds(paths, SEARCH_ROWS):
        run.data_files += len(paths)  # the output lost the index (a fresh CI checkout): the page store has it
        yield from _stored_search_files(store, paths)
        return
    files: Iterable[OutputFile] | None = destination.search_in_memory(digest) or _helped(destination, ahead)
    made: list[str] = []
    store.mark(SEARCH_MARK, "")  # the stored index is being changed: a build that stops here leaves it unusable
    # handed on one by one: a cold index is made while its files are written
    for file in destination.keep_search_files(files or _search_index(run, loaded, keys, destination)):
        made.append(file.path)
        if file.data is not None and store.keeps:  # a file the update left as it was keeps its stored bytes
            store.put(file.path, SEARCH_ROWS, compress(file.data))
        yield file
    store.mark(SEARCH_MARK, digest)
    run.data_files += len(made)
    record.record(digest, tuple(made))


@dataclass
class SearchAhead:
    """The source's search index as the build knows it once the site is loaded: its documents' keys (by id: oldest
    article first) and their digest, and the search helper updating it meanwhile, when there is one."""

    keys: list[str]
    digest: str
    helper: SearchHelper | None = None

    def close(self) -> None:
        if self.helper is not None:
            self.helper.close()


def search_ahead(run: Run, loaded: LoadedSite, destination: Destination, helped: bool = True) -> SearchAhead:
    """The documents' keys; when they are not the last index's and its state is on disk, a search helper started
    on them (`helped`, and more than one core): it updates the index on the other core while this process makes
    the pages (incremental/searchhelper.py), given the documents of the articles this build rendered."""
    columns = column_titles(loaded.site)
    articles = loaded.site.articles[::-1]
    keys = [document_key(article, columns) for article in articles]
    ahead = SearchAhead(keys, hashlib.sha1(repr(keys).encode()).hexdigest())
    helps = helped and run.options.jobs > 1 and len(keys) >= HELPER_DOCUMENTS
    paths = destination.helper_paths(SEARCH_URL, SEARCH_FILE) if helps else None
    if paths is None or ahead.digest == run.cache.search.digest or not run.options.search:
        return ahead
    shards = [path for path in run.cache.search.paths if path.startswith(SEARCH_URL + "shards/")]
    kept = [path.removeprefix(SEARCH_URL) for path in shards if destination.files_kept((path,))]
    if not kept:  # the output lacks the last index (the CI path): its chunks need every document, made here
        return ahead
    documents = {
        doc_id: astuple(search_document(article, columns, loaded.body(article)))
        for doc_id, article in enumerate(articles)
        if article.source_path in loaded.rendered
    }
    ahead.helper = SearchHelper(*paths, keys, documents, kept)
    return ahead


def _helped(destination: Destination, ahead: SearchAhead) -> list[OutputFile] | None:
    """The files of the index the search helper updated, its state's save kept for after the build; None when
    there is no helper, or it could not."""
    done = ahead.helper.result() if ahead.helper is not None else None
    if done is None:
        return None
    files, save = done
    destination.keep_prepared_state(SEARCH_FILE, save)
    return [OutputFile(SEARCH_URL + path, data, unchanged=data is None) for path, data in files]


def _stored_search_files(store: PageStore, paths: tuple[str, ...]) -> Iterator[OutputFile]:
    for path, data in zip(paths, store.read_many([(path, SEARCH_ROWS) for path in paths]), strict=True):
        if data is None:  # checked a moment ago; gone only if the file is damaged
            raise RuntimeError(f"{path}: damaged in the page store; delete {CACHE_DIR}/ and build again")
        yield OutputFile(path, data)


def _search_index(run: Run, loaded: LoadedSite, keys: list[str], destination: Destination) -> Iterator[OutputFile]:
    """Updated from the last index's state, so that only the articles whose key changed are read again; else built
    cold. The state holds the shards: an output that lacks the last index (the CI path: an empty folder, the cache
    restored) gets its files made again from the state and the articles, with no indexing."""
    last = destination.last_index(SEARCH_URL, SEARCH_FILE, run.warnings)
    articles = loaded.site.articles[::-1]
    columns = column_titles(loaded.site)

    def document(doc_id: int) -> SearchDocument:
        return search_document(articles[doc_id], columns, loaded.body(articles[doc_id]))

    updated = _update(run, destination, last, keys, document, SEARCH_URL)
    if updated is None:
        spread = _on_every_core(run, articles, columns, loaded.bodies, lambda article: article.fingerprint)
        state = yield from _cold_index(keys, document, SEARCH_URL, spread=spread)
        changes: Files = []
    else:
        state, changes = updated
    destination.keep_index_state(SEARCH_FILE, state)
    yield from (last.file(SEARCH_URL, path, data) for path, data in changes)


def edition_search_files(run: Run, view: EditionView, destination: Destination) -> Iterator[OutputFile]:
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
    if known is not None and known[0] == digest and destination.files_kept(known[1]):
        run.data_files += len(known[1])
        yield from (OutputFile(path, unchanged=True) for path in known[1])
        return

    def document(doc_id: int) -> SearchDocument:
        return search_document(articles[doc_id], columns, view.body(articles[doc_id]))

    name = search_state_file(view.edition.prefix)
    last = destination.last_index(prefix, name)  # an edition's unreadable state is not said: it is made anew
    updated = _update(run, destination, last, keys, document, prefix)
    paths: list[str] = []
    if updated is None:
        edition = view.edition
        spread = _on_every_core(
            run, articles, columns, view.bodies, lambda article: edition_body_key(article.fingerprint, edition)
        )
        state = yield from _cold_index(keys, document, prefix, paths, spread)
    else:
        state, changes = updated
        for path, data in changes:
            paths.append(prefix + path)
            yield last.file(prefix, path, data)
    destination.keep_index_state(name, state)
    run.data_files += len(paths)
    run.cache.search.record_edition(prefix, digest, tuple(paths))


def _update(
    run: Run,
    destination: Destination,
    last: LastIndex,
    keys: list[str],
    document: Callable[[int], SearchDocument],
    folder: str,
) -> tuple[IndexState, Files] | None:
    """An index (under `folder`) updated from its last state, with the files an output lacks restored; None when
    there is no state, or it cannot be used (said: the index is built cold)."""
    state = last.state
    if state is None:
        return None
    try:
        in_output = last.in_output and last.files("meta.json") == state.meta()  # else another index, or none
        changes = update_index(state, keys, document, last.files)
        if last.in_output:
            changes = _restore(destination, in_output, changes, lambda path: restored(state, path, document), folder)
        return state, changes
    except _UPDATE_ERRORS as exc:  # a damaged state, or a document not as its key says: build cold, and say so
        run.warnings.append(cold_search(last.where, damaged(exc)))
        return None


def _cold_index(
    keys: list[str],
    document: Callable[[int], SearchDocument],
    folder: str,
    made: list[str] | None = None,
    spread: Spread | None = None,
) -> Generator[OutputFile, None, IndexState]:
    """A search index made from nothing, its files under `folder` handed on one by one as they are made (their paths
    also added to `made`); returns the index's state. `spread`: the workers that do the work."""
    files = build_new_index(keys, document, spread=spread)
    try:
        while True:
            try:
                path, data = next(files)
            except StopIteration as done:
                state: IndexState = done.value
                return state
            if made is not None:
                made.append(folder + path)
            yield OutputFile(folder + path, data)
    finally:
        files.close()  # a build that stops early stops the workers


def _on_every_core(
    run: Run,
    articles: Sequence[Article],
    columns: dict[str, str],
    bodies: BodyStore,
    key: Callable[[Article], str],
) -> Spread | None:
    """A cold index's work on every core (None: one core): forked workers index its parts of documents, each
    reading the bodies (by `key`) through a store of its own that only reads, then make its postings, a range of
    bigrams each. A body a worker cannot read (a damaged row) is left to this process, which makes it again and says
    so, as for a page."""
    jobs = run.options.jobs
    if jobs <= 1:
        return None
    reader = bodies.reader()

    def parts(count: int, numbers: range) -> Iterator[Part]:
        # each part's articles as plain data, one bytes object a part: the workers touch nothing else of the loaded
        # site (reading the Articles would write their reference counts, copying every page of memory they are on)
        size = cold.PART_DOCUMENTS
        sent = [
            pickle.dumps([(key(a), *shell_fields(a, columns)) for a in articles[n * size : (n + 1) * size]])
            for n in numbers
        ]
        return ordered_map(functools.partial(_index_part, sent, numbers, count, reader), len(numbers), jobs,
                           PARTS_PER_WORKER)  # fmt: skip

    def encoded(batches: list[Pairs]) -> Encoded:
        from sitegen.search import postings

        total = sum(map(len, batches))
        if total < SPREAD_PAIRS:
            return postings.encoded(batches)
        bounds = postings.gram_bounds(batches, max(2 * jobs, total // RANGE_PAIRS))
        ranges = list(itertools.pairwise(bounds))
        pieces = list(ordered_map(functools.partial(_encoded_between, batches, ranges), len(ranges), jobs, least=1))
        batches.clear()  # before the pieces are joined: their copy is the peak
        return postings.joined(pieces)

    return Spread(parts, encoded)


def _encoded_between(batches: list[Pairs], ranges: list[tuple[int, int]], n: int) -> Encoded:
    from sitegen.search import postings

    return postings.encoded(postings.between(batches, *ranges[n]))


def _index_part(sent: list[bytes], numbers: range, count: int, reader: BodyStore, n: int) -> Part:
    """In a worker: part `n`, its articles read from `sent` and their bodies from `reader` (None for a body it
    cannot read: made by the building process)."""
    first = numbers[n] * cold.PART_DOCUMENTS
    shells = pickle.loads(sent[n])  # our own bytes, made a moment ago by the building process

    def stored(doc_id: int) -> SearchDocument | None:
        body_key, *fields = shells[doc_id - first]
        try:
            body = reader.get(body_key)
        except KeyError:
            return None
        return DocumentShell(*fields).document(body)

    return index_part(numbers[n], count, stored)


def _restore(
    destination: Destination, in_output: bool, changes: Files, restore: Callable[[str], bytes], folder: str
) -> Files:
    """The bytes of the files an update left as they were (None) where the output lacks them: every one when it
    holds no index or another one; else the shards changed there since the last build (by their stats). `folder`:
    where the index is in the output (an edition's is under its prefix)."""

    def lacking(path: str) -> bool:
        if not in_output:
            return True
        return path.startswith("shards/") and not destination.files_kept((folder + path,))

    return [(path, restore(path) if data is None and lacking(path) else data) for path, data in changes]
