"""The build pipeline: load the site, render what changed on every core, write what changed.

  load.load_site      config, sources, articles (cached or rendered in parallel) -> Site
  render.page_jobs    Site -> one PageJob per page, each with a key of everything it shows
  render.render_page  the pages whose key changed since the cached build, in parallel
  output.write_site   changed files into a staging folder, then committed; nothing on failure

`sitegen.build.api` is the way in: it imports this module only when there is work to do.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.build import load
from sitegen.build.diskfull import disk_errors_in
from sitegen.build.editions import EditionView, load_edition
from sitegen.build.load import LoadedSite
from sitegen.build.options import BuildOptions, BuildReport
from sitegen.build.output import WriteReport, write_site
from sitegen.build.parallel import ordered_map
from sitegen.edition import edition_key
from sitegen.errors import BuildFailed, warning_error
from sitegen.incremental.cache import BuildCache, load_search_state, save_search_state, search_state_file
from sitegen.layout import CACHE_DIR, TEMPLATES_DIR
from sitegen.model import BodyOf, Config, OutputFile
from sitegen.pictures.cache import ImageStore
from sitegen.render.pages import PageJob, data_files, make_environment, page_jobs, render_page, template_digests
from sitegen.search.index import (
    SEARCH_URL,
    Files,
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


@dataclass
class _Run:
    """One build's moving parts: the options, the cache in use and the clock of each phase."""

    site_dir: Path
    options: BuildOptions
    cache: BuildCache
    started: float = field(default_factory=time.perf_counter)
    started_ns: int = field(default_factory=time.time_ns)  # wall clock, to tell time stamps of the build's own time
    timings: list[tuple[str, float]] = field(default_factory=list)
    pages_rendered: int = 0
    pages_reused: int = 0
    data_files: int = 0  # feeds, sitemap, robots.txt, search index
    write_images: bool = True  # False for `sitegen check`, which writes nothing, not even the image cache
    editions_converted: int = 0  # articles whose edition texts and bodies this build converted

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings.append((phase, now - since))
        return now


def _start(site_dir: Path, options: BuildOptions, write_cache: bool = True, write_images: bool = True) -> _Run:
    started = time.perf_counter()
    cache = options.cache
    if cache is None:
        folder = options.cache_dir or site_dir / CACHE_DIR
        cache = BuildCache.load(folder, write_cache) if options.disk_cache else BuildCache()
    run = _Run(site_dir, options, cache, started=started, write_images=write_images)
    run.lap("read the build cache", started)
    return run


def _load(run: _Run) -> LoadedSite:
    o = run.options
    started = time.perf_counter()
    folder = (o.cache_dir or run.site_dir / CACHE_DIR) / IMAGES_DIR
    images = ImageStore(folder, write=run.write_images, reuse=o.disk_cache)
    loaded = load.load_site(run.site_dir, o.drafts, o.future, o.now, o.theme, run.cache, o.jobs, images)
    images.save()
    run.lap("read and render Markdown", started)
    if o.strict and (loaded.warnings or loaded.content_warnings):
        raise BuildFailed([*loaded.content_warnings, *map(warning_error, loaded.warnings)])
    return loaded


def _files(run: _Run, loaded: LoadedSite, output: Path | None) -> Iterator[OutputFile]:
    """Every file of the site in a stable order: the source edition's, then each edition's under its prefix."""
    started = time.perf_counter()
    views = [load_edition(loaded, edition, run.options.jobs) for edition in loaded.site.config.editions]
    run.editions_converted = sum(view.converted for view in views)
    run.lap("convert editions", started)
    search_url = SEARCH_URL if run.options.search else None
    jobs = page_jobs(loaded.site, search_url)
    bodies: list[BodyOf] = [loaded.body] * len(jobs)
    configs = [loaded.site.config] * len(jobs)
    for view in views:
        edition_jobs = page_jobs(view.site, search_url, dict(view.shared), edition_key(view.edition))
        jobs += edition_jobs
        bodies += [view.body] * len(edition_jobs)
        configs += [view.site.config] * len(edition_jobs)
    yield from _pages(run, jobs, configs, bodies, output)
    started = time.perf_counter()
    for file in data_files(loaded.site, loaded.body):
        run.data_files += 1
        yield file
    for view in views:
        for file in data_files(view.site, view.body):
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


def _pages(
    run: _Run, jobs: list[PageJob], configs: list[Config], bodies: list[BodyOf], output: Path | None
) -> Iterator[OutputFile]:
    """Every page; one whose key matches the cached build is not rendered."""
    started = time.perf_counter()
    env = make_environment(run.site_dir / TEMPLATES_DIR, run.options.theme)
    templates = template_digests(env, {job.template for job in jobs})
    digests = [_page_digest(templates[job.template], job) for job in jobs]
    memory, previous = run.options.cache, run.cache.page_digests
    todo = [
        i
        for i, (job, digest) in enumerate(zip(jobs, digests, strict=True))
        if not (memory is not None and digest in memory.pages)
        and not (output is not None and previous.get(job.path) == digest and run.cache.intact(output, job.path))
    ]
    rendered = ordered_map(
        lambda n: render_page(env, configs[todo[n]], jobs[todo[n]], bodies[todo[n]]), len(todo), run.options.jobs
    )
    pending = iter(todo)
    next_todo = next(pending, None)
    progress = run.options.progress
    rendering = time.perf_counter() - started
    for index, (job, digest) in enumerate(zip(jobs, digests, strict=True)):
        if index == next_todo:
            waited = time.perf_counter()
            data = next(rendered)
            rendering += time.perf_counter() - waited
            next_todo = next(pending, None)
            run.pages_rendered += 1
            if memory is not None:
                memory.pages[digest] = data
            yield OutputFile(job.path, data)
        elif memory is not None and digest in memory.pages:
            run.pages_reused += 1
            yield OutputFile(job.path, memory.pages[digest])
        else:
            run.pages_reused += 1
            yield OutputFile(job.path, unchanged=True)
        if progress is not None and index % 200 == 0:
            progress("pages", index, len(jobs))
    run.cache.record_output(dict(zip((job.path for job in jobs), digests, strict=True)), run.cache.outputs)
    run.cache.pages_reused = run.pages_reused
    run.timings.append(("render templates", rendering))


def _search_files(run: _Run, loaded: LoadedSite, output: Path | None) -> Iterator[OutputFile]:
    """The search index: kept when no article it covers changed, else updated from the last index's state."""
    columns = column_titles(loaded.site)
    keys = [document_key(article, columns) for article in reversed(loaded.site.articles)]  # ids: oldest first
    digest = hashlib.sha1(repr(keys).encode()).hexdigest()
    cache, memory = run.cache, run.options.cache
    paths = cache.search_paths
    reusable = output is not None and memory is None and digest == cache.search_digest and paths
    if reusable and all(cache.intact(output, path) for path in paths):  # type: ignore[union-attr]
        run.data_files += len(paths)
        yield from (OutputFile(path, unchanged=True) for path in paths)
        return
    if memory is not None and digest == memory.search_digest and memory.search_output:
        files: Iterable[OutputFile] = memory.search_output  # sitegen serve keeps the index in memory
    else:
        files = _search_index(run, loaded, keys, output)
    made: list[str] = []
    kept: list[OutputFile] = []
    for file in files:  # handed on one by one: a cold index is made while its files are written
        made.append(file.path)
        if memory is not None:
            kept.append(file)
        yield file
    run.data_files += len(made)
    cache.record_search(digest, tuple(made))
    if memory is not None:
        memory.search_output = tuple(kept)


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
        state = load_search_state(run.options.cache_dir or run.site_dir / CACHE_DIR)
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
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            changes = None  # a damaged state, or a document not as its key says: build cold
    if changes is None:
        cold = build_new_index(keys, document)
        while True:
            try:
                path, data = next(cold)
            except StopIteration as done:
                state = done.value
                break
            yield OutputFile(SEARCH_URL + path, data)
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
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                changes = None  # a damaged state, or a document not as its key says: build cold
    paths: list[str] = []
    if changes is None:
        made = build_new_index(keys, document)
        while True:
            try:
                path, made_data = next(made)
            except StopIteration as done:
                state = done.value
                break
            paths.append(prefix + path)
            yield OutputFile(prefix + path, made_data)
    else:
        for path, data in changes:
            paths.append(prefix + path)
            yield OutputFile(prefix + path, data, unchanged=data is None)
    if output is not None and memory is None and run.options.disk_cache and state is not None:
        run.cache.edition_search_states[name] = state  # saved once the output is written
    run.data_files += len(paths)
    run.cache.record_edition_search(prefix, digest, tuple(paths))


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


def _page_digest(template_digest: str, job: PageJob) -> str:
    return hashlib.sha1(repr((template_digest, job.path, job.key)).encode()).hexdigest()


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
    copies = ((f.path, f.copy_from) for f in loaded.static_files if f.copy_from is not None)
    images = (options.cache_dir or site_dir / CACHE_DIR) / IMAGES_DIR
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
