"""The build pipeline: load the site, render what changed on every core, write what changed.

  load.load_site      config, sources, articles (cached or rendered in parallel) -> Site
  render.page_jobs    Site -> one PageJob per page, each with a key of everything it shows
  render.render_page  the pages whose key changed since the cached build, in parallel
  output.write_site   changed files into a staging folder, then committed; nothing on failure

`sitegen.build.api` is the way in: it imports this module only when there is work to do.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.build import load
from sitegen.build.diskfull import disk_errors_in
from sitegen.build.editions import EditionView, load_edition
from sitegen.build.load import LoadedSite
from sitegen.build.options import BuildOptions, BuildReport
from sitegen.build.output import WriteReport, write_site
from sitegen.build.parallel import ordered_map
from sitegen.cachenotes import cold_search, damaged
from sitegen.edition import edition_key
from sitegen.errors import BuildFailed, warning_error
from sitegen.incremental.cache import SEARCH_FILE as SEARCH_STATE_FILE
from sitegen.incremental.cache import BuildCache, load_search_state, save_search_state, search_state_file
from sitegen.incremental.pages import PAGES_FILE, DiskPageStore, PageStore, compress, decompress
from sitegen.layout import ASSETS_DIR, CACHE_DIR, CONTENT_DIR, TEMPLATES_DIR
from sitegen.model import BodyOf, Config, OutputFile
from sitegen.pictures.cache import ImageStore
from sitegen.render.keys import ContextKeys
from sitegen.render.pages import PageJob, data_files, make_environment, page_jobs, render_page, template_digests
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
from sitegen.stamps import RACY_NANOSECONDS

IMAGES_DIR = "images"  # processed pictures, inside the cache folder
# The search index's files are stored as rows of their own kind; a mark names the index (by the digest of what it
# was made from) that they make up, so an update that leaves most files as they were rewrites only the others.
SEARCH_ROWS = "search-index"
SEARCH_MARK = "search"


@dataclass
class _Run:
    """One build's moving parts: the options, the cache in use and the clock of each phase."""

    site_dir: Path
    options: BuildOptions
    cache: BuildCache
    pages: PageStore  # the bytes of the last build's pages and search index, by output path and digest
    started: float = field(default_factory=time.perf_counter)
    started_ns: int = field(default_factory=time.time_ns)  # wall clock, to tell time stamps of the build's own time
    timings: list[tuple[str, float]] = field(default_factory=list)
    pages_rendered: int = 0
    pages_reused: int = 0
    data_files: int = 0  # feeds, sitemap, robots.txt, search index
    editions_converted: int = 0  # articles whose edition texts and bodies this build converted
    write_images: bool = True  # False for `sitegen check`, which writes nothing, not even the image cache
    warnings: list[str] = field(default_factory=list)  # about the cache, besides the build cache's own
    images_removed: int = 0
    shapes: Any = None  # the articles' context digests this build walked (render.keys), kept for the next build

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings.append((phase, now - since))
        return now


def _start(site_dir: Path, options: BuildOptions, write_cache: bool = True, write_images: bool = True) -> _Run:
    started = time.perf_counter()
    cache = options.cache
    folder = options.cache_dir or site_dir / CACHE_DIR
    if cache is None:
        # where a cached article's pictures may be: content/ and assets/ (as the resolver finds them), the image cache
        pictures = (site_dir.resolve() / CONTENT_DIR, site_dir.resolve() / ASSETS_DIR, _images(site_dir, options))
        cache = BuildCache.load(folder, write_cache, pictures) if options.disk_cache else BuildCache()
    recorded = options.cache is None and options.disk_cache
    pages = DiskPageStore(folder / PAGES_FILE, write_cache) if recorded else PageStore()
    run = _Run(site_dir, options, cache, pages, started=started, write_images=write_images)
    run.lap("read the build cache", started)
    return run


def _images(site_dir: Path, options: BuildOptions) -> Path:
    """The image cache's folder, absolute: the cache names its files by it, the same for any spelling of the site
    folder and from any working directory."""
    return Path(os.path.abspath((options.cache_dir or site_dir / CACHE_DIR) / IMAGES_DIR))


def _load(run: _Run) -> LoadedSite:
    o = run.options
    started = time.perf_counter()
    folder = _images(run.site_dir, o)
    images = ImageStore(folder, write=run.write_images, reuse=o.disk_cache)
    loaded = load.load_site(run.site_dir, o.drafts, o.future, o.now, o.theme, run.cache, o.jobs, images)
    run.images_removed = images.save(loaded.site.config.image_cache_keep_builds)
    run.warnings.extend(images.warnings)
    run.lap("read and render Markdown", started)
    if o.strict and (loaded.warnings or loaded.content_warnings):
        raise BuildFailed([*loaded.content_warnings, *map(warning_error, loaded.warnings)])
    return loaded


# what a page plan does with each page
KEEP = "keep"  # in the output as the last build left it, made from the same digest: not touched
FROM_MEMORY = "memory"  # sitegen serve's in-memory pages
FROM_STORE = "store"  # lost from the output (a fresh CI checkout): its bytes come back from the page store
RENDER = "render"


@dataclass(frozen=True)
class PagePlan:
    """Every HTML page in a stable order, the digest of what it is made from, and how this build gets its bytes."""

    jobs: list[PageJob]
    configs: list[Config]  # the config each page renders with: the source's, or an edition's
    bodies: list[BodyOf]  # where each page's article bodies come from (an edition's are converted)
    digests: list[str]
    actions: list[str]

    def indexes(self, action: str) -> list[int]:
        return [i for i, done in enumerate(self.actions) if done == action]


def _plan_pages(
    run: _Run, loaded: LoadedSite, views: list[EditionView], env: Any, output: Path | None
) -> PagePlan:  # env: a Jinja Environment
    """Decide, for each page of the source and of each edition (under its prefix), whether its key matches something
    this build may reuse, or it is rendered."""
    search_url = SEARCH_URL if run.options.search else None
    jobs = page_jobs(loaded.site, search_url)
    bodies: list[BodyOf] = [loaded.body] * len(jobs)
    configs = [loaded.site.config] * len(jobs)
    for view in views:
        edition_jobs = page_jobs(view.site, search_url, dict(view.shared))
        jobs += edition_jobs
        bodies += [view.body] * len(edition_jobs)
        configs += [view.site.config] * len(edition_jobs)
    templates = template_digests(env, {job.template for job in jobs})
    keys = ContextKeys(run.cache.bases)  # each article walked once, however many pages show it, or not at all
    run.shapes = keys.rebase(run.cache.articles.values())
    # a digest of the template and of everything the page is rendered from (its config included): nothing it shows
    # can be left out of its key, and the page store outlives a change of site.yaml or of sitegen
    digests = [
        keys.page_key(templates[job.template], job.rendered_from(config))
        for job, config in zip(jobs, configs, strict=True)
    ]
    memory, previous = run.options.cache, run.cache.page_digests
    stored = run.pages.digests() if output is not None else {}
    actions = []
    for job, digest in zip(jobs, digests, strict=True):
        if memory is not None and digest in memory.pages:
            actions.append(FROM_MEMORY)
        elif output is not None and previous.get(job.path) == digest and run.cache.intact(output, job.path):
            actions.append(KEEP)
        elif stored.get(job.path) == digest:
            actions.append(FROM_STORE)
        else:
            actions.append(RENDER)
    return PagePlan(jobs, configs, bodies, digests, actions)


def _page_files(
    run: _Run, loaded: LoadedSite, views: list[EditionView], output: Path | None
) -> Iterator[OutputFile]:
    """The pages of the plan, in its order; those to render are rendered on every core while they are handed on."""
    started = time.perf_counter()
    env = make_environment(run.site_dir / TEMPLATES_DIR, run.options.theme)
    plan = _plan_pages(run, loaded, views, env, output)
    memory = run.options.cache
    store = run.pages if output is not None else PageStore()  # only what goes to an output folder is kept
    todo = plan.indexes(RENDER)
    # the bodies the workers will read, read here first: a damaged row is repaired, and said, once
    loaded.ensure_bodies(
        plan.jobs[i].variables["article"] for i in todo if plan.jobs[i].shows_body and plan.bodies[i] == loaded.body
    )

    def render(n: int) -> bytes:
        i = todo[n]
        data = render_page(env, plan.configs[i], plan.jobs[i], plan.bodies[i])
        return compress(data) if store.keeps else data  # compressed in the workers: less crosses the pipes

    rendered = ordered_map(render, len(todo), run.options.jobs)
    stored = store.read_many([(plan.jobs[i].path, plan.digests[i]) for i in plan.indexes(FROM_STORE)])
    rendering = time.perf_counter() - started
    for index, (job, digest, action) in enumerate(zip(plan.jobs, plan.digests, plan.actions, strict=True)):
        config, body = plan.configs[index], plan.bodies[index]
        waited = time.perf_counter()
        data = None
        if action == FROM_STORE:
            data = next(stored)  # None when its row is damaged: rendered here
        if action == RENDER or (action == FROM_STORE and data is None):
            data = next(rendered) if action == RENDER else render_page(env, config, job, body)
            if store.keeps:
                blob = data if action == RENDER else compress(data)
                store.put(job.path, digest, blob)
                data = decompress(blob) if action == RENDER else data
            run.pages_rendered += 1
            if memory is not None:
                memory.pages[digest] = data
        else:
            run.pages_reused += 1
        rendering += time.perf_counter() - waited
        if action == FROM_MEMORY:
            assert memory is not None
            yield OutputFile(job.path, memory.pages[digest])
        else:
            yield OutputFile(job.path, data, unchanged=data is None)
        if run.options.progress is not None and index % 200 == 0:
            run.options.progress("pages", index, len(plan.jobs))
    run.cache.record_shapes(run.shapes)
    if memory is not None:
        memory.retain_pages(plan.digests)
    run.cache.record_output(dict(zip((job.path for job in plan.jobs), plan.digests, strict=True)), run.cache.outputs)
    run.cache.pages_reused = run.pages_reused
    run.timings.append(("render templates", rendering))


def _files(run: _Run, loaded: LoadedSite, output: Path | None) -> Iterator[OutputFile]:
    """Every file of the site in a stable order: pages (the source edition's, then each edition's under its prefix),
    feeds, the search indexes, pictures and assets."""
    started = time.perf_counter()
    views = [load_edition(loaded, edition, run.options.jobs) for edition in loaded.site.config.editions]
    run.editions_converted = sum(view.converted for view in views)
    run.lap("convert editions", started)
    yield from _page_files(run, loaded, views, output)
    started = time.perf_counter()
    for site, body in ((loaded.site, loaded.body), *((view.site, view.body) for view in views)):
        for file in data_files(site, body):
            run.data_files += 1
            yield file
    run.lap("feeds and sitemap", started)
    if run.options.search:
        started = time.perf_counter()
        yield from _search_files(run, loaded, output)
        for view in views:
            yield from _edition_search(run, view, output)
        run.lap("search index", started)
    for file in loaded.static_files:  # pictures and assets: a copy whose source did not change is not read again
        source = file.copy_from
        if output is not None and source is not None and run.cache.copy_intact(output, file.path, source):
            yield OutputFile(file.path, unchanged=True)
        else:
            yield file


def _search_files(run: _Run, loaded: LoadedSite, output: Path | None) -> Iterator[OutputFile]:
    """The search index: kept when no article it covers changed, else updated from the last index's state."""
    columns = column_titles(loaded.site)
    keys = [document_key(article, columns) for article in reversed(loaded.site.articles)]  # ids: oldest first
    digest = hashlib.sha1(repr(keys).encode()).hexdigest()
    cache, memory = run.cache, run.options.cache
    paths = cache.search_paths
    reusable = output is not None and memory is None and digest == cache.search_digest and paths
    if reusable and output is not None and all(cache.intact(output, path) for path in paths):
        run.data_files += len(paths)
        yield from (OutputFile(path, unchanged=True) for path in paths)
        return
    if reusable and run.pages.marked(SEARCH_MARK) == digest and run.pages.holds(paths, SEARCH_ROWS):
        run.data_files += len(paths)  # the output lost the index (a fresh CI checkout): the page store has it
        yield from _stored_search_files(run, paths)
        return
    if memory is not None and digest == memory.search_digest and memory.search_output:
        files: Iterable[OutputFile] = memory.search_output  # sitegen serve keeps the index in memory
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
    cache.record_search(digest, tuple(made))
    if memory is not None:
        memory.search_output = tuple(kept)


def _stored_search_files(run: _Run, paths: tuple[str, ...]) -> Iterator[OutputFile]:
    for path, data in zip(paths, run.pages.read_many([(path, SEARCH_ROWS) for path in paths]), strict=True):
        if data is None:  # checked a moment ago; gone only if the file is damaged
            raise RuntimeError(f"{path}: damaged in the page store; delete {CACHE_DIR}/ and build again")
        yield OutputFile(path, data)


def _search_index(run: _Run, loaded: LoadedSite, keys: list[str], output: Path | None) -> Iterator[OutputFile]:
    """Updated from the last index's state, so that only the articles whose key changed are read again; else built
    cold. The state holds the shards: an output that lacks the last index (the CI path: an empty folder, the cache
    restored) gets its files made again from the state and the articles, with no indexing."""
    memory, state, on_disk = run.options.cache, None, False
    kept = {file.path: file.data for file in memory.search_output} if memory is not None else {}
    previous = _in_memory(kept)
    if memory is not None:
        state = memory.search_state  # the index of memory.search_output
    elif output is not None and run.options.disk_cache:
        on_disk, previous = True, _on_disk(output / SEARCH_URL)
        state = load_search_state(run.options.cache_dir or run.site_dir / CACHE_DIR, warnings=run.warnings)
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
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            changes = None  # a damaged state, or a document not as its key says: build cold, and say so
            folder = run.options.cache_dir or run.site_dir / CACHE_DIR
            where = "memory" if memory is not None else str(folder / SEARCH_STATE_FILE)
            run.warnings.append(cold_search(where, damaged(exc)))
    if changes is None:
        state = yield from _cold_index(keys, document, SEARCH_URL)
        changes = []
    if memory is not None:
        memory.search_state = state
        yield from (OutputFile(SEARCH_URL + p, kept[SEARCH_URL + p] if data is None else data) for p, data in changes)
        return
    if on_disk:
        run.cache.search_state = state  # saved once the output is written
    yield from (OutputFile(SEARCH_URL + path, data, unchanged=data is None) for path, data in changes)


def _edition_search(run: _Run, view: EditionView, output: Path | None) -> Iterator[OutputFile]:
    """An edition's search index, under its prefix: its documents are the converted articles (folded to one script
    like every query). Kept when no article it covers changed; else updated from its saved state like the source's
    (`sitegen serve` and builds without a cache make it anew)."""
    prefix = view.edition.prefix + SEARCH_URL
    columns = column_titles(view.site)
    articles = view.site.articles[::-1]
    converted = edition_key(view.edition)  # the same article converted another way is another document
    keys = [f"{converted}|{document_key(article, columns)}" for article in articles]
    digest = hashlib.sha1(repr(keys).encode()).hexdigest()
    known = run.cache.edition_search.get(prefix)
    memory = run.options.cache
    kept = known[1] if known is not None and known[0] == digest and memory is None else None
    if output is not None and kept is not None and all(run.cache.intact(output, path) for path in kept):
        run.data_files += len(kept)
        yield from (OutputFile(path, unchanged=True) for path in kept)
        return

    def document(doc_id: int) -> SearchDocument:
        return search_document(articles[doc_id], columns, view.body(articles[doc_id]))

    name = search_state_file(view.edition.prefix)
    state, changes = None, None
    if output is not None and memory is None and run.options.disk_cache:
        state = load_search_state(run.options.cache_dir or run.site_dir / CACHE_DIR, name)
        previous = _on_disk(output / prefix)
        if state is not None:  # as for the source's index (see _search_index)
            try:
                last = state
                in_output = previous("meta.json") == last.meta()  # else another index, or none
                changes = update_index(last, keys, document, previous)
                changes = _restore(run, output, in_output, changes, lambda p: restored(last, p, document), prefix)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                changes = None  # a damaged state, or a document not as its key says: build cold, and say so
                folder = run.options.cache_dir or run.site_dir / CACHE_DIR
                run.warnings.append(cold_search(str(folder / name), damaged(exc)))
    paths: list[str] = []
    if changes is None:
        state = yield from _cold_index(keys, document, prefix, paths)
    else:
        for path, data in changes:
            paths.append(prefix + path)
            yield OutputFile(prefix + path, data, unchanged=data is None)
    if output is not None and memory is None and run.options.disk_cache and state is not None:
        run.cache.edition_search_states[name] = state  # saved once the output is written
    run.data_files += len(paths)
    run.cache.record_edition_search(prefix, digest, tuple(paths))


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
    run: _Run,
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
        return path.startswith("shards/") and not run.cache.intact(output, folder + path)

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


def _report(run: _Run, loaded: LoadedSite, written: WriteReport, output: Path | None) -> BuildReport:
    return BuildReport(
        articles=len(loaded.site.articles),
        pages=run.pages_rendered + run.pages_reused + run.data_files,
        files_written=written.written,
        files_unchanged=written.unchanged,
        seconds=time.perf_counter() - run.started,
        output_dir=output,
        left_out_drafts=loaded.left_out_drafts,
        left_out_future=loaded.left_out_future,
        next_scheduled=loaded.next_scheduled,
        warnings=loaded.warnings,
        content_warnings=loaded.content_warnings,
        articles_rendered=loaded.articles_rendered,
        articles_reused=loaded.articles_reused,
        pages_rendered=run.pages_rendered,
        pages_reused=run.pages_reused,
        timings=tuple(run.timings),
        images_processed=loaded.images_processed,
        images_reused=loaded.images_reused,
        images_removed=run.images_removed,
        cache_warnings=tuple(dict.fromkeys((*run.cache.warnings, *run.warnings))),  # each said once
        mourning=loaded.site.mourning,
        next_mourning=loaded.next_mourning,
        editions_converted=run.editions_converted,
    )


def load_site(site_dir: Path, options: BuildOptions | None = None) -> LoadedSite:
    """The loaded and checked site, rendered nowhere."""
    return _load(_start(site_dir, options or BuildOptions(disk_cache=False), write_cache=False))


def check(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Everything a build does but writing: content, links, pictures, templates. Writes nothing, not even the cache."""
    run = _start(site_dir, options or BuildOptions(), write_cache=False, write_images=False)
    run.cache.page_digests = {}  # render every page, so that every template error is found
    loaded = _load(run)
    for _ in _files(run, loaded, None):
        pass
    return _report(run, loaded, WriteReport(0, 0), None)


def build_in_memory(site_dir: Path, options: BuildOptions) -> tuple[BuildReport, dict[str, OutputFile]]:
    """The whole site as OutputFiles by path, written nowhere (for the development server)."""
    run = _start(site_dir, options)
    loaded = _load(run)
    files = {file.path: file for file in _files(run, loaded, None)}
    return _report(run, loaded, WriteReport(0, 0), None), files


def build(site_dir: Path, options: BuildOptions, output: Path) -> tuple[BuildReport, LoadedSite]:
    """Build into `output` (checked and locked by the caller)."""
    run = _start(site_dir, options)
    loaded = _load(run)
    started = time.perf_counter()
    written = write_site(_files(run, loaded, output), output, run.cache.outputs or None, options.output_mode)
    run.cache.record_output(run.cache.page_digests, written.paths)
    run.cache.record_written(output, written.paths, written.kept)
    run.pages.retain(set(written.paths))
    copies = ((f.path, f.copy_from) for f in loaded.static_files if f.copy_from is not None)
    images = _images(site_dir, options)
    run.cache.record_copies(copies, run.started_ns - RACY_NANOSECONDS, images)
    elapsed = time.perf_counter() - started
    rendering = sum(t for phase, t in run.timings if phase in _OVERLAPPING_WRITES)
    run.timings.append(("write", elapsed - rendering))
    if options.cache is None and options.disk_cache:
        started = time.perf_counter()
        with disk_errors_in(options.cache_dir or site_dir / CACHE_DIR, output_kept=False):  # the output is new
            run.cache.save(options.cache_dir or site_dir / CACHE_DIR)
            if run.cache.search_state is not None:  # an index was built or updated: its state, for the next one
                save_search_state(options.cache_dir or site_dir / CACHE_DIR, run.cache.search_state)
            for name, state in run.cache.edition_search_states.items():  # the editions' indexes likewise
                save_search_state(options.cache_dir or site_dir / CACHE_DIR, state, name)
        run.lap("save the build cache", started)
    return _report(run, loaded, written, output), loaded


# the phases that run while write_site takes their files: their time is not the writing's
_OVERLAPPING_WRITES = frozenset({"convert editions", "render templates", "feeds and sitemap", "search index"})
